/**
 * Finding blkif-indirect-fua-bug, fixed: a backend that writes
 * `feature-barrier` without `feature-flush-cache` and
 * `feature-max-indirect-segments` (Linux blkback writes 256 at probe) makes
 * Linux 6.12's blkfront set feature_flush and feature_fua
 * (`blkfront_gather_backend_features`), BLK_FEAT_FUA and max_segments 32
 * (`blkif_set_queue_limits`); the block layer passes a REQ_FUA write of up
 * to 32 segments whole (block/blk-flush.c `blk_insert_flush` keeps REQ_FUA
 * with supports_fua), and `blkif_queue_rw_req` takes the indirect path for
 * more than BLKIF_MAX_SEGMENTS_PER_REQUEST (11) grants, where
 * `BUG_ON(req_op(req) == REQ_OP_FLUSH || req->cmd_flags & REQ_FUA)` stops
 * the guest's kernel: a backend crashes its guest by what it advertises.
 * BLKIF_OP_INDIRECT's `indirect_op` is a read or a write only (blkif.h), so
 * a barrier cannot go indirect.
 *
 * Also after `xl migrate` from a backend writing `feature-barrier` alone
 * without indirect segments (tapdisk's tapback) to Linux blkback: the
 * queue keeps BLK_FEAT_FUA (finding blkif-fua-after-migration) while
 * blkif_recover assigns max_segments 32.
 *
 * The fix: `blkif_set_queue_limits` sets BLK_FEAT_FUA only while
 * max_indirect_segments is 0 (a barrier never needs the indirect path),
 * and clears it otherwise (at each connect, blkif_recover's included): with
 * indirect segments the block layer turns REQ_FUA into a post-flush
 * (REQ_OP_FLUSH, a BLKIF_OP_WRITE_BARRIER with no data), which keeps the
 * write durable. Capping max_segments at 11 while feature_fua would also do,
 * for every request.
 *
 * @pvcheck check -p ops=rw+flush+fua -p flushNodes=barrier-only
 * @pvcheck expect ok
 * @pvcheck check -p ops=rw+flush+fua -p migrate=true -p destFeatures=barrier-only
 * @pvcheck expect ok
 * @pvcheck check -p ops=rw+flush+fua -p flushNodes=barrier-only -p indirect=false -p migrate=true -p destFeatures=flushcache -p destIndirect=yes -i F_indirect_never_fua
 * @pvcheck expect ok
 */
import { deriveModel, withDefaults, blkif, blkifModel } from 'pvcheck';
const { blkbackChanged, blkifInit, backendIndirect, feDevOf, XenbusStateConnected } = blkifModel;

export default deriveModel(blkif, {
  name: 'blkif-indirect-fua-fix',
  description: 'blkfront whose blkif_set_queue_limits advertises BLK_FEAT_FUA only without indirect segments',
  see: 'drivers/block/xen-blkfront.c blkif_set_queue_limits, blkif_queue_rw_req (BUG_ON), blkfront_gather_backend_features; xen/include/public/io/blkif.h BLKIF_OP_INDIRECT',
  params: withDefaults(blkif.params, { ringSize: 2, requests: 3, pages: 2, maxPgrants: 1 }), // the examples' bounds
  init: (p) => {
    const s = blkifInit(p);
    return [s.front.fuaQueue === true && p.indirect ? { ...s, front: { ...s.front, fuaQueue: false } } : s];
  },
  replace: {
    blkback_changed: {
      ...blkbackChanged,
      doc: `${blkbackChanged.doc}; with the fix, blkif_set_queue_limits sets BLK_FEAT_FUA only while max_indirect_segments is 0, and clears it otherwise`,
      then: (d, s, p, a) => {
        blkbackChanged.then(d, s, p, a);
        if (s.front.fuaQueue !== undefined && s.life !== undefined && feDevOf(s.life) !== XenbusStateConnected && feDevOf(d.life!) === XenbusStateConnected) {
          if (backendIndirect(s, p)) d.front.fuaQueue = false;
        }
      },
    },
  },
});
