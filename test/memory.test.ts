/**
 * model/memory.ts by hand: store-to-load forwarding, FIFO drain under tso,
 * out-of-order drain under weak held back by xen_wmb() and by same-location
 * order, xen_mb() readiness, buffer capacity.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { produce } from 'immer';
import { canStore, drain, drainable, emptyBuffer, load, mbReady, store, wmb, type Mem, type StoreBuffer } from '../model/memory.js';

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

test.run();
