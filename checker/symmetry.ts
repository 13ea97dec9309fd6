/**
 * Symmetry reduction on packed words. A model's shape (model/shape.ts)
 * declares scalarsets, sets of interchangeable identifiers (grant refs, pages,
 * map handles...), the arrays indexed by them and the values that are their
 * elements. A renaming of every scalarset (one permutation per set) maps a
 * packed state to another: the blocks of an indexed array move, the element
 * values are relabelled, and the elements of a bag list (a list whose order
 * means nothing) are sorted. The representative of a state is the least, in
 * word order, of its images under every renaming of the product group (what
 * Murphi and Rumur call exhaustive canonicalisation): one representative per
 * orbit, so the reduced graph has exactly one state per class of
 * interchangeable states, whatever the order the states are met in.
 *
 * Images are built leaf by leaf from tables computed once per renaming (which
 * source leaf feeds each leaf; how each set is relabelled), word by word, and
 * compared with the best image so far as each word is completed: most
 * renamings lose within the first words. Nothing is allocated per state.
 */
import type { Piece, SetRef } from '../model/shape.js';
import type { Leaf, StateCodec } from './codec.js';

/** All permutations of 0..n-1, identity first. */
function permutations(n: number): number[][] {
  if (n <= 1) return [Array.from({ length: Math.max(n, 0) }, (_, i) => i)];
  const out: number[][] = [];
  const rec = (prefix: number[], rest: number[]): void => {
    if (rest.length === 0) out.push(prefix);
    for (let i = 0; i < rest.length; i++) rec([...prefix, rest[i]!], [...rest.slice(0, i), ...rest.slice(i + 1)]);
  };
  rec([], Array.from({ length: n }, (_, i) => i));
  return out;
}

const leafCount = (p: Piece): number => {
  switch (p.kind) {
    case 'int':
    case 'enum':
      return 1;
    case 'record':
      return p.fields.reduce((a, [, f]) => a + leafCount(f), 0);
    case 'array':
      return p.length * leafCount(p.of);
    case 'list':
      return 1 + p.max * leafCount(p.of);
    case 'nullable':
    case 'optional':
      return 1 + leafCount(p.of);
    case 'union':
      return 1 + p.of.reduce((a, x) => a + leafCount(x), 0);
  }
};

/**
 * The most renamings tried per state. A larger group (many big scalarsets) is
 * not reduced this way: the model's own `canonicalize`, if any, is used.
 */
export const MAX_GROUP = 1024;

/** The number of images tried per state: the product of the factorials of the sets' sizes, the first-use set left out. */
export function groupSize(sets: Readonly<Record<string, number>>, firstUse?: string): number {
  let g = 1;
  for (const [k, n] of Object.entries(sets)) if (k !== firstUse) for (let i = 2; i <= n; i++) g *= i;
  return g;
}

/** A compiled image: the image of w into cur; with bound b, 1 as soon as it is known not less than b. */
type ImageFn = (w: Uint32Array, cur: Uint32Array, b: Uint32Array, c: number) => number;
/** A compiled first-use reading: labels by first mention, keys of the unmentioned; returns how many were mentioned. */
type RankFn = (w: Uint32Array, label: Int32Array, keys: Int32Array) => number;
/** Leaves of generated image code per Symmetry, at most (larger groups keep the table-driven loop for the other renamings). */
const MAX_COMPILED_LEAVES = 1 << 16;

export class Symmetry {
  readonly groupSize: number;
  private readonly L: number;
  private readonly W: number;
  /** Per renaming g: src[g * L + k] = the source leaf of leaf k. */
  private readonly src: Int32Array;
  /** Per renaming g and set: the new label of each element, flattened. */
  private readonly relabel: Int32Array[];
  /** Per leaf: -1 no set; >= 0 a set index (static); -2 dependent. */
  private readonly leafSet: Int32Array;
  private readonly leafFrom: Int32Array;
  private readonly leafMin: Float64Array;
  private readonly word: Int32Array;
  private readonly shift: Int32Array;
  private readonly mask: Uint32Array;
  /** Dependent leaves: the offsets (leaf k - sibling leaf) of the fields it depends on, and the function. */
  private readonly dep: ({
    offs: number[]; mins: number[]; values: (readonly unknown[] | undefined)[]; elem: (...v: any[]) => SetRef | undefined;
    /** When the fields' raw values are few: per combination (sum of raw * stride), the set index (-1: none) and its first element. */
    strides?: number[]; tSet?: Int32Array; tFrom?: Int32Array;
  } | undefined)[];
  private readonly setIndex: Map<string, number>;
  private readonly sizes: number[];
  /**
   * Per leaf that may be an element of a set, may be absent, and whose absent
   * form (zero bits) reads as an element: the conditions under which it is present, as triples [leaf, kind, i] (kind 0:
   * leaf's value > i, a list slot; 1: leaf's value is not 0, a nullable or
   * optional value; 2: leaf's value is i, a union's alternative). An absent
   * value packs as zero bits, which may read as an element of its set: it is
   * not relabelled, nor counted as a mention (see {@link present}).
   */
  private readonly cond: (number[] | undefined)[];
  /** Bag lists: [length leaf, first word, words per element, max]. */
  private readonly bags: number[][];
  private readonly cur: Uint32Array;
  private readonly best: Uint32Array;
  private readonly tmp: Uint32Array;

