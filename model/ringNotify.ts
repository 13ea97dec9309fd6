/**
 * `ring-notify`: the Xen shared I/O ring of `xen/include/public/io/ring.h` with
 * its event-index notification scheme, exactly as the peer benchmark specifies
 * it (../shared/bench/ring-spec.md, version 1): 16 state variables (§4), the
 * frontend rules F1..F13 and the backend rules B1..B11 (§5), invariants I1..I5
 * (§7). Indices are exact integers (no wrap; §3): the `ring` model is the same
 * protocol with 32-bit `RING_IDX` arithmetic.
 *
 * The frontend fills the ring greedily (F1), publishes the batch with
 * RING_PUSH_REQUESTS_AND_CHECK_NOTIFY (F3..F6), drains responses (F7), runs
 * RING_FINAL_CHECK_FOR_RESPONSES (F8..F12) and blocks on its event channel
 * (F12, F13). The backend consumes one request at a time like blkback (B1),
 * answers it and pushes with RING_PUSH_RESPONSES_AND_CHECK_NOTIFY (B3..B7), and
 * runs RING_FINAL_CHECK_FOR_REQUESTS (B2, B8..B10) before blocking (B11).
 *
 * @see xen/include/public/io/ring.h
 * @see ../shared/bench/ring-spec.md
 */
import { ringDiagram } from './ringView.js';
import { ringNotifyViews } from './views/ringNotify.js';
import { bitsFor, defineModel, type Invariant, type Layout, type Rule } from './core.js';
import { defineParams, intParam, isPowerOfTwo, type ParamsOfSpace } from './params.js';

// --- parameters

export const ringNotifyParams = defineParams({
  ringSize: intParam({ default: 4, min: 1, max: 1024, doc: 'RING_SIZE, slots in the ring (power of two)', check: isPowerOfTwo }),
  messages: intParam({ default: 8, min: 1, max: 65535, doc: 'requests the frontend sends in all (MESSAGES)' }),
});
export type RingNotifyParams = ParamsOfSpace<typeof ringNotifyParams>;

// --- state

/** Program counter values of the frontend (ring-spec.md §4). */
export const F_PROD = 0, F_PUSH = 1, F_CHK = 2, F_NOTIFY = 3, F_CONS = 4, F_FC1 = 5, F_FC2 = 6, F_WAIT = 7;
/** Program counter values of the backend. */
export const B_CONS = 0, B_RESP = 1, B_PUSH = 2, B_CHK = 3, B_NOTIFY = 4, B_FC1 = 5, B_FC2 = 6, B_WAIT = 7;

/** The 16 variables of ring-spec.md §4, in dump order. */
export interface RingNotifyState {
  readonly req_prod: number;
  readonly req_event: number;
  readonly rsp_prod: number;
  readonly rsp_event: number;
  readonly fe_pc: number;
  readonly req_prod_pvt: number;
  readonly rsp_cons: number;
  readonly fe_old: number;
  readonly fe_pending: number;
  readonly fe_blocked: number;
  readonly be_pc: number;
  readonly rsp_prod_pvt: number;
  readonly req_cons: number;
  readonly be_old: number;
  readonly be_pending: number;
  readonly be_blocked: number;
}
type S = RingNotifyState;
type P = RingNotifyParams;
type R = Rule<S, P>;

export const ringNotifyLayout = (p: P): Layout => {
  const idx = bitsFor(p.messages + 1);
  return [
    { name: 'req_prod', bits: idx },
    { name: 'req_event', bits: idx },
    { name: 'rsp_prod', bits: idx },
    { name: 'rsp_event', bits: idx },
    { name: 'fe_pc', bits: 3 },
    { name: 'req_prod_pvt', bits: idx },
    { name: 'rsp_cons', bits: idx },
    { name: 'fe_old', bits: idx },
    { name: 'fe_pending', bits: 1 },
    { name: 'fe_blocked', bits: 1 },
    { name: 'be_pc', bits: 3 },
    { name: 'rsp_prod_pvt', bits: idx },
    { name: 'req_cons', bits: idx },
    { name: 'be_old', bits: idx },
    { name: 'be_pending', bits: 1 },
    { name: 'be_blocked', bits: 1 },
  ];
};

