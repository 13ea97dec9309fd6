/** File-system helpers of the commands: output folders checked before a long run. */
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
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

/**
 * Creates folder `dir` (and its parents) unless it exists; `what` names the
 * option in the one-line error. Not `recursive` when the parent exists:
 * Node 20's recursive mkdir spins forever under /proc.
 */
export function ensureDir(dir: string, what: string): void {
  if (isDir(dir)) return;
  try {
    mkdirSync(dir, { recursive: !isDir(dirname(dir)) });
  } catch (e) {
    throw new UsageError(`${what} ${dir}: cannot create the folder: ${((e as Error).message ?? String(e)).split('\n')[0]}`);
  }
}
