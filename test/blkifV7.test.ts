/**
 * blkif at Linux 7.0's xenbus core (`-p bus=7.0`, docs/models/blkif.md
 * "Linux 7.0's xenbus core"): Juergen Gross's e2dcf9065536 ("xen/xenbus:
 * better handle backend crash") on blkfront's and blkback's paths. First the
 * hunk itself, hand-worked (a switch that reads its node reset to
 * Initialising where dev->state is not writes nothing at 7.0 and everything
 * at 6.12); then the 6.12 default unchanged (no new field in a 6.12 state,
 * the committed trace of blkif-safe-remove replays without `bus`); then every
 * lifecycle (removal=libxl, migrate, unbind, and both) computed at 6.12 and at
 * 7.0: the same outcome, states and edges; a kernel whose resume did not reset
 * dev->state shows the comparison can tell the two apart; then the finding and
 * the examples at 7.0, and what the unbind runs say (blkfront is not rebound on
 * either kernel: no V1 for blkfront).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { join, resolve } from 'node:path';
import { produce, type Draft } from 'immer';
import { deriveModel, type Model } from '../model/core.js';
import {
  blkif, blkifInvariants, backendSwitchState, frontendSwitchState, resetAborts, blkfrontProbe, feDevOf,
  BIND_REBOUND, BIND_UNBOUND, MIGRATE_DONE, XenbusStateClosed, XenbusStateConnected, XenbusStateInitialised, XenbusStateInitialising, XenbusStateInitWait,
  type BlkifParams, type BlkifState, type Life, type LifeDraft,
} from '../model/blkif.js';
import { check, type CheckResult } from '../checker/explore.js';
import { paramsOf, replays, systemOf } from './support/models.js';
import { readTraceFile, replayWith, type Trace } from '../traces/index.js';
import xsa216 from '../examples/blkif-xsa216.js';
import notNegotiated from '../examples/blkif-persistent-not-negotiated.js';
import xsa155 from '../examples/blkif-xsa155.js';
import noProdOverflow from '../examples/blkif-no-prod-overflow.js';
import trustsResponse from '../examples/blkif-trusts-response.js';
import xsa365 from '../examples/blkif-xsa365.js';
import xsa396 from '../examples/blkif-xsa396.js';
import safeRemoveFix from '../examples/blkif-safe-remove-fix.js';

type M = Model<BlkifState, BlkifParams>;
type Overrides = Record<string, string | number | boolean>;

/**
 * Every invariant of blkif but F_set_aside_resubmitted (finding blkif-resume-bios-lost, which every run of
 * migrate with removal=libxl finds in 10 steps): these tests look at the other paths, as the fix examples of
 * blkif-safe-remove do (their removeInvariants); the finding's own test is in test/blkifMigrate.test.ts.
 */
const INVARIANTS = blkifInvariants.map((x) => x.name).filter((n) => n !== 'F_set_aside_resubmitted');

const ALL = [...INVARIANTS, 'deadlock'];

/** A search of `m` at `o` (and `bus`) for `props` (every invariant and deadlock by default). */
const run = (m: M, o: Overrides, bus: '6.12' | '7.0', props: readonly string[] = ALL): CheckResult<BlkifState> =>
  check(systemOf(m, paramsOf(m, { ...o, bus }), props), { checkDeadlock: props.includes('deadlock') });

/** Every state of `m` at `o` (and `bus`), deadlock left out. */
function states(m: M, o: Overrides, bus: '6.12' | '7.0'): BlkifState[] {
  const out: BlkifState[] = [];
  check(systemOf(m, paramsOf(m, { ...o, bus }), INVARIANTS), { checkDeadlock: false, onState: (s: BlkifState) => { out.push(s); } });
  return out;
}

const life = (o: Partial<Life>): LifeDraft => ({
  be: XenbusStateConnected, beDev: XenbusStateConnected, fe: XenbusStateConnected, feWatch: false, beWatch: false, online: true,
  libxl: 'idle', kthread: 'running', ring: true, removed: false, freed: false, late: false, ...o,
} as LifeDraft);

// --- every lifecycle at both cores

