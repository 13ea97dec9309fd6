/**
 * checker/flat.ts `same`: whether a flat state still packs to given words,
 * without packing it (the packed path's check that no rule wrote to the state
 * it expanded, for a flat layout since session 34). Its reference is `pack`
 * itself: pack's words equal the given ones, and false where pack throws (a
 * value outside its field). On the states of a search prefix of the word-level
 * models (ring-weak-flat, xenbus-flat: fields of 1 to 30 bits, several a word)
 * and of a layout with a 32-bit field, each state unpacked and mutated as a
 * rule writing its input would: a field set to another state's value (often
 * equal, often not), to a value out of its bits, a fraction, a negative, NaN,
 * a string, a boolean; an extra key. Both answers must occur, so a `same` that
 * always says yes (or no) fails.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { check } from '../checker/search.js';
import { flatCodec } from '../checker/flat.js';
import type { FlatFields } from '../checker/system.js';
import { bind } from '../properties/bind.js';
import { resolveParams } from '../model/params.js';
import { ringWeakFlat } from '../model/ringWeakFlat.js';
import { xenbusFlat } from '../model/xenbusFlat.js';
import type { Model } from '../model/core.js';

/** A small deterministic generator (mulberry32). */
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};

const BAD: unknown[] = [-1, 2 ** 32, 0.5, NaN, 'bogus', null, undefined, true, 1e9];

/** Checks `same` against pack on `states` (each packed, unpacked, mutated); returns how often each answer came. */
function against(fields: FlatFields, states: readonly Record<string, number>[], seed: number): { yes: number; no: number } {
  const c = flatCodec<Record<string, unknown>>(fields);
  const w = new Uint32Array(c.words), t = new Uint32Array(c.words);
  const packsTo = (x: Record<string, unknown>): boolean => {
    try {
      c.pack(x, t);
    } catch (e) {
      if (e instanceof RangeError) return false;
      throw e;
    }
    for (let j = 0; j < c.words; j++) if (t[j] !== w[j]) return false;
    return true;
  };
  const r = rng(seed);
  const tally = { yes: 0, no: 0 };
  const into = c.unpackReused();
  states.forEach((s, i) => {
    c.pack(s, w);
    assert.ok(c.same(s, w, 0), `state ${i}`);
    assert.ok(c.same(c.unpack(w, 0), w, 0), `state ${i} unpacked`);
    const big = new Uint32Array(c.words * 3);
    big.set(w, c.words);
    assert.ok(c.same(s, big, c.words), `state ${i} at an offset`);
    if (w.some((x) => x !== 0)) assert.not.ok(c.same(s, big, 0), `state ${i} against other words (zeros)`);
    for (let m = 0; m < 6; m++) {
      const x = m % 2 ? into(w, 0) : c.unpack(w, 0);
      const f = fields[Math.floor(r() * fields.length)]!.name;
      const kind = r();
      let what: string;
      if (kind < 0.6) {
        const other = states[Math.floor(r() * states.length)]!;
        x[f] = other[f];
        what = `${f} = ${other[f]} (another state's)`;
      } else if (kind < 0.95) {
        const v = BAD[Math.floor(r() * BAD.length)];
        x[f] = v;
        what = `${f} = ${String(v)}`;
      } else {
        x.bogus = 1;
        what = 'a key the layout does not name';
      }
      const want = packsTo(x);
      assert.is(c.same(x, w, 0), want, `state ${i}: ${what}`);
      tally[want ? 'yes' : 'no']++;
    }
  });
  return tally;
}

function prefix(m: Model<any, any>, params: Record<string, string>, n: number): { fields: FlatFields; states: Record<string, number>[] } {
  const p = resolveParams(m.params, params);
  if (p._tag === 'Left') throw new Error(p.left);
  const sys = bind(m, p.right);
  if (sys._tag === 'Left') throw new Error(sys.left);
  const states: Record<string, number>[] = [];
  check(sys.right, { maxStates: n, onState: (s) => void states.push({ ...(s as Record<string, number>) }) });
  return { fields: sys.right.flat!, states };
}

for (const [m, params] of [
  [ringWeakFlat, { memory: 'weak', frontend: 'hostile', ringSize: '2', messages: '3' }],
  [xenbusFlat, { events: '4', guestClose: '1', reconnect: '1' }],
] as const)
  test(`same = (pack equals the words) on states and mutated states (${m.name})`, () => {
    const { fields, states } = prefix(m, params, 1500);
    assert.ok(fields.length > 20 && states.length === 1500);
    const tally = against(fields, states, m.name.length * 7919);
    assert.ok(tally.yes > 300 && tally.no > 300, `both answers (${tally.yes} same, ${tally.no} different)`);
  });

test('a 32-bit field, a 1-bit one and fields filling a word: same = pack on random values and mutations', () => {
  const fields: FlatFields = [
    { name: 'a', bits: 3 }, { name: 'b', bits: 29 }, { name: 'c', bits: 32 }, { name: 'd', bits: 1 }, { name: 'e', bits: 30 },
  ];
  const r = rng(42);
  const states = Array.from({ length: 400 }, () => Object.fromEntries(fields.map((f) => [f.name, Math.floor(r() * 2 ** f.bits)])));
  const tally = against(fields, states, 7);
  assert.ok(tally.yes > 100 && tally.no > 100, `both answers (${tally.yes} same, ${tally.no} different)`);
});

test.run();
