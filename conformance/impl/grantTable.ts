/**
 * A small grant table, written for the conformance vectors from
 * xen/include/public/grant_table.h and xen/common/grant_table.c (read
 * function by function: _set_status_v1/_v2, reduce_status_for_pin,
 * map_grant_ref, unmap_common / unmap_common_complete,
 * acquire/release_grant_for_copy, gnttab_copy_one / gnttab_copy_buf,
 * gnttab_set_version) and Linux's gnttab_end_foreign_access_ref_v1/_v2,
 * without the model's code. Like Xen it keeps act->pin as one word of
 * GNTPIN_* byte counters in which copies count as host pins, acquires a grant
 * for a copy by pinning and undoes it on failure, and keeps v1's status bits in
 * the flags word and v2's in a separate status array.
 *
 * PAGE_SIZE is a parameter (the vectors use 2: two half pages). `bug` seeds one
 * deliberate defect, to show that the vectors catch it.
 */

// grant_table.h, verbatim values. Copied here on purpose, not imported from
// model/grant.ts: an implementation under test must not share a line with
// the model it is tested against (a wrong constant in one is then caught).
export const GTF_invalid = 0;
export const GTF_permit_access = 1;
export const GTF_accept_transfer = 2;
export const GTF_transitive = 3;
export const GTF_type_mask = 3;
export const GTF_readonly = 1 << 2;
export const GTF_reading = 1 << 3;
export const GTF_writing = 1 << 4;
export const GTF_sub_page = 1 << 8;
export const GNTMAP_device_map = 1 << 0;
export const GNTMAP_host_map = 1 << 1;
export const GNTMAP_readonly = 1 << 2;
export const GNTTAB_NR_RESERVED_ENTRIES = 8;

// xen/common/grant_table.c: act->pin
const GNTPIN_hstw_shift = 0, GNTPIN_hstr_shift = 8, GNTPIN_devw_shift = 16, GNTPIN_devr_shift = 24;
const GNTPIN_hstw_inc = 1 << GNTPIN_hstw_shift, GNTPIN_hstr_inc = 1 << GNTPIN_hstr_shift;
const GNTPIN_devw_inc = 1 << GNTPIN_devw_shift, GNTPIN_devr_inc = 1 << GNTPIN_devr_shift;
const GNTPIN_hstw_mask = 0xff << GNTPIN_hstw_shift, GNTPIN_devw_mask = 0xff << GNTPIN_devw_shift;

export const GNTST = {
  okay: 0, general_error: -1, bad_domain: -2, bad_gntref: -3, bad_handle: -4, bad_copy_arg: -10, no_space: -13,
} as const;
export const EBUSY = -16, EINVAL = -22, EAGAIN = -11, ERANGE = -34, ERESTART = 85;
const NAMES: Record<number, string> = {
  0: 'GNTST_okay', [-1]: 'GNTST_general_error', [-2]: 'GNTST_bad_domain', [-3]: 'GNTST_bad_gntref', [-4]: 'GNTST_bad_handle',
  [-10]: 'GNTST_bad_copy_arg', [-13]: 'GNTST_no_space', [-16]: 'EBUSY', [-22]: 'EINVAL', [-11]: 'EAGAIN', [-34]: 'ERANGE', 85: 'ERESTART',
};
export const statusName = (rc: number): string => NAMES[rc] ?? `GNTST_${rc}`;

