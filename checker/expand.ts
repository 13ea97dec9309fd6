/**
 * The expansion of one state, shared by the single-threaded search
 * (search.ts) and the levels worker 0 of the multi-worker search runs alone
 * (parallelWorker.ts), so that both enumerate, number and bound the
 * transitions the same way: every active rule in declaration order, every
 * choice in order, a transition where the guard holds; the k-th transition
 * goes to `edge(next, id, k)`. When the state may not be expanded (a bound, a
 * pending violation) or an edge reports that the state bound is reached, the
 * next enabled transition is counted and the expansion stops there, marked
 * as cut: the state had a successor that was left out.
 */
import type { SysRule } from './system.js';

/** What an expansion needs of its search. */
export interface Expander<S> {
  readonly rules: readonly SysRule<S>[];
  /** Indices of the rules that exist in this system (not `inactive`). */
  readonly active: Int32Array;
  /** Per rule, the transitions taken so far (coverage). */
  readonly fired: Float64Array;
  /** The successor of `s` by rule r with choice a. */
  apply(r: number, s: S, a: unknown): S;
  /** Records the k-th transition of state `from`; false once no further state may be added (maxStates). */
  edge(next: S, from: number, k: number): boolean;
}

/** Bit 0 of {@link expandState}'s result: an enabled transition was left out. */
export const CUT = 1;

/**
 * Expands state `s` (id `id`); `expand` false: only looks for an enabled
 * transition. Returns the number of transitions counted, shifted left by one,
 * with {@link CUT} set if one was left out: `r >> 1` transitions, `r & CUT`.
 */
export function expandState<S>(x: Expander<S>, s: S, id: number, expand: boolean): number {
  const rules = x.rules, active = x.active, fired = x.fired;
  const nActive = active.length;
  let k = 0; // transition index
  for (let ai = 0; ai < nActive; ai++) {
    const r = active[ai]!;
    const rule = rules[r]!;
    if (rule.choices) {
      const cs = rule.choices(s);
      for (let c = 0; c < cs.length; c++) {
        const a = cs[c];
        if (rule.when && !rule.when(s, a)) continue;
        if (!expand) return ((k + 1) << 1) | CUT;
        // maxStates is exact: no state beyond the n-th, even in the middle of an expansion.
        if (!x.edge(x.apply(r, s, a), id, k++)) expand = false;
        fired[r]!++;
      }
    } else if (!rule.when || rule.when(s, undefined)) {
      if (!expand) return ((k + 1) << 1) | CUT;
      if (!x.edge(x.apply(r, s, undefined), id, k++)) expand = false;
      fired[r]!++;
    }
  }
  return k << 1;
}
