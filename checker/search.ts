/**
 * The search. Breadth-first, level by level, from the initial states: take a
 * state from the current level, enumerate its transitions (every enabled rule,
 * every choice, in declaration order), fingerprint each successor and keep the
 * new ones for the next level, recording for each its parent and which of the
 * parent's transitions led to it (store.ts). Invariants are checked on every
 * new state, deadlock (no transition, not a valid end) on every expanded
 * state. Because states are discovered in order of distance, the first
 * violation is at the least depth; a violation on level L+1 is only reported
 * once level L was expanded fully without a deadlock, which would be shorter.
 * Traces are rebuilt by replaying the recorded transition indices from the
 * initial state (trace.ts), so no state is kept after its level is done:
 * memory is the fingerprint table plus 6 bytes per state plus two levels.
 *
 * The search runs in slices (`run(ms)`), so a caller can print progress, yield
 * to the event loop and stop it (Ctrl-C) between slices. How states are
 * represented (packed words or frozen objects) is the path's business
 * (path.ts); the loop is the same for both.
 */
import { CUT, expandState, type Expander } from './expand.js';
import { GoalGraph, ObservableExtremes } from './graph.js';
import { collisionProbability } from './hash.js';
import { PackedLevel, PackedPath, wordCodecOf } from './packed.js';
import type { Level, StatePath } from './path.js';
import { ReferencePath } from './reference/path.js';
import { coverageOf, type CheckResult, type Outcome, type Stats, type TraceStep, type Violation } from './report.js';
import { MemoryGuard } from './memory.js';
import type { ResumeState } from './parallelLayout.js';
import { FingerprintSet, NO_PARENT, ParentLinks } from './store.js';
import { makeStore, type StateSet, type StoreSpec } from './bitstate.js';
import type { System } from './system.js';
import { lazyObservable, traceTo } from './trace.js';
import { compileExpand, compileInvariants, type Expand } from './flatExpand.js';
import { tracedModeOf, type TracedMode } from './traced.js';

export interface CheckOptions<S> {
  /** Stop after this many distinct states (outcome `incomplete`). */
  readonly maxStates?: number;
  /** Do not expand states at this depth (outcome `incomplete` if they have successors). */
  readonly maxDepth?: number;
  /**
   * Stop (outcome `incomplete`, reason `max-memory`) before the process's
   * resident set would pass this many bytes: checked before the fingerprint
   * table doubles and every few thousand states (see memory.ts).
   */
  readonly maxMemory?: number;
  /** Report states with no transition that are not valid ends (default true). */
  readonly checkDeadlock?: boolean;
  /**
   * Called with every distinct state when it is found (e.g. to dump the state
   * set). On the reference path the state is frozen and its nodes may carry a
   * hash stamp (a symbol property, see reference/copyStep.ts).
   */
  readonly onState?: (s: S) => void;
  /** Use the reference (object) path even for packed models (differential testing). */
  readonly forceGeneric?: boolean;
  /**
   * On the reference path, run rules through immer's `produce` instead of on
   * a copy-on-write draft settled into a shared frozen state (copyStep.ts).
   * Both give the same states; this exists to test that.
   */
  readonly immer?: boolean;
  /** `--store`: a lossy store instead of the full fingerprint table (bitstate.ts); a bitstate search never ends `ok`. */
  readonly store?: StoreSpec;
  /**
   * The batched probes ({@link Search.window}) where they are possible (the
   * full table; under maxStates, windows that stop short of it): true always, false never; by default only
   * where they pay, a flat layout or a shape with scalarsets (grant's cache of
   * representatives). A shape without them expands one state at a time: its
   * invariants then run on the scratch copy, not on each new state unpacked
   * again (xenbus events=4 1.04x, ring weak hostile 1.01x of CPU, 2026-12-05b).
   */
  readonly batch?: boolean;
  /** Traced rules on a shape's packed words (traced.ts): always, never, or 'auto' where they pay; default PVCHECK_TRACED (1, auto), else never. */
  readonly traced?: TracedMode;
}

