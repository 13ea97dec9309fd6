/**
 * The mutant runner's copies of the tree (bin/mutants.mjs, session 25; note24 item 3): a run
 * stopped by Ctrl-C, SIGTERM or SIGHUP stops its test runs and removes its copies; a runner
 * killed outright (SIGKILL: a crash of the machine's making) cannot, so the next run removes the
 * copies of runners whose process is gone, and never one of a live runner (CI and a developer
 * may run mutants at once) nor an old-style copy that a process still works in or that changed
 * within the hour. Until then every interrupted run left /tmp/pvcheck-mutant-* behind (six of
 * them, 8.5 MB each, on the session machine).
 *
 * The runner runs on a scratch tree: bin/mutants.mjs and bin/run-tests.mjs as they are, one
 * mutant whose test file marks that it started (its pid and working directory) and then waits,
 * so that a signal reaches the runner while a test runs in its copy. TMPDIR is a scratch folder:
 * the runner sees only this file's copies. The test files' own TMPDIR is in their copy: a file killed
 * at its first failed test cannot remove its scratch folders (1,509 were left in /tmp on the session
 * machine, most by killed mutants' test files); they go with the copy.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { scratchDir } from './support/tmp.js';
import { runnerTree } from './support/runnerTree.js';
import { alive } from './support/alive.js';

const scratch = scratchDir('pvcheck-mutants-runner-');
const tree = join(scratch, 'tree');
const tmp = join(scratch, 'tmp');
mkdirSync(tmp, { recursive: true });
runnerTree(tree);
writeFileSync(join(tree, 'planted.txt'), 'unmutated\n');
// The test file marks its start (pid, working directory, what its mutant planted), then
// `waits`: waits (MARK_WAIT_MS, default 120 s) in its copy of the tree;
// `ends-after-waits`: ends once a `waits` file has marked its start (a runner slot free at a known point).
writeFileSync(
  join(tree, 'test', 'waits.test.ts'),
  `import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const mode = readFileSync('planted.txt', 'utf8').trim();
const marks = process.env.MARKS;
// a scratch folder it never removes (as a file killed at its first failed test leaves its own)
mkdirSync(join(tmpdir(), 'left-by-' + process.pid));
writeFileSync(join(marks, '.' + process.pid), JSON.stringify({ pid: process.pid, ppid: process.ppid, cwd: process.cwd(), mode, tmp: tmpdir() }));
renameSync(join(marks, '.' + process.pid), join(marks, String(process.pid)));
if (mode === 'ends-after-waits') {
  const t = setInterval(() => {
    for (const f of readdirSync(marks)) if (!f.startsWith('.') && JSON.parse(readFileSync(join(marks, f), 'utf8')).mode === 'waits') clearInterval(t);
  }, 50);
} else setTimeout(() => {}, Number(process.env.MARK_WAIT_MS ?? 120000));
`,
);
// Preloaded (NODE_OPTIONS) by the signal tests: run-tests takes 1.5 s to exit once it exits (its
// SIGTERM handler has killed its files by then), so a runner that exits before its test runs have
// stopped is seen: their run-tests is still there when the runner has ended.
const slowExit = join(scratch, 'slow-exit.mjs');
writeFileSync(slowExit, `if (process.argv[1]?.endsWith('run-tests.mjs')) process.on('exit', () => { const t = Date.now() + 1500; while (Date.now() < t); });\n`);
const plant = (id: string, file = 'planted.txt') => ({ id, why: 'test', edits: [{ file, find: 'unmutated', replace: id }], tests: ['test/waits.test.ts'], timeout: 150 });
// `crashes` names a file that is not there: applying it throws in the runner's own code (a crash)
writeFileSync(join(tree, 'test', 'mutants', 'mutants.json'), JSON.stringify({ mutants: [plant('waits'), plant('ends-after-waits'), plant('crashes', 'missing.txt')] }));

const linux = existsSync('/proc/self/stat');
/** A process's start time as the runner reads it (/proc/PID/stat field 22). */
const startTime = (pid: number): string => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits up to 10 s for `pid` to end. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
  return !alive(pid);
}
/** The copies in the scratch TMPDIR. */
const copies = (): string[] => readdirSync(tmp).filter((n) => n.startsWith('pvcheck-mutant-')).sort();

