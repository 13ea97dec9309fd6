#!/usr/bin/env node
// pvcheck command-line entry: registers the TypeScript hooks (so that the
// sources and users' .ts model files run without a build step), then runs the CLI.
import { register } from 'node:module';
register('./ts-hooks.mjs', import.meta.url);
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
