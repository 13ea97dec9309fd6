/**
 * The multi-worker search (`--workers N`): breadth-first, level by level, on
 * N worker threads that share one lock-free fingerprint table in a
 * SharedArrayBuffer (store.ts, `SharedFingerprints`: compare-and-swap on a
 * slot's high word, as in Laarman, van de Pol and Weber, FMCAD 2010). Each
 * worker loads the system itself (a loader module and its arguments: a
 * built-in model's name or a user's model file, and the parameters), so
 * rules run where the states are; only packed words cross threads.
 *
 * One level: the workers claim chunks of the frontier (an atomic cursor, so a
 * slow or descheduled worker does not hold the others), expand their states,
 * and insert each successor into the shared table, flagged as found in this
 * level. A worker records every successor it finds flagged (whoever inserted
 * it) with its parent's position and its transition index, chunk by chunk.
 * Then worker 0 merges: chunk by chunk in frontier order, candidate by
 * candidate, the first candidate of a flagged slot takes it (the flag is
 * cleared), gets the next id and a parent link, and joins the next frontier.
 * Since chunks are merged in frontier order and each worker's candidates of a
 * chunk are in transition order, a state's parent and transition are the
 * least in BFS order, exactly those the single-threaded search records: the
 * ids, the parent links, the next frontier and so every trace are the same
 * for every N.
 *
 * A level in which the search ends (an invariant fails in a new state, a state
 * deadlocks, maxStates is reached) and every small level are run by worker 0
 * alone with the single-threaded search's own loop (states found flagged by
 * an interrupted parallel attempt of the level count as new), so the
 * violation reported, its trace and every count are those of `--workers 1`.
 * The table grows between levels (worker 0 rehashes and sends the new buffer
 * to the others); it is sized so that a level cannot fill it, and if one does
 * anyway the level's insertions are dropped and the level is done again.
 *
 * With AG EF goals, the table keeps each slot's id, the workers record every
 * edge as (parent position, target slot), and worker 0 adds them to the graph
 * once the level's ids are known; the AG EF check runs after the search, as
 * on one thread.
 *
 * Every system the single-threaded search runs on the packed path runs here
 * (a flat layout, or a shape with or without symmetry: the workers use the
 * same codec and fingerprint, packed.ts, so a state's representative is the
 * same in every thread); the others run on the single-threaded search (see
 * `parallelReason`).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { threadCpuMs } from './threadCpu.js';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { C, CHUNK_INTS, CTL_SLOTS, F, MAX_CHUNKS, WS, WSTRIDE, fstride, type ResumeState, type WorkerInit, type SharedBitsSpec, type WorkerOptions, type WorkerResult } from './parallelLayout.js';
import { coverageOf, type CheckResult, type Stats } from './report.js';
import { collisionProbability } from './hash.js';
import { ParentLinks, SharedFingerprints, normHigh, normLow } from './store.js';
import { IDLE_WORKER_BYTES, MemoryGuard, WORKER_BYTES, defaultMemoryLimit, registerIdleWorkers } from './memory.js';
import { autoBitstate } from './bitstate.js';
import type { CheckOptions, SearchHandOver } from './search.js';
import type { System } from './system.js';
import { lazyObservable } from './trace.js';
import { ObservableExtremes } from './graph.js';

/**
 * Where the workers get the system: a module exporting `loadSystem(args,
 * modules)` (a System or a promise of one). The module may also export
 * `plainJs(args)`: true when `loadSystem(args)` loads nothing but the modules
 * it imports statically and those `ownModules(args)` names (their URLs; a
 * built-in model's own module, not a user's file); the workers then run
 * plain-JS copies of them, without TypeScript hooks (bin/worker-js.mjs), and
 * `modules` are the copies of `ownModules(args)` (else those URLs).
 */
export interface SystemSource {
  readonly loader: string;
  readonly args: unknown;
}

/** The most workers the machine could use: its available parallelism. */
export const defaultWorkers = (): number => availableParallelism();

/** How busy the machine is, as the default number of workers is chosen from it. */
export interface MachineLoad {
  /** os.availableParallelism(). */
  readonly cores: number;
  /** os.loadavg()[0]: runnable threads averaged over the last minute (this process's included). */
  readonly load1: number;
  /**
   * The cores the rest of the machine kept busy over a recent sample (the
   * first second of the search, on one thread): all CPU time (os.cpus())
   * minus this process's own (process.cpuUsage()), over the elapsed time.
   * Undefined when not sampled: the load average stands for it.
   */
  readonly othersBusy?: number;
}

export interface WorkerChoice {
  readonly workers: number;
  /** Why, in words, for the JSON report and the first progress line. */
  readonly reason: string;
}

/**
 * A worker must find about this much of a free core or it makes the search
 * slower: two workers run ring-notify 8x64 about 1.25 times as fast as one
 * on two free cores (docs/performance.md), and a worker that waits for the
 * processor holds the others at each level's barriers (measured: xenbus
 * hostile, 26.9 s with 2 workers against 10.8 s with 1 at load 7).
 */
const FREE_CORE_PER_WORKER = 0.6;

/**
 * The default number of workers for a load (a pure function: cli/check.ts
 * samples the machine). The cores the rest of the machine leaves free are
 * counted; the first worker runs whatever the load, the k-th needs k - 1
 * free cores and {@link FREE_CORE_PER_WORKER} of one more.
 */
