/**
 * Runs pvcheck commands one after another in this one process, as
 * bin/pvcheck.mjs runs one (the TypeScript hooks registered by
 * `node --import ./bin/register.mjs`, then cli/main.ts `main(ARGS)`), and
 * writes each command's exit code, stdout and stderr as one JSON line on
 * file descriptor 3 the moment it ends (test/support/cliRows.ts starts it and
 * reads them). The commands: a JSON array of argument arrays, the first
 * argument.
 *
 * Why (session 33): test/findingRows ran each of docs/findings.md's 31 rows in
 * a process of its own, ~0.35 s of CPU a row for node, the hooks and the
 * models' load before its search (limiter-L3-queues' 9 s aside, most rows
 * search for well under a second).
 */
import { writeSync } from 'node:fs';
import { main } from '../../cli/main.js';

const commands = JSON.parse(process.argv[2] ?? '[]') as string[][];
const out = process.stdout.write.bind(process.stdout);
const err = process.stderr.write.bind(process.stderr);
for (const args of commands) {
  let stdout = '';
  let stderr = '';
  const errorListeners = process.stdout.listeners('error');
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  let code: number;
  try {
    code = await main(args);
  } catch (e) {
    code = -1;
    stderr += `cliRowsRun: main threw: ${(e as Error)?.stack ?? String(e)}\n`;
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    // main adds a listener for a closed pipe per call: one is enough
    for (const l of process.stdout.listeners('error')) if (!errorListeners.includes(l)) process.stdout.off('error', l as (e: Error) => void);
  }
  writeSync(3, JSON.stringify({ args, code, stdout, stderr }) + '\n');
}
