/**
 * Whether a path is a folder, and whether files can be created in it: node:fs
 * alone, so that cli/refusals.ts (which loads nothing heavy: its refusals are
 * made before any model or command module is imported) can check the shared
 * folder of --partition/--swarm and merge's DIR. cli/files.ts re-exports both.
 */
import { accessSync, constants, statSync } from 'node:fs';

export const isDir = (d: string): boolean => {
  try {
    return statSync(d).isDirectory();
  } catch {
    return false;
  }
};

/** Whether the process may create files in folder `dir`. */
export function writableDir(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
