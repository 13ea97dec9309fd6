/**
 * `grant`: the lifecycle of Xen grants (xen/include/public/grant_table.h,
 * grant tables v1 and v2) between a granting guest (domain A, the frontend:
 * Linux drivers/xen/grant-table.c driven as a netfront would, plus the
 * sub-page and sticky grants netfront itself does not use; or, with
 * granter=hostile, a domain rewriting its entries at any step), a grantee (domain B, dom0:
 * netback, honest or hostile), a third domain C that copies through B's
 * transitive grants (NetChannel2 receiver-side copy), and the hypervisor
 * between them, which enforces what xen/common/grant_table.c enforces.
 *
 * - Grant table v1 entries (flags, domid, frame; Xen's `GTF_reading` /
 *   `GTF_writing` in the flags word) and v2 entries (`GTF_permit_access`,
 *   `GTF_readonly`, `GTF_sub_page` with `page_off`/`length`, `GTF_transitive`
 *   with `trans_domid`/`trans_gref`) with the separate `grant_status_t` word,
 *   written only by Xen; one reserved entry (GNTTAB_RESERVED_XENSTORE).
 * - Xen's active entries (`struct active_grant_entry`): pin counts for host and
 *   device mappings (read and write) and, separately, for copies in progress;
 *   the frame, window and transitive target captured at the first pin.
 * - B's maptrack (map handles), GNTTABOP_map_grant_ref / unmap_grant_ref /
 *   copy with their checks and every refusal's GNTST_* code.
 * - Pages of A with a holder and abstract contents per half page (data:
 *   zeros or payload; secret). A page freed by A is at once reused by A's kernel for
 *   unrelated data: its contents become secret.
 * - A's operations as Linux has them: gnttab_grant_foreign_access_ref, the
 *   atomic gnttab_end_foreign_access_ref (v2: flags = 0; mb(); check status),
 *   the deferred gnttab_end_foreign_access (the deferred list holds the page),
 *   gnttab_query_foreign_access (used only by the XSA-396 variant).
 * - Sticky grants (NetChannel2), modelled on netif's control ring static
 *   grants: the backend advertises its mapping cache size
 *   (XEN_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE), ADD_GREF_MAPPING /
 *   DEL_GREF_MAPPING exchanges, unmap on removal and on disconnect.
 * - The shared ring page (tx-ring-ref) is grant ref 0 on page 0 (G14).
 *
 * The ring itself is abstracted to one request/response slot per grant ref
 * (model `ring-notify` checks the ring). PAGE_SIZE is abstracted to two halves.
 *
 * @see xen/include/public/grant_table.h, xen/common/grant_table.c,
 *   linux drivers/xen/grant-table.c, xen/include/public/io/netif.h (control ring),
 *   ../shared/docs/xen-protocols.md §4 and §6.
 */
import type { Draft } from 'immer';
import { defineModel, type Goal, type Invariant, type Observable, type Refinement, type Rule } from './core.js';
import { boolParam, defineParams, enumParam, intParam, perParams, type ParamsOfSpace } from './params.js';
import { firstUseRelabeling, symmetryCanonicalizer } from './grantSymmetry.js';
import { array, int, list, nullable, record, type Shape } from './shape.js';
import { grantViews } from './views/grant.js';

// --- grant_table.h constants (verbatim values)

export const GTF_invalid = 0;
export const GTF_permit_access = 1;
export const GTF_transitive = 3;
export const GTF_type_mask = 3;
export const GTF_readonly = 1 << 2;
export const GTF_reading = 1 << 3;
export const GTF_writing = 1 << 4;
export const GTF_sub_page = 1 << 8;

export const GNTMAP_device_map = 1;
export const GNTMAP_host_map = 2;
export const GNTMAP_readonly = 4;

export const GNTST_okay = 0;
export const GNTST_general_error = -1;
export const GNTST_bad_domain = -2;
export const GNTST_bad_gntref = -3;
export const GNTST_bad_handle = -4;
export const GNTST_bad_copy_arg = -10;
export const GNTST_no_space = -13;
/** set_version's refusal while grants are in use (Xen returns -EBUSY). */
export const EBUSY = -16;
/** acquire_grant_for_copy's ERESTART: the pinned transitive entry changed while its lock was dropped; nothing is pinned, the guest retries. */
export const ERESTART = 85;

export const GNTST_NAMES: Readonly<Record<number, string>> = {
  0: 'GNTST_okay', [-1]: 'GNTST_general_error', [-2]: 'GNTST_bad_domain', [-3]: 'GNTST_bad_gntref',
  [-4]: 'GNTST_bad_handle', [-10]: 'GNTST_bad_copy_arg', [-13]: 'GNTST_no_space', [-16]: 'EBUSY', [-22]: 'EINVAL', [-11]: 'EAGAIN', [-34]: 'ERANGE', 85: 'ERESTART',
};

/** Domain ids: dom0 runs the backend; A is the frontend guest; C a third guest. */
export const DOMID_B = 0, DOMID_A = 1, DOMID_C = 2;
export const DOM_NAMES = ['B', 'A', 'C'];

/** PAGE_SIZE in the model: a page has two halves (chunks). */
export const PAGE = 2;
/**
 * Abstract contents of a half page: DATA, the granter's own (the zeros of a
 * zeroed page, the payload it wrote, what a copy wrote into it), or SECRET,
 * unrelated kernel data (a freed page is reused by the kernel at once).
 * Every property asks only whether a half is secret (G12: XSA-403), and no
 * rule reads a held page's contents: zeros and payload, two values until
 * issue 11's reductions, were told apart by nothing while every copy into a
 * page made a new state (a third of the states at refs=2 pages=2).
 */
export const DATA = 0, SECRET = 2;
/** `GrantState.rv` after a failed v2 end of a read-only grant that was pinned: no write pin may follow (G19). */
export const RV_READONLY_REVOKED = 3;

/** What A grants a data ref for (the request kind). */
export const K_TX_FULL = 0; // full page, read-only, payload fills the page
export const K_TX_PART = 1; // full page, read-only, payload in the first half only (XSA-403 shape)
export const K_TX_SUB = 2; // GTF_sub_page [0, 1), read-only, payload in the first half
export const K_RX = 3; // full page, writable: an RX buffer the backend copies into
export const K_STICKY = 4; // full page, read-only, sticky (cached by the backend)
export const KIND_NAMES = ['tx_full', 'tx_part', 'tx_sub', 'rx', 'sticky'];

/** Frontend (granter driver) state of a data ref. */
export const FE_FREE = 0, FE_POSTED = 1, FE_DONE = 2, FE_DEFER = 3, FE_S_ADD = 4, FE_STICKY = 5, FE_S_BUSY = 6, FE_S_DEL = 7, FE_QUERIED = 8;
/** Backend driver (netback) state of the request slot for a data ref. */
export const BE_IDLE = 0, BE_REQ = 1, BE_MAPPED = 2, BE_MAPFAIL = 3, BE_RSP_OK = 4, BE_RSP_ERR = 5,
  BE_ADD = 6, BE_ADD_OK = 7, BE_ADD_ERR = 8, BE_DEL = 9, BE_DEL_ACK = 10, BE_FWD = 11;
/** Connection: 0 closed (ring grant ended), 1 connected (ring mapped), 2 ring granted (backend to map), 3 backend closed (frontend to end the ring grant). */
export const CONN_CLOSED = 0, CONN_UP = 1, CONN_RING_GRANTED = 2, CONN_BE_CLOSED = 3;

// --- parameters

export const grantParams = defineParams(
  {
    refs: intParam({ default: 2, min: 1, max: 4, doc: 'data grant refs of the frontend (plus ref 0, the ring); interchangeable' }),
    pages: intParam({ default: 2, min: 1, max: 4, doc: 'data pages of the frontend (plus page 0, the ring page); interchangeable' }),
    handles: intParam({ default: 3, min: 1, max: 6, doc: "maptrack entries of the backend domain (map handles)" }),
    transitive: intParam({ default: 1, min: 0, max: 2, doc: "entries of the backend's own grant table for transitive grants to C (0: no transitive grants)" }),
    copies: intParam({ default: 1, min: 0, max: 2, doc: 'GNTTABOP_copy operations in progress at once (copy pins)' }),
    unmaps: intParam({ default: 1, min: 0, max: 2, doc: "the hostile domain's unmaps between unmap_common and unmap_common_complete at once (vCPUs inside GNTTABOP_unmap_grant_ref; 0: its unmaps are one step)" }),
    maps: intParam({ default: 1, min: 0, max: 2, doc: "the hostile domain's maps of v2 entries inside _set_status_v2 at once: the flags read and checked, the status written and smp_mb(), the flags re-read, as three steps the granter can act between (0: its maps are one step)" }),
    cacheSize: intParam({ default: 1, min: 0, max: 3, doc: 'sticky grant cache size the backend advertises (GET_GREF_MAPPING_SIZE; 0: no sticky grants)' }),
    transTargets: enumParam({ values: ['granter', 'any'] as const, default: 'granter', doc: "what the hostile domain's transitive grants may point at: granter = the frontend's data refs, for C; any = also its own entries and itself as grantee (self-reference, chains: XSA-226)" }),
    rogueFlags: enumParam({ values: ['two', 'all'] as const, default: 'two', doc: 'map flags the hostile domain uses: two = host read-only, and host+device writable (its parts unmapped apart); all = host, device, host+device x read-only/writable' }),
    subPage: boolParam({ default: true, doc: 'the frontend may grant sub-page (GTF_sub_page) TX grants' }),
    version: enumParam({ values: ['v1', 'v2', 'any'] as const, default: 'any', doc: "the grant-table layout A's Linux asks for at boot (gnttab_request_version): v2 only if gnttab_need_v2() (machine addresses wider than 44 bits), v1 otherwise; any: both machines (two initial states)" }),
    reserved: enumParam({ values: ['none', 'xenstore', 'racing'] as const, default: 'xenstore', doc: "the reserved entry GNTTAB_RESERVED_XENSTORE of A's table (below GNTTAB_NR_RESERVED_ENTRIES): xenstore = the toolstack's grant of the xenstore page to dom0, which xenstored maps for good (a maptrack entry of dom0's beyond `handles`) and gnttab_set_version keeps across a switch; racing = also a hostile granter rewrites it (v2 sub-page or transitive) and a hostile dom0 unmaps xenstored's mapping and copies through it (what set_version's -EAGAIN and -ERANGE need); none = no reserved entry" }),
    granter: enumParam({ values: ['honest', 'hostile'] as const, default: 'honest', doc: "hostile: instead of its driver's grants, the granting domain writes any of its data entries (type, GTF_readonly, GTF_sub_page, frame) at any step, pinned or not, and switches the table version at any step; the properties protecting the granter from itself are then not checked" }),
    setStatusPinned: enumParam({ values: ['xen', 'checked'] as const, default: 'xen', doc: "what _set_status checks when it sets a status bit on an entry already pinned (a first write pin): xen = GTF_readonly on the flags as they are now, the type and domid only `if (!act->pin)` (today's Xen: after a failed v2 end a read-pinned read-only grant takes a write pin, finding G19); checked = the type and domid as for an unpinned entry (the fix)" }),
    grantee: enumParam({ values: ['honest', 'hostile'] as const, default: 'hostile', doc: 'hostile: dom0 also maps, copies, holds mappings and writes transitive grants whenever Xen lets it' }),
    transWrites: enumParam({ values: ['steps', 'late'] as const, default: 'late', doc: "the hostile domain's writes of its own transitive entries: steps = each a step of its own, at any time (the faithful model); late = folded into the copy that reads the entry (a quotient that keeps every verdict, the default: a counterexample is unfolded into the faithful model's before it is written, grant.md \"Parameters and abstractions\")" }),
  },
);
export type GrantParams = ParamsOfSpace<typeof grantParams>;

// --- state

/**
 * A grant entry as the granter's table holds it: `grant_entry_v1_t` (flags,
 * domid, frame; Xen's GTF_reading/GTF_writing live in `flags` and `status` is
 * 0) or `union grant_entry_v2` with its `grant_status_t` (`status`, written
 * only by Xen). Fields not used by the type are 0.
 */
export interface GrantEntry {
  readonly flags: number;
  readonly domid: number;
  /** full_page.frame / sub_page.frame: a page index of the granting domain. */
  readonly frame: number;
  readonly page_off: number;
  readonly length: number;
  readonly trans_domid: number;
  readonly trans_gref: number;
  readonly status: number;
}

/** struct active_grant_entry, only while pinned (`null` when act->pin == 0). */
export interface ActiveEntry {
  /** act->domid: the domain holding the pins. */
  readonly domid: number;
  readonly frame: number;
  /** The window [start, start+length) usable (is_sub_page), the whole page otherwise. */
  readonly start: number;
  readonly length: number;
  readonly is_sub_page: number;
  /** act->trans_domain / trans_gref for a pinned transitive entry (-1 otherwise). */
  readonly trans_domid: number;
  readonly trans_gref: number;
  readonly hstr: number;
  readonly hstw: number;
  readonly devr: number;
  readonly devw: number;
  /** Copy pins (Xen counts them with the host pins; kept apart here). */
  readonly cpr: number;
  readonly cpw: number;
  /** Ghost (not Xen's): the table version when the entry was first pinned (G13). */
  readonly v: number;
}

/** A maptrack entry of domain B (`null` = free handle). */
export interface MapHandle {
  readonly dom: number;
  readonly ref: number;
  readonly flags: number;
  readonly frame: number;
  /** 1: created by the netback driver; 0: by the hostile domain outside the driver. */
  readonly drv: number;
}

/** A GNTTABOP_copy in progress: the entries it pinned, outermost first. */
export interface CopyOp {
  readonly by: number;
  /** 1: the grant is the destination (write). */
  readonly w: number;
  readonly offset: number;
  readonly len: number;
  /** Transitive entries traversed (Xen allows at most 1). */
  readonly hops: number;
  readonly pins: readonly { readonly dom: number; readonly ref: number }[];
  /** The frame Xen maps and copies to or from (`*mfn`, act->mfn of the last entry). */
  readonly frame: number;
  /** The frame Xen took its page (and, for a destination, writable type) reference on (`*page`). */
  readonly pf: number;
}

/**
 * An unmap between its two phases: `unmap_common` has removed the mapping
 * from B's page tables and from the maptrack entry, but the TLB is flushed
 * (gnttab_flush_tlb) and the pins are dropped (`unmap_common_complete`) only
 * afterwards: until then B can still reach the frame.
 */
export interface PendingUnmap {
  readonly dom: number;
  readonly ref: number;
  readonly frame: number;
  /** op->done: the GNTMAP_host_map / GNTMAP_device_map parts unmapped, with the mapping's GNTMAP_readonly. */
  readonly done: number;
}

/**
 * A map_grant_ref of a v2 entry inside _set_status_v2 (the hostile domain's,
 * with `maps` > 0): `ph` 1 once the flags were read and checked (the first
 * read), 2 once `*status |= GTF_reading [| GTF_writing]; smp_mb();` ran; the
 * re-read of the flags and the rest of map_grant_ref are the third step. Xen
 * holds the active entry's lock and the table's read lock meanwhile: only the
 * granter (shared memory) acts on the entry, and the maptrack handle is taken.
 */
export interface MapInProgress {
  readonly ref: number;
  readonly flags: number;
  readonly ph: number;
  /** The maptrack handle get_maptrack_handle gave it (its entry in `mt` stays null until the map completes). */
  readonly h: number;
}

export interface Page {
  /** 1: held (by the driver for a grant, or by the deferred list); 0: free (reused by the kernel). */
  readonly held: number;
  /** Contents of the two halves. */
  readonly c: readonly number[];
}

export interface FeSlot {
  readonly st: number;
  readonly page: number;
  readonly kind: number;
}
export interface BeSlot {
  readonly st: number;
  /** Driver handle of an in-progress map (BE_MAPPED), -1 otherwise. */
  readonly h: number;
  /** GNTST_* of a failed map (BE_MAPFAIL). */
  readonly rc: number;
  /** Sticky cache: the handle of the cached mapping, -1 if not cached. */
  readonly c: number;
  /** B's transitive entry used to forward this request to C (BE_FWD), -1 otherwise. */
  readonly t: number;
}

export interface GrantState {
  readonly gt_version: number;
  /** 1: A has its v2 status frames mapped (GNTTABOP_get_status_frames, then a mapping in its own page tables). */
  readonly sf: number;
  readonly conn: number;
  /** Backend's ring mapping handle (-1 if unmapped). */
  readonly ringh: number;
  /** A's grant table (ref 0 = ring) and Xen's active entries for it. */
  readonly ga: readonly GrantEntry[];
  readonly aa: readonly (ActiveEntry | null)[];
  /** B's grant table (transitive grants to C) and its active entries. */
  readonly gb: readonly GrantEntry[];
  readonly ab: readonly (ActiveEntry | null)[];
  /** B's maptrack. */
  readonly mt: readonly (MapHandle | null)[];
  readonly cp: readonly CopyOp[];
  /** Unmaps between unmap_common and unmap_common_complete (the hostile domain's; the driver's run both at once). */
  readonly um: readonly PendingUnmap[];
  /** Maps of A's v2 entries inside _set_status_v2 (the hostile domain's; with `maps` = 0, and at v1, maps are one step). */
  readonly ms: readonly MapInProgress[];
  /**
   * Ghost, per entry of A: what the granter was promised by the last status it
   * read after writing the entry (grant_table.h, "Invalidating an unused
   * GTF_permit_access entry", "Changing a GTF_permit_access from writable to
   * read-only ... while checking !GTF_writing"): 2 = it cleared the entry and
   * saw neither GTF_reading nor GTF_writing (no pin may follow), 1 = it made
   * the entry read-only and saw no GTF_writing (no write pin may follow),
   * 0 = nothing promised (an entry invalidated in use promises nothing:
   * "This cannot be done directly"). Written by a successful end and the hostile
   * granter's writes, reset by a grant (G17). And 3 (`RV_READONLY_REVOKED`,
   * honest granter): a v2 end of a read-only grant failed (`flags = 0` while
   * pinned): no write pin may follow (G19); kept only while the entry is
   * pinned (back to 0 with its last pin: an unpinned entry whose flags are 0
   * takes no new pin, so nothing reads it then).
   */
  readonly rv: readonly number[];
  /** A's pages (page 0 = ring page). */
  readonly pg: readonly Page[];
  /** Per data ref (index 0 unused: the ring). */
  readonly fe: readonly FeSlot[];
  readonly be: readonly BeSlot[];
  /** Ghost: the backend touched memory through a map whose status was not GNTST_okay (XSA-367). */
  readonly bad: number;
}

