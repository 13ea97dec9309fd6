/**
 * blkif: the PV block protocol of xen/include/public/io/blkif.h as Linux's
 * blkfront and blkback run it, on io/ring.h, with persistent grants
 * (`feature-persistent`, the real analogue of NetChannel2's sticky grants)
 * and the response slot at field granularity, padding included (XSA-216).
 *
 * - **Ring**: requests and responses share the slots of one ring
 *   (`DEFINE_RING_TYPES(blkif, struct blkif_request, struct blkif_response)`);
 *   a response is written at `rsp_prod_pvt` over the slot of a consumed
 *   request. RING_IDX arithmetic from model/idx32.ts. Memory is sequentially
 *   consistent and each side is woken when it has work: the ring's barriers,
 *   events and hostile indices are the `ring` model's business; here what
 *   matters is what lands in the slots and which grants are mapped.
 * - **Response bytes** (`struct blkif_response { uint64_t id; uint8_t
 *   operation; int16_t status; }`): on x86-64 the struct has a padding byte at
 *   offset 9 and four trailing bytes 12..15; on i386 the byte at 9. blkback's
 *   32-bit and 64-bit ring flavours (drivers/block/xen-blkback/common.h
 *   `blkif_x86_32`/`blkif_x86_64`) use the same response layout, and every
 *   flavour's slot is the union with the request (112 bytes), so the bytes
 *   9 and 12..15 of a response slot are guest-visible in every ABI. The model
 *   keeps them as one cell, `pad`: what the frontend's request left there
 *   (`PAD_FRONTEND`), or bytes of the backend's own memory (`PAD_SECRET`).
 *   Before XSA-216 `make_response` filled a `struct blkif_response` on the
 *   stack and `memcpy`'d all `sizeof` of it into the slot: the padding came
 *   from the stack. Since "xen-blkback: don't leak stack data via response
 *   ring" (2017) it writes `resp->id`, `resp->operation`, `resp->status` in
 *   place: `pad` stays the frontend's.
 * - **Grants, blkfront** (`get_grant`, `blkif_completion`): pages on a list;
 *   a page with a gref is on the head (persistent, reused first), without one
 *   on the tail. A request takes the head page, claiming and granting a gref
 *   if it has none. On completion `gnttab_try_end_foreign_access(gref)`: if
 *   the backend still maps the grant it goes back to the head (persistent;
 *   without `feature-persistent` that is the "backed has not unmapped grant"
 *   error), else access ends and the page goes to the tail without a gref.
 * - **Grants, blkback** (`xen_blkbk_map`, `xen_blkbk_unmap`,
 *   `purge_persistent_gnt`): a gref found in the persistent tree is used
 *   without a map (and marked active); otherwise it is mapped (failing if not
 *   granted: the request completes with `BLKIF_RSP_ERROR`), and added to the
 *   tree while `persistent_gnt_c < max_pgrants`, else used non-persistently
 *   and unmapped before the response. The LRU purge unmaps an inactive
 *   persistent grant at any time.
 *
 * One request is in flight in the backend at a time (blkback's kthread
 * dispatches in order; its responses are made from the bio completion, which
 * this model runs right after).
 *
 * @see xen/include/public/io/blkif.h (feature-persistent, struct blkif_response)
 * @see drivers/block/xen-blkback/blkback.c (make_response, xen_blkbk_map, get_persistent_gnt, add_persistent_gnt, purge_persistent_gnt, __do_block_io_op)
 * @see drivers/block/xen-blkfront.c (get_grant, blkif_queue_rw_req, blkif_interrupt, blkif_completion)
 * @see docs/models/blkif.md
 */
import { defineParams, intParam, boolParam, isPowerOfTwo } from './params.js';
import type { Invariant, Model, Rule } from './core.js';
import { RING_FULL, NR_UNCONSUMED_RESPONSES, idxAdd, idxSub } from './idx32.js';
import { array, bool, int, list, nullable, record, type Shape } from './shape.js';
import { blkifViews } from './views/drivers.js';

export const BLKIF_OP_READ = 0;
export const BLKIF_OP_WRITE = 1;
export const BLKIF_RSP_OKAY = 0;
export const BLKIF_RSP_ERROR = -1;
/** grant_table.h: no gref. */
export const INVALID_GRANT_REF = 0;

/** What the padding bytes of a slot hold. */
export const PAD_FRONTEND = 0;
export const PAD_SECRET = 1;

