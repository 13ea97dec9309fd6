/**
 * A frontend that produces without checking RING_FULL: the ring-api variant
 * whose counterexample (no_overflow, 3 requests outstanding on a 2-slot ring)
 * docs/vectors.md turns into a regression vector and replays in the C harness.
 * A misbehaving frontend like this is what the backend's
 * RING_REQUEST_PROD_OVERFLOW check in ring.h exists for.
 */
import { deriveModel, ruleOf } from '../../model/core.js';
import { ringApi, produced } from '../../model/ringApi.js';

export default deriveModel(ringApi, {
  name: 'ring-api-no-full-check',
  description: 'produce_request without the RING_FULL precondition',
  replace: {
    produce_request: {
      ...ruleOf(ringApi, 'produce_request'),
      doc: 'fill RING_GET_REQUEST(req_prod_pvt), req_prod_pvt++, whether or not RING_FULL',
      when: (s, p) => s.front === 1 && s.back === 1 && produced(s, p) < p.messages,
    },
  },
});
