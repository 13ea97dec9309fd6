/**
 * `ring`: the io/ring.h shared ring (ring-spec.md's control structure, Xen's
 * names) with everything ring-notify abstracts away:
 *
 * - 32-bit `RING_IDX` arithmetic that really wraps (`startIndex`), every test
 *   the ring.h macro itself (model/idx32.ts);
 * - request and response slots as in netif.h: a request carries an `id` and a
 *   small abstract payload (a size or gref from `0..payloads-1`), the backend's
 *   response overwrites the slot of the request it answers, the frontend keeps
 *   the set of outstanding ids;
 * - one ring, or the tx/rx pair of a vif sharing one event channel or with
 *   `feature-split-event-channels`;
 * - memory models (model/memory.ts): `sc`, `tso` (FIFO store buffers), `weak`
 *   (stores reorder unless separated by `xen_wmb()`, loads may be satisfied
 *   early unless separated by `xen_rmb()`), each barrier of the ring.h macros
 *   and each consumer's `xen_rmb()` its own named step;
 * - hostile peers: a hostile side may write values from a small adversarial
 *   domain into the shared fields it writes, at any step; the honest side's
 *   defences (XSA-39's `RING_REQUEST_PROD_OVERFLOW` check, XSA-155's
 *   `RING_COPY_REQUEST`, netfront's 2021 response validation) are then checked;
 * - counters for notifications and spurious wake-ups (observables).
 *
 * With the defaults (sc, honest peers, one ring, payloads=1, counters off) the
 * extra fields are functions of the 16 ring-spec.md variables, so the state
 * graph is exactly ring-notify's at every (ringSize, messages, startIndex):
 * test/ringModel.test.ts checks the counts.
 *
 * Ring 0 is the only ring, or the tx ring of the pair; its rules have Xen's
 * plain names (`RING_PUSH_REQUESTS`, `RING_FINAL_CHECK_FOR_REQUESTS.xen_mb`).
 * The rx ring's rules and shared fields carry the prefix `rx.`.
 *
 * @see xen/include/public/io/ring.h
 * @see xen/include/public/io/netif.h
 * @see ../shared/bench/ring-spec.md
 * @see docs/models/ring.md
 */
import { defineModel, type Invariant, type Observable, type Rule } from './core.js';
import { ringDiagram } from './ringView.js';
import { NOTIFY, NR_UNCONSUMED_REQUESTS, RING_FULL, idxAdd, idxLe, idxSub } from './idx32.js';
import { canLoadEarly, canStore, drain, drainable, emptyBuffer, load, loadEarly, loaded, mbReady, rmb, store, wmb, type EarlyLoads, type Mem, type MemoryModel, type StoreBuffer } from './memory.js';
import { boolParam, defineParams, enumParam, intParam, isPowerOfTwo, type ParamsOfSpace } from './params.js';
import { array, int, list, nullable, oneOf, optional, record, union, type Bounded, type Shape } from './shape.js';
import { ringViews } from './views/ring.js';

// --- parameters

export const ringParams = defineParams(
  {
    ringSize: intParam({ default: 4, min: 1, max: 32, doc: 'RING_SIZE, slots in the ring (power of two)', check: isPowerOfTwo }),
    messages: intParam({ default: 8, min: 1, max: 65535, doc: 'requests the frontend sends on each ring' }),
    startIndex: intParam({ default: 0, min: 0, max: 0xffffffff, doc: 'the value every RING_IDX starts at: 0 is SHARED_RING_INIT, any other value a quiescent ring that has carried that many messages (0xfffffffd crosses the 2^32 wrap)' }),
    init: enumParam({ values: ['fresh', 'backend-asleep', 'reattach'] as const, default: 'fresh', doc: 'initial state: fresh (SHARED_RING_INIT, FRONT_RING_INIT, BACK_RING_INIT, both running), backend-asleep (the backend waits for its first event), reattach (a new backend does BACK_RING_ATTACH(rsp_prod) to a ring with requests in flight and a sleeping frontend)' }),
    payloads: intParam({ default: 1, min: 1, max: 8, doc: 'request payload domain 0..payloads-1 (an abstract size or gref); a hostile frontend may also write the invalid value `payloads`' }),
    rings: enumParam({ values: ['one', 'pair'] as const, default: 'one', doc: 'one ring, or the tx/rx pair of a vif' }),
    evtchn: enumParam({ values: ['shared', 'split'] as const, default: 'shared', doc: 'pair only: one event channel for tx and rx, or feature-split-event-channels' }),
    memory: enumParam({ values: ['sc', 'tso', 'weak'] as const, default: 'sc', doc: 'memory model of the shared page: sc, tso (x86 store buffers), weak (Arm-like store and load reordering)' }),
    bufferSize: intParam({ default: 2, min: 1, max: 8, doc: 'tso/weak: store-buffer entries per CPU (a full buffer stalls the next store)' }),
    frontend: enumParam({ values: ['honest', 'hostile'] as const, default: 'honest', doc: 'a hostile frontend may write adversarial values into req_prod, rsp_event and request slots' }),
    backend: enumParam({ values: ['honest', 'hostile'] as const, default: 'honest', doc: 'a hostile backend may write adversarial values into rsp_prod, req_event and response slots' }),
    hostileWrites: intParam({ default: 1, min: 0, max: 4, doc: 'adversarial writes a hostile side may make in one run' }),
    counters: boolParam({ default: false, doc: 'count notifications and spurious wake-ups (observables; multiplies the state space)' }),
  },
  (p) =>
    p.frontend === 'hostile' && p.backend === 'hostile'
      ? 'frontend and backend cannot both be hostile: properties are checked for the honest side'
      : undefined,
);
export type RingParams = ParamsOfSpace<typeof ringParams>;
type P = RingParams;

// --- state

/** Frontend program counter (ring-spec.md §4, plus the barrier steps and `broken`). */
export const F_PROD = 0, F_PUSH = 1, F_CHK = 2, F_NOTIFY = 3, F_CONS = 4, F_FC1 = 5, F_FC2 = 6, F_WAIT = 7, F_PUSH_WMB = 8, F_CHK_MB = 9, F_FC_MB = 10, F_BROKEN = 11,
  /** weak only: read rsp_prod, before its xen_rmb() / before RING_COPY_RESPONSE. */
  F_RMB = 12, F_COPY = 13;
/** Backend program counter. */
export const B_CONS = 0, B_RESP = 1, B_PUSH = 2, B_CHK = 3, B_NOTIFY = 4, B_FC1 = 5, B_FC2 = 6, B_WAIT = 7, B_PUSH_WMB = 8, B_CHK_MB = 9, B_FC_MB = 10, B_BROKEN = 11,
  /** weak only: read req_prod, before its xen_rmb() / before RING_COPY_REQUEST. */
  B_RMB = 12, B_COPY = 13;

/**
 * netif.h's response status values (xen/io/netif.h `NETIF_RSP_*`; Linux's copy
 * names them `XEN_NETIF_RSP_*`). `NETIF_RSP_NULL` answers an auxiliary slot
 * (an extra-info slot); netfront skips such a response without looking at its id.
 */
export const NETIF_RSP_DROPPED = -2, NETIF_RSP_ERROR = -1, NETIF_RSP_OKAY = 0, NETIF_RSP_NULL = 1;
/** The status values a response slot can carry (a hostile backend may write any of them). */
export const NETIF_RSP_STATUSES: readonly number[] = [NETIF_RSP_DROPPED, NETIF_RSP_ERROR, NETIF_RSP_OKAY, NETIF_RSP_NULL];

/**
 * A slot of the shared ring (the union of netif.h's request and response).
 * `val` is the payload of a request (size/gref, abstract) or the status of a
 * response. `idx` is a ghost: the RING_IDX the honest writer wrote it for (used
 * only by properties; never read by a rule to make a decision).
 */
export interface Slot {
  readonly kind: 'empty' | 'request' | 'response';
  readonly id: number;
  readonly val: number;
  readonly idx: number;
}
/** A value of the shared page: an index or a slot. */
export type Word = number | Slot;

/** The frontend's private state for one ring (struct front_ring + driver state). */
export interface Front {
  readonly pc: number;
  readonly req_prod_pvt: number;
  readonly rsp_cons: number;
  /** `__old` of RING_PUSH_REQUESTS_AND_CHECK_NOTIFY (startIndex when not in use). */
  readonly old: number;
  readonly blocked: number;
  /** Bit i set: request id i is `TX_PENDING` (netfront's `tx_link[id]`, set by `xennet_mark_tx_pending` just before the push). */
  readonly outstanding: number;
  /** Bit i set: id i was taken from the free list and its request written, not yet pushed (netfront's `tx_pend_queue`). */
  readonly pendq: number;
  /** Counters only: woken by an event and not yet looked at the ring. */
  readonly woke: number;
  /** Ghost: completed an id that was not TX_PENDING or out of range, or consumed responses while rsp_prod was more than RING_SIZE ahead. */
  readonly bad: number;
  /** Ghost: took an id from an empty free list (TX_LINK_NONE used as an index). */
  readonly idOverrun: number;
  /** Ghost (weak only): the response at rsp_cons was visible in the page when the frontend read rsp_prod (set by consume_response, cleared by RING_COPY_RESPONSE). */
  readonly pub: number;
  /** Ghost: the copy returned a slot older than the rsp_prod that announced it (no xen_rmb() between the loads). */
  readonly reordered: number;
}
/** The backend's private state for one ring (struct back_ring + driver state). */
export interface Back {
  readonly pc: number;
  readonly rsp_prod_pvt: number;
  readonly req_cons: number;
  readonly old: number;
  readonly blocked: number;
  /** RING_COPY_REQUEST: the private copy of the request being handled (null when none). */
  readonly req: Slot | null;
  /** The request passed validation (payload in range). */
  readonly valid: number;
  readonly woke: number;
  /** Ghost: consumed a request while req_prod was impossible (XSA-39). */
  readonly overrun: number;
  /** Ghost: used a payload that was never validated (XSA-155). */
  readonly unvalidated: number;
  /** Ghost: copied a slot that is not the request published at that index. */
  readonly stale: number;
  /** Ghost (weak only): the request at req_cons was visible in the page when the backend read req_prod (set by consume_request, cleared by RING_COPY_REQUEST). */
  readonly pub: number;
  /** Ghost: the copy returned a slot older than the req_prod that announced it (a load satisfied before the req_prod load: no xen_rmb() between them). */
  readonly reordered: number;
}

