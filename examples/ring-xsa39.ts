/**
 * XSA-39 (CVE-2013-0216): a backend that trusts req_prod. Before the fix,
 * netback consumed requests as long as RING_HAS_UNCONSUMED_REQUESTS said so; a
 * frontend that writes an impossible req_prod (more than RING_SIZE ahead of
 * what the backend answered, or behind req_cons) kept it looping over slots
 * that hold no request. The fix (netback's "Impossible number of requests",
 * blkback's RING_REQUEST_PROD_OVERFLOW) marks the ring broken and stops.
 * This variant removes the check.
 *
 * With the settings of the header below, pvcheck reports B_no_impossible_req_prod (shortest counterexample); with an honest
 * frontend it verifies, and the built-in ring (the fix) verifies against the
 * hostile frontend.
 *
 * @pvcheck catalogue X-1 XSA-39 CVE-2013-0216
 * @pvcheck check -p frontend=hostile -p ringSize=2 -p messages=3
 * @pvcheck expect violation B_no_impossible_req_prod in 2 steps
 * @pvcheck check -p frontend=honest -p ringSize=2 -p messages=3
 * @pvcheck expect ok
 * @pvcheck fixed-by ring
 */
import { deriveModel, ringModel } from 'pvcheck';
const { backendRules, honestBackend, ring } = ringModel;

const unchecked = backendRules(0, { ...honestBackend, checkReqProd: false });

export default deriveModel(ring, {
  name: 'ring-xsa39',
  description: 'ring whose backend does not check RING_REQUEST_PROD_OVERFLOW on req_prod (XSA-39)',
  see: 'XSA-39; drivers/net/xen-netback/netback.c (commit 48856286b64e "xen/netback: shutdown the ring if it contains garbage")',
  replace: { consume_request: unchecked.find((r) => r.name === 'consume_request')! },
});
