/**
 * The netif control-ring model: hash.c's handlers by hand at the boundaries
 * of their checks (u32 wrap of off + len, a page's worth of entries, entries
 * validated after the copy and the table unchanged on failure), netback's
 * answers to every request type (the static grant messages are not
 * supported), the built-in verifying against a frontend sending any request,
 * XSA-270 (examples/netif-ctrl-xsa270.ts) found on both of its invariants
 * with shortest traces that replay, and the unbounded control-ring pass a
 * frontend gets by rewriting req_prod (a finding; the XSA-39-style check of
 * examples/netif-ctrl-req-prod-check.ts bounds it).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Model } from '../model/core.js';
import {
  netifCtrl, ctrlInit, processCtrlRequest, requestChoices, setHashMapping, slotAsRequest,
  XEN_NETIF_CTRL_STATUS_SUCCESS as OK, XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER as INVAL, XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED as NOTSUP,
  XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE, XEN_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE, XEN_NETIF_CTRL_TYPE_GET_HASH_FLAGS, XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM,
  XEN_NETIF_CTRL_TYPE_SET_HASH_KEY, XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING, XEN_NETIF_CTRL_TYPE_DEL_GREF_MAPPING, XEN_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE,
  XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS, XEN_NETIF_CTRL_TYPE_INVALID,
  type CtrlParams, type CtrlState, type Vif,
} from '../model/netifCtrl.js';
import { paramsOf, replays, runModel } from './support/models.js';
import { writtenAt } from './support/bounds.js';
import xsa270 from '../examples/netif-ctrl-xsa270.js';
import reqProdCheck from '../examples/netif-ctrl-req-prod-check.js';

type M = Model<CtrlState, CtrlParams>;
const P = paramsOf(netifCtrl, writtenAt('netif-ctrl'));
/** A fresh vif (mutable copy of the initial hash state) with hash.size = `size`. */
const vif = (size = 0): Vif => {
  const s = ctrlInit(P);
  return { hash: { ...s.hash, size, mapping: s.hash.mapping.map((m) => [...m]) }, oob: false };
};

test('xenvif_set_hash_mapping: bounds in u32 without wrap, at most a page of entries, entries checked after the copy, table flipped only on success', () => {
  let v = vif(2);
  assert.is(setHashMapping(v, 1, 1, 0xffffffff, 0, 2), INVAL, 'off + len wraps to 0: refused');
  assert.is(setHashMapping(v, 1, 0x4000, 0xffffc000, 0, 2), INVAL, 'wraps to 0 with a 16-bit-truncated copy length: refused');
  assert.is(setHashMapping(v, 1, 3, 0, 0, 2), INVAL, 'off + len > hash.size');
  assert.is(setHashMapping(v, 1, 1025, 0, 0, 2), INVAL, 'more than XEN_PAGE_SIZE / 4 entries');
  assert.is(v.oob, false);
  assert.is(setHashMapping(v, 1, 2, 0, 2, 2), INVAL, 'the new entries are validated: queue 2 of 2 refused');
  assert.is(v.hash.sel, 0, 'the active table did not change');
  assert.equal(v.hash.mapping[0]!.slice(0, 2), [0, 0]);
  assert.is(setHashMapping(v, 1, 1, 1, 1, 2), OK);
  assert.is(v.hash.sel, 1);
  assert.equal(v.hash.mapping[1]!.slice(0, 2), [0, 1], 'the rest of the table carried over, the sub-table copied in');
  v = vif(0);
  assert.is(setHashMapping(v, 1, 0, 0, 0, 2), OK, 'an empty sub-table at 0 of an empty table');
});

