/**
 * One worker of the multi-worker search (parallel.ts has the design). Every
 * worker loads the system itself (the loader module and its arguments come
 * in the search's start message), then takes part in each level: it claims chunks of the
 * level, expands their states and inserts the successors into the shared
 * fingerprint table. Worker 0 also coordinates: it seeds the initial states,
 * merges each level's new states in BFS order (their ids, parent links and
 * the next frontier), runs a level alone when it is small or when the level
 * ends the search (a violation, a deadlock, a bound: then the level is run
 * exactly as the single-threaded search runs it, so every count and trace is
 * the same), and builds the report.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { CUT, expandState, type Expander } from './expand.js';
import { compileExpand, compileInvariants, type Expand } from './flatExpand.js';
import { GoalGraph, ObservableExtremes, foundWords, wordsToNumber, writeFound } from './graph.js';
import { collisionProbability } from './hash.js';
import { PackedPath, wordCodecOf, type WordCodec } from './packed.js';
import { MemoryGuard, WORKER_BYTES, WORKER_HOOKS_BYTES, WORKER_THREAD_BYTES } from './memory.js';
import { BitStateSet, exactLimitOf, type StoreReport } from './bitstate.js';
import { aloneBelow, C, CHUNK_INTS, F, fstride, type ResumeState, type WorkerInit, type WorkerResult, WS, WSTRIDE } from './parallelLayout.js';
import { coverageOf, type CheckResult, type Outcome, type Violation } from './report.js';
import { NO_PARENT, ParentLinks, SharedFingerprints, normHigh, normLow } from './store.js';
import type { SysGoal, SysObservable, System } from './system.js';
import { traceTo, type ObservableWitnesses } from './trace.js';
import { writeSync } from 'node:fs';
import { threadCpuMs } from './threadCpu.js';

/*
 * A worker is kept by parallel.ts's pool between searches: each search's
 * WorkerInit comes in a message (`{ init }`), sets the bindings below
 * (`configure`), and the worker answers with `{ result }` (worker 0),
 * `{ done: true }` (the others) or `{ error }`, then waits for the next.
 */
let init: WorkerInit;
let me: number;
let N: number;
let ctl: Int32Array;
let f64: Float64Array;
let chunks: Int32Array;
let FSTRIDE: number;
/** Where a worker's observable extremes of a level start in its FSTRIDE slots. */
let F_OBS: number;
/** In the statistics array after the workers' slots: the edges so far, the id of the next level's first state. */
let F_EDGES: number, F_NEXT_FIRST: number;
function configure(i: WorkerInit): void {
  init = i;
  me = i.index;
  N = i.workers;
  ctl = new Int32Array(i.ctl);
  f64 = new Float64Array(i.stats);
  chunks = new Int32Array(i.chunks);
  FSTRIDE = fstride(i.rules, i.observables);
  F_OBS = F.FIRED + i.rules;
  F_EDGES = N * FSTRIDE;
  F_NEXT_FIRST = N * FSTRIDE + 1;
  phaseTimes = i.options.times ? {} : undefined;
  phaseCpu = i.options.times ? {} : undefined;
  phaseName = 'load';
  phaseAt = performance.now();
  bucketTimes = i.options.times ? {} : undefined;
  bucket = 'start';
  bucketLevels = {};
  startedAt = i.options.times ? sinceStart() : NaN;
  phaseCpuAt = i.options.times ? threadCpuMs() : 0;
  barriers = 0;
  externalAtConfigure = getHeapStatistics().external_memory; // the search's shared buffers, not the model's
  mergeDelay = i.options.mergeDelay ?? 0;
  // read per search: a kept worker's environment is the one its start message brought
  growAlone = process.env.PVCHECK_SERIAL_GROW === '1';
}
/** Ints a chunk record: owner, first and end candidate, first and end edge, winners (parallelLayout.ts). */
const CH = CHUNK_INTS;
/** Words of a candidate record before the state's words: parent position, transition, slot, claims index. */
const REC = 4;
/** The claims index of an inserter's record (it made no claim). */
const INSERTED = 0xffffffff;
/** A claims entry's second word is its level's generation times this, plus its chunk + 1 (chunks are below 2^16: MAX_CHUNKS). */
const CLAIM_STAMP = 1 << 17;
/** Generations of the claims table before it is cleared: 1 to 2^15 - 1 (a stamp fits in a word, and in a bit-array word's high 16 bits). */
const CLAIM_GENS = 1 << 15;
/** Words of a claims table of `cap` entries and a bit array of `bits` bits (16 a word). */
const claimWords = (cap: number, bits: number): number => 2 * cap + bits / 16;

/**
 * A full garbage collection, run when this worker drops a replaced table: the
 * memory of a SharedArrayBuffer is freed only once every thread's object for
 * it is collected, and a worker allocates so little that its heap may not be
 * collected for the rest of the search (the replaced tables, 127 MiB at
 * ring-notify 8x64, stayed resident).
 */
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/**
 * Where a worker's time goes (PVCHECK_WORKER_TIMES=1, for measurements:
 * docs/performance.md): wall milliseconds per phase, switched at phase
 * boundaries only (a few times a level), and this thread's CPU time
 * (/proc/thread-self/stat) when the search ends, one line on stderr a worker.
 */
let phaseTimes: Record<string, number> | undefined;
/** CPU milliseconds per phase, from /proc/thread-self/schedstat (nanoseconds on the CPU), when it can be read. */
let phaseCpu: Record<string, number> | undefined;
let phaseName = 'load';
let phaseAt = performance.now();
let phaseCpuAt = 0;
function phase(name: string): string {
  const was = phaseName;
  if (phaseTimes) {
    const now = performance.now();
    phaseTimes[was] = (phaseTimes[was] ?? 0) + (now - phaseAt);
    const b = (bucketTimes![bucket] ??= {});
    b[was] = (b[was] ?? 0) + (now - phaseAt);
    phaseAt = now;
    const cpu = threadCpuMs();
    phaseCpu![was] = (phaseCpu![was] ?? 0) + (cpu - phaseCpuAt);
    phaseCpuAt = cpu;
  }
  phaseName = name;
  return was;
}
/**
 * The levels by size, for the profile (PVCHECK_WORKER_TIMES=1): each phase's
 * wall time is also added to the bucket of the level it belongs to (a
 * worker switches bucket as it starts to expand a level, or as worker 0
 * runs one alone; what comes before, the level's set-up and its start
 * barrier, goes to the level before).
 */
let bucketTimes: Record<string, Record<string, number>> | undefined;
let bucket = 'start';
/** Worker 0: levels and states per bucket. */
let bucketLevels: Record<string, [levels: number, states: number]> = {};
const BUCKETS: [number, string][] = [[8192, '<8k'], [32768, '8k-32k'], [131072, '32k-128k'], [Infinity, '>=128k']];
function enterBucket(name: string, states: number): void {
  if (!phaseTimes) return;
  phase(phaseName); // close the phase so far in the bucket before
  bucket = name;
  if (me === 0) {
    const l = (bucketLevels[name] ??= [0, 0]);
    l[0]++;
    l[1] += states;
  }
}
const bucketOf = (len: number): string => BUCKETS.find(([n]) => len < n)![1];
/** Milliseconds since the search began in the main thread (its `t0`: performance.timeOrigin + now there), or NaN. */
const sinceStart = (): number => (init.options.t0 === undefined ? NaN : performance.timeOrigin + performance.now() - init.options.t0);
/** When this worker started the search (configure) and ended its load, in ms since the search began (the profile). */
let startedAt = NaN, loadedAt = NaN;
/**
 * One line on stderr: wall and CPU seconds per phase, the barriers, and the
 * CPU of the whole search as the phases' sum (one reader, schedstat: it was
 * read from /proc/thread-self/stat's clock ticks beside).
 *
 * Only the total CPU is exact (to a tick or two). schedstat's running time of
 * a thread is brought up to date at scheduling events only (a timer tick, a
 * sleep, a wake-up), not when it is read: a thread that spins 0.7 ms between
 * two reads sees 0, 0.68 or 4.0 ms (HZ=250 here, measured 2026-12-05e). A
 * phase is charged what the thread ran since the last such event, so a phase
 * that ends in a sleep (a barrier) takes up to a tick of the phase before it,
 * at every switch (about 1,160 barriers a run of 8x64). The line says so; no
 * clock of the thread's own that is exact when read (CLOCK_THREAD_CPUTIME_ID,
 * `process.threadCpuUsage`) is available in Node 20.
 */
function reportTimes(extra = ''): void {
  if (!phaseTimes) return;
  phase('end');
  const phases = Object.entries(phaseTimes).filter(([k]) => k !== 'end');
  const cpu = phases.reduce((sum, [k]) => sum + (phaseCpu![k] ?? NaN), 0);
  const parts = phases.map(([k, v]) => `${k} ${(v / 1000).toFixed(2)}/${((phaseCpu![k] ?? NaN) / 1000).toFixed(2)}`);
  writeSync(2, `worker ${me}: ${parts.join(', ')} (wall/cpu s; a phase's cpu is approximate, up to a timer tick at each switch; the total is right to a tick); barriers ${barriers} cpu ${(cpu / 1000).toFixed(2)}s${extra}\n`);
  const at = (ms: number) => (Number.isNaN(ms) ? '?' : `+${(ms / 1000).toFixed(3)} s`);
  const lines = [`worker ${me} profile: configured ${at(startedAt)}, loaded ${at(loadedAt)}, ended ${at(sinceStart())} after the search began (main thread)`];
  for (const [name, t] of Object.entries(bucketTimes!)) {
    const l = bucketLevels[name];
    const total = Object.values(t).reduce((a, b) => a + b, 0);
    const ph = Object.entries(t).filter(([, v]) => v >= 0.5).map(([k, v]) => `${k} ${v.toFixed(0)}`);
    lines.push(`worker ${me} levels ${name}${l ? ` (${l[0]} levels, ${l[1]} states)` : ''}: ${total.toFixed(0)} ms: ${ph.join(', ')}`);
  }
  writeSync(2, lines.join('\n') + '\n');
}
let barriers = 0;

/**
 * Waits until every worker has arrived (a generation barrier on
 * Atomics.wait). The last to arrive runs `last` first, while every other
 * worker waits: what it decides there, every worker reads after the barrier.
 */
function barrier(label: string, last?: () => void): void {
  const was = phase(label);
  barriers++;
  const gen = Atomics.load(ctl, C.GEN);
  if (Atomics.add(ctl, C.COUNT, 1) === N - 1) {
    if (last) last();
    Atomics.store(ctl, C.COUNT, 0);
    Atomics.add(ctl, C.GEN, 1);
    Atomics.notify(ctl, C.GEN);
  } else spinWait(C.GEN, (v) => v !== gen);
  phase(was);
}
/** The levels that measure a state's wall time (Worker.aloneBelow): worker 0 expanded this many states or more in it. */
const ALONE_SAMPLE = 500;

/** How long a worker spins before it sleeps (milliseconds): at most about 0.1 s a search of 1,700 barriers. */
const SPIN_MS = 0.05;

/**
 * Waits until ctl[slot] is `ready`: spins a little, then sleeps in
 * Atomics.wait (woken by Atomics.notify on the slot, or each second). Most
 * waits at a level's barriers are shorter than the wake-up of a thread
 * asleep in Atomics.wait (a futex: tens of microseconds before the woken
 * thread runs again).
 */
