/**
 * The expansion of a state on the flat and packed (shaped) paths, generated once per check from
 * the system's rules: the same transitions, in the same order, with the same
 * indices, coverage counts and cuts as `expandState` (expand.ts), but written
 * out rule by rule as straight-line code, so that every call of a guard or an
 * effect is a call site of its own. In `expandState` one call site serves
 * every rule: V8 sees it megamorphic, each guard is a full call through the
 * Call builtin and then through properties/bind.ts's wrapper (together about
 * a fifth of a ring-notify profile), and none is inlined. Here each site
 * calls the model's own function (the rule's `direct`, system.ts) with its
 * bound parameters, sees one function, and V8 can inline it (the model's
 * guards are a few comparisons of fields). If the model's function throws,
 * the generated code calls the bound wrapper on the same input, which throws
 * the fault naming the rule and the state (properties/fault.ts), exactly as
 * the generic expansion would have.
 *
 * The rule's effect runs on the codec's reused scratch copy of the state
 * (flat.ts, or codec.ts for a shaped model) and the successor goes to the
 * search's `edge`.
 *
 * The rules are written into functions of {@link RULES_PER_FUNCTION} rules
 * each, which `expandFlat` calls in turn, not into one function. TurboFan
 * optimises a function with the type feedback its code has so far; a rule
 * that had not fired by then (a guard's later comparison not yet reached, an
 * effect never run) is compiled as a deoptimisation, and when it fires the
 * whole function is thrown away and compiled again. In one function of
 * ring-weak's 39 rules that was ~130 ms of compiler thread twice, the search
 * running unoptimised code meanwhile (a tenth of its states); in functions of
 * six rules a late rule costs the recompile of its own function only, and
 * each function gets V8's inlining budget for its own rules
 * (docs/perf/2026-12-07d-engine.md: ring-weak -12% CPU, xenbus4/5 -7%).
 */
import type { Expander } from './expand.js';
import type { SysInvariant, SysRule } from './system.js';

/** `expandState(x, s, id, expand)` for one system: `r >> 1` transitions, bit 0 set if one was left out. */
export type Expand<S> = (s: S, id: number, expand: boolean) => number;

/** The rules written into one generated function (see the file's doc). */
export const RULES_PER_FUNCTION = 6;

/**
 * Generates the expansion of `x`'s active rules; `scratch(s)` gives the reused mutable copy a rule writes;
 * `perFunction` rules to a function (tests: the same expansion for any).
 */
export function compileExpand<S>(x: Expander<S>, scratch: (s: S) => S, perFunction = RULES_PER_FUNCTION): Expand<S> {
  const rules = x.rules;
  const names: string[] = [];
  const values: unknown[] = [];
  const bind = (name: string, v: unknown): string => {
    names.push(name);
    values.push(v);
    return name;
  };
  // Each rule's block, code of a function whose locals are k (transitions so far) and expand; its early
  // return (a state only looked at for an enabled transition, or cut) is `return ~(result)`, negative.
  const blocks: string[] = [];
  for (let ai = 0; ai < x.active.length; ai++) {
    const r = x.active[ai]!;
    const rule: SysRule<S> = rules[r]!;
    const R = bind(`R${r}`, rule);
    const d = rule.direct;
    const M = d ? bind(`M${r}`, d.rule) : '';
    const P = d ? bind(`P${r}`, d.params) : '';
    // A call of the model's function; on an exception, the bound wrapper's call raises the fault.
    const call = (v: string, direct: string, bound: string, redo = '') =>
      d ? `let ${v};\ntry { ${v} = ${direct}; } catch (e) { ${redo}${bound}; throw e; }\n` : `const ${v} = ${bound};\n`;
    const step = (a: string) =>
      `if (!expand) return ~(((k + 1) << 1) | 1);\n` +
      `const d = scratch(s);\n` +
      (d ? `try { ${M}.then(d, s, ${P}, ${a}); } catch (e) { ${R}.then(scratch(s), s, ${a}); throw e; }\n` : `${R}.then(d, s, ${a});\n`) +
      `if (!X.edge(d, id, k++, ${r})) expand = false;\nfired[${r}]++;\n`;
    if (rule.choices) {
      const guard = rule.when ? `${call('g', `${M}.when(s, ${P}, a)`, `${R}.when(s, a)`)}if (!g) continue;\n` : '';
      blocks.push(`{\n${call('cs', `${M}.choices(s, ${P})`, `${R}.choices(s)`)}for (let c = 0; c < cs.length; c++) {\nconst a = cs[c];\n${guard}${step('a')}}\n}\n`);
    } else if (rule.when) blocks.push(`{\n${call('g', `${M}.when(s, ${P}, undefined)`, `${R}.when(s, undefined)`)}if (g) {\n${step('undefined')}}\n}\n`);
    else blocks.push(`{\n${step('undefined')}}\n`);
  }
  if (!(perFunction >= 1)) throw new Error(`compileExpand: ${perFunction} rules a function`);
  // Function Ci takes and returns v = k << 1 | expand; a negative v is expandFlat's early return, ~result.
  let src = '';
  let calls = '';
  for (let c = 0, i = 0; i < blocks.length; c++, i += perFunction) {
    const own = blocks.slice(i, i + perFunction).join('');
    src += `function C${c}(s, id, v) {\nlet k = v >> 1, expand = (v & 1) !== 0;\n${own}return (k << 1) | (expand ? 1 : 0);\n}\n`;
    calls += `v = C${c}(s, id, v);\nif (v < 0) return ~v;\n`;
  }
  src += `return function expandFlat(s, id, expand) {\nlet v = expand ? 1 : 0;\n${calls}return (v >> 1) << 1;\n};`;
  return new Function('X', 'scratch', 'fired', ...names, src)(x, scratch, x.fired, ...values) as Expand<S>;
}

/** Generates `(s) => index of the first invariant that fails in s, or -1`, calling the models' functions directly as above. */
export function compileInvariants<S>(invs: readonly SysInvariant<S>[]): (s: S) => number {
  const names: string[] = [];
  const values: unknown[] = [];
  let body = '';
  invs.forEach((inv, i) => {
    names.push(`V${i}`);
    values.push(inv);
    const d = inv.direct;
    if (d) {
      names.push(`I${i}`, `P${i}`);
      values.push(d.invariant, d.params);
      body += `{\nlet h;\ntry { h = I${i}.holds(s, P${i}); } catch (e) { V${i}.holds(s); throw e; }\nif (!h) return ${i};\n}\n`;
    } else body += `if (!V${i}.holds(s)) return ${i};\n`;
  });
  return new Function(...names, `return function failing(s) {\n${body}return -1;\n};`)(...values) as (s: S) => number;
}
