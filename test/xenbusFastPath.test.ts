/**
 * cli/fastPath.ts's xenbus entry: `pvcheck check xenbus` inside xenbus-flat's cover (xenbus's defaults are
 * inside) runs on the word-level model, and the user gets xenbus's run: the same JSON report (counts,
 * coverage, verdicts, observables) as `--nested` (xenbus itself), on one thread and on 2 workers (which load
 * the word-level model from its module), the same `--dump-states` bytes (xenbus's states), and a
 * counterexample replayed on xenbus's rules is the trace xenbus's own search writes (an invariant added to
 * both: the first state where netfront registered its net_device). Outside the cover, no fast path.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { fastPathFor } from '../cli/fastPath.js';
import type { Model } from '../model/core.js';
import { resolveParams } from '../model/params.js';
import { findModel } from '../model/registry.js';
import type { XenbusModelState } from '../model/xenbus.js';
import { feNetdev, type XenbusFlatState } from '../model/xenbusFlat.js';
import { fastPathMatchesNested, listedCoverIsTheCover, replayedMatchesBuiltin } from './support/fastPathCli.js';

const xenbus = findModel('xenbus')!;
const point = ['-p', 'events=1'];
test('check xenbus inside the cover: the report and the state dump of --nested, on one thread and on 2 workers', () => {
  fastPathMatchesNested('xenbus', point, 2_103);
});

test("a counterexample of the word-level search, replayed on xenbus's rules, is xenbus's own trace", async () => {
  const p = resolveParams(xenbus.params, { events: '1' });
  if (E.isLeft(p)) throw new Error(p.left);
  const fast = (await fastPathFor(xenbus, p.right as object))!;
  assert.is(fast.model.name, 'xenbus-flat');
  const inv = <S>(holds: (s: S) => boolean) => [{ name: 'no_net_device_yet', description: 'x', see: 'x', holds }];
  const flatM: Model = { ...fast.model, invariants: inv((s: XenbusFlatState) => !feNetdev(s)), goals: [] };
  const nestedM: Model = { ...xenbus, invariants: inv((s: XenbusModelState) => !s.fe.netdev), goals: [] };
  const n = replayedMatchesBuiltin(xenbus, p.right as object, fast, flatM, nestedM, 'no_net_device_yet');
  assert.ok(n > 4, `trace of ${n}`);
});

test('no fast path outside the cover', async () => {
  const at = (ov: Record<string, string>) => {
    const p = resolveParams(xenbus.params, ov);
    if (E.isLeft(p)) throw new Error(p.left);
    return p.right as object;
  };
  assert.is((await fastPathFor(xenbus, at({})))?.model.name, 'xenbus-flat', "xenbus's defaults are inside");
  assert.is(await fastPathFor(xenbus, at({ frontend: 'hostile' })), undefined);
  assert.is(await fastPathFor(xenbus, at({ bus: '7.0' })), undefined);
  assert.is(await fastPathFor(xenbus, at({ events: '7' })), undefined);
  assert.is(await fastPathFor({ ...xenbus }, at({})), undefined);
});

test('pvcheck list xenbus says where check runs on xenbus-flat, each item as flatCover has it, and --nested', async () => {
  assert.ok((await listedCoverIsTheCover(xenbus, {})) >= 13);
});

test.run();
