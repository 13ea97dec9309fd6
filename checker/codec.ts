/**
 * The state codec: from a model's declared shape (model/shape.ts, a tree of
 * bounded pieces) a packing of every state into 32-bit words, and the
 * straight-line code, generated once per check, that the packed path runs:
 *
 * - `pack(s, out)`: a state to words, every value checked against its piece
 *   (an out-of-range value is an error naming the field, never an aliased
 *   state);
 * - `unpack(w, off)`: words to a fresh state (plain objects, key order of the
 *   shape);
 * - `scratch(s)`: a private, mutable copy of `s` for a rule to write, built in
 *   preallocated objects that are reused by every step (nothing is allocated
 *   unless the rule itself allocates);
 * - `leaves`: every packed value in order, with its path (`ga[1].flags`), its
 *   word, shift and width: the field list of a dump or an ITF mapping, and
 *   what symmetry (symmetry.ts) permutes.
 *
 * Layout: the pieces are walked depth-first in declaration order; every leaf
 * value takes the bits its range needs (`int(min, max)`: max-min+1 values;
 * `oneOf`: the index of the literal), a nullable or optional value a presence
 * bit before its own bits, a list its length before `max` element slots
 * (unused slots and absent values are zero, so a state has one packing). A
 * leaf never straddles a word.
 */
import type { DependentRef, Piece, SetRef } from '../model/shape.js';

/** One packed value. */
export interface Leaf {
  /** Where it is in the state, e.g. `ga[1].flags`, `cp#` (a list's length), `aa[0]?` (presence). */
  readonly path: string;
  readonly word: number;
  readonly shift: number;
  readonly bits: number;
  /** What the bits hold: an integer's offset from `min`, a literal's index, a presence flag, a list length. */
  readonly kind: 'int' | 'enum' | 'present' | 'length' | 'tag';
  readonly min: number;
  readonly elem?: SetRef | DependentRef;
}

/** An `unpackReused` function, with the `same` of its own objects (see {@link StateCodec.same}). */
export type ReusedUnpack<S> = ((w: Uint32Array, off: number) => S) & { readonly same: (s: S, w: Uint32Array, off: number) => boolean };

export interface StateCodec<S> {
  readonly words: number;
  readonly leaves: readonly Leaf[];
  readonly pack: (s: S, out: Uint32Array) => void;
  /**
   * `pack`, faster on the states `scratch` returns after a rule wrote them:
   * the objects still linked where scratch put them are read as known
   * objects. The same words as `pack` for any state.
   */
  readonly packScratch: (s: S, out: Uint32Array) => void;
  readonly unpack: (w: Uint32Array, off: number) => S;
  /**
   * A new `unpack` that writes into objects of its own, reused by every call
   * (the state it returns is valid until its next call): the same values in
   * objects of the same hidden classes as `unpack`'s, without allocating them
   * but the root (a new object every call: a model may remember a state by
   * its identity) and records whose keys vary.
   * For the state being expanded and each new state's invariants, which keep
   * no reference past their step.
   */
  readonly unpackReused: () => ReusedUnpack<S>;
  /**
   * Whether `s` packs to the words at `w[off]` (false where `pack` would
   * throw), without packing it: the check that no rule wrote to the state it
   * expanded. `unpackReused`'s function has its own, which knows its objects.
   */
  readonly same: (s: S, w: Uint32Array, off: number) => boolean;
  /** A mutable copy of `s` in the codec's reused objects: valid until the next call. */
  readonly scratch: (s: S) => S;
  /** A fresh copy of `s` the caller may keep. */
  readonly clone: (s: S) => S;
  /** The lazy root, for a root record without optional fields (see {@link lazyRootOf}). */
  readonly lazy?: LazyRoot<S>;
  readonly piece: Piece;
}

/**
 * The root fields from which a shape's codec has a lazy root (see
 * {@link lazyRootOf}; without optional fields). Measured on 2026-12-03
 * (docs/performance.md): grant (17 root fields, a rule touches a few) 1.2x
 * fewer CPU seconds; ring with a weak memory and a hostile frontend (10, its
 * rules touch most of them, and 38% of its successors are new states, each
 * unpacked once more for its invariants) 1.3x more; xenbus (6) no change.
 */
export const LAZY_ROOT_FIELDS = 12;

/**
 * The slots from which a list of values (ints, literals) is packed, copied,
 * unpacked and compared in a loop over tables of its slots' words and shifts,
 * instead of code unrolled per slot. Optimised unrolled code meets a slot the
 * search never filled before and deoptimises, once per new length: xenbus's
 * event queues (54 slots) had their scratch copy compiled 8 times in one
 * search, and TurboFan's compiles are 24-39% of a nested run's CPU
 * (docs/perf/2026-12-06b-nested.md). A short list stays unrolled (netif-tx's
 * four fragment indices took 1-3% more CPU as a loop, three interleaved runs):
 * today xenbus's event queues and transactions' read sets loop, and, as lists
 * of records of values ({@link recordLoop}; 2026-12-06c), xenbus's watches
 * (11 slots), netif-tx's held requests (16) and nc2-packets' send queue (9).
 */
export const LIST_LOOP_SLOTS = 9;

/** A list packed, copied and read in a loop (see {@link LIST_LOOP_SLOTS}). */
const valueLoop = (p: Extract<Piece, { kind: 'list' }>): boolean => p.max >= LIST_LOOP_SLOTS && (p.of.kind === 'int' || p.of.kind === 'enum');
type RecordPiece = Extract<Piece, { kind: 'record' }>;
type ValuePiece = Extract<Piece, { kind: 'int' | 'enum' }>;
/** A value, or an optional or nullable value: packed from one property. */
const flatField = (f: Piece): boolean =>
  f.kind === 'int' || f.kind === 'enum' || ((f.kind === 'optional' || f.kind === 'nullable') && (f.of.kind === 'int' || f.of.kind === 'enum'));
/**
 * A list of records of values (xenbus's watches: token, path, owner and two
 * optional literals; 11 slots) is packed, copied, unpacked and compared in a
 * loop as lists of values are ({@link LIST_LOOP_SLOTS}): one element's code
 * over tables of every slot's leaves. Records whose keys vary (optional fields
 * without `keys: 'all'`) stay unrolled.
 */
const recordLoop = (p: Extract<Piece, { kind: 'list' }>): boolean =>
  p.max >= LIST_LOOP_SLOTS && p.of.kind === 'record' && p.of.fields.every(([, f]) => flatField(f)) && (p.of.keys === 'all' || p.of.fields.every(([, f]) => f.kind !== 'optional'));
/** The fields of a {@link recordLoop}'s element: each with its value piece and the index of its first leaf within a slot (a presence leaf, then the value, for an optional or nullable one). */
const slotFields = (e: RecordPiece): { k: string; f: Piece; v: ValuePiece; j: number; none?: string }[] => {
  let j = 0;
  return e.fields.map(([k, f]) => {
    const x = f.kind === 'optional' || f.kind === 'nullable' ? { k, f, v: f.of as ValuePiece, j, none: f.kind === 'optional' ? 'undefined' : 'null' } : { k, f, v: f as ValuePiece, j };
    j += x.none ? 2 : 1;
    return x;
  });
};
const bitsFor = (n: number): number => (n <= 1 ? 0 : 32 - Math.clz32(n - 1));
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const prop = (k: string): string => (IDENT.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);

/**
 * Codecs made so far, by their shape's text (most recently used last): a
 * process that checks one model many times (a test file, check-all, the
 * catalogue) generates and compiles its codec once, and V8 optimises its
 * generated functions once. A codec is a function of its shape alone, and
 * sharing one between searches is safe: its reused objects (the scratch
 * copy, the lazy root's) hold a state only between a rule's `scratch` and
 * the pack of its successor, which no search interleaves with another's;
 * each `unpackReused` call makes objects of its own. A shape holding a
 * function (a DependentRef) is not cached: its text does not name it.
 */
const codecs = new Map<string, StateCodec<unknown>>();
/** The most codecs kept. */
export const CODEC_CACHE = 32;
/**
 * The most leaves the kept codecs have together: a codec's generated source
 * and code grow with its leaves (xenbus's 844 leaves: about 0.8 MB of source,
 * 2 MB of heap once made and 3.3 MB once run), so a process that checks many
 * xenbus variants keeps about nine of them, not 32 (test/pinned: peak RSS 407
 * -> 292 MB, the same CPU; 2026-12-05b).
 */
export const CODEC_CACHE_LEAVES = 8000;
let cachedLeaves = 0;
/** Empties the cache (tests that set a memory budget from the resident set they read: test/support/residentSet.ts). */
export function clearCodecCache(): void {
  codecs.clear();
  cachedLeaves = 0;
}

