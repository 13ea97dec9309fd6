/**
 * The multi-worker search's parent links do not depend on scheduling
 * (checker/parallelWorker.ts: workers insert new states concurrently, and
 * the merge gives each new state the least (parent position, transition
 * index) that found it, whichever worker inserted it first). The same system
 * is checked at 1, 2 and 3 workers, several times, with every level run by
 * every worker (PVCHECK_PARALLEL_FROM=1): the SHA-256 digest of every state's
 * parent link, the result (counts, coverage, observables with their witness
 * traces) and the counterexample's trace must be the same in every run, and
 * the same as the single-threaded search's. Checked to fail on planted bugs:
 * a merge that took the workers' candidate buffers in worker order rather
 * than in chunk (level) order, and a parent chosen by a compare-and-swap
 * minimum that kept the first writer (both: the digests differed between
 * runs at 2 and 3 workers).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { check } from '../checker/explore.js';
import { checkParallelLinks } from '../checker/parallel.js';
import { boundCase, summary } from './support/workerCases.js';

process.env.PVCHECK_PARALLEL_FROM = '1';

async function sameEverywhere(model: string, params: Record<string, string>, runs: number, invariants?: string[]): Promise<void> {
  const { sys, source, trace: traceOf } = await boundCase(model, params, invariants);
  const one = check(sys, {});
  const ref = await checkParallelLinks(sys, {}, source, 1);
  assert.equal(summary(ref.result), summary(one), `${model}: 1 worker against the single-threaded search`);
  assert.is(traceOf(ref.result), traceOf(one), `${model}: trace at 1 worker`);
  const digests = new Set<string>();
  for (const n of [2, 3]) {
    for (let run = 0; run < runs; run++) {
      const r = await checkParallelLinks(sys, {}, source, n);
      digests.add(r.linksDigest);
      assert.equal(summary(r.result), summary(one), `${model} at ${n} workers, run ${run}`);
      assert.is(traceOf(r.result), traceOf(one), `${model} at ${n} workers, run ${run}: trace`);
    }
  }
  assert.equal([...digests], [ref.linksDigest], `${model}: parent links at 2 and 3 workers against 1`);
}

test('ring-notify 4x16 (138,776 states, many found by several parents of a level): the same parent links at 1, 2 and 3 workers, run after run', async () => {
  await sameEverywhere('ring-notify', { ringSize: '4', messages: '16' }, 3);
});

test('a shaped model with symmetry (grant, one ref and one page): the same parent links at 1, 2 and 3 workers', async () => {
  await sameEverywhere('grant', { refs: '1', pages: '1' }, 1);
});

test.run();
