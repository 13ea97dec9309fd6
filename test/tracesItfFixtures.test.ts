/**
 * ITF against files that toItf did not write (issue 19): a file written by
 * hand after ADR-015 in pvcheck's layout (toItf must write it byte for byte,
 * fromItf must read it to the trace written out literally below), a
 * hand-written file in the forms other tools use (#tup, #set, #map, plain
 * JSON integers), and a file written by Quint itself (its simulator on
 * test/fixtures/itf/itfvalues.qnt; regenerate.sh there rewrites it). Each
 * covers top-level booleans, negatives, None and integers past 32 bits; a
 * top-level *string* "true" guards against booleans written as strings and
 * turned back on import (a round trip cannot see that).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromItf, parseTrace, serializeTrace, toItf, type Trace } from '../traces/index.js';

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`./fixtures/itf/${name}`, import.meta.url)), 'utf8');
const right = <A>(r: E.Either<string, A>): A => {
  if (E.isLeft(r)) assert.unreachable(r.left);
  return (r as E.Right<A>).right;
};

/** The trace of pvcheck-values.itf.json, written out by hand. */
const values: Trace = {
  format: 'pvcheck-trace',
  version: 1,
  model: 'itf-values',
  params: { ringSize: 2, hostile: true, mode: 'strict' },
  property: { name: 'no_negative_credit', kind: 'invariant', description: 'credit >= 0' },
  steps: [
    { action: 'init', rule: null, state: { ready: false, credit: 0, big: 4294967296, mode: 'true', ring: [], ends: { req_prod: 0, blocked: false }, ref: null } },
    {
      action: 'push(-3)', rule: 'push', choice: -3,
      state: { ready: true, credit: -3, big: -9007199254740991, mode: 'false', ring: [-3], ends: { req_prod: 1, blocked: true }, ref: null },
    },
    {
      action: 'grant', rule: 'grant',
      state: { ready: false, credit: -3, big: 9007199254740991, mode: 'true', ring: [-3, null], ends: { req_prod: 1, blocked: false }, ref: 8 },
    },
  ],
  command: 'pvcheck check itf-values',
  created: '2025-06-01T12:00:00.000Z',
};

test('pvcheck-values.itf.json (hand-written): serializeTrace writes it byte for byte', () => {
  const text = fixture('pvcheck-values.itf.json');
  const ours = right(serializeTrace(values, 'itf'));
  if (ours !== text) {
    const a = ours.split('\n'), b = text.split('\n');
    const k = a.findIndex((l, i) => l !== b[i]);
    assert.unreachable(`line ${k + 1} differs:\n  toItf:   ${a[k]}\n  fixture: ${b[k]}`);
  }
});

test('pvcheck-values.itf.json (hand-written): read back to the literal trace, top-level booleans and strings kept apart', () => {
  const t = right(parseTrace(fixture('pvcheck-values.itf.json')));
  assert.equal(t, values);
  const s0 = t.steps[0]!.state as Record<string, unknown>;
  assert.is(s0.ready, false);
  assert.is(s0.mode, 'true');
  assert.is(s0.ref, null);
  assert.is((t.steps[1]!.state as Record<string, unknown>).big, -9007199254740991);
});

test('foreign-values.itf.json (hand-written, another tool\'s forms): #tup, #set, #map, plain integers, None and Some', () => {
  const t = right(fromItf(JSON.parse(fixture('foreign-values.itf.json'))));
  assert.equal(t, {
    format: 'pvcheck-trace',
    version: 1,
    model: 'netfront.tla',
    params: {},
    property: { name: '', kind: 'none' },
    steps: [
      {
        action: 'init', rule: null,
        state: { connected: false, req_prod: 0, events: [], slots: [], xs: { 'backend/vif/1/0/state': 1 }, peer: [-1, 'XenbusStateInitialising', true], grant: null },
      },
      {
        action: null, rule: null,
        state: {
          connected: true, req_prod: -2147483649, events: [1, false], slots: [3, 0],
          xs: { 'backend/vif/1/0/state': 4, 'frontend/tx-ring-ref': '8' },
          peer: [0, 'XenbusStateConnected', false], grant: { tag: 'Some', value: 9007199254740991 },
        },
      },
    ],
  } satisfies Trace);
});

// --- the file Quint wrote

/** quint-itfvalues.itf.json as a pvcheck trace: Quint's sets, tuples and maps become lists and records. */
const quintSteps = [
  { big: 4294967296, credit: 0, ends: { blocked: false, req_prod: 0, rsp_prod: 0 }, granted: [], name: 'XenbusStateInitialising', pair: [0, false], ready: false, ref: null, ring: [], xs: { 'backend/state': '1' } },
  { big: 8589934593, credit: -3, ends: { blocked: true, req_prod: 1, rsp_prod: 0 }, granted: [1], name: 'XenbusStateInitWait', pair: [-1, true], ready: true, ref: null, ring: [1], xs: { 'backend/state': '1', 'frontend/ring-ref': '-1' } },
  { big: 17179869188, credit: -6, ends: { blocked: false, req_prod: 2, rsp_prod: 0 }, granted: [1, 2], name: 'XenbusStateConnected', pair: [-2, false], ready: false, ref: { tag: 'Some', value: 2 }, ring: [1, 2], xs: { 'backend/state': '1', 'frontend/ring-ref': '8' } },
  { big: 34359738377, credit: -9, ends: { blocked: true, req_prod: 3, rsp_prod: 0 }, granted: [1, 2], name: 'XenbusStateInitWait', pair: [-1, true], ready: true, ref: null, ring: [1, 2, 1], xs: { 'backend/state': '1', 'frontend/ring-ref': '-1' } },
];

test('quint-itfvalues.itf.json (written by Quint 0.33.1): read to the states and actions Quint took', () => {
  const t = right(parseTrace(fixture('quint-itfvalues.itf.json')));
  assert.is(t.model, 'itfvalues.qnt');
  assert.equal(t.property, { name: '', kind: 'none' });
  assert.equal(t.steps.map((s) => [s.action, s.rule]), [['init', null], ['step', 'step'], ['step', 'step'], ['step', 'step']]);
  // Quint names its nondeterministic picks by variable (`v = oneOf(Set(1, 2))`, then push(v)):
  // each step's choice is the value picked, which is the value the step appended to `ring`
  assert.not.ok('choice' in t.steps[0]!, 'step 0 picks nothing (v is None)');
  const pushed = quintSteps.slice(1).map((s) => s.ring[s.ring.length - 1]);
  assert.equal(pushed, [1, 2, 1]);
  assert.equal(t.steps.slice(1).map((s) => s.choice), pushed);
  assert.equal(t.steps.map((s) => s.state), quintSteps);
});

test('quint-itfvalues.itf.json: toItf writes the values pvcheck has a form for exactly as Quint does', () => {
  const raw = JSON.parse(fixture('quint-itfvalues.itf.json')) as { states: Record<string, unknown>[] };
  const t = right(parseTrace(fixture('quint-itfvalues.itf.json')));
  const ours = right(toItf(t));
  // integers, booleans, strings, lists, records and the None/Some variants: the same text;
  // sets, tuples and maps are read as lists and records, so they are not written back as Quint wrote them
  const same = ['big', 'credit', 'ends', 'name', 'ready', 'ref', 'ring'];
  raw.states.forEach((q, i) => {
    for (const v of same) assert.is(JSON.stringify(ours.states[i]![v]), JSON.stringify(q[v]), `state ${i}, ${v}`);
    assert.is(ours.states[i]!['mbt::actionTaken'], q['mbt::actionTaken']);
  });
});

test.run();
