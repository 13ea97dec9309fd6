/**
 * A shared ring as Xen developers draw it, for `pvcheck show` (Model.view):
 * each of the RING_SIZE slots with what it holds, then the indices.
 *
 *   [R w Q q]  req prod 3 pvt 4 cons 2 event 4 | rsp prod 1 pvt 2 cons 0 event 1
 *
 * Slot letters, for index x from rsp_cons on (RING_IDX arithmetic, so the
 * picture is the same across the 2^32 wrap):
 *   R  a response published (rsp_cons <= x < rsp_prod), not yet consumed
 *   r  a response written, not yet pushed (rsp_prod <= x < rsp_prod_pvt)
 *   w  a request consumed by the backend, being answered (rsp_prod_pvt <= x < req_cons)
 *   Q  a request published (req_cons <= x < req_prod), not yet consumed
 *   q  a request written, not yet pushed (req_prod <= x < req_prod_pvt)
 *   .  free
 * Indices that no honest run can have (a hostile peer's, a bug's) are shown
 * as they are, with "(inconsistent)" instead of the picture.
 */

export interface RingIndices {
  readonly req_prod: number;
  readonly req_prod_pvt: number;
  readonly req_cons: number;
  readonly req_event: number;
  readonly rsp_prod: number;
  readonly rsp_prod_pvt: number;
  readonly rsp_cons: number;
  readonly rsp_event: number;
}

const sub = (a: number, b: number): number => (a - b) >>> 0;

export function ringDiagram(ringSize: number, x: RingIndices): string {
  const base = x.rsp_cons;
  const o = {
    rspProd: sub(x.rsp_prod, base),
    rspPvt: sub(x.rsp_prod_pvt, base),
    reqCons: sub(x.req_cons, base),
    reqProd: sub(x.req_prod, base),
    reqPvt: sub(x.req_prod_pvt, base),
  };
  const ordered = o.rspProd <= o.rspPvt && o.rspPvt <= o.reqCons && o.reqCons <= o.reqProd && o.reqProd <= o.reqPvt && o.reqPvt <= ringSize;
  let picture = '(inconsistent)';
  if (ordered) {
    const slots = new Array<string>(ringSize).fill('.');
    for (let k = 0; k < o.reqPvt; k++) {
      const c = k < o.rspProd ? 'R' : k < o.rspPvt ? 'r' : k < o.reqCons ? 'w' : k < o.reqProd ? 'Q' : 'q';
      slots[(base + k) & (ringSize - 1)] = c;
    }
    picture = `[${slots.join(' ')}]`;
  }
  return `${picture}  req prod ${x.req_prod} pvt ${x.req_prod_pvt} cons ${x.req_cons} event ${x.req_event} | rsp prod ${x.rsp_prod} pvt ${x.rsp_prod_pvt} cons ${x.rsp_cons} event ${x.rsp_event}`;
}
