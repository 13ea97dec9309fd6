/**
 * model/memory.ts by hand: store-to-load forwarding, FIFO drain under tso,
 * out-of-order drain under weak held back by xen_wmb() and by same-location
 * order, xen_mb() readiness, buffer capacity; loads satisfied early under weak
 * (message passing without and with xen_rmb(), coherence, own stores).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { produce } from 'immer';
import { canLoadEarly, canStore, canStoreEarly, drain, drainable, emptyBuffer, load, loadEarly, loaded, loadPiece, mbReady, rmb, store, storeEarly, storePiece, withPiece, wmb, type EarlyLoads, type Mem, type StoreBuffer } from '../model/memory.js';

interface W { mem: Mem<number>; sb: StoreBuffer<number> }
const start = (): W => ({ mem: { a: 0, b: 0, c: 0 }, sb: emptyBuffer<number>() });
const step = (w: W, f: (d: any) => void): W => produce(w, f);

test('sc: a store writes the page at once, nothing is buffered', () => {
  const w = step(start(), (d) => store('sc', d.mem, d.sb, 'a', 1));
  assert.is(w.mem['a'], 1);
  assert.is(w.sb.stores.length, 0);
  assert.ok(mbReady(w.sb));
});

test('tso: stores are buffered, the owner reads its own newest store, the other side the page; drain is FIFO', () => {
  let w = start();
  w = step(w, (d) => { store('tso', d.mem, d.sb, 'a', 1); store('tso', d.mem, d.sb, 'b', 2); store('tso', d.mem, d.sb, 'a', 3); });
  assert.is(load(w.mem, w.sb, 'a'), 3);
  assert.is(load(w.mem, undefined, 'a'), 0);
  assert.not.ok(mbReady(w.sb));
  assert.equal(drainable('tso', w.sb), [0]);
  w = step(w, (d) => drain(d.mem, d.sb, 0));
  assert.equal([w.mem['a'], w.mem['b']], [1, 0]);
  w = step(w, (d) => drain(d.mem, d.sb, 0));
  w = step(w, (d) => drain(d.mem, d.sb, 0));
  assert.equal([w.mem['a'], w.mem['b']], [3, 2]);
  assert.ok(mbReady(w.sb));
  assert.not.ok(canStore('tso', { stores: [{ loc: 'a', val: 1, epoch: 0 }, { loc: 'b', val: 1, epoch: 0 }], epoch: 0 }, 2));
  assert.ok(canStore('sc', undefined, 0));
});

test('weak: any store may drain first, except after an older store to the same location or across xen_wmb()', () => {
  let w = start();
  w = step(w, (d) => { store('weak', d.mem, d.sb, 'a', 1); store('weak', d.mem, d.sb, 'b', 2); store('weak', d.mem, d.sb, 'a', 3); });
  assert.equal(drainable('weak', w.sb), [0, 1]); // the second 'a' waits for the first
  w = step(w, (d) => { wmb('weak', d.sb); store('weak', d.mem, d.sb, 'c', 4); });
  assert.equal(drainable('weak', w.sb), [0, 1]); // 'c' is behind the barrier
  w = step(w, (d) => drain(d.mem, d.sb, 1)); // b first: out of order
  assert.equal([w.mem['a'], w.mem['b']], [0, 2]);
  w = step(w, (d) => drain(d.mem, d.sb, 0));
  assert.equal(drainable('weak', w.sb), [0]); // a=3; c still behind the barrier
  w = step(w, (d) => drain(d.mem, d.sb, 0));
  assert.equal(w.sb.stores, [{ loc: 'c', val: 4, epoch: 0 }]); // epochs renumbered from 0
  assert.equal(drainable('weak', w.sb), [0]);
  // xen_wmb under tso is a compiler barrier only
  const t = step(start(), (d) => { store('tso', d.mem, d.sb, 'a', 1); wmb('tso', d.sb); });
  assert.is(t.sb.epoch, 0);
});

// Two CPUs: a writer (buffer `sb`) and a reader (early loads `early`).
interface W2 { mem: Mem<number>; sb: StoreBuffer<number>; early: EarlyLoads<number> }
const start2 = (): W2 => ({ mem: { data: 0, flag: 0 }, sb: emptyBuffer<number>(), early: {} });
const step2 = (w: W2, f: (d: any) => void): W2 => produce(w, f);
/** The early loads a CPU holds: a location whose value is undefined holds none (memory.ts removes one by assigning undefined). */
const held = (e: EarlyLoads<number>): Record<string, number> => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined));