export function chooseWorkers(m: MachineLoad): WorkerChoice {
  const cores = Math.max(1, Math.floor(m.cores));
  const sampled = m.othersBusy !== undefined && Number.isFinite(m.othersBusy);
  const others = Math.max(0, sampled ? m.othersBusy! : Number.isFinite(m.load1) ? m.load1 : 0);
  const free = Math.max(0, cores - others);
  const workers = Math.max(1, Math.min(cores, Math.floor(free + 1 - FREE_CORE_PER_WORKER + 1e-9)));
  if (cores === 1) return { workers: 1, reason: 'the machine has one core' };
  const busy = sampled
    ? `the rest of the machine kept ${others.toFixed(1)} of ${cores} cores busy over the first second (load average ${m.load1.toFixed(1)})`
    : `load average ${m.load1.toFixed(1)} on ${cores} cores`;
  const room = `${busy}; ${free.toFixed(1)} free`;
  return workers === cores
    ? { workers, reason: `${room}: room for ${workers} workers` }
    : { workers, reason: `${room}: ${workers === 1 ? 'one worker' : `${workers} workers`} (a worker short of a core holds the others back at every level)` };
}

/** The start of a level of the one-thread search, as cli/check.ts notes it while it may go to the workers. */
export interface LevelMark {
  readonly depth: number;
  /** States of the level about to be expanded. */
  readonly size: number;
  /** Distinct states found so far, this level's included. */
  readonly states: number;
  /** Milliseconds of CPU time this process spent since the search began (the one thread's, on a busy machine too). */
  readonly ms: number;
  /**
   * Of `ms`, the milliseconds spent by the process's other threads than the search's (V8's compiler and GC
   * threads: {@link mainThreadCpuMs}), when they can be told apart: what a worker's own isolate will spend
   * again to compile the same code. With it, {@link handOverPays} charges the workers' start.
   */
  readonly otherMs?: number;
}

/** Whether the workers would pay at a level start, and why in words. */
export interface HandOverCall {
  readonly pays: boolean;
  /** The seconds of CPU the levels so far leave to the one thread (an estimate). */
  readonly left: number;
  /** The least `left` for which the workers pay: the threshold, or the workers' start where it is charged (workerStartCharge). */
  readonly need?: number;
  readonly why: string;
}

/**
 * The least work left on one thread, in seconds, for which the default hands
 * the search to the workers. Starting them costs about a second of CPU
 * (each compiles its code again) and two workers run 1.2-1.5 times as fast
 * as one, so less than a second left ends sooner on one thread:
 * netif-tx (137,828 states) took 1.7 s CPU on one thread and 3.6 s once
 * handed over after its first second (docs/perf/2026-12-05d-pool.md).
 */
export const HANDOVER_MIN_SECONDS = 1;

/**
 * What starting the workers costs, charged by {@link handOverPays} when a mark says how much CPU the
 * process's other threads took (`otherMs`): each worker is a new V8 isolate that loads the model again
 * (WORKER_LOAD_SECONDS: PVCHECK_WORKER_TIMES's `load`, 0.29-0.30 s for xenbus, 2026-12-07) and compiles
 * the same code again (about what the one thread's compiler threads took so far, at most
 * WORKER_COMPILE_CAP_SECONDS), and the workers' search costs WORKER_STATE_FACTOR times the CPU a state of
 * the one thread (1.4-1.7 on xenbus and ring weak: docs/perf/2026-12-07-engine.md section 1). With W
 * seconds left on one thread, k workers take about start + f W / k, less than W only from
 * W = start / (1 - f / k): 4 x start for two workers. xenbus events=4 handed over with 1.1 s left on an
 * idle machine ran 3.00 s instead of 2.14 s on one thread.
 */
export const WORKER_LOAD_SECONDS = 0.3;
export const WORKER_COMPILE_CAP_SECONDS = 1;
export const WORKER_STATE_FACTOR = 1.5;

/** The least work left (s) for which `workers` workers pay, given the other threads' CPU so far (`otherMs`), or 0 when unknown. */
export function workerStartCharge(otherMs: number | undefined, workers: number): number {
  if (otherMs === undefined || !Number.isFinite(otherMs) || workers <= 1) return 0;
  const start = WORKER_LOAD_SECONDS + Math.min(WORKER_COMPILE_CAP_SECONDS, Math.max(0, otherMs) / 1000);
  return workers <= WORKER_STATE_FACTOR ? Infinity : start / (1 - WORKER_STATE_FACTOR / workers);
}

/**
 * This thread's CPU milliseconds so far (Linux: /proc/thread-self/schedstat, the first field, nanoseconds
 * on the CPU), or NaN where it cannot be read. In the main thread, process CPU minus this is what V8's
 * compiler and GC threads took ({@link LevelMark}'s `otherMs`).
 */
export const mainThreadCpuMs: () => number = threadCpuMs;

/** States expanded per second over at least this window of the last levels (ring-notify's levels take 10 ms). */
const RATE_WINDOW_MS = 200;

/**
 * Whether to hand the one-thread search to the workers at the level start
 * `marks` ends with (a pure function: cli/check.ts notes a level start
 * every 25 ms or so, and asks at each once the first second is over). The
 * work left is estimated from the levels' sizes: while they grow, the search
 * is short of its widest level and about as many states are still to come as
 * were found so far (a breadth-first profile rises and falls); once they
 * shrink, by the ratio g of a level to the one before (from the last two
 * marks), a geometric tail of size / (1 - g) states, at most the states so far. That many states at the rate of the last levels
 * (the first second's mean would count the compiler's warm-up), in CPU time
 * so that a busy machine does not make the search look longer, is the time
 * left; the workers pay from `minSeconds` of it.
 */
