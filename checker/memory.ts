/**
 * The memory guard of `--max-memory SIZE`: a search stops cleanly (outcome
 * `incomplete`, reason `max-memory`, with the partial report and every trace
 * it had found so far) before the process's resident set passes a budget,
 * instead of running the machine into swap. The search asks before each
 * allocation that doubles a structure (the fingerprint table) and every 1,024
 * states (the frontier and the JS heap grow in small steps), where a search on
 * one thread far from its limit reads the resident set only every few of those
 * asks ({@link MemoryGuard.regular}).
 */
import { totalmem } from 'node:os';

/** The process's resident set now, in bytes. */
const rssNow = (): number => process.memoryUsage.rss();

/**
 * What a search is taken to add to the resident set at most between two of
 * its regular asks ({@link MemoryGuard.regular}, every 1,024 states): 64 KiB
 * a state, far above what any model here holds a state (the flat path ~20-60
 * bytes, nested states a few KiB at most).
 */
const STEP_BYTES = 64 * 1024 ** 2;
/** The most regular asks in a row that {@link MemoryGuard.regular} answers without reading the resident set. */
const MAX_SKIPS = 63;

export class MemoryGuard {
  /** What the last read found free under the limit, less what it was asked for (bytes; negative past it). */
  private room = 0;
  /** Regular asks still to answer without a read ({@link regular}). */
  private skips = 0;
  /**
   * `reserved`: bytes the resident set is known to take soon that it does not
   * hold yet, counted as if they were (the multi-worker search: the workers
   * still loading, {@link WORKER_BYTES} each).
   */
  constructor(
    readonly limit: number,
    private readonly reserved?: () => number,
    /** Waits until nothing is reserved (the workers have loaded): a budget passed only with the reserve is asked again then. */
    private readonly settle?: () => void,
    /** The resident set now, in bytes (tests give a measure of their own, test/memoryGuard). */
    private readonly residentSet: () => number = rssNow,
  ) {}
  /**
   * Whether allocating `extra` more bytes would put the resident set past the
   * limit. Idle workers the process keeps for a later search (parallel.ts's
   * pool) are in the resident set but not the search's: past the limit, the
   * guard ends them and counts on {@link IDLE_WORKER_BYTES} back from each.
   */
  over(extra: number): boolean {
    const reserved = this.reserved ? this.reserved() : 0;
    const rss = this.residentSet() + reserved;
    // what is left once `extra` is taken; the regular asks skipped on an older read are asked again (regular)
    this.room = this.limit - rss - extra;
    this.skips = 0;
    if (rss + extra <= this.limit) return false;
    if (reserved > 0 && this.settle) {
      // the estimate of what is still loading is in the way: ask again with what they hold once loaded
      this.settle();
      return new MemoryGuard(this.limit, this.reserved, undefined, this.residentSet).over(extra);
    }
    const idle = idleWorkers?.count() ?? 0;
    if (idle === 0) return true;
    idleWorkers!.release();
    return rss + extra - idle * IDLE_WORKER_BYTES > this.limit;
  }
  /**
   * The one-thread search's regular ask (every 1,024 states, nothing to
   * allocate): {@link over}(0), but a read that finds R bytes of room under
   * the limit answers the next floor(R / STEP_BYTES) - 1 asks (at most
   * {@link MAX_SKIPS}) without reading again, since 1,024 states cannot add
   * {@link STEP_BYTES} to the resident set. A read costs a /proc read
   * (`process.memoryUsage.rss`: 10-60 us on this VM, 430 a run at ring-weak
   * under the default budget, 7 now); near the limit every ask reads, as
   * before. A doubling of the table asks {@link over} itself, always read.
   */
  regular(): boolean {
    if (this.skips > 0) {
      this.skips--;
      return false;
    }
    if (this.over(0)) return true;
    this.skips = Math.min(MAX_SKIPS, Math.max(0, Math.floor(this.room / STEP_BYTES) - 1));
    return false;
  }
}

