#!/usr/bin/env node
// A landing train: several ready branches landed by one test run (session 28; replaces
// /work/wt/train.sh and land.sh's test step, which ran in a live worktree and tested files
// edited while it waited).
//
//   node bin/train.mjs [--into REF] [--ff PATH] [--log FILE] BRANCH...
//
// In a clean temporary checkout of REF (default main; a `git worktree add --detach` of the
// repository the command runs in, removed at the end), merges each BRANCH in order (a conflict
// names the branch and the files and stops), gives the checkout a real node_modules (a hard-linked
// copy of one `npm ci` per package-lock.json, cached by its hash: a symlinked node_modules broke
// test/workerStacks in session 27; the cache keeps the two installs last used and any used within
// a day), typechecks (`tsc --noEmit -p .`), then runs `node bin/run-tests.mjs --changed REF
// suiteHygiene` there with PVCHECK_SLOW_TESTS=1. On success
// prints `train: merged SHA` (the caller fast-forwards REF to it; `--ff PATH` does it in the
// worktree PATH with `git merge --ff-only`). When test files fail, it says which branches' changes
// select each failing file (bin/changed-tests.mjs on each branch's own changes): dropping those
// branches, or running them alone, is the next step.
//
// Exit: 0 landed (or merged and tested, without --ff), 1 a conflict, tsc or a test failed, or the
// fast-forward was refused (REF moved: run again), 2 bad usage.
//
// Environment: PVCHECK_TRAIN_CACHE (where the node_modules per package-lock.json are kept;
// default ~/.cache/pvcheck-train); and, for test/train.test.ts, commands run by `sh -c` in place
// of a step: PVCHECK_TRAIN_INSTALL (in place of `npm ci`, run in the cache entry being made),
// PVCHECK_TRAIN_TSC (of tsc), PVCHECK_TRAIN_TESTS (of run-tests; $TRAIN_BASE is REF's commit).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTime } from './proc.mjs';
import { selectTests } from './changed-tests.mjs';

const here = join(fileURLToPath(import.meta.url), '..');
const USAGE = 'usage: node bin/train.mjs [--into REF] [--ff PATH] [--log FILE] BRANCH...';
const say = (line) => process.stdout.write(`train: ${line}\n`);
const fail = (line, code = 1) => {
  process.stderr.write(`train: ${line}\n`);
  process.exit(code);
};

// ---- arguments
const argv = process.argv.slice(2);
let into = 'main', ffPath, logFile;
const branches = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--help' || a === '-h') {
    process.stdout.write(USAGE + '\n');
    process.exit(0);
  }
  if (a === '--into' || a === '--ff' || a === '--log') {
    const v = argv[++i];
    if (v === undefined || v.startsWith('-')) fail(`${a} needs a value (${USAGE})`, 2);
    if (a === '--into') into = v;
    else if (a === '--ff') ffPath = resolve(v);
    else logFile = resolve(v);
  } else if (a.startsWith('-')) fail(`unknown option ${a} (${USAGE})`, 2);
  else branches.push(a);
}
if (branches.length === 0) fail(`no branch to land (${USAGE})`, 2);
if (new Set(branches).size !== branches.length) fail(`a branch is named twice: ${branches.join(' ')}`, 2);

const git = (cwd, args, opts = {}) => spawnSync('git', args, { cwd, encoding: 'utf8', ...opts });
const top = git(process.cwd(), ['rev-parse', '--show-toplevel']);
if (top.status !== 0) fail('not in a git repository (run it in a worktree of the repository to land into)', 2);
const repo = top.stdout.trim();
const commitOf = (rev) => {
  const r = git(repo, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  return r.status === 0 ? r.stdout.trim() : undefined;
};
const base = commitOf(into);
if (!base) fail(`--into ${into}: not a commit git knows here`, 2);
for (const b of branches) if (!commitOf(b)) fail(`${b}: not a branch or commit git knows here`, 2);
if (ffPath) {
  const r = git(ffPath, ['rev-parse', '--show-toplevel']);
  if (r.status !== 0) fail(`--ff ${ffPath}: not a git worktree`, 2);
}

// ---- the temporary checkout, removed on every way out
const dir = mkdtempSync(join(tmpdir(), `pvcheck-train-${process.pid}.${startTime(process.pid)}-`));
// readable by all, as a checkout is: mkdtemp makes it 0700, and test/cliOutputs runs pvcheck as nobody when
// root (train 2 failed on 'Cannot find module' so)
chmodSync(dir, 0o755);
let added = false;
let child;
const cleanup = () => {
  if (child && child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL'); // the step and what it started (its own group)
    } catch { /* gone */ }
  }
  // the checkout, then its registration (git worktree prune: a worktree whose folder is gone)
  rmSync(dir, { recursive: true, force: true });
  if (added) git(repo, ['worktree', 'prune']);
};
process.on('exit', cleanup);
for (const [sig, no] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]]) {
  process.on(sig, () => {
    process.stderr.write(`\ntrain: stopped by ${sig}\n`);
    process.exit(128 + no);
  });
}

