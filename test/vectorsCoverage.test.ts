/**
 * What a suite of vectors claims to cover, checked by replaying every vector
 * on an independent explorer (test/support/naive.ts: immer's produce over the
 * model's rules, keys by sorted JSON; not the checker's transition enumeration
 * nor conformance/graph.ts): each step must be a transition of the model from
 * the state reached so far, and the states, edges and rules the replayed
 * vectors visit must be every state, edge and firing rule of the naive graph.
 * The generator's own report (`covered`) is not trusted: a suite that drops
 * vectors while still counting their goals fails here.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import type { Model } from '../model/core.js';
import { resolveParams } from '../model/params.js';
import { ringApi } from '../model/ringApi.js';
import { ringNotify } from '../model/ringNotify.js';
import { grant } from '../model/grant.js';
import { xenbus } from '../model/xenbus.js';
import { limiter } from '../model/limiter.js';
import { COVERS, generateSuite } from '../conformance/generate.js';
import type { Vector } from '../conformance/format.js';
import { naiveGraph, naiveSteps, stable } from './support/naive.js';
import { writtenAt } from './support/bounds.js';

const right = <A>(e: E.Either<string, A>): A => {
  if (E.isLeft(e)) throw new Error(e.left);
  return e.right;
};
const P = <S, Pr>(m: Model<S, Pr>, o: Record<string, string | number | boolean>): Pr => right(resolveParams(m.params, o));

interface Visit { states: Set<string>; edges: Set<string>; rules: Set<string> }

/** Replays `v` on the naive transitions of `m`; throws naming the vector and step the model cannot take. */
function replayVector<S, Pr>(m: Model<S, Pr>, p: Pr, initKeys: ReadonlySet<string>, v: Vector, into: Visit, memo: Map<string, ReturnType<typeof naiveSteps<S, Pr>>>): void {
  let key = stable(v.init);
  assert.ok(initKeys.has(key), `${v.id}: init is not an initial state of ${m.name}`);
  let cur = JSON.parse(JSON.stringify(v.init)) as S;
  into.states.add(key);
  v.steps.forEach((st, i) => {
    const choice = st.choice === undefined ? '-' : stable(st.choice);
    let out = memo.get(key);
    if (!out) memo.set(key, (out = naiveSteps(m, p, cur)));
    const t = out.filter((x) => x.rule === st.call && x.choice === choice);
    assert.is(t.length, 1, `${v.id} step ${i + 1}: ${st.call} (choice ${choice}) is ${t.length === 0 ? 'not enabled' : 'ambiguous'} in the state reached`);
    into.edges.add(`${key}|${t[0]!.rule}|${t[0]!.choice}|${t[0]!.key}`);
    into.rules.add(t[0]!.rule);
    cur = t[0]!.next;
    key = t[0]!.key;
    into.states.add(key);
  });
}

const cases: [string, Model<any, any>, Record<string, string | number | boolean>][] = [
  ['ring-api 1x2', ringApi, { ringSize: 1, messages: 2 }],
  ['ring-notify 1x2', ringNotify, { ringSize: 1, messages: 2 }],
  ['grant honest', grant, { refs: 1, pages: 1, grantee: 'honest' }],
  ['xenbus events=1', xenbus, { events: 1 }],
  ['limiter, honest guest only', limiter, writtenAt('limiter', { hostile: false, hostileRx: false })],
];

for (const [name, m, o] of cases) {
  test(`${name}: replaying every vector of the rules, edges and states suites visits what the naive graph has`, () => {
    const p = P(m, o);
    const g = naiveGraph(m, p, 20_000);
    const initKeys = new Set(m.init(p).map((s) => stable(s)));
    const memo = new Map();
    // one shortest path per goal; walks; walks cut short (so that many walks start again from the initial states)
    const shapes = [{}, { walks: true }, { walks: true, maxSteps: 6 }];
    for (const cover of COVERS) for (const shape of shapes) {
      const { vectors, report } = right(generateSuite(m, p, { cover, boundaries: false, ...shape }));
      // each leg of a walk ends at the first edge with a new goal, so a walk longer than its limit is one leg, one goal
      if (shape.maxSteps) for (const v of vectors) assert.ok(v.steps.length <= shape.maxSteps || v.covers!.length === 1, `${v.id}: ${v.steps.length} steps, ${v.covers!.length} goals`);
      const seen: Visit = { states: new Set(), edges: new Set(), rules: new Set() };
      for (const v of vectors) replayVector(m, p, initKeys, v, seen, memo);
      const missing = (all: Iterable<string>, got: Set<string>) => [...all].filter((x) => !got.has(x));
      // every vector is a path of the model, so what it visits is in the graph
      assert.equal(missing(seen.states, new Set(g.states.keys())), [], `${name} ${cover}: states off the graph`);
      if (cover === 'rules') assert.equal(missing(g.rules, seen.rules), [], `${name}: rules the vectors never call`);
      if (cover === 'edges') assert.equal(missing(g.edges, seen.edges).length, 0, `${name}: ${missing(g.edges, seen.edges).length} of ${g.edges.size} edges on no vector`);
      if (cover === 'states') assert.equal(missing(g.states.keys(), seen.states).length, 0, `${name}: ${missing(g.states.keys(), seen.states).length} of ${g.states.size} states on no vector`);
      // and the generator's figures are the naive graph's
      assert.is(report.states, g.states.size, `${name} ${cover}: states`);
      assert.is(report.edges, g.edges.size, `${name} ${cover}: edges`);
      assert.is(report.covered, report.goals, `${name} ${cover}`);
    }
  });
}

test.run();
