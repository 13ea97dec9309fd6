/**
 * The checks over the whole explored graph rather than one state:
 *
 * - Observables: for each, the minimum and the maximum over every reachable
 *   state, each with the first (so least deep) state found with that value.
 * - Recoverability goals, CTL `AG EF goal`: every reachable state can still
 *   reach a goal state. The search records every edge (source id, target id)
 *   and, per goal, the states that reach it; after a complete search a
 *   backward search from the goal states over the reversed edges finds the
 *   states that cannot reach one. The one with the lowest id is the least deep
 *   (ids follow BFS order), so its trace is shortest.
 */
import { Grow, type ParentLinks } from './store.js';
import { pathTo, type ObservableWitnesses } from './trace.js';
import type { SysGoal, SysObservable } from './system.js';

const f64Scratch = new Float64Array(1);
const u32Scratch = new Uint32Array(f64Scratch.buffer);
/** The number {@link writeFound} wrote at `words[off]`, `words[off + 1]`. */
export function wordsToNumber(words: Uint32Array, off: number): number {
  u32Scratch[0] = words[off]!;
  u32Scratch[1] = words[off + 1]!;
  return f64Scratch[0]!;
}

/** Words {@link writeFound} writes for a state: its goals' bits (32 a word), then each observable's value (2 words). */
export const foundWords = (goals: number, observables: number): number => (goals + 31 >>> 5) + 2 * observables;

/**
 * Writes what the checks over the graph take of a new state, evaluated on
 * it, into `words[off..]` ({@link foundWords} of them): which goals it
 * reaches, and each observable's value. The multi-worker search evaluates
 * them on the worker that finds the state (it holds it unpacked) and carries
 * them to the merge (GoalGraph and ObservableExtremes `seeWords`), which
 * then unpacks nothing.
 */
export function writeFound<S>(s: S, goals: readonly SysGoal<S>[], observables: readonly SysObservable<S>[], words: Uint32Array, off: number): void {
  const g = goals.length;
  for (let w = 0; w < g; w += 32) {
    let bits = 0;
    for (let i = w; i < g && i < w + 32; i++) if (goals[i]!.reached(s)) bits |= 1 << (i & 31);
    words[off + (w >>> 5)] = bits;
  }
  const o = off + (g + 31 >>> 5);
  for (let i = 0; i < observables.length; i++) {
    f64Scratch[0] = observables[i]!.value(s);
    words[o + 2 * i] = u32Scratch[0]!;
    words[o + 2 * i + 1] = u32Scratch[1]!;
  }
}

/** Running minimum and maximum of each observable, with the id of the first state that had it. */
export class ObservableExtremes<S> {
  /** Per observable: [min, minId, max, maxId]. */
  readonly v: Float64Array;
  constructor(private readonly list: readonly SysObservable<S>[]) {
    this.v = new Float64Array(list.length * 4);
    for (let i = 0; i < this.v.length; i += 4) {
      this.v[i] = Infinity;
      this.v[i + 2] = -Infinity;
    }
  }
  /** Records the values of a new state (`NaN` values are ignored). */
  see(s: S, id: number): void {
    const list = this.list;
    for (let i = 0; i < list.length; i++) this.seeValue(i, list[i]!.value(s), id);
  }
  /** Observable i's value `x` in new state `id`. */
  private seeValue(i: number, x: number, id: number): void {
    const v = this.v;
    if (x < v[i * 4]!) {
      v[i * 4] = x;
      v[i * 4 + 1] = id;
    }
    if (x > v[i * 4 + 2]!) {
      v[i * 4 + 2] = x;
      v[i * 4 + 3] = id;
    }
  }
  /**
   * Records the values of a new state as {@link writeFound} wrote them from
   * it, at `words[off..]` (the multi-worker search: the worker that found the
   * state evaluated them, parallelWorker.ts); the same as {@link see} on it.
   */
  seeWords(words: Uint32Array, off: number, id: number): void {
    for (let i = 0; i < this.list.length; i++) this.seeValue(i, wordsToNumber(words, off + 2 * i), id);
  }
  /** Whether observable i had a (non-NaN) value in some state. */
  has(i: number): boolean {
    return this.v[i * 4] !== Infinity;
  }
  min(i: number): number { return this.v[i * 4]!; }
  minId(i: number): number { return this.v[i * 4 + 1]!; }
  max(i: number): number { return this.v[i * 4 + 2]!; }
  maxId(i: number): number { return this.v[i * 4 + 3]!; }
  /**
   * Observable i's extremes and the paths to their witnesses along `links`
   * (an observable NaN in every state: NaN, no paths); what a report's
   * witnesses are built from (trace.ts lazyObservable).
   */
  witness(i: number, name: string, links: ParentLinks): ObservableWitnesses {
    const has = this.has(i);
    return {
      name,
      min: has ? this.min(i) : NaN,
      max: has ? this.max(i) : NaN,
      minPath: has ? pathTo(links, this.minId(i)) : [],
      maxPath: has ? pathTo(links, this.maxId(i)) : [],
    };
  }
}