  /**
   * The set canonicalised by first use, if any: its elements get their labels
   * in the order the image (under a renaming of the other sets) first mentions
   * them, outside the arrays it indexes; the unmentioned ones are ordered by
   * the contents of their array blocks. Per renaming of the other sets this is
   * one image instead of n! (see {@link canonical}).
   */
  private readonly fu:
    | {
        si: number; n: number; outer: number; leaves: Int32Array; blocks: number[][]; label: Int32Array; perm: Int32Array; fact: number[];
        /** Scratch for sorting the unmentioned elements: their keys (keyLen each) and their order. */
        keys: Int32Array; keyLen: number; rest: Int32Array;
        /** The bag lists whose elements mention the set (see {@link FuBag}): read in the order of their other values. */
        bags: FuBag[];
      }
    | undefined;

  constructor(
    codec: StateCodec<unknown>,
    sets: Readonly<Record<string, number>>,
    firstUse?: string,
    /** Generate code per renaming (default); false: the table-driven loops only (the tests compare both). */
    private readonly compile = true,
  ) {
    const piece = codec.piece;
    const leaves = codec.leaves;
    const L = (this.L = leaves.length);
    this.W = codec.words;
    // The first-use set goes last: the most significant digit of a renaming's number.
    const names = Object.keys(sets).filter((k) => sets[k]! > 1 && k !== firstUse);
    if (firstUse !== undefined && (sets[firstUse] ?? 0) > 1) names.push(firstUse);
    this.setIndex = new Map(names.map((n, i) => [n, i]));
    this.sizes = names.map((n) => sets[n]!);
    for (const n of Object.keys(sets))
      if (!Number.isInteger(sets[n]) || sets[n]! < 0) throw new Error(`symmetry: scalarset '${n}' has size ${sets[n]}`);
    // The product group: every combination of one permutation per set.
    const perSet = this.sizes.map((n) => permutations(n));
    let G = 1;
    for (const ps of perSet) G *= ps.length;
    const fuSize = firstUse !== undefined && names[names.length - 1] === firstUse ? sets[firstUse]! : 0;
    const outer = fuSize > 1 ? G / perSet[perSet.length - 1]!.length : G;
    if (outer > MAX_GROUP || G * L > 1 << 24) throw new Error(`symmetry: ${G} renamings of the scalarsets (${names.map((n) => `${n}=${sets[n]}`).join(', ')}); at most ${MAX_GROUP}`);
    this.groupSize = G;
    const combos: number[][][] = [];
    for (let g = 0; g < G; g++) {
      let r = g;
      const c: number[][] = [];
      for (const ps of perSet) {
        c.push(ps[r % ps.length]!);
        r = Math.floor(r / ps.length);
      }
      combos.push(c);
    }
    this.relabel = names.map((_, si) => {
      const n = this.sizes[si]!;
      const t = new Int32Array(G * n);
      for (let g = 0; g < G; g++) for (let i = 0; i < n; i++) t[g * n + i] = combos[g]![si]![i]!;
      return t;
    });
    // Leaf tables.
    this.leafSet = new Int32Array(L).fill(-1);
    this.leafFrom = new Int32Array(L);
    this.leafMin = new Float64Array(L);
    this.word = new Int32Array(L);
    this.shift = new Int32Array(L);
    this.mask = new Uint32Array(L);
    this.dep = new Array(L).fill(undefined);
    this.cond = new Array(L).fill(undefined);
    leaves.forEach((l: Leaf, k) => {
      this.word[k] = l.word;
      this.shift[k] = l.shift;
      this.mask[k] = l.bits === 32 ? 0xffffffff : 2 ** l.bits - 1;
      this.leafMin[k] = l.min;
    });
    const check = (r: SetRef, what: string): number => {
      if (!(r.set in sets)) throw new Error(`symmetry: ${what} names scalarset '${r.set}', which the shape does not declare`);
      return this.setIndex.get(r.set) ?? -1;
    };
    // Walk the shape: static element sets, dependent ones, bags; and the source map per renaming.
    const bags: number[][] = [];
    /** Every bag list: [length leaf, leaves per element, max]. */
    const bagRanges: [number, number, number][] = [];
    const fuSi = fuSize > 1 ? names.length - 1 : -1;
    const inX = new Uint8Array(L);
    const xBlocks: number[][] = [];
    const annotate = (p: Piece, base: number, path: string, siblings: Map<string, { k: number; p: Piece }> | undefined, conds: number[] = []): void => {
      switch (p.kind) {
        case 'int':
          // Only where the absent form (zero bits: min, and min for the fields it depends on) reads as an element.
          if (p.elem && conds.length > 0) {
            const r = 'set' in p.elem ? p.elem : p.elem.elem(...p.elem.on.map((f) => {
              const sib = siblings?.get(f)?.p;
              return sib?.kind === 'int' ? sib.min : sib?.kind === 'enum' ? sib.values[0] : undefined;
            }));
            if (r !== undefined && (this.setIndex.get(r.set) ?? -1) >= 0 && p.min >= r.from && p.min < r.from + sets[r.set]!) this.cond[base] = conds;
          }
          if (p.elem && 'set' in p.elem) {
            const si = check(p.elem, path);
            if (si >= 0) {
              this.leafSet[base] = si;
              this.leafFrom[base] = p.elem.from;
            }
          } else if (p.elem) {
            const on = p.elem.on.map((f) => {
              const sib = siblings?.get(f);
              if (!sib) throw new Error(`symmetry: ${path} depends on '${f}', which is not an earlier field of its record`);
              if (sib.p.kind !== 'int' && sib.p.kind !== 'enum') throw new Error(`symmetry: ${path} depends on '${f}', which is not a value`);
              return sib;
            });
            this.leafSet[base] = -2;
            const d: NonNullable<Symmetry['dep'][number]> = {
              offs: on.map((o) => base - o.k),
              mins: on.map((o) => (o.p.kind === 'int' ? o.p.min : 0)),
              values: on.map((o) => (o.p.kind === 'enum' ? o.p.values : undefined)),
              elem: p.elem.elem,
            };
            // Tabulate the function over every combination of raw values, when there are few.
            const counts = on.map((o) => (o.p.kind === 'int' ? o.p.max - o.p.min + 1 : o.p.kind === 'enum' ? o.p.values.length : 0));
            const total = counts.reduce((a, b) => a * b, 1);
            if (total <= 1 << 16) {
              const strides: number[] = [];
              let st = 1;
              for (const c of counts) {
                strides.push(st);
                st *= c;
              }
              const tSet = new Int32Array(total).fill(-1), tFrom = new Int32Array(total);
              for (let x = 0; x < total; x++) {
                const vals = counts.map((c, i) => {
                  const raw = Math.floor(x / strides[i]!) % c;
                  return d.values[i] ? d.values[i]![raw] : raw + d.mins[i]!;
                });
                const r = d.elem(...vals);
                const si = r === undefined ? undefined : this.setIndex.get(r.set);
                if (r !== undefined && !(r.set in sets)) throw new Error(`symmetry: ${path} may be an element of '${r.set}', which the shape does not declare`);
                if (si !== undefined) {
                  tSet[x] = si;
                  tFrom[x] = r!.from;
                }
              }
              Object.assign(d, { strides, tSet, tFrom });
            }
            this.dep[base] = d;
          }
          return;
        case 'enum':
          return;
        case 'record': {
          const sib = new Map<string, { k: number; p: Piece }>();
          let k = base;
          for (const [name, f] of p.fields) {
            annotate(f, k, `${path}.${name}`, sib, conds);
            sib.set(name, { k, p: f });
            k += leafCount(f);
          }
          return;
        }
        case 'array': {
          if (p.index) check(p.index, path);
          const c = leafCount(p.of);
          if (fuSi >= 0 && p.index?.set === firstUse) {
            xBlocks.push([base, p.index!.from, c]);
            inX.fill(1, base, base + p.length * c);
          }
          for (let i = 0; i < p.length; i++) annotate(p.of, base + i * c, `${path}[${i}]`, undefined, conds);
          return;
        }
        case 'list': {
          const c = leafCount(p.of);
          if (p.bag && p.max > 1) {
            bagRanges.push([base, c, p.max]);
            const first = leaves[base + 1]!.word;
            const per = c === 0 || p.max === 0 ? 0 : leaves[base + 1 + c]!.word - first;
            bags.push([base, first, per, p.max]);
          }
          for (let i = 0; i < p.max; i++) annotate(p.of, base + 1 + i * c, `${path}[${i}]`, undefined, [...conds, base, 0, i]);
          return;
        }
        case 'nullable':
        case 'optional':
          annotate(p.of, base + 1, path, undefined, [...conds, base, 1, 0]);
          return;
        case 'union': {
          let k = base + 1;
          for (const [j, alt] of p.of.entries()) {
            annotate(alt, k, path, undefined, [...conds, base, 2, j]);
            k += leafCount(alt);
          }
          return;
        }
      }
    };
    annotate(piece, 0, 'state', undefined);
    this.bags = bags;
    if (fuSi >= 0) {
      const fl: number[] = [];
      const mayBeX = (k: number): boolean => {
        const t = this.dep[k]!.tSet;
        return t === undefined || t.includes(fuSi);
      };
      for (let k = 0; k < L; k++) if (!inX[k] && (this.leafSet[k] === fuSi || (this.leafSet[k] === -2 && mayBeX(k)))) fl.push(k);
      const fact = [1];
      for (let i = 1; i <= fuSize; i++) fact.push(fact[i - 1]! * i);
      const keyLen = xBlocks.reduce((a, b) => a + b[2]!, 0);
      this.fu = {
        si: fuSi, n: fuSize, outer, leaves: Int32Array.from(fl), blocks: xBlocks, label: new Int32Array(fuSize), perm: new Int32Array(fuSize), fact,
        keys: new Int32Array(fuSize * keyLen), keyLen, rest: new Int32Array(fuSize),
        bags: fuBags(fl, bagRanges, L),
      };
    } else this.fu = undefined;
    // src per renaming: arrays indexed by a set take their blocks from the inverse permutation.
    this.src = new Int32Array(G * L);
    for (let g = 0; g < G; g++) {
      const inv = combos[g]!.map((perm) => {
        const x = new Array<number>(perm.length);
        perm.forEach((to, from) => (x[to] = from));
        return x;
      });
      const walk = (p: Piece, dst: number, src: number): void => {
        switch (p.kind) {
          case 'int':
          case 'enum':
            this.src[g * L + dst] = src;
            return;
          case 'record': {
            let o = 0;
            for (const [, f] of p.fields) {
              walk(f, dst + o, src + o);
              o += leafCount(f);
            }
            return;
          }
          case 'array': {
            const c = leafCount(p.of);
            const si = p.index ? this.setIndex.get(p.index.set) ?? -1 : -1;
            const from = p.index?.from ?? 0;
            const n = si >= 0 ? this.sizes[si]! : 0;
            if (si >= 0 && from + n > p.length) throw new Error(`symmetry: an array of ${p.length} elements is indexed by '${p.index!.set}' from ${from} (size ${n})`);
            for (let i = 0; i < p.length; i++) {
              const j = si >= 0 && i >= from && i < from + n ? from + inv[si]![i - from]! : i;
              walk(p.of, dst + i * c, src + j * c);
            }
            return;
          }
          case 'list': {
            const c = leafCount(p.of);
            this.src[g * L + dst] = src;
            for (let i = 0; i < p.max; i++) walk(p.of, dst + 1 + i * c, src + 1 + i * c);
            return;
          }
          case 'nullable':
          case 'optional':
            this.src[g * L + dst] = src;
            walk(p.of, dst + 1, src + 1);
            return;
          case 'union': {
            this.src[g * L + dst] = src;
            let o = 1;
            for (const alt of p.of) {
              walk(alt, dst + o, src + o);
              o += leafCount(alt);
            }
            return;
          }
        }
      };
      walk(piece, 0, 0);
    }
    this.cur = new Uint32Array(this.W);
    this.best = new Uint32Array(this.W);
    this.tmp = new Uint32Array(this.W);
  }

