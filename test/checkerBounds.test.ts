/**
 * `maxStates: N` (`--max-states N`) explores exactly N distinct states when
 * the model has more, on every path and from the command line (issue 19:
 * `grant --max-states 1000` explored 1,003, and a bound compared with `>`
 * instead of `>=` went unnoticed). The expected sets come from the naive
 * reference explorer: what a bounded search found is a prefix of a
 * breadth-first search (every reachable state shallower than its deepest
 * state), and `ok` is only reported when nothing was missed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { runs } from './support/fc.js';
import { check } from '../checker/explore.js';
import { counter, counterFrom } from '../checker/fixtures/counter.js';
import { abstractEnc, flatEnc, nestedEnc, systemArb, toModel, type Encoding } from '../checker/fixtures/randomSystem.js';
import { refExplore, refKey } from '../checker/fixtures/reference.js';
import { checkModel, paramsOf } from '../checker/fixtures/run.js';
import { findModel } from '../model/registry.js';
import { bind } from '../properties/bind.js';
import { scratchDir } from './support/tmp.js';

const root = resolve(import.meta.dirname, '..');
const RUNS = runs(200);

test('counter 0..1000: maxStates N gives exactly N states (incomplete, max-states) below the 1001 reachable, all of them above', () => {
  for (const forceGeneric of [false, true]) {
    for (const N of [1, 2, 3, 500, 999, 1000]) {
      const seen: number[] = [];
      const r = checkModel(counter, { K: 1000, validEnd: true }, { maxStates: N, forceGeneric, onState: (s) => void seen.push(s.n) });
      assert.is(r.distinctStates, N, `maxStates ${N}`);
      assert.equal(seen, Array.from({ length: N }, (_, i) => i));
      assert.is(r.outcome, 'incomplete');
      assert.is(r.incompleteReason, 'max-states');
    }
    // exactly the reachable count: nothing is missed, but the last state was not expanded; ok would also be honest
    const at = checkModel(counter, { K: 1000, validEnd: true }, { maxStates: 1001, forceGeneric });
    assert.is(at.distinctStates, 1001);
    assert.ok(at.outcome === 'ok' || at.incompleteReason === 'max-states', at.outcome);
    for (const N of [1002, 5000]) {
      const r = checkModel(counter, { K: 1000, validEnd: true }, { maxStates: N, forceGeneric });
      assert.is(r.outcome, 'ok', `maxStates ${N}`);
      assert.is(r.distinctStates, 1001);
      assert.is(r.edges, 1000);
    }
  }
});

test('several initial states: the bound holds among them too', () => {
  const m = counterFrom([3, 0, 3, 7]);
  const all = checkModel(m, { K: 9, validEnd: true });
  assert.is(all.distinctStates, 10);
  for (const N of [1, 2, 3]) {
    const seen: number[] = [];
    const r = checkModel(m, { K: 9, validEnd: true }, { maxStates: N, onState: (s) => void seen.push(s.n) });
    assert.is(r.distinctStates, N);
    assert.equal(seen, [3, 0, 7].slice(0, N));
    assert.is(r.outcome, 'incomplete');
  }
});

const encodings = [
  { label: 'flat', enc: flatEnc, forceGeneric: false },
  { label: 'flat+forceGeneric', enc: flatEnc, forceGeneric: true },
  { label: 'nested', enc: nestedEnc, forceGeneric: false },
] as const;

test('random systems: exactly min(N, reachable) states, a breadth-first prefix of the reference, ok only when complete', () => {
  fc.assert(
    fc.property(systemArb(), fc.integer({ min: 1, max: 16 }), (spec, maxStates) => {
      const g = refExplore(toModel(spec, abstractEnc, 'abstract'), {});
      const depthOf = new Map(g.order.map((n) => [n.state.v, n.depth]));
      for (const v of encodings) {
        const m = toModel(spec, v.enc as Encoding<unknown>, v.label);
        const found: number[] = [];
        const r = checkModel(m, {}, {
          maxStates, checkDeadlock: false, forceGeneric: v.forceGeneric,
          onState: (s) => void found.push(v.enc.dec(s as never)),
        }, { invariants: [], noGoals: true });
        const ctx = `${v.label} maxStates=${maxStates} reachable=${g.nodes.size} ${JSON.stringify(spec)}`;
        assert.is(r.distinctStates, Math.min(maxStates, g.nodes.size), ctx);
        assert.is(found.length, r.distinctStates, ctx);
        assert.is(new Set(found).size, found.length, ctx);
        assert.ok(found.every((x) => depthOf.has(x)), `unreachable state found: ${ctx}`);
        const deepest = Math.max(...found.map((x) => depthOf.get(x)!));
        const shallower = g.order.filter((n) => n.depth < deepest).map((n) => n.state.v);
        assert.ok(shallower.every((x) => found.includes(x)), `not a BFS prefix: ${ctx}`);
        if (r.outcome === 'ok') assert.is(r.distinctStates, g.nodes.size, ctx);
        else {
          assert.is(r.outcome, 'incomplete', ctx);
          assert.is(r.incompleteReason, 'max-states', ctx);
        }
        if (maxStates > g.nodes.size) assert.is(r.outcome, 'ok', ctx);
        if (maxStates < g.nodes.size) assert.is(r.outcome, 'incomplete', ctx);
      }
    }),
    { numRuns: RUNS },
  );
});

test('built-in models on each path, symmetry included: maxStates 1000 gives 1000 states, a prefix of the unbounded search', () => {
  const cases: [string, Record<string, string | number>, boolean][] = [
    ['ring-notify', { ringSize: 4, messages: 16 }, false],
    ['ring-notify', { ringSize: 2, messages: 8 }, true],
    ['grant', { refs: 1, pages: 1 }, false],
    ['xenbus', {}, false],
    ['limiter', {}, false],
  ];
  for (const [name, params, forceGeneric] of cases) {
    const m = findModel(name)!;
    const sys = bind(m, paramsOf(m, params));
    if (E.isLeft(sys)) throw new Error(sys.left);
    const key = (s: unknown) => refKey(m.canonicalize ? m.canonicalize(s as never, paramsOf(m, params)) : s);
    const bounded: string[] = [];
    const r = check(sys.right, { maxStates: 1000, forceGeneric, onState: (s) => void bounded.push(key(s)) });
    assert.is(r.distinctStates, 1000, name);
    assert.is(r.outcome, 'incomplete', name);
    assert.is(r.incompleteReason, 'max-states', name);
    const more = new Set<string>();
    check(sys.right, { maxStates: 3000, forceGeneric, onState: (s) => void more.add(key(s)) });
    assert.ok(bounded.every((k) => more.has(k)), `${name}: the 1000 states are among the first 3000`);
  }
});

test('pvcheck check --max-states N: exactly N states, exit 3, incomplete (max-states)', () => {
  const cwd = scratchDir('pvcheck-bounds-');
  for (const [model, N] of [['grant', 1000], ['ring-notify', 777], ['xenbus', 1]] as const) {
    const r = spawnSync(process.execPath, [join(root, 'bin/pvcheck.mjs'), 'check', model, '--max-states', String(N), '--json', '-q'], {
      cwd, encoding: 'utf8', timeout: 120000,
    });
    assert.is(r.status, 3, `${model}: ${r.stderr}`);
    const j = JSON.parse(r.stdout);
    assert.is(j.outcome, 'incomplete', model);
    assert.is(j.incompleteReason, 'max-states', model);
    assert.is(j.distinctStates, N, model);
  }
});

test.run();
