/**
 * The conformance vector format, version 1: JSON Lines, one vector per line,
 * each line decoded by {@link VectorCodec} (docs/vectors.md).
 *
 *   {"format":"pvcheck-vector","version":1,"id":"ring-api-rules-001",
 *    "model":"ring-api","params":{"ringSize":2,"messages":3,"startIndex":0},
 *    "suite":"rules","reason":"covers produce_request, ...","covers":["produce_request",...],
 *    "init":{...the model's initial state...},
 *    "steps":[{"call":"FRONT_RING_INIT","actor":"frontend","args":{"start_index":0,"ring_size":2},
 *              "expect":{"req_prod":0,"req_event":1,...}}, ...]}
 *
 * A step is one call made by one side (`actor`); `args` is what the caller
 * passes in, `choice` the model's nondeterministic choice (for models with
 * choices) and `expect` what an implementation must observe after the call:
 * for `ring-api` the returned value and the indices (see model/ringApi.ts), for
 * any other model the state after the step or the model's projection of it.
 */
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { toItf, type ItfTrace } from '../traces/itf.js';
import type { Trace } from '../traces/format.js';

export const VECTOR_FORMAT = 'pvcheck-vector';
export const VECTOR_VERSION = 1;

export const SUITES = ['rules', 'edges', 'states', 'boundary', 'regression'] as const;
export type Suite = (typeof SUITES)[number];

export type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };

const JsonValue = new t.Type<Json, Json, unknown>(
  'json',
  (u): u is Json => u !== undefined,
  (u, c) => (u === undefined ? t.failure(u, c, 'missing') : t.success(u as Json)),
  t.identity,
);
const JsonRecord = t.record(t.string, JsonValue);
const ParamValue = t.union([t.number, t.string, t.boolean]);

export const StepCodec = t.intersection([
  t.type({ call: t.string, expect: JsonRecord }),
  t.partial({ actor: t.string, args: JsonRecord, choice: JsonValue }),
]);

export const VectorCodec = t.intersection([
  t.type({
    format: t.literal(VECTOR_FORMAT),
    version: t.literal(VECTOR_VERSION),
    id: t.string,
    model: t.string,
    params: t.record(t.string, ParamValue),
    suite: t.keyof({ rules: null, edges: null, states: null, boundary: null, regression: null }),
    reason: t.string,
    steps: t.array(StepCodec),
  }),
  t.partial({ covers: t.array(t.string), init: JsonValue }),
]);

export interface VectorStep {
  readonly call: string;
  readonly actor?: string;
  readonly args?: Readonly<Record<string, Json>>;
  readonly choice?: Json;
  readonly expect: Readonly<Record<string, Json>>;
}

export interface Vector {
  readonly format: typeof VECTOR_FORMAT;
  readonly version: typeof VECTOR_VERSION;
  /** Unique in a suite, stable across runs, safe as a file name. */
  readonly id: string;
  readonly model: string;
  readonly params: Readonly<Record<string, number | string | boolean>>;
  readonly suite: Suite;
  /** One line: why the vector exists. */
  readonly reason: string;
  /** The coverage goals (rules, edges, states) or boundary this vector is the witness of. */
  readonly covers?: readonly string[];
  /** The model's initial state the steps start from. */
  readonly init?: Json;
  readonly steps: readonly VectorStep[];
}

/** The first decoding error as one line naming the field, e.g. `steps/2/expect: missing`. */
function firstError(errors: t.Errors): string {
  const e = errors[0];
  if (!e) return 'invalid vector';
  const full = e.context
    .slice(1)
    .filter((c, i, all) => {
      const parent = (i === 0 ? e.context[0] : all[i - 1])!.type as { _tag?: string };
      return parent._tag !== 'IntersectionType' && parent._tag !== 'UnionType';
    })
    .map((c) => c.key)
    .join('/');
  const got = e.value === undefined ? 'missing' : `got ${JSON.stringify(e.value)?.slice(0, 40)}`;
  return `${full || '(top level)'}: ${e.message ?? `expected ${e.context[e.context.length - 1]!.type.name}, ${got}`}`;
}

