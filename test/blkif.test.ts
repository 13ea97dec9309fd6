/**
 * The blkif model: the built-in (blkback and blkfront as Linux 6.12 runs
 * them) verifies across its parameters; persistent grants are reused and
 * bounded by max_pgrants as blkback does; XSA-216 (examples/blkif-xsa216.ts)
 * and a backend mapping persistently without the frontend's feature are
 * found with shortest counterexamples that replay, while the built-in
 * verifies at the same settings.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Model } from '../model/core.js';
import { blkif, PAD_SECRET, type BlkifParams, type BlkifState } from '../model/blkif.js';
import { paramsOf, replays, runModel, systemOf } from './support/models.js';
import { check } from '../checker/explore.js';
import xsa216 from '../examples/blkif-xsa216.js';
import notNegotiated from '../examples/blkif-persistent-not-negotiated.js';
import xsa155 from '../examples/blkif-xsa155.js';
import noProdOverflow from '../examples/blkif-no-prod-overflow.js';
import trustsResponse from '../examples/blkif-trusts-response.js';
import xsa365 from '../examples/blkif-xsa365.js';
import xsa396 from '../examples/blkif-xsa396.js';
import safeRemoveFix from '../examples/blkif-safe-remove-fix.js';
import { deriveModel } from '../model/core.js';
import { blkifInterrupt, xenBlkbkMap, doBlockIoOp, blkbackCanTake, BLKIF_RSP_EOPNOTSUPP, BLKIF_RSP_ERROR, BLKIF_RSP_OKAY, BLKIF_OP_READ, BLKIF_OP_WRITE } from '../model/blkif.js';
import { NO_PAGE, segsOf, pagesOf } from '../model/blkif.js';
import { frontendChanged, xenBlkifDisconnect, KTHREAD_STOPPED, LIBXL_DONE, LIBXL_IDLE, LIBXL_WAITING, XenbusStateClosing, XenbusStateConnected, XenbusStateClosed, type LifeDraft } from '../model/blkif.js';

type M = Model<BlkifState, BlkifParams>;

/** A search checking only `property` (and no deadlock). */
const runOnly = (m: M, p: BlkifParams, property: string, maxDepth?: number) => check(systemOf(m, p, [property]), maxDepth === undefined ? {} : { maxDepth });

test('removal=libxl: blkback writes Connected over libxl\'s Closing, blkfront connects and libxl waits (xl block-detach fails after 10 s); the fix verifies', () => {
  const p = paramsOf(blkif, { removal: 'libxl', requests: 1 });
  // BFS finds it at depth 11: one level further and no more (a mutant that removes it fails here at once)
  const r = runModel(blkif, p, 12);
  assert.is(r.outcome, 'deadlock');
  assert.is(r.violation!.trace.length - 1, 11);
  assert.ok(replays(blkif, p, r));
  const t = r.violation!.trace;
  const remove = t.findIndex((x) => x.rule === 'libxl_device_disk_safe_remove');
  const over = t.findIndex((x, i) => i > remove && x.rule === 'frontend_changed' && t[i - 1]!.state.life!.be === XenbusStateClosing && x.state.life!.be === XenbusStateConnected);
  assert.ok(remove > 0 && over > remove, 'the Closing libxl wrote is overwritten by connect()');
  const end = t.at(-1)!.state.life!;
  assert.is(end.libxl, LIBXL_WAITING);
  assert.is(end.fe, XenbusStateConnected);
  assert.is(end.online, false, 'left half removed: online = 0, connected');
  // the fix (examples/blkif-safe-remove-fix.ts) at its smallest space here (965 states), the larger two at the end
  assert.is(runModel(safeRemoveFix as M, paramsOf(safeRemoveFix as M, { removal: 'libxl', segments: 2, pages: 2, requests: 3 })).outcome, 'ok');
});

