/**
 * netif-tx vectors at the level of the shared ring (docs/vectors.md,
 * "netif-tx"): what netfront and netback write into and read out of the
 * tx ring through io/ring.h, with netif.h's slot layouts, so that
 * conformance/ring/netif.c can replay them on the real macros and structs.
 *
 * Arguments (what the side is told to do; its driver's decisions):
 * - `xennet_start_xmit`: `slots`, the packet's slots in ring order, each
 *   `{kind: 'req', id, flags, size, offset}` (a `struct netif_tx_request`)
 *   or `{kind: 'extra', type, flags, size}` (a `struct netif_extra_info`,
 *   `size` = `u.gso.size`), written at `req_prod_pvt++`, then
 *   `RING_PUSH_REQUESTS_AND_CHECK_NOTIFY`;
 * - netback's steps: `consume` (how many slots past `req_cons` the step
 *   consumes), `peek` (how many more it reads without consuming:
 *   xenvif_count_requests reads the fragments at `cons + slots`) and
 *   `responses`, the `_make_tx_response(id, extra_count, status)` calls it
 *   makes at `rsp_prod_pvt`, in order (NAPI's `make_tx_response` pushes
 *   after each; the dealloc thread pushes in `push_tx_responses`); a packet
 *   `xenvif_tx_build_gops` drops is answered by `xenvif_tx_err`, given as
 *   `tx_err: {id, extra_count, end}` (the first slot's id and extra_count,
 *   the ring index after the packet) after `consume` = the first slot and
 *   its extras;
 * - `hostile_write`: `{what, slot, val}` (a hostile frontend's `req_prod`,
 *   a published request's `size`, or, `what: 'event'`, an event without work).
 *
 * With `evtchn=lateeoi` (netback's tx event channel), also: `notify` for
 * `xennet_start_xmit` (RING_PUSH_REQUESTS_AND_CHECK_NOTIFY against
 * `req_event`), `has_unconsumed` for `xenvif_tx_interrupt`
 * (RING_HAS_UNCONSUMED_REQUESTS), `more_to_do` and `req_event` for
 * `xenvif_poll.napi_complete_done` (RING_FINAL_CHECK_FOR_REQUESTS; absent
 * for a disabled vif, which does not check).
 *
 * Observations: `req_prod`, `rsp_prod` after every step; the calling
 * side's `req_prod_pvt`, `rsp_cons` (netfront) or `req_cons`,
 * `rsp_prod_pvt` (netback); for `xenvif_tx_build_gops`, `unconsumed`
 * (`XEN_RING_NR_UNCONSUMED_REQUESTS` before it reads, with its min()) and
 * `read`, each slot it copied with `RING_COPY_REQUEST`, in the layout the
 * frontend wrote it in (a response slot: its status, and its id unless the
 * status is `XEN_NETIF_RSP_NULL`, whose id `_make_tx_response` leaves
 * alone); for `xennet_tx_buf_gc`, `overflow` (`RING_RESPONSE_PROD_OVERFLOW`
 * of the `rsp_prod` it read) and, unless it overflowed, `response` (the
 * `RING_COPY_RESPONSE` at `rsp_cons`) and `id_in_range` (`id <
 * RING_SIZE`, for a non-NULL response).
 */
import type { Json } from './format.js';
import { registerHooks, type Boundary, type Obs, type VectorHooks } from './hooks.js';
import { K_EXTRA, K_RSP, NETIF_RSP_NULL, hasUnconsumedRequests, type NetifParams, type NetifState, type Slot } from '../model/netif.js';
import { NR_UNCONSUMED_REQUESTS, idxAdd, idxSub } from '../model/idx32.js';

type S = NetifState;
type P = NetifParams;

const at = (s: S, p: P, i: number): Slot => s.ring[i & (p.ringSize - 1)]!;

