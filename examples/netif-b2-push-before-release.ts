/**
 * B-2 (Linux 7fbb9d84, "xen-netback: release pending index before pushing Tx
 * responses"): xenvif_idx_release pushed the response before putting the
 * pending index back. A frontend that fills the ring sees the response,
 * reuses the slot and posts a new request, and NAPI takes a pending slot for
 * it from a pending ring that is still empty: nr_pending_reqs exceeds
 * MAX_PENDING_REQS and a pending index still in use is handed out again.
 *
 * Linux's own netfront stops NET_TX_RING_SIZE - XEN_NETIF_NR_SLOTS_MIN - 1
 * slots early and never has enough slots in flight for this; a frontend that
 * fills the ring (stopAt=ring-full) does.
 *
 * @pvcheck catalogue B-2 7fbb9d84
 * @pvcheck check -p ringSize=4 -p packets=5 -p maxSlots=1 -p gso=off -p stopAt=ring-full
 * @pvcheck expect violation B_pending_within_MAX_PENDING_REQS in 20 steps
 * @pvcheck check -p ringSize=8 -p packets=2
 * @pvcheck expect ok
 * @pvcheck fixed-by netif-tx
 */
import { deriveModel, withDefaults, netifModel } from 'pvcheck';
const { backendRules, honestBackend, netifTx } = netifModel;

const old = backendRules({ ...honestBackend, releaseBeforePush: false });
const rule = (n: string) => old.find((r) => r.name === n)!;

export default deriveModel(netifTx, {
  name: 'netif-b2-push-before-release',
  params: withDefaults(netifTx.params, { packets: 2 }), // the bounds the header was written at
  description: 'netback xenvif_idx_release pushes the Tx response before it releases the pending index (before Linux 7fbb9d84)',
  see: 'B-2; drivers/net/xen-netback/netback.c xenvif_idx_release',
  replace: {
    'xenvif_idx_release.pending_release': rule('xenvif_idx_release.push_tx_responses'),
    'xenvif_idx_release.push_tx_responses': rule('xenvif_idx_release.pending_release'),
  },
});
