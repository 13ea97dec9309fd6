/**
 * A blkfront that sends REQ_OP_FLUSH whatever blkback advertises: without
 * the test Linux 6.12's `blkif_queue_rq` makes first
 * (drivers/block/xen-blkfront.c: `if (unlikely(req_op(qd->rq) ==
 * REQ_OP_FLUSH && !info->feature_flush)) goto complete;`, which completes
 * the flush at once). blkif.h says a frontend uses BLKIF_OP_FLUSH_DISKCACHE
 * only when the backend wrote `feature-flush-cache` 1; Linux blkback writes
 * it (and `feature-barrier`) from its disk's write cache
 * (xen-blkback/xenbus.c `connect`: `xen_blkbk_flush_diskcache(xbt, be,
 * be->blkif->vbd.flush_support)`, `flush_support = bdev_write_cache(...)`).
 * With `-p featureFlushCache=false` (a disk without a write cache) this
 * blkfront still puts the flush on the ring: F_sends_only_advertised in 1
 * step. Harmless against Linux blkback (`dispatch_rw_block_io` submits a
 * REQ_PREFLUSH bio that `submit_bio_noacct` strips and completes:
 * BLKIF_RSP_OKAY, as the run shows: every request answered), but a
 * violation of the protocol a backend may rely on. The built-in verifies
 * at the same settings (no flush sent).
 *
 * @pvcheck check -p ops=rw+flush -p featureFlushCache=false
 * @pvcheck expect violation F_sends_only_advertised in 1 step
 * @pvcheck check -p ops=rw+flush -p featureFlushCache=false -i deadlock
 * @pvcheck expect ok
 * @pvcheck fixed-by blkif -p ringSize=2 -p requests=3 -p pages=2 -p maxPgrants=1 -p ops=rw+flush -p featureFlushCache=false
 */
import { deriveModel, withDefaults, blkif, blkifModel } from 'pvcheck';
const { blkifQueueFlush, blkfrontMayQueue } = blkifModel;

export default deriveModel(blkif, {
  name: 'blkif-flush-unadvertised',
  description: 'blkfront sending REQ_OP_FLUSH as BLKIF_OP_FLUSH_DISKCACHE without checking info->feature_flush',
  see: 'drivers/block/xen-blkfront.c blkif_queue_rq (the feature_flush test), blkif_queue_rw_req; xen/include/public/io/blkif.h feature-flush-cache',
  params: withDefaults(blkif.params, { ringSize: 2, requests: 3, pages: 2, maxPgrants: 1 }), // the examples' bounds
  replace: {
    blkif_queue_flush: {
      ...blkifQueueFlush,
      doc: 'blkfront: REQ_OP_FLUSH as BLKIF_OP_FLUSH_DISKCACHE (no segment) whatever info->feature_flush says',
      when: (s, p) => blkfrontMayQueue(s, p),
    },
  },
});
