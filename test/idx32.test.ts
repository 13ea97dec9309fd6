/**
 * model/idx32.ts: the io/ring.h RING_IDX macros (32-bit wrapping arithmetic,
 * RING_FULL, XEN_RING_NR_UNCONSUMED_*, the notify test of
 * RING_PUSH_*_AND_CHECK_NOTIFY) against hand-worked values, including across
 * 2^32. The models `ring` and `ring-api` and the conformance reference
 * implementation all rest on these.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NOTIFY, NR_UNCONSUMED_REQUESTS, NR_UNCONSUMED_RESPONSES, RING_FULL, idxAdd, idxLe, idxSub } from '../model/idx32.js';

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

test.run();
