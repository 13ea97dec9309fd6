/**
 * Findings F2, F4, F5 and F8 (docs/models/xenbus.md), and a fix of all four (with
 * F3's fix, xdp-headroom written first). Linux's `xennet_xdp_set` checks only
 * `netback_has_xdp_headroom` and then sleeps in `wait_event(module_wq, backend
 * == Reconfigured)` with rtnl held and no timeout:
 *
 * - F2: during a guest close the otherend watch is already freed, nothing wakes
 *   the wait, `unregister_netdev` waits for rtnl forever;
 * - F4: if the guest's xenwatch has the backend's Connected still queued, its
 *   `netdev_notify_peers` blocks on rtnl, and the Reconfigured event that
 *   would wake the wait sits behind it: xenwatch and rtnl hang;
 * - F5: after a resume, before the reconnect, the attach drives a fresh
 *   netback through Reconfigured to connect() on an empty directory, and
 *   netback publishes Connected with nothing mapped;
 * - F8: while the backend closes after an error (xenbus_dev_fatal), netfront
 *   answers Closed, netback stays Closed, and the wait is never answered:
 *   rtnl stays held with both ends Closed.
 *
 * The fix checked here: attach only while both ends are Connected and no
 * removal is under way (-EBUSY otherwise; the check and the switch to
 * Reconfiguring under a lock netback_changed also takes), write xdp-headroom first, and wait
 * with `wait_event_timeout` (re-read the backend state after a timeout, as
 * `xennet_bus_close` does), giving up when the backend is Closing, Closed or
 * gone; and netback answers Reconfiguring only while its node reads Connected
 * (Linux's frontend_changed writes Reconfigured over a Closing, so a backend
 * error during the attach left both ends stuck). The built-in xenbus model is
 * Linux as it is. The checks run at its defaults (`events=3`), where the
 * findings are stated; `-i stuck` covers the deadlocks (F2, F4) of every
 * `events` up to 3, which a deadlock check at one bound does not. At
 * `events=3` without driver rebinds (`reconnect=0`): a rebind during an unplug
 * is finding F7, another bug, fixed by `xenbus-create-dev-removed-fix.ts`.
 *
 * @pvcheck check -p reconfigure=1 -p events=1
 * @pvcheck expect ok
 * @pvcheck check -p reconfigure=1 -p reconnect=0
 * @pvcheck expect ok
 * @pvcheck check -p reconfigure=1 -p reconnect=0 -i stuck
 * @pvcheck expect ok
 * @pvcheck check -p reconfigure=1 -p events=2 -p reconnect=0 -p migrate=0 -p guestClose=0 -i deadlock
 * @pvcheck expect ok
 */
import { deriveModel, type Rule, xenbusModel, xenstore } from 'pvcheck';
const {
  FE, XDP_PACKET_HEADROOM, XenbusStateConnected, XenbusStateReconfigured, XenbusStateReconfiguring, beNode, beNodeAsFrontend, spend, switchState,
  xennet_xdp_set, xennet_xdp_set_done, xenbus, frontend_changed, feNode, DRIVER_DOMAIN,
} = xenbusModel;
type XenbusModelState = xenbusModel.XenbusModelState;
type XenbusParams = xenbusModel.XenbusParams;
type R = Rule<XenbusModelState, XenbusParams>;
const { xsDeliver, xsWrite } = xenstore;
const GIVE_UP = [xenbusModel.XenbusStateClosing, xenbusModel.XenbusStateClosed, xenbusModel.XenbusStateUnknown];

const guardedAttach: R = {
  ...xennet_xdp_set,
  doc: 'XDP attach only while both ends are Connected and no removal runs (checked under a lock netback_changed also takes): xdp-headroom=256 first, then Reconfiguring, then the wait',
  when: (s, p) => xennet_xdp_set.when!(s, p, undefined) && s.fe.dev === XenbusStateConnected && s.fe.remove === 'none' &&
    beNodeAsFrontend(s) === XenbusStateConnected,
  then: (d, s, p) => {
    spend(d, s, 'reconfigure');
    xsWrite(d.xs, `${FE}/xdp-headroom`, String(XDP_PACKET_HEADROOM), p.txnConflicts);
    switchState(d, 'fe', XenbusStateReconfiguring, p);
    d.fe.xdp = 'wait';
  },
};

const pollingWait: R = {
  ...xennet_xdp_set_done,
  doc: 'the wait ends by a timeout as well as by a wake: re-read the backend state; on Reconfigured enable XDP and switch Connected; on Closing, Closed or Unknown give up (-EIO) and release rtnl',
  when: (s) => s.fe.inst && s.fe.xdp === 'wait' && [XenbusStateReconfigured, ...GIVE_UP].includes(beNodeAsFrontend(s)),
  then: (d, s, p) => {
    d.fe.wake = false;
    if (beNodeAsFrontend(s) !== XenbusStateReconfigured) { d.fe.xdp = 'off'; return; }
    d.fe.xdp = 'on';
    switchState(d, 'fe', XenbusStateConnected, p);
  },
};

/** netback: answer Reconfiguring only from Connected (Linux writes Reconfigured over a Closing that xenbus_dev_fatal or the toolstack wrote). */
const reconfiguredOnlyWhenConnected: R = {
  ...frontend_changed,
  doc: 'frontend_changed; Reconfiguring is answered only while the backend node reads Connected',
  then: (d, s, p, a) => {
    if (feNode(s) === XenbusStateReconfiguring && beNode(s) !== XenbusStateConnected) { xsDeliver(d.xs, DRIVER_DOMAIN); return; }
    frontend_changed.then(d, s, p, a);
  },
};

export default deriveModel(xenbus, {
  name: 'xenbus-xdp-set-fixed',
  description: 'xennet_xdp_set refuses unless both ends are Connected, writes xdp-headroom first and waits with a timeout (fix of F2-F5)',
  see: 'netfront xennet_xdp_set, talk_to_netback_xdp, netback_changed; docs/models/xenbus.md F2-F5',
  replace: { xennet_xdp_set: guardedAttach, 'xennet_xdp_set(Reconfigured)': pollingWait, frontend_changed: reconfiguredOnlyWhenConnected },
  remove: ['talk_to_netback_xdp'],
});