/**
 * The shape of a grant state (model/shape.ts): every field with its bounds at
 * these parameters; the checker packs states into words from it. Bounds on
 * counts are generous (a variant that pins an entry from several copies, or
 * follows a chain of transitive grants, stays inside them).
 *
 * Scalarsets (symmetry reduction): the data refs (1..refs of A's table), the
 * data pages (1..pages; page 0 is the ring page), B's map handles and B's
 * transitive entries are interchangeable; copies in progress are a bag. A
 * ref stored in a maptrack entry, a copy's pin or a transitive entry is a ref
 * of A's table or an entry of B's, as its domain field says.
 */
export const grantShape = (p: GrantParams): Shape<GrantState> => {
  const res = hasReserved(p) ? 1 : 0;
  const refMax = Math.max(p.refs + res, p.transitive, 3);
  const pages = p.pages + res; // the xenstore page is page pages+1
  const count = int(0, 15);
  const dom = int(0, 3);
  const ref = { set: 'ref', from: 1 }, page = { set: 'page', from: 1 }, trans = { set: 'trans', from: 0 };
  /** A ref of domain `d`'s table: A's data refs, B's transitive entries. */
  const refOf = (d: number) => (d === DOMID_A ? ref : d === DOMID_B ? trans : undefined);
  const entry = (frame: boolean) => record({
    flags: int(0, 511), domid: dom, frame: int(0, pages, frame ? page : undefined), page_off: int(0, PAGE), length: int(0, PAGE),
    trans_domid: int(0, 3),
    trans_gref: int(0, refMax, { on: ['flags', 'trans_domid'], elem: (f: number, td: number) => ((f & GTF_type_mask) === GTF_transitive ? refOf(td) : undefined) }),
    status: int(0, GTF_reading | GTF_writing),
  });
  const frameOrNone = int(-1, pages, page);
  const active = (frame: boolean) => nullable(record({
    domid: dom, frame: frame ? int(0, pages, page) : int(-1, p.pages), start: int(0, PAGE), length: int(0, PAGE), is_sub_page: int(0, 1),
    trans_domid: int(-1, 3), trans_gref: int(-1, refMax, { on: ['trans_domid'], elem: refOf }),
    hstr: count, hstw: count, devr: count, devw: count, cpr: count, cpw: count, v: int(1, 2),
  }));
  const handle = int(-1, p.handles - 1, 'handle');
  const state = record({
    gt_version: int(1, 2),
    sf: int(0, 1),
    conn: int(0, 3),
    ringh: handle,
    ga: array(entry(true), p.refs + 1 + res, ref),
    aa: array(active(true), p.refs + 1 + res, ref),
    gb: array(entry(false), p.transitive, trans),
    ab: array(active(false), p.transitive, trans),
    mt: array(nullable(record({ dom, ref: int(0, refMax, { on: ['dom'], elem: refOf }), flags: int(0, 7), frame: int(0, pages, page), drv: int(0, 2) })), p.handles + res, 'handle'),
    cp: list(record({
      by: dom, w: int(0, 1), offset: int(0, PAGE), len: int(0, PAGE), hops: int(0, 7),
      pins: list(record({ dom, ref: int(0, refMax, { on: ['dom'], elem: refOf }) }), 4),
      frame: frameOrNone, pf: frameOrNone,
    }), p.copies, { bag: true }),
    um: list(record({ dom, ref: int(0, refMax, { on: ['dom'], elem: refOf }), frame: int(0, pages, page), done: int(0, 7) }), p.unmaps, { bag: true }),
    ms: list(record({ ref: int(0, p.refs, ref), flags: int(0, 7), ph: int(1, 2), h: handle }), p.maps, { bag: true }),
    rv: array(int(0, 3), p.refs + 1, ref),
    pg: array(record({ held: int(0, 1), c: array(int(0, 2), PAGE) }), p.pages + 1 + res, page),
    fe: array(record({ st: int(0, 8), page: int(-1, p.pages, page), kind: int(0, 4) }), p.refs + 1, ref),
    be: array(record({ st: int(0, 11), h: handle, rc: int(-16, 0), c: handle, t: int(-1, p.transitive - 1, 'trans') }), p.refs + 1, ref),
    bad: int(0, 1),
  });
  return { state, scalarsets: { ref: p.refs, page: p.pages, handle: p.handles, trans: p.transitive }, firstUse: 'handle' };
};
type S = GrantState;
type P = GrantParams;
type R = Rule<S, P, any>;
type W = Draft<S>;

const INVALID: GrantEntry = { flags: GTF_invalid, domid: 0, frame: 0, page_off: 0, length: 0, trans_domid: 0, trans_gref: 0, status: 0 };
const FE0: FeSlot = { st: FE_FREE, page: -1, kind: 0 };
const BE0: BeSlot = { st: BE_IDLE, h: -1, rc: 0, c: -1, t: -1 };

/** Whether A's table has the reserved entry (after its data refs). */
export const hasReserved = (p: P): boolean => p.reserved !== 'none';
/** `MapHandle.drv` of xenstored's mapping of the reserved xenstore grant (1: netback's, 0: the hostile domain's). */
export const XENSTORED = 2;
/** Xen's ref of the reserved entry the model has (grant_table.h GNTTAB_RESERVED_XENSTORE); in the model it is A's entry `refs + 1`. */
export const GNTTAB_RESERVED_XENSTORE = 1;
/** Whether entry `r` of A's table is the reserved one (below GNTTAB_NR_RESERVED_ENTRIES): the entries after the data refs. */
export const isReserved = (s: S, r: number): boolean => r >= s.fe.length;

/** The versions the frontend's Linux may boot with. */
export const bootVersions = (p: P): number[] => (p.version === 'v1' ? [1] : p.version === 'v2' ? [2] : [1, 2]);

/** The initial state at table version `v` (by default the first the parameters allow). */
export const grantInit = (p: P, v = bootVersions(p)[0]!): S => {
  const ring = v === 1
    ? { ...INVALID, flags: GTF_permit_access | GTF_reading | GTF_writing, domid: DOMID_B, frame: 0 }
    : { ...INVALID, flags: GTF_permit_access, domid: DOMID_B, frame: 0, status: GTF_reading | GTF_writing };
  const ga: GrantEntry[] = [ring];
  for (let r = 1; r <= p.refs; r++) ga.push(INVALID);
  const xs = p.pages + 1; // the xenstore page
  if (hasReserved(p)) ga.push({ ...ring, frame: xs });
  const aa: (ActiveEntry | null)[] = ga.map(() => null);
  const mapped = (frame: number): ActiveEntry => ({ domid: DOMID_B, frame, start: 0, length: PAGE, is_sub_page: 0, trans_domid: -1, trans_gref: -1, hstr: 0, hstw: 1, devr: 0, devw: 0, cpr: 0, cpw: 0, v });
  aa[0] = mapped(0);
  const mt: (MapHandle | null)[] = Array.from({ length: p.handles }, () => null);
  mt[0] = { dom: DOMID_A, ref: 0, flags: GNTMAP_host_map, frame: 0, drv: 1 };
  if (hasReserved(p)) {
    aa[p.refs + 1] = mapped(xs);
    mt.push({ dom: DOMID_A, ref: p.refs + 1, flags: GNTMAP_host_map, frame: xs, drv: XENSTORED });
  }
  const pg: Page[] = [{ held: 1, c: [DATA, DATA] }];
  for (let i = 1; i <= p.pages; i++) pg.push({ held: 0, c: [SECRET, SECRET] });
  if (hasReserved(p)) pg.push({ held: 1, c: [DATA, DATA] });
  return {
    gt_version: v, sf: 0, conn: CONN_UP, ringh: 0,
    ga, aa,
    gb: Array.from({ length: p.transitive }, () => INVALID),
    ab: Array.from({ length: p.transitive }, () => null),
    mt, cp: [], um: [], ms: [], rv: Array.from({ length: p.refs + 1 }, (_, r) => (r === 0 ? 0 : 2)), pg,
    fe: Array.from({ length: p.refs + 1 }, () => FE0),
    be: Array.from({ length: p.refs + 1 }, () => BE0),
    bad: 0,
  };
};

// --- the hypervisor (xen/common/grant_table.c)

/** Whether domain `dom` exists and has a grant table (A, B and C: C's table is empty). */
const hasTable = (dom: number): boolean => dom === DOMID_A || dom === DOMID_B || dom === DOMID_C;
const NO_ENTRIES: readonly GrantEntry[] = Object.freeze([]);
const NO_ACTIVE: readonly (ActiveEntry | null)[] = Object.freeze([]);
/**
 * The grant entries (`gb`: B's as a late copy reads them) and the active entries of a domain that exists, apart:
 * the guards of map and copy ask for them for every choice in most states, and a record of both (the
 * former `table`) was an allocation each time.
 */
const tableG = (s: S, dom: number, gb?: readonly GrantEntry[]): readonly GrantEntry[] => (dom === DOMID_A ? s.ga : dom === DOMID_B ? gb ?? s.gb : NO_ENTRIES);
const tableA = (s: S, dom: number): readonly (ActiveEntry | null)[] => (dom === DOMID_A ? s.aa : dom === DOMID_B ? s.ab : NO_ACTIVE);
/**
 * A domain's grant entries (`wg`) or active entries (`wa`) on the draft, apart: on the packed path the draft is
 * the codec's lazy root (checker/codec.ts lazyRootOf), where reading a root field copies it and makes the
 * successor's pack encode it again, so a rule that writes the active entries alone must not read the entries
 * too (2026-12-08: the former `wtable` returned both, and read both, on every pin and status write).
 */
const wg = (d: W, dom: number): Draft<GrantEntry>[] => (dom === DOMID_A ? d.ga : d.gb);
const wa = (d: W, dom: number): (Draft<ActiveEntry> | null)[] => (dom === DOMID_A ? d.aa : d.ab);
/** The version of a domain's table: A's is `gt_version`; dom0's own (transitive grants) is always 2. */
const versionOf = (s: S, dom: number): number => (dom === DOMID_A ? s.gt_version : 2);

export const pinCount = (a: ActiveEntry | null): number => (a ? a.hstr + a.hstw + a.devr + a.devw + a.cpr + a.cpw : 0);
/** act->pin & (GNTPIN_hstw_mask | GNTPIN_devw_mask): copies pin as host pins in Xen. */
export const writePins = (a: ActiveEntry | null): number => (a ? a.hstw + a.devw + a.cpw : 0);
const gtype = (e: GrantEntry): number => e.flags & GTF_type_mask;
const STATUS = GTF_reading | GTF_writing;

/** The status bits of an entry: in v1 the flags word's, in v2 the separate grant_status_t. */
export function statusOf(s: S, dom: number, r: number): number {
  const e = (dom === DOMID_A ? s.ga : s.gb)[r]!;
  return versionOf(s, dom) === 1 ? e.flags & STATUS : e.status;
}
/** Xen sets status bits: v1 `guest_cmpxchg` on the flags word, v2 `*status |=`. */
function setBits(d: W, dom: number, r: number, bits: number): void {
  const e = wg(d, dom)[r]!;
  if (versionOf(d as S, dom) === 1) e.flags |= bits;
  else e.status |= bits;
}
/** gnttab_clear_flags on the status word (v1: the flags word). */
function clearBits(d: W, dom: number, r: number, bits: number): void {
  const e = wg(d, dom)[r]!;
  if (versionOf(d as S, dom) === 1) e.flags &= ~bits;
  else e.status &= ~bits;
}

/**
 * The checks of _set_status_v1 / _set_status_v2 (`mapflag`: a map, which also
 * refuses GTF_sub_page; v2 copies accept GTF_transitive): GNTST_okay when the
 * status bits may be set. A pinned entry skips the type and domid check; the
 * GTF_readonly check of a write is always made, on the flags as they are now.
 * This is the first read of the flags; v2's re-read after `smp_mb()` is
 * `setStatusRecheck` (inside one step for every caller but the hostile
 * domain's maps with `maps` > 0, whose three steps let the granter act
 * between the reads).
 */
export function setStatusCheck(e: GrantEntry, v: number, pinned: boolean, ro: boolean, mapflag: boolean, ldom: number): number {
  const mask = GTF_type_mask | (mapflag ? GTF_sub_page : 0);
  const typeOk = (e.flags & mask) === GTF_permit_access || (v === 2 && !mapflag && (e.flags & mask) === GTF_transitive);
  if (!pinned && (!typeOk || e.domid !== ldom)) return GNTST_general_error; // "Bad flags (%x) or dom (%d)"
  if (!ro && e.flags & GTF_readonly) return GNTST_general_error; // "Attempt to write-pin a r/o grant entry"
  return GNTST_okay;
}

/**
 * _set_status_v2's re-read of the flags after `*status |= ...; smp_mb();`:
 * GNTST_okay when the entry still allows what the first read allowed. An
 * entry that was not pinned must still be GTF_permit_access (or, for a copy,
 * GTF_transitive) for `ldom`, without GTF_sub_page for a map, and not
 * GTF_readonly for a write ("Unstable flags"); for a pinned one (a first write
 * pin) only GTF_readonly is re-checked ("Unstable grant readonly flag"). The
 * caller clears what it set on a failure (`setStatusUndo`).
 */
export function setStatusRecheck(e: GrantEntry, pinned: boolean, ro: boolean, mapflag: boolean, ldom: number): number {
  if (!pinned) {
    const mask = GTF_type_mask | (mapflag ? GTF_sub_page : 0);
    const typeOk = (e.flags & mask) === GTF_permit_access || (!mapflag && (e.flags & mask) === GTF_transitive);
    if (!typeOk || e.domid !== ldom || (!ro && e.flags & GTF_readonly)) return GNTST_general_error; // "Unstable flags (%x) or dom (%d)"
  } else if (e.flags & GTF_readonly) return GNTST_general_error; // "Unstable grant readonly flag"
  return GNTST_okay;
}
/** The failure path of the re-read: gnttab_clear_flags(GTF_writing | GTF_reading) for an unpinned entry, GTF_writing for a pinned one. */
export function setStatusUndo(d: W, dom: number, r: number, pinned: boolean): void {
  clearBits(d, dom, r, pinned ? GTF_writing : GTF_reading | GTF_writing);
}

/**
 * reduce_status_for_pin(rd, act, status, readonly), called with the pins
 * already dropped: GTF_reading goes when no pin is left, GTF_writing (for a
 * released write) when no host, device or copy write pin is left.
 */
export function reduceStatusForPin(d: W, dom: number, r: number, act: ActiveEntry | null, ro: boolean): void {
  let clear = pinCount(act) > 0 ? 0 : GTF_reading;
  if (!ro && writePins(act) === 0) clear |= GTF_writing;
  if (clear) clearBits(d, dom, r, clear);
}

const fresh = (domid: number, frame: number, start: number, length: number, sub: number, td: number, tg: number, v: number): ActiveEntry =>
  ({ domid, frame, start, length, is_sub_page: sub, trans_domid: td, trans_gref: tg, hstr: 0, hstw: 0, devr: 0, devw: 0, cpr: 0, cpw: 0, v });

export interface MapOp {
  readonly dom: number;
  readonly ref: number;
  readonly flags: number;
}

/**
 * The checks of map_grant_ref, in Xen's order; GNTST_okay when the map
 * succeeds. A pinned entry is checked against the active entry (act->domid,
 * is_sub_page, which Xen also sets for a pinned transitive entry), and goes
 * through _set_status only for a first write pin. `pinnedTypeCheck`: the fix
 * of finding G19 (`setStatusPinned=checked`): _set_status checks the type and
 * domid of an already pinned entry too.
 */
export function mapCheck(s: S, ld: number, op: MapOp, pinnedTypeCheck = false): number {
  if ((op.flags & (GNTMAP_device_map | GNTMAP_host_map)) === 0) return GNTST_bad_gntref; // "Bad flags in grant map op"
  if (!hasTable(op.dom)) return GNTST_bad_domain; // "Could not find domain"
  if (ld !== DOMID_B || freeHandle(s) < 0) return GNTST_no_space; // "Failed to obtain maptrack handle"
  const g = tableG(s, op.dom);
  if (op.ref < 0 || op.ref >= g.length) return GNTST_bad_gntref; // "Bad ref"
  const e = g[op.ref]!, a = tableA(s, op.dom)[op.ref]!;
  const ro = (op.flags & GNTMAP_readonly) !== 0;
  if (a && (a.domid !== ld || a.is_sub_page)) return GNTST_general_error; // "Bad domain (%d != %d), or risk of counter overflow %08x, or subpage %d"
  if (!a || (!ro && writePins(a) === 0)) return setStatusCheck(e, versionOf(s, op.dom), a !== null && !pinnedTypeCheck, ro, true, ld);
  return GNTST_okay;
}

/** get_maptrack_handle: the lowest of dom0's `handles` maptrack entries neither in use nor held by a map inside _set_status_v2 (-1: none). */
export function freeHandle(s: S): number {
  // xenstored's entry (after the `handles`, with a reserved entry) is never handed out again
  const n = s.mt.length - (s.ga.length > s.fe.length ? 1 : 0);
  outer: for (let h = 0; h < n; h++) {
    if (s.mt[h] !== null) continue;
    for (const m of s.ms) if (m.h === h) continue outer;
    return h;
  }
  return -1;
}

/** Whether map_grant_ref calls _set_status: a first pin, or a first write pin. */
export const mapNeedsStatus = (a: ActiveEntry | null, flags: number): boolean => !a || ((flags & GNTMAP_readonly) === 0 && writePins(a) === 0);

/**
 * The effect of a successful map_grant_ref: a maptrack handle, the pins, the
 * status bits (set only for a first pin or a first write pin; `statusSet`: a
 * map whose _set_status_v2 ran in steps already set them, on the `handle` it
 * took first). Returns the handle.
 */
export function mapApply(d: W, s: S, ld: number, op: MapOp, drv: number, statusSet = false, handle = freeHandle(s)): number {
  const h = handle;
  const t = wa(d, op.dom);
  const e = (op.dom === DOMID_A ? s.ga : s.gb)[op.ref]!;
  const prev = (op.dom === DOMID_A ? s.aa : s.ab)[op.ref]!;
  const ro = (op.flags & GNTMAP_readonly) !== 0;
  if (!statusSet && mapNeedsStatus(prev, op.flags)) setBits(d, op.dom, op.ref, ro ? GTF_reading : GTF_reading | GTF_writing);
  // the pins are counted in place (a pinned entry keeps its object)
  const a = (t[op.ref] ?? (t[op.ref] = fresh(ld, e.frame, 0, PAGE, 0, -1, -1, versionOf(s, op.dom)))) as Draft<ActiveEntry>;
  if (op.flags & GNTMAP_host_map) ro ? a.hstr++ : a.hstw++;
  if (op.flags & GNTMAP_device_map) ro ? a.devr++ : a.devw++;
  d.mt[h] = { dom: op.dom, ref: op.ref, flags: op.flags, frame: a.frame, drv };
  return h;
}

