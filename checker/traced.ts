/**
 * Traced rules: the expansion of a shaped state on its packed words, without
 * unpacking it, copying it or packing its successors (docs/perf/2026-12-05c-nested.md,
 * section 3, measured the prototype, bench/traced.ts: retired in session 17, `git show
 * e9084a6:bench/traced.ts`).
 *
 * A rule's choices, guard and effect are deterministic functions of the leaves
 * of the state they read (the model's parameters are fixed for a check). Run
 * once on a *recording view* of the state (a Proxy per record, array and list,
 * each property mapped to its leaf of the codec's layout; for xenbus's
 * `keys: 'all'` records a plain object of accessors, see {@link PlainView}), a function gives
 * its read path (the leaves read, in order, with their values) and, for an
 * effect, the leaves it wrote. A trie per function, keyed by those values in
 * that order, then answers every later call from the packed words alone:
 * choices -> how many, guard -> true or false, effect -> per word a mask and
 * bits (successor = (parent & ~mask) | bits). Walking the trie reads the same
 * leaves in the same order, so it follows the path the function would take; a
 * path not in the trie (a miss) runs the function on the recording view again
 * and adds its path. Nothing is written per rule: the tries are made from the
 * rules as they run.
 *
 * The transitions are those of flatExpand.ts's expansion (every active rule
 * in order, every choice in order, a transition where the guard holds), with
 * the same indices, coverage counts and cuts.
 *
 * What makes a recording exact:
 * - `in`, `hasOwnProperty` and key listings read the presence bits and list
 *   lengths they depend on;
 * - an object of the input state stored into the draft stays behind its view,
 *   so the successor's pack reads its fields through it (recorded reads);
 * - an object of the draft linked a second time (aliasing) has its leaves read
 *   where it was, and that subtree counts as written;
 * - a list written at one index marks that slot (and its length if it grew);
 *   setting its length marks the length and every slot from it on.
 * A write to the input state throws where it happens. A write the layout does
 * not name (a symbol key, a fixed array's length) makes the rule untraceable:
 * an error naming the rule (the search runs without PVCHECK_TRACED).
 *
 * A function whose reads keep making new paths (an effect that copies a list
 * or walks a store reads dozens of leaves, each combination a path: netif-tx
 * grew 1.9 million trie nodes in 137,828 states) runs on objects from the
 * moment it has missed OBJECT_MISSES times in at least one of OBJECT_RATE of
 * its calls: the expanded state unpacked once into reused objects, the rule
 * on the codec's scratch copy, its successor packed into `out`, as the
 * untraced path runs it (and the state checked unchanged, as there).
 *
 * Hidden state (a rule that remembers something between calls, compares
 * objects by identity, draws random numbers) breaks the tries' argument. A
 * trie that meets a function reading a different leaf than before on the same
 * values throws (not deterministic); `PVCHECK_TRACE_CHECK=N` re-runs every
 * N-th expansion on objects (flatExpand.ts's expansion, packScratch) and
 * compares the successors word for word.
 */
import type { Piece } from '../model/shape.js';
import type { StateCodec } from './codec.js';
import { compileExpand, compileInvariants } from './flatExpand.js';
import type { SysInvariant, SysRule, System } from './system.js';
import { recordingOf } from './recording.js';

/** A node of the layout: a piece at a place of the state, with its leaves (the codec's, in its order). */
interface LNode {
  readonly p: Piece;
  readonly parent: LNode | undefined;
  /** The leaves under it: [lo, hi). */
  lo: number;
  hi: number;
  /** int, enum: its leaf; optional, nullable: the presence bit; list: its length; union: its tag. */
  leaf: number;
  of?: LNode;
  fields?: Map<string, LNode>;
  elems?: LNode[];
  alts?: LNode[];
  name: string;
  /** Recorded through plain views (a record whose keys do not depend on the state, see {@link PlainView}): its views, input and draft, once made. */
  pv: boolean;
  rv?: PlainView;
  dv?: PlainView;
  /** The maker of its plain views, and its fields' nodes in the shape's order. */
  mk?: ViewMaker;
  kids?: LNode[];
  /** The recording in which the rule wrote this subtree (see Traced.markWritten). */
  wg: number;
}

/**
 * The recording view of a record whose keys are the same in every state (no
 * optional field, or `keys: 'all'`, whose absent fields are own keys holding
 * undefined): an object of own accessors (not extensible, not
 * configurable), one getter and one setter per field in the shape's order, that log what a Proxy's traps would log
 * (`in`, `hasOwnProperty` and key listings read nothing here: their answer
 * is the same in every state). Made once per node of the layout and pointed
 * at the object it stands for (`to`), so a miss allocates nothing for it and
 * the model's code calls plain accessors, not a Proxy's traps. Only the
 * root's are made for each recording: a model may remember a state by its
 * root (grant's pinTable), never by an inner object (the untraced path reuses
 * those from state to state, codec.ts unpackReused).
 */
interface PlainView {
  readonly v: object;
  /** The object it reads now. */
  t: object | undefined;
  readonly to: (t: object) => void;
}
const fixedKeys = (p: Piece): boolean => p.kind === 'record' && (p.keys === 'all' || !p.fields.some(([, f]) => f.kind === 'optional'));
/** A `keys: 'all'` record with optional fields: a Proxy logs their presence bits for `in` and key listings (xenbus: 120 of them for `Object.keys(xs.nodes)`), a plain view nothing. */
const keysAllOptional = (p: Piece): boolean => p.kind === 'record' && p.keys === 'all' && p.fields.some(([, f]) => f.kind === 'optional');
/** The own, hidden (non-enumerable, symbol-keyed) property of a plain view that says what it stands for. */
const ST = Symbol('traced view');
interface ViewHolder {
  readonly R: { fget(t: unknown, k: string, ch: LNode, draft: boolean): unknown; fset(n: LNode, t: unknown, k: string, ch: LNode, x: unknown, draft: boolean): void };
  readonly K: readonly LNode[];
  readonly n: LNode;
  readonly draft: boolean;
  t: unknown;
}
type ViewMaker = (R: ViewHolder['R'], ks: readonly LNode[], n: LNode, draft: boolean) => PlainView;
/**
 * Per record shape (its keys): the maker of its views. The accessors are
 * made once per shape and shared by every view of it, so that V8 gives all
 * of them one hidden class (accessors of their own would give each view its
 * own, and the model's code that reads them megamorphic loads).
 */
const viewMakers = new Map<string, ViewMaker>();
function viewMaker(keys: readonly string[]): ViewMaker {
  const id = JSON.stringify(keys);
  let mk = viewMakers.get(id);
  if (mk === undefined) {
    const D: PropertyDescriptorMap = {};
    keys.forEach((k, i) => {
      D[k] = {
        get(this: { [ST]: ViewHolder }): unknown {
          const h = this[ST];
          return h.R.fget(h.t, k, h.K[i]!, h.draft);
        },
        set(this: { [ST]: ViewHolder }, x: unknown): void {
          const h = this[ST];
          h.R.fset(h.n, h.t, k, h.K[i]!, x, h.draft);
        },
        enumerable: true,
        configurable: false,
      };
    });
    mk = (R, K, n, draft) => {
      const h: ViewHolder = { R, K, n, draft, t: undefined };
      const v = Object.defineProperty({}, ST, { value: h });
      Object.defineProperties(v, D);
      Object.preventExtensions(v);
      return { v, t: undefined, to: (x) => void (h.t = x) };
    };
    viewMakers.set(id, mk);
  }
  return mk;
}

