/**
 * Model parameters: each model declares its parameters once, as data, and gets
 * from that declaration an io-ts codec (the single source of truth for types,
 * defaults and ranges), a parser for `--param name=value` strings and the text
 * that `pvcheck list` prints.
 */
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

/** An integer parameter in `[min, max]`, optionally with an extra check (e.g. power of two). */
export interface IntParam {
  readonly kind: 'int';
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly doc: string;
  /** Returns a reason when the value is not acceptable beyond the range. */
  readonly check?: (v: number) => string | undefined;
}
/** One of a fixed set of strings, e.g. a memory model or a peer mode. */
export interface EnumParam<V extends string = string> {
  readonly kind: 'enum';
  readonly values: readonly V[];
  readonly default: V;
  readonly doc: string;
}
export interface BoolParam {
  readonly kind: 'bool';
  readonly default: boolean;
  readonly doc: string;
}
export type ParamSpec = IntParam | EnumParam | BoolParam;
export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

type ValueOf<S extends ParamSpec> = S extends IntParam
  ? number
  : S extends EnumParam<infer V>
    ? V
    : S extends BoolParam
      ? boolean
      : never;
/** The parameter record a spec describes. */
export type ParamsOf<Specs extends ParamSpecs> = { readonly [K in keyof Specs]: ValueOf<Specs[K]> };

/** A declared parameter space: the specs, the codec, the defaults and a string parser. */
export interface ParamSpace<P> {
  readonly specs: ParamSpecs;
  readonly codec: t.Type<P, P, unknown>;
  readonly defaults: P;
  /** Cross-parameter check, run after every field decoded. */
  readonly validate?: (p: P) => string | undefined;
}

export const intParam = (spec: Omit<IntParam, 'kind'>): IntParam => ({ kind: 'int', ...spec });
export const enumParam = <V extends string>(spec: Omit<EnumParam<V>, 'kind'>): EnumParam<V> => ({
  kind: 'enum',
  ...spec,
});
export const boolParam = (spec: Omit<BoolParam, 'kind'>): BoolParam => ({ kind: 'bool', ...spec });

export const isPowerOfTwo = (v: number): string | undefined =>
  v > 0 && (v & (v - 1)) === 0 ? undefined : 'must be a power of two (RING_SIZE is __RD32 of the slot count)';

function fieldCodec(name: string, s: ParamSpec): t.Mixed {
  switch (s.kind) {
    case 'int':
      return new t.Type<number, number, unknown>(
        name,
        (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= s.min && u <= s.max,
        (u, c) => {
          if (typeof u !== 'number' || !Number.isInteger(u)) return t.failure(u, c, `${name} must be an integer`);
          if (u < s.min || u > s.max) return t.failure(u, c, `${name}=${u} is out of range ${s.min}..${s.max}`);
          const why = s.check?.(u);
          return why === undefined ? t.success(u) : t.failure(u, c, `${name}=${u} ${why}`);
        },
        t.identity,
      );
    case 'enum':
      return new t.Type<string, string, unknown>(
        name,
        (u): u is string => typeof u === 'string' && s.values.includes(u),
        (u, c) =>
          typeof u === 'string' && s.values.includes(u)
            ? t.success(u)
            : t.failure(u, c, `${name}=${String(u)} is not one of ${s.values.join(', ')}`),
        t.identity,
      );
    case 'bool':
      return new t.Type<boolean, boolean, unknown>(
        name,
        (u): u is boolean => typeof u === 'boolean',
        (u, c) => (typeof u === 'boolean' ? t.success(u) : t.failure(u, c, `${name} must be true or false`)),
        t.identity,
      );
  }
}

/** Declares a parameter space. */
export function defineParams<Specs extends ParamSpecs>(
  specs: Specs,
  validate?: (p: ParamsOf<Specs>) => string | undefined,
): ParamSpace<ParamsOf<Specs>> {
  const props: Record<string, t.Mixed> = {};
  const defaults: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(specs)) {
    props[k] = fieldCodec(k, s);
    defaults[k] = s.default;
  }
  const codec = t.exact(t.type(props)) as unknown as t.Type<ParamsOf<Specs>, ParamsOf<Specs>, unknown>;
  return { specs, codec, defaults: defaults as ParamsOf<Specs>, ...(validate ? { validate } : {}) };
}