/** unmap_grant_ref's check: GNTST_bad_handle for a handle that is not in use. */
export function unmapCheck(s: S, ld: number, h: number): number {
  if (ld !== DOMID_B || h < 0 || h >= s.mt.length || s.mt[h] === null) return GNTST_bad_handle; // "Bad d%d handle" / "Zero flags for d%d handle"
  return GNTST_okay;
}

/**
 * unmap_common(op), phase one of GNTTABOP_unmap_grant_ref: `parts` (the
 * GNTMAP_host_map part when host_addr is given, the GNTMAP_device_map part when
 * dev_bus_addr is) are taken off the maptrack entry, which is freed once
 * neither is left; the pins stay until unmap_common_complete (XSA-218).
 * Returns op->done (0: nothing to complete).
 */
export function unmapCommon(d: W, s: S, h: number, parts: number): number {
  const m = s.mt[h]!;
  const done = m.flags & parts & (GNTMAP_host_map | GNTMAP_device_map);
  if (!done) return 0;
  const left = m.flags & ~done;
  d.mt[h] = (left & (GNTMAP_host_map | GNTMAP_device_map)) === 0 ? null : { ...m, flags: left };
  return done | (m.flags & GNTMAP_readonly);
}

/** unmap_common_complete(op): drop the pins of what unmap_common did, then reduce_status_for_pin once (`s`: see {@link unpin}). */
export function unmapCommonComplete(d: W, dom: number, ref: number, done: number, s?: S): void {
  reduceStatusForPin(d, dom, ref, dropMapPins(d, dom, ref, done, s), (done & GNTMAP_readonly) !== 0);
}

/** act->pin -= GNTPIN_{dev,hst}{r,w}_inc for the parts in `done`; returns the active entry left (null: unpinned; `s`: see {@link unpin}). */
export function dropMapPins(d: W, dom: number, ref: number, done: number, s?: S): ActiveEntry | null {
  const a = wa(d, dom)[ref]!; // the draft: several unmaps may complete in one step
  const ro = (done & GNTMAP_readonly) !== 0;
  if (done & GNTMAP_host_map) ro ? a.hstr-- : a.hstw--;
  if (done & GNTMAP_device_map) ro ? a.devr-- : a.devw--;
  if (pinCount(a) > 0) return a;
  unpin(d, dom, ref, s);
  return null;
}

/**
 * The last pin of an entry is gone (act->pin == 0). G19's ghost goes with it:
 * an entry whose flags a failed v2 end cleared takes no new pin once unpinned
 * (_set_status checks the type of an unpinned entry), so the ghost would only
 * split states that every rule and property treats alike.
 *
 * `s`, when the caller has it: the state the rule runs on, whose `rv` and
 * `fe.length` are read instead of the draft's (on the packed path reading a
 * draft's field copies it and packs it again: checker/codec.ts lazyRootOf).
 * The same values: `fe`'s length is the parameters', and no rule writes
 * `rv[ref]` before it unpins `ref` in the same step (the writes of `rv` are
 * the granter's: a grant, an end, a rewrite, the ring's setup; none unpins).
 */
function unpin(d: W, dom: number, ref: number, s?: S): void {
  wa(d, dom)[ref] = null;
  if (dom !== DOMID_A) return;
  const rv = (s ?? d).rv;
  if (ref < rv.length && rv[ref] === RV_READONLY_REVOKED) d.rv[ref] = 0;
  forgetDeadEntry(d, ref, (s ?? d).fe.length, false);
}

/**
 * A data entry of A that is invalid (`GTF_invalid` type: a v2 end writes the
 * flags alone) and unpinned keeps its domid, frame and sub-page window in the
 * shared entry, but nothing reads them any more: an unpinned entry is checked
 * for its type before anything else (`_set_status`, `acquire_grant_for_copy`,
 * the re-read of a map in progress), every invariant reads a frame only of a
 * valid or pinned entry, and the next write of the entry (a grant, a hostile
 * granter's rewrite, set_version's wipe) replaces them. They go back to 0 as
 * in an entry never granted, so that states differing in them alone (a ref
 * released from page 1 or from page 2) are one state (issue 11: a quotient,
 * no verdict, observable or counterexample length changes). The status word
 * (v1: the flags word's bits) stays: Xen's. `pinned`: whether entry `r` is
 * pinned now (the caller knows it: the draft's active entries are not read).
 */
function forgetDeadEntry(d: W, r: number, nfe: number, pinned: boolean): void {
  if (r < 1 || r >= nfe) return; // the ring's entry and the reserved one (`nfe`: the length of `fe`, data refs and the ring's): their frames are fixed
  const e = d.ga[r]!;
  if (gtype(e) !== GTF_invalid || pinned || (e.domid === 0 && e.frame === 0 && e.page_off === 0 && e.length === 0)) return;
  d.ga[r] = { ...INVALID, flags: e.flags, status: e.status };
}

/** A whole GNTTABOP_unmap_grant_ref of every part of a handle, both phases (the driver's unmaps). */
export function unmapApply(d: W, s: S, h: number): void {
  const m = s.mt[h]!;
  const done = unmapCommon(d, s, h, GNTMAP_host_map | GNTMAP_device_map);
  unmapCommonComplete(d, m.dom, m.ref, done, s);
}

export interface CopyArgs {
  readonly dom: number;
  readonly ref: number;
  /** 1: GNTCOPY_dest_gref (the grant is written); 0: GNTCOPY_source_gref. */
  readonly w: number;
  readonly offset: number;
  readonly len: number;
}

/** One entry acquire_grant_for_copy pins: whether it sets the status bits, and the active entry it creates (null: already pinned). */
export interface CopyPin {
  readonly dom: number;
  readonly ref: number;
  readonly set: boolean;
  readonly act: ActiveEntry | null;
}

/** The result of acquire_grant_for_copy: a status, the entries pinned (outermost first), the window, the frames and the transitive hops. */
export interface Acquired {
  readonly status: number;
  readonly pins: readonly CopyPin[];
  readonly start: number;
  readonly length: number;
  readonly hops: number;
  /** *mfn: the frame Xen maps (act->mfn). */
  readonly frame: number;
  /** *page: the frame Xen took the page reference on (get_paged_frame on the shared entry's frame, or act->mfn). */
  readonly pf: number;
}

/**
 * An acquire that pins nothing, with its status: one frozen object per status, shared (copy_begin's guard
 * asks every copy choice in every state where no copy is in progress, and most are refused).
 */
const fail = (status: number): Acquired => FAILED.get(status) ?? newFail(status);
const FAILED = new Map<number, Acquired>();
function newFail(status: number): Acquired {
  const r: Acquired = Object.freeze({ status, pins: Object.freeze([]) as readonly CopyPin[], start: 0, length: 0, hops: 0, frame: -1, pf: -1 });
  FAILED.set(status, r);
  return r;
}


/** How acquire_grant_for_copy may depart from Xen's (the variants of examples/grant-xsa226.ts and grant-xsa500.ts). */
export interface AcquireVariant {
  /** XSA-226: transitive entries followed without the one-level and self-reference checks (cut after 3 levels). */
  readonly chain?: boolean;
  /** XSA-500: an already-pinned entry that needs a status update is not compared with its active entry. */
  readonly noPinnedCompare?: boolean;
  /** The fix of finding G19 (`setStatusPinned=checked`): _set_status checks the type and domid of an already pinned entry too. */
  readonly pinnedTypeCheck?: boolean;
}

/**
 * acquire_grant_for_copy(rd, gref, ldom, readonly, allow_transitive), as
 * Xen runs it: the type is read from the SHARED entry (the granter may have
 * rewritten it since the entry was pinned); a transitive entry is followed
 * with transitivity disallowed and may not refer to its own domain; after the
 * inner acquire, a pinned transitive entry whose active entry no longer
 * matches the shared one gives ERESTART (nothing is pinned; the guest
 * retries); an already-pinned plain entry that needs a status update is
 * compared with its active entry (frame, source, sub-page window: XSA-500);
 * one that does not is used through act->mfn, whose owner must be `rd`.
 */
export function acquireForCopy(s: S, rd: number, gref: number, ldom: number, ro: boolean, allowTransitive: boolean, v: AcquireVariant = {}, depth = 0, gb?: readonly GrantEntry[]): Acquired {
  if (!hasTable(rd)) return fail(GNTST_bad_domain);
  const g = tableG(s, rd, gb);
  if (gref < 0 || gref >= g.length) return fail(GNTST_bad_gntref); // "Bad grant reference"
  const e = g[gref]!, a = tableA(s, rd)[gref]!;
  const ver = versionOf(s, rd);
  if (a && a.domid !== ldom) return fail(GNTST_general_error); // "Bad domain (%d != %d), or risk of counter overflow"
  const needStatus = !a || (!ro && writePins(a) === 0);
  if (ver === 2 && gtype(e) === GTF_transitive) {
    if (needStatus) {
      const rc = setStatusCheck(e, ver, a !== null && !v.pinnedTypeCheck, ro, false, ldom);
      if (rc !== GNTST_okay) return fail(rc);
    }
    if (!v.chain && !allowTransitive) return fail(GNTST_general_error); // "transitive grant when transitivity not allowed"
    const td = e.trans_domid, tg = e.trans_gref;
    if (!v.chain && td === rd) return fail(GNTST_general_error); // "transitive grants cannot be self-referential"
    if (!hasTable(td)) return fail(GNTST_general_error); // "transitive grant referenced bad domain"
    if (depth >= 2) return { status: GNTST_okay, pins: [{ dom: rd, ref: gref, set: false, act: null }], start: 0, length: PAGE, hops: 3, frame: -1, pf: -1 }; // unbounded recursion (XSA-226)
    const inner = acquireForCopy(s, td, tg, rd, ro, false, v, depth + 1, gb);
    if (inner.status !== GNTST_okay) return inner;
    // "We dropped the lock, so we have to check that the grant didn't change"
    if (a && (a.frame !== inner.frame || a.start !== inner.start || a.length !== inner.length || a.trans_domid !== td || a.trans_gref !== tg || !a.is_sub_page))
      return fail(ERESTART);
    const act = a ?? fresh(ldom, inner.frame, inner.start, inner.length, 1, td, tg, ver);
    return {
      status: GNTST_okay, pins: [{ dom: rd, ref: gref, set: needStatus, act: a ? null : act }, ...inner.pins],
      start: act.start, length: act.length, hops: inner.hops + 1, frame: act.frame, pf: inner.pf,
    };
  }
  if (needStatus) {
    const rc = setStatusCheck(e, ver, a !== null && !v.pinnedTypeCheck, ro, false, ldom);
    if (rc !== GNTST_okay) return fail(rc);
    const sub = ver === 2 && (e.flags & GTF_sub_page) !== 0;
    const start = sub ? e.page_off : 0, length = sub ? e.length : PAGE;
    if (a && !v.noPinnedCompare &&
      (a.frame !== e.frame || a.trans_domid >= 0 || (a.is_sub_page && (!sub || a.start !== start || a.length !== length))))
      return fail(GNTST_general_error); // XSA-500: the shared entry no longer matches the active one
    const act = a ?? fresh(ldom, e.frame, start, length, sub ? 1 : 0, -1, -1, ver);
    return { status: GNTST_okay, pins: [{ dom: rd, ref: gref, set: true, act: a ? null : act }], start: act.start, length: act.length, hops: 0, frame: act.frame, pf: e.frame };
  }
  // pinned, no status change: the page is act->mfn's; its owner must be rd (a pinned transitive entry's is not)
  if (a!.trans_domid >= 0) return fail(GNTST_bad_domain);
  return { status: GNTST_okay, pins: [{ dom: rd, ref: gref, set: false, act: null }], start: a!.start, length: a!.length, hops: 0, frame: a!.frame, pf: a!.frame };
}

/**
 * gnttab_copy_one for one copy with a grant on one side (the other side is
 * the caller's own frame): a zero-length copy is GNTST_okay without touching
 * the grant; then the grant is acquired (gnttab_copy_claim_buf), and only
 * then gnttab_copy_buf checks the area: beyond the page GNTST_bad_copy_arg,
 * outside the grant's window GNTST_general_error (the grant is released
 * again: a refused copy leaves no trace).
 */
export function copyCheck(s: S, ld: number, op: CopyArgs, v: AcquireVariant = {}, gb?: readonly GrantEntry[]): Acquired {
  if (op.len === 0) return fail(GNTST_okay); // "if ( unlikely(!op->len) ) return GNTST_okay": nothing pinned
  const acq = acquireForCopy(s, op.dom, op.ref, ld, op.w === 0, true, v, 0, gb);
  if (acq.status !== GNTST_okay) return acq;
  if (op.offset < 0 || op.offset + op.len > PAGE) return fail(GNTST_bad_copy_arg); // "copy beyond page area"
  if (op.offset < acq.start || op.offset + op.len > acq.start + acq.length) return fail(GNTST_general_error); // "copy source/dest out of bounds"
  return acq;
}

/** Pins the entries of a successful acquire (status bits where acquire_grant_for_copy sets them) and records the copy in progress. */
export function copyBegin(d: W, s: S, ld: number, op: CopyArgs, acq: Acquired): void {
  if (acq.pins.length === 0) return; // zero-length
  for (const pin of acq.pins) {
    const t = wa(d, pin.dom);
    if (pin.set) setBits(d, pin.dom, pin.ref, op.w ? GTF_reading | GTF_writing : GTF_reading);
    if (pin.act) t[pin.ref] = { ...pin.act };
    const a = t[pin.ref]!;
    op.w ? a.cpw++ : a.cpr++;
  }
  d.cp.push({ by: ld, w: op.w, offset: op.offset, len: op.len, hops: acq.hops, pins: acq.pins.map((x) => ({ dom: x.dom, ref: x.ref })), frame: acq.frame, pf: acq.pf });
}

/** release_grant_for_copy on every pinned entry: drop the copy pin, reduce_status_for_pin (`s`: see {@link unpin}). */
export function releaseForCopy(d: W, dom: number, ref: number, w: number, s?: S): void {
  const t = wa(d, dom);
  const a = t[ref];
  if (!a) return;
  w ? a.cpw-- : a.cpr--;
  if (pinCount(a) === 0) unpin(d, dom, ref, s);
  reduceStatusForPin(d, dom, ref, t[ref] ?? null, !w);
}

/** The copy completes: release_grant_for_copy on every pinned entry, outermost first. */
export function copyEnd(d: W, s: S, i: number): void {
  const c = s.cp[i]!;
  for (const pin of c.pins) releaseForCopy(d, pin.dom, pin.ref, c.w, s);
  d.cp.splice(i, 1);
}

/** The model's A refs stand for Xen refs GNTTAB_NR_RESERVED_ENTRIES and up: Linux hands out refs from there (gnttab_init: gnttab_set_free(GNTTAB_NR_RESERVED_ENTRIES, ...)). */
export const GNTTAB_NR_RESERVED_ENTRIES = 8;
export const EINVAL = -22, EAGAIN = -11;

/** rgt->nr_v2_ops: A's pinned sub-page (and transitive) entries: v2 operations in progress. */
export const nrV2Ops = (s: S): number => count(s.aa, (a) => a !== null && a.is_sub_page === 1);

export const ERANGE = -34;

/** How gnttab_set_version may depart from Xen's (variants and tests). */
export interface SetVersionVariant {
  /** XSA-255: the v2 status frames freed while the guest maps them. */
  readonly freeMappedStatusFrames?: boolean;
  /** No -EAGAIN: the table leaves v2 with v2 operations (pinned sub-page or transitive entries) in progress. */
  readonly ignoreV2Ops?: boolean;
}

/**
 * gnttab_set_version on A's table: -EINVAL for a version other than 1 or 2;
 * nothing to do at the same version; -EBUSY while an entry at or above
 * GNTTAB_NR_RESERVED_ENTRIES is pinned (every model ref but the reserved
 * one: "except for the first 8 entries which are allowed to be in use
 * (xenstore/xenconsole keeps them mapped)"); leaving v2: -EAGAIN while v2
 * operations are in progress (nr_v2_ops: a pinned sub-page or transitive
 * entry, which can only be a reserved one then), -ERANGE for a reserved
 * entry v1 cannot represent (transitive; a frame above 32 bits is not
 * modelled), -EBUSY while the guest still maps a status frame
 * (gnttab_unpopulate_status_frames, the XSA-255 fix); otherwise the reserved
 * entries are kept and every other entry is wiped (clear_page).
 */
export function setVersionCheck(s: S, v: number, variant: SetVersionVariant = {}): number {
  if (v !== 1 && v !== 2) return EINVAL;
  if (v === s.gt_version) return GNTST_okay;
  for (let r = 0; r < s.fe.length; r++) if (s.aa[r] !== null) return EBUSY; // "some grant entries still in use"
  if (s.gt_version === 2) {
    if (nrV2Ops(s) > 0 && !variant.ignoreV2Ops) return EAGAIN; // "v2 operations still in progress"
    for (let r = s.fe.length; r < s.ga.length; r++) if (gtype(s.ga[r]!) === GTF_transitive) return ERANGE; // "non-representable entries"
    if (s.sf && !variant.freeMappedStatusFrames) return EBUSY; // gnttab_unpopulate_status_frames: a status frame still referenced (XSA-255)
  }
  return GNTST_okay;
}
/**
 * The effect of a successful gnttab_set_version: the reserved entries kept
 * ("Preserve the first 8 entries (toolstack reserved grants)": a v2
 * GTF_permit_access entry becomes v1 with its status bits in the flags word,
 * any other v2 entry is cleared; a v1 entry becomes v2 with Xen's bits in the
 * status word), every other entry and status word cleared, the new layout.
 */
export function setVersionApply(d: W, s: S, v: number): void {
  if (v === s.gt_version) return;
  for (let r = 0; r < s.ga.length; r++) {
    const e = s.ga[r]!;
    if (!isReserved(s, r)) d.ga[r] = INVALID;
    else if (v === 1) d.ga[r] = gtype(e) === GTF_permit_access ? { ...INVALID, flags: e.flags | e.status, domid: e.domid, frame: e.frame } : INVALID;
    else d.ga[r] = { ...INVALID, flags: e.flags & ~STATUS, domid: e.domid, frame: e.frame, status: e.flags & STATUS };
    // a reserved entry may stay pinned across the switch: its ghost version follows the table (G13 is about the others)
    if (isReserved(s, r) && s.aa[r] !== null) d.aa[r]!.v = v;
  }
  d.gt_version = v;
}

// --- the granter's grant-table API (Linux drivers/xen/grant-table.c)

/** gnttab_query_foreign_access(ref): the status word's reading|writing bits. */
export const gnttabQueryForeignAccess = (s: S, r: number): number => statusOf(s, DOMID_A, r);

