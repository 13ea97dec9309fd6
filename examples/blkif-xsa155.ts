/**
 * XSA-155 (CVE-2015-8550), against blkback with a hostile guest: a segment
 * descriptor read twice. Before "xen-blkback: read from indirect descriptors
 * only once" (Roger Pau Monné, 2015, 18779149101c), xen_blkbk_parse_indirect
 * read `segments[i].first_sect` and `last_sect` from the guest's page once to
 * check them (`last_sect >= XEN_PAGE_SIZE >> 9 || last_sect < first_sect`:
 * fail_response) and again to compute `nsec` and the offset the bio uses. A
 * guest rewriting the descriptor between the two reads made blkback read or
 * write past the page it mapped: memory of dom0 or of another guest.
 *
 * The model's segment (`sect`, in the slot) stands for the descriptor: the
 * variant checks the value blkback copied and uses the value in the guest's
 * memory when it maps and builds the bio; B_io_within_page catches the I/O
 * on a segment that leaves its page. Today's blkback checks and uses one
 * private copy (the built-in: __do_block_io_op's memcpy, the fixed parser).
 *
 * @pvcheck catalogue X-2 XSA-155 CVE-2015-8550
 * @pvcheck check -p frontend=hostile
 * @pvcheck expect violation B_io_within_page in 4 steps
 * @pvcheck fixed-by blkif -p ringSize=2 -p requests=3 -p pages=2 -p maxPgrants=1 -p frontend=hostile
 */
import { deriveModel, withDefaults, blkif, blkifModel } from 'pvcheck';
const { xenBlkbkMap, dispatching, segsOf, SECT_OK, BLKIF_RSP_OKAY } = blkifModel;

export default deriveModel(blkif, {
  name: 'blkif-xsa155',
  description: 'blkback checking a segment descriptor on one read and using a second read of it from guest memory (before XSA-155)',
  see: 'XSA-155; drivers/block/xen-blkback/blkback.c xen_blkbk_parse_indirect before 18779149101c "xen-blkback: read from indirect descriptors only once"',
  params: withDefaults(blkif.params, { ringSize: 2, requests: 3, pages: 2, maxPgrants: 1 }), // the bounds the header was written at
  replace: {
    xen_blkbk_map: {
      ...xenBlkbkMap,
      doc: 'xen_blkbk_parse_indirect before XSA-155: the sectors checked on the copy, nsec and the offset read again from the guest\'s page; then xen_blkbk_map',
      then: (d, s, p) => {
        const i = dispatching(s); // the request blkback copied last (it maps it before taking the next)
        xenBlkbkMap.then(d, s, p, undefined); // the check, on the first read
        // the second read: the descriptors as the guest's page holds them now (the slot of that request)
        const again = segsOf(s.ring[(s.back.req_cons - 1) & (p.ringSize - 1)]!);
        if (d.back.reqs[i]!.status === BLKIF_RSP_OKAY && again.some((x) => x.sect !== SECT_OK)) d.back.overrun = true;
      },
    },
  },
});
