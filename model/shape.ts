/**
 * State shapes: a model declares, once and beside its state type, what every
 * state looks like, built from bounded pieces. Each piece is an io-ts codec
 * (so a state read from a trace file is validated against it, with an error
 * naming the field), and carries a description ({@link Piece}) from which the
 * checker derives a packing of the state into 32-bit words (checker/codec.ts):
 * the fast path, `--dump-states` field order, ITF mapping.
 *
 * ```ts
 * export const grantShape = (p: GrantParams) => record({
 *   conn: int(0, 3),
 *   ringh: int(-1, p.handles - 1, 'handle'),
 *   aa: array(nullable(activeEntry), p.refs + 1, { set: 'ref', from: 1 }),
 *   cp: list(copyOp, p.copies),
 *   ...
 * });
 * ```
 *
 * Pieces: {@link int} (an integer in a range), {@link oneOf} (a literal union:
 * strings, numbers, booleans, null), {@link bool}, {@link array} (fixed
 * length), {@link list} (bounded length), {@link record}, {@link nullable},
 * {@link optional} (a record field that may be absent), {@link union}.
 *
 * Scalarsets (symmetry): an `int` may say that its value is an element of a
 * named set of interchangeable identifiers (`int(-1, 3, 'handle')`: values
 * 0..3 are handles, -1 is not one), and an `array` that it is indexed by one
 * (`{ set: 'ref', from: 1 }`: element 0 is fixed, elements 1.. are the refs).
 * A `list` may be declared a multiset (`{ bag: true }`: its order carries no
 * meaning). The model lists its scalarsets with {@link Shape.scalarsets}.
 * A value that may be absent (in a list slot, a nullable or optional value, a
 * union's alternative) may start at the set's first element: symmetry renames
 * only present values (checker/symmetry.ts).
 *
 * This file depends on io-ts only (model/ depends on fp-ts, io-ts and immer).
 */
import * as t from 'io-ts';

/** A literal a {@link oneOf} may hold. */
export type Lit = string | number | boolean | null;

/** Where a piece says its value, or its index, belongs to a scalarset. */
export interface SetRef {
  /** The scalarset's name (declared in {@link Shape.scalarsets}). */
  readonly set: string;
  /** The first value that is an element (values below are fixed, e.g. -1 "none" or 0 "the ring"). */
  readonly from: number;
}

/**
 * A value whose scalarset depends on earlier fields of the same record: e.g.
 * a maptrack entry's `ref` is a ref of the granter's table when `dom` is the
 * granter, and an entry of the grantee's own table otherwise. `elem` gets the
 * values of the fields named in `on`, in that order; undefined: not an element.
 */
export interface DependentRef {
  readonly on: readonly string[];
  readonly elem: (...values: any[]) => SetRef | undefined;
}

/** The description of a piece, from which the checker derives the packing. */
export type Piece =
  | { readonly kind: 'int'; readonly min: number; readonly max: number; readonly elem?: SetRef | DependentRef }
  | { readonly kind: 'enum'; readonly values: readonly Lit[] }
  | { readonly kind: 'array'; readonly of: Piece; readonly length: number; readonly index?: SetRef }
  | { readonly kind: 'list'; readonly of: Piece; readonly max: number; readonly bag: boolean }
  | { readonly kind: 'record'; readonly fields: readonly (readonly [string, Piece])[]; readonly keys?: 'all' }
  | { readonly kind: 'nullable'; readonly of: Piece }
  | { readonly kind: 'optional'; readonly of: Piece }
  | { readonly kind: 'union'; readonly of: readonly Piece[] };

/** A bounded piece: an io-ts codec with its description. */
export interface Bounded<A> extends t.Type<A, A, unknown> {
  readonly piece: Piece;
}

const bounded = <A>(name: string, piece: Piece, is: (u: unknown) => u is A, validate: t.Validate<unknown, A>): Bounded<A> =>
  Object.assign(new t.Type<A, A, unknown>(name, is, validate, t.identity), { piece });

/**
 * An integer in `min..max` (at most 2^32 values). `elem`: values from
 * `elem.from` on are elements of a scalarset (a name: from max(min, 0)), or
 * the scalarset depends on earlier fields ({@link DependentRef}).
 */
export function int(min: number, max: number, elem?: string | SetRef | DependentRef): Bounded<number> {
  if (!Number.isInteger(min) || !Number.isInteger(max) || max < min || max - min >= 2 ** 32)
    throw new Error(`shape: int(${min}, ${max}) is not a range of at most 2^32 integers`);
  const e = typeof elem === 'string' ? { set: elem, from: Math.max(min, 0) } : elem;
  const is = (u: unknown): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max;
  return bounded(`${min}..${max}`, { kind: 'int', min, max, ...(e ? { elem: e } : {}) }, is, (u, c) =>
    is(u) ? t.success(u) : t.failure(u, c, `${show(u)} is not an integer in ${min}..${max}`),
  );
}

