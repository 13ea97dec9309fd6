/**
 * A lossy store on workers (note21 item 5): refused, in the engine as in the
 * CLI. The multi-worker search keeps the full shared fingerprint table and
 * merges each level's new states by their slot in it (parallelWorker.ts
 * mergeTogether); a bit array (`--store bitstate[:SIZE]`, and the default
 * ExactThenBits once it folds) and a compact table have no such slot, so a
 * search on workers asked for one would silently keep the full table: it is
 * refused with the reason (parallel.ts parallelReason), and the CLI says so in
 * one line. docs/perf/2026-12-06d-engine.md §3 has the design that would lift it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ParallelSearch, parallelReason } from '../checker/parallel.js';
import { boundCase } from './support/workerCases.js';

const root = resolve(import.meta.dirname, '..');

test('parallelReason names a lossy store, ParallelSearch refuses one; the full store runs on workers', async () => {
  const { sys, source } = await boundCase('ring-notify', { ringSize: '2', messages: '4' });
  assert.is(parallelReason(sys, {}), undefined);
  assert.is(parallelReason(sys, { store: { kind: 'full' } }), undefined);
  for (const store of [{ kind: 'bitstate', bytes: 1 << 20 }, { kind: 'bitstate', bytes: 1 << 20, auto: true }, { kind: 'compact', bytes: 1 << 20 }] as const) {
    const why = parallelReason(sys, { store });
    assert.ok(why?.startsWith(`--store ${store.kind} runs on one thread`), why);
    assert.throws(() => new ParallelSearch(sys, { store }, source, 2), (e: Error) => e.message === why);
  }
});

test('the CLI: --store bitstate --workers 2 is refused in one line, exit 2', () => {
  const r = spawnSync(process.execPath, [resolve(root, 'bin/pvcheck.mjs'), 'check', 'ring-notify', '--store', 'bitstate', '--workers', '2'], { encoding: 'utf8' });
  assert.is(r.status, 2, r.stderr);
  assert.is(r.stdout, '');
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /--store bitstate runs on one thread/);
});

test.run();
