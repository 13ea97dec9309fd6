/**
 * Litmus tests as pvcheck models: a few threads of loads, stores, barriers and
 * dependencies on a shared page, run under one of memory.ts's memory models.
 * The checker explores every interleaving (and every reordering the memory
 * model allows); the final states are the test's outcomes. This is how the
 * memory models are checked against the outcomes published for x86-TSO and
 * ARMv8 (test/litmus.test.ts), and how a model with a shared page uses
 * memory.ts: each thread is a CPU with a program counter, a store buffer and,
 * under `weak`, a record of loads satisfied early and stores performed early;
 * each instruction is a rule, and the memory model adds the steps that make
 * a buffered store visible (`store_visible`), satisfy a later load now
 * (`load_early`) and perform a later store now (`store_early`).
 *
 * A program (herd's `MP`):
 *
 *   const mp = litmusModel({
 *     name: 'MP+wmb+rmb',
 *     threads: [[W('x', 1), WMB, W('y', 1)], [R('r0', 'y'), RMB, R('r1', 'x')]],
 *     exists: { '1:r0': 1, '1:r1': 0 },
 *   });
 *
 * `pvcheck check FILE -p memory=weak` then verifies the invariant that the
 * `exists` outcome never happens, or prints the shortest run that reaches it.
 *
 * Barriers are Xen's (`xen_mb()`, `xen_rmb()`, `xen_wmb()`; docs/models/memory.md
 * gives the instruction each is on x86 and arm64). A dependency is declared on
 * the instruction that has it: `dep: ['r0']` on a load is an address
 * dependency on the load into `r0`, on a store a data or control dependency;
 * `if: 'r0'` makes a store conditional on `r0 != 0` (a control dependency as
 * C writes it: `if (r0) WRITE_ONCE(*y, 1)`). A dependency keeps the instruction
 * from being satisfied or performed early, before the load it depends on.
 * Every location starts at 0.
 */
import { defineParams, enumParam, intParam } from './params.js';
import type { Invariant, Model, Rule } from './core.js';
import {
  canLoadEarly,
  canStore,
  canStoreEarly,
  drain,
  drainable,
  emptyBuffer,
  load,
  loadEarly,
  loaded,
  MEMORY_MODELS,
  mbReady,
  rmb,
  store,
  storeEarly,
  wmb,
  type EarlyLoads,
  type Mem,
  type MemoryModel,
  type StoreBuffer,
} from './memory.js';

export type Instr =
  | { readonly op: 'W'; readonly loc: string; readonly val: number; readonly dep?: readonly string[]; readonly if?: string }
  | { readonly op: 'R'; readonly reg: string; readonly loc: string; readonly dep?: readonly string[] }
  | { readonly op: 'mb' | 'rmb' | 'wmb' };

/** `WRITE_ONCE(*loc, val)`; `dep`: registers whose loads it depends on (data or control). */
export const W = (loc: string, val: number, opt: { dep?: readonly string[]; if?: string } = {}): Instr => ({ op: 'W', loc, val, ...opt });
/** `reg = READ_ONCE(*loc)`; `dep`: registers its address depends on. */
export const R = (reg: string, loc: string, opt: { dep?: readonly string[] } = {}): Instr => ({ op: 'R', reg, loc, ...opt });
export const isFence = (x: Instr): x is Extract<Instr, { op: 'mb' | 'rmb' | 'wmb' }> => x.op !== 'W' && x.op !== 'R';

/** `xen_mb()` */
export const MB: Instr = { op: 'mb' };
/** `xen_rmb()` */
export const RMB: Instr = { op: 'rmb' };
/** `xen_wmb()` */
export const WMB: Instr = { op: 'wmb' };

export interface LitmusTest {
  readonly name: string;
  /** One program per thread (P0, P1, ...). Each register is loaded once per thread. */
  readonly threads: readonly (readonly Instr[])[];
  /** The outcome the test asks about, herd's `exists` clause: `{ '1:r0': 1, x: 2 }` (thread:register, or a location's final value). */
  readonly exists?: Readonly<Record<string, number>>;
}

