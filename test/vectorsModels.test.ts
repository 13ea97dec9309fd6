import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Model } from '../model/core.js';
import { resolveParams } from '../model/params.js';
import { grant } from '../model/grant.js';
import { xenbus } from '../model/xenbus.js';
import { bind } from '../properties/bind.js';
import { check } from '../checker/explore.js';
import { generateSuite } from '../conformance/generate.js';
import { encodeSuite, parseSuite, vectorToItf, type Vector } from '../conformance/format.js';
import { modelAdapter, runSuite } from '../conformance/adapter.js';
import { vectorOverrides, vectorsCommand } from '../cli/vectors.js';
import { deriveModel } from '../model/core.js';
import { withDefaults } from '../model/params.js';
import { builtinModels } from '../model/registry.js';
import { scratchDir } from './support/tmp.js';

const right = <A>(e: E.Either<string, A>): A => {
  if (E.isLeft(e)) throw new Error(e.left);
  return e.right;
};
const P = <S, Pr>(m: Model<S, Pr>, o: Record<string, string | number | boolean>): Pr => right(resolveParams(m.params, o));

const GH = P(grant, { refs: 1, pages: 1, grantee: 'honest' });
const XB = P(xenbus, { events: 1 });
const grantHonest = right(generateSuite(grant, GH));
const xen = right(generateSuite(xenbus, XB));

test('rule coverage: every rule that fires is covered; the unreachable ones are those the checker never fires', () => {
  for (const [m, p, g] of [[grant, GH, grantHonest], [xenbus, XB, xen]] as const) {
    const ref = check(right(bind(m as Model, p)));
    assert.equal([...g.report.unreachableRules].sort(), [...ref.neverFired].sort(), m.name);
    assert.is(g.report.covered, g.report.goals, m.name);
    // rules that do not apply at these parameters (xenbus: the restart and XDP rules at their 0 defaults) are no goals
    const applying = (m.rules as readonly { name: string; applies?: (q: any) => boolean }[]).filter((r) => !r.applies || r.applies(p));
    assert.is(g.report.goals, applying.length - g.report.unreachableRules.length, m.name);
    const calls = new Set(g.vectors.flatMap((v) => v.steps.map((s) => s.call)));
    for (const r of applying) assert.is(calls.has(r.name), !g.report.unreachableRules.includes(r.name), r.name);
  }
  // at these bounds no guest close precedes a driver rebind, and xennet_create_dev's wait never times out (6652b5d)
  assert.equal([...xen.report.unreachableRules].sort(), ['netfront_probe(driver bind)', 'xennet_create_dev(XENNET_TIMEOUT)']);
  // the honest grantee never acts outside its driver: the hostile rules are reported unreachable
  assert.ok(grantHonest.report.unreachableRules.includes('rogue_GNTTABOP_map_grant_ref'));
});

test('boundaries: all reached at these parameters, each vector ends in what it names', () => {
  for (const g of [xen]) assert.equal(g.report.boundaries.filter((b) => !b.vector).map((b) => b.name), []);
  const by = (vs: Vector[], id: string): Vector => vs.find((v) => v.id === id)!;
  const last = (v: Vector) => v.steps[v.steps.length - 1]!;
  const initwait = last(by(xen.vectors, 'xenbus-boundary-backend-initwait'));
  assert.is(initwait.call, 'netback_probe');
  assert.is((initwait.expect.writes as Record<string, string>)['backend/vif/1/0/state'], '2');
  assert.is(initwait.expect.backend_state, 'XenbusStateInitWait');
  assert.is(initwait.expect.dev_state, 'XenbusStateInitWait');
  const seen = last(by(xen.vectors, 'xenbus-boundary-frontend-sees-connected'));
  assert.is(seen.call, 'netback_changed');
  assert.equal(seen.expect.seen, { token: 'netfront:otherend', path: 'backend/vif/1/0/state', value: 'XenbusStateConnected' });
  // a refusal probe changes nothing: its tables are those of the step before
  const probe = by(grantHonest.vectors, 'grant-boundary-map-readonly-write-refused');
  const [before, after] = probe.steps.slice(-2);
  assert.is(after!.call, 'GNTTABOP_map_grant_ref');
  assert.equal(after!.expect.results, [{ status: 'GNTST_general_error' }]);
  assert.equal({ ...after!.expect, results: null }, { ...before!.expect, results: null });
  assert.equal((after!.args!.ops as { flags: string[] }[])[0]!.flags, ['GNTMAP_host_map']);
});

test('grant observations by hand: the first grant, map and unmap of the honest netback', () => {
  const v = grantHonest.vectors.find((x) => x.steps.some((s) => s.call === 'be_use_unmap_respond'))!;
  const i = v.steps.findIndex((s) => s.call === 'be_GNTTABOP_map_grant_ref');
  const grantStep = v.steps[i - 1]!;
  assert.is(grantStep.call, 'fe_gnttab_grant_foreign_access_ref');
  const we = (grantStep.args!.ops as Record<string, unknown>[])[0]!;
  assert.is(we.op, 'write_entry');
  assert.is(we.domid, 0); // granted to dom0
  const map = v.steps[i]!;
  assert.equal(map.args!.ops, [{ op: 'GNTTABOP_map_grant_ref', domid: 0, dom: 1, ref: 1, flags: ['GNTMAP_host_map', 'GNTMAP_readonly'] }]);
  assert.equal(map.expect.results, [{ status: 'GNTST_okay', handle: 1 }]); // handle 0 is the ring's
  // the shortest path starts from the v1 boot (gnttab_need_v2() false): Xen's GTF_reading is in the v1 flags word
  assert.is((v.init as { gt_version: number }).gt_version, 1);
  assert.equal((map.expect.entries as Record<string, unknown>)['A:1'], { flags: ['GTF_permit_access', 'GTF_readonly', 'GTF_reading'], status: [], pin: { hstr: 1, hstw: 0, devr: 0, devw: 0 } });
  // dom0's map handles: the ring's (0), xenstored's mapping of the reserved GNTTAB_RESERVED_XENSTORE entry (reserved=xenstore, cbb1747) and this one
  assert.is(map.expect.maptrack, 3);
  const unmap = v.steps[v.steps.findIndex((s) => s.call === 'be_use_unmap_respond')]!;
  assert.equal(unmap.args!.ops, [{ op: 'GNTTABOP_unmap_grant_ref', domid: 0, handle: 1 }]);
  assert.equal((unmap.expect.entries as Record<string, unknown>)['A:1'], { flags: ['GTF_permit_access', 'GTF_readonly'], status: [], pin: { hstr: 0, hstw: 0, devr: 0, devw: 0 } });
});

