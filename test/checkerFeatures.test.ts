/**
 * Checker features against the naive reference explorer
 * (checker/fixtures/reference.ts): depth and state bounds, symmetry reduction,
 * rule purity, degenerate inputs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { runs } from './support/fc.js';
import { spawnSync } from 'node:child_process';
import { abstractEnc, flatEnc, nestedEnc, systemArb, toModel, type Encoding } from '../checker/fixtures/randomSystem.js';
import { symArb, symModel } from '../checker/fixtures/symmetric.js';
import { leastDepth, refDeadlocks, refExplore, refKey, refStuck, refSuccessors, refValidTrace } from '../checker/fixtures/reference.js';
import { checkModel } from '../checker/fixtures/run.js';
import { defineModel, type Model } from '../model/core.js';
import { defineParams } from '../model/params.js';

const RUNS = runs(200);
const encodings = [
  { label: 'flat', enc: flatEnc, forceGeneric: false },
  { label: 'flat+forceGeneric', enc: flatEnc, forceGeneric: true },
  { label: 'nested', enc: nestedEnc, forceGeneric: false },
] as const;

test('maxDepth: states and edges of the reference cut at that depth; incomplete (max-depth) iff a state at the bound has a transition', () => {
  fc.assert(
    fc.property(systemArb(), fc.nat(4), (spec, d) => {
      const am = toModel(spec, abstractEnc, 'abstract');
      const g = refExplore(am, {}, { maxDepth: d });
      const cut = g.order.some((n) => n.depth === d && refSuccessors(am, {}, n.state).length > 0);
      for (const v of encodings) {
        const m = toModel(spec, v.enc as Encoding<unknown>, v.label);
        const r = checkModel(m, {}, { maxDepth: d, checkDeadlock: false, forceGeneric: v.forceGeneric }, { invariants: [], noGoals: true });
        const ctx = `${v.label} maxDepth=${d} ${JSON.stringify(spec)}`;
        assert.is(r.distinctStates, g.nodes.size, ctx);
        assert.is(r.edges, g.edges, ctx);
        assert.is(r.outcome, cut ? 'incomplete' : 'ok', ctx);
        if (cut) assert.is(r.incompleteReason, 'max-depth', ctx);
      }
    }),
    { numRuns: RUNS },
  );
});

test('maxDepth: a violation within the bound is found with the same shortest length as without a bound', () => {
  fc.assert(
    fc.property(systemArb(), fc.nat(4), (spec, d) => {
      const am = toModel(spec, abstractEnc, 'abstract');
      const g = refExplore(am, {});
      const dBad = leastDepth(g, (s) => spec.bad1[s.v]! || spec.bad2[s.v]!);
      const dl = refDeadlocks(am, {}, g);
      const dDead = leastDepth(g, (_s, n) => dl.includes(n));
      const m = toModel(spec, flatEnc, 'flat');
      const r = checkModel(m, {}, { maxDepth: d }, { noGoals: true });
      const want = Math.min(dBad, dDead);
      const ctx = `maxDepth=${d} dBad=${dBad} dDead=${dDead} ${JSON.stringify(spec)}`;
      if (want <= d) {
        assert.ok(r.outcome === 'violation' || r.outcome === 'deadlock', ctx);
        assert.is(r.violation!.trace.length - 1, want, ctx);
      } else assert.ok(r.outcome !== 'violation' && r.outcome !== 'deadlock', ctx);
    }),
    { numRuns: RUNS },
  );
});

test('maxStates: ok only when nothing was missed (reference counts), otherwise incomplete (max-states); unbounded figures when the bound is not hit', () => {
  fc.assert(
    fc.property(systemArb(), fc.integer({ min: 1, max: 16 }), (spec, maxStates) => {
      const am = toModel(spec, abstractEnc, 'abstract');
      const g = refExplore(am, {});
      for (const v of encodings) {
        const m = toModel(spec, v.enc as Encoding<unknown>, v.label);
        const r = checkModel(m, {}, { maxStates, checkDeadlock: false, forceGeneric: v.forceGeneric }, { invariants: [], noGoals: true });
        const ctx = `${v.label} maxStates=${maxStates} reachable=${g.nodes.size} got ${r.outcome} ${r.distinctStates} ${JSON.stringify(spec)}`;
        assert.ok(r.outcome === 'ok' || r.outcome === 'incomplete', ctx);
        if (r.outcome === 'ok') {
          // ok is a claim that nothing was missed
          assert.is(r.distinctStates, g.nodes.size, ctx);
          assert.is(r.edges, g.edges, ctx);
        } else assert.is(r.incompleteReason, 'max-states', ctx);
        if (g.nodes.size < maxStates) assert.is(r.outcome, 'ok', ctx);
      }
    }),
    { numRuns: RUNS },
  );
});

test('symmetry: reduced and unreduced searches agree on every verdict; the reduced count is the number of orbits', () => {
  fc.assert(
    fc.property(symArb(), (spec) => {
      const full = symModel(spec, false);
      const red = symModel(spec, true);
      const g = refExplore(full, {});
      const orbits = new Set(g.order.map((n) => refKey([...n.state.x].sort((a, b) => a - b))));
      const ctx = JSON.stringify(spec);
      // counts (no properties)
      const cf = checkModel(full, {}, { checkDeadlock: false }, { invariants: [], noGoals: true });
      const cr = checkModel(red, {}, { checkDeadlock: false }, { invariants: [], noGoals: true });
      assert.is(cf.distinctStates, g.nodes.size, ctx);
      assert.is(cr.distinctStates, orbits.size, ctx);
      assert.is(cr.distinctStates, refExplore(red, {}, { canonical: true }).nodes.size, ctx);
      assert.equal([cr.observables![0]!.min, cr.observables![0]!.max], [cf.observables![0]!.min, cf.observables![0]!.max], ctx);
      // invariant and deadlock
      const dBad = leastDepth(g, (s) => !red.invariants[0]!.holds(s, {}));
      const dl = refDeadlocks(full, {}, g);
      const dDead = leastDepth(g, (_s, n) => dl.includes(n));
      const vf = checkModel(full, {}, {}, { noGoals: true });
      const vr = checkModel(red, {}, {}, { noGoals: true });
      for (const r of [vf, vr]) {
        if (dBad === Infinity && dDead === Infinity) assert.is(r.outcome, 'ok', ctx);
        else {
          assert.is(r.violation!.trace.length - 1, Math.min(dBad, dDead), ctx);
          if (dBad < dDead) assert.is(r.outcome, 'violation', ctx);
          if (dDead < dBad) assert.is(r.outcome, 'deadlock', ctx);
          // traces stay real runs of the unreduced model
          assert.is(refValidTrace(full, {}, r.violation!.trace), undefined, ctx);
        }
      }
      // recoverability
      const stuck = refStuck(g, (s) => red.goals![0]!.reached(s, {}));
      const gf = checkModel(full, {}, { checkDeadlock: false }, { invariants: ['Recoverable'] });
      const gr = checkModel(red, {}, { checkDeadlock: false }, { invariants: ['Recoverable'] });
      for (const r of [gf, gr]) {
        assert.is(r.outcome, stuck.length ? 'violation' : 'ok', ctx);
        if (stuck.length) {
          assert.is(r.violation!.trace.length - 1, Math.min(...stuck.map((n) => n.depth)), ctx);
          assert.is(refValidTrace(full, {}, r.violation!.trace), undefined, ctx);
        }
      }
    }),
    { numRuns: RUNS },
  );
});

/** A rule that writes its input state `s` instead of the draft. */
const impure = (flat: boolean, nested: boolean): Model<any, {}> =>
  defineModel<any, {}>({
    name: 'impure',
    description: 'a rule that mutates its input state',
    params: defineParams({}),
    init: () => [nested ? { a: { n: 0 } } : { n: 0 }],
    rules: [
      {
        name: 'Inc',
        when: (s) => (nested ? s.a.n : s.n) < 3,
        then: (_d, s) => {
          if (nested) s.a.n = s.a.n + 1;
          else s.n = s.n + 1;
        },
      },
    ],
    invariants: [],
    isValidEnd: () => true,
    ...(flat ? { layout: () => [{ name: 'n', bits: 3 }] } : {}),
  });