/** The path a system is explored on (also the swarm's depth-first members', swarm.ts). */
export function pathFor<S>(sys: System<S>, opt: CheckOptions<S>): StatePath<S> {
  if (!opt.forceGeneric && (sys.shape || (sys.flat && !sys.canonicalize))) {
    const codec = wordCodecOf(sys);
    if (codec) return new PackedPath(sys, codec, tracedModeOf(opt.traced));
  }
  return new ReferencePath(sys, opt.immer ?? false);
}

/**
 * A search stopped at the start of a level, as the multi-worker search takes
 * it over (parallel.ts): everything the single-threaded search knows, so that
 * the workers go on exactly where it stopped (the same ids, links, counts and
 * so the same report and traces as a search that never changed threads).
 */
export interface SearchHandOver extends ResumeState {
  /** The level's states' packed words, in id order, `words` per state. */
  readonly frontier: Uint32Array;
  readonly words: number;
  /** The fingerprints seen (in this thread: the multi-worker search copies them into its shared table). */
  readonly seen: FingerprintSet;
}

/** The most states of a window, and the successors after which a window ends at its state's end (Search.window). */
const WINDOW_STATES = 64;
const WINDOW_EDGES = 256;

/** A state with more successors than a parent link can name (16 bits of transition index). */
const tooManyTransitions = (): Error => new Error('a state has more than 65536 transitions (rule choices); at most 65536 are supported');

export class Search<S> {
  private readonly sys: System<S>;
  private readonly opt: CheckOptions<S>;
  private readonly path: StatePath<S>;
  private readonly seen: StateSet;
  private readonly links = new ParentLinks();
  private readonly fp = new Uint32Array(2);
  private readonly fired: Float64Array;
  private readonly start = Date.now();
  private cur: Level<S>;
  private next: Level<S>;
  private pos = 0;
  private level = 0;
  private edges = 0;
  private terminals = 0;
  private done = false;
  private outOfMemory = false;
  private interrupted = false;
  private result: CheckResult<S> | undefined;
  private pendingInvariant: { property: string; id: number } | undefined;
  private deadlockId = -1;
  /** Set once a state with transitions was left unexpanded because of a bound. */
  private truncated: 'max-states' | 'max-depth' | 'max-memory' | undefined;
  private readonly memory: MemoryGuard | undefined;
  private cutByStates = false;
  /** The most transitions of a state expanded so far (a hand-over sizes the shared table by it). */
  private maxOut = 1;
  /** Set by {@link pauseAtLevelEnd}: `run` returns at the start of the next level. */
  private pauseRequested = false;
  /** `run` returned at the start of a level, nothing of it expanded (see {@link handOver}). */
  private atLevelStart = false;
  private readonly graph: GoalGraph<S> | undefined;
  private readonly obs: ObservableExtremes<S> | undefined;
  /** The expansion of a state (expand.ts): the rules tried, coverage, and where the transitions go. */
  private readonly expander: Expander<S>;
  /** On the flat and packed paths: the same expansion, generated for this system's rules (flatExpand.ts). */
  private readonly expand: Expand<S>;
  /** A state just fingerprinted, as the model's properties see it (packed.ts: `found`). */
  private readonly found: (s: S) => S;
  /** The index of the first invariant that fails in a state, or -1 (flatExpand.ts). */
  private readonly failing: (s: S) => number;
  /**
   * On the packed path (a flat layout or a shape), when no lossy store may cut an
   * expansion in its middle: the path that stages
   * the successors of a window of states and looks them up together after
   * the window is expanded (packed.ts: batched probes; {@link window}). The
   * successors are then recorded in order, exactly as `edge` records them
   * one at a time.
   */
  private readonly batch: PackedPath<S> | undefined;
  /** While {@link window} expands its states: the expander's successors are staged, not recorded one at a time. */
  private staging = false;
  /**
   * Set when a window could not take even its first state without possibly
   * reaching maxStates (see {@link window}): the search ends one state at a
   * time, as `edge` cuts an expansion in its middle at the bound.
   */
  private nearMaxStates = false;

