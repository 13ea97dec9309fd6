/**
 * Which levels worker 0 runs alone (checker/parallelLayout.ts aloneBelow):
 * PVCHECK_PARALLEL_FROM when given, otherwise as many states as it expands
 * in about 4 ms by the wall time a state took it in the last levels, from
 * 2,000 to 16,000 states. The rule itself on chosen times (no test here
 * times anything), and the wiring: a search on workers says in its profile
 * (PVCHECK_WORKER_TIMES=1) what it used, the given number or one in range.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ALONE_CAP, ALONE_FLOOR, ALONE_MS, aloneBelow } from '../checker/parallelLayout.js';

const root = resolve(import.meta.dirname, '..');

test('aloneBelow: a given number wins; no measure yet, the floor; else the states of ALONE_MS, between the floor and the cap', () => {
  assert.is(aloneBelow(1, 0.0005), 1, 'PVCHECK_PARALLEL_FROM=1: every level on every worker');
  assert.is(aloneBelow(3000, 1e-6), 3000);
  assert.is(aloneBelow(0, 0), ALONE_FLOOR, 'before any level measured');
  assert.is(aloneBelow(0, NaN), ALONE_FLOOR);
  assert.is(aloneBelow(0, 0.0005), Math.floor(ALONE_MS / 0.0005), 'ring-notify warm (0.5 us a state): 8,000');
  assert.ok(aloneBelow(0, 0.0005) > ALONE_FLOOR && aloneBelow(0, 0.0005) < ALONE_CAP);
  assert.is(aloneBelow(0, 0.025), ALONE_FLOOR, 'xenbus (25 us a state): the floor, as before');
  assert.is(aloneBelow(0, 0.00001), ALONE_CAP, 'never more than the cap');
  // the slower a state, the fewer states a level alone
  let last = Infinity;
  for (const ms of [0.0001, 0.0003, 0.0006, 0.001, 0.002, 0.01]) {
    const n = aloneBelow(0, ms);
    assert.ok(n <= last, `${ms} ms a state`);
    last = n;
  }
});

test('a search on 2 workers reports the levels it ran alone: below PVCHECK_PARALLEL_FROM when given, else in range', () => {
  const below = (from: string | undefined): number => {
    const env: NodeJS.ProcessEnv = { ...process.env, PVCHECK_WORKER_TIMES: '1' };
    if (from === undefined) delete env.PVCHECK_PARALLEL_FROM;
    else env.PVCHECK_PARALLEL_FROM = from;
    // bench/one.ts: ring-notify 4x16 on 2 workers, one JSON line
    const p = spawnSync(process.execPath, ['--import', './bin/register.mjs', 'bench/one.ts', '4', '16', '2'], { cwd: root, encoding: 'utf8', timeout: 120_000, env });
    assert.is(p.status, 0, p.stderr);
    assert.is(JSON.parse(p.stdout).outcome, 'ok', p.stdout);
    const m = /^worker 0: .*levels alone below (\d+) states \((\d+\.\d+) us a state\)$/m.exec(p.stderr);
    assert.ok(m, p.stderr);
    return Number(m![1]);
  };
  assert.is(below('3000'), 3000);
  assert.is(below('1'), 1);
  const n = below(undefined);
  assert.ok(n >= ALONE_FLOOR && n <= ALONE_CAP, String(n));
});

test.run();
