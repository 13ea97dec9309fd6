/**
 * The `ring` model at its defaults (sc memory, honest peers, one ring, payload
 * domain 1) is ring-notify with 32-bit RING_IDX arithmetic: exactly the state
 * and edge counts of ring-spec.md §11 at every startIndex, including runs that
 * cross 2^32. The ring.h macro helpers against hand-worked values.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { NOTIFY, NR_UNCONSUMED_REQUESTS, NR_UNCONSUMED_RESPONSES, RING_FULL, idxSub } from '../model/idx32.js';
import { F_WAIT, B_WAIT, RING_REQUEST_PROD_OVERFLOW, RING_RESPONSE_PROD_OVERFLOW, freeId, ring, ringInits, ringParams, type RingParams, type RingState } from '../model/ring.js';
import { deriveModel, ruleOf, type Model, type Rule } from '../model/core.js';
import { resolveParams } from '../model/params.js';
import { bind } from '../properties/bind.js';
import { check } from '../checker/explore.js';

const TOP = 0xffffffff;

test('RING_FULL, NR_UNCONSUMED_*, the notify test and the overflow checks: hand-worked values across 2^32', () => {
  assert.ok(RING_FULL(4, 2, TOP - 1)); // 0xfffffffe, 0xffffffff, 0, 1 outstanding
  assert.not.ok(RING_FULL(4, 1, TOP - 1));
  assert.is(NR_UNCONSUMED_RESPONSES(1, TOP), 2);
  assert.is(NR_UNCONSUMED_REQUESTS(4, 3, 1, TOP), 2); // min(3-1, 4-(1-0xffffffff)) = min(2, 2)
  assert.is(NR_UNCONSUMED_REQUESTS(4, 1, TOP, TOP), 2);
  // (RING_IDX)(new - event) < (RING_IDX)(new - old): pushed 0xfffffffe -> 1
  assert.ok(NOTIFY(1, TOP - 1, 0));
  assert.ok(NOTIFY(1, TOP - 1, 1));
  assert.not.ok(NOTIFY(1, TOP - 1, TOP - 1));
  assert.not.ok(NOTIFY(1, TOP - 1, 2));
  // RING_REQUEST_PROD_OVERFLOW: (prod - rsp_prod_pvt) > RING_SIZE
  assert.not.ok(RING_REQUEST_PROD_OVERFLOW(4, 2, TOP - 1)); // 4 ahead: possible
  assert.ok(RING_REQUEST_PROD_OVERFLOW(4, 3, TOP - 1)); // 5 ahead
  assert.ok(RING_REQUEST_PROD_OVERFLOW(4, TOP - 2, TOP - 1)); // behind: 2^32 - 1 ahead
  assert.ok(RING_RESPONSE_PROD_OVERFLOW(2, 0, 1)); // rsp_prod moved backwards
  assert.not.ok(RING_RESPONSE_PROD_OVERFLOW(2, 1, TOP));
  assert.is(idxSub(0, TOP), 1);
});

test('freeId: the slot of req_prod_pvt when free, else the next free id, -1 when none', () => {
  assert.is(freeId(0b0000, 6, 4), 2);
  assert.is(freeId(0b0100, 6, 4), 3);
  assert.is(freeId(0b1100, 6, 4), 0);
  assert.is(freeId(0b1111, 6, 4), -1);
});

const params = (o: Record<string, string | number | boolean>): RingParams => {
  const p = resolveParams(ringParams, o);
  if (E.isLeft(p)) throw new Error(p.left);
  return p.right;
};
const run = (o: Record<string, string | number | boolean>, onState?: (s: RingState) => void) => {
  const sys = bind(ring, params(o));
  if (E.isLeft(sys)) throw new Error(sys.left);
  return check(sys.right, onState ? { onState } : {});
};

test('parameters: both peers hostile is refused; defaults are sc, honest, one ring, payloads 1', () => {
  assert.ok(E.isLeft(resolveParams(ringParams, { frontend: 'hostile', backend: 'hostile' })));
  const d = ringParams.defaults;
  assert.equal([d.memory, d.frontend, d.backend, d.rings, d.payloads, d.counters], ['sc', 'honest', 'honest', 'one', 1, false]);
});

// ring-spec.md §11 (SPIN and the Python reference agree on these).
const SPEC: Record<string, { states: number; edges: number; depth: number }> = {
  '2x4': { states: 3580, edges: 6901, depth: 53 },
  '4x8': { states: 19184, edges: 37589, depth: 81 },
};
for (const [point, want] of Object.entries(SPEC)) {
  const [N, M] = point.split('x').map(Number) as [number, number];
  for (const start of [0, TOP - 2, TOP]) {
    test(`ring ${point} startIndex=0x${start.toString(16)}: exactly ring-notify's states and edges`, () => {
      let crossed = false;
      const r = run({ ringSize: N, messages: M, startIndex: start }, (s) => {
        if ((s.mem['req_prod'] as number) < start) crossed = true;
      });
      assert.is(r.outcome, 'ok');
      assert.is(r.distinctStates, want.states);
      assert.is(r.edges, want.edges);
      assert.is(r.depth, want.depth);
      if (start > 0) assert.ok(crossed, 'some run crossed 2^32');
    });
  }
}

test('payloads=2: every request carries a payload choice, the backend answers each in its own slot', () => {
  let sawBoth = false;
  const r = run({ ringSize: 2, messages: 2, payloads: 2 }, (s) => {
    const a = s.mem['ring[0]'] as { kind: string; val: number }, b = s.mem['ring[1]'] as { kind: string; val: number };
    if (a.kind === 'request' && b.kind === 'request' && a.val !== b.val) sawBoth = true;
  });
  assert.is(r.outcome, 'ok');
  assert.ok(sawBoth);
});

// --- the tx/rx pair: a shared event channel wakes a handler for the other ring's event

/**
 * The ring state plus ghosts: which rings notified each side's channel since
 * its last upcall, which handlers were woken by an event only the other ring
 * sent and have not looked at their ring yet, and how many of those found
 * nothing (spurious wake-ups that a split channel cannot cause).
 */
