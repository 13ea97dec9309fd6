/**
 * `ring`: the io/ring.h shared ring with event-channel notification, as
 * ring-notify (same control structure, ring-spec.md §5), but with Xen's real
 * `RING_IDX` arithmetic: indices are free-running 32-bit counters that wrap
 * modulo 2^32, and every test is the ring.h macro itself on those values
 * (RING_FULL, XEN_RING_NR_UNCONSUMED_*, the `(RING_IDX)(__new - event) <
 * (RING_IDX)(__new - __old)` notify test), never a comparison of raw numbers.
 *
 * `startIndex` starts every index there (as FRONT_RING_ATTACH/BACK_RING_ATTACH
 * do for a ring resumed at a non-zero index): from just below 2^32 every run
 * crosses the wrap. The reachable state graph is the same at every start
 * (subtracting `startIndex` is an isomorphism), which the tests check against
 * ring-notify's state-set digest.
 *
 * Rules carry Xen's names: the macro, and for macros split into several atomic
 * steps (the push and its notify check; the final check's first check, event
 * write and re-check) the part of it.
 *
 * @see xen/include/public/io/ring.h
 */
import { defineModel, type Invariant, type Layout, type Rule } from './core.js';
import { NOTIFY, NR_UNCONSUMED_REQUESTS, RING_FULL, idxAdd, idxLe, idxSub } from './idx32.js';
import { defineParams, intParam, isPowerOfTwo, type ParamsOfSpace } from './params.js';
import { B_CHK, B_CONS, B_FC1, B_FC2, B_NOTIFY, B_PUSH, B_RESP, B_WAIT, F_CHK, F_CONS, F_FC1, F_FC2, F_NOTIFY, F_PROD, F_PUSH, F_WAIT, type RingNotifyState } from './ringNotify.js';

export const ringParams = defineParams({
  ringSize: intParam({ default: 4, min: 1, max: 1024, doc: 'RING_SIZE, slots in the ring (power of two)', check: isPowerOfTwo }),
  messages: intParam({ default: 8, min: 1, max: 65535, doc: 'requests the frontend sends in all' }),
  startIndex: intParam({ default: 0, min: 0, max: 0xffffffff, doc: 'the value every RING_IDX starts at (0xfffffffd crosses the 2^32 wrap)' }),
});
export type RingParams = ParamsOfSpace<typeof ringParams>;

/** The 16 variables of ring-spec.md §4; the eight indices are RING_IDX values. */
export type RingState = RingNotifyState;
type S = RingState;
type P = RingParams;
type R = Rule<S, P>;

export const ringLayout = (): Layout => [
  { name: 'req_prod', bits: 32 }, { name: 'req_event', bits: 32 }, { name: 'rsp_prod', bits: 32 }, { name: 'rsp_event', bits: 32 },
  { name: 'fe_pc', bits: 3 }, { name: 'req_prod_pvt', bits: 32 }, { name: 'rsp_cons', bits: 32 }, { name: 'fe_old', bits: 32 },
  { name: 'fe_pending', bits: 1 }, { name: 'fe_blocked', bits: 1 }, { name: 'be_pc', bits: 3 }, { name: 'rsp_prod_pvt', bits: 32 },
  { name: 'req_cons', bits: 32 }, { name: 'be_old', bits: 32 }, { name: 'be_pending', bits: 1 }, { name: 'be_blocked', bits: 1 },
];

/** SHARED_RING_INIT + FRONT/BACK_RING_ATTACH at `startIndex`: producers and consumers at start, event indices at start + 1. */
export const ringInit = (p: P): S => {
  const i = p.startIndex >>> 0;
  const e = idxAdd(i, 1);
  return {
    req_prod: i, req_event: e, rsp_prod: i, rsp_event: e,
    fe_pc: F_PROD, req_prod_pvt: i, rsp_cons: i, fe_old: i, fe_pending: 0, fe_blocked: 0,
    be_pc: B_CONS, rsp_prod_pvt: i, req_cons: i, be_old: i, be_pending: 0, be_blocked: 0,
  };
};

/** Requests the frontend produced so far. */
const sent = (s: S, p: P) => idxSub(s.req_prod_pvt, p.startIndex);
/** `!RING_FULL(front) && messages left`. */
export const canProduce = (s: S, p: P): boolean => !RING_FULL(p.ringSize, s.req_prod_pvt, s.rsp_cons) && sent(s, p) < p.messages;
/** RING_HAS_UNCONSUMED_RESPONSES(front). */
export const hasResponses = (s: S): boolean => idxSub(s.rsp_prod, s.rsp_cons) !== 0;
/** RING_HAS_UNCONSUMED_REQUESTS(back). */
export const hasRequests = (s: S, p: P): boolean => NR_UNCONSUMED_REQUESTS(p.ringSize, s.req_prod, s.req_cons, s.rsp_prod_pvt) !== 0;

