/**
 * The limiter model and its variants (examples/limiter-*.ts). Each variant is
 * found with the property it is expected to break, with a trace that replays
 * rule by rule and is shortest (no violation when the search stops one step
 * earlier); the fix (the built-in model at the same parameters) verifies.
 * Helpers are checked against Linux's formulas and naive references.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import './support/fc.js';
import type { Model } from '../model/core.js';
import { paramsOf, replays, runModel } from './support/models.js';
import { writtenAt } from './support/bounds.js';
import {
  limiter, lateeoiDelay, maxBurst, netbackAddCredit, plHead, plPop, plRotate, plSchedule, PL_EMPTY, PL_H, PL_HX, PL_X, PL_XH,
  type Guest, type LimiterParams, type LimiterState,
} from '../model/limiter.js';
import rxStall from '../examples/limiter-rx-stall-one-slot.js';
import napiNoBudget from '../examples/limiter-napi-no-budget.js';
import noSpurious from '../examples/limiter-no-spurious-accounting.js';
import creditOverflow from '../examples/limiter-credit-overflow.js';
import wrappingClock from '../examples/limiter-wrapping-clock.js';

type M = Model<LimiterState, LimiterParams>;

/** The built-in at `ov` over the bounds this file was written at (test/support/bounds.ts: hostileRing=1), so that raising a default moves none of its figures. */
const pinned = (ov: Record<string, string>): LimiterParams => paramsOf(limiter, writtenAt('limiter', ov));



/** Variant found with `property`, trace replays, is shortest; base model at the same parameters verifies. */
function variantCase(name: string, variant: M, ov: Record<string, string>, property: string): void {
  test(`${name}: found (${property}), shortest, replays; the fix verifies`, () => {
    const p = paramsOf(variant, ov);
    const r = runModel(variant, p);
    assert.is(r.outcome, 'violation');
    assert.is(r.violation!.property, property);
    const len = r.violation!.trace.length - 1;
    assert.ok(replays(variant, p, r), 'trace replays on the variant');
    const shorter = runModel(variant, p, len - 1);
    assert.is(shorter.violation, undefined, `no violation within ${len - 1} steps`);
    const fixed = runModel(limiter, pinned(ov)); // ov carries creditTimer=design where netback's timer breaks L3 anyway
    assert.is(fixed.outcome, 'ok', `fix: ${fixed.violation?.property}`);
  });
}

variantCase('XSA-392 one-slot stall check', rxStall, { hostile: 'false', hostileRx: 'true' }, 'L7_rx_stall_carrier_off');
variantCase('NAPI budget guard removed (10574059)', napiNoBudget, { maxPackets: '2', hostile: 'false', creditBytes: '8', hostileRx: 'false' }, 'L6_poll_within_budget');
variantCase('no spurious accounting (XSA-332)', noSpurious, { hostileRx: 'false', creditTimer: 'design' }, 'L3_work_per_window');
variantCase('credit sum wraps at credit_bytes = 2^4 - 1', creditOverflow, { creditBytes: '15', hostile: 'false', hostileRx: 'false' }, 'L2_credit_no_overflow');
variantCase('credit window on a 4-bit wrapping clock with >=', wrappingClock, { hostile: 'false', hostileRx: 'false' }, 'L4_honest_bounded_response');

test("netback's timer (the default) breaks L3 in 19 steps, four refills in one tick; the design timer verifies; with no lag kept, 51 steps", () => {
  const p = pinned({ hostileRx: 'false' });
  assert.is(p.creditTimer, 'netback');
  const r = runModel(limiter, p);
  assert.is(r.violation?.property, 'L3_work_per_window');
  assert.is(r.violation!.trace.length - 1, 19);
  assert.ok(replays(limiter, p, r));
  assert.is(runModel(limiter, p, 18).violation, undefined, 'shortest');
  assert.is(r.violation!.trace.at(-1)!.state.x_ww, 9); // against the bound max_burst + credit_bytes + 2 = 8
  const ticks = r.violation!.trace.map((s, i) => [s.rule, i] as const).filter(([n]) => n === 'tick').map(([, i]) => i);
  assert.equal(ticks, [1, 2], 'one idle tick past the connect window, then all in one tick');
  const refills = r.violation!.trace.filter((s) => /^x_(tx_credit_exceeded|xenvif_tx_credit_callback)$/.test(s.rule ?? '')).map((s) => s.rule);
  assert.equal(refills, ['x_tx_credit_exceeded', 'x_xenvif_tx_credit_callback', 'x_tx_credit_exceeded', 'x_xenvif_tx_credit_callback']);
  assert.is(runModel(limiter, { ...p, creditTimer: 'design' as const }).outcome, 'ok');
  const noLag = runModel(limiter, { ...p, maxLag: 0 });
  assert.is(noLag.violation?.property, 'L3_work_per_window');
  assert.is(noLag.violation!.trace.length - 1, 51);
});

