/**
 * When the default search goes to the workers (checker/parallel.ts
 * `handOverPays`, cli/check.ts): once its first second is over and the
 * machine has room, the one thread hands over at a level start only if the
 * levels so far leave at least HANDOVER_MIN_SECONDS of CPU on one thread.
 * netif-tx (137,828 states) took 1.7 s of CPU on one thread and twice that
 * once handed over after its first second; netif-ctrl and xenbus4 have 3-4 s
 * left then, ring-notify 8x64 six.
 *
 * The profiles below are the one-thread search's level starts as cli/check.ts
 * notes them ([depth, level size, states so far, CPU ms since the start]),
 * recorded with `check MODEL --workers 1` at the defaults (netif-tx,
 * netif-ctrl, xenbus -p events=4) on 2026-12-05: what was left is the
 * difference to the run's end, not an estimate. Then the CLI: with the
 * threshold out of reach the search stays on one thread and says why; at 0
 * it hands over and says how much was left; both find the one thread's counts.
 * The old rule (every search still running after its first second) fails the
 * netif-tx case. Since 2026-12-07 a mark may also carry the CPU the process's other
 * threads took (compiles, GC): the workers' start is then charged (workerStartCharge),
 * so that a short large-rules nested search (xenbus events=4: 1.1 s left, 3.00 s
 * handed over against 2.14 s on one thread on an idle machine) stays on one thread.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HANDOVER_MIN_SECONDS, WORKER_COMPILE_CAP_SECONDS, WORKER_LOAD_SECONDS, WORKER_STATE_FACTOR, handOverPays, mainThreadCpuMs, workerStartCharge, type LevelMark } from '../checker/parallel.js';
import { pvcheck } from './support/cli.js';
import { scratchDir } from './support/tmp.js';

type Row = readonly [number, number, number, number];
const marksOf = (rows: readonly Row[]): LevelMark[] => rows.map(([depth, size, states, ms]) => ({ depth, size, states, ms }));

// netif-tx at its defaults: 137,828 states, 1,469 ms of CPU in all
const netifTx: Row[] = [
  [1, 8, 9, 4], [2, 72, 81, 30], [3, 424, 505, 46], [4, 422, 927, 93], [5, 472, 1399, 143], [6, 856, 2255, 239],
  [7, 1758, 4013, 353], [8, 2505, 6518, 451], [9, 3817, 10335, 564], [10, 5649, 15984, 650], [11, 7524, 23508, 775],
  [12, 8704, 32212, 881], [13, 9215, 41427, 940], [14, 9682, 51109, 980], [15, 10168, 61277, 1046], [16, 10459, 71736, 1133],
  [17, 10640, 82376, 1172], [18, 10400, 92776, 1208], [19, 9464, 102240, 1298], [20, 8334, 110574, 1330], [21, 7063, 117637, 1354],
  [22, 5818, 123455, 1390], [23, 4729, 128184, 1405], [24, 3636, 131820, 1422], [25, 2598, 134418, 1433], [26, 1704, 136122, 1441],
  [27, 1002, 137124, 1457], [28, 487, 137611, 1465], [29, 182, 137793, 1466], [30, 35, 137828, 1467],
];
// netif-ctrl at its defaults: 1,021,173 states, 5,557 ms
const netifCtrl: Row[] = [
  [1, 50, 51, 6], [2, 2550, 2601, 83], [3, 5022, 7623, 221], [4, 2244, 9867, 339], [5, 3806, 13673, 420], [6, 33168, 46841, 574],
  [7, 24152, 70993, 742], [8, 44652, 115645, 892], [9, 84868, 200513, 1236], [10, 90152, 290665, 1662], [11, 248136, 538801, 2443],
  [12, 141036, 679837, 3547], [13, 135732, 815569, 4398], [14, 91928, 907497, 4965], [15, 53892, 961389, 5219], [16, 29892, 991281, 5392],
  [17, 19928, 1011209, 5480], [18, 9964, 1021173, 5540],
];
// xenbus -p events=4: 118,985 states, 4,610 ms
const xenbus4: Row[] = [
  [1, 3, 4, 27], [2, 7, 11, 34], [3, 29, 40, 47], [4, 119, 159, 88], [5, 393, 552, 148], [6, 1046, 1598, 361], [7, 2301, 3899, 778],
  [8, 4314, 8213, 1219], [9, 7049, 15262, 1613], [10, 10169, 25431, 2126], [11, 13651, 39082, 2654], [12, 16811, 55893, 3055],
  [13, 17406, 73299, 3447], [14, 14743, 88042, 3787], [15, 10524, 98566, 4041], [16, 6592, 105158, 4200], [17, 4057, 109215, 4292],
  [18, 3062, 112277, 4369], [19, 2460, 114737, 4413], [20, 1793, 116530, 4444], [21, 1109, 117639, 4466], [22, 634, 118273, 4479],
  [23, 383, 118656, 4493], [24, 216, 118872, 4509], [25, 91, 118963, 4512], [26, 22, 118985, 4513],
];

/** The calls at every level start from `fromMs` of CPU on, as cli/check.ts makes them once the first second is over. */
const callsFrom = (rows: readonly Row[], fromMs: number) =>
  rows.flatMap((r, i) => (r[3] >= fromMs ? [{ row: r, call: handOverPays(marksOf(rows.slice(0, i + 1))) }] : []));

