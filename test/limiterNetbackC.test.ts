/**
 * netback's own credit scheduler, compiled: tx_add_credit, tx_credit_exceeded
 * and xenvif_tx_credit_callback extracted from Debian's linux-source-6.12 at
 * test time and built with gcc -m32 against conformance/credit/shim.h; the
 * limiter's vectors run through them via the adapter interface. Skipped, with
 * the reason, where the tarball or a 32-bit gcc is missing (.ci/run installs
 * both).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { join } from 'node:path';
import { limiter, type LimiterParams } from '../model/limiter.js';
import { resolveParams } from '../model/params.js';
import { generateSuite, vectorFromTrace } from '../conformance/generate.js';
import { runSuite } from '../conformance/adapter.js';
import type { Vector } from '../conformance/format.js';
import '../conformance/limiter.js';
import { bind } from '../properties/bind.js';
import { check } from '../checker/explore.js';
import { traceFromViolation } from '../traces/format.js';
import {
  CREDIT_PATCHES, buildCreditHarness, creditHarnessUnavailable, extractCreditFunctions, netbackCompiledAdapter, netbackSource, type CreditPatchName,
} from '../conformance/credit/harness.js';
import { scratchDir } from './support/tmp.js';
import { writtenAt } from './support/bounds.js';

const right = <A>(e: E.Either<string, A>): A => {
  if (E.isLeft(e)) throw new Error(e.left);
  return e.right;
};
/** `ov` over the bounds this file was written at (test/support/bounds.ts: hostileRing=1), so that raising a default moves no suite here. */
const params = (ov: Record<string, string | number | boolean>): LimiterParams => right(resolveParams(limiter.params, writtenAt('limiter', ov))) as LimiterParams;

