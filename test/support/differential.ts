/**
 * The differential properties of the checker against the naive reference
 * BFS of checker/fixtures/reference.ts, for one random system
 * (checker/fixtures/randomSystem.ts) expressed as three models: a flat layout,
 * the same with `forceGeneric`, and a nested non-flat state. Each function
 * throws (an uvu assertion) on a difference; test/checkerDifferential.test.ts
 * runs them on small systems, test/checkerDeepRandom.test.ts on deep and wide
 * ones.
 */
import * as assert from 'uvu/assert';
import {
  abstractEnc, flatEnc, nestedEnc, toModel, type Encoding, type SystemSpec,
} from '../../checker/fixtures/randomSystem.js';
import { leastDepth, refDeadlocks, refExplore, refStuck, refValidTrace } from '../../checker/fixtures/reference.js';
import { checkModel } from '../../checker/fixtures/run.js';
import type { CheckResult } from '../../checker/explore.js';

interface Variant {
  readonly label: string;
  readonly enc: Encoding<any>;
  readonly forceGeneric: boolean;
}
const variants: Variant[] = [
  { label: 'flat', enc: flatEnc, forceGeneric: false },
  { label: 'flat+forceGeneric', enc: flatEnc, forceGeneric: true },
  { label: 'nested', enc: nestedEnc, forceGeneric: false },
];

const actions = (r: CheckResult<unknown>) => r.violation?.trace.map((t) => t.action);

function reference(spec: SystemSpec) {
  const m = toModel(spec, abstractEnc, 'abstract');
  const g = refExplore(m, {});
  return { m, g };
}

/** States, edges, depth, terminals, coverage and observables (with shortest witnesses) equal the reference's. */
export function sameCounts(spec: SystemSpec): void {
  const { g } = reference(spec);
  const per: CheckResult<any>[] = [];
  for (const v of variants) {
    const m = toModel(spec, v.enc, v.label);
    const r = checkModel(m, {}, { checkDeadlock: false, forceGeneric: v.forceGeneric }, { invariants: [], noGoals: true });
    const ctx = `${v.label} ${JSON.stringify(spec)}`;
    assert.is(r.outcome, 'ok', ctx);
    assert.is(r.distinctStates, g.nodes.size, ctx);
    assert.is(r.edges, g.edges, ctx);
    assert.is(r.depth, g.depth, ctx);
    assert.is(r.terminalStates, g.order.filter((n) => n.out.length === 0).length, ctx);
    assert.equal(Object.fromEntries(r.coverage.map((c) => [c.rule, c.fired])), g.perRule, ctx);
    assert.equal(r.neverFired, Object.keys(g.perRule).filter((k) => g.perRule[k] === 0), ctx);
    const o = r.observables![0]!;
    const vals = g.order.map((n) => spec.obs[n.state.v]!);
    const min = Math.min(...vals);
    const max = Math.max(...vals);
    assert.is(o.min, min, ctx);
    assert.is(o.max, max, ctx);
    for (const [want, tr] of [[min, o.minTrace], [max, o.maxTrace]] as const) {
      assert.is(spec.obs[v.enc.dec(tr.at(-1)!.state)], want, ctx);
      assert.is(tr.length - 1, leastDepth(g, (s) => spec.obs[s.v] === want), ctx);
      assert.is(refValidTrace(m, {}, tr), undefined, ctx);
    }
    per.push(r);
  }
  // the three paths agree exactly, witnesses included
  for (const r of per.slice(1)) {
    assert.equal(r.observables![0]!.minTrace.map((t) => t.action), per[0]!.observables![0]!.minTrace.map((t) => t.action));
    assert.equal(r.observables![0]!.maxTrace.map((t) => t.action), per[0]!.observables![0]!.maxTrace.map((t) => t.action));
  }
}

/**
 * The reported invariant violation or deadlock is a shortest one, on a real
 * run. `deadlockOnly`: no invariant is checked, so the least deep deadlock is
 * what must be reported.
 */
