/**
 * The memory guard of a search on worker threads (note21 item 4): the
 * threads' own memory is counted. A search under a budget starts its threads
 * only if they fit in it at checker/memory.ts WORKER_BYTES each beside what
 * the process holds (parallel.ts workersFit), else it stops as at the budget
 * (`incomplete`, `max-memory`) without starting one: from scratch with no
 * state, handed over with the one thread's states. Started, the workers not
 * loaded yet count WORKER_BYTES each in every guard (parallelWorker.ts
 * C.UNLOADED), so the budget is not passed while they load. The peak resident
 * set (Linux: VmHWM, reset through /proc/self/clear_refs) must stay within the
 * budget plus the margin docs/perf/2026-12-06d-engine.md states (§2).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { check } from '../checker/explore.js';
import { WORKER_BYTES } from '../checker/memory.js';
import { ParallelSearch, checkParallel, workersStarted } from '../checker/parallel.js';
import { Search } from '../checker/search.js';
import { boundCase } from './support/workerCases.js';
import { settledResidentSet } from './support/residentSet.js';

const MiB = 2 ** 20;
/** What the guard may pass the budget by: its checks are every 1024 states a thread, and between them the threads' heaps grow. */
const MARGIN = 16 * MiB;

/** The process's peak resident set since the last {@link resetPeak} (bytes), or undefined where /proc has no VmHWM. */
function peak(): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
function resetPeak(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    /* not Linux: peak() then says undefined or the process's peak */
  }
}

/**
 * Before every case: the workers' modules in the TypeScript hooks' cache (a thread that loads a module not in it
 * loads the compiler, 88 MiB as it loads, measured, and a search under a tight budget then stops as at the budget
 * while it loads, with no state): a search with no budget loads them once (it fills the cache where it was cold: a
 * fresh checkout, a mutant's copy, a source changed since the last run). Loaded from the cache, a thread loads in
 * 0.1-0.4 s (1.4-1.7 s at load 18-20): one that never says so fails the search after 10 s (checker/parallel.ts
 * LOAD_WAIT_SECONDS), not the default 30 (mutant worker-zero-loaded-uncounted).
 */
const warm = await boundCase('ring-notify', { ringSize: '2', messages: '2' });
await checkParallel(warm.sys, {}, warm.source, 2);
process.env.PVCHECK_WORKER_LOAD_SECONDS = '10';


// The order (session 33): the tests that kill this file's mutants first, test 3's (workers-load-unwatched,
// workers-never-staggered) then test 5's (worker-zero-loaded-uncounted, workers-staggered-fit-default: ci69 15
// and 6 s, --which: killed at the file's test 5 of 6 after 14-21 s); the tests no mutant needs after them.
/**
 * No memory guard runs while the first thread loads (a worker's starts once it
 * has loaded), and a thread's load may take far more than WORKER_BYTES: under
 * the TypeScript hooks with a module not in their cache, the thread's hooks
 * load the compiler (ring-notify's first worker: 88 MiB over 2.6 s, 35 MiB
 * measured once loaded; the staggered start then passed the budget by 18 MiB
 * with no state: note23 item 9). test/fixtures/slow-load.ts takes 96 MiB a MiB
 * at a time as it loads, in worker threads only. The main thread watches the
 * resident set while no thread has loaded, and stops the search as at the
 * budget once it and the threads not started yet no longer fit.
 */
test('a first thread whose load takes more than the budget leaves: the search stops as incomplete (max-memory) with no state, within the budget', async () => {
  const slow = fileURLToPath(new URL('./fixtures/slow-load.ts', import.meta.url));
  const { sys, source } = await boundCase(slow, {});
  const maxMemory = (await settledResidentSet()) + 2 * WORKER_BYTES + 8 * MiB;
  resetPeak();
  const r = await checkParallel(sys, { maxMemory }, source, 2);
  const top = peak();
  console.log(`slow load: ${r.outcome} ${r.incompleteReason ?? ''} ${r.distinctStates} states; peak ${top === undefined ? '?' : ((top - maxMemory) / MiB).toFixed(1)} MiB past the budget`);
  assert.is(r.outcome, 'incomplete');
  assert.is(r.incompleteReason, 'max-memory');
  assert.is(r.distinctStates, 0);
  if (top !== undefined) assert.ok(top <= maxMemory, `peak ${((top - maxMemory) / MiB).toFixed(1)} MiB past the budget`);
});

