/**
 * `pvcheck check FILE --typecheck` (issue 16 point 4): a user's model file is
 * type-checked before the search; each type error is a `file:line:column`
 * line (the lines are found in the fixture's text, not written here), exit 2,
 * and no search runs. A file without type errors is then checked as usual.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pvcheck, root } from './support/cli.js';
import { scratchDir } from './support/tmp.js';

const tmp = scratchDir('pvcheck-tc-');

const pv = (args: string[]) => pvcheck(args, tmp);

test('--typecheck: each type error of the model file with file:line:column, exit 2, no search', () => {
  const file = join(root, 'test/fixtures/type-error.ts');
  const lines = readFileSync(file, 'utf8').split('\n');
  const lineOf = (s: string) => lines.findIndex((l) => l.includes(s)) + 1;
  const r = pv(['check', file, '--typecheck', '-q']);
  assert.is(r.code, 2, r.err);
  assert.is(r.out, '', 'no report: the search did not run');
  const err = r.err.trim().split('\n');
  assert.is(err.length, 3, r.err);
  assert.ok(err[0]!.startsWith(`pvcheck: type error: ${file}:${lineOf('d.y = 1')}:`), err[0]);
  assert.match(err[0]!, /TS2339: Property 'y' does not exist/);
  assert.ok(err[1]!.startsWith(`pvcheck: type error: ${file}:${lineOf('p.maximum')}:`), err[1]);
  assert.match(err[1]!, /'maximum'/);
  assert.match(err[2]!, /^pvcheck: error: model file .*type-error\.ts has 2 type errors \(above\): nothing was checked$/);
  assert.not.match(r.err, /\n\s+at /, 'no stack trace');
  // without --typecheck the same file runs (its types are only stripped), and `p.maximum` is undefined
  const plain = pv(['check', file, '-q']);
  assert.is(plain.code, 1, plain.err);
  assert.match(plain.out, /VIOLATION of x_small/);
});

test('--typecheck on a well-typed example: no error, the check runs as without it', () => {
  const r = pv(['check', join(root, 'examples/ring-no-recheck.ts'), '-p', 'ringSize=2', '-p', 'messages=4', '--typecheck', '-q']);
  assert.is(r.code, 1, r.err);
  assert.is(r.err, '');
  assert.match(r.out, /VIOLATION of I4_no_lost_wakeup after 34 steps/);
});

test('--typecheck with a built-in model: one line, exit 2', () => {
  const r = pv(['check', 'ring', '--typecheck']);
  assert.is(r.code, 2);
  assert.match(r.err, /^pvcheck: error: --typecheck checks a model file; 'ring' is a built-in model/);
  assert.is(r.err.trim().split('\n').length, 1);
});

test.run();
