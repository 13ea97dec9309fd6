/**
 * The examples whose model declares a shape, each compared once on every path
 * (test/shapesExamplesA.test.ts and ...B.test.ts, half of examples/ each):
 *
 * - the first `@pvcheck check` line on the reference path (copy-on-write
 *   drafts, structural hashing, the model's own canonicalize) and on the
 *   packed path: the same states, edges, depth, verdict, coverage,
 *   observables, state set (a digest of every state) and trace
 *   (test/support/models.ts pathsRun); always;
 * - with the slow tests (PVCHECK_SLOW_TESTS=1, CI): every check line on one
 *   thread against its `@pvcheck expect` line, and the first line also on 3
 *   workers (every level on every worker, PVCHECK_PARALLEL_FROM=1): the same
 *   outcome, counts, coverage, observables with their witnesses and trace
 *   bytes (test/support/workerCases.ts). The first line's one-thread search
 *   is the packed search of the step above, not a second one.
 *
 * Until session 29 every line ran on 3 workers too (a third of CI's test
 * phase, the two files 151 + 142 s): the later lines are the same model at
 * larger bounds (events, reconnect, reconfigure), and what 3 workers must
 * agree with one thread on at larger bounds is the engine's concern
 * (test/workers*: determinism, hand-over, cuts, shaped models, every
 * built-in in test/workersShaped); here the first line of each example still
 * runs its own variant code, its own shape and codec, on the workers.
 *
 * Before (2026-12-05), test/shapesExamples.test.ts did the first step and
 * test/workersShapedExamplesA/B.test.ts the second, each with its own
 * one-thread packed search of every first line.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { check, type CheckResult } from '../../checker/explore.js';
import { checkParallel, parallelReason } from '../../checker/parallel.js';
import { readHeader, resultOf } from '../../cli/catalogue.js';
import { loadModel } from '../../cli/loadModel.js';
import { refineResult } from '../../cli/refine.js';
import { checkLine, paramsOf, pathsRun } from './models.js';
import { boundCase, summary } from './workerCases.js';
import { chosenOf } from './examplesChosen.js';

const root = resolve(import.meta.dirname, '..', '..');

/** The examples of one half of examples/ (sorted; alternate files, so that each half has about as many of the slow xenbus ones). */
export const exampleHalf = (half: 0 | 1): string[] =>
  readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts')).sort().filter((_f, i) => i % 2 === half).map((f) => join(root, 'examples', f));

export const slowTests = process.env.PVCHECK_SLOW_TESTS === '1';

/**
 * The examples of one half that this run compares: every one, or those PVCHECK_EXAMPLES names (run-tests
 * --changed passes it when only a change's examples select the file; test/support/examplesChosen.ts).
 */
export function halfChosen(half: 0 | 1): { whole: string[]; files: string[]; chosen: ReadonlySet<string> | undefined } {
  const whole = exampleHalf(half);
  return { whole, ...chosenOf(whole, join(root, 'examples')) };
}

/**
 * Compares one example on every path (above); returns how many of its lines
 * ran against their header on one thread and how many on 3 workers, or
 * undefined when its model declares no shape.
 */
export async function compareShapedExample(file: string, workers: boolean): Promise<{ lines: number; onWorkers: number } | undefined> {
  const m = await loadModel(file);
  if (!m.shape) return undefined;
  const h = readHeader(file);
  if (E.isLeft(h)) throw new Error(h.left);
  const name = file.split('/').pop();
  let lines = 0;
  let onWorkers = 0;
  for (const [i, c] of h.right.checks.entries()) {
    const what = `check examples/${name} ${c.args.join(' ')}`;
    const line = checkLine([c.args]);
    let one: CheckResult<unknown> | undefined;
    if (i === 0) {
      const p = paramsOf(m, line.params);
      const packed = pathsRun(m, p, false, line);
      assert.is(packed.summary, pathsRun(m, p, true, line).summary, `${what}: the packed and the reference path`);
      one = packed.result;
    }
    if (!workers) break;
    const { params, sys, source, trace } = await boundCase(file, line.params, line.invariants);
    const opt = {
      checkDeadlock: line.checkDeadlock,
      ...(line.maxStates !== undefined ? { maxStates: line.maxStates } : {}),
      ...(line.maxDepth !== undefined ? { maxDepth: line.maxDepth } : {}),
    };
    const why = parallelReason(sys, opt);
    assert.is(why, undefined, `${what}: a shape runs on the workers`);
    one ??= check(sys, opt);
    // the line is checked against its header here, not again by test/pinned.test.ts
    // as `pvcheck check` reports it: a quotient's counterexample unfolded into the faithful model's (cli/refine.ts)
    if (c.expect !== undefined) assert.is(resultOf(refineResult(m, params as object, one)), c.expect, `${what}: the result its @pvcheck expect line declares`);
    lines++;
    if (i > 0) continue;
    const three = await checkParallel(sys, opt, source, 3);
    onWorkers++;
    assert.is(three.workers, 3, what);
    assert.equal(summary(three), summary(one), `${what}: 1 and 3 workers`);
    assert.is(trace(three), trace(one), `${what}: trace at 1 and 3 workers`);
  }
  return { lines, onWorkers };
}

/**
 * The tests of one half of examples/ (test/shapesExamplesA and B run one each,
 * so that the two halves run side by side): each example compared as
 * {@link compareShapedExample} says, then a check that the half had shaped
 * examples and, with the slow tests, ran their lines on 3 workers.
 */
export function shapedExampleTests(half: 0 | 1): void {
  const H = half === 0 ? 'A' : 'B';
  if (!slowTests) console.log('skip: every check line against its header, the first at 1 and 3 workers (minutes): set PVCHECK_SLOW_TESTS=1 (CI does)');
  const { whole, files, chosen } = halfChosen(half);
  if (chosen) console.log(`PVCHECK_EXAMPLES: ${files.length} of the ${whole.length} examples of half ${H} (${files.map((f) => f.split('/').pop()).join(', ') || 'none'})`);
  let ran = 0;
  let shaped = 0;
  let lines = 0;
  let onWorkers = 0;
  let headerLines = 0;
  for (const f of files) {
    const name = f.split('/').pop();
    test(`example ${name}: packed and reference paths agree at its first check line${slowTests ? '; every line as its header says on one thread, the first the same at 3 workers' : ''}`, async () => {
      const runs = await compareShapedExample(f, slowTests);
      ran++;
      if (runs === undefined) return;
      shaped++;
      lines += runs.lines;
      onWorkers += runs.onWorkers;
      const h = readHeader(f);
      if (E.isRight(h)) headerLines += h.right.checks.length;
    });
  }
  test(`half ${H} has shaped examples, and with the slow tests every one of their lines ran on one thread and each first line on 3 workers`, () => {
    assert.is(ran, files.length, `examples of half ${H} compared`);
    assert.ok(whole.length >= 30, `examples in half ${H}: ${whole.length}`);
    // the chosen ones alone: no count of shaped ones to reach (a changed example may declare no shape)
    if (!chosen) assert.ok(shaped >= 20, `shaped examples in half ${H}: ${shaped}`);
    if (slowTests) {
      assert.is(lines, headerLines, 'every check line of every shaped example ran on one thread');
      assert.is(onWorkers, shaped, 'the first line of every shaped example ran on 3 workers');
    }
    console.log(`${shaped} shaped examples${slowTests ? `, ${lines} check lines on one thread, ${onWorkers} on 3 workers` : ''}`);
  });
}
