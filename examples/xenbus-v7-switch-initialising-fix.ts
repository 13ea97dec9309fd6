/**
 * A finding about Linux 7.0's xenbus core (docs/findings.md xenbus-V1), and a
 * fix. Juergen Gross's e2dcf9065536 ("xen/xenbus: better handle backend
 * crash") makes `__xenbus_switch_state` abort when its transaction reads the
 * node reset to Initialising by the toolstack (`current_state != dev->state &&
 * current_state == XenbusStateInitialising`), leaving `dev->state` as it was.
 * A netfront bound again after its unbound device was migrated (the
 * destination's libxl wrote the node 1; `xenbus_dev_resume` skips a device
 * with no driver, so `dev->state` is still the Closed of the unbind) switches
 * to Initialising in `xennet_create_dev`: nothing is written, `dev->state`
 * stays Closed, `netback_changed` ignores the backend's InitWait, and the vif
 * never connects (`pvcheck check xenbus -p bus=7.0 -p unplug=0`: a deadlock
 * in 14 steps; 6.12 connects).
 *
 * The fix checked here: the abort leaves a switch *to* Initialising alone
 * (`&& state != XenbusStateInitialising`): it writes the 1 the node already
 * holds and sets `dev->state`. The model's only such switch is the rebind's
 * (`xennet_create_dev`); a probe from the bus sets `dev->state` itself
 * (`xenbus_probe_node`).
 *
 * @pvcheck check -p bus=7.0 -p unplug=0
 * @pvcheck expect ok
 * @pvcheck check -p unplug=0
 * @pvcheck expect ok
 */
import { deriveModel, type Rule, xenbusModel } from 'pvcheck';
const { netfront_rebind, netfrontProbeStart, spend, xenbus } = xenbusModel;

const rebindSwitchWritesInitialising: Rule<xenbusModel.XenbusModelState, xenbusModel.XenbusParams> = {
  ...netfront_rebind,
  doc: 'a new netfront instance binds to the existing device (driver reload): xennet_create_dev switches Initialising, which the fixed __xenbus_switch_state writes even over a node the toolstack reset to Initialising, and waits while the backend is Closed or Unknown',
  see: 'netfront netfront_probe, xennet_create_dev; Linux 7.0 xenbus_client.c __xenbus_switch_state (e2dcf9065536), with `state != XenbusStateInitialising` added to its reset check',
  then: (d, s, p) => { spend(d, s, 'reconnect'); netfrontProbeStart(d, s, p, 'modprobe', true); },
};

export default deriveModel(xenbus, {
  name: 'xenbus-v7-switch-initialising-fix',
  description: 'Linux 7.0\'s __xenbus_switch_state does not abort a switch to Initialising over a node reset to Initialising (fix of finding V1)',
  see: 'Linux drivers/xen/xenbus/xenbus_client.c __xenbus_switch_state (e2dcf9065536); docs/findings.md xenbus-V1',
  replace: { 'netfront_probe(driver bind)': rebindSwitchWritesInitialising },
});