export interface RingState {
  /** The shared page(s): `req_prod`, `req_event`, `rsp_prod`, `rsp_event`, `ring[k]` (rx ring: `rx.` prefix). */
  readonly mem: Mem<Word>;
  /** Store buffers (tso/weak only), one per CPU: [frontend ring 0, backend ring 0, frontend ring 1, backend ring 1]. */
  readonly sb: readonly StoreBuffer<Word>[];
  /** Loads satisfied early (weak only; empty array otherwise), one record per CPU, indexed as `sb`. */
  readonly early: readonly EarlyLoads<Word>[];
  readonly front: readonly Front[];
  readonly back: readonly Back[];
  /** Event-channel pending bits of the frontend's / backend's port(s). */
  readonly fe_pending: readonly number[];
  readonly be_pending: readonly number[];
  /** Adversarial writes the hostile side has left. */
  readonly hostile: number;
  /** Counters (only with counters=true; 0 otherwise). */
  readonly notifications: number;
  readonly spurious: number;
}
type S = RingState;
type R = Rule<S, P, any>;

const nRings = (p: P) => (p.rings === 'pair' ? 2 : 1);
const chanOf = (p: P, r: number) => (p.rings === 'pair' && p.evtchn === 'split' ? r : 0);
const pre = (r: number) => (r === 0 ? '' : 'rx.');
/** The shared location names of ring r. */
export const loc = (r: number, f: 'req_prod' | 'req_event' | 'rsp_prod' | 'rsp_event'): string => pre(r) + f;
/** The location of slot k of ring r, built once (a string built per call is hashed again by every keyed load of `mem`). */
export const slotLoc = (r: number, k: number): string => ((SLOT_LOCS[r] ??= [])[k] ??= `${pre(r)}ring[${k}]`);
const SLOT_LOCS: string[][] = [];
const feCpu = (r: number) => 2 * r;
const beCpu = (r: number) => 2 * r + 1;
/** The CPU that runs `side` of ring r (the index of its store buffer and early loads). */
const cpuOf = (r: number, side: 'frontend' | 'backend') => (side === 'frontend' ? feCpu(r) : beCpu(r));
/** The name and actor of a per-CPU step of ring r: `store_visible.front`, `rx.hostile_write.back`, ... */
const cpuStep = (r: number, side: 'frontend' | 'backend', step: string) =>
  ({ name: `${pre(r)}${step}.${side === 'frontend' ? 'front' : 'back'}`, actor: `${side}-cpu` });
const EMPTY: Slot = { kind: 'empty', id: 0, val: 0, idx: 0 };
const mm = (p: P): MemoryModel => p.memory as MemoryModel;
const sbOf = (s: S, cpu: number): StoreBuffer<Word> | undefined => s.sb[cpu];
/** A load by a CPU: its own buffered store, else its early-satisfied value (weak), else the page. The step then calls `used`. */
const ld = (s: S, cpu: number, l: string): Word => load(s.mem, sbOf(s, cpu), l, s.early[cpu]);
/** The step has made its loads of these locations: their early values are used up (weak). */
const used = (d: any, cpu: number, ...ls: string[]): void => { for (const l of ls) loaded(d.early[cpu], l); };
const ldIdx = (s: S, cpu: number, l: string): number => ld(s, cpu, l) as number;
const ldSlot = (s: S, cpu: number, l: string): Slot => ld(s, cpu, l) as Slot;
const st = (d: any, p: P, cpu: number, l: string, v: Word): void => store(mm(p), d.mem, d.sb[cpu], l, v, d.early[cpu]);
const room = (s: S, p: P, cpu: number) => canStore(mm(p), sbOf(s, cpu), p.bufferSize);
/** The ring slot of an index: MASK_XEN_RING_IDX / RING_GET_REQUEST. */
const slotOf = (p: P, i: number) => i & (p.ringSize - 1);
/**
 * `[0, 1, ..., n - 1]`, one frozen array per n: choice lists asked for on
 * every state (an `Array.from` per call was 5% of ring-weak's search,
 * measured 2026-12-04 night).
 */
const upTo = (n: number): readonly number[] => (ranges[n] ??= Object.freeze(Array.from({ length: n }, (_, v) => v)));
const ranges: (readonly number[])[] = [];
/** No choice (one frozen empty list: the expansion only reads a rule's choices). */
const NO_CHOICE: readonly never[] = Object.freeze([]);

/**
 * The initial states. `fresh`: what `SHARED_RING_INIT` (indices 0,
 * `req_event = rsp_event = 1`), `FRONT_RING_INIT` and `BACK_RING_INIT` give, at
 * `startIndex` 0; at another `startIndex`, `FRONT_RING_ATTACH` and
 * `BACK_RING_ATTACH` at that index to a quiescent page that has carried
 * `startIndex` messages (every index at `startIndex`, the event indices one
 * past it, as FINAL leaves them: a reachable state of a ring that began with
 * SHARED_RING_INIT). `backend-asleep`: the same, with the backend blocked on
 * its event channel, waiting for its first event (SHARED_RING_INIT's
 * `req_event = 1` asks for it). `reattach`: a backend reconnecting to a ring
 * in use, as netback's `xenvif_map_frontend_data_rings` does: the frontend has
 * pushed k requests (one initial state per k in 1..min(RING_SIZE, messages))
 * and sleeps after `RING_FINAL_CHECK_FOR_RESPONSES` (`rsp_event = rsp_cons + 1`);
 * the old backend is gone (its last `req_event` was `req_cons + 1`, the
 * notification went to it); the new one does `BACK_RING_ATTACH(rsp_prod)`
 * (`req_cons = rsp_prod_pvt = rsp_prod`) and then, as `xenvif_up` ->
 * `xenvif_napi_schedule_or_enable_events` does, checks for requests before it
 * sleeps.
 */
/**
 * The shape of a ring state (model/shape.ts), for the packed path: the shared
 * page's locations (indices are full 32-bit RING_IDX values, slots records),
 * the store buffers and early loads of tso/weak (each entry names its
 * location), both ends' private state. Ghosts and counters get generous
 * bounds.
 */
export const ringShape = (p: P): Shape<S> => {
  const u32 = int(0, 0xffffffff);
  const bit = int(0, 1);
  const ghost = int(0, 3);
  // An id may be TX_LINK_NONE (0xffff): netfront's id from an empty free list.
  const slot = record({ kind: oneOf(['empty', 'request', 'response'] as const), id: int(0, TX_LINK_NONE), val: int(-2, 15), idx: u32 });
  const word = union(u32, slot);
  const idxLocs: string[] = [], slotLocs: string[] = [];
  for (let r = 0; r < nRings(p); r++) {
    for (const f of ['req_prod', 'req_event', 'rsp_prod', 'rsp_event'] as const) idxLocs.push(loc(r, f));
    for (let k = 0; k < p.ringSize; k++) slotLocs.push(slotLoc(r, k));
  }
  const page = (f: (x: Bounded<any>) => Bounded<any>, keys: { keys?: 'all' } = {}) =>
    record(Object.fromEntries([...idxLocs.map((l) => [l, f(u32)] as const), ...slotLocs.map((l) => [l, f(slot)] as const)]), keys);
  const cpus = p.memory === 'sc' ? 0 : 2 * nRings(p);
  const mask = int(0, 2 ** p.ringSize - 1);
  const chans = p.rings === 'pair' && p.evtchn === 'split' ? 2 : 1;
  const count = int(0, 0xffff);
  const state = record({
    mem: page((x) => x),
    sb: array(record({
      stores: list(record({ loc: oneOf([...idxLocs, ...slotLocs]), val: word, epoch: int(0, 15) }), p.bufferSize),
      epoch: int(0, 15),
    }), cpus),
    // every location kept as a key, absent = undefined (memory.ts EarlyLoads): one object per CPU reused by
    // unpackReused and the scratch copy, where a record whose keys come and go was a fresh object per state
    early: array(page((x) => optional(x), { keys: 'all' }), p.memory === 'weak' ? cpus : 0),
    front: array(record({
      pc: int(0, 31), req_prod_pvt: u32, rsp_cons: u32, old: u32, blocked: bit, outstanding: mask, pendq: mask,
      woke: ghost, bad: ghost, idOverrun: ghost, pub: ghost, reordered: ghost,
    }), nRings(p)),
    back: array(record({
      pc: int(0, 31), rsp_prod_pvt: u32, req_cons: u32, old: u32, blocked: bit, req: nullable(slot), valid: bit,
      woke: ghost, overrun: ghost, unvalidated: ghost, stale: ghost, pub: ghost, reordered: ghost,
    }), nRings(p)),
    fe_pending: array(bit, chans),
    be_pending: array(bit, chans),
    hostile: int(0, p.hostileWrites),
    notifications: count,
    spurious: count,
  });
  return { state: state as unknown as Shape<S>['state'] };
};

export const ringInits = (p: P): S[] => {
  if (p.init !== 'reattach') return [ringInit(p)];
  const out: S[] = [];
  for (let k = 1; k <= Math.min(p.ringSize, p.messages); k++) out.push(ringReattach(p, k));
  return out;
};

export const ringInit = (p: P): S => {
  const i = p.startIndex >>> 0;
  const e = idxAdd(i, 1);
  const mem: Record<string, Word> = {};
  const front: Front[] = [];
  const back: Back[] = [];
  const sb: StoreBuffer<Word>[] = [];
  const early: EarlyLoads<Word>[] = [];
  const asleep = p.init === 'backend-asleep';
  for (let r = 0; r < nRings(p); r++) {
    mem[loc(r, 'req_prod')] = i;
    mem[loc(r, 'req_event')] = e;
    mem[loc(r, 'rsp_prod')] = i;
    mem[loc(r, 'rsp_event')] = e;
    for (let k = 0; k < p.ringSize; k++) mem[slotLoc(r, k)] = EMPTY;
    front.push({ pc: F_PROD, req_prod_pvt: i, rsp_cons: i, old: i, blocked: 0, outstanding: 0, pendq: 0, woke: 0, bad: 0, idOverrun: 0, pub: 0, reordered: 0 });
    back.push({ pc: asleep ? B_WAIT : B_CONS, rsp_prod_pvt: i, req_cons: i, old: i, blocked: asleep ? 1 : 0, req: null, valid: 0, woke: 0, overrun: 0, unvalidated: 0, stale: 0, pub: 0, reordered: 0 });
    if (p.memory !== 'sc') sb.push(emptyBuffer(), emptyBuffer());
    if (p.memory === 'weak') early.push({}, {});
  }
  const chans = p.rings === 'pair' && p.evtchn === 'split' ? 2 : 1;
  const hostile = p.frontend === 'hostile' || p.backend === 'hostile' ? p.hostileWrites : 0;
  return { mem, sb, early, front, back, fe_pending: Array(chans).fill(0), be_pending: Array(chans).fill(0), hostile, notifications: 0, spurious: 0 };
};

