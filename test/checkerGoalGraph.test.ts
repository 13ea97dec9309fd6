/**
 * checker/graph.ts GoalGraph, the AG EF check, against a naive reference on
 * random graphs with one to three goals: the first goal some state cannot
 * reach and the least such state (`stuck`), fed as the one-thread search
 * feeds it (each state seen in id order before its edges) and as a search
 * handed over to the workers feeds it (the graph so far sent, `toTransfer`,
 * and loaded into a fresh one, `load`, which goes on). Also which edges it
 * keeps: exactly those out of a state that misses some goal (an edge out of a
 * state that reaches every goal cannot change the answer; xenbus4 keeps 1,394
 * of 486,370), after a load too.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { runs } from './support/fc.js';
import { GoalGraph, type GraphTransfer } from '../checker/graph.js';

interface Spec {
  /** Per state, per goal: reached. */
  readonly goals: readonly (readonly boolean[])[];
  /** Per state, its successors (ids of any state, itself included). */
  readonly succ: readonly (readonly number[])[];
  /** Where the search is handed over (a state id: the states before it seen and expanded in the first graph). */
  readonly cut: number;
}

const specArb: fc.Arbitrary<Spec> = fc
  .record({ n: fc.integer({ min: 1, max: 24 }), g: fc.integer({ min: 1, max: 3 }) })
  .chain(({ n, g }) =>
    fc.record({
      // a goal reached in about half the states, so that states reaching some goals but not all are common
      goals: fc.array(fc.array(fc.boolean(), { minLength: g, maxLength: g }), { minLength: n, maxLength: n }),
      succ: fc.array(fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 4 }), { minLength: n, maxLength: n }),
      cut: fc.integer({ min: 0, max: n }),
    }),
  );

/** The first goal some state cannot reach (forward search from each state), with the least such state. */
function naiveStuck(s: Spec): { goal: number; id: number } | undefined {
  const n = s.succ.length;
  for (let g = 0; g < s.goals[0]!.length; g++)
    for (let id = 0; id < n; id++) {
      const seen = new Set([id]);
      const todo = [id];
      let found = false;
      while (todo.length && !found) {
        const x = todo.pop()!;
        if (s.goals[x]![g]) found = true;
        for (const y of s.succ[x]!) if (!seen.has(y)) (seen.add(y), todo.push(y));
      }
      if (!found) return { goal: g, id };
    }
  return undefined;
}

const goalsOf = (s: Spec) => s.goals[0]!.map((_, g) => ({ name: `G${g}`, reached: (id: number) => s.goals[id]![g]! }));

/** States from..to-1 seen, then expanded (their edges), as the search feeds the graph level by level. */
function feed(graph: GoalGraph<number>, s: Spec, from: number, to: number): void {
  for (let id = from; id < to; id++) graph.see(id, id);
  for (let id = from; id < to; id++) for (const y of s.succ[id]!) graph.edge(id, y);
}

/** The edges a graph must keep: those out of a state that misses some goal. */
const kept = (s: Spec): number => s.succ.reduce((k, ys, id) => k + (s.goals[id]!.every(Boolean) ? 0 : ys.length), 0);

test('stuck and the edges kept equal the naive reference, one goal to three; and after a hand-over (toTransfer, load)', () => {
  fc.assert(
    fc.property(specArb, (s) => {
      const n = s.succ.length;
      const want = naiveStuck(s);
      const one = new GoalGraph(goalsOf(s));
      feed(one, s, 0, n);
      assert.equal(one.stuck(n), want, 'one thread');
      assert.is(one.src.n, kept(s), 'edges kept, one thread');
      // handed over at `cut`: the first graph's states and edges up to it sent to a fresh graph, which sees the rest
      const first = new GoalGraph(goalsOf(s));
      feed(first, s, 0, s.cut);
      const sent: GraphTransfer = structuredClone(first.toTransfer());
      const second = new GoalGraph(goalsOf(s));
      second.load(sent);
      feed(second, s, s.cut, n);
      assert.equal(second.stuck(n), want, `handed over at ${s.cut}`);
      assert.is(second.src.n, kept(s), `edges kept, handed over at ${s.cut}`);
      // an edge out of a loaded state that reaches every goal is still left out after the load
      const full = s.goals.findIndex((gs, id) => id < s.cut && gs.every(Boolean));
      if (full >= 0) {
        const before = second.src.n;
        second.edge(full, 0);
        assert.is(second.src.n, before, `state ${full} reaches every goal: its edge is not kept after a load`);
      }
    }),
    { numRuns: runs(600) },
  );
});

test('a state that reaches the first goal only keeps its edges: the second goal is reached through them', () => {
  const s: Spec = { goals: [[true, false], [true, true]], succ: [[1], []], cut: 0 };
  const g = new GoalGraph(goalsOf(s));
  feed(g, s, 0, 2);
  assert.is(g.src.n, 1);
  assert.is(g.stuck(2), undefined);
  // without the edge, state 0 could not reach the second goal
  assert.equal(naiveStuck({ ...s, succ: [[], []] }), { goal: 1, id: 0 });
});

test('ids past the first bit words (the bit array grows): a state reaching every goal at id 100,000 keeps no edge', () => {
  const g = new GoalGraph([{ name: 'G', reached: (id: number) => id % 2 === 0 }]);
  for (let id = 0; id <= 100_001; id++) g.see(id, id);
  g.edge(100_000, 3);
  g.edge(100_001, 4);
  assert.is(g.src.n, 1);
  assert.is(g.stuck(100_002)?.id, 1, 'the odd states reach nothing: 1 is the least');
});

test.run();
