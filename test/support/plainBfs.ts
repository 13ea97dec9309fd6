/**
 * A plain breadth-first search over a model's own rules, not through the engine: the reference a
 * word-level model (model/ringWeakFlat.ts, model/xenbusFlat.ts) is compared with against its nested
 * built-in, each explored with its own step (immer's `produce` for the nested one, a copy for the flat
 * one) and its states named by `key` (the nested state's canonical string; a flat state's through its
 * `toNested`). test/ringWeakFlat and test/xenbusFlat run it; written once here (duplicates D2, session
 * 29's second read).
 */
import type { Model } from '../../model/core.js';
import { hashValue } from '../../checker/reference/structural.js';

const lanes = new Uint32Array(2);
/**
 * A nested state's key for {@link plainBfs}: its structural 64-bit hash (checker/reference/structural.ts
 * hashValue: equal for equal canonical strings) as text, not its canonical string, which costs more than the
 * search (ring-weak-flat's BFS at 24,729 states: 2.2 s of strings against 0.6 s). Two states share a key
 * with probability about n^2 / 2^65; {@link Space.states} keeps a state per key for the messages.
 */
export const hashKey = (v: unknown): string => {
  hashValue(v, lanes);
  return `${lanes[0]}:${lanes[1]}`;
};

export interface Space {
  /** key of the nested state (its canonical string, or {@link hashKey}) -> depth (shortest distance from an initial state). */
  readonly depth: Map<string, number>;
  /** Per invariant name: the depth of the shallowest state where it fails (-1: nowhere). */
  readonly firstFail: Record<string, number>;
  /** Depth of the shallowest deadlock (terminal, not a valid end), -1 if none; and how many. */
  readonly deadlock: number;
  readonly deadlocks: number;
  /** Transitions taken (every enabled rule and choice of every state). */
  readonly edges: number;
  /** The first state met under each key (a message names the state, not its key). */
  readonly states: Map<string, unknown>;
  /** Transitions taken per rule name (a rule that never fired: 0). */
  readonly fired: Record<string, number>;
  /** Per goal name: the depth of the shallowest state where it is reached (-1: nowhere). */
  readonly goalFirst: Record<string, number>;
  /** Per observable name: its least and greatest value over the states seen (NaN values left out; none: [NaN, NaN]). */
  readonly observed: Record<string, readonly [number, number]>;
  /** Every state was expanded (false: the search stopped at {@link BfsLimit.maxStates}). */
  readonly complete: boolean;
  /** Depth of the deepest state found. */
  readonly lastDepth: number;
}

/**
 * A bound on {@link plainBfs}: the search stops at the state that brings the total to `maxStates`, in the
 * middle of a level (the states found so far checked: invariants, goals, observables; edges, firings and
 * deadlocks counted up to there). Two models with the same transitions listed in the same order (rules,
 * each rule's choices: what a word-level model promises, docs/word-level.md) stop at the same state with
 * the same counts.
 */
export interface BfsLimit {
  readonly maxStates: number;
}

/** Breadth-first over `m`'s rules at `p`; states named by `key`; the whole space, or up to `limit`. */
export function plainBfs<S, P>(m: Model<S, P>, p: P, step: (s: S, f: (d: S) => void) => S, key: (s: S) => string, limit?: BfsLimit): Space {
  const depth = new Map<string, number>();
  const states = new Map<string, unknown>();
  const firstFail: Record<string, number> = Object.fromEntries(m.invariants.map((i) => [i.name, -1]));
  const goalFirst: Record<string, number> = Object.fromEntries((m.goals ?? []).map((g) => [g.name, -1]));
  const lo: Record<string, number> = {}, hi: Record<string, number> = {};
  for (const o of m.observables ?? []) { lo[o.name] = Infinity; hi[o.name] = -Infinity; }
  const rules = m.rules.filter((r) => !r.applies || r.applies(p));
  const fired: Record<string, number> = Object.fromEntries(rules.map((r) => [r.name, 0]));
  let deadlock = -1, deadlocks = 0, edges = 0, complete = true, lastDepth = 0;
  let level: S[] = [];
  for (const s0 of m.init(p)) {
    const k = key(s0);
    if (!depth.has(k)) { depth.set(k, 0); states.set(k, s0); level.push(s0); }
  }
  const seen = (xs: readonly S[], d: number): void => {
    lastDepth = d;
    for (const s of xs) {
      for (const inv of m.invariants) if (firstFail[inv.name] === -1 && !inv.holds(s, p)) firstFail[inv.name] = d;
      for (const g of m.goals ?? []) if (goalFirst[g.name] === -1 && g.reached(s, p)) goalFirst[g.name] = d;
      for (const o of m.observables ?? []) {
        const v = o.value(s, p);
        if (Number.isNaN(v)) continue;
        if (v < lo[o.name]!) lo[o.name] = v;
        if (v > hi[o.name]!) hi[o.name] = v;
      }
    }
  };
  const full = (): boolean => limit !== undefined && depth.size >= limit.maxStates;
  for (let d = 0; level.length; d++) {
    seen(level, d);
    if (full()) { complete = false; break; }
    const next: S[] = [];
    expand: for (const s of level) {
      let moves = 0;
      for (const r of rules) {
        const cs = r.choices ? r.choices(s, p) : [undefined];
        for (const a of cs) {
          if (r.when && !r.when(s, p, a)) continue;
          moves++;
          edges++;
          fired[r.name]!++;
          const t = step(s, (x) => r.then(x as never, s, p, a));
          const k = key(t);
          if (!depth.has(k)) {
            depth.set(k, d + 1); states.set(k, t); next.push(t);
            if (full()) { complete = false; break expand; }
          }
        }
      }
      if (moves === 0 && !(m.isValidEnd?.(s, p) ?? false)) {
        deadlocks++;
        if (deadlock === -1) deadlock = d;
      }
    }
    if (!complete) { seen(next, d + 1); break; }
    level = next;
  }
  const observed = Object.fromEntries(Object.keys(lo).map((n) => [n, lo[n] === Infinity ? [NaN, NaN] as const : [lo[n]!, hi[n]!] as const]));
  return { depth, firstFail, deadlock, deadlocks, edges, states, fired, goalFirst, observed, complete, lastDepth };
}