const LIFECYCLES: { o: Overrides; props?: readonly string[] }[] = [
  { o: { removal: 'libxl', requests: 2 }, props: INVARIANTS }, // deadlock: blkif-safe-remove
  { o: { migrate: true, requests: 3 } },
  { o: { migrate: true, requests: 2, pending: 2, segments: 2, pages: 4 } },
  { o: { removal: 'libxl', migrate: true, requests: 2 }, props: INVARIANTS },
  { o: { unbind: true, requests: 2 }, props: INVARIANTS },
  { o: { unbind: true, migrate: true, requests: 2 }, props: INVARIANTS },
  { o: { unbind: true, migrate: true, removal: 'libxl', requests: 2 }, props: INVARIANTS },
];

/** Whether any rule of `m` at `p` is enabled in `s`. */
const anyEnabled = (m: M, p: BlkifParams, s: BlkifState): boolean =>
  m.rules.some((r) => (!r.applies || r.applies(p)) && (r.choices ? r.choices(s, p) : [undefined]).some((a) => !r.when || r.when(s, p, a as never)));

// The order (session 33): the tests that kill the mutants of test/mutants/model-blkif.json soonest for their cost
// first (a mutant run stops at the first failed test: npm run mutants -- --which), the longest searches last.
test('__xenbus_switch_state at 7.0: a node reset to Initialising where dev->state is not: nothing written, dev->state kept; 6.12 writes', () => {
  assert.ok(resetAborts({ bus: '7.0' }, XenbusStateInitialising, XenbusStateClosed));
  assert.not.ok(resetAborts({ bus: '7.0' }, XenbusStateInitialising, XenbusStateInitialising), 'dev->state Initialising too: the switch goes on');
  assert.not.ok(resetAborts({ bus: '7.0' }, XenbusStateInitWait, XenbusStateClosed), 'any other node: the switch goes on');
  assert.not.ok(resetAborts({ bus: '6.12' }, XenbusStateInitialising, XenbusStateClosed));
  assert.not.ok(resetAborts(undefined, XenbusStateInitialising, XenbusStateClosed), 'no parameters (a variant calling the 6.12 signature): 6.12');
  // blkfront: its node reads 1 (a migration's destination), dev->state Closed (an unbound device)
  for (const bus of ['6.12', '7.0'] as const) {
    const l = life({ fe: XenbusStateInitialising, feDev: XenbusStateClosed });
    frontendSwitchState(l, XenbusStateInitialised, { bus });
    if (bus === '7.0') {
      assert.is(l.fe, XenbusStateInitialising, '7.0: nothing written');
      assert.is(feDevOf(l), XenbusStateClosed, '7.0: dev->state kept');
      assert.not.ok(l.beWatch, '7.0: no watch fires');
    } else {
      assert.is(l.fe, XenbusStateInitialised);
      assert.is(feDevOf(l), XenbusStateInitialised);
      assert.ok(l.beWatch);
    }
  }
  // blkback: the same test on its node and dev->state
  const b7 = life({ be: XenbusStateInitialising, beDev: XenbusStateClosed });
  backendSwitchState(b7, XenbusStateInitWait, { bus: '7.0' });
  assert.is(b7.be, XenbusStateInitialising);
  assert.is(b7.beDev, XenbusStateClosed);
  const b6 = life({ be: XenbusStateInitialising, beDev: XenbusStateClosed });
  backendSwitchState(b6, XenbusStateInitWait, { bus: '6.12' });
  assert.is(b6.be, XenbusStateInitWait);
  // the first test of both: dev->state already the target, nothing at all
  const same = life({ fe: XenbusStateInitialising, feDev: XenbusStateClosed, beWatch: false });
  frontendSwitchState(same, XenbusStateClosed, { bus: '6.12' });
  assert.is(same.fe, XenbusStateInitialising);
  assert.not.ok(same.beWatch);
});

test('bad parameters: a hostile end with migrate or unbind, a core that is not 6.12 or 7.0: one line each', () => {
  assert.throws(() => paramsOf(blkif, { migrate: true, frontend: 'hostile' }), /^[^\n]*migrate is modelled with both ends honest[^\n]*$/);
  assert.throws(() => paramsOf(blkif, { unbind: true, backend: 'hostile' }), /^[^\n]*unbind is modelled with both ends honest[^\n]*$/);
  assert.throws(() => paramsOf(blkif, { bus: '7.1' }), /bus=7\.1 is not one of 6\.12, 7\.0/);
});

