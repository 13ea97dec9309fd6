/**
 * The shared control block of the multi-worker search (parallel.ts,
 * parallelWorker.ts): slots of one Int32Array, per-worker statistics in a
 * Float64Array, and what a worker is started with.
 */
import type { MessagePort } from 'node:worker_threads';
import type { GraphTransfer } from './graph.js';
import type { CheckResult } from './report.js';
import type { LinksTransfer } from './store.js';
import type { ObservableWitnesses } from './trace.js';

/** Slots of the control Int32Array. */
export const C = {
  /** Barrier generation and arrivals. */
  GEN: 0,
  COUNT: 1,
  /** Next chunk of the level to claim. */
  CURSOR: 2,
  /** 1: the search is over, workers return. */
  PHASE: 3,
  /** Set by the main thread on Ctrl-C (or by a worker that failed). */
  INTERRUPT: 4,
  /** The table is too full for this level: worker 0 grows it and the level is done again. */
  ABORT: 5,
  /** Generation of the shared table (workers take a new one from their port when it changes). */
  TABLE_GEN: 6,
  CUR_LEN: 7,
  CHUNK: 8,
  LEVEL: 9,
  /** Distinct states so far (worker 0, for progress lines). */
  STATES: 10,
  QUEUE: 11,
  /** Which of the two frontier buffers holds the current level. */
  FRONT: 12,
  ERROR: 13,
  /** A violation, deadlock or bound in this level: stop; worker 0 runs the level alone. */
  STOP: 14,
  /** New states the table takes in this level before it must grow. */
  ROOM: 15,
  /** New states in this level that would reach maxStates. */
  TO_CUT: 16,
  OUT_OF_MEMORY: 17,
  /** 1 while every worker expands a level: the progress figures are then the published ones plus the workers' running counts. */
  IN_LEVEL: 18,
  /** Odd while worker 0 publishes the figures of a level end (a sequence lock for ParallelSearch.stats). */
  SEQ: 19,
  /** 1: the level is merged by every worker (parallelWorker.ts, mergeTogether); 0: by worker 0 alone. */
  PAR_MERGE: 20,
  /** The mask of the level's claims table (slots - 1; the shared map slot -> least chunk). */
  CLAIM_MASK: 21,
  /** Bits of the claims table's bit array (a power of 2), after its entries. */
  CLAIM_BITS: 22,
  /**
   * 1: the level just expanded is merged by every worker. Decided once, by
   * the last worker to reach the level-expanded barrier, while the others
   * wait there (parallelWorker.ts, `decide`).
   */
  MERGE: 23,
  /**
   * Not 0: every worker re-places its part of the table grown in place from
   * this many home slots, after the level-start barrier (parallelWorker.ts,
   * `rehashTogether`); its part is [WS.REHASH_FROM, WS.REHASH_TO).
   */
  REHASH: 24,
  /**
   * Per level merged by every worker, each worker but worker 0 adds 1 here
   * once its part of the next frontier, its parent links and its part of the
   * table's flags are written (parallelWorker.ts, `mergeTogether`); worker 0
   * waits for the count only before it reads them (`awaitWritten`).
   */
  WRITTEN: 25,
  /**
   * The claims table's generation (1 to CLAIM_GENS - 1), one a level every
   * worker expands: an entry or a bit-array word is of the level when its
   * stamp is this, so no one clears the table between levels
   * (parallelWorker.ts, `claim`).
   */
  CLAIM_GEN: 26,
  /** Entries the level's claims table has taken so far (worker 0 zeroes it at the level's set-up). */
  CLAIM_COUNT: 27,
  /** The level's stamp of the shared table's flags (store.ts, SharedFingerprints.stamp). */
  FLAG_STAMP: 28,
  /**
   * Workers started for this search that have not loaded the model yet: the
   * memory guards count {@link WORKER_BYTES} (memory.ts) for each (parallel.ts
   * sets it, a new worker takes 1 off once loaded).
   */
  UNLOADED: 29,
  /** 1 once the states of the levels before are in the bit array (`--store bitstate`: parallelWorker.ts bitsAtLevelStart). */
  BITS_ON: 30,
  /**
   * 1: after the level-start barrier, every worker sets its part of the
   * table's states into the bit array and empties that part
   * (parallelWorker.ts `foldTogether`), then reports its counts in
   * [WS.FOLD_STATES, WS.FOLD_ONES].
   */
  FOLD: 31,
  /** Per worker, WSTRIDE slots from here: [new states inserted in this level, states expanded in this level]. */
  WORKER: 32,
} as const;
/**
 * Levels smaller than this run on worker 0 alone: `parallelFrom` when it is
 * given (PVCHECK_PARALLEL_FROM; 1: every level on every worker), otherwise
 * the states worker 0 expands in {@link ALONE_MS} at `msPerState` (the wall
 * ms a state took it in the last levels: Worker.msPerState), from
 * {@link ALONE_FLOOR} to {@link ALONE_CAP} states; the floor before any
 * measure (0). A level on every worker costs its barriers, its merge and its
 * table's growth in parts, 1-3 ms on a quiet machine whatever its size (the
 * lead's quiet profile of ring-notify 8x64 at 24b6d1b: its 54 levels of
 * 2,000-8,000 states took each worker 1.27 us of wall a state of the level,
 * 1.3-2.8 ms a level beside the expansion; docs/perf/2026-12-06b-engine.md).
 * Ring-notify's states (0.4-0.9 us each) gain from it only past about 5,000-
 * 10,000 states a level; xenbus's (25 us and more) from 2,000 on, where the
 * floor keeps them, as before (a fixed 2,000 states: 2026-12-05c-engine.md).
 */