export const ringNotifyInit = (): S => ({
  req_prod: 0, req_event: 1, rsp_prod: 0, rsp_event: 1,
  fe_pc: F_PROD, req_prod_pvt: 0, rsp_cons: 0, fe_old: 0, fe_pending: 0, fe_blocked: 0,
  be_pc: B_CONS, rsp_prod_pvt: 0, req_cons: 0, be_old: 0, be_pending: 0, be_blocked: 0,
});

// --- ring.h predicates (ring-spec.md §3)

/** `!RING_FULL && messages left`. */
export const CAN_PROD = (s: S, p: P): boolean => s.req_prod_pvt - s.rsp_cons < p.ringSize && s.req_prod_pvt < p.messages;
/** RING_HAS_UNCONSUMED_RESPONSES. */
export const HAS_RSP = (s: S): boolean => s.rsp_prod !== s.rsp_cons;
/** RING_HAS_UNCONSUMED_REQUESTS: min(req_prod - req_cons, RING_SIZE - (req_cons - rsp_prod_pvt)) != 0. */
export const HAS_REQ = (s: S, p: P): boolean => s.req_prod !== s.req_cons && p.ringSize - (s.req_cons - s.rsp_prod_pvt) !== 0;
/** The notify test of RING_PUSH_*_AND_CHECK_NOTIFY: `(RING_IDX)(new - event) < (RING_IDX)(new - old)`. */
export const NOTIFY = (nw: number, old: number, event: number): boolean => old < event && event <= nw;

// --- frontend rules

export const F1: R = { name: 'F1', actor: 'frontend', doc: 'fill RING_GET_REQUEST(req_prod_pvt), req_prod_pvt++', see: 'ring.h RING_GET_REQUEST',
  when: (s, p) => s.fe_pc === F_PROD && CAN_PROD(s, p), then: (d, s) => { d.req_prod_pvt = s.req_prod_pvt + 1; } };
export const F2: R = { name: 'F2', actor: 'frontend', doc: 'stop producing (RING_FULL or no messages left)', see: 'ring.h RING_FULL',
  when: (s, p) => s.fe_pc === F_PROD && !CAN_PROD(s, p), then: (d) => { d.fe_pc = F_PUSH; } };
export const F3: R = { name: 'F3', actor: 'frontend', doc: 'RING_PUSH_REQUESTS_AND_CHECK_NOTIFY: __old = req_prod; xen_wmb(); req_prod = __new', see: 'ring.h RING_PUSH_REQUESTS_AND_CHECK_NOTIFY',
  when: (s) => s.fe_pc === F_PUSH, then: (d, s) => { d.fe_old = s.req_prod; d.req_prod = s.req_prod_pvt; d.fe_pc = F_CHK; } };
export const F4: R = { name: 'F4', actor: 'frontend', doc: 'RING_PUSH_REQUESTS_AND_CHECK_NOTIFY: xen_mb(); notify = true (req_event in (__old, __new])', see: 'ring.h RING_PUSH_REQUESTS_AND_CHECK_NOTIFY',
  when: (s) => s.fe_pc === F_CHK && NOTIFY(s.req_prod_pvt, s.fe_old, s.req_event), then: (d) => { d.fe_old = 0; d.fe_pc = F_NOTIFY; } };
export const F5: R = { name: 'F5', actor: 'frontend', doc: 'RING_PUSH_REQUESTS_AND_CHECK_NOTIFY: xen_mb(); notify = false', see: 'ring.h RING_PUSH_REQUESTS_AND_CHECK_NOTIFY',
  when: (s) => s.fe_pc === F_CHK && !NOTIFY(s.req_prod_pvt, s.fe_old, s.req_event), then: (d) => { d.fe_old = 0; d.fe_pc = F_CONS; } };
export const F6: R = { name: 'F6', actor: 'frontend', doc: 'notify_remote_via_evtchn: set the backend pending bit', see: 'drivers/xen/events notify_remote_via_evtchn',
  when: (s) => s.fe_pc === F_NOTIFY, then: (d) => { d.be_pending = 1; d.fe_pc = F_CONS; } };