export function handOverPays(marks: readonly LevelMark[], minSeconds = HANDOVER_MIN_SECONDS, workers = 2): HandOverCall {
  const last = marks[marks.length - 1];
  if (!last) return { pays: false, left: 0, why: 'no level started yet' };
  const prev = marks[marks.length - 2];
  let from = marks.length - 2;
  while (from > 0 && last.ms - marks[from]!.ms < RATE_WINDOW_MS) from--;
  if (from === 0 && last.ms - marks[0]!.ms < RATE_WINDOW_MS) from = -1; // from the search's start
  const base = from >= 0 ? marks[from]! : { size: 0, states: 0, ms: 0 };
  const expanded = last.states - last.size - (base.states - base.size);
  const rate = expanded / (Math.max(1, last.ms - base.ms) / 1000);
  // a level's size against the one before, from the last two marks (cli/check.ts notes a level start every 25 ms or so)
  const growth = prev && prev.size > 0 && last.depth > prev.depth ? (last.size / prev.size) ** (1 / (last.depth - prev.depth)) : 1;
  const states = growth >= 1 ? last.states : Math.min(last.states, last.size / (1 - growth));
  const left = rate > 0 ? states / rate : Infinity;
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  // the workers' start (a mark that knows the other threads' CPU): the least work left for which they pay
  const charge = workerStartCharge(last.otherMs, workers);
  const why =
    `about ${left.toFixed(1)} s of CPU left on one thread by the levels so far ` +
    `(depth ${last.depth}: ${n(last.size)} states, ${growth.toFixed(2)}x the last; ${n(rate)} states/s)` +
    (charge > minSeconds
      ? `; ${workers} workers pay from ${charge.toFixed(1)} s left (each loads the model and compiles again: ${(last.otherMs! / 1000).toFixed(2)} s of compiler and GC threads so far)`
      : '');
  const need = Math.max(minSeconds, charge);
  return { pays: left >= need, left, need, why };
}

/** A sample of the machine's CPU time and this process's, for {@link othersBusy}. */
export interface CpuSample {
  readonly at: number;
  /** Milliseconds of non-idle CPU time, summed over the machine's CPUs. */
  readonly machineBusyMs: number;
  /** Milliseconds of CPU time of this process (every thread). */
  readonly ownMs: number;
}

export function cpuSample(): CpuSample {
  let busy = 0;
  for (const c of cpus()) busy += c.times.user + c.times.nice + c.times.sys + c.times.irq;
  // process.hrtime, not performance.now(): the first read of the global `performance` loads perf_hooks (~1 ms a process quiet)
  return { at: Number(process.hrtime.bigint()) / 1e6, machineBusyMs: busy, ownMs: ownCpuMs() };
}

/** Milliseconds of CPU this process has used (user + system), e.g. for {@link LevelMark}'s `ms`. */
export function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The cores the rest of the machine kept busy between two samples (undefined if too short to tell). */
export function othersBusy(a: CpuSample, b: CpuSample): number | undefined {
  const ms = b.at - a.at;
  if (!(ms >= 200)) return undefined;
  return Math.max(0, (b.machineBusyMs - a.machineBusyMs - (b.ownMs - a.ownMs)) / ms);
}

/** Why this system runs on one thread whatever the number of workers, or undefined if it can run on several. */
export function parallelReason<S>(sys: System<S>, opt: CheckOptions<S>): string | undefined {
  if (opt.forceGeneric || (!sys.shape && !sys.flat)) return 'nested states without a declared shape run on the generic path, which is single-threaded';
  // The same test as search.ts's choice of path: a flat layout with a canonicalize runs on the generic path.
  if (!sys.shape && sys.canonicalize) return 'symmetry reduction of a flat layout runs on the generic path, which is single-threaded';
  if (opt.onState) return 'the state dump (--dump-states) runs on one thread';
  // The workers merge a level's new states by their slot in the shared fingerprint table (parallelWorker.ts
  // mergeTogether: the least chunk that found a slot wins, which gives one thread's ids). A bit array keeps the
  // levels before and the table the level being built (parallelWorker.ts bitsAtLevelStart); a compact table
  // has no such split (docs/perf/2026-12-06d-engine.md §3).
  if (opt.store && opt.store.kind === 'compact') return `--store ${opt.store.kind} runs on one thread (the workers merge new states by their slot in the full table)`;
  return undefined;
}

/** A search that cannot be handed over to the workers (ParallelSearch with `extras.resume`): start them from scratch instead. */
export class HandOverRefused extends Error {}

const MAX_BUFFER = 2 ** 32 - 65536;
const growable = (bytes: number) =>
  new (SharedArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => SharedArrayBuffer)(bytes, { maxByteLength: MAX_BUFFER });

/** What a test may ask of the multi-worker search beside its result. */
export interface ParallelExtras {
  /** Report a SHA-256 digest of every state's parent link (parent id, transition index), in id order. */
  readonly linksDigest?: boolean;
  /**
   * Go on from where a single-threaded search stopped (search.ts `handOver`)
   * instead of from the initial states: see {@link sharedFromHandOver}.
   */
  readonly resume?: SearchHandOver;
}

/**
 * The shared table and first frontier buffer of a search handed over, and
 * worker 0's part: the single-threaded search's fingerprints copied into a
 * shared table (with the ids, for AG EF goals) sized as worker 0 would have
 * grown it, its level's words into the frontier. Undefined if two of its
 * 64-bit fingerprints are one in the shared table's 63 bits (a collision the
 * workers' own search would have made from the start; never seen): the
 * caller then starts the workers from scratch, as before hand-overs.
 */
function sharedFromHandOver(h: SearchHandOver, withIds: boolean): { table: SharedFingerprints; front: SharedArrayBuffer; resume: ResumeState } | undefined {
  const n = h.links.n;
  // as worker 0 sizes it for a level (parallelWorker.ts perState): twice the mean out-degree so far, at most the most
  const perState = Math.max(1, Math.min(h.maxOut, h.curFirst > 0 ? Math.ceil((2 * h.edges) / h.curFirst) : h.maxOut));
  let slots = 1 << 16;
  while ((n + h.curLen * perState) * 4 > slots * 3) slots *= 2;
  const table = SharedFingerprints.create(slots, withIds);
  let clash = false;
  h.seen.forEach((hi, lo, id) => {
    const r = table.insert(normHigh(hi), normLow(lo), 0);
    if ((r & 3) !== 1) clash = true;
    else if (table.ids) table.ids[r >>> 2] = id;
  });
  if (clash) return undefined;
  let bytes = 1 << 16;
  while (bytes < h.frontier.byteLength) bytes *= 2;
  const front = growable(bytes);
  new Uint32Array(front, 0, h.frontier.length).set(h.frontier);
  const { level, curFirst, curLen, links, edges, terminals, fired, maxOut, observables, graph } = h;
  return { table, front, resume: { level, curFirst, curLen, links, edges, terminals, fired, maxOut, ...(observables ? { observables } : {}), ...(graph ? { graph } : {}) } };
}

