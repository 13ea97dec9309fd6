/**
 * The grant model: Xen's checks (every GNTST_* refusal, worked by hand from
 * xen/common/grant_table.c), the v2 end semantics, and the variants of
 * examples/grant-*.ts: each found with the property it breaks, with a trace
 * that replays rule by rule and is shortest (no violation one step earlier);
 * the fix (the built-in model at the same parameters) verifies.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { produce } from 'immer';
import { deriveModel, type Model } from '../model/core.js';
import { paramsOf, replays, runModel } from './support/models.js';
import { check } from '../checker/explore.js';
import { bind, propertyNames } from '../properties/bind.js';
import * as E from 'fp-ts/lib/Either.js';
import {
  grant, grantInit, mapCheck, mapApply, unmapCheck, unmapApply, copyCheck, copyBegin, copyEnd, setVersionCheck, grantPage,
  gnttabEndForeignAccessRef, gnttabQueryForeignAccess, unmapCommon, unmapCommonComplete, acquireForCopy, statusOf, setVersionApply, pinsAccount,
  GTF_permit_access, GTF_readonly, GTF_sub_page, ERESTART, EAGAIN, EINVAL,
  DOMID_A, DOMID_B, DOMID_C, GNTMAP_host_map, GNTMAP_device_map, GNTMAP_readonly, GTF_transitive, GTF_reading, GTF_writing,
  GNTST_okay, GNTST_general_error, GNTST_bad_domain, GNTST_bad_gntref, GNTST_bad_handle, GNTST_bad_copy_arg, GNTST_no_space, EBUSY,
  K_TX_FULL, K_TX_SUB, K_RX, G2, G6, copyEndRule, G13, G17, G18, G19, RV_READONLY_REVOKED, DATA, SECRET, setStatusRecheck, isReserved, ERANGE, feSetVersionRule,
  type GrantParams, type GrantState,
} from '../model/grant.js';
import xsa396 from '../examples/grant-xsa396.js';
import cve23041 from '../examples/grant-cve-2022-23041.js';
import xsa226 from '../examples/grant-xsa226.js';
import xsa367 from '../examples/grant-xsa367.js';
import xsa403 from '../examples/grant-xsa403.js';
import stickyEarly from '../examples/grant-sticky-early-reuse.js';
import xsa218 from '../examples/grant-xsa218.js';
import xsa500 from '../examples/grant-xsa500.js';
import xsa255 from '../examples/grant-xsa255.js';
import noRecheck from '../examples/grant-set-status-no-recheck.js';

type M = Model<GrantState, GrantParams>;

const step = (s: GrantState, f: (d: any) => void): GrantState => produce(s, f);

// --- Xen's checks, by hand

const P0 = paramsOf(grant, { refs: 1, pages: 1, version: 'v2', handles: 3, reserved: 'none' });
/** The initial state with data ref 1 granted for `kind` on page 1. */
const granted = (kind: number): GrantState => step(grantInit(P0), (d) => grantPage(d, 1, 1, kind, true, { held: 0, c: [SECRET, SECRET] }));

test('map: GNTST codes of map_grant_ref, in Xen order', () => {
  const s = granted(K_TX_FULL);
  const ro = GNTMAP_host_map | GNTMAP_readonly;
  assert.is(mapCheck(s, DOMID_B, { dom: DOMID_A, ref: 1, flags: GNTMAP_readonly }), GNTST_bad_gntref, 'neither host nor device map');
  assert.is(mapCheck(s, DOMID_B, { dom: 7, ref: 1, flags: ro }), GNTST_bad_domain);
  assert.is(mapCheck(s, DOMID_B, { dom: DOMID_A, ref: 9, flags: ro }), GNTST_bad_gntref);
  assert.is(mapCheck(s, DOMID_C, { dom: DOMID_A, ref: 1, flags: ro }), GNTST_no_space, 'C has no maptrack in the model');
  assert.is(mapCheck(s, DOMID_B, { dom: DOMID_A, ref: 1, flags: GNTMAP_host_map }), GNTST_general_error, 'write map of a GTF_readonly grant');
  assert.is(mapCheck(s, DOMID_B, { dom: DOMID_A, ref: 1, flags: ro }), GNTST_okay);
  assert.is(mapCheck(s, DOMID_B, { dom: DOMID_A, ref: 1, flags: GNTMAP_device_map | GNTMAP_readonly }), GNTST_okay);
  assert.is(mapCheck(granted(K_TX_SUB), DOMID_B, { dom: DOMID_A, ref: 1, flags: ro }), GNTST_general_error, 'sub-page grants cannot be mapped');
  assert.is(mapCheck(s, DOMID_B, { dom: DOMID_A, ref: 2, flags: ro }), GNTST_bad_gntref, 'ref 2 beyond the table (refs=1)');
  // maptrack full: fill the two free handles
  let f = s;
  for (let i = 0; i < 2; i++) f = step(f, (d) => { mapApply(d, f, DOMID_B, { dom: DOMID_A, ref: 1, flags: ro }, 0); });
  assert.is(mapCheck(f, DOMID_B, { dom: DOMID_A, ref: 1, flags: ro }), GNTST_no_space);
  // an invalid entry (never granted) cannot be mapped
  assert.is(mapCheck(grantInit(P0), DOMID_B, { dom: DOMID_A, ref: 1, flags: ro }), GNTST_general_error);
  // a writable grant can be mapped writable, and the status shows reading|writing
  const rx = granted(K_RX);
  assert.is(mapCheck(rx, DOMID_B, { dom: DOMID_A, ref: 1, flags: GNTMAP_device_map }), GNTST_okay);
  const m = step(rx, (d) => { mapApply(d, rx, DOMID_B, { dom: DOMID_A, ref: 1, flags: GNTMAP_device_map }, 0); });
  assert.is(m.ga[1]!.status, GTF_reading | GTF_writing);
  assert.is(m.aa[1]!.devw, 1);
  assert.ok(G6.holds(m, P0));
});

