/**
 * What the sequence charts need from the io/ring.h models (ring.ts, and
 * ringApi.ts whose rules are one macro call each): the shared ring page's
 * fields each macro reads or publishes, and the event-channel notifications
 * (notify_remote_via_evtchn) as arrows to the other end. The rx ring of the
 * tx/rx pair (rules prefixed `rx.`) is `rx ring page`.
 */
import type { ModelViews, RuleTouches } from '../core.js';
import { evtchnNotify, patternStep, type Pattern } from './patterns.js';

const page = (rx: string | undefined, field: string): string => `${rx ? 'rx ring page' : 'ring page'} ${field}`;
/** A macro of either ring: `name` with or without the rx ring's prefix. */
const P = (name: string, touches: (rx: string | undefined) => RuleTouches): Pattern => [new RegExp(`^(rx\\.)?${name}$`), (m) => touches(m[1])];

export const ringTable: readonly Pattern[] = [
  // SHARED_RING_INIT, FRONT_RING_INIT, BACK_RING_INIT (ring-api)
  P('(SHARED|FRONT|BACK)_RING_INIT', (rx) => ({ writes: [page(rx, '(initialised)')] })),
  // frontend (ring.h's front macros, netfront)
  P('produce_request', (rx) => ({ writes: [page(rx, 'request slot')] })),
  P('RING_PUSH_REQUESTS', (rx) => ({ writes: [page(rx, 'req_prod')] })),
  P('RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(\\.notify|\\.no_notify)?', (rx) => ({ writes: [page(rx, 'req_prod')], reads: [page(rx, 'req_event')] })),
  P('notify_remote_via_evtchn\\.front', () => ({ messages: evtchnNotify('backend') })),
  P('RING_HAS_UNCONSUMED_RESPONSES', (rx) => ({ reads: [page(rx, 'rsp_prod')] })),
  P('consume_response', (rx) => ({ reads: [page(rx, 'rsp_prod'), page(rx, 'response slot')] })),
  P('RING_COPY_RESPONSE', (rx) => ({ reads: [page(rx, 'response slot')] })),
  P('RING_FINAL_CHECK_FOR_RESPONSES\\.arm', (rx) => ({ writes: [page(rx, 'rsp_event')] })),
  P('RING_FINAL_CHECK_FOR_RESPONSES(\\.empty|\\.recheck_\\w+)?', (rx) => ({ reads: [page(rx, 'rsp_prod')], writes: [page(rx, 'rsp_event')] })),
  P('RING_FULL', (rx) => ({ reads: [page(rx, 'rsp_prod')] })),
  P('evtchn_upcall\\.(front|back)', () => ({ reads: ['evtchn'] })),
  // backend (ring.h's back macros, netback / blkback)
  P('RING_HAS_UNCONSUMED_REQUESTS', (rx) => ({ reads: [page(rx, 'req_prod')] })),
  P('consume_request', (rx) => ({ reads: [page(rx, 'req_prod'), page(rx, 'request slot')] })),
  P('RING_COPY_REQUEST', (rx) => ({ reads: [page(rx, 'request slot')] })),
  P('produce_response', (rx) => ({ writes: [page(rx, 'response slot')] })),
  P('RING_PUSH_RESPONSES', (rx) => ({ writes: [page(rx, 'rsp_prod')] })),
  P('RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(\\.notify|\\.no_notify)?', (rx) => ({ writes: [page(rx, 'rsp_prod')], reads: [page(rx, 'rsp_event')] })),
  P('notify_remote_via_evtchn\\.back', () => ({ messages: evtchnNotify('frontend') })),
  P('RING_FINAL_CHECK_FOR_REQUESTS\\.arm', (rx) => ({ writes: [page(rx, 'req_event')] })),
  P('RING_FINAL_CHECK_FOR_REQUESTS(\\.empty|\\.recheck_\\w+)?', (rx) => ({ reads: [page(rx, 'req_prod')], writes: [page(rx, 'req_event')] })),
  // the weak memory model's CPUs, and the hostile ends' writes to the page
  P('store_visible\\.(front|back)', (rx) => ({ writes: [page(rx, '(a buffered store)')] })),
  P('load_satisfied_early\\.(front|back)', (rx) => ({ reads: [page(rx, '(an early load)')] })),
  P('hostile_write\\.(front|back)', (rx) => ({ writes: [page(rx, '(any field)')] })),
];

export const ringViews: ModelViews = {
  actors: ['frontend', 'frontend-cpu', 'hostile-frontend', 'backend-cpu', 'backend', 'hostile-backend'],
  step: patternStep(ringTable),
};
