/**
 * Unfolding a quotient's trace into the faithful model's (model/core.ts
 * `Refinement`). The quotient folds some of the faithful model's steps (the
 * hidden rules) into others; its trace is a list of quotient states. Step by
 * step, from the faithful state reached so far, a breadth-first search over
 * at most `maxHidden` hidden steps, then one step of the trace's rule, looks
 * for a faithful state whose class (`abstract`) is the quotient's next state;
 * the fewest hidden steps win, then the checker's transition order. The result
 * is a run of the faithful model (immer's reference semantics, as every trace),
 * each step a rule of its own: `pvcheck replay` replays it at the faithful
 * parameters. Generic: the model declares the quotient, nothing here knows it.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Model } from '../model/core.js';
import type { TraceStep } from '../checker/report.js';
import type { System, Transition } from '../checker/system.js';
import { bind } from '../properties/bind.js';
import { immerApply, labelOf, transitionsOf } from '../checker/reference/immer.js';
import { canonicalString } from '../checker/reference/structural.js';

/** Traces unfolded here, with the faithful parameters they replay with: written as they are, never unfolded again. */
const unfolded = new WeakMap<readonly TraceStep<unknown>[], unknown>();
/** The faithful parameters of a trace {@link unfoldTrace} made (undefined for any other trace). */
export const faithfulParamsOf = (trace: readonly TraceStep<unknown>[]): unknown => unfolded.get(trace);
/** Marks a trace found by a search of the faithful model itself (cli/refine.ts): written as it is. */
export const markFaithful = (trace: readonly TraceStep<unknown>[], params: unknown): void => void unfolded.set(trace, params);

export interface Unfolded<S, P> {
  /** The faithful model's parameters. */
  readonly params: P;
  readonly trace: TraceStep<S>[];
  /** Steps the faithful trace has more than the quotient's (the hidden steps put back). */
  readonly hidden: number;
  readonly folds: string;
}

/** The faithful trace of a quotient trace at `p`; undefined when the model declares no quotient there. */
export function unfoldTrace<S, P>(model: Model<S, P>, p: P, trace: readonly TraceStep<S>[]): E.Either<string, Unfolded<S, P>> | undefined {
  const ref = model.refinement?.(p);
  if (!ref || unfolded.has(trace as readonly TraceStep<unknown>[])) return undefined;
  if (trace.length === 0) return E.left('an empty trace');
  const bound = bind(model, ref.params, { invariants: [] });
  if (E.isLeft(bound)) return E.left(bound.left);
  const sys: System<S> = bound.right;
  const apply = immerApply(sys);
  const hidden = new Set(ref.hidden);
  const classOf = (s: S): string => canonicalString(ref.abstract(s, p));
  const f0 = sys.init.find((s) => classOf(s) === canonicalString(trace[0]!.state));
  if (f0 === undefined) return E.left('no initial state of the faithful model is in the class of the trace\'s first state');
  const out: TraceStep<S>[] = [{ action: 'init', rule: null, state: f0 }];
  let f: S = f0;
  for (let i = 1; i < trace.length; i++) {
    const step = trace[i]!;
    const q = canonicalString(step.state);
    const found = unfoldStep(sys, apply, f, step.rule, hidden.has(step.rule ?? ''), q, classOf, hidden, ref.maxHidden);
    if (!found) return E.left(`step ${i} (${step.action}): no step of the faithful model after at most ${ref.maxHidden} hidden steps reaches its state`);
    for (const t of found) {
      out.push({ action: labelOf(sys, t), rule: sys.rules[t.rule]!.name, ...(t.hasChoice ? { choice: t.choice } : {}), state: t.next });
      f = t.next;
    }
    // a quotient step of a hidden rule (one inside its class) that needs no faithful step: nothing to write
  }
  unfolded.set(out as TraceStep<unknown>[], ref.params);
  return E.right({ params: ref.params, trace: out, hidden: out.length - trace.length, folds: ref.folds });
}

/** The fewest hidden steps, then one step of `rule` (none needed when `rule` is hidden), from `f` to a state of class `q`. */
function unfoldStep<S>(
  sys: System<S>,
  apply: (r: number, s: S, a: unknown) => S,
  f: S,
  rule: string | null,
  ruleHidden: boolean,
  q: string,
  classOf: (s: S) => string,
  hidden: ReadonlySet<string>,
  maxHidden: number,
): Transition<S>[] | undefined {
  let level: { s: S; path: Transition<S>[] }[] = [{ s: f, path: [] }];
  const seen = new Set([canonicalString(f)]);
  for (let d = 0; d <= maxHidden && level.length; d++) {
    const next: typeof level = [];
    for (const n of level) {
      if (ruleHidden && classOf(n.s) === q) return n.path;
      for (const t of transitionsOf(sys, n.s, apply)) {
        const name = sys.rules[t.rule]!.name;
        if (name === rule && !ruleHidden && classOf(t.next) === q) return [...n.path, t];
        if (!hidden.has(name) || d === maxHidden) continue;
        const k = canonicalString(t.next);
        if (seen.has(k)) continue;
        seen.add(k);
        next.push({ s: t.next, path: [...n.path, t] });
      }
    }
    level = next;
  }
  return undefined;
}