/** `init=reattach`: k requests pushed and in flight, the frontend asleep, a new backend attached at rsp_prod (see {@link ringInits}). */
export const ringReattach = (p: P, k: number): S => {
  const s0 = ringInit({ ...p, init: 'fresh' });
  const i = p.startIndex >>> 0;
  const mem: Record<string, Word> = { ...s0.mem };
  const front: Front[] = [];
  for (let r = 0; r < s0.front.length; r++) {
    let ids = 0;
    for (let j = 0; j < k; j++) {
      const at = idxAdd(i, j);
      const id = slotOf(p, at);
      mem[slotLoc(r, id)] = { kind: 'request', id, val: 0, idx: at };
      ids |= 1 << id;
    }
    mem[loc(r, 'req_prod')] = idxAdd(i, k);
    front.push({ ...s0.front[r]!, pc: F_WAIT, blocked: 1, req_prod_pvt: idxAdd(i, k), outstanding: ids });
  }
  return { ...s0, mem, front };
};

// --- ring.h predicates, on the values the side loads

/** `!RING_FULL(front) && messages left`. */
export const canProduce = (f: Front, p: P): boolean =>
  !RING_FULL(p.ringSize, f.req_prod_pvt, f.rsp_cons) && idxSub(f.req_prod_pvt, p.startIndex) < p.messages;
/** RING_HAS_UNCONSUMED_RESPONSES on the rsp_prod the frontend sees. */
const hasResponses = (s: S, r: number): boolean => idxSub(ldIdx(s, feCpu(r), loc(r, 'rsp_prod')), s.front[r]!.rsp_cons) !== 0;
/** RING_HAS_UNCONSUMED_REQUESTS on the req_prod the backend sees. */
const hasRequests = (s: S, p: P, r: number): boolean => {
  const b = s.back[r]!;
  return NR_UNCONSUMED_REQUESTS(p.ringSize, ldIdx(s, beCpu(r), loc(r, 'req_prod')), b.req_cons, b.rsp_prod_pvt) !== 0;
};
/** RING_REQUEST_PROD_OVERFLOW: `(prod - rsp_prod_pvt) > RING_SIZE` (blkback/netback's XSA-39 check). */
export const RING_REQUEST_PROD_OVERFLOW = (size: number, prod: number, rsp_prod_pvt: number): boolean => idxSub(prod, rsp_prod_pvt) > size;
/** RING_RESPONSE_PROD_OVERFLOW: `(prod - rsp_cons) > RING_SIZE`. */
export const RING_RESPONSE_PROD_OVERFLOW = (size: number, prod: number, rsp_cons: number): boolean => idxSub(prod, rsp_cons) > size;
/** The first free request id, searching from the slot of `req_prod_pvt` (netfront's free list; with an honest backend always that slot). */
export const freeId = (outstanding: number, from: number, size: number): number => {
  for (let j = 0; j < size; j++) {
    const id = (from + j) & (size - 1);
    if (!(outstanding & (1 << id))) return id;
  }
  return -1;
};

// --- rule factories

/** Options of the honest code; the variants in examples/ turn one off. */
export interface BackendCode {
  /**
   * XSA-39: the check on the req_prod the backend reads, and `broken` when it fails.
   * `netback`: `xenvif_tx_build_gops`'s `req_prod - req_cons > XEN_NETIF_TX_RING_SIZE`
   * ("Impossible number of requests", `xenvif_fatal_tx_err`); `blkback`:
   * `RING_REQUEST_PROD_OVERFLOW` (`req_prod - rsp_prod_pvt > RING_SIZE`, blkback's
   * `__do_block_io_op`); `none`: no check (the XSA-39 bug). The backend of `ring`
   * answers each request before it consumes the next, so at its consume step
   * `rsp_prod_pvt == req_cons` and the two checks agree; they differ in netback's
   * batching backend (the `netif-tx` model).
   */
  readonly reqProdCheck: 'netback' | 'blkback' | 'none';
  /** XSA-155: RING_COPY_REQUEST once, validate and use the copy (false: validate the shared slot, re-read it to use it). */
  readonly copyRequest: boolean;
}
export const honestBackend: BackendCode = { reqProdCheck: 'netback', copyRequest: true };
export interface FrontendCode {
  /**
   * netfront's response checks (`xennet_tx_buf_gc`, the 2021 hardening):
   * `RING_RESPONSE_PROD_OVERFLOW` on the rsp_prod read, then per response a
   * `NETIF_RSP_NULL` status is skipped, an id >= RING_SIZE or one that is not
   * `TX_PENDING` marks the device broken. False: no checks at all.
   */
  readonly validateResponses: boolean;
  /**
   * A stronger check than netfront makes (a named variant, not the default):
   * also broken when rsp_prod is ahead of req_prod_pvt, i.e. the backend
   * answered requests that were never made. netfront does not check this: it
   * copies such a "response" out of a slot that holds one of its own requests
   * and relies on the id checks and on `gnttab_end_foreign_access_ref`.
   */
  readonly rspProdWithinRequests: boolean;
  /**
   * What `xennet_start_xmit` does when the free list of ids is empty. `linux`:
   * nothing: `get_id_from_list` returns `TX_LINK_NONE` (0xffff) and
   * `xennet_tx_setup_grant` uses it as an index into `tx_skbs[]`,
   * `grant_tx_ref[]`, `tx_link[]` (out of bounds; the ghost `idOverrun`). A
   * backend reaches it by answering data requests with `NETIF_RSP_NULL`, which
   * netfront skips without freeing their ids (docs/models/ring.md, "A finding").
   * `broken`: the fix, mark the device broken and send nothing.
   */
  readonly idsExhausted: 'linux' | 'broken';
}
export const honestFrontend: FrontendCode = { validateResponses: true, rspProdWithinRequests: false, idsExhausted: 'linux' };
/** netfront's tx id free list is empty: `get_id_from_list` returns this. */
export const TX_LINK_NONE = 0xffff;

const SEE_RING = 'xen/include/public/io/ring.h';
const fe = (r: number, name: string, doc: string, see: string, when: (s: S, p: P) => boolean, then: (d: any, s: S, p: P) => void): R => ({
  name: pre(r) + name, actor: 'frontend', doc, see, when, then,
});
const be = (r: number, name: string, doc: string, see: string, when: (s: S, p: P) => boolean, then: (d: any, s: S, p: P) => void): R => ({
  name: pre(r) + name, actor: 'backend', doc, see, when, then,
});
const exists = (p: P, r: number) => r < nRings(p);

type BarrierKind = 'mb' | 'wmb' | 'rmb';
const BARRIER_DOC: Record<BarrierKind, string> = {
  mb: 'xen_mb(): wait until every store of this CPU is visible; later loads are satisfied after it',
  wmb: 'xen_wmb(): later stores become visible after earlier ones',
  rmb: 'xen_rmb(): later loads are satisfied after earlier ones (drops every load satisfied early)',
};
/** A barrier step: `xen_mb()` (waits until this CPU's stores are visible, orders loads), `xen_wmb()` (orders stores under weak) or `xen_rmb()` (orders loads under weak). */
export function barrierRule(r: number, side: 'frontend' | 'backend', name: string, at: number, next: number, kind: BarrierKind, enforced = true, see?: string): R {
  const cpu = cpuOf(r, side);
  const pc = (s: S) => (side === 'frontend' ? s.front[r]!.pc : s.back[r]!.pc);
  return {
    name: pre(r) + name,
    actor: side,
    doc: enforced ? BARRIER_DOC[kind] : `xen_${kind}() deleted: no effect`,
    see: see ?? `${SEE_RING} ${name}`,
    when: (s, p) => exists(p, r) && pc(s) === at && (!enforced || kind !== 'mb' || mbReady(sbOf(s, cpu))),
    then: (d, _s, p) => {
      if (enforced && kind === 'wmb') wmb(mm(p), d.sb[cpu]);
      if (enforced && (kind === 'mb' || kind === 'rmb')) rmb(mm(p), d.early[cpu]);
      if (side === 'frontend') d.front[r].pc = next;
      else d.back[r].pc = next;
    },
  };
}
/** The same barrier step with the barrier deleted (for variants). */
export function withoutBarrier(rule: Rule<S, P>): R {
  const m = /^(rx\.)?(.*)$/.exec(rule.name)!;
  const r = m[1] ? 1 : 0;
  const b = BARRIERS.find((x) => x.name === m[2]);
  if (!b) throw new Error(`${rule.name} is not a barrier step`);
  return barrierRule(r, b.side, b.name, b.at, b.next, b.kind, false, b.see);
}
/**
 * The replacements that delete barrier steps, by name (`rx.` for the rx ring):
 * each becomes a no-op step ({@link withoutBarrier}) and, as the deleted
 * barrier no longer orders loads, the CPU's early-load rule may now satisfy
 * loads across it. Use as `deriveModel(ring, { replace: withoutBarriers('consume_request.xen_rmb') })`.
 */
export function withoutBarriers(...names: string[]): Record<string, R> {
  const out: Record<string, R> = {};
  const deleted = new Map<string, Set<string>>();
  for (const name of names) {
    const m = /^(rx\.)?(.*)$/.exec(name)!;
    const b = BARRIERS.find((x) => x.name === m[2]);
    if (!b) throw new Error(`${name} is not a barrier step`);
    const r = m[1] ? 1 : 0;
    out[name] = barrierRule(r, b.side, b.name, b.at, b.next, b.kind, false, b.see);
    const key = `${r}:${b.side}`;
    if (!deleted.has(key)) deleted.set(key, new Set());
    deleted.get(key)!.add(b.name);
  }
  for (const [key, set] of deleted) {
    const [r, side] = key.split(':') as [string, Side];
    const rule = loadEarlyRule(Number(r), side, set);
    out[rule.name] = rule;
  }
  return out;
}
const SEE_RMB_BACK = 'drivers/net/xen-netback/netback.c xenvif_tx_build_gops "rmb(); /* Ensure that we see the request before we copy it. */" before RING_COPY_REQUEST; drivers/block/xen-blkback/blkback.c __do_block_io_op "rp = ...->sring->req_prod; rmb();"; ring.h xen_rmb';
const SEE_RMB_FRONT = 'drivers/net/xen-netfront.c xennet_tx_buf_gc "prod = queue->tx.sring->rsp_prod; ... rmb(); /* Ensure we see responses up to \'rp\'. */" (xennet_poll: rp = rsp_prod; rmb()); ring.h xen_rmb';
const BARRIERS: readonly { name: string; side: 'frontend' | 'backend'; at: number; next: number; kind: BarrierKind; see?: string }[] = [
  { name: 'RING_PUSH_REQUESTS.xen_wmb', side: 'frontend', at: F_PUSH_WMB, next: F_PUSH, kind: 'wmb' },
  { name: 'RING_PUSH_REQUESTS_AND_CHECK_NOTIFY.xen_mb', side: 'frontend', at: F_CHK_MB, next: F_CHK, kind: 'mb' },
  { name: 'RING_FINAL_CHECK_FOR_RESPONSES.xen_mb', side: 'frontend', at: F_FC_MB, next: F_FC2, kind: 'mb' },
  { name: 'RING_PUSH_RESPONSES.xen_wmb', side: 'backend', at: B_PUSH_WMB, next: B_PUSH, kind: 'wmb' },
  { name: 'RING_PUSH_RESPONSES_AND_CHECK_NOTIFY.xen_mb', side: 'backend', at: B_CHK_MB, next: B_CHK, kind: 'mb' },
  { name: 'RING_FINAL_CHECK_FOR_REQUESTS.xen_mb', side: 'backend', at: B_FC_MB, next: B_FC2, kind: 'mb' },
  // The consumers' read barriers are in the drivers, not in ring.h's macros (RING_FINAL_CHECK_* has xen_mb()).
  { name: 'consume_request.xen_rmb', side: 'backend', at: B_RMB, next: B_COPY, kind: 'rmb', see: SEE_RMB_BACK },
  { name: 'consume_response.xen_rmb', side: 'frontend', at: F_RMB, next: F_COPY, kind: 'rmb', see: SEE_RMB_FRONT },
];
/** Under sc the barrier steps are skipped (they are no-ops), so sc keeps ring-notify's graph. */
const sc = (p: P) => p.memory === 'sc';
/** Loads reorder only under weak: there the consumers read the producer index, run xen_rmb() and copy the slot as three steps; under sc and tso (x86 keeps loads in order, xen_rmb() is a compiler barrier) as one, so their graphs are unchanged. */
const weak = (p: P) => p.memory === 'weak';
const barrier = (name: string) => BARRIERS.find((b) => b.name === name)!;

