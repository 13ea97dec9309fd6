/**
 * xenbus's Linux 7.0 bus (`-p bus=7.0`, docs/models/xenbus.md "Linux 7.0's
 * xenbus core"): Juergen Gross's e2dcf9065536 ("xen/xenbus: better handle
 * backend crash", mainline since v7.0-rc3). First hand-worked cases of the
 * hunks (a vanished device's switch writes nothing and its reads are
 * Unknown; a switch that finds the node reset to Initialising writes nothing
 * and keeps dev->state; the guest's bus re-probes a device whose node reads
 * Initialising again), each beside 6.12's behaviour; then the findings F2,
 * F4, F7, F7-hostile and F8 at bus=7.0, each computed by a check and
 * recognised by the shape of its end state; then what v7.0 breaks: a driver
 * bound again after a migration of the unbound device never connects
 * (xenbus-V1), its fix, and the fix examples at bus=7.0. A vanished device
 * that still has a driver, as the search reaches it: test/xenbusV7Vanished.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { produce, type Draft } from 'immer';
import { deriveModel, type Model } from '../model/core.js';
import {
  BE, FE, W_FE_BUS, beNode, beNodeAsFrontend, feNode, switchState, xenbus, XenbusStateClosed, XenbusStateClosing, XenbusStateConnected, XenbusStateInitialising,
  XenbusStateInitWait, XenbusStateUnknown, type XenbusModelState, type XenbusParams,
} from '../model/xenbus.js';
import { check, type CheckResult } from '../checker/explore.js';
import { paramsOf, replays, systemOf } from './support/models.js';
import { p6, p7, type Overrides } from './support/xenbusBus.js';
import { readTraceFile, replayWith, type Trace } from '../traces/index.js';
import * as E from 'fp-ts/lib/Either.js';
import { join, resolve } from 'node:path';
import createDevRemovedFix from '../examples/xenbus-create-dev-removed-fix.js';
import timeoutFix from '../examples/xenbus-xdp-set-timeout-fix.js';
import xdpSetFixed from '../examples/xenbus-xdp-set-fixed.js';
import v1Fix from '../examples/xenbus-v7-switch-initialising-fix.js';

type S = XenbusModelState;
type M = Model<S, XenbusParams>;

/** The rules of `m` at `p` enabled in `s`, each with its choice (undefined for a rule without choices). */
function enabled(m: M, p: XenbusParams, s: S): { name: string; choice: unknown }[] {
  const out: { name: string; choice: unknown }[] = [];
  for (const r of m.rules) {
    if (r.applies && !r.applies(p)) continue;
    for (const a of r.choices ? r.choices(s, p) : [undefined]) if (!r.when || r.when(s, p, a as never)) out.push({ name: r.name, choice: a });
  }
  return out;
}

/** Fires the named rule (with `choice`), which must be enabled in `s`. */
function fire(m: M, p: XenbusParams, s: S, name: string, choice?: unknown): S {
  const r = m.rules.find((x) => x.name === name);
  assert.ok(r, `no rule ${name}`);
  assert.ok(enabled(m, p, s).some((e) => e.name === name && e.choice === choice), `${name}${choice === undefined ? '' : `(${String(choice)})`} is enabled; enabled: ${enabled(m, p, s).map((e) => e.name).join(', ')}`);
  return produce(s, (d: Draft<S>) => r!.then(d, s, p, choice as never));
}

const walk = (m: M, p: XenbusParams, steps: readonly (string | [string, unknown])[]): S =>
  steps.reduce((s, st) => (typeof st === 'string' ? fire(m, p, s, st) : fire(m, p, s, st[0], st[1])), m.init(p)[0]!);

// the device added, netback probed, netfront probed on the guest's xenwatch (the backend reads InitWait: probe returns)
const PROBED = ['libxl__device_vif_add', 'netback_probe', 'netfront_probe'] as const;

