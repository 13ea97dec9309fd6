/**
 * Tests written for mutants of test/mutants/mutants.json that the tests of
 * their code let survive (session 23's audit of session 22's code,
 * docs/perf/2026-12-06e-pool.md; mutantsKilled, B, C, D and E hold the
 * earlier sessions'): each says which mutant it kills, and passes on the code
 * as it is.
 *
 * - trace-lazy-min-not-kept (checker/trace.ts lazyObservable): the min
 *   witness's trace, like the max's, is built at its first read and then
 *   kept: test/searchWitnesses reads the max twice, the min once.
 * - workers-fit-idle-not-credited, workers-fit-taken-counted-ending
 *   (checker/parallel.ts workersFit): a search under a budget ends the idle
 *   workers it does not take (IDLE_WORKER_BYTES back from each) and keeps the
 *   ones it takes. The tests of the guard start from a pool with no idle
 *   worker, or from budgets far from the limit. Here the resident set is
 *   held (test/support/residentSetHeld.ts) and the budgets are 10 MiB either
 *   side of the rule's limit, with two idle workers.
 * - workers-fit-reused-counted-fresh (ParallelSearch's start): idle workers
 *   taken from the pool have loaded already; counted as new threads
 *   (WORKER_BYTES each) a budget with room for the search but not for a new
 *   thread stops it before it starts.
 * - bitstate-workers-last-level-unsummed (checker/parallelWorker.ts
 *   bitsReport): the states of the last level, still in the table when the
 *   search ends, were tested against the bit array of the levels before:
 *   Holzmann's sum counts them, so that a search cut one state later has a
 *   larger estimate (a search cut at a depth has moved its last level into
 *   the array already: the mutant shows only where a state count cuts a
 *   level). test/bitstateWorkers compares 2 and 3 workers' estimates with
 *   each other only.
 * - bitstate-fold-together-slice-short (checker/parallelWorker.ts
 *   foldTogether, session 23's e03e23f): on 3 workers a table's slots (a
 *   power of two) do not split evenly; a worker's part that is slots/3 from
 *   its start leaves the last slot or two out of every fold. Only a fold with
 *   a state there shows it (the state stays in the table, not in the array:
 *   the estimate moves in its 7th digit). test/bitstateWorkers compares the
 *   folds on 3 workers at 4 KiB (no fold has a state in the last slots), and
 *   ExactThenBits' on 2; here ExactThenBits' on 3, ring-notify 4x16 (138,776
 *   states) with a 16 KiB exact part, where one does (the cases at 64 KiB and
 *   8 KiB too, ring-notify 8x16 at all three: checked by hand; cut by a state
 *   count at 5,000-40,000, none).
 * - nc2-padrun-honest-counted (model/nc2.ts consume, nc2's 3d09f1b): the
 *   ghost padRun stays 0 on an honest producer's ring (counting there splits
 *   states by which pad led to an index: honest counts moved); test/nc2 pins
 *   no count of a row whose honest producers pad. Here every state of nc2
 *   messages=4 (175,181 states) has padRun 0 on both rings.
 * - nc2api-hostile-cons-from-prod (model/nc2Api.ts hostile_cons, 3e65d1c): the
 *   hostile consumer's "4 bytes on" is from cons, not prod_pvt; the vectors
 *   write cons while it equals prod_pvt. Here the choices at a state where
 *   cons is 8 bytes behind prod_pvt are hostileCons' from that cons.
 * - xenbus7-teardown-drops-vanished, xenbus7-rebind-drops-vanished,
 *   xenbus7-removed-keeps-vanished (model/xenbus.ts at `-p bus=7.0`): Linux
 *   7.0's `vanished` belongs to the xenbus_device, not to the driver bound to
 *   it: xennet_remove's teardown of a vanished device leaves it vanished on
 *   the bus, a driver bound to it again (modprobe) finds it vanished (its
 *   switch writes nothing, its reads are Unknown: xennet_create_dev waits),
 *   and only the device's removal from the bus ends it. The finding rows
 *   never reach a vanished device with a driver (F7's device is vanished
 *   during its probe); since 2026-12-06 (session 24) test/xenbusV7Vanished's
 *   searches do (56,835 states from bus=7.0 reconfigure=1 guestClose=1
 *   reconnect=1 events=3, and a walked reset path), checking every step from
 *   each vanished state. Here the path is walked by hand from a device set
 *   vanished as xenbus_cleanup_devices sets it while rtnl is held.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { check } from '../checker/explore.js';
import { jugs } from '../checker/fixtures/jugs.js';
import { IDLE_WORKER_BYTES, WORKER_BYTES } from '../checker/memory.js';
import { checkParallel, closeWorkerPool, idleWorkers, workersFit, workersStarted } from '../checker/parallel.js';
import { bind } from '../properties/bind.js';
import { produce, type Draft } from 'immer';
import { HDR, hostileCons, nc2, sizes } from '../model/nc2.js';
import { nc2Api, nc2ApiInit } from '../model/nc2Api.js';
import { idxAdd } from '../model/idx32.js';
import { FE, W_FE_BUS_RM, XenbusStateUnknown, beNodeAsFrontend, xenbus, type XenbusModelState } from '../model/xenbus.js';
import { fireRule, paramsOf, systemOf } from './support/models.js';
import { boundCase } from './support/workerCases.js';
import { withResidentSetHeld } from './support/residentSetHeld.js';

const MiB = 1024 ** 2;

// the model tests first (a second or less), the workers' after: a file stops at its first failed test on a mutant
test('nc2api-hostile-cons-from-prod: nc2-api\'s hostile consumer writes hostileCons from its cons (cons 8 bytes behind prod_pvt)', () => {
  const p = paramsOf(nc2Api, { hostile: true });
  const s0 = nc2ApiInit(p as never);
  const s = { ...s0, prod_pvt: idxAdd(s0.cons, 8) };
  const rule = nc2Api.rules.find((x) => x.name === 'hostile_cons')!;
  const want = hostileCons(s.prod_pvt, s.cons, sizes(p as never)[0]!, { ringBytes: (p as { ringBytes: number }).ringBytes } as never);
  assert.equal(rule.choices!(s as never, p as never), want);
  assert.ok(want.includes(idxAdd(s.cons, HDR)), '4 bytes on from cons');
});

test('xenbus7-*-vanished: a vanished device closed by the guest stays vanished on the bus; bound again, its probe reads Unknown and waits; removed from the bus, vanished goes with it', () => {
  type S = XenbusModelState;
  const p = paramsOf(xenbus, { bus: '7.0' });
  const fire = (s: S, name: string, choice?: unknown) => fireRule(xenbus, p, s, name, choice);
  let s = xenbus.init(p)[0]!;
  for (const n of ['libxl__device_vif_add', 'netback_probe', 'netfront_probe']) s = fire(s, n);
  s = produce(s, (d: Draft<S>) => { d.fe.vanished = true; });
  // the guest unbinds netfront: xennet_bus_close reads Unknown at each wait and returns; the driver is torn down
  for (const n of ['xennet_remove', 'xennet_bus_close(Closing)', 'xennet_bus_close(Closed)']) s = fire(s, n);
  assert.equal([s.fe.inst, s.fe.bus, s.fe.vanished], [false, true, true], 'xennet_remove\'s teardown: the device stays on the bus, vanished');
  // bound again (driver reload): the rebind's probe reads the backend Unknown and waits in xennet_create_dev
  const b = fire(s, 'netfront_probe(driver bind)');
  assert.is(b.fe.vanished, true, 'the rebound device is the vanished one');
  assert.is(b.fe.probe, 'modprobe', 'xennet_create_dev waits: the backend reads Unknown');
  assert.is(beNodeAsFrontend(b), XenbusStateUnknown);
  // the toolstack removes the directory (constructed), the guest's bus handles the removal: the device, and its vanished, are gone
  let g = produce(s, (d: Draft<S>) => { for (const k in d.xs.nodes) if (k === FE || k.startsWith(`${FE}/`)) d.xs.nodes[k] = undefined; });
  g = fire(g, 'xs_watch_event(spurious)', W_FE_BUS_RM);
  g = fire(g, 'xenbus_dev_changed(frontend removed)');
  assert.is(g.fe.bus, false);
  assert.is(g.fe.vanished, undefined, 'xenbus_cleanup_devices\' device_unregister freed the device');
});

test('nc2-padrun-honest-counted: with honest producers the ghost padRun stays 0 (nc2 messages=4)', () => {
  const p = paramsOf(nc2, { messages: 4 });
  let bad = 0;
  const r = check(systemOf(nc2, p, []), { checkDeadlock: false, onState: (s: any) => { if (s.cons.some((c: { padRun: number }) => c.padRun !== 0)) bad++; } });
  assert.is(r.outcome, 'ok');
  assert.is(bad, 0, `${bad} of ${r.distinctStates} states count pads on an honest ring`);
});

test('trace-lazy-min-not-kept: the min witness\'s trace is built once, then kept (as the max\'s)', () => {
  const b = bind(jugs, paramsOf(jugs, {}), { invariants: [] });
  if (E.isLeft(b)) throw new Error(b.left);
  const o = check(b.right, {}).observables![0]!;
  const t = o.minTrace;
  assert.is(t.length - 1, o.minSteps);
  assert.is(o.minTrace, t, 'the same array at the second read');
});

/** Two idle workers of ring-notify 2x3 in the pool (and nothing else idle). */
async function twoIdle() {
  const c = await boundCase('ring-notify', { ringSize: '2', messages: '3' });
  await closeWorkerPool();
  const states = check(c.sys, {}).distinctStates;
  assert.is((await checkParallel(c.sys, {}, c.source, 2)).distinctStates, states);
  assert.is(idleWorkers(), 2);
  return { ...c, states };
}

