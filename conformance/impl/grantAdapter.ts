/**
 * The adapter that runs `grant` vectors (conformance/grant.ts vocabulary) on
 * the independent grant table of conformance/impl/grantTable.ts: the example
 * to copy for another grant-table implementation (docs/vectors.md).
 *
 * reset: domain A (domid 1) has GNTTAB_NR_RESERVED_ENTRIES + `refs + 1`
 * entries at the version of the vector's `init.gt_version` (2 when absent):
 * the vectors' A refs 0..refs are Xen refs GNTTAB_NR_RESERVED_ENTRIES and up
 * (Linux hands refs out from there) and, unless `params.reserved` is `none`,
 * the vectors' A ref refs+1 is GNTTAB_RESERVED_XENSTORE (1); dom0 (B)
 * `transitive` entries (v2), domain C (domid 2) none; only dom0 has a
 * maptrack (`handles` entries, plus xenstored's); then the vectors' initial
 * state: A's ref 0 (tx-ring-ref) granted to dom0 and mapped by dom0 with
 * GNTMAP_host_map (handle 0), and the xenstore grant granted to dom0 and
 * mapped by xenstored (maptrack entry `handles`).
 * apply: every op of `args.ops` in order, one result each; then the tables.
 */
import type { Adapter, Observation } from '../adapter.js';
import type { Json, Vector, VectorStep } from '../format.js';
import {
  GNTTAB_NR_RESERVED_ENTRIES, GNTMAP_device_map, GNTMAP_host_map, GNTMAP_readonly, GTF_permit_access, GTF_readonly, GTF_reading, GTF_sub_page, GTF_transitive,
  GTF_type_mask, GTF_writing, GrantTables, statusName, type GrantBug,
} from './grantTable.js';

const A = 1, B = 0, C = 2;
/** grant_table.h GNTTAB_RESERVED_XENSTORE. */
const GNTTAB_RESERVED_XENSTORE = 1;
const PAGE_SIZE = 2;

const num = (v: Json | undefined, what: string): number => {
  if (typeof v !== 'number') throw new Error(`${what} must be a number`);
  return v;
};
const names = (v: Json | undefined): string[] => (Array.isArray(v) ? (v as Json[]).map(String) : []);
const gtf = (ns: readonly string[]): number =>
  (ns.includes('GTF_permit_access') ? GTF_permit_access : 0) | (ns.includes('GTF_transitive') ? GTF_transitive : 0) |
  (ns.includes('GTF_readonly') ? GTF_readonly : 0) | (ns.includes('GTF_sub_page') ? GTF_sub_page : 0) |
  (ns.includes('GTF_reading') ? GTF_reading : 0) | (ns.includes('GTF_writing') ? GTF_writing : 0);
const parts = (v: Json | undefined): number =>
  v === undefined ? GNTMAP_host_map | GNTMAP_device_map
    : (names(v).includes('host_addr') ? GNTMAP_host_map : 0) | (names(v).includes('dev_bus_addr') ? GNTMAP_device_map : 0);
const gntmap = (ns: readonly string[]): number =>
  (ns.includes('GNTMAP_device_map') ? GNTMAP_device_map : 0) | (ns.includes('GNTMAP_host_map') ? GNTMAP_host_map : 0) | (ns.includes('GNTMAP_readonly') ? GNTMAP_readonly : 0);
const flagNames = (f: number): string[] => [
  ...((f & GTF_type_mask) === GTF_permit_access ? ['GTF_permit_access'] : (f & GTF_type_mask) === GTF_transitive ? ['GTF_transitive'] : []),
  ...(f & GTF_readonly ? ['GTF_readonly'] : []), ...(f & GTF_reading ? ['GTF_reading'] : []), ...(f & GTF_writing ? ['GTF_writing'] : []),
  ...(f & GTF_sub_page ? ['GTF_sub_page'] : []),
];
const statusBits = (st: number): string[] => [...(st & GTF_reading ? ['GTF_reading'] : []), ...(st & GTF_writing ? ['GTF_writing'] : [])];

