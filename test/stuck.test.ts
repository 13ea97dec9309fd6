/**
 * The property `stuck` (properties/stuck.ts): at a bound E of xenbus's
 * `events`, a state fails it when it is no valid end and only budgeted
 * lifecycle events are enabled. The claim that makes it sound: these are
 * exactly the deadlocks at the bounds 0..E (each state with its budget spent).
 *
 * References, independent of properties/stuck.ts and of the checker's
 * deadlock detection:
 * - the naive explorer (test/support/naive.ts, immer and the model API only):
 *   the named rules spend one event on every transition and no other rule
 *   touches the budget; the set of states failing `stuck` at E equals the
 *   union of the naive explorer's deadlocks at 0..E, compared with the events
 *   left replaced by the events used;
 * - the checker's own deadlock detection at a smaller bound: F4's shortest
 *   stuck trace at events=3 is its 14-step deadlock at events=1, step for
 *   step, where the deadlock at events=3 is another one, spending three
 *   events (without driver rebinds and migrations: F7 needs three events and
 *   comes first). Until 2026-12-06 this was F2 (12 steps at events=2, 13 at
 *   3); since netfront's xennet_bus_close switches Closing again after
 *   XENNET_TIMEOUT F2 takes 14 steps at events=2 and shares its depth with F4.
 * - the defaults (events=2 here, the new frontend) verify: a state waiting for
 *   the toolstack or the user (Connected, waiting for an unplug) is a valid
 *   end and is not reported.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { xenbus, type XenbusModelState } from '../model/xenbus.js';
import type { Model } from '../model/core.js';
import { check } from '../checker/explore.js';
import { bind } from '../properties/bind.js';
import { stuckInvariant } from '../properties/stuck.js';
import { naiveGraph, naiveSteps, stable } from './support/naive.js';
import { paramsOf, systemOf } from './support/models.js';
import { writtenAt } from './support/bounds.js';

type S = XenbusModelState;
const m = xenbus as Model<S, any>;

/** A state with its events left replaced by the events used at bound `e`: the same key at every bound the path fits. */
const spentKey = (s: S, e: number): string => stable({ ...s, left: { ...s.left, events: e - s.left.events } });

const CONFIGS: Record<string, string | number | boolean>[] = [
  { frontend: 'mirage' }, // finding M1: deadlocks whose shortest trace grows with events (8, 9, 10 steps at 1, 2, 3)
  { frontend: 'dpdk', backend: 'dpdk', backendRestart: 1 }, // the DPDK restart rule
  { reconfigure: 1, migrate: 0, hotplugFail: 1 }, // netfront and netback, XDP, hotplug failures
];

test('the budgeted rules spend one event on every transition, every other rule leaves the budget alone (naive explorer)', () => {
  const named = new Set(m.budgetedEvents);
  const fired = new Set<string>();
  for (const c of CONFIGS) {
    const p = paramsOf(m, writtenAt('xenbus', { ...c, events: c.frontend === undefined ? 1 : 2 }));
    const g = naiveGraph(m, p);
    for (const s of g.states.values())
      for (const a of naiveSteps(m, p, s)) {
        const spent = s.left.events - a.next.left.events;
        assert.is(spent, named.has(a.rule) ? 1 : 0, `${JSON.stringify(c)}: ${a.rule} ${a.choice} spends ${spent}`);
        if (named.has(a.rule)) fired.add(a.rule);
      }
  }
  // every named rule is a rule of the model, and the configurations above fire most of them
  for (const n of named) assert.ok(m.rules.some((r) => r.name === n), `${n} is a rule of xenbus`);
  assert.ok(fired.size >= 8, `budgeted rules fired: ${[...fired].join(', ')}`);
});