/** The layout tree of a codec, built by the codec's walk (checked leaf by leaf against its paths). */
function layoutOf(piece: Piece, leaves: StateCodec<unknown>['leaves']): LNode {
  let i = 0;
  const take = (path: string): number => {
    const l = leaves[i];
    if (l === undefined || l.path !== path) throw new Error(`traced: the layout differs from the codec's at ${path} (${l?.path ?? 'end'})`);
    return i++;
  };
  const walk = (p: Piece, path: string, parent: LNode | undefined): LNode => {
    const n: LNode = { p, parent, lo: i, hi: i, leaf: -1, name: path, pv: false, wg: 0 };
    switch (p.kind) {
      case 'int':
      case 'enum':
        n.leaf = take(path);
        break;
      case 'record':
        n.fields = new Map();
        for (const [k, f] of p.fields) n.fields.set(k, walk(f, path ? `${path}.${k}` : k, n));
        break;
      case 'array':
        n.elems = [];
        for (let j = 0; j < p.length; j++) n.elems.push(walk(p.of, `${path}[${j}]`, n));
        break;
      case 'list':
        n.leaf = take(`${path}#`);
        n.elems = [];
        for (let j = 0; j < p.max; j++) n.elems.push(walk(p.of, `${path}[${j}]`, n));
        break;
      case 'nullable':
      case 'optional':
        n.leaf = take(`${path}?`);
        n.of = walk(p.of, path, n);
        break;
      case 'union':
        n.leaf = take(`${path}|`);
        n.alts = p.of.map((a) => walk(a, path, n));
        break;
    }
    n.hi = i;
    return n;
  };
  const root = walk(piece, '', undefined);
  if (i !== leaves.length) throw new Error('traced: the layout has fewer leaves than the codec');
  return root;
}

/** The union alternative a value is (as the codec's pack decides: records by a field no other alternative has). */
function altOf(n: LNode, v: unknown): LNode {
  const alts = n.alts!;
  for (let i = 0; i < alts.length; i++) {
    const a = alts[i]!.p;
    if (a.kind === 'int' ? typeof v === 'number' : a.kind === 'enum' ? a.values.includes(v as never) : a.kind === 'record' ? typeof v === 'object' && v !== null && ownField(alts, i, v) : false) return alts[i]!;
  }
  throw new Error(`traced: a value of no alternative at ${n.name}`);
}
function ownField(alts: LNode[], i: number, v: object): boolean {
  const a = alts[i]!.p as Extract<Piece, { kind: 'record' }>;
  const others = alts.filter((x, j) => j !== i && x.p.kind === 'record').map((x) => x.p as Extract<Piece, { kind: 'record' }>);
  const own = a.fields.find(([k]) => others.every((o) => !o.fields.some(([ok]) => ok === k)));
  return !own || own[0] in v;
}

const isIndex = (p: string | symbol): p is string => typeof p === 'string' && /^(0|[1-9]\d*)$/.test(p);

/** A trie node: inner (leaf >= 0: the next leaf read, children by its value) or an answer (leaf -1, result). */
interface Node {
  leaf: number;
  kids: Map<number, Node> | undefined;
  arr: (Node | undefined)[] | undefined;
  result: any;
}
interface Root {
  t: Node | undefined;
}
/** An effect: per word written, the mask of the bits kept and the bits written. */
interface Effect {
  readonly ws: Int32Array;
  readonly ms: Uint32Array;
  readonly bs: Uint32Array;
}
/** A choices answer: how many choices, and per choice its guard's and effect's tries. */
interface ChoiceSet {
  readonly n: number;
  readonly guards: Root[];
  readonly effects: Root[];
}
const sameEffect = (a: Effect, b: Effect): boolean =>
  a.ws.length === b.ws.length && a.ws.every((x, i) => x === b.ws[i] && a.ms[i] === b.ms[i] && a.bs[i] === b.bs[i]);
/** Children in an array up to this many bits of a leaf, in a Map above. */
const ARR_BITS = 6;
/** An effect runs on objects once it missed this many times, in at least one of OBJECT_RATE of its calls. */
const OBJECT_MISSES = Number(process.env.PVCHECK_TRACE_OBJECT_MISSES ?? 64);
const OBJECT_RATE = Number(process.env.PVCHECK_TRACE_OBJECT_RATE ?? 50);

/** Traced rules always (true), never (false), or where the search measures that they pay ('auto', see {@link TracedChoice}). */
export type TracedMode = boolean | 'auto';

/**
 * The mode of a search: its option, else PVCHECK_TRACED (1: always, auto:
 * where the search measures that they pay, see {@link TracedChoice}), else
 * never. Neither is the default: traced rules lose on blkif, netif-*, xenbus
 * (1.2-1.5x), auto's trial costs those more than it gains where they pay
 * (docs/perf/2026-12-05e-nested.md), and a few dozen recordings through
 * Proxies leave the model's code ~30% slower on plain objects for the rest of
 * the process, so a search that turns traced rules off after a trial runs
 * slower than one that never had them (docs/perf/2026-12-05f-nested.md).
 */
export function tracedModeOf(opt: TracedMode | undefined): TracedMode {
  if (opt !== undefined) return opt;
  const e = process.env.PVCHECK_TRACED;
  return e === '1' ? true : e === 'auto' ? 'auto' : false;
}

/**
 * A state whose words are unpacked only when something reads it: one frozen
 * record whose root fields are getters (own, enumerable, in the shape's
 * order), each unpacking the words (`at`) into reused objects the first time
 * one is read. The traced expansion reads a state's words, so the state it
 * expands is unpacked only for a terminal state's isValidEnd; a new state
 * only for an invariant that runs on objects, or observables and goals.
 */
export interface LazyState<S> {
  readonly obj: S;
  readonly w: Uint32Array;
  readonly off: number;
  /** The state at w[off], as `obj` (valid until the next call). */
  at(w: Uint32Array, off: number): S;
  /** The state unpacked (reused objects: valid until the next `at`). */
  readonly real: () => S;
}
export function lazyState<S>(piece: Extract<Piece, { kind: 'record' }>, unpack: (w: Uint32Array, off: number) => S): LazyState<S> {
  let s: S | undefined;
  const obj = {} as Record<string, unknown>;
  const ls = {
    obj: obj as S,
    w: new Uint32Array(0) as Uint32Array,
    off: 0,
    at(w: Uint32Array, off: number): S {
      ls.w = w;
      ls.off = off;
      s = undefined;
      return obj as S;
    },
    real: (): S => (s ??= unpack(ls.w, ls.off)),
  };
  for (const [k] of piece.fields) Object.defineProperty(obj, k, { get: () => (ls.real() as Record<string, unknown>)[k], enumerable: true });
  Object.freeze(obj);
  return ls;
}

