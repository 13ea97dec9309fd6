/**
 * The pvcheck command as a user runs it, for the CLI tests: `node
 * bin/pvcheck.mjs ARGS` in a folder of the test's choosing, with its exit
 * code, stdout and stderr (one helper, where each test file had its own).
 */
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..', '..');

export interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
}

/** Runs pvcheck with `args` in folder `cwd`, `env` added to the environment. */
export function pvcheck(args: readonly string[], cwd: string, env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [join(root, 'bin/pvcheck.mjs'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
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
  await Promise.race([isReady, exited]);
  const early = child.exitCode !== null || child.signalCode !== null;
  if (!early) child.kill(signal);
  const [code, sig] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on('close', (c, s) => r([c, s])));
  return { code, signal: sig, out, err, early };
}

/** cli.test's Ctrl-C case: ring-notify 16x64 (minutes of search), SIGINT at its first progress line. */
export const ctrlCLongSearch = (cwd: string) =>
  pvcheckInterrupted(['check', 'ring-notify', '-p', 'ringSize=16', '-p', 'messages=64', '--json'], cwd);