interface Runner {
  readonly child: ChildProcess;
  /** Where its test files mark their start (a folder of its own). */
  readonly marks: string;
  readonly ended: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>;
}
let runners = 0;
function runner(args: string[], env: Record<string, string> = {}, detached = false): Runner {
  const marks = join(scratch, `marks-${++runners}`);
  mkdirSync(marks);
  const child = spawn(process.execPath, [join(tree, 'bin', 'mutants.mjs'), ...args], {
    cwd: tree,
    detached,
    env: { ...process.env, TMPDIR: tmp, MARKS: marks, PVCHECK_MUTANT_JOBS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((r) => child.on('close', (code, signal) => r({ code, signal, out })));
  return { child, marks, ended };
}
const seen = new Set<string>();
/** The marks of `r`'s test files not seen yet. */
const marksOf = (r: Runner): string[] => readdirSync(r.marks).filter((f) => !seen.has(f) && !f.startsWith('.'));
/** The next test file to start in a copy: its pid and working directory (at most 60 s). */
async function started(r: Runner): Promise<{ pid: number; ppid: number; cwd: string; mode: string; tmp: string }> {
  for (let i = 0; i < 600; i++) {
    const fresh = marksOf(r);
    if (fresh.length) {
      seen.add(fresh[0]!);
      return JSON.parse(readFileSync(join(r.marks, fresh[0]!), 'utf8'));
    }
    if (r.child.exitCode !== null) break;
    await sleep(100);
  }
  const { out } = await r.ended;
  throw new Error(`no test file started in a copy; the runner said:\n${out}`);
}
/** The copy a test file works in: a folder of the scratch TMPDIR named for its runner (pid.start). */
function copyOf(mark: { cwd: string }, runnerPid: number): string {
  const name = mark.cwd.slice(tmp.length + 1).split('/')[0]!;
  assert.ok(mark.cwd.startsWith(tmp + '/'), `the test ran in ${mark.cwd}, not in a copy in TMPDIR`);
  assert.match(name, new RegExp(`^pvcheck-mutant-0-${runnerPid}\\.${linux ? startTime(runnerPid) : '\\d+'}-[A-Za-z0-9]{6}$`));
  return name;
}

/** The processes whose working directory is in the scratch TMPDIR (Linux), a deleted one included. */
function workingIn(): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      if (readlinkSync(`/proc/${p}/cwd`).startsWith(tmp + '/') && alive(+p)) pids.push(+p);
    } catch { /* gone */ }
  }
  return pids;
}
/** Waits up to 10 s for every process working in a copy to end; returns those left (none where there is no /proc). */
async function settled(except: (number | undefined)[] = []): Promise<number[]> {
  if (!linux) return [];
  const left = () => workingIn().filter((p) => !except.includes(p));
  for (let i = 0; i < 100 && left().length; i++) await sleep(100);
  return left();
}

// the sweep first: most of this file's mutants (test/mutants/mutants.json) are killed there
test("a runner killed outright leaves its copy; the next run removes it (and old-style copies nobody works in, changed over an hour ago), never a live runner's, nor an old-style copy in use or recent", async () => {
  // in a process group of its own: its bin/run-tests.mjs, left behind, ends as a zombie nobody may reap (a container's
  // first process need not), which must not count in this file's group (run-tests: "left processes running")
  const dead = runner(['--no-baseline', 'waits'], {}, true);
  const mark = await started(dead);
  const deadCopy = copyOf(mark, dead.child.pid!);
  dead.child.kill('SIGKILL');
  await dead.ended;
  // the killed runner's test run goes on without it (its run-tests and its file, each in a process group of its
  // own, working in the copy): the next run's sweep kills them with the copy (session 28)
  assert.ok(alive(mark.pid), 'the dead runner\'s test file runs on');
  assert.equal(copies(), [deadCopy], 'SIGKILL: the runner could not remove its copy');

  const hourAgo = (name: string) => {
    const t = new Date(Date.now() - 2 * 3600_000);
    utimesSync(join(tmp, name), t, t);
  };
  const me = `${process.pid}.${linux ? startTime(process.pid) : '0'}`;
  const kept = [`pvcheck-mutant-0-${me}-LiveA1`, 'pvcheck-mutant-1-Recnt1'];
  const removed = [deadCopy, 'pvcheck-mutant-Old001', 'pvcheck-mutant-1-Old002'];
  for (const n of [...kept, ...removed.slice(1)]) mkdirSync(join(tmp, n, 'checker'), { recursive: true });
  hourAgo('pvcheck-mutant-Old001');
  hourAgo('pvcheck-mutant-1-Old002');
  let holder: ChildProcess | undefined;
  if (linux) {
    // the same pid at another start time: a process id used again, not the runner
    removed.push(`pvcheck-mutant-1-${process.pid}.1-Reuse1`);
    mkdirSync(join(tmp, removed.at(-1)!));
    // an old-style copy a process works in (a runner from before session 25, mid-mutant)
    kept.push('pvcheck-mutant-InUse1');
    mkdirSync(join(tmp, 'pvcheck-mutant-InUse1'));
    hourAgo('pvcheck-mutant-InUse1');
    holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { cwd: join(tmp, 'pvcheck-mutant-InUse1'), stdio: 'ignore' });
  }
  try {
    const next = runner(['--no-baseline', 'waits']);
    const m2 = await started(next);
    const own = copyOf(m2, next.child.pid!);
    assert.equal(copies(), [...kept, own].sort(), 'removed: the dead runner\'s copy, the old ones nobody works in');
    assert.ok(await gone(mark.pid), 'the sweep killed the dead runner\'s test file');
    assert.ok(await gone(mark.ppid), 'and its bin/run-tests.mjs');
    next.child.kill('SIGTERM');
    const e = await next.ended;
    assert.is(e.code, 143, e.out);
    assert.match(e.out, new RegExp(`^removed ${removed.length} copies left by runners that are gone: ${[...removed].sort().join(' ')}$`, 'm'));
    assert.match(e.out, new RegExp(`^killed 2 processes still working in them: (${mark.pid}|${mark.ppid}) .*; (${mark.pid}|${mark.ppid}) `, 'm'));
    assert.equal(copies(), [...kept].sort());
    assert.equal(await settled([holder?.pid]), [], 'no process works in a copy but the old-style copy\'s holder');
  } finally {
    for (const pid of [mark.pid, mark.ppid]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch { /* gone, as it should be */ }
    }
    // the copies kept are this test's alone: the next tests count the copies from none
    for (const n of kept) rmSync(join(tmp, n), { recursive: true, force: true });
    if (holder && holder.exitCode === null && holder.signalCode === null) {
      // reaped, not only killed: a zombie still counts in this file's process group (run-tests: "left processes running")
      const reaped = new Promise((r) => holder!.once('exit', r));
      holder.kill('SIGKILL');
      await reaped;
    }
  }
});

