/**
 * F3's fix (docs/findings.md nc2-F3, examples/nc2-pad-offset-fix.ts) verifies where the built-in loops on pads,
 * is the built-in's graph with honest peers, and fails as the built-in does without its o != 0 condition.
 * test/nc2Fixes's last two tests until session 34: mutant nc2-padfix-offset-zero-taken (the o != 0 lost), killed
 * only here, was killed at that file's test 5 after 30 s (npm run mutants -- --which, load 15-20), 20 s of it
 * F1's and F2's tests before; alone here its first test kills it, the fix's search before the built-in's.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Model } from '../model/core.js';
import { paramsOf, runModel } from './support/models.js';
import { nc2, type Nc2Params, type Nc2State } from '../model/nc2.js';
import padOffsetFix, { padOffsetFix as padOffsetWith } from '../examples/nc2-pad-offset-fix.js';

type M = Model<Nc2State, Nc2Params>;
const run = (m: M, o: Record<string, string>) => runModel(m, paramsOf(m, o));
const result = (m: M, o: Record<string, string>) => {
  const r = run(m, o);
  return r.violation ? `${r.violation.property} in ${r.violation.trace.length - 1}` : r.outcome;
};

test('F3: the built-in skips pads lap after lap at the fix\'s line; the fix verifies; with honest peers it is the built-in\'s graph', () => {
  const o = { backend: 'hostile', directions: '2', messages: '0' };
  // the fix first: without o != 0 it fails in 5 steps, sooner than its whole search
  assert.is(result(padOffsetFix, o), 'ok');
  assert.is(result(nc2, o), 'H5_pads_within_a_ring in 5');
  for (const h of [{ messages: '2' }, { directions: '2', messages: '1' }] as Record<string, string>[]) {
    const a = run(nc2, h), b = run(padOffsetFix, h);
    assert.equal([b.distinctStates, b.edges, b.depth, b.outcome], [a.distinctStates, a.edges, a.depth, 'ok'], JSON.stringify(h));
  }
});

test('F3: o != 0 is the condition the fix needs: a ring-sized pad taken at offset 0 loops as before; a pad of any size at a non-zero offset ends at the ring end at the latest', () => {
  const o = { backend: 'hostile', directions: '2', messages: '0' };
  const anyOffset = padOffsetWith((x, size, p) => size === p.ringBytes - (x & (p.ringBytes - 1)), 'nc2-pad-any-offset');
  assert.is(result(anyOffset, o), 'H5_pads_within_a_ring in 5');
  const anySize = padOffsetWith((x, _size, p) => (x & (p.ringBytes - 1)) !== 0, 'nc2-pad-any-size');
  assert.is(result(anySize, o), 'ok');
});

test.run();
