/**
 * A defence of MirageOS's netfront, removed (docs/models/xenbus.md, "Peers
 * beyond Linux"). mirage-net-xen's `plug_inner` writes its configuration
 * (`tx-ring-ref`, `rx-ring-ref`, `event-channel`, the feature requests) in one
 * transaction (`write_frontend_configuration`) and only then writes
 * state=Connected (`connect`). Linux netback runs connect() when it reads
 * Connected, and today's netback publishes Connected even when connect()
 * failed (finding F6: a hostile guest reaches it in 4 steps): the order of
 * those two writes is what keeps netback from claiming a connection with
 * nothing mapped when a MirageOS guest is its peer.
 *
 * The variant swaps them: Connected first, the configuration after. Netback
 * reads Connected, finds no `tx-ring-ref`, calls `xenbus_dev_fatal`, then
 * `backend_switch_state(Connected)` publishes Connected before the hotplug
 * script ran (X4) and with no ring mapped (X11). The built-in model
 * (`-p frontend=mirage`) verifies every invariant at the same parameters.
 *
 * @pvcheck check -p frontend=mirage -i X4_connected_after_hotplug
 * @pvcheck expect violation X4_connected_after_hotplug in 4 steps
 * @pvcheck check -p frontend=mirage -i X11_connected_with_rings
 * @pvcheck expect violation X11_connected_with_rings in 4 steps
 * @pvcheck fixed-by xenbus -p events=2
 */
import { deriveModel, withDefaults, type Rule, xenbusModel, xenstore } from 'pvcheck';
const { FE, XenbusStateConnected, XenbusStateInitialising, feNode, mirage_connect, mirage_plug_inner, xenbus } = xenbusModel;
type XenbusModelState = xenbusModel.XenbusModelState;
type XenbusParams = xenbusModel.XenbusParams;
const { xsWrite } = xenstore;

const connectFirst: Rule<XenbusModelState, XenbusParams> = {
  ...mirage_connect,
  name: 'Netif.plug_inner(connect before write_frontend_configuration)',
  doc: 'the variant: state=Connected written first, before any key',
  when: (s) => !s.fe.inst && s.ts.phase === 'plugged' && feNode(s) === XenbusStateInitialising,
  then: (d, s, p) => { xsWrite(d.xs, `${FE}/state`, String(XenbusStateConnected), p.txnConflicts); },
};

const configurationAfter: Rule<XenbusModelState, XenbusParams> = {
  ...mirage_plug_inner,
  name: 'Netif.plug_inner(write_frontend_configuration after connect)',
  doc: 'the variant: the rings, the event channel and the configuration transaction after Connected',
  when: (s) => !s.fe.inst && s.ts.phase === 'plugged' && feNode(s) === XenbusStateConnected,
  then: (d, s, p, a) => {
    mirage_plug_inner.then(d, s, p, a);
    d.fe.dev = XenbusStateConnected;
  },
};

export default deriveModel(xenbus, {
  name: 'xenbus-mirage-connect-before-keys',
  params: withDefaults(xenbus.params, { events: 2 }), // the bounds the header was written at
  description: 'MirageOS netfront writes Connected before its ring refs and event channel (a defence removed)',
  see: 'mirage-net-xen lib/frontend.ml plug_inner, lib/xenstore.ml write_frontend_configuration, connect; netback xenbus.c connect()',
  replace: { 'Netif.plug_inner(write_frontend_configuration)': configurationAfter, 'Netif.plug_inner(connect)': connectFirst },
});
