/**
 * The Informal Trace Format (ITF) of Apalache and Quint
 * (https://apalache-mc.org/docs/adr/015adr-trace.html), so that a pvcheck
 * counterexample can be read by Quint's tooling, itf-py, itf-rs and the
 * model-based-testing drivers, and so that a trace produced by another tool
 * can be replayed on a pvcheck model.
 *
 * Mapping (pvcheck trace -> ITF):
 * - top level: `#meta` {format: "ITF", format-description, source (the model),
 *   description, pvcheck: {the trace's version, model, params, property,
 *   violation (version 2: the step whose state violates the property), command,
 *   created}}, `params: []`, `vars` (the state's fields), `states`. ITF's own
 *   `loop` (a lasso's loop start) is never written: no pvcheck counterexample
 *   is a lasso.
 * - a record state: one ITF variable per field. Any other state (a number, a
 *   list, or records whose key sets differ between steps) is one variable
 *   `state`, and `#meta.pvcheck.stateVar` says so.
 * - values: every integer is `{"#bigint": "123"}`; arrays are lists; objects are
 *   records; `null` (an absent value: no ring ref yet, no request copied) is
 *   Quint's `None`, `{"tag": "None", "value": {"#tup": []}}`, and reads back as
 *   null. Non-integer numbers and field names starting with `#` have no ITF
 *   form: toItf says where it met one.
 * - each state: `#meta` {index, rule}, `mbt::actionTaken` (the action label,
 *   "init" for state 0; left out when unknown) and `mbt::nondetPicks`
 *   (`{choice: {tag: "Some", value: V}}` for a rule with a choice, `{choice:
 *   {tag: "None", value: {"#tup": []}}}` otherwise, Quint's Option encoding).
 *
 * fromItf also reads ITF written by other tools: plain JSON integers (older
 * revision of the ADR), `#tup` and `#set` (as lists), `#map` with string keys
 * (as records); without `mbt::actionTaken` each step's action is null and
 * replay matches it by state. fromItf(toItf(t)) equals t.
 */
import * as E from 'fp-ts/lib/Either.js';
import { TRACE_FORMAT, decodeTrace, type Step, type Trace } from './format.js';

export const ITF_FORMAT_DESCRIPTION = 'https://apalache-mc.org/docs/adr/015adr-trace.html';
export const ACTION_VAR = 'mbt::actionTaken';
export const PICKS_VAR = 'mbt::nondetPicks';
/** The single variable that holds a state that is not a record. */
export const STATE_VAR = 'state';

export type ItfValue =
  | boolean
  | string
  | number
  | { readonly '#bigint': string }
  | readonly ItfValue[]
  | { readonly [k: string]: ItfValue };

export interface ItfState {
  readonly '#meta'?: Record<string, unknown>;
  readonly [v: string]: unknown;
}
export interface ItfTrace {
  readonly '#meta': Record<string, unknown>;
  readonly params: readonly string[];
  readonly vars: readonly string[];
  readonly states: readonly ItfState[];
  readonly loop?: number;
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);
/** Sets an own field, also for the key `__proto__` (which plain assignment would treat as the prototype). */
const setField = (o: Record<string, unknown>, k: string, v: unknown): void => {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
};
const at = (path: string, k: string | number): string => (path ? `${path}/${k}` : String(k));

// --- encoding

class ItfError extends Error {}

/** null as Quint's Option None (an empty tuple as its value). */
const NONE: ItfValue = { tag: 'None', value: { '#tup': [] } };
const isNone = (o: Record<string, unknown>, keys: readonly string[]): boolean =>
  keys.length === 2 && o.tag === 'None' && isRecord(o.value) && Object.keys(o.value).length === 1
  && Array.isArray((o.value as Record<string, unknown>)['#tup']) && ((o.value as Record<string, unknown>)['#tup'] as unknown[]).length === 0;

