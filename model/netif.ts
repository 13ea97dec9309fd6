/**
 * `netif-tx`: the transmit ring of xen/include/public/io/netif.h as Linux 6.12's
 * netfront and netback run it: multi-slot packets, netback's batched request
 * path and its second, out-of-order response context.
 *
 * - **Packets as netif.h defines them.** A packet is a first slot whose `size`
 *   is the whole packet's, `NETTXF_extra_info` followed by extra-info slots
 *   chained with `XEN_NETIF_EXTRA_FLAG_MORE` (GSO, hash), then fragments while
 *   the previous fragment has `NETTXF_more_data`, each with its own size and
 *   offset. netfront (`xennet_start_xmit`) takes one id per data slot from its
 *   free list (`get_id_from_list`), writes the packet, marks the ids
 *   `TX_PENDING` and pushes; it stops its queue unless
 *   `req_prod_pvt - rsp_cons < NET_TX_RING_SIZE - XEN_NETIF_NR_SLOTS_MIN - 1`
 *   (`netfront_tx_slot_available`). Its response handler is
 *   `xennet_tx_buf_gc`: `RING_RESPONSE_PROD_OVERFLOW`, `XEN_NETIF_RSP_NULL`
 *   skipped, id range, `TX_PENDING`.
 * - **netback's request path, context 1 (NAPI, `xenvif_tx_action`).** A pass
 *   builds packets while `skb_queue_len(&queue->tx_queue) < budget`: per packet
 *   `xenvif_tx_build_gops` (the XSA-39 check `req_prod - req_cons >
 *   XEN_NETIF_TX_RING_SIZE`, `XEN_RING_NR_UNCONSUMED_REQUESTS` with its min(),
 *   `RING_COPY_REQUEST`, `xenvif_get_extras`, `xenvif_count_requests` with
 *   `XEN_NETBK_LEGACY_SLOTS_MAX`, `fatal_skb_slots`, the size and page checks,
 *   `xenvif_tx_err`'s ERROR and NULL responses), then `xenvif_get_requests`
 *   (the header copy of `data_len` bytes across slots, XSA-423 and XSA-432's
 *   `data_len`, one pending slot per data slot from the pending ring of
 *   `MAX_PENDING_REQS` = `XEN_NETIF_TX_RING_SIZE` entries, the frags of the skb
 *   and of its frag_list skb, zero-size fragments answered at once as
 *   XSA-448's fix does), then `xenvif_tx_submit`, which releases the slots
 *   that were only copied.
 * - **Context 2 (the dealloc thread).** A mapped fragment's pending slot is
 *   released when the stack frees the skb, in any order:
 *   `xenvif_idx_release` takes `response_lock`, writes the response at
 *   `rsp_prod_pvt` (`_make_tx_response`: the id and status, then
 *   `XEN_NETIF_RSP_NULL` for each extra slot of the packet's first slot), puts
 *   the pending index back (`pending_prod++`) and then pushes
 *   (`RING_PUSH_RESPONSES_AND_CHECK_NOTIFY`): three steps, so the other
 *   context runs between them. NAPI's own responses (errors, zero-size
 *   fragments, copied slots) take the same lock.
 *
 * Abstractions, each with its reason (docs/models/netif.md):
 * - Memory is sequentially consistent and a context runs whenever it has
 *   work: event channels, barriers and the notification protocol are what the
 *   `ring` model checks; here what matters is which slots are read, what
 *   lands in them, and the order of the two backend contexts.
 * - Sizes are small abstract units with the real order between the
 *   constants: `ETH_HLEN` 1 < `XEN_NETBACK_TX_COPY_LEN` 2 < `XEN_PAGE_SIZE` 3
 *   (14 < 128 < 4096), and `XEN_NETIF_NR_SLOTS_MIN` is the parameter
 *   `slotsMin` (18 in Xen; `XEN_NETBK_LEGACY_SLOTS_MAX` equals it,
 *   `MAX_SKB_FRAGS` is one less, 17, and `fatal_skb_slots` defaults to
 *   `slotsMin + 2`, as 20 = 18 + 2), so the boundaries (a zero-size fragment, a
 *   packet one slot over each limit, a header straddling slots, a fragment
 *   crossing the page) are in the domains.
 * - A netfront packet is written and pushed in one step (netfront does it
 *   under its tx lock and the backend reads only published slots).
 * - **netback's tx event channel with lateeoi** (XSA-332), with
 *   `evtchn=lateeoi`: netfront notifies after its push when `req_event` says
 *   so (`RING_PUSH_REQUESTS_AND_CHECK_NOTIFY`); `xenvif_tx_interrupt` sets
 *   `NETBK_TX_EOI` and, with requests on the ring, schedules NAPI, leaving the
 *   port masked until `xenvif_poll` ends (`napi_complete_done`, then
 *   `xenvif_napi_schedule_or_enable_events`: `RING_FINAL_CHECK_FOR_REQUESTS`
 *   and `xen_irq_lateeoi(irq, 0)`), or, with none, EOIs it at once with
 *   `XEN_EOI_FLAG_SPURIOUS`, which the event core throttles. NAPI then runs
 *   only while scheduled. A hostile frontend may send `storms` events
 *   without work. Without `evtchn` a context runs whenever it has work.
 *
 * @see xen/include/public/io/netif.h
 * @see drivers/net/xen-netback/netback.c (xenvif_tx_build_gops, xenvif_count_requests, xenvif_get_extras, xenvif_get_requests, xenvif_tx_err, xenvif_idx_release, _make_tx_response)
 * @see drivers/net/xen-netfront.c (xennet_start_xmit, xennet_tx_buf_gc, netfront_tx_slot_available)
 * @see docs/models/netif.md
 */
import { defineModel, type Invariant, type Rule } from './core.js';
import { array, int, list, nullable, record, type Shape as StateShape } from './shape.js';
import { NR_UNCONSUMED_REQUESTS, idxAdd, idxLe, idxSub } from './idx32.js';
import { defineParams, enumParam, intParam, isPowerOfTwo, type ParamsOfSpace } from './params.js';
import { NETIF_RSP_DROPPED, NETIF_RSP_ERROR, NETIF_RSP_NULL, NETIF_RSP_OKAY } from './ring.js';
import { netifTxViews } from './views/netif.js';

export { NETIF_RSP_DROPPED, NETIF_RSP_ERROR, NETIF_RSP_NULL, NETIF_RSP_OKAY } from './ring.js';

// --- netif.h and netback constants

/** netif.h `NETTXF_*` request flags (bit values as in the header). */
export const NETTXF_csum_blank = 1 << 0, NETTXF_data_validated = 1 << 1, NETTXF_more_data = 1 << 2, NETTXF_extra_info = 1 << 3;
/** netif.h extra-info types and flags. */
export const XEN_NETIF_EXTRA_TYPE_NONE = 0, XEN_NETIF_EXTRA_TYPE_GSO = 1, XEN_NETIF_EXTRA_TYPE_HASH = 4, XEN_NETIF_EXTRA_TYPE_MAX = 5;
export const XEN_NETIF_EXTRA_FLAG_MORE = 1 << 0;
/** Abstract sizes, in the real order: ETH_HLEN (14) < XEN_NETBACK_TX_COPY_LEN (128) < XEN_PAGE_SIZE (4096). */
export const ETH_HLEN = 1, XEN_NETBACK_TX_COPY_LEN = 2, XEN_PAGE_SIZE = 3;

// --- parameters

export const netifParams = defineParams(
  {
    ringSize: intParam({ default: 8, min: 4, max: 16, doc: 'NET_TX_RING_SIZE = MAX_PENDING_REQS (power of two, at least slotsMin + 2)', check: isPowerOfTwo }),
    packets: intParam({ default: 3, min: 1, max: 8, doc: 'packets the frontend sends' }),
    slotsMin: intParam({ default: 2, min: 2, max: 8, doc: 'XEN_NETIF_NR_SLOTS_MIN (18 in netif.h) = XEN_NETBK_LEGACY_SLOTS_MAX; MAX_SKB_FRAGS is slotsMin - 1' }),
    fatalSlots: intParam({ default: 0, min: 0, max: 10, doc: 'netback fatal_skb_slots (FATAL_SKB_SLOTS_DEFAULT 20 = 18 + 2); 0: slotsMin + 2. netback raises a smaller value to XEN_NETBK_LEGACY_SLOTS_MAX' }),
    maxSlots: intParam({ default: 2, min: 1, max: 8, doc: 'data slots per packet the frontend writes at most (an honest netfront writes at most slotsMin)' }),
    stopAt: enumParam({ values: ['netfront', 'ring-full'] as const, default: 'netfront', doc: 'when the frontend stops: netfront (NET_TX_RING_SIZE - XEN_NETIF_NR_SLOTS_MIN - 1 slots in flight), or ring-full (a frontend that fills the ring, as other OSes\' netfronts may; a packet is sent only if it fits)' }),
    budget: intParam({ default: 2, min: 1, max: 8, doc: 'NAPI budget: packets xenvif_tx_build_gops builds per pass' }),
    gso: enumParam({ values: ['on', 'off'] as const, default: 'on', doc: 'the frontend may send a GSO extra-info slot (NETTXF_extra_info)' }),
    frontend: enumParam({ values: ['honest', 'any', 'hostile'] as const, default: 'honest', doc: 'honest: netfront\'s packets; any: every packet of the format domain (sizes 0..PAGE, a size field smaller than the fragments, a fragment crossing the page, bad or missing extras, an unterminated more_data chain), indices honest; hostile: any, plus hostileWrites writes of req_prod or of a published slot' }),
    anyPackets: intParam({ default: 2, min: 0, max: 8, doc: 'frontend=any or hostile: only the first anyPackets packets take any shape of the format domain (netfront\'s own included), the later ones are netfront\'s; 2: what an unterminated chain into a next packet needs; 0: every packet (700 shapes a packet at maxSlots=2: packets=3 is of the order of 10^8 states)' }),
    backend: enumParam({ values: ['honest', 'hostile'] as const, default: 'honest', doc: 'a hostile backend may write any id and status into response slots and rsp_prod (hostileWrites times)' }),
    hostileWrites: intParam({ default: 1, min: 0, max: 4, doc: 'adversarial writes a hostile side makes at most' }),
    evtchn: enumParam({ values: ['off', 'lateeoi'] as const, default: 'off', doc: "off: netback's NAPI runs whenever there are requests; lateeoi: netfront notifies netback's tx event channel (req_event), xenvif_tx_interrupt schedules NAPI with lateeoi accounting, NAPI runs only while scheduled and EOIs when it completes" }),
    storms: intParam({ default: 0, min: 0, max: 4, doc: 'events without work a hostile frontend sends at most (evtchn=lateeoi)' }),
  },
  (p) => {
    if (p.storms > 0 && (p.frontend !== 'hostile' || p.evtchn !== 'lateeoi')) return 'storms needs frontend=hostile and evtchn=lateeoi';
    if (p.ringSize < p.slotsMin + 2) return `ringSize must be at least slotsMin + 2 (${p.slotsMin + 2}): netfront stops at NET_TX_RING_SIZE - XEN_NETIF_NR_SLOTS_MIN - 1 free slots`;
    if (p.frontend !== 'honest' && p.backend === 'hostile') return 'frontend and backend cannot both be adversarial: properties are checked for the honest side';
    return undefined;
  },
);
export type NetifParams = ParamsOfSpace<typeof netifParams>;
type P = NetifParams;

