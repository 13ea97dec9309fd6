/**
 * Shaped models on the workers (checker/parallelWorker.ts uses the shape's
 * codec and symmetry on words, as the single-threaded packed path does): every
 * built-in model with a shape at its defaults, at 1 and at 3 workers, the same
 * outcome, counts, coverage, observables and trace bytes
 * (test/support/workerCases.ts). Every example with a shape:
 * test/shapesExamplesA.test.ts and ...B.test.ts (PVCHECK_SLOW_TESTS=1).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareCases, isBuiltin } from './support/workerExamples.js';

test('every built-in model with a shape: the same result and trace at 1 and at 3 workers', async () => {
  let symmetric = 0;
  const runs = await compareCases((c, _m, sys) => {
    if (sys.shape === undefined || !isBuiltin(c)) return false;
    if (sys.scalarsets) symmetric++;
    return true;
  });
  assert.ok(runs >= 4, `shaped checks on 3 workers: ${runs}`);
  assert.ok(symmetric >= 1, `with symmetry on words: ${symmetric}`);
  console.log(`${runs} shaped checks ran on 3 workers (${symmetric} with scalarsets)`);
});

test.run();
