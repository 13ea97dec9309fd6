/**
 * The toolstack-side candidate fix for finding blkif-safe-remove
 * (docs/upstream/blkif-safe-remove.md "Which fix"): libxl's safe remove
 * (tools/libs/light/libxl_device.c libxl__initiate_device_generic_remove)
 * writes its Closing only after the backend probed: reading the backend's
 * state Initialising (a destination's vbd being restored, `xl block-detach
 * NAME--incoming`), it waits for the node to change before it writes. That
 * removes the second writer (xen_blkbk_probe's InitWait over the Closing) but
 * not the first: connect()'s xenbus_switch_state(Connected) still writes over
 * a Closing written after the probe, with or without a migration (at
 * `requests=1` in the 11 steps of the finding's trace; at the defaults in 36
 * steps, as without this change; with a migration in 16, the detach after
 * the restore).
 * libxl cannot close connect()'s window (it lies between blkfront's
 * Initialised and blkback's watch handler, both in other domains), so a
 * toolstack-only fix does not cover the finding: blkback's (connect and probe,
 * examples/blkif-safe-remove-fix.ts) or the xenbus core's
 * (examples/blkif-safe-remove-xenbus-fix.ts) does.
 *
 * @pvcheck check -p removal=libxl -p requests=1
 * @pvcheck expect deadlock in 11 steps
 * @pvcheck check -p removal=libxl -p migrate=true -p requests=2
 * @pvcheck expect deadlock in 16 steps
 */
import { deriveModel, blkif, blkifModel } from 'pvcheck';
const { libxlSafeRemove, XenbusStateInitialising } = blkifModel;

export default deriveModel(blkif, {
  name: 'blkif-safe-remove-libxl-fix',
  description: 'libxl whose safe remove writes Closing only once the backend probed (its node no longer Initialising)',
  see: 'tools/libs/light/libxl_device.c libxl__initiate_device_generic_remove, libxl__wait_device_connection; drivers/block/xen-blkback/xenbus.c connect, xen_blkbk_probe',
  // a migration's restore with a detach also finds blkif-resume-bios-lost (F_set_aside_resubmitted: bios
  // blkfront_resume set aside, lost when blkfront closes before blkif_recover): another finding, with its own
  // fix (examples/blkif-resume-bios-lost-fix.ts); this example checks blkif-safe-remove's fix only
  removeInvariants: ['F_set_aside_resubmitted'],
  replace: {
    libxl_device_disk_safe_remove: {
      ...libxlSafeRemove,
      doc: 'as libxl, except that a backend node reading Initialising (not probed yet) is waited on before the transaction that writes online = 0 and Closing',
      when: (s, p, a) => libxlSafeRemove.when!(s, p, a) && s.life!.be !== XenbusStateInitialising,
    },
  },
});