  constructor(sys: System<S>, opt: CheckOptions<S> = {}) {
    this.sys = sys;
    this.opt = opt;
    this.path = pathFor(sys, opt);
    const path = this.path;
    const maxStates = opt.maxStates ?? Infinity;
    this.fired = new Float64Array(sys.rules.length);
    this.expander = {
      rules: sys.rules,
      // the rules that exist in this system (not `inactive`): the only ones tried on each state
      active: Int32Array.from(sys.rules.flatMap((r, i) => (r.inactive ? [] : [i]))),
      fired: this.fired,
      apply: (r, s, a) => path.apply(r, s, a),
      edge: (n, from, k, r?: number) => {
        if (this.staging) {
          // staged with its rule: a successor left out of the window's record gives its coverage back (window)
          const b = this.batch!;
          if (b.stagedCount === this.sRule.length) this.growRules();
          this.sRule[b.stagedCount] = r!;
          b.stage(n);
          return true;
        }
        this.edge(n, from, k);
        if (this.links.size >= maxStates) {
          this.cutByStates = true;
          return false;
        }
        return true;
      },
    };
    const flatCodec = this.path instanceof PackedPath && sys.flat && !sys.shape ? wordCodecOf(sys) : undefined;
    const expander = this.expander;
    // Shaped states: the packed path's reused scratch copy (codec.ts), made again for each successor.
    const shaped = this.path instanceof PackedPath && sys.shape ? this.path : undefined;
    this.expand = flatCodec
      ? compileExpand(expander, flatCodec.scratch)
      : shaped
        ? shaped.traced
          ? shaped.tracedExpand(expander)
          : compileExpand(expander, (s) => shaped.scratch(s))
        : (s, id, ex) => expandState(expander, s, id, ex);
    this.failing = shaped?.traced ? shaped.tracedFailing(compileInvariants(sys.invariants)) : compileInvariants(sys.invariants);
    this.found = shaped ? (s) => shaped.found(s) : (s) => s;
    this.cur = this.path.newLevel();
    this.next = this.path.newLevel();
    const withGraph = (sys.goals?.length ?? 0) > 0;
    this.seen = makeStore(opt.store, withGraph, opt.maxMemory) ?? new FingerprintSet(withGraph);
    const pays = !sys.shape || sys.scalarsets !== undefined;
    this.batch = this.path instanceof PackedPath && this.seen instanceof FingerprintSet && (opt.batch ?? pays) ? this.path : undefined;
    this.graph = withGraph ? new GoalGraph(sys.goals!) : undefined;
    this.obs = sys.observables?.length ? new ObservableExtremes(sys.observables) : undefined;
    this.memory = opt.maxMemory !== undefined ? new MemoryGuard(opt.maxMemory) : undefined;
    this.seedInitial();
  }

  private seedInitial(): void {
    const init = this.sys.init;
    if (init.length > 0xffff) throw new Error('more than 65535 initial states');
    const maxStates = this.opt.maxStates ?? Infinity;
    for (let i = 0; i < init.length; i++) {
      const s = this.path.seed(init[i]!);
      this.path.fingerprint(s, this.fp);
      if (this.links.size >= maxStates) {
        // maxStates is exact for initial states too: a new one left out is a missed state.
        this.cutByStates = true;
        if (this.seen.lookup(this.fp[0]!, this.fp[1]!) === -1) this.truncated = 'max-states';
        continue;
      }
      if (this.seen.insert(this.fp[0]!, this.fp[1]!, this.links.size) !== -1) continue;
      const id = this.links.size;
      this.links.add(NO_PARENT, i);
      this.discovered(s, id);
      this.cur.push(s, id);
    }
    if (this.cur.length === 0) this.finish();
  }

