/**
 * A partitioned search survives a member's death (checker/partition.ts): the
 * member, killed in the middle of a level and started again with the same
 * command (as a scheduler restarts a failed pod or array task), resumes from
 * its last checkpoint and the whole search still gives ring-spec.md §11's
 * exact figures for ring-notify 4x16 (SPIN and the Python reference).
 * Also: a deadlock's length on two members, and bad input.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gridPoint } from './support/ringSpec.js';
import { members, root, start } from './support/members.js';
import { scratchDir } from './support/tmp.js';

const dir = scratchDir('pvcheck-restart-');
const g = gridPoint(4, 16);
const example = join(root, 'examples/ring-no-recheck.ts');
const pvcheck = (args: string[]) => spawnSync(process.execPath, [join(root, 'bin/pvcheck.mjs'), ...args], { cwd: dir, encoding: 'utf8' });
const args = (k: number, N: number, ex: string) => ['check', 'ring-notify', '-p', 'ringSize=4', '-p', 'messages=16', '--json', '--partition', `${k}/${N}`, '--exchange', join(dir, ex)];
const figures = (stdout: string) => {
  const j = JSON.parse(stdout);
  return [j.outcome, j.distinctStates, j.edges, j.depth];
};

test('member 2 of 2 dies while writing its batches of level 60 (PVCHECK_PARTITION_CRASH), restarts, resumes: exact figures', async () => {
  const m1 = start(args(1, 2, 'a'), dir);
  const dead = await start(args(2, 2, 'a'), dir, { PVCHECK_PARTITION_CRASH: '60' }).done;
  assert.is(dead.signal, 'SIGKILL');
  // it died after its batch for member 1 and before its marker: the level is half written
  assert.ok(existsSync(join(dir, 'a', 'e60', 'b2-1.bin')));
  assert.not.ok(existsSync(join(dir, 'a', 'e60', 'x2.json')));
  const again = await start(args(2, 2, 'a'), dir).done;
  assert.is(again.status, 0, again.stderr);
  assert.match(again.stderr, /partition member 2\/2: resumed after step 59/);
  const one = await m1.done;
  assert.is(one.status, 0, one.stderr);
  assert.equal(figures(one.stdout), ['ok', g.states, g.edges, g.depth]);
});

test('member 3 of 3 killed from outside at a random moment, started again: exact figures', async () => {
  const m1 = start(args(1, 3, 'b'), dir), m2 = start(args(2, 3, 'b'), dir);
  const victim = start(args(3, 3, 'b'), dir);
  // kill it once it is well into the search (its level files show how far)
  const deadline = Date.now() + 60_000;
  while (!existsSync(join(dir, 'b', 'm3', 's40.bin')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 200)));
  victim.child.kill('SIGKILL');
  const dead = await victim.done;
  assert.is(dead.signal, 'SIGKILL', dead.stdout);
  const again = await start(args(3, 3, 'b'), dir).done;
  assert.is(again.status, 0, again.stderr);
  assert.match(again.stderr, /partition member 3\/3: resumed after step \d+/);
  const [one, two] = await Promise.all([m1.done, m2.done]);
  assert.is(two.status, 0, two.stderr);
  assert.equal(figures(one.stdout), ['ok', g.states, g.edges, g.depth]);
});

test('a member started again after the search ended reports the same result (its files are the record)', async () => {
  const again = await start(args(1, 2, 'a'), dir).done;
  assert.is(again.status, 0, again.stderr);
  assert.equal(figures(again.stdout), ['ok', g.states, g.edges, g.depth]);
});

test('a deadlock: the same length as the single search', async () => {
  const single = pvcheck(['check', example, '-p', 'ringSize=2', '-p', 'messages=4', '-i', 'deadlock', '-q', '-w', '1', '--json', '--trace-out', 'dl1.json']);
  assert.is(single.status, 1, single.stderr);
  const len = JSON.parse(single.stdout).violation.length;
  const out = await members(2, (k) => ['check', example, '-p', 'ringSize=2', '-p', 'messages=4', '-i', 'deadlock', '-q', '--json', '--partition', `${k}/2`, '--exchange', join(dir, 'dl'), '--trace-out', 'dl2.json'], dir);
  assert.is(out[0]!.status, 1, out[0]!.stderr);
  const j = JSON.parse(out[0]!.stdout);
  assert.equal([j.outcome, j.violation.length], ['deadlock', len]);
  const rep = pvcheck(['replay', 'dl2.json', '-q']);
  assert.is(rep.status, 1, rep.stdout + rep.stderr);
});

test('bad input: one line, exit 2', () => {
  for (const [args, msg] of [
    [['--partition', '3/2', '--exchange', 'd'], /^pvcheck: error: --partition: member 3 is out of range 1\.\.2\n$/],
    [['--partition', '1/2'], /^pvcheck: error: --partition needs --exchange DIR/],
    [['--partition', '1/2', '--exchange', '/nonexistent/a/b'], /^pvcheck: error: --exchange \/nonexistent\/a\/b: no such folder/],
    [['--partition', '1/2', '--exchange', 'd', '--store', 'compact'], /^pvcheck: error: --partition cannot be combined with --store\n$/],
    [['--partition', '1/2', '--exchange', 'd', '--max-states', '5'], /^pvcheck: error: --partition cannot be combined with --max-states\n$/],
  ] as const) {
    const r = pvcheck(['check', 'ring-notify', ...args]);
    assert.is(r.status, 2, args.join(' ') + r.stderr);
    assert.match(r.stderr, msg);
    assert.is(r.stderr.split('\n').length, 2, r.stderr);
  }
  // a folder holding another run's files
  pvcheck(['check', 'ring-notify', '-p', 'ringSize=2', '-p', 'messages=4', '-q', '--partition', '1/1', '--exchange', 'other']);
  const r = pvcheck(['check', 'ring-notify', '-p', 'ringSize=4', '-p', 'messages=4', '-q', '--partition', '1/1', '--exchange', 'other']);
  assert.is(r.status, 2);
  assert.match(r.stderr, /^pvcheck: error: --exchange other holds the files of another run/);
});

test.run();
