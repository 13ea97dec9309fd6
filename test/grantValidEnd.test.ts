/**
 * The liveness half of grant's valid-end audit (model/grant.ts
 * `G20_granter_can_reclaim`, AG EF). The model has no terminal state, so
 * `deadlock` checks nothing; what a hostile grantee must not be able to do is
 * leave the granter in a state from which its grants can never come back: a
 * pin nothing can drop, or a ref on Linux's deferred list whose end can never
 * succeed. The built-in verifies (Xen drops every pin its holder can unmap;
 * gnttab_handle_deferred retries); a Linux without the deferred list's timer,
 * and a grantee domain that can map but never unmap, fail it.
 *
 * The grantee's half, `G21_grantee_can_idle` (since 2026-12-06): netback can
 * always get back to rest, every request answered and nothing mapped but the
 * ring. It says what G20 does not: a netback that never answers a failed map,
 * or never finishes a forwarded request, holds no pin of the granter (G20
 * verifies) but never gets back to idle (G21 fails).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deriveModel } from '../model/core.js';
import { grant, BE_DEL_ACK, BE_IDLE, FE_DEFER, type GrantParams, type GrantState } from '../model/grant.js';
import { check } from '../checker/explore.js';
import type { Model } from '../model/core.js';
import { paramsOf, replays, systemOf } from './support/models.js';

const G20 = 'G20_granter_can_reclaim';
// one data ref and one page: every rule, a second each
const SMALL = { refs: 1, pages: 1 };
const run = <S, P>(m: Model<S, P>, p: P) => check(systemOf(m, p, [G20]), {});

test('the built-in verifies G20 with a hostile grantee, with an honest one, and with a hostile granter', () => {
  const rows: Record<string, string>[] = [{}, { grantee: 'honest' }, { granter: 'hostile' }, { granter: 'hostile', grantee: 'honest' }, { transTargets: 'any' }];
  for (const o of rows) {
    const r = run(grant, paramsOf(grant, { ...SMALL, ...o }));
    assert.is(r.outcome, 'ok', JSON.stringify(o));
  }
});

/** Checks G20 on `m` at SMALL plus `o`: it fails, its trace replays; the last state. */
function fails(m: Model<GrantState, GrantParams>, o: Record<string, string> = {}): GrantState {
  const p = paramsOf(m, { ...SMALL, ...o });
  const r = run(m, p);
  assert.is(r.violation?.property, G20);
  assert.ok(replays(m, p, r));
  return r.violation!.trace.at(-1)!.state as GrantState;
}
const pinned = (s: GrantState): boolean => s.aa.slice(1, s.fe.length).some((a) => a !== null);
const deferred = (s: GrantState): boolean => s.fe.some((f) => f.st === FE_DEFER);

const noTimer = deriveModel(grant, { name: 'grant-no-deferred-timer', description: 'gnttab_end_foreign_access defers, nothing retries', remove: ['fe_gnttab_handle_deferred'] });
const neverUnmaps = deriveModel(grant, { name: 'grant-rogue-never-unmaps', description: 'the hostile domain keeps every mapping', remove: ['rogue_GNTTABOP_unmap_grant_ref'] });

test("a Linux whose deferred list is never retried (no gnttab_handle_deferred timer) strands the ref and its page once a hostile grantee kept the grant mapped past the end", () => {
  assert.ok(deferred(fails(noTimer)), 'the counterexample ends with a ref on the deferred list');
});

test('a grantee domain that maps but never unmaps (no GNTTABOP_unmap_grant_ref of its own) keeps a pin Xen cannot drop', () => {
  assert.ok(pinned(fails(neverUnmaps)), 'the counterexample ends with a data entry pinned');
});

test('the same with a hostile granter, which has no deferred list: the stuck pin alone fails G20', () => {
  const last = fails(neverUnmaps, { granter: 'hostile' });
  assert.ok(pinned(last), 'a data entry pinned');
  assert.ok(!deferred(last), 'nothing deferred');
});

const G21 = 'G21_grantee_can_idle';
const runGoal = <S, P>(m: Model<S, P>, p: P, goal: string) => check(systemOf(m, p, [goal]), {});

test('G21: the built-in verifies it with a hostile grantee, an honest one, a hostile granter and transTargets=any', () => {
  for (const o of [{}, { grantee: 'honest' }, { granter: 'hostile' }, { transTargets: 'any' }] as Record<string, string>[])
    assert.is(runGoal(grant, paramsOf(grant, { ...SMALL, ...o }), G21).outcome, 'ok', JSON.stringify(o));
});

const noErrorResponse = deriveModel(grant, { name: 'grant-netback-no-error-response', description: 'netback never answers a failed map', remove: ['be_respond_error'] });
const noForwardDone = deriveModel(grant, { name: 'grant-netback-no-forward-done', description: 'netback never finishes a forwarded request', remove: ['be_forward_done'] });

test('G21 catches what G20 misses: a netback that never answers a failed map, or never finishes a forwarded request, pins nothing of the granter but never gets back to idle', () => {
  for (const m of [noErrorResponse, noForwardDone]) {
    const p = paramsOf(m, SMALL);
    assert.is(runGoal(m, p, G20).outcome, 'ok', `${m.name}: G20 holds`);
    const r = runGoal(m, p, G21);
    assert.is(r.violation?.property, G21, m.name);
    assert.ok(replays(m, p, r), `${m.name}: the trace replays`);
    const last = r.violation!.trace.at(-1)!.state as GrantState;
    assert.ok(last.be.some((b, i) => i > 0 && b.st !== BE_IDLE), `${m.name}: netback holds a request`);
  }
});

const del = grant.rules.find((x) => x.name === 'be_DEL_GREF_MAPPING')!;
const delKeepsMap = deriveModel(grant, {
  name: 'grant-netback-del-keeps-mapping', description: 'DEL_GREF_MAPPING drops the grant from the cache and acknowledges, without the unmap',
  replace: { be_DEL_GREF_MAPPING: { ...del, then: (d, _s, _p, r: number) => { Object.assign(d.be[r]!, { st: BE_DEL_ACK, c: -1 }); } } },
});

test("G21's mapping conjunct: a netback whose DEL_GREF_MAPPING forgets the unmap gets every slot idle and uncached but keeps a mapping of its own", () => {
  const p = paramsOf(delKeepsMap, SMALL);
  const r = runGoal(delKeepsMap, p, G21);
  assert.is(r.violation?.property, G21);
  assert.ok(replays(delKeepsMap, p, r));
  const last = r.violation!.trace.at(-1)!.state as GrantState;
  assert.ok(last.mt.some((m, h) => m !== null && m.drv === 1 && h !== last.ringh), 'a mapping of netback outside the ring');
});

test.run();
