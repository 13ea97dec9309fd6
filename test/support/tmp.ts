/**
 * Temporary directories for tests: created in a folder of this process's own
 * under the system's temporary folder, `pvcheck-test-PID.START` (PID: this
 * process's id; START: its start time, /proc/PID/stat field 22 on Linux, so
 * that a process id used again is not taken for this process), and removed
 * when the process exits, whether its tests passed, failed or threw
 * (test/suiteHygiene.test.ts checks that no test file calls mkdtemp itself).
 *
 * A process killed outright (a file past its time limit, a mutant's file
 * stopped at its first failed test, SIGKILL) cannot remove its folder: the
 * first scratchDir of every later process removes the folders of processes
 * that are gone (never a live one's: two runs of the suite may share the
 * temporary folder). test/tmpSweep.test.ts checks both.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTime, stillRuns } from './alive.js';

const made: string[] = [];
let mine: string | undefined;

/** The folders of this process's scratch directories are named so (the second group: the process's start time). */
export const OWNER = /^pvcheck-test-(\d+)\.(\d+)$/;
/** The name of the folder process `pid` keeps its scratch directories in. */
export const folderName = (pid: number, start: string): string => `pvcheck-test-${pid}.${start}`;

/**
 * Removes the scratch folders (`pvcheck-test-PID.START`) in `root` of processes that are gone (or
 * whose id now belongs to a process started at another time); returns their names. Never this
 * process's, never a live process's.
 */
export function sweepScratch(root: string = tmpdir()): string[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = OWNER.exec(name);
    if (!m || +m[1]! === process.pid || stillRuns(+m[1]!, m[2]!)) continue;
    try {
      rmSync(join(root, name), { recursive: true, force: true });
      removed.push(name);
    } catch { /* another process removed it first, or it is not ours to remove */ }
  }
  return removed;
}

/** A fresh empty directory, removed (with its contents) when the process exits. */
export function scratchDir(prefix: string): string {
  if (mine === undefined) {
    sweepScratch();
    mine = join(tmpdir(), folderName(process.pid, startTime(process.pid)));
    mkdirSync(mine, { recursive: true });
    process.on('exit', () => {
      for (const d of made) rmSync(d, { recursive: true, force: true });
      // the folder itself once empty (a worker thread of this process has its own `made` and exit)
      try {
        rmdirSync(mine!);
      } catch { /* not empty: another thread's directories are still in it */ }
    });
  }
  const dir = mkdtempSync(join(mine, prefix));
  made.push(dir);
  return dir;
}