test('unmap: GNTST_bad_handle for a free handle; the last pin clears GTF_reading', () => {
  const s = granted(K_TX_FULL);
  assert.is(unmapCheck(s, DOMID_B, 1), GNTST_bad_handle);
  assert.is(unmapCheck(s, DOMID_B, 5), GNTST_bad_handle);
  const ro = { dom: DOMID_A, ref: 1, flags: GNTMAP_host_map | GNTMAP_readonly };
  let h = -1;
  const m = step(s, (d) => { h = mapApply(d, s, DOMID_B, ro, 0); });
  assert.is(m.ga[1]!.status, GTF_reading);
  assert.is(unmapCheck(m, DOMID_B, h), GNTST_okay);
  const u = step(m, (d) => unmapApply(d, m, h));
  assert.is(u.ga[1]!.status, 0);
  assert.is(u.aa[1], null);
  assert.is(u.mt[h], null);
});

test('copy: bounds, sub-page window, read-only destination, transitive one level and no self-reference', () => {
  const s = granted(K_TX_FULL);
  const src = { dom: DOMID_A, ref: 1, w: 0, offset: 0, len: 2 };
  assert.is(copyCheck(s, DOMID_B, { ...src, offset: 1, len: 2 }).status, GNTST_bad_copy_arg, 'offset + len > PAGE_SIZE');
  assert.is(copyCheck(s, DOMID_B, { ...src, dom: 9 }).status, GNTST_bad_domain);
  assert.is(copyCheck(s, DOMID_B, { ...src, ref: 4 }).status, GNTST_bad_gntref);
  assert.is(copyCheck(s, DOMID_B, src).status, GNTST_okay);
  assert.is(copyCheck(s, DOMID_B, { ...src, w: 1 }).status, GNTST_general_error, 'read-only grant as copy destination');
  assert.is(copyCheck(s, DOMID_C, src).status, GNTST_general_error, 'C is not the grantee');
  const sub = granted(K_TX_SUB);
  assert.is(copyCheck(sub, DOMID_B, { ...src, len: 1 }).status, GNTST_okay, 'inside [page_off, page_off+length)');
  assert.is(copyCheck(sub, DOMID_B, src).status, GNTST_general_error, 'outside the sub-page window');
  assert.is(copyCheck(sub, DOMID_B, { ...src, offset: 1, len: 1 }).status, GNTST_general_error);
  // B grants C a transitive grant to A:1: C may copy through it, one level
  const t = (domid: number, td: number, tg: number) => step(s, (d) => { d.gb[0] = { flags: GTF_transitive, domid, frame: 0, page_off: 0, length: 0, trans_domid: td, trans_gref: tg, status: 0 }; });
  const viaB = { dom: DOMID_B, ref: 0, w: 0, offset: 0, len: 2 };
  const ok = copyCheck(t(DOMID_C, DOMID_A, 1), DOMID_C, viaB);
  assert.is(ok.status, GNTST_okay);
  assert.equal(ok.pins.map((x) => ({ dom: x.dom, ref: x.ref })), [{ dom: DOMID_B, ref: 0 }, { dom: DOMID_A, ref: 1 }]);
  assert.is(ok.hops, 1);
  assert.is(copyCheck(t(DOMID_B, DOMID_B, 0), DOMID_B, viaB).status, GNTST_general_error, 'self-referential transitive grant');
  assert.is(copyCheck(t(DOMID_C, DOMID_A, 0), DOMID_C, viaB).status, GNTST_okay, 'the ring grant is a plain grant to B');
  // the XSA-226 acquire follows the self-reference
  const chained = copyCheck(t(DOMID_B, DOMID_B, 0), DOMID_B, viaB, { chain: true });
  assert.is(chained.status, GNTST_okay);
  assert.ok(chained.hops > 1);
  // begin pins both entries (status reading), end releases them
  const ts = t(DOMID_C, DOMID_A, 1);
  const b = step(ts, (d) => copyBegin(d, ts, DOMID_C, viaB, ok));
  assert.is(b.ga[1]!.status, GTF_reading);
  assert.is(b.gb[0]!.status, GTF_reading);
  assert.is(b.aa[1]!.cpr, 1);
  assert.ok(G6.holds(b, P0));
  const e = step(b, (d) => copyEnd(d, b, 0));
  assert.is(e.ga[1]!.status, 0);
  assert.is(e.aa[1], null);
  assert.is(e.cp.length, 0);
});

test('copy_end writes DATA into the halves it copies to, a secret one too (a writable entry on a freed page)', () => {
  // a hostile granter may point a writable entry at a freed page (its halves SECRET): the copy's memcpy writes
  // them, and copy_end skips only halves that hold DATA already (model/grant.ts copyEndRule)
  const s = step(grantInit(P0), (d) => { d.ga[1] = { flags: GTF_permit_access, domid: DOMID_B, frame: 1, page_off: 0, length: 0, trans_domid: 0, trans_gref: 0, status: 0 }; });
  assert.equal(s.pg[1]!.c, [SECRET, SECRET]);
  for (const [len, c] of [[1, [DATA, SECRET]], [2, [DATA, DATA]]] as const) {
    const op = { dom: DOMID_A, ref: 1, w: 1, offset: 0, len };
    const acq = copyCheck(s, DOMID_B, op);
    assert.is(acq.status, GNTST_okay);
    const b = step(s, (d) => copyBegin(d, s, DOMID_B, op, acq));
    const e = step(b, (d) => copyEndRule.then(d, b, P0, 0));
    assert.equal(e.pg[1]!.c, c, `a copy of [0,${len})`);
    assert.is(e.cp.length, 0);
    assert.is(e.aa[1], null);
  }
});

