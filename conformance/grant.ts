/**
 * Grant vectors at the level of the grant-table API (docs/vectors.md, "grant").
 *
 * Each step of the `grant` model (one driver or hostile step) is recorded as
 * the grant-table operations it makes, in `args.ops`, and what they return, in
 * `expect.results` (one result per op, same order), followed by what the
 * operations leave in the tables: `expect.entries` (every entry of the
 * granter A, domid 1, and of dom0's own table B, domid 0: its `flags` (at v1
 * with Xen's GTF_reading/GTF_writing, which v1 keeps in the flags word), v2's
 * `status` bits and Xen's pin counts), `expect.maptrack` (dom0's map handles in
 * use) and `expect.version` (the version of A's table; B's is 2).
 *
 * A's refs 0..refs are the driver's (Linux hands them out from
 * GNTTAB_NR_RESERVED_ENTRIES); the vectors number them from 0. A's ref
 * refs+1, when there is one, is GNTTAB_RESERVED_XENSTORE (Xen's ref 1):
 * gnttab_set_version keeps it (and its pins) across a switch.
 *
 * Operations (`op`):
 * - `write_entry` {dom, ref, flags, domid, frame, page_off, length, trans_domid, trans_gref}:
 *   the granting guest writes a grant_entry_v2 (gnttab_grant_foreign_access_ref,
 *   the sub-page and transitive forms, or `flags = 0`). Result `{}`.
 * - `gnttab_end_foreign_access_ref` {dom, ref}: v1 a cmpxchg of the flags to 0
 *   that fails (the entry unchanged) while GTF_reading|GTF_writing is set; v2
 *   `flags = 0; mb();` then the status word. Result `{ended}`.
 * - `gnttab_query_foreign_access` {dom, ref}: result `{status}` (the bits).
 * - `GNTTABOP_map_grant_ref` {domid (the caller), dom, ref, flags (GNTMAP_*)}:
 *   result `{status}` and, on GNTST_okay, `{handle}` (the lowest free maptrack entry).
 *   Where the model lets the granter act inside _set_status_v2 (a v2 entry's
 *   first pin or first write pin), it is three calls:
 *   `GNTTABOP_map_grant_ref_begin` (same arguments: map_grant_ref up to
 *   _set_status_v2's first read and check of the flags, the maptrack handle
 *   taken; result `{status, map}`: the index of the map in progress),
 *   `GNTTABOP_map_grant_ref_set_status` {map} (`*status |= GTF_reading
 *   [| GTF_writing]; smp_mb();`, result `{status}`) and
 *   `GNTTABOP_map_grant_ref_end` {map} (the re-read of the flags and the rest
 *   of map_grant_ref; result `{status}` and, on GNTST_okay, `{handle}`).
 * - `GNTTABOP_unmap_grant_ref` {domid, handle, parts?}: result `{status}`; `parts`
 *   (`host_addr`, `dev_bus_addr`: which parts of the mapping are unmapped;
 *   both when absent). `GNTTABOP_unmap_grant_ref_begin` (unmap_common, result
 *   `{status, unmap}`: the index of the unmap in progress, absent when nothing
 *   was unmapped) and `GNTTABOP_unmap_grant_ref_end` {unmap} (the TLB flush and
 *   unmap_common_complete) split it where the model lets others act in between.
 * - `GNTTABOP_copy` {domid, dom, ref, dest, offset, len}: one whole copy (a
 *   zero-length copy is GNTST_okay and touches nothing; the grant is acquired
 *   before the area is checked)
 *   (GNTCOPY_dest_gref when `dest`), result `{status}`; `GNTTABOP_copy_begin`
 *   (pins, result `{status, copy}`: the index of the copy in progress) and
 *   `GNTTABOP_copy_end` {copy} (releases) split it where the model lets the
 *   granter act in between. Offsets and lengths are in units of half a page:
 *   PAGE_SIZE is 2.
 * - `GNTTABOP_set_version` {dom, version}: result `{status}`.
 * - `map_status_frames` / `unmap_status_frames` {dom}: the guest maps its v2
 *   status frames (GNTTABOP_get_status_frames and its page tables) or drops
 *   the mapping. Result `{}`.
 *
 * Status codes are Xen's names (`GNTST_okay`, `GNTST_general_error`, ...,
 * `EBUSY`, `EINVAL`, `EAGAIN` for set_version's errors, `ERESTART` for a copy
 * that must be retried). Steps that make no grant-table operation
 * (a ring response, a control message) have `ops: []`.
 *
 * Refusals the model's hostile grantee never attempts (its steps are only the
 * ones Xen accepts) are covered by probe boundaries: a refused call appended
 * to the shortest path to the first state where Xen refuses it.
 *
 * Every vector starts from the model's initial state (`init`): A's ref 0
 * (`tx-ring-ref`) granted to dom0 (GTF_permit_access, frame 0) and mapped by
 * dom0 with GNTMAP_host_map as handle 0; unless `params.reserved` is `none`,
 * A's ref refs+1 is the reserved GNTTAB_RESERVED_XENSTORE, granted to dom0
 * (frame pages+1) and mapped by xenstored in dom0's maptrack entry `handles`;
 * every other entry invalid; A's table at the version of `init.gt_version`.
 */
