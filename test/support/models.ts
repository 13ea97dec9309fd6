/**
 * Helpers the model tests share: resolve a model's parameters from overrides
 * (as `--param` would) and run the checker on a model, failing loudly on a bad
 * parameter instead of returning an Either.
 */
import * as E from 'fp-ts/lib/Either.js';
import { produce, type Draft } from 'immer';
import type { Model } from '../../model/core.js';
import { resolveParams } from '../../model/params.js';
import { bind, deadlockSelected } from '../../properties/bind.js';
import { check, type CheckOptions, type CheckResult } from '../../checker/explore.js';
import { replay, traceFromViolation } from '../../traces/index.js';
import { createHash } from 'node:crypto';
import { hashValue } from '../../checker/reference/structural.js';
import type { System } from '../../checker/system.js';
import { findModel } from '../../model/registry.js';

export function paramsOf<S, P>(m: Model<S, P>, overrides: Record<string, string | number | boolean>): P {
  const p = resolveParams(m.params, overrides);
  if (E.isLeft(p)) throw new Error(p.left);
  return p.right as P;
}

/** `m` bound at `p` with the named invariants (every one when none are named). */
export function systemOf<S, P>(m: Model<S, P>, p: P, invariants?: readonly string[]): System<S> {
  const sys = bind(m, p, invariants ? { invariants: [...invariants] } : {});
  if (E.isLeft(sys)) throw new Error(sys.left);
  return sys.right;
}

/** A built-in model, by name, bound at overrides (every invariant). */
export function builtinSystem(model: string, overrides: Record<string, string>): System<any> {
  const m = findModel(model);
  if (!m) throw new Error(`no model ${model}`);
  return systemOf(m, paramsOf(m, overrides));
}

/** A built-in model bound at overrides, and the piece of its shape (for the codec tests). */
export function boundShaped(model: string, overrides: Record<string, string>): { sys: System<any>; piece: any } {
  const m = findModel(model);
  if (!m) throw new Error(`no model ${model}`);
  const p = paramsOf(m, overrides);
  if (!m.shape) throw new Error(`${model} declares no shape`);
  return { sys: systemOf(m, p), piece: m.shape(p).state.piece };
}

/** Checks `m` at `p`; a number is a `maxDepth`. */
export function runModel<S, P>(m: Model<S, P>, p: P, opt: number | CheckOptions<S> = {}): CheckResult<S> {
  const sys = bind(m, p);
  if (E.isLeft(sys)) throw new Error(sys.left);
  return check(sys.right, typeof opt === 'number' ? { maxDepth: opt } : opt);
}

/**
 * A counterexample replays: rule by rule on the model (each step's rule is
 * enabled in the state before it and produces the recorded state, computed
 * here with immer, independently of traces/replay.ts), and through
 * `traces/replay.ts` as `pvcheck replay` runs it (outcome `reproduced` at the
 * last step).
 */
export function replays<S, P>(m: Model<S, P>, p: P, r: CheckResult<S>): boolean {
  const v = r.violation;
  if (!v) return false;
  const t = v.trace;
  if (!m.init(p).some((s0) => JSON.stringify(s0) === JSON.stringify(t[0]!.state))) return false;
  for (let i = 1; i < t.length; i++) {
    const rule = m.rules.find((x) => x.name === t[i]!.rule);
    if (!rule) return false;
    const prev = t[i - 1]!.state;
    const a = t[i]!.choice;
    if (rule.when && !rule.when(prev, p, a)) return false;
    const next = produce(prev, (d) => { rule.then(d as Draft<S>, prev, p, a); });
    if (JSON.stringify(next) !== JSON.stringify(t[i]!.state)) return false;
  }
  const res = replay(m, p, traceFromViolation(m, p, v));
  return res.kind === 'reproduced' && res.step === t.length - 1;
}

/**
 * What a search on one path gives, as one string: counts, coverage,
 * observables, a digest of the state set and the violation's trace (for
 * comparing the packed and reference paths); `line`: an example's check line
 * (checkLine), else every invariant and the deadlock check.
 */
export function pathsSummary<S, P>(m: Model<S, P>, p: P, forceGeneric: boolean, line: Partial<CheckLine> = {}, extra: CheckOptions<S> = {}): string {
  return pathsRun(m, p, forceGeneric, line, extra).summary;
}

