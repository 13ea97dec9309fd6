/**
 * A kept worker's environment (checker/parallel.ts's pool): each search's
 * start message brings the main thread's process.env as it is then, so what a
 * worker reads from it (a model, PVCHECK_SPILL_BYTES, PVCHECK_SERIAL_GROW) is
 * what the main thread has at that search, not what it had when the worker
 * was started. Before, a kept worker kept the environment of its start.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { check } from '../checker/explore.js';
import { checkParallel, closeWorkerPool, workersStarted } from '../checker/parallel.js';
import { loadModel } from '../cli/loadModel.js';
import { bind } from '../properties/bind.js';

const root = resolve(import.meta.dirname, '..');
const loader = new URL('./fixtures/env-loader.ts', import.meta.url).href;

test('a model that reads the environment: each search on the kept workers reads it as the main thread has it then', async () => {
  const m = await loadModel('ring-notify');
  await closeWorkerPool();
  let started: number | undefined;
  for (const messages of [3, 4, 2, 4]) {
    process.env.PVCHECK_TEST_ENV_MESSAGES = String(messages);
    const params = { ...(m.params.defaults as object), ringSize: 2, messages };
    const sys = bind(m, params);
    if (E.isLeft(sys)) throw new Error(sys.left);
    const one = check(sys.right).distinctStates;
    const r = await checkParallel(sys.right, {}, { loader, args: { model: 'ring-notify', params: { ...params, messages: 0 } } }, 2);
    assert.is(r.distinctStates, one, `messages=${messages}: the workers' state space is the main thread's`);
    started ??= workersStarted();
  }
  assert.is(workersStarted(), started, 'every search after the first took the kept workers');
  delete process.env.PVCHECK_TEST_ENV_MESSAGES;
  await closeWorkerPool();
});

test('PVCHECK_SERIAL_GROW set and unset between searches of one process: the kept workers grow the table as each search says', () => {
  // the workers' phase times (PVCHECK_WORKER_TIMES=1, a line on stderr a worker and search) show a
  // 'rehash' phase only when every worker re-places a table grown in place, not when worker 0 grows it alone
  const script = `
    import { checkParallel, workersStarted } from ${JSON.stringify(resolve(root, 'checker/parallel.ts'))};
    import { loadModel } from ${JSON.stringify(resolve(root, 'cli/loadModel.ts'))};
    import { workerSystemLoader } from ${JSON.stringify(resolve(root, 'cli/workerSystem.ts'))};
    import { bind } from ${JSON.stringify(resolve(root, 'properties/bind.ts'))};
    const m = await loadModel('ring-notify');
    const params = { ...m.params.defaults, ringSize: 4, messages: 12 };
    for (const g of ['', '1', '']) {
      if (g) process.env.PVCHECK_SERIAL_GROW = g; else delete process.env.PVCHECK_SERIAL_GROW;
      const r = await checkParallel(bind(m, params).right, {}, { loader: workerSystemLoader, args: { model: 'ring-notify', params } }, 2);
      process.stderr.write('search ' + (g || '-') + ' ' + r.distinctStates + ' started ' + workersStarted() + '\\n');
    }`;
  const env: NodeJS.ProcessEnv = { ...process.env, PVCHECK_WORKER_TIMES: '1', PVCHECK_PARALLEL_FROM: '1' };
  delete env.PVCHECK_SERIAL_GROW;
  const p = spawnSync(process.execPath, ['--import', './bin/register.mjs', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 120_000, env });
  assert.is(p.status, 0, p.stderr);
  // each search's two worker lines come before its own line
  const searches = p.stderr.split(/^search .*$/m).slice(0, 3);
  const ends = [...p.stderr.matchAll(/^search (\S+) (\d+) started (\d+)$/gm)];
  assert.equal(ends.map((e) => e[1]), ['-', '1', '-'], p.stderr);
  assert.ok(new Set(ends.map((e) => e[2])).size === 1, 'the same state count each time');
  assert.equal(ends.map((e) => e[3]), ['2', '2', '2'], 'no worker started after the first search');
  const rehash = searches.map((s) => [...s.matchAll(/^worker \d: .*$/gm)].map((l) => / rehash /.test(l[0])));
  assert.equal(rehash, [[true, true], [false, false], [true, true]], p.stderr);
});

test.run();
