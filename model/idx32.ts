/**
 * RING_IDX arithmetic and the occupancy and notification macros of
 * `xen/include/public/io/ring.h`, on free-running 32-bit indices that wrap
 * modulo 2^32 (`typedef unsigned int RING_IDX`). Every comparison of indices
 * goes through these helpers: raw `<` on two RING_IDX values is wrong across
 * the wrap.
 *
 * @see xen/include/public/io/ring.h
 */

/** `(RING_IDX)(a - b)`: the distance from b forward to a, modulo 2^32. */
export const idxSub = (a: number, b: number): number => (a - b) >>> 0;
/** `(RING_IDX)(a + n)`. */
export const idxAdd = (a: number, n: number): number => (a + n) >>> 0;
/** `a` is not ahead of `b` (serial-number order: b - a < 2^31). */
export const idxLe = (a: number, b: number): boolean => idxSub(b, a) < 0x80000000;

/** RING_FULL: `RING_SIZE - (req_prod_pvt - rsp_cons) == 0` (RING_IDX arithmetic). */
export const RING_FULL = (size: number, req_prod_pvt: number, rsp_cons: number): boolean =>
  idxSub(size, idxSub(req_prod_pvt, rsp_cons)) === 0;

/** XEN_RING_NR_UNCONSUMED_RESPONSES: `sring->rsp_prod - rsp_cons`. */
export const NR_UNCONSUMED_RESPONSES = (rsp_prod: number, rsp_cons: number): number => idxSub(rsp_prod, rsp_cons);

/**
 * XEN_RING_NR_UNCONSUMED_REQUESTS:
 * `min(sring->req_prod - req_cons, RING_SIZE - (req_cons - rsp_prod_pvt))`.
 */
export const NR_UNCONSUMED_REQUESTS = (size: number, req_prod: number, req_cons: number, rsp_prod_pvt: number): number =>
  Math.min(idxSub(req_prod, req_cons), idxSub(size, idxSub(req_cons, rsp_prod_pvt)));

/**
 * The notify decision of RING_PUSH_{REQUESTS,RESPONSES}_AND_CHECK_NOTIFY:
 * `(RING_IDX)(__new - event) < (RING_IDX)(__new - __old)`: the peer asked to be
 * woken at an index in `(__old, __new]`.
 */
export const NOTIFY = (nw: number, old: number, event: number): boolean => idxSub(nw, event) < idxSub(nw, old);
