/**
 * Both rings apart (docs/models/nc2.md "Both rings apart"): with a hostile
 * backend, nc2 on both rings is ring 0 (the honest frontend producing, the
 * backend writing what it owns there) beside ring 1 (the backend producing,
 * the frontend consuming), and no rule reads both: they share only the
 * backend's budget of writes, which each ring may spend whole, and the
 * frontend's event channel, whose pending bit the backend sets whenever it is
 * clear. So every ring's part of a reachable state is reached, at the same
 * depth, by the ring alone: ring 0's by `directions=1` (the same `messages`),
 * ring 1's by `directions=2 messages=0` (ring 0 sends nothing; `messages`
 * counts an honest producer's messages only), and since every invariant is a
 * conjunction of one predicate a ring over that ring's part, each invariant
 * fails on both rings exactly when it fails in one of the two runs, first at
 * the smaller of their depths. Checked here at a small bound against the
 * unreduced search, by a plain breadth-first search of the reference steps
 * that goes on past every violation: the built-in model with one write (H3,
 * F1's BUG_ON, on ring 0), with two and the v2v hints (H5, F3's pad loop, on
 * ring 1) and F3's fix (none); and the
 * decomposition is shown to see what it must (ring 1 apart from a messages=1
 * ring 0 is not the same set: the ring-0 parts differ).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Model } from '../model/core.js';
import type { System } from '../checker/system.js';
import { immerApply, transitionsOf } from '../checker/explore.js';
import { nc2, type Nc2Params, type Nc2State } from '../model/nc2.js';
import padOffsetFix from '../examples/nc2-pad-offset-fix.js';
import { paramsOf, systemOf } from './support/models.js';

type M = Model<Nc2State, Nc2Params>;

interface Explored {
  readonly states: number;
  /** Each ring's part (its sring, producer and consumer records, as JSON: every state has its keys in one order) with the depth it is first reached at. */
  readonly rings: readonly Map<string, number>[];
  /** Each invariant that fails, with the depth of the first state that breaks it. */
  readonly fails: Map<string, number>;
}

/** Every reachable state of `sys`, level by level, past every violation. */
function explore(sys: System<Nc2State>, directions: number): Explored {
  const apply = immerApply(sys);
  const seen = new Set<string>();
  const rings = Array.from({ length: directions }, () => new Map<string, number>());
  const fails = new Map<string, number>();
  let level: Nc2State[] = [];
  for (const s of sys.init) {
    const k = JSON.stringify(s);
    if (!seen.has(k)) { seen.add(k); level.push(s); }
  }
  for (let depth = 0; level.length > 0; depth++) {
    const next: Nc2State[] = [];
    for (const s of level) {
      rings.forEach((m, r) => {
        const k = JSON.stringify([s.sring[r], s.prod[r], s.cons[r]]);
        if (!m.has(k)) m.set(k, depth);
      });
      for (const i of sys.invariants) if (!fails.has(i.name) && !i.holds(s)) fails.set(i.name, depth);
      for (const t of transitionsOf(sys, s, apply)) {
        const k = JSON.stringify(t.next);
        if (!seen.has(k)) { seen.add(k); next.push(t.next); }
      }
    }
    level = next;
  }
  return { states: seen.size, rings, fails };
}

const run = (m: M, o: Record<string, string>): Explored => {
  const p = paramsOf(m, o);
  return explore(systemOf(m, p), p.directions);
};

const sameMap = (a: Map<string, number>, b: Map<string, number>, what: string) => {
  assert.is(a.size, b.size, `${what}: as many parts`);
  let differ = 0;
  for (const [k, d] of a) if (b.get(k) !== d) differ++;
  assert.is(differ, 0, `${what}: parts missing or at another depth`);
};

// ringBytes=16 puts startIndex at offset 0, where a ring-sized pad and prod off the grid give F3's loop in 2 writes
const BOUND = { backend: 'hostile', ringBytes: '16', maxMessage: '8', hostileWrites: '2' };

// messages=2 for F1: its BUG_ON fires at the call after the one a lying cons let through (one write; 6,320 states
// both rings); F3 with the v2v hints, where the budget also flips hints on both rings (74,232 states); the fix none
// (50,834 states)
for (const [name, m, more, expected] of [
  ['nc2', nc2 as M, { messages: '2', hostileWrites: '1' }, ['H3_no_BUG_ON']],
  ['nc2', nc2 as M, { messages: '1', hints: 'true' }, ['H5_pads_within_a_ring']],
  ['examples/nc2-pad-offset-fix.ts', padOffsetFix as unknown as M, { messages: '1' }, []],
] as const) {
  test(`${name} at ${Object.entries(more).map(([k, v]) => `${k}=${v}`).join(' ')}: both rings with a hostile backend are ring 0 at directions=1 beside ring 1 at messages=0: the same parts at the same depths, the same invariants failing first at the same depths`, () => {
    const both = run(m, { ...BOUND, ...more, directions: '2' });
    const ring0 = run(m, { ...BOUND, ...more, directions: '1' });
    const ring1 = run(m, { ...BOUND, ...more, directions: '2', messages: '0' });
    assert.ok(both.states > ring0.states + ring1.states, `${both.states} states against ${ring0.states} + ${ring1.states}`);
    sameMap(both.rings[0]!, ring0.rings[0]!, 'ring 0');
    sameMap(both.rings[1]!, ring1.rings[1]!, 'ring 1');
    const apart = new Map(ring0.fails);
    for (const [i, d] of ring1.fails) apart.set(i, Math.min(d, apart.get(i) ?? d));
    assert.equal(Object.fromEntries([...both.fails].sort()), Object.fromEntries([...apart].sort()));
    assert.equal([...both.fails.keys()].sort(), [...expected]);
    // each part is needed: ring 1 alone (messages=0) does not show ring 0's sending
    assert.ok(both.rings[0]!.size > ring1.rings[0]!.size);
  });
}

test.run();
