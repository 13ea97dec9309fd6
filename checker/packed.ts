/**
 * The packed path, for models that declare how their states pack into words:
 * a flat layout (flat.ts) or a shape (codec.ts). States are packed into 32-bit
 * words by straight-line code generated from the declaration, hashed to two
 * 32-bit lanes, and the BFS levels hold the packed words. A state is unpacked
 * once, when it is expanded; each rule then runs on a scratch copy of it in
 * objects the codec reuses for every transition, and the successor is packed
 * back: a successor that was already seen allocates nothing beyond what the
 * rule itself allocates; a new one is copied as packed words into the next
 * level.
 *
 * With symmetry, the successor's words are those of the state itself (a
 * trace replays the transitions of the states as found), and its fingerprint
 * is that of its representative: computed on the words by symmetry.ts when
 * the shape declares scalarsets, or by the model's `canonicalize` on the
 * scratch state otherwise. Most successors are states met before, so the
 * representative's fingerprint is remembered in a direct-mapped cache keyed by
 * the state's own 64-bit hash (see {@link CANON_SLOTS}).
 */
import { hashWords } from './hash.js';
import { flatCodec } from './flat.js';
import { shapeCodec, type LazyRoot, type StateCodec } from './codec.js';
import { Symmetry } from './symmetry.js';
import { Traced, TracedChoice, lazyState, type LazyState, type TracedMode } from './traced.js';
import { compileExpand, type Expand } from './flatExpand.js';
import type { Expander } from './expand.js';
import type { Piece } from '../model/shape.js';
import type { Level, StatePath } from './path.js';
import { WordFrontier } from './frontier.js';
import type { FingerprintSet } from './store.js';
import type { System } from './system.js';

/** What the packed path needs of a codec. */
export interface WordCodec<S> {
  readonly words: number;
  readonly pack: (s: S, out: Uint32Array) => void;
  /** `pack` for the successors a rule wrote on `scratch` (codec.ts), if the codec has a faster one. */
  readonly packScratch?: (s: S, out: Uint32Array) => void;
  readonly unpack: (w: Uint32Array, off: number) => S;
  /** A new `unpack` into objects it reuses (codec.ts), if the codec has one; its `same` knows those objects. */
  readonly unpackReused?: () => ((w: Uint32Array, off: number) => S) & { readonly same?: Same<S> };
  /** Whether a state packs to the given words, without packing it (codec.ts), if the codec has one. */
  readonly same?: Same<S>;
  /** A mutable copy of `s` for a rule to write (reused: valid until the next call). */
  readonly scratch: (s: S) => S;
  readonly clone: (s: S) => S;
  /** A shape's codec (symmetry on words needs its leaves). */
  readonly shaped?: StateCodec<S>;
  /** The lazy root of a shape's codec (codec.ts), used by the single-threaded path. */
  readonly lazy?: LazyRoot<S>;
}

/** Whether state `s` packs to the words at `w[off]` (false where pack would throw). */
export type Same<S> = (s: S, w: Uint32Array, off: number) => boolean;

/** The word codec of a system, if it declares a shape or a flat layout. */
export function wordCodecOf<S>(sys: System<S>): WordCodec<S> | undefined {
  if (sys.shape) {
    const c = shapeCodec<S>(sys.shape);
    return { ...c, shaped: c };
  }
  if (sys.flat) {
    const c = flatCodec<S>(sys.flat);
    let d: S | undefined;
    return {
      words: c.words,
      pack: c.pack,
      unpack: c.unpack,
      unpackReused: c.unpackReused,
      same: c.same,
      clone: c.clone,
      scratch: (s) => {
        if (d === undefined) d = c.clone(s);
        else c.assign(d, s);
        return d;
      },
    };
  }
  return undefined;
}

