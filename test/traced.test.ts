/**
 * Traced rules (checker/traced.ts): the expansion on a shape's packed words by
 * tries made from the rules as they run gives what the expansion on objects
 * gives:
 *
 * - every built-in model with a shape, at the bounds the tests were written
 *   at and at a few wider ones, and every example whose model declares a
 *   shape at its first check line: the same states, edges, depth, verdict,
 *   coverage, observables, state set and trace bytes traced as on the packed
 *   path without tracing (test/shapes and test/shapesExamples compare that
 *   path with the reference path), and on a few, with the reference path
 *   directly;
 * - PVCHECK_TRACE_CHECK=1 compares every expansion with the one on objects,
 *   word for word: a rule that keeps hidden state (a counter in a closure) is
 *   caught there (and here, without it, by its trie: a call read what an
 *   earlier call on the same values did not);
 * - an effect whose reads keep making new paths (netif-rx copies its lists)
 *   runs on objects from then on, with the same counts;
 * - a rule that writes its input state fails with an error naming the field.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import { readHeader } from '../cli/catalogue.js';
import { deriveModel, type Model } from '../model/core.js';
import { builtinModels, findModel } from '../model/registry.js';
import { checkLine, paramsOf, pathsSummary as summary, runModel, systemOf } from './support/models.js';
import { Search } from '../checker/search.js';
import { writtenAt } from './support/bounds.js';

type M = Model<unknown, unknown>;
const traced = { traced: true };

// first: the quickest killer of traced-invariant-stale-trie (test/mutants/checker.json; the built-ins' loop killed it at grant, its third test)
test('an effect whose reads keep making new paths runs on objects (netif-rx): the same counts', () => {
  const m = findModel('netif-rx') as M;
  const sys = systemOf(m, paramsOf(m, writtenAt('netif-rx')));
  const s = new Search(sys, traced);
  const a = s.run()!;
  const b = new Search(sys, { traced: false }).run()!;
  const tracer = (s as unknown as { path: { tracer: { onObjects: Uint8Array; stats: { onObjects: number } } } }).path.tracer;
  assert.ok(tracer.onObjects.some((x) => x === 1) && tracer.stats.onObjects > 0, 'some effect runs on objects');
  assert.equal([a.outcome, a.distinctStates, a.edges, a.depth, a.coverage], [b.outcome, b.distinctStates, b.edges, b.depth, b.coverage]);
});

// xenbus at its written-at bounds takes 11 s both ways: its examples below walk its xenstore
for (const m of builtinModels.filter((x) => x.shape && x.name !== 'xenbus') as M[]) {
  test(`${m.name}: traced and untraced packed paths agree at the bounds the tests were written at`, () => {
    const p = paramsOf(m, writtenAt(m.name));
    assert.is(summary(m, p, false, {}, traced), summary(m, p, false, {}, { traced: false }));
  });
}

const WIDER: [string, Record<string, string | number | boolean>][] = [
  ['ring', { memory: 'weak', ringSize: 1, messages: 2 }],
  ['ring', { counters: true, payloads: 2, ringSize: 2, messages: 2, startIndex: 0xfffffffe }],
];
for (const [name, ov] of WIDER) {
  test(`${name} ${JSON.stringify(ov)}: traced and untraced packed paths agree`, () => {
    const m = findModel(name) as M;
    const p = paramsOf(m, writtenAt(name, ov));
    assert.is(summary(m, p, false, {}, traced), summary(m, p, false, {}, { traced: false }));
  });
}

// directly against the reference path (copy-on-write objects, structural hashing)
for (const name of ['ring-api', 'nc2-packets']) {
  test(`${name}: traced path and reference path agree`, () => {
    const m = findModel(name) as M;
    const p = paramsOf(m, writtenAt(name));
    assert.is(summary(m, p, false, {}, traced), summary(m, p, true));
  });
}

/**
 * Examples of every shaped model, a few each (all 78 of them agreed when this
 * file was written, in 104 s of CPU: docs/perf/2026-12-05d-nested.md).
 */
