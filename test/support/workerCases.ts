/**
 * The cases of the multi-worker tests (test/workers.test.ts for flat layouts,
 * test/workersShaped.test.ts for shapes): every built-in model at the bounds
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
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { check, type CheckResult } from '../../checker/explore.js';
import { checkParallel, parallelReason } from '../../checker/parallel.js';
import type { System } from '../../checker/system.js';
import { readHeader, resultOf } from '../../cli/catalogue.js';
import { refineResult } from '../../cli/refine.js';
import { loadModel } from '../../cli/loadModel.js';
import { workerSystemLoader } from '../../cli/workerSystem.js';
import type { Model } from '../../model/core.js';
import { resolveParams } from '../../model/params.js';
import { builtinModels } from '../../model/registry.js';
import { bind, deadlockSelected } from '../../properties/bind.js';
import { serializeTrace, traceFromViolation } from '../../traces/index.js';
import { checkLine } from './models.js';
import { writtenAt } from './bounds.js';

process.env.PVCHECK_PARALLEL_FROM = '1';
const root = resolve(import.meta.dirname, '..', '..');

export interface Case { name: string; model: string; params: Record<string, string>; invariants?: string[]; noDeadlock: boolean; maxStates?: number; maxDepth?: number; expect?: string }

/** The `@pvcheck check` lines of an example, as cases, each with the result its header declares. */
function exampleCases(file: string): Case[] {
  const h = readHeader(file);
  if (E.isLeft(h)) throw new Error(h.left);
  return h.right.checks.map((c) => {
    const l = checkLine([c.args]);
    return {
      name: `${file.split('/').pop()} ${c.args.join(' ')}`, model: file, params: l.params, ...(l.invariants ? { invariants: l.invariants } : {}),
      noDeadlock: !l.checkDeadlock, ...(l.maxStates !== undefined ? { maxStates: l.maxStates } : {}), ...(l.maxDepth !== undefined ? { maxDepth: l.maxDepth } : {}),
      expect: c.expect,
    };
  });
}

export const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts')).map((f) => join(root, 'examples', f));
export const cases: Case[] = [
  // each built-in at the bounds the tests were written at (test/support/bounds.ts): 1 against 3 workers does not depend on them
  ...builtinModels.map((m) => ({ name: m.name, model: m.name, params: Object.fromEntries(Object.entries(writtenAt(m.name)).map(([k, v]) => [k, String(v)])), noDeadlock: false })),
  ...examples.flatMap(exampleCases),
];

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

/**
 * Checks every case `take` accepts (given its model and bound system) on one
 * thread and on 3 workers; returns how many ran on the workers. A case the
 * workers do not take must say why (parallelReason) and have no shape.
 */
export async function compareCases(take: (c: Case, model: Model, sys: System<unknown>) => boolean): Promise<number> {
  let runs = 0;
  for (const c of cases) {
    const { model, params, sys, source, trace } = await boundCase(c.model, c.params, c.invariants);
    const opt = {
      checkDeadlock: !c.noDeadlock && deadlockSelected(c.invariants),
      ...(c.maxStates !== undefined ? { maxStates: c.maxStates } : {}),
      ...(c.maxDepth !== undefined ? { maxDepth: c.maxDepth } : {}),
    };
    const why = parallelReason(sys, opt);
    if (why !== undefined) {
      assert.ok(!sys.shape && (!sys.flat || sys.canonicalize), `${c.name}: ${why}`);
      continue;
    }
    if (!take(c, model, sys)) continue;
    const one = check(sys, opt);
    // an example's line is checked against its header here, not again by test/pinned.test.ts
    // as `pvcheck check` reports it: a quotient's counterexample unfolded into the faithful model's (cli/refine.ts)
    if (c.expect !== undefined) assert.is(resultOf(refineResult(model, params as object, one)), c.expect, `${c.name}: the result its @pvcheck expect line declares`);
    const three = await checkParallel(sys, opt, source, 3);
    runs++;
    assert.is(three.workers, 3, c.name);
    assert.equal(summary(three), summary(one), c.name);
    assert.is(trace(three), trace(one), `${c.name}: trace`);
  }
  return runs;
}

/** Whether a case is a built-in model at its defaults (not an example). */
export const isBuiltin = (c: Case): boolean => builtinModels.some((m) => m.name === c.model);