test('process_ctrl_request: every type, and the static grant messages answered NOT_SUPPORTED as netback does', () => {
  const v = vif();
  const req = (type: number, d0 = 0, d1 = 0, d2 = 0) => processCtrlRequest(v, { id: 0, type, data: [d0, d1, d2], table: 0 }, P);
  assert.equal(req(XEN_NETIF_CTRL_TYPE_GET_HASH_FLAGS), [NOTSUP, 0], 'no algorithm yet');
  assert.equal(req(XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS, 0xf), [INVAL, 0], 'flags refused without an algorithm');
  assert.equal(req(XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM, 2), [INVAL, 0]);
  assert.equal(req(XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM, 1), [OK, 0]);
  assert.equal(req(XEN_NETIF_CTRL_TYPE_GET_HASH_FLAGS), [OK, 0xf]);
  assert.equal(req(XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS, 0x10), [INVAL, 0]);
  assert.equal(req(XEN_NETIF_CTRL_TYPE_SET_HASH_KEY, 1, 41), [INVAL, 0]);
  assert.equal(req(XEN_NETIF_CTRL_TYPE_SET_HASH_KEY, 1, 40), [OK, 0]);
  assert.equal(req(XEN_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE), [OK, P.maxMappingSize]);
  assert.equal(req(XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE, P.maxMappingSize + 1), [INVAL, 0]);
  assert.equal(req(XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE, P.maxMappingSize), [OK, 0]);
  for (const t of [XEN_NETIF_CTRL_TYPE_INVALID, XEN_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE, XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING, XEN_NETIF_CTRL_TYPE_DEL_GREF_MAPPING, 11])
    assert.equal(req(t), [NOTSUP, 0], `type ${t}`);
  // every type of netif.h is among the frontend's choices
  const types = new Set(requestChoices(P).map((c) => c.type));
  for (let t = 0; t <= 10; t++) assert.ok(types.has(t), `type ${t} offered`);
  // a response slot read back as a request: id, type, then status and data as data[0] and data[1]
  assert.equal(slotAsRequest({ rsp: { id: 3, type: 6, status: 2, data: 0 }, d2: 7 }), { id: 3, type: 6, data: [2, 0, 7], table: 0 });
});

test('the built-in verifies against a frontend sending any request (ringSize 1 and 2, one or two requests, one queue)', () => {
  const cases: Record<string, number>[] = [{}, { ringSize: 1, requests: 2 }, { requests: 1, numQueues: 1 }, { requests: 1, maxMappingSize: 1 }];
  for (const ov of cases) {
    const r = runModel(netifCtrl, paramsOf(netifCtrl, writtenAt('netif-ctrl', ov)));
    assert.is(r.outcome, 'ok', `${JSON.stringify(ov)}: ${r.violation?.property}`);
  }
});

function found(name: string, m: M, ov: Record<string, string | number | boolean>, property: string, steps: number, fixed: M | null): void {
  test(`${name}: ${property} in ${steps} steps, shortest, replays${fixed ? '; the fix verifies' : ''}`, () => {
    const p = paramsOf(m, ov);
    const only: M = { ...m, invariants: m.invariants.filter((i) => i.name === property) };
    const sel = runModel(only, p);
    assert.is(sel.outcome, 'violation');
    assert.is(sel.violation!.property, property);
    assert.is(sel.violation!.trace.length - 1, steps);
    assert.ok(replays(m, p, sel), 'replays');
    assert.is(runModel(only, p, steps - 1).violation, undefined, 'shortest');
    if (fixed) assert.is(runModel(fixed, paramsOf(fixed, { ...(p as object), ...ov })).outcome, 'ok', 'the fix at the example\'s bounds');
  });
}

found('XSA-270, u32 wrap of off + len (OOB read at 2 * off)', xsa270 as M, {}, 'B_hash_mapping_in_bounds', 3, netifCtrl as M);
found('XSA-270, entries validated before the copy', xsa270 as M, {}, 'B_hash_mapping_selects_a_queue', 5, netifCtrl as M);
found('netback today, frontend rewriting req_prod: an unbounded pass (finding)', netifCtrl as M, { hostileIndex: true, requests: 1 }, 'B_ctrl_pass_bounded', 5, reqProdCheck as M);

test('XSA-270: the out-of-bounds index is the doubled offset', () => {
  const r = runModel(xsa270 as M, paramsOf(xsa270 as M, {}));
  const t = r.violation!.trace;
  assert.match(t[1]!.action, /type=6 data=\[1,1,0xffffffff\]/);
  assert.ok(t.at(-1)!.state.oob);
});

test.run();
