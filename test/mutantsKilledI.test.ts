/**
 * Fast killers for mutants that only test/nc2 (48 s in test/timings.json, 43-216 s under load) or
 * test/xenbus (27 s; 18-54 s) killed (docs/perf/2026-12-07-pool.md): the state space of nc2 with a
 * hostile backend and of xenbus at small named parameters, pinned. nc2-hostile-need-without-pad,
 * nc2-hostile-size-past-end-dropped and the three nc2-lapfrom-* change what the hostile backend may
 * write or how far the frontend reads after it, xs-unwatch-empty-queue encodes one xenstore state
 * two ways: each moves a count, killed here in 1-10 s. (nc2-recv-counted-hostile,
 * nc2-padrun-kept-past-data and four xenbus mutants keep these counts: test/nc2 and test/xenbus.)
 *
 * The figures were computed by this checker at these parameters (2026-12-07, fd3245b's models) and
 * are not the defaults (test/suiteHygienePinned's lint: those come from test/pinned.json). A change
 * that moves them on purpose rewrites them here, in the commit that moves them, saying why.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nc2 } from '../model/nc2.js';
import { xenbus } from '../model/xenbus.js';
import { check } from '../checker/explore.js';
import { paramsOf, systemOf } from './support/models.js';

const figures = (r: { outcome: string; distinctStates: number; edges: number; depth: number }) => ({ outcome: r.outcome, states: r.distinctStates, edges: r.edges, depth: r.depth });

const NC2: { params: Record<string, string | number | boolean>; want: ReturnType<typeof figures> }[] = [
  { params: { backend: 'hostile', messages: 2, hostileWrites: 2 }, want: { outcome: 'ok', states: 21544, edges: 50750, depth: 18 } },
  { params: { backend: 'hostile', messages: 2, hostileWrites: 2, startIndex: 0 }, want: { outcome: 'ok', states: 19466, edges: 45870, depth: 17 } },
  { params: { backend: 'hostile', messages: 3, hostileWrites: 2, hostileLaps: 1 }, want: { outcome: 'ok', states: 77442, edges: 169923, depth: 23 } },
  // both rings: the hostile backend produces on ring 1 (its headers, sizes and prod), which the frontend reads
  { params: { backend: 'hostile', messages: 0, hostileWrites: 2, directions: 2 }, want: { outcome: 'ok', states: 5428, edges: 19069, depth: 13 } },
  { params: { backend: 'hostile', messages: 0, hostileWrites: 3, directions: 2 }, want: { outcome: 'ok', states: 61408, edges: 286550, depth: 15 } },
];
for (const c of NC2)
  test(`nc2 hostile ${JSON.stringify(c.params)} (every state, no property): the pinned space`, () => {
    assert.equal(figures(check(systemOf(nc2, paramsOf(nc2, c.params), []), {})), c.want);
  });

const XENBUS: { params: Record<string, string | number | boolean>; want: ReturnType<typeof figures> }[] = [
  { params: { events: 1 }, want: { outcome: 'ok', states: 2103, edges: 5423, depth: 16 } },
  { params: { events: 2 }, want: { outcome: 'ok', states: 15183, edges: 49110, depth: 20 } },
];
for (const c of XENBUS)
  test(`xenbus ${JSON.stringify(c.params)} (every property, deadlock): the pinned space`, () => {
    assert.equal(figures(check(systemOf(xenbus, paramsOf(xenbus, c.params)), { checkDeadlock: true })), c.want);
  });

test.run();
