/**
 * A small grant table, written for the conformance vectors from
 * xen/include/public/grant_table.h and ../shared/docs/xen-protocols.md §4 (the
 * checks of xen/common/grant_table.c as that section paraphrases them), without
 * the model's code: v2 entries with a separate status word, active entries with
 * GNTPIN_* pin counts, one maptrack per domain, map / unmap / copy (in one call
 * or begun and ended apart) / set_version, and the granter's v2
 * gnttab_end_foreign_access_ref.
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

export const GNTST = {
  okay: 0, general_error: -1, bad_domain: -2, bad_gntref: -3, bad_handle: -4, bad_copy_arg: -10, no_space: -13,
} as const;
export const EBUSY = -16;
const NAMES: Record<number, string> = {
  0: 'GNTST_okay', [-1]: 'GNTST_general_error', [-2]: 'GNTST_bad_domain', [-3]: 'GNTST_bad_gntref', [-4]: 'GNTST_bad_handle',
  [-10]: 'GNTST_bad_copy_arg', [-13]: 'GNTST_no_space', [-16]: 'EBUSY',
};
export const statusName = (rc: number): string => NAMES[rc] ?? `GNTST_${rc}`;

export type GrantBug =
  | 'none'
  /** gnttab_end_foreign_access_ref reports success without looking at GTF_reading|GTF_writing. */
  | 'end-ignores-pin'
  /** map_grant_ref lets a writable mapping pin a GTF_readonly entry. */
  | 'map-ignores-readonly'
  /** map_grant_ref forgets `mask |= GTF_sub_page`: sub-page grants can be mapped. */
  | 'map-allows-sub-page';

/** union grant_entry_v2, as the granting guest writes it. */
export interface EntryV2 {
  flags: number;
  domid: number;
  frame: number;
  page_off: number;
  length: number;
  trans_domid: number;
  trans_gref: number;
}

/** Xen's active entry (while act->pin != 0). */
export interface Active {
  domid: number;
  hstr: number;
  hstw: number;
  devr: number;
  devw: number;
  /** The usable window (sub-page) and the transitive target, captured at the first pin. */
  start: number;
  length: number;
  isSubPage: boolean;
  trans?: { dom: number; ref: number };
}

interface Table {
  entries: EntryV2[];
  status: number[];
  active: (Active | undefined)[];
  version: number;
}
interface Mapping { dom: number; ref: number; flags: number }
interface Copy { readonly: boolean; pinned: { dom: number; ref: number }[] }

const blank = (): EntryV2 => ({ flags: 0, domid: 0, frame: 0, page_off: 0, length: 0, trans_domid: 0, trans_gref: 0 });
const pins = (a: Active | undefined): number => (a ? a.hstr + a.hstw + a.devr + a.devw : 0);
const writePins = (a: Active | undefined): number => (a ? a.hstw + a.devw : 0);

export class GrantTables {
  private readonly tables = new Map<number, Table>();
  private readonly maptrack = new Map<number, (Mapping | undefined)[]>();
  private readonly copies: Copy[] = [];

  constructor(
    /** domid -> number of grant entries of its table. */
    sizes: Readonly<Record<number, number>>,
    /** domid -> maptrack entries it may use (domains not listed have none). */
    maptrack: Readonly<Record<number, number>>,
    readonly pageSize = 4096,
    readonly bug: GrantBug = 'none',
  ) {
    for (const [d, n] of Object.entries(sizes))
      this.tables.set(Number(d), { entries: Array.from({ length: n }, blank), status: new Array<number>(n).fill(0), active: new Array(n).fill(undefined), version: 2 });
    for (const [d, n] of Object.entries(maptrack)) this.maptrack.set(Number(d), new Array(n).fill(undefined));
  }

  table(dom: number): Table | undefined {
    return this.tables.get(dom);
  }
  mapsInUse(dom: number): number {
    return (this.maptrack.get(dom) ?? []).filter((m) => m !== undefined).length;
  }

  // --- the granting guest

  /** The guest writes its own entry (shared memory: no check; Xen's status word is untouched). */
  writeEntry(dom: number, ref: number, e: EntryV2): void {
    const t = this.tables.get(dom);
    if (!t || ref < 0 || ref >= t.entries.length) throw new Error(`no entry ${ref} in domain ${dom}'s table`);
    t.entries[ref] = { ...e };
  }