/**
 * gnttab_end_foreign_access_ref(ref): v1 (gnttab_end_foreign_access_ref_v1):
 * a cmpxchg of the flags word to 0 that fails, keeping the entry as it is,
 * while GTF_reading|GTF_writing is set; v2 (_v2): `flags = 0; mb();` then
 * fail if the status word shows reading|writing (the flags alone are written:
 * domid and frame stay in the shared entry, where Xen's pinned path compares them).
 * Writes the draft; returns whether the end succeeded.
 */
export function gnttabEndForeignAccessRef(d: W, s: S, r: number): boolean {
  const busy = (statusOf(s, DOMID_A, r) & STATUS) !== 0;
  if (s.gt_version === 1) {
    if (!busy) d.ga[r] = INVALID;
  } else {
    // v2 writes the flags alone: domid and the frame stay in the shared entry, where Xen's pinned path (act->pin != 0)
    // compares them; flags already 0 (the deferred list's retry of a busy entry) leave the entry and the draft untouched
    if (s.ga[r]!.flags !== 0) d.ga[r] = { ...s.ga[r]!, flags: 0 };
    // a read-only grant revoked while pinned: GTF_readonly is gone from the flags Xen's pinned path reads (G19)
    if (busy && s.ga[r]!.flags & GTF_readonly && s.aa[r] !== null) d.rv[r] = RV_READONLY_REVOKED;
  }
  if (!busy) {
    d.rv[r] = 2; // the entry is cleared and was seen idle: no pin may follow (G17)
    forgetDeadEntry(d, r, s.fe.length, s.aa[r] !== null); // no rule pins or unpins before it ends a grant
  }
  return !busy;
}

/** Free a page: back to the allocator, where the kernel reuses it at once for unrelated data. */
function freePage(d: W, i: number): void {
  d.pg[i] = { held: 0, c: [SECRET, SECRET] };
}

/** Release a data ref after a successful end: gnttab_free_grant_reference + free the page. */
function releaseRef(d: W, s: S, r: number): void {
  const pgi = s.fe[r]!.page;
  if (pgi >= 0) freePage(d, pgi);
  d.fe[r] = FE0;
}

const KIND_GRANT: readonly { flags: number; payload: readonly number[] }[] = [
  { flags: GTF_permit_access | GTF_readonly, payload: [1, 1] },
  { flags: GTF_permit_access | GTF_readonly, payload: [1, 0] },
  { flags: GTF_permit_access | GTF_readonly | GTF_sub_page, payload: [1, 0] },
  { flags: GTF_permit_access, payload: [0, 0] },
  { flags: GTF_permit_access | GTF_readonly, payload: [1, 1] },
];

/**
 * Allocate a page for a grant (zeroed: `__GFP_ZERO`, the XSA-403 fix), write
 * the payload, and gnttab_grant_foreign_access_ref(ref, B, frame, readonly)
 * (v2: sub_page with page_off 0, length 1 for K_TX_SUB).
 */
export function grantPage(d: W, r: number, page: number, kind: number, zero: boolean, old: Page): void {
  const k = KIND_GRANT[kind]!;
  const c = [0, 1].map((i) => (k.payload[i] || zero ? DATA : old.c[i]!));
  d.pg[page] = { held: 1, c };
  const sub = (k.flags & GTF_sub_page) !== 0;
  d.ga[r] = { ...INVALID, flags: k.flags, domid: DOMID_B, frame: page, page_off: 0, length: sub ? 1 : 0, status: d.gt_version === 1 ? 0 : d.ga[r]!.status };
  d.rv[r] = 0;
  d.fe[r] = { st: kind === K_STICKY ? FE_S_ADD : FE_POSTED, page, kind };
  d.be[r]!.st = kind === K_STICKY ? BE_ADD : BE_REQ;
}

// --- choices (memoised per parameter record)

/**
 * The choices of a rule that cannot fire in a state (or at these parameters) whatever the choice: one list
 * for every state (test/choicesShared). A rule whose guard would refuse every choice is asked for none: the
 * search calls the guard once per choice and state, and the transitions are the same.
 */
const NO_CHOICES: readonly never[] = Object.freeze([]);

const range = (a: number, b: number): number[] => Array.from({ length: Math.max(0, b - a + 1) }, (_, i) => a + i);
/** Data refs 1..refs. */
export const dataRefs: (p: P) => number[] = perParams((p) => range(1, p.refs));
const hostile = (p: P): boolean => p.grantee === 'hostile';
/** The fix of finding G19 (`setStatusPinned=checked`): _set_status checks an already pinned entry's type and domid too. */
const pinnedChecked = (p: P): boolean => p.setStatusPinned === 'checked';
/** An acquire variant with the fix of finding G19 when the parameters ask for it. */
const acquireFor = (p: P, v: AcquireVariant = {}): AcquireVariant => (pinnedChecked(p) ? { ...v, pinnedTypeCheck: true } : v);
/** Properties that protect the granter (its pages, its own view of its grants) hold only for an honest one. */
const granterHonest = (p: P): boolean => p.granter !== 'hostile';
/** Copy windows the guests use: the first half and the whole page (the second half alone adds no new check: sub-page grants start at 0). */
const COPY_WINDOWS = [{ offset: 0, len: 1 }, { offset: 0, len: 2 }];
const HD = GNTMAP_host_map | GNTMAP_device_map;
const MAP_FLAGS_ALL = [GNTMAP_host_map | GNTMAP_readonly, GNTMAP_host_map, GNTMAP_device_map | GNTMAP_readonly, GNTMAP_device_map, HD | GNTMAP_readonly, HD];
const MAP_FLAGS_TWO = [GNTMAP_host_map | GNTMAP_readonly, GNTMAP_device_map];
const showFlags = (f: number): string =>
  [f & GNTMAP_host_map ? 'GNTMAP_host_map' : '', f & GNTMAP_device_map ? 'GNTMAP_device_map' : '', f & GNTMAP_readonly ? 'GNTMAP_readonly' : '']
    .filter(Boolean).join('|');

// --- frontend (granter) rules

export interface GrantChoice { r: number; kind: number }
/** The kinds the frontend may grant a data ref for. */
const grantKinds: (p: P) => number[] = perParams((p) => [K_TX_FULL, K_TX_PART, ...(p.subPage ? [K_TX_SUB] : []), K_RX, ...(p.cacheSize > 0 ? [K_STICKY] : [])]);
const stickyCount = (s: S): number => count(s.fe, (f) => f.st === FE_S_ADD || f.st === FE_STICKY || f.st === FE_S_BUSY || f.st === FE_S_DEL);

/** The first free data page (the page allocator's), -1 if none. */
function freePageIndex(s: S): number {
  for (let i = 1; i < s.pg.length; i++) if (s.pg[i]!.held === 0) return i;
  return -1;
}

/** The frontend's grant: alloc a page, write the payload, grant, and post the request (or ADD_GREF_MAPPING). `zero`: the page is zeroed first. */
export const grantChoices: (p: P) => GrantChoice[] = perParams((p) => dataRefs(p).flatMap((r) => grantKinds(p).map((kind) => ({ r, kind }))));
export const feGrant = (zero: boolean): R => ({
  name: 'fe_gnttab_grant_foreign_access_ref', actor: 'frontend',
  doc: 'alloc a page (zeroed), write the payload, gnttab_grant_foreign_access_ref(ref, backend, frame, readonly) and post the request; a sticky grant sends ADD_GREF_MAPPING instead',
  see: 'linux drivers/xen/grant-table.c gnttab_grant_foreign_access_ref; netfront xennet_start_xmit / xennet_alloc_rx_buffers; netif.h XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING',
  // none unless connected with a page free (the guard's tests of the state, not of the choice)
  choices: (s, p) => (granterHonest(p) && s.conn === CONN_UP && freePageIndex(s) >= 0 ? grantChoices(p) : NO_CHOICES),
  showChoice: (a: GrantChoice) => `ref ${a.r}, ${KIND_NAMES[a.kind]}`,
  when: (s, p, a: GrantChoice) => granterHonest(p) && s.conn === CONN_UP && s.fe[a.r]!.st === FE_FREE && (a.kind !== K_TX_SUB || s.gt_version === 2) &&
    freePageIndex(s) >= 0 && (a.kind !== K_STICKY || stickyCount(s) < p.cacheSize),
  then: (d, s, _p, a: GrantChoice) => {
    const page = freePageIndex(s);
    grantPage(d, a.r, page, a.kind, zero, s.pg[page]!);
  },
});

/**
 * The slot is done with its request (the response consumed, a failed ADD_GREF_MAPPING, a sticky grant out
 * of the cache): FE_DONE, the grant to be ended. The request's kind goes back to 0, as in a free slot:
 * `fe.kind` is read only while the request is on the ring (`be.st === BE_REQ`: netback's map, copy or
 * forward), and from FE_DONE the slot reaches BE_REQ again only through a new grant, which writes the kind
 * (FE_DONE -> FE_DEFER / FE_FREE -> fe_gnttab_grant_foreign_access_ref). A kind kept here would split every
 * later state by a value no rule, invariant or observable reads (a third of the states at refs=2).
 */
function feDone(d: W, r: number): void {
  d.fe[r]!.st = FE_DONE;
  d.fe[r]!.kind = 0;
}

/** The response for a request (or a sticky request) is consumed. */
export const feResponse: R = {
  name: 'fe_response', actor: 'frontend', doc: 'consume the response for a request on this ref',
  see: 'netfront xennet_tx_buf_gc / xennet_get_responses',
  choices: (_s, p) => dataRefs(p),
  when: (s, _p, r: number) => (s.be[r]!.st === BE_RSP_OK || s.be[r]!.st === BE_RSP_ERR) && (s.fe[r]!.st === FE_POSTED || s.fe[r]!.st === FE_S_BUSY),
  then: (d, s, _p, r: number) => {
    d.be[r]!.st = BE_IDLE;
    if (s.fe[r]!.st === FE_S_BUSY) d.fe[r]!.st = FE_STICKY;
    else feDone(d, r);
  },
};

/** gnttab_end_foreign_access_ref: on success release the ref and free the page; on failure keep both (netfront: "Grant still in use by backend domain", device broken, grant leaked). */
export const feEnd: R = {
  name: 'fe_gnttab_end_foreign_access_ref', actor: 'frontend',
  doc: 'gnttab_end_foreign_access_ref(ref): v2 flags = 0, mb(), fail if the status shows reading|writing; on success free the ref and the page',
  see: 'linux drivers/xen/grant-table.c gnttab_end_foreign_access_ref_v2; netfront 31185df7 (XSA-396)',
  choices: (_s, p) => dataRefs(p),
  when: (s, _p, r: number) => s.fe[r]!.st === FE_DONE,
  then: (d, s, _p, r: number) => {
    if (gnttabEndForeignAccessRef(d, s, r)) releaseRef(d, s, r);
  },
};

/** gnttab_end_foreign_access: try; on failure the ref and the page go on the deferred list, which holds a page reference (`holdPage`). */
export const feEndDeferred = (holdPage: boolean): R => ({
  name: 'fe_gnttab_end_foreign_access', actor: 'frontend',
  doc: 'gnttab_end_foreign_access(ref, page): try to end; on failure hand ref and page to the deferred list (which takes its own page reference) and drop the caller\'s',
  see: 'linux drivers/xen/grant-table.c gnttab_end_foreign_access, gnttab_add_deferred; 42baefac (CVE-2022-23041)',
  choices: (_s, p) => dataRefs(p),
  when: (s, _p, r: number) => s.fe[r]!.st === FE_DONE,
  then: (d, s, _p, r: number) => {
    if (gnttabEndForeignAccessRef(d, s, r)) releaseRef(d, s, r);
    else {
      d.fe[r]!.st = FE_DEFER;
      if (!holdPage) freePage(d, s.fe[r]!.page);
    }
  },
});

/** The deferred list's timer retries the end; on success it releases the ref and (if it holds it) the page. */
export const feDeferredRetry = (holdPage: boolean): R => ({
  name: 'fe_gnttab_handle_deferred', actor: 'frontend',
  doc: 'deferred-list timer: retry gnttab_end_foreign_access_ref; on success free the ref and the page',
  see: 'linux drivers/xen/grant-table.c gnttab_handle_deferred',
  choices: (_s, p) => dataRefs(p),
  when: (s, _p, r: number) => s.fe[r]!.st === FE_DEFER,
  then: (d, s, _p, r: number) => {
    if (!gnttabEndForeignAccessRef(d, s, r)) return;
    if (holdPage) releaseRef(d, s, r);
    else d.fe[r] = FE0;
  },
});

export const feAddResponse: R = {
  name: 'fe_ADD_GREF_MAPPING_response', actor: 'frontend',
  doc: 'ADD_GREF_MAPPING answered: cached (sticky) on success; on failure (all-or-nothing) the grant is ended like any other',
  see: 'netif.h XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING',
  choices: (_s, p) => dataRefs(p),
  when: (s, _p, r: number) => s.fe[r]!.st === FE_S_ADD && (s.be[r]!.st === BE_ADD_OK || s.be[r]!.st === BE_ADD_ERR),
  then: (d, s, _p, r: number) => {
    if (s.be[r]!.st === BE_ADD_OK) d.fe[r]!.st = FE_STICKY;
    else feDone(d, r);
    d.be[r]!.st = BE_IDLE;
  },
};

export const feStickyRequest: R = {
  name: 'fe_sticky_request', actor: 'frontend',
  doc: 'reuse a cached (sticky) grant: write new payload into its page and post a request naming the same ref',
  see: 'NetChannel2 sticky grants (seeds/002); blkif.h feature-persistent',
  choices: (_s, p) => dataRefs(p),
  when: (s, _p, r: number) => s.conn === CONN_UP && s.fe[r]!.st === FE_STICKY,
  then: (d, _s, _p, r: number) => {
    d.fe[r]!.st = FE_S_BUSY;
    d.be[r]!.st = BE_REQ;
  },
};

/** The frontend removes a sticky grant: DEL_GREF_MAPPING; it may end the grant only once the removal is acknowledged. */
export const feStickyDel: R = {
  name: 'fe_DEL_GREF_MAPPING', actor: 'frontend',
  doc: 'ask the backend to drop a cached grant (DEL_GREF_MAPPING); the grant stays sticky until acknowledged',
  see: 'netif.h XEN_NETIF_CTRL_TYPE_DEL_GREF_MAPPING',
  choices: (_s, p) => dataRefs(p),
  when: (s, _p, r: number) => s.conn === CONN_UP && s.fe[r]!.st === FE_STICKY,
  then: (d, _s, _p, r: number) => {
    d.fe[r]!.st = FE_S_DEL;
    d.be[r]!.st = BE_DEL;
  },
};

export const feDelAck: R = {
  name: 'fe_DEL_GREF_MAPPING_response', actor: 'frontend',
  doc: 'removal acknowledged: the backend has unmapped; the grant is now ended like any other',
  see: 'netif.h XEN_NETIF_CTRL_TYPE_DEL_GREF_MAPPING',
  choices: (_s, p) => dataRefs(p),
  when: (s, _p, r: number) => s.fe[r]!.st === FE_S_DEL && s.be[r]!.st === BE_DEL_ACK,
  then: (d, _s, _p, r: number) => {
    feDone(d, r);
    d.be[r]!.st = BE_IDLE;
  },
};

export const feBackendClosed: R = {
  name: 'fe_backend_closed', actor: 'frontend',
  doc: 'the backend has closed (it unmapped its cache): a sticky grant is no longer cached and is ended like any other',
  see: 'netfront netback_changed XenbusStateClosing; xennet_disconnect_backend',
  choices: (_s, p) => dataRefs(p),
  when: (s, _p, r: number) => (s.conn === CONN_BE_CLOSED || s.conn === CONN_CLOSED) && s.fe[r]!.st === FE_STICKY,
  then: (d, _s, _p, r: number) => {
    feDone(d, r);
  },
};

export const feEndRing: R = {
  name: 'fe_end_ring', actor: 'frontend',
  doc: 'the backend has unmapped the ring: gnttab_end_foreign_access_ref(tx-ring-ref); on success free the ring page',
  see: 'netfront xennet_disconnect_backend / xenbus_teardown_ring',
  when: (s) => s.conn === CONN_BE_CLOSED,
  then: (d, s) => {
    if (gnttabEndForeignAccessRef(d, s, 0)) {
      freePage(d, 0);
      d.conn = CONN_CLOSED;
    }
  },
};

export const feConnect: R = {
  name: 'fe_setup_ring', actor: 'frontend',
  doc: 'reconnect: allocate a zeroed ring page, grant it (tx-ring-ref) to the backend',
  see: 'netfront setup_netfront / xenbus_setup_ring',
  when: (s) => s.conn === CONN_CLOSED && s.pg[0]!.held === 0 && s.fe.every((f) => f.st !== FE_STICKY),
  then: (d, s) => {
    d.pg[0] = { held: 1, c: [DATA, DATA] };
    d.ga[0] = { ...INVALID, flags: GTF_permit_access, domid: DOMID_B, frame: 0, status: s.ga[0]!.status };
    d.rv[0] = 0;
    d.conn = CONN_RING_GRANTED;
  },
};

/** set_version's choices (the grant table versions), one list for every state (test/choicesShared). */
const GRANT_VERSIONS: readonly number[] = [1, 2];

export const feSetVersionRule = (variant: SetVersionVariant = {}): R => ({
  name: 'fe_GNTTABOP_set_version', actor: 'frontend',
  doc: 'between connections (a kexec into a kernel whose gnttab_need_v2() differs), or at any step for a hostile granter (racing every other operation): GNTTABOP_set_version; Xen refuses while an entry is pinned (-EBUSY) and otherwise wipes every entry',
  see: 'linux gnttab_request_version; xen/common/grant_table.c gnttab_set_version',
  choices: () => GRANT_VERSIONS,
  when: (s, p, v: number) => (s.conn === CONN_CLOSED || !granterHonest(p)) && v !== s.gt_version && s.ms.length === 0 && setVersionCheck(s, v, variant) === GNTST_okay,
  then: (d, s, _p, v: number) => setVersionApply(d, s, v),
});
export const feSetVersion: R = feSetVersionRule();

// --- backend (netback, honest driver code) rules

const TX = (k: number): boolean => k === K_TX_FULL || k === K_TX_PART || k === K_TX_SUB || k === K_STICKY;
const reqLen = (k: number): number => (k === K_TX_PART || k === K_TX_SUB ? 1 : 2);

