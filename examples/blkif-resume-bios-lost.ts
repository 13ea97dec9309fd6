/**
 * A detach of a disk in use after a migration loses the requests that were
 * outstanding at the migration, and their submitters hang (Linux 6.12.118,
 * drivers/block/xen-blkfront.c; docs/models/blkif.md "Requests outstanding
 * at a migration, then a detach"). `blkfront_resume` (2067-) ends every
 * request outstanding with `blk_mq_end_request(req, BLK_STS_OK)` after
 * moving its bios to `info->bio_list` (`request->bio = NULL`: the bios are
 * not ended); only `blkif_recover` (2011-), which `blkfront_connect` runs in
 * `BLKIF_STATE_SUSPENDED`, submits them again. When the toolstack's Closing
 * reaches blkfront first (an `xl block-detach` after the restore, before
 * blkback connected), `blkback_changed` -> `blkfront_closing` closes without
 * looking at `info->bio_list`, and `blkfront_remove` (2473-) frees `info`
 * with the bios on it: nothing ever calls their bio_endio, so whoever waits
 * for them (a writeback folio, `submit_bio_wait`, fsync) waits forever in D
 * state. (Flush, FUA and discard requests are kept whole on `info->requests`
 * instead, still holding the queue's usage count: `del_gendisk`'s freeze in
 * `blkfront_remove` then waits for them, as in blkif-crash-remove; the model
 * has reads and writes only.) The detach itself succeeds: `removal=libxl`'s
 * valid end (libxl saw Closed, blkback freed everything) holds, which is why
 * the default check passes; the promise to the guest's I/O is this opt-in
 * invariant.
 *
 * @pvcheck check -p migrate=true -p removal=libxl -p requests=2 -i F_set_aside_resubmitted
 * @pvcheck expect violation F_set_aside_resubmitted in 10 steps
 */
import { deriveModel, blkif, blkifModel } from 'pvcheck';
const { feDevOf, XenbusStateClosed } = blkifModel;

export default deriveModel(blkif, {
  name: 'blkif-resume-bios-lost',
  description: 'blkif with the promise that the bios blkfront_resume set aside are submitted again before blkfront closes (migrate with removal=libxl)',
  see: 'drivers/block/xen-blkfront.c blkfront_resume, blkif_recover, blkfront_connect, blkback_changed, blkfront_closing, blkfront_remove; tools/libs/light/libxl_device.c libxl__initiate_device_generic_remove',
  invariants: [
    {
      name: 'F_set_aside_resubmitted',
      description: 'blkfront does not close with bios set aside by blkfront_resume (requests outstanding at the migration) not yet submitted again by blkif_recover: closed, it never submits them, and blkfront_remove frees them unended',
      see: 'drivers/block/xen-blkfront.c blkfront_resume (info->bio_list), blkif_recover, blkfront_closing, blkfront_remove (kfree(info))',
      holds: (s) => s.life?.aside === undefined || s.life.aside === 0 || feDevOf(s.life) !== XenbusStateClosed,
    },
  ],
});
