/**
 * Grant's default `transWrites=late` is a quotient (model/core.ts
 * `Refinement`); every trace written is the faithful model's
 * (`transWrites=steps`), unfolded by traces/refine.ts, and cli/refine.ts
 * settles whether it is a shortest. Checked here against independent
 * references: the faithful model's own breadth-first search (its shortest
 * counterexample), `replayWith` on the faithful model (the written file), and
 * seeded random walks of the quotient (every step's class).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import type { Model } from '../model/core.js';
import { check } from '../checker/explore.js';
import { immerApply, labelOf, transitionsOf } from '../checker/reference/immer.js';
import { canonicalString } from '../checker/reference/structural.js';
import type { TraceStep } from '../checker/report.js';
import { grant, lateClassOf, type GrantParams, type GrantState } from '../model/grant.js';
import { unfoldTrace } from '../traces/refine.js';
import { replayWith, traceFromViolation } from '../traces/index.js';
import { refineResult } from '../cli/refine.js';
import xsa226 from '../examples/grant-xsa226.js';
import xsa396 from '../examples/grant-xsa396.js';
import xsa367 from '../examples/grant-xsa367.js';
import cve23041 from '../examples/grant-cve-2022-23041.js';
import noRecheck from '../examples/grant-set-status-no-recheck.js';
import sticky from '../examples/grant-sticky-early-reuse.js';
import upgrade from '../examples/grant-readonly-upgrade.js';
import { paramsOf, systemOf } from './support/models.js';

type M = Model<GrantState, GrantParams>;
const params = (m: M, ov: Record<string, string>): GrantParams => paramsOf(m, ov);
const sys = (m: M, p: GrantParams, invariants: string[]) => systemOf(m, p, invariants);

test('transWrites=late is the default, and it declares the faithful model transWrites=steps', () => {
  const p = params(grant, {});
  assert.is(p.transWrites, 'late');
  assert.is(grant.refinement?.(p)?.params.transWrites, 'steps');
  assert.is(grant.refinement?.(params(grant, { transWrites: 'steps' })), undefined);
  assert.is(grant.refinement?.(params(grant, { grantee: 'honest' })), undefined, 'an honest grantee writes nothing: no quotient');
});

// each example's check, its property: the quotient's counterexample unfolded, written, replayed on the faithful
// model, and as long as the faithful model's own shortest (its breadth-first search at transWrites=steps)
const cases: [string, M, Record<string, string>, string][] = [
  ['XSA-226 (the copy folds the write: 1 step in the quotient)', xsa226, {}, 'G5_transitive_one_level'],
  ['XSA-226 with two entries (a chain of two writes)', xsa226, { transitive: '2', cacheSize: '0', subPage: 'false', unmaps: '0', maps: '0', version: 'v2', handles: '1', reserved: 'none' }, 'G5_transitive_one_level'],
  ['XSA-396', xsa396, {}, 'G7_end_only_when_idle'],
  ['XSA-367', xsa367, {}, 'failed_map_never_used'],
  ['CVE-2022-23041', cve23041, {}, 'G9_page_held_while_granted'],
  ['set-status-no-recheck', noRecheck, {}, 'G7_end_only_when_idle'],
  ['sticky early reuse', sticky, {}, 'S2_ungrant_acknowledged'],
  ['G19 (the built-in)', upgrade, {}, 'G19_readonly_grant_stays_readonly'],
];
for (const [name, m, ov, inv] of cases) {
  test(`the written trace is the faithful model's, replays, and is a shortest: ${name}`, () => {
    const late = params(m, ov);
    const faithful = params(m, { ...ov, transWrites: 'steps' });
    const r = check(sys(m, late, [inv]));
    assert.ok(r.violation, 'the quotient finds it');
    const want = check(sys(m, faithful, [inv])).violation!.trace.length - 1;
    const got = refineResult(m as Model, late, r).violation!;
    assert.ok(got.refined, 'refined');
    assert.is(got.trace.length - 1, want, `the faithful model's shortest is ${want} steps (${got.refined!.shortest})`);
    assert.ok(got.refined!.shortest !== 'unknown');
    assert.ok(got.refined!.quotientSteps <= want);
    const t = traceFromViolation(m as Model, late, got);
    assert.is(t.params.transWrites, 'steps', 'the file records the faithful parameters');
    assert.not.ok(t.steps.some((s) => /written first|any content/.test(s.action ?? '')), 'no folded step in the file');
    const rep = replayWith(m, t);
    assert.is(rep.kind, 'reproduced', JSON.stringify(rep).slice(0, 300));
  });
}

test('XSA-226: one step in the quotient, two written (the write its own step), proved a shortest by the faithful search', () => {
  const late = params(xsa226, {});
  const r = refineResult(xsa226, late, check(sys(xsa226, late, ['G5_transitive_one_level'])));
  const v = r.violation!;
  assert.equal(v.refined && { q: v.refined.quotientSteps, h: v.refined.hiddenSteps, s: v.refined.shortest }, { q: 1, h: 1, s: 'searched' });
  assert.equal(v.trace.map((s) => s.rule), [null, 'rogue_grant_transitive', 'GNTTABOP_copy_begin']);
  // past its budget, the faithful search proves nothing: the bounds are reported
  const cut = refineResult(xsa226, late, check(sys(xsa226, late, ['G5_transitive_one_level'])), { maxStates: 1 });
  assert.is(cut.violation!.refined!.shortest, 'unknown');
});

/** A seeded walk of the quotient: `n` steps, each a transition picked by a linear congruential generator. */
function walk(m: M, p: GrantParams, seed: number, n: number): TraceStep<GrantState>[] {
  const s0 = sys(m, p, []);
  const apply = immerApply(s0);
  let x = seed >>> 0;
  const rnd = (k: number): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0), (x >>> 8) % k);
  let s = s0.init[rnd(s0.init.length)]!;
  const out: TraceStep<GrantState>[] = [{ action: 'init', rule: null, state: s }];
  for (let i = 0; i < n; i++) {
    const ts = transitionsOf(s0, s, apply);
    if (!ts.length) break;
    const t = ts[rnd(ts.length)]!;
    s = t.next;
    out.push({ action: labelOf(s0, t), rule: s0.rules[t.rule]!.name, ...(t.hasChoice ? { choice: t.choice } : {}), state: s });
  }
  return out;
}

