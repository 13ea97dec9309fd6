/**
 * Benchmark of the generic (nested-state, immer) path of the checker.
 *
 * One run, in this process, printed as one JSON line:
 *   node --import ./bin/register.mjs bench/nested.ts run CASE [ROOT]
 * ROOT (default: this checkout) is the checkout whose checker and models are
 * loaded, so the same script times an older tree (e.g. `git archive` of the
 * commit before a change, unpacked in /tmp/base with node_modules linked).
 *
 * Interleaved comparison, each run a fresh process, medians per case:
 *   node --import ./bin/register.mjs bench/nested.ts compare --repeat 3 [--base DIR] [--cases a,b]
 * runs base, this tree, base, this tree, ... so that both see the same noise
 * on a shared machine, and prints states/edges/depth (equal unless the model
 * itself changed between the trees), median seconds and states per second, the
 * ratio of states per second this/base, and bytes per state (search
 * structures and RSS growth).
 *
 * `--same-models` (on `run` and `compare`): ROOT's checker (its
 * checker/explore.ts `check`) runs THIS tree's models, parameters and bind,
 * so that the engine alone is compared on identical models, states and
 * edges (the models grew since f6f19a3; its checker takes today's systems):
 *   node --import ./bin/register.mjs bench/nested.ts compare --same-models --base /tmp/nested/f6f19a3 --cases xenbus4,ring-weak
 *
 * Each run sets V8's inlining budget as ROOT's `pvcheck check` would for the
 * case's model (ROOT's cli/inlining.ts, since 2026-12-06; none in older
 * trees), so that the bench times what a user of either tree runs;
 * PVCHECK_V8_INLINE=0/1 forces it in this tree's runs.
 *
 * `--workers N|default` (on `run` and `compare`): the search as `pvcheck check` runs it (cli/check.ts
 * `runSearch`) with N worker threads, or with none given (`default`: one thread for the first second,
 * then the machine's free cores if the work left pays for them, the hand-over); a tree without
 * workers (checker/parallel.ts: f6f19a3 and older) runs its one thread, and the run says how many ran
 * (`workers`, and the CLI's reason). Without the option: the single-threaded `check` of every tree.
 * CPU seconds are the process's, every thread's (workers and compiler threads) included.
 * `--wall` (on `compare`): a second table, states per wall-clock second and per CPU second of each tree
 * and both ratios side by side (issue 11 asks for states/s; users run the default workers), and beside the wall
 * ratio each tree's edges per state and the ratio of edges per wall second (WALL_HEADER: grant's model changed since
 * f6f19a3, so its states/s ratio compares different work per state; both are shown):
 *   node --import ./bin/register.mjs bench/nested.ts compare --repeat 3 --base /tmp/nested/f6f19a3 --cases xenbus4,xenbus5,ring-weak --workers default --wall
 *
 * `--control CASES|all|none` (on `compare`): a control, the noise floor of the run beside each figure. In each
 * round a controlled case runs this tree a second time, beside this tree's run (base, this, control, base,
 * control, this, ...: each first as often), and the table prints the control's ratio to this tree's runs as the figures' ratios are
 * computed (median over median), with the lowest and highest ratio of a round's pair: an unchanged tree
 * against itself, so a figure within that spread is the machine's, not the change's. Default: the cases
 * of issue 11 and the grant cases among those run (ring-weak*, xenbusN*, grant*: CONTROLLED says why); `all`
 * every case, `none` no control (faster). The table's first line names the cases controlled:
 *   node --import ./bin/register.mjs bench/nested.ts compare --repeat 5 --base /tmp/nested/84296c4 --cases ring-weak,xenbus4 --wall
 *
 * `--quiet` (on `compare`): the comparison in a session of its own at autogroup niceness -19 (bench/quiet.ts, which
 * `npm run bench -- --quiet` shares: why a session and not `nice`, what it costs the machine's other sessions);
 * the table's first line says what was set, and where it cannot be, one line on stderr says so and the runs
 * share the machine as without it:
 *   node --import ./bin/register.mjs bench/nested.ts compare --quiet --repeat 5 --base /tmp/nested/f6f19a3 --cases ring-weak --wall
 *
 * `-p NAME=VALUE` (on `run`, repeatable): the case at other parameters, its own overridden one by one (the
 * JSON line's `params` are those the search ran at), so that the bench's mechanics are tried on a small space
 * (test/benchNested); a figure is a case's own parameters, so `compare` takes none:
 *   node --import ./bin/register.mjs bench/nested.ts run ring-weak-flat -p ringSize=1 -p messages=1
 *
 * PVCHECK_BENCH_IMMER=1 runs the generic path through immer's produce
 * (CheckOptions.immer) instead of copyStep, to see what the step function costs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { paramPairs } from '../cli/args.js';
import { UsageError } from '../cli/errors.js';
import { quietNote, quietSession } from './quiet.js';

const HERE = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const CASES: Readonly<
  Record<
    string,
    {
      model: string;
      params: Record<string, string>;
      maxStates?: number;
      leaveOut?: readonly string[];
      noDeadlock?: boolean;
      /**
       * A word-level version of `model` at these parameters, `FILE#EXPORT` under ROOT: run where ROOT has the
       * file (its parameters are `model`'s), `model` itself where it has not (an older tree), so that against
       * a base before it the case compares the flat model with the base's nested one (issue 11).
       */
      flat?: string;
      /** `--workers`: the CLI's search with `nested` (`pvcheck check --nested`: the model itself, never its fast path, cli/fastPath.ts). */
      nested?: boolean;
    }
  >
