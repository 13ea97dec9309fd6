/**
 * The commands' output files that need traces/: an output location checked
 * before a long run (a regular file or a new one in a writable folder), a
 * trace written. Apart from cli/files.ts so that a check with no output to
 * check or write loads no traces/ module (session 35: traces/io.ts, format,
 * itf, refine: ~12 ms of CPU a check); cli/check.ts imports it where it is used.
 */
import * as E from 'fp-ts/lib/Either.js';
import { outputTarget, writeTraceFile as writeTrace } from '../traces/io.js';
import { toItf } from '../traces/itf.js';
import type { Trace } from '../traces/format.js';
import { UsageError } from './errors.js';
import { writeOrWarn } from './files.js';

export { traceFromViolation } from '../traces/format.js';
export { writeFileAtomic } from '../traces/io.js';

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
