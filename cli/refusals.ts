/**
 * The refusals of bad input that need no model, for cli/main.ts to make
 * before it loads one: node starting and the TypeScript hooks cost ~0.1 s,
 * loading cli/check.ts and every built-in model another ~0.35 s CPU, which a
 * user paid on every typo (session 32). This module imports no model and
 * nothing that does (checker/memory.ts and checker/bitstate.ts only).
 *
 * Each function here is its command's first step, which the command (cli/
 * check.ts, cli/traceCommands.ts) starts with and cli/main.ts calls before
 * importing the command: the same one line either way. test/cliHardeningEarly
 * checks the order of check's refusals and, in a fresh process, that no
 * model/ file is loaded to make them. The scale-out modes' refusals (--partition, --swarm: their
 * member, folder, options they cannot be combined with; merge's DIR) are made here too (session 35):
 * until then a bad --partition loaded cli/check.ts, cli/scaleOut.ts and the model first.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DEFAULT_BITSTATE_BYTES, parseStoreSpec, type StoreSpec } from '../checker/bitstate.js';
import { WORKER_BYTES, defaultMemoryLimit, fmtBytes, parseSize } from '../checker/memory.js';
import { intOption, paramPairs, parse, sizeOption } from './args.js';
import { UsageError } from './errors.js';
import { isDir, writableDir } from './folders.js';

/**
 * The built-in models' names in model/registry.ts's order, without loading
 * them (`pvcheck list NAME`, `pvcheck check NAME`): test/cliHardeningEarly
 * fails when this list and the registry differ.
 */
export const BUILTIN_NAMES: readonly string[] = [
  'ring-notify',
  'limiter',
  'limiter-rx',
  'xenbus',
  'ring',
  'ring-api',
  'grant',
  'blkif',
  'netif-ctrl',
  'netif-tx',
  'netif-rx',
  'vif',
  'nc2',
  'nc2-packets',
  'nc2-bypass',
  'nc2-api',
];

/** A model file's path rather than a built-in's name. */
export const looksLikeFile = (s: string) => /[\\/]/.test(s) || /\.(c|m)?(t|j)s$/.test(s);

/** The refusal of a MODEL argument that is neither a built-in (`names`) nor a file. */
export const unknownModel = (arg: string, names: readonly string[]): string => `unknown model '${arg}' (built-in: ${names.join(', ')}; or give a .ts/.js file)`;

/** `pvcheck check`'s options. */
export const CHECK_OPTIONS = {
  param: { type: 'string', multiple: true, short: 'p' },
  invariant: { type: 'string', multiple: true, short: 'i' },
  'max-states': { type: 'string' },
  'max-depth': { type: 'string' },
  'max-memory': { type: 'string' },
  workers: { type: 'string', short: 'w' },
  'no-deadlock': { type: 'boolean' },
  nested: { type: 'boolean' },
  json: { type: 'boolean' },
  'trace-out': { type: 'string' },
  format: { type: 'string' },
  'dump-states': { type: 'string' },
  matrix: { type: 'string', multiple: true },
  witnesses: { type: 'string' },
  report: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  typecheck: { type: 'boolean' },
  store: { type: 'string' },
  partition: { type: 'string' },
  exchange: { type: 'string' },
  swarm: { type: 'string' },
  seed: { type: 'string' },
  time: { type: 'string' },
  out: { type: 'string' },
} as const;

