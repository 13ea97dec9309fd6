/**
 * State identity. A state is identified by a 64-bit fingerprint of a canonical
 * encoding: for flat states the packed words (see flat.ts), for other states a
 * deterministic serialisation with sorted keys. Fingerprints are stored in a
 * {@link FingerprintSet}: open addressing over two Uint32Arrays, so a stored
 * state costs 8 bytes of table (plus slack) and nothing on the JS heap.
 *
 * As in TLC, two distinct states with equal fingerprints would make the checker
 * miss one of them; the report states the probability of that
 * ({@link collisionProbability}).
 */

/** Two independent 32-bit lanes over 32-bit words: murmur3-style mixing with different seeds. */
export function hashWords(w: Uint32Array, n: number, out: Uint32Array): void {
  let h1 = 0x9747b28c | 0;
  let h2 = 0x2545f491 | 0;
  for (let i = 0; i < n; i++) {
    let k = w[i]! | 0;
    let k1 = Math.imul(k, 0xcc9e2d51);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, 0x1b873593);
    h1 ^= k1;
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    let k2 = Math.imul(k ^ 0x5bd1e995, 0x85ebca6b);
    k2 = (k2 << 16) | (k2 >>> 16);
    k2 = Math.imul(k2, 0xc2b2ae35);
    h2 ^= k2;
    h2 = (h2 << 11) | (h2 >>> 21);
    h2 = (Math.imul(h2, 9) + 0x52dce729) | 0;
  }
  h1 ^= n;
  h2 ^= n * 7;
  h1 = fmix(h1);
  h2 = fmix(h2 ^ h1);
  out[0] = h1 >>> 0;
  out[1] = h2 >>> 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** Fingerprint of a string (the canonical encoding of a non-flat state). */
export function hashString(s: string, out: Uint32Array): void {
  const n = s.length;
  const words = scratchFor(((n + 1) >>> 1) + 1);
  let j = 0;
  for (let i = 0; i < n; i += 2) words[j++] = s.charCodeAt(i) | ((i + 1 < n ? s.charCodeAt(i + 1) : 0) << 16);
  hashWords(words, j, out);
}
let scratch = new Uint32Array(64);
function scratchFor(n: number): Uint32Array {
  if (scratch.length < n) scratch = new Uint32Array(Math.max(n, scratch.length * 2));
  return scratch;
}

/**
 * Deterministic serialisation of plain data: object keys sorted, arrays in
 * order, `undefined` fields dropped (as JSON does). Two states are the same
 * state iff their canonical strings are equal.
 */
export function canonicalString(v: unknown): string {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'bigint') return v.toString() + 'n';
    return v === undefined ? 'null' : JSON.stringify(v);
  }
  // immer freezes every state it produces and shares unchanged subtrees
  // between a state and its successors, so the encoding of a frozen subtree
  // is computed once and reused (a xenstore that one step did not touch costs
  // a lookup, not a serialisation).
  if (Object.isFrozen(v)) {
    const hit = memo.get(v);
    if (hit !== undefined) return hit;
    const enc = encodeObject(v);
    memo.set(v, enc);
    return enc;
  }
  return encodeObject(v);
}

const memo = new WeakMap<object, string>();

function encodeObject(v: object): string {
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + canonicalString(v[i]);
    return s + ']';
  }
  if (v instanceof Map || v instanceof Set)
    throw new Error('states must be plain data (objects, arrays, numbers, strings, booleans): found a Map or Set');
  const keys = Object.keys(v).sort();
  let s = '{';
  let first = true;
  for (const k of keys) {
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined) continue;
    s += (first ? '' : ',') + JSON.stringify(k) + ':' + canonicalString(x);
    first = false;
  }
  return s + '}';
}

/**
 * A set of 64-bit fingerprints with linear probing. The all-zero fingerprint
 * marks an empty slot, so a real zero fingerprint is stored as 1. Optionally
 * keeps, per slot, the id (discovery number) of the state, for the graph
 * checks that need to name the target of an edge.
 */
export class FingerprintSet {
  /** Slot i holds the fingerprint in t[2i] (high) and t[2i+1] (low): one cache line per probe. */
  private t: Uint32Array;
  private ids: Uint32Array | undefined;
  private mask: number;
  size = 0;

  constructor(withIds = false, initialBits = 16) {
    const cap = 1 << initialBits;
    this.t = new Uint32Array(cap * 2);
    this.ids = withIds ? new Uint32Array(cap) : undefined;
    this.mask = cap - 1;
  }

  get capacity(): number {
    return this.mask + 1;
  }
  get bytes(): number {
    return this.capacity * (this.ids ? 12 : 8);
  }

