/**
 * XSA-365 (CVE-2021-26930), against blkback with a hostile guest: an error of
 * one grant-map batch forgotten by the next. xen_blkbk_map maps a request's
 * segments in batches of BLKIF_MAX_SEGMENTS_PER_REQUEST (`goto again` while
 * `map_until != num`); a segment Xen refuses to map ("invalid buffer -- could
 * not remap it") gets `handle = BLKBACK_INVALID_HANDLE` and `ret |= 1`, but
 * the next batch's `ret = gnttab_map_refs(...)` overwrote that `ret`. So a
 * request whose early segment named a gref the guest does not grant, and
 * whose later batch mapped fine, went on to I/O: the bio was built on the
 * page of the failed segment, which xen_blkbk_map had already given back to
 * blkback's page pool (dom0 memory, or another guest's mapping). Jan
 * Beulich's fix, "xen-blkback: fix error handling in xen_blkbk_map()" (2021),
 * stops at the first error: `if (!ret && map_until != num) goto again`, and
 * the request fails (fail_flush: xen_blkbk_unmap, BLKIF_RSP_ERROR).
 *
 * More than one batch needs more than 11 segments (indirect descriptors);
 * the variant makes each of the model's segments its own batch (a segment
 * stands for a batch), with `-p segments=2`. B_io_on_mapped_grant catches the
 * I/O on the segment that was never mapped. The built-in (one outcome for the
 * whole request, as since the fix) verifies at the same settings.
 *
 * @pvcheck check -p frontend=hostile
 * @pvcheck expect violation B_io_on_mapped_grant in 4 steps
 * @pvcheck fixed-by blkif -p ringSize=2 -p requests=3 -p pages=2 -p maxPgrants=1 -p segments=2 -p frontend=hostile
 */
import { deriveModel, withDefaults, blkif, blkifModel } from 'pvcheck';
const { xenBlkbkMap, dispatching, mapSegment, unmapSegments, failRequest, BLKIF_OP_READ, BLKIF_OP_WRITE, BLKIF_RSP_ERROR, SECT_OK, INVALID_GRANT_REF } = blkifModel;

export default deriveModel(blkif, {
  name: 'blkif-xsa365',
  description: 'blkback\'s xen_blkbk_map letting a later map batch overwrite an earlier batch\'s error (before XSA-365)',
  see: 'XSA-365; drivers/block/xen-blkback/blkback.c xen_blkbk_map before "xen-blkback: fix error handling in xen_blkbk_map()"',
  params: withDefaults(blkif.params, { ringSize: 2, requests: 3, pages: 2, maxPgrants: 1, segments: 2 }), // the bounds the header was written at
  replace: {
    xen_blkbk_map: {
      ...xenBlkbkMap,
      doc: 'xen_blkbk_map before XSA-365, each segment its own batch: ret = gnttab_map_refs() per batch that maps something, ret |= 1 on a refused map, goto again while map_until != num (whatever ret)',
      then: (d, s, p) => {
        const i = dispatching(s);
        const c = s.back.reqs[i]!;
        // an operation it does not serve, or a bad segment: as today, answered unmapped
        if ((c.operation !== BLKIF_OP_READ && c.operation !== BLKIF_OP_WRITE) || c.segs.some((x) => x.sect !== SECT_OK)) return xenBlkbkMap.then(d, s, p, undefined);
        const cur = d.back.reqs[i]!;
        cur.stage = 1;
        let ret = 0;
        for (const x of cur.segs) {
          const r = mapSegment(d as never, s, p, x);
          if (r === 'mapped') ret = 0; // this batch's gnttab_map_refs() returned 0: an earlier batch's error is gone
          else if (r === 'failed') { ret = 1; x.gref = INVALID_GRANT_REF; } // handle = BLKBACK_INVALID_HANDLE, ret |= 1
        }
        if (ret !== 0) {
          unmapSegments(d as never, cur.segs); // fail_flush
          failRequest(cur, BLKIF_RSP_ERROR);
        }
      },
    },
  },
});
