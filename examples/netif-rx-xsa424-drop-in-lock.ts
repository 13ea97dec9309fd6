/**
 * XSA-424 (CVE-2022-42328, CVE-2022-42329): "Guests can trigger deadlock in
 * Linux netback driver". The XSA-392 fix made xenvif_rx_queue_tail() drop an
 * skb beyond rx_queue_max with kfree_skb() inside its
 * spin_lock_irqsave(&queue->rx_queue.lock) section; freeing an skb may
 * transmit on the same interface again (netpoll, or a destructor), and that
 * xenvif_start_xmit() spins on the rx_queue.lock its own CPU holds. The fix,
 * 74e7e1efdad4 ("xen/netback: don't call kfree_skb() with interrupts
 * disabled"), returns false and frees the skb at xenvif_start_xmit()'s
 * `drop:` label, after the lock is released. This variant frees it inside.
 *
 * @pvcheck catalogue X-17 XSA-424 CVE-2022-42328 CVE-2022-42329
 * @pvcheck check -p backend=honest -p packets=3 -p rxQueueMax=1 -p maxSlots=1 -p gso=off -p evtchn=off
 * @pvcheck expect violation B_rx_no_self_deadlock in 2 steps
 * @pvcheck fixed-by netif-rx
 */
import { deriveModel, withDefaults, netifRxModel } from 'pvcheck';
const { backendRules, honestBackend, netifRx } = netifRxModel;

const changed = backendRules({ ...honestBackend, dropOutsideLock: false });

export default deriveModel(netifRx, {
  name: 'netif-rx-xsa424-drop-in-lock',
  params: withDefaults(netifRx.params, { packets: 2 }), // the bounds the header was written at
  description: 'netback frees a dropped rx skb inside rx_queue.lock (the XSA-392 fix, before XSA-424)',
  replace: { xenvif_start_xmit: changed.find((r) => r.name === 'xenvif_start_xmit')! },
});
