/**
 * netif-tx vectors on the real xen/io/ring.h and xen/io/netif.h
 * (conformance/ring/netif.c): multi-slot packets with extra-info slots,
 * netback's batched consumption, out-of-order responses from the dealloc
 * context at rsp_prod_pvt, XEN_NETIF_RSP_NULL on extra slots, a hostile
 * frontend's req_prod, all at index 0 and attached just below 2^32; then
 * altered copies of ring.h, each caught by the vector that names it.
 * Without gcc or the Xen headers the tests are skipped with one line, as
 * conformanceHarness.test.ts's are; under PVCHECK_REQUIRE_HARNESS=1 (.ci/run)
 * they fail instead.
 */
import { test as uvuTest } from 'uvu';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSuite, type Cover } from '../conformance/generate.js';
import type { Vector } from '../conformance/format.js';
import { SYSTEM_NETIF_H, buildNetifHarness, renderNetifHarness, runNetifHarness } from '../conformance/ring/netif.js';
import { SYSTEM_RING_H } from '../conformance/ring/harness.js';
import { modelAdapter, runSuite } from '../conformance/adapter.js';
import { netifTx } from '../model/netif.js';
import { resolveParams } from '../model/params.js';
import { scratchDir } from './support/tmp.js';

function missingPrerequisite(): string | undefined {
  const cc = process.env.CC ?? 'gcc';
  if (spawnSync(cc, ['--version']).error) return `no C compiler '${cc}'`;
  for (const h of [SYSTEM_RING_H, SYSTEM_NETIF_H]) if (!existsSync(h)) return `no ${h}`;
  return undefined;
}
const missing = process.env.PVCHECK_REQUIRE_HARNESS === '1' ? undefined : missingPrerequisite();
if (missing) console.log(`skip: the netif ring harness tests (real xen/io/ring.h, netif.h): ${missing}; install gcc and libxen-dev to run them (apt-get install -y gcc libxen-dev)`);
const test: typeof uvuTest = missing ? Object.assign((name: string, fn: Parameters<typeof uvuTest>[1]) => uvuTest.skip(name, fn), uvuTest) : uvuTest;

const dir = scratchDir('pvnetifring-');
const exe = join(dir, 'netif-harness');

const suiteOf = (o: Record<string, string | number>, cover: Cover, boundaries = true): Vector[] => {
  const p = resolveParams(netifTx.params, o);
  if (E.isLeft(p)) throw new Error(p.left);
  const s = generateSuite(netifTx, p.right, { cover, boundaries });
  if (E.isLeft(s)) throw new Error(s.left);
  return s.right.vectors;
};

const HOSTILE = { frontend: 'hostile', packets: 1, maxSlots: 2, ringSize: 4 };
const RING_FULL = { ringSize: 4, packets: 5, maxSlots: 1, gso: 'off', stopAt: 'ring-full' };
const suites: Record<string, Vector[]> = {
  // the suites at the bounds they were written at (netif-tx's vectorParams; the check defaults are packets=3 since 2026-12-05)
  default: [...suiteOf({ packets: 2 }, 'rules'), ...suiteOf({ packets: 2 }, 'edges', false)],
  any: suiteOf({ frontend: 'any', packets: 1, maxSlots: 3, ringSize: 4 }, 'edges'),
  hostile: suiteOf(HOSTILE, 'rules'),
  ringFull: suiteOf(RING_FULL, 'rules'),
  // netback's tx event channel: notify against req_event, RING_HAS_UNCONSUMED_REQUESTS, RING_FINAL_CHECK_FOR_REQUESTS; a hostile event
  lateeoi: [...suiteOf({ evtchn: 'lateeoi', packets: 2 }, 'rules'), ...suiteOf({ frontend: 'hostile', hostileWrites: 0, evtchn: 'lateeoi', storms: 1, packets: 1, maxSlots: 1, gso: 'off' }, 'rules', false)],
};
const all = Object.values(suites).flat();
const byId = (id: string, vs: readonly Vector[] = all): Vector => {
  const v = vs.find((x) => x.id === id);
  if (!v) throw new Error(`no vector ${id}`);
  return v;
};

const run = (vs: readonly Vector[], start: number, harness = exe, tag = 'in'): ReturnType<typeof runNetifHarness> => {
  const input = join(dir, `${tag}-${start}.txt`);
  writeFileSync(input, renderNetifHarness(vs, start));
  return runNetifHarness(harness, input);
};

test('the harness builds against the real ring.h and netif.h', () => {
  const b = buildNetifHarness(exe);
  assert.ok(b.ok, b.message);
});

