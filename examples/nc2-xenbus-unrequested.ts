/**
 * The NetChannel2 feature key of examples/nc2-xenbus-version-matrix.ts with a
 * backend that switches to the NetChannel2 ring whenever it advertises it,
 * without waiting for the frontend's request. A netchannel1-only (old)
 * frontend then connects on a netif.h ring while the backend runs
 * NetChannel2: the ends disagree (X5), wherever backend=new meets
 * frontend=old.
 *
 * @pvcheck check -p frontend=old -p backend=new
 * @pvcheck expect violation X5_connected_agree in 8 steps
 * @pvcheck check -p frontend=new -p backend=new
 * @pvcheck expect ok
 * @pvcheck fixed-by nc2-xenbus-version-matrix.ts
 */
import { deriveModel, withDefaults, xenbusModel } from 'pvcheck';
const { NETIF_FEATURES, connectedAgree, withFeatures, xenbus, xenbusShape } = xenbusModel;
type FeatureKey = xenbusModel.FeatureKey;

const NETCHANNEL2_UNREQUESTED: FeatureKey = {
  name: 'netchannel2', backendKey: 'feature-netchannel2', frontendKey: 'request-netchannel2',
  backend: ['new'], frontend: ['new'], backendUses: 'advertised',
};
const table = [...NETIF_FEATURES, NETCHANNEL2_UNREQUESTED];

// the state's shape names every xenstore node: the new keys join it (packed path)
export default {
  ...deriveModel(xenbus, {
    name: 'nc2-xenbus-unrequested',
    params: withDefaults(xenbus.params, { events: 2 }), // the bounds the header was written at
    description: 'xenbus with a NetChannel2 feature key the backend uses whenever it advertises it',
    see: 'docs/models/nc2.md "Old and new together"',
    replace: withFeatures(table),
    invariants: [connectedAgree(table)],
  }),
  shape: xenbusShape(table),
};
