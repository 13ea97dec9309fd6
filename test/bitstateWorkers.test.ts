/**
 * `--store bitstate` on workers (note21 item 5; parallelWorker.ts
 * bitsAtLevelStart): the bit array holds the states of the levels before,
 * the shared table those of the level being built, so a successor is tested
 * against bits nobody writes during the level, and the table's claims and
 * merge keep one thread's ids. Checked here:
 * - with an array large enough to miss nothing, the counts, verdict and trace
 *   are the full store's, on 2 and 3 workers (a flat layout; a shape whose
 *   violation is found at depth 7);
 * - with a tiny array that misses states, 2 and 3 workers miss the same ones
 *   (the same counts and estimate): the schedule does not decide;
 * - no SIZE (ExactThenBits): a run within the exact part is the full store's,
 *   verdict included (`folded: false`); one past it folds and, with nothing
 *   missed, still has the full store's counts;
 * - a compact table is refused on workers (parallelReason, ParallelSearch), and
 *   bitstate with an AG EF goal as on one thread.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { check } from '../checker/explore.js';
import { ParallelSearch, checkParallel, parallelReason } from '../checker/parallel.js';
import type { CheckResult } from '../checker/report.js';
import { findModel } from '../model/registry.js';
import { boundCase, summary } from './support/workerCases.js';

process.env.PVCHECK_PARALLEL_FROM = '1';
const counts = (r: CheckResult<unknown>) => [r.outcome, r.distinctStates, r.edges, r.depth, r.terminalStates];
// the cheap tests first, the large array's (most of the file's time) last: a file stops at its first failed
// test when it kills a mutant (test/mutants/), so a mutant the cheap ones kill does not wait for it

test('a small ring (ring-notify 2x4) on 2 workers, every level together and levels alone (under 2,000 states): the full store\'s counts, each state of a level before tested against the array', async () => {
  const { sys, source } = await boundCase('ring-notify', { ringSize: '2', messages: '4' });
  const full = check(sys, {});
  for (const from of ['1', '0']) {
    process.env.PVCHECK_PARALLEL_FROM = from;
    try {
      const r = await checkParallel(sys, { store: { kind: 'bitstate', bytes: 1 << 20 } }, source, 2);
      assert.equal(counts(r).slice(1), counts(full).slice(1), `PVCHECK_PARALLEL_FROM=${from}`);
    } finally {
      process.env.PVCHECK_PARALLEL_FROM = '1';
    }
  }
});

test('refused: a compact table on workers; bitstate with an AG EF goal', async () => {
  const { sys, source } = await boundCase('ring-notify', { ringSize: '2', messages: '4' });
  assert.is(parallelReason(sys, { store: { kind: 'bitstate', bytes: 1 << 20 } }), undefined);
  const store = { kind: 'compact', bytes: 1 << 20 } as const;
  const why = parallelReason(sys, { store });
  assert.ok(why?.startsWith('--store compact runs on one thread'), why);
  assert.throws(() => new ParallelSearch(sys, { store }, source, 2), (e: Error) => e.message === why);
  const vif = await boundCase('vif', {});
  assert.throws(() => new ParallelSearch(vif.sys, { store: { kind: 'bitstate', bytes: 1 << 20 } }, vif.source, 2), /AG EF goals/);
});

test('a tiny array (4 KiB, ring-notify 4x16): states missed, the same on 2 and 3 workers', async () => {
  const { sys, source } = await boundCase('ring-notify', { ringSize: '4', messages: '16' });
  const store = { kind: 'bitstate', bytes: 4096 } as const;
  const two = await checkParallel(sys, { store }, source, 2);
  const three = await checkParallel(sys, { store }, source, 3);
  assert.ok(two.distinctStates < check(sys, {}).distinctStates, 'states missed');
  assert.equal(counts(three), counts(two));
  assert.equal(three.store, two.store);
  assert.is(two.incompleteReason, 'bitstate');
});

test('no SIZE (ExactThenBits): within the exact part the full store\'s verdict; past it, folded, the full store\'s counts', async () => {
  const { sys, source } = await boundCase('ring-notify', { ringSize: '4', messages: '16' });
  const full = check(sys, {});
  const within = await checkParallel(sys, { store: { kind: 'bitstate', bytes: 1 << 24, exactBytes: 1 << 23 } }, source, 2);
  assert.equal(counts(within), counts(full));
  assert.is(within.outcome, 'ok');
  assert.equal([within.store!.folded, within.store!.exactStates], [false, full.distinctStates]);
  const past = await checkParallel(sys, { store: { kind: 'bitstate', bytes: 1 << 24, exactBytes: 1 << 16 } }, source, 3);
  assert.equal(counts(past).slice(1), counts(full).slice(1));
  assert.is(past.incompleteReason, 'bitstate');
  assert.is(past.store!.folded, true);
  assert.ok(past.store!.exactStates! > 0 && past.store!.exactStates! <= past.store!.exactLimit!, JSON.stringify(past.store));
});

test('the level start\'s states set into the array by every worker, each its part of the table: as worker 0 alone sets them (PVCHECK_SERIAL_GROW=1), misses and estimate included', async () => {
  const { sys, source } = await boundCase('ring-notify', { ringSize: '4', messages: '16' });
  const was = process.env.PVCHECK_SERIAL_GROW;
  try {
    for (const [bytes, exactBytes, n] of [[4096, undefined, 2], [4096, undefined, 3], [1 << 24, 1 << 16, 2]] as const) {
      const store = { kind: 'bitstate', bytes, ...(exactBytes ? { exactBytes } : {}) } as const;
      process.env.PVCHECK_SERIAL_GROW = '1';
      const alone = await checkParallel(sys, { store }, source, n);
      delete process.env.PVCHECK_SERIAL_GROW;
      const together = await checkParallel(sys, { store }, source, n);
      assert.equal(counts(together), counts(alone), `${bytes} on ${n}`);
      assert.equal(together.store, alone.store, `${bytes} on ${n}: the store's report`);
    }
  } finally {
    if (was === undefined) delete process.env.PVCHECK_SERIAL_GROW;
    else process.env.PVCHECK_SERIAL_GROW = was;
  }
});

test('a large array: the full store\'s counts, verdict and trace on 2 and 3 workers (ring-notify 4x16, grant)', async () => {
  // grant's invariants only (its AG EF goals need state ids)
  const grantInvariants = findModel('grant')!.invariants.map((i: { name: string }) => i.name);
  for (const [model, params, invariants] of [['ring-notify', { ringSize: '4', messages: '16' }, undefined], ['grant', {}, grantInvariants]] as const) {
    const { sys, source, trace } = await boundCase(model, params, invariants);
    const full = check(sys, {});
    for (const n of [2, 3]) {
      const r = await checkParallel(sys, { store: { kind: 'bitstate', bytes: 1 << 24 } }, source, n);
      const want = full.outcome === 'ok' ? { ...summary(full), outcome: 'incomplete', reason: 'bitstate' } : summary(full);
      assert.equal(summary(r), want, `${model} on ${n}`);
      assert.is(trace(r), trace(full), `${model} on ${n}: trace`);
      assert.is(r.store!.kind, 'bitstate');
      assert.ok(r.store!.expectedMissed! < 0.01, `${model}: ${r.store!.expectedMissed}`);
    }
  }
});

test.run();