/** Encodes one JSON value; throws ItfError naming the path of what has no ITF form. */
function encode(v: unknown, path: string): ItfValue {
  switch (typeof v) {
    case 'number':
      if (!Number.isInteger(v)) throw new ItfError(`${path}: ${v} is not an integer (ITF numbers are integers, written as #bigint)`);
      return { '#bigint': BigInt(v).toString() };
    case 'bigint':
      return { '#bigint': v.toString() };
    case 'string':
    case 'boolean':
      return v;
    case 'object': {
      if (v === null) return NONE;
      if (Array.isArray(v)) return v.map((x, i) => encode(x, at(path, i)));
      const out: Record<string, ItfValue> = {};
      for (const [k, x] of Object.entries(v)) {
        if (x === undefined) continue;
        if (k.startsWith('#')) throw new ItfError(`${at(path, k)}: ITF record fields must not start with '#'`);
        setField(out, k, encode(x, at(path, k)));
      }
      return out;
    }
    default:
      throw new ItfError(`${path}: a ${typeof v} has no ITF form`);
  }
}

/** The state variables when every state is a record with the same fields, else undefined. */
function recordVars(steps: readonly Step[]): string[] | undefined {
  let vars: string[] | undefined;
  for (const s of steps) {
    if (!isRecord(s.state)) return undefined;
    const rec = s.state;
    const ks = Object.keys(rec).filter((k) => rec[k] !== undefined);
    if (ks.some((k) => k.startsWith('#') || k.startsWith('mbt::'))) return undefined;
    if (vars === undefined) vars = ks;
    else if (ks.length !== vars.length || !ks.every((k) => vars!.includes(k))) return undefined;
  }
  return vars;
}

/** A pvcheck trace as ITF; Left names the step and field of a value ITF cannot carry. */
export function toItf(trace: Trace): E.Either<string, ItfTrace> {
  const vars = recordVars(trace.steps);
  const allActions = trace.steps.every((s) => s.action !== null);
  try {
    const states: ItfState[] = trace.steps.map((s, i) => {
      const st: Record<string, unknown> = { '#meta': { index: i, ...(s.rule !== null ? { rule: s.rule } : {}) } };
      if (vars) for (const v of vars) setField(st, v, encode((s.state as Record<string, unknown>)[v], `states/${i}/${v}`));
      else st[STATE_VAR] = encode(s.state, `states/${i}/${STATE_VAR}`);
      if (s.action !== null) st[ACTION_VAR] = s.action;
      st[PICKS_VAR] = {
        choice: 'choice' in s && s.choice !== undefined
          ? { tag: 'Some', value: encode(s.choice, `states/${i}/choice`) }
          : { tag: 'None', value: { '#tup': [] } },
      };
      return st;
    });
    const p = trace.property;
    return E.right({
      '#meta': {
        format: 'ITF',
        'format-description': ITF_FORMAT_DESCRIPTION,
        source: trace.model,
        description:
          p.kind === 'none'
            ? `Created by pvcheck: a trace of model ${trace.model}`
            : `Created by pvcheck: ${p.kind === 'deadlock' ? 'deadlock' : `violation of ${p.name} (${p.kind})`} in model ${trace.model}`,
        ...(trace.created !== undefined && !Number.isNaN(Date.parse(trace.created)) ? { timestamp: Date.parse(trace.created) } : {}),
        pvcheck: {
          format: TRACE_FORMAT,
          version: trace.version,
          model: trace.model,
          params: trace.params,
          property: trace.property,
          ...(trace.violation !== undefined ? { violation: trace.violation } : {}),
          ...(trace.command !== undefined ? { command: trace.command } : {}),
          ...(trace.created !== undefined ? { created: trace.created } : {}),
          ...(vars ? {} : { stateVar: STATE_VAR }),
        },
      },
      params: [],
      vars: [...(vars ?? [STATE_VAR]), ...(allActions ? [ACTION_VAR] : []), PICKS_VAR],
      states,
    });
  } catch (e) {
    if (e instanceof ItfError) return E.left(e.message);
    throw e;
  }
}

