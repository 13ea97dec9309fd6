/**
 * Word-level fast paths of built-in models (issue 11). A built-in model whose
 * parameters are inside the cover of a word-level model of it (the same
 * rules, invariants and valid ends, written as integer code on a flat layout,
 * and tested state for state against it) is searched on that model, on the
 * checker's flat path: `pvcheck check ring -p memory=weak ...` runs
 * model/ringWeakFlat.ts. What the user gets stays the built-in's: the counts,
 * coverage and verdicts are the same (test/fastPath), every state `onState`
 * sees (--dump-states) is the built-in's (the word-level model's `toNested`),
 * and a counterexample is replayed on the built-in's own rules, step by step
 * (the same rule, the successor that is the word-level step's state), so its
 * trace is the built-in's, written as its own search would write it. A fault
 * of the word-level model's code (a rule or invariant that throws) is reported
 * as the built-in's ({@link faultAsBuiltin}: its state, and its own fault
 * where the built-in throws there too). The workers load the word-level model from its module
 * (cli/workerSystem.ts `fastPathModules`). `pvcheck check --nested` runs the
 * built-in itself.
 *
 * @see model/ringWeakFlat.ts, docs/perf/2026-12-07c-engine.md
 */
import * as E from 'fp-ts/lib/Either.js';
import type { CheckResult, ObservableReport, TraceStep } from '../checker/report.js';
import { canonicalString } from '../checker/fingerprint.js';
import { immerApply, labelOf, transitionsOf } from '../checker/reference/immer.js';
import type { System } from '../checker/system.js';
import type { Model } from '../model/core.js';
import { isBuiltin } from './workerSystem.js';
import type { RingParams } from '../model/ring.js';
import type { RingWeakFlatState } from '../model/ringWeakFlat.js';
import type { XenbusParams } from '../model/xenbus.js';
import type { XenbusFlatState } from '../model/xenbusFlat.js';
import { bind } from '../properties/bind.js';
import { ModelFault } from '../properties/fault.js';
import { produce } from 'immer';

/** A built-in model's word-level model at parameters inside its cover. */
export interface FastPath {
  /** The word-level model the search runs on (its name is a module of cli/workerSystem.ts `fastPathModules`). */
  readonly model: Model;
  /** A state of the word-level model as the built-in's. */
  readonly toNested: (s: unknown) => unknown;
  /** See {@link Entry.observablesWithoutValue}. */
  readonly observablesWithoutValue: boolean;
}

interface Entry {
  readonly flat: Model;
  /** Why `p` is outside the word-level model's cover, or undefined. */
  readonly outside: (p: object) => string | undefined;
  readonly toNested: (s: unknown, p: object) => unknown;
  /**
   * The built-in's observables have no value in any state inside the cover: the word-level model leaves
   * them out (they cost it 3% of its time, 2026-12-07c-engine.md) and its result gets them as the
   * built-in's search reports such an observable (no min, no max, no witness).
   */
  readonly observablesWithoutValue: boolean;
}

/**
 * By built-in name: the name of the word-level model that stands for it inside its cover, and the model
 * (its module imported only when the built-in is checked: not at every start of the CLI).
 */
const ENTRIES: Readonly<Record<string, { readonly name: string; readonly cover: readonly string[]; readonly load: () => Promise<Entry> }>> = {
  ring: {
    name: 'ring-weak-flat',
    // model/ringWeakFlat.ts flatCover, as `pvcheck list` says it (test/fastPath checks each item against it)
    cover: ['memory=weak', 'rings=one', 'backend=honest', 'counters=false', 'startIndex=0', 'init=fresh', 'bufferSize=2', 'ringSize 1 or 2', 'messages up to 1000'],
    load: async () => {
      const { flatCover, ringWeakFlat, toNested } = await import('../model/ringWeakFlat.js');
      return {
        flat: ringWeakFlat,
        outside: (p) => flatCover(p as RingParams),
        toNested: (s, p) => toNested(s as RingWeakFlatState, p as RingParams),
        // ring.ts ringObservables count only with counters=true; the cover has counters=false
        observablesWithoutValue: true,
      };
    },
  },
  xenbus: {
    name: 'xenbus-flat',
    // model/xenbusFlat.ts flatCover, as `pvcheck list` says it (test/xenbusFastPath checks each item against it)
    cover: [
      'frontend=new', 'backend=new', 'frontendQueues=2', 'backendMaxQueues=2', 'bus=6.12', 'backendWatchDrop=pending', 'txnConflicts=any',
      'reconfigure=0', 'backendRestart=0', 'hotplugFail=0', 'malformedPacket=0', 'xmit=false', 'events up to 6',
    ],
    load: async () => {
      const { flatCover, xenbusFlat, toNested } = await import('../model/xenbusFlat.js');
      return {
        flat: xenbusFlat,
        outside: (p) => flatCover(p as XenbusParams),
        toNested: (s, p) => toNested(s as XenbusFlatState, p as XenbusParams),
        // xenbus's three observables are the word-level model's too (test/xenbusFlat)
        observablesWithoutValue: false,
      };
    },
  },
};

