/**
 * copyStep (checker/reference/copyStep.ts), the step function of the generic path,
 * against immer's `produce` (what the checker used before, and still uses to
 * rebuild traces): random plain data, random recipes (writes, deletes, a key
 * deleted and re-added, array pushes/splices/shifts/reversals, parts of `s`
 * stored in the draft, one draft node stored at two places, a no-op write),
 * applied in chains. For every step:
 * - the same data, key order included (JSON text), or both throw;
 * - the input is untouched, the result deeply frozen;
 * - a subtree of the result equal to the one at the same place of the input
 *   IS that subtree (or a node of the input the recipe stored there), so the
 *   hash memo applies;
 * - with stamps, hashValue of the result equals hashValue of an unfrozen
 *   copy (the stamps are right).
 * And whole searches: the generic path with copyStep and with immer give the
 * same counts, coverage and traces on the random systems of the differential
 * test and on built-in models.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { runs } from './support/fc.js';
import { produce } from 'immer';
import * as E from 'fp-ts/lib/Either.js';
import { copyStep, deepFreeze, sameData } from '../checker/reference/copyStep.js';
import { check } from '../checker/explore.js';
import { hashValue } from '../checker/fingerprint.js';
import { nestedEnc, flatEnc, systemArb, toModel } from '../checker/fixtures/randomSystem.js';
import { checkModel } from '../checker/fixtures/run.js';
import { symArb, symModel } from '../checker/fixtures/symmetric.js';
import { refExplore, refKey } from '../checker/fixtures/reference.js';
import { bind } from '../properties/bind.js';
import { findModel } from '../model/registry.js';
import { resolveParams } from '../model/params.js';

const RUNS = runs(300);

type J = null | boolean | number | string | J[] | { [k: string]: J };
const KEYS = ['a', 'b', 'c', '0', 'x'];
const json: fc.Arbitrary<J> = fc.letrec<{ v: J }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -3, max: 3 }),
    fc.constantFrom('s', 't', null, true, 1.5),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('v'), { maxKeys: 4 }),
  ),
})).v;
const root = fc.dictionary(fc.constantFrom(...KEYS), json, { minKeys: 1, maxKeys: 4 });

/** One edit: where (indices taken modulo the sizes met on the way), what, and a value. */
interface Op {
  readonly kind: 'set' | 'delete' | 'readd' | 'push' | 'splice' | 'shift' | 'reverse' | 'fromS' | 'alias' | 'same';
  readonly at: readonly number[];
  readonly from: readonly number[];
  readonly value: J;
}
const op: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom('set', 'delete', 'readd', 'push', 'splice', 'shift', 'reverse', 'fromS', 'alias', 'same'),
  at: fc.array(fc.nat(5), { maxLength: 4 }),
  from: fc.array(fc.nat(5), { maxLength: 4 }),
  value: json,
});
const recipe = fc.array(op, { minLength: 1, maxLength: 5 });

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Walks `sel` from `v`: the container reached and the key in it (or the container alone). */
function nav(v: any, sel: readonly number[]): { c: any; k: string | number | undefined } {
  let c = v;
  let k: string | number | undefined;
  for (const i of sel) {
    const t = k === undefined ? c : c[k];
    if (!isObj(t)) break;
    const keys: (string | number)[] = Array.isArray(t) ? t.map((_: unknown, j: number) => j) : Object.keys(t);
    if (keys.length === 0) break;
    c = t;
    k = keys[i % keys.length]!;
  }
  return { c, k };
}
function node(v: any, sel: readonly number[]): unknown {
  const { c, k } = nav(v, sel);
  return k === undefined ? c : c[k];
}

/** Applies the ops to the draft `d` of `s` (the same code runs under immer and copyStep). */
function apply(d: any, s: any, ops: readonly Op[]): void {
  for (const o of ops) {
    const { c, k } = nav(d, o.at);
    if (!isObj(c)) continue;
    // A fresh value per run: both copyStep and immer freeze what a recipe stores.
    const value = structuredClone(o.value);
    switch (o.kind) {
      case 'set':
        if (k !== undefined) c[k] = value;
        else if (!Array.isArray(c)) c['b'] = value;
        break;
      case 'delete':
        if (k === undefined) break;
        if (Array.isArray(c)) c.splice(k as number, 1);
        else delete c[k];
        break;
      case 'readd':
        if (k !== undefined && !Array.isArray(c)) {
          const v = c[k];
          delete c[k];
          c[k] = v;
        }
        break;
      case 'push': {
        const t = k === undefined ? c : c[k];
        if (Array.isArray(t)) t.push(value);
        break;
      }
      case 'splice': {
        const t = k === undefined ? c : c[k];
        if (Array.isArray(t)) t.splice(0, 1, value, structuredClone(o.value));
        break;
      }
      case 'shift': {
        const t = k === undefined ? c : c[k];
        if (Array.isArray(t)) t.shift();
        break;
      }
      case 'reverse': {
        const t = k === undefined ? c : c[k];
        if (Array.isArray(t)) t.reverse();
        break;
      }
      case 'fromS':
        if (k !== undefined) c[k] = node(s, o.from);
        break;
      case 'alias': {
        // One draft node stored at a second place (never under itself: states are trees).
        const src = node(d, o.from);
        if (k !== undefined && !nodesOf(src).has(c)) c[k] = src;
        break;
      }
      case 'same':
        if (k !== undefined) c[k] = c[k];
        break;
    }
  }
}