test('weak, message passing: without xen_rmb() the data load may be satisfied before the flag load; xen_rmb() drops it', () => {
  // Writer: data = 1; xen_wmb(); flag = 1 (both visible in order).
  const publish = (w: W2) => step2(w, (d) => { store('weak', d.mem, d.sb, 'data', 1); wmb('weak', d.sb); store('weak', d.mem, d.sb, 'flag', 1); drain(d.mem, d.sb, 0); drain(d.mem, d.sb, 0); });
  // Reader satisfies its data load early (data = 0 then), the writer publishes, the reader loads flag then data.
  let w = step2(start2(), (d) => loadEarly(d.mem, d.early, 'data'));
  w = publish(w);
  assert.is(load(w.mem, undefined, 'flag', w.early), 1);
  assert.is(load(w.mem, undefined, 'data', w.early), 0, 'flag = 1 but data = 0: the MP outcome xen_rmb() forbids');
  // With xen_rmb() between the two loads the early value is dropped: data = 1.
  const fenced = step2(w, (d) => { loaded(d.early, 'flag'); rmb('weak', d.early); });
  assert.equal(held(fenced.early), {});
  assert.is(load(fenced.mem, undefined, 'data', fenced.early), 1);
  // Using the early value up: the next load of data is a new one and reads the page.
  const usedUp = step2(w, (d) => loaded(d.early, 'data'));
  assert.is(load(usedUp.mem, undefined, 'data', usedUp.early), 1);
});

test('weak, coherence: one early load per location, taken after the previous one is used up; never across own buffered stores', () => {
  let w = step2(start2(), (d) => loadEarly(d.mem, d.early, 'data')); // data = 0 remembered
  assert.not.ok(canLoadEarly('weak', w.early, undefined, 'data'), 'the early load of data is not used up: a second one is refused');
  assert.ok(canLoadEarly('weak', w.early, undefined, 'flag'));
  // The writer stores data = 1 and it becomes visible; the reader's next load still returns 0 (satisfied before),
  // and after it is used up a later load returns 1, never 0 again.
  w = step2(w, (d) => { store('weak', d.mem, d.sb, 'data', 1); drain(d.mem, d.sb, 0); });
  assert.is(load(w.mem, undefined, 'data', w.early), 0);
  w = step2(w, (d) => loaded(d.early, 'data'));
  w = step2(w, (d) => loadEarly(d.mem, d.early, 'data'));
  assert.is(load(w.mem, undefined, 'data', w.early), 1);
  // Own stores: a CPU with a buffered store to a location cannot satisfy a load of it early (it must see its store),
  // and a store drops an early load of the same location.
  const own: W2 = { mem: { data: 0, flag: 0 }, sb: emptyBuffer<number>(), early: {} };
  let o = step2(own, (d) => loadEarly(d.mem, d.early, 'flag'));
  o = step2(o, (d) => store('weak', d.mem, d.sb, 'flag', 7, d.early));
  assert.equal(held(o.early), {});
  assert.is(load(o.mem, o.sb, 'flag', o.early), 7);
  assert.not.ok(canLoadEarly('weak', o.early, o.sb, 'flag'));
  assert.ok(canLoadEarly('weak', o.early, o.sb, 'data'));
});

test('sc and tso: loads are never satisfied early, xen_rmb() has no effect', () => {
  for (const mm of ['sc', 'tso'] as const) {
    assert.not.ok(canLoadEarly(mm, {}, undefined, 'data'), mm);
    const e = { data: 3 };
    const w = produce({ e }, (d) => rmb(mm, d.e));
    assert.equal(w.e, { data: 3 }, mm);
  }
});