// where the unfolding has work: copies through written entries (and chains), ERESTART (copies=2), netback
// forwarding through an entry the hostile domain last wrote (the faithful run invalidates it first)
const walks: [string, M, Record<string, string>, number][] = [
  ['grant copies=2 transTargets=any transitive=2', grant, { refs: '1', pages: '1', copies: '2', transTargets: 'any', transitive: '2', cacheSize: '0', subPage: 'false', unmaps: '0', maps: '0', version: 'v2', handles: '1', reserved: 'none' }, 40],
  ['grant-xsa226 transitive=2', xsa226, { transitive: '2', cacheSize: '0', subPage: 'false', unmaps: '0', maps: '0', version: 'v2', handles: '1', reserved: 'none' }, 8],
  ['grant refs=1 pages=1', grant, { refs: '1', pages: '1' }, 10],
];
for (const [name, m, ov, seeds] of walks) {
  test(`random walks of the quotient unfold into faithful runs through the same classes: ${name}`, () => {
    const late = params(m, ov);
    const faithfulSys = sys(m, params(m, { ...ov, transWrites: 'steps' }), []);
    const fapply = immerApply(faithfulSys);
    const used = new Set<string>();
    for (let seed = 1; seed <= seeds; seed++) {
      const w = walk(m, late, seed, 30);
      const u = unfoldTrace(m, late, w);
      assert.ok(u && E.isRight(u), `seed ${seed}: ${u && E.isLeft(u) ? u.left : 'no refinement'}`);
      const f = E.isRight(u!) ? u.right.trace : [];
      // every faithful step is a transition of the faithful model (checked here, not by the unfolding's own code)
      for (let i = 1; i < f.length; i++) {
        const ok = transitionsOf(faithfulSys, f[i - 1]!.state, fapply).some((t) => canonicalString(t.next) === canonicalString(f[i]!.state) && faithfulSys.rules[t.rule]!.name === f[i]!.rule);
        assert.ok(ok, `seed ${seed} step ${i} (${f[i]!.action}) is no step of the faithful model`);
        used.add(f[i]!.rule!);
      }
      // the classes of the faithful states after the steps that are not hidden are the walk's states, in order
      const hidden = new Set(['rogue_grant_transitive', 'rogue_end_transitive']);
      const qs = w.slice(1).filter((s) => !hidden.has(s.rule!)).map((s) => canonicalString(s.state));
      const fs = f.slice(1).filter((s) => !hidden.has(s.rule!)).map((s) => canonicalString(lateClassOf(s.state)));
      assert.equal(fs, qs, `seed ${seed}`);
      assert.is(canonicalString(lateClassOf(f[f.length - 1]!.state)), canonicalString(w[w.length - 1]!.state), `seed ${seed}: the last class`);
    }
    if (m.name === 'grant' && ov.copies === '2') {
      assert.ok(used.has('rogue_grant_transitive') && used.has('rogue_end_transitive') && used.has('be_forward_transitive'), [...used].join(' '));
    }
  });
}

test.run();