// --- decoding

const BIGINT = /^-?[0-9]+$/;

/** Decodes one ITF value to plain JSON; throws ItfError naming the path. */
function decode(v: unknown, path: string): unknown {
  switch (typeof v) {
    case 'number':
      if (!Number.isInteger(v)) throw new ItfError(`${path}: ${v} is not an integer (ITF numbers are integers)`);
      return v;
    case 'string':
    case 'boolean':
      return v;
    case 'object': {
      if (v === null) throw new ItfError(`${path}: null is not an ITF value`);
      if (Array.isArray(v)) return v.map((x, i) => decode(x, at(path, i)));
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      const special = keys.find((k) => k.startsWith('#'));
      if (special === undefined) {
        if (isNone(o, keys)) return null;
        const out: Record<string, unknown> = {};
        for (const k of keys) setField(out, k, decode(o[k], at(path, k)));
        return out;
      }
      if (keys.length !== 1) throw new ItfError(`${path}: '${special}' must be the only field of its object`);
      const x = o[special];
      switch (special) {
        case '#bigint': {
          if (typeof x !== 'string' || !BIGINT.test(x)) throw new ItfError(`${at(path, '#bigint')}: expected a string of digits, got ${JSON.stringify(x)}`);
          const n = Number(x);
          if (!Number.isSafeInteger(n)) throw new ItfError(`${path}: ${x} is too large for pvcheck (beyond 2^53)`);
          return n;
        }
        case '#tup':
        case '#set':
          if (!Array.isArray(x)) throw new ItfError(`${at(path, special)}: expected an array`);
          return x.map((y, i) => decode(y, at(at(path, special), i)));
        case '#map': {
          if (!Array.isArray(x)) throw new ItfError(`${at(path, '#map')}: expected an array of [key, value] pairs`);
          const out: Record<string, unknown> = {};
          x.forEach((pair, i) => {
            const p = at(at(path, '#map'), i);
            if (!Array.isArray(pair) || pair.length !== 2) throw new ItfError(`${p}: expected a [key, value] pair`);
            const k = decode(pair[0], at(p, 0));
            if (typeof k !== 'string') throw new ItfError(`${at(p, 0)}: only #map with string keys is supported (as a record)`);
            setField(out, k, decode(pair[1], at(p, 1)));
          });
          return out;
        }
        case '#unserializable':
          throw new ItfError(`${path}: unserializable value ${JSON.stringify(x)}`);
        default:
          throw new ItfError(`${path}: unknown ITF form '${special}'`);
      }
    }
    default:
      throw new ItfError(`${path}: not an ITF value`);
  }
}

/** One pick: Quint's `Some(v)` (has v) or `None` (has nothing), or a bare value. */
function decodePick(c: unknown, path: string): { has: boolean; value?: unknown } {
  if (isRecord(c) && typeof c.tag === 'string' && 'value' in c && Object.keys(c).length === 2) {
    if (c.tag === 'None') return { has: false };
    if (c.tag === 'Some') return { has: true, value: decode(c.value, `${path}/value`) };
  }
  return { has: true, value: decode(c, path) };
}

/**
 * The choice of a step from `mbt::nondetPicks`. pvcheck writes it under the
 * name `choice`. Quint names each pick by its `nondet` variable (`{v:
 * Some(2)}`, `None` for the picks of actions not taken): the step's choice is
 * then the value of the one pick made, or a record of the picks made
 * (`{v: 2, n: 1}`) when the action made several.
 */
function decodeChoice(picks: unknown, path: string): { has: boolean; value?: unknown } {
  if (!isRecord(picks)) return { has: false };
  if ('choice' in picks) return decodePick(picks.choice, `${path}/choice`);
  const made: [string, unknown][] = [];
  for (const [k, c] of Object.entries(picks)) {
    const p = decodePick(c, `${path}/${k}`);
    if (p.has) made.push([k, p.value]);
  }
  if (made.length === 0) return { has: false };
  return { has: true, value: made.length === 1 ? made[0]![1] : Object.fromEntries(made) };
}