/** A level of packed states: `words` per state, copied from the path's scratch words (frontier.ts: spills to a file past a threshold). */
export class PackedLevel<S> implements Level<S> {
  private readonly f: WordFrontier;
  constructor(
    private readonly codec: WordCodec<S>,
    private readonly src: Uint32Array,
    /** Unpacks a state to expand (the lazy root's, which keeps its words, or one into reused objects: the state is read only while it is expanded). */
    private readonly unpack: (w: Uint32Array, off: number) => S,
    /** Whether an unpacked state still packs to its words (the codec's `same`, that of `unpack` when it has one), if there is one. */
    private readonly same: Same<S> | undefined,
    /** The path's blocks of levels done (frontier.ts `recycle`). */
    pool?: Uint32Array[],
  ) {
    this.f = new WordFrontier(codec.words, undefined, pool);
  }
  get length(): number {
    return this.f.length;
  }
  push(_s: S, id: number): void {
    this.f.push(this.src, id);
  }
  /** Pushes state `id` as the words `w` (a staged successor's, see PackedPath.stage). */
  pushWords(w: Uint32Array, id: number): void {
    this.f.push(w, id);
  }
  state(i: number): S {
    const o = this.f.locate(i);
    return this.unpack(this.f.arr, o);
  }
  /** Whether `s` still packs to the words stored for state i. */
  unchanged(i: number, s: S, tmp: Uint32Array): boolean {
    const o = this.f.locate(i);
    const a = this.f.arr;
    if (this.same) return this.same(s, a, o);
    this.codec.pack(s, tmp);
    for (let j = 0; j < this.codec.words; j++) if (tmp[j] !== a[o + j]) return false;
    return true;
  }
  id(i: number): number {
    return this.f.id(i);
  }
  release(_i: number): void {}
  recycle(): void {
    this.f.recycle();
  }
  /** Copies every state's words, in order, into `dst` (words per state each). */
  copyWords(dst: Uint32Array): void {
    const W = this.codec.words;
    for (let i = 0; i < this.f.length; i++) {
      const o = this.f.locate(i);
      const a = this.f.arr;
      for (let j = 0; j < W; j++) dst[i * W + j] = a[o + j]!;
    }
  }
}

/**
 * The cache of representatives' fingerprints (symmetry reduction): direct
 * mapped, four words an entry, [own fp0, own fp1, representative's fp0, fp1]
 * (16 bytes: four entries a cache line, one line a probe; own fp 0:0 is never
 * cached, it marks an empty entry). An entry is recognised by the state's
 * own 64-bit hash alone, as the fingerprint table recognises a state: a wrong
 * hit needs two distinct states with equal 64-bit hashes meeting in one slot,
 * at most (edges / 2^64) over a search (5e6 edges: 3e-13), far below the
 * collision probability the report gives for the table itself. Measured on
 * grant refs=2 pages=2 (2026-12-03): the former entries, [tag, fp, the
 * state's words] (100 bytes at 22 words, 2^16 of them in 12 MiB), hit 59% of
 * 5.0M probes and each probe missed two cache lines; 2^19 of these (8 MiB)
 * hit more often and miss one line.
 */
export const CANON_SLOTS = 1 << 19;

type RecordPiece = Extract<Piece, { kind: 'record' }>;

export class PackedPath<S> implements StatePath<S> {
  /** The words of the state last fingerprinted (what a level pushes). */
  readonly words: Uint32Array;
  private readonly tmp: Uint32Array;
  /** With symmetry: recent states' fingerprints and their representatives' (see {@link CANON_SLOTS}). */
  private readonly canon: Uint32Array | undefined;
  private readonly canonMask: number;
  /** Symmetry on the words (scalarsets declared by the shape). */
  private readonly sym: Symmetry | undefined;

  /** Packs a state that is most often a successor written on the scratch copy. */
  private readonly packSucc: (s: S, out: Uint32Array) => void;
  /** The scratch copy a rule writes: the lazy root's for a shape that has one (codec.ts). */
  private readonly scratchOf: (s: S) => S;

  /**
   * Traced rules (traced.ts): the state expanded is read on its words, its
   * successors written as words (to {@link words}) and given to the search as
   * {@link TRACED}. Only for a shape; set by the search (CheckOptions.traced,
   * PVCHECK_TRACED): `true` always, `'auto'` where the search measures that
   * they pay (see {@link TracedChoice}), false never (or no shape).
   */
  readonly traced: TracedMode;
  /** The successor the search gets from a traced expansion: its words are {@link words} already. */
  readonly TRACED = {} as S;
  /** The state being expanded while traced: its words read on demand (isValidEnd of a terminal state). */
  private readonly lazyExpanded: LazyState<S> | undefined;
  /** A new state found by a traced expansion (its words), for its invariants, observables and goals. */
  private readonly lazyFound: LazyState<S> | undefined;
  /** Whether the next state the level gives is expanded traced (auto: {@link TracedChoice} switches it). */
  private tracing = false;