test('v2 end: fails while mapped (flags already 0), succeeds once unmapped; query reads the status; set_version -EBUSY', () => {
  const s = granted(K_TX_FULL);
  let ok = true, h = -1;
  const m = step(s, (d) => { h = mapApply(d, s, DOMID_B, { dom: DOMID_A, ref: 1, flags: GNTMAP_host_map | GNTMAP_readonly }, 0); });
  assert.is(gnttabQueryForeignAccess(m, 1), GTF_reading);
  const f = step(m, (d) => { ok = gnttabEndForeignAccessRef(d, m, 1); });
  assert.is(ok, false);
  assert.is(f.ga[1]!.flags, 0);
  // Xen still accepts a read-only map of the pinned entry (only pinned entries skip the type check)
  assert.is(mapCheck(f, DOMID_B, { dom: DOMID_A, ref: 1, flags: GNTMAP_host_map | GNTMAP_readonly }), GNTST_okay);
  const u = step(f, (d) => unmapApply(d, f, h));
  assert.is(mapCheck(u, DOMID_B, { dom: DOMID_A, ref: 1, flags: GNTMAP_host_map | GNTMAP_readonly }), GNTST_general_error);
  step(u, (d) => { ok = gnttabEndForeignAccessRef(d, u, 1); });
  assert.is(ok, true);
  assert.is(setVersionCheck(s, 1), EBUSY);
  const idle = step(grantInit(P0), (d) => { d.ga[0] = { ...d.ga[0], flags: 0, status: 0 }; d.aa[0] = null; d.mt[0] = null; });
  assert.is(setVersionCheck(idle, 1), GNTST_okay);
});

test('grantPage: zeroed page with payload; the XSA-403 path keeps old contents', () => {
  const s = grantInit(P0);
  const z = step(s, (d) => grantPage(d, 1, 1, 1 /* K_TX_PART */, true, s.pg[1]!));
  assert.equal(z.pg[1]!.c, [DATA, DATA]);
  const nz = step(s, (d) => grantPage(d, 1, 1, 1, false, s.pg[1]!));
  assert.equal(nz.pg[1]!.c, [DATA, SECRET]);
});

test('status bits as Xen writes them: set by the first (write) pin, cleared by reduce_status_for_pin only when no pin justifies them', () => {
  const rx = granted(K_RX);
  const dev = { dom: DOMID_A, ref: 1, flags: GNTMAP_device_map }; // writable device map
  const hro = { dom: DOMID_A, ref: 1, flags: GNTMAP_host_map | GNTMAP_readonly };
  let h1 = -1, h2 = -1;
  const m = step(rx, (d) => { h1 = mapApply(d, rx, DOMID_B, hro, 0); });
  assert.is(m.ga[1]!.status, GTF_reading, 'a read pin sets GTF_reading only');
  const m2 = step(m, (d) => { h2 = mapApply(d, m, DOMID_B, dev, 0); });
  assert.is(m2.ga[1]!.status, GTF_reading | GTF_writing, 'the first write pin sets GTF_writing');
  // a read copy begins and ends: the device write pin keeps GTF_writing, the host map GTF_reading (XSA-230)
  const src = { dom: DOMID_A, ref: 1, w: 0, offset: 0, len: 2 };
  const c = step(m2, (d) => copyBegin(d, m2, DOMID_B, src, copyCheck(m2, DOMID_B, src)));
  const ce = step(c, (d) => copyEnd(d, c, 0));
  assert.is(ce.ga[1]!.status, GTF_reading | GTF_writing);
  // unmapping the read-only host map leaves both bits (the device write pin remains)
  const u1 = step(ce, (d) => unmapApply(d, ce, h1));
  assert.is(u1.ga[1]!.status, GTF_reading | GTF_writing);
  const u2 = step(u1, (d) => unmapApply(d, u1, h2));
  assert.is(u2.ga[1]!.status, 0);
  assert.is(u2.aa[1], null);
  for (const x of [m, m2, c, ce, u1, u2]) assert.ok(G6.holds(x, P0) && pinsAccount.holds(x, P0));
});

test('unmap in two phases and in parts: unmap_common frees the handle, the pins and status stay until unmap_common_complete', () => {
  const rx = granted(K_RX);
  const both = { dom: DOMID_A, ref: 1, flags: GNTMAP_host_map | GNTMAP_device_map };
  let h = -1;
  const m = step(rx, (d) => { h = mapApply(d, rx, DOMID_B, both, 0); });
  assert.equal([m.aa[1]!.hstw, m.aa[1]!.devw], [1, 1]);
  // host part only (op->host_addr given, dev_bus_addr 0): the handle keeps its device part
  let done = 0;
  const p1 = step(m, (d) => { done = unmapCommon(d, m, h, GNTMAP_host_map); });
  assert.is(done, GNTMAP_host_map);
  assert.is(p1.mt[h]!.flags, GNTMAP_device_map);
  assert.equal([p1.aa[1]!.hstw, p1.aa[1]!.devw], [1, 1], 'pins stay until the second phase');
  const c1 = step(p1, (d) => unmapCommonComplete(d, DOMID_A, 1, done));
  assert.equal([c1.aa[1]!.hstw, c1.aa[1]!.devw], [0, 1]);
  assert.is(c1.ga[1]!.status, GTF_reading | GTF_writing, 'the device write pin keeps both bits');
  // nothing to unmap: op->done = 0
  const none = step(c1, (d) => { done = unmapCommon(d, c1, h, GNTMAP_host_map); });
  assert.is(done, 0);
  assert.equal(none, c1);
  const p2 = step(c1, (d) => { done = unmapCommon(d, c1, h, GNTMAP_device_map); });
  assert.is(p2.mt[h], null, 'the handle goes once neither part is left');
  assert.is(p2.ga[1]!.status, GTF_reading | GTF_writing);
  const c2 = step(p2, (d) => unmapCommonComplete(d, DOMID_A, 1, done));
  assert.is(c2.ga[1]!.status, 0);
  assert.is(c2.aa[1], null);
});