> = {
  /**
   * The grant cases pin handles=2, grant's default until session 26 (the defaults helper raises it): a raised
   * default must not change the space a case compares across trees. Every grant case leaves out G19 (as
   * grant22-noG19 below): on a tree that has it (fc324f9 on) it stops the search after 24,506 states, so that a
   * prefix named 150k was 24,506 states here and 150,000 on f6f19a3 (blkif, session 34). `grant22`, the whole
   * space with every invariant, is retired for that reason (RETIRED).
   */
  /**
   * grant refs=1 pages=1, the whole space (f6f19a3's defaults: 5,207 states there, 3,680 since grant folds a
   * hostile domain's writes): the small grant space pinned, where `grant` (retired) ran each tree's own defaults.
   */
  grant11: { model: 'grant', params: { refs: '1', pages: '1', handles: '2' }, leaveOut: ['G19_readonly_grant_stays_readonly'] },
  /**
   * The first 150,000 states of grant refs=2 pages=2 in BFS order: the same states on two trees with the same model;
   * against f6f19a3 (another model: 718,239 states in the whole space there, 209,919 here) a prefix of each tree's own.
   */
  'grant22-150k': { model: 'grant', params: { refs: '2', pages: '2', handles: '2' }, maxStates: 150_000, leaveOut: ['G19_readonly_grant_stays_readonly'] },
  /** The first 600,000 states of the same (long enough that start-up and compilation are a small part). */
  'grant22-600k': { model: 'grant', params: { refs: '2', pages: '2', handles: '2' }, maxStates: 600_000, leaveOut: ['G19_readonly_grant_stays_readonly'] },
  /**
   * The whole space of the same, with the declared finding G19 left out as
   * check-all's second grant row leaves it out (every other invariant and
   * deadlock): at defaults G19 stops the search in 8 steps. A tree without G19
   * (before fc324f9) checks every invariant it has.
   */
  'grant22-noG19': { model: 'grant', params: { refs: '2', pages: '2', handles: '2' }, leaveOut: ['G19_readonly_grant_stays_readonly'] },
  'ring-weak': { model: 'ring', params: { memory: 'weak', frontend: 'hostile', ringSize: '2', messages: '3' } },
  /**
   * ring-weak on the word-level model (model/ringWeakFlat.ts, the flat path; test/ringWeakFlat.test.ts: the same
   * states as ring's), and ring-weak itself on a tree without it: `compare --base /tmp/nested/f6f19a3 --cases
   * ring-weak,ring-weak-flat` gives the flat model's states/s over f6f19a3's nested ones (issue 11).
   */
  'ring-weak-flat': { model: 'ring', params: { memory: 'weak', frontend: 'hostile', ringSize: '2', messages: '3' }, flat: 'model/ringWeakFlat.ts#ringWeakFlat' },
  /**
   * ring-weak on ring itself whatever the tree: with `--workers` a tree with fast paths (cli/fastPath.ts) runs
   * `ring-weak` and `ring-weak-flat` as `pvcheck check ring` runs them, on the word-level model (each run names
   * it), and this one as `check --nested`, the nested figure; without `--workers` it is `ring-weak`.
   */
  'ring-weak-nested': { model: 'ring', params: { memory: 'weak', frontend: 'hostile', ringSize: '2', messages: '3' }, nested: true },
  /** The smallest xenbus (events=1: 2,103 states, a second's run): the bench's mechanics tried quickly (test/benchNested), no figure. */
  'xenbus-small': { model: 'xenbus', params: { events: '1', guestClose: '1', reconnect: '1' } },
  /** xenbus at its defaults until 2026-12-06 (events=3, one close and one rebind; session 26 raised them to 4, 2, 2). */
  xenbus: { model: 'xenbus', params: { events: '3', guestClose: '1', reconnect: '1' } },
  /**
   * xenbus at events=4 (118,985 states) and 5 (194,798), the whole space: deadlock and the goal X8 left
   * out on both trees (by name and CheckOptions.checkDeadlock, which every tree since f6f19a3 takes), so
   * that the work compared is the same whatever either tree's valid ends say (session 18: a valid-end
   * finding at the defaults stops `check xenbus` in 10 steps). One close and one rebind, as every tree
   * before session 26 had them by default (f6f19a3 included), so that the space is the same.
   */
  xenbus4: { model: 'xenbus', params: { events: '4', guestClose: '1', reconnect: '1' }, leaveOut: ['X8_recoverable'], noDeadlock: true },
  xenbus5: { model: 'xenbus', params: { events: '5', guestClose: '1', reconnect: '1' }, leaveOut: ['X8_recoverable'], noDeadlock: true },
  /**
   * xenbus4 and xenbus5 on the word-level model (model/xenbusFlat.ts, the flat path; test/xenbusFlat.test.ts: the same
   * states as xenbus's), and xenbus itself on a tree without it: `compare --base /tmp/nested/f6f19a3 --cases
   * xenbus4,xenbus4-flat` gives the flat model's states/s over f6f19a3's nested ones (issue 11); xenbus6-flat: a
   * larger point (events=6), where the search's fixed cost weighs less.
   */
  'xenbus4-flat': { model: 'xenbus', params: { events: '4', guestClose: '1', reconnect: '1' }, leaveOut: ['X8_recoverable'], noDeadlock: true, flat: 'model/xenbusFlat.ts#xenbusFlat' },
  'xenbus5-flat': { model: 'xenbus', params: { events: '5', guestClose: '1', reconnect: '1' }, leaveOut: ['X8_recoverable'], noDeadlock: true, flat: 'model/xenbusFlat.ts#xenbusFlat' },
  xenbus6: { model: 'xenbus', params: { events: '6', guestClose: '1', reconnect: '1' }, leaveOut: ['X8_recoverable'], noDeadlock: true },
  'xenbus6-flat': { model: 'xenbus', params: { events: '6', guestClose: '1', reconnect: '1' }, leaveOut: ['X8_recoverable'], noDeadlock: true, flat: 'model/xenbusFlat.ts#xenbusFlat' },
  /**
   * xenbus4, xenbus5, xenbus6 on xenbus itself whatever the tree: with `--workers` a tree with fast paths (cli/fastPath.ts)
   * runs xenbusN and xenbusN-flat as `pvcheck check xenbus` runs them, on the word-level model (each run names it), and
   * these as `check --nested`, the nested figure; without `--workers` they are xenbusN.
   */
  'xenbus4-nested': { model: 'xenbus', params: { events: '4', guestClose: '1', reconnect: '1' }, leaveOut: ['X8_recoverable'], noDeadlock: true, nested: true },
  'xenbus5-nested': { model: 'xenbus', params: { events: '5', guestClose: '1', reconnect: '1' }, leaveOut: ['X8_recoverable'], noDeadlock: true, nested: true },
  'xenbus6-nested': { model: 'xenbus', params: { events: '6', guestClose: '1', reconnect: '1' }, leaveOut: ['X8_recoverable'], noDeadlock: true, nested: true },
  'ring-tso': { model: 'ring', params: { memory: 'tso', frontend: 'hostile', ringSize: '2', messages: '3' } },
  'ring-pair': { model: 'ring', params: { rings: 'pair', ringSize: '1', messages: '2' } },
  /** netif-tx at its defaults (packets=3: 137,828 states); packed since 2026-12-05 (its shape), the reference path before. */
  'netif-tx': { model: 'netif-tx', params: {} },
};

