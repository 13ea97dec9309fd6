/**
 * The xenbus-core candidate fix for finding blkif-safe-remove (docs/findings.md;
 * docs/upstream/blkif-safe-remove.md "Which fix"): `__xenbus_switch_state`
 * (drivers/xen/xenbus/xenbus_client.c, Linux 6.12: it compares the new state
 * with the cached `dev->state` only, and reads the node in its transaction only
 * to see that it exists) refuses to leave a Closing someone else wrote: when
 * the node it reads reads Closing, `dev->state` is not Closing, and the new
 * state is neither Closing nor Closed, it writes nothing and takes Closing as
 * `dev->state` (the shape of 7.0's reset check, e2dcf9065536, for Closing).
 * blkback's two writers over libxl's Closing are both covered by this one
 * check: connect()'s xenbus_switch_state(Connected) (xen_update_blkif_status
 * then finds dev->state not Connected and starts no xenblkd; blkfront, whose
 * otherend watch libxl's write fired, reads Closing and closes, and blkback
 * follows its Closed: Closed is written over Closing), and xen_blkbk_probe's
 * xenbus_switch_state(InitWait) on a destination whose detach wrote Closing
 * before the probe (the restore then waits until LIBXL_INIT_TIMEOUT, the
 * migration fails, the guest runs on at the source: a valid end). It would
 * cover netback's backend_switch_state(Connected) too (not modelled here);
 * blkfront's switches are unchanged (libxl never writes the frontend's node).
 *
 * Verified on both xenbus cores (6.12, and 7.0 whose reset check it sits
 * beside), without and with a migration (2026-12-06, session 25).
 *
 * @pvcheck check -p removal=libxl -p migrate=true -p requests=2
 * @pvcheck expect ok
 * @pvcheck check -p removal=libxl
 * @pvcheck expect ok
 * @pvcheck check -p removal=libxl -p bus=7.0
 * @pvcheck expect ok
 * @pvcheck check -p removal=libxl -p migrate=true -p requests=2 -p bus=7.0
 * @pvcheck expect ok
 */
import { deriveModel, blkif, blkifModel } from 'pvcheck';
const { frontendChanged, frontendChangedWith, xenBlkbkProbe, xenBlkbkProbeWith, backendSwitchState, XenbusStateClosing, XenbusStateClosed } = blkifModel;

/** __xenbus_switch_state with the check: a Closing the node reads and `dev->state` does not is not left, except for Closed. */
const switchKeepingClosing: blkifModel.BackendSwitch = (l, to, p) => {
  if (l.be === XenbusStateClosing && l.beDev !== XenbusStateClosing && to !== XenbusStateClosing && to !== XenbusStateClosed) {
    l.beDev = XenbusStateClosing;
    return;
  }
  backendSwitchState(l, to, p);
};

export default deriveModel(blkif, {
  name: 'blkif-safe-remove-xenbus-fix',
  description: 'blkif on a xenbus core whose __xenbus_switch_state does not write over a Closing the toolstack wrote (anything but Closed refused; dev->state takes the Closing)',
  see: 'drivers/xen/xenbus/xenbus_client.c __xenbus_switch_state; drivers/block/xen-blkback/xenbus.c connect, xen_update_blkif_status, xen_blkbk_probe; tools/libs/light/libxl_device.c libxl__initiate_device_generic_remove',
  // a migration's restore with a detach also finds blkif-resume-bios-lost (F_set_aside_resubmitted: bios
  // blkfront_resume set aside, lost when blkfront closes before blkif_recover): another finding, with its own
  // fix (examples/blkif-resume-bios-lost-fix.ts); this example checks blkif-safe-remove's fix only
  removeInvariants: ['F_set_aside_resubmitted'],
  replace: {
    frontend_changed: {
      ...frontendChanged,
      doc: 'as Linux, with the xenbus core\'s check: connect()\'s switch to Connected over the toolstack\'s Closing writes nothing, dev->state becomes Closing, no xenblkd',
      then: frontendChangedWith(switchKeepingClosing),
    },
    xen_blkbk_probe: {
      ...xenBlkbkProbe,
      doc: 'as Linux, with the xenbus core\'s check: the probe\'s switch to InitWait over a Closing written before it writes nothing, dev->state becomes Closing; the otherend watch is registered as usual',
      then: (d, _s, p) => xenBlkbkProbeWith(switchKeepingClosing)(d, p),
    },
  },
});