test('v1: the status bits live in the flags word; the end is a cmpxchg that keeps the entry while in use', () => {
  const P1 = paramsOf(grant, { refs: 1, pages: 1, version: 'v1', handles: 3 });
  const s0 = grantInit(P1);
  assert.is(s0.gt_version, 1);
  assert.is(s0.ga[0]!.flags, GTF_permit_access | GTF_reading | GTF_writing, 'the mapped ring: bits in the flags');
  const s = step(s0, (d) => grantPage(d, 1, 1, K_TX_FULL, true, { held: 0, c: [SECRET, SECRET] }));
  let h = -1, ok = true;
  const m = step(s, (d) => { h = mapApply(d, s, DOMID_B, { dom: DOMID_A, ref: 1, flags: GNTMAP_host_map | GNTMAP_readonly }, 0); });
  assert.is(m.ga[1]!.flags, GTF_permit_access | GTF_readonly | GTF_reading);
  assert.is(m.ga[1]!.status, 0);
  assert.is(statusOf(m, DOMID_A, 1), GTF_reading);
  const f = step(m, (d) => { ok = gnttabEndForeignAccessRef(d, m, 1); });
  assert.is(ok, false);
  assert.equal(f.ga[1], m.ga[1], 'v1: a failed end leaves the entry (GTF_readonly included) as it was');
  // so, unlike v2, the grantee cannot add a writable pin after a failed end
  assert.is(mapCheck(f, DOMID_B, { dom: DOMID_A, ref: 1, flags: GNTMAP_host_map }), GNTST_general_error);
  const u = step(f, (d) => unmapApply(d, f, h));
  assert.is(u.ga[1]!.flags, GTF_permit_access | GTF_readonly);
  step(u, (d) => { ok = gnttabEndForeignAccessRef(d, u, 1); });
  assert.is(ok, true);
  // v1 has no sub-page entries: GTF_sub_page in a v1 entry is refused for a map like any bad flag
  const sub = step(s, (d) => { d.ga[1]!.flags |= GTF_sub_page; });
  assert.is(mapCheck(sub, DOMID_B, { dom: DOMID_A, ref: 1, flags: GNTMAP_host_map | GNTMAP_readonly }), GNTST_general_error);
});

test('v2: a failed end writes the flags alone; a grantee holding a read pin then gets a writable pin, by map and by copy (finding)', () => {
  const s = granted(K_TX_FULL);
  assert.ok(s.ga[1]!.flags & GTF_readonly, 'a tx grant is read-only');
  let ok = true;
  const m = step(s, (d) => { mapApply(d, s, DOMID_B, { dom: DOMID_A, ref: 1, flags: GNTMAP_host_map | GNTMAP_readonly }, 0); });
  const f = step(m, (d) => { ok = gnttabEndForeignAccessRef(d, m, 1); });
  assert.is(ok, false, 'the status shows GTF_reading');
  assert.is(f.ga[1]!.flags, 0);
  // Linux gnttab_end_foreign_access_ref_v2 writes `flags = 0` and nothing else: domid and frame stay
  assert.equal({ ...f.ga[1]!, flags: m.ga[1]!.flags }, m.ga[1]);
  // _set_status_v2 checks type and domid only `if (!act->pin)`; GTF_readonly against the current flags (0);
  // the XSA-500 comparison finds the stale frame equal: Xen grants a write pin on a read-only grant
  assert.is(mapCheck(f, DOMID_B, { dom: DOMID_A, ref: 1, flags: GNTMAP_host_map }), GNTST_okay, 'writable map');
  assert.is(copyCheck(f, DOMID_B, { dom: DOMID_A, ref: 1, w: 1, offset: 0, len: 1 }).status, GNTST_okay, 'destination copy');
  // G19's ghost: set by the failed end of a read-only grant that is pinned; the write pin breaks G19 (G2 reads the flags: 0)
  assert.is(f.rv[1], RV_READONLY_REVOKED);
  const w = step(f, (d) => { mapApply(d, f, DOMID_B, { dom: DOMID_A, ref: 1, flags: GNTMAP_host_map }, 0); });
  assert.ok(G2.holds(w, P0), 'G2 reads the current flags');
  assert.not.ok(G19.holds(w, P0), 'G19: a write pin on a read-only grant revoked while pinned');
  // Xen's fix (setStatusPinned=checked): _set_status checks a pinned entry's type and domid too
  assert.is(mapCheck(f, DOMID_B, { dom: DOMID_A, ref: 1, flags: GNTMAP_host_map }, true), GNTST_general_error, 'writable map refused');
  assert.is(copyCheck(f, DOMID_B, { dom: DOMID_A, ref: 1, w: 1, offset: 0, len: 1 }, { pinnedTypeCheck: true }).status, GNTST_general_error, 'destination copy refused');
  assert.is(mapCheck(f, DOMID_B, { dom: DOMID_A, ref: 1, flags: GNTMAP_host_map | GNTMAP_readonly }, true), GNTST_okay, 'a read map of the pinned entry needs no status update');
  // the ghost goes with the last pin: the unpinned entry (flags 0) takes no new pin
  const h = f.mt.findIndex((x) => x !== null && x.ref === 1);
  const u = step(f, (d) => { unmapApply(d, f, h); });
  assert.is(u.aa[1], null);
  assert.is(u.rv[1], 0);
  // forgetDeadEntry: the invalid entry, unpinned, forgets domid and frame (nothing reads them); the status word is Xen's and stays
  assert.equal([u.ga[1]!.flags, u.ga[1]!.domid, u.ga[1]!.frame], [0, 0, 0]);
  const ended = step(s, (d) => { assert.ok(gnttabEndForeignAccessRef(d, s, 1), 'idle: the end succeeds'); });
  assert.equal([ended.ga[1]!.domid, ended.ga[1]!.frame, ended.rv[1]], [0, 0, 2], 'a successful v2 end leaves nothing of the grant');
  // a writable grant (RX) revoked while pinned sets no ghost
  const rx = granted(K_RX);
  const rm = step(rx, (d) => { mapApply(d, rx, DOMID_B, { dom: DOMID_A, ref: 1, flags: GNTMAP_host_map | GNTMAP_readonly }, 0); });
  assert.is(step(rm, (d) => { gnttabEndForeignAccessRef(d, rm, 1); }).rv[1], 0);
});

