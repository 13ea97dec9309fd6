/**
 * The patch direction of docs/upstream/netfront-xdp-set.md, in netfront alone:
 * findings F2, F4 and F8 (docs/findings.md) share one line of Linux
 * `xennet_xdp_set` (drivers/net/xen-netfront.c, 6.12: 1657), `wait_event(module_wq,
 * backend == XenbusStateReconfigured)`, unbounded, with rtnl held. Here, as
 * `xennet_bus_close` (2635-2665) does for its own waits:
 *
 * - the attach goes ahead only while netfront's `dev->state` and the backend's
 *   node both read Connected (else -EBUSY), checked and switched to
 *   Reconfiguring under a lock `netback_changed` also takes (not held across
 *   the wait): after a resume, during a close, or with a Closing already
 *   answered, there is no Reconfigured to wait for;
 * - the wait is one `wait_event_timeout(module_wq, backend is Reconfigured,
 *   Closing, Closed or Unknown, XENNET_TIMEOUT)`: it ends without a wake (F2: the
 *   otherend watch is gone during a close; F4: the xenwatch thread that would
 *   wake it is blocked on the rtnl the waiter holds) and, bounded, also when a
 *   backend never answers (a driver domain that stays Connected);
 * - unless the backend reads Reconfigured it gives up (-ETIMEDOUT or -ENODEV,
 *   rtnl released) and rolls back: netfront's state goes back to Connected if
 *   it still reads Reconfiguring, so that its own `netback_changed` (or
 *   `xennet_bus_close`) closes it as usual (F8: without the roll-back netback
 *   answers the stale Reconfiguring with Reconfigured and both ends stay there).
 *
 * netback is Linux as it is. Measured 2026-12-06 at the three rows' bounds:
 * without the guard, or without the roll-back, the rows still fail (`stuck` in
 * 14 and 17 steps); with both, every property but X9 verifies there, bounded
 * or looping until one of those states (X9 is F3,
 * the order of `xdp-headroom` and Reconfiguring: `xenbus-xdp-headroom-first.ts`).
 * The fuller fix, with netback's side too, is `xenbus-xdp-set-fixed.ts`.
 *
 * @pvcheck check -p reconfigure=1 -p events=2 -p migrate=0 -p backendFatal=0 -i deadlock
 * @pvcheck expect ok
 * @pvcheck check -p reconfigure=1 -p guestClose=0 -i stuck
 * @pvcheck expect ok
 * @pvcheck check -p reconfigure=1 -p events=2 -p reconnect=0 -p migrate=0 -p guestClose=0 -i deadlock
 * @pvcheck expect ok
 */
import { deriveModel, type Rule, xenbusModel } from 'pvcheck';
const {
  XenbusStateConnected, XenbusStateReconfigured, XenbusStateReconfiguring,
  beNode, beNodeAsFrontend, switchState, xennet_xdp_set, xennet_xdp_set_done, xenbus,
} = xenbusModel;
type R = Rule<xenbusModel.XenbusModelState, xenbusModel.XenbusParams>;

const attachWhenConnected: R = {
  ...xennet_xdp_set,
  doc: 'XDP attach (rtnl held) only while dev->state and the backend node read Connected, else -EBUSY; the check and the switch to Reconfiguring under a lock netback_changed also takes',
  when: (s, p) => xennet_xdp_set.when!(s, p, undefined) && s.fe.dev === XenbusStateConnected && beNode(s) === XenbusStateConnected,
};

const timedWait: R = {
  ...xennet_xdp_set_done,
  doc: 'wait_event_timeout(backend Reconfigured, Closing, Closed or Unknown, XENNET_TIMEOUT) ends (woken, or timed out: at any moment in the untimed model): on Reconfigured enable XDP and switch Connected; otherwise give up (rtnl released) and switch back to Connected if dev->state still reads Reconfiguring',
  when: (s) => s.fe.inst && s.fe.xdp === 'wait',
  then: (d, s, p) => {
    d.fe.wake = false;
    if (beNodeAsFrontend(s) !== XenbusStateReconfigured) {
      d.fe.xdp = 'off';
      if (s.fe.dev === XenbusStateReconfiguring) switchState(d, 'fe', XenbusStateConnected, p);
      return;
    }
    d.fe.xdp = 'on';
    switchState(d, 'fe', XenbusStateConnected, p);
  },
};

export default deriveModel(xenbus, {
  name: 'xenbus-xdp-set-timeout-fix',
  description: 'netfront xennet_xdp_set attaches only while both ends are Connected, waits at most XENNET_TIMEOUT (wait_event_timeout) and rolls back (patch direction for F2, F4, F8)',
  see: 'netfront xennet_xdp_set, xennet_bus_close, netback_changed; docs/upstream/netfront-xdp-set.md',
  replace: { xennet_xdp_set: attachWhenConnected, 'xennet_xdp_set(Reconfigured)': timedWait },
});
