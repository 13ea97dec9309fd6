/**
 * The process's resident set as a test that sets a memory budget from it
 * should read it: with nothing kept between searches. A process keeps idle
 * workers of the multi-worker search (checker/parallel.ts, 21-35 MiB each)
 * and the codecs of the shapes it checked (checker/codec.ts, up to 8,000
 * leaves: a few MiB of generated code each), and garbage not yet collected;
 * a budget set from a resident set that holds them moves with the tests that
 * ran before (the memory guard ends idle workers past the budget, a
 * collection gives back more than a budget's margin), which is how
 * test/workersCuts' memory-guard case once stopped tripping.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { closeWorkerPool } from '../../checker/parallel.js';
import { clearCodecCache } from '../../checker/codec.js';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/**
 * Ends the idle workers (unless `keepIdleWorkers`: a test of them), empties
 * the codec cache, collects garbage until the resident set stops falling,
 * and returns it (bytes).
 */
export async function settledResidentSet(opt: { readonly keepIdleWorkers?: boolean } = {}): Promise<number> {
  if (!opt.keepIdleWorkers) await closeWorkerPool();
  clearCodecCache();
  let rss = process.memoryUsage.rss();
  for (let i = 0; i < 5; i++) {
    collect();
    await new Promise((res) => setTimeout(res, 20));
    const now = process.memoryUsage.rss();
    if (now >= rss - (1 << 20)) return now;
    rss = now;
  }
  return process.memoryUsage.rss();
}