test('removal=libxl: B_ring_mapped_while_answering and B_io_on_mapped_grant can fail (a disconnect that ignores requests in flight), B_free_unmaps_all too (a free that keeps the persistent grants)', () => {
  const ignoresInflight = deriveModel(blkif, {
    name: 'blkif-disconnect-ignores-inflight',
    description: 'xen_blkif_disconnect unmapping the ring and the persistent grants with requests in flight',
    replace: {
      frontend_changed: {
        ...frontendChanged,
        then: (d, s, p, a) => {
          if (s.life!.fe === XenbusStateClosed) {
            // as if nothing were in flight: the ring unmapped, the persistent grants freed
            const b = { back: { pgnts: d.back.pgnts, reqs: [] }, mapcount: d.mapcount };
            xenBlkifDisconnect(b as never, d.life as LifeDraft);
            (d.back as { pgnts: unknown[] }).pgnts = b.back.pgnts;
          }
          frontendChanged.then(d, s, p, a);
        },
      },
    },
  });
  const found = new Set<string>();
  for (const inv of ['B_ring_mapped_while_answering', 'B_io_on_mapped_grant']) {
    const p = paramsOf(ignoresInflight, { removal: 'libxl', requests: 2 });
    const r = runOnly(ignoresInflight, p, inv);
    assert.is(r.outcome, 'violation', inv);
    assert.ok(replays(ignoresInflight, p, r), inv);
    found.add(r.violation!.property);
  }
  assert.equal([...found].sort(), ['B_io_on_mapped_grant', 'B_ring_mapped_while_answering']);
  const keepsGrants = deriveModel(blkif, {
    name: 'blkif-free-keeps-grants',
    description: 'xen_blkbk_remove marking the blkif freed without xen_blkbk_free_caches',
    replace: {
      frontend_changed: {
        ...frontendChanged,
        then: (d, s, p, a) => {
          frontendChanged.then(d, s, p, a);
          // freed now: the persistent grants and their maps as they were before the disconnect
          if (d.life!.freed && !s.life!.freed) { (d.back as { pgnts: unknown[] }).pgnts = s.back.pgnts.map((x) => ({ ...x })); (d as { mapcount: number[] }).mapcount = [...s.mapcount]; }
        },
      },
    },
  });
  const r = runOnly(keepsGrants, paramsOf(keepsGrants, { removal: 'libxl', requests: 2 }), 'B_free_unmaps_all');
  assert.is(r.outcome, 'violation');
});


/** Every state the built-in reaches at `ov`. */
function states(ov: Record<string, string | number | boolean>): BlkifState[] {
  const out: BlkifState[] = [];
  runModel(blkif, paramsOf(blkif, ov), { onState: (s) => { out.push(s); } });
  return out;
}

test('persistent grants: a gref found in the tree is used without a map; with max_pgrants=1 the second page is mapped per request; none with max_pgrants=0', () => {
  const ov = { requests: 4, pages: 2, ringSize: 2 };
  const s1 = states({ ...ov, maxPgrants: 1 });
  // reuse: a request in flight on a persistent grant while the map count stays 1 (no second map)
  assert.ok(s1.some((s) => s.back.reqs[0]?.stage === 1 && s.back.reqs[0].segs[0]!.persistent && s.mapcount[s.back.reqs[0].segs[0]!.gref] === 1 && s.front.issued >= 2));
  // the limit: one persistent grant, the other page mapped for its request only
  assert.ok(s1.some((s) => s.back.pgnts.length === 1 && s.back.reqs[0]?.stage === 1 && !s.back.reqs[0].segs[0]!.persistent && s.mapcount[s.back.reqs[0].segs[0]!.gref] === 1));
  assert.ok(s1.every((s) => s.back.pgnts.length <= 1));
  // blkfront's LIFO: a page the backend keeps mapped goes back to the head of the grant list
  assert.ok(s1.some((s) => s.front.grants.length === 2 && s.front.gref[s.front.grants[0]!] !== 0 && s.front.gref[s.front.grants[1]!] === 0));
  assert.ok(states({ ...ov, maxPgrants: 0 }).every((s) => s.back.pgnts.length === 0));
  assert.ok(states({ ...ov, persistent: false }).every((s) => s.back.pgnts.length === 0));
  // the LRU purge ends persistence: blkfront then ends access and the page loses its gref
  assert.ok(s1.some((s) => s.back.pgnts.length === 0 && s.front.gref.every((g) => g === 0) && s.front.issued >= 2));
});

