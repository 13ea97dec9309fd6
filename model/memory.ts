/**
 * Memory models for shared pages, a reusable part of the model API.
 *
 * Under sequential consistency (`sc`) interleaving the steps of two sides is
 * the whole story, and deleting a barrier from io/ring.h changes nothing. Real
 * CPUs are weaker, and the barriers in ring.h (`xen_mb()`, `xen_wmb()`,
 * `xen_rmb()`) exist exactly for that. This module lets a model keep its
 * shared page as a record of named locations (`req_prod`, `ring[3]`, ...) and
 * route every store and load of it through one of three memory models:
 *
 * - `sc`: a store writes the page at once; a load reads the page.
 * - `tso` (x86): each writer (a CPU: frontend or backend) has a FIFO store
 *   buffer; a store is appended to it, a load reads the writer's own newest
 *   buffered store to that location first and memory otherwise, a separate
 *   step ({@link drain}) makes the oldest buffered store visible, and
 *   `xen_mb()` can only complete once the buffer is empty. Loads are not
 *   reordered with loads, so `xen_wmb()` and `xen_rmb()` are compiler
 *   barriers only (no effect).
 * - `weak` (Arm-like): as `tso`, plus
 *   - stores: any buffered store may become visible before older ones, unless
 *     an `xen_wmb()` separates them (a store tagged with a later barrier epoch
 *     waits for all stores of earlier epochs) or they are to the same location
 *     (coherence: per-location order is kept);
 *   - loads: a load may be *satisfied early*, i.e. return the value its
 *     location had at any point since this CPU's last `xen_rmb()`/`xen_mb()`,
 *     not only the current one. Abstraction: a per-CPU record of early loads
 *     ({@link EarlyLoads}, location → value). A separate, non-deterministic
 *     step ({@link loadEarly}, offered by the model where it wants) satisfies
 *     the CPU's *next* load of a location now, remembering the visible value;
 *     when the program reaches that load, {@link load} returns the remembered
 *     value and {@link loaded} uses it up. `xen_rmb()` and `xen_mb()`
 *     ({@link rmb}) drop every early load (loads after the barrier are
 *     satisfied after it). Coherence: at most one early load per location,
 *     taken only after the CPU's previous load of it was used up (so it is
 *     never older than what the CPU already read there), never while the
 *     CPU has its own buffered store to the location, and a store by the CPU
 *     drops its early load of that location (a later load must see it).
 *     Loads of different locations get independent times, as on Arm (no
 *     address dependencies are modelled: ring.h consumers index slots with
 *     their private `req_cons`/`rsp_cons`, and a control dependency does not
 *     order loads).
 *   - load buffering: a store may be *performed early*, before the loads
 *     that precede it in the program ({@link canStoreEarly},
 *     {@link storeEarly}), when it depends on none of them, across
 *     `xen_wmb()` but not across `xen_rmb()`/`xen_mb()` (on arm64 they are
 *     `dmb ishld`/`dmb ish`, which order earlier loads before later stores).
 *     Like early loads, the model offers it where its program allows.
 *
 * The `weak` model is multi-copy atomic as ARMv8 is (one shared page: a store
 * that leaves a buffer is visible to every other CPU at once; its own CPU may
 * read it earlier, by forwarding). docs/models/memory.md maps each Xen barrier
 * to its instruction on x86 and arm64 and lists the litmus tests
 * (test/litmus.test.ts) whose published outcomes the models reproduce, and
 * where `weak` is stronger than ARMv8.
 *
 * Everything here is plain data (JSON), usable in immer drafts: a model keeps a
 * `Mem<V>` (the page), one `StoreBuffer<V>` per writer and, under `weak`, one
 * `EarlyLoads<V>` per reader in its state. Under `sc` and `tso` a model keeps no
 * early loads and never offers the early-load step, so its state graph is the
 * same as without this module's load reordering.
 *
 * @see xen/include/public/io/ring.h (xen_mb, xen_wmb, xen_rmb)
 * @see Linux Documentation/memory-barriers.txt ("READ MEMORY BARRIERS", "CONTROL DEPENDENCIES")
 * @see docs/models/ring.md ("Memory models")
 */

export type MemoryModel = 'sc' | 'tso' | 'weak';
export const MEMORY_MODELS: readonly MemoryModel[] = ['sc', 'tso', 'weak'];

/** A shared page: named locations and their visible values. */
export type Mem<V> = Record<string, V>;

/** A store not yet visible to the other side. `epoch` counts the writer's `xen_wmb()`s before it. */
export interface BufferedStore<V> {
  readonly loc: string;
  readonly val: V;
  readonly epoch: number;
}

/** One writer's store buffer, oldest first; `epoch` is the number of `xen_wmb()` executed while stores were buffered. */
export interface StoreBuffer<V> {
  readonly stores: readonly BufferedStore<V>[];
  readonly epoch: number;
}

export const emptyBuffer = <V>(): StoreBuffer<V> => ({ stores: [], epoch: 0 });

