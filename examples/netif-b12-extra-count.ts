/**
 * B-12: xenvif_tx_err answers the first slot of a dropped packet with ERROR
 * and its extra-info slots with XEN_NETIF_RSP_NULL, then every other slot
 * with ERROR; "only the first frag can have extras", so extra_count is reset
 * after the first. This variant keeps it: each fragment's ERROR response is
 * followed by NULLs for extras it does not have, and netback answers more
 * slots than it consumed.
 *
 * @pvcheck catalogue B-12
 * @pvcheck check -p frontend=any -p packets=1 -p maxSlots=2 -p ringSize=4
 * @pvcheck expect violation B_responses_match_slots in 2 steps
 * @pvcheck fixed-by netif-tx
 */
import { deriveModel, withDefaults, netifModel } from 'pvcheck';
const { backendRules, honestBackend, netifTx } = netifModel;

const changed = backendRules({ ...honestBackend, txErrResetsExtraCount: false });
const rule = (n: string) => changed.find((r) => r.name === n)!;

export default deriveModel(netifTx, {
  name: 'netif-b12-extra-count',
  params: withDefaults(netifTx.params, { packets: 2 }), // the bounds the header was written at
  description: 'netback xenvif_tx_err without extra_count = 0 after the first slot',
  replace: { xenvif_tx_build_gops: rule('xenvif_tx_build_gops'), xenvif_get_requests: rule('xenvif_get_requests') },
});