  /** Writes the representative of `w` (its least image) into `out`. */
  canonical(w: Uint32Array, out: Uint32Array): void {
    const G = this.groupSize;
    const W = this.W;
    if (G === 1 && this.bags.length === 0) {
      out.set(w);
      return;
    }
    this.srcW = w;
    const cur = this.cur, best = this.best;
    const early = this.bags.length === 0;
    let have = false;
    const fu = this.fu;
    const n = fu === undefined ? G : fu.outer;
    for (let o = 0; o < n; o++) {
      const g = fu === undefined ? o : o + fu.outer * this.rankOf(o);
      const r = this.imageOf(g, early && have ? best : undefined);
      if (r === 1) continue; // greater than the best so far
      if (this.bags.length) this.sortBags(cur);
      if (have && compare(cur, best, W) >= 0) continue;
      best.set(cur);
      have = true;
    }
    out.set(best);
  }

  /** Straight-line image functions, compiled on first use per renaming (see {@link compileImage}). */
  private readonly compiled: (ImageFn | undefined)[] = [];
  /** Renamings compiled so far, and the most leaves of generated code allowed (a large group keeps the table-driven loop). */
  private compiledLeaves = 0;

  private imageOf(g: number, bound: Uint32Array | undefined): number {
    if (g === 0) return this.image(0, bound);
    let f = this.compiled[g];
    if (f === undefined) {
      if (!this.compile || this.compiledLeaves + this.L > MAX_COMPILED_LEAVES) return this.image(g, bound);
      f = this.compiled[g] = this.compileImage(g);
      this.compiledLeaves += this.L;
    }
    return bound === undefined ? f(this.srcW, this.cur, this.cur, -1) : f(this.srcW, this.cur, bound, 0);
  }