export interface ThreadState {
  readonly pc: number;
  readonly regs: Readonly<Record<string, number>>;
  /** weak: loads satisfied early (memory.ts EarlyLoads). */
  readonly early: EarlyLoads<number>;
  /** weak: indices of stores performed early that the program has not reached yet. */
  readonly performed: readonly number[];
}
export interface LitmusState {
  readonly mem: Mem<number>;
  /** One store buffer per thread (unused under sc). */
  readonly sb: readonly StoreBuffer<number>[];
  readonly th: readonly ThreadState[];
}

const params = defineParams({
  memory: enumParam<MemoryModel>({ values: MEMORY_MODELS, default: 'weak', doc: 'memory model: sc, tso (x86), weak (ARMv8-like; docs/models/memory.md)' }),
  bufferSize: intParam({ default: 4, min: 1, max: 8, doc: 'store-buffer entries per thread' }),
});
export type LitmusParams = { readonly memory: MemoryModel; readonly bufferSize: number };

/** The text of an instruction, as in a trace. */
export function showInstr(x: Instr): string {
  switch (x.op) {
    case 'W':
      return `${x.if ? `if (${x.if}) ` : ''}${x.loc}=${x.val}${x.dep?.length ? ` [dep ${x.dep.join(',')}]` : ''}`;
    case 'R':
      return `${x.reg}=${x.loc}${x.dep?.length ? ` [dep ${x.dep.join(',')}]` : ''}`;
    default:
      return `xen_${x.op}()`;
  }
}

/** The locations a test uses, sorted. */
export const locationsOf = (t: LitmusTest): string[] =>
  [...new Set(t.threads.flatMap((p) => p.flatMap((x) => (x.op === 'W' || x.op === 'R' ? [x.loc] : []))))].sort();

/** Index of the load into `reg` in a program. */
const loadOf = (prog: readonly Instr[], reg: string): number => {
  const i = prog.findIndex((x) => x.op === 'R' && x.reg === reg);
  if (i < 0) throw new Error(`litmus: no load into ${reg}`);
  return i;
};
const depsOf = (x: Instr): readonly string[] =>
  x.op === 'W' ? [...(x.dep ?? []), ...(x.if ? [x.if] : [])] : x.op === 'R' ? (x.dep ?? []) : [];

/** Every load an instruction depends on has been performed (the program is past it). */
const depsDone = (prog: readonly Instr[], x: Instr, pc: number): boolean => depsOf(x).every((r) => loadOf(prog, r) < pc);

/**
 * Whether load `j` may be satisfied now, before the instructions from `pc` to
 * it: no other access to its location between (except a store already
 * performed), its address dependencies performed. A barrier between does not
 * stop it here: when the program executes the `xen_rmb()`/`xen_mb()`,
 * memory.ts's `rmb` drops the early value, and the load is satisfied after the
 * barrier (so the litmus tests check memory.ts's barrier, not this filter).
 */
export function loadEarlyAllowed(prog: readonly Instr[], th: ThreadState, j: number): boolean {
  const x = prog[j]!;
  if (x.op !== 'R' || j <= th.pc || !depsDone(prog, x, th.pc)) return false;
  for (let k = th.pc; k < j; k++) {
    const y = prog[k]!;
    if (y.op === 'R' && y.loc === x.loc) return false;
    if (y.op === 'W' && y.loc === x.loc && !th.performed.includes(k)) return false;
  }
  return true;
}

/**
 * How many `xen_wmb()`s store `j` crosses if performed now, or -1 if it may
 * not be: only loads of other locations it does not depend on, stores already
 * performed (to other locations) and `xen_wmb()`s may lie between.
 */
