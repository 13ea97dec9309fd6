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
import type { TraceStep } from './report.js';
import type { System } from './system.js';

/** The trace from an initial state to state `id`. */
export function traceTo<S>(sys: System<S>, links: ParentLinks, id: number): TraceStep<S>[] {
  const chain: { parent: number; k: number }[] = [];
  for (let x = id; x !== NO_PARENT; ) {
    const l = links.link(x);
    chain.push(l);
    x = l.parent;
  }
  chain.reverse();
  let s = sys.init[chain[0]!.k] as S;
  const steps: TraceStep<S>[] = [{ action: 'init', rule: null, state: s }];
  const apply = immerApply(sys);
  for (let i = 1; i < chain.length; i++) {
    const ts = transitionsOf(sys, s, apply);
    const t = ts[chain[i]!.k];
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