export const F7: R = { name: 'F7', actor: 'frontend', doc: 'consume RING_GET_RESPONSE(rsp_cons), rsp_cons++', see: 'ring.h RING_HAS_UNCONSUMED_RESPONSES',
  when: (s) => s.fe_pc === F_CONS && HAS_RSP(s), then: (d, s) => { d.rsp_cons = s.rsp_cons + 1; } };
export const F8: R = { name: 'F8', actor: 'frontend', doc: 'RING_FINAL_CHECK_FOR_RESPONSES: first check, no work', see: 'ring.h RING_FINAL_CHECK_FOR_RESPONSES',
  when: (s) => s.fe_pc === F_CONS && !HAS_RSP(s), then: (d) => { d.fe_pc = F_FC1; } };
export const F9: R = { name: 'F9', actor: 'frontend', doc: 'RING_FINAL_CHECK_FOR_RESPONSES: rsp_event = rsp_cons + 1', see: 'ring.h RING_FINAL_CHECK_FOR_RESPONSES',
  when: (s) => s.fe_pc === F_FC1, then: (d, s) => { d.rsp_event = s.rsp_cons + 1; d.fe_pc = F_FC2; } };
export const F10: R = { name: 'F10', actor: 'frontend', doc: 'RING_FINAL_CHECK_FOR_RESPONSES: xen_mb(); re-check finds work', see: 'ring.h RING_FINAL_CHECK_FOR_RESPONSES',
  when: (s) => s.fe_pc === F_FC2 && HAS_RSP(s), then: (d) => { d.fe_pc = F_CONS; } };
export const F11: R = { name: 'F11', actor: 'frontend', doc: 'RING_FINAL_CHECK_FOR_RESPONSES: re-check empty, ring has room: produce', see: 'ring.h RING_FINAL_CHECK_FOR_RESPONSES',
  when: (s, p) => s.fe_pc === F_FC2 && !HAS_RSP(s) && CAN_PROD(s, p), then: (d) => { d.fe_pc = F_PROD; } };
export const F12: R = { name: 'F12', actor: 'frontend', doc: 'RING_FINAL_CHECK_FOR_RESPONSES: re-check empty: block on the event channel', see: 'ring.h RING_FINAL_CHECK_FOR_RESPONSES',
  when: (s, p) => s.fe_pc === F_FC2 && !HAS_RSP(s) && !CAN_PROD(s, p), then: (d) => { d.fe_pc = F_WAIT; d.fe_blocked = 1; } };
export const F13: R = { name: 'F13', actor: 'frontend', doc: 'event delivered: clear pending, wake, consume', see: 'drivers/xen/events (upcall)',
  when: (s) => s.fe_pc === F_WAIT && s.fe_pending === 1, then: (d) => { d.fe_pending = 0; d.fe_blocked = 0; d.fe_pc = F_CONS; } };

// --- backend rules

export const B1: R = { name: 'B1', actor: 'backend', doc: 'consume RING_GET_REQUEST(req_cons), req_cons++', see: 'ring.h RING_HAS_UNCONSUMED_REQUESTS',
  when: (s, p) => s.be_pc === B_CONS && HAS_REQ(s, p), then: (d, s) => { d.req_cons = s.req_cons + 1; d.be_pc = B_RESP; } };
export const B2: R = { name: 'B2', actor: 'backend', doc: 'RING_FINAL_CHECK_FOR_REQUESTS: first check, no work', see: 'ring.h RING_FINAL_CHECK_FOR_REQUESTS',
  when: (s, p) => s.be_pc === B_CONS && !HAS_REQ(s, p), then: (d) => { d.be_pc = B_FC1; } };
export const B3: R = { name: 'B3', actor: 'backend', doc: 'write RING_GET_RESPONSE(rsp_prod_pvt), rsp_prod_pvt++', see: 'ring.h RING_GET_RESPONSE',
  when: (s) => s.be_pc === B_RESP, then: (d, s) => { d.rsp_prod_pvt = s.rsp_prod_pvt + 1; d.be_pc = B_PUSH; } };
export const B4: R = { name: 'B4', actor: 'backend', doc: 'RING_PUSH_RESPONSES_AND_CHECK_NOTIFY: __old = rsp_prod; xen_wmb(); rsp_prod = __new', see: 'ring.h RING_PUSH_RESPONSES_AND_CHECK_NOTIFY',
  when: (s) => s.be_pc === B_PUSH, then: (d, s) => { d.be_old = s.rsp_prod; d.rsp_prod = s.rsp_prod_pvt; d.be_pc = B_CHK; } };
