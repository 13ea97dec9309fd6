/**
 * blkif's `-p migrate=true` against the toolstack's order (docs/models/blkif.md
 * "What xl migrate orders"): xl's migrate_receive creates the domain paused
 * and unpauses it only after libxl_domain_create_restore completed, which
 * waits (libxl__add_disks -> libxl__wait_device_connection) for every vbd's
 * backend node to read InitWait. So the guest's xenbus_dev_resume never runs
 * before the destination's blkback probed, and a detach after the resume never
 * meets an unprobed backend. Each test can fail: the model before 2026-12-06
 * (session 24) let the guest resume first (201,221 states, now 201,207).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { produce, type Draft } from 'immer';
import {
  blkif, blkifInvariants, xenbusDevResume, libxlSafeRemove,
  MIGRATE_DONE, MIGRATE_NONE, MIGRATE_RESUMING, XenbusStateInitialising, XenbusStateInitWait,
  type BlkifState, type LifeDraft,
} from '../model/blkif.js';
import { check } from '../checker/explore.js';
import { paramsOf, systemOf } from './support/models.js';

type Overrides = Record<string, string | number | boolean>;

function states(o: Overrides): BlkifState[] {
  const out: BlkifState[] = [];
  check(systemOf(blkif, paramsOf(blkif, o), blkifInvariants.map((x) => x.name)), { checkDeadlock: false, onState: (s: BlkifState) => { out.push(s); } });
  return out;
}

const RUNS: Overrides[] = [
  { migrate: true, requests: 2 },
  { migrate: true, requests: 2, bus: '7.0' },
  { migrate: true, removal: 'libxl', requests: 2 },
  { migrate: true, unbind: true, removal: 'libxl', requests: 2, bus: '7.0' },
];

test('the guest resumes only after the destination\'s blkback wrote InitWait (libxl__wait_device_connection, then libxl_domain_unpause)', () => {
  for (const o of RUNS) {
    const all = states(o);
    const resumed = all.filter((s) => s.life!.migrated === MIGRATE_DONE);
    assert.ok(resumed.length > 0, `${JSON.stringify(o)}: the guest resumes`);
    assert.ok(resumed.every((s) => s.life!.beDev !== XenbusStateInitialising && s.life!.be !== XenbusStateInitialising), `${JSON.stringify(o)}: no resumed guest with its backend unprobed`);
    // while the guest is suspended at the destination, the probe happens (both orders of the handshake are not)
    assert.ok(all.some((s) => s.life!.migrated === MIGRATE_RESUMING && s.life!.be === XenbusStateInitWait), `${JSON.stringify(o)}: probed while suspended`);
    assert.ok(all.some((s) => s.life!.migrated === MIGRATE_RESUMING && s.life!.be === XenbusStateInitialising), `${JSON.stringify(o)}: the nodes written, not yet probed`);
  }
});

test('libxl_device_disk_safe_remove never meets the destination\'s unprobed backend', () => {
  for (const o of RUNS.filter((x) => x.removal === 'libxl')) {
    const p = paramsOf(blkif, o);
    const enabled = states(o).filter((s) => s.life!.migrated !== MIGRATE_NONE && libxlSafeRemove.when!(s, p, undefined as never));
    assert.ok(enabled.length > 0, `${JSON.stringify(o)}: a detach after the migration`);
    assert.ok(enabled.every((s) => s.life!.migrated === MIGRATE_DONE && s.life!.beDev !== XenbusStateInitialising), `${JSON.stringify(o)}: only after the resume, the backend probed`);
  }
});

test('xenbus_dev_resume, hand-worked: disabled at the nodes libxl wrote, enabled once the backend node reads InitWait', () => {
  const p = paramsOf(blkif, { migrate: true, requests: 2 });
  const s = states({ migrate: true, requests: 2 }).find((x) => x.life!.migrated === MIGRATE_RESUMING && x.life!.be === XenbusStateInitialising)!;
  assert.ok(s);
  assert.not.ok(xenbusDevResume.when!(s, p, undefined as never));
  const probed = produce(s, (d: Draft<BlkifState>) => { const l = d.life as LifeDraft; l.be = XenbusStateInitWait; l.beDev = XenbusStateInitWait; });
  assert.ok(xenbusDevResume.when!(probed, p, undefined as never));
});

test.run();
