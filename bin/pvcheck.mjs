#!/usr/bin/env node
// pvcheck command-line entry: registers the TypeScript hooks (so that the
// sources and users' .ts model files run without a build step), then runs the CLI.
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
// the hooks report the sources they load on a port (checker/parallel.ts compares the workers' with them)
const { port1, port2 } = new MessageChannel();
port1.unref();
globalThis[Symbol.for('pvcheck.loadedSources')] = port1;
register('./ts-hooks.mjs', { parentURL: import.meta.url, data: { loaded: port2 }, transferList: [port2] });
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
