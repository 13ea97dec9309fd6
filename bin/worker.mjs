// Entry of a worker thread (checker/parallel.ts, cli/phaseWorker.ts): registers the TypeScript
// hooks in this thread, unless the entry is a plain-JS copy (bin/worker-js.mjs), then runs the
// worker module. `expected`: the hash of each source the main thread loaded; the hooks refuse
// another (bin/ts-hooks.mjs). A kept worker's next search brings the main thread's stamp as it is
// then (a model file it loaded since): the worker module posts it on the port stored under
// Symbol.for('pvcheck.expectedSources'), which the hooks drain before each load.
import { register } from 'node:module';
import { MessageChannel, workerData } from 'node:worker_threads';
if (!workerData.plain) {
  const { port1, port2 } = new MessageChannel();
  port1.unref();
  globalThis[Symbol.for('pvcheck.expectedSources')] = port1;
  register('./ts-hooks.mjs', { parentURL: import.meta.url, data: { expected: workerData.expected, stamps: port2 }, transferList: [port2] });
}
await import(workerData.entry);