  constructor(
    private readonly sys: System<S>,
    private readonly codec: WordCodec<S>,
    traced: TracedMode = false,
  ) {
    this.traced = codec.shaped !== undefined && sys.shape?.kind === 'record' ? traced : false;
    this.tracing = this.traced === true;
    this.packSucc = codec.lazy?.packScratch ?? codec.packScratch ?? codec.pack;
    this.scratchOf = codec.lazy?.scratch ?? codec.scratch;
    this.words = new Uint32Array(codec.words);
    this.tmp = new Uint32Array(codec.words);
    this.canon = sys.canonicalize ? new Uint32Array(CANON_SLOTS * 4) : undefined;
    this.canonMask = CANON_SLOTS - 1;
    this.sym = sys.scalarsets && codec.shaped ? new Symmetry(codec.shaped as StateCodec<unknown>, sys.scalarsets, sys.firstUse) : undefined;
    const reused = codec.lazy ? undefined : codec.unpackReused?.();
    const unpackExpanded = codec.lazy?.unpack ?? reused ?? codec.unpack;
    if (this.traced) {
      const shaped = codec.shaped!;
      const E = (this.lazyExpanded = lazyState(sys.shape as RecordPiece, shaped.unpackReused()));
      this.lazyFound = lazyState(sys.shape as RecordPiece, shaped.unpackReused());
      // traced: the state is not unpacked (the expansion reads its words); untraced (auto): as below
      this.unpackExpanded = (w, off) => (this.tracing ? E.at(w, off) : unpackExpanded(w, off));
    } else this.unpackExpanded = unpackExpanded;
    this.sameExpanded = reused?.same ?? codec.same;
    this.unpackFound = codec.unpackReused?.() ?? codec.unpack;
  }

  /**
   * Unpacks the state to expand: the lazy root's unpack, or an unpack into
   * objects reused for every state (codec.ts `unpackReused`; the search reads
   * the state only while it expands it), or a fresh one.
   */
  private readonly unpackExpanded: (w: Uint32Array, off: number) => S;
  /** The no-write check of an expanded state without packing it (codec.ts `same`), if the codec has one. */
  private readonly sameExpanded: Same<S> | undefined;
  /** Unpacks a new state for its invariants, observables and goals (reused objects too: they keep no reference). */
  private readonly unpackFound: (w: Uint32Array, off: number) => S;

  /**
   * The traced expansion (traced.ts) for the search's expander: the same
   * transitions, indices, coverage and cuts as flatExpand.ts's, each
   * successor given to `edge` as {@link TRACED} with its words in {@link words}.
   * In auto mode a state the level gave unpacked (see {@link tracing}) is
   * expanded by flatExpand.ts's code, as on the untraced path.
   */
  tracedExpand(x: Expander<S>): Expand<S> {
    const shaped = this.codec.shaped!;
    const plain = shapeCodec<S>(this.sys.shape!, { lazyRoot: false });
    if (plain.words !== shaped.words) throw new Error('traced: the codecs differ');
    const t = new Traced<S>(this.sys, plain, x.active, x.fired);
    this.tracer = t;
    const out = this.words, T = this.TRACED;
    // the search's edge takes the rule too (as flatExpand.ts's code calls it: coverage of a staged successor)
    const xedge = x.edge as (n: S, from: number, k: number, r: number) => boolean;
    const edge = (from: number, k: number, r: number): boolean => xedge(T, from, k, r);
    const E = this.lazyExpanded!;
    if (this.traced === true) return (_s, id, expand) => t.expand(E.w, E.off, out, id, expand, edge);
    const objects = compileExpand(x, (s) => this.scratchOf(s));
    const choice = (this.choice = new TracedChoice());
    return (s, id, expand) => {
      const r = s === E.obj ? t.expand(E.w, E.off, out, id, expand, edge) : objects(s, id, expand);
      this.tracing = choice.next();
      return r;
    };
  }
  /** The traced expansion's tries (their statistics), once made. */
  tracer: Traced<S> | undefined;
  /** Auto mode: how the search chose (its figures). */
  choice: TracedChoice | undefined;

  /**
   * `failing` (flatExpand.ts compileInvariants) for a state found by a traced
   * expansion: the invariants answered by their tries on its words
   * (traced.ts); once they keep missing, on the state unpacked.
   */
  tracedFailing(failing: (s: S) => number): (s: S) => number {
    const F = this.lazyFound;
    if (F === undefined) return failing;
    return (s) => {
      if (s !== F.obj) return failing(s);
      const t = this.tracer;
      return t !== undefined && !t.invariantsOnObjects ? t.failing(F.w, F.off) : failing(F.real());
    };
  }

  /** Frontier blocks of levels the search is done with, for the next levels (frontier.ts `recycle`). */
  private readonly blockPool: Uint32Array[] = [];

  newLevel(): Level<S> {
    return new PackedLevel(this.codec, this.words, this.unpackExpanded, this.sameExpanded, this.blockPool);
  }

  seed(s: S): S {
    return s;
  }

