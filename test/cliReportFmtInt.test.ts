/**
 * cli/report.ts fmtInt formats a safe integer by hand (session 35: the first toLocaleString of a process loads
 * ICU's number formatting, 10-35 ms of CPU a check): the same text as `toLocaleString('en-US')`, which stays the
 * reference, for every length of integer, signs, and what is not a safe integer.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { runs } from './support/fc.js';
import { fmtInt } from '../cli/report.js';

const ref = (n: number): string => n.toLocaleString('en-US');

test('every number of digits from 1 to 16, both signs, and the edges', () => {
  const cases = [0, -0, 1, -1, 9, 10, 99, 100, 999, 1000, 1001, 9999, 10000, 123456, 1234567, 12345678, 999999999, 1000000000,
    Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, 2 ** 64, 1e21, 1.5, -1234.5678, NaN, Infinity, -Infinity];
  for (let d = 1; d <= 16; d++) cases.push(Number('9'.repeat(d)), Number('1' + '0'.repeat(d - 1)), -Number('5'.repeat(d)));
  for (const n of cases) assert.is(fmtInt(n), ref(n), String(n));
});

test('any safe integer: the text toLocaleString(\'en-US\') gives', () => {
  fc.assert(fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.integer({ min: -1e6, max: 1e6 })), (n) => fmtInt(n) === ref(n)), { numRuns: runs(2000) });
});

test.run();
