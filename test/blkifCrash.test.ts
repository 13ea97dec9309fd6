/**
 * blkif's driver domain crash (`-p crash=destroy`, `-p restart=true`;
 * docs/models/blkif.md "A driver domain crash and restart"): blkback's domain
 * dies with requests outstanding, xl destroys it, the vbd is detached (libxl
 * removes the frontend directory) and, with restart, attached again to a
 * restarted driver domain. Finding blkif-crash-remove: the guest's xenwatch
 * thread waits for ever in blkfront_remove's del_gendisk, at Linux 6.12 and
 * at 7.0 (where e2dcf9065536's re-probe of the re-attached device reaches the
 * same wait); the fix example ends the requests instead and verifies, but for
 * 6.12 with a restart (the old device stays bound: the bug e2dcf9065536
 * fixes). Every count without the parameters is unchanged (no new field).
 *
 * `-p crash=preserve` (session 25; docs/models/blkif.md "on_crash=preserve"):
 * xl's on_crash=preserve keeps the crashed driver domain, paused: its backend
 * node stays at its last state, its grant mappings stay, nothing of blkback
 * runs. `xl block-detach` (libxl_device_disk_safe_remove) writes Closing and
 * fails after LIBXL_DESTROY_TIMEOUT, leaving the device (blkfront closes it,
 * its I/O outstanding for ever, xenwatch free); `xl block-detach -f`
 * (libxl_device_disk_destroy) removes the frontend directory, and the guest's
 * removal waits in del_gendisk as at crash=destroy; the admin's `xl destroy`
 * of the preserved domain does not end the wait.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join, resolve } from 'node:path';
import { type Model } from '../model/core.js';
import {
  blkif, blkifInit, blkifInvariants, blkifShape,
  doBlockIoOp, xenBlkbkMap, makeResponse, purgePersistentGnt, frontendChanged,
  DD_DEAD, DD_PRESERVED, DD_RESTARTED, FEDIR_FIRST, FEDIR_GONE, FEDIR_NEW, GDEV_FIRST, GDEV_NONE, GDEV_REMOVING, GDEV_SECOND, LIBXL_FAILED,
  XenbusStateClosed, XenbusStateClosing, XenbusStateInitialising, XenbusStateInitWait, XenbusStateConnected,
  type BlkifParams, type BlkifState,
} from '../model/blkif.js';
import { check, type CheckResult } from '../checker/explore.js';
import { paramsOf, systemOf } from './support/models.js';
import { pinnedDefault } from './support/pinnedDefaults.js';
import * as E from 'fp-ts/lib/Either.js';
import { readTraceFile, replayWith, type Trace } from '../traces/index.js';
import crashFix from '../examples/blkif-crash-remove-fix.js';

type M = Model<BlkifState, BlkifParams>;
type Overrides = Record<string, string | number | boolean>;

const ALL = [...blkifInvariants.map((x) => x.name), 'deadlock'];
const BUSES = ['6.12', '7.0'] as const;

/**
 * `maxDepth`: a search expected to stop at a violation found at that depth in BFS order (its trace's length) goes
 * one level further and no more: the same first violation, while a mutant that removes it fails the test at once
 * instead of searching its whole space (blkif-destroy-preserved-any-time took 15 s of test 1's).
 */
const run = (m: M, o: Overrides, props: readonly string[] = ALL, maxDepth?: number): CheckResult<BlkifState> =>
  check(systemOf(m, paramsOf(m, o), props), { checkDeadlock: props.includes('deadlock'), ...(maxDepth === undefined ? {} : { maxDepth: maxDepth + 1 }) });

function states(m: M, o: Overrides): BlkifState[] {
  const out: BlkifState[] = [];
  check(systemOf(m, paramsOf(m, o), blkifInvariants.map((x) => x.name)), { checkDeadlock: false, onState: (s: BlkifState) => { out.push(s); } });
  return out;
}

const endOf = (r: CheckResult<BlkifState>): BlkifState => r.violation!.trace[r.violation!.trace.length - 1]!.state as BlkifState;
const rules = (r: CheckResult<BlkifState>): string[] => r.violation!.trace.slice(1).map((x) => x.rule!);

// --- crash=preserve (session 25)

/** Every state of a search that must verify; `each` runs on each state as it is reached (a failed assertion stops the search there). */
function statesOk(m: M, o: Overrides, each?: (s: BlkifState) => void): BlkifState[] {
  const out: BlkifState[] = [];
  const r = check(systemOf(m, paramsOf(m, o), blkifInvariants.map((x) => x.name)), { checkDeadlock: false, onState: (s: BlkifState) => { each?.(s); out.push(s); } });
  assert.is(r.outcome, 'ok', `${JSON.stringify(o)}: ${r.violation?.property}`);
  return out;
}