if (logFile) mkdirSync(join(logFile, '..'), { recursive: true });
const log = logFile ? { write: (d) => appendFileSync(logFile, d) } : undefined;
/** Runs `cmd args` in `cwd` in a process group of its own; resolves to its output (also written to the log) and exit status. */
function run(cmd, args, cwd, env = {}) {
  return new Promise((done) => {
    log?.write(`\n$ ${[cmd, ...args].join(' ')}\n`);
    child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const take = (d) => {
      out += d;
      log?.write(d);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (e) => take(`(${cmd}: ${e.code ?? e.message})\n`));
    child.on('close', (status, signal) => done({ out, status: status ?? (signal ? 128 : 1) }));
  });
}
const sh = (command, cwd, env) => run('sh', ['-c', command], cwd, env);

const t0 = Date.now();
const secs = () => `${Math.round((Date.now() - t0) / 1000)} s`;
say(`${branches.join(' ')} into ${into} (${base.slice(0, 9)}) in ${dir}${logFile ? `, log ${logFile}` : ''}`);
const wt = git(repo, ['worktree', 'add', '--detach', dir, base]);
if (wt.status !== 0) fail(`cannot check out ${into} in ${dir}: ${wt.stderr.trim().split('\n').pop()}`);
added = true;

// ---- merges, in order
for (const b of branches) {
  const m = git(dir, ['merge', '--no-edit', '-q', '-m', `Merge branch '${b}' into ${into} (train: ${branches.join(' ')})`, b]);
  if (m.status !== 0) {
    const files = git(dir, ['diff', '--name-only', '--diff-filter=U']).stdout.trim().split('\n').filter(Boolean);
    git(dir, ['merge', '--abort']);
    const earlier = branches.slice(0, branches.indexOf(b));
    fail(`merging ${b} conflicts with ${into}${earlier.length ? ` + ${earlier.join(' + ')}` : ''}${files.length ? ` in ${files.join(', ')}` : `: ${(m.stderr || m.stdout).trim().split('\n').pop()}`}: merge ${into} into ${b}, resolve, post it again`);
  }
}
const merged = git(dir, ['rev-parse', 'HEAD']).stdout.trim();
say(`merged ${branches.length} branch${branches.length > 1 ? 'es' : ''}: ${merged.slice(0, 9)}`);

// ---- node_modules: one `npm ci` per package-lock.json, hard-linked into the checkout
const lockPath = join(dir, 'package-lock.json');
if (existsSync(lockPath)) {
  const hash = createHash('sha256').update(readFileSync(lockPath)).digest('hex').slice(0, 16);
  const cacheRoot = process.env.PVCHECK_TRAIN_CACHE || join(homedir(), '.cache', 'pvcheck-train');
  const entry = join(cacheRoot, hash);
  if (!existsSync(join(entry, 'node_modules'))) {
    mkdirSync(cacheRoot, { recursive: true });
    const making = mkdtempSync(join(cacheRoot, `.making-${hash}-`));
    for (const f of ['package.json', 'package-lock.json']) if (existsSync(join(dir, f))) cpSync(join(dir, f), join(making, f));
    say(`node_modules for package-lock ${hash}: npm ci (once; kept in ${entry})`);
    const install = process.env.PVCHECK_TRAIN_INSTALL;
    const r = install ? await sh(install, making) : await run('npm', ['ci', '--no-audit', '--no-fund'], making);
    if (r.status !== 0 || !existsSync(join(making, 'node_modules'))) {
      rmSync(making, { recursive: true, force: true });
      process.stderr.write(r.out.split('\n').slice(-15).join('\n') + '\n');
      fail(`npm ci failed for package-lock ${hash}`);
    }
    try {
      renameSync(making, entry); // at once: a train beside this one sees it whole or not at all
    } catch {
      rmSync(making, { recursive: true, force: true }); // another train made it first
    }
  } else say(`node_modules for package-lock ${hash}: cached (${entry})`);
  // a real directory (hard links: no copy of 258 MB), without another tree's caches
  const from = join(entry, 'node_modules');
  const to = join(dir, 'node_modules');
  const ln = spawnSync('cp', ['-al', from, to], { encoding: 'utf8' });
  if (ln.status !== 0) {
    rmSync(to, { recursive: true, force: true });
    cpSync(from, to, { recursive: true, verbatimSymlinks: true });
  }
  rmSync(join(to, '.cache'), { recursive: true, force: true });
  const now = new Date();
  utimesSync(entry, now, now); // its last use
  const pruned = pruneInstalls(cacheRoot, entry);
  if (pruned.length) say(`removed ${pruned.length} cached node_modules not used for a day: ${pruned.join(' ')}`);
}

