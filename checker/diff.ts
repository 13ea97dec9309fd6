/**
 * Behavioural diff of two transition systems over the same kind of state
 * (typically a model and a variant of it): which reachable states, and which
 * rules, each has that the other lacks, with a shortest witness trace to the
 * first state only one of them reaches.
 *
 * States are compared by their canonical serialisation (of their
 * representative when the system declares symmetry). Each side is explored
 * once with no invariant and no deadlock check, so that the whole reachable
 * set is seen; a witness is then the shortest counterexample to the invariant
 * "this state is reachable in the other system", found by the ordinary search.
 */
import { check, type CheckResult, type TraceStep } from './explore.js';
import { canonicalString } from './fingerprint.js';
import type { System } from './system.js';

export interface DiffSide<S> {
  /** Distinct states (representatives under symmetry). */
  readonly states: number;
  readonly edges: number;
  /** True when `maxStates` cut the exploration: the sets below are then partial. */
  readonly incomplete: boolean;
  /** States of this side the other side never reaches. */
  readonly only: number;
  /** Rules that fire here and never on the other side (by name). */
  readonly onlyRules: readonly string[];
  /** A shortest run of this side to a state the other side never reaches. */
  readonly witness?: readonly TraceStep<S>[];
}

export interface SystemDiff<S> {
  readonly a: DiffSide<S>;
  readonly b: DiffSide<S>;
  /** States both reach. */
  readonly common: number;
}

export interface DiffOptions {
  /** Bound each exploration (a cut exploration makes the diff partial). */
  readonly maxStates?: number;
}

interface Explored {
  readonly keys: Set<string>;
  readonly result: CheckResult<unknown>;
}

const keyOf = <S>(sys: System<S>) => (s: S): string => canonicalString(sys.canonicalize ? sys.canonicalize(s) : s);

function explore<S>(sys: System<S>, opt: DiffOptions): Explored {
  const key = keyOf(sys);
  const keys = new Set<string>();
  const result = check({ ...sys, invariants: [], goals: [] }, {
    checkDeadlock: false,
    onState: (s) => void keys.add(key(s)),
    ...(opt.maxStates !== undefined ? { maxStates: opt.maxStates } : {}),
  }) as CheckResult<unknown>;
  return { keys, result };
}

/** The shortest run of `sys` to a state whose key is not in `other`. */
function witness<S>(sys: System<S>, other: Set<string>, opt: DiffOptions): readonly TraceStep<S>[] | undefined {
  const key = keyOf(sys);
  const r = check(
    { ...sys, invariants: [{ name: 'reached_by_the_other', holds: (s: S) => other.has(key(s)) }], goals: [] },
    { checkDeadlock: false, ...(opt.maxStates !== undefined ? { maxStates: opt.maxStates } : {}) },
  );
  return r.violation?.trace;
}

const fired = (r: CheckResult<unknown>): Set<string> => new Set(r.coverage.filter((c) => c.fired > 0).map((c) => c.rule));

export function diffSystems<S>(a: System<S>, b: System<S>, opt: DiffOptions = {}): SystemDiff<S> {
  const ea = explore(a, opt);
  const eb = explore(b, opt);
  let common = 0;
  for (const k of ea.keys) if (eb.keys.has(k)) common++;
  const onlyA = ea.keys.size - common;
  const onlyB = eb.keys.size - common;
  const fa = fired(ea.result), fb = fired(eb.result);
  const side = (e: Explored, only: number, mine: Set<string>, theirs: Set<string>, w: readonly TraceStep<S>[] | undefined): DiffSide<S> => ({
    states: e.result.distinctStates,
    edges: e.result.edges,
    incomplete: e.result.outcome === 'incomplete',
    only,
    onlyRules: [...mine].filter((r) => !theirs.has(r)),
    ...(w ? { witness: w } : {}),
  });
  return {
    a: side(ea, onlyA, fa, fb, onlyA > 0 ? witness(a, eb.keys, opt) : undefined),
    b: side(eb, onlyB, fb, fa, onlyB > 0 ? witness(b, ea.keys, opt) : undefined),
    common,
  };
}