function spinWait(slot: number, ready: (v: number) => boolean): void {
  let v = Atomics.load(ctl, slot);
  const until = performance.now() + SPIN_MS;
  for (let i = 1; !ready(v); i++) {
    if ((i & 255) === 0 && performance.now() > until) break;
    v = Atomics.load(ctl, slot);
  }
  while (!ready(v)) {
    Atomics.wait(ctl, slot, v, 1000);
    v = Atomics.load(ctl, slot);
  }
}

/** Waits until the count at ctl[slot] reaches `want`: one side of a barrier. */
function awaitCount(slot: number, want: number): void {
  if (Atomics.load(ctl, slot) >= want) return;
  const was = phase('w.written');
  barriers++;
  spinWait(slot, (v) => v >= want);
  phase(was);
}

/**
 * Whether the level just expanded is merged by every worker: it is to be
 * (PAR_MERGE), and it was not dropped for a full table, nor stopped by a
 * violation, a deadlock, a bound or an interrupt, and its new states do not
 * reach maxStates. Run by the last worker at the level-expanded barrier
 * (`barrier(decide)`), when every expansion is over and nothing else moves,
 * and read from C.MERGE by all. Each worker used to work this out itself
 * after the barrier: a late one then read the workers' counts of new states
 * after worker 0, having decided to run the level alone (a maxStates cut no
 * worker had seen coming: the counts are compared every 64 states), had
 * cleared them for its progress lines (publishStats), or after worker 0 had
 * reset STOP and ABORT for the level's second attempt (a full table): it
 * merged a level worker 0 did not, and unflagged in the shared table states
 * that worker 0's run alone then took for old ones (test/workers, ring-notify
 * 4x8 maxStates=5000 at 2 workers: depth 45 and 9,267 edges against 44 and
 * 9,139, 1 run in 3 under load; every time with PVCHECK_TEST_MERGE_DELAY).
 */
function decide(): void {
  let news = 0;
  for (let j = 0; j < N; j++) news += Atomics.load(ctl, C.WORKER + j * WSTRIDE + WS.NEWS);
  // The workers compare the counts with the room left every 64 states: a level whose new states reached it
  // after the last comparison is done again with a larger table too, so that whether a level is does not
  // depend on scheduling (test/workersSizing).
  if (news >= Atomics.load(ctl, C.ROOM)) Atomics.or(ctl, C.ABORT, 1);
  const merge =
    Atomics.load(ctl, C.PAR_MERGE) === 1 && Atomics.load(ctl, C.ABORT) === 0 && Atomics.load(ctl, C.STOP) === 0 && news < Atomics.load(ctl, C.TO_CUT);
  Atomics.store(ctl, C.MERGE, merge ? 1 : 0);
}

/**
 * PVCHECK_SERIAL_GROW=1 (measurements): worker 0 grows the table alone, as
 * before the growth by every worker, for an A/B in one tree on a quiet
 * machine (on a loaded one the growth by every worker measured slower:
 * docs/performance.md); and with `--store bitstate` sets a level start's
 * states into the bit array alone (`bitsAtLevelStart`, before `foldTogether`).
 */
let growAlone = false;

/** Sleeps `ms` milliseconds (the test hook {@link WorkerOptions.mergeDelay}). */
const sleep = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
let mergeDelay = 0;

/** A growable SharedArrayBuffer (ES2024; Node 20 has it). */
type Growable = SharedArrayBuffer & { readonly maxByteLength: number; grow(bytes: number): void };

/**
 * A growable shared word buffer. The view is of fixed length, re-made when
 * the buffer grows (by this worker: `ensure`; by another: `refresh`): a view
 * that tracks a growable buffer's length makes V8 ask the runtime for the
 * length on every access (Runtime_GrowableSharedArrayBufferByteLength, a
 * fifth of a 2-worker ring-notify profile; 7x slower element access).
 */
class SharedWords {
  a: Uint32Array;
  private readonly g: Growable;
  constructor(readonly sab: SharedArrayBuffer) {
    this.g = sab as Growable;
    this.a = this.view();
  }
  private view(): Uint32Array {
    return new Uint32Array(this.sab, 0, this.g.byteLength >>> 2);
  }
  ensure(words: number): void {
    if (words <= this.a.length) return;
    let bytes = Math.max(this.g.byteLength, 1 << 16);
    while (bytes < words * 4) bytes *= 2;
    if (bytes > this.g.maxByteLength) throw new Error(`a level needs more than ${this.g.maxByteLength} bytes of frontier`);
    if (bytes > this.g.byteLength) this.g.grow(bytes);
    this.a = this.view();
  }
  /** Covers what another worker wrote since the view was made (it may have grown the buffer). */
  refresh(): void {
    if (this.g.byteLength >>> 2 !== this.a.length) this.a = this.view();
  }
}

/**
 * What this worker holds of the resident set once loaded, as it can measure
 * it from inside (node:v8: its isolate's heap, its allocations outside the
 * heap, and the array buffers the model allocated, the search's shared
 * buffers left out as they were at `configure`), plus what no heap figure
 * shows (memory.ts WORKER_THREAD_BYTES), and the TypeScript hooks' own
 * thread when this worker runs under them (bin/worker.mjs: a model file).
 */
function loadedBytes(): number {
  const h = getHeapStatistics();
  const hooks = (workerData as { plain?: boolean } | null)?.plain === false ? WORKER_HOOKS_BYTES : 0;
  return h.total_physical_size + h.malloced_memory + Math.max(0, h.external_memory - externalAtConfigure) + WORKER_THREAD_BYTES + hooks;
}
let externalAtConfigure = 0;

/**
 * What a worker still loading is counted for in the memory guards: the most
 * any loaded worker of this search measured ({@link loadedBytes}: they load
 * the same model), at least memory.ts WORKER_BYTES.
 */
function perWorkerBytes(): number {
  let kib = 0;
  for (let j = 0; j < N; j++) kib = Math.max(kib, Atomics.load(ctl, C.WORKER + j * WSTRIDE + WS.LOADED_KIB));
  return Math.max(WORKER_BYTES, kib * 1024);
}

/** Waits until every worker started for the search has loaded (C.UNLOADED is 0), or the search is interrupted. */
function awaitLoaded(): void {
  for (let u = Atomics.load(ctl, C.UNLOADED); u > 0 && Atomics.load(ctl, C.INTERRUPT) === 0; u = Atomics.load(ctl, C.UNLOADED)) Atomics.wait(ctl, C.UNLOADED, u, 50);
}

async function main(): Promise<void> {
  const mod = (await import(init.loader)) as { loadSystem: (args: unknown, modules: readonly string[]) => System<unknown> | Promise<System<unknown>> };
  const sys = await mod.loadSystem(init.args, init.modules);
  const codec = wordCodecOf(sys);
  if (!codec) throw new Error('internal: the multi-worker search needs a packed layout (a shape or a flat layout)');
  // States are handled as on the single-threaded packed path (packed.ts): the same codec, step and
  // fingerprint (with symmetry, that of the representative, on the words or by the model's canonicalize).
  const w = new Worker(sys, codec, new PackedPath(sys, codec));
  // No barrier here: worker 0 seeds and runs the first levels (small: alone) while the others still
  // load; they join at the first level every worker expands (its level-start barrier). Worker 0 waited
  // here for the slowest to load before (0.15 s of ring-notify 8x64's small levels then ran while the
  // others waited at that barrier). A table worker 0 replaces meanwhile reaches them as messages on
  // their ports, taken at that level start (syncTable).
  if (phaseTimes) loadedAt = sinceStart();
  if (init.fresh) {
    // what this model's workers hold: the guards count it for those still loading, the main thread for
    // the ones it has yet to start (parallel.ts `held`)
    const bytes = loadedBytes();
    Atomics.store(ctl, C.WORKER + me * WSTRIDE + WS.LOADED_KIB, Math.ceil(bytes / 1024));
    parentPort!.postMessage({ loaded: bytes });
    Atomics.sub(ctl, C.UNLOADED, 1);
    Atomics.notify(ctl, C.UNLOADED);
  }
  if (me === 0) {
    const result = w.coordinate();
    reportTimes(`; claims table cleared ${w.claimClears} times; ${w.aloneNote()}`);
    // the others' lines are written before the result ends the search (the workers are terminated then)
    if (phaseTimes) barrier('w.report');
    parentPort!.postMessage({ result, redone: w.redone, ...(init.options.linksDigest ? { linksDigest: w.linksDigest() } : {}) });
  } else {
    w.follow();
    reportTimes();
    if (phaseTimes) barrier('w.report');
    parentPort!.postMessage({ done: true });
  }
}

class Worker<S> {
  private readonly W: number;
  private readonly rules;
  private readonly active: Int32Array;
  private readonly words: Uint32Array;
  private readonly tmp: Uint32Array;
  private readonly fp = new Uint32Array(2);
  private table: SharedFingerprints;
  private readonly front: SharedWords[];
  private readonly cands: SharedWords[];
  private readonly claims: SharedWords;
  private readonly nlinks: SharedWords;
  /** Per worker, with AG EF goals: the level's edges as (parent position, target slot). */
  private readonly edgeBufs: SharedWords[];
  private readonly withGraph: boolean;
  private readonly ports: MessagePort[];
  private readonly fired: Float64Array;
  private readonly checkDeadlock: boolean;
  private readonly maxStates: number;
  private readonly maxDepth: number;
  private readonly memory: MemoryGuard | undefined;
  /** `--store bitstate`: the shared bit array (every worker tests it; worker 0 sets it between levels). */
  private readonly bits: BitStateSet | undefined;

