/**
 * The adapter that runs ring-api vectors on the independent implementation of
 * conformance/impl/ring.ts: the example to copy when writing an adapter for
 * another ring implementation (docs/vectors.md).
 */
import type { Adapter, Observation } from '../adapter.js';
import type { Json, Vector, VectorStep } from '../format.js';
import { RingImpl, type RingBug } from './ring.js';

const num = (v: Json | undefined, what: string): number => {
  if (typeof v !== 'number') throw new Error(`${what} must be a number`);
  return v;
};

export function ringImplAdapter(bug: RingBug = 'none'): Adapter & { readonly impl: () => RingImpl | undefined } {
  let r: RingImpl | undefined;
  let start = 0;
  const front = (extra: Observation = {}): Observation => {
    const p = r!.page;
    return { ...extra, req_prod: p.req_prod, req_event: p.req_event, rsp_prod: p.rsp_prod, rsp_event: p.rsp_event, req_prod_pvt: r!.req_prod_pvt, rsp_cons: r!.rsp_cons };
  };
  const back = (extra: Observation = {}): Observation => {
    const p = r!.page;
    return { ...extra, req_prod: p.req_prod, req_event: p.req_event, rsp_prod: p.rsp_prod, rsp_event: p.rsp_event, rsp_prod_pvt: r!.rsp_prod_pvt, req_cons: r!.req_cons };
  };
  return {
    impl: () => r,
    reset(v: Vector) {
      r = new RingImpl(num(v.params.ringSize, 'params.ringSize'), bug);
      start = num(v.params.startIndex, 'params.startIndex');
    },
    apply(s: VectorStep): Observation {
      if (!r) throw new Error('apply before reset');
      switch (s.call) {
        case 'FRONT_RING_INIT':
          r.frontInit(start);
          return front();
        case 'BACK_RING_INIT':
          r.backInit(start);
          return back();
        case 'produce_request':
          r.produceRequest(num(s.args?.payload, 'args.payload'));
          return front();
        case 'RING_PUSH_REQUESTS_AND_CHECK_NOTIFY':
          return front({ notify: r.pushRequests() });
        case 'RING_HAS_UNCONSUMED_RESPONSES':
          return front({ count: r.unconsumedResponses() });
        case 'consume_response':
          return front({ payload: r.consumeResponse() });
        case 'RING_FINAL_CHECK_FOR_RESPONSES':
          return front({ work_to_do: r.finalCheckResponses() });
        case 'RING_FULL':
          return front({ full: r.full() });
        case 'RING_HAS_UNCONSUMED_REQUESTS':
          return back({ count: r.unconsumedRequests() });
        case 'consume_request':
          return back({ payload: r.consumeRequest() });
        case 'produce_response':
          r.produceResponse(num(s.args?.payload, 'args.payload'));
          return back();
        case 'RING_PUSH_RESPONSES_AND_CHECK_NOTIFY':
          return back({ notify: r.pushResponses() });
        case 'RING_FINAL_CHECK_FOR_REQUESTS':
          return back({ work_to_do: r.finalCheckRequests() });
        default:
          throw new Error(`unknown call ${s.call}`);
      }
    },
  };
}