test('pinned entries: map checks act->domid and is_sub_page, re-checks GTF_readonly only for a first write pin', () => {
  const rx = granted(K_RX);
  const w = { dom: DOMID_A, ref: 1, flags: GNTMAP_device_map };
  const m = step(rx, (d) => { mapApply(d, rx, DOMID_B, w, 0); });
  // the granter sets GTF_readonly while write-pinned: a further write map needs no _set_status, Xen accepts it
  const ro = step(m, (d) => { d.ga[1]!.flags |= GTF_readonly; });
  assert.is(mapCheck(ro, DOMID_B, w), GNTST_okay);
  // but a first write pin on a read-pinned entry re-checks the current flags
  const rd = step(granted(K_RX), (d) => { mapApply(d, granted(K_RX), DOMID_B, { dom: DOMID_A, ref: 1, flags: GNTMAP_host_map | GNTMAP_readonly }, 0); });
  assert.is(mapCheck(step(rd, (d) => { d.ga[1]!.flags |= GTF_readonly; }), DOMID_B, w), GNTST_general_error);
  // the granter invalidates a pinned entry: a pinned entry skips the type check (only act is looked at)
  assert.is(mapCheck(step(rd, (d) => { d.ga[1]!.flags = 0; }), DOMID_B, { dom: DOMID_A, ref: 1, flags: GNTMAP_host_map | GNTMAP_readonly }), GNTST_okay);
  // a sub-page entry pinned by a copy cannot be mapped, whatever the shared entry says now
  const sub = granted(K_TX_SUB);
  const src = { dom: DOMID_A, ref: 1, w: 0, offset: 0, len: 1 };
  const cp = step(sub, (d) => copyBegin(d, sub, DOMID_B, src, copyCheck(sub, DOMID_B, src)));
  assert.is(cp.aa[1]!.is_sub_page, 1);
  assert.is(mapCheck(step(cp, (d) => { d.ga[1]!.flags = GTF_permit_access | GTF_readonly; }), DOMID_B, { dom: DOMID_A, ref: 1, flags: GNTMAP_host_map | GNTMAP_readonly }), GNTST_general_error);
});

test('acquire_grant_for_copy follows the shared entry: a pinned transitive entry rewritten gives ERESTART; a pinned plain entry with a new frame is refused (XSA-500)', () => {
  const s = granted(K_RX);
  const tr = (st: GrantState, tg: number) => step(st, (d) => { d.gb[0] = { flags: GTF_transitive, domid: DOMID_C, frame: 0, page_off: 0, length: 0, trans_domid: DOMID_A, trans_gref: tg, status: d.gb[0]!.status }; });
  const t1 = tr(s, 1);
  const viaB = { dom: DOMID_B, ref: 0, w: 0, offset: 0, len: 2 };
  const a1 = copyCheck(t1, DOMID_C, viaB);
  const pinned = step(t1, (d) => copyBegin(d, t1, DOMID_C, viaB, a1));
  assert.is(pinned.ab[0]!.is_sub_page, 1, 'a pinned transitive entry is treated as sub-page');
  assert.is(pinned.gb[0]!.status, GTF_reading);
  // B rewrites its pinned transitive entry to point at the ring grant: the next copy sees the change and restarts
  const moved = tr(pinned, 0);
  assert.is(copyCheck(moved, DOMID_C, viaB).status, ERESTART);
  assert.is(copyCheck(pinned, DOMID_C, viaB).status, GNTST_okay, 'unchanged: a second copy joins the pins');
  // A (the granter) points a read-pinned writable entry at another frame; a write copy needs _set_status and compares
  let h = -1;
  const m = step(s, (d) => { h = mapApply(d, s, DOMID_B, { dom: DOMID_A, ref: 1, flags: GNTMAP_host_map | GNTMAP_readonly }, 0); });
  const reframed = step(m, (d) => { d.ga[1]!.frame = 0; });
  const dst = { dom: DOMID_A, ref: 1, w: 1, offset: 0, len: 2 };
  assert.is(copyCheck(reframed, DOMID_B, dst).status, GNTST_general_error);
  const pre500 = copyCheck(reframed, DOMID_B, dst, { noPinnedCompare: true });
  assert.is(pre500.status, GNTST_okay);
  assert.equal([pre500.frame, pre500.pf], [1, 0], 'without the check: act->mfn is mapped, the shared frame referenced');
  // a read copy needs no status change: it uses act->mfn and never reads the shared frame
  const r = copyCheck(reframed, DOMID_B, { ...dst, w: 0 });
  assert.equal([r.status, r.frame, r.pf], [GNTST_okay, 1, 1]);
  assert.ok(h >= 0);
  // acquire itself: the innermost frame
  assert.is(acquireForCopy(t1, DOMID_B, 0, DOMID_C, true, true).frame, 1);
});

