/**
 * The generated code of checker/symmetry.ts (images, the first-use ranking,
 * dependent relabelling as tables) against its table-driven loops
 * (`new Symmetry(..., false)`), word for word, on every state of a small
 * synthetic shape that has what grant's shape lacks: a value whose set depends
 * on another field and may be an element of the first-use set, beside a
 * static one, an array indexed by the first-use set and another set.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { shapeCodec } from '../checker/codec.js';
import { Symmetry } from '../checker/symmetry.js';
import { array, int, record } from '../model/shape.js';

const shape = record({
  kind: int(0, 2),
  // an element of h when kind is 1, of r when kind is 2, a plain value otherwise
  x: int(0, 2, { on: ['kind'], elem: (k: number) => (k === 1 ? { set: 'h', from: 0 } : k === 2 ? { set: 'r', from: 0 } : undefined) }),
  y: int(-1, 2, 'h'),
  tab: array(int(0, 3), 3, 'h'),
  rs: array(int(0, 1), 2, 'r'),
});

test('generated symmetry code equals the table-driven loops on every state (first-use set with a dependent value)', () => {
  const codec = shapeCodec<any>(shape.piece);
  const sets = { h: 3, r: 2 };
  const fast = new Symmetry(codec as never, sets, 'h');
  const slow = new Symmetry(codec as never, sets, 'h', false);
  const w = new Uint32Array(codec.words), a = new Uint32Array(codec.words), b = new Uint32Array(codec.words);
  let n = 0, moved = 0;
  const classes = new Set<string>();
  for (let kind = 0; kind <= 2; kind++)
    for (let x = 0; x <= 2; x++)
      for (let y = -1; y <= 2; y++)
        for (let t = 0; t < 64; t++)
          for (let r = 0; r < 4; r++) {
            codec.pack({ kind, x, y, tab: [t & 3, (t >> 2) & 3, t >> 4], rs: [r & 1, r >> 1] }, w);
            fast.canonical(w, a);
            slow.canonical(w, b);
            assert.equal([...a], [...b], `state ${n}`);
            if (a.some((v, i) => v !== w[i])) moved++;
            classes.add(a.join());
            n++;
          }
  assert.is(n, 3 * 3 * 4 * 64 * 4);
  assert.ok(moved > n / 2, `${moved} of ${n} states are not their own representative`);
  assert.ok(classes.size < n / 3, `${classes.size} classes`);
});

test.run();
