#!/usr/bin/env node
// Runs every uvu test file (`*.test.ts` under test/ and next to the code) with
// the TypeScript hooks, each file in its own process so that one file's
// uncaught crash cannot hide another's results, then prints one closing line
// `N passed, M failed` from uvu's own totals. Exit status 1 on any failure.
// Usage: node bin/run-tests.mjs [filter-substring...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const filters = process.argv.slice(2);
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
const selected = filters.length ? files.filter((f) => filters.some((x) => f.includes(x))) : files;
let passed = 0, failed = 0, skipped = 0, crashed = [];
const t0 = Date.now();
for (const f of selected) {
  const t = Date.now();
  const r = spawnSync(process.execPath, ['--import', './bin/register.mjs', f], {
    cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, maxBuffer: 64 << 20,
  });
  const out = (r.stdout ?? '') + (r.stderr ?? '');
  const total = /Total:\s+(\d+)/.exec(out), pass = /Passed:\s+(\d+)/.exec(out), skip = /Skipped:\s+(\d+)/.exec(out);
  const secs = ((Date.now() - t) / 1000).toFixed(1);
  if (!total || !pass) {
    failed++;
    crashed.push(f);
    process.stdout.write(`✘ ${f} (${secs}s): no uvu totals, exit ${r.status}\n${out}\n`);
    continue;
  }
  const n = +total[1], p = +pass[1], s = skip ? +skip[1] : 0;
  passed += p; skipped += s; failed += n - p - s;
  const bad = n - p - s > 0 || r.status !== 0;
  if (bad && n - p - s === 0) { failed++; crashed.push(f); }
  process.stdout.write(`${bad ? '✘' : '✔'} ${f}: ${p}/${n} (${secs}s)\n`);
  if (bad) process.stdout.write(out + '\n');
}
process.stdout.write(`\n${selected.length} test files in ${((Date.now() - t0) / 1000).toFixed(1)}s\n`);
if (crashed.length) process.stdout.write(`crashed: ${crashed.join(', ')}\n`);
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed > 0 || selected.length === 0 ? 1 : 0);