  constructor(
    private readonly sys: System<S>,
    private readonly codec: WordCodec<S>,
    private readonly path: PackedPath<S>,
  ) {
    this.W = codec.words;
    this.rules = sys.rules;
    this.active = Int32Array.from(sys.rules.flatMap((r, i) => (r.inactive ? [] : [i])));
    this.words = path.words;
    this.tmp = new Uint32Array(this.W);
    this.table = new SharedFingerprints(init.table, init.flags, init.ids);
    this.edgeBufs = init.edges.map((b) => new SharedWords(b));
    this.withGraph = (sys.goals?.length ?? 0) > 0;
    this.front = init.front.map((b) => new SharedWords(b));
    this.cands = init.cands.map((b) => new SharedWords(b));
    this.claims = new SharedWords(init.claims);
    this.nlinks = new SharedWords(init.nlinks);
    this.ports = init.ports;
    this.fired = new Float64Array(sys.rules.length);
    this.totalFired = new Float64Array(sys.rules.length);
    this.checkDeadlock = init.options.checkDeadlock;
    // tests: PVCHECK_TEST_SLACK=table (or claims) makes that estimate tiny: levels outgrow the table and are done again
    const tiny = process.env.PVCHECK_TEST_SLACK;
    if (tiny === 'table') this.slack = 1 / 64;
    else if (tiny === 'claims') this.claimSlack = 1 / 64;
    this.maxStates = init.options.maxStates ?? Infinity;
    this.maxDepth = init.options.maxDepth ?? Infinity;
    // the workers still loading hold little yet: counted at what a loaded one holds (perWorkerBytes)
    // (worker 0, while it runs the first levels alone: past the budget only with that estimate, it waits for them to load)
    const b = init.options.bits;
    this.bits = b ? new BitStateSet(b.bytes, b.hashes, b.seed, b.sab) : undefined;
    this.memory = init.options.maxMemory !== undefined ? new MemoryGuard(init.options.maxMemory, () => Atomics.load(ctl, C.UNLOADED) * perWorkerBytes(), awaitLoaded) : undefined;
    this.failing = compileInvariants(sys.invariants);
    const goals = sys.goals ?? [], observables = sys.observables ?? [];
    this.goalList = goals;
    this.obsList = observables;
    this.FOUND = goals.length + observables.length > 0 ? 1 + foundWords(goals.length, observables.length) : 0;
    this.GOAL_WORDS = (goals.length + 31) >>> 5;
    this.expandTogether = compileExpand(
      // successors are staged, and recorded once their window of states is expanded (expandLevel)
      { rules: this.rules, active: this.active, fired: this.fired, apply: (r, s, a) => this.apply(r, s, a), edge: (d) => (path.stage(d), true) },
      // the packed path's scratch copy: the lazy root's for a shape that has one (codec.ts), as on one thread
      (s) => path.scratch(s),
    );
    // as PackedPath chooses them on one thread (packed.ts): the workers unpacked every shaped state into
    // fresh objects and compared it with the shape's `same` (5-10x the cost of a reused unpack, codec.ts)
    const reused = codec.lazy ? undefined : codec.unpackReused?.();
    this.unpackToExpand = codec.lazy?.unpack ?? reused ?? codec.unpack;
    this.sameExpanded = reused?.same ?? codec.same;
    this.unpackFound = codec.unpackReused?.() ?? codec.unpack;
  }
  /**
   * Unpacks a new state of the merge for its observables and goals: into
   * objects reused for every state (they keep no reference to it), as the
   * single-threaded packed path's `unpackFound` (packed.ts). A fresh unpack
   * (objects for every state, 5-10x the cost: codec.ts) was worker 0's merge's
   * main cost on a nested model with goals (xenbus, grant: merged by worker 0
   * alone, in id order, for the AG EF graph).
   */
  private readonly unpackFound: (w: Uint32Array, off: number) => S;
  /**
   * Unpacks a state to expand: the lazy root's unpack (it keeps its words, so
   * its successors start from them), or an unpack into objects reused for
   * every state (the state is read only while it is expanded), or a fresh one.
   */
  private readonly unpackToExpand: (w: Uint32Array, off: number) => S;
  /** The no-write check of an expanded state without packing it (the reused objects' own `same`), if the codec has one. */
  private readonly sameExpanded: ((s: S, w: Uint32Array, off: number) => boolean) | undefined;
  /** The index of the first invariant that fails in a state, or -1 (flatExpand.ts). */
  private readonly failing: (s: S) => number;
  /**
   * Words a candidate record carries after the state's words when the search
   * has goals or observables: a word that says whether they follow (1: an
   * inserter's record, which evaluated them on the state it found: graph.ts
   * writeFound; 0: a record of a state found again, which did not), then
   * graph.ts foundWords. The merge, worker 0's in id order with goals or
   * every worker's, reads them instead of unpacking the state (0 without
   * goals and observables: the record is as before).
   */
  private readonly FOUND: number;
  private readonly GOAL_WORDS: number;
  private readonly goalList: readonly SysGoal<S>[];
  private readonly obsList: readonly SysObservable<S>[];
  /** The expansion of a state in a level expanded by every worker (flatExpand.ts). */
  private readonly expandTogether: Expand<S>;

  private apply(r: number, s: S, a: unknown): S {
    return this.path.apply(r, s, a);
  }

  /** Packs `s` into this.words and its fingerprint into this.fp (normalised for the shared table). */
  private fingerprint(s: S): void {
    this.path.fingerprint(s, this.fp);
    this.fp[0] = normHigh(this.fp[0]!);
    this.fp[1] = normLow(this.fp[1]!);
  }

  /** Throws if a rule wrote to the state it expanded (compares it with its packed words). */
  private checkInput(s: S, fw: Uint32Array, off: number): void {
    if (this.sameExpanded) {
      if (!this.sameExpanded(s, fw, off)) throw new Error('a rule wrote to its input state instead of the draft');
      return;
    }
    this.codec.pack(s, this.tmp);
    for (let j = 0; j < this.W; j++)
      if (this.tmp[j] !== fw[off + j]) throw new Error('a rule wrote to its input state instead of the draft');
  }

  // ---- every worker: the parallel expansion of a level ----

  /** Takes the table worker 0 published, when it changed. */
  private syncTable(): void {
    if (me === 0) return;
    const gen = Atomics.load(ctl, C.TABLE_GEN);
    while (this.tableGen !== gen) {
      let m = receiveMessageOnPort(this.ports[0]!);
      for (let tries = 0; !m && tries < 10000; tries++) {
        Atomics.wait(ctl, C.ERROR, 0, 1);
        m = receiveMessageOnPort(this.ports[0]!);
      }
      if (!m) throw new Error('internal: a new table was announced but not sent');
      const msg = m.message as { table: SharedArrayBuffer; flags: SharedArrayBuffer; ids?: SharedArrayBuffer; gen: number; inPlace: boolean };
      this.table = new SharedFingerprints(msg.table, msg.flags, msg.ids);
      this.lv.table = this.table;
      this.tableGen = msg.gen;
      if (!msg.inPlace) collect(); // a table grown in place replaces no buffer: nothing to free
    }
  }
  private tableGen = 0;

  /**
   * This worker's part of re-placing the table worker 0 grew in place before
   * the level (`growTogether`), then a barrier: the level's expansion probes
   * the whole table.
   */
  private rehashTogether(): void {
    const c = Atomics.load(ctl, C.REHASH);
    if (c === 0) return;
    const was = phase('rehash');
    if (me !== 0) {
      // the buffers grew in place: new views of their new lengths
      this.table = new SharedFingerprints(this.table.sab, this.table.flagsSab);
      this.lv.table = this.table;
    }
    const b = C.WORKER + me * WSTRIDE;
    this.table.rehashPart(c, Atomics.load(ctl, b + WS.REHASH_FROM), Atomics.load(ctl, b + WS.REHASH_TO), false, true, me === N - 1);
    barrier('w.rehash1'); // every part is done
    this.table.rehashDeferred();
    barrier('w.rehash2'); // the table is whole
    if (me === 0) Atomics.store(ctl, C.REHASH, 0);
    phase(was);
  }

  /** Worker i > 0: expand levels until worker 0 says the search is over. */
  follow(): void {
    for (;;) {
      barrier('w.start'); // level start
      if (Atomics.load(ctl, C.PHASE) === 1) return;
      this.syncTable();
      this.rehashTogether();
      this.foldTogether();
      phase('expand');
      this.expandLevel();
      barrier('w.expanded', decide); // level expanded
      if (mergeDelay > 0) sleep(2 * mergeDelay);
      if (Atomics.load(ctl, C.MERGE) === 1) {
        this.merges++;
        this.mergeTogether();
      }
      phase('other');
    }
  }

  /** The claims table of the level (a view of the claims buffer's first words). */
  private claimsA: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

  // ---- every worker: the merge of a level (when no observable or AG EF graph needs worker 0 to see each new state) ----

  /**
   * The level's merge by every worker, in two steps between barriers. The
   * winner of a slot is its first candidate in BFS order, i.e. its record in
   * the least chunk: a worker records a slot at most once a chunk, and the
   * chunks' records are in (parent, transition) order. Most slots have one
   * record, that of the worker that inserted the state (1.3% of ring-notify
   * 8x64's records are others); a worker that finds a state another
   * inserted in this level (or itself in an earlier chunk) lowers the slot's
   * entry in the claims table to its chunk (an atomic minimum), so the table
   * holds only the slots found more than once.
   * 1. Each inserter's record decides its slot: it wins unless the slot's
   *    claims entry names an earlier chunk; when it wins over claims it
   *    writes its own chunk there, so no claimer's chunk matches. It counts
   *    the winner in its chunk.
   * 2. From the counts of every chunk (a prefix sum each worker computes),
   *    each worker writes its winners (inserters' records marked in step 1,
   *    claimers' records whose chunk the entry names) into the next
   *    frontier, and their parent links (parent position, transition), at
   *    their positions. Every state flagged in the level is merged: worker 0
   *    takes the table's next stamp as the level ends (swap), so none stays
   *    flagged.
   * Positions, and so ids, are those of the single-threaded search. Worker 0
   * then adds the links to ParentLinks (mergedTogether).
   */
  private mergeTogether(): void {
    const len = Atomics.load(ctl, C.CUR_LEN);
    const nChunks = Math.ceil(len / Atomics.load(ctl, C.CHUNK));
    const R = REC + this.W + this.FOUND;
    const buf = this.cands[me]!.a;
    const claims = this.claimsA;
    const stamp = this.lv.gen * CLAIM_STAMP; // the level's entries' (claim)
    const was = phase('merge1');
    // winners counted here, then added to the shared counts once a chunk
    if (this.wins.length < nChunks) this.wins = new Int32Array(2 * nChunks);
    const wins = this.wins.fill(0, 0, nChunks);
    for (let c = 0; c < nChunks; c++) {
      if (chunks[CH * c] !== me) continue;
      for (let x = chunks[CH * c + 1]!, end = chunks[CH * c + 2]!; x < end; x++) {
        const o = x * R;
        if (buf[o + 3] !== INSERTED) continue; // a claimer's record: step 2 reads the outcome
        const slot = buf[o + 2]!;
        const m = this.claimOf(slot);
        let w = c;
        if (m >= 0) {
          const v = claims[2 * m + 1]! - stamp - 1;
          if (v < c) w = v;
          else claims[2 * m + 1] = stamp + c + 1;
        }
        if (w === c) buf[o + 1] = (buf[o + 1]! | 0x80000000) >>> 0;
        wins[w]!++;
      }
    }
    for (let c = 0; c < nChunks; c++) if (wins[c] !== 0) Atomics.add(chunks, CH * c + 5, wins[c]!);
    barrier('w.winners'); // winners counted
    // The test hook: on every other level merged, worker 0 reads the claims table after the others merged, or
    // the others read it while worker 0 sets up the next level (it must not clear the table before they are done:
    // newClaimsTable).
    if (mergeDelay > 0 && (me === 0) === (this.merges % 2 === 0)) sleep(mergeDelay);
    phase('merge2');
    const next = this.next0();
    next.refresh(); // worker 0 made room for the level's new states
    this.nlinks.refresh();
    const na = next.a, nl = this.nlinks.a, W = this.W;
    // Observables: this worker's extremes among the states it merges, with their ids (worker 0 takes the
    // least id of each extreme over the workers, as seeing the states one by one in id order would).
    const obs = this.sys.observables ?? [], no = obs.length;
    const ext = this.ext;
    const nextFirst = f64[F_NEXT_FIRST]!;
    for (let i = 0; i < no; i++) {
      ext[4 * i] = Infinity;
      ext[4 * i + 2] = -Infinity;
    }
    let pos = 0;
    for (let c = 0; c < nChunks; c++) {
      if (chunks[CH * c] !== me) {
        pos += chunks[CH * c + 5]!;
        continue;
      }
      for (let x = chunks[CH * c + 1]!, end = chunks[CH * c + 2]!; x < end; x++) {
        const o = x * R;
        const k = buf[o + 1]!, m = buf[o + 3]!;
        if (m === INSERTED ? k >>> 31 === 0 : claims[2 * m + 1] !== stamp + c + 1) continue;
        nl[2 * pos] = buf[o]!;
        nl[2 * pos + 1] = k & 0x7fffffff;
        for (let j = 0, q = pos * W; j < W; j++) na[q + j] = buf[o + REC + j]!;
        if (no > 0) {
          const e = o + REC + W;
          const carried = buf[e] === 1; // the inserter's record: the values are in it
          const s = carried ? undefined : this.unpackFound(buf, o + REC);
          for (let i = 0; i < no; i++) {
            const x = carried ? wordsToNumber(buf, e + 1 + this.GOAL_WORDS + 2 * i) : obs[i]!.value(s!);
            if (x < ext[4 * i]!) {
              ext[4 * i] = x;
              ext[4 * i + 1] = nextFirst + pos;
            }
            if (x > ext[4 * i + 2]!) {
              ext[4 * i + 2] = x;
              ext[4 * i + 3] = nextFirst + pos;
            }
          }
        }
        pos++;
      }
    }
    if (no > 0) f64.set(ext.subarray(0, 4 * no), me * FSTRIDE + F_OBS);
    // No barrier here: worker 0 goes on to set up the next level while the others write, and waits for
    // their count only before it reads what they wrote (awaitWritten); the level-start barrier covers the rest.
    if (me !== 0) {
      Atomics.add(ctl, C.WRITTEN, 1);
      Atomics.notify(ctl, C.WRITTEN);
    }
    phase(was);
  }

