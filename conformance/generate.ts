/**
 * Vector generation over any model: coverage suites (rules, edges or states),
 * the model's boundary suites, and regression vectors from traces.
 *
 * Coverage: every goal reachable in the explored graph gets a witness, the
 * shortest path from an initial state that reaches it (for a rule or an edge:
 * the shortest path to a state where it fires, then that transition). Goals are
 * taken deepest witness first (ties in discovery order); a goal already covered
 * by an earlier vector's path is skipped; so each vector is a shortest path
 * that covers at least one goal not yet covered, and the suite stops when all
 * reachable goals are covered. Everything runs in discovery order: the same
 * inputs give byte-identical suites.
 *
 * Walks (`walks: true`, `pvcheck vectors --walks`): instead of one shortest
 * path per goal, each vector is a walk from an initial state that goes on, by
 * a shortest path from where it stands, to the nearest edge that covers a goal
 * not yet covered, until no such edge is reachable from there or the walk has
 * `maxSteps` steps; the next vector starts again from the initial state nearest
 * to an uncovered goal. The goals covered are the same; the suite is far
 * smaller (grant's edges suite at the defaults: one shortest path per edge is
 * tens of thousands of vectors and gigabytes).
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Model } from '../model/core.js';
import { canonicalString } from '../checker/fingerprint.js';
import { immerApply, labelOf, transitionsOf } from '../checker/explore.js';
import type { Trace } from '../traces/format.js';
import { bind } from '../properties/bind.js';
import { explore, pathTo, type Graph } from './graph.js';
import { VECTOR_FORMAT, VECTOR_VERSION, type Json, type Suite, type Vector, type VectorStep } from './format.js';
import { hooksOf, type Obs, type StepView } from './hooks.js';
import './models.js'; // registers the vocabularies of grant, xenbus, limiter and netif-tx

export type Cover = 'rules' | 'edges' | 'states';
export const COVERS: readonly Cover[] = ['rules', 'edges', 'states'];

export interface GenerateOptions {
  readonly cover?: Cover;
  /** Add the model's boundary suites (default true). */
  readonly boundaries?: boolean;
  readonly maxStates?: number;
  /** Cover with long walks rather than one shortest path per goal (see above). */
  readonly walks?: boolean;
  /** With walks: the most steps a vector takes (default {@link WALK_MAX_STEPS}). */
  readonly maxSteps?: number;
}

/** The default length limit of a walk, in steps. */
export const WALK_MAX_STEPS = 1000;

export interface BoundaryReport {
  readonly name: string;
  readonly reason: string;
  /** The vector's id, or undefined when no explored path reaches the boundary. */
  readonly vector?: string;
  /** The parameters of the vector when they differ from the suite's. */
  readonly params?: Readonly<Record<string, number | string | boolean>>;
}

export interface SuiteReport {
  readonly model: string;
  readonly params: Readonly<Record<string, number | string | boolean>>;
  readonly cover: Cover;
  /** Whether the coverage vectors are walks (each covering many goals) or one shortest path per goal. */
  readonly walks: boolean;
  readonly states: number;
  readonly edges: number;
  /** False when exploration stopped at maxStates: coverage is of the explored part. */
  readonly complete: boolean;
  /** Goals of the chosen kind in the explored graph, and how many the suite covers. */
  readonly goals: number;
  readonly covered: number;
  /** Rules that fire nowhere in the explored graph (unreachable goals for `rules`). */
  readonly unreachableRules: readonly string[];
  readonly coverageVectors: number;
  readonly boundaries: readonly BoundaryReport[];
  readonly vectors: number;
  readonly steps: number;
}

const plain = (v: unknown): Json => (v === undefined ? null : (JSON.parse(JSON.stringify(v)) as Json));
const pad = (n: number): string => String(n).padStart(3, '0');

function paramsRecord(p: unknown): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {};
  for (const [k, v] of Object.entries(p as object))
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[k] = v;
  return out;
}

/** The step a vector records for one transition. */
export function stepOf<S, P>(
  model: Model<S, P>,
  params: P,
  ruleIndex: number,
  hasChoice: boolean,
  choice: unknown,
  pre: S,
  post: S,
): { step: VectorStep; view: StepView<S> } {
  const h = hooksOf(model);
  const rule = model.rules[ruleIndex]!;
  const obs = h.observe ? h.observe(rule.name, pre, post, params, choice) : (post as unknown as Record<string, Json>);
  const args = h.args?.(rule.name, pre, params, choice, post);
  const step: VectorStep = {
    call: rule.name,
    ...(rule.actor !== undefined ? { actor: rule.actor } : {}),
    ...(args !== undefined ? { args: plain(args) as Record<string, Json> } : {}),
    ...(hasChoice ? { choice: plain(choice) } : {}),
    expect: plain(obs) as Record<string, Json>,
  };
  return { step, view: { rule: rule.name, choice, pre, post, obs: step.expect } };
}