/** One of the given literals (a literal union, an enum). */
export function oneOf<const L extends readonly Lit[]>(values: L): Bounded<L[number]> {
  if (values.length === 0 || new Set(values).size !== values.length) throw new Error('shape: oneOf needs distinct values');
  const set = new Set<unknown>(values);
  const is = (u: unknown): u is L[number] => set.has(u);
  const name = values.map(show).join(' | ');
  return bounded(name, { kind: 'enum', values }, is, (u, c) => (is(u) ? t.success(u) : t.failure(u, c, `${show(u)} is not one of ${name}`)));
}

/** true or false. */
export const bool: Bounded<boolean> = oneOf([false, true] as const) as Bounded<boolean>;

/** An array of exactly `length` elements; `index`: the positions from `index.from` on are the elements of a scalarset. */
export function array<A>(of: Bounded<A>, length: number, index?: string | SetRef): Bounded<readonly A[]> {
  if (!Number.isInteger(length) || length < 0) throw new Error(`shape: array length ${length}`);
  const ix = typeof index === 'string' ? { set: index, from: 0 } : index;
  const is = (u: unknown): u is readonly A[] => Array.isArray(u) && u.length === length && u.every((x) => of.is(x));
  return bounded(`${of.name}[${length}]`, { kind: 'array', of: of.piece, length, ...(ix ? { index: ix } : {}) }, is, (u, c) => {
    if (!Array.isArray(u)) return t.failure(u, c, `${show(u)} is not an array`);
    if (u.length !== length) return t.failure(u, c, `has ${u.length} elements, the shape says ${length}`);
    return elements(of, u, c);
  });
}

/** An array of at most `max` elements; `bag`: the order of the elements carries no meaning (symmetry may sort them). */
export function list<A>(of: Bounded<A>, max: number, opt: { bag?: boolean } = {}): Bounded<readonly A[]> {
  if (!Number.isInteger(max) || max < 0) throw new Error(`shape: list bound ${max}`);
  const is = (u: unknown): u is readonly A[] => Array.isArray(u) && u.length <= max && u.every((x) => of.is(x));
  return bounded(`${of.name}[<=${max}]`, { kind: 'list', of: of.piece, max, bag: opt.bag ?? false }, is, (u, c) => {
    if (!Array.isArray(u)) return t.failure(u, c, `${show(u)} is not an array`);
    if (u.length > max) return t.failure(u, c, `has ${u.length} elements, the shape allows at most ${max}`);
    return elements(of, u, c);
  });
}

function elements<A>(of: Bounded<A>, u: readonly unknown[], c: t.Context): t.Validation<readonly A[]> {
  const errs: t.Errors = [];
  for (let i = 0; i < u.length; i++) {
    const r = of.validate(u[i], t.appendContext(c, String(i), of, u[i]));
    if (r._tag === 'Left') errs.push(...r.left);
  }
  return errs.length ? t.failures(errs) : t.success(u as readonly A[]);
}

type Props = Record<string, Bounded<any>>;
type RecordOf<P extends Props> = { readonly [K in keyof P as undefined extends t.TypeOf<P[K]> ? never : K]: t.TypeOf<P[K]> } & {
  readonly [K in keyof P as undefined extends t.TypeOf<P[K]> ? K : never]?: t.TypeOf<P[K]>;
};

/**
 * A record with exactly these fields, in this order (the order of
 * `--dump-states`). A field the shape does not name is an error.
 *
 * `{ keys: 'all' }`: on the packed path every {@link optional} field is an
 * own property of the record, holding `undefined` when absent (otherwise an
 * absent field has no key). The model then reads absence as `=== undefined`
 * (never `in`, `hasOwnProperty` or a bare `Object.keys`) and removes a field
 * by assigning `undefined`: a record whose keys come and go (`delete`) is one
 * V8 keeps in slow dictionary mode, with every access to it megamorphic
 * (xenbus's xenstore: 2.5x the time per state).
 */
