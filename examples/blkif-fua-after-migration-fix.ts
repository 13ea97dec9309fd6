/**
 * Finding blkif-fua-after-migration, fixed: after `xl migrate` from a host
 * whose backend writes `feature-barrier` without `feature-flush-cache` (a
 * backend that orders writes by barriers: blkfront reads feature_flush and
 * feature_fua, the queue gets BLK_FEAT_FUA) to one that writes
 * `feature-flush-cache` (Linux blkback on a disk with a write cache),
 * Linux 6.12's blkfront keeps the queue's BLK_FEAT_FUA:
 * `blkif_set_queue_limits` only ever ors BLK_FEAT_WRITE_CACHE and
 * BLK_FEAT_FUA into the limits `blkif_recover` copied
 * (`queue_limits_start_update`), so the block layer keeps passing REQ_FUA
 * writes whole (block/blk-flush.c `blk_insert_flush`: no post-flush), and
 * `blkif_queue_rw_req`, with feature_fua now 0, sends them as
 * BLKIF_OP_FLUSH_DISKCACHE with their data: blkback flushes *before* the
 * write (`dispatch_rw_block_io`: REQ_PREFLUSH, no REQ_FUA) and answers
 * BLKIF_RSP_OKAY; the write may sit in the disk's cache while the guest's
 * O_DSYNC write, fsync or journal commit has returned. The REQ_FUA writes
 * outstanding at the migration take the same route: `blkfront_resume` keeps
 * them whole (`cmd_flags & REQ_FUA`, its own "XXX: but this doesn't make
 * any sense for a write with the FUA flag set..") and `blkif_recover`
 * requeues them with their REQ_FUA.
 *
 * The fix, two parts: `blkif_set_queue_limits` sets both features both ways
 * (clears BLK_FEAT_WRITE_CACHE and BLK_FEAT_FUA first), so REQ_FUA reaches
 * blkfront only while feature_fua says a barrier carries it; and
 * `blkfront_resume` re-submits a FUA write's bios as it does a write's
 * (`info->bio_list`), so the block layer sequences them again for the new
 * queue (a post-flush). The limits alone leave the requeued writes
 * (test/blkifFua).
 *
 * @pvcheck check -p ops=rw+flush+fua -p flushNodes=barrier-only -p indirect=false -p migrate=true -p destFeatures=flushcache
 * @pvcheck expect ok
 * @pvcheck check -p ops=rw+flush+fua -p flushNodes=barrier-only -p indirect=false -p migrate=true -p destFeatures=flushcache -p bus=7.0
 * @pvcheck expect ok
 */
import { deriveModel, withDefaults, blkif, blkifModel } from 'pvcheck';
const { blkbackChanged, xlMigrate, feDevOf, XenbusStateConnected } = blkifModel;

/** blkif_set_queue_limits with BLK_FEAT_FUA set both ways: at each blkfront_connect, from feature_flush and feature_fua. */
export const limitsBothWays = {
  ...blkbackChanged,
  doc: `${blkbackChanged.doc}; with the fix, blkif_set_queue_limits clears BLK_FEAT_WRITE_CACHE and BLK_FEAT_FUA before setting them from the features`,
  then: (d: Parameters<typeof blkbackChanged.then>[0], s: Parameters<typeof blkbackChanged.then>[1], p: Parameters<typeof blkbackChanged.then>[2], a: unknown) => {
    blkbackChanged.then(d, s, p, a);
    if (s.front.fua !== undefined && s.life !== undefined && feDevOf(s.life) !== XenbusStateConnected && feDevOf(d.life!) === XenbusStateConnected) {
      d.front.fuaQueue = d.front.flush === true && d.front.fua === true;
    }
  },
};

export default deriveModel(blkif, {
  name: 'blkif-fua-after-migration-fix',
  description: 'blkfront whose blkif_set_queue_limits sets BLK_FEAT_FUA both ways and whose blkfront_resume re-submits a REQ_FUA write\'s bios',
  see: 'drivers/block/xen-blkfront.c blkif_set_queue_limits, blkif_recover, blkfront_resume, blkif_queue_rw_req; block/blk-flush.c blk_insert_flush',
  params: withDefaults(blkif.params, { ringSize: 2, requests: 3, pages: 2, maxPgrants: 1 }), // the examples' bounds
  replace: {
    blkback_changed: limitsBothWays,
    xl_migrate: {
      ...xlMigrate,
      doc: `${xlMigrate.doc}; with the fix, blkfront_resume puts a REQ_FUA write's bios on info->bio_list (ended, re-submitted by blkif_recover) instead of keeping the request whole`,
      then: (d, s, p, a) => {
        xlMigrate.then(d, s, p, a);
        const owed = s.front.shadow.filter((x) => x.waiting && x.fua === true).length;
        if (owed > 0) {
          d.front.fuaOwed = s.front.fuaOwed!;
          if (d.life!.aside !== undefined) d.life!.aside += owed;
          if (d.life!.parked !== undefined) d.life!.parked -= owed;
        }
      },
    },
  },
});