interface PairState extends RingState {
  readonly feFrom: readonly number[];
  readonly beFrom: readonly number[];
  readonly feCross: readonly number[];
  readonly beCross: readonly number[];
  readonly crossSpurious: number;
}
/** The built-in ring, its rules wrapped to keep the ghosts (the protocol is unchanged). */
const withWakeGhosts = (): Model<PairState, RingParams> => {
  const chan = (p: RingParams, r: number) => (p.rings === 'pair' && p.evtchn === 'split' ? r : 0);
  const wrap = (name: string, extra: (d: any, s: PairState, p: RingParams) => void): Rule<PairState, RingParams> => {
    const base = ruleOf(ring, name) as unknown as Rule<PairState, RingParams>;
    return { ...base, then: (d, s, p, a) => { extra(d, s, p); base.then(d, s, p, a); } };
  };
  const replace: Record<string, Rule<PairState, RingParams>> = {};
  for (const r of [0, 1]) {
    const pre = r === 0 ? '' : 'rx.';
    // The backend of ring r notifies the frontend's channel of ring r, and vice versa.
    replace[`${pre}notify_remote_via_evtchn.back`] = wrap(`${pre}notify_remote_via_evtchn.back`, (d, s, p) => { d.feFrom[chan(p, r)] = s.feFrom[chan(p, r)]! | (1 << r); });
    replace[`${pre}notify_remote_via_evtchn.front`] = wrap(`${pre}notify_remote_via_evtchn.front`, (d, s, p) => { d.beFrom[chan(p, r)] = s.beFrom[chan(p, r)]! | (1 << r); });
    for (const side of ['front', 'back'] as const) {
      const cross = side === 'front' ? 'feCross' : 'beCross';
      replace[`${pre}evtchn_upcall.${side}`] = wrap(`${pre}evtchn_upcall.${side}`, (d, s, p) => {
        const c = chan(p, r);
        const from = side === 'front' ? s.feFrom : s.beFrom;
        s[side].forEach((h, q) => {
          if (chan(p, q) === c && h.pc === (side === 'front' ? F_WAIT : B_WAIT) && !(from[c]! & (1 << q))) d[cross][q] = 1;
        });
        if (side === 'front') d.feFrom[c] = 0;
        else d.beFrom[c] = 0;
      });
      // The woken handler's first look at its ring: work (not spurious) or nothing (spurious).
      const [look, empty] = side === 'front'
        ? ['consume_response', 'RING_FINAL_CHECK_FOR_RESPONSES.empty']
        : ['consume_request', 'RING_FINAL_CHECK_FOR_REQUESTS.empty'];
      replace[pre + look] = wrap(pre + look, (d) => { d[cross][r] = 0; });
      replace[pre + empty] = wrap(pre + empty, (d, s) => {
        if (s[cross][r]) { d.crossSpurious = s.crossSpurious + 1; d[cross][r] = 0; }
      });
    }
  }
  const base = ring as unknown as Model<PairState, RingParams>;
  return {
    ...base,
    name: 'ring-wake-ghosts',
    init: (p) => ring.init(p).map((s) => ({
      ...s, feFrom: s.fe_pending.map(() => 0), beFrom: s.be_pending.map(() => 0),
      feCross: s.front.map(() => 0), beCross: s.back.map(() => 0), crossSpurious: 0,
    })),
    rules: base.rules.map((x) => replace[x.name] ?? x),
    invariants: [...base.invariants, {
      name: 'no_cross_ring_spurious_wakeup',
      description: 'no handler is woken by an event only the other ring sent and then finds no work on its own ring',
      see: 'Linux xen-netfront/xen-netback feature-split-event-channels (one event channel per tx and rx ring); docs/models/ring.md',
      holds: (s) => s.crossSpurious === 0,
    }],
    observables: [{ name: 'cross_ring_spurious_wakeups', description: 'wake-ups by an event only the other ring sent after which the handler found no work', value: (s) => s.crossSpurious }],
  };
};