test('purity: a rule that mutates its input state is rejected on the immer path (frozen states)', () => {
  assert.throws(() => checkModel(impure(false, false)), /read only|frozen|Cannot assign/);
  assert.throws(() => checkModel(impure(false, true)), /read only|frozen|Cannot assign/);
  assert.throws(() => checkModel(impure(true, false), {}, { forceGeneric: true }), /read only|frozen|Cannot assign/);
});

test('purity: a rule that mutates its input state is rejected on the flat fast path too', () => {
  // Without detection the flat path silently explores a wrong graph (1 state,
  // a self-loop). The error must be the purity check naming the rule, not any
  // exception (a crash elsewhere would pass a bare try/catch).
  assert.throws(() => checkModel(impure(true, false)), /a rule wrote to its input state instead of the draft \(rule Inc\)/);
});

test('purity: successors do not share structure that a later rule could corrupt (nested states)', () => {
  // Two rules write the same nested field; the second must see the original.
  const m = defineModel<{ a: { n: number; tag: string } }, {}>({
    name: 'shared', description: '', params: defineParams({}),
    init: () => [{ a: { n: 0, tag: 'x' } }],
    rules: [
      { name: 'Add1', when: (s) => s.a.n < 4, then: (d, s) => { d.a.n = s.a.n + 1; } },
      { name: 'Add2', when: (s) => s.a.n < 4, then: (d, s) => { d.a.n = s.a.n + 2; } },
    ],
    invariants: [], isValidEnd: () => true,
  });
  const g = refExplore(m, {});
  const r = checkModel(m);
  assert.is(r.distinctStates, g.nodes.size); // 0..5
  assert.is(g.nodes.size, 6);
  assert.is(r.edges, g.edges);
});

test('no initial state: the search is empty and ends (also with observables)', () => {
  const code = `
    import { counterFrom } from './checker/fixtures/counter.ts';
    import { checkModel } from './checker/fixtures/run.ts';
    const r = checkModel(counterFrom([]), { K: 3 });
    console.log('RESULT', r.outcome, r.distinctStates);`;
  const p = spawnSync(process.execPath, ['--max-old-space-size=128', '--import', './bin/register.mjs', '--input-type=module', '-e', code], {
    encoding: 'utf8',
    timeout: 15000,
  });
  assert.match(p.stdout ?? '', /RESULT ok 0/, `exit ${p.status} signal ${p.signal}: ${(p.stderr ?? '').split('\n').slice(0, 3).join(' ')}`);
});

test.run();
