/**
 * A finding about MirageOS's netfront against Linux netback (docs/models/xenbus.md
 * M1), and a fix. mirage-net-xen's `wait_until_backend_connected` keeps
 * waiting on every backend state but Connected ("Closing | Closed (* XXX: stop
 * waiting? *)") and nothing else in its frontend watches the backend: after a
 * fatal error in netback (`xenbus_dev_fatal`: Closing), netback waits for the
 * frontend to close and the unikernel waits for Connected. The vif stays dead
 * until the toolstack unplugs it (`pvcheck check xenbus -p frontend=mirage
 * -i stuck`: a deadlock in 8 steps, the one of `events=1`).
 *
 * The checks run at xenbus's defaults (`events=3`), where the finding is
 * stated; `-i stuck` covers the deadlocks of every `events` up to 3.
 *
 * The fix checked here: the MirageOS frontend answers the backend's Closing or
 * Closed by writing Closed (what `disconnect_frontend` writes), as
 * `xenbus_frontend_closed` does in Linux; both ends then reach Closed.
 *
 * @pvcheck check -p frontend=mirage -p events=1
 * @pvcheck expect ok
 * @pvcheck check -p frontend=mirage
 * @pvcheck expect ok
 * @pvcheck check -p frontend=mirage -i stuck
 * @pvcheck expect ok
 */
import { deriveModel, type Rule, xenbusModel, xenstore } from 'pvcheck';
const { FE, XenbusStateClosed, XenbusStateClosing, beNode, xenbus } = xenbusModel;
type XenbusModelState = xenbusModel.XenbusModelState;
type XenbusParams = xenbusModel.XenbusParams;
const { xsExists, xsWrite } = xenstore;

const closeOnClosing: Rule<XenbusModelState, XenbusParams> = {
  name: 'Netif(backend closing)', actor: 'frontend',
  doc: 'MirageOS netfront watches the backend state and answers Closing or Closed by writing Closed',
  see: 'mirage-net-xen lib/xenstore.ml wait_until_backend_connected, disconnect_frontend; Linux xenbus_frontend_closed',
  applies: (p) => p.frontend === 'mirage',
  when: (s) => s.fe.inst && s.fe.dev !== XenbusStateClosed && xsExists(s.xs, FE) && [XenbusStateClosing, XenbusStateClosed].includes(beNode(s)),
  then: (d, s, p) => {
    d.fe.dev = XenbusStateClosed;
    xsWrite(d.xs, `${FE}/state`, String(XenbusStateClosed), p.txnConflicts);
  },
};

export default deriveModel(xenbus, {
  name: 'xenbus-mirage-close-on-closing',
  description: 'MirageOS netfront answers the backend\'s Closing by closing (fix of finding M1)',
  see: 'mirage-net-xen lib/xenstore.ml; docs/models/xenbus.md M1',
  add: [closeOnClosing],
});
