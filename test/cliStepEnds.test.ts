/**
 * runSearch steps the workers' search in slices (cli/check.ts threads): a step returns as soon as the search
 * ends, not at the end of its slice (a slice is 250 ms). Until session 35 it polled every 10 ms, so runSearch
 * returned up to 10 ms after the workers' result, inside the bench's timed region (bench/nested.ts times
 * runSearch); it now waits on the result itself. A fake search whose result comes after 20 ms, stepped with a
 * slice of 5 s: the step returns with the result long before the slice's end (a step that waited its slice out
 * fails; the 10 ms of the poll are measured, not tested: docs/perf/2026-12-08-pool.md).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { threads } from '../cli/check.js';
import type { CheckResult, Stats } from '../checker/report.js';

const stats = (): Stats => ({ distinctStates: 0, edges: 0, depth: 0, queue: 0, seconds: 0 }) as Stats;

test('a step returns with the result when the search ends, not at the end of its slice', async () => {
  const result = { outcome: 'ok' } as CheckResult<unknown>;
  const running = threads({ result: new Promise((res) => setTimeout(() => res(result), 20)), stats, interrupt: () => {} }, 'fake');
  const t0 = Date.now();
  const r = await running.step(5_000);
  assert.is(r, result);
  assert.ok(Date.now() - t0 < 2_500, `the step took ${Date.now() - t0} ms of its 5 s slice`);
});

test('a search that fails: the step throws its error at once, one line naming the model', async () => {
  const running = threads({ result: new Promise((_, rej) => setTimeout(() => rej(new Error('boom\nmore')), 20)), stats, interrupt: () => {} }, 'fake');
  const t0 = Date.now();
  await running.step(5_000).then(
    () => assert.unreachable('no result'),
    (e: Error) => assert.is(e.message, 'model fake: boom'),
  );
  assert.ok(Date.now() - t0 < 2_500, `the step took ${Date.now() - t0} ms of its 5 s slice`);
});

test('a step of a search still running returns undefined after its slice', async () => {
  const running = threads({ result: new Promise(() => {}), stats, interrupt: () => {} }, 'fake');
  assert.is(await running.step(30), undefined);
});

test.run();