  /** Bookkeeping for a new state: invariants, observables, goals. */
  private discovered(s0: S, id: number): void {
    const s = this.found(s0);
    if (this.opt.onState) this.opt.onState(this.path.keep(s));
    if (this.pendingInvariant === undefined) {
      const i = this.failing(s);
      if (i >= 0) this.pendingInvariant = { property: this.sys.invariants[i]!.name, id };
    }
    if (this.obs) this.obs.see(s, id);
    if (this.graph) this.graph.see(s, id);
  }

  /** Counts so far. */
  stats(): Stats {
    return {
      distinctStates: this.links.size,
      edges: this.edges,
      depth: this.level,
      queue: this.cur.length - this.pos + this.next.length,
      seconds: (Date.now() - this.start) / 1000,
    };
  }

  interrupt(): void {
    this.interrupted = true;
  }

  get finished(): boolean {
    return this.done;
  }

  /** Runs for about `ms` milliseconds (or to the end); returns the result once finished. */
  run(ms = Infinity): CheckResult<S> | undefined {
    if (this.done) return this.result;
    const deadline = ms === Infinity ? Infinity : Date.now() + ms;
    const sys = this.sys;
    const maxStates = this.opt.maxStates ?? Infinity;
    const maxDepth = this.opt.maxDepth ?? Infinity;
    const checkDeadlock = this.opt.checkDeadlock ?? true;
    const path = this.path;
    const expand = this.expand;
    // the memory budget and the slice's deadline are checked before every 1024th state (windows end there)
    let counter = 0, nextCheck = 1023;
    for (;;) {
      if (this.pos === this.cur.length) {
        // level done
        if (this.pendingInvariant || this.next.length === 0 || this.cutByStates) {
          // A bound stopped the search with a level still to expand.
          if (!this.pendingInvariant && this.cutByStates && this.next.length > 0) this.truncated ??= 'max-states';
          this.finish();
          return this.result;
        }
        // every state of the level was expanded: its memory serves the levels to come
        this.cur.recycle?.();
        this.cur = this.next;
        this.next = path.newLevel();
        this.pos = 0;
        this.level++;
        if (this.pauseRequested) {
          this.pauseRequested = false;
          this.atLevelStart = true;
          return undefined;
        }
      }
      this.atLevelStart = false;
      if (this.interrupted || this.outOfMemory) {
        this.finish();
        return this.result;
      }
      if (counter >= nextCheck) {
        nextCheck = counter + 1024;
        if (this.memory && this.memory.regular()) {
          this.truncated = 'max-memory';
          this.finish();
          return this.result;
        }
        if (Date.now() >= deadline) return undefined;
      }
      if (this.batch && this.level < maxDepth && !this.pendingInvariant && !this.cutByStates && !this.nearMaxStates) {
        const before = this.pos;
        if (this.window(nextCheck - counter)) return this.result;
        counter += this.pos - before;
        continue;
      }
      counter++;
      const s = this.cur.state(this.pos);
      const id = this.cur.id(this.pos);
      this.cur.release(this.pos); // let the state be collected
      this.pos++;
      if (this.links.size >= maxStates) this.cutByStates = true;
      const x = expand(s, id, this.level < maxDepth && !this.pendingInvariant && !this.cutByStates);
      const k = x >> 1, skipped = (x & CUT) !== 0; // transitions; one was left out (a bound or a pending violation)
      if (k > this.maxOut) this.maxOut = k;
      if (k > 0) path.checkInput(this.cur, this.pos - 1, s);
      if (k === 0) {
        this.terminals++;
        if (checkDeadlock && !(sys.isValidEnd && sys.isValidEnd(s))) {
          // No shorter violation exists: every state of a smaller depth was
          // expanded, and every state of this depth was checked when found.
          this.deadlockId = id;
          this.finish();
          return this.result;
        }
      } else if (skipped) {
        if (!this.pendingInvariant) this.truncated ??= this.cutByStates ? 'max-states' : 'max-depth';
      }
    }
  }