/**
 * Case names no longer run, each with the line that says why and what to run instead: a script that names one is
 * refused (`run`, `compare --cases`, `npm run bench -- --nested-cases`) with that hint, not with the bare list of
 * cases (blkif, session 35). grant22: grant refs=2 pages=2 with every invariant stopped at the G19 finding after
 * 24,506 states (100,692 edges, 8 steps) on a tree that has G19 (fc324f9 on) and ran the whole space on one
 * without it (f6f19a3): one name, two different measures, neither the space's speed on today's tree. grant: grant
 * at each tree's defaults, which grew from refs=1 pages=1 to refs=2 pages=2 (another space, 40 times the states).
 */
export const RETIRED: Readonly<Record<string, string>> = {
  grant:
    "retired (it ran each tree's own defaults: refs=1 pages=1 on f6f19a3, 5,207 states; refs=2 pages=2 since, 209,919): " +
    'grant11 pins refs=1 pages=1, grant22-noG19 is refs=2 pages=2',
  grant22:
    'retired (it stopped at the G19 finding after 24,506 states on a tree with G19, fc324f9 on, and ran the whole space on one without it): ' +
    'grant22-noG19 is the whole 2x2 space with G19 left out, grant22-150k and grant22-600k its first states',
};

/**
 * Why `name` is not a case `flag` takes (`--cases`, `--nested-cases`, `run`): a retired name's hint, or the cases
 * known; undefined for a case of CASES.
 */
