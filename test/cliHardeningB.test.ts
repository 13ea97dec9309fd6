/**
 * Bad input to what session 21 added to the command line, each refused in
 * one line on stderr naming what is wrong, exit 2, nothing on stdout, no
 * stack trace (test/cliHardening is session 20's):
 * - `replay` of a trace file (format version 2, traces/format.ts) cut in
 *   its bytes, empty, cut to its first step (TRUNCATED, exit 5, not an
 *   error), a version-1 file that says where its violation is, a version 3,
 *   a `violation` that is not an object;
 * - `--workers`: one message for what is not a count of threads ('abc',
 *   '0', '2.5': intOption's 'non-negative integer' suggested 0 was one), the
 *   cap's for a count past it however long (`99999999999999999999` was
 *   called 'not at least 1'); 1024 and N x 16 MiB equal to the budget taken;
 * - `--store compact|bitstate:SIZE` whose table or bit array does not fit in
 *   the memory budget: refused as a swarm member's is, where the search used
 *   to allocate it and stop INCOMPLETE (max-memory) after its first states;
 *   `--store bitstate` with no SIZE is sized from the budget, never refused;
 * - blkif's `-p removal=` (session 21): a value that is not one, beside a
 *   hostile end; at every other parameter's maximum it runs.
 *
 * A test's bad-input cases run one after another in one process (test/support/cli.ts badInputs),
 * each checked as before; a process per case until session 33.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pvcheck } from './support/cli.js';
import { badInputBatch } from './support/badInputBatch.js';
import { scratchDir } from './support/tmp.js';
import { pinnedDefault } from './support/pinnedDefaults.js';
import { MAX_WORKERS, WORKER_BASE_BYTES, workersOption } from '../cli/check.js';

const tmp = scratchDir('pvcheck-hardening-b-');
const pv = (args: string[]) => pvcheck(args, tmp);
/** The bad-input cases of a test, gathered by `badInput`, then run in one process and checked each (test/support/badInputBatch.ts). */
const { badInput, refusedAll } = badInputBatch(tmp);
const refused = (v: string, budget: number): string => {
  try {
    workersOption(v, budget);
  } catch (e) {
    return (e as Error).message;
  }
  return 'taken';
};

test('--workers: one message for what is not a count of threads, the cap for any count past it; the limits themselves taken', async () => {
  const big = 2 ** 50;
  for (const v of ['abc', '0', '000', '2.5', '', '1e3', '-1', '0x2', ' 2'])
    assert.is(refused(v, big), `--workers expects a whole number of worker threads from 1 to ${MAX_WORKERS}, got '${v}'`, v);
  for (const v of ['1025', '01025', '9999', '99999999999999999999'])
    assert.match(refused(v, big), new RegExp(`^--workers \\d+ is more worker threads than pvcheck starts \\(at most ${MAX_WORKERS}\\)$`), v);
  assert.is(workersOption(String(MAX_WORKERS), big), MAX_WORKERS);
  assert.is(workersOption('0002', big), 2);
  // N x 16 MiB: equal to the budget taken, one more worker refused
  assert.is(workersOption('4', 4 * WORKER_BASE_BYTES), 4);
  assert.match(refused('5', 4 * WORKER_BASE_BYTES), /^--workers 5: 5 worker threads hold at least 160 MiB before any state \(32 MiB each, more for a model that allocates as it loads\), more than the memory budget of 128 MiB/);
  // the CLI's path: one line, exit 2, whatever --max-memory says
  badInput(['check', 'ring-notify', '--workers', 'abc', '--max-memory', '1M'], /--workers expects a whole number of worker threads from 1 to 1024, got 'abc'$/);
  badInput(['check', 'ring-notify', '--workers', '99999999999999999999'], /--workers 99999999999999999999 is more worker threads than pvcheck starts \(at most 1024\)$/);
  await refusedAll();
});

