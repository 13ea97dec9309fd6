/**
 * Identity of states that are plain objects (the reference path, for models
 * without a shape): a canonical serialisation with sorted keys
 * ({@link canonicalString}, also the text of `--dump-states`) and a structural
 * 64-bit hash equal for equal serialisations ({@link hashValue}), kept on the
 * frozen nodes copyStep.ts settles.
 */
import { fmix } from '../hash.js';

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
 * The 64-bit fingerprint of plain data, computed structurally: an array's hash
 * absorbs its elements' hashes in order; an object's hash is built from the SUM
 * (per 32-bit lane) of a strong mix of each (key, value) pair, so it does not
 * depend on key order and needs no sort. Equal data (equal
 * {@link canonicalString}) gives equal fingerprints. Every kind of value
 * (integer, string, other primitive, array, object) starts from its own seed,
 * so values of different kinds never hash alike by construction.
 *
 * Nothing is allocated per node: hashes are returned through two module lanes.
 * Frozen subtrees are memoised, and immer shares unchanged subtrees between a
 * state and its successors, so a step that changes one xenstore node re-hashes
 * the path to it, not the whole state.
 */
export function hashValue(v: unknown, out: Uint32Array): void {
  vh(v);
  out[0] = LA >>> 0;
  out[1] = LB >>> 0;
}

/**
 * Where a state node settled by copyStep.ts carries its own hash: a symbol
 * property (invisible to JSON, `for...in`, `Object.keys` and structuredClone),
 * set just before the node is frozen. Reading it costs a property load, where a
 * WeakMap memo would cost a hash-table probe and, with millions of entries,
 * much garbage-collector work (a WeakMap set costs about 1 us, this about
 * 0.05 us). The stamp names its node, so a copy made by spreading the node
 * (`{...node}` copies symbol properties) does not inherit a stale hash.
 */
const HASH = Symbol('pvcheck.hash');
/** The symbol of the stamp (drafts hide it from a recipe). */
export const HASH_KEY: symbol = HASH;
interface Stamp {
  readonly a: number;
  readonly b: number;
  readonly node: object;
  /** For an object: the pair sums and the number of defined entries the hash was finished from, and its number of own keys; k = -1 for an array. */
  readonly sa: number;
  readonly sb: number;
  readonly n: number;
  readonly k: number;
}

/**
 * Computes the hash of `o` (a node about to be frozen whose children are
 * primitives or frozen nodes, so this costs one pass over its own entries) and
 * attaches it to `o`. Returns nothing; {@link hashValue} then reads it.
 */
export function stampHash(o: object): void {
  vh(o);
  (o as { [HASH]?: Stamp })[HASH] = Array.isArray(o)
    ? { a: LA, b: LB, node: o, sa: 0, sb: 0, n: 0, k: -1 }
    : { a: LA, b: LB, node: o, sa: OSA, sb: OSB, n: OSN, k: OSK };
}

/** The stamp of a plain object node (not an array), if it has a valid one. */
export function objectStamp(o: object): Stamp | undefined {
  const st = (o as { [HASH]?: Stamp })[HASH];
  return st !== undefined && st.node === o && st.k >= 0 ? st : undefined;
}

/**
 * The (key, value) pair hash that an object's hash sums, into {@link PA},
 * {@link PB}; for updating a hash by the entries that changed.
 */
export function pairHash(k: string, v: unknown): void {
  stringHash(k);
  const ka = LA, kb = LB;
  vh(v);
  const a = LA, b = LB;
  const pa = fmix(r1(r1(ka, a), b));
  PA = pa;
  PB = fmix(r2(r2(kb, a), b) ^ pa);
}
export let PA = 0;
export let PB = 0;

/**
 * Stamps object `o` whose entries differ from those of the stamped object
 * with stamp `base` by pair sums (da, db) and `dn` defined entries, and which
 * has `keys` own keys: the hash {@link hashValue} would compute, from the
 * changed entries only (an object's hash is a sum over its entries).
 */
export function stampDelta(o: object, base: Stamp, da: number, db: number, dn: number, keys: number): void {
  const sa = (base.sa + da) | 0, sb = (base.sb + db) | 0, n = base.n + dn;
  fin(r1(r1(SEED_A ^ TAG_OBJ, sa), sb), r2(r2(SEED_B ^ TAG_OBJ, sa), sb), n);
  (o as { [HASH]?: Stamp })[HASH] = { a: LA, b: LB, node: o, sa, sb, n, k: keys };
}

/** A memoised 64-bit hash (two signed 32-bit lanes). */
interface H2 {
  readonly a: number;
  readonly b: number;
}
/** The result of the last {@link vh} call. */
let LA = 0;
let LB = 0;
/** For the last object {@link vh} hashed in full: pair sums, defined entries, own keys (for its stamp). */
let OSA = 0, OSB = 0, OSN = 0, OSK = 0;
const valueMemo = new WeakMap<object, H2>();
const stringMemo = new Map<string, H2>();

