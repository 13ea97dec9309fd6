/**
 * The workers' pool (checker/parallel.ts): a search's workers are kept and
 * the next search takes them. Nothing of one search may reach the next: a
 * sequence of different models and parameters (a flat layout, shapes with
 * symmetry, AG EF goals and observables, a violation and its trace) on one
 * pool, forwards then backwards, gives each time what a fresh pool gives and
 * what one thread gives, and starts no worker after the first search. A
 * failed or interrupted search's workers are not kept, and a process whose
 * pool holds idle workers still exits.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { check, type CheckResult } from '../checker/explore.js';
import { ParallelSearch, checkParallel, closeWorkerPool, idleWorkers, workersStarted } from '../checker/parallel.js';
import type { System } from '../checker/system.js';
import { loadModel } from '../cli/loadModel.js';
import { workerSystemLoader } from '../cli/workerSystem.js';
import { bind } from '../properties/bind.js';
import { writtenAt } from './support/bounds.js';
import { summary } from './support/workerCases.js';

process.env.PVCHECK_PARALLEL_FROM = '1'; // every level on every worker (summary's module sets it too)
const root = resolve(import.meta.dirname, '..');

interface Case { readonly model: string; readonly params: Record<string, unknown> }
const cases: Case[] = [
  { model: 'ring-notify', params: { ringSize: 4, messages: 6 } }, // flat layout
  { model: 'grant', params: writtenAt('grant') }, // a shape with symmetry
  { model: 'vif', params: writtenAt('vif') }, // AG EF goals
  { model: 'ring-notify', params: { ringSize: 3, messages: 5 } }, // the same model, other parameters
  { model: 'limiter', params: writtenAt('limiter') }, // goals and observables
];

const systems = new Map<Case, System<unknown>>();
async function sysOf(c: Case): Promise<System<unknown>> {
  let s = systems.get(c);
  if (!s) {
    const m = await loadModel(c.model);
    const b = bind(m, { ...(m.params.defaults as object), ...c.params });
    if (E.isLeft(b)) throw new Error(b.left);
    systems.set(c, (s = b.right));
  }
  return s;
}
const source = (c: Case) => ({ loader: workerSystemLoader, args: { model: c.model, params: c.params } });
const same = (r: CheckResult<unknown>) => JSON.stringify({ ...summary(r), violation: r.violation && { ...r.violation } });
const run = async (c: Case, n: number) => same(await checkParallel(await sysOf(c), {}, source(c), n));

test('a sequence of different searches on one pool: each as on a fresh pool and as on one thread, and no worker started after the first search', async () => {
  const fresh: string[] = [];
  for (const c of cases) {
    const one = same(check(await sysOf(c)));
    await closeWorkerPool();
    const r = await run(c, 2);
    assert.is(r, one, `${c.model} ${JSON.stringify(c.params)}: 2 fresh workers against one thread`);
    fresh.push(r);
  }
  assert.ok(fresh.some((r) => r.includes('"violation":{')), 'a case with a violation');
  await closeWorkerPool();
  const before = workersStarted();
  const order = [...cases.keys(), ...[...cases.keys()].reverse()];
  for (const i of order) assert.is(await run(cases[i]!, 2), fresh[i], `${cases[i]!.model} ${JSON.stringify(cases[i]!.params)} on the pool`);
  assert.is(workersStarted() - before, 2, 'the first search started 2 workers, the others took them');
  assert.is(idleWorkers(), 2);
  // 3 workers: the 2 kept and one more; then 2 of the 3
  assert.is(await run(cases[1]!, 3), fresh[1]);
  assert.is(workersStarted() - before, 3);
  assert.is(await run(cases[0]!, 2), fresh[0]);
  assert.is(idleWorkers(), 3);
});

test('a failed search and an interrupted one: their workers are not kept, and the next search is as on a fresh pool', async () => {
  await closeWorkerPool();
  const c = cases[0]!;
  const ok = await run(c, 2);
  assert.is(idleWorkers(), 2);
  // the workers fail to load the system (the main thread's system is a good one)
  const err = await checkParallel(await sysOf(c), {}, { loader: workerSystemLoader, args: { model: 'no-such-model', params: {} } }, 2).then(
    () => undefined,
    (e: Error) => e.message,
  );
  assert.ok(err && /no-such-model/.test(err), `the workers' error: ${err}`);
  assert.is(idleWorkers(), 0, 'the failed search took the 2 kept workers and did not give them back');
  assert.is(await run(c, 2), ok);
  const search = new ParallelSearch(await sysOf(cases[4]!), {}, source(cases[4]!), 2);
  search.interrupt();
  const r = await search.result;
  assert.is(r.incompleteReason, 'interrupted');
  assert.is(idleWorkers(), 0, 'the interrupted search did not give its workers back');
  assert.is(await run(c, 2), ok);
  assert.is(idleWorkers(), 2);
});

test('a process with idle workers in its pool exits', () => {
  const script = `
    import { checkParallel, idleWorkers } from ${JSON.stringify(resolve(root, 'checker/parallel.ts'))};
    import { loadModel } from ${JSON.stringify(resolve(root, 'cli/loadModel.ts'))};
    import { workerSystemLoader } from ${JSON.stringify(resolve(root, 'cli/workerSystem.ts'))};
    import { bind } from ${JSON.stringify(resolve(root, 'properties/bind.ts'))};
    const m = await loadModel('ring-notify');
    const params = { ...m.params.defaults, ringSize: 2, messages: 3 };
    const r = await checkParallel(bind(m, params).right, {}, { loader: workerSystemLoader, args: { model: 'ring-notify', params } }, 2);
    console.log(r.outcome, r.distinctStates, 'idle', idleWorkers());`;
  const p = spawnSync(process.execPath, ['--import', './bin/register.mjs', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.is(p.status, 0, p.stderr);
  assert.match(p.stdout, /^ok \d+ idle 2$/m);
});

test.run();
