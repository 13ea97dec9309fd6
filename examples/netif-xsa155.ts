/**
 * XSA-155 (CVE-2015-8550), against netback as it runs: xenvif_count_requests
 * copies each fragment (RING_COPY_REQUEST into txfrags[]) and validates the
 * copy; xenvif_get_requests then builds the skb from the copies. A backend
 * that re-reads a fragment from the shared ring to use it (the double fetch
 * the XSA fixed) uses a size the frontend rewrote after validation.
 *
 * @pvcheck catalogue X-2 XSA-155 CVE-2015-8550
 * @pvcheck check -p frontend=hostile -p packets=1 -p maxSlots=2 -p ringSize=8 -p slotsMin=3 -p gso=off
 * @pvcheck expect violation B_uses_validated_request in 4 steps
 * @pvcheck check -p frontend=any -p packets=1 -p maxSlots=2 -p ringSize=8 -p slotsMin=3 -p gso=off
 * @pvcheck expect ok
 * @pvcheck fixed-by netif-tx
 */
import { deriveModel, withDefaults, netifModel } from 'pvcheck';
const { backendRules, honestBackend, netifTx } = netifModel;

const changed = backendRules({ ...honestBackend, usePrivateCopy: false });

export default deriveModel(netifTx, {
  name: 'netif-xsa155',
  params: withDefaults(netifTx.params, { packets: 2 }), // the bounds the header was written at
  description: 'netback re-reads the fragments from the shared ring in xenvif_get_requests (before XSA-155)',
  see: 'XSA-155; drivers/net/xen-netback/netback.c xenvif_count_requests, xenvif_get_requests; ring.h RING_COPY_REQUEST',
  replace: { xenvif_get_requests: changed.find((r) => r.name === 'xenvif_get_requests')! },
});
