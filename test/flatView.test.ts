/**
 * checker/flat.ts `view`: the read-only view of a flat state's packed words that a new state's
 * invariants, observables and goals read on the packed path (packed.ts `unpackFound`). Every field
 * it reads is `unpack`'s, at any offset, for layouts whose fields fill words, straddle their ends
 * and take 32 bits, and for fields named as the view's own properties; a write throws; a state
 * found by the search (`onState`, a clone of the view) is the plain record of its fields.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { flatCodec } from '../checker/flat.js';
import { check } from '../checker/search.js';
import type { System } from '../checker/system.js';
import type { FlatFields } from '../checker/system.js';

/** A small deterministic generator (the layouts and values below are the same every run). */
const rng = (seed: number) => () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);

const layouts: Record<string, FlatFields> = {
  'fields filling words, one left over': [{ name: 'a', bits: 3 }, { name: 'b', bits: 29 }, { name: 'c', bits: 1 }],
  'a field of 32 bits between narrow ones': [{ name: 'x', bits: 5 }, { name: 'wide', bits: 32 }, { name: 'y', bits: 7 }, { name: 'z', bits: 20 }],
  "fields named as the view's own": [{ name: '$w', bits: 4 }, { name: '$wo', bits: 9 }, { name: '$w$', bits: 2 }, { name: 'w', bits: 16 }, { name: 'o', bits: 30 }],
};

for (const [what, fields] of Object.entries(layouts)) {
  test(`view reads every field as unpack does (${what})`, () => {
    const c = flatCodec<Record<string, number>>(fields);
    const at = c.view();
    const r = rng(fields.length);
    const words = new Uint32Array(3 + 4 * c.words);
    for (let t = 0; t < 200; t++) {
      const s: Record<string, number> = {};
      for (const f of fields) s[f.name] = Math.floor(r() * 2 ** f.bits);
      const off = t % 4;
      c.pack(s, words.subarray(off, off + c.words));
      const v = at(words, off);
      const u = c.unpack(words, off);
      for (const f of fields) assert.is(v[f.name], s[f.name], `${f.name} at offset ${off}`);
      assert.equal(c.clone(v), u);
    }
  });
}

test('the view is read-only: a write throws and leaves the words', () => {
  const c = flatCodec<{ a: number; b: number }>([{ name: 'a', bits: 4 }, { name: 'b', bits: 4 }]);
  const w = new Uint32Array(1);
  c.pack({ a: 3, b: 9 }, w);
  const v = c.view()(w, 0);
  assert.throws(() => {
    (v as { a: number }).a = 5;
  });
  assert.is(w[0], 3 | (9 << 4));
});

test("a flat search's new states, as its invariants and onState see them, are the states its rules made", () => {
  // x counts up to 20, y = 3x mod 17: every state's fields known; an invariant fails at x = 13 if it reads y wrong
  type S = { x: number; pad: number; y: number };
  const seen: S[] = [];
  const sys: System<S> = {
    init: [{ x: 0, pad: 7, y: 0 }],
    rules: [{ name: 'step', when: (s) => s.x < 20, then: (d, s) => { d.x = s.x + 1; d.y = (3 * (s.x + 1)) % 17; } }],
    invariants: [{ name: 'y_is_3x', holds: (s) => s.y === (3 * s.x) % 17 && s.pad === 7 }],
    isValidEnd: (s) => s.x === 20,
    flat: [{ name: 'x', bits: 30 }, { name: 'pad', bits: 3 }, { name: 'y', bits: 5 }],
  };
  const r = check(sys, { onState: (s) => seen.push(s) });
  assert.is(r.outcome, 'ok');
  assert.is(r.distinctStates, 21);
  assert.equal(seen, Array.from({ length: 21 }, (_, x) => ({ x, pad: 7, y: (3 * x) % 17 })));
});

test.run();