/**
 * Workers that hold more at load than WORKER_BYTES (note22 item 5):
 * test/fixtures/heavy-load.ts holds 64 MiB from its import on, in every
 * thread that imports it. Each fresh worker measures what it holds once
 * loaded (parallelWorker.ts loadedBytes); the guards count that for the
 * workers still loading, and under a budget with little room the first
 * thread starts alone and the others only if they fit at what it measured
 * (parallel.ts STAGGER_BYTES). Before, all started at once and the budget was
 * passed by what they held beyond WORKER_BYTES (48.9 MiB on 2 workers in the
 * second test: docs/perf/2026-12-06e-engine.md §2).
 */
const heavyModel = fileURLToPath(new URL('./fixtures/heavy-load.ts', import.meta.url));

test('room for 2 workers at WORKER_BYTES and for one heavy worker, not two: incomplete (max-memory) within the budget, from scratch and handed over', async () => {
  const { sys, source } = await boundCase(heavyModel, {});
  for (const handed of [false, true]) {
    const one = new Search(sys, {});
    if (handed)
      for (let d = 0; d < 20; d++) {
        one.pauseAtLevelEnd();
        assert.is(one.run(), undefined);
      }
    const at = one.stats();
    const h = handed ? one.handOver() : undefined;
    const maxMemory = (await settledResidentSet()) + 2 * WORKER_BYTES + 80 * MiB;
    resetPeak();
    const par = new ParallelSearch(sys, { maxMemory }, source, 2, h ? { resume: h } : {});
    const r = await par.result;
    const top = peak();
    const what = handed ? 'handed over' : 'from scratch';
    console.log(`${what}: ${r.outcome} ${r.incompleteReason ?? ''} ${r.distinctStates} states; a worker measured ${((par.workerBytes ?? 0) / MiB).toFixed(1)} MiB; peak ${top === undefined ? '?' : ((top - maxMemory) / MiB).toFixed(1)} MiB past the budget`);
    assert.is(r.outcome, 'incomplete', what);
    assert.is(r.incompleteReason, 'max-memory', what);
    // the partial report: the one thread's states when handed over
    assert.equal([r.distinctStates, r.edges, r.depth], handed ? [at.distinctStates, at.edges, at.depth] : [0, 0, 0], what);
    if (top !== undefined) assert.ok(top <= maxMemory + MARGIN, `${what}: peak ${((top - maxMemory) / MiB).toFixed(1)} MiB past the budget`);
  }
});

test('2 workers that do not fit in the budget: none started; incomplete (max-memory) with no state, within the budget', async () => {
  const { sys, source } = await boundCase('ring-notify', { ringSize: '8', messages: '32' });
  const maxMemory = (await settledResidentSet()) + WORKER_BYTES; // room for one worker, not two
  const started = workersStarted();
  resetPeak();
  const r = await checkParallel(sys, { maxMemory }, source, 2);
  const top = peak();
  assert.is(r.outcome, 'incomplete');
  assert.is(r.incompleteReason, 'max-memory');
  assert.is(r.distinctStates, 0);
  assert.is(r.workers, 2);
  assert.is(workersStarted(), started, 'no thread started');
  if (top !== undefined) assert.ok(top <= maxMemory, `peak ${(top / MiB).toFixed(1)} MiB, budget ${(maxMemory / MiB).toFixed(1)} MiB`);
});

