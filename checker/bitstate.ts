/**
 * Lossy state stores (`--store compact|bitstate[:SIZE]`): what the search
 * keeps per visited state when the full 64-bit fingerprint table
 * (store.ts, `FingerprintSet`, 8 bytes a slot plus the load factor) does
 * not fit. Both plug into the search through {@link StateSet}, the part of
 * `FingerprintSet` the search uses; both report an estimate of the
 * probability that a reachable state was never explored, computed as the
 * search runs from what the table actually held at each insertion.
 *
 * - **compact** (hash compaction, Wolper and Leroy, "Reliable hashing without
 *   collision detection", CAV 1993): a table of SIZE bytes (default 64 MiB),
 *   fixed when the search starts, of 32-bit signatures. A state's slot comes
 *   from the high word of its fingerprint, its signature is the low word, so
 *   the two are independent. A new state is wrongly taken for a visited one
 *   only if its signature equals that of a different state met on its probe
 *   sequence: for each new state the store counts the occupied slots it
 *   compared (c_i), and the probability that some state was missed is at most
 *   sum(c_i) / 2^32 (union bound over the comparisons). That is about
 *   n / 2^32 at a low load, against the birthday bound n^2 / 2^65 of the full
 *   table: 4 bytes a slot instead of 8, a higher but reported risk. A table
 *   more than 7/8 full stops the search (`incomplete`, reason `max-memory`):
 *   give a larger SIZE.
 * - **bitstate** (supertrace, Holzmann, "An analysis of bitstate hashing",
 *   FMSD 13(3), 1998): a bit array of m = 8 * SIZE bits (default 16 MiB), k =
 *   3 bit positions per state (double hashing from the 64-bit fingerprint, as
 *   SPIN's -k3). A state is taken as visited when its k bits are all set. When
 *   the i-th new state is inserted, with f_i the fraction of bits already
 *   set, a state not yet visited has its k bits all set (and is missed) with
 *   probability f_i^k; the store sums these: E = sum f_i^k is the expected
 *   number of states missed among those the search met (Holzmann's formula,
 *   with the measured fill instead of its expectation 1 - e^(-k i / m)), and
 *   1 - e^(-E) estimates the probability that at least one was missed. A
 *   missed state's successors may be missed with it, so this is an estimate
 *   of what was lost directly, as SPIN's report; the hash factor m / n says
 *   the same in SPIN's terms (above 100: coverage close to 100%). A bitstate
 *   search that finds no violation ends `incomplete`, never `ok`.
 *
 * Neither keeps state ids: bitstate cannot check AG EF goals (every edge's
 * target is needed); compact keeps them (4 bytes more a slot) when asked.
 */

/** The fingerprint store as the search uses it (FingerprintSet is one). */
export interface StateSet {
  /** -1 if (h, l) was new (and is now stored with `id`), else the stored id (0 when ids are not kept). */
  insert(h: number, l: number, id: number): number;
  /** The stored id of (h, l), or -1. */
  lookup(h: number, l: number): number;
  /** Whether the next new state doubles the table (the memory guard asks first). */
  readonly fullBeforeGrowth: boolean;
  readonly bytes: number;
  /** What the next doubling adds to the resident set (the memory guard asks for it); twice {@link bytes} when absent. */
  readonly growthBytes?: number;
  /** Whether a new state can no longer be stored (a fixed table is full: the search stops, `max-memory`). */
  readonly exhausted?: boolean;
  /** What a lossy store reports (absent for the full table). */
  readonly lossy?: StoreReport;
}

/** The report of a lossy store. */
export interface StoreReport {
  readonly kind: 'compact' | 'bitstate';
  /** Bytes of the table or bit array. */
  readonly bytes: number;
  /** bitstate: bit positions per state. */
  readonly hashes?: number;
  /** compact: bits of the stored signature. */
  readonly signatureBits?: number;
  /** Estimated probability that some state the search met was taken for a visited one. */
  readonly missedProbability: number;
  /** bitstate: expected number of states missed (Holzmann's sum). */
  readonly expectedMissed?: number;
  /** bitstate: bits per stored state (SPIN's hash factor), Infinity with none. */
  readonly hashFactor?: number;
  /** compact: set once the table passed 7/8 of its slots (the search stops, `max-memory`). */
  readonly full?: boolean;
  /**
   * bitstate with the full table first ({@link ExactThenBits}): the states
   * kept exactly before the fold into the bit array, all of them (`states`)
   * when the run never folded; none of them can have been missed.
   */
  readonly exactStates?: number;
  /** bitstate: whether the fingerprints went into the bit array (false: every state was kept exactly). */
  readonly folded?: boolean;
  /** bitstate with the full table first: the most states the table holds before the fold. */
  readonly exactLimit?: number;
}

