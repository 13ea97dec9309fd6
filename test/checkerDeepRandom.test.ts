/**
 * The differential properties of test/support/differential.ts on deep and
 * wide random systems (checker/fixtures/randomSystem.ts `deepSystemArb`:
 * 100-300 states, a forced chain of depth 20 or more, up to 8 rules and 5
 * choices, deadlocks and violations deeper than 50). The small generator of
 * test/checkerDifferential.test.ts never leaves its initial states in a
 * quarter of its systems and never goes deeper than 7, so a checker that
 * dropped a successor at a state's 6th transition passed it (issue 19).
 *
 * Seeds: test/support/fc.ts (fixed in CI, printed on failure). A failing
 * system is saved in test/fixtures/systems/ (its file name carries the seed);
 * every system saved there is checked on every run, before the random ones,
 * so a case once found keeps being tested after it is fixed: commit it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { SEED, runs } from './support/fc.js';
import { abstractEnc, deepSystemArb, toModel, type SystemSpec } from '../checker/fixtures/randomSystem.js';
import { leastDepth, refDeadlocks, refExplore } from '../checker/fixtures/reference.js';
import { sameCounts, sameRecoverability, shortestViolation } from './support/differential.js';

const root = resolve(import.meta.dirname, '..');
const FIXTURES = join(root, 'test/fixtures/systems');
const RUNS = runs(40);

interface Saved {
  readonly why: string;
  readonly property: string;
  readonly seed: number;
  readonly path?: string;
  readonly spec: SystemSpec;
}

const properties: Record<string, (spec: SystemSpec) => void> = {
  counts: sameCounts,
  violation: (spec) => shortestViolation(spec),
  deadlock: (spec) => shortestViolation(spec, true),
  recoverability: sameRecoverability,
};

/** fc.assert, but a failing system is saved as a fixture first. */
function checkSaving(name: string, body: (spec: SystemSpec) => void): void {
  // No shrinking: a system of 300 states with 4096 noise values shrinks for many minutes.
  const out = fc.check(fc.property(deepSystemArb(), body), { numRuns: RUNS, endOnFailure: true });
  if (!out.failed) return;
  const spec = out.counterexample![0] as SystemSpec;
  mkdirSync(FIXTURES, { recursive: true });
  const file = join(FIXTURES, `${name}-seed${out.seed}.json`);
  const saved: Saved = {
    why: `found by test/checkerDeepRandom.test.ts (${name}); replace this line by what it caught`,
    property: name, seed: out.seed, ...(out.counterexamplePath ? { path: out.counterexamplePath } : {}), spec,
  };
  writeFileSync(file, JSON.stringify(saved) + '\n');
  throw new Error(`${fc.defaultReportMessage(out)}\nthe failing system is saved as ${relative(root, file)}: commit it so that every run checks it`);
}

const saved = (): [string, Saved][] => {
  let names: string[] = [];
  try {
    names = readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return names.map((f) => [f, JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as Saved]);
};

test('saved systems (test/fixtures/systems/): every property holds on each', () => {
  const cases = saved();
  assert.ok(cases.length >= 1, 'at least the committed regression case');
  for (const [file, s] of cases) {
    assert.type(s.why, 'string', `${file}: a 'why' line`);
    for (const [name, body] of Object.entries(properties)) {
      try {
        body(s.spec);
      } catch (e) {
        throw new Error(`${file} (${s.why}), property ${name}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }
});

test('the generator reaches deep and wide systems: 100-300 states, depth 20+, deadlocks and violations past 50', () => {
  const specs = fc.sample(deepSystemArb(), { numRuns: 60, seed: SEED });
  let wide = 0, deadDeep = 0, badDeep = 0, maxRules = 0, maxChoices = 0;
  for (const spec of specs) {
    assert.ok(spec.n >= 100 && spec.n <= 300);
    const m = toModel(spec, abstractEnc, 'abstract');
    const g = refExplore(m, {});
    assert.ok(g.depth >= 20, `depth ${g.depth}`);
    if (g.nodes.size >= 100) wide++;
    const dl = refDeadlocks(m, {}, g);
    if (leastDepth(g, (_s, n) => dl.includes(n)) > 50 && dl.length > 0) deadDeep++;
    const dBad = leastDepth(g, (s) => spec.bad1[s.v]! || spec.bad2[s.v]!);
    if (dBad > 50 && dBad < Infinity) badDeep++;
    maxRules = Math.max(maxRules, spec.rules.length);
    for (const r of spec.rules) if (r.kind === 'choice') maxChoices = Math.max(maxChoices, ...r.next.map((x) => (x as number[]).length));
  }
  const ctx = `of ${specs.length} (seed ${SEED}): ${wide} with 100+ reachable states, ${deadDeep} with the least deep deadlock past 50, ${badDeep} with the least deep violation past 50`;
  assert.ok(wide >= specs.length / 3, ctx);
  assert.ok(deadDeep >= 3, ctx);
  assert.ok(badDeep >= 3, ctx);
  assert.is(maxRules, 8, ctx);
  assert.is(maxChoices, 5, ctx);
});

for (const [name, body] of Object.entries(properties))
  test(`deep random systems: ${name} as the reference`, () => checkSaving(name, body));

test.run();
