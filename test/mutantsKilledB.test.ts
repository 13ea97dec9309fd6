/**
 * Tests written for mutants of test/mutants/mutants.json that the tests of
 * their code let survive (session 19's audit of session 18's code,
 * docs/perf/2026-12-06-pool.md; test/mutantsKilled.test.ts holds session
 * 18's): each says which mutant it kills, and passes on the code as it is.
 *
 * - xenbus-valid-end-driver-domain-down (model/xenbus.ts `netbackOwesNothing`,
 *   3105bb4): with a hostile guest against Linux netback, a terminal state
 *   whose driver domain is down is not a valid end (the toolstack owes the
 *   guest a backend). In the built-in the toolstack always re-creates a
 *   crashed driver domain (`driver domain restarted` is enabled while it is
 *   down), so no terminal state has it down and test/xenbusValidEnd's cases
 *   never reach the clause: here the toolstack never restarts it.
 * - netif-packet-menu-fit-shared (model/netif.ts `shapesFitting`, 2e4c84f):
 *   the packets that fit in N free slots are cached per menu list (any
 *   packets, netfront's own). Only a frontend that fills the ring
 *   (`stopAt=ring-full`) asks for them, and test/netifAnyPackets's cases stop
 *   at netfront's limit, where the lists are not filtered by free slots:
 *   here a frontend of any packets then netfront's fills a ring of 4 slots,
 *   against the reference that filters every call's list afresh.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deriveModel } from '../model/core.js';
import { xenbus, DRIVER_DOMAIN, type XenbusModelState } from '../model/xenbus.js';
import { netifTx, shapeSlots, type NetifParams, type NetifState, type Shape } from '../model/netif.js';
import type { Rule } from '../model/core.js';
import { check } from '../checker/explore.js';
import { paramsOf, replays, runModel, systemOf } from './support/models.js';

const staysDown = deriveModel(xenbus, {
  name: 'xenbus-driver-domain-stays-down',
  description: 'the toolstack never re-creates a crashed driver domain',
  remove: ['driver domain restarted'],
});

test('hostile guest: a driver domain that crashed and is never restarted leaves the guest without a backend, a deadlock that replays (kills xenbus-valid-end-driver-domain-down)', () => {
  const p = paramsOf(staysDown, { frontend: 'hostile', hostileWrites: 0, events: 1, backendRestart: 1 });
  const r = check(systemOf(staysDown, p, ['deadlock']), {});
  assert.is(r.violation?.property, 'deadlock');
  assert.ok(replays(staysDown, p, r));
  const last = r.violation!.trace.at(-1)!.state as XenbusModelState;
  assert.ok(last.ts.beDown, 'the driver domain is down in the last state');
  assert.is(last.ts.phase, 'plugged', 'no device removal waits: only the driver domain is owed');
  assert.equal(last.xs.events[DRIVER_DOMAIN] ?? [], [], 'no event of the driver domain queued');
  // the built-in, whose toolstack restarts it, verifies at the same bounds
  assert.is(check(systemOf(xenbus, paramsOf(xenbus, { frontend: 'hostile', hostileWrites: 0, events: 1, backendRestart: 1 }), ['deadlock']), {}).outcome, 'ok');
});

const xmit = netifTx.rules.find((r) => r.name === 'xennet_start_xmit')! as Rule<NetifState, NetifParams, Shape>;
// every call: the menu of a fresh parameter record (no cache hit), filtered here by the free slots
const fitsAfresh = deriveModel(netifTx, {
  name: 'netif-tx-fit-afresh', description: "xennet_start_xmit's choices filtered by free slots on every call",
  replace: {
    xennet_start_xmit: {
      ...xmit,
      choices: (s, p) => {
        const all = xmit.choices!(s, { ...p, stopAt: 'netfront', ringSize: 64 }) as Shape[];
        return all.filter((sh) => shapeSlots(sh) <= p.ringSize - ((s.front.req_prod_pvt - s.front.rsp_cons) >>> 0));
      },
    },
  },
});

test('netif-tx filling the ring (stopAt=ring-full), any packets then netfront\'s: the shapes that fit are those of each packet\'s own menu (kills netif-packet-menu-fit-shared)', () => {
  for (const c of [{ anyPackets: 1, packets: 3 }, { anyPackets: 2, packets: 3 }]) {
    const p = paramsOf(netifTx, { frontend: 'any', ringSize: 4, maxSlots: 2, gso: 'off', stopAt: 'ring-full', ...c });
    const got = runModel(netifTx, p), want = runModel(fitsAfresh, p);
    assert.equal([got.distinctStates, got.edges, got.outcome], [want.distinctStates, want.edges, want.outcome], JSON.stringify(c));
  }
});

test.run();
