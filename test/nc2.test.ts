/**
 * The NetChannel2 ring (model/nc2.ts, issue 15 point 1): the model verifies at
 * its defaults and in both directions, with and without the v2v hints; it
 * behaves the same wherever the 32-bit indices start (wrap-safety: the same
 * graph at startIndex 16, 0x7ffffff0 and 0xfffffff0); each variant of
 * examples/ is found with a shortest counterexample that replays and that the
 * built-in model does not reproduce; a hostile backend reaches the Linux
 * uring.h BUG_ON (a finding) but never makes the frontend read outside the
 * ring or stall on a zero-size message, and the defences that keep it so are
 * shown to matter by deleting them; its writes of prod_event, cons_event and
 * the v2v hints leave the frontend safe, and v2v's CONSUMER_SPIN_LIMIT is what
 * bounds its spin on a hostile producer_active. The hostile backend's values
 * are the boundaries of the classes the frontend's code tells apart
 * (docs/models/nc2.md "What a hostile backend writes"): the BUG_ON is reached
 * from cons one byte further behind than the ring, a containment test off by
 * one byte is caught, and with a hostile backend no end of the frontend is a
 * stall (a copy whose valid end asks exactly that verifies). A run reads at
 * most hostileLaps rings of a hostile ring after the backend's last write to it
 * (the bound is reached and kept, and a later write gives as many more), and
 * the ghost padRun of H5 counts pads since the last data message only.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deriveModel, type Model, type Rule } from '../model/core.js';
import { paramsOf, replays, runModel, systemOf } from './support/models.js';
import { produce, type Draft } from 'immer';
import { check } from '../checker/explore.js';
import type { CheckResult } from '../checker/explore.js';
import { traceFromViolation } from '../traces/format.js';
import { replay } from '../traces/replay.js';
import { CELL_HDR, CELL_PAD, C_DEAD, C_READ, C_WAIT, HDR, P_BUG, P_IDLE, P_WAIT, hostileCons, hostileSizes, lapsLeft, nc2, nc2Init, type Nc2Params, type Nc2State } from '../model/nc2.js';
import { idxAdd, idxSub } from '../model/idx32.js';
import { nc2Api } from '../model/nc2Api.js';
import noPadding from '../examples/nc2-no-padding.js';
import noRecheck from '../examples/nc2-free-space-no-recheck.js';

type M = Model<Nc2State, Nc2Params>;
const params = (m: M, o: Record<string, string>) => paramsOf(m, o);
const run = (m: M, o: Record<string, string>, maxDepth?: number): CheckResult<Nc2State> => runModel(m, params(m, o), maxDepth ?? {});
const neverFired = (r: CheckResult<Nc2State>) => r.coverage.filter((c) => c.fired === 0).map((c) => c.rule);

test('nc2 at its defaults verifies, and every honest rule fires (pads, a full ring, the free-space re-check, both wake-ups)', () => {
  const r = run(nc2, {});
  assert.is(r.outcome, 'ok');
  // Only the steps a hostile peer's values lead to never fire with honest peers.
  assert.equal(neverFired(r).sort(), ['BUG_ON.bytes_available.frontend', 'nc2_get_message.invalid.backend']);
});

test('both directions with the shared event channel, and the v2v active hints, verify', () => {
  const both = run(nc2, { directions: '2', messages: '1' });
  assert.is(both.outcome, 'ok');
  assert.ok(both.coverage.find((c) => c.rule === 'nc2_get_message.frontend')!.fired > 0);
  const small = run(nc2, { directions: '2', messages: '2', ringBytes: '16', maxMessage: '8', startIndex: '0' });
  assert.is(small.outcome, 'ok');
  assert.ok(small.coverage.find((c) => c.rule === 'nc2_can_send_payload_bytes.full.backend')!.fired > 0);
  const hints = run(nc2, { hints: 'true', messages: '2' });
  assert.is(hints.outcome, 'ok');
  for (const rule of ['v2v_nc2_prep_message.producer_active.frontend', 'v2v_nc2_get_message.spin.backend', 'nc2_flush_ring.no_notify.frontend'])
    assert.ok(hints.coverage.find((c) => c.rule === rule)!.fired > 0, rule);
});

test('wrap-safety: the same graph wherever the 32-bit indices start (same offset in the ring), and a fresh ring verifies', () => {
  const figures = ['16', '2147483632', '4294967280'].map((start) => {
    const r = run(nc2, { startIndex: start, messages: '2' }); // written at messages=2 (the defaults are 3 since 2026-12-05)
    assert.is(r.outcome, 'ok', start);
    return [r.distinctStates, r.edges, r.depth];
  });
  assert.equal(figures[1], figures[0]);
  assert.equal(figures[2], figures[0]);
  assert.is(run(nc2, { startIndex: '0', messages: '2' }).outcome, 'ok');
});

const variants: { m: M; property: string }[] = [
  { m: noPadding, property: 'N7_honest_messages_valid' },
  { m: noRecheck, property: 'N5_no_lost_wakeup_space' },
];
for (const c of variants) {
  test(`${c.m.name}: ${c.property}, shortest, replays; the built-in nc2 does not follow it to the violation`, () => {
    const r = run(c.m, {});
    assert.is(r.outcome, 'violation');
    assert.is(r.violation!.property, c.property);
    const steps = r.violation!.trace.length - 1;
    assert.is.not(run(c.m, {}, steps - 1).outcome, 'violation', 'no shorter counterexample');
    const trace = traceFromViolation(c.m, params(c.m, {}), r.violation!);
    assert.is(replay(c.m, params(c.m, {}), trace).kind, 'reproduced');
    // at the variant's parameters: at other ones the trace's first state would differ and prove nothing
    assert.is.not(replay(nc2, params(c.m, {}), trace).kind, 'reproduced');
  });
}

test('padding not written, from a fresh ring: the consumer finds the skipped tail and stops or delivers what is there', () => {
  const r = run(noPadding, { startIndex: '0', messages: '4' });
  assert.is(r.outcome, 'violation');
  assert.ok(['N7_honest_messages_valid', 'N3_padding_never_data', 'N2_no_torn_message'].includes(r.violation!.property));
});

test('a message larger than half the ring can stall for ever: __nc2_ring_would_wrap is true when it ends at the ring end, and pad + message exceed the ring', () => {
  const r = run(nc2, { ringBytes: '32', maxMessage: '24', messages: '2', startIndex: '0' });
  assert.is(r.outcome, 'deadlock');
  const last = r.violation!.trace[r.violation!.trace.length - 1]!.state;
  assert.is(last.prod[0]!.want, 24);
  assert.is(run(nc2, { ringBytes: '32', maxMessage: '16', messages: '2', startIndex: '0' }).outcome, 'ok');
});

test('hostile backend: a cons one byte further behind prod_pvt than the ring makes bytes_available exceed the ring: the Linux BUG_ON (finding, shortest)', () => {
  const o = { backend: 'hostile', messages: '2' };
  const r = run(nc2, o);
  assert.is(r.outcome, 'violation');
  assert.is(r.violation!.property, 'H3_no_BUG_ON');
  const steps = r.violation!.trace.length - 1;
  assert.is.not(run(nc2, o, steps - 1).outcome, 'violation');
  const w = r.violation!.trace.findIndex((st) => st.action.startsWith('hostile.cons'));
  assert.ok(w > 0);
  const before = r.violation!.trace[w - 1]!.state, after = r.violation!.trace[w]!.state;
  assert.is(idxSub(before.prod[0]!.prod_pvt, after.sring[0]!.cons), 33); // ringBytes + 1
});

test('hostile cons: the boundaries of nc2_can_send_payload_bytes\'s classes (past the ring by one byte; ahead by the message and by one more; 4 bytes on)', () => {
  const p = params(nc2, { backend: 'hostile' });
  const x = 0xfffffff0;
  // idle: the smallest message (8 bytes) at offset 16 of 32 needs no pad
  assert.equal(hostileCons(x, x, 0, p), [idxSub(x, 33), idxAdd(x, 8), idxAdd(x, 9), idxAdd(x, HDR)]);
  // a 16-byte message there would wrap: 16 bytes of pad first, so need = 32
  assert.equal(hostileCons(x, idxSub(x, 8), 16, p), [idxSub(x, 33), idxAdd(x, 32), idxAdd(x, 33), idxSub(x, 4)]);
  // header sizes at offset o: 0, 4, ringBytes - o (ends at the ring's end), ringBytes - o + 1 (one byte past)
  assert.equal(hostileSizes(0, p), [0, 4, 32, 33]);
  assert.equal(hostileSizes(7, p), [0, 4, 5]);
});

// The consumer's defences against a hostile producer (ring 1), with the BUG_ON left out (H3 is the finding above).
const noBug = deriveModel(nc2, { name: 'nc2-no-bug-inv', description: 'nc2 without H3', removeInvariants: ['H3_no_BUG_ON'] });
const HOSTILE = { backend: 'hostile', directions: '2', messages: '1', hostileWrites: '2' };
test('hostile backend writing prod, headers and sizes: the frontend never reads outside the ring nor accepts a zero-size message', () => {
  const r = run(noBug, HOSTILE);
  assert.is(r.outcome, 'ok');
  assert.ok(r.coverage.find((c) => c.rule === 'nc2_get_message.invalid.frontend')!.fired > 0);
  assert.ok(r.coverage.find((c) => c.rule === 'nc2_get_message.pad.frontend')!.fired > 0);
});

const HOSTILE_ALL = { ...HOSTILE, hints: 'true' };
test('hostile backend also writing prod_event, cons_event and its v2v hints: still no read outside the ring, no zero-size loop, a bounded spin', () => {
  const r = run(noBug, HOSTILE_ALL);
  assert.is(r.outcome, 'ok');
  for (const rule of ['hostile.prod_event', 'hostile.cons_event', 'hostile.hint', 'v2v_nc2_get_message.spin.frontend', 'v2v_nc2_get_message.spin_end.frontend'])
    assert.ok(r.coverage.find((c) => c.rule === rule)!.fired > 0, rule);
  // with a single hostile write the producer_active the backend sets stays set for ever: the frontend spins once per call, then sleeps
  const one = run(noBug, { ...HOSTILE_ALL, hostileWrites: '1' });
  assert.is(one.outcome, 'ok');
});

test('the spin limit matters: a consumer that spins again whenever producer_active is set (no CONSUMER_SPIN_LIMIT) loops on a hostile hint (H4)', () => {
  const spin = nc2.rules.find((x) => x.name === 'v2v_nc2_get_message.spin.frontend')!;
  const unlimited = deriveModel(noBug, {
    name: 'nc2-no-spin-limit', description: 'spin while producer_active, without a limit',
    replace: {
      'v2v_nc2_get_message.spin.frontend': {
        ...spin,
        when: (s: Nc2State) => s.cons[1]!.pc === C_READ && s.sring[1]!.prod === s.cons[1]!.cons_pvt && s.cons[1]!.cons_pvt === s.cons[1]!.local_cons && s.sring[1]!.producer_active === 1,
      },
    },
  });
  const r = run(unlimited, HOSTILE_ALL);
  assert.is(r.outcome, 'violation');
  assert.is(r.violation!.property, 'H4_bounded_spin');
  assert.ok(r.violation!.trace.some((st) => st.action.startsWith('hostile.hint')));
});

/** The frontend's nc2_get_message with `valid` in place of v2v's header check (the pad / data split kept). */
const weakened = (name: string, valid: (x: number, size: number, p: Nc2Params) => boolean): M => {
  const cell = (s: Nc2State, p: Nc2Params) => s.sring[1]!.payload[((s.cons[1]!.cons_pvt & (p.ringBytes - 1)) / 4) | 0]!;
  const size = (s: Nc2State, p: Nc2Params) => (cell(s, p).k === 1 || cell(s, p).k === 3 ? cell(s, p).size : 0);
  const at = (s: Nc2State, p: Nc2Params) =>
    s.cons[1]!.pc === C_READ && s.sring[1]!.prod !== s.cons[1]!.cons_pvt && valid(s.cons[1]!.cons_pvt, size(s, p), p);
  const rule = (n: string) => nc2.rules.find((r) => r.name === n)!;
  const replace: Record<string, Rule<Nc2State, Nc2Params>> = {
    'nc2_get_message.pad.frontend': { ...rule('nc2_get_message.pad.frontend'), when: (s, p) => at(s, p) && cell(s, p).k === 3 },
    'nc2_get_message.frontend': { ...rule('nc2_get_message.frontend'), when: (s, p) => at(s, p) && cell(s, p).k !== 3 },
    'nc2_get_message.invalid.frontend': {
      ...rule('nc2_get_message.invalid.frontend'),
      when: (s, p) => s.cons[1]!.pc === C_READ && s.sring[1]!.prod !== s.cons[1]!.cons_pvt && !valid(s.cons[1]!.cons_pvt, size(s, p), p),
    },
  };
  return deriveModel(noBug, { name, description: name, replace });
};

