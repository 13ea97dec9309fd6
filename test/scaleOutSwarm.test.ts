/**
 * `--swarm K/N --out DIR` and `pvcheck merge DIR` (checker/swarm.ts,
 * cli/scaleOut.ts) with N local processes. The deep variant: B-8, MirageOS's
 * torn req_prod store (examples/ring-b8-torn-req-prod.ts), on a ring that has
 * already carried 0xffd8 messages: the violation needs the 40 more it takes
 * to reach the 2^16 crossing, hundreds of steps deep. The depth-first members
 * reach it in a few thousand states; a breadth-first search of ten times as
 * many states does not (checked here), so the merged swarm finds what one BFS
 * of the same effort misses. docs/scale-out.md has the timed comparison.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { memberPlan, swarmMember } from '../checker/swarm.js';
import { mergeObservables, type MemberFile } from '../cli/scaleOut.js';
import { paramsOf } from '../checker/fixtures/run.js';
import { bind } from '../properties/bind.js';
import { lostWakeup } from './support/ringSpec.js';
import { members, root } from './support/members.js';
import { scratchDir } from './support/tmp.js';

const dir = scratchDir('pvcheck-swarm-');
const b8 = join(root, 'examples/ring-b8-torn-req-prod.ts');
const deep = ['-p', 'ringSize=2', '-p', 'messages=48', '-p', 'startIndex=0xffd8'];
const pvcheck = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(root, 'bin/pvcheck.mjs'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });

// the quick tests first: npm run mutants stops a file at its first failed test (the swarm mutants)
test('mergeObservables: the least min and greatest max whichever member saw them; a member that saw nothing does not count', () => {
  const f = (member: number, obs: [number | null, number | null][]) =>
    ({ member, observables: obs.map(([min, max], i) => ({ name: `o${i}`, min, max })) }) as unknown as MemberFile;
  const got = mergeObservables([f(1, [[2, 5], [0, 0]]), f(2, [[1, 7], [null, null]]), f(3, [[null, null], [-3, 4]])]);
  assert.equal(got, [
    { name: 'o0', min: 1, max: 7, minMember: 2, maxMember: 2 },
    { name: 'o1', min: -3, max: 4, minMember: 3, maxMember: 3 },
  ]);
  assert.equal(mergeObservables([f(1, [[null, null]])]), [{ name: 'o0', min: null, max: null, minMember: null, maxMember: null }]);
});

test('in process: a DFS member finds the lost wake-up with a trace that is a run of the model ending in the violation; plans follow the seed', async () => {
  const p = paramsOf(lostWakeup, { ringSize: 2, messages: 4 });
  const sys = bind(lostWakeup, p);
  assert.ok(E.isRight(sys));
  const s = (sys as E.Right<any>).right;
  for (const member of [2, 3, 4]) {
    const r = await swarmMember(s, { member, members: 4, seed: 11, bitstateBytes: 1 << 20 });
    assert.is(r.outcome, 'violation');
    const t = r.violation!.trace;
    assert.ok(t.length - 1 >= 34, `${t.length}`); // §11: 34 is the shortest
    const last = t[t.length - 1]!.state;
    assert.not.ok(s.invariants.find((i: any) => i.name === 'I4_no_lost_wakeup').holds(last));
    assert.ok(t.slice(0, -1).every((st) => s.invariants.every((i: any) => i.holds(st.state))));
  }
  assert.equal(memberPlan({ member: 3, seed: 5 }), memberPlan({ member: 3, seed: 5 }));
  assert.is(memberPlan({ member: 1, seed: 5 }).strategy, 'bfs');
  const plans = new Set([1, 2, 3, 4, 5, 6].map((seed) => JSON.stringify(memberPlan({ member: 3, seed }))));
  assert.ok(plans.size > 3);
});

test('the memory budget: a member stops at --max-memory (reason max-memory, exit 3); a bit array larger than the budget is refused', async () => {
  const p = paramsOf(lostWakeup, { ringSize: 4, messages: 16 });
  const s = (bind(lostWakeup, p, { invariants: ['I1_no_overflow'] }) as E.Right<any>).right;
  for (const member of [1, 2]) {
    const r = await swarmMember(s, { member, members: 2, seed: 1, bitstateBytes: 1 << 20, maxMemory: 1, checkDeadlock: false }, async () => {});
    // the budget stops the member long before it has visited the 138,776 states
    assert.equal([r.outcome, r.reason], ['incomplete', 'max-memory'], `member ${member}`);
    assert.ok(r.distinctStates > 0 && r.distinctStates < 10_000, `${r.distinctStates}`);
  }
  const c = pvcheck(['check', 'ring-notify', '-p', 'ringSize=4', '-p', 'messages=16', '-q', '--swarm', '2/2', '--store', 'bitstate:1M', '--max-memory', '2M', '--out', join(dir, 'mem')]);
  assert.is(c.status, 3, c.stdout + c.stderr);
  assert.match(c.stdout, /nothing found \(max-memory\)/);
  assert.is(JSON.parse(readFileSync(join(dir, 'mem', 'member-2.json'), 'utf8')).reason, 'max-memory');
  const big = pvcheck(['check', 'ring-notify', '-q', '--swarm', '2/2', '--max-memory', '32M', '--out', join(dir, 'mem')]);
  assert.is(big.status, 2, big.stderr);
  assert.match(big.stderr, /^pvcheck: error: --swarm: the bit array \(--store bitstate:64 MiB\) does not fit in --max-memory 32 MiB\n$/);
});

test('3 members on the deep B-8 variant: the DFS members find I1_no_overflow, merge reports the shortest found, its trace replays', async () => {
  const out = await members(3, (k) => ['check', b8, ...deep, '-q', '--swarm', `${k}/3`, '--seed', '7', '--time', '6s', '--out', join(dir, 'deep')], dir);
  const found = out.filter((o) => o.status === 1);
  assert.ok(found.length >= 1, out.map((o) => o.stdout + o.stderr).join('\n'));
  out.forEach((o) => assert.ok(o.status === 1 || o.status === 3, o.stderr));
  const m = pvcheck(['merge', join(dir, 'deep'), '--json']);
  assert.is(m.status, 1, m.stderr);
  const j = JSON.parse(m.stdout);
  assert.equal([j.outcome, j.violation.property, j.members, j.missing], ['violation', 'I1_no_overflow', 3, []]);
  const files = [1, 2, 3].map((k) => JSON.parse(readFileSync(join(dir, 'deep', `member-${k}.json`), 'utf8')));
  const lengths = files.filter((f) => f.violation).map((f) => f.violation.length);
  assert.is(j.violation.length, Math.min(...lengths));
  assert.ok(j.violation.length > 200, `${j.violation.length}`);
  // coverage union: the sum over members, rule by rule
  for (const rule of Object.keys(j.coverage)) assert.is(j.coverage[rule], files.reduce((a, f) => a + f.coverage[rule], 0), rule);
  const rep = pvcheck(['replay', j.violation.traceFile, '--json']);
  assert.is(rep.status, 1, rep.stdout + rep.stderr);
  assert.is(JSON.parse(rep.stdout).step, j.violation.length);
  // the same effort as one BFS finds nothing: ten times the states the DFS members visited
  const dfsStates = files.filter((f) => f.strategy === 'dfs').reduce((a, f) => a + f.distinctStates, 0);
  const bfs = pvcheck(['check', b8, ...deep, '-q', '-w', '1', '--max-states', String(10 * dfsStates), '--json']);
  assert.is(bfs.status, 3, bfs.stdout + bfs.stderr);
  assert.is(JSON.parse(bfs.stdout).outcome, 'incomplete');
});

test('a swarm that finds nothing: merge says incomplete (exit 3), the union covers every rule', async () => {
  const out = await members(2, (k) => ['check', 'ring-notify', '-p', 'ringSize=2', '-p', 'messages=4', '-q', '--swarm', `${k}/2`, '--out', join(dir, 'none'), '--store', 'bitstate:1M'], dir);
  out.forEach((o) => assert.is(o.status, 3, o.stdout + o.stderr));
  const m = pvcheck(['merge', join(dir, 'none')]);
  assert.is(m.status, 3, m.stderr);
  assert.match(m.stdout, /INCOMPLETE: no member found a violation/);
  assert.match(m.stdout, /coverage +24\/24 rules fired by some member/);
});

test('merge combines the observables: the least min and the greatest max over members, within the exhaustive range', async () => {
  const args = ['ring', '-p', 'counters=true', '-p', 'messages=3', '-q'];
  const out = await members(3, (k) => ['check', ...args, '--swarm', `${k}/3`, '--seed', '3', '--out', join(dir, 'obs'), '--store', 'bitstate:1M'], dir);
  out.forEach((o) => assert.is(o.status, 3, o.stdout + o.stderr));
  const files = [1, 2, 3].map((k) => JSON.parse(readFileSync(join(dir, 'obs', `member-${k}.json`), 'utf8')));
  const exact = JSON.parse(pvcheck(['check', ...args, '-w', '1', '--json']).stdout);
  const m = pvcheck(['merge', join(dir, 'obs'), '--json']);
  assert.is(m.status, 3, m.stderr);
  const j = JSON.parse(m.stdout);
  assert.equal(j.observables.map((o: any) => o.name), exact.observables.map((o: any) => o.name));
  for (const o of j.observables) {
    const per = files.map((f) => f.observables.find((x: any) => x.name === o.name));
    assert.is(o.min, Math.min(...per.map((x: any) => x.min)), o.name);
    assert.is(o.max, Math.max(...per.map((x: any) => x.max)), o.name);
    assert.is(per[o.minMember - 1].min, o.min);
    assert.is(per[o.maxMember - 1].max, o.max);
    const e = exact.observables.find((x: any) => x.name === o.name);
    assert.ok(o.min >= e.min && o.max <= e.max, `${o.name}: ${o.min}..${o.max} outside ${e.min}..${e.max}`);
    // a member that visited every state saw the exact range
    if (files.some((f) => f.distinctStates === exact.distinctStates)) assert.equal([o.min, o.max], [e.min, e.max], o.name);
  }
  assert.ok(files.some((f) => f.distinctStates === exact.distinctStates), 'no member visited all 3,110 states');
  assert.match(pvcheck(['merge', join(dir, 'obs')]).stdout, /observable +notifications: min 1 \(member \d\), max 4 \(member \d\)/);
});

test('K from JOB_COMPLETION_INDEX (from 0) and from SLURM_ARRAY_TASK_ID', () => {
  const a = pvcheck(['check', 'ring-notify', '-p', 'ringSize=2', '-p', 'messages=4', '-q', '--swarm', '3', '--out', join(dir, 'env')], { JOB_COMPLETION_INDEX: '1' });
  assert.is(a.status, 3, a.stderr);
  assert.ok(existsSync(join(dir, 'env', 'member-2.json')));
  const b = pvcheck(['check', 'ring-notify', '-p', 'ringSize=2', '-p', 'messages=4', '-q', '--swarm', 'auto', '--out', join(dir, 'env')], {
    SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '3', SLURM_ARRAY_TASK_COUNT: '3',
  });
  assert.is(b.status, 3, b.stderr);
  assert.ok(existsSync(join(dir, 'env', 'member-3.json')));
  const m = pvcheck(['merge', join(dir, 'env')]);
  assert.match(m.stdout, /members +2 of 3 reported \(missing: 1\)/);
});

test('bad input: one line, exit 2', () => {
  mkdirSync(join(dir, 'empty'));
  mkdirSync(join(dir, 'junk'));
  writeFileSync(join(dir, 'junk', 'member-1.json'), '{"x":');
  for (const [args, msg] of [
    [['check', 'ring-notify', '--swarm', '5/4', '--out', 'o'], /^pvcheck: error: --swarm: member 5 is out of range 1\.\.4\n$/],
    [['check', 'ring-notify', '--swarm', '1/4'], /^pvcheck: error: --swarm needs --out DIR/],
    [['check', 'ring-notify', '--seed', '3'], /^pvcheck: error: --seed belongs to --swarm K\/N\n$/],
    [['check', 'ring-notify', '--swarm', '1/2', '--out', 'o', '--store', 'compact'], /^pvcheck: error: --swarm members keep their states in a bit array/],
    [['check', 'ring-notify', '--swarm', '1/2', '--out', 'o', '--time', '10 minutes'], /^pvcheck: error: --time expects a duration/],
    [['merge'], /^pvcheck: error: usage: pvcheck merge DIR/],
    [['merge', 'nowhere'], /^pvcheck: error: merge: nowhere: no such folder\n$/],
    [['merge', 'empty'], /^pvcheck: error: merge: empty holds no member-K\.json/],
    [['merge', 'junk'], /^pvcheck: error: merge: junk\/member-1\.json is not JSON/],
  ] as const) {
    const r = pvcheck([...args]);
    assert.is(r.status, 2, args.join(' ') + r.stderr);
    assert.match(r.stderr, msg);
    assert.is(r.stderr.split('\n').length, 2, r.stderr);
  }
});

test.run();