const waiting = (s: BlkifState): boolean => s.front.shadow.some((x) => x.waiting);

test('crash=preserve: the forced detach\'s removal waits in del_gendisk for the request the paused domain never answers, and xl destroy of the domain does not end it (8 steps, both cores)', () => {
  for (const bus of BUSES) {
    const r = run(blkif, { crash: 'preserve', bus }, ALL, 8);
    assert.is(r.outcome, 'deadlock', bus);
    assert.equal(rules(r), ['blkback_changed', 'frontend_changed', 'blkback_changed', 'blkif_queue_rw_req', 'driver_domain_crash_preserved',
      'libxl_device_disk_destroy', 'xenbus_dev_changed', 'xl_destroy'], bus);
    const end = endOf(r);
    assert.is(end.life!.gdev, GDEV_REMOVING, bus);
    assert.is(end.life!.dd, DD_DEAD, bus);
    assert.ok(waiting(end), bus);
  }
});

test('a preserved domain runs nothing: from no state where it is preserved does blkback take, map or answer a request, purge a grant or handle a watch; its mappings stay', () => {
  const p = paramsOf(blkif, { crash: 'preserve', requests: 3 });
  // checked on each state as the search reaches it: a blkback that runs while preserved fails at its first such state
  const all = statesOk(blkif, { crash: 'preserve', requests: 3 }, (s) => {
    if (s.life!.dd === DD_PRESERVED) {
      assert.not.ok(doBlockIoOp.when!(s, p, undefined));
      assert.not.ok(xenBlkbkMap.when!(s, p, undefined));
      assert.equal(makeResponse.choices!(s, p), []);
      assert.equal(purgePersistentGnt.choices!(s, p), []);
      assert.not.ok(frontendChanged.when!(s, p, undefined));
    }
    if (s.life!.dd === DD_DEAD) assert.ok(s.mapcount.every((c) => c === 0));
  });
  const kept = all.filter((s) => s.life!.dd === DD_PRESERVED);
  assert.ok(kept.length > 0);
  // the paused domain holds what it mapped (a persistent grant, a request in flight), unlike a destroyed one
  assert.ok(kept.some((s) => s.mapcount.some((c) => c > 0) && s.back.reqs.length > 0));
});

test('bad input: restart needs crash, crash is alone and honest', () => {
  assert.throws(() => paramsOf(blkif, { restart: true }), /restart needs crash=destroy/);
  assert.throws(() => paramsOf(blkif, { crash: 'destroy', removal: 'libxl' }), /crash is modelled on its own/);
  assert.throws(() => paramsOf(blkif, { crash: 'destroy', frontend: 'hostile' }), /both ends honest/);
});

test('blkif-crash-remove: a request outstanding at the crash keeps the guest\'s xenwatch in del_gendisk for ever, at 6.12 and at 7.0 (7 steps)', () => {
  for (const bus of BUSES) {
    const r = run(blkif, { crash: 'destroy', bus }, ALL, 7);
    assert.is(r.outcome, 'deadlock', bus);
    assert.equal(rules(r), ['blkback_changed', 'frontend_changed', 'blkback_changed', 'blkif_queue_rw_req', 'driver_domain_crash', 'libxl_device_disk_remove', 'xenbus_dev_changed'], bus);
    const end = endOf(r);
    assert.is(end.life!.gdev, GDEV_REMOVING, bus);
    assert.is(end.life!.dd, DD_DEAD, bus);
    assert.ok(end.front.shadow.some((x) => x.waiting), bus);
    assert.is(end.back.reqs.length, 0, bus); // nobody will answer it
    assert.ok(end.mapcount.every((c) => c === 0), bus); // Xen released the dead domain's mappings
  }
});

test('with no request outstanding the removal completes: the deadlocks of crash=destroy are exactly the removals that wait', () => {
  for (const bus of BUSES) {
    const all = states(blkif, { crash: 'destroy', bus, requests: 2 });
    const stuck = all.filter((s) => s.life!.gdev === GDEV_REMOVING && !s.life!.busWatch);
    assert.ok(stuck.length > 0, bus);
    // every removal under way either has a request outstanding (waits for ever) or can complete
    assert.ok(all.some((s) => s.life!.gdev === GDEV_NONE && s.life!.fedir === FEDIR_GONE), bus);
    // after the crash blkback holds nothing and maps nothing
    for (const s of all) if (s.life!.dd === DD_DEAD) assert.ok(s.back.reqs.length === 0 && s.back.pgnts.length === 0 && s.mapcount.every((c) => c === 0), bus);
  }
});