export const beMap: R = {
  name: 'be_GNTTABOP_map_grant_ref', actor: 'backend',
  doc: 'netback maps a TX fragment (GNTMAP_host_map|GNTMAP_readonly) and records the handle or the per-element status',
  see: 'netback xenvif_tx_build_gops / gnttab_map_refs; XSA-367',
  choices: (_s, p) => dataRefs(p),
  when: (s, _p, r: number) => s.be[r]!.st === BE_REQ && s.be[r]!.c < 0 && TX(s.fe[r]!.kind) && !actLocked(s, DOMID_A, r),
  then: (d, s, p, r: number) => {
    const op = { dom: DOMID_A, ref: r, flags: GNTMAP_host_map | GNTMAP_readonly };
    const rc = mapCheck(s, DOMID_B, op, pinnedChecked(p));
    if (rc === GNTST_okay) Object.assign(d.be[r]!, { st: BE_MAPPED, h: mapApply(d, s, DOMID_B, op, 1), rc: 0 });
    else Object.assign(d.be[r]!, { st: BE_MAPFAIL, h: -1, rc });
  },
};

export const beCopy: R = {
  name: 'be_GNTTABOP_copy', actor: 'backend',
  doc: 'netback copies the request (TX: GNTCOPY_source_gref; RX: GNTCOPY_dest_gref, offset 0, the request length) and answers with its status',
  see: 'netback xenvif_tx_build_gops / xenvif_rx_copy_add; grant_table.h GNTTABOP_copy',
  choices: (_s, p) => dataRefs(p),
  when: (s, _p, r: number) => s.be[r]!.st === BE_REQ && s.be[r]!.c < 0 && !actLocked(s, DOMID_A, r),
  then: (d, s, p, r: number) => {
    const k = s.fe[r]!.kind;
    const acq = copyCheck(s, DOMID_B, { dom: DOMID_A, ref: r, w: k === K_RX ? 1 : 0, offset: 0, len: reqLen(k) }, acquireFor(p));
    if (acq.status === GNTST_okay && k === K_RX) d.pg[s.fe[r]!.page]!.c = [DATA, DATA];
    d.be[r]!.st = acq.status === GNTST_okay ? BE_RSP_OK : BE_RSP_ERR;
  },
};

/** Read through the mapping, unmap it and answer. `usesFailed` (XSA-367): also taken after a failed map. */
export const beUseMapping = (usesFailed: boolean): R => ({
  name: 'be_use_unmap_respond', actor: 'backend',
  doc: 'netback reads the fragment through its mapping, unmaps it (GNTTABOP_unmap_grant_ref with the handle) and answers NETIF_RSP_OKAY',
  see: 'netback xenvif_tx_submit / xenvif_idx_unmap, make_tx_response',
  choices: (_s, p) => dataRefs(p),
  when: (s, _p, r: number) => (s.be[r]!.st === BE_MAPPED || (usesFailed && s.be[r]!.st === BE_MAPFAIL)) && !actLocked(s, DOMID_A, r),
  then: (d, s, _p, r: number) => {
    const b = s.be[r]!;
    if (b.st === BE_MAPFAIL) d.bad = 1; // touches a page that was never mapped
    else unmapApply(d, s, b.h);
    Object.assign(d.be[r]!, { st: BE_RSP_OK, h: -1, rc: 0 });
  },
});

export const beRespondError: R = {
  name: 'be_respond_error', actor: 'backend',
  doc: 'a failed map is answered with XEN_NETIF_RSP_ERROR and never used or unmapped',
  see: 'netback xenvif_tx_check_gop (XSA-367 fix: respect gnttab_map_refs() status)',
  choices: (_s, p) => dataRefs(p),
  when: (s, _p, r: number) => s.be[r]!.st === BE_MAPFAIL,
  then: (d, s, _p, r: number) => {
    Object.assign(d.be[r]!, { st: BE_RSP_ERR, h: -1, rc: 0 });
  },
};

export const beCachedRequest: R = {
  name: 'be_cached_request', actor: 'backend',
  doc: 'a request on a cached (sticky) grant is served through the cached mapping: no map hypercall',
  see: 'NetChannel2 sticky grants; blkback persistent grants (get_persistent_gnt)',
  choices: (_s, p) => dataRefs(p),
  when: (s, _p, r: number) => s.be[r]!.st === BE_REQ && s.be[r]!.c >= 0,
  then: (d, _s, _p, r: number) => {
    d.be[r]!.st = BE_RSP_OK;
  },
};

const cacheCount = (s: S): number => count(s.be, (b) => b.c >= 0);
/** How many elements satisfy `f` (without the array `filter` would build). */
function count<T>(xs: readonly T[], f: (x: T) => boolean): number {
  let n = 0;
  for (const x of xs) if (f(x)) n++;
  return n;
}

export const beAdd: R = {
  name: 'be_ADD_GREF_MAPPING', actor: 'backend',
  doc: 'map the grant into the cache if the cache has room (all-or-nothing); answer OKAY or an error',
  see: 'netif.h XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING (XEN_NETIF_CTRL_STATUS_*)',
  choices: (_s, p) => dataRefs(p),
  when: (s, _p, r: number) => s.be[r]!.st === BE_ADD && !actLocked(s, DOMID_A, r),
  then: (d, s, p, r: number) => {
    const op = { dom: DOMID_A, ref: r, flags: GNTMAP_host_map | GNTMAP_readonly };
    if (cacheCount(s) < p.cacheSize && mapCheck(s, DOMID_B, op, pinnedChecked(p)) === GNTST_okay) {
      const h = mapApply(d, s, DOMID_B, op, 1);
      Object.assign(d.be[r]!, { st: BE_ADD_OK, c: h });
    } else d.be[r]!.st = BE_ADD_ERR;
  },
};

export const beDel: R = {
  name: 'be_DEL_GREF_MAPPING', actor: 'backend',
  doc: 'unmap a cached grant, drop it from the cache and acknowledge',
  see: 'netif.h XEN_NETIF_CTRL_TYPE_DEL_GREF_MAPPING',
  choices: (_s, p) => dataRefs(p),
  when: (s, _p, r: number) => s.be[r]!.st === BE_DEL && !actLocked(s, DOMID_A, r),
  then: (d, s, _p, r: number) => {
    const b = s.be[r]!;
    if (b.c >= 0) unmapApply(d, s, b.c);
    Object.assign(d.be[r]!, { st: BE_DEL_ACK, c: -1 });
  },
};

/** NetChannel2 receiver-side copy: forward a TX request to C through a transitive grant on B's table. */
export const beForward: R = {
  name: 'be_forward_transitive', actor: 'backend',
  doc: 'forward the request to domain C: write a GTF_transitive entry (trans_domid = frontend, trans_gref = ref) granted to C',
  see: 'Linux "xen/granttable: Support transitive grants"; NetChannel2 receiver-side copy (seeds/004)',
  choices: (_s, p) => dataRefs(p),
  when: (s, _p, r: number) => s.be[r]!.st === BE_REQ && s.be[r]!.c < 0 && TX(s.fe[r]!.kind) && freeTrans(s) >= 0,
  then: (d, s, _p, r: number) => {
    const t = freeTrans(s);
    d.gb[t] = { ...INVALID, flags: GTF_transitive, domid: DOMID_C, trans_domid: DOMID_A, trans_gref: r, status: s.gb[t]!.status };
    Object.assign(d.be[r]!, { st: BE_FWD, t });
  },
};
/** The first of B's entries that is invalid, unpinned and not netback's for a forward (-1: none). */
function freeTrans(s: S): number {
  for (let t = 0; t < s.gb.length; t++) if (gtype(s.gb[t]!) === GTF_invalid && s.ab[t] === null && hostileOwns(s, t)) return t;
  return -1;
}

export const beForwardDone: R = {
  name: 'be_forward_done', actor: 'backend',
  doc: 'C has finished its copy: end the transitive grant (it must be idle) and answer the frontend',
  see: 'NetChannel2 FINISH_PACKET; gnttab_end_foreign_access_ref on the transitive entry',
  choices: (_s, p) => dataRefs(p),
  when: (s, _p, r: number) => s.be[r]!.st === BE_FWD && (s.gb[s.be[r]!.t]!.status & (GTF_reading | GTF_writing)) === 0,
  then: (d, s, _p, r: number) => {
    const t = s.be[r]!.t;
    d.gb[t] = { ...INVALID, status: s.gb[t]!.status };
    Object.assign(d.be[r]!, { st: BE_RSP_OK, t: -1 });
  },
};

export const beDisconnect: R = {
  name: 'be_disconnect', actor: 'backend',
  doc: 'netback disconnects (XenbusStateClosing) once no request is in flight: it unmaps every cached grant and the ring',
  see: 'netback xenvif_disconnect_data / xenvif_unmap_frontend_data_rings; netif.h static grants',
  when: (s) => s.conn === CONN_UP && s.be.every((b, r) => b.st === BE_IDLE && (b.c < 0 || !actLocked(s, DOMID_A, r))),
  then: (d, s) => {
    s.be.forEach((b, r) => {
      if (b.c >= 0) {
        unmapApply(d, s, b.c);
        d.be[r]!.c = -1;
      }
    });
    if (s.ringh >= 0) {
      // the ring unmap is computed on the state after the cache unmaps: different handles and entries
      unmapApply(d, s, s.ringh);
    }
    d.ringh = -1;
    d.conn = CONN_BE_CLOSED;
  },
};

export const beConnect: R = {
  name: 'be_map_ring', actor: 'backend',
  doc: 'netback maps the ring (tx-ring-ref, GNTMAP_host_map) and connects; retried while the map fails',
  see: 'netback connect / xenbus_map_ring_valloc',
  when: (s, p) => s.conn === CONN_RING_GRANTED && mapCheck(s, DOMID_B, { dom: DOMID_A, ref: 0, flags: GNTMAP_host_map }, pinnedChecked(p)) === GNTST_okay,
  then: (d, s) => {
    d.ringh = mapApply(d, s, DOMID_B, { dom: DOMID_A, ref: 0, flags: GNTMAP_host_map }, 1);
    d.conn = CONN_UP;
  },
};

// --- the hostile grantee (dom0 outside its driver) and domain C

export interface RogueMap { ref: number; flags: number }
/** Whether a map of A's `ref` with `flags` runs _set_status_v2 in three steps (the hostile domain's, `maps` > 0, a v2 table, a first (write) pin). */
const mapInSteps = (s: S, p: P, a: RogueMap): boolean => p.maps > 0 && s.gt_version === 2 && mapNeedsStatus(s.aa[a.ref]!, a.flags);
export const rogueMapChoices: (p: P) => RogueMap[] = perParams((p) => range(1, p.refs).flatMap((ref) => (p.rogueFlags === 'all' ? MAP_FLAGS_ALL : MAP_FLAGS_TWO).map((flags) => ({ ref, flags }))));
export const rogueMap: R = {
  name: 'rogue_GNTTABOP_map_grant_ref', actor: 'hostile',
  doc: 'the hostile backend domain maps any frontend data grant, any way Xen accepts; a v2 map that sets the status (maps > 0) stops after _set_status_v2 read and checked the flags (the maptrack handle taken, the active entry locked)',
  see: 'grant_table.h GNTTABOP_map_grant_ref; grant_table.c map_grant_ref, _set_status_v2',
  // none while dom0 has no free maptrack handle (mapCheck's GNTST_no_space for every choice)
  choices: (s, p) => (hostile(p) && freeHandle(s) >= 0 ? rogueMapChoices(p) : NO_CHOICES),
  showChoice: (a: RogueMap) => `ref ${a.ref}, ${showFlags(a.flags)}`,
  when: (s, p, a: RogueMap) => hostile(p) && !actLocked(s, DOMID_A, a.ref) && mapCheck(s, DOMID_B, { dom: DOMID_A, ref: a.ref, flags: a.flags }, pinnedChecked(p)) === GNTST_okay &&
    (!mapInSteps(s, p, a) || s.ms.length < p.maps),
  then: (d, s, p, a: RogueMap) => {
    if (mapInSteps(s, p, a)) d.ms.push({ ref: a.ref, flags: a.flags, ph: 1, h: freeHandle(s) });
    else mapApply(d, s, DOMID_B, { dom: DOMID_A, ref: a.ref, flags: a.flags }, 0);
  },
};

const mapSlots: (p: P) => number[] = perParams((p) => range(0, p.maps - 1));
/** The maps inside _set_status_v2 at step `ph` (1: the flags read and checked, 2: the status written): the choices, names and guard of the rule that takes each its next step. */
const mapsInPhase = (ph: number): Pick<R, 'choices' | 'showChoice' | 'when'> => ({
  choices: (_s, p) => mapSlots(p),
  showChoice: (i: number) => `map ${i}`,
  when: (s, _p, i: number) => i < s.ms.length && s.ms[i]!.ph === ph,
});

/** _set_status_v2, second step of a map in progress: the status bits written, then smp_mb(). */
export const mapSetStatusRule: R = {
  name: 'GNTTABOP_map_set_status', actor: 'xen',
  doc: '_set_status_v2 of a map in progress, after its first read of the flags: *status |= GTF_reading (| GTF_writing for a writable map), then smp_mb() ("Make sure guest sees status update before checking if flags are still valid")',
  see: 'xen/common/grant_table.c _set_status_v2',
  ...mapsInPhase(1),
  then: (d, s, _p, i: number) => {
    const m = s.ms[i]!;
    setBits(d, DOMID_A, m.ref, m.flags & GNTMAP_readonly ? GTF_reading : GTF_reading | GTF_writing);
    d.ms[i]!.ph = 2;
  },
};

/**
 * _set_status_v2's re-read of the flags after smp_mb() and the rest of
 * map_grant_ref: if the granter changed the entry since the first read
 * (setStatusRecheck), the bits just set are cleared and the map fails
 * (GNTST_general_error, the handle given back); otherwise the frame is read
 * from the shared entry and the map completes. `noRecheck`: the re-read left
 * out (the variant of examples/grant-set-status-no-recheck.ts).
 */
export const mapRecheckRule = (variant: { noRecheck?: boolean } = {}): R => ({
  name: 'GNTTABOP_map_recheck', actor: 'xen',
  doc: '_set_status_v2 re-reads the flags after smp_mb(): an entry the granter changed since the first read (type, domid, GTF_sub_page, GTF_readonly; a pinned one: GTF_readonly) has the bits just set cleared and the map fails; otherwise map_grant_ref reads the frame and pins',
  see: 'xen/common/grant_table.c _set_status_v2 ("Unstable flags", "Unstable grant readonly flag"), map_grant_ref; grant_table.h (flags = 0; mb(); check status)',
  ...mapsInPhase(2),
  then: (d, s, p, i: number) => {
    const m = s.ms[i]!;
    const pinned = s.aa[m.ref] !== null;
    d.ms.splice(i, 1);
    if (!variant.noRecheck && setStatusRecheck(s.ga[m.ref]!, pinned && !pinnedChecked(p), (m.flags & GNTMAP_readonly) !== 0, true, DOMID_B) !== GNTST_okay) {
      setStatusUndo(d, DOMID_A, m.ref, pinned);
      return;
    }
    mapApply(d, s, DOMID_B, { dom: DOMID_A, ref: m.ref, flags: m.flags }, 0, true, m.h);
  },
});

/**
 * Whether Xen holds the active entry of `dom`'s `ref` for a map inside
 * _set_status_v2 (active_entry_acquire): other operations on the entry wait;
 * only the granter's writes to its shared entry go on.
 */
export const actLocked = (s: S, dom: number, ref: number): boolean => {
  if (dom !== DOMID_A) return false;
  for (const m of s.ms) if (m.ref === ref) return true;
  return false;
};
/** Whether any of a copy's pins is on a locked active entry. */
const pinsLocked = (s: S, pins: readonly { dom: number; ref: number }[]): boolean => {
  for (const x of pins) if (actLocked(s, x.dom, x.ref)) return true;
  return false;
};

export interface UnmapChoice { h: number; parts: number }
const UNMAP_PARTS = [GNTMAP_host_map, GNTMAP_device_map, GNTMAP_host_map | GNTMAP_device_map];
const showParts = (x: number): string => [x & GNTMAP_host_map ? 'host_addr' : '', x & GNTMAP_device_map ? 'dev_bus_addr' : ''].filter(Boolean).join('+');
export const rogueUnmapChoices: (p: P) => UnmapChoice[] = perParams((p) => range(0, p.handles - 1 + (p.reserved === 'racing' ? 1 : 0)).flatMap((h) => UNMAP_PARTS.map((parts) => ({ h, parts }))));
/** Whether a handle rogue_GNTTABOP_unmap_grant_ref's choices name is a mapping of the hostile domain's (or xenstored's). */
function hostileMapping(s: S, p: P): boolean {
  const n = p.handles + (p.reserved === 'racing' ? 1 : 0);
  for (let h = 0; h < n; h++) {
    const m = s.mt[h];
    if (m !== null && m !== undefined && (m.drv === 0 || m.drv === XENSTORED)) return true;
  }
  return false;
}
export const rogueUnmap: R = {
  name: 'rogue_GNTTABOP_unmap_grant_ref', actor: 'hostile',
  doc: 'the hostile domain unmaps one of its own mappings, whenever it likes, maybe only its host or only its device part: unmap_common (phase one: the maptrack entry loses those parts, freed once none is left; the pins stay)',
  see: 'xen/common/grant_table.c gnttab_unmap_grant_ref / unmap_common (op->host_addr, op->dev_bus_addr)',
  // with a hostile granter, dom0 may also unmap xenstored's mapping of the reserved entry (maptrack entry `handles`)
  // none while no handle the choices name maps for the hostile domain, or its unmaps in progress are as many as `unmaps`
  choices: (s, p) => (hostile(p) && (p.unmaps === 0 || s.um.length < p.unmaps) && hostileMapping(s, p) ? rogueUnmapChoices(p) : NO_CHOICES),
  showChoice: (a: UnmapChoice) => `handle ${a.h}, ${showParts(a.parts)}`,
  when: (s, p, a: UnmapChoice) => hostile(p) && s.mt[a.h] !== null && (s.mt[a.h]!.drv === 0 || s.mt[a.h]!.drv === XENSTORED) && (s.mt[a.h]!.flags & a.parts) === a.parts &&
    (p.unmaps === 0 || s.um.length < p.unmaps) && !actLocked(s, s.mt[a.h]!.dom, s.mt[a.h]!.ref),
  then: (d, s, p, a: UnmapChoice) => {
    const m = s.mt[a.h]!;
    const done = unmapCommon(d, s, a.h, a.parts);
    if (p.unmaps === 0) unmapCommonComplete(d, m.dom, m.ref, done, s);
    else d.um.push({ dom: m.dom, ref: m.ref, frame: m.frame, done });
  },
};

const pendingUnmapSlots: (p: P) => number[] = perParams((p) => range(0, p.unmaps - 1));
export const unmapCompleteRule: R = {
  name: 'GNTTABOP_unmap_complete', actor: 'xen',
  doc: 'the unmap hypercall flushes the TLB (gnttab_flush_tlb) and runs unmap_common_complete: the pins go, reduce_status_for_pin clears the status bits no pin justifies',
  see: 'xen/common/grant_table.c gnttab_unmap_grant_ref, unmap_common_complete',
  choices: (_s, p) => pendingUnmapSlots(p),
  showChoice: (i: number) => `unmap ${i}`,
  when: (s, _p, i: number) => i < s.um.length && !actLocked(s, s.um[i]!.dom, s.um[i]!.ref),
  then: (d, s, _p, i: number) => {
    const u = s.um[i]!;
    unmapCommonComplete(d, u.dom, u.ref, u.done, s);
    d.um.splice(i, 1);
  },
};