/** A slot as the side that wrote it laid it out. */
export function slotView(sl: Slot): Record<string, Json> {
  if (sl.k === K_EXTRA) return { kind: 'extra', type: sl.etype, flags: sl.eflags, size: sl.size };
  if (sl.k === K_RSP) return sl.status === NETIF_RSP_NULL ? { kind: 'rsp', status: sl.status } : { kind: 'rsp', id: sl.id, status: sl.status };
  return { kind: 'req', id: sl.id, flags: sl.flags, size: sl.size, offset: sl.offset };
}

const FRONT_RULES = new Set(['xennet_start_xmit', 'xennet_tx_buf_gc']);
const isBack = (rule: string): boolean => rule.startsWith('xenvif_');

/** The `_make_tx_response` calls a step made, read off the slots it wrote between rsp_prod_pvt before and after. */
export function responsesOf(pre: S, post: S, p: P): { id: number; extra_count: number; status: number }[] {
  const out: { id: number; extra_count: number; status: number }[] = [];
  const n = idxSub(post.back.rsp_prod_pvt, pre.back.rsp_prod_pvt);
  for (let k = 0; k < n; k++) {
    const sl = at(post, p, idxAdd(pre.back.rsp_prod_pvt, k));
    if (sl.k === K_RSP && sl.status === NETIF_RSP_NULL && out.length > 0) out[out.length - 1]!.extra_count++;
    else out.push({ id: sl.id, extra_count: 0, status: sl.status });
  }
  return out;
}

/** Slots consumed and slots read beyond them by a netback step. */
function consumed(rule: string, pre: S, post: S): { consume: number; peek: number } {
  const consume = idxSub(post.back.req_cons, pre.back.req_cons);
  const peek = rule === 'xenvif_tx_build_gops' && post.back.cur ? idxSub(post.back.cur.end, post.back.req_cons) : 0;
  return { consume, peek };
}

/** The slots a netback step reads with RING_COPY_REQUEST: those it consumes and those it reads beyond (xenvif_tx_err's included). */
function readCount(rule: string, pre: S, post: S): number {
  const { consume, peek } = consumed(rule, pre, post);
  return consume + peek;
}

