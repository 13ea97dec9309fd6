/**
 * netif-tx: netback's NAPI steps that answer a slot at once (xenvif_tx_err's
 * ERROR responses, a zero-size fragment's OKAY in xenvif_get_requests) take
 * response_lock, so they wait while the dealloc thread holds it; a step that
 * answers nothing does not. Their guards run the step on a copy of the state
 * only when the lock is held (model/netif.ts, 2026-12-06f): these cases fire
 * each guard on both sides, and the steps on the state's immer draft.
 * No search, no timing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { produce, type Draft } from 'immer';
import { countedPacket, netifInit, netifTx, packetSlots, type NetifParams, type NetifState, type Shape } from '../model/netif.js';
import { fireRule, paramsOf } from './support/models.js';

const p = paramsOf(netifTx, { frontend: 'any' }) as NetifParams;
const rule = (name: string) => netifTx.rules.find((r) => r.name === name)!;
const enabled = (name: string, s: NetifState): boolean => rule(name).when!(s, p, undefined as never);
const shape = (frags: number[]): Shape => ({ frags, extra: 'none', offsetSlot: -1, unterminated: false });

/** netfront sent `sh` on a fresh ring (ids from 0); netback's dealloc thread holds response_lock or not. */
function sent(sh: Shape, lock: number): NetifState {
  const s0 = netifInit(p)[0]!;
  const slots = packetSlots(sh, sh.frags.map((_, i) => i));
  return produce(s0, (d: Draft<NetifState>) => {
    slots.forEach((sl, i) => { d.ring[i] = sl; });
    d.req_prod = d.front.req_prod_pvt = slots.length;
    d.front.sent = 1;
    d.front.pending = (1 << slots.length) - 1;
    d.back.lock = lock;
    d.back.dl = lock;
  });
}

test('xenvif_tx_build_gops: a packet it drops (xenvif_tx_err) waits for response_lock; one it counts does not', () => {
  const bad = shape([0]); // "Bad packet size": the first slot's size is below ETH_HLEN
  assert.not.ok(enabled('xenvif_tx_build_gops', sent(bad, 1)));
  assert.ok(enabled('xenvif_tx_build_gops', sent(bad, 0)));
  const s = sent(bad, 0);
  const t = fireRule(netifTx, p, s, 'xenvif_tx_build_gops');
  assert.is(t.back.req_cons, 1);
  assert.is(t.back.rsp_prod_pvt, 1, 'the ERROR response');
  assert.is(t.rsp_prod, 1, 'pushed');
  assert.is(t.ring[0]!.k, 3);
  assert.is(s.back.req_cons, 0, 'the step did not write the state it read');
  const good = sent(shape([1]), 1);
  assert.ok(enabled('xenvif_tx_build_gops', good));
  const g = fireRule(netifTx, p, good, 'xenvif_tx_build_gops');
  assert.is(g.back.napi, 1);
  assert.is(g.back.rsp_prod_pvt, 0);
  assert.ok(g.back.cur !== null);
  assert.is(good.back.napi, 0);
});

test('xenvif_get_requests: a zero-size fragment (answered at once) waits for response_lock; a packet without one does not', () => {
  const counted = (frags: number[], lock: number): NetifState => {
    const s = sent(shape(frags), lock);
    const c = countedPacket(shape(frags), p)!;
    assert.ok(c, `[${frags}] is counted`);
    return produce(s, (d: Draft<NetifState>) => { d.back.napi = 1; d.back.cur = c as Draft<typeof c>; d.back.req_cons = c.end; });
  };
  assert.not.ok(enabled('xenvif_get_requests', counted([3, 0], 1)));
  assert.ok(enabled('xenvif_get_requests', counted([3, 0], 0)));
  const z = fireRule(netifTx, p, counted([3, 0], 0), 'xenvif_get_requests');
  assert.is(z.back.rsp_prod_pvt, 1, 'the zero-size fragment answered');
  assert.is(z.rsp_prod, 1);
  assert.ok(enabled('xenvif_get_requests', counted([3, 1], 1)));
  const n = fireRule(netifTx, p, counted([3, 1], 1), 'xenvif_get_requests');
  assert.is(n.back.rsp_prod_pvt, 0);
  assert.is(n.back.held.length, 2);
  assert.is(n.back.napi, 0);
});

test('xenvif_tx_submit and napi_complete_done ask whether there is work: the XSA-39 check counts as work (its step is fatal)', () => {
  const s = produce(sent(shape([1]), 0), (d: Draft<NetifState>) => { d.back.txq = 1; });
  assert.not.ok(enabled('xenvif_tx_submit', s), 'a packet on the ring: the pass goes on');
  const drained = produce(s, (d: Draft<NetifState>) => { d.back.req_cons = 1; d.back.rsp_prod_pvt = 1; });
  assert.ok(enabled('xenvif_tx_submit', drained));
  const impossible = produce(s, (d: Draft<NetifState>) => { d.req_prod = p.ringSize + 1; });
  assert.not.ok(enabled('xenvif_tx_submit', impossible), 'req_prod - req_cons > RING_SIZE: xenvif_tx_build_gops runs (and disables the vif)');
  const t = fireRule(netifTx, p, produce(impossible, (d: Draft<NetifState>) => { d.back.txq = 0; }), 'xenvif_tx_build_gops');
  assert.is(t.back.disabled, 1);
});

test.run();
