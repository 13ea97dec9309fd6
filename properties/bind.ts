/**
 * Binds a model to parameters and a selection of its invariants, giving the
 * generic transition system the checker explores.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Model } from '../model/core.js';
import type { System } from '../checker/system.js';
import { shapeCodec } from '../checker/codec.js';
import { MAX_GROUP, groupSize, objectCanonicalizer } from '../checker/symmetry.js';
import type { Shape } from '../model/shape.js';
import { fault, type FaultSite, type ModelFault } from './fault.js';
import { STUCK, withStuck } from './stuck.js';

export interface BindOptions {
  /** Check only these invariants (by name); default all of the model's. */
  readonly invariants?: readonly string[];
  /** Drop the model's recoverability goals (they cost memory: the whole graph is kept). */
  readonly noGoals?: boolean;
}

/** The names the CLI accepts for `--invariant`: the model's invariants and its goals. */
export function propertyNames(m: Model): string[] {
  return [...m.invariants.map((i) => i.name), ...(m.goals ?? []).map((g) => g.name)];
}

export function bind<S, P>(m: Model<S, P>, p: P, opt: BindOptions = {}): E.Either<string, System<S>> {
  const wanted = opt.invariants;
  if (wanted) {
    const known = new Set(propertyNames(m));
    for (const w of wanted) {
      if (w === STUCK && !m.budgetedEvents && !known.has(w))
        return E.left(`model ${m.name} declares no budgeted events, so '${STUCK}' is not defined for it (a deadlock is: -i deadlock)`);
      if (!known.has(w) && w !== 'deadlock' && w !== STUCK)
        return E.left(`model ${m.name} has no invariant '${w}' (known: ${[...known, 'deadlock', ...(m.budgetedEvents ? [STUCK] : [])].join(', ')})`);
    }
  }
  // An exception in the model's code becomes a ModelFault naming the model, the rule or invariant, and the state.
  const fail = (site: FaultSite, owner: string, s: unknown, a: unknown, e: unknown): ModelFault => {
    const f = fault(site, owner, s, a, e);
    f.model ??= m as Model;
    f.params ??= p as object;
    return f;
  };
  /** `f` with an exception turned into a ModelFault naming `site` and `owner`. */
  const guarded =
    <R>(site: FaultSite, owner: string, f: (s: S) => R) =>
    (s: S): R => {
      try {
        return f(s);
      } catch (e) {
        throw fail(site, owner, s, undefined, e);
      }
    };
  const pick = <T extends { name: string }>(xs: readonly T[]): T[] =>
    wanted ? xs.filter((x) => wanted.includes(x.name)) : [...xs];
  let init: readonly S[];
  try {
    init = m.init(p);
  } catch (e) {
    return E.left(`model ${m.name}: init failed: ${(e as Error).message}`);
  }
  const goals = opt.noGoals ? [] : pick(m.goals ?? []);
  // A shape with scalarsets: symmetry on packed words, and the same reduction on objects for the reference path.
  let shape: Shape<S> | undefined;
  let canonicalize: ((s: S) => S) | undefined;
  try {
    shape = m.shape?.(p);
    // A variant whose states are not those of the shape (extra ghost fields,
    // say: deriveModel keeps the base's shape) runs on the reference path.
    if (shape && !init.every((s0) => shape!.state.is(s0))) shape = undefined;
    const sets = shape?.scalarsets;
    if (shape && sets && Object.values(sets).some((n) => n > 1) && groupSize(sets, shape.firstUse) <= MAX_GROUP)
      canonicalize = objectCanonicalizer(shapeCodec<S>(shape.state.piece), sets, shape.firstUse);
    else if (m.canonicalize) canonicalize = guarded('canonicalize', '', (s: S) => m.canonicalize!(s, p));
  } catch (e) {
    return E.left(`model ${m.name}: shape: ${(e as Error).message}`);
  }
  const sys: System<S> = {
    init,
    // Each call into the model's code turns an exception into a ModelFault
    // naming the rule or invariant and holding the state (properties/fault.ts).
    rules: m.rules.map((r) => r.applies && !r.applies(p) ? { name: r.name, inactive: true, when: () => false, then: () => {} } : ({
      name: r.name,
      direct: { rule: r, params: p },
      ...(r.choices ? { choices: guarded('choices', r.name, (s: S) => r.choices!(s, p)) } : {}),
      ...(r.showChoice
        ? {
            label: (a: unknown) => {
              try {
                return r.showChoice!(a);
              } catch (e) {
                throw fail('label', r.name, undefined, a, e);
              }
            },
          }
        : {}),
      ...(r.when
        ? {
            when: (s: S, a: unknown) => {
              try {
                return r.when!(s, p, a);
              } catch (e) {
                throw fail('guard', r.name, s, a, e);
              }
            },
          }
        : {}),
      then: (d: any, s: S, a: unknown) => {
        try {
          r.then(d, s, p, a);
        } catch (e) {
          throw fail('effect', r.name, s, a, e);
        }
      },
    })),
    invariants: pick(withStuck(m, p, wanted)).map((i) => ({ name: i.name, holds: guarded('invariant', i.name, (s: S) => i.holds(s, p)), direct: { invariant: i, params: p } })),
    ...(m.isValidEnd ? { isValidEnd: guarded('isValidEnd', '', (s: S) => m.isValidEnd!(s, p)) } : {}),
    ...(m.layout ? { flat: m.layout(p) } : {}),
    ...(shape ? { shape: shape.state.piece } : {}),
    ...(shape?.scalarsets && canonicalize && groupSize(shape.scalarsets, shape.firstUse) <= MAX_GROUP
      ? { scalarsets: shape.scalarsets, ...(shape.firstUse ? { firstUse: shape.firstUse } : {}) }
      : {}),
    ...(canonicalize ? { canonicalize } : {}),
    ...(m.observables?.length
      ? {
          observables: m.observables.map((o) => ({ name: o.name, value: guarded('observable', o.name, (s: S) => o.value(s, p)) })),
        }
      : {}),
    ...(goals.length
      ? {
          goals: goals.map((g) => ({ name: g.name, reached: guarded('goal', g.name, (s: S) => g.reached(s, p)) })),
        }
      : {}),
  };
  return E.right(sys);
}

/** Whether deadlock checking is selected by an `--invariant` list. */
export const deadlockSelected = (wanted: readonly string[] | undefined): boolean =>
  wanted === undefined || wanted.includes('deadlock');