/**
 * Where built-in `model` runs on a fast path, as `pvcheck list` says it: the word-level model's name and its
 * cover, one item a parameter (`k=v`: only that value; `k words`: a range); every other parameter is free.
 */
export const fastPathCover = (model: string): { readonly name: string; readonly cover: readonly string[] } | undefined =>
  Object.hasOwn(ENTRIES, model) ? { name: ENTRIES[model]!.name, cover: ENTRIES[model]!.cover } : undefined;

/** The line `pvcheck list` prints for a built-in with a fast path (cli/main.ts listText), or undefined. */
export function fastPathLine(model: string): string | undefined {
  const f = fastPathCover(model);
  if (!f) return undefined;
  return `fast path: at ${f.cover.join(', ')} (the other parameters free), check runs on the word-level model ${f.name}: ${model}'s states, verdicts and traces, faster; --nested runs ${model} itself`;
}

/** Each built-in with a fast path and the name of its word-level model (for lints: no need to parse this file). */
export const fastPathsByBuiltin = (): Readonly<Record<string, string>> => Object.fromEntries(Object.entries(ENTRIES).map(([b, e]) => [b, e.name]));

/** The names of the word-level models the fast paths run (each a module of cli/workerSystem.ts `fastPathModules`). */
export const fastPathModels = (): string[] => Object.values(ENTRIES).map((e) => e.name);

/** The fast path of built-in `model` at `params` (resolved), or undefined: not a built-in with one, or outside its cover. */
export async function fastPathFor(model: Model, params: object): Promise<FastPath | undefined> {
  // the built-in's own object only (isBuiltin: from its module, without importing the registry's sixteen):
  // a model file of the same name is its author's
  if (!Object.hasOwn(ENTRIES, model.name) || !(await isBuiltin(model))) return undefined;
  const e = await ENTRIES[model.name]!.load();
  if (e.flat.name !== ENTRIES[model.name]!.name) throw new Error(`internal: fast path of ${model.name}: ${e.flat.name} is not ${ENTRIES[model.name]!.name}`);
  if (e.outside(params) !== undefined) return undefined;
  return { model: e.flat, toNested: (s) => e.toNested(s, params), observablesWithoutValue: e.observablesWithoutValue };
}

/**
 * The word-level search's result as the built-in's: its counterexample and
 * its observables' witnesses replayed on the built-in's rules ({@link replay});
 * every count as it is (the same, test/fastPath).
 */
export function asBuiltin(model: Model, params: object, fast: FastPath, r: CheckResult<unknown>): CheckResult<unknown> {
  let sys: System<unknown> | undefined;
  const nested = (): System<unknown> => {
    if (sys) return sys;
    const b = bind(model, params);
    if (E.isLeft(b)) throw new Error(`internal: fast path: ${b.left}`);
    return (sys = b.right);
  };
  const mapped = (t: readonly TraceStep<unknown>[]) => (t.length ? replay(nested(), fast, t) : []);
  // as checker/search.ts reports the observables of a system (none when no state was found)
  const observables = r.observables
    ? r.observables.map((o) => lazyMapped(o, mapped))
    : fast.observablesWithoutValue && r.distinctStates > 0 && nested().observables?.length
      ? nested().observables!.map((o): ObservableReport<unknown> => ({ name: o.name, min: NaN, max: NaN, minSteps: -1, maxSteps: -1, minTrace: [], maxTrace: [] }))
      : undefined;
  return {
    ...r,
    ...(r.violation ? { violation: { ...r.violation, trace: mapped(r.violation.trace) } } : {}),
    ...(observables ? { observables } : {}),
  };
}

/** An observable's report with its witness traces mapped when first read (as checker/trace.ts lazyObservable builds them). */
function lazyMapped(o: ObservableReport<unknown>, mapped: (t: readonly TraceStep<unknown>[]) => TraceStep<unknown>[]): ObservableReport<unknown> {
  let minTrace: TraceStep<unknown>[] | undefined;
  let maxTrace: TraceStep<unknown>[] | undefined;
  return {
    name: o.name,
    min: o.min,
    max: o.max,
    minSteps: o.minSteps,
    maxSteps: o.maxSteps,
    get minTrace() {
      return (minTrace ??= mapped(o.minTrace));
    },
    get maxTrace() {
      return (maxTrace ??= mapped(o.maxTrace));
    },
  };
}