export type GrantBug =
  | 'none'
  /** gnttab_end_foreign_access_ref reports success without looking at GTF_reading|GTF_writing. */
  | 'end-ignores-pin'
  /** map_grant_ref lets a writable mapping pin a GTF_readonly entry. */
  | 'map-ignores-readonly'
  /** map_grant_ref forgets `mask |= GTF_sub_page`: sub-page grants can be mapped. */
  | 'map-allows-sub-page'
  /** reduce_status_for_pin clears GTF_writing when no HOST write pin is left (device write pins forgotten, as before XSA-230). */
  | 'reduce-ignores-device-pins'
  /** v1's end writes flags = 0 even when the entry is in use (v2's end on a v1 table). */
  | 'v1-end-clears-flags'
  /** unmap_common drops the pins in its first phase (before XSA-218). */
  | 'unmap-drops-pins-early'
  /** unmap_common frees the maptrack handle even when only one of its parts was unmapped. */
  | 'unmap-partial-frees-handle'
  /** gnttab_copy checks the area before acquiring the grant (and refuses zero-length copies). */
  | 'copy-area-first'
  /** gnttab_set_version refuses (-EBUSY) while an entry is valid, not only while pinned, and wipes nothing. */
  | 'set-version-busy-if-valid'
  /** acquire_grant_for_copy takes an already-pinned entry that needs a status update without comparing the shared entry with the active one (before XSA-500's fix). */
  | 'copy-pinned-no-recheck'
  /** acquire_grant_for_copy, back from the recursion into a transitive entry's target, does not check that the entry
   * did not change while its lock was dropped ("We dropped the lock, so we have to check that the grant didn't
   * change": act->pin against old_pin, the new target against the active entry): it never returns ERESTART. */
  | 'transitive-no-restart'
  /** _set_status_v2 pins without its re-read of the flags after smp_mb() (a granter's end between the first read and the status write goes unnoticed). */
  | 'set-status-no-recheck'
  /** gnttab_set_version wipes the reserved entries too (no "Preserve the first 8 entries (toolstack reserved grants)"). */
  | 'set-version-wipes-reserved';

/** union grant_entry_v2 (or grant_entry_v1_t: flags, domid, frame), as the granting guest writes it. */
export interface EntryV2 {
  flags: number;
  domid: number;
  frame: number;
  page_off: number;
  length: number;
  trans_domid: number;
  trans_gref: number;
}

/** struct active_grant_entry. */
interface Active {
  pin: number;
  domid: number;
  frame: number;
  start: number;
  length: number;
  isSubPage: boolean;
  srcDomid: number;
  transGref: number;
}

interface Table {
  entries: EntryV2[];
  status: number[];
  active: Active[];
  version: number;
  /** The guest's mappings of its v2 status frames (references on the status pages). */
  statusMaps: number;
}
interface Mapping { dom: number; ref: number; flags: number }
interface Copy { dom: number; ref: number; readonly: boolean }
interface Unmap { dom: number; ref: number; done: number }
/** A map_grant_ref stopped inside _set_status_v2: its handle taken, `statusSet` once the status was written. */
interface PendingMap { ldom: number; dom: number; ref: number; flags: number; handle: number; pinned: boolean; statusSet: boolean }

const blank = (): EntryV2 => ({ flags: 0, domid: 0, frame: 0, page_off: 0, length: 0, trans_domid: 0, trans_gref: 0 });
const idle = (): Active => ({ pin: 0, domid: 0, frame: 0, start: 0, length: 0, isSubPage: false, srcDomid: 0, transGref: 0 });

export class GrantTables {
  private readonly tables = new Map<number, Table>();
  private readonly maptrack = new Map<number, (Mapping | undefined)[]>();
  /** Copies and unmaps in progress, numbered by their position in these lists (a finished one leaves, the later ones move up). */
  private readonly copies: Copy[] = [];
  private readonly unmaps: Unmap[] = [];
  private readonly pendingMaps: PendingMap[] = [];

  constructor(
    /** domid -> number of grant entries of its table. */
    sizes: Readonly<Record<number, number>>,
    /** domid -> maptrack entries it may use (domains not listed have none). */
    maptrack: Readonly<Record<number, number>>,
    readonly pageSize = 4096,
    readonly bug: GrantBug = 'none',
    /** domid -> its table's version (default 2). */
    versions: Readonly<Record<number, number>> = {},
  ) {
    for (const [d, n] of Object.entries(sizes))
      this.tables.set(Number(d), {
        entries: Array.from({ length: n }, blank), status: new Array<number>(n).fill(0),
        active: Array.from({ length: n }, idle), version: versions[Number(d)] ?? 2, statusMaps: 0,
      });
    for (const [d, n] of Object.entries(maptrack)) this.maptrack.set(Number(d), new Array(n).fill(undefined));
  }

