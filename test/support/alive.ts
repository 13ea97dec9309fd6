/**
 * Whether process `pid` still runs, for tests that check a process was stopped: a killed process may
 * linger as a zombie until it is reaped (Linux's /proc/PID/stat state Z or X), which is not alive.
 * Where there is no /proc, a process that takes signal 0 is alive. (test/suiteHygiene,
 * test/mutantsRunner.)
 */
import { existsSync, readFileSync } from 'node:fs';

const linux = existsSync('/proc/self/stat');

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) [ZX]/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return !linux;
  }
}
