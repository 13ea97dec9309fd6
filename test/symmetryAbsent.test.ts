/**
 * Symmetry on packed words and absent values (checker/symmetry.ts). An empty
 * slot of a list, an absent nullable value and the leaves of a union's other
 * alternatives pack as zero bits, that is as the value's `min`. When `min` is
 * an element of a scalarset (`int(0, n - 1, 's')`), a renaming used to rename
 * the absent value too, so that two states that differ only by a renaming kept
 * distinct representatives (grant's bag of maps so declared saw 35,152 states
 * instead of 23,213). Here, on every state of two small shapes (one renamed
 * exhaustively, one by first use), every renaming of a state, made on the
 * objects themselves, has the state's representative, the representatives are
 * exactly as many as the orbits counted on objects, and the generated code
 * gives the words of the table-driven loops.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { representatives } from './support/symmetryRep.js';
import { array, int, list, nullable, record, union, type Piece } from '../model/shape.js';

interface St {
  tab: number[];
  bag: number[];
  x: { e: number } | null;
  u: number | { e: number };
}
const shape = (set: string) =>
  record({
    tab: array(int(0, 2), 2, set),
    bag: list(int(0, 1, set), 2, { bag: true }),
    x: nullable(record({ e: int(0, 1, set) })),
    // an alternative whose leaves are zero when the other is taken
    u: union(int(5, 6), record({ e: int(0, 1, set) })),
  }).piece;

/** Every state of the shape: 9 tables, 7 bags (of at most `maxBag` elements), 3 x, 4 u. */
function states(maxBag: number): St[] {
  const out: St[] = [];
  const bags: number[][] = [[]];
  for (const a of [0, 1]) {
    bags.push([a]);
    if (maxBag > 1) for (const b of [0, 1]) bags.push([a, b]);
  }
  for (let t = 0; t < 9; t++)
    for (const bag of bags)
      for (const x of [null, 0, 1])
        for (const u of [5, 6, { e: 0 }, { e: 1 }]) out.push({ tab: [t % 3, Math.floor(t / 3)], bag, x: x === null ? null : { e: x }, u });
  return out;
}

/** The renaming p (element i becomes p[i]) of a state, on its objects. */
const rename = (s: St, p: number[]): St => ({
  tab: s.tab.map((_, i) => s.tab[p.indexOf(i)]!),
  bag: s.bag.map((e) => p[e]!),
  x: s.x === null ? null : { e: p[s.x.e]! },
  u: typeof s.u === 'number' ? s.u : { e: p[s.u.e]! },
});

function check(piece: Piece, firstUse?: string, maxBag = 2): void {
  const rep = representatives<St>(piece, firstUse ? { [firstUse]: 2 } : { s: 2 }, firstUse);
  const all = states(maxBag);
  const classes = new Set<string>();
  for (const s of all) {
    const r = rep(s);
    assert.is(rep(rename(s, [1, 0])), r, `${JSON.stringify(s)} and its renaming have distinct representatives`);
    classes.add(r);
  }
  // Orbits counted on the objects: a state and its renaming, the bag's order left out.
  const key = (s: St): string => JSON.stringify({ ...s, bag: [...s.bag].sort() });
  const orbits = new Set(all.map((s) => [key(s), key(rename(s, [1, 0]))].sort().join('|')));
  assert.is(classes.size, orbits.size);
}

test('absent values that read as element 0 (empty bag slots, null, the other alternative): one representative per orbit', () => {
  check(shape('s'));
});

test('the same with the set labelled by first use (a bag of at most one element: see below)', () => {
  // First use reads a bag's elements in the order of their other values and
  // equal ones as stored: a bag of bare elements is all ties, so [0, 1] and
  // [1, 0] beside x = 0 are labelled apart (a known limit of first use, not of
  // absent values; a bag of records: test/symmetryBagOrder).
  check(shape('h'), 'h', 1);
});

test.run();
