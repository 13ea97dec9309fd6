/**
 * Every example whose model declares a shape, half A of examples/ (alternate
 * files in sorted order; the other half: shapesExamplesB.test.ts):
 * test/support/shapedExamples.ts compares its first check line on the packed
 * and the reference path (states, edges, depth, verdict, coverage,
 * observables, state set, trace; test/shapes.test.ts does the built-in
 * models), and with PVCHECK_SLOW_TESTS=1 (CI) every check line on one thread
 * against its header and against 3 workers (outcome, counts, coverage,
 * observables, trace bytes).
 *
 * It runs the examples at their first check line, not at their defaults
 * (2026-12-04): there 17 xenbus and nc2-xenbus variants (hostile, mirage,
 * dpdk, backendRestart, reconfigure, xmit, malformedPacket, old ends) never
 * ran their own code and gave the built-in model's 15,183 states, on both
 * paths. A variant rule of xenbus-mirage-connect-before-keys that asked
 * `'${FE}/ring-ref' in s.xs.nodes` (always true on the packed path, whose
 * records keep every key) passed there and fails here.
 * run-tests: limit 1200s
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareShapedExample, exampleHalf, slowTests } from './support/shapedExamples.js';

if (!slowTests) console.log('skip: every check line at 1 and 3 workers (minutes): set PVCHECK_SLOW_TESTS=1 (CI does)');
const files = exampleHalf(0);
let shaped = 0;
let workerRuns = 0;
for (const f of files) {
  const name = f.split('/').pop();
  test(`example ${name}: packed and reference paths agree at its first check line${slowTests ? '; every line the same at 1 and 3 workers' : ''}`, async () => {
    const runs = await compareShapedExample(f, slowTests);
    if (runs === undefined) return;
    shaped++;
    workerRuns += runs;
  });
}
test('half A has shaped examples, and with the slow tests each of their lines ran on 3 workers', () => {
  assert.ok(files.length >= 30, `examples in half A: ${files.length}`);
  assert.ok(shaped >= 20, `shaped examples in half A: ${shaped}`);
  if (slowTests) assert.ok(workerRuns >= shaped, `lines on 3 workers: ${workerRuns}`);
  console.log(`${shaped} shaped examples${slowTests ? `, ${workerRuns} check lines on 3 workers` : ''}`);
});

test.run();
