/**
 * A stuck handshake for the recoverability check: a frontend that ignores the
 * backend's Closing and closes only when it sees the backend Closed ("let the
 * backend finish first"). netback closes only after the frontend closed, so
 * after a backend error (xenbus_dev_fatal: backend Closing) each side waits for
 * the other forever. Every state on the way is fine (no invariant fails); what
 * fails is X8_recoverable: from the stuck state neither Connected nor Closed
 * is reachable any more.
 *
 * The built-in `xenbus` model (netback_changed: Closing -> xenbus_frontend_closed) verifies.
 *
 * @pvcheck check -p events=1 -p unplug=0 -i X8_recoverable
 * @pvcheck expect violation X8_recoverable in 3 steps
 * @pvcheck fixed-by xenbus
 */
import { deriveModel, withDefaults, type Rule, xenbusModel, xenstore } from 'pvcheck';
const { GUEST, XenbusStateClosing, beNode, netbackChanged, netback_changed, xenbus } = xenbusModel;
type XenbusModelState = xenbusModel.XenbusModelState;
type XenbusParams = xenbusModel.XenbusParams;
const { xsDeliver } = xenstore;

const ignoreClosing: Rule<XenbusModelState, XenbusParams> = {
  ...netback_changed,
  doc: 'netback_changed that ignores the backend\'s Closing and waits for Closed',
  then: (d, s, p) => {
    xsDeliver(d.xs, GUEST);
    const bs = beNode(s);
    if (bs === XenbusStateClosing) return;
    netbackChanged(d, s, bs, p);
  },
};

export default deriveModel(xenbus, {
  name: 'xenbus-ignore-closing',
  params: withDefaults(xenbus.params, { events: 2 }), // the bounds the header was written at
  description: 'netfront that ignores the backend\'s Closing and waits for Closed: stuck after a backend error',
  see: 'netfront netback_changed (case XenbusStateClosing: xenbus_frontend_closed); xen-protocols.md §3.6.8',
  replace: { netback_changed: ignoreClosing },
});