  table(dom: number): Table | undefined {
    return this.tables.get(dom);
  }
  /** Maptrack entries in use: mappings, and handles taken by maps still inside _set_status_v2. */
  mapsInUse(dom: number): number {
    return (this.maptrack.get(dom) ?? []).filter((m) => m !== undefined).length;
  }
  /** The GNTPIN_* counts of an entry (copies are in the host counts, as in Xen). */
  pins(dom: number, ref: number): { hstr: number; hstw: number; devr: number; devw: number } {
    const p = this.tables.get(dom)!.active[ref]!.pin;
    return { hstr: (p >> GNTPIN_hstr_shift) & 0xff, hstw: (p >> GNTPIN_hstw_shift) & 0xff, devr: (p >>> GNTPIN_devr_shift) & 0xff, devw: (p >> GNTPIN_devw_shift) & 0xff };
  }
  /** The status bits of an entry, wherever its version keeps them. */
  statusBits(dom: number, ref: number): number {
    const t = this.tables.get(dom)!;
    return (t.version === 1 ? t.entries[ref]!.flags : t.status[ref]!) & (GTF_reading | GTF_writing);
  }

  // --- the granting guest

  /** The guest writes its own entry (shared memory: no check; v2's status word is untouched). */
  writeEntry(dom: number, ref: number, e: EntryV2): void {
    const t = this.tables.get(dom);
    if (!t || ref < 0 || ref >= t.entries.length) throw new Error(`no entry ${ref} in domain ${dom}'s table`);
    t.entries[ref] = { ...e };
  }

  /** Linux gnttab_end_foreign_access_ref: v1 cmpxchg the flags to 0 unless reading|writing; v2 `flags = 0; mb();` then the status word. */
  endForeignAccessRef(dom: number, ref: number): boolean {
    const t = this.tables.get(dom)!;
    const e = t.entries[ref]!;
    if (t.version === 1) {
      if (this.bug === 'v1-end-clears-flags') {
        const busy = (e.flags & (GTF_reading | GTF_writing)) !== 0;
        e.flags = 0;
        return !busy;
      }
      if (e.flags & (GTF_reading | GTF_writing) && this.bug !== 'end-ignores-pin') return false;
      e.flags = 0;
      return true;
    }
    e.flags = 0;
    if (this.bug === 'end-ignores-pin') return true;
    return (t.status[ref]! & (GTF_reading | GTF_writing)) === 0;
  }

  /** The guest maps its status frames (GNTTABOP_get_status_frames: v2 only) or drops its mapping. */
  mapStatusFrames(dom: number, map: boolean): void {
    const t = this.tables.get(dom)!;
    if (map && t.version !== 2) throw new Error('no status frames at v1');
    t.statusMaps = map ? 1 : 0;
  }

  queryForeignAccess(dom: number, ref: number): number {
    return this.statusBits(dom, ref);
  }

  // --- Xen

  private setFlag(t: Table, ref: number, bits: number): void {
    if (t.version === 1) t.entries[ref]!.flags |= bits;
    else t.status[ref]! |= bits;
  }
  private clearFlag(t: Table, ref: number, bits: number): void {
    if (t.version === 1) t.entries[ref]!.flags &= ~bits;
    else t.status[ref]! &= ~bits;
  }

