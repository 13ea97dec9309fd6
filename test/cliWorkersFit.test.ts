/**
 * A default run (no --workers) whose workers would not fit in the memory
 * budget beside what the process holds (checker/parallel.ts workersFit)
 * stays on its one thread (cli/check.ts HandOverPlan), where the memory guard
 * would end the search as soon as they started: `PVCHECK_TEST_SWITCH_MS=200
 * pvcheck check ring-notify -p ringSize=8 -p messages=24 --max-memory 150M`
 * ended INCOMPLETE (max-memory) after 6,883 states on 2 workers; it now
 * verifies the 692,552 states on one thread and says why (2026-12-06). The
 * plan is driven here in the process: whether workers fit depends on the
 * process's memory, which a CLI run cannot fix across machines.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { availableParallelism } from 'node:os';
import { HandOverPlan } from '../cli/check.js';

test('a default run whose workers would not fit in the memory budget stays on one thread: when they are chosen, and at the hand-over', async () => {
  if (availableParallelism() < 2) return console.log('skip: one core, the plan never chooses workers');
  // a default run that may go to every core after 1 ms, the work left always paying (PVCHECK_HANDOVER_MIN_S=0)
  const plan = (fits: (n: number) => boolean, env: Record<string, string> = {}): HandOverPlan => {
    const vars = { PVCHECK_TEST_SWITCH_MS: '1', PVCHECK_HANDOVER_MIN_S: '0', ...env };
    Object.assign(process.env, vars);
    try {
      return new HandOverPlan({ workers: 2, reason: 'test' }, true, fits);
    } finally {
      for (const k of Object.keys(vars)) delete process.env[k];
    }
  };
  const one = { paused: true, stats: () => ({ depth: 1, queue: 10, distinctStates: 100 }), pauseAtLevelEnd: () => {}, handOver: () => assert.unreachable('handed over') };
  const asked: number[] = [];
  const never = plan((n) => (asked.push(n), false));
  await new Promise((r) => setTimeout(r, 5));
  assert.is(never.afterSlice(one as never), 'one thread');
  assert.ok(asked.length === 1 && asked[0]! > 1, `asked for ${asked}`);
  assert.match(never.choice.reason, /; \d+ workers would not fit in the memory budget \(at least 32 MiB each beside what the process holds\): the search stays on one thread$/);
  assert.is(never.choice.workers, 1);
  // chosen while they fit, no longer at the level start where the one thread would hand over (its table grew)
  let room = true;
  const later = plan(() => room);
  await new Promise((r) => setTimeout(r, 5));
  // mid-level: the workers are chosen (they fit), the hand-over waits for a level start
  one.paused = false;
  assert.is(later.afterSlice(one as never), 'go on');
  room = false;
  one.paused = true;
  let next = later.afterSlice(one as never);
  for (let i = 0; i < 20 && next === 'wait'; i++) next = later.afterSlice(one as never);
  assert.is(next, 'one thread');
  assert.match(later.choice.reason, /workers would not fit in the memory budget/);
  assert.is(later.choice.workers, 1);
  // workers that would start from scratch (PVCHECK_HANDOVER=0: no hand-over to wait for) are not started either
  const scratch = plan(() => false, { PVCHECK_HANDOVER: '0' });
  await new Promise((r) => setTimeout(r, 5));
  assert.is(scratch.afterSlice(one as never), 'one thread');
  assert.match(scratch.choice.reason, /workers would not fit in the memory budget/);
});

test.run();
