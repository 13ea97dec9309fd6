/**
 * XSA-155 (CVE-2015-8550)'s double fetch of `nr_segments` on a direct
 * request, against a hostile guest: QEMU's shape. QEMU's qdisk translated an
 * x86_32 (or x86_64) guest's request in hw/xen_blkif.h's
 * blkif_get_x86_32_req: `dst->nr_segments = src->nr_segments;` (the value
 * ioreq_parse checks against BLKIF_MAX_SEGMENTS_PER_REQUEST), then
 * `if (n > src->nr_segments) n = src->nr_segments;` and `n` segments copied
 * into `dst->seg[BLKIF_MAX_SEGMENTS_PER_REQUEST]`. Before Stefano
 * Stabellini's "blkif: Avoid double access to src->nr_segments" (2015, part
 * of XSA-155) the compare and the assignment each read the guest's slot: "If
 * a compiler decides to compile this into two separate memory accesses then
 * the size limitation could be bypassed." A guest whose request says 1..10
 * segments at the compare and 12..255 at the assignment has up to 255
 * segments copied into seg[11]: up to 1,952 bytes of guest data past the
 * array (in QEMU, over the rest of the heap `struct ioreq`: its iovec, page
 * pointers and list links).
 *
 * Linux blkback never had this shape: its blkif_get_x86_*_req copied
 * `nr_segments` into `dst` and bounded the copy by `dst`'s value (a
 * `barrier()` between before XSA-155, READ_ONCE and min_t today); its
 * XSA-155 double fetch was of `operation`.
 * The variant puts QEMU's copy on blkback's x86_32 path (`-p
 * protocol=x86_32`, where the model's direct slots carry nr_segments):
 * __do_block_io_op's copy takes `dst->nr_segments` and the compare on the
 * guest's value, and when the compare leaves the count to the assignment it
 * stops between the two reads; the added rule makes the second read and
 * copies that many segments. B_copy_within_request catches the copy past
 * `seg[]` (here __do_block_io_op's `req`, on the kthread's stack); the
 * checks (dispatch_rw_block_io's "Bad number of segments") see the first
 * read, too late. The built-in (one READ_ONCE, the count from `dst`)
 * verifies at the same settings.
 *
 * @pvcheck catalogue X-2 XSA-155 CVE-2015-8550
 * @pvcheck check -p frontend=hostile
 * @pvcheck expect violation B_copy_within_request in 4 steps
 * @pvcheck fixed-by blkif -p protocol=x86_32 -p ringSize=2 -p requests=3 -p pages=2 -p maxPgrants=1 -p frontend=hostile
 */
import { deriveModel, withDefaults, blkif, blkifModel } from 'pvcheck';
const { doBlockIoOp, dispatchedSlot, backendRuns, segsOf, isSegmentless, BLKIF_OP_INDIRECT, INVALID_GRANT_REF, SECT_OK, NSEG_ZERO, NSEG_ABOVE_MAX } = blkifModel;

/** The variant's stage between the two reads of nr_segments: the header copied, the segments not yet. */
const BETWEEN_READS = 3;

export default deriveModel(blkif, {
  name: 'blkif-nseg-double-fetch',
  description: 'blkback copying a direct request\'s segments with a count taken from a second read of nr_segments (QEMU\'s hw/xen_blkif.h before XSA-155, on blkback\'s x86_32 copy)',
  see: 'XSA-155; QEMU hw/xen_blkif.h blkif_get_x86_32_req before "blkif: Avoid double access to src->nr_segments"; drivers/block/xen-blkback/blkback.c blkif_get_x86_32_req, __do_block_io_op',
  params: withDefaults(blkif.params, { protocol: 'x86_32', ringSize: 2, requests: 3, pages: 2, maxPgrants: 1 }),
  replace: {
    __do_block_io_op: {
      ...doBlockIoOp,
      doc: '__do_block_io_op; a direct read or write copied with QEMU\'s pre-XSA-155 shape: dst->nr_segments = src->nr_segments (the first read, which the checks see) and the compare `n > src->nr_segments` (n = BLKIF_MAX_SEGMENTS_PER_REQUEST) on the guest\'s value; when it holds (1..10 segments, or 0) the count waits for the second read',
      then: (d, s, p) => {
        const req = s.ring[s.back.req_cons & (p.ringSize - 1)]!;
        const n = s.back.reqs.length;
        doBlockIoOp.then(d, s, p, undefined);
        // a discard or an operation blkback does not serve copies no segment (QEMU: a discard returns before them)
        if (d.back.reqs.length === n || req.operation === BLKIF_OP_INDIRECT || isSegmentless(req.operation) || req.nseg === NSEG_ABOVE_MAX) return;
        const cur = d.back.reqs[n]!;
        for (const x of cur.segs) { x.gref = INVALID_GRANT_REF; x.sect = SECT_OK; } // no segment copied yet
        cur.stage = BETWEEN_READS;
      },
    },
  },
  add: [{
    name: 'blkif_get_x86_32_req_count',
    actor: 'backend',
    doc: 'the second read: n = src->nr_segments, and n segments copied into dst->seg[] (BLKIF_MAX_SEGMENTS_PER_REQUEST of them: above 11, past the array)',
    see: 'QEMU hw/xen_blkif.h before "blkif: Avoid double access to src->nr_segments" ("if (n > src->nr_segments) n = src->nr_segments;")',
    when: (s) => s.back.reqs.some((r) => r.stage === BETWEEN_READS) && backendRuns(s),
    then: (d, s, p) => {
      const cur = d.back.reqs.find((r) => r.stage === BETWEEN_READS)!;
      cur.stage = 0;
      const again = dispatchedSlot(s, p);
      if (again.nseg === NSEG_ABOVE_MAX) d.back.copyOverflow = true; // 12..255 segments into seg[11]
      if (again.nseg !== NSEG_ZERO) segsOf(again).forEach((x, j) => { cur.segs[j]!.gref = x.gref; cur.segs[j]!.sect = x.sect; });
    },
  }],
});
