/**
 * blkif's `-p migrate=true` against the toolstack's order (docs/models/blkif.md
 * "What xl migrate orders"): xl's migrate_receive creates the domain paused
 * and unpauses it only after libxl_domain_create_restore completed, which
 * waits (libxl__add_disks -> libxl__wait_device_connection) for every vbd's
 * backend node to read InitWait. So the guest's xenbus_dev_resume never runs
 * before the destination's blkback probed. Each test can fail: the model before
 * 2026-12-06 (session 24) let the guest resume first (201,221 states, now
 * 201,207). Since session 25 (with removal=libxl) an `xl block-detach` of the
 * incoming domain may come during the restore (libxl does not refuse it):
 * xen_blkbk_probe writes InitWait over its Closing (a path into
 * blkif-safe-remove that connect()'s check in examples/blkif-safe-remove-fix.ts
 * alone misses), and a Closing written after the probe but before the
 * restore read InitWait makes the restore time out: the migration fails, the
 * guest runs on at the source (a valid end).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { produce, type Draft } from 'immer';
import {
  blkif, blkifInvariants, blkifValidEnd, xenbusDevResume, libxlSafeRemove, xenBlkbkProbe,
  LIBXL_WAITING, MIGRATE_DONE, MIGRATE_NONE, MIGRATE_RESUMING, XenbusStateClosing, XenbusStateConnected, XenbusStateInitialising, XenbusStateInitWait,
  type BlkifParams, type BlkifState, type LifeDraft,
} from '../model/blkif.js';
import { type Model, deriveModel } from '../model/core.js';
import { check } from '../checker/explore.js';
import { paramsOf, systemOf } from './support/models.js';
import safeRemoveFix from '../examples/blkif-safe-remove-fix.js';
import xenbusFix from '../examples/blkif-safe-remove-xenbus-fix.js';
import connectOnly from '../examples/blkif-safe-remove-connect-only.js';
import libxlFix from '../examples/blkif-safe-remove-libxl-fix.js';
import biosLostFix from '../examples/blkif-resume-bios-lost-fix.js';

type Overrides = Record<string, string | number | boolean>;

/**
 * Every invariant of blkif but F_set_aside_resubmitted (finding blkif-resume-bios-lost, which every run of
 * migrate with removal=libxl finds in 10 steps): these tests look at the other paths, as the fix examples of
 * blkif-safe-remove do (their removeInvariants); the finding's own test is in test/blkifMigrate.test.ts.
 */
const INVARIANTS = blkifInvariants.map((x) => x.name).filter((n) => n !== 'F_set_aside_resubmitted');

function states(o: Overrides): BlkifState[] {
  const out: BlkifState[] = [];
  check(systemOf(blkif, paramsOf(blkif, o), INVARIANTS), { checkDeadlock: false, onState: (s: BlkifState) => { out.push(s); } });
  return out;
}

const RUNS: Overrides[] = [
  { migrate: true, requests: 2 },
  { migrate: true, requests: 2, bus: '7.0' },
  { migrate: true, removal: 'libxl', requests: 2 },
  { migrate: true, unbind: true, removal: 'libxl', requests: 2, bus: '7.0' },
];

