/**
 * XSA-155 (CVE-2015-8550) as Linux blkback had it: `operation` read twice.
 * Before Roger Pau Monné's "xen-blkback: only read request operation from
 * shared ring once" (2015, part of XSA-155), blkif_get_x86_32_req and
 * blkif_get_x86_64_req (the copy of a request from a guest whose ring is not
 * in dom0's ABI: `-p protocol=x86_32`) did `dst->operation = src->operation;`
 * and then `switch (src->operation)`, a second read of the guest's slot, to
 * choose which fields of the union to copy. __do_block_io_op then dispatches
 * on the copy's `req.operation` (the first read), and dispatch_rw_block_io
 * checks and uses the copy's fields: a guest that rewrites `operation` between
 * the two reads has its request checked and executed as one operation (a read)
 * on fields copied for another (none at all for an operation blkback does not
 * serve: only `id`). The `u.rw` fields dispatch_rw_block_io reads,
 * `nr_segments`, `handle` and `seg[]`, are then what __do_block_io_op's
 * `req`, on the kthread's stack, held before: the previous request's, or
 * before the kthread's first request whatever the stack held there. A
 * request is not checked as a read and executed as a write: the check and the
 * dispatch both read the copy's one `operation`.
 *
 * The variant splits the copy where the reads are: __do_block_io_op takes the
 * first read and stops; the added rule makes the switch's read and copies the
 * arm it names. B_copy_matches_operation catches a dispatch on an arm the copy
 * did not write. Out of scope: the severe form the advisory names, a `switch`
 * compiled into a jump table that reads `src->operation` once for the bounds
 * check and again for the index, jumping through a guest-chosen entry (machine
 * code, below the model). The built-in (READ_ONCE once, the switch on
 * `dst->operation`) verifies at the same settings.
 *
 * @pvcheck catalogue X-2 XSA-155 CVE-2015-8550
 * @pvcheck check -p frontend=hostile
 * @pvcheck expect violation B_copy_matches_operation in 4 steps
 * @pvcheck fixed-by blkif -p protocol=x86_32 -p ringSize=2 -p requests=3 -p pages=2 -p maxPgrants=1 -p frontend=hostile
 */
import { deriveModel, withDefaults, blkif, blkifModel } from 'pvcheck';
const { doBlockIoOp, dispatchedSlot, backendRuns, segsOf, BLKIF_OP_READ, BLKIF_OP_WRITE, BLKIF_OP_WRITE_BARRIER, BLKIF_OP_FLUSH_DISKCACHE, BLKIF_OP_DISCARD, BLKIF_OP_INDIRECT, INVALID_GRANT_REF } = blkifModel;

/** The variant's stage between the two reads of operation: `dst->operation` copied, the union's fields not yet. */
const BETWEEN_READS = 3;

/** The arm of blkif_get_x86_*_req's switch an operation takes: the fields of `struct blkif_request`'s union it copies. */
const arm = (op: number): string =>
  op === BLKIF_OP_READ || op === BLKIF_OP_WRITE || op === BLKIF_OP_WRITE_BARRIER || op === BLKIF_OP_FLUSH_DISKCACHE ? 'rw'
    : op === BLKIF_OP_DISCARD ? 'discard' : op === BLKIF_OP_INDIRECT ? 'indirect' : 'other';

export default deriveModel(blkif, {
  name: 'blkif-xsa155-operation',
  description: 'blkback choosing the fields of a request to copy on a second read of its operation (blkif_get_x86_32_req before XSA-155)',
  see: 'XSA-155; drivers/block/xen-blkback/common.h blkif_get_x86_32_req before "xen-blkback: only read request operation from shared ring once" (switch (src->operation)); drivers/block/xen-blkback/blkback.c __do_block_io_op, dispatch_rw_block_io',
  params: withDefaults(blkif.params, { protocol: 'x86_32', ringSize: 2, requests: 3, pages: 2, maxPgrants: 1 }),
  replace: {
    __do_block_io_op: {
      ...doBlockIoOp,
      doc: '__do_block_io_op; blkif_get_x86_32_req before XSA-155: dst->operation = src->operation (the first read: what __do_block_io_op dispatches on and dispatch_rw_block_io checks), then the switch\'s own read of src->operation',
      then: (d, s, p) => {
        const n = s.back.reqs.length;
        doBlockIoOp.then(d, s, p, undefined);
        if (d.back.reqs.length === n) return;
        d.back.reqs[n]!.stage = BETWEEN_READS;
      },
    },
  },
  add: [{
    name: 'blkif_get_x86_32_req_switch',
    actor: 'backend',
    doc: 'the second read: switch (src->operation), and that arm\'s fields copied into req (rw: nr_segments, handle, id, sector_number, seg[]; discard: flag, id, sector_number, nr_sectors; indirect: its header and indirect_grefs[]; any other: id alone); an arm other than dst->operation\'s leaves the fields the dispatch reads as req held them',
    see: 'drivers/block/xen-blkback/common.h blkif_get_x86_32_req before XSA-155 ("dst->operation = src->operation; switch (src->operation) {")',
    when: (s) => s.back.reqs.some((r) => r.stage === BETWEEN_READS) && backendRuns(s),
    then: (d, s, p) => {
      const cur = d.back.reqs.find((r) => r.stage === BETWEEN_READS)!;
      cur.stage = 0;
      const again = dispatchedSlot(s, p);
      const first = arm(cur.operation);
      if (first === arm(again.operation)) return; // the arm the dispatch reads: copied (from the slot as it reads now)
      // dispatch_other_io reads only id, which every arm copies; any other dispatch reads an arm the copy did not write
      if (first !== 'other') d.back.staleCopy = true;
      if (arm(again.operation) !== 'rw') segsOf(again).forEach((_x, j) => { cur.segs[j]!.gref = INVALID_GRANT_REF; }); // not copied (the model keeps no earlier req)
    },
  }],
});
