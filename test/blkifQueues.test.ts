/**
 * blkif across a migration to a destination that gives blkfront another nr_rings (`-p destQueues=other`, session
 * 28; docs/models/blkif.md "Another nr_rings at the destination"): blkfront_resume's blk_mq_update_nr_hw_queues
 * freezes the queue, which waits for the flush, discard and FUA requests blkfront_resume itself kept whole on
 * info->requests (only blkif_recover, after the resume, requeues them). F_resume_returns; finding blkif-resume-freeze.
 * Each test can fail: the fix example changes one step, and every count is computed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { blkif, type BlkifState } from '../model/blkif.js';
import { paramsOf } from './support/models.js';
import { ALL, M, run } from './support/blkifRun.js';
import fix from '../examples/blkif-resume-freeze-fix.js';

const RR = 'F_resume_returns';

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