test('the defences matter: without size >= sizeof(hdr) a zero-size message is accepted (H2); without the containment test a message is read across the ring end (H1)', () => {
  const noSize = weakened('nc2-no-size-check', (x, size, p) => (x & (p.ringBytes - 1)) + size <= p.ringBytes && size <= p.ringBytes);
  const r1 = run(noSize, HOSTILE);
  assert.is(r1.outcome, 'violation');
  assert.is(r1.violation!.property, 'H2_no_loop');
  const noContained = weakened('nc2-no-containment', (_x, size) => size >= HDR);
  const r2 = run(noContained, HOSTILE);
  assert.is(r2.outcome, 'violation');
  assert.is(r2.violation!.property, 'H1_reads_inside_ring');
});

test('nc2-api\'s hostile consumer writes the same cons boundaries (its vector hostile-cons-bug-on included)', () => {
  const p = paramsOf(nc2Api as unknown as M, { hostile: 'true' }) as any;
  const s0 = nc2Api.init(p)[0]!;
  const rule = nc2Api.rules.find((x) => x.name === 'hostile_cons')!;
  const x = s0.prod_pvt;
  assert.equal(rule.choices!(s0, p), [idxSub(x, p.ringBytes + 1), idxAdd(x, 8), idxAdd(x, 9), idxAdd(s0.cons, HDR)]);
  const r = runModel(nc2Api as unknown as M, p);
  assert.is(r.violation?.property, 'A3_no_BUG_ON');
  assert.is(idxSub(x, (r.violation!.trace[1]!.state as any).cons), p.ringBytes + 1);
});

