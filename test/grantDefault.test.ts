/**
 * `pvcheck check grant` at its default bounds (sub-page, transitive and sticky
 * grants, hostile grantee) verifies with every rule fired; so does the honest
 * grantee at two interchangeable refs and pages. Kept in its own file: the
 * default search takes about 10 s.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { resolveParams } from '../model/params.js';
import { bind } from '../properties/bind.js';
import { check } from '../checker/explore.js';
import { grant } from '../model/grant.js';

const verify = (ov: Record<string, string>) => {
  const p = resolveParams(grant.params, ov);
  if (E.isLeft(p)) throw new Error(p.left);
  const sys = bind(grant, p.right);
  if (E.isLeft(sys)) throw new Error(sys.left);
  return { p: p.right, r: check(sys.right) };
};

test('default bounds: hostile grantee, sub-page, transitive and sticky grants: verifies, every rule fires', () => {
  const { p, r } = verify({});
  assert.is(p.grantee, 'hostile');
  assert.ok(p.subPage && p.transitive > 0 && p.cacheSize > 0 && p.copies > 0);
  assert.is(r.outcome, 'ok', r.violation?.property);
  // every rule fires but the hostile granter's, which the default (an honest granter) leaves out
  assert.equal(r.neverFired, ['rogue_granter_write_entry', 'rogue_granter_status_frames']);
  const leaked = r.observables!.find((o) => o.name === 'leaked_grants')!;
  assert.is(leaked.max, 1, 'a hostile grantee can make an end fail (the grant is deferred, not freed)');
});

test('honest grantee, 2 refs and 2 pages: verifies; no end ever fails', () => {
  const { r } = verify({ grantee: 'honest', refs: '2', pages: '2' });
  assert.is(r.outcome, 'ok', r.violation?.property);
  assert.is(r.observables!.find((o) => o.name === 'leaked_grants')!.max, 0);
  assert.ok(r.neverFired.includes('fe_gnttab_handle_deferred'));
});

test.run();
