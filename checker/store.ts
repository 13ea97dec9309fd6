import { createHash } from 'node:crypto';

/**
 * The store: what the search keeps per distinct state. Fingerprints live in a
 * {@link FingerprintSet} (open addressing over one interleaved Uint32Array, 8
 * bytes a slot, nothing on the JS heap); for each state, in discovery order
 * (its id), {@link ParentLinks} keeps its parent and the index of the parent's
 * transition that led to it, in one 32-bit word. No state itself is kept:
 * traces are rebuilt by replaying the transition indices (trace.ts).
 *
 * Every structure here is a typed array indexed by state id or by slot, so
 * that a later multi-worker search can place them in SharedArrayBuffers.
 */

/** Slots past the last home slot: probing never wraps around, it runs into this margin (an insertion gives up after PAD probes). */
const PAD = 4096;
/** The largest table buffer that grows in place (a growable SharedArrayBuffer reserves this much address space, not memory). */
const MAX_GROWABLE = 2 ** 32 - 65536;
type Growable = SharedArrayBuffer & { readonly growable: boolean; readonly maxByteLength: number; grow(bytes: number): void };
/** Bytes of the flags of a table of `slots` home slots (one byte a slot, the PAD included). */
const flagBytes = (slots: number) => slots + PAD;
/**
 * FingerprintSet: below this many slots the table is in plain arrays, doubled
 * into new ones; from it on in growable buffers, doubled in place. The first
 * touch of a page of new memory faults (1.7-4 us a page on this VM: 8 MiB in
 * 3.5-8.6 ms), and a doubling into new arrays touches all of the new table
 * where one in place touches only the half it adds: with copies up to 2^20
 * slots, ring-weak's table (440,125 states, 2^20 slots at the end) faulted
 * ~7,900 times for 16 MiB of tables; in place from 2^16 the whole search
 * faults ~6,300 times, not ~9,950 (main thread -2 to -3%:
 * docs/perf/2026-12-07e-engine.md). A search that stays below 24,577
 * states (3/4 of 2^15 slots) never makes a growable buffer (4 GiB of address
 * space reserved): a small search keeps its plain array of 2^10 slots.
 */
const IN_PLACE_FROM = 1 << 16;
const growableSab = (bytes: number, max: number): SharedArrayBuffer =>
  new (SharedArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => SharedArrayBuffer)(bytes, { maxByteLength: max });

/**
 * The growable buffers of a finished search's table ({@link FingerprintSet.release}: Search's end), kept
 * for the next table of this thread that reaches {@link IN_PLACE_FROM} slots: a new growable buffer is
 * mapped anew and faults in every page it is written to (1.7-4 us a page), a kept one is resident
 * already and only needs zeroing where it is viewed again (a memset: 8 MiB in ~1 ms). A process that
 * runs many searches (tests, check-all) so pays the faults once, not once a search
 * (docs/perf/2026-12-07f-engine.md). One buffer of each kind (the fingerprints, the ids), the larger
 * kept; none past {@link POOL_MAX} bytes, so a process holds at most ~48 MiB this way after its searches.
 */
const pool: { t: Growable | undefined; ids: Growable | undefined } = { t: undefined, ids: undefined };
/** The largest table buffer {@link pool} keeps: 2^22 slots (32 MiB; its ids 16 MiB). */
const POOL_MAX = ((1 << 22) + PAD) * 8;
/** A released set's table (FingerprintSet.release): no slot, so nothing is found and an insertion fails in `grow`. */
const RELEASED = new Uint32Array(0);

/**
 * A growable buffer of at least `bytes` bytes for a table: the pool's of this kind if it has one (grown to
 * `bytes` if shorter), or a new one. `dirty`: how many of its first bytes may hold an older table's
 * contents (0 for a new one).
 */
function growableFor(kind: 'ids' | 't', bytes: number): { b: Growable; dirty: number } {
  const b = pool[kind];
  if (!b) return { b: growableSab(bytes, kind === 't' ? MAX_GROWABLE : MAX_GROWABLE / 2) as Growable, dirty: 0 };
  pool[kind] = undefined;
  const dirty = b.byteLength;
  if (dirty < bytes) b.grow(bytes);
  return { b, dirty };
}

/**
 * The loops of a table's growth ({@link FingerprintSet} `grow`, `copyGrow`), each a function of its own: a
 * search calls them a few times, each time over the whole table, and a loop inside `grow` or `copyGrow`
 * was thrown away with them whenever a branch of theirs ran for the first time (the first growable
 * buffer at 2^16 slots, the first cluster past the old home slots: "Insufficient type feedback", V8's
 * --trace-deopt), then ran unoptimised until V8 compiled it again on the stack (OSR): 3.7-7 ms of
 * ring-weak's copy at 2^16 slots (docs/perf/2026-12-07h-engine.md). Here their feedback is the same at
 * every call.
 */

/** The entries of `ot` (and their ids, `oi`) inserted into the empty table `t` of `mask + 1` home slots. */
function copyInto(ot: Uint32Array, oi: Uint32Array | undefined, t: Uint32Array, ids: Uint32Array | undefined, mask: number): void {
  const end = mask + 1 + PAD;
  for (let j = 0; j < ot.length >>> 1; j++) {
    const h = ot[2 * j]!, l = ot[2 * j + 1]!;
    if (h === 0 && l === 0) continue;
    let i = (l ^ Math.imul(h, 0x9e3779b1)) & mask;
    while (i < end && (t[2 * i] !== 0 || t[2 * i + 1] !== 0)) i++;
    if (i >= end) throw new Error('internal: a probe ran past the table');
    t[2 * i] = h;
    t[2 * i + 1] = l;
    if (ids) ids[i] = oi![j]!;
  }
}

