/**
 * The hostile granter's area of the grant vectors (issue 14): the granter
 * rewrites entries dom0 holds pinned and switches versions at any step;
 * the independent grant table of conformance/impl/ passes that suite with
 * its boundaries and refusal probes, and with XSA-500's fix removed
 * (`copy-pinned-no-recheck`: acquire_grant_for_copy does not compare a
 * pinned entry's shared frame with its active one) it fails at the last
 * step of the probe vector that names it. Kept apart from
 * conformanceGrant.test.ts, which is slow already.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { grant } from '../model/grant.js';
import { resolveParams } from '../model/params.js';
import { generateSuite } from '../conformance/generate.js';
import { grantHooks } from '../conformance/grant.js';
import { modelAdapter, runSuite } from '../conformance/adapter.js';
import { grantImplAdapter } from '../conformance/impl/grantAdapter.js';
import { adapterFor } from '../conformance/run.js';

const p = resolveParams(grant.params, { granter: 'hostile', cacheSize: 0, transitive: 0, subPage: false, unmaps: 0, version: 'v2' });
if (E.isLeft(p)) throw new Error(p.left);
const NAME = 'grant-boundary-copy-pinned-entry-changed';
// the rules suite, plus this one boundary (the others are conformanceGrant's; several search other parameters and are slow)
const only = { ...grant, vectors: { ...grantHooks, boundaries: grantHooks.boundaries!.filter((b) => b.name === 'copy-pinned-entry-changed') } };
const gen = generateSuite(only, p.right);
if (E.isLeft(gen)) throw new Error(gen.left);
const suite = gen.right.vectors;

test('the granter suite reaches the XSA-500 probe: a copy into a pinned entry the granter pointed at another frame, refused', () => {
  const v = suite.find((x) => x.id === NAME);
  assert.ok(v, `${NAME} among ${suite.map((x) => x.id).join(', ')}`);
  const last = v!.steps.at(-1)!;
  assert.is(last.call, 'GNTTABOP_copy');
  assert.equal(last.expect.results, [{ status: 'GNTST_general_error' }]);
  assert.ok(v!.steps.some((s) => s.call === 'rogue_granter_write_entry'), 'a hostile granter rewrite on the path');
});

test('the independent grant table passes the granter suite with the probe (the model passes it in conformanceGrant.test.ts)', async () => {
  const r = await runSuite(suite, grantImplAdapter(), { stopAtFirst: false });
  assert.equal(r.mismatches.map((m) => m.message), []);
  // the probe is answered by the model's own check
  const m = await runSuite(suite.filter((v) => v.id === NAME), modelAdapter(grant), { stopAtFirst: false });
  assert.equal(m.mismatches.map((x) => x.message), []);
});

test(`seeded bug copy-pinned-no-recheck (XSA-500's fix removed): caught by ${NAME} at its last step (results)`, async () => {
  const r = await runSuite(suite, grantImplAdapter('copy-pinned-no-recheck'), { stopAtFirst: false });
  const m = r.mismatches.find((x) => x.vector === NAME);
  assert.ok(m, `${NAME} among ${r.mismatches.map((x) => x.vector).join(', ')}`);
  assert.is(m!.step, suite.find((x) => x.id === NAME)!.steps.length);
  assert.is(m!.field, 'results');
  assert.equal(m!.expected, [{ status: 'GNTST_general_error' }]);
  assert.equal((m!.got as { status: string }[])[0]!.status, 'GNTST_okay');
});

test('run.ts --bug knows every seeded grant bug', () => {
  for (const b of ['copy-pinned-no-recheck', 'unmap-drops-pins-early', 'unmap-partial-frees-handle', 'reduce-ignores-device-pins', 'v1-end-clears-flags', 'copy-area-first', 'set-version-busy-if-valid'])
    assert.ok(E.isRight(adapterFor('grant', b)), b);
  assert.ok(E.isLeft(adapterFor('grant', 'no-such-bug')));
});

test.run();