export const netifHooks: VectorHooks<S, P> = {
  args(rule, pre, p, choice, post) {
    if (rule === 'xennet_start_xmit') {
      const n = idxSub(post.front.req_prod_pvt, pre.front.req_prod_pvt);
      return { slots: Array.from({ length: n }, (_, k) => slotView(at(post, p, idxAdd(pre.front.req_prod_pvt, k)))) };
    }
    if (rule === 'hostile_write') return choice as unknown as Obs;
    if (isBack(rule)) {
      const responses = responsesOf(pre, post, p);
      if (rule !== 'xenvif_tx_build_gops' || responses.length === 0) return { ...consumed(rule, pre, post), responses } as Obs;
      // xenvif_tx_err, called after the first slot and its extras were consumed, answers every slot up to `end`
      const first = responses[0]!;
      return { consume: 1 + first.extra_count, peek: 0, responses, tx_err: { id: first.id, extra_count: first.extra_count, end: post.back.req_cons } };
    }
    return undefined;
  },
  observe(rule, pre, post, p) {
    const o: Record<string, Json> = { req_prod: post.req_prod, rsp_prod: post.rsp_prod };
    if (FRONT_RULES.has(rule)) { o.req_prod_pvt = post.front.req_prod_pvt; o.rsp_cons = post.front.rsp_cons; }
    if (isBack(rule)) { o.req_cons = post.back.req_cons; o.rsp_prod_pvt = post.back.rsp_prod_pvt; }
    if (rule === 'xenvif_tx_build_gops') {
      o.unconsumed = NR_UNCONSUMED_REQUESTS(p.ringSize, pre.req_prod, pre.back.req_cons, pre.back.rsp_prod_pvt);
      o.read = Array.from({ length: readCount(rule, pre, post) }, (_, k) => slotView(at(pre, p, idxAdd(pre.back.req_cons, k))));
    }
    if (p.evtchn === 'lateeoi') {
      // RING_PUSH_REQUESTS_AND_CHECK_NOTIFY's notify; xenvif_tx_interrupt's RING_HAS_UNCONSUMED_REQUESTS; RING_FINAL_CHECK_FOR_REQUESTS
      if (rule === 'xennet_start_xmit') o.notify = idxSub(post.req_prod, pre.ev.req_event) < idxSub(post.req_prod, pre.req_prod);
      if (rule === 'xenvif_tx_interrupt') o.has_unconsumed = hasUnconsumedRequests(pre, p);
      if (rule === 'xenvif_poll.napi_complete_done' && !pre.back.disabled) { o.more_to_do = post.ev.sched === 1; o.req_event = post.ev.req_event; }
    }
    if (rule === 'xennet_tx_buf_gc') {
      const overflow = idxSub(pre.rsp_prod, pre.front.rsp_cons) > p.ringSize;
      o.overflow = overflow;
      if (!overflow) {
        const sl = at(pre, p, pre.front.rsp_cons);
        o.response = slotView(sl);
        if (sl.k === K_RSP && sl.status !== NETIF_RSP_NULL) o.id_in_range = sl.id < p.ringSize;
      }
    }
    return o;
  },
  boundaries: [
    {
      name: 'multi-slot-packet',
      reason: 'a packet of two data slots and an extra-info slot (NETTXF_more_data, NETTXF_extra_info) read by netback',
      hits: (x) => x.rule === 'xenvif_tx_build_gops' && (x.obs.read as { kind: string }[]).length >= 3 && (x.obs.read as { kind: string }[]).some((r) => r.kind === 'extra'),
    },
    {
      name: 'out-of-order-response',
      reason: 'the dealloc thread answers a later request before an earlier one, at rsp_prod_pvt',
      hits: (x) => x.rule === 'xenvif_idx_release.make_tx_response' && x.pre.back.held.length > 1 && (x.choice as number) > 0,
    },
    {
      name: 'null-response',
      reason: 'a response with XEN_NETIF_RSP_NULL on the extra-info slot after it, then netfront skipping it',
      hits: (x) => x.rule === 'xennet_tx_buf_gc' && (x.obs.response as { status?: number } | undefined)?.status === NETIF_RSP_NULL,
    },
    {
      name: 'tx-err-after-extras',
      reason: 'xenvif_tx_err answers a dropped packet whose first slot has an extra: NULL on the extra, ERROR on each fragment, extra_count 0 after the first (B-12)',
      hits: (x, p) => {
        if (x.rule !== 'xenvif_tx_build_gops') return false;
        const r = responsesOf(x.pre, x.post, p);
        return r.length > 1 && r[0]!.extra_count > 0;
      },
    },
    {
      name: 'unconsumed-min-binds',
      reason: "XEN_RING_NR_UNCONSUMED_REQUESTS's second term binds: a hostile req_prod more than RING_SIZE - (req_cons - rsp_prod_pvt) ahead of req_cons (frontend=hostile)",
      hits: (x, p) =>
        x.rule === 'xenvif_tx_build_gops' &&
        idxSub(x.pre.req_prod, x.pre.back.req_cons) > p.ringSize - idxSub(x.pre.back.req_cons, x.pre.back.rsp_prod_pvt),
    },
    {
      name: 'responses-fill-ring',
      reason: 'netfront reads responses while RING_SIZE of them are unconsumed: RING_RESPONSE_PROD_OVERFLOW is false at exactly RING_SIZE (stopAt=ring-full)',
      hits: (x, p) => x.rule === 'xennet_tx_buf_gc' && idxSub(x.pre.rsp_prod, x.pre.front.rsp_cons) === p.ringSize,
    },
    {
      // reached with evtchn=lateeoi only (no fallback search: the default suites stay as they were)
      name: 'final-check-arms-req-event',
      reason: "netback's NAPI completes with no request left: RING_FINAL_CHECK_FOR_REQUESTS sets req_event = req_cons + 1, so netfront's next push notifies (evtchn=lateeoi)",
      hits: (x) => x.rule === 'xenvif_poll.napi_complete_done' && x.obs.more_to_do === false && x.pre.back.req_cons !== 0,
    },
  ] as readonly Boundary<S, P>[],
};

registerHooks('netif-tx', netifHooks);