/** Converts one `--param` string to the JSON value its spec expects (no range check yet). */
function coerce(name: string, s: ParamSpec, raw: string): E.Either<string, unknown> {
  switch (s.kind) {
    case 'int': {
      const v = /^-?(0x[0-9a-f]+|\d+)$/i.test(raw.trim()) ? Number(raw.trim()) : NaN;
      return Number.isSafeInteger(v) ? E.right(v) : E.left(`parameter ${name} must be an integer, got '${raw}'`);
    }
    case 'bool':
      return raw === 'true' || raw === '1'
        ? E.right(true)
        : raw === 'false' || raw === '0'
          ? E.right(false)
          : E.left(`parameter ${name} must be true or false, got '${raw}'`);
    case 'enum':
      return E.right(raw);
  }
}

/** The first failure message of an io-ts decode, one line. */
export function firstError(errors: t.Errors): string {
  for (const e of errors) if (e.message) return e.message;
  const e = errors[0];
  if (!e) return 'invalid value';
  const path = e.context.map((c) => c.key).filter((k) => k !== '').join('.');
  return `invalid value ${JSON.stringify(e.value)} at ${path || '(root)'}`;
}

/**
 * Decodes parameters: defaults, overridden by `overrides` (strings from the
 * command line, or already-typed JSON values from a trace file).
 */
export function resolveParams<P>(
  space: ParamSpace<P>,
  overrides: Readonly<Record<string, string | number | boolean>> = {},
): E.Either<string, P> {
  const raw: Record<string, unknown> = { ...(space.defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(overrides)) {
    const s = space.specs[k];
    if (!s) {
      const known = Object.keys(space.specs);
      return E.left(`unknown parameter '${k}' (known: ${known.length ? known.join(', ') : 'none'})`);
    }
    if (typeof v === 'string') {
      const c = coerce(k, s, v);
      if (E.isLeft(c)) return c;
      raw[k] = c.right;
    } else raw[k] = v;
  }
  return pipe(
    space.codec.decode(raw),
    E.mapLeft(firstError),
    E.chain((p) => {
      const why = space.validate?.(p);
      return why === undefined ? E.right(p) : E.left(why);
    }),
  );
}

/** `name=value` pairs, for reports and reproduce commands. */
export function showParams(p: object): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

/** The parameter record type of a declared space: `type P = ParamsOfSpace<typeof myParams>`. */
export type ParamsOfSpace<X> = X extends ParamSpace<infer P> ? P : never;

/**
 * The same parameter space with other defaults: what an example (or any
 * derived model) was written at, so that `pvcheck check FILE` and its
 * `@pvcheck` header keep their results when the built-in model's defaults
 * move (docs/examples.md "Bounds"). Ranges, documentation and the
 * cross-parameter check stay the base's; a name the space does not declare or
 * a value out of its range is an error when the file is loaded.
 *
 *   params: withDefaults(grant.params, { refs: 1, handles: 2 })
 */
export function withDefaults<P>(space: ParamSpace<P>, defaults: Partial<P>): ParamSpace<P> {
  const raw: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(defaults as Record<string, unknown>)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      throw new Error(`withDefaults: parameter ${k} must be a number, string or boolean`);
    raw[k] = v;
  }
  const p = resolveParams(space, raw);
  if (E.isLeft(p)) throw new Error(`withDefaults: ${p.left}`);
  const specs: Record<string, ParamSpec> = {};
  for (const [k, s] of Object.entries(space.specs))
    specs[k] = k in raw ? ({ ...s, default: (p.right as Record<string, unknown>)[k] } as ParamSpec) : s;
  return { ...space, specs, defaults: p.right };
}

/**
 * `make(p)`, remembered per parameter record: a rule asks for its choices on
 * every state, always with the same record, so the last one is checked first
 * (one comparison, no keyed lookup: each call site has its own memo). What it
 * returns is shared by every state: a rule only reads it (grant.ts's choice
 * lists, netif-ctrl's requests).
 */
export function perParams<P extends object, T>(make: (p: P) => T): (p: P) => T {
  const memo = new WeakMap<P, T>();
  let lastP: P | undefined;
  let last: T | undefined;
  return (p) => {
    if (p === lastP) return last!;
    let v = memo.get(p);
    if (v === undefined) memo.set(p, (v = make(p)));
    lastP = p;
    last = v;
    return v;
  };
}