  /**
   * The image under renaming g as generated code: for each word, one OR of
   * terms, where the leaves that move together (same source word, same shift
   * distance, no relabelling) are one masked shift, and a relabelled leaf is a
   * lookup in its table for this renaming (or a call for a value whose set
   * depends on other fields). The result and the early exit are those of
   * {@link image}.
   */
  private compileImage(g: number): ImageFn {
    const L = this.L, W = this.W;
    const tables: Int32Array[] = [];
    const byWord: string[][] = Array.from({ length: W }, () => []);
    const plain: Map<string, number>[] = Array.from({ length: W }, () => new Map());
    for (let k = 0; k < L; k++) {
      const m = this.mask[k]!;
      if (m === 0) continue;
      const x = this.word[k]!, sk = this.shift[k]!;
      const s = this.src[g * L + k]!;
      const ws = this.word[s]!, ss = this.shift[s]!;
      const e = this.leafExpr(g, k, tables);
      if (e !== undefined) {
        byWord[x]!.push(`(${e} << ${sk})`);
        continue;
      }
      const key = `${ws},${ss - sk}`;
      plain[x]!.set(key, ((plain[x]!.get(key) ?? 0) | ((m << sk) >>> 0)) >>> 0);
    }
    let body = 'let a = 0, y = 0, gt = false;\n';
    for (let x = 0; x < W; x++) {
      const terms = [...plain[x]!].map(([key, mask]) => {
        const [ws, d] = key.split(',').map(Number) as [number, number];
        const v = d === 0 ? `w[${ws}]` : d > 0 ? `(w[${ws}] >>> ${d})` : `(w[${ws}] << ${-d})`;
        return mask === 0xffffffff && d === 0 ? v : `(${v} & ${mask})`;
      });
      terms.push(...byWord[x]!);
      body += `a = ${terms.length ? `(${terms.join(' | ')}) >>> 0` : '0'}; cur[${x}] = a;\n`;
      // b[x] is read and compared whether or not the comparison decides (without a bound, b is cur and c
      // -1): a read or a `>` reached only while the words so far equal the bound's (late words, rarely) had
      // no type feedback when V8 optimised the function and was compiled as a deoptimisation: 8-10 of grant
      // 2x2's image functions were thrown away and compiled again once each (--trace-deopt, 2026-12-08)
      body += `y = b[${x}]; gt = a > y;\nif (c === 0 && a !== y) { if (gt) return 1; c = -1; }\n`;
    }
    body += 'return c === 0 ? 1 : 0;';
    const rl = (raw: number, k: number, s: number, si: number, g: number): number => this.relabelRaw(raw, k, s, si, g);
    return new Function('T', 'rl', `return function image(w, cur, b, c) {\n${body}\n}`)(tables, rl) as ImageFn;
  }

  /**
   * The raw value of leaf k in the image under renaming g, as an expression
   * over the source words `w` (unshifted); undefined when it is the source
   * leaf's raw value unchanged (no relabelling under g). A relabelled value is
   * a lookup in a table of this renaming, indexed by the raw value, and for a
   * value whose set depends on other fields, by those fields' raw values too
   * (or a call `rl` when that table would be large). Tables go to `tables`
   * (the generated code's `T`).
   */
  private leafExpr(g: number, k: number, tables: Int32Array[]): string | undefined {
    const e = this.relabelExpr(g, k, tables);
    const c = e === undefined ? undefined : this.presentExpr(this.src[g * this.L + k]!);
    // An absent value is zero bits: left as it is.
    return c === undefined ? e : `(${c} ? ${e} : 0)`;
  }

