/**
 * A randomised differential test of every word-level model (cli/fastPath.ts: each built-in with a fast path)
 * against its built-in, at random parameter points inside its cover. The exactness tests (test/ringWeakFlat,
 * test/xenbusFlat) prove the reachable sets equal at the points they name; a drift elsewhere inside a cover
 * (a larger ring index window, more payloads, another budget or quota) is what this test is for.
 *
 * The points: every parameter of the built-in is drawn (none is named here), each from the values inside the
 * cover found by probing the fast path itself (`fastPathFor` defined) from the word-level model's defaults,
 * one parameter varied at a time: the small values of an integer parameter, its default, its maximum and
 * the cover's upper edge (binary search: ring's `messages` 1000), every value of an enum or boolean. A
 * parameter a cover adds is then drawn without editing this file; the cover's listed items (`pvcheck list`)
 * are checked against the values drawn. A drawn point outside the cover (two values that are each inside
 * but not together) is skipped.
 *
 * At each point (the cover's far corner, {@link farCorner}, and near corner first) both models are explored by the plain
 * breadth-first search of test/support/plainBfs.ts over their own rules (a deep copy for the built-in, a copy for
 * the word-level model, states named by the built-in's structural hash through the fast path's `toNested`),
 * up to {@link MAX_STATES} states, stopping at the same state on both sides (the two list their transitions
 * in the same order): the same states at the same depths, each invariant failing first at the same depth
 * (or nowhere), the same deadlocks and edges, each rule firing as often, each goal first reached at the same
 * depth, the same observables' ranges (an observable the word-level model leaves out has no value in any
 * state: cli/fastPath.ts `observablesWithoutValue`). The mutant ring-weak-flat-payload-3-bits
 * (test/mutants/model-ring.json) passes test/ringWeakFlat and test/fastPath and is killed here (the far corner),
 * xenbus-flat-quota-watches-fixed (model-xenbus.json) passes test/xenbusFlat and is killed here (the near corner);
 * both are killed first by the covering array's rows (below), which run before the random points.
 *
 * fast-check with the seed of test/support/fc.ts (PVCHECK_SEED; a failure prints the seed and path, and the
 * shrunk point as `-p` arguments).
 *
 * Pairs: 8 random points cover a given pair of two parameters' values only by chance (ring's ringSize=2 with
 * messages=1: 1 in 14 a point), so a drift that shows only when two parameters take particular values together
 * passes at most seeds. A test run before the random points runs a covering array of strength 2 ({@link pairwiseRows}, deterministic,
 * no seed) over each parameter's edge values ({@link edgeValues}: an integer's two smallest, base and largest
 * value inside the cover; every value of an enum or boolean): every two parameters take every pair of those
 * values together in some row (ring 13 rows, xenbus 28), each compared as above on the first
 * {@link PAIR_STATES} states. The mutant ring-weak-flat-slot1-unset-at-one-message (slot 1's initial word left
 * 0 at messages=1 with ringSize=2) passes the random test at CI's seed (20261202) and is killed by the row
 * `-p ringSize=2 -p messages=1 -p payloads=8 -p frontend=hostile -p hostileWrites=4`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { runs } from './support/fc.js';
import { fastPathCover, fastPathFor, fastPathsByBuiltin, type FastPath } from '../cli/fastPath.js';
import { exportedModel, fastPathModules } from '../cli/workerSystem.js';
import type { Model } from '../model/core.js';
import { resolveParams, type ParamSpec } from '../model/params.js';
import { findModel } from '../model/registry.js';
import { canonicalString } from '../checker/reference/structural.js';
import { copyStep, flatStep, hashKey, plainBfs, renamed, wordsKey, type Space } from './support/plainBfs.js';

/** States each side's search stops at (2,500: a point 0.2-1 s; the file about 6 s, 2026-12-07). */
const MAX_STATES = 2500;
/** Points per word-level model (the two corners among them). */
const RUNS = runs(8);
/** States each side's search stops at, at a row of the covering array (1,000: ring's 13 rows and xenbus's 28 about 6 s together, 2026-12-07). */
const PAIR_STATES = 1000;

type Value = number | string | boolean;
type Point = Record<string, Value>;

/** The word-level model of built-in `b` (from its module, as the workers load it). */
async function wordLevelOf(name: string): Promise<Model> {
  const url = new URL(fastPathModules[name]!, new URL('../cli/workerSystem.ts', import.meta.url)).href;
  const m = exportedModel((await import(url)) as Record<string, unknown>, name);
  if (!m) throw new Error(`${url} does not export ${name}`);
  return m;
}

/** The point `p` with `k` set to `v`, resolved by the built-in's parameters (undefined: refused). */
const resolved = (b: Model, p: Point): object | undefined => {
  const r = resolveParams(b.params, p);
  return E.isRight(r) ? (r.right as object) : undefined;
};

