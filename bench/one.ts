/**
 * One benchmark run in a fresh process: ring-notify at N x M on W workers
 * (1: the single-threaded search), printed as one JSON line (states, edges,
 * seconds, bytes per state, RSS growth per state, peak RSS).
 * Usage: node --import ./bin/register.mjs bench/one.ts N M [W]
 */
import * as E from 'fp-ts/lib/Either.js';
import { check } from '../checker/explore.js';
import { checkParallel } from '../checker/parallel.js';
import { workerSystemLoader } from '../cli/workerSystem.js';
import { ringNotify } from '../model/ringNotify.js';
import { bind } from '../properties/bind.js';

const [N, M, W = 1] = process.argv.slice(2).map(Number);
const params = { ringSize: N!, messages: M! };
const sys = bind(ringNotify, params);
if (E.isLeft(sys)) throw new Error(sys.left);
const rss0 = process.memoryUsage().rss;
const t0 = process.hrtime.bigint();
// With workers, the time includes starting them (each loads the model itself).
const r = W > 1 ? await checkParallel(sys.right, {}, { loader: workerSystemLoader, args: { model: 'ring-notify', params } }, W) : check(sys.right);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const rss1 = process.memoryUsage().rss;
process.stdout.write(
  JSON.stringify({
    N, M, W, outcome: r.outcome, states: r.distinctStates, edges: r.edges, depth: r.depth, seconds,
    bytesPerState: r.bytesPerState, rssDeltaPerState: (rss1 - rss0) / r.distinctStates,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }) + '\n',
);
