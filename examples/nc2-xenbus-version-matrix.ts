/**
 * NetChannel2 beside netchannel1 ("backend can support old & new",
 * ../shared/seeds/002) as a xenbus feature key checked across versions: a
 * backend that can run NetChannel2 advertises it in netback_probe, before
 * InitWait, as every netif feature key; a frontend that knows NetChannel2
 * requests it, and the backend switches to the NetChannel2 ring only when it
 * was requested; otherwise both stay on netchannel1. Verifies on the whole
 * matrix of old/new frontends and backends (`--matrix`).
 *
 * The key names are our reconstruction: the stored NetChannel2 sources hold
 * no xenstore keys, and its toolstack used a separate device type (`vif2`,
 * `xm network2-attach`). Modelled as a feature key, the question is the same:
 * do the two ends agree on which ring they run, whichever versions meet.
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

/** NetChannel2 as a negotiated ring: advertised by a new backend, requested by a new frontend. */
export const NETCHANNEL2: FeatureKey = {
  name: 'netchannel2', backendKey: 'feature-netchannel2', frontendKey: 'request-netchannel2',
  backend: ['new'], frontend: ['new'],
};
const table = [...NETIF_FEATURES, NETCHANNEL2];

// the state's shape names every xenstore node: the new keys join it (packed path)
export default {
  ...deriveModel(xenbus, {
    name: 'nc2-xenbus-version-matrix',
    params: withDefaults(xenbus.params, { events: 2 }), // the bounds the header was written at
    description: 'xenbus with a NetChannel2 feature key: advertised in probe, used only when requested; both ends agree on netchannel1 or NetChannel2',
    see: 'docs/models/nc2.md "Old and new together"; docs/models/xenbus.md "Adding a feature key"',
    replace: withFeatures(table),
    invariants: [connectedAgree(table)],
  }),
  shape: xenbusShape(table),
};