/**
 * The values of each parameter of built-in `b` inside its fast path's cover, varied one at a time from
 * `base` (the word-level model's defaults): every value of an enum or boolean; of an integer its first five,
 * its default, its maximum, and the largest value inside the cover (binary search above the largest
 * candidate inside, below the first outside).
 */
async function coverValues(b: Model, base: Point): Promise<Record<string, Value[]>> {
  const inside = async (k: string, v: Value): Promise<boolean> => {
    const p = resolved(b, { ...base, [k]: v });
    return p !== undefined && (await fastPathFor(b, p)) !== undefined;
  };
  const out: Record<string, Value[]> = {};
  for (const [k, spec] of Object.entries(b.params.specs) as [string, ParamSpec][]) {
    const vs: Value[] = [];
    if (spec.kind === 'enum') { for (const v of spec.values) if (await inside(k, v)) vs.push(v); }
    else if (spec.kind === 'bool') { for (const v of [false, true]) if (await inside(k, v)) vs.push(v); }
    else {
      const cand = [...new Set([...Array.from({ length: 5 }, (_, i) => spec.min + i).filter((v) => v <= spec.max), spec.default, base[k] as number, spec.max])].sort((x, y) => x - y);
      const ok: number[] = [];
      for (const v of cand) if (await inside(k, v)) ok.push(v);
      const top = ok.at(-1);
      const past = top === undefined ? undefined : cand.find((v) => v > top && !ok.includes(v));
      if (top !== undefined && past !== undefined) {
        let lo = top, hi = past; // lo inside, hi not
        while (hi - lo > 1) { const mid = lo + Math.floor((hi - lo) / 2); if (await inside(k, mid)) lo = mid; else hi = mid; }
        if (!ok.includes(lo)) ok.push(lo);
      }
      vs.push(...ok);
    }
    // the base's value first: fast-check shrinks towards it
    out[k] = [base[k]!, ...vs.filter((v) => v !== base[k])];
    if (!vs.includes(base[k]!)) throw new Error(`${b.name}: the word-level model's default ${k}=${String(base[k])} is outside its own cover`);
  }
  return out;
}

interface Entry {
  readonly builtin: Model;
  readonly flat: Model;
  readonly values: Record<string, Value[]>;
}
const entries: Promise<Entry[]> = Promise.all(
  Object.entries(fastPathsByBuiltin()).map(async ([bName, fName]) => {
    const builtin = findModel(bName)!;
    const flat = await wordLevelOf(fName);
    return { builtin, flat, values: await coverValues(builtin, flat.params.defaults as Point) };
  }),
);

/** `p` as `pvcheck check` arguments: the parameters where it differs from the built-in's defaults. */
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const args = (b: Model, p: Point): string =>
  Object.entries(p).filter(([k, v]) => (b.params.defaults as Point)[k] !== v).map(([k, v]) => `-p ${k}=${String(v)}`).join(' ');

/**
 * The far corner of the cover, run first at every seed: each integer parameter at the largest value drawn,
 * each enum and boolean at the word-level model's default (ring: `messages=1000 payloads=8 hostileWrites=4`
 * on a hostile frontend).
 */
const farCorner = (e: Entry): Point => corner(e, Math.max);
/** The near corner, run second: each integer parameter at its smallest value drawn (ring at one message on one slot; xenbus at `events=0`, the quotas at their least: X17's bounds). */
const nearCorner = (e: Entry): Point => corner(e, Math.min);
const corner = (e: Entry, pick: (...xs: number[]) => number): Point =>
  Object.fromEntries(Object.entries(e.values).map(([k, vs]) => [k, typeof vs[0] === 'number' ? pick(...(vs as number[])) : vs[0]!]));