/**
 * The clusters below slot `low` of a table just doubled in place to `mask + 1` home slots (as
 * SharedFingerprints.replaceInPlace): each entry in ascending order taken out and inserted again, not
 * written when it is at its new home already.
 */
function rehashBelow(t: Uint32Array, ids: Uint32Array | undefined, mask: number, low: number): void {
  const end = mask + 1 + PAD;
  for (let j = 0; j < low; j++) {
    const h = t[2 * j]!, l = t[2 * j + 1]!;
    if (h === 0 && l === 0) continue;
    let i = (l ^ Math.imul(h, 0x9e3779b1)) & mask;
    if (i === j) continue;
    t[2 * j] = 0;
    t[2 * j + 1] = 0;
    while (i < end && (t[2 * i] !== 0 || t[2 * i + 1] !== 0)) i++;
    if (i >= end) throw new Error('internal: a probe ran past the table');
    t[2 * i] = h;
    t[2 * i + 1] = l;
    if (ids) ids[i] = ids[j]!;
  }
}

/**
 * A set of 64-bit fingerprints with linear probing. The all-zero fingerprint
 * marks an empty slot, so a real zero fingerprint is stored as 1. Optionally
 * keeps, per slot, the id (discovery number) of the state, for the graph
 * checks that need to name the target of an edge.
 *
 * As {@link SharedFingerprints}, probing does not wrap around: a home slot is
 * below `capacity` and a probe runs on into {@link PAD} slots past it, in a
 * growable buffer, so the table doubles in place ({@link grow}): the old and
 * the new table are never both in memory (a new array each doubling held both,
 * 64 and 128 MiB at ring-notify 8x64, the peak of the run).
 */
export class FingerprintSet {
  /** Slot i holds the fingerprint in t[2i] (high) and t[2i+1] (low): one cache line per probe. */
  private t: Uint32Array;
  private ids: Uint32Array | undefined;
  private mask: number;
  /**
   * The table's buffer and the ids', growable (a SharedArrayBuffer only for
   * that: no other thread sees them) from {@link IN_PLACE_FROM} slots on;
   * undefined while the table is in plain arrays.
   */
  private tb: Growable | undefined;
  private ib: Growable | undefined;
  /**
   * How many of `tb`'s first 32-bit words may still hold an older table's fingerprints (a buffer taken
   * from the {@link pool}): a view that grows over them zeroes them first. The ids are never zeroed: an id
   * is read only in an occupied slot, which wrote it.
   */
  private dirty = 0;
  size = 0;

  constructor(withIds = false, initialBits = 10) {
    const cap = 1 << initialBits;
    this.t = new Uint32Array((cap + PAD) * 2);
    this.ids = withIds ? new Uint32Array(cap + PAD) : undefined;
    this.mask = cap - 1;
    if (cap >= IN_PLACE_FROM) this.copyGrow(cap); // into growable buffers
  }

  get capacity(): number {
    return this.mask + 1;
  }
  /** The home slots' bytes (the margin of PAD slots, 0.2% at 2^21 slots, left out as before). */
  get bytes(): number {
    return this.capacity * (this.ids ? 12 : 8);
  }
  /**
   * What the next doubling adds to the resident set, for the memory guard:
   * {@link bytes} in place, twice that into new arrays (the old ones are
   * held until then).
   */
  get growthBytes(): number {
    const inPlace = this.tb !== undefined && (2 * this.capacity + PAD) * 8 <= this.tb.maxByteLength;
    return inPlace ? this.bytes : 2 * this.bytes;
  }
  /** Whether the next insertion of a new fingerprint doubles the table (growing it by {@link bytes}). */
  get fullBeforeGrowth(): boolean {
    return (this.size + 1) * 4 > this.capacity * 3;
  }

  /**
   * Inserts the fingerprint; returns -1 if it was new (and stores `id` with
   * it), otherwise the stored id (or 0 when ids are not kept).
   */
  insert(h: number, l: number, id: number): number {
    if (h === 0 && l === 0) l = 1;
    const t = this.t;
    let i = (l ^ Math.imul(h, 0x9e3779b1)) & this.mask;
    for (const end = this.mask + 1 + PAD; i < end; i++) {
      const a = t[2 * i]!;
      const b = t[2 * i + 1]!;
      if (a === 0 && b === 0) {
        t[2 * i] = h;
        t[2 * i + 1] = l;
        if (this.ids) this.ids[i] = id;
        if (++this.size * 4 > this.capacity * 3) this.grow();
        return -1;
      }
      if (a === h && b === l) return this.ids ? this.ids[i]! : 0;
    }
    // PAD probes found neither it nor a free slot: a larger table spreads the cluster
    this.grow();
    return this.insert(h, l, id);
  }

  /**
   * Reads the first slot of each of `n` fingerprints, `fps[2j]` (high) and
   * `fps[2j + 1]` (low), and returns a value made of what it read (the caller
   * keeps it, so the reads are not optimised away). For batched probes
   * (packed.ts): a state's successors' slots are mostly in no cache, and one
   * insert after another waits for each miss in turn; these reads do not
   * depend on each other, so the processor overlaps their misses, and the
   * inserts that follow find the slots in cache. Changes nothing.
   */
  touch(fps: Uint32Array, n: number): number {
    const t = this.t;
    const mask = this.mask;
    let x = 0;
    for (let j = 0; j < n; j++) {
      const h = fps[2 * j]!;
      let l = fps[2 * j + 1]!;
      if (h === 0 && l === 0) l = 1;
      x ^= t[2 * ((l ^ Math.imul(h, 0x9e3779b1)) & mask)]!;
    }
    return x;
  }

