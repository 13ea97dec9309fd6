/**
 * Tests written for the mutants of session 25's code that survived the tests their authors
 * named (test/mutants/mutants.json; `PVCHECK_MUTANT_JOBS=2 node bin/mutants.mjs ID...`).
 *
 * - grant-g11-count-dropped (nested's 592c29e rewrote G11 as loops over a reused scratch array):
 *   without its count, G11 checks only that each handle the driver owns is a driver mapping, not
 *   that every driver mapping is owned, so a mapping the driver lost track of while connected
 *   (XSA-367's leak) passes. No reachable state of the model fails G11 (netback is honest), so
 *   no search sees it: G11 is asked of a reachable connected state with the ring mapped, and of
 *   that state with the ring's handle forgotten (its mapping left in the maptrack).
 * - grant-g20-last-ref-unchecked, grant-g21-last-ref-unchecked, grant-g21-mappings-ignored (session
 *   29: test/grantValidEnd killed them in 5-14 s, searching): G20 and G21's walks read every data
 *   ref, the last one included, and G21 every mapping of the driver but the ring's; asked of grant's
 *   initial state (both goals reached there: no pin, nothing deferred, netback idle, the ring its
 *   only mapping) and of that state with one thing on the last data ref (a pin, a deferred end, a
 *   request netback took) or one data mapping of the driver's.
 * - pinned-defaults-edges-unchecked, pinned-defaults-observables-unchecked (session 29: test/
 *   pinnedDefaults killed them in its last case, after every built-in at its defaults, 10-11 s):
 *   test/support/pinnedDefaults.ts defaultsMoved names a moved edge count and a moved observable,
 *   on an entry of a made-up model (no built-in's figures).
 * - checkall-workers-summary-order (session 29: test/cliCheckAll killed it in 11 s, running
 *   check-all): cli/check.ts workersSummary lists the most workers first.
 * - inlining-flat-not-excluded, inlining-budget-not-remembered (session 29: test/inlining killed them
 *   in 8 s, after its CLI runs): cli/inlining.ts gives the half budget to a nested model with large
 *   rules only (not a flat one), and setInlining returns (and remembers) the budget it set, back to
 *   V8's default after a flat model (models made up here: one rule of 10,000 characters and more).
 * - finding-one-step-refused (session 29, test/support/findingsTable.ts): docs/findings.md's
 *   result cell of a 1-step finding reads "in 1 step"; the table's parser takes it (and "N
 *   steps"), and still refuses a cell with no step count.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { produce, type Draft } from 'immer';
import { BE_REQ, CONN_UP, FE_DEFER, G11, G_granteeIdles, G_granterReclaims, grant } from '../model/grant.js';
import { paramsOf, runModel } from './support/models.js';
import { parseFindingRows } from './support/findingsTable.js';
import { defaultsMoved } from './support/pinnedDefaults.js';
import { workersSummary } from '../cli/check.js';
import { LARGE_RULES_SOURCE, NESTED_INLINING, V8_DEFAULT_INLINING, inliningBudget, inliningFor, setInlining } from '../cli/inlining.js';

type GrantState = ReturnType<typeof grant.init>[number];

test('grant G20/G21 (grant-g20-last-ref-unchecked, grant-g21-last-ref-unchecked, grant-g21-mappings-ignored): the last data ref and a data mapping of the driver\'s count', () => {
  const p = paramsOf(grant, {});
  const init = grant.init(p)[0]!;
  const last = init.fe.length - 1;
  assert.ok(last >= 2, 'two data refs at least: the last is not the first');
  assert.ok(G_granterReclaims.reached(init, p) && G_granteeIdles.reached(init, p), 'both goals reached at the initial state');
  const pinned = produce(init, (d: Draft<GrantState>) => { d.aa[last] = d.aa[0]; });
  const deferred = produce(init, (d: Draft<GrantState>) => { d.fe[last]!.st = FE_DEFER; });
  const taken = produce(init, (d: Draft<GrantState>) => { d.be[last]!.st = BE_REQ; });
  const handle = init.mt.findIndex((m, h) => m === null && h !== init.ringh);
  assert.ok(handle > 0, 'a free map handle');
  const mapping = produce(init, (d: Draft<GrantState>) => { d.mt[handle] = { ...init.mt[init.ringh]!, ref: last, frame: 1 }; });
  assert.not.ok(G_granterReclaims.reached(pinned, p), 'G20: the last data ref pinned');
  assert.not.ok(G_granterReclaims.reached(deferred, p), 'G20: the last data ref deferred');
  assert.not.ok(G_granteeIdles.reached(taken, p), 'G21: a request netback took on the last data ref');
  assert.not.ok(G_granteeIdles.reached(mapping, p), 'G21: a data page the driver maps');
});

test('pinned defaults (pinned-defaults-edges-unchecked, pinned-defaults-observables-unchecked): a moved edge count and a moved observable are named', () => {
  const entry = { model: 'made-up', outcome: 'ok', states: 10, edges: 20, depth: 3, observables: { o: { min: 0, max: 2, maxWitness: 3 } }, reason: 'r' };
  const got = { outcome: 'ok', states: 10, edges: 20, depth: 3, observables: { o: { min: 0, max: 2, maxWitness: 3 } } };
  assert.equal(defaultsMoved('made-up', entry, got, 'w'), []);
  assert.equal(defaultsMoved('made-up', entry, { ...got, edges: 21 }, 'w'), ['made-up at its defaults: edges moved: pinned 20, computed 21 (w)']);
  assert.equal(defaultsMoved('made-up', entry, { ...got, observables: { o: { min: 0, max: 3, maxWitness: 3 } } }, 'w'),
    ['made-up at its defaults: observable o moved: pinned {"min":0,"max":2,"maxWitness":3}, computed {"min":0,"max":3,"maxWitness":3} (w)']);
});

test('check-all\'s workers summary (checkall-workers-summary-order): the most workers first, each count once', () => {
  assert.is(workersSummary([{ workers: 1 }, { workers: 3 }, { workers: 2 }, { workers: 3 }]), '2 runs on 3 workers, 1 run on 2 workers, 1 run on 1 worker');
});

test('inlining budget (inlining-flat-not-excluded, inlining-budget-not-remembered): the half budget for a nested model with large rules only; setInlining sets and remembers it, and back', () => {
  delete process.env.PVCHECK_V8_INLINE;
  const rules = [{ then: new Function(`return ${'0+'.repeat(LARGE_RULES_SOURCE / 2)}0;`) }];
  const nested = { rules };
  const flat = { layout: {}, rules };
  assert.is(inliningFor(nested), NESTED_INLINING);
  assert.is(inliningFor(flat), V8_DEFAULT_INLINING, 'a flat model keeps V8\'s default');
  assert.is(setInlining(nested), NESTED_INLINING);
  assert.is(inliningBudget(), NESTED_INLINING);
  assert.is(setInlining(flat), V8_DEFAULT_INLINING, 'back to V8\'s default');
  assert.is(inliningBudget(), V8_DEFAULT_INLINING);
});

test('findings table (finding-one-step-refused): "in 1 step" and "in N steps" parse, with the row\'s model, parameters and property; a result with no step count is refused', () => {
  const rows = parseFindingRows([
    '| one | `pvcheck check blkif -p ops=rw+flush+fua -i F_x` | `F_x` in 1 step | one step |',
    '| two | `pvcheck check xenbus` | deadlock in 7 steps | seven |',
  ].join('\n'));
  assert.equal(
    rows.map((r) => [r.id, r.model, r.params, r.only, r.property, r.steps]),
    [['one', 'blkif', { ops: 'rw+flush+fua' }, ['F_x'], 'F_x', 1], ['two', 'xenbus', {}, [], 'deadlock', 7]],
  );
  // uvu's assert.throws rethrows an assertion failure as its own: catch it here
  let refused = '';
  try {
    parseFindingRows('| bad | `pvcheck check xenbus` | deadlock | no count |');
  } catch (e) {
    refused = (e as Error).message;
  }
  assert.match(refused, /^bad: result 'deadlock' is not/);
});

test('grant G11 (grant-g11-count-dropped): a driver mapping nobody owns while connected (the ring\'s handle forgotten) fails G11; the reachable state it comes from holds it', () => {
  const p = paramsOf(grant, {});
  let seen: GrantState | undefined;
  runModel(grant, p, {
    checkDeadlock: false,
    onState: (s: GrantState) => {
      if (seen === undefined && s.conn === CONN_UP && s.ringh >= 0 && s.mt[s.ringh]?.drv === 1) seen = s;
    },
  });
  assert.ok(seen, 'a connected state with the ring mapped by the driver is reachable');
  assert.ok(G11.holds(seen!, p), 'G11 holds in the reachable state');
  const leaked = produce(seen!, (d: Draft<GrantState>) => { d.ringh = -1; });
  assert.is(leaked.mt[seen!.ringh]!.drv, 1, 'the mapping stays');
  assert.not.ok(G11.holds(leaked, p), 'a driver mapping nobody owns, while connected: G11 fails');
});

test.run();
