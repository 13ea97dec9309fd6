/**
 * checker/codec.ts `shapeCodec` keeps the codecs it made, by their shape's
 * text: a second search of the same model in one process reuses the codec
 * (its generated code compiled and optimised once; test/xenbus.test.ts: 121
 * codecs of 20 shapes, 63 -> 49 s of CPU). A different shape, other options,
 * or a shape holding a function (a DependentRef, whose text does not name it)
 * get codecs of their own; the least recently used goes past CODEC_CACHE
 * codecs, or past CODEC_CACHE_LEAVES leaves in all.
 * Two searches sharing a codec, one run in slices between the other's, give
 * the counts of each alone.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CODEC_CACHE, CODEC_CACHE_LEAVES, shapeCodec } from '../checker/codec.js';
import { check, Search } from '../checker/search.js';
import { builtinSystem } from './support/models.js';
import { array, int, list, record } from '../model/shape.js';

const shape = (max: number) => record({ a: int(0, max), l: list(int(0, 3), 2) }).piece;

test('equal shapes share a codec; other shapes, options and shapes with functions do not', () => {
  const c = shapeCodec(shape(7));
  assert.is(shapeCodec(shape(7)), c, 'an equal shape built again');
  assert.is.not(shapeCodec(shape(8)), c, 'another bound');
  assert.is.not(shapeCodec(shape(7), { lazyRoot: true }), c, 'other options');
  const dep = () => record({ d: int(0, 1), r: int(0, 3, { on: ['d'], elem: () => undefined }) }).piece;
  assert.is.not(shapeCodec(dep()), shapeCodec(dep()), 'a DependentRef: not cached');
  // the least recently used goes
  for (let i = 0; i < CODEC_CACHE; i++) shapeCodec(shape(100 + i));
  assert.is.not(shapeCodec(shape(7)), c, 'evicted after CODEC_CACHE others');
});

test('the kept codecs have at most CODEC_CACHE_LEAVES leaves together, the least recently used going first', () => {
  const big = (i: number) => record({ a: int(0, i), l: array(int(0, 3), Math.ceil(CODEC_CACHE_LEAVES / 3)) }).piece;
  const first = shapeCodec(big(1));
  const second = shapeCodec(big(2));
  assert.ok(first.leaves.length * 3 > CODEC_CACHE_LEAVES && first.leaves.length * 2 < CODEC_CACHE_LEAVES);
  assert.is(shapeCodec(big(1)), first, 'two fit');
  shapeCodec(big(3)); // three do not: the least recently used (big(2)) goes
  assert.is(shapeCodec(big(1)), first, 'the most recently used stays');
  assert.is.not(shapeCodec(big(2)), second, 'the least recently used went');
});

const system = builtinSystem;

for (const [model, params] of [['xenbus', { events: '1' }], ['grant', {}], ['ring', { memory: 'weak', frontend: 'hostile', ringSize: '1', messages: '2' }]] as const)
  test(`two searches of one codec, interleaved in slices, count as each alone (${model})`, () => {
    const alone = check(system(model, params));
    const a = new Search(system(model, params)), b = new Search(system(model, params));
    let ra, rb;
    while (!ra || !rb) {
      ra ??= a.run(1);
      rb ??= b.run(1);
    }
    for (const r of [ra, rb]) {
      assert.is(r.outcome, alone.outcome);
      assert.is(r.distinctStates, alone.distinctStates);
      assert.is(r.edges, alone.edges);
      assert.is(r.depth, alone.depth);
    }
    assert.is(a.linksDigest(), b.linksDigest());
  });

test.run();
