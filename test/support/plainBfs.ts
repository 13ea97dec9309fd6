/**
 * A plain breadth-first search over a model's own rules, not through the engine: the reference a
 * word-level model (model/ringWeakFlat.ts, model/xenbusFlat.ts) is compared with against its nested
 * built-in, each explored with its own step ({@link copyStep}, a deep copy, for the nested one; a shallow
 * copy for the flat one) and its states named by `key` (the nested state's structural hash,
 * {@link hashKey}; a flat state's own words, {@link wordsKey}, renamed after the search by
 * {@link renamed} through its `toNested`). test/ringWeakFlat, test/xenbusFlat and test/wordLevelRandom run
 * it; written once here (duplicates D2, session 29's second read). It shares no code with checker/ (its
 * hash, its copy and its search are its own: an oracle for the engine) nor with the flat models' packing.
 */
import type { Model } from '../../model/core.js';

/** The two 32-bit lanes of the last {@link hash}. */
let HA = 0, HB = 0;
const fmix = (h: number): number => {
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
};
const mixA = (h: number, k: number): number => {
  k = Math.imul(k, 0xcc9e2d51); k = (k << 15) | (k >>> 17); h ^= Math.imul(k, 0x1b873593); h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
};
const mixB = (h: number, k: number): number => {
  k = Math.imul(k ^ 0x5bd1e995, 0x85ebca6b); k = (k << 16) | (k >>> 16); h ^= Math.imul(k, 0xc2b2ae35); h = (h << 11) | (h >>> 21);
  return (Math.imul(h, 9) + 0x52dce729) | 0;
};
/** Each kind of value starts from its own seed, so values of two kinds never hash alike by construction. */
const T_INT = 0x1f3a9c01, T_NUM = 0x3d3a9c07, T_STR = 0x4d5e6f70, T_ARR = 0x2b7e1512, T_OBJ = 0x3c4fd7a3;
const finish = (h1: number, h2: number, n: number): void => {
  HA = fmix(h1 ^ n);
  HB = fmix(h2 ^ Math.imul(n, 7) ^ HA);
};
const strings = new Map<string, Int32Array>();
const f64 = new Float64Array(1), f64Words = new Int32Array(f64.buffer);
const TRUE_A = fmix(0x7f4a7c15), TRUE_B = fmix(0x6a09e667), FALSE_A = fmix(0x5be0cd19), FALSE_B = fmix(0x510e527f);
const NULL_A = fmix(0x1f83d9ab), NULL_B = fmix(0x9b05688c);

/**
 * The structural 64-bit hash of plain data into {@link HA}, {@link HB}: equal for data with equal canonical
 * strings (checker/reference/structural.ts canonicalString: object keys in any order, a field holding
 * undefined absent, -0 as 0; null and an undefined array element alike): an array absorbs its elements'
 * hashes in order, an object sums (per lane) a strong mix of each (key, value) pair, so key order does not
 * count and nothing is sorted; a string's hash is kept (keys and values repeat from state to state).
 */
function hash(v: unknown): void {
  switch (typeof v) {
    case 'number':
      if ((v | 0) === v) return finish(mixA(T_INT, v), mixB(T_INT, v), 1);
      f64[0] = v;
      return finish(mixA(mixA(T_NUM, f64Words[0]!), f64Words[1]!), mixB(mixB(T_NUM, f64Words[0]!), f64Words[1]!), 2);
    case 'string': {
      const hit = strings.get(v);
      if (hit !== undefined) { HA = hit[0]!; HB = hit[1]!; return; }
      let h1 = T_STR, h2 = ~T_STR;
      const n = v.length;
      for (let i = 0; i < n; i += 2) {
        const k = v.charCodeAt(i) | ((i + 1 < n ? v.charCodeAt(i + 1) : 0) << 16);
        h1 = mixA(h1, k); h2 = mixB(h2, k);
      }
      finish(h1, h2, n);
      if (strings.size < 1 << 16) strings.set(v, Int32Array.of(HA, HB));
      return;
    }
    case 'boolean':
      if (v) { HA = TRUE_A; HB = TRUE_B; } else { HA = FALSE_A; HB = FALSE_B; }
      return;
    case 'undefined':
      HA = NULL_A; HB = NULL_B;
      return;
    case 'object': {
      if (v === null) { HA = NULL_A; HB = NULL_B; return; }
      if (Array.isArray(v)) {
        let h1 = T_ARR, h2 = ~T_ARR;
        const n = v.length;
        for (let i = 0; i < n; i++) {
          hash(v[i]);
          h1 = mixA(mixA(h1, HA), HB); h2 = mixB(mixB(h2, HA), HB);
        }
        return finish(h1, h2, n);
      }
      if (v instanceof Map || v instanceof Set) throw new Error('states must be plain data: found a Map or Set');
      let sa = 0, sb = 0, n = 0;
      for (const k in v) {
        const x = (v as Record<string, unknown>)[k];
        if (x === undefined) continue;
        hash(k);
        const ka = HA, kb = HB;
        hash(x);
        // one strong mix per (key, value) pair, then a sum: the same for any key order
        const pa = fmix(mixA(mixA(ka, HA), HB));
        sa = (sa + pa) | 0;
        sb = (sb + fmix(mixB(mixB(kb, HA), HB) ^ pa)) | 0;
        n++;
      }
      return finish(mixA(mixA(T_OBJ, sa), sb), mixB(mixB(~T_OBJ, sa), sb), n);
    }
    default:
      throw new Error(`states must be plain data: found a ${typeof v}`);
  }
}