import type { Json } from './format.js';
import { registerHooks, type Boundary, type Obs, type Probe, type VectorHooks } from './hooks.js';
import {
  BE_MAPPED, DOMID_A, DOMID_B, DOMID_C, GNTMAP_device_map, GNTMAP_host_map, GNTMAP_readonly, GNTST_NAMES, GNTST_okay,
  GTF_permit_access, GTF_readonly, GTF_reading, GTF_sub_page, GTF_transitive, GTF_type_mask, GTF_writing, K_RX, K_TX_PART, K_TX_SUB,
  PAGE, copyCheck, freeHandle, mapCheck, setVersionCheck, statusOf, unmapCheck, writePins, type ActiveEntry, type GrantEntry, type GrantParams, type GrantState,
} from '../model/grant.js';

type S = GrantState;
type P = GrantParams;
type Op = Readonly<Record<string, Json>>;

export const gntstName = (rc: number): string => GNTST_NAMES[rc] ?? `GNTST_${rc}`;

export function flagNames(f: number): string[] {
  const out: string[] = [];
  const type = f & GTF_type_mask;
  if (type === GTF_permit_access) out.push('GTF_permit_access');
  else if (type === GTF_transitive) out.push('GTF_transitive');
  else if (type !== 0) out.push(`GTF_type_${type}`);
  if (f & GTF_readonly) out.push('GTF_readonly');
  if (f & GTF_reading) out.push('GTF_reading');
  if (f & GTF_writing) out.push('GTF_writing');
  if (f & GTF_sub_page) out.push('GTF_sub_page');
  return out;
}
export const statusNames = (st: number): string[] => [...(st & GTF_reading ? ['GTF_reading'] : []), ...(st & GTF_writing ? ['GTF_writing'] : [])];
export const mapFlagNames = (f: number): string[] =>
  [...(f & GNTMAP_device_map ? ['GNTMAP_device_map'] : []), ...(f & GNTMAP_host_map ? ['GNTMAP_host_map'] : []), ...(f & GNTMAP_readonly ? ['GNTMAP_readonly'] : [])];
const mapFlagsOf = (names: readonly Json[]): number =>
  (names.includes('GNTMAP_device_map') ? GNTMAP_device_map : 0) | (names.includes('GNTMAP_host_map') ? GNTMAP_host_map : 0) | (names.includes('GNTMAP_readonly') ? GNTMAP_readonly : 0);

/** Xen's act->pin as GNTPIN_* counts: copies count with the host pins (acquire_grant_for_copy). */
const pinOf = (a: ActiveEntry | null): Obs => ({
  hstr: a ? a.hstr + a.cpr : 0, hstw: a ? a.hstw + a.cpw : 0, devr: a ? a.devr : 0, devw: a ? a.devw : 0,
});

const domName = (dom: number): string => (dom === DOMID_A ? 'A' : dom === DOMID_B ? 'B' : `d${dom}`);

/** What the tables look like: every entry of A and B, the maptrack, the version. */
export function tablesObs(s: S): Obs {
  const entries: Record<string, Json> = {};
  const add = (dom: number, g: readonly GrantEntry[], a: readonly (ActiveEntry | null)[]): void =>
    g.forEach((e, r) => {
      entries[`${domName(dom)}:${r}`] = { flags: flagNames(e.flags), status: statusNames(e.status), pin: pinOf(a[r]!) };
    });
  add(DOMID_A, s.ga, s.aa);
  add(DOMID_B, s.gb, s.ab);
  // the maptrack entries in use: mappings, and the handles maps inside _set_status_v2 hold
  return { entries, maptrack: s.mt.filter((m) => m !== null).length + s.ms.length, version: s.gt_version };
}