test('the 6.12 default: bus=6.12 is the default, no new field in a state without migrate or unbind, the same counts', () => {
  assert.is(paramsOf(blkif, {}).bus, '6.12');
  const d = check(systemOf(blkif, paramsOf(blkif, { requests: 3 })), {});
  const d6 = run(blkif, { requests: 3 }, '6.12');
  assert.is(d.outcome, 'ok');
  assert.equal([d6.outcome, d6.distinctStates, d6.edges], [d.outcome, d.distinctStates, d.edges]);
  const s0 = blkif.init(paramsOf(blkif, { removal: 'libxl' }))[0]!;
  assert.equal(Object.keys(s0.life!).sort(), ['be', 'beDev', 'beWatch', 'fe', 'feWatch', 'freed', 'kthread', 'late', 'libxl', 'online', 'removed', 'ring']);
  assert.is(blkif.init(paramsOf(blkif, {}))[0]!.life, undefined);
  assert.ok('feDev' in blkif.init(paramsOf(blkif, { migrate: true }))[0]!.life!);
  assert.ok('bind' in blkif.init(paramsOf(blkif, { unbind: true }))[0]!.life!);
});

test('the committed trace of blkif-safe-remove (bus=6.12 in it) replays without `bus`, as 6.12, and its steps replay at 7.0 too', () => {
  const t = readTraceFile(join(resolve(import.meta.dirname, '..'), 'docs/findings/blkif-safe-remove.trace.json'));
  if (E.isLeft(t)) assert.unreachable(t.left);
  const full = (t as E.Right<Trace>).right;
  assert.equal([full.params.bus, full.params.migrate, full.params.unbind], ['6.12', false, false]);
  // a trace written before session 23 names none of the three
  const { bus: _b, migrate: _m, unbind: _u, ...older } = full.params;
  const trace = { ...full, params: older };
  const rep = replayWith(blkif, trace);
  assert.is(rep.kind, 'reproduced', 'detail' in rep ? rep.detail : '');
  if (rep.kind === 'reproduced') assert.is(rep.step, 11);
  const rep7 = replayWith(blkif, { ...trace, params: { ...trace.params, bus: '7.0' } });
  assert.is(rep7.kind, 'reproduced', 'detail' in rep7 ? rep7.detail : '');
});

test('unbind: a rebind that finds blkback still Connected (it has not handled the Closed) connects to a ring blkback does not read; a migration after a rebind connects', () => {
  for (const bus of ['6.12', '7.0'] as const) {
    const all = states(blkif, { unbind: true, migrate: true, requests: 2 }, bus);
    assert.ok(all.some((s) => s.life!.stale === true && feDevOf(s.life!) === XenbusStateConnected && s.life!.beDev === XenbusStateConnected), `${bus}: stale ring`);
    assert.ok(all.some((s) => s.life!.bind === BIND_REBOUND && s.life!.stale === false && feDevOf(s.life!) === XenbusStateConnected && s.life!.be === XenbusStateConnected && s.front.issued === 2 && s.front.rsp_cons === s.front.req_prod_pvt && s.back.reqs.length === 0), `${bus}: rebound, migrated, connected, every request answered`);
  }
});

test('a migration with requests outstanding: each is issued again on the new ring (blkfront_resume), a fresh blkback and grant table', () => {
  const o = { migrate: true, requests: 3, pending: 2 };
  const p = paramsOf(blkif, o);
  const busy = states(blkif, o, '6.12').find((s) => s.life!.migrated === 'none' && s.front.shadow.filter((x) => x.waiting).length === 2 && s.back.reqs.length > 0 && s.back.pgnts.length > 0);
  assert.ok(busy, 'a state with two requests outstanding, one in blkback, a persistent grant mapped');
  const r = blkif.rules.find((x) => x.name === 'xl_migrate')!;
  assert.ok(r.when!(busy!, p, undefined as never), 'xl migrate is enabled there');
  const after = produce(busy!, (d: Draft<BlkifState>) => r.then(d, busy!, p, undefined as never));
  assert.is(after.front.issued, busy!.front.issued - 2);
  assert.ok(after.front.shadow.every((x) => !x.waiting) && after.back.reqs.length === 0 && after.back.pgnts.length === 0 && after.mapcount.every((c) => c === 0));
  assert.is(after.life!.migrated, 'resuming');
  // and the run still ends with every request answered once, connected: the migrate rows verify with deadlock
  assert.is(run(blkif, o, '7.0').outcome, 'ok');
});