/**
 * A nested state's key for {@link plainBfs}: its structural 64-bit hash ({@link hash}) as text, not its
 * canonical string, which costs more than the search (ring-weak-flat's BFS at 24,729 states: 2.2 s of
 * strings against 0.6 s). Two states share a key with probability about n^2 / 2^65; {@link Space.states}
 * keeps a state per key for the messages.
 */
export const hashKey = (v: unknown): string => {
  hash(v);
  return `${HA >>> 0}:${HB >>> 0}`;
};

/**
 * 53 bits of the same hash as a number (a Set of numbers costs less than one of strings, at the engine's
 * hundreds of thousands of states): two states share it with probability about n^2 / 2^54 (1e-6 at 121,453
 * states).
 */
export const hashNumber = (v: unknown): number => {
  hash(v);
  return (HA >>> 0) * 2097152 + (HB >>> 11);
};

/**
 * Plain-data equality as the canonical strings have it (a field holding undefined is absent; arrays element by
 * element, key order not counted), without serialising or hashing: every defined field of `a` equal in `b`, and as
 * many defined in `b`. An array's null and undefined elements differ here (the canonical strings have them alike):
 * stricter, never looser. test/ringWeakFlat and test/xenbusFlat compare a flat state's image with the nested
 * model's state by it (written once here, session 34). Not checker/reference/copyStep.ts's sameData, which counts
 * key order (toNested's is not the engine's) and is checker/ code: this file shares none with the engine.
 */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  let n = 0;
  for (const k in a) {
    const x = (a as Record<string, unknown>)[k];
    if (x === undefined) continue;
    if (!sameData(x, (b as Record<string, unknown>)[k])) return false;
    n++;
  }
  for (const k in b) if ((b as Record<string, unknown>)[k] !== undefined) n--;
  return n === 0;
}

/**
 * The exact key of a word-level state (a record of whole numbers 0 .. 2^32-1, its fields in one order):
 * each field's value as two UTF-16 units. No two states share it; a field outside those numbers throws.
 */
const units: number[] = [];
export function wordsKey(s: object): string {
  let i = 0;
  for (const f in s) {
    const v = (s as Record<string, number>)[f]!;
    if (v >>> 0 !== v) throw new Error(`wordsKey: field ${f} is ${String(v)}, not a word`);
    units[i++] = v & 0xffff;
    units[i++] = v >>> 16;
  }
  units.length = i;
  return String.fromCharCode.apply(null, units);
}

/** A deep copy of plain data (objects, arrays, primitives). */
function deepCopy<T>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const n = v.length, a = new Array<unknown>(n);
    for (let i = 0; i < n; i++) a[i] = deepCopy(v[i]);
    return a as T;
  }
  const o: Record<string, unknown> = {};
  for (const k in v) o[k] = deepCopy((v as Record<string, unknown>)[k]);
  return o as T;
}

/**
 * The nested models' step: the rule's recipe writes a deep copy of the state (the recipe reads the state
 * before the step as its second argument, as immer's drafts have it). About twice as fast as immer's
 * `produce` here (ring's BFS at 24,729 states 0.7 s against 1.6 s CPU), and like it no code of the engine's.
 */
export const copyStep = <S>(s: S, f: (d: S) => void): S => {
  const d = deepCopy(s);
  f(d);
  return d;
};
/** The word-level models' step: a record of numbers, copied shallowly. */
export const flatStep = <S>(s: S, f: (d: S) => void): S => {
  const d = { ...s };
  f(d);
  return d;
};

export interface Space {
  /** key of the state ({@link hashKey}, or {@link wordsKey} before {@link renamed}) -> depth (shortest distance from an initial state). */
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

/**
 * `sp` with its states named by `name` (a word-level search keyed by {@link wordsKey}, named by the nested
 * state's {@link hashKey} through `toNested`: one name a state, not one an edge). Throws when two states
 * take one name (the word-level model's `toNested` would not tell them apart).
 */
export function renamed(sp: Space, name: (s: any) => string): Space {
  const depth = new Map<string, number>(), states = new Map<string, unknown>();
  for (const [k, d] of sp.depth) {
    const s = sp.states.get(k);
    const n = name(s);
    if (depth.has(n)) throw new Error(`renamed: two states of the search take one name ${n}`);
    depth.set(n, d);
    states.set(n, s);
  }
  return { ...sp, depth, states };
}
