/**
 * blkback's connect() check alone, the first candidate fix of finding
 * blkif-safe-remove (docs/upstream/blkif-safe-remove.md "Which fix"):
 * connect() reads the backend's state node in the transaction it already
 * opens (drivers/block/xen-blkback/xenbus.c connect, Linux 6.12) and follows
 * a Closing (switch Closing) instead of writing Connected over it. It covers
 * the first writer (`-p removal=libxl`: ok) but not the second: an `xl
 * block-detach` of a guest during its migration's restore can write Closing
 * before the destination's blkback probed, and xen_blkbk_probe's
 * xenbus_switch_state(InitWait) writes 2 over the 5; the restore sees
 * InitWait, the guest resumes and connects, the detach times out (deadlock
 * in 19 steps, on 6.12's and 7.0's xenbus core alike: 7.0's check is for a
 * node reset to Initialising). examples/blkif-safe-remove-fix.ts adds the
 * probe's check; examples/blkif-safe-remove-xenbus-fix.ts has one check in the
 * xenbus core for both.
 *
 * @pvcheck check -p removal=libxl -p migrate=true -p requests=2
 * @pvcheck expect deadlock in 19 steps
 * @pvcheck check -p removal=libxl
 * @pvcheck expect ok
 * @pvcheck check -p removal=libxl -p migrate=true -p requests=2 -p bus=7.0
 * @pvcheck expect deadlock in 19 steps
 */
import { deriveModel, blkif, blkifModel } from 'pvcheck';
const { frontendChanged, frontendChangedWith, backendSwitchState, XenbusStateConnected, XenbusStateClosing } = blkifModel;

/** connect()'s switch to Connected reads the node first: a Closing is followed (switch Closing), not overwritten. */
const connectChecks: blkifModel.BackendSwitch = (l, to, p) =>
  backendSwitchState(l, to === XenbusStateConnected && l.be === XenbusStateClosing ? XenbusStateClosing : to, p);

export default deriveModel(blkif, {
  name: 'blkif-safe-remove-connect-only',
  description: 'blkback whose connect() follows a Closing the toolstack wrote instead of writing Connected over it; the probe unchanged',
  see: 'drivers/block/xen-blkback/xenbus.c connect, xen_blkbk_probe; drivers/xen/xenbus/xenbus_client.c __xenbus_switch_state',
  // a migration's restore with a detach also finds blkif-resume-bios-lost (F_set_aside_resubmitted: bios
  // blkfront_resume set aside, lost when blkfront closes before blkif_recover): another finding, with its own
  // fix (examples/blkif-resume-bios-lost-fix.ts); this example checks blkif-safe-remove's fix only
  removeInvariants: ['F_set_aside_resubmitted'],
  replace: {
    frontend_changed: {
      ...frontendChanged,
      doc: 'as Linux, except that connect() reads the backend\'s state node in its transaction: a Closing is followed (switch Closing), not overwritten with Connected',
      then: frontendChangedWith(connectChecks),
    },
  },
});
