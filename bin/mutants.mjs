#!/usr/bin/env node
// npm run mutants: applies each mutant of test/mutants/mutants.json, alone, to a
// temporary copy of the tree (node_modules linked, not copied; one directory per
// runner slot, copied afresh for each mutant: see freshTree), runs the test
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
// the run stops (exit 2). Options: ids to run only those; --no-baseline;
// --list prints the mutants; --help. Any other option is refused (exit 2).
// PVCHECK_SEED is fixed (20261202) unless set, so a verdict is reproducible.
//
// Mutants run PVCHECK_MUTANT_JOBS at a time (default: the machine's available
// parallelism, at most 2), each on its own copy, its files one after another
// (one test process per mutant); a file stops at its first failed test
// (PVCHECK_TEST_BAIL=1, bin/run-tests.mjs) and a mutant's remaining files are
// skipped once one has killed it, so a mutant's files should be listed
// fastest-killing first. Lines are printed in mutants.json order, whatever finished first.
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const args = process.argv.slice(2);
const usage = 'usage: npm run mutants -- [--no-baseline] [--list] [MUTANT-ID ...]  (no id: every mutant of test/mutants/mutants.json)';
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(usage + '\n');
  process.exit(0);
}
const badFlag = args.find((a) => a.startsWith('-') && a !== '--no-baseline' && a !== '--list');
if (badFlag) {
  process.stderr.write(`mutants: unknown option ${badFlag}\n${usage}\n`);
  process.exit(2);
}
const baseline = !args.includes('--no-baseline');
const only = args.filter((a) => !a.startsWith('--'));
const list = JSON.parse(readFileSync(join(root, 'test/mutants/mutants.json'), 'utf8')).mutants;
const unknown = only.filter((id) => !list.some((m) => m.id === id));
if (unknown.length) {
  process.stderr.write(`mutants: no mutant ${unknown.join(', ')} (known: ${list.map((m) => m.id).join(', ')})\n`);
  process.exit(2);
}
if (args.includes('--list')) {
  for (const m of list) process.stdout.write(`${m.id}  ${m.why}\n`);
  process.exit(0);
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
  return dir;
}
/** The directories of the runner slots: made once, each reused (copied afresh) by its slot's mutants. */
const slots = [];
const slotDir = (i) => (slots[i] ??= mkdtempSync(join(tmpdir(), `pvcheck-mutant-${i}-`)));
process.on('exit', () => { for (const d of slots) if (d) rmSync(d, { recursive: true, force: true }); });

/** Runs test files in `dir`; returns the files that failed and the seconds taken. */
function runTests(dir, files, timeout) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['bin/run-tests.mjs', ...files], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, PVCHECK_SEED: seed, PVCHECK_TEST_TIMEOUT: String(timeout) },
    timeout: (timeout * files.length + 120) * 1000,
    maxBuffer: 64 << 20,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const failed = [...out.matchAll(/^✘ (\S+?)(?::| \([\d.]+s\): (TIMEOUT|no uvu totals))/gm)].map((m) => (m[2] ? `${m[1]} (${m[2] === 'TIMEOUT' ? 'timeout' : 'crashed: no uvu totals'})` : m[1]));
  if (r.status !== 0 && failed.length === 0) failed.push(r.error ? `(runner: ${r.error.code ?? r.error.message})` : `(runner exit ${r.status})`);
  return { failed, seconds: Math.round((Date.now() - t0) / 1000), out };
}

/** Runs one test file in `dir` in its own process (asynchronously); resolves to its failure text or undefined. */
function runFile(dir, file, timeout) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/run-tests.mjs', file], {
      cwd: dir,
      // a file stops at its first failed test: that test has killed the mutant
      env: { ...process.env, PVCHECK_SEED: seed, PVCHECK_TEST_TIMEOUT: String(timeout), PVCHECK_TEST_JOBS: '1', PVCHECK_TEST_BAIL: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    // run-tests enforces the per-file limit itself; this is the backstop for the runner
    const timer = setTimeout(() => child.kill('SIGKILL'), (timeout + 120) * 1000);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      const failed = [...out.matchAll(/^✘ (\S+?)(?::| \([\d.]+s\): (TIMEOUT|no uvu totals))/gm)].map((m) => (m[2] ? `${m[1]} (${m[2] === 'TIMEOUT' ? 'timeout' : 'crashed: no uvu totals'})` : m[1]));
      if (status !== 0 && failed.length === 0) failed.push(signal ? `(runner killed by ${signal})` : `(runner exit ${status})`);
      resolve(failed.length ? failed.join(', ') : undefined);
    });
  });
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

if (baseline) {
  const files = [...new Set(mutants.flatMap((m) => m.tests))].sort();
  // slot 0's directory: the baseline's transpiled files are its first mutant's too
  const dir = freshTree(slotDir(0));
  try {
    const b = runTests(dir, files, 600);
    if (b.failed.length) {
      process.stdout.write(b.out);
      process.stderr.write(`mutants: ${b.failed.join(', ')} already fail without a mutant: fix that first\n`);
      process.exit(2);
    }
    console.log(`baseline: ${files.length} test files pass unmutated (${b.seconds} s)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let killed = 0, survived = 0, stale = 0;
/** One mutant on its own copy: its line of output, and its verdict. */
async function runMutant(m, slot) {
  const dir = freshTree(slotDir(slot));
  try {
    const err = applyMutant(dir, m);
    if (err) return { verdict: 'stale', line: `${'stale'.padEnd(9)} ${m.id.padEnd(width)}  ${err}` };
    const t0 = Date.now();
    for (const f of m.tests) {
      const failed = await runFile(dir, f, m.timeout ?? 300);
      if (failed) {
        const s = Math.round((Date.now() - t0) / 1000);
        return { verdict: 'killed', line: `${'killed'.padEnd(9)} ${m.id.padEnd(width)}  by ${failed} (${s} s)` };
      }
    }
    const s = Math.round((Date.now() - t0) / 1000);
    return { verdict: 'survived', line: `${'survived'.padEnd(9)} ${m.id.padEnd(width)}  ${m.tests.join(', ')} passed (${s} s)` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
// a pool of `jobs` runners; results printed in mutants.json order as soon as every earlier one is in
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
console.log(`mutants: ${killed} killed, ${survived} survived${stale ? `, ${stale} stale` : ''}`);
process.exit(survived || stale ? 1 : 0);
