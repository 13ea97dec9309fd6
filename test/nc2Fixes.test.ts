/**
 * The fixes of the nc2 findings (docs/findings.md nc2-F1-bug-on and
 * nc2-F2-pad-stall; examples/nc2-space-clamp-fix.ts and
 * examples/nc2-pad-first-fix.ts): at each of a fix's check lines the built-in
 * reaches the finding and the fix verifies (the catalogue and pinned tests
 * check only the fix's declared result); each fix leaves an honest ring's
 * behaviour alone where the finding cannot arise (F1: the same graph with
 * honest peers); F1's fix is checked at its boundary by the model's own
 * hostile backend (a clamp off by one byte, or comparing signed, crashes at the
 * row; one from a ring behind is the same graph: the space is 0 there
 * anyway); and F2's fix needs both its parts: the lap of the last byte
 * alone still stalls at the finding's row, the pad sent alone still stalls
 * on a message as large as the ring. F3's fix (examples/nc2-pad-offset-fix.ts):
 * test/nc2FixesF3.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deriveModel, type Model } from '../model/core.js';
import { paramsOf, runModel } from './support/models.js';
import { nc2, spaceFor, CELL_PAD, type Nc2Params, type Nc2State } from '../model/nc2.js';
import type { Invariant } from '../model/core.js';
import clampFix, { clampFix as clampWith } from '../examples/nc2-space-clamp-fix.js';
import { idxSub } from '../model/idx32.js';
import padFirstFix, { padFix } from '../examples/nc2-pad-first-fix.js';

type M = Model<Nc2State, Nc2Params>;
const run = (m: M, o: Record<string, string>) => runModel(m, paramsOf(m, o));
const result = (m: M, o: Record<string, string>) => {
  const r = run(m, o);
  return r.violation ? `${r.violation.property} in ${r.violation.trace.length - 1}` : r.outcome;
};

test('F1: the built-in reaches H3_no_BUG_ON at the row, the fix verifies; with honest peers the fix is the same graph', () => {
  assert.is(result(nc2, { backend: 'hostile' }), 'H3_no_BUG_ON in 7');
  assert.is(result(clampFix, { backend: 'hostile' }), 'ok');
  const a = run(nc2, { messages: '2' }), b = run(clampFix, { messages: '2' });
  assert.equal([b.distinctStates, b.edges, b.depth, b.outcome], [a.distinctStates, a.edges, a.depth, a.outcome]);
});

test('F1: the hostile backend writes the fix\'s boundary: a clamp from ringBytes + 2 behind, or a signed comparison, hits the BUG_ON at the row', () => {
  const o = { backend: 'hostile' };
  // one byte too far: cons written ringBytes + 1 behind prod_pvt still wraps the space
  const offByOne = clampWith((x, c, p) => (idxSub(x, c) > p.ringBytes + 1 ? 0 : spaceFor(x, c, p)), 'nc2-clamp-off-by-one');
  assert.is(result(offByOne, o), 'H3_no_BUG_ON in 7');
  // signed: cons ahead of prod_pvt by one byte more than the message is negative, not clamped
  const signed = clampWith((x, c, p) => ((idxSub(x, c) | 0) > p.ringBytes ? 0 : spaceFor(x, c, p)), 'nc2-clamp-signed');
  assert.is(result(signed, o), 'H3_no_BUG_ON in 7');
  // from a ring behind (>=): at D = ringBytes the space is 0 either way, so the same graph as the fix
  const fromRing = clampWith((x, c, p) => (idxSub(x, c) >= p.ringBytes ? 0 : spaceFor(x, c, p)), 'nc2-clamp-from-ring');
  const m2 = { ...o, messages: '2' };
  const a = run(clampFix, m2), b = run(fromRing, m2);
  assert.equal([b.distinctStates, b.edges, b.outcome], [a.distinctStates, a.edges, 'ok']);
});

test('F2: the built-in stalls at each of the fix\'s lines, the fix verifies', () => {
  for (const [o, want] of [
    [{ maxMessage: '24' }, 'deadlock in 7'],
    [{ maxMessage: '32', messages: '2' }, 'deadlock in 7'],
    [{ maxMessage: '24', messages: '2', startIndex: '0' }, 'deadlock in 20'],
  ] as const) {
    assert.is(result(nc2, o), want, JSON.stringify(o));
    assert.is(result(padFirstFix, o), 'ok', JSON.stringify(o));
  }
});

test('F2: both parts of the fix are needed', () => {
  // the last byte's lap alone: a 24-byte message at offset 16 still asks for 16 + 24 of 32 bytes
  const lastByteOnly = padFix({ lastByteLap: true, padAlone: false });
  assert.is(result(lastByteOnly, { maxMessage: '24' }), 'deadlock in 7');
  // the pad sent alone: a message as large as the ring, at the ring's start, is padded by a whole ring, and again
  // on every lap (no deadlock, no progress); the invariant below says a pad never covers the whole ring
  const wholeRingPad: Invariant<Nc2State, Nc2Params> = {
    name: 'T_pad_shorter_than_ring', description: 'no pad covers the whole ring', see: 'test',
    holds: (s, p) => s.sring.every((sr) => sr.payload.every((c) => c.k !== CELL_PAD || c.size < p.ringBytes)),
  };
  const withPadCheck = (m: M) => deriveModel(m, { name: `${m.name}-pad-check`, description: m.description, add: [], invariants: [wholeRingPad] });
  const o = { maxMessage: '32', messages: '2' };
  assert.is(result(withPadCheck(padFix({ lastByteLap: false, padAlone: true })), o), 'T_pad_shorter_than_ring in 13');
  assert.is(result(withPadCheck(padFirstFix), o), 'ok');
});

test.run();