// fourth, before the variants (1.6 s of the file's 13.7): it is the one test killing mutant blkif-fail-flush-no-unmap
// (a leaked map after a refused segment), killed at the file's test 19 after 14 s before (npm run mutants -- --which, load 20)
test('segments=2: a refused map of one segment fails the whole request with nothing of it mapped; honest ends use two pages a request', () => {
  const { outcome, n } = reach(blkif, { ...SMALL, segments: 2, frontend: 'hostile' }, {
    failed: (s) => s.back.reqs.some((r) => r.stage === 1 && r.status === BLKIF_RSP_ERROR),
    unaccounted: (s) => !mapsAccounted(s),
  });
  assert.is(outcome, 'ok');
  assert.ok(n.failed! > 0);
  assert.is(n.unaccounted, 0);
  const h = reach(blkif, { ringSize: 4, requests: 4, pages: 4, segments: 2, pending: 2 }, {
    twoPages: (s) => s.front.shadow.some((x) => x.waiting && x.pages?.length === 2 && x.pages[0] !== x.pages[1]),
    bothUnderWay: (s) => s.back.reqs.length === 2 && s.back.reqs.every((r) => r.stage === 1),
    unaccounted: (s) => !mapsAccounted(s),
  });
  assert.is(h.outcome, 'ok');
  assert.ok(h.n.twoPages! > 0 && h.n.bothUnderWay! > 0, JSON.stringify(h.n));
  assert.is(h.n.unaccounted, 0);
});

function variantCase(name: string, variant: M, ov: Record<string, string | number | boolean>, property: string, steps: number, only?: string): void {
  test(`${name}: ${property} in ${steps} steps, shortest, replays (the built-in: below)`, () => {
    const p = paramsOf(variant, ov);
    const r = only ? runOnly(variant, p, only) : runModel(variant, p);
    assert.is(r.outcome, 'violation');
    assert.is(r.violation!.property, property);
    assert.is(r.violation!.trace.length - 1, steps);
    assert.ok(replays(variant, p, r), 'trace replays on the variant');
    assert.is((only ? runOnly(variant, p, only, steps - 1) : runModel(variant, p, steps - 1)).violation, undefined, `no violation within ${steps - 1} steps`);
  });
  builtinAt.push({ name, p: paramsOf(variant, ov) });
}
/** Each variant's own parameters (an example pins its bounds; the built-in's defaults may be larger): the built-in verifies there (a test near the end). */
const builtinAt: { name: string; p: BlkifParams }[] = [];

variantCase('XSA-216 (stack padding memcpy)', xsa216 as M, {}, 'B_response_discloses_nothing', 4);
variantCase('XSA-216, no persistent grants, larger ring', xsa216 as M, { persistent: false, ringSize: 4, requests: 4 }, 'B_response_discloses_nothing', 4);
variantCase('persistent mapping without the frontend\'s feature', notNegotiated as M, { persistent: false }, 'F_not_broken', 5);
variantCase('XSA-155 (a segment descriptor read twice), hostile guest', xsa155 as M, { frontend: 'hostile' }, 'B_io_within_page', 4);
variantCase('blkback without RING_REQUEST_PROD_OVERFLOW (before 2011), hostile guest', noProdOverflow as M, { frontend: 'hostile' }, 'B_work_bounded', 8);
variantCase('blkfront before the 2021 response checks, hostile backend', trustsResponse as M, { backend: 'hostile' }, 'F_completes_only_waiting', 6);
variantCase('blkfront before the 2021 response checks, hostile backend, two writes', trustsResponse as M, { backend: 'hostile', hostileWrites: 2 }, 'F_no_BUG', 4, 'F_no_BUG');
variantCase('blkfront before the 2021 response checks, hostile backend: a stale shadow entry completed again', trustsResponse as M, { backend: 'hostile' }, 'F_page_in_one_place', 8, 'F_page_in_one_place');
variantCase('XSA-365 (a map batch\'s error overwritten by the next), hostile guest, two segments', xsa365 as M, { frontend: 'hostile' }, 'B_io_on_mapped_grant', 4);
variantCase('XSA-396 (blkfront querying the mapped status, then ending access), hostile backend', xsa396 as M, { backend: 'hostile', persistent: false }, 'F_free_page_unmapped', 5);
variantCase('XSA-396, hostile backend, persistent grants', xsa396 as M, { backend: 'hostile' }, 'F_free_page_unmapped', 6);

