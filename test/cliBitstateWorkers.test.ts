/**
 * `pvcheck check --store bitstate[:SIZE] --workers N` (checker/parallelWorker.ts
 * bitsAtLevelStart, the CLI since session 22): the bit array shared by the
 * workers. Where nothing is missed the counts and verdict are the full
 * store's (compared with a plain one-thread run); with misses, 2 and 3
 * workers give the same counts and the same trace; a bare `--store bitstate`
 * stays on one thread and says why; `--store compact` with workers is refused.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pvcheck, root } from './support/cli.js';
import { scratchDir } from './support/tmp.js';

const dir = scratchDir('pvcheck-bitstate-workers-');
const pv = (args: string[]) => pvcheck(args, dir);
const point = ['-p', 'ringSize=8', '-p', 'messages=16'];
const explored = (out: string) => /explored +(.*)/.exec(out)?.[1];

// the refusals first (no search): a file stops at its first failed test on a mutant (test/mutants/), and
// cli-bare-bitstate-on-workers is killed here, not after the searches on workers
test('a bare --store bitstate stays on one thread and says why; --store compact with workers is refused', () => {
  const j = pv(['check', 'ring-notify', ...point, '--store', 'bitstate', '--json']);
  assert.is(j.code, 0, j.err);
  const rep = JSON.parse(j.out);
  assert.is(rep.workers, 1);
  assert.match(rep.workersReason, /--store bitstate runs on one thread unless --workers N is given/);
  const c = pv(['check', 'ring-notify', ...point, '--store', 'compact', '--workers', '2']);
  assert.is(c.code, 2);
  assert.match(c.err, /^pvcheck: error: --store compact runs on one thread: drop --workers 2\n$/);
});

test('--store bitstate --workers 2: the full store\'s counts and verdict where nothing is missed, on 2 workers', () => {
  const full = pv(['check', 'ring-notify', ...point, '--workers', '1']);
  assert.is(full.code, 0, full.err);
  const bits = pv(['check', 'ring-notify', ...point, '--store', 'bitstate', '--workers', '2']);
  assert.is(bits.code, 0, bits.err);
  assert.ok(explored(full.out), full.out);
  assert.is(explored(bits.out), explored(full.out));
  assert.match(bits.out, /outcome +ok: /);
  assert.match(bits.out, /, 2 workers\n/);
  assert.match(bits.out, /store +bitstate: every one of the [\d,]+ states kept exactly in the full table \(none missed\)/);
});

test('--store bitstate:64K (states missed): 2 and 3 workers visit the same states, INCOMPLETE (exit 3)', () => {
  const runs = [2, 3].map((w) => pv(['check', 'ring-notify', '-p', 'ringSize=8', '-p', 'messages=32', '--store', 'bitstate:64K', '--workers', String(w)]));
  for (const r of runs) {
    assert.is(r.code, 3, r.err);
    assert.match(r.out, /INCOMPLETE \(bitstate\)/);
    assert.match(r.out, /store +bitstate: 64 KiB bit array, 3 bits a state/);
  }
  assert.ok(explored(runs[0]!.out), runs[0]!.out);
  assert.is(explored(runs[1]!.out), explored(runs[0]!.out));
});

test('a violation found on workers in a bit array: the same trace file on 2 and 3 workers, and it reproduces', () => {
  const files = [2, 3].map((w) => {
    const f = `lw${w}.trace.json`;
    const r = pv(['check', join(root, 'examples/ring-no-recheck.ts'), '-p', 'ringSize=2', '-p', 'messages=4', '--store', 'bitstate:4K', '--workers', String(w), '--trace-out', f, '-q']);
    assert.is(r.code, 1, r.out + r.err);
    const rep = pv(['replay', f, '-q']);
    assert.is(rep.code, 1, rep.out + rep.err);
    return JSON.parse(readFileSync(join(dir, f), 'utf8'));
  });
  for (const t of files) delete t.created;
  assert.equal(files[1], files[0]);
  assert.ok(files[0].steps.length > 5);
});

test.run();