/** The step a vector records for a probe: a call that changes nothing. */
export function probeStep(call: string, actor: string | undefined, args: Obs, obs: Obs): VectorStep {
  return { call, ...(actor !== undefined ? { actor } : {}), args: plain(args) as Record<string, Json>, expect: plain(obs) as Record<string, Json> };
}

function vectorOf<S, P>(g: Graph<S, P>, path: readonly number[], target: number, meta: { id: string; suite: Suite; reason: string; covers?: string[] }): Vector {
  const start = path.length ? g.edges[path[0]!]!.from : target;
  return {
    format: VECTOR_FORMAT,
    version: VECTOR_VERSION,
    id: meta.id,
    model: g.model.name,
    params: paramsRecord(g.params),
    suite: meta.suite,
    reason: meta.reason,
    ...(meta.covers ? { covers: meta.covers } : {}),
    init: plain(g.states[start]),
    steps: path.map((eid) => {
      const e = g.edges[eid]!;
      return stepOf(g.model, g.params, e.rule, e.hasChoice, e.choice, g.states[e.from]!, g.states[e.to]!).step;
    }),
  };
}

const edgeName = <S, P>(g: Graph<S, P>, eid: number): string => {
  const e = g.edges[eid]!;
  return `s${e.from} ${e.label} s${e.to}`;
};

const list = (xs: readonly string[], n = 4): string => (xs.length <= n ? xs.join(', ') : `${xs.slice(0, n).join(', ')} and ${xs.length - n} more`);