test('a hostile backend mapping a granted page: today\'s blkfront keeps it (persistent) or marks itself broken (without feature-persistent), never frees it mapped', () => {
  const kept = reach(blkif, { ...SMALL, backend: 'hostile', maxPgrants: 0 }, {
    // a page on the free list with its gref, mapped, and blkback holding no persistent grant: the hostile backend's mapping, kept
    keptMapped: (s) => s.back.pgnts.length === 0 && s.back.reqs.length === 0 && s.front.grants.some((page) => s.front.gref[page] !== 0 && s.mapcount[s.front.gref[page]!]! > 0),
  });
  assert.is(kept.outcome, 'ok');
  assert.ok(kept.n.keptMapped! > 0);
  const broken = reach(blkif, { ...SMALL, backend: 'hostile', persistent: false }, {
    brokenMapped: (s) => s.front.broken && s.mapcount.some((c) => c > 0) && s.back.reqs.length === 0,
  });
  assert.is(broken.outcome, 'ok');
  assert.ok(broken.n.brokenMapped! > 0);
});

// --- the adversaries

const SMALL = { ringSize: 2, requests: 3, pages: 2, maxPgrants: 1 };

/** Counts of the states of `m` at `ov` where each predicate holds. */
function reach(m: M, ov: Record<string, string | number | boolean>, preds: Record<string, (s: BlkifState) => boolean>): { outcome: string; n: Record<string, number> } {
  const n: Record<string, number> = Object.fromEntries(Object.keys(preds).map((k) => [k, 0]));
  const r = runModel(m, paramsOf(m, ov), { onState: (s) => { for (const [k, f] of Object.entries(preds)) if (f(s)) n[k]!++; } });
  return { outcome: r.outcome, n };
}


// ahead of the hostile-backend test below (two searches, 2.6 s), which kills no mutant: this one is the only killer of
// blkif-valid-end-responses-untaken (npm run mutants -- --which: the file's test 17 after 11.5 s, load 20)
test('valid ends with an adversary: blkback must owe nothing (a dropped response is a deadlock), blkfront must have taken what it was given', () => {
  // blkback answering nothing to an operation it does not serve (dispatch_other_io without make_response)
  const drop = deriveModel(blkif, {
    name: 'blkif-drops-unsupported',
    description: 'blkback answering nothing to an operation it does not serve',
    replace: {
      xen_blkbk_map: {
        ...xenBlkbkMap,
        then: (d, s, p) => {
          const op = s.back.reqs[0]!.operation;
          if (op !== BLKIF_OP_READ && op !== BLKIF_OP_WRITE) { d.back.reqs.splice(0, 1); return; }
          xenBlkbkMap.then(d, s, p, undefined);
        },
      },
    },
  });
  const r1 = runModel(drop, paramsOf(drop, { ...SMALL, frontend: 'hostile' }));
  assert.is(r1.outcome, 'deadlock', r1.violation?.property);
  // blkfront ignoring a bogus rsp_prod instead of marking itself broken: it waits with responses it was given
  const ignores = deriveModel(blkif, {
    name: 'blkif-ignores-bogus-rsp-prod',
    description: 'blkfront waiting on a bogus rsp_prod instead of marking itself broken',
    replace: { blkif_interrupt: { ...blkifInterrupt, when: (s, p) => blkifInterrupt.when!(s, p, undefined) && ((s.rsp_prod - s.front.rsp_cons) >>> 0) <= p.ringSize } },
  });
  const r2 = runModel(ignores, paramsOf(ignores, { ...SMALL, backend: 'hostile' }));
  assert.is(r2.outcome, 'deadlock', r2.violation?.property);
  // the built-in at the same settings: every end valid
  assert.is(runModel(blkif, paramsOf(blkif, { ...SMALL, frontend: 'hostile' })).outcome, 'ok');
  assert.is(runModel(blkif, paramsOf(blkif, { ...SMALL, backend: 'hostile' })).outcome, 'ok');
});

