/**
 * The pvcheck command as a user runs it, for the CLI tests: `node
 * bin/pvcheck.mjs ARGS` in a folder of the test's choosing, with its exit
 * code, stdout and stderr (one helper, where each test file had its own).
 */
import { spawnSync } from 'node:child_process';
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
