/**
 * What the checker explores: a transition system with its parameters already
 * bound. The checker knows nothing of Xen or of models; `properties/bind.ts`
 * turns a model plus parameters into one of these.
 */

import type { Piece } from '../model/shape.js';

/** A guarded transition family. `then` mutates `d`, a private copy of `s`. */
export interface SysRule<S> {
  readonly name: string;
  readonly choices?: (s: S) => readonly unknown[];
  readonly label?: (a: unknown) => string;
  readonly when?: (s: S, a: unknown) => boolean;
  readonly then: (d: any, s: S, a: unknown) => void;
  /** The rule does not exist in this system (e.g. at these parameters): never enabled, not counted in coverage. */
  readonly inactive?: boolean;
  /**
   * The model's own rule and the parameters it is bound to, for generated
   * code that calls it directly (flatExpand.ts): `when`, `then` and `choices`
   * above are `direct.rule`'s with `direct.params` as their parameters and
   * with an exception turned into a fault naming the rule; the generated
   * code calls those again to raise the fault.
   */
  readonly direct?: { readonly rule: DirectRule<S>; readonly params: unknown };
}

/** A model's rule as `direct` calls it (model/core.ts's Rule, parameters passed explicitly). */
export interface DirectRule<S> {
  readonly when?: (s: S, p: any, a: any) => boolean;
  readonly then: (d: any, s: S, p: any, a: any) => void;
  readonly choices?: (s: S, p: any) => readonly unknown[];
}

export interface SysInvariant<S> {
  readonly name: string;
  readonly holds: (s: S) => boolean;
  /** As a rule's `direct`: the model's invariant and its parameters (`holds` is `direct.invariant.holds(s, direct.params)`). */
  readonly direct?: { readonly invariant: { readonly holds: (s: S, p: any) => boolean }; readonly params: unknown };
}

export interface SysObservable<S> {
  readonly name: string;
  readonly value: (s: S) => number;
}

export interface SysGoal<S> {
  readonly name: string;
  readonly reached: (s: S) => boolean;
}

/** Field names and widths of a flat state (every value an integer in `[0, 2^bits)`). */
export type FlatFields = readonly { readonly name: string; readonly bits: number }[];

export interface System<S> {
  readonly init: readonly S[];
  readonly rules: readonly SysRule<S>[];
  readonly invariants: readonly SysInvariant<S>[];
  readonly isValidEnd?: (s: S) => boolean;
  /** Present when every state is a flat record of small integers: enables the packed fast path. */
  readonly flat?: FlatFields;
  /** The shape of every state (model/shape.ts): enables the packed path for nested states (codec.ts). */
  readonly shape?: Piece;
  /**
   * With a shape: the sizes of its scalarsets. Symmetry reduction on packed
   * words (symmetry.ts); `canonicalize` is then the same reduction on objects.
   */
  readonly scalarsets?: Readonly<Record<string, number>>;
  /** The scalarset canonicalised by first use rather than by trying its every permutation (symmetry.ts). */
  readonly firstUse?: string;
  /** Symmetry reduction: states are identified by the fingerprint of their representative. */
  readonly canonicalize?: (s: S) => S;
  readonly observables?: readonly SysObservable<S>[];
  readonly goals?: readonly SysGoal<S>[];
}

/** One transition out of a state. */
export interface Transition<S> {
  readonly rule: number;
  readonly choice: unknown;
  readonly hasChoice: boolean;
  readonly next: S;
}
