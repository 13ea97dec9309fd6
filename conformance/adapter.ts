/**
 * Running vectors against an implementation under test. An {@link Adapter}
 * drives the implementation: `reset(vector)` before each vector (a fresh
 * instance with the vector's parameters), `apply(step)` for each step (make
 * the call, return what the implementation observes). The runner compares
 * every field of the step's `expect` with the observation and reports the
 * first mismatch of each vector, naming the vector, the step and the field.
 *
 * {@link modelAdapter} runs a model itself as the implementation: the reference
 * a suite must pass, and a way to check a variant against a base model's vectors.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Model } from '../model/core.js';
import { resolveParams } from '../model/params.js';
import { bind } from '../properties/bind.js';
import { immerApply, transitionsOf } from '../checker/explore.js';
import { canonicalString } from '../checker/fingerprint.js';
import type { System } from '../checker/system.js';
import type { Json, Vector, VectorStep } from './format.js';
import { stepOf } from './generate.js';
import { hooksOf } from './hooks.js';

const plainObs = (o: Observation): Observation => JSON.parse(JSON.stringify(o)) as Observation;

export type Observation = Readonly<Record<string, Json>>;

export interface Adapter {
  /** Called before each vector's first step. */
  reset(v: Vector): void | Promise<void>;
  /** Performs one step; returns what the implementation observes. Throwing fails the step. */
  apply(step: VectorStep, v: Vector): Observation | Promise<Observation>;
  /**
   * For an implementation of part of the API (netback's credit arithmetic of
   * the limiter): the fields it observes; the runner compares only those.
   * Default: every field of `expect`.
   */
  readonly observes?: (field: string) => boolean;
}

export interface Mismatch {
  readonly vector: string;
  /** 1-based step number. */
  readonly step: number;
  readonly call: string;
  /** The field that differs, or `(error)` when the adapter threw. */
  readonly field: string;
  readonly expected: Json | undefined;
  readonly got: Json | undefined;
  readonly message: string;
}

export interface RunReport {
  readonly vectors: number;
  readonly passed: number;
  readonly steps: number;
  readonly mismatches: readonly Mismatch[];
}

const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));

/** Compares one observation with a step's expectation; the first differing field, in the expectation's order. */
export function compareStep(vector: string, n: number, step: VectorStep, got: Observation, observes?: (field: string) => boolean): Mismatch | undefined {
  for (const [field, want] of Object.entries(step.expect)) {
    if (observes && !observes(field)) continue;
    const have = got[field];
    if (have === undefined || canonicalString(have) !== canonicalString(want))
      return {
        vector,
        step: n,
        call: step.call,
        field,
        expected: want,
        got: have,
        message: `vector ${vector} step ${n} (${step.call}): ${field} expected ${show(want)} got ${show(have)}`,
      };
  }
  return undefined;
}

/** Runs a suite; with `stopAtFirst` (default) it stops at the first mismatch of the suite. */
export async function runSuite(vs: readonly Vector[], adapter: Adapter, opt: { stopAtFirst?: boolean } = {}): Promise<RunReport> {
  const stopAtFirst = opt.stopAtFirst ?? true;
  const mismatches: Mismatch[] = [];
  let passed = 0;
  let steps = 0;
  let run = 0;
  for (const v of vs) {
    run++;
    let bad: Mismatch | undefined;
    try {
      await adapter.reset(v);
    } catch (e) {
      bad = { vector: v.id, step: 0, call: 'reset', field: '(error)', expected: undefined, got: undefined, message: `vector ${v.id}: reset failed: ${(e as Error).message}` };
    }
    for (let i = 0; !bad && i < v.steps.length; i++) {
      const s = v.steps[i]!;
      steps++;
      try {
        bad = compareStep(v.id, i + 1, s, await adapter.apply(s, v), adapter.observes);
      } catch (e) {
        bad = { vector: v.id, step: i + 1, call: s.call, field: '(error)', expected: undefined, got: undefined, message: `vector ${v.id} step ${i + 1} (${s.call}): ${(e as Error).message}` };
      }
    }
    if (bad) {
      mismatches.push(bad);
      if (stopAtFirst) break;
    } else passed++;
  }
  return { vectors: run, passed, steps, mismatches };
}

/**
 * An adapter that runs a model (any model: a base, a variant, a user's file)
 * as the implementation: each step fires the enabled transition of the call's
 * rule (with the recorded choice, if any) and observes what the vector
 * generator would record for it.
 */
export function modelAdapter<S, P>(model: Model<S, P>): Adapter {
  let params: P | undefined;
  let cur: S | undefined;
  let sys: System<S> | undefined;
  let apply: ((r: number, s: S, a: unknown) => S) | undefined;
  return {
    reset(v) {
      const p = resolveParams(model.params, v.params);
      if (E.isLeft(p)) throw new Error(p.left);
      const b = bind(model, p.right, { noGoals: true });
      if (E.isLeft(b)) throw new Error(b.left);
      params = p.right;
      sys = b.right;
      apply = immerApply(sys);
      const k = v.init === undefined ? undefined : canonicalString(v.init);
      const init = b.right.init;
      cur = k === undefined ? init[0] : init.find((s) => canonicalString(s) === k);
      if (cur === undefined) throw new Error(`the vector's init is not an initial state of model ${model.name}`);
    },
    apply(step) {
      if (!sys || !apply) throw new Error('apply before reset');
      const rules = sys.rules;
      const probe = hooksOf(model).probes?.[step.call];
      if (probe && !rules.some((r) => r.name === step.call)) return plainObs(probe(cur as S, params as P, step.args ?? {}));
      const ts = transitionsOf(sys, cur as S, apply).filter((t) => rules[t.rule]!.name === step.call);
      const ck = step.choice === undefined ? undefined : canonicalString(step.choice);
      const t = ts.find((x) => ck === undefined || (x.hasChoice && canonicalString(x.choice) === ck));
      if (!t) throw new Error(`${step.call} is not enabled in model ${model.name}`);
      const obs = stepOf(model, params as P, t.rule, t.hasChoice, t.choice, cur as S, t.next).step.expect;
      cur = t.next;
      return obs;
    },
  };
}