/** fatal_skb_slots as netback runs it (module init raises it to XEN_NETBK_LEGACY_SLOTS_MAX). */
export const fatalSkbSlots = (p: P): number => Math.max(p.fatalSlots === 0 ? p.slotsMin + 2 : p.fatalSlots, p.slotsMin);
export const MAX_SKB_FRAGS = (p: P): number => p.slotsMin - 1;

// --- state

/** Slot kinds: nothing written yet, a tx request, an extra-info slot, a tx response. */
export const K_EMPTY = 0, K_REQ = 1, K_EXTRA = 2, K_RSP = 3;

/**
 * A slot of the shared tx ring: the union of `struct netif_tx_request`
 * (`id`, `flags`, `size`, `offset`; the gref is not modelled),
 * `struct netif_extra_info` (`etype`, `eflags`, the GSO size in `size`) and
 * `struct netif_tx_response` (`id`, `status`).
 */
export interface Slot {
  readonly k: number;
  readonly id: number;
  readonly flags: number;
  readonly size: number;
  readonly offset: number;
  readonly etype: number;
  readonly eflags: number;
  readonly status: number;
}
const EMPTY: Slot = { k: K_EMPTY, id: 0, flags: 0, size: 0, offset: 0, etype: 0, eflags: 0, status: 0 };

/** A request as netback sees it after RING_COPY_REQUEST (any slot read as a request). */
export interface TxReq { readonly id: number; readonly flags: number; readonly size: number; readonly offset: number }
/** A slot's bytes read as a request's (or a response's) id: an extra's type and flags bytes. */
const reqIdOf = (s: Slot): number => (s.k === K_EXTRA ? s.etype | (s.eflags << 8) : s.id);
const asReq = (s: Slot): TxReq => ({ id: reqIdOf(s), flags: s.k === K_REQ ? s.flags : 0, size: s.k === K_EXTRA ? 0 : s.size, offset: s.k === K_REQ ? s.offset : 0 });
/** An extra-info slot as xenvif_get_extras copies it: a request slot's bytes read as an extra have type 0 (XEN_NETIF_EXTRA_TYPE_NONE). */
const asExtra = (s: Slot): { type: number; flags: number; size: number } => (s.k === K_EXTRA ? { type: s.etype, flags: s.eflags, size: s.size } : { type: 0, flags: 0, size: 0 });

/** A pending slot netback holds (`pending_tx_info[pending_idx]`): the request's id and extra_count; released by NAPI after a copy, or by the dealloc thread after a map. */
export interface Pending {
  readonly id: number;
  readonly extra: number;
  /** 0: only copied (released by xenvif_tx_submit), 1: mapped (released by the dealloc thread once the skb is freed). */
  readonly mapped: number;
  /** The skb went to the stack (a mapped slot may then be released). */
  readonly submitted: number;
}

/** The packet xenvif_tx_build_gops has checked, between xenvif_count_requests and xenvif_get_requests (the private copies). */
export interface Counted {
  /** txreq after xenvif_count_requests: `size` is the first fragment's (the total minus the other fragments). */
  readonly first: TxReq;
  /** txfrags[]: the other fragments, as copied. */
  readonly frags: readonly TxReq[];
  /** Ring index of each fragment in `frags` (XSA-155 variant: re-read from the ring). */
  readonly fragIdx: readonly number[];
  readonly firstIdx: number;
  readonly extra_count: number;
  /** The total size the first slot announced (the `size` field as copied). */
  readonly total: number;
  readonly data_len: number;
  /** Ring index after the packet (`idx`). */
  readonly end: number;
}

export interface Front {
  readonly req_prod_pvt: number;
  readonly rsp_cons: number;
  readonly sent: number;
  /** Bit i: id i is TX_PENDING (netfront tx_link[i]). */
  readonly pending: number;
  readonly broken: number;
  /** Ghosts: a response netfront's checks should have refused was accepted; an id taken from an empty free list. */
  readonly bad: number;
  readonly idOverrun: number;
}
export interface Back {
  readonly req_cons: number;
  readonly rsp_prod_pvt: number;
  /** pending_prod - pending_cons: free entries of the pending ring (MAX_PENDING_REQS at start). */
  readonly pendingFree: number;
  /** The pending slots in use. */
  readonly held: readonly Pending[];
  /** vif->disabled (xenvif_fatal_tx_err). */
  readonly disabled: number;
  /** NAPI context: 0 building (loop head), 1 a packet counted (`cur`). */
  readonly napi: number;
  readonly cur: Counted | null;
  /** skb_queue_len(&queue->tx_queue): packets built in this pass. */
  readonly txq: number;
  /** Dealloc context: 0 idle, 1 response written (holds response_lock), 2 pending index released, still holding the lock. */
  readonly dl: number;
  readonly dlEntry: Pending | null;
  /** response_lock held by the dealloc context. */
  readonly lock: number;
  // ghosts (never read by a rule to decide)
  /** Took a pending slot from an empty pending ring (B-2). */
  readonly pendingOverrun: number;
  /** Read a slot at or beyond the req_prod it read, or more than RING_SIZE ahead of rsp_prod_pvt (XSA-39). */
  readonly overrun: number;
  /** Dropped or failed (fatal) a packet of the honest frontend. */
  readonly rejected: number;
  /** Put a zero-size fragment into an skb (XSA-448). */
  readonly zeroFrag: number;
  /** The linear area holds less than min(packet size, XEN_NETBACK_TX_COPY_LEN) (XSA-423). */
  readonly shortLinear: number;
  /** A fragment beyond the skb's and its frag_list's arrays (XSA-432), or a txfrags[] read past the packet. */
  readonly fragOverrun: number;
  /** Used a request field other than the value it validated (XSA-155). */
  readonly unvalidated: number;
}
/** netback's tx event channel (evtchn=lateeoi; constant otherwise). */
export interface TxEvtchn {
  /** sring->req_event (SHARED_RING_INIT: 1), written by netback's RING_FINAL_CHECK_FOR_REQUESTS. */
  readonly req_event: number;
  /** The port's pending bit (netfront's notify_remote_via_irq, or a hostile event). */
  readonly evt: number;
  /** The lateeoi core keeps the port masked from the upcall until xen_irq_lateeoi. */
  readonly masked: number;
  /** NETBK_TX_EOI in queue->eoi_pending. */
  readonly eoi: number;
  /** NAPI scheduled (xenvif_poll will run). */
  readonly sched: number;
  /** Events without work a hostile frontend may still send. */
  readonly storms: number;
  /** Ghost: an event that found no request was EOIed as work (not XEN_EOI_FLAG_SPURIOUS). */
  readonly unthrottled: number;
}
export interface NetifState {
  readonly req_prod: number;
  readonly rsp_prod: number;
  readonly ring: readonly Slot[];
  readonly front: Front;
  readonly back: Back;
  readonly hostile: number;
  readonly ev: TxEvtchn;
}
type S = NetifState;
type R = Rule<S, P, any>;

export const netifInit = (p: P): S[] => [{
  req_prod: 0,
  rsp_prod: 0,
  ring: Array.from({ length: p.ringSize }, () => EMPTY),
  front: { req_prod_pvt: 0, rsp_cons: 0, sent: 0, pending: 0, broken: 0, bad: 0, idOverrun: 0 },
  back: {
    req_cons: 0, rsp_prod_pvt: 0, pendingFree: p.ringSize, held: [], disabled: 0, napi: 0, cur: null, txq: 0, dl: 0, dlEntry: null, lock: 0,
    pendingOverrun: 0, overrun: 0, rejected: 0, zeroFrag: 0, shortLinear: 0, fragOverrun: 0, unvalidated: 0,
  },
  hostile: p.frontend === 'hostile' || p.backend === 'hostile' ? p.hostileWrites : 0,
  ev: { req_event: 1, evt: 0, masked: 0, eoi: 0, sched: 0, storms: p.storms, unthrottled: 0 },
}];

const slotOf = (p: P, i: number) => i & (p.ringSize - 1);

// --- packets (the frontend)

