/**
 * The CLI's glue for a model that checks a quotient (model/core.ts
 * `Refinement`, grant's `transWrites=late`): the counterexample the search
 * found is unfolded into the faithful model's (traces/refine.ts), and whether
 * it is a shortest one of the faithful model is settled where it is cheap.
 *
 * Why the answer is sound: every faithful path projects onto a quotient path
 * no longer than itself (a hidden step stays in its class, any other step is a
 * quotient step), so no faithful counterexample is shorter than the quotient's
 * shortest, `n` steps (the search's, breadth-first). The unfolded trace has
 * `N >= n` steps. If `N = n` it is a shortest (`unfolded`). Otherwise a
 * breadth-first search of the faithful model, bounded to depth `N - 1` and to
 * a budget of states, either finds a shorter one (written instead: a shortest)
 * or finds none (the unfolded one is a shortest): `searched`. Past the budget:
 * `unknown`, and the report gives the bounds `n..N`.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Model } from '../model/core.js';
import type { CheckOptions, CheckResult, ObservableReport, TraceStep, Violation } from '../checker/explore.js';
import { Search, check } from '../checker/explore.js';
import type { System } from '../checker/system.js';
import { fmtInt } from './report.js';

// the report's line for a refined counterexample lives in cli/report.ts, which every check imports: this module
// (the faithful re-search) is imported only for a model that checks a quotient (cli/check.ts runSearch, session 35)
export { refinedLine } from './report.js';
import { bind } from '../properties/bind.js';
import { markFaithful, unfoldTrace } from '../traces/refine.js';

/** States the faithful re-search may visit: at least this, or twice the quotient search's. */
export const RESEARCH_MIN_STATES = 200_000;

/**
 * What is left to settle a quotient's counterexample: either the result, or a
 * bounded search of the faithful model (`sys`, `options`) whose result
 * `finish` turns into it, and `stopped`, the result when that search is
 * interrupted (the unfolded trace, its shortness unknown).
 */
type Plan =
  | { readonly result: CheckResult<unknown> }
  | {
      readonly sys: System<unknown>;
      readonly options: CheckOptions<unknown>;
      readonly depth: number;
      readonly finish: (f: CheckResult<unknown>) => CheckResult<unknown>;
    };

function plan(model: Model, params: object, r0: CheckResult<unknown>, opt: { maxStates?: number; maxMemory?: number }): Plan {
  if (!model.refinement?.(params)) return { result: r0 };
  const r = r0.observables ? { ...r0, observables: r0.observables.map((o) => unfoldedObservable(model, params, o)) } : r0;
  const v = r.violation;
  if (!v || v.refined) return { result: r };
  const u = unfoldTrace(model, params, v.trace);
  if (!u) return { result: r };
  if (E.isLeft(u)) {
    process.stderr.write(`pvcheck: warning: the counterexample of the quotient could not be unfolded into the faithful model's (${u.left}); the trace written is the quotient's\n`);
    return { result: r };
  }
  const n = v.trace.length - 1;
  const N = u.right.trace.length - 1;
  const base = { params: u.right.params as Record<string, unknown>, folds: u.right.folds, quotientSteps: n, hiddenSteps: N - n };
  /** `r` with the unfolded trace, and what is known of its shortness. */
  const unfolded = (shortest: 'unfolded' | 'searched' | 'unknown', cut?: 'budget' | 'interrupted'): CheckResult<unknown> =>
    ({ ...r, violation: { ...v, trace: u.right.trace, refined: { ...base, shortest, ...(cut ? { cut } : {}) } } });
  if (N <= n) return { result: unfolded('unfolded') };
  if (v.kind === 'recoverability') return { result: unfolded('unknown') };
  // a breadth-first search of the faithful model for this property, to one step less than the unfolded trace
  const sys = bind(model, u.right.params, { invariants: [v.kind === 'deadlock' ? 'deadlock' : v.property] });
  if (E.isLeft(sys)) return { result: unfolded('unknown') };
  const budget = opt.maxStates ?? Math.max(RESEARCH_MIN_STATES, 2 * r.distinctStates);
  const options = { maxDepth: N - 1, maxStates: budget, checkDeadlock: v.kind === 'deadlock', ...(opt.maxMemory !== undefined ? { maxMemory: opt.maxMemory } : {}) };
  const finish = (f: CheckResult<unknown>): CheckResult<unknown> => {
    const shorter: Violation<unknown> | undefined = f.violation && f.violation.property === v.property ? f.violation : undefined;
    if (shorter) {
      const m = shorter.trace.length - 1;
      markFaithful(shorter.trace, u.right.params);
      return { ...r, violation: { ...v, trace: shorter.trace, refined: { ...base, hiddenSteps: m - n, shortest: 'searched' } } };
    }
    if (f.outcome !== 'incomplete' || f.incompleteReason === 'max-depth') return unfolded('searched');
    return unfolded('unknown', f.incompleteReason === 'interrupted' ? 'interrupted' : 'budget');
  };
  return { sys: sys.right, options, depth: N - 1, finish };
}

