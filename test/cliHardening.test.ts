/**
 * Bad input to what session 20 added to the command line, each refused in
 * one line on stderr naming what is wrong, exit 2, nothing on stdout, no
 * stack trace: blkif's `-p segments=` and `-p pending=` (1c46eea) out of
 * range, not numbers, against `pages`, with the other parameters at their
 * limits; a bit array's size (`--store bitstate:SIZE`); the scale-out verbs'
 * member counts; check-all's options (its `--workers N` as check's); and `--workers N` beyond what the machine can hold
 * (`--workers 9999` started threads until V8 ran out of memory, a minute
 * later, with its own fatal error: cli/check.ts workersOption). The limits
 * themselves are taken: blkif at every parameter's maximum runs (bounded).
 *
 * A test's bad-input cases run one after another in one process (test/support/cli.ts badInputs:
 * cli/main.ts main(ARGS) per case, as bin/pvcheck.mjs runs it), each checked as before (exit 2,
 * one line on stderr, nothing on stdout); a process per case until session 33.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pvcheck } from './support/cli.js';
import { badInputBatch } from './support/badInputBatch.js';
import { scratchDir } from './support/tmp.js';
import { MAX_WORKERS } from '../cli/check.js';

const tmp = scratchDir('pvcheck-hardening-');
const pv = (args: string[]) => pvcheck(args, tmp);
/** The bad-input cases of a test, gathered by `badInput`, then run in one process and checked each (test/support/badInputBatch.ts). */
const { badInput, refusedAll } = badInputBatch(tmp);
/** blkif at every parameter's maximum (hostileWrites too, the guest hostile). */
const blkifMax = ['-p', 'ringSize=8', '-p', 'requests=8', '-p', 'pages=4', '-p', 'maxPgrants=4', '-p', 'frontend=hostile', '-p', 'hostileWrites=4'];

test('--workers N: more threads than pvcheck starts, or than the memory budget holds, refused before any starts', async () => {
  // (a budget beside the cap: without the cap, the budget refuses them too and no thread starts, whatever the machine's memory)
  badInput(['check', 'limiter', '--workers', '9999', '--max-memory', '1G'], new RegExp(`^pvcheck: error: --workers 9999 is more worker threads than pvcheck starts \\(at most ${MAX_WORKERS}\\)$`));
  badInput(['check', 'limiter', '--workers', String(MAX_WORKERS + 1), '--max-memory', '1G'], /is more worker threads than pvcheck starts/);
  // (few threads and a small budget: without the check, the memory guard stops the search at once)
  badInput(['check', 'limiter', '--workers', '4', '--max-memory', '48M'], /^pvcheck: error: --workers 4: 4 worker threads hold at least 128 MiB before any state \(32 MiB each, more for a model that allocates as it loads\), more than the memory budget of 48 MiB/);
  badInput(['check', 'limiter', '--workers', '1.5'], /--workers expects a whole number of worker threads from 1 to 1024, got '1\.5'$/);
  badInput(['check', 'limiter', '--workers', '0'], /--workers expects a whole number of worker threads from 1 to 1024, got '0'$/);
  await refusedAll();
  // within both: the check runs (limiter finds L3)
  const r = pv(['check', 'limiter', '--workers', '2', '--max-memory', '1G', '-q']);
  assert.is(r.code, 1, r.err);
  assert.match(r.out, /VIOLATION of L3_work_per_window/);
});

test('blkif -p segments= and -p pending=: out of range, not an integer, more segments than pages; the other parameters at their limits', async () => {
  for (const [v, what] of [
    ['segments=0', /model blkif: segments=0 is out of range 1\.\.3$/],
    ['segments=4', /model blkif: segments=4 is out of range 1\.\.3$/],
    ['segments=abc', /model blkif: parameter segments must be an integer, got 'abc'$/],
    ['segments=2.5', /parameter segments must be an integer, got '2\.5'$/],
    ['pending=0', /model blkif: pending=0 is out of range 1\.\.4$/],
    ['pending=5', /model blkif: pending=5 is out of range 1\.\.4$/],
    ['pending=1e3', /parameter pending must be an integer, got '1e3'$/],
    ['pending=99999999999999999999', /parameter pending must be an integer, got '99999999999999999999'$/],
  ] as const) {
    badInput(['check', 'blkif', '-p', v], what);
    // the same beside every other parameter at its maximum
    if (/^(segments=4|pending=5|segments=abc)$/.test(v)) badInput(['check', 'blkif', ...blkifMax, '-p', v], what);
  }
  badInput(['check', 'blkif', '-p', 'segments=3', '-p', 'pages=2'], /segments \(3\) must be at most pages \(2\)/);
  const maxButPages = blkifMax.filter((a, i) => a !== 'pages=4' && blkifMax[i + 1] !== 'pages=4');
  badInput(['check', 'blkif', ...maxButPages, '-p', 'segments=3', '-p', 'pending=4', '-p', 'pages=1'], /model blkif: segments \(3\) must be at most pages \(1\)/);
  badInput(['check', 'blkif', '-p', 'segments=2', '-p', 'segments=3'], /--param segments is given twice/);
  await refusedAll();
});