/** Auto mode's schedule, in states expanded (see {@link TracedChoice}). */
const AUTO_UNTRACED = 10_000;
const AUTO_WARM = 10_000;
const AUTO_CHUNK = 1_000;
const AUTO_PAIRS = 6;
/** Traced rules are kept if a traced chunk takes at most this much of an untraced one's time (median of the pairs). */
const AUTO_KEEP = 0.95;
/** The warm-up stops (traced rules off) at a chunk that took this many times the untraced states' time, from its third chunk on. */
const AUTO_ABORT = 2;

/**
 * Auto mode: whether traced rules pay on this search, measured as it goes
 * (they pay 1.1-2x on ring and grant and lose 1.3-1.8x on xenbus and netif-tx,
 * docs/perf/2026-12-05d-nested.md). The first AUTO_UNTRACED states are
 * expanded on objects (a small search never pays for the tries' making), the
 * time of the second half of them per state (U) taken as the untraced cost;
 * then AUTO_WARM traced (the tries fill), in chunks of AUTO_CHUNK states: one
 * that takes more than AUTO_ABORT x U per state, from the third on, ends the
 * trial (traced rules off). Then AUTO_PAIRS pairs of chunks, traced and
 * untraced in turn, are timed; traced rules stay on if the median ratio is at
 * most AUTO_KEEP. A state's time is that from its expansion to the next one's:
 * the rules, fingerprints, lookups and new states' invariants. Counts,
 * traces and verdicts do not depend on the choice: both expansions give the
 * same transitions in the same order (test/traced). PVCHECK_TRACE_SWITCH=N
 * (tests) switches every N states instead, all search long.
 */
export class TracedChoice {
  private n = 0;
  private traced = false;
  private phase: 'first' | 'warm' | 'timed' | 'done' = 'first';
  private readonly switchEvery = Number(process.env.PVCHECK_TRACE_SWITCH ?? 0);
  /** The schedule (PVCHECK_TRACE_AUTO=first,warm: tests and measurements). */
  private readonly first: number;
  private readonly warm: number;
  constructor() {
    const [f, w] = (process.env.PVCHECK_TRACE_AUTO ?? '').split(',').map(Number);
    this.first = f || AUTO_UNTRACED;
    this.warm = w || AUTO_WARM;
  }
  private last = 0;
  private chunkStart = 0;
  private acc = 0;
  private untracedPerState = 0;
  private times: number[] = [];
  private warmTimes: number[] = [];
  /** The decision: traced or not, the median ratio (or the warm-up's chunk over U) and the states expanded when it was made. */
  decision: { traced: boolean; ratio: number; at: number; warm: number[] } | undefined;

  /** Called after each expansion: whether the next one is traced. */
  next(): boolean {
    const n = ++this.n;
    if (this.phase === 'done') return this.traced;
    if (this.switchEvery > 0) {
      if (n % this.switchEvery === 0) this.traced = !this.traced;
      return this.traced;
    }
    // the time since the last expansion (a pause of the search between slices left out)
    const now = performance.now();
    const dt = now - this.last;
    this.last = now;
    if (dt < 20 && n > 1) this.acc += dt;
    if (this.phase === 'first') {
      if (n === this.first >> 1) this.acc = 0;
      if (n >= this.first) {
        this.untracedPerState = this.acc / (this.first - (this.first >> 1));
        this.phase = 'warm';
        this.traced = true;
        this.acc = 0;
        this.chunkStart = n;
      }
      return this.traced;
    }
    if (n - this.chunkStart < AUTO_CHUNK) return this.traced;
    const perState = this.acc / (n - this.chunkStart);
    this.acc = 0;
    this.chunkStart = n;
    if (this.phase === 'warm') {
      const r = perState / this.untracedPerState;
      this.warmTimes.push(r);
      if (this.warmTimes.length >= 3 && r > AUTO_ABORT) return this.decide(false, r, n);
      if (n >= this.first + this.warm) this.phase = 'timed';
      return this.traced;
    }
    this.times.push(perState);
    this.traced = !this.traced;
    if (this.times.length < 2 * AUTO_PAIRS) return this.traced;
    const r: number[] = [];
    for (let i = 0; i < AUTO_PAIRS; i++) r.push(this.times[2 * i]! / this.times[2 * i + 1]!);
    r.sort((a, b) => a - b);
    const ratio = (r[AUTO_PAIRS / 2 - 1]! + r[AUTO_PAIRS / 2]!) / 2;
    return this.decide(ratio <= AUTO_KEEP, ratio, n);
  }

  private decide(traced: boolean, ratio: number, at: number): boolean {
    this.traced = traced;
    this.phase = 'done';
    this.decision = { traced, ratio, at, warm: this.warmTimes };
    if (process.env.PVCHECK_TRACE_STATS === '1')
      process.stderr.write(`traced rules ${traced ? 'on' : 'off'}: ${ratio.toFixed(2)}x after ${at} states expanded (warm-up chunks ${this.warmTimes.map((x) => x.toFixed(2)).join(' ')} x the untraced ${(this.untracedPerState * 1000).toFixed(1)} us a state)\n`);
    return traced;
  }
}

/** Where the successors go: the k-th transition of state `from` by rule r, its words in the `out` given to expand; false once no state may be added. */
export type TracedEdge = (from: number, k: number, r: number) => boolean;

export class Traced<S> {
  private readonly W: number;
  private readonly lword: Int32Array;
  private readonly lshift: Int32Array;
  private readonly lmask: Uint32Array;
  private readonly lbits: Int32Array;
  private readonly root: LNode;
  private readonly rules: readonly SysRule<S>[];
  private readonly active: Int32Array;
  private readonly choiceRoots: Root[];
  /** The answer of a rule without choices: one choice. */
  private readonly single: Node[];
  private readonly parent: Uint32Array;
  /** Misses so far, per kind; trie nodes. */
  readonly stats = { choiceMiss: 0, guardMiss: 0, effectMiss: 0, invariantMiss: 0, nodes: 0, onObjects: 0, viewFallback: 0, copies: 0 };
  /** PVCHECK_TRACE_CHECK: every n-th expansion compared with the expansion on objects (0: never). */
  private checkEvery: number;
  private checkCount = 0;

