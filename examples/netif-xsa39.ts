/**
 * XSA-39 (CVE-2013-0216), against netback as it runs: before the fix
 * ("xen/netback: shutdown the ring if it contains garbage", 48856286)
 * xenvif_tx_build_gops trusted req_prod, and netbk_count_requests followed
 * NETTXF_more_data with no bound from the work on the ring. A frontend that
 * writes an impossible req_prod makes netback read slots nobody published
 * (and, with the ring's min() gone, loop over them). The fix: "Impossible
 * number of requests" (req_prod - req_cons > XEN_NETIF_TX_RING_SIZE, fatal)
 * and "Asked for %d slots but exceeds this limit" (slots >= work_to_do,
 * fatal). This variant has neither.
 *
 * @pvcheck catalogue X-1 XSA-39 CVE-2013-0216
 * @pvcheck check -p frontend=hostile -p packets=1 -p maxSlots=1 -p ringSize=4 -p gso=off
 * @pvcheck expect violation B_no_impossible_req_prod in 2 steps
 * @pvcheck check -p frontend=honest -p packets=1 -p maxSlots=1 -p ringSize=4 -p gso=off
 * @pvcheck expect ok
 * @pvcheck fixed-by netif-tx
 */
import { deriveModel, withDefaults, netifModel } from 'pvcheck';
const { backendRules, honestBackend, netifTx } = netifModel;

const changed = backendRules({ ...honestBackend, reqProdCheck: false });

export default deriveModel(netifTx, {
  name: 'netif-xsa39',
  params: withDefaults(netifTx.params, { packets: 2 }), // the bounds the header was written at
  description: 'netback without the req_prod and work_to_do checks (before XSA-39)',
  see: 'XSA-39; drivers/net/xen-netback/netback.c xenvif_tx_build_gops, xenvif_count_requests',
  replace: { xenvif_tx_build_gops: changed.find((r) => r.name === 'xenvif_tx_build_gops')! },
});
