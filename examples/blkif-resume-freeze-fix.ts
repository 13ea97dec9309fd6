/**
 * Finding blkif-resume-freeze, fixed: `xl migrate` with a flush, discard
 * or FUA write outstanding, to a host whose blkback writes a
 * `multi-queue-max-queues` that gives blkfront another nr_rings (Linux
 * blkback writes its dom0's online CPUs by default; blkfront's
 * `negotiate_mq` takes min(it, max_queues 4, the guest's CPUs)). Linux 6.12's
 * `blkfront_resume` keeps such requests whole on `info->requests` (each
 * holds the queue's usage count), then `talk_to_blkback`, then
 * `blk_mq_update_nr_hw_queues`, which for another count freezes the queue
 * (`blk_mq_freeze_queue`: waits for every request alive to end). The kept
 * requests end only after `blkif_recover` requeues them, which runs when
 * the backend connects, on the xenwatch thread that is waiting here (inside
 * `do_suspend`'s `dpm_resume_end`): the guest never resumes.
 *
 * The fix checked here: `blkfront_resume` ends the requests it would keep
 * whole (`blk_mq_end_request(req, BLK_STS_IOERR)`, as the fix of
 * blkif-resume-bios-lost does for a close before the reconnect) before
 * `blk_mq_update_nr_hw_queues`: the flush or discard fails (its submitter
 * sees an error) instead of hanging the guest. Re-issuing them after
 * `blkif_recover` instead (a FUA write's bios as a write's, a flush as an
 * empty REQ_PREFLUSH bio) would keep them, at more code.
 *
 * @pvcheck check -p ops=rw+flush -p migrate=true -p destQueues=other
 * @pvcheck expect ok
 * @pvcheck check -p ops=rw+discard -p migrate=true -p destQueues=other -p bus=7.0
 * @pvcheck expect ok
 */
import { deriveModel, withDefaults, blkif, blkifModel } from 'pvcheck';
const { xenbusDevResume } = blkifModel;

export default deriveModel(blkif, {
  name: 'blkif-resume-freeze-fix',
  description: 'blkfront whose blkfront_resume ends the requests it kept whole (BLK_STS_IOERR) before blk_mq_update_nr_hw_queues',
  see: 'drivers/block/xen-blkfront.c blkfront_resume, blkif_recover, negotiate_mq; block/blk-mq.c __blk_mq_update_nr_hw_queues',
  params: withDefaults(blkif.params, { ringSize: 2, requests: 3, pages: 2, maxPgrants: 1 }), // the examples' bounds
  replace: {
    xenbus_dev_resume: {
      ...xenbusDevResume,
      doc: `${xenbusDevResume.doc}; with the fix, blkfront_resume ends the flush, discard and FUA requests it would keep whole (BLK_STS_IOERR) before blk_mq_update_nr_hw_queues`,
      then: (d, s, p, a) => {
        xenbusDevResume.then(d, s, p, a);
        if (d.life!.frozen === true) { d.life!.frozen = false; d.life!.parked = 0; }
        if (d.front.fuaOwed !== undefined && p.destQueues === 'other') d.front.fuaOwed = 0;
      },
    },
  },
});
