/**
 * XSA-216 (CVE-2017-10911): blkback's make_response before the fix. It filled
 * a `struct blkif_response` on its stack (`resp.id = id; resp.operation = op;
 * resp.status = st;`) and copied all `sizeof(resp)` bytes into the ring slot:
 * `memcpy(RING_GET_RESPONSE(&blk_rings->native, rsp_prod_pvt), &resp,
 * sizeof(resp))`, the same for the x86_32 and x86_64 ring flavours. The
 * struct's padding (byte 9, and bytes 12..15 on x86-64) was never written,
 * so whatever the backend's stack held there went to the guest, whatever the
 * guest's ABI. The fix ("xen-blkback: don't leak stack data via response
 * ring", Jan Beulich, 2017) writes the three fields in place.
 *
 * The variant's response carries the stack's padding (PAD_SECRET: backend
 * memory); B_response_discloses_nothing catches it on the first response.
 *
 * @pvcheck catalogue X-3 XSA-216 CVE-2017-10911
 * @pvcheck check
 * @pvcheck expect violation B_response_discloses_nothing in 4 steps
 * @pvcheck fixed-by blkif -p ringSize=2 -p requests=3 -p pages=2 -p maxPgrants=1
 */
import { deriveModel, withDefaults, blkif, blkifModel } from 'pvcheck';
const { makeResponse, PAD_SECRET, SLOT_RESPONSE } = blkifModel;

export default deriveModel(blkif, {
  name: 'blkif-xsa216',
  description: 'blkback make_response copying a stack struct blkif_response, padding included, into the ring slot (XSA-216)',
  see: 'XSA-216; drivers/block/xen-blkback/blkback.c make_response before "xen-blkback: don\'t leak stack data via response ring"',
  params: withDefaults(blkif.params, { ringSize: 2, requests: 3, pages: 2, maxPgrants: 1 }), // the bounds the header was written at
  replace: {
    make_response: {
      ...makeResponse,
      doc: 'make_response before XSA-216: memcpy(RING_GET_RESPONSE(..., rsp_prod_pvt), &resp, sizeof(resp)) from a stack struct whose padding is uninitialised',
      then: (d, s, p, i) => {
        makeResponse.then(d, s, p, i);
        // the memcpy wrote every byte of the stack struct: the padding is the stack's
        const at = s.back.rsp_prod_pvt & (p.ringSize - 1);
        d.ring[at] = { ...d.ring[at]!, kind: SLOT_RESPONSE, pad: PAD_SECRET };
      },
    },
  },
});
