/**
 * Partitioned exhaustive search (`--partition K/N --exchange DIR`): N
 * processes, on as many machines, run one breadth-first search together.
 * Member K owns the states whose fingerprint falls in its part
 * (`ownerOf`), keeps only their fingerprints, and expands only them; the
 * successors it finds for another part go to that part's owner as a batch
 * file in a directory every member sees (a shared volume, a network file
 * system). As distributed TLC, PReach (Bingham et al., FMCAD 2010) and DiVinE
 * do it, but with files and no coordinator: nothing to deploy beyond the
 * members themselves, which a batch scheduler starts (docs/scale-out.md).
 *
 * The search is level-synchronous. Step L (L = 0, 1, ...):
 *
 *  1. expand: each member expands its states of level L (every rule, every
 *     choice, in declaration order, as search.ts), counts edges, coverage
 *     and terminal states, and writes one batch file per other member,
 *     `eL/bK-J.bin`: per successor its fingerprint, its parent (K's local id)
 *     and transition index, its packed words. Then the marker `eL/xK.json`
 *     (its counts; the first deadlock of the level, if any).
 *  2. barrier A: every member waits for all `eL/x*.json`. A deadlock at
 *     depth L in any part ends the search (shortest: every level before was
 *     clean), as on one process.
 *  3. receive: each member reads the batches addressed to it, from member
 *     1 to N in order, keeps the fingerprints it had not seen (the next
 *     local ids), checks the invariants on those states, and writes them as
 *     level L+1 of its part, `mK/s(L+1).bin` (fingerprint, parent member and
 *     local id, transition index, words): that file is at once the next
 *     frontier, the parent links for traces and, with the earlier levels,
 *     what a restarted member rebuilds its fingerprint table from. Then the
 *     marker `eL/rK.json`, its cumulative counts: the checkpoint.
 *  4. barrier B: every member waits for all `eL/r*.json`. A violation at
 *     depth L+1 in any part ends the search; no new state anywhere ends it
 *     with depth L. Each member deletes the batches it wrote for step L.
 *
 * The initial states are step -1 (`e-1/rK.json`, `mK/s0.bin`): every member
 * computes them all and keeps those it owns.
 *
 * Every file is written to a temporary name and renamed (atomic on POSIX and
 * NFS): a file that exists is complete. A member that dies (killed, node
 * lost) and is started again by its scheduler finds its last checkpoint (the
 * highest step with its `r` marker), rebuilds its table from its level files
 * and carries on from there; the others wait at the barrier meanwhile. What
 * it rewrites is the same as before, byte for byte (the expansion is
 * deterministic), so a member that already read a batch is not affected.
 *
 * Results equal the single-process search's: the union of the parts is the
 * set of reachable states, each expanded once by its owner, so states, edges,
 * terminal states, depth and coverage are the same, and the first level with
 * a violation is the same, so a counterexample has the shortest length (the
 * one reported may be another shortest one). When a violation ends the search
 * the counts are those of the levels done, as in search.ts, but not equal to
 * it (it stops discovering in the middle of the level).
 *
 * Member 1 reports the whole search: it reads the others' final counts and,
 * for a trace, follows parent links through the level files of whichever
 * members own the states on the path, then replays the transition indices
 * with the model's rules (trace.ts), as every trace of the checker.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandState, type Expander } from './expand.js';
import { ObservableExtremes } from './graph.js';
import { collisionProbability, fmix } from './hash.js';
import { PackedPath, wordCodecOf, type WordCodec } from './packed.js';
import type { StatePath } from './path.js';
import { coverageOf, type CheckResult, type Outcome, type TraceStep, type Violation } from './report.js';
import { FingerprintSet, Grow, NO_PARENT } from './store.js';
import type { System } from './system.js';
import { lazyObservable, traceAlong } from './trace.js';

export interface PartitionOptions {
  /** This member, 1..members. */
  readonly member: number;
  readonly members: number;
  /** The exchange directory, shared by every member. */
  readonly dir: string;
  readonly checkDeadlock?: boolean;
  /** What identifies the run (model, parameters, invariants): members of another run in the same directory are refused. */
  readonly signature: unknown;
  /** Called after each step (progress). */
  readonly onStep?: (p: PartitionProgress) => void;
  /** Asked between phases: true stops the member (outcome incomplete, reason interrupted). */
  readonly interrupted?: () => boolean;
  /**
   * For tests (PVCHECK_PARTITION_CRASH=L): the member kills itself while
   * writing its batches of step L, after the first one, leaving the step half
   * written as a killed process would.
   */
  readonly crashAtStep?: number;
}

