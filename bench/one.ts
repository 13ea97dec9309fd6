/**
 * One benchmark run in a fresh process: ring-notify at N x M on W workers
 * (1: the single-threaded search), printed as one JSON line (states, edges,
 * seconds, bytes per state, RSS growth per state, peak RSS; the process's
 * CPU seconds, user + sys, and `searchCpu`: the W busiest threads' on Linux,
 * the search threads without V8's compiler and GC threads, which vary under
 * load; docs/perf/2026-12-05d-engine.md).
 * Usage: node --import ./bin/register.mjs bench/one.ts N M [W]
 */
import * as E from 'fp-ts/lib/Either.js';
import { readdirSync, readFileSync } from 'node:fs';
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
/** The CPU seconds (user + sys) of each of this process's threads, from /proc/self/task (Linux; else none). */
function threadsCpu(): number[] {
  try {
    return readdirSync('/proc/self/task').map((t) => {
      const s = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      return (Number(f[11]) + Number(f[12])) / 100;
    });
  } catch {
    return [];
  }
}
const ru = process.resourceUsage();
const busiest = threadsCpu().sort((a, b) => b - a).slice(0, W);
process.stdout.write(
  JSON.stringify({
    N, M, W, outcome: r.outcome, states: r.distinctStates, edges: r.edges, depth: r.depth, seconds,
    bytesPerState: r.bytesPerState, rssDeltaPerState: (rss1 - rss0) / r.distinctStates,
    peakRssMiB: ru.maxRSS / 1024,
    cpu: (ru.userCPUTime + ru.systemCPUTime) / 1e6,
    ...(busiest.length ? { searchCpu: +busiest.reduce((a, b) => a + b, 0).toFixed(2) } : {}),
  }) + '\n',
);
