/**
 * The property of test/checkerCopyStep.test.ts "copyStep gives what immer
 * gives", in a module of its own so that the flake measurement
 * (test/support/copyStepRepeat.ts) runs exactly the property the suite runs:
 * random plain data, random recipes applied in chains, and per step the same
 * data as immer (key order included), the input untouched, the result frozen,
 * unchanged subtrees shared, stamps right.
 */
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { produce } from 'immer';
import { copyStep, deepFreeze } from '../../checker/reference/copyStep.js';
import { hashValue } from '../../checker/fingerprint.js';

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
export const root = fc.dictionary(fc.constantFrom(...KEYS), json, { minKeys: 1, maxKeys: 4 });

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
export const recipe = fc.array(op, { minLength: 1, maxLength: 5 });

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

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
export function apply(d: any, s: any, ops: readonly Op[]): void {
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
export function deepFrozen(v: unknown): boolean {
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
export const fp = (v: unknown): string => {
  const out = new Uint32Array(2);
  hashValue(v, out);
  return `${out[0]}:${out[1]}`;
};

/** One case: data, a chain of recipes, stamps on or off. */
export const copyStepProperty = fc.property(root, fc.array(recipe, { minLength: 1, maxLength: 4 }), fc.boolean(), (data, steps, stamp) => {
    // immer runs on copyStep's own input at every step, not on a chain of its own
    // results: copyStep shares more than immer (a fresh node equal to the input's node
    // at the same place IS that node), so two chains can differ in which nodes are one
    // object, and a recipe that stores a node of `s` and then edits it is drafted by
    // immer only when that node is the base at that place (seed 20530448: step 3 of
    // {"0":0,"a":[[]]} threw in immer's chain and not in copyStep's, on different inputs).
    let a: any = deepFreeze(structuredClone(data));
    for (const ops of steps) {
      const b = a;
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
    }
  });
