// The C harness against the real xen/io/ring.h (Debian libxen-dev). Missing gcc
// or a missing header is a FAILURE with the reason, never a skip: CI must install both.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ringApi, type RingApiParams } from '../model/ringApi.js';
import noFullCheck from '../conformance/examples/ring-api-no-full-check.js';
import { bind } from '../properties/bind.js';
import { check } from '../checker/explore.js';
import { traceFromViolation } from '../traces/format.js';
import { generateSuite, vectorFromTrace } from '../conformance/generate.js';
import { SYSTEM_RING_H, buildHarness, renderHarnessInput, runHarness } from '../conformance/ring/harness.js';
import type { Vector } from '../conformance/format.js';

const right = <A>(e: E.Either<string, A>): A => {
  if (E.isLeft(e)) throw new Error(e.left);
  return e.right;
};
const dir = mkdtempSync(join(tmpdir(), 'pvharness-'));
const exe = join(dir, 'harness');
const P0: RingApiParams = { ringSize: 2, messages: 3, startIndex: 0 };
const suiteFile = (name: string, vs: readonly Vector[]): string => {
  const f = join(dir, name);
  writeFileSync(f, renderHarnessInput(vs));
  return f;
};

let built: { ok: boolean; message: string } | undefined;
const harness = (): string => {
  built ??= buildHarness(exe);
  if (!built.ok) assert.unreachable(`the C harness cannot be built: ${built.message}`);
  return exe;
};

test('the harness builds with gcc against the real xen/io/ring.h', () => {
  harness();
  assert.ok(readFileSync(SYSTEM_RING_H, 'utf8').includes('RING_PUSH_REQUESTS_AND_CHECK_NOTIFY'));
});

test('the rules suite with its boundary suites passes against the real macros', () => {
  const { vectors, report } = right(generateSuite(ringApi, P0));
  assert.is(report.covered, ringApi.rules.length);
  const r = runHarness(harness(), suiteFile('rules.txt', vectors));
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.is(r.stdout.trim(), `ok ${vectors.length} vectors ${report.steps} steps`);
});

test('edge-coverage suites at start 0 and just below 2^32, ring of 4, pass against the real macros', () => {
  for (const startIndex of [0, 0xfffffffd]) {
    const { vectors } = right(generateSuite(ringApi, { ringSize: 4, messages: 3, startIndex }, { cover: 'edges', boundaries: false }));
    const r = runHarness(harness(), suiteFile(`edges-${startIndex}.txt`, vectors));
    assert.is(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^ok ${vectors.length} vectors`));
  }
});

test('a deliberately altered notify rule in a copy of ring.h fails the harness, naming vector, step and field', () => {
  const inc = join(dir, 'altered');
  mkdirSync(join(inc, 'xen', 'io'), { recursive: true });
  copyFileSync('/usr/include/xen/xen-compat.h', join(inc, 'xen', 'xen-compat.h'));
  const orig = readFileSync(SYSTEM_RING_H, 'utf8');
  // RING_PUSH_REQUESTS_AND_CHECK_NOTIFY: (RING_IDX)(__new - req_event) <= (RING_IDX)(__new - __old)
  const needle = '(_notify) = ((RING_IDX)(__new - (_r)->sring->req_event) <';
  assert.ok(orig.includes(needle), 'the header has the notify test this test alters');
  const altered = orig.replace(needle, needle + '=');
  assert.is.not(altered, orig);
  writeFileSync(join(inc, 'xen', 'io', 'ring.h'), altered);
  const alteredExe = join(dir, 'harness-altered');
  const b = buildHarness(alteredExe, { includeFirst: inc });
  assert.ok(b.ok, b.message);
  const { vectors } = right(generateSuite(ringApi, P0));
  const r = runHarness(alteredExe, suiteFile('rules-altered.txt', vectors));
  assert.is(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^MISMATCH vector ring-api-\S+ step \d+ \(RING_PUSH_REQUESTS_AND_CHECK_NOTIFY\): notify expected 0 got 1$/m);
  // and the unaltered harness still passes the same file
  assert.is(runHarness(harness(), suiteFile('rules-again.txt', vectors)).status, 0);
});

test('a counterexample turned into a regression vector replays in the harness', () => {
  const res = check(right(bind(noFullCheck, P0)));
  assert.is(res.violation?.property, 'no_overflow');
  const v = right(vectorFromTrace(noFullCheck, P0, traceFromViolation(noFullCheck, P0, res.violation!)));
  const r = runHarness(harness(), suiteFile('regression.txt', [v]));
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.is(r.stdout.trim(), `ok 1 vectors ${v.steps.length} steps`);
  // the real macros do overflow: RING_FULL would have said so, and the vector records req_prod_pvt - rsp_cons = 3 > RING_SIZE
  assert.is(v.steps[v.steps.length - 1]!.expect.req_prod_pvt, 3);
});

test('a wrong expectation is a mismatch; bad input exits 2', () => {
  const { vectors } = right(generateSuite(ringApi, P0, { boundaries: false }));
  const text = renderHarnessInput(vectors.slice(0, 1)).replace(/ notify=1 /, ' notify=0 ');
  const f = join(dir, 'wrong.txt');
  writeFileSync(f, text);
  const r = runHarness(harness(), f);
  assert.is(r.status, 1);
  assert.match(r.stdout, /MISMATCH vector ring-api-rules-001 step 4 \(RING_PUSH_REQUESTS_AND_CHECK_NOTIFY\): notify expected 0 got 1/);
  writeFileSync(f, 'V x 2 0\nS produce_request payload=zz : req_prod=0\nE\n');
  assert.is(runHarness(harness(), f).status, 2);
  writeFileSync(f, 'V x 2 0\nS FRONT_RING_INIT : req_prod=0\nS no_such_call : req_prod=0\nE\n');
  const u = runHarness(harness(), f);
  assert.is(u.status, 2);
  assert.match(u.stderr, /unknown call no_such_call/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
