/**
 * One member of a swarm (`--swarm K/N`): Holzmann, Joshi and Groce, "Swarm
 * verification techniques" (IEEE TSE 37(6), 2011). Instead of one search that
 * must hold every state, N small independent searches, each diversified by a
 * seed, run side by side on a cluster; each stops at its time budget, and
 * their results are merged (`pvcheck merge`). None of them proves anything
 * (bitstate hashing, bounds, budgets): a swarm finds violations, and its
 * merged coverage says how much of the model it exercised.
 *
 * Each member stops at its time budget, at its memory budget (--max-memory,
 * checked every 256 states, as the breadth-first search checks it every 1,024), when its
 * search is done, or at its first counterexample.
 *
 * Member K of N with seed S (a PRNG seeded by S and K):
 *
 * - member 1 runs the breadth-first search (search.ts) with a bitstate
 *   store: its counterexample, if it finds one, is a shortest one (up to the
 *   states bitstate hashing missed);
 * - every other member runs a depth-first search: at each state, its
 *   transitions in an order shuffled by the PRNG, to a depth bound (the
 *   --max-depth given, else 10,000, taken at random between a quarter of it
 *   and all of it for members 3 and up), with a bitstate store of k = 2, 3
 *   or 4 bits a state at positions the member's own hash seed picks (other
 *   members, other collisions). A DFS reaches a deep state in as many steps
 *   as it is deep, which a BFS reaches only after every shallower state.
 *
 * A member's counterexample is the path from an initial state (the DFS
 * stack, or the BFS parent links), replayed with the model's rules
 * (trace.ts): a real run, not always a shortest one.
 */
import { BitStateSet, type StoreReport } from './bitstate.js';
import { MemoryGuard } from './memory.js';
import { expandState, type Expander } from './expand.js';
import { ObservableExtremes } from './graph.js';
import { expanderOf } from './partition.js';
import { traceAlong } from './trace.js';
import { coverageOf, type CheckResult, type TraceStep, type Violation } from './report.js';
import { Search, pathFor } from './search.js';
import type { System } from './system.js';

export interface SwarmOptions {
  readonly member: number;
  readonly members: number;
  readonly seed: number;
  /** Milliseconds the member may run (default: no budget). */
  readonly timeMs?: number;
  /** Bytes of the bitstate array. */
  readonly bitstateBytes: number;
  /** The depth bound of the depth-first members (default 10,000). */
  readonly maxDepth?: number;
  readonly maxStates?: number;
  /** Stop (reason `max-memory`) before the process's resident set passes this many bytes (memory.ts). */
  readonly maxMemory?: number;
  readonly checkDeadlock?: boolean;
  readonly interrupted?: () => boolean;
}

export interface SwarmResult<S> {
  readonly strategy: 'bfs' | 'dfs';
  /** The depth bound of a depth-first member. */
  readonly depthBound: number | null;
  readonly hashes: number;
  readonly hashSeed: number;
  readonly outcome: 'violation' | 'deadlock' | 'incomplete';
  /** Why nothing more is claimed: the budget ran out, the search ended (bitstate: states may be missed), a bound, Ctrl-C. */
  readonly reason?: 'time' | 'searched' | 'max-states' | 'max-memory' | 'interrupted';
  readonly distinctStates: number;
  readonly edges: number;
  /** The deepest state reached. */
  readonly deepest: number;
  readonly seconds: number;
  readonly coverage: CheckResult<S>['coverage'];
  readonly neverFired: readonly string[];
  readonly observables?: readonly { readonly name: string; readonly min: number | null; readonly max: number | null }[];
  readonly store: StoreReport;
  readonly violation?: Violation<S>;
}

/** mulberry32: a small seeded PRNG (uniform in [0, 1)). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The member's own choices, from its seed. */
export function memberPlan(o: Pick<SwarmOptions, 'member' | 'seed' | 'maxDepth'>): { strategy: 'bfs' | 'dfs'; depthBound: number | null; hashes: number; hashSeed: number } {
  const rnd = prng(Math.imul(o.seed, 0x9e3779b1) ^ Math.imul(o.member, 0x85ebca6b));
  const hashes = 2 + Math.floor(rnd() * 3);
  const hashSeed = Math.floor(rnd() * 2 ** 32);
  if (o.member === 1) return { strategy: 'bfs', depthBound: o.maxDepth ?? null, hashes: 3, hashSeed };
  const bound = o.maxDepth ?? 10_000;
  return { strategy: 'dfs', depthBound: o.member === 2 ? bound : Math.max(1, Math.round(bound * (0.25 + 0.75 * rnd()))), hashes, hashSeed };
}

