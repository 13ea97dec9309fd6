/**
 * File-system helpers of the commands: every output location is checked
 * before a long run, and a finished report is never lost because an output
 * could not be written. Those that need traces/ (an output file's checks, a
 * trace's writing) are in cli/outputs.ts, which a check imports only when it
 * has an output to check or write (session 35: traces/io.ts and what it
 * imports cost ~12 ms of CPU).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from './errors.js';
import { isDir, writableDir } from './folders.js';

export { isDir, writableDir };

/** A model or property name made safe for a file name (`pvcheck-NAME-PROPERTY.trace.json`). */
export const safe = (s: string): string => s.replace(/[^A-Za-z0-9_.-]+/g, '_');

const firstLine = (e: unknown): string => ((e as Error)?.message ?? String(e)).split('\n')[0]!;

/**
 * Creates folder `dir` (and its parents) unless it exists, and checks that
 * files can be created in it; `what` names the option in the one-line error.
 * Not `recursive` when the parent exists: Node 20's recursive mkdir spins
 * forever under /proc.
 */
export function ensureDir(dir: string, what: string): void {
  if (!isDir(dir)) {
    try {
      mkdirSync(dir, { recursive: !isDir(dirname(dir)) });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(`${what} ${dir}: ${code === 'EEXIST' ? 'exists and is not a folder' : `cannot create the folder: ${firstLine(e)}`}`);
    }
  }
  if (!writableDir(dir)) throw new UsageError(`${what} ${dir}: the folder is not writable`);
}

/**
 * Runs `write`; a failure is one line on stderr and `false`, never an
 * exception, so that the report of a finished search is still printed.
 */
export function writeOrWarn(what: string, write: () => void): boolean {
  try {
    write();
    return true;
  } catch (e) {
    const msg = firstLine(e);
    process.stderr.write(`pvcheck: error: ${msg.startsWith('cannot write') ? msg : `cannot write ${what}: ${msg}`}; the report is printed without it\n`);
    return false;
  }
}