export function caseRefusal(name: string, flag: string): string | undefined {
  if (Object.hasOwn(CASES, name)) return undefined;
  if (Object.hasOwn(RETIRED, name)) return `${flag}: case '${name}' is ${RETIRED[name]}`;
  return `${flag}: unknown case '${name}' (cases: ${Object.keys(CASES).join(', ')})`;
}

export interface RunResult {
  case: string;
  /** The model run (a case's word-level model where the tree has it, `ring-weak-flat`, else its nested one). */
  model: string;
  outcome: string;
  states: number;
  edges: number;
  depth: number;
  seconds: number;
  /** User + system CPU seconds of the process during the search (less disturbed by other processes than wall time). */
  cpuSeconds: number;
  bytesPerState: number;
  rssPerState: number;
  /** The worker threads that ran the search (1: one thread), and why, as the CLI says it (`--workers`). */
  workers: number;
  workersWhy?: string;
  /** The parameters the search ran at (the case's, or as `-p` overrode them). */
  params: Record<string, unknown>;
}

/**
 * `--workers`: a count of worker threads (1 to 1024, as `pvcheck check --workers` takes them) or `default`
 * (none given to the CLI); undefined if the option is absent. Anything else: one line and exit 2.
 */
export function workersArg(args: readonly string[]): string | undefined {
  const i = args.indexOf('--workers');
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === 'default') return v;
  if (v === undefined || !/^\d+$/.test(v) || /^0+$/.test(v) || Number(v) > 1024)
    throw new BadArg(`--workers expects a number of worker threads from 1 to 1024 or 'default', got ${v === undefined ? 'nothing' : `'${v}'`}`);
  return String(Number(v));
}

/**
 * The cases `compare` controls by default (`--control`): issue 11's (ring-weak*, xenbusN*), whose figures are read
 * to a few percent, and the grant cases (session 34: grant22-noG19 read 1.21x against a base in session 33's bench
 * with no control to tell the machine's noise from the change's). A control costs one more run of this tree a
 * round: grant22-noG19 is no longer long (209,919 states since grant folds a hostile domain's writes,
 * docs/performance.md "2x2 whole space": ~4 s CPU; 990 s is f6f19a3's own run, the base's, which a control does
 * not repeat; docs/perf/2026-12-07h-blkif.md), nor are the others (each leaves G19 out and stops at 150,000
 * or 600,000 states, or runs grant at its defaults), so every grant case gets one by default. The table's first line names the cases controlled.
 */
export const CONTROLLED = /^(ring-weak|xenbus\d|grant)/;

/**
 * `--control CASES|all|none`: the cases of `cases` that get a control run each round (this tree again); without
 * the option those matching CONTROLLED. A case not among `cases`: one line and exit 2.
 */
