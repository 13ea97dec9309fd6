/**
 * checker/codec.ts: a list of values with at least LIST_LOOP_SLOTS slots is
 * packed, copied, unpacked and compared in a loop over tables of its slots'
 * words and shifts; a shorter one is unrolled. Both must give the words of
 * the layout. The oracle here packs by walking the shape and the codec's
 * `leaves` in order (no generated code): every leaf's bits at its word and
 * shift, absent slots zero. For random states of a shape with long and short
 * lists of every kind of value (ints from a non-zero min and 32-bit ones,
 * literals by a Map (more than 12), by a chain, two and one of them, a bag):
 * pack and packScratch (after scratch) give the oracle's words, unpack and
 * unpackReused give the state back, `same` says yes to it and no to it with
 * one slot changed, and an element out of its piece is an error naming its
 * slot as the unrolled code names it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LIST_LOOP_SLOTS, shapeCodec, type Leaf } from '../checker/codec.js';
import { bool, int, list, nullable, oneOf, optional, record, type Piece } from '../model/shape.js';

const N = LIST_LOOP_SLOTS;
const many = Array.from({ length: 20 }, (_, i) => `v${i}`);
const few = ['a', 'b', 'c', 'd'] as const;
const shape = record({
  ints: list(int(-3, 40), N + 3),
  short: list(int(-3, 40), N - 1),
  wide: list(int(0, 2 ** 32 - 1), N),
  lits: list(oneOf(many), N + 1),
  chain: list(oneOf(few), N),
  two: list(oneOf(['x', 'y'] as const), N),
  one: list(oneOf(['z'] as const), N),
  bag: list(int(0, 5), N, { bag: true }),
  maybe: optional(list(oneOf(few), 2 * N)),
  flag: bool,
  // lists of records of values: in a loop from N slots (sealed objects: optional fields, keys 'all'), unrolled below
  recs: list(record({ a: oneOf(few), n: nullable(int(-2, 9)), o: optional(oneOf(many)), t: bool }, { keys: 'all' }), N + 2),
  shortRecs: list(record({ a: oneOf(few), n: nullable(int(-2, 9)), o: optional(oneOf(many)), t: bool }, { keys: 'all' }), N - 1),
  plainRecs: list(record({ x: int(0, 300), y: oneOf(['p', 'q'] as const), z: int(0, 2 ** 32 - 1) }), N, { bag: true }),
}, { keys: 'all' }).piece;

/** The words of `s` by the layout alone: walks the shape and `leaves` in the codec's order. */
function oracle(p: Piece, leaves: readonly Leaf[], words: number, s: unknown): Uint32Array {
  const out = new Uint32Array(words);
  let li = 0;
  const put = (v: number): void => {
    const l = leaves[li++]!;
    if (l.bits > 0) out[l.word]! |= v << l.shift;
  };
  const skip = (q: Piece): void => {
    const n = count(q);
    li += n;
  };
  const count = (q: Piece): number => {
    switch (q.kind) {
      case 'int': case 'enum': return 1;
      case 'list': return 1 + q.max * count(q.of);
      case 'array': return q.length * count(q.of);
      case 'record': return q.fields.reduce((n, [, f]) => n + count(f), 0);
      case 'optional': case 'nullable': return 1 + count(q.of);
      case 'union': return 1 + q.of.reduce((n, a) => n + count(a), 0);
    }
  };
  const walk = (q: Piece, v: unknown): void => {
    switch (q.kind) {
      case 'int': put((v as number) - q.min); return;
      case 'enum': put(q.values.indexOf(v as string)); return;
      case 'list': {
        const a = v as unknown[];
        put(a.length);
        for (let i = 0; i < q.max; i++) if (i < a.length) walk(q.of, a[i]); else skip(q.of);
        return;
      }
      case 'record': for (const [k, f] of q.fields) walk(f, (v as Record<string, unknown>)[k]); return;
      case 'optional': if (v === undefined) { put(0); skip(q.of); } else { put(1); walk(q.of, v); } return;
      case 'nullable': if (v === null) { put(0); skip(q.of); } else { put(1); walk(q.of, v); } return;
      default: throw new Error(`oracle: ${q.kind} not used here`);
    }
  };
  walk(p, s);
  if (li !== leaves.length) throw new Error('oracle: leaves left over');
  return out;
}

/** mulberry32 */
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};

function randomState(r: () => number) {
  const len = (max: number) => (r() < 0.2 ? max : Math.floor(r() * (max + 1)));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const ints = (max: number, lo: number, hi: number) => Array.from({ length: len(max) }, () => lo + Math.floor(r() * (hi - lo + 1)));
  return {
    ints: ints(N + 3, -3, 40),
    short: ints(N - 1, -3, 40),
    wide: ints(N, 0, 2 ** 32 - 1),
    lits: Array.from({ length: len(N + 1) }, () => pick(many)),
    chain: Array.from({ length: len(N) }, () => pick(few)),
    two: Array.from({ length: len(N) }, () => pick(['x', 'y'])),
    one: Array.from({ length: len(N) }, () => 'z'),
    bag: ints(N, 0, 5),
    maybe: r() < 0.3 ? undefined : Array.from({ length: len(2 * N) }, () => pick(few)),
    flag: r() < 0.5,
    recs: Array.from({ length: len(N + 2) }, () => rec()),
    shortRecs: Array.from({ length: len(N - 1) }, () => rec()),
    plainRecs: Array.from({ length: len(N) }, () => ({ x: Math.floor(r() * 301), y: pick(['p', 'q']), z: Math.floor(r() * 2 ** 32) })),
  };
  function rec() {
    return { a: pick(few), n: r() < 0.4 ? null : -2 + Math.floor(r() * 12), o: r() < 0.5 ? undefined : pick(many), t: r() < 0.5 };
  }
}

