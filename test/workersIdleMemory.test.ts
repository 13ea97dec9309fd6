/**
 * Idle workers and the memory budget (checker/memory.ts MemoryGuard,
 * checker/parallel.ts's pool). A kept worker holds 20-35 MiB of the process's
 * resident set (docs/perf/2026-12-05b-pool.md), which a later search under
 * --max-memory counted as its own: a search that fitted its budget without
 * them stopped as `incomplete` (max-memory). Now the guard ends them once the
 * budget is passed and counts on what they give back, and a multi-worker
 * search under a budget ends the idle workers it does not take (its workers'
 * guards cannot). The budgets are 10 MiB either side of the resident set,
 * against 20 MiB an idle worker is counted for, and what the guard reads of
 * the resident set is held still while it decides (withResidentSetHeld):
 * read for real, the second reading of the first case could come after the
 * ended workers gave their memory back (then "with none left, the same budget
 * is passed" failed), and a collection between setting a budget and the
 * guard's reading could move it by more than the margin. Checked: with the
 * guard's old rule (past the budget is past it, idle workers or not) the
 * first case fails.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { check } from '../checker/explore.js';
import { IDLE_WORKER_BYTES, MemoryGuard } from '../checker/memory.js';
import { checkParallel, closeWorkerPool, idleWorkers } from '../checker/parallel.js';
import { loadModel } from '../cli/loadModel.js';
import { workerSystemLoader } from '../cli/workerSystem.js';
import { bind } from '../properties/bind.js';
import { shapeCodec } from '../checker/codec.js';
import { settledResidentSet } from './support/residentSet.js';
import { withResidentSetHeld } from './support/residentSetHeld.js';

const MiB = 1024 ** 2;
const m = await loadModel('ring-notify');
const params = { ...(m.params.defaults as object), ringSize: 2, messages: 3 };
const b = bind(m, params);
if (E.isLeft(b)) throw new Error(b.left);
const sys = b.right;
const source = { loader: workerSystemLoader, args: { model: 'ring-notify', params } };
const states = check(sys).distinctStates;

async function pool(n: number): Promise<void> {
  await closeWorkerPool();
  assert.is((await checkParallel(sys, {}, source, n)).distinctStates, states);
  assert.is(idleWorkers(), n);
}

test('past the budget by less than the idle workers hold: the guard ends them and the search goes on', async () => {
  await pool(3);
  withResidentSetHeld((held) => {
    const guard = new MemoryGuard(held - 10 * MiB);
    assert.is(guard.over(0), false, 'three idle workers count for 60 MiB back');
    assert.is(idleWorkers(), 0, 'and they were ended');
    assert.is(guard.over(0), true, 'with none left, the same budget is passed');
  });
});

test('past the budget by more than the idle workers hold: the search stops (and the idle workers are ended too)', async () => {
  await pool(2);
  withResidentSetHeld((held) => assert.is(new MemoryGuard(held - 2 * IDLE_WORKER_BYTES - 10 * MiB).over(0), true));
  assert.is(idleWorkers(), 0);
});

test('within the budget: the idle workers stay', async () => {
  await pool(2);
  withResidentSetHeld((held) => assert.is(new MemoryGuard(held + 10 * MiB).over(0), false));
  assert.is(idleWorkers(), 2);
});

test('a multi-worker search under a budget ends the idle workers it does not take; without one, they stay', async () => {
  await pool(3);
  assert.is((await checkParallel(sys, {}, source, 2)).distinctStates, states);
  assert.is(idleWorkers(), 3, 'no budget: the third stays idle');
  assert.is((await checkParallel(sys, { maxMemory: 64 * 1024 ** 3 }, source, 2)).distinctStates, states);
  assert.is(idleWorkers(), 2, 'a budget: the third was ended, the search\'s two are kept');
  await closeWorkerPool();
});

test('the tests\' resident set (test/support/residentSet.ts): read with no idle worker and no codec kept, unless the test keeps its idle workers', async () => {
  const nm = await loadModel('netif-ctrl');
  const np = { ...(nm.params.defaults as object), requests: 1 };
  const nb = bind(nm, np);
  if (E.isLeft(nb)) throw new Error(nb.left);
  const shaped = nb.right;
  const codec = shapeCodec(shaped.shape!);
  assert.is(shapeCodec(shaped.shape!), codec, 'kept in the cache');
  await checkParallel(shaped, {}, { loader: workerSystemLoader, args: { model: 'netif-ctrl', params: np } }, 2);
  assert.is(idleWorkers(), 2);
  assert.ok((await settledResidentSet({ keepIdleWorkers: true })) > 0);
  assert.is(idleWorkers(), 2, 'kept when asked');
  assert.is.not(shapeCodec(shaped.shape!), codec, 'the codec cache emptied');
  await settledResidentSet();
  assert.is(idleWorkers(), 0, 'the idle workers ended');
});

test.run();
