// Entry of a worker thread (checker/parallel.ts, cli/phaseWorker.ts): registers the TypeScript
// hooks in this thread, unless the entry is a plain-JS copy (bin/worker-js.mjs), then runs the
// worker module. `expected`: the hash of each source the main thread loaded; the hooks refuse
// another (bin/ts-hooks.mjs).
import { register } from 'node:module';
import { workerData } from 'node:worker_threads';
if (!workerData.plain) register('./ts-hooks.mjs', { parentURL: import.meta.url, data: { expected: workerData.expected } });
await import(workerData.entry);
