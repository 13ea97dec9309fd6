/**
 * Linux 2afeec08ab5c (reverted by e8240addd0a3): netback registered its hotplug-status watch only
 * when the node already existed. The hotplug script writes the node later, so
 * when connect() ran first the backend published Connected at once, before the
 * vif was plugged into the bridge: the guest had no connectivity.
 *
 * With the settings of the header below, pvcheck reports X4_connected_after_hotplug. The built-in `xenbus` model (the revert:
 * always register the watch, it fires once on registration and again when the
 * node appears) verifies.
 *
 * @pvcheck catalogue B-5
 * @pvcheck check
 * @pvcheck expect violation X4_connected_after_hotplug in 6 steps
 * @pvcheck fixed-by xenbus -p events=2
 */
import { deriveModel, withDefaults, type Rule, xenbusModel, xenstore } from 'pvcheck';
const { BE, W_BE_HOTPLUG, frontend_changed, xenbus } = xenbusModel;
type XenbusModelState = xenbusModel.XenbusModelState;
type XenbusParams = xenbusModel.XenbusParams;
const { xsRead, xsUnwatch, xsWrite } = xenstore;

/** frontend_changed whose connect() drops the hotplug-status watch again when the node does not exist yet. */
const connectWithoutHotplugGate: Rule<XenbusModelState, XenbusParams> = {
  ...frontend_changed,
  doc: 'frontend_changed; connect() registers the hotplug-status watch only if the node exists (2afeec08ab5c)',
  then: (d, s, p, a) => {
    const hadWatch = s.xs.watches.some((w) => w.token === W_BE_HOTPLUG);
    if (!hadWatch && xsRead(s.xs, `${BE}/hotplug-status`) === undefined) {
      // Run the handler as if no watch were going to be registered: connect, then publish.
      frontend_changed.then(d, s, p, a);
      if (d.xs.watches.some((w) => w.token === W_BE_HOTPLUG)) {
        xsUnwatch(d.xs, W_BE_HOTPLUG);
        // backend_switch_state(Connected) now writes at once.
        if (d.be.state === 4 && d.be.dev !== 4) { d.be.dev = 4; xsWrite(d.xs, `${BE}/state`, '4', p.txnConflicts); }
      }
      return;
    }
    frontend_changed.then(d, s, p, a);
  },
};

export default deriveModel(xenbus, {
  name: 'xenbus-hotplug-no-wait',
  params: withDefaults(xenbus.params, { events: 2 }), // the bounds the header was written at
  description: 'netback registers the hotplug-status watch only when the node exists: Connected published before the hotplug script ran (2afeec08ab5c)',
  see: 'Linux 2afeec08ab5c, reverted by e8240addd0a3; xen-protocols.md §6.2 B-5',
  replace: { frontend_changed: connectWithoutHotplugGate },
});