// The order (session 33): the tests that kill the mutants of test/mutants/model-blkif.json soonest for their cost
// first (a mutant run stops at the first failed test: npm run mutants -- --which), the longest searches last.
test('life.aside: blkfront_resume sets aside the requests outstanding at the migration, blkif_recover (blkfront_connect) re-submits them; finding blkif-resume-bios-lost: a detach closes blkfront before that (10 steps, 6.12 and 7.0); examples/blkif-resume-bios-lost-fix.ts ends them', () => {
  const o = { migrate: true, removal: 'libxl', requests: 2 };
  const all = states(o);
  assert.ok(all.some((s) => s.life!.migrated === MIGRATE_RESUMING && s.life!.aside! > 0), 'set aside at the migration');
  // once blkfront is connected again after the resume, nothing is set aside (blkif_recover ran)
  assert.ok(all.filter((s) => s.life!.migrated === MIGRATE_DONE && s.life!.fe === XenbusStateConnected).every((s) => s.life!.aside === 0));
  assert.ok(all.every((s) => s.life!.migrated !== MIGRATE_NONE || s.life!.aside === 0));
  assert.ok(all.every((s) => s.life!.aside! + s.front.issued <= o.requests), 'set aside: issued before the migration (issued counts them again once re-submitted)');
  for (const bus of ['6.12', '7.0']) {
    // the built-in model's invariants, deadlock included: the finding is the first thing found
    const r = check(systemOf(blkif, paramsOf(blkif, { ...o, bus }), [...blkifInvariants.map((x) => x.name), 'deadlock']), { checkDeadlock: true });
    assert.is(r.outcome, 'violation', bus);
    assert.is(r.violation!.property, 'F_set_aside_resubmitted', bus);
    const rs = r.violation!.trace.slice(1).map((x) => x.rule!);
    assert.is(rs.length, 10, bus);
    assert.ok(rs.indexOf('blkif_queue_rw_req') < rs.indexOf('xl_migrate') && rs.indexOf('xl_migrate') < rs.indexOf('libxl_device_disk_safe_remove'), bus);
    assert.is(rs.at(-1), 'blkback_changed', 'blkfront closes on the Closing before it connects');
    // the fix: blkfront_closing ends the parked bios (bio_io_error); only blkif-safe-remove's deadlock is left
    const fix = biosLostFix as unknown as Model<BlkifState, BlkifParams>;
    const f = check(systemOf(fix, paramsOf(fix, { ...o, bus }), blkifInvariants.map((x) => x.name)), { checkDeadlock: false });
    assert.is(f.outcome, 'ok', `${bus}: ${f.violation?.property}`);
    const fd = check(systemOf(fix, paramsOf(fix, { ...o, bus }), ['deadlock']), { checkDeadlock: true });
    assert.is(fd.outcome, 'deadlock', `${bus}: blkif-safe-remove's deadlock stays`);
  }
  // without removal=libxl (session 26) aside is tracked too: a migration alone never closes blkfront, so it holds
  const mig = states({ migrate: true, requests: 2 });
  assert.ok(mig.some((s) => s.life!.aside! > 0) && mig.every((s) => s.life!.aside !== undefined));
  const plain = check(systemOf(blkif, paramsOf(blkif, { migrate: true, requests: 2 }), ['F_set_aside_resubmitted']), { checkDeadlock: false });
  assert.is(plain.outcome, 'ok');
  assert.equal(blkif.init(paramsOf(blkif, {}))[0]!.life, undefined, 'no life (no aside) at the defaults');
});

test('a Closing written after the probe but before the restore read InitWait: the restore times out, the migration fails and the guest runs on at the source (a valid end)', () => {
  const p = paramsOf(blkif, { migrate: true, removal: 'libxl', requests: 2 });
  const all = states({ migrate: true, removal: 'libxl', requests: 2 });
  const failed = all.filter((s) => s.life!.migrated === MIGRATE_RESUMING && s.life!.restoreSaw === false && s.life!.be === XenbusStateClosing && s.life!.beDev === XenbusStateInitWait);
  assert.ok(failed.length > 0);
  for (const s of failed) assert.ok(blkifValidEnd(s, p));
  // a restore that read InitWait first goes on: the guest resumes into a backend reading Closing
  assert.ok(all.some((s) => s.life!.migrated === MIGRATE_RESUMING && s.life!.restoreSaw === true && s.life!.be === XenbusStateClosing));
  // a state still waiting for the probe or for the restore's read is no valid end
  assert.not.ok(all.some((s) => s.life!.migrated === MIGRATE_RESUMING && (s.life!.be === XenbusStateInitialising || s.life!.be === XenbusStateInitWait) && blkifValidEnd(s, p)));
});