test('the containment test off by one byte lets a message end one byte past the ring (H1): the backend writes that size', () => {
  const offByOne = weakened('nc2-containment-off-by-one', (x, size, p) => size >= HDR && size <= p.ringBytes + 1 && (x & (p.ringBytes - 1)) + size <= p.ringBytes + 1);
  const r = run(offByOne, HOSTILE);
  assert.is(r.outcome, 'violation');
  assert.is(r.violation!.property, 'H1_reads_inside_ring');
});

test('F3: a hostile backend keeps the frontend skipping pads for ever (H5, shortest: a pad to the ring end, then a ring-sized pad at its start, prod kept away); with no write left the same pad is skipped lap after lap', () => {
  const o = { backend: 'hostile', directions: '2' };
  const r = run(nc2, o);
  assert.is(r.violation?.property, 'H5_pads_within_a_ring');
  const steps = r.violation!.trace.length - 1;
  assert.is(steps, 5);
  assert.is.not(run(nc2, o, steps - 1).outcome, 'violation');
  assert.ok(replays(nc2, params(nc2, o), r));
  // from the last state, with no hostile write left, v2v_nc2_get_message's pad branch repeats: cons_pvt moves a ring at a time
  // (the driver's loop: the model's bound on the laps a run reads, hostileLaps, lifted)
  const pad = nc2.rules.find((x) => x.name === 'nc2_get_message.pad.frontend')!;
  const p = { ...params(nc2, o), hostileLaps: 64 };
  let s = r.violation!.trace[steps]!.state;
  assert.is(s.hostileLeft, 0);
  for (let lap = 0; lap < 3; lap++) {
    assert.ok(pad.when!(s, p, undefined), `lap ${lap}`);
    const next = produce(s, (d) => { pad.then(d as Draft<Nc2State>, s, p, undefined); });
    assert.is(idxSub(next.cons[1]!.cons_pvt, s.cons[1]!.cons_pvt), p.ringBytes);
    assert.equal({ ...next, cons: [next.cons[0], { ...next.cons[1], cons_pvt: 0 }] }, { ...s, cons: [s.cons[0], { ...s.cons[1], cons_pvt: 0 }] });
    s = next;
  }
});

