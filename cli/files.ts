/**
 * File-system helpers of the commands: every output location is checked
 * before a long run, and a finished report is never lost because an output
 * could not be written.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { outputTarget } from '../traces/io.js';
import { UsageError } from './errors.js';

/** A model or property name made safe for a file name (`pvcheck-NAME-PROPERTY.trace.json`). */
export const safe = (s: string): string => s.replace(/[^A-Za-z0-9_.-]+/g, '_');

export const isDir = (d: string): boolean => {
  try {
    return statSync(d).isDirectory();
  } catch {
    return false;
  }
};

const firstLine = (e: unknown): string => ((e as Error)?.message ?? String(e)).split('\n')[0]!;

/** Whether the process may create files in folder `dir`. */
export function writableDir(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

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
 * Checks, before any work, that output file `file` of option `what` can be
 * written (a regular file or a new one in a writable folder; a symbolic link
 * is followed). Bad input otherwise: one line naming the option.
 */
export function checkOutputFile(file: string, what: string): void {
  const t = outputTarget(file);
  if (E.isLeft(t)) throw new UsageError(`${what} ${t.left}`);
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
