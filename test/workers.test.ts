/**
 * The multi-worker search (checker/parallel.ts) gives what the single-threaded
 * one gives: every built-in model at its defaults and every example's `@pvcheck
 * check` lines, at 1 and at 3 workers: outcome, counts (states, edges, depth,
 * terminal states), coverage, observables with their witnesses, and the
 * counterexample's trace file byte for byte (bar its `created` time).
 * PVCHECK_PARALLEL_FROM=1 makes every level, however small, run on every
 * worker, so the merge, the flagged table and the exact re-run of the last
 * level are all exercised. Systems the workers do not take (nested states,
 * symmetry, AG EF goals) must say why (parallelReason) and run on one thread.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { check, type CheckResult } from '../checker/explore.js';
import { checkParallel, parallelReason } from '../checker/parallel.js';
import { loadModel } from '../cli/loadModel.js';
import { workerSystemLoader } from '../cli/workerSystem.js';
import type { Model } from '../model/core.js';
import { resolveParams } from '../model/params.js';
import { builtinModels } from '../model/registry.js';
import { bind, deadlockSelected } from '../properties/bind.js';
import { serializeTrace, traceFromViolation } from '../traces/index.js';

process.env.PVCHECK_PARALLEL_FROM = '1';
const root = resolve(import.meta.dirname, '..');

interface Case { name: string; model: string; params: Record<string, string>; invariants?: string[]; noDeadlock: boolean; maxStates?: number; maxDepth?: number }

/** The `@pvcheck check` lines of an example, as cases. */
function exampleCases(file: string): Case[] {
  const text = readFileSync(file, 'utf8');
  const out: Case[] = [];
  for (const m of text.matchAll(/^\s*\*\s*@pvcheck check\b(.*)$/gm)) {
    const args = m[1]!.trim().split(/\s+/).filter(Boolean);
    const c: Case = { name: `${file.split('/').pop()} ${args.join(' ')}`, model: file, params: {}, noDeadlock: false };
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-p' || a === '--param') {
        const [k, v] = args[++i]!.split('=');
        c.params[k!] = v!;
      } else if (a === '-i' || a === '--invariant') (c.invariants ??= []).push(args[++i]!);
      else if (a === '--no-deadlock') c.noDeadlock = true;
      else if (a === '--max-states') c.maxStates = Number(args[++i]);
      else if (a === '--max-depth') c.maxDepth = Number(args[++i]);
      else throw new Error(`${file}: check option ${a} not understood by this test`);
    }
    out.push(c);
  }
  return out;
}

const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts')).map((f) => join(root, 'examples', f));
const cases: Case[] = [
  ...builtinModels.map((m) => ({ name: m.name, model: m.name, params: {}, noDeadlock: false })),
  ...examples.flatMap(exampleCases),
];

const summary = (r: CheckResult<unknown>) => ({
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

let parallelRuns = 0;
test('every built-in model and every example: the same result and trace at 1 and at 3 workers', async () => {
  assert.ok(examples.length >= 10, `examples found: ${examples.length}`);
  for (const c of cases) {
    const model = await loadModel(c.model);
    const p = resolveParams(model.params, c.params);
    if (E.isLeft(p)) throw new Error(`${c.name}: ${p.left}`);
    const sys = bind(model, p.right, c.invariants ? { invariants: c.invariants } : {});
    if (E.isLeft(sys)) throw new Error(`${c.name}: ${sys.left}`);
    const opt = {
      checkDeadlock: !c.noDeadlock && deadlockSelected(c.invariants),
      ...(c.maxStates !== undefined ? { maxStates: c.maxStates } : {}),
      ...(c.maxDepth !== undefined ? { maxDepth: c.maxDepth } : {}),
    };
    const why = parallelReason(sys.right, opt);
    if (why !== undefined) {
      assert.ok(!sys.right.flat || sys.right.canonicalize || sys.right.goals?.length, `${c.name}: ${why}`);
      continue;
    }
    const one = check(sys.right, opt);
    const three = await checkParallel(sys.right, opt, { loader: workerSystemLoader, args: { model: c.model, params: p.right, ...(c.invariants ? { invariants: c.invariants } : {}) } }, 3);
    parallelRuns++;
    assert.is(three.workers, 3, c.name);
    assert.equal(summary(three), summary(one), c.name);
    assert.is(traceBytes(model, p.right, three), traceBytes(model, p.right, one), `${c.name}: trace`);
  }
  assert.ok(parallelRuns >= 3, `runs on 3 workers: ${parallelRuns}`);
  console.log(`${parallelRuns} of ${cases.length} checks ran on 3 workers; the others run on one thread`);
});

test('ring-notify 4x8 with maxStates and maxDepth cuts inside levels: the same at 2 and 3 workers', async () => {
  const model = await loadModel('ring-notify');
  const p = { ...(model.params.defaults as object), ringSize: 4, messages: 8 };
  const sys = bind(model, p);
  if (E.isLeft(sys)) throw new Error(sys.left);
  for (const opt of [{ maxStates: 5000 }, { maxStates: 1 }, { maxDepth: 20 }, { maxStates: 3000, maxDepth: 15 }, {}]) {
    const one = check(sys.right, opt);
    for (const n of [2, 3]) {
      const par = await checkParallel(sys.right, opt, { loader: workerSystemLoader, args: { model: 'ring-notify', params: p } }, n);
      assert.equal(summary(par), summary(one), `${JSON.stringify(opt)} at ${n} workers`);
    }
  }
});

test.run();
