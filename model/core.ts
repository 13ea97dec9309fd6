/**
 * The model API. A protocol model is a plain value: parameters, initial
 * states, rules, invariants and which terminal states are valid ends. Rules are
 * guarded immer recipes: `when` reads the state, `then` writes a draft of it.
 * Written that way a rule is pure (immer hands back a new frozen state and never
 * touches its input), reads like the driver code it stands for, and lets the
 * checker run the same recipe on a cheap flat copy when the model declares a
 * {@link Layout} (see checker/explore.ts).
 *
 * Models depend on fp-ts, io-ts and immer only.
 */
import type { Draft } from 'immer';
import type { ParamSpace } from './params.js';
import type { Shape } from './shape.js';

/**
 * One rule (action) of a model: a guard and an effect.
 *
 * `then` receives a draft of the state (write to it), the state before the step
 * (read from it: "all assignments happen at once, using the values before the
 * step"), the parameters and, for rules with choices, the choice. It must not
 * return a value or keep a reference to the draft.
 */
export interface Rule<S, P = any, A = any> {
  /** Xen's name for the step (`RING_PUSH_REQUESTS_AND_CHECK_NOTIFY`) or a spec id (`F3`). */
  readonly name: string;
  /** Who takes the step: `frontend`, `backend`, `toolstack`, `xen`, ... */
  readonly actor?: string;
  /** One line: what the step does. */
  readonly doc?: string;
  /** The Xen source the step stands for, e.g. `xen/include/public/io/ring.h RING_FINAL_CHECK_FOR_REQUESTS`. */
  readonly see?: string;
  /**
   * For a model that mixes real code with a design of its own (the limiter):
   * what the step is, `netback`, `design`, `netback+design` (netback's code
   * with a design part, said in `doc`) or `environment` (guests, network,
   * clock). `pvcheck list` prints it beside the rule.
   */
  readonly origin?: string;
  /** Nondeterministic choices (e.g. the value a hostile peer writes); one transition per choice. */
  readonly choices?: (s: S, p: P) => readonly A[];
  /** How a choice is printed in an action label; default JSON. */
  readonly showChoice?: (a: A) => string;
  /** Guard; default always enabled. */
  readonly when?: (s: S, p: P, a: A) => boolean;
  /**
   * Whether the rule exists at these parameters (default: yes). A rule that
   * does not apply is never enabled and is left out of the coverage report,
   * so that, say, a one-ring check does not list the second ring's rules, or
   * an `sc` check the store-buffer drains, as "never fired".
   */
  readonly applies?: (p: P) => boolean;
  /** Effect, an immer recipe. */
  readonly then: (d: Draft<S>, s: S, p: P, a: A) => void;
}

/** A named safety property checked in every reachable state. */
export interface Invariant<S, P = any> {
  readonly name: string;
  /** The English reading of the predicate. */
  readonly description: string;
  /** The Xen source, XSA or spec section the property stands for. */
  readonly see: string;
  readonly holds: (s: S, p: P) => boolean;
}

/** A numeric observable: the checker reports its minimum and maximum over all reachable states, each with a shortest witness. */
export interface Observable<S, P = any> {
  readonly name: string;
  readonly description: string;
  readonly value: (s: S, p: P) => number;
}

/**
 * A recoverability goal (CTL `AG EF goal`): from every reachable state a goal
 * state must still be reachable. Checked on the explored graph after the search.
 */
export interface Goal<S, P = any> {
  readonly name: string;
  readonly description: string;
  readonly see: string;
  readonly reached: (s: S, p: P) => boolean;
}

/**
 * A flat layout: the state is a record of small non-negative integers, one per
 * field, each below `2^bits`. Declaring it lets the checker pack states into
 * machine words (fast hashing, small memory) and copy them without immer.
 * Field order is the order of the state dump (`--dump-states`).
 */
export type Layout = readonly { readonly name: string; readonly bits: number }[];

