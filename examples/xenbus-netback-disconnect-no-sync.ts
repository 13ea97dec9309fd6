/**
 * Catalogue B-11: "xen-netback: fix race condition on XenBus disconnect".
 * `backend_disconnect()` sets `vif->num_queues = 0` and calls
 * `synchronize_net()` before it frees the queues: "At this point some of the
 * handlers may still be active so we need to have additional synchronization
 * here". Without it, `xenvif_start_xmit`, which read the old `num_queues`, keeps
 * working on a queue that is freed under it.
 *
 * This variant frees the queues with no synchronize_net. The built-in xenbus
 * model verifies at the same parameters (`-p xmit=true`: the network stack
 * transmits concurrently with the xenbus handlers).
 *
 * @pvcheck catalogue B-11
 * @pvcheck check -p xmit=true -p events=1
 * @pvcheck expect violation X14_no_use_after_free in 11 steps
 * @pvcheck fixed-by xenbus
 */
import { deriveModel, withDefaults, xenbusModel } from 'pvcheck';
const { makeFrontendChanged, xenbus } = xenbusModel;

export default deriveModel(xenbus, {
  name: 'xenbus-netback-disconnect-no-sync',
  params: withDefaults(xenbus.params, { events: 2 }), // the bounds the header was written at
  description: 'backend_disconnect frees the queues without synchronize_net while xenvif_start_xmit may run (B-11)',
  see: 'Linux xen-netback xenbus.c backend_disconnect, interface.c xenvif_start_xmit; xen-protocols.md B-11',
  replace: { frontend_changed: makeFrontendChanged({ noSync: true }) },
});
