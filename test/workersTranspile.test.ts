/**
 * Workers never run the TypeScript compiler: with an empty hooks' cache
 * (PVCHECK_TS_CACHE, a new directory), the main thread transpiles every module
 * a worker loads before the workers start (bin/worker-js.mjs: the workers'
 * plain-JS copies for a built-in model, the hooks' cache filled for a user's
 * model file, whose workers run under the hooks). PVCHECK_TS_LOG: each run of
 * the compiler appends `main FILE` or `worker FILE` (bin/ts-hooks.mjs). Before,
 * each worker transpiled what the main thread had not loaded
 * (checker/parallelWorker.ts and its imports: 88 MiB and 2.6 s a worker,
 * docs/perf/2026-12-06f-engine.md §1).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scratchDir } from './support/tmp.js';

const root = resolve(import.meta.dirname, '..');

function coldRun(args: string[]): { status: number | null; out: string; log: string[] } {
  const dir = scratchDir('pvcheck-ts-cold-');
  const env: NodeJS.ProcessEnv = { ...process.env, PVCHECK_TS_CACHE: join(dir, 'cache'), PVCHECK_TS_LOG: join(dir, 'log') };
  delete env.PVCHECK_WORKER_HOOKS;
  delete env.PVCHECK_WORKER_POOL;
  const p = spawnSync(process.execPath, ['bin/pvcheck.mjs', 'check', ...args], { cwd: root, encoding: 'utf8', timeout: 180_000, env });
  let log: string[] = [];
  try {
    log = readFileSync(join(dir, 'log'), 'utf8').split('\n').filter((l) => l !== '');
  } catch {
    /* no compiler run at all */
  }
  return { status: p.status, out: p.stdout + p.stderr, log };
}

const by = (log: string[], who: string) => log.filter((l) => l.startsWith(who + ' '));

test('a built-in model on 2 workers with an empty cache: only the main thread transpiles (parallelWorker.ts included)', () => {
  const r = coldRun(['ring-notify', '-p', 'ringSize=4', '-p', 'messages=6', '--workers', '2']);
  assert.is(r.status, 0, r.out);
  assert.match(r.out, /2 workers/);
  assert.ok(by(r.log, 'main').length > 20, `the cache was empty: the main thread transpiled its modules (${r.log.length} lines)`);
  assert.ok(by(r.log, 'main').some((l) => l.endsWith('/checker/parallelWorker.ts')), 'the workers\' entry was transpiled by the main thread');
  assert.equal(by(r.log, 'worker'), [], 'no worker ran the compiler');
});

test('a model file on 2 workers (the workers run under the hooks) with an empty cache: no worker runs the compiler', () => {
  const r = coldRun(['examples/limiter-credit-overflow.ts', '-p', 'creditBytes=15', '-p', 'hostile=false', '-p', 'hostileRx=false', '--workers', '2']);
  assert.is(r.status, 1, r.out); // the example's violation
  assert.match(r.out, /L2_credit_no_overflow/);
  assert.match(r.out, /2 workers/);
  assert.ok(by(r.log, 'main').some((l) => l.endsWith('/examples/limiter-credit-overflow.ts')), 'the main thread transpiled the model file');
  assert.ok(by(r.log, 'main').some((l) => l.endsWith('/checker/parallelWorker.ts')), 'and the workers\' entry');
  assert.equal(by(r.log, 'worker'), [], 'no worker ran the compiler');
});

test.run();