  private wins = new Int32Array(64);
  /** This worker's observable extremes of the level it merges: per observable [min, id, max, id]. */
  private readonly ext = new Float64Array(4 * (init.observables || 1));

  /** The claims entry of `slot`, or -1 (after the expansion: no entry changes meanwhile). */
  private claimOf(slot: number): number {
    const m = this.claimsA;
    const lv = this.lv;
    const mask = lv.claimMask, key = slot + 1, gen = lv.gen;
    const h = Math.imul(slot, 0x9e3779b1);
    const b = h & lv.bitMask;
    // a bit array beside the table, small enough for the cache, answers "no claim" for most slots
    const w = m[2 * (mask + 1) + (b >>> 4)]!;
    if (w >>> 16 !== gen || ((w >>> (b & 15)) & 1) === 0) return -1;
    for (let i = h & mask, n = 0; n <= mask; n++, i = (i + 1) & mask) {
      if (m[2 * i + 1]! >>> 17 !== gen) return -1; // an entry of an earlier level: free
      if (m[2 * i]! === key) return i;
    }
    return -1;
  }

  /**
   * The frontier buffer the current level's new states go to (the one it is
   * not in): from the index each worker read as the level started, since
   * worker 0 may set C.FRONT for the next level while the others merge.
   */
  private next0(): SharedWords {
    return this.front[1 - this.curFront]!;
  }
  /** C.FRONT as this worker read it at the start of the level it expands or merges. */
  private curFront = 0;

  /**
   * Lowers the claims entry of `slot` to chunk `c` (an atomic minimum); its
   * index, or -1 when the table has as many entries as it takes (the level
   * is then done again with a larger one).
   *
   * An entry is two words, (slot + 1, stamp + chunk + 1), where the stamp is
   * the level's generation times CLAIM_STAMP: an entry whose stamp is not
   * the level's is free, so no one clears the table between levels (the
   * others cleared it after each merge, once worker 0 was done reading it:
   * the follower waited for worker 0 on about 200 levels of ring-notify
   * 8x64). A worker takes a free entry by a compare-and-swap of its second
   * word to (stamp + 0), writes the key, then the chunk: a worker that finds
   * an entry of the level with chunk 0 waits for its key. The bit array's
   * words are stamped too: the generation in the high 16 bits, 16 bits of
   * bits in the low ones.
   */
  private claim(slot: number, c: number): number {
    const m = this.claimsA;
    const lv = this.lv;
    const mask = lv.claimMask, gen = lv.gen, stamp = gen * CLAIM_STAMP;
    const key = slot + 1, want = stamp + c + 1;
    const h = Math.imul(slot, 0x9e3779b1);
    const b = h & lv.bitMask;
    const bw = 2 * (mask + 1) + (b >>> 4), bit = 1 << (b & 15);
    for (let v = Atomics.load(m, bw); ; ) {
      const nv = v >>> 16 === gen ? (v | bit) >>> 0 : gen * 65536 + bit;
      if (nv === v) break;
      const o = Atomics.compareExchange(m, bw, v, nv);
      if (o === v) break;
      v = o;
    }
    let i = h & mask;
    for (let n = 0; n <= mask; n++, i = (i + 1) & mask) {
      let v = Atomics.load(m, 2 * i + 1);
      if (v >>> 17 !== gen) {
        const o = Atomics.compareExchange(m, 2 * i + 1, v, stamp);
        if (o === v) {
          // this worker took the entry
          Atomics.store(m, 2 * i, key);
          Atomics.store(m, 2 * i + 1, want);
          // the entries so far: at most 3/4 full (levelTogether sizes it)
          return Atomics.add(ctl, C.CLAIM_COUNT, 1) >= lv.claimMost ? -1 : i;
        }
        v = o; // another worker took it in this level
      }
      while (v === stamp) v = Atomics.load(m, 2 * i + 1); // its key is being written
      if (Atomics.load(m, 2 * i) !== key) continue;
      while (v > want) {
        const o = Atomics.compareExchange(m, 2 * i + 1, v, want);
        if (o === v) break;
        v = o;
      }
      return i;
    }
    return -1;
  }

  /**
   * Whether a chunk already recorded `slot` (a set of the chunk's slots,
   * stamped with the chunk's number so that nothing needs clearing): only a
   * slot's first record in a chunk can win.
   */
  private seenInChunk(slot: number): boolean {
    const set = this.seenSet, gen = this.seenGen;
    const mask = (set.length >>> 1) - 1;
    for (let i = Math.imul(slot, 0x9e3779b1) & mask; ; i = (i + 1) & mask) {
      if (set[2 * i] !== gen) {
        set[2 * i] = gen;
        set[2 * i + 1] = slot;
        if (++this.seenCount * 4 > set.length) this.growChunkSet(set.length);
        return false;
      }
      if (set[2 * i + 1] === slot) return true;
    }
  }
  /**
   * The chunk's set: per entry its stamp (the chunk's number) and its slot,
   * side by side (one cache line a probe), at most half full.
   */
  private seenSet = new Int32Array(2048);
  private seenGen = 0;
  private seenCount = 0;
  /** Starts a chunk's set for about `records` slots (it grows if a chunk has more). */
  private newChunkSet(records: number): void {
    let cap = this.seenSet.length >>> 1;
    while (cap < 2 * records) cap *= 2;
    if (2 * cap > this.seenSet.length) this.seenSet = new Int32Array(2 * cap);
    this.seenGen++;
    this.seenCount = 0;
  }
  private growChunkSet(cap: number): void {
    const old = this.seenSet, gen = this.seenGen;
    const set = (this.seenSet = new Int32Array(2 * cap));
    this.seenGen = 1;
    const mask = cap - 1;
    for (let j = 0; j < old.length; j += 2) {
      if (old[j] !== gen) continue;
      let i = Math.imul(old[j + 1]!, 0x9e3779b1) & mask;
      while (set[2 * i] === 1) i = (i + 1) & mask;
      set[2 * i] = 1;
      set[2 * i + 1] = old[j + 1]!;
    }
  }

  /**
   * Expands chunks of the current level: successors go into the shared table
   * (flagged when new); every successor found flagged (new in this level,
   * whoever inserted it) is recorded with its parent's position, its
   * transition index and its slot, in this worker's candidate buffer, chunk
   * by chunk, so that worker 0 can merge them in BFS order.
   */
  private expandLevel(): void {
    this.curFront = Atomics.load(ctl, C.FRONT);
    const cur = this.front[this.curFront]!;
    cur.refresh(); // worker 0 wrote the level
    const len = Atomics.load(ctl, C.CUR_LEN);
    enterBucket(bucketOf(len), len);
    const chunk = Atomics.load(ctl, C.CHUNK);
    const nChunks = Math.ceil(len / chunk);
    const room = Atomics.load(ctl, C.ROOM); // new states the table takes before it must grow
    const toCut = Atomics.load(ctl, C.TO_CUT); // new states that would reach maxStates
    const W = this.W;
    const lv = this.lv;
    lv.edges = lv.news = lv.nrec = lv.nedge = 0;
    lv.stop = false;
    lv.table = this.table;
    lv.table.stamp = Atomics.load(ctl, C.FLAG_STAMP); // worker 0 took a new one as the last level ended
    lv.par = Atomics.load(ctl, C.PAR_MERGE) === 1;
    lv.bitsOn = Atomics.load(ctl, C.BITS_ON) === 1; // worker 0 set the levels before into the bit array (bitsAtLevelStart)
    if (lv.par) {
      this.claims.refresh(); // worker 0 sized the claims table for the level
      lv.claimMask = Atomics.load(ctl, C.CLAIM_MASK);
      lv.bitMask = Atomics.load(ctl, C.CLAIM_BITS) - 1;
      lv.gen = Atomics.load(ctl, C.CLAIM_GEN);
      // the entries, then the bit array (16 bits a word)
      this.claimsA = this.claims.a.subarray(0, claimWords(lv.claimMask + 1, lv.bitMask + 1));
      lv.claimMost = Math.floor((3 * (lv.claimMask + 1)) / 4);
    }
    this.fired.fill(0);
    if (mergeDelay > 0 && me === 0) sleep(mergeDelay);
    const expand = this.expandTogether;
    const isValidEnd = this.sys.isValidEnd;
    let terminals = 0, maxOut = 0;
    let sinceShare = 0;
    const base = C.WORKER + me * WSTRIDE;
    const path = this.path;
    const wPos = this.wPos, wEnd = this.wEnd;
    let shared = 0;
    for (;;) {
      const c = Atomics.add(ctl, C.CURSOR, 1);
      if (c >= nChunks || lv.stop) break;
      const from = c * chunk, to = Math.min(len, from + chunk);
      chunks[CH * c] = me;
      // its winners, counted in the merge (zeroed here, not at the level's set-up: worker 0 sets up the
      // next level while the others still read the counts of this one, mergeTogether)
      chunks[CH * c + 5] = 0;
      chunks[CH * c + 1] = lv.nrec;
      chunks[CH * c + 3] = lv.nedge;
      lv.chunk = c;
      if (lv.par) this.newChunkSet(2 * (to - from)); // about one record a state (ring-notify 8x64); the set grows past that
      // Windows of up to 64 states (ending at multiples of 64) or 256 successors: the successors of a
      // window are staged, then looked up together (their slots read in one loop, so that the cache
      // misses overlap: Search.window on one thread), then recorded in order.
      for (let p = from; p < to; ) {
        if (Atomics.load(ctl, C.STOP) !== 0 || Atomics.load(ctl, C.INTERRUPT) !== 0) {
          // an interrupt stops the level for every worker alike (none merges it)
          Atomics.store(ctl, C.STOP, 1);
          lv.stop = true;
          break;
        }
        const last = Math.min(to, (p | 63) + 1);
        let n = 0;
        for (; p < last; p++) {
          const s = this.unpackToExpand(cur.a, p * W);
          const k = expand(s, p, true) >> 1;
          wPos[n] = p;
          wEnd[n] = path.stagedCount;
          n++;
          if (k > 0) this.checkInput(s, cur.a, p * W);
          if (k > maxOut) maxOut = k;
          if (k > 0xffff) throw new Error(`a state has more than 65536 transitions (rule choices); at most 65536 are supported`);
          if (k === 0) {
            terminals++;
            if (this.checkDeadlock && !(isValidEnd && isValidEnd(s))) {
              lv.stop = true;
              p++;
              break;
            }
          }
          if (path.stagedCount >= 256) {
            p++;
            break;
          }
        }
        path.resolve(lv.table);
        const rep = path.rep;
        for (let i = 0, j = 0; i < n && !lv.stop; i++) {
          const pp = wPos[i]!;
          for (let k = 0, end = wEnd[i]!; j < end; j++, k++)
            if (!this.edgeTogether(j, normHigh(rep[2 * j]!), normLow(rep[2 * j + 1]!), pp, k)) break;
        }
        sinceShare += n;
        if (sinceShare - shared >= 64 || lv.stop) {
          shared = sinceShare;
          // Share the count of new states: the table must not fill, and maxStates must not pass
          // (and, with the states expanded and the edges, progress lines show the level as it goes).
          Atomics.store(ctl, base + WS.NEWS, lv.news);
          Atomics.store(ctl, base + WS.EXPANDED, sinceShare);
          f64[me * FSTRIDE + F.EDGES] = lv.edges;
          let total = 0;
          for (let j = 0; j < N; j++) total += Atomics.load(ctl, C.WORKER + j * WSTRIDE + WS.NEWS);
          if (total >= room) Atomics.or(ctl, C.ABORT, 1);
          if (total >= toCut) lv.stop = true;
          if (Atomics.load(ctl, C.ABORT) !== 0) lv.stop = true;
        }
        if (this.memory && (sinceShare & ~1023) !== ((sinceShare - n) & ~1023) && this.memory.over(0)) {
          Atomics.store(ctl, C.OUT_OF_MEMORY, 1);
          Atomics.store(ctl, C.INTERRUPT, 1);
        }
        if (lv.stop) {
          // A violation, a deadlock or a bound in this level: worker 0 runs it alone, exactly.
          Atomics.store(ctl, C.STOP, 1);
          break;
        }
      }
      chunks[CH * c + 2] = lv.nrec;
      chunks[CH * c + 4] = lv.nedge;
    }
    Atomics.store(ctl, base + WS.NEWS, lv.news);
    Atomics.store(ctl, base + WS.EXPANDED, sinceShare);
    const fb = me * FSTRIDE;
    f64[fb + F.EDGES] = lv.edges;
    f64[fb + F.TERMINALS] = terminals;
    f64[fb + F.MAX_OUT] = maxOut;
    f64.set(this.fired, fb + F.FIRED);
  }