  constructor(
    sys: System<S>,
    private readonly codec: StateCodec<S>,
    active: Int32Array,
    private readonly fired: Float64Array,
    checkEvery = Number(process.env.PVCHECK_TRACE_CHECK ?? 0),
  ) {
    const leaves = codec.leaves;
    this.W = codec.words;
    this.lword = Int32Array.from(leaves, (l) => l.word);
    this.lshift = Int32Array.from(leaves, (l) => l.shift);
    this.lbits = Int32Array.from(leaves, (l) => l.bits);
    this.lmask = Uint32Array.from(leaves, (l) => (l.bits === 32 ? 0xffffffff : 2 ** l.bits - 1));
    this.root = layoutOf(sys.shape!, leaves);
    this.rules = sys.rules;
    this.active = active;
    this.choiceRoots = Array.from(active, () => ({ t: undefined }));
    this.single = Array.from(active, () => this.answer(this.newSet(1)));
    this.parent = new Uint32Array(this.W);
    this.checkEvery = checkEvery;
    this.written = new Uint8Array(leaves.length);
    this.readSeen = new Uint8Array(leaves.length);
    this.effCalls = new Float64Array(active.length);
    this.effMisses = new Int32Array(active.length);
    this.onObjects = new Uint8Array(active.length);
    this.guardCalls = new Float64Array(active.length);
    this.guardMisses = new Int32Array(active.length);
    this.guardOnObjects = new Uint8Array(active.length);
    this.unpackObj = codec.unpackReused();
    this.unpackMiss = codec.unpackReused();
    const rec = process.env.PVCHECK_TRACE_RECORDER ?? '';
    if (rec !== '' && rec !== 'keys' && rec !== 'records' && rec !== 'proxy' && rec !== 'both') throw new Error(`PVCHECK_TRACE_RECORDER=${rec}: expected keys, records, proxy or both`);
    this.useViews = rec !== 'proxy';
    this.bothRecorders = rec === 'both';
    const viewed = rec === 'records' || rec === 'both' ? fixedKeys : keysAllOptional;
    this.keysAllPresence = new Uint8Array(leaves.length);
    // one walk of the layout: which nodes are recorded through plain views, and the presence bits of `keys: 'all'` records
    const walk = (n: LNode): void => {
      n.pv = viewed(n.p);
      if (n.p.kind === 'record' && n.p.keys === 'all') for (const ch of n.fields!.values()) if (ch.p.kind === 'optional') this.keysAllPresence[ch.leaf] = 1;
      for (const ch of [...(n.fields?.values() ?? []), ...(n.elems ?? []), ...(n.alts ?? []), ...(n.of ? [n.of] : [])]) walk(ch);
    };
    walk(this.root);
    this.invariants = sys.invariants;
    this.invRoots = sys.invariants.map(() => ({ t: undefined }));
    // the recordings run the model's recording copy (recording.ts), the search its own code
    const copy = recordingOf(sys);
    this.stats.copies = copy.copies;
    this.recRules = new Map(sys.rules.map((r, i) => [r, copy.rules[i]!]));
    this.recInvariants = copy.invariants;
    if (process.env.PVCHECK_TRACE_STATS === '1')
      process.stderr.write(`traced rules: ${copy.copies} of ${sys.rules.filter((r) => r.direct).length + sys.invariants.filter((i) => i.direct).length} rules and invariants recorded on the model's recording copy (checker/recording.ts)\n`);
  }
  /** Per rule of the system, the rule its recordings run (its recording copy, recording.ts, or itself). */
  private readonly recRules: Map<SysRule<S>, SysRule<S>>;
  private readonly recInvariants: readonly SysInvariant<S>[];
  private rec(rule: SysRule<S>): SysRule<S> {
    return this.recRules.get(rule) ?? rule;
  }

  // ---- invariants
  private readonly invariants: readonly SysInvariant<S>[];
  private readonly invRoots: Root[];
  /** States whose invariants were asked, and those where one missed. */
  private invStates = 0;
  private invMissStates = 0;
  /** The invariants' code on objects (flatExpand.ts: the first that fails, or -1), for PVCHECK_TRACE_CHECK: compiled at its first check, not for every search (the search compiles its own). */
  private invObjects: ((s: S) => number) | undefined;
  private invCheckCount = 0;
  /** Set once the invariants keep missing (as an effect that does): then they run on the state unpacked (flatExpand.ts's code, see packed.ts tracedFailing). */
  invariantsOnObjects = false;

  /**
   * The index of the first invariant that fails in the state at w[off], or
   * -1 (flatExpand.ts compileInvariants' answer), each invariant answered by
   * its trie on the words. PVCHECK_TRACE_CHECK compares with the answer on
   * objects.
   */
  failing(w: Uint32Array, off: number): number {
    const invs = this.invariants;
    let bad = -1;
    let missed = false;
    this.invStates++;
    for (let i = 0; i < invs.length; i++) {
      let n = this.walk(this.invRoots[i]!, w, off);
      if (n === undefined) {
        n = this.missInvariant(i, w, off);
        missed = true;
      }
      if (!n.result) {
        bad = i;
        break;
      }
    }
    // invariants whose reads keep making new paths (grant's read every ref) run on objects from now on, all of them (the state is unpacked for one anyway)
    if (missed && ++this.invMissStates >= OBJECT_MISSES && this.invMissStates * OBJECT_RATE >= this.invStates) this.invariantsOnObjects = true;
    if (this.checkEvery > 0 && ++this.invCheckCount >= this.checkEvery) {
      this.invCheckCount = 0;
      const want = (this.invObjects ??= compileInvariants(invs))(this.codec.unpack(w, off));
      if (want !== bad) {
        const name = (i: number): string => (i < 0 ? 'none fails' : `${invs[i]!.name} fails`);
        throw new Error(`traced: the invariants differ from their answer on objects (traced: ${name(bad)}, on objects: ${name(want)}): an invariant is not a function of the state it reads (hidden state, identity or randomness); run it without PVCHECK_TRACED`);
      }
    }
    return bad;
  }

  private missInvariant(i: number, w: Uint32Array, off: number): Node {
    this.stats.invariantMiss++;
    const inv = this.invariants[i]!;
    const what = `the invariant ${inv.name}`;
    const { reads, result } = this.record(what, () => {
      const plain = this.unpackMiss(w, off);
      this.startRec();
      const sv = this.view(plain as object, this.root, false) as S;
      const recInv = this.recInvariants[i]!;
      return !!this.recording(() => recInv.holds(sv), () => inv.holds(this.codec.unpack(w, off)));
    });
    return this.insert(this.invRoots[i]!, reads, w, off, result, what);
  }

  private newSet(n: number): ChoiceSet {
    return { n, guards: Array.from({ length: n }, () => ({ t: undefined })), effects: Array.from({ length: n }, () => ({ t: undefined })) };
  }
  private answer(result: unknown): Node {
    return { leaf: -1, kids: undefined, arr: undefined, result };
  }

