// `node --import ./bin/register.mjs file.ts` runs a TypeScript file directly.
// The hooks report the sources they load on a port (checker/parallel.ts compares the workers' with them).
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel();
port1.unref();
globalThis[Symbol.for('pvcheck.loadedSources')] = port1;
register('./ts-hooks.mjs', { parentURL: import.meta.url, data: { loaded: port2 }, transferList: [port2] });