test('XSA-392 one-slot: the hand-worked 6-step counterexample', () => {
  // post one slot, two ticks, a packet is queued (needs 2 slots), two ticks: nothing delivered for more than
  // stall_timeout, one slot posted: the pre-fix check sees no stall, the carrier stays on while time passes
  const p = paramsOf(rxStall, { hostile: 'false', hostileRx: 'true' });
  const r = runModel(rxStall, p);
  assert.equal(r.violation!.trace.slice(1).map((s) => s.rule), ['x_post_rx_slot', 'tick', 'tick', 'xenvif_start_xmit', 'tick', 'tick']);
  const last = r.violation!.trace.at(-1)!.state;
  assert.is(last.x_rxq, 1);
  assert.is(last.x_rxs, 1);
  assert.is(last.x_rxoff, 0);
});

test('receive side after XSA-392: a stall turns the carrier off and keeps the queue; expired packets are dropped; without feature-rx-notify no stall detection', () => {
  const p = pinned({ hostile: 'false', hostileRx: 'true', rxQueueMax: '3', rxPacketBytes: '2' });
  const r = runModel(limiter, p);
  assert.is(r.outcome, 'ok', r.violation?.property);
  assert.equal(r.neverFired, []);
  // the byte limit is checked before a packet is added: 2 packets of 2 bytes against rx_queue_max 3
  assert.is(r.observables!.find((o) => o.name === 'rx_queue_len')!.max, 4);
  // both choices of feature-rx-notify are initial states
  assert.equal(limiter.init(p).map((s) => s.x_rxnotify), [1, 0]);
  // without feature-rx-notify the carrier never goes off
  const noNotify = runModel(limiter, { ...p, rxNotify: 'no' as const });
  assert.is(noNotify.outcome, 'ok');
  assert.ok(noNotify.neverFired.includes('x_xenvif_queue_carrier_off') && noNotify.neverFired.includes('x_xenvif_carrier_on'));
});

test('NAPI budget removed: the hand-worked 5-step counterexample (push, event, consume, push, consume in one poll)', () => {
  const p = paramsOf(napiNoBudget, { maxPackets: '2', hostile: 'false', creditBytes: '8', hostileRx: 'false' });
  const r = runModel(napiNoBudget, p);
  assert.equal(r.violation!.trace.slice(1).map((s) => s.rule), [
    'h_RING_PUSH_REQUESTS_AND_CHECK_NOTIFY', 'h_xenvif_tx_interrupt', 'h_xenvif_tx_build_gops',
    'h_RING_PUSH_REQUESTS_AND_CHECK_NOTIFY', 'h_xenvif_tx_build_gops',
  ]);
});

test('limiter with the design timer, hostile guest, no receive side: verifies, goal included; work per window within the stated bound', () => {
  const p = pinned({ hostileRx: 'false', creditTimer: 'design' });
  const r = runModel(limiter, p);
  assert.is(r.outcome, 'ok');
  assert.is(r.neverFired.filter((n) => !/rx|start_xmit|carrier/.test(n)).length, 0);
  const work = r.observables!.find((o) => o.name === 'work_per_window_hostile')!;
  assert.ok(work.max <= maxBurst(p) + p.creditBytes + 2);
  // a packet of charge 1 + 2*1 + 1 = 4 > credit_bytes = 2 is the honest one: it is sent (goal holds)
  assert.ok(4 > p.creditBytes);
});

test('a packet larger than max_burst is never sent: the recoverability goal fails', () => {
  // honest packet charge 1 + 2 + 1 = 4; burst 3 and credit_bytes 2 give max_burst 3: it never fits
  const base = pinned({ hostile: 'false', hostileRx: 'false' });
  const p: LimiterParams = { ...base, burst: 3 };
  const r = runModel(limiter, p);
  assert.is(r.outcome, 'violation');
  assert.ok(['L4_honest_packet_eventually_sent', 'L4_honest_bounded_response'].includes(r.violation!.property));
  const g = runModel({ ...limiter, invariants: [] }, p);
  assert.is(g.violation?.property, 'L4_honest_packet_eventually_sent');
  assert.is(g.violation?.kind, 'recoverability');
});