  /** The stored id of a fingerprint, or -1. */
  lookup(h: number, l: number): number {
    if (h === 0 && l === 0) l = 1;
    const t = this.t;
    let i = (l ^ Math.imul(h, 0x9e3779b1)) & this.mask;
    for (const end = this.mask + 1 + PAD; i < end; i++) {
      const a = t[2 * i]!;
      const b = t[2 * i + 1]!;
      if (a === 0 && b === 0) return -1;
      if (a === h && b === l) return this.ids ? this.ids[i]! : 0;
    }
    return -1;
  }

  /** Calls `f` with every fingerprint stored (as stored: a zero one as (0, 1)) and its id (0 without ids), in slot order. */
  forEach(f: (h: number, l: number, id: number) => void): void {
    const t = this.t, ids = this.ids;
    for (let j = 0, end = this.mask + 1 + PAD; j < end; j++) {
      const h = t[2 * j]!, l = t[2 * j + 1]!;
      if (h !== 0 || l !== 0) f(h, l, ids ? ids[j]! : 0);
    }
  }

  /**
   * Doubles the table in place (SharedFingerprints.growInPlace and
   * replaceInPlace, single-threaded and with the ids): the buffers grow,
   * then every entry is taken out and inserted again, in slot order, with
   * the new mask (the same table as taking each cluster, a run of occupied
   * slots, out whole and inserting its entries again). An entry's new
   * home is its old one or that plus the old capacity c: entries that keep
   * their home land within their old cluster's span, the others at c or
   * beyond. So the cluster that runs past c (if any) goes first, then the
   * clusters below it in ascending order: none of them had anything placed
   * in it before it is taken out. Past the buffers' reservation (4 GiB), a
   * new table instead.
   */
  private grow(): void {
    if (this.t === RELEASED) throw new Error('internal: a fingerprint table used after its search released it');
    const c = this.capacity, cap = 2 * c;
    if (!this.tb || (cap + PAD) * 8 > this.tb.maxByteLength) return this.copyGrow(cap);
    // a buffer from the pool may be longer already (it never shrinks); what the view adds is zeroed where an older table wrote
    if (this.tb.byteLength < (cap + PAD) * 8) this.tb.grow((cap + PAD) * 8);
    this.t = new Uint32Array(this.tb, 0, (cap + PAD) * 2);
    if (this.dirty > (c + PAD) * 2) this.t.fill(0, (c + PAD) * 2, Math.min(this.dirty, (cap + PAD) * 2));
    if (this.ib) {
      if (this.ib.byteLength < (cap + PAD) * 4) this.ib.grow((cap + PAD) * 4);
      this.ids = new Uint32Array(this.ib, 0, cap + PAD);
    }
    this.mask = cap - 1;
    const t = this.t;
    let low = c;
    if (t[2 * c] !== 0 || t[2 * c + 1] !== 0) {
      // the cluster that runs past the old home slots
      let a0 = c, e = c;
      while (a0 > 0 && (t[2 * (a0 - 1)] !== 0 || t[2 * a0 - 1] !== 0)) a0--;
      while (t[2 * (e + 1)] !== 0 || t[2 * e + 3] !== 0) e++;
      this.replace(a0, e + 1);
      low = a0;
    }
    rehashBelow(t, this.ids, this.mask, low);
  }

  /** A cluster's entries (high, low, id) while {@link replace} re-places them. */
  private rbuf = new Uint32Array(3 * 64);

  /** Takes the entries of slots [from, to) out and inserts them again, in order, with the current mask. */
  private replace(from: number, to: number): void {
    const t = this.t, ids = this.ids;
    if (3 * (to - from) > this.rbuf.length) {
      let n = this.rbuf.length;
      while (n < 3 * (to - from)) n *= 2;
      this.rbuf = new Uint32Array(n);
    }
    const buf = this.rbuf;
    let nb = 0;
    for (let j = from; j < to; j++) {
      buf[nb++] = t[2 * j]!;
      buf[nb++] = t[2 * j + 1]!;
      buf[nb++] = ids ? ids[j]! : 0;
      t[2 * j] = 0;
      t[2 * j + 1] = 0;
    }
    const mask = this.mask, end = mask + 1 + PAD;
    for (let x = 0; x < nb; x += 3) {
      const h = buf[x]!, l = buf[x + 1]!;
      let i = (l ^ Math.imul(h, 0x9e3779b1)) & mask;
      while (i < end && (t[2 * i] !== 0 || t[2 * i + 1] !== 0)) i++;
      if (i >= end) throw new Error('internal: a probe ran past the table');
      t[2 * i] = h;
      t[2 * i + 1] = l;
      if (ids) ids[i] = buf[x + 2]!;
    }
  }

  /**
   * The table at `cap` slots in new buffers: plain arrays below {@link
   * IN_PLACE_FROM} slots, growable buffers from there on, fixed ones past
   * their reservation (4 GiB).
   */
  private copyGrow(cap: number): void {
    const ot = this.t, oi = this.ids;
    let tb: Growable | undefined, ib: Growable | undefined;
    let t: Uint32Array, ids: Uint32Array | undefined;
    let dirty = 0;
    if (cap < IN_PLACE_FROM) {
      t = new Uint32Array((cap + PAD) * 2);
      ids = oi ? new Uint32Array(cap + PAD) : undefined;
    } else if ((cap + PAD) * 8 <= MAX_GROWABLE) {
      // growable: a finished search's buffer if this thread has one (pool), zeroed where viewed
      const g = growableFor('t', (cap + PAD) * 8);
      tb = g.b;
      ib = oi ? growableFor('ids', (cap + PAD) * 4).b : undefined;
      t = new Uint32Array(tb, 0, (cap + PAD) * 2);
      dirty = g.dirty >>> 2;
      if (dirty > 0) t.fill(0, 0, Math.min(dirty, t.length));
      ids = ib ? new Uint32Array(ib, 0, cap + PAD) : undefined;
    } else {
      tb = new SharedArrayBuffer((cap + PAD) * 8) as Growable;
      ib = oi ? (new SharedArrayBuffer((cap + PAD) * 4) as Growable) : undefined;
      t = new Uint32Array(tb, 0, (cap + PAD) * 2);
      ids = ib ? new Uint32Array(ib, 0, cap + PAD) : undefined;
    }
    const mask = cap - 1;
    copyInto(ot, oi, t, ids, mask);
    this.tb = tb;
    this.ib = ib;
    this.dirty = dirty;
    this.t = t;
    this.ids = ids;
    this.mask = mask;
  }

