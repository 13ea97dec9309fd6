/**
 * NetChannel2 vectors at the ring's API level (issue 15 point 5): nc2-api
 * suites (rules and edges coverage, the boundaries: fast and slow free-space
 * checks, a full ring, a pad, a message ending at the ring end, notify true
 * and false, final checks, each index crossing 2^32, the hostile cons that
 * reaches the Linux BUG_ON) pass the model itself and the C transcription of
 * uring.h (conformance/nc2/harness.c), at the vectors' indices and moved on
 * to just below 2^32, on rings of 32 and 64 bytes and of two pages; each mutant of the C is caught by the vector that names
 * its boundary. Without gcc the harness tests are skipped with one line;
 * under PVCHECK_REQUIRE_HARNESS=1 (.ci/run) they fail instead.
 */
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSuite, type Cover } from '../conformance/generate.js';
import type { Vector } from '../conformance/format.js';
import { modelAdapter, runSuite } from '../conformance/adapter.js';
import { NC2_MUTANTS, buildNc2Harness, renderNc2Harness, runNc2Harness } from '../conformance/nc2/harness.js';
import { nc2Api } from '../model/nc2Api.js';
import { resolveParams } from '../model/params.js';
import { scratchDir } from './support/tmp.js';

const cc = process.env.CC ?? 'gcc';
const missing = process.env.PVCHECK_REQUIRE_HARNESS === '1' ? undefined : spawnSync(cc, ['--version']).error ? `no C compiler '${cc}'` : undefined;
if (missing) console.log(`skip: the NetChannel2 ring harness tests: ${missing}; install gcc to run them`);
const harnessTest: typeof uvuTest = missing ? Object.assign((name: string, fn: Parameters<typeof uvuTest>[1]) => uvuTest.skip(name, fn), uvuTest) : uvuTest;
const test = uvuTest;

test('a shift that is not a multiple of the ring would move the messages in the payload: refused', () => {
  assert.throws(() => renderNc2Harness(suiteOf({}, 'rules', false), 16), /not a multiple of vector nc2-api-rules-001's ring \(32 bytes\)/);
});

const dir = scratchDir('pvnc2ring-');
const exe = join(dir, 'nc2-harness');

const suiteOf = (o: Record<string, string | number | boolean>, cover: Cover, boundaries = true): Vector[] => {
  const p = resolveParams(nc2Api.params, o);
  if (E.isLeft(p)) throw new Error(p.left);
  const s = generateSuite(nc2Api, p.right, { cover, boundaries });
  if (E.isLeft(s)) throw new Error(s.left);
  return s.right.vectors;
};
const suites: Record<string, Vector[]> = {
  default: suiteOf({}, 'rules'),
  edges: suiteOf({ messages: 2 }, 'edges', false),
  wide: suiteOf({ ringBytes: 64, maxMessage: 24, messages: 3, startIndex: 4294967232 }, 'rules'),
  // a multi-page ring (two pages), the messages starting 16 bytes before its end
  twoPages: suiteOf({ ringBytes: 8192, messages: 3, startIndex: 8192 * 3 - 16 }, 'rules'),
};
const all = Object.values(suites).flat();
const byId = (id: string): Vector => {
  const v = all.find((x) => x.id === id);
  if (!v) throw new Error(`no vector ${id}`);
  return v;
};
const BOUNDARIES = [
  'can-send-fast', 'can-send-slow', 'can-send-full', 'pad-written', 'message-ends-at-ring-end', 'pad-skipped',
  'flush-notify-true', 'flush-notify-false', 'finish-notify-true', 'finish-notify-false', 'final-check-work', 'final-check-no-work',
  'hostile-cons-bug-on', 'wrap-prod', 'wrap-prod_event', 'wrap-cons', 'wrap-cons_event', 'wrap-prod_pvt', 'wrap-cons_pvt',
];

test('every boundary has a vector; the BUG_ON finding and the padded message that ends at the ring end are among them', () => {
  for (const b of BOUNDARIES) byId(`nc2-api-boundary-${b}`);
  const bug = byId('nc2-api-boundary-hostile-cons-bug-on');
  assert.equal(bug.steps.at(-1)!.expect, { bug: true });
  assert.ok(bug.steps.some((s) => s.call === 'hostile_cons'));
  const end = byId('nc2-api-boundary-message-ends-at-ring-end').steps.at(-1)!;
  assert.is(end.call, 'nc2_send_message');
  assert.is(end.expect.pad, true);
  for (const f of ['prod', 'prod_event', 'cons', 'cons_event', 'prod_pvt', 'cons_pvt'])
    assert.is(byId(`nc2-api-boundary-wrap-${f}`).params.startIndex, 0xffffffe0, f);
});

test('the model passes its own vectors (the vocabulary is a function of the steps)', async () => {
  const r = await runSuite(all, modelAdapter(nc2Api), { stopAtFirst: false });
  assert.equal(r.mismatches.map((m) => m.message), []);
});

const run = (vs: readonly Vector[], shift: number, harness: string, tag: string) => {
  const input = join(dir, `${tag}-${shift}.txt`);
  writeFileSync(input, renderNc2Harness(vs, shift));
  return runNc2Harness(harness, input);
};

harnessTest('the C transcription of uring.h builds', () => {
  const b = buildNc2Harness(exe);
  assert.ok(b.ok, b.message);
});

for (const [name, vs] of Object.entries(suites))
  harnessTest(`${name} suite (${vs.length} vectors): passes the C transcription at its indices and moved on to 2^32 - 65536`, () => {
    for (const shift of [0, 0xffff0000]) {
      const r = run(vs, shift, exe, name);
      assert.is(r.status, 0, r.stdout + r.stderr);
      assert.is(r.stdout.trim(), `ok ${vs.length} vectors ${vs.reduce((n, v) => n + v.steps.length, 0)} steps`);
    }
  });

for (const [mutant, vector, field] of [
  ['MUTANT_WRAP_EXCLUSIVE', 'message-ends-at-ring-end', 'pad'],
  ['MUTANT_CONS_EVENT_AT_CONS', 'can-send-full', 'cons_event'],
  ['MUTANT_FINAL_NO_EVENT', 'final-check-no-work', 'prod_event'],
] as const)
  harnessTest(`${mutant}: caught by nc2-api-boundary-${vector} at its last step, on ${field}`, () => {
    assert.ok(NC2_MUTANTS.includes(mutant));
    const out = join(dir, `nc2-harness-${mutant}`);
    const b = buildNc2Harness(out, { mutant });
    assert.ok(b.ok, b.message);
    const v = byId(`nc2-api-boundary-${vector}`);
    const r = run([v], 0, out, mutant);
    assert.is(r.status, 1, r.stdout);
    assert.match(r.stdout, new RegExp(`^MISMATCH vector ${v.id} step ${v.steps.length} \\(${v.steps.at(-1)!.call}\\): ${field} expected`));
  });

test.run();