  /**
   * Inserts the fingerprint; returns -1 if it was new (and stores `id` with
   * it), otherwise the stored id (or 0 when ids are not kept).
   */
  insert(h: number, l: number, id: number): number {
    if (h === 0 && l === 0) l = 1;
    const t = this.t;
    const mask = this.mask;
    let i = (l ^ Math.imul(h, 0x9e3779b1)) & mask;
    for (;;) {
      const a = t[2 * i]!;
      const b = t[2 * i + 1]!;
      if (a === 0 && b === 0) break;
      if (a === h && b === l) return this.ids ? this.ids[i]! : 0;
      i = (i + 1) & mask;
    }
    t[2 * i] = h;
    t[2 * i + 1] = l;
    if (this.ids) this.ids[i] = id;
    if (++this.size * 4 > this.capacity * 3) this.grow();
    return -1;
  }

  /** The stored id of a fingerprint, or -1. */
  lookup(h: number, l: number): number {
    if (h === 0 && l === 0) l = 1;
    const t = this.t;
    let i = (l ^ Math.imul(h, 0x9e3779b1)) & this.mask;
    for (;;) {
      const a = t[2 * i]!;
      const b = t[2 * i + 1]!;
      if (a === 0 && b === 0) return -1;
      if (a === h && b === l) return this.ids ? this.ids[i]! : 0;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const ot = this.t;
    const oi = this.ids;
    const oldCap = this.capacity;
    const cap = oldCap * 2;
    const t = new Uint32Array(cap * 2);
    const ids = oi ? new Uint32Array(cap) : undefined;
    const mask = cap - 1;
    for (let j = 0; j < oldCap; j++) {
      const h = ot[2 * j]!;
      const l = ot[2 * j + 1]!;
      if (h === 0 && l === 0) continue;
      let i = (l ^ Math.imul(h, 0x9e3779b1)) & mask;
      while (t[2 * i] !== 0 || t[2 * i + 1] !== 0) i = (i + 1) & mask;
      t[2 * i] = h;
      t[2 * i + 1] = l;
      if (ids) ids[i] = oi![j]!;
    }
    this.t = t;
    this.ids = ids;
    this.mask = mask;
  }
}

/**
 * Probability that two of `distinct` states share a 64-bit fingerprint, so
 * that one of them was never explored (birthday bound, d(d-1)/2^65).
 */
export function collisionProbability(distinct: number): number {
  return Math.min(1, (distinct * (distinct - 1)) / 2 ** 65);
}

/**
 * The 64-bit fingerprint of plain data, computed structurally: an object's
 * hash combines its sorted keys' hashes with its values' hashes, an array's its
 * elements' in order. Equal data (equal {@link canonicalString}) gives equal
 * fingerprints. Frozen subtrees are memoised, and immer shares unchanged
 * subtrees between a state and its successors, so a step that changes one
 * xenstore node re-hashes the path to it, not the whole state.
 */
export function hashValue(v: unknown, out: Uint32Array): void {
  const h = valueHash(v);
  out[0] = h[0]!;
  out[1] = h[1]!;
}

type H = readonly [number, number];
const valueMemo = new WeakMap<object, H>();
const stringMemo = new Map<string, H>();
const lane = new Uint32Array(2);

function hashOfString(s: string): H {
  let h = stringMemo.get(s);
  if (h === undefined) {
    hashString(s, lane);
    h = [lane[0]!, lane[1]!];
    if (stringMemo.size < 1 << 16) stringMemo.set(s, h);
  }
  return h;
}

const TAG_INT = 0x1f3a9c01, TAG_ARR = 0x2b7e1512, TAG_OBJ = 0x3c4fd7a3;

function valueHash(v: unknown): H {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'number' && (v | 0) === v) {
      const w = new Uint32Array([TAG_INT, v >>> 0]);
      hashWords(w, 2, lane);
      return [lane[0]!, lane[1]!];
    }
    return hashOfString(canonicalString(v));
  }
  const frozen = Object.isFrozen(v);
  if (frozen) {
    const hit = valueMemo.get(v);
    if (hit !== undefined) return hit;
  }
  let words: Uint32Array;
  if (Array.isArray(v)) {
    words = new Uint32Array(2 + 2 * v.length);
    words[0] = TAG_ARR;
    words[1] = v.length;
    for (let i = 0; i < v.length; i++) {
      const c = valueHash(v[i]);
      words[2 + 2 * i] = c[0];
      words[3 + 2 * i] = c[1];
    }
  } else {
    if (v instanceof Map || v instanceof Set)
      throw new Error('states must be plain data (objects, arrays, numbers, strings, booleans): found a Map or Set');
    const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
    words = new Uint32Array(2 + 4 * keys.length);
    words[0] = TAG_OBJ;
    words[1] = keys.length;
    for (let i = 0; i < keys.length; i++) {
      const k = hashOfString(keys[i]!);
      const c = valueHash((v as Record<string, unknown>)[keys[i]!]);
      words[2 + 4 * i] = k[0];
      words[3 + 4 * i] = k[1];
      words[4 + 4 * i] = c[0];
      words[5 + 4 * i] = c[1];
    }
  }
  hashWords(words, words.length, lane);
  const h: H = [lane[0]!, lane[1]!];
  if (frozen) valueMemo.set(v, h);
  return h;
}