export function controlArg(args: readonly string[], cases: readonly string[]): Set<string> {
  const i = args.indexOf('--control');
  if (i < 0) return new Set(cases.filter((c) => CONTROLLED.test(c)));
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new BadArg(`--control expects case names, 'all' or 'none', got ${v === undefined ? 'nothing' : `'${v}'`}`);
  if (v === 'none') return new Set();
  if (v === 'all') return new Set(cases);
  const named = v.split(',');
  for (const c of named) if (!cases.includes(c)) throw new BadArg(`--control: '${c}' is not a case run here (cases run: ${cases.join(', ')})`);
  return new Set(named);
}

/** The table's first line's words on the control: the cases controlled, and whether by default (`--control` absent). */
export const controlNote = (controlled: ReadonlySet<string>, given: boolean): string =>
  `${controlled.size ? `control: ${[...controlled].join(', ')}` : 'no control'} (${given ? '--control' : 'by default: ring-weak*, xenbusN*, grant*; --control CASES|all|none'})`;

/**
 * A control's cell: median over median of `rate` (the control's runs over this tree's, as a figure's ratio is
 * computed), then the lowest and highest ratio of one round's pair; '' without a control.
 */
export function controlCell(control: readonly RunResult[], runs: readonly RunResult[], rate: (r: RunResult) => number): string {
  if (!control.length) return '';
  const pairs = control.map((r, i) => rate(r) / rate(runs[i]!));
  return `${(median(control.map(rate)) / median(runs.map(rate))).toFixed(2)} (${Math.min(...pairs).toFixed(2)}-${Math.max(...pairs).toFixed(2)})`;
}

/** Bad input on the command line: one line on stderr, exit 2. */
class BadArg extends Error {}

/**
 * `-p NAME=VALUE`, each: the overrides of a case's parameters (`run`); none: {}. Parsed as the CLI parses
 * `--param` (cli/args.ts paramPairs: a pair without `=` or a name given twice refused); a refusal is one line
 * and exit 2 (a name or value the model refuses: resolveParams' line).
 */
export function paramsArg(args: readonly string[]): Record<string, string> {
  const pairs: string[] = [];
  args.forEach((a, i) => {
    if (a !== '-p') return;
    if (args[i + 1] === undefined) throw new BadArg('-p expects name=value, got nothing');
    pairs.push(args[i + 1]!);
  });
  try {
    return paramPairs(pairs, '-p');
  } catch (e) {
    throw e instanceof UsageError ? new BadArg(e.message) : e;
  }
}

/**
 * One run of case `name` with ROOT's checker; its models, parameters and bind from ROOT too, or from this tree (`sameModels`);
 * `params` override the case's own (`run -p`).
 */
