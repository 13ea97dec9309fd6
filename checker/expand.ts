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
 *
 * When every active rule carries its model's own functions (`SysRule.direct`),
 * the expansion is generated code, once per expander: one call site per rule
 * for its choices, its guard and (with a scratch copy, the packed path) its
 * effect, so that V8 sees one target at each and may inline the model's code,
 * instead of one megamorphic call through a wrapper per guard (about a
 * hundred guards a state on grant). An exception is not wrapped there: the
 * failing call is made again through the rule's wrapped function, which
 * turns it into the same ModelFault as before (the model's functions are
 * deterministic).
 */
import type { SysInvariant, SysRule } from './system.js';

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
  /**
   * When present, `apply(r, s, a)` is the rule's effect on `scratch(s)`
   * (packed.ts), which the generated expansion then does itself.
   */
  readonly scratch?: (s: S) => S;
}

/** Bit 0 of {@link expandState}'s result: an enabled transition was left out. */
export const CUT = 1;

type Expansion<S> = (s: S, id: number, expand: boolean) => number;
const compiled = new WeakMap<Expander<unknown>, Expansion<unknown>>();

/**
 * Expands state `s` (id `id`); `expand` false: only looks for an enabled
 * transition. Returns the number of transitions counted, shifted left by one,
 * with {@link CUT} set if one was left out: `r >> 1` transitions, `r & CUT`.
 */
export function expandState<S>(x: Expander<S>, s: S, id: number, expand: boolean): number {
  let f = compiled.get(x as Expander<unknown>) as Expansion<S> | undefined;
  if (f === undefined) compiled.set(x as Expander<unknown>, (f = compileExpansion(x)) as Expansion<unknown>);
  return f(s, id, expand);
}

/** The expansion by the wrapped functions, one loop for every rule (what the generated code does, and the fallback). */
export function expandGeneric<S>(x: Expander<S>, s: S, id: number, expand: boolean): number {
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

/** Phases of the generated expansion, for the error path: which call failed. */
const PH_CHOICES = 0, PH_WHEN = 1, PH_THEN = 2, PH_EDGE = 3;

/** The generated expansion of `x` (see the file comment), or the generic loop when a rule has no direct functions. */
export function compileExpansion<S>(x: Expander<S>): Expansion<S> {
  const rules = x.rules;
  const active = [...x.active];
  if (active.some((r) => rules[r]!.direct === undefined)) return (s, id, expand) => expandGeneric(x, s, id, expand);
  const scratch = x.scratch !== undefined;
  let body = '';
  const decl: string[] = [];
  for (const r of active) {
    const d = rules[r]!.direct!;
    decl.push(`const x${r} = R[${r}].direct.ctx;`);
    if (d.choices) decl.push(`const c${r} = R[${r}].direct.choices;`);
    if (d.when) decl.push(`const w${r} = R[${r}].direct.when;`);
    if (scratch) decl.push(`const t${r} = R[${r}].direct.then;`);
    // One enabled transition: stop (not expanding), or apply, record, count.
    const step = (a: string): string =>
      `if (!expand) return ((k + 1) << 1) | ${CUT};\n` +
      (scratch
        ? `ph = ${PH_THEN}; const d = scratch(s); t${r}(d, s, x${r}, ${a}); ph = ${PH_EDGE};\nif (!X.edge(d, id, k++)) expand = false;\n`
        : `ph = ${PH_EDGE};\nif (!X.edge(X.apply(${r}, s, ${a}), id, k++)) expand = false;\n`) +
      `fired[${r}]++;\n`;
    body += `// ${rules[r]!.name.replace(/[\r\n]/g, ' ')}\nri = ${r};\n`;
    if (d.choices) {
      body += `ph = ${PH_CHOICES}; ca = undefined;\n{ const cs = c${r}(s, x${r});\nfor (let c = 0; c < cs.length; c++) {\nconst a = cs[c]; ca = a;\n`;
      if (d.when) body += `ph = ${PH_WHEN}; if (!w${r}(s, x${r}, a)) continue;\n`;
      body += step('a') + '} }\n';
    } else {
      body += 'ca = undefined;\n';
      if (d.when) body += `ph = ${PH_WHEN};\nif (w${r}(s, x${r}, undefined)) {\n${step('undefined')}}\n`;
      else body += `{\n${step('undefined')}}\n`;
    }
  }
  const src =
    `${decl.join('\n')}\nreturn function expand(s, id, expand) {\nlet k = 0, ph = ${PH_CHOICES}, ri = -1, ca;\n` +
    `try {\n${body}} catch (e) { failed(e, ph, ri, s, ca); }\nreturn k << 1;\n}`;
  /** The failing call again, through the rule's wrapped function (which throws its ModelFault); else `e` as it was. */
  const failed = (e: unknown, ph: number, r: number, s: S, a: unknown): never => {
    const rule = rules[r];
    if (rule !== undefined) {
      if (ph === PH_CHOICES) rule.choices!(s);
      else if (ph === PH_WHEN) rule.when!(s, a);
      else if (ph === PH_THEN) x.apply(r, s, a);
    }
    throw e;
  };
  return new Function('R', 'X', 'scratch', 'fired', 'failed', src)(rules, x, x.scratch, x.fired, failed) as Expansion<S>;
}

/**
 * The index of the first invariant of `invs` that does not hold in a state,
 * or -1: generated code as for the expansion, one call site per invariant
 * with the model's own predicate when every invariant carries it (`direct`),
 * else the loop over the wrapped predicates. An exception is turned into its
 * ModelFault by calling the wrapped predicate again.
 */
export function compileInvariants<S>(invs: readonly SysInvariant<S>[]): (s: S) => number {
  if (invs.some((i) => i.direct === undefined))
    return (s) => {
      for (let i = 0; i < invs.length; i++) if (!invs[i]!.holds(s)) return i;
      return -1;
    };
  let src = invs.map((_, i) => `const h${i} = I[${i}].direct.holds, x${i} = I[${i}].direct.ctx;`).join('\n');
  src += '\nreturn function firstFailing(s) {\nlet i = 0;\ntry {\n';
  src += invs.map((_, i) => `i = ${i}; if (!h${i}(s, x${i})) return ${i};`).join('\n');
  src += '\n} catch (e) { invs[i].holds(s); throw e; }\nreturn -1;\n}';
  return new Function('I', 'invs', src)(invs, invs) as (s: S) => number;
}
