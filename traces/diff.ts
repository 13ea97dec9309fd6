/**
 * Field-by-field differences between two states, for `show` (what a step
 * changed) and `replay` (where the recorded state and the model's disagree).
 * Paths read like the C or JSON they stand for: `req_prod`,
 * `xenstore["backend/vif/1/0/state"]`, `grant[3].flags`.
 */
import { canonicalString } from '../checker/fingerprint.js';

export type PathPart = string | number;

export interface Change {
  readonly path: readonly PathPart[];
  /** Absent when the field was added. */
  readonly before?: unknown;
  /** Absent when the field was removed. */
  readonly after?: unknown;
  readonly added?: boolean;
  readonly removed?: boolean;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** `a.b["c/d"][3]`; the empty path (a state that is not a record) is `state`. */
export function formatPath(path: readonly PathPart[]): string {
  if (path.length === 0) return 'state';
  let s = '';
  path.forEach((p, i) => {
    if (typeof p === 'number') s += `[${p}]`;
    else if (IDENT.test(p)) s += i === 0 ? p : `.${p}`;
    else s += `[${JSON.stringify(p)}]`;
  });
  return s;
}

/** A value as one short line: JSON, compact. */
export function formatValue(v: unknown): string {
  if (v === undefined) return '(absent)';
  return JSON.stringify(v) ?? String(v);
}

/** The leaves of a value, depth first (empty records and arrays are leaves). */
export function leaves(v: unknown, path: PathPart[] = []): { path: PathPart[]; value: unknown }[] {
  if (isRecord(v)) {
    const ks = Object.keys(v).filter((k) => v[k] !== undefined);
    if (ks.length === 0) return [{ path, value: v }];
    return ks.flatMap((k) => leaves(v[k], [...path, k]));
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return [{ path, value: v }];
    return v.flatMap((x, i) => leaves(x, [...path, i]));
  }
  return [{ path, value: v }];
}

/** The changes from `a` to `b`, recursing into records and arrays. */
export function diff(a: unknown, b: unknown, path: PathPart[] = [], out: Change[] = []): Change[] {
  if (isRecord(a) && isRecord(b)) {
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !(k in a))];
    for (const k of keys) {
      const x = a[k];
      const y = b[k];
      if (x === undefined && y === undefined) continue;
      if (x === undefined) out.push({ path: [...path, k], after: y, added: true });
      else if (y === undefined) out.push({ path: [...path, k], before: x, removed: true });
      else diff(x, y, [...path, k], out);
    }
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (i >= a.length) out.push({ path: [...path, i], after: b[i], added: true });
      else if (i >= b.length) out.push({ path: [...path, i], before: a[i], removed: true });
      else diff(a[i], b[i], [...path, i], out);
    }
    return out;
  }
  if (a !== b && canonicalString(a) !== canonicalString(b)) out.push({ path, before: a, after: b });
  return out;
}

/**
 * The name the protocol's code gives a value at a path of the state (a
 * model's `valueName`: `XenbusStateInitWait` for a 2 in a XenbusState field),
 * or undefined.
 */
export type ValueNamer = (path: readonly PathPart[], value: unknown) => string | undefined;

/** {@link formatValue}, with the value's name after it when `name` gives one: `2 (XenbusStateInitWait)`. */
export function formatNamedValue(path: readonly PathPart[], v: unknown, name?: ValueNamer): string {
  const text = formatValue(v);
  if (v === undefined || !name) return text;
  const n = name(path, v);
  return n ? `${text} (${n})` : text;
}

/**
 * `  req_prod: 2 -> 4`, `  xenstore["x"]: (absent) -> "4"`; with a namer,
 * `  be.state: 0 (XenbusStateUnknown) -> 2 (XenbusStateInitWait)`.
 */
export function formatChange(c: Change, arrow = ' -> ', name?: ValueNamer): string {
  return `${formatPath(c.path)}: ${formatNamedValue(c.path, c.added ? undefined : c.before, name)}${arrow}${formatNamedValue(c.path, c.removed ? undefined : c.after, name)}`;
}

/**
 * A model's `valueName` as a {@link ValueNamer} that never throws (a trace of
 * another model, or a value the model's function does not expect, is shown
 * without a name), or undefined when the model has none.
 */
export function namerOf(valueName: ((path: readonly PathPart[], value: unknown) => string | undefined) | undefined): ValueNamer | undefined {
  if (!valueName) return undefined;
  return (path, v) => {
    try {
      const n = valueName(path, v);
      return typeof n === 'string' && n !== '' ? n : undefined;
    } catch {
      return undefined;
    }
  };
}
