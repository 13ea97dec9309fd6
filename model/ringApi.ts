/**
 * `ring-api`: the `xen/include/public/io/ring.h` API as a sequential library,
 * one rule per call a driver makes on one ring, with real 32-bit `RING_IDX`
 * arithmetic (`typedef unsigned int RING_IDX`, indices wrap modulo 2^32).
 *
 * This is the model conformance vectors are generated from (conformance/,
 * docs/vectors.md): a C program can only call whole macros one after the
 * other, so where `ring` and `ring-notify` split a macro into the interleaved
 * steps of two concurrent sides, here each rule is one complete call and the
 * state is exactly what the macros read and write: the four shared indices of
 * the `struct __name##_sring` page, the private indices of the
 * `__name##_front_ring` and `__name##_back_ring`, and the ring's slots (a
 * request and a response share a slot: `union __name##_sring_entry`).
 *
 * What a call returns (the notify flag, a count, a payload, RING_FULL) is not
 * state: {@link ringApiObserve} computes it from the states before and after
 * the call, and the vector generator records it with the indices.
 *
 * Guards are the API's preconditions and nothing more: a request is only
 * produced if `!RING_FULL`, consumed only if `RING_HAS_UNCONSUMED_REQUESTS`, a
 * response only produced for a consumed request, and only consumed if
 * `RING_HAS_UNCONSUMED_RESPONSES`. `messages` bounds how many requests the
 * frontend produces (the state space is finite); `startIndex` is the index the
 * rings are attached at (FRONT_RING_ATTACH/BACK_RING_ATTACH with `_i`), so
 * vectors can cross 2^32.
 *
 * Payloads: the request produced at index `i` carries `id = i`; the response
 * produced at index `i` carries `id = ~i` (as a uint32), so a slot read from
 * the wrong index or a response taken for a request shows in the payload.
 *
 * @see xen/include/public/io/ring.h
 */
import { defineModel, type Invariant, type Rule } from './core.js';
import { defineParams, intParam, isPowerOfTwo, type ParamsOfSpace } from './params.js';
import { NOTIFY, NR_UNCONSUMED_REQUESTS, NR_UNCONSUMED_RESPONSES, RING_FULL, idxAdd, idxSub } from './idx32.js';
import { array, int, record, type Shape } from './shape.js';
import { ringViews } from './views/ring.js';

// --- parameters

export const ringApiParams = defineParams({
  ringSize: intParam({ default: 4, min: 1, max: 64, doc: 'RING_SIZE, slots in the ring (power of two: __RD32 of the page)', check: isPowerOfTwo }),
  messages: intParam({ default: 6, min: 1, max: 64, doc: 'requests the frontend produces in all (bounds the state space)' }),
  startIndex: intParam({
    default: 0,
    min: 0,
    max: 0xffffffff,
    doc: 'RING_IDX the rings are attached at (FRONT_RING_ATTACH/BACK_RING_ATTACH _i); 4294967294 crosses 2^32',
  }),
});
export type RingApiParams = ParamsOfSpace<typeof ringApiParams>;

// --- state

/** The shared page, both private structs, the slots and which side has attached. */
export interface RingApiState {
  /** FRONT_RING_INIT done (the frontend initialised the shared page and its front ring). */
  readonly front: number;
  /** BACK_RING_INIT done. */
  readonly back: number;
  // struct __name##_sring
  readonly req_prod: number;
  readonly req_event: number;
  readonly rsp_prod: number;
  readonly rsp_event: number;
  // struct __name##_front_ring
  readonly req_prod_pvt: number;
  readonly rsp_cons: number;
  // struct __name##_back_ring
  readonly rsp_prod_pvt: number;
  readonly req_cons: number;
  /** `sring->ring[i]`: the `id` of the entry last written to slot i (0: the zeroed page). */
  readonly slot: readonly number[];
}
type S = RingApiState;
type P = RingApiParams;
type R = Rule<S, P>;

/** The shape of a ring-api state (model/shape.ts): 32-bit RING_IDX values and slot payloads. */
export const ringApiShape = (p: P): Shape<S> => {
  const u32 = int(0, 0xffffffff);
  const state = record({
    front: int(0, 1), back: int(0, 1),
    req_prod: u32, req_event: u32, rsp_prod: u32, rsp_event: u32,
    req_prod_pvt: u32, rsp_cons: u32, rsp_prod_pvt: u32, req_cons: u32,
    slot: array(u32, p.ringSize),
  });
  return { state: state as unknown as Shape<S>['state'] };
};

