/**
 * The Ctrl-C flake measurement (issue 19): runs test/cli.test.ts's case "Ctrl-C
 * stops a long search cleanly with a partial report (exit 3)" (the same
 * function, test/support/cli.ts ctrlCLongSearch) N times in a row and prints
 * each failure and the count.
 *
 *   node --import ./bin/register.mjs test/support/interruptRepeat.ts [N=200]
 *
 * Exit 1 when any run failed. docs/checker.md records the figures.
 */
import { ctrlCLongSearch } from './cli.js';
import { scratchDir } from './tmp.js';

const n = Number(process.argv[2] ?? 200);
const dir = scratchDir('pvcheck-intrep-');
const t0 = Date.now();
let failed = 0;
for (let i = 0; i < n; i++) {
  const r = await ctrlCLongSearch(dir);
  let why = '';
  if (r.early) why = 'ended before the signal';
  else if (r.code !== 3) why = `exit ${r.code ?? r.signal}`;
  else {
    try {
      const j = JSON.parse(r.out);
      if (j.outcome !== 'incomplete' || j.incompleteReason !== 'interrupted' || !(j.distinctStates > 0)) why = `report ${j.outcome}/${j.incompleteReason}`;
    } catch {
      why = 'stdout is not one JSON report';
    }
  }
  if (why) {
    failed++;
    console.log(`run ${i + 1}: FAILED: ${why}: ${r.err.split('\n').slice(-3).join(' | ')}`);
  }
}
console.log(`Ctrl-C case: ${n} runs, ${failed} failed, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
process.exit(failed ? 1 : 0);
