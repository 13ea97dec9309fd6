/**
 * Model.view, the protocol-native picture `pvcheck show` prints under each
 * step: the ring diagram by hand (including across 2^32 and for impossible
 * indices), and in `show` output for a ring and a xenbus counterexample.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ringDiagram } from '../model/ringView.js';
import { ringNotify } from '../model/ringNotify.js';
import { xenbus } from '../model/xenbus.js';
import noRecheck from '../examples/ring-no-recheck.js';
import hotplugNoWait from '../examples/xenbus-hotplug-no-wait.js';
import { showTrace, traceFromViolation } from '../traces/index.js';
import type { Model } from '../model/core.js';
import { paramsOf, runModel } from './support/models.js';

const idx = (o: Partial<Record<string, number>>): Parameters<typeof ringDiagram>[1] => ({
  req_prod: 0, req_prod_pvt: 0, req_cons: 0, req_event: 1, rsp_prod: 0, rsp_prod_pvt: 0, rsp_cons: 0, rsp_event: 1, ...o,
});

test('ring diagram: each slot by what it holds, by hand', () => {
  assert.is(ringDiagram(4, idx({})).split('  ')[0], '[. . . .]');
  // index 0 a published response, 1 a written one, 2 a request being answered, 3 a published request
  assert.is(ringDiagram(4, idx({ rsp_prod: 1, rsp_prod_pvt: 2, req_cons: 3, req_prod: 4, req_prod_pvt: 4 })).split('  ')[0], '[R r w Q]');
  assert.is(ringDiagram(4, idx({ rsp_cons: 2, rsp_prod: 2, rsp_prod_pvt: 2, req_cons: 3, req_prod: 5, req_prod_pvt: 6 })).split('  ')[0], '[Q q w Q]');
  // across 2^32: rsp_cons = 0xfffffffe, four outstanding, slots 2, 3, 0, 1
  const T = 0xfffffffe;
  assert.is(ringDiagram(4, idx({ rsp_cons: T, rsp_prod: T + 1, rsp_prod_pvt: T + 1, req_cons: 0, req_prod: 1, req_prod_pvt: 2 })).split('  ')[0], '[Q q R w]');
  // a req_prod beyond RING_SIZE (XSA-39's hostile frontend): no picture
  assert.match(ringDiagram(2, idx({ req_prod: 7, req_prod_pvt: 7 })), /^\(inconsistent\)  req prod 7/);
});

const showOf = (m: Model, ov: Record<string, string | number>) => {
  const p = paramsOf(m, ov);
  const r = runModel(m, p);
  assert.ok(r.violation, `${m.name} has a counterexample`);
  return showTrace(traceFromViolation(m, p, r.violation!), m);
};

test('show: the lost wake-up ends with requests on the ring and both sides blocked', () => {
  const out = showOf(noRecheck as Model, { ringSize: 2, messages: 4 });
  const pictures = out.split('\n').filter((l) => l.startsWith('  | '));
  assert.is(pictures.length, 2 * 35, 'two lines for the initial state and each of the 34 steps');
  assert.match(pictures.at(-2)!, /^ {2}\| \[Q Q\] {2}req prod 4/);
  assert.is(pictures.at(-1), '  | frontend F_WAIT blocked, backend B_WAIT blocked');
  assert.ok(ringNotify.view, 'the base model has the view the variant inherits');
});

test('show: xenbus Connected published before the hotplug script ran', () => {
  const out = showOf(hotplugNoWait as Model, {});
  const last = out.split('\n').filter((l) => l.startsWith('  | ')).slice(-2);
  assert.match(last[0]!, /backend\/vif\/1\/0\/state Connected \(netback Connected\)/);
  assert.match(last[1]!, /^ {2}\| hotplug-status -, online 1/);
  assert.ok(xenbus.view);
});

test('show: a view that does not understand a state prints no picture instead of failing', () => {
  const p = paramsOf(ringNotify, { ringSize: 2, messages: 4 });
  const trace = traceFromViolation(ringNotify, p, { property: 'x', kind: 'invariant', trace: [{ action: 'init', rule: null, state: { other: 1 } as never }] });
  const out = showTrace(trace, { ...ringNotify, view: () => { throw new Error('not a ring'); } } as Model);
  assert.not.match(out, /\n {2}\| /);
});

test.run();
