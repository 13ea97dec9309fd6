/**
 * `netif-rx`: the receive ring of xen/include/public/io/netif.h as Linux
 * 6.12's netback and netfront run it, with a backend that may be hostile.
 *
 * - **netfront posts buffers** (`xennet_alloc_rx_buffers`): for each free slot
 *   an skb with one granted page, `rx_skbs[id]` and `grant_rx_ref[id]` set
 *   with `id = xennet_rxidx(req_prod)` (`BUG_ON(queue->rx_skbs[id])`), a
 *   request `{id, gref}`; `RING_PUSH_REQUESTS_AND_CHECK_NOTIFY`. At connect the
 *   ring is filled (the initial state).
 * - **netback answers in place** (rx.c `xenvif_rx_action` → `xenvif_rx_skb`):
 *   when `req_prod - req_cons >= needed` (`xenvif_rx_ring_slots_available`;
 *   `needed` = data slots + a GSO extra), each slot's response is written over
 *   its request (`RING_GET_RESPONSE(&queue->rx, queue->rx.req_cons)`): the
 *   first data slot (`XEN_NETRXF_more_data`, `XEN_NETRXF_extra_info`, status =
 *   bytes), then the GSO extra (`xenvif_rx_extra_slot`), then the other data
 *   slots; `xenvif_rx_complete` sets `rsp_prod_pvt = req_cons`;
 *   `xenvif_rx_copy_flush` pushes (`RING_PUSH_RESPONSES_AND_CHECK_NOTIFY`).
 * - **netfront receives** (`xennet_poll`, one packet per step):
 *   `RING_RESPONSE_PROD_OVERFLOW`, `RING_COPY_RESPONSE`, `xennet_get_responses`
 *   (`xennet_get_extras` moving each extra slot's buffer back to the ring with
 *   `xennet_move_rx_slot`; "Bad rx response id" for a slot without a
 *   buffer; a bad status or `offset + status > XEN_PAGE_SIZE` moves the
 *   buffer back to the ring; "Need more slots"; "Too many slots" with
 *   `max = XEN_NETIF_NR_SLOTS_MIN + (status <= RX_COPY_THRESHOLD)`), then
 *   `xennet_set_skb_gso`, `xennet_fill_frags` (the `__pskb_pull_tail` at
 *   `MAX_SKB_FRAGS`), `handle_incoming_queue` (`pskb_may_pull(ETH_HLEN)`); on
 *   an error the skbs gathered go to `errq`, freed at the end of the poll.
 *   `xennet_fill_frags` is a step of its own: it copies each fragment's
 *   response from the ring a second time and uses it unchecked (a finding,
 *   `F_rx_frags_validated`, docs/models/netif.md).
 * - **netback's rx queue** (`xenvif_start_xmit` → `xenvif_rx_queue_tail`
 *   under `rx_queue.lock`): beyond `rx_queue_max` the skb is dropped, freed
 *   after the lock (XSA-424's fix); its release may transmit on the vif again.
 * - **lateeoi** (XSA-391's netfront hardening, b27d47950e48), with
 *   `evtchn=lateeoi`: `xennet_rx_interrupt` → `xennet_handle_rx`: new
 *   unconsumed responses (`XEN_RING_NR_UNCONSUMED_RESPONSES >
 *   rx_rsp_unconsumed`) make the event real work (`eoi = 0`,
 *   `napi_schedule`), none make it spurious (`XEN_EOI_FLAG_SPURIOUS`: the
 *   event core delays the next one), fewer ("RX producer index going
 *   backwards") break the device. A hostile backend may send `storms` events
 *   without work.
 *
 * Abstractions, each with its reason (docs/models/netif.md, "netif-rx"):
 * - Memory is sequentially consistent; barriers, event indices and lost
 *   wake-ups are the `ring` model's. Without `evtchn` a context runs
 *   whenever it has work; a netfront poll handles one packet per step and the
 *   refill is a step of its own (the schedule of a poll of budget 1, or of a
 *   refill that failed and was retried from `rx_refill_timer`).
 * - Sizes are abstract, in the real order: `ETH_HLEN` 1 <
 *   `RX_COPY_THRESHOLD` 2 < `XEN_PAGE_SIZE` 3 (14 < 256 < 4096);
 *   `XEN_NETIF_NR_SLOTS_MIN` is `slotsMin`, `MAX_SKB_FRAGS` = `slotsMin - 1`.
 * - A shared slot is the C union as bytes: `struct xen_netif_rx_response
 *   {id, offset, flags, status}`; an extra-info slot read through it has
 *   `id = type | flags << 8`, `offset = u.gso.size`, `flags = u.gso.type`,
 *   `status = u.gso.features`; a request `{id, gref}` read as a response has
 *   offset 0 (its pad) and flags and status 0 (the gref's halves are not
 *   modelled; a hostile backend writes those fields anyway). A buffer's grant
 *   reference travels with its skb (netfront always takes and moves both).
 * - The backend never maps a posted grant (its grant copy ends when the copy
 *   does), so `gnttab_end_foreign_access_ref` succeeds; grant misuse is the
 *   `grant` model's (XSA-396). XDP and checksum flags are not modelled.
 *
 * @see xen/include/public/io/netif.h
 * @see drivers/net/xen-netback/rx.c (xenvif_rx_action, xenvif_rx_skb, xenvif_rx_data_slot, xenvif_rx_extra_slot, xenvif_rx_ring_slots_available)
 * @see drivers/net/xen-netfront.c (xennet_alloc_rx_buffers, xennet_poll, xennet_get_responses, xennet_get_extras, xennet_move_rx_slot, xennet_fill_frags, xennet_handle_rx)
 * @see docs/models/netif.md
 */