/** The coverage suite of a graph: shortest paths, or walks with `opt.walks`. */
export function coverageVectors<S, P>(
  g: Graph<S, P>,
  cover: Cover,
  opt: { walks?: boolean; maxSteps?: number } = {},
): { vectors: Vector[]; goals: number; covered: number; unreachableRules: string[] } {
  const rules = g.model.rules;
  const firstEdge = new Array<number>(rules.length).fill(-1);
  for (const e of g.edges) if (firstEdge[e.rule] === -1) firstEdge[e.rule] = e.id;
  // a rule that does not exist at these parameters (inactive in the bound system) is not a coverage goal
  const unreachableRules = rules.filter((_, i) => firstEdge[i] === -1 && !g.sys.rules[i]!.inactive).map((r) => r.name);

  // goals: a name, the length of its witness (a shortest path, edge ids) and its end state; the
  // goals each edge of a path covers. The witness itself is built only for a goal that gets a
  // vector of its own: on `edges` and `states` suites a path per goal would hold every edge
  // `depth` times over (and walks need none of them).
  interface GoalW { name: string; length: number; last: number; target: number; order: number }
  const goals: GoalW[] = [];
  /** A goal's witness: the BFS-tree path to its last edge's source, then that edge (last -1: the path to the target). */
  const witness = (gw: GoalW): number[] => (gw.last < 0 ? pathTo(g, gw.target) : [...pathTo(g, g.edges[gw.last]!.from), gw.last]);
  /** The goal an edge covers: its rule, itself, or the state it enters (goal ids index rules, edges or states). */
  const goalOf = (eid: number): number => {
    const e = g.edges[eid]!;
    return cover === 'rules' ? e.rule : cover === 'edges' ? eid : e.to;
  };
  if (cover === 'rules') {
    rules.forEach((r, i) => {
      const eid = firstEdge[i]!;
      if (eid < 0) return;
      const e = g.edges[eid]!;
      goals.push({ name: r.name, length: g.depth[e.from]! + 1, last: eid, target: e.to, order: i });
    });
  } else if (cover === 'edges') {
    for (const e of g.edges) goals.push({ name: edgeName(g, e.id), length: g.depth[e.from]! + 1, last: e.id, target: e.to, order: e.id });
  } else {
    g.states.forEach((_, i) => goals.push({ name: `s${i}`, length: g.depth[i]!, last: -1, target: i, order: i }));
  }
  const key = (gw: GoalW): number => gw.order; // goal id within its kind
  const covered = new Uint8Array(cover === 'rules' ? rules.length : cover === 'edges' ? g.edges.length : g.states.length);
  if (cover === 'states') for (const s of g.states.keys()) if (g.depth[s] === 0) covered[s] = 1; // initial states are in every vector
  const vectors: Vector[] = [];
  const byId = new Map(goals.map((gw) => [key(gw), gw.name]));
  /** Marks the goals of a path covered; returns the names of those it covers first. */
  const coverPath = (path: readonly number[]): string[] => {
    const names: string[] = [];
    for (const eid of path) {
      const k = goalOf(eid);
      if (!covered[k]) {
        covered[k] = 1;
        names.push(byId.get(k)!);
      }
    }
    return names;
  };
  const noun = (n: number): string => `${cover === 'rules' ? 'rule' : cover === 'edges' ? 'edge' : 'state'}${n === 1 ? '' : 's'}`;
  if (opt.walks) {
    const maxSteps = opt.maxSteps ?? WALK_MAX_STEPS;
    const n = g.states.length;
    const stamp = new Int32Array(n); // the search that last reached a state
    const entered = new Int32Array(n); // the edge it was entered by in that search (-1: a source)
    const queue = new Int32Array(n);
    let gen = 0;
    // the graph as flat arrays: the search below runs once per goal, over much of the graph near the end
    const outStart = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) outStart[i + 1] = outStart[i]! + g.out[i]!.length;
    const outEdge = Int32Array.from(g.out.flat());
    const edgeTo = Int32Array.from(g.edges, (e) => e.to);
    const edgeFrom = Int32Array.from(g.edges, (e) => e.from);
    const edgeGoal = Int32Array.from(g.edges, (e) => goalOf(e.id));
    /** The edges of a shortest path from one of `sources` through the first edge with an uncovered goal (breadth first, in the checker's transition order). */
    const nearest = (sources: readonly number[]): number[] | undefined => {
      gen++;
      let tail = 0;
      for (const s of sources)
        if (stamp[s] !== gen) {
          stamp[s] = gen;
          entered[s] = -1;
          queue[tail++] = s;
        }
      for (let head = 0; head < tail; head++) {
        const s = queue[head]!;
        for (let j = outStart[s]!, end = outStart[s + 1]!; j < end; j++) {
          const eid = outEdge[j]!;
          if (!covered[edgeGoal[eid]!]) {
            const path = [eid];
            for (let cur = s; entered[cur]! >= 0; cur = edgeFrom[entered[cur]!]!) path.push(entered[cur]!);
            return path.reverse();
          }
          const t = edgeTo[eid]!;
          if (stamp[t] !== gen) {
            stamp[t] = gen;
            entered[t] = eid;
            queue[tail++] = t;
          }
        }
      }
      return undefined;
    };
    const inits = [...g.states.keys()].filter((i) => g.depth[i] === 0);
    for (let first = nearest(inits); first !== undefined; first = nearest(inits)) {
      const path = [...first];
      const names = coverPath(first);
      while (path.length < maxSteps) {
        const leg = nearest([g.edges[path[path.length - 1]!]!.to]);
        if (leg === undefined || path.length + leg.length > maxSteps) break;
        path.push(...leg);
        names.push(...coverPath(leg));
      }
      const end = g.edges[path[path.length - 1]!]!.to;
      vectors.push(
        vectorOf(g, path, end, {
          id: `${g.model.name}-${cover}-${pad(vectors.length + 1)}`,
          suite: cover,
          reason: `walk of ${path.length} step${path.length === 1 ? '' : 's'}; covers ${names.length} new ${noun(names.length)}: ${list(names)}`,
          covers: names,
        }),
      );
    }
  }
  const sorted = opt.walks ? [] : [...goals].sort((a, b) => b.length - a.length || a.order - b.order);
  for (const gw of sorted) {
    if (covered[key(gw)]) continue;
    const path = witness(gw);
    const names = coverPath(path);
    vectors.push(
      vectorOf(g, path, gw.target, {
        id: `${g.model.name}-${cover}-${pad(vectors.length + 1)}`,
        suite: cover,
        reason: `shortest path to ${gw.name}; covers ${names.length} new ${noun(names.length)}: ${list(names)}`,
        covers: names,
      }),
    );
  }
  // initial states with no vector (a model with no transitions at all)
  if (cover === 'states' && vectors.length === 0 && g.states.length > 0)
    vectors.push(vectorOf(g, [], 0, { id: `${g.model.name}-states-001`, suite: 'states', reason: 'the initial state (no transitions)', covers: ['s0'] }));
  return { vectors, goals: goals.length, covered: goals.filter((gw) => covered[key(gw)]).length, unreachableRules };
}