test('a hostile backend: Linux blkfront verifies, and marks itself broken on a bad id, a free id, a wrong operation, too many responses', () => {
  const bad = new Set<string>();
  for (const hostileWrites of [1, 2]) {
    const r = runModel(blkif, paramsOf(blkif, { ...SMALL, backend: 'hostile', hostileWrites }), {
      onState: (s) => {
        if (!s.front.broken) return;
        const at = (s.front.rsp_cons - 1) & 1;
        const x = s.ring[at]!;
        if (((s.rsp_prod - s.front.rsp_cons) >>> 0) > 2) bad.add('rsp_prod');
        else if (x.id >= 2) bad.add('id');
        else if (x.operation !== BLKIF_OP_READ) bad.add('operation');
        else if (!s.front.shadow[x.id]!.waiting) bad.add('free id');
        else bad.add('other');
      },
    });
    assert.is(r.outcome, 'ok');
  }
  for (const k of ['rsp_prod', 'id', 'operation', 'free id']) assert.ok(bad.has(k), `no broken state by ${k}: ${[...bad]}`);
});


// --- several requests under way in blkback (pending), several segments a request (segments)

/**
 * Every mapping blkback holds is accounted for: per gref, Xen's map count is
 * its entry in the persistent tree plus the non-persistent segments of the
 * requests it has mapped and not yet answered (nothing leaks, nothing is
 * unmapped twice).
 */
function mapsAccounted(s: BlkifState): boolean {
  return s.mapcount.every((n, g) => {
    let want = s.back.pgnts.filter((x) => x.gref === g).length;
    for (const r of s.back.reqs) if (r.stage === 1) for (const x of r.segs) if (!x.persistent && x.gref === g && g !== 0) want++;
    return n === want;
  });
}


test('a hostile guest with two requests under way: the same gref in both (mapped again, not persistently), a grant revoked while the other is in flight; blkback verifies', () => {
  const { outcome, n } = reach(blkif, { ...SMALL, pending: 2, frontend: 'hostile' }, {
    sameGref: (s) => s.back.reqs.length === 2 && s.back.reqs.every((r) => r.stage === 1 && r.status === BLKIF_RSP_OKAY) && s.back.reqs[0]!.segs[0]!.gref === s.back.reqs[1]!.segs[0]!.gref,
    revokedInFlight: (s) => s.back.reqs.length === 2 && s.mapcount.some((c, g) => c > 0 && !s.granted[g]),
    unaccounted: (s) => !mapsAccounted(s),
  });
  assert.is(outcome, 'ok');
  assert.ok(n.sameGref! > 0 && n.revokedInFlight! > 0, JSON.stringify(n));
  assert.is(n.unaccounted, 0);
});