import { defineModel, type Invariant, type Rule } from './core.js';
import { array, int, record, type Shape } from './shape.js';
import { idxAdd, idxSub } from './idx32.js';
import { defineParams, enumParam, intParam, isPowerOfTwo, type ParamsOfSpace } from './params.js';
import { netifRxViews } from './views/netif.js';

// --- netif.h constants

/** netif.h `XEN_NETRXF_*` response flags. */
export const XEN_NETRXF_data_validated = 1 << 0, XEN_NETRXF_csum_blank = 1 << 1, XEN_NETRXF_more_data = 1 << 2, XEN_NETRXF_extra_info = 1 << 3;
/** netif.h extra-info types and flags, and `XEN_NETIF_GSO_TYPE_TCPV4`. */
export const XEN_NETIF_EXTRA_TYPE_NONE = 0, XEN_NETIF_EXTRA_TYPE_GSO = 1, XEN_NETIF_EXTRA_TYPE_MAX = 5, XEN_NETIF_EXTRA_FLAG_MORE = 1 << 0;
export const XEN_NETIF_GSO_TYPE_TCPV4 = 1, XEN_NETIF_GSO_TYPE_TCPV6 = 2;
/** Abstract sizes in the real order: ETH_HLEN (14) < RX_COPY_THRESHOLD (256) < XEN_PAGE_SIZE (4096). */
export const ETH_HLEN = 1, RX_COPY_THRESHOLD = 2, XEN_PAGE_SIZE = 3;

// --- parameters

export const netifRxParams = defineParams(
  {
    ringSize: intParam({ default: 4, min: 2, max: 16, doc: 'NET_RX_RING_SIZE (power of two)', check: isPowerOfTwo }),
    packets: intParam({ default: 4, min: 1, max: 8, doc: 'packets netback sends to the guest' }),
    maxSlots: intParam({ default: 2, min: 1, max: 8, doc: 'data slots per packet netback uses at most' }),
    slotsMin: intParam({ default: 3, min: 2, max: 8, doc: 'XEN_NETIF_NR_SLOTS_MIN (18 in netif.h); netfront accepts slotsMin (+1 for a short first slot) data slots, MAX_SKB_FRAGS is slotsMin - 1 (17)' }),
    gso: enumParam({ values: ['on', 'off'] as const, default: 'on', doc: 'netback may send a GSO extra-info slot (a GSO skb)' }),
    backend: enumParam({ values: ['honest', 'hostile'] as const, default: 'hostile', doc: 'hostile: netback plus hostileWrites writes of any response field of any slot, or of rsp_prod' }),
    hostileWrites: intParam({ default: 1, min: 0, max: 4, doc: 'writes a hostile backend makes at most' }),
    evtchn: enumParam({ values: ['off', 'lateeoi'] as const, default: 'lateeoi', doc: 'off: netfront polls whenever there are responses; lateeoi: netback notifies on push, netfront runs xennet_rx_interrupt with lateeoi accounting and polls only when scheduled' }),
    storms: intParam({ default: 0, min: 0, max: 4, doc: 'events without work a hostile backend sends at most (evtchn=lateeoi)' }),
    rxQueueMax: intParam({ default: 2, min: 1, max: 8, doc: 'rx_queue_max in packets (netback counts bytes): xenvif_rx_queue_tail refuses an skb beyond it and xenvif_start_xmit drops it' }),
  },
  (p) => {
    if (p.storms > 0 && (p.backend !== 'hostile' || p.evtchn !== 'lateeoi')) return 'storms needs backend=hostile and evtchn=lateeoi';
    if (p.maxSlots > p.slotsMin - 1) return `maxSlots must be at most MAX_SKB_FRAGS = slotsMin - 1 (${p.slotsMin - 1}): netback's largest skb (64 KiB) fills 16 pages, fewer than MAX_SKB_FRAGS (17)`;
    if (p.maxSlots + (p.gso === 'on' ? 1 : 0) > p.ringSize) return `a packet of maxSlots data slots (and its GSO extra) must fit the ring of ringSize slots`;
    return undefined;
  },
);
export type NetifRxParams = ParamsOfSpace<typeof netifRxParams>;
type P = NetifRxParams;

export const MAX_SKB_FRAGS = (p: P): number => p.slotsMin - 1;

// --- state

/** A slot of the shared rx ring as `struct xen_netif_rx_response` (the union's bytes, see the header). */
export interface RxSlot { readonly id: number; readonly offset: number; readonly flags: number; readonly status: number }

export interface RxFront {
  readonly req_prod_pvt: number;
  readonly rsp_cons: number;
  /** Bit i: `rx_skbs[i]` holds a posted skb and `grant_rx_ref[i]` its reference. */
  readonly posted: number;
  /** Packets handed to the stack. */
  readonly delivered: number;
  /** info->broken. */
  readonly broken: number;
  /** rx_rsp_unconsumed (xennet_set_rx_rsp_cons, xennet_handle_rx). */
  readonly unconsumed: number;
  /** NAPI scheduled (evtchn=lateeoi). */
  readonly napi: number;
  /** Between xennet_get_responses and xennet_fill_frags: fragments still to add (0: none), and the first slot's status (rx->status of the first copy). */
  readonly fill: number;
  readonly status0: number;
  // ghosts (never read by a rule to decide)
  /** An skb freed or handed to the stack while still posted in rx_skbs[] (X-15, XSA-405), or queued twice. */
  readonly uaf: number;
  /** A BUG_ON reached, or a NULL skb queued. */
  readonly bug: number;
  /** A packet of the honest netback dropped or refused. */
  readonly rejected: number;
  /** An event EOIed as work (eoi = 0) that found no new response (X-11, XSA-391). */
  readonly unthrottled: number;
  /** A fragment added to an skb with a status or offset xennet_get_responses would refuse. */
  readonly badFrag: number;
}
export interface RxBack {
  readonly req_cons: number;
  readonly rsp_prod_pvt: number;
  /** Packets dequeued and answered (xenvif_rx_skb). */
  readonly sent: number;
  /** Packets the stack handed to the vif (xenvif_start_xmit), queued (rx_queue_len), dropped. */
  readonly xmitted: number;
  readonly queued: number;
  readonly dropped: number;
  /** Ghost: a context spun on rx_queue.lock while holding it (X-17, XSA-424). */
  readonly selfDeadlock: number;
}
export interface NetifRxState {
  readonly req_prod: number;
  readonly rsp_prod: number;
  readonly ring: readonly RxSlot[];
  readonly front: RxFront;
  readonly back: RxBack;
  /** netfront's rx event channel pending (evtchn=lateeoi). */
  readonly evt: number;
  readonly hostile: number;
  readonly storms: number;
}
type S = NetifRxState;
type R = Rule<S, P, any>;