test('workers-fit-idle-not-credited, workers-fit-taken-counted-ending: idle workers ended give IDLE_WORKER_BYTES back each, those taken give nothing', async () => {
  await twoIdle();
  withResidentSetHeld((rss) => {
    // one new thread, both idle ones ended: rss + WORKER_BYTES - 2 x IDLE_WORKER_BYTES
    const ended = rss + WORKER_BYTES - 2 * IDLE_WORKER_BYTES;
    assert.ok(workersFit(1, ended + 10 * MiB), 'the ended workers\' memory counted back');
    assert.not.ok(workersFit(1, ended - 10 * MiB));
    // one new thread beside the two idle ones taken: rss + WORKER_BYTES, nothing back
    assert.ok(workersFit(1, rss + WORKER_BYTES + 10 * MiB, 2));
    assert.not.ok(workersFit(1, rss + WORKER_BYTES - 10 * MiB, 2), 'the workers taken give nothing back');
    // one taken, one ended
    assert.ok(workersFit(1, rss + WORKER_BYTES - IDLE_WORKER_BYTES + 10 * MiB, 1));
    assert.not.ok(workersFit(1, rss + WORKER_BYTES - IDLE_WORKER_BYTES - 10 * MiB, 1));
  });
  await closeWorkerPool();
});

