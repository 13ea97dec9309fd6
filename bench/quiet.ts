/**
 * `--quiet` of the bench's commands (`bench/nested.ts compare --quiet`, `npm run bench -- --quiet`, written once
 * here): the command in a session of its own (a detached child: setsid) whose autogroup runs at niceness -19
 * (/proc/self/autogroup). Linux groups processes by session for CPU time, so `nice` on one process does nothing
 * against other sessions' load; this gets a shared machine's cores nearly to the bench
 * (docs/perf/2026-12-07f-engine.md: ring-weak's run-queue wait ~65 ms instead of 500-900 ms at load 8-10) and
 * slows the other sessions while it runs. Every process the command starts (each run, SPIN, Rumur, a
 * `--nested` compare) is in that session, so at that niceness too.
 *
 * Where it cannot be set (no autogroup: not Linux, or a kernel without it; no privilege to lower a niceness)
 * one line says so on stderr and the command runs as without it: the figures' first line says which it was.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

/** Set in the detached child: the command is already in its own session. */
const QUIET_ENV = 'PVCHECK_BENCH_QUIET';

/** Whether this process is the quiet session's command (the child {@link quietRerun} started). */
export const inQuietSession = (): boolean => process.env[QUIET_ENV] !== undefined;

/**
 * Runs this process's own command line again (the same node options, script and arguments) as a detached
 * child, a session of its own, passes Ctrl-C and SIGTERM on to its process group, and exits with its status:
 * it never returns. The child sees {@link inQuietSession} and sets the niceness ({@link quietSet}).
 */
export async function quietRerun(): Promise<never> {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached: true,
    stdio: 'inherit',
    env: { ...process.env, [QUIET_ENV]: '1' },
  });
  const pass = (sig: NodeJS.Signals) => () => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      /* gone */
    }
  };
  process.on('SIGINT', pass('SIGINT')).on('SIGTERM', pass('SIGTERM'));
  const code = await new Promise<number>((done) => child.on('exit', (c, sig) => done(c ?? (sig ? 128 : 1))));
  process.exit(code);
}

/**
 * Sets this session's autogroup niceness to -19 and returns what /proc/self/autogroup then reads
 * (`/autogroup-N nice -19`), or undefined with one line on stderr, starting `who: --quiet:`, where it cannot.
 */
export function quietSet(who: string): string | undefined {
  try {
    writeFileSync('/proc/self/autogroup', '-19');
    return readFileSync('/proc/self/autogroup', 'utf8').trim();
  } catch (e) {
    process.stderr.write(`${who}: --quiet: this session's autogroup niceness could not be set (${(e as NodeJS.ErrnoException).code ?? String(e)}): the runs share the machine as without it\n`);
    return undefined;
  }
}

/** Outside the quiet session: {@link quietRerun} (never returns); inside it: {@link quietSet}. */
export const quietSession = async (who: string): Promise<string | undefined> => (inQuietSession() ? quietSet(who) : quietRerun());

/** The words a table's first line adds for `--quiet` (what was set), '' without it or where it could not be set. */
export const quietNote = (quietAs: string | undefined): string => (quietAs ? `; --quiet: a session of its own, ${quietAs}` : '');