export const B5: R = { name: 'B5', actor: 'backend', doc: 'RING_PUSH_RESPONSES_AND_CHECK_NOTIFY: xen_mb(); notify = true', see: 'ring.h RING_PUSH_RESPONSES_AND_CHECK_NOTIFY',
  when: (s) => s.be_pc === B_CHK && NOTIFY(s.rsp_prod_pvt, s.be_old, s.rsp_event), then: (d) => { d.be_old = 0; d.be_pc = B_NOTIFY; } };
export const B6: R = { name: 'B6', actor: 'backend', doc: 'RING_PUSH_RESPONSES_AND_CHECK_NOTIFY: xen_mb(); notify = false', see: 'ring.h RING_PUSH_RESPONSES_AND_CHECK_NOTIFY',
  when: (s) => s.be_pc === B_CHK && !NOTIFY(s.rsp_prod_pvt, s.be_old, s.rsp_event), then: (d) => { d.be_old = 0; d.be_pc = B_CONS; } };
export const B7: R = { name: 'B7', actor: 'backend', doc: 'notify_remote_via_evtchn: set the frontend pending bit', see: 'drivers/xen/events notify_remote_via_evtchn',
  when: (s) => s.be_pc === B_NOTIFY, then: (d) => { d.fe_pending = 1; d.be_pc = B_CONS; } };
export const B8: R = { name: 'B8', actor: 'backend', doc: 'RING_FINAL_CHECK_FOR_REQUESTS: req_event = req_cons + 1', see: 'ring.h RING_FINAL_CHECK_FOR_REQUESTS',
  when: (s) => s.be_pc === B_FC1, then: (d, s) => { d.req_event = s.req_cons + 1; d.be_pc = B_FC2; } };
export const B9: R = { name: 'B9', actor: 'backend', doc: 'RING_FINAL_CHECK_FOR_REQUESTS: xen_mb(); re-check finds work', see: 'ring.h RING_FINAL_CHECK_FOR_REQUESTS',
  when: (s, p) => s.be_pc === B_FC2 && HAS_REQ(s, p), then: (d) => { d.be_pc = B_CONS; } };
export const B10: R = { name: 'B10', actor: 'backend', doc: 'RING_FINAL_CHECK_FOR_REQUESTS: re-check empty: block on the event channel', see: 'ring.h RING_FINAL_CHECK_FOR_REQUESTS',
  when: (s, p) => s.be_pc === B_FC2 && !HAS_REQ(s, p), then: (d) => { d.be_pc = B_WAIT; d.be_blocked = 1; } };
export const B11: R = { name: 'B11', actor: 'backend', doc: 'event delivered: clear pending, wake, consume', see: 'drivers/xen/events (upcall)',
  when: (s) => s.be_pc === B_WAIT && s.be_pending === 1, then: (d) => { d.be_pending = 0; d.be_blocked = 0; d.be_pc = B_CONS; } };

export const ringNotifyRules: readonly R[] = [F1, F2, F3, F4, F5, F6, F7, F8, F9, F10, F11, F12, F13, B1, B2, B3, B4, B5, B6, B7, B8, B9, B10, B11];

// --- invariants (ring-spec.md §7)

export const FE_STUCK = (s: S): boolean => s.fe_blocked === 1 && s.fe_pending === 0;
export const BE_STUCK = (s: S): boolean => s.be_blocked === 1 && s.be_pending === 0;

/** FINAL of ring-spec.md §7: every message requested, answered and its response consumed; both asleep with armed event indices. */
export const isFinal = (s: S, p: P): boolean => {
  const M = p.messages;
  return s.fe_pc === F_WAIT && s.be_pc === B_WAIT &&
    s.req_prod === M && s.req_prod_pvt === M && s.req_cons === M && s.rsp_prod_pvt === M && s.rsp_prod === M && s.rsp_cons === M &&
    s.req_event === M + 1 && s.rsp_event === M + 1 && s.fe_old === 0 && s.be_old === 0 &&
    s.fe_pending === 0 && s.be_pending === 0 && s.fe_blocked === 1 && s.be_blocked === 1;
};

