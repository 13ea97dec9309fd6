/**
 * The `ring` model at its defaults (sc memory, honest peers, one ring, payload
 * domain 1) is ring-notify with 32-bit RING_IDX arithmetic: exactly the state
 * and edge counts of ring-spec.md §11 at every startIndex, including runs that
 * cross 2^32. The ring.h macro helpers against hand-worked values.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { NOTIFY, NR_UNCONSUMED_REQUESTS, NR_UNCONSUMED_RESPONSES, RING_FULL, idxSub } from '../model/idx32.js';
import { RING_REQUEST_PROD_OVERFLOW, RING_RESPONSE_PROD_OVERFLOW, freeId, ring, ringParams, type RingParams, type RingState } from '../model/ring.js';
import { resolveParams } from '../model/params.js';
import { bind } from '../properties/bind.js';
import { check } from '../checker/explore.js';

const TOP = 0xffffffff;

test('RING_FULL, NR_UNCONSUMED_*, the notify test and the overflow checks: hand-worked values across 2^32', () => {
  assert.ok(RING_FULL(4, 2, TOP - 1)); // 0xfffffffe, 0xffffffff, 0, 1 outstanding
  assert.not.ok(RING_FULL(4, 1, TOP - 1));
  assert.is(NR_UNCONSUMED_RESPONSES(1, TOP), 2);
  assert.is(NR_UNCONSUMED_REQUESTS(4, 3, 1, TOP), 2); // min(3-1, 4-(1-0xffffffff)) = min(2, 2)
  assert.is(NR_UNCONSUMED_REQUESTS(4, 1, TOP, TOP), 2);
  // (RING_IDX)(new - event) < (RING_IDX)(new - old): pushed 0xfffffffe -> 1
  assert.ok(NOTIFY(1, TOP - 1, 0));
  assert.ok(NOTIFY(1, TOP - 1, 1));
  assert.not.ok(NOTIFY(1, TOP - 1, TOP - 1));
  assert.not.ok(NOTIFY(1, TOP - 1, 2));
  // RING_REQUEST_PROD_OVERFLOW: (prod - rsp_prod_pvt) > RING_SIZE
  assert.not.ok(RING_REQUEST_PROD_OVERFLOW(4, 2, TOP - 1)); // 4 ahead: possible
  assert.ok(RING_REQUEST_PROD_OVERFLOW(4, 3, TOP - 1)); // 5 ahead
  assert.ok(RING_REQUEST_PROD_OVERFLOW(4, TOP - 2, TOP - 1)); // behind: 2^32 - 1 ahead
  assert.ok(RING_RESPONSE_PROD_OVERFLOW(2, 0, 1)); // rsp_prod moved backwards
  assert.not.ok(RING_RESPONSE_PROD_OVERFLOW(2, 1, TOP));
  assert.is(idxSub(0, TOP), 1);
});

test('freeId: the slot of req_prod_pvt when free, else the next free id, -1 when none', () => {
  assert.is(freeId(0b0000, 6, 4), 2);
  assert.is(freeId(0b0100, 6, 4), 3);
  assert.is(freeId(0b1100, 6, 4), 0);
  assert.is(freeId(0b1111, 6, 4), -1);
});

const params = (o: Record<string, string | number | boolean>): RingParams => {
  const p = resolveParams(ringParams, o);
  if (E.isLeft(p)) throw new Error(p.left);
  return p.right;
};
const run = (o: Record<string, string | number | boolean>, onState?: (s: RingState) => void) => {
  const sys = bind(ring, params(o));
  if (E.isLeft(sys)) throw new Error(sys.left);
  return check(sys.right, onState ? { onState } : {});
};

test('parameters: both peers hostile is refused; defaults are sc, honest, one ring, payloads 1', () => {
  assert.ok(E.isLeft(resolveParams(ringParams, { frontend: 'hostile', backend: 'hostile' })));
  const d = ringParams.defaults;
  assert.equal([d.memory, d.frontend, d.backend, d.rings, d.payloads, d.counters], ['sc', 'honest', 'honest', 'one', 1, false]);
});

// ring-spec.md §11 (SPIN and the Python reference agree on these).
const SPEC: Record<string, { states: number; edges: number; depth: number }> = {
  '2x4': { states: 3580, edges: 6901, depth: 53 },
  '4x8': { states: 19184, edges: 37589, depth: 81 },
};
for (const [point, want] of Object.entries(SPEC)) {
  const [N, M] = point.split('x').map(Number) as [number, number];
  for (const start of [0, TOP - 2, TOP]) {
    test(`ring ${point} startIndex=0x${start.toString(16)}: exactly ring-notify's states and edges`, () => {
      let crossed = false;
      const r = run({ ringSize: N, messages: M, startIndex: start }, (s) => {
        if ((s.mem['req_prod'] as number) < start) crossed = true;
      });
      assert.is(r.outcome, 'ok');
      assert.is(r.distinctStates, want.states);
      assert.is(r.edges, want.edges);
      assert.is(r.depth, want.depth);
      if (start > 0) assert.ok(crossed, 'some run crossed 2^32');
    });
  }
}

test('payloads=2: every request carries a payload choice, the backend answers each in its own slot', () => {
  let sawBoth = false;
  const r = run({ ringSize: 2, messages: 2, payloads: 2 }, (s) => {
    const a = s.mem['ring[0]'] as { kind: string; val: number }, b = s.mem['ring[1]'] as { kind: string; val: number };
    if (a.kind === 'request' && b.kind === 'request' && a.val !== b.val) sawBoth = true;
  });
  assert.is(r.outcome, 'ok');
  assert.ok(sawBoth);
});

test.run();