test('--store compact|bitstate:SIZE larger than the memory budget refused in one line; bitstate with no SIZE is sized from it', async () => {
  badInput(['check', 'ring-notify', '--store', 'bitstate:1G', '--max-memory', '100M'], /--store bitstate:1G: the bit array of 1\.0 GiB does not fit in the memory budget of 100 MiB \(--max-memory, else 3\/4 of the memory\)/);
  badInput(['check', 'ring-notify', '--store', 'compact', '--max-memory', '1M'], /--store compact: the table of 64 MiB \(the default\) does not fit in the memory budget of 1 MiB/);
  badInput(['check', 'ring-notify', '--store', 'compact:64M', '--max-memory', '64M'], /the table of 64 MiB does not fit in the memory budget of 64 MiB/);
  await refusedAll();
  // within the budget: the check runs (ring-notify's states at its defaults, test/pinned.json, in a 1 MiB table)
  const ok = pv(['check', 'ring-notify', '--store', 'compact:1M', '--max-memory', '1G', '-q']);
  assert.is(ok.code, 0, ok.err);
  assert.match(ok.out, new RegExp(`\\b${pinnedDefault('ring-notify').entry.states.toLocaleString('en-US')} distinct states`));
  // no SIZE under the least budget: the array is sized from it, the search runs and the memory guard stops it
  const auto = pv(['check', 'ring-notify', '--store', 'bitstate', '--max-memory', '1M', '-q']);
  assert.is(auto.code, 3, auto.err);
  assert.match(auto.out, /INCOMPLETE \(max-memory\)/);
});

test('replay of a trace file cut in its bytes, empty, a v1 file with a violation, a version 3, a bad violation: one line, exit 2; cut to its first step: TRUNCATED, exit 5', async () => {
  const whole = join(tmp, 'xenbus.trace.json');
  const c = pv(['check', 'xenbus', '--workers', '1', '--trace-out', whole, '-q']);
  assert.is(c.code, 1, c.err);
  const text = readFileSync(whole, 'utf8');
  const o = JSON.parse(text);
  // xenbus's default check ends at F7's deadlock, as long as test/pinned.json says (11 steps since the defaults of 2026-12-06)
  const steps = Number(/^deadlock in (\d+) steps$/.exec(pinnedDefault('xenbus').entry.violation ?? '')?.[1]);
  assert.ok(steps > 1, `test/pinned.json's xenbus entry names no deadlock: ${pinnedDefault('xenbus').entry.violation}`);
  assert.equal([o.version, o.property.kind, o.violation.step, o.steps.length - 1], [2, 'deadlock', steps, steps]);
  const file = (name: string, body: string): string => {
    writeFileSync(join(tmp, name), body);
    return name;
  };
  const edited = (name: string, f: (x: any) => void): string => {
    const x = JSON.parse(text);
    f(x);
    return file(name, JSON.stringify(x));
  };
  badInput(['replay', file('bytes.json', text.slice(0, 700))], /^pvcheck: error: bytes\.json: not JSON: /);
  badInput(['replay', file('empty.json', '')], /^pvcheck: error: empty\.json: file is empty$/);
  badInput(['replay', edited('v1.json', (x) => (x.version = 1))], /^pvcheck: error: v1\.json: violation: not a field of version 1/);
  badInput(['replay', edited('v3.json', (x) => (x.version = 3))], /^pvcheck: error: v3\.json: version: 3 is not supported \(this pvcheck reads versions 1 and 2\)$/);
  badInput(['replay', edited('null.json', (x) => (x.violation = null))], /^pvcheck: error: null\.json: violation: expected an object, got null$/);
  await refusedAll();
  const first = pv(['replay', edited('first.json', (x) => x.steps.splice(1))]);
  assert.is(first.code, 5, first.err);
  assert.is(first.err, '');
  assert.match(first.out, new RegExp(`^TRUNCATED: the file ends at step 0, before its violation of deadlock recorded at step ${steps}$`, 'm'));
});

test('blkif -p removal=: a value that is not one, or beside a hostile end, refused; at every other parameter\'s maximum it runs', async () => {
  badInput(['check', 'blkif', '-p', 'removal=LIBXL'], /^pvcheck: error: model blkif: removal=LIBXL is not one of none, libxl$/);
  badInput(['check', 'blkif', '-p', 'removal=libxl', '-p', 'backend=hostile', '-p', 'hostileWrites=4'], /removal=libxl is modelled with both ends honest/);
  await refusedAll();
  const r = pv(['check', 'blkif', '-p', 'removal=libxl', '-p', 'ringSize=8', '-p', 'requests=8', '-p', 'pages=4', '-p', 'segments=3', '-p', 'pending=4', '-p', 'maxPgrants=4', '--max-states', '5000', '-q']);
  assert.is(r.code, 3, r.err);
  assert.match(r.out, /INCOMPLETE \(max-states\)/);
  assert.match(r.out, /segments=3 pending=4 .*removal=libxl/);
});

test.run();