test('hand-worked: a vanished device\'s xenbus_switch_state writes nothing and leaves dev->state; its reads of the backend are Unknown', () => {
  for (const [bus, p] of [['6.12', p6()], ['7.0', p7()]] as const) {
    const s = walk(xenbus, p, PROBED);
    assert.is(s.fe.dev, XenbusStateInitialising);
    assert.is(beNode(s), XenbusStateInitWait);
    if (bus === '6.12') {
      // 6.12 has no vanished: the switch writes the node and sets dev->state
      const t = produce(s, (d: Draft<S>) => switchState(d, 'fe', XenbusStateClosing, p));
      assert.is(feNode(t), XenbusStateClosing);
      assert.is(t.fe.dev, XenbusStateClosing);
      continue;
    }
    const v = produce(s, (d: Draft<S>) => { d.fe.vanished = true; });
    const t = produce(v, (d: Draft<S>) => switchState(d, 'fe', XenbusStateClosing, p));
    assert.is(feNode(t), XenbusStateInitialising, 'the node is not written');
    assert.is(t.fe.dev, XenbusStateInitialising, 'dev->state is not set');
    assert.equal(t.xs.events, v.xs.events, 'no watch fires');
    assert.is(beNodeAsFrontend(v), XenbusStateUnknown, 'xenbus_read_driver_state(dev, dev->otherend) of a vanished device');
    assert.is(beNodeAsFrontend(s), XenbusStateInitWait, 'and of a device that is not');
  }
});

test('hand-worked: a switch that finds the node reset to Initialising (not dev->state) writes nothing and keeps dev->state at 7.0; 6.12 writes it', () => {
  for (const [bus, p] of [['6.12', p6()], ['7.0', p7()]] as const) {
    // the device switched Closed, then the toolstack wrote its state node 1 again (as on a migration's destination)
    const s = produce(walk(xenbus, p, PROBED), (d: Draft<S>) => { d.fe.dev = XenbusStateClosed; });
    const t = produce(s, (d: Draft<S>) => switchState(d, 'fe', XenbusStateInitialising, p));
    assert.is(t.fe.dev, bus === '7.0' ? XenbusStateClosed : XenbusStateInitialising, `${bus}: dev->state`);
    // a switch to another state from the same place: 7.0 aborts it too (the node reads Initialising, dev->state Closed)
    const u = produce(s, (d: Draft<S>) => switchState(d, 'fe', XenbusStateConnected, p));
    assert.is(feNode(u), bus === '7.0' ? XenbusStateInitialising : XenbusStateConnected, `${bus}: the node after a switch to Connected`);
    // a node that is not Initialising is written as before
    const w = produce(s, (d: Draft<S>) => { d.xs.nodes[`${FE}/state`] = String(XenbusStateClosing); switchState(d, 'fe', XenbusStateInitialising, p); });
    assert.is(feNode(w), XenbusStateInitialising, `${bus}: a Closing node is switched`);
    assert.is(w.fe.dev, XenbusStateInitialising);
    // the node gone: the transaction aborts on the failed read and dev->state is set (6.12's path, unchanged by 7.0)
    const x = produce(s, (d: Draft<S>) => { d.xs.nodes[`${FE}/state`] = undefined; switchState(d, 'fe', XenbusStateConnected, p); });
    assert.is(x.fe.dev, XenbusStateConnected);
    assert.is(x.xs.nodes[`${FE}/state`], undefined, 'a removed node is not re-created');
  }
});