  /**
   * Expands the state at `w[off]` (id `id`; `expand` false: only looks for an
   * enabled transition), each successor's words written to `out` before
   * `edge` is called. The result is flatExpand.ts's: transitions << 1, bit 0
   * set if one was left out.
   */
  expand(w: Uint32Array, off: number, out: Uint32Array, id: number, expand: boolean, edge: TracedEdge): number {
    if (this.checkEvery > 0 && expand && ++this.checkCount >= this.checkEvery) {
      this.checkCount = 0;
      this.compare(w, off, out);
    }
    const active = this.active, rules = this.rules, fired = this.fired, W = this.W, par = this.parent;
    this.objState = undefined;
    this.csRule = -1;
    let k = 0;
    let haveParent = false;
    for (let ai = 0; ai < active.length; ai++) {
      const r = active[ai]!;
      const rule = rules[r]!;
      let cl: Node | undefined;
      if (rule.choices) {
        cl = this.walk(this.choiceRoots[ai]!, w, off);
        if (cl === undefined) cl = this.missChoices(ai, rule, w, off);
      } else cl = this.single[ai]!;
      const set = cl.result as ChoiceSet;
      for (let ci = 0; ci < set.n; ci++) {
        if (rule.when) {
          if (this.guardOnObjects[ai]) {
            if (!this.guardOnObjectsOf(ai, rule, ci, w, off)) continue;
          } else {
            this.guardCalls[ai]++;
            let g = this.walk(set.guards[ci]!, w, off);
            if (g === undefined) {
              g = this.missGuard(set, ci, rule, w, off);
              if (++this.guardMisses[ai]! >= OBJECT_MISSES && this.guardMisses[ai]! * OBJECT_RATE >= this.guardCalls[ai]!) this.guardOnObjects[ai] = 1;
            }
            if (!g.result) continue;
          }
        }
        if (!expand) return ((k + 1) << 1) | 1;
        if (this.onObjects[ai]) {
          this.effectOnObjects(ai, rule, ci, w, off, out);
          if (!edge(id, k++, r)) expand = false;
          fired[r]!++;
          continue;
        }
        this.effCalls[ai]++;
        let e = this.walk(set.effects[ci]!, w, off);
        if (e === undefined) {
          e = this.missEffect(set, ci, rule, w, off);
          // an effect whose reads keep making new paths (it copies lists, walks a store) runs on objects from now on
          if (++this.effMisses[ai]! >= OBJECT_MISSES && this.effMisses[ai]! * OBJECT_RATE >= this.effCalls[ai]!) this.onObjects[ai] = 1;
        }
        const eff = e.result as Effect;
        if (!haveParent) {
          for (let j = 0; j < W; j++) par[j] = w[off + j]!;
          haveParent = true;
        }
        out.set(par);
        const ews = eff.ws, ems = eff.ms, ebs = eff.bs;
        for (let j = 0; j < ews.length; j++) {
          const x = ews[j]!;
          out[x] = (out[x]! & ems[j]!) | ebs[j]!;
        }
        if (!edge(id, k++, r)) expand = false;
        fired[r]!++;
      }
    }
    if (this.objState !== undefined) this.checkObjects(w, off);
    return k << 1;
  }

  /** Per active rule: its effect's calls and misses, and whether it now runs on objects (see {@link effectOnObjects}). */
  private readonly effCalls: Float64Array;
  private readonly effMisses: Int32Array;
  readonly onObjects: Uint8Array;
  /** The same for guards. */
  private readonly guardCalls: Float64Array;
  private readonly guardMisses: Int32Array;
  readonly guardOnObjects: Uint8Array;
  /** The expanded state unpacked (reused objects), once a rule's effect runs on objects; the choices of rule csRule on it. */
  private objState: S | undefined;
  private csRule = -1;
  private cs: readonly unknown[] = [];
  private readonly unpackObj: ReturnType<StateCodec<S>['unpackReused']>;

  /**
   * Choice ci of rule ai on objects, as the untraced packed path runs it
   * (unpackReused, scratch, packScratch into `out`); the state must still be
   * its words afterwards (the check the untraced path makes).
   */
  /** Rule ai's guard of choice ci on objects (as the untraced path runs it). */
  private guardOnObjectsOf(ai: number, rule: SysRule<S>, ci: number, w: Uint32Array, off: number): boolean {
    const s = (this.objState ??= this.unpackObj(w, off));
    if (rule.choices && this.csRule !== ai) {
      this.cs = rule.choices(s);
      this.csRule = ai;
    }
    return !!rule.when!(s, rule.choices ? this.cs[ci] : undefined);
  }

  private effectOnObjects(ai: number, rule: SysRule<S>, ci: number, w: Uint32Array, off: number, out: Uint32Array): void {
    this.stats.onObjects++;
    const s = (this.objState ??= this.unpackObj(w, off));
    if (rule.choices && this.csRule !== ai) {
      this.cs = rule.choices(s);
      this.csRule = ai;
    }
    const d = this.codec.scratch(s);
    rule.then(d, s, rule.choices ? this.cs[ci] : undefined);
    this.codec.packScratch(d, out);
  }

  /** After an expansion that ran guards or effects on objects: the state must still be its words (the untraced path's check, once a state). */
  private checkObjects(w: Uint32Array, off: number): void {
    if (this.unpackObj.same(this.objState!, w, off)) return;
    // find the rule (each effect that ran on objects, on a fresh copy)
    for (let ai = 0; ai < this.active.length; ai++) {
      if (!this.onObjects[ai] && !this.guardOnObjects[ai]) continue;
      const rule = this.rules[this.active[ai]!]!;
      const s0 = this.codec.unpack(w, off);
      for (const a of rule.choices ? rule.choices(s0) : [undefined]) {
        const s = this.codec.unpack(w, off);
        if (rule.when && !rule.when(s, a)) continue;
        rule.then(this.codec.scratch(s), s, a);
        if (!this.codec.same(s, w, off)) throw new Error(`a rule wrote to its input state instead of the draft (rule ${rule.name})`);
      }
    }
    throw new Error('a rule wrote to its input state instead of the draft (rule unknown)');
  }

  private walk(root: Root, w: Uint32Array, off: number): Node | undefined {
    let n = root.t;
    const lw = this.lword, ls = this.lshift, lm = this.lmask;
    while (n !== undefined) {
      const l = n.leaf;
      if (l < 0) return n;
      const v = (w[off + lw[l]!]! >>> ls[l]!) & lm[l]!;
      n = n.arr !== undefined ? n.arr[v] : n.kids!.get(v);
    }
    return undefined;
  }

  private leafValue(w: Uint32Array, off: number, l: number): number {
    return (w[off + this.lword[l]!]! >>> this.lshift[l]!) & this.lmask[l]!;
  }

  private mk(leaf: number): Node {
    this.stats.nodes++;
    const b = this.lbits[leaf]!;
    return { leaf, kids: new Map(), arr: b <= ARR_BITS ? new Array<Node | undefined>(1 << b).fill(undefined) : undefined, result: undefined };
  }

