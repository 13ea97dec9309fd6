/**
 * Every way the multi-worker search stops inside or at the end of a level
 * gives what one thread gives (checker/parallelWorker.ts): a violation and a
 * deadlock (the same counts and trace), an interrupt and the memory guard
 * (stops that depend on time: the states kept are exactly the first ones of
 * the single-threaded search, whose parent links are digested), under a
 * schedule that delays the workers around each level's merge decision
 * (PVCHECK_TEST_MERGE_DELAY, parallelLayout.ts), with every level run by
 * every worker. Cuts by maxStates and maxDepth: test/workers.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join, resolve } from 'node:path';
import { check } from '../checker/explore.js';
import { checkParallel, checkParallelLinks, ParallelSearch } from '../checker/parallel.js';
import type { System } from '../checker/system.js';
import { boundCase, summary } from './support/workerCases.js';
import { settledResidentSet } from './support/residentSet.js';

process.env.PVCHECK_PARALLEL_FROM = '1';
const root = resolve(import.meta.dirname, '..');

/** The system, the workers' source and a trace's bytes (test/support/workerCases.ts). */
const system = boundCase;

async function delayed<T>(ms: number, f: () => Promise<T>): Promise<T> {
  process.env.PVCHECK_TEST_MERGE_DELAY = String(ms);
  try {
    return await f();
  } finally {
    delete process.env.PVCHECK_TEST_MERGE_DELAY;
  }
}

test('a violation and a deadlock found by a worker (ring-no-recheck 4x16): the same counts and trace as one thread at 2 and 3 workers, with delays around the merge decision', async () => {
  const file = join(root, 'examples/ring-no-recheck.ts');
  for (const invariants of [undefined, ['deadlock']]) {
    const { sys, source, trace } = await system(file, { ringSize: '4', messages: '16' }, invariants);
    const one = check(sys, {});
    assert.is(one.outcome, invariants ? 'deadlock' : 'violation');
    for (const n of [2, 3]) {
      const par = await delayed(2, () => checkParallel(sys, {}, source, n));
      assert.equal(summary(par), summary(one), `${one.outcome} at ${n} workers`);
      assert.is(trace(par), trace(one), `${one.outcome} at ${n} workers: trace`);
    }
  }
});

/**
 * The first `states` states' parent links on one thread (the 1-worker
 * search, which runs every level alone as search.ts does: a maxStates cut
 * keeps exactly the first states in BFS order).
 */
async function prefixDigest(sys: System<unknown>, source: { loader: string; args: unknown }, states: number): Promise<string> {
  return (await checkParallelLinks(sys, { maxStates: states }, source, 1)).linksDigest;
}

test('an interrupt inside or between levels (ring-notify 8x16 on 2 workers, at several points): the states kept are the first ones of one thread, with the same parent links', async () => {
  const { sys, source } = await system('ring-notify', { ringSize: '8', messages: '16' });
  const seen = new Set<number>();
  for (const at of [2000, 30000, 100000]) {
    process.env.PVCHECK_TEST_MERGE_DELAY = '1';
    const search = new ParallelSearch(sys, {}, source, 2, { linksDigest: true });
    delete process.env.PVCHECK_TEST_MERGE_DELAY;
    let done = false;
    const result = search.result.finally(() => (done = true));
    while (!done && search.stats().distinctStates < at) await new Promise((res) => setTimeout(res, 1));
    search.interrupt();
    const r = await result;
    assert.is(r.outcome, 'incomplete', `interrupt at ${at}`);
    assert.is(r.incompleteReason, 'interrupted', `interrupt at ${at}`);
    assert.is(search.linksDigest, await prefixDigest(sys, source, r.distinctStates), `interrupt at ${at}: the parent links of the ${r.distinctStates} states kept`);
    seen.add(r.distinctStates);
    console.log(`interrupt at ${at}: ${r.distinctStates} states, depth ${r.depth}`);
  }
  assert.ok(seen.size >= 2, `the interrupts all stopped at ${[...seen]}`);
});

test('the memory guard stopping a level every worker expands (ring-notify 8x32 on 2 workers): incomplete (max-memory), the states kept the first ones of one thread', async () => {
  const { sys, source } = await system('ring-notify', { ringSize: '8', messages: '32' });
  // RSS is the process's, every thread's: with this much room the guard trips in a level every worker expands
  // (at 8x32's levels of 10,000-20,000 states; the table's doublings, checked between levels, come later);
  // the room is past the 2 workers' (2 x WORKER_BYTES, 64 MiB: with less the search does not start them,
  // test/memoryWorkers)
  let stops = 0;
  for (const extra of [70, 75, 85]) {
    // no idle workers: a search under a budget ends those it does not take (the earlier tests' 3 with the
    // hooks, 90 MiB), which would give this budget their room; it starts its 2 workers, as this was calibrated;
    // nor codecs or garbage of the earlier tests (settledResidentSet)
    const maxMemory = (await settledResidentSet()) + extra * 2 ** 20;
    const { result: r, linksDigest } = await checkParallelLinks(sys, { maxMemory }, source, 2);
    console.log(`+${extra} MiB: ${r.outcome} ${r.incompleteReason ?? ''} ${r.distinctStates} states, depth ${r.depth}`);
    if (r.outcome === 'ok') continue; // the process held less than foreseen
    stops++;
    assert.is(r.outcome, 'incomplete', `+${extra} MiB`);
    assert.is(r.incompleteReason, 'max-memory', `+${extra} MiB`);
    assert.is(linksDigest, await prefixDigest(sys, source, r.distinctStates), `+${extra} MiB: the parent links of the ${r.distinctStates} states kept`);
    if (r.distinctStates > 10000) break; // stopped inside the search, not at its start
  }
  assert.ok(stops > 0, 'the guard never tripped');
});

test.run();