test('netif-tx: at no level start after the first second does the work left pay for the workers', () => {
  const calls = callsFrom(netifTx, 1000);
  assert.ok(calls.length > 10);
  for (const { row, call } of calls) {
    assert.not.ok(call.pays, `depth ${row[0]}: ${call.why}`);
    assert.ok(call.left < HANDOVER_MIN_SECONDS);
  }
  // the estimate is of the right size where it matters (at 1,133 ms, 336 ms of CPU were left)
  const at16 = calls.find((c) => c.row[0] === 16)!.call;
  assert.ok(at16.left > 0.2 && at16.left < 0.8, String(at16.left));
});

test('netif-ctrl and xenbus4: the workers take over at the first level start after the first second', () => {
  for (const [name, rows, end] of [['netif-ctrl', netifCtrl, 5557], ['xenbus4', xenbus4, 4610]] as const) {
    const [first] = callsFrom(rows, 1000);
    assert.ok(first!.call.pays, `${name}: ${first!.call.why}`);
    assert.ok((end - first!.row[3]) / 1000 >= 2 * HANDOVER_MIN_SECONDS, `${name}: at least twice the threshold was left`);
  }
});

test('levels still growing: as many states to come as found so far, at the rate of the last levels', () => {
  // a slow first 800 ms (the compiler's warm-up), then 1,000 states a ms; levels growing by 1%
  const marks: LevelMark[] = [{ depth: 1, size: 20_000, states: 21_000, ms: 800 }];
  for (let d = 2; d <= 40; d++) {
    const p = marks[marks.length - 1]!;
    const size = Math.round(p.size * 1.01);
    marks.push({ depth: d, size, states: p.states + size, ms: p.ms + p.size / 1000 });
  }
  const call = handOverPays(marks);
  const last = marks[marks.length - 1]!;
  // the last levels' rate (1,000 states a ms), not the run's mean (the first 800 ms count 900 states)
  assert.ok(Math.abs(call.left - last.states / 1e6) < 0.001, `${call.left} s against ${last.states / 1e6}`);
  assert.match(call.why, /depth 40: [\d,]+ states, 1\.01x the last; 1,000,000 states\/s/);
  assert.is(call.pays, call.left >= HANDOVER_MIN_SECONDS);
  assert.ok(handOverPays(marks, 0).pays);
  assert.not.ok(handOverPays(marks, 1e6).pays);
});

test('levels shrinking: a geometric tail by the ratio of the last two, at most the states so far', () => {
  const at = (prevSize: number, size: number, states: number) =>
    handOverPays([
      { depth: 1, size: 10, states: 10, ms: 0 },
      { depth: 2, size: prevSize, states: states - size, ms: 1000 },
      { depth: 3, size, states, ms: 2000 },
    ]);
  // the last level expanded prevSize states in a second
  assert.ok(Math.abs(at(1000, 500, 100_000).left - 1000 / 1000) < 1e-9, 'half as large: 500 / (1 - 0.5) states');
  assert.ok(Math.abs(at(1000, 900, 5000).left - 5000 / 1000) < 1e-9, '0.9x: 9,000 states, but only 5,000 found so far');
  assert.ok(Math.abs(at(1000, 1000, 7000).left - 7000 / 1000) < 1e-9, 'as large: growing');
  assert.not.ok(handOverPays([]).pays);
});

