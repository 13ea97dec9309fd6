/**
 * model/xenbusFlat.ts against model/xenbus.ts (the reference): at each point the
 * reachable states of the word-level model, mapped by `toNested`, are exactly
 * xenbus's reachable states (the sets, not only their sizes), every invariant
 * fails first at the same depth or nowhere in both, the same states are
 * deadlocks (terminal, not a valid end), and the checker (the flat path on one
 * side, the packed path on the other) reports the same outcome, counts and
 * goals. The small points are explored here by a plain breadth-first search
 * over each model's own rules (a deep copy for xenbus.ts, a shallow copy for the
 * flat model: test/support/plainBfs.ts), so that the comparison does not go
 * through the engine it is meant to check. Outside its cover the flat model refuses its parameters with one line.
 * `check xenbus` runs the flat model inside its cover (cli/fastPath.ts; xenbus's defaults are inside): npm
 * start's xenbus rows at the defaults and `reconnect=0` (counts here, state by state with
 * PVCHECK_SLOW_TESTS=1) and `unplug=0` (state by state here) are compared. Kept small for CI; xenbus4 (118,985
 * states) and the defaults' whole space (121,453) state by state with PVCHECK_SLOW_TESTS=1.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import type { Model } from '../model/core.js';
import { resolveParams } from '../model/params.js';
import { xenbus, type XenbusParams } from '../model/xenbus.js';
import { flatCover, toNested, xenbusFlat, type XenbusFlatState } from '../model/xenbusFlat.js';
import { canonicalString } from '../checker/reference/structural.js';
import { paramsOf, runModel } from './support/models.js';
import { copyStep, flatStep, hashKey, hashNumber, plainBfs, renamed, sameData, wordsKey, type Space } from './support/plainBfs.js';

const nestedSpace = (p: XenbusParams): Space => plainBfs(xenbus, p, copyStep, hashKey);
/** The flat model's states keyed by their words in the search, then named by xenbus's key through `toNested` (once a state). */
const flatSpace = (p: XenbusParams): Space =>
  renamed(plainBfs(xenbusFlat, p, flatStep, wordsKey), (s: XenbusFlatState) => hashKey(toNested(s, p)));

/** Small points explored here, independently of the engine: one lifecycle event of each kind; the toolstack's options. */
const BFS_POINTS: readonly Record<string, string>[] = [
  { events: '1' },
  { events: '1', slowFrontend: 'true', forcedRemoval: 'false', quotaEntries: '13' },
];

const label = (ov: Record<string, string>) => Object.entries(ov).map(([k, v]) => `${k}=${v}`).join(' ');

for (const ov of BFS_POINTS) {
  test(`${label(ov)}: the same reachable states as xenbus at the same depths, the same first failures, deadlocks and edges`, () => {
    const p = paramsOf(xenbusFlat, ov);
    assert.is(flatCover(p), undefined);
    const a = nestedSpace(p);
    const b = flatSpace(p);
    assert.is(b.depth.size, a.depth.size, 'as many states');
    const missing = [...a.depth.keys()].filter((k) => !b.depth.has(k));
    const extra = [...b.depth.keys()].filter((k) => !a.depth.has(k));
    // the first state each side lacks, written out
    const shown = { missing: missing.slice(0, 1).map((k) => canonicalString(a.states.get(k))), extra: extra.slice(0, 1).map((k) => canonicalString(toNested(b.states.get(k) as never, p))) };
    assert.equal(shown, { missing: [], extra: [] }, 'the same states');
    for (const [k, d] of a.depth) if (b.depth.get(k) !== d) assert.unreachable(`state at depth ${d} in xenbus, ${b.depth.get(k)} in xenbus-flat: ${canonicalString(a.states.get(k))}`);
    assert.equal(b.firstFail, a.firstFail, 'each invariant fails first at the same depth (or nowhere)');
    assert.equal([b.deadlock, b.deadlocks, b.edges], [a.deadlock, a.deadlocks, a.edges], 'the same deadlocks and edges');
  });
}

/**
 * A nested state's key: 53 bits of its structural 64-bit hash (test/support/plainBfs.ts hashNumber: equal for
 * equal canonical strings, key order aside), not its canonical string: at xenbus4 the strings cost twice the
 * two searches (test CPU 11.7 s -> 6 s, docs/perf/2026-12-07d-words.md). Two different states share a key
 * with probability about n^2 / 2^54 (1e-6 at 121,453 states), which could only hide a missing state behind a
 * present one or fail "toNested tells flat states apart": the engine's own fingerprints are 64 bits.
 */
const keyOf = hashNumber;

/**
 * The engine on both (xenbus on its packed path, the flat model on the flat path): the same set, outcome, edges,
 * depth. The flat model's rules are xenbus's in its order, so the engine meets the states in the same order on
 * both: the i-th xenbus state is the image (toNested) of the i-th flat state, compared field by field (sameData,
 * test/support/plainBfs.ts: canonicalString's equality or stricter, so at worst the slower path below), with no
 * hash on either side (session 34: xenbus4's pair of searches 6.3-7.5 -> 5.2-5.7 s CPU, the two hashes of every
 * state gone; docs/perf/2026-12-07h-blkif.md). From the first state that is not (another order: not a fault in
 * itself), every later xenbus state is looked up by key among every flat state's image, as before the order was
 * used. Either way every xenbus state is shown to be a flat state's image; with as many states on both sides and
 * xenbus's states distinct (the engine's claim on the nested side), the images are distinct too (in order:
 * image i = xenbus state i; by key: as many keys as flat states).
 */