/**
 * `--store bitstate` for the workers: the array in a SharedArrayBuffer (its
 * pages are taken as its bits are first set), sized as on one thread
 * (bitstate.ts makeStore: a quarter of the budget and the exact table first
 * with no SIZE, autoBitstate; SIZE bytes from the first level otherwise).
 */
function sharedBits<S>(sys: System<S>, opt: CheckOptions<S>): SharedBitsSpec | undefined {
  const spec = opt.store;
  if (!spec || spec.kind !== 'bitstate') return undefined;
  if (sys.goals?.length) throw new Error('--store bitstate cannot check AG EF goals (recoverability needs the target of every edge): select invariants with -i, or use --store compact');
  const sized = spec.auto ? autoBitstate(opt.maxMemory ?? defaultMemoryLimit()) : { bytes: spec.bytes, exactBytes: spec.exactBytes };
  return {
    sab: new SharedArrayBuffer(sized.bytes),
    bytes: sized.bytes,
    hashes: spec.hashes ?? 3,
    seed: spec.seed ?? 0,
    ...(sized.exactBytes !== undefined ? { exactBytes: sized.exactBytes } : {}),
  };
}

/**
 * The result of a search whose worker threads do not fit in its memory budget
 * (workersFit): it stops as at the budget (`incomplete`, `max-memory`)
 * before starting them, with what the single-threaded search had found when
 * it handed over (`r`: its counts, coverage and observables' witnesses), or
 * nothing for a search from scratch.
 */
function noRoomResult<S>(sys: System<S>, opt: CheckOptions<S>, workers: number, start: number, r: ResumeState | undefined): CheckResult<S> {
  const links = r ? ParentLinks.fromTransfer(r.links) : undefined;
  const n = links ? links.size : 0;
  // the single-threaded search's extremes as it handed them over (graph.ts ObservableExtremes' words)
  const extremes = links && n > 0 && sys.observables?.length ? new ObservableExtremes(sys.observables) : undefined;
  if (extremes && r?.observables) extremes.v.set(r.observables);
  const observables = extremes && sys.observables!.map((o, i) => lazyObservable(sys, extremes.witness(i, o.name, links!)));
  return {
    outcome: 'incomplete',
    incompleteReason: 'max-memory',
    distinctStates: n,
    edges: r ? r.edges : 0,
    depth: r ? r.level : 0,
    queue: r ? r.curLen : 0,
    seconds: (Date.now() - start) / 1000,
    terminalStates: r ? r.terminals : 0,
    deadlockChecked: opt.checkDeadlock ?? true,
    ...coverageOf(sys, r ? r.fired : new Float64Array(sys.rules.length)),
    ...(observables ? { observables } : {}),
    collisionProbability: Math.min(1, 2 * collisionProbability(n)),
    bytesPerState: 0,
    workers,
  };
}

export class ParallelSearch<S> {
  readonly result: Promise<CheckResult<S>>;
  /** With `extras.linksDigest`: the digest of the parent links, once the search is over. */
  linksDigest: string | undefined;
  /** The most a fresh worker of this search measured it holds once loaded (parallelWorker.ts loadedBytes), once one has loaded. */
  workerBytes: number | undefined;
  /** Levels worker 0 did again because the shared table or the claims table filled (tests), once the search is over. */
  redone: { table: number; claims: number } | undefined;
  private readonly ctl: Int32Array;
  private readonly f64: Float64Array;
  private readonly workers: Kept[] = [];
  private readonly start = Date.now();
  private readonly n: number;
  private readonly fstride: number;

