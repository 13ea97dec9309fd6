/**
 * hashValue, the structural fingerprint of non-flat states, against
 * canonicalString (the definition of state equality): equal data gives equal
 * fingerprints whatever the key order or freezing, and different data gives
 * different ones (no collision among thousands of random values).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { runs } from './support/fc.js';
import { freeze } from 'immer';
import { canonicalString, hashValue } from '../checker/fingerprint.js';

const fpOf = (v: unknown) => {
  const out = new Uint32Array(2);
  hashValue(v, out);
  return `${out[0]}:${out[1]}`;
};
const data = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.integer({ min: -5, max: 5 }),
    fc.constantFrom(0x7fffffff, 0xffffffff, -0x80000000, 1.5, 2 ** 40),
    fc.string({ maxLength: 3 }),
    fc.boolean(),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 2 }), tie('value'), { maxKeys: 3 }),
  ),
})).value;

const reorder = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(reorder);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reorder(x)]));
  return v;
};

test('equal data, equal fingerprint: key order and freezing do not matter', () => {
  fc.assert(
    fc.property(data, (v) => {
      const a = fpOf(v);
      assert.is(fpOf(reorder(v)), a);
      assert.is(fpOf(freeze(structuredClone(v), true)), a);
      assert.is(fpOf(freeze(structuredClone(v), true)), a); // memoised path
    }),
    { numRuns: runs(500) },
  );
});

test('different data, different fingerprint', () => {
  const seen = new Map<string, string>();
  fc.assert(
    fc.property(data, (v) => {
      const c = canonicalString(v);
      const f = fpOf(v);
      const prev = seen.get(f);
      if (prev !== undefined) assert.is(prev, c, `collision: ${prev} vs ${c}`);
      seen.set(f, c);
    }),
    { numRuns: runs(3000) },
  );
  assert.ok(seen.size > 500, 'enough distinct values were tried');
  assert.is.not(fpOf([1, 2]), fpOf([2, 1]));
  assert.is.not(fpOf({ a: 1 }), fpOf({ b: 1 }));
  assert.is.not(fpOf([1]), fpOf({ 0: 1 }));
  assert.is.not(fpOf('1'), fpOf(1));
});

test.run();
