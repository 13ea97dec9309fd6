/**
 * Stand-alone entry for `pvcheck vectors` until the CLI wires it:
 * `node --import ./bin/register.mjs conformance/main.ts MODEL --out DIR ...`
 */
import { vectorsCommand } from './cli.js';

process.exitCode = await vectorsCommand(process.argv.slice(2));
