/**
 * The fix for finding blkif-resume-bios-lost (docs/findings.md; Linux 6.12.118,
 * drivers/block/xen-blkfront.c; docs/models/blkif.md "Requests outstanding at
 * a migration, then a detach"). `blkfront_resume` (2067-) ends every request
 * outstanding with `blk_mq_end_request(req, BLK_STS_OK)` after moving its bios
 * to `info->bio_list` (`request->bio = NULL`: the bios are not ended); only
 * `blkif_recover` (2011-), which `blkfront_connect` runs in
 * `BLKIF_STATE_SUSPENDED`, submits them again. When the toolstack's Closing
 * reaches blkfront first (an `xl block-detach` after the restore, before
 * blkback connected), `blkback_changed` -> `blkfront_closing` closes without
 * looking at `info->bio_list`, and `blkfront_remove` (2473-) frees `info` with
 * the bios on it: the built-in invariant `F_set_aside_resubmitted` is violated
 * (`pvcheck check blkif -p migrate=true -p removal=libxl -p requests=2`: 10
 * steps; with the guest's unbind too, `-p unbind=true`, 9 steps through
 * `xenbus_dev_remove` -> `blkfront_remove`; and by the unbind alone, no libxl:
 * `-p unbind=true -p migrate=true --no-deadlock`, 8 steps). The fix here: `blkfront_closing`,
 * and `blkfront_remove` for an unbind, end each bio on `info->bio_list` with an
 * error (`bio_list_pop` + `bio_io_error`) when they close a device that never
 * recovered, so their submitters see -EIO instead of waiting forever (the
 * device is going away: nothing would submit them), and end each flush or
 * discard request `blkfront_resume` kept whole on `info->requests` with
 * `blk_mq_end_request(req, BLK_STS_IOERR)` (`-p ops=...`: else `del_gendisk`
 * waits for it, F_parked_requeued). The detach's own
 * ending (`removal=libxl`'s valid end) is unchanged; blkif-safe-remove's
 * deadlock (blkback writing Connected over libxl's Closing) is another
 * finding, left out of this check with `--no-deadlock`.
 *
 * @pvcheck check -p migrate=true -p removal=libxl -p requests=2 --no-deadlock
 * @pvcheck expect ok
 * @pvcheck check -p migrate=true -p removal=libxl -p requests=2 -p bus=7.0 --no-deadlock
 * @pvcheck expect ok
 * @pvcheck check -p migrate=true -p removal=libxl -p requests=2 -p unbind=true --no-deadlock
 * @pvcheck expect ok
 * @pvcheck check -p migrate=true -p unbind=true -p requests=2 --no-deadlock
 * @pvcheck expect ok
 * @pvcheck check -p migrate=true -p removal=libxl -p unbind=true -p ops=rw+flush+discard -p requests=2 --no-deadlock
 * @pvcheck expect ok
 */
import { deriveModel, blkif, blkifModel } from 'pvcheck';
const { blkbackChanged, xenbusDevRemove, feDevOf, XenbusStateClosed } = blkifModel;
type R = typeof blkbackChanged;

/** `rule`, and then the fix: a blkfront that is Closed ends each bio left on info->bio_list (bio_io_error). */
const endingParkedBios = (rule: R, where: string): R => ({
  ...rule,
  doc: `${rule.doc}; with the fix, ${where} ends each bio left on info->bio_list with bio_io_error (-EIO to its submitter)`,
  then: (d, s, p, a) => {
    rule.then(d, s, p, a);
    const l = d.life!;
    if (l.aside !== undefined && l.aside > 0 && feDevOf(l) === XenbusStateClosed) (l as { aside: number }).aside = 0;
    // (-p ops with flush or discard) and each request left whole on info->requests with blk_mq_end_request(req, BLK_STS_IOERR)
    if (l.parked !== undefined && l.parked > 0 && feDevOf(l) === XenbusStateClosed) (l as { parked: number }).parked = 0;
  },
});

export default deriveModel(blkif, {
  name: 'blkif-resume-bios-lost-fix',
  description: 'blkfront whose blkfront_closing and blkfront_remove end with an error the bios blkfront_resume set aside and blkif_recover never submitted (bio_io_error on info->bio_list), and the flush and discard requests it kept on info->requests',
  see: 'drivers/block/xen-blkfront.c blkfront_resume, blkif_recover, blkback_changed, blkfront_closing, blkfront_remove; block/bio.c bio_io_error',
  replace: {
    blkback_changed: endingParkedBios(blkbackChanged, 'blkfront_closing'),
    xenbus_dev_remove: endingParkedBios(xenbusDevRemove, 'blkfront_remove (the guest\'s unbind)'),
  },
});