export const SLOT_EMPTY = 0;
export const SLOT_REQUEST = 1;
export const SLOT_RESPONSE = 2;

export interface Slot {
  readonly kind: number;
  readonly id: number;
  readonly operation: number;
  /** Request: the segment's gref. */
  readonly gref: number;
  /** Response: BLKIF_RSP_*. */
  readonly status: number;
  /** Bytes 9 and 12..15 of the slot. */
  readonly pad: number;
}

export interface Frontend {
  readonly req_prod_pvt: number;
  readonly rsp_cons: number;
  /** blkfront's shadow: per id, the page of its segment, or -1 when free. */
  readonly shadow: readonly number[];
  /** rinfo->grants, head first: page numbers. */
  readonly grants: readonly number[];
  /** Per page, its gref or INVALID_GRANT_REF. */
  readonly gref: readonly number[];
  /** Requests queued so far. */
  readonly issued: number;
  /** A check of blkif_interrupt/blkif_completion failed: `goto err` (the device is broken until reconnect). */
  readonly broken: boolean;
}

export interface InFlight {
  readonly id: number;
  readonly operation: number;
  readonly gref: number;
  /** 0: copied; 1: mapped (or found persistent), waiting for the I/O. */
  readonly stage: number;
  /** The gref is persistently mapped (in the tree), as opposed to mapped for this request only. */
  readonly persistent: boolean;
  readonly status: number;
}

export interface Backend {
  readonly req_cons: number;
  readonly rsp_prod_pvt: number;
  /** The persistent tree: grefs, with whether a request is using each (`active`). */
  readonly pgnts: readonly { readonly gref: number; readonly active: boolean }[];
  readonly cur: InFlight | null;
}

export interface BlkifState {
  readonly req_prod: number;
  readonly rsp_prod: number;
  readonly ring: readonly Slot[];
  /** Xen's grant table, per gref 1..pages: the frontend permits access (GTF_permit_access). */
  readonly granted: readonly boolean[];
  /** Per gref: the backend's mappings of it. */
  readonly mapcount: readonly number[];
  readonly front: Frontend;
  readonly back: Backend;
}

const params = defineParams(
  {
    ringSize: intParam({ default: 4, min: 1, max: 8, check: isPowerOfTwo, doc: 'RING_SIZE (a power of two)' }),
    requests: intParam({ default: 6, min: 1, max: 8, doc: 'requests the frontend issues' }),
    pages: intParam({ default: 3, min: 1, max: 4, doc: 'pages on blkfront\'s grant list (one segment per request)' }),
    persistent: boolParam({ default: true, doc: 'feature-persistent negotiated by both ends' }),
    backendPersistent: boolParam({ default: true, doc: 'blkback maps persistently when feature-persistent is on (false: a backend that never does)' }),
    maxPgrants: intParam({ default: 2, min: 0, max: 4, doc: 'blkback max_persistent_grants (xen_blkif_max_pgrants)' }),
  },
);
export type BlkifParams = typeof params.defaults;

const EMPTY: Slot = { kind: SLOT_EMPTY, id: 0, operation: 0, gref: 0, status: 0, pad: PAD_FRONTEND };

/**
 * The shape of a blkif state (model/shape.ts), for the packed path. RING_IDX
 * values are full 32-bit integers; bounds on lists and counts are generous so
 * that a variant stays inside them.
 */
export const blkifShape = (p: BlkifParams): Shape<BlkifState> => {
  const idx = int(0, 0xffffffff);
  const id = int(0, 31);
  const gref = int(0, p.pages);
  const status = int(-2, 1);
  const state = record({
    req_prod: idx,
    rsp_prod: idx,
    ring: array(record({ kind: int(0, 2), id, operation: int(0, 1), gref, status, pad: int(0, 1) }), p.ringSize),
    granted: array(bool, p.pages + 1),
    mapcount: array(int(0, 15), p.pages + 1),
    front: record({
      req_prod_pvt: idx, rsp_cons: idx,
      shadow: array(int(-1, p.pages), p.ringSize),
      grants: list(int(0, p.pages), 2 * p.pages),
      gref: array(gref, p.pages),
      issued: int(0, p.requests),
      broken: bool,
    }),
    back: record({
      req_cons: idx, rsp_prod_pvt: idx,
      pgnts: list(record({ gref, active: bool }), p.pages + p.maxPgrants),
      cur: nullable(record({ id, operation: int(0, 1), gref, stage: int(0, 1), persistent: bool, status })),
    }),
  });
  return { state };
};

