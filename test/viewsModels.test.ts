/**
 * Every built-in model declares what the sequence charts need (issue 17
 * point 5; model/views/): its columns, what each rule reads and writes on the
 * shared ring pages and grant tables, and its messages (event-channel
 * notifications, grant hypercalls to Xen, NetChannel2 messages) as arrows.
 * Checked on the models' own rules (a renamed rule does not silently lose its
 * view) and on counterexamples the models produce, whose charts must show the
 * arrows the steps stand for and parse as Mermaid.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import mermaid from 'mermaid';
import { builtinModels } from '../model/registry.js';
import type { Model } from '../model/core.js';
import { chartOf, mermaidChart, mscText, traceFromViolation, type Chart } from '../traces/index.js';
import { paramsOf, runModel } from './support/models.js';
import bypassSuspend from '../examples/nc2-bypass-kept-across-suspend.js';
import finishTwice from '../examples/nc2-finish-twice.js';
import xsa255 from '../examples/grant-xsa255.js';
import storm from '../examples/netif-rx-xsa391-storm.js';

/** What a rule touches with the model's views, on the initial state (the rule-name part of the views). */
function staticTouches(m: Model, rule: string): number {
  const p = paramsOf(m, {});
  const s0 = m.init(p)[0];
  const st = m.views?.rules?.[rule] ?? {};
  const dyn = m.views?.step ? m.views.step(rule, s0, s0, p) : {};
  return [st.reads, st.writes, st.messages, dyn.reads, dyn.writes, dyn.messages].reduce((n, a) => n + (a?.length ?? 0), 0);
}

// Rules that touch no shared object and send nothing, by design: barriers (xen_mb, xen_wmb,
// xen_rmb order accesses, they make none), and steps private to one side.
const PRIVATE: Record<string, RegExp> = {
  'ring-notify': /^(F2|F8|F13|B2|B11)$/, // ring-spec.md §4: private counters and the final states
  ring: /(^|\.)(stop_producing|\w+\.xen_[rw]?mb)$/,
  limiter: /^(xenvif_start_xmit|(h|x1?)_napi_(complete_done|budget_exhausted)|x_xenvif_(rx_queue_drop_expired|queue_carrier_off|carrier_on))$/,
  'limiter-rx': /^(xenvif_start_xmit|(h|x1?)_napi_(complete_done|budget_exhausted)|x_xenvif_(rx_queue_drop_expired|queue_carrier_off|carrier_on))$/,
  grant: /^(fe_backend_closed|be_forward_done)$/,
  'netif-tx': /^xenvif_idx_release\.pending_release$/,
  'netif-rx': /^xenvif_start_xmit$/,
};
// Models whose arrows are read off the states around a step (xenstore writes and watch
// events, message queues), not off rule names: checked on their counterexamples below.
const BY_STATE = new Set(['xenbus', 'nc2-packets', 'nc2-bypass']);

test('every built-in model declares its views, and every rule of a rule-named model touches something or is private by design', () => {
  const missing: string[] = [];
  for (const m of builtinModels) {
    assert.ok(m.views, `${m.name} declares no views (model/views/)`);
    if (BY_STATE.has(m.name)) continue;
    for (const r of m.rules)
      if (staticTouches(m, r.name) === 0 && !PRIVATE[m.name]?.test(r.name)) missing.push(`${m.name}: ${r.name}`);
  }
  assert.equal(missing, [], `rules whose view says nothing (a pattern of model/views/ no longer matches?):\n${missing.join('\n')}`);
});

const chartFor = (m: Model, ov: Record<string, string | number | boolean>, invariants?: string[]): Chart => {
  const p = paramsOf(m, ov);
  const r = runModel(m, p, invariants ? { invariants } as never : {});
  assert.ok(r.violation, `${m.name}: a counterexample`);
  return chartOf(traceFromViolation(m, p, r.violation!), m);
};
const arrows = (c: Chart): string[] => c.steps.flatMap((s) => s.arrows.map((a) => `${s.index} ${a.from} -> ${a.to}: ${a.label}`));

async function parses(c: Chart): Promise<void> {
  const text = mermaidChart(c);
  assert.ok(await mermaid.parse(text), text);
}

