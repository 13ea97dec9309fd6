/**
 * Deep counterexamples: a checker that stopped reporting deadlocks or
 * violations past some depth (issue 19: one deeper than 45 went unreported,
 * and no test had one deeper than 40) fails here. The expected lengths are
 * known by construction (a counter, a layered grid) or come from ring-spec.md
 * §11 (the lost wake-up, computed by SPIN and the Python reference).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { counter } from '../checker/fixtures/counter.js';
import { checkModel } from '../checker/fixtures/run.js';
import { refValidTrace } from '../checker/fixtures/reference.js';
import { defineModel, type Model } from '../model/core.js';
import { defineParams, intParam, type ParamsOfSpace } from '../model/params.js';
import { LOST, lostWakeup } from './support/ringSpec.js';
import { paramsOf } from '../checker/fixtures/run.js';

const paths = [
  { label: 'flat', forceGeneric: false },
  { label: 'generic', forceGeneric: true },
] as const;

for (const K of [100, 1000]) {
  for (const { label, forceGeneric } of paths) {
    test(`counter 0..${K} (${label}): a deadlock at depth exactly ${K}, on a ${K}-step trace ending at n = ${K}`, () => {
      const r = checkModel(counter, { K }, { forceGeneric });
      assert.is(r.outcome, 'deadlock');
      assert.is(r.violation!.kind, 'deadlock');
      assert.is(r.distinctStates, K + 1);
      assert.is(r.depth, K);
      const tr = r.violation!.trace;
      assert.is(tr.length - 1, K);
      assert.equal(tr.at(-1)!.state, { n: K });
      assert.ok(tr.slice(1).every((t) => t.action === 'Inc'));
      // the same counter with n = K a valid end: no deadlock at all
      assert.is(checkModel(counter, { K, validEnd: true }, { forceGeneric }).outcome, 'ok');
      // and an invariant broken at n = K - 1 is reported before the deadlock
      const v = checkModel(counter, { K, forbid: K - 1 }, { forceGeneric });
      assert.is(v.outcome, 'violation');
      assert.is(v.violation!.trace.length - 1, K - 1);
    });
  }
}

/**
 * A layered grid, deep and wide: state (x, y) with x < W and y <= D. `Step(c)`
 * goes from y to y + 1 and adds c (0..4) to x modulo W, so level y holds
 * min(4y + 1, W) states (W from y = 5 on), each at depth exactly y. The last level has no transition; its states are valid
 * ends except x = W - 1 (a deadlock at depth exactly D), and `bad` marks a
 * state of level `badAt` for an invariant.
 */
const gridParams = defineParams({
  D: intParam({ default: 100, min: 1, max: 2000, doc: 'depth of the last level' }),
  badAt: intParam({ default: -1, min: -1, max: 2000, doc: 'level of the state (W-2, badAt) that breaks Safe (-1: none)' }),
});
type GridP = ParamsOfSpace<typeof gridParams>;
const W = 20;
const perLevel = (y: number): number => Math.min(4 * y + 1, W);
const sum = (n: number, f: (i: number) => number): number => Array.from({ length: n }, (_, i) => f(i)).reduce((a, b) => a + b, 0);
const grid = (nested: boolean): Model<any, GridP> =>
  defineModel<any, GridP>({
    name: nested ? 'grid-nested' : 'grid',
    description: 'layered grid (deep and wide; test fixture, not Xen)',
    params: gridParams,
    init: () => [nested ? { pos: { x: 0 }, level: [0] } : { x: 0, y: 0 }],
    rules: [
      {
        name: 'Step',
        choices: () => [0, 1, 2, 3, 4],
        when: (s, p) => (nested ? s.level[0] : s.y) < p.D,
        then: (d, s, _p, c: number) => {
          if (nested) {
            d.pos.x = (s.pos.x + c) % W;
            d.level = [s.level[0] + 1];
          } else {
            d.x = (s.x + c) % W;
            d.y = s.y + 1;
          }
        },
      },
    ],
    invariants: [
      {
        name: 'Safe', description: 'not the bad state', see: 'fixture',
        holds: (s, p) => !((nested ? s.pos.x : s.x) === W - 2 && (nested ? s.level[0] : s.y) === p.badAt),
      },
    ],
    isValidEnd: (s, p) => (nested ? s.level[0] : s.y) === p.D && (nested ? s.pos.x : s.x) !== W - 1,
    ...(nested ? {} : { layout: () => [{ name: 'x', bits: 5 }, { name: 'y', bits: 11 }] }),
  });

for (const D of [100, 1000]) {
  for (const [label, m, forceGeneric] of [['flat', grid(false), false], ['generic', grid(false), true], ['nested', grid(true), false]] as const) {
    test(`layered grid ${W} wide, ${D} deep (${label}): the deadlock at depth ${D}; an invariant at depth ${D - 1} comes first, one at depth ${D} ties`, () => {
      const r = checkModel(m, { D }, { forceGeneric });
      assert.is(r.outcome, 'deadlock');
      assert.is(r.distinctStates, sum(D + 1, perLevel));
      assert.is(r.edges, 5 * sum(D, perLevel));
      assert.is(r.depth, D);
      const tr = r.violation!.trace;
      assert.is(tr.length - 1, D);
      const last = tr.at(-1)!.state;
      assert.equal(label === 'nested' ? [last.pos.x, last.level[0]] : [last.x, last.y], [W - 1, D]);
      if (D <= 100) assert.is(refValidTrace(m, paramsOf(m, { D }), tr), undefined);
      const v = checkModel(m, { D, badAt: D - 1 }, { forceGeneric });
      assert.is(v.outcome, 'violation');
      assert.is(v.violation!.property, 'Safe');
      assert.is(v.violation!.trace.length - 1, D - 1);
      // at equal depth either report is shortest (docs/checker.md); the length is what is promised
      const t = checkModel(m, { D, badAt: D }, { forceGeneric });
      assert.ok(t.outcome === 'violation' || t.outcome === 'deadlock', t.outcome);
      assert.is(t.violation!.trace.length - 1, D);
    });
  }
}

for (const [N, M, len] of LOST) {
  test(`ring-notify without its final re-checks (ring-spec.md §8), ${N}x${M}, deadlock only: the lost wake-up is a deadlock after exactly ${len} steps (§11)`, () => {
    for (const forceGeneric of [false, true]) {
      const r = checkModel(lostWakeup, { ringSize: N, messages: M }, { forceGeneric }, { invariants: [] });
      assert.is(r.outcome, 'deadlock', `forceGeneric=${forceGeneric}`);
      const tr = r.violation!.trace;
      assert.is(tr.length - 1, len, `forceGeneric=${forceGeneric}`);
      const last = tr.at(-1)!.state;
      assert.ok(last.fe_blocked === 1 && last.fe_pending === 0 && last.be_blocked === 1 && last.be_pending === 0);
      assert.is(refValidTrace(lostWakeup, paramsOf(lostWakeup, { ringSize: N, messages: M }), tr), undefined);
    }
  });
}

test.run();