/** `r` with its counterexample unfolded into the faithful model's (unchanged when the model checks no quotient). */
export function refineResult(model: Model, params: object, r0: CheckResult<unknown>, opt: { maxStates?: number; maxMemory?: number } = {}): CheckResult<unknown> {
  const p = plan(model, params, r0, opt);
  return 'result' in p ? p.result : p.finish(check(p.sys, p.options));
}

/** What the CLI's re-search reports and obeys (see {@link refineResultAsync}). */
export interface ResearchHooks {
  /** Called with a progress line about once a second while the faithful model is searched. */
  readonly progress?: (line: string) => void;
  /** Polled between slices: true stops the search; the unfolded trace is kept, its shortness `unknown`. */
  readonly stopped?: () => boolean;
  /** Milliseconds per slice (default 100). */
  readonly sliceMs?: number;
}

/**
 * {@link refineResult} for the CLI: the faithful re-search runs in slices that
 * yield to the event loop, so a Ctrl-C stops it (the report then says the
 * trace's shortness is unknown, cut by the interrupt), and says how far it is.
 */
export async function refineResultAsync(model: Model, params: object, r0: CheckResult<unknown>, opt: { maxStates?: number; maxMemory?: number } = {}, hooks: ResearchHooks = {}): Promise<CheckResult<unknown>> {
  const p = plan(model, params, r0, opt);
  if ('result' in p) return p.result;
  const search = new Search(p.sys, p.options);
  let last = Date.now();
  for (;;) {
    if (hooks.stopped?.()) search.interrupt();
    const f = search.run(hooks.sliceMs ?? 100);
    if (f) return p.finish(f);
    if (hooks.progress && Date.now() - last >= 1000) {
      last = Date.now();
      const s = search.stats();
      hooks.progress(`progress ${model.name} (is the unfolded counterexample a shortest? the faithful model searched to depth ${p.depth}): depth ${s.depth}, ${fmtInt(s.distinctStates)} of at most ${fmtInt(p.options.maxStates!)} states, ${s.seconds.toFixed(0)} s; Ctrl-C keeps the trace, its shortness unknown`);
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/**
 * An observable's witnesses as the faithful model's, unfolded when first read
 * (as checker/trace.ts builds the quotient's: lazyObservable); the lengths
 * are the unfolded traces', so reading one unfolds its trace.
 */
function unfoldedObservable(model: Model, params: object, o: ObservableReport<unknown>): ObservableReport<unknown> {
  let minTrace: readonly TraceStep<unknown>[] | undefined;
  let maxTrace: readonly TraceStep<unknown>[] | undefined;
  return {
    name: o.name,
    min: o.min,
    max: o.max,
    get minSteps() {
      return this.minTrace.length - 1;
    },
    get maxSteps() {
      return this.maxTrace.length - 1;
    },
    get minTrace() {
      return (minTrace ??= unfoldOr(model, params, o.minTrace));
    },
    get maxTrace() {
      return (maxTrace ??= unfoldOr(model, params, o.maxTrace));
    },
  };
}

/** An observable's witness, unfolded (its length is the faithful model's; not claimed a shortest). */
function unfoldOr(model: Model, params: object, trace: readonly TraceStep<unknown>[]): readonly TraceStep<unknown>[] {
  if (trace.length === 0) return trace;
  const u = unfoldTrace(model, params, trace);
  return u && E.isRight(u) ? u.right.trace : trace;
}