/** What `--store` asks for. */
export type StoreSpec =
  | { readonly kind: 'full' }
  | {
      readonly kind: 'compact' | 'bitstate';
      readonly bytes: number;
      readonly hashes?: number;
      readonly seed?: number;
      /**
       * bitstate: `--store bitstate` with no SIZE. The search sizes the bit
       * array from its memory budget ({@link autoBitstate}) and keeps its
       * states in the full table until then (`bytes` is then ignored).
       */
      readonly auto?: true;
      /**
       * bitstate: keep the states in the full fingerprint table (exact) while
       * it takes at most this many bytes, then fold them into the bit array
       * of `bytes` and go on there ({@link ExactThenBits}).
       */
      readonly exactBytes?: number;
    };

export const DEFAULT_COMPACT_BYTES = 64 * 1024 * 1024;
/**
 * 64 MiB: 2^29 bits, a hash factor of about 700 at 758k states (P(a state
 * missed) 0.014 on ring-notify 4x32; 16 MiB gave 0.60, docs/scale-out.md).
 */
export const DEFAULT_BITSTATE_BYTES = 64 * 1024 * 1024;
/** Largest bitstate array: 2^35 bits (4 GiB), so that bit indices stay exact doubles. */
export const MAX_BITSTATE_BYTES = 2 ** 32;
/** Largest compact table: 2^30 slots (4 GiB). */
export const MAX_COMPACT_BYTES = 2 ** 32;

/**
 * Parses `full`, `compact[:SIZE]`, `bitstate[:SIZE]` (SIZE as --max-memory:
 * 512M, 1G); `parseSize` is memory.ts's. Returns an error message for
 * anything else.
 */
export function parseStoreSpec(text: string, parseSize: (t: string) => number | string): StoreSpec | string {
  const m = /^(full|compact|bitstate)(?::(.*))?$/.exec(text);
  if (!m) return `--store expects full, compact[:SIZE] or bitstate[:SIZE], got '${text}'`;
  const kind = m[1] as 'full' | 'compact' | 'bitstate';
  if (kind === 'full') return m[2] === undefined ? { kind } : `--store full takes no size (the table grows as needed), got '${text}'`;
  let bytes = kind === 'compact' ? DEFAULT_COMPACT_BYTES : DEFAULT_BITSTATE_BYTES;
  // bitstate with no SIZE: sized from the run's memory budget, exact until then (autoBitstate); a swarm member keeps the 64M default
  if (kind === 'bitstate' && m[2] === undefined) return { kind, bytes, auto: true };
  if (m[2] !== undefined) {
    const n = parseSize(m[2]);
    if (typeof n === 'string') return `--store ${kind}:SIZE: ${n}`;
    bytes = n;
  }
  const max = kind === 'compact' ? MAX_COMPACT_BYTES : MAX_BITSTATE_BYTES;
  if (bytes < 1024 || bytes > max) return `--store ${kind}:SIZE must be between 1K and 4G, got '${m[2]}'`;
  return { kind, bytes };
}

/**
 * `--store bitstate` with no SIZE, for a run whose memory budget is
 * `maxMemory` bytes (--max-memory, by default 3/4 of the machine's): a bit
 * array of a quarter of the budget (a power of two, 1 MiB to 4 GiB), and
 * the states kept exactly in the full table while it takes at most half of
 * that. A run that fits (up to 3/64 of the array's bytes in states: 201 M
 * with a 4 GiB array, 17 GiB of budget) misses nothing; a larger one folds
 * its fingerprints into the array, whose hash factor is then 170 or more
 * (8 x bytes bits over at most 3/64 x bytes states), and goes on there,
 * summing Holzmann's estimate from that state on. Until session 21 the
 * default was a fixed 64 MiB: limiter's 10.8 M states (L3 left out) missed
 * 653 (hash factor 50); they now fit in the table.
 */
