/**
 * The search. Breadth-first, level by level, from the initial states: take a
 * state from the current level, enumerate its transitions (every enabled rule,
 * every choice, in declaration order), fingerprint each successor and keep the
 * new ones for the next level, recording for each its parent and which of the
 * parent's transitions led to it. Invariants are checked on every new state,
 * deadlock (no transition, not a valid end) on every expanded state. Because
 * states are discovered in order of distance, the first violation is at the
 * least depth; a violation on level L+1 is only reported once level L was
 * expanded fully without a deadlock, which would be shorter. Traces are rebuilt
 * by replaying the recorded transition indices from the initial state, so no
 * state is kept after its level is done: memory is the fingerprint table plus
 * 6 bytes per state (parent id and transition index) plus two levels of states.
 *
 * The search runs in slices (`run(ms)`), so a caller can print progress, yield
 * to the event loop and stop it (Ctrl-C) between slices.
 */
import { produce } from 'immer';
import { copyStep, deepFreeze, sameData } from './copyStep.js';
import { FingerprintSet, collisionProbability, hashValue, hashWords } from './fingerprint.js';
import { flatCodec, type FlatCodec } from './flat.js';
import type { System, Transition } from './system.js';

export type Outcome = 'ok' | 'violation' | 'deadlock' | 'incomplete';

export interface CheckOptions<S> {
  /** Stop after this many distinct states (outcome `incomplete`). */
  readonly maxStates?: number;
  /** Do not expand states at this depth (outcome `incomplete` if they have successors). */
  readonly maxDepth?: number;
  /** Report states with no transition that are not valid ends (default true). */
  readonly checkDeadlock?: boolean;
  /**
   * Called with every distinct state when it is found (e.g. to dump the state
   * set). On the generic path the state is frozen and its nodes may carry a
   * hash stamp (a symbol property, see copyStep.ts).
   */
  readonly onState?: (s: S) => void;
  /** Use the generic (nested-state) path even for flat models (differential testing). */
  readonly forceGeneric?: boolean;
  /**
   * On the generic path, run rules through immer's `produce` instead of on a
   * copy-on-write draft settled into a shared frozen state (copyStep.ts).
   * Both give the same states; this exists to test that.
   */
  readonly immer?: boolean;
}

export interface TraceStep<S> {
  /** Rule name, with the choice in parentheses for rules with choices; `init` for step 0. */
  readonly action: string;
  readonly rule: string | null;
  readonly choice?: unknown;
  readonly state: S;
}

export interface Violation<S> {
  readonly property: string;
  readonly kind: 'invariant' | 'deadlock' | 'recoverability';
  /** Steps from an initial state (step 0) to the violating state; `trace.length - 1` transitions. */
  readonly trace: readonly TraceStep<S>[];
}

export interface ObservableReport<S> {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly minTrace: readonly TraceStep<S>[];
  readonly maxTrace: readonly TraceStep<S>[];
}

export interface Stats {
  readonly distinctStates: number;
  readonly edges: number;
  readonly depth: number;
  readonly queue: number;
  readonly seconds: number;
}

export interface CheckResult<S> extends Stats {
  readonly outcome: Outcome;
  readonly incompleteReason?: 'max-states' | 'max-depth' | 'interrupted';
  readonly terminalStates: number;
  readonly coverage: readonly { readonly rule: string; readonly fired: number }[];
  readonly neverFired: readonly string[];
  readonly violation?: Violation<S>;
  readonly observables?: readonly ObservableReport<S>[];
  readonly collisionProbability: number;
  /** Bytes the search keeps per distinct state: fingerprint table, parent links, graph (if any). */
  readonly bytesPerState: number;
}