export function record<P extends Props>(props: P, opt: { readonly keys?: 'all' } = {}): Bounded<RecordOf<P>> {
  const keys = Object.keys(props);
  const is = (u: unknown): u is RecordOf<P> =>
    typeof u === 'object' && u !== null && !Array.isArray(u) &&
    Object.keys(u).every((k) => k in props) &&
    keys.every((k) => props[k]!.is((u as Record<string, unknown>)[k]));
  const name = `{ ${keys.map((k) => `${k}: ${props[k]!.name}`).join(', ')} }`;
  return bounded(name, { kind: 'record', fields: keys.map((k) => [k, props[k]!.piece] as const), ...(opt.keys ? { keys: opt.keys } : {}) }, is, (u, c) => {
    if (typeof u !== 'object' || u === null || Array.isArray(u)) return t.failure(u, c, `${show(u)} is not a record`);
    const o = u as Record<string, unknown>;
    const errs: t.Errors = [];
    for (const k of Object.keys(o))
      if (!(k in props)) errs.push({ value: o[k], context: t.appendContext(c, k, t.unknown, o[k]), message: `field '${k}' is not in the shape (known: ${keys.join(', ')})` });
    for (const k of keys) {
      const r = props[k]!.validate(o[k], t.appendContext(c, k, props[k]!, o[k]));
      if (r._tag === 'Left') errs.push(...r.left);
    }
    return errs.length ? t.failures(errs) : t.success(u as RecordOf<P>);
  });
}

/** The value, or null. */
export function nullable<A>(of: Bounded<A>): Bounded<A | null> {
  const is = (u: unknown): u is A | null => u === null || of.is(u);
  return bounded(`${of.name} | null`, { kind: 'nullable', of: of.piece }, is, (u, c) => (u === null ? t.success(null) : of.validate(u, c)));
}

/** A record field that may be absent (or undefined). */
export function optional<A>(of: Bounded<A>): Bounded<A | undefined> {
  const is = (u: unknown): u is A | undefined => u === undefined || of.is(u);
  return bounded(`${of.name} | undefined`, { kind: 'optional', of: of.piece }, is, (u, c) => (u === undefined ? t.success(undefined) : of.validate(u, c)));
}

/**
 * One of several pieces: integers, literals and records (records told apart
 * by a field that only they have). E.g. a word of the shared page that is an
 * index or a slot: `union(int(0, 0xffffffff), slot)`.
 */
export function union<A extends readonly Bounded<any>[]>(...of: A): Bounded<t.TypeOf<A[number]>> {
  if (of.length < 2) throw new Error('shape: union needs at least two pieces');
  const kinds = of.map((x) => x.piece.kind);
  if (kinds.filter((k) => k === 'int').length > 1) throw new Error('shape: a union holds at most one int piece');
  if (kinds.some((k) => k !== 'int' && k !== 'enum' && k !== 'record')) throw new Error('shape: a union holds ints, literals and records');
  const is = (u: unknown): u is t.TypeOf<A[number]> => of.some((x) => x.is(u));
  const name = of.map((x) => x.name).join(' | ');
  return bounded(name, { kind: 'union', of: of.map((x) => x.piece) }, is, (u, c) => {
    for (const x of of) if (x.is(u)) return t.success(u as t.TypeOf<A[number]>);
    // Report against the alternative of the value's kind, for a precise path.
    const alt = of.find((x) => (typeof u === 'object' && u !== null ? x.piece.kind === 'record' : x.piece.kind !== 'record'));
    return alt ? (alt.validate(u, c) as t.Validation<t.TypeOf<A[number]>>) : t.failure(u, c, `${show(u)} is not ${name}`);
  });
}

/** What a model declares: its state's shape and its scalarsets (interchangeable identifiers). */
export interface Shape<S> {
  readonly state: Bounded<S>;
  /**
   * Scalarsets, by name: how many elements each has at these parameters.
   * Renaming the elements of a scalarset (permuting arrays indexed by it and
   * relabelling values that are its elements) must map every state to a state
   * that behaves the same (same rules enabled, same invariants). Symmetry
   * reduction identifies such states (checker/symmetry.ts).
   */
  readonly scalarsets?: Readonly<Record<string, number>>;
  /**
   * One scalarset whose elements are labelled in order of first mention (the
   * others get every permutation tried): cheaper, and as exact, when the
   * arrays it indexes hold no elements of itself (map handles: the maptrack
   * is indexed by handle and holds refs and pages).
   */
  readonly firstUse?: string;
}

/** Validates a state against a shape: undefined if it fits, else one line per wrong field, naming it (`ga[2].flags: ...`). */
export function shapeErrors(shape: Bounded<any>, s: unknown, root = 'state'): string[] | undefined {
  const r = shape.validate(s, [{ key: '', type: shape, actual: s }]);
  if (r._tag === 'Right') return undefined;
  return r.left.map((e) => `${pathOf(e.context, root)}: ${e.message ?? `${show(e.value)} does not fit ${e.context[e.context.length - 1]?.type.name}`}`);
}

function pathOf(ctx: t.Context, root: string): string {
  let p = root;
  for (let i = 1; i < ctx.length; i++) {
    const k = ctx[i]!.key;
    p += /^\d+$/.test(k) ? `[${k}]` : `.${k}`;
  }
  return p;
}

function show(u: unknown): string {
  if (u === undefined) return 'undefined';
  const s = JSON.stringify(u);
  return s === undefined ? String(u) : s.length > 60 ? s.slice(0, 57) + '...' : s;
}