  /**
   * The search that owns this set is over (Search's end): its growable buffers go to the {@link pool} for
   * the next table of this thread (the larger of the two kept, none past {@link POOL_MAX} bytes). This set
   * must not be used afterwards: it finds nothing, and an insertion throws.
   */
  release(): void {
    const keep = (kind: 'ids' | 't', b: Growable | undefined) => {
      if (b && b.growable && b.byteLength <= POOL_MAX / (kind === 't' ? 1 : 2) && (pool[kind]?.byteLength ?? -1) < b.byteLength) pool[kind] = b;
    };
    keep('t', this.tb);
    keep('ids', this.ib);
    this.tb = this.ib = undefined;
    this.t = RELEASED;
    this.ids = undefined;
    this.mask = 0;
    this.size = 0;
    this.dirty = 0;
  }
}

/** The byte lengths of the growable buffers this thread keeps for its next table (FingerprintSet.release; tests). */
export const pooledTableBytes = (): { t: number; ids: number } => ({ t: pool.t?.byteLength ?? 0, ids: pool.ids?.byteLength ?? 0 });

/** ParentLinks as arrays a worker can be sent (ParentLinks.toTransfer). */
export interface LinksTransfer {
  readonly chunks: Uint32Array[];
  readonly n: number;
  readonly starts: Uint32Array;
  readonly plevel: number;
  readonly wide: [number, number][];
}