test('nc2-bypass: the messages each step puts on a parent or bypass ring are arrows between dom0, A and B', async () => {
  const c = chartFor(bypassSuspend as Model, {});
  const a = arrows(c);
  // dom0.bypass_offer sends BYPASS_FRONTEND to A over A's parent ring; A answers BYPASS_FRONTEND_READY
  // to dom0 and BYPASS_READY to B on the bypass ring
  const offer = c.steps.find((s) => s.rule === 'dom0.bypass_offer');
  assert.ok(offer, 'the counterexample offers a bypass');
  assert.equal(offer!.arrows.map((x) => `${x.from}->${x.to} ${x.label} (${x.via})`), ['dom0->A NETCHANNEL2_MSG_BYPASS_FRONTEND (parent ring)']);
  const ready = c.steps.find((s) => s.rule === 'A.recv_bypass_frontend');
  assert.ok(ready, 'A receives the offer');
  assert.equal(ready!.arrows.map((x) => `${x.from}->${x.to} ${x.label} (${x.via})`), ['A->dom0 NETCHANNEL2_MSG_BYPASS_FRONTEND_READY (parent ring)', 'A->B NETCHANNEL2_MSG_BYPASS_READY (bypass ring)']);
  assert.ok(c.actors.includes('dom0') && c.actors.includes('A'), c.actors.join(','));
  assert.ok(a.length >= 2, a.join('\n'));
  await parses(c);
});

test('nc2-packets: SET_MAX_PACKETS, packets and FINISH_PACKET are arrows between sender and receiver', async () => {
  const c = chartFor(finishTwice as Model, {});
  const a = arrows(c);
  assert.ok(a.some((x) => / receiver -> sender: SET_MAX_PACKETS \d+$/.test(x)) || a.some((x) => / sender -> receiver: PACKET /.test(x)), a.join('\n'));
  assert.ok(a.some((x) => / receiver -> sender: FINISH_PACKET id \d+$/.test(x)), `a FINISH_PACKET arrow:\n${a.join('\n')}`);
  assert.ok(a.some((x) => / sender -> receiver: PACKET /.test(x)), `a PACKET arrow:\n${a.join('\n')}`);
  await parses(c);
});

test('grant: grant hypercalls are arrows to xen', async () => {
  const c = chartFor(xsa255 as Model, { granter: 'hostile', cacheSize: 0, transitive: 0, subPage: false, unmaps: 0, version: 'v2' });
  assert.ok(c.actors.includes('xen'), `a xen column: ${c.actors.join(', ')}`);
  assert.ok(arrows(c).some((x) => / -> xen: GNTTABOP_\w+/.test(x)), arrows(c).join('\n'));
  await parses(c);
});

test('netif-rx: a step that raises netfront\'s event channel is an arrow to netfront; the ring page fields show', async () => {
  const c = chartFor(storm as Model, { backend: 'hostile', hostileWrites: 0, evtchn: 'lateeoi', storms: 1, packets: 1, maxSlots: 1, gso: 'off' });
  const text = mscText(c);
  const raised = c.steps.filter((s) => s.arrows.some((x) => x.to === 'netfront' && x.label === 'notify_remote_via_irq'));
  assert.ok(raised.length > 0, text);
  assert.ok(c.steps.some((s) => s.reads.concat(s.writes).some((o) => o.startsWith('rx ring page'))), text);
  await parses(c);
});

test('ring (io/ring.h with netif): notifications are arrows to the other end', async () => {
  const m = builtinModels.find((x) => x.name === 'ring')!;
  const p = paramsOf(m, {});
  const r = runModel(m, p);
  // the built-in verifies: take the longest observable witness or any trace through a notify
  const steps = m.rules.filter((x) => /notify_remote_via_evtchn\.front$/.test(x.name));
  assert.ok(steps.length > 0);
  const t = m.views!.step!(steps[0]!.name, m.init(p)[0], m.init(p)[0], p);
  assert.equal(t.messages?.map((x) => `${x.to} ${x.label}`), ['backend notify_remote_via_evtchn']);
  assert.ok(r.outcome === 'ok' || r.outcome === 'violation');
});

test.run();