  /** The running counts of the level this worker expands with every worker (edgeTogether's). */
  private readonly lv = { edges: 0, news: 0, nrec: 0, nedge: 0, stop: false, table: undefined as unknown as SharedFingerprints, par: false, bitsOn: false, claimMask: 0, bitMask: 0, claimMost: 0, gen: 0, chunk: 0 };
  /** Per state of a window of expandLevel: its position in the level, and the end of its staged successors. */
  private readonly wPos = new Int32Array(64);
  private readonly wEnd = new Int32Array(64);

  /**
   * Transition k of the state at position p of the level, staged successor
   * j (its fingerprint (h, l), normalised): it goes into the shared table
   * (flagged when new); a successor found flagged (new in this level,
   * whoever inserted it) is recorded with p, k and its slot in this
   * worker's candidate buffer, so that the level's merge can take them in
   * BFS order. False when the table is full (the level is done again).
   */
  private edgeTogether(j: number, h: number, l: number, p: number, k: number): boolean {
    const lv = this.lv;
    lv.edges++;
    // --store bitstate: a state of a level before (its bits all set: visited, or missed) is not the table's
    if (lv.bitsOn && this.bits!.has(h, l)) return true;
    const res = lv.table.insert(h, l, 0x80000000);
    if (res === 3) {
      Atomics.or(ctl, C.ABORT, 1);
      lv.stop = true;
      return false;
    }
    if (this.withGraph) {
      const eb = this.edgeBufs[me]!;
      eb.ensure(2 * lv.nedge + 2);
      eb.a[2 * lv.nedge] = p;
      eb.a[2 * lv.nedge + 1] = res >>> 2;
      lv.nedge++;
    }
    const code = res & 3;
    if (code !== 0) {
      let found: S | undefined;
      if (code === 1) {
        lv.news++;
        // the invariants see the successor unpacked from its words (a plain state)
        if (this.failing((found = this.path.stagedState(j))) >= 0) lv.stop = true;
      }
      const slot = res >>> 2;
      let m = INSERTED;
      if (lv.par) {
        if (code === 1) this.seenInChunk(slot);
        else {
          if (this.seenInChunk(slot)) return true; // not the chunk's first record of the slot: it cannot win
          m = this.claim(slot, lv.chunk);
          if (m < 0) {
            Atomics.or(ctl, C.ABORT, 2);
            lv.stop = true;
            return false;
          }
        }
      }
      const R = REC + this.W + this.FOUND;
      const cand = this.cands[me]!;
      cand.ensure((lv.nrec + 1) * R);
      const a = cand.a, o = lv.nrec * R, w = this.path.stagedWords(j);
      a[o] = p;
      a[o + 1] = k;
      a[o + 2] = slot;
      a[o + 3] = m;
      for (let x = 0; x < w.length; x++) a[o + REC + x] = w[x]!;
      if (this.FOUND > 0) this.carry(found, a, o + REC + w.length);
      lv.nrec++;
    }
    return true;
  }

  /**
   * The goals and observables of a state this worker inserted (`found`, else a state found again: none),
   * evaluated here rather than in the merge, at `a[e..]` (FOUND words). Out of edgeTogether, which runs
   * for every edge: a model with neither (the flat default) pays one test of FOUND a record.
   */
  private carry(found: S | undefined, a: Uint32Array, e: number): void {
    a[e] = found !== undefined ? 1 : 0;
    if (found !== undefined) writeFound(found, this.goalList, this.obsList, a, e + 1);
  }

  // ---- worker 0: seeding, merging, levels run alone, the report ----

  private links = new ParentLinks();
  private level = 0;
  private curLen = 0;
  private nextLen = 0;
  private frontIdx = 0;
  private edges = 0;
  private terminals = 0;
  private readonly totalFired: Float64Array;
  /** Slots taken in the table (accepted states and this level's flagged ones). */
  private occupied = 0;
  /** Position reached in the current level (for the queue of the report). */
  private pos = 0;
  private pending: { property: string; id: number } | undefined;
  private deadlockId = -1;
  private truncated: 'max-states' | 'max-depth' | 'max-memory' | undefined;
  private interrupted = false;
  private cutByStates = false;
  private obs: ObservableExtremes<S> | undefined;
  private graph: GoalGraph<S> | undefined;
  private maxOut = 1;
  /**
   * New states a state of the level may give, as the table and the claims
   * table are sized for a level: twice the mean out-degree of the levels
   * so far (`slack`, doubled for each level done again for a full table),
   * at most the most transitions of a state. Sized by the most alone, a
   * model with a few states of many transitions reserved ten times what
   * it used (netif-ctrl: 52 at most, 4.7 on average; a 256 MiB table and
   * a 512 MiB claims table for a million states, against 20 bytes a state
   * on one thread). A level that outgrows the estimate is done again
   * (ABORT), as when it outgrew the most.
   */
  private perState(): number {
    const mean = this.curFirst > 0 ? this.edges / this.curFirst : this.maxOut;
    return Math.max(1, Math.min(this.maxOut, Math.ceil(this.slack * mean)));
  }
  private slack = 2;
  /** Entries of the claims table a state of the level is sized for (doubled for each level done again for a full one). */
  private claimSlack = 4;
  /** Levels done again for a full table and for a full claims table (tests: PVCHECK_TEST_SLACK). */
  readonly redone = { table: 0, claims: 0 };
  private readonly start = Date.now();

  private get cur(): SharedWords {
    return this.front[this.frontIdx]!;
  }
  private get next(): SharedWords {
    return this.front[1 - this.frontIdx]!;
  }

  /**
   * The id of the current level's first state (worker 0 only: the others
   * record positions). Ids are given in BFS order, so a level's ids are
   * consecutive: the state at position p of the level has id curFirst + p.
   */
  private curFirst = 0;
  /** The id of the next level's first state. */
  private nextFirst = 0;

  coordinate(): WorkerResult<S> {
    this.obs = this.sys.observables?.length ? new ObservableExtremes(this.sys.observables) : undefined;
    this.graph = this.withGraph ? new GoalGraph(this.sys.goals!) : undefined;
    if (init.resume) this.resume(init.resume);
    else this.seed();
    let result: WorkerResult<S> | undefined;
    while (result === undefined) {
      this.publishStats();
      if (Atomics.load(ctl, C.INTERRUPT) !== 0) {
        this.stopped();
        result = this.finish();
        break;
      }
      if (this.memory && this.memory.over(0)) {
        this.truncated = 'max-memory';
        result = this.finish();
        break;
      }
      const alone =
        this.curLen < this.aloneBelow() ||
        this.pending !== undefined ||
        this.cutByStates ||
        this.level >= this.maxDepth ||
        this.links.size >= this.maxStates;
      result = alone ? this.levelAlone() : this.levelTogether();
      phase('other');
    }
    Atomics.store(ctl, C.PHASE, 1);
    barrier('w.release'); // release the others
    return result;
  }

  /**
   * Why C.INTERRUPT is set: a worker's memory guard (it sets OUT_OF_MEMORY
   * too: the report says max-memory, as on one thread; it said
   * `interrupted` before when the guard tripped in a level every worker
   * expanded), else an interrupt (Ctrl-C, or a worker that failed).
   */
  private stopped(): void {
    if (Atomics.load(ctl, C.OUT_OF_MEMORY) !== 0) this.truncated = 'max-memory';
    else this.interrupted = true;
  }

  /**
   * The progress figures between levels (ParallelSearch.stats reads them);
   * the workers' running counts of the level before are cleared (the others
   * wait at the level-start barrier).
   */
  private publishStats(): void {
    Atomics.add(ctl, C.SEQ, 1);
    Atomics.store(ctl, C.IN_LEVEL, 0);
    Atomics.store(ctl, C.STATES, this.links.size);
    Atomics.store(ctl, C.LEVEL, this.level);
    Atomics.store(ctl, C.QUEUE, this.curLen);
    f64[F_EDGES] = this.edges;
    for (let j = 0; j < N; j++) {
      Atomics.store(ctl, C.WORKER + j * WSTRIDE + WS.NEWS, 0);
      Atomics.store(ctl, C.WORKER + j * WSTRIDE + WS.EXPANDED, 0);
      f64[j * FSTRIDE + F.EDGES] = 0;
    }
    Atomics.add(ctl, C.SEQ, 1);
  }

  /**
   * Makes sure the table takes the next level: at most 3/4 full if every
   * edge of the level found a new state. Before a level every worker
   * expands (`together`), a table that grows in place is re-placed by every
   * worker ({@link growTogether}).
   */
  // ---- --store bitstate (docs/perf/2026-12-06d-engine.md §3) ----
  /** Whether the states of the levels before the current one are in the bit array, not the table. */
  private bitsOn = false;
  /** The level whose predecessors were last set into the array (a level done again does not set them twice). */
  private bitsLevel = -1;
  /** Holzmann's sum over the states set so far (those tested against the array: after the fold). */
  private expected = 0;
  /** The states kept exactly before the fold (ExactThenBits), or 0. */
  private exactStates = 0;

  /** What the table holds of the levels before the current one as a level starts: all of them, or none once they go to the bit array. */
  private get keptInTable(): number {
    return this.bitsOn ? 0 : this.links.size;
  }

