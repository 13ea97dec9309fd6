/**
 * Finding blkif-no-indirect-after-migration, fixed: a guest migrated from a
 * backend that writes `feature-max-indirect-segments` (Linux blkback: 256,
 * `xen_blkbk_probe`) to one that does not (QEMU's qdisk, tapdisk's tapback)
 * while reads or writes wait in blk-mq (a busy guest: every tag in use).
 * blk-mq built them at submission to the queue's `max_segments` then, 32
 * (`blk_mq_submit_bio`'s `__bio_split_to_limits`); `blkfront_resume` sees
 * only the requests on the ring (their bios are re-submitted and split
 * again), not these. `blkif_recover` reads `max_indirect_segments` 0 from
 * the destination, lowers `max_segments` to 11 and kicks the queues: blk-mq
 * dispatches a held request of more than 11 grants as it is (nothing splits
 * a request after it was built), and Linux 6.12's `blkif_queue_rw_req` sets
 * `require_extra_req` and on x86 (`HAS_EXTRA_REQ` false) reaches
 * `BUG_ON(!HAS_EXTRA_REQ && require_extra_req)` (xen-blkfront.c 760-762):
 * the guest's kernel stops after the migration.
 *
 * The fix checked here (a direction): `blkif_queue_rw_req` sends a request
 * that no longer fits one slot in parts of at most 11 grants (each part
 * answered, `blk_update_request` on its bytes and the rest requeued, as
 * `scsi_end_request` does for a partial completion) instead of the
 * `BUG_ON`; the model's one data request stands for the parts. Ending it
 * with `BLK_STS_IOERR` would also avoid the crash, failing the guest's I/O.
 *
 * @pvcheck check -p migrate=true -p destIndirect=no
 * @pvcheck expect ok
 */
import { deriveModel, withDefaults, blkif, blkifModel } from 'pvcheck';
const { blkifQueueRequest } = blkifModel;

export default deriveModel(blkif, {
  name: 'blkif-no-indirect-after-migration-fix',
  description: 'blkfront whose blkif_queue_rw_req sends a request of more grants than a slot takes in parts, not BUG_ON',
  see: 'drivers/block/xen-blkfront.c blkif_queue_rw_req (require_extra_req, BUG_ON), blkif_recover; block/blk-mq.c blk_update_request',
  params: withDefaults(blkif.params, { ringSize: 2, requests: 3, pages: 2, maxPgrants: 1 }), // the examples' bounds
  replace: {
    blkif_queue_rw_req: {
      ...blkifQueueRequest,
      doc: `${blkifQueueRequest.doc}; with the fix, a request blk-mq built for more grants than one slot takes now goes out in parts, not to BUG_ON`,
      then: (d, s, p, a) => {
        const big = s.life?.heldBig === true;
        blkifQueueRequest.then(d, big ? { ...s, life: { ...s.life!, heldBig: false } } : s, p, a);
        if (big) d.life!.heldBig = false;
      },
    },
  },
});
