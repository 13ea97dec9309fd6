/**
 * xenbus at `-p bus=7.0` (Linux 7.0's e2dcf9065536, docs/models/xenbus.md
 * "Linux 7.0's xenbus core"): a vanished device that still has a driver, as
 * the search reaches it (note23 item 8: no check-all or finding row reaches
 * one), from the start at an XDP attach during an unplug and on the reset
 * path from an unbound, migrated device; on every step the model can take
 * from each vanished state, what 7.0 says of a vanished device. The
 * hand-worked cases of the hunks are in test/xenbusV7; a file of its own so
 * that the mutants it alone kills run it alone (test/mutants/mutants.json).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { produce, type Draft } from 'immer';
import { deriveModel, type Model } from '../model/core.js';
import {
  BE, beNode, feNode, rtnlHeld, xenbus, XenbusStateClosing, XenbusStateInitialising, XenbusStateInitWait, XenbusStateUnknown,
  type XenbusModelState, type XenbusParams,
} from '../model/xenbus.js';
import { check } from '../checker/explore.js';
import { fireRule, systemOf } from './support/models.js';
import { p6, p7 } from './support/xenbusBus.js';

type S = XenbusModelState;
type M = Model<S, XenbusParams>;
const walk = (p: XenbusParams, steps: readonly string[]): S => steps.reduce((s, n) => fireRule(xenbus, p, s, n), xenbus.init(p)[0]!);

/**
 * The cheapest row found (2026-12-06, pool) where the search from the start reaches a device Linux
 * 7.0 marked vanished while netfront is still bound to it: an XDP attach (xennet_xdp_set holds rtnl)
 * while libxl unplugs, so xenbus_cleanup_devices sets vanished and its device_unregister waits for
 * rtnl; a guest close and a driver bind then meet the vanished device. 56,835 states (about 1.3 s
 * of CPU); the defaults' events=4 reach none of 268,052, `reconfigure=1 events=4` 1.18 M states.
 * Both directories are gone in every vanished state of it (libxl removes them together), so the
 * reads of the backend are Unknown either way there: the reset path below has a backend to read.
 */
const VANISHED_ROW = { reconfigure: 1, guestClose: 1, reconnect: 1, events: 3, migrate: 0, backendFatal: 0, frontendFatal: 0, spurious: 0 };
/**
 * The reset path: from the device unbound (a guest close) and migrated, as in the hand-worked test
 * of test/xenbusV7 (nine steps, all rules), a second guest close, a driver bind, a spurious event and the
 * unplug left: the rebound driver never connects (xenbus-V1), its close meets the node reset to
 * Initialising, xenbus_dev_changed sets vanished and its device_unregister waits for the close.
 * 7,035 states (about 0.7 s of CPU).
 */
const RESET_ROW = { events: 6, guestClose: 2, migrate: 1, reconnect: 1, spurious: 1, backendFatal: 0, frontendFatal: 0 };
const UNBOUND_MIGRATED = ['libxl__device_vif_add', 'netback_probe', 'netfront_probe', 'xennet_remove', 'frontend_changed', 'xennet_bus_close(Closing)', 'frontend_changed', 'xennet_bus_close(Closed)', 'xl migrate'] as const;

/** Every state the search reaches from `start` (the model's own start when absent) whose guest device is vanished, and the count of all. */
function vanishedStates(p: XenbusParams, start?: S): { all: number; vanished: S[] } {
  const m = start === undefined ? xenbus : deriveModel(xenbus, { name: 'xenbus-from', description: 'xenbus from a walked state', init: () => [start] }) as M;
  const vanished: S[] = [];
  const r = check(systemOf(m, p, []), { checkDeadlock: false, onState: (s: S) => { if (s.fe.vanished !== undefined) vanished.push(s); } });
  assert.is(r.outcome, 'ok');
  return { all: r.distinctStates, vanished };
}

/** Each rule enabled in `s` (with its choice), its actor and the state it leads to. */
function successors(p: XenbusParams, s: S): { name: string; actor: string; t: S }[] {
  const out: { name: string; actor: string; t: S }[] = [];
  for (const r of xenbus.rules) {
    if (r.applies && !r.applies(p)) continue;
    for (const a of r.choices ? r.choices(s, p) : [undefined]) {
      if (r.when && !r.when(s, p, a as never)) continue;
      out.push({ name: r.name, actor: r.actor ?? '', t: produce(s, (d: Draft<S>) => r.then(d, s, p, a as never)) });
    }
  }
  return out;
}

const REPROBE = 'xenbus_dev_changed(frontend: state reset)';

/**
 * What e2dcf9065536 says of a vanished device, on every step the model can take from each vanished
 * state: the flag belongs to the device (kept while it is on the guest's bus, gone with it, a
 * re-probe's new device only on a node that reads Initialising); no bus event of the guest is
 * "nothing to do" for it (xenbus_dev_changed unregisters a vanished device, xenbus_cleanup_devices
 * a removed one); `__xenbus_switch_state` returns before dev->state is set; netfront's reads of the
 * backend (`xenbus_read_driver_state(dev, dev->otherend)`) are Unknown: each of its steps is the
 * step it takes with the backend's node reading Unknown; device_unregister waits for rtnl
 * (unregister_netdev) and for the device lock a guest close holds (no other instance replaces a
 * closing one). Returns the steps looked at.
 */