export const I1: Invariant<S, P> = {
  name: 'I1_no_overflow',
  description: 'req_prod - rsp_cons <= RING_SIZE and req_prod_pvt - rsp_cons <= RING_SIZE: the frontend never has more requests outstanding than slots',
  see: 'ring.h RING_FULL, RING_REQUEST_PROD_OVERFLOW; ring-spec.md §7 I1',
  holds: (s, p) => s.req_prod - s.rsp_cons <= p.ringSize && s.req_prod_pvt - s.rsp_cons <= p.ringSize,
};
export const I2: Invariant<S, P> = {
  name: 'I2_consumer_behind_producer',
  description: 'req_cons <= req_prod and rsp_cons <= rsp_prod: no side consumes an entry that was not published',
  see: 'ring.h RING_REQUEST_CONS_OVERFLOW; ring-spec.md §7 I2',
  holds: (s) => s.req_cons <= s.req_prod && s.rsp_cons <= s.rsp_prod,
};
export const I3: Invariant<S, P> = {
  name: 'I3_responses_follow_requests',
  description: 'rsp_prod <= rsp_prod_pvt <= req_cons, rsp_prod <= req_prod, req_prod <= req_prod_pvt <= MESSAGES: every response answers a consumed request; published never exceeds private',
  see: 'ring.h RING_RESPONSE_PROD_OVERFLOW; ring-spec.md §7 I3',
  holds: (s, p) => s.rsp_prod <= s.rsp_prod_pvt && s.rsp_prod_pvt <= s.req_cons && s.rsp_prod <= s.req_prod &&
    s.req_prod <= s.req_prod_pvt && s.req_prod_pvt <= p.messages,
};
export const I4: Invariant<S, P> = {
  name: 'I4_no_lost_wakeup',
  description: 'if both sides are blocked with no event pending, no unconsumed request or response is on the ring',
  see: 'ring.h RING_FINAL_CHECK_FOR_*, RING_PUSH_*_AND_CHECK_NOTIFY (event-index hold-off); ring-spec.md §7 I4',
  holds: (s) => !(FE_STUCK(s) && BE_STUCK(s)) || (s.rsp_prod === s.rsp_cons && s.req_prod === s.req_cons),
};
export const I5: Invariant<S, P> = {
  name: 'I5_only_final_is_terminal',
  description: 'if both sides are blocked with no event pending, the state is FINAL (all messages done): deadlock freedom',
  see: 'ring-spec.md §7 I5',
  holds: (s, p) => !(FE_STUCK(s) && BE_STUCK(s)) || isFinal(s, p),
};

export const ringNotifyInvariants = [I1, I2, I3, I4, I5] as const;

// --- the model

export const ringNotify = defineModel<S, P>({
  name: 'ring-notify',
  description: 'io/ring.h shared ring with event-index notification: the SPIN/Rumur benchmark of ring-spec.md (exact indices)',
  see: 'xen/include/public/io/ring.h; ../shared/bench/ring-spec.md',
  params: ringNotifyParams,
  init: () => [ringNotifyInit()],
  rules: ringNotifyRules,
  invariants: ringNotifyInvariants,
  isValidEnd: isFinal,
  layout: ringNotifyLayout,
  views: ringNotifyViews,
  view: (s, p) => {
    const pcF = ['F_PROD', 'F_PUSH', 'F_CHK', 'F_NOTIFY', 'F_CONS', 'F_FC1', 'F_FC2', 'F_WAIT'];
    const pcB = ['B_CONS', 'B_RESP', 'B_PUSH', 'B_CHK', 'B_NOTIFY', 'B_FC1', 'B_FC2', 'B_WAIT'];
    const side = (pc: string, blocked: number, pending: number) => `${pc}${blocked ? ' blocked' : ''}${pending ? ' (event pending)' : ''}`;
    return `${ringDiagram(p.ringSize, s)}\nfrontend ${side(pcF[s.fe_pc]!, s.fe_blocked, s.fe_pending)}, backend ${side(pcB[s.be_pc]!, s.be_blocked, s.be_pending)}`;
  },
});
