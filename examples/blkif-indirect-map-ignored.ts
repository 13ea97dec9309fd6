/**
 * XSA-365's shape (CVE-2021-26930) on an indirect request's indirect page,
 * against blkback with a hostile guest: a refused map's error lost, and the
 * page parsed anyway. xen_blkbk_parse_indirect maps the request's indirect
 * pages (`rc = xen_blkbk_map(ring, pages, indirect_grefs, true)`) and on
 * an error `goto unmap`: dispatch_rw_block_io answers BLKIF_RSP_ERROR. XSA-365
 * was an error of xen_blkbk_map lost before its caller saw it ("an error
 * encountered earlier might be discarded by later processing, resulting in
 * the caller assuming successful mapping"; examples/blkif-xsa365.ts has its
 * data-segment batches). With at most 8 indirect pages Linux maps them in one
 * batch and never lost this error; the variant is the same loss on the
 * indirect map: blkback reads `struct blkif_request_segment`s from a page it
 * never mapped (the page of its own pool, kmap'd: dom0 memory or another
 * guest's earlier mapping) and goes on with whatever grefs and sectors it
 * finds there.
 *
 * The guest revokes (or rewrites) the indirect page's gref before blkback
 * maps it; B_indirect_page_mapped catches the request parsed from an
 * unmapped page. The built-in (`goto unmap`, fail_response) verifies at the
 * same settings.
 *
 * @pvcheck check -p frontend=hostile
 * @pvcheck expect violation B_indirect_page_mapped in 4 steps
 * @pvcheck fixed-by blkif -p indirectOp=true -p ringSize=2 -p requests=3 -p pages=2 -p maxPgrants=1 -p frontend=hostile
 */
import { deriveModel, withDefaults, blkif, blkifModel } from 'pvcheck';
const { xenBlkbkParseIndirect, dispatching, mapSegment, failIndirect, BLKIF_OP_READ, BLKIF_OP_WRITE, NSEG_OK, INVALID_GRANT_REF } = blkifModel;

export default deriveModel(blkif, {
  name: 'blkif-indirect-map-ignored',
  description: 'blkback parsing an indirect request\'s segments from an indirect page whose map Xen refused (XSA-365\'s lost error, on the indirect map)',
  see: 'XSA-365; drivers/block/xen-blkback/blkback.c xen_blkbk_parse_indirect ("if (rc) goto unmap"), xen_blkbk_map',
  params: withDefaults(blkif.params, { indirectOp: true, ringSize: 2, requests: 3, pages: 2, maxPgrants: 1 }),
  replace: {
    xen_blkbk_parse_indirect: {
      ...xenBlkbkParseIndirect,
      doc: 'dispatch_rw_block_io\'s checks of an indirect request, then xen_blkbk_map of its indirect page with the error lost: a refused map (handle BLKBACK_INVALID_HANDLE) goes on to the parse',
      then: (d, s, p) => {
        const i = dispatching(s);
        const c = s.back.reqs[i]!;
        const cur = d.back.reqs[i]!;
        cur.stage = 1;
        if ((c.iop !== BLKIF_OP_READ && c.iop !== BLKIF_OP_WRITE) || c.nseg !== NSEG_OK) return failIndirect(cur);
        const page = { gref: c.igref!, persistent: false };
        const r = mapSegment(d as never, s, p, page);
        cur.igref = r === 'failed' ? INVALID_GRANT_REF : page.gref; // the error lost: nothing mapped, parsed all the same
        cur.ipersistent = page.persistent;
        cur.stage = 2;
      },
    },
  },
});