function vanishedSteps(p: XenbusParams, vanished: readonly S[]): number {
  let steps = 0;
  for (const s of vanished) {
    const unknown = produce(s, (d: Draft<S>) => { d.xs.nodes[`${BE}/state`] = String(XenbusStateUnknown); });
    const asUnknown = new Map(successors(p, unknown).filter((x) => x.actor === 'frontend').map((x) => [x.name, x.t] as const));
    const next = successors(p, s);
    for (const { name, actor, t } of next) {
      steps++;
      const at = `${name} from ${JSON.stringify(s.fe)}`;
      if (t.fe.bus && name === REPROBE) assert.is(feNode(s), XenbusStateInitialising, `a new device only on a node that reads Initialising: ${at}`);
      else if (t.fe.bus) assert.is(t.fe.vanished, true, `vanished kept: ${at}`);
      if (!t.fe.bus || name === REPROBE) assert.is(t.fe.vanished, undefined, `vanished gone with the device: ${at}`);
      assert.is.not(name, 'xenbus_dev_changed(frontend: nothing to do)', `a bus event of a vanished device unregisters it: ${at}`);
      if (actor === 'frontend' && s.fe.inst && t.fe.inst) assert.is(t.fe.dev, s.fe.dev, `no switch sets dev->state: ${at}`);
      if (rtnlHeld(s) && s.fe.inst) assert.ok(t.fe.inst, `torn down under rtnl: ${at}`);
      if (s.fe.inst && s.fe.remove !== 'none' && t.fe.inst) assert.is.not(t.fe.remove, 'none', `a closing instance replaced: ${at}`);
      // (a re-probe's new device is not vanished: its probe reads the node)
      if (actor === 'frontend' && name !== REPROBE) {
        const u = asUnknown.get(name);
        assert.ok(u, `${name} is enabled with the backend's node Unknown too: ${at}`);
        assert.equal(produce(u!, (d: Draft<S>) => { d.xs.nodes[`${BE}/state`] = s.xs.nodes[`${BE}/state`]; }), t, `the same step as with the backend's node Unknown: ${at}`);
      }
    }
    for (const name of asUnknown.keys()) assert.ok(name === REPROBE || next.some((x) => x.name === name), `${name} enabled only with the backend's node Unknown`);
  }
  return steps;
}

// the reset path first (7,035 states): a file stops at its first failed test on a mutant (test/mutants/)
test('a vanished device that still has a driver on the reset path (bus=7.0: unbound, migrated, bound again, closed): reads Unknown with the backend there, the close finishes before the unregister', () => {
  const p = p7(RESET_ROW);
  const { all, vanished } = vanishedStates(p, walk(p, UNBOUND_MIGRATED));
  const held = vanished.filter((s) => s.fe.inst);
  // not vacuous: a closing driver holds the vanished device with the backend's node there (InitWait, Closing) and its own reading Initialising
  assert.ok(held.some((s) => s.fe.remove === 'closing' && beNode(s) === XenbusStateInitWait && feNode(s) === XenbusStateInitialising), 'closing, the backend in InitWait');
  assert.ok(held.some((s) => beNode(s) === XenbusStateClosing), 'the backend closing (the unplug)');
  assert.ok(vanishedSteps(p, vanished) > vanished.length);
  assert.equal([all, vanished.length, held.length], [7035, 124, 92]);
});

test('a vanished device that still has a driver, reached by the search from the start (bus=7.0, an XDP attach during an unplug): what 7.0 says of vanished holds on every step from it', () => {
  const p = p7(VANISHED_ROW);
  const { all, vanished } = vanishedStates(p);
  const held = vanished.filter((s) => s.fe.inst);
  // not vacuous: the driver holds the vanished device (XDP waiting, closing, closed), the guest closed it, a driver bind's probe waits on it
  assert.ok(held.some((s) => s.fe.xdp === 'wait') && held.some((s) => s.fe.remove === 'closing') && held.some((s) => s.fe.remove === 'closed'), 'the driver holds a vanished device');
  assert.ok(vanished.some((s) => !s.fe.inst && s.fe.bus && s.fe.probe === 'none'), 'a vanished device the guest closed stays on the bus');
  assert.ok(vanished.some((s) => s.fe.probe === 'modprobe'), 'a driver bind\'s probe on the vanished device');
  assert.ok(vanishedSteps(p, vanished) > vanished.length);
  assert.equal([all, vanished.length, held.length], [56835, 5638, 5486]);
  // 6.12 at the same row: no device is ever vanished
  assert.is(vanishedStates(p6(VANISHED_ROW)).vanished.length, 0);
});

test.run();
