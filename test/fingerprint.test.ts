/**
 * checker/fingerprint.ts against independent references: FingerprintSet
 * against a JS Map keyed by the fingerprint's string, canonicalString against
 * deep equality after a JSON round trip, hashWords' determinism and
 * sensitivity, and collisionProbability against the birthday bound worked out
 * by hand.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { runs } from './support/fc.js';
import { isDeepStrictEqual } from 'node:util';
import { FingerprintSet, canonicalString, collisionProbability, hashString, hashWords } from '../checker/fingerprint.js';
import { pooledTableBytes } from '../checker/store.js';

const RUNS = runs(200);

/** Fingerprints from a small range (many duplicates, long probe chains) mixed with full 32-bit ones. */
const word = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 0xffffffff }));
const fp = fc.tuple(word, word);

test('FingerprintSet = a Map of strings under random insertions, through several growths', () => {
  fc.assert(
    fc.property(fc.array(fp, { maxLength: 400 }), fc.boolean(), (xs, withIds) => {
      const set = new FingerprintSet(withIds, 2); // 4 slots: grows many times
      const ref = new Map<string, number>();
      xs.forEach(([h, l], id) => {
        // documented: the all-zero fingerprint is stored as (0, 1)
        const k = h === 0 && l === 0 ? '0:1' : `${h}:${l}`;
        const got = set.insert(h, l, id);
        if (ref.has(k)) assert.is(got, withIds ? ref.get(k)! : 0);
        else {
          assert.is(got, -1);
          ref.set(k, id);
        }
      });
      assert.is(set.size, ref.size);
      assert.ok(set.capacity * 3 >= set.size * 4, 'load factor stays at most 3/4');
      for (const [k, id] of ref) {
        const [h, l] = k.split(':').map(Number) as [number, number];
        assert.is(set.lookup(h, l), withIds ? id : 0);
      }
      // fingerprints never inserted are absent
      for (const [h, l] of [[0xdeadbeef, 0x12345678], [41, 0xffffffff]] as const)
        if (!ref.has(`${h}:${l}`)) assert.is(set.lookup(h, l), -1);
    }),
    { numRuns: RUNS },
  );
});

test('FingerprintSet: 200000 distinct random fingerprints, ids kept across growth', () => {
  const set = new FingerprintSet(true, 4);
  const ref = new Map<string, number>();
  let x = 0x12345678;
  const rnd = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  for (let i = 0; i < 200000; i++) {
    const h = rnd(), l = rnd();
    const k = `${h}:${l}`;
    const got = set.insert(h, l, i);
    assert.is(got, ref.has(k) ? ref.get(k)! : -1);
    if (!ref.has(k)) ref.set(k, i);
  }
  assert.is(set.size, ref.size);
  let i = 0;
  for (const [k, id] of ref) if (i++ % 97 === 0) {
    const [h, l] = k.split(':').map(Number) as [number, number];
    assert.is(set.lookup(h, l), id);
  }
});

test('FingerprintSet.release: the next set takes its growable buffers, zeroed where it views them (the same slots, ids and answers as a fresh set); the released set finds nothing and refuses insertions', () => {
  const fill = (set: FingerprintSet, n: number, seed: number, id0: number) => {
    let x = seed;
    const rnd = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
    const fps: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      const f: [number, number] = [rnd(), rnd()];
      assert.is(set.insert(f[0], f[1], id0 + i), -1);
      fps.push(f);
    }
    return fps;
  };
  const slots = (set: FingerprintSet) => {
    const out: number[] = [];
    set.forEach((h, l, id) => out.push(h, l, id));
    return out;
  };
  for (const withIds of [false, true]) {
    // the first: past 2^17 slots (growable from 2^16), its buffers released to the pool
    const a = new FingerprintSet(withIds);
    const old = fill(a, 120_000, 7, 0);
    a.release();
    assert.ok(pooledTableBytes().t >= (2 ** 18 + 4096) * 8, JSON.stringify(pooledTableBytes()));
    assert.is(pooledTableBytes().ids > 0, withIds);
    assert.is(a.lookup(old[0]![0], old[0]![1]), -1);
    assert.throws(() => a.insert(1, 2, 3), /used after its search released it/);
    // the second takes them (the pool is empty again), smaller than the first: every doubling views old contents
    const b = new FingerprintSet(withIds);
    const fps = fill(b, 50_000, 11, 1000);
    assert.equal(pooledTableBytes(), { t: 0, ids: 0 });
    // a third with the same fingerprints in fresh buffers (the pool is empty): slot for slot the same
    const c = new FingerprintSet(withIds);
    fill(c, 50_000, 11, 1000);
    // compared by hand (uvu's diff of two 150,000-number arrays takes minutes): the first slot that differs, if any
    const [sb, sc] = [slots(b), slots(c)];
    const at = sb.findIndex((v, i) => v !== sc[i]);
    assert.ok(sb.length === sc.length && at < 0, `${sb.length / 3} against ${sc.length / 3} entries, first difference at entry ${Math.floor(at / 3)}`);
    assert.is(b.size, 50_000);
    for (let i = 0; i < old.length; i += 101) assert.is(b.lookup(old[i]![0], old[i]![1]), -1, 'an older table\'s fingerprint');
    for (let i = 0; i < fps.length; i += 7) assert.is(b.lookup(fps[i]![0], fps[i]![1]), withIds ? 1000 + i : 0);
    b.release();
    c.release();
  }
});