test('a crash of the runner\'s own code (a mutant naming a file that is not there, applied while another slot\'s test file runs): its test runs are stopped, its copies removed, exit 1', async () => {
  const r = runner(['--no-baseline', 'waits', 'ends-after-waits', 'crashes'], { PVCHECK_MUTANT_JOBS: '2' });
  const e = await r.ended;
  const pids = marksOf(r).map((f) => JSON.parse(readFileSync(join(r.marks, f), 'utf8')) as { pid: number; mode: string });
  try {
    assert.is(e.code, 1, e.out);
    assert.match(e.out, /ENOENT.*missing\.txt/);
    assert.equal(pids.map((p) => p.mode).sort(), ['ends-after-waits', 'waits'], 'slot 1 was free (its first mutant ended) while slot 0\'s test file waited');
    for (const p of pids) assert.ok(await gone(p.pid), `the test file of ${p.mode} is stopped`);
    assert.equal(copies(), []);
    assert.equal(await settled(), [], 'no process works in a copy');
  } finally {
    for (const p of pids) if (alive(p.pid)) process.kill(-p.pid, 'SIGKILL');
  }
});

for (const [sig, code, args, when] of [
  ['SIGTERM', 143, [], 'during the baseline (the runner waited on it synchronously: a signal was not handled until it ended)'],
  ['SIGINT', 130, ['--no-baseline'], 'during a mutant (Ctrl-C)'],
  ['SIGHUP', 129, ['--no-baseline'], 'during a mutant (the terminal closed)'],
] as const) {
  test(`${sig} ${when}: the test run is stopped, the copy removed, exit ${code}`, async () => {
    const r = runner([...args, 'waits'], { NODE_OPTIONS: `--import=${pathToFileURL(slowExit).href}` });
    const mark = await started(r);
    const name = copyOf(mark, r.child.pid!);
    assert.equal(copies(), [name]);
    assert.is(mark.tmp, join(tmp, name, '.tmp'), "the test file's TMPDIR is in its copy");
    r.child.kill(sig);
    const e = await r.ended;
    assert.not.ok(alive(mark.ppid), 'the runner exited before its test run (run-tests) had stopped');
    assert.is(e.code, code, e.out);
    assert.match(e.out, new RegExp(`mutants: ${sig}: stopping the test runs, removing the copies`));
    assert.equal(copies(), [], 'the copy is removed');
    assert.ok(await gone(mark.pid), 'the test file the run had started is stopped');
    assert.equal(await settled(), [], 'no process works in the copy');
  });
}

test("a run that ends (its one mutant killed: the test file ended without totals) leaves no copy, nor what its test file left in its temporary folder", async () => {
  const r = runner(['--no-baseline', 'waits'], { MARK_WAIT_MS: '0' });
  await started(r);
  const e = await r.ended;
  assert.is(e.code, 0, e.out);
  assert.match(e.out, /^killed\s+waits\s+by test\/waits\.test\.ts \(crashed: no uvu totals\)/m);
  assert.equal(readdirSync(tmp), [], 'nothing left in the temporary folder');
  assert.equal(await settled(), []);
});

test.run();
