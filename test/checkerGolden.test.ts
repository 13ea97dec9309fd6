/**
 * The checker against golden fixtures whose answers are worked out by hand
 * (see each fixture's header) or, for Peterson's state count, by the naive
 * reference explorer of checker/fixtures/reference.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jugs, jugsGeneric } from '../checker/fixtures/jugs.js';
import { counter, counterFrom } from '../checker/fixtures/counter.js';
import { dice } from '../checker/fixtures/dice.js';
import { naiveMutex, peterson } from '../checker/fixtures/mutex.js';
import { tieBreak } from '../checker/fixtures/tieBreak.js';
import { checkModel, paramsOf } from '../checker/fixtures/run.js';
import { refDeadlocks, refExplore, refValidTrace } from '../checker/fixtures/reference.js';

const steps = (r: { violation?: { trace: readonly unknown[] } }) => r.violation!.trace.length - 1;
const rulesOf = (r: { violation?: { trace: readonly { rule: string | null }[] } }) => r.violation!.trace.slice(1).map((t) => t.rule);

for (const [label, m] of [['flat', jugs], ['generic', jugsGeneric]] as const) {
  test(`die-hard (${label}): 16 states, 96 edges, depth 7, no terminal state`, () => {
    const r = checkModel(m, {}, {}, { invariants: [] });
    assert.is(r.outcome, 'ok');
    assert.is(r.distinctStates, 16);
    assert.is(r.edges, 96);
    assert.is(r.depth, 7);
    assert.is(r.terminalStates, 0);
    assert.equal(r.coverage.map((c) => c.fired), [16, 16, 16, 16, 16, 16]);
  });

  test(`die-hard (${label}): 4 litres in the big jug after 6 steps`, () => {
    const r = checkModel(m);
    assert.is(r.outcome, 'violation');
    assert.is(r.violation!.property, 'NotSolved');
    assert.is(steps(r), 6);
    const last = r.violation!.trace.at(-1)!.state;
    assert.equal({ small: last.small, big: last.big }, { small: 3, big: 4 });
    assert.is(refValidTrace(m, {}, r.violation!.trace), undefined);
  });
}

test('die-hard: the same state set via onState on both paths (the 16 hand-derived states)', () => {
  const want = ['0,0', '3,0', '0,5', '3,5', '0,3', '3,2', '3,3', '0,2', '1,5', '2,0', '1,0', '2,5', '0,1', '3,4', '3,1', '0,4'];
  for (const m of [jugs, jugsGeneric]) {
    const got: string[] = [];
    checkModel(m, {}, { onState: (s) => got.push(`${s.small},${s.big}`) }, { invariants: [] });
    // BFS discovery order is also the hand-derived level order
    assert.equal(got.slice().sort(), want.slice().sort());
    assert.equal(got.slice(0, 3).sort(), ['0,0', '0,5', '3,0']);
  }
});

test('die-hard: observable total ranges 0..8 with shortest witnesses', () => {
  const r = checkModel(jugs, {}, {}, { invariants: [] });
  const o = r.observables![0]!;
  assert.is(o.min, 0);
  assert.is(o.max, 8);
  assert.is(o.minTrace.length - 1, 0);
  assert.is(o.maxTrace.length - 1, 2); // (3,5) is at depth 2
});

test('counter: K+1 states, K edges, depth K, deadlock at n = K', () => {
  for (const K of [0, 1, 5, 40]) {
    const r = checkModel(counter, { K });
    assert.is(r.outcome, 'deadlock', `K=${K}`);
    assert.is(r.violation!.kind, 'deadlock');
    assert.is(steps(r), K);
    assert.is(r.violation!.trace.at(-1)!.state.n, K);
    const ok = checkModel(counter, { K, validEnd: true });
    assert.is(ok.outcome, 'ok');
    assert.is(ok.distinctStates, K + 1);
    assert.is(ok.edges, K);
    assert.is(ok.depth, K);
    assert.is(ok.terminalStates, 1);
    const nd = checkModel(counter, { K }, { checkDeadlock: false });
    assert.is(nd.outcome, 'ok');
    assert.is(nd.distinctStates, K + 1);
  }
});

test('counter with Wrap: K+1 states, K+1 edges, no terminal state', () => {
  const r = checkModel(counter, { K: 7, wrap: true });
  assert.is(r.outcome, 'ok');
  assert.is(r.distinctStates, 8);
  assert.is(r.edges, 8);
  assert.is(r.terminalStates, 0);
  assert.equal(r.neverFired, []);
  const nw = checkModel(counter, { K: 7, validEnd: true });
  assert.equal(nw.neverFired, ['Wrap']);
});

test('counter: a depth bound below K gives incomplete (max-depth), never ok, and hides the deadlock', () => {
  for (const d of [0, 1, 9]) {
    const r = checkModel(counter, { K: 10 }, { maxDepth: d });
    assert.is(r.outcome, 'incomplete', `maxDepth=${d}`);
    assert.is(r.incompleteReason, 'max-depth');
    assert.is(r.distinctStates, d + 1);
    assert.is(r.depth, d);
  }
  // a bound at the deadlock's depth still finds it; one above changes nothing
  assert.is(checkModel(counter, { K: 10 }, { maxDepth: 10 }).outcome, 'deadlock');
  assert.is(checkModel(counter, { K: 10, validEnd: true }, { maxDepth: 10 }).outcome, 'ok');
  assert.is(checkModel(counter, { K: 10, validEnd: true }, { maxDepth: 11 }).outcome, 'ok');
});

test('counter: an invariant violation within the depth bound is still reported', () => {
  const r = checkModel(counter, { K: 10, forbid: 3 }, { maxDepth: 5 });
  assert.is(r.outcome, 'violation');
  assert.is(steps(r), 3);
});

test('counter: a state bound gives incomplete (max-states), never ok', () => {
  for (const maxStates of [1, 2, 3, 5, 10]) {
    const r = checkModel(counter, { K: 10, validEnd: true }, { maxStates });
    assert.is(r.outcome, 'incomplete', `maxStates=${maxStates}: got ${r.outcome} after ${r.distinctStates} states`);
    assert.is(r.incompleteReason, 'max-states');
  }
  // 11 = every state found, but n = 10 maybe never examined: ok only if it was (depth 10)
  const all = checkModel(counter, { K: 10, validEnd: true }, { maxStates: 11 });
  assert.ok(all.outcome === 'incomplete' || (all.outcome === 'ok' && all.depth === 10), `maxStates=11: ${all.outcome} at depth ${all.depth}`);
  assert.is(checkModel(counter, { K: 10, validEnd: true }, { maxStates: 12 }).outcome, 'ok');
  // the hidden deadlock must not turn into ok either
  const dl = checkModel(counter, { K: 10 }, { maxStates: 5 });
  assert.is(dl.outcome, 'incomplete', `deadlock beyond maxStates=5: got ${dl.outcome}`);
});

test('dice (choices): 18 states, 36 edges, 11 valid terminal states; sum 12 via Roll(6), Roll(6)', () => {
  const r = checkModel(dice, {}, {}, { invariants: [] });
  assert.is(r.outcome, 'ok');
  assert.is(r.distinctStates, 18);
  assert.is(r.edges, 36);
  assert.is(r.depth, 2);
  assert.is(r.terminalStates, 11);
  const v = checkModel(dice);
  assert.is(v.outcome, 'violation');
  assert.equal(v.violation!.trace.map((t) => t.action), ['init', 'Roll(6)', 'Roll(6)']);
  assert.equal(v.violation!.trace.slice(1).map((t) => t.choice), [6, 6]);
  // without the valid-end declaration every two-roll state is a deadlock; the first found is at depth 2
  const d = checkModel({ ...dice, isValidEnd: undefined }, {}, {}, { invariants: [] });
  assert.is(d.outcome, 'deadlock');
  assert.is(steps(d), 2);
});

test("Peterson: mutual exclusion holds, no deadlock, state count of the reference explorer", () => {
  const ref = refExplore(peterson, {});
  assert.is(refDeadlocks(peterson, {}, ref).length, 0);
  const r = checkModel(peterson);
  assert.is(r.outcome, 'ok');
  assert.is(r.distinctStates, ref.nodes.size);
  assert.is(r.edges, ref.edges);
  assert.is(r.depth, ref.depth);
  assert.is(r.terminalStates, 0);
  const g = checkModel(peterson, {}, { forceGeneric: true });
  assert.is(g.distinctStates, ref.nodes.size);
});

test('naive test-then-set mutex: violated after exactly 4 steps, both processes test first', () => {
  const r = checkModel(naiveMutex);
  assert.is(r.outcome, 'violation');
  assert.is(r.violation!.property, 'MutualExclusion');
  assert.is(steps(r), 4);
  const rs = rulesOf(r);
  assert.equal(rs.slice(0, 2).sort(), ['P0.test', 'P1.test']);
  assert.equal(rs.slice(2).sort(), ['P0.set', 'P1.set']);
  assert.is(refValidTrace(naiveMutex, {}, r.violation!.trace), undefined);
});

test('several initial states (with a duplicate): depth counts from the nearest one', () => {
  const m = counterFrom([2, 0, 2]);
  const r = checkModel(m, { K: 4, validEnd: true });
  assert.is(r.outcome, 'ok');
  assert.is(r.distinctStates, 5);
  assert.is(r.edges, 4);
  assert.is(r.depth, 2); // levels {2,0}, {3,1}, {4}
  const d = checkModel(m, { K: 4 });
  assert.is(d.outcome, 'deadlock');
  assert.is(steps(d), 2);
  assert.is(d.violation!.trace[0]!.state.n, 2);
  assert.equal(d.violation!.trace[0]!.action, 'init');
});

test('violation at depth 0: the trace is the initial state alone (first, second or only initial state)', () => {
  for (const starts of [[3], [3, 0], [0, 3]]) {
    const r = checkModel(counterFrom(starts), { K: 5, forbid: 3 });
    assert.is(r.outcome, 'violation', String(starts));
    assert.is(r.violation!.trace.length, 1);
    assert.is(r.violation!.trace[0]!.state.n, 3);
    assert.is(r.violation!.trace[0]!.rule, null);
  }
});

test('tie-break: a deadlock at depth L beats an invariant violation at depth L+1', () => {
  const r = checkModel(tieBreak, { deadAt: 1, bad: 2 });
  assert.is(r.outcome, 'deadlock');
  assert.is(steps(r), 1);
  assert.equal(rulesOf(r), ['Dead']);
  const r2 = checkModel(tieBreak, { deadAt: 2, bad: 3 });
  assert.is(r2.outcome, 'deadlock');
  assert.is(steps(r2), 2);
});

test('tie-break: an invariant violation at depth L beats a deadlock at depth L+1', () => {
  const r = checkModel(tieBreak, { deadAt: 3, bad: 2 });
  assert.is(r.outcome, 'violation');
  assert.is(steps(r), 2);
  // no bad state: the deadlock is found
  const d = checkModel(tieBreak, { deadAt: 3, bad: 0 }, {}, { invariants: [] });
  assert.is(d.outcome, 'deadlock');
  assert.is(steps(d), 3);
});

test('paramsOf rejects an unknown parameter (helper sanity)', () => {
  assert.throws(() => paramsOf(counter, { nope: 1 }));
});

test.run();
