/**
 * XSA-432 (CVE-2023-34319): after the XSA-423 fix, a packet using
 * XEN_NETBK_LEGACY_SLOTS_MAX - 1 or more fragments whose first fragment is
 * larger than the header copy leaves one fragment more than the skb (and the
 * frag_list skb netback sized from the slot count) can hold. The fix copies
 * the whole first fragment then. This variant removes that line. Linux's own
 * netfront sends such packets (a head larger than the copy length, then
 * XEN_NETIF_NR_SLOTS_MIN - 1 fragments).
 *
 * @pvcheck catalogue X-18 XSA-432 CVE-2023-34319
 * @pvcheck check -p packets=1 -p ringSize=4
 * @pvcheck expect violation B_frags_fit_skb in 3 steps
 * @pvcheck fixed-by netif-tx
 */
import { deriveModel, withDefaults, netifModel } from 'pvcheck';
const { backendRules, honestBackend, netifTx } = netifModel;

const changed = backendRules({ ...honestBackend, xsa432: false });
const rule = (n: string) => changed.find((r) => r.name === n)!;

export default deriveModel(netifTx, {
  name: 'netif-xsa432-frags',
  params: withDefaults(netifTx.params, { packets: 2 }), // the bounds the header was written at
  description: 'netback without the XSA-432 line data_len = txreq.size',
  replace: { xenvif_tx_build_gops: rule('xenvif_tx_build_gops'), xenvif_get_requests: rule('xenvif_get_requests') },
});