export function decodeVector(u: unknown): E.Either<string, Vector> {
  const r = VectorCodec.decode(u);
  return E.isLeft(r) ? E.left(firstError(r.left)) : E.right(r.right as Vector);
}

/** A vector as one line of a suite file; the key order is the one of {@link Vector} (stable output). */
export const encodeVectorLine = (v: Vector): string => JSON.stringify(v) + '\n';

/** One vector per line ({@link encodeVectorLine}). */
export function encodeSuite(vs: readonly Vector[]): string {
  return vs.map(encodeVectorLine).join('');
}

/** Parses a JSON Lines suite; the error names the line and field. Blank lines are skipped. */
export function parseSuite(text: string): E.Either<string, Vector[]> {
  const out: Vector[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    let u: unknown;
    try {
      u = JSON.parse(line);
    } catch (e) {
      return E.left(`line ${i + 1}: not JSON: ${(e as Error).message}`);
    }
    const v = decodeVector(u);
    if (E.isLeft(v)) return E.left(`line ${i + 1}: ${v.left}`);
    out.push(v.right);
  }
  return E.right(out);
}

/**
 * A vector as an ITF trace (Apalache/Quint's Informal Trace Format): state 0 is
 * the model's initial state, state i the observation after step i, with the
 * call as `mbt::actionTaken` and its args as the nondeterministic pick.
 * ITF has no null: a `null` (xenbus's `gref: null`, grant's unpinned active
 * entry) is written as Quint's `None`, `{"tag":"None","value":{"#tup":[]}}`;
 * other values are not wrapped in `Some`, so a reader maps that record back to
 * null. A non-integer number still has no ITF form (Left names it).
 */
/** Quint's `None` (Option encoding), which ITF carries; what a `null` of a vector becomes in its ITF rendering. */
export const ITF_NONE = { tag: 'None', value: { '#tup': [] } } as const;

const UNIT_MARK = '\u0000pvcheck-unit\u0000';
/** Replaces the marker toItf carried through by Quint's unit `{"#tup": []}` (toItf refuses fields starting with '#'). */
function unmark(u: unknown): unknown {
  if (u === UNIT_MARK) return { '#tup': [] };
  if (Array.isArray(u)) return u.map(unmark);
  if (u !== null && typeof u === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(u)) Object.defineProperty(o, k, { value: unmark(x), enumerable: true, writable: true, configurable: true });
    return o;
  }
  return u;
}

/** A JSON value with every `null` replaced by {@link ITF_NONE} (ITF has no null). */
function noNulls(u: Json): Json {
  if (u === null) return { tag: 'None', value: UNIT_MARK };
  if (Array.isArray(u)) return u.map(noNulls);
  if (typeof u === 'object') {
    const o: Record<string, Json> = {};
    for (const [k, x] of Object.entries(u as Record<string, Json>)) o[k] = noNulls(x);
    return o;
  }
  return u;
}

export function vectorToItf(v: Vector): E.Either<string, ItfTrace> {
  const trace: Trace = {
    format: 'pvcheck-trace',
    version: 1,
    model: v.model,
    params: v.params,
    property: { name: v.id, kind: 'none', description: v.reason },
    steps: [
      { action: 'init', rule: null, state: noNulls(v.init ?? {}) },
      ...v.steps.map((s) => ({
        action: s.call,
        rule: s.call,
        ...(s.args !== undefined || s.choice !== undefined ? { choice: noNulls((s.args ?? s.choice) as Json) } : {}),
        state: noNulls(s.expect),
      })),
    ],
  };
  const itf = toItf(trace);
  return E.isLeft(itf) ? itf : E.right(unmark(itf.right) as ItfTrace);
}
