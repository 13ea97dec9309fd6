/**
 * A finding about Linux netfront (docs/findings.md xenbus-F7), and a fix.
 * `xennet_create_dev` waits, on every probe, for a backend that is neither
 * Closed nor Unknown: `do { xenbus_switch_state(dev, XenbusStateInitialising);
 * err = wait_event_timeout(module_wq, backend != Closed && backend != Unknown,
 * XENNET_TIMEOUT); } while (!err);` (drivers/net/xen-netfront.c). Once libxl
 * removed the device (`libxl__device_destroy`: both directories gone, the
 * backend reads Unknown for good) nothing ends the loop. The probe holds the
 * device lock, so the removal of the device directory (`xenbus_dev_changed` ->
 * `device_unregister`, on the guest's xenwatch thread) waits for it too: the
 * guest's xenwatch thread hangs, and with it every xenstore watch of the guest
 * (its other PV devices, `control/shutdown`). Honest Linux on both sides
 * reaches it at the defaults (`pvcheck check xenbus`: a deadlock in 10 steps:
 * a driver unbind and rebind while libxl unplugs), and a driver domain that
 * writes Closed before the guest probes reaches it with the probe on the
 * xenwatch thread itself (`-p backend=hostile`: 6 steps).
 *
 * The fix checked here: the wait also ends when the device's own directory is
 * gone (`xenbus_exists(XBT_NIL, dev->nodename, "")` fails): the probe returns
 * -ENODEV, the device stays on the bus without a driver, and its removal event
 * unregisters it.
 *
 * @pvcheck check
 * @pvcheck expect ok
 * @pvcheck check -p backend=hostile
 * @pvcheck expect ok
 */
import { deriveModel, type Rule, xenbusModel, xenstore } from 'pvcheck';
const { FE, linuxFrontend, xenbus } = xenbusModel;
type XenbusModelState = xenbusModel.XenbusModelState;
type XenbusParams = xenbusModel.XenbusParams;
const { xsExists } = xenstore;

const giveUpWhenRemoved: Rule<XenbusModelState, XenbusParams> = {
  name: 'xennet_create_dev(device removed)', actor: 'frontend',
  doc: 'the wait in xennet_create_dev finds its own directory gone (the toolstack removed the device): the probe fails with -ENODEV and releases the device lock; the device stays on the bus without a driver until its removal event unregisters it',
  see: 'netfront xennet_create_dev (the fix: leave the loop when xenbus_exists(dev->nodename) fails); xenbus_probe.c xenbus_dev_probe (a failed probe)',
  applies: linuxFrontend,
  when: (s) => s.fe.probe !== 'none' && !xsExists(s.xs, FE),
  then: (d) => { d.fe.probe = 'none'; },
};

export default deriveModel(xenbus, {
  name: 'xenbus-create-dev-removed-fix',
  description: 'netfront\'s probe stops waiting for the backend once the device is removed (fix of finding F7)',
  see: 'Linux drivers/net/xen-netfront.c xennet_create_dev; docs/findings.md xenbus-F7',
  add: [giveUpWhenRemoved],
});
