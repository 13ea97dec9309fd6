/**
 * XSA-396 (CVE-2022-23036), against blkfront with a hostile backend: ending
 * foreign access on a grant the backend maps. Before "xen/blkfront: don't
 * use gnttab_query_foreign_access() for mapped status" (Juergen Gross,
 * 2022), blkif_completion asked gnttab_query_foreign_access(gref) whether the
 * backend still mapped a segment's grant; if not, it called
 * gnttab_end_foreign_access(gref, 0, 0UL), set the grant's gref to
 * GRANT_INVALID_REF and put its page on the tail of the free list. A backend
 * that maps the grant between the query and the end ("a mapping could be
 * realized by the other side just after having called that function")
 * makes the end fail: the grant is deferred (it stays valid until the
 * backend unmaps it), and blkfront reuses the page for later requests
 * while the backend still maps it: it reads and writes the guest's later
 * data. Since the fix, blkif_completion makes one atomic try,
 * gnttab_try_end_foreign_access, and keeps the page (persistent) or marks
 * the device broken when it fails.
 *
 * The variant's blkif_completion is that code, with the race as a choice of
 * the rule: the hostile backend (one of its `hostileWrites`) maps the grant
 * of one segment inside the window. F_free_page_unmapped catches a page
 * blkfront holds without a gref while it is mapped. The built-in (one atomic
 * try) verifies at the same settings, where the hostile backend may map any
 * grant at any time.
 *
 * @pvcheck check -p backend=hostile -p persistent=false
 * @pvcheck expect violation F_free_page_unmapped in 5 steps
 * @pvcheck fixed-by blkif -p ringSize=2 -p requests=3 -p pages=2 -p maxPgrants=1 -p backend=hostile -p persistent=false
 */
import { deriveModel, withDefaults, blkif, blkifModel } from 'pvcheck';
const { blkifInterrupt, responseTrusted, pagesOf, shadowEntry, INVALID_GRANT_REF } = blkifModel;

export default deriveModel(blkif, {
  name: 'blkif-xsa396',
  description: 'blkfront\'s blkif_completion querying the grant\'s mapped status, then ending access, with a window between (before XSA-396)',
  see: 'XSA-396 (CVE-2022-23036); drivers/block/xen-blkfront.c blkif_completion before "xen/blkfront: don\'t use gnttab_query_foreign_access() for mapped status"',
  params: withDefaults(blkif.params, { ringSize: 2, requests: 3, pages: 2, maxPgrants: 1 }), // the bounds the header was written at
  replace: {
    blkif_interrupt: {
      ...blkifInterrupt,
      doc: 'blkif_interrupt with blkif_completion before XSA-396: per segment, gnttab_query_foreign_access; mapped: back on the head; else gnttab_end_foreign_access(gref, 0, 0UL) (deferred if mapped by then), gref = GRANT_INVALID_REF, the page on the tail',
      // -1: no race; k: the hostile backend maps segment k's grant between the query and the end
      choices: (s, p) => {
        if (p.backend !== 'hostile' || s.hostile === 0 || ((s.rsp_prod - s.front.rsp_cons) >>> 0) > p.ringSize) return [-1];
        const rsp = s.ring[s.front.rsp_cons & (p.ringSize - 1)]!;
        if (!responseTrusted(s, p, rsp)) return [-1];
        return [-1, ...pagesOf(s.front.shadow[rsp.id]!).map((_x, k) => k)];
      },
      showChoice: (k: number) => (k < 0 ? 'no race' : `the backend maps segment ${k}'s grant between query and end`),
      then: (d, s, p, k: number) => {
        if (((s.rsp_prod - s.front.rsp_cons) >>> 0) > p.ringSize) { d.front.broken = true; return; } // RING_RESPONSE_PROD_OVERFLOW
        const rsp = s.ring[s.front.rsp_cons & (p.ringSize - 1)]!;
        d.front.rsp_cons = (s.front.rsp_cons + 1) >>> 0;
        if (!responseTrusted(s, p, rsp)) { d.front.broken = true; return; } // the 2021 checks (before XSA-396 already)
        pagesOf(s.front.shadow[rsp.id]!).forEach((page, j) => {
          const gref = s.front.gref[page]!;
          if (s.mapcount[gref]! > 0) { d.front.grants.unshift(page); return; } // gnttab_query_foreign_access: still mapped
          if (j === k) { d.mapcount[gref] = s.mapcount[gref]! + 1; d.hostile = s.hostile - 1; } // the window: the backend maps it
          if (d.mapcount[gref] === 0) d.granted[gref] = false; // gnttab_end_foreign_access: ended, or deferred while mapped
          d.front.gref[page] = INVALID_GRANT_REF;
          d.front.grants.push(page);
        });
        d.front.shadow[rsp.id] = shadowEntry(p, false, []) as never; // add_id_to_freelist
      },
    },
  },
});
