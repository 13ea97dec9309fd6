/**
 * The batched probes (checker/search.ts `window`) with the max-memory
 * guard, which `pvcheck check` always sets (3/4 of the machine's memory by
 * default): the search stages a state's successors as without the guard
 * (before 2026-12-04 the guard turned the batching off, so the CLI ran the
 * one-at-a-time path: about a fifth more CPU than bench/nested.ts on the same
 * grant search), and gives the result of one successor at a time:
 * - with a budget the search never reaches: the same counts, coverage,
 *   verdict, trace, observables and states in the same order as one at a
 *   time (`batch: false`; test/batchedProbes compares that with a search
 *   without the guard);
 * - with a budget it is always past (1 byte): the same cut, `incomplete`
 *   for `max-memory`, at the same state and edge counts, as one at a time.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { check, Search, type CheckOptions } from '../checker/search.js';
import type { CheckResult } from '../checker/report.js';
import { findModel } from '../model/registry.js';
import { resolveParams } from '../model/params.js';
import { bind } from '../properties/bind.js';
import { writtenAt } from './support/bounds.js';

function system(model: string, params: Record<string, string>) {
  const m = findModel(model)!;
  const p = resolveParams(m.params, writtenAt(model, params));
  if (p._tag === 'Left') throw new Error(p.left);
  // grant without its declared finding G19 (which stops the default search in 8 steps): the whole space
  const names = [...m.invariants, ...(m.goals ?? [])].map((x) => x.name).filter((n) => n !== 'G19_readonly_grant_stays_readonly');
  const s = bind(m, p.right, { invariants: names });
  if (s._tag === 'Left') throw new Error(s.left);
  return s.right;
}

function run(model: string, params: Record<string, string>, opt: CheckOptions<unknown>): { r: CheckResult<unknown>; states: string[] } {
  const states: string[] = [];
  const r = check(system(model, params), { ...opt, onState: (x) => states.push(JSON.stringify(x)) });
  return { r: { ...r, seconds: 0 }, states };
}

const ONE_AT_A_TIME = { batch: false };
const cases: [string, Record<string, string>][] = [
  ['grant', { refs: '1', pages: '1' }],
  ['xenbus', {}],
  ['ring', { memory: 'tso', ringSize: '2', messages: '3' }],
];

const summary = (r: CheckResult<unknown>) => `${r.outcome} ${r.incompleteReason ?? ''} ${r.distinctStates} states ${r.edges} edges depth ${r.depth}`;

for (const [model, params] of cases) {
  test(`${model} ${JSON.stringify(params)}: the max-memory guard keeps the batched probes, and their result`, () => {
    const search = new Search(system(model, params), { maxMemory: 2 ** 50, batch: true });
    assert.ok((search as unknown as { batch: unknown }).batch !== undefined, 'the search stages successors under the guard');
    const a = run(model, params, { maxMemory: 2 ** 50, batch: true });
    const b = run(model, params, { maxMemory: 2 ** 50, ...ONE_AT_A_TIME });
    assert.ok(a.r.distinctStates > 1000, `${a.r.distinctStates} states`);
    assert.ok(JSON.stringify(a.r) === JSON.stringify(b.r), `results differ: ${summary(a.r)} against ${summary(b.r)}`);
    assert.equal(a.states, b.states);
  });

  test(`${model} ${JSON.stringify(params)}: a budget always past cuts the batched search where it cuts one at a time`, () => {
    const a = run(model, params, { maxMemory: 1, batch: true });
    const b = run(model, params, { maxMemory: 1, ...ONE_AT_A_TIME });
    assert.is(a.r.outcome, 'incomplete');
    assert.is(a.r.incompleteReason, 'max-memory');
    assert.ok(JSON.stringify(a.r) === JSON.stringify(b.r), `results differ: ${summary(a.r)} against ${summary(b.r)}`);
    assert.equal(a.states, b.states);
  });
}

test.run();
