/**
 * netif-rx: netback's responses are laid out as rx.c writes them; netfront's
 * xennet_poll keeps every rx buffer with exactly one owner against a hostile
 * backend (and the XSA-405 ordering breaks that); lateeoi counts events
 * without work as spurious; netback frees a dropped skb outside its lock
 * (XSA-424); the built-in verifies with an honest backend, and with a hostile
 * one and event storms below the finding (xennet_fill_frags), which is
 * reached at the defaults and fixed by examples/netif-rx-fill-frags-fix.ts. The examples (netif-rx-*.ts) are
 * run by test/netif.test.ts with the other netif examples.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { produce } from 'immer';
import {
  netifRx, netifRxInit, rxSkb, pollOne, frontendRules, backendRules, honestFrontend, rxHostileDomain,
  XEN_NETRXF_more_data, XEN_NETRXF_extra_info, XEN_NETIF_EXTRA_TYPE_GSO, XEN_NETIF_GSO_TYPE_TCPV4, XEN_PAGE_SIZE,
  type NetifRxState, type RxSlot,
} from '../model/netifRx.js';
import type { Model } from '../model/core.js';
import { paramsOf, replays, runModel } from './support/models.js';

const P = (o: Record<string, string | number> = {}) => paramsOf(netifRx, o);

test('xenvif_rx_skb: the first data slot, then the GSO extra, then the other data slots, over the requests; ids from the requests', () => {
  const p = P({ ringSize: 4 });
  const ring: RxSlot[] = [...netifRxInit(p)[0]!.ring];
  const end = rxSkb(ring, 1, { sizes: [XEN_PAGE_SIZE, 1], gso: true }, p);
  assert.is(end, 4);
  assert.equal(ring[1], { id: 1, offset: 0, flags: XEN_NETRXF_more_data | XEN_NETRXF_extra_info, status: XEN_PAGE_SIZE });
  assert.equal(ring[2], { id: XEN_NETIF_EXTRA_TYPE_GSO, offset: 1, flags: XEN_NETIF_GSO_TYPE_TCPV4, status: 0 });
  assert.equal(ring[3], { id: 3, offset: 0, flags: 0, status: 1 });
  assert.equal(ring[0], { id: 0, offset: 0, flags: 0, status: 0 }, 'the request before req_cons is untouched');
});

/** netfront's poll of one response in slot 0 of a full ring, rsp_prod = n. */
function pollWith(slots: RxSlot[], queueBeforeNext: boolean): NetifRxState {
  const p = P({ ringSize: 4, backend: 'hostile' });
  const s0 = netifRxInit(p)[0]!;
  const ring = [...s0.ring];
  slots.forEach((sl, i) => { ring[i] = sl; });
  const s: NetifRxState = { ...s0, ring, rsp_prod: slots.length };
  return produce(s, (d) => { pollOne(s, p, { ...honestFrontend, queueBeforeNext }, d); });
}

test('xennet_get_responses with a bad status: the buffer goes back to the ring and is not freed (f63c2c2032c2)', () => {
  const after = pollWith([{ id: 0, offset: 0, flags: 0, status: -1 }], true);
  assert.is(after.front.uaf, 0);
  assert.is(after.front.req_prod_pvt, 5, 'xennet_move_rx_slot posted it again at req_prod_pvt');
  assert.is(after.front.posted, 0b1111, 'slot 0 holds the moved buffer (4 & 3 = 0)');
  assert.is(after.front.rsp_cons, 1);
  assert.is(after.front.delivered, 0);
});

test('XSA-405 ordering: the same response frees the buffer the ring still holds', () => {
  const after = pollWith([{ id: 0, offset: 0, flags: 0, status: -1 }], false);
  assert.is(after.front.uaf, 1);
  // and a good response is delivered either way, its buffer no longer posted
  for (const q of [true, false]) {
    const ok = pollWith([{ id: 0, offset: 0, flags: 0, status: 1 }], q);
    assert.is(ok.front.uaf, 0);
    assert.is(ok.front.delivered, 1);
    assert.is(ok.front.posted, 0b1110);
  }
});

test('xennet_get_extras: an extra slot\'s buffer goes back to the ring; a packet needing more slots than published is an error', () => {
  const gso: RxSlot = { id: XEN_NETIF_EXTRA_TYPE_GSO, offset: 1, flags: XEN_NETIF_GSO_TYPE_TCPV4, status: 0 };
  const a = pollWith([{ id: 0, offset: 0, flags: XEN_NETRXF_extra_info, status: 1 }, gso], true);
  assert.is(a.front.delivered, 1);
  assert.is(a.front.req_prod_pvt, 5, 'the extra slot\'s buffer reposted');
  assert.is(a.front.rsp_cons, 2);
  const b = pollWith([{ id: 0, offset: 0, flags: XEN_NETRXF_more_data, status: XEN_PAGE_SIZE }], true);
  assert.is(b.front.delivered, 0, '"Need more slots"');
  assert.is(b.front.uaf, 0);
});