test('copy checks in gnttab_copy_one / gnttab_copy_buf order: zero length okay untouched; the grant is acquired before the area is checked', () => {
  const s = granted(K_TX_FULL);
  const src = { dom: DOMID_A, ref: 1, w: 0, offset: 0, len: 2 };
  assert.is(copyCheck(s, DOMID_B, { ...src, len: 0 }).status, GNTST_okay, 'zero length');
  assert.is(copyCheck(s, DOMID_B, { ...src, len: 0, ref: 9 }).status, GNTST_okay, 'zero length: the grant is not even looked at');
  const z = step(s, (d) => copyBegin(d, s, DOMID_B, { ...src, len: 0 }, copyCheck(s, DOMID_B, { ...src, len: 0 })));
  assert.equal(z, s, 'a zero-length copy pins nothing');
  // beyond the page AND a read-only destination: the acquire fails first
  assert.is(copyCheck(s, DOMID_B, { ...src, w: 1, offset: 1, len: 2 }).status, GNTST_general_error);
  assert.is(copyCheck(s, DOMID_B, { ...src, ref: 7, offset: 1, len: 2 }).status, GNTST_bad_gntref);
  assert.is(copyCheck(s, DOMID_B, { ...src, offset: 1, len: 2 }).status, GNTST_bad_copy_arg);
});

test('set_version as gnttab_set_version: -EINVAL, no-op at the same version, -EBUSY while pinned, otherwise every entry wiped', () => {
  const s = granted(K_TX_FULL);
  assert.is(setVersionCheck(s, 3), EINVAL);
  assert.is(setVersionCheck(s, 2), GNTST_okay, 'same version: nothing to do');
  assert.is(setVersionCheck(s, 1), EBUSY, 'the ring is pinned');
  const unpinned = step(s, (d) => { d.aa[0] = null; d.mt[0] = null; d.ga[0]!.status = 0; });
  assert.is(setVersionCheck(unpinned, 1), GNTST_okay, 'valid but unpinned entries do not stop a switch');
  const v1 = step(unpinned, (d) => setVersionApply(d, unpinned, 1));
  assert.is(v1.gt_version, 1);
  assert.ok(v1.ga.every((e) => e.flags === 0 && e.status === 0), 'entries wiped (clear_page)');
  // a sub-page copy in flight is a v2 operation; with it pinned, -EBUSY comes first (every model ref is above the reserved ones)
  const sub = step(unpinned, (d) => grantPage(d, 1, 1, K_TX_SUB, true, { held: 0, c: [SECRET, SECRET] }));
  const a = { dom: DOMID_A, ref: 1, w: 0, offset: 0, len: 1 };
  const cp = step(sub, (d) => copyBegin(d, sub, DOMID_B, a, copyCheck(sub, DOMID_B, a)));
  assert.is(setVersionCheck(cp, 1), EBUSY);
  assert.ok(EAGAIN < 0);
});

// --- variants


function variantCase(name: string, variant: M, ov: Record<string, string>, property: string, steps: number, lastRule: string): void {
  test(`${name}: found (${property}) in ${steps} steps, shortest, replays; the fix verifies`, () => {
    const p = paramsOf(variant, ov);
    const r = runModel(variant, p);
    assert.is(r.outcome, 'violation');
    assert.is(r.violation!.property, property);
    const len = r.violation!.trace.length - 1;
    assert.is(len, steps);
    assert.is(r.violation!.trace[len]!.rule, lastRule);
    assert.ok(replays(variant, p, r), 'trace replays on the variant');
    const shorter = runModel(variant, p, len - 1);
    assert.is(shorter.violation, undefined, `no violation within ${len - 1} steps`);
    // as the examples' fixed-by lines: today's Xen, with an honest granter the built-in's finding G19 left out (it is reported first)
    const g19 = p.granter === 'hostile' ? [] : [G19.name];
    const sys = bind(grant, paramsOf(grant, { refs: p.refs, pages: p.pages, ...ov, transTargets: p.transTargets }), { invariants: [...propertyNames(grant), 'deadlock'].filter((n) => !g19.includes(n)) });
    if (E.isLeft(sys)) throw new Error(sys.left);
    const fixed = check(sys.right, { checkDeadlock: true });
    assert.is(fixed.outcome, 'ok', `fix: ${fixed.violation?.property}`);
  });
}

const small = { cacheSize: '0', transitive: '0', copies: '0', subPage: 'false' };
// Hand-worked: grant, netback copies and answers, the frontend consumes the response, queries (idle),
// the hostile backend maps, the frontend ends ignoring the result and frees: 6 steps.
variantCase('XSA-396 query then end', xsa396, small, 'G7_end_only_when_idle', 6, 'fe_end_after_query');
// grant, netback copies, response, hostile map, deferred end fails and the page is freed: 5 steps.
variantCase('CVE-2022-23041 deferred end without the page', cve23041, small, 'G9_page_held_while_granted', 5, 'fe_gnttab_end_foreign_access');
// B writes B:0 -> B:0 granted to itself, then copies through it: 2 steps. The faithful model (transWrites=steps): the
// default quotient folds the write into the copy (1 step; the CLI writes the faithful 2, test/grantFaithfulTrace).
variantCase('XSA-226 chained transitive grants', xsa226, { cacheSize: '0', handles: '1', transWrites: 'steps' }, 'G5_transitive_one_level', 2, 'GNTTABOP_copy_begin');
// sub-page grant, netback maps it (GNTST_general_error), uses it anyway: 3 steps.
variantCase('XSA-367 failed map used', xsa367, { cacheSize: '0', transitive: '0', copies: '0' }, 'failed_map_never_used', 3, 'be_use_unmap_respond');
// one step: a full-page grant of a page whose second half is old kernel data.
variantCase('XSA-403 unzeroed granted page', xsa403, small, 'G12_no_secret_through_grant', 1, 'fe_gnttab_grant_foreign_access_ref');
// sticky grant (ADD), backend caches it, ADD answered, DEL sent and the grant treated as removed: 4 steps.
variantCase('sticky grant reused before DEL acknowledged', stickyEarly, { transitive: '0', copies: '0', subPage: 'false' }, 'S2_ungrant_acknowledged', 4, 'fe_DEL_GREF_MAPPING');

