/**
 * Every example with a shape, half B of examples/ in file order (the other
 * half: workersShapedExamplesA.test.ts, so that each file stays well inside the
 * runner's per-file limit): each `@pvcheck check` line at 1 and at 3
 * workers, the same outcome, counts, coverage, observables and trace bytes
 * (test/support/workerCases.ts). Minutes: run with PVCHECK_SLOW_TESTS=1 (CI).
 *
 * half the examples at 1 and 3 workers: 534 s at load 13 (2026-12-03).
 * run-tests: limit 1200s
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareCases, inHalf } from './support/workerCases.js';

const slow = process.env.PVCHECK_SLOW_TESTS === '1';
if (!slow) console.log('skip: every shaped example at 1 and 3 workers, half B (minutes): set PVCHECK_SLOW_TESTS=1 (CI does)');

(slow ? test : test.skip)('every example with a shape, half B: the same result and trace at 1 and at 3 workers', async () => {
  const runs = await compareCases((c, _m, sys) => sys.shape !== undefined && inHalf(c, 1));
  assert.ok(runs >= 5, `shaped example checks on 3 workers: ${runs}`);
  console.log(`${runs} shaped example checks ran on 3 workers`);
});

test.run();