const writeEntry = (dom: number, ref: number, e: GrantEntry): Op => ({
  op: 'write_entry', dom, ref, flags: flagNames(e.flags), domid: e.domid, frame: e.frame,
  page_off: e.page_off, length: e.length, trans_domid: e.trans_domid, trans_gref: e.trans_gref,
});
const endOp = (dom: number, ref: number): Op => ({ op: 'gnttab_end_foreign_access_ref', dom, ref });
const mapOp = (domid: number, dom: number, ref: number, flags: number): Op => ({ op: 'GNTTABOP_map_grant_ref', domid, dom, ref, flags: mapFlagNames(flags) });
const unmapOp = (domid: number, handle: number): Op => ({ op: 'GNTTABOP_unmap_grant_ref', domid, handle });
const partNames = (parts: number): string[] => [...(parts & GNTMAP_host_map ? ['host_addr'] : []), ...(parts & GNTMAP_device_map ? ['dev_bus_addr'] : [])];
const copyOp = (name: string, a: { by: number; dom: number; ref: number; w: number; offset: number; len: number }): Op =>
  ({ op: name, domid: a.by, dom: a.dom, ref: a.ref, dest: a.w === 1, offset: a.offset, len: a.len });

const idle = (st: number): boolean => (st & (GTF_reading | GTF_writing)) === 0;
const reqLen = (k: number): number => (k === K_TX_PART || k === K_TX_SUB ? 1 : 2);
const cacheCount = (s: S): number => s.be.filter((b) => b.c >= 0).length;

interface OpsResults { ops: Op[]; results: Obs[] }