  /** Whether source leaf s is present in the words being canonicalised (see {@link cond}). */
  private present(s: number): boolean {
    const c = this.cond[s];
    if (c === undefined) return true;
    const w = this.srcW;
    for (let j = 0; j < c.length; j += 3) {
      const l = c[j]!, i = c[j + 2]!;
      const v = (w[this.word[l]!]! >>> this.shift[l]!) & this.mask[l]!;
      if (c[j + 1] === 0 ? v <= i : c[j + 1] === 1 ? v === 0 : v !== i) return false;
    }
    return true;
  }

  /** {@link present} as an expression over the source words `w`; undefined: always present. */
  private presentExpr(s: number): string | undefined {
    const c = this.cond[s];
    if (c === undefined) return undefined;
    const terms: string[] = [];
    for (let j = 0; j < c.length; j += 3) {
      const l = c[j]!, i = c[j + 2]!;
      const v = `((w[${this.word[l]!}] >>> ${this.shift[l]!}) & ${this.mask[l]!})`;
      terms.push(c[j + 1] === 0 ? `${v} > ${i}` : c[j + 1] === 1 ? `${v} !== 0` : `${v} === ${i}`);
    }
    return `(${terms.join(' && ')})`;
  }

  /** {@link leafExpr} for a present value. */
  private relabelExpr(g: number, k: number, tables: Int32Array[]): string | undefined {
    const L = this.L;
    const m = this.mask[k]!;
    const s = this.src[g * L + k]!;
    const raw = `((w[${this.word[s]!}] >>> ${this.shift[s]!}) & ${m})`;
    const si = this.leafSet[k]!;
    if (si === -1) return undefined;
    const table = (t: Int32Array, index: string): string | undefined => {
      let identity = true;
      for (let i = 0; i < t.length; i++) if (t[i] !== i % (m + 1)) identity = false;
      if (identity) return undefined;
      tables.push(t);
      return `T[${tables.length - 1}][${index}]`;
    };
    if (si >= 0 && m < 4096) {
      const t = new Int32Array(m + 1);
      for (let r = 0; r <= m; r++) t[r] = this.relabelRaw(r, k, s, si, g);
      return table(t, raw);
    }
    const d = this.dep[k];
    if (si === -2 && d !== undefined && d.tSet !== undefined && d.tSet.length * (m + 1) <= 1 << 16) {
      // One table over (the fields' raw values, the raw value): the set the value is in, and its relabelling.
      const { tSet, tFrom } = d;
      const n1 = m + 1;
      const t = new Int32Array(tSet.length * n1);
      const min = this.leafMin[k]!;
      for (let x = 0; x < tSet.length; x++)
        for (let r = 0; r <= m; r++) {
          const set = tSet[x]!, from = tFrom![x]!, v = r + min;
          const n = set >= 0 ? this.sizes[set]! : 0;
          t[x * n1 + r] = set < 0 || v < from || v >= from + n ? r : from + this.relabel[set]![g * n + (v - from)]! - min;
        }
      return table(t, `(${this.depIndex(k, s)}) * ${n1} + ${raw}`);
    }
    return `rl(${raw}, ${k}, ${s}, ${si}, ${g})`;
  }

  /** The index into a dependent leaf's tables (tSet) as an expression over `w`: the raw values of the fields it depends on, read beside source leaf s. */
  private depIndex(k: number, s: number): string {
    const d = this.dep[k]!;
    return d.offs
      .map((off, i) => {
        const sk = s - off;
        return `((w[${this.word[sk]!}] >>> ${this.shift[sk]!}) & ${this.mask[sk]!}) * ${d.strides![i]!}`;
      })
      .join(' + ') || '0';
  }

  /**
   * Builds the image of w under renaming g into `cur`. With `bound`, stops and
   * returns 1 as soon as a completed word shows the image greater than it
   * (or at the end, equal to it).
   */
  private image(g: number, bound: Uint32Array | undefined): number {
    const L = this.L, W = this.W;
    const cur = this.cur, w = this.srcW;
    if (g === 0) {
      // The identity: the image is the state itself.
      cur.set(w);
      if (bound === undefined) return 0;
      for (let x = 0; x < W; x++) if (cur[x] !== bound[x]) return cur[x]! > bound[x]! ? 1 : 0;
      return 1;
    }
    const src = this.src, leafSet = this.leafSet, word = this.word, shift = this.shift, mask = this.mask;
    const base = g * L;
    let wi = 0;
    let acc = 0;
    let cmp = bound === undefined ? -1 : 0; // 0: equal to bound so far; -1: known smaller (or no bound)
    for (let k = 0; k < L; k++) {
      const m = mask[k]!;
      if (m === 0) continue;
      const kw = word[k]!;
      if (kw !== wi) {
        cur[wi] = acc;
        for (let x = wi + 1; x < kw; x++) cur[x] = 0;
        if (cmp === 0)
          for (let x = wi; x < kw; x++) {
            const a = cur[x]!, b = bound![x]!;
            if (a !== b) {
              if (a > b) return 1;
              cmp = -1;
              break;
            }
          }
        wi = kw;
        acc = 0;
      }
      const s = src[base + k]!;
      let raw = (w[word[s]!]! >>> shift[s]!) & m;
      const si = leafSet[k]!;
      if (si !== -1 && this.present(s)) raw = this.relabelRaw(raw, k, s, si, g);
      acc |= raw << shift[k]!;
    }
    cur[wi] = acc;
    for (let x = wi + 1; x < W; x++) cur[x] = 0;
    if (cmp === 0) {
      for (let x = wi; x < W; x++) {
        const a = cur[x]!, b = bound![x]!;
        if (a !== b) return a > b ? 1 : 0;
      }
      return 1;
    }
    return 0;
  }