const fe = (name: string, doc: string, when: R['when'], then: R['then']): R => ({ name, actor: 'frontend', doc, see: 'xen/include/public/io/ring.h; drivers/net/xen-netfront.c', ...(when ? { when } : {}), then });
const be = (name: string, doc: string, when: R['when'], then: R['then']): R => ({ name, actor: 'backend', doc, see: 'xen/include/public/io/ring.h; drivers/block/xen-blkback', ...(when ? { when } : {}), then });

// --- frontend (ring-spec.md F1..F13)
export const produce_request = fe('produce_request', 'F1: fill RING_GET_REQUEST(req_prod_pvt); req_prod_pvt++',
  (s, p) => s.fe_pc === F_PROD && canProduce(s, p), (d, s) => { d.req_prod_pvt = idxAdd(s.req_prod_pvt, 1); });
export const stop_producing = fe('stop_producing', 'F2: RING_FULL or no messages left: go push',
  (s, p) => s.fe_pc === F_PROD && !canProduce(s, p), (d) => { d.fe_pc = F_PUSH; });
export const RING_PUSH_REQUESTS = fe('RING_PUSH_REQUESTS', 'F3: __old = req_prod; xen_wmb(); req_prod = req_prod_pvt',
  (s) => s.fe_pc === F_PUSH, (d, s) => { d.fe_old = s.req_prod; d.req_prod = s.req_prod_pvt; d.fe_pc = F_CHK; });
export const CHECK_NOTIFY_requests_true = fe('RING_PUSH_REQUESTS_AND_CHECK_NOTIFY.notify', 'F4: xen_mb(); (RING_IDX)(__new - req_event) < (RING_IDX)(__new - __old): notify',
  (s) => s.fe_pc === F_CHK && NOTIFY(s.req_prod_pvt, s.fe_old, s.req_event), (d, _s, p) => { d.fe_old = p.startIndex; d.fe_pc = F_NOTIFY; });
export const CHECK_NOTIFY_requests_false = fe('RING_PUSH_REQUESTS_AND_CHECK_NOTIFY.no_notify', 'F5: xen_mb(); the backend asked for no event in (__old, __new]',
  (s) => s.fe_pc === F_CHK && !NOTIFY(s.req_prod_pvt, s.fe_old, s.req_event), (d, _s, p) => { d.fe_old = p.startIndex; d.fe_pc = F_CONS; });
export const notify_backend = fe('notify_remote_via_evtchn.front', 'F6: set the backend event channel pending',
  (s) => s.fe_pc === F_NOTIFY, (d) => { d.be_pending = 1; d.fe_pc = F_CONS; });
export const consume_response = fe('consume_response', 'F7: RING_GET_RESPONSE(rsp_cons); rsp_cons++',
  (s) => s.fe_pc === F_CONS && hasResponses(s), (d, s) => { d.rsp_cons = idxAdd(s.rsp_cons, 1); });
export const FINAL_CHECK_responses_empty = fe('RING_FINAL_CHECK_FOR_RESPONSES.empty', 'F8: first check: no unconsumed response',
  (s) => s.fe_pc === F_CONS && !hasResponses(s), (d) => { d.fe_pc = F_FC1; });
export const FINAL_CHECK_responses_arm = fe('RING_FINAL_CHECK_FOR_RESPONSES.arm', 'F9: rsp_event = rsp_cons + 1',
  (s) => s.fe_pc === F_FC1, (d, s) => { d.rsp_event = idxAdd(s.rsp_cons, 1); d.fe_pc = F_FC2; });
export const FINAL_CHECK_responses_work = fe('RING_FINAL_CHECK_FOR_RESPONSES.recheck_work', 'F10: xen_mb(); re-check finds a response',
  (s) => s.fe_pc === F_FC2 && hasResponses(s), (d) => { d.fe_pc = F_CONS; });
export const FINAL_CHECK_responses_produce = fe('RING_FINAL_CHECK_FOR_RESPONSES.recheck_empty_produce', 'F11: re-check empty, ring has room: produce more',
  (s, p) => s.fe_pc === F_FC2 && !hasResponses(s) && canProduce(s, p), (d) => { d.fe_pc = F_PROD; });
