/**
 * A defence of netback against a hostile frontend, removed: connect() treats
 * the ring ref it read as mapped whatever `GNTTABOP_map_grant_ref` answered
 * (and a missing ref as 0), instead of failing the connect. A guest that
 * publishes a `tx-ring-ref` it never granted then has netback use a page that
 * is not the guest's ring (in a real guest, ref 0 or any other live grant).
 *
 * Checked with a hostile frontend; X2 reads there as "netback maps only refs
 * the guest granted". The built-in xenbus model (xenbus_gather, map status
 * checked) defends it.
 *
 * @pvcheck check -p frontend=hostile -i X2_frontend_frees_after_backend
 * @pvcheck expect violation X2_frontend_frees_after_backend in 4 steps
 * @pvcheck fixed-by xenbus -p events=2
 */
import { deriveModel, withDefaults, xenbusModel } from 'pvcheck';
const { makeFrontendChanged, xenbus } = xenbusModel;

export default deriveModel(xenbus, {
  name: 'xenbus-hostile-map-unchecked',
  params: withDefaults(xenbus.params, { events: 2 }), // the bounds the header was written at
  description: 'netback connect() ignores the status of the ring mapping (a defence against a hostile frontend removed)',
  see: 'netback xenbus.c connect_data_rings, interface.c xenvif_map_frontend_data_rings (xenbus_map_ring_valloc status)',
  replace: { frontend_changed: makeFrontendChanged({ refRead: 'default0' }) },
});
