/**
 * Tests written for mutants of test/mutants/mutants.json that the tests of
 * their code let survive (session 20's audit of session 19's code,
 * docs/perf/2026-12-06b-pool.md; test/mutantsKilled and mutantsKilledB hold
 * the earlier sessions'): each says which mutant it kills, and passes on the
 * code as it is.
 *
 * - blkif-io-on-failed-map (model/blkif.ts `ioOnMappedGrant`, 45c3627):
 *   B_io_on_mapped_grant must fail when blkback does I/O on a page whose map
 *   Xen refused. test/blkif checks that the built-in verifies and that a
 *   hostile guest reaches a failed map, never a blkback that goes on after
 *   one: here a blkback that ignores a refused map of a ref the guest revoked.
 * - blkif-valid-end-response-unpushed (model/blkif.ts `blkbackOwesNothing`):
 *   with a hostile guest, blkback owes nothing only once every response it
 *   made is pushed (rsp_prod). test/blkif's dropped-response variant never
 *   makes the response at all: here blkback makes it and never pushes it.
 * - blkif-sector-check-removed (model/blkif.ts xenBlkbkMap, 45c3627): blkback
 *   without dispatch_rw_block_io's sector check. B_io_within_page cannot see
 *   it: its flag (`back.overrun`) is set only by the XSA-155 example's
 *   double fetch, never by the built-in's code, so a built-in that sends a
 *   segment beyond its page to I/O still verifies. Here: with a hostile
 *   guest, every request blkback took with a segment beyond its page is
 *   answered BLKIF_RSP_ERROR (or EOPNOTSUPP) unmapped, and such requests are
 *   reached.
 * - blkif-work-bound-plus-one (model/blkif.ts B_work_bounded): test/blkif's
 *   XSA-era example (no RING_REQUEST_PROD_OVERFLOW) kills it only by the
 *   per-file time limit (300 s: the variant's space, unbounded by the
 *   invariant, is searched whole); here the same search under a state bound.
 * - xenbus-closed-answered-by-closing (model/xenbus.ts `closedAnswered`,
 *   24b6d1b): xennet_bus_close's second wait (after switching Closed) ends
 *   only on the backend's Closed or Unknown, the first on Closing too. Only
 *   test/xenbus's F2 case killed it, 88 s into the file: here, at F2's row's
 *   parameters (22,292 states), every state where a wait is taken as answered
 *   has the backend node the driver's condition names, and states where the
 *   second wait sees Closing exist.
 * - worker-loads-next-module (cli/workerSystem.ts `loadSystem`, 4d93460): a
 *   worker given the list of plain-JS copies picks its own model's module
 *   from it; test/workerSystem loaded systems without the list (a worker of
 *   the CLI always has one): here with it, for every built-in.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { deriveModel, type Model } from '../model/core.js';
import { blkif, makeResponse, xenBlkbkMap, dispatching, BLKIF_OP_READ, BLKIF_OP_WRITE, BLKIF_RSP_EOPNOTSUPP, BLKIF_RSP_ERROR, INVALID_GRANT_REF, SECT_OK, type BlkifParams, type BlkifState } from '../model/blkif.js';
import noProdOverflow from '../examples/blkif-no-prod-overflow.js';
import { builtinModels } from '../model/registry.js';
import { xenbus, beNode, xennet_bus_close_closed, xennet_bus_close_closing, XenbusStateClosed, XenbusStateClosing, XenbusStateUnknown, type XenbusModelState, type XenbusParams } from '../model/xenbus.js';
import { bind } from '../properties/bind.js';
import { loadSystem, ownModules } from '../cli/workerSystem.js';
import { check } from '../checker/explore.js';
import { paramsOf, replays, runModel, systemOf } from './support/models.js';

type M = Model<BlkifState, BlkifParams>;
const SMALL = { ringSize: 2, requests: 3, pages: 2, maxPgrants: 1, frontend: 'hostile' };

// blkback that takes a refused map of a ref in the grant table (revoked, or never granted) as done: the I/O goes on
const ignoresRefusedMap = deriveModel(blkif, {
  name: 'blkif-ignores-refused-map',
  description: 'blkback going on with the I/O after GNTTABOP_map_grant_ref refused a ref of the grant table',
  replace: {
    xen_blkbk_map: {
      ...xenBlkbkMap,
      then: (d, s, p) => {
        const i = dispatching(s);
        const c = s.back.reqs[i]!;
        const g = c.segs[0]!.gref; // one segment a request (segments=1)
        const io = c.operation === BLKIF_OP_READ || c.operation === BLKIF_OP_WRITE;
        if (io && g >= 1 && g < s.granted.length && !s.granted[g] && !s.back.pgnts.some((x) => x.gref === g)) {
          d.back.reqs[i]!.stage = 1; // no map, no error: status stays BLKIF_RSP_OKAY
          return;
        }
        xenBlkbkMap.then(d, s, p, undefined);
      },
    },
  },
}) as M;

test('blkif-io-on-failed-map: a blkback that does I/O on a ref whose map Xen refused fails B_io_on_mapped_grant (the ref is in the table, unmapped)', () => {
  const p = paramsOf(ignoresRefusedMap, SMALL);
  const r = check(systemOf(ignoresRefusedMap, p, ['B_io_on_mapped_grant']), {});
  assert.is(r.violation?.property, 'B_io_on_mapped_grant');
  assert.ok(replays(ignoresRefusedMap, p, r), 'the trace replays');
  const last = r.violation!.trace.at(-1)!.state as BlkifState;
  const g = last.back.reqs[0]!.segs[0]!.gref;
  assert.ok(g >= 1 && g < last.granted.length && last.mapcount[g] === 0, `I/O on ref ${g}, in the table and mapped by no one`);
});

// blkback that writes its response and advances rsp_prod_pvt but never pushes it (no RING_PUSH_RESPONSES)
const neverPushes = deriveModel(blkif, {
  name: 'blkif-never-pushes',
  description: 'blkback making responses without RING_PUSH_RESPONSES',
  replace: { make_response: { ...makeResponse, then: (d, s, p, i) => { const before = s.rsp_prod; makeResponse.then(d, s, p, i); d.rsp_prod = before; } } },
}) as M;

test('blkif-valid-end-response-unpushed: with a hostile guest, a blkback that never pushes its responses deadlocks (it owes the guest what it made)', () => {
  const p = paramsOf(neverPushes, SMALL);
  const r = runModel(neverPushes, p);
  assert.is(r.outcome, 'deadlock', r.violation?.property);
  const last = r.violation!.trace.at(-1)!.state as BlkifState;
  assert.ok(last.back.reqs.length === 0 && last.rsp_prod !== last.back.rsp_prod_pvt, 'the end: blkback idle, a response made and not pushed');
  assert.is(runModel(blkif, paramsOf(blkif, SMALL)).outcome, 'ok', 'the built-in at the same settings');
});

test('blkif-sector-check-removed: with a hostile guest, blkback answers every request with a segment that leaves its page with an error, unmapped (dispatch_rw_block_io), and such requests are reached', () => {
  let beyond = 0;
  const r = runModel(blkif, paramsOf(blkif, SMALL), {
    onState: (x) => {
      for (const c of (x as BlkifState).back.reqs) {
        if (c.stage !== 1 || c.segs.every((g) => g.sect === SECT_OK)) continue;
        beyond++;
        assert.ok(c.status === BLKIF_RSP_ERROR || c.status === BLKIF_RSP_EOPNOTSUPP, `a segment beyond its page taken with status ${c.status}`);
        assert.ok(c.segs.every((g) => g.gref === INVALID_GRANT_REF), 'and not mapped');
      }
    },
  });
  assert.is(r.outcome, 'ok');
  assert.ok(beyond > 0, 'no request with a segment beyond its page reached blkback');
});

test('blkif-work-bound-plus-one: blkback without RING_REQUEST_PROD_OVERFLOW breaks B_work_bounded within 200,000 states (RING_SIZE + 1 requests for one req_prod)', () => {
  const m = noProdOverflow as M;
  const p = paramsOf(m, { frontend: 'hostile' });
  const r = check(systemOf(m, p, ['B_work_bounded']), { maxStates: 200_000 });
  assert.is(r.violation?.property, 'B_work_bounded', `outcome ${r.outcome}`);
  assert.is((r.violation!.trace.at(-1)!.state as BlkifState).back.work, p.ringSize + 1);
});

test("xenbus-closed-answered-by-closing: xennet_bus_close's waits end on the backend states xen-netfront.c names (Closing, Closed or Unknown; then Closed or Unknown), at F2's row's parameters", () => {
  const p = paramsOf(xenbus, { reconfigure: 1, events: 2, migrate: 0, backendFatal: 0 }) as XenbusParams;
  const seen = { closingAnswered: 0, closedAnswered: 0, closedWaitSeesClosing: 0 };
  // no property: the whole space at these parameters (the row stops at F2's deadlock)
  const r = check(systemOf(xenbus, p, []), {
    checkDeadlock: false,
    onState: (x) => {
      const s = x as XenbusModelState;
      const be = beNode(s);
      if (xennet_bus_close_closing.when!(s, p, undefined)) {
        seen.closingAnswered++;
        assert.ok(be === XenbusStateClosing || be === XenbusStateClosed || be === XenbusStateUnknown, `the first wait answered with the backend in ${be}`);
      }
      if (xennet_bus_close_closed.when!(s, p, undefined)) {
        seen.closedAnswered++;
        assert.ok(be === XenbusStateClosed || be === XenbusStateUnknown, `the second wait answered with the backend in ${be}`);
      }
      if (s.fe.inst && s.fe.remove === 'closed' && be === XenbusStateClosing) seen.closedWaitSeesClosing++;
    },
  });
  assert.ok(r.distinctStates > 20_000, `${r.distinctStates} states`);
  for (const [k, n] of Object.entries(seen)) assert.ok(n > 0, `no state where ${k}`);
});

test("worker-loads-next-module: given every built-in's module (as a CLI worker is), a worker loads its own model's system", async () => {
  for (const m of builtinModels) {
    const params = m.params.defaults as object;
    const mods = ownModules({ model: m.name, params });
    const w = await loadSystem({ model: m.name, params }, mods);
    const main = bind(m, params);
    if (E.isLeft(main)) throw new Error(main.left);
    assert.equal(w.rules.map((r) => r.name), main.right.rules.map((r) => r.name), m.name);
    assert.equal(w.invariants.map((i) => i.name), main.right.invariants.map((i) => i.name), m.name);
  }
});

test.run();