/** One side's half of RING_PUSH_*_AND_CHECK_NOTIFY, as {@link pushAndNotifyRules} builds it. */
interface PushSide {
  readonly side: 'frontend' | 'backend';
  /** `REQUESTS` or `RESPONSES`, as in the macro's name. */
  readonly what: 'REQUESTS' | 'RESPONSES';
  readonly prod: 'req_prod' | 'rsp_prod';
  readonly pvt: 'req_prod_pvt' | 'rsp_prod_pvt';
  readonly event: 'req_event' | 'rsp_event';
  /** pcs: before the xen_wmb, the push, before the xen_mb, the notify test, the notify, and after (back to consuming). */
  readonly pc: { readonly wmb: number; readonly push: number; readonly mb: number; readonly chk: number; readonly notify: number; readonly after: number };
  /** ring-spec.md rule ids of the push, notify, no-notify and event-channel steps. */
  readonly ids: readonly [string, string, string, string];
  readonly peer: 'frontend' | 'backend';
  readonly remote: 'notify_remote_via_evtchn.front' | 'notify_remote_via_evtchn.back';
}

const PUSH_REQUESTS: PushSide = {
  side: 'frontend', what: 'REQUESTS', prod: 'req_prod', pvt: 'req_prod_pvt', event: 'req_event',
  pc: { wmb: F_PUSH_WMB, push: F_PUSH, mb: F_CHK_MB, chk: F_CHK, notify: F_NOTIFY, after: F_CONS },
  ids: ['F3', 'F4', 'F5', 'F6'], peer: 'backend', remote: 'notify_remote_via_evtchn.front',
};
const PUSH_RESPONSES: PushSide = {
  side: 'backend', what: 'RESPONSES', prod: 'rsp_prod', pvt: 'rsp_prod_pvt', event: 'rsp_event',
  pc: { wmb: B_PUSH_WMB, push: B_PUSH, mb: B_CHK_MB, chk: B_CHK, notify: B_NOTIFY, after: B_CONS },
  ids: ['B4', 'B5', 'B6', 'B7'], peer: 'frontend', remote: 'notify_remote_via_evtchn.back',
};

/**
 * RING_PUSH_REQUESTS_AND_CHECK_NOTIFY (frontend) or
 * RING_PUSH_RESPONSES_AND_CHECK_NOTIFY (backend) on ring `r`, step by step:
 * `xen_wmb()`, `__old = prod; prod = prod_pvt`, `xen_mb()`, the notify test
 * `(RING_IDX)(__new - event) < (RING_IDX)(__new - __old)` either way, and the
 * event-channel notification. ring.h defines the two macros alike; so does this.
 */
function pushAndNotifyRules(r: number, k: PushSide): R[] {
  const cpu = cpuOf(r, k.side);
  const me = (s: S): Front | Back => (k.side === 'frontend' ? s.front[r]! : s.back[r]!);
  const mine = (d: any): any => (k.side === 'frontend' ? d.front[r] : d.back[r]);
  const at = (s: S, p: P, pc: number) => exists(p, r) && me(s).pc === pc;
  const pvt = (s: S) => (me(s) as unknown as Record<string, number>)[k.pvt]!;
  const mk = k.side === 'frontend' ? fe : be;
  const macro = `RING_PUSH_${k.what}_AND_CHECK_NOTIFY`;
  const see = `${SEE_RING} ${macro}`;
  const notifies = (s: S) => NOTIFY(pvt(s), me(s).old, ldIdx(s, cpu, loc(r, k.event)));
  return [
    barrierRule(r, k.side, `RING_PUSH_${k.what}.xen_wmb`, k.pc.wmb, k.pc.push, 'wmb'),
    mk(r, `RING_PUSH_${k.what}`, `${k.ids[0]}: __old = ${k.prod}; ${k.prod} = ${k.pvt} (after the xen_wmb step)`, see,
      (s, p) => at(s, p, k.pc.push) && room(s, p, cpu),
      (d, s, p) => {
        mine(d).old = ldIdx(s, cpu, loc(r, k.prod));
        st(d, p, cpu, loc(r, k.prod), pvt(s));
        mine(d).pc = sc(p) ? k.pc.chk : k.pc.mb;
      }),
    barrierRule(r, k.side, `${macro}.xen_mb`, k.pc.mb, k.pc.chk, 'mb'),
    mk(r, `${macro}.notify`, `${k.ids[1]}: (RING_IDX)(__new - ${k.event}) < (RING_IDX)(__new - __old): notify`, see,
      (s, p) => at(s, p, k.pc.chk) && notifies(s),
      (d, _s, p) => { mine(d).old = p.startIndex; mine(d).pc = k.pc.notify; }),
    mk(r, `${macro}.no_notify`, `${k.ids[2]}: the ${k.peer} asked for no event in (__old, __new]`, see,
      (s, p) => at(s, p, k.pc.chk) && !notifies(s),
      (d, _s, p) => { mine(d).old = p.startIndex; mine(d).pc = k.pc.after; }),
    mk(r, k.remote, `${k.ids[3]}: set the ${k.peer} event channel pending`, 'drivers/xen/events/events_base.c notify_remote_via_evtchn',
      (s, p) => at(s, p, k.pc.notify),
      (d, s, p) => {
        (k.side === 'frontend' ? d.be_pending : d.fe_pending)[chanOf(p, r)] = 1;
        mine(d).pc = k.pc.after;
        if (p.counters) d.notifications = s.notifications + 1;
      }),
  ];
}