export function grantImplAdapter(bug: GrantBug = 'none'): Adapter & { readonly impl: () => GrantTables | undefined } {
  let g: GrantTables | undefined;
  /** A's refs in the vectors: 0..refs (the driver's), then refs+1 (the reserved xenstore grant) if any. */
  let aRefs = 0, reserved = false;
  /** A vector's ref of `dom` as Xen numbers it. */
  const xref = (dom: number, r: number): number =>
    dom !== A || r < 0 ? r : reserved && r === aRefs ? GNTTAB_RESERVED_XENSTORE : GNTTAB_NR_RESERVED_ENTRIES + r;
  const tables = (): Observation => {
    const entries: Record<string, Json> = {};
    for (const [dom, name] of [[A, 'A'], [B, 'B']] as const) {
      const t = g!.table(dom)!;
      const n = dom === A ? aRefs + (reserved ? 1 : 0) : t.entries.length;
      for (let r = 0; r < n; r++) {
        const x = xref(dom, r), e = t.entries[x]!;
        entries[`${name}:${r}`] = { flags: flagNames(e.flags), status: statusBits(t.status[x]!), pin: g!.pins(dom, x) };
      }
    }
    return { entries, maptrack: g!.mapsInUse(B), version: g!.table(A)!.version };
  };
  const run = (o: Readonly<Record<string, Json>>): Observation => {
    const impl = g!;
    switch (o.op) {
      case 'write_entry':
        impl.writeEntry(num(o.dom, 'dom'), xref(num(o.dom, 'dom'), num(o.ref, 'ref')), {
          flags: gtf(names(o.flags)), domid: num(o.domid, 'domid'), frame: num(o.frame, 'frame'), page_off: num(o.page_off, 'page_off'),
          length: num(o.length, 'length'), trans_domid: num(o.trans_domid, 'trans_domid'), trans_gref: xref(num(o.trans_domid, 'trans_domid'), num(o.trans_gref, 'trans_gref')),
        });
        return {};
      case 'gnttab_end_foreign_access_ref':
        return { ended: impl.endForeignAccessRef(num(o.dom, 'dom'), xref(num(o.dom, 'dom'), num(o.ref, 'ref'))) };
      case 'gnttab_query_foreign_access':
        return { status: statusBits(impl.queryForeignAccess(num(o.dom, 'dom'), xref(num(o.dom, 'dom'), num(o.ref, 'ref')))) };
      case 'GNTTABOP_map_grant_ref': {
        const r = impl.map(num(o.domid, 'domid'), { dom: num(o.dom, 'dom'), ref: xref(num(o.dom, 'dom'), num(o.ref, 'ref')), flags: gntmap(names(o.flags)) });
        return r.handle !== undefined ? { status: statusName(r.status), handle: r.handle } : { status: statusName(r.status) };
      }
      case 'GNTTABOP_map_grant_ref_begin': {
        const r = impl.mapBegin(num(o.domid, 'domid'), { dom: num(o.dom, 'dom'), ref: xref(num(o.dom, 'dom'), num(o.ref, 'ref')), flags: gntmap(names(o.flags)) });
        return r.map !== undefined ? { status: statusName(r.status), map: r.map } : { status: statusName(r.status) };
      }
      case 'GNTTABOP_map_grant_ref_set_status':
        return { status: statusName(impl.mapSetStatus(num(o.map, 'map'))) };
      case 'GNTTABOP_map_grant_ref_end': {
        const r = impl.mapEnd(num(o.map, 'map'));
        return r.handle !== undefined ? { status: statusName(r.status), handle: r.handle } : { status: statusName(r.status) };
      }
      case 'GNTTABOP_unmap_grant_ref':
        return { status: statusName(impl.unmap(num(o.domid, 'domid'), num(o.handle, 'handle'), parts(o.parts))) };
      case 'GNTTABOP_unmap_grant_ref_begin': {
        const r = impl.unmapBegin(num(o.domid, 'domid'), num(o.handle, 'handle'), parts(o.parts));
        return r.unmap !== undefined ? { status: statusName(r.status), unmap: r.unmap } : { status: statusName(r.status) };
      }
      case 'GNTTABOP_unmap_grant_ref_end':
        return { status: statusName(impl.unmapEnd(num(o.unmap, 'unmap'))) };
      case 'GNTTABOP_copy':
      case 'GNTTABOP_copy_begin': {
        const op = { dom: num(o.dom, 'dom'), ref: xref(num(o.dom, 'dom'), num(o.ref, 'ref')), dest: o.dest === true, offset: num(o.offset, 'offset'), len: num(o.len, 'len') };
        if (o.op === 'GNTTABOP_copy') return { status: statusName(impl.copy(num(o.domid, 'domid'), op)) };
        const r = impl.copyBegin(num(o.domid, 'domid'), op);
        return r.copy !== undefined ? { status: statusName(r.status), copy: r.copy } : { status: statusName(r.status) };
      }
      case 'GNTTABOP_copy_end':
        return { status: statusName(impl.copyEnd(num(o.copy, 'copy'))) };
      case 'map_status_frames':
      case 'unmap_status_frames':
        impl.mapStatusFrames(num(o.dom, 'dom'), o.op === 'map_status_frames');
        return {};
      case 'GNTTABOP_set_version':
        return { status: statusName(impl.setVersion(num(o.dom, 'dom'), num(o.version, 'version'))) };
      default:
        throw new Error(`unknown grant op ${JSON.stringify(o.op)}`);
    }
  };
  return {
    impl: () => g,
    reset(v: Vector) {
      const refs = num(v.params.refs, 'params.refs');
      const init = v.init as { gt_version?: Json } | undefined;
      const version = init && typeof init.gt_version === 'number' ? init.gt_version : 2;
      const handles = num(v.params.handles, 'params.handles');
      aRefs = refs + 1;
      reserved = typeof v.params.reserved === 'string' && v.params.reserved !== 'none';
      g = new GrantTables({ [A]: GNTTAB_NR_RESERVED_ENTRIES + refs + 1, [B]: num(v.params.transitive, 'params.transitive'), [C]: 0 },
        { [B]: handles + (reserved ? 1 : 0) }, PAGE_SIZE, bug, { [A]: version });
      const full = { flags: GTF_permit_access, domid: B, frame: 0, page_off: 0, length: 0, trans_domid: 0, trans_gref: 0 };
      g.writeEntry(A, xref(A, 0), full);
      const ring = g.map(B, { dom: A, ref: xref(A, 0), flags: GNTMAP_host_map });
      if (ring.handle !== 0) throw new Error('the ring mapping did not get handle 0');
      if (reserved) {
        // the toolstack's xenstore grant (of the page after the data pages), mapped by xenstored in dom0's last maptrack entry
        g.writeEntry(A, GNTTAB_RESERVED_XENSTORE, { ...full, frame: num(v.params.pages, 'params.pages') + 1 });
        g.mapAt(B, handles, { dom: A, ref: GNTTAB_RESERVED_XENSTORE, flags: GNTMAP_host_map });
      }
    },
    apply(s: VectorStep): Observation {
      if (!g) throw new Error('apply before reset');
      const ops = (s.args?.ops ?? []) as readonly Readonly<Record<string, Json>>[];
      if (!Array.isArray(ops)) throw new Error('args.ops must be a list');
      return { results: ops.map(run), ...tables() };
    },
  };
}