test('every vector has an ITF rendering, with no null in it (nulls become Quint None)', () => {
  for (const v of [...grantHonest.vectors, ...xen.vectors]) {
    const itf = right(vectorToItf(v));
    const text = JSON.stringify(itf);
    assert.not.match(text, /null/, v.id);
    assert.is(itf.states.length, v.steps.length + 1);
  }
  // xenbus's initial state has nulls (no ring ref granted yet): rendered as None
  const itf0 = JSON.stringify(right(vectorToItf(xen.vectors[0]!)).states[0]);
  assert.match(itf0, /"gref":\{"tag":"None","value":\{"#tup":\[\]\}\}/);
});

test('the models pass their own vectors as adapters', async () => {
  for (const [m, g] of [[grant, grantHonest], [xenbus, xen]] as const) {
    const r = await runSuite(g.vectors, modelAdapter(m as Model), { stopAtFirst: false });
    assert.equal(r.mismatches.map((x) => x.message), [], m.name);
  }
});

test('deterministic: the same suite in-process twice and from the CLI in another process; every ITF file written', () => {
  assert.is(encodeSuite(right(generateSuite(xenbus, XB)).vectors), encodeSuite(xen.vectors));
  const dir = scratchDir('pvvm-');
  const r = spawnSync(process.execPath, ['--import', './bin/register.mjs', 'bin/pvcheck.mjs', 'vectors', 'grant', '--param', 'refs=1', '--param', 'pages=1', '--param', 'grantee=honest', '--out', dir], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.is(readFileSync(join(dir, 'vectors.jsonl'), 'utf8'), encodeSuite(grantHonest.vectors));
  assert.is(readdirSync(join(dir, 'itf')).length, grantHonest.vectors.length);
  assert.not.ok('noItf' in JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')));
  assert.equal(right(parseSuite(readFileSync(join(dir, 'vectors.jsonl'), 'utf8'))), grantHonest.vectors);
  rmSync(dir, { recursive: true });
});

test('vectors command: edges and states coverage for grant; bad params give one line and exit 2', async () => {
  const dir = scratchDir('pvvm-');
  const quiet = async (args: string[]) => {
    const [o, e] = [process.stdout.write, process.stderr.write];
    let err = '';
    process.stdout.write = (() => true) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
    try {
      return { r: await vectorsCommand(args), err };
    } finally {
      [process.stdout.write, process.stderr.write] = [o, e];
    }
  };
  for (const cover of ['edges', 'states']) {
    const r = await quiet(['grant', '--param', 'refs=1', '--param', 'pages=1', '--param', 'grantee=honest', '--cover', cover, '--out', dir]);
    assert.is(r.r, 0, r.err);
    const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    assert.is(s.covered, s.goals, cover);
  }
  for (const args of [['grant', '--param', 'refs=9', '--out', dir], ['limiter', '--param', 'wordBits=99', '--out', dir], ['xenbus', '--param', 'nosuch=1', '--out', dir], ['grant', '--out', dir, '--max-states', '0']]) {
    const r = spawnSync(process.execPath, ['bin/pvcheck.mjs', 'vectors', ...args], { encoding: 'utf8' });
    assert.is(r.status, 2, args.join(' '));
    const lines = r.stderr.trim().split('\n');
    assert.is(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^pvcheck: error: /);
    assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
  }
  rmSync(dir, { recursive: true });
});

test("a model's vector bounds: grant's suite is generated at one ref and one page unless -p says otherwise; a variant with its own params drops them", async () => {
  // every built-in's declared vector bounds are parameters of its space, in range
  for (const m of builtinModels) right(resolveParams(m.params, vectorOverrides(m, {})));
  assert.equal(grant.vectorParams, { refs: 1, pages: 1 });
  assert.ok(grant.params.defaults.refs > 1 || grant.params.defaults.pages > 1, 'the check defaults are larger than the vector bounds (else this test proves nothing)');
  const dir = scratchDir('pvvm-');
  const run = async (args: string[]) => {
    const o = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      assert.is(await vectorsCommand([...args, '-q', '--out', dir]), 0, args.join(' '));
    } finally {
      process.stdout.write = o;
    }
    return JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).params as Record<string, unknown>;
  };
  const byDefault = await run(['grant', '-p', 'grantee=honest']);
  assert.is(byDefault.refs, 1);
  assert.is(byDefault.pages, 1);
  assert.is((await run(['grant', '-p', 'grantee=honest', '-p', 'pages=2'])).pages, 2, '-p wins over the vector bounds');
  const v = deriveModel(grant, { name: 'v', description: 'its own defaults', params: withDefaults(grant.params, { refs: 2, pages: 1 }) });
  assert.is(v.vectorParams, undefined);
  assert.equal(vectorOverrides(v, {}), {});
  rmSync(dir, { recursive: true });
});

test.run();