/** `pvcheck check-all`'s options. */
export const CHECK_ALL_OPTIONS = { json: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' }, workers: { type: 'string', short: 'w' } } as const;

/** The most worker threads `--workers` starts. */
export const MAX_WORKERS = 1024;
/**
 * What a worker thread holds before any state, at least: its V8 isolate and
 * the model's code (checker/memory.ts WORKER_BYTES, 32 MiB: 17-20 MiB measured
 * for ring-notify, 28-34 for xenbus, session 22; 16 MiB until then). A model
 * whose module allocates as it loads holds more: the search measures its
 * first worker and stops as at the budget if the others do not fit
 * (checker/parallel.ts, session 23); `--workers` refuses only what cannot fit.
 */
export const WORKER_BASE_BYTES = WORKER_BYTES;

/**
 * `--workers N`: a whole number from 1 to {@link MAX_WORKERS} whose threads
 * fit in the memory budget (`budget`: --max-memory, else 3/4 of the
 * memory) before they hold a state. `--workers 9999` started threads until
 * V8 ran out of memory, a minute later, with its own fatal error.
 */
export function workersOption(v: string, budget: number): number {
  // one message for every value that is not a count of threads ('abc', '0', '2.5'; intOption's 'non-negative' would
  // suggest 0), and the cap's for a count too large to be a safe integer (intOption called 1e20 'not at least 1')
  if (!/^\d+$/.test(v) || /^0+$/.test(v)) throw new UsageError(`--workers expects a whole number of worker threads from 1 to ${MAX_WORKERS}, got '${v}'`);
  if (v.replace(/^0+/, '').length > String(MAX_WORKERS).length) throw new UsageError(`--workers ${v} is more worker threads than pvcheck starts (at most ${MAX_WORKERS})`);
  const n = intOption('workers', v, 1)!;
  if (n > MAX_WORKERS) throw new UsageError(`--workers ${n} is more worker threads than pvcheck starts (at most ${MAX_WORKERS})`);
  if (n * WORKER_BASE_BYTES > budget)
    throw new UsageError(`--workers ${n}: ${n} worker threads hold at least ${fmtBytes(n * WORKER_BASE_BYTES)} before any state (${fmtBytes(WORKER_BASE_BYTES)} each, more for a model that allocates as it loads), more than the memory budget of ${fmtBytes(budget)} (--max-memory, else 3/4 of the memory)`);
  return n;
}

/**
 * `--store KIND[:SIZE]` for a run whose memory budget is `budget` (--max-memory,
 * else 3/4 of the memory). A compact table or a bit array of a given size is
 * allocated at the start: one as large as the budget is refused in one line,
 * as a swarm member's is (cli/scaleOut.ts), instead of a search that stops
 * at its first states as INCOMPLETE (max-memory) (`--store bitstate:1G
 * --max-memory 100M` did, after 2,280 states). `bitstate` with no SIZE is
 * sized from the budget (checker/bitstate.ts autoBitstate). `compact` runs on
 * one thread (`--workers N` refused); `bitstate` on workers with `--workers N`.
 */
export function storeOption(v: string, workers: string | undefined, budget: number): StoreSpec | undefined {
  const spec = parseStoreSpec(v, parseSize);
  if (typeof spec === 'string') throw new UsageError(spec);
  if (spec.kind === 'full') return undefined;
  // a bit array runs on workers (checker/parallelWorker.ts bitsAtLevelStart); a compact table does not
  if (spec.kind === 'compact' && workers !== undefined && workers !== '1') throw new UsageError(`--store ${spec.kind} runs on one thread: drop --workers ${workers}`);
  if (!(spec.kind === 'bitstate' && spec.auto) && spec.bytes >= budget)
    throw new UsageError(`--store ${v}: the ${spec.kind === 'compact' ? 'table' : 'bit array'} of ${fmtBytes(spec.bytes)}${v.includes(':') ? '' : ' (the default)'} does not fit in the memory budget of ${fmtBytes(budget)} (--max-memory, else 3/4 of the memory): give a smaller SIZE or a larger --max-memory`);
  return spec;
}

/** `pvcheck check`'s input once {@link checkRefusals} took it: the options parsed, the MODEL, the values of the options read before the model is loaded. */
export interface CheckInput {
  readonly values: ReturnType<typeof parse<typeof CHECK_OPTIONS>>['values'];
  /** MODEL|FILE as given */
  readonly arg: string;
  /** --format (default json) */
  readonly format: 'json' | 'itf';
  /** -p name=value */
  readonly overrides: Record<string, string>;
  readonly maxMemory?: number;
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly workers?: number;
  /** --store (without --swarm, whose members take theirs in {@link swarmOf}); undefined for `full` */
  readonly store?: StoreSpec;
  /** --partition K/N --exchange DIR: the member and the folder (created if need be) */
  readonly partition?: PartitionInput;
  /** --swarm K/N --out DIR [--seed S] [--time T] [--store bitstate:SIZE] */
  readonly swarm?: SwarmInput;
}

/**
 * `pvcheck check ARGS`'s refusals that need no model, in this order: the
 * options, one MODEL, --format, --typecheck of a built-in's name, an unknown
 * built-in or a model file that does not exist (with --typecheck,
 * cli/check.ts typecheckFirst says what is wrong with the file), -p's
 * syntax, --max-memory, --max-states, --max-depth, --workers, --store,
 * --partition (and --exchange), --swarm (and --out, --seed, --time, its --store).
 * cli/check.ts checkCommand starts with it and loads the model after, so
 * a model file is loaded only once the options are taken (since session 32;
 * a file that did not load was named before a bad option).
 */
export function checkRefusals(argv: string[]): CheckInput {
  const { values, positionals } = parse(argv, CHECK_OPTIONS);
  if (positionals.length !== 1) throw new UsageError('usage: pvcheck check MODEL|FILE [--param name=value]... (see pvcheck help)');
  const format = values.format ?? 'json';
  if (format !== 'json' && format !== 'itf') throw new UsageError(`--format must be json or itf, got '${format}'`);
  const arg = positionals[0]!;
  if (!looksLikeFile(arg)) {
    if (values.typecheck) throw new UsageError(`--typecheck checks a model file; '${arg}' is a built-in model (type-checked by npm run typecheck)`);
    if (!BUILTIN_NAMES.includes(arg)) throw new UsageError(unknownModel(arg, BUILTIN_NAMES));
  } else if (!values.typecheck && !existsSync(resolve(arg))) throw new UsageError(`model file ${arg} does not exist`);
  const overrides = paramPairs(values.param);
  const maxMemory = values['max-memory'] !== undefined ? sizeOption('max-memory', values['max-memory']) : undefined;
  const maxStates = values['max-states'] !== undefined ? intOption('max-states', values['max-states'], 1) : undefined;
  const maxDepth = values['max-depth'] !== undefined ? intOption('max-depth', values['max-depth']) : undefined;
  const workers = values.workers !== undefined ? workersOption(values.workers, maxMemory ?? defaultMemoryLimit()) : undefined;
  const store = values.store !== undefined && values.swarm === undefined ? storeOption(values.store, values.workers, maxMemory ?? defaultMemoryLimit()) : undefined;
  const partition = values.partition !== undefined ? partitionOf(values) : undefined;
  const swarm = swarmOf(values);
  return {
    values,
    arg,
    format,
    overrides,
    ...(maxMemory !== undefined ? { maxMemory } : {}),
    ...(maxStates !== undefined ? { maxStates } : {}),
    ...(maxDepth !== undefined ? { maxDepth } : {}),
    ...(workers !== undefined ? { workers } : {}),
    ...(store !== undefined ? { store } : {}),
    ...(partition !== undefined ? { partition } : {}),
    ...(swarm !== undefined ? { swarm } : {}),
  };
}

/** Member K of N (1-based). */
export interface Membership {
  readonly member: number;
  readonly members: number;
}

/**
 * `K/N`, `N` (K from the scheduler) or `auto` (both from it). The scheduler's
 * index: JOB_COMPLETION_INDEX (Kubernetes, from 0), SLURM_ARRAY_TASK_ID
 * (Slurm, from SLURM_ARRAY_TASK_MIN); N: SLURM_ARRAY_TASK_COUNT.
 */
export function membership(flag: string, text: string, env: NodeJS.ProcessEnv = process.env): Membership {
  const m = /^(?:(\d+)\/)?(\d+|auto)$/.exec(text);
  if (!m) throw new UsageError(`${flag} expects K/N (member K of N, from 1), N or auto, got '${text}'`);
  let members: number;
  if (m[2] === 'auto') {
    if (m[1] !== undefined) throw new UsageError(`${flag} expects K/N, N or auto, got '${text}'`);
    const c = env.SLURM_ARRAY_TASK_COUNT;
    if (c === undefined || !/^\d+$/.test(c)) throw new UsageError(`${flag} auto: the number of members comes from SLURM_ARRAY_TASK_COUNT, which is not set (give ${flag} N)`);
    members = Number(c);
  } else members = Number(m[2]);
  let member: number;
  if (m[1] !== undefined) member = Number(m[1]);
  else if (env.JOB_COMPLETION_INDEX !== undefined && /^\d+$/.test(env.JOB_COMPLETION_INDEX)) member = Number(env.JOB_COMPLETION_INDEX) + 1;
  else if (env.SLURM_ARRAY_TASK_ID !== undefined && /^\d+$/.test(env.SLURM_ARRAY_TASK_ID)) {
    const min = env.SLURM_ARRAY_TASK_MIN !== undefined && /^\d+$/.test(env.SLURM_ARRAY_TASK_MIN) ? Number(env.SLURM_ARRAY_TASK_MIN) : 0;
    member = Number(env.SLURM_ARRAY_TASK_ID) - min + 1;
  } else throw new UsageError(`${flag} ${text}: which member this is comes from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID, neither is set (give ${flag} K/N)`);
  if (members < 1 || members > 4096) throw new UsageError(`${flag}: the number of members must be between 1 and 4096, got ${members}`);
  if (member < 1 || member > members) throw new UsageError(`${flag}: member ${member} is out of range 1..${members}`);
  return { member, members };
}

/** A shared folder option: created if its parent exists, writable. */
export function sharedDir(flag: string, dir: string | undefined, mode: string): string {
  if (dir === undefined || dir === '') throw new UsageError(`${mode} needs ${flag} DIR (a folder every member sees)`);
  if (!isDir(dir)) {
    if (!isDir(dirname(dir))) throw new UsageError(`${flag} ${dir}: no such folder (nor its parent)`);
    try {
      mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !isDir(dir)) throw new UsageError(`${flag} ${dir}: cannot create the folder`);
    }
  }
  if (!writableDir(dir)) throw new UsageError(`${flag} ${dir}: the folder is not writable`);
  return dir;
}

