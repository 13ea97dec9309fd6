/**
 * pvcheck commands run one after another in one child process
 * (test/support/cliRowsRun.ts: the hooks bin/pvcheck.mjs registers, then
 * cli/main.ts `main(ARGS)` per command), each command's result available the
 * moment it ends: a test awaiting command k fails as soon as k has run, not
 * after the last one (a mutant's test file stops at its first failed test,
 * and with it the child, which is in its process group).
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

const root = resolve(import.meta.dirname, '..', '..');

export interface RowRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts the commands (`args` after `pvcheck`) in one child process in the repository's root; a promise of each one's result, in order. */
export function cliRows(commands: readonly (readonly string[])[]): Promise<RowRun>[] {
  const child = spawn(process.execPath, ['--import', './bin/register.mjs', join(root, 'test/support/cliRowsRun.ts'), JSON.stringify(commands)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  let text = ''; // what the child wrote outside a command (a crash, a late write)
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  const settle = commands.map(() => ({ done: (_r: RowRun) => {} }));
  const results = commands.map((_c, i) => new Promise<RowRun>((done) => (settle[i]!.done = done)));
  let next = 0;
  let line = '';
  const dec = new StringDecoder('utf8');
  (child.stdio[3] as Readable).on('data', (d: Buffer) => {
    line += dec.write(d);
    for (let nl = line.indexOf('\n'); nl >= 0; nl = line.indexOf('\n')) {
      const r = JSON.parse(line.slice(0, nl)) as RowRun;
      line = line.slice(nl + 1);
      settle[next++]!.done({ code: r.code, stdout: r.stdout, stderr: r.stderr });
    }
  });
  child.on('close', (code, signal) => {
    // the commands it did not report: the child ended first (it crashed, or was killed)
    while (next < commands.length) settle[next++]!.done({ code: null, stdout: '', stderr: `the process running the commands ended (code ${code}, signal ${signal}) before this one ended: ${text.slice(-2000)}` });
  });
  return results;
}