/** Runs member K's search; `step` yields between slices (progress, Ctrl-C). */
export async function swarmMember<S>(sys: System<S>, o: SwarmOptions, step: () => Promise<void> = async () => {}): Promise<SwarmResult<S>> {
  const plan = memberPlan(o);
  const start = Date.now();
  const deadline = o.timeMs === undefined ? Infinity : start + o.timeMs;
  if (plan.strategy === 'bfs') {
    const search = new Search(sys, {
      store: { kind: 'bitstate', bytes: o.bitstateBytes, hashes: plan.hashes, seed: plan.hashSeed },
      checkDeadlock: o.checkDeadlock ?? true,
      ...(o.maxStates !== undefined ? { maxStates: o.maxStates } : {}),
      ...(o.maxDepth !== undefined ? { maxDepth: o.maxDepth } : {}),
      ...(o.maxMemory !== undefined ? { maxMemory: o.maxMemory } : {}),
    });
    let timedOut = false;
    let r: CheckResult<S> | undefined;
    while (!(r = search.run(100))) {
      if (Date.now() >= deadline) timedOut = true;
      if (timedOut || o.interrupted?.()) search.interrupt();
      await step();
    }
    const reason = r.outcome !== 'incomplete' ? undefined : timedOut ? 'time' : r.incompleteReason === 'interrupted' ? 'interrupted' : r.incompleteReason === 'max-states' ? 'max-states' : r.incompleteReason === 'max-memory' ? 'max-memory' : 'searched';
    return {
      ...plan,
      outcome: r.outcome === 'ok' ? 'incomplete' : r.outcome,
      ...(reason ? { reason } : r.outcome === 'ok' ? { reason: 'searched' as const } : {}),
      distinctStates: r.distinctStates,
      edges: r.edges,
      deepest: r.depth,
      seconds: (Date.now() - start) / 1000,
      coverage: r.coverage,
      neverFired: r.neverFired,
      ...(r.observables ? { observables: r.observables.map((x) => ({ name: x.name, min: Number.isNaN(x.min) ? null : x.min, max: Number.isNaN(x.max) ? null : x.max })) } : {}),
      store: r.store!,
      ...(r.violation ? { violation: r.violation } : {}),
    };
  }
  return new DepthFirst(sys, o, plan, start, deadline).run(step);
}

/** A state on the DFS stack: its successors (kept copies), their transition indices, the shuffled order, the next to try. */
interface Frame<S> {
  readonly succ: S[];
  readonly ks: number[];
  readonly order: number[];
  pos: number;
}

class DepthFirst<S> {
  private readonly path;
  private readonly seen: BitStateSet;
  private readonly fp = new Uint32Array(2);
  private readonly fired: Float64Array;
  private readonly obs: ObservableExtremes<S> | undefined;
  private readonly rnd: () => number;
  private readonly expander: Expander<S>;
  private collect: { succ: S[]; ks: number[] } = { succ: [], ks: [] };
  private states = 0;
  private edges = 0;
  private deepest = 0;
  /** The transition index taken at each depth (index 0: the initial state's index in init). */
  private readonly taken: number[] = [];

  constructor(
    private readonly sys: System<S>,
    private readonly o: SwarmOptions,
    private readonly plan: ReturnType<typeof memberPlan>,
    private readonly start: number,
    private readonly deadline: number,
  ) {
    this.path = pathFor(sys, {});
    this.seen = new BitStateSet(o.bitstateBytes, plan.hashes, plan.hashSeed);
    this.fired = new Float64Array(sys.rules.length);
    this.obs = sys.observables?.length ? new ObservableExtremes(sys.observables) : undefined;
    this.rnd = prng(plan.hashSeed ^ 0x5bd1e995);
    const path = this.path;
    this.expander = expanderOf(sys, this.fired, path, (n, _from, k) => {
      this.edges++;
      this.collect.succ.push(path.keep(n));
      this.collect.ks.push(k);
      return true;
    });
  }