/** The frontend's rules for ring r (ring-spec.md F1..F13 plus barrier steps). */
export function frontendRules(r: number, code: FrontendCode = honestFrontend): R[] {
  const cpu = feCpu(r);
  const F = (s: S) => s.front[r]!;
  const at = (s: S, p: P, pc: number) => exists(p, r) && F(s).pc === pc;
  /** RING_COPY_RESPONSE(rsp_cons), validate the id, complete it; rsp_cons++ (`s` is the state before the step: rsp_cons, outstanding unchanged so far). */
  const isPublished = (w: Word, i: number) => typeof w !== 'number' && w.kind === 'response' && w.idx === i;
  const copyResponse = (d: any, s: S, p: P): void => {
    const f = F(s);
    const l = slotLoc(r, slotOf(p, f.rsp_cons));
    const rsp = ldSlot(s, cpu, l);
    used(d, cpu, l);
    if (f.pub && !isPublished(rsp, f.rsp_cons)) d.front[r].reordered = 1;
    d.front[r].pub = 0;
    // A slot that holds no response is read as one (the union of netif.h): an empty slot as id RING_SIZE, a request as its id and status OKAY.
    const status = rsp.kind === 'response' ? rsp.val : NETIF_RSP_OKAY;
    const id = rsp.kind === 'empty' ? p.ringSize : rsp.id;
    if (status === NETIF_RSP_NULL) {
      // xennet_tx_buf_gc: "if (txrsp.status == XEN_NETIF_RSP_NULL) continue;": the id is not looked at.
      d.front[r].rsp_cons = idxAdd(f.rsp_cons, 1);
      return;
    }
    const idBad = id >= p.ringSize || !(f.outstanding & (1 << id));
    if (idBad && code.validateResponses) {
      d.front[r].pc = F_BROKEN; // xennet_tx_buf_gc: "Response has incorrect id" / "Response for inactive request": broken
      return;
    }
    if (idBad) d.front[r].bad = 1;
    else d.front[r].outstanding = f.outstanding & ~(1 << id);
    d.front[r].rsp_cons = idxAdd(f.rsp_cons, 1);
  };
  const produce: R = {
    name: pre(r) + 'produce_request', actor: 'frontend',
    doc: 'F1: take a free id (get_id_from_list), fill RING_GET_REQUEST(req_prod_pvt) with it and a payload, queue the id on tx_pend_queue; req_prod_pvt++',
    see: `${SEE_RING} RING_GET_REQUEST; netif.h netif_tx_request; drivers/net/xen-netfront.c xennet_tx_setup_grant`,
    choices: (_s, p) => upTo(p.payloads),
    showChoice: (v: number) => `payload=${v}`,
    when: (s, p) => at(s, p, F_PROD) && canProduce(F(s), p) && room(s, p, cpu),
    then: (d, s, p, v: number) => {
      const f = F(s);
      const free = freeId(f.outstanding | f.pendq, f.req_prod_pvt, p.ringSize);
      if (free < 0 && code.idsExhausted === 'broken') {
        d.front[r].pc = F_BROKEN;
        return;
      }
      const id = free < 0 ? TX_LINK_NONE : free;
      st(d, p, cpu, slotLoc(r, slotOf(p, f.req_prod_pvt)), { kind: 'request', id, val: v, idx: f.req_prod_pvt });
      if (free < 0) d.front[r].idOverrun = 1;
      else d.front[r].pendq = f.pendq | (1 << id);
      d.front[r].req_prod_pvt = idxAdd(f.req_prod_pvt, 1);
    },
  };
  return [
    produce,
    fe(r, 'stop_producing', 'F2: RING_FULL or no messages left: xennet_mark_tx_pending (every queued id becomes TX_PENDING), then go push', `${SEE_RING} RING_FULL; drivers/net/xen-netfront.c xennet_mark_tx_pending`,
      (s, p) => at(s, p, F_PROD) && !canProduce(F(s), p),
      (d, s, p) => { d.front[r].outstanding = F(s).outstanding | F(s).pendq; d.front[r].pendq = 0; d.front[r].pc = sc(p) ? F_PUSH : F_PUSH_WMB; }),
    ...pushAndNotifyRules(r, PUSH_REQUESTS),
    fe(r, 'consume_response', 'F7: read rsp_prod, check RING_RESPONSE_PROD_OVERFLOW, RING_COPY_RESPONSE(rsp_cons): skip a NETIF_RSP_NULL, check the id (< RING_SIZE, TX_PENDING) as xennet_tx_buf_gc does, complete it; rsp_cons++. Under weak the copy is the RING_COPY_RESPONSE step after consume_response.xen_rmb',
      `${SEE_RING} RING_RESPONSE_PROD_OVERFLOW; drivers/net/xen-netfront.c xennet_tx_buf_gc`,
      (s, p) => at(s, p, F_CONS) && hasResponses(s, r),
      (d, s, p) => {
        const f = F(s);
        const rp = ldIdx(s, cpu, loc(r, 'rsp_prod'));
        used(d, cpu, loc(r, 'rsp_prod'));
        const overflow = RING_RESPONSE_PROD_OVERFLOW(p.ringSize, rp, f.rsp_cons);
        const beyond = code.rspProdWithinRequests && idxSub(rp, f.rsp_cons) > idxSub(f.req_prod_pvt, f.rsp_cons);
        d.front[r].woke = 0;
        if ((overflow || beyond) && code.validateResponses) {
          d.front[r].pc = F_BROKEN; // xennet_tx_buf_gc: "Illegal number of responses": broken
          return;
        }
        if (overflow) d.front[r].bad = 1;
        if (!weak(p)) return copyResponse(d, s, p);
        // Ghost: was the response already visible as rsp_prod was read?
        d.front[r].pub = isPublished(s.mem[slotLoc(r, slotOf(p, f.rsp_cons))]!, f.rsp_cons) ? 1 : 0;
        d.front[r].pc = F_RMB;
      }),
    barrierRule(r, 'frontend', 'consume_response.xen_rmb', F_RMB, F_COPY, 'rmb', true, barrier('consume_response.xen_rmb').see),
    fe(r, 'RING_COPY_RESPONSE', 'F7 (weak: after consume_response.xen_rmb): RING_COPY_RESPONSE(rsp_cons), validate the id, complete it; rsp_cons++',
      `${SEE_RING} RING_COPY_RESPONSE; drivers/net/xen-netfront.c xennet_tx_buf_gc`,
      (s, p) => at(s, p, F_COPY),
      (d, s, p) => { d.front[r].pc = F_CONS; copyResponse(d, s, p); }),
    fe(r, 'RING_FINAL_CHECK_FOR_RESPONSES.empty', 'F8: first check: no unconsumed response', `${SEE_RING} RING_FINAL_CHECK_FOR_RESPONSES`,
      (s, p) => at(s, p, F_CONS) && !hasResponses(s, r),
      (d, s, p) => { used(d, cpu, loc(r, 'rsp_prod')); d.front[r].pc = F_FC1; if (p.counters && F(s).woke) { d.spurious = s.spurious + 1; d.front[r].woke = 0; } }),
    fe(r, 'RING_FINAL_CHECK_FOR_RESPONSES.arm', 'F9: rsp_event = rsp_cons + 1', `${SEE_RING} RING_FINAL_CHECK_FOR_RESPONSES`,
      (s, p) => at(s, p, F_FC1) && room(s, p, cpu),
      (d, s, p) => { st(d, p, cpu, loc(r, 'rsp_event'), idxAdd(F(s).rsp_cons, 1)); d.front[r].pc = sc(p) ? F_FC2 : F_FC_MB; }),
    barrierRule(r, 'frontend', 'RING_FINAL_CHECK_FOR_RESPONSES.xen_mb', F_FC_MB, F_FC2, 'mb'),
    fe(r, 'RING_FINAL_CHECK_FOR_RESPONSES.recheck_work', 'F10: re-check finds a response', `${SEE_RING} RING_FINAL_CHECK_FOR_RESPONSES`,
      (s, p) => at(s, p, F_FC2) && hasResponses(s, r), (d) => { used(d, cpu, loc(r, 'rsp_prod')); d.front[r].pc = F_CONS; }),
    fe(r, 'RING_FINAL_CHECK_FOR_RESPONSES.recheck_empty_produce', 'F11: re-check empty, ring has room: produce more', `${SEE_RING} RING_FINAL_CHECK_FOR_RESPONSES`,
      (s, p) => at(s, p, F_FC2) && !hasResponses(s, r) && canProduce(F(s), p), (d) => { used(d, cpu, loc(r, 'rsp_prod')); d.front[r].pc = F_PROD; }),
    fe(r, 'RING_FINAL_CHECK_FOR_RESPONSES.recheck_empty_block', 'F12: re-check empty: block on the event channel (a blocked CPU loads nothing; its wake-up orders later loads, so its early loads are dropped)', `${SEE_RING} RING_FINAL_CHECK_FOR_RESPONSES`,
      (s, p) => at(s, p, F_FC2) && !hasResponses(s, r) && !canProduce(F(s), p), (d, _s, p) => { rmb(mm(p), d.early[cpu]); d.front[r].pc = F_WAIT; d.front[r].blocked = 1; }),
    upcallRule(r, 'frontend'),
  ];
}

/** The event upcall (F13/B11). With a shared channel one event wakes every blocked handler of that side (ring 0's rule does it). */
function upcallRule(r: number, side: 'frontend' | 'backend'): R {
  const procs = (s: S) => (side === 'frontend' ? s.front : s.back);
  const wait = side === 'frontend' ? F_WAIT : B_WAIT;
  const next = side === 'frontend' ? F_CONS : B_CONS;
  const key = side === 'frontend' ? 'fe_pending' : 'be_pending';
  const mine = (p: P, q: number) => chanOf(p, q) === chanOf(p, r);
  const owner = (p: P) => chanOf(p, r) === r || p.rings === 'one';
  return {
    name: pre(r) + (side === 'frontend' ? 'evtchn_upcall.front' : 'evtchn_upcall.back'),
    actor: side,
    doc: `${side === 'frontend' ? 'F13' : 'B11'}: event delivered: clear pending, wake the blocked handler(s) of this channel`,
    see: 'drivers/xen/events/events_base.c (upcall); drivers/net/xen-netfront.c xennet_interrupt',
    when: (s, p) => exists(p, r) && owner(p) && s[key][chanOf(p, r)] === 1 && procs(s).some((x, q) => mine(p, q) && x.pc === wait),
    then: (d, s, p) => {
      d[key][chanOf(p, r)] = 0;
      procs(s).forEach((x, q) => {
        if (!mine(p, q) || x.pc !== wait) return;
        const t = side === 'frontend' ? d.front[q] : d.back[q];
        t.pc = next;
        t.blocked = 0;
        if (p.counters) t.woke = 1;
      });
    },
  };
}

/** The backend's rules for ring r (ring-spec.md B1..B11 plus barrier steps). */
export function backendRules(r: number, code: BackendCode = honestBackend): R[] {
  const cpu = beCpu(r);
  const B = (s: S) => s.back[r]!;
  const at = (s: S, p: P, pc: number) => exists(p, r) && B(s).pc === pc;
  /** The request published at index i is what the slot holds (ghost check: `idx` is never read by the protocol). */
  const isPublished = (w: Word, i: number) => typeof w !== 'number' && w.kind === 'request' && w.idx === i;
  /** RING_COPY_REQUEST(req_cons) (or, XSA-155 variant, a look at the shared slot), validate; req_cons++ (`s` is the state before the step). */
  const copyRequest = (d: any, s: S, p: P, pub: number): void => {
    const b = B(s);
    const l = slotLoc(r, slotOf(p, b.req_cons));
    const req = ldSlot(s, cpu, l);
    used(d, cpu, l);
    if (!isPublished(req, b.req_cons)) {
      d.back[r].stale = 1;
      if (pub) d.back[r].reordered = 1;
    }
    d.back[r].pub = 0;
    d.back[r].req = req;
    d.back[r].valid = req.val < p.payloads ? 1 : 0;
    d.back[r].req_cons = idxAdd(b.req_cons, 1);
    d.back[r].pc = B_RESP;
  };
  return [
    be(r, 'consume_request',
      code.copyRequest
        ? 'B1: read req_prod, check it (XSA-39: netback\'s req_prod - req_cons > RING_SIZE, or blkback\'s RING_REQUEST_PROD_OVERFLOW), RING_COPY_REQUEST(req_cons) and validate the copy; req_cons++. Under weak the copy is the RING_COPY_REQUEST step after consume_request.xen_rmb'
        : 'B1: read req_prod, validate the request in the shared slot (no private copy); req_cons++',
      `${SEE_RING} RING_REQUEST_PROD_OVERFLOW, RING_COPY_REQUEST; drivers/net/xen-netback/netback.c xenvif_tx_build_gops ("Impossible number of requests"); drivers/block/xen-blkback/blkback.c __do_block_io_op`,
      (s, p) => at(s, p, B_CONS) && hasRequests(s, p, r),
      (d, s, p) => {
        const b = B(s);
        const rp = ldIdx(s, cpu, loc(r, 'req_prod'));
        used(d, cpu, loc(r, 'req_prod'));
        const impossible = RING_REQUEST_PROD_OVERFLOW(p.ringSize, rp, b.rsp_prod_pvt);
        const refused = code.reqProdCheck === 'netback' ? idxSub(rp, b.req_cons) > p.ringSize
          : code.reqProdCheck === 'blkback' ? impossible : false;
        d.back[r].woke = 0;
        if (refused) {
          d.back[r].pc = B_BROKEN; // netback: "Impossible number of requests", xenvif_fatal_tx_err
          return;
        }
        if (impossible) d.back[r].overrun = 1;
        if (!weak(p)) return copyRequest(d, s, p, 0);
        // Ghost: was the request already visible as req_prod was read?
        d.back[r].pub = isPublished(s.mem[slotLoc(r, slotOf(p, b.req_cons))]!, b.req_cons) ? 1 : 0;
        d.back[r].pc = B_RMB;
      }),
    barrierRule(r, 'backend', 'consume_request.xen_rmb', B_RMB, B_COPY, 'rmb', true, barrier('consume_request.xen_rmb').see),
    be(r, 'RING_COPY_REQUEST',
      code.copyRequest
        ? 'B1 (weak: after consume_request.xen_rmb): RING_COPY_REQUEST(req_cons) and validate the copy; req_cons++'
        : 'B1 (weak: after consume_request.xen_rmb): validate the request in the shared slot (no private copy); req_cons++',
      `${SEE_RING} RING_COPY_REQUEST; drivers/net/xen-netback/netback.c xenvif_tx_build_gops`,
      (s, p) => at(s, p, B_COPY),
      (d, s, p) => copyRequest(d, s, p, B(s).pub)),
    be(r, 'RING_FINAL_CHECK_FOR_REQUESTS.empty', 'B2: first check: no unconsumed request', `${SEE_RING} RING_FINAL_CHECK_FOR_REQUESTS`,
      (s, p) => at(s, p, B_CONS) && !hasRequests(s, p, r),
      (d, s, p) => { used(d, cpu, loc(r, 'req_prod')); d.back[r].pc = B_FC1; if (p.counters && B(s).woke) { d.spurious = s.spurious + 1; d.back[r].woke = 0; } }),
    be(r, 'produce_response',
      code.copyRequest
        ? 'B3: use the validated private copy; RING_GET_RESPONSE(rsp_prod_pvt) = {id, status} (overwrites the request\'s slot); rsp_prod_pvt++'
        : 'B3: re-read the request from the shared slot and use it (double fetch); write the response; rsp_prod_pvt++',
      `${SEE_RING} RING_GET_RESPONSE; netif.h netif_tx_response; XSA-155`,
      (s, p) => at(s, p, B_RESP) && room(s, p, cpu),
      (d, s, p) => {
        const b = B(s);
        const req = b.req!;
        const shared = slotLoc(r, slotOf(p, idxSub(b.req_cons, 1)));
        const val = code.copyRequest ? req.val : ldSlot(s, cpu, shared).val;
        if (!code.copyRequest) used(d, cpu, shared);
        if (b.valid && val >= p.payloads) d.back[r].unvalidated = 1;
        const status = b.valid ? NETIF_RSP_OKAY : NETIF_RSP_ERROR;
        st(d, p, cpu, slotLoc(r, slotOf(p, b.rsp_prod_pvt)), { kind: 'response', id: req.id, val: status, idx: b.rsp_prod_pvt });
        d.back[r].rsp_prod_pvt = idxAdd(b.rsp_prod_pvt, 1);
        d.back[r].req = null;
        d.back[r].valid = 0;
        d.back[r].pc = sc(p) ? B_PUSH : B_PUSH_WMB;
      }),
    ...pushAndNotifyRules(r, PUSH_RESPONSES),
    be(r, 'RING_FINAL_CHECK_FOR_REQUESTS.arm', 'B8: req_event = req_cons + 1', `${SEE_RING} RING_FINAL_CHECK_FOR_REQUESTS`,
      (s, p) => at(s, p, B_FC1) && room(s, p, cpu),
      (d, s, p) => { st(d, p, cpu, loc(r, 'req_event'), idxAdd(B(s).req_cons, 1)); d.back[r].pc = sc(p) ? B_FC2 : B_FC_MB; }),
    barrierRule(r, 'backend', 'RING_FINAL_CHECK_FOR_REQUESTS.xen_mb', B_FC_MB, B_FC2, 'mb'),
    be(r, 'RING_FINAL_CHECK_FOR_REQUESTS.recheck_work', 'B9: re-check finds a request', `${SEE_RING} RING_FINAL_CHECK_FOR_REQUESTS`,
      (s, p) => at(s, p, B_FC2) && hasRequests(s, p, r), (d) => { used(d, cpu, loc(r, 'req_prod')); d.back[r].pc = B_CONS; }),
    be(r, 'RING_FINAL_CHECK_FOR_REQUESTS.recheck_empty_block', 'B10: re-check empty: block on the event channel (a blocked CPU loads nothing; its wake-up orders later loads, so its early loads are dropped)', `${SEE_RING} RING_FINAL_CHECK_FOR_REQUESTS`,
      (s, p) => at(s, p, B_FC2) && !hasRequests(s, p, r), (d, _s, p) => { rmb(mm(p), d.early[cpu]); d.back[r].pc = B_WAIT; d.back[r].blocked = 1; }),
    upcallRule(r, 'backend'),
  ];
}

