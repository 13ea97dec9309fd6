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
        if (rule.applies && !rule.applies(p)) continue; // model/core.ts: a rule that does not apply is never enabled
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

/**
 * The whole concrete graph of `m` at `p` (no canonicalize: vectors are
 * concrete paths), from the model API alone: state keys, and edge keys
 * `from|rule|choice|to` (choice as stable JSON, `-` for a rule without
 * choices). Rules that do not apply at `p` never fire. For tests that check
 * what vectors claim to cover.
 */
export function naiveGraph<S, P>(m: Model<S, P>, p: P, maxStates = 200_000): { states: Map<string, S>; edges: Set<string>; rules: Set<string> } {
  const states = new Map<string, S>();
  const edges = new Set<string>();
  const rules = new Set<string>();
  let frontier: S[] = [];
  for (const s of m.init(p)) {
    const k = stable(s);
    if (!states.has(k)) { states.set(k, s); frontier.push(s); }
  }
  while (frontier.length) {
    const next: S[] = [];
    for (const s of frontier)
      for (const a of naiveSteps(m, p, s)) {
        edges.add(`${stable(s)}|${a.rule}|${a.choice}|${a.key}`);
        rules.add(a.rule);
        if (!states.has(a.key)) {
          if (states.size >= maxStates) throw new Error(`naiveGraph: ${m.name} has more than ${maxStates} states`);
          states.set(a.key, a.next);
          next.push(a.next);
        }
      }
    frontier = next;
  }
  return { states, edges, rules };
}

/** Every transition of `m` from `s`: rule name, choice as stable JSON (`-` for none), next state and its key. */
export function naiveSteps<S, P>(m: Model<S, P>, p: P, s: S): { rule: string; choice: string; next: S; key: string }[] {
  const out: { rule: string; choice: string; next: S; key: string }[] = [];
  for (const rule of m.rules) {
    if (rule.applies && !rule.applies(p)) continue;
    const choices: readonly unknown[] | undefined = rule.choices ? rule.choices(s, p) : undefined;
    for (const a of choices ?? [undefined]) {
      if (rule.when && !rule.when(s, p, a as never)) continue;
      const next = produce(s, (d) => { rule.then(d as never, s, p, a as never); }) as S;
      out.push({ rule: rule.name, choice: choices ? stable(a) : '-', next, key: stable(next) });
    }
  }
  return out;
}