  /** _set_status(shah, status, rd, version, act, readonly, mapflag, ldomid), in one go (the re-read of v2 sees what the first read saw). */
  private setStatus(t: Table, ref: number, act: Active, readonly: boolean, mapflag: boolean, ldom: number): number {
    const rc = this.setStatusFirstRead(t, ref, act, readonly, mapflag, ldom);
    if (rc === GNTST.okay) this.setFlag(t, ref, readonly ? GTF_reading : GTF_reading | GTF_writing);
    return rc;
  }
  /** The checks of _set_status on the flags as first read. */
  private setStatusFirstRead(t: Table, ref: number, act: Active, readonly: boolean, mapflag: boolean, ldom: number): number {
    const e = t.entries[ref]!;
    let mask = GTF_type_mask;
    if (mapflag && this.bug !== 'map-allows-sub-page') mask |= GTF_sub_page;
    const bad = t.version === 1
      ? (e.flags & mask) !== GTF_permit_access || e.domid !== ldom
      : ((e.flags & mask) !== GTF_permit_access && (mapflag || (e.flags & mask) !== GTF_transitive)) || e.domid !== ldom;
    if (!act.pin && bad) return GNTST.general_error; // "Bad flags (%x) or dom (%d)"
    if (!readonly && e.flags & GTF_readonly && !(mapflag && this.bug === 'map-ignores-readonly')) return GNTST.general_error; // "Attempt to write-pin a r/o grant entry"
    return GNTST.okay;
  }

  private reduceStatusForPin(t: Table, ref: number, act: Active, readonly: boolean): void {
    let clear = act.pin ? 0 : GTF_reading;
    const writeMask = this.bug === 'reduce-ignores-device-pins' ? GNTPIN_hstw_mask : GNTPIN_hstw_mask | GNTPIN_devw_mask;
    if (!readonly && !(act.pin & writeMask)) clear |= GTF_writing;
    if (clear) this.clearFlag(t, ref, clear);
  }

  /** GNTTABOP_map_grant_ref by `ldom`. */
  map(ldom: number, op: { dom: number; ref: number; flags: number }): { status: number; handle?: number } {
    let pinIncr = 0;
    if (op.flags & GNTMAP_device_map) pinIncr += op.flags & GNTMAP_readonly ? GNTPIN_devr_inc : GNTPIN_devw_inc;
    if (op.flags & GNTMAP_host_map) pinIncr += op.flags & GNTMAP_readonly ? GNTPIN_hstr_inc : GNTPIN_hstw_inc;
    if (!pinIncr) return { status: GNTST.bad_gntref }; // "Bad flags in grant map op"
    const t = this.tables.get(op.dom);
    if (!t) return { status: GNTST.bad_domain };
    const mt = this.maptrack.get(ldom);
    const handle = mt ? mt.findIndex((m) => m === undefined) : -1;
    if (handle < 0) return { status: GNTST.no_space };
    if (op.ref < 0 || op.ref >= t.entries.length) return { status: GNTST.bad_gntref };
    const act = t.active[op.ref]!;
    const ro = (op.flags & GNTMAP_readonly) !== 0;
    if (act.pin && (act.domid !== ldom || act.isSubPage)) return { status: GNTST.general_error };
    if (!act.pin || (!ro && !(act.pin & (GNTPIN_hstw_mask | GNTPIN_devw_mask)))) {
      const rc = this.setStatus(t, op.ref, act, ro, true, ldom);
      if (rc !== GNTST.okay) return { status: rc };
      if (!act.pin) Object.assign(act, { domid: ldom, frame: t.entries[op.ref]!.frame, start: 0, length: this.pageSize, isSubPage: false, srcDomid: op.dom, transGref: op.ref });
    }
    act.pin += pinIncr;
    mt![handle] = { dom: op.dom, ref: op.ref, flags: op.flags };
    return { status: GNTST.okay, handle };
  }

