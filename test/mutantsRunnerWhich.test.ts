/**
 * `npm run mutants -- --which` (bin/mutants.mjs, session 31): every file a mutant names runs, and a line
 * per file says which of its tests killed the mutant (number and name) after how long, or that it
 * passed; a later file that kills sooner than the first killer as listed gives a `reorder:` line and the
 * closing `which:` line. On a scratch tree: the runner as it is, three test files (one killing at its
 * second test after a 3-s test, one passing, one killing at its first test at once) and three mutants.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from './support/tmp.js';
import { runnerTree } from './support/runnerTree.js';

const scratch = scratchDir('pvcheck-mutants-which-');
const tree = join(scratch, 'tree');
const tmp = join(scratch, 'tmp');
mkdirSync(tmp, { recursive: true });
runnerTree(tree, { nodeModules: true });
writeFileSync(join(tree, 'planted.txt'), 'unmutated\n');
writeFileSync(join(tree, 'other.txt'), 'unmutated\n');
const file = (tests: string) => `import { test } from 'uvu';\nimport * as assert from 'uvu/assert';\nimport { readFileSync } from 'node:fs';\nconst planted = () => readFileSync('planted.txt', 'utf8').trim();\n${tests}\ntest.run();\n`;
writeFileSync(join(tree, 'test', 'late.test.ts'), file("test('slow first', async () => { await new Promise((r) => setTimeout(r, 3000)); });\ntest('the planted text', () => assert.is(planted(), 'unmutated'));"));
writeFileSync(join(tree, 'test', 'never.test.ts'), file("test('passes', () => assert.ok(true));"));
// its output quotes a runner's line of another file (as a test of run-tests prints its fixture's): no killer of the mutant
writeFileSync(join(tree, 'test', 'early.test.ts'), file("console.log('✘ test/quoted.test.ts: 0/1 (0.1s)');\ntest('the planted text at once', () => assert.is(planted(), 'unmutated'));\ntest('another', () => assert.ok(true));"));
const mutant = (id: string, f: string, tests: string[]) => ({ id, part: 'test', why: 'test', edits: [{ file: f, find: 'unmutated', replace: id }], tests });
writeFileSync(join(tree, 'test', 'mutants', 'test.json'), JSON.stringify({ mutants: [
  mutant('late-first', 'planted.txt', ['test/late.test.ts', 'test/never.test.ts', 'test/early.test.ts']),
  mutant('no-killer', 'other.txt', ['test/never.test.ts']),
  mutant('early-first', 'planted.txt', ['test/early.test.ts', 'test/late.test.ts']),
] }));

const run = (...args: string[]) => spawnSync(process.execPath, [join(tree, 'bin', 'mutants.mjs'), ...args], {
  cwd: tree, encoding: 'utf8', timeout: 300_000, env: { ...process.env, TMPDIR: tmp, PVCHECK_MUTANT_JOBS: '1' },
});

test('--which: each file in list order, the killing test by number and name after how long, the passing file, the reorder; the verdict as without it', () => {
  // without a baseline: no count of a file's tests, so numbers without names
  const bare = run('--which', '--no-baseline', 'late-first');
  assert.is(bare.status, 0, bare.stdout + bare.stderr);
  assert.match(bare.stdout, /^killed {4}late-first {2}by test\/late\.test\.ts \(\d+ s\)\n {10}which: test\/late\.test\.ts killed it at its test 2 after [\d.]+ s\n {10}which: test\/never\.test\.ts passed \([\d.]+ s\)\n {10}which: test\/early\.test\.ts killed it at its test 1 after [\d.]+ s\n {10}reorder: test\/early\.test\.ts first /m, bare.stdout);
  const r = run('--which', 'late-first');
  assert.is(r.status, 0, r.stdout + r.stderr);
  const s = (re: RegExp) => assert.match(r.stdout, re, r.stdout);
  s(/^baseline: 3 test files pass unmutated/m);
  s(/^killed {4}late-first {2}by test\/late\.test\.ts \(\d+ s\)\n {10}which: test\/late\.test\.ts killed it at its test 2 "the planted text" after [\d.]+ s; 2 tests, [\d.]+ s unmutated\n {10}which: test\/never\.test\.ts passed \([\d.]+ s; 1 tests, [\d.]+ s unmutated\)\n {10}which: test\/early\.test\.ts killed it at its test 1 "the planted text at once" after [\d.]+ s; 2 tests, [\d.]+ s unmutated\n {10}reorder: test\/early\.test\.ts first \(it kills after [\d.]+ s; as listed the kill takes [\d.]+ s\)\n/m);
  s(/^which: 1 mutant killed sooner with another file first \(\d+ s less in all\): late-first \(test\/early\.test\.ts: \d+ -> \d+ s\)\nmutants: 1 killed, 0 survived\n$/m);
  // without --which: the first killer ends it (test/late's 3 s never run), no line per file
  const plain = run('--no-baseline', 'early-first');
  assert.is(plain.status, 0, plain.stdout + plain.stderr);
  assert.match(plain.stdout, /^killed {4}early-first {2}by test\/early\.test\.ts \(\d+ s\)\nmutants: 1 killed, 0 survived\n$/m, plain.stdout);
});

test('--which: a survivor with its passing file, no reorder; exit 1; the usage names --which', () => {
  const r = run('--which', '--no-baseline', 'no-killer');
  assert.is(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^survived {2}no-killer {2}test\/never\.test\.ts passed \(\d+ s\)\n {10}which: test\/never\.test\.ts passed \([\d.]+ s\)\nwhich: no mutant is killed sooner with another of its files first\nmutants: 0 killed, 1 survived\n$/m, r.stdout);
  const help = run('--help');
  assert.match(help.stdout, /\[--which\]/);
});

test.run();