// --- weak memory: stores becoming visible

interface DrainChoice { readonly i: number; readonly loc: string; readonly val: Word }
const showWord = (w: Word): string =>
  typeof w === 'number' ? String(w) : w.kind === 'empty' ? 'empty' : `${w.kind}{id=${w.id},${w.kind === 'request' ? 'payload' : 'status'}=${w.val}}`;

/** A buffered store of one CPU becomes visible to the other side (tso: the oldest; weak: any not held back by xen_wmb or an older store to the same location). */
export function storeVisibleRule(r: number, side: 'frontend' | 'backend'): R {
  const cpu = cpuOf(r, side);
  return {
    ...cpuStep(r, side, 'store_visible'),
    doc: 'a buffered store of this CPU becomes visible in the shared page',
    see: 'model/memory.ts; Linux Documentation/memory-barriers.txt',
    choices: (s, p) => {
      const sb = sbOf(s, cpu);
      if (!sb) return NO_CHOICE;
      const is = drainable(mm(p), sb);
      if (is.length === 0) return NO_CHOICE;
      const out: DrainChoice[] = [];
      for (const i of is) out.push({ i, loc: sb.stores[i]!.loc, val: sb.stores[i]!.val });
      return out;
    },
    showChoice: (c: DrainChoice) => `${c.loc}=${showWord(c.val)}`,
    then: (d, _s, _p, c: DrainChoice) => drain(d.mem, d.sb[cpu], c.i),
  };
}

// --- weak memory: loads satisfied early

interface EarlyChoice { readonly loc: string; readonly val: Word }
type Side = 'frontend' | 'backend';
/** What a CPU loads from its peer: the producer index (`req_prod` / `rsp_prod`) or the slot it copies next. */
type PeerLoad = 'prod' | 'slot';

/**
 * Each side's program under weak memory, as a control-flow graph over its pcs:
 * the pcs a step at `pc` can lead to, the peer loads the step makes, and the
 * barrier the step is (by name; an `xen_wmb()` does not order loads).
 */
interface Node { readonly next: readonly number[]; readonly loads?: PeerLoad; readonly barrier?: string }
const FRONT_CFG: Record<number, Node> = {
  [F_PROD]: { next: [F_PROD, F_PUSH_WMB] },
  [F_PUSH_WMB]: { next: [F_PUSH], barrier: 'RING_PUSH_REQUESTS.xen_wmb' },
  [F_PUSH]: { next: [F_CHK_MB] },
  [F_CHK_MB]: { next: [F_CHK], barrier: 'RING_PUSH_REQUESTS_AND_CHECK_NOTIFY.xen_mb' },
  [F_CHK]: { next: [F_NOTIFY, F_CONS] },
  [F_NOTIFY]: { next: [F_CONS] },
  [F_CONS]: { next: [F_RMB, F_FC1, F_BROKEN], loads: 'prod' },
  [F_RMB]: { next: [F_COPY], barrier: 'consume_response.xen_rmb' },
  [F_COPY]: { next: [F_CONS, F_BROKEN], loads: 'slot' },
  [F_FC1]: { next: [F_FC_MB] },
  [F_FC_MB]: { next: [F_FC2], barrier: 'RING_FINAL_CHECK_FOR_RESPONSES.xen_mb' },
  [F_FC2]: { next: [F_CONS, F_PROD, F_WAIT], loads: 'prod' },
  [F_WAIT]: { next: [] }, // blocked: loads nothing; the wake-up orders later loads
  [F_BROKEN]: { next: [] },
};
const BACK_CFG: Record<number, Node> = {
  [B_CONS]: { next: [B_RMB, B_FC1, B_BROKEN], loads: 'prod' },
  [B_RMB]: { next: [B_COPY], barrier: 'consume_request.xen_rmb' },
  [B_COPY]: { next: [B_RESP], loads: 'slot' },
  [B_RESP]: { next: [B_PUSH_WMB] },
  [B_PUSH_WMB]: { next: [B_PUSH], barrier: 'RING_PUSH_RESPONSES.xen_wmb' },
  [B_PUSH]: { next: [B_CHK_MB] },
  [B_CHK_MB]: { next: [B_CHK], barrier: 'RING_PUSH_RESPONSES_AND_CHECK_NOTIFY.xen_mb' },
  [B_CHK]: { next: [B_NOTIFY, B_CONS] },
  [B_NOTIFY]: { next: [B_CONS] },
  [B_FC1]: { next: [B_FC_MB] },
  [B_FC_MB]: { next: [B_FC2], barrier: 'RING_FINAL_CHECK_FOR_REQUESTS.xen_mb' },
  [B_FC2]: { next: [B_CONS, B_WAIT], loads: 'prod' },
  [B_WAIT]: { next: [] },
  [B_BROKEN]: { next: [] },
};

/**
 * Where a CPU's next load of a peer location may usefully be satisfied early:
 * the pcs from which some path reaches a step loading it without crossing an
 * `xen_rmb()`/`xen_mb()` that is in force (not in `deleted`) or a block. Left
 * out, without losing any behaviour: the barrier steps' own pcs (an early load
 * there is either dropped by the barrier or equivalent to one just after the
 * step), pcs whose steps themselves make the load (equivalent to loading then),
 * and pcs from which the load is always behind a barrier (the early value would
 * be dropped unused). Returns pc → the peer loads allowed there. With
 * `everywhere` nothing is left out but the blocked and broken pcs (used by the
 * tests to check that leaving them out loses no behaviour).
 */
export function earlyLoadPcs(side: Side, deleted: ReadonlySet<string> = new Set(), everywhere = false): Map<number, PeerLoad[]> {
  const cfg = side === 'frontend' ? FRONT_CFG : BACK_CFG;
  if (everywhere) return new Map(Object.entries(cfg).filter(([, n]) => n.next.length > 0).map(([pc]) => [Number(pc), ['prod', 'slot']]));
  const orders = (n: Node) => n.barrier !== undefined && !n.barrier.endsWith('.xen_wmb') && !deleted.has(n.barrier);
  const reaches = (from: readonly number[], k: PeerLoad): boolean => {
    const seen = new Set<number>();
    const todo = [...from];
    while (todo.length) {
      const pc = todo.pop()!;
      if (seen.has(pc)) continue;
      seen.add(pc);
      const n = cfg[pc]!;
      if (n.loads === k) return true;
      if (orders(n) || n.next.length === 0) continue;
      todo.push(...n.next);
    }
    return false;
  };
  const out = new Map<number, PeerLoad[]>();
  for (const [k0, n] of Object.entries(cfg)) {
    const pc = Number(k0);
    if (n.barrier !== undefined || n.next.length === 0) continue;
    const ks = (['prod', 'slot'] as const).filter((k) => n.loads !== k && reaches(n.next, k));
    if (ks.length) out.set(pc, ks);
  }
  return out;
}

/** The location of a peer load of ring r for the side's CPU now: `req_prod`/`ring[req_cons]` (backend), `rsp_prod`/`ring[rsp_cons]` (frontend). */
export function peerLoc(s: S, p: P, r: number, side: Side, k: PeerLoad): string {
  if (k === 'prod') return loc(r, side === 'frontend' ? 'rsp_prod' : 'req_prod');
  return slotLoc(r, slotOf(p, side === 'frontend' ? s.front[r]!.rsp_cons : s.back[r]!.req_cons));
}

