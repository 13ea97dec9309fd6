/**
 * model/xenbusFlat.ts against model/xenbus.ts (the reference): at each point the
 * reachable states of the word-level model, mapped by `toNested`, are exactly
 * xenbus's reachable states (the sets, not only their sizes), every invariant
 * fails first at the same depth or nowhere in both, the same states are
 * deadlocks (terminal, not a valid end), and the checker (the flat path on one
 * side, the packed path on the other) reports the same outcome, counts and
 * goals. The small points are explored here by a plain breadth-first search
 * over each model's own rules (immer for xenbus.ts, a shallow copy for the flat
 * model), so that the comparison does not go through the engine it is meant to
 * check. Outside its cover the flat model refuses its parameters with one line.
 * Kept small for CI (a few seconds); the whole of xenbus4 (118,985 states) is
 * compared state by state with PVCHECK_SLOW_TESTS=1.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { produce } from 'immer';
import type { Model } from '../model/core.js';
import { resolveParams } from '../model/params.js';
import { xenbus, type XenbusParams } from '../model/xenbus.js';
import { flatCover, toNested, xenbusFlat, type XenbusFlatState } from '../model/xenbusFlat.js';
import { canonicalString } from '../checker/reference/structural.js';
import { paramsOf, runModel } from './support/models.js';

interface Space {
  /** canonical string of the xenbus.ts state -> depth (shortest distance from an initial state). */
  readonly depth: Map<string, number>;
  /** Per invariant name: the depth of the shallowest state where it fails (-1: nowhere). */
  readonly firstFail: Record<string, number>;
  /** Depth of the shallowest deadlock (terminal, not a valid end), -1 if none; and how many. */
  readonly deadlock: number;
  readonly deadlocks: number;
  readonly edges: number;
}

/** Breadth-first over `m`'s rules at `p`; states named by `key` (a xenbus.ts state's canonical string). */
function explore<S>(m: Model<S, XenbusParams>, p: XenbusParams, step: (s: S, f: (d: S) => void) => S, key: (s: S) => string): Space {
  const depth = new Map<string, number>();
  const firstFail: Record<string, number> = Object.fromEntries(m.invariants.map((i) => [i.name, -1]));
  let deadlock = -1, deadlocks = 0, edges = 0;
  let level: S[] = [];
  for (const s0 of m.init(p)) {
    const k = key(s0);
    if (!depth.has(k)) { depth.set(k, 0); level.push(s0); }
  }
  for (let d = 0; level.length; d++) {
    const next: S[] = [];
    for (const s of level) {
      for (const inv of m.invariants) if (firstFail[inv.name] === -1 && !inv.holds(s, p)) firstFail[inv.name] = d;
      let moves = 0;
      for (const r of m.rules) {
        if (r.applies && !r.applies(p)) continue;
        const cs = r.choices ? r.choices(s, p) : [undefined];
        for (const a of cs) {
          if (r.when && !r.when(s, p, a)) continue;
          moves++;
          const t = step(s, (x) => r.then(x as never, s, p, a));
          const k = key(t);
          if (!depth.has(k)) { depth.set(k, d + 1); next.push(t); }
        }
      }
      edges += moves;
      if (moves === 0 && !(m.isValidEnd?.(s, p) ?? false)) {
        deadlocks++;
        if (deadlock === -1) deadlock = d;
      }
    }
    level = next;
  }
  return { depth, firstFail, deadlock, deadlocks, edges };
}

const nestedSpace = (p: XenbusParams): Space =>
  explore(xenbus, p, (s, f) => produce(s, (d) => void f(d as never)), (s) => canonicalString(s));
const flatSpace = (p: XenbusParams): Space =>
  explore(xenbusFlat, p, (s, f) => { const d = { ...s }; f(d); return d; }, (s: XenbusFlatState) => canonicalString(toNested(s, p)));

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
    assert.equal({ missing: missing.slice(0, 1), extra: extra.slice(0, 1) }, { missing: [], extra: [] }, 'the same states');
    for (const [k, d] of a.depth) if (b.depth.get(k) !== d) assert.unreachable(`state at depth ${d} in xenbus, ${b.depth.get(k)} in xenbus-flat: ${k}`);
    assert.equal(b.firstFail, a.firstFail, 'each invariant fails first at the same depth (or nowhere)');
    assert.equal([b.deadlock, b.deadlocks, b.edges], [a.deadlock, a.deadlocks, a.edges], 'the same deadlocks and edges');
  });
}

/** The engine on both (xenbus on its packed path, the flat model on the flat path): the same set, outcome, edges, depth. */
function sameThroughEngine(ov: Record<string, string>, opts: { checkDeadlock: boolean }): void {
  const p = paramsOf(xenbusFlat, ov);
  const flat = new Set<string>();
  const b = runModel(xenbusFlat, p, { ...opts, onState: (s) => { flat.add(canonicalString(toNested(s, p))); } });
  let unmapped = 0, first = '';
  const a = runModel(xenbus, p, { ...opts, onState: (n) => { const k = canonicalString(n); if (!flat.has(k)) { unmapped++; first ||= k; } } });
  assert.is(unmapped, 0, `every xenbus state is a flat state's image (first not: ${first})`);
  assert.is(flat.size, b.distinctStates, 'toNested tells flat states apart');
  assert.is(b.distinctStates, a.distinctStates, 'as many states');
  assert.equal([b.outcome, b.edges, b.depth, b.violation?.property, b.violation?.trace.length],
    [a.outcome, a.edges, a.depth, a.violation?.property, a.violation?.trace.length]);
  assert.equal(observed(b), observed(a), 'the same observables (min, max, their depths)');
}
const observed = (r: { observables?: readonly { name: string; min: number; max: number; minSteps: number; maxSteps: number }[] }) =>
  r.observables?.map((o) => [o.name, o.min, o.max, o.minSteps, o.maxSteps]);

test('events=2 through the engine: the same states, outcome, edges, depth and observables; the same deadlock', () => {
  sameThroughEngine({ events: '2' }, { checkDeadlock: true });
});

test('xenbus4 (bench/nested.ts) through the engine: the same outcome, counts, edges, depth, first goal failure and observables', () => {
  const p = paramsOf(xenbusFlat, {});
  const b = runModel(xenbusFlat, p, { checkDeadlock: false });
  const a = runModel(xenbus, p, { checkDeadlock: false });
  assert.equal([b.outcome, b.distinctStates, b.edges, b.depth, b.violation?.property, b.violation?.trace.length],
    [a.outcome, a.distinctStates, a.edges, a.depth, a.violation?.property, a.violation?.trace.length]);
  assert.equal(observed(b), observed(a), 'the same observables');
});

if (process.env.PVCHECK_SLOW_TESTS) {
  test('xenbus4 through the engine: xenbus\'s reachable states are the flat model\'s, state by state', () => {
    sameThroughEngine({}, { checkDeadlock: false });
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