test('workers-fit-reused-counted-fresh: a search under a budget with no room for a new thread runs on the two idle workers it takes', async () => {
  const { sys, source, states } = await twoIdle();
  const started = workersStarted();
  // the main thread's reading held (the workers' guards read their own: the real resident set, far below)
  const real = process.memoryUsage.rss;
  const held = real();
  process.memoryUsage.rss = () => held;
  try {
    const r = await checkParallel(sys, { maxMemory: held + WORKER_BYTES / 2 }, source, 2);
    assert.is(r.outcome, 'ok', `${r.outcome} ${r.incompleteReason ?? ''}`);
    assert.is(r.distinctStates, states);
    assert.is(r.workers, 2);
  } finally {
    process.memoryUsage.rss = real;
  }
  assert.is(workersStarted(), started, 'no thread started: both were taken from the pool');
  await closeWorkerPool();
});

test('bitstate-workers-last-level-unsummed: every state tested against the array adds to the estimate, the last level\'s too', async () => {
  process.env.PVCHECK_PARALLEL_FROM = '1';
  const { sys, source } = await boundCase('ring-notify', { ringSize: '4', messages: '16' });
  // cut by a state count, the search ends with its last level in the table: one state more, a larger estimate
  let before = 0;
  for (const maxStates of [2, 3, 4, 5, 6, 7]) {
    const r = await checkParallel(sys, { maxStates, store: { kind: 'bitstate', bytes: 4096 } }, source, 2);
    assert.equal([r.incompleteReason, r.distinctStates], ['max-states', maxStates]);
    const e = r.store!.expectedMissed!;
    assert.ok(e > before, `${maxStates} states: ${e}, not above ${before} at one state fewer`);
    before = e;
  }
  await closeWorkerPool();
});

test('bitstate-fold-together-slice-short: on 3 workers the fold by every worker sets what worker 0 alone sets (ExactThenBits, its 16 KiB exact part folded)', async () => {
  process.env.PVCHECK_PARALLEL_FROM = '1';
  const { sys, source } = await boundCase('ring-notify', { ringSize: '4', messages: '16' });
  const store = { kind: 'bitstate', bytes: 1 << 24, exactBytes: 1 << 14 } as const;
  const was = process.env.PVCHECK_SERIAL_GROW;
  try {
    process.env.PVCHECK_SERIAL_GROW = '1';
    const alone = await checkParallel(sys, { store }, source, 3);
    delete process.env.PVCHECK_SERIAL_GROW;
    const together = await checkParallel(sys, { store }, source, 3);
    assert.is(together.store!.folded, true);
    assert.equal([together.distinctStates, together.edges], [alone.distinctStates, alone.edges]);
    assert.equal(together.store, alone.store, 'the store\'s report: the same states set into the array');
  } finally {
    if (was === undefined) delete process.env.PVCHECK_SERIAL_GROW;
    else process.env.PVCHECK_SERIAL_GROW = was;
  }
  await closeWorkerPool();
});

test.run();