/**
 * weak only: the CPU satisfies its next load of a peer location now, ahead of
 * its program order, with the value visible now; that load then returns it,
 * unless an `xen_rmb()`/`xen_mb()` of the CPU comes first and drops it.
 * Offered for what a consumer reads from its peer: the producer index and the
 * next slot it will copy. Not for the event indices (each is loaded right after
 * an `xen_mb()`, so an earlier value is one an interleaving gives anyway), the
 * CPU's own fields, or slots further ahead (exact while a barrier in force
 * separates two copies, as in the built-in code; see docs/models/ring.md).
 * Where: {@link earlyLoadPcs};
 * `deleted` names the barriers a variant deleted (see {@link withoutBarriers}).
 */
export function loadEarlyRule(r: number, side: Side, deleted: ReadonlySet<string> = new Set(), everywhere = false): R {
  const cpu = cpuOf(r, side);
  const pcOf = (s: S) => (side === 'frontend' ? s.front[r]!.pc : s.back[r]!.pc);
  const where = earlyLoadPcs(side, deleted, everywhere);
  return {
    ...cpuStep(r, side, 'load_satisfied_early'),
    doc: 'weak: the next load of this location is satisfied now with the visible value (load reordering; an xen_rmb()/xen_mb() drops it)',
    see: 'model/memory.ts loadEarly; Linux Documentation/memory-barriers.txt (READ MEMORY BARRIERS, CONTROL DEPENDENCIES)',
    choices: (s, p) => {
      if (!weak(p) || !exists(p, r)) return NO_CHOICE;
      const ks = where.get(pcOf(s));
      if (!ks) return NO_CHOICE;
      const early = s.early[cpu], sb = sbOf(s, cpu);
      let out: EarlyChoice[] | undefined;
      for (const k of ks) {
        const l = peerLoc(s, p, r, side, k);
        if (canLoadEarly(mm(p), early, sb, l)) (out ??= []).push({ loc: l, val: s.mem[l]! });
      }
      return out ?? NO_CHOICE;
    },
    showChoice: (c: EarlyChoice) => `${c.loc}=${showWord(c.val)}`,
    then: (d, _s, _p, c: EarlyChoice) => loadEarly(d.mem, d.early[cpu], c.loc),
  };
}

// --- hostile peers

interface HostileWrite { readonly loc: string; readonly val: Word }

/**
 * The adversarial writes a hostile side may make: any value of each field's
 * small domain into any field of the shared page it writes, one field per
 * write, slots after publication included. Indices: `req_prod` (frontend) or
 * `rsp_prod` (backend) one ahead, one behind, just past what the peer can
 * accept (`rsp_prod + RING_SIZE + 1`, `req_prod + 1`), 0 and `0xffffffff`;
 * the event index it writes (`rsp_event`, `req_event`) 0 and `0xffffffff`.
 * Slots: a request's `id` (0..RING_SIZE, RING_SIZE out of range) or payload
 * (0..payloads, `payloads` invalid); a response's `id` (0..RING_SIZE) or
 * status (`NETIF_RSP_DROPPED`, `_ERROR`, `_OKAY`, `_NULL`). A field written
 * into a slot that holds the other kind of entry turns it into that kind
 * (the slot is a union), keeping its id.
 */
export function hostileDomain(s: S, p: P, r: number, side: 'frontend' | 'backend'): HostileWrite[] {
  const out: HostileWrite[] = [];
  const N = p.ringSize;
  const cur = (l: string) => s.mem[l] as number;
  // Each write once, none that writes the value already there (a few values: compared in place, no Set or JSON).
  const add = (l: string, vals: number[]) => {
    const c: Word = cur(l), start = out.length;
    next: for (const v0 of vals) {
      const v = v0 >>> 0;
      if (v === c) continue;
      for (let j = start; j < out.length; j++) if (out[j]!.val === v) continue next;
      out.push({ loc: l, val: v });
    }
  };
  /** Slots are equal as their JSON was (the four fields; a slot and its variants here have the same key order). */
  const sameSlot = (a: Slot, b: Slot) => a.kind === b.kind && a.id === b.id && a.val === b.val && a.idx === b.idx;
  const slot = (k: number, kind: 'request' | 'response', ids: readonly number[], vals: readonly number[]) => {
    const l = slotLoc(r, k);
    const old = s.mem[l] as Slot;
    const base: Slot = old.kind === kind ? old : { kind, id: old.id, val: kind === 'request' ? 0 : NETIF_RSP_OKAY, idx: old.idx };
    const start = out.length;
    const push = (w: Slot) => {
      if (sameSlot(w, old)) return;
      for (let j = start; j < out.length; j++) if (sameSlot(out[j]!.val as Slot, w)) return;
      out.push({ loc: l, val: w });
    };
    for (const id of ids) push({ ...base, id });
    for (const val of vals) push({ ...base, val });
  };
  const last = 0xffffffff; // the last index before the wrap
  const ids = upTo(N + 1);
  if (side === 'frontend') {
    const rspProd = cur(loc(r, 'rsp_prod'));
    add(loc(r, 'req_prod'), [idxAdd(cur(loc(r, 'req_prod')), 1), idxAdd(rspProd, N + 1), idxSub(cur(loc(r, 'req_prod')), 1), 0, last]);
    add(loc(r, 'rsp_event'), [0, last]);
    for (let k = 0; k < N; k++) slot(k, 'request', ids, upTo(p.payloads + 1));
  } else {
    const reqProd = cur(loc(r, 'req_prod'));
    const rspProd = cur(loc(r, 'rsp_prod'));
    add(loc(r, 'rsp_prod'), [idxAdd(rspProd, 1), idxSub(rspProd, 1), idxAdd(reqProd, 1), 0, last]);
    add(loc(r, 'req_event'), [0, last]);
    for (let k = 0; k < N; k++) slot(k, 'response', ids, NETIF_RSP_STATUSES);
  }
  return out;
}

export function hostileRule(r: number, side: 'frontend' | 'backend'): R {
  return {
    name: pre(r) + (side === 'frontend' ? 'hostile_write.front' : 'hostile_write.back'),
    actor: side === 'frontend' ? 'hostile-frontend' : 'hostile-backend',
    doc: `a hostile ${side} writes an adversarial value into a shared field it can write (visible at once)`,
    see: 'XSA-39, XSA-155 (hostile frontend); netfront hardening 2021, XSA-376 era (hostile backend)',
    choices: (s, p) => (exists(p, r) && p[side] === 'hostile' && s.hostile > 0 ? hostileDomain(s, p, r, side) : []),
    showChoice: (c: HostileWrite) => `${c.loc}=${showWord(c.val)}`,
    then: (d, s, _p, c: HostileWrite) => { d.mem[c.loc] = c.val; d.hostile = s.hostile - 1; },
  };
}

// --- all rules

/**
 * At which parameters a ring rule exists, from its name: the second ring's
 * rules with `rings=pair` (its upcalls only with split channels: a shared
 * channel has one upcall per side, ring 0's); store-buffer drains, `xen_wmb`
 * and `xen_mb` steps under `tso` and `weak`; the `xen_rmb` steps, the separate
 * copy steps and early loads under `weak`; each hostile write with its hostile
 * side. Used for coverage only (`Rule.applies`): a rule outside its setting is
 * never enabled anyway, as test/modelsReference.test.ts checks by exploring
 * with every rule.
 */
export function ringRuleApplies(name: string): ((p: P) => boolean) | undefined {
  const conds: ((p: P) => boolean)[] = [];
  const base = name.startsWith('rx.') ? name.slice(3) : name;
  if (name.startsWith('rx.')) conds.push((p) => p.rings === 'pair');
  if (name.startsWith('rx.evtchn_upcall.')) conds.push((p) => p.evtchn === 'split');
  if (/\.xen_(w)?mb$/.test(base) || base.startsWith('store_visible.')) conds.push((p) => p.memory !== 'sc');
  if (/\.xen_rmb$/.test(base) || base === 'RING_COPY_REQUEST' || base === 'RING_COPY_RESPONSE' || base.startsWith('load_satisfied_early.'))
    conds.push((p) => p.memory === 'weak');
  if (base === 'hostile_write.front') conds.push((p) => p.frontend === 'hostile');
  if (base === 'hostile_write.back') conds.push((p) => p.backend === 'hostile');
  return conds.length ? (p) => conds.every((c) => c(p)) : undefined;
}

const withApplies = (rule: R): R => {
  const a = ringRuleApplies(rule.name);
  return a ? { ...rule, applies: a } : rule;
};

export const ringRules: readonly R[] = [0, 1].flatMap((r) => [
  ...frontendRules(r),
  ...backendRules(r),
  storeVisibleRule(r, 'frontend'),
  storeVisibleRule(r, 'backend'),
  loadEarlyRule(r, 'frontend'),
  loadEarlyRule(r, 'backend'),
  hostileRule(r, 'frontend'),
  hostileRule(r, 'backend'),
].map(withApplies));

// --- properties

const honest = (p: P) => p.frontend === 'honest' && p.backend === 'honest';
const buffersEmpty = (s: S) => s.sb.every((b) => b.stores.length === 0);
const feStuck = (s: S, p: P, r: number) => s.front[r]!.blocked === 1 && s.fe_pending[chanOf(p, r)] === 0;
const beStuck = (s: S, p: P, r: number) => s.back[r]!.blocked === 1 && s.be_pending[chanOf(p, r)] === 0;
/** Every handler is blocked with no event on its way and every store is visible: nothing can happen any more. */
const allStuck = (s: S, p: P) => buffersEmpty(s) && s.front.every((_, r) => feStuck(s, p, r) && beStuck(s, p, r));
const rings = (s: S) => s.front.map((_, r) => r);
const ix = (s: S, r: number, f: 'req_prod' | 'req_event' | 'rsp_prod' | 'rsp_event') => s.mem[loc(r, f)] as number;

/** FINAL of ring-spec.md §7 on every ring: all messages requested, answered, consumed; both asleep, event indices armed. */
export const ringFinal = (s: S, p: P): boolean => {
  const end = idxAdd(p.startIndex, p.messages);
  const ev = idxAdd(end, 1);
  const st0 = p.startIndex >>> 0;
  return allStuck(s, p) && rings(s).every((r) => {
    const f = s.front[r]!, b = s.back[r]!;
    return f.pc === F_WAIT && b.pc === B_WAIT &&
      [ix(s, r, 'req_prod'), f.req_prod_pvt, b.req_cons, b.rsp_prod_pvt, ix(s, r, 'rsp_prod'), f.rsp_cons].every((x) => x === end) &&
      ix(s, r, 'req_event') === ev && ix(s, r, 'rsp_event') === ev && f.old === st0 && b.old === st0;
  });
};

const forRings = (s: S, f: (r: number) => boolean) => rings(s).every(f);