  /** Adds the path `reads` (with their values in w[off]) ending in `result`. */
  private insert(root: Root, reads: number[], w: Uint32Array, off: number, result: unknown, what: string): Node {
    const leaf = this.answer(result);
    if (reads.length === 0) {
      if (root.t !== undefined) throw this.notDeterministic(what);
      root.t = leaf;
      return leaf;
    }
    if (root.t === undefined) root.t = this.mk(reads[0]!);
    let n = root.t;
    for (let j = 0; j < reads.length; j++) {
      if (n.leaf !== reads[j]) throw this.notDeterministic(what);
      const v = this.leafValue(w, off, n.leaf);
      const last = j === reads.length - 1;
      let kid = n.kids!.get(v);
      if (kid !== undefined && last) throw this.notDeterministic(what);
      if (kid === undefined) {
        kid = last ? leaf : this.mk(reads[j + 1]!);
        n.kids!.set(v, kid);
        if (n.arr) n.arr[v] = kid;
      }
      n = kid;
    }
    return leaf;
  }
  private notDeterministic(what: string): Error {
    return new Error(`traced: ${what} read other values than before on the same state values: it is not a function of the state (hidden state, identity or randomness); run it without PVCHECK_TRACED`);
  }

  // ---- the recorder
  /** The state a miss records on (reused objects: a recording keeps nothing of it). */
  private readonly unpackMiss: (w: Uint32Array, off: number) => S;
  /**
   * Plain views ({@link PlainView}) where LNode.pv, Proxies for the rest (false: Proxies only, the reference
   * recorder). PVCHECK_TRACE_RECORDER: keys (the default) plain views for the `keys: 'all'` records with
   * optional fields only; records: for every record whose keys are fixed (slower on grant and netif-tx: the
   * model's code, run mostly on plain objects, then sees accessor objects too, docs/perf/2026-12-05f-nested.md);
   * proxy: Proxies only; both: as records, every recording made both ways and compared (tests).
   */
  private useViews: boolean;
  private readonly bothRecorders: boolean;
  /** The presence bits of the optional fields of `keys: 'all'` records: a Proxy logs them for `in` and key listings, a plain view does not (their answer is the same in every state). */
  private readonly keysAllPresence: Uint8Array;

  /**
   * Runs the recording `f` (it starts its own) and gives its reads and
   * result. One through plain views that throws is made again through
   * Proxies, and every later one too: a model's own fault throws there again
   * (the wrapper names it); a rule that adds or deletes a key of a record
   * whose keys are fixed (a sealed view refuses both) is recorded as before.
   */
  private record<T>(what: string, f: () => T, same: (a: T, b: T) => boolean = Object.is): { reads: number[]; result: T } {
    if (!this.useViews) {
      const result = f();
      return { reads: this.reads, result };
    }
    let result: T;
    try {
      result = f();
    } catch {
      this.useViews = false;
      this.stats.viewFallback++;
      const again = f();
      return { reads: this.reads, result: again };
    }
    const reads = this.reads;
    if (this.bothRecorders) {
      this.useViews = false;
      try {
        const r2 = f();
        this.compareRecordings(what, reads, result, this.reads, r2, same);
      } finally {
        this.useViews = true;
      }
    }
    return { reads, result };
  }

  /** PVCHECK_TRACE_RECORDER=both: the plain views' recording must be the Proxies', but for the presence bits of `keys: 'all'` records (which the views do not read). */
  private compareRecordings<T>(what: string, a: number[], ra: T, b: number[], rb: T, same: (a: T, b: T) => boolean): void {
    const skip = this.keysAllPresence;
    const inB = new Uint8Array(skip.length);
    for (const i of b) inB[i] = 1;
    const fa = a.filter((i) => !skip[i]);
    const fb = b.filter((i) => !skip[i]);
    if (same(ra, rb) && a.every((i) => inB[i]) && fa.length === fb.length && fa.every((x, j) => x === fb[j])) return;
    const names = (xs: number[]): string => xs.map((i) => this.codec.leaves[i]!.path).join(' ');
    throw new Error(`traced: ${what}: the recording views and the Proxies differ (views: ${same(ra, rb) ? '' : 'another result, '}read ${names(a)}; Proxies: read ${names(b)})`);
  }

  private readonly written: Uint8Array;
  private readonly readSeen: Uint8Array;
  private reads: number[] = [];
  private untraceable = '';
  /** The recording under way (LNode.wg), and whether it wrote a subtree yet. */
  private gen = 0;
  private anyMarked = false;
  private views = new Map<LNode, object>();
  private draftViews = new Map<LNode, object>();
  private targets = new WeakMap<object, object>();
  private nodeOf = new WeakMap<object, LNode>();
  /**
   * The views made for the draft. Such a view stands for an object of the
   * scratch copy (a draft's view is made only where the rule has not
   * written, which holds what scratch put there), so storing one elsewhere
   * links a subtree of the draft a second time (aliasing, see unwrap).
   */
  private readonly ofDraft = new WeakSet<object>();
  private seenPlain = new WeakSet<object>();

  private startRec(): void {
    this.reads = [];
    this.readSeen.fill(0);
    this.written.fill(0);
    this.untraceable = '';
    this.gen++;
    this.anyMarked = false;
    this.views = new Map();
    this.draftViews = new Map();
    this.seenPlain = new WeakSet();
    // the root's views are made again for each recording: a model may remember something of a state by its root's
    // identity (grant's pinTable), as the untraced path makes a fresh root for each state (codec.ts unpackReused)
    this.root.rv = this.root.dv = undefined;
  }
  /** Records a read of leaf i: of the input state always (its values are the parent's), of the draft unless the rule wrote it. */
  private read(i: number, draft: boolean): void {
    if ((draft && this.written[i]) || this.readSeen[i]) return;
    this.readSeen[i] = 1;
    this.reads.push(i);
  }
  private writtenUnder(n: LNode): boolean {
    if (!this.anyMarked) return false;
    const g = this.gen;
    for (let x: LNode | undefined = n; x !== undefined; x = x.parent) if (x.wg === g) return true;
    return false;
  }
  private markWritten(n: LNode): void {
    n.wg = this.gen;
    this.anyMarked = true;
    for (let i = n.lo; i < n.hi; i++) this.written[i] = 1;
  }
  private markLeaf(i: number): void {
    this.written[i] = 1;
  }

