/**
 * XSA-155 (CVE-2015-8550)'s double fetch of `nr_segments`, on blkback's copy
 * of an indirect request, against a hostile guest. QEMU's hw/xen_blkif.h
 * before "blkif: Avoid double access to src->nr_segments" (Stefano
 * Stabellini, 2015, part of XSA-155) copied a request with
 * `dst->nr_segments = src->nr_segments; ... if (n > src->nr_segments) n =
 * src->nr_segments;` and then `n` segments: "If a compiler decides to compile
 * this into two separate memory accesses then the size limitation could be
 * bypassed." Linux blkback's blkif_get_x86_*_req did not have it in the
 * pre-XSA-155 versions read (3.x): it read `nr_segments` once into `dst` and
 * bounded the copy by that value (`barrier()` between, READ_ONCE today); the
 * variant puts QEMU's shape on blkback's indirect copy, `n =
 * min(MAX_INDIRECT_PAGES, INDIRECT_PAGES(nr_segments))` with the compare and
 * the assignment each reading the guest's slot.
 *
 * MAX_INDIRECT_PAGES is 1 (256 segments fit one indirect frame of 512), so
 * the bound binds only for a first read of 0 (no page: `n` takes the second
 * read). A guest that writes 0 before the copy and a value above 4096 (the
 * model's NSEG_ABOVE_MAX: the guest picks 4097..65535) before the second read
 * has INDIRECT_PAGES (9..128) grefs copied into `indirect_grefs[8]` of the
 * `struct blkif_request req` on __do_block_io_op's stack: blkback's kthread
 * writes up to 480 bytes of guest data past it. The checks and the dispatch
 * see the first read (0: "Bad number of segments"), too late.
 *
 * The variant splits the copy where the reads are: __do_block_io_op copies the
 * header (the first read of nr_segments, the compare) and, when the compare
 * leaves the count to the second read, stops between the two; the added rule
 * makes the second read and copies that many grefs. The guest needs two
 * writes (`-p hostileWrites=2`). B_copy_within_request catches the copy past
 * `indirect_grefs[]`; the built-in (one READ_ONCE, the count from `dst`)
 * verifies at the same settings.
 *
 * @pvcheck catalogue X-2 XSA-155 CVE-2015-8550
 * @pvcheck check -p frontend=hostile -p hostileWrites=2
 * @pvcheck expect violation B_copy_within_request in 5 steps
 * @pvcheck fixed-by blkif -p indirectOp=true -p ringSize=2 -p requests=3 -p pages=2 -p maxPgrants=1 -p frontend=hostile -p hostileWrites=2
 */
import { deriveModel, withDefaults, blkif, blkifModel } from 'pvcheck';
const { doBlockIoOp, dispatchedSlot, backendRuns, BLKIF_OP_INDIRECT, INVALID_GRANT_REF, NSEG_ZERO, NSEG_OK, NSEG_ABOVE_MAX } = blkifModel;

/** The variant's stage between the two reads of nr_segments: the header copied, the grefs not yet. */
const BETWEEN_READS = 3;

export default deriveModel(blkif, {
  name: 'blkif-indirect-nseg-double-fetch',
  description: 'blkback copying an indirect request\'s grefs with a count taken from a second read of nr_segments (QEMU\'s hw/xen_blkif.h before XSA-155, on blkback\'s indirect copy)',
  see: 'XSA-155; QEMU hw/xen_blkif.h blkif_get_x86_32_req before "blkif: Avoid double access to src->nr_segments"; drivers/block/xen-blkback/blkback.c blkif_get_x86_32_req, __do_block_io_op',
  params: withDefaults(blkif.params, { indirectOp: true, ringSize: 2, requests: 3, pages: 2, maxPgrants: 1 }),
  replace: {
    __do_block_io_op: {
      ...doBlockIoOp,
      doc: '__do_block_io_op; an indirect request copied with QEMU\'s pre-XSA-155 shape: dst->u.indirect.nr_segments = src->u.indirect.nr_segments (the first read, which the checks see) and the compare `MAX_INDIRECT_PAGES > INDIRECT_PAGES(src->u.indirect.nr_segments)` on it; when it holds (nr_segments 0) the count waits for the second read',
      then: (d, s, p) => {
        const req = s.ring[s.back.req_cons & (p.ringSize - 1)]!;
        const n = s.back.reqs.length;
        doBlockIoOp.then(d, s, p, undefined);
        if (d.back.reqs.length === n || req.operation !== BLKIF_OP_INDIRECT || req.nseg !== NSEG_ZERO) return;
        const cur = d.back.reqs[n]!;
        cur.igref = INVALID_GRANT_REF; // no gref copied yet
        cur.stage = BETWEEN_READS;
      },
    },
  },
  add: [{
    name: 'blkif_get_x86_32_req_count',
    actor: 'backend',
    doc: 'the second read: n = INDIRECT_PAGES(src->u.indirect.nr_segments), and n grefs copied into dst->u.indirect.indirect_grefs[] (BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST of them: above 4096 segments, past the struct on the stack)',
    see: 'QEMU hw/xen_blkif.h before "blkif: Avoid double access to src->nr_segments" ("if (n > src->nr_segments) n = src->nr_segments;")',
    when: (s) => s.back.reqs.some((r) => r.stage === BETWEEN_READS) && backendRuns(s),
    then: (d, s, p) => {
      const cur = d.back.reqs.find((r) => r.stage === BETWEEN_READS)!;
      cur.stage = 0;
      const again = dispatchedSlot(s, p);
      if (again.nseg === NSEG_ABOVE_MAX) d.back.copyOverflow = true; // INDIRECT_PAGES(4097..65535): 9..128 grefs into indirect_grefs[8]
      if (again.nseg === NSEG_OK || again.nseg === NSEG_ABOVE_MAX) cur.igref = again.igref!; // (NSEG_ZERO: none)
    },
  }],
});