/** Both models explored at `p` up to {@link MAX_STATES}, compared; throws naming the first difference. */
function sameSpaces(e: Entry, p: object, fast: FastPath, maxStates = MAX_STATES): void {
  const a: Space = plainBfs(e.builtin, p, copyStep, hashKey, { maxStates });
  // the word-level states keyed by their words in the search, named by the built-in's key after it (once a state)
  const b: Space = renamed(plainBfs(e.flat, p, flatStep, (s) => wordsKey(s as object), { maxStates }), (s) => hashKey(fast.toNested(s)));
  const at = `${e.flat.name} against ${e.builtin.name} at ${args(e.builtin, p as Point)}`;
  /** Fails naming `what` and the values that differ (of a record, the keys where they do). */
  const agree = (flat: unknown, builtin: unknown, what: string): void => {
    try { assert.equal(flat, builtin); } catch {
      const [f, n] = isRecord(flat) && isRecord(builtin)
        ? [flat, builtin].map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => JSON.stringify(flat[k]) !== JSON.stringify(builtin[k]))))
        : [flat, builtin];
      assert.unreachable(`${at}: ${what}: ${e.flat.name} ${JSON.stringify(f)}, ${e.builtin.name} ${JSON.stringify(n)}`);
    }
  };
  const missing = [...a.depth.keys()].filter((k) => !b.depth.has(k));
  const extra = [...b.depth.keys()].filter((k) => !a.depth.has(k));
  if (missing.length || extra.length)
    assert.unreachable(`${at}: not the same states: ${missing.length} of ${e.builtin.name}'s missing${missing.length ? ` (first: ${canonicalString(a.states.get(missing[0]!))})` : ''}, ${extra.length} more${extra.length ? ` (first: ${canonicalString(fast.toNested(b.states.get(extra[0]!)))})` : ''}`);
  for (const [k, d] of a.depth) if (b.depth.get(k) !== d) assert.unreachable(`${at}: state at depth ${d} in ${e.builtin.name}, ${b.depth.get(k)} in ${e.flat.name}: ${canonicalString(a.states.get(k))}`);
  agree([b.complete, b.lastDepth], [a.complete, a.lastDepth], 'the searches stop at the same depth');
  agree(b.firstFail, a.firstFail, 'the depth each invariant fails first at (-1: nowhere)');
  agree({ deadlock: b.deadlock, deadlocks: b.deadlocks, edges: b.edges }, { deadlock: a.deadlock, deadlocks: a.deadlocks, edges: a.edges }, 'deadlocks and edges');
  agree(b.fired, a.fired, 'transitions of each rule');
  agree(b.goalFirst, a.goalFirst, 'the depth each goal is first reached at (-1: nowhere)');
  const flatObs = Object.keys(b.observed);
  agree(b.observed, Object.fromEntries(flatObs.map((n) => [n, a.observed[n]])), "the observables' ranges");
  for (const [n, r] of Object.entries(a.observed)) {
    if (flatObs.includes(n)) continue;
    assert.ok(fast.observablesWithoutValue, `${at}: ${e.flat.name} leaves out observable ${n} but its fast path says its observables have values`);
    agree([NaN, NaN], r, `observable ${n}, left out of ${e.flat.name}, has a value`);
  }
}

test('the cover values drawn: every parameter of each built-in with a fast path, each item of its listed cover as listed', async () => {
  for (const e of await entries) {
    assert.equal(Object.keys(e.values).sort(), Object.keys(e.builtin.params.specs).sort(), `${e.builtin.name}: every parameter drawn`);
    for (const item of fastPathCover(e.builtin.name)!.cover) {
      const pin = /^(\w+)=(.*)$/.exec(item);
      const k = pin ? pin[1]! : item.split(' ')[0]!;
      assert.ok(k in e.values, `${e.builtin.name}: listed cover item '${item}' names no parameter`);
      if (pin) assert.equal(e.values[k]!.map(String), [pin[2]], `${e.builtin.name}: '${item}': only that value drawn`);
      else assert.ok(e.values[k]!.length >= 2, `${e.builtin.name}: '${item}': a range, drawn from ${e.values[k]!.join(', ')}`);
    }
  }
});

/**
 * The values of each parameter a covering array takes ({@link pairwiseRows}): every value of an enum or
 * boolean; of an integer its edges inside the cover: its two smallest values drawn, the base (the word-level
 * model's default) and its largest (ring's messages 1, 2, 3, 1000).
 */
const edgeValues = (e: Entry): Record<string, Value[]> =>
  Object.fromEntries(Object.entries(e.values).map(([k, vs]) => {
    if (typeof vs[0] !== 'number') return [k, vs];
    const ns = [...(vs as number[])].sort((x, y) => x - y);
    return [k, [...new Set([vs[0] as number, ns[0]!, ...(ns.length > 1 ? [ns[1]!] : []), ns.at(-1)!])]];
  }));

/**
 * A covering array of strength 2 over `values` (each parameter's values, the base first): rows (points)
 * such that every two parameters take every pair of their values together in some row. Greedy and
 * deterministic (AETG's rule without its random candidates): each row starts from the first pair no row
 * covers yet, the other parameters (in order) each take the value covering the most pairs not yet covered
 * with the parameters already set (ties: the earliest value, the base first); rows until every pair is
 * covered. A parameter with one value is in every row at it.
 */