/** Options of `check` that a scale-out mode cannot honour (each names the reason). */
export function refuseWith(mode: string, given: Record<string, unknown>, names: readonly string[]): void {
  const bad = names.find((n) => given[n] !== undefined && given[n] !== false);
  if (bad) throw new UsageError(`${mode} cannot be combined with --${bad}`);
}

/** `--time 10m`: milliseconds (ms, s, m, h; seconds without a unit). */
export function durationOption(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text);
  if (!m) throw new UsageError(`--time expects a duration such as 90s, 10m or 2h, got '${text}'`);
  const ms = Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  if (!(ms > 0)) throw new UsageError(`--time must be positive, got '${text}'`);
  return ms;
}

/** `--partition K/N --exchange DIR` once taken. */
export interface PartitionInput {
  readonly who: Membership;
  readonly dir: string;
}

/** `--swarm K/N --out DIR ...` once taken: the member, the folder, the search's seed, time and bit array. */
export interface SwarmInput {
  readonly who: Membership;
  readonly dir: string;
  readonly o: { readonly seed: number; readonly timeMs?: number; readonly bitstateBytes: number };
}

/** `--partition K/N --exchange DIR` (cli/scaleOut.ts, checker/partition.ts): the member and the folder, after refusing what it cannot combine with. */
function partitionOf(values: Record<string, unknown>): PartitionInput {
  refuseWith('--partition', values, ['max-states', 'max-depth', 'dump-states', 'workers', 'store', 'matrix', 'witnesses']);
  const who = membership('--partition', values.partition as string);
  return { who, dir: sharedDir('--exchange', values.exchange as string | undefined, '--partition') };
}

