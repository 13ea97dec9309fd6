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
 */
import type { Model } from '../model/core.js';
import type { Json } from './format.js';

export interface StepView<S> {
  readonly rule: string;
  readonly choice: unknown;
  readonly pre: S;
  readonly post: S;
  readonly obs: Readonly<Record<string, Json>>;
}

export interface Boundary<S, P> {
  /** Short, file-name safe: `ring-full`, `req_prod-wraps`. */
  readonly name: string;
  /** One line for the vector's reason. */
  readonly reason: string;
  readonly hits: (x: StepView<S>, p: P) => boolean;
  /** Parameters to search instead when the user's parameters do not reach the boundary. */
  readonly params?: (p: P) => P;
}

export interface VectorHooks<S, P> {
  readonly observe?: (rule: string, pre: S, post: S, p: P, choice: unknown) => Readonly<Record<string, Json>>;
  readonly args?: (rule: string, pre: S, p: P, choice: unknown) => Readonly<Record<string, Json>> | undefined;
  readonly boundaries?: readonly Boundary<S, P>[];
}

/** The model's vector hooks, if it declares any. */
export function hooksOf<S, P>(m: Model<S, P>): VectorHooks<S, P> {
  const v = (m as Model<S, P> & { vectors?: VectorHooks<S, P> }).vectors;
  return v && typeof v === 'object' ? v : {};
}
