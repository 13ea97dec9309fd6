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
 *   on the tail. A request takes a head page per segment, claiming and
 *   granting a gref if it has none. On completion `gnttab_try_end_foreign_access(gref)`: if
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
 * - **Several requests, several segments**: a request has `segments`
 *   segments, each its own page and gref (blkfront's `grants_used[]`);
 *   blkfront has up to RING_SIZE requests outstanding (its `shadow[]` ids);
 *   blkback holds up to `pending` of them at once (its pending_req pool,
 *   `alloc_req`: with the pool empty its kthread waits on
 *   `pending_free_wq`), copies and maps each before it takes the next, and
 *   answers them in whatever order their I/O ends (`make_response`'s
 *   choice). Both default to 1: one request in blkback at a time.
 * - **Request kinds** (`ops`, rw by default: reads only): blkfront's flushes
 *   (BLKIF_OP_FLUSH_DISKCACHE, while feature-flush-cache reads 1) and discards
 *   (BLKIF_OP_DISCARD, while feature-discard reads 1), no segment, no grant;
 *   blkback serves both (BLKIF_RSP_OKAY, nothing mapped) and answers any
 *   operation it does not serve BLKIF_RSP_EOPNOTSUPP; blkfront clears a
 *   feature on an error answer; at a migration blkfront_resume keeps them
 *   whole on info->requests (life.parked: F_parked_requeued). Since session 28
 *   also REQ_FUA writes (`rw+flush+fua`: BLKIF_OP_WRITE_BARRIER, BLKIF_OP_FLUSH_DISKCACHE
 *   or a plain write by the features, the indirect path's BUG_ON; F_fua_durable,
 *   F_indirect_never_fua) and, at a migration to another nr_rings
 *   (`destQueues=other`), blkfront_resume's freeze (F_resume_returns). Since
 *   session 29 the reads and writes blk-mq holds at a migration, not on the
 *   ring (rule blk_mq_submit_bio, life.held: with destQueues=other, or
 *   indirect and destIndirect=no): the freeze waits for them too, and one
 *   built for 32 segments reaches blkif_queue_rw_req's other BUG_ON after
 *   blkif_recover (F_fits_without_indirect).
 * - **Removal by the toolstack** (`removal=libxl`, off by default): the run
 *   starts at the handshake and libxl removes the vbd once, at any step, as
 *   `xl block-detach` without -f does (`life`: the xenbus state nodes,
 *   blkback's cached `dev->state`, the watches, xenblkd, the ring mapping and
 *   the blkif's references; xen_blkif_disconnect's -EBUSY with requests in
 *   flight, the last request's put freeing the blkif). Finding
 *   blkif-safe-remove: connect() writes Connected over libxl's Closing and
 *   the detach times out.
 * - **A driver domain crash** (`crash=destroy|preserve`, `restart`, off by
 *   default): blkback's domain dies at any step and xl destroys it (its nodes
 *   gone, its mappings released), `xl block-detach` removes the guest's
 *   frontend directory, the guest's bus removes the device on xenwatch
 *   (`blkfront_remove`'s del_gendisk waits for the requests outstanding);
 *   with `restart` the disk is attached again to the restarted domain. With
 *   `preserve` (xl's on_crash=preserve) the domain is kept paused (nodes and
 *   mappings stay), `xl block-detach` fails after LIBXL_DESTROY_TIMEOUT,
 *   `-f` removes both directories, `xl destroy` may come at any time.
 *   Finding blkif-crash-remove: a request outstanding keeps xenwatch waiting
 *   for ever (6.12 and 7.0; with preserve after `xl block-detach -f`).
 * - **Indirect requests** (`indirectOp`, session 30, off by default): blkfront
 *   sends its reads as BLKIF_OP_INDIRECT (indirect_op, nr_segments,
 *   indirect_grefs[0]: an indirect page taken from its grant list before the
 *   data pages, holding the segments: the slot's `segs`); blkback checks
 *   indirect_op and nr_segments (dispatch_rw_block_io), maps the indirect page
 *   (refused: BLKIF_RSP_ERROR), reads each segment once, checks it, unmaps the
 *   page (xen_blkbk_parse_indirect), maps the data. B_nseg_checked,
 *   B_indirect_page_mapped; examples/blkif-indirect-*.ts put back a double
 *   fetch (XSA-155), the nseg > MAX_INDIRECT_SEGMENTS check removed and a
 *   refused indirect map ignored (XSA-365's shape); since session 31 the
 *   double fetch of nr_segments (B_copy_within_request) and the lifecycle
 *   (`migrate`: blkif_recover sends indirect again, or direct at a
 *   destination without feature-max-indirect-segments,
 *   F_sends_only_advertised; removal, unbind, crash).
 * - **The x86_32 copy** (`protocol=x86_32`, session 32, off by default):
 *   blkback copies an x86_32 guest's request field by field
 *   (blkif_get_x86_32_req: `operation` and `nr_segments` read once each) and
 *   a direct slot carries `nr_segments`, which the hostile guest writes and
 *   dispatch_rw_block_io checks; examples/blkif-nseg-double-fetch.ts (QEMU's
 *   XSA-155 double fetch of nr_segments, B_copy_within_request) and
 *   examples/blkif-xsa155-operation.ts (blkback's, of `operation`:
 *   B_copy_matches_operation) put the double fetches back.
 *
 * @see xen/include/public/io/blkif.h (feature-persistent, struct blkif_response)
 * @see drivers/block/xen-blkback/blkback.c (make_response, xen_blkbk_map, xen_blkbk_parse_indirect, dispatch_rw_block_io, blkif_get_x86_64_req, get_persistent_gnt, add_persistent_gnt, purge_persistent_gnt, __do_block_io_op, alloc_req, free_req)
 * @see drivers/block/xen-blkfront.c (get_grant, blkif_queue_rw_req, get_id_from_freelist, add_id_to_freelist, blkif_interrupt, blkif_completion, blkback_changed, blkfront_closing)
 * @see drivers/block/xen-blkback/xenbus.c (frontend_changed, connect, xen_blkif_disconnect, xen_blkbk_remove); tools/libs/light/libxl_device.c (libxl__initiate_device_generic_remove); tools/xl/xl_vmcontrol.c (handle_domain_death: on_crash)
 * @see docs/models/blkif.md
 */
import { defineParams, enumParam, intParam, boolParam, isPowerOfTwo, type ParamsOfSpace } from './params.js';
import type { Draft } from 'immer';
import type { Invariant, Model, Rule } from './core.js';
import { RING_FULL, NR_UNCONSUMED_RESPONSES, idxAdd, idxSub } from './idx32.js';
import { array, bool, int, list, oneOf, record, type Bounded, type Shape } from './shape.js';
import { blkifViews } from './views/drivers.js';
import { switchAbortsOnReset } from './xenbus.js';

export const BLKIF_OP_READ = 0;
export const BLKIF_OP_WRITE = 1;
/** blkif.h BLKIF_OP_WRITE_BARRIER: a write ordered after every earlier one (blkback: REQ_PREFLUSH after xen_blk_drain_io); `feature-barrier`. */
export const BLKIF_OP_WRITE_BARRIER = 2;
/** blkif.h BLKIF_OP_FLUSH_DISKCACHE: flush the disk's write cache (`feature-flush-cache`); blkfront sends it with no segment for REQ_OP_FLUSH. */
export const BLKIF_OP_FLUSH_DISKCACHE = 3;
/** blkif.h BLKIF_OP_RESERVED_1: an operation neither Linux end serves (a hostile peer's). */
export const BLKIF_OP_RESERVED_1 = 4;
/** blkif.h BLKIF_OP_DISCARD: discard a sector range (`feature-discard`); no segment, no grant (`struct blkif_request_discard`). */
export const BLKIF_OP_DISCARD = 5;
/** blkif.h `struct blkif_request_discard`'s flag: BLKIF_DISCARD_SECURE, "ignored if discard-secure=0" (blkfront sets it for a REQ_OP_SECURE_ERASE while `feature_secdiscard`). */
export const BLKIF_DISCARD_SECURE = 1;
/** A request with no segment in the model: a flush or barrier (blkfront's REQ_OP_FLUSH: nr_segments 0) or a discard (no segment at all). */
export const isSegmentless = (op: number): boolean => op === BLKIF_OP_FLUSH_DISKCACHE || op === BLKIF_OP_WRITE_BARRIER || op === BLKIF_OP_DISCARD;
/** An operation Linux blkback serves (`__do_block_io_op`'s switch): read, write, barrier, flush (dispatch_rw_block_io), discard (dispatch_discard_io); any other: dispatch_other_io, BLKIF_RSP_EOPNOTSUPP. */
export const blkbackServes = (op: number): boolean => op === BLKIF_OP_READ || op === BLKIF_OP_WRITE || isSegmentless(op);
/**
 * blkif.h BLKIF_OP_INDIRECT (`indirectOp`; session 30): a read or write of more than BLKIF_MAX_SEGMENTS_PER_REQUEST
 * grants, its `struct blkif_request_segment`s on indirect pages (`indirect_grefs[]`); `indirect_op` says which.
 */
export const BLKIF_OP_INDIRECT = 6;
/** An indirect request's `nr_segments` (`indirectOp`), by what blkback's check makes of it: 1..MAX_INDIRECT_SEGMENTS (256, common.h; blkfront's: the model's `segments`). */
export const NSEG_OK = 0;
/** `nr_segments` 0 (a hostile guest's): dispatch_rw_block_io's "Bad number of segments" (not a flush). */
export const NSEG_ZERO = 1;
/** `nr_segments` above MAX_INDIRECT_SEGMENTS (a hostile guest's, up to 65535): "Bad number of segments"; parsed, it would fill pending_req->segments[MAX_INDIRECT_SEGMENTS] past its end. */
export const NSEG_ABOVE_MAX = 2;
export const BLKIF_RSP_EOPNOTSUPP = -2;
export const BLKIF_RSP_OKAY = 0;
export const BLKIF_RSP_ERROR = -1;

/** A request's segment (`struct blkif_request_segment { gref; first_sect; last_sect; }`): sectors within the page. */
export const SECT_OK = 0;
/** `last_sect >= XEN_PAGE_SIZE >> 9` or `last_sect < first_sect`: the segment leaves its page (a hostile guest's). */
export const SECT_BEYOND_PAGE = 1;
/** grant_table.h: no gref. */
export const INVALID_GRANT_REF = 0;

/** What the padding bytes of a slot hold. */
export const PAD_FRONTEND = 0;
export const PAD_SECRET = 1;

export const SLOT_EMPTY = 0;
export const SLOT_REQUEST = 1;
export const SLOT_RESPONSE = 2;

/** A request's segment (`struct blkif_request_segment`) as the slot holds it. */
export interface Seg {
  /** The segment's gref. */
  readonly gref: number;
  /** The segment's sectors, SECT_OK or SECT_BEYOND_PAGE. */
  readonly sect: number;
}

/**
 * A ring slot. Its request's segments: `segs` (`segments` of them), or at
 * segments=1 the one segment's `gref` and `sect` in the slot itself (the
 * flat shape: a third of the objects to copy and pack per state; read them
 * with {@link segsOf}).
 */
export interface Slot {
  readonly kind: number;
  readonly id: number;
  readonly operation: number;
  /** segments=1: the request's segment's gref. */
  readonly gref?: number;
  /** segments=1: the request's segment's sectors. */
  readonly sect?: number;
  /** segments > 1: the request's `nr_segments` segments (`seg[]`). */
  readonly segs?: readonly Seg[];
  /** `indirectOp` only: `u.indirect.indirect_op` (the slot's `segs` are then the indirect page's segments). */
  readonly iop?: number;
  /**
   * `indirectOp`: `u.indirect.nr_segments`, NSEG_OK, NSEG_ZERO or NSEG_ABOVE_MAX; `protocol=x86_32` (session 32): also a
   * direct request's `u.rw.nr_segments` (NSEG_OK: the request's `segments`, 1..BLKIF_MAX_SEGMENTS_PER_REQUEST; NSEG_ZERO;
   * NSEG_ABOVE_MAX: 12..255), the field of the slot's operation.
   */
  readonly nseg?: number;
  /** `indirectOp` only: `u.indirect.indirect_grefs[0]`, the indirect page's gref. */
  readonly igref?: number;
  /** Response: BLKIF_RSP_*. */
  readonly status: number;
  /** Bytes 9 and 12..15 of the slot. */
  readonly pad: number;
}

/**
 * An entry of blkfront's `shadow[]`: `status == REQ_WAITING` (a request is
 * waiting for its response) and `grants_used[]`, the pages of its segments.
 * add_id_to_freelist leaves `grants_used[]` as it was; the built-in clears
 * it (no Linux since 2021 reads a free entry's pages: the REQ_WAITING
 * check), a variant before 2021 keeps it stale (`blkifCompletion`'s `stale`).
 */
export interface Shadow {
  readonly waiting: boolean;
  /** segments > 1: `grants_used[]`, the pages (none, or one per segment). */
  readonly pages?: readonly number[];
  /** segments=1 (the flat shape): the page, or NO_PAGE. Read both with {@link pagesOf}. */
  readonly page?: number;
  /** `ops` other than rw only: the request's operation (`shadow[id].req.operation`, which blkif_interrupt compares with the response's); read it with {@link opOf}. */
  readonly op?: number;
  /** `ops` with secdiscard only: the block request is a REQ_OP_SECURE_ERASE (`req_op(shadow[id].request)`), sent as BLKIF_OP_DISCARD. */
  readonly secureErase?: boolean;
  /** `ops` with secdiscard only: the discard's flag as blkfront wrote it (`shadow[id].req.u.discard.flag`, copied to the ring: BLKIF_DISCARD_SECURE or 0). */
  readonly flag?: number;
  /** `ops` with fua only: the block request is a write with REQ_FUA (`shadow[id].request->cmd_flags & REQ_FUA`), sent as BLKIF_OP_WRITE_BARRIER, BLKIF_OP_FLUSH_DISKCACHE or a plain write (blkif_queue_rw_req). */
  readonly fua?: boolean;
}

/** A shadow entry's `page` with no page (segments=1). */
export const NO_PAGE = -1;

/** A slot's segments: its `segs`, or at segments=1 the slot itself (its gref and sect). */
export const segsOf = (x: Slot): readonly Seg[] => x.segs ?? [x as Seg];

/** A shadow entry's pages: its `pages`, or at segments=1 its `page` (none if NO_PAGE). */
export const pagesOf = (x: Shadow): readonly number[] => x.pages ?? (x.page === NO_PAGE ? [] : [x.page!]);

/** A shadow entry's operation: its `op`, or BLKIF_OP_READ (ops=rw: blkfront issues reads only). */
export const opOf = (x: Shadow): number => x.op ?? BLKIF_OP_READ;

/** A shadow entry in the shape at `p` (flat at segments=1; its operation only with `ops` other than rw). */
export const shadowEntry = (p: { segments: number; ops?: string; indirectOp?: boolean }, waiting: boolean, pages: readonly number[], op: number = BLKIF_OP_READ, secureErase = false, flag = 0, fua = false): Shadow => {
  const e: Shadow = isFlat(p) ? { waiting, page: pages.length === 0 ? NO_PAGE : pages[0]! } : { waiting, pages };
  if (p.ops === undefined || p.ops === 'rw') return e;
  if (opsFua(p)) return { ...e, op: waiting ? op : BLKIF_OP_READ, fua: waiting && fua };
  return opsSecdiscard(p) ? { ...e, op: waiting ? op : BLKIF_OP_READ, secureErase: waiting && secureErase, flag: waiting ? flag : 0 } : { ...e, op: waiting ? op : BLKIF_OP_READ };
};

/** The flat shape (segments=1 without `indirectOp`): a slot's one segment in the slot, a shadow entry's one page in `page`. */
export const isFlat = (p: { segments: number; indirectOp?: boolean }): boolean => p.segments === 1 && p.indirectOp !== true;
/** Pages a data request takes from blkfront's grant list: one per segment and (`indirectOp`) its indirect page. */
export const pagesPerRequest = (p: { segments: number; indirectOp?: boolean }): number => p.segments + (p.indirectOp === true ? 1 : 0);
/** An indirect request's header fields as a slot holds them (`indirectOp`). */
export interface IndirectFields { readonly iop: number; readonly nseg: number; readonly igref: number }
/** A slot's header fields with `indirectOp` and no indirect request (a direct request, a response, an empty slot). */
const NO_INDIRECT: IndirectFields = { iop: BLKIF_OP_READ, nseg: NSEG_OK, igref: INVALID_GRANT_REF };
/** (`protocol=x86_32`) a flush's or barrier's header: nr_segments 0. */
const FLUSH_HEADER: IndirectFields = { iop: BLKIF_OP_READ, nseg: NSEG_ZERO, igref: INVALID_GRANT_REF };

/** `ops` asks for flushes (`rw+flush`, `rw+flush+discard`). */
export const opsFlush = (p: { ops?: string }): boolean => p.ops !== undefined && p.ops.includes('flush');
/** `ops` asks for discards. */
export const opsDiscard = (p: { ops?: string }): boolean => p.ops !== undefined && p.ops.includes('discard');
/** `ops` asks for secure erases too (`rw+discard+secdiscard`: REQ_OP_SECURE_ERASE, BLKIF_OP_DISCARD with BLKIF_DISCARD_SECURE). */
export const opsSecdiscard = (p: { ops?: string }): boolean => p.ops !== undefined && p.ops.includes('secdiscard');
/** `ops` asks for FUA writes too (`rw+flush+fua`: writes with REQ_FUA, which reach blkfront while the queue has BLK_FEAT_FUA). */
export const opsFua = (p: { ops?: string }): boolean => p.ops !== undefined && p.ops.includes('fua');

/** At the destination of a migration with `destFeatures=none`: the backend blkfront talks to advertises nothing. */
const atBareDestination = (s: { life?: { migrated?: string } }, p: { destFeatures?: string }): boolean =>
  p.destFeatures === 'none' && s.life?.migrated !== undefined && s.life.migrated !== 'none';
/** Past `xl migrate` (the destination's backend is the one blkfront talks to). */
const migratedOf = (s: { life?: { migrated?: string } }): boolean => s.life?.migrated !== undefined && s.life.migrated !== 'none';
type FlushP = { featureFlushCache?: boolean; flushNodes?: string; destFeatures?: string };
/**
 * The flush nodes the backend blkfront talks to wrote: `feature-flush-cache` (`fc`) and `feature-barrier` (`b`).
 * At the source: both with `featureFlushCache` (Linux blkback's connect(): both = vbd.flush_support), or
 * `feature-barrier` alone with `flushNodes=barrier-only`; neither without a write cache. At a destination:
 * `destFeatures` none or noflush: neither; flushcache: both (Linux blkback on a disk with a write cache);
 * barrier-only: `feature-barrier` alone; same or nosecure: the source's.
 */
export const flushNodesOf = (s: { life?: { migrated?: string } }, p: FlushP): { readonly fc: boolean; readonly b: boolean } => {
  const d = migratedOf(s) ? p.destFeatures : undefined;
  if (d === 'none' || d === 'noflush') return { fc: false, b: false };
  if (d === 'flushcache') return { fc: true, b: true };
  if (d === 'barrier-only') return { fc: false, b: true };
  return p.featureFlushCache === true ? { fc: p.flushNodes !== 'barrier-only', b: true } : { fc: false, b: false };
};
/** What the backend blkfront talks to wrote in `feature-flush-cache` or `feature-barrier` (blkfront_gather_backend_features: either sets feature_flush). */
export const advertisesFlush = (s: { life?: { migrated?: string } }, p: FlushP): boolean => {
  const n = flushNodesOf(s, p);
  return n.fc || n.b;
};
/** blkfront_gather_backend_features' feature_fua: `feature-barrier` 1 and `feature-flush-cache` not ("use that above barriers"). */
export const advertisesFua = (s: { life?: { migrated?: string } }, p: FlushP): boolean => {
  const n = flushNodesOf(s, p);
  return n.b && !n.fc;
};
/**
 * A REQ_FUA write the backend that answered (the one blkfront talks to) made durable: sent as BLKIF_OP_WRITE_BARRIER to
 * a backend that advertises `feature-barrier` (blkfront's own reading, blkif_queue_rw_req: "A barrier request a
 * superset of FUA"), or answered by a backend that advertises neither flush node (blkfront_gather_backend_features:
 * "a very old backend which writes synchronously"; Linux blkback: its disk has no write cache, vbd.flush_support 0).
 * A BLKIF_OP_FLUSH_DISKCACHE with data is a flush before the write (blkback's dispatch_rw_block_io: REQ_PREFLUSH, no
 * REQ_FUA), and a plain write to a backend with a write cache may stay in that cache.
 */
export const fuaDurable = (s: { life?: { migrated?: string } }, p: FlushP, op: number): boolean => {
  const n = flushNodesOf(s, p);
  return (op === BLKIF_OP_WRITE_BARRIER && n.b) || (!n.fc && !n.b);
};
/** What the backend blkfront talks to wrote in `feature-discard`. */
export const advertisesDiscard = (s: { life?: { migrated?: string } }, p: { featureDiscard?: boolean; destFeatures?: string }): boolean =>
  p.featureDiscard === true && !atBareDestination(s, p);
/** At the destination of a migration whose backend's disk differs from the source's (`destFeatures` none or nosecure). */
const atOtherDestination = (s: { life?: { migrated?: string } }, p: { destFeatures?: string }): boolean =>
  p.destFeatures !== undefined && p.destFeatures !== 'same' && s.life?.migrated !== undefined && s.life.migrated !== 'none';
/**
 * The vbd's `vbd.discard_secure` at the backend blkfront talks to (xen_vbd_create: bdev_max_secure_erase_sectors):
 * `discardSecure` at the source and at a `same` destination; a `none` or `nosecure` destination's disk has no secure erase.
 */
export const backendDiscardSecure = (s: { life?: { migrated?: string } }, p: { discardSecure?: boolean; destFeatures?: string }): boolean =>
  p.discardSecure === true && !atOtherDestination(s, p);
/** What that backend wrote in `discard-secure`: xen_blkbk_discard writes it (vbd.discard_secure) only beside feature-discard 1. */
export const advertisesSecure = (s: { life?: { migrated?: string } }, p: { featureDiscard?: boolean; discardSecure?: boolean; destFeatures?: string }): boolean =>
  advertisesDiscard(s, p) && backendDiscardSecure(s, p);

/** A slot in the shape at `p` (flat at segments=1), its fields in the shape's order. */
export const slotOf = (p: { segments: number; indirectOp?: boolean; protocol?: string }, kind: number, id: number, operation: number, segs: readonly Seg[], status: number, pad: number, ind: IndirectFields = NO_INDIRECT): Slot =>
  isFlat(p) ? (directNseg(p) ? { kind, id, operation, gref: segs[0]!.gref, sect: segs[0]!.sect, nseg: ind.nseg, status, pad } : { kind, id, operation, gref: segs[0]!.gref, sect: segs[0]!.sect, status, pad })
    : p.indirectOp === true ? { kind, id, operation, segs, iop: ind.iop, nseg: ind.nseg, igref: ind.igref, status, pad }
      : directNseg(p) ? { kind, id, operation, segs, nseg: ind.nseg, status, pad } : { kind, id, operation, segs, status, pad };
/**
 * `protocol=x86_32` (session 32): blkback copies each request field by field (blkif_get_x86_32_req) and the model's
 * direct slots carry `nr_segments` (`nseg`), which a hostile guest writes and dispatch_rw_block_io checks.
 */
export const directNseg = (p: { protocol?: string }): boolean => p.protocol === 'x86_32';

export interface Frontend {
  readonly req_prod_pvt: number;
  readonly rsp_cons: number;
  /** blkfront's shadow, per id (BLK_RING_SIZE of them). */
  readonly shadow: readonly Shadow[];
  /** rinfo->grants, head first: page numbers. */
  readonly grants: readonly number[];
  /** Per page, its gref or INVALID_GRANT_REF. */
  readonly gref: readonly number[];
  /** Requests queued so far. */
  readonly issued: number;
  /** A check of blkif_interrupt/blkif_completion failed: `goto err` (the device is broken until reconnect). */
  readonly broken: boolean;
  /** blkif_completion ran for an id with no request waiting (a second completion): set only by a blkfront without the 2021 checks. */
  readonly twice: boolean;
  /** blkif_interrupt reached a BUG() (the `default:` of its switch on the response's operation): only without the 2021 checks. */
  readonly bug: boolean;
  /** `ops` other than rw only: `info->feature_flush` (blkfront_gather_backend_features: feature-barrier or feature-flush-cache; cleared by a flush answered with an error). */
  readonly flush?: boolean;
  /** `ops` other than rw only: `info->feature_discard` (feature-discard; cleared by a discard answered BLKIF_RSP_EOPNOTSUPP). */
  readonly discard?: boolean;
  /** `ops` with secdiscard only: `info->feature_secdiscard` (blkfront_setup_discard: discard-secure, set whenever feature-discard reads 1; cleared by a discard answered BLKIF_RSP_EOPNOTSUPP). */
  readonly secdiscard?: boolean;
  /** `ops` with secdiscard only: the queue's `max_secure_erase_sectors` is not 0 (blkif_set_queue_limits sets it while feature_secdiscard, never clears it; blk_queue_disable_secure_erase does): the block layer passes REQ_OP_SECURE_ERASE (blk-core.c submit_bio_noacct). */
  readonly secLimit?: boolean;
  /**
   * `ops` with secdiscard only, an observer (no Linux variable): blkfront completed a REQ_OP_SECURE_ERASE with
   * BLKIF_RSP_OKAY (BLK_STS_OK: the guest's BLKSECDISCARD succeeds) that blkback did not carry out as a secure
   * erase (the flag not sent, or blkback's vbd.discard_secure false: blkdev_issue_discard). F_secure_erase_done.
   */
  readonly falseErase?: boolean;
  /** `ops` with fua only: `info->feature_fua` (blkfront_gather_backend_features: `feature-barrier` without `feature-flush-cache`; cleared with feature_flush by a flush answered with an error). */
  readonly fua?: boolean;
  /**
   * `ops` with fua only: the queue's BLK_FEAT_FUA (blkif_set_queue_limits sets it while feature_flush and feature_fua,
   * never clears it; blkif_recover starts from the current limits): the block layer passes a write's REQ_FUA to
   * blkfront (block/blk-flush.c blk_insert_flush keeps it only with supports_fua, else a post-flush).
   */
  readonly fuaQueue?: boolean;
  /**
   * `ops` with fua only, an observer (no Linux variable): blkfront ended a REQ_FUA write BLK_STS_OK on BLKIF_RSP_OKAY
   * that the backend which answered did not make durable ({@link fuaDurable}). F_fua_durable.
   */
  readonly falseFua?: boolean;
  /**
   * `ops` with fua only, an observer: blkif_queue_rw_req reached `BUG_ON(req_op(req) == REQ_OP_FLUSH || req->cmd_flags &
   * REQ_FUA)` on its indirect path (a REQ_FUA write of more than BLKIF_MAX_SEGMENTS_PER_REQUEST grants while
   * info->max_indirect_segments is set): the guest's kernel is dead. F_indirect_never_fua.
   */
  readonly bugOn?: boolean;
  /**
   * `ops` with fua only: REQ_FUA writes outstanding at a migration, which blkfront_resume kept whole on info->requests
   * (`cmd_flags & REQ_FUA`: "this doesn't make any sense for a write with the FUA flag set") and blkif_recover requeued
   * (blk_mq_requeue_request): dispatched again with their REQ_FUA whatever the new queue's features (blk-mq inserts a
   * flush-sequenced request straight into the dispatch list), before any new request; each is one of the `requests`.
   */
  readonly fuaOwed?: number;
}

/** A segment of a request blkback holds (`pending_req->segments[i]`, a `struct grant_page`). */
export interface BackSeg {
  /** The gref; INVALID_GRANT_REF once the request failed (nothing mapped) or, in a variant, a map that failed (`handle == BLKBACK_INVALID_HANDLE`). */
  readonly gref: number;
  /** The segment's sectors as blkback's copy holds them (what dispatch_rw_block_io checks). */
  readonly sect: number;
  /** The gref is persistently mapped (`persistent_gnt`, in the tree), as opposed to mapped for this request only. */
  readonly persistent: boolean;
}

/** A request blkback holds: a `struct pending_req` from its pool (`alloc_req`), until make_response and free_req. */
export interface InFlight {
  readonly id: number;
  readonly operation: number;
  readonly segs: readonly BackSeg[];
  /** 0: copied; 1: mapped (or found persistent), its bios submitted (or failed: status set); 2 (`indirectOp`): an indirect request past dispatch_rw_block_io's checks, its indirect page mapped, its segments not yet read; 3: a variant's (a copy between two reads). */
  readonly stage: number;
  readonly status: number;
  /** `indirectOp` only: the copy's `indirect_op` (blkif_get_x86_*_req; the response's operation for BLKIF_OP_INDIRECT). */
  readonly iop?: number;
  /** `indirectOp` or `protocol=x86_32` only: the copy's `nr_segments` (read once, READ_ONCE: XSA-155). */
  readonly nseg?: number;
  /** `indirectOp` only: `indirect_grefs[0]` as copied; while stage 2, the indirect page's mapping (`pending_req->indirect_pages[0]`); INVALID_GRANT_REF once unmapped, or in a variant a map that failed. */
  readonly igref?: number;
  /** `indirectOp` only: the indirect page was found in (or added to) the persistent tree. */
  readonly ipersistent?: boolean;
}

export interface Backend {
  readonly req_cons: number;
  readonly rsp_prod_pvt: number;
  /** The persistent tree: grefs, with whether a request is using each (`active`). */
  readonly pgnts: readonly { readonly gref: number; readonly active: boolean }[];
  /** The pending_reqs under way, in the order blkback took them (at most `pending`: its pool). */
  readonly reqs: readonly InFlight[];
  /** RING_REQUEST_PROD_OVERFLOW seen: "Frontend provided bogus ring requests", the ring halted until disconnect (-EACCES). */
  readonly halted: boolean;
  /** frontend=hostile: requests consumed since the guest last wrote req_prod (capped at RING_SIZE + 1); 0 otherwise. */
  readonly work: number;
  /** I/O on a segment whose sectors leave the page (a segment read twice: XSA-155); set only by a variant. */
  readonly overrun: boolean;
  /**
   * `indirectOp` or `protocol=x86_32` only, an observer: blkif_get_x86_*_req copied more grefs than `indirect_grefs[]`
   * (BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST) or more segments than `u.rw.seg[]` (BLKIF_MAX_SEGMENTS_PER_REQUEST) of its
   * `struct blkif_request` holds (its count taken from a second read of `nr_segments`); set only by a variant
   * (examples/blkif-indirect-nseg-double-fetch.ts, examples/blkif-nseg-double-fetch.ts). B_copy_within_request.
   */
  readonly copyOverflow?: boolean;
  /**
   * `protocol=x86_32` only, an observer: blkback dispatched a request on fields of its copy (`__do_block_io_op`'s `req`)
   * that blkif_get_x86_*_req did not write for it: its switch copied the union arm of another operation than the one
   * `dst->operation` holds (a second read of `operation`), so dispatch_rw_block_io or dispatch_discard_io reads `req`
   * as the previous request (or the stack) left it; set only by a variant (examples/blkif-xsa155-operation.ts).
   * B_copy_matches_operation.
   */
  readonly staleCopy?: boolean;
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
  /** Writes the adversary (frontend=hostile or backend=hostile) may still make. */
  readonly hostile: number;
  /** `removal=libxl`, `migrate`, `unbind` or `crash` only: the device's lifecycle (absent otherwise: the defaults' states are unchanged). */
  readonly life?: Life;
}

/**
 * xenbus.h's states (include/xen/interface/io/xenbus.h: 1, 2, 3, 4, 5, 6 in
 * the `state` nodes), by their names: a trace reads `be: XenbusStateClosing`.
 */
export const XenbusStateInitialising = 'XenbusStateInitialising';
export const XenbusStateInitWait = 'XenbusStateInitWait';
export const XenbusStateInitialised = 'XenbusStateInitialised';
export const XenbusStateConnected = 'XenbusStateConnected';
export const XenbusStateClosing = 'XenbusStateClosing';
export const XenbusStateClosed = 'XenbusStateClosed';
const XENBUS_STATES = [XenbusStateInitialising, XenbusStateInitWait, XenbusStateInitialised, XenbusStateConnected, XenbusStateClosing, XenbusStateClosed] as const;
export type XenbusState = (typeof XENBUS_STATES)[number];

/**
 * libxl's device removal: not started, waiting for the backend's Closed (libxl__ev_devstate_wait), done (saw
 * Closed); failed (crash=preserve only: the wait ended with LIBXL_DESTROY_TIMEOUT, or ERROR_INVAL when the
 * backend's node was removed, and xl block-detach reported "libxl_device_disk_safe_remove failed" or, after
 * -f's cleanup, "libxl_device_disk_destroy failed").
 */
export const LIBXL_IDLE = 'idle';
export const LIBXL_WAITING = 'waiting';
export const LIBXL_DONE = 'done';
export const LIBXL_FAILED = 'failed';
const LIBXL_PHASES = [LIBXL_IDLE, LIBXL_WAITING, LIBXL_DONE, LIBXL_FAILED] as const;

/** blkback's kthread (ring->xenblkd): not started, running, stopped (kthread_stop). */
export const KTHREAD_NONE = 'none';
export const KTHREAD_RUNNING = 'running';
export const KTHREAD_STOPPED = 'stopped';
const KTHREAD_STATES = [KTHREAD_NONE, KTHREAD_RUNNING, KTHREAD_STOPPED] as const;

/**
 * `removal=libxl`: the vbd's lifecycle from the handshake to its removal by
 * `xl block-detach` without -f (libxl_device_disk_safe_remove,
 * LIBXL__FORCE_OFF): the xenbus state nodes, the xenbus core's cached
 * `dev->state`, the watches, blkback's kthread, ring mapping and blkif
 * reference (drivers/block/xen-blkback/xenbus.c), libxl's removal
 * (tools/libs/light/libxl_device.c libxl__initiate_device_generic_remove).
 */
export interface Life {
  /** The backend's `state` node (XenbusState*). */
  readonly be: XenbusState;
  /** blkback's `dev->state`, the xenbus core's cached copy: `__xenbus_switch_state` compares the new state with it, not with the node. */
  readonly beDev: XenbusState;
  /** blkfront's state (its node and its `dev->state`: nothing else writes it at LIBXL__FORCE_OFF). */
  readonly fe: XenbusState;
  /** blkfront's otherend watch fired (the backend's state was written); `blkback_changed` has yet to run and reads the node when it does. */
  readonly feWatch: boolean;
  /** blkback's otherend watch fired; `frontend_changed` has yet to run. */
  readonly beWatch: boolean;
  /** The backend's `online` node. */
  readonly online: boolean;
  /** LIBXL_IDLE, LIBXL_WAITING (libxl__ev_devstate_wait for Closed, LIBXL_DESTROY_TIMEOUT), LIBXL_DONE (saw Closed: hotplug remove, libxl__device_destroy). */
  readonly libxl: (typeof LIBXL_PHASES)[number];
  /** blkback's kthread: KTHREAD_NONE, KTHREAD_RUNNING (xen_update_blkif_status), KTHREAD_STOPPED (xen_blkif_disconnect's kthread_stop). */
  readonly kthread: (typeof KTHREAD_STATES)[number];
  /** blkback maps the shared ring, its event channel bound (connect_ring .. a xen_blkif_disconnect with nothing in flight). */
  readonly ring: boolean;
  /** xen_blkbk_remove ran: the reference of xen_blkif_alloc is put; each request in flight still holds one (xen_blkif_get in dispatch_rw_block_io). */
  readonly removed: boolean;
  /** xen_blkif_free ran (the last reference put): its xen_blkif_disconnect found nothing in flight. */
  readonly freed: boolean;
  /** make_response wrote a response into a ring blkback no longer maps (a variant's; never Linux). */
  readonly late: boolean;
  /**
   * `migrate` only (absent otherwise): blkfront's `dev->state`, the xenbus core's cached copy, where it
   * differs from its node (`fe`): a migration's destination writes the node (1) before the guest resumes,
   * and xenbus_dev_resume sets `dev->state` (Initialising) only when it runs.
   */
  readonly feDev?: XenbusState;
  /** `migrate` only: MIGRATE_NONE, MIGRATE_RESUMING (the destination's nodes written, xenbus_dev_resume yet to run), MIGRATE_DONE. */
  readonly migrated?: (typeof MIGRATE_PHASES)[number];
  /**
   * `migrate` with `removal=libxl` only: the destination's restore (libxl__wait_device_connection's
   * libxl__ev_devstate_wait) read the backend's InitWait. Its watch reads the node when it fires: a detach
   * that wrote Closing first leaves it waiting until LIBXL_INIT_TIMEOUT (the migration fails); one that
   * writes Closing after it read InitWait does not stop the restore.
   */
  readonly restoreSaw?: boolean;
  /**
   * `migrate` only (since session 26; `migrate` with `removal=libxl` before): the requests outstanding at the migration that `blkfront_resume`
   * ended with their bios set aside on `info->bio_list` (blk_mq_end_request with `request->bio = NULL`: the
   * bios not ended), which only `blkif_recover` (blkfront_connect, `BLKIF_STATE_SUSPENDED`) re-submits; 0 once
   * it ran. A blkfront that closes before connecting never submits them, and `blkfront_remove` frees `info`
   * with them: their submitters wait for a bio_endio that never comes (finding blkif-resume-bios-lost: F_set_aside_resubmitted).
   */
  readonly aside?: number;
  /**
   * `migrate` with `ops` other than rw only: the flush and discard requests outstanding at the migration,
   * which `blkfront_resume` keeps whole on `info->requests` (not ended: each still holds the queue's usage
   * count) until `blkif_recover` requeues them; 0 once it ran. A blkfront removed before that waits for them
   * for ever in `del_gendisk` (its freeze); F_parked_requeued.
   */
  readonly parked?: number;
  /** `unbind` only: blkfront's driver BIND_BOUND (from the start), BIND_UNBOUND (the guest's sysfs unbind), BIND_REBOUND (bound again). */
  readonly bind?: (typeof BIND_PHASES)[number];
  /**
   * `unbind` only: the bound-again blkfront's talk_to_blkback granted a new ring while blkback still maps
   * the old one (it had not yet handled the unbind's Closed, and its frontend_changed ignores Initialised
   * and Connected while its dev->state is Connected): blkback reads a ring blkfront no longer writes,
   * until a connect_ring maps the new one.
   */
  readonly stale?: boolean;
  /** `crash` only: the driver domain: DD_UP, DD_DEAD (died and destroyed by xl), DD_RESTARTED (a new domain, a new blkback), DD_PRESERVED (crash=preserve: crashed, kept paused). */
  readonly dd?: (typeof DD_PHASES)[number];
  /** `crash` only: the guest's frontend directory `device/vbd/N`: FEDIR_FIRST (the first device's), FEDIR_GONE (removed by libxl), FEDIR_NEW (written again by the restart's `xl block-attach`). */
  readonly fedir?: (typeof FEDIR_PHASES)[number];
  /** `crash` only: the guest's xenbus_device at `device/vbd/N`: GDEV_FIRST (bound to blkfront), GDEV_REMOVING (its removal under way on the xenwatch thread: blkfront_remove's del_gendisk waits for the requests outstanding), GDEV_NONE, GDEV_SECOND (probed for the new directory). */
  readonly gdev?: (typeof GDEV_PHASES)[number];
  /** `crash` only: the guest's bus watch (on `device`) fired for `device/vbd/N`; xenbus_dev_changed, which reads the directory when it runs, has yet to run. */
  readonly busWatch?: boolean;
  /**
   * `migrate` with `destQueues=other` only: blkfront_resume, after talk_to_blkback negotiated another nr_rings with the
   * destination (negotiate_mq: min(multi-queue-max-queues, max_queues)), waits for ever in blk_mq_update_nr_hw_queues'
   * blk_mq_freeze_queue for the requests it kept whole on info->requests (each holds the queue's usage count; only
   * blkif_recover, after the backend connects, would requeue them): the guest's xenwatch thread, inside do_suspend's
   * dpm_resume_end, never returns. F_resume_returns.
   */
  readonly frozen?: boolean;
  /**
   * `migrate` with `destQueues=other`, or with `indirect` and `destIndirect=no`, only (session 29): reads and writes the
   * block layer holds, allocated but not on the ring (blk_mq_submit_bio took the queue's usage count, bio_queue_enter,
   * and every request blkfront can have in flight is in flight: the tag set's queue_depth is BLK_RING_SIZE; they wait in
   * the scheduler, for a tag, or on a stopped hardware queue's dispatch list). blkfront_resume does not see them (it
   * walks the shadow); blk-mq dispatches them when blkfront takes requests again (kick_pending_request_queues,
   * blkif_recover's kick). Each holds q_usage_counter: blk_mq_update_nr_hw_queues' freeze waits for them too
   * (F_resume_returns, finding blkif-resume-freeze's second route).
   */
  readonly held?: number;
  /**
   * `migrate` with `indirect` and `destIndirect=no` only (session 29): one of the `held` requests has more than
   * BLKIF_MAX_SEGMENTS_PER_REQUEST grants (blk_mq_submit_bio split its bio to the queue's max_segments, 32 while the
   * backend writes feature-max-indirect-segments); blk-mq never splits a request again at dispatch.
   */
  readonly heldBig?: boolean;
  /**
   * `migrate` with `indirect` and `destIndirect=no` only (session 29): blkfront dispatched a request of more than 11
   * grants while info->max_indirect_segments is 0: blkif_queue_rw_req's BUG_ON(!HAS_EXTRA_REQ && require_extra_req)
   * (x86: HAS_EXTRA_REQ false) stopped the guest's kernel. F_fits_without_indirect.
   */
  readonly noIndirectBug?: boolean;
}

/**
 * `crash`: the driver domain running; dead (destroyed by xl: its xenstore directory gone); restarted (a new
 * domid); preserved (crash=preserve: crashed and kept, paused, by xl's on_crash=preserve: its nodes and its
 * grant mappings stay, nothing of it runs).
 */
export const DD_UP = 'up';
export const DD_DEAD = 'dead';
export const DD_RESTARTED = 'restarted';
export const DD_PRESERVED = 'preserved';
const DD_PHASES = [DD_UP, DD_DEAD, DD_RESTARTED, DD_PRESERVED] as const;
/** `crash`: the guest's frontend directory: the first device's; removed by libxl; written again by xl block-attach (state 1, the new backend-id). */
export const FEDIR_FIRST = 'first';
export const FEDIR_GONE = 'gone';
export const FEDIR_NEW = 'new';
const FEDIR_PHASES = [FEDIR_FIRST, FEDIR_GONE, FEDIR_NEW] as const;
/** `crash`: the guest's xenbus_device: the first (bound); being removed (xenwatch in blkfront_remove); none; the second (the new directory's). */
export const GDEV_FIRST = 'first';
export const GDEV_REMOVING = 'removing';
export const GDEV_NONE = 'none';
export const GDEV_SECOND = 'second';
const GDEV_PHASES = [GDEV_FIRST, GDEV_REMOVING, GDEV_NONE, GDEV_SECOND] as const;

/** `unbind`: blkfront bound to the device; unbound by the guest (sysfs unbind); bound again (sysfs bind). */
export const BIND_BOUND = 'bound';
export const BIND_UNBOUND = 'unbound';
export const BIND_REBOUND = 'rebound';
const BIND_PHASES = [BIND_BOUND, BIND_UNBOUND, BIND_REBOUND] as const;

/** `migrate`: not migrated yet; migrated, the guest not yet resumed (xenbus_dev_resume to run); resumed. */
export const MIGRATE_NONE = 'none';
export const MIGRATE_RESUMING = 'resuming';
export const MIGRATE_DONE = 'done';
const MIGRATE_PHASES = [MIGRATE_NONE, MIGRATE_RESUMING, MIGRATE_DONE] as const;

/** blkfront's `dev->state`: `feDev` where the model keeps it apart from the node, else the node (`fe`). */
export const feDevOf = (l: Life): XenbusState => l.feDev ?? l.fe;

const params = defineParams(
  {
    ringSize: intParam({ default: 4, min: 1, max: 8, check: isPowerOfTwo, doc: 'RING_SIZE (a power of two)' }),
    requests: intParam({ default: 6, min: 1, max: 8, doc: 'requests the frontend issues' }),
    pages: intParam({ default: 3, min: 1, max: 4, doc: 'pages on blkfront\'s grant list (one per segment of a request in flight)' }),
    segments: intParam({ default: 1, min: 1, max: 3, doc: 'segments per request (nr_segments; each its own page and gref); at most pages' }),
    pending: intParam({ default: 1, min: 1, max: 4, doc: 'blkback\'s pending_req pool (alloc_req): requests it has under way at once; an empty pool makes it wait (st_oo_req)' }),
    persistent: boolParam({ default: true, doc: 'feature-persistent negotiated by both ends' }),
    backendPersistent: boolParam({ default: true, doc: 'blkback maps persistently when feature-persistent is on (false: a backend that never does)' }),
    maxPgrants: intParam({ default: 2, min: 0, max: 4, doc: 'blkback max_persistent_grants (xen_blkif_max_pgrants)' }),
    frontend: enumParam({ values: ['honest', 'hostile'] as const, default: 'honest', doc: "hostile: blkfront's requests plus hostileWrites writes by the guest of req_prod, of any request field of any slot (operation, a segment's gref or sectors), or of its grant table (grant, or revoke while mapped); blkback's properties are checked" }),
    backend: enumParam({ values: ['honest', 'hostile'] as const, default: 'honest', doc: "hostile: blkback's responses plus hostileWrites writes of rsp_prod, of any response field of any slot (id, operation, status), or maps of any gref the guest grants; blkfront's properties are checked" }),
    hostileWrites: intParam({ default: 1, min: 0, max: 4, doc: 'writes the hostile side makes at most' }),
    bus: enumParam({ values: ['6.12', '7.0'] as const, default: '6.12', doc: "the Linux xenbus core both kernels run (removal=libxl, migrate): 6.12, or 7.0 (e2dcf9065536 'better handle backend crash'): __xenbus_switch_state writes nothing for a vanished device or when it reads the node reset to Initialising where dev->state is not (docs/models/blkif.md \"Linux 7.0's xenbus core\")" }),
    migrate: boolParam({ default: false, doc: "xl migrate once, at any point (blkfront_resume issues the requests outstanding again on the new ring): the destination writes both state nodes (1), blkback probes again, the guest resumes (xenbus_dev_resume: dev->state = Initialising, blkfront_resume: talk_to_blkback); the run starts at the handshake (as removal=libxl) and, without removal=libxl, its valid end is every request answered with both ends Connected" }),
    unbind: boolParam({ default: false, doc: "the guest unbinds blkfront once (sysfs unbind, the ring idle: xenbus_dev_remove, blkfront_remove, and with no allow_rebind xenbus_switch_state(Closed)) and binds it again (blkfront_probe, the otherend watch); the run starts at the handshake (as removal=libxl) and, without removal=libxl, its valid end is every request answered with both ends Connected" }),
    crash: enumParam({ values: ['none', 'destroy', 'preserve'] as const, default: 'none', doc: "the driver domain dies once, at any point (requests outstanding included), and xl acts as its on_crash says. destroy (xl's default): xl destroys it (libxl__destroy_domid removes its xenstore directory, the backend's with it; Xen releases its grant mappings); then `xl block-detach` of the guest's vbd (libxl: 'backend already removed, cleanup frontend only': the frontend directory removed) and the guest's bus removes the device (blkfront_remove: del_gendisk waits for the requests outstanding). preserve: the domain stays, paused (its nodes at their last state, its grant mappings held, nothing of blkback runs); `xl block-detach` writes Closing and fails after LIBXL_DESTROY_TIMEOUT, `xl block-detach -f` removes both directories, and the admin may `xl destroy` the domain at any time. The run starts at the handshake; valid end: the device removed (with restart: connected again, every request answered)" }),
    restart: boolParam({ default: false, doc: "(crash=destroy) the driver domain restarted and the disk attached again after the detach (xl block-attach: the guest's device/vbd/N at Initialising with the new backend-id, a new blkback probing): the guest's bus probes a new device once the old one is gone (Linux 7.0: also when it reads the node reset to Initialising, e2dcf9065536); valid end: the new device connected, every request answered" }),
    ops: enumParam({ values: ['rw', 'rw+flush', 'rw+discard', 'rw+flush+discard', 'rw+discard+secdiscard', 'rw+flush+fua'] as const, default: 'rw', doc: "the requests blkfront issues: rw, data requests (BLKIF_OP_READ: a write runs the same paths); +flush, REQ_OP_FLUSH as BLKIF_OP_FLUSH_DISKCACHE with no segment while feature-flush-cache (or feature-barrier) reads 1 (blkif_queue_rq completes it at once otherwise; BLKIF_OP_WRITE_BARRIER with feature_fua); +fua, also writes with REQ_FUA while the queue has BLK_FEAT_FUA (blkif_queue_rw_req: BLKIF_OP_WRITE_BARRIER with feature_flush and feature_fua, BLKIF_OP_FLUSH_DISKCACHE with feature_flush alone, a plain write otherwise; with more than 11 grants and indirect segments its BUG_ON); +discard, BLKIF_OP_DISCARD (no segment) while feature-discard reads 1; +secdiscard, also REQ_OP_SECURE_ERASE while the queue's max_secure_erase_sectors is set: BLKIF_OP_DISCARD with BLKIF_DISCARD_SECURE while feature_secdiscard (discard-secure), else with flag 0 (blkif_queue_discard_req). blkback serves each (dispatch_rw_block_io, dispatch_discard_io: blkdev_issue_secure_erase only for the flag with vbd.discard_secure) and answers any other operation BLKIF_RSP_EOPNOTSUPP (dispatch_other_io); a hostile peer also writes these operations (and the status BLKIF_RSP_EOPNOTSUPP)" }),
    featureFlushCache: boolParam({ default: true, doc: "(ops with flush) the vbd has a write cache (vbd.flush_support = bdev_write_cache): blkback's connect() writes feature-flush-cache and feature-barrier 1; false: 0, and blkfront sends no flush" }),
    featureDiscard: boolParam({ default: true, doc: "(ops with discard) the vbd's device discards (bdev_max_discard_sectors): blkback's connect() writes feature-discard 1 (xen_blkbk_discard); false: 0, and blkfront sends no discard" }),
    discardSecure: boolParam({ default: true, doc: "(ops with secdiscard) the vbd's device has a secure erase (xen_vbd_create: vbd.discard_secure = bdev_max_secure_erase_sectors != 0): blkback writes discard-secure 1 beside feature-discard 1 (xen_blkbk_discard) and dispatch_discard_io runs blkdev_issue_secure_erase for a discard with BLKIF_DISCARD_SECURE; false: discard-secure 0, and such a discard is a plain blkdev_issue_discard" }),
    flushNodes: enumParam({ values: ['both', 'barrier-only'] as const, default: 'both', doc: "(ops with flush, featureFlushCache) the flush nodes a backend with a write cache writes: both (Linux blkback's connect(): feature-flush-cache and feature-barrier 1), or barrier-only (feature-barrier 1 without feature-flush-cache: a backend that orders writes by barriers, which blkfront_gather_backend_features reads as feature_flush and feature_fua: the queue gets BLK_FEAT_FUA and REQ_FUA writes go out as BLKIF_OP_WRITE_BARRIER)" }),
    indirectOp: boolParam({ default: false, doc: "(session 30) blkfront sends its reads as BLKIF_OP_INDIRECT, requests of more than BLKIF_MAX_SEGMENTS_PER_REQUEST grants (blkif_queue_rw_req with max_indirect_segments: indirect_op, nr_segments, indirect_grefs[0], an indirect page from its grant list holding the segments); blkback checks indirect_op and nr_segments (dispatch_rw_block_io), maps the indirect page (a refused map fails the request), reads each segment once (xen_blkbk_parse_indirect), checks it and unmaps the page before it maps the data. A hostile guest also writes indirect_op, nr_segments (0, above MAX_INDIRECT_SEGMENTS), indirect_grefs[0] and the indirect page's segments (the slot's), and revokes the page's grant while blkback maps it. Needs pages >= segments + 1 and indirect (feature-max-indirect-segments); any ops (flushes, discards and REQ_FUA writes of at most 11 grants go direct, a REQ_FUA write of more reaches blkif_queue_rw_req's BUG_ON; session 31). With a lifecycle (session 31): at a migration the requests outstanding re-issued by blkif_recover, indirect again at a destination that writes feature-max-indirect-segments, direct at one that does not (destIndirect=no); removal, unbind and crash end or release the indirect page as a data page (blkif_free_ring's indirect_grants[], blkback's persistent tree)" }),
    indirect: boolParam({ default: true, doc: "(ops with fua) the backend writes feature-max-indirect-segments (Linux blkback: 256, xen_blkbk_probe): blkfront's max_indirect_segments = min(256, xen_blkif_max_segments 32) and the queue's max_segments 32, so a write of more than BLKIF_MAX_SEGMENTS_PER_REQUEST (11) grants reaches blkif_queue_rw_req and goes out as BLKIF_OP_INDIRECT; false: at most 11 grants a request. Also (migrate with destIndirect=no, any ops; session 29) the size of the reads and writes blk-mq holds at the migration" }),
    destIndirect: enumParam({ values: ['same', 'yes', 'no'] as const, default: 'same', doc: "(migrate) whether the destination's backend writes feature-max-indirect-segments: as the source (same), yes (Linux blkback: 256), no (tapdisk's tapback, QEMU's qdisk): blkif_recover reads it again (max_indirect_segments) and assigns the queue's max_segments from it. With ops=rw+flush+fua it sizes new FUA writes; since session 29, with no (and indirect), a read or write blk-mq holds at the migration may be one built for 32 segments (blk_mq_submit_bio: life.held), which blkif_recover's kick dispatches as it is: F_fits_without_indirect" }),
    destQueues: enumParam({ values: ['same', 'other'] as const, default: 'same', doc: "(migrate) the destination's blkback writes multi-queue-max-queues giving blkfront the source's nr_rings (same), or another (other: xenblk_max_queues is its dom0's online CPUs by default, and blkfront's negotiate_mq takes min(it, max_queues 4, the guest's CPUs)): blkfront_resume then calls blk_mq_update_nr_hw_queues, which freezes the queue (waits for every request alive to end: the ones blkfront_resume kept whole and, since session 29, the reads and writes blk-mq holds, rule blk_mq_submit_bio)" }),
    destFeatures: enumParam({ values: ['same', 'none', 'nosecure', 'noflush', 'flushcache', 'barrier-only'] as const, default: 'same', doc: "(migrate with ops) what the destination's blkback advertises: the source's features (same); neither feature-flush-cache nor feature-discard (none: its disk has no write cache, does not discard and has no secure erase); the source's, but discard-secure 0 (nosecure: its disk discards but has no secure erase, vbd.discard_secure false); the source's discard nodes with no flush node (noflush: its disk has no write cache); with feature-flush-cache and feature-barrier (flushcache: Linux blkback on a disk with a write cache); with feature-barrier alone (barrier-only). blkfront reads them again in blkif_recover (blkfront_gather_backend_features); feature-max-indirect-segments is the source's" }),
    protocol: enumParam({ values: ['native', 'x86_32'] as const, default: 'native', doc: "(session 32) the ABI of the guest's ring (its xenstore `protocol` node): native, blkback copies each request whole (__do_block_io_op's memcpy; the model's direct slots carry no nr_segments: blkfront writes the request's `segments`); x86_32 (x86_32-abi: a 32-bit guest on a 64-bit dom0, as QEMU's qdisk and tapdisk also translate it), blkback copies it field by field (blkif_get_x86_32_req: `operation` and `nr_segments` each read once, READ_ONCE, then min(BLKIF_MAX_SEGMENTS_PER_REQUEST, nr_segments) segments), and a direct slot carries its nr_segments (1..11, 0, or 12..255), which a hostile guest writes and dispatch_rw_block_io checks (0 unless a flush or barrier, above 11: \"Bad number of segments in request\", BLKIF_RSP_ERROR). examples/blkif-nseg-double-fetch.ts puts back QEMU's pre-XSA-155 double fetch of nr_segments, examples/blkif-xsa155-operation.ts Linux blkback's of operation (B_copy_matches_operation)" }),
    removal: enumParam({ values: ['none', 'libxl'] as const, default: 'none', doc: "libxl: the run starts at the handshake (blkback InitWait, blkfront Initialising) and the toolstack removes the vbd once, at any time, as `xl block-detach` without -f does (libxl_device_disk_safe_remove: online=0 and state=Closing in one transaction, then wait for Closed; no forced pass); valid ends: libxl saw Closed and blkback freed everything it mapped" }),
  },
  (p) =>
    p.frontend === 'hostile' && p.backend === 'hostile' ? 'frontend and backend cannot both be hostile: properties are checked for the honest side'
      : p.removal === 'libxl' && (p.frontend === 'hostile' || p.backend === 'hostile') ? 'removal=libxl is modelled with both ends honest (a hostile end of the xenbus handshake is the xenbus model\'s)'
      : p.restart && p.crash !== 'destroy' ? (p.crash === 'none' ? 'restart needs crash=destroy (the driver domain restarts after it died)' : "restart is modelled with crash=destroy only (on_crash=rename-restart keeps the old domain as preserve does: its disk must be detached with -f before the new domain's is attached, then the guest sees destroy's restart; docs/models/blkif.md)")
      : p.crash !== 'none' && (p.removal === 'libxl' || p.migrate || p.unbind) ? 'crash is modelled on its own: not with removal=libxl, migrate or unbind'
      : p.crash !== 'none' && (p.frontend === 'hostile' || p.backend === 'hostile') ? 'crash is modelled with both ends honest (the driver domain dies; it does not attack)'
      : (p.migrate || p.unbind) && (p.frontend === 'hostile' || p.backend === 'hostile') ? `${p.migrate ? 'migrate' : 'unbind'} is modelled with both ends honest (a hostile end of the xenbus handshake is the xenbus model's)`
      : p.segments > p.pages ? `segments (${p.segments}) must be at most pages (${p.pages}): each segment of a request has its own page`
      : p.indirectOp && p.segments + 1 > p.pages ? `indirectOp needs pages (${p.pages}) of at least segments + 1 (${p.segments + 1}): a request's indirect page is one more page of blkfront's grant list`
      : p.indirectOp && !p.indirect ? 'indirectOp needs indirect=true: blkfront sends BLKIF_OP_INDIRECT only while the backend writes feature-max-indirect-segments (max_indirect_segments set)'
        : undefined,
);
export type BlkifParams = ParamsOfSpace<typeof params>;
const frontHonest = (p: BlkifParams): boolean => p.frontend === 'honest';
/** The vbd's lifecycle (`life`) is modelled: removal=libxl or migrate. */
export const hasLife = (p: { removal: string; migrate: boolean; unbind: boolean; crash?: string }): boolean => p.removal === 'libxl' || p.migrate || p.unbind || (p.crash !== undefined && p.crash !== 'none');
const backHonest = (p: BlkifParams): boolean => p.backend === 'honest';
/** `migrate` from a backend with indirect segments to one without: a request blk-mq holds may be one of more than 11 grants. */
export const heldIndirect = (p: { migrate: boolean; indirect: boolean; destIndirect: string }): boolean => p.migrate && p.indirect && p.destIndirect === 'no';
/** The requests blk-mq holds at a migration are tracked (`life.held`): another nr_rings at the destination, or fewer segments. */
export const hasHeld = (p: { migrate: boolean; indirect: boolean; destIndirect: string; destQueues: string }): boolean => p.migrate && (p.destQueues === 'other' || heldIndirect(p));

const emptySlot = (p: BlkifParams): Slot => slotOf(p, SLOT_EMPTY, 0, 0, Array.from({ length: p.segments }, () => ({ gref: 0, sect: SECT_OK })), 0, PAD_FRONTEND);

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
  const operation = int(0, p.indirectOp ? BLKIF_OP_INDIRECT : p.ops === 'rw' ? BLKIF_OP_RESERVED_1 : BLKIF_OP_DISCARD);
  const ind: Record<string, Bounded<number>> = p.indirectOp ? { iop: operation, nseg: int(0, NSEG_ABOVE_MAX), igref: gref } : {}; // indirectOp: the slot's indirect header
  const rwNseg: Record<string, Bounded<number>> = directNseg(p) && !p.indirectOp ? { nseg: int(0, NSEG_ABOVE_MAX) } : {}; // protocol=x86_32: a direct request's nr_segments (indirectOp: the header's field)
  const ops: Record<string, Bounded<number> | Bounded<boolean>> = p.ops !== 'rw' ? { op: operation, ...(opsSecdiscard(p) ? { secureErase: bool, flag: int(0, BLKIF_DISCARD_SECURE) } : {}), ...(opsFua(p) ? { fua: bool } : {}) } : {}; // the shadow's operation (and secure erase, flag; REQ_FUA)
  const state = record({
    req_prod: idx,
    rsp_prod: idx,
    // segments=1: flat, the segment's fields in the slot and the shadow entry's one page (segsOf, pagesOf)
    ring: array<Slot>(isFlat(p)
      ? record({ kind: int(0, 2), id, operation, gref, sect: int(0, 1), ...rwNseg, status, pad: int(0, 1) }) as Bounded<Slot>
      : record({ kind: int(0, 2), id, operation, segs: array(record({ gref, sect: int(0, 1) }), p.segments), ...ind, ...rwNseg, status, pad: int(0, 1) }) as Bounded<Slot>, p.ringSize),
    granted: array(bool, p.pages + 1),
    mapcount: array(int(0, 15), p.pages + 1),
    front: record({
      req_prod_pvt: idx, rsp_cons: idx,
      shadow: array<Shadow>(isFlat(p) ? record({ waiting: bool, page: int(NO_PAGE, p.pages - 1), ...ops }) as Bounded<Shadow> : record({ waiting: bool, pages: list(int(0, p.pages - 1), pagesPerRequest(p)), ...ops }) as Bounded<Shadow>, p.ringSize),
      grants: list(int(0, p.pages), 2 * p.pages),
      gref: array(gref, p.pages),
      issued: int(0, p.requests),
      broken: bool, twice: bool, bug: bool,
      ...(p.ops !== 'rw' ? { flush: bool, discard: bool } : {}),
      ...(opsSecdiscard(p) ? { secdiscard: bool, secLimit: bool, falseErase: bool } : {}),
      ...(opsFua(p) ? { fua: bool, fuaQueue: bool, falseFua: bool, bugOn: bool, fuaOwed: int(0, p.ringSize) } : {}),
    }),
    back: record({
      req_cons: idx, rsp_prod_pvt: idx,
      pgnts: list(record({ gref, active: bool }), p.pages + p.maxPgrants),
      // one more than the pool: a variant without alloc_req's check stays packable
      reqs: list(record({ id, operation, segs: array(record({ gref, sect: int(0, 1), persistent: bool }), p.segments), stage: int(0, p.indirectOp || directNseg(p) ? 3 : 1), status,
        ...(p.indirectOp ? { iop: operation, nseg: int(0, NSEG_ABOVE_MAX), igref: gref, ipersistent: bool } : rwNseg) }), p.pending + 1), // stage 3: a variant's
      halted: bool, work: int(0, p.ringSize + 1), overrun: bool, ...(p.indirectOp || directNseg(p) ? { copyOverflow: bool } : {}), ...(directNseg(p) ? { staleCopy: bool } : {}),
    }),
    hostile: int(0, p.hostileWrites),
    ...(hasLife(p) ? {
      life: record({
        be: oneOf(XENBUS_STATES), beDev: oneOf(XENBUS_STATES), fe: oneOf(XENBUS_STATES),
        feWatch: bool, beWatch: bool, online: bool, libxl: oneOf(LIBXL_PHASES), kthread: oneOf(KTHREAD_STATES),
        ring: bool, removed: bool, freed: bool, late: bool,
        // migrate only: removal=libxl's packed words are unchanged without it
        ...(p.migrate ? { feDev: oneOf(XENBUS_STATES), migrated: oneOf(MIGRATE_PHASES), ...(p.removal === 'libxl' ? { restoreSaw: bool } : {}), aside: int(0, p.ringSize), ...(p.ops !== 'rw' ? { parked: int(0, p.ringSize) } : {}) } : {}),
        ...(p.unbind ? { bind: oneOf(BIND_PHASES), stale: bool } : {}),
        ...(p.migrate && p.destQueues === 'other' ? { frozen: bool } : {}),
        ...(hasHeld(p) ? { held: int(0, p.requests) } : {}),
        ...(heldIndirect(p) ? { heldBig: bool, noIndirectBug: bool } : {}),
        // crash only: the other rows' packed words are unchanged without it
        ...(p.crash !== 'none' ? { feDev: oneOf(XENBUS_STATES), dd: oneOf(DD_PHASES), fedir: oneOf(FEDIR_PHASES), gdev: oneOf(GDEV_PHASES), busWatch: bool } : {}),
      }),
    } : {}),
  }) as unknown as Shape<BlkifState>['state'];
  return { state };
};

export function blkifInit(p: BlkifParams): BlkifState {
  return {
    req_prod: 0,
    rsp_prod: 0,
    ring: Array(p.ringSize).fill(emptySlot(p)),
    granted: Array(p.pages + 1).fill(false),
    mapcount: Array(p.pages + 1).fill(0),
    front: {
      req_prod_pvt: 0,
      rsp_cons: 0,
      shadow: Array(p.ringSize).fill(shadowEntry(p, false, [])),
      grants: Array.from({ length: p.pages }, (_x, i) => i),
      gref: Array(p.pages).fill(INVALID_GRANT_REF),
      issued: 0,
      broken: false, twice: false, bug: false,
      // blkfront_gather_backend_features at connect: what blkback's connect() wrote (with a lifecycle the run starts
      // before blkfront's first connect: info's features 0, kzalloc, until blkfront_connect reads them)
      ...(p.ops !== 'rw' ? (hasLife(p) ? { flush: false, discard: false } : { flush: p.featureFlushCache, discard: p.featureDiscard }) : {}),
      // (secdiscard) blkfront_setup_discard: feature_secdiscard from discard-secure; blkif_set_queue_limits: the secure-erase limit with it
      ...(opsSecdiscard(p) ? (hasLife(p) ? { secdiscard: false, secLimit: false, falseErase: false }
        : { secdiscard: p.featureDiscard && p.discardSecure, secLimit: p.featureDiscard && p.discardSecure, falseErase: false }) : {}),
      // (fua) feature_fua from feature-barrier without feature-flush-cache; blkif_set_queue_limits: BLK_FEAT_FUA with it
      ...(opsFua(p) ? (hasLife(p) ? { fua: false, fuaQueue: false, falseFua: false, bugOn: false, fuaOwed: 0 }
        : { fua: advertisesFua({}, p), fuaQueue: advertisesFua({}, p), falseFua: false, bugOn: false, fuaOwed: 0 }) : {}),
    },
    back: { req_cons: 0, rsp_prod_pvt: 0, pgnts: [], reqs: [], halted: false, work: 0, overrun: false, ...(p.indirectOp || directNseg(p) ? { copyOverflow: false } : {}), ...(directNseg(p) ? { staleCopy: false } : {}) },
    hostile: p.frontend === 'hostile' || p.backend === 'hostile' ? p.hostileWrites : 0,
    // xen_blkbk_probe wrote InitWait; the hotplug script wrote physical-device (the vbd exists); blkfront's
    // probe registered its otherend watch, which fires once at once (xenbus_watch_pathfmt)
    ...(hasLife(p) ? {
      life: {
        be: XenbusStateInitWait, beDev: XenbusStateInitWait, fe: XenbusStateInitialising, feWatch: true, beWatch: false, online: true,
        libxl: LIBXL_IDLE, kthread: KTHREAD_NONE, ring: false, removed: false, freed: false, late: false,
        ...(p.migrate ? { feDev: XenbusStateInitialising, migrated: MIGRATE_NONE, ...(p.removal === 'libxl' ? { restoreSaw: false } : {}), aside: 0, ...(p.ops !== 'rw' ? { parked: 0 } : {}) } : {}),
        ...(p.unbind ? { bind: BIND_BOUND, stale: false } : {}),
        ...(p.migrate && p.destQueues === 'other' ? { frozen: false } : {}),
        ...(hasHeld(p) ? { held: 0 } : {}),
        ...(heldIndirect(p) ? { heldBig: false, noIndirectBug: false } : {}),
        ...(p.crash !== 'none' ? { feDev: XenbusStateInitialising, dd: DD_UP, fedir: FEDIR_FIRST, gdev: GDEV_FIRST, busWatch: false } : {}),
      },
    } : {}),
  };
}

type R = Rule<BlkifState, BlkifParams>;
const slot = (p: BlkifParams, idx: number): number => idx & (p.ringSize - 1);
/** The gref blkfront claims for a page (gnttab_claim_grant_reference): one per page, 1..pages. */
const grefOf = (page: number): number => page + 1;
const usePersistent = (p: BlkifParams): boolean => p.persistent && p.backendPersistent;

const SEE_BACK = 'drivers/block/xen-blkback/blkback.c';
const SEE_FRONT = 'drivers/block/xen-blkfront.c';

/**
 * blkfront may queue a request (any kind): connected, a request left to issue, a free slot and a free shadow id. A new
 * request leaves room for the REQ_FUA writes blkif_recover requeued (`fuaOwed`); `requeued`: one of those.
 */
export const blkfrontMayQueue = (s: BlkifState, p: BlkifParams, requeued = false): boolean =>
  blkfrontBudget(s, p, requeued) && !RING_FULL(p.ringSize, s.front.req_prod_pvt, s.front.rsp_cons) && s.front.shadow.some((x) => !x.waiting) && blkfrontRuns(s);

/**
 * A request left to issue: new ones leave room for the REQ_FUA writes blkif_recover requeued (`fuaOwed`) and the reads and
 * writes blk-mq holds (`life.held`); `requeued`: one of those.
 */
const blkfrontBudget = (s: BlkifState, p: BlkifParams, requeued: boolean): boolean =>
  s.front.issued + (requeued ? 0 : (s.front.fuaOwed ?? 0) + (s.life?.held ?? 0)) < p.requests;

/** blk-mq hands blkfront requests: connected, not broken, the kernel not stopped by a BUG_ON. */
const blkfrontRuns = (s: BlkifState): boolean => {
  const f = s.front;
  return !f.broken && f.bugOn !== true && s.life?.noIndirectBug !== true &&
    (s.life === undefined || (feDevOf(s.life) === XenbusStateConnected && s.life.migrated !== MIGRATE_RESUMING && s.life.bind !== BIND_UNBOUND &&
      s.life.gdev !== GDEV_REMOVING && s.life.gdev !== GDEV_NONE)); // removal=libxl, migrate: blk-mq runs from blkfront_connect until blkfront_closing's blk_mark_disk_dead (or the suspend); crash: until del_gendisk marks the disk dead
};

export const blkifQueueRequest: R = {
  name: 'blkif_queue_rw_req',
  actor: 'frontend',
  doc: 'blkfront: a free shadow id and, per segment, the head page of the grant list (get_grant: claim and grant a gref if it has none); write the request at req_prod_pvt; RING_PUSH_REQUESTS_AND_CHECK_NOTIFY. With indirectOp: BLKIF_OP_INDIRECT, indirect_op read, nr_segments, its indirect page first (get_indirect_grant: the head page of the same list, granted as any), the segments written on it',
  see: `${SEE_FRONT} blkif_queue_rw_req, blkif_setup_rw_req_grant (get_indirect_grant, "ring_req->operation == BLKIF_OP_INDIRECT"), get_grant, get_id_from_freelist; xen/include/public/io/ring.h RING_FULL`,
  // (life.held) blk-mq dispatches a request it held first (kick_pending_request_queues, blkif_recover's kick)
  when: (s, p) => s.front.grants.length >= pagesFor(s, p) && blkfrontMayQueue(s, p, (s.life?.held ?? 0) > 0),
  then: (d, s, p) => {
    const held = s.life?.held ?? 0;
    if (held > 0) {
      const l = d.life as LifeDraft;
      l.held = held - 1;
      if (s.life!.heldBig === true) { // the one of more than 11 grants (blk-mq's order is its scheduler's: this is one order)
        l.heldBig = false;
        // built for the source's max_segments; blkif_recover read max_indirect_segments 0 from the destination:
        // require_extra_req, and on x86 BUG_ON(!HAS_EXTRA_REQ && require_extra_req) stops the kernel here
        if (!backendIndirect(s, p)) { l.noIndirectBug = true; return; }
      }
    }
    queueData(d, s, p, BLKIF_OP_READ, false, sendsIndirect(s, p));
  },
};

/**
 * blkfront cannot take another request: every one it can have in flight is in flight (Linux: the tag set's queue_depth
 * is BLK_RING_SIZE; the model's capacity is also bounded by its `pages`).
 */
const blkfrontFull = (s: BlkifState, p: BlkifParams): boolean =>
  RING_FULL(p.ringSize, s.front.req_prod_pvt, s.front.rsp_cons) || s.front.shadow.every((x) => x.waiting) || s.front.grants.length < pagesFor(s, p);

export const blkMqSubmitBio: Rule<BlkifState, BlkifParams, FuaSize> = {
  name: 'blk_mq_submit_bio',
  actor: 'frontend',
  doc: 'the guest\'s block layer (migrate with destQueues=other, or indirect with destIndirect=no; before the migration): a read or write submitted while every request blkfront can have in flight is in flight (a busy guest: writeback is not frozen by the suspend) becomes a request that waits in blk-mq, allocated and holding the queue\'s usage count (bio_queue_enter), not on the ring: in the scheduler (mq-deadline at one hardware queue), for a tag (blk_mq_get_tag), or on a stopped hardware queue\'s dispatch list (blkif_queue_rq\'s BLK_STS_DEV_RESOURCE). Its size is the queue\'s max_segments when it was built: with indirect segments more than 11 grants (`indirect`)',
  see: `block/blk-mq.c blk_mq_submit_bio (bio_queue_enter, __bio_split_to_limits), __blk_mq_free_request (blk_queue_exit); block/elevator.c elevator_get_default; ${SEE_FRONT} xlvbd_alloc_gendisk (tag_set.queue_depth = BLK_RING_SIZE), blkif_queue_rq (out_busy), blkif_set_queue_limits (max_segments)`,
  applies: (p) => hasHeld(p),
  choices: (s, p) => (s.life!.heldBig === false && backendIndirect(s, p) ? FUA_SIZES : FUA_DIRECT_ONLY),
  when: (s, p) => s.life?.held !== undefined && s.life.migrated === MIGRATE_NONE && blkfrontFull(s, p) && blkfrontBudget(s, p, false) && blkfrontRuns(s),
  then: (d, s, _p, size) => {
    const l = d.life as LifeDraft;
    l.held = s.life!.held! + 1;
    if (size === FUA_INDIRECT) l.heldBig = true;
  },
};

/**
 * blkif_queue_rw_req for a request with data: a free shadow id, per segment the head page of the grant list (get_grant:
 * claim and grant a gref if it has none), the request written at req_prod_pvt with `op`; req_prod pushed. `fua`: the
 * block request's REQ_FUA (`ops` with fua).
 */
function queueData(d: Draft<BlkifState>, s: BlkifState, p: BlkifParams, op: number, fua: boolean, indirect: boolean): void {
  const f = d.front;
  const id = s.front.shadow.findIndex((x) => !x.waiting);
  const pages: number[] = [];
  const segs: Seg[] = [];
  const take = (): number => { // get_grant, get_indirect_grant: the head page, a gref claimed and granted if it has none
    const page = f.grants.shift()!;
    if (f.gref[page] === INVALID_GRANT_REF) {
      f.gref[page] = grefOf(page);
      d.granted[grefOf(page)] = true;
    }
    return page;
  };
  // indirectOp: blkif_setup_rw_req_grant takes the indirect page before the first segment's (grant_idx 0); after a
  // migration to a backend without feature-max-indirect-segments (destIndirect=no) no request goes indirect
  const ipage = indirect ? take() : NO_PAGE;
  for (let i = 0; i < p.segments; i++) {
    const page = take();
    pages.push(page);
    segs.push({ gref: f.gref[page]!, sect: SECT_OK });
  }
  // shadow[id]: grants_used[] then indirect_grants[] (blkif_completion ends them in that order)
  if (ipage !== NO_PAGE) pages.push(ipage);
  f.shadow[id] = shadowEntry(p, true, pages, op, false, 0, fua) as Draft<Shadow>;
  const at = slot(p, s.front.req_prod_pvt);
  // The request overwrites the slot's bytes, padding included: what the frontend wrote is its own. indirectOp: the
  // slot's segments are the indirect page's (the model keeps the page's contents with its request)
  d.ring[at] = (ipage === NO_PAGE ? slotOf(p, SLOT_REQUEST, id, op, segs, 0, PAD_FRONTEND)
    : slotOf(p, SLOT_REQUEST, id, BLKIF_OP_INDIRECT, segs, 0, PAD_FRONTEND, { iop: op, nseg: NSEG_OK, igref: f.gref[ipage]! })) as Draft<Slot>;
  f.req_prod_pvt = idxAdd(s.front.req_prod_pvt, 1);
  f.issued = s.front.issued + 1;
  d.req_prod = f.req_prod_pvt;
  if (s.back.work !== 0) d.back.work = 0; // a write of req_prod (counted with a hostile frontend only)
}

/**
 * The backend blkfront talks to writes feature-max-indirect-segments (`indirect` at the source, `destIndirect` at a
 * destination): blkfront's max_indirect_segments and the queue's max_segments (32, else 11), both set at each connect.
 */
export const backendIndirect = (s: BlkifState, p: BlkifParams): boolean =>
  s.life?.migrated !== undefined && s.life.migrated !== MIGRATE_NONE && p.destIndirect !== 'same' ? p.destIndirect === 'yes' : p.indirect;

/**
 * (`indirectOp`) blkif_queue_rw_req sends a data request as BLKIF_OP_INDIRECT: the model's requests are of more than
 * BLKIF_MAX_SEGMENTS_PER_REQUEST grants, which take the indirect path while info->max_indirect_segments is set, i.e.
 * while the backend blkfront talks to writes feature-max-indirect-segments. After blkif_recover read none (a migration
 * with destIndirect=no) the queue's max_segments is 11 and the block layer splits a bio of more into requests of at
 * most 11 (blk_mq_submit_bio, __bio_split_to_limits): the model's one direct request with its `segments` stands for them.
 */
export const sendsIndirect = (s: BlkifState, p: BlkifParams): boolean => p.indirectOp && backendIndirect(s, p);

/** The pages a data request takes from blkfront's grant list now: one per segment and, sent indirect, its indirect page. */
export const pagesFor = (s: BlkifState, p: BlkifParams): number => p.segments + (sendsIndirect(s, p) ? 1 : 0);

/** A REQ_FUA write of at most BLKIF_MAX_SEGMENTS_PER_REQUEST grants, or (`indirect`) of more. */
export const FUA_DIRECT = 'direct';
export const FUA_INDIRECT = 'indirect';
type FuaSize = typeof FUA_DIRECT | typeof FUA_INDIRECT;
/** The FUA write's choice lists, shared by every state (test/choicesShared). */
const FUA_SIZES: readonly FuaSize[] = [FUA_DIRECT, FUA_INDIRECT];
const FUA_DIRECT_ONLY: readonly FuaSize[] = [FUA_DIRECT];

/**
 * The operation blkif_queue_rw_req writes for a REQ_FUA write on its direct path (xen-blkfront.c 783-802):
 * BLKIF_OP_WRITE_BARRIER with feature_flush and feature_fua, BLKIF_OP_FLUSH_DISKCACHE with feature_flush alone, else
 * a plain write ("a FUA write and the flags cleared ... submit it as a normal write"; the model's data requests are
 * BLKIF_OP_READ: a write takes the same paths).
 */
export const fuaOperation = (f: Frontend): number =>
  f.flush === true && f.fua === true ? BLKIF_OP_WRITE_BARRIER : f.flush === true ? BLKIF_OP_FLUSH_DISKCACHE : BLKIF_OP_READ;

export const blkifQueueFuaWrite: Rule<BlkifState, BlkifParams, FuaSize> = {
  name: 'blkif_queue_fua_write',
  actor: 'frontend',
  doc: 'blkfront (ops with fua): a write with REQ_FUA, which the block layer passes whole only while the queue has BLK_FEAT_FUA (blk_insert_flush; else REQ_FUA becomes a post-flush, REQ_OP_FLUSH); up to the queue\'s max_segments: 32 with indirect segments (11 without). blkif_queue_rw_req: more than BLKIF_MAX_SEGMENTS_PER_REQUEST grants with info->max_indirect_segments set takes the indirect path, whose BUG_ON(req_op(req) == REQ_OP_FLUSH || req->cmd_flags & REQ_FUA) fires; otherwise BLKIF_OP_WRITE_BARRIER (feature_flush and feature_fua), BLKIF_OP_FLUSH_DISKCACHE (feature_flush) or a plain write, with its segments',
  see: `${SEE_FRONT} blkif_queue_rw_req ("The indirect operation can only be a BLKIF_OP_READ or BLKIF_OP_WRITE": BUG_ON; BLKIF_OP_WRITE_BARRIER, BLKIF_OP_FLUSH_DISKCACHE), blkif_set_queue_limits (BLK_FEAT_FUA, max_segments), blkfront_gather_backend_features (feature_fua, max_indirect_segments); block/blk-flush.c blk_insert_flush (supports_fua)`,
  applies: (p) => opsFua(p),
  // a requeued one went out on the direct path at the source (an indirect one stopped there); a new one is sized by the
  // queue's max_segments, which blkif_recover assigned from the backend blkfront now talks to
  choices: (s, p) => (backendIndirect(s, p) && !(s.front.fuaOwed! > 0) ? FUA_SIZES : FUA_DIRECT_ONLY),
  when: (s, p) => s.front.grants.length >= p.segments &&
    (s.front.fuaOwed! > 0 ? blkfrontMayQueue(s, p, true) : s.front.fuaQueue === true && blkfrontMayQueue(s, p)),
  then: (d, s, p, size) => {
    if (size === FUA_INDIRECT) { d.front.bugOn = true; return; } // BUG_ON(... req->cmd_flags & REQ_FUA): the guest's kernel stops here
    if (s.front.fuaOwed! > 0) d.front.fuaOwed = s.front.fuaOwed! - 1; // requeued by blkif_recover (blk_mq_kick_requeue_list): first
    queueData(d, s, p, fuaOperation(s.front), true, false); // the direct path (at most 11 grants)
  },
};

/** A request with no segment (`ops`): shadow[id] waiting with no page, the slot written with `op` and no grant; req_prod pushed. */
function queueSegmentless(d: Draft<BlkifState>, s: BlkifState, p: BlkifParams, op: number, secureErase = false, flag = 0): void {
  const f = d.front;
  const id = s.front.shadow.findIndex((x) => !x.waiting);
  f.shadow[id] = shadowEntry(p, true, [], op, secureErase, flag) as Draft<Shadow>;
  // (protocol=x86_32) a flush or barrier goes with nr_segments 0 (blkif_queue_rw_req: REQ_OP_FLUSH has no bio data)
  d.ring[slot(p, s.front.req_prod_pvt)] = slotOf(p, SLOT_REQUEST, id, op, Array.from({ length: p.segments }, () => ({ gref: INVALID_GRANT_REF, sect: SECT_OK })), 0, PAD_FRONTEND,
    directNseg(p) && op !== BLKIF_OP_DISCARD ? FLUSH_HEADER : NO_INDIRECT) as Draft<Slot>;
  f.req_prod_pvt = idxAdd(s.front.req_prod_pvt, 1);
  f.issued = s.front.issued + 1;
  d.req_prod = f.req_prod_pvt;
  if (s.back.work !== 0) d.back.work = 0;
}

export const blkifQueueFlush: R = {
  name: 'blkif_queue_flush',
  actor: 'frontend',
  doc: 'blkfront (ops with flush): blk-mq\'s REQ_OP_FLUSH while info->feature_flush (else blkif_queue_rq completes it at once: nothing on the ring), through blkif_queue_rw_req: nr_segments 0, BLKIF_OP_FLUSH_DISKCACHE (BLKIF_OP_WRITE_BARRIER only with feature_fua, which Linux blkback\'s feature-flush-cache clears), no grant',
  see: `${SEE_FRONT} blkif_queue_rq ("REQ_OP_FLUSH && !info->feature_flush": complete), blkif_queue_rw_req (BLKIF_OP_FLUSH_DISKCACHE), blkfront_gather_backend_features`,
  applies: (p) => opsFlush(p),
  when: (s, p) => s.front.flush === true && blkfrontMayQueue(s, p),
  then: (d, s, p) => queueSegmentless(d, s, p, s.front.fua === true ? BLKIF_OP_WRITE_BARRIER : BLKIF_OP_FLUSH_DISKCACHE), // (fua) feature_fua: a barrier
};

export const blkifQueueDiscard: R = {
  name: 'blkif_queue_discard_req',
  actor: 'frontend',
  doc: 'blkfront (ops with discard): REQ_OP_DISCARD, which the block layer passes only while the queue has discard limits (blkif_set_queue_limits: info->feature_discard): BLKIF_OP_DISCARD with its sector range, no segment, no grant',
  see: `${SEE_FRONT} blkif_queue_request, blkif_queue_discard_req, blkif_set_queue_limits (max_hw_discard_sectors), blkfront_setup_discard`,
  applies: (p) => opsDiscard(p),
  when: (s, p) => s.front.discard === true && blkfrontMayQueue(s, p),
  then: (d, s, p) => queueSegmentless(d, s, p, BLKIF_OP_DISCARD),
};

export const blkifQueueSecureErase: R = {
  name: 'blkif_queue_secure_erase',
  actor: 'frontend',
  doc: 'blkfront (ops with secdiscard): REQ_OP_SECURE_ERASE, which the block layer passes only while the queue\'s max_secure_erase_sectors is set (submit_bio_noacct; blkif_set_queue_limits sets it while info->feature_secdiscard and never clears it), through blkif_queue_discard_req: BLKIF_OP_DISCARD with flag BLKIF_DISCARD_SECURE while info->feature_secdiscard, else flag 0 (a plain discard); no segment, no grant',
  see: `${SEE_FRONT} blkif_queue_request (REQ_OP_SECURE_ERASE), blkif_queue_discard_req ("req_op(req) == REQ_OP_SECURE_ERASE && info->feature_secdiscard"), blkif_set_queue_limits (max_secure_erase_sectors); block/blk-core.c submit_bio_noacct (bdev_max_secure_erase_sectors)`,
  applies: (p) => opsSecdiscard(p),
  when: (s, p) => s.front.secLimit === true && blkfrontMayQueue(s, p),
  then: (d, s, p) => queueSegmentless(d, s, p, BLKIF_OP_DISCARD, true, s.front.secdiscard === true ? BLKIF_DISCARD_SECURE : 0),
};

/**
 * The checks blkif_interrupt makes of a response since Juergen Gross's 2021
 * "xen/blkfront: don't trust the backend response data": the id in range
 * (a slot still holding a request reads as an id of at least 256: its
 * operation, nr_segments and handle bytes), a request REQ_WAITING on it,
 * the operation echoed. Exported for the variants.
 */
export const responseTrusted = (s: BlkifState, p: BlkifParams, rsp: Slot): boolean =>
  rsp.kind === SLOT_RESPONSE && rsp.id < p.ringSize && s.front.shadow[rsp.id]!.waiting && rsp.operation === opOf(s.front.shadow[rsp.id]!);

type CompletionDraft = { front: { grants: number[]; gref: number[]; shadow: Shadow[]; broken: boolean }; granted: boolean[] };

/**
 * blkif_completion for the request `id`: per page of its `grants_used[]`,
 * gnttab_try_end_foreign_access (XSA-396: one atomic try; still mapped: the
 * page back on the head of the grant list, persistent, or without
 * feature-persistent "backed has not unmapped grant" and `goto err`; else
 * access ended, the gref released, the page on the tail); then the id freed
 * (add_id_to_freelist). `stale`: add_id_to_freelist leaves `grants_used[]`
 * in the free entry, as Linux does; the built-in clears it (dead since the
 * 2021 REQ_WAITING check), a variant before 2021 keeps it, so that a second
 * completion of the id puts its pages back again.
 */
export function blkifCompletion(d: CompletionDraft, s: BlkifState, p: BlkifParams, id: number, stale = false): void {
  const f = d.front;
  const pages = pagesOf(s.front.shadow[id]!);
  for (const page of pages) {
    const gref = f.gref[page]!;
    // A page already listed twice (only a variant's stale completion lists one even once too
    // many: F_page_in_one_place): the list is corrupt, and the model adds no third copy.
    const listed = f.grants.filter((x) => x === page).length >= 2;
    if (s.mapcount[gref]! > 0) {
      // gnttab_try_end_foreign_access failed: the backend kept it mapped (persistent).
      if (!p.persistent) { f.broken = true; return; } // "backed has not unmapped grant"
      if (!listed) f.grants.unshift(page);
    } else {
      d.granted[gref] = false;
      f.gref[page] = INVALID_GRANT_REF;
      if (!listed) f.grants.push(page);
    }
  }
  f.shadow[id] = shadowEntry(p, false, stale ? [...pages] : []);
}

export const blkifInterrupt: R = {
  name: 'blkif_interrupt',
  actor: 'frontend',
  doc: 'blkfront: rp = rsp_prod; rmb; RING_COPY_RESPONSE(rsp_cons); id < BLK_RING_SIZE, shadow[id] waiting, operation echoed; blkif_completion: gnttab_try_end_foreign_access per segment, the pages back on the grant list; free the id; rsp_cons++',
  see: `${SEE_FRONT} blkif_interrupt, blkif_completion`,
  when: (s) => !s.front.broken && NR_UNCONSUMED_RESPONSES(s.rsp_prod, s.front.rsp_cons) > 0,
  then: (d, s, p) => {
    const f = d.front;
    // RING_RESPONSE_PROD_OVERFLOW: "illegal number of responses" (only a hostile backend's rsp_prod)
    if (idxSub(s.rsp_prod, s.front.rsp_cons) > p.ringSize) { f.broken = true; return; }
    const rsp = s.ring[slot(p, s.front.rsp_cons)]!; // RING_COPY_RESPONSE: one read of the slot
    f.rsp_cons = idxAdd(s.front.rsp_cons, 1);
    if (!responseTrusted(s, p, rsp)) {
      f.broken = true; // "response has incorrect id", "references no pending request", "wrong operation": goto err
      return;
    }
    // (ops) a discard answered BLKIF_RSP_EOPNOTSUPP: feature_discard = 0 (and feature_secdiscard, blk_queue_disable_secure_erase); a flush or barrier answered with any error: feature_flush = 0
    if (rsp.operation === BLKIF_OP_DISCARD && rsp.status === BLKIF_RSP_EOPNOTSUPP) {
      f.discard = false;
      if (s.front.secdiscard !== undefined) { f.secdiscard = false; f.secLimit = false; }
    } else if ((rsp.operation === BLKIF_OP_FLUSH_DISKCACHE || rsp.operation === BLKIF_OP_WRITE_BARRIER) && rsp.status !== BLKIF_RSP_OKAY) {
      f.flush = false;
      if (s.front.fua !== undefined) f.fua = false; // info->feature_fua = 0 (the queue's BLK_FEAT_FUA stays)
    }
    // (secdiscard) a REQ_OP_SECURE_ERASE ended BLK_STS_OK: erased securely only if blkfront sent BLKIF_DISCARD_SECURE and
    // the backend that answered (the one blkfront talks to: a migration gives a fresh ring) has vbd.discard_secure
    // (dispatch_discard_io: blkdev_issue_secure_erase; else blkdev_issue_discard, BLKIF_RSP_OKAY all the same)
    const sh = s.front.shadow[rsp.id]!;
    if (sh.secureErase === true && rsp.status === BLKIF_RSP_OKAY && !(sh.flag === BLKIF_DISCARD_SECURE && backendDiscardSecure(s, p))) f.falseErase = true;
    // (fua) a REQ_FUA write ended BLK_STS_OK: durable only if the backend that answered made it so (fuaDurable)
    if (sh.fua === true && rsp.status === BLKIF_RSP_OKAY && !fuaDurable(s, p, opOf(sh))) f.falseFua = true;
    blkifCompletion(d as unknown as CompletionDraft, s, p, rsp.id); // (a discard: no blkif_completion in Linux; it has no page, so only its id is freed here)
  },
};

export const doBlockIoOp: R = {
  name: '__do_block_io_op',
  actor: 'backend',
  doc: 'blkback: rp = req_prod; rmb; RING_REQUEST_PROD_OVERFLOW ("Frontend provided bogus ring requests": halt, -EACCES); RING_REQUEST_CONS_OVERFLOW; alloc_req (an empty pool: st_oo_req, wait on pending_free_wq); the request copied out of its slot once (memcpy, blkif_get_x86_*_req); req_cons++',
  see: `${SEE_BACK} __do_block_io_op, alloc_req, xen_blkif_schedule (pending_free_wq; -EACCES: wait for kthread_should_stop); xen/include/public/io/ring.h RING_REQUEST_PROD_OVERFLOW, RING_REQUEST_CONS_OVERFLOW`,
  when: (s, p) => blkbackHasWork(s, p),
  then: (d, s, p) => {
    if (idxSub(s.req_prod, s.back.rsp_prod_pvt) > p.ringSize) { d.back.halted = true; return; }
    consumeRequest(d, s, p);
  },
};

/** blkback's domain runs: not crashed and kept paused (crash=preserve's DD_PRESERVED: no handler, no I/O completion, no response). */
export const backendRuns = (s: BlkifState): boolean => s.life?.dd !== DD_PRESERVED;

/**
 * blkback's kthread may take a request: not halted, not inside the dispatch
 * of one (the request it copied is mapped before it takes the next), and a
 * pending_req free in its pool (alloc_req; else it waits on pending_free_wq,
 * woken by free_req after a response).
 */
export const blkbackCanTake = (s: BlkifState, p: BlkifParams): boolean =>
  !s.back.halted && s.back.reqs.length < p.pending && s.back.reqs.every((r) => r.stage === 1) &&
  (s.life === undefined || (s.life.kthread === KTHREAD_RUNNING && s.life.stale !== true && s.life.dd !== DD_PRESERVED)); // removal=libxl: xenblkd runs from xen_update_blkif_status until kthread_stop (unbind: on the ring blkfront writes; crash=preserve: not in a paused domain)

/** __do_block_io_op would run: it can take a request, rp != rc, and either rp is bogus or RING_REQUEST_CONS_OVERFLOW does not stop it. */
export const blkbackHasWork = (s: BlkifState, p: BlkifParams): boolean =>
  blkbackCanTake(s, p) && s.req_prod !== s.back.req_cons &&
  (idxSub(s.req_prod, s.back.rsp_prod_pvt) > p.ringSize || idxSub(s.back.req_cons, s.back.rsp_prod_pvt) < p.ringSize);

/** The copy of the request at req_cons into a pending_req, req_cons++ (and, with a hostile frontend, the count of requests since its last req_prod write). */
export function consumeRequest(d: { back: { req_cons: number; reqs: InFlight[]; work: number } }, s: BlkifState, p: BlkifParams): void {
  const req = s.ring[slot(p, s.back.req_cons)]!;
  d.back.req_cons = idxAdd(s.back.req_cons, 1);
  // a flush, barrier or discard has no segment (the model's abstraction of nr_segments 0: a hostile guest's flush with data is a write)
  // (indirectOp) an indirect request's segments are on its indirect page: read by xen_blkbk_parse_indirect, not copied here
  // (protocol=x86_32) blkif_get_x86_32_req copies min(BLKIF_MAX_SEGMENTS_PER_REQUEST, nr_segments) segments on its one read of
  // nr_segments: the model copies the slot's (none for 0 would change nothing: dispatch_rw_block_io refuses a read or write of 0)
  const segs = isSegmentless(req.operation) || req.operation === BLKIF_OP_INDIRECT ? segsOf(req).map(() => ({ gref: INVALID_GRANT_REF, sect: SECT_OK, persistent: false })) : segsOf(req).map((x) => ({ gref: x.gref, sect: x.sect, persistent: false }));
  // (indirectOp) blkif_get_x86_*_req: indirect_op, nr_segments (READ_ONCE) and min(MAX_INDIRECT_PAGES, INDIRECT_PAGES(nr_segments)) grefs copied
  d.back.reqs.push(p.indirectOp ? { id: req.id, operation: req.operation, segs, stage: 0, status: BLKIF_RSP_OKAY, iop: req.iop!, nseg: req.nseg!, igref: req.igref!, ipersistent: false }
    : directNseg(p) ? { id: req.id, operation: req.operation, segs, stage: 0, status: BLKIF_RSP_OKAY, nseg: req.nseg! } : { id: req.id, operation: req.operation, segs, stage: 0, status: BLKIF_RSP_OKAY });
  if (!frontHonest(p)) d.back.work = Math.min(s.back.work + 1, p.ringSize + 1);
}

type MapDraft = { back: { pgnts: { gref: number; active: boolean }[] }; mapcount: number[] };

/**
 * One segment through xen_blkbk_map: get_persistent_gnt (found inactive:
 * use it, active; active already: "requesting a grant already in use",
 * mapped again), else GNTTABOP_map_grant_ref (refused unless granted:
 * false) and add_persistent_gnt while persistent_gnt_c < max_pgrants and the
 * gref is not in the tree, else a mapping for this request only. Works on
 * the draft: the segments of one request see each other's maps. Returns
 * 'persistent' (found in the tree: no hypercall), 'mapped' or 'failed'.
 */
export function mapSegment(d: MapDraft, s: BlkifState, p: BlkifParams, seg: { gref: number; persistent: boolean }): 'persistent' | 'mapped' | 'failed' {
  const b = d.back;
  const g = seg.gref;
  const found = usePersistent(p) ? b.pgnts.findIndex((x) => x.gref === g && !x.active) : -1;
  if (found >= 0) {
    b.pgnts[found]!.active = true;
    seg.persistent = true;
    return 'persistent';
  }
  if (g < 1 || g >= s.granted.length || !s.granted[g]) return 'failed'; // "invalid buffer -- could not remap it"
  d.mapcount[g] = d.mapcount[g]! + 1;
  if (usePersistent(p) && b.pgnts.length < p.maxPgrants && !b.pgnts.some((x) => x.gref === g)) {
    b.pgnts.push({ gref: g, active: true });
    seg.persistent = true;
  }
  return 'mapped';
}

/** xen_blkbk_unmap (non-persistent mappings) and put_persistent_gnt (persistent ones) of a request's segments; a segment whose map failed (INVALID_GRANT_REF) has nothing to undo. */
export function unmapSegments(d: MapDraft, segs: readonly BackSeg[]): void {
  for (const x of segs) {
    if (x.gref === INVALID_GRANT_REF) continue;
    if (x.persistent) {
      const e = d.back.pgnts.find((y) => y.gref === x.gref && y.active);
      if (e !== undefined) e.active = false; // (a variant that freed the tree under a request in flight: B_io_on_mapped_grant)
    } else d.mapcount[x.gref] = d.mapcount[x.gref]! - 1;
  }
}

/** A request answered without I/O: its status, nothing of it mapped (the segments' maps undone or never made). */
export function failRequest(cur: { status: number; segs: { gref: number; persistent: boolean }[] }, status: number): void {
  cur.status = status;
  for (const x of cur.segs) { x.gref = INVALID_GRANT_REF; x.persistent = false; }
}

/** The request blkback's kthread is dispatching (copied, not yet mapped; indirectOp: or its indirect page mapped, stage 2): its index in `reqs`, or -1. */
export const dispatching = (s: BlkifState): number => s.back.reqs.findIndex((r) => r.stage === 0 || r.stage === 2);

/** The slot of the request blkback copied last, the one it dispatches (it maps it before it takes the next): with indirectOp, its segments are the indirect page's. */
export const dispatchedSlot = (s: BlkifState, p: { ringSize: number }): Slot => s.ring[(s.back.req_cons - 1) & (p.ringSize - 1)]!;

/** The indirect page blkback maps for the request `r` (stage 2): its gref, persistently (in the tree, active) or for this request. */
export const indirectMapped = (s: BlkifState, r: InFlight): boolean =>
  r.igref !== undefined && r.igref !== INVALID_GRANT_REF && (r.ipersistent === true ? s.back.pgnts.some((y) => y.gref === r.igref && y.active) : s.mapcount[r.igref]! > 0);

type IndDraft = { stage: number; status: number; igref?: number; ipersistent?: boolean; segs: { gref: number; sect: number; persistent: boolean }[] };

/** xen_blkbk_parse_indirect's `unmap:` label: xen_blkbk_unmap of the indirect page (put_persistent_gnt if persistent). */
export function unmapIndirect(d: MapDraft, cur: IndDraft): void {
  unmapSegments(d, [{ gref: cur.igref!, sect: SECT_OK, persistent: cur.ipersistent! }]);
  cur.igref = INVALID_GRANT_REF;
  cur.ipersistent = false;
}

/**
 * xen_blkbk_map_seg: the data segments mapped (every segment tried; a refused map fails the request: fail_flush,
 * xen_blkbk_unmap, BLKIF_RSP_ERROR).
 */
export function mapData(d: MapDraft, s: BlkifState, p: BlkifParams, cur: IndDraft): void {
  let ok = true;
  for (const x of cur.segs) if (mapSegment(d, s, p, x) === 'failed') { ok = false; x.gref = INVALID_GRANT_REF; }
  if (!ok) {
    unmapSegments(d, cur.segs as BackSeg[]); // fail_flush: xen_blkbk_unmap
    failRequest(cur, BLKIF_RSP_ERROR);
  }
}

export const xenBlkbkMap: R = {
  name: 'xen_blkbk_map',
  actor: 'backend',
  doc: 'blkback dispatch_rw_block_io on its copy: an operation other than read/write (dispatch_other_io: BLKIF_RSP_EOPNOTSUPP) or a segment leaving its page (fail_response: BLKIF_RSP_ERROR) is answered unmapped; then xen_blkbk_map, each segment: get_persistent_gnt, else GNTTABOP_map_grant_ref and add_persistent_gnt while persistent_gnt_c < max_pgrants; a map refused (not granted) fails the request (fail_flush: xen_blkbk_unmap of the rest, BLKIF_RSP_ERROR)',
  see: `${SEE_BACK} __do_block_io_op (switch on req.operation), dispatch_other_io, dispatch_rw_block_io ("last_sect >= (XEN_PAGE_SIZE >> 9)", fail_flush), xen_blkbk_map ("if (!ret && map_until != num)": XSA-365), get_persistent_gnt, add_persistent_gnt`,
  when: (s) => {
    const i = dispatching(s);
    return i >= 0 && (s.back.reqs[i]!.operation !== BLKIF_OP_INDIRECT || s.back.reqs[i]!.stage === 2) && backendRuns(s);
  },
  then: (d, s, p) => {
    const i = dispatching(s);
    const cur = d.back.reqs[i]!;
    cur.stage = 1;
    const c = s.back.reqs[i]!;
    const fail = (status: number): void => failRequest(cur, status);
    if (c.stage === 2) { // indirectOp: xen_blkbk_parse_indirect's loop on the mapped indirect page, then xen_blkbk_map_seg
      // each segment's gref, first_sect and last_sect read once (READ_ONCE) into pending_req (18779149101c, XSA-155)
      segsOf(dispatchedSlot(s, p)).forEach((x, j) => { cur.segs[j]!.gref = x.gref; cur.segs[j]!.sect = x.sect; });
      unmapIndirect(d as unknown as MapDraft, cur); // unmap: xen_blkbk_unmap of the indirect page, on both paths
      if (cur.segs.some((x) => x.sect !== SECT_OK)) return fail(BLKIF_RSP_ERROR); // -EINVAL: fail_response
      return mapData(d as unknown as MapDraft, s, p, cur);
    }
    if (!blkbackServes(c.operation)) return fail(BLKIF_RSP_EOPNOTSUPP); // dispatch_other_io
    // (protocol=x86_32) dispatch_rw_block_io: "Bad number of segments in request": 0 unless REQ_PREFLUSH (a flush or barrier), above
    // BLKIF_MAX_SEGMENTS_PER_REQUEST (a discard goes to dispatch_discard_io, which reads no nr_segments)
    if (directNseg(p) && c.operation !== BLKIF_OP_DISCARD && (c.nseg === NSEG_ABOVE_MAX || (c.nseg === NSEG_ZERO && c.operation !== BLKIF_OP_FLUSH_DISKCACHE && c.operation !== BLKIF_OP_WRITE_BARRIER))) return fail(BLKIF_RSP_ERROR);
    // a flush or barrier: one bio with no page, REQ_PREFLUSH (which submit_bio_noacct strips on a disk without a write
    // cache: BLK_STS_OK); a discard: dispatch_discard_io, blkdev_issue_discard (0 on a device without discard too: no
    // bio, Linux 6.12 block/blk-lib.c): BLKIF_RSP_OKAY either way, nothing mapped
    if (isSegmentless(c.operation)) return;
    if (c.segs.some((x) => x.sect !== SECT_OK)) return fail(BLKIF_RSP_ERROR); // dispatch_rw_block_io: goto fail_response
    // One batch (nr_segments <= BLKIF_MAX_SEGMENTS_PER_REQUEST): every segment tried, then the request fails if any map did.
    let ok = true;
    for (const x of cur.segs) if (mapSegment(d as unknown as MapDraft, s, p, x) === 'failed') { ok = false; x.gref = INVALID_GRANT_REF; }
    if (!ok) {
      unmapSegments(d as unknown as MapDraft, cur.segs); // fail_flush: xen_blkbk_unmap
      fail(BLKIF_RSP_ERROR);
    }
  },
};

/**
 * dispatch_rw_block_io on an indirect request (`indirectOp`), up to xen_blkbk_parse_indirect's map: `indirect_op` a
 * read or a write ("Invalid indirect operation"), `nr_segments` 1..MAX_INDIRECT_SEGMENTS ("Bad number of segments"),
 * else fail_response (BLKIF_RSP_ERROR, nothing mapped); then xen_blkbk_map of the indirect page (read-only without
 * persistent grants; get_persistent_gnt, add_persistent_gnt with them): refused, `goto unmap` and fail_response.
 */
export const xenBlkbkParseIndirect: R = {
  name: 'xen_blkbk_parse_indirect',
  actor: 'backend',
  doc: 'blkback dispatch_rw_block_io on an indirect request\'s copy: indirect_op other than read/write ("Invalid indirect operation") or nr_segments 0 or above MAX_INDIRECT_SEGMENTS ("Bad number of segments"): fail_response, BLKIF_RSP_ERROR, nothing mapped; xen_blkbk_parse_indirect: xen_blkbk_map of its indirect page (a persistent grant found or added, else mapped read-only for this request); a refused map: goto unmap, fail_response',
  see: `${SEE_BACK} dispatch_rw_block_io ("Invalid indirect operation", "Bad number of segments in request", nseg > MAX_INDIRECT_SEGMENTS), xen_blkbk_parse_indirect ("rc = xen_blkbk_map(ring, pages, indirect_grefs, true); if (rc) goto unmap"), xen_blkbk_map (XSA-365), blkif_get_x86_64_req (indirect_op, READ_ONCE(nr_segments)); drivers/block/xen-blkback/common.h MAX_INDIRECT_SEGMENTS`,
  applies: (p) => p.indirectOp,
  when: (s) => {
    const i = dispatching(s);
    return i >= 0 && s.back.reqs[i]!.stage === 0 && s.back.reqs[i]!.operation === BLKIF_OP_INDIRECT && backendRuns(s);
  },
  then: (d, s, p) => {
    const i = dispatching(s);
    const cur = d.back.reqs[i]!;
    const c = s.back.reqs[i]!;
    cur.stage = 1;
    if (c.iop !== BLKIF_OP_READ && c.iop !== BLKIF_OP_WRITE) return failIndirect(cur); // "Invalid indirect operation"
    if (c.nseg !== NSEG_OK) return failIndirect(cur); // "Bad number of segments in request"
    const page = { gref: c.igref!, persistent: false };
    if (mapSegment(d as unknown as MapDraft, s, p, page) === 'failed') return failIndirect(cur); // rc: goto unmap (nothing mapped)
    cur.igref = page.gref;
    cur.ipersistent = page.persistent;
    cur.stage = 2;
  },
};

/** fail_response on an indirect request before or at its indirect page's map: BLKIF_RSP_ERROR, nothing of it mapped. */
export function failIndirect(cur: IndDraft): void {
  failRequest(cur, BLKIF_RSP_ERROR);
  cur.igref = INVALID_GRANT_REF;
  cur.ipersistent = false;
}

/** The response the backend writes: the fields in place (since the XSA-216 fix); the slot's padding stays what the frontend wrote there. */
export function writeResponseInPlace(d: { ring: Slot[] }, at: number, id: number, operation: number, status: number): void {
  const old = d.ring[at]!;
  d.ring[at] = old.segs === undefined
    ? (old.nseg === undefined ? { kind: SLOT_RESPONSE, id, operation, gref: old.gref!, sect: old.sect!, status, pad: old.pad }
      : { kind: SLOT_RESPONSE, id, operation, gref: old.gref!, sect: old.sect!, nseg: old.nseg, status, pad: old.pad }) // (protocol=x86_32)
    : old.iop !== undefined ? { kind: SLOT_RESPONSE, id, operation, segs: old.segs, iop: old.iop, nseg: old.nseg!, igref: old.igref!, status, pad: old.pad }
      : old.nseg !== undefined ? { kind: SLOT_RESPONSE, id, operation, segs: old.segs, nseg: old.nseg, status, pad: old.pad } : { kind: SLOT_RESPONSE, id, operation, segs: old.segs, status, pad: old.pad };
}

/** make_response's choices: the requests whose bios completed (any order: __end_block_io_op runs per pending_req as its I/O ends), by index in `reqs`. */
const completing = (s: BlkifState): number[] => {
  const out: number[] = [];
  s.back.reqs.forEach((r, i) => { if (r.stage === 1) out.push(i); });
  return out;
};

export const makeResponse: R = {
  name: 'make_response',
  actor: 'backend',
  doc: 'blkback, on a request\'s I/O completion (any order): xen_blkbk_unmap (non-persistent) or put_persistent_gnt; make_response: resp->id, resp->operation, resp->status written in the slot at rsp_prod_pvt; rsp_prod_pvt++; RING_PUSH_RESPONSES_AND_CHECK_NOTIFY; free_req (the pool: wake pending_free_wq)',
  see: `${SEE_BACK} __end_block_io_op, xen_blkbk_unmap, put_persistent_gnt, make_response (fields written in place: XSA-216 fix), free_req`,
  choices: (s) => (backendRuns(s) ? completing(s) : []),
  showChoice: (i: number) => `req ${i}`,
  then: (d, s, p, i: number) => {
    const cur = s.back.reqs[i]!;
    unmapSegments(d as unknown as MapDraft, cur.segs);
    // dispatch_rw_block_io: pending_req->operation = req_operation (an indirect request's indirect_op)
    writeResponseInPlace(d as unknown as { ring: Slot[] }, slot(p, s.back.rsp_prod_pvt), cur.id, cur.operation === BLKIF_OP_INDIRECT ? cur.iop! : cur.operation, cur.status);
    d.back.rsp_prod_pvt = idxAdd(s.back.rsp_prod_pvt, 1);
    d.rsp_prod = d.back.rsp_prod_pvt;
    d.back.reqs.splice(i, 1);
    if (s.life !== undefined) {
      const l = d.life as LifeDraft;
      if (!s.life.ring) l.late = true; // a response into a ring page blkback no longer maps
      // xen_blkbk_unmap_and_respond_callback: inflight--, xen_blkif_put: the last reference frees the blkif
      if (s.life.removed && d.back.reqs.length === 0) xenBlkifFree(d, l);
    }
  },
};

// --- removal=libxl: the handshake, blkback's disconnect, libxl's safe remove

export type LifeDraft = { -readonly [K in keyof Life]: Life[K] };
type BackDraft = { back: { pgnts: { gref: number; active: boolean }[]; reqs: readonly InFlight[] }; mapcount: number[] };

/**
 * Linux 7.0's reset check in `__xenbus_switch_state` (e2dcf9065536; `-p
 * bus=7.0`): model/xenbus.ts {@link switchAbortsOnReset}, the one predicate
 * xenbus's `switchState` uses too, on blkif's names of the states: the node
 * reset to Initialising where `dev->state` is not, and the switch writes
 * nothing. The device's own `vanished` (set by the bus, `xenbus_cleanup_devices`,
 * `xenbus_dev_changed`) is set on a device of blkif's paths only by `crash`'s
 * removal, whose one switch after it (xenbus_dev_remove's Closed) takes the
 * vanished return in `removeFirstDevice` (docs/models/blkif.md).
 */
export const resetAborts = (p: { bus: string } | undefined, node: XenbusState, dev: XenbusState): boolean =>
  switchAbortsOnReset(p?.bus, dev, () => node, XenbusStateInitialising);

/**
 * xenbus_switch_state for blkback (drivers/xen/xenbus/xenbus_client.c
 * __xenbus_switch_state): nothing when `dev->state` already is `to`; else,
 * in a transaction that reads the node only to see it still exists (libxl
 * removes it only after Closed), the node is written, whatever it says
 * (libxl's Closing included), and `dev->state` set. The write fires
 * blkfront's otherend watch. At `-p bus=7.0` (`p`), nothing either when the
 * node reads Initialising where `dev->state` does not ({@link resetAborts}).
 */
export function backendSwitchState(l: LifeDraft, to: XenbusState, p?: { bus: string }): void {
  if (l.beDev === to) return;
  if (resetAborts(p, l.be, l.beDev)) return;
  l.be = to;
  l.beDev = to;
  // blkfront's otherend watch: none while it is unbound; while the guest is suspended it still names the old backend
  // crash: only the device whose otherend this blkback is (the first with the first driver domain, the second with the restarted one)
  if (l.bind !== BIND_UNBOUND && l.migrated !== MIGRATE_RESUMING && (l.gdev === undefined || l.gdev === (l.dd === DD_UP ? GDEV_FIRST : GDEV_SECOND))) l.feWatch = true;
}

/**
 * xenbus_switch_state for blkfront: as {@link backendSwitchState}, on
 * blkfront's node (`fe`) and `dev->state` ({@link feDevOf}: the node itself
 * unless `migrate` keeps them apart). The write fires blkback's otherend watch.
 */
export function frontendSwitchState(l: LifeDraft, to: XenbusState, p?: { bus: string }): void {
  if (feDevOf(l) === to) return;
  if (resetAborts(p, l.fe, feDevOf(l))) return;
  l.fe = to;
  if (l.feDev !== undefined) l.feDev = to;
  l.beWatch = true;
}

/**
 * xen_blkif_disconnect (xen-blkback/xenbus.c): kthread_stop (it returns once
 * xenblkd left its loop: a request it copied is mapped first, so the rule
 * that calls it waits for `dispatching(s) < 0`); with requests in flight
 * (`ring->inflight`) it returns -EBUSY and leaves the ring, its event channel
 * and the persistent grants mapped (xenbus.c:300-303, Linux 6.12); else it
 * unbinds the event channel, unmaps the ring
 * and frees the persistent grants (xen_blkbk_free_caches: free_persistent_gnts,
 * after BUG_ON(persistent_gnt_in_use)). Returns false on -EBUSY.
 */
export function xenBlkifDisconnect(d: BackDraft, l: LifeDraft): boolean {
  if (l.kthread === KTHREAD_RUNNING) l.kthread = KTHREAD_STOPPED;
  if (d.back.reqs.length > 0) return false;
  l.ring = false;
  for (const g of d.back.pgnts) d.mapcount[g.gref] = d.mapcount[g.gref]! - 1;
  d.back.pgnts = [];
  return true;
}

/** xen_blkif_free (the blkif's last reference put: free_work): its xen_blkif_disconnect finds nothing in flight. */
function xenBlkifFree(d: BackDraft, l: LifeDraft): void {
  xenBlkifDisconnect(d, l);
  l.freed = true;
}

const SEE_BACK_XENBUS = 'drivers/block/xen-blkback/xenbus.c';
const SEE_LIBXL = 'tools/libs/light/libxl_device.c';

export const blkbackChanged: R = {
  name: 'blkback_changed',
  actor: 'frontend',
  doc: 'blkfront\'s otherend watch handler, reading the backend\'s state node when it runs: InitWait (while Initialising): talk_to_blkback, Initialised; Connected: blkfront_connect (talk_to_blkback first unless Initialised or Connected), Connected; Closing, or Closed unless closed already: blkfront_closing (blk_mark_disk_dead: no more requests; requests outstanding are not waited for), xenbus_frontend_closed: Closed',
  see: `${SEE_FRONT} blkback_changed, talk_to_blkback, blkfront_connect, blkfront_closing; drivers/xen/xenbus/xenbus_probe.c xenbus_otherend_changed`,
  applies: (p) => hasLife(p),
  // migrate: while the guest is suspended its handlers wait; the events of the old otherend are ignored after it resumes
  when: (s) => s.life?.feWatch === true && s.life.migrated !== MIGRATE_RESUMING && s.life.bind !== BIND_UNBOUND && s.life.frozen !== true, // (destQueues) xenwatch stuck in blkfront_resume
  then: (d, s, p) => {
    const l = d.life as LifeDraft;
    const be = s.life!.be;
    const fe = feDevOf(s.life!); // blkback_changed tests dev->state
    l.feWatch = false;
    const frontSwitch = (to: XenbusState): void => frontendSwitchState(l, to, p);
    // unbind: a new blkfront_info's ring, granted while blkback may still map the old one
    const talkToBlkback = (): void => {
      if (s.life!.bind === BIND_REBOUND && s.life!.ring) l.stale = true;
      frontSwitch(XenbusStateInitialised);
    };
    if (be === XenbusStateInitWait) {
      if (fe === XenbusStateInitialising) talkToBlkback();
    } else if (be === XenbusStateConnected) {
      if (fe !== XenbusStateInitialised && fe !== XenbusStateConnected) talkToBlkback();
      // blkfront_connect (not when already connected): blkfront_gather_backend_features clears feature_flush and sets it
      // from the nodes; feature_discard it only sets (a destination without feature-discard leaves it as it was)
      if (s.front.flush !== undefined && fe !== XenbusStateConnected) {
        d.front.flush = advertisesFlush(s, p);
        d.front.discard = s.front.discard === true || advertisesDiscard(s, p);
        // (secdiscard) blkfront_setup_discard sets feature_secdiscard from discard-secure, but only when feature-discard reads 1;
        // blkif_recover's limits start from the queue's current ones (queue_limits_start_update) and blkif_set_queue_limits
        // sets max_secure_erase_sectors while feature_discard and feature_secdiscard, never clears it
        if (s.front.secdiscard !== undefined) {
          if (advertisesDiscard(s, p)) d.front.secdiscard = advertisesSecure(s, p);
          if (d.front.discard && d.front.secdiscard) d.front.secLimit = true;
        }
        // (fua) feature_fua cleared and set from the nodes with feature_flush; blkif_set_queue_limits sets BLK_FEAT_FUA
        // while feature_flush and feature_fua, and never clears it (blkif_recover: on a copy of the current limits)
        if (s.front.fua !== undefined) {
          d.front.fua = advertisesFua(s, p);
          if (d.front.flush && d.front.fua) d.front.fuaQueue = true;
        }
      }
      frontSwitch(XenbusStateConnected); // blkfront_connect
      if (s.life!.aside !== undefined && s.life!.aside > 0) l.aside = 0; // (migrate) BLKIF_STATE_SUSPENDED: blkif_recover re-submits the bios blkfront_resume set aside
      if (s.life!.parked !== undefined && s.life!.parked > 0) l.parked = 0; // (migrate, ops) and requeues the flush and discard requests on info->requests
    } else if (be === XenbusStateClosing || (be === XenbusStateClosed && fe !== XenbusStateClosed)) {
      frontSwitch(XenbusStateClosed); // blkfront_closing: xenbus_frontend_closed
    }
  },
};

/**
 * A switch of blkback's state (`__xenbus_switch_state` as some kernel has it):
 * {@link backendSwitchState} is Linux's; the fix examples of finding
 * blkif-safe-remove pass their own (examples/blkif-safe-remove-*.ts).
 */
export type BackendSwitch = (l: LifeDraft, to: XenbusState, p?: { bus: string }) => void;

/** frontend_changed's effect with blkback's switches made by `sw` (Linux's: {@link backendSwitchState}). */
export const frontendChangedWith = (sw: BackendSwitch) => (d: Draft<BlkifState>, s: BlkifState, p: BlkifParams): void => {
  const l = d.life as LifeDraft;
  const b = d as unknown as BackDraft;
  l.beWatch = false;
  const fe = s.life!.fe;
  if (fe === XenbusStateInitialising) {
    if (l.beDev === XenbusStateClosed) sw(l, XenbusStateInitWait, p); // "prepare for reconnect"
  } else if (fe === XenbusStateInitialised || fe === XenbusStateConnected) {
    if (l.beDev === XenbusStateConnected) return;
    if (!xenBlkifDisconnect(b, l)) { sw(l, XenbusStateClosing, p); return; } // xenbus_dev_fatal "pending I/O"
    l.ring = true; // connect_ring: xen_blkif_map
    if (l.stale === true) l.stale = false; // (unbind) the ring blkfront granted last
    sw(l, XenbusStateConnected, p); // xen_update_blkif_status: connect()
    if ((l.beDev as XenbusState) === XenbusStateConnected) l.kthread = KTHREAD_RUNNING; // xen_update_blkif_status: "if (dev->state != XenbusStateConnected) return", then kthread_run(xen_blkif_schedule)
  } else if (fe === XenbusStateClosing) {
    sw(l, XenbusStateClosing, p);
  } else if (fe === XenbusStateClosed) {
    xenBlkifDisconnect(b, l);
    sw(l, XenbusStateClosed, p);
    if (l.online) return;
    // device_unregister -> xen_blkbk_remove: xen_blkif_disconnect (again), xen_blkif_put (xen_blkif_alloc's reference)
    xenBlkifDisconnect(b, l);
    l.removed = true;
    if (s.back.reqs.length === 0) xenBlkifFree(b, l);
  }
};

export const frontendChanged: R = {
  name: 'frontend_changed',
  actor: 'backend',
  doc: 'blkback\'s otherend watch handler, reading the frontend\'s state node when it runs: Initialised/Connected (unless dev->state is Connected): xen_blkif_disconnect, connect_ring, xen_update_blkif_status: connect() switches Connected (over whatever the node says: xenbus_switch_state compares with dev->state) and starts xenblkd; Closing: switch Closing; Closed: xen_blkif_disconnect (-EBUSY with requests in flight: ignored), switch Closed, and with online=0 device_unregister: xen_blkbk_remove puts the blkif (freed now, or by the last request in flight)',
  see: `${SEE_BACK_XENBUS} frontend_changed, connect_ring, xen_update_blkif_status, connect, xen_blkif_disconnect, xen_blkbk_remove; drivers/xen/xenbus/xenbus_client.c __xenbus_switch_state`,
  applies: (p) => hasLife(p),
  // unregistered (xen_blkbk_remove), no handler runs; kthread_stop waits until xenblkd has mapped the request it copied;
  // migrate: no handler before the destination's blkback is probed (its watch is registered then, and fires at once)
  when: (s) => s.life?.beWatch === true && !s.life.removed && s.life.beDev !== XenbusStateInitialising && (s.life.fe !== XenbusStateClosed || dispatching(s) < 0) && s.life.dd !== DD_PRESERVED, // crash=preserve: a paused domain handles no watch
  then: frontendChangedWith(backendSwitchState),
};

export const libxlSafeRemove: R = {
  name: 'libxl_device_disk_safe_remove',
  actor: 'toolstack',
  doc: 'xl block-detach without -f: libxl__initiate_device_generic_remove at LIBXL__FORCE_OFF, one transaction: online = 0, state = Closing (unless it reads Closed); then libxl__ev_devstate_wait for Closed, LIBXL_DESTROY_TIMEOUT (10 s): on the timeout no forced pass, the removal fails ("unable to remove device") and leaves the directories',
  see: `${SEE_LIBXL} libxl__initiate_device_generic_remove, device_backend_callback (LIBXL__FORCE_AUTO only: the forced pass), device_hotplug_done; tools/libs/light/libxl_internal.h LIBXL_DEFINE_DEVICE_SAFE_REMOVE; tools/xl/xl_block.c main_blockdetach`,
  applies: (p) => p.removal === 'libxl' || p.crash === 'preserve',
  // migrate: also while the destination restores the domain (`xl block-detach NAME--incoming`: libxl takes no lock against
  // it), before or after the destination's blkback probed (its probe's switch to InitWait then writes over the Closing).
  // crash=preserve: the detach of the preserved domain's disk (its backend node reads a state: no "already removed" path)
  when: (s) => s.life?.libxl === LIBXL_IDLE && (s.life.dd === undefined || (s.life.dd === DD_PRESERVED && s.life.fedir === FEDIR_FIRST)),
  then: (d, s) => {
    const l = d.life as LifeDraft;
    l.online = false;
    if (s.life!.be !== XenbusStateClosed) { l.be = XenbusStateClosing; l.feWatch = true; }
    l.libxl = LIBXL_WAITING;
  },
};

export const libxlDevstateWait: R = {
  name: 'libxl_devstate_wait',
  actor: 'toolstack',
  doc: 'libxl\'s watch of the backend\'s state reads Closed: device_backend_callback, device_hotplug (the block script\'s remove), device_hotplug_done: libxl__device_destroy; the detach succeeds',
  see: `${SEE_LIBXL} libxl__ev_devstate_wait, device_backend_callback, device_hotplug_done`,
  applies: (p) => p.removal === 'libxl',
  when: (s) => s.life?.libxl === LIBXL_WAITING && s.life.be === XenbusStateClosed,
  then: (d) => { (d.life as LifeDraft).libxl = LIBXL_DONE; },
};

// --- migrate: xl migrate of a guest with a vbd (the destination's nodes, blkback's probe, the guest's resume)

/** No request outstanding anywhere: blkfront waits for none, blkback holds none, every response taken. */
export const ringIdle = (s: BlkifState): boolean =>
  s.back.reqs.length === 0 && s.front.shadow.every((x) => !x.waiting) && s.front.rsp_cons === s.rsp_prod && s.back.req_cons === s.req_prod;

export const xlMigrate: R = {
  name: 'xl_migrate',
  actor: 'toolstack',
  doc: 'xl migrate (once, at any point): the guest suspends (xs_suspend, dpm_suspend: xenbus_dev_suspend, blkfront has no suspend); the destination\'s libxl adds the vbd (libxl__device_generic_add: both state nodes 1, online 1) before the guest runs; the source\'s vbd and its mappings are gone with the source domain; blkfront_resume ends every request outstanding and issues it again once connected (blkif_recover: its bios re-submitted), answered at the source or not; blkfront\'s dev->state is what it was, its otherend watch still names the old backend (events of it are ignored: xenbus_otherend_changed\'s path test)',
  see: 'tools/libs/light/libxl_device.c libxl__device_generic_add; drivers/xen/manage.c do_suspend; drivers/xen/xenbus/xenbus_probe.c xenbus_dev_suspend, xenbus_otherend_changed ("Ignoring watch"); drivers/xen/xenbus/xenbus_xs.c xs_resume',
  applies: (p) => p.migrate,
  when: (s) => s.life?.migrated === MIGRATE_NONE && s.life.libxl === LIBXL_IDLE,
  then: (d, s, p) => {
    // a new ring and a new blkback (whatever the source's was doing); blkfront_resume's blkif_free ends every grant (nothing maps them any more)
    const fresh = blkifInit(p);
    const w = d as { -readonly [K in keyof BlkifState]: BlkifState[K] };
    w.req_prod = fresh.req_prod; w.rsp_prod = fresh.rsp_prod; w.ring = fresh.ring; w.granted = fresh.granted; w.mapcount = fresh.mapcount;
    w.back = fresh.back;
    // blkfront_resume: every request outstanding (shadow[j].request) is ended and its bios re-submitted after
    // blkif_recover: issued again on the new ring, answered or not at the source
    w.front = { ...fresh.front, issued: s.front.issued - s.front.shadow.filter((x) => x.waiting).length };
    if (s.front.flush !== undefined) { w.front = { ...w.front, flush: s.front.flush, discard: s.front.discard }; } // blkfront_resume keeps info's features
    if (s.front.secdiscard !== undefined) { w.front = { ...w.front, secdiscard: s.front.secdiscard, secLimit: s.front.secLimit, falseErase: s.front.falseErase }; } // and the queue's limits
    if (s.front.fua !== undefined) { // (and its BLK_FEAT_FUA); the REQ_FUA writes outstanding kept whole for blkif_recover
      w.front = { ...w.front, fua: s.front.fua, fuaQueue: s.front.fuaQueue, falseFua: s.front.falseFua, bugOn: s.front.bugOn,
        fuaOwed: s.front.fuaOwed! + s.front.shadow.filter((x) => x.waiting && x.fua === true).length };
    }
    const l = d.life as LifeDraft;
    l.be = XenbusStateInitialising; l.beDev = XenbusStateInitialising; l.fe = XenbusStateInitialising;
    l.feWatch = false; l.beWatch = false; l.online = true;
    l.kthread = KTHREAD_NONE; l.ring = false;
    l.migrated = MIGRATE_RESUMING;
    if (l.restoreSaw !== undefined) l.restoreSaw = false;
    // blkfront_resume: a read or write's bios on info->bio_list (the request ended); a flush, discard or REQ_FUA write whole on info->requests
    const whole = (x: Shadow): boolean => isSegmentless(opOf(x)) || x.fua === true;
    if (l.aside !== undefined) l.aside = s.front.shadow.filter((x) => x.waiting && !whole(x)).length;
    if (l.parked !== undefined) l.parked = s.front.shadow.filter((x) => x.waiting && whole(x)).length;
  },
};

export const xenbusDevResume: R = {
  name: 'xenbus_dev_resume',
  actor: 'frontend',
  doc: 'the guest resumes at the destination, once xl unpaused it: only after libxl_domain_create_restore completed, which waits for every vbd\'s backend node to read InitWait (libxl__wait_device_connection) and its hotplug script; then xenbus_dev_resume (blkfront bound): talk_to_otherend (the new backend), dev->state = XenbusStateInitialising, blkfront_resume (blkif_free, talk_to_blkback: xenbus_switch_state(Initialised)), watch_otherend (fires at once)',
  see: 'tools/xl/xl_migrate.c migrate_receive (dom_info.paused = 1, libxl_domain_unpause after create_domain and the GO message); tools/libs/light/libxl_create.c domcreate_rebuild_done (libxl__add_disks), domcreate_launch_dm (its callback); tools/libs/light/libxl_device.c libxl__wait_device_connection (XenbusStateInitWait, LIBXL_INIT_TIMEOUT), device_backend_callback, device_hotplug; drivers/xen/xenbus/xenbus_probe.c xenbus_dev_resume; drivers/xen/xenbus/xenbus_probe_frontend.c xenbus_frontend_dev_resume; drivers/block/xen-blkfront.c blkfront_resume, talk_to_blkback',
  applies: (p) => p.migrate,
  // libxl's wait: the destination's backend node reads InitWait (without removal=libxl nothing else writes it before the
  // guest runs; with it, the restore's wait read InitWait before the detach's Closing: restoreSaw)
  when: (s) => s.life?.migrated === MIGRATE_RESUMING && (s.life.restoreSaw === undefined ? s.life.be === XenbusStateInitWait : s.life.restoreSaw),
  then: (d, s, p) => {
    const l = d.life as LifeDraft;
    l.migrated = MIGRATE_DONE;
    if (s.life!.bind === BIND_UNBOUND) return; // "if (dev->driver == NULL) return 0": dev->state stays
    l.feDev = XenbusStateInitialising;
    frontendSwitchState(l, XenbusStateInitialised, p); // talk_to_blkback
    l.feWatch = true; // watch_otherend
    // (destQueues=other) then blk_mq_update_nr_hw_queues: another nr_rings, so blk_mq_freeze_queue waits for the
    // requests blkfront_resume parked on info->requests, which nothing ends: blkfront_resume never returns
    if (p.destQueues === 'other' && (s.life!.parked ?? 0) > 0) l.frozen = true;
    // and for the reads and writes blk-mq holds (session 29: never on the ring, blkfront_resume does not see them)
    if (p.destQueues === 'other' && (s.life!.held ?? 0) > 0) l.frozen = true;
  },
};

export const libxlWaitDeviceConnection: R = {
  name: 'libxl_wait_device_connection',
  actor: 'toolstack',
  doc: 'the destination\'s restore (migrate with removal=libxl): libxl__wait_device_connection\'s libxl__ev_devstate_wait reads the backend\'s state node when its watch fires and finds InitWait: the disk is added, the restore goes on (the hotplug script, the GO message, the unpause). Were the node Closing by then (an `xl block-detach` of the incoming domain), it would keep waiting until LIBXL_INIT_TIMEOUT: the restore fails and the guest runs on at the source (a valid end)',
  see: `${SEE_LIBXL} libxl__wait_device_connection (XenbusStateInitWait, LIBXL_INIT_TIMEOUT), device_backend_callback; tools/libs/light/libxl_event.c devstate_callback ("still waiting state")`,
  applies: (p) => p.migrate && p.removal === 'libxl',
  when: (s) => s.life?.migrated === MIGRATE_RESUMING && s.life.restoreSaw === false && s.life.be === XenbusStateInitWait,
  then: (d) => { (d.life as LifeDraft).restoreSaw = true; },
};

/** xen_blkbk_probe's effect with blkback's switch made by `sw` (Linux's: {@link backendSwitchState}). */
export const xenBlkbkProbeWith = (sw: BackendSwitch) => (d: Draft<BlkifState>, p: BlkifParams): void => {
  const l = d.life as LifeDraft;
  sw(l, XenbusStateInitWait, p);
  l.beWatch = true;
};

export const xenBlkbkProbe: R = {
  name: 'xen_blkbk_probe',
  actor: 'backend',
  doc: 'the destination\'s blkback (migrate), or the restarted driver domain\'s (restart), probes the new backend device (its dev->state Initialising: xenbus_probe_node) when its directory appears: xenbus_switch_state(InitWait), which libxl waits for before it runs the hotplug script; the xenbus core registers its otherend watch, which fires at once',
  see: `${SEE_BACK_XENBUS} xen_blkbk_probe; drivers/xen/xenbus/xenbus_probe.c xenbus_probe_node, xenbus_dev_probe`,
  applies: (p) => p.migrate || p.restart, // restart: the restarted driver domain's blkback
  when: (s) => s.life?.beDev === XenbusStateInitialising,
  then: (d, _s, p) => xenBlkbkProbeWith(backendSwitchState)(d, p),
};

// --- unbind: the guest's sysfs unbind and bind of blkfront

export const xenbusDevRemove: R = {
  name: 'xenbus_dev_remove',
  actor: 'frontend',
  doc: 'the guest unbinds blkfront (sysfs unbind; once, the ring idle: del_gendisk waits for the requests outstanding first): free_otherend_watch, blkfront_remove (del_gendisk, blkif_free: the ring and the grants ended, a grant blkback still maps deferred), then, blkfront having no allow_rebind, xenbus_switch_state(Closed)',
  see: `drivers/xen/xenbus/xenbus_probe.c xenbus_dev_remove ("if the driver does not support re-bind, set the closed"); ${SEE_FRONT} blkfront_remove, blkif_free, blkfront_driver (no .allow_rebind)`,
  applies: (p) => p.unbind,
  when: (s) => s.life?.bind === BIND_BOUND && s.life.migrated !== MIGRATE_RESUMING && ringIdle(s),
  then: (d, _s, p) => {
    const l = d.life as LifeDraft;
    l.bind = BIND_UNBOUND;
    l.feWatch = false; // free_otherend_watch
    frontendSwitchState(l, XenbusStateClosed, p);
  },
};

export const blkfrontProbe: R = {
  name: 'blkfront_probe',
  actor: 'frontend',
  doc: 'the guest binds blkfront again (sysfs bind): xenbus_dev_probe: talk_to_otherend, blkfront_probe (reads virtual-device, allocates blkfront_info: writes nothing, switches nothing), watch_otherend (fires at once); dev->state is what the unbind left',
  see: `drivers/xen/xenbus/xenbus_probe.c xenbus_dev_probe; ${SEE_FRONT} blkfront_probe`,
  applies: (p) => p.unbind,
  when: (s) => s.life?.bind === BIND_UNBOUND && s.life.migrated !== MIGRATE_RESUMING,
  then: (d) => {
    const l = d.life as LifeDraft;
    l.bind = BIND_REBOUND;
    l.feWatch = true;
  },
};

export const xenbusCleanupBackend: R = {
  name: 'xenbus_cleanup_devices',
  actor: 'backend',
  doc: 'the driver domain\'s bus: libxl__device_destroy removed the backend directory of a blkback still registered (its frontend closed while online was 1, so frontend_changed did not unregister it): xenbus_cleanup_devices (Linux 7.0: vanished, then at once) device_unregister: xen_blkbk_remove, xen_blkif_disconnect, xen_blkif_put',
  see: `drivers/xen/xenbus/xenbus_probe.c xenbus_dev_changed, xenbus_cleanup_devices; ${SEE_BACK_XENBUS} xen_blkbk_remove; ${SEE_LIBXL} libxl__device_destroy`,
  applies: (p) => p.unbind && p.removal === 'libxl',
  when: (s) => s.life?.libxl === LIBXL_DONE && !s.life.removed && dispatching(s) < 0,
  then: (d, s) => {
    const l = d.life as LifeDraft;
    const b = d as unknown as BackDraft;
    xenBlkifDisconnect(b, l);
    l.removed = true;
    l.beWatch = false;
    if (s.back.reqs.length === 0) xenBlkifFree(b, l);
  },
};

// --- crash: the driver domain dies with requests outstanding; xl destroys it; the vbd is detached and, with restart, attached again

export const driverDomainCrash: R = {
  name: 'driver_domain_crash',
  actor: 'backend',
  doc: 'the driver domain dies (once, at any point: requests outstanding, persistent grants mapped, the handshake under way) and xl destroys it (on_crash=destroy: libxl__destroy_domid, devices_destroy_cb removes its /local/domain/<domid>, the backend\'s directory with it): Xen releases its grant mappings and closes its event channels; no request in flight is ever answered. blkfront\'s otherend watch fires on the removed node and reads XenbusStateUnknown, which blkback_changed ignores',
  see: `tools/libs/light/libxl_domain.c libxl__destroy_domid, devices_destroy_cb (xs_rm of dom_path); xen/common/domain.c domain_kill (gnttab_release_mappings, evtchn_destroy); ${SEE_FRONT} blkback_changed (case XenbusStateUnknown: break); drivers/xen/xenbus/xenbus_probe.c xenbus_otherend_changed`,
  applies: (p) => p.crash === 'destroy',
  when: (s) => s.life?.dd === DD_UP,
  then: (d, _s, p) => {
    const w = d as { -readonly [K in keyof BlkifState]: BlkifState[K] };
    w.back = blkifInit(p).back;
    w.mapcount = Array(p.pages + 1).fill(0); // gnttab_release_mappings: every mapping of the dead domain
    const l = d.life as LifeDraft;
    l.dd = DD_DEAD;
    l.kthread = KTHREAD_NONE;
    l.ring = false;
    l.beWatch = false;
    l.feWatch = false; // blkback_changed(XenbusStateUnknown): nothing
  },
};

export const libxlDeviceDiskRemove: R = {
  name: 'libxl_device_disk_remove',
  actor: 'toolstack',
  doc: 'xl block-detach (with or without -f) of the guest\'s vbd once its driver domain is gone: libxl__initiate_device_generic_remove reads no backend state ("backend ... already removed, cleanup frontend only", rc = 0), device_hotplug_done: libxl__device_destroy removes the frontend directory; the guest\'s bus watch fires',
  see: `${SEE_LIBXL} libxl__initiate_device_generic_remove, device_hotplug_done, libxl__device_destroy; tools/xl/xl_block.c main_blockdetach`,
  applies: (p) => p.crash !== 'none',
  when: (s) => s.life?.dd === DD_DEAD && s.life.fedir === FEDIR_FIRST,
  then: (d) => {
    const l = d.life as LifeDraft;
    l.fedir = FEDIR_GONE;
    l.busWatch = true;
  },
};

// --- crash=preserve: xl's on_crash=preserve keeps the crashed driver domain, paused

export const driverDomainCrashPreserved: R = {
  name: 'driver_domain_crash_preserved',
  actor: 'backend',
  doc: 'the driver domain crashes (once, at any point) and xl\'s on_crash=preserve keeps it (handle_domain_death: LIBXL_ACTION_ON_SHUTDOWN_PRESERVE, nothing done): Xen\'s domain_shutdown pauses it, nothing is destroyed: its xenstore nodes stay at their last state (the backend\'s state node, online 1), its grant mappings and event channels stay, and nothing of blkback runs again (no watch handled, no request taken, no response). Nothing fires for the guest: blkfront stays Connected and may fill the ring',
  see: `tools/xl/xl_vmcontrol.c handle_domain_death (LIBXL_ACTION_ON_SHUTDOWN_PRESERVE: break); xen/common/domain.c domain_shutdown; tools/xenstored/domain.c do_check_domain (shut down, not dead: @releaseDomain only, its nodes kept)`,
  applies: (p) => p.crash === 'preserve',
  when: (s) => s.life?.dd === DD_UP,
  then: (d) => { (d.life as LifeDraft).dd = DD_PRESERVED; },
};

export const libxlDestroyTimeout: R = {
  name: 'libxl_destroy_timeout',
  actor: 'toolstack',
  doc: 'libxl__ev_devstate_wait for the backend\'s Closed ends without it: LIBXL_DESTROY_TIMEOUT (10 s; a paused domain never writes Closed), or ERROR_INVAL at once when the node is removed (the preserved domain destroyed meanwhile). device_backend_callback: at LIBXL__FORCE_OFF no forced pass, device_hotplug_done destroys nothing: `xl block-detach` prints "libxl_device_disk_safe_remove failed" and the directories stay (online 0, the backend node at Closing)',
  see: `${SEE_LIBXL} device_backend_callback (ERROR_TIMEDOUT with LIBXL__FORCE_AUTO only: the forced pass), device_hotplug_done (libxl__device_destroy only at LIBXL__FORCE_ON or rc 0); tools/libs/light/libxl_event.c devstate_callback ("but it was removed": ERROR_INVAL); tools/libs/light/libxl_internal.h LIBXL_DESTROY_TIMEOUT`,
  applies: (p) => p.crash === 'preserve',
  when: (s) => s.life?.libxl === LIBXL_WAITING && s.life.be !== XenbusStateClosed,
  then: (d) => { (d.life as LifeDraft).libxl = LIBXL_FAILED; },
};

export const libxlDeviceDiskDestroy: R = {
  name: 'libxl_device_disk_destroy',
  actor: 'toolstack',
  doc: 'xl block-detach -f of the preserved domain\'s disk (at once, or after the detach without -f failed): libxl__initiate_device_generic_remove at LIBXL__FORCE_ON removes the guest\'s frontend directory in the same transaction as online = 0 and state = Closing, waits for Closed (LIBXL_DESTROY_TIMEOUT), and on the timeout device_hotplug_done\'s libxl__device_destroy removes both directories (xl prints "libxl_device_disk_destroy failed"); the guest\'s bus watch fires (its otherend events for the removed device are not modelled: Closing\'s blkfront_closing only marks the disk dead, and its switch to Closed finds no node)',
  see: `${SEE_LIBXL} libxl__initiate_device_generic_remove (LIBXL__FORCE_ON: libxl__xs_path_cleanup of the frontend path), device_backend_callback, device_hotplug_done, libxl__device_destroy; tools/libs/light/libxl_internal.h LIBXL_DEFINE_DEVICE_REMOVE (destroy: LIBXL__FORCE_ON); tools/xl/xl_block.c main_blockdetach (-f)`,
  applies: (p) => p.crash === 'preserve',
  when: (s) => s.life?.dd === DD_PRESERVED && s.life.fedir === FEDIR_FIRST && s.life.libxl !== LIBXL_WAITING,
  then: (d) => {
    const l = d.life as LifeDraft;
    l.fedir = FEDIR_GONE;
    l.busWatch = true;
    l.feWatch = false;
    l.online = false; // in the transaction that removed the frontend directory (the backend's node removed after the timeout)
    l.libxl = LIBXL_FAILED;
  },
};

export const xlDestroyPreserved: R = {
  name: 'xl_destroy',
  actor: 'toolstack',
  doc: 'the admin destroys the preserved driver domain (xl destroy, at any time after the crash): libxl__destroy_domid removes its /local/domain/<domid> (the backend\'s directory with it), Xen\'s domain_kill releases its grant mappings; from here the run is crash=destroy\'s (a detach reads no backend: "already removed, cleanup frontend only")',
  see: `tools/libs/light/libxl_domain.c libxl__destroy_domid, devices_destroy_cb; xen/common/domain.c domain_kill (gnttab_release_mappings); ${SEE_FRONT} blkback_changed (XenbusStateUnknown: break)`,
  applies: (p) => p.crash === 'preserve',
  when: (s) => s.life?.dd === DD_PRESERVED,
  then: (d, s, p) => driverDomainCrash.then(d, s, p, undefined),
};

export const xlBlockAttach: R = {
  name: 'xl_block_attach',
  actor: 'toolstack',
  doc: 'the driver domain restarted (a new domain: a new domid) and the disk attached again after the detach (xl block-attach: libxl__device_generic_add writes the guest\'s device/vbd/N, state 1 and backend-id the new domain\'s, and the new backend directory, state 1; the hotplug script run); the guest\'s bus watch fires',
  see: `${SEE_LIBXL} libxl__device_generic_add; tools/libs/light/libxl_disk.c device_disk_add; Linux e2dcf9065536 ("toolstack manages to connect new device in that place, before xenbus_dev_changed() notices the old one is missing")`,
  applies: (p) => p.restart,
  when: (s) => s.life?.dd === DD_DEAD && s.life.fedir === FEDIR_GONE,
  then: (d, s) => {
    const l = d.life as LifeDraft;
    const old = s.life!;
    l.dd = DD_RESTARTED;
    l.fedir = FEDIR_NEW;
    // the first device's dev->state, if it is still there, apart from the node
    l.feDev = old.gdev === GDEV_NONE ? XenbusStateInitialising : feDevOf(old);
    l.fe = XenbusStateInitialising;
    l.be = XenbusStateInitialising;
    l.beDev = XenbusStateInitialising;
    l.online = true;
    l.busWatch = true;
  },
};

/** xenbus_dev_remove of the first device begins: free_otherend_watch, then blkfront_remove (its own rule: del_gendisk may wait). */
const startRemove = (l: LifeDraft): void => {
  l.gdev = GDEV_REMOVING;
  l.feWatch = false;
};

export const xenbusDevChanged: R = {
  name: 'xenbus_dev_changed',
  actor: 'frontend',
  doc: 'the guest\'s bus watch on its xenwatch thread, reading device/vbd/N when it runs: gone: xenbus_cleanup_devices (7.0: vanished first), device_unregister -> xenbus_dev_remove: free_otherend_watch, blkfront_remove (its del_gendisk may wait); there with no device: xenbus_probe_node (dev->state Initialising), blkfront_probe, watch_otherend (fires at once); there with the first device still bound: at 6.12 xenbus_device_find finds it and nothing happens, at 7.0 the node reads Initialising where dev->state does not (and the backend-id changed): "state reset occurred", vanished, device_unregister as above, then xenbus_probe_node',
  see: 'drivers/xen/xenbus/xenbus_probe.c xenbus_dev_changed, xenbus_cleanup_devices, cleanup_dev, xenbus_probe_node, xenbus_dev_remove (Linux 6.12; 7.0: e2dcf9065536 hunks 3 and 4, docs/models/xenbus.md "Linux 7.0\'s xenbus core")',
  applies: (p) => p.crash !== 'none',
  when: (s) => s.life?.busWatch === true && s.life.gdev !== GDEV_REMOVING, // xenwatch waits in del_gendisk
  then: (d, s, p) => {
    const l = d.life as LifeDraft;
    const old = s.life!;
    l.busWatch = false;
    if (old.fedir === FEDIR_GONE) {
      if (old.gdev === GDEV_FIRST) startRemove(l);
    } else if (old.gdev === GDEV_NONE) {
      l.gdev = GDEV_SECOND; // xenbus_probe_node, blkfront_probe
      l.feDev = XenbusStateInitialising;
      l.feWatch = true; // watch_otherend: the new backend's state
    } else if (old.gdev === GDEV_FIRST && p.bus === '7.0' && old.fedir === FEDIR_NEW && old.fe === XenbusStateInitialising) {
      startRemove(l); // "state reset occurred, reconnecting": vanished, device_unregister
      l.busWatch = true; // then xenbus_probe_node, once the unregister returns
    }
  },
};

export const blkfrontRemove: R = {
  name: 'blkfront_remove',
  actor: 'frontend',
  doc: 'blkfront_remove on the guest\'s xenwatch thread: del_gendisk returns once no request is outstanding (blk_mq_freeze_queue_wait; blkfront has no blk-mq timeout handler, so a request the dead backend never answers keeps it, and xenwatch, waiting for ever); then blkif_free (the ring and every grant ended: nothing maps them any more) and xenbus_dev_remove\'s xenbus_switch_state(Closed) (no allow_rebind): at 6.12 it writes Closed into the node if it exists again (the restart\'s), at 7.0 the device is vanished and it writes nothing',
  see: `${SEE_FRONT} blkfront_remove (del_gendisk), blkfront_mq_ops (no .timeout); block/genhd.c del_gendisk (blk_mq_freeze_queue_wait); block/blk-mq.c blk_mq_rq_timed_out (no handler: blk_add_timer again); drivers/xen/xenbus/xenbus_probe.c xenbus_dev_remove; drivers/xen/xenbus/xenbus_client.c __xenbus_switch_state`,
  applies: (p) => p.crash !== 'none',
  when: (s) => s.life?.gdev === GDEV_REMOVING && s.front.shadow.every((x) => !x.waiting),
  then: (d, s, p) => removeFirstDevice(d, s, p),
};

/** blkfront_remove after del_gendisk returned: blkif_free (a fresh ring, every grant ended), xenbus_dev_remove's switch to Closed; the device gone. Exported for the fix example. */
export function removeFirstDevice(d: BlkifState, s: BlkifState, p: BlkifParams): void {
  const fresh = blkifInit(p);
  const w = d as { -readonly [K in keyof BlkifState]: BlkifState[K] };
  w.req_prod = fresh.req_prod; w.rsp_prod = fresh.rsp_prod; w.ring = fresh.ring; w.granted = fresh.granted;
  w.front = { ...fresh.front, issued: s.front.issued };
  // blkif_free's gnttab_end_foreign_access of a grant still mapped (crash=preserve: the paused domain keeps its
  // mappings) defers it (gnttab_add_deferred, which holds the page): the gref stays granted, its page not free
  for (let g = 1; g <= p.pages; g++) {
    if (s.mapcount[g]! === 0) continue;
    (w.granted as boolean[])[g] = true;
    (w.front.gref as number[])[g - 1] = g;
  }
  const l = d.life as LifeDraft;
  const old = s.life!;
  l.gdev = GDEV_NONE;
  // xenbus_switch_state(Closed): 6.12 writes a node that exists (the restart's device/vbd/N); 7.0: vanished, nothing
  if (p.bus !== '7.0' && old.fedir === FEDIR_NEW && feDevOf(old) !== XenbusStateClosed) {
    l.fe = XenbusStateClosed;
    l.beWatch = true;
  }
  l.feDev = l.fe; // no device: the node alone
  if (old.fedir === FEDIR_NEW) l.busWatch = true; // the new directory's event (7.0: the same handler's xenbus_probe_node)
}

export const purgePersistentGnt: R = {
  name: 'purge_persistent_gnt',
  actor: 'backend',
  doc: 'blkback LRU: unmap an inactive persistent grant and drop it from the tree',
  see: `${SEE_BACK} purge_persistent_gnt, xen_blkbk_unmap_purged_grants`,
  applies: (p) => usePersistent(p) && p.maxPgrants > 0,
  // removal=libxl: the LRU runs in xenblkd's loop (its purge work flushed when it stops)
  choices: (s) => (s.life === undefined || (s.life.kthread === KTHREAD_RUNNING && s.life.dd !== DD_PRESERVED) ? s.back.pgnts.filter((x) => !x.active).map((x) => x.gref) : []),
  showChoice: (g: number) => `gref=${g}`,
  then: (d, s, _p, g: number) => {
    d.back.pgnts = s.back.pgnts.filter((x) => x.gref !== g);
    d.mapcount[g] = s.mapcount[g]! - 1;
  },
};

// --- the adversaries

export interface BlkifHostileWrite {
  readonly what: 'req_prod' | 'operation' | 'gref' | 'sect' | 'grant' | 'rsp_prod' | 'id' | 'status' | 'map' | 'iop' | 'nseg' | 'igref';
  /** A ring slot, a gref (`grant`, `map`), or -1 (an index). */
  readonly at: number;
  readonly val: number;
  /** `gref`, `sect`: the segment of the slot. */
  readonly seg?: number;
}

const OPERATIONS = [BLKIF_OP_READ, BLKIF_OP_WRITE, BLKIF_OP_RESERVED_1] as const;
/** indirectOp: also BLKIF_OP_INDIRECT. */
const OPERATIONS_INDIRECT = [BLKIF_OP_READ, BLKIF_OP_WRITE, BLKIF_OP_RESERVED_1, BLKIF_OP_INDIRECT] as const;
/** indirectOp: the `indirect_op` a hostile guest writes (BLKIF_OP_RESERVED_1: any but read and write). */
const INDIRECT_OPS = [BLKIF_OP_READ, BLKIF_OP_WRITE, BLKIF_OP_RESERVED_1] as const;
const NSEGS = [NSEG_OK, NSEG_ZERO, NSEG_ABOVE_MAX] as const;
/** ops other than rw: also the barrier, the flush and the discard. */
const OPERATIONS_ALL = [BLKIF_OP_READ, BLKIF_OP_WRITE, BLKIF_OP_WRITE_BARRIER, BLKIF_OP_FLUSH_DISKCACHE, BLKIF_OP_RESERVED_1, BLKIF_OP_DISCARD] as const;
/** indirectOp with ops other than rw: also BLKIF_OP_INDIRECT. */
const OPERATIONS_ALL_INDIRECT = [...OPERATIONS_ALL, BLKIF_OP_INDIRECT] as const;

/**
 * What a hostile guest writes (frontend=hostile): req_prod (the next slot,
 * past RING_SIZE ahead of blkback's responses, or 2^32 - 1 ahead of req_cons),
 * any request field of any slot, published or not, consumed or not (the
 * operation, the segment's gref, its sectors), or an entry of its grant table
 * (a grant, or a revocation even while blkback maps it: Xen keeps the mapping,
 * the guest only loses its claim). What a hostile backend writes
 * (backend=hostile): rsp_prod (one more, one less, or past RING_SIZE ahead of
 * blkfront's rsp_cons), any response field of any slot (id, out of range
 * included; operation; status); and it maps any gref the guest grants, at any
 * time, outside blkback's paths (GNTTABOP_map_grant_ref from the driver
 * domain, kept mapped: what XSA-396's race needs).
 */
export function blkifHostileDomain(s: BlkifState, p: BlkifParams): BlkifHostileWrite[] {
  const out: BlkifHostileWrite[] = [];
  if (s.hostile === 0) return out;
  const operations = p.indirectOp ? (p.ops === 'rw' ? OPERATIONS_INDIRECT : OPERATIONS_ALL_INDIRECT) : p.ops === 'rw' ? OPERATIONS : OPERATIONS_ALL;
  const statuses = p.ops === 'rw' ? [BLKIF_RSP_OKAY, BLKIF_RSP_ERROR] : [BLKIF_RSP_OKAY, BLKIF_RSP_ERROR, BLKIF_RSP_EOPNOTSUPP];
  const idx = (what: 'req_prod' | 'rsp_prod', cur: number, vals: number[]) => {
    for (const v of vals) if (v !== cur && !out.some((o) => o.what === what && o.val === v)) out.push({ what, at: -1, val: v });
  };
  if (p.frontend === 'hostile') {
    idx('req_prod', s.req_prod, [idxAdd(s.req_prod, 1), idxAdd(s.back.rsp_prod_pvt, p.ringSize + 1), idxSub(s.back.req_cons, 1)]);
    for (let k = 0; k < p.ringSize; k++) {
      const x = s.ring[k]!;
      for (const v of operations) if (x.kind !== SLOT_REQUEST || x.operation !== v) out.push({ what: 'operation', at: k, val: v });
      segsOf(x).forEach((y, j) => {
        const seg = j === 0 ? {} : { seg: j };
        for (let v = 0; v <= p.pages; v++) if (x.kind !== SLOT_REQUEST || y.gref !== v) out.push({ what: 'gref', at: k, val: v, ...seg });
        for (const v of [SECT_OK, SECT_BEYOND_PAGE]) if (x.kind !== SLOT_REQUEST || y.sect !== v) out.push({ what: 'sect', at: k, val: v, ...seg });
      });
      if (directNseg(p) && !p.indirectOp) for (const v of NSEGS) if (x.kind !== SLOT_REQUEST || x.nseg !== v) out.push({ what: 'nseg', at: k, val: v }); // (protocol=x86_32) u.rw.nr_segments
      if (p.indirectOp) { // the indirect header; the indirect page's segments are the slot's (above)
        for (const v of INDIRECT_OPS) if (x.kind !== SLOT_REQUEST || x.iop !== v) out.push({ what: 'iop', at: k, val: v });
        for (const v of NSEGS) if (x.kind !== SLOT_REQUEST || x.nseg !== v) out.push({ what: 'nseg', at: k, val: v });
        for (let v = 0; v <= p.pages; v++) if (x.kind !== SLOT_REQUEST || x.igref !== v) out.push({ what: 'igref', at: k, val: v });
      }
    }
    for (let g = 1; g <= p.pages; g++) out.push({ what: 'grant', at: g, val: s.granted[g] ? 0 : 1 });
  }
  if (p.backend === 'hostile') {
    idx('rsp_prod', s.rsp_prod, [idxAdd(s.rsp_prod, 1), idxSub(s.rsp_prod, 1), idxAdd(s.front.rsp_cons, p.ringSize + 1)]);
    for (let k = 0; k < p.ringSize; k++) {
      const x = s.ring[k]!;
      for (let v = 0; v <= p.ringSize; v++) if (x.kind !== SLOT_RESPONSE || x.id !== v) out.push({ what: 'id', at: k, val: v });
      for (const v of operations) if (x.kind !== SLOT_RESPONSE || x.operation !== v) out.push({ what: 'operation', at: k, val: v });
      for (const v of statuses) if (x.kind !== SLOT_RESPONSE || x.status !== v) out.push({ what: 'status', at: k, val: v });
    }
    for (let g = 1; g <= p.pages; g++) if (s.granted[g]) out.push({ what: 'map', at: g, val: 1 });
  }
  return out;
}

const showHostile = (c: BlkifHostileWrite): string =>
  c.what === 'grant' ? `${c.val ? 'grant' : 'revoke'} gref ${c.at}`
    : c.what === 'map' ? `map gref ${c.at}`
      : c.at < 0 ? `${c.what}=${c.val}`
        : c.seg === undefined ? `ring[${c.at}].${c.what}=${c.val}` : `ring[${c.at}].seg[${c.seg}].${c.what}=${c.val}`;

function hostileThen(d: BlkifState, s: BlkifState, c: BlkifHostileWrite, kind: number): void {
  const w = d as { -readonly [K in keyof BlkifState]: BlkifState[K] } & { ring: Slot[]; granted: boolean[]; mapcount: number[]; back: { work: number } };
  w.hostile = s.hostile - 1;
  if (c.what === 'req_prod') { w.req_prod = c.val; w.back.work = 0; }
  else if (c.what === 'rsp_prod') w.rsp_prod = c.val;
  else if (c.what === 'grant') w.granted[c.at] = c.val === 1;
  else if (c.what === 'map') w.mapcount[c.at] = s.mapcount[c.at]! + 1;
  else if (c.what === 'gref' || c.what === 'sect') {
    const x = s.ring[c.at]!;
    const j = c.seg ?? 0;
    w.ring[c.at] = x.segs === undefined ? { ...x, kind, [c.what]: c.val } : { ...x, kind, segs: x.segs.map((y, i) => (i === j ? { ...y, [c.what]: c.val } : y)) };
  } else w.ring[c.at] = { ...s.ring[c.at]!, kind, [c.what]: c.val };
}

export const hostileFrontendWrite: R = {
  name: 'hostile_frontend_write',
  actor: 'frontend',
  doc: 'a hostile guest writes req_prod, a request field of any slot (operation, gref, sectors) or an entry of its grant table, at any time',
  see: `${SEE_BACK} __do_block_io_op ("Frontend provided bogus ring requests"); XSA-155 (a slot changing after blkback read it)`,
  applies: (p) => p.frontend === 'hostile',
  choices: (s, p) => blkifHostileDomain(s, p),
  showChoice: showHostile,
  then: (d, s, _p, c: BlkifHostileWrite) => hostileThen(d as BlkifState, s, c, SLOT_REQUEST),
};

export const hostileBackendWrite: R = {
  name: 'hostile_backend_write',
  actor: 'backend',
  doc: 'a hostile backend writes rsp_prod or a response field of any slot (id, operation, status), or maps a gref the guest grants, at any time',
  see: `${SEE_FRONT} blkif_interrupt (RING_RESPONSE_PROD_OVERFLOW, id, REQ_WAITING, operation checks of "xen/blkfront: don't trust the backend response data", 2021)`,
  applies: (p) => p.backend === 'hostile',
  choices: (s, p) => blkifHostileDomain(s, p),
  showChoice: showHostile,
  then: (d, s, _p, c: BlkifHostileWrite) => hostileThen(d as BlkifState, s, c, SLOT_RESPONSE),
};

const done = (s: BlkifState, p: BlkifParams): boolean =>
  s.front.issued === p.requests && s.front.rsp_cons === s.front.req_prod_pvt && s.back.reqs.length === 0;

/**
 * (`protocol=x86_32`) a direct request blkback answers with its I/O (stage 1, BLKIF_RSP_OKAY) has the nr_segments
 * dispatch_rw_block_io accepts: 1..BLKIF_MAX_SEGMENTS_PER_REQUEST, or 0 for a flush or barrier (REQ_PREFLUSH); a discard
 * (dispatch_discard_io) reads none.
 */
const directNsegChecked = (r: InFlight): boolean =>
  r.stage !== 1 || r.status !== BLKIF_RSP_OKAY || r.operation === BLKIF_OP_DISCARD || r.nseg === NSEG_OK || (r.nseg === NSEG_ZERO && isSegmentless(r.operation));

/** Every I/O blkback has under way is on pages it maps: each segment persistently (its tree, active) or for this request. */
const ioOnMappedGrant = (s: BlkifState): boolean =>
  s.back.reqs.every((c) => c.stage !== 1 || c.status !== BLKIF_RSP_OKAY || isSegmentless(c.operation) ||
    c.segs.every((x) => (x.persistent ? s.back.pgnts.some((y) => y.gref === x.gref && y.active) : s.mapcount[x.gref]! > 0)));

/**
 * Each page of blkfront's grant list is in one place: on the free list once,
 * or in the `grants_used[]` of one waiting request, not both, not twice.
 */
export const pagesInOnePlace = (s: BlkifState, p: BlkifParams): boolean => {
  let seen = 0; // a bit per page (pages <= 4)
  for (const page of s.front.grants) {
    if (seen & (1 << page)) return false;
    seen |= 1 << page;
  }
  for (const x of s.front.shadow) {
    if (!x.waiting) continue;
    if (x.pages === undefined) { // segments=1: one page (none: a flush or discard, ops)
      if (x.page === NO_PAGE) continue;
      if (seen & (1 << x.page!)) return false;
      seen |= 1 << x.page!;
      continue;
    }
    for (const page of x.pages) {
      if (seen & (1 << page)) return false;
      seen |= 1 << page;
    }
  }
  return seen === (1 << p.pages) - 1;
};

export const blkifInvariants: readonly Invariant<BlkifState, BlkifParams>[] = [
  {
    name: 'B_response_discloses_nothing',
    description: 'no byte of a ring slot holds backend memory: every response byte is a response field or what the frontend wrote there (honest backend)',
    see: 'XSA-216 (CVE-2017-10911); drivers/block/xen-blkback/blkback.c make_response',
    holds: (s, p) => !backHonest(p) || s.ring.every((x) => x.pad !== PAD_SECRET),
  },
  {
    name: 'B_persistent_within_max_pgrants',
    description: 'the backend keeps at most max_pgrants grants persistently mapped (honest backend)',
    see: `${SEE_BACK} add_persistent_gnt (persistent_gnt_c >= max_pgrants: -EBUSY)`,
    holds: (s, p) => !backHonest(p) || s.back.pgnts.length <= p.maxPgrants,
  },
  {
    name: 'B_maps_only_granted',
    description: 'every grant the backend maps (persistently or for a request) is one the frontend grants (honest frontend: a hostile one may revoke while mapped, and Xen keeps the mapping)',
    see: 'xen/common/grant_table.c map_grant_ref; blkif.h feature-persistent',
    holds: (s, p) => !frontHonest(p) || s.mapcount.every((c, g) => c === 0 || s.granted[g] === true),
  },
  {
    name: 'B_io_on_mapped_grant',
    description: 'blkback does I/O only on a page it maps: a map Xen refused (a gref not granted, granted nothing, revoked) is answered BLKIF_RSP_ERROR, never used (honest backend)',
    see: `${SEE_BACK} xen_blkbk_map ("invalid buffer -- could not remap it", BLKBACK_INVALID_HANDLE), dispatch_rw_block_io (goto fail_flush)`,
    holds: (s, p) => !backHonest(p) || ioOnMappedGrant(s),
  },
  {
    name: 'B_pending_within_pool',
    description: 'blkback holds at most `pending` requests at once: with its pool empty it waits (st_oo_req, pending_free_wq) and leaves the rest on the ring (honest backend)',
    see: `${SEE_BACK} alloc_req, free_req, __do_block_io_op ("if (NULL == pending_req) { ring->st_oo_req++; more_to_do = 1; break; }"), xen_blkif_schedule`,
    holds: (s, p) => !backHonest(p) || s.back.reqs.length <= p.pending,
  },
  {
    name: 'B_work_bounded',
    description: 'blkback consumes at most RING_SIZE requests per value of req_prod the guest writes, whatever it writes (honest backend)',
    see: `${SEE_BACK} __do_block_io_op (RING_REQUEST_PROD_OVERFLOW: "Frontend provided bogus ring requests", RING_REQUEST_CONS_OVERFLOW); Linux "xen/blkback: Check for insane amounts of request on the ring" (2011)`,
    holds: (s, p) => !backHonest(p) || s.back.work <= p.ringSize,
  },
  {
    name: 'B_io_within_page',
    description: 'blkback does I/O only on segments whose sectors lie within the page: every request it has under way with its I/O (mapped, BLKIF_RSP_OKAY) has only such segments in its copy, and the value it uses is the value it checked (honest backend)',
    see: `XSA-155 (CVE-2015-8550); ${SEE_BACK} dispatch_rw_block_io ("last_sect >= (XEN_PAGE_SIZE >> 9)": fail_response), xen_blkbk_parse_indirect (18779149101c "xen-blkback: read from indirect descriptors only once")`,
    holds: (s, p) => !backHonest(p) || (!s.back.overrun && s.back.reqs.every((r) => r.stage !== 1 || r.status !== BLKIF_RSP_OKAY || r.segs.every((x) => x.sect === SECT_OK))),
  },
  {
    name: 'B_ring_mapped_while_answering',
    description: 'blkback writes a response only into a ring it maps: with requests in flight xen_blkif_disconnect leaves the ring and its event channel (removal=libxl; honest backend)',
    see: `${SEE_BACK_XENBUS} xen_blkif_disconnect ("if (atomic_read(&ring->inflight) > 0) { busy = true; continue; }"); ${SEE_BACK} xen_blkbk_unmap_and_respond_callback (make_response, xen_blkif_put)`,
    holds: (s, p) => !backHonest(p) || s.life === undefined || !s.life.late,
  },
  {
    name: 'B_free_unmaps_all',
    description: 'once blkback freed the blkif (its last reference put), it maps nothing of the guest: the ring, every persistent grant and every request\'s grants unmapped (removal=libxl; both honest)',
    see: `${SEE_BACK_XENBUS} xen_blkif_free, xen_blkif_disconnect (xen_blkbk_free_caches: free_persistent_gnts), xen_blkbk_remove; ${SEE_BACK} xen_blkbk_unmap_and_respond_callback`,
    holds: (s, p) => !backHonest(p) || !frontHonest(p) || s.life === undefined || !s.life.freed || (!s.life.ring && s.back.pgnts.length === 0 && s.mapcount.every((c) => c === 0)),
  },
  {
    name: 'F_free_page_unmapped',
    description: 'a page blkfront holds without a gref (free for any use) is mapped by no one (honest frontend)',
    see: `${SEE_FRONT} blkif_completion (gnttab_try_end_foreign_access)`,
    holds: (s, p) => !frontHonest(p) || s.front.gref.every((g, page) => g !== INVALID_GRANT_REF || s.mapcount[grefOf(page)] === 0),
  },
  {
    name: 'F_completes_only_waiting',
    description: 'blkfront completes only a request waiting for its response: never one twice, never a free id (honest frontend)',
    see: `${SEE_FRONT} blkif_interrupt ("response references no pending request", REQ_WAITING), add_id_to_freelist`,
    holds: (s, p) => !frontHonest(p) || !s.front.twice,
  },
  {
    name: 'F_page_in_one_place',
    description: 'each page of blkfront\'s grant list is free on the list once or used by one waiting request: never handed to two requests at once, never on the free list while a request uses it (honest frontend)',
    see: `${SEE_FRONT} get_free_grant, blkif_completion (list_add, list_add_tail), add_id_to_freelist; blkif_interrupt's REQ_WAITING check ("xen/blkfront: don't trust the backend response data", 2021)`,
    holds: (s, p) => !frontHonest(p) || pagesInOnePlace(s, p),
  },
  {
    name: 'F_no_BUG',
    description: 'no response makes blkfront reach a BUG() (honest frontend)',
    see: `${SEE_FRONT} blkif_interrupt (switch (bret.operation) default: BUG(); "response has wrong operation")`,
    holds: (s, p) => !frontHonest(p) || !s.front.bug,
  },
  {
    name: 'F_not_broken',
    description: 'blkfront never finds a response it must reject (bad id, no pending request, wrong operation, a grant the backend did not unmap, too many responses) (both honest)',
    see: `${SEE_FRONT} blkif_interrupt, blkif_completion (goto err)`,
    holds: (s, p) => !frontHonest(p) || !backHonest(p) || !s.front.broken,
  },
  {
    // finding blkif-resume-bios-lost (docs/findings.md): holds vacuously unless migrate=true, the only runs with
    // life.aside; two paths close blkfront before it recovers: libxl's detach (removal=libxl) and the guest's own
    // unbind (unbind=true: xenbus_dev_remove -> blkfront_remove); the fix: examples/blkif-resume-bios-lost-fix.ts
    name: 'F_set_aside_resubmitted',
    description: 'blkfront does not close with bios that blkfront_resume set aside (requests outstanding at the migration) neither submitted again by blkif_recover nor ended: closed, it never submits them, and blkfront_remove frees them unended (their submitters hang in D state)',
    see: `${SEE_FRONT} blkfront_resume (info->bio_list), blkif_recover, blkfront_closing, blkfront_remove (kfree(info)); finding blkif-resume-bios-lost`,
    holds: (s) => s.life?.aside === undefined || s.life.aside === 0 || feDevOf(s.life) !== XenbusStateClosed,
  },
  {
    // ops: the invariants of the request kinds (session 26)
    name: 'F_sends_only_advertised',
    description: 'blkfront puts a flush on the ring only while blkback advertises feature-flush-cache (or feature-barrier), a discard only while it advertises feature-discard, and (indirectOp) a BLKIF_OP_INDIRECT only while it advertises feature-max-indirect-segments, a migration\'s destination included (honest frontend)',
    see: `${SEE_FRONT} blkif_queue_rq ("REQ_OP_FLUSH && !info->feature_flush"), blkif_queue_rw_req (max_indirect_segments), blkfront_gather_backend_features, blkif_set_queue_limits, blkif_recover; xen/include/public/io/blkif.h feature-flush-cache, feature-discard, feature-max-indirect-segments; ${SEE_BACK_XENBUS} connect (xen_blkbk_flush_diskcache, xen_blkbk_barrier, xen_blkbk_discard), xen_blkbk_probe`,
    holds: (s, p) => (p.ops === 'rw' && !p.indirectOp) || !frontHonest(p) || s.ring.every((x) => x.kind !== SLOT_REQUEST ||
      !(x.operation === BLKIF_OP_FLUSH_DISKCACHE && !flushNodesOf(s, p).fc) && !(x.operation === BLKIF_OP_WRITE_BARRIER && !flushNodesOf(s, p).b) && !(x.operation === BLKIF_OP_DISCARD && !advertisesDiscard(s, p)) &&
      !(x.operation === BLKIF_OP_INDIRECT && !backendIndirect(s, p))),
  },
  {
    name: 'B_unserved_op_refused',
    description: 'blkback answers an operation it does not serve (not read, write, barrier, flush or discard) BLKIF_RSP_EOPNOTSUPP, with nothing of it mapped, and a flush, barrier or discard maps nothing; (indirectOp) an indirect request whose indirect_op is not a read or a write is never answered BLKIF_RSP_OKAY (honest backend, hostile guest)',
    see: `${SEE_BACK} __do_block_io_op (switch (req.operation): default), dispatch_other_io (BLKIF_RSP_EOPNOTSUPP), dispatch_rw_block_io (nseg 0 with REQ_PREFLUSH; "Invalid indirect operation"), dispatch_discard_io`,
    holds: (s, p) => !backHonest(p) || frontHonest(p) || s.back.reqs.every((r) => r.stage !== 1 ||
      (r.operation === BLKIF_OP_INDIRECT ? r.status !== BLKIF_RSP_OKAY || r.iop === BLKIF_OP_READ || r.iop === BLKIF_OP_WRITE // (indirectOp) "Invalid indirect operation"
        : blkbackServes(r.operation) ? !isSegmentless(r.operation) || r.segs.every((x) => x.gref === INVALID_GRANT_REF) : r.status === BLKIF_RSP_EOPNOTSUPP && r.segs.every((x) => x.gref === INVALID_GRANT_REF))),
  },
  {
    // indirectOp (session 30): XSA-365's shape on the indirect map (examples/blkif-indirect-map-ignored.ts)
    name: 'B_indirect_page_mapped',
    description: 'blkback reads an indirect request\'s segments only from an indirect page it maps: a map of the indirect page Xen refused fails the request, it is never parsed (honest backend)',
    see: `${SEE_BACK} xen_blkbk_parse_indirect ("rc = xen_blkbk_map(ring, pages, indirect_grefs, true); if (rc) goto unmap"), xen_blkbk_map ("invalid buffer -- could not remap it"); XSA-365 (CVE-2021-26930: an error of the map lost, the caller going on to pages never mapped)`,
    holds: (s, p) => !p.indirectOp || !backHonest(p) || s.back.reqs.every((r) => r.stage !== 2 || indirectMapped(s, r)),
  },
  {
    // indirectOp (session 30): examples/blkif-indirect-nseg-unchecked.ts
    name: 'B_nseg_checked',
    description: 'blkback parses and maps only indirect requests of 1 to MAX_INDIRECT_SEGMENTS segments: a request it took past its checks (indirect page mapped, or answered OKAY) never has nr_segments 0 or above MAX_INDIRECT_SEGMENTS, which xen_blkbk_parse_indirect would write past pending_req->segments[MAX_INDIRECT_SEGMENTS]; (protocol=x86_32, session 32) a direct read, write, flush or barrier answered OKAY has 1 to BLKIF_MAX_SEGMENTS_PER_REQUEST segments, or 0 for a flush or barrier (honest backend)',
    see: `${SEE_BACK} dispatch_rw_block_io ("Bad number of segments in request": nseg 0 without REQ_PREFLUSH, nseg > BLKIF_MAX_SEGMENTS_PER_REQUEST for a direct request, nseg > MAX_INDIRECT_SEGMENTS for an indirect one), xen_blkbk_parse_indirect (pending_req->segments[n] for n < nseg); drivers/block/xen-blkback/common.h struct pending_req (segments[MAX_INDIRECT_SEGMENTS])`,
    holds: (s, p) => (!p.indirectOp && !directNseg(p)) || !backHonest(p) || s.back.reqs.every((r) => r.operation !== BLKIF_OP_INDIRECT ? !directNseg(p) || directNsegChecked(r)
      : !(r.stage === 2 || (r.stage === 1 && r.status === BLKIF_RSP_OKAY)) || r.nseg === NSEG_OK),
  },
  {
    // indirectOp (session 31): examples/blkif-indirect-nseg-double-fetch.ts (XSA-155's double fetch of nr_segments)
    name: 'B_copy_within_request',
    description: 'blkback copies an indirect request\'s grefs into its own struct blkif_request (__do_block_io_op\'s `req`, on its kthread\'s stack) within that struct\'s indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST], and (protocol=x86_32, session 32) a direct request\'s segments within u.rw.seg[BLKIF_MAX_SEGMENTS_PER_REQUEST]: the count, min(MAX_INDIRECT_PAGES, INDIRECT_PAGES(nr_segments)) or min(BLKIF_MAX_SEGMENTS_PER_REQUEST, nr_segments), is taken on one read of nr_segments (honest backend)',
    see: `${SEE_BACK} blkif_get_x86_32_req, blkif_get_x86_64_req (dst->u.indirect.nr_segments = READ_ONCE(src->u.indirect.nr_segments); n = min(MAX_INDIRECT_PAGES, INDIRECT_PAGES(dst->u.indirect.nr_segments)); dst->u.rw.nr_segments = READ_ONCE(src->u.rw.nr_segments); n = min_t(unsigned int, BLKIF_MAX_SEGMENTS_PER_REQUEST, dst->u.rw.nr_segments)), __do_block_io_op (struct blkif_request req); drivers/block/xen-blkback/common.h struct blkif_x86_32_request_indirect (indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST]), struct blkif_x86_32_request_rw (seg[BLKIF_MAX_SEGMENTS_PER_REQUEST]); XSA-155 (QEMU hw/xen_blkif.h, "blkif: Avoid double access to src->nr_segments": "the size limitation could be bypassed")`,
    holds: (s, p) => (!p.indirectOp && !directNseg(p)) || !backHonest(p) || s.back.copyOverflow !== true,
  },
  {
    // protocol=x86_32 (session 32): examples/blkif-xsa155-operation.ts (Linux blkback's XSA-155 double fetch of operation)
    name: 'B_copy_matches_operation',
    description: 'blkback dispatches each request on the fields its copy took for the operation it dispatches: blkif_get_x86_*_req\'s switch and __do_block_io_op\'s see one read of `operation`, so dispatch_rw_block_io and dispatch_discard_io never read a union arm of `req` the copy did not write (honest backend)',
    see: `${SEE_BACK} blkif_get_x86_32_req, blkif_get_x86_64_req (dst->operation = READ_ONCE(src->operation); switch (dst->operation)), __do_block_io_op (struct blkif_request req; "Apply all sanity checks to /private copy/ of request"; switch (req.operation)), dispatch_rw_block_io, dispatch_discard_io; XSA-155 (CVE-2015-8550), "xen-blkback: only read request operation from shared ring once"`,
    holds: (s, p) => !directNseg(p) || !backHonest(p) || s.back.staleCopy !== true,
  },
  {
    // ops with migrate: blkif-resume-bios-lost's flush and discard side (session 26)
    name: 'F_parked_requeued',
    description: 'blkfront is not closed or removed with flush or discard requests that blkfront_resume kept whole on info->requests and blkif_recover never requeued: each still holds the queue\'s usage count, so blkfront_remove\'s del_gendisk waits for it for ever (the guest\'s xenwatch thread on a detach, the unbinding process on an unbind)',
    see: `${SEE_FRONT} blkfront_resume (list_add(&shadow[j].request->queuelist, &info->requests)), blkif_recover (blk_mq_requeue_request), blkfront_closing, blkfront_remove (del_gendisk); block/genhd.c del_gendisk (blk_mq_freeze_queue_wait)`,
    holds: (s) => s.life?.parked === undefined || s.life.parked === 0 || feDevOf(s.life) !== XenbusStateClosed,
  },
  {
    // ops with secdiscard (session 27): the secure-erase side of blkif-discard-after-migration
    name: 'F_secure_erase_done',
    description: 'a secure erase blkfront reports done (REQ_OP_SECURE_ERASE ended BLK_STS_OK on BLKIF_RSP_OKAY: the guest\'s BLKSECDISCARD succeeds) was one: blkfront sent BLKIF_DISCARD_SECURE and the backend that answered has a secure erase (vbd.discard_secure: blkdev_issue_secure_erase, not blkdev_issue_discard) (both honest)',
    see: `${SEE_FRONT} blkif_queue_discard_req, blkfront_setup_discard, blkif_set_queue_limits (max_secure_erase_sectors), blkif_recover, blkif_interrupt; ${SEE_BACK} dispatch_discard_io; ${SEE_BACK_XENBUS} xen_blkbk_discard (discard-secure), xen_vbd_create (vbd.discard_secure); xen/include/public/io/blkif.h BLKIF_DISCARD_SECURE ("ignored if discard-secure=0")`,
    holds: (s, p) => !frontHonest(p) || !backHonest(p) || s.front.falseErase !== true,
  },
  {
    // migrate with destQueues=other (session 28): finding blkif-resume-freeze
    name: 'F_resume_returns',
    description: 'blkfront_resume returns: it does not wait in blk_mq_update_nr_hw_queues (a destination giving another nr_rings) for the flush, discard or FUA requests it kept whole on info->requests, which hold the queue\'s usage count until blkif_recover requeues them after the resume (the guest\'s xenwatch thread would wait for ever inside do_suspend, the guest never resumes)',
    see: `${SEE_FRONT} blkfront_resume (2067-2120: list_add to info->requests, talk_to_blkback, blk_mq_update_nr_hw_queues), negotiate_mq (1899-1915), blkif_recover; block/blk-mq.c __blk_mq_update_nr_hw_queues (5008-5026: blk_mq_freeze_queue), blk_mq_freeze_queue_wait; drivers/xen/manage.c do_suspend (dpm_resume_end on the xenwatch thread); ${SEE_BACK_XENBUS} xen_blkbk_probe (multi-queue-max-queues)`,
    holds: (s) => s.life?.frozen !== true,
  },
  {
    // ops with fua (session 28): blkif_recover keeps the queue's BLK_FEAT_FUA; finding blkif-fua-after-migration
    name: 'F_fua_durable',
    description: 'a REQ_FUA write blkfront reports done (ended BLK_STS_OK on BLKIF_RSP_OKAY: the guest\'s O_DSYNC write, journal commit or fsync returns) was made durable by the backend that answered: sent as BLKIF_OP_WRITE_BARRIER to a backend that advertises feature-barrier, or answered by a backend without a write cache (neither flush node); a BLKIF_OP_FLUSH_DISKCACHE with data flushes before the write only (both honest)',
    see: `${SEE_FRONT} blkif_queue_rw_req (783-802), blkfront_gather_backend_features, blkif_set_queue_limits (BLK_FEAT_FUA), blkif_recover, blkfront_resume; block/blk-flush.c blk_insert_flush; ${SEE_BACK} dispatch_rw_block_io (BLKIF_OP_FLUSH_DISKCACHE, BLKIF_OP_WRITE_BARRIER: REQ_PREFLUSH); xen/include/public/io/blkif.h feature-barrier, feature-flush-cache`,
    holds: (s, p) => !frontHonest(p) || !backHonest(p) || s.front.falseFua !== true,
  },
  {
    // ops with fua (session 28): finding blkif-indirect-fua-bug
    name: 'F_indirect_never_fua',
    description: 'blkfront never reaches blkif_queue_rw_req\'s BUG_ON(req_op(req) == REQ_OP_FLUSH || req->cmd_flags & REQ_FUA) on its indirect path (a guest kernel crash), whatever the backend advertises (honest frontend, any backend)',
    see: `${SEE_FRONT} blkif_queue_rw_req (764-771), blkfront_gather_backend_features (feature-barrier, feature-flush-cache, feature-max-indirect-segments), blkif_set_queue_limits (BLK_FEAT_FUA, max_segments); block/blk-flush.c blk_insert_flush (REQ_FUA kept with supports_fua); xen/include/public/io/blkif.h BLKIF_OP_INDIRECT`,
    holds: (s, p) => !frontHonest(p) || s.front.bugOn !== true,
  },
  {
    // migrate with indirect and destIndirect=no (session 29): finding blkif-no-indirect-after-migration
    name: 'F_fits_without_indirect',
    description: 'blkfront never dispatches a request of more than BLKIF_MAX_SEGMENTS_PER_REQUEST grants while info->max_indirect_segments is 0: on x86 (HAS_EXTRA_REQ false) blkif_queue_rw_req\'s BUG_ON(!HAS_EXTRA_REQ && require_extra_req) stops the guest (a request blk-mq built for the source\'s 32 segments and held across xl migrate to a backend without feature-max-indirect-segments)',
    see: `${SEE_FRONT} blkif_queue_rw_req (760-762), blkif_recover (2011-2025: blkfront_gather_backend_features, blkif_set_queue_limits, queue_limits_commit_update, kick_pending_request_queues), blkfront_resume (only the shadow's requests); block/blk-mq.c blk_mq_submit_bio (__bio_split_to_limits at submission only)`,
    holds: (s) => s.life?.noIndirectBug !== true,
  },
];

/**
 * blkback owes the guest nothing: no request in flight (every one it
 * consumed answered and pushed) and no request it would still take
 * (`__do_block_io_op` finds rc == rp, or the ring halted on a bogus req_prod
 * and waits for disconnect: xen_blkif_schedule's shutdown_wq).
 */
export const blkbackOwesNothing = (s: BlkifState, p: BlkifParams): boolean =>
  s.back.reqs.length === 0 && s.back.rsp_prod_pvt === s.back.req_cons && s.rsp_prod === s.back.rsp_prod_pvt && !blkbackHasWork(s, p);

/**
 * blkfront owes the backend nothing: broken (BLKIF_STATE_ERROR until
 * reconnect), or every response the backend published taken and no request
 * it would still queue (it waits in blk-mq for a free id, page or slot,
 * which only responses give back).
 */
export const blkfrontOwesNothing = (s: BlkifState, p: BlkifParams): boolean =>
  s.front.broken || (s.front.rsp_cons === s.rsp_prod && !blkifQueueRequest.when!(s, p, undefined) &&
    !(opsFlush(p) && blkifQueueFlush.when!(s, p, undefined)) && !(opsDiscard(p) && blkifQueueDiscard.when!(s, p, undefined)) &&
    !(opsSecdiscard(p) && blkifQueueSecureErase.when!(s, p, undefined)) && !(opsFua(p) && blkifQueueFuaWrite.when!(s, p, FUA_DIRECT)));

/**
 * removal=libxl's end: libxl saw Closed (the detach succeeded), blkfront is
 * Closed, blkback freed the blkif with nothing of the guest mapped. A state
 * where libxl still waits is not one: LIBXL_DESTROY_TIMEOUT fires and
 * `xl block-detach` fails, the vbd left with online = 0.
 */
export const removed = (s: BlkifState): boolean => {
  const l = s.life!;
  return l.libxl === LIBXL_DONE && l.fe === XenbusStateClosed && l.freed && s.mapcount.every((c) => c === 0);
};

/** migrate or unbind without removal=libxl: every request answered, both ends Connected (the guest resumed, blkfront bound again). */
export const connectedEnd = (s: BlkifState, p: BlkifParams): boolean => {
  const l = s.life!;
  return done(s, p) && feDevOf(l) === XenbusStateConnected && l.be === XenbusStateConnected && l.migrated !== MIGRATE_RESUMING && l.bind !== BIND_UNBOUND;
};

/**
 * crash's end: without restart, the vbd detached and the guest's device
 * removed (its xenwatch thread free again); with restart, the new device
 * connected to the new blkback and every request answered.
 */
export const crashEnd = (s: BlkifState, p: BlkifParams): boolean => {
  const l = s.life!;
  if (!p.restart) return l.fedir === FEDIR_GONE && l.gdev === GDEV_NONE;
  return l.gdev === GDEV_SECOND && done(s, p) && feDevOf(l) === XenbusStateConnected && l.be === XenbusStateConnected;
};

/**
 * migrate with removal=libxl: the destination's restore waits for InitWait and the node reads Closing (an `xl
 * block-detach` of the incoming domain wrote it before the restore's watch read InitWait): nothing writes InitWait
 * again, LIBXL_INIT_TIMEOUT ends the restore, xl migrate-receive exits ("Domain creation failed"), the sender
 * resumes the guest at the source with its suspend cancelled (libxl_domain_resume(.., 1, ..): xenbus_dev_cancel
 * does nothing, blkfront goes on with its ring and backend), as in the runs where xl_migrate never fires.
 */
export const restoreTimedOut = (l: Life): boolean =>
  l.restoreSaw === false && l.migrated === MIGRATE_RESUMING && l.be !== XenbusStateInitWait && l.be !== XenbusStateInitialising;

/** Valid ends: every request answered (blkback idle), or a broken blkfront; with a hostile peer, a state where the honest side owes nothing. */
export const blkifValidEnd = (s: BlkifState, p: BlkifParams): boolean => {
  if (s.life !== undefined && restoreTimedOut(s.life)) return true;
  if (s.life !== undefined) return p.crash !== 'none' ? crashEnd(s, p) : p.removal === 'libxl' ? removed(s) : connectedEnd(s, p);
  if (!frontHonest(p)) return blkbackOwesNothing(s, p);
  if (!backHonest(p)) return done(s, p) || blkfrontOwesNothing(s, p);
  return done(s, p) || s.front.broken;
};

/** A XenbusState without its prefix, for the picture line (`Closing`). */
const xs = (x: XenbusState): string => x.slice('XenbusState'.length);

export const blkif: Model<BlkifState, BlkifParams> = {
  views: blkifViews,
  name: 'blkif',
  description: 'blkif.h on io/ring.h as blkfront and blkback run it: request/response slots with padding (XSA-216), persistent grants (feature-persistent, max_pgrants, LRU purge), several segments a request and blkback\'s pending_req pool; a hostile guest or a hostile backend',
  see: 'xen/include/public/io/blkif.h; drivers/block/xen-blkback/blkback.c; drivers/block/xen-blkfront.c; docs/models/blkif.md',
  params,
  init: (p) => [blkifInit(p)],
  shape: blkifShape,
  rules: [blkifQueueRequest, blkMqSubmitBio, blkifQueueFlush, blkifQueueDiscard, blkifQueueSecureErase, blkifQueueFuaWrite, blkifInterrupt, doBlockIoOp, xenBlkbkParseIndirect, xenBlkbkMap, makeResponse, purgePersistentGnt, hostileFrontendWrite, hostileBackendWrite,
    blkbackChanged, frontendChanged, libxlSafeRemove, libxlDevstateWait, xlMigrate, xenbusDevResume, libxlWaitDeviceConnection, xenBlkbkProbe, xenbusDevRemove, blkfrontProbe, xenbusCleanupBackend,
    driverDomainCrash, libxlDeviceDiskRemove, xlBlockAttach, xenbusDevChanged, blkfrontRemove,
    driverDomainCrashPreserved, libxlDestroyTimeout, libxlDeviceDiskDestroy, xlDestroyPreserved],
  invariants: blkifInvariants,
  isValidEnd: blkifValidEnd,
  // each adversary at a 2-slot ring (the hostile guest also with two requests under way in blkback, at 4
  // requests, and with two segments a request; pending=2 holds every pending=1 interleaving: blkback may
  // answer before it takes the next): about 1 s of CPU each (docs/perf/2026-12-06b-blkif.md)
  checkAll: [
    { params: { frontend: 'hostile', ringSize: '2' }, why: "Linux blkback against a hostile guest (bogus req_prod, any request field, grants revoked while mapped): every blkback property, valid ends where blkback owes nothing" },
    { params: { frontend: 'hostile', ringSize: '2', pending: '2', requests: '4' }, why: "Linux blkback against a hostile guest with two pending_reqs: the same gref in two requests under way (mapped again), a revocation while another is in flight, a full pool leaving requests on the ring; every blkback property" },
    { params: { indirectOp: 'true', frontend: 'hostile', ringSize: '2' }, why: "Linux blkback against a hostile guest on indirect requests (session 30: `indirectOp`): the guest also writes indirect_op, nr_segments (0, above MAX_INDIRECT_SEGMENTS), indirect_grefs[0] and the indirect page's segments, and revokes the page's grant while blkback maps it; dispatch_rw_block_io's checks, the refused indirect map and the segment check answer BLKIF_RSP_ERROR, each segment read once (B_nseg_checked, B_indirect_page_mapped, B_io_within_page: examples/blkif-indirect-*.ts without them); every blkback property" },
    { params: { frontend: 'hostile', ringSize: '2', segments: '2' }, why: "Linux blkback against a hostile guest, two segments a request: one segment's map refused fails the whole request with the other unmapped (XSA-365's fix: examples/blkif-xsa365.ts without it)" },
    { params: { backend: 'hostile', ringSize: '2', pending: '2' }, why: "Linux blkfront against a hostile backend (any rsp_prod, response id, operation, status; maps of any granted gref) with responses in either order: every blkfront property (gnttab_try_end_foreign_access: examples/blkif-xsa396.ts without it), valid ends where blkfront owes nothing" },
    { params: { removal: 'libxl' }, leaveOut: ['deadlock'], why: "Linux blkback and blkfront through `xl block-detach` without -f at any step, requests in flight and persistent grants mapped included: xen_blkif_disconnect's -EBUSY keeps the ring and the grants until the last request's put frees them (B_ring_mapped_while_answering, B_free_unmaps_all, B_io_on_mapped_grant); deadlock left out: finding blkif-safe-remove (connect() writes Connected over libxl's Closing, the detach times out)" },
    { params: { migrate: 'true', bus: '7.0' }, why: "Linux blkfront and blkback on Linux 7.0's xenbus core (e2dcf9065536) through `xl migrate` at any point of the handshake and the I/O (requests outstanding issued again on the new ring): the destination's nodes at Initialising, xenbus_dev_resume's reset of dev->state before blkfront_resume's switch (so 7.0's reset check never aborts it), the destination's blkback probed (InitWait) before the guest resumes, as libxl's libxl__wait_device_connection orders it; every invariant and deadlock (the same states as at 6.12: docs/models/blkif.md \"Linux 7.0's xenbus core\")" },
    { params: { indirectOp: 'true', migrate: 'true' }, why: "Linux blkfront's indirect requests through `xl migrate` at any point to a destination like the source (session 32; session 31: `indirectOp` with a lifecycle): an indirect request outstanding at the migration has its bios set aside by blkfront_resume and its grants and indirect grant ended by blkif_free_ring, and goes out indirect again after blkif_recover read the destination's feature-max-indirect-segments (F_sends_only_advertised covers BLKIF_OP_INDIRECT); every invariant and deadlock (the finding is at destIndirect=no: blkif-no-indirect-after-migration)" },
    { params: { ops: 'rw+flush+discard', frontend: 'hostile', ringSize: '2', requests: '3' }, why: "Linux blkback against a hostile guest that also writes BLKIF_OP_WRITE_BARRIER, BLKIF_OP_FLUSH_DISKCACHE and BLKIF_OP_DISCARD, beside blkfront's own flushes and discards (session 26: `ops`): a flush or discard answered with nothing mapped, an operation blkback does not serve answered BLKIF_RSP_EOPNOTSUPP (B_unserved_op_refused); every blkback property" },
    { params: { ops: 'rw+discard+secdiscard', migrate: 'true', requests: '3' }, why: "Linux blkfront's secure erases (REQ_OP_SECURE_ERASE as BLKIF_OP_DISCARD with BLKIF_DISCARD_SECURE) through `xl migrate` at any point to a destination like the source (session 27: `rw+discard+secdiscard`): every secure erase the guest is told succeeded was one (F_secure_erase_done), before and after blkif_recover; the finding is at destFeatures=nosecure (blkif-secure-erase-after-migration)" },
    { params: { ops: 'rw+flush+fua', flushNodes: 'barrier-only', indirect: 'false', migrate: 'true', requests: '3' }, why: "Linux blkfront's REQ_FUA writes and flushes against a backend that writes feature-barrier without feature-flush-cache (and no feature-max-indirect-segments) through `xl migrate` at any point to a destination like the source (session 28: `rw+flush+fua`): both go out as BLKIF_OP_WRITE_BARRIER before and after blkif_recover, FUA writes outstanding at the migration requeued whole; every FUA write the guest is told is done was made durable (F_fua_durable); the findings are at destFeatures=flushcache (blkif-fua-after-migration) and with indirect segments (blkif-indirect-fua-bug)" },
    { params: { ops: 'rw+flush+discard', backend: 'hostile', ringSize: '2', requests: '3' }, why: "Linux blkfront's flushes and discards against a hostile backend (session 26: `ops`): the operation echo checked against the shadow's, a flush answered with an error or a discard with BLKIF_RSP_EOPNOTSUPP clears the feature and no more are sent (F_sends_only_advertised); every blkfront property" },
  ],
  view: (s) =>
    `ring [${s.ring.map((x) => (x.kind === SLOT_EMPTY ? '.' : x.kind === SLOT_REQUEST ? `Q${x.id}` : `P${x.id}${x.pad === PAD_SECRET ? '!' : ''}`)).join(' ')}] ` +
    `req_prod=${s.req_prod} rsp_prod=${s.rsp_prod} persistent=[${s.back.pgnts.map((x) => x.gref + (x.active ? '*' : '')).join(',')}]` +
    (s.back.halted ? ' halted' : '') + (s.front.broken ? ' broken' : '') +
    (s.life === undefined ? '' : ` be=${xs(s.life.be)}${s.life.beDev !== s.life.be ? `(dev ${xs(s.life.beDev)})` : ''} fe=${xs(s.life.fe)}${s.life.feDev !== undefined && s.life.feDev !== s.life.fe ? `(dev ${xs(s.life.feDev)})` : ''} online=${s.life.online ? 1 : 0} libxl=${s.life.libxl}` +
      (s.life.ring ? ' ring' : '') + (s.life.kthread === KTHREAD_RUNNING ? ' xenblkd' : '') + (s.life.removed ? ' removed' : '') + (s.life.freed ? ' freed' : '') +
      (s.life.dd === undefined ? '' : ` dd=${s.life.dd} fedir=${s.life.fedir} dev=${s.life.gdev}${s.life.busWatch ? ' busWatch' : ''}`)),
};
