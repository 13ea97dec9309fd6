/**
 * Trace rebuild. The store keeps, per state, only its parent and the index of
 * the parent's transition that led to it; a trace to a state follows the
 * parent links back to an initial state, then replays the transition indices
 * forward with the model's own rules run through immer (not through the
 * search's step function, so a trace also cross-checks it). Every trace is a
 * real run of the model; a rule that gives a different result on replay is an
 * error, not a wrong trace.
 */
import { immerApply, labelOf, transitionsOf } from './reference/immer.js';
import { NO_PARENT, type ParentLinks } from './store.js';
import type { ObservableReport, TraceStep } from './report.js';
import type { System } from './system.js';

/**
 * The transition indices from an initial state to state `id`: the initial
 * state's index first, then the index of each step's transition among its
 * state's (one entry a state of the trace). Cheap (the parent links only):
 * what a witness keeps until its trace is read.
 */
export function pathTo(links: ParentLinks, id: number): number[] {
  const path: number[] = [];
  for (let x = id; x !== NO_PARENT; ) {
    const l = links.link(x);
    path.push(l.k);
    x = l.parent;
  }
  return path.reverse();
}

/** The trace along a path of {@link pathTo}, the model's rules replayed through immer. */
export function traceAlong<S>(sys: System<S>, path: readonly number[]): TraceStep<S>[] {
  let s = sys.init[path[0]!] as S;
  const steps: TraceStep<S>[] = [{ action: 'init', rule: null, state: s }];
  const apply = immerApply(sys);
  for (let i = 1; i < path.length; i++) {
    const ts = transitionsOf(sys, s, apply);
    const t = ts[path[i]!];
    if (!t) throw new Error('internal: trace rebuild diverged (a rule is not deterministic)');
    s = t.next;
    steps.push({
      action: labelOf(sys, t),
      rule: sys.rules[t.rule]!.name,
      ...(t.hasChoice ? { choice: t.choice } : {}),
      state: s,
    });
  }
  return steps;
}

/** The trace from an initial state to state `id`. */
export function traceTo<S>(sys: System<S>, links: ParentLinks, id: number): TraceStep<S>[] {
  return traceAlong(sys, pathTo(links, id));
}

/**
 * An observable's extremes and the paths to their witnesses (empty: no value
 * in any state), structured-clonable: what worker 0 of the multi-worker
 * search sends back instead of the traces.
 */
export interface ObservableWitnesses {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly minPath: readonly number[];
  readonly maxPath: readonly number[];
}

/**
 * The report of an observable whose witness traces are rebuilt when first
 * read (then kept), not at the end of every search: a rebuild runs the model
 * through immer (about 12 ms and a wave of V8 compiles of the model's rules on
 * xenbus events=4), and most runs print only the witnesses' lengths
 * (`minSteps`, `maxSteps`, known from the paths). The getters are
 * enumerable, so a spread, JSON or a structured clone of the report still
 * holds the traces (and builds them).
 */
export function lazyObservable<S>(sys: System<S>, w: ObservableWitnesses): ObservableReport<S> {
  let minTrace: TraceStep<S>[] | undefined;
  let maxTrace: TraceStep<S>[] | undefined;
  const minPath = w.minPath, maxPath = w.maxPath;
  return {
    name: w.name,
    min: w.min,
    max: w.max,
    minSteps: minPath.length - 1,
    maxSteps: maxPath.length - 1,
    get minTrace() {
      return (minTrace ??= minPath.length ? traceAlong(sys, minPath) : []);
    },
    get maxTrace() {
      return (maxTrace ??= maxPath.length ? traceAlong(sys, maxPath) : []);
    },
  };
}
