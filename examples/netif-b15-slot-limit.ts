/**
 * B-15: netif.h makes XEN_NETIF_NR_SLOTS_MIN the number of slots "any new
 * backend ... should expect frontend to send a valid packet using"; a backend
 * whose limit is below it drops (or, older, kills the vif for) packets Linux's
 * netfront sends. This variant's XEN_NETBK_LEGACY_SLOTS_MAX is two below
 * XEN_NETIF_NR_SLOTS_MIN (netback accepts one slot more than its limit).
 *
 * @pvcheck catalogue B-15
 * @pvcheck check -p packets=1 -p ringSize=4
 * @pvcheck expect violation B_accepts_honest_packets in 2 steps
 * @pvcheck fixed-by netif-tx
 */
import { deriveModel, withDefaults, netifModel } from 'pvcheck';
const { backendRules, honestBackend, netifTx } = netifModel;

const changed = backendRules({ ...honestBackend, legacySlotsMax: (p) => p.slotsMin - 2 });
const rule = (n: string) => changed.find((r) => r.name === n)!;

export default deriveModel(netifTx, {
  name: 'netif-b15-slot-limit',
  params: withDefaults(netifTx.params, { packets: 2 }), // the bounds the header was written at
  description: 'netback slot limit below XEN_NETIF_NR_SLOTS_MIN',
  replace: { xenvif_tx_build_gops: rule('xenvif_tx_build_gops'), xenvif_get_requests: rule('xenvif_get_requests') },
});