export function storeEarlyCrossing(prog: readonly Instr[], th: ThreadState, j: number): number {
  const x = prog[j]!;
  if (x.op !== 'W' || j <= th.pc || th.performed.includes(j) || !depsDone(prog, x, th.pc)) return -1;
  let wmbs = 0;
  for (let k = th.pc; k < j; k++) {
    const y = prog[k]!;
    if (y.op === 'wmb') wmbs++;
    else if (isFence(y)) return -1;
    else if (y.loc === x.loc) return -1;
    else if (y.op === 'W' && !th.performed.includes(k)) return -1;
  }
  return wmbs;
}

/** All threads finished and every store visible. */
export const isFinal = (t: LitmusTest, s: LitmusState): boolean =>
  s.th.every((th, i) => th.pc === t.threads[i]!.length) && s.sb.every((b) => b.stores.length === 0);

/** A final state's outcome in herd's notation, sorted: `1:r0=1 1:r1=0 x=1 y=1`. */
export function outcomeOf(t: LitmusTest, s: LitmusState): string {
  const parts: string[] = [];
  s.th.forEach((th, i) => {
    for (const x of t.threads[i]!) if (x.op === 'R') parts.push(`${i}:${x.reg}=${th.regs[x.reg] ?? 0}`);
  });
  for (const l of locationsOf(t)) parts.push(`${l}=${s.mem[l]}`);
  return parts.sort().join(' ');
}

/** Whether an outcome string satisfies an `exists` clause. */
export const outcomeMatches = (outcome: string, exists: Readonly<Record<string, number>>): boolean => {
  const got = new Map(outcome.split(' ').map((kv) => kv.split('=') as [string, string]));
  return Object.entries(exists).every(([k, v]) => got.get(k) === String(v));
};

type Rl = Rule<LitmusState, LitmusParams>;
const mmOf = (p: LitmusParams): MemoryModel => p.memory;

function threadRules(t: LitmusTest, i: number): Rl[] {
  const prog = t.threads[i]!;
  const cpu = `P${i}`;
  const rules: Rl[] = prog.map((x, k): Rl => ({
    name: `${cpu}.${k}: ${showInstr(x)}`,
    actor: cpu,
    doc: x.op === 'W' ? 'store (skipped if performed early)' : x.op === 'R' ? 'load' : 'barrier',
    when: (s, p) => {
      const th = s.th[i]!;
      if (th.pc !== k) return false;
      if (x.op === 'W') return th.performed.includes(k) || (x.if !== undefined && th.regs[x.if] === 0) || canStore(mmOf(p), s.sb[i], p.bufferSize);
      if (x.op === 'mb') return mbReady(mmOf(p) === 'sc' ? undefined : s.sb[i]);
      return true;
    },
    then: (d, s, p) => {
      const th = d.th[i]!;
      const mm = mmOf(p);
      if (x.op === 'W') {
        const at = th.performed.indexOf(k);
        if (at >= 0) th.performed.splice(at, 1);
        else if (x.if === undefined || s.th[i]!.regs[x.if] !== 0) store(mm, d.mem, d.sb[i]!, x.loc, x.val, th.early);
      } else if (x.op === 'R') {
        th.regs[x.reg] = load(s.mem, mm === 'sc' ? undefined : s.sb[i], x.loc, s.th[i]!.early);
        loaded(th.early, x.loc);
      } else if (x.op === 'wmb') wmb(mm, d.sb[i]!);
      else rmb(mm, th.early);
      th.pc = k + 1;
    },
  }));
  rules.push({
    name: `${cpu} store_visible`,
    actor: cpu,
    doc: 'a buffered store becomes visible to every other thread',
    applies: (p) => p.memory !== 'sc' && prog.some((x) => x.op === 'W'),
    choices: (s, p) => drainable(mmOf(p), s.sb[i]!),
    showChoice: (c: number) => String(c),
    then: (d, _s, _p, c: number) => drain(d.mem, d.sb[i]!, c),
  });
  rules.push({
    name: `${cpu} load_early`,
    actor: cpu,
    doc: 'weak: a later load is satisfied now, with the value visible now',
    applies: (p) => p.memory === 'weak' && prog.some((x, j) => j > 0 && x.op === 'R'),
    choices: (s, p) => {
      const th = s.th[i]!;
      return prog
        .map((_x, j) => j)
        .filter((j) => loadEarlyAllowed(prog, th, j) && canLoadEarly(mmOf(p), th.early, s.sb[i], (prog[j] as { loc: string }).loc));
    },
    showChoice: (j: number) => showInstr(prog[j]!),
    then: (d, _s, _p, j: number) => loadEarly(d.mem, d.th[i]!.early, (prog[j] as { loc: string }).loc),
  });
  rules.push({
    name: `${cpu} store_early`,
    actor: cpu,
    doc: 'weak: a later store is performed now, before the loads that precede it (load buffering)',
    applies: (p) => p.memory === 'weak' && prog.some((x, j) => j > 0 && x.op === 'W'),
    choices: (s, p) => {
      const th = s.th[i]!;
      if (!canStoreEarly(mmOf(p), s.sb[i], p.bufferSize)) return [];
      return prog.map((_x, j) => j).filter((j) => storeEarlyCrossing(prog, th, j) >= 0);
    },
    showChoice: (j: number) => showInstr(prog[j]!),
    then: (d, s, p, j: number) => {
      const x = prog[j] as Extract<Instr, { op: 'W' }>;
      storeEarly(mmOf(p), d.sb[i]!, x.loc, x.val, storeEarlyCrossing(prog, s.th[i]!, j), d.th[i]!.early);
      d.th[i]!.performed.push(j);
    },
  });
  return rules;
}