/** Rebuilds a value with every object's keys in reverse insertion order. */
function reorder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reorder);
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    // defineProperty, not `o[k] =`: fc.jsonValue() may generate a '__proto__' key.
    for (const k of Object.keys(v).reverse())
      Object.defineProperty(o, k, { value: reorder((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
    return o;
  }
  return v;
}

test('canonicalString: independent of key order', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      assert.is(canonicalString(reorder(v)), canonicalString(v));
    }),
    { numRuns: RUNS },
  );
  assert.is(canonicalString({ b: 1, a: [{ d: 2, c: 3 }] }), canonicalString({ a: [{ c: 3, d: 2 }], b: 1 }));
});

test('canonicalString: equal iff the values are deeply equal (after a JSON round trip)', () => {
  const json = (v: unknown) => JSON.parse(JSON.stringify(v));
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 3 }), fc.jsonValue({ maxDepth: 3 }), (a, b) => {
      assert.is(canonicalString(a) === canonicalString(b), isDeepStrictEqual(json(a), json(b)));
    }),
    { numRuns: RUNS },
  );
  // near misses that a careless serialisation would merge
  const distinct: unknown[] = [1, '1', [1], { a: 1 }, { a: '1' }, { a: [1] }, [1, 2], [[1], 2], [1, [2]], ['a,b'], ['a', 'b'],
    { 'a,b': 1 }, { a: 1, b: 1 }, null, true, 'true', {}, [], '', { a: null }, { a: { b: 1 } }, { 'a.b': 1 }, ['{}']];
  const strs = distinct.map(canonicalString);
  assert.is(new Set(strs).size, distinct.length, strs.join(' | '));
  // undefined fields are dropped, as JSON does
  assert.is(canonicalString({ a: 1, b: undefined }), canonicalString({ a: 1 }));
  assert.throws(() => canonicalString({ m: new Map() }), /plain data/);
});

test('hashWords: deterministic, and sensitive to every bit of every word and to the length', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 8 }), fc.nat(), (ws, pick) => {
      const w = Uint32Array.from(ws);
      const a = new Uint32Array(2), b = new Uint32Array(2);
      hashWords(w, w.length, a);
      hashWords(Uint32Array.from(ws), w.length, b);
      assert.equal([...a], [...b]);
      const i = pick % w.length, bit = (pick >>> 3) % 32;
      const w2 = Uint32Array.from(ws);
      w2[i] = (w2[i]! ^ (1 << bit)) >>> 0;
      hashWords(w2, w2.length, b);
      assert.not.equal([...a], [...b], `flipping bit ${bit} of word ${i} left the hash unchanged`);
      // a trailing zero word is a different state (more fields)
      const w3 = new Uint32Array(w.length + 1);
      w3.set(w);
      hashWords(w3, w3.length, b);
      assert.not.equal([...a], [...b]);
      // words past n are ignored
      hashWords(w3, w.length, b);
      assert.equal([...a], [...b]);
    }),
    { numRuns: RUNS },
  );
});

test('hashWords: no collision among 100000 one-hot and small-integer inputs (64 bits)', () => {
  const seen = new Set<string>();
  const out = new Uint32Array(2);
  const w = new Uint32Array(3);
  let n = 0;
  for (let a = 0; a < 50; a++) for (let b = 0; b < 50; b++) for (let c = 0; c < 40; c++) {
    w[0] = a; w[1] = b; w[2] = c;
    hashWords(w, 3, out);
    seen.add(`${out[0]}:${out[1]}`);
    n++;
  }
  assert.is(seen.size, n);
});

test('hashString: the same string gives the same fingerprint, different strings differ', () => {
  const a = new Uint32Array(2), b = new Uint32Array(2);
  hashString('{"a":1}', a);
  hashString('{"a":1}', b);
  assert.equal([...a], [...b]);
  for (const s of ['{"a":2}', '{"a":1} ', '', 'a', 'a\u0000']) {
    hashString(s, b);
    assert.not.equal([...a], [...b], s);
  }
  // odd and even lengths are not merged by the two-chars-per-word packing
  hashString('ab', a);
  hashString('ab\u0000', b);
  assert.not.equal([...a], [...b]);
});

test('collisionProbability: the birthday bound d(d-1)/2^65, capped at 1', () => {
  assert.is(collisionProbability(0), 0);
  assert.is(collisionProbability(1), 0);
  assert.is(collisionProbability(2), 2 / 2 ** 65);
  // 10^6 states: 10^6 (10^6 - 1) / 36893488147419103232 = 2.710502...e-8
  assert.ok(Math.abs(collisionProbability(1e6) - 2.7105027e-8) < 1e-14);
  // 2^32 states: about one half
  assert.ok(Math.abs(collisionProbability(2 ** 32) - 0.5) < 1e-9);
  assert.is(collisionProbability(2 ** 33), 1);
  // monotone
  let prev = 0;
  for (const d of [10, 1e3, 1e5, 1e7, 1e9]) {
    const p = collisionProbability(d);
    assert.ok(p > prev);
    prev = p;
  }
});

test.run();