// ---- typecheck, then the tests the merged change can break
const tscCmd = process.env.PVCHECK_TRAIN_TSC;
const tsc = tscCmd ? await sh(tscCmd, dir) : await run(process.execPath, [join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', '.'], dir);
if (tsc.status !== 0) {
  process.stderr.write(tsc.out.split('\n').slice(0, 20).join('\n') + '\n');
  fail(`tsc failed on the merge of ${branches.join(' + ')} (${secs()})`);
}
say(`tsc passed (${secs()})`);
const testsCmd = process.env.PVCHECK_TRAIN_TESTS;
const env = { PVCHECK_SLOW_TESTS: '1', TRAIN_BASE: base };
const tests = testsCmd ? await sh(testsCmd, dir, env) : await run(process.execPath, ['bin/run-tests.mjs', '--changed', base, 'suiteHygiene'], dir, env);
const picked = /^run-tests --changed: .*$/m.exec(tests.out);
if (picked) say(picked[0]);
const totals = [...tests.out.matchAll(/^\d+ passed, \d+ failed.*$/gm)].pop();
if (tests.status !== 0) {
  const failed = [...new Set([...tests.out.matchAll(/^✘ (test\/\S+?\.test\.ts|\S+?\.test\.ts)\b/gm)].map((m) => m[1]))];
  say(`tests failed (${totals ? totals[0] : `exit ${tests.status}`}, ${secs()}): ${failed.length ? failed.join(', ') : 'no failed file named'}`);
  for (const line of blame(failed)) say(line);
  process.exit(1);
}
say(`tests passed (${totals ? totals[0] : 'no totals'}, ${secs()})`);
if (!ffPath) {
  say(`merged ${merged} (fast-forward ${into} to it: git merge --ff-only ${merged.slice(0, 9)})`);
  process.exit(0);
}
const ff = git(ffPath, ['merge', '-q', '--ff-only', merged]);
if (ff.status !== 0) fail(`${ffPath}: the fast-forward to ${merged.slice(0, 9)} was refused (${into} moved since the train left? run it again): ${ff.stderr.trim().split('\n').pop()}`);
say(`${ffPath} is now ${git(ffPath, ['rev-parse', '--short', 'HEAD']).stdout.trim()} (${branches.join(' ')})`);
process.exit(0);

/**
 * Removes the cached installs (one per package-lock hash, ~258 MB each) beyond the two last used,
 * when not used within a day (a train beside this one may be copying one), and installs left half
 * made for a day (a train killed during npm ci); never `keep`. Returns the names removed.
 */
function pruneInstalls(root, keep) {
  const DAY = 24 * 3600_000;
  const entries = [];
  for (const name of readdirSync(root)) {
    try {
      entries.push({ name, t: statSync(join(root, name)).mtimeMs });
    } catch { /* removed meanwhile */ }
  }
  const installs = entries.filter((e) => /^[0-9a-f]{16}$/.test(e.name)).sort((a, b) => b.t - a.t);
  const old = (e) => Date.now() - e.t > DAY && join(root, e.name) !== keep;
  const gone = [...installs.slice(2).filter(old), ...entries.filter((e) => e.name.startsWith('.making-') && old(e))];
  for (const e of gone) rmSync(join(root, e.name), { recursive: true, force: true });
  return gone.map((e) => e.name);
}

/**
 * For each failing test file, the branches whose own changes (since their merge base with REF)
 * select it (bin/changed-tests.mjs, in the merged checkout); lines to print.
 */
function blame(failed) {
  if (failed.length === 0) return [];
  const testFiles = git(dir, ['ls-files', '*.test.ts']).stdout.split('\n').filter(Boolean);
  const by = new Map(failed.map((f) => [f, []]));
  for (const b of branches) {
    const mb = git(dir, ['merge-base', base, b]).stdout.trim();
    const changed = git(dir, ['diff', '--name-only', mb, b]).stdout.split('\n').filter(Boolean);
    let sel;
    try {
      sel = selectTests(dir, changed, testFiles);
    } catch (e) {
      return [`(cannot tell which branch: ${e.message.split('\n')[0]})`];
    }
    for (const s of sel) by.get(s.file)?.push(`${b} (${s.why})`);
  }
  return [...by].map(([f, bs]) =>
    bs.length
      ? `${f} is selected by ${bs.join('; ')}: drop ${bs.length > 1 ? 'one of them' : 'it'} and run the train again`
      : `${f} is selected by no branch's own changes (suiteHygiene always runs; or the merge, or ${into} itself, fails it)`);
}