/** A growable Uint32Array. */
export class Grow {
  a: Uint32Array;
  n = 0;
  constructor(cap = 1 << 16) {
    this.a = new Uint32Array(cap);
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Uint32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

/** The parent of an initial state. */
export const NO_PARENT = 0xffffffff;

/** Entries per chunk of {@link ParentLinks} (2^16 words, 256 KiB). */
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
/** A link word that did not fit; the link is in `ParentLinks.wide`. */
const WIDE = 0xffffffff;

/**
 * Per state id: its parent's id ({@link NO_PARENT} for an initial state) and
 * the index of the transition of the parent that produced it (for an initial
 * state: its index in the system's `init`).
 *
 * Four bytes a state. Ids follow BFS order, so the ids of one level are
 * contiguous and a parent is in the level just before its child: the link
 * stores the parent's position within its level (24 bits) and the transition
 * index (8 bits), and the first id of every level is kept apart (one word a
 * level). A link that does not fit (a level wider than 2^24 - 2 states, a
 * transition index above 255) goes to a side map. The words live in chunks
 * of 2^16, so the memory is the states' count rounded up to a chunk, never a
 * doubled array.
 */
export class ParentLinks {
  private readonly chunks: Uint32Array[] = [];
  private n = 0;
  /** starts.a[L]: the first id of level L. */
  private readonly starts = new Grow(64);
  /** The level of the last parent added (parents come in nondecreasing levels). */
  private plevel = 0;
  /** Links that do not fit a word: id -> parent * 2^16 + k. */
  private readonly wide = new Map<number, number>();

  /** Distinct states so far (the next id). */
  get size(): number {
    return this.n + (this.pending ? this.pending.n : 0);
  }

  /** A level given to {@link addLevel} with `later`, not yet written (see {@link settle}). */
  private pending: { levelFirst: number; pairs: Uint32Array; n: number } | undefined;

  /**
   * Writes the level {@link addLevel} was given with `later`; every method
   * but `size` does it first. Worker 0 of the multi-worker search settles
   * at the start of the next level's expansion, where the other workers
   * take the chunks it does not (it used to add the links while they waited
   * at the next barrier).
   */
  settle(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    this.addLevel(p.levelFirst, p.pairs, p.n);
  }

  add(parent: number, k: number): void {
    this.settle();
    let w: number;
    const st = this.starts;
    if (parent === NO_PARENT) {
      if (st.n > 1) throw new Error('internal: an initial state added after the first level');
      if (st.n === 0) st.push(0);
      w = k;
    } else {
      while (this.plevel + 1 < st.n && parent >= st.a[this.plevel + 1]!) this.plevel++;
      if (parent >= this.n || parent < st.a[this.plevel]!)
        throw new Error('internal: parent links must be added in BFS order');
      if (st.n === this.plevel + 1) st.push(this.n);
      const pos = parent - st.a[this.plevel]!;
      if (k < 256 && pos < 0xffffff) w = pos * 256 + k;
      else {
        w = WIDE;
        this.wide.set(this.n, parent * 0x10000 + k);
      }
    }
    const c = this.n >>> CHUNK_BITS;
    if (c === this.chunks.length) this.chunks.push(new Uint32Array(CHUNK));
    this.chunks[c]![this.n & (CHUNK - 1)] = w;
    this.n++;
  }

  /**
   * Adds `n` states of one level at once, whose parents are all of the level
   * before and in nondecreasing order (a level merged by every worker):
   * `pairs` holds (parent's position in its level, transition) pairs, the
   * level's first id is `levelFirst`. The same words as `add` one by one
   * (test/store), without its per-state search for the parent's level.
   * With `later`, the words are written at the next {@link settle} (or
   * call of another method): `pairs` must not change until then.
   */
  addLevel(levelFirst: number, pairs: Uint32Array, n: number, later = false): void {
    this.settle();
    if (n === 0) return;
    if (later) {
      this.pending = { levelFirst, pairs, n };
      return;
    }
    const st = this.starts;
    if (st.n === 0 || levelFirst !== st.a[st.n - 1] || levelFirst >= this.n) {
      // the parents' level is not the last one begun: add one by one (checks and all)
      for (let x = 0; x < n; x++) this.add(levelFirst + pairs[2 * x]!, pairs[2 * x + 1]!);
      return;
    }
    this.plevel = st.n - 1;
    st.push(this.n);
    let prev = 0;
    for (let x = 0; x < n; x++) {
      const pos = pairs[2 * x]!, k = pairs[2 * x + 1]!;
      if (pos < prev || levelFirst + pos >= st.a[st.n - 1]!) throw new Error('internal: parent links must be added in BFS order');
      prev = pos;
      let w = pos * 256 + k;
      if (k >= 256 || pos >= 0xffffff) {
        w = WIDE;
        this.wide.set(this.n, (levelFirst + pos) * 0x10000 + k);
      }
      const c = this.n >>> CHUNK_BITS;
      if (c === this.chunks.length) this.chunks.push(new Uint32Array(CHUNK));
      this.chunks[c]![this.n & (CHUNK - 1)] = w;
      this.n++;
    }
  }

  /** A SHA-256 digest of every state's link (parent id, transition index), in id order: for tests, that links do not depend on threads or scheduling. */
  digest(): string {
    this.settle();
    const h = createHash('sha256');
    const buf = new Uint32Array(2);
    for (let id = 0; id < this.n; id++) {
      const { parent, k } = this.link(id);
      buf[0] = parent;
      buf[1] = k;
      h.update(buf);
    }
    return h.digest('hex');
  }

  /** Everything the links hold, as structured-clonable arrays (to hand a search over to the workers: parallel.ts). */
  toTransfer(): LinksTransfer {
    this.settle();
    return { chunks: this.chunks.slice(), n: this.n, starts: this.starts.a.slice(0, this.starts.n), plevel: this.plevel, wide: [...this.wide] };
  }
  /** The links {@link toTransfer} gave. */
  static fromTransfer(x: LinksTransfer): ParentLinks {
    const links = new ParentLinks();
    links.chunks.push(...x.chunks);
    links.n = x.n;
    for (const v of x.starts) links.starts.push(v);
    links.plevel = x.plevel;
    for (const [k, v] of x.wide) links.wide.set(k, v);
    return links;
  }

  /** The level (depth) of state `id`. */
  levelOf(id: number): number {
    this.settle();
    const a = this.starts.a;
    let lo = 0, hi = this.starts.n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (a[mid]! <= id) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The parent of `id` and the index of the parent's transition that led to it (the init index at level 0). */
  link(id: number): { parent: number; k: number } {
    this.settle();
    if (id < 0 || id >= this.n) throw new RangeError(`no state ${id}`);
    const w = this.chunks[id >>> CHUNK_BITS]![id & (CHUNK - 1)]!;
    const L = this.levelOf(id);
    if (L === 0) return { parent: NO_PARENT, k: w };
    if (w === WIDE) {
      const x = this.wide.get(id)!;
      return { parent: Math.floor(x / 0x10000), k: x % 0x10000 };
    }
    return { parent: this.starts.a[L - 1]! + (w >>> 8), k: w & 255 };
  }

  get bytes(): number {
    this.settle();
    return this.chunks.length * CHUNK * 4 + this.starts.a.byteLength + this.wide.size * 48;
  }
}

/** The `flag` argument of {@link SharedFingerprints.insert} that marks a new state as found in the level being expanded. */
export const FLAG = 0x80000000;

/**
 * The fingerprint table of the multi-worker search: one open-addressing
 * table in a SharedArrayBuffer that every worker probes and inserts into
 * without a lock (Laarman, van de Pol, Weber, "Boosting multi-core
 * reachability performance with shared hash tables", FMCAD 2010). A slot is
 * two 32-bit words; a worker claims an empty slot by compare-and-swap of its
 * high word, then stores the low word; a reader that finds the high word but
 * not yet the low one waits for it. Fingerprints are 63 bits (the high
 * word's top bit stays clear). The table never grows while workers probe it:
 * it grows between levels.
 *
 * States inserted during the current level are flagged in a byte beside
 * each slot ({@link flags}: 16 MiB for 2^24 slots, where the table is
 * 128 MiB) holding the level's {@link stamp}, so no one clears them between
 * levels ({@link nextStamp}), and a worker sets its own byte with a plain
 * store. They were a bit array before (session 16), set by an atomic OR a
 * new state (12% of a worker's CPU at ring-notify 8x64) and cleared whole
 * after each level; and before that the high word's top bit, cleared by the
 * merge with a store to a random slot of the big table for each new state
 * (a cache miss each: 0.5-1.9 s a worker).
 *
 * Linear probing does not wrap around: a state's home slot is below
 * `capacity`, and its probe runs on into {@link PAD} slots past the end. The
 * buffer is a growable SharedArrayBuffer, so the table doubles in place
 * ({@link rehash}): the old and the new table are never both in memory (at
 * ring-notify 8x64 the last doubling held 64 MiB and 128 MiB at once, the
 * peak of the run).
 */
export class SharedFingerprints {
  /** A view of fixed length (a view that tracks a growable buffer's length is several times slower to index). */
  readonly t: Uint32Array;
  /** One byte a slot: the level's stamp when the state was inserted in the current level ({@link stamp}). */
  readonly flags: Uint8Array;
  /**
   * The current level's stamp (1 to 255): a slot is flagged when its byte
   * is this. Each worker sets it as a level starts ({@link nextStamp}:
   * worker 0 as a level ends), so no one clears the flags between levels.
   */
  stamp = 1;
  readonly mask: number;
  /** Per slot, the id of its state (when the AG EF check needs the target of every edge); set by worker 0. */
  readonly ids: Uint32Array | undefined;
  constructor(
    readonly sab: SharedArrayBuffer,
    readonly flagsSab: SharedArrayBuffer,
    readonly idsSab?: SharedArrayBuffer,
  ) {
    const words = sab.byteLength >>> 2;
    this.t = new Uint32Array(sab, 0, words);
    this.mask = (words >>> 1) - PAD - 1;
    this.flags = new Uint8Array(flagsSab, 0, flagBytes(this.mask + 1));
    this.ids = idsSab ? new Uint32Array(idsSab, 0, (words >>> 1)) : undefined;
  }
  static create(slots: number, withIds = false): SharedFingerprints {
    const bytes = (slots + PAD) * 8;
    const sab = bytes <= MAX_GROWABLE ? growableSab(bytes, MAX_GROWABLE) : new SharedArrayBuffer(bytes);
    const flags = growableSab(flagBytes(slots), flagBytes(MAX_GROWABLE / 8));
    return new SharedFingerprints(sab, flags, withIds ? new SharedArrayBuffer((slots + PAD) * 4) : undefined);
  }
  get capacity(): number {
    return this.mask + 1;
  }
  /** Calls `f` with each fingerprint the table holds (flagged or not), in slot order. */
  forEachEntry(f: (h: number, l: number, slot: number) => void): void {
    const t = this.t;
    for (let i = 0; 2 * i < t.length; i++) if (t[2 * i] !== 0) f(t[2 * i]!, t[2 * i + 1]!, i);
  }
  /** Empties the table in place (every thread's view sees it: callers make sure no one else reads it meanwhile). */
  clear(): void {
    this.t.fill(0);
    this.flags.fill(0);
    this.ids?.fill(0);
  }
  /** The table and the ids (the flags are the level's scratch, as the frontier and the claims: not counted). */
  get bytes(): number {
    return this.t.byteLength + (this.ids ? this.ids.byteLength : 0);
  }
  /**
   * Inserts fingerprint (h, l) (h below 2^31 and h, l non-zero: see
   * {@link normHigh}), flagged when `flag` is not 0 (FLAG). Returns
   * slot * 4 + 1 when this call inserted it, slot * 4 + 2 when it was there
   * flagged, slot * 4 when unflagged; 3 when PAD probes found neither it nor
   * a free slot (the table is too full: the caller grows it). The flag is set
   * before the low word is stored, and a reader reads it after it sees the
   * low word: a state found is never taken for unflagged while its inserter
   * is still flagging it.
   */
  insert(h: number, l: number, flag: number): number {
    const t = this.t;
    let i = (l ^ Math.imul(h, 0x9e3779b1)) & this.mask;
    for (const end = i + PAD; i < end; i++) {
      let a = t[2 * i]!;
      if (a === 0) {
        a = Atomics.compareExchange(t, 2 * i, 0, h);
        if (a === 0) {
          // a plain store of a byte of its own (a locked OR of a shared bit-array word was 12% of a worker's
          // CPU on ring-notify 8x64), ordered before the low word's atomic store
          this.flags[i] = flag !== 0 ? this.stamp : 0;
          Atomics.store(t, 2 * i + 1, l);
          return i * 4 + 1;
        }
      }
      if (a === h) {
        // Both loads atomic: the low word's synchronises with its inserter's atomic store, which follows the
        // flag byte's store, so the flag read after it is the inserter's. With a plain load of the low word,
        // a processor that reorders loads (ARM: Apple silicon, Graviton) could read the flag from before it
        // (x86 does not reorder loads; V8 compiles an atomic load to a plain one there).
        let b = Atomics.load(t, 2 * i + 1);
        while (b === 0) b = Atomics.load(t, 2 * i + 1);
        if (b === l) return i * 4 + (Atomics.load(this.flags, i) === this.stamp ? 2 : 0);
      }
    }
    return 3;
  }
  /**
   * FingerprintSet.touch for this table: reads the home slot of each of `n`
   * fingerprints (as they come from hashWords: normalised here as
   * {@link normHigh} and {@link normLow} do) and its flag byte, so that their
   * cache misses overlap before the inserts that follow. Changes nothing.
   */
  touch(fps: Uint32Array, n: number): number {
    const t = this.t, flags = this.flags;
    const mask = this.mask;
    let x = 0;
    for (let j = 0; j < n; j++) {
      const h = fps[2 * j]! & 0x7fffffff || 1;
      const l = fps[2 * j + 1]! || 1;
      const i = (l ^ Math.imul(h, 0x9e3779b1)) & mask;
      x ^= t[2 * i]! ^ flags[i]!;
    }
    return x;
  }

  /** slot * 4 + 2 (flagged) or slot * 4 of a fingerprint present, else -1. */
  lookup(h: number, l: number): number {
    const t = this.t;
    let i = (l ^ Math.imul(h, 0x9e3779b1)) & this.mask;
    for (const end = i + PAD; i < end; i++) {
      const a = Atomics.load(t, 2 * i);
      if (a === 0) return -1;
      if (a === h) {
        let b = Atomics.load(t, 2 * i + 1); // atomic, as in insert: the flag read after it is then its inserter's
        while (b === 0) b = Atomics.load(t, 2 * i + 1);
        if (b === l) return i * 4 + (this.flagged(i) ? 2 : 0);
      }
    }
    return -1;
  }
  /** Clears the flag of a slot (single-threaded: a level run alone). */
  unflag(slot: number): void {
    this.flags[slot] = 0;
  }
  /** Whether the slot carries the flag. */
  flagged(slot: number): boolean {
    return Atomics.load(this.flags, slot) === this.stamp;
  }
  /**
   * Unflags every slot (single-threaded, no worker probing: a level merged)
   * by taking the next stamp; the flags are cleared only when the stamps
   * wrap around (every 255 levels). Returns the new stamp.
   */
  nextStamp(): number {
    if (this.stamp === 255) {
      this.flags.fill(0);
      this.stamp = 1;
    } else this.stamp++;
    return this.stamp;
  }
  /**
   * A table of `slots` slots (at least this one's) with this one's entries,
   * flagged ones left out when `dropFlagged` (single-threaded, no worker
   * probing). The flag stays on the others: a level run alone after an
   * attempt by every worker still finds its states new. Grows this table's
   * buffers in place when it can (no ids kept, a growable buffer): this table
   * must not be used afterwards. Otherwise a new table.
   */
  rehash(slots: number, dropFlagged: boolean): SharedFingerprints {
    if (!this.growsInPlace(slots)) return this.copyTo(slots, dropFlagged);
    const c = this.capacity;
    const { table, low } = this.growInPlace(slots, dropFlagged);
    table.rehashPart(c, 0, low, dropFlagged, false);
    return table;
  }

  /** Whether {@link rehash} to `slots` grows this table in place (no ids kept, a growable buffer large enough). */
  growsInPlace(slots: number): boolean {
    const g = this.sab as Growable;
    return !this.ids && slots >= this.capacity && g.growable && (slots + PAD) * 8 <= g.maxByteLength;
  }

  /**
   * The first step of a rehash in place to `slots` (see {@link growsInPlace}):
   * grows the buffers and re-places the cluster that runs past the old home
   * slots, if any. Returns the grown table (this one must not be used
   * afterwards) and `low`: the clusters below it are left for
   * {@link rehashPart}, which may re-place them in parts at once, one a
   * worker, the parts beginning at empty slots ({@link partStarts}).
   */
  growInPlace(slots: number, dropFlagged: boolean): { table: SharedFingerprints; low: number } {
    const c = this.capacity;
    (this.sab as Growable).grow((slots + PAD) * 8);
    (this.flagsSab as Growable).grow(flagBytes(slots));
    const n = new SharedFingerprints(this.sab, this.flagsSab);
    n.stamp = this.stamp;
    const t = n.t;
    let low = c;
    if (t[2 * c] !== 0) {
      // the cluster that runs past the old home slots
      let a0 = c, e = c;
      while (a0 > 0 && t[2 * (a0 - 1)] !== 0) a0--;
      while (t[2 * (e + 1)] !== 0) e++;
      n.replaceClusters(c, a0, e + 1, dropFlagged, false, true);
      low = a0;
    }
    return { table: n, low };
  }

  /** Where each of `parts` parts of [0, low) begins (an empty slot, or 0), for {@link rehashPart}; the last entry is `low`. */
  partStarts(low: number, parts: number): number[] {
    const t = this.t;
    const starts = [0];
    for (let j = 1; j < parts; j++) {
      let b = Math.max(starts[j - 1]!, Math.floor((low * j) / parts));
      while (b < low && t[2 * b] !== 0) b++;
      starts.push(b);
    }
    starts.push(low);
    return starts;
  }

  /**
   * Re-places, in this table grown in place from `c` home slots
   * ({@link growInPlace}), the clusters that begin in [from, to) (`from` an
   * empty slot or 0, `to` an empty slot or `low`). With `shared`, other
   * workers re-place other parts at the same time (`last`: this is the last
   * part). Entries that keep their home stay inside their cluster, so inside
   * the part; an entry that moves to home k * c + (its old home) is stored
   * with a plain store inside this part's k-th upper span [k * c + from,
   * k * c + to) (the last part's runs on to (k + 1) * c, the top one to the
   * end), which no other part writes; one whose probe runs out of the span
   * is kept for {@link rehashDeferred}, after every part is done (a handful:
   * the clusters across a span's end). A flag is a byte of its slot's, moved
   * with the entry (a part writes only its own slots' bytes). A compare-and-swap for each moved
   * entry instead was slower than one thread alone: a locked instruction
   * waits for its cache miss, plain stores overlap theirs.
   */
  rehashPart(c: number, from: number, to: number, dropFlagged: boolean, shared: boolean, last = true): void {
    this.replaceClusters(c, from, to, dropFlagged, shared, false, last);
  }

  /** Entries {@link rehashPart} kept for {@link rehashDeferred} (high word, low word, flag byte). */
  private deferred: number[] = [];

  /**
   * Inserts the entries this worker's {@link rehashPart} kept, once every
   * part is done; other workers insert theirs at the same time, so each
   * claims its slot by compare-and-swap.
   */
  rehashDeferred(): void {
    const t = this.t, mask = this.mask, end = mask + 1 + PAD, d = this.deferred;
    for (let x = 0; x < d.length; x += 3) {
      const h = d[x]!, l = d[x + 1]!;
      let i = (l ^ Math.imul(h, 0x9e3779b1)) & mask;
      while (i < end && (t[2 * i] !== 0 || Atomics.compareExchange(t, 2 * i, 0, h) !== 0)) i++;
      if (i >= end) throw new Error('internal: a probe ran past the table');
      t[2 * i + 1] = l;
      this.flags[i] = d[x + 2]!;
    }
    this.deferred = [];
  }

  private copyTo(slots: number, dropFlagged: boolean): SharedFingerprints {
    const n = SharedFingerprints.create(slots, this.ids !== undefined);
    n.stamp = this.stamp;
    const t = this.t, nt = n.t, mask = n.mask, ids = this.ids, nids = n.ids;
    for (let j = 0; j < t.length; j += 2) {
      const a = t[j]!;
      if (a === 0) continue;
      const flagged = this.flagged(j >>> 1);
      if (dropFlagged && flagged) continue;
      const l = t[j + 1]!;
      let i = (l ^ Math.imul(a, 0x9e3779b1)) & mask;
      while (i < mask + 1 + PAD && nt[2 * i] !== 0) i++;
      if (i >= mask + 1 + PAD) throw new Error('internal: a probe ran past the table');
      nt[2 * i] = a;
      nt[2 * i + 1] = l;
      if (flagged) n.flags[i] = this.stamp;
      if (ids) nids![i] = ids[j >>> 1]!;
    }
    return n;
  }

  /**
   * Re-places, in this (grown) table, the entries of the table of `c` home
   * slots that filled the clusters beginning in [from, to) (`whole`: the one
   * cluster from..to - 1). Each run of occupied slots (cluster) is taken out
   * whole and its entries inserted again in their order with the new mask.
   * An entry's new home is its old one or that plus a multiple of c; entries
   * that keep their home land within their old cluster's span (linear
   * probing places a subset of a cluster's entries, in the same order, no
   * further than the whole), the others at c or beyond. So a cluster taken
   * out later, at a lower position, never had anything placed in it: the
   * clusters below c are done in ascending order, after the one that runs
   * past c (if any: {@link growInPlace}), whose entries above c would
   * otherwise be in the way of the others' moved entries.
   */
  private replaceClusters(c: number, from: number, to: number, dropFlagged: boolean, shared: boolean, whole: boolean, last = true): void {
    const t = this.t, flags = this.flags;
    let buf = new Uint32Array(256);
    let nb = 0;
    const take = (from: number, to: number) => {
      for (let j = from; j <= to; j++) {
        if (nb + 3 > buf.length) {
          const b = new Uint32Array(buf.length * 2);
          b.set(buf);
          buf = b;
        }
        buf[nb++] = t[2 * j]!;
        buf[nb++] = t[2 * j + 1]!;
        buf[nb++] = flags[j]!;
        t[2 * j] = 0;
        t[2 * j + 1] = 0;
        flags[j] = 0;
      }
    };
    const flush = () => {
      const mask = this.mask;
      for (let x = 0; x < nb; x += 3) {
        const h = buf[x]!, l = buf[x + 1]!, f = buf[x + 2]!;
        if (dropFlagged && f === this.stamp) continue;
        this.place(h, l, f, (l ^ Math.imul(h, 0x9e3779b1)) & mask, c, to, shared, last);
      }
      nb = 0;
    };
    if (whole) {
      take(from, to - 1);
      flush();
      return;
    }
    this.replaceInPlace(c, from, to, dropFlagged, shared, last);
  }

  /**
   * {@link replaceClusters} for the clusters below c, without taking them
   * out: the entries of [from, to) in ascending order, each taken out of its
   * slot and inserted again with the new mask, one at a time. That is the
   * same table, slot for slot, as taking each cluster out whole and
   * inserting its entries again in order: an entry that keeps its home
   * (below c) probes from it and finds its own slot, now empty, at the
   * latest (the earlier entries of its cluster were placed at or below
   * theirs; the later ones are not reached), and one that moves to the
   * upper half goes there in the same order as before. An entry already at
   * its new home (about half of those that keep it) is not written at all;
   * the copy into a buffer and back is gone (47-41 ns an entry moved, one
   * thread: docs/perf/2026-12-06b-engine.md).
   */
  private replaceInPlace(c: number, from: number, to: number, dropFlagged: boolean, shared: boolean, last: boolean): void {
    const t = this.t, flags = this.flags, mask = this.mask, stamp = this.stamp;
    for (let j = from; j < to; j++) {
      const h = t[2 * j]!;
      if (h === 0) continue;
      const l = t[2 * j + 1]!;
      const i = (l ^ Math.imul(h, 0x9e3779b1)) & mask;
      const f = flags[j]!;
      if (i === j && !(dropFlagged && f === stamp)) continue; // at its new home already
      t[2 * j] = 0;
      t[2 * j + 1] = 0;
      if (f !== 0) flags[j] = 0;
      if (dropFlagged && f === stamp) continue;
      this.place(h, l, f, i, c, to, shared, last);
    }
  }

  /**
   * Stores entry (h, l) with flag byte f at the first empty slot from its
   * home i, in a rehash from c home slots; with `shared`, an entry that
   * moves stays inside this part's span of its block (see rehashPart),
   * and one whose probe runs out of it is kept for rehashDeferred.
   */
  private place(h: number, l: number, f: number, i: number, c: number, to: number, shared: boolean, last: boolean): void {
    const t = this.t, end = this.mask + 1 + PAD;
    let stop = end;
    if (shared && i >= c) {
      const k = i & -c; // c is a power of two
      stop = !last ? k + to : k === end - PAD - c ? end : k + c;
    }
    while (i < stop && t[2 * i] !== 0) i++;
    if (i >= stop) {
      if (stop === end) throw new Error('internal: a probe ran past the table');
      this.deferred.push(h, l, f);
      return;
    }
    t[2 * i] = h;
    t[2 * i + 1] = l;
    this.flags[i] = f;
  }
}

/** The high word of a fingerprint as {@link SharedFingerprints} stores it: 31 bits, never 0. */
export const normHigh = (h: number): number => h & 0x7fffffff || 1;
/** The low word: never 0. */
export const normLow = (l: number): number => l || 1;
