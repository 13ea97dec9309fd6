/**
 * The `ring` model: real 32-bit RING_IDX arithmetic. The ring.h macros against
 * hand-worked values (including across 2^32), and the model's state space at
 * start indices on both sides of the wrap against ring-spec.md §11: the same
 * counts, and after subtracting startIndex the very state set whose SHA-256 the
 * spec gives.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { NOTIFY, NR_UNCONSUMED_REQUESTS, NR_UNCONSUMED_RESPONSES, RING_FULL, idxAdd, idxLe, idxSub } from '../model/idx32.js';
import { ring, ringLayout, type RingState } from '../model/wrapRing.js';
import { bind } from '../properties/bind.js';
import { check } from '../checker/explore.js';

const TOP = 0xffffffff;

test('RING_IDX arithmetic wraps modulo 2^32', () => {
  assert.is(idxSub(2, TOP), 3); // 0xffffffff -> 0 -> 1 -> 2
  assert.is(idxSub(TOP, 2), TOP - 2);
  assert.is(idxAdd(TOP, 1), 0);
  assert.is(idxAdd(TOP - 1, 3), 1);
  assert.ok(idxLe(TOP, 1)); // 0xffffffff is two steps behind 1
  assert.not.ok(idxLe(1, TOP));
});

test('RING_FULL: RING_SIZE - (req_prod_pvt - rsp_cons) == 0, also across the wrap', () => {
  assert.ok(RING_FULL(4, 4, 0));
  assert.not.ok(RING_FULL(4, 3, 0));
  assert.ok(RING_FULL(4, 2, TOP - 1)); // 0xfffffffe, 0xffffffff, 0, 1 outstanding
  assert.not.ok(RING_FULL(4, 1, TOP - 1));
});

test('XEN_RING_NR_UNCONSUMED_*: hand-worked values across the wrap', () => {
  assert.is(NR_UNCONSUMED_RESPONSES(1, TOP), 2);
  assert.is(NR_UNCONSUMED_RESPONSES(5, 5), 0);
  // min(req_prod - req_cons, RING_SIZE - (req_cons - rsp_prod_pvt))
  assert.is(NR_UNCONSUMED_REQUESTS(4, 3, TOP, TOP), 4);
  assert.is(NR_UNCONSUMED_REQUESTS(4, 3, 1, TOP), 2); // 2 published, 2 consumed and not answered: min(2, 2)
  assert.is(NR_UNCONSUMED_REQUESTS(4, 9, 1, TOP), 2); // a bogus req_prod is capped by the ring size (XSA-39's cap)
});

test('the notify test (RING_IDX)(__new - event) < (RING_IDX)(__new - __old)', () => {
  assert.ok(NOTIFY(5, 3, 4)); // event in (3, 5]
  assert.ok(NOTIFY(5, 3, 5));
  assert.not.ok(NOTIFY(5, 3, 3));
  assert.not.ok(NOTIFY(5, 3, 6)); // the peer wants a later index
  assert.ok(NOTIFY(1, TOP - 1, 0)); // pushed 0xfffffffe -> 1, event at 0: inside the window across the wrap
  assert.ok(NOTIFY(1, TOP - 1, TOP));
  assert.not.ok(NOTIFY(1, TOP - 1, 2));
  assert.not.ok(NOTIFY(1, TOP - 1, TOP - 1));
});

const SPEC: Record<string, { states: number; edges: number; depth: number; sha: string }> = {
  '2x4': { states: 3580, edges: 6901, depth: 53, sha: '7eed52721da8563841825859218f412f2cec36cfa2c7644198b6d669a7c51365' },
  '4x8': { states: 19184, edges: 37589, depth: 81, sha: 'a361cbb07160d946ec95d828307455cb87084daed1415283a13a936302ac227c' },
};
const IDX = new Set(['req_prod', 'req_event', 'rsp_prod', 'rsp_event', 'req_prod_pvt', 'rsp_cons', 'fe_old', 'rsp_prod_pvt', 'req_cons', 'be_old']);

for (const [point, want] of Object.entries(SPEC)) {
  const [N, M] = point.split('x').map(Number) as [number, number];
  for (const start of [0, 0xfffffffd, 0xffffffff, 0x7ffffffe]) {
    test(`ring ${point} startIndex=0x${start.toString(16)}: ring-spec.md §11 counts and state set`, () => {
      const sys = bind(ring, { ringSize: N, messages: M, startIndex: start });
      assert.ok(E.isRight(sys));
      const fields = ringLayout().map((f) => f.name);
      const lines: string[] = [];
      let crossed = false;
      const r = check((sys as E.Right<any>).right, {
        onState: (s) => {
          const st = s as RingState & Record<string, number>;
          if (st.req_prod < start) crossed = true;
          lines.push(fields.map((f) => String(IDX.has(f) ? idxSub(st[f]!, start) : st[f])).join(','));
        },
      });
      assert.is(r.outcome, 'ok');
      assert.is(r.distinctStates, want.states);
      assert.is(r.edges, want.edges);
      assert.is(r.depth, want.depth);
      lines.sort();
      const sha = createHash('sha256').update(lines.map((l) => l + '\n').join('')).digest('hex');
      assert.is(sha, want.sha);
      if (start > TOP - M) assert.ok(crossed, 'some run crossed the wrap');
    });
  }
}

test.run();
