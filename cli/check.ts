/**
 * `pvcheck check` and `pvcheck check-all`: explore a model, report, write the
 * counterexample. The only place (with the rest of cli/) where models,
 * checker, properties and traces meet.
 */
import { STUCK } from '../properties/stuck.js';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { Search, type CheckOptions, type SearchHandOver } from '../checker/search.js';
import type { CheckResult, Stats } from '../checker/report.js';
import { WORKER_BYTES, defaultMemoryLimit, fmtBytes } from '../checker/memory.js';
import { loadavg } from 'node:os';
import { HANDOVER_MIN_SECONDS, HandOverRefused, ParallelSearch, chooseWorkers, cpuSample, defaultWorkers, handOverPays, mainThreadCpuMs, othersBusy, ownCpuMs, parallelReason, workersFit, type HandOverCall, type LevelMark, type WorkerChoice } from '../checker/parallel.js';
import type { StoreSpec } from '../checker/bitstate.js';
import { isBuiltin, workerSystemLoader } from './workerSystem.js';
import { asBuiltin, fastPathFor, faultAsBuiltin } from './fastPath.js';
import { canonicalString } from '../checker/fingerprint.js';
import type { CheckAllRun, Model } from '../model/core.js';
import type { Piece } from '../model/shape.js';
import { resolveParams, showParams, type ParamSpec } from '../model/params.js';
import { bind, deadlockSelected } from '../properties/bind.js';
import { ModelFault } from '../properties/fault.js';
import { EXIT, UsageError } from './errors.js';
import { setInlining } from './inlining.js';
import { interrupted, signalsDelivered, stoppable } from './interrupt.js';
import { MAX_MODEL_FILE_BYTES, loadModel } from './loadModel.js';
import { checkAllRefusals, checkRefusals, looksLikeFile, type CheckInput } from './refusals.js';
import { ensureDir, safe, writableDir, writeOrWarn } from './files.js';
import { fmtInt, goalsLine, humanReport, jsonReport, outcomeLine, table, wrapWords, type JsonReport } from './report.js';

// check's options and their refusals that need no model live in cli/refusals.ts (main.ts makes them before loading
// any model); these stay importable from here
export { MAX_WORKERS, WORKER_BASE_BYTES, workersOption } from './refusals.js';
// moved out (session 35: cli/scaleOut.ts writes a swarm member's trace and names its goals without importing this module)
export { goalsLine } from './report.js';
// What only some runs use is imported where it is used, not by every check (session 35; ~20 ms of CPU a check,
// docs/perf/2026-12-08-pool.md): cli/scaleOut.ts (--partition, --swarm: checker/partition.ts, checker/swarm.ts),
// cli/views.ts (--report), cli/typecheck.ts (--typecheck), cli/fault.ts (a fault in the model), cli/refine.ts
// (a model that checks a quotient: Model.refinement), cli/outputs.ts (traces/: an output file to check or write).

export interface RunOptions {
  readonly invariants?: readonly string[];
  readonly maxStates?: number;
  readonly maxDepth?: number;
  /** Bytes of resident memory at which the search stops (default: 3/4 of the machine's memory). */
  readonly maxMemory?: number;
  readonly checkDeadlock?: boolean;
  readonly progress?: boolean;
  readonly onState?: (s: unknown) => void;
  /**
   * Worker threads (--workers N). When not given: after a first second on
   * one thread (a search that ends within it does not pay for starting the
   * workers), as many as the machine has free cores for (chooseWorkers).
   */
  readonly workers?: number;
  /**
   * The MODEL argument as the workers load it: a built-in's name or a model
   * file's absolute path. Without it, only a built-in model (the registry's
   * own object) can go to the workers; any other runs on one thread.
   */
  readonly source?: string;
  /** --store compact|bitstate (checker/bitstate.ts): runs on one thread. */
  readonly store?: StoreSpec;
  /** Leave the model's AG EF goals out (--store bitstate, --swarm: {@link goalsLeftOut}). */
  readonly noGoals?: boolean;
  /** --nested: the built-in model itself, never its word-level fast path (cli/fastPath.ts). */
  readonly nested?: boolean;
}

/** A search in progress, on one thread or on several. */
export interface Running {
  stats(): Stats;
  interrupt(): void;
  /** Runs (or waits) about `ms`; the result once finished. */
  step(ms: number): Promise<CheckResult<unknown> | undefined>;
}

function oneThread(search: Search<unknown>, name: string): Running {
  return {
    stats: () => search.stats(),
    interrupt: () => search.interrupt(),
    step: async (ms) => {
      try {
        return search.run(ms);
      } catch (e) {
        if (e instanceof ModelFault) throw e; // the model's own code threw: cli/fault.ts reports it
        throw new UsageError(`model ${name}: ${firstLine(e)}`, e);
      }
    },
  };
}

/** The workers' search as runSearch steps it (exported for test/cliStepEnds: a step returns when the search ends). */
export function threads(par: Pick<ParallelSearch<unknown>, 'result' | 'stats' | 'interrupt'>, name: string): Running {
  let done: CheckResult<unknown> | undefined;
  let failed: Error | undefined;
  par.result.then(
    (r) => (done = r),
    (e: Error) => (failed = e),
  );
  /** Settles once the search has (after the handlers above: `done` or `failed` is set by then). */
  const over = par.result.then(
    () => undefined,
    () => undefined,
  );
  return {
    stats: () => par.stats(),
    interrupt: () => par.interrupt(),
    step: async (ms) => {
      // the end of the search or `ms`, whichever comes first: until session 35 a poll every 10 ms, so that
      // runSearch returned up to 10 ms (5 on average, more on a loaded machine) after the workers' result
      if (!done && !failed) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([over, new Promise<void>((res) => (timer = setTimeout(res, ms)))]);
        clearTimeout(timer);
      }
      if (failed) throw isFaultMessage(failed.message) ? new WorkerFault(failed.message) : new UsageError(`model ${name}: ${firstLine(failed)}`, failed);
      return done;
    },
  };
}

const firstLine = (e: unknown): string => ((e as Error)?.message ?? String(e)).split('\n')[0]!;

