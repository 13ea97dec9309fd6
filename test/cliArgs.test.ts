/**
 * Smaller command-line defects of issue 16, each refused in one line (exit 2)
 * or printed right: an option given twice, a value that looks like an
 * option, --matrix with options of a single run, "1 step".
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pvcheck, root, badInput as badInputIn } from './support/cli.js';
import { join } from 'node:path';
import { scratchDir } from './support/tmp.js';

const tmp = scratchDir('pvcheck-args-');
const pv = (args: string[]) => pvcheck(args, tmp);
const badInput = (args: string[], what: RegExp): void => badInputIn(args, what, tmp);

test('an option that takes one value, given twice, is refused (it silently kept the last)', () => {
  badInput(['check', 'ring-notify', '--max-states', '5', '--max-states', '6'], /^pvcheck: error: --max-states is given twice$/);
  badInput(['check', 'ring-notify', '--trace-out', 'a.json', '--trace-out', 'b.json'], /--trace-out is given twice/);
});

test('a value that looks like an option: says so and how to write it (it said "argument is ambiguous")', () => {
  badInput(['check', 'ring-notify', '--max-states', '-1'], /^pvcheck: error: --max-states expects a value, got the option-like '-1' \(write --max-states=-1 if that is the value\)$/);
  badInput(['check', 'ring-notify', '--max-states=-1'], /--max-states expects a non-negative integer, got '-1'/);
});

test('--matrix refuses the options of a single run (it ignored them silently)', () => {
  for (const opt of [['--trace-out', 'x.json'], ['--dump-states', 's.txt'], ['--witnesses', 'w'], ['--format', 'itf']])
    badInput(['check', 'ring-notify', '--matrix', 'ringSize=1,2', ...opt], new RegExp(`--matrix cannot be combined with ${opt[0]}`));
});

test('a one-step counterexample is "after 1 step"', () => {
  const r = pv(['check', join(root, 'examples/grant-xsa403.ts'), '-q']);
  assert.is(r.code, 1, r.err);
  assert.match(r.out, /VIOLATION of G12_no_secret_through_grant after 1 step \(shortest\)/);
});

test.run();
