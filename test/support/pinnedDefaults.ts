/**
 * A built-in model at its defaults against test/pinned.json's `defaults`
 * entry for it: states, edges, depth, outcome and the declared finding's
 * property and length (and the observables the entry pins), computed here on
 * one thread as `pvcheck check MODEL` reports them (every invariant, the
 * deadlock check, a quotient's counterexample unfolded: cli/refine.ts).
 *
 * The model's own test file calls it (test/xenbus.test.ts: `pinDefaults('xenbus')`)
 * so that a change to the model that moves a count fails the file a developer
 * runs for that model, and a mutant naming only that file is killed (a
 * mutant moving xenbus's 20,568 states to 22,649 passed test/xenbus's 128 s
 * before). test/pinned.test.ts checks the same entries through `npm start`.
 * The figures come from one place: a raised default is one edit of
 * test/pinned.json (its entry and reason line), not one per test file.
 */
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { check } from '../../checker/explore.js';
import { refineResult } from '../../cli/refine.js';
import { findModel } from '../../model/registry.js';
import { systemOf } from './models.js';

const PINNED = 'test/pinned.json';
const root = fileURLToPath(new URL('../..', import.meta.url));

interface Obs { min: number | null; max: number | null; maxWitness: number }
/** An entry of test/pinned.json's `defaults` list. */
export interface DefaultsEntry {
  model: string;
  outcome: string;
  states: number;
  edges: number;
  depth: number;
  observables?: Record<string, Obs>;
  /** A declared finding the run reports: `PROPERTY in N steps` (a deadlock: `deadlock in N steps`). */
  violation?: string;
  reason: string;
}

/** test/pinned.json's `defaults` entry for `model`, and the line it is on (1-based); throws when there is none. */
export function pinnedDefault(model: string): { entry: DefaultsEntry; line: number } {
  const text = readFileSync(join(root, PINNED), 'utf8');
  const entry = (JSON.parse(text) as { defaults: DefaultsEntry[] }).defaults.find((e) => e.model === model);
  if (!entry) throw new Error(`${PINNED} has no 'defaults' entry for model ${model}`);
  return { entry, line: text.split('\n').findIndex((l) => l.includes(`"model": "${model}"`)) + 1 };
}

/** The figures of `model` at its defaults, as test/pinned.json's entries spell them. */
export function computedDefault(model: string): Omit<DefaultsEntry, 'reason' | 'model'> {
  const m = findModel(model);
  if (!m) throw new Error(`no built-in model ${model}`);
  const p = m.params.defaults;
  const r = refineResult(m, p as object, check(systemOf(m, p), { checkDeadlock: true }));
  return {
    outcome: r.outcome,
    states: r.distinctStates,
    edges: r.edges,
    depth: r.depth,
    ...(r.violation ? { violation: `${r.violation.property} in ${r.violation.trace.length - 1} steps` } : {}),
    ...(r.observables
      ? { observables: Object.fromEntries(r.observables.map((o) => [o.name, { min: Number.isNaN(o.min) ? null : o.min, max: Number.isNaN(o.max) ? null : o.max, maxWitness: o.maxSteps }])) }
      : {}),
  };
}

/** Every figure of the pinned entry that the computed run does not give, one line each (empty: all equal). */
export function defaultsMoved(model: string, entry: DefaultsEntry, got: Omit<DefaultsEntry, 'reason' | 'model'>, where: string): string[] {
  const out: string[] = [];
  const cmp = (what: string, want: unknown, have: unknown) => {
    if (JSON.stringify(want) !== JSON.stringify(have)) out.push(`${model} at its defaults: ${what} moved: pinned ${JSON.stringify(want)}, computed ${JSON.stringify(have)} (${where})`);
  };
  cmp('outcome', entry.outcome, got.outcome);
  cmp('states', entry.states, got.states);
  cmp('edges', entry.edges, got.edges);
  cmp('depth', entry.depth, got.depth);
  cmp('violation', entry.violation ?? null, got.violation ?? null);
  for (const [name, o] of Object.entries(entry.observables ?? {})) cmp(`observable ${name}`, o, got.observables?.[name] ?? 'not reported');
  return out;
}

/**
 * Fails (uvu assert) unless `model` at its defaults gives test/pinned.json's figures, naming each
 * figure that moved, the pinned and computed values and the line to change.
 */
export function pinDefaults(model: string): void {
  const { entry, line } = pinnedDefault(model);
  const diffs = defaultsMoved(model, entry, computedDefault(model), `${PINNED}:${line}`);
  assert.equal(diffs, [], diffs.join('\n') +
    `\nIf the change moves these figures on purpose, update them in ${PINNED} in the same commit and rewrite the entry's reason line to say why (docs/checker.md, "Pinned figures"); if not, it is a regression.`);
}
