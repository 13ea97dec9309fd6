/**
 * The reference semantics of a rule: immer's `produce` on the state, a pure
 * step that never mutates its input. Traces are rebuilt with it (so a trace
 * also cross-checks the search's own step function), and the conformance
 * vectors enumerate transitions with it.
 */
import { produce } from 'immer';
import type { System, Transition } from '../system.js';

/** The transitions of a state, in the checker's fixed order (rule declaration order, then choice order). */
export function transitionsOf<S>(sys: System<S>, s: S, apply: (r: number, s: S, a: unknown) => S): Transition<S>[] {
  const out: Transition<S>[] = [];
  const rules = sys.rules;
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r]!;
    if (rule.inactive) continue;
    if (rule.choices) {
      for (const a of rule.choices(s)) {
        if (rule.when && !rule.when(s, a)) continue;
        out.push({ rule: r, choice: a, hasChoice: true, next: apply(r, s, a) });
      }
    } else if (!rule.when || rule.when(s, undefined)) {
      out.push({ rule: r, choice: undefined, hasChoice: false, next: apply(r, s, undefined) });
    }
  }
  return out;
}

/** Applies rule `r` with immer: a pure step that never mutates `s`. */
export function immerApply<S>(sys: System<S>): (r: number, s: S, a: unknown) => S {
  return (r, s, a) => produce(s, (d: unknown) => void sys.rules[r]!.then(d, s, a)) as S;
}

/** The action label of a transition, as traces print it. */
export function labelOf<S>(sys: System<S>, t: { rule: number; choice: unknown; hasChoice: boolean }): string {
  const rule = sys.rules[t.rule]!;
  if (!t.hasChoice) return rule.name;
  return `${rule.name}(${rule.label ? rule.label(t.choice) : JSON.stringify(t.choice)})`;
}