async function runOne(name: string, root: string, sameModels = false, workers?: string, params: Record<string, string> = {}): Promise<RunResult> {
  const refused = caseRefusal(name, 'run');
  if (refused) throw new BadArg(refused);
  const c = CASES[name]!;
  const imp = (p: string, from = root) => import(pathToFileURL(join(from, p)).href);
  const models = sameModels ? HERE : root;
  const { findModel } = await imp('model/registry.ts', models);
  const { resolveParams } = await imp('model/params.ts', models);
  const { bind } = await imp('properties/bind.ts', models);
  const { check } = await imp('checker/explore.ts');
  const [flatFile, flatExport] = c.flat?.split('#') ?? [];
  // with --workers in a tree with fast paths the CLI's runSearch runs `c.model` on its word-level model, which the workers can load
  const viaCli = workers !== undefined && !sameModels && existsSync(join(root, 'checker/parallel.ts'));
  const fastPaths = viaCli && existsSync(join(root, 'cli/fastPath.ts'));
  const m = flatFile && !fastPaths && existsSync(join(models, flatFile)) ? (await imp(flatFile, models))[flatExport!] : findModel(c.model);
  const p = resolveParams(m.params, { ...c.params, ...params });
  if (p._tag === 'Left') throw new BadArg(`${name}: ${p.left}`);
  // leaveOut: every invariant and goal but these (bind's `invariants`); deadlock checked unless noDeadlock
  const names: string[] = [...m.invariants, ...(m.goals ?? [])].map((x: { name: string }) => x.name);
  const sys = bind(m, p.right, c.leaveOut ? { invariants: names.filter((n) => !c.leaveOut!.includes(n)) } : {});
  if (sys._tag === 'Left') throw new Error(sys.left);
  // V8's inlining budget as ROOT's CLI sets it for this model (cli/inlining.ts; a tree without it: V8's default)
  if (existsSync(join(root, 'cli/inlining.ts'))) (await imp('cli/inlining.ts')).setInlining(m);
  // as `pvcheck check` runs it (workers): ROOT's runSearch, where ROOT has workers and its own models run
  const cli = viaCli ? await imp('cli/check.ts') : undefined;
  const rss0 = process.memoryUsage().rss;
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const r = cli
    ? await cli.runSearch(m, p.right, {
        ...(c.leaveOut ? { invariants: names.filter((n) => !c.leaveOut!.includes(n)) } : {}),
        ...(c.maxStates ? { maxStates: c.maxStates } : {}),
        checkDeadlock: !c.noDeadlock,
        progress: false,
        ...(c.nested ? { nested: true } : {}),
        ...(workers !== 'default' ? { workers: Number(workers) } : {}),
      })
    : check(sys.right, {
        ...(process.env.PVCHECK_BENCH_IMMER ? { immer: true } : {}),
        ...(c.maxStates ? { maxStates: c.maxStates } : {}),
        ...(c.noDeadlock ? { checkDeadlock: false } : {}),
      });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c1 = process.cpuUsage(c0);
  const rss1 = process.memoryUsage().rss;
  return {
    case: name,
    model: r.fastPath ?? m.name,
    outcome: r.outcome,
    states: r.distinctStates,
    edges: r.edges,
    depth: r.depth,
    seconds,
    cpuSeconds: (c1.user + c1.system) / 1e6,
    bytesPerState: r.bytesPerState,
    rssPerState: (rss1 - rss0) / r.distinctStates,
    workers: cli ? (r.workers ?? 1) : 1,
    ...(cli && r.workersReason ? { workersWhy: r.workersReason } : {}),
    params: { ...p.right },
  };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
};

