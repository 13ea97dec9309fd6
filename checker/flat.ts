/**
 * The packed fast path for flat states (records of small non-negative
 * integers). From the field list it generates, once per check, three
 * straight-line functions: `pack` (state -> words, with a range check on every
 * field, so an out-of-range value is an error rather than an aliased state),
 * `clone` (a plain copy with one fixed hidden class, which the rules then write)
 * and `unpack`. Fields never straddle a 32-bit word.
 */
import type { FlatFields } from './system.js';

export interface FlatCodec<S> {
  readonly words: number;
  readonly pack: (s: S, out: Uint32Array) => void;
  readonly clone: (s: S) => S;
  /** Overwrites every field of `d` with those of `s`. */
  readonly assign: (d: S, s: S) => void;
  readonly unpack: (w: Uint32Array, off: number) => S;
  /** A new `unpack` into one object of its own, reused by every call (valid until its next call). */
  readonly unpackReused: () => (w: Uint32Array, off: number) => S;
  /**
   * Whether `s` packs to the words at `w[off]` (false where `pack` would throw), without packing it: each
   * field compared with its bits (the words were packed, so the bits between fields are zero). The packed
   * path's check that no rule wrote to the state it expanded (packed.ts `checkInput`), once a state.
   */
  readonly same: (s: S, w: Uint32Array, off: number) => boolean;
  readonly fields: FlatFields;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function flatCodec<S>(fields: FlatFields): FlatCodec<S> {
  const placed: { name: string; bits: number; word: number; shift: number }[] = [];
  let word = 0;
  let used = 0;
  for (const f of fields) {
    if (!IDENT.test(f.name)) throw new Error(`flat layout: field name '${f.name}' is not an identifier`);
    if (!Number.isInteger(f.bits) || f.bits < 1 || f.bits > 32)
      throw new Error(`flat layout: field '${f.name}' has ${f.bits} bits (must be 1..32)`);
    if (used + f.bits > 32) {
      word++;
      used = 0;
    }
    placed.push({ name: f.name, bits: f.bits, word, shift: used });
    used += f.bits;
  }
  const words = word + 1;
  const acc = (n: string) => `s.${n}`;
  // pack: one statement per word, each field range-checked.
  let pack = '';
  for (const p of placed) {
    // One test: v & lim equals v only for an integer in [0, lim] (not for a
    // fraction, a negative, NaN, a larger number or a non-number); 32 bits: v >>> 0.
    const ok = p.bits === 32 ? '(v >>> 0) === v' : `(v & ${2 ** p.bits - 1}) === v`;
    pack += `{ const v = ${acc(p.name)}; if (!(${ok})) bad(${JSON.stringify(p.name)}, v); }\n`;
  }
  for (let w = 0; w < words; w++) {
    const parts = placed
      .filter((p) => p.word === w)
      .map((p) => (p.shift === 0 ? `${acc(p.name)}` : `(${acc(p.name)} << ${p.shift})`));
    pack += `out[${w}] = (${parts.join(' | ')}) >>> 0;\n`;
  }
  const clone = `return { ${placed.map((p) => `${p.name}: s.${p.name}`).join(', ')} };`;
  const unpack = `return { ${placed
    .map((p) => {
      const mask = p.bits === 32 ? '' : ` & ${2 ** p.bits - 1}`;
      return `${p.name}: (w[off + ${p.word}] >>> ${p.shift})${mask}`;
    })
    .join(', ')} };`;
  const into = placed
    .map((p) => {
      const mask = p.bits === 32 ? '' : ` & ${2 ** p.bits - 1}`;
      return `d.${p.name} = (w[off + ${p.word}] >>> ${p.shift})${mask};`;
    })
    .join(' ');
  // same: a field's value is its bits only if it is that integer (a fraction, a negative, NaN, a larger
  // number or a non-number is never ===); a word's fields read from one local
  const same = placed
    .map((p) => {
      const mask = p.bits === 32 ? '' : ` & ${2 ** p.bits - 1}`;
      return `s.${p.name} === ((w${p.word} >>> ${p.shift})${mask})`;
    })
    .join(' &&\n    ');
  const loads = Array.from({ length: words }, (_, w) => `const w${w} = w[off + ${w}];`).join(' ');
  const bad = (name: string, v: unknown) => {
    throw new RangeError(`state field '${name}' = ${String(v)} is outside its declared layout`);
  };
  return {
    words,
    fields,
    pack: new Function('bad', `return function pack(s, out) {\n${pack}}`)(bad),
    clone: new Function(`return function clone(s) { ${clone} }`)(),
    assign: new Function(`return function assign(d, s) { ${placed.map((p) => `d.${p.name} = s.${p.name};`).join(' ')} }`)(),
    unpack: new Function(`return function unpack(w, off) { ${unpack} }`)(),
    same: new Function(`return function same(s, w, off) { ${loads}\n  return ${same}; }`)(),
    unpackReused: new Function(
      `return function unpackReused() { let d; return function unpackInto(w, off) { if (d === undefined) { d = unpack(w, off); return d; } ${into} return d; }; function unpack(w, off) { ${unpack} } }`,
    )(),
  };
}