  /**
   * GNTTABOP_map_grant_ref stopped inside _set_status_v2, after its first
   * read of the flags: the checks of map_grant_ref, the maptrack handle taken.
   * Only for a v2 entry whose map sets the status (a first pin or a first
   * write pin).
   */
  mapBegin(ldom: number, op: { dom: number; ref: number; flags: number }): { status: number; map?: number } {
    if (!(op.flags & (GNTMAP_device_map | GNTMAP_host_map))) return { status: GNTST.bad_gntref };
    const t = this.tables.get(op.dom);
    if (!t) return { status: GNTST.bad_domain };
    const handle = this.freeHandle(ldom);
    if (handle < 0) return { status: GNTST.no_space };
    if (op.ref < 0 || op.ref >= t.entries.length) return { status: GNTST.bad_gntref };
    const act = t.active[op.ref]!;
    const ro = (op.flags & GNTMAP_readonly) !== 0;
    if (act.pin && (act.domid !== ldom || act.isSubPage)) return { status: GNTST.general_error };
    if (t.version !== 2 || (act.pin && (ro || act.pin & (GNTPIN_hstw_mask | GNTPIN_devw_mask)))) throw new Error('map_grant_ref_begin of a map that does not go through _set_status_v2');
    const rc = this.setStatusFirstRead(t, op.ref, act, ro, true, ldom);
    if (rc !== GNTST.okay) return { status: rc };
    this.maptrack.get(ldom)![handle] = { dom: op.dom, ref: op.ref, flags: 0 }; // taken, no parts yet
    return { status: GNTST.okay, map: this.pendingMaps.push({ ldom, dom: op.dom, ref: op.ref, flags: op.flags, handle, pinned: act.pin !== 0, statusSet: false }) - 1 };
  }

  /** _set_status_v2: `*status |= GTF_reading [| GTF_writing]; smp_mb();` for a map in progress. */
  mapSetStatus(i: number): number {
    const m = this.pendingMaps[i];
    if (!m || m.statusSet) return GNTST.general_error;
    this.setFlag(this.tables.get(m.dom)!, m.ref, m.flags & GNTMAP_readonly ? GTF_reading : GTF_reading | GTF_writing);
    m.statusSet = true;
    return GNTST.okay;
  }

  /** _set_status_v2's re-read of the flags after smp_mb(), then the rest of map_grant_ref. */
  mapEnd(i: number): { status: number; handle?: number } {
    const m = this.pendingMaps[i];
    if (!m || !m.statusSet) return { status: GNTST.general_error };
    this.pendingMaps.splice(i, 1);
    const t = this.tables.get(m.dom)!;
    const e = t.entries[m.ref]!;
    const act = t.active[m.ref]!;
    const ro = (m.flags & GNTMAP_readonly) !== 0;
    const mt = this.maptrack.get(m.ldom)!;
    if (this.bug !== 'set-status-no-recheck') {
      const mask = GTF_type_mask | GTF_sub_page;
      const unstable = !act.pin
        ? ((e.flags & mask) !== GTF_permit_access && (e.flags & mask) !== GTF_transitive) || e.domid !== m.ldom || (!ro && (e.flags & GTF_readonly) !== 0)
        : (e.flags & GTF_readonly) !== 0;
      if (unstable) {
        this.clearFlag(t, m.ref, act.pin ? GTF_writing : GTF_reading | GTF_writing); // "Unstable flags" / "Unstable grant readonly flag"
        mt[m.handle] = undefined;
        return { status: GNTST.general_error };
      }
    }
    if (!act.pin) Object.assign(act, { domid: m.ldom, frame: e.frame, start: 0, length: this.pageSize, isSubPage: false, srcDomid: m.dom, transGref: m.ref });
    if (m.flags & GNTMAP_device_map) act.pin += ro ? GNTPIN_devr_inc : GNTPIN_devw_inc;
    if (m.flags & GNTMAP_host_map) act.pin += ro ? GNTPIN_hstr_inc : GNTPIN_hstw_inc;
    mt[m.handle] = { dom: m.dom, ref: m.ref, flags: m.flags };
    return { status: GNTST.okay, handle: m.handle };
  }

  /** get_maptrack_handle: the lowest maptrack entry not in use (-1: none). */
  private freeHandle(ldom: number): number {
    const mt = this.maptrack.get(ldom);
    return mt ? mt.findIndex((m) => m === undefined) : -1;
  }

