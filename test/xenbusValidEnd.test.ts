/**
 * xenbus's valid ends with a hostile guest against Linux netback
 * (model/xenbus.ts `xenbusValidEnd`, `netbackOwesNothing`): the guest may
 * stop anywhere, netback and libxl may not. Until 2026-12-05 every terminal
 * state was a valid end once a peer was not Linux, so a toolstack or netback
 * left waiting on the guest passed unnoticed: here libxl without
 * LIBXL_DESTROY_TIMEOUT (`forcedRemoval=false`: its device remove then waits
 * for a backend Closed that a guest which never closes holds back) and a
 * netback whose xenwatch never handles one state the guest writes are
 * deadlocks, while the built-in (libxl's timeout on) verifies.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deriveModel } from '../model/core.js';
import { xenbus, feNode, XenbusStateReconfiguring, DRIVER_DOMAIN, type XenbusModelState } from '../model/xenbus.js';
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

test.run();
