/**
 * blkif's request kinds (`-p ops`, session 26; docs/models/blkif.md "Flush, barrier and discard"):
 * blkfront's REQ_OP_FLUSH as BLKIF_OP_FLUSH_DISKCACHE and REQ_OP_DISCARD as BLKIF_OP_DISCARD (no segment,
 * no grant) while blkback's feature-flush-cache / feature-discard read 1; blkback serves both (a bio with
 * REQ_PREFLUSH and no page; dispatch_discard_io) and answers any operation it does not serve
 * BLKIF_RSP_EOPNOTSUPP; blkfront clears its feature on an error answer; at a migration blkfront_resume keeps
 * them whole on info->requests (F_parked_requeued). Each test can fail: the variants below break one
 * guard each, and the counts compared are computed, not written down.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { produce } from 'immer';
import {
  blkif, blkifInterrupt, blkifQueueDiscard, blkifQueueFlush, blkfrontMayQueue, xenBlkbkMap,
  BLKIF_OP_DISCARD, BLKIF_OP_FLUSH_DISKCACHE, BLKIF_OP_RESERVED_1, BLKIF_RSP_EOPNOTSUPP, BLKIF_RSP_ERROR, BLKIF_RSP_OKAY,
  MIGRATE_DONE, SLOT_REQUEST, SLOT_RESPONSE, XenbusStateConnected, opOf, slotOf, type BlkifState,
} from '../model/blkif.js';
import { deriveModel } from '../model/core.js';
import { paramsOf } from './support/models.js';
import { ALL, M, run, type Overrides } from './support/blkifRun.js';
import biosLostFix from '../examples/blkif-resume-bios-lost-fix.js';
import flushUnadvertised from '../examples/blkif-flush-unadvertised.js';
import discardFix from '../examples/blkif-discard-after-migration-fix.js';

// The order (session 33): the tests that kill the mutants of test/mutants/model-blkif.json soonest for their cost
// first (a mutant run stops at the first failed test: npm run mutants -- --which), the searches of the fixes last.

test('blkfront on an error answer: a discard answered BLKIF_RSP_EOPNOTSUPP clears feature_discard, a flush answered with any error clears feature_flush, and neither is queued again', () => {
  const p = paramsOf(blkif, { ops: 'rw+flush+discard', requests: 3 });
  for (const [op, status, rule, field] of [
    [BLKIF_OP_DISCARD, BLKIF_RSP_EOPNOTSUPP, blkifQueueDiscard, 'discard'], [BLKIF_OP_FLUSH_DISKCACHE, BLKIF_RSP_ERROR, blkifQueueFlush, 'flush'],
    [BLKIF_OP_FLUSH_DISKCACHE, BLKIF_RSP_EOPNOTSUPP, blkifQueueFlush, 'flush']] as const) {
    let s = blkif.init(p)[0]!;
    s = produce(s, (d) => rule.then(d, s, p, undefined));
    assert.ok(rule.when!(s, p, undefined));
    // blkback's answer written in the slot
    s = produce(s, (d) => { d.ring[0] = slotOf(p, SLOT_RESPONSE, 0, op, [{ gref: 0, sect: 0 }], status, 0) as never; d.rsp_prod = 1; });
    const t = produce(s, (d) => blkifInterrupt.then(d, s, p, undefined));
    assert.is(t.front[field], false, `${field} cleared by ${status}`);
    assert.not.ok(t.front.broken);
    assert.not.ok(rule.when!(t, p, undefined), `no ${field} queued again`);
    const ok = produce(s, (d) => { d.ring[0] = { ...d.ring[0]!, status: BLKIF_RSP_OKAY }; });
    assert.is(produce(ok, (d) => blkifInterrupt.then(d, ok, p, undefined)).front[field], true, 'OKAY keeps it');
  }
});

test('F_parked_requeued: a flush outstanding at a migration is kept whole on info->requests; blkfront closed before blkif_recover (the guest\'s unbind, 8 steps; libxl\'s detach, 10) leaves del_gendisk waiting for it; blkif_recover requeues it (the fix: below)', () => {
  for (const [o, steps, last] of [
    [{ ops: 'rw+flush', migrate: true, unbind: true, requests: 2 }, 8, 'xenbus_dev_remove'],
    [{ ops: 'rw+flush', migrate: true, removal: 'libxl', requests: 2 }, 10, 'blkback_changed'],
    [{ ops: 'rw+discard', migrate: true, unbind: true, requests: 2, bus: '7.0' }, 8, 'xenbus_dev_remove']] as [Overrides, number, string][]) {
    const { r, all } = run(blkif, o, ['F_parked_requeued'], false, { steps });
    assert.is(r.violation?.property, 'F_parked_requeued', JSON.stringify(o));
    const rs = r.violation!.trace.slice(1).map((x) => x.rule!);
    assert.is(rs.length, steps, JSON.stringify(o));
    assert.is(rs.at(-1), last);
    assert.ok(rs.includes('blkif_queue_flush') || rs.includes('blkif_queue_discard_req'));
    assert.ok(all.filter((s) => s.life!.migrated === MIGRATE_DONE && s.life!.fe === XenbusStateConnected).every((s) => s.life!.parked === 0), 'blkif_recover requeued them');
    assert.ok(all.some((s) => s.life!.parked! > 0 && s.life!.aside === 0), 'a flush parked, no bio set aside');
  }
  // a read outstanding is set aside (aside), not parked
  // (a migration alone closes nothing: the whole space, where blkfront connects again after the resume)
  const { r, all } = run(blkif, { ops: 'rw+flush', migrate: true, requests: 2 }, ['F_parked_requeued'], false);
  assert.is(r.outcome, 'ok');
  assert.ok(all.some((s) => s.life!.aside! > 0 && s.life!.parked === 0));
  const reconnected = all.filter((s) => s.life!.migrated === MIGRATE_DONE && s.life!.fe === XenbusStateConnected);
  assert.ok(reconnected.length > 0 && reconnected.every((s) => s.life!.parked === 0), 'blkif_recover requeued the parked flushes');
  assert.ok(all.some((s) => s.life!.parked! > 0), 'a flush parked');
});

test('a migration to a backend without feature-discard (destFeatures=none): blkfront_gather_backend_features never clears feature_discard, so blkfront sends a discard the new backend does not advertise (F_sends_only_advertised, 9 steps, 6.12 and 7.0); flushes stop (feature_flush cleared first) (the fix: below)', () => {
  for (const bus of ['6.12', '7.0']) {
    const o = { ops: 'rw+discard', migrate: true, destFeatures: 'none', bus, requests: 2 };
    const { r } = run(blkif, o, ALL, false, { steps: 9 });
    assert.is(r.violation?.property, 'F_sends_only_advertised', bus);
    const rs = r.violation!.trace.slice(1).map((x) => x.rule!);
    assert.is(rs.length, 9, bus);
    assert.is(rs.at(-1), 'blkif_queue_discard_req');
    assert.ok(rs.indexOf('xl_migrate') < rs.lastIndexOf('blkback_changed'), 'the discard after the reconnect');
  }
  // flushes: cleared at the reconnect, none sent to the bare destination (every state explored)
  const { r, all } = run(blkif, { ops: 'rw+flush', migrate: true, destFeatures: 'none', requests: 3 }, ALL, false);
  assert.is(r.outcome, 'ok', r.violation?.property);
  assert.ok(all.some((s) => s.life!.migrated === MIGRATE_DONE && s.life!.fe === XenbusStateConnected && s.front.flush === false));
  assert.ok(all.some((s) => s.life!.migrated === 'none' && s.life!.fe === XenbusStateConnected && s.front.flush === true), 'the source advertised it');
});

test('B_unserved_op_refused: a hostile guest\'s BLKIF_OP_RESERVED_1 is answered BLKIF_RSP_EOPNOTSUPP unmapped, its flush and discard are served; a blkback that serves an unknown operation (BLKIF_RSP_OKAY), or answers it BLKIF_RSP_ERROR, fails it', () => {
  const o = { ops: 'rw+flush+discard', frontend: 'hostile', ringSize: 2, requests: 2 };
  const { r, all } = run(blkif, o);
  assert.is(r.outcome, 'ok', r.violation?.property);
  assert.ok(all.some((s) => s.back.reqs.some((q) => q.operation === BLKIF_OP_RESERVED_1 && q.stage === 1 && q.status === BLKIF_RSP_EOPNOTSUPP)));
  assert.ok(all.some((s) => s.back.reqs.some((q) => q.operation === BLKIF_OP_DISCARD && q.stage === 1)), 'a hostile discard dispatched');
  const served = deriveModel(blkif, { name: 'unknown-served', description: 'blkback serving an operation it does not know (answered BLKIF_RSP_OKAY)', replace: { xen_blkbk_map: { ...xenBlkbkMap, then: (d, s, p, a) => {
    xenBlkbkMap.then(d, s, p, a);
    for (const q of d.back.reqs) if (q.operation === BLKIF_OP_RESERVED_1 && q.status === BLKIF_RSP_EOPNOTSUPP) q.status = BLKIF_RSP_OKAY;
  } } } });
  assert.is(run(M(served), o, ['B_unserved_op_refused'], false).r.violation?.property, 'B_unserved_op_refused');
  const asError = deriveModel(blkif, { name: 'unknown-error', description: 'blkback answering an operation it does not know BLKIF_RSP_ERROR', replace: { xen_blkbk_map: { ...xenBlkbkMap, then: (d, s, p, a) => {
    xenBlkbkMap.then(d, s, p, a);
    for (const q of d.back.reqs) if (q.status === BLKIF_RSP_EOPNOTSUPP) q.status = BLKIF_RSP_ERROR;
  } } } });
  assert.is(run(M(asError), { ...o, ops: 'rw' }, ['B_unserved_op_refused'], false).r.violation?.property, 'B_unserved_op_refused', 'at ops=rw too');
});

test('F_sends_only_advertised: the built-in sends no flush without feature-flush-cache and no discard without feature-discard; a blkfront without blkif_queue_rq\'s feature test does (examples/blkif-flush-unadvertised.ts)', () => {
  for (const [op, o] of [[BLKIF_OP_FLUSH_DISKCACHE, { ops: 'rw+flush+discard', featureFlushCache: false, requests: 3 }], [BLKIF_OP_DISCARD, { ops: 'rw+flush+discard', featureDiscard: false, requests: 3 }]] as [number, Overrides][]) {
    const { r, all } = run(blkif, o);
    assert.is(r.outcome, 'ok', r.violation?.property);
    assert.not.ok(all.some((s) => s.ring.some((x) => x.kind === SLOT_REQUEST && x.operation === op)), `op ${op} never sent`);
  }
  const v = run(M(flushUnadvertised), { ops: 'rw+flush', featureFlushCache: false }, ['F_sends_only_advertised'], false).r;
  assert.is(v.outcome, 'violation');
  assert.is(v.violation!.trace.slice(1).map((x) => x.rule).join(' '), 'blkif_queue_flush');
  const discardAnyway = deriveModel(blkif, { name: 'discard-anyway', description: 'blkfront queueing discards whatever feature-discard says', replace: { blkif_queue_discard_req: { ...blkifQueueDiscard, when: (s, p) => blkfrontMayQueue(s, p) } } });
  const d = run(M(discardAnyway), { ops: 'rw+discard', featureDiscard: false, requests: 2 }, ['F_sends_only_advertised'], false).r;
  assert.is(d.violation?.property, 'F_sends_only_advertised');
});

test('honest ends, every kind: flushes and discards sent, each answered BLKIF_RSP_OKAY with nothing mapped, every request answered (deadlock included)', () => {
  const kinds = [BLKIF_OP_FLUSH_DISKCACHE, BLKIF_OP_DISCARD];
  // every state's checks as the search reaches it (a mutant that maps a flush fails at its first such state)
  const each = (s: BlkifState) => {
    for (const op of kinds) {
      assert.ok(s.ring.every((x) => x.kind !== SLOT_RESPONSE || x.operation !== op || x.status === BLKIF_RSP_OKAY), `op ${op}: OKAY`);
      assert.ok(s.back.reqs.every((q) => q.operation !== op || q.segs.every((g) => g.gref === 0)), `op ${op}: nothing mapped`);
    }
  };
  const { r, all } = run(blkif, { ops: 'rw+flush+discard', requests: 4 }, ALL, true, { each });
  assert.is(r.outcome, 'ok', r.violation?.property);
  for (const op of kinds) {
    assert.ok(all.some((s) => s.ring.some((x) => x.kind === SLOT_REQUEST && x.operation === op)), `op ${op} sent`);
    assert.ok(all.some((s) => s.ring.some((x) => x.kind === SLOT_RESPONSE && x.operation === op)), `op ${op} answered`);
  }
  // a flush waits for its answer in the shadow with no page; the grant list is whole
  assert.ok(all.some((s) => s.front.shadow.some((x) => x.waiting && opOf(x) === BLKIF_OP_FLUSH_DISKCACHE)));
});

test('ops=rw is the model before session 26: no new field; with neither feature advertised the request kinds change nothing (the same states and edges as rw)', () => {
  const s0 = blkif.init(paramsOf(blkif, {}))[0]!;
  assert.not.ok('flush' in s0.front || 'discard' in s0.front || 'op' in s0.front.shadow[0]!);
  const o = { requests: 4 };
  const rw = run(blkif, o).r;
  const none = run(blkif, { ...o, ops: 'rw+flush+discard', featureFlushCache: false, featureDiscard: false }).r;
  assert.is(rw.outcome, 'ok');
  assert.is(none.outcome, 'ok');
  assert.equal([none.distinctStates, none.edges], [rw.distinctStates, rw.edges]);
});

test('blkfront on an error answer: a hostile backend reaches both (feature_discard and feature_flush cleared)', () => {
  const { all } = run(blkif, { ops: 'rw+flush+discard', backend: 'hostile', ringSize: 2, requests: 3 });
  assert.ok(all.some((s) => s.front.discard === false) && all.some((s) => s.front.flush === false));
});

test('F_parked_requeued: the fix (examples/blkif-resume-bios-lost-fix.ts) verifies at the three runs that find it', () => {
  for (const o of [
    { ops: 'rw+flush', migrate: true, unbind: true, requests: 2 }, { ops: 'rw+flush', migrate: true, removal: 'libxl', requests: 2 },
    { ops: 'rw+discard', migrate: true, unbind: true, requests: 2, bus: '7.0' }] as Overrides[]) {
    const f = run(M(biosLostFix), o, ALL, false).r;
    assert.is(f.outcome, 'ok', `the fix: ${f.violation?.property}`);
  }
});

test('a migration to a backend without feature-discard: the fix (examples/blkif-discard-after-migration-fix.ts) verifies, at 6.12 and 7.0', () => {
  for (const bus of ['6.12', '7.0']) {
    const f = run(M(discardFix), { ops: 'rw+discard', migrate: true, destFeatures: 'none', bus, requests: 2 }, ALL).r;
    assert.is(f.outcome, 'ok', `the fix: ${f.violation?.property}`);
  }
});

test.run();
