/**
 * What a search reports: the outcome, the counts, coverage, the violation
 * with its trace, the observables' extremes with their witnesses, and the
 * memory the search structures took.
 */
import type { System } from './system.js';
import type { StoreReport } from './bitstate.js';

export type Outcome = 'ok' | 'violation' | 'deadlock' | 'incomplete';

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
  /** The search ran on a quotient (Model.refinement): `trace` is the faithful model's, unfolded (traces/refine.ts). */
  readonly refined?: RefinedTrace;
}

/** How a quotient's counterexample became the faithful model's (traces/refine.ts, cli/refine.ts). */
export interface RefinedTrace {
  /** The faithful model's parameters: the written trace records them and replays with them. */
  readonly params: Readonly<Record<string, unknown>>;
  /** What the quotient folds (Refinement.folds). */
  readonly folds: string;
  /** The quotient's counterexample's steps (a shortest one of the quotient: no faithful one is shorter). */
  readonly quotientSteps: number;
  /** Hidden steps the unfolding put back. */
  readonly hiddenSteps: number;
  /**
   * Whether the trace is a shortest of the faithful model: `unfolded` (nothing hidden was put back: as long as the
   * quotient's), `searched` (a search of the faithful model to one step less found none shorter, or found this one),
   * `unknown` (that search passed its budget: a shortest has quotientSteps to trace.length - 1 steps).
   */
  readonly shortest: 'unfolded' | 'searched' | 'unknown';
  /** Why an `unknown` search stopped: its budget of states or memory, or an interrupt (Ctrl-C). */
  readonly cut?: 'budget' | 'interrupted';
}

export interface ObservableReport<S> {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Steps of the min witness's trace (`minTrace.length - 1`, known without building it; -1: no value in any state). */
  readonly minSteps: number;
  /** Steps of the max witness's trace (`maxTrace.length - 1`). */
  readonly maxSteps: number;
  /** The witnesses' traces: built when first read (checker/trace.ts lazyObservable), so read them only to print or write them. */
  readonly minTrace: readonly TraceStep<S>[];
  readonly maxTrace: readonly TraceStep<S>[];
}

export interface Stats {
  readonly distinctStates: number;
  readonly edges: number;
  readonly depth: number;
  readonly queue: number;
  readonly seconds: number;
  /** The level being expanded, when the search knows how far it is (several workers): states expanded of its size. */
  readonly level?: { readonly expanded: number; readonly size: number };
}

export interface CheckResult<S> extends Stats {
  readonly outcome: Outcome;
  readonly incompleteReason?: 'max-states' | 'max-depth' | 'max-memory' | 'interrupted' | 'bitstate';
  readonly terminalStates: number;
  /** Whether a state with no enabled rule that is not a valid end was reported (`checkDeadlock`): a report says "no deadlock" only then. */
  readonly deadlockChecked: boolean;
  readonly coverage: readonly { readonly rule: string; readonly fired: number }[];
  readonly neverFired: readonly string[];
  readonly violation?: Violation<S>;
  readonly observables?: readonly ObservableReport<S>[];
  readonly collisionProbability: number;
  /** Bytes the search keeps per distinct state: fingerprint table, parent links, graph (if any). */
  readonly bytesPerState: number;
  /** `--store compact|bitstate`: the lossy store's report (bitstate.ts); absent for the full table. */
  readonly store?: StoreReport;
  /** Worker threads the search ran on (absent: one, the single-threaded search). */
  readonly workers?: number;
  /** Why that many (cli/check.ts: an explicit --workers, the system, or the machine's load). */
  readonly workersReason?: string;
}

/** Per-rule firing counts as the report gives them: inactive rules are left out. */
export function coverageOf<S>(sys: System<S>, fired: Float64Array): { coverage: CheckResult<S>['coverage']; neverFired: string[] } {
  const coverage = sys.rules.flatMap((r, i) => (r.inactive ? [] : [{ rule: r.name, fired: fired[i]! }]));
  return { coverage, neverFired: coverage.filter((c) => c.fired === 0).map((c) => c.rule) };
}
