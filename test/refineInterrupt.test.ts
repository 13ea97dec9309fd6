/**
 * cli/refine.ts's faithful re-search as the CLI runs it (refineResultAsync):
 * in slices that yield to the event loop, so that Ctrl-C stops it. Stopped,
 * the counterexample is still the unfolded (faithful) one and its shortness
 * is `unknown`, cut by the interrupt, which the report line says; not
 * stopped, it settles exactly what the one-call refineResult settles.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Model } from '../model/core.js';
import { check } from '../checker/explore.js';
import { refineResult, refineResultAsync, refinedLine } from '../cli/refine.js';
import xsa226 from '../examples/grant-xsa226.js';
import { jsonReport } from '../cli/report.js';
import { paramsOf, systemOf } from './support/models.js';

const late = paramsOf(xsa226, {});
const found = () => check(systemOf(xsa226, late, ['G5_transitive_one_level']));
const m = xsa226 as unknown as Model;

test('not stopped: the sliced re-search settles what refineResult settles (XSA-226: searched, a shortest), slice by slice', async () => {
  const want = refineResult(m, late, found());
  let polls = 0;
  const got = await refineResultAsync(m, late, found(), {}, { sliceMs: 0, stopped: () => (polls++, false) });
  assert.ok(polls >= 1, 'polled between slices');
  assert.is(got.violation!.refined!.shortest, 'searched');
  assert.equal(got.violation!.refined, want.violation!.refined);
  assert.equal(got.violation!.trace.map((s) => s.rule), want.violation!.trace.map((s) => s.rule));
});

test('stopped (Ctrl-C): the unfolded trace is kept, its shortness unknown and cut by the interrupt; the report line says so', async () => {
  const got = await refineResultAsync(m, late, found(), {}, { stopped: () => true });
  const v = got.violation!;
  assert.equal(v.trace.map((s) => s.rule), [null, 'rogue_grant_transitive', 'GNTTABOP_copy_begin'], 'the faithful model\'s trace, 2 steps');
  assert.equal({ s: v.refined!.shortest, cut: v.refined!.cut, q: v.refined!.quotientSteps }, { s: 'unknown', cut: 'interrupted', q: 1 });
  assert.match(refinedLine(v, late)!, /a shortest has 1 to 2 steps \(the faithful search to 1 step was interrupted\)$/);
  // past the budget instead: the same unknown, said as a budget
  const budget = refineResult(m, late, found(), { maxStates: 1 }).violation!;
  assert.equal({ s: budget.refined!.shortest, cut: budget.refined!.cut }, { s: 'unknown', cut: 'budget' });
  assert.match(refinedLine(budget, late)!, /passed its budget\)$/);
  // --json says which cut it was (violation.quotient.cut); a shortest has none
  assert.is(jsonReport('xsa226', late, [], got, null).violation!.quotient!.cut, 'interrupted');
  assert.is(jsonReport('xsa226', late, [], refineResult(m, late, found(), { maxStates: 1 }), null).violation!.quotient!.cut, 'budget');
  assert.not.ok('cut' in jsonReport('xsa226', late, [], refineResult(m, late, found()), null).violation!.quotient!);
});

test.run();
