/**
 * XSA-332 (CVE-2020-27673): "Rogue guests can cause DoS of Dom0 via high
 * frequency events". Before Linux 5.10's lateeoi work ("xen/events: add a
 * new late EOI evtchn framework", then "xen/netback: use lateeoi irq
 * binding"), netback's tx interrupt was an ordinary one: every event was
 * acknowledged at once as work, so a frontend sending events without
 * requests kept dom0 in the handler. Since then xenvif_tx_interrupt EOIs an
 * event that finds no request with XEN_EOI_FLAG_SPURIOUS, which the event
 * core throttles, and holds the others until NAPI completes
 * (xenvif_napi_schedule_or_enable_events). This variant acknowledges every
 * event as work.
 *
 * @pvcheck catalogue X-7 XSA-332 CVE-2020-27673
 * @pvcheck check -p frontend=hostile -p hostileWrites=0 -p evtchn=lateeoi -p storms=1 -p packets=1 -p maxSlots=1 -p gso=off
 * @pvcheck expect violation B_tx_events_accounted in 2 steps
 * @pvcheck fixed-by netif-tx
 */
import { deriveModel, withDefaults, netifModel } from 'pvcheck';
const { backendRules, honestBackend, netifTx } = netifModel;

const old = backendRules({ ...honestBackend, spuriousAccounting: false });

export default deriveModel(netifTx, {
  name: 'netif-xsa332-storm',
  params: withDefaults(netifTx.params, { packets: 2 }), // the bounds the header was written at
  description: "netback acknowledges every tx event as work (before XSA-332's lateeoi binding)",
  see: 'X-7, XSA-332; drivers/net/xen-netback/interface.c xenvif_tx_interrupt',
  replace: { xenvif_tx_interrupt: old.find((r) => r.name === 'xenvif_tx_interrupt')! },
});
