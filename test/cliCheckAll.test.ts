/**
 * check-all's own path (cli/check.ts checkAllRuns, what `npm start` runs) on a
 * few small models, against test/pinned.json's figures: a violation the
 * model declares a finding about the real code (Model.findings: an
 * invariant, or xenbus's F7 `deadlock`) is a known finding and leaves the
 * exit code 0; the same violation undeclared fails; a check-all run
 * (Model.checkAll) resolves its parameters and leaves out what it names.
 *
 * Until 2026-12-06 only test/pinned's `npm start` ran this path (every
 * built-in, 66-136 s a run under load), so the mutant
 * checkall-declared-deadlock-fails (a declared deadlock counted as a
 * failure) cost a whole npm start to kill. Here: four small searches, a few
 * seconds.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkAllRunParams, checkAllRuns, workersSummary } from '../cli/check.js';
import type { Model } from '../model/core.js';
import { builtinModels, findModel } from '../model/registry.js';
import { scratchDir } from './support/tmp.js';

interface Pinned {
  readonly model: string;
  readonly checkAll?: string;
  readonly outcome: string;
  readonly states: number;
  readonly edges: number;
  readonly depth: number;
  readonly violation?: string;
}
const pinned = JSON.parse(readFileSync(join(import.meta.dirname, 'pinned.json'), 'utf8')) as { defaults: Pinned[]; checkAll: Pinned[] };
const dir = scratchDir('pvcheck-check-all-');
const model = (name: string): Model => findModel(name)!;
type Report = Awaited<ReturnType<typeof checkAllRuns>>['reports'][number];

/** A report's figures, as test/pinned.json writes them. */
const figures = (r: Report): Pinned => ({
  model: r.model,
  ...(r.checkAll ? { checkAll: Object.entries(r.checkAll.params).map(([k, v]) => `${k}=${v}`).join(' ') } : {}),
  outcome: r.outcome,
  states: r.distinctStates,
  edges: r.edges,
  depth: r.depth,
  ...(r.violation ? { violation: `${r.violation.property} in ${r.violation.length} steps` } : {}),
});
const pinnedOf = (name: string, run?: string): Pinned => {
  const e = run === undefined ? pinned.defaults.find((x) => x.model === name) : pinned.checkAll.find((x) => x.model === name && x.checkAll === run);
  assert.ok(e, `test/pinned.json has no entry for ${name} ${run ?? 'at its defaults'}`);
  const { model: m, checkAll, outcome, states, edges, depth, violation } = e!;
  return { model: m, ...(checkAll !== undefined ? { checkAll } : {}), outcome, states, edges, depth, ...(violation !== undefined ? { violation } : {}) };
};

test('--workers N reaches the runs (first: the mutant checkall-workers-dropped died only in the last test, 17 s into the file; session 35): ring-notify at --workers 1 says so', async () => {
  const all = await checkAllRuns([model('ring-notify')], { traceDir: dir, workers: 1 });
  assert.equal(all.reports.map((r) => [r.workers, r.workersReason]), [[1, '--workers 1 given']]);
});