export const ringApiInit = (p: P): S => ({
  front: 0, back: 0,
  req_prod: 0, req_event: 0, rsp_prod: 0, rsp_event: 0,
  req_prod_pvt: 0, rsp_cons: 0, rsp_prod_pvt: 0, req_cons: 0,
  slot: new Array<number>(p.ringSize).fill(0),
});

/** The payload of the request produced at index i. */
export const requestId = (i: number): number => i >>> 0;
/** The payload of the response produced at index i. */
export const responseId = (i: number): number => ~i >>> 0;

const mask = (p: P, i: number): number => i & (p.ringSize - 1);
const attached = (s: S): boolean => s.front === 1 && s.back === 1;
/** XEN_RING_NR_UNCONSUMED_REQUESTS on the back ring. */
export const unconsumedRequests = (s: S, p: P): number => NR_UNCONSUMED_REQUESTS(p.ringSize, s.req_prod, s.req_cons, s.rsp_prod_pvt);
/** XEN_RING_NR_UNCONSUMED_RESPONSES on the front ring. */
export const unconsumedResponses = (s: S): number => NR_UNCONSUMED_RESPONSES(s.rsp_prod, s.rsp_cons);
/** RING_FULL on the front ring. */
export const ringFull = (s: S, p: P): boolean => RING_FULL(p.ringSize, s.req_prod_pvt, s.rsp_cons);
/** Requests the frontend produced so far. */
export const produced = (s: S, p: P): number => idxSub(s.req_prod_pvt, p.startIndex);

// --- the calls of the frontend

export const FRONT_RING_INIT: R = {
  name: 'FRONT_RING_INIT', actor: 'frontend',
  doc: 'startIndex 0: SHARED_RING_INIT (indices 0, req_event = rsp_event = 1) then FRONT_RING_INIT; other startIndex: FRONT_RING_ATTACH(startIndex) to a quiescent page that has carried startIndex messages (indices at startIndex, req_event = rsp_event = startIndex + 1)',
  see: 'ring.h SHARED_RING_INIT, FRONT_RING_INIT, FRONT_RING_ATTACH',
  when: (s) => s.front === 0,
  then: (d, _s, p) => {
    d.front = 1;
    d.req_prod = d.rsp_prod = p.startIndex;
    d.req_event = d.rsp_event = idxAdd(p.startIndex, 1);
    d.req_prod_pvt = d.rsp_cons = p.startIndex;
  },
};
export const BACK_RING_INIT: R = {
  name: 'BACK_RING_INIT', actor: 'backend',
  doc: 'BACK_RING_ATTACH(startIndex) to the page the frontend initialised',
  see: 'ring.h BACK_RING_ATTACH (BACK_RING_INIT is the startIndex 0 case)',
  when: (s) => s.front === 1 && s.back === 0,
  then: (d, _s, p) => {
    d.back = 1;
    d.rsp_prod_pvt = d.req_cons = p.startIndex;
  },
};
export const produce_request: R = {
  name: 'produce_request', actor: 'frontend',
  doc: 'fill RING_GET_REQUEST(req_prod_pvt) with id = req_prod_pvt, then req_prod_pvt++ (only if !RING_FULL)',
  see: 'ring.h RING_GET_REQUEST, RING_FULL',
  when: (s, p) => attached(s) && !ringFull(s, p) && produced(s, p) < p.messages,
  then: (d, s, p) => {
    d.slot[mask(p, s.req_prod_pvt)] = requestId(s.req_prod_pvt);
    d.req_prod_pvt = idxAdd(s.req_prod_pvt, 1);
  },
};
export const RING_PUSH_REQUESTS_AND_CHECK_NOTIFY: R = {
  name: 'RING_PUSH_REQUESTS_AND_CHECK_NOTIFY', actor: 'frontend',
  doc: 'req_prod = req_prod_pvt; notify = (RING_IDX)(__new - req_event) < (RING_IDX)(__new - __old)',
  see: 'ring.h RING_PUSH_REQUESTS_AND_CHECK_NOTIFY',
  when: attached,
  then: (d, s) => {
    d.req_prod = s.req_prod_pvt;
  },
};
export const RING_HAS_UNCONSUMED_RESPONSES: R = {
  name: 'RING_HAS_UNCONSUMED_RESPONSES', actor: 'frontend',
  doc: 'count = sring->rsp_prod - rsp_cons (no state change)',
  see: 'ring.h RING_HAS_UNCONSUMED_RESPONSES, XEN_RING_NR_UNCONSUMED_RESPONSES',
  when: attached,
  then: () => {},
};
export const consume_response: R = {
  name: 'consume_response', actor: 'frontend',
  doc: 'RING_COPY_RESPONSE at rsp_cons (observes the payload), then rsp_cons++ (only if RING_HAS_UNCONSUMED_RESPONSES)',
  see: 'ring.h RING_COPY_RESPONSE, RING_HAS_UNCONSUMED_RESPONSES',
  when: (s) => attached(s) && unconsumedResponses(s) > 0,
  then: (d, s) => {
    d.rsp_cons = idxAdd(s.rsp_cons, 1);
  },
};
export const RING_FINAL_CHECK_FOR_RESPONSES: R = {
  name: 'RING_FINAL_CHECK_FOR_RESPONSES', actor: 'frontend',
  doc: 'work_to_do = unconsumed responses; if none: rsp_event = rsp_cons + 1 and check again',
  see: 'ring.h RING_FINAL_CHECK_FOR_RESPONSES',
  when: attached,
  then: (d, s) => {
    if (unconsumedResponses(s) === 0) d.rsp_event = idxAdd(s.rsp_cons, 1);
  },
};
export const RING_FULL_CALL: R = {
  name: 'RING_FULL', actor: 'frontend',
  doc: 'full = RING_SIZE - (req_prod_pvt - rsp_cons) == 0 (no state change)',
  see: 'ring.h RING_FULL, RING_FREE_REQUESTS',
  when: attached,
  then: () => {},
};