/*
 * The array's size is fixed when the search starts, not taken at the fold from
 * the memory left then (note21 item 5, decided in session 22,
 * docs/perf/2026-12-06d-engine.md §3): what is left at the fold is the budget
 * less the resident set, which moves with garbage collection, the load and
 * whatever else the process holds, so the same run would fold into arrays of
 * different sizes and miss different states from one run to the next; a
 * bitstate run whose misses cannot be reproduced cannot be compared with
 * another or re-run to confirm a result. A quarter of the budget is known
 * before the run (the report names it) and leaves the rest for what grows
 * with every state after the fold (parent links, 4-6 bytes a state, and the
 * frontier); `bitstate:SIZE` gives a larger array when the user knows better.
 */
export function autoBitstate(maxMemory: number): { bytes: number; exactBytes: number } {
  const bytes = Math.min(MAX_BITSTATE_BYTES, Math.max(AUTO_BITSTATE_MIN, pow2Floor(maxMemory / 4)));
  return { bytes, exactBytes: bytes / 2 };
}
/** The least array {@link autoBitstate} sizes (a budget under 4 MiB). */
export const AUTO_BITSTATE_MIN = 1 << 20;

/** A store for the search; undefined for the full table (the search's own). `maxMemory`: the run's budget (an auto-sized bit array's, {@link autoBitstate}). */
export function makeStore(spec: StoreSpec | undefined, withIds: boolean, maxMemory?: number): StateSet | undefined {
  if (!spec || spec.kind === 'full') return undefined;
  if (spec.kind === 'compact') return new CompactSet(spec.bytes, withIds);
  if (withIds) throw new Error('--store bitstate cannot check AG EF goals (recoverability needs the target of every edge): select invariants with -i, or use --store compact');
  const sized = spec.auto ? autoBitstate(maxMemory ?? defaultMemoryLimit()) : spec;
  if (sized.exactBytes !== undefined) return new ExactThenBits(sized.bytes, sized.exactBytes, spec.hashes ?? 3, spec.seed ?? 0);
  return new BitStateSet(spec.bytes, spec.hashes ?? 3, spec.seed ?? 0);
}

import { fmix } from './hash.js';
import { defaultMemoryLimit } from './memory.js';
import { FingerprintSet } from './store.js';

const pow2Floor = (n: number): number => 2 ** Math.floor(Math.log2(n));

/** Hash compaction: 32-bit signatures (the low word) at slots chosen by the high word; a fixed table. */
export class CompactSet implements StateSet {
  private readonly t: Uint32Array;
  private readonly ids: Uint32Array | undefined;
  private readonly mask: number;
  private readonly limit: number;
  size = 0;
  /** Occupied slots compared while inserting new states (each a 2^-32 chance of a false match). */
  private compared = 0;

  constructor(bytes: number, withIds = false) {
    const slots = pow2Floor(bytes / (withIds ? 8 : 4));
    this.t = new Uint32Array(slots);
    this.ids = withIds ? new Uint32Array(slots) : undefined;
    this.mask = slots - 1;
    this.limit = Math.floor(slots * 0.875);
  }
  get bytes(): number {
    return this.t.byteLength + (this.ids ? this.ids.byteLength : 0);
  }
  get fullBeforeGrowth(): boolean {
    return false;
  }
  get exhausted(): boolean {
    return this.size >= this.limit;
  }
  private slot(h: number): number {
    return Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  }
  insert(h: number, l: number, id: number): number {
    const sig = l === 0 ? 1 : l;
    const t = this.t;
    let i = this.slot(h) & this.mask;
    let c = 0;
    for (;;) {
      const a = t[i]!;
      if (a === 0) break;
      if (a === sig) return this.ids ? this.ids[i]! : 0;
      c++;
      i = (i + 1) & this.mask;
    }
    if (this.size >= this.limit) throw new Error('internal: insert into a full compact table (the search checks `exhausted` first)');
    t[i] = sig;
    if (this.ids) this.ids[i] = id;
    this.size++;
    this.compared += c;
    return -1;
  }
  lookup(h: number, l: number): number {
    const sig = l === 0 ? 1 : l;
    let i = this.slot(h) & this.mask;
    for (;;) {
      const a = this.t[i]!;
      if (a === 0) return -1;
      if (a === sig) return this.ids ? this.ids[i]! : 0;
      i = (i + 1) & this.mask;
    }
  }
  get lossy(): StoreReport {
    return { kind: 'compact', bytes: this.bytes, signatureBits: 32, missedProbability: Math.min(1, this.compared / 2 ** 32), ...(this.exhausted ? { full: true } : {}) };
  }
}

