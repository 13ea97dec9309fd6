/**
 * Temporary directories for tests: created under the system's temporary
 * folder and removed when the test process exits, whether its tests passed,
 * failed or threw (test/suiteHygiene.test.ts checks that no test file calls
 * mkdtemp itself). A file killed by the runner's time limit cannot clean up;
 * that is the one case left, and it already fails loudly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
let hooked = false;

/** A fresh empty directory, removed (with its contents) when the process exits. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const d of made) rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}
