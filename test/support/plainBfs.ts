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
}

/** Breadth-first over `m`'s rules at `p`; states named by `key`. */
export function plainBfs<S, P>(m: Model<S, P>, p: P, step: (s: S, f: (d: S) => void) => S, key: (s: S) => string): Space {
  const depth = new Map<string, number>();
  const states = new Map<string, unknown>();
  const firstFail: Record<string, number> = Object.fromEntries(m.invariants.map((i) => [i.name, -1]));
  let deadlock = -1, deadlocks = 0, edges = 0;
  let level: S[] = [];
  for (const s0 of m.init(p)) {
    const k = key(s0);
    if (!depth.has(k)) { depth.set(k, 0); states.set(k, s0); level.push(s0); }
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
          if (!depth.has(k)) { depth.set(k, d + 1); states.set(k, t); next.push(t); }
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
  return { depth, firstFail, deadlock, deadlocks, edges, states };
}