export function aloneBelow(parallelFrom: number, msPerState: number): number {
  if (parallelFrom > 0) return parallelFrom;
  if (!(msPerState > 0)) return ALONE_FLOOR;
  return Math.max(ALONE_FLOOR, Math.min(ALONE_CAP, Math.floor(ALONE_MS / msPerState)));
}
/** See {@link aloneBelow}: the wall time of a level worker 0 runs alone (ms), the fewest and the most states of one. */
export const ALONE_MS = 4;
export const ALONE_FLOOR = 2000;
export const ALONE_CAP = 16000;

/** A worker's running counts of the level (slots from C.WORKER + index * WSTRIDE), shared every 64 states it expands. */
export const WS = {
  NEWS: 0, EXPANDED: 1, REHASH_FROM: 2, REHASH_TO: 3, FOLD_STATES: 4, FOLD_ONES: 5,
  /** KiB the worker holds once loaded, as it measured them (a fresh worker's: parallelWorker.ts loadedBytes); 0 before. */
  LOADED_KIB: 6,
} as const;
/**
 * 128 bytes a worker: each writes its counts every 64 states it expands and
 * reads the others', so no two workers' counts may share a cache line (64
 * bytes; 128 with the adjacent line the processor fetches with it): at 32
 * bytes, two workers' counts were in one line, which moved between their
 * cores at every share (about 180,000 times a worker on ring-notify 8x64).
 */
export const WSTRIDE = 32;
export const CTL_SLOTS = (workers: number) => C.WORKER + workers * WSTRIDE;

/**
 * Per worker, in the statistics Float64Array (FSTRIDE slots each, then the
 * total of edges and the id of the next level's first state); EDGES is also
 * shared during a level. After the rules' FIRED counts: per observable, the
 * level's [min, its id, max, its id] among the states the worker merged.
 */
export const F = { EDGES: 0, TERMINALS: 1, MAX_OUT: 2, FIRED: 3 } as const;
export const fstride = (rules: number, observables = 0) => Math.ceil((F.FIRED + rules + 4 * observables) / 16) * 16; // 128 bytes each (WSTRIDE): a worker's EDGES, written every 64 states, in no other worker's cache line

/** Chunk records [owner, first and end candidate, first and end edge, winners] in the chunks Int32Array (CHUNK_INTS ints each). */
export const MAX_CHUNKS = 1 << 16;
export const CHUNK_INTS = 6;

/**
 * `--store bitstate` on workers: the shared bit array (parallelWorker.ts: read
 * by every worker during a level, written by worker 0 between levels) and,
 * for the default (bitstate.ts ExactThenBits), the bytes the exact table may
 * take before its fingerprints are folded into the array.
 */
export interface SharedBitsSpec {
  readonly sab: SharedArrayBuffer;
  readonly bytes: number;
  readonly hashes: number;
  readonly seed: number;
  readonly exactBytes?: number;
}