test('blkif at every maximum (segments=3, pending=4, the guest hostile with 4 writes) runs: bounded, incomplete, no error', () => {
  const r = pv(['check', 'blkif', ...blkifMax, '-p', 'segments=3', '-p', 'pending=4', '--max-states', '20000', '-q']);
  assert.is(r.code, 3, r.err);
  assert.match(r.out, /INCOMPLETE \(max-states\)/);
  assert.match(r.out, /segments=3 pending=4/);
});

test('--store bitstate:SIZE and compact:SIZE: a size that is not one, zero, or past 4G', async () => {
  badInput(['check', 'limiter', '--store', 'bitstate:0'], /--store bitstate:SIZE: a size must be positive, got '0'$/);
  badInput(['check', 'limiter', '--store', 'bitstate:abc'], /--store bitstate:SIZE: expected a size such as 512M, 2G or 1500MB, got 'abc'$/);
  badInput(['check', 'limiter', '--store', 'bitstate:1T'], /--store bitstate:SIZE must be between 1K and 4G, got '1T'$/);
  badInput(['check', 'limiter', '--store', 'compact:0'], /--store compact:SIZE: a size must be positive, got '0'$/);
  badInput(['check', 'limiter', '--store', 'compact:64M', '--workers', '2'], /--store compact runs on one thread: drop --workers 2$/);
  badInput(['check', 'limiter', '--swarm', '1/2', '--out', 'sw', '--store', 'bitstate:0'], /a size must be positive, got '0'$/);
  await refusedAll();
});

test('the scale-out verbs: a member count of 0, not a number; a member out of range; --workers with them', async () => {
  for (const verb of [['--partition', '--exchange', 'ex'], ['--swarm', '--out', 'sw']] as const) {
    const [opt, dirOpt, dir] = verb;
    const name = opt.slice(2);
    badInput(['check', 'limiter', opt, '1/0', dirOpt, dir], new RegExp(`--${name}: the number of members must be between 1 and 4096, got 0$`));
    badInput(['check', 'limiter', opt, '3/2', dirOpt, dir], new RegExp(`--${name}: member 3 is out of range 1\\.\\.2$`));
    badInput(['check', 'limiter', opt, '1/abc', dirOpt, dir], new RegExp(`--${name} expects K/N \\(member K of N, from 1\\), N or auto, got '1/abc'$`));
    badInput(['check', 'limiter', opt, '1/2', dirOpt, dir, '--workers', '2'], new RegExp(`--${name} cannot be combined with --workers$`));
  }
  await refusedAll();
});

test('check-all takes only --json, -q and --workers N (N for every row, session 25): a row option (-p, --max-states, --store), a model, or a --workers value check refuses is refused in one line', async () => {
  badInput(['check-all', '-p', 'segments=2'], /^pvcheck: error: unknown option '-p'/);
  badInput(['check-all', '--workers', '0'], /^pvcheck: error: --workers expects a whole number of worker threads from 1 to 1024, got '0'$/);
  badInput(['check-all', '--workers', 'two'], /^pvcheck: error: --workers expects a whole number of worker threads from 1 to 1024, got 'two'$/);
  badInput(['check-all', '--workers', '9999'], new RegExp(`^pvcheck: error: --workers 9999 is more worker threads than pvcheck starts \\(at most ${MAX_WORKERS}\\)$`));
  badInput(['check-all', '--max-states', '10'], /^pvcheck: error: unknown option '--max-states'/);
  badInput(['check-all', '--store', 'bitstate:0'], /^pvcheck: error: unknown option '--store'/);
  badInput(['check-all', 'blkif'], /^pvcheck: error: check-all takes no model \(got 'blkif'\)/);
  await refusedAll();
});

test.run();