/** A packet as the frontend lays it out: data slot sizes (the first fragment first), its extras, a fragment at offset 1, an unterminated chain. */
export interface Shape {
  /** Fragment sizes; frags[0] is the first fragment (the first slot's size field is their sum), -1: the size field is one less than the other fragments' sum. */
  readonly frags: readonly number[];
  /** Extra-info slots: none, gso, gso0 (GSO size 0), bad (type NONE), max (type XEN_NETIF_EXTRA_TYPE_MAX, one past the last), chain (GSO with MORE, then HASH), missing (GSO with MORE and nothing after). */
  readonly extra: 'none' | 'gso' | 'gso0' | 'bad' | 'max' | 'chain' | 'missing';
  /** Data slot at offset 1 (-1: none). */
  readonly offsetSlot: number;
  /** The last fragment keeps NETTXF_more_data. */
  readonly unterminated: boolean;
}

const extraSlots = (e: Shape['extra']): number => (e === 'none' ? 0 : e === 'chain' ? 2 : 1);
export const shapeSlots = (sh: Shape): number => sh.frags.length + extraSlots(sh.extra);

const cartesian = (n: number, dom: readonly number[]): number[][] =>
  n === 0 ? [[]] : cartesian(n - 1, dom).flatMap((xs) => dom.map((d) => [...xs, d]));

/**
 * The packets a frontend may send. Honest netfront: 1..min(maxSlots, slotsMin)
 * data slots (netfront linearises an skb that needs more), the skb head
 * (headers included) in the first fragment: 1 or PAGE if alone, else
 * `XEN_NETBACK_TX_COPY_LEN` (copied whole) or PAGE (copied in part, the rest
 * mapped); other fragments 1 (an honest fragment's size changes nothing else:
 * it is not zero and does not cross the page); optionally a GSO extra. `any`: 1..maxSlots data slots, first fragment -1..PAGE, others
 * 0, 1 or PAGE, every extra kind, a fragment at offset 1, an unterminated
 * chain.
 */
export const shapes = (p: P): Shape[] => {
  const out: Shape[] = [];
  if (p.frontend === 'honest') {
    const extras: Shape['extra'][] = p.gso === 'on' ? ['none', 'gso'] : ['none'];
    for (let n = 1; n <= Math.min(p.maxSlots, p.slotsMin); n++)
      for (const f0 of n === 1 ? [1, 3] : [2, 3])
        for (const rest of cartesian(n - 1, [1]))
          for (const extra of extras) out.push({ frags: [f0, ...rest], extra, offsetSlot: -1, unterminated: false });
    return out;
  }
  const extras: Shape['extra'][] = p.gso === 'on' ? ['none', 'gso', 'gso0', 'bad', 'max', 'chain', 'missing'] : ['none'];
  for (let n = 1; n <= p.maxSlots; n++)
    for (const f0 of [-1, 0, 1, 2, 3])
      for (const rest of cartesian(n - 1, [0, 1, 3])) {
        if (f0 === -1 && rest.every((x) => x === 0)) continue;
        for (const extra of extras)
          for (let off = -1; off < n; off++)
            for (const unterminated of [false, true]) out.push({ frags: [f0, ...rest], extra, offsetSlot: off, unterminated });
      }
  return out;
};

/** The slots of a packet, ids assigned in order from `ids`. */
export const packetSlots = (sh: Shape, ids: readonly number[]): Slot[] => {
  const rest = sh.frags.slice(1);
  const restSum = rest.reduce((a, b) => a + b, 0);
  const total = sh.frags[0]! < 0 ? restSum - 1 : restSum + sh.frags[0]!;
  const n = sh.frags.length;
  const more = (i: number) => (i < n - 1 || sh.unterminated ? NETTXF_more_data : 0);
  const data = (i: number, size: number): Slot => ({ ...EMPTY, k: K_REQ, id: ids[i]!, flags: more(i), size, offset: sh.offsetSlot === i ? 1 : 0 });
  const out: Slot[] = [{ ...data(0, total), flags: more(0) | (sh.extra !== 'none' ? NETTXF_extra_info : 0) }];
  const ex = (etype: number, eflags: number, size: number): Slot => ({ ...EMPTY, k: K_EXTRA, etype, eflags, size });
  if (sh.extra === 'gso') out.push(ex(XEN_NETIF_EXTRA_TYPE_GSO, 0, 1));
  if (sh.extra === 'gso0') out.push(ex(XEN_NETIF_EXTRA_TYPE_GSO, 0, 0));
  if (sh.extra === 'bad') out.push(ex(XEN_NETIF_EXTRA_TYPE_NONE, 0, 1));
  if (sh.extra === 'max') out.push(ex(XEN_NETIF_EXTRA_TYPE_MAX, 0, 1));
  if (sh.extra === 'chain') out.push(ex(XEN_NETIF_EXTRA_TYPE_GSO, XEN_NETIF_EXTRA_FLAG_MORE, 1), ex(XEN_NETIF_EXTRA_TYPE_HASH, 0, 0));
  if (sh.extra === 'missing') out.push(ex(XEN_NETIF_EXTRA_TYPE_GSO, XEN_NETIF_EXTRA_FLAG_MORE, 1));
  for (let i = 1; i < n; i++) out.push(data(i, rest[i - 1]!));
  return out;
};

/**
 * {@link packetSlots} of `sh` with the ids in `idScratch[0..n)`, made once per shape and ids and shared
 * (performance only: xennet_start_xmit's `then` ran packetSlots on every edge, a fifth of netif-tx's
 * allocations; a Slot is never changed in place, so the state's ring may hold the cached ones). The ids
 * are below ringSize (at most 256) or TX_LINK_NONE: a number key for up to three ids, a string beyond.
 */
const idScratch: number[] = [];
const slotCache = new WeakMap<Shape, Map<number | string, readonly Slot[]>>();
function slotsOf(sh: Shape, n: number): readonly Slot[] {
  let byIds = slotCache.get(sh);
  if (byIds === undefined) slotCache.set(sh, (byIds = new Map()));
  let key: number | string = 0;
  if (n <= 3) for (let i = 0; i < n; i++) key = (key as number) * 65537 + idScratch[i]! + 1;
  else key = idScratch.slice(0, n).join(',');
  let slots = byIds.get(key);
  if (slots === undefined) byIds.set(key, (slots = packetSlots(sh, idScratch.slice(0, n))));
  return slots;
}

export const showShape = (sh: Shape): string =>
  `[${sh.frags.join(',')}]${sh.extra !== 'none' ? `+${sh.extra}` : ''}${sh.offsetSlot >= 0 ? ` off@${sh.offsetSlot}` : ''}${sh.unterminated ? ' more_data' : ''}`;

/**
 * The frontend's packet menu at one parameter record, built once: `shapes`
 * (700 at `frontend=any maxSlots=2`) and netfront's own, each also by the
 * free slots they must fit in. xennet_start_xmit's choices are asked on
 * every expansion with the same record, so the last record is checked first
 * (one comparison), then a WeakMap; the arrays are shared, never changed.
 */
interface PacketMenu {
  readonly all: readonly Shape[];
  readonly own: readonly Shape[];
  readonly allFit: (readonly Shape[] | undefined)[];
  readonly ownFit: (readonly Shape[] | undefined)[];
}
const menus = new WeakMap<P, PacketMenu>();
let lastMenuP: P | undefined;
let lastMenu: PacketMenu | undefined;
function packetMenu(p: P): PacketMenu {
  if (p === lastMenuP) return lastMenu!;
  let m = menus.get(p);
  if (m === undefined) {
    const all = shapes(p);
    menus.set(p, (m = { all, own: p.frontend === 'honest' ? all : shapes({ ...p, frontend: 'honest' }), allFit: [], ownFit: [] }));
  }
  lastMenuP = p;
  lastMenu = m;
  return m;
}
/** The packets the frontend may send as its packet number `sent` (from 0): `shapes(p)`, but netfront's own once the first `anyPackets` are sent. */
export const shapesAt = (p: P, sent: number): readonly Shape[] => {
  const m = packetMenu(p);
  return p.frontend !== 'honest' && p.anyPackets > 0 && sent >= p.anyPackets ? m.own : m.all;
};

/** {@link shapesAt} that fit in `free` slots (for an honest frontend `own` and `all` are one list). */
const shapesFitting = (p: P, sent: number, free: number): readonly Shape[] => {
  const m = packetMenu(p);
  const list = shapesAt(p, sent);
  const fit = list === m.own ? m.ownFit : m.allFit;
  return (fit[free] ??= list.filter((sh) => shapeSlots(sh) <= free));
};

/** netfront_tx_slot_available: `req_prod_pvt - rsp_cons < NET_TX_RING_SIZE - XEN_NETIF_NR_SLOTS_MIN - 1`. */
export const txSlotAvailable = (f: Front, p: P): boolean => idxSub(f.req_prod_pvt, f.rsp_cons) < p.ringSize - p.slotsMin - 1;

/** Options of netfront's code; a variant turns one off. */
export interface FrontendCode {
  /** xennet_tx_buf_gc's checks: RING_RESPONSE_PROD_OVERFLOW, NULL skipped, id range, TX_PENDING (false: none). */
  readonly validateResponses: boolean;
  /** Mark the device broken when the id free list is empty instead of using TX_LINK_NONE (the fix of ring.md's finding). */
  readonly idsExhausted: 'overrun' | 'broken';
}
export const honestFrontend: FrontendCode = { validateResponses: true, idsExhausted: 'overrun' };