test('blkif-safe-remove at 7.0: still found, the same 11 steps (the Closing libxl writes is not Initialising)', () => {
  const a = run(blkif, { removal: 'libxl', requests: 1 }, '6.12', ['deadlock']);
  const b = run(blkif, { removal: 'libxl', requests: 1 }, '7.0', ['deadlock']);
  assert.is(b.outcome, 'deadlock');
  assert.is(b.violation!.trace.length - 1, 11);
  assert.equal(b.violation!.trace.map((x) => x.rule), a.violation!.trace.map((x) => x.rule));
  assert.ok(replays(blkif, paramsOf(blkif, { removal: 'libxl', requests: 1, bus: '7.0' }), b));
});

test('unbind: a rebound blkfront never connects on either kernel (blkfront_probe switches nothing, dev->state stays Closed)', () => {
  for (const bus of ['6.12', '7.0'] as const) {
    const r = run(blkif, { unbind: true }, bus, ['deadlock']);
    assert.is(r.outcome, 'deadlock', bus);
    const end = r.violation!.trace[r.violation!.trace.length - 1]!.state as BlkifState;
    assert.is(end.life!.bind, BIND_REBOUND);
    assert.is(feDevOf(end.life!), XenbusStateClosed);
    // V1's order: unbound, migrated, bound again: the node reads 1, dev->state Closed, and nothing switches
    const v = run(blkif, { unbind: true, migrate: true }, bus, ['deadlock']);
    assert.is(v.outcome, 'deadlock', bus);
    const all = states(blkif, { unbind: true, migrate: true, requests: 2 }, bus);
    const v1End = all.filter((s) => s.life!.bind === BIND_REBOUND && s.life!.migrated === MIGRATE_DONE && s.life!.fe === XenbusStateInitialising && feDevOf(s.life!) === XenbusStateClosed);
    assert.ok(v1End.length > 0, `${bus}: V1's end state reached`);
    assert.ok(v1End.every((s) => s.life!.be === XenbusStateInitWait || s.life!.be === XenbusStateInitialising));
  }
});

test('no state of blkif\'s paths meets the reset check: a switch never finds its node at Initialising where dev->state is not (both ends)', () => {
  for (const o of [{ migrate: true, unbind: true, removal: 'libxl', requests: 2 }, { migrate: true, requests: 2 }] as Overrides[]) {
    const all = states(blkif, o, '7.0');
    assert.ok(all.length > 100);
    // where blkfront's node reads 1 and dev->state does not (after the migration, before xenbus_dev_resume; or unbound),
    // no blkfront switch is enabled: its handlers wait for the resume, and an unbound blkfront has none
    const reset = all.filter((s) => s.life!.fe === XenbusStateInitialising && feDevOf(s.life!) !== XenbusStateInitialising);
    assert.ok(reset.length > 0, 'the node does read 1 where dev->state does not (the migration)');
    assert.ok(reset.every((s) => s.life!.migrated !== MIGRATE_DONE || s.life!.bind === BIND_UNBOUND || s.life!.bind === BIND_REBOUND));
    // blkback's node reads 1 only before the destination's probe, whose dev->state is Initialising too
    assert.ok(all.every((s) => s.life!.be !== XenbusStateInitialising || s.life!.beDev === XenbusStateInitialising));
  }
});