test('the built-in verifies: honest (with and without events, a full rx queue), hostile backend with one-slot packets, event storms', () => {
  for (const o of <Record<string, string | number>[]>[{ backend: 'honest' }, { backend: 'honest', evtchn: 'off' }, { backend: 'honest', packets: 3, rxQueueMax: 1, maxSlots: 1, gso: 'off' },
    { packets: 1, maxSlots: 1 }, { packets: 1, maxSlots: 1, storms: 2 }])
    assert.is(runModel(netifRx, P(o)).outcome, 'ok', JSON.stringify(o));
});

test('finding: xennet_fill_frags uses a response it copied again after xennet_get_responses validated it; the fix verifies', async () => {
  const p = P({ packets: 1, evtchn: 'off' });
  const r = runModel(netifRx, p);
  assert.is(r.violation?.property, 'F_rx_frags_validated');
  assert.is(r.violation!.trace.length - 1, 6);
  assert.ok(replays(netifRx, p, r));
  const rules = r.violation!.trace.slice(1).map((t) => t.rule);
  assert.is(rules.at(-1), 'xennet_fill_frags');
  assert.is(rules.at(-2), 'hostile_write', 'the backend rewrites the response between the two copies');
  assert.ok(netifRx.findings?.includes('F_rx_frags_validated'), 'declared a finding');
  const fix = (await import(new URL('../examples/netif-rx-fill-frags-fix.ts', import.meta.url).href)).default as Model<NetifRxState, any>;
  assert.is(runModel(fix, paramsOf(fix, { packets: 1, evtchn: 'off' })).outcome, 'ok');
});

test('XSA-424: the built-in frees a dropped skb after rx_queue.lock, so a release that transmits again queues or drops it; the variant spins on its own lock', () => {
  const p = P({ backend: 'honest', packets: 3, rxQueueMax: 1, maxSlots: 1, gso: 'off', evtchn: 'off' });
  const xmit = (dropOutsideLock: boolean) => backendRules({ dropOutsideLock }).find((r) => r.name === 'xenvif_start_xmit')!;
  const s0 = netifRxInit(p)[0]!;
  const full = { ...s0, back: { ...s0.back, xmitted: 1, queued: 1 } };
  assert.equal(xmit(true).choices!(full, p), ['drop', 'drop+reenter']);
  const ok = produce(full, (d) => { xmit(true).then(d as any, full, p, 'drop+reenter'); });
  assert.equal([ok.back.xmitted, ok.back.dropped, ok.back.selfDeadlock], [3, 2, 0]);
  const bad = produce(full, (d) => { xmit(false).then(d as any, full, p, 'drop+reenter'); });
  assert.is(bad.back.selfDeadlock, 1);
});

test('a hostile backend writes every field of every slot and sends events; the honest side alone has no adversary', () => {
  const p = P({ backend: 'hostile', storms: 1 });
  const s = netifRxInit(p)[0]!;
  const d = rxHostileDomain(s, p);
  for (const what of ['id', 'offset', 'flags', 'status', 'rsp_prod', 'event']) assert.ok(d.some((w) => w.what === what), what);
  assert.ok(new Set(d.filter((w) => w.slot >= 0).map((w) => w.slot)).size === 4);
  assert.equal(rxHostileDomain(netifRxInit(P({ backend: 'honest' }))[0]!, P({ backend: 'honest' })), []);
});

test('without spurious accounting a storm is acknowledged as work (X-11); with it, it is not', () => {
  const p = P({ backend: 'hostile', hostileWrites: 0, storms: 1, packets: 1, maxSlots: 1, gso: 'off' });
  const irq = (fc: typeof honestFrontend) => frontendRules(fc).find((r) => r.name === 'xennet_rx_interrupt')!;
  const s = { ...netifRxInit(p)[0]!, evt: 1 };
  assert.is(produce(s, (d) => { irq(honestFrontend).then(d as any, s, p, undefined); }).front.unthrottled, 0);
  assert.is(produce(s, (d) => { irq({ ...honestFrontend, spuriousAccounting: false }).then(d as any, s, p, undefined); }).front.unthrottled, 1);
});

test('the X-15 counterexample replays and ends in the poll that frees the reposted buffer', async () => {
  const m = (await import(new URL('../examples/netif-rx-xsa405.ts', import.meta.url).href)).default as Model<NetifRxState, any>;
  const p = paramsOf(m, { backend: 'hostile', packets: 1, maxSlots: 1, gso: 'off', evtchn: 'off' });
  assert.is(runModel(m, p).violation!.trace.length - 1, 5);
  const r = runModel(m, p);
  assert.is(r.violation?.property, 'F_rx_buffer_single_owner');
  assert.ok(replays(m, p, r));
  assert.is(r.violation!.trace.at(-1)!.rule, 'xennet_poll');
});

test.run();
