/**
 * Finding F3 (docs/models/xenbus.md), and its fix. `xennet_xdp_set` switches
 * the frontend to Reconfiguring first and writes `xdp-headroom` afterwards
 * (`talk_to_netback_xdp`, XBT_NIL). netback's otherend watch can run in
 * between: `read_xenbus_frontend_xdp` reads the old value (0, written by
 * talk_to_netback at connect time), netback answers Reconfigured, and netfront
 * enables XDP. netback then places received packets with no headroom while
 * `xennet_run_xdp` hands the program the data at offset XDP_PACKET_HEADROOM.
 *
 * The fix checked here: write `xdp-headroom` before the switch to
 * Reconfiguring, so that whatever netback reads on Reconfiguring is the new
 * value. The built-in xenbus model is Linux as it is and reports
 * X9_xdp_headroom_agrees in 11 steps at these parameters (at its defaults,
 * `events=3`, and at `events=1`).
 *
 * @pvcheck check -p reconfigure=1 -p events=1 -i X9_xdp_headroom_agrees
 * @pvcheck expect ok
 * @pvcheck check -p reconfigure=1 -i X9_xdp_headroom_agrees
 * @pvcheck expect ok
 */
import { deriveModel, type Rule, xenbusModel, xenstore } from 'pvcheck';
const { FE, XDP_PACKET_HEADROOM, XenbusStateReconfiguring, spend, switchState, talk_to_netback_xdp, xennet_xdp_set, xenbus } = xenbusModel;
type XenbusModelState = xenbusModel.XenbusModelState;
type XenbusParams = xenbusModel.XenbusParams;
type R = Rule<XenbusModelState, XenbusParams>;
const { xsWrite } = xenstore;

/** xennet_xdp_set: talk_to_netback_xdp first (rtnl held, as in Linux). */
const headroomFirst: R = {
  ...xennet_xdp_set,
  doc: 'XDP program attach: write xdp-headroom=256 (XBT_NIL) before switching Reconfiguring',
  then: (d, s, p) => {
    spend(d, s, 'reconfigure');
    xsWrite(d.xs, `${FE}/xdp-headroom`, String(XDP_PACKET_HEADROOM), p.txnConflicts);
    d.fe.xdp = 'reconf';
  },
};

/** Then xenbus_switch_state(Reconfiguring) and the wait. */
const switchThenWait: R = {
  ...talk_to_netback_xdp,
  doc: 'xenbus_switch_state(Reconfiguring), then wait_event(module_wq, backend == Reconfigured)',
  then: (d, s, p) => {
    switchState(d, 'fe', XenbusStateReconfiguring, p);
    d.fe.xdp = 'wait';
    d.fe.wake = true;
  },
};

export default deriveModel(xenbus, {
  name: 'xenbus-xdp-headroom-first',
  description: 'xennet_xdp_set writes xdp-headroom before switching Reconfiguring (fix of finding F3)',
  see: 'netfront xennet_xdp_set, talk_to_netback_xdp; netback read_xenbus_frontend_xdp; docs/models/xenbus.md F3',
  replace: { xennet_xdp_set: headroomFirst, talk_to_netback_xdp: switchThenWait },
});
