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
import { hashWords } from '../../checker/hash.js';
import { wordCodecOf } from '../../checker/packed.js';
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

/**
 * Fires rule `name` of `m` at `p` (with `choice`, for a rule with choices) in `s`, as the search
 * would: it must apply at `p` and be enabled in `s` (else an error naming what is enabled).
 */
export function fireRule<S, P>(m: Model<S, P>, p: P, s: S, name: string, choice?: unknown): S {
  const r = m.rules.find((x) => x.name === name);
  if (!r) throw new Error(`${m.name}: no rule ${name}`);
  const on = (x: (typeof m.rules)[number], a: unknown) => (!x.applies || x.applies(p)) && (!x.when || x.when(s, p, a as never));
  const choices = r.choices ? r.choices(s, p) : [undefined];
  if (!choices.includes(choice as never) || !on(r, choice)) {
    const enabled = m.rules.filter((x) => (x.choices ? x.choices(s, p) : [undefined]).some((a) => on(x, a))).map((x) => x.name);
    throw new Error(`${name}${choice === undefined ? '' : `(${String(choice)})`} is not enabled; enabled: ${enabled.join(', ')}`);
  }
  return produce(s, (d: Draft<S>) => r.then(d, s, p, choice as never));
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
 * set's digest: {@link StateSetDigest}, of each state's words packed by the
 * system's codec where it has one (a shape or a flat layout), on both paths.
 */
export function pathsRun<S, P>(m: Model<S, P>, p: P, forceGeneric: boolean, line: Partial<CheckLine> = {}, extra: CheckOptions<S> = {}): { summary: string; result: CheckResult<S> } {
  const sys = bind(m, p, line.invariants ? { invariants: line.invariants } : {});
  if (E.isLeft(sys)) throw new Error(sys.left);
  const digest = new StateSetDigest(sys.right);
  const r = check(sys.right, {
    ...extra, forceGeneric, onState: (s) => digest.add(s),
    ...(line.checkDeadlock !== undefined ? { checkDeadlock: line.checkDeadlock } : {}),
    ...(line.maxStates !== undefined ? { maxStates: line.maxStates } : {}),
    ...(line.maxDepth !== undefined ? { maxDepth: line.maxDepth } : {}),
  });
  const summary = JSON.stringify({
    outcome: r.outcome, states: r.distinctStates, edges: r.edges, depth: r.depth, terminals: r.terminalStates,
    coverage: r.coverage, sha: digest.sha256(), violation: r.violation ? { p: r.violation.property, trace: r.violation.trace } : null,
    observables: r.observables,
  });
  return { summary, result: r };
}

/**
 * A digest of a set of states, for comparing the states two paths found
 * ({@link pathsRun}): the SHA-256 of the states' 64-bit hashes, sorted (the
 * order states are found in does not count; a state lost, added or changed
 * changes it). A state's hash is that of its words packed by the system's
 * codec (checker/packed.ts wordCodecOf: the packed path's own packing, done
 * here again from the object both paths give `onState`), or, for a system
 * without a shape or layout, its structural hash (checker/reference/
 * structural.ts hashValue: key order does not count, equal data hash
 * alike). Until 2026-12-06 every state was hashed structurally (a walk of
 * its objects and keys): the first check line of the 73 shaped examples on
 * the packed path, CPU s, search alone 11.3, with the structural digest
 * 20.8, with the words' 16.5 (the rest is onState's copy and the packing
 * here); on the reference path 22.6, 25.0 and 27.9 (hashValue memoises the
 * frozen subtrees its states share, the codec packs each whole); docs/perf/
 * 2026-12-06-pool.md. The words are a function of the state's data as the
 * codec reads it, and the reference path's states are packed only here (its
 * search fingerprints their structure), so a state one path has and the
 * other has not still shows (test/shapesDigest). Two sets of n states that
 * differ hash alike with probability about n^2 / 2^64 (1e-9 at 185,000).
 */
export class StateSetDigest<S> {
  private hashes = new Uint32Array(1024);
  private n = 0;
  private readonly h = new Uint32Array(2);
  private readonly hash: (s: S) => void;
  constructor(sys: System<S>) {
    const codec = wordCodecOf(sys);
    if (codec) {
      const w = new Uint32Array(codec.words);
      this.hash = (s) => {
        codec.pack(s, w);
        hashWords(w, w.length, this.h);
      };
    } else this.hash = (s) => hashValue(s, this.h);
  }
  /** Whether the states are hashed by their packed words (else by their structure). */
  static packs(sys: System<unknown>): boolean {
    return wordCodecOf(sys) !== undefined;
  }
  add(s: S): void {
    this.hash(s);
    if (2 * this.n + 2 > this.hashes.length) {
      const more = new Uint32Array(this.hashes.length * 2);
      more.set(this.hashes);
      this.hashes = more;
    }
    // little-endian 64-bit words: the low half first
    this.hashes[2 * this.n] = this.h[1]!;
    this.hashes[2 * this.n + 1] = this.h[0]!;
    this.n++;
  }
  get size(): number {
    return this.n;
  }
  sha256(): string {
    const all = new BigUint64Array(this.hashes.buffer, 0, this.n).slice().sort();
    return createHash('sha256').update(new Uint8Array(all.buffer)).digest('hex');
  }
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
