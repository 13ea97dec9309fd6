/**
 * blkback without dispatch_rw_block_io's `nseg > MAX_INDIRECT_SEGMENTS`
 * check on an indirect request, against a hostile guest. blkif_get_x86_*_req
 * (blkback.c) copies `nr_segments` (a uint16_t) once and at most
 * MAX_INDIRECT_PAGES indirect grefs (`min(MAX_INDIRECT_PAGES,
 * INDIRECT_PAGES(nr_segments))`), but struct pending_req (common.h) holds
 * MAX_INDIRECT_SEGMENTS (256) entries of `segments[]`, `seg[]`, `biolist[]`
 * and MAX_INDIRECT_PAGES (1) of `indirect_pages[]`. xen_blkbk_parse_indirect
 * writes `pending_req->segments[n]->gref` and `seg[n]` for every n < nseg.
 * Without the check (today's "Bad number of segments in request":
 * fail_response) a guest's nr_segments of 257..512 (one indirect frame holds
 * 512) has blkback index past those arrays: pointers read from beyond
 * `segments[]` and the guest's grefs written through them, in dom0's heap;
 * above 4096 its BUG_ON(indirect_grefs > BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST)
 * stops dom0. The variant keeps the check of 0 and drops the one above
 * MAX_INDIRECT_SEGMENTS (no historical blkback is claimed to have lacked it).
 *
 * B_nseg_checked catches a request of more than MAX_INDIRECT_SEGMENTS
 * segments past the check (its indirect page mapped, to be parsed). The
 * built-in verifies at the same settings.
 *
 * @pvcheck check -p frontend=hostile
 * @pvcheck expect violation B_nseg_checked in 4 steps
 * @pvcheck fixed-by blkif -p indirectOp=true -p ringSize=2 -p requests=3 -p pages=2 -p maxPgrants=1 -p frontend=hostile
 */
import { deriveModel, withDefaults, blkif, blkifModel } from 'pvcheck';
const { xenBlkbkParseIndirect, dispatching, mapSegment, failIndirect, BLKIF_OP_READ, BLKIF_OP_WRITE, NSEG_ZERO } = blkifModel;

export default deriveModel(blkif, {
  name: 'blkif-indirect-nseg-unchecked',
  description: 'blkback accepting an indirect request of more than MAX_INDIRECT_SEGMENTS segments (dispatch_rw_block_io without its nseg > MAX_INDIRECT_SEGMENTS check)',
  see: 'drivers/block/xen-blkback/blkback.c dispatch_rw_block_io ("Bad number of segments in request"), xen_blkbk_parse_indirect; common.h struct pending_req',
  params: withDefaults(blkif.params, { indirectOp: true, ringSize: 2, requests: 3, pages: 2, maxPgrants: 1 }),
  replace: {
    xen_blkbk_parse_indirect: {
      ...xenBlkbkParseIndirect,
      doc: 'dispatch_rw_block_io on an indirect request without the nseg > MAX_INDIRECT_SEGMENTS check (indirect_op and nseg 0 still refused), then xen_blkbk_map of its indirect page',
      then: (d, s, p) => {
        const i = dispatching(s);
        const c = s.back.reqs[i]!;
        const cur = d.back.reqs[i]!;
        cur.stage = 1;
        if ((c.iop !== BLKIF_OP_READ && c.iop !== BLKIF_OP_WRITE) || c.nseg === NSEG_ZERO) return failIndirect(cur);
        const page = { gref: c.igref!, persistent: false };
        if (mapSegment(d as never, s, p, page) === 'failed') return failIndirect(cur);
        cur.igref = page.gref;
        cur.ipersistent = page.persistent;
        cur.stage = 2;
      },
    },
  },
});
