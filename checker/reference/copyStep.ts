/**
 * The step function of the generic (nested-state) path: runs a rule's recipe
 * on a copy-on-write draft of the state, then settles the draft into an
 * immutable successor that shares every unchanged subtree with its parent.
 *
 * This gives a rule exactly what `system.ts` promises it (`d`, a private copy
 * of `s`, to mutate) and what immer's `produce` gave before, at a fraction of
 * the cost: a draft is a Proxy over a frozen state node that makes a shallow
 * copy of the node on the first write or on the first access to an object
 * child (which then gets its own draft), as immer does, but with none of
 * immer's scopes, plugins, patches or finalisation callbacks.
 *
 * - `s` is deeply frozen, so a rule that writes its input instead of the draft
 *   throws at once (as with immer).
 * - The result is deeply frozen. A subtree of the result that is equal to the
 *   subtree at the same place in `s` (same keys in the same order, same
 *   values) IS that subtree of `s`, so the structural hash (structural.ts
 *   `hashValue`) finds it stamped and only re-hashes the path that changed.
 *   Key order is part of that equality, so the result is the same data, key
 *   order included, that immer gives (immer keeps the order of a modified
 *   object, which a recipe that deletes and re-adds a key changes).
 * - As with immer, reading an object child through the draft gives a draft of
 *   it only while the child is still the one of `s`; a frozen value the rule
 *   stored (a part of `s`, a frozen constant) is given back as it is, and new
 *   plain values the rule stored are given back as they are (they are the
 *   rule's own).
 * - `test/checkerCopyStep.test.ts` checks it against immer on random data and
 *   random recipes, and the checker tests check whole searches against an
 *   independent reference explorer.
 */
import { HASH_KEY, PA, PB, objectStamp, pairHash, stampDelta, stampHash } from './structural.js';

const PLAIN = 'states must be plain data (objects, arrays, numbers, strings, booleans): found a Map or Set';

/**
 * Freezes plain data deeply, in place, children first; with `stamp`, attaches
 * to each node its structural hash before freezing it (see {@link settle}).
 */
export function deepFreeze<T>(v: T, stamp = false): T {
  if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return v;
  if (v instanceof Map || v instanceof Set) throw new Error(PLAIN);
  if (Array.isArray(v)) for (let i = 0; i < v.length; i++) deepFreeze(v[i], stamp);
  else for (const k in v as Record<string, unknown>) deepFreeze((v as Record<string, unknown>)[k], stamp);
  if (stamp) stampHash(v);
  Object.freeze(v);
  return v;
}

// --- drafts

const DRAFT = Symbol('pvcheck.draft');
const PENDING = Symbol('pvcheck.pending');

/** The state of one draft: the frozen node it stands for and, once touched, its shallow copy. */
interface DraftState {
  readonly base: any;
  copy: any;
  readonly isArray: boolean;
  /** The settled value, once computed (a node may be reached twice if the recipe aliased it). */
  final: unknown;
}

type Target = { s: DraftState };

function draftOf(base: object): object {
  const st: DraftState = { base, copy: null, isArray: Array.isArray(base), final: PENDING };
  if (st.isArray) {
    // The target of an array draft must be an array for Array.isArray(draft).
    const t = [] as unknown as Target;
    t.s = st;
    return new Proxy(t, handler);
  }
  return new Proxy({ s: st }, handler);
}

function writable(st: DraftState): any {
  if (st.copy === null) st.copy = st.isArray ? st.base.slice() : { ...st.base };
  return st.copy;
}

const handler: ProxyHandler<Target> = {
  get(t, prop) {
    const st = t.s;
    if (prop === DRAFT) return st;
    const src = st.copy === null ? st.base : st.copy;
    const v = src[prop];
    if (typeof v !== 'object' || v === null) return v;
    // Only a child that is still the one of the base gets a draft (as in immer).
    if (v !== st.base[prop]) return v;
    const c = draftOf(v);
    writable(st)[prop] = c;
    return c;
  },
  set(t, prop, value) {
    writable(t.s)[prop] = value;
    return true;
  },
  deleteProperty(t, prop) {
    delete writable(t.s)[prop];
    return true;
  },
  has(t, prop) {
    const st = t.s;
    return prop in (st.copy === null ? st.base : st.copy);
  },
  ownKeys(t) {
    const st = t.s;
    const keys = Reflect.ownKeys(st.copy === null ? st.base : st.copy);
    return keys[keys.length - 1] === HASH_KEY ? keys.slice(0, -1) : keys;
  },
  getOwnPropertyDescriptor(t, prop) {
    const st = t.s;
    const src = st.copy === null ? st.base : st.copy;
    if (st.isArray && prop === 'length') return { value: src.length, writable: true, enumerable: false, configurable: false };
    if (prop === HASH_KEY || !hasOwn.call(src, prop)) return undefined;
    // States are plain data: every own property but an array's length is enumerable.
    return { value: src[prop], writable: true, enumerable: true, configurable: true };
  },
  defineProperty(t, prop, desc) {
    return Reflect.defineProperty(writable(t.s), prop, desc);
  },
  getPrototypeOf(t) {
    return Object.getPrototypeOf(t.s.base);
  },
  setPrototypeOf() {
    throw new Error('a rule may not change the prototype of a state node');
  },
  preventExtensions() {
    throw new Error('a rule may not freeze or seal its draft');
  },
};

const hasOwn = Object.prototype.hasOwnProperty;
/** Keys of the objects being settled, a stack shared by the recursion (no allocation per node). */
const keyStack: string[] = [];
let top = 0;