function pairwiseRows(values: Record<string, readonly Value[]>): Point[] {
  const ks = Object.keys(values);
  const n = ks.length;
  const vs = ks.map((k) => values[k]!);
  // uncovered[i][j] (i < j): the set of a * |vs[j]| + b not yet covered
  const uncovered: Set<number>[][] = ks.map((_, i) => ks.map((_, j) => new Set(j > i ? Array.from({ length: vs[i]!.length * vs[j]!.length }, (_, x) => x) : [])));
  let left = uncovered.flat().reduce((t, u) => t + u.size, 0);
  const rows: Point[] = [];
  // the parameters with the most values set first (AETG's order)
  const order = ks.map((_, i) => i).sort((x, y) => vs[y]!.length - vs[x]!.length || x - y);
  /** The row started from pair (i, a) (j, b), each other parameter set greedily; and how many uncovered pairs it covers. */
  const fill = (i0: number, j0: number, x: number): [number[], number] => {
    const row: (number | undefined)[] = new Array(n).fill(undefined);
    row[i0] = Math.floor(x / vs[j0]!.length);
    row[j0] = x % vs[j0]!.length;
    for (const i of order) {
      if (row[i] !== undefined) continue;
      let best = 0, bestGain = -1;
      for (let a = 0; a < vs[i]!.length; a++) {
        let gain = 0;
        for (let j = 0; j < n; j++) {
          const b = row[j];
          if (b === undefined || j === i) continue;
          if (j < i ? uncovered[j]![i]!.has(b * vs[i]!.length + a) : uncovered[i]![j]!.has(a * vs[j]!.length + b)) gain++;
        }
        if (gain > bestGain) { best = a; bestGain = gain; }
      }
      row[i] = best;
    }
    let gain = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (uncovered[i]![j]!.has(row[i]! * vs[j]!.length + row[j]!)) gain++;
    return [row as number[], gain];
  };
  while (left > 0) {
    // candidates: each pair of parameters' first uncovered pair of values; the row covering most wins (the first on ties)
    let best: number[] = [], bestGain = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      const first = uncovered[i]![j]!.values().next();
      if (first.done) continue;
      const [row, gain] = fill(i, j, first.value);
      if (gain > bestGain) { best = row; bestGain = gain; }
    }
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (uncovered[i]![j]!.delete(best[i]! * vs[j]!.length + best[j]!)) left--;
    rows.push(Object.fromEntries(ks.map((k, i) => [k, vs[i]![best[i]!]!])));
  }
  return rows;
}

test('pairwise: every two parameters of each cover at every pair of their edge values together (a covering array of the edges), the first states of both models compared at each row', async () => {
  for (const e of await entries) {
    const ev = edgeValues(e);
    const rows = pairwiseRows(ev);
    // the array's own check: every pair of two parameters' edge values is in a row
    const ks = Object.keys(ev);
    for (const [i, k] of ks.entries()) for (const j of ks.slice(i + 1))
      for (const a of ev[k]!) for (const b of ev[j]!)
        assert.ok(rows.some((r) => r[k] === a && r[j] === b), `${e.builtin.name}: no row has ${k}=${String(a)} with ${j}=${String(b)}`);
    for (const pt of rows) {
      const p = resolved(e.builtin, pt);
      const fast = p && (await fastPathFor(e.builtin, p));
      assert.ok(fast, `${e.builtin.name} ${args(e.builtin, pt)}: a row of the covering array is outside the cover (its values are each inside: a cover with joint bounds needs the array to know them)`);
      sameSpaces(e, p!, fast!, PAIR_STATES);
    }
  }
});

test(`at random points inside each cover (${RUNS} a model, up to ${MAX_STATES} states each): the same states, depths, verdicts, deadlocks, edges, rule firings, goals and observables`, async () => {
  for (const e of await entries) {
    const arb = fc.record(Object.fromEntries(Object.entries(e.values).map(([k, vs]) => [k, fc.constantFrom(...vs)])) as Record<string, fc.Arbitrary<Value>>);
    let ran = 0;
    const out = await fc.check(
      fc.asyncProperty(arb, async (pt) => {
        const p = resolved(e.builtin, pt);
        const fast = p && (await fastPathFor(e.builtin, p));
        // inside the cover by the word-level model's own parameters exactly when the fast path takes the point
        assert.is(E.isRight(resolveParams(e.flat.params, pt)), fast !== undefined, `${e.builtin.name} ${args(e.builtin, pt)}: the word-level model's parameters and its fast path agree on the cover`);
        fc.pre(fast !== undefined);
        sameSpaces(e, p!, fast!);
        ran++;
      }),
      { numRuns: RUNS, examples: [[farCorner(e)], [nearCorner(e)]] },
    );
    if (out.failed) {
      const err = out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance);
      assert.unreachable(`${err} (fast-check seed ${out.seed}, path ${out.counterexamplePath}, shrunk ${out.numShrinks} times: PVCHECK_SEED=${out.seed} node bin/run-tests.mjs wordLevelRandom replays it)`);
    }
    assert.ok(ran > 0, `${e.builtin.name}: no point inside the cover drawn`);
  }
});

test.run();