export interface PartitionProgress {
  readonly level: number;
  /** This member's states, edges so far. */
  readonly states: number;
  readonly edges: number;
  /** Whether this member resumed from a checkpoint (its first call only). */
  readonly resumedAt?: number;
}

/** The member that owns a fingerprint: independent of the table's slot hash (store.ts). */
export function ownerOf(h: number, l: number, members: number): number {
  return ((fmix((h ^ Math.imul(l, 0x27d4eb2f)) | 0) >>> 0) % members) + 1;
}

/** The expansion of a state (expand.ts) on `path`, every successor to `edge`: partition.ts's and swarm.ts's searches. */
export function expanderOf<S>(sys: System<S>, fired: Float64Array, path: StatePath<S>, edge: Expander<S>['edge']): Expander<S> {
  return {
    rules: sys.rules,
    active: Int32Array.from(sys.rules.flatMap((r, i) => (r.inactive ? [] : [i]))),
    fired,
    apply: (r, s, a) => path.apply(r, s, a),
    edge,
  };
}

/** Why a system cannot be partitioned, or undefined. */
export function partitionReason<S>(sys: System<S>): string | undefined {
  if (sys.goals?.length) return 'AG EF goals need every edge of the graph in one place: select invariants with -i';
  if (!wordCodecOf(sys) || (!sys.shape && sys.canonicalize)) return 'states cross processes as packed words: the model needs a declared shape or flat layout';
  return undefined;
}