export interface WorkerOptions {
  /** `--store bitstate`: the bit array (absent: the full table). */
  readonly bits?: SharedBitsSpec;
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly maxMemory?: number;
  readonly checkDeadlock: boolean;
  /** Levels smaller than this are run by worker 0 alone (0: as many as it expands alone in about 4 ms, from 2,000 to 16,000). */
  readonly parallelFrom: number;
  /** Worker 0 sends a SHA-256 digest of the parent links with the result (tests). */
  readonly linksDigest?: boolean;
  /**
   * Tests (PVCHECK_TEST_MERGE_DELAY=ms): a schedule that makes a late reader
   * of a level's merge decision see what worker 0 does after it. Worker 0
   * waits ms before it claims a chunk of a level (the others claim the first
   * ones), the others wait 2 ms after the level's expansion before they read
   * whether it is merged, and worker 0 waits 4 ms before it runs alone a
   * level that every worker expanded (parallelWorker.ts, `decide`). Before
   * the second step of a level's merge, where each worker reads the level's
   * claims table, worker 0 waits ms on every other level merged and the
   * others on the rest: worker 0 then sets up the next level while they
   * read, and must not clear the table before they are done with it
   * (parallelWorker.ts, `newClaimsTable`).
   */
  readonly mergeDelay?: number;
  /** Each worker prints where its time went when the search ends (PVCHECK_WORKER_TIMES=1: measurements). */
  readonly times?: boolean;
  /** With `times`: when the search began in the main thread (performance.timeOrigin + performance.now() there, ms). */
  readonly t0?: number;
}

/**
 * Worker 0's result as it is posted: the observables' paths to their witnesses
 * instead of their traces (parallel.ts makes them lazy: trace.ts lazyObservable).
 */
export type WorkerResult<S> = Omit<CheckResult<S>, 'observables'> & { readonly observables?: readonly ObservableWitnesses[] };

/**
 * Worker 0, for a search handed over by the single-threaded one at the start
 * of a level (search.ts `handOver`): where it stopped. The level's words are
 * in the first frontier buffer, the fingerprints in the shared table.
 */
export interface ResumeState {
  /** The depth of the level to expand next. */
  readonly level: number;
  /** Its states' ids: curFirst ... curFirst + curLen - 1. */
  readonly curFirst: number;
  readonly curLen: number;
  readonly links: LinksTransfer;
  readonly edges: number;
  readonly terminals: number;
  /** Per rule, the times it fired. */
  readonly fired: Float64Array;
  /** The most transitions of a state so far. */
  readonly maxOut: number;
  /** The observables' extremes so far ([min, its id, max, its id] each). */
  readonly observables?: Float64Array;
  readonly graph?: GraphTransfer;
}

export interface WorkerInit {
  readonly index: number;
  readonly workers: number;
  /** URL of a module exporting `loadSystem(args, modules)`. */
  readonly loader: string;
  readonly args: unknown;
  /** The modules the loader's `ownModules` named, as this worker imports them (parallel.ts SystemSource). */
  readonly modules: readonly string[];
  readonly ctl: SharedArrayBuffer;
  readonly stats: SharedArrayBuffer;
  readonly chunks: SharedArrayBuffer;
  readonly table: SharedArrayBuffer;
  /** The table's flags (store.ts, SharedFingerprints.flags). */
  readonly flags: SharedArrayBuffer;
  /** With AG EF goals: the table's per-slot ids. */
  readonly ids?: SharedArrayBuffer;
  /** Per worker, with AG EF goals: the level's edges. */
  readonly edges: SharedArrayBuffer[];
  readonly front: SharedArrayBuffer[];
  readonly cands: SharedArrayBuffer[];
  /** The claims table of a level merged by every worker: (slot + 1, stamp + least chunk + 1) pairs, then a bit array (parallelWorker.ts, `claim`). */
  readonly claims: SharedArrayBuffer;
  /** The next level's parent links as every worker writes them: (parent position, transition) pairs. */
  readonly nlinks: SharedArrayBuffer;
  /** Worker 0: a port to each other worker; the others: one port to worker 0. */
  readonly ports: MessagePort[];
  readonly rules: number;
  readonly observables: number;
  readonly options: WorkerOptions;
  /** Worker 0 of a search handed over: where the single-threaded search stopped. */
  readonly resume?: ResumeState;
  /** A thread started for this search (not an idle one kept from an earlier search): counted in C.UNLOADED until it has loaded. */
  readonly fresh: boolean;
}
