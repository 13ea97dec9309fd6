/**
 * Each word-level model (cli/fastPath.ts) against its built-in to the end of the search, at a few points
 * whose whole spaces are far larger and deeper than the first states test/wordLevelRandom compares (2,500 at
 * a random point, 1,000 at a row of its covering array): a drift that shows only deep (at a counter's last
 * value, the fifth message of a ring of two slots) is past that prefix at every point it draws, and outside
 * the exactness tests' points (test/ringWeakFlat runs at most 3 messages).
 *
 * At each point both models are searched by the engine on one thread (the built-in on its nested path, the
 * word-level model on the flat path: the fast path's two sides) with deadlocks checked, and compared: the
 * outcome, the property violated and its counterexample's length, the distinct states, edges, depth,
 * terminal states, every rule's firing count (coverage), the rules never fired, and the observables'
 * ranges (one the word-level model leaves out has no value: cli/fastPath.ts `observablesWithoutValue`).
 * test/ringWeakFlat and test/xenbusFlat compare the reachable sets themselves at their points; this file
 * adds the points and the per-rule counts, at the cost of engine searches (about 1-2 s a point).
 *
 * The mutant ring-weak-flat-messages-counted-in-2-bits (the requests produced counted modulo 4) passes
 * test/wordLevelRandom at CI's seed and test/ringWeakFlat (messages up to 3) and is killed here at the
 * honest point (ringSize=2, messages=5: a fifth and more requests).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { fastPathFor, fastPathsByBuiltin } from '../cli/fastPath.js';
import { exportedModel, fastPathModules } from '../cli/workerSystem.js';
import { check, type CheckResult } from '../checker/explore.js';
import type { Model } from '../model/core.js';
import { resolveParams } from '../model/params.js';
import { findModel } from '../model/registry.js';
import { bind } from '../properties/bind.js';

/**
 * The points, by built-in: overrides of the word-level model's defaults (each inside the cover; each whole
 * space larger than {@link PREFIX} and under about 1 s a side on a quiet machine, 2026-12-07).
 */
const DEEP_POINTS: Readonly<Record<string, readonly Record<string, string>[]>> = {
  ring: [
    // honest: five requests through two slots, every FINAL and notification path to the end (44,278 states, depth 131)
    { frontend: 'honest', ringSize: '2', messages: '5' },
    // hostile: one slot, one message, every payload 0..7 and the invalid 8 written (62,025 states, depth 55)
    { frontend: 'hostile', ringSize: '1', messages: '1', hostileWrites: '1', payloads: '8' },
  ],
  xenbus: [
    // six lifecycle events: a close, a rebind, an unplug and a spurious watch event, to the end (12,505 states, depth 26)
    { events: '6', guestClose: '1', reconnect: '1', migrate: '0', frontendFatal: '0', backendFatal: '0', spurious: '1', initTimeout: '0', unplug: '1' },
    // two events at the defaults' budgets (15,183 states)
    { events: '2' },
  ],
};

/** test/wordLevelRandom's prefix at a random point: every point here is larger. */
const PREFIX = 2500;

async function wordLevelOf(name: string): Promise<Model> {
  const url = new URL(fastPathModules[name]!, new URL('../cli/workerSystem.ts', import.meta.url)).href;
  const m = exportedModel((await import(url)) as Record<string, unknown>, name);
  if (!m) throw new Error(`${url} does not export ${name}`);
  return m;
}

const search = (m: Model, p: object): CheckResult<unknown> => {
  const sys = bind(m, p);
  if (E.isLeft(sys)) throw new Error(sys.left);
  return check(sys.right, {});
};

/** What is compared of a search (observables by name: min and max). */
const summary = (r: CheckResult<unknown>, observables?: readonly string[]) => ({
  outcome: r.outcome,
  violation: r.violation ? [r.violation.property, r.violation.trace.length] : null,
  distinctStates: r.distinctStates,
  edges: r.edges,
  depth: r.depth,
  terminalStates: r.terminalStates,
  coverage: Object.fromEntries(r.coverage.map((c) => [c.rule, c.fired])),
  neverFired: [...r.neverFired],
  observables: Object.fromEntries((r.observables ?? []).filter((o) => !observables || observables.includes(o.name)).map((o) => [o.name, [o.min, o.max]])),
});

test('every built-in with a fast path has deep points, each inside its cover', async () => {
  for (const [b, f] of Object.entries(fastPathsByBuiltin())) {
    assert.ok((DEEP_POINTS[b]?.length ?? 0) >= 2, `${b}: no deep points (DEEP_POINTS)`);
    const flat = await wordLevelOf(f);
    for (const ov of DEEP_POINTS[b]!) {
      const p = resolveParams(flat.params, { ...(flat.params.defaults as object), ...ov });
      assert.ok(E.isRight(p), `${b} ${JSON.stringify(ov)}: ${E.isLeft(p) ? p.left : ''}`);
      assert.ok(await fastPathFor(findModel(b)!, (p as E.Right<object>).right), `${b} ${JSON.stringify(ov)}: outside the fast path's cover`);
    }
  }
});

for (const [b, f] of Object.entries(fastPathsByBuiltin())) {
  for (const ov of DEEP_POINTS[b] ?? []) {
    const label = Object.entries(ov).map(([k, v]) => `${k}=${v}`).join(' ');
    test(`${f} against ${b} at ${label}, to the end: the same outcome, counterexample length, states, edges, depth, terminal states, per-rule firings and observables`, async () => {
      const builtin = findModel(b)!;
      const flat = await wordLevelOf(f);
      const p = (resolveParams(flat.params, { ...(flat.params.defaults as object), ...ov }) as E.Right<object>).right;
      const fast = (await fastPathFor(builtin, p))!;
      const a = search(builtin, p);
      const w = search(flat, p);
      assert.ok(a.distinctStates > PREFIX, `${b} ${label}: ${a.distinctStates} states, not deeper than test/wordLevelRandom's prefix`);
      const flatObs = (w.observables ?? []).map((o) => o.name);
      const sa = summary(a, fast.observablesWithoutValue ? flatObs : undefined);
      const sw = summary(w);
      for (const k of Object.keys(sa) as (keyof typeof sa)[]) assert.equal(sw[k], sa[k], `${f} against ${b} at ${label}: ${k}`);
      for (const o of a.observables ?? [])
        if (!flatObs.includes(o.name)) assert.equal([o.min, o.max], [NaN, NaN], `${b} ${label}: observable ${o.name}, left out of ${f}, has a value`);
    });
  }
}

test.run();