const rxidx = (p: P, i: number) => i & (p.ringSize - 1);

/** SHARED_RING_INIT, FRONT_RING_INIT, BACK_RING_INIT, then netfront's xennet_alloc_rx_buffers at connect: every slot posted with id = its index. */
export const netifRxInit = (p: P): S[] => [{
  req_prod: p.ringSize,
  rsp_prod: 0,
  ring: Array.from({ length: p.ringSize }, (_, i) => ({ id: i, offset: 0, flags: 0, status: 0 })),
  front: { req_prod_pvt: p.ringSize, rsp_cons: 0, posted: (1 << p.ringSize) - 1, delivered: 0, broken: 0, unconsumed: 0, napi: 0, fill: 0, status0: 0, uaf: 0, bug: 0, rejected: 0, unthrottled: 0, badFrag: 0 },
  back: { req_cons: 0, rsp_prod_pvt: 0, sent: 0, xmitted: 0, queued: 0, dropped: 0, selfDeadlock: 0 },
  evt: 0,
  hostile: p.backend === 'hostile' ? p.hostileWrites : 0,
  storms: p.storms,
}];

// --- netback (rx.c)

/** A packet netback sends: its data slots' byte counts (all but the last a full page) and a GSO extra. */
export interface RxPacket { readonly sizes: readonly number[]; readonly gso: boolean }

/** The skbs netback may send: 1..maxSlots data slots, the last of 1 or XEN_PAGE_SIZE bytes (the others full pages), with or without GSO. */
export const rxPackets = (p: P): RxPacket[] => {
  const out: RxPacket[] = [];
  for (let n = 1; n <= p.maxSlots; n++)
    for (const last of [1, XEN_PAGE_SIZE])
      for (const gso of p.gso === 'on' ? [false, true] : [false]) out.push({ sizes: [...Array(n - 1).fill(XEN_PAGE_SIZE), last], gso });
  return out;
};
export const showRxPacket = (k: RxPacket): string => `[${k.sizes.join(',')}]${k.gso ? '+gso' : ''}`;

/** xenvif_rx_skb: the responses over the requests from req_cons (first data slot, extras after it, then the rest), then xenvif_rx_complete. */
export function rxSkb(ring: RxSlot[], req_cons: number, k: RxPacket, p: P): number {
  let cons = req_cons;
  let extra_count = k.gso ? 1 : 0;
  let slot = 0;
  let data = 0;
  do {
    const at = rxidx(p, cons);
    const req = ring[at]!; // RING_GET_REQUEST: read in place
    if (slot !== 0 && extra_count !== 0) {
      // xenvif_rx_extra_slot: the extra-info struct written over the response
      extra_count--;
      ring[at] = { id: XEN_NETIF_EXTRA_TYPE_GSO | ((extra_count !== 0 ? XEN_NETIF_EXTRA_FLAG_MORE : 0) << 8), offset: 1, flags: XEN_NETIF_GSO_TYPE_TCPV4, status: 0 };
    } else {
      // xenvif_rx_data_slot
      const remaining = data < k.sizes.length - 1;
      let flags = remaining ? XEN_NETRXF_more_data : 0;
      if (slot === 0 && extra_count !== 0) flags |= XEN_NETRXF_extra_info;
      ring[at] = { id: req.id, offset: 0, flags, status: k.sizes[data]! };
      data++;
    }
    cons = idxAdd(cons, 1);
    slot++;
  } while (data < k.sizes.length || extra_count !== 0);
  return cons;
}

/** Options of netback's code; a variant turns one off. */
export interface BackendCode {
  /**
   * XSA-424 (74e7e1efdad4): xenvif_rx_queue_tail returns false when the
   * queue is full and xenvif_start_xmit frees the skb at its `drop:` label,
   * after rx_queue.lock is released; false: kfree_skb() inside the
   * spin_lock_irqsave() section, as the XSA-392 fix had it.
   */
  readonly dropOutsideLock: boolean;
}
export const honestBackend: BackendCode = { dropOutsideLock: true };

/** xenvif_start_xmit's choices: queued, or dropped (and whether the dropped skb's release re-enters the vif's xmit, as netpoll or a destructor may). */
export type Xmit = 'queue' | 'drop' | 'drop+reenter';