test('B_pending_within_pool can fail: a blkback taking requests without alloc_req\'s check', () => {
  const noPool = deriveModel(blkif, {
    name: 'blkif-no-pool-check',
    description: 'blkback consuming a request whatever its pending_req pool holds',
    replace: { __do_block_io_op: { ...doBlockIoOp, when: (s, p) => blkbackCanTake(s, { ...p, pending: 99 }) && s.req_prod !== s.back.req_cons && ((s.back.req_cons - s.back.rsp_prod_pvt) >>> 0) < p.ringSize } },
  });
  const r = runModel(noPool, paramsOf(noPool, { ringSize: 4, requests: 3, pages: 3 }));
  assert.is(r.outcome, 'violation');
  assert.is(r.violation!.property, 'B_pending_within_pool');
  assert.ok(replays(noPool, paramsOf(noPool, { ringSize: 4, requests: 3, pages: 3 }), r));
});

test('a hostile backend completing an id early: blkfront frees it while blkback still holds its request, reuses it, and copes with the late response (broken, never a page in two places)', () => {
  const { outcome, n } = reach(blkif, { ...SMALL, pending: 2, backend: 'hostile' }, {
    // blkback holds a request whose id blkfront already completed (free again, or waiting for a newer request)
    freedWhileHeld: (s) => s.back.reqs.some((r) => r.id < 2 && !s.front.shadow[r.id]!.waiting),
    // ...and reused: two requests with that id at blkback (held, or still on the ring), the newer one waiting in blkfront
    reusedWhileHeld: (s) => s.back.reqs.some((r) => {
      if (r.id >= 2 || !s.front.shadow[r.id]!.waiting) return false;
      let same = s.back.reqs.filter((q) => q.id === r.id).length;
      for (let i = s.back.req_cons; i !== s.req_prod; i = (i + 1) >>> 0) if (s.ring[i & 1]!.kind === 1 && s.ring[i & 1]!.id === r.id) same++;
      return same >= 2 && s.req_prod === s.front.req_prod_pvt;
    }),
    lateResponseBroken: (s) => s.front.broken && s.front.rsp_cons > 1,
  });
  assert.is(outcome, 'ok');
  assert.ok(n.freedWhileHeld! > 0 && n.reusedWhileHeld! > 0 && n.lateResponseBroken! > 0, JSON.stringify(n));
});


test('segments above pages is refused with one line', () => {
  assert.throws(() => paramsOf(blkif, { segments: 3, pages: 2 }), /segments \(3\) must be at most pages \(2\)/);
});

test('both adversaries at once are refused with one line', () => {
  assert.throws(() => paramsOf(blkif, { frontend: 'hostile', backend: 'hostile' }), /cannot both be hostile/);
});



test('removal=libxl with a hostile end is refused with one line', () => {
  assert.throws(() => paramsOf(blkif, { removal: 'libxl', frontend: 'hostile' }), /removal=libxl is modelled with both ends honest/);
  assert.throws(() => paramsOf(blkif, { removal: 'libxl', backend: 'hostile' }), /removal=libxl is modelled with both ends honest/);
});

test('segments=1 has the flat shape (a slot holds its segment, a shadow entry its page), segments=2 the nested one; the same states either way', () => {
  const flat = states({ ringSize: 2, requests: 3, pages: 2 });
  assert.ok(flat.every((s) => s.ring.every((x) => x.segs === undefined && typeof x.gref === 'number') && s.front.shadow.every((x) => x.pages === undefined && typeof x.page === 'number')));
  assert.ok(flat.some((s) => s.front.shadow.some((x) => x.waiting && x.page !== NO_PAGE)) && flat.some((s) => s.front.shadow.some((x) => x.page === NO_PAGE)));
  const nested = states({ ringSize: 2, requests: 3, pages: 2, segments: 2 });
  assert.ok(nested.every((s) => s.ring.every((x) => x.segs?.length === 2 && x.gref === undefined) && s.front.shadow.every((x) => x.pages !== undefined && x.page === undefined)));
  // segsOf and pagesOf read both alike
  assert.ok(flat.every((s) => s.ring.every((x) => segsOf(x).length === 1) && s.front.shadow.every((x) => pagesOf(x).length === (x.waiting ? 1 : 0))));
  assert.ok(nested.every((s) => s.front.shadow.every((x) => pagesOf(x).length === (x.waiting ? 2 : 0))));
});

