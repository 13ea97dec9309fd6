/**
 * docs/findings.md: each row's command, run as a user runs it, still stops at
 * the row's result. test/findings.test.ts replays each committed trace on
 * today's model; that passes as long as the trace's steps still lead to the
 * violation, even when the row's command now stops earlier at another one
 * (session 19: xenbus-F3's row ran into F7's 10-step deadlock for a whole
 * session, its 11-step trace still replaying). Here the command itself runs
 * (`pvcheck check MODEL ARGS --workers 1 --json`, a child process, the trace
 * written to a scratch folder) and its first violation must be the row's
 * property at the row's length. A model change that makes a row's command
 * find something else first fails here: fix the row (add the `-p` or `-i`
 * that keeps the other finding out of the way) or say why it moved.
 *
 * The rows run one after another in one child process (test/support/cliRows.ts:
 * the hooks bin/pvcheck.mjs registers, then cli/main.ts `main(ARGS)` per row,
 * each row's result read the moment it ends), not a process per row as until
 * session 33: ~0.35 s of CPU a row for node, the hooks and the models' load.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { scratchDir } from './support/tmp.js';
import { findingRows } from './support/findingsTable.js';
import { cliRows } from './support/cliRows.js';

const table = findingRows();
const scratch = scratchDir('pvcheck-finding-rows-');
const runs = cliRows(table.map((row) => [...row.args, '--workers', '1', '--json', '--trace-out', join(scratch, `${row.id}.trace.json`)]));

test('docs/findings.md has rows to run', () => {
  assert.ok(table.length >= 15, `only ${table.length} rows parsed`);
});

for (const [i, row] of table.entries()) {
  test(`${row.id}: \`pvcheck ${row.args.join(' ')}\` stops at ${row.property} in ${row.steps} steps`, async () => {
    const out = await runs[i]!;
    let json: { outcome?: string; violation?: { property?: string; length?: number } } | undefined;
    try {
      json = JSON.parse(out.stdout);
    } catch {
      json = undefined;
    }
    assert.ok(json, `${row.id}: no JSON report (exit ${out.code}): ${out.stderr.split('\n').find((l) => !l.startsWith('progress ')) ?? ''}`);
    const v = json!.violation;
    assert.ok(v, `${row.id}: the command found nothing (outcome ${json!.outcome}): the finding is gone`);
    assert.is(
      `${v!.property} in ${v!.length} steps`,
      `${row.property} in ${row.steps} steps`,
      `${row.id}: the row's command now stops at another result`,
    );
  });
}

test.run();