// --- the calls of the backend

export const RING_HAS_UNCONSUMED_REQUESTS: R = {
  name: 'RING_HAS_UNCONSUMED_REQUESTS', actor: 'backend',
  doc: 'count = min(req_prod - req_cons, RING_SIZE - (req_cons - rsp_prod_pvt)) (no state change)',
  see: 'ring.h RING_HAS_UNCONSUMED_REQUESTS, XEN_RING_NR_UNCONSUMED_REQUESTS',
  when: attached,
  then: () => {},
};
export const consume_request: R = {
  name: 'consume_request', actor: 'backend',
  doc: 'RING_COPY_REQUEST at req_cons (observes the payload), then req_cons++ (only if RING_HAS_UNCONSUMED_REQUESTS)',
  see: 'ring.h RING_COPY_REQUEST, RING_HAS_UNCONSUMED_REQUESTS',
  when: (s, p) => attached(s) && unconsumedRequests(s, p) > 0,
  then: (d, s) => {
    d.req_cons = idxAdd(s.req_cons, 1);
  },
};
export const produce_response: R = {
  name: 'produce_response', actor: 'backend',
  doc: 'fill RING_GET_RESPONSE(rsp_prod_pvt) with id = ~rsp_prod_pvt, then rsp_prod_pvt++ (only for a consumed request)',
  see: 'ring.h RING_GET_RESPONSE',
  when: (s) => attached(s) && s.rsp_prod_pvt !== s.req_cons,
  then: (d, s, p) => {
    d.slot[mask(p, s.rsp_prod_pvt)] = responseId(s.rsp_prod_pvt);
    d.rsp_prod_pvt = idxAdd(s.rsp_prod_pvt, 1);
  },
};
export const RING_PUSH_RESPONSES_AND_CHECK_NOTIFY: R = {
  name: 'RING_PUSH_RESPONSES_AND_CHECK_NOTIFY', actor: 'backend',
  doc: 'rsp_prod = rsp_prod_pvt; notify = (RING_IDX)(__new - rsp_event) < (RING_IDX)(__new - __old)',
  see: 'ring.h RING_PUSH_RESPONSES_AND_CHECK_NOTIFY',
  when: attached,
  then: (d, s) => {
    d.rsp_prod = s.rsp_prod_pvt;
  },
};
export const RING_FINAL_CHECK_FOR_REQUESTS: R = {
  name: 'RING_FINAL_CHECK_FOR_REQUESTS', actor: 'backend',
  doc: 'work_to_do = unconsumed requests; if none: req_event = req_cons + 1 and check again',
  see: 'ring.h RING_FINAL_CHECK_FOR_REQUESTS',
  when: attached,
  then: (d, s, p) => {
    if (unconsumedRequests(s, p) === 0) d.req_event = idxAdd(s.req_cons, 1);
  },
};