test('restart at 6.12: the toolstack writes the new device before the guest\'s bus saw the removal; the old device stays bound, the new is never probed (e2dcf9065536\'s bug, 6 steps)', () => {
  const r = run(blkif, { crash: 'destroy', restart: true, bus: '6.12' }, ALL, 6);
  assert.is(r.outcome, 'deadlock');
  assert.equal(rules(r), ['driver_domain_crash', 'libxl_device_disk_remove', 'xl_block_attach', 'xen_blkbk_probe', 'frontend_changed', 'xenbus_dev_changed']);
  const end = endOf(r);
  assert.is(end.life!.gdev, GDEV_FIRST);
  assert.is(end.life!.fedir, FEDIR_NEW);
  assert.is(end.life!.be, XenbusStateInitWait);
  assert.is(end.life!.fe, XenbusStateInitialising);
});

test('restart at 7.0: the re-probe of the reset node unregisters the old device first, and waits in del_gendisk as the removal does (10 steps)', () => {
  const r = run(blkif, { crash: 'destroy', restart: true, bus: '7.0' }, ALL, 10);
  assert.is(r.outcome, 'deadlock');
  const rs = rules(r);
  assert.is(rs.length, 10);
  assert.equal(rs.slice(-4), ['xl_block_attach', 'xen_blkbk_probe', 'frontend_changed', 'xenbus_dev_changed']);
  const end = endOf(r);
  assert.is(end.life!.gdev, GDEV_REMOVING);
  assert.is(end.life!.fedir, FEDIR_NEW); // the directory is there: hunk 4, not xenbus_cleanup_devices
  assert.is(end.life!.dd, DD_RESTARTED);
  assert.ok(end.front.shadow.some((x) => x.waiting));
});

test('restart at 7.0 with no request outstanding at the crash: the new device connects and answers every request (Linux, no fix); at 6.12 it can too, when the guest\'s bus saw the removal first', () => {
  for (const bus of BUSES) {
    const all = states(blkif, { crash: 'destroy', restart: true, bus, requests: 1 });
    assert.ok(all.some((s) => s.life!.gdev === GDEV_SECOND && s.front.issued === 1 && s.front.rsp_cons === 1 && s.life!.be === XenbusStateConnected &&
      s.life!.feDev === XenbusStateConnected), bus);
  }
});

test('6.12\'s xenbus_dev_remove writes Closed into the re-attached device\'s node; 7.0\'s vanished device writes nothing', () => {
  const stray = (s: BlkifState): boolean => s.life!.fedir === FEDIR_NEW && s.life!.gdev === GDEV_NONE && s.life!.fe === XenbusStateClosed;
  assert.ok(states(blkif, { crash: 'destroy', restart: true, bus: '6.12', requests: 1 }).some(stray));
  assert.not.ok(states(blkif, { crash: 'destroy', restart: true, bus: '7.0', requests: 1 }).some(stray));
});

test('the committed trace of blkif-crash-remove replays at both cores', () => {
  const t = readTraceFile(join(resolve(import.meta.dirname, '..'), 'docs/findings/blkif-crash-remove.trace.json'));
  if (E.isLeft(t)) assert.unreachable(t.left);
  const trace = (t as E.Right<Trace>).right;
  assert.equal([trace.params.crash, trace.params.restart, trace.params.bus], ['destroy', false, '6.12']);
  for (const bus of BUSES) {
    const rep = replayWith(blkif, { ...trace, params: { ...trace.params, bus } });
    assert.is(rep.kind, 'reproduced', 'detail' in rep ? rep.detail : bus);
    if (rep.kind === 'reproduced') assert.is(rep.step, 7, bus);
  }
});

test('crash=preserve: the shape has the crash fields and nothing more; the start is crash=destroy\'s', () => {
  const p = paramsOf(blkif, { crash: 'preserve' });
  const q = paramsOf(blkif, { crash: 'destroy' });
  assert.equal(blkifInit(p), blkifInit(q));
  assert.is(JSON.stringify(blkifShape(p)), JSON.stringify(blkifShape(q)));
});

test('bad input: restart is modelled with crash=destroy only; crash takes none, destroy, preserve', () => {
  assert.throws(() => paramsOf(blkif, { crash: 'preserve', restart: true }), /restart is modelled with crash=destroy only/);
  assert.throws(() => paramsOf(blkif, { restart: true }), /restart needs crash=destroy/);
  assert.throws(() => paramsOf(blkif, { crash: 'true' }), /crash=true is not one of none, destroy, preserve/);
});

