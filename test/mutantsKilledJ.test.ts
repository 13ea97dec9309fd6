/**
 * Fast killers for the five mutants that only slow files killed (session 28; test/nc2 64 s and
 * test/xenbus 36 s in test/timings.json): each a check of what the mutated line stands for, at
 * small named parameters (a few thousand states, about a second each), on every reachable state
 * or step, with a check that the case it is about is reached (no figure of the defaults, no
 * pinned count: test/mutantsKilledI's counts did not move under these mutants).
 *
 * - nc2-recv-counted-hostile, nc2-padrun-kept-past-data (model/nc2.ts consume): a message the
 *   frontend takes from the ring a hostile backend produces (ring 1) leaves `recv` at 0 (nothing
 *   reads it there: counting would split states by how many stale messages came) and resets the
 *   ghost `padRun` (v2v_nc2_get_message returned TRUE: its pad counter is gone), from every
 *   reachable state where nc2_get_message.frontend is enabled, pads skipped before it included.
 * - xenbus-f7-xenwatch-hang-settled (model/xenbus.ts settled): finding F7 at small bounds (one
 *   unbind, one rebind, one unplug): a state where the guest's xenwatch hangs is never settled,
 *   and the search reports the F7 deadlock (removed, the probe waiting).
 * - xenbus-close-retry-never (xennet_bus_close(XENNET_TIMEOUT)): with an XDP attach and a guest
 *   close, the close's wait times out and switches again (the rule fires).
 * - xenbus-queues-connected-off-by-one (X11): a backend that negotiated one queue of a frontend's
 *   two is Connected with queue 1 unmapped, and X11 holds there.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { produce, type Draft } from 'immer';
import { nc2, type Nc2State } from '../model/nc2.js';
import { X11, XenbusStateConnected, guestXenwatchHangs, nobodyWaits, removed, settled, unbound, xenbus } from '../model/xenbus.js';
import { check } from '../checker/explore.js';
import { paramsOf, systemOf } from './support/models.js';

test('nc2 (nc2-recv-counted-hostile, nc2-padrun-kept-past-data): a message the frontend takes from the hostile backend\'s ring leaves recv at 0 and resets padRun, pads skipped before it included', () => {
  // messages 0: only the hostile backend's writes move anything; three writes reach a pad, then a message
  const p = paramsOf(nc2, { backend: 'hostile', directions: 2, messages: 0, ringBytes: 16, maxMessage: 8, hostileWrites: 3, hostileLaps: 1 });
  const take = nc2.rules.find((r) => r.name === 'nc2_get_message.frontend')!;
  assert.ok(take && (!take.applies || take.applies(p)));
  let taken = 0, afterPads = 0;
  const bad: string[] = [];
  check(systemOf(nc2, p, []), {
    checkDeadlock: false,
    onState: (s: Nc2State) => {
      if (s.cons[1]!.recv !== 0 && bad.length < 3) bad.push(`a reachable state with ring 1's recv ${s.cons[1]!.recv}`);
      if (!take.when!(s, p, undefined as never)) return;
      taken++;
      if (s.cons[1]!.padRun > 0) afterPads++;
      const n = produce(s, (d: Draft<Nc2State>) => take.then(d as never, s, p, undefined as never));
      if ((n.cons[1]!.recv !== 0 || n.cons[1]!.padRun !== 0) && bad.length < 3) bad.push(`from padRun ${s.cons[1]!.padRun}: recv ${n.cons[1]!.recv}, padRun ${n.cons[1]!.padRun}`);
    },
  });
  assert.ok(taken > 0, 'the frontend takes a message from ring 1');
  assert.ok(afterPads > 0, 'it does so after skipping pads');
  assert.equal(bad, []);
});

const XB = { migrate: 0, frontendFatal: 0, backendFatal: 0, spurious: 0, hotplugFail: 0, initTimeout: 0, guestClose: 0, reconnect: 0, unplug: 0 };

test('xenbus F7 at small bounds (xenbus-f7-xenwatch-hang-settled): a state where the guest\'s xenwatch hangs is never settled; the search reports the deadlock, removed with the probe waiting', () => {
  const p = paramsOf(xenbus, { ...XB, events: 3, guestClose: 1, reconnect: 1, unplug: 1 });
  let hangs = 0, f7 = 0;
  const r = check(systemOf(xenbus, p, []), {
    checkDeadlock: false,
    onState: (s: any) => {
      if (!guestXenwatchHangs(s)) return;
      hangs++;
      assert.not.ok(settled(s), 'the guest\'s xenwatch hangs: not settled');
      if (removed(s) && s.fe.probe !== 'none' && nobodyWaits(s)) f7++;
    },
  });
  assert.is(r.outcome, 'ok');
  assert.ok(hangs > 0 && f7 > 0, `F7's state is reached (${f7} of ${hangs} with xenwatch hung)`);
  const d = check(systemOf(xenbus, p, []), { checkDeadlock: true });
  assert.is(d.violation?.property, 'deadlock');
  const last = d.violation!.trace.at(-1)!.state as any;
  assert.ok(guestXenwatchHangs(last) && (removed(last) || unbound(last)), 'the deadlock is the hung xenwatch');
});

test('xenbus (xenbus-close-retry-never): with an XDP attach during a guest close, xennet_bus_close\'s wait times out and switches Closing again', () => {
  const p = paramsOf(xenbus, { ...XB, events: 2, reconfigure: 1, guestClose: 1 });
  const r = check(systemOf(xenbus, p, []), { checkDeadlock: false });
  assert.is(r.outcome, 'ok');
  assert.not.ok(r.neverFired.includes('xennet_bus_close(XENNET_TIMEOUT)'), `never fired: ${r.neverFired.join(', ')}`);
});

test('xenbus X11 (xenbus-queues-connected-off-by-one): netback Connected on one queue of two holds X11 with queue 1 unmapped', () => {
  const p = paramsOf(xenbus, { ...XB, events: 0, frontendQueues: 2, backendMaxQueues: 1 });
  let oneOfTwo = 0;
  const r = check(systemOf(xenbus, p, [X11.name]), {
    checkDeadlock: false,
    onState: (s: any) => {
      if (s.be.inst && s.be.dev === XenbusStateConnected && s.be.nq === 1 && s.q.length === 2 && s.q[1].map === null) oneOfTwo++;
    },
  });
  assert.is(r.outcome, 'ok', r.violation?.property);
  assert.ok(oneOfTwo > 0, 'netback Connected on one queue, queue 1 unmapped, is reached');
});

test.run();
