/**
 * checker/codec.ts `unpackReused`: the packed path unpacks the state it
 * expands, and each new state for its invariants, into objects reused by
 * every call. Checked against the states of the reference path (no codec
 * involved in making them) and against `unpack`, which allocates:
 * - for every state of a search prefix, in BFS order (so each call
 *   overwrites a different state: lists shrink and grow, optional values and
 *   nodes come and go), the reused unpack packs to the same words, prints as
 *   the same JSON as `unpack` (values and key order) and has its keys, and
 *   the model's invariants give the same verdicts on it, called one state
 *   after the other (its root is a new object every call: grant remembers
 *   the last state it counted pins of by identity);
 * - a `keys: 'all'` record of xenbus's (the xenstore's nodes) is sealed in
 *   the reused objects and in the scratch copy: a rule adding a node the
 *   shape does not name fails where it writes it instead of being packed
 *   without the count of defined keys.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { check } from '../checker/search.js';
import { shapeCodec } from '../checker/codec.js';
import { boundShaped as bound } from './support/models.js';

const CASES: [string, Record<string, string>, number][] = [
  ['xenbus', { frontend: 'hostile' }, 3000],
  ['xenbus', { events: '3' }, 3000],
  ['ring', { memory: 'weak', frontend: 'hostile', ringSize: '2', messages: '3' }, 3000],
  ['grant', { refs: '2', pages: '2' }, 2000],
  ['blkif', {}, 2000],
  ['netif-rx', {}, 2000],
];

for (const [model, params, n] of CASES)
  test(`unpackReused = unpack on every state of a prefix, one call after the other (${model} ${JSON.stringify(params)})`, () => {
    const { sys, piece } = bound(model, params);
    const states: unknown[] = [];
    // the reference path: states made by copy-on-write drafts, not by the codec
    check(sys, { maxStates: n, forceGeneric: true, onState: (s) => void states.push(s) });
    const c = shapeCodec<any>(piece);
    const into = c.unpackReused();
    const other = c.unpackReused();
    const w = new Uint32Array(c.words), v = new Uint32Array(c.words);
    let i = 0;
    for (const s of states) {
      c.pack(s, w);
      const r = into(w, 0);
      const again = into(w, 0);
      assert.is.not(again, r, 'a new root every call (a model may remember a state by its identity)');
      other(w, 0);
      c.pack(r, v);
      assert.equal([...v], [...w], `words of state ${i}`);
      const u = c.unpack(w, 0);
      assert.is(JSON.stringify(r), JSON.stringify(u), `state ${i}`);
      assert.equal(Object.keys(r), Object.keys(u));
      i++;
    }
    assert.is(i, states.length);
    assert.ok(i > 100, `${i} states`);
    // the invariants, one state after the other as the search calls them, on reused states and on fresh ones
    // (grant's pinTable remembers the last state it counted by identity)
    const verdicts = (f: (w: Uint32Array) => unknown) => states.map((s) => {
      c.pack(s, w);
      const x = f(w);
      return sys.invariants.map((inv) => (inv.holds(x) ? 1 : 0)).join('');
    });
    assert.equal(verdicts((x) => into(x, 0)), verdicts((x) => c.unpack(x, 0)));
  });

test('a node the shape does not name, added by a rule to the sealed nodes of the scratch copy or of a reused state, throws', () => {
  const { sys, piece } = bound('xenbus', {});
  const c = shapeCodec<any>(piece);
  const w = new Uint32Array(c.words);
  c.pack(sys.init[0], w);
  const d = c.scratch(c.unpack(w, 0));
  assert.throws(() => {
    d.xs.nodes['device/vif/0/feature-new'] = '1';
  }, /not extensible|Cannot add property/);
  const r = c.unpackReused()(w, 0);
  assert.throws(() => {
    r.xs.nodes['device/vif/0/feature-new'] = '1';
  }, /not extensible|Cannot add property/);
  // an object the rule made is still counted: the unnamed node is an error naming it
  d.xs.nodes = { ...sys.init[0].xs.nodes, 'device/vif/0/feature-new': '1' };
  assert.throws(() => c.packScratch(d, w), (e: Error) => e.message.includes("'xs.nodes.device/vif/0/feature-new' is not in the model's declared shape"));
});

test.run();
