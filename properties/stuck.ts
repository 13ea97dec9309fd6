/**
 * The property `stuck` (`pvcheck check MODEL -i stuck`): for a model that
 * declares `budgetedEvents` (model/core.ts), the rules whose every transition
 * spends one unit of the budget bounding its environment events.
 *
 * A deadlock is a state with no transition that is no valid end. With a budget
 * of events, a state where the drivers wait for nothing they can cause
 * themselves (only a budgeted event is enabled) is a deadlock only once the
 * budget is spent, so at a larger bound its shortest trace first spends the
 * rest of the budget on unrelated events (xenbus's finding F2: 12 steps at
 * events=2, 13 at events=3). `stuck` fails in a state that is no valid end and
 * where no rule other than the budgeted ones is enabled.
 *
 * Why that is exactly "a deadlock at a smaller bound": if every budgeted rule
 * spends one unit on each transition and is enabled only while the budget
 * lasts, and nothing else reads the budget, then a state s at bound E that
 * spent u units is reached at bound u by the same path, with the budget spent
 * and everything else equal; there only the rules not named can be enabled,
 * and none is, so it is a deadlock at bound u <= E. Conversely a deadlock at
 * bound u <= E is reached at E by the same path, where only budgeted rules can
 * have become enabled. So `stuck` at E reports the union of the deadlocks at
 * bounds 0..E, each at its own shortest depth; a state where the drivers wait
 * for the user or the toolstack (Connected, waiting for an unplug) is a valid
 * end and is not reported. test/stuck.test.ts checks that equality against
 * the naive explorer's deadlocks and that the named rules do spend the budget.
 */
import type { Invariant, Model, Rule } from '../model/core.js';

export const STUCK = 'stuck';

/** Whether rule `r` has a transition from `s` at `p`. */
function enabled<S, P>(r: Rule<S, P>, s: S, p: P): boolean {
  if (r.choices) {
    for (const a of r.choices(s, p)) if (!r.when || r.when(s, p, a)) return true;
    return false;
  }
  return !r.when || r.when(s, p, undefined);
}

/** The `stuck` invariant of `m` at `p`, over `m`'s own rules (a variant's replacements included); undefined if `m` declares no budgeted events. */
export function stuckInvariant<S, P>(m: Model<S, P>, p: P): Invariant<S, P> | undefined {
  if (!m.budgetedEvents) return undefined;
  const budgeted = new Set(m.budgetedEvents);
  const others = m.rules.filter((r) => !budgeted.has(r.name) && (!r.applies || r.applies(p)));
  const validEnd = m.isValidEnd;
  return {
    name: STUCK,
    description: `not stuck: a valid end, or a step other than a budgeted environment event (${m.budgetedEvents.join(', ')}) is enabled`,
    see: 'properties/stuck.ts: a deadlock at a smaller bound of the events budget',
    holds: (s, q) => (validEnd !== undefined && validEnd(s, q)) || others.some((r) => enabled(r, s, q)),
  };
}

/**
 * `m`'s invariants, with `stuck` made from its rules when `wanted` names it
 * and the model declares budgeted events (unless it has an invariant of that
 * name itself): what bind and replay check.
 */
export function withStuck<S, P>(m: Model<S, P>, p: P, wanted: readonly string[] | undefined): readonly Invariant<S, P>[] {
  if (!wanted?.includes(STUCK) || m.invariants.some((i) => i.name === STUCK)) return m.invariants;
  const stuck = stuckInvariant(m, p);
  return stuck ? [...m.invariants, stuck] : m.invariants;
}
