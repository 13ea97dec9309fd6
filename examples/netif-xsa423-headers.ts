/**
 * XSA-423 (CVE-2022-3643): netback copied at most the first slot into the
 * skb's linear area, so a guest that split the protocol headers over slots
 * left them in the mapped fragments, which some NICs cannot handle. The fix
 * (ad7f402ae4f4) computes data_len from the whole packet before counting the
 * slots and copies it from as many slots as it takes. This variant copies
 * from the first fragment only (and has no XSA-432 line, which came later).
 *
 * @pvcheck catalogue X-16 XSA-423 CVE-2022-3643
 * @pvcheck check -p frontend=any -p packets=1 -p maxSlots=2 -p ringSize=4
 * @pvcheck expect violation B_headers_in_linear_area in 3 steps
 * @pvcheck fixed-by netif-tx
 */
import { deriveModel, withDefaults, netifModel } from 'pvcheck';
const { backendRules, honestBackend, netifTx } = netifModel;

const changed = backendRules({ ...honestBackend, copyHeadersAcrossSlots: false, xsa432: false });
const rule = (n: string) => changed.find((r) => r.name === n)!;

export default deriveModel(netifTx, {
  name: 'netif-xsa423-headers',
  params: withDefaults(netifTx.params, { packets: 2 }), // the bounds the header was written at
  description: 'netback copies the header from the first slot only (before XSA-423)',
  replace: { xenvif_tx_build_gops: rule('xenvif_tx_build_gops'), xenvif_get_requests: rule('xenvif_get_requests') },
});