test('xl block-detach without -f: Closing written, blkfront closes the disk, the detach fails after the timeout; the guest\'s xenwatch stays free while the frontend directory is there', () => {
  const all = statesOk(blkif, { crash: 'preserve', requests: 3 });
  // the device closed with I/O outstanding for ever, the detach failed, the device still bound
  assert.ok(all.some((s) => s.life!.dd === DD_PRESERVED && s.life!.libxl === LIBXL_FAILED && s.life!.fedir === FEDIR_FIRST && s.life!.gdev === GDEV_FIRST &&
    s.life!.be === XenbusStateClosing && s.life!.fe === XenbusStateClosed && !s.life!.online && waiting(s)));
  for (const s of all) if (s.life!.fedir === FEDIR_FIRST) assert.is(s.life!.gdev, GDEV_FIRST);
  // and every way to the removal goes through the frontend directory's removal: -f, or xl destroy then a detach
  assert.ok(all.some((s) => s.life!.gdev === GDEV_REMOVING && s.life!.dd === DD_PRESERVED));
  assert.ok(all.some((s) => s.life!.gdev === GDEV_REMOVING && s.life!.dd === DD_DEAD && s.life!.libxl === LIBXL_FAILED));
});

// Last (session 33): the whole searches that kill no mutant sooner than the tests above (a mutant run stops at the
// first failed test: npm run mutants -- --which); the fix example's three, the longest, at the end.
test('without crash no state has the crash fields: the shape, the start and every other count are unchanged', () => {
  for (const o of [{}, { removal: 'libxl' }, { migrate: true }, { unbind: true }] as Overrides[]) {
    const p = paramsOf(blkif, o);
    const life = blkifInit(p).life;
    assert.ok(life === undefined || !('dd' in life), JSON.stringify(o));
    const shape = JSON.stringify(blkifShape(p));
    assert.not.ok(shape.includes('"gdev"'), JSON.stringify(o));
  }
  const d = run(blkif, {});
  assert.is(d.outcome, 'ok');
  assert.is(d.distinctStates, pinnedDefault('blkif').entry.states, "blkif at its defaults: test/pinned.json's figure");
});

test('the fix example at crash=preserve: ok (the removal ends the requests); grants the paused domain still maps are deferred at the removal, not freed', () => {
  const fix = crashFix as unknown as M;
  for (const bus of BUSES) {
    const r = run(fix, { crash: 'preserve', requests: 3, bus });
    assert.is(r.outcome, 'ok', `${bus}: ${r.violation?.property}`);
    assert.is(r.distinctStates, 11_561, bus);
  }
  const all = statesOk(fix, { crash: 'preserve', requests: 3 });
  const deferred = all.filter((s) => s.life!.gdev === GDEV_NONE && s.life!.fedir === FEDIR_GONE && s.life!.dd === DD_PRESERVED &&
    s.mapcount.some((c, g) => c > 0 && s.granted[g] === true && s.front.gref[g - 1] === g));
  assert.ok(deferred.length > 0, 'a removal with a grant still mapped');
  // no removed device leaves a page free while the paused domain maps it (F_free_page_unmapped held above)
  for (const s of all) if (s.life!.gdev === GDEV_NONE) assert.ok(s.mapcount.every((c, g) => c === 0 || s.granted[g] === true));
  // without the fix the same runs stop at the wait
  assert.is(run(blkif, { crash: 'preserve', requests: 3 }).outcome, 'deadlock');
});

test('crash=destroy keeps session 24\'s counts and verdicts (the rename of crash=true)', () => {
  const r = run(blkif, { crash: 'destroy' }, blkifInvariants.map((x) => x.name));
  assert.is(r.outcome, 'ok');
  assert.is(r.distinctStates, 109_711);
  assert.is(r.edges, 344_198);
  const d = run(blkif, { crash: 'destroy' });
  assert.is(d.outcome, 'deadlock');
  assert.is(rules(d).length, 7);
  assert.is(endOf(d).life!.fe === XenbusStateClosed, false);
});

test('the fix example (the requests end with an error at the removal): ok at both cores, and with restart at 7.0; 6.12 with restart keeps e2dcf9065536\'s bug', () => {
  const fix = crashFix as unknown as M;
  for (const bus of BUSES) {
    const r = run(fix, { crash: 'destroy', bus });
    assert.is(r.outcome, 'ok', `${bus}: ${r.violation?.property}`);
    assert.is(r.distinctStates, 109_711, bus);
  }
  const r7 = run(fix, { crash: 'destroy', restart: true, bus: '7.0' });
  assert.is(r7.outcome, 'ok', r7.violation?.property);
  assert.is(r7.distinctStates, 272_470);
  // and the new device connects: some end has it connected with every request answered
  assert.ok(states(fix, { crash: 'destroy', restart: true, bus: '7.0', requests: 2 }).some((s) => s.life!.gdev === GDEV_SECOND && s.front.issued === 2 && s.life!.be === XenbusStateConnected));
  const r6 = run(fix, { crash: 'destroy', restart: true, bus: '6.12' });
  assert.is(r6.outcome, 'deadlock');
  assert.equal(rules(r6), ['driver_domain_crash', 'libxl_device_disk_remove', 'xl_block_attach', 'xen_blkbk_probe', 'frontend_changed', 'xenbus_dev_changed']);
});

test.run();
