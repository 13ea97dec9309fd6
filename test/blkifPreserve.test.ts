/**
 * blkif's `-p crash=preserve` (docs/models/blkif.md "on_crash=preserve"): xl's
 * on_crash=preserve keeps the crashed driver domain, paused: its backend node
 * stays at its last state, its grant mappings stay, nothing of blkback runs.
 * `xl block-detach` (libxl_device_disk_safe_remove) writes Closing and fails
 * after LIBXL_DESTROY_TIMEOUT, leaving the device (blkfront closes it, its I/O
 * outstanding for ever, xenwatch free); `xl block-detach -f`
 * (libxl_device_disk_destroy) removes the frontend directory, and the guest's
 * removal waits in del_gendisk as at crash=destroy (finding
 * blkif-crash-remove, reached by another path); the admin's `xl destroy` of the
 * preserved domain does not end the wait.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Model } from '../model/core.js';
import {
  blkif, blkifInvariants, blkifShape, blkifInit,
  doBlockIoOp, xenBlkbkMap, makeResponse, purgePersistentGnt, frontendChanged,
  DD_DEAD, DD_PRESERVED, FEDIR_FIRST, FEDIR_GONE, GDEV_FIRST, GDEV_NONE, GDEV_REMOVING, LIBXL_FAILED,
  XenbusStateClosed, XenbusStateClosing,
  type BlkifParams, type BlkifState,
} from '../model/blkif.js';
import { check, type CheckResult } from '../checker/explore.js';
import { paramsOf, systemOf } from './support/models.js';
import crashFix from '../examples/blkif-crash-remove-fix.js';

type M = Model<BlkifState, BlkifParams>;
type Overrides = Record<string, string | number | boolean>;

const ALL = [...blkifInvariants.map((x) => x.name), 'deadlock'];
const BUSES = ['6.12', '7.0'] as const;

const run = (m: M, o: Overrides, props: readonly string[] = ALL): CheckResult<BlkifState> =>
  check(systemOf(m, paramsOf(m, o), props), { checkDeadlock: props.includes('deadlock') });

function states(m: M, o: Overrides): BlkifState[] {
  const out: BlkifState[] = [];
  const r = check(systemOf(m, paramsOf(m, o), blkifInvariants.map((x) => x.name)), { checkDeadlock: false, onState: (s: BlkifState) => { out.push(s); } });
  assert.is(r.outcome, 'ok', `${JSON.stringify(o)}: ${r.violation?.property}`);
  return out;
}

const endOf = (r: CheckResult<BlkifState>): BlkifState => r.violation!.trace[r.violation!.trace.length - 1]!.state as BlkifState;
const rules = (r: CheckResult<BlkifState>): string[] => r.violation!.trace.slice(1).map((x) => x.rule!);
const waiting = (s: BlkifState): boolean => s.front.shadow.some((x) => x.waiting);

test('crash=preserve: the forced detach\'s removal waits in del_gendisk for the request the paused domain never answers, and xl destroy of the domain does not end it (8 steps, both cores)', () => {
  for (const bus of BUSES) {
    const r = run(blkif, { crash: 'preserve', bus });
    assert.is(r.outcome, 'deadlock', bus);
    assert.equal(rules(r), ['blkback_changed', 'frontend_changed', 'blkback_changed', 'blkif_queue_rw_req', 'driver_domain_crash_preserved',
      'libxl_device_disk_destroy', 'xenbus_dev_changed', 'xl_destroy'], bus);
    const end = endOf(r);
    assert.is(end.life!.gdev, GDEV_REMOVING, bus);
    assert.is(end.life!.dd, DD_DEAD, bus);
    assert.ok(waiting(end), bus);
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

test('a preserved domain runs nothing: from no state where it is preserved does blkback take, map or answer a request, purge a grant or handle a watch; its mappings stay', () => {
  const p = paramsOf(blkif, { crash: 'preserve', requests: 3 });
  const all = states(blkif, { crash: 'preserve', requests: 3 });
  const kept = all.filter((s) => s.life!.dd === DD_PRESERVED);
  assert.ok(kept.length > 0);
  for (const s of kept) {
    assert.not.ok(doBlockIoOp.when!(s, p, undefined));
    assert.not.ok(xenBlkbkMap.when!(s, p, undefined));
    assert.equal(makeResponse.choices!(s, p), []);
    assert.equal(purgePersistentGnt.choices!(s, p), []);
    assert.not.ok(frontendChanged.when!(s, p, undefined));
  }
  // the paused domain holds what it mapped (a persistent grant, a request in flight), unlike a destroyed one
  assert.ok(kept.some((s) => s.mapcount.some((c) => c > 0) && s.back.reqs.length > 0));
  for (const s of all) if (s.life!.dd === DD_DEAD) assert.ok(s.mapcount.every((c) => c === 0));
});

test('xl block-detach without -f: Closing written, blkfront closes the disk, the detach fails after the timeout; the guest\'s xenwatch stays free while the frontend directory is there', () => {
  const all = states(blkif, { crash: 'preserve', requests: 3 });
  // the device closed with I/O outstanding for ever, the detach failed, the device still bound
  assert.ok(all.some((s) => s.life!.dd === DD_PRESERVED && s.life!.libxl === LIBXL_FAILED && s.life!.fedir === FEDIR_FIRST && s.life!.gdev === GDEV_FIRST &&
    s.life!.be === XenbusStateClosing && s.life!.fe === XenbusStateClosed && !s.life!.online && waiting(s)));
  for (const s of all) if (s.life!.fedir === FEDIR_FIRST) assert.is(s.life!.gdev, GDEV_FIRST);
  // and every way to the removal goes through the frontend directory's removal: -f, or xl destroy then a detach
  assert.ok(all.some((s) => s.life!.gdev === GDEV_REMOVING && s.life!.dd === DD_PRESERVED));
  assert.ok(all.some((s) => s.life!.gdev === GDEV_REMOVING && s.life!.dd === DD_DEAD && s.life!.libxl === LIBXL_FAILED));
});

test('the fix example at crash=preserve: ok (the removal ends the requests); grants the paused domain still maps are deferred at the removal, not freed', () => {
  const fix = crashFix as unknown as M;
  for (const bus of BUSES) {
    const r = run(fix, { crash: 'preserve', requests: 3, bus });
    assert.is(r.outcome, 'ok', `${bus}: ${r.violation?.property}`);
    assert.is(r.distinctStates, 11_561, bus);
  }
  const all = states(fix, { crash: 'preserve', requests: 3 });
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

test.run();
