/**
 * cli/fastPath.ts: `pvcheck check ring` inside ring-weak-flat's cover runs on the word-level model, and
 * the user gets ring's run: the same JSON report (counts, coverage, verdicts, observables) as `--nested`
 * (ring itself), on one thread and on 2 workers (which load the word-level model from its module), the
 * same `--dump-states` bytes (ring's states), and a counterexample replayed on ring's rules is the trace
 * ring's own search writes (an invariant added to both, the first state where the frontend consumed
 * two responses). Outside the cover, or for a model that is not the registry's ring, no fast path.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { fastPathFor, fastPathModels } from '../cli/fastPath.js';
import { fastPathModules } from '../cli/workerSystem.js';
import type { Model } from '../model/core.js';
import { resolveParams } from '../model/params.js';
import { findModel } from '../model/registry.js';
import type { RingState } from '../model/ring.js';
import { I, type RingWeakFlatState } from '../model/ringWeakFlat.js';
import { fastPathMatchesNested, listedCoverIsTheCover, replayedMatchesBuiltin } from './support/fastPathCli.js';

const ring = findModel('ring')!;
const point = ['-p', 'memory=weak', '-p', 'frontend=hostile', '-p', 'ringSize=1', '-p', 'messages=1'];
test('check ring inside the cover: the report and the state dump of --nested, on one thread and on 2 workers', () => {
  fastPathMatchesNested('ring', point, 24_729);
});

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
});

test('pvcheck list ring says where check runs on ring-weak-flat, each item as flatCover has it, and --nested', async () => {
  assert.ok((await listedCoverIsTheCover(ring, { memory: 'weak', frontend: 'hostile', ringSize: '2', messages: '3' })) >= 9);
});

test.run();
