/**
 * ITF export and import: the shape of ADR-015 with Quint's MBT variables,
 * integers as #bigint, round trips, foreign ITF files.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { runs } from './support/fc.js';
import { fromItf, parseTrace, serializeTrace, toItf, type ItfTrace, type Trace } from '../traces/index.js';
import { arbJson, arbTrace } from './support/arbitraries.js';

const t1: Trace = {
  format: 'pvcheck-trace',
  version: 1,
  model: 'm',
  params: { n: 2, mode: 'hostile', strict: true },
  property: { name: 'safe', kind: 'invariant', description: 'x stays small' },
  steps: [
    { action: 'init', rule: null, state: { x: 0, ring: [1, 2], xs: { 'backend/vif/1/0/state': 'InitWait', ok: false } } },
    { action: 'put(-7)', rule: 'put', choice: -7, state: { x: -7, ring: [1, 2], xs: { 'backend/vif/1/0/state': 'InitWait', ok: false } } },
    { action: 'grow', rule: 'grow', state: { x: 9007199254740991, ring: [1, 2, 3], xs: { 'backend/vif/1/0/state': 'Connected', ok: true } } },
  ],
  command: 'pvcheck check m',
  created: '2025-01-01T00:00:00.000Z',
};

const right = <A>(r: E.Either<string, A>): A => {
  if (E.isLeft(r)) assert.unreachable(r.left);
  return (r as E.Right<A>).right;
};

test('toItf: ADR-015 shape, every integer a #bigint, MBT action and nondet picks', () => {
  const itf = right(toItf(t1));
  const meta = itf['#meta'];
  assert.is(meta.format, 'ITF');
  assert.is(meta['format-description'], 'https://apalache-mc.org/docs/adr/015adr-trace.html');
  assert.is(meta.source, 'm');
  assert.type(meta.description, 'string');
  assert.equal(itf.params, []);
  assert.equal(itf.vars, ['x', 'ring', 'xs', 'mbt::actionTaken', 'mbt::nondetPicks']);
  assert.is(itf.states.length, 3);
  const s1 = itf.states[1]!;
  assert.equal(s1['#meta'], { index: 1, rule: 'put' });
  assert.equal(s1.x, { '#bigint': '-7' });
  assert.equal(s1.ring, [{ '#bigint': '1' }, { '#bigint': '2' }]);
  assert.equal(s1.xs, { 'backend/vif/1/0/state': 'InitWait', ok: false });
  assert.is(s1['mbt::actionTaken'], 'put(-7)');
  assert.equal(s1['mbt::nondetPicks'], { choice: { tag: 'Some', value: { '#bigint': '-7' } } });
  assert.equal(itf.states[2]!.x, { '#bigint': '9007199254740991' });
  assert.equal(itf.states[2]!['mbt::nondetPicks'], { choice: { tag: 'None', value: { '#tup': [] } } });
  assert.is(itf.states[0]!['mbt::actionTaken'], 'init');
  // no JSON number anywhere in the states (the current ADR forbids them)
  const numbers: unknown[] = [];
  JSON.stringify(itf.states, (k, v) => {
    if (typeof v === 'number' && k !== 'index') numbers.push(v);
    return v;
  });
  assert.equal(numbers, []);
});

test('toItf: values ITF cannot carry are errors that name the step and field', () => {
  const bad = (state: unknown, choice?: unknown): string => {
    const t: Trace = { ...t1, steps: [t1.steps[0]!, { action: 'a', rule: 'a', ...(choice !== undefined ? { choice } : {}), state }] };
    const r = toItf(t);
    assert.ok(E.isLeft(r));
    return (r as E.Left<string>).left;
  };
  assert.match(bad({ x: 0.5, ring: [], xs: {} }), /^states\/1\/x: 0\.5 is not an integer/);
  assert.match(bad({ x: 1, ring: [0, 2.25], xs: {} }), /^states\/1\/ring\/1: 2\.25 is not an integer/);
  assert.match(bad({ x: 1, ring: [], xs: { '#bigint': '3' } }), /^states\/1\/xs\/#bigint: ITF record fields must not start with '#'/);
  assert.match(bad({ x: 1, ring: [], xs: {} }, 1.5), /^states\/1\/choice: 1\.5 is not an integer/);
});

const { key, value } = arbJson({ itf: true });

/** Record states whose fields are the same at every step (one ITF variable per field). */
const recordStates = fc
  .uniqueArray(key.filter((k) => !k.startsWith('mbt::')), { minLength: 1, maxLength: 4 })
  .chain((ks) => arbTrace(fc.tuple(...ks.map(() => value)).map((vs) => Object.fromEntries(ks.map((k, i) => [k, vs[i]]))), value));

test('null is written as Quint\'s None and reads back as null; a real {tag, value} record stays a record', () => {
  const t: Trace = { ...t1, steps: [t1.steps[0]!, { action: 'a', rule: 'a', state: { x: 1, ring: [null], xs: { a: null, b: { tag: 'None', value: [] } } } }] };
  const itf = right(toItf(t));
  const xs = (itf.states[1] as Record<string, any>)['xs'];
  assert.equal(xs.a, { tag: 'None', value: { '#tup': [] } });
  assert.equal(xs.b, { tag: 'None', value: [] });
  assert.equal(right(fromItf(JSON.parse(JSON.stringify(itf)))), t);
});

test('fromItf(toItf(t)) equals t: fixed example', () => {
  assert.equal(right(fromItf(right(toItf(t1)))), t1);
});