export function backendRules(bc: BackendCode = honestBackend): R[] {
  const xmit: R = {
    name: 'xenvif_start_xmit', actor: 'stack',
    doc: 'the host stack hands an skb to the vif: xenvif_rx_queue_tail under rx_queue.lock (spin_lock_irqsave); beyond rx_queue_max it is refused and dropped; freeing it may re-enter the vif\'s xmit (netpoll)',
    see: 'drivers/net/xen-netback/interface.c xenvif_start_xmit; rx.c xenvif_rx_queue_tail (XSA-392, XSA-424)',
    choices: (s, p) => {
      if (s.back.xmitted >= p.packets || s.back.selfDeadlock) return [];
      if (s.back.queued < p.rxQueueMax) return ['queue'];
      return s.back.xmitted + 1 < p.packets ? ['drop', 'drop+reenter'] : ['drop'];
    },
    showChoice: (c: Xmit) => c,
    then: (d, s, p, c: Xmit) => {
      d.back.xmitted = s.back.xmitted + 1;
      if (c === 'queue') { d.back.queued = s.back.queued + 1; return; }
      d.back.dropped = s.back.dropped + 1;
      if (c !== 'drop+reenter') return;
      // the release of the dropped skb transmits on this vif again
      if (!bc.dropOutsideLock) { d.back.selfDeadlock = 1; return; } // spin_lock_irqsave(&queue->rx_queue.lock) held by this CPU
      d.back.xmitted = s.back.xmitted + 2;
      if (s.back.queued < p.rxQueueMax) d.back.queued = s.back.queued + 1; else d.back.dropped = s.back.dropped + 2;
    },
  };
  const skb: R = {
    name: 'xenvif_rx_skb', actor: 'netback-rx',
    doc: 'one skb from the rx queue, when req_prod - req_cons >= the slots it needs: responses written over its requests, rsp_prod_pvt = req_cons',
    see: 'drivers/net/xen-netback/rx.c xenvif_rx_action, xenvif_rx_ring_slots_available, xenvif_rx_skb, xenvif_rx_data_slot, xenvif_rx_extra_slot, xenvif_rx_complete',
    choices: (s, p) => (s.back.queued === 0 ? [] : rxPackets(p).filter((k) => idxSub(s.req_prod, s.back.req_cons) >= k.sizes.length + (k.gso ? 1 : 0))),
    showChoice: showRxPacket,
    then: (d, s, p, k: RxPacket) => {
      const ring = [...s.ring];
      const cons = rxSkb(ring, s.back.req_cons, k, p);
      d.ring = ring;
      d.back.req_cons = cons;
      d.back.rsp_prod_pvt = cons;
      d.back.sent = s.back.sent + 1;
      d.back.queued = s.back.queued - 1; // xenvif_rx_dequeue
    },
  };
  const flush: R = {
    name: 'xenvif_rx_copy_flush', actor: 'netback-rx',
    doc: 'the grant copies done: RING_PUSH_RESPONSES_AND_CHECK_NOTIFY (rsp_prod = rsp_prod_pvt), notify_remote_via_irq',
    see: 'drivers/net/xen-netback/rx.c xenvif_rx_copy_flush',
    when: (s) => s.rsp_prod !== s.back.rsp_prod_pvt,
    then: (d, s, p) => { d.rsp_prod = s.back.rsp_prod_pvt; if (p.evtchn === 'lateeoi') d.evt = 1; },
  };
  return [xmit, skb, flush];
}

// --- netfront (xen-netfront.c)

/** Options of netfront's code; a variant turns one off. */
export interface FrontendCode {
  /**
   * XSA-405: `__skb_queue_tail(list, skb)` before the `next:` label of
   * xennet_get_responses (f63c2c2032c2); false: after it, as 6c5aa6fc4def
   * ("xen networking: add basic XDP support for xen-netfront") had it, so a
   * buffer moved back to the ring is queued (and freed) as well.
   */
  readonly queueBeforeNext: boolean;
  /** XSA-391 (b27d47950e48): xennet_handle_rx counts an event without new responses as spurious; false: every event is EOIed as work. */
  readonly spuriousAccounting: boolean;
  /**
   * xennet_fill_frags re-copies each fragment's response from the ring and
   * uses its offset and status unchecked (Linux 6.12); true: the fix of
   * docs/models/netif.md's rx finding, the same check as
   * xennet_get_responses on the copy it uses (the packet dropped otherwise).
   */
  readonly fillFragsChecks: boolean;
}
export const honestFrontend: FrontendCode = { queueBeforeNext: true, spuriousAccounting: true, fillFragsChecks: false };

type FrontDraft = { -readonly [K in keyof RxFront]: RxFront[K] };
interface RxWorld { ring: RxSlot[]; f: FrontDraft; skbs: number[]; rsp_prod: number; req_prod: number }

/** The extra-info struct through the response's bytes. */
const asExtra = (sl: RxSlot) => ({ type: sl.id & 0xff, flags: (sl.id >> 8) & 0xff, size: sl.offset, gsoType: sl.flags & 0xff });

/** xennet_get_rx_skb / xennet_get_rx_ref: take the buffer at ri (NULL / INVALID_GRANT_REF after). */
const takeSkb = (w: RxWorld, p: P, ri: number): number => { const i = rxidx(p, ri); const t = w.skbs[i]!; w.skbs[i] = -1; return t; };

/** xennet_move_rx_slot: the buffer back to the ring at req_prod_pvt (a new request {id, gref}). */
function moveRxSlot(w: RxWorld, p: P, skb: number): void {
  const nw = rxidx(p, w.f.req_prod_pvt);
  if (w.skbs[nw]! >= 0) w.f.bug = 1; // BUG_ON(queue->rx_skbs[new])
  w.skbs[nw] = skb;
  w.ring[nw] = { id: nw, offset: 0, flags: 0, status: 0 };
  w.f.req_prod_pvt = idxAdd(w.f.req_prod_pvt, 1);
}

/** xennet_set_rx_rsp_cons: rsp_cons and rx_rsp_unconsumed = XEN_RING_NR_UNCONSUMED_RESPONSES. */
const setRspCons = (w: RxWorld, v: number) => { w.f.rsp_cons = v; w.f.unconsumed = idxSub(w.rsp_prod, v); };