/** Recount from the actions of a trace alone: upcalls that wake a blocked handler of ring q while only the other ring's peer notified since the channel's last upcall, after which q's first look finds nothing (shared channel: one upcall rule per side). */
const recountCrossSpurious = (acts: readonly string[]): number => {
  let n = 0;
  for (const side of ['front', 'back'] as const) {
    const peer = side === 'front' ? 'back' : 'front';
    const [look, empty, block] = side === 'front'
      ? ['consume_response', 'RING_FINAL_CHECK_FOR_RESPONSES.empty', 'RING_FINAL_CHECK_FOR_RESPONSES.recheck_empty_block']
      : ['consume_request', 'RING_FINAL_CHECK_FOR_REQUESTS.empty', 'RING_FINAL_CHECK_FOR_REQUESTS.recheck_empty_block'];
    for (const q of [0, 1]) {
      const pfx = q === 0 ? '' : 'rx.', other = q === 0 ? 'rx.' : '';
      let blocked = false, lastUpcall = -1;
      acts.forEach((a, i) => {
        if (a === pfx + block) blocked = true;
        if (a !== `evtchn_upcall.${side}`) return;
        const since = acts.slice(lastUpcall + 1, i);
        lastUpcall = i;
        if (!blocked) return;
        blocked = false;
        if (since.includes(`${pfx}notify_remote_via_evtchn.${peer}`) || !since.includes(`${other}notify_remote_via_evtchn.${peer}`)) return;
        const next = acts.slice(i + 1).find((x) => x === pfx + look || x === pfx + empty);
        if (next === pfx + empty) n++;
      });
    }
  }
  return n;
};