export const ringInvariants: readonly Invariant<S, P>[] = [
  { name: 'I1_no_overflow', see: 'ring.h RING_FULL, RING_REQUEST_PROD_OVERFLOW; ring-spec.md §7 I1 (both sides honest)',
    description: '(RING_IDX)(req_prod - rsp_cons) <= RING_SIZE and (RING_IDX)(req_prod_pvt - rsp_cons) <= RING_SIZE',
    holds: (s, p) => !honest(p) || forRings(s, (r) => idxSub(ix(s, r, 'req_prod'), s.front[r]!.rsp_cons) <= p.ringSize &&
      idxSub(s.front[r]!.req_prod_pvt, s.front[r]!.rsp_cons) <= p.ringSize) },
  { name: 'I2_consumer_behind_producer', see: 'ring.h RING_REQUEST_CONS_OVERFLOW; ring-spec.md §7 I2 (both sides honest)',
    description: 'req_cons is not ahead of req_prod, rsp_cons is not ahead of rsp_prod (mod 2^32)',
    holds: (s, p) => !honest(p) || forRings(s, (r) => idxLe(s.back[r]!.req_cons, ix(s, r, 'req_prod')) && idxLe(s.front[r]!.rsp_cons, ix(s, r, 'rsp_prod'))) },
  { name: 'I3_responses_follow_requests', see: 'ring.h RING_RESPONSE_PROD_OVERFLOW; ring-spec.md §7 I3 (both sides honest)',
    description: 'rsp_prod <= rsp_prod_pvt <= req_cons, rsp_prod <= req_prod <= req_prod_pvt <= startIndex + messages (mod 2^32)',
    holds: (s, p) => !honest(p) || forRings(s, (r) => {
      const f = s.front[r]!, b = s.back[r]!;
      return idxLe(ix(s, r, 'rsp_prod'), b.rsp_prod_pvt) && idxLe(b.rsp_prod_pvt, b.req_cons) && idxLe(ix(s, r, 'rsp_prod'), ix(s, r, 'req_prod')) &&
        idxLe(ix(s, r, 'req_prod'), f.req_prod_pvt) && idxSub(f.req_prod_pvt, p.startIndex) <= p.messages;
    }) },
  { name: 'I4_no_lost_wakeup', see: 'ring.h RING_FINAL_CHECK_FOR_*, RING_PUSH_*_AND_CHECK_NOTIFY and their xen_mb(); ring-spec.md §7 I4 (both sides honest)',
    description: 'if every handler is blocked with no event pending and every store is visible, no unconsumed request or response is on any ring',
    holds: (s, p) => !honest(p) || !allStuck(s, p) || forRings(s, (r) => ix(s, r, 'rsp_prod') === s.front[r]!.rsp_cons && ix(s, r, 'req_prod') === s.back[r]!.req_cons) },
  { name: 'I5_only_final_is_terminal', see: 'ring-spec.md §7 I5 (both sides honest)',
    description: 'if every handler is blocked with no event pending and every store is visible, every message is done (FINAL)',
    holds: (s, p) => !honest(p) || !allStuck(s, p) || ringFinal(s, p) },
  { name: 'B_copy_not_older_than_req_prod', see: 'drivers/net/xen-netback/netback.c xenvif_tx_build_gops "rmb(); /* Ensure that we see the request before we copy it. */" before RING_COPY_REQUEST; blkback __do_block_io_op "rp = ...req_prod; rmb();"; ring.h xen_rmb (both sides honest)',
    description: 'the request the backend copies is not older than the req_prod that announced it: if the request was visible when the backend read req_prod, its copy returns that request (no load of the slot satisfied before the load of req_prod)',
    holds: (s, p) => !honest(p) || s.back.every((b) => b.reordered === 0) },
  { name: 'F_copy_not_older_than_rsp_prod', see: 'drivers/net/xen-netfront.c xennet_tx_buf_gc "rmb(); /* Ensure we see responses up to \'rp\'. */" before RING_COPY_RESPONSE (xennet_poll: rp = rsp_prod; rmb()); ring.h xen_rmb (both sides honest)',
    description: 'the response the frontend copies is not older than the rsp_prod that announced it: if the response was visible when the frontend read rsp_prod, its copy returns that response',
    holds: (s, p) => !honest(p) || s.front.every((f) => f.reordered === 0) },
  { name: 'B_reads_published_request', see: 'ring.h RING_PUSH_REQUESTS xen_wmb() ("back sees requests /before/ updated producer index") (honest frontend)',
    description: 'the request the backend copies is the one the frontend published at that index (never a slot whose contents are not yet visible)',
    holds: (s, p) => !honest(p) || s.back.every((b) => b.stale === 0) },
  { name: 'B_no_impossible_req_prod', see: 'XSA-39: drivers/net/xen-netback/netback.c xenvif_tx_build_gops "Impossible number of requests" (req_prod - req_cons > XEN_NETIF_TX_RING_SIZE); ring.h RING_REQUEST_PROD_OVERFLOW ("Can there be this many requests?") (honest backend)',
    description: 'the backend never consumes a request while req_prod - rsp_prod_pvt > RING_SIZE: on an impossible req_prod it marks the ring broken and stops, so its loop terminates and a pass consumes at most RING_SIZE requests',
    holds: (s, p) => p.backend === 'hostile' || s.back.every((b) => b.overrun === 0) },
  { name: 'B_uses_validated_request', see: 'XSA-155 (double fetch); ring.h RING_COPY_REQUEST (honest backend)',
    description: 'the request field the backend uses is the value it validated (an out-of-range payload is never used)',
    holds: (s, p) => p.backend === 'hostile' || s.back.every((b) => b.unvalidated === 0) },
  { name: 'F_validates_responses', see: 'drivers/net/xen-netfront.c xennet_tx_buf_gc: RING_RESPONSE_PROD_OVERFLOW ("Illegal number of responses"), "Response has incorrect id", "Response for inactive request" (tx_link[id] != TX_PENDING); the 2021 netfront hardening (honest frontend)',
    description: 'the frontend only completes ids that are in range and TX_PENDING, each once, and consumes no response while rsp_prod is more than RING_SIZE ahead of rsp_cons (backwards included); otherwise it marks the device broken',
    holds: (s, p) => p.frontend === 'hostile' || s.front.every((f) => f.bad === 0) },
  { name: 'F_tx_id_from_free_list', see: 'drivers/net/xen-netfront.c xennet_tx_setup_grant: id = get_id_from_list(&queue->tx_skb_freelist, queue->tx_link), then queue->tx_skbs[id] = skb; add_id_to_list(&queue->tx_pend_queue, queue->tx_link, id) (honest frontend)',
    description: 'the frontend only sends a request with an id taken from a non-empty free list: never with TX_LINK_NONE (0xffff), which indexes tx_skbs[], grant_tx_ref[] and tx_link[] out of bounds',
    holds: (s, p) => p.frontend === 'hostile' || s.front.every((f) => f.idOverrun === 0) },
];

/** A terminal state is a valid end: FINAL with honest peers; with a hostile peer, any state where the honest side is blocked or has marked the ring broken. */
export const ringValidEnd = (s: S, p: P): boolean => {
  if (honest(p)) return ringFinal(s, p);
  if (p.frontend === 'hostile') return s.back.every((b) => b.pc === B_WAIT || b.pc === B_BROKEN);
  return s.front.every((f) => f.pc === F_WAIT || f.pc === F_BROKEN);
};

const atFinal = (s: S, p: P) => honest(p) && ringFinal(s, p);
export const ringObservables: readonly Observable<S, P>[] = [
  { name: 'notifications_per_message', description: 'counters=true: event-channel notifications (both directions) per message, over complete runs (at FINAL)',
    value: (s, p) => (p.counters && atFinal(s, p) ? s.notifications / (p.messages * nRings(p)) : NaN) },
  { name: 'notifications', description: 'counters=true: event-channel notifications sent in a complete run (at FINAL)',
    value: (s, p) => (p.counters && atFinal(s, p) ? s.notifications : NaN) },
  { name: 'spurious_wakeups', description: 'counters=true: wake-ups that found no work on the ring, in a complete run (at FINAL)',
    value: (s, p) => (p.counters && atFinal(s, p) ? s.spurious : NaN) },
];

const PC_F = ['F_PROD', 'F_PUSH', 'F_CHK', 'F_NOTIFY', 'F_CONS', 'F_FC1', 'F_FC2', 'F_WAIT', 'F_PUSH_WMB', 'F_CHK_MB', 'F_FC_MB', 'F_BROKEN', 'F_RMB', 'F_COPY'];
const PC_B = ['B_CONS', 'B_RESP', 'B_PUSH', 'B_CHK', 'B_NOTIFY', 'B_FC1', 'B_FC2', 'B_WAIT', 'B_PUSH_WMB', 'B_CHK_MB', 'B_FC_MB', 'B_BROKEN', 'B_RMB', 'B_COPY'];

/**
 * `pvcheck show`'s picture of a state: per ring, the slots and indices as the
 * shared page shows them (model/ringView.ts; under tso/weak the private
 * indices may be ahead of the page), then each side's step, whether it is
 * blocked, its event channel and the stores it still has in flight.
 */
export const ringView = (s: S, p: P): string =>
  s.front.map((f, r) => {
    const b = s.back[r]!;
    const m = (l: 'req_prod' | 'req_event' | 'rsp_prod' | 'rsp_event') => s.mem[loc(r, l)] as number;
    const pic = ringDiagram(p.ringSize, {
      req_prod: m('req_prod'), req_prod_pvt: f.req_prod_pvt, req_cons: b.req_cons, req_event: m('req_event'),
      rsp_prod: m('rsp_prod'), rsp_prod_pvt: b.rsp_prod_pvt, rsp_cons: f.rsp_cons, rsp_event: m('rsp_event'),
    });
    const side = (pc: string, blocked: number, pending: number, cpu: number) => {
      const inFlight = s.sb[cpu]?.stores.length ?? 0;
      return `${pc}${blocked ? ' blocked' : ''}${pending ? ' (event pending)' : ''}${inFlight ? ` (${inFlight} store${inFlight > 1 ? 's' : ''} in flight)` : ''}`;
    };
    return `${pre(r)}${pic}\n${pre(r)}frontend ${side(PC_F[f.pc] ?? String(f.pc), f.blocked, s.fe_pending[chanOf(p, r)]!, feCpu(r))}, ` +
      `backend ${side(PC_B[b.pc] ?? String(b.pc), b.blocked, s.be_pending[chanOf(p, r)]!, beCpu(r))}`;
  }).join('\n');

export const ring = defineModel<S, P>({
  views: ringViews,
  name: 'ring',
  description: 'io/ring.h + netif.h ring: 32-bit RING_IDX, payload slots, tx/rx pair, sc/tso/weak memory, hostile peers, notification counts',
  see: 'xen/include/public/io/ring.h; xen/include/public/io/netif.h; ../shared/bench/ring-spec.md; docs/models/ring.md',
  params: ringParams,
  init: ringInits,
  shape: ringShape,
  rules: ringRules,
  invariants: ringInvariants,
  isValidEnd: ringValidEnd,
  observables: ringObservables,
  view: ringView,
});