/**
 * A word-level trace as the built-in's: from the built-in's initial state
 * that is the trace's first, each step the built-in's first transition of the
 * same rule whose successor is the word-level step's state, through immer as
 * checker/trace.ts replays a trace (so the states, actions and choices are
 * the built-in's own). A step it cannot follow is an internal error: the two
 * models differ there.
 */
export function replay(sys: System<unknown>, fast: FastPath, t: readonly TraceStep<unknown>[]): TraceStep<unknown>[] {
  const want = (i: number) => canonicalString(fast.toNested(t[i]!.state));
  const w0 = want(0);
  let s = sys.init.find((x) => canonicalString(x) === w0);
  if (s === undefined) throw new Error(`internal: fast path ${fast.model.name}: its initial state is none of the built-in's`);
  const steps: TraceStep<unknown>[] = [{ action: 'init', rule: null, state: s }];
  const apply = immerApply(sys);
  for (let i = 1; i < t.length; i++) {
    const w = want(i);
    const rule = t[i]!.rule;
    const next = transitionsOf(sys, s, apply).find((x) => sys.rules[x.rule]!.name === rule && canonicalString(x.next) === w);
    if (next === undefined) throw new Error(`internal: fast path ${fast.model.name}: step ${i} (${t[i]!.action}) is no step of the built-in's`);
    s = next.next;
    steps.push({ action: labelOf(sys, next), rule, ...(next.hasChoice ? { choice: next.choice } : {}), state: s });
  }
  return steps;
}

/**
 * A fault of the word-level model's code (properties/fault.ts: a rule, invariant, goal, observable or
 * isValidEnd that threw) as `check --nested` reports it: the built-in's state, named as the built-in.
 * The word-level state is mapped by `toNested`, and the same code of the built-in (the rule of that name,
 * every choice of it the built-in has there; the invariant, goal or observable of that name; isValidEnd)
 * runs on it: if it throws, that is the built-in's own fault (its state, choice and file:line), the one its
 * search meets at that state (both searches visit the states in the same order). If it does not, the
 * word-level model alone threw (the two differ: a bug of pvcheck's, test/ringWeakFlat or test/xenbusFlat
 * should have caught it): the fault keeps the word-level model's file:line, names the built-in and its
 * state, and says so.
 */
export function faultAsBuiltin(model: Model, params: object, fast: FastPath, f: ModelFault): ModelFault {
  let state: unknown;
  try {
    state = f.state === undefined ? undefined : fast.toNested(f.state);
  } catch {
    state = undefined; // not a state of the layout: the word-level state's fields are kept below
  }
  if (state !== undefined) {
    const b = bind(model, params);
    const own = E.isRight(b) ? builtinFaultAt(b.right, f, state) : undefined;
    if (own) return own;
  }
  const c = f.cause instanceof Error ? f.cause : new Error(String(f.cause));
  const only = `in ${fast.model.name}, ${model.name}'s word-level fast path, only: ${model.name} itself does not throw there (--nested runs it)`;
  const cause = Object.assign(new Error(`${c.message.split('\n')[0]} (${only})`), { name: c.name, ...(c.stack ? { stack: c.stack } : {}) });
  const g = new ModelFault(f.site, f.owner, state ?? f.state, f.choice, cause);
  g.model = model;
  g.params = params;
  return g;
}

/** The ModelFault the built-in's own code of `f`'s site raises at `s`, or undefined. */
function builtinFaultAt(sys: System<unknown>, f: ModelFault, s: unknown): ModelFault | undefined {
  try {
    switch (f.site) {
      case 'guard':
      case 'effect':
      case 'choices':
      case 'label': {
        const r = sys.rules.find((x) => x.name === f.owner && !x.inactive);
        if (!r) return undefined;
        for (const a of r.choices ? r.choices(s) : [undefined]) {
          if (r.label && a !== undefined) r.label(a);
          if (!r.when || r.when(s, a)) produce(s, (d: unknown) => void r.then(d, s, a));
        }
        return undefined;
      }
      case 'invariant':
        sys.invariants.find((x) => x.name === f.owner)?.holds(s);
        return undefined;
      case 'goal':
        sys.goals?.find((x) => x.name === f.owner)?.reached(s);
        return undefined;
      case 'observable':
        sys.observables?.find((x) => x.name === f.owner)?.value(s);
        return undefined;
      case 'isValidEnd':
        sys.isValidEnd?.(s);
        return undefined;
      case 'canonicalize':
        sys.canonicalize?.(s);
        return undefined;
    }
  } catch (e) {
    if (e instanceof ModelFault) return e;
    throw e;
  }
}