test("a check-all run a model declares wrong (a parameter unknown, out of range, not a number; a property to leave out it does not have): one line naming the model, the run and the fault, before the first search", async () => {
  const ring = model('ring-notify');
  const bad: [Record<string, string>, string[] | undefined, RegExp][] = [
    [{ mesages: '4' }, undefined, /^model ring-notify: its check-all run mesages=4: .*unknown parameter 'mesages'/],
    [{ messages: '0' }, undefined, /^model ring-notify: its check-all run messages=0: .*messages=0 is out of range 1\.\.65535/],
    [{ messages: 'four' }, undefined, /^model ring-notify: its check-all run messages=four: .*must be an integer, got 'four'/],
    [{ messages: '4' }, ['deadlok'], /^model ring-notify: its check-all run messages=4: leaves out 'deadlok', not a property of the model \(known: .*deadlock/],
  ];
  for (const [params, leaveOut, msg] of bad) {
    const folder = scratchDir('pvcheck-check-all-bad-');
    // limiter first: its search would write L3's trace in the folder
    const runs = checkAllRuns([{ ...model('limiter'), checkAll: [] }, { ...ring, checkAll: [{ params, ...(leaveOut ? { leaveOut } : {}), why: 'test' }] }], { traceDir: folder });
    await runs.then(
      () => assert.unreachable(`${JSON.stringify(params)}: accepted`),
      (e: Error) => {
        assert.match(e.message, msg);
        assert.not.match(e.message, /\n/, 'one line');
      },
    );
    assert.equal(readdirSync(folder), [], 'no search ran before the bad row was seen');
  }
});

test("every built-in's check-all runs are declared right (parameters in range, properties it has)", () => {
  let n = 0;
  for (const m of builtinModels) for (const run of m.checkAll ?? []) {
    checkAllRunParams(m, run);
    n++;
  }
  assert.ok(n >= 10, `${n} runs`);
});

test('declared findings (xenbus F7: a deadlock; limiter L3: an invariant): reported as known findings, exit code 0, traces written, the pinned figures', async () => {
  const xenbus = model('xenbus');
  assert.ok((xenbus.findings ?? []).includes('deadlock') && (model('limiter').findings ?? []).includes('L3_work_per_window'));
  const all = await checkAllRuns([{ ...xenbus, checkAll: [] }, { ...model('limiter'), checkAll: [] }], { traceDir: dir });
  assert.is(all.code, 0, 'a declared finding is not a failure of check-all');
  assert.is(all.modelsDone, 2);
  assert.equal(all.reports.map(figures), [pinnedOf('xenbus'), pinnedOf('limiter')]);
  for (const [i, row] of all.rows.entries()) {
    assert.match(row[6]!, /^known finding \(docs\/models\): /, `${row[0]}: the row says it is a known finding`);
    const file = all.reports[i]!.violation!.traceFile!;
    assert.ok(file.startsWith(dir) && existsSync(file), `${row[0]}: its trace is written in the folder asked (${file})`);
  }
});

test('the same violations undeclared fail check-all: a deadlock (exit 1), an invariant (exit 1)', async () => {
  for (const name of ['xenbus', 'limiter']) {
    const all = await checkAllRuns([{ ...model(name), findings: [], checkAll: [] }], { traceDir: dir });
    assert.is(all.code, 1, `${name}: an undeclared violation`);
    assert.not.match(all.rows[0]![6]!, /known finding/);
  }
});

test("a model's check-all runs: parameters resolved, what a run leaves out not checked, the pinned figures", async () => {
  const xenbus = model('xenbus');
  const reconnect = xenbus.checkAll!.find((r) => r.params.reconnect === '0' && Object.keys(r.params).length === 1);
  assert.ok(reconnect, "xenbus's check-all has its reconnect=0 run");
  const ring = model('ring-notify');
  const all = await checkAllRuns([{ ...xenbus, checkAll: [reconnect!] }, { ...ring, checkAll: [{ params: { messages: String(ring.params.defaults.messages) }, leaveOut: ['deadlock'], why: 'test' }] }], { traceDir: dir });
  assert.is(all.code, 0);
  assert.equal(all.rows.map((r) => r[0]), ['xenbus', 'xenbus (reconnect=0)', 'ring-notify', `ring-notify (messages=${ring.params.defaults.messages})`]);
  assert.equal(figures(all.reports[1]!), pinnedOf('xenbus', 'reconnect=0'));
  assert.is(all.reports[1]!.params.reconnect, 0, 'the run resolved its parameter');
  // leaving out deadlock (ok at the defaults) moves no figure, and the report says what was left out
  const { checkAll: _, ...left } = figures(all.reports[3]!);
  assert.equal(left, pinnedOf('ring-notify'));
  assert.ok(!all.reports[3]!.invariants.includes('deadlock') && all.reports[2]!.invariants.includes('deadlock'));
  assert.equal(all.reports[3]!.checkAll!.leftOut, ['deadlock']);
  assert.match(all.rows[3]![6]!, /^ok \(left out, known findings: deadlock\)$/);
});

test("--workers N (check-all's, session 25: N for every row, for measurements): the same counts, depths and verdicts at N=1 and N=2 as test/pinned.json's, a declared finding's trace of the same length; each report says the workers its run had", async () => {
  // two built-ins as they are (a copy has no module the workers could load: it would stay on one thread):
  // ring-notify ok (one row), netif-rx a declared finding (F_rx_frags_validated) and, since 2026-12-06, its backend=honest row
  const models = [model('ring-notify'), model('netif-rx')];
  assert.ok(models.every((m) => builtinModels.includes(m)), 'built-ins');
  assert.ok(!models[0]!.checkAll?.length, 'ring-notify: no further check-all run');
  assert.equal(models[1]!.checkAll?.map((r) => r.params), [{ backend: 'honest' }], 'netif-rx: its one further run');
  for (const n of [1, 2]) {
    const all = await checkAllRuns(models, { traceDir: scratchDir(`pvcheck-check-all-w${n}-`), workers: n });
    assert.is(all.code, 0, `--workers ${n}`);
    assert.equal(all.reports.map(figures), [pinnedOf('ring-notify'), pinnedOf('netif-rx'), pinnedOf('netif-rx', 'backend=honest')], `--workers ${n}`);
    for (const r of all.reports) {
      // a run may end on the main thread before its workers have loaded (engine, session 25): then 1, and the reason says so
      assert.ok(r.workers === n || (r.workers === 1 && r.workersReason !== `--workers ${n} given`), `--workers ${n}: ${r.model} ran on ${r.workers} (${r.workersReason})`);
      assert.ok(r.workersReason?.startsWith(`--workers ${n} given`), `${r.model}: ${r.workersReason}`);
    }
    if (all.reports.every((r) => r.workers === n)) assert.is(workersSummary(all.reports), `3 runs on ${n} worker${n === 1 ? '' : 's'}`);
    assert.ok(existsSync(all.reports[1]!.violation!.traceFile!), `--workers ${n}: netif-rx's trace written`);
  }
  assert.is(workersSummary([{ workers: 2 }, { workers: 1 }, { workers: 2 }]), '2 runs on 2 workers, 1 run on 1 worker');
});

test.run();
