import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { limiter, limiterRx, maxBurst, type LimiterParams } from '../model/limiter.js';
import { resolveParams } from '../model/params.js';
import { generateSuite } from '../conformance/generate.js';
import { encodeSuite, vectorToItf, type Vector } from '../conformance/format.js';
import { modelAdapter, runSuite } from '../conformance/adapter.js';
import { limiterCreditAdapter } from '../conformance/impl/limiterAdapter.js';
import { vectorFromTrace } from '../conformance/generate.js';
import { bind } from '../properties/bind.js';
import { check } from '../checker/explore.js';
import { traceFromViolation } from '../traces/format.js';
import creditOverflow from '../examples/limiter-credit-overflow.js';
import { LIMITER_MAX_STATES } from '../conformance/limiter.js';
import { writtenAt } from './support/bounds.js';

const right = <A>(e: E.Either<string, A>): A => {
  if (E.isLeft(e)) throw new Error(e.left);
  return e.right;
};
// the bounds this file was written at (test/support/bounds.ts: hostileRing=1), which the default suite's figures below are of
const P0: LimiterParams = right(resolveParams(limiter.params, writtenAt('limiter')));
// the default graph is large: by default vectors are cut from the first 20000 states (BFS order), which reach every rule
const rules = right(generateSuite(limiter, P0));

interface Refill { guest: string; from: number; to: number }

test('limiter at the default parameters, first 20000 states (its default bound): every rule and every boundary reached', () => {
  assert.is(rules.report.complete, false);
  assert.is(LIMITER_MAX_STATES, 20_000);
  assert.ok(rules.report.states <= LIMITER_MAX_STATES + 200, `${rules.report.states} states`);
  assert.equal(rules.report.unreachableRules, []);
  // the receive side's rules do not apply at the default (hostileRx=false); its boundaries are searched with it on
  assert.is(rules.report.covered, limiter.rules.filter((r) => !r.applies || r.applies(P0)).length);
  assert.is(rules.report.covered, 18);
  assert.equal(rules.report.boundaries.filter((b) => !b.vector).map((b) => b.name), []);
  // the wrap of remaining_credit + credit_bytes needs a 3-bit word: searched there, and said so
  const wraps = rules.report.boundaries.find((b) => b.name === 'refill-wraps')!;
  assert.equal([wraps.params!.wordBits, wraps.params!.creditBytes], [3, 7]);
});

test('limiter-rx (the receive side on, the hostile TX off): every rule and boundary reached; the suite passes the model', async () => {
  const pr = right(resolveParams(limiterRx.params, {}));
  const rx = right(generateSuite(limiterRx, pr));
  assert.equal(rx.report.unreachableRules, []);
  assert.is(rx.report.covered, 15);
  // these two need the hostile guest's transmit side, which limiter-rx leaves out
  assert.equal(rx.report.boundaries.filter((b) => !b.vector).map((b) => b.name), ['refill-max-burst', 'spurious-refill']);
  for (const b of ['rx-stall-carrier-off', 'rx-drop-expired', 'rx-no-notify-drain', 'rx-tail-full']) assert.ok(rx.report.boundaries.find((x) => x.name === b)?.vector, b);
  assert.equal((await runSuite(rx.vectors, modelAdapter(limiterRx), { stopAtFirst: false })).mismatches.map((m) => m.message), []);
});

test('every refill in the suite is netback tx_add_credit: min(remaining + credit_bytes clamped to ULONG_MAX, max(131072, credit_bytes))', () => {
  let n = 0;
  for (const v of rules.vectors) {
    const p = v.params as unknown as LimiterParams;
    const ulong = 2 ** p.wordBits - 1;
    for (const s of v.steps)
      for (const r of s.expect.credit_refills as unknown as Refill[]) {
        const sum = r.from + p.creditBytes;
        const maxCredit = sum > ulong ? ulong : sum;
        assert.is(r.to, Math.min(maxCredit, maxBurst(p)), `${v.id} ${s.call}`);
        n++;
      }
  }
  assert.ok(n >= 5, `${n} refills`);
});