export function blkifInit(p: BlkifParams): BlkifState {
  return {
    req_prod: 0,
    rsp_prod: 0,
    ring: Array(p.ringSize).fill(EMPTY),
    granted: Array(p.pages + 1).fill(false),
    mapcount: Array(p.pages + 1).fill(0),
    front: {
      req_prod_pvt: 0,
      rsp_cons: 0,
      shadow: Array(p.ringSize).fill(-1),
      grants: Array.from({ length: p.pages }, (_x, i) => i),
      gref: Array(p.pages).fill(INVALID_GRANT_REF),
      issued: 0,
      broken: false,
    },
    back: { req_cons: 0, rsp_prod_pvt: 0, pgnts: [], cur: null },
  };
}

type R = Rule<BlkifState, BlkifParams>;
const slot = (p: BlkifParams, idx: number): number => idx & (p.ringSize - 1);
/** The gref blkfront claims for a page (gnttab_claim_grant_reference): one per page, 1..pages. */
const grefOf = (page: number): number => page + 1;
const usePersistent = (p: BlkifParams): boolean => p.persistent && p.backendPersistent;

const SEE_BACK = 'drivers/block/xen-blkback/blkback.c';
const SEE_FRONT = 'drivers/block/xen-blkfront.c';

export const blkifQueueRequest: R = {
  name: 'blkif_queue_rw_req',
  actor: 'frontend',
  doc: 'blkfront: a free shadow id and the head page of the grant list (get_grant: claim and grant a gref if it has none); write the request at req_prod_pvt; RING_PUSH_REQUESTS_AND_CHECK_NOTIFY',
  see: `${SEE_FRONT} blkif_queue_rw_req, get_grant, get_id_from_freelist; xen/include/public/io/ring.h RING_FULL`,
  when: (s, p) => {
    const f = s.front;
    return !f.broken && f.issued < p.requests && !RING_FULL(p.ringSize, f.req_prod_pvt, f.rsp_cons) && f.shadow.includes(-1) && f.grants.length > 0;
  },
  then: (d, s, p) => {
    const f = d.front;
    const id = s.front.shadow.indexOf(-1);
    const page = f.grants.shift()!;
    if (f.gref[page] === INVALID_GRANT_REF) {
      f.gref[page] = grefOf(page);
      d.granted[grefOf(page)] = true;
    }
    f.shadow[id] = page;
    const at = slot(p, s.front.req_prod_pvt);
    // The request overwrites the slot's bytes, padding included: what the frontend wrote is its own.
    d.ring[at] = { kind: SLOT_REQUEST, id, operation: BLKIF_OP_READ, gref: f.gref[page]!, status: 0, pad: PAD_FRONTEND };
    f.req_prod_pvt = idxAdd(s.front.req_prod_pvt, 1);
    f.issued = s.front.issued + 1;
    d.req_prod = f.req_prod_pvt;
  },
};

export const blkifInterrupt: R = {
  name: 'blkif_interrupt',
  actor: 'frontend',
  doc: 'blkfront: rp = rsp_prod; rmb; RING_COPY_RESPONSE(rsp_cons); id < BLK_RING_SIZE, shadow[id] waiting, operation echoed; blkif_completion: gnttab_try_end_foreign_access, the page back on the grant list; free the id; rsp_cons++',
  see: `${SEE_FRONT} blkif_interrupt, blkif_completion`,
  when: (s) => !s.front.broken && NR_UNCONSUMED_RESPONSES(s.rsp_prod, s.front.rsp_cons) > 0,
  then: (d, s, p) => {
    const f = d.front;
    const rsp = s.ring[slot(p, s.front.rsp_cons)]!;
    f.rsp_cons = idxAdd(s.front.rsp_cons, 1);
    if (rsp.kind !== SLOT_RESPONSE || rsp.id >= p.ringSize || s.front.shadow[rsp.id] === -1 || rsp.operation !== BLKIF_OP_READ) {
      f.broken = true;
      return;
    }
    const page = s.front.shadow[rsp.id]!;
    const gref = s.front.gref[page]!;
    if (s.mapcount[gref]! > 0) {
      // gnttab_try_end_foreign_access failed: the backend kept it mapped (persistent).
      if (!p.persistent) { f.broken = true; return; } // "backed has not unmapped grant"
      f.grants.unshift(page);
    } else {
      d.granted[gref] = false;
      f.gref[page] = INVALID_GRANT_REF;
      f.grants.push(page);
    }
    f.shadow[rsp.id] = -1;
  },
};