test('hand-worked: at 7.0 the guest\'s bus re-probes an unbound device whose node reads Initialising again (after a migration); 6.12 has no such event', () => {
  // unbind (xennet_remove), both ends Closed, then xl migrate: the destination's libxl writes the frontend state 1
  const path = [
    ...PROBED, 'xennet_remove', 'frontend_changed', 'xennet_bus_close(Closing)', 'frontend_changed', 'xennet_bus_close(Closed)', 'xl migrate',
  ] as const;
  const s6 = walk(xenbus, p6(), path);
  const s7 = walk(xenbus, p7(), path);
  for (const s of [s6, s7]) {
    assert.ok(s.fe.bus && !s.fe.inst, 'the device stays on the bus without a driver');
    assert.is(feNode(s), XenbusStateInitialising);
    assert.is.not(s.fe.dev, XenbusStateInitialising);
  }
  // 6.12: the write half of the bus watch is not registered while the device exists (its handler could only be a no-op)
  assert.not.ok(s6.xs.watches.some((w) => w.token === W_FE_BUS));
  assert.ok(s7.xs.watches.some((w) => w.token === W_FE_BUS), '7.0: it stays registered');
  // any write event below device/ (here a spurious one) makes 7.0's xenbus_dev_changed re-probe it
  const e = fire(xenbus, p7(), s7, 'xs_watch_event(spurious)', W_FE_BUS);
  assert.not.ok(enabled(xenbus, p7(), e).some((x) => x.name === 'xenbus_dev_changed(frontend: nothing to do)'));
  const r = fire(xenbus, p7(), e, 'xenbus_dev_changed(frontend: state reset)');
  assert.ok(r.fe.bus && r.fe.inst, 'a new device, probed: netfront bound again');
  assert.is(r.fe.dev, XenbusStateInitialising, 'xenbus_probe_node: dev->state Initialising');
  assert.is(r.fe.vanished, undefined, 'the new device is not vanished');
  assert.is(feNode(r), XenbusStateInitialising, 'the old device\'s removal wrote nothing');
});

test('hand-worked: a reset found while a driver bind\'s probe holds the device lock: vanished is set first, the guest\'s xenwatch waits, the probe\'s loop reads Unknown', () => {
  const p = p7({ events: 4 }); // the unbind, the migration, the rebind and a spurious event
  const path = [...PROBED, 'xennet_remove', 'frontend_changed', 'xennet_bus_close(Closing)', 'frontend_changed', 'xennet_bus_close(Closed)', 'xl migrate'] as const;
  // a constructed step: the destination's backend node reads Closed, so the rebind's probe waits in xennet_create_dev's loop
  const s = produce(walk(xenbus, p, path), (d: Draft<S>) => { d.xs.nodes[`${BE}/state`] = String(XenbusStateClosed); });
  const b = fire(xenbus, p, s, 'netfront_probe(driver bind)');
  assert.is(b.fe.probe, 'modprobe');
  const e = fire(xenbus, p, b, 'xs_watch_event(spurious)', W_FE_BUS);
  assert.not.ok(enabled(xenbus, p, e).some((x) => x.name === 'xenbus_dev_changed(frontend: state reset)'), 'device_unregister waits for the probe\'s device lock');
  const v = fire(xenbus, p, e, 'xenbus_dev_changed(frontend: state reset, unregister waits)');
  assert.is(v.fe.vanished, true);
  assert.equal(v.xs.events, e.xs.events, 'the event stays at the head of the guest\'s queue');
  // the backend comes back (InitWait): 6.12's loop would end; the vanished device reads Unknown and loops on
  const w = produce(v, (d: Draft<S>) => { d.xs.nodes[`${BE}/state`] = String(XenbusStateInitWait); });
  assert.not.ok(enabled(xenbus, p, w).some((x) => x.name === 'xennet_create_dev(XENNET_TIMEOUT)'));
  assert.ok(enabled(xenbus, p, produce(e, (d: Draft<S>) => { d.xs.nodes[`${BE}/state`] = String(XenbusStateInitWait); })).some((x) => x.name === 'xennet_create_dev(XENNET_TIMEOUT)'), 'before vanished it would end');
});

test('at 6.12 the 7.0 rules do not exist and no state holds `vanished`; the default counts are 6.12\'s', () => {
  const names = ['xenbus_dev_changed(frontend: state reset)', 'xenbus_dev_changed(frontend: state reset, unregister waits)', 'xenbus_cleanup_devices(frontend: unregister waits)'];
  for (const n of names) assert.not.ok(xenbus.rules.find((r) => r.name === n)!.applies!(p6()), n);
  let seen = 0;
  const o = { reconnect: 0, events: 2 };
  const d = check(systemOf(xenbus, p6(o)), { onState: (s: S) => { if ('vanished' in s.fe) seen++; } });
  const e = check(systemOf(xenbus, paramsOf(xenbus, { ...o, bus: '6.12' })), {});
  assert.is(seen, 0);
  assert.is(d.outcome, 'ok');
  assert.is(d.distinctStates, e.distinctStates);
  assert.is(d.edges, e.edges);
  const v = check(systemOf(xenbus, p7(o)), {});
  assert.is(v.outcome, 'ok');
  assert.ok(v.distinctStates > d.distinctStates, '7.0 has more states (the guest\'s own writes queue no-op bus events)');
});