/** Bits needed to store every integer in `0..max`. */
export const bitsFor = (max: number): number => (max <= 0 ? 1 : 32 - Math.clz32(max));

/**
 * A message a step sends, drawn as an arrow in `pvcheck show --msc/--mermaid/--html`:
 * an event-channel notification, a xenstore write that fires a watch, a grant
 * operation. `from` defaults to the acting rule's actor.
 */
export interface ViewMessage {
  readonly to: string;
  readonly from?: string;
  /** What the arrow carries, short: `evtchn notify`, `write backend/vif/1/0/state=4`, `watch fires`. */
  readonly label: string;
  /** The channel: `evtchn`, `xenstore`, `watch`, `grant`, `ring`... */
  readonly via?: string;
}

/** What one rule touches: shared objects it reads and writes, and the messages it sends. */
export interface RuleTouches {
  /** Shared objects read: `ring page`, `xenstore backend/vif/1/0/state`, `grant table`, `evtchn`. */
  readonly reads?: readonly string[];
  readonly writes?: readonly string[];
  readonly messages?: readonly ViewMessage[];
}

/**
 * What the views of a counterexample need (the sequence chart of `pvcheck
 * show --msc`, `--mermaid`, `--html`), declared beside the rules. All
 * optional: a model that declares nothing gets one column per `actor` of its
 * rules, in the order the rules name them, and no arrows.
 */
export interface ModelViews<S = any, P = any> {
  /** The chart's columns, left to right (`toolstack`, `frontend`, `xenstore`, `backend`, `xen`). */
  readonly actors?: readonly string[];
  /** Per rule name: what the rule touches whatever the state. */
  readonly rules?: Readonly<Record<string, RuleTouches>>;
  /**
   * What a step touches, computed from the states around it (a xenstore write
   * that fired a watch shows as the watcher's queue growing). Added to the
   * rule's static declaration.
   */
  readonly step?: (rule: string, before: S, after: S, p: P) => RuleTouches;
}

