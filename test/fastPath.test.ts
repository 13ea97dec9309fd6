/**
 * cli/fastPath.ts: `pvcheck check ring` inside ring-weak-flat's cover runs on the word-level model, and
 * the user gets ring's run: the same JSON report (counts, coverage, verdicts, observables) as `--nested`
 * (ring itself), on one thread and on 2 workers (which load the word-level model from its module), the
 * same `--dump-states` bytes (ring's states), and a counterexample replayed on ring's rules is the trace
 * ring's own search writes (an invariant added to both, the first state where the frontend consumed
 * two responses). A rule or invariant that throws on the word-level model is reported as `--nested`
 * reports it (ring's name, state, choice and file:line; the same fault injected in both models, and in the
 * word-level model alone: ring's state and a line saying so). Outside the cover, or for a model that is not the registry's ring, no fast path.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { runSearch } from '../cli/check.js';
import { fastPathFor, fastPathModels, fastPathsByBuiltin } from '../cli/fastPath.js';
import { faultTrace, faultWhere } from '../cli/fault.js';
import { ModelFault } from '../properties/fault.js';
import { fastPathModules } from '../cli/workerSystem.js';
import type { Model } from '../model/core.js';
import { resolveParams } from '../model/params.js';
import { findModel } from '../model/registry.js';
import type { RingState } from '../model/ring.js';
import { I, ringWeakFlat as fastFlat, type RingWeakFlatState } from '../model/ringWeakFlat.js';
import { fastPathMatchesNested, listedCoverIsTheCover, replayedMatchesBuiltin } from './support/fastPathCli.js';

const ring = findModel('ring')!;
const point = ['-p', 'memory=weak', '-p', 'frontend=hostile', '-p', 'ringSize=1', '-p', 'messages=1'];
test("a counterexample of the word-level search, replayed on ring's rules, is ring's own trace", async () => {
  const p = resolveParams(ring.params, { memory: 'weak', ringSize: '1', messages: '2' });
  if (E.isLeft(p)) throw new Error(p.left);
  const fast = (await fastPathFor(ring, p.right as object))!;
  assert.is(fast.model.name, 'ring-weak-flat');
  const inv = <S>(holds: (s: S) => boolean) => [{ name: 'two_responses_not_consumed', description: 'x', see: 'x', holds }];
  const flatM: Model = { ...fast.model, invariants: inv((s: RingWeakFlatState) => s.rsp_cons !== I(2)) };
  const ringM: Model = { ...ring, invariants: inv((s: RingState) => s.front[0]!.rsp_cons !== 2) };
  const n = replayedMatchesBuiltin(ring, p.right as object, fast, flatM, ringM, 'two_responses_not_consumed');
  assert.ok(n > 10);
});

test('no fast path outside the cover or for a model that is not the registry\'s ring; the workers know every word-level model', async () => {
  const at = (ov: Record<string, string>) => {
    const p = resolveParams(ring.params, ov);
    if (E.isLeft(p)) throw new Error(p.left);
    return p.right as object;
  };
  assert.is((await fastPathFor(ring, at({ memory: 'weak', ringSize: '2' })))?.model.name, 'ring-weak-flat');
  assert.is(await fastPathFor(ring, at({ memory: 'tso', ringSize: '2' })), undefined);
  assert.is(await fastPathFor(ring, at({ memory: 'weak', ringSize: '2', rings: 'pair' })), undefined);
  assert.is(await fastPathFor({ ...ring }, at({ memory: 'weak', ringSize: '2' })), undefined);
  assert.equal(Object.keys(fastPathModules).sort(), fastPathModels().sort());
  assert.equal(fastPathsByBuiltin(), { ring: 'ring-weak-flat', xenbus: 'xenbus-flat' });
});

test("each word-level model's initial states have their keys in its layout's order (the flat path unpacks states in that order; docs/word-level.md)", async () => {
  const { xenbusFlat } = await import('../model/xenbusFlat.js');
  for (const m of [fastFlat, xenbusFlat] as Model[]) {
    const p = m.params.defaults;
    const order = m.layout!(p).map((f) => f.name);
    for (const s0 of m.init(p)) assert.equal(Object.keys(s0 as object), order, m.name);
  }
});

test('pvcheck list ring says where check runs on ring-weak-flat, each item as flatCover has it, and --nested', async () => {
  assert.ok((await listedCoverIsTheCover(ring, { memory: 'weak', frontend: 'hostile', ringSize: '2', messages: '3' })) >= 9);
});

/** `m`'s `key` set to `v` while `f` runs (the registry's and the word-level module's own objects: the fast path takes no other). */
async function patched<T>(m: Model, key: 'invariants' | 'rules', v: unknown, f: () => Promise<T>): Promise<T> {
  const was = m[key];
  (m as unknown as Record<string, unknown>)[key] = v;
  try {
    return await f();
  } finally {
    (m as unknown as Record<string, unknown>)[key] = was;
  }
}
/** The ModelFault `check ring` (the fast path, or --nested) ends with, as cli/fault.ts writes it (its trace file's content). */
const faultOf = async (params: object, nested: boolean) => {
  const f = await runSearch(ring, params, { workers: 1, progress: false, nested }).then(
    () => assert.unreachable('the search ended without a fault'),
    (e: unknown) => e,
  );
  if (!(f instanceof ModelFault)) throw f;
  const { created, ...trace } = faultTrace(f, faultWhere(f), undefined);
  void created;
  return { f, report: { message: f.message, model: f.model?.name, params: f.params, trace } };
};