test('libxl_device_disk_safe_remove meets the incoming domain\'s backend before and after its probe (libxl does not refuse a detach during the restore)', () => {
  for (const o of RUNS.filter((x) => x.removal === 'libxl')) {
    const p = paramsOf(blkif, o);
    const enabled = states(o).filter((s) => s.life!.migrated === MIGRATE_RESUMING && libxlSafeRemove.when!(s, p, undefined as never));
    assert.ok(enabled.some((s) => s.life!.beDev === XenbusStateInitialising), `${JSON.stringify(o)}: before the probe`);
    assert.ok(enabled.some((s) => s.life!.beDev === XenbusStateInitWait), `${JSON.stringify(o)}: after the probe`);
  }
});

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

test('a detach before the probe: xen_blkbk_probe writes InitWait over the Closing (6.12 and 7.0: the node reads Closing, not Initialising), the restore goes on and the guest connects under libxl\'s wait', () => {
  for (const bus of ['6.12', '7.0']) {
    const all = states({ migrate: true, removal: 'libxl', requests: 2, bus });
    const p = paramsOf(blkif, { migrate: true, removal: 'libxl', requests: 2, bus });
    const before = all.find((s) => s.life!.migrated === MIGRATE_RESUMING && s.life!.be === XenbusStateClosing && s.life!.beDev === XenbusStateInitialising);
    assert.ok(before, bus);
    const after = produce(before!, (d: Draft<BlkifState>) => xenBlkbkProbe.then(d, before!, p, undefined));
    assert.is(after.life!.be, XenbusStateInitWait, bus);
    assert.ok(all.some((s) => s.life!.migrated === MIGRATE_DONE && s.life!.libxl === LIBXL_WAITING && !s.life!.online && s.life!.be === XenbusStateConnected), bus);
  }
});

test('examples/blkif-safe-remove-fix.ts: ok with a detach during the restore; with connect()\'s check alone (the Linux probe) the detach times out (19 steps)', () => {
  const fix = safeRemoveFix as unknown as Model<BlkifState, BlkifParams>;
  const o = { migrate: true, removal: 'libxl', requests: 2 };
  const props = [...INVARIANTS, 'deadlock'];
  const ok = check(systemOf(fix, paramsOf(fix, o), props), { checkDeadlock: true });
  assert.is(ok.outcome, 'ok', ok.violation?.property);
  const half = deriveModel(fix, { name: 'blkif-safe-remove-fix-connect-only', description: 'the fix without its probe part', see: 'examples/blkif-safe-remove-fix.ts', replace: { xen_blkbk_probe: xenBlkbkProbe } });
  const r = check(systemOf(half, paramsOf(half, o), props), { checkDeadlock: true });
  assert.is(r.outcome, 'deadlock');
  const rs = r.violation!.trace.slice(1).map((x) => x.rule!);
  assert.is(rs.length, 19);
  assert.equal(rs.slice(0, 7), ['xl_migrate', 'libxl_device_disk_safe_remove', 'xen_blkbk_probe', 'libxl_wait_device_connection', 'xenbus_dev_resume', 'frontend_changed', 'blkback_changed']);
});

test('xenbus_dev_resume, hand-worked: disabled at the nodes libxl wrote, enabled once the backend node reads InitWait', () => {
  const p = paramsOf(blkif, { migrate: true, requests: 2 });
  const s = states({ migrate: true, requests: 2 }).find((x) => x.life!.migrated === MIGRATE_RESUMING && x.life!.be === XenbusStateInitialising)!;
  assert.ok(s);
  assert.not.ok(xenbusDevResume.when!(s, p, undefined as never));
  const probed = produce(s, (d: Draft<BlkifState>) => { const l = d.life as LifeDraft; l.be = XenbusStateInitWait; l.beDev = XenbusStateInitWait; });
  assert.ok(xenbusDevResume.when!(probed, p, undefined as never));
});

