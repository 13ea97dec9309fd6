/**
 * `transWrites=late` (model/grant.ts `lateTrans`, grant.md "Parameters and
 * abstractions"): the hostile domain's writes of its own transitive entries
 * folded into the copies that read them. A quotient: on the whole reachable
 * space, the model with the writes as steps of their own (the reference,
 * `transWrites=steps`) and the reduced one violate the same invariants, have
 * the same deadlock verdict and the same observable ranges; every violation's
 * shortest counterexample is at most as long in the reduced model (the writes
 * it folds are steps the reference needs), and the reduced model has fewer
 * states wherever the hostile domain has a choice of contents. Without
 * symmetry, the reduced model reaches exactly the classes of the states the
 * reference reaches (the quotient), at bounds where a copy reads through two
 * written entries (XSA-226's chains) and where an entry is rewritten while a
 * copy pins it (copies=2: ERESTART).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Model } from '../model/core.js';
import { check } from '../checker/explore.js';
import { grant, type GrantParams, type GrantState } from '../model/grant.js';
import xsa226 from '../examples/grant-xsa226.js';
import { paramsOf, systemOf } from './support/models.js';
import { writtenAt } from './support/bounds.js';

type M = Model<GrantState, GrantParams>;
const params = (m: M, ov: Record<string, string>): GrantParams => paramsOf(m, writtenAt(m.name, ov));
const sys = (m: M, p: GrantParams, invariants: string[]) => systemOf(m, p, invariants);

interface Space {
  states: number;
  deadlock: string;
  /** Every invariant violated in some reachable state. */
  violated: string[];
  observables: string[];
}
/** The whole reachable space (only deadlocks stop the search), every invariant evaluated on every state. */
function space(m: M, p: GrantParams): Space {
  const bad = new Set<string>();
  const r = check(sys(m, p, ['deadlock']), {
    onState: (s) => {
      for (const i of m.invariants) if (!bad.has(i.name) && !i.holds(s, p)) bad.add(i.name);
    },
  });
  return {
    states: r.distinctStates,
    deadlock: r.outcome === 'deadlock' ? `deadlock in ${r.violation!.trace.length - 1} steps` : r.outcome,
    violated: [...bad].sort(),
    observables: (r.observables ?? []).map((o) => `${o.name} ${o.min}..${o.max}`),
  };
}
/** The shortest counterexample of one invariant, in steps (-1: none). */
function shortest(m: M, p: GrantParams, inv: string): number {
  const r = check(sys(m, p, [inv]));
  return r.violation ? r.violation.trace.length - 1 : -1;
}

const cases: [string, M, Record<string, string>][] = [
  ['grant refs=1 pages=1', grant, { refs: '1', pages: '1' }],
  ['grant transTargets=any (self-reference, B as grantee)', grant, { refs: '1', pages: '1', transTargets: 'any' }],
];

for (const [name, m, ov] of cases) {
  test(`transWrites=late keeps the verdicts: ${name}`, () => {
    const ref = params(m, { ...ov, transWrites: 'steps' }), late = params(m, { ...ov, transWrites: 'late' });
    const a = space(m, ref), b = space(m, late);
    assert.ok(b.states < a.states, `${b.states} states reduced, ${a.states} unreduced`);
    assert.is(b.deadlock, a.deadlock, 'deadlock verdict');
    assert.equal(b.violated, a.violated, 'invariants violated somewhere');
    assert.equal(b.observables, a.observables, 'observable ranges');
    for (const inv of a.violated) {
      const x = shortest(m, ref, inv), y = shortest(m, late, inv);
      assert.ok(y > 0 && y <= x, `${inv}: ${y} steps reduced, ${x} unreduced`);
    }
  });
}

test('transWrites=late: the write is folded into the copy (XSA-226 in 1 step instead of 2)', () => {
  const p = (w: string) => params(xsa226, { transWrites: w });
  assert.is(shortest(xsa226, p('steps'), 'G5_transitive_one_level'), 2);
  const r = check(sys(xsa226, p('late'), ['G5_transitive_one_level']));
  assert.is(r.violation?.trace.length, 2);
  assert.match(r.violation!.trace[1]!.action, /GNTTABOP_copy_begin\(B GNTCOPY_\w+ B:0 .*written first: B:0 -> B:0 for B/);
});

test('transWrites=late changes nothing for an honest grantee', () => {
  const a = space(grant, params(grant, { grantee: 'honest', refs: '2', pages: '2' }));
  const b = space(grant, params(grant, { grantee: 'honest', refs: '2', pages: '2', transWrites: 'late' }));
  assert.equal(b, a);
});

/** The model without symmetry (neither its canonicalize nor its shape's scalarsets): states as they are. */
const plain = (m: M): M => {
  const { canonicalize: _c, ...rest } = m;
  const shape = m.shape;
  return shape ? { ...rest, shape: (p: GrantParams) => ({ state: shape(p).state }) } : rest;
};
/** A state's class under transWrites=late: every entry of B's the hostile domain owns (netback does not forward through it) cleared, its status kept. */
const lateClass = (s: GrantState): GrantState => ({
  ...s,
  gb: s.gb.map((e, t) => (s.be.some((b) => b.t === t) ? e : { ...e, flags: 0, domid: 0, frame: 0, page_off: 0, length: 0, trans_domid: 0, trans_gref: 0 })),
});
const stateSet = (m: M, p: GrantParams, f: (s: GrantState) => GrantState = (s) => s): Set<string> => {
  const out = new Set<string>();
  check(sys(plain(m), p, []), { onState: (s) => void out.add(JSON.stringify(f(s))), checkDeadlock: false });
  return out;
};
const images: [string, M, Record<string, string>][] = [
  ['grant-xsa226, two entries (a chain: the write read through the entry it targets)', xsa226, { transitive: '2', cacheSize: '0', subPage: 'false', unmaps: '0', maps: '0', version: 'v2', handles: '1', reserved: 'none' }],
  ['grant copies=2 (ERESTART: the entry rewritten while a copy pins it)', grant, { copies: '2', transTargets: 'any', cacheSize: '0', subPage: 'false', unmaps: '0', maps: '0', version: 'v2', handles: '1', reserved: 'none' }],
];
for (const [name, m, ov] of images) {
  test(`transWrites=late reaches exactly the classes of the states the writes as steps reach (no symmetry): ${name}`, () => {
    const full = stateSet(m, params(m, { ...ov, transWrites: 'steps' }), lateClass);
    const late = stateSet(m, params(m, { ...ov, transWrites: 'late' }));
    const missing = [...full].filter((x) => !late.has(x)), extra = [...late].filter((x) => !full.has(x));
    assert.is(missing.length, 0, `${missing.length} classes missed, e.g. ${missing[0]}`);
    assert.is(extra.length, 0, `${extra.length} classes not reachable unreduced, e.g. ${extra[0]}`);
    assert.ok(late.size > 1000, `${late.size} classes`);
  });
}

test.run();