/** The grant-table operations of one step, and their results, from the rule, its choice and the states before and after. */
export function grantOps(rule: string, pre: S, post: S, p: P, choice: unknown): OpsResults {
  const c = choice as any;
  const one = (op: Op, result: Obs): OpsResults => ({ ops: [op], results: [result] });
  const none: OpsResults = { ops: [], results: [] };
  switch (rule) {
    case 'fe_gnttab_grant_foreign_access_ref':
      return one(writeEntry(DOMID_A, c.r, post.ga[c.r]!), {});
    case 'fe_setup_ring':
      return one(writeEntry(DOMID_A, 0, post.ga[0]!), {});
    case 'fe_gnttab_end_foreign_access_ref':
    case 'fe_gnttab_end_foreign_access':
    case 'fe_gnttab_handle_deferred':
    case 'fe_end_after_query':
      return one(endOp(DOMID_A, c), { ended: idle(statusOf(pre, DOMID_A, c)) });
    case 'fe_end_ring':
      return one(endOp(DOMID_A, 0), { ended: idle(statusOf(pre, DOMID_A, 0)) });
    case 'fe_gnttab_query_foreign_access':
      return one({ op: 'gnttab_query_foreign_access', dom: DOMID_A, ref: c }, { status: statusNames(statusOf(pre, DOMID_A, c)) });
    case 'fe_GNTTABOP_set_version':
      return one({ op: 'GNTTABOP_set_version', dom: DOMID_A, version: c }, { status: gntstName(setVersionCheck(pre, c)) });
    case 'be_GNTTABOP_map_grant_ref': {
      const b = post.be[c]!;
      return one(mapOp(DOMID_B, DOMID_A, c, GNTMAP_host_map | GNTMAP_readonly),
        b.st === BE_MAPPED ? { status: 'GNTST_okay', handle: b.h } : { status: gntstName(b.rc) });
    }
    case 'be_GNTTABOP_copy': {
      const k = pre.fe[c]!.kind;
      const a = { by: DOMID_B, dom: DOMID_A, ref: c, w: k === K_RX ? 1 : 0, offset: 0, len: reqLen(k) };
      return one(copyOp('GNTTABOP_copy', a), { status: gntstName(copyCheck(pre, DOMID_B, a).status) });
    }
    case 'be_use_unmap_respond':
      return pre.be[c]!.st === BE_MAPPED ? one(unmapOp(DOMID_B, pre.be[c]!.h), { status: 'GNTST_okay' }) : none;
    case 'be_ADD_GREF_MAPPING': {
      if (cacheCount(pre) >= p.cacheSize) return none; // cache full: refused without a hypercall
      const op = { dom: DOMID_A, ref: c as number, flags: GNTMAP_host_map | GNTMAP_readonly };
      const rc = mapCheck(pre, DOMID_B, op);
      return one(mapOp(DOMID_B, DOMID_A, c, op.flags), rc === GNTST_okay ? { status: 'GNTST_okay', handle: post.be[c]!.c } : { status: gntstName(rc) });
    }
    case 'be_DEL_GREF_MAPPING':
      return pre.be[c]!.c >= 0 ? one(unmapOp(DOMID_B, pre.be[c]!.c), { status: 'GNTST_okay' }) : none;
    case 'be_forward_transitive': {
      const t = post.be[c]!.t;
      return one(writeEntry(DOMID_B, t, post.gb[t]!), {});
    }
    case 'be_forward_done': {
      const t = pre.be[c]!.t;
      return one(endOp(DOMID_B, t), { ended: idle(pre.gb[t]!.status) });
    }
    case 'be_disconnect': {
      const out: OpsResults = { ops: [], results: [] };
      for (const b of pre.be) if (b.c >= 0) { out.ops.push(unmapOp(DOMID_B, b.c)); out.results.push({ status: 'GNTST_okay' }); }
      if (pre.ringh >= 0) { out.ops.push(unmapOp(DOMID_B, pre.ringh)); out.results.push({ status: 'GNTST_okay' }); }
      return out;
    }
    case 'be_map_ring':
      return one(mapOp(DOMID_B, DOMID_A, 0, GNTMAP_host_map), { status: 'GNTST_okay', handle: post.ringh });
    case 'rogue_GNTTABOP_map_grant_ref': {
      const rc = mapCheck(pre, DOMID_B, { dom: DOMID_A, ref: c.ref, flags: c.flags });
      if (post.ms.length > pre.ms.length)
        return one({ ...mapOp(DOMID_B, DOMID_A, c.ref, c.flags), op: 'GNTTABOP_map_grant_ref_begin' }, { status: gntstName(rc), map: pre.ms.length });
      return one(mapOp(DOMID_B, DOMID_A, c.ref, c.flags), rc === GNTST_okay ? { status: 'GNTST_okay', handle: freeHandle(pre) } : { status: gntstName(rc) });
    }
    case 'GNTTABOP_map_set_status':
      return one({ op: 'GNTTABOP_map_grant_ref_set_status', map: c }, { status: 'GNTST_okay' });
    case 'GNTTABOP_map_recheck': {
      const h = pre.ms[c]!.h;
      return one({ op: 'GNTTABOP_map_grant_ref_end', map: c }, post.mt[h] !== null ? { status: 'GNTST_okay', handle: h } : { status: 'GNTST_general_error' });
    }
    case 'rogue_GNTTABOP_unmap_grant_ref': {
      const whole = p.unmaps === 0;
      const op = { op: whole ? 'GNTTABOP_unmap_grant_ref' : 'GNTTABOP_unmap_grant_ref_begin', domid: DOMID_B, handle: c.h, parts: partNames(c.parts) };
      return one(op, whole ? { status: gntstName(unmapCheck(pre, DOMID_B, c.h)) } : { status: gntstName(unmapCheck(pre, DOMID_B, c.h)), unmap: pre.um.length });
    }
    case 'GNTTABOP_unmap_complete':
      return one({ op: 'GNTTABOP_unmap_grant_ref_end', unmap: c }, { status: 'GNTST_okay' });
    case 'GNTTABOP_copy_begin':
      return one(copyOp('GNTTABOP_copy_begin', c), { status: gntstName(copyCheck(pre, c.by, c).status), copy: pre.cp.length });
    case 'GNTTABOP_copy_end':
      return one({ op: 'GNTTABOP_copy_end', copy: c }, { status: 'GNTST_okay' });
    case 'rogue_grant_transitive':
      return one(writeEntry(DOMID_B, c.t, post.gb[c.t]!), {});
    case 'rogue_end_transitive':
      return one(writeEntry(DOMID_B, c, post.gb[c]!), {});
    case 'rogue_granter_write_entry':
      return one(writeEntry(DOMID_A, c.r, post.ga[c.r]!), {});
    case 'rogue_granter_status_frames':
      return one({ op: c ? 'map_status_frames' : 'unmap_status_frames', dom: DOMID_A }, {});
    case 'fe_response': case 'be_respond_error': case 'be_cached_request': case 'fe_ADD_GREF_MAPPING_response':
    case 'fe_sticky_request': case 'fe_DEL_GREF_MAPPING': case 'fe_DEL_GREF_MAPPING_response': case 'fe_backend_closed':
      return none;
    default:
      return diffOps(pre, post);
  }
}

