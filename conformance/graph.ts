/**
 * The explored state graph vectors are cut from. A breadth-first search from
 * the initial states, over the checker's own transition enumeration
 * (`transitionsOf` + `immerApply` of checker/explore.ts, so the order of
 * transitions is the checker's), keyed by `canonicalString`, keeping every
 * state and every edge. No symmetry reduction: a vector must be a concrete
 * path. Everything is in discovery order, so the same model and parameters
 * give the same graph, and the same vectors, on every run.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Model } from '../model/core.js';
import { bind } from '../properties/bind.js';
import { immerApply, labelOf, transitionsOf } from '../checker/explore.js';
import { canonicalString } from '../checker/fingerprint.js';
import type { System } from '../checker/system.js';

export interface Edge {
  /** Index of the edge in discovery order. */
  readonly id: number;
  readonly from: number;
  readonly to: number;
  /** Index of the rule in the model's rule list. */
  readonly rule: number;
  readonly hasChoice: boolean;
  readonly choice: unknown;
  /** The checker's action label: the rule name, or `name(choice)`. */
  readonly label: string;
}

export interface Graph<S, P> {
  readonly model: Model<S, P>;
  readonly params: P;
  readonly sys: System<S>;
  /** States in discovery (BFS) order; ids index this array. */
  readonly states: readonly S[];
  readonly depth: readonly number[];
  /** The edge a shortest path enters each state by (-1 for initial states). */
  readonly parentEdge: readonly number[];
  readonly edges: readonly Edge[];
  /** Edge ids leaving each state, in the checker's transition order. */
  readonly out: readonly (readonly number[])[];
  /** Whether the search stopped at `maxStates` (some states were not expanded). */
  readonly complete: boolean;
}

export interface ExploreOptions {
  /** Stop expanding after this many distinct states (default 200000). */
  readonly maxStates?: number;
}

/** Explores the whole reachable graph of `model` at `params` (up to maxStates). */
export function explore<S, P>(model: Model<S, P>, params: P, opt: ExploreOptions = {}): E.Either<string, Graph<S, P>> {
  const bound = bind(model, params, { noGoals: true });
  if (E.isLeft(bound)) return bound;
  const sys = bound.right;
  const apply = immerApply(sys);
  const max = opt.maxStates ?? 200_000;
  const ids = new Map<string, number>();
  const states: S[] = [];
  const depth: number[] = [];
  const parentEdge: number[] = [];
  const edges: Edge[] = [];
  const out: number[][] = [];
  const add = (s: S, d: number, pe: number): number => {
    const k = canonicalString(s);
    const old = ids.get(k);
    if (old !== undefined) return old;
    const id = states.length;
    ids.set(k, id);
    states.push(s);
    depth.push(d);
    parentEdge.push(pe);
    out.push([]);
    return id;
  };
  for (const s of sys.init) add(s, 0, -1);
  let complete = true;
  for (let i = 0; i < states.length; i++) {
    if (states.length > max) {
      complete = false;
      break;
    }
    const s = states[i]!;
    let ts;
    try {
      ts = transitionsOf(sys, s, apply);
    } catch (e) {
      return E.left(`model ${model.name}: a rule failed in state ${i}: ${(e as Error).message}`);
    }
    for (const t of ts) {
      const eid = edges.length;
      const to = add(t.next, depth[i]! + 1, eid);
      edges.push({ id: eid, from: i, to, rule: t.rule, hasChoice: t.hasChoice, choice: t.choice, label: labelOf(sys, t) });
      out[i]!.push(eid);
    }
  }
  return E.right({ model, params, sys, states, depth, parentEdge, edges, out, complete });
}

/** The edges of a shortest path from an initial state to state `id`. */
export function pathTo<S, P>(g: Graph<S, P>, id: number): number[] {
  const path: number[] = [];
  let cur = id;
  while (g.parentEdge[cur]! >= 0) {
    const e = g.edges[g.parentEdge[cur]!]!;
    path.push(e.id);
    cur = e.from;
  }
  return path.reverse();
}

/** The initial state a path of edges starts from. */
export function pathStart<S, P>(g: Graph<S, P>, path: readonly number[], target: number): number {
  return path.length ? g.edges[path[0]!]!.from : target;
}
