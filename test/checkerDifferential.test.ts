/**
 * Differential test: random finite transition systems (checker/fixtures/
 * randomSystem.ts, the small generator `systemArb`: every shape of a graph of
 * at most 14 states), each expressed as a flat-layout model, the same model
 * with `forceGeneric`, and a nested non-flat model, checked by `check` and
 * compared with the naive reference BFS of checker/fixtures/reference.ts run
 * on the plain `{ v }` form: state, edge and terminal counts, BFS depth,
 * per-rule coverage, observables, the kind and SHORTEST length of the reported
 * violation (invariant, deadlock, recoverability), and that every trace is a
 * real run ending in a state that violates the named property
 * (test/support/differential.ts). Deep and wide systems:
 * test/checkerDeepRandom.test.ts.
 */
import { test } from 'uvu';
import fc from 'fast-check';
import { runs } from './support/fc.js';
import { systemArb } from '../checker/fixtures/randomSystem.js';
import { sameCounts, sameRecoverability, shortestViolation } from './support/differential.js';

const RUNS = runs(300);

test('counts, depth, coverage and observables equal the reference BFS (all three encodings)', () => {
  fc.assert(fc.property(systemArb(), sameCounts), { numRuns: RUNS });
});

test('invariants and deadlock: the reported violation is the shortest one, on a real run', () => {
  fc.assert(fc.property(systemArb(), (spec) => shortestViolation(spec)), { numRuns: RUNS });
});

test('recoverability (AG EF goal): violation iff the reference finds a stuck state; the trace ends at a least-deep one', () => {
  fc.assert(fc.property(systemArb(), sameRecoverability), { numRuns: RUNS });
});

test.run();