const why = creditHarnessUnavailable();
if (why) {
  test(`netback's compiled credit scheduler: skipped (${why})`, () => {});
} else {
  const src = netbackSource();
  const dir = scratchDir('pvcredit-');
  const exes = new Map<string, string>();
  const exe = (patch?: CreditPatchName): string => {
    const k = patch ?? 'netback';
    if (!exes.has(k)) {
      const b = buildCreditHarness(join(dir, k), src, patch);
      if (!b.ok) assert.unreachable(`the credit harness (${k}) cannot be built: ${b.message}`);
      exes.set(k, b.message);
    }
    return exes.get(k)!;
  };
  const P0 = params({});
  const rules = right(generateSuite(limiter, P0)).vectors;
  const mism = async (vs: readonly Vector[], patch?: CreditPatchName) =>
    (await runSuite(vs, netbackCompiledAdapter(exe(patch), { suite: vs }), { stopAtFirst: false })).mismatches;

  test('the three functions are extracted verbatim from netback.c and build unmodified against the shim', () => {
    const code = extractCreditFunctions(src);
    for (const line of ['\tmax_burst = max(131072UL, queue->credit_bytes);', '\t\tmax_credit = ULONG_MAX; /* wrapped: clamp to ULONG_MAX */',
      '\tu64 now = get_jiffies_64();', '\t\tmod_timer(&queue->credit_timeout,', '\t\tqueue->credit_window_start = next_credit;', '\ttx_add_credit(queue);'])
      assert.ok(code.includes(line), line);
    for (const block of code.split(/\/\* netback\.c lines \d+-\d+ \*\/\n/).slice(1)) assert.ok(src.includes(block.trimEnd()), 'verbatim');
    exe();
  });

  test("the model's rules and boundary suite (default parameters, netback's timer) passes netback's compiled code", async () => {
    assert.is(rules.length > 10, true);
    assert.equal((await mism(rules)).map((m) => m.message), []);
    // the same with jiffies starting at 0 (no 32-bit wrap of the timer expiries)
    const r = await runSuite(rules, netbackCompiledAdapter(exe(), { suite: rules, startJiffies: 0 }), { stopAtFirst: false });
    assert.equal(r.mismatches.map((m) => m.message), []);
  });

  test("an edge-coverage suite (first 1500 states) and a maxLag=2 suite pass netback's compiled code", async () => {
    const edges = right(generateSuite(limiter, P0, { cover: 'edges', boundaries: false, maxStates: 1500 })).vectors;
    assert.ok(edges.length > 100, `${edges.length} vectors`);
    assert.equal((await mism(edges)).map((m) => m.message), []);
    const lag2 = right(generateSuite(limiter, params({ maxLag: 2, hostileRx: false }), { cover: 'edges', boundaries: false, maxStates: 1500 })).vectors;
    assert.equal((await mism(lag2)).map((m) => m.message), []);
  });

  test('patched copies are caught by named vectors: no wrap clamp by refill-wraps, no burst cap by refill-max-burst', async () => {
    const wrap = await mism(rules, 'no-wrap-clamp');
    assert.equal(wrap.map((m) => [m.vector, m.call, m.field]), [['limiter-boundary-refill-wraps', 'x_tx_credit_exceeded', 'credit_refills']]);
    // 6 + 7 wraps a 3-bit word to 5; netback clamps to ULONG_MAX then max_burst = 7
    assert.equal(wrap[0]!.expected, [{ guest: 'x', from: 6, to: 7 }]);
    assert.equal(wrap[0]!.got, [{ guest: 'x', from: 6, to: 5 }]);
    const burst = await mism(rules, 'no-burst-cap');
    assert.ok(burst.some((m) => m.vector === 'limiter-boundary-refill-max-burst' && m.field === 'credit_refills'), burst.map((m) => m.message).join('\n'));
    for (const p of Object.keys(CREDIT_PATCHES)) exe(p as CreditPatchName);
  });

  test("the finding, on netback's compiled code: the L3 counterexample of the default model is netback's behaviour; the design timer does not give it", async () => {
    const p = params({ hostileRx: false });
    const res = check(right(bind(limiter, p)));
    assert.is(res.outcome, 'violation');
    assert.is(res.violation!.property, 'L3_work_per_window');
    const v = right(vectorFromTrace(limiter, p, traceFromViolation(limiter, p, res.violation!), 'netback-two-refills'));
    // after one idle tick (the window start lags one tick), four refills in one tick: tx_credit_exceeded refills, arms
    // credit_timeout at the old next_credit (due at once) and sets the window start back to it; the callback refills; the
    // packet goes; the next rate-limited packet finds the window passed again and the same happens
    const at = v.steps.flatMap((s, i) => ((s.expect.credit_refills as unknown[]).length > 0 ? [i] : []));
    assert.equal(at.map((i) => v.steps[i]!.call), ['x_tx_credit_exceeded', 'x_xenvif_tx_credit_callback', 'x_tx_credit_exceeded', 'x_xenvif_tx_credit_callback']);
    assert.not.ok(v.steps.slice(at[0], at[3]! + 1).some((s) => s.call === 'tick'), 'all in one tick');
    // compiled netback makes the same steps: both refills, the second one at once (its timer is due)
    assert.equal(await mism([v]), []);
    // with the design's timer (patched copy) the callback is not due: the second refill cannot happen
    const d = await mism([v], 'design-timer');
    assert.is(d.length, 1);
    assert.is(d[0]!.call, 'x_xenvif_tx_credit_callback');
    assert.match(d[0]!.message, /credit_timeout of x is not due/);
    // and the model with the design timer verifies at the same parameters
    assert.is(check(right(bind(limiter, { ...p, creditTimer: 'design' as const }))).outcome, 'ok');
  });

  test("the finding at the limiter's own defaults (a credit window of two ticks, creditUsec=2 since 2026-12-07), on netback's compiled code: the four refills fall in one window, a tick between them; the design timer does not give them", async () => {
    // the defaults, not writtenAt: this is the run docs/findings.md's limiter-L3 row states (its length is test/pinned.json's)
    const p = right(resolveParams(limiter.params, { hostileRx: false })) as LimiterParams;
    assert.ok(p.creditUsec > 1, 'a window of more than one tick');
    const res = check(right(bind(limiter, p)));
    assert.is(res.violation?.property, 'L3_work_per_window');
    const v = right(vectorFromTrace(limiter, p, traceFromViolation(limiter, p, res.violation!), 'netback-two-refills-window'));
    const at = v.steps.flatMap((s, i) => ((s.expect.credit_refills as unknown[]).length > 0 ? [i] : []));
    assert.equal(at.map((i) => v.steps[i]!.call), ['x_tx_credit_exceeded', 'x_xenvif_tx_credit_callback', 'x_tx_credit_exceeded', 'x_xenvif_tx_credit_callback']);
    const ticks = v.steps.slice(at[0], at[3]! + 1).filter((s) => s.call === 'tick').length;
    assert.ok(ticks > 0 && ticks < p.creditUsec, `${ticks} ticks between the first and the last refill: more than none, less than a window`);
    assert.equal(await mism([v]), []);
    const d = await mism([v], 'design-timer');
    assert.is(d.length, 1);
    assert.is(d[0]!.call, 'x_xenvif_tx_credit_callback');
    assert.match(d[0]!.message, /credit_timeout of x is not due/);
  });

  test("the design timer's vectors pass the patched copy (design-timer) and are rejected by netback's own code", async () => {
    const pd = params({ creditTimer: 'design' });
    // (the first 1500 states hold no difference; 5000 do)
    const design = right(generateSuite(limiter, pd, { cover: 'edges', boundaries: false, maxStates: 5000 })).vectors;
    assert.equal((await mism(design, 'design-timer')).map((m) => m.message), []);
    const net = await mism(design);
    assert.ok(net.length > 0);
    for (const m of net) assert.ok(/_tx_credit_exceeded$|_xenvif_tx_credit_callback$/.test(m.call), m.message);
  });
}

test.run();