function spawnRun(name: string, root: string, sameModels: boolean, workers?: string): RunResult {
  const r = spawnSync(
    process.execPath,
    [
      '--max-old-space-size=4096', '--import', join(HERE, 'bin/register.mjs'), fileURLToPath(import.meta.url), 'run', name, root,
      ...(sameModels ? ['--same-models'] : []), ...(workers !== undefined ? ['--workers', workers] : []),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  if (r.status !== 0) throw new Error(`run ${name} in ${root} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as RunResult;
}

function compare(args: string[], quietAs?: string, checkOnly = false): void {
  const opt = (k: string) => {
    const i = args.indexOf(k);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const repeat = Number(opt('--repeat') ?? 3);
  if (args.includes('-p')) throw new BadArg("-p is run's only: compare's figures are each case at its own parameters");
  const base = opt('--base');
  const sameModels = args.includes('--same-models');
  const workers = workersArg(args);
  const cases = (opt('--cases') ?? Object.keys(CASES).join(',')).split(',');
  for (const c of cases) {
    const refused = caseRefusal(c, '--cases');
    if (refused) throw new BadArg(refused);
  }
  if (!(repeat >= 1 && Number.isInteger(repeat))) throw new BadArg(`--repeat expects a whole number of runs from 1, got '${opt('--repeat')}'`);
  const controlled = controlArg(args, cases);
  if (checkOnly) return;
  const wall: string[] = [];
  const roots = base ? [['base', resolve(base)], ['this', HERE]] : [['this', HERE]];
  const rows: string[] = [];
  for (const name of cases) {
    const runs: Record<string, RunResult[]> = { base: [], this: [], control: [] };
    // a controlled case: this tree once more each round, after its own run in even rounds and before it in odd ones
    const ctl = controlled.has(name);
    for (let i = 0; i < repeat; i++)
      for (const [tag, root] of ctl ? (i % 2 ? [...roots.slice(0, -1), ['control', HERE], roots.at(-1)!] : [...roots, ['control', HERE]]) : roots) {
        const r = spawnRun(name, root!, sameModels && tag === 'base', workers);
        runs[tag!]!.push(r);
        process.stderr.write(
          `${name} ${tag} #${i + 1}: ${r.seconds.toFixed(2)} s (${r.cpuSeconds.toFixed(2)} s CPU), ${r.states} states` +
            `${workers !== undefined ? `, ${r.workers} worker${r.workers === 1 ? '' : 's'}${r.workersWhy ? ` (${r.workersWhy})` : ''}` : ''}\n`,
        );
      }
    const t = runs.this![0]!;
    const same = [...runs.base!, ...runs.this!, ...runs.control!].every(
      (r) => r.states === t.states && r.edges === t.edges && r.depth === t.depth && r.outcome === t.outcome,
    );
    const cpuRate = (rs: RunResult[]) => median(rs.map((r) => r.states / r.cpuSeconds));
    const ratioCpu = base ? cpuRate(runs.this!) / cpuRate(runs.base!) : NaN;
    const mThis = median(runs.this!.map((r) => r.seconds));
    const mBase = runs.base!.length ? median(runs.base!.map((r) => r.seconds)) : NaN;
    rows.push(
      [
        name,
        t.outcome,
        t.states,
        t.edges,
        t.depth,
        same ? 'equal' : 'DIFFERENT',
        mBase.toFixed(2),
        mThis.toFixed(2),
        base ? median(runs.base!.map((r) => r.cpuSeconds)).toFixed(2) : '',
        median(runs.this!.map((r) => r.cpuSeconds)).toFixed(2),
        base ? Math.round(median(runs.base!.map((r) => r.states / r.seconds))).toString() : '',
        Math.round(median(runs.this!.map((r) => r.states / r.seconds))).toString(),
        (median(runs.this!.map((r) => r.states / r.seconds)) / median(runs.base!.map((r) => r.states / r.seconds))).toFixed(1),
        base ? median(runs.base!.map((r) => r.bytesPerState)).toFixed(1) : '',
        median(runs.this!.map((r) => r.bytesPerState)).toFixed(1),
        base ? median(runs.base!.map((r) => r.rssPerState)).toFixed(0) : '',
        median(runs.this!.map((r) => r.rssPerState)).toFixed(0),
        base ? ratioCpu.toFixed(1) : '',
        base ? workersOf(runs.base!) : '',
        workersOf(runs.this!),
        controlCell(runs.control!, runs.this!, (r) => r.states / r.seconds),
        controlCell(runs.control!, runs.this!, (r) => r.states / r.cpuSeconds),
      ].join(' | '),
    );
    wall.push(wallRow(name, runs.base!, runs.this!, runs.control!));
  }
  console.log(
    `median of ${repeat} runs (seconds of search, fresh process each, interleaved)${sameModels && base ? `; base: ${base}'s checker on this tree's models` : ''}` +
      `; ${controlNote(controlled, args.includes('--control'))}` +
      quietNote(quietAs),
  );
  console.log(
    'case | outcome | states | edges | depth | counts | base s | this s | base CPU s | this CPU s | base states/s | this states/s | states/s ratio | base B/state | this B/state | base RSS B/state | this RSS B/state | states/CPU s ratio | base workers | this workers | control states/s ratio | control states/CPU s ratio',
  );
  for (const r of rows) console.log(r);
  if (args.includes('--wall')) {
    console.log('');
    console.log(`states per second of wall clock and per CPU second (every thread of the process), medians of ${repeat}${workers !== undefined ? `; --workers ${workers}` : '; one thread'}`);
    console.log(WALL_HEADER);
    for (const r of wall) console.log(r);
    if (base) console.log(WALL_EDGES_NOTE);
  }
  if (controlled.size)
    console.log(
      `\ncontrol (${[...controlled].join(', ')}): this tree run again beside its own run each round (after it, then before it); its ratio to this tree's runs (median over median) and, in brackets, ` +
        `the lowest and highest of a round's pair: the noise floor of this run (a ratio within it is not the change's)`,
    );
}

/**
 * `compare --wall`'s table. Beside states per wall second (the wall ratio: issue 11's figure, unchanged) each tree's
 * edges per state and the ratio of edges per wall second: a model that changed between the trees (grant since
 * f6f19a3: handles, the reserved entry, v1/v2, hostile writes folded) may have more or fewer edges a state, so a
 * reader sees both what the issue asks (states/s) and the work behind each state counted (blkif, session 35:
 * against f6f19a3 grant22-150k went from 6.57 to 6.44 edges a state, xenbus4 from 4.48 to 4.09, ring-weak 2.59
 * to 2.60; docs/perf/2026-12-08-blkif.md).
 */
