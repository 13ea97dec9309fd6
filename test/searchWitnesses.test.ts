/**
 * The observables' witness traces are built when first read, not at the end
 * of every search (checker/trace.ts lazyObservable): a rebuild runs the model's
 * rules through immer, which a report that prints only the witnesses' lengths
 * does not need. The lengths (`minSteps`, `maxSteps`) come from the parent
 * links and equal the traces' (one thread, several workers); a trace read
 * twice is built once; a report's spread or JSON still holds the traces.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { check } from '../checker/explore.js';
import { jugs } from '../checker/fixtures/jugs.js';
import { paramsOf } from '../checker/fixtures/run.js';
import { checkParallel } from '../checker/parallel.js';
import type { CheckResult } from '../checker/report.js';
import type { System } from '../checker/system.js';
import { bind } from '../properties/bind.js';
import { boundCase } from './support/workerCases.js';

/** die-hard with every rule's `then` counted (the search's own step and the traces' immer replay both call it). */
function countedJugs(): { sys: System<unknown>; calls: () => number } {
  const b = bind(jugs, paramsOf(jugs), { invariants: [] });
  if (E.isLeft(b)) throw new Error(b.left);
  let n = 0;
  const sys = b.right as System<unknown>;
  const rules = sys.rules.map((r) => ({ ...r, then: (d: unknown, s: unknown, a: unknown) => (n++, r.then(d as never, s as never, a as never)) }));
  return { sys: { ...sys, rules }, calls: () => n };
}

test('die-hard: the witnesses are replayed when read, once, and not before', () => {
  const { sys, calls } = countedJugs();
  const r = check(sys, {});
  const o = r.observables![0]!;
  assert.is(o.name, 'total');
  assert.is(o.maxSteps, 2); // (3,5) is at depth 2 (checkerGolden)
  assert.is(o.minSteps, 0);
  const after = calls();
  const t = o.maxTrace;
  assert.ok(calls() > after, 'reading maxTrace replays the rules (it was not built by the search)');
  assert.is(t.length - 1, o.maxSteps);
  assert.equal(t.map((x) => x.rule), [null, 'FillSmall', 'FillBig']);
  assert.equal(t.at(-1)!.state, { small: 3, big: 5 });
  const read = calls();
  assert.is(o.maxTrace, t, 'built once, then kept');
  assert.is(calls(), read);
  assert.is(o.minTrace.length, 1);
  // a spread and JSON hold the traces, as they did when they were built eagerly
  const copy = { ...o };
  assert.is(copy.maxTrace, t);
  assert.equal(JSON.parse(JSON.stringify(o)).maxTrace.length, 3);
});

const lengths = (r: CheckResult<unknown>) =>
  r.observables!.map((o) => ({ name: o.name, min: o.min, max: o.max, minSteps: o.minSteps, maxSteps: o.maxSteps }));
const traces = (r: CheckResult<unknown>) => r.observables!.map((o) => [o.minTrace, o.maxTrace]);

test('limiter (the first 20,000 states): the lengths are the traces\', and the same on one thread and on 2 workers', async () => {
  process.env.PVCHECK_PARALLEL_FROM = '1';
  try {
    const { sys, source } = await boundCase('limiter', {});
    const opt = { maxStates: 20_000 };
    const one = check(sys, opt);
    const two = await checkParallel(sys, opt, source, 2);
    assert.is(two.workers, 2);
    assert.equal(lengths(two), lengths(one));
    assert.ok(one.observables!.some((o) => o.maxSteps > 3), 'some witness is a few steps deep');
    for (const r of [one, two])
      for (const o of r.observables!) {
        assert.is(o.minTrace.length - 1, o.minSteps, `${o.name} min`);
        assert.is(o.maxTrace.length - 1, o.maxSteps, `${o.name} max`);
      }
    assert.equal(traces(two), traces(one));
  } finally {
    delete process.env.PVCHECK_PARALLEL_FROM;
  }
});

test.run();
