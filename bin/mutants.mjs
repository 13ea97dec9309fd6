#!/usr/bin/env node
// npm run mutants: applies each mutant of test/mutants/*.json (test/mutants/list.mjs), alone, to a
// temporary copy of the tree (node_modules linked, not copied; one directory per
// runner slot, copied once and put back after each mutant: see slotTree), runs the test
// files it names with `node bin/run-tests.mjs` (per-file limit: the mutant's
// `timeout`, default 300 s), and prints one line per mutant:
//
//   killed    search-max-states-gt             by test/checkerBounds.test.ts (27 s)
//   survived  hash-length-not-mixed            test/fingerprint.test.ts passed (5 s)
//   stale     ...                              checker/x.ts: the text to replace occurs 0 times
//
// then `mutants: K killed, S survived` (and the stale count, if any). Exit 1
// when a mutant survived or is stale. Before the mutants, the named files run
// once on an unmutated copy: if one fails there, a kill would mean nothing, so
// the run stops (exit 2). Options: ids to run only those (--only before them says
// the same); --no-baseline;
// --list prints the mutants; --which (below); --help. Any other option is refused (exit 2).
//
// --which (session 31): every file a mutant names runs, not only up to its first killer, and a line
// under the verdict says, file by file in list order, which test of it killed the mutant (its number,
// and its name when the file declares its tests one by one, as many as the baseline ran) after how many
// seconds, or that it passed; then, when a file listed later kills sooner than the first that kills, the
// reorder to make (`reorder: ... first`), and at the end every such reorder with the seconds it saves.
// The verdict line is the one a run without --which prints (its seconds: the files up to the first
// killer, as listed). For finding a mutant's fastest killer: a killing test late in its file is moved
// up in the file, a faster file is named first.
// PVCHECK_SEED is fixed (20261202) unless set, so a verdict is reproducible.
//
// Mutants run PVCHECK_MUTANT_JOBS at a time (default: the machine's available
// parallelism, at most 2), each on its own copy, its files one after another
// (one test process per mutant); a file stops at its first failed test
// (PVCHECK_TEST_BAIL=1, bin/run-tests.mjs) and a mutant's remaining files are
// skipped once one has killed it, so a mutant's files should be listed
// fastest-killing first. Lines are printed in list order (file names, then each file's order), whatever finished first.
//
// Nothing a mutant's tests start outlives the mutant: each test run (bin/run-tests.mjs) runs in a
// process group of its own, killed as a whole when it ends, and after each mutant every process
// still working in the slot's copy (bin/proc.mjs killWorkingIn, from /proc/PID/cwd: orphans that
// left their group included) is killed and named on a line under the verdict. Session 27: a mutant
// of run-tests left `node -e setInterval` processes running 95 minutes in a removed copy.
//
// The copies are the runner's own directories, pvcheck-mutant-SLOT-PID.START-XXXXXX in the
// temporary folder (PID and START: the runner's process id and, on Linux, its start time, so
// that a process id used again is not taken for the runner). They are removed when the runner
// ends, also on Ctrl-C, SIGTERM, SIGHUP (its test runs are stopped first, exit 128+signal) or a
// crash of its own code; a runner killed outright (SIGKILL, a power cut) cannot, so each run
// first removes the directories of runners whose process is gone (killing the test runs still
// working in them) (never one of a live runner:
// CI and a developer may run mutants at once). Directories of runners from before 2026-12-06's
// session 25 (pvcheck-mutant-XXXXXX, pvcheck-mutant-SLOT-XXXXXX) name no process: removed when
// no process works in them (Linux: /proc/PID/cwd) and none was changed for an hour.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killWorkingIn, someoneWorksIn, startTime, stillRuns, waitGroupGone } from './proc.mjs';
import { testNames } from './testNames.mjs';
import { loadMutants } from '../test/mutants/list.mjs';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const args = process.argv.slice(2);
const usage = 'usage: npm run mutants -- [--no-baseline] [--list] [--which] [[--only] MUTANT-ID ...]  (no id: every mutant of test/mutants/*.json; --which: every named file runs, and says which test killed the mutant and when)';
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(usage + '\n');
  process.exit(0);
}
// --only before the ids says what ids alone say (the briefs' spelling)
const badFlag = args.find((a) => a.startsWith('-') && a !== '--no-baseline' && a !== '--list' && a !== '--only' && a !== '--which');
if (badFlag) {
  process.stderr.write(`mutants: unknown option ${badFlag}\n${usage}\n`);
  process.exit(2);
}
const baseline = !args.includes('--no-baseline');
const which = args.includes('--which');
const only = args.filter((a) => !a.startsWith('--'));
if (args.includes('--only') && only.length === 0) {
  process.stderr.write(`mutants: --only names no mutant\n${usage}\n`);
  process.exit(2);
}
let list;
try {
  list = loadMutants(join(root, 'test/mutants'));
} catch (e) {
  process.stderr.write(`mutants: ${e.message}\n`);
  process.exit(2);
}
const unknown = only.filter((id) => !list.some((m) => m.id === id));
if (unknown.length) {
  process.stderr.write(`mutants: no mutant ${unknown.join(', ')} (known: ${list.map((m) => m.id).join(', ')})\n`);
  process.exit(2);
}
if (args.includes('--list')) {
  // exit once the text is written: a pipe that is full (the list is over 64 KB) takes the rest
  // asynchronously, and process.exit at once dropped it (test/suiteHygiene's --list case, session 28)
  process.stdout.write(list.map((m) => `${m.id}  ${m.why}\n`).join(''), () => process.exit(0));
  await new Promise(() => {});
}
const mutants = only.length ? list.filter((m) => only.includes(m.id)) : list;
const seed = process.env.PVCHECK_SEED || '20261202';
const rawJobs = process.env.PVCHECK_MUTANT_JOBS;
if (rawJobs !== undefined && rawJobs !== '' && !/^[1-9]\d*$/.test(rawJobs)) {
  process.stderr.write(`mutants: PVCHECK_MUTANT_JOBS=${rawJobs} is refused: expected a whole number of mutants at a time, 1 or more\n`);
  process.exit(2);
}
const jobs = rawJobs ? +rawJobs : Math.min(2, availableParallelism());
const width = Math.max(...mutants.map((m) => m.id.length));