  constructor(sys: System<S>, opt: CheckOptions<S>, source: SystemSource, workers: number, extras: ParallelExtras = {}) {
    // the workers would keep the full table: a compact store is refused (parallelReason)
    if (opt.store && opt.store.kind === 'compact') throw new Error(parallelReason(sys, { store: opt.store })!);
    const bits = sharedBits(sys, opt);
    const n = (this.n = workers);
    this.fstride = fstride(sys.rules.length, sys.observables?.length ?? 0);
    const ctlSab = new SharedArrayBuffer(CTL_SLOTS(n) * 4);
    const stats = new SharedArrayBuffer((n * this.fstride + 2) * 8);
    this.ctl = new Int32Array(ctlSab);
    this.f64 = new Float64Array(stats);
    const withIds = (sys.goals?.length ?? 0) > 0;
    const handed = extras.resume ? sharedFromHandOver(extras.resume, withIds) : undefined;
    if (extras.resume && !handed) throw new HandOverRefused('two fingerprints of the search so far are one in the shared table');
    // tests (PVCHECK_TEST_SLACK=table: the workers' estimate made tiny, parallelWorker.ts perState): a table small enough to outgrow
    const table = handed ? handed.table : SharedFingerprints.create(process.env.PVCHECK_TEST_SLACK === 'table' ? 1 << 10 : 1 << 16, withIds);
    const shared = {
      ctl: ctlSab,
      stats,
      chunks: new SharedArrayBuffer(MAX_CHUNKS * CHUNK_INTS * 4),
      table: table.sab,
      flags: table.flagsSab,
      ...(table.idsSab ? { ids: table.idsSab } : {}),
      edges: Array.from({ length: sys.goals?.length ? n : 0 }, () => growable(1 << 16)),
      front: [handed ? handed.front : growable(1 << 16), growable(1 << 16)],
      cands: Array.from({ length: n }, () => growable(1 << 16)),
      claims: growable(1 << 16),
      nlinks: growable(1 << 16),
    };
    const options: WorkerOptions = {
      ...(opt.maxStates !== undefined ? { maxStates: opt.maxStates } : {}),
      ...(opt.maxDepth !== undefined ? { maxDepth: opt.maxDepth } : {}),
      ...(opt.maxMemory !== undefined ? { maxMemory: opt.maxMemory } : {}),
      checkDeadlock: opt.checkDeadlock ?? true,
      ...(bits ? { bits } : {}),
      // Levels smaller than this run on worker 0 alone; 0: from 2,000 to 16,000 states, by the time a
      // state takes alone (parallelWorker.ts aloneBelow); PVCHECK_PARALLEL_FROM=1 makes every level run
      // on every worker (tests).
      parallelFrom: Number(process.env.PVCHECK_PARALLEL_FROM) || 0,
      ...(extras.linksDigest ? { linksDigest: true } : {}),
      ...(process.env.PVCHECK_WORKER_TIMES === '1' ? { times: true, t0: performance.timeOrigin + performance.now() } : {}),
      ...(Number(process.env.PVCHECK_TEST_MERGE_DELAY) > 0 ? { mergeDelay: Number(process.env.PVCHECK_TEST_MERGE_DELAY) } : {}),
    };
    if (handed) {
      // the progress figures until worker 0 publishes its own: where the single-threaded search stopped
      const r = handed.resume;
      this.ctl[C.STATES] = r.links.n;
      this.ctl[C.LEVEL] = r.level;
      this.ctl[C.QUEUE] = r.curLen;
      this.f64[n * this.fstride] = r.edges;
    }
    const toZero: MessagePort[] = [];
    const toOthers: MessagePort[] = [];
    for (let i = 1; i < n; i++) {
      const ch = new MessageChannel();
      toZero.push(ch.port1);
      toOthers.push(ch.port2);
    }
    const modules = workerModules(new URL('./parallelWorker.ts', import.meta.url).href, source);
    this.result = new Promise<CheckResult<S>>((resolve, reject) => {
      let settled = false;
      let result: CheckResult<S> | undefined;
      let running = n; // workers whose part of the search is not over: worker 0 until its result, the others until `done`
      const fail = (e: Error) => {
        if (settled) return;
        settled = true;
        Atomics.store(this.ctl, C.INTERRUPT, 1);
        void Promise.all(this.workers.map(discard)).then(() => reject(e), () => reject(e));
      };
      const finished = () => {
        if (settled || --running > 0 || !result) return;
        settled = true;
        const r = result;
        // an interrupted search's workers are not kept (nor a failed one's: `fail`)
        if (r.incompleteReason === 'interrupted') void Promise.all(this.workers.map(discard)).then(() => resolve(r), () => resolve(r));
        else {
          for (const k of this.workers) keep(k);
          resolve(r);
        }
      };
      const start = ({ entry, loader, plain, modules }: WorkerModules) => {
        // Threads to start (not idle ones kept by an earlier search): under a memory budget they must fit in it as
        // they will be once loaded (memory.ts WORKER_BYTES each); they are counted so until they have loaded (C.UNLOADED).
        const fresh = n - Math.min(n, reusable(entry, plain));
        if (options.maxMemory !== undefined && !workersFit(fresh, options.maxMemory, n - fresh)) {
          settled = true;
          const r = handed?.resume;
          if (extras.linksDigest) this.linksDigest = (r ? ParentLinks.fromTransfer(r.links) : new ParentLinks()).digest();
          this.redone = { table: 0, claims: 0 };
          resolve(noRoomResult(sys, opt, n, this.start, r));
          return;
        }
        Atomics.store(this.ctl, C.UNLOADED, fresh);
        // Under a budget with little room, the first thread starts alone and the others once it has loaded, if
        // they fit at what it measured it holds (a model whose workers hold more than WORKER_BYTES at load would
        // pass the budget by the difference, each, while they all load at once); else all at once.
        const room = options.maxMemory !== undefined ? options.maxMemory - process.memoryUsage.rss() : Infinity;
        let held = fresh === n && n > 1 && room < n * STAGGER_BYTES ? n - 1 : 0;
        let firstLoaded = fresh < n; // a thread taken from the pool has loaded: its guard runs from the start
        /**
         * Until a thread has loaded, no memory guard runs (a worker's starts once it has loaded, and counts those
         * still loading at what it measured, parallelWorker.ts), and a thread's load may take far more than
         * WORKER_BYTES: under the TypeScript hooks with a module not in their cache (a source changed since the
         * last run, a fresh checkout), the thread's hooks load the TypeScript compiler, and ring-notify's first
         * worker grew the resident set by 88 MiB over 2.6 s where it measured 35 MiB once loaded (the staggered
         * start then passed a budget by 18 MiB with no state: note23 item 9). So the main thread watches the
         * resident set meanwhile, and stops the search as at the budget once it and the threads not started yet
         * (at WORKER_BYTES each) no longer fit.
         */
        const watchLoading = (limit: number) => {
          // the memory guard the threads run, with the threads not started yet as its reserve
          const guard = new MemoryGuard(limit, () => held * WORKER_BYTES);
          const t = setInterval(() => {
            if (settled || firstLoaded) clearInterval(t);
            else if (guard.over(0)) {
              clearInterval(t);
              noRoom();
            }
          }, LOAD_WATCH_MS).unref();
        };
        const launchHeld = (bytes: number) => {
          const rest = held;
          held = 0;
          if (settled || rest === 0) return;
          if (workersFit(rest, options.maxMemory!, 0, Math.max(WORKER_BYTES, bytes))) {
            for (let i = n - rest; i < n; i++) launch(i);
            return;
          }
          // they do not fit: stop as at the budget, the first thread ended (its levels alone are not reported)
          noRoom();
        };
        /** Stops the search as at the budget before its threads search together: the threads started are ended. */
        const noRoom = () => {
          settled = true;
          Atomics.store(this.ctl, C.INTERRUPT, 1);
          const r = handed?.resume;
          if (extras.linksDigest) this.linksDigest = (r ? ParentLinks.fromTransfer(r.links) : new ParentLinks()).digest();
          this.redone = { table: 0, claims: 0 };
          const done = () => resolve(noRoomResult(sys, opt, n, this.start, r));
          void Promise.all(this.workers.map(discard)).then(done, done);
        };
        const launch = (i: number) => {
          const ports = i === 0 ? toZero : [toOthers[i - 1]!];
          let data: WorkerInit = {
            fresh: false,
            index: i,
            workers: n,
            loader,
            args: source.args,
            modules,
            rules: sys.rules.length,
            observables: sys.observables?.length ?? 0,
            options,
            ports,
            ...shared,
            ...(i === 0 && handed ? { resume: handed.resume } : {}),
          };
          const k = take(entry, plain);
          this.workers.push(k);
          data = { ...data, fresh: k.fresh };
          // a fresh thread must load within the bound, or the search fails (it would hold a guard's wait and the others' barriers for ever)
          const loading = k.fresh ? setTimeout(() => fail(new Error(notLoaded(i))), loadWaitMs()).unref() : undefined;
          k.listener = {
            message: (m) => {
              if (m.error !== undefined || m.result || m.done || m.loaded !== undefined) clearTimeout(loading);
              if (m.error !== undefined) fail(workerError(m, plain));
              else if (m.result) {
                this.linksDigest = m.linksDigest;
                this.redone = m.redone;
                const w = m.result as WorkerResult<S>;
                result = {
                  ...w,
                  ...(w.observables ? { observables: w.observables.map((o) => lazyObservable(sys, o)) } : {}),
                  seconds: (Date.now() - this.start) / 1000,
                } as CheckResult<S>;
                finished();
              } else if (m.done) finished();
              else if (m.loaded !== undefined) {
                firstLoaded = true;
                this.workerBytes = Math.max(this.workerBytes ?? 0, m.loaded);
                if (i === 0) launchHeld(m.loaded);
              }
            },
            fail,
            index: i,
          };
          k.w.postMessage({ init: data, env: { ...process.env }, ...(plain ? {} : { stamp: loadedSources() }) }, ports);
        };
        for (let i = 0; i < n - held; i++) launch(i);
        // the workers' memory guards read the process's resident set, idle workers included, and cannot end them
        if (options.maxMemory !== undefined) void closeWorkerPool().then(() => watchLoading(options.maxMemory!));
      };
      modules.then(start, reject);
    });
  }