/**
 * A step of a rule this file does not know (a user's variant): the
 * operations read off the state change: entries rewritten (`write_entry`),
 * handles freed and taken (unmap, map), copies ended and begun. Refusals and
 * end results leave no trace in the state and are not recovered.
 */
function diffOps(pre: S, post: S): OpsResults {
  const out: OpsResults = { ops: [], results: [] };
  const key = (e: GrantEntry): string => JSON.stringify({ ...e, status: 0 });
  for (const [dom, a, b] of [[DOMID_A, pre.ga, post.ga], [DOMID_B, pre.gb, post.gb]] as const)
    b.forEach((e, r) => { if (key(e) !== key(a[r]!)) { out.ops.push(writeEntry(dom, r, e)); out.results.push({}); } });
  pre.mt.forEach((m, h) => { if (m !== null && post.mt[h] === null) { out.ops.push(unmapOp(DOMID_B, h)); out.results.push({ status: 'GNTST_okay' }); } });
  post.mt.forEach((m, h) => {
    if (m !== null && pre.mt[h] === null) { out.ops.push(mapOp(DOMID_B, m.dom, m.ref, m.flags)); out.results.push({ status: 'GNTST_okay', handle: h }); }
  });
  return out;
}

const observe = (rule: string, pre: S, post: S, p: P, choice: unknown): Obs => ({ results: grantOps(rule, pre, post, p, choice).results, ...tablesObs(post) });
const args = (rule: string, pre: S, p: P, choice: unknown, post: S): Obs => ({ ops: grantOps(rule, pre, post, p, choice).ops });

// --- probes: calls Xen refuses, which change nothing

const num = (u: Json | undefined): number => (typeof u === 'number' ? u : NaN);
const probeOp = (a: Obs): Obs => ((a.ops as readonly Obs[] | undefined)?.[0] ?? {});

function probeMap(s: S, _p: P, a: Obs): Obs {
  const o = probeOp(a);
  const rc = mapCheck(s, num(o.domid), { dom: num(o.dom), ref: num(o.ref), flags: mapFlagsOf((o.flags as Json[]) ?? []) });
  return { results: [{ status: gntstName(rc) }], ...tablesObs(s) };
}
function probeUnmap(s: S, _p: P, a: Obs): Obs {
  const o = probeOp(a);
  return { results: [{ status: gntstName(unmapCheck(s, num(o.domid), num(o.handle))) }], ...tablesObs(s) };
}
function probeCopy(s: S, _p: P, a: Obs): Obs {
  const o = probeOp(a);
  const acq = copyCheck(s, num(o.domid), { dom: num(o.dom), ref: num(o.ref), w: o.dest === true ? 1 : 0, offset: num(o.offset), len: num(o.len) });
  return { results: [{ status: gntstName(acq.status) }], ...tablesObs(s) };
}
function probeSetVersion(s: S, _p: P, a: Obs): Obs {
  return { results: [{ status: gntstName(setVersionCheck(s, num(probeOp(a).version))) }], ...tablesObs(s) };
}

const dataRefsOf = (s: S): number[] => s.fe.map((_, r) => r).filter((r) => r > 0); // the driver's refs (not the reserved entry after them)
const refused = (code: string) => (o: Obs): boolean => ((o.results as readonly Obs[])[0]!.status as string) === code;
const probe = (call: string, mk: (s: S, p: P) => Obs[], code: string): Probe<S, P> => ({
  call, actor: 'hostile', args: (s, p) => mk(s, p).map((op) => ({ ops: [op] })), hits: refused(code),
});
const copyArgs = (dom: number, ref: number, dest: boolean, offset: number, len: number): Obs =>
  ({ op: 'GNTTABOP_copy', domid: DOMID_B, dom, ref, dest, offset, len });

const lastResult = (o: Obs): Obs | undefined => {
  const r = o.results as readonly Obs[] | undefined;
  return r && r.length ? r[r.length - 1] : undefined;
};
const edge = (name: string, reason: string, rules: readonly string[], pred: (r: Obs) => boolean): Boundary<S, P> => ({
  name, reason, hits: (x) => rules.includes(x.rule) && !!lastResult(x.obs) && pred(lastResult(x.obs)!),
});
const ENDS = ['fe_gnttab_end_foreign_access_ref', 'fe_gnttab_end_foreign_access', 'fe_gnttab_handle_deferred'];

