#!/usr/bin/env node
// Runs every uvu test file (`*.test.ts` under test/ and next to the code) with
// the TypeScript hooks, each file in its own process so that one file's
// uncaught crash cannot hide another's results, then prints one closing line
// `N passed, M failed` from uvu's own totals. Exit status 1 on any failure.
//
// No file can hang the suite: each runs in its own process group with a
// time limit (PVCHECK_TEST_TIMEOUT seconds, default 600); a file past it is
// killed with everything it started and fails with its name. Processes a file
// leaves behind after it ends are killed too. A file that runs long work on
// purpose (the whole catalogue of examples) declares its own limit in its
// first 2,000 characters, a comment line `run-tests: limit 1800s`, which replaces the
// default for it alone (not an explicit PVCHECK_TEST_TIMEOUT).
//
// One fast-check seed per run (PVCHECK_SEED, else a random one) is passed to
// every file and printed, so a failure replays with
// `PVCHECK_SEED=S node bin/run-tests.mjs FILE` (test/support/fc.ts).
//
// Files run PVCHECK_TEST_JOBS at a time (default: the machine's available
// parallelism, at most 2, since several files start worker threads of their
// own); each file's report is printed whole, in file order, so a run's output
// does not depend on which file finished first. PVCHECK_TEST_JOBS=1 runs them
// one after another.
//
// Longest first: test/timings.json holds each file's seconds at the last
// measured CI run; files start in decreasing order of it (a file it does not
// list first of all, as if it were the longest), so that no long file starts
// last and runs alone at the end. The report is still printed in file order,
// and the run ends with its 10 slowest files. `--save-times` (a whole run, or
// any filter) writes this run's seconds of the files it ran into
// test/timings.json, keeping the others' (only when every file passed).
//
// PVCHECK_TEST_BAIL=1 (npm run mutants sets it): a file is killed as soon as one
// of its tests fails (uvu's mark of a failed test, `✘ `, on its output) and
// counts as failed; the rest of its tests do not run, and uvu's report of the
// failure (printed at the end of a file) is lost: for a verdict, not a diagnosis.
//
// `--changed [BASE]` runs the test files a change can break, printing each one and why
// (bin/changed-tests.mjs: the files changed since BASE, default the merge base of HEAD and main,
// committed or not; tests changed, importing or naming a changed file transitively, listing the
// directory of a changed file, running a changed built-in by name, the every-model set for a file of
// model/, properties/, examples/, cli/ that was there at BASE); filters given beside it add the files
// they match.
//
// Per example: a file that only the change's files of examples/ select runs with PVCHECK_EXAMPLES, the
// changed examples (and those depending on them), comma-separated: a test that runs every example one by
// one (test/support/examplesChosen.ts: test/shapesExamplesA/B) runs only those. A full run passes none.
//
// Usage: node bin/run-tests.mjs [--save-times] [--changed [BASE]] [filter-substring...]
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { availableParallelism } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { groupRunning } from './proc.mjs';
import { testNames } from './testNames.mjs';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const argv = process.argv.slice(2);
const USAGE = 'usage: node bin/run-tests.mjs [--save-times] [--changed [BASE]] [filter-substring...]';
const badFlag = argv.find((a) => a.startsWith('-') && a !== '--save-times' && a !== '--changed');
if (badFlag) {
  process.stderr.write(`run-tests: unknown option ${badFlag} (${USAGE})\n`);
  process.exit(2);
}
const saveTimes = argv.includes('--save-times');
const changedAt = argv.indexOf('--changed');
/** --changed's BASE: the argument after it when git knows it as a commit (else it is a filter). */
let changedBase;
if (changedAt >= 0) {
  const next = argv[changedAt + 1];
  if (next !== undefined && !next.startsWith('-')) {
    const { execFileSync } = await import('node:child_process');
    try {
      execFileSync('git', ['rev-parse', '--verify', '--quiet', `${next}^{commit}`], { cwd: root, stdio: 'ignore' });
      changedBase = next;
    } catch { /* a filter */ }
  }
}
const filters = argv.filter((a, i) => a !== '--save-times' && i !== changedAt && !(changedBase !== undefined && i === changedAt + 1));
const TIMINGS = join(root, 'test', 'timings.json');

