/**
 * A backend that reads `tx-ring-ref` before the frontend wrote it: it connects
 * as soon as it sees the frontend in Initialising (instead of waiting for
 * Connected) and reads the ring refs and event channels with a default of 0
 * (`xenbus_read_unsigned(dir, "tx-ring-ref", 0)`) instead of netback's
 * `xenbus_gather`, which fails on a missing key. It then maps grant ref 0, in a
 * real guest a live grant to dom0 (the console ring), as its TX ring.
 *
 * With the settings of the header below, pvcheck reports X1_map_after_keys_published. The built-in `xenbus` model verifies.
 *
 * @pvcheck check
 * @pvcheck expect violation X1_map_after_keys_published in 3 steps
 * @pvcheck fixed-by xenbus -p events=2
 */
import { deriveModel, withDefaults, type Rule, xenbusModel, xenstore } from 'pvcheck';
const { XenbusStateConnected, XenbusStateInitialising, feNode, frontendChanged, frontend_changed, setBackendState, xenbus, DRIVER_DOMAIN } = xenbusModel;
type XenbusModelState = xenbusModel.XenbusModelState;
type XenbusParams = xenbusModel.XenbusParams;
const { xsDeliver } = xenstore;

const eagerConnect: Rule<XenbusModelState, XenbusParams> = {
  ...frontend_changed,
  doc: 'frontend_changed; on Initialising connect at once, reading missing keys as 0',
  then: (d, s, p) => {
    xsDeliver(d.xs, DRIVER_DOMAIN);
    const fs = feNode(s);
    if (fs === XenbusStateInitialising) setBackendState(d, XenbusStateConnected, p, { refRead: 'default0' });
    else frontendChanged(d, fs, p, { refRead: 'default0' });
  },
};

export default deriveModel(xenbus, {
  name: 'xenbus-early-ring-read',
  params: withDefaults(xenbus.params, { events: 2 }), // the bounds the header was written at
  description: 'a backend that connects on the frontend\'s Initialising and reads tx-ring-ref before the frontend wrote it',
  see: 'netback xenbus.c connect_data_rings (xenbus_gather); xen-protocols.md §3.6 X1',
  replace: { frontend_changed: eagerConnect },
});