  /** gnttab_end_foreign_access_ref, v2: `flags = 0; mb();` fail if the status word shows reading|writing. */
  endForeignAccessRef(dom: number, ref: number): boolean {
    const t = this.tables.get(dom)!;
    t.entries[ref]!.flags = 0;
    if (this.bug === 'end-ignores-pin') return true;
    return (t.status[ref]! & (GTF_reading | GTF_writing)) === 0;
  }

  queryForeignAccess(dom: number, ref: number): number {
    return this.tables.get(dom)!.status[ref]! & (GTF_reading | GTF_writing);
  }

  // --- Xen

  private setStatusBits(t: Table, ref: number): void {
    const a = t.active[ref];
    t.status[ref] = (pins(a) > 0 ? GTF_reading : 0) | (writePins(a) > 0 ? GTF_writing : 0);
  }

  /** _set_status_v2's checks for a first pin (or a first write pin). */
  private checkEntry(e: EntryV2, pinned: boolean, readonly: boolean, ldom: number, forMap: boolean): number {
    let mask = GTF_type_mask;
    if (forMap && this.bug !== 'map-allows-sub-page') mask |= GTF_sub_page;
    if (!pinned) {
      const type = e.flags & mask;
      const okType = forMap ? type === GTF_permit_access : (e.flags & GTF_type_mask) === GTF_permit_access || (e.flags & GTF_type_mask) === GTF_transitive;
      if (!okType || e.domid !== ldom) return GNTST.general_error; // "Bad flags or dom"
    }
    if (!readonly && e.flags & GTF_readonly && !(forMap && this.bug === 'map-ignores-readonly')) return GNTST.general_error; // "Attempt to write-pin a r/o grant entry"
    return GNTST.okay;
  }

  /** GNTTABOP_map_grant_ref by `ldom`. */
  map(ldom: number, op: { dom: number; ref: number; flags: number }): { status: number; handle?: number } {
    if ((op.flags & (GNTMAP_host_map | GNTMAP_device_map)) === 0) return { status: GNTST.bad_gntref };
    const t = this.tables.get(op.dom);
    if (!t) return { status: GNTST.bad_domain };
    const mt = this.maptrack.get(ldom);
    const handle = mt ? mt.findIndex((m) => m === undefined) : -1;
    if (handle < 0) return { status: GNTST.no_space };
    if (op.ref < 0 || op.ref >= t.entries.length) return { status: GNTST.bad_gntref };
    const e = t.entries[op.ref]!;
    const a = t.active[op.ref];
    const ro = (op.flags & GNTMAP_readonly) !== 0;
    if (a && (a.domid !== ldom || a.isSubPage || a.trans)) return { status: GNTST.general_error };
    if (!a || (!ro && writePins(a) === 0)) {
      const rc = this.checkEntry(e, a !== undefined, ro, ldom, true);
      if (rc !== GNTST.okay) return { status: rc };
    }
    const act: Active = a ?? { domid: ldom, hstr: 0, hstw: 0, devr: 0, devw: 0, start: 0, length: this.pageSize, isSubPage: false };
    if (op.flags & GNTMAP_host_map) ro ? act.hstr++ : act.hstw++;
    if (op.flags & GNTMAP_device_map) ro ? act.devr++ : act.devw++;
    t.active[op.ref] = act;
    this.setStatusBits(t, op.ref);
    mt![handle] = { dom: op.dom, ref: op.ref, flags: op.flags };
    return { status: GNTST.okay, handle };
  }

  /** GNTTABOP_unmap_grant_ref by `ldom`. */
  unmap(ldom: number, handle: number): number {
    const mt = this.maptrack.get(ldom);
    const m = mt?.[handle];
    if (!mt || !m) return GNTST.bad_handle;
    const t = this.tables.get(m.dom)!;
    const a = t.active[m.ref]!;
    const ro = (m.flags & GNTMAP_readonly) !== 0;
    if (m.flags & GNTMAP_host_map) ro ? a.hstr-- : a.hstw--;
    if (m.flags & GNTMAP_device_map) ro ? a.devr-- : a.devw--;
    if (pins(a) === 0) t.active[m.ref] = undefined;
    this.setStatusBits(t, m.ref);
    mt[handle] = undefined;
    return GNTST.okay;
  }

