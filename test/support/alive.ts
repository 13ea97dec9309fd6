/**
 * Whether process `pid` still runs, for tests that check a process was stopped: a killed process may
 * linger as a zombie until it is reaped (Linux's /proc/PID/stat state Z or X), which is not alive.
 * Where there is no /proc, a process that takes signal 0 is alive. (test/suiteHygiene,
 * test/mutantsRunner, test/support/tmp.ts.)
 */
import { existsSync, readFileSync } from 'node:fs';

const linux = existsSync('/proc/self/stat');

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: a process of another user, which runs
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return !/^\d+ \(.*\) [ZX]/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return !linux;
  }
}

/**
 * A process's start time: Linux's /proc/PID/stat field 22 (clock ticks since boot), or '0' where
 * there is none to read (no /proc, or the process is gone).
 */
export function startTime(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '0';
  } catch {
    return '0';
  }
}

/**
 * Whether the process `pid` that started at `start` (startTime, '0': unknown) still runs: a
 * process id used again by a process started at another time is not it.
 */
export function stillRuns(pid: number, start: string): boolean {
  if (!alive(pid)) return false;
  const now = startTime(pid);
  return start === '0' || now === '0' || now === start;
}
