/**
 * A search driven in time slices (`Search.run(ms)`, as the CLI drives it to
 * print progress and to stop on Ctrl-C) finds exactly what one uninterrupted
 * run finds. Only the CLI runs the search in slices, so without this file a
 * search that lost the state it was about to expand when a slice ended would
 * pass every other test (issue 19: ring-notify 4x32 then reported 758,399
 * states instead of 758,408).
 *
 * The figures are independent of the checker: ring-spec.md §11 (states,
 * edges, depth and the SHA-256 of the state set, from SPIN and the Python
 * reference), and for nested models the same search run whole.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Search, check, type CheckOptions, type CheckResult } from '../checker/explore.js';
import { canonicalString } from '../checker/fingerprint.js';
import type { System } from '../checker/system.js';
import { paramsOf } from '../checker/fixtures/run.js';
import { findModel } from '../model/registry.js';
import type { RingNotifyState } from '../model/ringNotify.js';
import { bind } from '../properties/bind.js';
import { dumpLine, gridPoint, lostWakeup, stateSetSha256 } from './support/ringSpec.js';
import { createHash } from 'node:crypto';
import { scratchDir } from './support/tmp.js';
import { writtenAt } from './support/bounds.js';

const root = resolve(import.meta.dirname, '..');

function system<S>(name: string, overrides: Record<string, string | number | boolean> = {}, bindOpt = {}): System<S> {
  const m = name === lostWakeup.name ? lostWakeup : findModel(name);
  if (!m) throw new Error(`no model ${name}`);
  const sys = bind(m as never, paramsOf(m as never, writtenAt(name, overrides)), bindOpt);
  if (E.isLeft(sys)) throw new Error(sys.left);
  return sys.right as System<S>;
}

/** Runs a search in slices of `ms` milliseconds, reading its stats between slices as the CLI does. */
function sliced<S>(sys: System<S>, opt: CheckOptions<S>, ms: number): { r: CheckResult<S>; slices: number } {
  const s = new Search(sys, opt);
  let slices = 0;
  for (;;) {
    const r = s.run(ms);
    if (r) return { r, slices };
    slices++;
    const st = s.stats();
    assert.ok(st.distinctStates > 0 && st.queue >= 0);
  }
}

/** The checker's own figures of a result (everything but the time). */
const figures = (r: CheckResult<unknown>) =>
  JSON.stringify({
    outcome: r.outcome, reason: r.incompleteReason, states: r.distinctStates, edges: r.edges, depth: r.depth,
    terminals: r.terminalStates, coverage: r.coverage, neverFired: r.neverFired,
    violation: r.violation && { property: r.violation.property, kind: r.violation.kind, trace: r.violation.trace.map((t) => [t.action, t.state]) },
    observables: r.observables?.map((o) => [o.name, o.min, o.max, o.minTrace.map((t) => t.action), o.maxTrace.map((t) => t.action)]),
  });

/** SHA-256 of the sorted canonical serialisations of every state the search reported. */
function stateSetDigest(states: string[]): string {
  states.sort();
  const h = createHash('sha256');
  for (const s of states) h.update(s + '\n');
  return h.digest('hex');
}

for (const [N, M, forceGeneric] of [[4, 16, false], [8, 16, false], [2, 8, true]] as const) {
  test(`ring-notify ${N}x${M}${forceGeneric ? ' (generic path)' : ''} in 1 ms slices: the §11 states, edges, depth and state-set SHA-256`, () => {
    const want = gridPoint(N, M);
    const lines: string[] = [];
    const { r, slices } = sliced(system<RingNotifyState>('ring-notify', { ringSize: N, messages: M }), {
      forceGeneric,
      onState: (s) => void lines.push(dumpLine(s)),
    }, 1);
    assert.ok(slices >= 5, `the search was cut into slices (${slices})`);
    assert.is(r.outcome, 'ok');
    assert.is(r.distinctStates, want.states);
    assert.is(r.edges, want.edges);
    assert.is(r.depth, want.depth);
    assert.is(lines.length, want.states);
    assert.is(stateSetSha256(lines), want.sha);
  });
}

test('nested models (xenbus, grant with symmetry, limiter, ring) in 0 ms slices: the same report and the same state set as one run', () => {
  // A 0 ms slice ends at the first deadline check (every 1024 expanded states).
  const cases: [string, Record<string, string | number | boolean>][] = [
    ['xenbus', {}],
    // with Xen's fix of G19: at the defaults the search stops at G19 after fewer states than one slice (a4d8b2b)
    ['grant', { refs: 1, pages: 1, setStatusPinned: 'checked' }],
    ['limiter', {}],
    ['ring', { memory: 'tso', ringSize: 1, messages: 2 }],
  ];
  for (const [name, params] of cases) {
    const sys = system<unknown>(name, params);
    const whole: string[] = [];
    const a = check(sys, { maxStates: 4000, onState: (s) => void whole.push(canonicalString(s)) });
    const parts: string[] = [];
    const { r: b, slices } = sliced(sys, { maxStates: 4000, onState: (s) => void parts.push(canonicalString(s)) }, 0);
    assert.ok(slices >= 2, `${name}: cut into slices (${slices})`);
    assert.is(figures(b), figures(a), name);
    assert.is(stateSetDigest(parts), stateSetDigest(whole), name);
    assert.ok(a.distinctStates > 2048, `${name}: ${a.distinctStates} states`);
  }
});

test('a deadlock deeper than any slice: the lost wake-up of ring-spec.md §8 at 8x8 in 0 ms slices is the same 56-step trace', () => {
  const sys = system<RingNotifyState>(lostWakeup.name, { ringSize: 8, messages: 8 }, { invariants: [] });
  const a = check(sys);
  const { r: b, slices } = sliced(sys, {}, 0);
  assert.ok(slices >= 2, `cut into slices (${slices})`);
  assert.is(a.outcome, 'deadlock');
  assert.is(a.violation!.trace.length - 1, 56);
  assert.is(figures(b), figures(a));
});

test('pvcheck check ring-notify 4x32 (the CLI runs the search in 250 ms slices): the §11 figures and state-set SHA-256', () => {
  const want = gridPoint(4, 32);
  const dump = join(scratchDir('pvcheck-slices-'), 'states.txt');
  const r = spawnSync(process.execPath, [join(root, 'bin/pvcheck.mjs'), 'check', 'ring-notify', '-p', 'ringSize=4', '-p', 'messages=32', '--json', '--dump-states', dump], {
    encoding: 'utf8',
    timeout: 300000,
  });
  assert.is(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.is(j.outcome, 'ok');
  assert.is(j.distinctStates, want.states);
  assert.is(j.edges, want.edges);
  assert.is(j.depth, want.depth);
  assert.is(j.stateSetSha256, want.sha);
});

test.run();
