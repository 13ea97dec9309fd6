/**
 * xenbus's valid ends (model/xenbus.ts `xenbusValidEnd`).
 *
 * With a hostile guest against Linux netback (`netbackOwesNothing`): the guest
 * may stop anywhere, netback and libxl may not. Until 2026-12-05 every terminal
 * state was a valid end once a peer was not Linux, so a toolstack or netback
 * left waiting on the guest passed unnoticed: here libxl without
 * LIBXL_DESTROY_TIMEOUT (`forcedRemoval=false`: its device remove then waits
 * for a backend Closed that a guest which never closes holds back) and a
 * netback whose xenwatch never handles one state the guest writes are
 * deadlocks, while the built-in (libxl's timeout on) verifies.
 *
 * With both ends Linux (`settled`) and with a hostile driver domain
 * (`netfrontOwesNothing`), since 2026-12-06 (`nobodyWaits`): a terminal state
 * where libxl's device remove still waits for Closed, or where
 * `xennet_xdp_set` sleeps holding rtnl, is no valid end. Each test collects
 * every terminal state of a run and checks that the valid end refuses the
 * ones of its kind (there is at least one), so a mutant that drops the
 * conjunct fails it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deriveModel } from '../model/core.js';
import {
  xenbus, feNode, beNode, XenbusStateReconfiguring, XenbusStateClosed, XenbusStateInitWait, DRIVER_DOMAIN, connectedAndIdle, bothClosed, type XenbusModelState,
} from '../model/xenbus.js';
import { check } from '../checker/explore.js';
import type { Model } from '../model/core.js';
import { paramsOf, replays, systemOf } from './support/models.js';

// one write and one lifecycle event: enough for each case, a few seconds each
const HOSTILE = { frontend: 'hostile', hostileWrites: 1, events: 1 };
// deadlock alone: X4 and X11 fail first with a hostile guest (finding F6)
const run = <S, P>(m: Model<S, P>, p: P) => check(systemOf(m, p, ['deadlock']), {});

test('hostile guest, libxl without LIBXL_DESTROY_TIMEOUT: its device remove waits forever for a guest that never closes (it writes nothing), a deadlock that replays', () => {
  const p = paramsOf(xenbus, { ...HOSTILE, hostileWrites: 0, forcedRemoval: false });
  const r = run(xenbus, p);
  assert.is(r.violation?.property, 'deadlock');
  assert.ok(replays(xenbus, p, r));
  const last = r.violation!.trace.at(-1)!.state as XenbusModelState;
  assert.is(last.ts.phase, 'unplugging');
  assert.is.not(last.xs.nodes['backend/vif/1/0/state'], '6', 'the backend is not Closed');
});

const changed = xenbus.rules.find((x) => x.name === 'frontend_changed')!;
const blocks = deriveModel(xenbus, {
  name: 'xenbus-netback-xenwatch-blocks', description: "netback's frontend_changed never returns for a frontend in Reconfiguring (its xenwatch event stays queued)",
  replace: { frontend_changed: { ...changed, when: (s, p, a) => changed.when!(s, p, a) && feNode(s) !== XenbusStateReconfiguring } },
});

test("hostile guest: a netback whose xenwatch never handles the guest's Reconfiguring is a deadlock (an event of the driver domain left queued)", () => {
  const p = paramsOf(blocks, HOSTILE);
  const r = run(blocks, p);
  assert.is(r.violation?.property, 'deadlock');
  assert.ok(replays(blocks, p, r));
  const last = r.violation!.trace.at(-1)!.state as XenbusModelState;
  assert.ok((last.xs.events[DRIVER_DOMAIN] ?? []).length > 0);
  assert.is(feNode(last), XenbusStateReconfiguring);
});

test('hostile guest: the built-in verifies, deadlock included (libxl times out, netback handles every write)', () => {
  const r = run(xenbus, paramsOf(xenbus, HOSTILE));
  assert.is(r.outcome, 'ok');
});

/** Every terminal state of xenbus at `p` (a copy of each), with the built-in's verdict on it: the search runs on a copy of the model whose valid end records and accepts. */
function terminals(p: ReturnType<typeof paramsOf<XenbusModelState, any>>): { s: XenbusModelState; valid: boolean }[] {
  const out: { s: XenbusModelState; valid: boolean }[] = [];
  const all = deriveModel(xenbus, {
    name: 'xenbus-every-end', description: 'every terminal state is recorded and accepted',
    isValidEnd: (s, q) => { out.push({ s: JSON.parse(JSON.stringify(s)), valid: xenbus.isValidEnd!(s, q) }); return true; },
  });
  const r = check(systemOf(all, p, ['deadlock']), {});
  assert.is(r.outcome, 'ok');
  return out;
}