function nodesOf(v: unknown, out = new Set<unknown>()): Set<unknown> {
  if (isObj(v)) {
    out.add(v);
    for (const x of Object.values(v)) nodesOf(x, out);
  }
  return out;
}
function deepFrozen(v: unknown): boolean {
  return !isObj(v) || (Object.isFrozen(v) && Object.values(v).every(deepFrozen));
}
/** Nodes met more than once in a walk of `v` (a recipe stored one node at two places). */
function aliased(v: unknown, seen = new Set<unknown>(), out = new Set<unknown>()): Set<unknown> {
  if (isObj(v)) {
    if (seen.has(v)) out.add(v);
    seen.add(v);
    for (const x of Object.values(v)) aliased(x, seen, out);
  }
  return out;
}
/**
 * Sharing: a result node whose keys (in order) and children are the very ones
 * of the input node at the same place IS that input node; checked at every
 * place, below the nodes the recipe stored from elsewhere (a node stored at
 * two places is settled at the first one only).
 */
function shares(r: unknown, o: unknown, skip: Set<unknown>): boolean {
  if (!isObj(r) || !isObj(o) || r === o || skip.has(r)) return true;
  if (Array.isArray(r) !== Array.isArray(o)) return true;
  const rk = Object.keys(r);
  const ok = Object.keys(o);
  if (rk.length === ok.length && rk.every((k, i) => k === ok[i] && r[k] === o[k])) return false;
  return rk.every((k) => !Object.prototype.hasOwnProperty.call(o, k) || shares(r[k], o[k], skip));
}
const fp = (v: unknown): string => {
  const out = new Uint32Array(2);
  hashValue(v, out);
  return `${out[0]}:${out[1]}`;
};

test('copyStep gives what immer gives, leaves its input alone, freezes and shares', () => {
  fc.assert(
    fc.property(root, fc.array(recipe, { minLength: 1, maxLength: 4 }), fc.boolean(), (data, steps, stamp) => {
      let a: any = deepFreeze(structuredClone(data));
      let b: any = deepFreeze(structuredClone(data));
      for (const ops of steps) {
        const before = JSON.stringify(a);
        let ra: any, rb: any, ea: unknown, eb: unknown;
        try {
          ra = copyStep(a, (d) => apply(d, a, ops), stamp);
        } catch (e) {
          ea = e;
        }
        try {
          rb = produce(b, (d: any) => void apply(d, b, ops));
        } catch (e) {
          eb = e;
        }
        const ctx = `${before} ${JSON.stringify(ops)}`;
        assert.is(ea === undefined, eb === undefined, `${ctx}: copyStep ${String(ea)} / immer ${String(eb)}`);
        if (ea !== undefined) return;
        assert.is(JSON.stringify(ra), JSON.stringify(rb), ctx);
        assert.is(JSON.stringify(a), before, `input changed: ${ctx}`);
        assert.ok(deepFrozen(ra), `not frozen: ${ctx}`);
        assert.ok(shares(ra, a, new Set([...nodesOf(a), ...aliased(ra)])), `unchanged subtree not shared: ${ctx}`);
        assert.is(fp(ra), fp(structuredClone(ra)), `stale hash: ${ctx}`);
        a = ra;
        b = rb;
      }
    }),
    { numRuns: RUNS * 4 },
  );
});

test('copyStep: a recipe that writes its input throws; the draft hides the hash stamp', () => {
  const s = deepFreeze({ a: { n: 0 }, l: [1, 2] });
  assert.throws(() => copyStep(s, (_d) => void ((s as any).a.n = 1)), /read only|frozen|Cannot assign/);
  const t = copyStep(s, (d) => void (d.a.n = 1), true);
  const u = copyStep(t, (d) => {
    assert.equal(Reflect.ownKeys(d.a), ['n']);
    assert.equal({ ...d.a }, { n: 1 });
    assert.ok(Array.isArray(d.l));
    assert.equal(Object.keys(d), ['a', 'l']);
    d.l.push(3);
  }, true);
  assert.equal(u, { a: { n: 1 }, l: [1, 2, 3] });
  assert.is(u.a, t.a);
  assert.throws(() => copyStep(s, (d) => void (d.m = new Map())), /plain data/);
  // No change, or a change undone, gives the input back; a new equal value is replaced by the old one.
  assert.is(copyStep(u, () => {}), u);
  assert.is(copyStep(u, (d) => void (d.a.n = 1)), u);
  assert.is(copyStep(u, (d) => {
    d.a.n = 5;
    d.a.n = 1;
    d.l = [1, 2, 3];
  }), u);
  // A key deleted and re-added moves to the end, as with immer: a different state (key order).
  const w = copyStep(deepFreeze({ a: 1, b: 2 }), (d) => {
    delete d.a;
    d.a = 1;
  });
  assert.equal(Object.keys(w), ['b', 'a']);
});