/** The boundary suites of a model: one vector per declared boundary it can reach. */
export function boundaryVectors<S, P>(g: Graph<S, P>, opt: { maxStates?: number } = {}): { vectors: Vector[]; report: BoundaryReport[] } {
  const h = hooksOf(g.model);
  const vectors: Vector[] = [];
  const report: BoundaryReport[] = [];
  const graphs = new Map<string, Graph<S, P> | undefined>([[canonicalString(g.params), g]]);
  const graphAt = (p: P): Graph<S, P> | undefined => {
    const k = canonicalString(p);
    if (!graphs.has(k)) {
      const r = explore(g.model, p, opt);
      graphs.set(k, E.isRight(r) ? r.right : undefined);
    }
    return graphs.get(k);
  };
  // each edge's step view computed once per graph, shared by every boundary (ring-api's 31 boundaries scanned
  // 46,497 edges each at its defaults, most of them searching the whole graph for a 2^32 crossing it cannot have)
  const views = new Map<Graph<S, P>, StepView<S>[]>();
  const viewsOf = (gg: Graph<S, P>): ((id: number) => StepView<S>) => {
    let vs = views.get(gg);
    if (!vs) views.set(gg, (vs = []));
    const cache = vs;
    return (id: number) => {
      let v = cache[id];
      if (v === undefined) {
        const e = gg.edges[id]!;
        v = cache[id] = stepOf(gg.model, gg.params, e.rule, e.hasChoice, e.choice, gg.states[e.from]!, gg.states[e.to]!).view;
      }
      return v;
    };
  };
  for (const b of h.boundaries ?? []) {
    if (b.probe) {
      const pr = b.probe;
      const obsOf = h.probes?.[pr.call];
      let found: { state: number; step: VectorStep } | undefined;
      if (obsOf)
        for (let i = 0; i < g.states.length && !found; i++) {
          const s = g.states[i]!;
          for (const args of pr.args(s, g.params)) {
            const obs = obsOf(s, g.params, args);
            if (pr.hits(obs, s, g.params)) {
              found = { state: i, step: probeStep(pr.call, pr.actor, args, obs) };
              break;
            }
          }
        }
      if (!found) {
        report.push({ name: b.name, reason: b.reason });
        continue;
      }
      const id = `${g.model.name}-boundary-${b.name}`;
      const v = vectorOf(g, pathTo(g, found.state), found.state, { id, suite: 'boundary', reason: b.reason, covers: [b.name] });
      vectors.push({ ...v, steps: [...v.steps, found.step] });
      report.push({ name: b.name, reason: b.reason, vector: id });
      continue;
    }
    const hits = b.hits;
    if (!hits) continue;
    const find = (gg: Graph<S, P>): number => {
      const vs = viewsOf(gg);
      for (const e of gg.edges) if (hits(vs(e.id), gg.params)) return e.id;
      return -1;
    };
    let gg: Graph<S, P> | undefined = g;
    let eid = find(g);
    if (eid < 0 && b.params) {
      gg = graphAt(b.params(g.params));
      eid = gg ? find(gg) : -1;
    }
    if (eid < 0 || !gg) {
      report.push({ name: b.name, reason: b.reason });
      continue;
    }
    const id = `${g.model.name}-boundary-${b.name}`;
    const e = gg.edges[eid]!;
    vectors.push(vectorOf(gg, [...pathTo(gg, e.from), eid], e.to, { id, suite: 'boundary', reason: b.reason, covers: [b.name] }));
    report.push({ name: b.name, reason: b.reason, vector: id, ...(gg !== g ? { params: paramsRecord(gg.params) } : {}) });
  }
  return { vectors, report };
}

/** A coverage suite plus the boundary suites, with the report of what they reach. */
export function generateSuite<S, P>(model: Model<S, P>, params: P, opt: GenerateOptions = {}): E.Either<string, { vectors: Vector[]; report: SuiteReport }> {
  // vectors are steps an implementation runs: a model that checks a quotient (Model.refinement) gives the faithful model's
  const faithful = model.refinement?.(params)?.params ?? params;
  return guarded(model, () => generateSuiteUnguarded(model, faithful, opt));
}

