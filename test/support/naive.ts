/**
 * A naive explorer written from the model API alone, for tests that check the
 * checker against it: BFS with immer's produce for each step, the model's own
 * canonicalize, and states keyed by a key-sorted JSON string in a Map (key ->
 * BFS depth).
 */
import { produce } from 'immer';
import type { Model } from '../../model/core.js';

/** JSON with object keys sorted: equal values, equal strings, whatever the key order. */
export function stable(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'undefined';
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stable(o[k])}`).join(',')}}`;
}

export function naive<S, P>(m: Model<S, P>, p: P): { states: number; edges: number; depth: number; seen: Map<string, number> } {
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
  return { states: seen.size, edges, depth, seen };
}