test('ITF round trip (fast-check): record states, arbitrary states, unknown actions', () => {
  for (const arb of [recordStates, arbTrace(value, value), arbTrace(value, value, { nullActions: true })])
    fc.assert(
      fc.property(arb, (t) => {
        const back = fromItf(JSON.parse(JSON.stringify(right(toItf(t)))));
        assert.equal(right(back), t);
        // and through the file text, detected as ITF by content
        assert.equal(right(parseTrace(right(serializeTrace(t, 'itf')))), t);
      }),
      { numRuns: runs(150) },
    );
});

test('fromItf: a foreign (Quint-style) ITF file without pvcheck metadata', () => {
  const foreign = {
    '#meta': { format: 'ITF', 'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html', source: 'ring.qnt', status: 'violation' },
    vars: ['req_prod', 'slots', 'xs', 'pair'],
    states: [
      { '#meta': { index: 0 }, req_prod: { '#bigint': '0' }, slots: { '#set': [] }, xs: { '#map': [['a', 1]] }, pair: { '#tup': [1, true] } },
      { '#meta': { index: 1 }, req_prod: 2, slots: { '#set': [{ '#bigint': '4' }] }, xs: { '#map': [] }, pair: { '#tup': [2, false] } },
      {
        '#meta': { index: 2 },
        req_prod: { '#bigint': '3' },
        slots: { '#set': [] },
        xs: { '#map': [] },
        pair: { '#tup': [2, false] },
        'mbt::actionTaken': 'put',
        'mbt::nondetPicks': { v: { tag: 'Some', value: { '#bigint': '1' } } },
      },
    ],
  };
  const t = right(fromItf(foreign));
  assert.is(t.model, 'ring.qnt');
  assert.equal(t.params, {});
  assert.equal(t.property, { name: '', kind: 'none' });
  assert.equal(t.steps, [
    { action: 'init', rule: null, state: { req_prod: 0, slots: [], xs: { a: 1 }, pair: [1, true] } },
    { action: null, rule: null, state: { req_prod: 2, slots: [4], xs: {}, pair: [2, false] } },
    // Quint's pick of `nondet v` is the step's choice (recorded under v's name in the file)
    { action: 'put', rule: 'put', choice: 1, state: { req_prod: 3, slots: [], xs: {}, pair: [2, false] } },
  ]);
});

test('fromItf: several Quint picks in one step are a record of the picks made; None picks are left out', () => {
  const t = right(
    fromItf({
      vars: ['x'],
      states: [
        { x: 0 },
        { x: 1, 'mbt::actionTaken': 'a', 'mbt::nondetPicks': { v: { tag: 'Some', value: 3 }, w: { tag: 'None', value: { '#tup': [] } }, n: { tag: 'Some', value: 'k' } } },
        { x: 2, 'mbt::actionTaken': 'b', 'mbt::nondetPicks': { v: { tag: 'None', value: { '#tup': [] } } } },
      ],
    }),
  );
  assert.equal(t.steps[1]!.choice, { v: 3, n: 'k' });
  assert.not.ok('choice' in t.steps[2]!);
});

test('fromItf: malformed ITF gives one line with the path', () => {
  const base = (states: unknown[], extra: object = {}): unknown => ({ vars: ['x'], states, ...extra });
  const cases: [unknown, RegExp][] = [
    [{ vars: ['x'] }, /^states: missing/],
    [base([]), /^states: expected at least one state/],
    [base([{ x: 1 }, 5]), /^states\/1: expected an object/],
    [base([{ x: 1 }, { y: 1 }]), /^states\/1\/x: missing \(listed in vars\)/],
    [base([{ x: { '#bigint': '1.5' } }]), /^states\/0\/x\/#bigint: expected a string of digits/],
    [base([{ x: { '#bigint': '123456789012345678901234' } }]), /^states\/0\/x: 123456789012345678901234 is too large/],
    [base([{ x: 2.5 }]), /^states\/0\/x: 2\.5 is not an integer/],
    [base([{ x: null }]), /^states\/0\/x: null is not an ITF value/],
    [base([{ x: { '#unserializable': 'Int' } }]), /^states\/0\/x: unserializable value "Int"/],
    [base([{ x: { '#map': [[1, 2]] } }]), /^states\/0\/x\/#map\/0\/0: only #map with string keys/],
    [base([{ x: 1 }, { x: 2, 'mbt::actionTaken': 3 }]), /^states\/1\/mbt::actionTaken: expected a string/],
    [base([{ x: 1 }], { loop: 0 }), /^loop: lasso traces/],
    [base([{ x: 1 }], { vars: 'x' }), /^vars: expected an array/],
  ];
  for (const [u, re] of cases) {
    const r = fromItf(u);
    assert.ok(E.isLeft(r), JSON.stringify(u));
    assert.match((r as E.Left<string>).left, re);
    assert.not.match((r as E.Left<string>).left, /\n/);
  }
});

test('ITF of a non-record state uses one variable `state`', () => {
  const t: Trace = { ...t1, steps: [{ action: 'init', rule: null, state: [1, 2] }, { action: 'a', rule: 'a', state: 3 }] };
  const itf: ItfTrace = right(toItf(t));
  assert.equal(itf.vars, ['state', 'mbt::actionTaken', 'mbt::nondetPicks']);
  assert.equal(itf.states[1]!.state, { '#bigint': '3' });
  assert.equal(right(fromItf(itf)), t);
});

test.run();