  scratch(s: S): S {
    return this.scratchOf(s);
  }

  /**
   * The state last fingerprinted, `s`, as a plain state: the lazy root's
   * fields are accessors, and the model's invariants, observables and goals,
   * written for plain records, ran at half speed on it; so they see a plain
   * record of its fields (codec.ts: `plain`, one object; unpacking the words
   * allocated the whole state for every new state).
   */
  found(s: S): S {
    if (s === this.TRACED) return this.lazyFound !== undefined ? this.lazyFound.at(this.words, 0) : this.unpackFound(this.words, 0);
    const z = this.codec.lazy;
    return z !== undefined && s === z.root ? z.plain() : s;
  }

  /**
   * {@link found} as the workers' levels run alone give it to the invariants:
   * the lazy root's state unpacked from its words into the objects
   * {@link stagedState} fills (the words are `s`'s, last fingerprinted).
   */
  foundAsStaged(s: S): S {
    const z = this.codec.lazy;
    return z !== undefined && s === z.root ? this.unpackFound(this.words, 0) : this.found(s);
  }

  apply(r: number, s: S, a: unknown): S {
    const d = this.scratchOf(s);
    this.sys.rules[r]!.then(d, s, a);
    return d;
  }

  fingerprint(s: S, fp: Uint32Array): void {
    const w = this.words;
    const traced = s === this.TRACED;
    if (!traced) this.packSucc(s, w);
    hashWords(w, w.length, fp);
    const c = this.canon;
    if (c === undefined) return;
    const h = fp[0]!, l = fp[1]!;
    const base = this.cacheSlot(h, l);
    if (c[base] === h && c[base + 1] === l && (h | l) !== 0) {
      fp[0] = c[base + 2]!;
      fp[1] = c[base + 3]!;
      return;
    }
    this.represent(w, traced ? undefined : s, h, l, base, fp, 0);
  }

  /** The first word of the cache entry of a state whose own fingerprint is (h, l). */
  private cacheSlot(h: number, l: number): number {
    return ((l ^ Math.imul(h, 0x9e3779b1)) & this.canonMask) << 2;
  }

  /**
   * A cache miss: canonicalises the words `w` (the state `s`, when the caller
   * has it unpacked), writes the representative's fingerprint to out[o],
   * out[o + 1] and caches it at `base` for own fingerprint (h, l). Both lookups
   * (one successor at a time, and the batched probes) miss through here.
   */
  private represent(w: Uint32Array, s: S | undefined, h: number, l: number, base: number, out: Uint32Array, o: number): void {
    const c = this.canon!;
    if (this.sym) this.sym.canonical(w, this.tmp);
    else this.codec.pack(this.sys.canonicalize!(s ?? this.codec.unpack(w, 0)), this.tmp);
    const fp = this.fpRep;
    hashWords(this.tmp, w.length, fp);
    c[base] = h;
    c[base + 1] = l;
    c[base + 2] = out[o] = fp[0]!;
    c[base + 3] = out[o + 1] = fp[1]!;
  }

  /**
   * Batched probes (finding 3 of session 8). Looking up a successor costs two
   * dependent cache misses, the cache of representatives and then the
   * fingerprint table (together about a fifth of grant 2x2's time, measured
   * 2026-12-03), and one successor waited for the other's misses in turn.
   * Instead, the search stages a state's successors (`stage`: packed words and
   * own hash, copied out of the scratch state), then `resolve` finds their
   * representatives' fingerprints with the cache's reads for all of them in
   * one loop and touches their table slots in another (store.ts `touch`):
   * reads that do not depend on each other, whose misses the processor
   * overlaps. The search then inserts them in order, so ids, parents and
   * transition indices are those of one successor at a time.
   */
  private staged = 0;
  /** Staged successors: words (W a successor), own fingerprints, representatives' fingerprints, cache misses. */
  private sw = new Uint32Array(0);
  private sview: Uint32Array[] = [];
  private sfp = new Uint32Array(0);
  /** The representatives' fingerprints of the staged successors, `rep[2j]`, `rep[2j + 1]` (valid after `resolve`). */
  rep = new Uint32Array(0);
  private smiss = new Uint8Array(0);
  private readonly fpTmp = new Uint32Array(2);
  /** A representative's fingerprint on a cache miss (represent). */
  private readonly fpRep = new Uint32Array(2);
  /** What `touch` read (kept so that the reads are made). */
  private sink = 0;

  /** The number of successors staged since the last `resolve`. */
  get stagedCount(): number {
    return this.staged;
  }