export const ringApiRules: readonly R[] = [
  FRONT_RING_INIT, BACK_RING_INIT,
  produce_request, RING_PUSH_REQUESTS_AND_CHECK_NOTIFY, RING_HAS_UNCONSUMED_RESPONSES, consume_response,
  RING_FINAL_CHECK_FOR_RESPONSES, RING_FULL_CALL,
  RING_HAS_UNCONSUMED_REQUESTS, consume_request, produce_response, RING_PUSH_RESPONSES_AND_CHECK_NOTIFY,
  RING_FINAL_CHECK_FOR_REQUESTS,
];

// --- what a call returns

/** The value a call returns, by the name the vectors give it (none for calls that return nothing). */
export type RingApiReturn =
  | { readonly notify: boolean }
  | { readonly count: number }
  | { readonly work_to_do: number }
  | { readonly payload: number }
  | { readonly full: boolean }
  | Record<string, never>;

/**
 * What an implementation must observe after a call: the returned value, the
 * four indices of the shared page and the two private indices of the side that
 * made the call. `pre` and `post` are the model states around the call.
 */
export function ringApiObserve(rule: string, pre: S, post: S, p: P): Record<string, number | boolean> {
  const shared = { req_prod: post.req_prod, req_event: post.req_event, rsp_prod: post.rsp_prod, rsp_event: post.rsp_event };
  const front = { req_prod_pvt: post.req_prod_pvt, rsp_cons: post.rsp_cons };
  const back = { rsp_prod_pvt: post.rsp_prod_pvt, req_cons: post.req_cons };
  switch (rule) {
    case 'FRONT_RING_INIT':
    case 'produce_request':
      return { ...shared, ...front };
    case 'RING_PUSH_REQUESTS_AND_CHECK_NOTIFY':
      return { notify: NOTIFY(post.req_prod, pre.req_prod, post.req_event), ...shared, ...front };
    case 'RING_HAS_UNCONSUMED_RESPONSES':
      return { count: unconsumedResponses(post), ...shared, ...front };
    case 'consume_response':
      return { payload: pre.slot[mask(p, pre.rsp_cons)]!, ...shared, ...front };
    case 'RING_FINAL_CHECK_FOR_RESPONSES':
      return { work_to_do: unconsumedResponses(post), ...shared, ...front };
    case 'RING_FULL':
      return { full: ringFull(post, p), ...shared, ...front };
    case 'BACK_RING_INIT':
    case 'produce_response':
      return { ...shared, ...back };
    case 'RING_HAS_UNCONSUMED_REQUESTS':
      return { count: unconsumedRequests(post, p), ...shared, ...back };
    case 'consume_request':
      return { payload: pre.slot[mask(p, pre.req_cons)]!, ...shared, ...back };
    case 'RING_PUSH_RESPONSES_AND_CHECK_NOTIFY':
      return { notify: NOTIFY(post.rsp_prod, pre.rsp_prod, post.rsp_event), ...shared, ...back };
    case 'RING_FINAL_CHECK_FOR_REQUESTS':
      return { work_to_do: unconsumedRequests(post, p), ...shared, ...back };
    default:
      throw new Error(`ring-api: no observation for call ${rule}`);
  }
}

/** The arguments of a call (what the caller passes in): the payload it writes, the index it attaches at. */
export function ringApiArgs(rule: string, pre: S, p: P): Record<string, number> | undefined {
  switch (rule) {
    case 'FRONT_RING_INIT':
      return { start_index: p.startIndex, ring_size: p.ringSize };
    case 'BACK_RING_INIT':
      return { start_index: p.startIndex };
    case 'produce_request':
      return { payload: requestId(pre.req_prod_pvt) };
    case 'produce_response':
      return { payload: responseId(pre.rsp_prod_pvt) };
    default:
      return undefined;
  }
}

// --- invariants: what the API promises a well-behaved pair of callers