class Grow {
  a: Uint32Array;
  n = 0;
  constructor(cap = 1 << 16) {
    this.a = new Uint32Array(cap);
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Uint32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}
class Grow16 {
  a: Uint16Array;
  n = 0;
  constructor(cap = 1 << 16) {
    this.a = new Uint16Array(cap);
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Uint16Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

/** One BFS level: the states still to expand, with their ids. */
interface Level<S> {
  readonly length: number;
  push(s: S, id: number): void;
  state(i: number): S;
  id(i: number): number;
  /** Drops the reference to state i (it was expanded). */
  release(i: number): void;
}

class ObjectLevel<S> implements Level<S> {
  private readonly states: S[] = [];
  private readonly ids: number[] = [];
  get length(): number {
    return this.states.length;
  }
  push(s: S, id: number): void {
    this.states.push(s);
    this.ids.push(id);
  }
  state(i: number): S {
    return this.states[i]!;
  }
  id(i: number): number {
    return this.ids[i]!;
  }
  release(i: number): void {
    this.states[i] = undefined as unknown as S;
  }
}

/** A level of flat states kept packed: `words` per state, copied from the search's scratch words. */
class PackedLevel<S> implements Level<S> {
  private w: Uint32Array;
  private readonly ids = new Grow(1024);
  private n = 0;
  constructor(
    private readonly codec: FlatCodec<S>,
    private readonly src: Uint32Array,
  ) {
    this.w = new Uint32Array(1024 * codec.words);
  }
  get length(): number {
    return this.n;
  }
  push(_s: S, id: number): void {
    const W = this.codec.words;
    if ((this.n + 1) * W > this.w.length) {
      const b = new Uint32Array(this.w.length * 2);
      b.set(this.w);
      this.w = b;
    }
    this.w.set(this.src, this.n * W);
    this.ids.push(id);
    this.n++;
  }
  state(i: number): S {
    return this.codec.unpack(this.w, i * this.codec.words);
  }
  /** Whether `s` still packs to the words stored for state i (rules must not write their input). */
  unchanged(i: number, s: S, tmp: Uint32Array): boolean {
    this.codec.pack(s, tmp);
    const W = this.codec.words;
    for (let j = 0; j < W; j++) if (tmp[j] !== this.w[i * W + j]) return false;
    return true;
  }
  id(i: number): number {
    return this.ids.a[i]!;
  }
  release(_i: number): void {}
}

const NO_PARENT = 0xffffffff;

/** Entries of the cache of representatives' fingerprints (symmetry reduction). */
const CANON_SLOTS = 1 << 15;

/** The transitions of a state, in the checker's fixed order. */
export function transitionsOf<S>(sys: System<S>, s: S, apply: (r: number, s: S, a: unknown) => S): Transition<S>[] {
  const out: Transition<S>[] = [];
  const rules = sys.rules;
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r]!;
    if (rule.inactive) continue;
    if (rule.choices) {
      for (const a of rule.choices(s)) {
        if (rule.when && !rule.when(s, a)) continue;
        out.push({ rule: r, choice: a, hasChoice: true, next: apply(r, s, a) });
      }
    } else if (!rule.when || rule.when(s, undefined)) {
      out.push({ rule: r, choice: undefined, hasChoice: false, next: apply(r, s, undefined) });
    }
  }
  return out;
}

/** Applies rule `r` with immer: a pure step that never mutates `s`. */
export function immerApply<S>(sys: System<S>): (r: number, s: S, a: unknown) => S {
  return (r, s, a) => produce(s, (d: unknown) => void sys.rules[r]!.then(d, s, a)) as S;
}

/** The action label of a transition, as traces print it. */
export function labelOf<S>(sys: System<S>, t: { rule: number; choice: unknown; hasChoice: boolean }): string {
  const rule = sys.rules[t.rule]!;
  if (!t.hasChoice) return rule.name;
  return `${rule.name}(${rule.label ? rule.label(t.choice) : JSON.stringify(t.choice)})`;
}

export class Search<S> {
  private readonly sys: System<S>;
  private readonly opt: CheckOptions<S>;
  private readonly codec: FlatCodec<S> | undefined;
  private readonly apply: (r: number, s: S, a: unknown) => S;
  private readonly seen: FingerprintSet;
  private readonly parent = new Grow();
  private readonly via = new Grow16();
  private readonly fp = new Uint32Array(2);
  private readonly words: Uint32Array;
  private readonly check_: Uint32Array;
  private readonly fired: Float64Array;
  private readonly start = Date.now();
  private cur: Level<S>;
  private next: Level<S>;
  private pos = 0;
  private level = 0;
  private edges = 0;
  private terminals = 0;
  private done = false;
  private interrupted = false;
  private result: CheckResult<S> | undefined;
  private pendingInvariant: { property: string; id: number } | undefined;
  private deadlockId = -1;
  /** Set once a state with transitions was left unexpanded because of a bound. */
  private truncated: 'max-states' | 'max-depth' | undefined;
  private cutByStates = false;
  // graph (for goals)
  private readonly edgeSrc: Grow | undefined;
  private readonly edgeDst: Grow | undefined;
  private goalHits: Grow[] = [];
  // observables: [min, minId, max, maxId]
  private readonly obs: Float64Array | undefined;
  /** Indices of the rules that exist in this system (not `inactive`): the only ones tried on each state. */
  private readonly active: Int32Array;
  /** With symmetry: recent states, their hashes and their representatives' fingerprints. */
  private readonly canon: { states: (S | undefined)[]; key: Uint32Array; fp: Uint32Array } | undefined;

