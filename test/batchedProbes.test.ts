/**
 * The batched probes of the packed path (checker/packed.ts `stage` and
 * `resolve`, search.ts `window`): the successors of a window of states are
 * staged during their expansion and looked up together after it. A search with `batch:
 * false` records each successor as it is found, one at a time (so did one with
 * `maxStates` until windows ran under it, session 35: test/searchWindow); both must give the same result (counts, edges, depth,
 * coverage, verdict, trace, observables) and find the same states in the same
 * order (the order is the states' ids, which traces replay).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { check } from '../checker/search.js';
import type { CheckResult } from '../checker/report.js';
import { findModel } from '../model/registry.js';
import { resolveParams } from '../model/params.js';
import { bind } from '../properties/bind.js';

function run(model: string, params: Record<string, string>, leaveOut: readonly string[], oneAtATime: boolean): { r: CheckResult<unknown>; states: string[] } {
  const m = findModel(model)!;
  const p = resolveParams(m.params, params);
  if (p._tag === 'Left') throw new Error(p.left);
  const names = [...m.invariants, ...(m.goals ?? [])].map((x) => x.name).filter((n) => !leaveOut.includes(n));
  const s = bind(m, p.right, { invariants: names });
  if (s._tag === 'Left') throw new Error(s.left);
  const states: string[] = [];
  const r = check(s.right, { onState: (x) => states.push(JSON.stringify(x)), ...(oneAtATime ? { batch: false } : { batch: true }) });
  return { r: { ...r, seconds: 0 }, states };
}

const cases: [string, Record<string, string>, string[]][] = [
  // symmetry (scalarsets, first use), a violation at depth 8
  ['grant', { refs: '1', pages: '1' }, []],
  // the whole default space: every other invariant, deadlock, observables
  ['grant', { refs: '1', pages: '1' }, ['G19_readonly_grant_stays_readonly']],
  // AG EF goals: the graph's edges
  ['xenbus', { events: '2' }, []], // the bounds it was written at (the defaults are events=3 since 2026-12-05)
];

for (const [model, params, leaveOut] of cases)
  test(`${model} ${JSON.stringify(params)}${leaveOut.length ? ' without ' + leaveOut.join(',') : ''}: batched probes = one at a time`, () => {
    const a = run(model, params, leaveOut, false);
    const b = run(model, params, leaveOut, true);
    assert.ok(a.r.distinctStates > 1000, `${a.r.distinctStates} states`);
    const summary = (r: CheckResult<unknown>) => `${r.outcome} ${r.distinctStates} states ${r.edges} edges depth ${r.depth} trace ${r.violation?.trace.length}`;
    assert.ok(JSON.stringify(a.r) === JSON.stringify(b.r), `results differ: ${summary(a.r)} against ${summary(b.r)}`);
    assert.is(a.states.length, b.states.length);
    for (let i = 0; i < a.states.length; i++) if (a.states[i] !== b.states[i]) assert.unreachable(`state ${i} differs`);
  });

test.run();