function sameThroughEngine(ov: Record<string, string>, opts: { checkDeadlock: boolean }): void {
  const p = paramsOf(xenbusFlat, ov);
  const flat: XenbusFlatState[] = [];
  const b = runModel(xenbusFlat, p, { ...opts, onState: (s) => { flat.push(s); } });
  // in order while xenbus's states are the flat ones' images; after the first that is not, its key and the rest's
  let inOrder = 0;
  const later: { key: number; state: unknown }[] = [];
  const a = runModel(xenbus, p, {
    ...opts,
    onState: (n) => {
      if (!later.length && inOrder < flat.length && sameData(toNested(flat[inOrder]!, p), n)) inOrder++;
      else later.push({ key: keyOf(n), state: n });
    },
  });
  if (later.length) {
    const images = new Set(flat.map((s) => keyOf(toNested(s, p))));
    const unmapped = later.filter((l) => !images.has(l.key));
    const first = unmapped[0] && canonicalString(unmapped[0].state);
    assert.is(unmapped.length, 0, `every xenbus state is a flat state's image (${inOrder} in the same order, then by key; first not: ${first})`);
    assert.is(images.size, b.distinctStates, 'toNested tells flat states apart');
  }
  assert.is(b.distinctStates, a.distinctStates, 'as many states');
  assert.equal([b.outcome, b.edges, b.depth, b.violation?.property, b.violation?.trace.length],
    [a.outcome, a.edges, a.depth, a.violation?.property, a.violation?.trace.length]);
  assert.equal(observed(b), observed(a), 'the same observables (min, max, their depths)');
}
const observed = (r: { observables?: readonly { name: string; min: number; max: number; minSteps: number; maxSteps: number }[] }) =>
  r.observables?.map((o) => [o.name, o.min, o.max, o.minSteps, o.maxSteps]);

test("npm start's xenbus row `unplug=0` (up to two closes and two rebinds) through the engine: the same states, outcome, edges, depth and observables", () => {
  sameThroughEngine({ guestClose: '2', reconnect: '2', unplug: '0' }, { checkDeadlock: true });
});

const SLOW = !!process.env.PVCHECK_SLOW_TESTS;
test(`xenbus's defaults, the whole space (no deadlock stop; \`check xenbus\` runs xenbus-flat there): the same outcome, counts, edges, depth, first goal failure and observables${SLOW ? ', state by state' : ''}`, () => {
  // with PVCHECK_SLOW_TESTS=1 (CI) the same two searches compare the states too: one pair of searches, not two
  if (SLOW) return sameThroughEngine({ guestClose: '2', reconnect: '2' }, { checkDeadlock: false });
  const p = paramsOf(xenbusFlat, { guestClose: '2', reconnect: '2' });
  const b = runModel(xenbusFlat, p, { checkDeadlock: false });
  const a = runModel(xenbus, p, { checkDeadlock: false });
  assert.equal([b.outcome, b.distinctStates, b.edges, b.depth, b.violation?.property, b.violation?.trace.length],
    [a.outcome, a.distinctStates, a.edges, a.depth, a.violation?.property, a.violation?.trace.length]);
  assert.equal(observed(b), observed(a), 'the same observables');
});

if (SLOW) {
  // xenbus4 is issue 11's bench point (one close, one rebind: other budget words than the defaults' two)
  test('xenbus4 through the engine: xenbus\'s reachable states are the flat model\'s, state by state', () => {
    sameThroughEngine({}, { checkDeadlock: false });
  });
  test("xenbus's check-all row reconnect=0 through the engine (deadlock checked), state by state", () => {
    sameThroughEngine({ guestClose: '2', reconnect: '0' }, { checkDeadlock: true });
  });
}

for (const [ov, says] of [
  [{ frontend: 'old' }, /xenbus-flat covers xenbus between Linux netfront and netback \(new\), 6\.12, no XDP attach or driver domain restart only; not covered: frontend=old \(only new\)/],
  [{ backend: 'hostile' }, /not covered: backend=hostile \(only new\)/],
  [{ bus: '7.0' }, /not covered: bus=7\.0 \(only 6\.12\)/],
  [{ reconfigure: '1' }, /reconfigure=1 \(only 0\)/],
  [{ backendRestart: '1' }, /backendRestart=1 \(only 0\)/],
  [{ frontendQueues: '1' }, /frontendQueues=1 \(only 2\)/],
  [{ backendWatchDrop: 'none' }, /backendWatchDrop=none \(only pending\)/],
  [{ txnConflicts: 'node' }, /txnConflicts=node \(only any\)/],
] as const) {
  test(`refused: ${JSON.stringify(ov)}`, () => {
    const r = resolveParams(xenbusFlat.params, ov);
    assert.ok(E.isLeft(r));
    if (E.isLeft(r)) {
      assert.match(r.left, says);
      assert.not.match(r.left, /\n/);
    }
  });
}

test('the same rules as xenbus where each applies (names), and the same invariants and goals', () => {
  const p = paramsOf(xenbusFlat, {});
  const names = (m: Model<any, XenbusParams>) => m.rules.filter((r) => !r.applies || r.applies(p)).map((r) => r.name).sort();
  assert.equal(names(xenbusFlat), names(xenbus));
  assert.equal(xenbusFlat.invariants.map((i) => i.name), xenbus.invariants.map((i) => i.name));
  assert.equal(xenbusFlat.goals?.map((g) => g.name), xenbus.goals?.map((g) => g.name));
});

test('the defaults are bench/nested.ts xenbus4', () => {
  const p = paramsOf(xenbusFlat, {});
  assert.equal([p.events, p.guestClose, p.reconnect, p.frontend, p.backend], [4, 1, 1, 'new', 'new']);
});

test.run();