test('long and short lists of values: the layout\'s words, back, same, and scratch', () => {
  const c = shapeCodec<ReturnType<typeof randomState>>(shape);
  const reused = c.unpackReused();
  const r = rng(20261206);
  const w = new Uint32Array(c.words), w2 = new Uint32Array(c.words);
  let differs = 0;
  for (let k = 0; k < 400; k++) {
    const s = randomState(r);
    const want = oracle(shape, c.leaves, c.words, s);
    c.pack(s, w);
    assert.equal([...w], [...want], `pack, state ${k}`);
    c.packScratch(c.scratch(s), w2);
    assert.equal([...w2], [...want], `packScratch, state ${k}`);
    assert.equal(c.unpack(w, 0), s, `unpack, state ${k}`);
    const q = reused(w, 0);
    assert.equal({ ...q }, s, `unpackReused, state ${k}`);
    assert.ok(c.same(s, w, 0) && reused.same(q, w, 0), `same, state ${k}`);
    // one slot of a list changed: pack's words differ, and `same` says so
    // one field of one record changed, for each field
    for (const key of ['recs', 'shortRecs'] as const) {
      const a = s[key];
      if (a.length === 0) continue;
      const i = Math.floor(r() * a.length);
      const x = a[i]!;
      for (const y of [{ ...x, a: few[(few.indexOf(x.a) + 1) % few.length]! }, { ...x, n: x.n === null ? 0 : x.n === 9 ? null : x.n + 1 }, { ...x, o: x.o === undefined ? 'v0' : undefined }, { ...x, t: !x.t }]) {
        const other = { ...s, [key]: a.map((z, j) => (j === i ? y : z)) };
        assert.not.ok(c.same(other as typeof s, w, 0) || reused.same(other as typeof s, w, 0), `same of ${key}[${i}] changed, state ${k}`);
        differs++;
      }
    }
    for (const key of ['ints', 'lits', 'chain', 'two', 'wide'] as const) {
      const a = s[key] as unknown[];
      if (a.length === 0) continue;
      const i = Math.floor(r() * a.length);
      const other = { ...s, [key]: a.map((x, j) => (j !== i ? x : key === 'ints' ? ((x as number) + 1 > 40 ? -3 : (x as number) + 1) : key === 'wide' ? ((x as number) + 1) % 2 ** 32 : key === 'lits' ? many[(many.indexOf(x as string) + 1) % many.length] : key === 'chain' ? few[(few.indexOf(x as never) + 1) % few.length] : x === 'x' ? 'y' : 'x')) };
      assert.not.ok(c.same(other as typeof s, w, 0), `same of ${key}[${i}] changed, state ${k}`);
      differs++;
    }
  }
  assert.ok(differs > 3000);
});

test('an element out of its piece names its slot, in a loop as unrolled', () => {
  const c = shapeCodec<ReturnType<typeof randomState>>(shape);
  const s = randomState(rng(7));
  const w = new Uint32Array(c.words);
  const cases: [string, unknown[], string][] = [
    ['ints', [1, 2, 41], "state field 'ints[2]' = 41"],
    ['short', [1, 2, 41], "state field 'short[2]' = 41"],
    ['lits', ['v1', 'v99'], "state field 'lits[1]' = \"v99\""],
    ['chain', ['a', 'e'], "state field 'chain[1]' = \"e\""],
    ['ints', [1, 0.5], "state field 'ints[1]' = 0.5"],
    ['recs', [{ a: 'a', n: null, o: undefined, t: true }, { a: 'e', n: null, o: undefined, t: true }], "state field 'recs[1].a' = \"e\""],
    ['recs', [{ a: 'a', n: 10, o: undefined, t: true }], "state field 'recs[0].n' = 10"],
    ['recs', [{ a: 'a', n: null, o: 'v99', t: true }], "state field 'recs[0].o' = \"v99\""],
    ['recs', [{ a: 'a', n: null, t: true, zz: 1 }], "state field 'recs[0].zz' is not in the model's declared shape"],
    ['recs', [{ a: 'a', n: null, o: undefined, t: true }, 3], "state field 'recs[1]' = 3"],
    ['shortRecs', [{ a: 'e', n: null, o: undefined, t: true }], "state field 'shortRecs[0].a' = \"e\""],
    ['shortRecs', [{ a: 'a', n: null, t: true, zz: 1 }], "state field 'shortRecs[0].zz' is not in the model's declared shape"],
    ['plainRecs', [{ x: 301, y: 'p', z: 0 }], "state field 'plainRecs[0].x' = 301"],
  ];
  for (const [key, value, msg] of cases) {
    const bad = { ...s, [key]: value };
    assert.throws(() => c.pack(bad, w), (e: Error) => e.message.startsWith(msg), `${key}: ${msg}`);
    // (the scratch copy of a record of optional fields is a sealed object of the declared keys: a rule adding one fails where it
    // writes it; a slot that is not a record is copied as one with no values, whose first value then names the error)
    if (!msg.includes('not in the model') && !msg.endsWith(' = 3')) assert.throws(() => c.packScratch(c.scratch(bad), w), (e: Error) => e.message.startsWith(msg), `${key} (scratch): ${msg}`);
    assert.not.ok(c.same(bad, w, 0));
  }
  assert.throws(() => c.pack({ ...s, ints: Array.from({ length: N + 4 }, () => 0) }, w), /has 13 elements, the model's declared shape says <= 12/);
});

test.run();