/** xennet_get_extras: returns err; the extra slots' buffers go back to the ring. */
function getExtras(w: RxWorld, p: P, rp: number, extras: { gso?: ReturnType<typeof asExtra> }): number {
  let cons = w.f.rsp_cons;
  let err = 0;
  let ex: ReturnType<typeof asExtra>;
  do {
    if (idxAdd(cons, 1) === rp) { err = -1; break; } // "Missing extra info"
    cons = idxAdd(cons, 1);
    ex = asExtra(w.ring[rxidx(p, cons)]!); // RING_COPY_RESPONSE
    if (!ex.type || ex.type >= XEN_NETIF_EXTRA_TYPE_MAX) err = -1; // "Invalid extra type"
    else if (ex.type === XEN_NETIF_EXTRA_TYPE_GSO) extras.gso = ex;
    moveRxSlot(w, p, takeSkb(w, p, cons));
  } while (ex.flags & XEN_NETIF_EXTRA_FLAG_MORE);
  setRspCons(w, cons);
  return err;
}

/** xennet_get_responses: the skbs of one packet into `list`; returns err. */
function getResponses(w: RxWorld, p: P, fc: FrontendCode, rx0: RxSlot, rp: number, list: number[], extras: { gso?: ReturnType<typeof asExtra> }): number {
  let rx = rx0;
  const max = p.slotsMin + (rx.status <= RX_COPY_THRESHOLD ? 1 : 0);
  let cons = w.f.rsp_cons;
  let skb = takeSkb(w, p, cons); // the buffer and its grant reference
  let slots = 1;
  let err = 0;
  if (rx.flags & XEN_NETRXF_extra_info) {
    err = getExtras(w, p, rp, extras) || err;
    cons = w.f.rsp_cons;
  }
  const queue = (t: number) => { if (t < 0) w.f.bug = 1; list.push(t); };
  for (;;) {
    let ok = false;
    if (skb < 0) err = -1; // "Bad rx response id"
    else if (rx.status < 0 || rx.offset + rx.status > XEN_PAGE_SIZE) { moveRxSlot(w, p, skb); err = -1; }
    else ok = true; // gnttab_end_foreign_access_ref, gnttab_release_grant_reference
    if (ok && fc.queueBeforeNext) queue(skb);
    // next:
    if (!fc.queueBeforeNext) queue(skb);
    if (!(rx.flags & XEN_NETRXF_more_data)) break;
    if (idxAdd(cons, slots) === rp) { err = -1; break; } // "Need more slots"
    rx = w.ring[rxidx(p, idxAdd(cons, slots))]!; // RING_COPY_RESPONSE
    skb = takeSkb(w, p, idxAdd(cons, slots));
    slots++;
  }
  if (slots > max) err = -1; // "Too many slots"
  if (err) setRspCons(w, idxAdd(cons, slots));
  return err;
}

/**
 * One packet of xennet_poll: RING_COPY_RESPONSE, xennet_get_responses,
 * xennet_set_skb_gso, xennet_fill_frags, then the skbs to the stack
 * (handle_incoming_queue) or freed (errq). The ghost `uaf` is set when an skb
 * leaves netfront (freed or to the stack) while rx_skbs[] still holds it.
 */
export function pollOne(s: S, p: P, fc: FrontendCode, d: any): void {
  const w: RxWorld = {
    ring: [...s.ring], f: { ...s.front }, rsp_prod: s.rsp_prod, req_prod: s.req_prod,
    skbs: Array.from({ length: p.ringSize }, (_, i) => ((s.front.posted >> i) & 1 ? i : -1)),
  };
  const f = w.f;
  const rp = s.rsp_prod;
  const honest = p.backend === 'honest';
  const gone: number[] = []; // skbs freed or handed to the stack in this step
  const rx = w.ring[rxidx(p, f.rsp_cons)]!; // RING_COPY_RESPONSE(&queue->rx, i, rx)
  const extras: { gso?: ReturnType<typeof asExtra> } = {};
  const tmpq: number[] = [];
  let err = getResponses(w, p, fc, rx, rp, tmpq, extras);
  if (!err) {
    const skb = tmpq.shift()!;
    if (extras.gso && (!extras.gso.size || (extras.gso.gsoType !== XEN_NETIF_GSO_TYPE_TCPV4 && extras.gso.gsoType !== XEN_NETIF_GSO_TYPE_TCPV6))) {
      // xennet_set_skb_gso failed: "GSO size must not be zero" / "Bad GSO type"
      tmpq.unshift(skb);
      setRspCons(w, idxAdd(f.rsp_cons, tmpq.length));
      err = -1;
    } else {
      // the skb and its frags' skbs leave netfront with this packet (to the stack, or freed with errq)
      gone.push(skb, ...tmpq);
      f.fill = tmpq.length;
      f.status0 = rx.status;
      if (f.fill === 0) fillFrags(f, w.ring, w.rsp_prod, p, fc);
    }
  }
  if (err) gone.push(...tmpq); // errq, __skb_queue_purge
  if (honest && err) f.rejected = 1;
  // ownership: nothing that left netfront may still be posted, nor leave twice
  const live = new Set(w.skbs.filter((t) => t >= 0));
  const seen = new Set<number>();
  for (const t of gone) { if (t >= 0 && (live.has(t) || seen.has(t))) f.uaf = 1; seen.add(t); }
  f.posted = w.skbs.reduce((a, t, i) => (t >= 0 ? a | (1 << i) : a), 0);
  d.ring = w.ring;
  d.front = f;
  d.req_prod = s.req_prod; // xennet_alloc_rx_buffers pushes moved slots (its own step)
}

/**
 * xennet_fill_frags and the rest of the packet (the poll's second step): each
 * fragment's response is copied from the ring AGAIN (RING_COPY_RESPONSE) and
 * its offset and status given to skb_add_rx_frag; then handle_incoming_queue.
 * The ghost `badFrag` is set when a fragment added is one xennet_get_responses
 * would have refused (docs/models/netif.md, "A finding on the rx path").
 */