export interface Model<S = any, P = any> {
  readonly name: string;
  /** One line. */
  readonly description: string;
  /** Where the model comes from: Xen headers, drivers, spec sections. */
  readonly see?: string;
  readonly params: ParamSpace<P>;
  readonly init: (p: P) => readonly S[];
  readonly rules: readonly Rule<S, P>[];
  readonly invariants: readonly Invariant<S, P>[];
  /** Terminal states that are fine (not a deadlock). Default: none. */
  readonly isValidEnd?: (s: S, p: P) => boolean;
  /** Declares the state flat (see {@link Layout}). */
  readonly layout?: (p: P) => Layout;
  /**
   * The shape of every state at these parameters (model/shape.ts): bounded
   * pieces the checker packs into machine words (the fast path), and the
   * scalarsets (interchangeable identifiers) of symmetry reduction. A state
   * outside its shape is an error naming the field. A variant whose initial
   * states do not fit the shape (it adds a ghost field, say) runs on the
   * reference path.
   */
  readonly shape?: (p: P) => Shape<S>;
  /**
   * Rules (by name) each of whose transitions spends one unit of the budget
   * that bounds the run's environment events (xenbus's `events`: an unplug, a
   * guest close, a migration), and that are enabled only while it is not spent.
   * With them the property `stuck` (`-i stuck`, properties/stuck.ts) holds in
   * a state that is a valid end or where a rule not named here is enabled: it
   * fails where only budgeted events could move the system on, i.e. exactly at
   * the states that are deadlocks at some smaller bound of the budget, so a
   * deadlock's shortest trace is found at any bound instead of first spending
   * the rest of the budget. Off unless selected: no count or verdict moves.
   */
  readonly budgetedEvents?: readonly string[];
  /** Maps a state to its symmetry-class representative (symmetry reduction); must be idempotent. */
  readonly canonicalize?: (s: S, p: P) => S;
  readonly observables?: readonly Observable<S, P>[];
  readonly goals?: readonly Goal<S, P>[];
  /**
   * A protocol-native picture of a state in one or a few short lines (a ring
   * diagram, both ends' XenbusState), printed by `pvcheck show` under each
   * step, beside the changed fields.
   */
  readonly view?: (s: S, p: P) => string;
  /**
   * The name the driver code gives a value at a path of the state, where the
   * state keeps a number the C code names (a XenbusState: `be.state` 2 is
   * `XenbusStateInitWait`, and so is a xenstore `state` node's "2"). `pvcheck
   * show` and the sequence charts print it beside the value; the state, the
   * trace file and ITF keep the value. Undefined: no name. Paths are as
   * `show` prints them, split (`['xs', 'nodes', 'backend/vif/1/0/state']`).
   */
  readonly valueName?: (path: readonly (string | number)[], value: unknown) => string | undefined;
  /** What the sequence-chart views need (actors, what each rule touches); see {@link ModelViews}. */
  readonly views?: ModelViews<S, P>;
  /**
   * Properties that this model, faithful to today's Xen or Linux code,
   * violates at its default parameters: findings about the real code, each
   * documented with its trace in the model's doc. `pvcheck check` reports them
   * as any violation; `check-all` (npm start) marks them as known findings and
   * does not fail on them.
   */
  readonly findings?: readonly string[];
  /**
   * Further runs `check-all` (npm start) makes of this built-in model beside
   * its defaults: other peers at the same default bounds (a hostile guest, a
   * non-Linux implementation). Each is one more row.
   */
  readonly checkAll?: readonly CheckAllRun[];
  /**
   * A quotient these parameters check (see {@link Refinement}): the search
   * runs on the quotient, and every trace written is unfolded into one of the
   * faithful model (traces/refine.ts). Undefined: the model is its own.
   */
  readonly refinement?: (p: P) => Refinement<S, P> | undefined;
  /**
   * The parameters `pvcheck vectors` generates this model's suite at when the
   * command line names none (its `-p` still wins; the report prints what ran).
   * A suite is built from the faithful state graph, held whole, without
   * symmetry reduction or a quotient, so it can be many times the state space
   * `check` explores at the defaults (grant at refs=2 pages=2: 611,400
   * faithful states with symmetry, several times that without). Undefined:
   * the defaults. A variant that declares its own `params` drops it (its
   * defaults are its author's choice).
   */
  readonly vectorParams?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * A model at parameters `p` that is a quotient of the same model at
 * `params` (the faithful one): some of the faithful model's steps (`hidden`
 * rules) are folded into others, and `abstract` maps a faithful state to the
 * quotient state of its class. Every faithful step of a rule not hidden goes
 * from a state of class q to one of class q' where the quotient has a step of
 * the same rule from q to q'; hidden steps stay in their class; and from any
 * member of a class, hidden steps reach every other. So a quotient trace
 * unfolds step by step into a faithful one (at most `maxHidden` hidden steps
 * before each), and no faithful counterexample is shorter than the
 * quotient's shortest.
 */
export interface Refinement<S, P> {
  /** The faithful model's parameters (what a written trace records and replays with). */
  readonly params: P;
  /** A faithful state's class, as the quotient's state. */
  readonly abstract: (s: S, p: P) => S;
  /** Rules of the faithful model whose steps the quotient folds into others. */
  readonly hidden: readonly string[];
  /** At most this many hidden steps lead to the member of a class the next step needs. */
  readonly maxHidden: number;
  /** What the quotient folds, one line (the report says it). */
  readonly folds: string;
}

/** One further run of a built-in model in `check-all`; see {@link Model.checkAll}. */
export interface CheckAllRun {
  /** Parameters set beside the defaults. */
  readonly params: Readonly<Record<string, string>>;
  /**
   * Properties (or 'deadlock') this run leaves out: findings about the real
   * code at these parameters, each documented in the model's page and kept
   * found by its tests; every other property is checked.
   */
  readonly leaveOut?: readonly string[];
  /** Why the run is part of npm start, and what it defends (one line). */
  readonly why: string;
}

