/**
 * Linux 2afeec08ab5c (reverted by e8240addd0a3): netback registered its hotplug-status watch only
 * when the node already existed. The hotplug script writes the node later, so
 * when connect() ran first the backend published Connected at once, before the
 * vif was plugged into the bridge: the guest had no connectivity.
 *
 *   pvcheck check examples/xenbus-hotplug-no-wait.ts --param events=0
 *
 * reports X4_connected_after_hotplug. The built-in `xenbus` model (the revert:
 * always register the watch, it fires once on registration and again when the
 * node appears) verifies.
 */
import { deriveModel, type Rule } from '../model/core.js';
import { BE, W_BE_HOTPLUG, frontend_changed, xenbus, type XenbusModelState, type XenbusParams } from '../model/xenbus.js';
import { xsRead, xsUnwatch, xsWrite } from '../model/xenstore.js';

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
  description: 'netback registers the hotplug-status watch only when the node exists: Connected published before the hotplug script ran (2afeec08ab5c)',
  see: 'Linux 2afeec08ab5c, reverted by e8240addd0a3; xen-protocols.md §6.2 B-5',
  replace: { frontend_changed: connectWithoutHotplugGate },
});
