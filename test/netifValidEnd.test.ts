/**
 * netif-tx's valid ends with an adversarial frontend (model/netif.ts
 * `netifValidEnd`, `netbackOwesNothing`): the guest may stop on its own,
 * netback may not. Until 2026-12-05 every terminal state was a valid end
 * once either side was adversarial, so a netback stall under `frontend=any`
 * was hidden: here two netback bugs that leave the next packet unseen (the
 * EOI or the final check lost at NAPI completion, as test/netif's honest
 * cases) are deadlocks under `frontend=any` and `frontend=hostile` too, while
 * a hostile guest that rewrites req_prod without notifying (its own stall)
 * is not reported, and the built-in verifies at bounds past the ring's size.
 * netif-rx the other way round (`netfrontOwesNothing`): with a hostile
 * backend a netfront that leaves buffers it moved back unpushed is a deadlock.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deriveModel } from '../model/core.js';
import { netifTx, type NetifState } from '../model/netif.js';
import { netifRx, type NetifRxState } from '../model/netifRx.js';
import { check } from '../checker/explore.js';
import { paramsOf, replays, runModel, systemOf } from './support/models.js';

const complete = netifTx.rules.find((x) => x.name === 'xenvif_poll.napi_complete_done')!;
const noEoi = deriveModel(netifTx, {
  name: 'netif-tx-no-eoi', description: 'NAPI completes without xen_irq_lateeoi',
  replace: { 'xenvif_poll.napi_complete_done': { ...complete, then: (d, s, pp, a) => { complete.then(d, s, pp, a); d.ev.masked = s.ev.masked; d.ev.eoi = s.ev.eoi; } } },
});
const noReqEvent = deriveModel(netifTx, {
  name: 'netif-tx-no-req-event', description: 'NAPI completes without RING_FINAL_CHECK_FOR_REQUESTS',
  replace: { 'xenvif_poll.napi_complete_done': { ...complete, then: (d, s, pp, a) => { complete.then(d, s, pp, a); d.ev.req_event = s.ev.req_event; } } },
});

const ANY = { frontend: 'any', evtchn: 'lateeoi', packets: 2, ringSize: 4 };
const HOSTILE = { frontend: 'hostile', evtchn: 'lateeoi', packets: 2, ringSize: 4, maxSlots: 1, gso: 'off' };

for (const [name, m] of [['no EOI', noEoi], ['no final check', noReqEvent]] as const)
  for (const o of [ANY, HOSTILE])
    test(`${name}, frontend=${o.frontend}: netback's stall is a deadlock, with a trace that replays`, () => {
      const p = paramsOf(m, o);
      const r = runModel(m, p);
      assert.is(r.violation?.property, 'deadlock');
      assert.ok(replays(m, p, r));
      const last = r.violation!.trace.at(-1)!.state as NetifState;
      assert.ok(last.back.disabled === 0 && last.front.broken === 0);
      assert.ok(last.ev.masked === 1 || last.req_prod !== last.back.req_cons, 'netback left masked, or requests it never sees');
    });

test("a hostile guest that rewrites req_prod and never notifies stops itself: not a deadlock (lateeoi, a storm)", () => {
  const r = runModel(netifTx, paramsOf(netifTx, { ...HOSTILE, storms: 1 }));
  assert.is(r.outcome, 'ok');
  // the same run counts a deadlock once the guest's own stall is not excused
  const strict = deriveModel(netifTx, {
    name: 'netif-tx-strict', description: 'no excuse for an unsignalled req_prod',
    isValidEnd: (s, p) => netifTx.isValidEnd!(s, { ...p, evtchn: 'off' }),
  });
  const v = runModel(strict, paramsOf(strict, { ...HOSTILE, storms: 1 }));
  assert.is(v.violation?.property, 'deadlock');
  const last = v.violation!.trace.at(-1)!.state as NetifState;
  assert.ok(last.req_prod !== last.back.req_cons && last.ev.evt === 0);
});

test("lateeoi, hostile guest: netback's own re-arm decides, not whether the guest wrote req_prod: a netback without its final check (req_event stale) is stalled even after a hostile write of req_prod", () => {
  // every terminal state of the variant, with what the rule says of it (isValidEnd wrapped, answering true so the search goes on)
  const ends: { s: NetifState; valid: boolean }[] = [];
  const collect = deriveModel(noReqEvent, {
    name: 'netif-tx-no-req-event-ends', description: 'the terminal states, with their verdict',
    isValidEnd: (s, pp) => { ends.push({ s: JSON.parse(JSON.stringify(s)), valid: noReqEvent.isValidEnd!(s, pp) }); return true; },
  });
  assert.is(check(systemOf(collect, paramsOf(collect, { ...HOSTILE, hostileWrites: 2 }), ['deadlock']), {}).outcome, 'ok');
  const stale = ends.filter(({ s }) => s.back.disabled === 0 && s.front.broken === 0 && s.req_prod !== s.back.req_cons && s.ev.req_event !== s.back.req_cons + 1);
  assert.ok(stale.some(({ s }) => s.req_prod !== s.front.req_prod_pvt), 'some stalls follow a hostile write of req_prod (the old rule, which excused any unsignalled req_prod the guest wrote, accepted them)');
  assert.ok(stale.length > 0 && stale.every(({ valid }) => !valid), 'none is a valid end');
});

test('the built-in verifies with an adversarial frontend past the ring size (five one-slot packets through four slots)', () => {
  const r = runModel(netifTx, paramsOf(netifTx, { frontend: 'any', evtchn: 'lateeoi', packets: 5, ringSize: 4, maxSlots: 1, gso: 'off', stopAt: 'ring-full', anyPackets: 1 }));
  assert.is(r.outcome, 'ok');
});

const refill = netifRx.rules.find((x) => x.name === 'xennet_alloc_rx_buffers')!;
const noPushMoved = deriveModel(netifRx, {
  name: 'netif-rx-no-push-moved', description: 'xennet_alloc_rx_buffers runs only for free slots, so buffers moved back (xennet_move_rx_slot) stay unpushed',
  replace: { xennet_alloc_rx_buffers: { ...refill, when: (s, p) => !s.front.broken && (s.front.req_prod_pvt - s.front.rsp_cons) >>> 0 < p.ringSize } },
});

test('netif-rx, hostile backend: a netfront that leaves moved buffers unpushed is a deadlock; the built-in verifies past the ring size', () => {
  const p = paramsOf(noPushMoved, { maxSlots: 1, packets: 2 });
  const r = runModel(noPushMoved, p);
  assert.is(r.violation?.property, 'deadlock');
  assert.ok(replays(noPushMoved, p, r));
  const last = r.violation!.trace.at(-1)!.state as NetifRxState;
  assert.ok(last.req_prod !== last.front.req_prod_pvt && last.front.broken === 0);
  assert.is(runModel(netifRx, paramsOf(netifRx, { ringSize: 2, packets: 4, maxSlots: 1 })).outcome, 'ok');
});

test.run();