/**
 * A fresh copy of the tree (without .git, node_modules and dot files) in `dir` (made anew: emptied
 * first), node_modules linked. One directory per runner slot, copied afresh for each mutant at
 * the same path: bin/ts-hooks.mjs caches each transpiled file by its path and text
 * (node_modules/.cache/pvcheck-ts, shared through the link), so the mutant after the first in a
 * slot transpiles only the file it changed, not every source its tests load with TypeScript
 * loaded first (a new path per mutant did: a 1-s test file took 3.7 s of CPU cold, 0.7 s warm,
 * and the cache grew by every loaded file for every mutant; docs/perf/2026-12-06f-pool.md).
 */
function freshTree(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  cpSync(root, dir, {
    recursive: true,
    filter: (src) => {
      const rel = relative(root, src);
      return rel === '' || !rel.split(/[\\/]/).some((p) => p === 'node_modules' || p.startsWith('.'));
    },
  });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  // the test files' temporary folder (TMPDIR): a file killed at its first failed test cannot remove its
  // scratch folders (test/support/tmp.ts removes them at exit); here they go with the copy
  mkdirSync(join(dir, '.tmp'));
  return dir;
}
const me = `${process.pid}.${startTime(process.pid)}`;
const OWNED = /^pvcheck-mutant-\d+-(\d+)\.(\d+)-[A-Za-z0-9]{6}$/;
const LEGACY = /^pvcheck-mutant-(?:\d+-)?[A-Za-z0-9]{6}$/;
/**
 * Removes the directories that runners gone before their end left in the temporary folder (a
 * runner killed outright cannot remove its own); returns their names. A live runner's are kept.
 */
