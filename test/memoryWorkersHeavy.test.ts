/**
 * The memory guard with workers that hold more at load than
 * checker/memory.ts WORKER_BYTES (note22 item 5): test/fixtures/heavy-load.ts
 * holds 64 MiB from its import on, in every thread that imports it. Each fresh
 * worker measures what it holds once loaded (parallelWorker.ts loadedBytes);
 * the guards count that for the workers still loading, and under a budget
 * with little room the first thread starts alone and the others only if they
 * fit at what it measured (parallel.ts STAGGER_BYTES). Before, all started at
 * once and the budget was passed by what they held beyond WORKER_BYTES
 * (about 50 MiB on 2 workers: docs/perf/2026-12-06e-engine.md §2). The peak
 * resident set (Linux: VmHWM, reset through /proc/self/clear_refs) must stay
 * within the budget plus the margin of test/memoryWorkers.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WORKER_BYTES } from '../checker/memory.js';
import { ParallelSearch } from '../checker/parallel.js';
import { Search } from '../checker/search.js';
import { boundCase } from './support/workerCases.js';
import { settledResidentSet } from './support/residentSet.js';

const MiB = 2 ** 20;
const MARGIN = 16 * MiB;
const model = fileURLToPath(new URL('./fixtures/heavy-load.ts', import.meta.url));

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
    /* not Linux */
  }
}

test('a roomy budget: the workers measure what they hold (the 64 MiB included) and run the search to its end', async () => {
  const { sys, source } = await boundCase(model, {});
  const maxMemory = (await settledResidentSet()) + 1024 * MiB;
  const par = new ParallelSearch(sys, { maxMemory }, source, 2);
  const r = await par.result;
  assert.is(r.outcome, 'ok');
  assert.is(r.distinctStates, 90000);
  assert.ok(par.workerBytes! > 64 * MiB && par.workerBytes! < 256 * MiB, `a worker measured ${(par.workerBytes! / MiB).toFixed(1)} MiB`);
});

test('room for 2 workers at WORKER_BYTES and for one heavy worker, not two: incomplete (max-memory) within the budget, from scratch and handed over', async () => {
  const { sys, source } = await boundCase(model, {});
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

test.run();
