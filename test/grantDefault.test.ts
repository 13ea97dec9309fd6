/**
 * `pvcheck check grant` at its default bounds (two refs, two pages; sub-page,
 * transitive and sticky grants, hostile grantee): today's Xen and Linux show the finding G19 (a
 * read-only grant takes a write pin after a failed v2 end), shortest and
 * replayed; every other property verifies with every rule fired (check-all's
 * second grant row); Xen's fix (`setStatusPinned=checked`) verifies G19 too;
 * so does the honest grantee at two interchangeable refs and pages. Kept in
 * its own file: the default searches take several seconds.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { resolveParams } from '../model/params.js';
import { bind } from '../properties/bind.js';
import { check } from '../checker/explore.js';
import { grant } from '../model/grant.js';
import { replays } from './support/models.js';

const G19 = 'G19_readonly_grant_stays_readonly';
const verify = (ov: Record<string, string>, invariants?: string[]) => {
  const p = resolveParams(grant.params, ov);
  if (E.isLeft(p)) throw new Error(p.left);
  const sys = bind(grant, p.right, invariants ? { invariants } : {});
  if (E.isLeft(sys)) throw new Error(sys.left);
  return { p: p.right, r: check(sys.right) };
};
const allBut = (name: string): string[] => [...grant.invariants.map((i) => i.name).filter((n) => n !== name), 'deadlock'];

test('default bounds: the finding G19 in 7 steps (grant, netback maps, the hostile domain maps the pinned entry read-only beside it, netback unmaps and responds, the v2 end fails, a destination copy write-pins), shortest, replays; declared', () => {
  const { p, r } = verify({});
  assert.is(r.outcome, 'violation');
  assert.is(r.violation!.property, G19);
  const t = r.violation!.trace;
  // handles=3 (the default since 2026-12-06): the ring's mapping, netback's and the hostile domain's at once
  assert.equal(t.map((x) => x.rule).slice(1), ['fe_gnttab_grant_foreign_access_ref', 'be_GNTTABOP_map_grant_ref', 'rogue_GNTTABOP_map_grant_ref',
    'be_use_unmap_respond', 'fe_response', 'fe_gnttab_end_foreign_access_ref', 'GNTTABOP_copy_begin']);
  // at handles=2 (the ring's and one more) the hostile map waits for netback's unmap: 8 steps, through _set_status_v2
  const two = verify({ handles: '2' }).r;
  assert.equal(two.violation!.trace.map((x) => x.rule).slice(1), ['fe_gnttab_grant_foreign_access_ref', 'be_GNTTABOP_copy', 'fe_response', 'rogue_GNTTABOP_map_grant_ref',
    'GNTTABOP_map_set_status', 'GNTTABOP_map_recheck', 'fe_gnttab_end_foreign_access_ref', 'GNTTABOP_copy_begin']);
  assert.ok(replays(grant, p, r), 'replays');
  assert.is(t[t.length - 1]!.state.ga[1]!.flags, 0, 'the failed v2 end cleared the flags');
  assert.is(t[t.length - 1]!.state.aa[1]!.cpw, 1, 'a write (copy) pin');
  assert.ok(grant.findings!.includes(G19));
});

test('default bounds, every property but G19 (check-all\'s second row): verifies, every rule fires', () => {
  const { p, r } = verify({}, allBut(G19));
  assert.is(p.grantee, 'hostile');
  assert.ok(p.subPage && p.transitive > 0 && p.cacheSize > 0 && p.copies > 0);
  assert.is(r.outcome, 'ok', r.violation?.property);
  // every rule fires but the hostile granter's, which the default (an honest granter) leaves out, and
  // rogue_end_transitive, which the default transWrites=late folds into the copies (its writes are the class's)
  assert.equal(r.neverFired, ['rogue_end_transitive', 'rogue_granter_write_entry', 'rogue_granter_status_frames']);
  // the faithful model fires it (at one ref and one page: its whole space at the defaults is 3x the quotient's)
  assert.equal(verify({ refs: '1', pages: '1', transWrites: 'steps' }, allBut(G19)).r.neverFired, ['rogue_granter_write_entry', 'rogue_granter_status_frames']);
  const leaked = r.observables!.find((o) => o.name === 'leaked_grants')!;
  assert.is(leaked.max, p.refs, 'a hostile grantee can make the end of each ref fail (the grant is deferred, not freed)');
});

test('Xen\'s fix (setStatusPinned=checked): every property, G19 included, verifies at the default bounds', () => {
  const { r } = verify({ setStatusPinned: 'checked' });
  assert.is(r.outcome, 'ok', r.violation?.property);
});

test('honest grantee, 2 refs and 2 pages: verifies; no end ever fails', () => {
  const { r } = verify({ grantee: 'honest', refs: '2', pages: '2' });
  assert.is(r.outcome, 'ok', r.violation?.property);
  assert.is(r.observables!.find((o) => o.name === 'leaked_grants')!.max, 0);
  assert.ok(r.neverFired.includes('fe_gnttab_handle_deferred'));
});

test.run();
