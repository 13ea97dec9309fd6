/**
 * XSA-155 (CVE-2015-8550): a double fetch. The backend validates a field of a
 * request in the shared slot, then reads the slot again to use it; a hostile
 * frontend rewrites the slot in between, and the backend uses a value it never
 * validated. The fix is RING_COPY_REQUEST: copy the request once into private
 * memory, validate and use the copy (the built-in ring does this).
 *
 *   node bin/pvcheck.mjs check examples/ring-xsa155.ts --param frontend=hostile --param ringSize=2 --param messages=2
 *
 * reports B_uses_validated_request (shortest counterexample); with an honest
 * frontend it verifies, and the built-in ring verifies against the hostile frontend.
 */
import { deriveModel } from '../model/core.js';
import { backendRules, honestBackend, ring } from '../model/ring.js';

const doubleFetch = backendRules(0, { ...honestBackend, copyRequest: false });
const pick = (n: string) => doubleFetch.find((r) => r.name === n)!;

export default deriveModel(ring, {
  name: 'ring-xsa155',
  description: 'ring whose backend validates the request in the shared slot and re-reads it to use it (XSA-155 double fetch)',
  see: 'XSA-155; xen/include/public/io/ring.h RING_COPY_REQUEST',
  // RING_COPY_REQUEST is the copy step of consume_request under weak memory.
  replace: { consume_request: pick('consume_request'), RING_COPY_REQUEST: pick('RING_COPY_REQUEST'), produce_response: pick('produce_response') },
});