export const grantBoundaries: readonly Boundary<S, P>[] = [
  edge('end-ok', 'gnttab_end_foreign_access_ref of an idle grant: ended', ENDS, (r) => r.ended === true),
  edge('end-refused-pinned', 'gnttab_end_foreign_access_ref while dom0 holds a mapping: not ended (GTF_reading set)', ['fe_gnttab_end_foreign_access_ref'], (r) => r.ended === false),
  edge('end-deferred', 'gnttab_end_foreign_access while mapped: the end fails, ref and page go to the deferred list', ['fe_gnttab_end_foreign_access'], (r) => r.ended === false),
  edge('deferred-retry-ok', 'the deferred list retries the end once the grantee unmapped: ended', ['fe_gnttab_handle_deferred'], (r) => r.ended === true),
  edge('map-ok', 'GNTTABOP_map_grant_ref of a read-only grant with GNTMAP_host_map|GNTMAP_readonly: GNTST_okay and a handle', ['be_GNTTABOP_map_grant_ref'], (r) => r.status === 'GNTST_okay'),
  edge('map-refused-sub-page', 'GNTTABOP_map_grant_ref of a GTF_sub_page grant: GNTST_general_error (sub-page grants are only copied)', ['be_GNTTABOP_map_grant_ref'], (r) => r.status === 'GNTST_general_error'),
  edge('map-no-space', 'GNTTABOP_map_grant_ref with every maptrack handle in use: GNTST_no_space', ['be_GNTTABOP_map_grant_ref', 'be_ADD_GREF_MAPPING'], (r) => r.status === 'GNTST_no_space'),
  edge('map-device-writable', 'GNTTABOP_map_grant_ref with GNTMAP_device_map (writable) of a writable grant: GNTST_okay, GTF_writing set', ['rogue_GNTTABOP_map_grant_ref'], (r) => r.status === 'GNTST_okay'),
  edge('map-recheck-ok', "a v2 map's _set_status_v2 re-reads unchanged flags after smp_mb(): GNTST_okay, the handle taken at the start", ['GNTTABOP_map_recheck'], (r) => r.status === 'GNTST_okay'),
  edge('map-recheck-unstable', "the granter ended (flags = 0) its v2 entry between a map's first read of the flags and its status write: the re-read after smp_mb() fails the map (\"Unstable flags\"), the status bits it set are cleared and the handle given back", ['GNTTABOP_map_recheck'], (r) => r.status === 'GNTST_general_error'),
  edge('copy-dest-ok', 'GNTTABOP_copy into a writable grant (GNTCOPY_dest_gref): GNTST_okay', ['be_GNTTABOP_copy'], (r) => r.status === 'GNTST_okay'),
  {
    name: 'copy-transitive', reason: 'domain C copies through dom0\'s GTF_transitive grant: both entries pinned',
    hits: (x) => x.rule === 'GNTTABOP_copy_begin' && (x.choice as { by?: number } | undefined)?.by === DOMID_C && lastResult(x.obs)?.status === 'GNTST_okay',
  },
  edge('set-version', 'GNTTABOP_set_version while no grant is pinned: GNTST_okay, every entry wiped', ['fe_GNTTABOP_set_version'], (r) => r.status === 'GNTST_okay'),
  {
    name: 'set-version-wipes-valid', reason: 'GNTTABOP_set_version with a valid but unpinned entry: GNTST_okay (only pinned entries make -EBUSY), the entry wiped',
    hits: (x) => x.rule === 'fe_GNTTABOP_set_version' && x.pre.ga.some((e) => (e.flags & GTF_type_mask) !== 0) && lastResult(x.obs)?.status === 'GNTST_okay',
  },
  {
    name: 'unmap-two-phases', reason: 'GNTTABOP_unmap_grant_ref between unmap_common and unmap_common_complete: the handle is free, the pins and GTF_reading stay',
    hits: (x) => x.rule === 'rogue_GNTTABOP_unmap_grant_ref' && x.post.um.length > x.pre.um.length,
  },
  {
    name: 'unmap-partial', reason: 'GNTTABOP_unmap_grant_ref of one part of a writable host+device mapping: the handle keeps the other part',
    hits: (x) => x.rule === 'rogue_GNTTABOP_unmap_grant_ref' && x.post.mt.filter((m) => m !== null).length === x.pre.mt.filter((m) => m !== null).length &&
      x.pre.mt.some((m) => m !== null && (m.flags & GNTMAP_readonly) === 0 && (m.flags & GNTMAP_host_map) !== 0 && (m.flags & GNTMAP_device_map) !== 0),
    params: (p) => ({ ...p, refs: 1, pages: 1, rogueFlags: 'all', cacheSize: 0, transitive: 0, copies: 0, subPage: false }),
  },
  {
    name: 'copy-end-keeps-device-write', reason: 'a copy into the grant ends while a writable device mapping of it remains: GTF_writing stays (reduce_status_for_pin counts device write pins: XSA-230)',
    hits: (x) => x.rule === 'GNTTABOP_copy_end' && x.pre.cp.some((c) => c.w === 1 && c.pins.some((q) => q.dom === DOMID_A && (x.post.aa[q.ref]?.devw ?? 0) > 0)),
    params: (p) => ({ ...p, refs: 1, pages: 1, rogueFlags: 'all', cacheSize: 0, transitive: 0, subPage: false }),
  },
  {
    name: 'map-readonly-write-refused', reason: 'GNTTABOP_map_grant_ref writable (no GNTMAP_readonly) of a GTF_readonly grant: GNTST_general_error',
    probe: probe('GNTTABOP_map_grant_ref', (s) => dataRefsOf(s).filter((r) => s.ga[r]!.flags & GTF_readonly).flatMap((r) => [
      mapOp(DOMID_B, DOMID_A, r, GNTMAP_host_map), mapOp(DOMID_B, DOMID_A, r, GNTMAP_device_map)]), 'GNTST_general_error'),
  },
  {
    name: 'map-invalid-refused', reason: 'GNTTABOP_map_grant_ref of an entry without GTF_permit_access: GNTST_general_error',
    probe: probe('GNTTABOP_map_grant_ref', (s) => dataRefsOf(s).filter((r) => (s.ga[r]!.flags & GTF_type_mask) === 0).map((r) => mapOp(DOMID_B, DOMID_A, r, GNTMAP_host_map | GNTMAP_readonly)), 'GNTST_general_error'),
  },
  {
    name: 'map-bad-gntref', reason: 'GNTTABOP_map_grant_ref of a ref beyond the table: GNTST_bad_gntref',
    probe: probe('GNTTABOP_map_grant_ref', (s) => [mapOp(DOMID_B, DOMID_A, s.ga.length, GNTMAP_host_map | GNTMAP_readonly)], 'GNTST_bad_gntref'),
  },
  {
    name: 'map-bad-flags', reason: 'GNTTABOP_map_grant_ref with neither GNTMAP_host_map nor GNTMAP_device_map: GNTST_bad_gntref',
    probe: probe('GNTTABOP_map_grant_ref', (s) => dataRefsOf(s).map((r) => mapOp(DOMID_B, DOMID_A, r, GNTMAP_readonly)), 'GNTST_bad_gntref'),
  },
  {
    name: 'unmap-bad-handle', reason: 'GNTTABOP_unmap_grant_ref of a handle not in use: GNTST_bad_handle',
    probe: probe('GNTTABOP_unmap_grant_ref', (s) => s.mt.map((m, h) => (m === null ? h : -1)).filter((h) => h >= 0).map((h) => unmapOp(DOMID_B, h)), 'GNTST_bad_handle'),
  },
  {
    name: 'copy-dest-readonly-refused', reason: 'GNTTABOP_copy into a GTF_readonly grant (GNTCOPY_dest_gref): GNTST_general_error',
    probe: probe('GNTTABOP_copy', (s) => dataRefsOf(s).filter((r) => s.ga[r]!.flags & GTF_readonly).map((r) => copyArgs(DOMID_A, r, true, 0, 1)), 'GNTST_general_error'),
  },
  {
    name: 'copy-zero-length', reason: 'GNTTABOP_copy of zero bytes: GNTST_okay, nothing pinned, even through a ref beyond the table',
    probe: probe('GNTTABOP_copy', (s) => [copyArgs(DOMID_A, s.ga.length, false, 0, 0)], 'GNTST_okay'),
  },
  {
    name: 'copy-readonly-dest-beyond-page', reason: 'GNTTABOP_copy into a GTF_readonly grant AND beyond the page: GNTST_general_error (the grant is acquired before the area is checked)',
    probe: probe('GNTTABOP_copy', (s) => dataRefsOf(s).filter((r) => s.ga[r]!.flags & GTF_readonly).map((r) => copyArgs(DOMID_A, r, true, 1, PAGE)), 'GNTST_general_error'),
  },
  {
    name: 'copy-beyond-page', reason: 'GNTTABOP_copy with offset + len > PAGE_SIZE: GNTST_bad_copy_arg',
    probe: probe('GNTTABOP_copy', (s) => dataRefsOf(s).filter((r) => s.ga[r]!.flags & GTF_permit_access).map((r) => copyArgs(DOMID_A, r, false, 1, PAGE)), 'GNTST_bad_copy_arg'),
  },
  {
    name: 'copy-outside-sub-page', reason: 'GNTTABOP_copy of the whole page from a GTF_sub_page grant of its first half: GNTST_general_error',
    probe: probe('GNTTABOP_copy', (s) => dataRefsOf(s).filter((r) => s.ga[r]!.flags & GTF_sub_page).map((r) => copyArgs(DOMID_A, r, false, 0, PAGE)), 'GNTST_general_error'),
  },
  {
    name: 'set-version-busy', reason: 'GNTTABOP_set_version while a grant is pinned: -EBUSY',
    probe: { call: 'GNTTABOP_set_version', actor: 'frontend', args: (s) => [{ ops: [{ op: 'GNTTABOP_set_version', dom: DOMID_A, version: 3 - s.gt_version }] }], hits: refused('EBUSY') },
  },
  {
    name: 'set-version-einval', reason: 'GNTTABOP_set_version to version 3: -EINVAL',
    probe: { call: 'GNTTABOP_set_version', actor: 'frontend', args: () => [{ ops: [{ op: 'GNTTABOP_set_version', dom: DOMID_A, version: 3 }] }], hits: refused('EINVAL') },
  },
  {
    // reached only with granter=hostile (no fallback search: the default suites stay as fast as they were)
    name: 'copy-pinned-entry-changed',
    reason: 'GNTTABOP_copy into a writable grant that dom0 holds pinned for reading, after the granter pointed the shared entry at another frame: GNTST_general_error (acquire_grant_for_copy compares the shared entry with the active one: XSA-500)',
    probe: probe('GNTTABOP_copy', (s) => dataRefsOf(s).filter((r) => {
      const a = s.aa[r], e = s.ga[r]!;
      return a !== null && a !== undefined && a.domid === DOMID_B && a.trans_domid < 0 && writePins(a) === 0 &&
        (e.flags & GTF_type_mask) === GTF_permit_access && !(e.flags & GTF_readonly) && e.domid === DOMID_B && e.frame !== a.frame;
    }).map((r) => copyArgs(DOMID_A, r, true, 0, 1)), 'GNTST_general_error'),
  },
  {
    // reached with two data refs (no fallback search: the default suites stay as fast as they were); test/conformanceGrantGranter.test.ts searches it
    name: 'copy-transitive-changed',
    reason: "domain C copies through dom0's GTF_transitive grant while its own copy holds it pinned, after dom0 pointed the shared entry at another of A's refs: ERESTART, nothing pinned (acquire_grant_for_copy re-checks the entry against the active one after the recursion, its lock dropped)",
    probe: {
      call: 'GNTTABOP_copy', actor: 'guest', hits: refused('ERESTART'),
      args: (s) => s.gb.map((e, t) => ({ e, a: s.ab[t], t })).filter(({ e, a }) => a !== null && a !== undefined && a.domid === DOMID_C &&
        (e.flags & GTF_type_mask) === GTF_transitive && e.domid === DOMID_C && (e.trans_domid !== a.trans_domid || e.trans_gref !== a.trans_gref))
        .map(({ t }) => ({ ops: [{ op: 'GNTTABOP_copy', domid: DOMID_C, dom: DOMID_B, ref: t, dest: false, offset: 0, len: 1 }] })),
    },
  },
];

export const grantHooks: VectorHooks<S, P> = {
  observe,
  args,
  boundaries: grantBoundaries,
  probes: { GNTTABOP_map_grant_ref: probeMap, GNTTABOP_unmap_grant_ref: probeUnmap, GNTTABOP_copy: probeCopy, GNTTABOP_set_version: probeSetVersion },
};

registerHooks('grant', grantHooks);