  /**
   * `--store bitstate`, worker 0 at a level start (the others wait at its
   * barrier): the bit array holds the states of the levels before, the table
   * those of the level being built. Every worker tests a successor's bits
   * first (read only during a level: whether a state counts as visited does
   * not depend on the schedule) and only a successor not in the array goes
   * through the table, its claims and its merge as with the full store, so
   * ids, counts and misses are the same on any number of workers, and those
   * of the full store when nothing is missed. Here the table's states (the
   * level just built; at the fold, every state so far) are set into the
   * array and the table is emptied. Holzmann's sum counts each of them as
   * tested against the array as it was while its level was built; with no
   * SIZE (ExactThenBits) the table keeps every state until its next size would
   * pass the exact part's bytes, then folds (those states are not summed: they
   * were distinct).
   */
  private bitsAtLevelStart(together = false): void {
    const b = this.bits;
    if (!b || this.bitsLevel === this.level) return;
    const spec = init.options.bits!;
    if (!this.bitsOn) {
      if (spec.exactBytes !== undefined) {
        // the full table while the states it may hold by the level's end (as ensureRoom sizes it) stay within
        // the exact part's (ExactThenBits' exactLimit: one thread folds at the state that passes it)
        if (this.occupied + this.curLen * this.perState() <= exactLimitOf(spec.exactBytes)) return;
        this.exactStates = this.links.size;
      }
      if (this.memory && this.memory.over(spec.bytes)) {
        this.truncated = 'max-memory';
        return;
      }
    }
    this.awaitWritten();
    const f = b.fill;
    const summed = this.bitsOn;
    this.occupied = 0;
    this.bitsOn = true;
    this.bitsLevel = this.level;
    // Before a level every worker expands, every worker sets its part of the table after the level-start
    // barrier (foldTogether), unless the emptied table must grow for the level: ensureRoom, which follows,
    // then sees an empty table (a growth re-places the entries it holds).
    if (together && N > 1 && !growAlone && !this.table.ids && this.curLen * this.perState() * 4 <= this.table.capacity * 3) {
      this.foldFill = summed ? f : -1;
      Atomics.store(ctl, C.FOLD, 1);
      Atomics.store(ctl, C.BITS_ON, 1); // read as the level's expansion starts, after the fold's barrier
      return;
    }
    let n = 0;
    this.table.forEachEntry((h, l) => {
      b.add(h, l);
      n++;
    });
    if (summed) this.expected += n * f ** b.hashes;
    this.table.clear();
    Atomics.store(ctl, C.BITS_ON, 1);
  }
  /** The array's fill before the states of a fold every worker sets ({@link foldTogether}), or -1 when they are not summed (the first fold). */
  private foldFill = -1;

  /**
   * `--store bitstate`, every worker after the level-start barrier when
   * worker 0 asked for it ({@link bitsAtLevelStart}): sets the states of its
   * part of the table's slots into the shared bit array (an atomic OR a bit:
   * the array is the same whatever the order) and empties that part, then a
   * barrier; worker 0 counts the states and the bits set (each bit by the
   * worker whose OR found it clear). Worker 0 did it alone while the others
   * waited (limiter bitstate:64M on 2 workers: 14% more CPU than one thread,
   * docs/perf/2026-12-06d-engine.md §3).
   */
  private foldTogether(): void {
    if (Atomics.load(ctl, C.FOLD) === 0) return;
    const was = phase('fold');
    const b = this.bits!, t = this.table.t, flags = this.table.flags, slots = t.length >>> 1;
    const from = Math.floor((slots * me) / N), to = Math.floor((slots * (me + 1)) / N);
    let n = 0, ones = 0;
    for (let i = from; i < to; i++) {
      const h = t[2 * i]!;
      if (h === 0) continue;
      ones += b.orShared(h, t[2 * i + 1]!);
      n++;
    }
    t.fill(0, 2 * from, 2 * to);
    flags.fill(0, from, to); // (a slot's flag byte: as many as slots)
    const w = C.WORKER + me * WSTRIDE;
    Atomics.store(ctl, w + WS.FOLD_STATES, n);
    Atomics.store(ctl, w + WS.FOLD_ONES, ones);
    barrier('w.fold'); // every part is set and empty
    if (me === 0) {
      // every worker read FOLD before the barrier, and writes its counts again only at the next fold
      let states = 0, set = 0;
      for (let j = 0; j < N; j++) {
        states += Atomics.load(ctl, C.WORKER + j * WSTRIDE + WS.FOLD_STATES);
        set += Atomics.load(ctl, C.WORKER + j * WSTRIDE + WS.FOLD_ONES);
      }
      b.counted(states, set);
      if (this.foldFill >= 0) this.expected += states * this.foldFill ** b.hashes;
      Atomics.store(ctl, C.FOLD, 0);
    }
    phase(was);
  }

  /** The store's report (bitstate.ts StoreReport), as one thread's BitStateSet or ExactThenBits gives it. */
  private bitsReport(): StoreReport {
    const spec = init.options.bits!, b = this.bits!;
    const n = this.links.size;
    const exactLimit = spec.exactBytes !== undefined ? exactLimitOf(spec.exactBytes) : undefined;
    const hashFactor = n === 0 ? Infinity : (8 * spec.bytes) / n;
    if (!this.bitsOn)
      return { kind: 'bitstate', bytes: spec.bytes, hashes: b.hashes, missedProbability: 0, expectedMissed: 0, hashFactor, exactStates: n, folded: false, ...(exactLimit !== undefined ? { exactLimit } : {}) };
    // the last level's states are still in the table: tested against the array as it is
    const E = this.expected + (n - b.size) * b.fill ** b.hashes;
    return {
      kind: 'bitstate', bytes: spec.bytes, hashes: b.hashes, missedProbability: 1 - Math.exp(-E), expectedMissed: E, hashFactor,
      ...(exactLimit !== undefined ? { exactStates: this.exactStates, folded: true, exactLimit } : {}),
    };
  }

  private ensureRoom(together = false): void {
    let cap = this.table.capacity;
    const need = this.occupied + this.curLen * this.perState();
    while (need * 4 > cap * 3) cap *= 2;
    if (cap === this.table.capacity) return;
    if (together && N > 1 && !growAlone && this.table.growsInPlace(cap)) this.growTogether(cap);
    else this.replaceTable(cap, false);
  }

  /**
   * Grows the table in place to `slots` and re-places the cluster that runs
   * past its old end; the rest is re-placed by every worker after the
   * level-start barrier, each its part ({@link rehashTogether}). Worker 0
   * rehashed the whole table alone before, while the others waited: 0.6-1.5 s
   * of a 2-worker ring-notify 8x64 run (docs/performance.md).
   */
  private growTogether(slots: number): void {
    this.awaitWritten(); // no one is in the last level's merge while the table moves
    if (this.memory && this.memory.over(slots * 9)) {
      this.truncated = 'max-memory';
      return;
    }
    const c = this.table.capacity;
    const { table, low } = this.table.growInPlace(slots, false);
    this.table = table;
    this.lv.table = table;
    const starts = table.partStarts(low, N);
    for (let j = 0; j < N; j++) {
      Atomics.store(ctl, C.WORKER + j * WSTRIDE + WS.REHASH_FROM, starts[j]!);
      Atomics.store(ctl, C.WORKER + j * WSTRIDE + WS.REHASH_TO, starts[j + 1]!);
    }
    Atomics.store(ctl, C.REHASH, c);
  }

  private replaceTable(slots: number, dropFlagged: boolean): void {
    this.awaitWritten();
    if (this.memory && this.memory.over(slots * 9)) {
      this.truncated = 'max-memory';
      return;
    }
    const old = this.table.sab;
    this.table = this.table.rehash(slots, dropFlagged);
    this.lv.table = this.table;
    const inPlace = this.table.sab === old;
    if (!inPlace) collect(); // a table grown in place replaces no buffer: nothing to free
    if (dropFlagged) this.occupied = this.keptInTable;
    const gen = Atomics.add(ctl, C.TABLE_GEN, 1) + 1;
    for (const p of this.ports) p.postMessage({ table: this.table.sab, flags: this.table.flagsSab, ids: this.table.idsSab, gen, inPlace });
  }

  private seed(): void {
    const init0 = this.sys.init;
    if (init0.length > 0xffff) throw new Error('more than 65535 initial states');
    const W = this.W;
    for (let i = 0; i < init0.length; i++) {
      const s = init0[i]!;
      this.fingerprint(s);
      if (this.links.size >= this.maxStates) {
        this.cutByStates = true;
        // a new initial state left out is a missed state
        if (this.table.lookup(this.fp[0]!, this.fp[1]!) === -1) this.truncated = 'max-states';
        continue;
      }
      const res = this.table.insert(this.fp[0]!, this.fp[1]!, 0);
      if ((res & 3) !== 1) continue;
      this.occupied++;
      const id = this.links.size;
      if (this.table.ids) this.table.ids[res >>> 2] = id;
      this.links.add(NO_PARENT, i);
      this.discovered(s, id);
      this.next.ensure((this.nextLen + 1) * W);
      this.next.a.set(this.words, this.nextLen * W);
      if (id !== this.nextFirst + this.nextLen) throw new Error('internal: ids out of BFS order');
      this.nextLen++;
    }
    this.swap();
    this.level = 0;
    if (this.curLen === 0) this.done = true;
  }
  private done = false;

  /**
   * Takes over a search the single-threaded one ran to the start of a level
   * (parallel.ts, a hand-over): its links, counts and extremes; the level's
   * words are in the first frontier buffer, its fingerprints in the table.
   */
  private resume(r: ResumeState): void {
    this.links = ParentLinks.fromTransfer(r.links);
    this.level = r.level;
    this.frontIdx = 0;
    this.front[0]!.refresh();
    this.curLen = r.curLen;
    this.curFirst = r.curFirst;
    this.nextFirst = this.links.size;
    this.nextLen = 0;
    this.pos = 0;
    if (this.curFirst + this.curLen !== this.nextFirst) throw new Error('internal: a level handed over is not the last one');
    this.edges = r.edges;
    this.terminals = r.terminals;
    this.totalFired.set(r.fired);
    this.maxOut = Math.max(1, r.maxOut);
    this.occupied = this.links.size;
    if (r.observables) this.obs!.v.set(r.observables);
    if (r.graph) this.graph!.load(r.graph);
  }

  private swap(): void {
    // every state flagged in the level is merged: none is flagged in the next (no worker reads a flag before it)
    this.table.nextStamp();
    this.frontIdx = 1 - this.frontIdx;
    this.curLen = this.nextLen;
    this.curFirst = this.nextFirst;
    this.nextFirst = this.links.size;
    this.nextLen = 0;
    this.pos = 0;
    this.level++;
  }

  private discovered(s: S, id: number): void {
    if (this.pending === undefined) {
      const i = this.failing(s);
      if (i >= 0) this.pending = { property: this.sys.invariants[i]!.name, id };
    }
    if (this.obs) this.obs.see(s, id);
    if (this.graph) this.graph.see(s, id);
  }

  /** Level end as the single-threaded search decides it; returns the result when the search is over. */
  private levelEnd(): WorkerResult<S> | undefined {
    if (this.pending || this.nextLen === 0 || this.cutByStates) {
      if (!this.pending && this.cutByStates && this.nextLen > 0) this.truncated ??= 'max-states';
      return this.finish();
    }
    this.swap();
    return undefined;
  }