/**
 * The immutable form of `n` (a mutated copy of `o`, or a new value): every
 * subtree equal to the one at the same place in `o` is replaced by it, the
 * rest is frozen (with `stamp`, each new node first gets its structural hash,
 * so that fingerprinting the result only reads it). Returns `o` itself when
 * nothing changed.
 */
export function settle(n: unknown, o: unknown, stamp: boolean): unknown {
  if (n === o || typeof n !== 'object' || n === null) return n;
  const st = (n as { [DRAFT]?: DraftState })[DRAFT];
  if (st !== undefined) {
    // A draft the recipe moved (array shift or splice, or stored elsewhere) is
    // settled against the old node at its new place when that is a node of the
    // same kind, so that its children equal to the ones at the same place ARE
    // them (the promise above); elsewhere against its own base. A draft reached
    // twice (stored at two places) is settled at the first one.
    if (st.final === PENDING)
      st.final =
        st.copy === null ? st.base
        : settleNode(st.copy, o !== st.base && typeof o === 'object' && o !== null && Array.isArray(o) === st.isArray ? o : st.base, stamp);
    const f = st.final;
    // An unchanged moved draft is its base; it may equal the old node at its new place.
    return o !== st.base && f !== st.base && sameEntries(f as object, o) ? o : f;
  }
  if (Object.isFrozen(n)) return n;
  return settleNode(n, o, stamp);
}

/** Whether `a` and `b` have the same keys in the same order with identical values. */
function sameEntries(a: object, b: unknown): boolean {
  if (typeof b !== 'object' || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i] || (a as Record<string, unknown>)[k] !== (b as Record<string, unknown>)[k]) return false;
  }
  return true;
}

/** {@link settle} for a mutable node `n` (a draft's copy, or a new value the recipe built). */
function settleNode(n: object, o: unknown, stamp: boolean): unknown {
  if (Array.isArray(n)) {
    const len = n.length;
    const isArr = Array.isArray(o);
    let same = isArr && o.length === len;
    const oa = o as unknown[];
    for (let i = 0; i < len; i++) {
      const c0 = n[i];
      const oc = isArr ? oa[i] : undefined;
      const c = settle(c0, oc, stamp);
      if (c !== c0) n[i] = c;
      if (same && c !== oc) same = false;
    }
    if (same) return o;
  } else {
    if (n instanceof Map || n instanceof Set) throw new Error(PLAIN);
    const no = n as Record<string, unknown>;
    const isObj = typeof o === 'object' && o !== null && !Array.isArray(o);
    let same = isObj;
    const oo = o as Record<string, unknown>;
    // This object's keys go to keyStack[base..base+count); a child settled in
    // the loop uses the stack above them only while it runs.
    const base = top;
    let count = 0;
    // With a stamped old node, the new node's hash is the old one updated by
    // the entries that changed (an object's hash sums its entries' hashes).
    const ost = stamp && isObj ? objectStamp(oo) : undefined;
    let da = 0, db = 0, dn = 0, added = 0;
    for (const k in no) {
      keyStack[base + count] = k;
      top = base + count + 1;
      const c0 = no[k];
      const oc = isObj ? oo[k] : undefined;
      const c = settle(c0, oc, stamp);
      if (c !== c0) no[k] = c;
      if (c !== oc || (isObj && oc === undefined && !hasOwn.call(oo, k))) {
        same = false;
        if (ost !== undefined) {
          if (oc === undefined && !hasOwn.call(oo, k)) added++;
          if (oc !== undefined) {
            pairHash(k, oc);
            da -= PA;
            db -= PB;
            dn--;
          }
          if (c !== undefined) {
            pairHash(k, c);
            da += PA;
            db += PB;
            dn++;
          }
        }
      }
      count++;
    }
    top = base;
    if (!same && ost !== undefined && count === ost.k + added) {
      // No key of the old node is missing (count = old keys + added ones).
      stampDelta(n, ost, da | 0, db | 0, dn, count);
      Object.freeze(n);
      return n;
    }
    if (same) {
      // Same keys with the same values; the same state only with the same key order.
      let i = 0;
      for (const k in oo) {
        if (i >= count || keyStack[base + i] !== k) {
          same = false;
          break;
        }
        i++;
      }
      if (same && i === count) return o;
    }
  }
  if (stamp) stampHash(n);
  Object.freeze(n);
  return n;
}

/**
 * Applies a recipe to a private copy of the frozen state `s`; returns the
 * successor (frozen, sharing unchanged subtrees with `s`; `s` itself when the
 * recipe changed nothing).
 */
export function copyStep<S>(s: S, recipe: (d: any) => void, stamp = false): S {
  const d = draftOf(s as object);
  recipe(d);
  return settle(d, s, stamp) as S;
}

/** Deep equality of plain data, key order included (stricter than equal canonical strings). */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const oa = a as Record<string, unknown>, ob = b as Record<string, unknown>;
  // a's keys go to eqKeys[base..base+n) (no allocation), then b's are compared in order.
  const base = eqTop;
  let n = 0;
  for (const k in oa) {
    eqKeys[base + n] = k;
    eqTop = base + n + 1;
    const y = ob[k];
    if ((y === undefined && !hasOwn.call(ob, k)) || !sameData(oa[k], y)) {
      eqTop = base;
      return false;
    }
    n++;
  }
  eqTop = base;
  let i = 0;
  for (const k in ob) {
    if (i >= n || eqKeys[base + i] !== k) return false;
    i++;
  }
  return i === n;
}
const eqKeys: string[] = [];
let eqTop = 0;