const off = (a: number, b: number): number => idxSub(a, b);

export const NO_OVERFLOW: Invariant<S, P> = {
  name: 'no_overflow',
  description: 'req_prod_pvt - rsp_cons <= RING_SIZE (RING_IDX arithmetic): the frontend never has more requests outstanding than slots',
  see: 'ring.h RING_FULL, RING_REQUEST_PROD_OVERFLOW',
  holds: (s, p) => !attached(s) || off(s.req_prod_pvt, s.rsp_cons) <= p.ringSize,
};
export const ORDERED: Invariant<S, P> = {
  name: 'indices_ordered',
  description: 'rsp_cons <= rsp_prod <= rsp_prod_pvt <= req_cons <= req_prod <= req_prod_pvt, as distances from rsp_cons modulo 2^32',
  see: 'ring.h RING_REQUEST_CONS_OVERFLOW, RING_RESPONSE_PROD_OVERFLOW',
  holds: (s) => {
    if (!attached(s)) return true;
    const b = s.rsp_cons;
    const chain = [s.rsp_prod, s.rsp_prod_pvt, s.req_cons, s.req_prod, s.req_prod_pvt].map((x) => off(x, b));
    return chain.every((x, i) => i === 0 || chain[i - 1]! <= x);
  },
};

export const ringApiInvariants = [NO_OVERFLOW, ORDERED] as const;

/** Every request answered and consumed: a fine place to stop. */
export const ringApiDone = (s: S, p: P): boolean =>
  attached(s) && produced(s, p) === p.messages && s.req_prod === s.req_prod_pvt && s.req_cons === s.req_prod &&
  s.rsp_prod_pvt === s.req_cons && s.rsp_prod === s.rsp_prod_pvt && s.rsp_cons === s.rsp_prod;

// --- what the vector generator records (conformance/hooks.ts reads these)

/** A transition the boundary suites look for (structurally conformance/hooks.ts Boundary). */
interface RingApiBoundary {
  readonly name: string;
  readonly reason: string;
  readonly hits: (x: { rule: string; pre: S; post: S; obs: Readonly<Record<string, unknown>> }, p: P) => boolean;
  readonly params?: (p: P) => P;
}

/** The parameters the 2^32 crossings are searched at when the user's do not reach them. */
export const wrapParams = (p: P): P => ({ ...p, startIndex: 0xfffffffe, messages: Math.max(p.messages, 2) });

/** Event index `e` is at or behind index `i` (RING_IDX: `i - e` below 2^31). */
const behind = (e: number, i: number): boolean => idxSub(i, e) < 0x80000000;

const INDICES = ['req_prod', 'req_event', 'rsp_prod', 'rsp_event', 'req_prod_pvt', 'rsp_cons', 'rsp_prod_pvt', 'req_cons'] as const;