export const FINAL_CHECK_responses_block = fe('RING_FINAL_CHECK_FOR_RESPONSES.recheck_empty_block', 'F12: re-check empty: block on the event channel',
  (s, p) => s.fe_pc === F_FC2 && !hasResponses(s) && !canProduce(s, p), (d) => { d.fe_pc = F_WAIT; d.fe_blocked = 1; });
export const upcall_front = fe('evtchn_upcall.front', 'F13: event delivered: clear pending, wake, consume',
  (s) => s.fe_pc === F_WAIT && s.fe_pending === 1, (d) => { d.fe_pending = 0; d.fe_blocked = 0; d.fe_pc = F_CONS; });

// --- backend (ring-spec.md B1..B11)
export const consume_request = be('consume_request', 'B1: RING_COPY_REQUEST(req_cons); req_cons++',
  (s, p) => s.be_pc === B_CONS && hasRequests(s, p), (d, s) => { d.req_cons = idxAdd(s.req_cons, 1); d.be_pc = B_RESP; });
export const FINAL_CHECK_requests_empty = be('RING_FINAL_CHECK_FOR_REQUESTS.empty', 'B2: first check: no unconsumed request',
  (s, p) => s.be_pc === B_CONS && !hasRequests(s, p), (d) => { d.be_pc = B_FC1; });
export const produce_response = be('produce_response', 'B3: fill RING_GET_RESPONSE(rsp_prod_pvt); rsp_prod_pvt++',
  (s) => s.be_pc === B_RESP, (d, s) => { d.rsp_prod_pvt = idxAdd(s.rsp_prod_pvt, 1); d.be_pc = B_PUSH; });
export const RING_PUSH_RESPONSES = be('RING_PUSH_RESPONSES', 'B4: __old = rsp_prod; xen_wmb(); rsp_prod = rsp_prod_pvt',
  (s) => s.be_pc === B_PUSH, (d, s) => { d.be_old = s.rsp_prod; d.rsp_prod = s.rsp_prod_pvt; d.be_pc = B_CHK; });
export const CHECK_NOTIFY_responses_true = be('RING_PUSH_RESPONSES_AND_CHECK_NOTIFY.notify', 'B5: xen_mb(); (RING_IDX)(__new - rsp_event) < (RING_IDX)(__new - __old): notify',
  (s) => s.be_pc === B_CHK && NOTIFY(s.rsp_prod_pvt, s.be_old, s.rsp_event), (d, _s, p) => { d.be_old = p.startIndex; d.be_pc = B_NOTIFY; });
export const CHECK_NOTIFY_responses_false = be('RING_PUSH_RESPONSES_AND_CHECK_NOTIFY.no_notify', 'B6: xen_mb(); the frontend asked for no event in (__old, __new]',
  (s) => s.be_pc === B_CHK && !NOTIFY(s.rsp_prod_pvt, s.be_old, s.rsp_event), (d, _s, p) => { d.be_old = p.startIndex; d.be_pc = B_CONS; });
export const notify_frontend = be('notify_remote_via_evtchn.back', 'B7: set the frontend event channel pending',
  (s) => s.be_pc === B_NOTIFY, (d) => { d.fe_pending = 1; d.be_pc = B_CONS; });
export const FINAL_CHECK_requests_arm = be('RING_FINAL_CHECK_FOR_REQUESTS.arm', 'B8: req_event = req_cons + 1',
  (s) => s.be_pc === B_FC1, (d, s) => { d.req_event = idxAdd(s.req_cons, 1); d.be_pc = B_FC2; });
export const FINAL_CHECK_requests_work = be('RING_FINAL_CHECK_FOR_REQUESTS.recheck_work', 'B9: xen_mb(); re-check finds a request',
  (s, p) => s.be_pc === B_FC2 && hasRequests(s, p), (d) => { d.be_pc = B_CONS; });
export const FINAL_CHECK_requests_block = be('RING_FINAL_CHECK_FOR_REQUESTS.recheck_empty_block', 'B10: re-check empty: block on the event channel',
  (s, p) => s.be_pc === B_FC2 && !hasRequests(s, p), (d) => { d.be_pc = B_WAIT; d.be_blocked = 1; });
export const upcall_back = be('evtchn_upcall.back', 'B11: event delivered: clear pending, wake, consume',
  (s) => s.be_pc === B_WAIT && s.be_pending === 1, (d) => { d.be_pending = 0; d.be_blocked = 0; d.be_pc = B_CONS; });

