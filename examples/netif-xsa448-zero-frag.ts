/**
 * XSA-448 (CVE-2023-46838): netback put a zero-size fragment into the skb,
 * which the stack later dereferenced. The fix ("xen-netback: don't produce
 * zero-size SKB frags") answers such a slot at once with XEN_NETIF_RSP_OKAY.
 * This variant puts it into the skb.
 *
 * @pvcheck catalogue X-19 XSA-448 CVE-2023-46838
 * @pvcheck check -p frontend=any -p packets=1 -p maxSlots=2 -p ringSize=4
 * @pvcheck expect violation B_no_zero_size_frag in 3 steps
 * @pvcheck fixed-by netif-tx
 */
import { deriveModel, withDefaults, netifModel } from 'pvcheck';
const { backendRules, honestBackend, netifTx } = netifModel;

const changed = backendRules({ ...honestBackend, skipZeroFrags: false });
const rule = (n: string) => changed.find((r) => r.name === n)!;

export default deriveModel(netifTx, {
  name: 'netif-xsa448-zero-frag',
  params: withDefaults(netifTx.params, { packets: 2 }), // the bounds the header was written at
  description: 'netback makes a zero-size tx fragment an skb frag (before the XSA-448 fix)',
  replace: { xenvif_tx_build_gops: rule('xenvif_tx_build_gops'), xenvif_get_requests: rule('xenvif_get_requests') },
});