  /** The words being canonicalised (read by image and relabelRaw). */
  private srcW: Uint32Array = new Uint32Array(0);

  private relabelRaw(raw: number, k: number, s: number, si: number, g: number): number {
    const min = this.leafMin[k]!;
    const v = raw + min;
    let set = si, from = this.leafFrom[k]!;
    if (si === -2) {
      if (!this.dependentSet(k, s)) return raw;
      set = this.dSet;
      from = this.dFrom;
    }
    const n = this.sizes[set]!;
    if (v < from || v >= from + n) return raw;
    return from + this.relabel[set]![g * n + (v - from)]! - min;
  }

  /** Per renaming of the other sets: the generated part of {@link firstUseRank} (see {@link compileRank}). */
  private readonly compiledRank: (RankFn | undefined)[] = [];

  /** {@link firstUseRank}, by generated code for renaming o once it is compiled (within the budget of compiled leaves). */
  private rankOf(o: number): number {
    let f = this.compiledRank[o];
    if (f === undefined) {
      const fu = this.fu!;
      const cost = fu.leaves.length + fu.n * fu.keyLen;
      if (!this.compile || this.compiledLeaves + cost > MAX_COMPILED_LEAVES) return this.firstUseRank(o);
      f = this.compiledRank[o] = this.compileRank(o);
      this.compiledLeaves += cost;
    }
    const fu = this.fu!;
    const next = f(this.srcW, fu.label, fu.keys);
    return this.rankFrom(next);
  }

  /**
   * {@link firstUseRank}'s reading of the state under renaming o as
   * straight-line code: the first mentions of the first-use set's elements
   * (labels in `label`, -1 for unmentioned; returns how many were mentioned),
   * then the block keys of the unmentioned elements (into `keys`). The leaf
   * values are those of {@link leafExpr}.
   */
  private compileRank(o: number): RankFn {
    const fu = this.fu!;
    const L = this.L, n = fu.n, K = fu.keyLen;
    const tables: Int32Array[] = [];
    let body = '';
    for (let e = 0; e < n; e++) body += `label[${e}] = -1;\n`;
    body += 'let next = 0, e = 0;\ndone: {\n';
    const mention = `if (e >= 0 && e < ${n} && label[e] === -1) { label[e] = next++; if (next === ${n}) break done; }\n`;
    /** The mention of leaf k (code). */
    const leafCode = (k: number): string => {
      let body = '';
      const s = this.src[o * L + k]!;
      const raw = `((w[${this.word[s]!}] >>> ${this.shift[s]!}) & ${this.mask[s]!})`;
      const set = this.leafSet[k]!;
      const off = this.leafMin[k]!;
      // An absent value (zero bits) mentions nothing.
      const pc = this.presentExpr(s);
      if (pc !== undefined) body += `if ${pc} {\n`;
      if (set === fu.si) body += `e = ${raw} + ${off - this.leafFrom[k]!};\n` + mention;
      else if (set === -2) {
        const d = this.dep[k]!;
        if (d.tSet !== undefined) {
          tables.push(d.tSet, d.tFrom!);
          const x = this.depIndex(k, s);
          body += `{ const x = ${x}; if (T[${tables.length - 2}][x] === ${fu.si}) { e = ${raw} + ${off} - T[${tables.length - 1}][x];\n${mention}} }\n`;
        } else body += `if (ds(${k}, ${s}) && dSet() === ${fu.si}) { e = ${raw} + ${off} - dFrom();\n${mention}}\n`;
      }
      if (pc !== undefined) body += '}\n';
      return body;
    };
    let bi = 0;
    for (let i = 0; i < fu.leaves.length; i++) {
      const b = fu.bags[bi];
      if (b !== undefined && i === b.at) {
        // A bag's elements in the order of their other values (orderBag), then each one's mentions.
        const KB = b.other.length;
        body += `{\nconst ord = B[${bi}].ord, key = B[${bi}].key;\n`;
        for (let e = 0; e < b.max; e++)
          for (let j = 0; j < KB; j++) {
            const k = b.first + e * b.per + b.other[j]!;
            const s = this.src[o * L + k]!;
            const v = this.mask[k] === 0 ? undefined : this.leafExpr(o, k, tables);
            body += `key[${e * KB + j}] = ${v ?? `((w[${this.word[s]!}] >>> ${this.shift[s]!}) & ${this.mask[s]!})`};\n`;
          }
        body += `orderBag(key, ord, ${b.max}, ${KB});\nfor (let x = 0; x < ${b.max}; x++) switch (ord[x]) {\n`;
        for (let e = 0; e < b.max; e++) body += `case ${e}: {\n${b.rel.map((r) => leafCode(b.first + e * b.per + r)).join('')}break;\n}\n`;
        body += '}\n}\n';
        i += b.max * b.rel.length - 1;
        bi++;
        continue;
      }
      body += leafCode(fu.leaves[i]!);
    }
    body += '}\n';
    // Keys of the unmentioned elements: their blocks' leaves in the image under o.
    for (let e = 0; e < n; e++) {
      body += `if (label[${e}] === -1) {\n`;
      let x = e * K;
      for (const [base, from, c] of fu.blocks)
        for (let j = 0; j < c!; j++) {
          const k = base! + (from! + e) * c! + j;
          const s = this.src[o * L + k]!;
          const v = this.mask[k] === 0 ? undefined : this.leafExpr(o, k, tables);
          body += `keys[${x++}] = ${v ?? `((w[${this.word[s]!}] >>> ${this.shift[s]!}) & ${this.mask[s]!})`};\n`;
        }
      body += '}\n';
    }
    body += 'return next;';
    const rl = (raw: number, k: number, s: number, si: number, g: number): number => this.relabelRaw(raw, k, s, si, g);
    const ds = (k: number, s: number): boolean => this.dependentSet(k, s);
    return new Function('T', 'rl', 'ds', 'dSet', 'dFrom', 'B', 'orderBag', `return function rank(w, label, keys) {\n${body}\n}`)(
      tables, rl, ds, () => this.dSet, () => this.dFrom, fu.bags, orderBag,
    ) as RankFn;
  }