export const ringRules: readonly R[] = [
  produce_request, stop_producing, RING_PUSH_REQUESTS, CHECK_NOTIFY_requests_true, CHECK_NOTIFY_requests_false, notify_backend,
  consume_response, FINAL_CHECK_responses_empty, FINAL_CHECK_responses_arm, FINAL_CHECK_responses_work, FINAL_CHECK_responses_produce,
  FINAL_CHECK_responses_block, upcall_front,
  consume_request, FINAL_CHECK_requests_empty, produce_response, RING_PUSH_RESPONSES, CHECK_NOTIFY_responses_true,
  CHECK_NOTIFY_responses_false, notify_frontend, FINAL_CHECK_requests_arm, FINAL_CHECK_requests_work, FINAL_CHECK_requests_block, upcall_back,
];

// --- invariants: ring-spec.md §7 I1..I5 in RING_IDX arithmetic

const stuck = (blocked: number, pending: number) => blocked === 1 && pending === 0;
const bothStuck = (s: S) => stuck(s.fe_blocked, s.fe_pending) && stuck(s.be_blocked, s.be_pending);

/** FINAL: all `messages` requested, answered and consumed; both asleep with armed event indices. */
export const ringFinal = (s: S, p: P): boolean => {
  const end = idxAdd(p.startIndex, p.messages);
  const ev = idxAdd(end, 1);
  return s.fe_pc === F_WAIT && s.be_pc === B_WAIT && bothStuck(s) &&
    [s.req_prod, s.req_prod_pvt, s.req_cons, s.rsp_prod_pvt, s.rsp_prod, s.rsp_cons].every((x) => x === end) &&
    s.req_event === ev && s.rsp_event === ev && s.fe_old === p.startIndex >>> 0 && s.be_old === p.startIndex >>> 0;
};

export const ringInvariants: readonly Invariant<S, P>[] = [
  { name: 'I1_no_overflow', see: 'ring.h RING_FULL, RING_REQUEST_PROD_OVERFLOW; ring-spec.md §7 I1',
    description: '(RING_IDX)(req_prod - rsp_cons) <= RING_SIZE and (RING_IDX)(req_prod_pvt - rsp_cons) <= RING_SIZE',
    holds: (s, p) => idxSub(s.req_prod, s.rsp_cons) <= p.ringSize && idxSub(s.req_prod_pvt, s.rsp_cons) <= p.ringSize },
  { name: 'I2_consumer_behind_producer', see: 'ring.h RING_REQUEST_CONS_OVERFLOW; ring-spec.md §7 I2',
    description: 'req_cons is not ahead of req_prod, rsp_cons is not ahead of rsp_prod (mod 2^32)',
    holds: (s) => idxLe(s.req_cons, s.req_prod) && idxLe(s.rsp_cons, s.rsp_prod) },
  { name: 'I3_responses_follow_requests', see: 'ring.h RING_RESPONSE_PROD_OVERFLOW; ring-spec.md §7 I3',
    description: 'rsp_prod <= rsp_prod_pvt <= req_cons, rsp_prod <= req_prod <= req_prod_pvt <= startIndex + messages (mod 2^32)',
    holds: (s, p) => idxLe(s.rsp_prod, s.rsp_prod_pvt) && idxLe(s.rsp_prod_pvt, s.req_cons) && idxLe(s.rsp_prod, s.req_prod) &&
      idxLe(s.req_prod, s.req_prod_pvt) && idxSub(s.req_prod_pvt, p.startIndex) <= p.messages },
  { name: 'I4_no_lost_wakeup', see: 'ring.h RING_FINAL_CHECK_FOR_*, RING_PUSH_*_AND_CHECK_NOTIFY; ring-spec.md §7 I4',
    description: 'if both sides are blocked with no event pending, no unconsumed request or response is on the ring',
    holds: (s) => !bothStuck(s) || (s.rsp_prod === s.rsp_cons && s.req_prod === s.req_cons) },
  { name: 'I5_only_final_is_terminal', see: 'ring-spec.md §7 I5',
    description: 'if both sides are blocked with no event pending, every message is done (FINAL)',
    holds: (s, p) => !bothStuck(s) || ringFinal(s, p) },
];

export const ring = defineModel<S, P>({
  name: 'ring',
  description: 'io/ring.h shared ring with event-index notification and real 32-bit RING_IDX arithmetic (startIndex crosses the wrap)',
  see: 'xen/include/public/io/ring.h; ../shared/bench/ring-spec.md',
  params: ringParams,
  init: (p) => [ringInit(p)],
  rules: ringRules,
  invariants: ringInvariants,
  isValidEnd: ringFinal,
  layout: ringLayout,
});
