/**
 * XSA-155 (CVE-2015-8550) on an indirect request's segments, against blkback
 * with a hostile guest: the descriptor on the indirect page read twice.
 * Before "xen-blkback: read from indirect descriptors only once" (Roger Pau
 * Monné, 2015, 18779149101c), xen_blkbk_parse_indirect computed
 * `seg[n].nsec = segments[i].last_sect - segments[i].first_sect + 1` and
 * `seg[n].offset` from one read of the guest's mapped indirect page, then
 * checked `segments[i].last_sect >= XEN_PAGE_SIZE >> 9 || last_sect <
 * first_sect` on another read. A guest rewriting the descriptor between the
 * two (another vCPU) passes the check with good values and has the bio built
 * from bad ones: I/O past the page blkback maps.
 *
 * The variant splits the parse where the reads are: the use read (the
 * segments into pending_req), the indirect page still mapped, then the check
 * read and the unmap. The guest needs two writes (the bad descriptor before
 * the first read, a good one before the second): `-p hostileWrites=2`.
 * B_io_within_page catches the I/O on a segment that leaves its page.
 * Today's parse reads each field once (READ_ONCE) and checks that value: the
 * built-in verifies at the same settings. (examples/blkif-xsa155.ts: the same
 * double fetch on a direct request's segment.)
 *
 * @pvcheck catalogue X-2 XSA-155 CVE-2015-8550
 * @pvcheck check -p frontend=hostile -p hostileWrites=2
 * @pvcheck expect violation B_io_within_page in 7 steps
 * @pvcheck fixed-by blkif -p indirectOp=true -p ringSize=2 -p requests=3 -p pages=2 -p maxPgrants=1 -p frontend=hostile -p hostileWrites=2
 */
import { deriveModel, withDefaults, blkif, blkifModel } from 'pvcheck';
const { xenBlkbkMap, dispatching, dispatchedSlot, unmapIndirect, mapData, failRequest, segsOf, backendRuns, SECT_OK, BLKIF_RSP_ERROR } = blkifModel;

/** The variant's stage between the two reads: the segments read for use, the indirect page still mapped. */
const READ_FOR_USE = 3;

export default deriveModel(blkif, {
  name: 'blkif-indirect-double-fetch',
  description: 'blkback building an indirect request\'s bios from one read of its indirect page and checking another (xen_blkbk_parse_indirect before XSA-155)',
  see: 'XSA-155; drivers/block/xen-blkback/blkback.c xen_blkbk_parse_indirect before 18779149101c "xen-blkback: read from indirect descriptors only once"',
  params: withDefaults(blkif.params, { indirectOp: true, ringSize: 2, requests: 3, pages: 2, maxPgrants: 1 }),
  replace: {
    xen_blkbk_map: {
      ...xenBlkbkMap,
      doc: 'xenBlkbkMap; on an indirect request (its indirect page mapped), xen_blkbk_parse_indirect before XSA-155: each segment\'s gref, nsec and offset read from the page (the first read), the page kept mapped for the check',
      then: (d, s, p) => {
        const i = dispatching(s);
        if (s.back.reqs[i]!.stage !== 2) return xenBlkbkMap.then(d, s, p, undefined);
        const cur = d.back.reqs[i]!;
        segsOf(dispatchedSlot(s, p)).forEach((x, j) => { cur.segs[j]!.gref = x.gref; cur.segs[j]!.sect = x.sect; });
        cur.stage = READ_FOR_USE;
      },
    },
  },
  add: [{
    name: 'xen_blkbk_parse_indirect_check',
    actor: 'backend',
    doc: 'xen_blkbk_parse_indirect before XSA-155: last_sect and first_sect read again from the indirect page for the check (fail: goto unmap, fail_response); the page unmapped; xen_blkbk_map_seg on the first read\'s segments',
    see: 'drivers/block/xen-blkback/blkback.c xen_blkbk_parse_indirect before 18779149101c',
    when: (s) => s.back.reqs.some((r) => r.stage === READ_FOR_USE) && backendRuns(s),
    then: (d, s, p) => {
      const i = s.back.reqs.findIndex((r) => r.stage === READ_FOR_USE);
      const cur = d.back.reqs[i]!;
      cur.stage = 1;
      const again = segsOf(dispatchedSlot(s, p)); // the second read
      unmapIndirect(d as never, cur);
      if (again.some((x) => x.sect !== SECT_OK)) return failRequest(cur, BLKIF_RSP_ERROR);
      mapData(d as never, s, p, cur); // the bios from the first read
    },
  }],
});
