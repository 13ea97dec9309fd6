/**
 * The cases of the multi-worker tests (test/workers.test.ts for flat layouts,
 * test/workersShaped.test.ts for shapes; the cases and their comparison are
 * test/support/workerExamples.ts, which lists examples/): every built-in model at the bounds
 * the tests were written at (test/support/bounds.ts) and every example's `@pvcheck check` lines, each checked on one
 * thread and on 3 workers, compared on outcome, counts (states, edges, depth,
 * terminal states), coverage, observables with their witnesses, and the
 * counterexample's trace file byte for byte (bar its `created` time); an
 * example's one-thread result is also compared with its `@pvcheck expect`
 * line (test/pinned.test.ts leaves these lines to the workers tests).
 * PVCHECK_PARALLEL_FROM=1 makes every level, however small, run on every
 * worker, so the merge, the flagged table and the exact re-run of the last
 * level are all exercised.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { CheckResult } from '../../checker/explore.js';
import type { System } from '../../checker/system.js';
import { loadModel } from '../../cli/loadModel.js';
import { workerSystemLoader } from '../../cli/workerSystem.js';
import type { Model } from '../../model/core.js';
import { resolveParams } from '../../model/params.js';
import { bind } from '../../properties/bind.js';
import { serializeTrace, traceFromViolation } from '../../traces/index.js';

process.env.PVCHECK_PARALLEL_FROM = '1';
export interface Case { name: string; model: string; params: Record<string, string>; invariants?: string[]; noDeadlock: boolean; maxStates?: number; maxDepth?: number; expect?: string }

export const summary = (r: CheckResult<unknown>) => ({
  outcome: r.outcome,
  reason: r.incompleteReason,
  distinctStates: r.distinctStates,
  edges: r.edges,
  depth: r.depth,
  queue: r.queue,
  terminalStates: r.terminalStates,
  coverage: r.coverage,
  property: r.violation?.property,
  observables: r.observables?.map((o) => ({ name: o.name, min: o.min, max: o.max, minTrace: o.minTrace, maxTrace: o.maxTrace })),
});

const traceBytes = (model: Model, params: object, r: CheckResult<unknown>): string | undefined => {
  if (!r.violation) return undefined;
  const t = traceFromViolation(model, params, r.violation, 'pvcheck check');
  const s = serializeTrace(t, 'json');
  if (E.isLeft(s)) throw new Error(s.left);
  return s.right.replace(/"created": "[^"]*"/, '"created": ""');
};

/**
 * A model (built-in name or file) bound at `params` with `invariants`: the
 * system, the source the workers load it from, and the bytes of a result's
 * trace file (bar its `created` time), for comparing a parallel run with one thread.
 */
export async function boundCase(model: string, params: Record<string, string>, invariants?: string[]) {
  const m = await loadModel(model);
  const p = resolveParams(m.params, params);
  if (E.isLeft(p)) throw new Error(`${model}: ${p.left}`);
  const sys = bind(m, p.right, invariants ? { invariants } : {});
  if (E.isLeft(sys)) throw new Error(`${model}: ${sys.left}`);
  const source = { loader: workerSystemLoader, args: { model, params: p.right, ...(invariants ? { invariants } : {}) } };
  return { model: m, params: p.right, sys: sys.right as System<unknown>, source, trace: (r: CheckResult<unknown>) => traceBytes(m, p.right, r) };
}