const summary = (r: ReturnType<typeof check>) =>
  JSON.stringify({
    outcome: r.outcome, states: r.distinctStates, edges: r.edges, depth: r.depth, terminals: r.terminalStates,
    coverage: r.coverage, trace: r.violation?.trace.map((t) => [t.action, t.state]),
    observables: r.observables?.map((o) => [o.min, o.max, o.minTrace.length, o.maxTrace.length]),
  });

test('whole searches: copyStep and immer give the same counts, coverage, observables and traces (random systems)', () => {
  fc.assert(
    fc.property(systemArb(), (spec) => {
      for (const [enc, forceGeneric] of [[nestedEnc, false], [flatEnc, true]] as const) {
        const m = toModel(spec, enc as never, 'nested');
        const a = checkModel(m, {}, { forceGeneric });
        const b = checkModel(m, {}, { forceGeneric, immer: true });
        assert.is(summary(a), summary(b), JSON.stringify(spec));
      }
    }),
    { numRuns: RUNS },
  );
});

test('whole searches: copyStep and immer agree on built-in nested models', () => {
  const cases: [string, Record<string, string>][] = [
    ['xenbus', { events: '1' }],
    ['ring', { memory: 'tso', ringSize: '1', messages: '2' }],
    ['grant', {}],
    ['limiter', {}],
  ];
  for (const [name, params] of cases) {
    const m = findModel(name)!;
    const p = resolveParams(m.params, params);
    if (E.isLeft(p)) throw new Error(p.left);
    const sys = bind(m, p.right);
    if (E.isLeft(sys)) throw new Error(sys.left);
    const a = check(sys.right, { forceGeneric: true, maxStates: 20000 });
    const b = check(sys.right, { forceGeneric: true, maxStates: 20000, immer: true });
    assert.is(summary(a), summary(b), name);
    assert.ok(a.distinctStates > 100, `${name}: ${a.distinctStates} states`);
  }
});

const reorder = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(reorder);
  if (isObj(v)) return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reorder(x)]));
  return v;
};

test('sameData (the check behind the cache of representatives): equal iff the same JSON text, key order included', () => {
  fc.assert(
    fc.property(root, root, fc.array(recipe, { maxLength: 1 }), (a, other, steps) => {
      const fa = deepFreeze(structuredClone(a));
      const variants: unknown[] = [structuredClone(a), reorder(a), other];
      for (const ops of steps) {
        try {
          variants.push(copyStep(fa, (d) => apply(d, fa, ops), true));
        } catch {
          // a recipe that writes a frozen part of s: no successor
        }
      }
      for (const b of variants) assert.is(sameData(a, b), JSON.stringify(a) === JSON.stringify(b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }),
    { numRuns: RUNS * 2 },
  );
  assert.not.ok(sameData({ a: undefined }, {}));
  assert.not.ok(sameData({}, { a: undefined }));
  assert.ok(sameData({ a: undefined }, { a: undefined }));
  assert.not.ok(sameData([1], { 0: 1 }));
  assert.not.ok(sameData({ a: 1, b: 2 }, { b: 2, a: 1 }));
});

test('symmetry: representatives are remembered (fewer canonicalize calls than edges) and the counts stay the orbits', () => {
  let calls = 0, edges = 0;
  fc.assert(
    fc.property(symArb(), (spec) => {
      const red = symModel(spec, true);
      const counted = { ...red, canonicalize: (s: any, p: any) => (calls++, red.canonicalize!(s, p)) };
      const g = refExplore(symModel(spec, false), {});
      const orbits = new Set(g.order.map((n) => refKey([...n.state.x].sort((a, b) => a - b))));
      const before = calls;
      const r = checkModel(counted, {}, { checkDeadlock: false }, { invariants: [], noGoals: true });
      assert.is(r.distinctStates, orbits.size, JSON.stringify(spec));
      assert.ok(calls - before <= r.edges + spec.init.length);
      edges += r.edges;
    }),
    { numRuns: RUNS },
  );
  // Without the cache every edge and initial state calls canonicalize.
  assert.ok(calls < edges, `${calls} canonicalize calls for ${edges} edges`);
});

test.run();