  /** unmap_common: take the parts asked for off the maptrack entry; op->done in `done` (0: nothing to complete). */
  unmapBegin(ldom: number, handle: number, parts = GNTMAP_host_map | GNTMAP_device_map): { status: number; unmap?: number } {
    const mt = this.maptrack.get(ldom);
    const m = mt?.[handle];
    if (!mt || !m || !(m.flags & (GNTMAP_host_map | GNTMAP_device_map))) return { status: GNTST.bad_handle }; // "Bad handle" / "Zero flags for handle"
    let done = 0;
    if (parts & GNTMAP_host_map && m.flags & GNTMAP_host_map) { m.flags &= ~GNTMAP_host_map; done |= GNTMAP_host_map; }
    if (parts & GNTMAP_device_map && m.flags & GNTMAP_device_map) { m.flags &= ~GNTMAP_device_map; done |= GNTMAP_device_map; }
    if (done) done |= m.flags & GNTMAP_readonly;
    if (!(m.flags & (GNTMAP_host_map | GNTMAP_device_map)) || (done && this.bug === 'unmap-partial-frees-handle')) mt[handle] = undefined;
    if (!done) return { status: GNTST.okay };
    const u: Unmap = { dom: m.dom, ref: m.ref, done };
    if (this.bug === 'unmap-drops-pins-early') this.dropPins(u);
    return { status: GNTST.okay, unmap: this.unmaps.push(u) - 1 };
  }

  private dropPins(u: Unmap): void {
    const act = this.tables.get(u.dom)!.active[u.ref]!;
    const ro = (u.done & GNTMAP_readonly) !== 0;
    if (u.done & GNTMAP_device_map) act.pin -= ro ? GNTPIN_devr_inc : GNTPIN_devw_inc;
    if (u.done & GNTMAP_host_map) act.pin -= ro ? GNTPIN_hstr_inc : GNTPIN_hstw_inc;
  }

  /** gnttab_flush_tlb, then unmap_common_complete. */
  unmapEnd(i: number): number {
    const u = this.unmaps[i];
    if (!u) return GNTST.general_error;
    const t = this.tables.get(u.dom)!;
    if (this.bug !== 'unmap-drops-pins-early') this.dropPins(u);
    this.reduceStatusForPin(t, u.ref, t.active[u.ref]!, (u.done & GNTMAP_readonly) !== 0);
    this.unmaps.splice(i, 1);
    return GNTST.okay;
  }

  /** GNTTABOP_unmap_grant_ref in one call (both phases). */
  unmap(ldom: number, handle: number, parts = GNTMAP_host_map | GNTMAP_device_map): number {
    const r = this.unmapBegin(ldom, handle, parts);
    if (r.unmap !== undefined) this.unmapEnd(r.unmap);
    return r.status;
  }

