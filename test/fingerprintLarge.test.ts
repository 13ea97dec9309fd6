/**
 * The fingerprint table past the sizes the other tests reach: a table that
 * stopped growing at 2^20 slots (issue 19) hung the suite, since no test
 * passed 786,432 states (3/4 of 2^20). Here the table grows past 2^20 slots
 * with ids and past 2^24 slots without (13 million fingerprints), and a whole
 * search passes 2^20 slots (1,048,576 states, counts known by construction).
 * A table that stops growing makes this file hang, and the runner's time
 * limit fails it by name.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FingerprintSet } from '../checker/fingerprint.js';
import { check } from '../checker/explore.js';
import type { System } from '../checker/system.js';

/** A deterministic stream of 64-bit fingerprints (two 32-bit xorshift lanes), distinct with overwhelming probability. */
function stream(seed: number) {
  let a = seed | 1, b = (seed * 2654435761) | 7;
  return (): [number, number] => {
    a ^= a << 13; a ^= a >>> 17; a ^= a << 5;
    b ^= b << 7; b ^= b >>> 9; b ^= b << 8;
    return [a >>> 0, b >>> 0];
  };
}

function fill(set: FingerprintSet, n: number, seed: number): void {
  const next = stream(seed);
  for (let i = 0; i < n; i++) {
    const [h, l] = next();
    const r = set.insert(h, l, i);
    if (r !== -1) assert.unreachable(`fingerprint ${i} (${h}:${l}) reported as already present (${r})`);
  }
}

test('with ids: 800,000 fingerprints, past 2^20 slots; every id comes back', () => {
  const set = new FingerprintSet(true);
  const n = 800_000; // > 3/4 of 2^20
  fill(set, n, 42);
  assert.is(set.size, n);
  assert.ok(set.capacity > 1 << 20, `capacity ${set.capacity}`);
  assert.ok(set.capacity * 3 >= set.size * 4);
  const next = stream(42);
  for (let i = 0; i < n; i++) {
    const [h, l] = next();
    if (set.lookup(h, l) !== i) assert.unreachable(`id of fingerprint ${i}: ${set.lookup(h, l)}`);
    if (i % 101 === 0 && set.insert(h, l, 0) !== i) assert.unreachable(`re-insert of ${i}`);
  }
  assert.is(set.size, n);
  const other = stream(7);
  for (let i = 0; i < 1000; i++) assert.is(set.lookup(...other()), -1);
});

test('without ids: 13,000,000 fingerprints, past 2^24 slots; all present, others absent', () => {
  const set = new FingerprintSet(false);
  const n = 13_000_000; // > 3/4 of 2^24 = 12,582,912
  fill(set, n, 1234567);
  assert.is(set.size, n);
  assert.ok(set.capacity > 1 << 24, `capacity ${set.capacity}`);
  const next = stream(1234567);
  for (let i = 0; i < n; i++) {
    const [h, l] = next();
    if (i % 13 === 0 && set.lookup(h, l) !== 0) assert.unreachable(`fingerprint ${i} lost`);
  }
  const other = stream(99);
  for (let i = 0; i < 1000; i++) assert.is(set.lookup(...other()), -1);
});

test('a search past 2^20 slots: two counters 1024 x 1024, 1,048,576 states, 2,095,104 edges, depth 2046', () => {
  interface S { a: number; b: number }
  const sys: System<S> = {
    init: [{ a: 0, b: 0 }],
    rules: [
      { name: 'A', when: (s) => s.a < 1023, then: (d: S, s) => void (d.a = s.a + 1) },
      { name: 'B', when: (s) => s.b < 1023, then: (d: S, s) => void (d.b = s.b + 1) },
    ],
    invariants: [],
    isValidEnd: () => true,
    flat: [{ name: 'a', bits: 10 }, { name: 'b', bits: 10 }],
  };
  const r = check(sys);
  assert.is(r.outcome, 'ok');
  assert.is(r.distinctStates, 1 << 20);
  assert.is(r.edges, 2 * 1024 * 1023);
  assert.is(r.depth, 2 * 1023);
  assert.is(r.terminalStates, 1);
});

test.run();