  /** A new state: true if it is new (and recorded). */
  private visit(s: S): boolean {
    this.path.fingerprint(s, this.fp);
    if (this.seen.insert(this.fp[0]!, this.fp[1]!, this.states) !== -1) return false;
    this.states++;
    if (this.obs) this.obs.see(s, this.states - 1);
    return true;
  }

  private frame(s: S): Frame<S> {
    this.collect = { succ: [], ks: [] };
    expandState(this.expander, s, this.states - 1, true);
    const { succ, ks } = this.collect;
    const order = succ.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(this.rnd() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return { succ, ks, order, pos: 0 };
  }

  private trace(): TraceStep<S>[] {
    return traceAlong(this.sys, this.taken);
  }

  async run(step: () => Promise<void>): Promise<SwarmResult<S>> {
    const sys = this.sys, o = this.o;
    const bound = this.plan.depthBound ?? Infinity;
    const maxStates = o.maxStates ?? Infinity;
    let violation: Violation<S> | undefined;
    let reason: SwarmResult<S>['reason'] = 'searched';
    let counter = 0;
    const memory = o.maxMemory !== undefined ? new MemoryGuard(o.maxMemory) : undefined;
    const badOf = (s: S): string | undefined => sys.invariants.find((inv) => !inv.holds(s))?.name;
    const inits = sys.init.map((_, i) => i).sort(() => this.rnd() - 0.5);
    search: for (const i of inits) {
      const s0 = this.path.seed(sys.init[i]!);
      if (!this.visit(s0)) continue;
      this.taken.length = 0;
      this.taken.push(i);
      const bad0 = badOf(s0);
      if (bad0) {
        violation = { property: bad0, kind: 'invariant', trace: this.trace() };
        break;
      }
      const stack: Frame<S>[] = [];
      const push = (s: S): boolean => {
        const f = this.frame(s);
        if (f.succ.length === 0 && (o.checkDeadlock ?? true) && !(sys.isValidEnd && sys.isValidEnd(s))) {
          violation = { property: 'deadlock', kind: 'deadlock', trace: this.trace() };
          return false;
        }
        stack.push(f);
        return true;
      };
      if (!push(s0)) break;
      while (stack.length > 0) {
        if ((++counter & 255) === 0) {
          if (Date.now() >= this.deadline) {
            reason = 'time';
            break search;
          }
          if (o.interrupted?.()) {
            reason = 'interrupted';
            break search;
          }
          // the stack of a deep DFS keeps every frame's successors: the budget of --max-memory bounds it
          if (memory?.over(0)) {
            reason = 'max-memory';
            break search;
          }
          if ((counter & 8191) === 0) await step();
        }
        const top = stack[stack.length - 1]!;
        if (top.pos === top.order.length) {
          stack.pop();
          this.taken.pop();
          continue;
        }
        const j = top.order[top.pos++]!;
        const n = top.succ[j]!;
        if (!this.visit(n)) continue;
        this.taken.push(top.ks[j]!);
        const depth = stack.length;
        if (depth > this.deepest) this.deepest = depth;
        const bad = badOf(n);
        if (bad) {
          violation = { property: bad, kind: 'invariant', trace: this.trace() };
          break search;
        }
        if (this.states >= maxStates) {
          reason = 'max-states';
          break search;
        }
        if (depth >= bound) {
          // not expanded: the bound cuts here
          this.taken.pop();
          continue;
        }
        if (!push(n)) break search;
      }
    }
    const cov = coverageOf(sys, this.fired);
    const obs = this.obs;
    return {
      ...this.plan,
      outcome: violation ? (violation.kind === 'deadlock' ? 'deadlock' : 'violation') : 'incomplete',
      ...(violation ? {} : { reason }),
      distinctStates: this.states,
      edges: this.edges,
      deepest: this.deepest,
      seconds: (Date.now() - this.start) / 1000,
      ...cov,
      ...(obs && sys.observables
        ? { observables: sys.observables.map((x, i) => ({ name: x.name, min: obs.has(i) ? obs.min(i) : null, max: obs.has(i) ? obs.max(i) : null })) }
        : {}),
      store: this.seen.lossy,
      ...(violation ? { violation } : {}),
    };
  }
}