  /** acquire_grant_for_copy: pins (and sets the status) or fails leaving nothing behind. */
  private acquire(rd: number, gref: number, ldom: number, readonly: boolean, allowTransitive: boolean):
    { status: number; start?: number; length?: number; frame?: number; page?: number } {
    const t = this.tables.get(rd);
    if (!t) return { status: GNTST.bad_domain };
    if (gref < 0 || gref >= t.entries.length) return { status: GNTST.bad_gntref };
    const act = t.active[gref]!;
    const e = t.entries[gref]!;
    const pinIncr = readonly ? GNTPIN_hstr_inc : GNTPIN_hstw_inc;
    if (act.pin && act.domid !== ldom) return { status: GNTST.general_error };
    const oldPin = act.pin;
    const needStatus = !oldPin || (!readonly && !(oldPin & (GNTPIN_devw_mask | GNTPIN_hstw_mask)));
    let page: number;
    if (t.version === 2 && (e.flags & GTF_type_mask) === GTF_transitive) {
      if (needStatus) {
        const rc = this.setStatus(t, gref, act, readonly, false, ldom);
        if (rc !== GNTST.okay) return { status: rc };
      }
      const clear = (rc: number) => {
        this.reduceStatusForPin(t, gref, act, readonly);
        return { status: rc };
      };
      if (!allowTransitive) return clear(GNTST.general_error);
      const td = e.trans_domid, tg = e.trans_gref;
      if (td === rd) return clear(GNTST.general_error);
      if (!this.tables.has(td)) return clear(GNTST.general_error);
      const inner = this.acquire(td, tg, rd, readonly, false);
      if (inner.status !== GNTST.okay) return clear(inner.status);
      if (this.bug !== 'transitive-no-restart' && (act.pin !== oldPin || (oldPin && (act.domid !== ldom || act.frame !== inner.frame || act.start !== inner.start ||
        act.length !== inner.length || act.srcDomid !== td || act.transGref !== tg || !act.isSubPage)))) {
        this.release(td, tg, readonly);
        return clear(ERESTART);
      }
      if (!oldPin) Object.assign(act, { domid: ldom, start: inner.start!, length: inner.length!, srcDomid: td, transGref: tg, frame: inner.frame!, isSubPage: true });
      page = inner.page!;
    } else if (needStatus) {
      const rc = this.setStatus(t, gref, act, readonly, false, ldom);
      if (rc !== GNTST.okay) return { status: rc };
      const sub = t.version === 2 && (e.flags & GTF_sub_page) !== 0;
      const start = sub ? e.page_off : 0, length = sub ? e.length : this.pageSize;
      if (!act.pin) Object.assign(act, { domid: ldom, isSubPage: sub, start, length, srcDomid: rd, transGref: gref, frame: e.frame });
      else if (this.bug !== 'copy-pinned-no-recheck' && (act.frame !== e.frame || act.srcDomid !== rd || act.transGref !== gref || (act.isSubPage && (!sub || act.start !== start || act.length !== length)))) {
        this.reduceStatusForPin(t, gref, act, readonly);
        return { status: GNTST.general_error };
      }
      page = e.frame;
    } else {
      if (act.srcDomid !== rd) return { status: GNTST.bad_domain }; // the page's owner is not rd
      page = act.frame;
    }
    act.pin += pinIncr;
    return { status: GNTST.okay, start: act.start, length: act.length, frame: act.frame, page };
  }

  /** release_grant_for_copy. */
  private release(rd: number, gref: number, readonly: boolean): void {
    const t = this.tables.get(rd)!;
    const act = t.active[gref]!;
    const td = act.srcDomid, tg = act.transGref;
    act.pin -= readonly ? GNTPIN_hstr_inc : GNTPIN_hstw_inc;
    this.reduceStatusForPin(t, gref, act, readonly);
    if (td !== rd) this.release(td, tg, readonly);
  }

  /** The grant side of GNTTABOP_copy up to the memcpy: acquire, then the area checks; returns the status and the index of the copy in progress. */
  copyBegin(ldom: number, op: { dom: number; ref: number; dest: boolean; offset: number; len: number }): { status: number; copy?: number } {
    const beyond = op.offset < 0 || op.offset + op.len > this.pageSize;
    if (this.bug === 'copy-area-first') {
      if (op.len < 1 || beyond) return { status: GNTST.bad_copy_arg };
    } else if (!op.len) return { status: GNTST.okay }; // gnttab_copy_one: nothing to do
    const acq = this.acquire(op.dom, op.ref, ldom, !op.dest, true);
    if (acq.status !== GNTST.okay) return { status: acq.status };
    const fail = (rc: number) => {
      this.release(op.dom, op.ref, !op.dest);
      return { status: rc };
    };
    if (beyond) return fail(GNTST.bad_copy_arg); // "copy beyond page area"
    if (op.offset < acq.start! || op.offset + op.len > acq.start! + acq.length!) return fail(GNTST.general_error); // "copy source/dest out of bounds"
    return { status: GNTST.okay, copy: this.copies.push({ dom: op.dom, ref: op.ref, readonly: !op.dest }) - 1 };
  }

  /** The copy is done: release_grant_for_copy. */
  copyEnd(i: number): number {
    const c = this.copies[i];
    if (!c) return GNTST.general_error;
    this.release(c.dom, c.ref, c.readonly);
    this.copies.splice(i, 1);
    return GNTST.okay;
  }

