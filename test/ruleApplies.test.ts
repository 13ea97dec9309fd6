/**
 * Rule.applies: a rule that does not exist at the given parameters never
 * fires and is not counted in coverage; at parameters where it exists it is a
 * rule like any other. And the ring model's use of it: at its defaults no rule
 * is reported as never fired.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defineModel } from '../model/core.js';
import { boolParam, defineParams } from '../model/params.js';
import { findModel } from '../model/registry.js';
import { paramsOf, runModel } from './support/models.js';

const counter = defineModel<{ x: number }, { turbo: boolean }>({
  name: 'counter',
  description: 'x counts to 4 by one, or by two with turbo',
  params: defineParams({ turbo: boolParam({ default: false, doc: 'the turbo rule exists' }) }),
  init: () => [{ x: 0 }],
  rules: [
    { name: 'inc', when: (s) => s.x < 4, then: (d, s) => { d.x = s.x + 1; } },
    { name: 'inc2', applies: (p) => p.turbo, when: (s) => s.x < 3, then: (d, s) => { d.x = s.x + 2; } },
  ],
  invariants: [],
  isValidEnd: (s) => s.x === 4,
});

test('a rule that does not apply never fires, even with its guard true, and is left out of coverage', () => {
  const r = runModel(counter, paramsOf(counter, {}));
  assert.is(r.outcome, 'ok');
  assert.is(r.distinctStates, 5);
  assert.is(r.edges, 4);
  assert.equal(r.coverage.map((c) => c.rule), ['inc']);
  assert.equal(r.neverFired, []);
});

test('where it applies it is an ordinary rule', () => {
  const r = runModel(counter, paramsOf(counter, { turbo: true }));
  assert.is(r.distinctStates, 5);
  assert.is(r.edges, 7); // inc from 0..3, inc2 from 0..2
  assert.equal(r.coverage, [{ rule: 'inc', fired: 4 }, { rule: 'inc2', fired: 3 }]);
});

test('ring: at its defaults and under tso, every rule that exists fires', () => {
  const ring = findModel('ring')!;
  const settings: Record<string, string | number>[] = [{}, { memory: 'tso', ringSize: 2, messages: 3 }];
  for (const ov of settings) {
    const r = runModel(ring, paramsOf(ring, ov));
    assert.is(r.outcome, 'ok');
    assert.equal(r.neverFired, [], JSON.stringify(ov));
    assert.ok(r.coverage.every((c) => !c.rule.startsWith('rx.') && !c.rule.startsWith('hostile_write')));
  }
});

test.run();
