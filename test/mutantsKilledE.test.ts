/**
 * Tests written for mutants of test/mutants/mutants.json that the tests of
 * their code let survive (session 22's audit of session 21's code,
 * docs/perf/2026-12-06d-pool.md; mutantsKilled, B, C and D hold the earlier
 * sessions'): each says which mutant it kills, and passes on the code as it is.
 *
 * - blkif-switch-compares-node (model/blkif.ts backendSwitchState):
 *   __xenbus_switch_state (drivers/xen/xenbus/xenbus_client.c) returns
 *   early only when the state asked for is the cached `dev->state`; the node
 *   may read something else (libxl's Closing), and then the write is made
 *   (xenstore fires the watch on every write). test/blkif sees the overwrite
 *   (InitWait cached, Closing in the node, Connected asked), never a switch
 *   to the state the node already reads with another one cached.
 * - blkif-kthread-stop-not-awaited (frontendChanged's `when`): kthread_stop
 *   returns once xenblkd has left its loop, and xenblkd maps the request it
 *   copied before it looks at kthread_should_stop: no reachable state has
 *   xenblkd stopped with a request copied and not yet mapped. test/blkif's
 *   counts do not look at the order of the two.
 * - blkif-valid-end-unfreed (model/blkif.ts `removed`): a blkback that
 *   leaks the blkif (its last reference never put: xen_blkif_free never
 *   runs) must not end validly even with nothing left mapped. The model's
 *   own frees always come with the unmaps, so only a variant that leaks
 *   tells the two conditions apart.
 * - codec-record-loop-same-keys-unchecked (checker/codec.ts `same` of a list
 *   of records in a loop, LIST_LOOP_SLOTS): an element with a key its
 *   record does not declare is refused by pack (badKey), so `same` must not
 *   say the state is the one packed; the unrolled code (a shorter list)
 *   counts the keys, the loop must too. test/codecListLoop changes one
 *   declared field at a time, never adds one.
 * - codec-word-store-fn-word-unzeroed (checker/codec.ts wordStores): a pack
 *   function (generated code past CHUNK characters goes into one) may be
 *   called only in a branch, an optional record's when it is present: the
 *   words it alone writes are zeroed first, or packing an absent record into
 *   a buffer used before keeps the last state's bits. test/codecListLoop's
 *   shape has no branch that large.
 * - nc2-clamp-fix-off-by-one (examples/nc2-space-clamp-fix.ts, found by the
 *   audit of CI's slowest files): the fix leaves no space when `cons` is more
 *   than a ring behind `prod_pvt`. nc2's hostile backend writes `cons` 8
 *   bytes past the ring (or ahead, or misaligned), never 1: a fix that
 *   clamps only from ringBytes + 2 behind verifies at every header line,
 *   test/nc2Fixes and shapesExamplesB included. Here the fix starts with cons
 *   1, 2 and 8 bytes further behind than the ring: H3_no_BUG_ON holds.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { check } from '../checker/explore.js';
import { deriveModel, type Model } from '../model/core.js';
import {
  blkif, backendSwitchState, dispatching, frontendChanged, makeResponse,
  KTHREAD_RUNNING, KTHREAD_STOPPED, LIBXL_DONE, XenbusStateClosed, XenbusStateClosing, XenbusStateConnected, XenbusStateInitWait,
  type BlkifState, type LifeDraft,
} from '../model/blkif.js';
import safeRemoveFix from '../examples/blkif-safe-remove-fix.js';
import { LIST_LOOP_SLOTS, shapeCodec } from '../checker/codec.js';
import { bool, int, list, nullable, oneOf, optional, record } from '../model/shape.js';
import { idxSub } from '../model/idx32.js';
import clampFix from '../examples/nc2-space-clamp-fix.js';
import { paramsOf, runModel, systemOf } from './support/models.js';

type M = Model<BlkifState, any>;

test('blkif-switch-compares-node: xenbus_switch_state compares with the cached dev->state, not the node; writing fires blkfront\'s watch', () => {
  const life = (be: string, beDev: string) => ({ be, beDev, feWatch: false }) as unknown as LifeDraft;
  // libxl wrote Closing over a Connected blkback; frontend_changed(Closing) switches Closing: dev->state differs, the write is made
  const l = life(XenbusStateClosing, XenbusStateConnected);
  backendSwitchState(l, XenbusStateClosing);
  assert.equal([l.be, l.beDev, l.feWatch], [XenbusStateClosing, XenbusStateClosing, true]);
  // the overwrite of the finding: InitWait cached, Closing in the node, Connected asked
  const o = life(XenbusStateClosing, XenbusStateInitWait);
  backendSwitchState(o, XenbusStateConnected);
  assert.equal([o.be, o.beDev, o.feWatch], [XenbusStateConnected, XenbusStateConnected, true]);
  // the state cached: nothing written, whatever the node says
  const n = life(XenbusStateClosing, XenbusStateConnected);
  backendSwitchState(n, XenbusStateConnected);
  assert.equal([n.be, n.beDev, n.feWatch], [XenbusStateClosing, XenbusStateConnected, false]);
});

test('blkif-kthread-stop-not-awaited: no state has xenblkd stopped with a request it copied still unmapped (kthread_stop waits)', () => {
  for (const ov of [{ requests: 2 }, { pending: 2, requests: 3 }] as Record<string, number>[]) {
    let stopped = 0, bad = 0;
    const r = check(systemOf(blkif as M, paramsOf(blkif as M, { removal: 'libxl', ...ov })), {
      checkDeadlock: false,
      onState: (s) => {
        if (s.life!.kthread !== KTHREAD_STOPPED) return;
        stopped++;
        if (dispatching(s) >= 0) bad++;
      },
    });
    assert.is(r.outcome, 'ok', r.violation?.property);
    assert.ok(stopped > 0, `${JSON.stringify(ov)}: xenblkd stopped somewhere`);
    assert.is(bad, 0, `${JSON.stringify(ov)}: states with xenblkd stopped mid-dispatch`);
  }
});

test('blkif-valid-end-unfreed: a blkback that never frees the blkif (its last reference leaked) does not end validly, nothing mapped or not', () => {
  // safe-remove-fix's blkback (every run ends validly), with xen_blkif_free's mark undone: the unmaps happen, the free does not
  const unfree = (rule: typeof frontendChanged): typeof frontendChanged => ({
    ...rule,
    then: (d, s, p, a) => {
      rule.then(d, s, p, a);
      if (!s.life!.freed) (d.life as LifeDraft).freed = false;
    },
  });
  const base = safeRemoveFix as unknown as M;
  const leaks = deriveModel(base, {
    name: 'blkif-blkif-leaked',
    description: 'blkback whose xen_blkif_put never frees the blkif',
    replace: { frontend_changed: unfree(base.rules.find((r) => r.name === 'frontend_changed')! as typeof frontendChanged), make_response: unfree(makeResponse) },
  }) as M;
  const p = paramsOf(leaks, { removal: 'libxl', requests: 1 });
  assert.is(runModel(base, paramsOf(base, { removal: 'libxl', requests: 1 })).outcome, 'ok');
  const r = runModel(leaks, p);
  assert.is(r.outcome, 'deadlock');
  const end = r.violation!.trace.at(-1)!.state;
  assert.equal([end.life!.libxl, end.life!.fe, end.life!.freed, end.life!.kthread === KTHREAD_RUNNING], [LIBXL_DONE, XenbusStateClosed, false, false]);
  assert.ok(end.mapcount.every((c) => c === 0), 'nothing mapped: only the free is missing');
});

test('codec-record-loop-same-keys-unchecked: `same` says no to a list element with a key its record does not declare, in a loop as unrolled', () => {
  const elem = () => record({ a: oneOf(['a', 'b'] as const), n: nullable(int(0, 3)), o: optional(int(0, 3)), t: bool }, { keys: 'all' });
  const shape = record({ long: list(elem(), LIST_LOOP_SLOTS + 1), short: list(elem(), LIST_LOOP_SLOTS - 1) }, { keys: 'all' }).piece;
  type S = { long: Record<string, unknown>[]; short: Record<string, unknown>[] };
  const c = shapeCodec<S>(shape);
  const reused = c.unpackReused();
  const e = (i: number) => ({ a: i % 2 ? 'a' : 'b', n: i % 3 ? null : 1, o: i % 2 ? undefined : 2, t: i % 2 === 0 });
  const s: S = { long: [0, 1, 2, 3].map(e), short: [0, 1].map(e) };
  const w = new Uint32Array(c.words);
  c.pack(s, w);
  const q = reused(w, 0);
  assert.ok(c.same(s, w, 0) && reused.same(q, w, 0));
  for (const key of ['long', 'short'] as const)
    for (const i of [0, 1]) {
      const other = { ...s, [key]: s[key].map((x, j) => (j === i ? { ...x, zz: 1 } : x)) };
      assert.throws(() => c.pack(other, new Uint32Array(c.words)), /is not in the model's declared shape/);
      assert.not.ok(c.same(other, w, 0), `same of ${key}[${i}] with a key not declared`);
      assert.not.ok(reused.same(other as typeof q, w, 0), `unpackReused's same of ${key}[${i}] with a key not declared`);
    }
});

test('codec-word-store-fn-word-unzeroed: the words of a pack function called in a branch (an optional record\'s) are zeroed when it is not called', () => {
  // 40 fields of 3 bits: the optional's code is past CHUNK, so it is a function of its own, called when the record is present
  const fields = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}`, int(0, 5)]));
  const shape = record({ x: int(0, 3), big: optional(record(fields, { keys: 'all' })), y: int(0, 3) }, { keys: 'all' }).piece;
  type S = { x: number; big?: Record<string, number>; y: number };
  const c = shapeCodec<S>(shape);
  const present: S = { x: 1, big: Object.fromEntries(Object.keys(fields).map((k, i) => [k, 1 + (i % 5)])), y: 2 };
  const absent: S = { x: 3, y: 1 };
  const w = new Uint32Array(c.words);
  for (const [a, b] of [[present, absent], [absent, present], [present, present], [absent, absent]] as const) {
    c.pack(a, w);
    c.pack(b, w);
    const fresh = new Uint32Array(c.words);
    c.pack(b, fresh);
    assert.equal([...w], [...fresh], `${a.big ? 'present' : 'absent'} then ${b.big ? 'present' : 'absent'}`);
    assert.equal(JSON.parse(JSON.stringify(c.unpack(w, 0))), b); // (an absent optional unpacks as a key holding undefined)
  }
});

test('nc2-clamp-fix-off-by-one: with cons 1, 2 or 8 bytes further behind prod_pvt than the ring, the fix leaves no space (H3_no_BUG_ON holds)', () => {
  const m = clampFix as unknown as Model<any, any>;
  for (const behind of [1, 2, 8]) {
    const from = deriveModel(m, {
      name: `nc2-space-clamp-fix-behind-${behind}`,
      description: `the fix, ring 0's cons ${behind} bytes further behind prod_pvt than the ring`,
      init: (p) => m.init(p).map((s) => ({ ...s, sring: s.sring.map((r: object, i: number) => (i === 0 ? { ...r, cons: idxSub(s.prod[0].prod_pvt, p.ringBytes + behind) } : r)) })),
    });
    const r = check(systemOf(from, paramsOf(from, {}), ['H3_no_BUG_ON']), { checkDeadlock: false });
    assert.is(r.outcome, 'ok', `${behind} behind: ${r.violation?.property}`);
    assert.ok(r.distinctStates > 1000, `${r.distinctStates}`);
  }
});

test.run();
