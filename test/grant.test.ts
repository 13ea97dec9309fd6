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
import type { Model } from '../model/core.js';
import { paramsOf, replays, runModel } from './support/models.js';
import {
  grant, grantInit, mapCheck, mapApply, unmapCheck, unmapApply, copyCheck, copyBegin, copyEnd, setVersionCheck, grantPage,
  gnttabEndForeignAccessRef, gnttabQueryForeignAccess,
  DOMID_A, DOMID_B, DOMID_C, GNTMAP_host_map, GNTMAP_device_map, GNTMAP_readonly, GTF_transitive, GTF_reading, GTF_writing,
  GNTST_okay, GNTST_general_error, GNTST_bad_domain, GNTST_bad_gntref, GNTST_bad_handle, GNTST_bad_copy_arg, GNTST_no_space, EBUSY,
  K_TX_FULL, K_TX_SUB, K_RX, G6, ZERO, PAYLOAD, SECRET,
  type GrantParams, type GrantState,
} from '../model/grant.js';
import xsa396 from '../examples/grant-xsa396.js';
import cve23041 from '../examples/grant-cve-2022-23041.js';
import xsa226 from '../examples/grant-xsa226.js';
import xsa367 from '../examples/grant-xsa367.js';
import xsa403 from '../examples/grant-xsa403.js';
import stickyEarly from '../examples/grant-sticky-early-reuse.js';

type M = Model<GrantState, GrantParams>;

const step = (s: GrantState, f: (d: any) => void): GrantState => produce(s, f);

// --- Xen's checks, by hand

const P0 = paramsOf(grant, {});
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
  assert.equal(ok.pins, [{ dom: DOMID_B, ref: 0 }, { dom: DOMID_A, ref: 1 }]);
  assert.is(ok.hops, 1);
  assert.is(copyCheck(t(DOMID_B, DOMID_B, 0), DOMID_B, viaB).status, GNTST_general_error, 'self-referential transitive grant');
  assert.is(copyCheck(t(DOMID_C, DOMID_A, 0), DOMID_C, viaB).status, GNTST_okay, 'the ring grant is a plain grant to B');
  // the XSA-226 acquire follows the self-reference
  const chained = copyCheck(t(DOMID_B, DOMID_B, 0), DOMID_B, viaB, true);
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
  assert.equal(z.pg[1]!.c, [PAYLOAD, ZERO]);
  const nz = step(s, (d) => grantPage(d, 1, 1, 1, false, s.pg[1]!));
  assert.equal(nz.pg[1]!.c, [PAYLOAD, SECRET]);
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
    const fixed = runModel(grant, paramsOf(grant, { ...ov, transTargets: p.transTargets }));
    assert.is(fixed.outcome, 'ok', `fix: ${fixed.violation?.property}`);
  });
}

const small = { cacheSize: '0', transitive: '0', copies: '0', subPage: 'false' };
// Hand-worked: grant, netback copies and answers, the frontend consumes the response, queries (idle),
// the hostile backend maps, the frontend ends ignoring the result and frees: 6 steps.
variantCase('XSA-396 query then end', xsa396, small, 'G7_end_only_when_idle', 6, 'fe_end_after_query');
// grant, netback copies, response, hostile map, deferred end fails and the page is freed: 5 steps.
variantCase('CVE-2022-23041 deferred end without the page', cve23041, small, 'G9_page_held_while_granted', 5, 'fe_gnttab_end_foreign_access');
// B writes B:0 -> B:0 granted to itself, then copies through it: 2 steps.
variantCase('XSA-226 chained transitive grants', xsa226, { cacheSize: '0', handles: '1' }, 'G5_transitive_one_level', 2, 'GNTTABOP_copy_begin');
// sub-page grant, netback maps it (GNTST_general_error), uses it anyway: 3 steps.
variantCase('XSA-367 failed map used', xsa367, { cacheSize: '0', transitive: '0', copies: '0' }, 'failed_map_never_used', 3, 'be_use_unmap_respond');
// one step: a full-page grant of a page whose second half is old kernel data.
variantCase('XSA-403 unzeroed granted page', xsa403, small, 'G12_no_secret_through_grant', 1, 'fe_gnttab_grant_foreign_access_ref');
// sticky grant (ADD), backend caches it, ADD answered, DEL sent and the grant treated as removed: 4 steps.
variantCase('sticky grant reused before DEL acknowledged', stickyEarly, { transitive: '0', copies: '0', subPage: 'false' }, 'S2_ungrant_acknowledged', 4, 'fe_DEL_GREF_MAPPING');

test('XSA-396 needs the hostile grantee: with an honest backend the query-then-end frontend is safe', () => {
  const r = runModel(xsa396, paramsOf(xsa396, { ...small, grantee: 'honest' }));
  assert.is(r.outcome, 'ok');
});

test.run();