function fillFrags(f: FrontDraft, ring: readonly RxSlot[], rsp_prod: number, p: P, fc: FrontendCode): void {
  const w = { f, rsp_prod };
  const status0 = f.status0;
  const pull_to = Math.min(status0, RX_COPY_THRESHOLD);
  let nr_frags = 1;
  let headlen = 0;
  let len = status0;
  let cons = f.rsp_cons;
  let left = f.fill;
  let ferr = 0;
  while (left > 0) {
    left--;
    cons = idxAdd(cons, 1);
    const r = ring[rxidx(p, cons)]!; // RING_COPY_RESPONSE(&queue->rx, ++cons, &rx)
    const invalid = r.status < 0 || r.offset + r.status > XEN_PAGE_SIZE;
    if (nr_frags === MAX_SKB_FRAGS(p)) {
      if (pull_to < headlen) f.bug = 1; // BUG_ON(pull_to < skb_headlen(skb))
      // __pskb_pull_tail(skb, pull_to - skb_headlen(skb)): the first frag is pulled whole when it is no longer than pull_to
      if (headlen === 0 && status0 <= pull_to) nr_frags--;
      headlen = pull_to;
    }
    if (nr_frags >= MAX_SKB_FRAGS(p) || (fc.fillFragsChecks && invalid)) {
      setRspCons(w as RxWorld, idxAdd(idxAdd(cons, 1), left));
      ferr = -1;
      break;
    }
    if (invalid) f.badFrag = 1; // skb_add_rx_frag(skb, ..., rx.offset, rx.status, PAGE_SIZE)
    nr_frags++;
    len += r.status;
  }
  f.fill = 0;
  f.status0 = 0;
  if (ferr) { if (p.backend === 'honest') f.rejected = 1; return; } // __skb_queue_head(&tmpq, skb); goto err
  setRspCons(w as RxWorld, cons);
  // handle_incoming_queue: pskb_may_pull(skb, max(pull_to, ETH_HLEN))
  if (len >= Math.max(pull_to, ETH_HLEN)) f.delivered++;
  else if (p.backend === 'honest') f.rejected = 1;
  setRspCons(w as RxWorld, idxAdd(f.rsp_cons, 1));
}

export function frontendRules(fc: FrontendCode = honestFrontend): R[] {
  const poll: R = {
    name: 'xennet_poll', actor: 'netfront',
    doc: 'one packet: RING_RESPONSE_PROD_OVERFLOW, RING_COPY_RESPONSE, xennet_get_responses, xennet_set_skb_gso, xennet_fill_frags, handle_incoming_queue; on error the gathered skbs are freed (errq)',
    see: 'drivers/net/xen-netfront.c xennet_poll, xennet_get_responses, xennet_get_extras, xennet_move_rx_slot, xennet_fill_frags, handle_incoming_queue',
    when: (s, p) => !s.front.broken && s.front.fill === 0 && s.rsp_prod !== s.front.rsp_cons && (p.evtchn === 'off' || s.front.napi === 1),
    then: (d, s, p) => {
      if (idxSub(s.rsp_prod, s.front.rsp_cons) > p.ringSize) { d.front.broken = 1; return; } // "Illegal number of responses"
      pollOne(s, p, fc, d);
    },
  };
  const fill: R = {
    name: 'xennet_fill_frags', actor: 'netfront',
    doc: 'the packet\'s fragments: each response copied from the ring again (RING_COPY_RESPONSE) and its offset and status given to skb_add_rx_frag; __pskb_pull_tail at MAX_SKB_FRAGS; handle_incoming_queue',
    see: 'drivers/net/xen-netfront.c xennet_fill_frags, xennet_poll, handle_incoming_queue',
    when: (s) => s.front.fill > 0,
    then: (d, s, p) => { const f = { ...s.front }; fillFrags(f, s.ring, s.rsp_prod, p, fc); d.front = f; },
  };
  const complete: R = {
    name: 'xennet_poll.napi_complete_done', actor: 'netfront',
    doc: 'no response left: napi_complete_done, RING_FINAL_CHECK_FOR_RESPONSES (more: napi_schedule again)',
    see: 'drivers/net/xen-netfront.c xennet_poll',
    applies: (p) => p.evtchn === 'lateeoi',
    when: (s) => s.front.napi === 1 && s.front.fill === 0 && (s.front.broken === 1 || s.rsp_prod === s.front.rsp_cons),
    then: (d) => { d.front.napi = 0; },
  };
  const refill: R = {
    name: 'xennet_alloc_rx_buffers', actor: 'netfront',
    doc: 'a buffer for every free slot (req_prod - rsp_cons < NET_RX_RING_SIZE): rx_skbs[id], grant_rx_ref[id], request {id, gref}; RING_PUSH_REQUESTS_AND_CHECK_NOTIFY (moved slots pushed too)',
    see: 'drivers/net/xen-netfront.c xennet_alloc_rx_buffers',
    when: (s, p) => !s.front.broken && (idxSub(s.front.req_prod_pvt, s.front.rsp_cons) < p.ringSize || s.req_prod !== s.front.req_prod_pvt),
    then: (d, s, p) => {
      let rp = s.front.req_prod_pvt;
      let posted = s.front.posted;
      for (; idxSub(rp, s.front.rsp_cons) < p.ringSize; rp = idxAdd(rp, 1)) {
        const id = rxidx(p, rp);
        if ((posted >> id) & 1) d.front.bug = 1; // BUG_ON(queue->rx_skbs[id])
        posted |= 1 << id;
        d.ring[id] = { id, offset: 0, flags: 0, status: 0 };
      }
      d.front.posted = posted;
      d.front.req_prod_pvt = rp;
      d.req_prod = rp;
    },
  };
  const irq: R = {
    name: 'xennet_rx_interrupt', actor: 'netfront',
    doc: 'xennet_handle_rx: new unconsumed responses: work (eoi 0), napi_schedule; none: spurious (XEN_EOI_FLAG_SPURIOUS, the next event delayed); fewer: "RX producer index going backwards", broken',
    see: 'drivers/net/xen-netfront.c xennet_rx_interrupt, xennet_handle_rx (b27d47950e48, XSA-391); drivers/xen/events xen_irq_lateeoi',
    applies: (p) => p.evtchn === 'lateeoi',
    when: (s) => s.evt === 1 && !s.front.broken,
    then: (d, s) => {
      d.evt = 0;
      const work = idxSub(s.rsp_prod, s.front.rsp_cons);
      if (fc.spuriousAccounting) {
        if (work > s.front.unconsumed) d.front.unconsumed = work;
        else if (work < s.front.unconsumed) { d.front.broken = 1; return; }
        else { if (work) d.front.napi = 1; return; } // spurious: lateeoi delays the next event
      } else if (work <= s.front.unconsumed) d.front.unthrottled = 1; // EOIed as work without new responses
      if (work) d.front.napi = 1;
    },
  };
  return [poll, fill, complete, refill, irq];
}