test('XSA-216: the leaked bytes are in the slot the frontend reads next', () => {
  const r = runModel(xsa216 as M, paramsOf(xsa216 as M, {}));
  const last = r.violation!.trace.at(-1)!.state;
  assert.is(last.ring[0]!.pad, PAD_SECRET);
  assert.is(last.rsp_prod, 1, 'published: the guest can read it');
});

// Last (session 33): the whole searches that kill no mutant sooner than the tests above (a mutant run stops at the
// first failed test: npm run mutants -- --which), the fix's and the built-in's at the variants' parameters.
test('removal=libxl: the fix (examples/blkif-safe-remove-fix.ts) verifies (segments=2: in the first test)', () => {
  for (const ov of [{ pending: 2, requests: 4 }, {}] as Record<string, number>[])
    assert.is(runModel(safeRemoveFix as M, paramsOf(safeRemoveFix as M, { removal: 'libxl', ...ov })).outcome, 'ok', JSON.stringify(ov));
});

test('the built-in verifies at each variant\'s parameters above', () => {
  for (const { name, p } of builtinAt) assert.is(runModel(blkif, p).outcome, 'ok', name);
});

test('the built-in verifies: every ring size, persistent or not, max_pgrants 0..2', () => {
  for (const ringSize of [1, 2, 4])
    for (const persistent of [true, false])
      for (const maxPgrants of [0, 1, 2]) {
        const p = paramsOf(blkif, { ringSize, persistent, maxPgrants, requests: 4, pages: 2 });
        const r = runModel(blkif, p);
        assert.is(r.outcome, 'ok', `${JSON.stringify(p)}: ${r.violation?.property}`);
      }
});

test('a hostile guest: Linux blkback verifies, and the guest reaches every defence (halt on a bogus req_prod, EOPNOTSUPP, a failed map, revoking while mapped)', () => {
  const cases: [Record<string, number | boolean>, number][] = [[SMALL, 1], [SMALL, 2], [{ ...SMALL, persistent: false }, 1], [{ ...SMALL, ringSize: 4, requests: 2 }, 1]];
  for (const [ov, hostileWrites] of cases) {
    const { outcome, n } = reach(blkif, { ...ov, frontend: 'hostile', hostileWrites }, {
      halted: (s) => s.back.halted,
      eopnotsupp: (s) => s.back.reqs[0]?.status === BLKIF_RSP_EOPNOTSUPP,
      error: (s) => s.back.reqs[0]?.status === BLKIF_RSP_ERROR,
      revokedWhileMapped: (s) => s.mapcount.some((c, g) => c > 0 && !s.granted[g]),
      writeOp: (s) => s.back.reqs[0]?.operation === BLKIF_OP_WRITE,
    });
    assert.is(outcome, 'ok', JSON.stringify(ov));
    for (const [k, c] of Object.entries(n)) assert.ok(c > 0, `${JSON.stringify(ov)} hostileWrites=${hostileWrites}: no state ${k}`);
  }
});

test('the pre-2021 variant searched past its first stale completion stays inside the shape (a page listed twice gets no third copy)', () => {
  // B_maps_only_granted holds in the variant: the search runs on past F_page_in_one_place's states, where the list is corrupt
  const m = trustsResponse as M;
  const p = paramsOf(m, { backend: 'hostile', hostileWrites: 2 });
  const r = check(systemOf(m, p, ['B_maps_only_granted']), { maxStates: 300_000 });
  assert.is.not(r.outcome, 'violation', r.violation?.property);
  assert.ok(r.distinctStates > 100_000, `searched well past the corruption: ${r.distinctStates} states`);
});

