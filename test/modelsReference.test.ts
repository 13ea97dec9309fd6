/**
 * Every built-in model, at parameters small enough for a naive explorer,
 * against that explorer: a plain BFS written here from the model API alone
 * (immer's produce for each step, the model's own canonicalize, states keyed
 * by a key-sorted JSON string in a Map). The checker's distinct states, edges
 * and BFS depth must equal it. This pins the checker's fast paths (packed
 * layouts, copy-on-write drafts, structural hashing, symmetry) to the meaning
 * of each real model, not only to random transition systems.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { produce } from 'immer';
import type { Model } from '../model/core.js';
import { findModel } from '../model/registry.js';
import { paramsOf, runModel } from './support/models.js';

/** JSON with object keys sorted: equal values, equal strings, whatever the key order. */
function stable(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'undefined';
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stable(o[k])}`).join(',')}}`;
}

function naive<S, P>(m: Model<S, P>, p: P): { states: number; edges: number; depth: number } {
  const canon = (s: S): S => (m.canonicalize ? m.canonicalize(s, p) : s);
  const seen = new Map<string, number>();
  let frontier: S[] = [];
  for (const s0 of m.init(p)) {
    const s = canon(s0);
    const k = stable(s);
    if (!seen.has(k)) { seen.set(k, 0); frontier.push(s); }
  }
  let edges = 0;
  let depth = 0;
  while (frontier.length) {
    const next: S[] = [];
    for (const s of frontier) {
      for (const rule of m.rules) {
        const choices: readonly unknown[] = rule.choices ? rule.choices(s, p) : [undefined];
        for (const a of choices) {
          if (rule.when && !rule.when(s, p, a as never)) continue;
          edges++;
          const t = canon(produce(s, (d) => { rule.then(d as never, s, p, a as never); }) as S);
          const k = stable(t);
          if (!seen.has(k)) { seen.set(k, depth + 1); next.push(t); }
        }
      }
    }
    if (next.length) depth++;
    frontier = next;
  }
  return { states: seen.size, edges, depth };
}

const CASES: [string, Record<string, string | number | boolean>][] = [
  ['ring-notify', { ringSize: 2, messages: 4 }],
  ['ring', { ringSize: 2, messages: 2, startIndex: 0xfffffffe }],
  ['ring', { ringSize: 2, messages: 2, memory: 'tso' }],
  ['ring', { ringSize: 2, messages: 2, memory: 'weak' }],
  ['ring', { ringSize: 2, messages: 2, frontend: 'hostile' }],
  ['ring', { ringSize: 2, messages: 2, counters: true, payloads: 2 }],
  ['ring-api', {}],
  ['xenbus', { events: 1 }],
  ['grant', { cacheSize: 0, transitive: 0 }],
  ['limiter', { hostileRx: false, hostileMaxSize: 1, hostileMaxSlots: 1 }],
];

for (const [name, ov] of CASES) {
  test(`${name} ${stable(ov)}: the checker's states, edges and depth equal a naive BFS`, () => {
    const m = findModel(name) as Model<unknown, unknown> | undefined;
    assert.ok(m, `built-in model ${name}`);
    const p = paramsOf(m!, ov);
    const ref = naive(m!, p);
    const r = runModel(m!, p);
    assert.ok(r.outcome === 'ok' || r.outcome === 'deadlock' || r.outcome === 'violation', r.outcome);
    // a violation or deadlock stops the search early: the defaults here must verify
    assert.is(r.outcome, 'ok', `${name} verifies at these parameters`);
    assert.is(r.distinctStates, ref.states, 'distinct states');
    assert.is(r.edges, ref.edges, 'edges');
    assert.is(r.depth, ref.depth, 'BFS depth');
  });
}

test.run();