test("a fault of the word-level model's code is reported as --nested reports it: ring's state, ring's own fault where ring throws too", async () => {
  const p = resolveParams(ring.params, { memory: 'weak', ringSize: '1', messages: '2' });
  if (E.isLeft(p)) throw new Error(p.left);
  const params = p.right as object;
  const flat = (await fastPathFor(ring, params))!.model;
  const boom = () => new Error('boom');
  const inv = <S>(holds: (s: S) => boolean) => [{ name: 'two_responses', description: 'x', see: 'x', holds }];
  // an invariant that throws in both, in the first state where the frontend consumed two responses
  const flatInv = inv((s: RingWeakFlatState) => { if (s.rsp_cons === I(2)) throw boom(); return true; });
  const ringInv = inv((s: RingState) => { if (s.front[0]!.rsp_cons === 2) throw boom(); return true; });
  const want = await patched(ring, 'invariants', ringInv, () => faultOf(params, true));
  const got = await patched(ring, 'invariants', ringInv, () => patched(flat, 'invariants', flatInv, () => faultOf(params, false)));
  assert.equal(got.report, want.report);
  assert.is(got.f.model, ring);
  assert.is((want.f.state as RingState).front[0]!.rsp_cons, 2);
  // a rule's effect that throws in both (with a choice: the payload of the second request)
  const rules = <S>(m: Model, fails: (s: S, v: number) => boolean) =>
    m.rules.map((r) => (r.name !== 'produce_request' ? r : { ...r, then: (d: unknown, s: S, q: unknown, v: number) => { if (fails(s, v)) throw boom(); r.then(d, s, q, v); } }));
  const ringRules = rules(ring, (s: RingState, v) => s.front[0]!.req_prod_pvt === 1 && v === 0);
  const flatRules = rules(flat, (s: RingWeakFlatState, v) => s.req_prod_pvt === I(1) && v === 0);
  const wantRule = await patched(ring, 'rules', ringRules, () => faultOf(params, true));
  const gotRule = await patched(ring, 'rules', ringRules, () => patched(flat, 'rules', flatRules, () => faultOf(params, false)));
  assert.equal(gotRule.report, wantRule.report);
  assert.match(gotRule.f.message, /^rule produce_request's effect \(then\) threw: boom$/);
  // the word-level model alone throws (the two differ): ring's state all the same, and the line says so
  const alone = await patched(flat, 'invariants', flatInv, () => faultOf(params, false));
  assert.is(alone.f.model, ring);
  assert.equal(alone.report.trace.steps[0]!.state, want.report.trace.steps[0]!.state);
  assert.match(alone.f.message, /^invariant two_responses threw: boom \(in ring-weak-flat, ring's word-level fast path, only: ring itself does not throw there \(--nested runs it\)\)$/);
});

// last: three CLI processes, most of the file's time; the tests above kill four of test/mutants/cli.json's five
// fast-path mutants in about a second each (npm run mutants --which), this one fast-path-dump-not-mapped
test('check ring inside the cover: the report and the state dump of --nested, on one thread and on 2 workers', () => {
  fastPathMatchesNested('ring', point, 24_729);
});

test.run();