  /** The level expanded by every worker, then merged; falls back to {@link levelAlone} when the level ends the search. */
  private levelTogether(): WorkerResult<S> | undefined {
    if (this.done) return this.finish();
    phase('table');
    this.bitsAtLevelStart(true); // (past the memory budget: ensureRoom's check below ends the search)
    this.ensureRoom(true);
    phase('setup');
    if (this.truncated === 'max-memory') return this.finish();
    const len = this.curLen;
    const chunk = Math.max(16, Math.min(4096, Math.ceil(len / (N * 16))));
    if (Math.ceil(len / chunk) * CH > chunks.length) throw new Error('internal: too many chunks');
    Atomics.store(ctl, C.FRONT, this.frontIdx);
    Atomics.store(ctl, C.FLAG_STAMP, this.table.stamp);
    Atomics.store(ctl, C.CUR_LEN, len);
    Atomics.store(ctl, C.CHUNK, chunk);
    Atomics.store(ctl, C.CURSOR, 0);
    Atomics.store(ctl, C.STOP, 0);
    Atomics.store(ctl, C.ABORT, 0);
    Atomics.store(ctl, C.ROOM, Math.floor(this.table.capacity * 0.9) - this.occupied);
    Atomics.store(ctl, C.TO_CUT, this.maxStates === Infinity ? 0x7fffffff : Math.min(0x7fffffff, this.maxStates - this.links.size));
    for (let j = 0; j < N; j++) Atomics.store(ctl, C.WORKER + j * WSTRIDE + WS.NEWS, 0);
    // Every worker merges the level unless worker 0 must see each new state in id order (AG EF graph).
    const par = !this.graph;
    Atomics.store(ctl, C.PAR_MERGE, par ? 1 : 0);
    if (par) {
      // at most half full: its entries are slots of the level's new states found again (at most the room
      // left), 0.2-1.4 a state of the level on netif-ctrl, 0.01 on ring-notify 8x64; sized for `claimSlack`
      // a state (a level that makes more is done again, with twice as many)
      const most = Math.min(Atomics.load(ctl, C.ROOM), len * this.claimSlack);
      let cap = Math.max(1024, this.claimCap);
      while (cap < 2 * most) cap *= 2;
      let bits = Math.max(1 << 15, this.claimBits); // and a bit array of 4 bits a state of the level at least
      while (bits < 4 * len) bits *= 2;
      this.newClaimsTable(cap, bits);
      Atomics.store(ctl, C.CLAIM_MASK, cap - 1);
      Atomics.store(ctl, C.CLAIM_BITS, bits);
    }
    Atomics.store(ctl, C.IN_LEVEL, 1);
    barrier('w.start'); // level start
    this.rehashTogether();
    this.foldTogether();
    phase('links');
    this.links.settle(); // the last level's links: the others take the chunks meanwhile
    phase('expand');
    const t0 = performance.now();
    this.expandLevel();
    this.sampleStateTime(t0, Atomics.load(ctl, C.WORKER + WS.EXPANDED)); // the states worker 0 expanded
    barrier('w.expanded', decide); // level expanded
    phase('merge0');
    if (Atomics.load(ctl, C.MERGE) === 1) return this.mergedTogether(len);
    this.attempted = true;
    if (Atomics.load(ctl, C.INTERRUPT) !== 0) {
      this.stopped();
      return this.finish();
    }
    const abort = Atomics.load(ctl, C.ABORT);
    if (abort !== 0) {
      // The table (bit 1) or the claims table (bit 2) filled faster than foreseen: drop this level's insertions,
      // make room, do the level again.
      this.occupied = this.keptInTable;
      if (abort & 1) {
        this.maxOut *= 2;
        this.slack *= 2;
        this.redone.table++;
      }
      if (abort & 2) {
        this.claimSlack *= 2;
        this.redone.claims++;
      }
      this.replaceTable(this.table.capacity * 2, true);
      return undefined;
    }
    let news = 0;
    for (let j = 0; j < N; j++) news += Atomics.load(ctl, C.WORKER + j * WSTRIDE + WS.NEWS);
    this.occupied += news;
    // A worker checks the others' counts only every 64 states: maxStates may have been passed since.
    if (Atomics.load(ctl, C.STOP) !== 0 || this.links.size + news >= this.maxStates) return this.levelAlone();
    // No violation, deadlock or bound in this level: merge the new states in BFS order.
    const W = this.W, R = REC + W + this.FOUND;
    const nChunks = Math.ceil(len / chunk);
    let records = 0;
    for (let c = 0; c < nChunks; c++) records += chunks[CH * c + 2]! - chunks[CH * c + 1]!;
    this.newTaken(records);
    const t = this.table;
    const next = this.next;
    this.addLevelStats();
    for (const b of this.cands) b.refresh(); // the others' candidates
    for (const b of this.edgeBufs) b.refresh();
    const curFirst = this.curFirst;
    const obs = this.obs;
    const graph = this.graph;
    for (let c = 0; c < nChunks; c++) {
      const owner = chunks[CH * c]!;
      const buf = this.cands[owner]!.a;
      for (let x = chunks[CH * c + 1]!, end = chunks[CH * c + 2]!; x < end; x++) {
        const o = x * R;
        const slot = buf[o + 2]!;
        if (!this.take(slot)) continue; // an earlier candidate (a smaller BFS key) took it
        const id = this.links.size;
        this.links.add(curFirst + buf[o]!, buf[o + 1]!);
        next.ensure((this.nextLen + 1) * W);
        const na = next.a, no = this.nextLen * W;
        for (let j = 0; j < W; j++) na[no + j] = buf[o + REC + j]!;
        if (id !== this.nextFirst + this.nextLen) throw new Error('internal: ids out of BFS order');
        this.nextLen++;
        if (obs || graph) {
          if (graph) t.ids![slot] = id;
          const e = o + REC + W;
          if (buf[e] === 1) {
            // evaluated by the worker that inserted the state (edgeTogether)
            if (obs) obs.seeWords(buf, e + 1 + this.GOAL_WORDS, id);
            if (graph) graph.seeWords(buf, e + 1, id);
          } else {
            const s = this.unpackFound(buf, o + REC);
            if (obs) obs.see(s, id);
            if (graph) graph.see(s, id);
          }
        }
      }
    }
    if (graph) {
      // Every target has its id now: record the level's edges.
      const ids = t.ids!;
      for (let c = 0; c < nChunks; c++) {
        const e = this.edgeBufs[chunks[CH * c]!]!.a;
        for (let x = chunks[CH * c + 3]!, end = chunks[CH * c + 4]!; x < end; x++) graph.edge(curFirst + e[2 * x]!, ids[e[2 * x + 1]!]!);
      }
    }
    this.pos = len;
    return this.levelEnd();
  }

  /**
   * The level's observable extremes from the workers' (each the first of its
   * states in id order to reach it): per extreme the least id over the
   * workers, taken only if strictly beyond the extreme so far, whose ids are
   * all smaller (ObservableExtremes.see's rule, state by state in id order).
   */
  private mergeExtremes(): void {
    const v = this.obs!.v;
    for (let i = 0; i < v.length / 4; i++) {
      let min = Infinity, minId = -1, max = -Infinity, maxId = -1;
      for (let j = 0; j < N; j++) {
        const b = j * FSTRIDE + F_OBS + 4 * i;
        const lo = f64[b]!, hi = f64[b + 2]!;
        if (lo < min || (lo === min && lo !== Infinity && f64[b + 1]! < minId)) [min, minId] = [lo, f64[b + 1]!];
        if (hi > max || (hi === max && hi !== -Infinity && f64[b + 3]! < maxId)) [max, maxId] = [hi, f64[b + 3]!];
      }
      if (min < v[4 * i]!) {
        v[4 * i] = min;
        v[4 * i + 1] = minId;
      }
      if (max > v[4 * i + 2]!) {
        v[4 * i + 2] = max;
        v[4 * i + 3] = maxId;
      }
    }
  }

  /** Levels merged by every worker so far (each worker counts them). */
  private merges = 0;
  /**
   * Worker 0: waits until every other worker has written its part of the
   * last level merged by every worker (mergeTogether: the next frontier,
   * the parent links, the observables' extremes). Called before anything reads those or moves the table: a level
   * run alone, a table grown or replaced, the observables' merge, the
   * report. The level-start barrier waits for them too, so a level expanded
   * by every worker next needs no wait of its own: this was a barrier at the
   * end of every merge (one in four a level), where worker 0 waited for the
   * others and the others for worker 0.
   */
  private awaitWritten(): void {
    awaitCount(C.WRITTEN, this.merges * (N - 1));
  }

  /**
   * The claims table of the next level every worker expands: a new
   * generation (the entries of earlier levels are free: claim), the count
   * of its entries zeroed. The table is cleared only when its layout
   * changes (the entries' part and the bit array only grow, a few times a
   * search) or its generations wrap around, once the others have read the
   * last one (awaitWritten).
   */
  private newClaimsTable(cap: number, bits: number): void {
    let gen = Atomics.load(ctl, C.CLAIM_GEN) + 1;
    if (cap !== this.claimCap || bits !== this.claimBits || gen === CLAIM_GENS) {
      this.awaitWritten();
      this.claims.ensure(claimWords(cap, bits));
      this.claims.a.fill(0, 0, claimWords(cap, bits));
      this.claimCap = cap;
      this.claimBits = bits;
      this.claimClears++;
      gen = 1;
    }
    Atomics.store(ctl, C.CLAIM_GEN, gen);
    Atomics.store(ctl, C.CLAIM_COUNT, 0);
  }
  /** The claims table's layout so far (none at first: 0). */
  private claimCap = 0;
  private claimBits = 0;
  /** Times the claims table was cleared (its layout changed, or its generations wrapped around). */
  claimClears = 0;

  /** Adds the workers' figures of the level expanded (edges, terminal states, most transitions, rules fired). */
  private addLevelStats(): void {
    let maxOut = this.maxOut;
    for (let j = 0; j < N; j++) {
      const fb = j * FSTRIDE;
      this.edges += f64[fb + F.EDGES]!;
      this.terminals += f64[fb + F.TERMINALS]!;
      maxOut = Math.max(maxOut, f64[fb + F.MAX_OUT]!);
      for (let r = 0; r < this.totalFired.length; r++) this.totalFired[r]! += f64[fb + F.FIRED + r]!;
    }
    this.maxOut = maxOut;
  }

  /**
   * The level merged by every worker (mergeTogether): worker 0 first makes
   * room in the next frontier and the links buffer for the level's new
   * states (the others are marking winners meanwhile and touch neither),
   * then takes its part, then adds the links in id order.
   */
  private mergedTogether(len: number): WorkerResult<S> | undefined {
    let news = 0;
    for (let j = 0; j < N; j++) news += Atomics.load(ctl, C.WORKER + j * WSTRIDE + WS.NEWS);
    this.occupied += news;
    this.addLevelStats();
    this.next.ensure(news * this.W);
    this.nlinks.ensure(2 * news);
    f64[F_NEXT_FIRST] = this.nextFirst;
    this.merges++;
    this.mergeTogether();
    if (this.obs) {
      this.awaitWritten(); // the others' extremes
      this.mergeExtremes();
    }
    let wins = 0;
    for (let c = 0, n = Math.ceil(len / Atomics.load(ctl, C.CHUNK)); c < n; c++) wins += chunks[CH * c + 5]!;
    if (wins !== news) throw new Error(`internal: ${wins} states merged of ${news} new`);
    // the links are written at the next level's start, while the other workers expand (ParentLinks.settle)
    this.links.addLevel(this.curFirst, this.nlinks.a, news, true);
    this.nextLen = news;
    this.pos = len;
    return this.levelEnd();
  }