test('a xenbus trace written before `bus` existed (no such key in its params) replays as 6.12', () => {
  const t = readTraceFile(join(resolve(import.meta.dirname, '..'), 'docs/findings/xenbus-F7.trace.json'));
  if (E.isLeft(t)) assert.unreachable(t.left);
  const trace = (t as E.Right<Trace>).right;
  assert.is(trace.params.bus, '6.12');
  const { bus: _, ...older } = trace.params;
  const rep = replayWith(xenbus, { ...trace, params: older });
  assert.is(rep.kind, 'reproduced', 'detail' in rep ? rep.detail : '');
  if (rep.kind === 'reproduced') assert.is(rep.step, 10);
  // the same steps at 7.0 do not run: the guest's own Closed queues a bus event 6.12 does not
  assert.is.not(replayWith(xenbus, { ...trace, params: { ...older, bus: '7.0' } }).kind, 'reproduced');
});

// --- the findings at bus=7.0, each computed by a check and recognised by its end state

const last = (r: CheckResult<S>): S => r.violation!.trace[r.violation!.trace.length - 1]!.state as S;
const found = (m: M, o: Overrides, props: string[]): { r: CheckResult<S>; end: S; steps: number } => {
  const p = p7(o);
  const r = check(systemOf(m, p, props), {});
  assert.ok(r.violation, `${m.name} at ${JSON.stringify(o)} bus=7.0: ${props.join(',')} found`);
  assert.ok(replays(m, p, r), 'the trace replays');
  return { r, end: last(r), steps: r.violation!.trace.length - 1 };
};

test('F2 at bus=7.0: an XDP attach during a guest close still deadlocks (the wait for Reconfigured, the close waiting for rtnl)', () => {
  const { end, steps } = found(xenbus, { reconfigure: 1, events: 2, migrate: 0, backendFatal: 0 }, ['deadlock']);
  assert.is(end.fe.xdp, 'wait');
  assert.is(end.fe.remove, 'closed');
  assert.is(steps, 15); // 14 at 6.12; one more: the guest's own switch queues a (no-op) bus event at 7.0
});

test('F4 at bus=7.0: an XDP attach before the guest handled Connected is still stuck', () => {
  const { r, end, steps } = found(xenbus, { reconfigure: 1, guestClose: 0 }, ['stuck']);
  assert.is(r.violation!.property, 'stuck');
  assert.is(end.fe.xdp, 'wait');
  assert.is(end.fe.xw, 'notify_peers');
  assert.is(steps, 14);
});

test('F7 at bus=7.0: the rebind\'s probe and the removal still deadlock; the removal set vanished first', () => {
  const { end, steps } = found(xenbus, {}, ['deadlock']);
  assert.is(end.fe.probe, 'modprobe');
  assert.is(end.fe.vanished, true, 'xenbus_cleanup_devices set vanished, then device_unregister waits for the probe\'s device lock');
  assert.is(beNodeAsFrontend(end), XenbusStateUnknown);
  assert.not.ok(end.xs.nodes[`${FE}/state`] !== undefined || end.xs.nodes[`${BE}/state`] !== undefined, 'both directories removed');
  assert.is(steps, 12); // 10 at 6.12: the guest's own Closed queues a bus event, and the vanished step
});

test('F7-hostile at bus=7.0: a driver domain that wrote Closed, then removed, still hangs the probe on the guest\'s xenwatch', () => {
  const { end, steps } = found(xenbus, { backend: 'hostile' }, ['deadlock']);
  assert.is(end.fe.probe, 'xenwatch');
  assert.is(steps, 6);
});