/** `--swarm K/N --out DIR [--seed S] [--time T] [--store bitstate:SIZE]` (cli/scaleOut.ts, checker/swarm.ts); undefined without --swarm. */
function swarmOf(values: Record<string, unknown>): SwarmInput | undefined {
  if (values.swarm === undefined) {
    const stray = (['seed', 'time', 'out'] as const).find((n) => values[n] !== undefined);
    if (stray) throw new UsageError(`--${stray} belongs to --swarm K/N`);
    return undefined;
  }
  refuseWith('--swarm', values, ['partition', 'dump-states', 'workers', 'matrix', 'witnesses', 'trace-out', 'report', 'json']);
  const who = membership('--swarm', values.swarm as string);
  let bitstateBytes = DEFAULT_BITSTATE_BYTES;
  if (values.store !== undefined) {
    const spec = parseStoreSpec(values.store as string, parseSize);
    if (typeof spec === 'string') throw new UsageError(spec);
    if (spec.kind !== 'bitstate') throw new UsageError(`--swarm members keep their states in a bit array: give --store bitstate:SIZE or no --store, not '${values.store as string}'`);
    bitstateBytes = spec.bytes;
  }
  const seed = intOption('seed', values.seed as string | undefined) ?? 1;
  return {
    who,
    dir: sharedDir('--out', values.out as string | undefined, '--swarm'),
    o: { seed, bitstateBytes, ...(values.time !== undefined ? { timeMs: durationOption(values.time as string) } : {}) },
  };
}