export function frontendRules(fc: FrontendCode = honestFrontend): R[] {
  const xmit: R = {
    name: 'xennet_start_xmit', actor: 'netfront',
    doc: 'one packet: an id per data slot from the free list, the first slot with the whole size, extras, fragments; xennet_mark_tx_pending; RING_PUSH_REQUESTS_AND_CHECK_NOTIFY',
    see: 'drivers/net/xen-netfront.c xennet_start_xmit, xennet_tx_setup_grant, xennet_make_txreqs, netfront_tx_slot_available',
    choices: (s, p) => {
      if (s.front.sent >= p.packets || s.front.broken) return [];
      if (p.stopAt === 'netfront') return txSlotAvailable(s.front, p) ? shapesAt(p, s.front.sent) : [];
      return shapesFitting(p, s.front.sent, p.ringSize - idxSub(s.front.req_prod_pvt, s.front.rsp_cons));
    },
    showChoice: showShape,
    then: (d, s, p, sh: Shape) => {
      const f = s.front;
      const n = sh.frags.length;
      let taken = f.pending;
      let overrun = 0;
      for (let i = 0; i < n; i++) {
        let id = -1;
        for (let k = 0; k < p.ringSize; k++) if (!(taken & (1 << k))) { id = k; break; }
        if (id < 0) {
          if (fc.idsExhausted === 'broken') { d.front.broken = 1; return; }
          overrun = 1; id = 0xffff; // TX_LINK_NONE
        } else taken |= 1 << id;
        idScratch[i] = id;
      }
      const slots = slotsOf(sh, n);
      let i = f.req_prod_pvt;
      for (const sl of slots) { d.ring[slotOf(p, i)] = sl; i = idxAdd(i, 1); }
      d.front.req_prod_pvt = i;
      d.front.pending = taken;
      d.front.sent = f.sent + 1;
      if (overrun) d.front.idOverrun = 1;
      d.req_prod = i;
      // RING_PUSH_REQUESTS_AND_CHECK_NOTIFY: __old = sring->req_prod, __new = req_prod_pvt
      if (p.evtchn === 'lateeoi' && idxSub(i, s.ev.req_event) < idxSub(i, s.req_prod)) d.ev.evt = 1;
    },
  };
  const gc: R = {
    name: 'xennet_tx_buf_gc', actor: 'netfront',
    doc: 'one response: rsp_prod checked (RING_RESPONSE_PROD_OVERFLOW), RING_COPY_RESPONSE, NULL skipped, id range and TX_PENDING checked, the id freed',
    see: 'drivers/net/xen-netfront.c xennet_tx_buf_gc',
    when: (s) => !s.front.broken && s.rsp_prod !== s.front.rsp_cons,
    then: (d, s, p) => {
      const f = s.front;
      const rp = s.rsp_prod;
      if (fc.validateResponses && idxSub(rp, f.rsp_cons) > p.ringSize) { d.front.broken = 1; return; }
      if (!fc.validateResponses && idxSub(rp, f.rsp_cons) > p.ringSize) d.front.bad = 1;
      const sl = s.ring[slotOf(p, f.rsp_cons)]!;
      d.front.rsp_cons = idxAdd(f.rsp_cons, 1);
      const id = sl.k === K_RSP ? sl.id : asReq(sl).id;
      const status = sl.k === K_RSP ? sl.status : 0;
      if (status === NETIF_RSP_NULL) return;
      const ok = id < p.ringSize && (f.pending & (1 << id)) !== 0;
      if (!ok) { if (fc.validateResponses) { d.front.broken = 1; return; } d.front.bad = 1; return; }
      d.front.pending = f.pending & ~(1 << id);
    },
  };
  return [xmit, gc];
}

// --- the backend

/** Options of netback's code; each variant in examples/ turns one off. */
export interface BackendCode {
  /** XSA-39: `req_prod - req_cons > XEN_NETIF_TX_RING_SIZE` fatal, and xenvif_count_requests's `slots >= work_to_do` (false: neither, and work_to_do without the min()). */
  readonly reqProdCheck: boolean;
  /** XEN_NETBK_LEGACY_SLOTS_MAX as netback uses it (default: slotsMin; B-15: smaller). */
  readonly legacySlotsMax?: (p: P) => number;
  /** XSA-423: data_len = min(txreq.size, XEN_NETBACK_TX_COPY_LEN) before counting, copied across slots (false: the first fragment only, after counting). */
  readonly copyHeadersAcrossSlots: boolean;
  /** XSA-432: `if (ret >= XEN_NETBK_LEGACY_SLOTS_MAX - 1 && data_len < txreq.size) data_len = txreq.size`. */
  readonly xsa432: boolean;
  /** XSA-448: a zero-size fragment is answered at once, not made an skb frag. */
  readonly skipZeroFrags: boolean;
  /** B-12: xenvif_tx_err resets extra_count after the first slot ("only the first frag can have extras"). */
  readonly txErrResetsExtraCount: boolean;
  /** B-2: xenvif_idx_release releases the pending index before pushing the response (false: push first, as before 7fbb9d84). */
  readonly releaseBeforePush: boolean;
  /** XSA-155: xenvif_get_requests uses the private copies (false: it re-reads the fragments from the shared ring). */
  readonly usePrivateCopy: boolean;
  /**
   * The frag_list loop of xenvif_get_requests skips a zero-size fragment
   * with `continue`, which advances `txp` but leaves `nr_slots` as it was, so
   * the loop reads one txfrags[] entry past the packet (Linux 6.12, see
   * docs/models/netif.md "A finding"). True: the fix, counting the skipped
   * fragment (`nr_slots--`).
   */
  readonly fragListCountsZeroFrags: boolean;
  /** XSA-332 (evtchn=lateeoi): xenvif_tx_interrupt EOIs an event without requests as spurious and holds the others until NAPI completes (false: an ordinary interrupt, every event EOIed at once as work). */
  readonly spuriousAccounting: boolean;
}
export const honestBackend: BackendCode = {
  reqProdCheck: true, copyHeadersAcrossSlots: true, xsa432: true, skipZeroFrags: true, txErrResetsExtraCount: true, releaseBeforePush: true, usePrivateCopy: true, fragListCountsZeroFrags: false,
  spuriousAccounting: true,
};

/** RING_HAS_UNCONSUMED_REQUESTS (XEN_RING_NR_UNCONSUMED_REQUESTS, with its min()). */
export const hasUnconsumedRequests = (s: S, p: P): boolean => NR_UNCONSUMED_REQUESTS(p.ringSize, s.req_prod, s.back.req_cons, s.back.rsp_prod_pvt) > 0;

type BackDraft = { -readonly [K in keyof Back]: Back[K] };
/**
 * What netback's NAPI context writes: the ring, its own state, rsp_prod. In a
 * rule's `then` it is the draft itself (the steps write where netback writes);
 * a guard that must know what a step would do runs it on a copy ({@link worldOf}).
 */
type World = { ring: Slot[]; back: BackDraft; rsp_prod: number };
const worldOf = (s: S): World => ({ ring: [...s.ring], back: { ...s.back }, rsp_prod: s.rsp_prod });
/** The draft as the world a step writes. */
const draftWorld = (d: unknown): World => d as World;

/**
 * The response slot `{ ...EMPTY, k: K_RSP, id, status }`, made once per id and status and shared
 * (performance only: a Slot is never changed in place; netback makes one on every response).
 */
const responses = new Map<number, Slot>();
const response = (id: number, status: number): Slot => {
  if (!(id >= 0 && id <= 0xffff && status >= NETIF_RSP_DROPPED && status <= NETIF_RSP_NULL) || (id | 0) !== id || (status | 0) !== status) return { ...EMPTY, k: K_RSP, id, status };
  const key = id * 8 + (status - NETIF_RSP_DROPPED); // status -2..1, an id 0..0xffff (an extra's etype | eflags << 8)
  let r = responses.get(key);
  if (r === undefined) responses.set(key, (r = { ...EMPTY, k: K_RSP, id, status }));
  return r;
};

/** _make_tx_response: the response at rsp_prod_pvt, then a NULL status on the next extra_count slots (their other bytes unchanged). */
function makeResponse(w: World, p: P, id: number, extra: number, status: number): void {
  let i = w.back.rsp_prod_pvt;
  w.ring[slotOf(p, i)] = response(id, status);
  for (let e = 0; e < extra; e++) {
    i = idxAdd(i, 1);
    const old = w.ring[slotOf(p, i)]!;
    const oid = reqIdOf(old);
    w.ring[slotOf(p, i)] = response(oid, NETIF_RSP_NULL);
  }
  w.back.rsp_prod_pvt = idxAdd(i, 1);
}

/** What one step of netback's NAPI context did to its world; `needsLock` when it made a response (make_tx_response takes response_lock). */
interface Outcome { readonly needsLock: boolean; readonly ok: boolean }
const BUILT: Outcome = { needsLock: false, ok: true }, BUILT_RESPONDED: Outcome = { needsLock: true, ok: true };
const FAILED: Outcome = { needsLock: false, ok: false }, FAILED_RESPONDED: Outcome = { needsLock: true, ok: false };

const legacyMax = (bc: BackendCode, p: P) => (bc.legacySlotsMax ? bc.legacySlotsMax(p) : p.slotsMin);

/** What xenvif_get_extras returns: `ok` (work_to_do left), or `fatal` ("Missing extra info", "Invalid extra type"); `extra_count` slots consumed either way. */
export interface ExtrasResult { readonly verdict: 'ok' | 'fatal'; readonly reason: string; readonly extra_count: number; readonly work_to_do: number; readonly gsoSize: number }

/**
 * xenvif_get_extras (netback.c), statement by statement: `read(k)` is
 * RING_COPY_REQUEST of the k-th slot after req_cons. The C harness of
 * conformance/netback/ runs netback's own function on the same slots and
 * compares.
 */
export function getExtras(read: (k: number) => { type: number; flags: number; size: number }, work_to_do: number): ExtrasResult {
  let extra_count = 0;
  let gsoSize = -1;
  let more = true;
  while (more) {
    if (work_to_do-- <= 0) return { verdict: 'fatal', reason: 'Missing extra info', extra_count, work_to_do, gsoSize };
    const ex = read(extra_count);
    extra_count++;
    if (!ex.type || ex.type >= XEN_NETIF_EXTRA_TYPE_MAX) return { verdict: 'fatal', reason: 'Invalid extra type', extra_count, work_to_do, gsoSize };
    if (ex.type === XEN_NETIF_EXTRA_TYPE_GSO) gsoSize = ex.size;
    more = (ex.flags & XEN_NETIF_EXTRA_FLAG_MORE) !== 0;
  }
  return { verdict: 'ok', reason: '', extra_count, work_to_do, gsoSize };
}