/** Checks a test's programs: registers loaded once per thread, dependencies on earlier loads. */
export function validateLitmus(t: LitmusTest): string | undefined {
  for (const [i, prog] of t.threads.entries()) {
    const regs = prog.flatMap((x) => (x.op === 'R' ? [x.reg] : []));
    if (new Set(regs).size !== regs.length) return `${t.name}: P${i} loads a register twice`;
    for (const [k, x] of prog.entries())
      for (const r of depsOf(x)) {
        const at = prog.findIndex((y) => y.op === 'R' && y.reg === r);
        if (at < 0 || at >= k) return `${t.name}: P${i}.${k} depends on ${r}, which no earlier load of P${i} sets`;
      }
  }
  return undefined;
}

/** A litmus test as a model; its invariant (with `exists`) says the outcome never happens. */
export function litmusModel(t: LitmusTest): Model<LitmusState, LitmusParams> {
  const bad = validateLitmus(t);
  if (bad) throw new Error(bad);
  const invariants: Invariant<LitmusState, LitmusParams>[] = t.exists
    ? [{
        name: 'never_exists',
        description: `the outcome ${Object.entries(t.exists).map(([k, v]) => `${k}=${v}`).join(' /\\ ')} of ${t.name} is never reached`,
        see: 'herd7 exists clause',
        holds: (s) => !(isFinal(t, s) && outcomeMatches(outcomeOf(t, s), t.exists!)),
      }]
    : [];
  return {
    name: t.name,
    description: `litmus test ${t.name}: ${t.threads.map((p, i) => `P${i}: ${p.map(showInstr).join('; ')}`).join(' | ')}`,
    see: 'model/litmus.ts; docs/models/memory.md',
    params,
    init: () => {
      const mem: Record<string, number> = {};
      for (const l of locationsOf(t)) mem[l] = 0;
      return [{
        mem,
        sb: t.threads.map(() => emptyBuffer<number>()),
        th: t.threads.map(() => ({ pc: 0, regs: {}, early: {}, performed: [] })),
      }];
    },
    rules: t.threads.flatMap((_p, i) => threadRules(t, i)),
    invariants,
    isValidEnd: (s) => isFinal(t, s),
  };
}
