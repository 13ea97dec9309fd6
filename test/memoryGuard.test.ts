/**
 * checker/memory.ts MemoryGuard with a resident set of the test's own (its
 * fourth argument), so that each outcome is decided by the figures given and
 * not by the machine: the reserve for the workers still loading (the
 * multi-worker search counts C.UNLOADED x what a loaded worker holds,
 * parallelWorker.ts) is counted as if held; a budget passed only with that
 * reserve waits for them to load (`settle`) and is asked again with what the
 * process then holds, once; a budget passed without it stops at once. These
 * outcomes were told apart before only by the staggered start's real resident
 * set in test/memoryWorkers (flaky under load: the lead's note23, item 8).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryGuard } from '../checker/memory.js';

const MiB = 2 ** 20;

/** A resident set the test sets, and a reserve that `settle` empties (the workers load), counting the waits. */
function machine(rssMiB: number, reserveMiB: number, loadAddsMiB = 0) {
  const m = { rss: rssMiB * MiB, reserve: reserveMiB * MiB, settles: 0 };
  const settle = () => {
    m.settles++;
    // the loading workers have loaded: what they hold is now in the resident set, and nothing is reserved
    m.rss += loadAddsMiB * MiB;
    m.reserve = 0;
  };
  return { m, settle, rss: () => m.rss, reserved: () => m.reserve };
}

test('the workers still loading count as held: a budget the resident set alone is under, but not with them, is over (no settle: at once)', () => {
  const { m, rss, reserved } = machine(100, 64);
  const guard = new MemoryGuard(150 * MiB, reserved, undefined, rss);
  assert.is(guard.over(0), true, '100 + 64 reserved > 150');
  m.reserve = 32 * MiB;
  assert.is(guard.over(0), false, '100 + 32 <= 150');
  assert.is(guard.over(18 * MiB), false, '100 + 32 + 18 = 150');
  assert.is(guard.over(18 * MiB + 1), true, 'one byte more');
  m.reserve = 0;
  assert.is(guard.over(50 * MiB), false);
  assert.is(guard.over(50 * MiB + 1), true);
});

test('past the budget only with the reserve: the guard waits for the workers to load and asks again with what they hold then', () => {
  // 100 held, 64 reserved, budget 150: over with the reserve; the workers load and add 30 (less than reserved)
  const a = machine(100, 64, 30);
  assert.is(new MemoryGuard(150 * MiB, a.reserved, a.settle, a.rss).over(0), false, '100 + 30 <= 150 once loaded');
  assert.is(a.m.settles, 1);
  // they add 60 once loaded: over then
  const b = machine(100, 64, 60);
  assert.is(new MemoryGuard(150 * MiB, b.reserved, b.settle, b.rss).over(0), true, '100 + 60 > 150 once loaded');
  assert.is(b.m.settles, 1);
  // the request counts in the second ask too
  const c = machine(100, 64, 30);
  assert.is(new MemoryGuard(150 * MiB, c.reserved, c.settle, c.rss).over(21 * MiB), true, '100 + 30 + 21 > 150');
  assert.is(c.m.settles, 1);
});

test('within the budget with the reserve, or past it without one: no wait', () => {
  const a = machine(100, 32, 0);
  assert.is(new MemoryGuard(150 * MiB, a.reserved, a.settle, a.rss).over(0), false);
  assert.is(a.m.settles, 0, 'within the budget: not asked to settle');
  const b = machine(160, 0, 0);
  assert.is(new MemoryGuard(150 * MiB, b.reserved, b.settle, b.rss).over(0), true);
  assert.is(b.m.settles, 0, 'nothing reserved: nothing to wait for');
});

test('a reserve that stays after the wait (the search interrupted meanwhile) still counts: over, asked once', () => {
  const { m, rss, reserved } = machine(100, 64);
  const guard = new MemoryGuard(150 * MiB, reserved, () => void m.settles++, rss);
  assert.is(guard.over(0), true);
  assert.is(m.settles, 1);
});

test('the process\'s own resident set by default', () => {
  const now = process.memoryUsage.rss();
  assert.is(new MemoryGuard(now + 512 * MiB).over(0), false);
  assert.is(new MemoryGuard(now - 512 * MiB).over(0), true);
});


test('regular asks (the one-thread search, every 1,024 states): a read with R of room answers the next floor(R / 64 MiB) - 1 without reading, at most 63; near the limit each reads; an ask to allocate reads and resets the count', () => {
  const m = { rss: 100 * MiB, reads: 0 };
  const rss = () => (m.reads++, m.rss);
  // 900 MiB of room: 14 steps of 64 MiB, so this read answers 13 more
  const guard = new MemoryGuard(1000 * MiB, undefined, undefined, rss);
  assert.is(guard.regular(), false);
  assert.is(m.reads, 1);
  for (let i = 0; i < 13; i++) assert.is(guard.regular(), false);
  assert.is(m.reads, 1, 'the 13 after the read answered without one');
  // the resident set passed the limit meanwhile: the next read finds it
  m.rss = 1001 * MiB;
  assert.is(guard.regular(), true);
  assert.is(m.reads, 2);
  // 127 MiB of room (one step): every ask reads
  m.rss = 873 * MiB;
  m.reads = 0;
  for (let i = 0; i < 5; i++) assert.is(guard.regular(), false);
  assert.is(m.reads, 5);
  // room for thousands of steps: at most 63 answered without a read
  const big = new MemoryGuard(2 ** 50, undefined, undefined, rss);
  m.reads = 0;
  for (let i = 0; i < 64 * 3; i++) assert.is(big.regular(), false);
  assert.is(m.reads, 3);
  // an ask to allocate (a doubling) reads, and the regular ask after it reads again
  m.rss = 100 * MiB;
  m.reads = 0;
  assert.is(guard.regular(), false);
  assert.is(guard.over(800 * MiB), false, '100 + 800 <= 1000');
  assert.is(m.reads, 2);
  m.rss = 950 * MiB; // the allocation took its 800 MiB and more
  assert.is(guard.regular(), false);
  assert.is(m.reads, 3, 'read again after the allocation, not skipped on the read before it');
  m.rss = 1001 * MiB;
  assert.is(guard.regular(), true, '50 MiB of room: no ask skipped');
});

test.run();
