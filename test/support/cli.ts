/**
 * The pvcheck command as a user runs it, for the CLI tests: `node
 * bin/pvcheck.mjs ARGS` in a folder of the test's choosing, with its exit
 * code, stdout and stderr (one helper, where each test file had its own).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as assert from 'uvu/assert';
import { join, resolve } from 'node:path';
import { cliRows } from './cliRows.js';

export const root = resolve(import.meta.dirname, '..', '..');

export interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
}

/**
 * The most states a test's `check` with a lossy store (`--store bitstate` or
 * `compact`) or a `--swarm` member may visit when it gives no --max-states:
 * {@link pvcheck} gives it this bound and fails the test when the run reaches
 * it. Such a search runs on one thread (no hand-over to workers), ~0.3 M
 * states a CPU second: 3 M is ~10 s. Why (session 20): `check limiter
 * --store bitstate -i L1_credit_in_range` leaves out the L3 finding that
 * stops the defaults at 109,557 states, and searches netback's whole timer
 * space instead: 10.8 M states, depth 186, 39 s CPU, 131 s wall under load.
 */
export const LOSSY_TEST_STATES = 3_000_000;

/** Whether `args` run one `check` search with a lossy store or as a swarm member (what {@link LOSSY_TEST_STATES} bounds). */
const lossyCheck = (args: readonly string[]): boolean =>
  args[0] === 'check' && args.some((a, i) => a === '--swarm' || a.startsWith('--swarm=') || (a === '--store' && !/^full$/.test(args[i + 1] ?? '')) || /^--store=(?!full$)/.test(a));

/** Whether {@link pvcheck} bounds `args` by {@link LOSSY_TEST_STATES}: a lossy or swarm `check` without --max-states. */
const lossyBounded = (args: readonly string[]): boolean => lossyCheck(args) && !args.some((a) => a === '--max-states' || a.startsWith('--max-states='));
/** `args` as {@link pvcheck} runs them: with `--max-states lossyStates` when {@link lossyBounded}. */
const withLossyBound = (args: readonly string[], lossyStates = LOSSY_TEST_STATES): readonly string[] =>
  lossyBounded(args) ? [...args, '--max-states', String(lossyStates)] : args;

/**
 * Runs pvcheck with `args` in folder `cwd`, `env` added to the environment. A
 * lossy or swarm `check` without --max-states is bounded by `lossyStates`
 * ({@link LOSSY_TEST_STATES}) and throws when it reaches the bound: a test
 * that searches far more than it means to fails in seconds, naming the
 * command, instead of running for minutes.
 */
export function pvcheck(args: readonly string[], cwd: string, env: Record<string, string> = {}, lossyStates = LOSSY_TEST_STATES): Run {
  const bounded = lossyBounded(args);
  const all = withLossyBound(args, lossyStates);
  const r = spawnSync(process.execPath, [join(root, 'bin/pvcheck.mjs'), ...all], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  if (bounded && /INCOMPLETE \(max-states\)|"incompleteReason": "max-states"|nothing found \(max-states\)|"reason": "max-states"/.test(r.stdout))
    throw new Error(`pvcheck ${args.join(' ')}: reached ${lossyStates.toLocaleString('en')} states (test/support/cli.ts LOSSY_TEST_STATES): a lossy or swarm search runs on one thread, this one would take minutes; give it --max-states or smaller parameters`);
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
}

/** The readiness line of a search: its first progress line on stderr. */
export const PROGRESS = /progress [\w-]+ depth \d+: [\d,]+ distinct/;

/**
 * Runs pvcheck with `args` in `cwd` and sends `signal` once its stderr matches
 * `ready` (never after a fixed sleep, which a loaded machine makes flaky); how
 * it ended, and whether it was still running when signalled (`early` when it
 * ended first, so the signal was never sent).
 */
export async function pvcheckInterrupted(
  args: readonly string[], cwd: string, ready: RegExp = PROGRESS, signal: NodeJS.Signals = 'SIGINT', env: Record<string, string> = {},
): Promise<Run & { readonly early: boolean }> {
  const child = spawn(process.execPath, [join(root, 'bin/pvcheck.mjs'), ...args], { cwd, env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  const isReady = new Promise<void>((res) =>
    child.stderr.on('data', (d) => {
      err += d;
      if (ready.test(err)) res();
    }),
  );
  const exited = new Promise<void>((res) => child.on('exit', () => res()));
  // listened for from the start: a run that ends before it is ready may close before the race is over
  const closed = new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on('close', (c, s) => r([c, s])));
  await Promise.race([isReady, exited]);
  const early = child.exitCode !== null || child.signalCode !== null;
  if (!early) child.kill(signal);
  const [code, sig] = await closed;
  return { code, signal: sig, out, err, early };
}

/** cli.test's Ctrl-C case: ring-notify 16x64 (minutes of search), SIGINT at its first progress line. */
export const ctrlCLongSearch = (cwd: string) =>
  pvcheckInterrupted(['check', 'ring-notify', '-p', 'ringSize=16', '-p', 'messages=64', '--json'], cwd);

/**
 * A bad-input case as a user meets it: `pvcheck ARGS` in `cwd` exits 2 (not
 * killed) with exactly one line on stderr, `pvcheck: error: ...` matching
 * `what` (no stack trace), and nothing on stdout.
 */
export function badInput(args: readonly string[], what: RegExp, cwd: string): void {
  refused(args, what, pvcheck(args, cwd));
}

/**
 * {@link badInput} for many cases: the commands (each as {@link pvcheck} runs it) run one after
 * another in one process in `cwd` (test/support/cliRows.ts: bin/pvcheck.mjs's hooks, then
 * cli/main.ts main(ARGS) per command, its exit code main's return), each checked as badInput checks
 * it, in order, as soon as it has run (session 33: a process per case cost 0.15-0.5 s of CPU, most
 * of it node, the hooks and, past the early refusals, the models' load).
 */
export async function badInputs(cases: readonly (readonly [readonly string[], RegExp])[], cwd: string): Promise<void> {
  const runs = cliRows(cases.map(([args]) => withLossyBound(args)), cwd);
  for (const [i, [args, what]] of cases.entries()) {
    const r = await runs[i]!;
    refused(args, what, { code: r.code, signal: null, out: r.stdout, err: r.stderr });
  }
}

/** What {@link badInput} asserts of a run of `pvcheck ARGS`. */
function refused(args: readonly string[], what: RegExp, r: Run): void {
  const cmd = `pvcheck ${args.join(' ')}`;
  assert.is(r.signal, null, cmd);
  assert.is(r.code, 2, `exit code of ${cmd}: ${r.err}`);
  const lines = r.err.trim().split('\n');
  assert.is(lines.length, 1, `${cmd}: one line on stderr, got:\n${r.err}`);
  assert.match(lines[0]!, /^pvcheck: error: /, cmd);
  assert.match(lines[0]!, what, cmd);
  assert.is(r.out, '', cmd);
}