/**
 * The idle workers of this thread's pool (checker/parallel.ts registers it:
 * only a thread that starts multi-worker searches has one).
 */
export interface IdleWorkers {
  count(): number;
  /** Ends them all (their threads give their memory back within milliseconds). */
  release(): void;
}
let idleWorkers: IdleWorkers | undefined;
export function registerIdleWorkers(w: IdleWorkers): void {
  idleWorkers = w;
}
/**
 * The least an idle worker holds of the resident set: 21 MiB measured for a
 * plain-JS worker after a small search, 31 MiB with the TypeScript hooks'
 * thread, 35 MiB after ring-notify 8x24 (docs/perf/2026-12-05b-pool.md).
 */
export const IDLE_WORKER_BYTES = 20 * 1024 ** 2;

/**
 * What a worker thread of the multi-worker search adds to the resident set
 * once it has loaded the model and run its first states (its V8 isolate,
 * the modules, the model's compiled code): measured 17-20 MiB a worker for
 * ring-notify and 28-34 MiB for xenbus, 2 to 8 workers started by a process
 * with the TypeScript hooks (docs/perf/2026-12-06d-engine.md §2). The search
 * starts its threads only if they fit in the budget at this much each, and
 * its memory guards count the workers not loaded yet at this much each, or at
 * what a loaded one measured it holds when that is more (parallelWorker.ts
 * loadedBytes: a model whose module allocates at import); under a budget with
 * little room the first thread starts alone, the others once they fit at what
 * it measured (parallel.ts STAGGER_BYTES), so a heavier model's workers do not
 * pass the budget by the difference while they load.
 */
export const WORKER_BYTES = 32 * 1024 ** 2;
/**
 * What a loaded worker thread holds of the resident set beyond what it can
 * measure from inside (its isolate's heap, malloc'd and external memory:
 * parallelWorker.ts loadedBytes): its stack, V8's code and isolate
 * structures outside the heap.
 */
export const WORKER_THREAD_BYTES = 8 * 1024 ** 2;
/**
 * The TypeScript hooks' thread of a worker that runs under them (a model
 * file's: bin/worker.mjs registers them in each worker), an isolate of its
 * own that the worker's heap figures do not show: a worker of the heavy-load
 * fixture measured 92.8 MiB from inside and added 102 MiB to the resident set.
 */
export const WORKER_HOOKS_BYTES = 12 * 1024 ** 2;

const UNITS: Record<string, number> = {
  '': 1, b: 1,
  k: 1024, kb: 1000, kib: 1024,
  m: 1024 ** 2, mb: 1000 ** 2, mib: 1024 ** 2,
  g: 1024 ** 3, gb: 1000 ** 3, gib: 1024 ** 3,
  t: 1024 ** 4, tb: 1000 ** 4, tib: 1024 ** 4,
};

/**
 * A size such as `512M`, `1.5G`, `2GiB`, `300MB` or `1000000` (bytes): K, M,
 * G, T and KiB... are powers of 1024, KB, MB... powers of 1000. Returns an
 * error message for anything else.
 */
export function parseSize(text: string): number | string {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) return `expected a size such as 512M, 2G or 1500MB, got '${text}'`;
  const n = Math.floor(Number(m[1]) * unit);
  if (!(n > 0)) return `a size must be positive, got '${text}'`;
  // past 2^53 bytes a count of bytes is no longer exact (and '1e400T' is Infinity)
  if (!Number.isSafeInteger(n)) return `a size must be at most 8191T (2^53 - 1 bytes), got '${text}'`;
  return n;
}

/** The budget when none is given: 3/4 of the machine's memory (the same on every run, whatever else runs). */
export function defaultMemoryLimit(): number {
  return Math.floor(totalmem() * 0.75);
}

export function fmtBytes(n: number): string {
  return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GiB` : `${Math.round(n / 1024 ** 2)} MiB`;
}