  /** Stages successor `s` (a rule's scratch state, valid until the next rule runs): its words and own hash. */
  stage(s: S): void {
    const j = this.staged++;
    if (j === this.sview.length) this.growStage();
    const w = this.sview[j]!;
    if (s === this.TRACED) w.set(this.words);
    else this.packSucc(s, w);
    hashWords(w, w.length, this.fpTmp);
    this.sfp[2 * j] = this.fpTmp[0]!;
    this.sfp[2 * j + 1] = this.fpTmp[1]!;
  }

  /** Drops the successors staged after the first `to` (a state the window gives back: search.ts `window`). */
  unstage(to: number): void {
    if (to < 0 || to > this.staged) throw new Error(`internal: unstage to ${to} of ${this.staged} staged`);
    this.staged = to;
  }

  private growStage(): void {
    const W = this.codec.words;
    const n = Math.max(64, this.sview.length * 2);
    const sw = new Uint32Array(n * W);
    sw.set(this.sw);
    this.sw = sw;
    this.sview = Array.from({ length: n }, (_, j) => sw.subarray(j * W, (j + 1) * W));
    const grow = <T extends Uint32Array | Uint8Array>(a: T, m: number, make: (k: number) => T): T => {
      const b = make(n * m);
      b.set(a);
      return b;
    };
    this.sfp = grow(this.sfp, 2, (k) => new Uint32Array(k));
    // without symmetry a successor's own fingerprint is its representative's: one array
    this.rep = this.canon === undefined ? this.sfp : grow(this.rep, 2, (k) => new Uint32Array(k));
    this.smiss = grow(this.smiss, 1, (k) => new Uint8Array(k));
  }

  /** The representatives' fingerprints of the staged successors into {@link rep}, their slots of `seen` touched; unstages them. */
  resolve(seen: Pick<FingerprintSet, 'touch'>): number {
    const n = this.staged;
    this.staged = 0;
    const sfp = this.sfp, rep = this.rep, c = this.canon;
    if (c !== undefined) {
      const miss = this.smiss;
      for (let j = 0; j < n; j++) {
        const h = sfp[2 * j]!, l = sfp[2 * j + 1]!;
        const base = this.cacheSlot(h, l);
        if (c[base] === h && c[base + 1] === l && (h | l) !== 0) {
          rep[2 * j] = c[base + 2]!;
          rep[2 * j + 1] = c[base + 3]!;
          miss[j] = 0;
        } else miss[j] = 1;
      }
      for (let j = 0; j < n; j++) {
        if (miss[j] === 0) continue;
        const h = sfp[2 * j]!, l = sfp[2 * j + 1]!;
        this.represent(this.sview[j]!, undefined, h, l, this.cacheSlot(h, l), rep, 2 * j);
      }
    }
    this.sink ^= seen.touch(rep, n);
    return n;
  }

  /** Pushes staged successor j, as state `id`, onto level `lv` (one of this path's). */
  pushStaged(lv: Level<S>, j: number, id: number): void {
    (lv as PackedLevel<S>).pushWords(this.sview[j]!, id);
  }

  /** The packed words of staged successor j (valid until the next `stage` of that index). */
  stagedWords(j: number): Uint32Array {
    return this.sview[j]!;
  }

  /** Staged successor j as a state of its own (unpacked from its words: the model's properties read it). */
  stagedState(j: number): S {
    if (this.lazyFound !== undefined) return this.lazyFound.at(this.sw, j * this.codec.words);
    return this.unpackFound(this.sw, j * this.codec.words);
  }

  checkInput(lv: Level<S>, i: number, s: S): void {
    // traced: no rule saw the expanded state's objects (a miss runs on a fresh unpack, behind a view that refuses writes)
    if (s === this.lazyExpanded?.obj) return;
    // Frozen states catch this on the reference path; here the state is a
    // plain record, so compare it with its packed words.
    if (!(lv as PackedLevel<S>).unchanged(i, s, this.tmp))
      throw new Error(`a rule wrote to its input state instead of the draft (${this.culprit(s)})`);
  }

  keep(s: S): S {
    return this.codec.clone(s);
  }

  /** The name of the first enabled rule that mutates a copy of `s`. */
  private culprit(s: S): string {
    const clone = this.codec.clone;
    for (const rule of this.sys.rules) {
      const probe = clone(s);
      const before = JSON.stringify(probe);
      for (const a of rule.choices ? rule.choices(probe) : [undefined]) {
        if (rule.when && !rule.when(probe, a)) continue;
        rule.then(clone(probe), probe, a);
        if (JSON.stringify(probe) !== before) return `rule ${rule.name}`;
      }
    }
    return 'rule unknown';
  }
}