test('hostileLaps bounds what the frontend reads from a hostile ring, counted from the backend\'s last write to it: a stale message delivered lap after lap (prod kept off the grid) walks cons_pvt up to hostileLaps rings past that write and no further, and a later write gives hostileLaps more; recv stays 0 there', () => {
  // v2v_nc2_get_message compares all 32 bits of prod and cons_pvt: with prod 4 bytes behind, a stale data message
  // is delivered every lap for 2^32 bytes; the model's run stops reading at hostileLaps rings past where cons_pvt was
  // at the backend's last write of ring 1's prod or a header (lapFrom)
  const noH5 = deriveModel(noBug, { name: 'nc2-no-h5', description: 'nc2 without H3 and H5', removeInvariants: ['H5_pads_within_a_ring'] });
  const reach = (laps: number) => {
    const p = params(noH5, { backend: 'hostile', directions: '2', messages: '0', hostileWrites: '3', hostileLaps: String(laps) });
    let far = 0, farSince = 0, counted = 0, ring0 = 0;
    const r = check(systemOf(noH5, p, []), {
      onState: (s: Nc2State) => {
        far = Math.max(far, idxSub(s.cons[1]!.cons_pvt, p.startIndex));
        farSince = Math.max(farSince, idxSub(s.cons[1]!.cons_pvt, s.cons[1]!.lapFrom));
        if (s.cons[1]!.recv !== 0) counted++;
        if (s.cons[0]!.lapFrom !== p.startIndex) ring0++;
      },
    });
    assert.is(r.outcome, 'ok');
    assert.is(counted, 0, 'recv on the hostile ring');
    assert.is(ring0, 0, 'lapFrom moves on the hostile producer\'s ring only');
    return { far, farSince, states: r.distinctStates, data: r.coverage.find((c) => c.rule === 'nc2_get_message.frontend')!.fired };
  };
  for (const laps of [1, 2, 3]) {
    const { far, farSince, data } = reach(laps);
    // the last read starts below the bound and moves at most a ring (a data message rounded up to 8: a ring and 4 bytes)
    assert.ok(farSince >= laps * 32 && farSince < laps * 32 + 32 + 8, `laps ${laps}: ${farSince} past the last write`);
    assert.ok(far >= farSince);
    assert.ok(data > 0);
  }
  assert.ok(reach(3).states > reach(1).states);
  // ring 1 as a backend left it with one write to go: a data message from the start offset 16 to the ring end, one of
  // the whole ring at offset 0, prod 4 bytes off the grid: the frontend reads a lap (hostileLaps=1) and stops; the
  // backend's last write, when it comes after that, gives it another lap from where it stands
  for (const left of [0, 1]) {
    const p = params(nc2, { backend: 'hostile', directions: '2', messages: '0', hostileWrites: String(left), hostileLaps: '1' });
    const s0 = produce(nc2Init(p), (d) => {
      const cells = d.sring[1]!.payload;
      Object.assign(cells[4]!, { k: CELL_HDR, size: 16 });
      Object.assign(cells[0]!, { k: CELL_HDR, size: 32 });
      d.sring[1]!.prod = idxSub(p.startIndex, 4);
    });
    const m = deriveModel(nc2, { name: 'nc2-stale-loop', description: 'ring 1 with a stale message read every lap', init: () => [s0] });
    let far = 0;
    const r = check(systemOf(m, p, []), { onState: (s: Nc2State) => { far = Math.max(far, idxSub(s.cons[1]!.cons_pvt, p.startIndex)); } });
    assert.is(r.outcome, 'ok');
    assert.is(far, left === 0 ? 48 : 48 + 32, `${left} write(s) left: ${far}`);
  }
  // each write of what the frontend reads on ring 1 (prod, a header) moves the bound to where it stands; the backend's
  // other writes (ring 0's cons, ring 1's cons_event) do not
  {
    const p = params(nc2, { backend: 'hostile', directions: '2', messages: '0', hostileLaps: '1' });
    const x = idxAdd(p.startIndex, 32);
    const s0 = produce(nc2Init(p), (d) => { d.cons[1]!.cons_pvt = x; d.cons[1]!.local_cons = x; });
    assert.not.ok(lapsLeft(s0, 1, p));
    const write = (name: string) => {
      const rule = nc2.rules.find((r) => r.name === name)!;
      const choice = rule.choices!(s0, p)[0];
      assert.ok(rule.when!(s0, p, choice), name);
      return produce(s0, (d) => { rule.then(d as Draft<Nc2State>, s0, p, choice); });
    };
    for (const name of ['hostile.prod', 'hostile.header']) {
      const s1 = write(name);
      assert.is(s1.cons[1]!.lapFrom, x, name);
      assert.ok(lapsLeft(s1, 1, p), name);
    }
    for (const name of ['hostile.cons', 'hostile.cons_event']) assert.not.ok(lapsLeft(write(name), 1, p), name);
  }
  // with an honest backend lapFrom never moves (no honest count moves with it): both directions on a 16-byte ring
  // (pads, a full ring, both wake-ups) and one message each way on the default ring (nc2_can_send_payload_bytes's
  // fast case), between them every rule the default ring's messages=2 fires (its 5.9 M states took 31 s of CI)
  const fired = new Set<string>();
  let listed: string[] = [];
  const points: Record<string, string>[] = [{ directions: '2', messages: '2', ringBytes: '16', maxMessage: '8', startIndex: '0' }, { directions: '2', messages: '1' }];
  for (const o of points) {
    const h = params(nc2, o);
    let moved = 0;
    const r = check(systemOf(nc2, h, []), { onState: (s: Nc2State) => { if (s.cons.some((c) => c.lapFrom !== h.startIndex)) moved++; } });
    assert.is(moved, 0, JSON.stringify(o));
    listed = r.coverage.map((c) => c.rule);
    for (const c of r.coverage) if (c.fired > 0) fired.add(c.rule);
  }
  // only the steps a hostile peer's values lead to are left (as at the defaults, first test)
  assert.equal(listed.filter((rule) => !fired.has(rule)).sort(), ['BUG_ON.bytes_available.backend', 'BUG_ON.bytes_available.frontend', 'nc2_get_message.invalid.backend', 'nc2_get_message.invalid.frontend']);
});

