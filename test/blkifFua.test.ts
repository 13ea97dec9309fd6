/**
 * blkif's FUA writes (`-p ops=rw+flush+fua`, session 28; docs/models/blkif.md "FUA writes"): a write with REQ_FUA
 * reaches blkfront while the queue has BLK_FEAT_FUA (blkif_set_queue_limits: feature_flush and feature_fua, i.e.
 * feature-barrier without feature-flush-cache: `flushNodes=barrier-only`) and goes out as BLKIF_OP_WRITE_BARRIER,
 * BLKIF_OP_FLUSH_DISKCACHE or a plain write (blkif_queue_rw_req). F_fua_durable: a FUA write the guest is told is done
 * was made durable by the backend that answered. F_indirect_never_fua: blkif_queue_rw_req's BUG_ON on the indirect
 * path is never reached. Findings blkif-fua-after-migration (blkif_recover keeps BLK_FEAT_FUA; blkfront_resume keeps
 * a FUA write whole) and blkif-indirect-fua-bug (a backend's feature-barrier with feature-max-indirect-segments).
 * Each test can fail: the fix examples and the variants change one step each, and every count is computed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { produce } from 'immer';
import {
  blkif, blkifInterrupt, blkifQueueFlush, blkifQueueFuaWrite, FUA_DIRECT,
  BLKIF_OP_FLUSH_DISKCACHE, BLKIF_OP_READ, BLKIF_OP_WRITE_BARRIER, BLKIF_RSP_EOPNOTSUPP, BLKIF_RSP_OKAY, SLOT_RESPONSE, slotOf,
  type BlkifState,
} from '../model/blkif.js';
import { deriveModel } from '../model/core.js';
import { paramsOf } from './support/models.js';
import { ALL, M, run, sentAfterMigration } from './support/blkifRun.js';
import fuaFix, { limitsBothWays } from '../examples/blkif-fua-after-migration-fix.js';
import indirectFix from '../examples/blkif-indirect-fua-fix.js';

const FD = 'F_fua_durable';
const BUG = 'F_indirect_never_fua';
const FUA = { ops: 'rw+flush+fua' };
const BARRIER = { ...FUA, flushNodes: 'barrier-only', indirect: false };
const rules = (r: { violation?: { trace: readonly { rule: string | null }[] } }): string[] => r.violation!.trace.slice(1).map((x) => x.rule!);

// The order (session 33): the tests that kill the mutants of test/mutants/model-blkif.json soonest for their cost
// first (a mutant run stops at the first failed test: npm run mutants -- --which), the longest searches last.
test('a flush answered with an error clears feature_flush and feature_fua but not BLK_FEAT_FUA: the next FUA write goes out as a plain write (blkif_queue_rw_req\'s "FUA write and the flags cleared")', () => {
  const p = paramsOf(blkif, { ...BARRIER, requests: 3 });
  let s = blkif.init(p)[0]!;
  assert.ok(s.front.flush === true && s.front.fua === true && s.front.fuaQueue === true);
  s = produce(s, (d) => blkifQueueFlush.then(d, s, p, undefined));
  assert.is(s.front.shadow[0]!.op, BLKIF_OP_WRITE_BARRIER, 'a flush with feature_fua: a barrier');
  for (const [status, cleared] of [[BLKIF_RSP_EOPNOTSUPP, true], [BLKIF_RSP_OKAY, false]] as const) {
    const r = produce(s, (d) => { d.ring[0] = slotOf(p, SLOT_RESPONSE, 0, BLKIF_OP_WRITE_BARRIER, [{ gref: 0, sect: 0 }], status, 0) as never; d.rsp_prod = 1; });
    const t = produce(r, (d) => blkifInterrupt.then(d, r, p, undefined));
    assert.not.ok(t.front.broken);
    assert.is(t.front.flush === false && t.front.fua === false, cleared, `status ${status}`);
    assert.ok(t.front.fuaQueue === true && blkifQueueFuaWrite.when!(t, p, FUA_DIRECT), 'REQ_FUA still reaches blkfront');
    const u = produce(t, (d) => blkifQueueFuaWrite.then(d, t, p, FUA_DIRECT));
    assert.is(u.front.shadow[0]!.op, cleared ? BLKIF_OP_READ : BLKIF_OP_WRITE_BARRIER);
    assert.ok(u.front.shadow[0]!.fua === true);
  }
});

test('the limits set both ways alone (half the fix) leave the FUA write outstanding at the migration: blkfront_resume keeps it whole and blkif_recover requeues it with REQ_FUA', () => {
  const limitsOnly = M(deriveModel(blkif, { name: 'fua-limits-only', description: 'BLK_FEAT_FUA set both ways', replace: { blkback_changed: limitsBothWays as never } }));
  const { r } = run(limitsOnly, { ...BARRIER, migrate: true, destFeatures: 'flushcache', requests: 2 }, [FD], false);
  assert.is(r.violation?.property, FD);
  const tr = r.violation!.trace.slice(1);
  const mig = tr.findIndex((x) => x.rule === 'xl_migrate');
  assert.ok(tr.slice(0, mig).some((x) => x.rule === 'blkif_queue_fua_write'), 'a FUA write before the migration');
  assert.ok((tr[mig]!.state as BlkifState).front.fuaOwed! > 0 && (tr[mig]!.state as BlkifState).life!.parked! > 0, 'kept whole on info->requests');
  const resent = tr.slice(mig).find((x) => x.rule === 'blkif_queue_fua_write')!.state as BlkifState;
  assert.ok(resent.front.fuaQueue === false && resent.front.shadow.some((x) => x.waiting && x.fua === true && x.op === BLKIF_OP_FLUSH_DISKCACHE), 'requeued without BLK_FEAT_FUA, sent as a flush with data');
});

test('finding blkif-fua-after-migration: from a barrier-only source to a flush-cache destination the queue keeps BLK_FEAT_FUA and a FUA write goes out as BLKIF_OP_FLUSH_DISKCACHE (13 steps, 6.12 and 7.0); the fix example closes it', () => {
  for (const bus of ['6.12', '7.0']) {
    const o = { ...BARRIER, migrate: true, destFeatures: 'flushcache', bus, requests: 2 };
    const at = sentAfterMigration(o, FD, 13, 'blkif_queue_fua_write', 'the FUA write');
    assert.ok(at.front.shadow.some((x) => x.waiting && x.fua === true && x.op === BLKIF_OP_FLUSH_DISKCACHE), 'sent as a flush with data');
    assert.ok(at.front.fua === false && at.front.fuaQueue === true, 'feature_fua reset, BLK_FEAT_FUA kept');
    const f = run(M(fuaFix), o, ALL).r;
    assert.is(f.outcome, 'ok', `the fix: ${f.violation?.property}`);
  }
});

test('finding blkif-indirect-fua-bug: a backend writing feature-barrier alone with feature-max-indirect-segments makes blkfront hit its BUG_ON (1 step; 6 through a migration to such a backend); not without indirect segments; the fix example closes both', () => {
  const { r } = run(blkif, { ...FUA, flushNodes: 'barrier-only', requests: 3 }, ALL, false); // the row's command at its defaults: test/findingRows
  assert.is(r.violation?.property, BUG);
  assert.is(r.violation!.trace.slice(1).map((x) => (x as { action: string }).action).join(' '), 'blkif_queue_fua_write("indirect")');
  const mig = run(blkif, { ...FUA, migrate: true, destFeatures: 'barrier-only' }, ALL, false).r;
  assert.is(mig.violation?.property, BUG);
  assert.is(mig.violation!.trace.length - 1, 6);
  assert.ok(rules(mig).includes('xl_migrate'));
  assert.is(run(blkif, { ...FUA, flushNodes: 'barrier-only', indirect: false, requests: 3 }).r.outcome, 'ok', 'at most 11 grants a request: no BUG_ON');
  assert.is(run(M(indirectFix), { ...FUA, flushNodes: 'barrier-only' }).r.outcome, 'ok', 'the fix');
  assert.is(run(M(indirectFix), { ...FUA, migrate: true, destFeatures: 'barrier-only' }).r.outcome, 'ok', 'the fix, through a migration');
  // tapdisk's tapback (feature-barrier alone, no indirect segments) to Linux blkback (both flush nodes, 256 indirect
  // segments): the stale BLK_FEAT_FUA (blkif-fua-after-migration) meets the new max_segments 32, 9 steps
  const tap = { ...BARRIER, migrate: true, destFeatures: 'flushcache', destIndirect: 'yes', requests: 2 };
  const t = run(blkif, tap, ALL, false).r;
  assert.is(t.violation?.property, BUG);
  assert.is(t.violation!.trace.length - 1, 9);
  const tr = t.violation!.trace.slice(1);
  assert.ok(tr.findIndex((x) => x.rule === 'xl_migrate') < tr.length - 1 && tr.at(-1)!.choice === 'indirect');
  assert.ok((tr.at(-2)!.state as BlkifState).front.fua === false && (tr.at(-2)!.state as BlkifState).front.fuaQueue === true, 'feature_fua 0, BLK_FEAT_FUA kept');
  assert.is(run(M(indirectFix), tap, [BUG]).r.outcome, 'ok', 'the fix clears BLK_FEAT_FUA with indirect segments');
  assert.is(run(blkif, { ...tap, destIndirect: 'same' }, [BUG]).r.outcome, 'ok', 'a destination without indirect segments: no BUG_ON');
  // a hostile backend advertises what it likes: the same BUG_ON
  assert.is(run(blkif, { ...FUA, flushNodes: 'barrier-only', backend: 'hostile', ringSize: 2, requests: 3 }, ALL, false).r.violation?.property, BUG);
});

test('the fields exist with fua only; against Linux blkback (both flush nodes) no REQ_FUA reaches blkfront; against a barrier-only backend every FUA write goes out as a barrier and is durable', () => {
  const plain = blkif.init(paramsOf(blkif, { ops: 'rw+flush' }))[0]!;
  assert.not.ok('fua' in plain.front || 'fuaQueue' in plain.front || 'fua' in plain.front.shadow[0]!);
  const linux = run(blkif, { ...FUA, requests: 3 });
  assert.is(linux.r.outcome, 'ok', linux.r.violation?.property);
  assert.ok(linux.all.every((s) => s.front.fuaQueue === false && s.front.shadow.every((x) => x.fua !== true)), 'no BLK_FEAT_FUA, no REQ_FUA write');
  const barrier = run(blkif, { ...BARRIER, requests: 3 });
  assert.is(barrier.r.outcome, 'ok', barrier.r.violation?.property);
  assert.ok(barrier.all.some((s) => s.front.shadow.some((x) => x.waiting && x.fua === true && x.op === BLKIF_OP_WRITE_BARRIER)), 'a FUA write as a barrier');
  assert.ok(barrier.all.some((s) => s.front.shadow.some((x) => x.waiting && x.fua !== true && x.op === BLKIF_OP_WRITE_BARRIER)), 'a flush as a barrier (feature_fua)');
  assert.not.ok(barrier.all.some((s) => s.front.shadow.some((x) => x.op === BLKIF_OP_FLUSH_DISKCACHE)), 'no BLKIF_OP_FLUSH_DISKCACHE to a backend without feature-flush-cache');
  // through a migration to a destination like the source, and to one without a write cache (FUA writes as plain writes: write-through)
  for (const destFeatures of ['same', 'noflush']) {
    const m = run(blkif, { ...BARRIER, migrate: true, destFeatures, requests: 3 });
    assert.is(m.r.outcome, 'ok', `${destFeatures}: ${m.r.violation?.property}`);
    assert.ok(m.all.some((s) => s.life!.migrated === 'done' && s.front.shadow.some((x) => x.waiting && x.fua === true)), destFeatures);
  }
});

test.run();
