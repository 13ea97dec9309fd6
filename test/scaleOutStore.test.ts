/**
 * `--store compact|bitstate` (checker/bitstate.ts). The figures compared with
 * come from outside the lossy stores: ring-spec.md §11 (SPIN and the Python
 * reference: states, edges, depth, state-set digest) and the full-table
 * search. A bitstate search that finds nothing is `incomplete`; a violation
 * it finds comes with a trace that replays on the model.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { check, type CheckResult } from '../checker/explore.js';
import { autoBitstate, BitStateSet, CompactSet, ExactThenBits, parseStoreSpec } from '../checker/bitstate.js';
import { parseSize } from '../checker/memory.js';
import { storeLine } from '../cli/report.js';
import type { System } from '../checker/system.js';
import { paramsOf } from '../checker/fixtures/run.js';
import { findModel } from '../model/registry.js';
import type { Model } from '../model/core.js';
import type { RingNotifyState } from '../model/ringNotify.js';
import { bind } from '../properties/bind.js';
import { replay } from '../traces/replay.js';
import { traceFromViolation } from '../traces/index.js';
import { dumpLine, gridPoint, lostWakeup, stateSetSha256 } from './support/ringSpec.js';
import { scratchDir } from './support/tmp.js';
import { writtenAt } from './support/bounds.js';

const root = resolve(import.meta.dirname, '..');

function system(m: Model<any, any>, overrides: Record<string, number> = {}): System<any> {
  const sys = bind(m, paramsOf(m, writtenAt(m.name, overrides)));
  if (E.isLeft(sys)) throw new Error(sys.left);
  return sys.right;
}
const ringNotify = findModel('ring-notify')!;
const figures = (r: CheckResult<unknown>) => ({ states: r.distinctStates, edges: r.edges, depth: r.depth, terminals: r.terminalStates, coverage: r.coverage });

// the quick tests first: npm run mutants stops a file at its first failed test
test('the stores against a Set of fingerprints: no false "seen" with room; the estimates follow the formulas', () => {
  const c = new CompactSet(1 << 20, true);
  const b = new BitStateSet(1 << 20, 3, 7);
  let x = 12345;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  const fps: [number, number][] = [];
  for (let i = 0; i < 20000; i++) fps.push([next(), next()]);
  fps.forEach(([h, l], i) => {
    assert.is(c.insert(h, l, i), -1);
    assert.is(c.insert(h, l, 99), i);
    b.insert(h, l, i);
    assert.is(b.lookup(h, l), 0);
  });
  assert.is(c.lookup(1, 2), -1);
  // hash compaction: at a load of 20,000 / 131,072 new states do compare occupied slots, each a 2^-32 risk
  assert.ok(c.lossy.missedProbability > 0 && c.lossy.missedProbability < (3 * 20000) / 2 ** 32, `${c.lossy.missedProbability}`);
  // Holzmann: E = sum over inserts of f^k with f the fill; with few collisions, ones ~ k i, so E ~ sum (3 i / m)^3
  const m = 8 * (1 << 20);
  let e = 0;
  for (let i = 0; i < 20000; i++) e += ((3 * i) / m) ** 3;
  const rep = b.lossy;
  assert.ok(Math.abs(rep.expectedMissed! - e) / e < 0.05, `${rep.expectedMissed} vs ${e}`);
  assert.ok(Math.abs(rep.hashFactor! - m / 20000) < 1e-9 * m || b.size < 20000);
});

test('parseStoreSpec', () => {
  assert.equal(parseStoreSpec('full', parseSize), { kind: 'full' });
  assert.equal(parseStoreSpec('bitstate:2M', parseSize), { kind: 'bitstate', bytes: 2 << 20 });
  assert.equal(parseStoreSpec('compact', parseSize), { kind: 'compact', bytes: 64 << 20 });
  assert.type(parseStoreSpec('bitstate:10', parseSize), 'string');
  assert.type(parseStoreSpec('bitstate:8G', parseSize), 'string');
  // no SIZE: sized by the search from its budget (autoBitstate); the 64M stays for a swarm member
  assert.equal(parseStoreSpec('bitstate', parseSize), { kind: 'bitstate', bytes: 64 << 20, auto: true });
  for (const bad of ['bitstate:', 'bitstate:0', 'bitstate:auto', 'bitstate:-1M', 'bitstate:1023']) assert.type(parseStoreSpec(bad, parseSize), 'string', bad);
});

test('autoBitstate: a quarter of the budget, a power of two from 1 MiB to 4 GiB; the full table up to half of it', () => {
  const G = 1024 ** 3, M = 1024 ** 2;
  for (const [budget, bytes] of [[17.25 * G, 4 * G], [16 * G, 4 * G], [15.9 * G, 2 * G], [512 * M, 128 * M], [1000 * M, 128 * M], [3 * M, 1 * M], [1, 1 * M]] as const)
    assert.equal(autoBitstate(budget), { bytes, exactBytes: bytes / 2 }, `budget ${budget}`);
});

test('bitstate, full table first: exact until the fold, then every state folded is found again, the estimate sums from the fold on', () => {
  const m = 8 * (1 << 20);
  const s = new ExactThenBits(1 << 20, 16 << 10); // the table folds at 2,048 slots (16 KiB) 3/4 full: 1,536 states
  let x = 99;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  const fps: [number, number][] = [[0, 0]]; // the zero fingerprint, which the table stores as (0, 1)
  for (let i = 1; i < 20000; i++) fps.push([next(), next()]);
  let missed = 0;
  fps.forEach(([h, l], i) => {
    if (i <= 1536) assert.not.ok(s.lossy.folded);
    if (i === 768) assert.is(s.growthBytes, 16 << 10); // the table doubling from 1,024 slots into new arrays (FingerprintSet.growthBytes)
    if (i === 1536) assert.is(s.growthBytes, 1 << 20); // the fold: an allocation of the array
    if (s.insert(h, l, i) !== -1) missed++;
    // the fold sets the table's 1,536 states without summing (they are distinct): E is the one insertion's after it
    if (i === 1536) assert.ok(s.lossy.expectedMissed! > 0 && s.lossy.expectedMissed! < 1.01 * ((3 * 1536) / m) ** 3, `${s.lossy.expectedMissed}`);
  });
  assert.ok(s.lossy.folded);
  assert.is(s.lossy.exactStates, 1536);
  assert.is(s.size, 20000 - missed);
  assert.ok(missed <= 1, `${missed}`);
  for (const [h, l] of fps) {
    assert.is(s.lookup(h, l), 0);
    assert.is(s.insert(h, l, 7), 0);
  }
  // Holzmann's sum over the states after the fold only: ones ~ k i, E ~ sum (3 i / m)^3 for i from 1,536
  let e = 0;
  for (let i = 1536; i < 20000; i++) e += ((3 * i) / m) ** 3;
  const rep = s.lossy;
  assert.ok(Math.abs(rep.expectedMissed! - e) / e < 0.05, `${rep.expectedMissed} vs ${e}`);
  assert.ok(Math.abs(rep.missedProbability - (1 - Math.exp(-e))) / e < 0.05);
  // before any fold: the table's answers, no estimate
  const t = new ExactThenBits(1 << 20, 1 << 19);
  for (const [h, l] of fps) assert.is(t.insert(h, l, 1), -1);
  for (const [h, l] of fps) assert.is(t.insert(h, l, 1), 0);
  assert.equal({ ...t.lossy }, { kind: 'bitstate', bytes: 1 << 20, hashes: 3, missedProbability: 0, expectedMissed: 0, hashFactor: m / 20000, exactStates: 20000, folded: false, exactLimit: 49152 });
});

test('the report line of a bit array after the fold names the states kept exactly', () => {
  const line = storeLine({ kind: 'bitstate', bytes: 4 << 20, hashes: 3, missedProbability: 0.0677, expectedMissed: 0.07, hashFactor: 241.8, exactStates: 6144, folded: true, exactLimit: 6144 });
  assert.is(line, '  store        bitstate: the first 6,144 states kept exactly, then 4 MiB bit array, 3 bits a state, hash factor 241.8; expected states missed 7.0e-2, probability that one was: 6.8e-2 (Holzmann)');
});

test('--store bitstate with no SIZE: the full search figures, none missed; folded early, the full figures from a large array; a fold past the budget stops', () => {
  const sys = system(ringNotify, { ringSize: 4, messages: 16 });
  const full = check(sys, {});
  const auto = check(sys, { store: parseStoreSpec('bitstate', parseSize) as never, maxMemory: 16 * 1024 ** 3 });
  assert.equal(figures(auto), figures(full));
  // never folded: every fingerprint kept as the full store keeps it, so the verdict is the full store's
  assert.is(auto.outcome, full.outcome);
  assert.is(auto.outcome, 'ok');
  assert.is(auto.incompleteReason, undefined);
  assert.is(auto.store!.bytes, 4 * 1024 ** 3);
  assert.is(auto.store!.folded, false);
  assert.is(auto.store!.exactStates, full.distinctStates);
  assert.is(auto.store!.expectedMissed, 0);
  // a fold after 6,144 states (a 64 KiB table) into 4 MiB: hash factor 240 at 138,776 states, E ~ 0.07
  const folded = check(sys, { store: { kind: 'bitstate', bytes: 4 << 20, exactBytes: 64 << 10 } });
  assert.is(folded.store!.folded, true);
  assert.is(folded.outcome, 'incomplete');
  assert.is(folded.incompleteReason, 'bitstate');
  assert.is(folded.store!.exactStates, 6144);
  assert.is(folded.store!.exactLimit, 6144);
  assert.ok(folded.store!.expectedMissed! > 0.01 && folded.store!.expectedMissed! < 0.2, `${folded.store!.expectedMissed}`);
  assert.equal(figures(folded), figures(full));
  // the fold asks the memory guard for the array first: 4 GiB past a 2 GiB budget stops there, 6,144 states kept exactly
  const over = check(sys, { store: { kind: 'bitstate', bytes: 2 ** 32, exactBytes: 64 << 10 }, maxMemory: 2 * 1024 ** 3 });
  assert.is(over.incompleteReason, 'max-memory');
  assert.is(over.distinctStates, 6144);
  assert.is(over.store!.folded, false);
});

test('bitstate with a large array gives the full search figures, outcome incomplete', () => {
  const cases: [Model<any, any>, Record<string, number>][] = [
    [ringNotify, { ringSize: 4, messages: 8 }],
    [ringNotify, { ringSize: 2, messages: 16 }],
    [findModel('ring')!, {}],
    [{ ...findModel('grant')!, goals: [] }, { refs: 1, pages: 1 }], // its invariants: bitstate cannot check G20's AG EF
  ];
  for (const [m, o] of cases) {
    const full = check(system(m, o));
    const bit = check(system(m, o), { store: { kind: 'bitstate', bytes: 32 << 20 } });
    assert.is(full.outcome === 'violation' || full.outcome === 'deadlock' ? bit.outcome : 'incomplete', bit.outcome, m.name);
    if (bit.outcome === 'incomplete') assert.is(bit.incompleteReason, 'bitstate');
    if (full.violation) assert.is(bit.violation!.trace.length, full.violation.trace.length, m.name);
    else assert.equal(figures(bit), figures(full), m.name);
    assert.ok(bit.store!.expectedMissed! < 1e-3, `${m.name}: ${bit.store!.expectedMissed}`);
    assert.ok(bit.store!.hashFactor! > 1000);
  }
});

test('bitstate with a tiny array misses states and says so: incomplete, a high estimate', () => {
  const g = gridPoint(4, 8);
  const r = check(system(ringNotify, { ringSize: 4, messages: 8 }), { store: { kind: 'bitstate', bytes: 1024 } });
  assert.is(r.outcome, 'incomplete');
  assert.is(r.incompleteReason, 'bitstate');
  assert.ok(r.distinctStates < g.states, `${r.distinctStates}`);
  assert.ok(r.store!.expectedMissed! > 1 && r.collisionProbability > 0.99, JSON.stringify(r.store));
});

test('a compact table too small stops the search as incomplete (max-memory), never ok', () => {
  const r = check(system(ringNotify, { ringSize: 4, messages: 8 }), { store: { kind: 'compact', bytes: 4096 } });
  assert.is(r.outcome, 'incomplete');
  assert.is(r.incompleteReason, 'max-memory');
  assert.ok(r.store!.full);
  assert.is(r.distinctStates, Math.floor(1024 * 0.875));
});

test('bitstate finds the lost wake-up: the 34-step shortest with a large array, a replayable trace with a small one', () => {
  const sys = system(lostWakeup, { ringSize: 2, messages: 4 });
  const p = paramsOf(lostWakeup, { ringSize: 2, messages: 4 });
  for (const bytes of [8 << 20, 2048]) {
    const r = check(sys, { store: { kind: 'bitstate', bytes } });
    assert.is(r.outcome, 'violation', `${bytes}`);
    assert.is(r.violation!.property, 'I4_no_lost_wakeup');
    if (bytes > 4096) assert.is(r.violation!.trace.length - 1, 34);
    else assert.ok(r.violation!.trace.length - 1 >= 34);
    const t = traceFromViolation(lostWakeup, p, r.violation!);
    const rep = replay(lostWakeup, p, t);
    assert.is(rep.kind, 'reproduced', `${bytes}`);
  }
});

test('compact gives ring-spec.md §11 states, edges, depth and state-set digest at grid points', () => {
  for (const [N, M] of [[2, 4], [4, 4], [2, 8], [4, 8], [8, 8], [4, 16]] as const) {
    const lines: string[] = [];
    const r = check(system(ringNotify, { ringSize: N, messages: M }), {
      store: { kind: 'compact', bytes: 16 << 20 },
      onState: (s) => lines.push(dumpLine(s as RingNotifyState)),
    });
    const g = gridPoint(N, M);
    assert.is(r.outcome, 'ok', `${N}x${M}`);
    assert.equal([r.distinctStates, r.edges, r.depth], [g.states, g.edges, g.depth], `${N}x${M}`);
    assert.is(stateSetSha256(lines), g.sha, `${N}x${M}`);
    assert.is(r.store?.kind, 'compact');
    // about n / 2^32 at a low load (each new state compares about one occupied slot)
    assert.ok(r.collisionProbability >= 0 && r.collisionProbability < (3 * g.states) / 2 ** 32, `${N}x${M}: ${r.collisionProbability}`);
    // and the full table gives the same coverage
    assert.equal(figures(r), figures(check(system(ringNotify, { ringSize: N, messages: M }))), `${N}x${M}`);
  }
});

test('--store on the command line: report lines, exit codes, bad input in one line', () => {
  const dir = scratchDir('pvcheck-store-');
  const run = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/pvcheck.mjs'), ...args], { cwd: dir, encoding: 'utf8' });
  const ok = run('check', 'ring-notify', '-p', 'ringSize=4', '-p', 'messages=4', '-q', '--store', 'compact:1M', '--json');
  assert.is(ok.status, 0, ok.stderr);
  const j = JSON.parse(ok.stdout);
  assert.is(j.distinctStates, gridPoint(4, 4).states);
  assert.is(j.store.kind, 'compact');
  const bit = run('check', 'ring-notify', '-p', 'ringSize=4', '-p', 'messages=4', '-q', '--store', 'bitstate:1M');
  assert.is(bit.status, 3, bit.stderr);
  assert.match(bit.stdout, /INCOMPLETE \(bitstate\)/);
  assert.match(bit.stdout, /store +bitstate: 1 MiB bit array, 3 bits a state, hash factor [\d.]+; expected states missed/);
  // no SIZE: sized from the budget, every state in the full table; --json says so
  const auto = run('check', 'ring-notify', '-p', 'ringSize=4', '-p', 'messages=4', '-q', '--store', 'bitstate', '--max-memory', '2G');
  assert.is(auto.status, 0, auto.stderr);
  assert.match(auto.stdout, /^ {2}outcome {6}ok: every invariant holds/m);
  assert.match(auto.stdout, new RegExp(`store +bitstate: every one of the ${gridPoint(4, 4).states.toLocaleString('en-US')} states kept exactly in the full table \\(none missed\\); past 25,165,824 they would go into a 512 MiB bit array \\(a quarter of the memory budget, rounded down to a power of two from 1 MiB to 4 GiB\\)`));
  const autoJson = JSON.parse(run('check', 'ring-notify', '-p', 'ringSize=4', '-p', 'messages=4', '-q', '--store', 'bitstate', '--max-memory', '2G', '--json').stdout);
  assert.equal(autoJson.store, { kind: 'bitstate', bytes: 512 << 20, hashes: 3, missedProbability: 0, expectedMissed: 0, hashFactor: (8 * (512 << 20)) / gridPoint(4, 4).states, exactStates: gridPoint(4, 4).states, folded: false, exactLimit: 25165824 });
  const v = run('check', join(root, 'examples/ring-no-recheck.ts'), '-p', 'ringSize=2', '-p', 'messages=4', '-q', '--store', 'bitstate:4K', '--trace-out', 'lw.trace.json');
  assert.is(v.status, 1, v.stderr);
  assert.ok(existsSync(join(dir, 'lw.trace.json')));
  const rep = run('replay', 'lw.trace.json', '-q');
  assert.is(rep.status, 1, rep.stdout + rep.stderr);
  for (const [args, msg] of [
    [['--store', 'bogus'], /^pvcheck: error: --store expects full, compact\[:SIZE\] or bitstate\[:SIZE\], got 'bogus'\n$/],
    [['--store', 'bitstate:12Q'], /^pvcheck: error: --store bitstate:SIZE: /],
    [['--store', 'compact', '-w', '2'], /^pvcheck: error: --store compact runs on one thread/],
    [['--store', 'full:1M'], /^pvcheck: error: --store full takes no size/],
  ] as const) {
    const r = run('check', 'ring-notify', ...args);
    assert.is(r.status, 2, args.join(' '));
    assert.match(r.stderr, msg);
    assert.is(r.stderr.split('\n').length, 2);
  }
  // a goal named with -i: refused (without -i the goals are left out and named: test/cliStoreGoals)
  const goals = run('check', 'vif', '-i', 'V_teardown_ends_every_grant', '--store', 'bitstate');
  assert.is(goals.status, 2);
  assert.match(goals.stderr, /cannot check AG EF goals/);
});

test.run();