/** A ModelFault in a worker thread: only its message crosses to the main thread. */
class WorkerFault extends Error {}
const isFaultMessage = (m: string): boolean => /^(rule .*'s (guard|effect|choices|showChoice)|invariant .*|goal .*|observable .*|isValidEnd|canonicalize)( \(\w+\))? threw: /.test(m);

/**
 * While the default search may still go to the workers, the one thread's
 * level starts are noted (cli/check.ts runSearch, checker/parallel.ts
 * handOverPays) at most this often: each return from the search to note one
 * costs about 50 us, and ring-notify 1x100 has 1,215 levels in 1 s.
 */
const MARK_MS = 25;

/** Milliseconds between progress lines (PVCHECK_PROGRESS_MS; tests use a short one so a fast run still prints one). */
const PROGRESS_MS = Math.max(1, Number(process.env.PVCHECK_PROGRESS_MS) || 2000);

/** What runSearch does after a slice of the one thread's search that ended without a result ({@link HandOverPlan.afterSlice}). */
type AfterSlice =
  /** the search stays where it is */
  | 'go on'
  /** the same, without a progress line this time (the one thread was asked to pause at its next level start) */
  | 'wait'
  /** the one thread for good: the machine has no room for the workers */
  | 'one thread'
  /** start `workers`, from the one thread's level start (`from`) or, without it, from scratch */
  | { readonly workers: number; readonly from?: SearchHandOver };

/**
 * When the default search (no --workers) leaves its one thread for the
 * workers. A search still running after its first second moves to them if
 * the machine has room (how busy it is is measured over that second,
 * chooseWorkers) and the work left pays for starting them: at each level
 * start from then on, the levels so far must leave at least
 * HANDOVER_MIN_SECONDS of CPU on one thread (checker/parallel.ts
 * handOverPays; the one thread notes a level start every MARK_MS). The one
 * thread then hands the workers its table, links and the next level
 * (search.ts handOver), so nothing is done twice. Tests:
 * PVCHECK_TEST_SWITCH_MS=ms moves after ms to every core, whatever the load
 * and the work left, unless PVCHECK_HANDOVER_MIN_S=s is given too (then
 * from s seconds left; s is the threshold by default as well);
 * PVCHECK_HANDOVER=0 restarts the workers from scratch instead (measurements);
 * PVCHECK_TEST_IDLE=1 takes the machine's load as none (the default's choice as on an idle machine).
 * The work left must also pay for the workers' start (checker/parallel.ts workerStartCharge: a new
 * isolate's load and compile, the workers' dearer states), charged from the CPU the one thread's
 * compiler and GC threads took, unless PVCHECK_HANDOVER_MIN_S is given.
 */
export class HandOverPlan {
  private readonly testSwitchMs = Number(process.env.PVCHECK_TEST_SWITCH_MS) || undefined;
  private readonly handOver = process.env.PVCHECK_HANDOVER !== '0';
  private readonly minLeft: number | undefined;
  /** When the first second is over (Date.now()); Infinity once the workers are chosen or ruled out. */
  private headStart: number;
  /** The workers chosen, waiting for a level start where the work left pays for them. */
  private handingTo: WorkerChoice | undefined;
  /** The one thread's level starts, while the search may go to the workers by the work left. */
  private readonly marks: LevelMark[] | undefined;
  /** The largest estimate of the work left that did not pay for the workers. */
  private tooLittle: HandOverCall | undefined;
  /** A pause asked of the one thread for a mark, not reached yet; when the last mark was taken. */
  private markAsked = false;
  private lastMark = -Infinity;
  private readonly sample = cpuSample();
  private readonly cpuBegan = ownCpuMs();
  private readonly mainBegan = mainThreadCpuMs();
  /** Whether the workers' start is charged (checker/parallel.ts workerStartCharge): not when PVCHECK_HANDOVER_MIN_S sets the threshold. */
  private readonly charged = process.env.PVCHECK_HANDOVER_MIN_S === undefined;
  /** PVCHECK_TEST_IDLE=1: the machine's load is taken as none (measurements of the default's hand-over as on an idle machine). */
  private readonly idle = process.env.PVCHECK_TEST_IDLE === '1';

  /**
   * `choice`: the workers before the search starts (workerChoice); `byDefault`: no --workers, and more than one core free
   * for the choice; `fits`: whether N fresh workers fit in the run's memory budget now (checker/parallel.ts workersFit):
   * where they do not, the search stays on its one thread instead of starting workers the memory guard would stop at once.
   */
  constructor(
    public choice: WorkerChoice,
    byDefault: boolean,
    private readonly fits: (workers: number) => boolean = () => true,
  ) {
    const minLeftEnv = process.env.PVCHECK_HANDOVER_MIN_S;
    this.minLeft = minLeftEnv !== undefined && Number(minLeftEnv) >= 0 ? Number(minLeftEnv) : this.testSwitchMs !== undefined ? undefined : HANDOVER_MIN_SECONDS;
    this.headStart = byDefault ? Date.now() + (this.testSwitchMs ?? 1000) : Infinity;
    this.marks = byDefault && this.handOver && this.minLeft !== undefined ? [] : undefined;
    if (byDefault) this.choice = { workers: 1, reason: 'the search ended within its first second, on one thread' };
  }

  /** Whether the number of workers is settled (the first progress line that says it waits for this). */
  get decided(): boolean {
    return this.headStart === Infinity;
  }

  /** How long the next slice of the search runs (ms): short enough for a mark every MARK_MS while the one thread may still hand over. */
  slice(one: Search<unknown> | undefined): number {
    const slice = this.headStart !== Infinity && this.testSwitchMs !== undefined ? Math.min(250, this.testSwitchMs) : 250;
    return this.marks && one ? Math.min(MARK_MS, slice) : slice;
  }

  /** After a slice that ended without a result (`one`: the one thread's search while it may still go to the workers). */
  afterSlice(one: Search<unknown> | undefined): AfterSlice {
    const atLevelStart = one !== undefined && one.paused;
    if (atLevelStart && this.marks) {
      const s = one.stats();
      const ms = ownCpuMs() - this.cpuBegan;
      // the other threads' CPU (compiles, GC): the workers' start is charged by it, unless a threshold is given (tests)
      const otherMs = this.charged ? ms - (mainThreadCpuMs() - this.mainBegan) : NaN;
      this.marks.push({ depth: s.depth, size: s.queue, states: s.distinctStates, ms, ...(Number.isFinite(otherMs) ? { otherMs } : {}) });
      this.markAsked = false;
      this.lastMark = Date.now();
    } else if (this.marks && one && !this.markAsked && Date.now() - this.lastMark >= MARK_MS) {
      // the next level start, once MARK_MS have passed since the last (every return from the search costs it)
      one.pauseAtLevelEnd();
      this.markAsked = true;
    }
    if (Date.now() >= this.headStart) {
      this.headStart = Infinity;
      const c = this.testSwitchMs !== undefined
        ? { workers: defaultWorkers(), reason: `PVCHECK_TEST_SWITCH_MS=${this.testSwitchMs}: every core after the first ${this.testSwitchMs} ms` }
        : chooseWorkers(this.idle ? { cores: defaultWorkers(), load1: 0, othersBusy: 0 } : { cores: defaultWorkers(), load1: loadavg()[0]!, othersBusy: othersBusy(this.sample, cpuSample()) });
      if (c.workers <= 1) {
        this.choice = c;
        return 'one thread';
      }
      if (!this.fits(c.workers)) {
        this.choice = this.unfit(c);
        return 'one thread';
      }
      if (!this.handOver || !one) {
        this.choice = c;
        return { workers: c.workers };
      }
      this.handingTo = c;
      this.choice = { workers: 1, reason: `${c.reason}; one worker until the work left pays for ${c.workers}` };
      if (!this.marks) {
        one.pauseAtLevelEnd();
        return 'wait';
      }
      // the one thread pauses at a level start every MARK_MS: the workers' turn comes at one of them
    }
    if (!atLevelStart || !this.handingTo || !one.paused) return 'go on';
    // the one thread is at the start of a level: the workers go on from there if the work left pays for them
    const to = this.handingTo;
    const call = this.minLeft !== undefined && this.marks ? handOverPays(this.marks, this.minLeft, to.workers) : undefined;
    if (call && !call.pays) {
      if (!this.tooLittle || call.left > this.tooLittle.left) this.tooLittle = call;
      return 'wait';
    }
    this.handingTo = undefined;
    // the one thread's table grew since the workers were chosen: they must still fit beside it
    if (!this.fits(to.workers)) {
      this.oneThreadOnly(this.unfit(to));
      return 'one thread';
    }
    this.handedTo = to;
    const from = one.handOver();
    if (!from) {
      this.refused();
      return { workers: to.workers };
    }
    this.choice = { ...to, reason: `${to.reason}; the workers took over from the one thread at depth ${from.level} (${fmtInt(from.links.n)} states)${call ? `: ${call.why}` : ''}` };
    return { workers: to.workers, from };
  }

  /** The one thread for good: `c`'s workers do not fit in the memory budget. */
  private unfit(c: WorkerChoice): WorkerChoice {
    return { workers: 1, reason: `${c.reason}; ${c.workers} workers would not fit in the memory budget (at least ${fmtBytes(WORKER_BYTES)} each beside what the process holds): the search stays on one thread` };
  }

  /** The workers chosen when the one thread was asked for its search. */
  private handedTo: WorkerChoice | undefined;

  /** The one thread's search could not be handed over (search.ts handOver, HandOverRefused): the workers start from scratch. */
  refused(): void {
    const to = this.handedTo!;
    this.choice = { ...to, reason: `${to.reason}; the workers started from scratch (the one thread's search could not be handed over)` };
  }

  /** The search ended with a result. */
  ended(): void {
    const to = this.handingTo;
    if (!to) return;
    this.choice = {
      workers: 1,
      reason: this.tooLittle
        ? `the search ended on one thread: the work left never paid for starting ${to.workers} workers (at least ${+(this.tooLittle.need ?? this.minLeft!).toFixed(1)} s of CPU), at most ${this.tooLittle.why.replace(/^about /, '')}`
        : `the search ended on one thread, in the level it finished before going to ${to.workers} workers`,
    };
  }

  /** The search runs on one thread for good, for `why`. */
  oneThreadOnly(why: WorkerChoice): void {
    this.headStart = Infinity;
    this.handingTo = undefined;
    this.choice = why;
  }
}

/**
 * Runs a search in slices, printing progress on stderr every 2 s (PVCHECK_PROGRESS_MS) and stopping cleanly on Ctrl-C.
 * A built-in inside the cover of a word-level model of it runs on that model (cli/fastPath.ts; not with `nested`):
 * the states `onState` sees and the traces are the built-in's; `fastPath` names the word-level model then.
 */
export async function runSearch(model: Model, params: object, opt: RunOptions): Promise<CheckResult<unknown> & { readonly fastPath?: string }> {
  const fast = opt.nested ? undefined : await fastPathFor(model, params);
  if (!fast) return searchOf(model, params, opt, model.name);
  const onState = opt.onState;
  let r: CheckResult<unknown>;
  try {
    r = await searchOf(fast.model, params, { ...opt, source: fast.model.name, ...(onState ? { onState: (s: unknown) => onState(fast.toNested(s)) } : {}) }, model.name);
  } catch (e) {
    throw e instanceof ModelFault ? faultAsBuiltin(model, params, fast, e) : e; // the built-in's state, as --nested reports it
  }
  return { ...asBuiltin(model, params, fast, r), fastPath: fast.model.name };
}

/** {@link runSearch} on `model` itself, named `name` in what it prints. */
async function searchOf(model: Model, params: object, opt: RunOptions, name: string): Promise<CheckResult<unknown>> {
  const sys = bind(model, params, { ...(opt.invariants ? { invariants: opt.invariants } : {}), ...(opt.noGoals ? { noGoals: true } : {}) });
  if (E.isLeft(sys)) throw new UsageError(sys.left);
  if (sys.right.init.length === 0) throw new UsageError(`model ${name} has no initial state at ${showParams(params)}`);
  const options: CheckOptions<unknown> = {
    ...(opt.maxStates !== undefined ? { maxStates: opt.maxStates } : {}),
    ...(opt.maxDepth !== undefined ? { maxDepth: opt.maxDepth } : {}),
    maxMemory: opt.maxMemory ?? defaultMemoryLimit(),
    checkDeadlock: opt.checkDeadlock ?? true,
    ...(opt.onState ? { onState: opt.onState } : {}),
    ...(opt.store ? { store: opt.store } : {}),
  };
  // The workers load the model themselves: they need where it comes from (a model object made in this process has nowhere).
  const source = opt.source ?? ((await isBuiltin(model)) ? name : undefined);
  // A bit array runs on the workers when they are asked for (--workers N: they start from the initial states);
  // the default's hand-over after a first second on one thread cannot take a lossy store (search.ts handOver),
  // so a bare --store bitstate stays on one thread. A compact table runs on one thread (parallelReason).
  const oneThreadWhy = opt.store && (opt.store.kind === 'compact' || opt.workers === undefined)
    ? opt.store.kind === 'compact'
      ? `--store ${opt.store.kind} runs on one thread`
      : `--store ${opt.store.kind} runs on one thread unless --workers N is given`
    : source === undefined
      ? 'a model object made in this process runs on one thread (the workers have no module to load it from)'
      : parallelReason(sys.right, options);
  const choice = workerChoice(opt.workers, oneThreadWhy, defaultWorkers());
  const startThreads = (n: number, resume?: SearchHandOver): Running =>
    threads(
      new ParallelSearch(
        sys.right,
        options,
        { loader: workerSystemLoader, args: { model: source!, params, ...(opt.invariants ? { invariants: opt.invariants } : {}) } },
        n,
        resume ? { resume } : {},
      ),
      name,
    );
  let search: Running;
  /** The single-threaded search while it may still go to the workers. */
  let one: Search<unknown> | undefined;
  try {
    if (opt.workers !== undefined && choice.workers > 1) search = startThreads(choice.workers);
    else search = oneThread((one = new Search(sys.right, options)), name);
  } catch (e) {
    throw new UsageError(`model ${name}: ${(e as Error).message}`, e);
  }
  const plan = new HandOverPlan(choice, opt.workers === undefined && choice.workers > 1, (n) => workersFit(n, options.maxMemory!));
  const began = Date.now();
  let switched = false;
  /** The workers' reason the progress lines said last. */
  let workersNoted: string | undefined;
  const tty = process.stderr.isTTY === true;
  let lastProgress = Date.now();
  let lastStates = 0;
  let lastLevel: { depth: number; expanded: number } | undefined;
  let printedLive = false;
  await signalsDelivered();
  return stoppable(() => search.interrupt(), async () => {
    for (;;) {
      let r: CheckResult<unknown> | undefined;
      try {
        r = await search.step(plan.slice(one));
      } catch (e) {
        if (!(e instanceof WorkerFault)) throw e;
        // the state and the stack stayed in the worker: the same search on this thread meets the fault again
        search = oneThread(new Search(sys.right, options), name);
        one = undefined;
        plan.oneThreadOnly({ workers: 1, reason: 'a worker met a fault in the model: the search runs again on one thread to report it' });
        continue;
      }
      if (!r) {
        const next = plan.afterSlice(one);
        if (next === 'wait') continue;
        if (next === 'one thread') one = undefined;
        else if (next !== 'go on') {
          // the workers, from the one thread's level start (next.from) or from scratch
          let started: Running | undefined;
          try {
            if (next.from) started = startThreads(next.workers, next.from);
          } catch (e) {
            if (!(e instanceof HandOverRefused)) throw new UsageError(`model ${name}: ${(e as Error).message}`, e);
            plan.refused();
          }
          if (!started) {
            started = startThreads(next.workers);
            lastStates = 0; // the workers start from scratch
          }
          search = started;
          switched = true;
          one = undefined;
          if (interrupted()) search.interrupt();
          continue;
        }
      } else plan.ended();
      const choice = plan.choice;
      if (r) {
        if (printedLive) process.stderr.write('\n');
        // after a switch to the workers, the time is the whole run's, the first second included
        // a quotient's counterexample becomes the faithful model's (cli/refine.ts)
        // (in slices: a progress line, and Ctrl-C stops the faithful re-search with the trace kept, its shortness unknown)
        const done = { ...r, ...(switched ? { seconds: (Date.now() - began) / 1000 } : {}), workersReason: choice.reason };
        // (cli/refine.ts leaves a result alone when the model checks no quotient: imported only when it does)
        if (!model.refinement?.(params)) return done;
        const { refineResultAsync } = await import('./refine.js');
        return refineResultAsync(model, params, done, { maxMemory: options.maxMemory },
          { stopped: interrupted, ...(opt.progress !== false ? { progress: (l: string) => void process.stderr.write(l + '\n') } : {}) });
      }
      const now = Date.now();
      if (opt.progress !== false && now - lastProgress >= PROGRESS_MS) {
        const s = search.stats();
        const dt = (now - lastProgress) / 1000;
        const levelRate = s.level && lastLevel && lastLevel.depth === s.depth ? (s.level.expanded - lastLevel.expanded) / dt : undefined;
        let line = progressLine(name, s, (s.distinctStates - lastStates) / dt, opt.maxStates, levelRate);
        if (workersNoted !== choice.reason && plan.decided) {
          // the first progress line once the number is chosen (and again once it changes) says how many workers run and why
          line += `; ${choice.workers === 1 ? '1 worker' : `${choice.workers} workers`}: ${choice.reason}`;
          workersNoted = choice.reason;
        }
        if (tty) {
          process.stderr.write('\r\x1b[K' + line);
          printedLive = true;
        } else process.stderr.write(line + '\n');
        lastProgress = now;
        lastStates = s.distinctStates;
        lastLevel = s.level ? { depth: s.depth, expanded: s.level.expanded } : undefined;
      }
      await new Promise((res) => setImmediate(res));
    }
  });
}

/**
 * The number of workers before the search starts: an explicit `--workers N`
 * is obeyed (one thread when the system cannot run on several: `oneThreadWhy`);
 * by default, one thread when the system or the machine (one core) leaves no
 * choice, else `cores` workers, which runSearch reduces after the first second
 * by how busy the machine is (chooseWorkers, checker/parallel.ts).
 */
export function workerChoice(asked: number | undefined, oneThreadWhy: string | undefined, cores: number): WorkerChoice {
  if (asked !== undefined)
    return asked > 1 && oneThreadWhy ? { workers: 1, reason: `--workers ${asked} given, but ${oneThreadWhy}` } : { workers: asked, reason: `--workers ${asked} given` };
  if (oneThreadWhy) return { workers: 1, reason: oneThreadWhy };
  if (cores <= 1) return { workers: 1, reason: 'the machine has one core' };
  return { workers: cores, reason: `up to ${cores} workers after the first second, by the machine's load` };
}

/**
 * One progress line: depth, states, edges, queue, states/s over the last
 * interval, resident memory, time so far, and an ETA when one can be
 * estimated (a --max-states bound: the time to reach it at the current rate).
 */
export function progressLine(name: string, s: Stats, perSecond: number, maxStates?: number, levelPerSecond?: number): string {
  const eta = maxStates !== undefined && perSecond > 0 ? `, ETA ${Math.ceil((maxStates - s.distinctStates) / perSecond)} s to --max-states` : '';
  // several workers say how far the level is; from its rate of expansion, when the line before saw the same level, an ETA to its end
  const lv = s.level;
  const levelPart = lv && lv.size > 0
    ? `, level ${Math.floor((100 * lv.expanded) / lv.size)}% of ${fmtInt(lv.size)}` +
      (levelPerSecond !== undefined && levelPerSecond > 0 ? ` (ETA ${Math.ceil((lv.size - lv.expanded) / levelPerSecond)} s to its end)` : '')
    : '';
  return (
    `progress ${name} depth ${s.depth}: ${fmtInt(s.distinctStates)} distinct states, ${fmtInt(s.edges)} edges, ` +
    `queue ${fmtInt(s.queue)}${levelPart}, ${fmtInt(Math.round(perSecond))} states/s, RSS ${fmtBytes(process.memoryUsage.rss())}, ${s.seconds.toFixed(0)} s${eta}`
  );
}

/**
 * A bitstate run that never left the full table (`--store bitstate` with no
 * SIZE, checker/bitstate.ts ExactThenBits) proves its invariants as the full
 * store does, but it kept no edges, so the goals (AG EF) it left out are not
 * checked: such a run is `incomplete` (reason bitstate), never `ok`.
 */
function goalsCut(r: CheckResult<unknown>, unchecked: readonly string[]): CheckResult<unknown> {
  return unchecked.length && r.outcome === 'ok' ? { ...r, outcome: 'incomplete', incompleteReason: 'bitstate' } : r;
}

/** Exit code for an outcome. */
export const exitFor = (o: string): number =>
  o === 'ok' ? EXIT.ok : o === 'incomplete' ? EXIT.incomplete : EXIT.violation;


/**
 * `pvcheck check ARGS`. `taken`: ARGS as cli/refusals.ts checkRefusals took them, when the caller made its
 * refusals already (cli/main.ts does, before importing this module); without it they are made here, first.
 */
export async function checkCommand(argv: string[], taken?: CheckInput): Promise<number> {
  // what needs no model is refused first (cli/refusals.ts): taken once (it creates --exchange's or --out's folder)
  const input = taken ?? checkRefusals(argv);
  const { values, overrides, maxMemory, format, partition, swarm } = input;
  const positionals = [input.arg];
  if (values.typecheck) await typecheckFirst(positionals[0]!);
  const model = await loadModel(positionals[0]!);
  setInlining(model); // V8's inlining budget for this model's search (cli/inlining.ts)
  const run: RunOptions = {
    ...(values.invariant ? { invariants: values.invariant } : {}),
    ...(input.maxStates !== undefined ? { maxStates: input.maxStates } : {}),
    ...(input.maxDepth !== undefined ? { maxDepth: input.maxDepth } : {}),
    ...(maxMemory !== undefined ? { maxMemory } : {}),
    ...(input.workers !== undefined ? { workers: input.workers } : {}),
    source: looksLikeFile(positionals[0]!) ? resolve(positionals[0]!) : positionals[0]!,
    ...(input.store !== undefined ? { store: input.store } : {}),
    checkDeadlock: !values['no-deadlock'] && deadlockSelected(values.invariant),
    progress: !values.quiet,
    ...(values.nested ? { nested: true } : {}),
  };
  // a bit array (--store bitstate, a swarm member's) cannot check AG EF goals: the invariants are checked, the goals named as not
  const unchecked = swarm ? goalsLeftOut(model, values.invariant, '--swarm') : run.store?.kind === 'bitstate' ? goalsLeftOut(model, values.invariant, '--store bitstate') : [];
  if (unchecked.length) Object.assign(run, { noGoals: true });
  if (values.matrix?.length) {
    // a matrix prints one row per combination: options about one run's outputs do not apply
    const single = (['trace-out', 'dump-states', 'witnesses', 'format'] as const).filter((o) => values[o] !== undefined);
    if (single.length) throw new UsageError(`--matrix cannot be combined with --${single[0]} (re-run one combination with pvcheck check to get its files)`);
    return matrixCommand(model, positionals[0]!, overrides, values.matrix, run, values.json === true, unchecked);
  }
  const params = resolveParams(model.params, overrides);
  if (E.isLeft(params)) throw new UsageError(`model ${model.name}: ${params.left}`);
  const p = params.right as object;
  // what the search checks: `deadlock` is named only when it is (--no-deadlock leaves it out)
  const invariants = selectedInvariants(model, values.invariant).filter((n) => (n !== 'deadlock' || run.checkDeadlock) && !unchecked.includes(n));
  if (swarm) {
    // one swarm member: its own file and trace in --out DIR (cli/scaleOut.ts), merged by pvcheck merge
    const cmd = `pvcheck check ${positionals[0]} ${Object.entries(p).map(([k, v]) => `--param ${k}=${String(v)}`).join(' ')}`.trim();
    const member = { model, params: p, invariants: values.invariant, ...(unchecked.length ? { goalsUnchecked: unchecked } : {}), checkDeadlock: run.checkDeadlock!, who: swarm.who, dir: swarm.dir, quiet: values.quiet === true };
    const { runSwarmMember } = await import('./scaleOut.js');
    return runSwarmMember(member, { ...swarm.o, ...(run.maxDepth !== undefined ? { maxDepth: run.maxDepth } : {}), ...(run.maxStates !== undefined ? { maxStates: run.maxStates } : {}), maxMemory: run.maxMemory ?? defaultMemoryLimit(), command: cmd });
  }
  // Output locations are checked before the search, so a long run never ends
  // in "cannot write": the witness folder is created, a trace or state dump
  // must go to a regular file (or a new one) in a writable folder.
  if (values.witnesses) ensureDir(values.witnesses, '--witnesses');
  // (cli/outputs.ts, traces/: imported only for an output file given; Node imports a module once)
  if (values['trace-out'] !== undefined) (await import('./outputs.js')).checkOutputFile(values['trace-out'], '--trace-out');
  else if (!writableDir('.'))
    process.stderr.write('pvcheck: warning: the current folder is not writable: a counterexample would not be written (give --trace-out FILE)\n');
  if (values['dump-states'] !== undefined) (await import('./outputs.js')).checkOutputFile(values['dump-states'], '--dump-states');
  if (values.report !== undefined) (await import('./outputs.js')).checkOutputFile(values.report, '--report');

  let dump: string[] | undefined;
  let onState: ((s: unknown) => void) | undefined;
  if (values['dump-states']) {
    dump = [];
    const d = dump;
    const fields = model.layout?.(p).map((f) => f.name);
    const shape = fields ? undefined : declaredShape(model, p);
    onState = fields
      ? (s) => d.push(fields.map((f) => String((s as Record<string, number>)[f])).join(','))
      : shape
        ? (s) => d.push(JSON.stringify(inShapeOrder(s, shape)))
        : (s) => d.push(canonicalString(s));
  }
  let r: CheckResult<unknown>;
  try {
    if (partition) {
      // one member of a partitioned search: member 1 gets the whole search's result, the others an exit code
      const { runPartitionMember } = await import('./scaleOut.js');
      const out = await runPartitionMember({ model, params: p, invariants: values.invariant, checkDeadlock: run.checkDeadlock!, who: partition.who, dir: partition.dir, quiet: values.quiet === true });
      if (typeof out === 'number') return out;
      r = out;
    } else r = goalsCut(await runSearch(model, p, { ...run, ...(onState ? { onState } : {}) }), unchecked);
  } catch (e) {
    // the model's code threw: its state goes where the counterexample would have gone
    if (e instanceof ModelFault) return (await import('./fault.js')).reportFault(e, values['trace-out']);
    throw e;
  }

  const extra: Partial<JsonReport> = {};
  // what writes the outputs (traces/): imported when there is one to write
  const out = dump || r.violation || (values.witnesses && r.observables) || values.report !== undefined ? await import('./outputs.js') : undefined;
  if (dump && values['dump-states']) {
    const text = dump.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((l) => l + '\n').join('');
    const file = values['dump-states'];
    if (writeOrWarn(`--dump-states ${file}`, () => out!.writeFileAtomic(file, text)))
      extra.stateSetSha256 = createHash('sha256').update(text).digest('hex');
  }
  let traceFile: string | null = null;
  const cmd = `pvcheck check ${positionals[0]} ${Object.entries(p).map(([k, v]) => `--param ${k}=${String(v)}`).join(' ')}`.trim();
  if (r.violation) {
    traceFile = values['trace-out'] ?? `pvcheck-${safe(model.name)}-${safe(r.violation.property)}.${format === 'itf' ? 'itf.json' : 'trace.json'}`;
    const t = out!.traceFromViolation(model, p, r.violation, cmd);
    traceFile = out!.writeTraceFile(traceFile, t, format);
  }
  const witnessFiles: Record<string, { min: string | null; max: string | null }> = {};
  if (values.witnesses && r.observables) {
    for (const o of r.observables.filter((x) => x.minTrace.length > 0)) {
      const base = join(values.witnesses, safe(model.name) + '-' + safe(o.name));
      const mk = (which: 'min' | 'max', trace: typeof o.minTrace) => {
        const file = `${base}-${which}.${format === 'itf' ? 'itf.json' : 'trace.json'}`;
        return out!.writeTraceFile(
          file,
          out!.traceFromViolation(model, p, { property: `${o.name} ${which}`, kind: 'invariant', trace }, cmd, 'none'),
          format,
        );
      };
      witnessFiles[o.name] = { min: mk('min', o.minTrace), max: mk('max', o.maxTrace) };
    }
  }
  if (values.report !== undefined) {
    const file = values.report;
    const { checkReportHtml } = await import('./views.js');
    writeOrWarn(`--report ${file}`, () => out!.writeFileAtomic(file, checkReportHtml(model, p, invariants, r, cmd)));
  }
  if (values.json) {
    const rep = { ...jsonReport(model.name, p, invariants, r, traceFile, extra), ...(unchecked.length ? { goalsUnchecked: unchecked } : {}) };
    if (rep.observables)
      for (const o of rep.observables) {
        const w = witnessFiles[o.name];
        if (w) {
          o.minTraceFile = w.min;
          o.maxTraceFile = w.max;
        }
      }
    process.stdout.write(JSON.stringify(rep, null, 2) + '\n');
  } else {
    process.stdout.write(humanReport(model.name, p, invariants, r, model.refinement?.(p)?.hidden) + '\n');
    if (unchecked.length) process.stdout.write(goalsLine(unchecked, '--store bitstate') + '\n');
    if (partition) process.stdout.write(`  partition    the whole search of ${partition.who.members} members, exchanging states in ${partition.dir}\n`);
    if (extra.stateSetSha256) process.stdout.write(`  state set    ${values['dump-states']} (sha256 ${extra.stateSetSha256})\n`);
    for (const [name, w] of Object.entries(witnessFiles)) process.stdout.write(`  witnesses    ${name}: ${w.min ?? 'not written'}, ${w.max ?? 'not written'}\n`);
    if (values.report !== undefined) process.stdout.write(`  report       ${values.report}\n`);
    if (r.violation) {
      const last = r.violation.trace[r.violation.trace.length - 1]!;
      process.stdout.write(`  last action  ${last.action}\n`);
      if (traceFile) {
        process.stdout.write(`  trace        ${traceFile}\n`);
        process.stdout.write(`  read it      pvcheck show ${traceFile}\n`);
        process.stdout.write(`  replay it    pvcheck replay ${traceFile} [--model MODEL|FILE]\n`);
      } else process.stdout.write(`  trace        not written (see the error above)\n`);
    }
  }
  return exitFor(r.outcome);
}

/** `--typecheck`: the model file's type errors, one line each, end the command before it loads the file. */
async function typecheckFirst(arg: string): Promise<void> {
  // (a built-in's name is refused by cli/refusals.ts checkRefusals)
  const { inputProblem } = await import('../traces/io.js');
  const problem = inputProblem(resolve(arg), MAX_MODEL_FILE_BYTES, 'a model file is source code');
  if (problem) throw new UsageError(`model file ${arg} ${problem}`);
  const { typeErrors } = await import('./typecheck.js');
  const errors = typeErrors(arg);
  if (!errors.length) return;
  const shown = errors.slice(0, 20);
  for (const e of shown) process.stderr.write(`pvcheck: type error: ${e}\n`);
  throw new UsageError(
    `model file ${arg} has ${errors.length} type error${errors.length > 1 ? 's' : ''}${errors.length > shown.length ? ` (the first ${shown.length} above)` : ' (above)'}: nothing was checked`,
  );
}

/** The model's declared shape at `p` when its initial states fit it (as properties/bind.ts decides), else undefined. */
function declaredShape(model: Model, p: object): Piece | undefined {
  try {
    const sh = model.shape?.(p);
    return sh && model.init(p).every((s0) => sh.state.is(s0)) ? sh.state.piece : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A state with its records' fields in the order its shape declares them
 * (--dump-states of a model with a shape): the dump reads like the model's
 * state declaration. A union's value keeps sorted keys (canonicalString).
 */
export function inShapeOrder(v: unknown, piece: Piece): unknown {
  if (v === null || v === undefined || typeof v !== 'object') return v;
  switch (piece.kind) {
    case 'record': {
      const o = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [k, sub] of piece.fields) if (o[k] !== undefined) out[k] = inShapeOrder(o[k], sub);
      return out;
    }
    case 'array':
    case 'list':
      return (v as unknown[]).map((x) => inShapeOrder(x, piece.of));
    case 'nullable':
    case 'optional':
      return inShapeOrder(v, piece.of);
    default:
      return JSON.parse(canonicalString(v));
  }
}

/**
 * The AG EF goals a search in a bit array leaves out (--store bitstate, a
 * --swarm member: checker/bitstate.ts keeps no state ids, and a goal's
 * backward pass needs every edge's target): every goal of the model when -i
 * selects nothing, none when -i selects invariants only. A goal named with
 * -i is refused in one line (the user asked for what cannot be checked).
 * The search checks the rest; the report names the goals left out.
 */
export function goalsLeftOut(model: Model, wanted: readonly string[] | undefined, how: '--store bitstate' | '--swarm'): string[] {
  const goals = (model.goals ?? []).map((g) => g.name);
  const named = wanted ? goals.filter((g) => wanted.includes(g)) : [];
  if (named.length)
    throw new UsageError(`model ${model.name}: ${how} cannot check AG EF goals (-i ${named.join(', ')}): the bit array of ${how} keeps no state ids for their backward pass; check them without ${how}, or with --store compact`);
  return wanted ? [] : goals;
}

function selectedInvariants(model: Model, wanted: readonly string[] | undefined): string[] {
  const all = [...model.invariants.map((i) => i.name), ...(model.goals ?? []).map((g) => g.name), 'deadlock', ...(wanted?.includes(STUCK) ? [STUCK] : [])];
  return wanted ? all.filter((n) => wanted.includes(n)) : all;
}

/** `--matrix name=v1,v2 ...`: the check over the cross product of parameter values, one row per combination. */
async function matrixCommand(
  model: Model,
  arg: string,
  base: Record<string, string>,
  axes: readonly string[],
  run: RunOptions,
  json: boolean,
  unchecked: readonly string[],
): Promise<number> {
  const dims: { name: string; values: string[] }[] = [];
  for (const a of axes) {
    const i = a.indexOf('=');
    if (i <= 0) throw new UsageError(`--matrix expects name=v1,v2,..., got '${a}'`);
    const name = a.slice(0, i);
    const spec: ParamSpec | undefined = model.params.specs[name];
    if (!spec) throw new UsageError(`model ${model.name} has no parameter '${name}' (known: ${Object.keys(model.params.specs).join(', ')})`);
    const vals = a.slice(i + 1) === '*' ? allValues(spec, name) : a.slice(i + 1).split(',').filter((v) => v !== '');
    if (!vals.length) throw new UsageError(`--matrix ${name}: no values`);
    dims.push({ name, values: vals });
  }
  let combos: Record<string, string>[] = [{}];
  for (const d of dims) combos = combos.flatMap((c) => d.values.map((v) => ({ ...c, [d.name]: v })));
  // Validate every combination before running any.
  const resolved = combos.map((c) => {
    const p = resolveParams(model.params, { ...base, ...c });
    if (E.isLeft(p)) throw new UsageError(`model ${model.name}: ${p.left}`);
    return { c, p: p.right as object };
  });
  const rows: { combo: Record<string, string>; r: CheckResult<unknown> }[] = [];
  let worst = 0;
  for (const { c, p } of resolved) {
    if (interrupted()) break;
    const r = goalsCut(await runSearch(model, p, run), unchecked);
    rows.push({ combo: c, r });
    worst = Math.max(worst, exitFor(r.outcome) === EXIT.violation ? 2 : exitFor(r.outcome) === EXIT.incomplete ? 1 : 0);
  }
  if (json) {
    process.stdout.write(
      JSON.stringify(
        rows.map(({ combo, r }) => ({
          params: combo,
          outcome: r.outcome,
          property: r.violation?.property ?? null,
          length: r.violation ? r.violation.trace.length - 1 : null,
          distinctStates: r.distinctStates,
          edges: r.edges,
          seconds: r.seconds,
          ...(unchecked.length ? { goalsUnchecked: unchecked } : {}),
        })),
        null,
        2,
      ) + '\n',
    );
  } else {
    const header = [...dims.map((d) => d.name), 'outcome', 'states', 'seconds'];
    const body = rows.map(({ combo, r }) => [
      ...dims.map((d) => combo[d.name]!),
      r.outcome === 'ok' ? 'ok' : r.violation ? `${r.outcome}: ${r.violation.property} (${r.violation.trace.length - 1} steps)` : `${r.outcome} (${r.incompleteReason})`,
      fmtInt(r.distinctStates),
      r.seconds.toFixed(2),
    ]);
    process.stdout.write(`model ${model.name}  matrix over ${dims.map((d) => d.name).join(' x ')}` + (Object.keys(base).length ? `  (${showParams(base)})` : '') + '\n');
    process.stdout.write(table(header, body) + '\n');
    if (unchecked.length) process.stdout.write(goalsLine(unchecked, '--store bitstate').trim() + '\n');
    if (worst) process.stdout.write(`re-run one combination with pvcheck check ${arg} --param name=value ... to get its trace\n`);
    if (interrupted()) process.stdout.write(`INTERRUPTED: ${resolved.length - rows.length} of ${resolved.length} combinations not run\n`);
  }
  if (interrupted()) return EXIT.incomplete;
  return worst === 2 ? EXIT.violation : worst === 1 ? EXIT.incomplete : EXIT.ok;
}

function allValues(spec: ParamSpec, name: string): string[] {
  if (spec.kind === 'enum') return [...spec.values];
  if (spec.kind === 'bool') return ['false', 'true'];
  if (spec.max - spec.min > 64) throw new UsageError(`--matrix ${name}=*: range ${spec.min}..${spec.max} is too large, list the values`);
  return Array.from({ length: spec.max - spec.min + 1 }, (_, i) => String(spec.min + i));
}

/**
 * `pvcheck check-all` (npm start): every built-in model at its default
 * parameters, then the further runs it declares (Model.checkAll: other peers
 * at the same bounds), one table row each. `--workers N` runs every row on N
 * workers (as `check --workers N`: a row that cannot go to the workers stays
 * on one thread and its report says why); without it each row chooses by the
 * load at its first second, so a measurement of npm start under load swung by
 * up to 8 s of CPU (note24 item 6). Counts and verdicts are the same for every N.
 */
export async function checkAllCommand(argv: string[]): Promise<number> {
  // its refusals need no model (cli/refusals.ts): cli/main.ts makes them before importing this module
  const { workers, ...values } = checkAllRefusals(argv);
  // imported here: `check NAME` loads its one built-in (cli/workerSystem.ts builtinModel), this every one
  const { builtinModels } = await import('../model/registry.js');
  const t0 = Date.now();
  const all = await checkAllRuns(builtinModels, { progress: !values.quiet, ...(workers !== undefined ? { workers } : {}) });
  // each report says the workers its run had and why (`workers`, `workersReason`: `--workers N given`, or why it ran on one thread)
  if (values.json) process.stdout.write(JSON.stringify(all.reports, null, 2) + '\n');
  else {
    process.stdout.write(table(['model', 'parameters', 'distinct states', 'edges', 'depth', 'seconds', 'outcome'], all.rows) + '\n');
    const ran = workers === undefined ? '' : ` (--workers ${workers}: ${workersSummary(all.reports)})`;
    process.stdout.write(`${all.modelsDone} models checked (${all.rows.length} runs) in ${((Date.now() - t0) / 1000).toFixed(1)} s${ran}\n`);
    if (interrupted())
      process.stdout.write(`INTERRUPTED: ${builtinModels.length - all.modelsDone} of ${builtinModels.length} models not checked (${all.runs - all.rows.length} of ${all.runs} runs not made)\n`);
  }
  return interrupted() ? EXIT.incomplete : all.code;
}

/**
 * The parameters of a model's check-all run (Model.checkAll), or an error in
 * one line naming the model, the run and what is wrong: a parameter the
 * model does not take or out of its range, a property to leave out that
 * the model does not have (left out by name, a misspelt one would be
 * checked and the run fail as an unknown finding). A built-in declares its
 * rows, so this is pvcheck's own fault (check-all: internal error, exit 70).
 */
export function checkAllRunParams(m: Model, run: CheckAllRun): object {
  const where = `model ${m.name}: its check-all run ${showParams(run.params)}`;
  const q = resolveParams(m.params, { ...run.params });
  if (E.isLeft(q)) throw new Error(`${where}: ${q.left}`);
  const known = selectedInvariants(m, undefined);
  const unknown = (run.leaveOut ?? []).filter((n) => !known.includes(n));
  if (unknown.length) throw new Error(`${where}: leaves out ${unknown.map((n) => `'${n}'`).join(', ')}, not a property of the model (known: ${known.join(', ')})`);
  return q.right as object;
}

/** How many runs had how many workers: `27 runs on 2 workers, 1 run on 1 worker` (a run that cannot go to the workers stays on one thread, its report says why). */
export function workersSummary(reports: readonly { readonly workers: number }[]): string {
  const by = new Map<number, number>();
  for (const r of reports) by.set(r.workers, (by.get(r.workers) ?? 0) + 1);
  return [...by.entries()].sort((a, b) => b[0] - a[0]).map(([w, n]) => `${n} run${n === 1 ? '' : 's'} on ${w} worker${w === 1 ? '' : 's'}`).join(', ');
}

/** What {@link checkAllRuns} made: the exit code (a declared finding is not a failure), a table row and a JSON report per run. */
export interface CheckAllResult {
  readonly code: number;
  readonly rows: string[][];
  readonly reports: JsonReport[];
  /** Models with at least one run made, and the runs planned. */
  readonly modelsDone: number;
  readonly runs: number;
}

/**
 * check-all's runs over `models` (the command: every built-in): each model at
 * its defaults, then each of its check-all runs (Model.checkAll), a trace
 * file written in `traceDir` (default: the working directory) for each
 * violation. A violation of a property the model declares a finding about
 * the real code (Model.findings: an invariant, or `deadlock`) is reported as
 * a known finding and leaves the code 0; any other outcome but ok sets it.
 * Exported so that a test runs check-all's own path on a few small models
 * (test/cliCheckAll) instead of every built-in (test/pinned's npm start).
 */
export async function checkAllRuns(models: readonly Model[], opt: { progress?: boolean; traceDir?: string; workers?: number } = {}): Promise<CheckAllResult> {
  const rows: string[][] = [];
  const reports: JsonReport[] = [];
  let code = 0;
  const runs = models.flatMap((m) => [{ m, run: undefined as CheckAllRun | undefined }, ...(m.checkAll ?? []).map((run) => ({ m, run }))]);
  // every run's declaration before the first search: a bad row stops check-all at once, not after the rows before it
  const resolved = runs.map(({ m, run }) => (run ? checkAllRunParams(m, run) : (m.params.defaults as object)));
  for (const [k, { m, run }] of runs.entries()) {
    if (interrupted()) break;
    const p = resolved[k]!;
    const invariants = run?.leaveOut?.length ? selectedInvariants(m, undefined).filter((n) => !run.leaveOut!.includes(n)) : undefined;
    setInlining(m);
    const r = await runSearch(m, p, { progress: opt.progress === true, ...(opt.workers !== undefined ? { workers: opt.workers } : {}), ...(invariants ? { invariants, checkDeadlock: invariants.includes('deadlock') } : {}) });
    const c = exitFor(r.outcome);
    // a violation the model declares a finding about the real code (Model.findings) is reported, not a failure
    const finding = !!r.violation && (m.findings ?? []).includes(r.violation.property); // an invariant or a deadlock (xenbus F7)
    if (c !== 0 && !finding) code = Math.max(code, c);
    const label = m.name + (run ? ` (${showParams(run.params)})` : '');
    let traceFile: string | null = null;
    let stuck: { steps: number; traceFile: string | null; command: string } | undefined;
    if (r.violation) {
      const { traceFromViolation, writeTraceFile } = await import('./outputs.js');
      const stem = `pvcheck-${safe(m.name)}${run ? '-' + safe(Object.values(run.params).join('-')) : ''}`;
      const name = `${stem}-${safe(r.violation.property)}.trace.json`;
      const command = `pvcheck check ${m.name}` + (run ? Object.entries(run.params).map(([k, v]) => ` --param ${k}=${v}`).join('') : '');
      traceFile = writeTraceFile(opt.traceDir === undefined ? name : join(opt.traceDir, name), traceFromViolation(m, p, r.violation, command), 'json');
      // A declared deadlock of a model with an events budget (Model.budgetedEvents: xenbus's F7) is a deadlock
      // only once the budget is spent, so its shortest trace may first spend events it does not need (F7 at the
      // defaults: 11 steps, an unrelated xl migrate first). The same row with `-i stuck` (properties/stuck.ts:
      // the deadlocks of every smaller bound, each by its own shortest trace) gives the trace a developer should
      // read; it is written beside the first, and the row names both (session 27, brief item 3).
      if (finding && r.outcome === 'deadlock' && m.budgetedEvents?.length && !interrupted()) {
        const rs = await runSearch(m, p, { progress: false, ...(opt.workers !== undefined ? { workers: opt.workers } : {}), invariants: [STUCK], checkDeadlock: false });
        if (rs.violation?.property === STUCK && rs.violation.trace.length < r.violation.trace.length) {
          const sname = `${stem}-${STUCK}.trace.json`;
          const scommand = `${command} -i ${STUCK}`;
          stuck = { steps: rs.violation.trace.length - 1, command: scommand, traceFile: writeTraceFile(opt.traceDir === undefined ? sname : join(opt.traceDir, sname), traceFromViolation(m, p, rs.violation, scommand), 'json') };
        }
      }
    }
    reports.push(jsonReport(m.name, p, invariants ?? selectedInvariants(m, undefined), r, traceFile, {
      ...(run ? { checkAll: { params: { ...run.params }, leftOut: [...(run.leaveOut ?? [])] } } : {}),
      ...(stuck ? { stuck: { length: stuck.steps, traceFile: stuck.traceFile, command: stuck.command } } : {}),
    }));
    const leftOut = run?.leaveOut?.length ? ` (left out, known findings: ${run.leaveOut.join(', ')})` : '';
    rows.push([
      label,
      wrapWords(showParams(p), 44),
      fmtInt(r.distinctStates),
      fmtInt(r.edges),
      String(r.depth),
      r.seconds.toFixed(2),
      (r.outcome === 'ok' ? 'ok' : (finding ? 'known finding (docs/models): ' : '') + outcomeLine(r) + (traceFile ? ` -> ${traceFile}` : '')) + leftOut +
        (stuck ? `; without the events it does not need (-i ${STUCK}: a deadlock at a smaller events bound): ${stuck.steps} steps${stuck.traceFile ? ` -> ${stuck.traceFile}` : ''}` : ''),
    ]);
  }
  return { code, rows, reports, modelsDone: new Set(runs.slice(0, rows.length).map((x) => x.m)).size, runs: runs.length };
}