/** Whether a parsed JSON value looks like an ITF trace (has a `states` array). */
export const looksLikeItf = (u: unknown): boolean =>
  isRecord(u) && Array.isArray(u.states) && (Array.isArray(u.vars) || (isRecord(u['#meta']) && u['#meta'].format === 'ITF'));

/**
 * An ITF trace (parsed JSON) back to a pvcheck trace. Model, parameters and
 * property come from `#meta.pvcheck` when pvcheck wrote the file; otherwise the
 * model is `#meta.source` (or ""), there are no parameters and the property is
 * `{name: "", kind: "none"}`. The error is one line with the path.
 */
export function fromItf(json: unknown): E.Either<string, Trace> {
  if (!isRecord(json)) return E.left('(top level): expected an ITF object with "vars" and "states"');
  const states = json.states;
  if (!Array.isArray(states)) return E.left('states: missing (expected an array of ITF states)');
  if (states.length === 0) return E.left('states: expected at least one state');
  if (json.vars !== undefined && !(Array.isArray(json.vars) && json.vars.every((v) => typeof v === 'string')))
    return E.left('vars: expected an array of variable names');
  if (json.loop !== undefined) return E.left('loop: lasso traces (with a loop) are not supported; pvcheck replays finite paths');
  const meta = isRecord(json['#meta']) ? json['#meta'] : {};
  const pv = isRecord(meta.pvcheck) ? meta.pvcheck : undefined;
  const wrapped = pv?.stateVar === STATE_VAR;
  try {
    const steps: Step[] = states.map((raw, i) => {
      const path = `states/${i}`;
      if (!isRecord(raw)) throw new ItfError(`${path}: expected an object`);
      const m = isRecord(raw['#meta']) ? raw['#meta'] : {};
      let state: unknown;
      if (wrapped) {
        if (!(STATE_VAR in raw)) throw new ItfError(`${path}/${STATE_VAR}: missing`);
        state = decode(raw[STATE_VAR], `${path}/${STATE_VAR}`);
      } else {
        const rec: Record<string, unknown> = {};
        for (const k of Object.keys(raw)) if (k !== '#meta' && !k.startsWith('mbt::')) setField(rec, k, decode(raw[k], `${path}/${k}`));
        if (Array.isArray(json.vars))
          for (const v of json.vars as string[])
            if (!v.startsWith('mbt::') && !(v in rec)) throw new ItfError(`${path}/${v}: missing (listed in vars)`);
        state = rec;
      }
      const a = raw[ACTION_VAR];
      if (a !== undefined && typeof a !== 'string') throw new ItfError(`${path}/${ACTION_VAR}: expected a string`);
      if (i === 0) return { action: 'init', rule: null, state };
      const action = typeof a === 'string' ? a : null;
      const rule = typeof m.rule === 'string' ? m.rule : action === null ? null : action.replace(/\(.*$/s, '');
      const c = decodeChoice(raw[PICKS_VAR], `${path}/${PICKS_VAR}`);
      return { action, rule, ...(c.has ? { choice: c.value } : {}), state };
    });
    if (pv) {
      // pvcheck wrote this file: its header is a trace header, checked by the trace codec
      const r = decodeTrace({ ...pv, steps });
      return E.isLeft(r) ? E.left(`#meta/pvcheck/${r.left}`) : r;
    }
    // another tool's file claims no property (kind none): versions 1 and 2 read it alike
    return E.right({
      format: TRACE_FORMAT,
      version: 1,
      model: typeof meta.source === 'string' ? meta.source : '',
      params: {},
      property: { name: '', kind: 'none' },
      steps,
    });
  } catch (e) {
    if (e instanceof ItfError) return E.left(e.message);
    throw e;
  }
}