/** Bitstate hashing: k bits per state in a bit array, positions by double hashing of the fingerprint. */
export class BitStateSet implements StateSet {
  private readonly bits: Uint8Array;
  private readonly m: number;
  private ones = 0;
  private expected = 0;
  size = 0;

  constructor(
    bytes: number,
    readonly hashes = 3,
    /** Diversifies the bit positions (swarm members): another seed, other collisions. */
    private readonly seed = 0,
    /** The array's memory (the multi-worker search's, shared: parallelWorker.ts); a new one when absent. */
    buffer?: ArrayBufferLike,
  ) {
    this.bits = buffer ? new Uint8Array(buffer, 0, bytes) : new Uint8Array(bytes);
    this.m = bytes * 8;
  }
  /** The fraction of the array's bits set (by this object: the multi-worker search sets them from worker 0 only). */
  get fill(): number {
    return this.ones / this.m;
  }
  /** Whether the k bits of (h, l) are all set (a visited state, or a missed one), setting none. */
  has(h: number, l: number): boolean {
    return this.probe(h, l, false);
  }
  get bytes(): number {
    return this.bits.byteLength;
  }
  get fullBeforeGrowth(): boolean {
    return false;
  }
  /** Sets (or tests, `set` false) the k bits of (h, l); returns whether all were set before. */
  private probe(h: number, l: number, set: boolean): boolean {
    const s = this.seed;
    const a = mix(h ^ s, l) >>> 0;
    const b = (mix(l ^ Math.imul(s, 0x9e3779b1), h ^ 0x5bd1e995) | 1) >>> 0;
    const m = this.m;
    let all = true;
    let x = a % m;
    const step = b % m || 1;
    for (let i = 0; i < this.hashes; i++) {
      const byte = Math.floor(x / 8), bit = 1 << (x % 8);
      if ((this.bits[byte]! & bit) === 0) {
        all = false;
        if (!set) return false;
        this.bits[byte]! |= bit;
        this.ones++;
      }
      x += step;
      if (x >= m) x -= m;
    }
    return all;
  }
  /** Sets the bits of a state known to be distinct from those added before (a fold: nothing can be missed, nothing is summed). */
  add(h: number, l: number): void {
    this.probe(h, l, true);
    this.size++;
  }
  /**
   * Sets the k bits of (h, l) by atomic OR, where several workers set parts
   * of a level into a shared array at once (parallelWorker.ts `foldTogether`);
   * returns how many of them were clear (each bit is counted by the one
   * worker whose OR found it clear). Counted by {@link counted}.
   */
  orShared(h: number, l: number): number {
    const s = this.seed;
    const a = mix(h ^ s, l) >>> 0;
    const b = (mix(l ^ Math.imul(s, 0x9e3779b1), h ^ 0x5bd1e995) | 1) >>> 0;
    const m = this.m, bits = this.bits;
    let set = 0;
    let x = a % m;
    const step = b % m || 1;
    for (let i = 0; i < this.hashes; i++) {
      const bit = 1 << (x % 8);
      if ((Atomics.or(bits, Math.floor(x / 8), bit) & bit) === 0) set++;
      x += step;
      if (x >= m) x -= m;
    }
    return set;
  }
  /** Counts `states` added and `ones` bits set by {@link orShared} (every worker's, summed). */
  counted(states: number, ones: number): void {
    this.size += states;
    this.ones += ones;
  }
  insert(h: number, l: number, _id: number): number {
    // a state not visited yet is missed when its k bits are all set already: (ones / m)^k
    const f = this.ones / this.m;
    if (this.probe(h, l, true)) return 0;
    this.expected += f ** this.hashes;
    this.size++;
    return -1;
  }
  lookup(h: number, l: number): number {
    return this.probe(h, l, false) ? 0 : -1;
  }
  get lossy(): StoreReport {
    return {
      kind: 'bitstate',
      bytes: this.bytes,
      hashes: this.hashes,
      missedProbability: 1 - Math.exp(-this.expected),
      expectedMissed: this.expected,
      hashFactor: this.size === 0 ? Infinity : this.m / this.size,
    };
  }
}