// the hostile domain maps, starts unmapping (pins dropped early), netback maps and unmaps the same ref: 5 steps at v1;
// at v2 (without copies: with one, a copy takes the map's place in 5) the hostile map is three steps (_set_status_v2:
// read and check, status write and smp_mb(), re-read and pin): 7, at two map handles (the ring's and one more, the
// default until 2026-12-06); with three, netback maps first and the hostile map of the pinned entry is one step: 5.
variantCase('XSA-218 pins dropped before the TLB flush (v2)', xsa218, { ...small, version: 'v2', handles: '2' }, 'G6_status_tracks_pins', 7, 'be_use_unmap_respond');
variantCase('XSA-218 pins dropped before the TLB flush (v1)', xsa218, { ...small, version: 'v1' }, 'G6_status_tracks_pins', 5, 'be_use_unmap_respond');

// the hostile granter grants a page read-only, dom0 maps it, the granter points the pinned entry at another
// (writable) frame, dom0 copies into it: Xen references one frame and writes the other. 4 steps.
variantCase('XSA-500 pinned entry not compared', xsa500, { granter: 'hostile', cacheSize: '0', transitive: '0', subPage: 'false', unmaps: '0' },
  'G15_copy_frame_is_referenced_frame', 4, 'GNTTABOP_copy_begin');

// netback disconnects (the ring unpinned), the hostile granter maps its status frames, switches to v1: 3 steps.
variantCase('XSA-255 status frames freed while mapped', xsa255, { granter: 'hostile', cacheSize: '0', transitive: '0', subPage: 'false', unmaps: '0', version: 'v2' },
  'G16_status_frames_freed_only_unmapped', 3, 'fe_GNTTABOP_set_version');

// grant, netback copies, response, the hostile map reads and checks the v2 flags, netfront's end (flags = 0; mb(); status
// idle: ref released, page freed), Xen writes the status, pins without the re-read: 7 steps.
variantCase('_set_status_v2 without its re-read', noRecheck, {}, 'G7_end_only_when_idle', 7, 'GNTTABOP_map_recheck');
// the hostile granter grants read-only, dom0's map reads the flags, the granter clears the entry and reads an idle
// status, Xen writes the status and pins: 5 steps.
variantCase('_set_status_v2 without its re-read (hostile granter)', noRecheck, { granter: 'hostile', cacheSize: '0', transitive: '0', subPage: 'false', unmaps: '0' },
  'G17_idle_status_is_final', 5, 'GNTTABOP_map_recheck');

test('_set_status_v2 in three steps: the re-read after smp_mb() fails a map whose entry changed and clears what it set', () => {
  const P = paramsOf(grant, { refs: 1, pages: 1, handles: 2, version: 'v2', reserved: 'none' });
  const ro = GNTMAP_host_map | GNTMAP_readonly;
  const e = { flags: GTF_permit_access, domid: DOMID_B, frame: 1, page_off: 0, length: 0, trans_domid: 0, trans_gref: 0, status: 0 };
  // unpinned: type, domid, sub-page (maps), read-only (writes) re-checked; pinned: only GTF_readonly
  assert.is(setStatusRecheck(e, false, false, true, DOMID_B), GNTST_okay);
  assert.is(setStatusRecheck({ ...e, flags: 0 }, false, true, true, DOMID_B), GNTST_general_error);
  assert.is(setStatusRecheck({ ...e, domid: DOMID_C }, false, true, true, DOMID_B), GNTST_general_error);
  assert.is(setStatusRecheck({ ...e, flags: GTF_permit_access | GTF_sub_page }, false, true, true, DOMID_B), GNTST_general_error);
  assert.is(setStatusRecheck({ ...e, flags: GTF_permit_access | GTF_sub_page }, false, true, false, DOMID_B), GNTST_okay, 'a copy may take a sub-page entry');
  assert.is(setStatusRecheck({ ...e, flags: GTF_permit_access | GTF_readonly }, false, false, true, DOMID_B), GNTST_general_error);
  assert.is(setStatusRecheck({ ...e, flags: GTF_permit_access | GTF_readonly }, false, true, true, DOMID_B), GNTST_okay);
  assert.is(setStatusRecheck({ ...e, flags: 0 }, true, false, true, DOMID_B), GNTST_okay, 'pinned: the type is not re-read');
  assert.is(setStatusRecheck({ ...e, flags: GTF_permit_access | GTF_readonly }, true, false, true, DOMID_B), GNTST_general_error);
  // the rules: a read-only map of a granted v2 entry, netfront's end between the first read and the status write
  const g = step(grantInit(P, 2), (d) => grantPage(d, 1, 1, K_TX_FULL, true, { held: 0, c: [SECRET, SECRET] }));
  const fire = (s: GrantState, name: string, c: unknown): GrantState => {
    const r = grant.rules.find((x) => x.name === name)!;
    assert.ok(r.when!(s, P, c), `${name} enabled`);
    return produce(s, (d) => { r.then(d as any, s, P, c); });
  };
  const m1 = fire(g, 'rogue_GNTTABOP_map_grant_ref', { ref: 1, flags: ro });
  assert.equal(m1.ms, [{ ref: 1, flags: ro, ph: 1, h: 1 }]);
  assert.is(mapCheck(m1, DOMID_B, { dom: DOMID_A, ref: 1, flags: ro }), GNTST_no_space, 'the map in progress holds the last maptrack handle');
  assert.not.ok(grant.rules.find((x) => x.name === 'be_GNTTABOP_copy')!.when!({ ...m1, be: m1.be.map((b, r) => (r === 1 ? { ...b, st: 1 } : b)) }, P, 1), 'the active entry is locked');
  const ended = step(m1, (d) => { assert.ok(gnttabEndForeignAccessRef(d, m1, 1), 'status idle: the end succeeds'); });
  assert.is(ended.rv[1], 2);
  const m2 = fire(ended, 'GNTTABOP_map_set_status', 0);
  assert.is(m2.ga[1]!.status, GTF_reading);
  const m3 = fire(m2, 'GNTTABOP_map_recheck', 0);
  assert.is(m3.ga[1]!.status, 0, 'the re-read cleared the bit');
  assert.is(m3.aa[1], null);
  assert.is(m3.mt.filter((m) => m !== null).length, 1, 'the handle went back');
  assert.ok(G17.holds(m3, P) && G6.holds(m3, P));
  // the end after the status write fails (Dekker): the bit is seen
  const late = step(m2, (d) => { assert.not.ok(gnttabEndForeignAccessRef(d, m2, 1)); });
  assert.is(fire(late, 'GNTTABOP_map_recheck', 0).ga[1]!.status, 0);
  // no interference: the map completes, with the frame read after the re-read
  const ok = fire(fire(m1, 'GNTTABOP_map_set_status', 0), 'GNTTABOP_map_recheck', 0);
  assert.is(ok.aa[1]!.hstr, 1);
  assert.is(ok.ga[1]!.status, GTF_reading);
  assert.equal(ok.ms, []);
});