/** What xenvif_count_requests returns: `ok` with `slots` fragments, `drop` (xenvif_tx_err up to cons + slots), `fatal` (xenvif_fatal_tx_err); `first.size` as it leaves it. */
export interface CountResult { readonly verdict: 'ok' | 'drop' | 'fatal'; readonly reason: string; readonly slots: number; readonly first: TxReq; readonly frags: readonly TxReq[] }

/**
 * xenvif_count_requests (netback.c), statement by statement, with the
 * constants of `p` (XEN_NETBK_LEGACY_SLOTS_MAX, fatal_skb_slots) and the
 * model's XEN_PAGE_SIZE: `read(k)` is RING_COPY_REQUEST of req_cons + k.
 */
export function countRequests(read: (k: number) => TxReq, txreq: TxReq, work_to_do: number, p: Pick<P, 'slotsMin' | 'fatalSlots'>, bc: Pick<BackendCode, 'reqProdCheck' | 'legacySlotsMax'> = honestBackend, pageSize = XEN_PAGE_SIZE): CountResult {
  const first = { ...txreq };
  const frags: TxReq[] = [];
  let slots = 0;
  if (!(first.flags & NETTXF_more_data)) return { verdict: 'ok', reason: '', slots, first, frags };
  let drop = '';
  let more = true;
  const fatalSlots = fatalSkbSlots(p as P);
  const legacy = bc.legacySlotsMax ? bc.legacySlotsMax(p as P) : p.slotsMin;
  while (more) {
    if (bc.reqProdCheck && slots >= work_to_do) return { verdict: 'fatal', reason: 'Asked for slots but exceeds this limit', slots, first, frags };
    if (slots >= fatalSlots) return { verdict: 'fatal', reason: 'Malicious frontend', slots, first, frags };
    if (!drop && slots >= legacy) drop = 'Too many slots';
    const txp = read(slots);
    if (!drop && txp.size > first.size) drop = 'Invalid tx request';
    first.size = (first.size - txp.size) & 0xffff;
    slots++;
    if (txp.offset + txp.size > pageSize) return { verdict: 'fatal', reason: 'Cross page boundary', slots, first, frags };
    more = (txp.flags & NETTXF_more_data) !== 0;
    if (!drop) frags.push(txp);
  }
  return drop ? { verdict: 'drop', reason: drop, slots, first, frags } : { verdict: 'ok', reason: '', slots, first, frags };
}

/**
 * The head of xenvif_tx_build_gops's loop: -1 when the XSA-39 check
 * (`req_prod - req_cons > XEN_NETIF_TX_RING_SIZE`) fails (xenvif_fatal_tx_err),
 * else work_to_do, XEN_RING_NR_UNCONSUMED_REQUESTS (0: no work, the pass ends).
 */
function txWorkToDo(s: S, p: P, bc: BackendCode): number {
  const rp = s.req_prod, cons = s.back.req_cons;
  if (!bc.reqProdCheck) return idxSub(rp, cons);
  if (idxSub(rp, cons) > p.ringSize) return -1;
  return NR_UNCONSUMED_REQUESTS(p.ringSize, rp, cons, s.back.rsp_prod_pvt);
}

/**
 * One packet of xenvif_tx_build_gops up to xenvif_get_requests, written into
 * `w`: the XSA-39 check, work_to_do, the first slot, xenvif_get_extras,
 * xenvif_count_requests, the size, page and GSO checks. Returns null (`w`
 * untouched) when there is no work.
 */
function buildGops(s: S, p: P, bc: BackendCode, w: World): Outcome | null {
  const b = w.back;
  const honestFront = p.frontend === 'honest';
  const rp = s.req_prod;
  const fatal = () => { b.disabled = 1; if (honestFront) b.rejected = 1; };
  const readSlot = (i: number): Slot => {
    if (!idxLe(idxAdd(i, 1), rp) || idxSub(i, b.rsp_prod_pvt) >= p.ringSize) b.overrun = 1;
    return s.ring[slotOf(p, i)]!;
  };
  let work = txWorkToDo(s, p, bc);
  if (work < 0) { fatal(); return FAILED; }
  if (!work) return null;
  let idx = b.req_cons;
  const txreq = asReq(readSlot(idx));
  const firstIdx = idx;
  work--;
  idx = idxAdd(idx, 1);
  b.req_cons = idx;
  // xenvif_get_extras
  let extra_count = 0;
  let gsoSize = -1;
  if (txreq.flags & NETTXF_extra_info) {
    const cons = b.req_cons;
    const ge = getExtras((k) => asExtra(readSlot(idxAdd(cons, k))), work);
    extra_count = ge.extra_count;
    b.req_cons = idxAdd(cons, ge.extra_count);
    if (ge.verdict !== 'ok') { fatal(); return FAILED; }
    work = ge.work_to_do;
    gsoSize = ge.gsoSize;
    idx = b.req_cons;
  }
  const total = txreq.size;
  let data_len = bc.copyHeadersAcrossSlots ? Math.min(txreq.size, XEN_NETBACK_TX_COPY_LEN) : 0;
  // xenvif_count_requests
  const cons = b.req_cons;
  const cr = countRequests((k) => asReq(readSlot(idxAdd(cons, k))), txreq, work, p, bc);
  const first = cr.first;
  const frags = cr.frags;
  const fragIdx = frags.map((_, k) => idxAdd(cons, k));
  const slots = cr.slots;
  if (cr.verdict === 'fatal') { fatal(); return FAILED; }
  if (cr.verdict === 'drop') { txErr(w, s, p, bc, first, extra_count, idxAdd(cons, slots)); if (honestFront) b.rejected = 1; return FAILED_RESPONDED; }
  idx = idxAdd(idx, slots);
  if (first.size < ETH_HLEN) { txErr(w, s, p, bc, first, extra_count, idx); if (honestFront) b.rejected = 1; return FAILED_RESPONDED; } // "Bad packet size"
  if (first.offset + first.size > XEN_PAGE_SIZE) { fatal(); return FAILED; } // "Cross page boundary"
  if (!bc.copyHeadersAcrossSlots) data_len = Math.min(first.size, XEN_NETBACK_TX_COPY_LEN);
  if (bc.xsa432 && slots >= legacyMax(bc, p) - 1 && data_len < first.size) data_len = first.size;
  if (gsoSize === 0) { fatal(); return FAILED; } // xenvif_set_skb_gso "GSO size must not be zero"
  b.napi = 1;
  b.cur = { first, frags, fragIdx, firstIdx, extra_count, total, data_len, end: idx };
  return BUILT;
}

/** xenvif_tx_err: ERROR for the first slot (NULL for its extras), then ERROR for each slot from req_cons to end; req_cons = end. */
function txErr(w: World, s: S, p: P, bc: BackendCode, first: TxReq, extra_count: number, end: number): void {
  let cons = w.back.req_cons;
  let txp = first;
  let extra = extra_count;
  for (;;) {
    makeResponse(w, p, txp.id, extra, NETIF_RSP_ERROR);
    if (cons === end) break;
    txp = asReq(s.ring[slotOf(p, cons)]!);
    cons = idxAdd(cons, 1);
    if (bc.txErrResetsExtraCount) extra = 0;
  }
  w.back.req_cons = cons;
}

/** xenvif_get_requests for the counted packet: the header copy, pending slots, frags of the skb and of its frag_list skb. */
/** What xenvif_get_requests did, slot by slot (slot 0 is the first, k the k-th fragment): for conformance/netback/. */
export interface GetRequestsEvents {
  /** Grant copy ops: [slot, bytes]. */
  readonly copies: [number, number][];
  /** Grant map ops (frags of the skb or of its frag_list skb). */
  readonly maps: number[];
  /** Zero-size fragments answered at once. */
  readonly resp: number[];
  /** A txfrags[] entry past the packet was read. */
  past: boolean;
  /** skb_shinfo(nskb) with no frag_list skb. */
  nullShinfo: boolean;
}

/** The packet `sh` on a fresh ring, through xenvif_tx_build_gops: what it counted (null: dropped, fatal). `p` need not be a valid parameter set (conformance/netback/ uses Linux's slot numbers). */
export function countedPacket(sh: Shape, p: P, bc: BackendCode = honestBackend): Counted | null {
  const s0 = netifInit(p)[0]!;
  const slots = packetSlots(sh, sh.frags.map((_, i) => i));
  const ring = [...s0.ring];
  slots.forEach((sl, i) => { ring[slotOf(p, i)] = sl; });
  const s: S = { ...s0, ring, req_prod: slots.length, front: { ...s0.front, req_prod_pvt: slots.length } };
  const w = worldOf(s);
  const o = buildGops(s, p, bc, w);
  return o && o.ok ? w.back.cur : null;
}

/** xenvif_get_requests on a counted packet, from a fresh netback: its events. */
export function xenvifGetRequests(c: Counted, p: P, bc: BackendCode = honestBackend): GetRequestsEvents {
  const s0 = netifInit(p)[0]!;
  const ev: GetRequestsEvents = { copies: [], maps: [], resp: [], past: false, nullShinfo: false };
  const s: S = { ...s0, back: { ...s0.back, napi: 1, cur: c } };
  getRequests(s, p, bc, worldOf(s), ev);
  return ev;
}

