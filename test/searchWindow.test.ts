/**
 * The search's windows (checker/search.ts `window`): on the packed path it
 * expands a window of up to 64 states, staging their successors, then looks
 * them up together and records them in order. What a state's successors set
 * (a pending violation, the memory budget) must act from the next state on,
 * as in the search one successor at a time (`batch: false`: the path `edge`
 * takes). Both must give the same result (counts,
 * edges, depth, terminal states, per-rule coverage, queue, verdict, trace,
 * observables) and find the same states in the same order:
 * - random systems in a flat layout (checker/fixtures/randomSystem.ts), with
 *   their invariants, deadlocks and goals: violations and deadlocks in the
 *   middle of a window, later states of the window with successors;
 * - deep and wide random systems (levels of 100 and more states: several
 *   windows a level);
 * - ring-notify 4x8 (flat) and grant 1x1 (a shape, symmetry) under a memory
 *   budget always past, which stops the search at its first check;
 * - every one of them under `maxStates` (windows stop short of the bound, and
 *   the search ends one at a time, cutting an expansion in its middle there):
 *   1 state, about half the space, one state short of it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { runs } from './support/fc.js';
import { deepSystemArb, flatEnc, systemArb, toModel, type SystemSpec } from '../checker/fixtures/randomSystem.js';
import { paramsOf } from '../checker/fixtures/run.js';
import { check, Search, type CheckOptions } from '../checker/search.js';
import type { CheckResult } from '../checker/report.js';
import type { System } from '../checker/system.js';
import { findModel } from '../model/registry.js';
import { bind, type BindOptions } from '../properties/bind.js';

const ONE_AT_A_TIME = { batch: false };

function run<S>(sys: System<S>, opt: CheckOptions<S>): { r: CheckResult<S>; states: string[] } {
  const states: string[] = [];
  const r = check(sys, { ...opt, onState: (x) => states.push(JSON.stringify(x)) });
  return { r: { ...r, seconds: 0 }, states };
}

function same<S>(sys: System<S>, opt: CheckOptions<S>, ctx: string): CheckResult<S> {
  const s = new Search(sys, opt);
  assert.ok((s as unknown as { batch: unknown }).batch !== undefined, `${ctx}: the search runs in windows`);
  const a = run(sys, opt);
  const b = run(sys, { ...opt, ...ONE_AT_A_TIME });
  assert.is(JSON.stringify(a.r), JSON.stringify(b.r), ctx);
  assert.equal(a.states, b.states, ctx);
  return a.r;
}

function systemOf(spec: SystemSpec, bindOpt: BindOptions): System<unknown> {
  const m = toModel(spec, flatEnc, 'flat');
  const s = bind(m, paramsOf(m), bindOpt);
  if (s._tag === 'Left') throw new Error(s.left);
  return s.right as System<unknown>;
}

const outcomes = new Map<string, number>();
function property(spec: SystemSpec): void {
  for (const [label, bindOpt] of [['invariants', { noGoals: true }], ['invariants and goals', {}]] as const) {
    const sys = systemOf(spec, bindOpt);
    const ctx = `${label} ${JSON.stringify(spec).slice(0, 400)}`;
    const r = same(sys, {}, ctx);
    outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
    if (label === 'invariants') cuts(sys, r.distinctStates, ctx);
  }
}

/** Under maxStates (1, about half, one short of the whole space): windows = one at a time. */
function cuts<S>(sys: System<S>, whole: number, ctx: string): void {
  for (const m of new Set([1, Math.floor(whole / 2) + 1, whole - 1])) {
    if (m < 1) continue;
    const r = same(sys, { maxStates: m }, `${ctx} maxStates ${m}`);
    maxStatesCuts.set(r.incompleteReason ?? r.outcome, (maxStatesCuts.get(r.incompleteReason ?? r.outcome) ?? 0) + 1);
  }
}
const maxStatesCuts = new Map<string, number>();

test('random systems: windows = one successor at a time', () => {
  fc.assert(fc.property(systemArb(), property), { numRuns: runs(300) });
});

test('deep and wide random systems: windows = one successor at a time', () => {
  fc.assert(fc.property(deepSystemArb(), property), { numRuns: runs(60) });
  // the properties saw every kind of end (a test that only ever saw `ok` would not test the windows' cuts)
  for (const o of ['ok', 'violation', 'deadlock']) assert.ok((outcomes.get(o) ?? 0) > 0, `no run ended ${o}: ${JSON.stringify([...outcomes])}`);
  assert.ok((maxStatesCuts.get('max-states') ?? 0) > 0, `no run was cut by maxStates: ${JSON.stringify([...maxStatesCuts])}`);
});

function model(name: string, params: Record<string, string>): System<unknown> {
  const m = findModel(name)!;
  const s = bind(m, paramsOf(m, params));
  if (s._tag === 'Left') throw new Error(s.left);
  return s.right as System<unknown>;
}

for (const [name, params] of [['ring-notify', { ringSize: '4', messages: '8' }], ['grant', { refs: '1', pages: '1' }]] as const) {
  test(`${name} ${JSON.stringify(params)}: windows = one at a time, without a budget and under one always past`, () => {
    const sys = model(name, params);
    const whole = same(sys, {}, name);
    assert.ok(whole.distinctStates > 1000, `${whole.distinctStates} states`);
    const cut = same(sys, { maxMemory: 1 }, `${name} maxMemory 1`);
    assert.is(cut.outcome, 'incomplete');
    assert.is(cut.incompleteReason, 'max-memory');
  });
  test(`${name} ${JSON.stringify(params)}: windows = one at a time under maxStates`, () => {
    const sys = model(name, params);
    for (const m of [1, 100, 1001]) {
      const r = same(sys, { maxStates: m }, `${name} maxStates ${m}`);
      assert.is(r.incompleteReason, 'max-states', `${name} maxStates ${m}`);
    }
  });
}

test.run();