export function shortestViolation(spec: SystemSpec, deadlockOnly = false): void {
  const { m: am, g } = reference(spec);
  const dBad = deadlockOnly ? Infinity : leastDepth(g, (s) => spec.bad1[s.v]! || spec.bad2[s.v]!);
  const dDead = leastDepth(g, (_s, n) => refDeadlocks(am, {}, g).includes(n));
  const got: CheckResult<any>[] = [];
  for (const v of variants) {
    const m = toModel(spec, v.enc, v.label);
    const r = checkModel(m, {}, { forceGeneric: v.forceGeneric }, { noGoals: true, ...(deadlockOnly ? { invariants: [] } : {}) });
    const ctx = `${v.label} dBad=${dBad} dDead=${dDead}${deadlockOnly ? ' (deadlock only)' : ''} ${JSON.stringify(spec)}`;
    if (dBad === Infinity && dDead === Infinity) {
      assert.is(r.outcome, 'ok', ctx);
      assert.is(r.distinctStates, g.nodes.size, ctx);
      continue;
    }
    const want = Math.min(dBad, dDead);
    assert.ok(r.violation, ctx);
    const tr = r.violation!.trace;
    assert.is(tr.length - 1, want, ctx);
    assert.is(refValidTrace(m, {}, tr), undefined, ctx);
    const last = v.enc.dec(tr.at(-1)!.state);
    if (dDead < dBad) assert.is(r.outcome, 'deadlock', ctx);
    if (dBad < dDead) assert.is(r.outcome, 'violation', ctx);
    if (r.outcome === 'deadlock') {
      assert.is(r.violation!.kind, 'deadlock');
      assert.ok(!spec.validEnd[last], ctx);
      assert.ok(spec.rules.every((_, i) => {
        const rs = spec.rules[i]!;
        return rs.kind === 'det' ? (rs.next[last] as number) < 0 : (rs.next[last] as number[]).every((w) => w < 0);
      }), ctx);
    } else {
      assert.is(r.outcome, 'violation', ctx);
      assert.is(r.violation!.kind, 'invariant');
      const bad = r.violation!.property === 'NotBad1' ? spec.bad1 : r.violation!.property === 'NotBad2' ? spec.bad2 : undefined;
      assert.ok(bad && bad[last], ctx);
    }
    got.push(r);
  }
  for (const r of got.slice(1)) {
    assert.is(r.outcome, got[0]!.outcome);
    assert.equal(actions(r), actions(got[0]!));
  }
}

/** Recoverability (AG EF goal): a violation iff the reference finds a stuck state; the trace ends at a least-deep one. */
export function sameRecoverability(spec: SystemSpec): void {
  const { g } = reference(spec);
  const stuck = refStuck(g, (s) => spec.goal[s.v]!);
  const stuckSet = new Set(stuck.map((n) => n.state.v));
  const got: CheckResult<any>[] = [];
  for (const v of variants) {
    const m = toModel(spec, v.enc, v.label);
    const r = checkModel(m, {}, { checkDeadlock: false, forceGeneric: v.forceGeneric }, { invariants: ['Recoverable'] });
    const ctx = `${v.label} ${JSON.stringify(spec)}`;
    assert.is(r.distinctStates, g.nodes.size, ctx);
    if (stuck.length === 0) {
      assert.is(r.outcome, 'ok', ctx);
      continue;
    }
    assert.is(r.outcome, 'violation', ctx);
    assert.is(r.violation!.kind, 'recoverability', ctx);
    assert.is(r.violation!.property, 'Recoverable', ctx);
    const tr = r.violation!.trace;
    assert.ok(stuckSet.has(v.enc.dec(tr.at(-1)!.state)), ctx);
    assert.is(tr.length - 1, Math.min(...stuck.map((n) => n.depth)), ctx);
    assert.is(refValidTrace(m, {}, tr), undefined, ctx);
    got.push(r);
  }
  for (const r of got.slice(1)) assert.equal(actions(r), actions(got[0]!));
}

