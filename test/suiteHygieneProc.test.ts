/**
 * bin/proc.mjs, the one reader of /proc for bin/run-tests.mjs (what a file
 * left running in its group), bin/mutants.mjs (whether a copy's runner still
 * runs, whether a process works in a folder) and test/support/alive.ts: a
 * command with spaces and parentheses, the fields after it, a zombie that is
 * not alive, a process id whose start time differs, a group's running
 * members, a working directory. (Linux; elsewhere only what signal 0 says.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { alive, groupRunning, killWorkingIn, parseStat, procfs, someoneWorksIn, startTime, stat, stillRuns, workingIn } from '../bin/proc.mjs';
import * as support from './support/alive.js';
import { scratchDir } from './support/tmp.js';

const until = (ok: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) spawnSync('sleep', ['0.05']);
  return ok();
};

test('parseStat: the command ends at the last parenthesis; state, parent, group and start time follow', () => {
  const line = '4242 (a) b (c)) S 17 4242 4242 0 -1 4194560 1 0 0 0 3 1 0 0 20 0 1 0 987654 1000 200';
  assert.equal(parseStat(line), { comm: 'a) b (c)', state: 'S', ppid: 17, pgrp: 4242, startTime: '987654' });
  assert.is(parseStat('garbage'), undefined);
  assert.is(parseStat('1 (x) Z 0 1')!.startTime, '0', 'a line cut short: no start time');
});

test('this process and a child: fields as Node knows them; killed, it is not alive (nor a zombie left of it); a start time that differs is another process', () => {
  if (!procfs) return;
  const me = stat(process.pid)!;
  assert.is(me.ppid, process.ppid);
  assert.ok(me.state !== 'Z' && /^\d+$/.test(me.startTime) && me.startTime !== '0');
  assert.is(startTime(process.pid), me.startTime);
  assert.ok(alive(process.pid) && stillRuns(process.pid, me.startTime) && stillRuns(process.pid, '0'));
  assert.not.ok(stillRuns(process.pid, String(Number(me.startTime) + 1)), 'the same id started at another time is not it');
  const c = spawn('sleep', ['30'], { stdio: 'ignore' });
  const pid = c.pid!;
  assert.ok(until(() => stat(pid)?.comm === 'sleep'));
  assert.ok(alive(pid));
  c.kill('SIGKILL');
  assert.ok(until(() => !alive(pid)), 'killed: not alive (not reaped yet: a zombie, which is not alive either)');
  assert.is(support.alive, alive, 'test/support/alive.ts is the same reader');
  assert.is(support.stillRuns, stillRuns);
});

test('a zombie of a group is not running; the running members are named with their command line, a command with spaces and a parenthesis too', () => {
  if (!procfs) return;
  const dir = scratchDir('pvcheck-proc-');
  // a program whose name has a space and a ')' (the kernel's comm field holds it)
  const odd = join(dir, 'sl p)');
  copyFileSync(realpathSync('/bin/sleep'), odd);
  chmodSync(odd, 0o755);
  // sh leads the group: it starts the odd sleep and a `true` that ends at once, and waits for neither
  const lead = spawn('sh', ['-c', `true & "${odd}" 30 & exec sleep 30`], { detached: true, stdio: 'ignore', cwd: dir });
  const pgrp = lead.pid!;
  try {
    // both sleeps up (sh has become the second): then exactly those two run
    assert.ok(until(() => (groupRunning(pgrp) ?? []).filter((m) => m === `${pgrp} sleep 30` || stat(Number(m.split(' ')[0]))?.comm === 'sl p)').length === 2), JSON.stringify(groupRunning(pgrp)));
    const members = groupRunning(pgrp)!;
    assert.is(members.length, 2, members.join('; '));
    assert.ok(members.some((m) => m === `${pgrp} sleep 30`), members.join('; '));
    // its command line is its path (cut to 60 characters, a long temporary folder's may lose its end)
    const oddOne = members.find((m) => m !== `${pgrp} sleep 30`)!;
    const oddPid = Number(oddOne.split(' ')[0]);
    assert.ok(`${odd} 30`.startsWith(oddOne.slice(String(oddPid).length + 1).replace(/\.\.\.$/, '')), oddOne);
    assert.is(stat(oddPid)!.comm, 'sl p)');
    assert.is(stat(oddPid)!.pgrp, pgrp);
    // the ended `true` is a zombie of the group (sh never waits for it) or already gone: never counted
    assert.ok(members.every((m) => !/\btrue\b/.test(m)));
    assert.ok(someoneWorksIn(dir), 'the group works in the folder');
    assert.not.ok(someoneWorksIn(join(dir, 'elsewhere')));
  } finally {
    try {
      process.kill(-pgrp, 'SIGKILL');
    } catch { /* gone */ }
  }
  assert.ok(until(() => (groupRunning(pgrp) ?? []).length === 0), 'killed: none left running');
  assert.ok(until(() => !someoneWorksIn(dir)));
  assert.is(readFileSync(`/proc/${process.pid}/stat`, 'utf8').split(' ')[0], String(process.pid));
});

test('workingIn and killWorkingIn (bin/mutants.mjs after each mutant): a process working in a folder, or below it, is found and killed, also once the folder is removed (Linux: `PATH (deleted)`), whatever its process group; one working beside it is not', () => {
  if (!procfs) return;
  const dir = realpathSync(scratchDir('pvcheck-proc-cwd-'));
  const inside = join(dir, 'copy');
  const below = join(inside, 'sub');
  const beside = join(dir, 'copy2');
  for (const d of [below, beside]) mkdirSync(d, { recursive: true });
  const start = (cwd: string) => spawn('sleep', ['30'], { cwd, detached: true, stdio: 'ignore' });
  const [a, b, c] = [start(inside), start(below), start(beside)];
  try {
    assert.ok(until(() => (workingIn(inside) ?? []).length === 2), JSON.stringify(workingIn(inside)));
    // the copy removed while they run in it, as session 27's leak ran in a removed copy
    rmSync(inside, { recursive: true });
    assert.equal((workingIn(inside) ?? []).map((p) => p.pid).sort(), [a.pid!, b.pid!].sort());
    assert.ok(someoneWorksIn(inside));
    const killed = killWorkingIn(inside);
    assert.equal(killed.sort(), [`${a.pid} sleep 30`, `${b.pid} sleep 30`].sort());
    assert.ok(until(() => !alive(a.pid!) && !alive(b.pid!)), 'both killed');
    assert.ok(alive(c.pid!), 'the one working beside it runs on');
    assert.equal(workingIn(inside), []);
    assert.equal(killWorkingIn(inside), []);
  } finally {
    for (const p of [a, b, c]) {
      try {
        process.kill(p.pid!, 'SIGKILL');
      } catch { /* gone */ }
    }
  }
});

test.run();
