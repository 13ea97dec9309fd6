/**
 * blkif's secure erase (`-p ops=rw+discard+secdiscard`, session 27; docs/models/blkif.md "Secure erase"):
 * REQ_OP_SECURE_ERASE reaches blkfront while the queue's max_secure_erase_sectors is set and goes out as
 * BLKIF_OP_DISCARD, with BLKIF_DISCARD_SECURE while info->feature_secdiscard (discard-secure) and with flag 0
 * otherwise; blkback runs blkdev_issue_secure_erase only for the flag with vbd.discard_secure, a plain discard
 * otherwise, BLKIF_RSP_OKAY either way. F_secure_erase_done: a secure erase the guest is told succeeded was
 * one. Finding blkif-secure-erase-after-migration: after a migration blkif_recover keeps the queue's
 * secure-erase limit (and, without feature-discard at the destination, feature_secdiscard), so the guest's
 * secure erase succeeds as a plain discard (destFeatures=nosecure) or as nothing (destFeatures=none). Each
 * test can fail: the fix example and the variants below change one step each, and every count is computed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { produce } from 'immer';
import {
  blkif, blkifInterrupt, blkifQueueSecureErase, blkbackChanged,
  BLKIF_DISCARD_SECURE, BLKIF_OP_DISCARD, BLKIF_RSP_EOPNOTSUPP, BLKIF_RSP_OKAY, SLOT_RESPONSE, slotOf,
  type BlkifState,
} from '../model/blkif.js';
import { deriveModel } from '../model/core.js';
import { paramsOf } from './support/models.js';
import { ALL, M, run, sentAfterMigration } from './support/blkifRun.js';
import discardFix from '../examples/blkif-discard-after-migration-fix.js';

const SE = 'F_secure_erase_done';


// The order (session 33): the tests that kill the mutants of test/mutants/model-blkif.json soonest for their cost
// first (a mutant run stops at the first failed test: npm run mutants -- --which), the longest searches last.
test('a discard answered BLKIF_RSP_EOPNOTSUPP clears feature_secdiscard and the secure-erase limit (blk_queue_disable_secure_erase): no secure erase queued again', () => {
  const p = paramsOf(blkif, { ops: 'rw+discard+secdiscard', requests: 3 });
  let s = blkif.init(p)[0]!;
  s = produce(s, (d) => blkifQueueSecureErase.then(d, s, p, undefined));
  assert.ok(s.front.shadow[0]!.secureErase === true && s.front.shadow[0]!.flag === BLKIF_DISCARD_SECURE);
  for (const [status, cleared] of [[BLKIF_RSP_EOPNOTSUPP, true], [BLKIF_RSP_OKAY, false]] as const) {
    const r = produce(s, (d) => { d.ring[0] = slotOf(p, SLOT_RESPONSE, 0, BLKIF_OP_DISCARD, [{ gref: 0, sect: 0 }], status, 0) as never; d.rsp_prod = 1; });
    const t = produce(r, (d) => blkifInterrupt.then(d, r, p, undefined));
    assert.not.ok(t.front.broken);
    assert.is(t.front.secdiscard === false && t.front.secLimit === false, cleared, `status ${status}`);
    assert.is(blkifQueueSecureErase.when!(t, p, undefined), !cleared);
    assert.is(t.front.falseErase, false, 'a secure erase answered at a backend with discard-secure');
  }
});

test('finding blkif-secure-erase-after-migration: to a destination whose disk discards without secure erase (nosecure) the secure erase goes out with flag 0 and succeeds (13 steps, 6.12 and 7.0); to one without feature-discard (none), with BLKIF_DISCARD_SECURE to a backend that ignores it (13 steps, -i); the fix clears both', () => {
  for (const bus of ['6.12', '7.0']) {
    const o = { ops: 'rw+discard+secdiscard', migrate: true, destFeatures: 'nosecure', bus, requests: 2 };
    const at = sentAfterMigration(o, SE, 13, 'blkif_queue_secure_erase', 'the secure erase');
    assert.ok(at.front.shadow.some((x) => x.waiting && x.secureErase === true && x.flag === 0), 'sent as a plain discard (flag 0)');
    assert.ok(at.front.secdiscard === false && at.front.secLimit === true, 'feature_secdiscard reset by blkfront_setup_discard, the limit kept');
    const f = run(M(discardFix), o, ALL).r;
    assert.is(f.outcome, 'ok', `the fix: ${f.violation?.property}`);
  }
  const o = { ops: 'rw+discard+secdiscard', migrate: true, destFeatures: 'none', requests: 2 };
  assert.is(run(blkif, o, ALL, false).r.violation?.property, 'F_sends_only_advertised', 'a discard to a bare destination is found first');
  const { r } = run(blkif, o, [SE], false);
  assert.is(r.violation?.property, SE);
  const tr = r.violation!.trace.slice(1);
  assert.is(tr.length, 13);
  const at = tr[tr.findIndex((x) => x.rule === 'blkif_queue_secure_erase')]!.state as BlkifState;
  assert.ok(at.front.shadow.some((x) => x.waiting && x.secureErase === true && x.flag === BLKIF_DISCARD_SECURE), 'sent with BLKIF_DISCARD_SECURE, which the destination ignores');
  assert.is(run(M(discardFix), o, ALL).r.outcome, 'ok', 'the fix');
});

test('a blkfront that resets the secure-erase limit with feature_secdiscard at the reconnect (half of the fix) removes the nosecure route only', () => {
  const limitReset = deriveModel(blkif, { name: 'secure-limit-reset', description: 'blkif_set_queue_limits sets max_secure_erase_sectors both ways', replace: { blkback_changed: { ...blkbackChanged, then: (d, s, p, a) => {
    blkbackChanged.then(d, s, p, a);
    if (d.front.secLimit !== undefined) d.front.secLimit = d.front.discard === true && d.front.secdiscard === true;
  } } } });
  assert.is(run(M(limitReset), { ops: 'rw+discard+secdiscard', migrate: true, destFeatures: 'nosecure', requests: 2 }, ALL).r.outcome, 'ok');
  assert.is(run(M(limitReset), { ops: 'rw+discard+secdiscard', migrate: true, destFeatures: 'none', requests: 2 }, [SE], false).r.violation?.property, SE,
    'feature_secdiscard, never cleared without feature-discard, still sends the flag to a backend that ignores it');
});

test('the fields exist with secdiscard only; without a migration every secure erase is one: sent with BLKIF_DISCARD_SECURE to a backend with discard-secure, never sent without it', () => {
  const plain = blkif.init(paramsOf(blkif, { ops: 'rw+discard' }))[0]!;
  assert.not.ok('secdiscard' in plain.front || 'falseErase' in plain.front || 'secureErase' in plain.front.shadow[0]!);
  const s0 = blkif.init(paramsOf(blkif, { ops: 'rw+discard+secdiscard' }))[0]!;
  assert.ok(s0.front.secdiscard === true && s0.front.secLimit === true && s0.front.falseErase === false);
  const on = run(blkif, { ops: 'rw+discard+secdiscard', requests: 3 });
  assert.is(on.r.outcome, 'ok', on.r.violation?.property);
  assert.ok(on.all.some((s) => s.front.shadow.some((x) => x.waiting && x.secureErase === true && x.flag === BLKIF_DISCARD_SECURE)), 'a secure erase sent with the flag');
  const off = run(blkif, { ops: 'rw+discard+secdiscard', discardSecure: false, requests: 3 });
  assert.is(off.r.outcome, 'ok', off.r.violation?.property);
  assert.not.ok(off.all.some((s) => s.front.shadow.some((x) => x.secureErase === true)), 'no REQ_OP_SECURE_ERASE reaches blkfront without the limit');
  // a migration to a destination like the source changes nothing (every state of the lifecycle, deadlock included)
  const same = run(blkif, { ops: 'rw+discard+secdiscard', migrate: true, requests: 3 });
  assert.is(same.r.outcome, 'ok', same.r.violation?.property);
  assert.ok(same.all.some((s) => s.life!.migrated === 'done' && s.front.shadow.some((x) => x.secureErase === true && x.flag === BLKIF_DISCARD_SECURE)));
});

test.run();