test('the reserved entry (GNTTAB_RESERVED_XENSTORE): kept across a switch with its pin and status bits; -EAGAIN and -ERANGE reachable as Xen has them; no -EAGAIN is caught (G18)', () => {
  const P = paramsOf(grant, { refs: 1, pages: 1, version: 'v1' });
  const R = P.refs + 1;
  // netback disconnected and the ring ended by hand: only xenstored's mapping of the reserved entry is left
  const s = step(grantInit(P, 1), (d) => { d.ga[0] = { ...d.ga[0], flags: 0 }; d.aa[0] = null; d.mt[0] = null; d.ringh = -1; d.conn = 0; });
  assert.ok(isReserved(s, R) && !isReserved(s, P.refs));
  assert.is(s.ga[R]!.flags, GTF_permit_access | GTF_reading | GTF_writing);
  assert.is(setVersionCheck(s, 2), GNTST_okay, 'a pinned reserved entry does not make -EBUSY');
  const v2 = step(s, (d) => setVersionApply(d, s, 2));
  assert.equal([v2.ga[R]!.flags, v2.ga[R]!.status, v2.ga[R]!.frame, v2.aa[R]!.hstw], [GTF_permit_access, GTF_reading | GTF_writing, P.pages + 1, 1]);
  assert.ok(G6.holds(v2, P) && G13.holds(v2, P));
  const back = step(v2, (d) => setVersionApply(d, v2, 1));
  assert.is(back.ga[R]!.flags, GTF_permit_access | GTF_reading | GTF_writing);
  // a v2 reserved entry v1 cannot represent, and a v2 operation on it in progress
  const tr = step(v2, (d) => { d.ga[R] = { ...d.ga[R], flags: GTF_transitive, trans_domid: DOMID_C }; });
  assert.is(setVersionCheck(tr, 1), ERANGE);
  const sub = step(v2, (d) => { d.aa[R] = { ...d.aa[R]!, is_sub_page: 1 }; });
  assert.is(setVersionCheck(sub, 1), EAGAIN);
  assert.is(setVersionCheck(sub, 1, { ignoreV2Ops: true }), GNTST_okay);
  assert.not.ok(G18.holds(step(sub, (d) => { d.gt_version = 1; }), P));
  // reachable: shortest searches for a state where set_version to v1 returns the code, with reserved=racing
  const racing = paramsOf(grant, { refs: 1, pages: 1, granter: 'hostile', reserved: 'racing', cacheSize: '0', transitive: '0', subPage: 'false', unmaps: '0', version: 'v2' });
  for (const [name, code, steps] of [['EAGAIN', EAGAIN, 4], ['ERANGE', ERANGE, 2]] as const) {
    const probe = { ...grant, invariants: [{ name: `no_${name}`, description: `set_version(1) never returns ${name}`, see: '', holds: (x: GrantState) => setVersionCheck(x, 1) !== code }] } as M;
    const r = runModel(probe, racing);
    assert.is(r.outcome, 'violation', name);
    assert.is(r.violation!.trace.length - 1, steps, `${name}: ${r.violation!.trace.map((t) => t.rule).join(', ')}`);
  }
  // set_version without the -EAGAIN check: a sub-page pin of the reserved entry survives into v1
  const v = deriveModel(grant, { name: 'grant-set-version-ignores-v2-ops', description: 'gnttab_set_version without -EAGAIN', see: 'grant_table.c gnttab_set_version', replace: { fe_GNTTABOP_set_version: feSetVersionRule({ ignoreV2Ops: true }) } });
  const r = runModel(v, racing);
  assert.is(r.violation?.property, 'G18_no_v2_operation_at_v1');
  assert.is(r.violation!.trace.length - 1, 5);
  assert.ok(replays(v, racing, r));
});

test('XSA-396 needs the hostile grantee: with an honest backend the query-then-end frontend is safe', () => {
  const r = runModel(xsa396, paramsOf(xsa396, { ...small, grantee: 'honest' }));
  assert.is(r.outcome, 'ok');
});

test.run();