/**
 * Loads of one CPU satisfied early (`weak` only): location → the value it had
 * when the CPU's next load of it was satisfied. Empty under `sc` and `tso`.
 * A location without one is a missing key or a key holding `undefined` (a
 * value is never undefined): the functions below remove one by assigning
 * `undefined`, never `delete`, so that a model may declare the record
 * `keys: 'all'` (model/shape.ts; ring.ts does): every key kept, one hidden
 * class for V8, no fresh object per unpacked state.
 */
export type EarlyLoads<V> = Record<string, V>;

/**
 * A load by the owner of `sb` (and of `early`): its own newest buffered store
 * to `loc` (store-to-load forwarding), else the value its load of `loc` was
 * satisfied early with, else the page. Pure: the caller's step then calls
 * {@link loaded} on its draft to use the early value up.
 */
export function load<V>(mem: Mem<V>, sb: StoreBuffer<V> | undefined, loc: string, early?: EarlyLoads<V>): V {
  if (sb) {
    for (let i = sb.stores.length - 1; i >= 0; i--) if (sb.stores[i]!.loc === loc) return sb.stores[i]!.val;
  }
  if (early) {
    const e = early[loc];
    if (e !== undefined) return e;
  }
  return mem[loc] as V;
}

/** Whether this CPU has a buffered store to `loc`. */
const buffers = <V>(sb: StoreBuffer<V> | undefined, loc: string): boolean => !!sb && sb.stores.some((x) => x.loc === loc);

/**
 * Whether the CPU's next load of `loc` may be satisfied early now: only under
 * `weak`, not twice (the earlier one is not used up yet), and not while the CPU
 * has its own store to `loc` buffered (the load must see that store).
 */
export const canLoadEarly = <V>(mm: MemoryModel, early: EarlyLoads<V> | undefined, sb: StoreBuffer<V> | undefined, loc: string): boolean =>
  mm === 'weak' && !!early && early[loc] === undefined && !buffers(sb, loc);

/** Satisfies the CPU's next load of `loc` now (drafts): it will return the value visible at this moment. */
export function loadEarly<V>(mem: Mem<V>, early: Record<string, V>, loc: string): void {
  early[loc] = mem[loc] as V;
}

/** The program's load of `loc` has happened (drafts): an early value for it is used up, the next load of `loc` is a new one. */
export function loaded<V>(early: Record<string, V> | undefined, loc: string): void {
  if (early && early[loc] !== undefined) (early as Record<string, V | undefined>)[loc] = undefined;
}

/** `xen_rmb()` (and the load half of `xen_mb()`): loads after the barrier are satisfied after it: every early load is dropped (drafts). */
export function rmb<V>(mm: MemoryModel, early: Record<string, V> | undefined): void {
  if (mm !== 'weak' || !early) return;
  for (const k in early) if (early[k] !== undefined) (early as Record<string, V | undefined>)[k] = undefined;
}

/** Whether a store can be issued now (the buffer has room; under `sc` always). */
export const canStore = <V>(mm: MemoryModel, sb: StoreBuffer<V> | undefined, capacity: number): boolean =>
  mm === 'sc' || !sb || sb.stores.length < capacity;

/**
 * A store by the owner of `sb` (both are drafts): under `sc` it writes the
 * page; otherwise it is appended to the buffer, tagged with the current epoch.
 * An early load of `loc` by the same CPU is dropped: a later load of `loc`
 * must see this store (coherence).
 */
export function store<V>(mm: MemoryModel, mem: Mem<V>, sb: { stores: BufferedStore<V>[]; epoch: number }, loc: string, val: V, early?: Record<string, V>): void {
  if (mm === 'sc') mem[loc] = val;
  else sb.stores.push({ loc, val, epoch: sb.epoch });
  loaded(early, loc);
}

/** `xen_wmb()`: under `weak` later stores may not become visible before earlier ones; a no-op otherwise (x86 stores are ordered). */
export function wmb<V>(mm: MemoryModel, sb: { stores: BufferedStore<V>[]; epoch: number }): void {
  if (mm === 'weak' && sb.stores.length > 0) sb.epoch = sb.epoch + 1;
}

/** `xen_mb()` may complete: every store of this writer is visible. */
export const mbReady = <V>(sb: StoreBuffer<V> | undefined): boolean => !sb || sb.stores.length === 0;

/**
 * Indices of the buffered stores that may become visible next: under `tso` the
 * oldest; under `weak` every store of the lowest epoch (no `xen_wmb()` orders
 * it after another buffered store) that has no older buffered store to the
 * same location (coherence). Epochs are not always increasing along the buffer
 * once a store was performed early ({@link storeEarly}): the lowest epoch is
 * taken over the whole buffer.
 */
export function drainable<V>(mm: MemoryModel, sb: StoreBuffer<V>): number[] {
  const n = sb.stores.length;
  if (n === 0 || mm === 'sc') return [];
  if (mm === 'tso') return [0];
  let minEpoch = sb.stores[0]!.epoch;
  for (let i = 1; i < n; i++) if (sb.stores[i]!.epoch < minEpoch) minEpoch = sb.stores[i]!.epoch;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = sb.stores[i]!;
    if (s.epoch !== minEpoch) continue;
    let older = false;
    for (let j = 0; j < i; j++) if (sb.stores[j]!.loc === s.loc) older = true;
    if (!older) out.push(i);
  }
  return out;
}