export const doBlockIoOp: R = {
  name: '__do_block_io_op',
  actor: 'backend',
  doc: 'blkback: rp = req_prod; rmb; RING_REQUEST_CONS_OVERFLOW; RING_COPY_REQUEST(req_cons); req_cons++ (one request in flight)',
  see: `${SEE_BACK} __do_block_io_op; xen/include/public/io/ring.h RING_REQUEST_CONS_OVERFLOW, RING_COPY_REQUEST`,
  when: (s, p) => s.back.cur === null && idxSub(s.req_prod, s.back.req_cons) > 0 && idxSub(s.back.req_cons, s.back.rsp_prod_pvt) < p.ringSize,
  then: (d, s, p) => {
    const req = s.ring[slot(p, s.back.req_cons)]!;
    d.back.req_cons = idxAdd(s.back.req_cons, 1);
    d.back.cur = { id: req.id, operation: req.operation, gref: req.gref, stage: 0, persistent: false, status: BLKIF_RSP_OKAY };
  },
};

export const xenBlkbkMap: R = {
  name: 'xen_blkbk_map',
  actor: 'backend',
  doc: 'blkback: get_persistent_gnt (found: use it, active); else GNTTABOP_map_grant_ref (fails unless granted: BLKIF_RSP_ERROR) and add_persistent_gnt while persistent_gnt_c < max_pgrants, else a non-persistent mapping',
  see: `${SEE_BACK} xen_blkbk_map, get_persistent_gnt, add_persistent_gnt`,
  when: (s) => s.back.cur !== null && s.back.cur.stage === 0,
  then: (d, s, p) => {
    const b = d.back;
    const cur = b.cur!;
    cur.stage = 1;
    const g = s.back.cur!.gref;
    const found = usePersistent(p) ? b.pgnts.findIndex((x) => x.gref === g && !x.active) : -1;
    if (found >= 0) {
      b.pgnts[found]!.active = true;
      cur.persistent = true;
      return;
    }
    if (g < 1 || g >= s.granted.length || !s.granted[g]) {
      cur.status = BLKIF_RSP_ERROR; // "invalid buffer -- could not remap it"
      cur.gref = INVALID_GRANT_REF;
      return;
    }
    d.mapcount[g] = s.mapcount[g]! + 1;
    if (usePersistent(p) && s.back.pgnts.length < p.maxPgrants && !s.back.pgnts.some((x) => x.gref === g)) {
      b.pgnts.push({ gref: g, active: true });
      cur.persistent = true;
    }
  },
};

/** The response the backend writes: the fields in place (since the XSA-216 fix); the slot's padding stays what the frontend wrote there. */
export function writeResponseInPlace(d: { ring: Slot[] }, at: number, id: number, operation: number, status: number): void {
  const old = d.ring[at]!;
  d.ring[at] = { kind: SLOT_RESPONSE, id, operation, gref: old.gref, status, pad: old.pad };
}

export const makeResponse: R = {
  name: 'make_response',
  actor: 'backend',
  doc: 'blkback, on I/O completion: xen_blkbk_unmap (non-persistent) or put_persistent_gnt; make_response: resp->id, resp->operation, resp->status written in the slot at rsp_prod_pvt; rsp_prod_pvt++; RING_PUSH_RESPONSES_AND_CHECK_NOTIFY',
  see: `${SEE_BACK} __end_block_io_op, xen_blkbk_unmap, put_persistent_gnt, make_response (fields written in place: XSA-216 fix)`,
  when: (s) => s.back.cur !== null && s.back.cur.stage === 1,
  then: (d, s, p) => {
    const cur = s.back.cur!;
    if (cur.persistent) {
      const i = s.back.pgnts.findIndex((x) => x.gref === cur.gref);
      d.back.pgnts[i]!.active = false;
    } else if (cur.gref !== INVALID_GRANT_REF) d.mapcount[cur.gref] = s.mapcount[cur.gref]! - 1;
    writeResponseInPlace(d as unknown as { ring: Slot[] }, slot(p, s.back.rsp_prod_pvt), cur.id, cur.operation, cur.status);
    d.back.rsp_prod_pvt = idxAdd(s.back.rsp_prod_pvt, 1);
    d.rsp_prod = d.back.rsp_prod_pvt;
    d.back.cur = null;
  },
};

