/**
 * XSA-115 (CVE-2020-29480), a defence of C xenstored removed: watch events
 * sent whatever the watcher may read. Before the fix xenstored fired a watch
 * for every change at or below its path, so a domain learnt of changes to
 * nodes it had no read access to (and, with watches on `/`, every node's
 * path). Since the fix (`watch_permitted` in `fire_watches`) an event about a
 * node goes only to domains that may read it.
 *
 * In the vif: a guest owns its frontend directory and may change the perms
 * of its nodes (XS_SET_PERMS). The hostile guest takes the driver domain's
 * read access to its `state` node away, then writes `state`: the driver
 * domain's otherend watch (netback's) is sent an event about a node it may
 * not read. X18_watch_events_readable fails in 4 steps (libxl adds the vif,
 * netback probes and watches the frontend's `state`, the guest sets its
 * perms, the guest writes it). The built-in xenbus
 * model (C xenstored after the fix) verifies X18.
 *
 * @pvcheck check -p frontend=hostile -i X18_watch_events_readable
 * @pvcheck expect violation X18_watch_events_readable in 4 steps
 * @pvcheck fixed-by xenbus -p events=2
 */
import { deriveModel, withDefaults, xenbusModel } from 'pvcheck';
const { makeHostileFrontend, xenbus } = xenbusModel;

export default deriveModel(xenbus, {
  name: 'xenbus-xsa115',
  params: withDefaults(xenbus.params, { events: 2 }), // the bounds the header was written at
  description: 'xenstored before XSA-115: watch events about nodes the watcher may not read',
  see: 'XSA-115 (CVE-2020-29480); C xenstored watch.c fire_watches, watch_permitted',
  replace: makeHostileFrontend({ checkWatchPerms: false }),
});
