/**
 * blkfront before Juergen Gross's 2021 series ("xen/blkfront: read response
 * from backend only once", "xen/blkfront: don't trust the backend response
 * data"), facing a hostile backend. blkif_interrupt then read `rsp_prod`
 * without RING_RESPONSE_PROD_OVERFLOW, skipped a response with an id out of
 * range (`WARN`, `continue`), ran blkif_completion for whatever `shadow[id]`
 * held, pending or not (add_id_to_freelist noticed a free id only after it:
 * "couldn't be recycled!"), and did not compare the operation with the
 * request's: its `switch (bret->operation)` ends in `default: BUG()`. Since
 * the series every such response sets BLKIF_STATE_ERROR (`goto err`).
 *
 * The variant's blkif_interrupt is that code (with today's
 * blkif_completion, XSA-396's gnttab_try_end_foreign_access, so that only
 * the 2021 checks are missing). A backend that rewrites one response field
 * makes blkfront complete a request twice or reach the BUG().
 *
 * What the second completion does: add_id_to_freelist only threads the id
 * onto the free list, so a free shadow entry still holds `grants_used[]` and
 * `nr_segments` of its last request (the stale entry), and blkif_completion
 * on it puts those pages back on the grant list a second time: a
 * `list_add` of a node already on the list, or of a page a newer request is
 * using. A backend that moves `rsp_prod` back by one makes the loop
 * `for (i = rsp_cons; i != rp; i++)` run round the ring and read the
 * answered slot again: F_page_in_one_place in 8 steps.
 *
 * @pvcheck check -p backend=hostile
 * @pvcheck expect violation F_completes_only_waiting in 6 steps
 * @pvcheck check -p backend=hostile -p hostileWrites=2 --invariant F_no_BUG
 * @pvcheck expect violation F_no_BUG in 4 steps
 * @pvcheck check -p backend=hostile --invariant F_page_in_one_place
 * @pvcheck expect violation F_page_in_one_place in 8 steps
 * @pvcheck fixed-by blkif -p ringSize=2 -p requests=3 -p pages=2 -p maxPgrants=1 -p backend=hostile -p hostileWrites=2
 */
import { deriveModel, withDefaults, blkif, blkifModel } from 'pvcheck';
const { blkifInterrupt, blkifCompletion, SLOT_RESPONSE, BLKIF_OP_READ, BLKIF_OP_WRITE } = blkifModel;

export default deriveModel(blkif, {
  name: 'blkif-trusts-response',
  description: 'blkfront\'s blkif_interrupt before the 2021 "don\'t trust the backend response data" series',
  see: 'drivers/block/xen-blkfront.c blkif_interrupt before "xen/blkfront: don\'t trust the backend response data"',
  params: withDefaults(blkif.params, { ringSize: 2, requests: 3, pages: 2, maxPgrants: 1 }), // the bounds the header was written at
  replace: {
    blkif_interrupt: {
      ...blkifInterrupt,
      doc: 'blkif_interrupt before 2021: no RING_RESPONSE_PROD_OVERFLOW; id >= BLK_RING_SIZE: WARN, continue; blkif_completion on shadow[id] whatever its state (a free entry\'s stale grants_used[] put back again); add_id_to_freelist fails on a free id: continue; switch (bret->operation) default: BUG()',
      then: (d, s, p) => {
        const rsp = s.ring[s.front.rsp_cons & (p.ringSize - 1)]!;
        d.front.rsp_cons = (s.front.rsp_cons + 1) >>> 0;
        if (rsp.kind !== SLOT_RESPONSE || rsp.id >= p.ringSize) return; // "response to %s has incorrect id": continue
        // blkif_completion on shadow[id] whatever its state: a free entry still holds the grants_used[] of its last request
        // (add_id_to_freelist leaves them there), and they go back on the grant list a second time
        const free = !s.front.shadow[rsp.id]!.waiting;
        blkifCompletion(d as never, s, p, rsp.id, true);
        if (free) { d.front.twice = true; return; } // add_id_to_freelist fails: "couldn't be recycled!", continue
        if (rsp.operation !== BLKIF_OP_READ && rsp.operation !== BLKIF_OP_WRITE) d.front.bug = true; // switch: default: BUG()
      },
    },
  },
});
