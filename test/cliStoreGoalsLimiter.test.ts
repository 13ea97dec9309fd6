/**
 * `--store bitstate` on limiter (test/cliStoreGoals has the other models):
 * at its defaults it stops where the full store does, its finding L3 in as
 * many steps and states as test/pinned.json's limiter entry, with limiter's
 * goals named as not checked; and the tests' bound on lossy runs
 * (test/support/cli.ts LOSSY_TEST_STATES): leaving L3 out searches netback's
 * whole timer space, which the bound stops in seconds. A file of its own (a
 * third of test/cliStoreGoals' time before): the mutants of the bound are
 * killed here, those of the goals' lines by test/cliStoreGoals' shorter runs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findModel } from '../model/registry.js';
import { LOSSY_TEST_STATES, pvcheck } from './support/cli.js';
import { pinnedDefault } from './support/pinnedDefaults.js';
import { scratchDir } from './support/tmp.js';

const dir = scratchDir('pvcheck-store-goals-limiter-');
const goalsOf = (name: string): string[] => (findModel(name)!.goals ?? []).map((g) => g.name);

test('the tests\' bound on lossy runs: leaving L3 out searches netback\'s whole timer space, which the bound stops; within the bound, or with a --max-states of its own, a lossy run is left alone', () => {
  // -i without L3: the whole space under netback's timer (10.8 M states, minutes): the helper's bound fails the test that asked for it
  assert.ok(LOSSY_TEST_STATES < 10_000_000);
  // (--max-depth 24, ~300,000 states, only keeps this test short should the helper lose its bound)
  assert.throws(() => pvcheck(['check', 'limiter', '--store', 'bitstate', '-i', 'L1_credit_in_range', '--max-depth', '24', '-q'], dir, {}, 150_000), /reached 150,000 states \(test\/support\/cli\.ts LOSSY_TEST_STATES\)/);
  assert.is(pvcheck(['check', 'vif', '--store', 'bitstate', '-q'], dir, {}, 150_000).code, 3);
  const own = pvcheck(['check', 'limiter', '--store', 'bitstate', '-i', 'L1_credit_in_range', '--max-states', '1000', '--json', '-q'], dir, {}, 150_000);
  assert.is(JSON.parse(own.out).incompleteReason, 'max-states');
});

test("limiter --store bitstate at its defaults stops where the full store does (its finding L3 in as many steps and states as test/pinned.json's limiter entry)", () => {
  const r = pvcheck(['check', 'limiter', '--store', 'bitstate', '--json', '-q', '--trace-out', 'limiter-l3.trace.json'], dir);
  assert.is(r.code, 1, r.err);
  const j = JSON.parse(r.out);
  const pinned = pinnedDefault('limiter').entry;
  assert.match(pinned.violation ?? '', /^L3_work_per_window in \d+ steps$/, "test/pinned.json's limiter entry names L3");
  assert.is(`${j.violation.property} in ${j.violation.length} steps`, pinned.violation);
  assert.is(j.distinctStates, pinned.states, 'the states the full store visits (test/pinned.json)');
  assert.equal(j.goalsUnchecked, goalsOf('limiter'));
});

test.run();