/** xenvif_get_requests for the counted packet, written into `w`. */
function getRequests(s: S, p: P, bc: BackendCode, w: World, ev?: GetRequestsEvents): Outcome {
  const b = w.back;
  const c = s.back.cur!;
  let needsLock = false;
  const MAXF = MAX_SKB_FRAGS(p);
  const ret = c.frags.length;
  // the slots as netback uses them: its private copies, or (XSA-155 variant) the shared ring again
  const first = bc.usePrivateCopy ? c.first : { ...c.first }; // the first slot's size is the computed first fragment either way
  const txs: TxReq[] = [first];
  for (let k = 0; k < c.frags.length; k++) {
    const t = c.frags[k]!;
    if (bc.usePrivateCopy) txs.push(t);
    else {
      const now = asReq(s.ring[slotOf(p, c.fragIdx[k]!)]!);
      txs.push({ ...t, size: now.size, offset: now.offset });
    }
  }
  if (!bc.usePrivateCopy && c.frags.some((t, k) => txs[k + 1]!.size !== t.size || txs[k + 1]!.offset !== t.offset)) b.unvalidated = 1;
  const frag_overflow = ret > MAXF ? ret - MAXF : 0;
  const nskb = frag_overflow > 0;
  let nr_slots = Math.min(ret, MAXF) + frag_overflow + 1;
  const held: Pending[] = [...b.held];
  const take = (id: number, extra: number, mapped: number) => {
    if (b.pendingFree === 0) b.pendingOverrun = 1; else b.pendingFree--;
    held.push({ id, extra, mapped, submitted: 0 });
  };
  const size: number[] = [];
  for (let k = 0; k < txs.length; k++) size.push(txs[k]!.size);
  let t = 0; // txp: index into txs
  let data_len = c.data_len;
  const linear = data_len;
  while (data_len > 0) {
    if (t >= txs.length) { b.fragOverrun = 1; if (ev) ev.past = true; break; }
    const amount = Math.min(data_len, size[t]!);
    ev?.copies.push([t, amount]);
    data_len -= amount;
    if (amount === size[t]) {
      take(txs[t]!.id, t === 0 ? c.extra_count : 0, 0);
      t++;
      nr_slots--;
    } else size[t] = size[t]! - amount;
  }
  if (linear < Math.min(c.total, XEN_NETBACK_TX_COPY_LEN)) b.shortLinear = 1;
  const zero = (k: number) => {
    if (bc.skipZeroFrags) { makeResponse(w, p, txs[k]!.id, 0, NETIF_RSP_OKAY); ev?.resp.push(k); needsLock = true; return true; }
    b.zeroFrag = 1;
    return false;
  };
  let nr_frags = 0;
  for (; nr_slots > 0 && nr_frags < MAXF; nr_slots--) {
    if (t >= txs.length) { b.fragOverrun = 1; if (ev) ev.past = true; break; }
    if (!size[t]) { if (zero(t)) { t++; continue; } }
    take(txs[t]!.id, t === 0 ? c.extra_count : 0, 1);
    ev?.maps.push(t);
    nr_frags++;
    t++;
  }
  if (nr_slots > 0 && b.fragOverrun === 0) {
    if (!nskb) { b.fragOverrun = 1; if (ev) ev.nullShinfo = true; } // skb_shinfo(NULL)
    else {
      for (nr_frags = 0; nr_frags < nr_slots; t++) {
        if (t >= txs.length || nr_frags >= MAXF) { b.fragOverrun = 1; if (ev && t >= txs.length) ev.past = true; break; } // past txfrags[] / frags[]
        if (!size[t]) { if (zero(t)) { if (bc.fragListCountsZeroFrags) nr_slots--; continue; } }
        take(txs[t]!.id, 0, 1);
        ev?.maps.push(t);
        nr_frags++;
      }
    }
  }
  b.held = held;
  b.req_cons = c.end;
  b.cur = null;
  b.napi = 0;
  b.txq = s.back.txq + 1;
  return needsLock ? BUILT_RESPONDED : BUILT;
}

/** xenvif_idx_release's three parts for one pending slot, atomically (NAPI's own releases). */
function releaseNow(w: World, p: P, e: Pending): void {
  makeResponse(w, p, e.id, e.extra, NETIF_RSP_OKAY);
  w.back.pendingFree++;
  w.rsp_prod = w.back.rsp_prod_pvt;
}

/** No choice (shared: a rule's choices are only read). */
const NO_CHOICES: readonly number[] = [];

export function backendRules(bc: BackendCode = honestBackend): R[] {
  const napiRuns = (s: S, p: P) => !s.back.disabled && s.back.napi === 0 && s.back.txq < p.budget && (p.evtchn === 'off' || s.ev.sched === 1);
  const build: R = {
    name: 'xenvif_tx_build_gops', actor: 'netback-napi',
    doc: 'one packet: req_prod check, XEN_RING_NR_UNCONSUMED_REQUESTS, RING_COPY_REQUEST, xenvif_get_extras, xenvif_count_requests, size/page/GSO checks; errors answered by xenvif_tx_err',
    see: 'drivers/net/xen-netback/netback.c xenvif_tx_build_gops, xenvif_get_extras, xenvif_count_requests, xenvif_tx_err, xenvif_fatal_tx_err',
    // work to do, and response_lock free if this packet's errors would take it (the dealloc context holds it)
    when: (s, p) => napiRuns(s, p) && txWorkToDo(s, p, bc) !== 0 && !(s.back.lock && buildGops(s, p, bc, worldOf(s))!.needsLock),
    then: (d, s, p) => {
      const w = draftWorld(d);
      const o = buildGops(s, p, bc, w)!;
      w.rsp_prod = o.needsLock ? w.back.rsp_prod_pvt : s.rsp_prod; // make_tx_response pushes
      if (!o.ok) { w.back.napi = 0; w.back.txq = s.back.txq; }
    },
  };
  const get: R = {
    name: 'xenvif_get_requests', actor: 'netback-napi',
    doc: 'the header copy of data_len bytes across the slots, a pending slot per data slot, zero-size fragments answered, the skb (and frag_list skb) frags',
    see: 'drivers/net/xen-netback/netback.c xenvif_get_requests',
    when: (s, p) => s.back.napi === 1 && !(s.back.lock && getRequests(s, p, bc, worldOf(s)).needsLock),
    then: (d, s, p) => {
      const w = draftWorld(d);
      const o = getRequests(s, p, bc, w);
      if (o.needsLock) w.rsp_prod = w.back.rsp_prod_pvt;
    },
  };
  const submit: R = {
    name: 'xenvif_tx_submit', actor: 'netback-napi',
    doc: 'end of the pass: the grant copies done, the copied-only slots released (xenvif_idx_release), the skbs handed to the stack',
    see: 'drivers/net/xen-netback/netback.c xenvif_tx_action, xenvif_tx_check_gop, xenvif_tx_submit',
    when: (s, p) => s.back.napi === 0 && s.back.txq > 0 && !s.back.lock && (s.back.txq >= p.budget || s.back.disabled === 1 || txWorkToDo(s, p, bc) === 0),
    then: (d, s, p) => {
      const w = draftWorld(d);
      const keep: Pending[] = [];
      for (const e of s.back.held) {
        if (!e.mapped && !e.submitted) releaseNow(w, p, e);
        else keep.push(e.submitted ? e : { ...e, submitted: 1 });
      }
      w.back.held = keep;
      w.back.txq = 0;
    },
  };
  // the dealloc thread: xenvif_tx_dealloc_action -> xenvif_idx_release, in three steps under response_lock
  const dlMake: R = {
    name: 'xenvif_idx_release.make_tx_response', actor: 'netback-dealloc',
    doc: 'a freed skb\'s mapped slot: take response_lock, _make_tx_response at rsp_prod_pvt (NULL on the extra slots of a first slot)',
    see: 'drivers/net/xen-netback/netback.c xenvif_tx_dealloc_action, xenvif_idx_release, _make_tx_response',
    choices: (s) => {
      // the held entries whose skb was freed: mapped and handed to the stack (one array, none when there are none: asked of every state)
      if (s.back.dl !== 0 || s.back.lock) return NO_CHOICES;
      let out: number[] | undefined;
      const held = s.back.held;
      for (let i = 0; i < held.length; i++) if (held[i]!.mapped && held[i]!.submitted) (out ??= []).push(i);
      return out ?? NO_CHOICES;
    },
    showChoice: (i: number) => `held[${i}]`,
    then: (d, s, p, i: number) => {
      const w = draftWorld(d);
      const e = s.back.held[i]!;
      makeResponse(w, p, e.id, e.extra, NETIF_RSP_OKAY);
      w.back.held = s.back.held.filter((_, k) => k !== i);
      w.back.dl = 1; w.back.dlEntry = e; w.back.lock = 1;
    },
  };
  const release = (pc: number): R => ({
    name: 'xenvif_idx_release.pending_release', actor: 'netback-dealloc',
    doc: 'pending_ring[pending_prod++] = pending_idx: the pending slot is free again',
    see: 'drivers/net/xen-netback/netback.c xenvif_idx_release ("Release the pending index before pusing the Tx response")',
    when: (s) => s.back.dl === pc,
    then: (d, s) => { d.back.pendingFree = s.back.pendingFree + 1; d.back.dl = pc === 1 ? 2 : 0; if (pc === 2) { d.back.lock = 0; d.back.dlEntry = null; } },
  });
  const push = (pc: number): R => ({
    name: 'xenvif_idx_release.push_tx_responses', actor: 'netback-dealloc',
    doc: 'RING_PUSH_RESPONSES_AND_CHECK_NOTIFY: rsp_prod = rsp_prod_pvt',
    see: 'drivers/net/xen-netback/netback.c push_tx_responses',
    when: (s) => s.back.dl === pc,
    then: (d, s) => { d.rsp_prod = s.back.rsp_prod_pvt; d.back.dl = pc === 1 ? 2 : 0; if (pc === 2) { d.back.lock = 0; d.back.dlEntry = null; } },
  });
  const steps = bc.releaseBeforePush ? [release(1), push(2)] : [push(1), release(2)];
  // netback's tx event channel (evtchn=lateeoi): interface.c xenvif_tx_interrupt, xenvif_poll
  const irq: R = {
    name: 'xenvif_tx_interrupt', actor: 'netback-irq',
    doc: 'the tx event delivered: NETBK_TX_EOI set; requests on the ring (RING_HAS_UNCONSUMED_REQUESTS): napi_schedule, the port stays masked until NAPI completes; none: XEN_EOI_FLAG_SPURIOUS at once (the event core delays the next event)',
    see: 'drivers/net/xen-netback/interface.c xenvif_tx_interrupt, xenvif_handle_tx_interrupt; drivers/xen/events/events_base.c xen_irq_lateeoi (XSA-332)',
    applies: (p) => p.evtchn === 'lateeoi',
    when: (s) => s.ev.evt === 1 && s.ev.masked === 0,
    then: (d, s, p) => {
      d.ev.evt = 0;
      const work = hasUnconsumedRequests(s, p);
      if (work) d.ev.sched = 1;
      if (!bc.spuriousAccounting) { if (!work) d.ev.unthrottled = 1; return; } // an ordinary interrupt: EOIed at once, as work
      if (work) { d.ev.masked = 1; d.ev.eoi = 1; } // EOI when NAPI completes
      // else: atomic_andnot(NETBK_TX_EOI); xen_irq_lateeoi(irq, XEN_EOI_FLAG_SPURIOUS): unmasked, throttled by the core
    },
  };
  const complete: R = {
    name: 'xenvif_poll.napi_complete_done', actor: 'netback-napi',
    doc: 'a poll with less than its budget done: napi_complete_done, then xenvif_napi_schedule_or_enable_events: RING_FINAL_CHECK_FOR_REQUESTS (req_event = req_cons + 1), more: napi_schedule; none: clear NETBK_TX_EOI and xen_irq_lateeoi(irq, 0). A disabled vif: napi_complete only',
    see: 'drivers/net/xen-netback/interface.c xenvif_poll; netback.c xenvif_napi_schedule_or_enable_events; ring.h RING_FINAL_CHECK_FOR_REQUESTS',
    applies: (p) => p.evtchn === 'lateeoi',
    when: (s, p) => s.ev.sched === 1 && s.back.napi === 0 && s.back.txq === 0 && (s.back.disabled === 1 || txWorkToDo(s, p, bc) === 0),
    then: (d, s, p) => {
      d.ev.sched = 0;
      if (s.back.disabled) return; // "This vif is rogue": napi_complete, no EOI
      let more = hasUnconsumedRequests(s, p);
      if (!more) { d.ev.req_event = idxAdd(s.back.req_cons, 1); more = hasUnconsumedRequests(s, p); } // xen_mb(), then the recheck
      if (more) { d.ev.sched = 1; return; }
      if (s.ev.eoi) { d.ev.eoi = 0; d.ev.masked = 0; } // xen_irq_lateeoi(queue->tx_irq, 0)
    },
  };
  return [build, get, submit, dlMake, ...steps, irq, complete];
}