const EXAMPLES = [
  'xenbus-mirage-close-on-closing.ts', 'xenbus-xsa349.ts', 'xenbus-dpdk-restart-clears-start.ts', 'xenbus-hotplug-no-wait.ts',
  'netif-xsa448-zero-frag.ts', 'netif-b12-extra-count.ts', 'netif-rx-fill-frags-fix.ts', 'grant-xsa396.ts',
  'grant-set-status-no-recheck.ts', 'nc2-free-space-no-recheck.ts',
];
const exDir = resolve(import.meta.dirname, '..', 'examples');
for (const f of EXAMPLES) {
  test(`example ${f}: traced and untraced packed paths agree at its first check line`, async () => {
    const m = (await import(pathToFileURL(join(exDir, f)).href)).default as M;
    assert.ok(m.shape, `${f} declares a shape`);
    const h = readHeader(join(exDir, f));
    if (E.isLeft(h)) throw new Error(h.left);
    const line = checkLine([h.right.checks[0]!.args]);
    const p = paramsOf(m, line.params);
    assert.is(summary(m, p, false, line, traced), summary(m, p, false, line, { traced: false }), `check examples/${f} ${h.right.checks[0]!.args.join(' ')}`);
  });
}

/** ring-api whose produce_request produces only on every other call: hidden state, a counter in a closure. */
function hiddenCounter(): M {
  const m = findModel('ring-api') as M;
  const produce = m.rules.find((r) => r.name === 'produce_request')!;
  let calls = 0;
  return deriveModel(m, {
    name: 'ring-api-hidden-counter',
    description: 'produce_request remembers how often it ran',
    replace: { produce_request: { ...produce, then: (d: any, s, p, a) => void (calls++ % 2 === 0 && produce.then(d, s, p, a)) } },
  }) as M;
}

function withTraceCheck<T>(f: () => T): T {
  process.env.PVCHECK_TRACE_CHECK = '1';
  try {
    return f();
  } finally {
    delete process.env.PVCHECK_TRACE_CHECK;
  }
}

test('PVCHECK_TRACE_CHECK=1 agrees on every expansion of the built-ins it is run on', () => {
  for (const name of ['ring-api', 'nc2-packets']) {
    const m = findModel(name) as M;
    const p = paramsOf(m, writtenAt(name));
    const a = withTraceCheck(() => runModel(m, p, traced));
    const b = runModel(m, p, { traced: false });
    assert.equal([a.outcome, a.distinctStates, a.edges], [b.outcome, b.distinctStates, b.edges], name);
  }
});

test('a rule with hidden state (a counter in a closure) is caught by PVCHECK_TRACE_CHECK', () => {
  const m = hiddenCounter();
  const p = paramsOf(m, {});
  assert.throws(() => withTraceCheck(() => runModel(m, p, traced)), (e: Error) => /traced: transition \d+ differs from the expansion on objects \(traced: rule produce_request/.test(e.message) && /not a function of the state/.test(e.message));
  // without the check, the trie of the effect meets a call that reads what an earlier call did not
  assert.throws(() => runModel(hiddenCounter(), p, traced), (e: Error) => /traced: the effect of produce_request read other values than before/.test(e.message));
});

test('a rule that writes its input state fails naming the field', () => {
  const m = findModel('ring-api') as M;
  const produce = m.rules.find((r) => r.name === 'produce_request')!;
  const bad = deriveModel(m, {
    name: 'ring-api-writes-input',
    description: 'produce_request writes s',
    replace: { produce_request: { ...produce, then: (d: any, s: any, p, a) => { produce.then(d, s, p, a); s.req_prod_pvt = d.req_prod_pvt; } } },
  }) as M;
  assert.throws(() => runModel(bad, paramsOf(bad, {}), traced), (e: Error) => /wrote to its input state instead of the draft \(at req_prod_pvt\)/.test(e.message));
});

test.run();