export const WALL_HEADER =
  'case | base workers | this workers | base states/s | this states/s | wall ratio | base edges/state | this edges/state | edges/s wall ratio | ' +
  'base states/CPU s | this states/CPU s | CPU ratio | control wall ratio | control CPU ratio';

/** The line under the --wall table against a base: what its edge columns are. */
export const WALL_EDGES_NOTE =
  'edges/state: each tree\'s edges (transitions explored) per distinct state; edges/s wall ratio: edges per wall second this/base (medians), ' +
  'beside the states/s one (issue 11\'s figure): where the model changed between the trees, a state is not the same work';

/**
 * One row of the --wall table (WALL_HEADER) from a case's runs: medians over the runs of each tree, ratios this/base
 * (median over median); the base's cells and the ratios empty without a base (`base` empty), the control's without
 * a control.
 */
export function wallRow(name: string, base: readonly RunResult[], runs: readonly RunResult[], control: readonly RunResult[]): string {
  const rate = (rs: readonly RunResult[], per: (r: RunResult) => number) => median(rs.map(per));
  const wall = (r: RunResult) => r.states / r.seconds;
  const cpu = (r: RunResult) => r.states / r.cpuSeconds;
  const edgesWall = (r: RunResult) => r.edges / r.seconds;
  const edgesPerState = (r: RunResult) => r.edges / r.states;
  const has = base.length > 0;
  return [
    name,
    has ? workersOf(base) : '',
    workersOf(runs),
    has ? Math.round(rate(base, wall)).toString() : '',
    Math.round(rate(runs, wall)).toString(),
    has ? (rate(runs, wall) / rate(base, wall)).toFixed(2) : '',
    has ? rate(base, edgesPerState).toFixed(2) : '',
    rate(runs, edgesPerState).toFixed(2),
    has ? (rate(runs, edgesWall) / rate(base, edgesWall)).toFixed(2) : '',
    has ? Math.round(rate(base, cpu)).toString() : '',
    Math.round(rate(runs, cpu)).toString(),
    has ? (rate(runs, cpu) / rate(base, cpu)).toFixed(2) : '',
    controlCell(control, runs, wall),
    controlCell(control, runs, cpu),
  ].join(' | ');
}

/** The worker counts of a case's runs, as run: `2` when every run had 2, `1,2,2` when the default chose differently. */
const workersOf = (rs: readonly RunResult[]): string => {
  const ns = rs.map((r) => r.workers);
  return ns.every((n) => n === ns[0]) ? String(ns[0]) : ns.join(',');
};

// a command only when run as a script: bench/bench.ts imports CASES (`npm run bench -- --nested REV`)
const [cmd, ...rest] = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url) ? process.argv.slice(2) : ['(imported)'];
if (cmd === '(imported)') {
  // imported as a module: nothing to run
} else
  try {
    if (cmd === 'run') {
      const workers = workersArg(rest);
      const params = paramsArg(rest);
      const wi = rest.indexOf('--workers');
      const pos = rest.filter((a, i) => a !== '--same-models' && a !== '-p' && rest[i - 1] !== '-p' && (wi < 0 || (i !== wi && i !== wi + 1)));
      if (pos[0] === undefined) throw new BadArg(`run expects a case (cases: ${Object.keys(CASES).join(', ')})`);
      const r = await runOne(pos[0], resolve(pos[1] ?? HERE), rest.includes('--same-models'), workers, params);
      process.stdout.write(JSON.stringify(r) + '\n');
    } else if (cmd === 'compare') {
      // the arguments are checked before a --quiet child is started (a bad one: one line, from this process)
      if (rest.includes('--quiet')) compare(rest, undefined, true);
      compare(rest, rest.includes('--quiet') ? await quietSession('bench/nested.ts') : undefined);
    }
    else {
      console.error('usage: bench/nested.ts run CASE [ROOT] [--same-models] [--workers N|default] [-p NAME=VALUE]... | compare [--repeat N] [--base DIR] [--cases a,b] [--same-models] [--workers N|default] [--wall] [--control CASES|all|none] [--quiet]');
      process.exitCode = 2;
    }
  } catch (e) {
    if (!(e instanceof BadArg)) throw e;
    process.stderr.write(`bench/nested.ts: ${e.message}\n`);
    process.exitCode = 2;
  }
