/**
 * A test's bad-input cases gathered one by one (`badInput(args, what)`, as test/support/cli.ts
 * badInput is called) and then run together in one process by `refusedAll()`, each checked as
 * badInput checks it (test/support/cli.ts badInputs). test/cliHardening and cliHardeningB (session 33:
 * one process a test, not a process a case).
 */
import { badInputs } from './cli.js';

export function badInputBatch(cwd: string): { badInput: (args: string[], what: RegExp) => void; refusedAll: () => Promise<void> } {
  let cases: [string[], RegExp][] = [];
  return {
    badInput: (args, what) => void cases.push([args, what]),
    refusedAll: async () => {
      const all = cases;
      cases = [];
      await badInputs(all, cwd);
    },
  };
}