test('padRun counts pads since the last data message on a hostile ring: pads of 16 and 24 bytes with a data message between each are never more than a ring in a row (H5 holds; counted across messages they would be)', () => {
  // ring 1 as a backend left it (no write left): a pad at the start offset 16 to the ring end, an 8-byte data message
  // at offset 0, a pad from offset 8 to the ring end, and prod 4 bytes off the grid: the frontend reads pad, data,
  // pad, data, ... for hostileLaps laps, 16 + 24 + 24 + ... bytes of pad in all but at most 24 since a message
  const p = params(nc2, { backend: 'hostile', directions: '2', messages: '0', hostileWrites: '0' });
  const s0 = produce(nc2Init(p), (d) => {
    const cells = d.sring[1]!.payload;
    Object.assign(cells[4]!, { k: CELL_PAD, size: 16 });
    Object.assign(cells[0]!, { k: CELL_HDR, size: 8 });
    Object.assign(cells[2]!, { k: CELL_PAD, size: 24 });
    d.sring[1]!.prod = idxSub(p.startIndex, 4);
  });
  const m = deriveModel(nc2, { name: 'nc2-pads-between-data', description: 'ring 1 with pads between data messages', init: () => [s0] });
  let far = 0, most = 0;
  const r = check(systemOf(m, p, []), {
    onState: (s: Nc2State) => { far = Math.max(far, idxSub(s.cons[1]!.cons_pvt, p.startIndex)); most = Math.max(most, s.cons[1]!.padRun); },
  });
  assert.is(r.outcome, 'ok');
  assert.is(most, 24);
  assert.ok(far >= 3 * p.ringBytes, `${far}`); // 16 + 8 + 24 + 8 + 24 + ... bytes read: far more than a ring of pads in all
  for (const rule of ['nc2_get_message.pad.frontend', 'nc2_get_message.frontend']) assert.ok(r.coverage.find((c) => c.rule === rule)!.fired > 0, rule);
});

test('with a hostile backend no end of the frontend is a stall: a copy whose valid end asks the frontend to be finished, asleep with no event pending, at a BUG_ON or stopped verifies, deadlock included', () => {
  const frontendEnd = deriveModel(nc2, {
    name: 'nc2-frontend-valid-end', description: 'valid ends: what the honest frontend must reach',
    isValidEnd: (s, p) => {
      const x = s.prod[0]!, c = s.cons[1];
      const prodDone = (x.pc === P_IDLE && x.sent === p.messages && x.prod_pvt === x.local_prod) || (x.pc === P_WAIT && s.pending[0] === 0) || x.pc === P_BUG;
      return prodDone && (c === undefined || (c.pc === C_WAIT && s.pending[0] === 0) || c.pc === C_DEAD);
    },
  });
  const r = check(systemOf(frontendEnd, params(frontendEnd, { backend: 'hostile', hints: 'true', messages: '2', hostileWrites: '2' }), []), {});
  assert.is(r.outcome, 'ok');
  assert.ok(r.distinctStates > 20000, `${r.distinctStates}`);
});

test.run();
