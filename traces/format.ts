/**
 * The pvcheck trace file, version 2: a counterexample (or any path of a model)
 * as plain JSON, defined by an io-ts codec so that every field is checked when
 * a file is read, with a one-line error naming the field (`steps/3/action:
 * expected a string or null, got 42`).
 *
 *   {
 *     "format": "pvcheck-trace", "version": 2,
 *     "model": "ring-no-recheck", "params": { "ringSize": 2, "messages": 4 },
 *     "property": { "name": "I4_no_lost_wakeup", "kind": "invariant", "description": "..." },
 *     "violation": { "step": 34 },
 *     "steps": [ { "action": "init", "rule": null, "state": {...} },
 *                { "action": "F1", "rule": "F1", "state": {...} }, ... ],
 *     "command": "pvcheck check ...", "created": "2025-01-01T00:00:00.000Z"
 *   }
 *
 * Step 0 is the initial state (action "init", rule null). A step's action is
 * the checker's label (the rule name, or `name(choice)` for a rule with
 * choices); it is null only in traces read from a foreign ITF file that does
 * not name its actions (replay then matches the step by its state).
 *
 * `violation.step` (version 2) is the index of the step whose state violates
 * the property, as the check found it: the state that breaks the invariant,
 * the deadlocked state, the state from which no goal state can be reached. It
 * is what TLC's error trace ends at and what ITF's `#meta` carries for
 * pvcheck: with it, a reader can tell a whole counterexample from a file whose
 * last steps were cut off (replay says TRUNCATED). A check's trace ends at its
 * violation, so `violation.step` is never before the last step; it is after it
 * only in a cut file. A trace that claims nothing (`kind: "none"`) has no
 * `violation`. No pvcheck property has a lasso (a liveness cycle) as its
 * counterexample: recoverability (AG EF) is refuted by a finite path, so the
 * format has no loop index; one would come with a version 3.
 *
 * Version 1 (the same without `violation`) is still read: replay cannot tell
 * whether such a file was cut, and says so.
 */
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import type { Model } from '../model/core.js';
import type { Violation } from '../checker/explore.js';
import { faithfulParamsOf, unfoldTrace } from './refine.js';

export const TRACE_FORMAT = 'pvcheck-trace';
/** The version written. */
export const TRACE_VERSION = 2;
/** The versions read. */
export const TRACE_VERSIONS: readonly TraceVersion[] = [1, 2];
export type TraceVersion = 1 | 2;

export type ParamValue = number | string | boolean;
export type PropertyKind = 'invariant' | 'deadlock' | 'recoverability' | 'none';
export const PROPERTY_KINDS: readonly PropertyKind[] = ['invariant', 'deadlock', 'recoverability', 'none'];

// --- leaf codecs with one-line messages

const got = (u: unknown): string => {
  if (u === undefined) return 'missing';
  let s: string;
  try {
    s = JSON.stringify(u) ?? String(u);
  } catch {
    s = String(u);
  }
  return `got ${s.length > 40 ? s.slice(0, 37) + '...' : s}`;
};

/** A leaf codec: `test` decides, failures read `expected <what>, got <value>` (or `missing`). */
function leaf<A>(name: string, what: string, test: (u: unknown) => u is A): t.Type<A, A, unknown> {
  return new t.Type<A, A, unknown>(
    name,
    test,
    (u, c) => (test(u) ? t.success(u) : t.failure(u, c, u === undefined ? 'missing' : `expected ${what}, ${got(u)}`)),
    t.identity,
  );
}