/**
 * A copy, and with `transWrites=late` the contents the hostile domain wrote into the entries of its
 * own table the copy reads (`as`: B's entry it copies through and, for a target in B's table, that
 * entry too), folded into the copy (`lateTrans`).
 */
export interface CopyChoice extends CopyArgs { by: number; as?: readonly TransChoice[] }
const showTrans = (a: TransChoice): string => `B:${a.t} -> ${DOM_NAMES[a.td]}:${a.tg} for ${DOM_NAMES[a.domid]}`;
const showCopy = (a: CopyChoice): string =>
  `${DOM_NAMES[a.by]} ${a.w ? 'GNTCOPY_dest_gref' : 'GNTCOPY_source_gref'} ${DOM_NAMES[a.dom]}:${a.ref} [${a.offset},${a.offset + a.len})` +
  (a.as ? ` (written first: ${a.as.map(showTrans).join(', ')})` : '');

/**
 * `transWrites=late`: the hostile domain's writes of its own transitive entries are not steps of their
 * own; a copy that reads such an entry reads any content the hostile domain could have written into it
 * (the entry keeps its cleared form, GTF_invalid with Xen's status bits). A quotient: the hostile domain
 * may write (or invalidate) an entry it owns, one netback does not use for a forward, at any step and
 * keeping the status word, and nothing but a copy's acquire (and the writes' own guards, and netback's
 * search for a free entry, which an invalid entry passes) reads those fields: no invariant, observable or
 * other rule does. States that differ only there are one class, reachable from each other by those
 * writes; the class's transitions are its members' (grant.md "Parameters and abstractions").
 */
const lateTrans = (p: P): boolean => p.transWrites === 'late' && hostile(p);
/** Whether B's entry t is the hostile domain's to write (netback does not use it for a forward). */
const hostileOwns = (s: S, t: number): boolean => {
  for (const b of s.be) if (b.t === t) return false;
  return true;
};
/**
 * B's table as a late copy reads it: the entries of `as` written (status kept). In an array and entries
 * reused by every call (copy_begin's guard asks for it per late choice and state): the acquire reads them
 * and keeps none (its pins and active entries take the numbers), and no caller holds one past its copy.
 */
function gbAs(s: S, as: readonly TransChoice[]): GrantEntry[] {
  const gb = GB_AS;
  gb.length = s.gb.length;
  for (let t = 0; t < s.gb.length; t++) gb[t] = s.gb[t]!;
  for (const a of as) {
    const e = (GB_AS_ENTRIES[a.t] ??= { ...INVALID });
    e.flags = GTF_transitive, e.domid = a.domid, e.frame = 0, e.page_off = 0, e.length = 0;
    e.trans_domid = a.td, e.trans_gref = a.tg, e.status = s.gb[a.t]!.status;
    gb[a.t] = e;
  }
  return gb;
}
const GB_AS: GrantEntry[] = [];
const GB_AS_ENTRIES: { -readonly [K in keyof GrantEntry]: GrantEntry[K] }[] = [];
/** Whether a late copy choice applies in `s`: every entry it writes is the hostile domain's, and a B target it does not write is not. */
function lateApplies(s: S, p: P, a: CopyChoice): boolean {
  if (!a.as) return !(lateTrans(p) && a.dom === DOMID_B && hostileOwns(s, a.ref));
  for (const x of a.as) if (!hostileOwns(s, x.t)) return false;
  const o = a.as[0]!;
  return !(a.as.length === 1 && o.td === DOMID_B && o.tg !== o.t && hostileOwns(s, o.tg));
}

/**
 * Whether an accepted source copy of the whole page leads where the copy of its first half leads: a
 * source copy (`w` 0) writes nothing of the granter's, and its length is read again only by
 * G4_copy_in_bounds against the window of the active entry it pinned last, which no rule changes while
 * the copy pins it. Where that window is the whole page, [0,2) and [0,1) acquire the same pins (the
 * acquire does not look at the area, and [0,1) is inside every window [0,2) passes), G4 holds for both,
 * and the two successors differ in `cp[].len` alone, which no rule reads: [0,1) is explored, [0,2) is
 * not. Where the window is smaller, [0,2) is kept: Xen refuses it (the rule is not enabled), and a variant
 * that lets it through shows as a G4 violation. A destination copy (`w` 1) is left out the same way where
 * its length changes nothing: copy_end writes DATA into [0, len) of the frame, and the second half is DATA
 * already (or the frame is no page of A's) and stays so while the copy pins the entry: an honest granter's
 * granted pages are zeroed (grantPage) and a page turns SECRET only when freed, which a pinned page is not
 * without violating page_never_freed_while_granted (the search stops there). With a hostile granter every
 * destination copy is kept (grant.md "Parameters and abstractions").
 */
function sameAsFirstHalf(s: S, p: P, a: CopyChoice, acq: Acquired): boolean {
  if (a.offset !== 0 || a.len !== PAGE || acq.pins.length === 0) return false;
  const last = acq.pins[acq.pins.length - 1]!;
  const act = last.act ?? (last.dom === DOMID_A ? s.aa : s.ab)[last.ref]!;
  if (act === null || act.start !== 0 || act.length !== PAGE) return false;
  if (a.w === 0) return true;
  // a destination: copy_end writes DATA into [0, len) of the frame; its second half is DATA already and stays so
  return granterHonest(p) && (last.dom !== DOMID_A || acq.frame < 0 || s.pg[acq.frame]!.c[1] === DATA);
}

export const copyChoices: (p: P) => CopyChoice[] = perParams((p) => {
  const out: CopyChoice[] = [];
  for (const w of [0, 1])
    for (const win of COPY_WINDOWS) {
      if (hostile(p)) {
        // the reserved entry too with reserved=racing (a hostile granter may make it a sub-page grant: a v2 operation for set_version)
        for (const ref of range(1, p.refs + (p.reserved === 'racing' ? 1 : 0))) out.push({ by: DOMID_B, dom: DOMID_A, ref, w, ...win });
        if (p.transTargets === 'any') for (const ref of range(0, p.transitive - 1)) out.push({ by: DOMID_B, dom: DOMID_B, ref, w, ...win });
      }
      for (const ref of range(0, p.transitive - 1)) out.push({ by: DOMID_C, dom: DOMID_B, ref, w, ...win });
    }
  if (!lateTrans(p)) return out;
  // transWrites=late: a copy through B's entry t also for every content the hostile domain may write there first
  const late: CopyChoice[] = [];
  for (const c of out) {
    late.push(c);
    if (c.dom !== DOMID_B) continue;
    for (const x of transChoices(p)) {
      if (x.t !== c.ref) continue;
      late.push({ ...c, as: [x] });
      if (x.td === DOMID_B && x.tg !== x.t) for (const y of transChoices(p)) if (y.t === x.tg) late.push({ ...c, as: [x, y] });
    }
  }
  return late;
});
/** Copies begun by the hostile domain (through A's grants or its own transitive grants) and by C (through B's transitive grants). `chain`: the XSA-226 acquire. */
export const copyBeginRule = (variant: AcquireVariant | boolean = {}): R => {
  const v: AcquireVariant = typeof variant === 'boolean' ? { chain: variant } : variant;
  return {
  name: 'GNTTABOP_copy_begin', actor: 'guest',
  doc: 'a copy starts: Xen acquires (pins) the grant, through one transitive level at most; by the hostile backend domain, or by C through a transitive grant',
  see: 'xen/common/grant_table.c gnttab_copy / acquire_grant_for_copy',
  // no choice while the copies in progress are as many as `copies` (the guard's first test): in most states
  // (a copy is in progress in 81% of grant refs=2 pages=2's) the guard was asked for each of the 20 choices
  choices: (s, p) => (s.cp.length >= p.copies ? NO_CHOICES : copyChoices(p)),
  showChoice: showCopy,
  when: (s, p, a: CopyChoice) => {
    if (s.cp.length >= p.copies || !lateApplies(s, p, a)) return false;
    const acq = copyCheck(s, a.by, a, acquireFor(p, v), a.as && gbAs(s, a.as));
    return acq.status === GNTST_okay && !pinsLocked(s, acq.pins) && !sameAsFirstHalf(s, p, a, acq);
  },
  // the acquire is computed again, not remembered from the guard: the packed path reuses one state object for
  // many states (codec.ts unpackReused), so a memo keyed on the object would depend on the checker's call order
  then: (d, s, p, a: CopyChoice) => copyBegin(d, s, a.by, a, copyCheck(s, a.by, a, acquireFor(p, v), a.as && gbAs(s, a.as))),
  };
};

const copySlots: (p: P) => number[] = perParams((p) => range(0, p.copies - 1));
export const copyEndRule: R = {
  name: 'GNTTABOP_copy_end', actor: 'xen',
  doc: 'a copy in progress completes: Xen moves the data and releases its pins (release_grant_for_copy)',
  see: 'xen/common/grant_table.c gnttab_copy / release_grant_for_copy',
  choices: (_s, p) => copySlots(p),
  showChoice: (i: number) => `copy ${i}`,
  when: (s, _p, i: number) => i < s.cp.length && !pinsLocked(s, s.cp[i]!.pins),
  then: (d, s, _p, i: number) => {
    const c = s.cp[i]!;
    const last = c.pins[c.pins.length - 1]!;
    // memcpy into the frame Xen mapped (act->mfn); a half that holds DATA already is not written: the draft's
    // pages are not read either (on the packed path a read copies them and packs them again, checker/codec.ts
    // lazyRootOf), and no rule writes them before this
    if (c.w && last.dom === DOMID_A && c.frame >= 0)
      for (let k = c.offset; k < c.offset + c.len; k++) if (s.pg[c.frame]!.c[k] !== DATA) d.pg[c.frame]!.c[k] = DATA;
    copyEnd(d, s, i);
  },
};

interface TransChoice { t: number; domid: number; td: number; tg: number }
const transChoices: (p: P) => TransChoice[] = perParams((p) => {
  const out: TransChoice[] = [];
  const any = p.transTargets === 'any';
  for (const t of range(0, p.transitive - 1))
    for (const domid of any ? [DOMID_C, DOMID_B] : [DOMID_C]) {
      for (const tg of range(1, p.refs)) out.push({ t, domid, td: DOMID_A, tg });
      if (any) for (const tg of range(0, p.transitive - 1)) out.push({ t, domid, td: DOMID_B, tg });
    }
  return out;
});
export const rogueTransitive: R = {
  name: 'rogue_grant_transitive', actor: 'hostile',
  doc: "the hostile domain writes a GTF_transitive entry in its own table (any grantee, any target), at any time",
  see: 'grant_table.h union grant_entry_v2 transitive',
  choices: (_s, p) => (lateTrans(p) ? lateTransChoices(p) : transChoices(p)),
  showChoice: (a: TransChoice) => (a.domid < 0 ? `B:${a.t} (any content: transWrites=late)` : showTrans(a)),
  when: (s, p, a: TransChoice) => {
    if (!hostile(p) || !hostileOwns(s, a.t)) return false;
    // transWrites=late: the writes are the copies' (lateTrans); one write per entry stays, a step to the same class
    if (a.domid < 0) return true;
    const e = s.gb[a.t]!;
    return !(gtype(e) === GTF_transitive && e.domid === a.domid && e.trans_domid === a.td && e.trans_gref === a.tg);
  },
  then: (d, s, _p, a: TransChoice) => {
    if (a.domid < 0) return; // transWrites=late: the entry keeps its cleared form (its class's)
    d.gb[a.t] = { ...INVALID, flags: GTF_transitive, domid: a.domid, trans_domid: a.td, trans_gref: a.tg, status: s.gb[a.t]!.status };
  },
};
/**
 * `transWrites=late`: one write per entry, which leaves the state as it is. The class of states a write
 * moves between has its members' transitions: with the hostile domain's writes as steps no member is a
 * deadlock (a write is always enabled in one of them), so the class is none either.
 */
const lateTransChoices: (p: P) => TransChoice[] = perParams((p) => range(0, p.transitive - 1).map((t) => ({ t, domid: -1, td: -1, tg: -1 })));

/**
 * A state's class under `transWrites=late`: every entry of B's the hostile domain owns (netback does not
 * forward through it) in its cleared form, Xen's status word kept. The late model's states are exactly
 * these (test/grantLateTrans).
 */
export function lateClassOf(s: S): S {
  let gb: GrantEntry[] | undefined;
  s.gb.forEach((e, t) => {
    if (!hostileOwns(s, t) || (e.flags === GTF_invalid && e.domid === 0 && e.frame === 0 && e.page_off === 0 && e.length === 0 && e.trans_domid === 0 && e.trans_gref === 0)) return;
    (gb ??= s.gb.slice())[t] = { ...INVALID, status: e.status };
  });
  return gb ? { ...s, gb } : s;
}
/**
 * `transWrites=late` as a declared refinement (model/core.ts `Refinement`): the faithful model is the
 * same parameters with `transWrites=steps`; its hidden steps are the hostile domain's writes and
 * invalidations of its own entries; before a step, at most one write per entry of B's (the folded
 * contents) or one invalidation (netback forwards only through an invalid entry: the late class's
 * cleared form) is needed.
 */
const grantRefinement = (p: P): Refinement<S, P> | undefined =>
  lateTrans(p)
    ? {
        params: { ...p, transWrites: 'steps' },
        abstract: (s) => lateClassOf(s),
        hidden: ['rogue_grant_transitive', 'rogue_end_transitive'],
        maxHidden: p.transitive,
        folds: "transWrites=late folds the hostile domain's writes of its own transitive entries into the copies",
      }
    : undefined;

const transEntries: (p: P) => number[] = perParams((p) => range(0, p.transitive - 1));
export const rogueEndTransitive: R = {
  name: 'rogue_end_transitive', actor: 'hostile',
  doc: 'the hostile domain invalidates one of its transitive entries (v2: flags = 0)',
  see: 'grant_table.h (invalidating an entry)',
  choices: (_s, p) => transEntries(p),
  when: (s, p, t: number) => hostile(p) && gtype(s.gb[t]!) !== GTF_invalid && hostileOwns(s, t),
  then: (d, s, _p, t: number) => {
    d.gb[t] = { ...INVALID, status: s.gb[t]!.status };
  },
};

// --- the hostile granter (domain A outside its driver)

export interface EntryChoice { r: number; flags: number; frame: number }
const ENTRY_SHAPES = [GTF_invalid, GTF_permit_access | GTF_readonly, GTF_permit_access, GTF_permit_access | GTF_readonly | GTF_sub_page];
/** What the hostile granter may write into the reserved entry: the toolstack's full-page grant of the xenstore page, a v2 sub-page grant of it, a v2 transitive grant (to C's empty table). */
const RESERVED_SHAPES = [GTF_permit_access, GTF_permit_access | GTF_sub_page, GTF_transitive];
const showEntry = (a: EntryChoice): string =>
  `ref ${a.r}: ${a.flags === GTF_invalid ? 'GTF_invalid' : a.flags === GTF_transitive ? 'GTF_transitive -> C:0' : [
    'GTF_permit_access', a.flags & GTF_readonly ? 'GTF_readonly' : '', a.flags & GTF_sub_page ? 'GTF_sub_page [0,1)' : ''].filter(Boolean).join('|') + ` frame ${a.frame}`}`;

export const granterWriteChoices: (p: P) => EntryChoice[] = perParams((p) => [
  ...range(1, p.refs).flatMap((r) => ENTRY_SHAPES.flatMap((flags) =>
    flags === GTF_invalid ? [{ r, flags, frame: 0 }] : range(0, p.pages).map((frame) => ({ r, flags, frame })))),
  ...(p.reserved === 'racing' ? RESERVED_SHAPES.map((flags) => ({ r: p.refs + 1, flags, frame: flags === GTF_transitive ? 0 : p.pages + 1 })) : []),
]);

/**
 * The granting domain writes one of its data entries, whatever state it is
 * in: any type (invalid, full-page read-only or writable, v2 sub-page) on any
 * of its frames, granted to dom0. Xen's status bits are not the granter's to
 * write: v2 keeps them in the status word, and a v1 write keeps them in the
 * flags word (a granter clearing them there only misleads itself).
 */
export const rogueGranterWrite: R = {
  name: 'rogue_granter_write_entry', actor: 'hostile-granter',
  doc: 'the granting domain rewrites a data entry (type, GTF_readonly, GTF_sub_page, frame) at any step, pinned or not',
  see: 'grant_table.h (the granter owns its grant table); XSA-500 (a pinned entry rewritten); grant_table.c acquire_grant_for_copy',
  // an honest granter writes no entry outside its driver: no choice (the guard refused each of them, 4.2M calls at refs=2 pages=2)
  choices: (_s, p) => (p.granter === 'hostile' ? granterWriteChoices(p) : NO_CHOICES),
  showChoice: showEntry,
  when: (s, p, a: EntryChoice) => {
    if (p.granter !== 'hostile' || (a.flags & GTF_sub_page && s.gt_version !== 2) || (a.flags === GTF_transitive && s.gt_version !== 2)) return false;
    const e = s.ga[a.r]!;
    return (e.flags & ~STATUS) !== a.flags || (a.flags !== GTF_invalid && (e.frame !== a.frame || e.domid !== DOMID_B));
  },
  then: (d, s, _p, a: EntryChoice) => {
    const e = s.ga[a.r]!;
    const sub = (a.flags & GTF_sub_page) !== 0;
    d.ga[a.r] = a.flags === GTF_invalid
      ? { ...INVALID, flags: s.gt_version === 1 ? e.flags & STATUS : 0, status: e.status }
      : a.flags === GTF_transitive
        ? { ...INVALID, flags: GTF_transitive, domid: DOMID_B, trans_domid: DOMID_C, trans_gref: 0, status: e.status }
        : { ...INVALID, flags: a.flags | (s.gt_version === 1 ? e.flags & STATUS : 0), domid: DOMID_B, frame: a.frame, page_off: 0, length: sub ? 1 : 0, status: e.status };
    if (a.r >= s.rv.length) return; // the reserved entry: no ghost (G17 is about the driver's refs)
    // then mb() and a read of the status, as grant_table.h asks of a granter invalidating an unused entry, or making a
    // writable one read-only "while checking !GTF_writing" (invalidating an in-use entry "cannot be done directly": no promise) (G17)
    const st = statusOf(s, DOMID_A, a.r);
    d.rv[a.r] = a.flags === GTF_invalid ? (st & STATUS ? 0 : 2) : a.flags & GTF_readonly && !(st & GTF_writing) ? 1 : 0;
  },
};

