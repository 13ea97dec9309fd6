/**
 * The fix of a finding in Linux 6.12's netback (docs/models/netif.md, "A
 * finding"): in xenvif_get_requests, the loop that fills the frag_list skb
 * skips a zero-size fragment with `continue`, which advances `txp` but not
 * the count of slots left, so it reads txfrags[] past the packet (past the
 * array when the packet has XEN_NETBK_LEGACY_SLOTS_MAX + 1 data slots) and
 * builds a frag from whatever is there. The built-in netif-tx shows it with
 * `-p frontend=any -p maxSlots=3` (B_frags_fit_skb, 3 steps); this fix
 * counts the skipped fragment (`nr_slots--`) and verifies.
 *
 * @pvcheck check -p frontend=any -p packets=1 -p maxSlots=3 -p ringSize=4
 * @pvcheck expect ok
 */
import { deriveModel, withDefaults, netifModel } from 'pvcheck';
const { backendRules, honestBackend, netifTx } = netifModel;

const fixed = backendRules({ ...honestBackend, fragListCountsZeroFrags: true });

export default deriveModel(netifTx, {
  name: 'netif-fraglist-zero-frag-fix',
  params: withDefaults(netifTx.params, { packets: 2 }), // the bounds the header was written at
  description: 'netback xenvif_get_requests counts a skipped zero-size fragment in the frag_list loop',
  replace: { xenvif_get_requests: fixed.find((r) => r.name === 'xenvif_get_requests')! },
});
