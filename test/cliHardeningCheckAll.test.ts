/**
 * check-all's `--workers N` is refused as check's is (cli/check.ts
 * checkAllCommand, session 25), before any row runs. test/cliHardening has
 * the same refusals through badInput, which waits for the command to end: a
 * check-all that takes the value instead runs every row (~100 s), so the
 * mutant checkall-workers-unchecked was killed there only after 101 s. Here
 * the run is stopped at its first progress line (a row under way: not
 * refused) and fails at once; a refusal ends it before.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_WORKERS } from '../cli/check.js';
import { pvcheckInterrupted } from './support/cli.js';
import { scratchDir } from './support/tmp.js';

const dir = scratchDir('pvcheck-checkall-workers-');

for (const [value, why] of [
  ['0', /^pvcheck: error: --workers expects a whole number of worker threads from 1 to 1024, got '0'$/],
  ['two', /^pvcheck: error: --workers expects a whole number of worker threads from 1 to 1024, got 'two'$/],
  ['9999', new RegExp(`^pvcheck: error: --workers 9999 is more worker threads than pvcheck starts \\(at most ${MAX_WORKERS}\\)$`)],
] as const) {
  test(`check-all --workers ${value}: refused in one line before any row runs`, async () => {
    // stopped (SIGTERM) at its first progress line: a row runs, the value was taken
    const r = await pvcheckInterrupted(['check-all', '--workers', value], dir, /progress [\w-]+ depth|^(?!pvcheck: error)./m, 'SIGTERM');
    assert.ok(r.early, `check-all --workers ${value} started its rows instead of refusing the value:\n${r.out.slice(0, 400)}${r.err.slice(0, 400)}`);
    assert.is(r.code, 2, r.err);
    assert.match(r.err.trim(), why);
    assert.is(r.err.trim().split('\n').length, 1, r.err);
    assert.is(r.out, '');
  });
}

test.run();