const SEED_A = 0x9747b28c | 0, SEED_B = 0x2545f491 | 0;
const TAG_INT = 0x1f3a9c01, TAG_ARR = 0x2b7e1512, TAG_OBJ = 0x3c4fd7a3, TAG_STR = 0x4d5e6f70, TAG_PRIM = 0x5a0b1c2d;

function r1(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}
function r2(h: number, k: number): number {
  k = Math.imul(k ^ 0x5bd1e995, 0x85ebca6b);
  k = (k << 16) | (k >>> 16);
  k = Math.imul(k, 0xc2b2ae35);
  h ^= k;
  h = (h << 11) | (h >>> 21);
  return (Math.imul(h, 9) + 0x52dce729) | 0;
}
/** Final avalanche of both lanes into LA, LB. */
function fin(h1: number, h2: number, n: number): void {
  const a = fmix(h1 ^ n);
  LA = a;
  LB = fmix(h2 ^ Math.imul(n, 7) ^ a);
}

/** Hash of a string with the given kind seed, into LA, LB. */
function strHash(s: string, tag: number): void {
  let h1 = SEED_A ^ tag;
  let h2 = SEED_B ^ tag;
  const n = s.length;
  for (let i = 0; i < n; i += 2) {
    const k = s.charCodeAt(i) | ((i + 1 < n ? s.charCodeAt(i + 1) : 0) << 16);
    h1 = r1(h1, k);
    h2 = r2(h2, k);
  }
  fin(h1, h2, n);
}

/** Hash of a string value or key (cached), into LA, LB. */
function stringHash(s: string): void {
  const hit = stringMemo.get(s);
  if (hit !== undefined) {
    LA = hit.a;
    LB = hit.b;
    return;
  }
  strHash(s, TAG_STR);
  if (stringMemo.size < 1 << 16) stringMemo.set(s, { a: LA, b: LB });
}

const primHash = (v: unknown): H2 => {
  strHash(canonicalString(v), TAG_PRIM);
  return { a: LA, b: LB };
};
/** true, false and null (undefined encodes as null), computed once. */
const H_TRUE = primHash(true), H_FALSE = primHash(false), H_NULL = primHash(null);

/** Structural hash of `v` into LA, LB. */
function vh(v: unknown): void {
  if (typeof v === 'number') {
    if ((v | 0) === v) {
      fin(r1(SEED_A ^ TAG_INT, v), r2(SEED_B ^ TAG_INT, v), 1);
      return;
    }
    strHash(canonicalString(v), TAG_PRIM);
    return;
  }
  if (typeof v === 'string') return stringHash(v);
  if (v === null || v === undefined || typeof v === 'boolean') {
    const h = v === true ? H_TRUE : v === false ? H_FALSE : H_NULL;
    LA = h.a;
    LB = h.b;
    return;
  }
  if (typeof v !== 'object') {
    strHash(canonicalString(v), TAG_PRIM);
    return;
  }
  const stamped = (v as { [HASH]?: Stamp })[HASH];
  if (stamped !== undefined && stamped.node === v) {
    LA = stamped.a;
    LB = stamped.b;
    return;
  }
  const frozen = Object.isFrozen(v);
  if (frozen) {
    const hit = valueMemo.get(v);
    if (hit !== undefined) {
      LA = hit.a;
      LB = hit.b;
      return;
    }
  }
  if (Array.isArray(v)) {
    let h1 = SEED_A ^ TAG_ARR;
    let h2 = SEED_B ^ TAG_ARR;
    const n = v.length;
    for (let i = 0; i < n; i++) {
      vh(v[i]);
      const a = LA, b = LB;
      h1 = r1(r1(h1, a), b);
      h2 = r2(r2(h2, a), b);
    }
    fin(h1, h2, n);
  } else {
    if (v instanceof Map || v instanceof Set)
      throw new Error('states must be plain data (objects, arrays, numbers, strings, booleans): found a Map or Set');
    let sa = 0, sb = 0, n = 0, keys = 0;
    const o = v as Record<string, unknown>;
    for (const k in o) {
      const x = o[k];
      keys++;
      if (x === undefined) continue;
      stringHash(k);
      const ka = LA, kb = LB;
      vh(x);
      const a = LA, b = LB;
      // One strong mix per (key, value) pair, then a commutative sum.
      const pa = fmix(r1(r1(ka, a), b));
      sa = (sa + pa) | 0;
      sb = (sb + fmix(r2(r2(kb, a), b) ^ pa)) | 0;
      n++;
    }
    fin(r1(r1(SEED_A ^ TAG_OBJ, sa), sb), r2(r2(SEED_B ^ TAG_OBJ, sa), sb), n);
    OSA = sa;
    OSB = sb;
    OSN = n;
    OSK = keys;
  }
  if (frozen) valueMemo.set(v, { a: LA, b: LB });
}
