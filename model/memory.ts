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
 * - `sc`: a store writes the page at once.
 * - `tso` (x86): each writer (a CPU: frontend or backend) has a FIFO store
 *   buffer; a store is appended to it, a load reads the writer's own newest
 *   buffered store to that location first and memory otherwise, a separate
 *   step ({@link drain}) makes the oldest buffered store visible, and
 *   `xen_mb()` can only complete once the buffer is empty. `xen_wmb()` and
 *   `xen_rmb()` are compiler barriers only (no effect).
 * - `weak` (Arm-like): as `tso`, but any buffered store may become visible
 *   before older ones, unless an `xen_wmb()` separates them (a store tagged
 *   with a later barrier epoch waits for all stores of earlier epochs) or they
 *   are to the same location (coherence: per-location order is kept).
 *   Load reordering (what `xen_rmb()` forbids) is NOT modelled: loads read the
 *   current memory (or the own buffer); see docs/models/ring.md.
 *
 * Everything here is plain data (JSON), usable in immer drafts: a model keeps a
 * `Mem<V>` (the page) and one `StoreBuffer<V>` per writer in its state.
 *
 * @see xen/include/public/io/ring.h (xen_mb, xen_wmb, xen_rmb)
 * @see Linux Documentation/memory-barriers.txt
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

/** A load by the owner of `sb`: its own newest buffered store to `loc`, else the page (store-to-load forwarding). */
export function load<V>(mem: Mem<V>, sb: StoreBuffer<V> | undefined, loc: string): V {
  if (sb) {
    for (let i = sb.stores.length - 1; i >= 0; i--) if (sb.stores[i]!.loc === loc) return sb.stores[i]!.val;
  }
  return mem[loc] as V;
}

/** Whether a store can be issued now (the buffer has room; under `sc` always). */
export const canStore = <V>(mm: MemoryModel, sb: StoreBuffer<V> | undefined, capacity: number): boolean =>
  mm === 'sc' || !sb || sb.stores.length < capacity;

/**
 * A store by the owner of `sb` (both are drafts): under `sc` it writes the
 * page; otherwise it is appended to the buffer, tagged with the current epoch.
 */
export function store<V>(mm: MemoryModel, mem: Mem<V>, sb: { stores: BufferedStore<V>[]; epoch: number }, loc: string, val: V): void {
  if (mm === 'sc') mem[loc] = val;
  else sb.stores.push({ loc, val, epoch: sb.epoch });
}

/** `xen_wmb()`: under `weak` later stores may not become visible before earlier ones; a no-op otherwise (x86 stores are ordered). */
export function wmb<V>(mm: MemoryModel, sb: { stores: BufferedStore<V>[]; epoch: number }): void {
  if (mm === 'weak' && sb.stores.length > 0) sb.epoch = sb.epoch + 1;
}

/** `xen_mb()` may complete: every store of this writer is visible. */
export const mbReady = <V>(sb: StoreBuffer<V> | undefined): boolean => !sb || sb.stores.length === 0;

/** Indices of the buffered stores that may become visible next. */
export function drainable<V>(mm: MemoryModel, sb: StoreBuffer<V>): number[] {
  const n = sb.stores.length;
  if (n === 0 || mm === 'sc') return [];
  if (mm === 'tso') return [0];
  const minEpoch = sb.stores[0]!.epoch;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = sb.stores[i]!;
    if (s.epoch !== minEpoch) break;
    let older = false;
    for (let j = 0; j < i; j++) if (sb.stores[j]!.loc === s.loc) older = true;
    if (!older) out.push(i);
  }
  return out;
}

/** Makes buffered store `i` visible (drafts). When the buffer empties the epoch restarts at 0 (no state depends on old epochs). */
export function drain<V>(mem: Mem<V>, sb: { stores: BufferedStore<V>[]; epoch: number }, i: number): void {
  const s = sb.stores[i]!;
  mem[s.loc] = s.val;
  sb.stores.splice(i, 1);
  if (sb.stores.length === 0) sb.epoch = 0;
  else {
    // Renumber epochs from 0 so equal buffers are equal states.
    const base = sb.stores[0]!.epoch;
    if (base !== 0) {
      for (let j = 0; j < sb.stores.length; j++) sb.stores[j] = { ...sb.stores[j]!, epoch: sb.stores[j]!.epoch - base };
      sb.epoch -= base;
    }
  }
}