test('handed over to workers that do not fit: incomplete (max-memory) with the one thread\'s states, counts and witnesses', async () => {
  const { sys, source } = await boundCase('limiter', {});
  const one = new Search(sys, {});
  for (let d = 0; d < 6; d++) {
    one.pauseAtLevelEnd();
    assert.is(one.run(), undefined);
  }
  const at = one.stats();
  const h = one.handOver()!;
  assert.ok(h && at.distinctStates > 10, 'handed over at depth 6');
  const maxMemory = (await settledResidentSet()) + WORKER_BYTES;
  const started = workersStarted();
  const par = new ParallelSearch(sys, { maxMemory }, source, 2, { resume: h, linksDigest: true });
  const r = await par.result;
  assert.is(workersStarted(), started, 'no thread started');
  assert.is(r.outcome, 'incomplete');
  assert.is(r.incompleteReason, 'max-memory');
  assert.equal([r.distinctStates, r.edges, r.depth], [at.distinctStates, at.edges, at.depth]);
  // what one thread cut at the same states reports: the first `at.distinctStates` states of the search
  const cut = check(sys, { maxStates: at.distinctStates });
  assert.equal(
    r.observables!.map((o) => [o.name, o.min, o.max, o.minSteps, o.maxSteps, o.minTrace.length - 1, o.maxTrace.length - 1]),
    cut.observables!.map((o) => [o.name, o.min, o.max, o.minSteps, o.maxSteps, o.minSteps, o.maxSteps]),
  );
  assert.is(par.linksDigest, one.linksDigest());
});

test('a roomy budget: the workers measure what they hold (the 64 MiB included) and run the search to its end', async () => {
  const { sys, source } = await boundCase(heavyModel, {});
  const maxMemory = (await settledResidentSet()) + 1024 * MiB;
  const par = new ParallelSearch(sys, { maxMemory }, source, 2);
  const r = await par.result;
  assert.is(r.outcome, 'ok');
  assert.is(r.distinctStates, 90000);
  assert.ok(par.workerBytes! > 64 * MiB && par.workerBytes! < 256 * MiB, `a worker measured ${(par.workerBytes! / MiB).toFixed(1)} MiB`);
});

test('a budget just above 2 workers\' room (ring-notify 8x64): they start, the search stops as incomplete (max-memory) past its start, within the budget plus the margin', async () => {
  const { sys, source } = await boundCase('ring-notify', { ringSize: '8', messages: '64' });
  // Under so tight a budget the first thread starts alone and the second once it fits at what the first
  // measured (checker/parallel.ts). Last in the file: its three searches take most of the file's time, and
  // the mutants the other cases kill are killed sooner before it (npm run mutants stops a file at its first
  // failed test).
  // The smallest room is 16 MiB past the two workers', not 8: between the settled reading and the search's fit
  // check (parallel.ts workersFit at its start) the process itself grows by 3-9 MiB (the search's shared tables,
  // the loader's import: measured on a quiet machine, 8.3 MiB in one run of three), and at +8 MiB the search
  // once refused to start (train of session 28, load 3-5: 0 states, its peak 63.5 MiB under the budget).
  for (const extra of [16, 24, 40]) {
    const maxMemory = (await settledResidentSet()) + 2 * WORKER_BYTES + extra * MiB;
    resetPeak();
    const r = await checkParallel(sys, { maxMemory }, source, 2);
    const top = peak();
    console.log(`+${extra} MiB: ${r.outcome} ${r.incompleteReason ?? ''} ${r.distinctStates} states; peak ${top === undefined ? '?' : ((top - maxMemory) / MiB).toFixed(1)} MiB past the budget`);
    assert.is(r.outcome, 'incomplete', `+${extra} MiB`);
    assert.is(r.incompleteReason, 'max-memory', `+${extra} MiB`);
    assert.ok(r.distinctStates > 0, `+${extra} MiB: the workers started`);
    if (top !== undefined) assert.ok(top <= maxMemory + MARGIN, `+${extra} MiB: peak ${((top - maxMemory) / MiB).toFixed(1)} MiB past the budget`);
  }
});

test.run();
