/**
 * XSA-155 (CVE-2015-8550): a double fetch. The backend validates a field of a
 * request in the shared slot, then reads the slot again to use it; a hostile
 * frontend rewrites the slot in between, and the backend uses a value it never
 * validated. The fix is RING_COPY_REQUEST: copy the request once into private
 * memory, validate and use the copy (the built-in ring does this).
 *
 * With the settings of the header below, pvcheck reports B_uses_validated_request (shortest counterexample); with an honest
 * frontend it verifies, and the built-in ring verifies against the hostile frontend.
 *
 * @pvcheck catalogue X-2 XSA-155 CVE-2015-8550
 * @pvcheck check -p frontend=hostile -p ringSize=2 -p messages=3
 * @pvcheck expect violation B_uses_validated_request in 7 steps
 * @pvcheck fixed-by ring
 */
import { deriveModel, ringModel } from 'pvcheck';
const { backendRules, honestBackend, ring } = ringModel;

const doubleFetch = backendRules(0, { ...honestBackend, copyRequest: false });
const pick = (n: string) => doubleFetch.find((r) => r.name === n)!;

export default deriveModel(ring, {
  name: 'ring-xsa155',
  description: 'ring whose backend validates the request in the shared slot and re-reads it to use it (XSA-155 double fetch)',
  see: 'XSA-155; xen/include/public/io/ring.h RING_COPY_REQUEST',
  // RING_COPY_REQUEST is the copy step of consume_request under weak memory.
  replace: { consume_request: pick('consume_request'), RING_COPY_REQUEST: pick('RING_COPY_REQUEST'), produce_response: pick('produce_response') },
});