test('F8 at bus=7.0: the XDP attach while netback closes after an error still deadlocks with both ends Closed', () => {
  // at F8's row 7.0's shortest deadlock is F4's shape (one step longer paths there): ask for F8's end state itself
  const F8end = (s: S, p: XenbusParams) =>
    s.fe.inst && s.fe.xdp === 'wait' && s.fe.remove === 'none' && feNode(s) === XenbusStateClosed && beNode(s) === XenbusStateClosed &&
    enabled(xenbus, p, s).length === 0 && !xenbus.isValidEnd!(s, p);
  const m = deriveModel(xenbus, {
    name: 'xenbus-f8-end', description: 'F8\'s end state as an invariant',
    invariants: [{ name: 'not_F8', description: 'not F8\'s deadlock', see: 'docs/findings.md xenbus-F8', holds: (s: S, p: XenbusParams) => !F8end(s, p) }],
  }) as M;
  const row = { reconfigure: 1, events: 2, reconnect: 0, migrate: 0, guestClose: 0 };
  for (const [bus, want] of [['6.12', 14], ['7.0', 15]] as const) {
    const p = paramsOf(m, { ...row, bus });
    const r = check(systemOf(m, p, ['not_F8']), {});
    assert.ok(r.violation, `${bus}: F8's state is reached`);
    assert.ok(replays(m, p, r));
    assert.is(r.violation!.trace.length - 1, want, `${bus}: steps to F8's state`);
  }
});

test('xenbus-V1 (7.0 only): a driver bound again after the unbound device was migrated never connects; 6.12 connects', () => {
  // docs/findings.md's row: unplug=0 keeps F7 (shorter) out of the way; events=3, the route of the write-up (at the
  // defaults' four events, since 2026-12-06, a backend error instead of the guest's close: 13 steps)
  const { end, steps } = found(xenbus, { unplug: 0, events: 3 }, ['deadlock']);
  assert.ok(end.fe.inst && end.fe.probe === 'none', 'netfront bound');
  assert.is(feNode(end), XenbusStateInitialising, 'the rebind\'s switch to Initialising wrote nothing');
  assert.is.not(end.fe.dev, XenbusStateInitialising, 'and left dev->state');
  assert.is(beNode(end), XenbusStateInitWait, 'netback waits in InitWait; netback_changed ignores it (dev->state is not Initialising)');
  assert.is(steps, 14);
  assert.is(check(systemOf(xenbus, p6({ unplug: 0 })), {}).outcome, 'ok', '6.12 at the same row');
  // the same with F7's fix at the 7.0 defaults
  assert.is(found(createDevRemovedFix as M, { events: 3 }, ['deadlock']).steps, 14);
});

test('xenbus-V1\'s fix (the reset check leaves a switch to Initialising alone) verifies at its row; with F7\'s fix too, the 7.0 defaults verify', () => {
  assert.is(check(systemOf(v1Fix as M, p7({ unplug: 0 })), {}).outcome, 'ok');
  const both = deriveModel(createDevRemovedFix as M, {
    name: 'f7-and-v1-fixed', description: 'the fixes of F7 and V1', see: 'examples/xenbus-create-dev-removed-fix.ts, examples/xenbus-v7-switch-initialising-fix.ts',
    replace: { 'netfront_probe(driver bind)': (v1Fix as M).rules.find((r) => r.name === 'netfront_probe(driver bind)')! },
  }) as M;
  assert.is(check(systemOf(both, p7()), {}).outcome, 'ok');
});

test('the fix examples at bus=7.0: the netfront-only XDP fix at F2\'s and F8\'s rows, the guarded one at F8\'s, the create_dev fix against a hostile backend', () => {
  const ok = (m: M, o: Overrides, props?: string[]) => assert.is(check(systemOf(m, p7(o), props), {}).outcome, 'ok', `${m.name} ${JSON.stringify(o)}`);
  ok(timeoutFix as M, { reconfigure: 1, events: 2, migrate: 0, backendFatal: 0 }, ['deadlock']);
  ok(timeoutFix as M, { reconfigure: 1, events: 2, reconnect: 0, migrate: 0, guestClose: 0 }, ['deadlock']);
  ok(xdpSetFixed as M, { reconfigure: 1, events: 2, reconnect: 0, migrate: 0, guestClose: 0 }, ['deadlock']);
  ok(createDevRemovedFix as M, { backend: 'hostile' });
});

test.run();