  constructor(sys: System<S>, opt: CheckOptions<S> = {}) {
    this.sys = sys;
    this.opt = opt;
    this.codec = sys.flat && !opt.forceGeneric && !sys.canonicalize ? flatCodec<S>(sys.flat) : undefined;
    this.words = new Uint32Array(this.codec ? this.codec.words : 0);
    this.check_ = new Uint32Array(this.words.length);
    if (this.codec) {
      // One scratch state, overwritten by every transition: a successor costs
      // no allocation unless it is new (then it is packed into the next level).
      const { clone, assign } = this.codec;
      const rules = sys.rules;
      let scratch: S | undefined;
      this.apply = (r, s, a) => {
        if (scratch === undefined) scratch = clone(s);
        else assign(scratch, s);
        rules[r]!.then(scratch, s, a);
        return scratch;
      };
    } else if (opt.immer) this.apply = immerApply(sys);
    else {
      // A copy-on-write draft per transition, settled into a frozen state that
      // shares every unchanged subtree with `s` (see copyStep.ts).
      // Each new node also gets its hash as it is frozen, so the hash of a
      // successor is read off its root.
      const rules = sys.rules;
      this.apply = (r, s, a) => copyStep(s, (d) => rules[r]!.then(d, s, a), true);
    }
    this.active = Int32Array.from(sys.rules.flatMap((r, i) => (r.inactive ? [] : [i])));
    this.canon =
      sys.canonicalize && !this.codec
        ? { states: new Array(CANON_SLOTS), key: new Uint32Array(2 * CANON_SLOTS), fp: new Uint32Array(2 * CANON_SLOTS) }
        : undefined;
    this.cur = this.newLevel();
    this.next = this.newLevel();
    const withGraph = (sys.goals?.length ?? 0) > 0;
    this.seen = new FingerprintSet(withGraph);
    if (withGraph) {
      this.edgeSrc = new Grow();
      this.edgeDst = new Grow();
      this.goalHits = sys.goals!.map(() => new Grow());
    }
    this.fired = new Float64Array(sys.rules.length);
    this.obs = sys.observables?.length ? new Float64Array(sys.observables.length * 4) : undefined;
    if (this.obs) for (let i = 0; i < this.obs.length; i += 4) {
      this.obs[i] = Infinity;
      this.obs[i + 2] = -Infinity;
    }
    this.seedInitial();
  }

  private newLevel(): Level<S> {
    return this.codec ? new PackedLevel(this.codec, this.words) : new ObjectLevel<S>();
  }