/** Derives the codec of a shape; throws if the shape cannot be packed (a value wider than 32 bits). */
export function shapeCodec<S>(piece: Piece, opt: { readonly lazyRoot?: boolean } = {}): StateCodec<S> {
  let plain = true;
  const key = JSON.stringify([opt.lazyRoot ?? null, piece], (_k, v: unknown) => {
    if (typeof v === 'function') plain = false;
    return v;
  });
  if (!plain) return makeShapeCodec<S>(piece, opt);
  const hit = codecs.get(key);
  if (hit !== undefined) {
    codecs.delete(key);
    codecs.set(key, hit);
    return hit as StateCodec<S>;
  }
  const c = makeShapeCodec<S>(piece, opt);
  codecs.set(key, c as StateCodec<unknown>);
  cachedLeaves += c.leaves.length;
  while (codecs.size > CODEC_CACHE || (cachedLeaves > CODEC_CACHE_LEAVES && codecs.size > 1)) {
    const [k, old] = codecs.entries().next().value!;
    codecs.delete(k);
    cachedLeaves -= old.leaves.length;
  }
  return c;
}

function makeShapeCodec<S>(piece: Piece, opt: { readonly lazyRoot?: boolean }): StateCodec<S> {
  const leaves: Leaf[] = [];
  let word = 0;
  let used = 0;
  /** Starts a new word (the elements of a bag list are whole words, so symmetry can sort them). */
  const align = (): void => {
    if (used > 0) {
      word++;
      used = 0;
    }
  };
  /** Set for the second generation of pack ({@link StateCodec.packScratch}): the leaves are those of the first, in the same order. */
  let replay = -1;
  const place = (path: string, bits: number, kind: Leaf['kind'], min: number, elem?: SetRef | DependentRef): Leaf => {
    if (replay >= 0) return leaves[replay++]!;
    if (bits > 32) throw new Error(`shape: ${path} needs ${bits} bits (at most 32)`);
    if (bits > 0 && used + bits > 32) {
      word++;
      used = 0;
    }
    const l: Leaf = { path, word, shift: used, bits, kind, min, ...(elem ? { elem } : {}) };
    used += bits;
    leaves.push(l);
    return l;
  };

  // Constants the generated code refers to (literal tables, the error helper).
  const consts: unknown[] = [];
  const K = (v: unknown): string => {
    const i = consts.indexOf(v);
    if (i >= 0) return `C[${i}]`;
    consts.push(v);
    return `C[${consts.length - 1}]`;
  };
  // The generated code is split into functions of at most about CHUNK
  // characters each (a piece whose code is longer becomes a function of its
  // own, bottom-up): V8 does not optimise a function past about 60 KB of
  // bytecode (xenbus's pack was 135 KB of source and ran interpreted), and a
  // large function deoptimises as a whole whenever a cold branch is reached.
  // 2000 rather than 4000 (2026-12-06c): a deoptimised chunk is compiled
  // again alone, and smaller chunks cut TurboFan's work (xenbus4's other
  // threads 0.69 -> 0.65 s, netif-tx 0.68 -> 0.58 s of CPU) at no cost to the
  // main thread; 1000 cost grant 2%, 8000 cost xenbus4 8%.
  const CHUNK = 2000;
  let tmp = 0;
  const fresh = (): string => `t${tmp++}`;

  // --- pack: statements that OR every leaf into locals w0..wn
  const packLeaf = (l: Leaf, enc: string): string =>
    l.bits === 0 ? '' : `w${l.word} |= ${l.shift === 0 ? enc : `(${enc}) << ${l.shift}`};\n`;
  /** One Map per literal table (every node of xenbus's store shares its value list). */
  const encoders = new Map<readonly unknown[], string>();
  /** `at`: the path as an expression (a list's loop names its slot), else `path` as a literal. */
  const enumEncoder = (values: readonly unknown[]): ((v: string, path: string, at?: string) => string) => {
    if (values.length <= 12)
      return (v, path, at = JSON.stringify(path)) => `(${values.map((x, i) => `${v} === ${x === null ? 'null' : typeof x === 'string' ? JSON.stringify(x) : String(x)} ? ${i} : `).join('')}bad(${at}, ${v}))`;
    let m = encoders.get(values);
    if (m === undefined) encoders.set(values, (m = K(new Map(values.map((x, i) => [x, i])))));
    return (v, path, at = JSON.stringify(path)) => `(${m}.get(${v}) ?? bad(${at}, ${v}))`;
  };
  /**
   * A `keys: 'all'` record with optional fields (xenbus's xenstore: 125
   * nodes) is sealed in the reused objects of `scratch` and `unpackReused`:
   * its keys are the declared ones, so packing the scratch copy's own object
   * skips pack's count of its defined keys (a third of xenbus's pack,
   * measured 2026-12-04), and a rule that adds a key fails where it writes it.
   */
  const sealed = (p: Piece): boolean => p.kind === 'record' && p.keys === 'all' && p.fields.some(([, f]) => f.kind === 'optional');
  const sealIf = (p: Piece, literal: string): string => (sealed(p) ? `Object.seal(${literal})` : literal);
  const lit = (x: unknown): string => (x === null ? 'null' : typeof x === 'string' ? JSON.stringify(x) : String(x));
  /** A test that `v` is of union alternative `alt` (records by a field no other alternative has). */
  const altTest = (alts: readonly Piece[], i: number, v: string): string => {
    const a = alts[i]!;
    if (a.kind === 'int') return `typeof ${v} === 'number'`;
    if (a.kind === 'enum') return `(${a.values.map((x) => `${v} === ${lit(x)}`).join(' || ')})`;
    if (a.kind !== 'record') throw new Error('shape: a union holds ints, literals and records');
    const others = alts.filter((x, j) => j !== i && x.kind === 'record') as { fields: readonly (readonly [string, Piece])[] }[];
    const own = a.fields.find(([k]) => others.every((o) => !o.fields.some(([ok]) => ok === k)));
    if (!own && others.length) throw new Error('shape: records in a union need a field of their own');
    return `(typeof ${v} === 'object' && ${v} !== null${own ? ` && ${JSON.stringify(own[0])} in ${v}` : ''})`;
  };
  // Layout and pack code are generated in one walk (the same leaves in the same order).
  // A chunk of pack ORs its words into `out` (zeroed first when there are chunks).
  const packFns: string[] = [];
  /**
   * A root record without optional fields is copied lazily on the packed path
   * (see {@link lazyRootOf}): per root field, its copy and its pack code.
   */
  const lazyRoot = piece.kind === 'record' && piece.fields.every(([, f]) => f.kind !== 'optional') && (opt.lazyRoot ?? piece.fields.length >= LAZY_ROOT_FIELDS);
  const rootPack: { x: string; code: string; lo: number; hi: number }[] = [];
  const rootCopy: { x: string; inner: string[]; e: string }[] = [];
  /** Generating packScratch: the index of the next skeleton object (in the order scratch allocates them). */
  let skelMode = false;
  let skelAt = 0;
  /** Stands for the object a record's own values are read from, in code generated once for both. */
  const OBJ = '\u0000obj\u0000';
  /** A piece packed from one property (a value, or an optional or nullable value). */
  const flatPiece = (f: Piece): boolean =>
    f.kind === 'int' || f.kind === 'enum' || ((f.kind === 'optional' || f.kind === 'nullable') && (f.of.kind === 'int' || f.of.kind === 'enum'));
  /** The words each of packFns' functions writes (its own `wN |=`, not those of the functions it calls). */
  const fnWords: number[][] = [];
  /** The words that a list's loop ORs into `out` directly. */
  const directWords = new Set<number>();
  const genPack = (p: Piece, v: string, path: string): string => {
    const code = genPackInline(p, v, path);
    if (code.length <= CHUNK) return code;
    const ws = [...new Set([...code.matchAll(/\bw(\d+) \|=/g)].map((m) => m[1]!))];
    const name = `p${packFns.length}`;
    // its words' stores are marked, and written once every writer of each word is known (see wordStores)
    packFns.push(`function ${name}(${v}, out) {\n${ws.length ? `let ${ws.map((i) => `w${i} = 0`).join(', ')};\n` : ''}${code}${ws.map((i) => `\u0001${i}\u0001`).join(' ')}\n}`);
    fnWords.push(ws.map(Number));
    return `${name}(${v}, out);\n`;
  };
  /** An integer's range test (`at`: its path as an expression): without a call, (v | 0) within int32, (v >>> 0) for unsigned 32-bit ranges. */
  const intCheck = (p: Extract<Piece, { kind: 'int' }>, v: string, at: string): string =>
    // Within int32 (max < 2^31): v - min, unsigned, is at most max - min exactly when min <= v <= max (one comparison).
    p.min >= -(2 ** 31) && p.max < 2 ** 31
      ? `if ((${v} | 0) !== ${v} || ((${v} - ${p.min}) >>> 0) > ${p.max - p.min}) bad(${at}, ${v});\n`
      : `if (!(${p.min >= 0 ? `(${v} >>> 0) === ${v}` : `${v} === Math.floor(${v})`} && ${v} >= ${p.min} && ${v} <= ${p.max})) bad(${at}, ${v});\n`;
  const genPackInline = (p: Piece, v: string, path: string): string => {
    switch (p.kind) {
      case 'int': {
        const l = place(path, bitsFor(p.max - p.min + 1), 'int', p.min, p.elem);
        return intCheck(p, v, JSON.stringify(path)) + packLeaf(l, p.min === 0 ? v : `${v} - ${p.min}`);
      }
      case 'enum': {
        const l = place(path, bitsFor(p.values.length), 'enum', 0);
        const enc = enumEncoder(p.values)(v, path);
        return l.bits === 0 ? `${enc};\n` : packLeaf(l, enc);
      }
      case 'record': {
        const check = `if (${v} === null || typeof ${v} !== 'object') bad(${JSON.stringify(path)}, ${v});\n`;
        if (skelMode && p === piece && lazyRoot) {
          // The root of packScratch: each field's code on its own (the lazy root's pack runs those a rule touched).
          skelAt++;
          let out = check;
          for (const [k, f] of p.fields) {
            const x = fresh();
            const lo = replay;
            const code = genPack(f, x, k);
            rootPack.push({ x, code, lo, hi: replay });
            out += `{ const ${x} = ${v}${prop(k)};\n${code}}\n`;
          }
          return out;
        }
        let out = skelMode ? '' : check;
        // For the scratch: the record's own values read from its skeleton object
        // when it is still linked here (see packScratch), else from whatever the
        // rule put here; the nested pieces read once either way.
        const k0 = skelMode ? skelAt++ : -1;
        let own = '';
        for (const [k, f] of p.fields) {
          const x = fresh();
          if (skelMode && flatPiece(f)) own += `{ const ${x} = ${OBJ}${prop(k)};\n${genPack(f, x, path ? `${path}.${k}` : k)}}\n`;
          else out += `{ const ${x} = ${v}${prop(k)};\n${genPack(f, x, path ? `${path}.${k}` : k)}}\n`;
        }
        if (skelMode)
          out = (own ? `if (${v} === K${k0}) {\n${own.split(OBJ).join(`K${k0}`)}} else {\n${check}${own.split(OBJ).join(v)}}\n` : check) + out;
        // A record with optional fields is a key set (xenstore nodes, say): a key the shape does
        // not name would be dropped silently by the packing, so it is an error naming the key.
        const opt = p.fields.filter(([, f]) => f.kind === 'optional').map(([k]) => k);
        if (opt.length > 0) {
          const c = fresh();
          let chk = `{ let ${c} = ${p.fields.length - opt.length};\n${opt.map((k) => `if (${v}${prop(k)} !== undefined) ${c}++;\n`).join('')}`;
          chk += `let n = 0; for (const k in ${v}) if (${v}[k] !== undefined) n++;\nif (n !== ${c}) badKey(${JSON.stringify(path)}, ${v}, ${K(new Set(p.fields.map(([k]) => k)))}); }\n`;
          // The scratch copy's own object of a `keys: 'all'` record is sealed ({@link sealed}): it has
          // exactly the declared keys, and a rule that adds one fails there (a TypeError in its step).
          out += skelMode && sealed(p) ? `if (${v} !== K${k0}) ${chk}` : chk;
        }
        return out;
      }
      case 'array': {
        let out = `if (!Array.isArray(${v}) || ${v}.length !== ${p.length}) badLen(${JSON.stringify(path)}, ${v}, ${p.length});\n`;
        const k0 = skelMode ? skelAt++ : -1;
        const split = skelMode && flatPiece(p.of);
        let own = '';
        for (let i = 0; i < p.length; i++) {
          const x = fresh();
          const code = `{ const ${x} = ${split ? OBJ : v}[${i}];\n${genPack(p.of, x, `${path}[${i}]`)}}\n`;
          if (split) own += code;
          else out += code;
        }
        if (split) out += `if (${v} === K${k0}) {\n${own.split(OBJ).join(`K${k0}`)}} else {\n${own.split(OBJ).join(v)}}\n`;
        return out;
      }
      case 'list': {
        if (skelMode) skelAt++;
        const l = place(`${path}#`, bitsFor(p.max + 1), 'length', 0);
        let out = `if (!Array.isArray(${v}) || ${v}.length > ${p.max}) badLen(${JSON.stringify(path)}, ${v}, '<= ${p.max}');\n`;
        out += packLeaf(l, `${v}.length`);
        const e = p.of;
        if (valueLoop(p) && (e.kind === 'int' || e.kind === 'enum')) {
          // values: a loop over the slots' words and shifts (see listSlots), each written to `out` directly
          const ls: Leaf[] = [];
          for (let i = 0; i < p.max; i++) {
            if (p.bag) align();
            ls.push(e.kind === 'int' ? place(`${path}[${i}]`, bitsFor(e.max - e.min + 1), 'int', e.min, e.elem) : place(`${path}[${i}]`, bitsFor(e.values.length), 'enum', 0));
          }
          if (p.bag) align();
          for (const l of ls) directWords.add(l.word);
          const i = fresh(), x = fresh();
          const at = `${JSON.stringify(path + '[')} + ${i} + ']'`;
          const chk = e.kind === 'int' ? intCheck(e, x, at) : '';
          const enc = e.kind === 'int' ? (e.min === 0 ? x : `(${x} - ${e.min})`) : enumEncoder(e.values)(x, path, at);
          const bits = ls[0]?.bits ?? 0;
          const put = bits === 0 ? `${enc};\n` : `out[${K(Int32Array.from(ls, (l) => l.word))}[${i}]] |= ${enc} << ${K(Int32Array.from(ls, (l) => l.shift))}[${i}];\n`;
          return out + `for (let ${i} = 0; ${i} < ${v}.length; ${i}++) { const ${x} = ${v}[${i}];\n${chk}${put}}\n`;
        }
        if (recordLoop(p) && e.kind === 'record') {
          // records of values: one element's code in a loop over tables of every slot's leaves, written to `out` directly
          const fs = slotFields(e);
          const ls: Leaf[] = [];
          const placeValue = (q: ValuePiece, at: string): Leaf =>
            q.kind === 'int' ? place(at, bitsFor(q.max - q.min + 1), 'int', q.min, q.elem) : place(at, bitsFor(q.values.length), 'enum', 0);
          for (let i = 0; i < p.max; i++) {
            if (p.bag) align();
            for (const { k, v: q, none } of fs) {
              if (none) ls.push(place(`${path}[${i}].${k}?`, 1, 'present', 0));
              ls.push(placeValue(q, `${path}[${i}].${k}`));
            }
          }
          if (p.bag) align();
          // the scratch copy's objects of the slots (see genCopyInline), one per slot after the list's own
          const s0 = skelAt;
          if (skelMode) skelAt += p.max;
          for (const l of ls) directWords.add(l.word);
          const n = ls.length / p.max;
          const TW = K(Int32Array.from(ls, (l) => l.word)), TS = K(Int32Array.from(ls, (l) => l.shift));
          const i = fresh(), x = fresh(), b = fresh();
          const at = (suffix: string): string => `${JSON.stringify(path + '[')} + ${i} + ${JSON.stringify(']' + suffix)}`;
          const put = (j: number, enc: string): string =>
            ls[j]!.bits === 0 ? `${enc};\n` : `out[${TW}[${b} + ${j}]] |= ${enc} << ${TS}[${b} + ${j}];\n`;
          const value = (q: ValuePiece, y: string, j: number, where: string): string =>
            q.kind === 'int' ? intCheck(q, y, where) + put(j, q.min === 0 ? y : `(${y} - ${q.min})`) : put(j, enumEncoder(q.values)(y, '', where));
          let body = `const ${x} = ${v}[${i}], ${b} = ${i} * ${n};\nif (${x} === null || typeof ${x} !== 'object') bad(${at('')}, ${x});\n`;
          for (const { k, v: q, j, none } of fs) {
            const y = fresh();
            body += `{ const ${y} = ${x}${prop(k)};\n`;
            body += none ? `if (${y} !== ${none}) {\n${put(j, '1')}${value(q, y, j + 1, at(`.${k}`))}}\n` : value(q, y, j, at(`.${k}`));
            body += '}\n';
          }
          const opt = e.fields.filter(([, f]) => f.kind === 'optional').map(([k]) => k);
          if (opt.length > 0) {
            // pack's count of the defined keys (see the record case); not for the scratch copy's own sealed objects
            const c = fresh();
            const chk = `{ let ${c} = ${e.fields.length - opt.length};\n${opt.map((k) => `if (${x}${prop(k)} !== undefined) ${c}++;\n`).join('')}let n = 0; for (const k in ${x}) if (${x}[k] !== undefined) n++;\nif (n !== ${c}) badKey(${at('')}, ${x}, ${K(new Set(e.fields.map(([k]) => k)))}); }\n`;
            body += skelMode && sealed(e) ? `if (${x} !== S[${s0} + ${i}]) ${chk}` : chk;
          }
          return out + `for (let ${i} = 0; ${i} < ${v}.length; ${i}++) {\n${body}}\n`;
        }
        for (let i = 0; i < p.max; i++) {
          const x = fresh();
          if (p.bag) align();
          out += `if (${v}.length > ${i}) { const ${x} = ${v}[${i}];\n${genPack(p.of, x, `${path}[${i}]`)}}\n`;
        }
        if (p.bag) align();
        return out;
      }
      case 'nullable':
      case 'optional': {
        const none = p.kind === 'nullable' ? 'null' : 'undefined';
        const l = place(`${path}?`, 1, 'present', 0);
        return `if (${v} !== ${none}) {\n${packLeaf(l, '1')}${genPack(p.of, v, path)}}\n`;
      }
      case 'union': {
        // A tag, then every alternative's leaves (those of the others stay zero).
        const l = place(`${path}|`, bitsFor(p.of.length), 'tag', 0);
        let out = '';
        p.of.forEach((alt, i) => {
          out += `${i === 0 ? '' : 'else '}if (${altTest(p.of, i, v)}) {\n${packLeaf(l, String(i))}${genPack(alt, v, path)}}\n`;
        });
        return out + `else bad(${JSON.stringify(path)}, ${v});\n`;
      }
    }
  };
  const packBody = genPackInline(piece, 's', '');
  const words = used === 0 ? Math.max(1, word) : word + 1;
  const wdecl = Array.from({ length: words }, (_, i) => `w${i} = 0`).join(', ');
  /**
   * How a pack writes its words: a word written by one function alone (the root's code or one
   * chunk of packFns), and by no list's loop, is stored (`out[i] = wi`), the others ORed into;
   * every word but those the root's code stores is zeroed first (a chunk is not called when its
   * piece is absent). (Every word was zeroed and ORed: xenbus's 77, where the final ORs were
   * a fifth of packScratch's own time, 2026-12-06b.) `or`: every store an OR, nothing zeroed
   * (the lazy root's packScratch, which clears the bits of the fields it packs again).
   */
  const wordStores = (body: string, or = false): { fns: string[]; pre: string; tail: string } => {
    const writers = new Map<number, number>();
    const add = (w: number): void => void writers.set(w, (writers.get(w) ?? 0) + 1);
    const root = [...new Set([...body.matchAll(/\bw(\d+) \|=/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
    root.forEach(add);
    for (const ws of fnWords) ws.forEach(add);
    const alone = (w: number): boolean => !or && writers.get(w) === 1 && !directWords.has(w);
    const store = (w: number): string => `out[${w}] ${alone(w) ? '=' : '|='} w${w};`;
    // the root's code always runs to its end; a chunk may not be called (an absent optional piece): its words are zeroed
    const rooted = new Set(root);
    const zero = Array.from({ length: words }, (_, w) => w).filter((w) => !alone(w) || !rooted.has(w));
    return {
      fns: packFns.map((f) => f.replace(/\u0001(\d+)\u0001/g, (_m, w: string) => store(Number(w)))),
      pre: or ? '' : zero.length === words ? `out.fill(0, 0, ${words});\n` : zero.length ? `${zero.map((w) => `out[${w}] = 0;`).join(' ')}\n` : '',
      tail: root.map(store).join(' '),
    };
  };
  const ps = wordStores(packBody);
  const packSrc = `${ps.fns.join('\n')}\nreturn function pack(s, out) {\nlet ${wdecl};\n${ps.pre}${packBody}${ps.tail}\n}`;

  // --- unpack: an expression per piece, reading the same leaves in the same order
  let li = 0;
  const next = (): Leaf => leaves[li++]!;
  const read = (l: Leaf): string => {
    if (l.bits === 0) return '0';
    const m = l.bits === 32 ? '' : ` & ${2 ** l.bits - 1}`;
    return `((w[off + ${l.word}] >>> ${l.shift})${m})`;
  };
  /**
   * A long list of values is read in a loop over tables of its slots' words and shifts
   * ({@link LIST_LOOP_SLOTS}). Takes the list's slot leaves; the function returned decodes
   * slot `i` (an expression) as the unrolled code decodes a slot; undefined: unrolled.
   */
  const listSlots = (p: Extract<Piece, { kind: 'list' }>): ((i: string) => string) | undefined => {
    const e = p.of;
    if (!valueLoop(p) || (e.kind !== 'int' && e.kind !== 'enum')) return undefined;
    const ls = Array.from({ length: p.max }, () => next());
    const bits = ls[0]?.bits ?? 0;
    const W = K(Int32Array.from(ls, (l) => l.word)), S = K(Int32Array.from(ls, (l) => l.shift));
    const r = (i: string): string => (bits === 0 ? '0' : `((w[off + ${W}[${i}]] >>> ${S}[${i}])${bits === 32 ? '' : ` & ${2 ** bits - 1}`})`);
    if (e.kind === 'int') return (i) => (e.min === 0 ? r(i) : `(${r(i)} + ${e.min})`);
    if (e.values.length === 1) return () => lit(e.values[0]);
    if (e.values.length === 2) return (i) => `(${r(i)} === 0 ? ${lit(e.values[0])} : ${lit(e.values[1])})`;
    return (i) => `${K(e.values)}[${r(i)}]`;
  };
  /**
   * A {@link recordLoop}'s slots, read in a loop: takes the slots' leaves; gives the element's
   * fields, each with its value (and presence flag) decoded from the slot whose first leaf's
   * index in the tables is `b` (an expression); undefined: unrolled.
   */
  const recordSlots = (p: Extract<Piece, { kind: 'list' }>): { fs: ReturnType<typeof slotFields>; value: (j: number, q: ValuePiece, b: string) => string; flag: (j: number, b: string) => string; n: number } | undefined => {
    if (!recordLoop(p) || p.of.kind !== 'record') return undefined;
    const fs = slotFields(p.of);
    const ls = Array.from({ length: fs.reduce((n, x) => n + (x.none ? 2 : 1), 0) * p.max }, () => next());
    const W = K(Int32Array.from(ls, (l) => l.word)), S = K(Int32Array.from(ls, (l) => l.shift));
    const r = (j: number, b: string): string => {
      const bits = ls[j]!.bits;
      return bits === 0 ? '0' : `((w[off + ${W}[${b} + ${j}]] >>> ${S}[${b} + ${j}])${bits === 32 ? '' : ` & ${2 ** bits - 1}`})`;
    };
    const value = (j: number, q: ValuePiece, b: string): string => {
      if (q.kind === 'int') return q.min === 0 ? r(j, b) : `(${r(j, b)} + ${q.min})`;
      if (q.values.length === 1) return lit(q.values[0]);
      if (q.values.length === 2) return `(${r(j, b)} === 0 ? ${lit(q.values[0])} : ${lit(q.values[1])})`;
      return `${K(q.values)}[${r(j, b)}]`;
    };
    return { fs, value, flag: r, n: ls.length / p.max };
  };
  /**
   * Generated code `inner` with its value `e`: put into `pre` where it is short, else moved into a
   * function `PREFIX<n>(ARGS)` of `fns` (a function V8 optimises: {@link CHUNK}), whose call is the
   * value. Unpack's, unpackReused's and scratch's generators all emit through it.
   */
  const chunk = (fns: string[], prefix: string, args: string, inner: readonly string[], e: string, pre: string[]): string => {
    if (inner.reduce((n, x) => n + x.length + 1, e.length) <= CHUNK) {
      pre.push(...inner);
      return e;
    }
    const name = `${prefix}${fns.length}`;
    fns.push(`function ${name}(${args}) {\n${inner.join('\n')}\nreturn ${e};\n}`);
    return `${name}(${args})`;
  };
  const unpackFns: string[] = [];
  /** Emits statements into `pre`, returns an expression (a call of a function of its own when long). */
  const genUnpack = (p: Piece, pre: string[]): string => {
    const inner: string[] = [];
    return chunk(unpackFns, 'u', 'w, off', inner, genUnpackInline(p, inner), pre);
  };
  const genUnpackInline = (p: Piece, pre: string[]): string => {
    switch (p.kind) {
      case 'int': {
        const r = read(next());
        return p.min === 0 ? r : `(${r} + ${p.min})`;
      }
      case 'enum': {
        const r = read(next());
        if (p.values.length === 1) return lit(p.values[0]);
        if (p.values.length === 2) return `(${r} === 0 ? ${lit(p.values[0])} : ${lit(p.values[1])})`;
        return `${K(p.values)}[${r}]`;
      }
      case 'record': {
        const parts: string[] = [];
        const opts: [string, string, string][] = [];
        for (const [k, f] of p.fields) {
          if (f.kind === 'optional') {
            const flag = read(next());
            const inner: string[] = [];
            const e = genUnpack(f.of, inner);
            const x = fresh();
            pre.push(`let ${x};`);
            pre.push(`if (${flag}) { ${inner.join('\n')} ${x} = ${e}; }`);
            opts.push([k, x, flag]);
          } else parts.push(`${JSON.stringify(k)}: ${genUnpack(f, pre)}`);
        }
        if (opts.length === 0) return `{ ${parts.join(', ')} }`;
        if (p.keys === 'all') return `{ ${[...parts, ...opts.map(([k, x]) => `${JSON.stringify(k)}: ${x}`)].join(', ')} }`;
        const o = fresh();
        pre.push(`const ${o} = { ${parts.join(', ')} };`);
        for (const [k, x] of opts) pre.push(`if (${x} !== undefined) ${o}${prop(k)} = ${x};`);
        return o;
      }
      case 'array': {
        const es: string[] = [];
        for (let i = 0; i < p.length; i++) es.push(genUnpack(p.of, pre));
        return `[${es.join(', ')}]`;
      }
      case 'list': {
        const n = fresh();
        const a = fresh();
        pre.push(`const ${n} = ${read(next())};`, `const ${a} = [];`);
        const slot = listSlots(p);
        if (slot !== undefined) {
          const i = fresh();
          pre.push(`for (let ${i} = 0; ${i} < ${n}; ${i}++) ${a}.push(${slot(i)});`);
          return a;
        }
        const rs = recordSlots(p);
        if (rs !== undefined) {
          // a literal per slot, keys in the unrolled literal's order (the optional fields last)
          const i = fresh(), b = fresh();
          const one = (x: (typeof rs.fs)[number]): string =>
            `${JSON.stringify(x.k)}: ${x.none ? `(${rs.flag(x.j, b)} ? ${rs.value(x.j + 1, x.v, b)} : ${x.none})` : rs.value(x.j, x.v, b)}`;
          const fields = [...rs.fs.filter((x) => x.f.kind !== 'optional'), ...rs.fs.filter((x) => x.f.kind === 'optional')].map(one).join(', ');
          pre.push(`for (let ${i} = 0; ${i} < ${n}; ${i}++) { const ${b} = ${i} * ${rs.n}; ${a}.push({ ${fields} }); }`);
          return a;
        }
        for (let i = 0; i < p.max; i++) {
          const inner: string[] = [];
          const e = genUnpack(p.of, inner);
          pre.push(`if (${n} > ${i}) { ${inner.join('\n')} ${a}.push(${e}); }`);
        }
        return a;
      }
      case 'nullable': {
        const flag = read(next());
        const inner: string[] = [];
        const e = genUnpack(p.of, inner);
        const x = fresh();
        pre.push(`let ${x} = null;`, `if (${flag}) { ${inner.join('\n')} ${x} = ${e}; }`);
        return x;
      }
      case 'union': {
        const tag = read(next());
        const x = fresh();
        pre.push(`let ${x};`);
        const parts = p.of.map((alt) => {
          const inner: string[] = [];
          const e = genUnpack(alt, inner);
          return `{ ${inner.join('\n')} ${x} = ${e}; }`;
        });
        const t = fresh();
        pre.push(`const ${t} = ${tag};`);
        pre.push(parts.map((body, i) => (i < parts.length - 1 ? `if (${t} === ${i}) ${body}` : body)).join(' else '));
        return x;
      }
      case 'optional':
        throw new Error('shape: optional() is only allowed as a record field');
    }
  };
  const upre: string[] = [];
  const uexpr = genUnpackInline(piece, upre);
  const unpackSrc = `${unpackFns.join('\n')}\nreturn function unpack(w, off) {\n${upre.join('\n')}\nreturn ${uexpr};\n}`;

  // --- unpackReused: unpack's walk again, writing into preallocated objects
  // (a skeleton of its own, made by literals with unpack's key order, so the
  // same hidden classes) instead of allocating every record, array and list.
  // A record with optional fields but not `keys: 'all'` (its keys vary) and a
  // union are made fresh, as unpack makes them.
  const qskel: string[] = [];
  const intoFns: string[] = [];
  const unpackFns0 = unpackFns.length;
  li = 0;
  const initOfQ = (f: Piece): string => (f.kind === 'int' ? String(f.min) : f.kind === 'enum' ? lit(f.values[0]!) : f.kind === 'optional' ? 'undefined' : 'null');
  const genInto = (p: Piece, pre: string[]): string => {
    const inner: string[] = [];
    return chunk(intoFns, 'v', 'w, off', inner, genIntoInline(p, inner), pre);
  };
  const genIntoInline = (p: Piece, pre: string[]): string => {
    switch (p.kind) {
      case 'int':
      case 'enum':
      case 'union':
        return genUnpackInline(p, pre);
      case 'record': {
        // The root is a fresh object every call (a model may remember a state by its identity: grant's
        // pinTable keeps the last state's pin counts), and so is a record whose keys vary: each made as
        // unpack makes it, around reused values.
        if (p === piece || (p.keys !== 'all' && p.fields.some(([, f]) => f.kind === 'optional'))) {
          const parts: string[] = [];
          const opts: [string, string][] = [];
          for (const [k, f] of p.fields) {
            if (f.kind === 'optional') {
              const flag = read(next());
              const inner: string[] = [];
              const e = genInto(f.of, inner);
              const x = fresh();
              pre.push(`let ${x};`, `if (${flag}) { ${inner.join('\n')} ${x} = ${e}; }`);
              opts.push([k, x]);
            } else parts.push(`${JSON.stringify(k)}: ${genInto(f, pre)}`);
          }
          if (p.keys === 'all') return `{ ${[...parts, ...opts.map(([k, x]) => `${JSON.stringify(k)}: ${x}`)].join(', ')} }`;
          const o = fresh();
          pre.push(`const ${o} = { ${parts.join(', ')} };`);
          for (const [k, x] of opts) pre.push(`if (${x} !== undefined) ${o}${prop(k)} = ${x};`);
          return o;
        }
        const idx = qskel.length;
        qskel.push('');
        const o = fresh();
        pre.push(`const ${o} = Q[${idx}];`);
        for (const [k, f] of p.fields) {
          if (f.kind === 'optional') {
            const flag = read(next());
            const inner: string[] = [];
            const e = genInto(f.of, inner);
            pre.push(`if (${flag}) { ${inner.join('\n')} ${o}${prop(k)} = ${e}; } else ${o}${prop(k)} = undefined;`);
          } else pre.push(`${o}${prop(k)} = ${genInto(f, pre)};`);
        }
        const init = [...p.fields.filter(([, f]) => f.kind !== 'optional'), ...p.fields.filter(([, f]) => f.kind === 'optional')];
        qskel[idx] = sealIf(p, `{ ${init.map(([k, f]) => `${JSON.stringify(k)}: ${initOfQ(f)}`).join(', ')} }`);
        return o;
      }
      case 'array': {
        const idx = qskel.length;
        qskel.push(`[${Array.from({ length: p.length }, () => initOfQ(p.of)).join(', ')}]`);
        const a = fresh();
        pre.push(`const ${a} = Q[${idx}];`);
        for (let i = 0; i < p.length; i++) pre.push(`${a}[${i}] = ${genInto(p.of, pre)};`);
        return a;
      }
      case 'list': {
        const idx = qskel.length;
        qskel.push('[]');
        const n = fresh();
        const a = fresh();
        pre.push(`const ${n} = ${read(next())};`, `const ${a} = Q[${idx}];`);
        const slot = listSlots(p);
        if (slot !== undefined) {
          const i = fresh();
          pre.push(`for (let ${i} = 0; ${i} < ${n}; ${i}++) ${a}[${i}] = ${slot(i)};`, `if (${a}.length !== ${n}) ${a}.length = ${n};`);
          return a;
        }
        const rs = recordSlots(p);
        if (rs !== undefined && p.of.kind === 'record') {
          // each slot's own object (as the unrolled code's), its values written in place
          const e = p.of;
          const q0 = qskel.length;
          const init = [...e.fields.filter(([, f]) => f.kind !== 'optional'), ...e.fields.filter(([, f]) => f.kind === 'optional')];
          for (let i = 0; i < p.max; i++) qskel.push(sealIf(e, `{ ${init.map(([k, f]) => `${JSON.stringify(k)}: ${initOfQ(f)}`).join(', ')} }`));
          const i = fresh(), b = fresh(), o = fresh();
          const sets = rs.fs.map((x) => `${o}${prop(x.k)} = ${x.none ? `(${rs.flag(x.j, b)} ? ${rs.value(x.j + 1, x.v, b)} : ${x.none})` : rs.value(x.j, x.v, b)};`).join(' ');
          pre.push(`for (let ${i} = 0; ${i} < ${n}; ${i}++) { const ${b} = ${i} * ${rs.n}, ${o} = Q[${q0} + ${i}]; ${sets} ${a}[${i}] = ${o}; }`, `if (${a}.length !== ${n}) ${a}.length = ${n};`);
          return a;
        }
        for (let i = 0; i < p.max; i++) {
          const inner: string[] = [];
          const e = genInto(p.of, inner);
          pre.push(`if (${n} > ${i}) { ${inner.join('\n')} ${a}[${i}] = ${e}; }`);
        }
        // (changing an array's length is slow: only when it differs)
        pre.push(`if (${a}.length !== ${n}) ${a}.length = ${n};`);
        return a;
      }
      case 'nullable': {
        const flag = read(next());
        const inner: string[] = [];
        const e = genInto(p.of, inner);
        const x = fresh();
        pre.push(`let ${x} = null;`, `if (${flag}) { ${inner.join('\n')} ${x} = ${e}; }`);
        return x;
      }
      case 'optional':
        throw new Error('shape: optional() is only allowed as a record field');
    }
  };
  const qpre: string[] = [];
  const qexpr = genIntoInline(piece, qpre);
  if (li !== leaves.length) throw new Error('codec: unpackReused does not read every leaf');
  // --- same: whether a state still packs to given words, without packing it
  // (the packed path's check that no rule wrote to the state it expanded, once
  // per expanded state: a pack of xenbus's 868 leaves with every range check,
  // a Map lookup per xenstore value and a count of the keys of each record of
  // optional fields cost 10% of its search, measured 2026-12-04). Each leaf
  // is decoded from the words and compared with `===` (a literal is the table's
  // own string), the first difference returns false; a value outside its piece
  // differs from every decoded one, so the answer is pack's: words equal, and
  // false where pack would throw. With `withQ`, generated beside unpackReused: a
  // record of optional fields that is still that unpack's own (sealed) object
  // cannot have gained a key, so its keys are not counted.
  const sameFns: string[] = [];
  const genSame = (withQ: boolean): string => {
    sameFns.length = 0;
    li = 0;
    let qAt = 0;
    const prefix = withQ ? 'eq' : 'e';
    const sub = (p: Piece, v: string, q: boolean): string => {
      const code = inline(p, v, q);
      if (code.length <= CHUNK) return code;
      const name = `${prefix}${sameFns.length}`;
      sameFns.push(`function ${name}(${v}, w, off) {\n${code}return true;\n}`);
      return `if (!${name}(${v}, w, off)) return false;\n`;
    };
    const inline = (p: Piece, v: string, q: boolean): string => {
      switch (p.kind) {
        case 'int': {
          const r = read(next());
          return `if (${v} !== ${p.min === 0 ? r : `${r} + ${p.min}`}) return false;\n`;
        }
        case 'enum': {
          const r = read(next());
          const e = p.values.length === 1 ? lit(p.values[0]) : p.values.length === 2 ? `(${r} === 0 ? ${lit(p.values[0])} : ${lit(p.values[1])})` : `${K(p.values)}[${r}]`;
          return `if (${v} !== ${e}) return false;\n`;
        }
        case 'record': {
          // unpackReused's own object for this record (see genIntoInline: the root and records whose keys vary are made fresh)
          const own = q && p !== piece && !(p.keys !== 'all' && p.fields.some(([, f]) => f.kind === 'optional')) ? qAt++ : -1;
          let out = `if (${v} === null || typeof ${v} !== 'object') return false;\n`;
          for (const [k, f] of p.fields) {
            const x = fresh();
            out += `{ const ${x} = ${v}${prop(k)};\n${sub(f, x, q)}}\n`;
          }
          const opt = p.fields.filter(([, f]) => f.kind === 'optional').map(([k]) => k);
          if (opt.length > 0) {
            // pack's count: no defined key beyond the declared ones
            const c = fresh();
            let chk = `{ let ${c} = ${p.fields.length - opt.length};\n${opt.map((k) => `if (${v}${prop(k)} !== undefined) ${c}++;\n`).join('')}`;
            chk += `let n = 0; for (const k in ${v}) if (${v}[k] !== undefined) n++;\nif (n !== ${c}) return false; }\n`;
            out += own >= 0 && sealed(p) ? `if (${v} !== Q[${own}]) ${chk}` : chk;
          }
          return out;
        }
        case 'array': {
          if (q) qAt++;
          let out = `if (!Array.isArray(${v}) || ${v}.length !== ${p.length}) return false;\n`;
          for (let i = 0; i < p.length; i++) {
            const x = fresh();
            out += `{ const ${x} = ${v}[${i}];\n${sub(p.of, x, q)}}\n`;
          }
          return out;
        }
        case 'list': {
          if (q) qAt++;
          let out = `if (!Array.isArray(${v}) || ${v}.length !== ${read(next())}) return false;\n`;
          const slot = listSlots(p);
          if (slot !== undefined) {
            const i = fresh();
            return out + `for (let ${i} = 0; ${i} < ${v}.length; ${i}++) if (${v}[${i}] !== ${slot(i)}) return false;\n`;
          }
          const q0 = qAt;
          const rs = recordSlots(p);
          if (rs !== undefined && p.of.kind === 'record') {
            const e = p.of;
            if (q) qAt += p.max;
            const i = fresh(), b = fresh(), x = fresh();
            let body = `const ${x} = ${v}[${i}], ${b} = ${i} * ${rs.n};\nif (${x} === null || typeof ${x} !== 'object') return false;\n`;
            for (const f of rs.fs) {
              const y = fresh();
              body += f.none
                ? `{ const ${y} = ${x}${prop(f.k)};\nif (${y} === ${f.none}) { if (${rs.flag(f.j, b)} !== 0) return false; }\nelse if (${rs.flag(f.j, b)} === 0 || ${y} !== ${rs.value(f.j + 1, f.v, b)}) return false; }\n`
                : `if (${x}${prop(f.k)} !== ${rs.value(f.j, f.v, b)}) return false;\n`;
            }
            const opt = e.fields.filter(([, f]) => f.kind === 'optional').map(([k]) => k);
            if (opt.length > 0) {
              const c = fresh();
              const chk = `{ let ${c} = ${e.fields.length - opt.length};\n${opt.map((k) => `if (${x}${prop(k)} !== undefined) ${c}++;\n`).join('')}let n = 0; for (const k in ${x}) if (${x}[k] !== undefined) n++;\nif (n !== ${c}) return false; }\n`;
              body += q && sealed(e) ? `if (${x} !== Q[${q0} + ${i}]) ${chk}` : chk;
            }
            return out + `for (let ${i} = 0; ${i} < ${v}.length; ${i}++) {\n${body}}\n`;
          }
          for (let i = 0; i < p.max; i++) {
            const x = fresh();
            out += `if (${v}.length > ${i}) { const ${x} = ${v}[${i}];\n${sub(p.of, x, q)}}\n`;
          }
          return out;
        }
        case 'nullable':
        case 'optional': {
          const flag = read(next());
          const none = p.kind === 'nullable' ? 'null' : 'undefined';
          return `if (${v} === ${none}) { if (${flag} !== 0) return false; }\nelse {\nif (${flag} === 0) return false;\n${sub(p.of, v, q)}}\n`;
        }
        case 'union': {
          // pack's tag is the first alternative whose test the value passes (unpackReused makes these fresh: no Q below)
          const t = fresh();
          let out = `const ${t} = ${read(next())};\n`;
          p.of.forEach((alt, i) => {
            const earlier = p.of.slice(0, i).map((_, j) => ` || ${altTest(p.of, j, v)}`).join('');
            out += `if (${t} === ${i}) { if (!${altTest(p.of, i, v)}${earlier}) return false;\n${sub(alt, v, false)}}\n`;
          });
          return out;
        }
      }
    };
    const body = inline(piece, 's', withQ);
    if (li !== leaves.length || (withQ && qAt !== qskel.length)) throw new Error('codec: same does not follow the layout');
    return `${sameFns.join('\n')}\nfunction same(s, w, off) {\n${body}return true;\n}`;
  };
  const sameSrc = `${genSame(false)}\nreturn same;`;
  const sameQSrc = genSame(true);
  const intoSrc = `const Q = [${qskel.join(',\n')}];\n${unpackFns.slice(unpackFns0).join('\n')}\n${intoFns.join('\n')}\n${sameQSrc}\nfunction unpackReused(w, off) {\n${qpre.join('\n')}\nreturn ${qexpr};\n}\nunpackReused.same = same;\nreturn unpackReused;`;

  // --- scratch: copy `s` into preallocated objects (the skeleton), relinking every one.
  // The skeleton's objects are made by object and array literals with the keys
  // in the order of unpack's literals, so that V8 gives them the same hidden
  // classes (maps) as unpacked states: the model's code then sees one map per
  // record, not two (a spread copy or a keyed build would make another).
  const skel: string[] = [];
  /** The skeleton's records by index (for {@link generalizeFields}). */
  const skelRecords: [number, Extract<Piece, { kind: 'record' }>][] = [];
  const initOf = (f: Piece): string => (f.kind === 'int' ? String(f.min) : f.kind === 'enum' ? lit(f.values[0]!) : 'null');
  const copyFns: string[] = [];
  const genCopy = (p: Piece, src: string, out: string[]): string => {
    const inner: string[] = [];
    return chunk(copyFns, 'c', src, inner, genCopyInline(p, src, inner), out);
  };
  const genCopyInline = (p: Piece, src: string, out: string[]): string => {
    switch (p.kind) {
      case 'int':
      case 'enum':
        return src;
      case 'record': {
        const idx = skel.length;
        skel.push('');
        skelRecords.push([idx, p]);
        const o = fresh();
        out.push(`const ${o} = S[${idx}];`);
        const init: string[] = [];
        const all = p.keys === 'all';
        const root = p === piece && src === 's';
        for (const [k, f] of p.fields) {
          // Optional fields are added by the copy (in unpack's order: after the others), or are always there (keys 'all').
          if (f.kind !== 'optional') init.push(`${JSON.stringify(k)}: ${initOf(f)}`);
          const x = fresh();
          if (root && lazyRoot) {
            const inner: string[] = [];
            const e = genCopy(f, x, inner);
            rootCopy.push({ x, inner, e });
            out.push(`{ const ${x} = ${src}${prop(k)};`, ...inner, `${o}${prop(k)} = ${e};`, '}');
            continue;
          }
          out.push(`{ const ${x} = ${src}${prop(k)};`);
          if (f.kind === 'optional') {
            const inner: string[] = [];
            const e = genCopy(f.of, x, inner);
            // An absent field is deleted, not set to undefined: `in` and hasOwnProperty must say no
            // (with keys 'all' it is an own property holding undefined, as unpack makes it).
            if (all) out.push(`if (${x} === undefined) ${o}${prop(k)} = undefined; else { ${inner.join('\n')} ${o}${prop(k)} = ${e}; }`);
            else out.push(`if (${x} === undefined) { if (${JSON.stringify(k)} in ${o}) delete ${o}${prop(k)}; } else { ${inner.join('\n')} ${o}${prop(k)} = ${e}; }`);
          } else {
            const inner: string[] = [];
            const e = genCopy(f, x, inner);
            out.push(...inner, `${o}${prop(k)} = ${e};`);
          }
          out.push('}');
        }
        if (all) for (const [k, f] of p.fields) if (f.kind === 'optional') init.push(`${JSON.stringify(k)}: undefined`);
        skel[idx] = sealIf(p, `{ ${init.join(', ')} }`);
        return o;
      }
      case 'array': {
        const idx = skel.length;
        skel.push(`[${Array.from({ length: p.length }, () => initOf(p.of)).join(', ')}]`);
        const a = fresh();
        out.push(`const ${a} = S[${idx}];`);
        if (p.length !== 0) out.push(`if (${a}.length !== ${p.length}) ${a}.length = ${p.length};`);
        else out.push(`${a}.length = 0;`);
        for (let i = 0; i < p.length; i++) {
          const x = fresh();
          const inner: string[] = [];
          out.push(`{ const ${x} = ${src}[${i}];`);
          const e = genCopy(p.of, x, inner);
          out.push(...inner, `${a}[${i}] = ${e}; }`);
        }
        return a;
      }
      case 'list': {
        const idx = skel.length;
        skel.push('[]');
        const a = fresh();
        // Elements by index, then the length (changing an array's length is slow: only when it differs).
        out.push(`const ${a} = S[${idx}];`);
        if (valueLoop(p)) {
          // values: one loop, as the readers' (see listSlots)
          const n = fresh(), i = fresh();
          out.push(`{ const ${n} = ${src}.length; for (let ${i} = 0; ${i} < ${n}; ${i}++) ${a}[${i}] = ${src}[${i}]; if (${a}.length !== ${n}) ${a}.length = ${n}; }`);
          return a;
        }
        if (recordLoop(p) && p.of.kind === 'record') {
          // records of values: each slot's own object (as the unrolled code's), one loop (see recordSlots)
          const e = p.of;
          const s0 = skel.length;
          const init = [...e.fields.filter(([, f]) => f.kind !== 'optional').map(([k, f]) => `${JSON.stringify(k)}: ${initOf(f)}`), ...(e.keys === 'all' ? e.fields.filter(([, f]) => f.kind === 'optional').map(([k]) => `${JSON.stringify(k)}: undefined`) : [])];
          for (let i = 0; i < p.max; i++) {
            skelRecords.push([skel.length, e]);
            skel.push(sealIf(e, `{ ${init.join(', ')} }`));
          }
          const n = fresh(), i = fresh(), x = fresh(), o = fresh();
          const sets = e.fields.map(([k]) => `${o}${prop(k)} = ${x}${prop(k)};`).join(' ');
          out.push(`{ const ${n} = ${src}.length; for (let ${i} = 0; ${i} < ${n}; ${i}++) { const ${x} = ${src}[${i}], ${o} = S[${s0} + ${i}]; ${sets} ${a}[${i}] = ${o}; } if (${a}.length !== ${n}) ${a}.length = ${n}; }`);
          return a;
        }
        for (let i = 0; i < p.max; i++) {
          const x = fresh();
          const inner: string[] = [];
          const e = genCopy(p.of, x, inner);
          out.push(`if (${src}.length > ${i}) { const ${x} = ${src}[${i}]; ${inner.join('\n')} ${a}[${i}] = ${e}; }`);
        }
        out.push(`if (${a}.length !== ${src}.length) ${a}.length = ${src}.length;`);
        return a;
      }
      case 'nullable': {
        const x = fresh();
        const inner: string[] = [];
        const e = genCopy(p.of, src, inner);
        out.push(`let ${x} = null;`, `if (${src} !== null) { ${inner.join('\n')} ${x} = ${e}; }`);
        return x;
      }
      case 'union': {
        // Copied by alternative: a record into the alternative's reused object.
        const x = fresh();
        out.push(`let ${x};`);
        const parts = p.of.map((alt, i) => {
          const inner: string[] = [];
          const e = genCopy(alt, src, inner);
          return `if (${altTest(p.of, i, src)}) { ${inner.join('\n')} ${x} = ${e}; }`;
        });
        out.push(parts.join(' else ') + ` else ${x} = ${src};`);
        return x;
      }
      case 'optional':
        throw new Error('shape: optional() is only allowed as a record field');
    }
  };
  const sbody: string[] = [];
  const sexpr = genCopyInline(piece, 's', sbody);
  const scratchSrc = `${copyFns.join('\n')}\nreturn function scratch(s) {\n${sbody.join('\n')}\nreturn ${sexpr};\n}`;

  // --- packScratch: pack again, generated with every record's (and every
  // array of values') own values read from its skeleton object when that is
  // what the scratch state still links there. A rule leaves most of them in
  // place, and objects the rule made (spreads, literals) have other hidden
  // classes: read through one site, they made every read of pack megamorphic.
  // The words are those of pack for every state (the same code reads either).
  packFns.length = 0;
  fnWords.length = 0;
  replay = 0;
  skelMode = true;
  const packSBody = genPackInline(piece, 's', '');
  if (skelAt !== skel.length || replay !== leaves.length) throw new Error('codec: packScratch does not follow the skeleton');
  const kdecl = skel.map((_, i) => `const K${i} = S[${i}];`).join('\n');
  const pss = wordStores(packSBody);
  const packSSrc = `${kdecl}\n${pss.fns.join('\n')}\nreturn function packScratch(s, out) {\nlet ${wdecl};\n${pss.pre}${packSBody}${pss.tail}\n}`;
  /** packScratch's chunks for the lazy root (every store an OR). */
  const lazyPackFns = wordStores('', true).fns;

  const bad = (path: string, v: unknown): never => {
    throw new RangeError(`state field '${path || 'state'}' = ${show(v)} is outside the model's declared shape (model.shape: widen its bounds)`);
  };
  const badLen = (path: string, v: unknown, n: unknown): never => {
    throw new RangeError(
      Array.isArray(v)
        ? `state field '${path || 'state'}' has ${v.length} elements, the model's declared shape says ${n}`
        : `state field '${path || 'state'}' = ${show(v)} is not an array as the model's declared shape says`,
    );
  };
  const badKey = (path: string, v: Record<string, unknown>, known: ReadonlySet<string>): never => {
    const k = Object.keys(v).find((x) => v[x] !== undefined && !known.has(x));
    throw new RangeError(`state field '${path ? `${path}.` : ''}${k}' is not in the model's declared shape (model.shape: add it)`);
  };
  const pack = new Function('C', 'bad', 'badLen', 'badKey', packSrc)(consts, bad, badLen, badKey) as StateCodec<S>['pack'];
  const unpack = new Function('C', unpackSrc)(consts) as StateCodec<S>['unpack'];
  const makeInto = new Function('C', intoSrc) as (c: unknown[]) => ReusedUnpack<S>;
  const unpackReused = (): ReusedUnpack<S> => makeInto(consts);
  const same = new Function('C', sameSrc)(consts) as StateCodec<S>['same'];
  // The skeleton, made once by literals (they hold nulls where children go).
  const S = new Function('C', `return [${skel.join(',\n')}];`)(consts) as unknown[];
  for (const [i, p] of skelRecords) generalizeFields(S[i] as Record<string, unknown>, p);
  const scratch = new Function('S', scratchSrc)(S) as StateCodec<S>['scratch'];
  const packScratch = new Function('C', 'bad', 'badLen', 'badKey', 'S', packSSrc)(consts, bad, badLen, badKey, S) as StateCodec<S>['pack'];
  const tmpWords = new Uint32Array(words);
  // the lazy root unpacks the state it expands into objects of its own, reused (a fresh root each time): see lazyRootOf
  const lazy = lazyRoot ? lazyRootOf(piece as Extract<Piece, { kind: 'record' }>, words, leaves, rootCopy, rootPack, copyFns, lazyPackFns, consts, S, { pack, unpack: unpackReused(), packScratch, bad, badLen, badKey }) : undefined;
  return {
    words,
    leaves,
    pack,
    packScratch,
    unpack,
    unpackReused,
    same,
    scratch,
    ...(lazy ? { lazy } : {}),
    clone: (s) => {
      pack(s, tmpWords);
      return unpack(tmpWords, 0);
    },
    piece,
  };
}

/** How V8 stores a field's values: small integers, other numbers (doubles), objects and oddballs. */
type Rep = 'smi' | 'double' | 'heap';
const SMI_MIN = -(2 ** 30), SMI_MAX = 2 ** 30 - 1;
const repsOf = (p: Piece, out: Set<Rep> = new Set()): Set<Rep> => {
  switch (p.kind) {
    case 'int':
      if (p.max >= SMI_MIN && p.min <= SMI_MAX) out.add('smi');
      if (p.min < SMI_MIN || p.max > SMI_MAX) out.add('double');
      break;
    case 'enum':
      for (const v of p.values) out.add(typeof v !== 'number' ? 'heap' : Number.isInteger(v) && v >= SMI_MIN && v <= SMI_MAX ? 'smi' : 'double');
      break;
    case 'nullable':
    case 'optional':
      out.add('heap');
      repsOf(p.of, out);
      break;
    case 'union':
      for (const a of p.of) repsOf(a, out);
      break;
    default:
      out.add('heap');
  }
  return out;
};
const REP_SAMPLE: Record<Rep, unknown> = { smi: 0, double: 2 ** 40 + 0.5, heap: null };
/**
 * Gives the hidden class of a reused record (a skeleton object: the scratch
 * copy's, which unpack's and unpackReused's literals share) the most general
 * representation of each field whose values are of more than one kind (a
 * nullable or optional integer: null or undefined, then small integers), by
 * storing one value of each kind and the initial value back, before any code
 * runs on it. Otherwise V8 generalises the field the first time the search
 * stores the other kind, and deoptimises every function optimised for the old
 * one: xenbus's `q[].deferred` (null until netfront's disconnect writes a
 * small integer) took down the codec's `same`, `unpackReused`, `scratch` and
 * a pack chunk, and the model's functions that read `q`, at once, late in the
 * search, each compiled again (docs/perf/2026-12-06c-nested.md).
 */
function generalizeFields(o: Record<string, unknown>, p: Extract<Piece, { kind: 'record' }>): void {
  for (const [k, f] of p.fields) {
    // a field the literal has (an optional field of a record whose keys vary is added and deleted)
    if (f.kind === 'optional' && p.keys !== 'all') continue;
    const reps = repsOf(f);
    if (reps.size < 2) continue;
    const v0 = o[k];
    for (const r of reps) o[k] = REP_SAMPLE[r];
    o[k] = v0;
  }
}

function show(u: unknown): string {
  if (u === undefined) return 'undefined';
  const s = JSON.stringify(u);
  return s === undefined ? String(u) : s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/** `scratch`, `packScratch` and `unpack` of the lazy root; `root` is the one object `scratch` returns. */
export interface LazyRoot<S> {
  readonly scratch: (s: S) => S;
  readonly packScratch: (s: S, out: Uint32Array) => void;
  /**
   * The state to expand (its words kept for `scratch`), in objects reused by
   * every call but the root (as `unpackReused`): valid until the next call.
   */
  readonly unpack: (w: Uint32Array, off: number) => S;
  /**
   * The state `root` holds now, as a plain record: its untouched fields are
   * the parent's objects, its touched ones the skeleton's or the rule's, all
   * shared (valid until the next `scratch`; for reading only: a model's
   * invariants, observables and goals).
   */
  readonly plain: () => S;
  readonly root: S;
}

/**
 * The lazy root: what `scratch` returns for a shape whose root is a record
 * without optional fields. A rule mostly touches a few of the root's fields
 * (grant: the entry and the active entry of one ref, a map, a copy), yet the
 * scratch copy copied, and the pack of the successor read, all of them. Here
 * the scratch state is one object whose root fields are accessors (own,
 * enumerable, in the shape's order, so that spreads, JSON and `Object.keys`
 * see a plain record): a field is copied into the skeleton (as `scratch`
 * copies it) when the rule first reads it, a value field only when the rule
 * writes it, and `packScratch` starts from the words of the state the rule
 * ran on and packs again only the fields the rule read or wrote (their bits
 * cleared first). A field the rule did not touch has the parent's value, so
 * the words are those of `pack` (test/expandCompiled compares them on every
 * successor of several models). The parent's words are those it was unpacked
 * from (kept by `unpack`), or packed once per state. `unpack` writes into
 * objects of its own, reused, as `unpackReused` does (a fresh root; grant 2x2:
 * 0.96x the CPU, the expanded state's fresh objects were most of what the
 * search allocated): the parent's objects that a successor shares (its
 * untouched fields) are read by the successor's invariants before the next
 * state is unpacked, and no one keeps them.
 */
function lazyRootOf(
  piece: Extract<Piece, { kind: 'record' }>,
  words: number,
  leaves: readonly Leaf[],
  rootCopy: readonly { x: string; inner: string[]; e: string }[],
  rootPack: readonly { x: string; code: string; lo: number; hi: number }[],
  copyFns: readonly string[],
  packFns: readonly string[],
  consts: unknown[],
  S: unknown[],
  f: { pack: (s: any, out: Uint32Array) => void; unpack: (w: Uint32Array, off: number) => any; packScratch: (s: any, out: Uint32Array) => void; bad: unknown; badLen: unknown; badKey: unknown },
): LazyRoot<any> {
  const value = (p: Piece): boolean => p.kind === 'int' || p.kind === 'enum' || (p.kind === 'nullable' && (p.of.kind === 'int' || p.of.kind === 'enum'));
  const decl: string[] = ['let P = null, LO = null;', 'const PW = new Uint32Array(W), LW = new Uint32Array(W);'];
  const props: string[] = [];
  const reset: string[] = [];
  const plain: string[] = [];
  let lazyPack = '';
  piece.fields.forEach(([k, fp], j) => {
    decl.push(`let T${j} = 0, V${j};`);
    reset.push(`T${j} = 0;`);
    const key = JSON.stringify(k);
    plain.push(`${key}: T${j} === 0 ? P${prop(k)} : V${j}`);
    if (value(fp)) props.push(`get ${key}() { return T${j} === 0 ? P${prop(k)} : V${j}; }, set ${key}(v) { T${j} = 1; V${j} = v; }`);
    else {
      const c = rootCopy[j]!;
      decl.push(`function cf${j}(${c.x}) {\n${c.inner.join('\n')}\nreturn ${c.e};\n}`);
      props.push(`get ${key}() { if (T${j} === 0) { T${j} = 1; V${j} = cf${j}(P${prop(k)}); } return V${j}; }, set ${key}(v) { T${j} = 1; V${j} = v; }`);
    }
    // Clear the field's bits, then OR its values in (as pack's chunks do).
    const rp = rootPack[j]!;
    const mask = new Map<number, number>();
    for (let l = rp.lo; l < rp.hi; l++) {
      const lf = leaves[l]!;
      if (lf.bits > 0) mask.set(lf.word, ((mask.get(lf.word) ?? 0) | (((lf.bits === 32 ? 0xffffffff : 2 ** lf.bits - 1) << lf.shift) >>> 0)) >>> 0);
    }
    const clear = [...mask].map(([w, m]) => `out[${w}] &= ${(~m) >>> 0};`).join(' ');
    lazyPack += `if (T${j} !== 0) { ${clear}\nconst ${rp.x} = V${j};\n${rp.code}}\n`;
  });
  const ws = Array.from({ length: words }, (_, i) => `w${i} = 0`).join(', ');
  const src = `${S.map((_, i) => `const K${i} = S[${i}];`).join('\n')}
${copyFns.join('\n')}
${packFns.join('\n')}
${decl.join('\n')}
// An object literal (a fast map, the getters known to V8), sealed: a rule cannot delete a field behind the tracking.
const R = Object.seal({ ${props.join(',\n')} });
function scratch(s) {
  if (s !== P) {
    // A scratch state given back (a search that expands its successor): its values, as a state of its own.
    if (s === R) { packFull(R, LW); s = unpackRaw(LW, 0); LO = s; PW.set(LW); }
    else if (s !== LO) packFull(s, PW);
    else PW.set(LW);
    P = s;
  }
  ${reset.join(' ')}
  return R;
}
function unpack(w, off) {
  const o = unpackRaw(w, off);
  for (let i = 0; i < W; i++) LW[i] = w[off + i];
  LO = o;
  return o;
}
function packScratch(s, out) {
  if (s !== R) return packAny(s, out);
  let ${ws};
  for (let i = 0; i < W; i++) out[i] = PW[i];
${lazyPack}${Array.from({ length: words }, (_, i) => `out[${i}] |= w${i};`).join(' ')}
}
// The root's current values as a plain record (a literal, keys in unpack's order: the same hidden class).
function plain() {
  return { ${plain.join(',\n')} };
}
return { scratch, unpack, packScratch, plain, root: R };`;
  return new Function('C', 'bad', 'badLen', 'badKey', 'S', 'W', 'packFull', 'unpackRaw', 'packAny', src)(consts, f.bad, f.badLen, f.badKey, S, words, f.pack, f.unpack, f.packScratch);
}