  /** GNTTABOP_copy in one call. */
  copy(ldom: number, op: { dom: number; ref: number; dest: boolean; offset: number; len: number }): number {
    const r = this.copyBegin(ldom, op);
    if (r.copy !== undefined) this.copyEnd(r.copy);
    return r.status;
  }

  /**
   * The toolstack's set-up: a mapping made before the vector starts, in a
   * given maptrack entry (xenstored's mapping of the reserved xenstore grant).
   */
  mapAt(ldom: number, handle: number, op: { dom: number; ref: number; flags: number }): void {
    const mt = this.maptrack.get(ldom)!;
    if (mt[handle] !== undefined) throw new Error(`maptrack entry ${handle} in use`);
    const saved = mt.slice();
    for (let h = 0; h < mt.length; h++) if (h !== handle && mt[h] === undefined) mt[h] = { dom: -1, ref: -1, flags: 0 };
    const r = this.map(ldom, op);
    for (let h = 0; h < mt.length; h++) if (h !== handle) mt[h] = saved[h];
    if (r.handle !== handle) throw new Error(`the set-up mapping did not get maptrack entry ${handle}: ${statusName(r.status)}`);
  }

  /** gnttab_set_version for `dom`'s own table: its first GNTTAB_NR_RESERVED_ENTRIES entries are the toolstack's, kept across a switch. */
  setVersion(dom: number, v: number): number {
    const t = this.tables.get(dom)!;
    if (v !== 1 && v !== 2) return EINVAL;
    if (t.version === v) return GNTST.okay;
    if (this.bug === 'set-version-busy-if-valid') {
      if (t.entries.some((e, r) => (e.flags & GTF_type_mask) !== GTF_invalid || t.active[r]!.pin)) return EBUSY;
      t.version = v;
      return GNTST.okay;
    }
    for (let i = GNTTAB_NR_RESERVED_ENTRIES; i < t.entries.length; i++) if (t.active[i]!.pin) return EBUSY; // "some grant entries still in use"
    if (t.version === 2) {
      if (t.active.some((a) => a.pin !== 0 && a.isSubPage)) return EAGAIN; // nr_v2_ops
      for (let i = 0; i < GNTTAB_NR_RESERVED_ENTRIES && i < t.entries.length; i++) {
        const e = t.entries[i]!;
        if ((e.flags & GTF_type_mask) === GTF_transitive || ((e.flags & GTF_type_mask) === GTF_permit_access && e.frame >= 2 ** 32)) return ERANGE; // "non-representable entries"
      }
      // gnttab_unpopulate_status_frames: a status page still referenced is not freed
      if (t.statusMaps) return EBUSY;
    }
    // "Preserve the first 8 entries (toolstack reserved grants)": v1 -> v2 the status bits move to the status word, v2 -> v1 into the flags word
    const kept: { e: EntryV2; bits: number }[] = [];
    for (let i = 0; i < GNTTAB_NR_RESERVED_ENTRIES && i < t.entries.length; i++) {
      const e = t.entries[i]!;
      if (t.version === 1) kept.push({ e: { ...blank(), flags: e.flags & ~(GTF_reading | GTF_writing), domid: e.domid, frame: e.frame }, bits: e.flags & (GTF_reading | GTF_writing) });
      else if ((e.flags & GTF_type_mask) === GTF_permit_access) kept.push({ e: { ...blank(), flags: e.flags, domid: e.domid, frame: e.frame }, bits: t.status[i]! });
      else kept.push({ e: blank(), bits: 0 });
    }
    for (let r = 0; r < t.entries.length; r++) {
      t.entries[r] = blank();
      t.status[r] = 0;
    }
    if (this.bug !== 'set-version-wipes-reserved')
      kept.forEach(({ e, bits }, i) => {
        t.entries[i] = v === 1 ? { ...e, flags: e.flags | bits } : e;
        if (v === 2) t.status[i] = bits;
      });
    t.version = v;
    return GNTST.okay;
  }
}
