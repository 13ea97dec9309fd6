/**
 * XSA-405 (CVE-2022-33743): "Network backend may cause Linux netfront to use
 * freed SKBs". 6c5aa6fc4def ("xen networking: add basic XDP support for
 * xen-netfront") moved `__skb_queue_tail(list, skb)` in
 * xennet_get_responses() past the `next:` label, so a slot the backend
 * answered with a bad status, whose buffer xennet_move_rx_slot() had just put
 * back on the ring, was queued as well: xennet_poll() frees it with the
 * packet's other skbs while the ring still offers it to the backend. The fix,
 * f63c2c2032c2 ("xen-netfront: restore __skb_queue_tail() positioning in
 * xennet_get_responses()"), queues it before the label. This variant queues
 * it after the label.
 *
 * @pvcheck catalogue X-15 XSA-405 CVE-2022-33743
 * @pvcheck check -p backend=hostile -p packets=1 -p maxSlots=1 -p gso=off -p evtchn=off
 * @pvcheck expect violation F_rx_buffer_single_owner in 5 steps
 * @pvcheck fixed-by netif-rx
 */
import { deriveModel, withDefaults, netifRxModel } from 'pvcheck';
const { frontendRules, honestFrontend, netifRx } = netifRxModel;

const changed = frontendRules({ ...honestFrontend, queueBeforeNext: false });

export default deriveModel(netifRx, {
  name: 'netif-rx-xsa405',
  params: withDefaults(netifRx.params, { packets: 2 }), // the bounds the header was written at
  description: 'netfront xennet_get_responses queues the skb after the next: label (before the XSA-405 fix)',
  replace: { xennet_poll: changed.find((r) => r.name === 'xennet_poll')! },
});