test('the comparison can tell the cores apart: a blkfront_probe that switches to Initialising (as netfront\'s xennet_create_dev does) meets V1 at 7.0 only', () => {
  // blkfront with netfront's rebind: its probe writes Initialising, so blkback prepares a reconnect (InitWait)
  const probeSwitches = deriveModel(blkif, {
    name: 'blkif-probe-switches-initialising',
    description: 'blkfront_probe with xenbus_switch_state(Initialising), as netfront\'s probe does (a test variant)',
    replace: {
      blkfront_probe: {
        ...blkfrontProbe,
        then: (d, _s, p) => {
          const l = d.life as LifeDraft;
          l.bind = BIND_REBOUND;
          frontendSwitchState(l, XenbusStateInitialising, p);
          l.feWatch = true;
        },
      },
    },
  }) as M;
  const o = { unbind: true, migrate: true, requests: 2 };
  // V1's end: bound again after the migration, the node at 1 (the destination's), dev->state Closed, nothing enabled
  const v1Ends = (bus: '6.12' | '7.0'): BlkifState[] => {
    const p = paramsOf(probeSwitches, { ...o, bus });
    return states(probeSwitches, o, bus).filter((s) => s.life!.bind === BIND_REBOUND && s.life!.migrated === MIGRATE_DONE &&
      s.life!.fe === XenbusStateInitialising && feDevOf(s.life!) === XenbusStateClosed && !anyEnabled(probeSwitches, p, s));
  };
  assert.is(v1Ends('6.12').length, 0, '6.12: the switch writes 1 and sets dev->state');
  assert.ok(v1Ends('7.0').length > 0, '7.0: the switch finds the node reset and writes nothing');
  // without the migration the variant reconnects at both (a rebind Linux blkfront does not support)
  for (const bus of ['6.12', '7.0'] as const) {
    assert.ok(states(probeSwitches, { unbind: true, requests: 2 }, bus).some((s) => s.life!.bind === BIND_REBOUND && !s.life!.stale &&
      feDevOf(s.life!) === XenbusStateConnected && s.front.issued === 2 && s.front.rsp_cons === s.front.req_prod_pvt), bus);
  }
  // Linux blkfront: no such end at either core (it never switches on a rebind)
  for (const bus of ['6.12', '7.0'] as const) {
    const p = paramsOf(blkif, { ...o, bus });
    const ends = states(blkif, o, bus).filter((s) => s.life!.bind === BIND_REBOUND && s.life!.migrated === MIGRATE_DONE && s.life!.fe === XenbusStateInitialising && !anyEnabled(blkif, p, s));
    assert.ok(ends.length > 0 && ends.every((s) => feDevOf(s.life!) === XenbusStateClosed), `${bus}: stuck at both, by blkfront_probe, not by the core`);
  }
});

test('every blkif example at 7.0 as at 6.12: the same verdict in the same steps', () => {
  const cases: [M, Overrides, string][] = [
    [xsa216 as M, {}, 'B_response_discloses_nothing'],
    [notNegotiated as M, { persistent: false }, 'F_not_broken'],
    [xsa155 as M, { frontend: 'hostile' }, 'B_io_within_page'],
    [noProdOverflow as M, { frontend: 'hostile' }, 'B_work_bounded'],
    [trustsResponse as M, { backend: 'hostile' }, 'F_completes_only_waiting'],
    [xsa365 as M, { frontend: 'hostile' }, 'B_io_on_mapped_grant'],
    [xsa396 as M, { backend: 'hostile', persistent: false }, 'F_free_page_unmapped'],
  ];
  for (const [m, o, prop] of cases) {
    const a = run(m, o, '6.12');
    const b = run(m, o, '7.0');
    assert.is(b.violation?.property, prop, m.name);
    assert.is(b.violation!.trace.length, a.violation!.trace.length, m.name);
  }
  for (const o of [{ removal: 'libxl', requests: 2 }, { removal: 'libxl', pending: 2, requests: 3 }] as Overrides[]) {
    const a = run(safeRemoveFix as M, o, '6.12');
    const b = run(safeRemoveFix as M, o, '7.0');
    assert.is(b.outcome, 'ok', JSON.stringify(o));
    assert.equal([b.distinctStates, b.edges], [a.distinctStates, a.edges]);
  }
});

test('every lifecycle at 6.12 and at 7.0: the same outcome, states and edges (computed at both)', () => {
  for (const { o, props } of LIFECYCLES) {
    const a = run(blkif, o, '6.12', props);
    const b = run(blkif, o, '7.0', props);
    assert.is(a.outcome, 'ok', `${JSON.stringify(o)} at 6.12: ${a.violation?.property}`);
    assert.equal([b.outcome, b.distinctStates, b.edges, b.depth], [a.outcome, a.distinctStates, a.edges, a.depth], JSON.stringify(o));
  }
});

test.run();