test('tx/rx pair at 1x1: a shared event channel wakes a handler for the other ring with nothing to do; split channels never do', () => {
  const m = withWakeGhosts();
  const runPair = (evtchn: string) => {
    const sys = bind(m, params({ rings: 'pair', evtchn, ringSize: 1, messages: 1 }));
    if (E.isLeft(sys)) throw new Error(sys.left);
    return check(sys.right);
  };
  // Split channels: the whole graph, every wake-up is for an event of the own ring.
  const split = runPair('split');
  assert.is(split.outcome, 'ok');
  assert.is(split.observables!.find((o) => o.name === 'cross_ring_spurious_wakeups')!.max, 0);
  assert.ok(split.coverage.find((c) => c.rule === 'evtchn_upcall.front')!.fired > 0 && split.coverage.find((c) => c.rule === 'rx.evtchn_upcall.back')!.fired > 0);
  // Shared channel: the checker stops at the shortest run with such a wake-up; recounted from its actions alone.
  const shared = runPair('shared');
  assert.is(shared.outcome, 'violation');
  assert.is(shared.violation!.property, 'no_cross_ring_spurious_wakeup');
  const acts = shared.violation!.trace.map((t) => t.action);
  assert.is(recountCrossSpurious(acts), 1, acts.join(' '));
});

// --- initial states: SHARED_RING_INIT / *_RING_INIT, a backend asleep, BACK_RING_ATTACH to a ring in use

test('init: fresh is SHARED_RING_INIT at startIndex 0; backend-asleep and reattach verify; reattach has one start per k requests in flight', () => {
  const fresh = ringInits(params({ ringSize: 2, messages: 3 }));
  assert.is(fresh.length, 1);
  const f0 = fresh[0]!;
  assert.equal([f0.mem['req_prod'], f0.mem['rsp_prod'], f0.mem['req_event'], f0.mem['rsp_event']], [0, 0, 1, 1]);
  const re = ringInits(params({ ringSize: 2, messages: 3, init: 'reattach' }));
  assert.equal(re.map((s) => s.mem['req_prod']), [1, 2]);
  for (const s of re) {
    // BACK_RING_ATTACH(rsp_prod): req_cons = rsp_prod_pvt = rsp_prod; the frontend sleeps with its requests TX_PENDING.
    assert.equal([s.back[0]!.req_cons, s.back[0]!.rsp_prod_pvt, s.mem['rsp_prod']], [0, 0, 0]);
    assert.is(s.front[0]!.pc, F_WAIT);
    assert.is(s.front[0]!.outstanding, (1 << (s.mem['req_prod'] as number)) - 1);
  }
  for (const init of ['backend-asleep', 'reattach']) assert.is(run({ ringSize: 2, messages: 3, init }).outcome, 'ok', init);
});

test('init=reattach: a backend that attaches and waits for an event, without first checking the ring, never wakes (I5)', () => {
  // netback checks at connect: xenvif_up -> xenvif_napi_schedule_or_enable_events -> RING_FINAL_CHECK_FOR_REQUESTS.
  const sleepy = deriveModel(ring, {
    name: 'ring-reattach-asleep', description: 'the reattached backend sleeps first',
    init: (p) => ringInits(p).map((s) => ({ ...s, back: s.back.map((b) => ({ ...b, pc: B_WAIT, blocked: 1 })) })),
  });
  const sys = bind(sleepy, params({ ringSize: 2, messages: 3, init: 'reattach' }));
  if (E.isLeft(sys)) throw new Error(sys.left);
  // The initial state itself: requests on the ring, both sides asleep, no event on its way (a deadlock, and I4).
  const r = check(sys.right);
  assert.is(r.outcome, 'deadlock');
  assert.is(r.violation!.trace.length - 1, 0);
  const i4 = check(sys.right, { checkDeadlock: false });
  assert.is(i4.outcome, 'violation');
  assert.is(i4.violation!.property, 'I4_no_lost_wakeup');
});

test.run();
