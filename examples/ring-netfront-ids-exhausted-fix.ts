/**
 * A fix for a netfront finding of the faithful ring model (docs/models/ring.md,
 * "A finding: netfront runs out of tx ids").
 *
 * netfront's xennet_tx_buf_gc skips a response whose status is
 * NETIF_RSP_NULL without looking at its id, so a backend that answers data
 * requests with NETIF_RSP_NULL moves rsp_cons on while the requests' ids stay
 * TX_PENDING. The ring then has free slots but the id free list is empty, and
 * xennet_start_xmit -> xennet_tx_setup_grant takes TX_LINK_NONE (0xffff) from
 * get_id_from_list and uses it as an index into tx_skbs[], grant_tx_ref[] and
 * tx_link[]. With a hostile backend the built-in ring reports
 * F_tx_id_from_free_list; this variant marks the device broken when the free
 * list is empty, and verifies.
 *
 * @pvcheck check -p backend=hostile -p ringSize=2 -p messages=3
 * @pvcheck expect ok
 */
import { deriveModel, ringModel } from 'pvcheck';
const { frontendRules, honestFrontend, ring } = ringModel;

const fixed = frontendRules(0, { ...honestFrontend, idsExhausted: 'broken' });

export default deriveModel(ring, {
  name: 'ring-netfront-ids-exhausted-fix',
  description: 'ring whose frontend marks the device broken instead of sending with id TX_LINK_NONE when the tx id free list is empty',
  see: 'drivers/net/xen-netfront.c xennet_tx_setup_grant, get_id_from_list, xennet_tx_buf_gc (XEN_NETIF_RSP_NULL)',
  replace: { produce_request: fixed.find((r) => r.name === 'produce_request')! },
});