// --- the hostile backend

export interface RxHostileWrite { readonly what: 'rsp_prod' | 'id' | 'offset' | 'flags' | 'status' | 'event'; readonly slot: number; readonly val: number }

/** Any value of each field's small domain, into any response field of any slot (published or not) or rsp_prod; an event without work. */
export function rxHostileDomain(s: S, p: P): RxHostileWrite[] {
  const out: RxHostileWrite[] = [];
  if (s.hostile > 0) {
    for (const v of [idxAdd(s.rsp_prod, 1), idxSub(s.rsp_prod, 1), idxAdd(s.front.rsp_cons, p.ringSize + 1)]) if (v !== s.rsp_prod) out.push({ what: 'rsp_prod', slot: -1, val: v });
    const dom: Record<'id' | 'offset' | 'flags' | 'status', readonly number[]> = {
      id: [XEN_NETIF_EXTRA_TYPE_NONE, XEN_NETIF_EXTRA_TYPE_GSO, XEN_NETIF_EXTRA_TYPE_GSO | (XEN_NETIF_EXTRA_FLAG_MORE << 8), XEN_NETIF_EXTRA_TYPE_MAX],
      offset: [0, 1, XEN_PAGE_SIZE],
      flags: [0, XEN_NETIF_GSO_TYPE_TCPV4, XEN_NETRXF_more_data, XEN_NETRXF_extra_info, XEN_NETRXF_more_data | XEN_NETRXF_extra_info],
      status: [-1, 0, 1, XEN_PAGE_SIZE],
    };
    for (let k = 0; k < p.ringSize; k++)
      for (const what of ['id', 'offset', 'flags', 'status'] as const)
        for (const v of dom[what]) if (s.ring[k]![what] !== v) out.push({ what, slot: k, val: v });
  }
  if (s.storms > 0 && s.evt === 0) out.push({ what: 'event', slot: -1, val: 1 });
  return out;
}

export const hostileRule: R = {
  name: 'hostile_write', actor: 'adversary',
  doc: 'a hostile backend writes a field of the shared ring (any slot, published or not), rsp_prod, or sends an event without work',
  applies: (p) => p.backend === 'hostile',
  choices: rxHostileDomain,
  showChoice: (c: RxHostileWrite) => (c.what === 'event' ? 'notify_remote_via_irq (no work)' : c.slot < 0 ? `${c.what}=${c.val}` : `ring[${c.slot}].${c.what}=${c.val}`),
  then: (d, s, _p, c: RxHostileWrite) => {
    if (c.what === 'event') { d.storms = s.storms - 1; d.evt = 1; return; }
    d.hostile = s.hostile - 1;
    if (c.what === 'rsp_prod') d.rsp_prod = c.val;
    else d.ring[c.slot] = { ...s.ring[c.slot]!, [c.what]: c.val };
  },
};

export const netifRxRules: readonly R[] = [...backendRules(), ...frontendRules(), hostileRule];

// --- properties

const honestBack = (p: P) => p.backend === 'honest';

export const netifRxInvariants: readonly Invariant<S, P>[] = [
  { name: 'F_rx_buffer_single_owner', see: 'X-15, XSA-405 (CVE-2022-33743): f63c2c2032c2 "xen-netfront: restore __skb_queue_tail() positioning in xennet_get_responses()"',
    description: 'no skb leaves netfront (freed or handed to the stack) while rx_skbs[] still holds it for the backend, and none leaves twice: each rx buffer is posted, or gone, never both',
    holds: (s) => s.front.uaf === 0 },
  { name: 'F_rx_frags_validated', see: 'drivers/net/xen-netfront.c xennet_get_responses ("rx->offset: %u, size: %d") and xennet_fill_frags (RING_COPY_RESPONSE again, skb_add_rx_frag); docs/models/netif.md "A finding on the rx path"',
    description: 'every fragment netfront adds to an skb has the status and offset xennet_get_responses validated: 0 <= status and offset + status <= XEN_PAGE_SIZE',
    holds: (s) => s.front.badFrag === 0 },
  { name: 'F_rx_no_BUG', see: 'drivers/net/xen-netfront.c BUG_ON(queue->rx_skbs[id]) (xennet_alloc_rx_buffers, xennet_move_rx_slot), BUG_ON(pull_to < skb_headlen(skb)) (xennet_fill_frags)',
    description: 'no backend makes netfront reach a BUG_ON or queue a NULL skb',
    holds: (s) => s.front.bug === 0 },
  { name: 'F_rx_events_accounted', see: 'X-11, XSA-391 (CVE-2021-28712): b27d47950e48 "xen/netfront: harden netfront against event channel storms"; drivers/xen/events xen_irq_lateeoi',
    description: 'netfront EOIs an rx event as work only when it found new unconsumed responses; every other event is spurious, so the event core throttles a storm',
    holds: (s) => s.front.unthrottled === 0 },
  { name: 'B_rx_no_self_deadlock', see: 'X-17, XSA-424 (CVE-2022-42328, CVE-2022-42329): 74e7e1efdad4 "xen/netback: don\'t call kfree_skb() with interrupts disabled"',
    description: 'no netback context spins on a lock it holds: an skb dropped for a full rx queue is freed after rx_queue.lock is released, so its release may transmit on the vif again',
    holds: (s) => s.back.selfDeadlock === 0 },
  { name: 'N_rx_delivers', see: 'netif.h rx protocol; rx.c xenvif_rx_skb and xen-netfront.c xennet_poll agree (honest backend)',
    description: 'every packet of the honest netback reaches netfront\'s stack: none refused or dropped, and netfront never marks itself broken',
    holds: (s, p) => !honestBack(p) || (s.front.rejected === 0 && s.front.broken === 0) },
];