function sweep() {
  const removed = [];
  let names;
  try {
    names = readdirSync(tmpdir()).filter((n) => n.startsWith('pvcheck-mutant-')).sort();
  } catch {
    return removed;
  }
  for (const name of names) {
    const dir = join(tmpdir(), name);
    const owned = OWNED.exec(name);
    let gone;
    if (owned) gone = !stillRuns(+owned[1], owned[2]);
    else if (LEGACY.test(name)) {
      try {
        gone = Date.now() - statSync(dir).mtimeMs > 3600_000 && !someoneWorksIn(dir);
      } catch {
        gone = false;
      }
    }
    if (!gone) continue;
    // a runner killed outright leaves its test runs going in its copy (each in a group of its own): they go with it
    if (owned) stray.push(...killWorkingIn(dir));
    try {
      rmSync(dir, { recursive: true, force: true });
      removed.push(name);
    } catch (e) {
      process.stderr.write(`mutants: cannot remove ${dir}, left by a runner that is gone: ${e.message}\n`);
    }
  }
  return removed;
}

/** The directories of the runner slots: made once, each reused (copied afresh) by its slot's mutants. */
const slots = [];
const slotDir = (i) => (slots[i] ??= mkdtempSync(join(tmpdir(), `pvcheck-mutant-${i}-${me}-`)));
/** The test runs going on (bin/run-tests.mjs processes), stopped before the slots are removed on a signal. */
const children = new Set();
const removeSlots = () => { for (const d of slots) if (d) rmSync(d, { recursive: true, force: true }); };
/** Kills test run `c`'s process group (run-tests and whatever it started there that is left). */
const killRun = (c) => {
  try {
    process.kill(-c.pid, 'SIGKILL');
  } catch { /* the group is gone */ }
  // and gone before the next mutant's run starts (a SIGKILLed process dies when the kernel schedules it:
  // under load the next run saw it still running, test/suiteHygieneMutantLeaks in a train, session 29)
  waitGroupGone(c.pid);
};
process.on('exit', () => {
  // a crash of this code, or process.exit: the test runs still going stop (run-tests kills its files on SIGTERM)
  for (const c of children) c.kill('SIGTERM');
  removeSlots();
});
let stopping = false;
for (const [sig, no] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]]) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\nmutants: ${sig}: stopping the test runs, removing the copies\n`);
    for (const c of children) c.kill('SIGTERM');
    // the copies go once their test runs have stopped (at most 10 s; a test run's files are killed at once)
    const wait = [...children].map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('close', r))));
    Promise.race([Promise.all(wait), new Promise((r) => setTimeout(r, 10_000))]).then(() => process.exit(128 + no));
  });
}

/** Runs bin/run-tests.mjs in `dir` (asynchronously: a signal is handled while it runs); resolves to its output, exit status and signal. */
function runTestsIn(dir, args, env, backstopMs) {
  return new Promise((resolve) => {
    // in a process group of its own, killed as a whole when the run ends (what it left there goes with it)
    const child = spawn(process.execPath, ['bin/run-tests.mjs', ...args], { cwd: dir, env: { ...process.env, PVCHECK_SEED: seed, TMPDIR: join(dir, '.tmp'), ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.add(child);
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    // run-tests enforces the per-file limit itself; this is the backstop for the runner
    const timer = setTimeout(() => child.kill('SIGKILL'), backstopMs);
    child.on('error', (e) => { out += `(runner: ${e.code ?? e.message})\n`; });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      killRun(child);
      children.delete(child);
      // stopped by a signal of ours: no verdict (the handler exits once every run has stopped)
      if (!stopping) resolve({ out, status, signal });
    });
  });
}
const failedFiles = (out) => [...out.matchAll(/^✘ (\S+?)(?::| \([\d.]+s\): (TIMEOUT|no uvu totals))/gm)].map((m) => (m[2] ? `${m[1]} (${m[2] === 'TIMEOUT' ? 'timeout' : 'crashed: no uvu totals'})` : m[1]));

/** Runs test files in `dir`; returns the files that failed and the seconds taken. */
async function runTests(dir, files, timeout) {
  const t0 = Date.now();
  const r = await runTestsIn(dir, files, { PVCHECK_TEST_TIMEOUT: String(timeout) }, (timeout * files.length + 120) * 1000);
  const failed = failedFiles(r.out);
  if (r.status !== 0 && failed.length === 0) failed.push(r.signal ? `(runner killed by ${r.signal})` : `(runner exit ${r.status})`);
  return { failed, seconds: Math.round((Date.now() - t0) / 1000), out: r.out };
}

/**
 * Runs one test file in `dir` in its own process (asynchronously); resolves to its failure text
 * (undefined: it passed), its seconds, and the number of the test that failed (from 1; uvu's marks
 * before the kill), when one did.
 */
async function runFile(dir, file, timeout) {
  const t0 = Date.now();
  // a file stops at its first failed test: that test has killed the mutant
  const r = await runTestsIn(dir, [file], { PVCHECK_TEST_TIMEOUT: String(timeout), PVCHECK_TEST_JOBS: '1', PVCHECK_TEST_BAIL: '1' }, (timeout + 120) * 1000);
  const seconds = (Date.now() - t0) / 1000;
  // this file's line only: a failed file's own output follows it, and may quote a runner's (a test of run-tests)
  const failed = failedFiles(r.out).filter((f) => f.split(' ')[0] === file);
  if (r.status !== 0 && failed.length === 0) failed.push(r.signal ? `(runner killed by ${r.signal})` : `(runner exit ${r.status})`);
  if (!failed.length) return { failed: undefined, seconds };
  // run-tests prints the bailed file's own output after its line: uvu's marks, `• ` a test passed, `✘ ` failed
  const bailed = /^✘ \S+: a test failed; killed there[^\n]*\n([\s\S]*)$/m.exec(r.out);
  let test;
  if (bailed) {
    const marks = [...bailed[1].matchAll(/\u2022 |\u2718 /g)].map((m) => m[0]);
    const k = marks.indexOf('\u2718 ');
    if (k >= 0) test = k + 1;
  }
  return { failed: failed.join(', '), seconds, test };
}

/** Per file the baseline ran: how many tests passed and its seconds (`✔ FILE: P/N (Ss)`). */
const baselineOf = new Map();

/**
 * The tree's TypeScript hooks (bin/ts-hooks.mjs), loaded by the first mutant that edits a .ts file;
 * null where the tree has none (the scratch trees of the runner's own tests load .ts files as plain
 * modules).
 */
let hooks;
/**
 * Transpiles the .ts files mutant `m` edited in `dir` into the hooks' cache, here, where TypeScript
 * stays loaded from one mutant to the next (session 33, blkif's measure: a test process whose
 * mutant edited model/blkif.ts took 1.4-1.6 s of CPU to start, 0.45 s unedited: TypeScript's load
 * and a cold transpile). The mutant's test processes then find the file in the cache. A file that
 * does not transpile is left to them (their load reports it, as before).
 */
async function prefill(dir, m) {
  const files = [...new Set(m.edits.map((e) => e.file))].filter((f) => f.endsWith('.ts'));
  if (files.length === 0) return;
  if (hooks === undefined) {
    try {
      hooks = await import(new URL('./ts-hooks.mjs', import.meta.url).href);
    } catch {
      hooks = null;
    }
  }
  if (!hooks) return;
  for (const f of files) {
    try {
      hooks.transpileFile(join(dir, f), 'mutants');
    } catch {
      /* the test run reports it */
    }
  }
}

/** Applies a mutant's edits in `dir`; returns an error line when an edit does not apply exactly. */
function applyMutant(dir, m) {
  for (const e of m.edits) {
    const p = join(dir, e.file);
    const text = readFileSync(p, 'utf8');
    const n = text.split(e.find).length - 1;
    if (n === 0 || (n > 1 && !e.all)) return `${e.file}: the text to replace occurs ${n} times (expected ${e.all ? 'at least once' : 'once'})`;
    writeFileSync(p, text.split(e.find).join(e.replace));
  }
  return undefined;
}

/** What a run left working in a copy, killed (killWorkingIn), as a line's end. */
const leftLine = (left) => `left ${left.length} process${left.length === 1 ? '' : 'es'} running in its copy, killed: ${left.join('; ')}`;

/** What the sweep killed: processes still working in the copies of runners that are gone. */
const stray = [];
const swept = sweep();
if (swept.length) console.log(`removed ${swept.length} ${swept.length === 1 ? 'copy' : 'copies'} left by runners that are gone: ${swept.join(' ')}`);
if (stray.length) console.log(`killed ${stray.length} process${stray.length === 1 ? '' : 'es'} still working in them: ${stray.join('; ')}`);

if (baseline) {
  const files = [...new Set(mutants.flatMap((m) => m.tests))].sort();
  // slot 0's directory: the baseline's transpiled files are its first mutant's too
  const dir = freshTree(slotDir(0));
  try {
    const b = await runTests(dir, files, 600);
    if (b.failed.length) {
      process.stdout.write(b.out);
      process.stderr.write(`mutants: ${b.failed.join(', ')} already fail without a mutant: fix that first\n`);
      process.exit(2);
    }
    console.log(`baseline: ${files.length} test files pass unmutated (${b.seconds} s)`);
    for (const m of b.out.matchAll(/^✔ (\S+): (\d+)\/(\d+)(?:, \d+ skipped)? \(([\d.]+)s\)/gm)) baselineOf.set(m[1], { tests: +m[3], seconds: +m[4] });
  } finally {
    const left = killWorkingIn(dir);
    if (left.length) console.log(`baseline: ${leftLine(left)}`);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every file under `dir` (not node_modules, not dot files) with its modification time. */
function filesOf(dir) {
  const out = new Map();
  (function walk(d) {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), statSync(p).mtimeMs);
    }
  })(dir);
  return out;
}
/** Per slot: the files of its copy as they were when it was whole (path -> modification time). */
const whole = [];
/**
 * The slot's copy of the tree, whole: copied once (freshTree), and used again by the slot's next
 * mutant when its files are those of the whole copy, each unmodified since (the mutant's edits put
 * back by putBack), none added or removed; else copied afresh. A copy per mutant cost 0.3 s of CPU
 * (1-3 s wall at load 12) for 657 files, and one more to remove it: docs/perf/2026-12-07-pool.md.
 */
function slotTree(slot) {
  const dir = slotDir(slot);
  const was = whole[slot];
  if (was) {
    const now = filesOf(dir);
    if (now.size === was.size && [...now].every(([f, t]) => was.get(f) === t)) {
      rmSync(join(dir, '.tmp'), { recursive: true, force: true });
      mkdirSync(join(dir, '.tmp'));
      return dir;
    }
  }
  freshTree(dir);
  whole[slot] = filesOf(dir);
  return dir;
}
/** Puts the files a mutant edited back as they are in the tree (and notes their new times as the whole copy's). */
function putBack(slot, m) {
  const dir = slotDir(slot);
  for (const f of new Set(m.edits.map((e) => e.file))) {
    try {
      cpSync(join(root, f), join(dir, f));
      whole[slot]?.set(f, statSync(join(dir, f)).mtimeMs);
    } catch {
      whole[slot] = undefined; // copied afresh for the next
    }
  }
}

let killed = 0, survived = 0, stale = 0;
/** One mutant on its slot's copy: its line of output, and its verdict. */
async function runMutant(m, slot) {
  const dir = slotTree(slot);
  let r, left;
  try {
    r = await verdictOf(m, dir);
  } finally {
    // what the mutant's tests left running in the copy, whatever its process group: orphans that left a
    // test file's group, the leaks of a mutant of run-tests itself (session 27: `node -e setInterval`
    // processes ran 95 minutes in a removed copy)
    left = killWorkingIn(dir);
    putBack(slot, m);
  }
  return left.length ? { ...r, line: `${r.line}\n${' '.repeat(10)}${m.id}: ${leftLine(left)}` } : r;
}
/** A mutant's verdict on its slot's copy `dir`: stale, killed (by the first file that fails) or survived. */
async function verdictOf(m, dir) {
  const err = applyMutant(dir, m);
  if (err) return { verdict: 'stale', line: `${'stale'.padEnd(9)} ${m.id.padEnd(width)}  ${err}` };
  await prefill(dir, m);
  if (which) return whichOf(m, dir);
  const t0 = Date.now();
  for (const f of m.tests) {
    const { failed } = await runFile(dir, f, m.timeout ?? 300);
    if (failed) {
      const s = Math.round((Date.now() - t0) / 1000);
      return { verdict: 'killed', line: `${'killed'.padEnd(9)} ${m.id.padEnd(width)}  by ${failed} (${s} s)` };
    }
  }
  const s = Math.round((Date.now() - t0) / 1000);
  return { verdict: 'survived', line: `${'survived'.padEnd(9)} ${m.id.padEnd(width)}  ${m.tests.join(', ')} passed (${s} s)` };
}

/** The reorders --which found: a file listed later that kills sooner than the first killer as listed. */
const reorders = [];
/**
 * --which: every file of the mutant runs (each in its own test run, bailing at its first failed test);
 * the verdict a run without --which gives, and a line per file under it.
 */
async function whichOf(m, dir) {
  const runs = [];
  for (const f of m.tests) runs.push({ file: f, ...(await runFile(dir, f, m.timeout ?? 300)) });
  const pad = ' '.repeat(10);
  const lines = runs.map((r) => {
    const base = baselineOf.get(r.file);
    const unmutated = base ? `; ${base.tests} tests, ${base.seconds} s unmutated` : '';
    if (!r.failed) return `${pad}which: ${r.file} passed (${r.seconds.toFixed(1)} s${unmutated})`;
    const name = r.test !== undefined && base ? testNames(join(dir, r.file), base.tests)?.[r.test - 1] : undefined;
    const at = r.test === undefined ? r.failed.slice(r.file.length).trim() || '(no failed test seen: it crashed)' : `at its test ${r.test}${name ? ` "${name}"` : ''}`;
    return `${pad}which: ${r.file} killed it ${at} after ${r.seconds.toFixed(1)} s${unmutated}`;
  });
  const first = runs.findIndex((r) => r.failed);
  if (first < 0) {
    const s = Math.round(runs.reduce((a, r) => a + r.seconds, 0));
    return { verdict: 'survived', line: [`${'survived'.padEnd(9)} ${m.id.padEnd(width)}  ${m.tests.join(', ')} passed (${s} s)`, ...lines].join('\n') };
  }
  // as a run without --which: the files up to the first killer
  const paid = runs.slice(0, first + 1).reduce((a, r) => a + r.seconds, 0);
  const fastest = runs.filter((r) => r.failed).reduce((a, r) => (r.seconds < a.seconds ? r : a));
  if (fastest.seconds < paid - 1) {
    reorders.push({ id: m.id, file: fastest.file, from: paid, to: fastest.seconds });
    lines.push(`${pad}reorder: ${fastest.file} first (it kills after ${fastest.seconds.toFixed(1)} s; as listed the kill takes ${paid.toFixed(1)} s)`);
  }
  return { verdict: 'killed', line: [`${'killed'.padEnd(9)} ${m.id.padEnd(width)}  by ${runs[first].failed} (${Math.round(paid)} s)`, ...lines].join('\n') };
}
// a pool of `jobs` runners; results printed in list order as soon as every earlier one is in
const results = new Array(mutants.length);
let next = 0, printed = 0;
async function runner(slot) {
  while (next < mutants.length) {
    const i = next++;
    results[i] = await runMutant(mutants[i], slot);
    while (printed < mutants.length && results[printed]) {
      const r = results[printed++];
      if (r.verdict === 'killed') killed++;
      else if (r.verdict === 'survived') survived++;
      else stale++;
      console.log(r.line);
    }
  }
}
await Promise.all(Array.from({ length: Math.min(jobs, mutants.length) }, (_, slot) => runner(slot)));
if (which) {
  const saved = reorders.reduce((a, r) => a + r.from - r.to, 0);
  console.log(reorders.length
    ? `which: ${reorders.length} mutant${reorders.length === 1 ? '' : 's'} killed sooner with another file first (${saved.toFixed(0)} s less in all): ${reorders.map((r) => `${r.id} (${r.file}: ${r.from.toFixed(0)} -> ${r.to.toFixed(0)} s)`).join('; ')}`
    : 'which: no mutant is killed sooner with another of its files first');
}
console.log(`mutants: ${killed} killed, ${survived} survived${stale ? `, ${stale} stale` : ''}`);
process.exit(survived || stale ? 1 : 0);