test('the vectors have multi-slot packets, extra-info slots, out-of-order responses and NULL responses', () => {
  const xmits = all.flatMap((v) => v.steps.filter((s) => s.call === 'xennet_start_xmit').map((s) => s.args!.slots as { kind: string }[]));
  assert.ok(xmits.some((sl) => sl.filter((x) => x.kind === 'req').length >= 3), 'a packet of three data slots');
  assert.ok(xmits.some((sl) => sl.filter((x) => x.kind === 'extra').length === 2), 'a chain of two extras');
  // out of order: a response id answered before the id of an earlier request still held
  const ooo = byId('netif-tx-boundary-out-of-order-response');
  const held = ooo.steps.flatMap((s) => (s.call === 'xennet_start_xmit' ? (s.args!.slots as { kind: string; id: number }[]).filter((x) => x.kind === 'req').map((x) => x.id) : []));
  const answered = ooo.steps.flatMap((s) => (s.call === 'xenvif_idx_release.make_tx_response' ? (s.args!.responses as { id: number }[]).map((r) => r.id) : []));
  assert.ok(answered.length > 0 && held.indexOf(answered[0]!) > 0, `requests ${held}, first answered ${answered}`);
  const nul = byId('netif-tx-boundary-null-response');
  assert.ok(nul.steps.some((s) => ((s.args?.responses ?? []) as { extra_count: number }[]).some((r) => r.extra_count > 0)));
  for (const name of ['multi-slot-packet', 'out-of-order-response', 'null-response', 'tx-err-after-extras', 'unconsumed-min-binds', 'responses-fill-ring'])
    assert.ok(all.some((v) => v.id === `netif-tx-boundary-${name}`), name);
});

for (const [name, vs] of Object.entries(suites))
  test(`${name} suite (${vs.length} vectors): passes the real macros at index 0 and attached at 2^32 - 3`, () => {
    for (const start of [0, 0xfffffffd]) {
      const r = run(vs, start, exe, name);
      assert.is(r.status, 0, r.stdout + r.stderr);
      assert.is(r.stdout.trim(), `ok ${vs.length} vectors ${vs.reduce((n, v) => n + v.steps.length, 0)} steps`);
    }
  });

test('the model passes its own vectors (the vocabulary is a function of the steps)', async () => {
  const vs = [...suites.default!.slice(0, 200), ...suites.hostile!, ...suites.ringFull!, ...suites.lateeoi!];
  const r = await runSuite(vs, modelAdapter(netifTx), { stopAtFirst: false });
  assert.equal(r.mismatches.map((m) => m.message), []);
});

/** The harness built against a copy of the Xen headers whose ring.h has `from` replaced by `to`. */
function altered(name: string, from: string, to: string): string {
  const inc = join(dir, name);
  cpSync('/usr/include/xen', join(inc, 'xen'), { recursive: true });
  const ring = join(inc, 'xen', 'io', 'ring.h');
  const text = readFileSync(ring, 'utf8');
  assert.ok(text.includes(from), `ring.h has '${from}'`);
  writeFileSync(ring, text.replace(from, to));
  const out = join(dir, `netif-harness-${name}`);
  const b = buildNetifHarness(out, { includeFirst: inc });
  assert.ok(b.ok, b.message);
  return out;
}

for (const [name, from, to, suite, vector, what] of [
  ['no-min', 'req < rsp ? req : rsp;', '(void)rsp, req;', 'hostile', 'netif-tx-boundary-unconsumed-min-binds', 'XEN_RING_NR_UNCONSUMED_REQUESTS'],
  ['rsp-overflow-ge', '(((_prod) - (_r)->rsp_cons) > RING_SIZE(_r))', '(((_prod) - (_r)->rsp_cons) >= RING_SIZE(_r))', 'ringFull', 'netif-tx-boundary-responses-fill-ring', 'RING_RESPONSE_PROD_OVERFLOW'],
  ['final-check-no-event', '(_r)->sring->req_event = (_r)->req_cons + 1;', '(void)0;', 'lateeoi', 'netif-tx-boundary-final-check-arms-req-event', 'req_event'],
] as const)
  test(`ring.h altered (${name}): caught by ${vector} (${suite} suite) at its last step, on ${what}`, () => {
    const h = altered(name, from, to);
    const v = byId(vector, suites[suite]);
    const r = run([v], 0, h, name);
    assert.is(r.status, 1, r.stdout);
    assert.match(r.stdout, new RegExp(`^MISMATCH vector ${vector} step ${v.steps.length} \\(${v.steps.at(-1)!.call}\\): ${what} expected`));
  });

test.run();