/** The state type of a model. */
export type StateOf<M> = M extends Model<infer S, any> ? S : never;
/** The parameter type of a model. */
export type ParamsOfModel<M> = M extends Model<any, infer P> ? P : never;

/** What a variant changes; see {@link deriveModel}. */
export interface Variation<S, P> {
  readonly name: string;
  readonly description: string;
  readonly see?: string;
  /** Rules replaced in place, by name; a replacement may be a list (one rule split in several). */
  readonly replace?: Readonly<Record<string, Rule<S, P> | readonly Rule<S, P>[]>>;
  /** Rules removed, by name. */
  readonly remove?: readonly string[];
  /** Rules added at the end. */
  readonly add?: readonly Rule<S, P>[];
  /** Invariants added; an invariant with the name of an existing one replaces it. */
  readonly invariants?: readonly Invariant<S, P>[];
  readonly removeInvariants?: readonly string[];
  readonly isValidEnd?: (s: S, p: P) => boolean;
  readonly init?: (p: P) => readonly S[];
  readonly params?: ParamSpace<P>;
}

/**
 * Derives a variant of a model: the protocol change a user wants checked. Rules
 * are matched by name, so a variant states exactly what it changes and nothing
 * else; a name that does not exist is an error, so a variant cannot silently
 * stop applying when the base model changes.
 */
export function deriveModel<S, P>(base: Model<S, P>, v: Variation<S, P>): Model<S, P> {
  const names = new Set(base.rules.map((r) => r.name));
  for (const n of [...Object.keys(v.replace ?? {}), ...(v.remove ?? [])])
    if (!names.has(n)) throw new Error(`variant ${v.name}: model ${base.name} has no rule '${n}'`);
  const removed = new Set(v.remove ?? []);
  const rules: Rule<S, P>[] = [];
  for (const r of base.rules) {
    if (removed.has(r.name)) continue;
    const rep = v.replace?.[r.name];
    if (rep === undefined) rules.push(r);
    else if (Array.isArray(rep)) rules.push(...(rep as readonly Rule<S, P>[]));
    else rules.push(rep as Rule<S, P>);
  }
  rules.push(...(v.add ?? []));
  const invNames = new Set(base.invariants.map((i) => i.name));
  for (const n of v.removeInvariants ?? [])
    if (!invNames.has(n)) throw new Error(`variant ${v.name}: model ${base.name} has no invariant '${n}'`);
  const dropInv = new Set([...(v.removeInvariants ?? []), ...(v.invariants ?? []).map((i) => i.name)]);
  const seen = new Set<string>();
  for (const r of rules) {
    if (seen.has(r.name)) throw new Error(`variant ${v.name}: two rules are named '${r.name}'`);
    seen.add(r.name);
  }
  return {
    ...base,
    name: v.name,
    description: v.description,
    ...(v.see !== undefined ? { see: v.see } : {}),
    ...(v.params !== undefined ? { params: v.params, vectorParams: undefined } : {}),
    ...(v.init !== undefined ? { init: v.init } : {}),
    ...(v.isValidEnd !== undefined ? { isValidEnd: v.isValidEnd } : {}),
    rules,
    invariants: [...base.invariants.filter((i) => !dropInv.has(i.name)), ...(v.invariants ?? [])],
  };
}

/** The rule of a model with this name (for variants that wrap a rule). */
export function ruleOf<S, P>(m: Model<S, P>, name: string): Rule<S, P> {
  const r = m.rules.find((x) => x.name === name);
  if (!r) throw new Error(`model ${m.name} has no rule '${name}'`);
  return r;
}

/** Type-level helper: declare a model with inference of S and P. */
export const defineModel = <S, P>(m: Model<S, P>): Model<S, P> => m;
