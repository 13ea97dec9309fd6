/**
 * Pinned figures (issue 19): every built-in model at its defaults through
 * `npm start -- --json` (which smoke-tests the README's quick start too), the
 * runs whose figures the README states, and the counterexample length of every
 * example against its own `@pvcheck expect` header. The figures live in
 * test/pinned.json with a reason line each; the examples' in their headers.
 * A failure names the figure, the pinned and computed values, and the line
 * to change: change it only in the commit that changes the model, and say why.
 *
 * The README's ring-pair runs take about a minute on a loaded 2-core machine:
 * they run when PVCHECK_PINNED=all (CI sets it, .ci/run); otherwise the test
 * says it left them out.
 *
 * With PVCHECK_EXAMPLES (run-tests --changed gives it when only a change's
 * examples select this file: test/support/examplesChosen.ts), the examples
 * it names are checked against their headers, and the built-ins' figures
 * (npm start, the README's runs, the bench), which no example reaches, are
 * left out with a line saying so (session 32).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { check, type CheckOptions } from '../checker/explore.js';
import { parallelReason } from '../checker/parallel.js';
import type { System } from '../checker/system.js';
import { fixedByModel, readHeader, resultOf, type Header } from '../cli/catalogue.js';
import { loadModel } from '../cli/loadModel.js';
import { resolveParams } from '../model/params.js';
import { builtinModels } from '../model/registry.js';
import { bind, propertyNames } from '../properties/bind.js';
import { refineResult } from '../cli/refine.js';
import { checkLine, type CheckLine } from './support/models.js';
import { chosenOf } from './support/examplesChosen.js';
import { cliRows } from './support/cliRows.js';
import type { Model } from '../model/core.js';
import { gridPoint } from './support/ringSpec.js';
import type { DefaultsEntry } from './support/pinnedDefaults.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const PINNED = 'test/pinned.json';
const pinnedText = readFileSync(join(root, PINNED), 'utf8');
const pinned = JSON.parse(pinnedText) as {
  defaults: Entry[];
  /** The further runs of check-all (Model.checkAll), by model and the parameters they set ("frontend=hostile"). */
  checkAll: (Entry & { model: string; checkAll: string })[];
  runs: (Entry & { id: string; args: string[]; slow?: boolean })[];
};
/** An entry of test/pinned.json: the `defaults` entries' type (test/support/pinnedDefaults.ts); a run has an id instead of a model. */
type Entry = Omit<DefaultsEntry, 'model'> & { model?: string; id?: string };
interface Report {
  model: string;
  outcome: string;
  distinctStates: number;
  edges: number;
  depth: number;
  observables?: { name: string; min: number | null; max: number | null; maxTraceLength: number }[];
  violation?: { property: string; length: number };
  checkAll?: { params: Record<string, string>; leftOut: string[] };
}

/** A check-all run's key: the parameters it sets, as `pvcheck check` takes them ("frontend=dpdk backend=dpdk"). */
const runKey = (params: Readonly<Record<string, string>>): string => Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ');

/** The line of test/pinned.json that holds an entry (1-based). */
const lineOf = (needle: string): number => pinnedText.split('\n').findIndex((l) => l.includes(needle)) + 1;

/** Every figure of `e` that differs from the report, one line each, saying where to update it. */
function moved(label: string, needle: string, e: Entry, r: Report): string[] {
  const where = `${PINNED}:${lineOf(needle)}`;
  const out: string[] = [];
  const cmp = (what: string, want: unknown, got: unknown) => {
    if (JSON.stringify(want) !== JSON.stringify(got))
      out.push(`${label}: ${what} moved: pinned ${JSON.stringify(want)}, computed ${JSON.stringify(got)} (${where})`);
  };
  cmp('outcome', e.outcome, r.outcome);
  cmp('states', e.states, r.distinctStates);
  cmp('edges', e.edges, r.edges);
  cmp('depth', e.depth, r.depth);
  if (e.violation !== undefined || r.violation !== undefined)
    cmp('violation', e.violation ?? null, r.violation ? `${r.violation.property} in ${r.violation.length} steps` : null);
  for (const [name, o] of Object.entries(e.observables ?? {})) {
    const got = r.observables?.find((x) => x.name === name);
    if (!got) out.push(`${label}: observable ${name} is pinned but not reported (${where})`);
    else {
      cmp(`observable ${name} min`, o.min, got.min);
      cmp(`observable ${name} max`, o.max, got.max);
      cmp(`observable ${name} witness of the max (steps)`, o.maxWitness, got.maxTraceLength);
    }
  }
  return out;
}

