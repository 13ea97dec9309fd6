/**
 * bin/run-tests.mjs closes a run with its slowest tests (session 28: test/timings.json has only
 * files' seconds, and whether a slow file can be cut depends on which of its tests are slow):
 * each test's wall seconds from the end of the one before it, timed by uvu's marks (`• `, `✘ `)
 * as they come, named when the file declares its tests one by one. On a scratch tree (bin/ and
 * two small files), not the real suite.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scratchDir } from './support/tmp.js';
import { copyRunner } from './support/runnerTree.js';

const root = resolve(import.meta.dirname, '..');

test('the slowest tests close the run: a test that sleeps 1.5 s is first of the tests that do not start a file, named, with its own seconds (not the file\'s so far); a test after it is not charged for it; tests made in a loop go by number', () => {
  const dir = scratchDir('pvcheck-test-times-');
  copyRunner(dir);
  for (const f of ['register.mjs', 'ts-hooks.mjs']) copyFileSync(join(root, 'bin', f), join(dir, 'bin', f));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  mkdirSync(join(dir, 'test'), { recursive: true });
  writeFileSync(join(dir, 'test', 'named.test.ts'), [
    "import { test } from 'uvu';",
    "test('quick one', () => {});",
    "test('sleeps a while', async () => { await new Promise((r) => setTimeout(r, 1500)); });",
    "test('quick after it', () => {});",
    'test.run();',
    '',
  ].join('\n'));
  writeFileSync(join(dir, 'test', 'loop.test.ts'), [
    "import { test } from 'uvu';",
    "for (const ms of [0, 700]) test(`waits ${ms}`, async () => { await new Promise((r) => setTimeout(r, ms)); });",
    'test.run();',
    '',
  ].join('\n'));
  const r = spawnSync(process.execPath, ['bin/run-tests.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PVCHECK_TEST_JOBS: '1' }, timeout: 300_000 });
  assert.is(r.status, 0, r.stdout + r.stderr);
  const block = /\nslowest tests \(wall seconds from the test before; #1 includes the file's start\):\n((?: +[\d.]+  .*\n)+)/.exec(r.stdout);
  assert.ok(block, r.stdout);
  const rows = block![1]!.trim().split('\n').map((l) => /^ *([\d.]+)  (.*)$/.exec(l)!).map((m) => ({ s: Number(m[1]), what: m[2]! }));
  assert.is(rows.length, 5, block![1]);
  assert.ok(rows.every((x, i) => i === 0 || rows[i - 1]!.s >= x.s), `slowest first: ${block![1]}`);
  // a file's #1 includes its start (node, the hooks, uvu): on a loaded machine (load 18, ci72) that passed
  // 1.5 s and came first, so the sleep is first among the tests that do not start a file
  const ranked = rows.filter((x) => !/ #1(?: |$)/.test(x.what));
  assert.is(ranked[0]!.what, 'test/named.test.ts #2 sleeps a while', block![1]);
  assert.ok(ranked[0]!.s >= 1.4, `${ranked[0]!.s} s`);
  const after = rows.find((x) => x.what === 'test/named.test.ts #3 quick after it');
  assert.ok(after && after.s < 1.4, `the test after the sleep has its own seconds: ${JSON.stringify(after)}`);
  const looped = rows.find((x) => x.what === 'test/loop.test.ts #2');
  assert.ok(looped && looped.s >= 0.6, `a test made in a loop goes by its number: ${block![1]}`);
});

test.run();
