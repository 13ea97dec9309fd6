/**
 * One interrupt policy for every command. The first Ctrl-C (SIGINT) or
 * SIGTERM stops the whole command: the running search ends at its next time
 * slice, loops over models, matrix cells, examples or verdicts run no further
 * item, and the command prints the report of what it did, with exit code 3
 * (incomplete). A second signal exits at once (130 for SIGINT, 143 for
 * SIGTERM). Files being written are never left half-written: writes are
 * whole-or-nothing and their temporary files are removed at exit
 * (traces/io.ts).
 *
 * The phases that do not run in slices stop at once too: diff's two
 * explorations and the vectors' generation run in a worker thread that the
 * signal terminates (cli/phaseWorker.ts), and replay's search for a goal state
 * yields to the event loop every 1,024 states (traces/replay.ts replayAsync).
 *
 * Under npm (npx, npm exec, npm start), npm runs pvcheck through `sh -c`
 * (measured with npm 11 and dash). A Ctrl-C at the terminal reaches pvcheck,
 * which stops as above and exits 3, but npm itself then exits 130 (the shell
 * between them ends by the signal): run `node_modules/.bin/pvcheck` to get
 * pvcheck's own exit code. A signal sent to the npm process alone is
 * forwarded to that shell, which holds it until pvcheck ends: pvcheck never
 * sees it. When started by npm, pvcheck also stops as interrupted if its
 * parent goes away (a killed shell), rather than running on orphaned. A
 * signal repeated within 50 ms (the same Ctrl-C forwarded) counts once.
 */

let signals = 0;
let lastSignal = 0;
const stoppers = new Set<() => void>();
let installed = false;

/** Installs the policy for the life of the process (the CLI's entry calls it once). */
export function installInterruptPolicy(): void {
  if (installed) return;
  installed = true;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      const now = Date.now();
      if (signals > 0 && now - lastSignal < 50) return;
      lastSignal = now;
      signals++;
      if (signals > 1) process.exit(sig === 'SIGINT' ? 130 : 143);
      stopAll(`${sig === 'SIGINT' ? 'interrupted (Ctrl-C)' : 'terminated (SIGTERM)'}: stopping; the report of what was done follows (a second ${sig === 'SIGINT' ? 'Ctrl-C' : 'signal'} exits at once)`);
    });
  }
  if (process.env.npm_command !== undefined || process.env.npm_lifecycle_event !== undefined) {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent && signals === 0) {
        signals++;
        stopAll(`the npm process that started pvcheck (parent ${parent}) is gone: stopping as interrupted`);
      }
    }, 500).unref();
  }
}

function stopAll(why: string): void {
  process.stderr.write(`\npvcheck: ${why}\n`);
  for (const stop of stoppers) stop();
}

/**
 * Lets a signal that arrived during synchronous work reach its handler (the
 * handler runs only when the event loop turns): call it after such work,
 * before asking `interrupted()`.
 */
export async function signalsDelivered(): Promise<void> {
  // Two turns: called from an I/O callback, the first immediate runs before
  // the loop polls again (where a pending signal is read); the second after.
  for (let i = 0; i < 2; i++) await new Promise((res) => setImmediate(res));
}

/** Whether the command was asked to stop. */
export const interrupted = (): boolean => signals > 0;

/**
 * Registers `stop` (e.g. a search's interrupt) for the time `body` runs; it
 * is called at once if the command is already stopping.
 */
export async function stoppable<T>(stop: () => void, body: () => Promise<T>): Promise<T> {
  stoppers.add(stop);
  if (signals > 0) stop();
  try {
    return await body();
  } finally {
    stoppers.delete(stop);
  }
}
