/**
 * fast-check settings every property test shares. Import it (for its side
 * effect, or for `runs`) in every test file that uses fast-check;
 * test/suiteHygiene.test.ts checks that they all do.
 *
 * - The seed: `PVCHECK_SEED` when set (CI sets a fixed one in .ci/run, and
 *   bin/run-tests.mjs passes one seed to every file of a run), else a fresh
 *   random seed. Every fc.assert of the file uses it (fc.configureGlobal), so
 *   fast-check's own failure message ("seed: S, path: P") replays with
 *   `PVCHECK_SEED=S`, and a failing file prints the replay command.
 * - The number of runs: `runs(n)` is n, or `PVCHECK_FC_RUNS` when set. A
 *   value that is not a positive integer (`0` would turn every property into
 *   a no-op that passes) is refused: the file fails at once, saying why.
 */
import fc from 'fast-check';
import { relative } from 'node:path';

function positiveInt(name: string, raw: string): number {
  const n = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(n) || n < 1)
    throw new Error(`${name}=${raw} is refused: expected a positive integer (0 runs would make every property test pass without testing anything)`);
  return n;
}

const rawSeed = process.env.PVCHECK_SEED;
export const SEED: number =
  rawSeed !== undefined && rawSeed !== ''
    ? (() => {
        const n = Number(rawSeed);
        if (!/^\s*-?\d+\s*$/.test(rawSeed) || !Number.isSafeInteger(n)) throw new Error(`PVCHECK_SEED=${rawSeed} is refused: expected an integer`);
        return n | 0;
      })()
    : (Math.random() * 0x7fffffff) | 0;

const rawRuns = process.env.PVCHECK_FC_RUNS;
const RUNS_OVERRIDE = rawRuns !== undefined && rawRuns !== '' ? positiveInt('PVCHECK_FC_RUNS', rawRuns) : undefined;

/** The number of runs of a property whose default is `n` (PVCHECK_FC_RUNS overrides every default). */
export const runs = (n: number): number => RUNS_OVERRIDE ?? n;

fc.configureGlobal({ seed: SEED });

process.on('exit', (code) => {
  if (code === 0 && !process.exitCode) return;
  const file = process.argv[1] ? relative(process.cwd(), process.argv[1]) : '<test file>';
  process.stderr.write(`fast-check seed ${SEED}: replay with PVCHECK_SEED=${SEED} node bin/run-tests.mjs ${file}\n`);
});