function secondsFromEnv(name, def) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !(n > 0)) {
    process.stderr.write(`run-tests: ${name}=${raw} is refused: expected a positive number of seconds\n`);
    process.exit(2);
  }
  return n;
}
const timeoutSec = secondsFromEnv('PVCHECK_TEST_TIMEOUT', 600);
const rawJobs = process.env.PVCHECK_TEST_JOBS;
if (rawJobs !== undefined && rawJobs !== '' && !/^[1-9]\d*$/.test(rawJobs)) {
  process.stderr.write(`run-tests: PVCHECK_TEST_JOBS=${rawJobs} is refused: expected a whole number of files at a time, 1 or more\n`);
  process.exit(2);
}
const jobs = rawJobs ? +rawJobs : Math.min(2, availableParallelism());
const bail = process.env.PVCHECK_TEST_BAIL === '1';
const rawSeed = process.env.PVCHECK_SEED;
const seed = rawSeed !== undefined && rawSeed !== '' ? rawSeed : String((Math.random() * 0x7fffffff) | 0);

const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts')) files.push(relative(root, p));
  }
})(root);
files.sort();
let selected = filters.length ? files.filter((f) => filters.some((x) => f.includes(x))) : files;
/**
 * --changed: the files only the change's examples select, each with those examples (changed-tests.mjs
 * examplesOnly), passed to it as PVCHECK_EXAMPLES; any other file runs with PVCHECK_EXAMPLES as this run has it.
 */
let exampleLists = new Map();
if (changedAt >= 0) {
  const { addedFiles, changedFiles, examplesOnly, resolveBase, selectTests } = await import('./changed-tests.mjs');
  let base, changed, picked;
  try {
    base = resolveBase(root, changedBase);
    changed = changedFiles(root, base.sha);
    const added = addedFiles(root, base.sha);
    picked = selectTests(root, changed, files, undefined, undefined, added);
    exampleLists = examplesOnly(root, changed, files, undefined, undefined, added);
  } catch (e) {
    process.stderr.write(`run-tests: ${e.message.split('\n')[0]}\n`);
    process.exit(2);
  }
  const why = new Map(picked.map((p) => [p.file, p.why]));
  for (const f of filters.length ? selected : []) if (!why.has(f)) why.set(f, 'named on the command line');
  selected = files.filter((f) => why.has(f));
  process.stdout.write(`run-tests --changed: ${changed.length} file${changed.length === 1 ? '' : 's'} changed since ${base.name} (${base.sha.slice(0, 9)}); ${selected.length} of ${files.length} test files to run:\n`);
  // a file a filter beside --changed names runs every example
  for (const f of selected) if (filters.some((x) => f.includes(x))) exampleLists.delete(f);
  for (const f of selected) process.stdout.write(`  ${f}: ${why.get(f)}${exampleLists.has(f) ? ' [examples]' : ''}\n`);
  const marked = selected.filter((f) => exampleLists.has(f));
  if (marked.length) process.stdout.write(`run-tests --changed: the ${marked.length} [examples] file${marked.length === 1 ? '' : 's'} only examples/ select${marked.length === 1 ? 's' : ''} run${marked.length === 1 ? 's' : ''} with PVCHECK_EXAMPLES=${exampleLists.get(marked[0]).join(',')} (a test running every example one by one runs only these)\n`);
  if (selected.length === 0) {
    process.stdout.write('run-tests --changed: no test file depends on the change\n');
    process.exit(0);
  }
}

/** The seconds each file took at the last measured run (test/timings.json), if the file is there and readable. */
function readTimings() {
  let text;
  try {
    text = readFileSync(TIMINGS, 'utf8');
  } catch {
    return {};
  }
  try {
    const t = JSON.parse(text).seconds;
    return t && typeof t === 'object' ? t : {};
  } catch (e) {
    process.stderr.write(`run-tests: test/timings.json is not JSON (${e.message}): files start in file order\n`);
    return {};
  }
}
const expected = readTimings();
/** Indices into `selected` in start order: unlisted files first, then the longest expected first (ties: file order). */
const startOrder = selected
  .map((f, i) => ({ i, t: typeof expected[f] === 'number' ? expected[f] : Infinity }))
  .sort((a, b) => b.t - a.t || a.i - b.i)
  .map((x) => x.i);

/** How long a file's process group may take to empty after the file exits before what is left counts as left behind. */
const LEAK_GRACE_MS = 1000;
/**
 * The processes of group `pid` that still run, each as `PID COMMAND` (empty: none). A zombie (ended,
 * not reaped yet) does not run: it holds nothing and takes no time, yet takes the group's signal, and
 * a file's child that ends as the file exits is handed to init, which may reap it late (this machine's
 * init took 1.5-1.7 s, past the grace: ci57's false 'left processes running',
 * docs/perf/2026-12-06h-pool.md). Linux: bin/proc.mjs groupRunning reads /proc, only when the group
 * still takes a signal; elsewhere: the group takes a signal.
 */
function leftRunning(pid) {
  try {
    process.kill(-pid, 0);
  } catch {
    return []; // ESRCH: the group is gone
  }
  return groupRunning(pid) ?? ['(a process of the group)'];
}