/** Every packet sent, delivered and its slots posted again. */
export const netifRxFinal = (s: S, p: P): boolean =>
  s.back.xmitted === p.packets && s.back.queued === 0 && s.front.delivered === s.back.sent && s.rsp_prod === s.back.rsp_prod_pvt && s.front.rsp_cons === s.rsp_prod &&
  s.req_prod === s.front.req_prod_pvt && idxSub(s.front.req_prod_pvt, s.front.rsp_cons) === p.ringSize && s.front.napi === 0 && s.front.fill === 0 && s.evt === 0;

/**
 * netfront owes the backend nothing: no poll or fill step under way, every
 * buffer it posted pushed, every response taken, unless no event told it of
 * them (with `evtchn=lateeoi` a hostile backend need not notify).
 */
export const netfrontOwesNothing = (s: S, p: P): boolean =>
  s.front.napi === 0 && s.front.fill === 0 && s.req_prod === s.front.req_prod_pvt && (s.front.rsp_cons === s.rsp_prod || (p.evtchn === 'lateeoi' && s.evt === 0));

/** Valid ends: FINAL, a broken netfront, or, with a hostile backend, a state where netfront owes nothing (the backend may stop, netfront may not). */
export const netifRxValidEnd = (s: S, p: P): boolean => netifRxFinal(s, p) || s.front.broken === 1 || (!honestBack(p) && netfrontOwesNothing(s, p));

export const netifRxView = (s: S, p: P): string => {
  const f = s.front;
  const cell = (sl: RxSlot, i: number) => `${(f.posted >> i) & 1 ? '*' : ''}${sl.id}/${sl.offset}/${sl.flags}/${sl.status}`;
  return `[${s.ring.map(cell).join(' ')}]  rx_queue ${s.back.queued} (dropped ${s.back.dropped}) | req prod ${s.req_prod} pvt ${f.req_prod_pvt} cons ${s.back.req_cons} | rsp prod ${s.rsp_prod} pvt ${s.back.rsp_prod_pvt} cons ${f.rsp_cons}\n` +
    `netback sent ${s.back.sent}, stack ${s.back.xmitted}/${p.packets}; netfront delivered ${f.delivered}${f.broken ? ' broken' : ''}${p.evtchn === 'lateeoi' ? `, evt ${s.evt} napi ${f.napi} unconsumed ${f.unconsumed}` : ''} (slot: id/offset/flags/status, * = buffer posted)`;
};

/**
 * The state's shape (model/shape.ts), for the packed path: indices are full
 * RING_IDX values (a hostile rsp_prod may be anything), a slot's fields the
 * values the rules and the adversary write, counters up to the packets.
 */
export const netifRxShape = (p: P): Shape<S> => {
  const u32 = int(0, 0xffffffff);
  const bit = int(0, 1);
  const count = int(0, p.packets);
  const slot = record({ id: int(0, 0x1ff), offset: int(0, XEN_PAGE_SIZE), flags: int(0, 15), status: int(-1, XEN_PAGE_SIZE) });
  const state = record({
    req_prod: u32,
    rsp_prod: u32,
    ring: array(slot, p.ringSize),
    front: record({
      // a hostile backend may have netfront deliver packets netback never sent
      req_prod_pvt: u32, rsp_cons: u32, posted: int(0, 2 ** p.ringSize - 1), delivered: int(0, 255), broken: bit, unconsumed: u32, napi: bit,
      fill: int(0, p.ringSize), status0: int(-1, XEN_PAGE_SIZE), uaf: bit, bug: bit, rejected: bit, unthrottled: bit, badFrag: bit,
    }),
    back: record({ req_cons: u32, rsp_prod_pvt: u32, sent: count, xmitted: count, queued: count, dropped: count, selfDeadlock: bit }),
    evt: bit,
    hostile: int(0, p.hostileWrites),
    storms: int(0, p.storms),
  });
  return { state: state as unknown as Shape<S>['state'] };
};

export const netifRx = defineModel<S, P>({
  views: netifRxViews,
  name: 'netif-rx',
  description: 'netif.h rx ring as netback and netfront run it: responses written over the requests, multi-slot packets with a GSO extra, netfront\'s buffer ownership and its checks against a hostile backend, lateeoi',
  see: 'xen/include/public/io/netif.h; drivers/net/xen-netback/rx.c; drivers/net/xen-netfront.c; docs/models/netif.md',
  params: netifRxParams,
  init: netifRxInit,
  rules: netifRxRules,
  invariants: netifRxInvariants,
  isValidEnd: netifRxValidEnd,
  view: netifRxView,
  shape: netifRxShape,
  // docs/models/netif.md "A finding on the rx path": xennet_fill_frags re-copies a response xennet_get_responses validated
  findings: ['F_rx_frags_validated'],
  // the default run stops at that finding (7 steps): npm start also verifies netback's and netfront's own rx path
  checkAll: [
    { params: { backend: 'honest' },
      why: 'netback and netfront 6.12 without the hostile writes: every invariant and deadlock on the whole space, four skbs through the 4-slot ring with a tail drop (42,041 states; the default row stops at the finding F_rx_frags_validated)' },
  ],
});
