/**
 * The every-example part of the multi-worker tests (test/workers.test.ts for
 * flat layouts, test/workersShaped.test.ts for shapes; test/support/workerCases.ts
 * says what is compared): every built-in model at the bounds the tests were
 * written at and every example's `@pvcheck check` lines, each checked on one
 * thread and on 3 workers. Apart from workerCases.ts (session 32) because it
 * lists examples/: run-tests --changed selects whoever imports it on any change
 * of an example, which the tests using only boundCase/summary never run.
 * With PVCHECK_EXAMPLES (run-tests --changed: only a change's examples select
 * the test; test/support/examplesChosen.ts) the cases are the built-ins and
 * the named examples' lines.
 */
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { check } from '../../checker/explore.js';
import { checkParallel, parallelReason } from '../../checker/parallel.js';
import type { System } from '../../checker/system.js';
import { readHeader, resultOf } from '../../cli/catalogue.js';
import { refineResult } from '../../cli/refine.js';
import type { Model } from '../../model/core.js';
import { builtinModels } from '../../model/registry.js';
import { deadlockSelected } from '../../properties/bind.js';
import { boundCase, summary, type Case } from './workerCases.js';
import { chosenOf } from './examplesChosen.js';
import { checkLine } from './models.js';
import { writtenAt } from './bounds.js';

const root = resolve(import.meta.dirname, '..', '..');

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

/** Every example of examples/ (paths). */
export const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts')).map((f) => join(root, 'examples', f));
export const cases: Case[] = [
  // each built-in at the bounds the tests were written at (test/support/bounds.ts): 1 against 3 workers does not depend on them
  ...builtinModels.map((m) => ({ name: m.name, model: m.name, params: Object.fromEntries(Object.entries(writtenAt(m.name)).map(([k, v]) => [k, String(v)])), noDeadlock: false })),
  ...chosenOf(examples, join(root, 'examples')).files.flatMap(exampleCases),
];

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