  /**
   * The figures so far: those worker 0 published at the last level end (or
   * as it runs a level alone), plus, while every worker expands a level,
   * their running counts of it (shared every 64 states), so that a long
   * level shows progress; `level` says how far the level is.
   */
  stats(): Stats {
    // A read while worker 0 publishes a level end (SEQ odd, or changed) is retried, so that no
    // count is taken twice or not at all; if worker 0 stays descheduled there, the last
    // consistent figures stand.
    for (let tries = 0; tries < 1000; tries++) {
      const seq = Atomics.load(this.ctl, C.SEQ);
      if (seq & 1) continue;
      const s = this.read();
      if (Atomics.load(this.ctl, C.SEQ) === seq) return (this.lastStats = s);
    }
    return { ...this.lastStats, seconds: (Date.now() - this.start) / 1000 };
  }
  private lastStats: Stats = { distinctStates: 0, edges: 0, depth: 0, queue: 0, seconds: 0 };

  private read(): Stats {
    const ctl = this.ctl;
    let states = Atomics.load(ctl, C.STATES);
    let edges = this.f64[this.n * this.fstride]!;
    let queue = Atomics.load(ctl, C.QUEUE);
    let level: Stats['level'];
    if (Atomics.load(ctl, C.IN_LEVEL) === 1) {
      let news = 0, expanded = 0;
      for (let j = 0; j < this.n; j++) {
        news += Atomics.load(ctl, C.WORKER + j * WSTRIDE + WS.NEWS);
        expanded += Atomics.load(ctl, C.WORKER + j * WSTRIDE + WS.EXPANDED);
        edges += this.f64[j * this.fstride + F.EDGES]!;
      }
      const size = Atomics.load(ctl, C.CUR_LEN);
      states += news;
      queue = Math.max(0, size - expanded) + news;
      level = { expanded: Math.min(expanded, size), size };
    }
    return {
      distinctStates: states,
      edges,
      depth: Atomics.load(ctl, C.LEVEL),
      queue,
      seconds: (Date.now() - this.start) / 1000,
      ...(level ? { level } : {}),
    };
  }

  get workerCount(): number {
    return this.n;
  }

  /** Stops the search at the next state (outcome `incomplete`, reason `interrupted`). */
  interrupt(): void {
    Atomics.store(this.ctl, C.INTERRUPT, 1);
  }
}

/**
 * The workers kept between searches. Starting a worker costs 0.5-0.7 s of
 * CPU (a V8 isolate, the TypeScript hooks' thread for a user's model file,
 * loading and compiling the checker and the model's modules), which a
 * process running many searches (the tests, the examples' runner, refine's
 * re-searches) paid 3 times a search. A search's workers go back to the pool
 * when it ends with a result (every worker has answered, so none still
 * reads the search's buffers); an interrupted or failed search's workers are
 * terminated. The next search with the same entry module (so the same
 * code, and hooks or not) takes them and sends each its start message: a new
 * system (the loader module is imported by the worker, and cached there), new
 * parameters and new shared buffers, the main thread's environment and
 * code-version stamp as they are then; nothing of the last search stays in a
 * worker (parallelWorker.ts `configure` sets every per-search binding, and
 * drops the last search's buffers when it ends). Idle workers are unref'd,
 * so they do not keep the process alive. PVCHECK_WORKER_POOL=0 starts new
 * workers for every search (measurements).
 */