/**
 * `--store bitstate` with no SIZE ({@link autoBitstate}): the full
 * fingerprint table (store.ts) while it takes at most `exactBytes`, then,
 * when the next new state would double it past that, every fingerprint it
 * holds goes into a bit array of `bytes` (set, not tested: they are distinct,
 * so nothing is missed and nothing is summed) and the table is dropped; the
 * search goes on in the bit array, which sums Holzmann's estimate from there.
 * A search that fits never allocates the array: its counts are the full
 * table's. The memory guard sees the fold as an allocation of `bytes`
 * ({@link growthBytes}).
 */
export class ExactThenBits implements StateSet {
  private exact: FingerprintSet | undefined = new FingerprintSet(false);
  private bits: BitStateSet | undefined;
  private exactCount = 0;

  constructor(
    private readonly arrayBytes: number,
    private readonly exactBytes: number,
    readonly hashes = 3,
    private readonly seed = 0,
  ) {}
  get size(): number {
    return this.bits ? this.bits.size : this.exact!.size;
  }
  get bytes(): number {
    return this.bits ? this.bits.bytes : this.exact!.bytes;
  }
  /** Whether the next new state folds (the table's doubling would pass `exactBytes`). */
  private get foldsNext(): boolean {
    const e = this.exact;
    return e !== undefined && e.fullBeforeGrowth && 2 * e.bytes > this.exactBytes;
  }
  get fullBeforeGrowth(): boolean {
    return this.exact !== undefined && this.exact.fullBeforeGrowth;
  }
  get growthBytes(): number {
    return this.foldsNext ? this.arrayBytes : this.exact ? this.exact.growthBytes : 0;
  }
  insert(h: number, l: number, id: number): number {
    if (h === 0 && l === 0) l = 1; // as the table stores it, so that a folded fingerprint is found again
    if (this.bits) return this.bits.insert(h, l, id);
    if (this.foldsNext && this.exact!.lookup(h, l) === -1) {
      this.fold();
      return this.bits!.insert(h, l, id);
    }
    return this.exact!.insert(h, l, id) === -1 ? -1 : 0;
  }
  lookup(h: number, l: number): number {
    if (h === 0 && l === 0) l = 1;
    return this.bits ? this.bits.lookup(h, l) : this.exact!.lookup(h, l) === -1 ? -1 : 0;
  }
  private fold(): void {
    const bits = new BitStateSet(this.arrayBytes, this.hashes, this.seed);
    this.exact!.forEach((h, l) => bits.add(h, l));
    this.exactCount = this.exact!.size;
    this.exact = undefined;
    this.bits = bits;
  }
  get lossy(): StoreReport {
    const exactLimit = exactLimitOf(this.exactBytes);
    if (this.bits) return { ...this.bits.lossy, exactStates: this.exactCount, folded: true, exactLimit };
    const n = this.exact!.size;
    return {
      kind: 'bitstate',
      bytes: this.arrayBytes,
      hashes: this.hashes,
      missedProbability: 0,
      expectedMissed: 0,
      hashFactor: n === 0 ? Infinity : (8 * this.arrayBytes) / n,
      exactStates: n,
      folded: false,
      exactLimit,
    };
  }
}

/** The most states {@link ExactThenBits}' table holds in `exactBytes`: it doubles from 1,024 slots while it stays within them, and holds 3/4 of its slots. */
export function exactLimitOf(exactBytes: number): number {
  return (3 / 4) * Math.max(1024, 2 ** Math.floor(Math.log2(exactBytes / 8)));
}

/** A 32-bit mix of two words (murmur3's finaliser, hash.ts, over a combination). */
const mix = (a: number, b: number): number => fmix((a ^ Math.imul(b, 0x85ebca6b)) | 0);