test('tx_add_credit: netback arithmetic equals exact min(rem + credit_bytes, max_burst) for every word width', () => {
  fc.assert(fc.property(fc.integer({ min: 3, max: 16 }), fc.nat(), fc.nat(), fc.nat(), (w, a, b, c) => {
    const M = 2 ** w - 1;
    const creditBytes = 1 + (a % M);
    const burst = 1 + (b % M);
    const p = { ...limiter.params.defaults, wordBits: w, creditBytes, burst } as LimiterParams;
    const rem = c % (maxBurst(p) + 1);
    return netbackAddCredit(rem, p) === Math.min(rem + creditBytes, Math.max(burst, creditBytes));
  }));
});

test('lateeoi back-off: 1 << (cnt - 2) ticks from the second spurious event, capped', () => {
  const p = { ...limiter.params.defaults, lateeoiMaxDelay: 4 } as LimiterParams;
  assert.equal([1, 2, 3, 4, 5, 6].map((c) => lateeoiDelay(c, p)), [0, 1, 2, 4, 4, 4]);
});

test('poll list encoding behaves like an array queue of up to three NAPI instances', () => {
  // every ordered list of distinct queues, encoded by scheduling its members in order from the empty list
  const all: Guest[] = ['h', 'x', 'x1'];
  const lists: Guest[][] = [[]];
  for (let i = 0; i < lists.length; i++) for (const g of all) if (!lists[i]!.includes(g)) lists.push([...lists[i]!, g]);
  assert.is(lists.length, 1 + 3 + 6 + 6);
  const enc = (q: Guest[]): number => q.reduce((pl, g) => plSchedule(pl, g), PL_EMPTY);
  assert.is(new Set(lists.map(enc)).size, lists.length, 'distinct lists, distinct codes');
  assert.equal([enc(['h']), enc(['x']), enc(['h', 'x']), enc(['x', 'h'])], [PL_H, PL_X, PL_HX, PL_XH]);
  for (const q of lists) {
    assert.is(plHead(enc(q)), q[0]);
    assert.is(plPop(enc(q)), enc(q.slice(1)));
    assert.is(plRotate(enc(q)), enc(q.length ? [...q.slice(1), q[0]!] : []));
    for (const g of all) assert.is(plSchedule(enc(q), g), enc(q.includes(g) ? q : [...q, g]));
  }
});

test('netback credit per queue (xenbus.c connect): a guest that asks for two queues gets twice the vif\'s rate (L3_guest_work_per_window, a finding); each queue stays within its own', () => {
  const p = pinned({ maxQueues: '2', creditTimer: 'design' });
  // both choices of multi-queue-num-queues are initial states, queue 1 connected as queue 0
  assert.equal(limiter.init(p).map((s) => [s.x_nq, s.x1_rem, s.x1_nc]), [[0, 0, 0], [1, p.creditBytes, p.maxLag + p.creditUsec]]);
  assert.ok(limiter.findings!.includes('L3_guest_work_per_window'));
  const r = runModel(limiter, p);
  assert.is(r.violation?.property, 'L3_guest_work_per_window');
  const len = r.violation!.trace.length - 1;
  assert.is(len, 15);
  assert.ok(replays(limiter, p, r));
  assert.is(runModel(limiter, p, len - 1).violation, undefined, 'shortest');
  const last = r.violation!.trace.at(-1)!.state;
  assert.is(last.x_nq, 1);
  const bound = maxBurst(p) + p.creditBytes + 2;
  assert.ok(last.x_ww <= bound && last.x1_ww <= bound, 'each queue within its own rate');
  assert.ok(last.x_ww + last.x1_ww > bound, 'the guest beyond the vif\'s');
  assert.ok(r.violation!.trace.some((s) => s.rule === 'x1_xenvif_tx_build_gops'), 'queue 1 consumed a packet');
});

test('netback credit per queue: with the design timer, within 15 steps the guest\'s work per window exceeds one queue\'s bound and stays within (queues) x it', () => {
  // bounded: the whole space with two hostile queues is beyond a test's minute (docs/models/limiter.md)
  const p = pinned({ maxQueues: '2', creditTimer: 'design' });
  const keep = ['L3_work_per_window', 'L3_guest_work_per_window_per_queue'];
  const r = runModel({ ...limiter, invariants: limiter.invariants.filter((i) => keep.includes(i.name)), goals: [] }, p, 15);
  assert.is(r.violation, undefined, r.violation?.property);
  const work = r.observables!.find((o) => o.name === 'work_per_window_hostile')!;
  const bound = maxBurst(p) + p.creditBytes + 2;
  assert.ok(work.max > bound && work.max <= 2 * bound, `max ${work.max}`);
});

test.run();