test('removal=libxl: after the overwrite, a second xl block-detach (LIBXL_DESTROY_TIMEOUT, then the command again) ends every run', () => {
  // the retry: libxl gave up while the backend's node reads Connected (blkback's overwrite); the user runs the
  // command again, which writes online = 0 and Closing over a Connected that blkback no longer rewrites
  const retry = deriveModel(blkif, {
    name: 'blkif-safe-remove-retried',
    description: 'xl block-detach run again after the first one timed out',
    add: [{
      name: 'LIBXL_DESTROY_TIMEOUT', actor: 'toolstack',
      doc: 'libxl gave up waiting for Closed; xl block-detach is run again',
      when: (s) => s.life!.libxl === LIBXL_WAITING && s.life!.be === XenbusStateConnected,
      then: (d) => { (d.life as LifeDraft).libxl = LIBXL_IDLE; },
    }],
  });
  for (const ov of [{ requests: 1 }, {}, { pending: 2, requests: 4 }] as Record<string, number>[])
    assert.is(runModel(retry, paramsOf(retry, { removal: 'libxl', ...ov })).outcome, 'ok', JSON.stringify(ov));
});

test('pending=2: two requests under way at once, answered in either order; the pool bounds them and a full pool leaves requests on the ring', () => {
  const cases: Record<string, string | number | boolean>[] = [{ ringSize: 4, requests: 4, pages: 3, pending: 2 }, { ...SMALL, pending: 2, frontend: 'hostile' }];
  for (const ov of cases) {
    const r1 = reach(blkif, ov, {
      twoUnderWay: (s) => s.back.reqs.length === 2 && s.back.reqs.every((r) => r.stage === 1),
      overPool: (s) => s.back.reqs.length > 2,
      poolFullWork: (s) => s.back.reqs.length === 2 && s.req_prod !== s.back.req_cons,
      unaccounted: (s) => !mapsAccounted(s),
    });
    const { outcome, n } = r1;
    assert.is(outcome, 'ok', JSON.stringify(ov));
    assert.ok(n.twoUnderWay! > 0 && n.poolFullWork! > 0, JSON.stringify(n));
    assert.is(n.overPool, 0);
    assert.is(n.unaccounted, 0, 'every mapping accounted for');
  }
  // out of order: a response for the second request while the first is still under way
  const { outcome, n } = reach(blkif, { ringSize: 4, requests: 2, pages: 2, pending: 2 }, {
    secondFirst: (s) => s.back.rsp_prod_pvt === 1 && s.back.reqs.length === 1 && s.back.reqs[0]!.id === 0 && s.ring[0]!.id === 1,
  });
  assert.is(outcome, 'ok');
  assert.ok(n.secondFirst! > 0);
});

test('removal=libxl with requests in flight: xen_blkif_disconnect returns -EBUSY and keeps the ring and the persistent grants, the last response frees everything; every invariant holds', () => {
  const n: Record<string, number> = { busyRemoved: 0, answeredAfterRemove: 0, freedAfterLast: 0, inflightAtClosed: 0 };
  let prevFreed = 0;
  const r = check(systemOf(blkif, paramsOf(blkif, { removal: 'libxl', pending: 2, requests: 4 })), {
    checkDeadlock: false,
    onState: (s) => {
      const l = s.life!;
      if (l.removed && !l.freed && s.back.reqs.length > 0 && l.ring && l.kthread === KTHREAD_STOPPED) n.busyRemoved!++;
      if (l.removed && !l.freed && s.back.reqs.some((x) => x.stage === 1) && s.back.pgnts.some((x) => x.active)) n.answeredAfterRemove!++;
      if (l.freed && l.libxl === LIBXL_DONE && s.mapcount.every((c) => c === 0) && s.rsp_prod !== s.front.rsp_cons) n.freedAfterLast!++;
      if (l.fe === XenbusStateClosed && s.front.shadow.some((x) => x.waiting)) n.inflightAtClosed!++;
      if (l.freed) prevFreed++;
    },
  });
  assert.is(r.outcome, 'ok', r.violation?.property);
  assert.ok(Object.values(n).every((x) => x > 0) && prevFreed > 0, JSON.stringify(n));
});

test.run();
