/**
 * One benchmark run in a fresh process: ring-notify at N x M, printed as one
 * JSON line (states, edges, seconds, bytes per state, peak RSS).
 * Usage: node --import ./bin/register.mjs bench/one.ts N M
 */
import * as E from 'fp-ts/lib/Either.js';
import { check } from '../checker/explore.js';
import { ringNotify } from '../model/ringNotify.js';
import { bind } from '../properties/bind.js';

const [N, M] = process.argv.slice(2).map(Number);
const sys = bind(ringNotify, { ringSize: N!, messages: M! });
if (E.isLeft(sys)) throw new Error(sys.left);
const rss0 = process.memoryUsage().rss;
const t0 = process.hrtime.bigint();
const r = check(sys.right);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const rss1 = process.memoryUsage().rss;
process.stdout.write(
  JSON.stringify({
    N, M, outcome: r.outcome, states: r.distinctStates, edges: r.edges, depth: r.depth, seconds,
    bytesPerState: r.bytesPerState, rssDeltaPerState: (rss1 - rss0) / r.distinctStates,
  }) + '\n',
);