export const purgePersistentGnt: R = {
  name: 'purge_persistent_gnt',
  actor: 'backend',
  doc: 'blkback LRU: unmap an inactive persistent grant and drop it from the tree',
  see: `${SEE_BACK} purge_persistent_gnt, xen_blkbk_unmap_purged_grants`,
  applies: (p) => usePersistent(p) && p.maxPgrants > 0,
  choices: (s) => s.back.pgnts.filter((x) => !x.active).map((x) => x.gref),
  showChoice: (g: number) => `gref=${g}`,
  then: (d, s, _p, g: number) => {
    d.back.pgnts = s.back.pgnts.filter((x) => x.gref !== g);
    d.mapcount[g] = s.mapcount[g]! - 1;
  },
};

const done = (s: BlkifState, p: BlkifParams): boolean =>
  s.front.issued === p.requests && s.front.rsp_cons === s.front.req_prod_pvt && s.back.cur === null;

export const blkifInvariants: readonly Invariant<BlkifState, BlkifParams>[] = [
  {
    name: 'B_response_discloses_nothing',
    description: 'no byte of a ring slot holds backend memory: every response byte is a response field or what the frontend wrote there',
    see: 'XSA-216 (CVE-2017-10911); drivers/block/xen-blkback/blkback.c make_response',
    holds: (s) => s.ring.every((x) => x.pad !== PAD_SECRET),
  },
  {
    name: 'B_persistent_within_max_pgrants',
    description: 'the backend keeps at most max_pgrants grants persistently mapped',
    see: `${SEE_BACK} add_persistent_gnt (persistent_gnt_c >= max_pgrants: -EBUSY)`,
    holds: (s, p) => s.back.pgnts.length <= p.maxPgrants,
  },
  {
    name: 'B_maps_only_granted',
    description: 'every grant the backend maps (persistently or for a request) is one the frontend grants',
    see: 'xen/common/grant_table.c map_grant_ref; blkif.h feature-persistent',
    holds: (s) => s.mapcount.every((c, g) => c === 0 || s.granted[g] === true),
  },
  {
    name: 'F_free_page_unmapped',
    description: 'a page blkfront holds without a gref (free for any use) is mapped by no one',
    see: `${SEE_FRONT} blkif_completion (gnttab_try_end_foreign_access)`,
    holds: (s) => s.front.gref.every((g, page) => g !== INVALID_GRANT_REF || s.mapcount[grefOf(page)] === 0),
  },
  {
    name: 'F_not_broken',
    description: 'blkfront never finds a response it must reject (bad id, no pending request, wrong operation, a grant the backend did not unmap)',
    see: `${SEE_FRONT} blkif_interrupt, blkif_completion (goto err)`,
    holds: (s) => !s.front.broken,
  },
];

export const blkif: Model<BlkifState, BlkifParams> = {
  views: blkifViews,
  name: 'blkif',
  description: 'blkif.h on io/ring.h as blkfront and blkback run it: request/response slots with padding (XSA-216), persistent grants (feature-persistent, max_pgrants, LRU purge)',
  see: 'xen/include/public/io/blkif.h; drivers/block/xen-blkback/blkback.c; drivers/block/xen-blkfront.c; docs/models/blkif.md',
  params,
  init: (p) => [blkifInit(p)],
  shape: blkifShape,
  rules: [blkifQueueRequest, blkifInterrupt, doBlockIoOp, xenBlkbkMap, makeResponse, purgePersistentGnt],
  invariants: blkifInvariants,
  isValidEnd: (s, p) => done(s, p) || s.front.broken,
  view: (s) =>
    `ring [${s.ring.map((x) => (x.kind === SLOT_EMPTY ? '.' : x.kind === SLOT_REQUEST ? `Q${x.id}` : `P${x.id}${x.pad === PAD_SECRET ? '!' : ''}`)).join(' ')}] ` +
    `req_prod=${s.req_prod} rsp_prod=${s.rsp_prod} persistent=[${s.back.pgnts.map((x) => x.gref + (x.active ? '*' : '')).join(',')}]`,
};
