/**
 * The fixed proposal of examples/xenbus-late-feature.ts: netback advertises
 * `feature-rx-persistent` in netback_probe, before InitWait (as every netif
 * feature key), and uses it only when the frontend wrote
 * `request-rx-persistent = 1`. Verifies on the whole version matrix.
 *
 * @pvcheck check -p frontend=old -p backend=old
 * @pvcheck expect ok
 * @pvcheck check -p frontend=old -p backend=new
 * @pvcheck expect ok
 * @pvcheck check -p frontend=new -p backend=old
 * @pvcheck expect ok
 * @pvcheck check -p frontend=new -p backend=new
 * @pvcheck expect ok
 */
import { deriveModel, withDefaults, xenbusModel } from 'pvcheck';
const { NETIF_FEATURES, connectedAgree, withFeatures, xenbus, xenbusShape } = xenbusModel;
type FeatureKey = xenbusModel.FeatureKey;

export const RX_PERSISTENT: FeatureKey = {
  name: 'rx-persistent', backendKey: 'feature-rx-persistent', frontendKey: 'request-rx-persistent',
  backend: ['new'], frontend: ['new'],
};
const table = [...NETIF_FEATURES, RX_PERSISTENT];

// the state's shape names every xenstore node: the new keys join it (packed path)
export default {
  ...deriveModel(xenbus, {
    name: 'xenbus-late-feature-fixed',
    params: withDefaults(xenbus.params, { events: 2 }), // the bounds the header was written at
    description: 'feature-rx-persistent advertised before InitWait and used by the backend only when the frontend requested it',
    see: 'docs/models/xenbus.md "Adding a feature key"',
    replace: withFeatures(table),
    invariants: [connectedAgree(table)],
  }),
  shape: xenbusShape(table),
};