test('weak, load buffering: a store performed early is ordered by the xen_wmb()s it crossed, not by the ones the program runs later', () => {
  // Program: a=1; (load); xen_wmb(); (load); b=2; c=3 -- with a buffered, b and c performed before the loads.
  let w = step(start(), (d) => store('weak', d.mem, d.sb, 'a', 1));
  assert.ok(canStoreEarly('weak', w.sb, 3));
  assert.not.ok(canStoreEarly('tso', w.sb, 3), 'x86 never lets a store pass an earlier load');
  assert.not.ok(canStoreEarly('weak', w.sb, 1), 'the buffer is full');
  w = step(w, (d) => { storeEarly('weak', d.sb, 'b', 2, 1); storeEarly('weak', d.sb, 'c', 3, 1); });
  assert.equal(w.sb.stores.map((x) => [x.loc, x.epoch]), [['a', 0], ['b', 1], ['c', 1]]);
  assert.equal(drainable('weak', w.sb), [0], 'b and c wait for a (the xen_wmb they crossed)');
  // The program reaches its xen_wmb(): b and c stay together (neither waits for the other).
  w = step(w, (d) => wmb('weak', d.sb));
  w = step(w, (d) => drain(d.mem, d.sb, 0));
  assert.equal(drainable('weak', w.sb), [0, 1]);
  assert.equal(w.sb.stores.map((x) => x.epoch), [0, 0], 'renumbered from the lowest epoch');
  // An early store that crossed no barrier may overtake a buffered one: the lowest epoch is taken over the whole buffer.
  let v = step(start(), (d) => { store('weak', d.mem, d.sb, 'a', 1); wmb('weak', d.sb); store('weak', d.mem, d.sb, 'b', 1); });
  v = step(v, (d) => { d.sb.epoch = 0; storeEarly('weak', d.sb, 'c', 1, 0); }); // as if c crossed nothing since a
  assert.equal(drainable('weak', v.sb), [0, 2]);
  assert.throws(() => step(start(), (d) => storeEarly('tso', d.sb, 'a', 1, 0)), /never performed early under tso/);
  // An early store drops the CPU's early load of the location (a later load must see it).
  const o = produce({ sb: emptyBuffer<number>(), early: { a: 0 } as EarlyLoads<number> }, (d) => storeEarly('weak', d.sb, 'a', 5, 0, d.early));
  assert.equal(held(o.early), {});
});

test('torn accesses (B-8): a reader between two half-word stores sees a value nobody wrote', () => {
  const bits = 16;
  const init = (): W => ({ mem: { req_prod: 0xffff }, sb: emptyBuffer<number>() });
  // The writer moves req_prod from 0xffff to 0x10000, low half first; a whole load in between reads 0.
  const half = step(init(), (d) => storePiece('sc', d.mem, d.sb, 'req_prod', 0, 0x10000, bits));
  assert.is(half.mem['req_prod'], 0, 'torn: neither 0xffff nor 0x10000');
  const both = step(half, (d) => storePiece('sc', d.mem, d.sb, 'req_prod', 1, 0x10000, bits));
  assert.is(both.mem['req_prod'], 0x10000);
  // A torn reader: high half before the writer, low half after: 0x0000 | 0x0000 again.
  const hi = loadPiece(init().mem, undefined, 'req_prod', 1, bits);
  const lo = loadPiece(both.mem, undefined, 'req_prod', 0, bits);
  assert.is(withPiece(withPiece(0, 1, hi, bits), 0, lo, bits), 0);
  // RING_IDX values up to 2^32.
  assert.is(withPiece(withPiece(0, 0, 0xfffe, bits), 1, 0xffff, bits), 0xfffffffe);
  // Under tso the two pieces are two buffered stores: the other side sees the torn value between the drains,
  // the writer itself its newest (the second piece is built on its buffered first).
  const buffered = step(init(), (d) => { storePiece('tso', d.mem, d.sb, 'req_prod', 0, 0x10000, bits); storePiece('tso', d.mem, d.sb, 'req_prod', 1, 0x10000, bits); });
  assert.equal(buffered.sb.stores.map((x) => x.val), [0, 0x10000]);
  assert.is(load(buffered.mem, buffered.sb, 'req_prod'), 0x10000);
  const drained = step(buffered, (d) => drain(d.mem, d.sb, 0));
  assert.is(load(drained.mem, undefined, 'req_prod'), 0);
});

test.run();