/** Kills the process group `pid` leads (the file and everything it started); true if one was there. */
function killGroup(pid) {
  try {
    process.kill(-pid, 'SIGKILL');
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

const running = new Set();
// Ctrl-C, and SIGTERM or SIGHUP (bin/mutants.mjs stops its test runs so on its own signal): each file's
// group is killed (a file is in a group of its own, which a signal to this process does not reach)
for (const [sig, no] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]]) {
  process.on(sig, () => {
    for (const pid of running) killGroup(pid);
    process.stdout.write(`\nrun-tests: ${sig === 'SIGINT' ? 'interrupted' : `stopped by ${sig}`}\n`);
    process.exit(128 + no);
  });
}

/** Runs one file; resolves with its output, exit status and whether it timed out or left processes behind. */
/** The file's own limit (`// run-tests: limit Ns`), else the run's. */
function limitOf(f) {
  if (process.env.PVCHECK_TEST_TIMEOUT) return timeoutSec;
  const m = /(?:\/\/|\*) run-tests: limit (\d+)s\b/.exec(readFileSync(join(root, f), 'utf8').slice(0, 2000));
  return m ? Number(m[1]) : timeoutSec;
}

function runFile(f) {
  const limit = limitOf(f);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', './bin/register.mjs', f], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0', PVCHECK_SEED: seed, ...(exampleLists.has(f) ? { PVCHECK_EXAMPLES: exampleLists.get(f).join(',') } : {}) },
      detached: true, // its own process group, killed as a whole
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child.pid);
    const chunks = [];
    child.stdout.on('data', (d) => chunks.push(d));
    child.stderr.on('data', (d) => chunks.push(d));
    // when each test ended: uvu writes its mark (`• ` passed, `✘ ` failed) as each test ends
    const started = Date.now();
    const ends = [];
    const marks = new StringDecoder('utf8');
    let reported = false; // uvu's report (a failure's text, which may quote marks, then the totals) ends the marks
    child.stdout.on('data', (d) => {
      if (reported) return;
      const now = Date.now();
      let text = marks.write(d);
      const report = /  FAIL |  Total: /.exec(text);
      if (report) {
        reported = true;
        text = text.slice(0, report.index);
      }
      for (const _m of text.matchAll(/\u2022 |\u2718 /g)) ends.push(now);
    });
    let bailed = false;
    if (bail) {
      // uvu writes FAIL (`✘ `) the moment a test fails; the text of the failure comes at the end of the file
      const dec = new StringDecoder('utf8');
      child.stdout.on('data', (d) => {
        if (!bailed && dec.write(d).includes('\u2718 ')) {
          bailed = true;
          killGroup(child.pid);
        }
      });
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, limit * 1000);
    /** What the file left running (PID COMMAND each), killed after the grace. */
    let leaked;
    // Whatever still runs in the group once the file has exited was left behind by it (and may hold the
    // output pipes open, so 'close' waits for this). A process of the group that has ended but is not
    // reaped yet is no leak (groupRuns); one that is ending has LEAK_GRACE_MS to end first.
    const checked = new Promise((done) => {
      child.on('exit', () => {
        clearTimeout(timer);
        if (timedOut || bailed) return done();
        const t0 = Date.now();
        const poll = () => {
          const left = leftRunning(child.pid);
          if (left.length === 0) return done();
          if (Date.now() - t0 < LEAK_GRACE_MS) return void setTimeout(poll, 20);
          killGroup(child.pid);
          leaked = left;
          done();
        };
        poll();
      });
    });
    child.on('close', async (status, signal) => {
      await checked;
      running.delete(child.pid);
      const tests = ends.map((t, i) => (t - (i === 0 ? started : ends[i - 1])) / 1000);
      resolve({ out: Buffer.concat(chunks).toString('utf8'), status, signal, timedOut, leaked, limit, bailed, tests });
    });
  });
}