  private valueAt(v: any, n: LNode, draft: boolean): any {
    if (draft && this.writtenUnder(n)) return v;
    switch (n.p.kind) {
      case 'int':
      case 'enum':
        this.read(n.leaf, draft);
        return v;
      case 'optional':
      case 'nullable':
        this.read(n.leaf, draft);
        if (v === undefined || v === null) return v;
        return this.valueAt(v, n.of!, draft);
      case 'union':
        this.read(n.leaf, draft);
        return this.valueAt(v, altOf(n, v), draft);
      default:
        return typeof v === 'object' && v !== null ? this.view(v, n, draft) : v;
    }
  }
  private view(v: object, n: LNode, draft: boolean): object {
    if (n.pv && this.useViews) {
      let pv = draft ? n.dv : n.rv;
      if (pv === undefined) {
        pv = (n.mk ??= viewMaker([...n.fields!.keys()]))(this, (n.kids ??= [...n.fields!.values()]), n, draft);
        this.nodeOf.set(pv.v, n);
        if (draft) this.ofDraft.add(pv.v);
        if (draft) n.dv = pv;
        else n.rv = pv;
      }
      if (pv.t !== v) {
        pv.to(v);
        pv.t = v;
        this.targets.set(pv.v, v);
      }
      return pv.v;
    }
    const cache = draft ? this.draftViews : this.views;
    const hit = cache.get(n);
    if (hit !== undefined && this.targets.get(hit) === v) return hit;
    const px = new Proxy(v, draft ? this.draftHandler(n) : this.readHandler(n));
    this.targets.set(px, v);
    this.nodeOf.set(px, n);
    if (draft) this.ofDraft.add(px);
    cache.set(n, px);
    return px;
  }
  /** A plain view's getter (see {@link PlainView}): a Proxy's get trap on a record. */
  fget(t: any, k: string, ch: LNode, draft: boolean): unknown {
    return this.valueAt(t[k], ch, draft);
  }
  /** A plain view's setter: a Proxy's set trap on a record (the input's refuses). */
  fset(n: LNode, t: any, k: string, ch: LNode, x: unknown, draft: boolean): void {
    if (!draft) throw new Error(`traced: a rule wrote to its input state instead of the draft (at ${n.name ? `${n.name}.` : ''}${k})`);
    const u = this.unwrap(x);
    this.markWritten(ch);
    t[k] = u;
  }

  private childOf(n: LNode, prop: string): LNode | undefined {
    if (n.fields) return n.fields.get(prop);
    if (n.elems && isIndex(prop)) return n.elems[Number(prop)];
    return undefined;
  }
  private getTrap(n: LNode, draft: boolean) {
    return (t: any, prop: string | symbol, r: any): any => {
      if (typeof prop === 'symbol') return Reflect.get(t, prop, r);
      const list = n.p.kind === 'list';
      if (list && (prop === 'length' || isIndex(prop))) {
        if (!(draft && this.writtenUnder(n))) this.read(n.leaf, draft);
        if (prop === 'length') return t.length;
      }
      const ch = this.childOf(n, prop);
      if (ch === undefined) return Reflect.get(t, prop, r);
      const v = t[prop];
      if (list && Number(prop) >= t.length) return v;
      return this.valueAt(v, ch, draft);
    };
  }
  /** `in`, hasOwnProperty: whether a list has an index (its length), whether an optional field is there (its presence bit). */
  private presence(n: LNode, prop: string | symbol, draft: boolean): void {
    if (typeof prop !== 'string') return;
    if (n.p.kind === 'list') {
      if (!(draft && this.writtenUnder(n))) this.read(n.leaf, draft);
      return;
    }
    const ch = this.childOf(n, prop);
    if (ch && ch.p.kind === 'optional' && !(draft && this.writtenUnder(ch))) this.read(ch.leaf, draft);
  }
  private keys(n: LNode, draft: boolean): void {
    if (draft && this.writtenUnder(n)) return;
    if (n.p.kind === 'list') this.read(n.leaf, draft);
    else if (n.fields) for (const ch of n.fields.values()) if (ch.p.kind === 'optional' && !(draft && this.writtenUnder(ch))) this.read(ch.leaf, draft);
  }
  /** The traps that ask what a record holds (`in`, hasOwnProperty, Object.keys): they read presence bits or a list's length. */
  private presenceTraps(n: LNode, draft: boolean): ProxyHandler<any> {
    return {
      has: (t, prop) => {
        this.presence(n, prop, draft);
        return Reflect.has(t, prop);
      },
      getOwnPropertyDescriptor: (t, prop) => {
        this.presence(n, prop, draft);
        return Reflect.getOwnPropertyDescriptor(t, prop);
      },
      ownKeys: (t) => {
        this.keys(n, draft);
        return Reflect.ownKeys(t);
      },
    };
  }
  private readHandler(n: LNode): ProxyHandler<any> {
    const refuse = (_t: unknown, prop: string | symbol): never => {
      throw new Error(`traced: a rule wrote to its input state instead of the draft (at ${n.name ? `${n.name}.` : ''}${String(prop)})`);
    };
    return {
      get: this.getTrap(n, false),
      set: refuse,
      deleteProperty: refuse,
      ...this.presenceTraps(n, false),
    };
  }
  /** A value stored into the draft (see the file's comment: aliasing, input objects, plain objects the rule made). */
  private unwrap(v: any): any {
    if (typeof v !== 'object' || v === null) return v;
    const t = this.targets.get(v);
    if (t !== undefined && this.ofDraft.has(v)) {
      const src = this.nodeOf.get(v)!;
      for (let i = src.lo; i < src.hi; i++) this.read(i, true);
      this.markWritten(src);
    } else if (t === undefined && !this.seenPlain.has(v)) {
      this.seenPlain.add(v);
      for (const k of Object.keys(v)) this.unwrap(v[k]);
    }
    return v;
  }
  private draftHandler(n: LNode): ProxyHandler<any> {
    return {
      get: this.getTrap(n, true),
      set: (t, prop, v) => {
        if (typeof prop === 'symbol') {
          this.untraceable = 'a symbol key';
          return Reflect.set(t, prop, v);
        }
        if (n.p.kind === 'array' && prop === 'length') {
          this.untraceable = `the length of the fixed array ${n.name}`;
          return Reflect.set(t, prop, v);
        }
        if (n.p.kind === 'list' && prop === 'length') {
          this.markLeaf(n.leaf);
          for (let j = Math.min(Number(v), t.length); j < n.elems!.length; j++) this.markWritten(n.elems![j]!);
          return Reflect.set(t, prop, v);
        }
        if (n.p.kind === 'list' && isIndex(prop) && Number(prop) >= t.length) this.markLeaf(n.leaf);
        const u = this.unwrap(v);
        const ch = this.childOf(n, prop);
        if (ch === undefined) this.untraceable = `${n.name}.${prop}, which the shape does not name`;
        else this.markWritten(ch);
        t[prop] = u;
        return true;
      },
      deleteProperty: (t, prop) => {
        const ch = typeof prop === 'string' ? this.childOf(n, prop) : undefined;
        if (ch === undefined) this.untraceable = `a delete at ${n.name}`;
        else this.markWritten(ch);
        return Reflect.deleteProperty(t, prop);
      },
      ...this.presenceTraps(n, true),
      defineProperty: (t, prop, desc) => {
        this.untraceable = `a property defined at ${n.name}`;
        return Reflect.defineProperty(t, prop, desc);
      },
    };
  }
  /**
   * Runs `f` (a recording); if it throws, `again` runs the same call on plain
   * objects through the rule's wrapper, which raises the model's fault naming
   * the rule and the state, as the expansion on objects would.
   */
  private recording<T>(f: () => T, again: () => unknown): T {
    try {
      return f();
    } catch (e) {
      again();
      throw e;
    }
  }

