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
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { check } from '../checker/search.js';
import { asBuiltin, fastPathFor } from '../cli/fastPath.js';
import type { Model } from '../model/core.js';
import { resolveParams } from '../model/params.js';
import { findModel } from '../model/registry.js';
import type { XenbusModelState } from '../model/xenbus.js';
import type { XenbusFlatState } from '../model/xenbusFlat.js';
import { bind } from '../properties/bind.js';
import { pvcheck } from './support/cli.js';
import { scratchDir } from './support/tmp.js';

const xenbus = findModel('xenbus')!;
const point = ['-p', 'events=1'];
/** The JSON report without what the clock and the workers change. */
const report = (out: string) => {
  const { seconds, statesPerSecond, workers, workersReason, ...rest } = JSON.parse(out) as Record<string, unknown>;
  void seconds, statesPerSecond, workers, workersReason;
  return rest;
};

test('check xenbus inside the cover: the report and the state dump of --nested, on one thread and on 2 workers', () => {
  const dir = scratchDir('xenbusfastpath');
  const flat = pvcheck(['check', 'xenbus', ...point, '--json', '-w', '1', '--dump-states', join(dir, 'flat.txt')], dir);
  const nested = pvcheck(['check', 'xenbus', ...point, '--json', '-w', '1', '--dump-states', join(dir, 'nested.txt'), '--nested'], dir);
  const two = pvcheck(['check', 'xenbus', ...point, '--json', '-w', '2'], dir);
  for (const r of [flat, nested, two]) assert.is(r.code, 0, r.err);
  const want = report(nested.out);
  assert.is(want['distinctStates'], 2_103);
  assert.equal(report(flat.out), want);
  // the workers' shared table is not one thread's: its bytes and collision bound are theirs (the same with --nested)
  const { stateSetSha256, bytesPerState, fingerprintCollisionProbability, ...rest } = want;
  assert.ok(stateSetSha256 && bytesPerState && fingerprintCollisionProbability);
  const { bytesPerState: b2, fingerprintCollisionProbability: c2, ...rest2 } = report(two.out);
  assert.ok(b2 && c2);
  assert.equal(rest2, rest);
  assert.is(JSON.parse(two.out).workers, 2, 'the workers loaded the word-level model');
  assert.is(readFileSync(join(dir, 'flat.txt'), 'utf8'), readFileSync(join(dir, 'nested.txt'), 'utf8'));
});

test("a counterexample of the word-level search, replayed on xenbus's rules, is xenbus's own trace", async () => {
  const p = resolveParams(xenbus.params, { events: '1' });
  if (E.isLeft(p)) throw new Error(p.left);
  const fast = (await fastPathFor(xenbus, p.right as object))!;
  assert.is(fast.model.name, 'xenbus-flat');
  const inv = <S>(holds: (s: S) => boolean) => [{ name: 'no_net_device_yet', description: 'x', see: 'x', holds }];
  const flatM: Model = { ...fast.model, invariants: inv((s: XenbusFlatState) => s.fe_netdev === 0), goals: [] };
  const nestedM: Model = { ...xenbus, invariants: inv((s: XenbusModelState) => !s.fe.netdev), goals: [] };
  const run = (m: Model) => {
    const sys = bind(m, p.right as object);
    if (E.isLeft(sys)) throw new Error(sys.left);
    return check(sys.right);
  };
  const got = asBuiltin(xenbus, p.right as object, fast, run(flatM));
  const want = run(nestedM);
  assert.is(want.violation?.property, 'no_net_device_yet');
  assert.ok(want.violation!.trace.length > 4, `trace of ${want.violation!.trace.length}`);
  assert.is(JSON.stringify(got.violation), JSON.stringify(want.violation));
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

test.run();
