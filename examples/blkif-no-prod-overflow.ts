/**
 * blkback before "xen/blkback: Check for insane amounts of request on the
 * ring" (Konrad Rzeszutek Wilk, 2011), facing a hostile guest.
 * __do_block_io_op looped `while (rc != rp)` over whatever req_prod the guest
 * wrote; RING_REQUEST_CONS_OVERFLOW (`req_cons - rsp_prod_pvt >= RING_SIZE`)
 * only stops blkback while its responses lag, and a blkback that answers as
 * it goes never lags: a req_prod of req_cons - 1 kept it consuming garbage
 * requests for 2^32 turns of the ring. Since the fix, `rp - rsp_prod_pvt >
 * RING_SIZE` (RING_REQUEST_PROD_OVERFLOW) halts the ring: "Frontend provided
 * bogus ring requests", -EACCES, until the guest disconnects.
 *
 * @pvcheck check -p frontend=hostile
 * @pvcheck expect violation B_work_bounded in 8 steps
 * @pvcheck fixed-by blkif -p ringSize=2 -p requests=3 -p pages=2 -p maxPgrants=1 -p frontend=hostile
 */
import { deriveModel, withDefaults, blkif, blkifModel } from 'pvcheck';
const { doBlockIoOp, consumeRequest, blkbackCanTake } = blkifModel;

export default deriveModel(blkif, {
  name: 'blkif-no-prod-overflow',
  description: 'blkback\'s __do_block_io_op without the RING_REQUEST_PROD_OVERFLOW check (before 2011)',
  see: 'drivers/block/xen-blkback/blkback.c __do_block_io_op before "xen/blkback: Check for insane amounts of request on the ring"',
  params: withDefaults(blkif.params, { ringSize: 2, requests: 3, pages: 2, maxPgrants: 1 }), // the bounds the header was written at
  replace: {
    __do_block_io_op: {
      ...doBlockIoOp,
      doc: '__do_block_io_op before 2011: rp = req_prod; while (rc != rp): RING_REQUEST_CONS_OVERFLOW only; copy the request, req_cons++',
      when: (s, p) => blkbackCanTake(s, p) && s.req_prod !== s.back.req_cons && ((s.back.req_cons - s.back.rsp_prod_pvt) >>> 0) < p.ringSize,
      then: (d, s, p) => consumeRequest(d, s, p),
    },
  },
});