/**
 * {@link pathsSummary}'s string and the search's result (test/support/
 * shapedExamples.ts compares the packed one with 3 workers too). The state
 * set's digest is the SHA-256 of the sorted 64-bit structural hashes of the
 * states (checker/reference/structural.ts hashValue: key order does not
 * count, equal data hash alike), not of their canonical strings: the packed
 * path's states are not frozen, so each string was built whole (no subtree
 * memoised) and kept to the end. Every shaped example's first check line,
 * both paths, CPU s: the strings sorted 77, a SHA-256 a state's string 56,
 * the structural hash 29 (the searches alone: 30). Two sets of n states that
 * differ hash alike with probability about n^2 / 2^64 (1e-9 at 185,000).
 */
export function pathsRun<S, P>(m: Model<S, P>, p: P, forceGeneric: boolean, line: Partial<CheckLine> = {}, extra: CheckOptions<S> = {}): { summary: string; result: CheckResult<S> } {
  const digests: string[] = [];
  const h = new Uint32Array(2);
  const sys = bind(m, p, line.invariants ? { invariants: line.invariants } : {});
  if (E.isLeft(sys)) throw new Error(sys.left);
  const r = check(sys.right, {
    ...extra, forceGeneric, onState: (s) => {
      hashValue(s, h);
      digests.push(h[0]!.toString(16).padStart(8, '0') + h[1]!.toString(16).padStart(8, '0'));
    },
    ...(line.checkDeadlock !== undefined ? { checkDeadlock: line.checkDeadlock } : {}),
    ...(line.maxStates !== undefined ? { maxStates: line.maxStates } : {}),
    ...(line.maxDepth !== undefined ? { maxDepth: line.maxDepth } : {}),
  });
  digests.sort();
  const sha = createHash('sha256').update(digests.join('')).digest('hex');
  const summary = JSON.stringify({
    outcome: r.outcome, states: r.distinctStates, edges: r.edges, depth: r.depth, terminals: r.terminalStates,
    coverage: r.coverage, sha, violation: r.violation ? { p: r.violation.property, trace: r.violation.trace } : null,
    observables: r.observables,
  });
  return { summary, result: r };
}

/** What an example's `@pvcheck check` line asks for, read as `pvcheck check` reads it. */
export interface CheckLine { params: Record<string, string>; invariants?: string[]; checkDeadlock: boolean; maxStates?: number; maxDepth?: number }

/**
 * An `@pvcheck check` line's arguments read as `pvcheck catalogue` reads them
 * (cli/catalogue.ts runCheck; the options example headers use, any other is an
 * error naming it). A fixed-by row passes the first check line's arguments and
 * then its own: later parameters win, the last invariant list wins,
 * `--no-deadlock` anywhere counts, and `--leave-out NAME` drops a property from
 * `properties` (the model's invariants and goals).
 */
export function checkLine(lists: readonly (readonly string[])[], properties?: readonly string[]): CheckLine {
  const params: Record<string, string> = {};
  let invariants: string[] | undefined;
  let noDeadlock = false;
  let maxStates: number | undefined;
  let maxDepth: number | undefined;
  const leaveOut: string[] = [];
  for (const args of lists) {
    const inv: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-p' || a === '--param') {
        const [k, ...v] = args[++i]!.split('=');
        params[k!] = v.join('=');
      } else if (a === '-i' || a === '--invariant') inv.push(args[++i]!);
      else if (a === '--no-deadlock') noDeadlock = true;
      else if (a === '--max-states') maxStates = Number(args[++i]);
      else if (a === '--max-depth') maxDepth = Number(args[++i]);
      else if (a === '--leave-out') leaveOut.push(args[++i]!);
      else throw new Error(`option ${a} of an @pvcheck check line is not read by test/support/models.ts checkLine: add it there`);
    }
    if (inv.length) invariants = inv;
  }
  if (leaveOut.length) {
    if (!properties) throw new Error('checkLine: --leave-out needs the model\'s property names');
    invariants = (invariants ?? [...properties, 'deadlock']).filter((n) => !leaveOut.includes(n));
  }
  return { params, ...(invariants ? { invariants } : {}), checkDeadlock: !noDeadlock && deadlockSelected(invariants), ...(maxStates !== undefined ? { maxStates } : {}), ...(maxDepth !== undefined ? { maxDepth } : {}) };
}