  /**
   * Under renaming o of the other sets, the rank of the first-use set's
   * permutation: labels in order of first mention, then unmentioned elements
   * by the contents of their blocks.
   */
  private firstUseRank(o: number): number {
    const fu = this.fu!;
    const { n, label } = fu;
    const L = this.L, w = this.srcW;
    label.fill(-1);
    let next = 0;
    const fl = fu.leaves;
    const mention = (k: number): void => {
      const s = this.src[o * L + k]!;
      if (!this.present(s)) return;
      const raw = (w[this.word[s]!]! >>> this.shift[s]!) & this.mask[s]!;
      let set = this.leafSet[k]!, from = this.leafFrom[k]!;
      if (set === -2) {
        if (!this.dependentSet(k, s)) return;
        set = this.dSet;
        from = this.dFrom;
      }
      if (set !== fu.si) return;
      const e = raw + this.leafMin[k]! - from;
      if (e >= 0 && e < n && label[e] === -1) label[e] = next++;
    };
    let bi = 0;
    for (let i = 0; i < fl.length && next < n; i++) {
      const b = fu.bags[bi];
      if (b !== undefined && i === b.at) {
        // A bag's elements in the order of their other values (ties: as stored).
        const ord = b.ord, key = b.key, K = b.other.length;
        for (let e = 0; e < b.max; e++) for (let j = 0; j < K; j++) key[e * K + j] = this.leafImage(o, b.first + e * b.per + b.other[j]!);
        orderBag(key, ord, b.max, K);
        for (let x = 0; x < b.max && next < n; x++) for (const r of b.rel) mention(b.first + ord[x]! * b.per + r);
        i += b.max * b.rel.length - 1;
        bi++;
        continue;
      }
      mention(fl[i]!);
    }
    for (let e = 0; e < n; e++) if (label[e] === -1) this.blockKey(o, e, fu.keys, e * fu.keyLen);
    return this.rankFrom(next);
  }

  /**
   * The rest of {@link firstUseRank}, once `next` elements have their labels
   * by first mention and the others their block keys: the unmentioned ones get
   * the next labels in the order of their keys; returns the rank of the
   * permutation.
   */
  private rankFrom(next: number): number {
    const fu = this.fu!;
    const { n, label, perm } = fu;
    if (next < n) {
      // The unmentioned elements, by the contents of their blocks (insertion sort: a few elements).
      const rest = fu.rest, keys = fu.keys, K = fu.keyLen;
      let m = 0;
      for (let e = 0; e < n; e++)
        if (label[e] === -1) {
          let j = m++;
          while (j > 0 && compareAt2(keys, rest[j - 1]! * K, e * K, K) > 0) {
            rest[j] = rest[j - 1]!;
            j--;
          }
          rest[j] = e;
        }
      for (let i = 0; i < m; i++) label[rest[i]!] = next++;
    }
    for (let e = 0; e < n; e++) perm[e] = label[e]!;
    // Lexicographic rank (permutations() lists them in that order).
    let rank = 0;
    for (let i = 0; i < n; i++) {
      let smaller = 0;
      for (let j = i + 1; j < n; j++) if (perm[j]! < perm[i]!) smaller++;
      rank += smaller * fu.fact[n - 1 - i]!;
    }
    return rank;
  }

  /** The contents of element e's blocks in the arrays the first-use set indexes, under renaming o of the other sets, into key[at..]. */
  private blockKey(o: number, e: number, key: Int32Array, at: number): void {
    let x = at;
    for (const [base, from, c] of this.fu!.blocks) {
      const b = base! + (from! + e) * c!;
      for (let j = 0; j < c!; j++) key[x++] = this.leafImage(o, b + j);
    }
  }

  /** The raw value of leaf k in the image under renaming o (relabelled when present; {@link leafExpr} as a loop). */
  private leafImage(o: number, k: number): number {
    const s = this.src[o * this.L + k]!;
    const raw = (this.srcW[this.word[s]!]! >>> this.shift[s]!) & this.mask[s]!;
    const si = this.leafSet[k]!;
    return si !== -1 && this.present(s) ? this.relabelRaw(raw, k, s, si, o) : raw;
  }

  /** The value of the i-th field dependent leaf data `d` depends on, for source leaf s. */
  private depValue(d: { offs: number[]; mins: number[]; values: (readonly unknown[] | undefined)[] }, s: number, i: number): unknown {
    const sk = s - d.offs[i]!;
    const x = ((this.srcW[this.word[sk]!]! >>> this.shift[sk]!) & this.mask[sk]!) + d.mins[i]!;
    const vs = d.values[i];
    return vs ? vs[x] : x;
  }