  /** Per state of a window (see {@link window}): its id, transitions, and the end of its staged successors. */
  private wId = new Int32Array(WINDOW_STATES);
  private wK = new Int32Array(WINDOW_STATES);
  private wEnd = new Int32Array(WINDOW_STATES);
  /** Per staged successor: the rule that made it. */
  private sRule = new Int32Array(256);
  private growRules(): void {
    const a = new Int32Array(this.sRule.length * 2);
    a.set(this.sRule);
    this.sRule = a;
  }

  /**
   * Expands a window of the level's states (up to {@link WINDOW_STATES}
   * states or {@link WINDOW_EDGES} successors, never past the level's end
   * nor `most` states: `run` checks the budget where it checks it one state
   * at a time),
   * staging their successors (packed.ts `stage`), then looks the successors
   * up together (`resolve`: their table slots are read in one loop, so the
   * processor overlaps the cache misses that one lookup after another
   * waited for in turn: a third of a ring-notify profile) and records them
   * in order, as `edge` records them one at a time: the same ids, links,
   * counts and verdicts. What one state's successors set (a pending
   * violation, the memory budget reached) acts from the next state on, as
   * in the search one state at a time: after a pending violation the later
   * states of the window count as expanded without their successors (their
   * rules' coverage given back), after the budget they count as not
   * expanded. A deadlock ends the window at its state. Returns true when
   * the search is over.
   */
  private window(most: number): boolean {
    const b = this.batch!;
    const cur = this.cur, path = this.path, expand = this.expand, sys = this.sys;
    const checkDeadlock = this.opt.checkDeadlock ?? true;
    const wId = this.wId, wK = this.wK, wEnd = this.wEnd;
    const start = this.pos, last = Math.min(cur.length, start + Math.min(most, WINDOW_STATES));
    // Under maxStates, the window's successors (a bound on its new states) stay below the states left: the
    // bound, which one at a time cuts an expansion in its middle, is then never reached inside a window
    // (grant 2x2's first 150,000 states ran one at a time before, 6% slower than in windows)
    const room = (this.opt.maxStates ?? Infinity) - this.links.size;
    let n = 0;
    let dead = -1;
    this.staging = true;
    for (let p = start; p < last; p++) {
      const s = cur.state(p);
      const id = cur.id(p);
      const k = expand(s, id, true) >> 1;
      if (b.stagedCount >= room) {
        // this state's successors could reach the bound: given back (the search expands it again, after
        // this window's states, in the next window or one at a time: expanding a state changes nothing but
        // the coverage counts, given back here as the window gives back those of a state after a violation)
        const before = n > 0 ? wEnd[n - 1]! : 0;
        for (let j = before; j < b.stagedCount; j++) this.fired[this.sRule[j]!]!--;
        b.unstage(before);
        if (n === 0) {
          this.staging = false;
          this.nearMaxStates = true;
          return false;
        }
        break;
      }
      cur.release(p);
      wId[n] = id;
      wK[n] = k;
      wEnd[n] = b.stagedCount;
      n++;
      if (k > 0) path.checkInput(cur, p, s);
      else if (checkDeadlock && !(sys.isValidEnd && sys.isValidEnd(s))) {
        dead = n - 1;
        break;
      }
      if (b.stagedCount >= WINDOW_EDGES) break;
    }
    this.staging = false;
    const seen = this.seen as FingerprintSet;
    const total = b.resolve(seen);
    const rep = b.rep, rule = this.sRule, fired = this.fired;
    let j = 0;
    for (let i = 0; i < n; i++) {
      const end = wEnd[i]!;
      if (end - j > 0x10000) throw tooManyTransitions();
      if (this.outOfMemory) {
        // the search one state at a time stops before this state
        for (; j < total; j++) fired[rule[j]!]!--;
        this.pos = start + i;
        this.finish();
        return true;
      }
      this.pos = start + i + 1;
      const from = wId[i]!;
      if (this.pendingInvariant) for (; j < end; j++) fired[rule[j]!]!--;
      else
        for (let k = 0; j < end; j++, k++) {
          this.edges++;
          const id = this.links.size;
          const h = rep[2 * j]!, l = rep[2 * j + 1]!;
          if (this.memory && seen.fullBeforeGrowth && seen.lookup(h, l) === -1 && this.memory.over(seen.growthBytes ?? 2 * seen.bytes)) {
            // as in `edge`: the table would double past the budget; the edge is not counted, the search ends after this state
            this.edges--;
            this.truncated = 'max-memory';
            this.outOfMemory = true;
            continue;
          }
          const old = seen.insert(h, l, id);
          if (this.graph) this.graph.edge(from, old === -1 ? id : old);
          if (old !== -1) continue;
          this.links.add(from, k);
          b.pushStaged(this.next, j, id);
          this.discovered(b.stagedState(j), id);
        }
      const k = wK[i]!;
      if (k > this.maxOut) this.maxOut = k;
      if (k === 0) {
        this.terminals++;
        if (i === dead) {
          this.deadlockId = from;
          this.finish();
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Asks `run` to return at the start of the next level (after finishing the
   * current one, in slices as usual), where {@link handOver} can give the
   * search to the workers.
   */
  pauseAtLevelEnd(): void {
    this.pauseRequested = true;
  }

  /** Whether `run` returned at the start of a level ({@link pauseAtLevelEnd}) and nothing ran since. */
  get paused(): boolean {
    return this.atLevelStart;
  }

  /**
   * The search as the workers take it over (see {@link SearchHandOver}), once
   * `run` returned at the start of a level ({@link pauseAtLevelEnd}); undefined
   * when it cannot be: not there, the search is over or about to end (a
   * violation found, a bound reached), or states that are not packed words,
   * or a lossy store. This search must not run afterwards.
   */
  handOver(): SearchHandOver | undefined {
    if (!this.atLevelStart || this.done || this.pos !== 0 || this.cur.length === 0) return undefined;
    if (this.pendingInvariant || this.cutByStates || this.truncated || this.interrupted || this.outOfMemory || this.deadlockId >= 0) return undefined;
    if (!(this.path instanceof PackedPath) || !(this.cur instanceof PackedLevel) || !(this.seen instanceof FingerprintSet) || this.opt.store) return undefined;
    const n = this.cur.length;
    const curFirst = this.cur.id(0);
    if (curFirst + n !== this.links.size) return undefined;
    const W = this.path.words.length;
    const frontier = new Uint32Array(n * W);
    this.cur.copyWords(frontier);
    return {
      level: this.level,
      frontier,
      words: W,
      curFirst,
      curLen: n,
      links: this.links.toTransfer(),
      seen: this.seen,
      edges: this.edges,
      terminals: this.terminals,
      fired: this.fired.slice(),
      maxOut: this.maxOut,
      ...(this.obs ? { observables: this.obs.v.slice() } : {}),
      ...(this.graph ? { graph: this.graph.toTransfer() } : {}),
    };
  }

  private edge(n: S, from: number, k: number): void {
    this.edges++;
    this.path.fingerprint(n, this.fp);
    const id = this.links.size;
    if (k > 0xffff) throw tooManyTransitions();
    if (this.seen.exhausted && this.seen.lookup(this.fp[0]!, this.fp[1]!) === -1) {
      // --store compact: its fixed table is full (bitstate.ts); stop as at the memory budget
      this.edges--;
      this.truncated = 'max-memory';
      this.outOfMemory = true;
      return;
    }
    if (this.memory && this.seen.fullBeforeGrowth && this.seen.lookup(this.fp[0]!, this.fp[1]!) === -1 && this.memory.over(this.seen.growthBytes ?? 2 * this.seen.bytes)) {
      // The table would double past the budget: stop before allocating it.
      // The edge is not counted; the search ends after this expansion.
      this.edges--;
      this.truncated = 'max-memory';
      this.outOfMemory = true;
      return;
    }
    const old = this.seen.insert(this.fp[0]!, this.fp[1]!, id);
    if (this.graph) this.graph.edge(from, old === -1 ? id : old);
    if (old !== -1) return;
    this.links.add(from, k);
    this.next.push(n, id);
    this.discovered(n, id);
  }

  /** A SHA-256 digest of every state's parent link, in id order (tests: ParentLinks.digest). */
  linksDigest(): string {
    return this.links.digest();
  }

  /** The trace from an initial state to state `id`, rebuilt by replaying transition indices. */
  traceTo(id: number): TraceStep<S>[] {
    return traceTo(this.sys, this.links, id);
  }

  private finish(): void {
    this.done = true;
    const sys = this.sys;
    let violation: Violation<S> | undefined;
    let outcome: Outcome = 'ok';
    let reason: CheckResult<S>['incompleteReason'];
    if (this.deadlockId >= 0) {
      outcome = 'deadlock';
      violation = { property: 'deadlock', kind: 'deadlock', trace: this.traceTo(this.deadlockId) };
    } else if (this.pendingInvariant) {
      outcome = 'violation';
      violation = {
        property: this.pendingInvariant.property,
        kind: 'invariant',
        trace: this.traceTo(this.pendingInvariant.id),
      };
    } else if (this.interrupted && !this.outOfMemory) {
      outcome = 'incomplete';
      reason = 'interrupted';
    } else if (this.truncated) {
      outcome = 'incomplete';
      reason = this.truncated;
    } else if (this.seen.lossy?.kind === 'bitstate' && this.seen.lossy.folded !== false) {
      // bitstate.ts: states may have been missed, so nothing is proved (a run that never left
      // ExactThenBits' full table kept every fingerprint as the full store does: its verdict stands)
      outcome = 'incomplete';
      reason = 'bitstate';
    } else if (this.graph) {
      const stuck = this.graph.stuck(this.links.size);
      if (stuck) {
        outcome = 'violation';
        violation = { property: sys.goals![stuck.goal]!.name, kind: 'recoverability', trace: this.traceTo(stuck.id) };
      }
    }
    // An observable that was NaN in every state has no value (min/max NaN, no witness).
    const obs = this.obs;
    // The witnesses' traces are built when a report reads them (trace.ts lazyObservable).
    const observables = (this.links.size > 0 ? sys.observables : undefined)?.map((o, i) => lazyObservable(sys, obs!.witness(i, o.name, this.links)));
    const n = this.links.size;
    const bytes = this.seen.bytes + this.links.bytes + (this.graph ? this.graph.bytes : 0);
    this.result = {
      outcome,
      ...(reason ? { incompleteReason: reason } : {}),
      ...this.stats(),
      queue: this.cur.length - this.pos + this.next.length,
      terminalStates: this.terminals,
      deadlockChecked: this.opt.checkDeadlock ?? true,
      ...coverageOf(sys, this.fired),
      ...(violation ? { violation } : {}),
      ...(observables && observables.length ? { observables } : {}),
      collisionProbability: this.seen.lossy ? this.seen.lossy.missedProbability : collisionProbability(n),
      ...(this.seen.lossy ? { store: this.seen.lossy } : {}),
      bytesPerState: n === 0 ? 0 : bytes / n,
    };
    this.cur = this.path.newLevel();
    this.next = this.path.newLevel();
    // the table is not read after the search: its growable buffers serve this thread's next search (store.ts pool)
    if (this.seen instanceof FingerprintSet) this.seen.release();
  }
}

/** Runs a search to the end, synchronously. */
export function check<S>(sys: System<S>, opt: CheckOptions<S> = {}): CheckResult<S> {
  return new Search(sys, opt).run()!;
}
