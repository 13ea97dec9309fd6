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

/**
 * The edges of the explored graph and the goal states, for the AG EF check.
 * Only the edges out of a state that does not reach every goal are recorded:
 * the backward search of {@link stuck} starts from the goal states, so an
 * edge out of one can never mark its source (already reached), and leaving it
 * out changes no answer. xenbus4 (events=4, goal X19): 118,708 of its 118,985
 * states reach the goal, so 1,171 of 486,370 edges are kept (docs/perf/2026-12-07h-engine.md).
 */
export class GoalGraph<S> {
  readonly src = new Grow();
  readonly dst = new Grow();
  private readonly hits: Grow[];
  /** Per state id, a bit: the state reaches every goal (see {@link edge}). */
  private every = new Uint32Array(1 << 11);
  constructor(private readonly goals: readonly SysGoal<S>[]) {
    this.hits = goals.map(() => new Grow());
  }
  /** Records which goals a new state reaches. */
  see(s: S, id: number): void {
    const g = this.goals;
    let all = true;
    for (let i = 0; i < g.length; i++)
      if (g[i]!.reached(s)) this.hits[i]!.push(id);
      else all = false;
    if (all) this.reachesEvery(id);
  }
  /** Records which goals a new state reaches, as {@link writeFound} wrote them from it at `words[off..]`: the same as {@link see} on it. */
  seeWords(words: Uint32Array, off: number, id: number): void {
    let all = true;
    for (let i = 0; i < this.goals.length; i++)
      if ((words[off + (i >>> 5)]! >>> (i & 31)) & 1) this.hits[i]!.push(id);
      else all = false;
    if (all) this.reachesEvery(id);
  }
  private reachesEvery(id: number): void {
    const w = id >>> 5;
    if (w >= this.every.length) {
      const b = new Uint32Array(Math.max(this.every.length * 2, w + 1));
      b.set(this.every);
      this.every = b;
    }
    this.every[w]! |= 1 << (id & 31);
  }
  /** The edges and goal hits so far, as arrays a worker can be sent (a search handed over: parallel.ts). */
  toTransfer(): GraphTransfer {
    return { src: this.src.a.slice(0, this.src.n), dst: this.dst.a.slice(0, this.dst.n), hits: this.hits.map((h) => h.a.slice(0, h.n)) };
  }
  /** Adds what {@link toTransfer} gave (to an empty graph of the same goals). */
  load(x: GraphTransfer): void {
    for (const v of x.src) this.src.push(v);
    for (const v of x.dst) this.dst.push(v);
    // a state in every goal's hits reaches every goal
    let n = 0;
    for (const h of x.hits) for (const v of h) n = Math.max(n, v + 1);
    const count = new Uint32Array(n);
    x.hits.forEach((h, i) => {
      for (const v of h) {
        this.hits[i]!.push(v);
        count[v]!++;
      }
    });
    for (let id = 0; id < n; id++) if (count[id] === this.goals.length) this.reachesEvery(id);
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
   * `n` is the number of states.
   */
  stuck(n: number): { goal: number; id: number } | undefined {
    const m = this.src.n;
    const src = this.src.a;
    const dst = this.dst.a;
    // reverse CSR: for each target, its sources
    const start = new Uint32Array(n + 1);
    for (let e = 0; e < m; e++) start[dst[e]! + 1]!++;
    for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
    const fill = start.slice(0, n);
    const rev = new Uint32Array(m);
    for (let e = 0; e < m; e++) rev[fill[dst[e]!]!++] = src[e]!;
    for (let g = 0; g < this.goals.length; g++) {
      const ok = new Uint8Array(n);
      const stack: number[] = [];
      const hits = this.hits[g]!;
      for (let i = 0; i < hits.n; i++) {
        const x = hits.a[i]!;
        if (!ok[x]) {
          ok[x] = 1;
          // a goal state with no edge into it marks nothing (most of them: edges are kept only out of states that miss a goal)
          if (start[x + 1] !== start[x]) stack.push(x);
        }
      }
      while (stack.length) {
        const x = stack.pop()!;
        for (let j = start[x]!; j < start[x + 1]!; j++) {
          const y = rev[j]!;
          if (!ok[y]) {
            ok[y] = 1;
            stack.push(y);
          }
        }
      }
      for (let i = 0; i < n; i++) if (!ok[i]) return { goal: g, id: i };
    }
    return undefined;
  }
}
