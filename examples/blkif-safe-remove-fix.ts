/**
 * A change to check for the finding blkif-safe-remove (docs/findings.md):
 * blkback's connect() no longer writes Connected over the toolstack's
 * Closing. Today `xl block-detach` without -f (libxl_device_disk_safe_remove,
 * LIBXL__FORCE_OFF) writes `online = 0` and `state = 5` into the backend's
 * directory and waits LIBXL_DESTROY_TIMEOUT (10 s) for Closed; when the
 * guest has just written Initialised, blkback's frontend_changed ->
 * xen_update_blkif_status -> connect() switches to Connected:
 * `__xenbus_switch_state` (drivers/xen/xenbus/xenbus_client.c) compares
 * with the cached `dev->state` (InitWait), reads the node only to see that it
 * exists, and writes 4 over libxl's 5. blkfront's watch handler then reads
 * Connected, connects, and never sees the Closing: no one closes, the wait
 * times out, the detach fails and leaves the disk attached with online = 0.
 *
 * The change: connect() reads the backend's `state` in its transaction (it
 * already has one open for feature-persistent, sectors, info) and, if it
 * reads Closing, does not connect but switches Closing itself (as
 * frontend_changed(Closing) does), so blkfront closes and the removal
 * completes. A change in the xenbus core (`__xenbus_switch_state` refusing to
 * write a state other than Closing or Closed over a node that reads Closing)
 * would do the same for netback. With it every end of `-p removal=libxl`
 * is valid: libxl saw Closed, blkback freed the blkif with nothing mapped,
 * requests in flight at the removal included.
 *
 * connect() is not the only writer over the Closing (session 25): an `xl
 * block-detach` of a guest being migrated (`xl block-detach NAME--incoming`,
 * which libxl does not refuse) can write Closing before the destination's
 * blkback probed, and xen_blkbk_probe's xenbus_switch_state(InitWait) writes
 * 2 over it (`dev->state` is Initialising; at 7.0 too, the node reads
 * Closing, not Initialising); the restore then sees InitWait, the guest
 * resumes and connects, and the detach times out as before: with connect()'s
 * check alone, `-p migrate=true -p removal=libxl -p requests=2` deadlocks in
 * 19 steps (test/blkifMigrate). So the change also makes xen_blkbk_probe
 * read the node and follow a Closing (switch Closing, as connect() here; the
 * xenbus-core variant would refuse the write): the restore then waits for InitWait until
 * LIBXL_INIT_TIMEOUT, the migration fails and the guest runs on at the
 * source (a valid end), and the detach fails with the incoming domain.
 *
 * Bounds: the first line is the one the shape tests run on both paths
 * (62,539 states); at the defaults with `removal=libxl` it verifies too
 * (281,284 states, 1.8 s of one core, 2026-12-06).
 *
 * @pvcheck check -p removal=libxl -p pending=2 -p requests=4
 * @pvcheck expect ok
 * @pvcheck check -p removal=libxl
 * @pvcheck expect ok
 * @pvcheck check -p removal=libxl -p segments=2 -p pages=2 -p requests=3
 * @pvcheck expect ok
 * @pvcheck check -p removal=libxl -p migrate=true -p requests=2
 * @pvcheck expect ok
 * @pvcheck check -p removal=libxl -p migrate=true -p requests=2 -p bus=7.0
 * @pvcheck expect ok
 */
import { deriveModel, blkif, blkifModel } from 'pvcheck';
const { frontendChanged, xenBlkbkProbe, backendSwitchState, XenbusStateInitialised, XenbusStateConnected, XenbusStateClosing } = blkifModel;

export default deriveModel(blkif, {
  name: 'blkif-safe-remove-fix',
  description: 'blkback whose connect() follows a Closing the toolstack wrote instead of writing Connected over it',
  see: 'drivers/block/xen-blkback/xenbus.c connect, frontend_changed; drivers/xen/xenbus/xenbus_client.c __xenbus_switch_state; tools/libs/light/libxl_device.c libxl__initiate_device_generic_remove',
  // a migration's restore with a detach also finds blkif-resume-bios-lost (F_set_aside_resubmitted: bios
  // blkfront_resume set aside, lost when blkfront closes before blkif_recover): another finding, with its own
  // fix (examples/blkif-resume-bios-lost-fix.ts); this example checks blkif-safe-remove's fix only
  removeInvariants: ['F_set_aside_resubmitted'],
  replace: {
    frontend_changed: {
      ...frontendChanged,
      doc: 'as Linux, except that connect() reads the backend\'s state node in its transaction: Closing (the toolstack\'s) is followed (switch Closing), not overwritten with Connected',
      then: (d, s, p, a) => {
        const l = s.life!;
        if ((l.fe === XenbusStateInitialised || l.fe === XenbusStateConnected) && l.beDev !== XenbusStateConnected && l.be === XenbusStateClosing) {
          const w = d.life as blkifModel.LifeDraft;
          w.beWatch = false;
          backendSwitchState(w, XenbusStateClosing, p);
          return;
        }
        frontendChanged.then(d, s, p, a);
      },
    },
    xen_blkbk_probe: {
      ...xenBlkbkProbe,
      doc: 'as Linux, except that the probe reads the backend\'s state node in its switch\'s transaction: a Closing (the toolstack\'s, written before the probe) is followed (switch Closing, as connect() here), not overwritten with InitWait; the otherend watch is registered as usual',
      then: (d, s, p, a) => {
        if (s.life!.be === XenbusStateClosing) {
          const w = d.life as blkifModel.LifeDraft;
          backendSwitchState(w, XenbusStateClosing, p);
          w.beWatch = true;
          return;
        }
        xenBlkbkProbe.then(d, s, p, a);
      },
    },
  },
});
