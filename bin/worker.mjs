// Entry of a worker thread of the multi-worker search (checker/parallel.ts):
// registers the TypeScript hooks in this thread, then runs the worker module.
import { register } from 'node:module';
import { workerData } from 'node:worker_threads';
register('./ts-hooks.mjs', import.meta.url);
await import(workerData.entry);