  /**
   * The slots taken so far in the merge of a level: an open-addressing set
   * sized to the level's candidates (it stays in the processor's cache, where
   * the flag of each slot in the shared table is a cache miss), each entry
   * stamped with the merge's number so that nothing needs clearing. Every
   * candidate's slot is flagged when the merge starts and the first candidate
   * of a slot in merge order takes it, so "not yet in this set" is exactly
   * "still flagged".
   */
  private takenKeys = new Int32Array(0);
  private takenStamp = new Int32Array(0);
  private takenGen = 0;
  private newTaken(records: number): void {
    let cap = 1024;
    while (cap < 2 * records) cap *= 2;
    if (cap > this.takenKeys.length) {
      this.takenKeys = new Int32Array(cap);
      this.takenStamp = new Int32Array(cap);
    }
    this.takenGen++;
  }
  /** Whether `slot` was not yet taken in this merge (and takes it). */
  private take(slot: number): boolean {
    const keys = this.takenKeys, stamp = this.takenStamp, gen = this.takenGen;
    const mask = keys.length - 1;
    for (let i = slot & mask; ; i = (i + 1) & mask) {
      if (stamp[i] !== gen) {
        stamp[i] = gen;
        keys[i] = slot;
        return true;
      }
      if (keys[i] === slot) return false;
    }
  }

  /**
   * The level run by worker 0 alone, exactly as the single-threaded search
   * runs it (search.ts): for small levels, and for a level where the search
   * ends, so that counts, the violation found and its trace are the same. The
   * table may hold flagged states from an attempt of this level by every
   * worker: those count as new when first met here.
   */
  private levelAlone(): WorkerResult<S> | undefined {
    phase('alone');
    enterBucket('alone', this.curLen);
    this.awaitWritten(); // the level, its links and the table's flags
    if (this.done) return this.finish();
    this.bitsAtLevelStart(); // (past the memory budget: ensureRoom's check below ends the search)
    this.ensureRoom();
    if (this.truncated === 'max-memory') return this.finish();
    const W = this.W;
    const cur = this.cur;
    const isValidEnd = this.sys.isValidEnd;
    const expander = (this.expander ??= {
      rules: this.rules,
      active: this.active,
      fired: this.totalFired,
      apply: (r, s, a) => this.apply(r, s, a),
      edge: (n, from, k) => {
        this.edgeAlone(n, from, k);
        if (this.links.size >= this.maxStates) {
          this.cutByStates = true;
          return false;
        }
        return true;
      },
    });
    this.publishStats(); // clears the counts of a parallel attempt of this level
    if (mergeDelay > 0 && this.attempted) sleep(4 * mergeDelay);
    this.attempted = false;
    const t0 = performance.now();
    for (let pos = 0; pos < this.curLen; pos++) {
      this.pos = pos + 1;
      if ((pos & 1023) === 0) {
        // the memory budget every 1024 states, as on one thread (search.ts): a level alone of a slow model takes seconds
        if (pos > 0 && this.memory && this.memory.over(0)) {
          Atomics.store(ctl, C.OUT_OF_MEMORY, 1);
          Atomics.store(ctl, C.INTERRUPT, 1);
        }
        if (Atomics.load(ctl, C.INTERRUPT) !== 0) {
          this.stopped();
          return this.finish();
        }
        // progress lines during a long level run alone (the last level before a violation, say)
        Atomics.store(ctl, C.STATES, this.links.size);
        Atomics.store(ctl, C.QUEUE, this.curLen - pos + this.nextLen);
        f64[F_EDGES] = this.edges;
      }
      const s = this.unpackToExpand(cur.a, pos * W);
      const id = this.curFirst + pos;
      if (this.links.size >= this.maxStates) this.cutByStates = true;
      // The single-threaded search's own expansion (expand.ts): the same transitions, indices and cuts.
      const x = expandState(expander, s, id, this.level < this.maxDepth && !this.pending && !this.cutByStates);
      const k = x >> 1, skipped = (x & CUT) !== 0;
      if (k > 0) this.checkInput(s, cur.a, pos * W);
      if (k > this.maxOut) this.maxOut = k;
      if (k === 0) {
        this.terminals++;
        if (this.checkDeadlock && !(isValidEnd && isValidEnd(s))) {
          this.deadlockId = id;
          return this.finish();
        }
      } else if (skipped) {
        if (!this.pending) this.truncated ??= this.cutByStates ? 'max-states' : 'max-depth';
      }
    }
    this.sampleStateTime(t0, this.curLen);
    return this.levelEnd();
  }

  /** Whether every worker expanded the current level before (a parallel attempt; the test hook's delay). */
  private attempted = false;

  /** Levels smaller than this run on worker 0 alone (parallelLayout.ts aloneBelow). */
  private aloneBelow(): number {
    return aloneBelow(init.options.parallelFrom, this.msPerState);
  }
  /**
   * The wall ms worker 0 took to expand a state, in the last levels where
   * it expanded {@link ALONE_SAMPLE} states or more (alone, or its part of
   * a level on every worker, where a state costs it a little more: the
   * estimate errs towards every worker), each level weighing half; 0
   * before one. The levels run alone at the start are the slowest (code not
   * yet compiled: 2 us a state of ring-notify, against 0.4-0.9 us later).
   */
  private msPerState = 0;
  /** For the profile: what aloneBelow last gave, and the time of a state it was from. */
  aloneNote(): string {
    return `levels alone below ${this.aloneBelow()} states (${(1000 * this.msPerState).toFixed(2)} us a state)`;
  }
  private sampleStateTime(t0: number, states: number): void {
    if (states < ALONE_SAMPLE) return;
    const ms = (performance.now() - t0) / states;
    this.msPerState = this.msPerState === 0 ? ms : (this.msPerState + ms) / 2;
  }

  /** The expansion of a state in a level run alone (created at the first such level). */
  private expander: Expander<S> | undefined;

  private edgeAlone(n: S, from: number, k: number): void {
    this.edges++;
    this.fingerprint(n);
    if (k > 0xffff) throw new Error(`a state has more than 65536 transitions (rule choices); at most 65536 are supported`);
    if (this.bitsOn && this.bits!.has(this.fp[0]!, this.fp[1]!)) return; // a state of a level before (bitsAtLevelStart)
    if ((this.occupied + 1) * 4 > this.table.capacity * 3) this.replaceTable(this.table.capacity * 2, false);
    const res = this.table.insert(this.fp[0]!, this.fp[1]!, 0);
    if (res === 3) throw new Error('internal: the table is full');
    const code = res & 3;
    const slot = res >>> 2;
    if (code === 0) {
      if (this.graph) this.graph.edge(from, this.table.ids![slot]!);
      return;
    }
    if (code === 1) this.occupied++;
    if (code === 2) this.table.unflag(slot);
    const id = this.links.size;
    if (this.graph) {
      this.table.ids![slot] = id;
      this.graph.edge(from, id);
    }
    this.links.add(from, k);
    const W = this.W;
    this.next.ensure((this.nextLen + 1) * W);
    this.next.a.set(this.words, this.nextLen * W);
    if (id !== this.nextFirst + this.nextLen) throw new Error('internal: ids out of BFS order');
    this.nextLen++;
    this.discovered(this.path.foundAsStaged(n), id); // the words are n's still (unpacked as the parallel levels unpack theirs: one hidden class for the invariants)
  }

  /** A SHA-256 digest of every state's parent link, in id order (tests: the links must not depend on scheduling). */
  linksDigest(): string {
    return this.links.digest();
  }

  private finish(): WorkerResult<S> {
    this.awaitWritten();
    const sys = this.sys;
    const links = this.links;
    let violation: Violation<S> | undefined;
    let outcome: Outcome = 'ok';
    let reason: CheckResult<S>['incompleteReason'];
    if (this.deadlockId >= 0) {
      outcome = 'deadlock';
      violation = { property: 'deadlock', kind: 'deadlock', trace: traceTo(sys, links, this.deadlockId) };
    } else if (this.pending) {
      outcome = 'violation';
      violation = { property: this.pending.property, kind: 'invariant', trace: traceTo(sys, links, this.pending.id) };
    } else if (this.interrupted) {
      outcome = 'incomplete';
      reason = 'interrupted';
    } else if (this.truncated) {
      outcome = 'incomplete';
      reason = this.truncated;
    } else if (this.bits && this.bitsOn) {
      // states may have been missed (a run that never folded kept every fingerprint exactly: its verdict stands)
      outcome = 'incomplete';
      reason = 'bitstate';
    } else if (this.graph) {
      const stuck = this.graph.stuck(links.size);
      if (stuck) {
        outcome = 'violation';
        violation = { property: sys.goals![stuck.goal]!.name, kind: 'recoverability', trace: traceTo(sys, links, stuck.id) };
      }
    }
    // the paths to the witnesses, not their traces: the main thread builds a trace when a report reads it (trace.ts lazyObservable)
    const obs = this.obs;
    const observables = (links.size > 0 ? sys.observables : undefined)?.map((o, i): ObservableWitnesses => obs!.witness(i, o.name, links));
    const n = links.size;
    const store = this.bits ? this.bitsReport() : undefined;
    return {
      outcome,
      ...(reason ? { incompleteReason: reason } : {}),
      distinctStates: n,
      edges: this.edges,
      depth: this.level,
      queue: this.curLen - this.pos + this.nextLen,
      seconds: (Date.now() - this.start) / 1000,
      terminalStates: this.terminals,
      deadlockChecked: this.checkDeadlock,
      ...coverageOf(sys, this.totalFired),
      ...(violation ? { violation } : {}),
      ...(observables && observables.length ? { observables } : {}),
      // 63-bit fingerprints in the shared table
      collisionProbability: store ? store.missedProbability : Math.min(1, 2 * collisionProbability(n)),
      ...(store ? { store } : {}),
      bytesPerState: n === 0 ? 0 : (this.table.bytes + links.bytes + (this.graph ? this.graph.bytes : 0) + (this.bitsOn ? store!.bytes : 0)) / n,
      workers: N,
    };
  }
}

/** Runs one search, then lets go of its buffers (a kept worker would hold a 128 MiB table until its next search). */
function run(i: WorkerInit): void {
  configure(i);
  main().then(
    () => {
      for (const p of init.ports) p.close();
      init = undefined as unknown as WorkerInit;
      collect();
    },
    (e: unknown) => {
      Atomics.store(ctl, C.INTERRUPT, 1);
      Atomics.store(ctl, C.ERROR, 1);
      // the stack too: the main thread raises the error with the worker's frames (parallel.ts workerError)
      parentPort!.postMessage({ error: (e as Error)?.message ?? String(e), ...(e instanceof Error && e.stack ? { name: e.name, stack: e.stack } : {}) });
    },
  );
}
/**
 * The main thread's environment as the search starts: a worker's process.env
 * is a copy taken when it was started, and a kept worker's would otherwise
 * stay that (PVCHECK_SERIAL_GROW, PVCHECK_SPILL_BYTES, what a model reads).
 */
function setEnv(env: Record<string, string>): void {
  for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
  Object.assign(process.env, env);
}
/** The port to this worker's TypeScript hooks (bin/worker.mjs; none for plain-JS copies). */
const stampPort = (globalThis as Record<symbol, unknown>)[Symbol.for('pvcheck.expectedSources')] as MessagePort | undefined;
/**
 * A search's start message: its WorkerInit, the main thread's environment
 * (`setEnv`), and its code-version stamp as the search starts (parallel.ts
 * `loadedSources`), which the hooks drain before they load the next source,
 * so that a model file this worker first imports in a later search is checked
 * against what the main thread loaded, not against the stamp of when this
 * worker was started.
 */
parentPort!.on('message', (m: { init?: WorkerInit; stamp?: Record<string, string>; env?: Record<string, string> }) => {
  if (m.stamp && stampPort) stampPort.postMessage(m.stamp);
  if (m.env) setEnv(m.env);
  if (m.init) run(m.init);
});