test('the workers\' start charged: a large-rules nested model with ~1.1 s left stays on one thread; netif-ctrl\'s 3-4 s still pay', () => {
  // two workers: load + compile, over 1 - f/2 of the work left
  const two = (otherS: number) => (WORKER_LOAD_SECONDS + Math.min(WORKER_COMPILE_CAP_SECONDS, otherS)) / (1 - WORKER_STATE_FACTOR / 2);
  assert.ok(Math.abs(workerStartCharge(300, 2) - two(0.3)) < 1e-12);
  assert.ok(Math.abs(workerStartCharge(5000, 2) - two(WORKER_COMPILE_CAP_SECONDS)) < 1e-12, 'the compile is capped');
  assert.ok(workerStartCharge(300, 4) < workerStartCharge(300, 2), 'more workers pay sooner');
  assert.is(workerStartCharge(undefined, 2), 0, 'unknown: no charge (the threshold alone)');
  assert.is(workerStartCharge(NaN, 2), 0);
  assert.is(workerStartCharge(300, 1), 0);
  // xenbus -p events=4 on an idle machine (2026-12-07): handed over at depth 12 with about 1.1 s left, it ran 3.00 s
  // instead of 2.14 s on one thread; its compiler threads had taken ~0.3 s of CPU by then
  const marks: LevelMark[] = [
    { depth: 10, size: 10169, states: 25431, ms: 700 },
    { depth: 11, size: 13651, states: 39082, ms: 900 },
    { depth: 12, size: 16811, states: 55893, ms: 1150 },
  ];
  const plain = handOverPays(marks);
  assert.ok(plain.left >= HANDOVER_MIN_SECONDS && plain.left < two(0.3), `${plain.left}`);
  assert.ok(plain.pays, 'without the other threads\' CPU: the threshold alone, as before');
  const withOthers = marks.map((m) => ({ ...m, otherMs: 300 }));
  const call = handOverPays(withOthers);
  assert.not.ok(call.pays, call.why);
  assert.match(call.why, /; 2 workers pay from [\d.]+ s left \(each loads the model and compiles again: 0\.30 s of compiler and GC threads so far\)$/);
  assert.ok(handOverPays(withOthers, HANDOVER_MIN_SECONDS, 16).pays, 'sixteen workers: the start is spread over more cores');
  // netif-ctrl's recorded profile with 0.2 s of compiles: it still goes to the workers, at a later level start (its
  // growing levels make the estimate low: 1.5 s at depths 9-10 where 3.9-4.3 s were left), with more than 3 s left
  const calls = netifCtrl.flatMap((r, i) => (r[3] >= 1000 ? [{ row: r, call: handOverPays(marksOf(netifCtrl.slice(0, i + 1)).map((m) => ({ ...m, otherMs: 200 }))) }] : []));
  const paid = calls.find((c) => c.call.pays);
  assert.ok(paid, calls.map((c) => c.call.why).join('\n'));
  assert.ok(5557 - paid!.row[3] > 3000, `handed over at ${paid!.row[3]} ms of 5,557`);
  assert.ok(paid!.call.left >= workerStartCharge(200, 2));
});

test('mainThreadCpuMs: this thread\'s CPU, growing as it works (Linux), never more than the process\'s', () => {
  const a = mainThreadCpuMs();
  if (Number.isNaN(a)) return; // no /proc/thread-self/schedstat: the charge is left out, nothing to read
  const u0 = process.cpuUsage();
  let x = 0;
  const t = Date.now();
  while (Date.now() - t < 60) x += Math.sqrt(x + 1);
  const b = mainThreadCpuMs();
  const u = process.cpuUsage(u0);
  assert.ok(x > 0);
  assert.ok(b > a, `${a} -> ${b}`);
  assert.ok(b - a <= (u.user + u.system) / 1000 + 10, `${b - a} ms against the process's ${(u.user + u.system) / 1000}`);
});

const dir = scratchDir('pvcheck-handover-pays-');
const args = ['check', 'ring-notify', '-p', 'ringSize=4', '-p', 'messages=16', '--json', '-q'];
const counts = (out: string) => {
  const j = JSON.parse(out) as { distinctStates: number; edges: number; depth: number; outcome: string };
  return [j.outcome, j.distinctStates, j.edges, j.depth];
};

test('the CLI: out of reach, the search stays on one thread and says why; at 0 it hands over and says what was left', () => {
  const one = pvcheck([...args, '--workers', '1'], dir);
  assert.is(one.code, 0, one.err);
  // PVCHECK_TEST_SWITCH_MS: the switch after 1 ms whatever the load; PVCHECK_HANDOVER_MIN_S: the rule applies with that threshold
  const stay = pvcheck(args, dir, { PVCHECK_TEST_SWITCH_MS: '1', PVCHECK_HANDOVER_MIN_S: '1000' });
  assert.is(stay.code, 0, stay.err);
  const s = JSON.parse(stay.out) as { workers?: number; workersReason: string };
  assert.is(s.workers ?? 1, 1, 'one thread');
  assert.match(s.workersReason, /^the search ended on one thread: the work left never paid for starting \d+ workers \(at least 1000 s of CPU\), at most [\d.]+ s of CPU left on one thread by the levels so far \(depth \d+: /);
  const go = pvcheck(args, dir, { PVCHECK_TEST_SWITCH_MS: '1', PVCHECK_HANDOVER_MIN_S: '0' });
  assert.is(go.code, 0, go.err);
  const g = JSON.parse(go.out) as { workers?: number; workersReason: string };
  assert.ok((g.workers ?? 1) > 1, g.workersReason);
  assert.match(g.workersReason, /the workers took over from the one thread at depth \d+ \([\d,]+ states\): about [\d.]+ s of CPU left on one thread by the levels so far/);
  assert.equal(counts(stay.out), counts(one.out));
  assert.equal(counts(go.out), counts(one.out));
});

test.run();