/** A GoalGraph's edges and goal hits (GoalGraph.toTransfer). */
export interface GraphTransfer {
  readonly src: Uint32Array;
  readonly dst: Uint32Array;
  readonly hits: Uint32Array[];
}

/** Whether bit `id` is set in the bit array `b`. */
const has = (b: Uint32Array, id: number): boolean => ((b[id >>> 5]! >>> (id & 31)) & 1) === 1;

/**
 * The edges of the explored graph and the goal states, for the AG EF check.
 * Only the edges out of a state that does not reach every goal are recorded:
 * the backward search of {@link stuck} starts from the goal states, so an
 * edge out of one can never mark its source (already reached), and leaving it
 * out changes no answer. xenbus4 (events=4, goal X19): 118,708 of its 118,985
 * states reach the goal, so 1,394 of 486,370 edges are kept. Which states reach
 * which goal is a bit a state (not a list of ids), so that the check after the
 * search works on the few kept edges and 32 states a word, not on every state
 * (docs/perf/2026-12-07h-engine.md).
 */
export class GoalGraph<S> {
  readonly src = new Grow();
  readonly dst = new Grow();
  /** Per goal, a bit a state id: the state reaches the goal. */
  private hits: Uint32Array[];
  /** Per state id, a bit: the state reaches every goal (see {@link edge}). */
  private every: Uint32Array = new Uint32Array(1 << 11);
  /** One more than the largest state id seen. */
  private top = 0;
  /**
   * The sweeps over the kept edges {@link stuck} makes at most before it turns to a backward search over
   * the reversed edges; it sweeps only where the kept edges are few, at most n / {@link sweepRatio} for
   * n states, so that the sweeps (`sweeps` passes over them) never cost more than that search's pass
   * over every state (grant refs=2 pages=2 with its goals keeps 3.9M edges of 491k states: 8 sweeps
   * there doubled the check). Tests set both (sweepRatio 0: always sweep; Infinity: never).
   */
  static sweeps = 8;
  static sweepRatio = 8;
  constructor(private readonly goals: readonly SysGoal<S>[]) {
    this.hits = goals.map(() => new Uint32Array(this.every.length));
  }
  /** The bit arrays hold state `id`. */
  private ensure(id: number): void {
    if (id >= this.top) this.top = id + 1;
    const w = id >>> 5;
    if (w < this.every.length) return;
    const grow = (a: Uint32Array): Uint32Array => {
      const b = new Uint32Array(Math.max(a.length * 2, w + 1));
      b.set(a);
      return b;
    };
    this.every = grow(this.every);
    this.hits = this.hits.map(grow);
  }
  /** Records which goals a new state reaches. */
  see(s: S, id: number): void {
    this.ensure(id);
    const g = this.goals, w = id >>> 5, bit = 1 << (id & 31);
    let all = true;
    for (let i = 0; i < g.length; i++)
      if (g[i]!.reached(s)) this.hits[i]![w]! |= bit;
      else all = false;
    if (all) this.every[w]! |= bit;
  }
  /** Records which goals a new state reaches, as {@link writeFound} wrote them from it at `words[off..]`: the same as {@link see} on it. */
  seeWords(words: Uint32Array, off: number, id: number): void {
    this.ensure(id);
    const w = id >>> 5, bit = 1 << (id & 31);
    let all = true;
    for (let i = 0; i < this.goals.length; i++)
      if ((words[off + (i >>> 5)]! >>> (i & 31)) & 1) this.hits[i]![w]! |= bit;
      else all = false;
    if (all) this.every[w]! |= bit;
  }
  /** The edges and goal hits so far, as arrays a worker can be sent (a search handed over: parallel.ts): each goal's hits as state ids. */
  toTransfer(): GraphTransfer {
    const ids = (b: Uint32Array): Uint32Array => {
      const out: number[] = [];
      for (let id = 0; id < this.top; id++) if (has(b, id)) out.push(id);
      return Uint32Array.from(out);
    };
    return { src: this.src.a.slice(0, this.src.n), dst: this.dst.a.slice(0, this.dst.n), hits: this.hits.map(ids) };
  }
  /** Adds what {@link toTransfer} gave (to an empty graph of the same goals). */
  load(x: GraphTransfer): void {
    for (const v of x.src) this.src.push(v);
    for (const v of x.dst) this.dst.push(v);
    for (const h of x.hits) for (const v of h) this.ensure(v);
    x.hits.forEach((h, i) => {
      for (const v of h) this.hits[i]![v >>> 5]! |= 1 << (v & 31);
    });
    // a state in every goal's hits reaches every goal
    for (let w = 0; w < this.every.length; w++) {
      let all = -1;
      for (const b of this.hits) all &= b[w]!;
      this.every[w]! |= all;
    }
  }
  /** Records an edge, unless its source reaches every goal (seen before: a state is seen before it is expanded). */
  edge(from: number, to: number): void {
    const w = from >>> 5;
    if (w < this.every.length && (this.every[w]! >>> (from & 31)) & 1) return;
    this.src.push(from);
    this.dst.push(to);
  }
  get bytes(): number {
    return this.src.a.byteLength * 2;
  }
  /**
   * The first goal (in declaration order) that some state cannot reach, with
   * the least such state id; undefined when every state can reach every goal.
   * `n` is the number of states. From the goal's states, a source of a kept
   * edge is marked once its target is: sweeps over the kept edges, last to
   * first (a target found later has the larger id), until one marks nothing;
   * after {@link sweeps} that still marked something (or with many kept
   * edges: {@link sweepRatio}), a backward search over the reversed edges from
   * every marked target. What is left unmarked cannot
   * reach the goal.
   */
  stuck(n: number): { goal: number; id: number } | undefined {
    const m = this.src.n;
    const src = this.src.a;
    const dst = this.dst.a;
    const words = (n + 31) >>> 5;
    let rev: { start: Uint32Array; from: Uint32Array } | undefined;
    for (let g = 0; g < this.goals.length; g++) {
      const ok = new Uint32Array(words);
      ok.set(this.hits[g]!.subarray(0, Math.min(words, this.hits[g]!.length)));
      let changed = true;
      const sweeps = m * GoalGraph.sweepRatio <= n ? GoalGraph.sweeps : 0;
      for (let pass = 0; changed && pass < sweeps; pass++) {
        changed = false;
        for (let e = m - 1; e >= 0; e--) {
          const x = src[e]!;
          if (!has(ok, x) && has(ok, dst[e]!)) {
            ok[x >>> 5]! |= 1 << (x & 31);
            changed = true;
          }
        }
      }
      if (changed) {
        rev ??= reversed(src, dst, m, n);
        const { start, from } = rev;
        // every marked state with an edge into it, once
        const stack: number[] = [];
        for (let y = 0; y < n; y++) if (start[y + 1]! > start[y]! && has(ok, y)) stack.push(y);
        while (stack.length) {
          const y = stack.pop()!;
          for (let j = start[y]!; j < start[y + 1]!; j++) {
            const x = from[j]!;
            if (!has(ok, x)) {
              ok[x >>> 5]! |= 1 << (x & 31);
              stack.push(x);
            }
          }
        }
      }
      // the least state left unmarked (the last word's bits past n are not states)
      for (let w = 0; w < words; w++) {
        const miss = ~ok[w]! & (w === words - 1 && (n & 31) !== 0 ? (1 << (n & 31)) - 1 : -1);
        if (miss !== 0) return { goal: g, id: 32 * w + 31 - Math.clz32(miss & -miss) };
      }
    }
    return undefined;
  }
}

/** The kept edges reversed, as CSR: the sources of the edges into state y are from[start[y]..start[y + 1]). */
function reversed(src: Uint32Array, dst: Uint32Array, m: number, n: number): { start: Uint32Array; from: Uint32Array } {
  const start = new Uint32Array(n + 1);
  for (let e = 0; e < m; e++) start[dst[e]! + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const from = new Uint32Array(m);
  for (let e = 0; e < m; e++) from[fill[dst[e]!]!++] = src[e]!;
  return { start, from };
}