/** The boundary suites a driver author needs: ring full, notify true and false, final checks with and without work, each index crossing 2^32. */
export const ringApiBoundaries: readonly RingApiBoundary[] = [
  { name: 'ring-full', reason: 'the frontend fills every slot: RING_FULL returns true',
    hits: (x) => x.rule === 'RING_FULL' && x.obs.full === true },
  { name: 'ring-not-full', reason: 'RING_FULL returns false on an attached ring',
    hits: (x) => x.rule === 'RING_FULL' && x.obs.full === false },
  { name: 'slot-reuse', reason: 'a request is produced into a slot a response was written to (req_prod_pvt - startIndex == RING_SIZE)',
    hits: (x, p) => x.rule === 'produce_request' && produced(x.pre, p) === p.ringSize },
  { name: 'ring-full-across-slot-end', reason: 'RING_FULL returns true with the outstanding requests wrapping the slot array (MASK(rsp_cons) != 0): the ring index wrapped',
    hits: (x, p) => x.rule === 'RING_FULL' && x.obs.full === true && mask(p, x.post.rsp_cons) !== 0 },
  { name: 'req-notify-true', reason: 'RING_PUSH_REQUESTS_AND_CHECK_NOTIFY with req_event in (__old, __new]: notify',
    hits: (x) => x.rule === 'RING_PUSH_REQUESTS_AND_CHECK_NOTIFY' && x.obs.notify === true },
  { name: 'req-notify-false', reason: 'RING_PUSH_REQUESTS_AND_CHECK_NOTIFY with req_event outside (__old, __new]: no notify',
    hits: (x) => x.rule === 'RING_PUSH_REQUESTS_AND_CHECK_NOTIFY' && x.obs.notify === false && x.pre.req_prod !== x.post.req_prod },
  { name: 'rsp-notify-true', reason: 'RING_PUSH_RESPONSES_AND_CHECK_NOTIFY with rsp_event in (__old, __new]: notify',
    hits: (x) => x.rule === 'RING_PUSH_RESPONSES_AND_CHECK_NOTIFY' && x.obs.notify === true },
  { name: 'rsp-notify-false', reason: 'RING_PUSH_RESPONSES_AND_CHECK_NOTIFY with rsp_event outside (__old, __new]: no notify',
    hits: (x) => x.rule === 'RING_PUSH_RESPONSES_AND_CHECK_NOTIFY' && x.obs.notify === false && x.pre.rsp_prod !== x.post.rsp_prod },
  { name: 'final-check-requests-work', reason: 'RING_FINAL_CHECK_FOR_REQUESTS finds work (req_event untouched)',
    hits: (x) => x.rule === 'RING_FINAL_CHECK_FOR_REQUESTS' && (x.obs.work_to_do as number) > 0 },
  { name: 'final-check-requests-no-work', reason: 'RING_FINAL_CHECK_FOR_REQUESTS finds no work after consuming: req_event = req_cons + 1',
    hits: (x) => x.rule === 'RING_FINAL_CHECK_FOR_REQUESTS' && x.obs.work_to_do === 0 && x.pre.req_event !== x.post.req_event },
  { name: 'final-check-responses-work', reason: 'RING_FINAL_CHECK_FOR_RESPONSES finds work (rsp_event untouched)',
    hits: (x) => x.rule === 'RING_FINAL_CHECK_FOR_RESPONSES' && (x.obs.work_to_do as number) > 0 },
  { name: 'final-check-responses-no-work', reason: 'RING_FINAL_CHECK_FOR_RESPONSES finds no work after consuming: rsp_event = rsp_cons + 1',
    hits: (x) => x.rule === 'RING_FINAL_CHECK_FOR_RESPONSES' && x.obs.work_to_do === 0 && x.pre.rsp_event !== x.post.rsp_event },
  // an event index more than a ring behind (messages > RING_SIZE): `req_event = req_cons + 1`, not `req_event + 1`;
  // and a final check that finds work leaves a stale event index alone
  { name: 'final-check-requests-work-event-behind', reason: 'RING_FINAL_CHECK_FOR_REQUESTS finds work while req_event is at or behind req_cons: req_event stays where it is',
    hits: (x) => x.rule === 'RING_FINAL_CHECK_FOR_REQUESTS' && (x.obs.work_to_do as number) > 0 && behind(x.pre.req_event, x.pre.req_cons) },
  { name: 'final-check-responses-work-event-behind', reason: 'RING_FINAL_CHECK_FOR_RESPONSES finds work while rsp_event is at or behind rsp_cons: rsp_event stays where it is',
    hits: (x) => x.rule === 'RING_FINAL_CHECK_FOR_RESPONSES' && (x.obs.work_to_do as number) > 0 && behind(x.pre.rsp_event, x.pre.rsp_cons) },
  { name: 'final-check-requests-no-work-lap', reason: 'RING_FINAL_CHECK_FOR_REQUESTS finds no work with req_event more than a ring behind: req_event = req_cons + 1 moves it by more than RING_SIZE',
    hits: (x, p) => x.rule === 'RING_FINAL_CHECK_FOR_REQUESTS' && x.obs.work_to_do === 0 && idxSub(x.post.req_event, x.pre.req_event) > p.ringSize },
  { name: 'final-check-responses-no-work-lap', reason: 'RING_FINAL_CHECK_FOR_RESPONSES finds no work with rsp_event more than a ring behind: rsp_event = rsp_cons + 1 moves it by more than RING_SIZE',
    hits: (x, p) => x.rule === 'RING_FINAL_CHECK_FOR_RESPONSES' && x.obs.work_to_do === 0 && idxSub(x.post.rsp_event, x.pre.rsp_event) > p.ringSize },
  // the macros' RING_IDX arithmetic where the values compared lie on both sides of 2^32 (searched at startIndex
  // 4294967294): an implementation comparing indices as plain numbers, or subtracting in wider integers, fails here
  { name: 'ring-full-across-2^32', reason: 'RING_FULL returns true with req_prod_pvt past 2^32 and rsp_cons below it',
    hits: (x) => x.rule === 'RING_FULL' && x.obs.full === true && x.post.req_prod_pvt < x.post.rsp_cons,
    params: wrapParams },
  { name: 'req-notify-true-across-2^32', reason: 'RING_PUSH_REQUESTS_AND_CHECK_NOTIFY notifies with (__old, __new] across 2^32',
    hits: (x) => x.rule === 'RING_PUSH_REQUESTS_AND_CHECK_NOTIFY' && x.obs.notify === true && x.post.req_prod < x.pre.req_prod,
    params: wrapParams },
  { name: 'req-notify-false-across-2^32', reason: 'RING_PUSH_REQUESTS_AND_CHECK_NOTIFY publishes past 2^32 with a stale req_event below it: no notify',
    hits: (x) => x.rule === 'RING_PUSH_REQUESTS_AND_CHECK_NOTIFY' && x.obs.notify === false && x.pre.req_prod !== x.post.req_prod && x.post.req_event > x.post.req_prod,
    params: wrapParams },
  { name: 'rsp-notify-true-across-2^32', reason: 'RING_PUSH_RESPONSES_AND_CHECK_NOTIFY notifies with (__old, __new] across 2^32',
    hits: (x) => x.rule === 'RING_PUSH_RESPONSES_AND_CHECK_NOTIFY' && x.obs.notify === true && x.post.rsp_prod < x.pre.rsp_prod,
    params: wrapParams },
  { name: 'rsp-notify-false-across-2^32', reason: 'RING_PUSH_RESPONSES_AND_CHECK_NOTIFY publishes past 2^32 with a stale rsp_event below it: no notify',
    hits: (x) => x.rule === 'RING_PUSH_RESPONSES_AND_CHECK_NOTIFY' && x.obs.notify === false && x.pre.rsp_prod !== x.post.rsp_prod && x.post.rsp_event > x.post.rsp_prod,
    params: wrapParams },
  { name: 'unconsumed-requests-across-2^32', reason: 'RING_HAS_UNCONSUMED_REQUESTS counts requests with req_prod past 2^32 and req_cons below it',
    hits: (x) => x.rule === 'RING_HAS_UNCONSUMED_REQUESTS' && (x.obs.count as number) > 0 && x.post.req_prod < x.post.req_cons,
    params: wrapParams },
  { name: 'unconsumed-responses-across-2^32', reason: 'RING_HAS_UNCONSUMED_RESPONSES counts responses with rsp_prod past 2^32 and rsp_cons below it',
    hits: (x) => x.rule === 'RING_HAS_UNCONSUMED_RESPONSES' && (x.obs.count as number) > 0 && x.post.rsp_prod < x.post.rsp_cons,
    params: wrapParams },
  ...INDICES.map((f): RingApiBoundary => ({
    name: `wrap-${f}`,
    reason: `${f} crosses 2^32 (RING_IDX wraps to 0)`,
    hits: (x) => x.pre.front === 1 && x.pre.back === 1 && x.post[f] < x.pre[f],
    params: wrapParams,
  })),
];

/** The vector hooks of ring-api (see conformance/hooks.ts): observation, call arguments, boundaries. */
export const ringApiVectors = {
  observe: (rule: string, pre: S, post: S, p: P) => ringApiObserve(rule, pre, post, p),
  args: (rule: string, pre: S, p: P) => ringApiArgs(rule, pre, p),
  boundaries: ringApiBoundaries,
};

export const ringApi = Object.assign(
  defineModel<S, P>({
  views: ringViews,
    name: 'ring-api',
    description: 'io/ring.h as a sequential API, one rule per macro call, 32-bit RING_IDX: the model conformance vectors come from',
    see: 'xen/include/public/io/ring.h; docs/vectors.md',
    params: ringApiParams,
    init: (p) => [ringApiInit(p)],
    shape: ringApiShape,
    rules: ringApiRules,
    invariants: ringApiInvariants,
    isValidEnd: ringApiDone,
  }),
  { vectors: ringApiVectors },
);