  private fingerprint(s: S): void {
    if (this.codec) {
      this.codec.pack(s, this.words);
      hashWords(this.words, this.words.length, this.fp);
    } else if (this.canon === undefined) {
      hashValue(s, this.fp);
    } else {
      // Symmetry: most successors are states met before, so the fingerprint
      // of their representative is remembered, in a direct-mapped cache keyed
      // by the state's own hash and checked by exact equality with the state
      // it was computed for (a cache hit never rests on a hash alone).
      const c = this.canon;
      hashValue(s, this.fp);
      const h = this.fp[0]!, l = this.fp[1]!;
      const slot = (l ^ Math.imul(h, 0x9e3779b1)) & (CANON_SLOTS - 1);
      const prev = c.states[slot];
      if (prev !== undefined && c.key[2 * slot] === h && c.key[2 * slot + 1] === l && sameData(prev, s)) {
        this.fp[0] = c.fp[2 * slot]!;
        this.fp[1] = c.fp[2 * slot + 1]!;
        return;
      }
      hashValue(this.sys.canonicalize!(s), this.fp);
      c.states[slot] = s;
      c.key[2 * slot] = h;
      c.key[2 * slot + 1] = l;
      c.fp[2 * slot] = this.fp[0]!;
      c.fp[2 * slot + 1] = this.fp[1]!;
    }
  }

  private seedInitial(): void {
    const init = this.sys.init;
    if (init.length > 0xffff) throw new Error('more than 65535 initial states');
    const maxStates = this.opt.maxStates ?? Infinity;
    for (let i = 0; i < init.length; i++) {
      // On the generic path states are frozen, so a rule that writes its input
      // throws (immer froze them on the first step as well).
      const s = this.codec ? init[i]! : deepFreeze(init[i]!);
      this.fingerprint(s);
      if (this.parent.n >= maxStates) {
        // maxStates is exact for initial states too: a new one left out is a missed state.
        this.cutByStates = true;
        if (this.seen.lookup(this.fp[0]!, this.fp[1]!) === -1) this.truncated = 'max-states';
        continue;
      }
      if (this.seen.insert(this.fp[0]!, this.fp[1]!, this.parent.n) !== -1) continue;
      const id = this.parent.n;
      this.parent.push(NO_PARENT);
      this.via.push(i);
      this.discovered(s, id);
      this.cur.push(s, id);
    }
    if (this.cur.length === 0) this.finish();
  }

  /** Bookkeeping for a new state; returns false when the search must stop adding states. */
  private discovered(s: S, id: number): void {
    if (this.opt.onState) this.opt.onState(this.codec ? this.codec.clone(s) : s);
    if (this.pendingInvariant === undefined) {
      const invs = this.sys.invariants;
      for (let i = 0; i < invs.length; i++)
        if (!invs[i]!.holds(s)) {
          this.pendingInvariant = { property: invs[i]!.name, id };
          break;
        }
    }
    const obs = this.obs;
    if (obs) {
      const list = this.sys.observables!;
      for (let i = 0; i < list.length; i++) {
        const v = list[i]!.value(s);
        if (v < obs[i * 4]!) {
          obs[i * 4] = v;
          obs[i * 4 + 1] = id;
        }
        if (v > obs[i * 4 + 2]!) {
          obs[i * 4 + 2] = v;
          obs[i * 4 + 3] = id;
        }
      }
    }
    if (this.sys.goals) {
      const g = this.sys.goals;
      for (let i = 0; i < g.length; i++) if (g[i]!.reached(s)) this.goalHits[i]!.push(id);
    }
  }