/** A vocabulary (hooks) that throws on a state it does not expect (a user's model named like a built-in) is a Left, not a crash. */
function guarded<S, P, A>(model: Model<S, P>, f: () => E.Either<string, A>): E.Either<string, A> {
  try {
    return f();
  } catch (e) {
    return E.left(`model ${model.name}: vector observation failed: ${String((e as Error)?.message ?? e).split('\n')[0]}`);
  }
}

function generateSuiteUnguarded<S, P>(model: Model<S, P>, params: P, opt: GenerateOptions): E.Either<string, { vectors: Vector[]; report: SuiteReport }> {
  const cover = opt.cover ?? 'rules';
  const maxStates = opt.maxStates ?? hooksOf(model).maxStates;
  const eg = explore(model, params, maxStates !== undefined ? { maxStates } : {});
  if (E.isLeft(eg)) return eg;
  const g = eg.right;
  const walks = opt.walks === true;
  const cov = coverageVectors(g, cover, { walks, ...(opt.maxSteps !== undefined ? { maxSteps: opt.maxSteps } : {}) });
  const bnd = opt.boundaries === false ? { vectors: [], report: [] } : boundaryVectors(g, maxStates !== undefined ? { maxStates } : {});
  const vectors = [...cov.vectors, ...bnd.vectors];
  return E.right({
    vectors,
    report: {
      model: model.name,
      params: paramsRecord(params),
      cover,
      walks,
      states: g.states.length,
      edges: g.edges.length,
      complete: g.complete,
      goals: cov.goals,
      covered: cov.covered,
      unreachableRules: cov.unreachableRules,
      coverageVectors: cov.vectors.length,
      boundaries: bnd.report,
      vectors: vectors.length,
      steps: vectors.reduce((n, v) => n + v.steps.length, 0),
    },
  });
}

/**
 * A regression vector from a trace (a counterexample or any path of the
 * model): the trace's steps are replayed on the model (each action must be
 * enabled and lead to the recorded state), and each step's observation is
 * recorded. Left: the step at which the trace does not replay.
 */
export function vectorFromTrace<S, P>(model: Model<S, P>, params: P, trace: Trace, source = 'a trace'): E.Either<string, Vector> {
  return guarded(model, () => vectorFromTraceUnguarded(model, params, trace, source));
}

function vectorFromTraceUnguarded<S, P>(model: Model<S, P>, params: P, trace: Trace, source: string): E.Either<string, Vector> {
  const bound = bind(model, params, { noGoals: true });
  if (E.isLeft(bound)) return bound;
  const sys = bound.right;
  const apply = immerApply(sys);
  if (trace.steps.length === 0) return E.left('the trace has no steps');
  const k0 = canonicalString(trace.steps[0]!.state);
  const init = sys.init.find((s) => canonicalString(s) === k0);
  if (init === undefined) return E.left(`step 0: the trace's first state is not an initial state of model ${model.name} at these parameters`);
  let cur: S = init;
  const steps: VectorStep[] = [];
  for (let i = 1; i < trace.steps.length; i++) {
    const st = trace.steps[i]!;
    const ts = transitionsOf(sys, cur, apply);
    const key = canonicalString(st.state);
    const cands = ts.filter((t) => st.action === null || labelOf(sys, t) === st.action);
    const t = cands.find((c) => canonicalString(c.next) === key);
    if (!t) {
      const what = st.action ?? '(unnamed action)';
      return E.left(
        cands.length === 0
          ? `step ${i}: ${what} is not enabled in model ${model.name} (enabled: ${ts.map((x) => labelOf(sys, x)).join(', ') || 'none'})`
          : `step ${i}: ${what} does not lead to the recorded state in model ${model.name}`,
      );
    }
    steps.push(stepOf(model, params, t.rule, t.hasChoice, t.choice, cur, t.next).step);
    cur = t.next;
  }
  const prop = trace.property;
  const safe = prop.name.replace(/[^A-Za-z0-9_.-]+/g, '_');
  return E.right({
    format: VECTOR_FORMAT,
    version: VECTOR_VERSION,
    id: `${model.name}-regression-${safe}`,
    model: model.name,
    params: paramsRecord(params),
    suite: 'regression',
    reason:
      prop.kind === 'none'
        ? `regression: replays ${source} (${steps.length} steps)`
        : `regression: ${prop.kind} ${prop.name} from ${source} (${steps.length} steps)`,
    covers: [prop.name],
    init: plain(init),
    steps,
  });
}
