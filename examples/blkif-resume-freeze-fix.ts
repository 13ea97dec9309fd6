/**
 * Finding blkif-resume-freeze, fixed: `xl migrate` to a host whose blkback
 * writes a `multi-queue-max-queues` that gives blkfront another nr_rings
 * (Linux blkback writes its dom0's online CPUs by default; blkfront's
 * `negotiate_mq` takes min(it, max_queues 4, the guest's CPUs)). Linux 6.12's
 * `blkfront_resume` then calls `blk_mq_update_nr_hw_queues`, which for
 * another count freezes the queue (`blk_mq_freeze_queue`: waits, with no
 * timeout, for every request holding the queue's usage count to end). Two
 * kinds of request hold it and cannot end there: the flush, discard and FUA
 * requests `blkfront_resume` keeps whole on `info->requests` (requeued only
 * by `blkif_recover`, after the reconnect) and, since session 29, the reads
 * and writes waiting in blk-mq, never on the ring (a busy guest: every tag
 * in use; they are dispatched only when blkfront takes requests again). The
 * resume runs on the xenwatch thread inside `do_suspend`, which the
 * reconnect needs: the guest never resumes.
 *
 * The fix checked here: `blkfront_resume` leaves the tag set's number of
 * hardware queues as it is (no `blk_mq_update_nr_hw_queues`, so no freeze
 * in the resume): `nr_rings` capped at it, and hardware queue q uses ring
 * q % nr_rings (`get_rinfo`); every request then waits for the reconnect as
 * with the same count. Session 28's fix (ending the kept requests with
 * `BLK_STS_IOERR` before the update) missed the second kind: blkfront
 * cannot end requests it never received (test/blkifQueues).
 *
 * @pvcheck check -p ops=rw+flush -p migrate=true -p destQueues=other
 * @pvcheck expect ok
 * @pvcheck check -p ops=rw+discard -p migrate=true -p destQueues=other -p bus=7.0
 * @pvcheck expect ok
 * @pvcheck check -p migrate=true -p destQueues=other
 * @pvcheck expect ok
 */
import { deriveModel, withDefaults, blkif, blkifModel } from 'pvcheck';
const { xenbusDevResume } = blkifModel;

export default deriveModel(blkif, {
  name: 'blkif-resume-freeze-fix',
  description: 'blkfront whose blkfront_resume keeps the tag set\'s number of hardware queues (ring q % nr_rings): no freeze in the resume',
  see: 'drivers/block/xen-blkfront.c blkfront_resume, negotiate_mq, get_rinfo, blkif_recover; block/blk-mq.c __blk_mq_update_nr_hw_queues',
  params: withDefaults(blkif.params, { ringSize: 2, requests: 3, pages: 2, maxPgrants: 1 }), // the examples' bounds
  replace: {
    xenbus_dev_resume: {
      ...xenbusDevResume,
      doc: `${xenbusDevResume.doc}; with the fix, blkfront_resume does not call blk_mq_update_nr_hw_queues (the hardware queues share the new rings), so nothing freezes the queue there`,
      then: (d, s, p, a) => {
        xenbusDevResume.then(d, s, p, a);
        if (d.life!.frozen === true) d.life!.frozen = false;
      },
    },
  },
});