test("both Linux, libxl without LIBXL_DESTROY_TIMEOUT: both ends Connected while libxl's device remove still waits for Closed (netback's Connected overwrote libxl's Closing) is a deadlock, not `connectedAndIdle`", () => {
  // xl migrate, then the unplug while the fresh netback still sits in InitWait with the guest already Connected:
  // frontend_changed(Connected) -> connect(), and hotplug_status_changed's backend_switch_state(Connected)
  // writes 4 over the 5 libxl wrote (dev->state was InitWait); libxl waits for 6 for ever
  const p = paramsOf(xenbus, { forcedRemoval: false, events: 2, reconnect: 0, guestClose: 0, frontendFatal: 0, backendFatal: 0, initTimeout: 0 });
  const ends = terminals(p).filter(({ s }) => connectedAndIdle(s) && s.ts.phase === 'unplugging');
  assert.ok(ends.length > 0, 'such terminal states are reached');
  for (const e of ends) assert.not.ok(e.valid, 'libxl waiting is no valid end');
  // with libxl's timeout the same race ends in a forced removal: no terminal state has libxl waiting
  const timed = terminals(paramsOf(xenbus, { events: 2, reconnect: 0, guestClose: 0, frontendFatal: 0, backendFatal: 0, initTimeout: 0 }));
  assert.ok(timed.every(({ s }) => s.ts.phase !== 'unplugging'));
});

test('both Linux, finding F8: an XDP attach while the backend closes (xenbus_dev_fatal) leaves both ends Closed and xennet_xdp_set asleep holding rtnl, a deadlock that replays', () => {
  const p = paramsOf(xenbus, { reconfigure: 1, events: 2, reconnect: 0, migrate: 0, guestClose: 0 });
  const ends = terminals(p).filter(({ s }) => bothClosed(s) && s.fe.xdp === 'wait');
  assert.ok(ends.length > 0, 'such terminal states are reached');
  for (const e of ends) assert.not.ok(e.valid, 'rtnl held for ever is no valid end');
  const r = run(xenbus, p);
  assert.is(r.violation?.property, 'deadlock');
  assert.is(r.violation!.trace.length - 1, 14);
  assert.ok(replays(xenbus, p, r));
  const last = r.violation!.trace.at(-1)!.state as XenbusModelState;
  assert.ok(bothClosed(last) && last.fe.xdp === 'wait' && last.ts.phase === 'plugged');
  assert.ok(r.violation!.trace.some((x) => x.rule === 'xenbus_dev_fatal(backend)'));
});

test("hostile driver domain, libxl without LIBXL_DESTROY_TIMEOUT: libxl left waiting for a Closed the driver domain never writes is no valid end (`netfrontOwesNothing`)", () => {
  const p = paramsOf(xenbus, { backend: 'hostile', forcedRemoval: false, reconnect: 0, hostileWrites: 1, events: 1 });
  const ends = terminals(p).filter(({ s }) => s.ts.phase === 'unplugging' && beNode(s) !== XenbusStateClosed);
  assert.ok(ends.length > 0, 'such terminal states are reached');
  for (const e of ends) assert.not.ok(e.valid);
});

// --- the peers' valid ends read against their code (2026-12-06)

test("hostile guest: a state netback cannot read makes it unregister (frontend_changed(Unknown), netback_remove deletes hotplug-status); libxl's add had ended, so LIBXL_INIT_TIMEOUT may not fire and X19 holds at initTimeout=0; the old reading (hotplug-status absent = libxl still waiting) fails X19, with a trace that replays", () => {
  const p = paramsOf(xenbus, { frontend: 'hostile', initTimeout: 0, hostileWrites: 1, events: 0 });
  const r = check(systemOf(xenbus, p, ['X19_device_add_ends']), {});
  assert.is(r.outcome, 'ok');
  // the reading before 2026-12-06, as X19's own
  const x19 = xenbus.goals!.find((g) => g.name === 'X19_device_add_ends')!;
  const oldWaits = (s: XenbusModelState) => s.ts.phase === 'plugged' && !s.ts.beDown && !s.ts.uevent && s.xs.nodes['backend/vif/1/0/hotplug-status'] === undefined && beNode(s) !== XenbusStateInitWait;
  const old: typeof xenbus = { ...deriveModel(xenbus, { name: 'x19-old', description: "X19 with the old reading of libxl's wait" }), goals: xenbus.goals!.map((g) => (g === x19 ? { ...x19, reached: (s: XenbusModelState) => !oldWaits(s) } : g)) };
  const ro = check(systemOf(old, p, ['X19_device_add_ends']), {});
  assert.is(ro.violation?.property, 'X19_device_add_ends');
  assert.ok(replays(old, p, ro));
  const last = ro.violation!.trace.at(-1)!.state as XenbusModelState;
  assert.not.ok(last.be.inst, 'netback unregistered');
  assert.is(last.ts.phase, 'plugged');
  assert.ok(ro.violation!.trace.some((x) => x.rule === 'vif-hotplug(online)'), 'the script had run: the add had ended');
});

test('MirageOS cannot be migrated (mirage-xen never acknowledges a suspend request; no resume hook since mirage-net-xen 2020): xl migrate does not apply with frontend=mirage, and does with Linux netfront', () => {
  const migrate = xenbus.rules.find((x) => x.name === 'xl migrate')!;
  assert.not.ok(migrate.applies!(paramsOf(xenbus, { frontend: 'mirage' })));
  assert.ok(migrate.applies!(paramsOf(xenbus, {})));
  const r = check(systemOf(xenbus, paramsOf(xenbus, { frontend: 'mirage', events: 2 }), ['deadlock']), {});
  assert.ok(!r.coverage.some((c) => c.rule === 'xl migrate'));
});

test.run();
