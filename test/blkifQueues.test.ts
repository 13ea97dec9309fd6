/**
 * blkif across a migration to a destination that gives blkfront another nr_rings (`-p destQueues=other`, session
 * 28; docs/models/blkif.md "Another nr_rings at the destination"): blkfront_resume's blk_mq_update_nr_hw_queues
 * freezes the queue, which waits for the flush, discard and FUA requests blkfront_resume itself kept whole on
 * info->requests (only blkif_recover, after the resume, requeues them) and, since session 29, for the reads and
 * writes waiting in blk-mq (life.held). F_resume_returns; finding blkif-resume-freeze. The same held requests,
 * built for 32 segments, dispatched after blkif_recover read no feature-max-indirect-segments (`-p
 * destIndirect=no`): F_fits_without_indirect, finding blkif-no-indirect-after-migration.
 * Each test can fail: the fix examples change one step, and every count is computed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { blkif, xenbusDevResume, type BlkifState } from '../model/blkif.js';
import { paramsOf } from './support/models.js';
import { ALL, M, run } from './support/blkifRun.js';
import { deriveModel } from '../model/core.js';
import fix from '../examples/blkif-resume-freeze-fix.js';
import fitFix from '../examples/blkif-no-indirect-after-migration-fix.js';

const RR = 'F_resume_returns';

// The order (session 33): the tests that kill the mutants of test/mutants/model-blkif.json soonest for their cost
// first (a mutant run stops at the first failed test: npm run mutants -- --which), the longest searches last.
test('finding blkif-no-indirect-after-migration: a request of more than 11 grants held in blk-mq at xl migrate to a backend without indirect segments reaches BUG_ON(!HAS_EXTRA_REQ && require_extra_req) after blkif_recover (11 steps); the fix example closes it', () => {
  const FIT = 'F_fits_without_indirect';
  const o = { migrate: true, destIndirect: 'no', requests: 2, ringSize: 1 };
  const { r } = run(blkif, o, ALL, false);
  assert.is(r.violation?.property, FIT);
  const tr = r.violation!.trace.slice(1);
  assert.is(tr.length, 11);
  assert.is(tr.at(-1)!.rule, 'blkif_queue_rw_req');
  const held = tr.findIndex((x) => x.rule === 'blk_mq_submit_bio');
  assert.is(tr[held]!.choice, 'indirect', 'built for 32 segments');
  assert.ok(held < tr.findIndex((x) => x.rule === 'xl_migrate'), 'held before the migration');
  assert.is((tr.at(-2)!.state as BlkifState).life!.feDev, 'XenbusStateConnected', 'dispatched after blkif_recover');
  assert.is(run(M(fitFix), o).r.outcome, 'ok', 'the fix');
  assert.is(run(blkif, { ...o, indirect: false }).r.outcome, 'ok', 'a source without indirect segments: nothing held is too big');
});

test('finding blkif-resume-freeze, second route: a read waiting in blk-mq (every request blkfront can have in flight in flight) at xl migrate to another nr_rings holds the freeze too (8 steps, 6.12 and 7.0); the fix example closes it, session 28\'s did not', () => {
  // session 28's fix: blkfront_resume ends the requests it kept whole (BLK_STS_IOERR) before the update
  const endKept = M(deriveModel(blkif, {
    name: 'blkif-resume-freeze-endkept', description: 'session 28\'s fix', see: 'examples/blkif-resume-freeze-fix.ts (until session 29)',
    replace: { xenbus_dev_resume: { ...xenbusDevResume, then: (d, s, p, a) => { xenbusDevResume.then(d, s, p, a); if ((s.life!.parked ?? 0) > 0) { d.life!.parked = 0; if (!(s.life!.held! > 0)) d.life!.frozen = false; } } } },
  }));
  for (const bus of ['6.12', '7.0']) {
    const o = { migrate: true, destQueues: 'other', bus, requests: 2, ringSize: 1 };
    const { r } = run(blkif, o, ALL, false);
    assert.is(r.violation?.property, RR, bus);
    const tr = r.violation!.trace.slice(1);
    assert.is(tr.length, 8, bus);
    assert.is(tr.at(-1)!.rule, 'xenbus_dev_resume');
    assert.ok(tr.findIndex((x) => x.rule === 'blk_mq_submit_bio') < tr.findIndex((x) => x.rule === 'xl_migrate'), 'held before the migration');
    const before = tr.at(-2)!.state as BlkifState;
    assert.is(before.life!.held, 1, 'a read blk-mq holds');
    assert.is(before.life!.parked, undefined, 'ops=rw: nothing kept whole');
    assert.is(run(M(fix), o).r.outcome, 'ok', `the fix, ${bus}`);
    assert.is(run(endKept, o, ALL, false).r.violation?.property, RR, `session 28's fix, ${bus}`);
  }
  assert.is(run(endKept, { ops: 'rw+flush', migrate: true, destQueues: 'other', requests: 2 }).r.outcome, 'ok', 'session 28\'s fix: the first route');
});

test('finding blkif-resume-freeze: a flush, discard or FUA write outstanding at xl migrate to a destination with another nr_rings: blkfront_resume waits for ever in the freeze (7 steps, 6.12 and 7.0); the fix example closes it', () => {
  const kinds: Record<string, string | boolean>[] = [{ ops: 'rw+flush' }, { ops: 'rw+discard' }, { ops: 'rw+flush+fua', flushNodes: 'barrier-only', indirect: false }];
  for (const k of kinds) {
    for (const bus of ['6.12', '7.0']) {
      const o = { ...k, migrate: true, destQueues: 'other', bus, requests: 2 };
      const { r } = run(blkif, o, ALL, false);
      assert.is(r.violation?.property, RR, `${k.ops} ${bus}`);
      const tr = r.violation!.trace.slice(1);
      assert.is(tr.length, 7, `${k.ops} ${bus}`);
      assert.is(tr.at(-1)!.rule, 'xenbus_dev_resume');
      const before = tr.at(-2)!.state as BlkifState;
      assert.ok(before.life!.parked! > 0, 'a request kept whole on info->requests');
      assert.is(run(M(fix), o).r.outcome, 'ok', `the fix, ${k.ops} ${bus}`);
    }
  }
});

test('nothing kept whole, or the same nr_rings: the resume returns (the field exists with destQueues=other only)', () => {
  assert.not.ok('frozen' in blkif.init(paramsOf(blkif, { migrate: true }))[0]!.life!);
  assert.ok('frozen' in blkif.init(paramsOf(blkif, { migrate: true, destQueues: 'other' }))[0]!.life!);
  const same = run(blkif, { ops: 'rw+flush', migrate: true, requests: 2 });
  assert.is(same.r.outcome, 'ok', same.r.violation?.property);
  assert.ok(same.all.some((s) => s.life!.parked! > 0), 'a flush kept whole, requeued by blkif_recover');
  const rw = run(blkif, { migrate: true, destQueues: 'other', requests: 3 });
  assert.is(rw.r.outcome, 'ok', rw.r.violation?.property);
  assert.ok(rw.all.some((s) => s.life!.migrated === 'done' && s.life!.aside! > 0), 'reads set aside as bios, re-submitted');
});

test.run();