let passed = 0, failed = 0, skipped = 0;
const crashed = [];
const t0 = Date.now();
process.stdout.write(`fast-check seed ${seed} (PVCHECK_SEED=${seed} replays this run), per-file limit ${timeoutSec}s, ${jobs} file${jobs > 1 ? 's' : ''} at a time${process.env.PVCHECK_EXAMPLES !== undefined ? `; PVCHECK_EXAMPLES=${process.env.PVCHECK_EXAMPLES} set: tests running every example one by one run only these` : ''}\n`);
/** Each file's run, started `jobs` at a time, each with its wall time in seconds. */
const results = new Array(selected.length);
let next = 0;
async function worker() {
  while (next < selected.length) {
    const i = startOrder[next++];
    const t = Date.now();
    const p = runFile(selected[i]).then((r) => ({ ...r, secs: ((Date.now() - t) / 1000).toFixed(1) }));
    results[i] = p;
    await p;
  }
}
const pool = Array.from({ length: Math.min(jobs, selected.length) }, worker);
for (let i = 0; i < selected.length; i++) {
  const f = selected[i];
  while (results[i] === undefined) await Promise.race([...pool, new Promise((r) => setTimeout(r, 50))]);
  const r = await results[i];
  const out = r.out;
  const secs = r.secs;
  if (r.timedOut) {
    failed++;
    crashed.push(f);
    process.stdout.write(`✘ ${f} (${secs}s): TIMEOUT, killed after ${r.limit}s (${r.limit === timeoutSec ? 'PVCHECK_TEST_TIMEOUT' : 'its run-tests: limit'})\n${out}\n`);
    continue;
  }
  if (r.bailed) {
    failed++;
    process.stdout.write(`✘ ${f}: a test failed; killed there (PVCHECK_TEST_BAIL=1), the rest of the file not run (${secs}s)\n${out}\n`);
    continue;
  }
  const total = /Total:\s+(\d+)/.exec(out), pass = /Passed:\s+(\d+)/.exec(out), skip = /Skipped:\s+(\d+)/.exec(out);
  if (!total || !pass) {
    failed++;
    crashed.push(f);
    process.stdout.write(`✘ ${f} (${secs}s): no uvu totals, exit ${r.status ?? r.signal}\n${out}\n`);
    continue;
  }
  // uvu's Total counts the tests that ran; skipped ones are apart from it
  const n = +total[1], p = +pass[1], s = skip ? +skip[1] : 0;
  passed += p; skipped += s; failed += n - p;
  const bad = n - p > 0 || r.status !== 0 || r.leaked;
  if (bad && n - p === 0) { failed++; crashed.push(f); }
  const why = r.leaked ? ` (left processes running: killed: ${r.leaked.join('; ')})` : '';
  process.stdout.write(`${bad ? '✘' : '✔'} ${f}: ${p}/${n}${s ? `, ${s} skipped` : ''} (${secs}s)${why}\n`);
  // a file that skips says why in a line of its own: `skip: ...`
  if (s && !bad) for (const l of out.split('\n')) if (l.startsWith('skip: ')) process.stdout.write(`  ${l}\n`);
  if (bad) process.stdout.write(out + '\n');
}
const secs = await Promise.all(results.map((p) => p.then((r) => Number(r.secs))));
const slowest = selected.map((f, i) => ({ f, s: secs[i] })).sort((a, b) => b.s - a.s).slice(0, 10);
process.stdout.write(`\nslowest files (wall seconds, ${jobs} at a time):\n${slowest.map((x) => `${x.s.toFixed(1).padStart(8)}  ${x.f}`).join('\n')}\n`);
process.stdout.write(`${selected.length} test files in ${((Date.now() - t0) / 1000).toFixed(1)}s\n`);
// the slowest tests: each test's seconds from the end of the one before it (the first's include the file's start)
const perTest = [];
for (const [i, p] of results.entries()) {
  const r = await p;
  const names = testNames(join(root, selected[i]), r.tests.length);
  r.tests.forEach((s, k) => perTest.push({ s, what: `${selected[i]} #${k + 1}${names ? ` ${names[k]}` : ''}` }));
}
if (perTest.length) {
  const top = perTest.sort((a, b) => b.s - a.s).slice(0, 10);
  process.stdout.write(`slowest tests (wall seconds from the test before; #1 includes the file's start):\n${top.map((x) => `${x.s.toFixed(1).padStart(8)}  ${x.what}`).join('\n')}\n`);
}
if (saveTimes) {
  if (failed > 0) process.stdout.write('run-tests: --save-times: not saved, a file failed\n');
  else {
    const seconds = { ...expected };
    selected.forEach((f, i) => { seconds[f] = secs[i]; });
    for (const f of Object.keys(seconds)) if (!files.includes(f)) delete seconds[f];
    const sorted = Object.fromEntries(Object.keys(seconds).sort().map((f) => [f, seconds[f]]));
    writeFileSync(TIMINGS, JSON.stringify({ note: `wall seconds per file (${jobs} at a time) at the last saved run: bin/run-tests.mjs starts the longest first; update with node bin/run-tests.mjs --save-times`, seconds: sorted }, null, 1) + '\n');
    process.stdout.write(`run-tests: saved the seconds of ${selected.length} files to test/timings.json\n`);
  }
}
if (crashed.length) process.stdout.write(`crashed: ${crashed.join(', ')}\n`);
if (failed > 0) process.stdout.write(`fast-check seed of this run: ${seed} (PVCHECK_SEED=${seed} node bin/run-tests.mjs FILE replays it)\n`);
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed > 0 || selected.length === 0 ? 1 : 0);