/**
 * The code-version stamp: the SHA-1 of each source this process loaded, by
 * path, as bin/ts-hooks.mjs reports them on the port bin/register.mjs and
 * bin/pvcheck.mjs register the hooks with (none: no stamp), and that of the
 * workers' own module, parallelWorker.ts, as this module is loaded (the main
 * thread never loads it). A worker is given them: its hooks refuse a source
 * that differs (bin/worker.mjs), and so does the making of plain-JS copies
 * (bin/worker-js.mjs). A file changed on disk while a long run goes on is
 * then a one-line error, where the workers ran other code than the main
 * thread ("Invalid atomic access index": another shared-memory layout).
 * Each search's start message brings the stamp as it is then, so a kept
 * worker checks a model file it first imports in a later search against
 * what the main thread loaded, not against the stamp of its own start.
 */
const loaded: Record<string, string> = {};
const loadedPort = (globalThis as Record<symbol, unknown>)[Symbol.for('pvcheck.loadedSources')] as MessagePort | undefined;
if (loadedPort) {
  const entry = new URL('./parallelWorker.ts', import.meta.url);
  try {
    loaded[fileURLToPath(entry)] = createHash('sha1').update(readFileSync(entry, 'utf8')).digest('hex');
  } catch {
    /* not run from the sources */
  }
}
/** The stamp so far (the object itself: tests change it to stand for a file changed on disk). */
export function loadedSources(): Record<string, string> {
  if (loadedPort)
    for (let m = receiveMessageOnPort(loadedPort); m; m = receiveMessageOnPort(loadedPort)) {
      const [file, hash] = m.message as [string, string];
      loaded[file] ??= hash;
    }
  return loaded;
}

/** What a worker answers a search's start message with (parallelWorker.ts). */
interface WorkerMessage {
  readonly result?: WorkerResult<unknown>;
  readonly linksDigest?: string;
  readonly redone?: { table: number; claims: number };
  readonly done?: boolean;
  /** A fresh worker has loaded the model: the bytes it measured it holds (parallelWorker.ts loadedBytes). */
  readonly loaded?: number;
  /** The worker's search threw: the error's message, and its name and stack when it had one. */
  readonly error?: string;
  readonly name?: string;
  readonly stack?: string;
}

/**
 * The error a worker posted, as the main thread raises it: the worker's
 * message, name and stack (a plain-JS copy's frames named by the TypeScript
 * sources and their lines, bin/worker-js.mjs `sourceStack`), so that a bug
 * in the checker on a worker shows where it was thrown, as one thread's
 * would, and not where the message arrived.
 */
function workerError(m: WorkerMessage, plain: boolean): Error {
  const e = new Error(m.error);
  if (m.name) e.name = m.name;
  if (m.stack) e.stack = plain && workerJs ? workerJs.sourceStack(m.stack) : m.stack;
  return e;
}
interface Kept {
  readonly w: Worker;
  readonly key: string;
  /** Started for the search that took it last (not taken from the pool). */
  fresh: boolean;
  /** The search using the worker, if any. */
  listener: { message(m: WorkerMessage): void; fail(e: Error): void; index: number } | undefined;
  dead: boolean;
}
/** The most idle workers kept (of every entry module together): the least recently used go first. */
const POOL_MAX = 8;
const idle: Kept[] = [];

let started = 0;
/** The number of idle workers kept, and of workers started by this process (tests). */
export const idleWorkers = (): number => idle.length;
export const workersStarted = (): number => started;

/** A worker running `entry`: an idle one kept by an earlier search, or a new one. */
function take(entry: string, plain: boolean): Kept {
  const key = `${plain ? 'plain' : 'hooks'} ${entry}`;
  for (let j = idle.length - 1; j >= 0; j--) {
    if (idle[j]!.key !== key) continue;
    const k = idle.splice(j, 1)[0]!;
    k.w.ref();
    k.fresh = false;
    return k;
  }
  const w = new Worker(new URL('../bin/worker.mjs', import.meta.url), {
    workerData: { entry, plain, ...(plain ? {} : { expected: loadedSources() }) },
    // a worker inherits the process's options: `--import ./bin/register.mjs` would register the hooks in it anyway
    ...(plain ? { execArgv: withoutLoaders(process.execArgv) } : {}),
  });
  started++;
  const k: Kept = { w, key, fresh: true, listener: undefined, dead: false };
  w.on('message', (m: WorkerMessage) => k.listener?.message(m));
  w.on('error', (e) => k.listener?.fail(e));
  w.on('exit', (code) => {
    k.dead = true;
    const j = idle.indexOf(k);
    if (j >= 0) idle.splice(j, 1);
    k.listener?.fail(new Error(`worker ${k.listener.index} exited (code ${code}) before the search ended`));
  });
  return k;
}

/** How many idle workers running `entry` a search can take (see {@link take}). */
function reusable(entry: string, plain: boolean): number {
  const key = `${plain ? 'plain' : 'hooks'} ${entry}`;
  return idle.filter((k) => k.key === key).length;
}

/**
 * Whether `fresh` new worker threads fit in the memory budget `limit` beside
 * what the process holds now, at `each` bytes each once loaded (memory.ts
 * WORKER_BYTES, or what a loaded worker of the search measured: `ParallelSearch`)
 * (`taken`: idle workers the search takes from the pool; the other idle ones
 * are ended when a search under a budget starts, closeWorkerPool, and count
 * as giving back IDLE_WORKER_BYTES each, as the memory guard counts them).
 */
export function workersFit(fresh: number, limit: number, taken = 0, each = WORKER_BYTES): boolean {
  const ending = Math.max(0, idle.length - taken);
  return process.memoryUsage.rss() + fresh * each - ending * IDLE_WORKER_BYTES <= limit;
}
/**
 * A search under a budget that leaves less room than this a thread starts
 * its first thread alone and the others once it has measured what a loaded
 * one holds (`ParallelSearch`): 8x WORKER_BYTES, so the default budget (3/4
 * of the machine's memory) never waits, and a budget a few workers tight does.
 */
