/**
 * Test helper for the scale-out modes (test/scaleOut*.test.ts): runs
 * `pvcheck` as N local processes at once, as a batch scheduler would start
 * N members, and collects their exit codes and output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { root } from './cli.js';

export { root };

export interface Done {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Member {
  readonly child: ChildProcess;
  readonly done: Promise<Done>;
}

/** Starts `pvcheck ARGS` in `cwd` with extra environment. */
export function start(args: readonly string[], cwd: string, env: Record<string, string> = {}): Member {
  const child = spawn(process.execPath, [join(root, 'bin/pvcheck.mjs'), ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Done>((res) => child.on('close', (status, signal) => res({ status, signal, stdout, stderr })));
  return { child, done };
}

/** Runs members 1..n of `args(k)` at once; their results in member order. */
export async function members(n: number, args: (k: number) => readonly string[], cwd: string, env: (k: number) => Record<string, string> = () => ({})): Promise<Done[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => start(args(i + 1), cwd, env(i + 1)).done));
}
