/**
 * A worker thread that never finishes loading the model (checker/parallel.ts
 * LOAD_WAIT_SECONDS, PVCHECK_WORKER_LOAD_SECONDS): the search fails with one
 * line naming the worker and the wait, instead of holding the others at their
 * first common level (and a memory guard waiting for the loading workers,
 * parallelWorker.ts awaitLoaded) for ever. test/fixtures/never-loads.ts never
 * finishes its import in a worker thread.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { checkParallel } from '../checker/parallel.js';
import { boundCase } from './support/workerCases.js';
import { settledResidentSet } from './support/residentSet.js';

const stuck = fileURLToPath(new URL('./fixtures/never-loads.ts', import.meta.url));
process.env.PVCHECK_WORKER_LOAD_SECONDS = '2';

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('the search ended without an error');
}

for (const budget of [false, true]) {
  test(`a worker that never loads: the search fails after the wait, with one line (${budget ? 'a tight budget: the staggered start' : 'no budget'})`, async () => {
    const { sys, source } = await boundCase(stuck, {});
    // a budget a few workers tight starts worker 0 alone (parallel.ts STAGGER_BYTES), which never loads here
    const maxMemory = budget ? (await settledResidentSet()) + 128 * 2 ** 20 : undefined;
    const t0 = performance.now();
    const e = await failure(checkParallel(sys, maxMemory !== undefined ? { maxMemory } : {}, source, 2));
    const s = (performance.now() - t0) / 1000;
    assert.match(e.message, /^worker [01] has not loaded the model 2 s after it started \(a slow machine: PVCHECK_WORKER_LOAD_SECONDS=N waits N seconds\)$/);
    assert.ok(s >= 1.9 && s < 30, `failed after ${s.toFixed(1)} s`);
  });
}

test.run();