  /** acquire_grant_for_copy: the entries to pin (outermost first) and the window, or a status. */
  private acquire(rd: number, gref: number, ldom: number, readonly: boolean, allowTransitive: boolean):
    { status: number; chain?: { dom: number; ref: number }[]; start?: number; length?: number } {
    const t = this.tables.get(rd);
    if (!t) return { status: GNTST.bad_domain };
    if (gref < 0 || gref >= t.entries.length) return { status: GNTST.bad_gntref };
    const e = t.entries[gref]!;
    const a = t.active[gref];
    if (a && a.domid !== ldom) return { status: GNTST.general_error };
    const rc = this.checkEntry(e, a !== undefined, readonly, ldom, false);
    if (rc !== GNTST.okay) return { status: rc };
    const trans = a ? a.trans : (e.flags & GTF_type_mask) === GTF_transitive ? { dom: e.trans_domid, ref: e.trans_gref } : undefined;
    if (trans) {
      if (!allowTransitive) return { status: GNTST.general_error }; // "transitive grant when transitivity not allowed"
      if (trans.dom === rd) return { status: GNTST.general_error }; // "transitive grants cannot be self-referential"
      const inner = this.acquire(trans.dom, trans.ref, rd, readonly, false);
      if (inner.status !== GNTST.okay) return inner;
      return { status: GNTST.okay, chain: [{ dom: rd, ref: gref }, ...inner.chain!], start: inner.start!, length: inner.length! };
    }
    const sub = a ? a.isSubPage : (e.flags & GTF_sub_page) !== 0;
    const start = a ? a.start : sub ? e.page_off : 0;
    const length = a ? a.length : sub ? e.length : this.pageSize;
    return { status: GNTST.okay, chain: [{ dom: rd, ref: gref }], start, length };
  }

  /** The grant side of GNTTABOP_copy: checks, then pins; returns the status and the index of the copy in progress. */
  copyBegin(ldom: number, op: { dom: number; ref: number; dest: boolean; offset: number; len: number }): { status: number; copy?: number } {
    if (op.offset < 0 || op.len < 1 || op.offset + op.len > this.pageSize) return { status: GNTST.bad_copy_arg }; // "copy beyond page area"
    const acq = this.acquire(op.dom, op.ref, ldom, !op.dest, true);
    if (acq.status !== GNTST.okay) return { status: acq.status };
    if (op.offset < acq.start! || op.offset + op.len > acq.start! + acq.length!) return { status: GNTST.general_error }; // "copy source/dest out of bounds"
    let by = ldom;
    for (const x of acq.chain!) {
      const t = this.tables.get(x.dom)!;
      const e = t.entries[x.ref]!;
      let a = t.active[x.ref];
      if (!a) {
        const sub = (e.flags & GTF_sub_page) !== 0;
        const tr = (e.flags & GTF_type_mask) === GTF_transitive;
        a = { domid: by, hstr: 0, hstw: 0, devr: 0, devw: 0, start: sub ? e.page_off : 0, length: sub ? e.length : this.pageSize, isSubPage: sub,
          ...(tr ? { trans: { dom: e.trans_domid, ref: e.trans_gref } } : {}) };
        t.active[x.ref] = a;
      }
      op.dest ? a.hstw++ : a.hstr++; // copies pin like host mappings
      this.setStatusBits(t, x.ref);
      by = x.dom;
    }
    this.copies.push({ readonly: !op.dest, pinned: acq.chain! });
    return { status: GNTST.okay, copy: this.copies.length - 1 };
  }

  /** release_grant_for_copy on every entry the copy pinned, innermost first. */
  copyEnd(i: number): number {
    const c = this.copies[i];
    if (!c) return GNTST.general_error;
    for (const x of [...c.pinned].reverse()) {
      const t = this.tables.get(x.dom)!;
      const a = t.active[x.ref];
      if (!a) continue;
      c.readonly ? a.hstr-- : a.hstw--;
      if (pins(a) === 0) t.active[x.ref] = undefined;
      this.setStatusBits(t, x.ref);
    }
    this.copies.splice(i, 1);
    return GNTST.okay;
  }

  /** GNTTABOP_copy in one call. */
  copy(ldom: number, op: { dom: number; ref: number; dest: boolean; offset: number; len: number }): number {
    const r = this.copyBegin(ldom, op);
    if (r.status === GNTST.okay) this.copyEnd(r.copy!);
    return r.status;
  }

  /** GNTTABOP_set_version for `dom`'s own table: -EBUSY while an entry is valid or pinned. */
  setVersion(dom: number, v: number): number {
    const t = this.tables.get(dom)!;
    if (v !== 1 && v !== 2) return GNTST.general_error;
    if (t.entries.some((e, r) => (e.flags & GTF_type_mask) !== GTF_invalid || t.active[r] !== undefined)) return EBUSY;
    t.version = v;
    return GNTST.okay;
  }
}
