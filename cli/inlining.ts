/**
 * V8's inlining budget, chosen per model before its search is compiled.
 *
 * TurboFan inlines callees into an optimised function until their bytecode
 * adds up to `--max-inlined-bytecode-size-cumulative` (920 in Node 20's V8).
 * The generated expansion of a model with large rules inlines their `when`
 * and `then` bodies: half the budget (460) compiles xenbus (rules of 18,149
 * characters) in ~20% less CPU (events=4: 0.51 s of compiler threads against
 * 0.63) at the same speed of the search. Where the rules are small the
 * budget goes to the search's own hot path instead (edge, discovered, the
 * store's holds, the fingerprint's fmix: `--trace-turbo-inlining`), which
 * runs slower without it: the flat path's ring-notify 8x64 9-12%, netif-ctrl
 * (rules of 1,646 characters) 8%. So the half budget is set for a model
 * without a flat layout whose rules' source adds up to
 * {@link LARGE_RULES_SOURCE} characters or more (xenbus, ring, grant, blkif,
 * nc2 of the built-ins), V8's default for every other
 * (docs/perf/2026-12-06e-nested.md). The line sits in a gap: the largest
 * rules below it (netif-tx, 6,496 characters) measured the same CPU with
 * either budget (2026-12-06f-nested.md), so where in the gap it sits does
 * not matter today; test/inlining names the built-ins on each side, so a
 * model whose rules cross it is measured before its budget changes. The flag is process-wide (the workers
 * are threads of this process) and read by each compile job, so the CLI sets
 * it once the model is loaded, before its search runs. Node calls a flag
 * change after start-up undefined behaviour; this one takes effect (measured:
 * the same compile time as the command-line flag).
 *
 * A built-in searched on its word-level model inside its cover
 * (cli/fastPath.ts: ring, xenbus) runs under the built-in's budget, the half
 * one, which the CLI set before the search: V8's default, which a flat layout
 * gets otherwise, compiled 5-18% more CPU on ring-weak-flat and xenbus-flat
 * for a main thread faster by at most a few percent
 * (docs/perf/2026-12-07d-engine.md section 3).
 *
 * PVCHECK_V8_INLINE=1 forces the half budget, 0 V8's default (for
 * measurement). A budget given to node itself (`node
 * --max-inlined-bytecode-size-cumulative=N`, NODE_OPTIONS) is left alone.
 */
import { setFlagsFromString } from 'node:v8';
import { UsageError } from './errors.js';

const FLAG = '--max-inlined-bytecode-size-cumulative';
/** V8's default cumulative inlining budget (Node 20: `node --v8-options`). */
export const V8_DEFAULT_INLINING = 920;
/** The budget of the search of a nested model with large rules. */
export const NESTED_INLINING = 460;

/** The budget this process runs with: V8's default until {@link setInlining} changes it. */
let current = V8_DEFAULT_INLINING;

/** The budget set by the last {@link setInlining} (V8's default before any). */
export const inliningBudget = (): number => current;

/** True when node was started with its own inlining budget (command line or NODE_OPTIONS): pvcheck does not override it. */
const givenToNode = (): boolean => [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => a.startsWith(FLAG));

/** A model's rules whose source (`when` and `then`) adds up to this many characters or more are large: their expansion gets the half budget. */
export const LARGE_RULES_SOURCE = 10_000;

/** What the choice reads of a model: whether it is flat, and its rules. */
export interface InliningModel {
  readonly layout?: unknown;
  readonly rules: readonly { readonly when?: unknown; readonly then: unknown }[];
}

/** The characters of source of a model's rules (their `when` and `then` functions). */
export const rulesSource = (model: InliningModel): number =>
  model.rules.reduce((n, r) => n + (typeof r.when === 'function' ? r.when.toString().length : 0) + (typeof r.then === 'function' ? r.then.toString().length : 0), 0);

/** The budget for a search of `model`: PVCHECK_V8_INLINE's if set, else the half budget for a nested model with large rules. */
export function inliningFor(model: InliningModel): number {
  const forced = process.env.PVCHECK_V8_INLINE;
  if (forced === '1') return NESTED_INLINING;
  if (forced === '0') return V8_DEFAULT_INLINING;
  if (forced !== undefined && forced !== '') throw new UsageError(`PVCHECK_V8_INLINE must be 0 or 1, got '${forced}'`);
  return !model.layout && rulesSource(model) >= LARGE_RULES_SOURCE ? NESTED_INLINING : V8_DEFAULT_INLINING;
}

/**
 * Sets V8's inlining budget for a search of `model` (before its code is
 * compiled: after loading it, before the search); returns the budget in force.
 */
export function setInlining(model: InliningModel): number {
  const want = inliningFor(model);
  if (givenToNode()) return current;
  if (want !== current) {
    setFlagsFromString(`${FLAG}=${want}`);
    current = want;
  }
  return current;
}
