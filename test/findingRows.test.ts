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
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { scratchDir } from './support/tmp.js';
import { findingRows, root } from './support/findingsTable.js';

const cli = join(root, 'bin/pvcheck.mjs');

interface Outcome {
  readonly code: number | null;
  readonly json?: { outcome?: string; violation?: { property?: string; length?: number } };
  readonly stderr: string;
}

const run = (args: readonly string[]): Promise<Outcome> =>
  new Promise((done) => {
    execFile(process.execPath, [cli, ...args], { cwd: root, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? null) : 0;
      let json: Outcome['json'];
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      done({ code, json, stderr });
    });
  });

const table = findingRows();
const scratch = scratchDir('pvcheck-finding-rows-');

test('docs/findings.md has rows to run', () => {
  assert.ok(table.length >= 15, `only ${table.length} rows parsed`);
});

for (const row of table) {
  test(`${row.id}: \`pvcheck ${row.args.join(' ')}\` stops at ${row.property} in ${row.steps} steps`, async () => {
    const out = await run([...row.args, '--workers', '1', '--json', '--trace-out', join(scratch, `${row.id}.trace.json`)]);
    assert.ok(out.json, `${row.id}: no JSON report (exit ${out.code}): ${out.stderr.split('\n')[0]}`);
    const v = out.json!.violation;
    assert.ok(v, `${row.id}: the command found nothing (outcome ${out.json!.outcome}): the finding is gone`);
    assert.is(
      `${v!.property} in ${v!.length} steps`,
      `${row.property} in ${row.steps} steps`,
      `${row.id}: the row's command now stops at another result`,
    );
  });
}

test.run();
