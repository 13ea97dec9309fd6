/**
 * A protocol change a user might propose: a new feature `feature-rx-persistent`
 * (a hypothetical key: keep RX grants mapped across packets). The proposal:
 * netback advertises it late, once the hotplug script reported "connected"
 * (the bridge's capability is known only then), and uses it whenever it
 * advertised it, since "every new netfront uses it".
 *
 * Checked across the version matrix (frontend=old,new x backend=old,new), it
 * breaks X5_connected_agree twice: an old frontend never heard of the key, and a
 * new frontend reads the backend's keys in talk_to_netback before the late
 * write. examples/xenbus-late-feature-fixed.ts is the fix.
 *
 * @pvcheck check -p frontend=old -p backend=old
 * @pvcheck expect ok
 * @pvcheck check -p frontend=old -p backend=new
 * @pvcheck expect violation X5_connected_agree in 8 steps
 * @pvcheck check -p frontend=new -p backend=old
 * @pvcheck expect ok
 * @pvcheck check -p frontend=new -p backend=new
 * @pvcheck expect violation X5_connected_agree in 8 steps
 */
import { deriveModel, withDefaults, xenbusModel } from 'pvcheck';
const { NETIF_FEATURES, connectedAgree, withFeatures, xenbus, xenbusShape } = xenbusModel;
type FeatureKey = xenbusModel.FeatureKey;

export const RX_PERSISTENT_LATE: FeatureKey = {
  name: 'rx-persistent', backendKey: 'feature-rx-persistent', frontendKey: 'request-rx-persistent',
  backend: ['new'], frontend: ['new'], advertise: 'late', backendUses: 'advertised',
};
const table = [...NETIF_FEATURES, RX_PERSISTENT_LATE];

// the state's shape names every xenstore node: the new keys join it (packed path)
export default {
  ...deriveModel(xenbus, {
    name: 'xenbus-late-feature',
    params: withDefaults(xenbus.params, { events: 2 }), // the bounds the header was written at
    description: 'proposal: feature-rx-persistent advertised after hotplug and used by the backend whenever advertised',
    see: 'docs/models/xenbus.md "Adding a feature key"',
    replace: withFeatures(table),
    invariants: [connectedAgree(table)],
  }),
  shape: xenbusShape(table),
};
