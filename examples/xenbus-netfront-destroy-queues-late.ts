/**
 * CVE-2022-48914, catalogue B-10: "xen/netfront: destroy queues before
 * real_num_tx_queues is zeroed". `xennet_destroy_queues` deletes one NAPI
 * instance per queue for `i < real_num_tx_queues`; when it ran after
 * `unregister_netdev()`, which sets `real_num_tx_queues` to 0, it deleted none
 * and freed the queue array with every NAPI instance still registered (a leak
 * and a use after free). The fix destroys the queues in `ndo_uninit`
 * (`xennet_uninit`), inside unregister_netdev, before the count is zeroed.
 *
 * This variant deletes no NAPI instance when netfront is removed. The built-in
 * xenbus model (the fix) verifies at the same parameters.
 *
 * @pvcheck catalogue B-10 CVE-2022-48914
 * @pvcheck check -p events=1
 * @pvcheck expect violation X13_napi_released in 10 steps
 * @pvcheck fixed-by xenbus
 */
import { deriveModel, withDefaults, type Rule, xenbusModel } from 'pvcheck';
const { netfront_node_removed, xennet_bus_close_closed, xennet_bus_close_closing, xennet_remove, xenbus } = xenbusModel;
type XenbusModelState = xenbusModel.XenbusModelState;
type XenbusParams = xenbusModel.XenbusParams;
type R = Rule<XenbusModelState, XenbusParams>;

/** The rule, with xennet_destroy_queues run after real_num_tx_queues was zeroed: no NAPI instance deleted. */
const destroyLate = (r: R): R => ({
  ...r,
  doc: `${r.doc}; xennet_destroy_queues after unregister_netdev zeroed real_num_tx_queues (before CVE-2022-48914)`,
  then: (d, s, p, a) => {
    r.then(d, s, p, a);
    if (s.fe.inst && !d.fe.inst) d.q.forEach((q, i) => { q.napi = s.q[i]!.napi; });
  },
});

export default deriveModel(xenbus, {
  name: 'xenbus-netfront-destroy-queues-late',
  params: withDefaults(xenbus.params, { events: 2 }), // the bounds the header was written at
  description: 'netfront destroys its queues after real_num_tx_queues is zeroed: NAPI instances outlive the queues (B-10)',
  see: 'CVE-2022-48914; Linux xen-netfront.c xennet_remove, xennet_destroy_queues, xennet_uninit; xen-protocols.md B-10',
  replace: Object.fromEntries([xennet_remove, xennet_bus_close_closing, xennet_bus_close_closed, netfront_node_removed].map((r) => [r.name, destroyLate(r)])),
});