/** rogue_granter_status_frames' choices: 0 unmaps, 1 maps (one list for every state). */
export const UNMAP_MAP: readonly number[] = [0, 1];

/** The hostile granter maps or unmaps its v2 status frames (GNTTABOP_get_status_frames and its own page tables). */
export const rogueGranterStatusFrames: R = {
  name: 'rogue_granter_status_frames', actor: 'hostile-granter',
  doc: 'the granting domain maps its v2 status frames (GNTTABOP_get_status_frames), or unmaps them, at any step',
  see: 'grant_table.h GNTTABOP_get_status_frames; linux gnttab_map_frames_v2; XSA-255',
  choices: (_s, p) => (p.granter === 'hostile' ? UNMAP_MAP : NO_CHOICES),
  showChoice: (m: number) => (m ? 'map' : 'unmap'),
  when: (s, p, m: number) => p.granter === 'hostile' && s.sf !== m && (m === 0 || s.gt_version === 2),
  then: (d, _s, _p, m: number) => {
    d.sf = m;
  },
};

export const grantRules: readonly R[] = [
  feGrant(true), feResponse, feEnd, feEndDeferred(true), feDeferredRetry(true), feAddResponse, feStickyRequest, feStickyDel, feDelAck,
  feBackendClosed, feEndRing, feConnect, feSetVersion,
  beMap, beCopy, beUseMapping(false), beRespondError, beCachedRequest, beAdd, beDel, beForward, beForwardDone, beDisconnect, beConnect,
  rogueMap, mapSetStatusRule, mapRecheckRule(), rogueUnmap, unmapCompleteRule, copyBeginRule(), copyEndRule, rogueTransitive, rogueEndTransitive,
  rogueGranterWrite, rogueGranterStatusFrames,
];

// --- invariants

const valid = (e: GrantEntry): boolean => gtype(e) !== GTF_invalid;
/** Whether a live handle maps entry r of `dom` (allocation-free: invariants run on every new state). */
function hasHandleOn(s: S, dom: number, r: number): boolean {
  for (const m of s.mt) if (m !== null && m.dom === dom && m.ref === r) return true;
  return false;
}
function copyPins(c: CopyOp, dom: number, r: number): boolean {
  for (const x of c.pins) if (x.dom === dom && x.ref === r) return true;
  return false;
}
function hasCopyOn(s: S, dom: number, r: number): boolean {
  for (const c of s.cp) if (copyPins(c, dom, r)) return true;
  return false;
}
/**
 * The pins a state's live handles and copies account for on every entry of A
 * (entry r at 6r) and of B (entry r at 6(na + r)), as act->pin counts them:
 * host read, host write, device read, device write, copy read, copy write;
 * `lo`, and `hi` with the unmaps not yet completed. G6 and
 * pins_account_for_access read it for every entry: it is made once per state
 * (one pass over the maptrack, the unmaps and the copies; note8 finding 4:
 * they scanned them per entry and per invariant), for the last state asked
 * about. A state is a record nobody writes once the invariants see it (a
 * frozen immer state, or the plain record the packed path makes for each new
 * state), so the record itself is the key.
 */
const PIN_TABLE: { s: S | undefined; na: number; lo: Int32Array; hi: Int32Array } = { s: undefined, na: 0, lo: new Int32Array(0), hi: new Int32Array(0) };
/** The offset of entry `ref` of `dom` in a pin table (A's `na` entries, then B's, `n` in all), -1 outside them (no invariant asks about it). */
const pinOffset = (dom: number, ref: number, na: number, n: number): number =>
  dom === DOMID_A ? (ref >= 0 && ref < na ? 6 * ref : -1) : dom === DOMID_B ? (ref >= 0 && ref < n - na ? 6 * (na + ref) : -1) : -1;
function addPins(x: Int32Array, o: number, flags: number): void {
  const ro = (flags & GNTMAP_readonly) !== 0;
  if (flags & GNTMAP_host_map) x[o + (ro ? 0 : 1)]++;
  if (flags & GNTMAP_device_map) x[o + (ro ? 2 : 3)]++;
}
function pinTable(s: S): typeof PIN_TABLE {
  const t = PIN_TABLE;
  if (t.s === s) return t;
  const na = s.ga.length, n = na + s.gb.length;
  if (t.lo.length < 6 * n) (t.lo = new Int32Array(6 * n)), (t.hi = new Int32Array(6 * n));
  else t.lo.fill(0, 0, 6 * n), t.hi.fill(0, 0, 6 * n);
  const lo = t.lo, hi = t.hi;
  for (const m of s.mt) {
    if (m === null) continue;
    const o = pinOffset(m.dom, m.ref, na, n);
    if (o >= 0) addPins(lo, o, m.flags), addPins(hi, o, m.flags);
  }
  for (const u of s.um) {
    const o = pinOffset(u.dom, u.ref, na, n);
    if (o >= 0) addPins(hi, o, u.done);
  }
  for (const c of s.cp) {
    // a copy counts once on an entry, however often its pins name it (G5 says never twice)
    pins: for (let k = 0; k < c.pins.length; k++) {
      const x = c.pins[k]!, o = pinOffset(x.dom, x.ref, na, n);
      if (o < 0) continue;
      for (let j = 0; j < k; j++) if (c.pins[j]!.dom === x.dom && c.pins[j]!.ref === x.ref) continue pins;
      const f = o + (c.w ? 5 : 4);
      lo[f]++, hi[f]++;
    }
  }
  t.s = s;
  t.na = na;
  return t;
}
/** Whether an active entry's pins are within [lo, hi] at offset `o` of a pin table (no active entry: no pins). */
function pinsWithin(a: ActiveEntry | null, lo: Int32Array, hi: Int32Array, o: number): boolean {
  if (a === null) return lo[o] === 0 && lo[o + 1] === 0 && lo[o + 2] === 0 && lo[o + 3] === 0 && lo[o + 4] === 0 && lo[o + 5] === 0;
  return a.hstr >= lo[o]! && a.hstr <= hi[o]! && a.hstw >= lo[o + 1]! && a.hstw <= hi[o + 1]! &&
    a.devr >= lo[o + 2]! && a.devr <= hi[o + 2]! && a.devw >= lo[o + 3]! && a.devw <= hi[o + 3]! &&
    a.cpr >= lo[o + 4]! && a.cpr <= hi[o + 4]! && a.cpw >= lo[o + 5]! && a.cpw <= hi[o + 5]!;
}
/** Whether an unmap of `dom`'s `r` is between unmap_common and unmap_common_complete. */
function unmapPending(s: S, dom: number, r: number): boolean {
  for (const u of s.um) if (u.dom === dom && u.ref === r) return true;
  return false;
}

export const G1: Invariant<S, P> = {
  name: 'G1_only_named_grantee',
  description: "every map and copy pin on a frontend grant is held by the domain the entry names (dom0): C only reaches it through one transitive grant of dom0's",
  see: 'docs §4.10 G1; grant_table.c _set_status_v2 "Bad flags or dom"',
  holds: (s) => s.aa.every((a) => a === null || a.domid === DOMID_B) &&
    s.cp.every((c) => c.pins.every((x, i) => {
      const acquirer = i === 0 ? c.by : c.pins[i - 1]!.dom;
      const a = (x.dom === DOMID_A ? s.aa : s.ab)[x.ref];
      return !!a && a.domid === acquirer;
    })),
};
export const G2: Invariant<S, P> = {
  name: 'G2_readonly_respected',
  description: 'a GTF_readonly grant is never mapped writable nor used as a copy destination',
  see: 'docs §4.10 G2; grant_table.c "Attempt to write-pin a r/o grant entry"',
  holds: (s, p) => {
    if (!granterHonest(p)) return true;
    for (let r = 0; r < s.ga.length; r++) if (s.ga[r]!.flags & GTF_readonly && writePins(s.aa[r]!) !== 0) return false;
    return true;
  },
};
export const G3: Invariant<S, P> = {
  name: 'G3_subpage_transitive_never_mapped',
  description: 'no mapping refers to a sub-page grant or a transitive grant: they are only copied',
  see: 'docs §4.10 G3; grant_table.c map_grant_ref (mask |= GTF_sub_page, is_sub_page)',
  holds: (s) => s.mt.every((m) => {
    if (m === null) return true;
    const a = (m.dom === DOMID_A ? s.aa : s.ab)[m.ref];
    return m.dom === DOMID_A && !!a && a.is_sub_page === 0 && a.trans_domid < 0;
  }),
};
export const G4: Invariant<S, P> = {
  name: 'G4_copy_in_bounds',
  description: 'every copy in progress stays inside one page and inside the [page_off, page_off+length) window of a sub-page grant',
  see: 'docs §4.10 G4; grant_table.c gnttab_copy "copy beyond page area", "copy source/dest out of bounds"',
  holds: (s) => s.cp.every((c) => {
    if (c.offset < 0 || c.offset + c.len > PAGE) return false;
    const last = c.pins[c.pins.length - 1]!;
    const a = (last.dom === DOMID_A ? s.aa : s.ab)[last.ref];
    return !!a && c.offset >= a.start && c.offset + c.len <= a.start + a.length;
  }),
};
export const G5: Invariant<S, P> = {
  name: 'G5_transitive_one_level',
  description: 'every copy went through at most one transitive grant, never a grant of the same domain, never the same entry twice',
  see: 'docs §4.10 G5; XSA-226 (CVE-2017-12135); grant_table.c acquire_grant_for_copy',
  holds: (s) => s.cp.every((c) => {
    if (c.hops > 1) return false;
    const ps = c.pins;
    for (let i = 0; i < ps.length; i++) {
      if (i > 0 && ps[i]!.dom === ps[i - 1]!.dom) return false;
      for (let j = 0; j < i; j++) if (ps[j]!.dom === ps[i]!.dom && ps[j]!.ref === ps[i]!.ref) return false;
    }
    return true;
  }),
};
export const G6: Invariant<S, P> = {
  name: 'G6_status_tracks_pins',
  description: 'GTF_reading (GTF_writing) is set in the status word (v1: the flags word) whenever the grantee can read (write) the page: a live mapping, a copy in progress, or an unmap whose TLB flush and unmap_common_complete are still to come; and (v2, where only Xen writes the status) a bit is set only while a pin (or an unmap still to complete, or a map between _set_status_v2\'s status write and its re-read of the flags) justifies it',
  see: 'docs §4.10 G6; XSA-218, XSA-230; grant_table.c _set_status_v1/_v2, reduce_status_for_pin, unmap_common_complete, release_grant_for_copy',
  holds: (s, p) => {
    const pins = pinTable(s);
    for (let t = 0; t < 2; t++) {
      const dom = t === 0 ? DOMID_A : DOMID_B, g = t === 0 ? s.ga : s.gb, a = t === 0 ? s.aa : s.ab;
      for (let r = 0; r < g.length; r++) {
        if (dom === DOMID_A && versionOf(s, dom) === 1 && !granterHonest(p)) continue; // v1: the granter owns the flags word, bits included
        const st = statusOf(s, dom, r);
        const hi = pins.hi, o = 6 * (t === 0 ? r : pins.na + r);
        const write = hi[o + 1]! + hi[o + 3]! + hi[o + 5]! > 0, reach = write || hi[o]! + hi[o + 2]! + hi[o + 4]! > 0;
        if (reach && !(st & GTF_reading)) return false;
        if (write && !(st & GTF_writing)) return false;
        // v2: a bit is Xen's only while a pin, an unmap still to complete, or a map between its status write and its re-read
        // justifies it (the pins first: the unmaps and maps in progress are looked for only for a bit no pin justifies)
        if (versionOf(s, dom) === 2 && ((st & GTF_reading && pinCount(a[r]!) === 0) || (st & GTF_writing && writePins(a[r]!) === 0)) &&
          !unmapPending(s, dom, r) && !(dom === DOMID_A && statusWriteInFlight(s, r))) return false;
      }
    }
    return true;
  },
};
export const pinsAccount: Invariant<S, P> = {
  name: 'pins_account_for_access',
  description: "an active entry's pins (host, device, copy; read and write) are at least those of the live mappings and copies, and at most those plus the unmaps not yet completed",
  see: 'grant_table.c struct active_grant_entry (act->pin); map_grant_ref, unmap_common_complete, acquire/release_grant_for_copy',
  holds: (s) => {
    const pins = pinTable(s);
    for (let t = 0; t < 2; t++) {
      const g = t === 0 ? s.ga : s.gb, a = t === 0 ? s.aa : s.ab;
      for (let r = 0; r < g.length; r++) {
        if (!pinsWithin(a[r] ?? null, pins.lo, pins.hi, 6 * (t === 0 ? r : pins.na + r))) return false;
      }
    }
    return true;
  },
};
/** A map of A's `r` is between _set_status_v2's status write and its re-read. */
const statusWriteInFlight = (s: S, r: number): boolean => {
  for (const m of s.ms) if (m.ref === r && m.ph === 2) return true;
  return false;
};
export const G17: Invariant<S, P> = {
  name: 'G17_idle_status_is_final',
  description: "once the granter has cleared an entry (made it read-only) and, after mb(), read a status without GTF_reading and GTF_writing (without GTF_writing), Xen holds no pin (no write pin) on it until the granter writes it again; honest or hostile granter",
  see: 'grant_table.h "Invalidating an unused GTF_permit_access entry" (flags = 0; mb(); check status); grant_table.c _set_status_v2 (status write, smp_mb(), re-read of the flags), _set_status_v1 (cmpxchg); linux gnttab_end_foreign_access_ref_v2',
  holds: (s) => {
    for (let r = 0; r < s.rv.length; r++) {
      const v = s.rv[r]!, a = s.aa[r]!;
      if ((v === 2 && a !== null) || (v === 1 && writePins(a) !== 0)) return false;
    }
    return true;
  },
};
export const G19: Invariant<S, P> = {
  name: 'G19_readonly_grant_stays_readonly',
  description: "a grant the granter made read-only takes no write pin, also after a v2 end that failed (flags = 0 while the grantee held a read pin) took GTF_readonly out of the flags",
  see: 'grant_table.h GTF_readonly; linux gnttab_end_foreign_access_ref_v2 (flags = 0; mb()); grant_table.c _set_status_v2 (type and domid checked only if !act->pin, GTF_readonly on the flags as they are now), map_grant_ref, acquire_grant_for_copy',
  holds: (s, p) => {
    if (!granterHonest(p)) return true;
    for (let r = 1; r < s.rv.length; r++) if (s.rv[r] === RV_READONLY_REVOKED && writePins(s.aa[r]!) !== 0) return false;
    return true;
  },
};
export const G16: Invariant<S, P> = {
  name: 'G16_status_frames_freed_only_unmapped',
  description: "a v2 status frame is freed (the table left v2) only once the guest no longer maps it: no mapping of a freed Xen page survives a version change",
  see: 'XSA-255 (Xen 38bfcc16 "gnttab: don\'t blindly free status pages upon version change"); grant_table.c gnttab_unpopulate_status_frames',
  holds: (s) => s.gt_version === 2 || s.sf === 0,
};
export const G15: Invariant<S, P> = {
  name: 'G15_copy_frame_is_referenced_frame',
  description: 'every copy in progress reads or writes the frame Xen took its page (and writable type) reference on: the mfn and the page acquire_grant_for_copy hands back are the same',
  see: 'XSA-500 (CVE-2026-62428, Xen 61b0a59c); grant_table.c acquire_grant_for_copy, gnttab_copy_claim_buf',
  holds: (s) => s.cp.every((c) => c.frame === c.pf),
};
export const G7: Invariant<S, P> = {
  name: 'G7_end_only_when_idle',
  description: "a data ref the frontend has ended and released is idle: its entry is invalid and neither GTF_reading nor GTF_writing is set (but between a map's _set_status_v2 status write and its re-read of the flags, which then clears them)",
  see: 'docs §4.10 G7; XSA-396 (netfront 31185df7); grant_table.h "Invalidating an unused GTF_permit_access entry"',
  holds: (s, p) => {
    if (!granterHonest(p)) return true;
    for (let r = 1; r < s.fe.length; r++)
      if (s.fe[r]!.st === FE_FREE && (valid(s.ga[r]!) || ((statusOf(s, DOMID_A, r) & STATUS) !== 0 && !statusWriteInFlight(s, r)))) return false;
    return true;
  },
};
export const G8: Invariant<S, P> = {
  name: 'G8_no_use_after_end',
  description: 'after a successful end nothing uses the ref until it is granted again: no handle, copy or pin refers to a released ref',
  see: 'docs §4.10 G8; docs/misc/grant-tables.txt',
  holds: (s, p) => {
    if (!granterHonest(p)) return true;
    for (let r = 1; r < s.fe.length; r++) {
      if (s.fe[r]!.st !== FE_FREE) continue;
      if (s.aa[r] !== null || hasHandleOn(s, DOMID_A, r) || hasCopyOn(s, DOMID_A, r)) return false;
      for (const u of s.um) if (u.dom === DOMID_A && u.ref === r) return false;
    }
    return true;
  },
};
export const G9: Invariant<S, P> = {
  name: 'G9_page_held_while_granted',
  description: 'no page is freed or reused while a grant of it is valid or pinned (a failed end leaks the page, never frees it)',
  see: 'docs §4.10 G9; XSA-396, CVE-2022-23041 (42baefac)',
  holds: (s, p) => {
    if (!granterHonest(p)) return true;
    for (let r = 0; r < s.ga.length; r++) {
      const e = s.ga[r]!, a = s.aa[r];
      if ((valid(e) && s.pg[e.frame]!.held !== 1) || (a !== null && s.pg[a!.frame]!.held !== 1)) return false;
    }
    return true;
  },
};
export const G10: Invariant<S, P> = {
  name: 'G10_ref_not_recycled_while_live',
  description: 'a ref is not granted again (pointed at another page) while a previous use is live: the pins of an entry are on the page the entry grants',
  see: 'docs §4.10 G10',
  holds: (s, p) => {
    if (!granterHonest(p)) return true;
    for (let r = 0; r < s.ga.length; r++) {
      const a = s.aa[r];
      if (a !== null && valid(s.ga[r]!) && s.ga[r]!.frame !== a!.frame) return false;
    }
    return true;
  },
};
export const G11: Invariant<S, P> = {
  name: 'G11_backend_unmaps_its_mappings',
  description: "every mapping netback's driver created is accounted for by the ring, a request in progress or the sticky cache; none survive a disconnect",
  see: 'docs §4.10 G11; netback xenvif_disconnect_data; XSA-367',
  holds: (s) => {
    // The handles the driver owns are distinct driver handles, as many as there are: the same set.
    const owned = OWNED;
    owned.length = 0;
    if (s.ringh >= 0) owned.push(s.ringh);
    for (const b of s.be) {
      if (b.st === BE_MAPPED) owned.push(b.h);
      if (b.c >= 0) owned.push(b.c);
    }
    let drv = 0;
    for (const m of s.mt) if (m !== null && m.drv === 1) drv++;
    if (owned.length !== drv) return false;
    for (let i = 0; i < owned.length; i++) {
      const h = owned[i]!, m = s.mt[h];
      if (m === undefined || m === null || m.drv !== 1) return false;
      for (let j = 0; j < i; j++) if (owned[j] === h) return false;
    }
    return s.conn === CONN_UP || drv === 0;
  },
};
/** Scratch for G11 (the handles the driver owns). */
const OWNED: number[] = [];
/** No secret in [start, start+length) of a frame. */
function noSecret(s: S, frame: number, start: number, length: number): boolean {
  const c = s.pg[frame]!.c;
  for (let k = start; k < start + length; k++) if (c[k] === SECRET) return false;
  return true;
}
export const G12: Invariant<S, P> = {
  name: 'G12_no_secret_through_grant',
  description: 'no secret (unrelated kernel data) is readable through a grant: every half page reachable through a valid or pinned grant is payload or zero',
  see: 'docs §4.10 G12; XSA-403 (CVE-2022-33740, Linux 4491001c)',
  holds: (s, p) => {
    if (!granterHonest(p)) return true;
    for (let r = 0; r < s.ga.length; r++) {
      const e = s.ga[r]!, a = s.aa[r];
      const sub = (e.flags & GTF_sub_page) !== 0;
      if (valid(e) && !noSecret(s, e.frame, sub ? e.page_off : 0, sub ? e.length : PAGE)) return false;
      if (a !== null && !noSecret(s, a!.frame, a!.start, a!.length)) return false;
    }
    return true;
  },
};
export const G13: Invariant<S, P> = {
  name: 'G13_version_change_only_idle',
  description: 'no grant stays pinned across a grant-table version change: every pinned entry of the granter was pinned at the current version (Xen refuses set_version with -EBUSY while an entry at or above GNTTAB_NR_RESERVED_ENTRIES is pinned)',
  see: 'docs §4.10 G13; grant_table.c gnttab_set_version (-EBUSY, -EAGAIN); XSA-255, XSA-501',
  holds: (s) => {
    for (let r = 0; r < s.fe.length; r++) if (s.aa[r] !== null && s.aa[r]!.v !== s.gt_version) return false; // reserved entries may stay pinned
    return true;
  },
};
export const G18: Invariant<S, P> = {
  name: 'G18_no_v2_operation_at_v1',
  description: "no v2 operation is in progress on a v1 table: at version 1 no entry of the granter is pinned as a sub-page or transitive entry (nr_v2_ops is 0; gnttab_set_version refuses to leave v2 with -EAGAIN while it is not)",
  see: 'grant_table.c gnttab_set_version ("v2 operations still in progress", -EAGAIN), nr_v2_ops in acquire/release_grant_for_copy; XSA-268, XSA-501',
  holds: (s) => s.gt_version === 2 || nrV2Ops(s) === 0,
};
export const G14: Invariant<S, P> = {
  name: 'G14_ring_grant_lifecycle',
  description: 'the ring page is held while its grant is valid or mapped; the backend has the ring mapped exactly while connected; the ring grant is ended only after the backend unmapped it',
  see: 'docs §4.10 G14; netfront xennet_disconnect_backend, netback xenvif_unmap_frontend_data_rings',
  holds: (s, p) => !granterHonest(p) || (s.conn === CONN_UP) === (s.ringh >= 0) &&
    (s.conn !== CONN_CLOSED || (!valid(s.ga[0]!) && s.aa[0] === null)) &&
    ((!valid(s.ga[0]!) && s.aa[0] === null) || s.pg[0]!.held === 1),
};
export const pagesNotFreedWhilePinned: Invariant<S, P> = {
  name: 'page_never_freed_while_granted',
  description: 'no page is freed or reused while a mapping (or an unmap whose TLB flush is still to come) or a copy in progress refers to it',
  see: 'issue 5 property; CVE-2022-23041; XSA-218',
  holds: (s, p) => !granterHonest(p) || s.mt.every((m) => m === null || m.dom !== DOMID_A || s.pg[m.frame]!.held === 1) &&
    s.um.every((u) => u.dom !== DOMID_A || s.pg[u.frame]!.held === 1) &&
    s.cp.every((c) => c.frame < 0 || c.pins[c.pins.length - 1]!.dom !== DOMID_A || s.pg[c.frame]!.held === 1),
};
export const stickyCacheBound: Invariant<S, P> = {
  name: 'S1_sticky_cache_bounded',
  description: 'the backend never caches more sticky grants than the size it advertised (GET_GREF_MAPPING_SIZE)',
  see: 'netif.h XEN_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE; NetChannel2 sticky grants',
  holds: (s, p) => cacheCount(s) <= p.cacheSize,
};
const STICKY_STATES: readonly number[] = [FE_S_ADD, FE_STICKY, FE_S_BUSY, FE_S_DEL];
export const stickyUngrant: Invariant<S, P> = {
  name: 'S2_ungrant_acknowledged',
  description: 'a grant in the backend cache is still sticky for the frontend: the frontend ends or reuses it only after the backend acknowledged its removal',
  see: 'netif.h XEN_NETIF_CTRL_TYPE_DEL_GREF_MAPPING; seeds/002 "explicit un-grant operation"',
  holds: (s, p) => !granterHonest(p) || s.be.every((b, r) => b.c < 0 || STICKY_STATES.includes(s.fe[r]!.st)),
};
export const failedMapNeverUsed: Invariant<S, P> = {
  name: 'failed_map_never_used',
  description: 'every failed map is answered with an error and its (invalid) handle is never used',
  see: 'XSA-367 (CVE-2021-28038); netback "respect gnttab_map_refs()\'s return value"',
  holds: (s) => s.bad === 0 && s.be.every((b) => b.st !== BE_MAPFAIL || (b.h < 0 && b.rc !== GNTST_okay)),
};

