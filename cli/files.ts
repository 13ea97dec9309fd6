/**
 * File-system helpers of the commands: every output location is checked
 * before a long run, and a finished report is never lost because an output
 * could not be written.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { outputTarget, writeTraceFile as writeTrace } from '../traces/io.js';
import { toItf } from '../traces/itf.js';
import type { Trace } from '../traces/format.js';
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

/**
 * Writes a trace file and returns the path written, or null when it cannot be
 * written (one line on stderr: the caller still prints its report). A trace
 * ITF cannot carry (a non-integer number) is not lost: it is written as JSON
 * beside the name asked for, with a warning. (Here, not in cli/check.ts, since
 * session 35: a swarm member writes its trace too, and cli/scaleOut.ts imports no command.)
 */
export function writeTraceFile(path: string, t: Trace, format: 'json' | 'itf'): string | null {
  if (format === 'itf') {
    const itf = toItf(t);
    if (E.isLeft(itf)) {
      const json = path.replace(/(\.itf)?\.json$/, '') + '.trace.json';
      process.stderr.write(`pvcheck: warning: cannot write ${path} as ITF: ${itf.left}; writing ${json} (JSON) instead\n`);
      return writeTraceFile(json, t, 'json');
    }
  }
  return writeOrWarn(`trace ${path}`, () => writeTrace(path, t, format)) ? path : null;
}