const Str = leaf<string>('string', 'a string', (u): u is string => typeof u === 'string');
const StrOrNull = leaf<string | null>('string|null', 'a string or null', (u): u is string | null => u === null || typeof u === 'string');
const ParamVal = leaf<ParamValue>(
  'param',
  'a number, string or boolean',
  (u): u is ParamValue => (typeof u === 'number' && Number.isFinite(u)) || typeof u === 'string' || typeof u === 'boolean',
);
const Kind = leaf<PropertyKind>(
  'kind',
  `one of ${PROPERTY_KINDS.map((k) => `"${k}"`).join(', ')}`,
  (u): u is PropertyKind => typeof u === 'string' && (PROPERTY_KINDS as readonly string[]).includes(u),
);
/** Any JSON value, but present (a missing `state` is an error). */
const Present = leaf<unknown>('value', 'a value', (u): u is unknown => u !== undefined);
const FormatLit = leaf<typeof TRACE_FORMAT>('format', `"${TRACE_FORMAT}"`, (u): u is typeof TRACE_FORMAT => u === TRACE_FORMAT);
const VersionLit = new t.Type<TraceVersion, TraceVersion, unknown>(
  'version',
  (u): u is TraceVersion => (TRACE_VERSIONS as readonly unknown[]).includes(u),
  (u, c) =>
    (TRACE_VERSIONS as readonly unknown[]).includes(u)
      ? t.success(u as TraceVersion)
      : t.failure(
          u,
          c,
          typeof u === 'number'
            ? `${u} is not supported (this pvcheck reads versions ${TRACE_VERSIONS.join(' and ')})`
            : u === undefined
              ? 'missing'
              : `expected ${TRACE_VERSIONS.join(' or ')}, ${got(u)}`,
        ),
  t.identity,
);
const StepIndex = leaf<number>('step', 'a step index (an integer >= 0)', (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0);
const Params = new t.Type<Record<string, ParamValue>, Record<string, ParamValue>, unknown>(
  'params',
  (u): u is Record<string, ParamValue> => isRecord(u) && Object.values(u).every((v) => ParamVal.is(v)),
  (u, c) => {
    if (!isRecord(u)) return t.failure(u, c, u === undefined ? 'missing' : `expected an object of name: value, ${got(u)}`);
    for (const [k, v] of Object.entries(u))
      if (!ParamVal.is(v)) return t.failure(v, [...c, { key: k, type: ParamVal, actual: v }], `expected a number, string or boolean, ${got(v)}`);
    return t.success(u as Record<string, ParamValue>);
  },
  t.identity,
);

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** A non-array object, with a clear message for arrays and scalars. */
function record<P extends t.Props, O extends t.Props>(name: string, props: P, optional: O) {
  type A = t.TypeOf<t.TypeC<P>> & t.TypeOf<t.PartialC<O>>;
  const req = t.type(props);
  const opt = t.partial(optional);
  return new t.Type<A, A, unknown>(
    name,
    (u): u is A => isRecord(u) && req.is(u) && opt.is(u),
    (u, c) => {
      if (!isRecord(u)) return t.failure(u, c, u === undefined ? 'missing' : `expected an object, ${got(u)}`);
      // validated side by side (not t.intersection), so error paths carry no branch index
      const a = req.validate(u, c);
      if (E.isLeft(a)) return a;
      const b = opt.validate(u, c);
      if (E.isLeft(b)) return b;
      return t.success({ ...b.right, ...a.right } as A);
    },
    t.identity,
  );
}

const StepCodec = record(
  'step',
  { action: StrOrNull, rule: StrOrNull, state: Present },
  { choice: t.unknown },
);
const PropertyCodec = record('property', { name: Str, kind: Kind }, { description: Str });
const ViolationCodec = record('violation', { step: StepIndex }, {});
const Steps = new t.Type<t.TypeOf<typeof StepCodec>[], t.TypeOf<typeof StepCodec>[], unknown>(
  'steps',
  (u): u is t.TypeOf<typeof StepCodec>[] => Array.isArray(u) && u.length > 0 && u.every((x) => StepCodec.is(x)),
  (u, c) => {
    if (!Array.isArray(u)) return t.failure(u, c, u === undefined ? 'missing' : `expected an array of steps, ${got(u)}`);
    if (u.length === 0) return t.failure(u, c, 'expected at least one step (step 0 is the initial state)');
    const out: t.TypeOf<typeof StepCodec>[] = [];
    for (let i = 0; i < u.length; i++) {
      const r = StepCodec.validate(u[i], [...c, { key: String(i), type: StepCodec, actual: u[i] }]);
      if (E.isLeft(r)) return r;
      out.push(r.right);
    }
    const s0 = out[0]!;
    if (s0.action !== 'init')
      return t.failure(s0.action, [...c, { key: '0', type: StepCodec, actual: s0 }, { key: 'action', type: Str, actual: s0.action }], `expected "init" (step 0 is the initial state), ${got(s0.action)}`);
    if (s0.rule !== null)
      return t.failure(s0.rule, [...c, { key: '0', type: StepCodec, actual: s0 }, { key: 'rule', type: StrOrNull, actual: s0.rule }], `expected null (step 0 is the initial state), ${got(s0.rule)}`);
    return t.success(out);
  },
  t.identity,
);

/**
 * The io-ts codec of a trace file, version 1 or 2, field by field; what ties
 * `violation` to the version, the property and the steps is checked by
 * {@link decodeTrace}.
 */
export const TraceCodec = record(
  'pvcheck-trace',
  { format: FormatLit, version: VersionLit, model: Str, params: Params, property: PropertyCodec, steps: Steps },
  { violation: t.unknown, command: Str, created: Str },
);

/** One step: the action taken (null when unknown) and the state after it. */
export interface Step {
  readonly action: string | null;
  readonly rule: string | null;
  readonly choice?: unknown;
  readonly state: unknown;
}
/** Where the property fails (version 2): the index of the step whose state violates it. */
export interface TraceViolation {
  readonly step: number;
}
export interface TraceProperty {
  readonly name: string;
  readonly kind: PropertyKind;
  readonly description?: string;
}
/**
 * A trace file's content (see the module comment). `version` is the file's:
 * a version-1 file read stays version 1 (no `violation`) when written again.
 */
export interface Trace {
  readonly format: typeof TRACE_FORMAT;
  readonly version: TraceVersion;
  readonly model: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly property: TraceProperty;
  /** Version 2, for every kind but `none`: where the property fails. */
  readonly violation?: TraceViolation;
  readonly steps: readonly Step[];
  readonly command?: string;
  readonly created?: string;
}

/** The path of an io-ts error, `steps/3/action` (intersection/union branch indices left out). */
export function errorPath(c: t.Context): string {
  const parts: string[] = [];
  for (let i = 1; i < c.length; i++) {
    const parent = c[i - 1]!.type as { _tag?: string };
    if (parent._tag === 'IntersectionType' || parent._tag === 'UnionType') continue;
    parts.push(c[i]!.key);
  }
  return parts.join('/');
}

/** The first error of a decode, one line: `steps/3/action: expected a string or null, got 42`. */
export function reportErrors(errors: t.Errors): string {
  const e = errors[0];
  if (!e) return 'invalid trace';
  const path = errorPath(e.context);
  return `${path || '(top level)'}: ${e.message ?? `invalid value ${got(e.value)}`}`;
}

/**
 * What `violation` says against the rest of a decoded file: Left is the one
 * line (`violation/step: ...`), Right the field (undefined where there is none).
 */
function checkViolation(v: t.TypeOf<typeof TraceCodec>): E.Either<string, TraceViolation | undefined> {
  const has = v.violation !== undefined;
  if (v.version === 1)
    return has ? E.left('violation: not a field of version 1 (a file that says where its violation is is version 2)') : E.right(undefined);
  if (v.property.kind === 'none')
    return has ? E.left('violation: a trace that claims no property (kind "none") has no violation step') : E.right(undefined);
  if (!has)
    return E.left(`violation: missing (a version-2 trace of ${v.property.kind === 'deadlock' ? 'a deadlock' : `${v.property.kind} ${v.property.name}`} says at which step it fails: {"step": N})`);
  const r = ViolationCodec.validate(v.violation, [{ key: '', type: TraceCodec, actual: v }, { key: 'violation', type: ViolationCodec, actual: v.violation }]);
  if (E.isLeft(r)) return E.left(reportErrors(r.left));
  const last = v.steps.length - 1;
  if (r.right.step < last)
    return E.left(`violation/step: ${r.right.step} is before the last step (${last}): a counterexample ends at its violation`);
  return E.right({ step: r.right.step });
}

/** Decodes a parsed JSON value as a trace (version 1 or 2); the error is one line. */
export function decodeTrace(u: unknown): E.Either<string, Trace> {
  const r = TraceCodec.decode(u);
  if (E.isLeft(r)) return E.left(reportErrors(r.left));
  const v = r.right;
  const violation = checkViolation(v);
  if (E.isLeft(violation)) return violation;
  const steps: Step[] = v.steps.map((s) => ({
    action: s.action,
    rule: s.rule,
    ...(s.choice !== undefined ? { choice: s.choice } : {}),
    state: s.state,
  }));
  return E.right({
    format: TRACE_FORMAT,
    version: v.version,
    model: v.model,
    params: v.params,
    property: {
      name: v.property.name,
      kind: v.property.kind,
      ...(v.property.description !== undefined ? { description: v.property.description } : {}),
    },
    ...(violation.right !== undefined ? { violation: violation.right } : {}),
    steps,
    ...(v.command !== undefined ? { command: v.command } : {}),
    ...(v.created !== undefined ? { created: v.created } : {}),
  });
}

/** What a property means, for the trace header: the invariant's or goal's description. */
export function describeProperty(model: Model, name: string, kind: PropertyKind): string | undefined {
  if (kind === 'deadlock') return 'a state with no enabled rule that is not a valid end state';
  if (kind === 'invariant') return model.invariants.find((i) => i.name === name)?.description;
  if (kind === 'recoverability') {
    const g = model.goals?.find((x) => x.name === name);
    return g ? `AG EF: from every reachable state, eventually ${g.description}` : undefined;
  }
  return undefined;
}

/** Plain JSON copy of a value (drops immer's freezing, `undefined` fields). */
const plain = (v: unknown): unknown => (v === undefined ? null : JSON.parse(JSON.stringify(v)));

/**
 * Builds a trace from a checker violation (or a witness trace, with
 * `kind: 'none'`). `params` is the resolved parameter record the search ran
 * with; `command` the command line that reproduces it.
 */
export function traceFromViolation<S, P>(
  model: Model<S, P>,
  params: P,
  violation: Violation<S>,
  command?: string,
  kind: PropertyKind = violation.kind,
): Trace {
  // a quotient's trace is written as the faithful model's (traces/refine.ts): unfolded here unless the caller did
  const u = unfoldTrace(model, params, violation.trace);
  if (u && E.isRight(u)) violation = { ...violation, trace: u.right.trace };
  const written = faithfulParamsOf(violation.trace) ?? violation.refined?.params ?? params;
  const ps: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(written as object))
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') ps[k] = v;
  const description = kind === 'none' ? undefined : describeProperty(model as Model, violation.property, kind);
  return {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    model: model.name,
    params: ps,
    property: { name: violation.property, kind, ...(description !== undefined ? { description } : {}) },
    // the search's path ends at the state that violates the property (after an unfolding too: the hidden steps come before it)
    ...(kind !== 'none' ? { violation: { step: violation.trace.length - 1 } } : {}),
    steps: violation.trace.map((s, i) => ({
      action: i === 0 ? 'init' : s.action,
      rule: i === 0 ? null : s.rule,
      ...(s.choice !== undefined ? { choice: plain(s.choice) } : {}),
      state: plain(s.state),
    })),
    ...(command !== undefined ? { command } : {}),
    created: new Date().toISOString(),
  };
}