// the examples this run checks: every one, or those PVCHECK_EXAMPLES names
const { files: examples, chosen } = chosenOf(readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts')).sort(), join(root, 'examples'));
/** Whether a test of the built-ins' figures runs: not when only examples selected this file (PVCHECK_EXAMPLES), which it says. */
const builtinsRun = (what: string): boolean => {
  if (chosen) console.log(`  pinned: ${what} left out: PVCHECK_EXAMPLES=${[...chosen].join(',')} (only examples/ changed; no example reaches it)`);
  return !chosen;
};

const HOW =
  `\nIf your change moves these figures on purpose, update them in ${PINNED} in the same commit and rewrite the entry's ` +
  `reason line to say why (docs/checker.md, "Pinned figures"). If it should not move them, it is a regression.`;

test('test/pinned.json: one entry per built-in model and per further check-all run it declares, each with a reason line', () => {
  assert.equal(pinned.defaults.map((e) => e.model).sort(), builtinModels.map((m) => m.name).sort(),
    `every built-in model needs an entry in ${PINNED} (a new model: add its figures at its defaults, with a reason)`);
  assert.equal(pinned.checkAll.map((e) => `${e.model} ${e.checkAll}`).sort(), builtinModels.flatMap((m) => (m.checkAll ?? []).map((r) => `${m.name} ${runKey(r.params)}`)).sort(),
    `every run a built-in model adds to check-all (Model.checkAll) needs an entry in ${PINNED}'s checkAll list, with a reason`);
  for (const e of [...pinned.defaults, ...pinned.checkAll, ...pinned.runs]) assert.ok(e.reason && e.reason.length > 20, `${e.model ?? e.id}: no reason line`);
});

/** The trace files a `pvcheck` run writes in the working directory by default (pvcheck-MODEL-PROPERTY.trace.json). */
const rootTraces = (): Set<string> => new Set(readdirSync(root).filter((f) => /^pvcheck-.*\.(trace|itf)\.json$/.test(f)));
/** Runs `f` with the repository root as the runs' working directory, then removes the trace files they added there (a checkout's root gathered six a run). */
function tidyRoot<T>(f: () => T): T {
  const before = rootTraces();
  try {
    return f();
  } finally {
    for (const t of rootTraces()) if (!before.has(t)) rmSync(join(root, t), { force: true });
  }
}

/** {@link tidyRoot} for runs that end asynchronously: the trace files they added are removed once `f`'s promise settles. */
async function tidyRootAsync<T>(f: () => Promise<T>): Promise<T> {
  const before = rootTraces();
  try {
    return await f();
  } finally {
    for (const t of rootTraces()) if (!before.has(t)) rmSync(join(root, t), { force: true });
  }
}

test('npm start -- --json: exits 0, checks every built-in model at its defaults, and every figure is the pinned one', () => {
  if (!builtinsRun('npm start')) return;
  const r = tidyRoot(() => spawnSync('npm', ['start', '--silent', '--', '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 }));
  assert.is(r.status, 0, `npm start exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const reports = JSON.parse(r.stdout) as Report[];
  assert.equal(reports.filter((x) => !x.checkAll).map((x) => x.model), builtinModels.map((m) => m.name));
  const diffs = pinned.defaults.flatMap((e) => moved(`${e.model} at its defaults`, `"model": "${e.model}"`, e, reports.find((x) => x.model === e.model && !x.checkAll)!));
  for (const e of pinned.checkAll) {
    const got = reports.find((x) => x.model === e.model && x.checkAll && runKey(x.checkAll.params) === e.checkAll);
    if (!got) diffs.push(`${e.model} ${e.checkAll}: pinned but check-all made no such run`);
    else diffs.push(...moved(`${e.model} with ${e.checkAll} (check-all)`, `"checkAll": "${e.checkAll}"`, e, got));
  }
  assert.equal(diffs, [], diffs.join('\n') + HOW);
});

const all = process.env.PVCHECK_PINNED === 'all';
// The runs go one after another in one child process (test/support/cliRows.ts: bin/pvcheck.mjs's hooks, then
// cli/main.ts main(ARGS) per run; a process per run until session 33, ~0.35 s of CPU each before its search).
test('the runs whose figures the README states', async () => {
  if (!builtinsRun('the README\'s runs')) return;
  const runs = pinned.runs.filter((x) => all || !x.slow);
  if (runs.length < pinned.runs.length)
    console.log(`  pinned: left out ${pinned.runs.filter((x) => x.slow).map((x) => x.id).join(', ')} (slow; PVCHECK_PINNED=all runs them, as CI does)`);
  const diffs: string[] = [];
  const results = await tidyRootAsync(() => Promise.all(cliRows(runs.map((run) => [...run.args, '--json', '-q']))));
  for (const [i, run] of runs.entries()) {
    const r = results[i]!;
    assert.ok(r.code === 0 || r.code === 1, `${run.id}: exit ${r.code}: ${r.stderr.slice(-1000)}`);
    diffs.push(...moved(`${run.id} (pvcheck ${run.args.join(' ')})`, `"id": "${run.id}"`, run, JSON.parse(r.stdout) as Report));
  }
  assert.equal(diffs, [], diffs.join('\n') + HOW);
});

test('npm run bench -- --repeat 1 --points 4x16: exits 0 and measures ring-spec.md §11\'s 4x16 graph', () => {
  if (!builtinsRun('the bench at 4x16')) return;
  const r = spawnSync('npm', ['run', 'bench', '--silent', '--', '--repeat', '1', '--points', '4x16'], { cwd: root, encoding: 'utf8' });
  assert.is(r.status, 0, `bench exited ${r.status}: ${r.stderr.slice(-2000)}`);
  // a fixed-width table: read the columns by the header's positions (the tool column has spaces)
  const lines = r.stdout.split('\n');
  const header = lines.find((l) => /^point\s/.test(l));
  const row = lines.find((l) => /^4x16\s/.test(l) && !/\b(SPIN|Rumur)\b/.test(l));
  assert.ok(header && row, `no header or pvcheck 4x16 row in:\n${r.stdout}`);
  const names = header!.trim().split(/\s{2,}/);
  const col = (name: string): string => {
    const i = names.indexOf(name);
    assert.ok(i >= 0, `no column ${name} in: ${header}`);
    const start = header!.indexOf(name);
    const end = i + 1 < names.length ? header!.indexOf(names[i + 1]!, start + name.length) : undefined;
    return row!.slice(start, end).trim();
  };
  const [states, edges, seconds] = [col('states'), col('edges'), col('seconds')];
  const g = gridPoint(4, 16);
  assert.equal([Number(states), Number(edges)], [g.states, g.edges], row);
  assert.ok(Number(seconds) > 0, row);
});

// --- the examples, against their own headers, as `pvcheck catalogue` reads them

const slowTests = process.env.PVCHECK_SLOW_TESTS === '1';

/**
 * Whether test/workers*.test.ts check this example line against its header
 * (test/support/workerCases.ts compareCases, on one thread, before comparing
 * it with 3 workers): every line the workers take, of a flat layout always
 * (test/workers.test.ts), of a shape with the slow tests (shapesExamplesA/B).
 * Each line then runs on one thread once per run of the suite.
 */
const checkedByWorkers = (sys: System<unknown>, opt: CheckOptions<unknown>): boolean =>
  parallelReason(sys, opt) === undefined && (sys.shape === undefined || slowTests);

/** An example row of the test below: a check line against its header, or a fixed-by row (expect ok). */
interface Row { what: string; model: Model<unknown, unknown>; params: unknown; line: CheckLine; expect: string; key: string }

/**
 * The rows that search the same space, once: same model (built-in name or
 * resolved file), same resolved parameters, same state and depth bounds. The
 * invariants and the deadlock check do not change which states a search
 * reaches, only whether it stops early (properties/bind.ts), so one search
 * with the union of the rows' invariants (every invariant when one row names
 * none) and the deadlock check when any row asks for it ending `ok` proves
 * each row `ok`. Any other result: each row of the group is searched alone,
 * so a failure names its row and result exactly as before.
 */
function fixedByGroups(rows: readonly Row[]): Row[][] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) groups.set(r.key, [...(groups.get(r.key) ?? []), r]);
  return [...groups.values()];
}
const union = (g: readonly Row[]): CheckLine => ({
  ...g[0]!.line,
  ...(g.some((r) => r.line.invariants === undefined) ? { invariants: undefined } : { invariants: [...new Set(g.flatMap((r) => r.line.invariants!))] }),
  checkDeadlock: g.some((r) => r.line.checkDeadlock),
});

/** The result `pvcheck check` reports for a row's model, parameters and line (a quotient's counterexample unfolded into the faithful model's, cli/refine.ts). */
function resultOfLine(model: Model<unknown, unknown>, params: unknown, line: CheckLine): string {
  const sys = bind(model, params, line.invariants ? { invariants: line.invariants } : {});
  if (E.isLeft(sys)) return `not bound: ${sys.left}`;
  const opt = { checkDeadlock: line.checkDeadlock, ...(line.maxStates !== undefined ? { maxStates: line.maxStates } : {}), ...(line.maxDepth !== undefined ? { maxDepth: line.maxDepth } : {}) };
  return resultOf(refineResult(model, params as object, check(sys.right, opt)));
}

test('every example gives the result its header declares (counterexample lengths included), and its fixed-by model verifies', async () => {
  const diffs: string[] = [];
  let checked = 0, byWorkers = 0;
  const fixedByRows: Row[] = [];
  for (const f of examples) {
    const file = join(root, 'examples', f);
    const h = readHeader(file);
    assert.ok(E.isRight(h), E.isLeft(h) ? h.left : '');
    const { checks, fixedBy: fb } = (h as E.Right<Header>).right;
    const model = await loadModel(file);
    const rows = checks.map((c) => ({ what: `check examples/${f} ${c.args.join(' ')}`, source: file, model, lists: [c.args], expect: c.expect, example: true }));
    if (fb) {
      const source = fixedByModel(file, fb.model);
      rows.push({ what: `examples/${f}: fixed-by ${[fb.model, ...fb.args].join(' ')}`, source, model: await loadModel(source), lists: [checks[0]!.args, fb.args], expect: 'ok', example: false });
    }
    for (const r of rows) {
      const line = checkLine(r.lists, propertyNames(r.model));
      const p = resolveParams(r.model.params, line.params);
      assert.ok(E.isRight(p), `${r.what}: ${E.isLeft(p) ? p.left : ''}`);
      const params = (p as E.Right<unknown>).right;
      if (!r.example) {
        assert.is(r.expect, 'ok');
        const key = JSON.stringify([r.source, params, line.maxStates ?? null, line.maxDepth ?? null]);
        fixedByRows.push({ what: r.what, model: r.model, params, line, expect: r.expect, key });
        continue;
      }
      const sys = bind(r.model, params, line.invariants ? { invariants: line.invariants } : {});
      assert.ok(E.isRight(sys), `${r.what}: ${E.isLeft(sys) ? sys.left : ''}`);
      const s = (sys as E.Right<System<unknown>>).right;
      const opt = { checkDeadlock: line.checkDeadlock, ...(line.maxStates !== undefined ? { maxStates: line.maxStates } : {}), ...(line.maxDepth !== undefined ? { maxDepth: line.maxDepth } : {}) };
      if (checkedByWorkers(s, opt)) { byWorkers++; continue; }
      const got = resultOfLine(r.model, params, line);
      checked++;
      if (got !== r.expect) diffs.push(`${r.what}: @pvcheck expect ${r.expect}, computed ${got}`);
    }
  }
  // the fixed-by rows: one search per space (fixedByGroups); a group that is not `ok` as a whole is searched row by row
  const groups = fixedByGroups(fixedByRows);
  let searches = 0;
  for (const g of groups) {
    searches++;
    if (g.length > 1 && resultOfLine(g[0]!.model, g[0]!.params, union(g)) === 'ok') continue;
    for (const r of g) {
      if (g.length > 1) searches++;
      const got = resultOfLine(r.model, r.params, r.line);
      if (got !== r.expect) diffs.push(`${r.what}: the fixed model should verify (ok), computed ${got}`);
    }
  }
  console.log(`  examples: ${checked} check lines here, ${byWorkers} in test/workers*.test.ts; ${fixedByRows.length} fixed-by rows in ${searches} searches`);
  assert.ok(checked + byWorkers >= examples.length, `${checked + byWorkers} checks for ${examples.length} examples`);
  if (chosen) console.log(`  examples: those PVCHECK_EXAMPLES names: ${examples.join(', ') || 'none'}`);
  else {
    assert.ok(fixedByRows.length >= 10, `${fixedByRows.length} fixed-by rows`);
    assert.ok(groups.length >= 10 && groups.length < fixedByRows.length, `${groups.length} distinct fixed-by spaces for ${fixedByRows.length} rows`);
  }
  assert.equal(diffs, [], diffs.join('\n') +
    `\nIf your change moves an example's result on purpose, update its @pvcheck expect line in the same commit and say why in the commit; if not, it is a regression (docs/examples.md).`);
});

test.run();