  /** Counts so far. */
  stats(): Stats {
    return {
      distinctStates: this.parent.n,
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
    const rules = sys.rules;
    const active = this.active;
    const nActive = active.length;
    const maxStates = this.opt.maxStates ?? Infinity;
    const maxDepth = this.opt.maxDepth ?? Infinity;
    const checkDeadlock = this.opt.checkDeadlock ?? true;
    const apply = this.apply;
    const fired = this.fired;
    let counter = 0;
    for (;;) {
      if (this.pos === this.cur.length) {
        // level done
        if (this.pendingInvariant || this.next.length === 0 || this.cutByStates) {
          // A bound stopped the search with a level still to expand.
          if (!this.pendingInvariant && this.cutByStates && this.next.length > 0) this.truncated ??= 'max-states';
          this.finish();
          return this.result;
        }
        this.cur = this.next;
        this.next = this.newLevel();
        this.pos = 0;
        this.level++;
      }
      if (this.interrupted) {
        this.finish();
        return this.result;
      }
      if ((++counter & 1023) === 0 && Date.now() >= deadline) return undefined;
      const s = this.cur.state(this.pos);
      const id = this.cur.id(this.pos);
      this.cur.release(this.pos); // let the state be collected
      this.pos++;
      if (this.parent.n >= maxStates) this.cutByStates = true;
      let expand = this.level < maxDepth && !this.pendingInvariant && !this.cutByStates;
      let k = 0; // transition index
      let skipped = false; // a transition of s was left out (a bound or a pending violation)
      for (let ai = 0; ai < nActive; ai++) {
        const r = active[ai]!;
        const rule = rules[r]!;
        if (rule.choices) {
          const cs = rule.choices(s);
          for (let c = 0; c < cs.length; c++) {
            const a = cs[c];
            if (rule.when && !rule.when(s, a)) continue;
            if (!expand) {
              k++;
              skipped = true;
              break;
            }
            this.edge(apply(r, s, a), id, k++);
            fired[r]!++;
            // maxStates is exact: no state beyond the n-th, even in the middle of an expansion.
            if (this.parent.n >= maxStates) {
              this.cutByStates = true;
              expand = false;
            }
          }
        } else if (!rule.when || rule.when(s, undefined)) {
          if (!expand) {
            k++;
            skipped = true;
            break;
          }
          this.edge(apply(r, s, undefined), id, k++);
          fired[r]!++;
          if (this.parent.n >= maxStates) {
            this.cutByStates = true;
            expand = false;
          }
        }
        if (skipped) break;
      }
      if (this.codec && k > 0 && !(this.cur as PackedLevel<S>).unchanged(this.pos - 1, s, this.check_)) {
        // immer's frozen states catch this on the generic path; here the
        // state is a plain record, so compare it with its packed words.
        throw new Error(`a rule wrote to its input state instead of the draft (${this.culprit(s)})`);
      }
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

  /** The name of the first enabled rule that mutates a copy of `s`. */
  private culprit(s: S): string {
    const clone = this.codec!.clone;
    for (const rule of this.sys.rules) {
      const probe = clone(s);
      const before = JSON.stringify(probe);
      for (const a of rule.choices ? rule.choices(probe) : [undefined]) {
        if (rule.when && !rule.when(probe, a)) continue;
        rule.then(clone(probe), probe, a);
        if (JSON.stringify(probe) !== before) return `rule ${rule.name}`;
      }
    }
    return 'rule unknown';
  }

  private edge(n: S, from: number, k: number): void {
    this.edges++;
    this.fingerprint(n);
    const id = this.parent.n;
    if (k > 0xffff) throw new Error(`a state has more than 65536 transitions (rule choices); at most 65536 are supported`);
    const old = this.seen.insert(this.fp[0]!, this.fp[1]!, id);
    if (this.edgeSrc) {
      this.edgeSrc.push(from);
      this.edgeDst!.push(old === -1 ? id : old);
    }
    if (old !== -1) return;
    this.parent.push(from);
    this.via.push(k);
    this.next.push(n, id);
    this.discovered(n, id);
  }

  /** The trace from an initial state to state `id`, rebuilt by replaying transition indices. */
  traceTo(id: number): TraceStep<S>[] {
    const chain: number[] = [];
    for (let x = id; x !== NO_PARENT; x = this.parent.a[x]!) chain.push(x);
    chain.reverse();
    const root = chain[0]!;
    let s = this.sys.init[this.via.a[root]!] as S;
    const steps: TraceStep<S>[] = [{ action: 'init', rule: null, state: s }];
    const apply = immerApply(this.sys);
    for (let i = 1; i < chain.length; i++) {
      const ts = transitionsOf(this.sys, s, apply);
      const t = ts[this.via.a[chain[i]!]!];
      if (!t) throw new Error('internal: trace rebuild diverged (a rule is not deterministic)');
      s = t.next;
      steps.push({
        action: labelOf(this.sys, t),
        rule: this.sys.rules[t.rule]!.name,
        ...(t.hasChoice ? { choice: t.choice } : {}),
        state: s,
      });
    }
    return steps;
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
    } else if (this.interrupted) {
      outcome = 'incomplete';
      reason = 'interrupted';
    } else if (this.truncated) {
      outcome = 'incomplete';
      reason = this.truncated;
    } else if (sys.goals && sys.goals.length > 0) {
      const stuck = this.checkGoals();
      if (stuck) {
        outcome = 'violation';
        violation = stuck;
      }
    }
    // An observable that was NaN in every state has no value (min/max NaN, no witness).
    const observables = (this.parent.n > 0 ? sys.observables : undefined)?.map((o, i) => {
      const has = this.obs![i * 4] !== Infinity;
      return {
        name: o.name,
        min: has ? this.obs![i * 4]! : NaN,
        max: has ? this.obs![i * 4 + 2]! : NaN,
        minTrace: has ? this.traceTo(this.obs![i * 4 + 1]!) : [],
        maxTrace: has ? this.traceTo(this.obs![i * 4 + 3]!) : [],
      };
    });
    const n = this.parent.n;
    const graphBytes = this.edgeSrc ? this.edgeSrc.a.byteLength * 2 : 0;
    const bytes = this.seen.bytes + this.parent.a.byteLength + this.via.a.byteLength + graphBytes;
    const coverage = sys.rules.flatMap((r, i) => (r.inactive ? [] : [{ rule: r.name, fired: this.fired[i]! }]));
    this.result = {
      outcome,
      ...(reason ? { incompleteReason: reason } : {}),
      ...this.stats(),
      queue: this.cur.length - this.pos + this.next.length,
      terminalStates: this.terminals,
      coverage,
      neverFired: coverage.filter((c) => c.fired === 0).map((c) => c.rule),
      ...(violation ? { violation } : {}),
      ...(observables && observables.length ? { observables } : {}),
      collisionProbability: collisionProbability(n),
      bytesPerState: n === 0 ? 0 : bytes / n,
    };
    this.cur = this.newLevel();
    this.next = this.newLevel();
  }

  /**
   * AG EF goal: every reachable state can still reach a goal state. Backward
   * search from the goal states over the recorded edges; the first (least
   * deep) state not reached is the witness.
   */
  private checkGoals(): Violation<S> | undefined {
    const n = this.parent.n;
    const m = this.edgeSrc!.n;
    const src = this.edgeSrc!.a;
    const dst = this.edgeDst!.a;
    // reverse CSR: for each target, its sources
    const start = new Uint32Array(n + 1);
    for (let e = 0; e < m; e++) start[dst[e]! + 1]!++;
    for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
    const fill = start.slice(0, n);
    const rev = new Uint32Array(m);
    for (let e = 0; e < m; e++) rev[fill[dst[e]!]!++] = src[e]!;
    const goals = this.sys.goals!;
    for (let g = 0; g < goals.length; g++) {
      const ok = new Uint8Array(n);
      const stack: number[] = [];
      const hits = this.goalHits[g]!;
      for (let i = 0; i < hits.n; i++) {
        const x = hits.a[i]!;
        if (!ok[x]) {
          ok[x] = 1;
          stack.push(x);
        }
      }
      while (stack.length) {
        const x = stack.pop()!;
        for (let j = start[x]!; j < start[x + 1]!; j++) {
          const y = rev[j]!;
          if (!ok[y]) {
            ok[y] = 1;
            stack.push(y);
          }
        }
      }
      for (let i = 0; i < n; i++)
        if (!ok[i]) return { property: goals[g]!.name, kind: 'recoverability', trace: this.traceTo(i) };
    }
    return undefined;
  }
}

/** Runs a search to the end, synchronously. */
export function check<S>(sys: System<S>, opt: CheckOptions<S> = {}): CheckResult<S> {
  return new Search(sys, opt).run()!;
}
