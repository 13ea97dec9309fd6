/**
 * The copyStep flake measurement (issue 19): runs the suite's copyStep
 * property (test/support/copyStepProperty.ts) N times in a row, each time as
 * the suite runs it (1,200 cases) with a fresh seed, and prints the failing
 * seeds and the count.
 *
 *   node --import ./bin/register.mjs test/support/copyStepRepeat.ts [N=200] [FIRST_SEED]
 *
 * Exit 1 when any run failed. docs/checker.md records the figures.
 */
import fc from 'fast-check';
import { copyStepProperty } from './copyStepProperty.js';

const n = Number(process.argv[2] ?? 200);
const first = Number(process.argv[3] ?? (Date.now() % 2 ** 31));
const t0 = Date.now();
let failed = 0;
for (let i = 0; i < n; i++) {
  const seed = (first + i * 7919) % 2 ** 31;
  const r = fc.check(copyStepProperty, { numRuns: 1200, seed });
  if (r.failed) {
    failed++;
    console.log(`run ${i + 1}: FAILED seed ${seed} path ${r.counterexamplePath}: ${String((r.errorInstance as Error)?.message ?? r.errorInstance).split('\n')[0]}`);
  }
}
console.log(`copyStep property: ${n} runs of 1200 cases from seed ${first} (step 7919), ${failed} failed, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
process.exit(failed ? 1 : 0);
