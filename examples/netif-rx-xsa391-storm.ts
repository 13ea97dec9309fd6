/**
 * XSA-391 (CVE-2021-28712 for netfront): "Rogue backends can cause DoS of
 * guests via high frequency events". Before b27d47950e48 ("xen/netfront:
 * harden netfront against event channel storms") netfront's rx interrupt
 * was an ordinary one: every event was acknowledged as work and the channel
 * unmasked at once, so a backend sending events without responses kept the
 * guest's CPU in the handler. The fix uses lateeoi: xennet_handle_rx EOIs an
 * event as work only when XEN_RING_NR_UNCONSUMED_RESPONSES grew
 * (rx_rsp_unconsumed), otherwise with XEN_EOI_FLAG_SPURIOUS, which the event
 * core throttles. This variant acknowledges every event as work.
 *
 * @pvcheck catalogue X-11 XSA-391 CVE-2021-28712
 * @pvcheck check -p backend=hostile -p hostileWrites=0 -p evtchn=lateeoi -p storms=1 -p packets=1 -p maxSlots=1 -p gso=off
 * @pvcheck expect violation F_rx_events_accounted in 2 steps
 * @pvcheck fixed-by netif-rx
 */
import { deriveModel, withDefaults, netifRxModel } from 'pvcheck';
const { frontendRules, honestFrontend, netifRx } = netifRxModel;

const changed = frontendRules({ ...honestFrontend, spuriousAccounting: false });

export default deriveModel(netifRx, {
  name: 'netif-rx-xsa391-storm',
  params: withDefaults(netifRx.params, { packets: 2 }), // the bounds the header was written at
  description: 'netfront acknowledges every rx event as work (before the XSA-391 lateeoi hardening)',
  replace: { xennet_rx_interrupt: changed.find((r) => r.name === 'xennet_rx_interrupt')! },
});