  private missChoices(ai: number, rule: SysRule<S>, w: Uint32Array, off: number): Node {
    this.stats.choiceMiss++;
    const what = `the choices of ${rule.name}`;
    const { reads, result } = this.record(what, () => {
      const plain = this.unpackMiss(w, off);
      this.startRec();
      const sv = this.view(plain as object, this.root, false) as S;
      const rr = this.rec(rule);
      return this.recording(() => rr.choices!(sv), () => rule.choices!(this.codec.unpack(w, off))).length;
    });
    return this.insert(this.choiceRoots[ai]!, reads, w, off, this.newSet(result), what);
  }

  /**
   * Starts a recording of choice ci of `rule` on the state at w[off]: its
   * choices read (their values are fixed under the trie's path), then
   * forgotten as reads; `withGuard`: the guard run too (a model may compute
   * in its guard what its effect reads, as the expansion on objects calls
   * them), its reads not kept.
   */
  private choiceOn(rule: SysRule<S>, ci: number, w: Uint32Array, off: number, withGuard: boolean): { plain: S; sv: S; a: unknown } {
    const plain = this.unpackMiss(w, off);
    this.startRec();
    const sv = this.view(plain as object, this.root, false) as S;
    const rr = this.rec(rule);
    const a = rule.choices ? this.recording(() => rr.choices!(sv), () => rule.choices!(this.codec.unpack(w, off)))[ci] : undefined;
    // the choices' reads are fixed under the trie's path (a choice set is per path of the choices' trie); the guard's are not (one effect trie serves every path of the guard's)
    const fixed = this.reads.slice();
    if (withGuard && rule.when) {
      const ok = this.recording(() => rr.when!(sv, a), () => rule.when!(this.codec.unpack(w, off), rule.choices ? rule.choices(this.codec.unpack(w, off))[ci] : undefined));
      if (!ok) throw this.notDeterministic(`the guard of ${rule.name}`);
      this.readSeen.fill(0);
      for (const i of fixed) this.readSeen[i] = 1;
    }
    this.reads = [];
    return { plain, sv, a };
  }

  private missGuard(set: ChoiceSet, ci: number, rule: SysRule<S>, w: Uint32Array, off: number): Node {
    this.stats.guardMiss++;
    const what = `the guard of ${rule.name}`;
    const { reads, result } = this.record(what, () => {
      const { sv, a } = this.choiceOn(rule, ci, w, off, false);
      const again = (): unknown => {
        const s = this.codec.unpack(w, off);
        return rule.when!(s, rule.choices ? rule.choices(s)[ci] : undefined);
      };
      const rr = this.rec(rule);
      return !!this.recording(() => rr.when!(sv, a), again);
    });
    return this.insert(set.guards[ci]!, reads, w, off, result, what);
  }

  private missEffect(set: ChoiceSet, ci: number, rule: SysRule<S>, w: Uint32Array, off: number): Node {
    this.stats.effectMiss++;
    const what = `the effect of ${rule.name}`;
    const { reads, result } = this.record(what, () => this.recordEffect(rule, ci, w, off), sameEffect);
    return this.insert(set.effects[ci]!, reads, w, off, result, what);
  }

  /** A recording of choice ci of `rule`'s effect on the state at w[off]: per word written, its mask and bits. */
  private recordEffect(rule: SysRule<S>, ci: number, w: Uint32Array, off: number): Effect {
    const { plain, sv, a } = this.choiceOn(rule, ci, w, off, true);
    const d = this.codec.scratch(plain);
    const dv = this.view(d as object, this.root, true);
    const again = (): unknown => {
      const s = this.codec.unpack(w, off);
      return rule.then(this.codec.scratch(s), s, rule.choices ? rule.choices(s)[ci] : undefined);
    };
    const rr = this.rec(rule);
    this.recording(() => rr.then(dv, sv, a), again);
    const W = this.W;
    const succ = new Uint32Array(W);
    this.codec.packScratch(d, succ);
    if (this.untraceable) throw new Error(`traced: rule ${rule.name} writes ${this.untraceable}: it cannot be traced; run it without PVCHECK_TRACED`);
    const mask = new Uint32Array(W);
    const written = this.written, lw = this.lword, ls = this.lshift, lm = this.lmask, lb = this.lbits;
    for (let i = 0; i < written.length; i++) if (written[i] && lb[i]! > 0) mask[lw[i]!] = (mask[lw[i]!]! | (lm[i]! << ls[i]!)) >>> 0;
    const ws: number[] = [], ms: number[] = [], bs: number[] = [];
    for (let j = 0; j < W; j++)
      if (mask[j] !== 0) {
        ws.push(j);
        ms.push(~mask[j]! >>> 0);
        bs.push((succ[j]! & mask[j]!) >>> 0);
      }
    return { ws: Int32Array.from(ws), ms: Uint32Array.from(ms), bs: Uint32Array.from(bs) };
  }

  // ---- PVCHECK_TRACE_CHECK: the expansion on objects, compared
  private objectExpand: ((s: S, id: number, expand: boolean) => number) | undefined;
  private objOut: Uint32Array[] = [];
  private objRules: number[] = [];

  private compare(w: Uint32Array, off: number, out: Uint32Array): void {
    const W = this.W;
    if (this.objectExpand === undefined) {
      const fired = new Float64Array(this.rules.length);
      this.objectExpand = compileExpand<S>(
        {
          rules: this.rules,
          active: this.active,
          fired,
          apply: () => {
            throw new Error('traced: apply');
          },
          edge: (d: S, _from: number, _k: number, r?: number) => {
            const x = new Uint32Array(W);
            this.codec.packScratch(d, x);
            this.objOut.push(x);
            this.objRules.push(r!);
            return true;
          },
        } as never,
        (s) => this.codec.scratch(s),
      );
    }
    this.objOut = [];
    this.objRules = [];
    this.objectExpand(this.codec.unpack(w, off), 0, true);
    const mine: Uint32Array[] = [];
    const myRules: number[] = [];
    const fired = this.fired.slice();
    const every = this.checkEvery;
    this.checkEvery = 0;
    try {
      this.expand(w, off, out, 0, true, (_f, _k, r) => {
        mine.push(out.slice());
        myRules.push(r);
        return true;
      });
    } finally {
      this.checkEvery = every;
      this.fired.set(fired);
    }
    const name = (r: number | undefined): string => (r === undefined ? 'none' : this.rules[r]!.name);
    for (let i = 0; i < Math.max(mine.length, this.objOut.length); i++) {
      const a = mine[i], b = this.objOut[i];
      const j = a === undefined || b === undefined ? -1 : a.findIndex((x, j) => x !== b[j]);
      if (a === undefined || b === undefined || myRules[i] !== this.objRules[i] || j >= 0) {
        const at = j >= 0 ? `, word ${j}: ${this.codec.leaves.filter((l) => l.word === j && ((a![j]! ^ b![j]!) >>> l.shift) & (2 ** l.bits - 1)).map((l) => l.path).join(' ')}` : '';
        throw new Error(`traced: transition ${i} differs from the expansion on objects (traced: rule ${name(myRules[i])}, on objects: rule ${name(this.objRules[i])}${at}): a rule is not a function of the state it reads (hidden state, identity or randomness); run it without PVCHECK_TRACED`);
      }
    }
  }
}
