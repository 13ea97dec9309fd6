/**
 * With PVCHECK_OVERLAP_START=1, a multi-worker search from scratch runs its
 * first levels on the main thread while the workers start and load the
 * system (checker/parallel.ts `overlapped`, parallelWorker.ts `preload`),
 * then hands the search over at
 * a level start (search.ts `handOver`). The result must be the one the
 * single-threaded search gives: outcome, counts, coverage, observables, the
 * counterexample's trace byte for byte, and every state's parent link (a
 * SHA-256 digest). PVCHECK_TEST_OVERLAP_AT fixes the level of the hand-over
 * (the main thread waits there for the workers), so that each case hands
 * over where it is meant to whatever the machine's load. Cases: no violation
 * (ring-notify 4x16, flat), an invariant violation found by the workers
 * after the hand-over (grant: symmetry, observables), AG EF goals (vif: the
 * graph so far handed over), a space that ends on the main thread before
 * the workers are ready (its workers kept for the next search), Ctrl-C
 * before the hand-over, and PVCHECK_PARALLEL_FROM, which keeps every level
 * on the workers.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Search, type CheckOptions } from '../checker/explore.js';
import { closeWorkerPool, idleWorkers, ParallelSearch } from '../checker/parallel.js';
import { boundCase, summary } from './support/workerCases.js';

// workerCases.ts sets it (every level on every worker): the hand-over needs the default
delete process.env.PVCHECK_PARALLEL_FROM;
process.env.PVCHECK_OVERLAP_START = '1';

async function overlapped(model: string, params: Record<string, string>, at: number | undefined, opt: CheckOptions<unknown> = {}) {
  const { sys, source, trace } = await boundCase(model, params);
  const one = new Search(sys, opt);
  const ref = one.run()!;
  if (at === undefined) delete process.env.PVCHECK_TEST_OVERLAP_AT;
  else process.env.PVCHECK_TEST_OVERLAP_AT = String(at);
  try {
    const par = new ParallelSearch(sys, opt, source, 2, { linksDigest: true });
    const result = await par.result;
    const what = `${model} ${JSON.stringify(params)}, hand-over at ${at}`;
    assert.is(result.workers, 2, what);
    assert.equal(summary(result), summary(ref), what);
    assert.is(trace(result), trace(ref), `${what}: trace`);
    assert.is(par.linksDigest, one.linksDigest(), `${what}: parent links`);
    return { par, result };
  } finally {
    delete process.env.PVCHECK_TEST_OVERLAP_AT;
  }
}

test('ring-notify 4x16, no violation: handed over at level 40, the single-threaded result and parent links', async () => {
  const { par } = await overlapped('ring-notify', { ringSize: '4', messages: '16' }, 40);
  assert.is(par.handedOverAt, 40);
});

test('grant refs=1 pages=1 (shape, symmetry, observables): G19 found by the workers after a hand-over at level 3, the same trace', async () => {
  const { par, result } = await overlapped('grant', { refs: '1', pages: '1' }, 3);
  assert.is(par.handedOverAt, 3);
  assert.is(result.outcome, 'violation');
});

test('vif (AG EF goals): the graph of the first levels goes over with the search', async () => {
  const { par } = await overlapped('vif', { connects: '1' }, 5);
  assert.is(par.handedOverAt, 5);
});

test('a space that ends on the main thread: the same result, the workers kept once loaded', async () => {
  await closeWorkerPool();
  const { par } = await overlapped('ring-notify', { ringSize: '2', messages: '2' }, 10_000);
  assert.is(par.handedOverAt, undefined, 'it ended before the level of the hand-over');
  assert.is(idleWorkers(), 2, 'both workers loaded and kept');
  // without the hook: a hand-over when the workers are ready, or none (the search ended first): the same result
  await overlapped('ring-notify', { ringSize: '4', messages: '16' }, undefined);
});

test('Ctrl-C before the hand-over: incomplete (interrupted), the workers not kept', async () => {
  const { sys, source } = await boundCase('ring-notify', { ringSize: '8', messages: '24' });
  await closeWorkerPool();
  process.env.PVCHECK_TEST_OVERLAP_AT = '100';
  try {
    const par = new ParallelSearch(sys, {}, source, 2);
    par.interrupt();
    const r = await par.result;
    assert.is(r.outcome, 'incomplete');
    assert.is(r.incompleteReason, 'interrupted');
    assert.is(par.handedOverAt, undefined);
    assert.is(idleWorkers(), 0);
  } finally {
    delete process.env.PVCHECK_TEST_OVERLAP_AT;
  }
});

test('PVCHECK_PARALLEL_FROM (the tests of the workers), or PVCHECK_OVERLAP_START not 1 (the default): no level on the main thread', async () => {
  process.env.PVCHECK_PARALLEL_FROM = '1';
  try {
    const { par } = await overlapped('ring-notify', { ringSize: '4', messages: '4' }, 5);
    assert.is(par.handedOverAt, undefined);
  } finally {
    delete process.env.PVCHECK_PARALLEL_FROM;
  }
  delete process.env.PVCHECK_OVERLAP_START;
  try {
    const { par } = await overlapped('ring-notify', { ringSize: '4', messages: '4' }, 5);
    assert.is(par.handedOverAt, undefined);
  } finally {
    process.env.PVCHECK_OVERLAP_START = '1';
  }
});

test.run();
