/**
 * model/params.ts perParams (session 25, 1e4981e): `make(p)` remembered per parameter record, the last
 * record checked first. What it gives for a record must be `make` of that record whichever records came
 * before (a model checked at two parameter records in one process: test files, check-all's rows), and
 * `make` runs once per record (the point of it: grant's choice lists and netif-ctrl's ~50 requests were
 * built on every state).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { perParams } from '../model/params.js';
import { dataRefs, grant } from '../model/grant.js';
import { paramsOf } from './support/models.js';

test('perParams: each record gets make of itself, once, whichever record was asked last; the same value (identity) on every call', () => {
  const made: number[] = [];
  const f = perParams((p: { n: number }) => {
    made.push(p.n);
    return Array.from({ length: p.n }, (_, i) => i);
  });
  const a = { n: 1 }, b = { n: 3 }, c = { n: 2 };
  const fa = f(a);
  assert.equal(fa, [0]);
  assert.is(f(a), fa, 'the last record: the same array');
  assert.equal(f(b), [0, 1, 2]);
  assert.equal(f(a), [0], 'a record asked before another: its own value, not the last one');
  assert.is(f(a), fa, 'from the memo, not made again');
  assert.equal(f(c), [0, 1]);
  assert.equal(f(b), [0, 1, 2]);
  assert.equal(f({ n: 1 }), [0], 'an equal but new record is made anew (records are keys by identity)');
  assert.equal(made, [1, 3, 2, 1], 'make ran once per record');
});

test("grant's dataRefs (a perParams list): refs=1 then refs=3 then refs=1 again in one process", () => {
  const p1 = paramsOf(grant, { refs: 1 });
  const p3 = paramsOf(grant, { refs: 3 });
  assert.equal(dataRefs(p1), [1]);
  assert.equal(dataRefs(p3), [1, 2, 3]);
  assert.equal(dataRefs(p1), [1]);
});

test.run();