// --- adversaries

export interface HostileWrite { readonly what: string; readonly slot: number; readonly val: number }

/** What an adversarial peer may write: a hostile frontend req_prod (impossible values) or a published request's size; a hostile backend rsp_prod or a response slot's id or status. */
export function hostileDomain(s: S, p: P): HostileWrite[] {
  const out: HostileWrite[] = [];
  if (s.ev.storms > 0 && s.ev.evt === 0) out.push({ what: 'event', slot: -1, val: 1 });
  if (s.hostile === 0) return out;
  if (p.frontend === 'hostile') {
    for (const v of [idxAdd(s.back.req_cons, p.ringSize), idxAdd(s.back.req_cons, p.ringSize + 1), idxSub(s.req_prod, 1), 0xffffffff]) if (v !== s.req_prod) out.push({ what: 'req_prod', slot: -1, val: v });
    for (let k = 0; k < p.ringSize; k++) if (s.ring[k]!.k === K_REQ) for (let v = 0; v <= XEN_PAGE_SIZE; v++) if (v !== s.ring[k]!.size) out.push({ what: 'size', slot: k, val: v });
  }
  if (p.backend === 'hostile') {
    for (const v of [idxAdd(s.rsp_prod, 1), idxSub(s.rsp_prod, 1), idxAdd(s.req_prod, 1)]) if (v !== s.rsp_prod) out.push({ what: 'rsp_prod', slot: -1, val: v });
    for (let k = 0; k < p.ringSize; k++) {
      for (let v = 0; v <= p.ringSize; v++) out.push({ what: 'id', slot: k, val: v });
      for (const v of [NETIF_RSP_ERROR, NETIF_RSP_OKAY, NETIF_RSP_NULL]) out.push({ what: 'status', slot: k, val: v });
    }
  }
  return out;
}

export const hostileRule: R = {
  name: 'hostile_write', actor: 'adversary',
  doc: 'an adversarial peer writes a field of the shared page it can write (slots after publication included); a hostile frontend may also notify without work (storms)',
  choices: (s, p) => hostileDomain(s, p),
  showChoice: (c: HostileWrite) => (c.what === 'event' ? 'notify_remote_via_irq (no work)' : c.slot < 0 ? `${c.what}=${c.val}` : `ring[${c.slot}].${c.what}=${c.val}`),
  then: (d, s, _p, c: HostileWrite) => {
    if (c.what === 'event') { d.ev.storms = s.ev.storms - 1; d.ev.evt = 1; return; }
    d.hostile = s.hostile - 1;
    if (c.what === 'req_prod') d.req_prod = c.val;
    else if (c.what === 'rsp_prod') d.rsp_prod = c.val;
    else if (c.what === 'size') d.ring[c.slot] = { ...s.ring[c.slot]!, size: c.val };
    else if (c.what === 'id') d.ring[c.slot] = { ...s.ring[c.slot]!, k: K_RSP, id: c.val };
    else d.ring[c.slot] = { ...s.ring[c.slot]!, k: K_RSP, status: c.val };
  },
};

export const netifRules: readonly R[] = [...frontendRules(), ...backendRules(), { ...hostileRule, applies: (p: P) => p.frontend === 'hostile' || p.backend === 'hostile' }];

// --- properties

const backHonest = (p: P) => p.backend === 'honest';
const frontHonest = (p: P) => p.frontend === 'honest';
const bothHonest = (p: P) => backHonest(p) && frontHonest(p);

export const netifInvariants: readonly Invariant<S, P>[] = [
  { name: 'N_no_overflow', see: 'netfront netfront_tx_slot_available (NET_TX_RING_SIZE - XEN_NETIF_NR_SLOTS_MIN - 1); ring.h RING_FULL (both honest)',
    description: 'netfront never has more than RING_SIZE slots in flight: req_prod - rsp_cons <= RING_SIZE',
    holds: (s, p) => !bothHonest(p) || idxSub(s.req_prod, s.front.rsp_cons) <= p.ringSize },
  { name: 'B_pending_within_MAX_PENDING_REQS', see: 'B-2: Linux 7fbb9d84 "xen-netback: release pending index before pushing Tx responses"; netback nr_pending_reqs, MAX_PENDING_REQS (honest backend)',
    description: 'netback never takes a pending slot from an empty pending ring: nr_pending_reqs <= MAX_PENDING_REQS',
    holds: (s, p) => !backHonest(p) || s.back.pendingOverrun === 0 },
  { name: 'B_no_impossible_req_prod', see: 'XSA-39: netback xenvif_tx_build_gops "Impossible number of requests", xenvif_count_requests "Asked for %d slots but exceeds this limit" (honest backend)',
    description: 'netback reads only slots below the req_prod it read and within RING_SIZE of rsp_prod_pvt',
    holds: (s, p) => !backHonest(p) || s.back.overrun === 0 },
  { name: 'B_uses_validated_request', see: 'XSA-155: RING_COPY_REQUEST; netback uses txfrags[] (honest backend)',
    description: 'the fragment sizes netback builds the skb from are the ones xenvif_count_requests validated',
    holds: (s, p) => !backHonest(p) || s.back.unvalidated === 0 },
  { name: 'B_no_zero_size_frag', see: 'XSA-448 (CVE-2023-46838): "xen-netback: don\'t produce zero-size SKB frags" (honest backend)',
    description: 'netback never puts a zero-size fragment into an skb',
    holds: (s, p) => !backHonest(p) || s.back.zeroFrag === 0 },
  { name: 'B_headers_in_linear_area', see: 'XSA-423 (CVE-2022-3643): ad7f402ae4f4 "xen/netback: Ensure protocol headers don\'t fall in the non-linear area" (honest backend)',
    description: 'the linear area of every skb holds min(packet size, XEN_NETBACK_TX_COPY_LEN) bytes, however the header is split over slots',
    holds: (s, p) => !backHonest(p) || s.back.shortLinear === 0 },
  { name: 'B_frags_fit_skb', see: 'XSA-432 (CVE-2023-34319): "xen-netback: Fix buffer overrun triggered by unusual packet"; xenvif_get_requests frag_overflow, nskb (honest backend)',
    description: 'every fragment left after the header copy fits the skb\'s frags or its frag_list skb\'s, and no txfrags[] entry past the packet is read',
    holds: (s, p) => !backHonest(p) || s.back.fragOverrun === 0 },
  { name: 'B_responses_match_slots', see: 'B-12: Linux 72eec92a (xenvif_tx_err, extra_count); netif.h "NETIF_RSP_NULL ... for auxiliary requests" (honest backend)',
    description: 'every slot netback consumed is answered exactly once: rsp_prod_pvt is never ahead of req_cons, and between packets the slots consumed and not answered are exactly those of the pending slots held (a first slot with its extras)',
    holds: (s, p) => !backHonest(p) || (idxLe(s.back.rsp_prod_pvt, s.back.req_cons) &&
      (s.back.napi === 1 || s.back.disabled === 1 || idxSub(s.back.req_cons, s.back.rsp_prod_pvt) === s.back.held.reduce((a, e) => a + 1 + e.extra, 0))) },
  { name: 'B_accepts_honest_packets', see: 'B-15: netif.h XEN_NETIF_NR_SLOTS_MIN "Any new backend ... should expect frontend to send a valid packet using slots up to this value"; netback XEN_NETBK_LEGACY_SLOTS_MAX, fatal_skb_slots (both honest)',
    description: 'every packet of an honest netfront (at most XEN_NETIF_NR_SLOTS_MIN data slots) is accepted: neither dropped nor fatal',
    holds: (s, p) => !bothHonest(p) || s.back.rejected === 0 },
  { name: 'B_tx_events_accounted', see: 'X-7, XSA-332 (CVE-2020-27673): netback "use lateeoi irq binding"; drivers/net/xen-netback/interface.c xenvif_tx_interrupt; drivers/xen/events xen_irq_lateeoi (honest backend, evtchn=lateeoi)',
    description: 'netback EOIs a tx event as work only when it found requests on the ring; every other event is EOIed with XEN_EOI_FLAG_SPURIOUS, so the event core throttles a storm',
    holds: (s, p) => !backHonest(p) || s.ev.unthrottled === 0 },
  { name: 'F_validates_responses', see: 'drivers/net/xen-netfront.c xennet_tx_buf_gc (2021 hardening) (honest frontend)',
    description: 'netfront completes only in-range TX_PENDING ids and consumes no response while rsp_prod is more than RING_SIZE ahead',
    holds: (s, p) => !frontHonest(p) || s.front.bad === 0 },
  { name: 'F_tx_id_from_free_list', see: 'drivers/net/xen-netfront.c xennet_tx_setup_grant get_id_from_list (honest frontend; ring.md "A finding")',
    description: 'netfront never sends with TX_LINK_NONE from an empty id free list',
    holds: (s, p) => !frontHonest(p) || s.front.idOverrun === 0 },
];