/** What each marker file holds: a member's cumulative counts. */
interface Marker {
  readonly states: number;
  readonly edges: number;
  readonly terminals: number;
  readonly fired: number[];
  readonly obs: number[];
  /** r markers: the first local id of the level received, and how many states it has. */
  readonly first?: number;
  readonly added?: number;
  /** r markers: the first new state that fails an invariant. */
  readonly violation?: { readonly property: string; readonly id: number } | null;
  /** x markers: the first deadlock of the level. */
  readonly deadlock?: number | null;
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** Writes a file atomically: a temporary name in the same directory, then rename. */
function writeAtomic(path: string, data: Uint32Array | string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  renameSync(tmp, path);
}

function readWords(path: string): Uint32Array {
  const b = readFileSync(path);
  if (b.byteLength % 4 !== 0) throw new Error(`partition: ${path} is not a whole number of words`);
  const out = new Uint32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

export class PartitionMember<S> {
  private readonly sys: System<S>;
  private readonly o: PartitionOptions;
  private readonly codec: WordCodec<S>;
  private readonly path: PackedPath<S>;
  private readonly W: number;
  private readonly seen = new FingerprintSet();
  private readonly fp = new Uint32Array(2);
  private readonly fired: Float64Array;
  private readonly obs: ObservableExtremes<S> | undefined;
  private readonly expander: Expander<S>;
  private readonly start = Date.now();
  private local = 0;
  private edges = 0;
  private terminals = 0;
  /** The level being expanded: records of `mK/sL.bin` (5 + W words each), their first local id. */
  private frontier: Uint32Array = new Uint32Array(0);
  private frontierFirst = 0;
  /** Batches of the step being expanded, per owner (1..N). */
  private out: Grow[] = [];
  private readonly firsts = new Map<string, number>();
  private readonly levelFiles = new Map<string, Uint32Array>();

  constructor(sys: System<S>, o: PartitionOptions) {
    const why = partitionReason(sys);
    if (why) throw new Error(`--partition: ${why}`);
    if (!(Number.isInteger(o.members) && o.members >= 1 && Number.isInteger(o.member) && o.member >= 1 && o.member <= o.members))
      throw new Error(`--partition: member ${o.member} of ${o.members} is out of range`);
    this.sys = sys;
    this.o = o;
    this.codec = wordCodecOf(sys)!;
    this.path = new PackedPath(sys, this.codec);
    this.W = this.codec.words;
    this.fired = new Float64Array(sys.rules.length);
    this.obs = sys.observables?.length ? new ObservableExtremes(sys.observables) : undefined;
    const path = this.path, fp = this.fp, N = o.members;
    this.expander = expanderOf(sys, this.fired, path, (n, from, k) => {
        this.edges++;
        path.fingerprint(n, fp);
        const g = this.out[ownerOf(fp[0]!, fp[1]!, N)]!;
        g.push(fp[0]!);
        g.push(fp[1]!);
        g.push(from);
        g.push(k);
        const w = path.words;
        for (let j = 0; j < w.length; j++) g.push(w[j]!);
        return true;
    });
  }

  private get me(): number {
    return this.o.member;
  }
  private stepDir(L: number): string {
    return join(this.o.dir, `e${L}`);
  }
  private levelFile(m: number, L: number): string {
    return join(this.o.dir, `m${m}`, `s${L}.bin`);
  }

  /** Runs this member to the end of the search; member 1's result is the whole search's. */
  async run(): Promise<CheckResult<S>> {
    mkdirSync(join(this.o.dir, `m${this.me}`), { recursive: true });
    this.checkSignature();
    let L = this.checkpoint();
    if (L === undefined) {
      this.seed();
      L = -1;
    } else {
      this.restore(L);
      this.o.onStep?.({ level: L + 1, states: this.local, edges: this.edges, resumedAt: L });
    }
    for (;;) {
      const rs = await this.barrier(L, 'r');
      // every member has received step L: the batches written for it are read
      if (L >= 0) for (let j = 1; j <= this.o.members; j++) if (j !== this.me) rmSync(join(this.stepDir(L), `b${this.me}-${j}.bin`), { force: true });
      const bad = rs.findIndex((r) => r.violation);
      if (bad >= 0) {
        const v = rs[bad]!.violation!;
        return this.finish(rs, 'violation', Math.max(L, 0), { member: bad + 1, id: v.id, depth: L + 1, property: v.property });
      }
      if (rs.every((r) => r.added === 0)) return this.finish(rs, 'ok', Math.max(L, 0));
      if (this.o.interrupted?.()) return this.finish(rs, 'incomplete', L + 1);
      L++;
      this.expand(L);
      const xs = await this.barrier(L, 'x');
      const dead = xs.findIndex((x) => x.deadlock !== null && x.deadlock !== undefined);
      if (dead >= 0) return this.finish(xs, 'deadlock', L, { member: dead + 1, id: xs[dead]!.deadlock!, depth: L, property: 'deadlock' });
      this.receive(L);
      this.o.onStep?.({ level: L + 1, states: this.local, edges: this.edges });
    }
  }

  /** The run's signature in `DIR/run.json`: the first member writes it, the others (and restarts) must match it. */
  private checkSignature(): void {
    const file = join(this.o.dir, 'run.json');
    const sig = JSON.stringify({ ...(this.o.signature as object), members: this.o.members, words: this.W });
    if (!existsSync(file)) {
      try {
        writeFileSync(file + `.${process.pid}.tmp`, sig);
        renameSync(file + `.${process.pid}.tmp`, file);
      } catch {
        /* another member wrote it meanwhile */
      }
    }
    const got = readFileSync(file, 'utf8');
    if (got !== sig) throw new Error(`--exchange ${this.o.dir} holds the files of another run (${got.slice(0, 200)}): give each run its own empty folder`);
  }

  /** The last step whose `r` marker this member wrote, if any. */
  private checkpoint(): number | undefined {
    let L: number | undefined;
    for (let s = -1; existsSync(join(this.stepDir(s), `r${this.me}.json`)); s++) L = s;
    return L;
  }

  /** Step -1: the initial states this member owns become level 0. */
  private seed(): void {
    const next = new Grow();
    const init = this.sys.init;
    let violation: Marker['violation'] = null;
    for (let i = 0; i < init.length; i++) {
      const s = init[i]!;
      this.path.fingerprint(s, this.fp);
      if (ownerOf(this.fp[0]!, this.fp[1]!, this.o.members) !== this.me) continue;
      if (this.seen.insert(this.fp[0]!, this.fp[1]!, this.local) !== -1) continue;
      violation = this.discovered(s, this.local, violation);
      this.local++;
      pushRecord(next, this.fp[0]!, this.fp[1]!, NO_PARENT, 0, i, this.path.words);
    }
    this.commitLevel(-1, next, 0, violation);
  }

  /** After the states of level L+1 are known: their file, then the step's `r` marker (the checkpoint). */
  private commitLevel(L: number, next: Grow, first: number, violation: Marker['violation']): void {
    const words = next.a.subarray(0, next.n);
    writeAtomic(this.levelFile(this.me, L + 1), words);
    mkdirSync(this.stepDir(L), { recursive: true });
    writeAtomic(join(this.stepDir(L), `r${this.me}.json`), JSON.stringify({ ...this.counts(), first, added: this.local - first, violation }));
    this.frontier = words;
    this.frontierFirst = first;
  }

  private counts(): Marker {
    return { states: this.local, edges: this.edges, terminals: this.terminals, fired: Array.from(this.fired), obs: this.obs ? Array.from(this.obs.v) : [] };
  }

  /** Invariants and observables of a new state; returns the first violation of the level. */
  private discovered(s: S, id: number, v: Marker['violation']): Marker['violation'] {
    if (this.obs) this.obs.see(s, id);
    if (v) return v;
    for (const inv of this.sys.invariants) if (!inv.holds(s)) return { property: inv.name, id };
    return null;
  }

  /** Back to the end of step L: counts from the marker, the table from the level files, the frontier. */
  private restore(L: number): void {
    const r = readJson<Marker>(join(this.stepDir(L), `r${this.me}.json`));
    this.local = r.states;
    this.edges = r.edges;
    this.terminals = r.terminals;
    this.fired.set(r.fired);
    if (this.obs) this.obs.v.set(r.obs);
    const stride = 5 + this.W;
    let id = 0;
    for (let d = 0; d <= L + 1; d++) {
      const f = readWords(this.levelFile(this.me, d));
      for (let o = 0; o < f.length; o += stride) this.seen.insert(f[o]!, f[o + 1]!, id++);
      if (d === L + 1) {
        this.frontier = f;
        this.frontierFirst = r.first!;
      }
    }
    if (id !== this.local) throw new Error(`partition: member ${this.me}'s level files hold ${id} states, its checkpoint ${this.local}`);
  }

  /** Step L, phase 1: expand the frontier, write the batches for the other members, then the `x` marker. */
  private expand(L: number): void {
    const N = this.o.members, W = this.W, stride = 5 + W;
    this.out = Array.from({ length: N + 1 }, () => new Grow(1 << 10));
    const f = this.frontier;
    let deadlock: number | null = null;
    for (let o = 0; o < f.length; o += stride) {
      const id = this.frontierFirst + o / stride;
      const s = this.codec.unpack(f, o + 5);
      const k = expandState(this.expander, s, id, true) >> 1;
      if (k === 0) {
        this.terminals++;
        if ((this.o.checkDeadlock ?? true) && !(this.sys.isValidEnd && this.sys.isValidEnd(s))) {
          deadlock = id;
          break;
        }
      }
    }
    const dir = this.stepDir(L);
    mkdirSync(dir, { recursive: true });
    let written = 0;
    for (let j = 1; j <= N; j++) {
      if (j === this.me) continue;
      writeAtomic(join(dir, `b${this.me}-${j}.bin`), this.out[j]!.a.subarray(0, this.out[j]!.n));
      if (this.o.crashAtStep === L && ++written === 1) process.kill(process.pid, 'SIGKILL');
    }
    writeAtomic(join(dir, `x${this.me}.json`), JSON.stringify({ ...this.counts(), deadlock }));
  }

  /** Step L, phase 3: the batches addressed to this member, in member order; new states become level L+1. */
  private receive(L: number): void {
    const W = this.W, stride = 4 + W;
    const next = new Grow();
    const first = this.local;
    let violation: Marker['violation'] = null;
    for (let j = 1; j <= this.o.members; j++) {
      const b = j === this.me ? this.out[j]!.a.subarray(0, this.out[j]!.n) : readWords(join(this.stepDir(L), `b${j}-${this.me}.bin`));
      for (let o = 0; o < b.length; o += stride) {
        if (this.seen.insert(b[o]!, b[o + 1]!, this.local) !== -1) continue;
        const s = this.codec.unpack(b, o + 4);
        violation = this.discovered(s, this.local, violation);
        this.local++;
        pushRecord(next, b[o]!, b[o + 1]!, j, b[o + 2]!, b[o + 3]!, b.subarray(o + 4, o + 4 + W));
      }
    }
    this.out = [];
    this.commitLevel(L, next, first, violation);
  }

  /** Waits until every member wrote its marker `kind` of step L; returns them in member order. */
  private async barrier(L: number, kind: 'x' | 'r'): Promise<Marker[]> {
    const files = Array.from({ length: this.o.members }, (_, i) => join(this.stepDir(L), `${kind}${i + 1}.json`));
    let wait = 1;
    for (let i = 0; i < files.length; ) {
      if (existsSync(files[i]!)) {
        i++;
        continue;
      }
      if (this.o.interrupted?.()) throw new PartitionInterrupted();
      await sleep(wait);
      wait = Math.min(wait * 2, 4);
    }
    return files.map((f) => readJson<Marker>(f));
  }

  /** The result: counts summed over the members; member 1 adds the trace and the observables' witnesses. */
  private finish(ms: Marker[], outcome: Outcome, depth: number, bad?: { member: number; id: number; depth: number; property: string }): CheckResult<S> {
    const fired = new Float64Array(this.sys.rules.length);
    let states = 0, edges = 0, terminals = 0;
    for (const m of ms) {
      states += m.states;
      edges += m.edges;
      terminals += m.terminals;
      m.fired.forEach((x, i) => (fired[i]! += x));
    }
    const whole = this.me === 1;
    let violation: Violation<S> | undefined;
    if (bad && whole)
      violation = { property: bad.property, kind: bad.property === 'deadlock' ? 'deadlock' : 'invariant', trace: this.traceOf(bad.member, bad.id, bad.depth) };
    const observables = whole && this.sys.observables?.length && states > 0 ? this.observables(ms) : undefined;
    return {
      outcome,
      ...(outcome === 'incomplete' ? { incompleteReason: 'interrupted' as const } : {}),
      distinctStates: states,
      edges,
      depth,
      queue: 0,
      seconds: (Date.now() - this.start) / 1000,
      terminalStates: terminals,
      deadlockChecked: this.o.checkDeadlock ?? true,
      ...coverageOf(this.sys, fired),
      ...(violation ? { violation } : bad ? { violation: { property: bad.property, kind: bad.property === 'deadlock' ? 'deadlock' : 'invariant', trace: [] } } : {}),
      ...(observables ? { observables } : {}),
      collisionProbability: collisionProbability(states),
      // this member's fingerprint table per state of its part (its level files are on the exchange volume)
      bytesPerState: this.local === 0 ? 0 : this.seen.bytes / this.local,
    };
  }

  /** Each observable's extremes over the members; the witness is the least deep state with the value (then the lowest member). */
  private observables(ms: Marker[]): CheckResult<S>['observables'] {
    return this.sys.observables!.map((ob, i) => {
      const pick = (which: 0 | 2) => {
        let best: { v: number; m: number; id: number; d: number } | undefined;
        ms.forEach((mk, j) => {
          const v = mk.obs[i * 4 + which]!;
          if (!Number.isFinite(v) && (which === 0 ? v === Infinity : v === -Infinity)) return;
          const id = mk.obs[i * 4 + which + 1]!;
          const d = this.levelOf(j + 1, id);
          const better = !best || (which === 0 ? v < best.v : v > best.v) || (v === best.v && d < best.d);
          if (better) best = { v, m: j + 1, id, d };
        });
        return best;
      };
      const lo = pick(0), hi = pick(2);
      // the paths read now (the level files may be gone by the time a report reads a trace), the traces when read
      return lazyObservable(this.sys, {
        name: ob.name,
        min: lo ? lo.v : NaN,
        max: hi ? hi.v : NaN,
        minPath: lo ? this.pathOf(lo.m, lo.id, lo.d) : [],
        maxPath: hi ? this.pathOf(hi.m, hi.id, hi.d) : [],
      });
    });
  }

  /** The first local id of member m's level d (from its `r` marker of step d-1). */
  private firstOf(m: number, d: number): number {
    const key = `${m}:${d}`;
    let f = this.firsts.get(key);
    if (f === undefined) {
      f = d === 0 ? 0 : readJson<Marker>(join(this.stepDir(d - 1), `r${m}.json`)).first!;
      this.firsts.set(key, f);
    }
    return f;
  }

  /** The level of member m's state `id`. */
  private levelOf(m: number, id: number): number {
    let d = 0;
    while (existsSync(join(this.stepDir(d), `r${m}.json`)) && this.firstOf(m, d + 1) <= id) d++;
    return d;
  }

  /** A state's record in its owner's level file: parent member, parent local id, transition index. */
  private record(m: number, d: number, id: number): { pm: number; pid: number; k: number } {
    const key = `${m}:${d}`;
    let f: Uint32Array | undefined = this.levelFiles.get(key);
    if (!f) {
      f = readWords(this.levelFile(m, d));
      this.levelFiles.set(key, f);
    }
    const o = (id - this.firstOf(m, d)) * (5 + this.W);
    if (o < 0 || o >= f.length) throw new Error(`partition: state ${id} is not in ${this.levelFile(m, d)}`);
    return { pm: f[o + 2]!, pid: f[o + 3]!, k: f[o + 4]! };
  }

  /**
   * The trace to member m's state `id` at depth d: the parent links across
   * the members' level files back to an initial state, then the transition
   * indices replayed from it (trace.ts).
   */
  traceOf(m: number, id: number, d: number): TraceStep<S>[] {
    return traceAlong(this.sys, this.pathOf(m, id, d));
  }

  /** The transition indices from an initial state to member m's state `id` at depth d (trace.ts pathTo), from the level files. */
  pathOf(m: number, id: number, d: number): number[] {
    const ks: number[] = [];
    for (let depth = d; depth >= 0; depth--) {
      const r = this.record(m, depth, id);
      ks.push(r.k);
      if (depth === 0) break;
      m = r.pm;
      id = r.pid;
    }
    return ks.reverse();
  }
}

/** Thrown out of a barrier when the member is interrupted (Ctrl-C): nothing of the step is lost, a restart resumes. */
export class PartitionInterrupted extends Error {
  constructor() {
    super('interrupted at a barrier');
  }
}

function pushRecord(g: Grow, h: number, l: number, pm: number, pid: number, k: number, words: Uint32Array): void {
  g.push(h);
  g.push(l);
  g.push(pm);
  g.push(pid);
  g.push(k);
  for (let j = 0; j < words.length; j++) g.push(words[j]!);
}