export const STAGGER_BYTES = 8 * WORKER_BYTES;

/** How often the main thread reads the resident set while the first thread of a search under a budget loads (ms). */
const LOAD_WATCH_MS = 2;

/**
 * How long a fresh worker thread may take to load the model (from its start
 * message to its `loaded` answer) before the search fails: 30 s, or
 * PVCHECK_WORKER_LOAD_SECONDS. A worker loads in 0.1-0.4 s on a quiet
 * machine and 1.4-1.7 s at load 18-20 (docs/perf/2026-12-06e-engine.md);
 * one that never answers would hold the others at their first common level
 * and a memory guard waiting for it (parallelWorker.ts awaitLoaded) for ever.
 */
export const LOAD_WAIT_SECONDS = 30;
function loadWaitMs(): number {
  const s = Number(process.env.PVCHECK_WORKER_LOAD_SECONDS);
  return (s > 0 ? s : LOAD_WAIT_SECONDS) * 1000;
}
function notLoaded(i: number): string {
  return `worker ${i} has not loaded the model ${loadWaitMs() / 1000} s after it started (a slow machine: PVCHECK_WORKER_LOAD_SECONDS=N waits N seconds)`;
}

/** Back to the pool, once its search is over. */
function keep(k: Kept): void {
  k.listener = undefined;
  if (k.dead) return;
  if (process.env.PVCHECK_WORKER_POOL === '0') {
    void discard(k);
    return;
  }
  k.w.unref();
  idle.push(k);
  while (idle.length > POOL_MAX) void discard(idle.shift()!);
}

function discard(k: Kept): Promise<unknown> {
  k.listener = undefined;
  k.dead = true;
  return k.w.terminate();
}

/** Terminates the idle workers (tests, and a search under a memory budget; a process exits with them anyway). */
export async function closeWorkerPool(): Promise<void> {
  await Promise.all(idle.splice(0).map(discard));
}
registerIdleWorkers({ count: () => idle.length, release: () => void closeWorkerPool() });

interface WorkerJs {
  plainModules(urls: string[], expected: Record<string, string>): Promise<string[] | undefined>;
  fillCache(urls: string[], expected: Record<string, string>): Promise<void>;
  sourceStack(stack: string): string;
}
/** bin/worker-js.mjs, once {@link plainCopies} loaded it (a worker runs plain-JS copies only after that). */
let workerJs: WorkerJs | undefined;

/**
 * Plain-JS copies of `urls` (TypeScript modules of this repository) and of
 * what they import, made from the hooks' cache (bin/worker-js.mjs), or
 * undefined (then a worker registers the hooks). PVCHECK_WORKER_HOOKS=1: none.
 */
export async function plainCopies(urls: string[]): Promise<string[] | undefined> {
  if (process.env.PVCHECK_WORKER_HOOKS) return undefined;
  workerJs ??= (await import(new URL('../bin/worker-js.mjs', import.meta.url).href)) as WorkerJs;
  return workerJs.plainModules(urls, loadedSources());
}

/**
 * For workers that run under the TypeScript hooks (a user's model file, PVCHECK_WORKER_HOOKS):
 * the hooks' cache filled with `urls` and what they import, transpiled by the main thread's
 * hooks where missing (bin/worker-js.mjs `fillCache`), so that no worker loads the compiler
 * (its hooks find every module transpiled; the user's files the main thread loaded itself).
 */
export async function fillWorkerCache(urls: string[]): Promise<void> {
  workerJs ??= (await import(new URL('../bin/worker-js.mjs', import.meta.url).href)) as WorkerJs;
  await workerJs.fillCache(urls, loadedSources());
}

/**
 * The worker's entry module and the system's loader as the workers import
 * them: plain-JS copies when the loader says its system needs no other
 * module (see {@link SystemSource}) and the copies can be made, else the
 * TypeScript sources (the workers then register the hooks).
 */
async function workerModules(entry: string, source: SystemSource): Promise<WorkerModules> {
  const mod = (await import(source.loader)) as { plainJs?: (args: unknown) => boolean; ownModules?: (args: unknown) => readonly string[] };
  const extra = [...(mod.ownModules?.(source.args) ?? [])];
  const asIs = { entry, loader: source.loader, plain: false, modules: extra };
  const urls = process.env.PVCHECK_WORKER_HOOKS || !mod.plainJs?.(source.args) ? undefined : await plainCopies([entry, source.loader, ...extra]);
  if (urls) return { entry: urls[0]!, loader: urls[1]!, plain: true, modules: urls.slice(2) };
  await fillWorkerCache([entry, source.loader, ...extra]);
  return asIs;
}
interface WorkerModules {
  readonly entry: string;
  readonly loader: string;
  readonly plain: boolean;
  /** What the loader's ownModules named, as the workers import them (WorkerInit.modules). */
  readonly modules: string[];
}

/**
 * The process's Node options a worker can take, without those that load
 * modules first (`--import ./bin/register.mjs`...): profiling and source maps.
 */
export function withoutLoaders(argv: readonly string[]): string[] {
  return argv.filter((a) => /^--(cpu-prof|heap-prof|enable-source-maps)/.test(a));
}

/** Runs a multi-worker search to the end. */
export function checkParallel<S>(sys: System<S>, opt: CheckOptions<S>, source: SystemSource, workers = defaultWorkers()): Promise<CheckResult<S>> {
  return new ParallelSearch(sys, opt, source, workers).result;
}

/** {@link checkParallel} and the digest of the parent links (see {@link ParallelExtras}): for tests of determinism. */
export async function checkParallelLinks<S>(sys: System<S>, opt: CheckOptions<S>, source: SystemSource, workers: number): Promise<{ result: CheckResult<S>; linksDigest: string }> {
  const search = new ParallelSearch(sys, opt, source, workers, { linksDigest: true });
  const result = await search.result;
  return { result, linksDigest: search.linksDigest! };
}
