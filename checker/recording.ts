/**
 * The recording copy of a system's rules and invariants, for traced rules
 * (traced.ts): the same model code loaded a second time, so that the
 * recordings (the model's functions run on Proxies and accessor views) leave
 * V8's feedback and optimised code of the search's copy alone.
 *
 * Why: a few dozen recordings through Proxies left the model's code ~30%
 * slower on plain objects for the rest of the process (netif-ctrl untraced
 * after a traced prefix of 50 states: 4.9-5.0 s, against 3.6-3.9 after an
 * untraced one; docs/perf/2026-12-05f-nested.md), and traced rules run
 * effects on objects wherever their recordings do not pay.
 *
 * How: bin/ts-hooks.mjs loads each module of model/ and examples/ a second
 * time under the query `?pvcheck-record` (with the project modules it
 * imports, the checker's excepted) and lists each pair of namespaces in
 * globalThis[Symbol.for('pvcheck.recordingTwins')]. Here each exported value
 * is paired with its copy, and below it, by the same keys and indices, the
 * plain objects, arrays and functions it holds (a model, its rules, their
 * functions), so that a rule's `direct.rule` (system.ts) finds its copy. The
 * checker knows nothing of models: what is paired is whatever the two loads
 * built alike. A system whose rules have no copy (a model built outside
 * those modules, a test's own system, the hooks not registered, or the copy
 * not loaded: PVCHECK_TRACED unset when the process started) records on its
 * own rules, as before.
 */
import type { SysInvariant, SysRule, System } from './system.js';

type Pairs = [Record<string, unknown>, Record<string, unknown>][];
const LIST = Symbol.for('pvcheck.recordingTwins');
/** How deep below an export the pairing walks (a model, its rules array, a rule, its function: 4). */
const DEPTH = 6;
const twins = new WeakMap<object, unknown>();
let paired = 0;

function pairAll(): void {
  const list = (globalThis as Record<symbol, Pairs | undefined>)[LIST];
  if (list === undefined) return;
  for (; paired < list.length; paired++) {
    const [a, b] = list[paired]!;
    try {
      for (const k of Object.keys(a)) pair(a[k], b[k], DEPTH);
    } catch {
      // an export not initialised yet (a search started while its module still evaluates): paired at a later call
      return;
    }
  }
}

function pair(a: unknown, b: unknown, depth: number): void {
  if (a === b || a === null || b === null || typeof a !== typeof b || (typeof a !== 'object' && typeof a !== 'function')) return;
  if (twins.has(a as object)) return;
  twins.set(a as object, b);
  if (depth === 0 || typeof a === 'function') return;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return;
    for (let i = 0; i < a.length; i++) pair(a[i], b[i], depth - 1);
    return;
  }
  // plain records only (a Map, a class instance or a typed array holds no model code to pair)
  if (Object.getPrototypeOf(a) !== Object.prototype) return;
  const x = a as Record<string, unknown>, y = b as Record<string, unknown>;
  for (const k of Object.keys(x)) {
    const d = Object.getOwnPropertyDescriptor(x, k);
    if (d !== undefined && 'value' in d) pair(d.value, y[k], depth - 1);
  }
}

/** The recording copy of `x` (an object or function a model module exported, or holds), if it was loaded twice. */
export function twinOf<T extends object>(x: T): T | undefined {
  pairAll();
  return twins.get(x) as T | undefined;
}

/**
 * The rules and invariants the recordings of `sys` run: each rule (and
 * invariant) whose model code has a recording copy calls that copy with the
 * same parameters (system.ts: `then` is `direct.rule.then(d, s,
 * direct.params, a)`), others are the system's own. An exception in a copy is
 * not a ModelFault: traced.ts runs the system's own rule again on the state
 * unpacked, which throws the model's fault.
 */
export function recordingOf<S>(sys: System<S>): { rules: readonly SysRule<S>[]; invariants: readonly SysInvariant<S>[]; copies: number } {
  let copies = 0;
  if (process.env.PVCHECK_TRACE_TWIN === '0') return { rules: sys.rules, invariants: sys.invariants, copies };
  const rules = sys.rules.map((r): SysRule<S> => {
    const d = r.direct;
    const t = d && twinOf(d.rule);
    if (!d || !t || typeof t.then !== 'function' || (d.rule.when === undefined) !== (t.when === undefined) || (d.rule.choices === undefined) !== (t.choices === undefined)) return r;
    copies++;
    const p = d.params;
    return {
      ...r,
      ...(t.choices ? { choices: (s: S) => t.choices!(s, p) } : {}),
      ...(t.when ? { when: (s: S, a: unknown) => t.when!(s, p, a) } : {}),
      then: (dr: unknown, s: S, a: unknown) => t.then(dr, s, p, a),
    };
  });
  const invariants = sys.invariants.map((i): SysInvariant<S> => {
    const d = i.direct;
    const t = d && twinOf(d.invariant);
    if (!d || !t || typeof t.holds !== 'function') return i;
    copies++;
    const p = d.params;
    return { ...i, holds: (s: S) => t.holds(s, p) };
  });
  return { rules, invariants, copies };
}
