/**
 * The default number of workers (checker/parallel.ts `chooseWorkers`,
 * cli/check.ts `workerChoice`): fixed loads give fixed choices, an explicit
 * --workers is obeyed, and the CLI reports the number and why (--json's
 * `workers` and `workersReason`, the first progress line).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chooseWorkers, othersBusy, type CpuSample } from '../checker/parallel.js';
import { workerChoice } from '../cli/check.js';
import { PROGRESS, pvcheck } from './support/cli.js';
import { scratchDir } from './support/tmp.js';
import { writtenAtArgs } from './support/bounds.js';

test('chooseWorkers: two cores, by the cores the rest of the machine keeps busy', () => {
  // sampled: the measured figure decides, whatever the load average says
  const at = (othersBusy: number, load1 = 5) => chooseWorkers({ cores: 2, load1, othersBusy }).workers;
  assert.is(at(0), 2);
  assert.is(at(0.3), 2);
  assert.is(at(0.4), 2, '1.6 cores free: the second worker has 0.6 of one');
  assert.is(at(0.5), 1);
  assert.is(at(1), 1);
  assert.is(at(1.9), 1);
  assert.is(at(7), 1, 'more busy than the machine has cores');
  assert.is(at(0.1, 7), 2, 'a quiet second after a loaded minute');
  // not sampled: the load average stands for the rest of the machine
  const byLoad = (load1: number) => chooseWorkers({ cores: 2, load1 }).workers;
  assert.is(byLoad(0), 2);
  assert.is(byLoad(0.2), 2);
  assert.is(byLoad(1), 1);
  assert.is(byLoad(7), 1, 'the measured case: 2 workers took 26.9 s and 1 took 10.8 s at load 7');
});

test('chooseWorkers: more cores, one core, bad figures', () => {
  const at = (cores: number, othersBusy: number) => chooseWorkers({ cores, load1: 0, othersBusy }).workers;
  assert.is(at(8, 0), 8);
  assert.is(at(8, 2), 6);
  assert.is(at(8, 2.5), 5);
  assert.is(at(8, 2.4), 6);
  assert.is(at(8, 7.7), 1);
  assert.is(at(1, 0), 1);
  assert.match(chooseWorkers({ cores: 1, load1: 0 }).reason, /one core/);
  assert.is(chooseWorkers({ cores: 2, load1: NaN }).workers, 2, 'no load average (an OS without one): every core');
  assert.is(chooseWorkers({ cores: 2, load1: 0, othersBusy: -1 }).workers, 2);
  assert.is(chooseWorkers({ cores: 0, load1: 0 }).workers, 1);
});

test('chooseWorkers: the reason names the figures it used', () => {
  const r = chooseWorkers({ cores: 2, load1: 6.94, othersBusy: 1.83 });
  assert.is(r.workers, 1);
  assert.match(r.reason, /1\.8 of 2 cores busy over the first second/);
  assert.match(r.reason, /load average 6\.9/);
  assert.match(r.reason, /0\.2 free: one worker \(/);
  const q = chooseWorkers({ cores: 2, load1: 1.2 });
  assert.is(q.workers, 1);
  assert.match(q.reason, /^load average 1\.2 on 2 cores; 0\.8 free: one worker/);
  assert.match(chooseWorkers({ cores: 2, load1: 0.1, othersBusy: 0.05 }).reason, /room for 2 workers/);
});

test('othersBusy: machine CPU time minus this process, over the elapsed time', () => {
  const s = (at: number, machineBusyMs: number, ownMs: number): CpuSample => ({ at, machineBusyMs, ownMs });
  assert.is(othersBusy(s(0, 0, 0), s(1000, 1500, 1000)), 0.5);
  assert.is(othersBusy(s(0, 0, 0), s(1000, 900, 1000)), 0, 'never below 0 (the two clocks tick apart)');
  assert.is(othersBusy(s(0, 0, 0), s(100, 100, 0)), undefined, 'too short a sample to tell');
});

test('workerChoice: an explicit --workers is obeyed unless the system runs on one thread', () => {
  assert.equal(workerChoice(3, undefined, 2), { workers: 3, reason: '--workers 3 given' });
  assert.equal(workerChoice(1, undefined, 8), { workers: 1, reason: '--workers 1 given' });
  const why = 'the state dump (--dump-states) runs on one thread';
  assert.equal(workerChoice(2, why, 2), { workers: 1, reason: `--workers 2 given, but ${why}` });
  assert.equal(workerChoice(1, why, 2), { workers: 1, reason: '--workers 1 given' });
  assert.equal(workerChoice(undefined, why, 2), { workers: 1, reason: why });
  assert.is(workerChoice(undefined, undefined, 1).workers, 1);
  assert.is(workerChoice(undefined, undefined, 4).workers, 4, 'up to every core, decided after the first second');
});

const dir = scratchDir('pvcheck-workers-default-');

test('the CLI reports the number of workers and why: --json and the first progress line', () => {
  const small = pvcheck(['check', 'ring-notify', ...writtenAtArgs('ring-notify'), '--json', '-q'], dir);
  assert.is(small.code, 0, small.err);
  const j = JSON.parse(small.out) as { workers: number; workersReason: string };
  assert.is(j.workers, 1);
  assert.match(j.workersReason, /ended within its first second/);
  const two = pvcheck(['check', 'ring-notify', '-p', 'ringSize=4', '-p', 'messages=16', '--workers', '2', '--json'], dir, { PVCHECK_PROGRESS_MS: '1' });
  assert.is(two.code, 0, two.err);
  const k = JSON.parse(two.out) as { workers: number; workersReason: string };
  assert.equal([k.workers, k.workersReason], [2, '--workers 2 given']);
  const first = two.err.split('\n').find((l) => PROGRESS.test(l));
  assert.ok(first, two.err);
  assert.match(first!, /; 2 workers: --workers 2 given$/);
  assert.is(two.err.split('\n').filter((l) => /--workers 2 given/.test(l)).length, 1, 'only the first progress line says it');
});

test.run();