/**
 * Makes buffered store `i` visible (drafts). When the buffer empties the epoch
 * restarts at 0 (no state depends on old epochs); otherwise epochs are
 * renumbered so that the lowest of the buffer's and the current one is 0.
 */
export function drain<V>(mem: Mem<V>, sb: { stores: BufferedStore<V>[]; epoch: number }, i: number): void {
  const s = sb.stores[i]!;
  mem[s.loc] = s.val;
  sb.stores.splice(i, 1);
  if (sb.stores.length === 0) sb.epoch = 0;
  else {
    // Renumber epochs from 0 so equal buffers are equal states.
    let base = sb.epoch;
    for (const x of sb.stores) if (x.epoch < base) base = x.epoch;
    if (base !== 0) {
      for (let j = 0; j < sb.stores.length; j++) sb.stores[j] = { ...sb.stores[j]!, epoch: sb.stores[j]!.epoch - base };
      sb.epoch -= base;
    }
  }
}

// --- load buffering: a store performed before the loads that precede it

/**
 * Whether a store that comes later in the CPU's program may be performed now,
 * before the loads that precede it (load buffering; `weak` only, as on Arm:
 * x86 never lets a store pass an earlier load). The model decides which
 * stores it offers: only a store whose value and whose execution do not
 * depend on a load not yet performed (no data or control dependency: Arm
 * does not make speculative stores visible), with no `xen_rmb()` or
 * `xen_mb()` between (`dmb ishld` and `dmb ish` order earlier loads before
 * later stores), no access to the same location between (coherence) and no
 * store between that is not performed yet. It may cross `xen_wmb()`s (`dmb
 * ishst` orders stores with stores only): pass how many to {@link storeEarly}.
 */
export const canStoreEarly = <V>(mm: MemoryModel, sb: StoreBuffer<V> | undefined, capacity: number): boolean =>
  mm === 'weak' && !!sb && sb.stores.length < capacity;

/**
 * Performs early a store that comes later in the program (drafts; see
 * {@link canStoreEarly}): it enters the store buffer now, ordered by the
 * `xen_wmb()`s it crossed (`wmbs`) after every store buffered before them.
 * The model records that the store was performed and skips it when the
 * program reaches it. An early load of `loc` is dropped, as by {@link store}.
 */
export function storeEarly<V>(mm: MemoryModel, sb: { stores: BufferedStore<V>[]; epoch: number }, loc: string, val: V, wmbs: number, early?: Record<string, V>): void {
  if (mm !== 'weak') throw new Error(`storeEarly: stores are never performed early under ${mm}`);
  sb.stores.push({ loc, val, epoch: sb.epoch + wmbs });
  loaded(early, loc);
}

// --- torn multi-byte accesses

/**
 * A multi-byte location accessed piece by piece: catalogue B-8 (MirageOS
 * shared-memory-ring 0.4.1, "ring corruption issue due to multi-byte stores
 * and loads": its 32-bit indices were written and read as smaller accesses,
 * so a reader between two pieces saw a value nobody wrote). The location stays
 * one location holding the whole value (a model's state does not change shape
 * between its whole and its torn variant); a torn writer stores it piece by
 * piece, each piece its own step and its own store (store-buffer entry), the
 * other pieces kept from its own newest value; a torn reader loads piece by
 * piece, each its own step, and assembles the pieces with {@link withPiece}.
 * An invariant such as "every index read is one that was written" then
 * catches the value nobody wrote. Exact for a location with one writer (each
 * ring index has one); with two writers a real byte store keeps the other
 * bytes as they are when it becomes visible, this one as they were when it
 * was issued.
 */
/** Piece `i` of `val` (`bits` bits each, `i` = 0 the least significant), for values up to 2^53. */
export const pieceOf = (val: number, i: number, bits: number): number => Math.floor(val / 2 ** (i * bits)) % 2 ** bits;
/** `acc` with piece `i` replaced by `piece`. */
export const withPiece = (acc: number, i: number, piece: number, bits: number): number =>
  acc + (piece - pieceOf(acc, i, bits)) * 2 ** (i * bits);
/** Stores piece `i` of `val` into `loc` (drafts): one store of the CPU's newest value of `loc` with that piece replaced. */
export function storePiece(mm: MemoryModel, mem: Mem<number>, sb: { stores: BufferedStore<number>[]; epoch: number }, loc: string, i: number, val: number, bits: number, early?: Record<string, number>): void {
  store(mm, mem, sb, loc, withPiece(load(mem, sb, loc), i, pieceOf(val, i, bits), bits), early);
}
/** Loads piece `i` of `loc`, as the owner of `sb`/`early` (then {@link loaded} as for a whole load). */
export const loadPiece = (mem: Mem<number>, sb: StoreBuffer<number> | undefined, loc: string, i: number, bits: number, early?: EarlyLoads<number>): number =>
  pieceOf(load(mem, sb, loc, early), i, bits);
