/**
 * The blkif model: the built-in (blkback and blkfront as Linux 6.12 runs
 * them) verifies across its parameters; persistent grants are reused and
 * bounded by max_pgrants as blkback does; XSA-216 (examples/blkif-xsa216.ts)
 * and a backend mapping persistently without the frontend's feature are
 * found with shortest counterexamples that replay, while the built-in
 * verifies at the same settings.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Model } from '../model/core.js';
import { blkif, PAD_SECRET, type BlkifParams, type BlkifState } from '../model/blkif.js';
import { paramsOf, replays, runModel } from './support/models.js';
import xsa216 from '../examples/blkif-xsa216.js';
import notNegotiated from '../examples/blkif-persistent-not-negotiated.js';

type M = Model<BlkifState, BlkifParams>;

test('the built-in verifies: every ring size, persistent or not, max_pgrants 0..2', () => {
  for (const ringSize of [1, 2, 4])
    for (const persistent of [true, false])
      for (const maxPgrants of [0, 1, 2]) {
        const p = paramsOf(blkif, { ringSize, persistent, maxPgrants, requests: 4, pages: 2 });
        const r = runModel(blkif, p);
        assert.is(r.outcome, 'ok', `${JSON.stringify(p)}: ${r.violation?.property}`);
      }
});

/** Every state the built-in reaches at `ov`. */
function states(ov: Record<string, string | number | boolean>): BlkifState[] {
  const out: BlkifState[] = [];
  runModel(blkif, paramsOf(blkif, ov), { onState: (s) => { out.push(s); } });
  return out;
}

test('persistent grants: a gref found in the tree is used without a map; with max_pgrants=1 the second page is mapped per request; none with max_pgrants=0', () => {
  const ov = { requests: 4, pages: 2, ringSize: 2 };
  const s1 = states({ ...ov, maxPgrants: 1 });
  // reuse: a request in flight on a persistent grant while the map count stays 1 (no second map)
  assert.ok(s1.some((s) => s.back.cur?.stage === 1 && s.back.cur.persistent && s.mapcount[s.back.cur.gref] === 1 && s.front.issued >= 2));
  // the limit: one persistent grant, the other page mapped for its request only
  assert.ok(s1.some((s) => s.back.pgnts.length === 1 && s.back.cur?.stage === 1 && !s.back.cur.persistent && s.mapcount[s.back.cur.gref] === 1));
  assert.ok(s1.every((s) => s.back.pgnts.length <= 1));
  // blkfront's LIFO: a page the backend keeps mapped goes back to the head of the grant list
  assert.ok(s1.some((s) => s.front.grants.length === 2 && s.front.gref[s.front.grants[0]!] !== 0 && s.front.gref[s.front.grants[1]!] === 0));
  assert.ok(states({ ...ov, maxPgrants: 0 }).every((s) => s.back.pgnts.length === 0));
  assert.ok(states({ ...ov, persistent: false }).every((s) => s.back.pgnts.length === 0));
  // the LRU purge ends persistence: blkfront then ends access and the page loses its gref
  assert.ok(s1.some((s) => s.back.pgnts.length === 0 && s.front.gref.every((g) => g === 0) && s.front.issued >= 2));
});

function variantCase(name: string, variant: M, ov: Record<string, string | number | boolean>, property: string, steps: number): void {
  test(`${name}: ${property} in ${steps} steps, shortest, replays; the built-in verifies`, () => {
    const p = paramsOf(variant, ov);
    const r = runModel(variant, p);
    assert.is(r.outcome, 'violation');
    assert.is(r.violation!.property, property);
    assert.is(r.violation!.trace.length - 1, steps);
    assert.ok(replays(variant, p, r), 'trace replays on the variant');
    assert.is(runModel(variant, p, steps - 1).violation, undefined, `no violation within ${steps - 1} steps`);
    // at the variant's own parameters (an example pins its bounds; the built-in's defaults may be larger)
    assert.is(runModel(blkif, p).outcome, 'ok');
  });
}

variantCase('XSA-216 (stack padding memcpy)', xsa216 as M, {}, 'B_response_discloses_nothing', 4);
variantCase('XSA-216, no persistent grants, larger ring', xsa216 as M, { persistent: false, ringSize: 4, requests: 4 }, 'B_response_discloses_nothing', 4);
variantCase('persistent mapping without the frontend\'s feature', notNegotiated as M, { persistent: false }, 'F_not_broken', 5);

test('XSA-216: the leaked bytes are in the slot the frontend reads next', () => {
  const r = runModel(xsa216 as M, paramsOf(xsa216 as M, {}));
  const last = r.violation!.trace.at(-1)!.state;
  assert.is(last.ring[0]!.pad, PAD_SECRET);
  assert.is(last.rsp_prod, 1, 'published: the guest can read it');
});

test.run();
