/**
 * What a model may declare to shape its vectors, as an optional `vectors`
 * field on the model object (model/core.ts does not know it; `deriveModel`
 * copies it to variants, so a variant of `ring-api` observes like `ring-api`):
 *
 * - `observe(rule, pre, post, p, choice)`: what an implementation must observe
 *   after the step (default: the whole state after the step);
 * - `args(rule, pre, p, choice)`: what the caller passes to the call (default:
 *   none; the choice, if any, is recorded as `choice`);
 * - `boundaries`: named transitions a driver author wants a vector for (the
 *   ring full, an index crossing 2^32...), each found as the shortest path
 *   ending in a transition that `hits`; `params` gives other parameters to try
 *   when the user's parameters cannot reach it (e.g. a `startIndex` near 2^32).
 *   A boundary may instead be a `probe`: a call that changes nothing (a
 *   hypercall Xen refuses), appended to the shortest path to the first state
 *   where it `hits`; `probes` computes what such a call observes.
 *
 * Models that leave their vocabulary to conformance/ (grant, xenbus, limiter)
 * get their hooks from {@link registerHooks}: hooksOf looks a model up by its
 * name, then by the name of the base model its variants are named after
 * (`grant-xsa396` -> `grant`).
 */
import type { Model } from '../model/core.js';
import type { Json } from './format.js';

export type Obs = Readonly<Record<string, Json>>;

export interface StepView<S> {
  readonly rule: string;
  readonly choice: unknown;
  readonly pre: S;
  readonly post: S;
  readonly obs: Obs;
}

export interface Probe<S, P> {
  /** The call recorded in the step (a key of `VectorHooks.probes`). */
  readonly call: string;
  readonly actor?: string;
  /** Candidate arguments at a state, tried in order. */
  readonly args: (s: S, p: P) => readonly Obs[];
  /** Whether the observation of the call with these args is the one the boundary wants. */
  readonly hits: (obs: Obs, s: S, p: P) => boolean;
}

export interface Boundary<S, P> {
  /** Short, file-name safe: `ring-full`, `req_prod-wraps`. */
  readonly name: string;
  /** One line for the vector's reason. */
  readonly reason: string;
  /** A transition of the graph that witnesses the boundary (give `hits` or `probe`). */
  readonly hits?: (x: StepView<S>, p: P) => boolean;
  /** A call appended to a path, that changes nothing. */
  readonly probe?: Probe<S, P>;
  /** Parameters to search instead when the user's parameters do not reach the boundary. */
  readonly params?: (p: P) => P;
}

export interface VectorHooks<S, P> {
  readonly observe?: (rule: string, pre: S, post: S, p: P, choice: unknown) => Obs;
  /** `post` is the state after the step (for arguments only known once the call is made: the page a grant names). */
  readonly args?: (rule: string, pre: S, p: P, choice: unknown, post: S) => Obs | undefined;
  readonly boundaries?: readonly Boundary<S, P>[];
  /** Calls that change nothing, by name: what they observe in a state with these args. */
  readonly probes?: Readonly<Record<string, (s: S, p: P, args: Obs) => Obs>>;
  /** The exploration bound when the user gives no `--max-states` (default 200000): for models too big to explore whole. */
  readonly maxStates?: number;
}

const registry = new Map<string, VectorHooks<any, any>>();

/** Declares the hooks of a model (and of its variants named `<name>-...`) from outside the model. */
export function registerHooks<S, P>(modelName: string, h: VectorHooks<S, P>): void {
  registry.set(modelName, h);
}

/** The model's vector hooks, if it declares any (on the model, or registered for its name or its base's). */
export function hooksOf<S, P>(m: Model<S, P>): VectorHooks<S, P> {
  const v = (m as Model<S, P> & { vectors?: VectorHooks<S, P> }).vectors;
  if (v && typeof v === 'object') return v;
  const byName = registry.get(m.name);
  if (byName) return byName;
  for (const [name, h] of registry) if (m.name.startsWith(name + '-')) return h;
  return {};
}