test('blkif-resume-bios-lost through the guest\'s own unbind, no libxl (session 26): xenbus_dev_remove -> blkfront_remove after the resume, before blkfront reconnects, frees info with the bios on info->bio_list (8 steps, 6.12 and 7.0); the fix ends them', () => {
  for (const bus of ['6.12', '7.0']) {
    const o = { migrate: true, unbind: true, requests: 2, bus };
    const r = check(systemOf(blkif, paramsOf(blkif, o), blkifInvariants.map((x) => x.name)), { checkDeadlock: false });
    assert.is(r.outcome, 'violation', bus);
    assert.is(r.violation!.property, 'F_set_aside_resubmitted', bus);
    const rs = r.violation!.trace.slice(1).map((x) => x.rule!);
    assert.is(rs.length, 8, bus);
    assert.ok(rs.indexOf('blkif_queue_rw_req') < rs.indexOf('xl_migrate') && rs.indexOf('xl_migrate') < rs.indexOf('xenbus_dev_resume'), bus);
    assert.is(rs.at(-1), 'xenbus_dev_remove', 'the unbind closes blkfront before it connects');
    assert.not.ok(rs.includes('libxl_device_disk_safe_remove'), 'no toolstack removal on this path');
    const fix = biosLostFix as unknown as Model<BlkifState, BlkifParams>;
    const f = check(systemOf(fix, paramsOf(fix, o), blkifInvariants.map((x) => x.name)), { checkDeadlock: false });
    assert.is(f.outcome, 'ok', `${bus}: ${f.violation?.property}`);
  }
});

test('blkif-safe-remove\'s candidate fixes against both writers (docs/upstream/blkif-safe-remove.md "Which fix"): the xenbus core\'s check covers both at 6.12 and 7.0; connect() alone misses the probe; libxl waiting for the probe misses connect()', () => {
  const props = [...INVARIANTS, 'deadlock'];
  const run = (m: unknown, o: Overrides) => {
    const model = m as Model<BlkifState, BlkifParams>;
    return check(systemOf(model, paramsOf(model, o), props), { checkDeadlock: true });
  };
  for (const bus of ['6.12', '7.0']) {
    const migrating = { migrate: true, removal: 'libxl', requests: 2, bus };
    const core = run(xenbusFix, migrating);
    assert.is(core.outcome, 'ok', `xenbus core, ${bus}: ${core.violation?.property}`);
    assert.is(core.distinctStates, run(safeRemoveFix, migrating).distinctStates, `${bus}: the core's check gives blkback's two checks' states`);
    assert.is(run(xenbusFix, { removal: 'libxl', requests: 2, bus }).outcome, 'ok');
    const half = run(connectOnly, migrating);
    assert.is(half.outcome, 'deadlock');
    assert.is(half.violation!.trace.length - 1, 19);
    assert.ok(half.violation!.trace.slice(1).map((x) => x.rule!).indexOf('xen_blkbk_probe') > half.violation!.trace.slice(1).map((x) => x.rule!).indexOf('libxl_device_disk_safe_remove'), 'the probe writes over the Closing');
    const tool = run(libxlFix, { removal: 'libxl', requests: 1, bus });
    assert.is(tool.outcome, 'deadlock');
    assert.is(tool.violation!.trace.length - 1, 11);
    assert.is(tool.violation!.trace.at(-1)!.rule, 'frontend_changed', 'connect() writes Connected over the Closing');
    const toolMigrating = run(libxlFix, migrating);
    assert.is(toolMigrating.outcome, 'deadlock');
    const rs = toolMigrating.violation!.trace.slice(1).map((x) => x.rule!);
    assert.ok(rs.indexOf('xen_blkbk_probe') < rs.indexOf('libxl_device_disk_safe_remove'), 'libxl writes after the probe');
  }
  // the core's check on a destination probed after the detach: nothing written, dev->state Closing, and the restore times out (a valid end)
  const p = paramsOf(xenbusFix as unknown as Model<BlkifState, BlkifParams>, { migrate: true, removal: 'libxl', requests: 2 });
  const all: BlkifState[] = [];
  check(systemOf(xenbusFix as unknown as Model<BlkifState, BlkifParams>, p, INVARIANTS), { checkDeadlock: false, onState: (s: BlkifState) => { all.push(s); } });
  const refused = all.filter((s) => s.life!.migrated === MIGRATE_RESUMING && s.life!.beDev === XenbusStateClosing && s.life!.be === XenbusStateClosing && s.life!.restoreSaw === false);
  assert.ok(refused.length > 0);
  assert.ok(refused.every((s) => blkifValidEnd(s, p)));
});

test.run();
