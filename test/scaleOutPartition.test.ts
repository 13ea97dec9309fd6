/**
 * `--partition K/N --exchange DIR` (checker/partition.ts) with N local
 * processes: the whole search member 1 reports equals ring-spec.md §11's
 * figures for ring-notify 4x32 (SPIN and the Python reference) and the
 * single-process search's coverage; on the lost-wake-up variant the
 * counterexample has the single-process shortest length (§11) and replays.
 * Member restarts: test/scaleOutRestart.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkModel } from '../checker/fixtures/run.js';
import { findModel } from '../model/registry.js';
import { membership } from '../cli/scaleOut.js';
import { UsageError } from '../cli/errors.js';
import { gridPoint } from './support/ringSpec.js';
import { members, root } from './support/members.js';
import { scratchDir } from './support/tmp.js';

const dir = scratchDir('pvcheck-partition-');
const example = join(root, 'examples/ring-no-recheck.ts');
const pvcheck = (args: string[]) => spawnSync(process.execPath, [join(root, 'bin/pvcheck.mjs'), ...args], { cwd: dir, encoding: 'utf8' });

for (const N of [2, 3]) {
  test(`ring-notify 4x32 on ${N} members: §11's states, edges, depth; the single search's coverage`, async () => {
    const ex = join(dir, `x${N}`);
    const out = await members(N, (k) => ['check', 'ring-notify', '-p', 'ringSize=4', '-p', 'messages=32', '-q', '--json', '--partition', `${k}/${N}`, '--exchange', ex], dir);
    out.forEach((o, i) => assert.is(o.status, 0, `member ${i + 1}: ${o.stderr}`));
    const j = JSON.parse(out[0]!.stdout);
    const g = gridPoint(4, 32);
    assert.equal([j.outcome, j.distinctStates, j.edges, j.depth, j.terminalStates], ['ok', g.states, g.edges, g.depth, 1]);
    for (const o of out.slice(1)) assert.match(o.stdout, new RegExp(`outcome ok, 758,408 states, 1,506,821 edges, depth 267 in all parts`));
    if (N === 2) {
      const single = checkModel(findModel('ring-notify')!, { ringSize: 4, messages: 32 });
      assert.equal(j.coverage, Object.fromEntries(single.coverage.map((c) => [c.rule, c.fired])));
    }
    // each member deleted the batches it wrote once every member had read them; level files stay (restart, traces)
    const batches = readdirSync(ex).filter((d) => d.startsWith('e')).flatMap((d) => readdirSync(join(ex, d)).filter((f) => f.startsWith('b')));
    assert.equal(batches, []);
    assert.is(readdirSync(join(ex, 'm1')).length, g.depth + 2);
  });
}

test('the lost wake-up on 2 and 3 members: the shortest length of the single search (48 steps, §11), a trace that replays', async () => {
  for (const N of [2, 3]) {
    const ex = join(dir, `lw${N}`);
    const tf = join(dir, `lw${N}.trace.json`);
    const out = await members(N, (k) => ['check', example, '-p', 'ringSize=4', '-p', 'messages=8', '-q', '--partition', `${k}/${N}`, '--exchange', ex, '--trace-out', tf], dir);
    out.forEach((o, i) => assert.is(o.status, 1, `member ${i + 1}: ${o.stdout}${o.stderr}`));
    assert.match(out[0]!.stdout, /VIOLATION of I4_no_lost_wakeup after 48 steps/);
    assert.ok(existsSync(tf));
    const rep = pvcheck(['replay', tf, '--json']);
    assert.is(rep.status, 1, rep.stdout + rep.stderr);
    assert.is(JSON.parse(rep.stdout).step, 48);
  }
});

test('K and N: given, from JOB_COMPLETION_INDEX (from 0), from SLURM_ARRAY_TASK_ID (from its minimum); out of range is refused', () => {
  assert.equal(membership('--partition', '2/3', {}), { member: 2, members: 3 });
  assert.equal(membership('--partition', '3', { JOB_COMPLETION_INDEX: '0' }), { member: 1, members: 3 });
  assert.equal(membership('--swarm', '4', { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_MIN: '4' }), { member: 4, members: 4 });
  assert.equal(membership('--swarm', 'auto', { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '5' }), { member: 2, members: 5 });
  for (const [t, env] of [['3/2', {}], ['0/2', {}], ['x', {}], ['4', {}], ['2', { JOB_COMPLETION_INDEX: '2' }], ['auto', {}]] as const)
    assert.throws(() => membership('--partition', t, env), (e: unknown) => e instanceof UsageError);
});

test.run();