/** Everything sent is answered and consumed, netback idle with no pending slot; its event channel unmasked (an EOI never issued would leave the next packet unseen). */
export const netifFinal = (s: S, p: P): boolean =>
  s.front.sent === p.packets && s.front.pending === 0 && s.front.rsp_cons === s.req_prod && s.rsp_prod === s.req_prod &&
  s.back.req_cons === s.req_prod && s.back.held.length === 0 && s.back.napi === 0 && s.back.txq === 0 && s.back.dl === 0 &&
  s.ev.sched === 0 && s.ev.masked === 0;

/**
 * netback owes the frontend nothing: no pass, packet or dealloc step under
 * way, no pending slot held, every response pushed, NAPI not scheduled and
 * its port not left masked, and no request on the ring it was told of. With
 * `evtchn=lateeoi` netback sees requests only through an event
 * (xenvif_tx_interrupt -> napi_schedule) or its own final check when NAPI
 * completes (xenvif_napi_schedule_or_enable_events: RING_FINAL_CHECK_FOR_REQUESTS
 * sets req_event = req_cons + 1, then looks again): once it re-armed so and no
 * event is pending, requests it has not seen were published without the
 * notification ring.h asks of the guest (RING_PUSH_REQUESTS_AND_CHECK_NOTIFY),
 * which a hostile guest need not send (it writes req_prod itself, or its own
 * earlier write of req_prod hides its next push from the check): its own stall.
 */
export const netbackOwesNothing = (s: S, p: P): boolean => {
  const b = s.back;
  const untold = p.evtchn === 'lateeoi' && p.frontend === 'hostile' && s.ev.evt === 0 && s.ev.req_event === idxAdd(b.req_cons, 1);
  return b.napi === 0 && b.cur === null && b.txq === 0 && b.dl === 0 && b.lock === 0 && b.held.length === 0 &&
    s.rsp_prod === b.rsp_prod_pvt && s.ev.sched === 0 && s.ev.masked === 0 && (untold || !hasUnconsumedRequests(s, p));
};

/**
 * Valid ends: FINAL; a disabled vif (fatal error) or a broken netfront. With
 * an adversarial frontend, a state where netback owes nothing: the guest may
 * stop on its own (ids lost to its malformed packets, a ring it corrupted),
 * netback may not, so a netback stall is still a deadlock. With a hostile
 * backend, any state: netfront's rules stay enabled while it has responses
 * to take or packets it may send, so it only ever waits on the backend.
 */
export const netifValidEnd = (s: S, p: P): boolean => {
  if (netifFinal(s, p)) return true;
  if (s.front.broken || s.back.disabled) return true;
  if (!backHonest(p)) return true;
  if (!frontHonest(p)) return netbackOwesNothing(s, p);
  return false;
};

export const netifView = (s: S, p: P): string => {
  const cell = (sl: Slot) => (sl.k === K_REQ ? `q${sl.id}:${sl.size}${sl.flags & NETTXF_more_data ? '+' : ''}${sl.flags & NETTXF_extra_info ? 'x' : ''}` : sl.k === K_EXTRA ? `x${sl.etype}` : sl.k === K_RSP ? `r${sl.id}:${sl.status}` : '.');
  const b = s.back;
  return `[${s.ring.map(cell).join(' ')}]  req prod ${s.req_prod} cons ${b.req_cons} | rsp prod ${s.rsp_prod} pvt ${b.rsp_prod_pvt} cons ${s.front.rsp_cons}\n` +
    `netfront sent ${s.front.sent}/${p.packets}${s.front.broken ? ' broken' : ''}; netback ${b.disabled ? 'disabled ' : ''}napi ${b.napi ? 'counted' : 'loop'} txq ${b.txq}, pending free ${b.pendingFree}, held ${b.held.length}${b.dl ? `, dealloc step ${b.dl} (response_lock)` : ''}`;
};

/**
 * The state's shape (model/shape.ts), for the packed path. The ranges are
 * those of every value a rule, the adversary or a variant of examples/ can
 * write, so a state out of them is a bug of the model, reported by the
 * packed path as an error naming the field:
 * - indices are full RING_IDX values (a hostile req_prod or rsp_prod may be
 *   anything);
 * - an id is a netfront id (0..RING_SIZE-1), TX_LINK_NONE (0xffff), or an
 *   extra-info slot read as a request (`etype | eflags << 8`, at most 261);
 * - a slot's size is a packet's total (at most 3 * maxSlots) or a
 *   fragment's; a counted size is `& 0xffff` (xenvif_count_requests
 *   subtracts in u16);
 * - netback holds a pending slot per data slot it consumed and has not
 *   answered: at most RING_SIZE with the XSA-39 checks, more without them
 *   (netif-xsa39) or with the B-2 order (pendingFree then passes
 *   MAX_PENDING_REQS): up to twice RING_SIZE here, and extras per packet up
 *   to RING_SIZE.
 */
export const netifTxShape = (p: P): StateShape<S> => {
  const u32 = int(0, 0xffffffff);
  const bit = int(0, 1);
  const id = int(0, 0xffff);
  const extra = int(0, p.ringSize);
  const slot = record({ k: int(K_EMPTY, K_RSP), id, flags: int(0, 15), size: int(0, 3 * p.maxSlots), offset: bit, etype: int(0, 7), eflags: bit, status: int(-2, 1) });
  const req = record({ id, flags: int(0, 15), size: int(0, 0xffff), offset: bit });
  const pending = record({ id, extra, mapped: bit, submitted: bit });
  const frags = fatalSkbSlots(p);
  const counted = record({
    first: req, frags: list(req, frags), fragIdx: list(u32, frags), firstIdx: u32, extra_count: extra,
    total: int(0, 0xffff), data_len: int(0, 0xffff), end: u32,
  });
  const state = record({
    req_prod: u32,
    rsp_prod: u32,
    ring: array(slot, p.ringSize),
    front: record({ req_prod_pvt: u32, rsp_cons: u32, sent: int(0, p.packets), pending: int(0, 2 ** p.ringSize - 1), broken: bit, bad: bit, idOverrun: bit }),
    back: record({
      req_cons: u32, rsp_prod_pvt: u32, pendingFree: int(0, 2 * p.ringSize), held: list(pending, 2 * p.ringSize), disabled: bit, napi: bit,
      cur: nullable(counted), txq: int(0, p.budget), dl: int(0, 2), dlEntry: nullable(pending), lock: bit,
      pendingOverrun: bit, overrun: bit, rejected: bit, zeroFrag: bit, shortLinear: bit, fragOverrun: bit, unvalidated: bit,
    }),
    hostile: int(0, p.hostileWrites),
    ev: record({ req_event: u32, evt: bit, masked: bit, eoi: bit, sched: bit, storms: int(0, p.storms), unthrottled: bit }),
  });
  return { state: state as unknown as StateShape<S>['state'] };
};

export const netifTx = defineModel<S, P>({
  views: netifTxViews,
  name: 'netif-tx',
  description: 'netif.h tx ring as netfront and netback run it: multi-slot packets with extras, batched NAPI consumption, out-of-order responses from the dealloc context under response_lock',
  see: 'xen/include/public/io/netif.h; drivers/net/xen-netback/netback.c; drivers/net/xen-netfront.c; docs/models/netif.md',
  params: netifParams,
  // docs/vectors.md: the suites at the bounds they were written at (the check defaults are packets=3 since 2026-12-05: 137,828 states, 280,943 edges)
  vectorParams: { packets: 2 },
  init: netifInit,
  rules: netifRules,
  invariants: netifInvariants,
  isValidEnd: netifValidEnd,
  view: netifView,
  shape: netifTxShape,
  // npm start also checks netback's tx event channel (xenvif_tx_interrupt, lateeoi accounting; NAPI only while scheduled)
  checkAll: [
    { params: { evtchn: 'lateeoi' },
      why: 'the defaults with netfront notifying netback\'s tx event channel (req_event) and NAPI running only while xenvif_tx_interrupt scheduled it, EOI at its completion: every invariant and deadlock, 482,227 states' },
  ],
});
