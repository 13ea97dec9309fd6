/**
 * Every built-in model at its defaults gives test/pinned.json's `defaults`
 * entry (states, edges, depth, outcome, the declared finding and its length,
 * the pinned observables), one test per model, each on one thread in this
 * process (test/support/pinnedDefaults.ts; about 6 s of CPU in all). A
 * model's own test file may call the same check first (test/xenbus.test.ts);
 * this file is the one place that covers every model, so a mutant of any
 * model that moves a count is killed here in seconds, and a raised default
 * is one edit of test/pinned.json.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { builtinModels } from '../model/registry.js';
import { computedDefault, defaultsMoved, pinDefaults, pinnedDefault } from './support/pinnedDefaults.js';

for (const m of builtinModels) {
  test(`${m.name} at its defaults: test/pinned.json's figures`, () => {
    pinDefaults(m.name);
  });
}

test('the check can fail: each figure moved by one is named with the pinned and computed values and the line to change', () => {
  const { entry, line } = pinnedDefault('ring-notify');
  const got = computedDefault('ring-notify');
  assert.equal(defaultsMoved('ring-notify', entry, got, `test/pinned.json:${line}`), []);
  const where = `test/pinned.json:${line}`;
  assert.equal(defaultsMoved('ring-notify', entry, { ...got, states: got.states + 1 }, where),
    [`ring-notify at its defaults: states moved: pinned ${entry.states}, computed ${got.states + 1} (${where})`]);
  assert.equal(defaultsMoved('ring-notify', entry, { ...got, edges: got.edges - 1, depth: got.depth + 1 }, where).length, 2);
  assert.equal(defaultsMoved('ring-notify', entry, { ...got, outcome: 'violation', violation: 'R1 in 3 steps' }, where),
    [`ring-notify at its defaults: outcome moved: pinned "ok", computed "violation" (${where})`,
     `ring-notify at its defaults: violation moved: pinned null, computed "R1 in 3 steps" (${where})`]);
  // a finding's length and an observable are figures too
  const lim = pinnedDefault('limiter');
  const limGot = computedDefault('limiter');
  assert.ok(lim.entry.violation && lim.entry.observables, 'limiter pins a finding and observables');
  assert.is(defaultsMoved('limiter', lim.entry, { ...limGot, violation: lim.entry.violation!.replace(/\d+ steps/, '99 steps') }, 'x').length, 1);
  const [obs] = Object.keys(lim.entry.observables!);
  assert.is(defaultsMoved('limiter', lim.entry, { ...limGot, observables: { ...limGot.observables, [obs!]: { min: -1, max: -1, maxWitness: -1 } } }, 'x').length, 1);
  assert.is(defaultsMoved('limiter', lim.entry, { ...limGot, observables: {} }, 'x').length, Object.keys(lim.entry.observables!).length);
  assert.throws(() => pinnedDefault('no-such-model'), /no 'defaults' entry for model no-such-model/);
});

test.run();