test('observations: a consumed packet takes its charge from remaining_credit; ITF for every vector; deterministic', () => {
  for (const v of rules.vectors) {
    right(vectorToItf(v));
    let prev = v.init as Record<string, number>;
    for (const s of v.steps) {
      if (s.expect.packets_sent === 1) {
        const g = s.call[0]!;
        assert.is(s.expect.charge, s.args!.charge);
        assert.is(s.expect[`${g}_remaining_credit`], (prev[`${g}_rem`] ?? (prev as never)[`${g}_remaining_credit`]) - (s.expect.charge as number), `${v.id} ${s.call}`);
      }
      prev = s.expect as never;
    }
  }
  const small = { ...P0, hostileRx: false };
  assert.is(encodeSuite(right(generateSuite(limiter, small, { maxStates: 2000 })).vectors), encodeSuite(right(generateSuite(limiter, small, { maxStates: 2000 })).vectors));
});

test('the model passes its own vectors', async () => {
  const r = await runSuite(rules.vectors, modelAdapter(limiter), { stopAtFirst: false });
  assert.equal(r.mismatches.map((m) => m.message), []);
});

test('netback credit scheduler (our TypeScript transcription of docs §5.3; test/limiterNetbackC.test.ts runs the compiled code): passes the rules and boundary suite; seeded bugs caught', async () => {
  const ok = await runSuite(rules.vectors, limiterCreditAdapter(), { stopAtFirst: false });
  assert.equal(ok.mismatches.map((m) => m.message), []);
  const wrap = await runSuite(rules.vectors, limiterCreditAdapter('no-wrap-clamp'), { stopAtFirst: false });
  assert.equal(wrap.mismatches.map((m) => [m.vector, m.call, m.field]), [['limiter-boundary-refill-wraps', 'x_tx_credit_exceeded', 'credit_refills']]);
  assert.match(wrap.mismatches[0]!.message, /^vector limiter-boundary-refill-wraps step \d+ \(x_tx_credit_exceeded\): credit_refills expected \[\{"guest":"x","from":6,"to":7\}\] got \[\{"guest":"x","from":6,"to":5\}\]$/);
  const burst = await runSuite(rules.vectors, limiterCreditAdapter('no-burst-cap'), { stopAtFirst: false });
  const m = burst.mismatches.find((x) => x.vector === 'limiter-boundary-refill-max-burst');
  assert.ok(m, burst.mismatches.map((x) => x.message).join('\n'));
  assert.is(m!.field, 'credit_refills');
});

test("the finding: the design timer's vectors are rejected by netback's credit scheduler (arming at the old next_credit), the default's pass", async () => {
  // netback's tx_credit_exceeded computes next_credit, refills (credit_window_start = now), and if the packet still does not
  // fit arms the timer at the old next_credit (<= now) and sets credit_window_start to it: the next tx_credit_exceeded
  // refills again. creditTimer=design waits a whole window. Edge coverage of the design finds it (5000 states; not 1500).
  const design: Vector[] = right(generateSuite(limiter, { ...P0, creditTimer: 'design' as const }, { cover: 'edges', boundaries: false, maxStates: 5000 })).vectors;
  const r = await runSuite(design, limiterCreditAdapter(), { stopAtFirst: false });
  assert.ok(r.mismatches.length > 0);
  for (const m of r.mismatches) {
    assert.is(m.call, 'x_tx_credit_exceeded', m.message);
    assert.is(m.field, 'credit_refills', m.message);
    assert.equal(m.expected, [], m.message);
  }
  const edges: Vector[] = right(generateSuite(limiter, P0, { cover: 'edges', boundaries: false, maxStates: 1500 })).vectors;
  assert.equal((await runSuite(edges, limiterCreditAdapter(), { stopAtFirst: false })).mismatches.map((m) => m.message), []);
});

test('regression: the credit-overflow counterexample as a vector passes the scheduler without the clamp and fails the correct one', async () => {
  const p = right(resolveParams(creditOverflow.params, { creditBytes: 15, hostileRx: false })) as LimiterParams;
  const res = check(right(bind(creditOverflow, p)));
  assert.is(res.outcome, 'violation');
  const v = right(vectorFromTrace(creditOverflow, p, traceFromViolation(creditOverflow, p, res.violation!), 'cex'));
  const last = v.steps[v.steps.length - 1]!;
  assert.equal(last.expect.credit_refills, [{ guest: 'x', from: 4, to: 3 }]); // 4 + 15 wraps a 4-bit word to 3
  assert.equal((await runSuite([v], limiterCreditAdapter('no-wrap-clamp'))).mismatches, []);
  const good = await runSuite([v], limiterCreditAdapter());
  assert.is(good.mismatches[0]!.step, v.steps.length);
  assert.equal(good.mismatches[0]!.got, [{ guest: 'x', from: 4, to: 15 }]); // clamped to ULONG_MAX, then max_burst = max(4, 15)
});

test.run();