/** `pvcheck merge DIR [--json]`'s refusals, before cli/scaleOut.ts is imported: the options, one DIR that is a folder. */
export function mergeRefusals(argv: string[]): { readonly dir: string; readonly json: boolean } {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } });
  if (positionals.length !== 1) throw new UsageError('usage: pvcheck merge DIR [--json] (DIR: the --out folder of the swarm members)');
  const dir = positionals[0]!;
  if (!isDir(dir)) throw new UsageError(`merge: ${dir}: no such folder`);
  return { dir, json: values.json === true };
}

/** `pvcheck check-all ARGS`'s options, after its refusals (all of them need no model): no MODEL, --workers N. */
export function checkAllRefusals(argv: string[]): { readonly json: boolean; readonly quiet: boolean; readonly workers?: number } {
  const { values, positionals } = parse(argv, CHECK_ALL_OPTIONS);
  if (positionals.length) throw new UsageError(`check-all takes no model (got '${positionals[0]}'): it checks every built-in model`);
  // --workers N: N for every run (measurements: the default chooses each run's workers by the load at its first second)
  const workers = values.workers !== undefined ? workersOption(values.workers, defaultMemoryLimit()) : undefined;
  return { json: values.json === true, quiet: values.quiet === true, ...(workers !== undefined ? { workers } : {}) };
}

/** `pvcheck list [MODEL...]`: the names it lists (none: all), or a refusal of an unknown one. */
export function listRefusals(argv: string[]): string[] {
  const { positionals } = parse(argv, {});
  const unknown = positionals.filter((n) => !BUILTIN_NAMES.includes(n));
  if (unknown.length) throw new UsageError(`unknown model '${unknown[0]}' (built-in: ${BUILTIN_NAMES.join(', ')})`);
  return positionals;
}

/** `pvcheck show`'s options and its refusals before --html's file: one TRACE, one of --msc, --mermaid, --html. */
export function showArgs(argv: string[]) {
  const parsed = parse(argv, {
    model: { type: 'string', short: 'm' },
    msc: { type: 'boolean' },
    mermaid: { type: 'boolean' },
    width: { type: 'string' },
    html: { type: 'string' },
  });
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('usage: pvcheck show TRACE [--model MODEL|FILE] [--msc [--width N] | --mermaid | --html FILE]');
  if ([values.msc, values.mermaid, values.html !== undefined].filter(Boolean).length > 1)
    throw new UsageError('show: --msc, --mermaid and --html are exclusive');
  return parsed;
}

/** `pvcheck show --width N`: an integer from 40 to 1000, with --msc. */
export function showWidth(values: { readonly width?: string | undefined; readonly msc?: boolean | undefined }): number | undefined {
  const width = values.width === undefined ? undefined : Number(values.width);
  if (width !== undefined && !(Number.isInteger(width) && width >= 40 && width <= 1000))
    throw new UsageError(`show: --width must be an integer from 40 to 1000, got '${values.width}'`);
  if (width !== undefined && !values.msc) throw new UsageError('show: --width goes with --msc');
  return width;
}

/** `pvcheck show ARGS`'s refusals before it reads the trace (its --html file is checked by cli/traceCommands.ts first). */
export function showRefusals(argv: string[]): void {
  const { values } = showArgs(argv);
  if (values.html === undefined) showWidth(values);
}

/** `pvcheck replay`'s options and one TRACE. */
export function replayArgs(argv: string[]) {
  const parsed = parse(argv, {
    model: { type: 'string', short: 'm' },
    param: { type: 'string', short: 'p', multiple: true },
    invariant: { type: 'string', short: 'i' },
    'by-state': { type: 'boolean' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (parsed.positionals.length !== 1)
    throw new UsageError('usage: pvcheck replay TRACE [--model MODEL|FILE] [--param name=value]... [--invariant NAME] [--by-state] [--json]');
  return parsed;
}