export const grantInvariants = [G1, G2, G3, G4, G5, G6, G7, G8, G9, G10, G11, G12, G13, G14, G15, G16, G17, G18, G19, pinsAccount,
  pagesNotFreedWhilePinned, stickyCacheBound, stickyUngrant, failedMapNeverUsed] as const;

/**
 * The liveness half of the valid-end audit (2026-12-05). The model has no
 * terminal state (every state has a successor, so `deadlock` checks nothing),
 * and a hostile grantee may keep a mapping for ever: Xen has no revocation, and
 * Linux's gnttab_end_foreign_access then keeps the ref and the page on the
 * deferred list (`leaked_grants`). What must never happen is a state from which
 * the granter can no longer get its grants back whatever the grantee does: a
 * pin no unmap, copy end or map completion can drop (a pin leak of
 * XSA-224's kind), or a deferred ref whose end can never succeed
 * (gnttab_handle_deferred retrying for ever, the page stranded). So, AG EF:
 * from every reachable state a state is reachable where no data entry of the
 * granter is pinned (act->pin == 0 for every ref but the ring's and the
 * reserved one) and the deferred list is empty.
 */
export const G_granterReclaims: Goal<S, P> = {
  name: 'G20_granter_can_reclaim',
  description: "from every reachable state, a state is reachable where no data grant of the granter is pinned and its deferred list is empty (AG EF): no pin Xen cannot drop, no deferred page stranded",
  see: 'xen/common/grant_table.c unmap_common_complete, release_grant_for_copy (act->pin); linux drivers/xen/grant-table.c gnttab_handle_deferred',
  reached: (s) => {
    for (let r = 1; r < s.fe.length; r++) if (s.aa[r] !== null || s.fe[r]!.st === FE_DEFER) return false;
    return true;
  },
};

/**
 * Goal G21 (AG EF), the grantee's half of G20 (since 2026-12-06): from every
 * reachable state a state is reachable where netback, the honest grantee's
 * driver, is idle on every data ref (no request in flight, nothing in its
 * sticky cache) and holds no mapping but the ring's. Whatever the frontend,
 * the hostile domain or a hostile granter do, netback can get back to rest:
 * every request it took is answered (a failed map with
 * XEN_NETIF_RSP_ERROR, a forwarded one once C's copy ended) and every
 * mapping it made is unmapped. G20 does not see this: a request netback
 * never answers holds no pin of the granter.
 */
export const G_granteeIdles: Goal<S, P> = {
  name: 'G21_grantee_can_idle',
  description: 'from every reachable state, a state is reachable where netback is idle on every data ref, caches nothing and maps nothing but the ring (AG EF): every request it took is answered, every mapping it made is unmapped',
  see: 'linux drivers/net/xen-netback/netback.c xenvif_tx_check_gop, make_tx_response, xenvif_idx_unmap; netif.h XEN_NETIF_CTRL_TYPE_DEL_GREF_MAPPING',
  reached: (s) => {
    for (let r = 1; r < s.be.length; r++) if (s.be[r]!.st !== BE_IDLE || s.be[r]!.c >= 0) return false;
    for (let h = 0; h < s.mt.length; h++) if (h !== s.ringh && s.mt[h]?.drv === 1) return false;
    return true;
  },
};

export const grantObservables: readonly Observable<S, P>[] = [
  { name: 'pinned_entries', description: "the frontend driver's entries (the ring's and the data refs', not the reserved one) with pins at once", value: (s) => {
    let n = 0;
    for (let r = 0; r < s.fe.length; r++) if (s.aa[r] !== null) n++;
    return n;
  } },
  { name: 'leaked_grants', description: 'data refs the frontend could not end (failed end: leaked or deferred)', value: (s) => count(s.fe, (f) => f.st === FE_DEFER) },
  { name: 'cached_grants', description: 'sticky grants in the backend cache', value: (s) => cacheCount(s) },
];

// --- symmetry: data refs, data pages, map handles, transitive entries and copies are interchangeable

/** Renames data refs by `perm` (ref i+1 -> perm[i]+1) and relabels pages, handles, B's entries and copies canonically. */
export function renameGrantState(s: S, perm: readonly number[], p: P): S {
  const R = p.refs;
  const rr = (r: number): number => (r >= 1 && r <= R ? perm[r - 1]! + 1 : r);
  const inv = new Array<number>(R + 1);
  inv[0] = 0;
  for (let r = 1; r <= R; r++) inv[rr(r)] = r;
  // refs in the new order
  const order = inv; // order[newRef] = oldRef
  // B's transitive entries: by first use (forwarding slots in new ref order), then content
  const tUses: number[] = [];
  for (const o of order) tUses.push(s.be[o]!.t);
  for (const c of s.cp) for (const x of c.pins) if (x.dom === DOMID_B) tUses.push(x.ref);
  const tmap = firstUseRelabeling(s.gb.length, tUses, (t) => JSON.stringify([s.gb[t]!.flags, s.gb[t]!.domid, s.gb[t]!.trans_domid, s.gb[t]!.trans_domid === DOMID_A ? rr(s.gb[t]!.trans_gref) : -9, s.gb[t]!.status, s.ab[t] ? 1 : 0]));
  const rt = (t: number): number => (t >= 0 ? tmap[t]! : t);
  const rtarget = (td: number, tg: number): number => (td === DOMID_A ? rr(tg) : td === DOMID_B ? rt(tg) : tg);
  // pages: 0 fixed (ring); then by first use along new refs
  const pUses: number[] = [];
  for (const o of order) {
    pUses.push(s.fe[o]!.page);
    pUses.push(s.ga[o]!.frame); // an ended v2 entry keeps its frame (flags = 0 alone); an entry never granted has 0, the fixed ring page
    if (s.aa[o]) pUses.push(s.aa[o]!.frame);
  }
  const rogue = s.mt.filter((m): m is MapHandle => m !== null).map((m) => ({ m, k: JSON.stringify([rr(m.ref), m.flags, m.drv]) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  for (const { m } of rogue) pUses.push(m.frame);
  const ums = s.um.map((u) => ({ u, k: JSON.stringify([u.dom, u.dom === DOMID_A ? rr(u.ref) : -1, u.done]) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  for (const { u } of ums) pUses.push(u.frame);
  for (const c of s.cp) pUses.push(c.frame, c.pf);
  // the ring page and the xenstore page (after the data pages) are fixed
  const pmap = firstUseRelabeling(s.pg.length, pUses, (i) => JSON.stringify(s.pg[i]), hasReserved(p) ? [0, p.pages + 1] : [0]);
  const rp = (i: number): number => (i >= 0 ? pmap[i]! : i);
  // handles: ring, then driver slots in new ref order, then the others by content
  const hUses: number[] = [s.ringh];
  for (const o of order) hUses.push(s.be[o]!.h, s.be[o]!.c);
  const msSorted = s.ms.map((m) => ({ m, k: [rr(m.ref), m.flags, m.ph] })).sort((a, b) => a.k[0]! - b.k[0]! || a.k[1]! - b.k[1]! || a.k[2]! - b.k[2]!);
  for (const { m } of msSorted) hUses.push(m.h);
  const hmap = firstUseRelabeling(s.mt.length, hUses, (h) => {
    const m = s.mt[h];
    return m === null ? '~' : JSON.stringify([m.dom, m.dom === DOMID_A ? rr(m.ref) : rt(m.ref), m.flags, rp(m.frame), m.drv]);
  }, hasReserved(p) ? [p.handles] : []); // xenstored's maptrack entry (after the `handles`) is fixed
  const rh = (h: number): number => (h >= 0 ? hmap[h]! : h);
  const entry = (e: GrantEntry, frame: boolean): GrantEntry => ({
    flags: e.flags, domid: e.domid, frame: frame ? rp(e.frame) : e.frame, // as the shape's words: a page whatever the flags (an ended v2 entry keeps its frame)
    page_off: e.page_off, length: e.length,
    trans_domid: e.trans_domid, trans_gref: gtype(e) === GTF_transitive ? rtarget(e.trans_domid, e.trans_gref) : e.trans_gref,
    status: e.status,
  });
  const act = (a: ActiveEntry | null, frame: boolean): ActiveEntry | null => a === null ? null : {
    domid: a.domid, frame: frame ? rp(a.frame) : a.frame, start: a.start, length: a.length, is_sub_page: a.is_sub_page,
    trans_domid: a.trans_domid, trans_gref: a.trans_domid >= 0 ? rtarget(a.trans_domid, a.trans_gref) : a.trans_gref,
    hstr: a.hstr, hstw: a.hstw, devr: a.devr, devw: a.devw, cpr: a.cpr, cpw: a.cpw, v: a.v,
  };
  // the reserved entry (after the data refs) stays where it is
  const ga = [...order, ...range(R + 1, s.ga.length - 1)].map((o) => entry(s.ga[o]!, true));
  const aa = [...order, ...range(R + 1, s.ga.length - 1)].map((o) => act(s.aa[o]!, true));
  const gb = new Array<GrantEntry>(s.gb.length), ab = new Array<ActiveEntry | null>(s.gb.length);
  s.gb.forEach((e, t) => {
    gb[rt(t)] = entry(e, false);
    ab[rt(t)] = act(s.ab[t]!, false);
  });
  const mt = new Array<MapHandle | null>(s.mt.length).fill(null);
  s.mt.forEach((m, h) => {
    if (m) mt[rh(h)] = { dom: m.dom, ref: m.dom === DOMID_A ? rr(m.ref) : rt(m.ref), flags: m.flags, frame: rp(m.frame), drv: m.drv };
  });
  const pg = new Array<Page>(s.pg.length);
  s.pg.forEach((x, i) => {
    pg[rp(i)] = { held: x.held, c: [x.c[0]!, x.c[1]!] };
  });
  const cp = s.cp.map((c) => ({
    by: c.by, w: c.w, offset: c.offset, len: c.len, hops: c.hops,
    pins: c.pins.map((x) => ({ dom: x.dom, ref: x.dom === DOMID_A ? rr(x.ref) : rt(x.ref) })),
    frame: rp(c.frame), pf: rp(c.pf),
  })).sort((a, b) => {
    const ka = JSON.stringify(a), kb = JSON.stringify(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const fe = order.map((o) => ({ st: s.fe[o]!.st, page: rp(s.fe[o]!.page), kind: s.fe[o]!.kind }));
  const be = order.map((o) => {
    const b = s.be[o]!;
    return { st: b.st, h: rh(b.h), rc: b.rc, c: rh(b.c), t: rt(b.t) };
  });
  const um = s.um.map((u) => ({ dom: u.dom, ref: u.dom === DOMID_A ? rr(u.ref) : rt(u.ref), frame: rp(u.frame), done: u.done })).sort((a, b) => {
    const ka = JSON.stringify(a), kb = JSON.stringify(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const ms = msSorted.map(({ m }) => ({ ref: rr(m.ref), flags: m.flags, ph: m.ph, h: rh(m.h) }));
  const rv = order.map((o) => s.rv[o]!);
  return { gt_version: s.gt_version, sf: s.sf, conn: s.conn, ringh: rh(s.ringh), ga, aa, gb, ab, mt, cp, um, ms, rv, pg, fe, be, bad: s.bad };
}

export const grantCanonicalize = symmetryCanonicalizer<S, P>({ size: (p) => p.refs, rename: renameGrantState });

// --- the model

export const grant = defineModel<S, P>({
  views: grantViews,
  name: 'grant',
  description: 'grant table v1/v2 lifecycle as grant_table.c keeps it: frontend grants (full, sub-page, sticky), netback maps/copies, transitive copies by a third domain, Xen pins, status bits and checks, set_version with a reserved entry; honest or hostile grantee and granter',
  see: 'xen/include/public/grant_table.h; xen/common/grant_table.c; linux drivers/xen/grant-table.c; netif.h control ring; ../shared/docs/xen-protocols.md §4',
  params: grantParams,
  init: (p) => bootVersions(p).map((v) => grantInit(p, v)),
  rules: grantRules,
  invariants: grantInvariants,
  observables: grantObservables,
  goals: [G_granterReclaims, G_granteeIdles],
  canonicalize: grantCanonicalize,
  shape: grantShape,
  // grant.md "Finding: a read-only grant takes a write pin after a failed v2 end": Linux's v2 end writes flags = 0
  // alone, Xen's _set_status checks a pinned entry's GTF_readonly on the flags as they are now
  findings: ['G19_readonly_grant_stays_readonly'],
  refinement: grantRefinement,
  // docs/vectors.md "grant": the suite comes from the faithful graph without symmetry; at the check defaults
  // (refs=2 pages=2 since 2026-12-04) that is millions of states held whole, at one ref and one page 27,075
  vectorParams: { refs: 1, pages: 1 },
  checkAll: [
    {
      params: { setStatusPinned: 'xen' }, leaveOut: ['G19_readonly_grant_stays_readonly'],
      why: "today's Xen at the default bounds, every property but the finding G19 (the default run stops at it): the rest of the state space checked",
    },
  ],
});
