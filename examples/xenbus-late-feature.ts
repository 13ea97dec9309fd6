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
 *   pvcheck check examples/xenbus-late-feature.ts --matrix frontend=old,new --matrix backend=old,new --param events=0
 */
import { deriveModel } from '../model/core.js';
import { NETIF_FEATURES, connectedAgree, withFeatures, xenbus, type FeatureKey } from '../model/xenbus.js';

export const RX_PERSISTENT_LATE: FeatureKey = {
  name: 'rx-persistent', backendKey: 'feature-rx-persistent', frontendKey: 'request-rx-persistent',
  backend: ['new'], frontend: ['new'], advertise: 'late', backendUses: 'advertised',
};
const table = [...NETIF_FEATURES, RX_PERSISTENT_LATE];

export default deriveModel(xenbus, {
  name: 'xenbus-late-feature',
  description: 'proposal: feature-rx-persistent advertised after hotplug and used by the backend whenever advertised',
  see: 'docs/models/xenbus.md "Adding a feature key"',
  replace: withFeatures(table),
  invariants: [connectedAgree(table)],
});