  /** Set by {@link dependentSet}: the set index and first element of the last dependent leaf read. */
  private dSet = 0;
  private dFrom = 0;
  /** Whether dependent leaf k, read from source leaf s, is in a declared set (then in dSet, dFrom). */
  private dependentSet(k: number, s: number): boolean {
    const d = this.dep[k]!;
    const m = d.offs.length;
    const tSet = d.tSet;
    if (tSet !== undefined) {
      const w = this.srcW;
      let x = 0;
      for (let i = 0; i < m; i++) {
        const sk = s - d.offs[i]!;
        x += ((w[this.word[sk]!]! >>> this.shift[sk]!) & this.mask[sk]!) * d.strides![i]!;
      }
      const si = tSet[x]!;
      if (si < 0) return false;
      this.dSet = si;
      this.dFrom = d.tFrom![x]!;
      return true;
    }
    const r = m === 1 ? d.elem(this.depValue(d, s, 0)) : m === 2 ? d.elem(this.depValue(d, s, 0), this.depValue(d, s, 1)) : d.elem(...d.offs.map((_, i) => this.depValue(d, s, i)));
    if (r === undefined) return false;
    const idx = this.setIndex.get(r.set);
    if (idx === undefined) return false;
    this.dSet = idx;
    this.dFrom = r.from;
    return true;
  }

  /** Sorts the elements of every bag list (whole words each) in `w`, up to its length. */
  private sortBags(w: Uint32Array): void {
    for (const [lenLeaf, first, per, max] of this.bags) {
      const n = ((w[this.word[lenLeaf!]!]! >>> this.shift[lenLeaf!]!) & this.mask[lenLeaf!]!) + this.leafMin[lenLeaf!]!;
      if (n < 2 || per === 0) continue;
      // insertion sort of n blocks of `per` words (n <= max, small)
      const t = this.tmp;
      for (let i = 1; i < Math.min(n, max!); i++) {
        let j = i;
        while (j > 0 && compareAt(w, first! + (j - 1) * per!, first! + j * per!, per!) > 0) {
          t.set(w.subarray(first! + j * per!, first! + (j + 1) * per!));
          w.copyWithin(first! + j * per!, first! + (j - 1) * per!, first! + j * per!);
          w.set(t.subarray(0, per!), first! + (j - 1) * per!);
          j--;
        }
      }
    }
  }
}

function compare(a: Uint32Array, b: Uint32Array, n: number): number {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}
function compareAt(w: Uint32Array, i: number, j: number, n: number): number {
  for (let x = 0; x < n; x++) if (w[i + x] !== w[j + x]) return w[i + x]! < w[j + x]! ? -1 : 1;
  return 0;
}

/**
 * `canonicalize` on plain states for the reference path: pack, take the
 * representative's words, unpack. Both paths so identify exactly the same
 * states.
 */
export function objectCanonicalizer<S>(codec: StateCodec<S>, sets: Readonly<Record<string, number>>, firstUse?: string): (s: S) => S {
  const sym = new Symmetry(codec as StateCodec<unknown>, sets, firstUse);
  const w = new Uint32Array(codec.words), out = new Uint32Array(codec.words);
  return (s) => {
    codec.pack(s, w);
    sym.canonical(w, out);
    return codec.unpack(out, 0);
  };
}

/**
 * A bag list whose elements mention the first-use set. Its elements are read
 * in the order of their other values (their image under the renaming of the
 * other sets; equal ones as stored), so that the labels do not depend on the
 * order the bag happens to hold them in: `[m0, m1]` and `[m1, m0]` have one
 * representative (they had two, a sound but incomplete reduction: grant's
 * maps in progress, `ms`, with maps >= 2). Two elements equal but for their
 * mentions of the set are still read as stored.
 */
interface FuBag {
  /** Where its mentions start in the first-use leaves (max * rel.length of them, element by element). */
  readonly at: number;
  /** The first leaf of element 0, the leaves per element, the elements. */
  readonly first: number;
  readonly per: number;
  readonly max: number;
  /** The element's leaves (offsets) that may mention the set, and the others (its sort key). */
  readonly rel: readonly number[];
  readonly other: readonly number[];
  /** Scratch: the elements in reading order, and their keys. */
  readonly ord: Int32Array;
  readonly key: Int32Array;
}

/** The bag lists of {@link FuBag} among `fl` (the first-use leaves, in leaf order); bags inside a bag are read as stored. */
function fuBags(fl: readonly number[], ranges: readonly [number, number, number][], L: number): FuBag[] {
  const out: FuBag[] = [];
  const inside = (r: [number, number, number]): boolean =>
    ranges.some((q) => q !== r && q[0] < r[0] && r[0] < q[0] + 1 + q[1] * q[2]);
  for (const r of ranges) {
    const [base, per, max] = r;
    if (inside(r) || per === 0) continue;
    const first = base + 1, end = first + per * max;
    const at = fl.findIndex((k) => k >= first && k < end);
    if (at < 0 || end > L) continue;
    const rel = fl.filter((k) => k >= first && k < first + per).map((k) => k - first);
    // The mentions of every element, in leaf order, must be those of element 0 moved (they are: one piece per element).
    const want = Array.from({ length: max }, (_, e) => rel.map((x) => first + e * per + x)).flat();
    if (want.some((k, j) => fl[at + j] !== k)) continue;
    const other = Array.from({ length: per }, (_, x) => x).filter((x) => !rel.includes(x));
    out.push({ at, first, per, max, rel, other, ord: new Int32Array(max), key: new Int32Array(max * other.length) });
  }
  return out.sort((a, b) => a.at - b.at);
}

/** `ord` = 0..max-1 sorted by their keys (`K` each in `key`), equal keys in index order (insertion sort: a few elements). */
function orderBag(key: Int32Array, ord: Int32Array, max: number, K: number): void {
  for (let e = 0; e < max; e++) {
    let j = e;
    while (j > 0 && compareAt2(key, ord[j - 1]! * K, e * K, K) > 0) {
      ord[j] = ord[j - 1]!;
      j--;
    }
    ord[j] = e;
  }
}

function compareAt2(a: Int32Array, i: number, j: number, n: number): number {
  for (let x = 0; x < n; x++) if (a[i + x] !== a[j + x]) return a[i + x]! < a[j + x]! ? -1 : 1;
  return 0;
}