test('stuck at events=E is exactly the union of the deadlocks at events=0..E (naive explorer)', () => {
  for (const c of CONFIGS.slice(0, 2)) {
    const E3 = 3;
    const dead = new Set<string>();
    for (let e = 0; e <= E3; e++) {
      const p = paramsOf(m, writtenAt('xenbus', { ...c, events: e }));
      for (const s of naiveGraph(m, p).states.values())
        if (naiveSteps(m, p, s).length === 0 && !m.isValidEnd!(s, p)) dead.add(spentKey(s, e));
    }
    const p = paramsOf(m, writtenAt('xenbus', { ...c, events: E3 }));
    const stuck = stuckInvariant(m, p)!;
    const failing = new Set<string>();
    for (const s of naiveGraph(m, p).states.values()) if (!stuck.holds(s, p)) failing.add(spentKey(s, E3));
    if (c.frontend === 'mirage') assert.ok(dead.size > 0, 'mirage has deadlocks (M1)');
    assert.equal([...failing].sort(), [...dead].sort(), JSON.stringify(c));
  }
});

// reconnect=0: finding F7 (a driver rebind while libxl unplugs, 10 steps at events=3) would come first;
// guestClose=0, migrate=0: F4 alone (F2 needs a guest close), as F4's row has it
const F4 = { reconfigure: 1, guestClose: 0, migrate: 0, reconnect: 0 };
const actions = (t: readonly { action: string }[]): string[] => t.map((x) => x.action);

test("F4 at events=3: the shortest stuck trace is events=1's 14-step deadlock, step for step; the deadlock at events=3 is another, spending three events (checker, one worker and the reference path)", () => {
  const at = (e: number, prop: string, forceGeneric = false) => {
    const p = paramsOf(m, writtenAt('xenbus', { ...F4, events: e }));
    return check(systemOf(m, p, [prop]), { checkDeadlock: prop === 'deadlock', forceGeneric });
  };
  const dead1 = at(1, 'deadlock');
  assert.is(dead1.outcome, 'deadlock');
  assert.is(dead1.violation!.trace.length - 1, 14);
  for (const forceGeneric of [false, true]) {
    const stuck3 = at(3, 'stuck', forceGeneric);
    assert.is(stuck3.violation?.property, 'stuck');
    assert.equal(actions(stuck3.violation!.trace), actions(dead1.violation!.trace), `forceGeneric ${forceGeneric}`);
  }
  const dead3 = at(3, 'deadlock');
  assert.is(dead3.outcome, 'deadlock');
  assert.is((dead3.violation!.trace.at(-1)!.state as S).left.events, 0);
  assert.not.equal(actions(dead3.violation!.trace), actions(dead1.violation!.trace));
});

test('the defaults (new frontend, events=2) are never stuck: waiting for the toolstack or the user is a valid end', () => {
  const p = paramsOf(m, writtenAt('xenbus'));
  const named = new Set(m.budgetedEvents);
  let connectedWaiting = 0;
  const r = check(systemOf(m, p, ['stuck']), {
    checkDeadlock: false,
    onState: (s: S) => {
      // both ends Connected (4) and only budgeted events enabled: the user's turn, not a deadlock
      if (s.fe.dev !== 4 || s.be.state !== 4) return;
      const steps = naiveSteps(m, p, s);
      if (steps.length > 0 && steps.every((a) => named.has(a.rule))) connectedWaiting++;
    },
  });
  assert.is(r.outcome, 'ok');
  assert.ok(connectedWaiting > 0, 'Connected states waiting for an event were reached');
});

test("'stuck' is named in bind's errors; a model without budgeted events refuses it", () => {
  const ring = { ...m, name: 'no-budget', budgetedEvents: undefined } as Model<S, any>;
  const e = bind(ring, paramsOf(m, writtenAt('xenbus')), { invariants: ['stuck'] });
  assert.ok(E.isLeft(e) && /declares no budgeted events/.test(e.left));
  const k = bind(m, paramsOf(m, writtenAt('xenbus')), { invariants: ['stuk'] });
  assert.ok(E.isLeft(k) && /known: .*deadlock, stuck/.test(k.left));
});

test.run();
