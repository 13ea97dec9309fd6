/**
 * The scale-out modes of `pvcheck check` (docs/scale-out.md): `--partition
 * K/N --exchange DIR` (checker/partition.ts) and `--swarm K/N --out DIR`
 * (checker/swarm.ts), and `pvcheck merge DIR`. K and N come from the batch
 * scheduler when not given: a Kubernetes Indexed Job's JOB_COMPLETION_INDEX,
 * a Slurm array's SLURM_ARRAY_TASK_ID (and SLURM_ARRAY_TASK_COUNT for N).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { CheckResult } from '../checker/explore.js';
import type { System } from '../checker/system.js';
import { PartitionInterrupted, PartitionMember, partitionReason } from '../checker/partition.js';
import { swarmMember } from '../checker/swarm.js';
import type { StoreReport } from '../checker/bitstate.js';
import { fmtBytes } from '../checker/memory.js';
import { showParams } from '../model/params.js';
import { traceFromViolation } from '../traces/format.js';
import { writeFileAtomic } from '../traces/io.js';
import type { Model } from '../model/core.js';
import { bind } from '../properties/bind.js';
import { EXIT, UsageError } from './errors.js';
import { writeOrWarn, writeTraceFile } from './files.js';
import { interrupted } from './interrupt.js';
import { fmtInt, goalsLine } from './report.js';
import { mergeRefusals, type Membership } from './refusals.js';

// the scale-out options' refusals need no model: cli/refusals.ts makes them before cli/check.ts loads one (session 35)
export { durationOption, membership, refuseWith, sharedDir, type Membership } from './refusals.js';

/** What a member of either mode runs: the model at its parameters, its properties, which member, the shared folder. */
export interface MemberRun {
  readonly model: Model;
  readonly params: object;
  readonly invariants: readonly string[] | undefined;
  /** The model's AG EF goals a swarm member leaves out (its bit array keeps no state ids: cli/check.ts goalsLeftOut). */
  readonly goalsUnchecked?: readonly string[];
  readonly checkDeadlock: boolean;
  readonly who: Membership;
  readonly dir: string;
  readonly quiet: boolean;
}

/** The model bound at `params` with the selected invariants; a binding error is bad input. */
function bound(model: Model, params: object, invariants: readonly string[] | undefined, noGoals = false): System<unknown> {
  const sys = bind(model, params, { ...(invariants ? { invariants } : {}), ...(noGoals ? { noGoals } : {}) });
  if (E.isLeft(sys)) throw new UsageError(sys.left);
  return sys.right;
}

/**
 * One member of a partitioned search. Member 1 returns the whole search's
 * result (check.ts writes its trace and report as for any search); another
 * member prints one line and returns the exit code of the whole search.
 */
export async function runPartitionMember(m: MemberRun): Promise<CheckResult<unknown> | number> {
  const { model, params, invariants, checkDeadlock, who, dir, quiet } = m;
  const sys = bound(model, params, invariants);
  const why = partitionReason(sys);
  if (why) throw new UsageError(`--partition: model ${model.name}: ${why}`);
  const crash = process.env.PVCHECK_PARTITION_CRASH;
  let last = Date.now();
  const member = new PartitionMember(sys, {
    ...who,
    dir,
    checkDeadlock,
    signature: { model: model.name, params, invariants: invariants ?? null, checkDeadlock },
    interrupted,
    ...(crash !== undefined && /^\d+$/.test(crash) ? { crashAtStep: Number(crash) } : {}),
    onStep: (p) => {
      if (p.resumedAt !== undefined && !quiet) process.stderr.write(`partition member ${who.member}/${who.members}: resumed after step ${p.resumedAt} (${fmtInt(p.states)} states of its part)\n`);
      if (quiet || Date.now() - last < 2000) return;
      last = Date.now();
      process.stderr.write(`progress partition member ${who.member}/${who.members} level ${p.level}: ${fmtInt(p.states)} states of its part, ${fmtInt(p.edges)} edges\n`);
    },
  });
  let r: CheckResult<unknown>;
  try {
    r = await member.run();
  } catch (e) {
    if (e instanceof PartitionInterrupted) {
      process.stdout.write(`partition member ${who.member} of ${who.members}: INTERRUPTED at a barrier; start it again with the same command to resume\n`);
      return EXIT.incomplete;
    }
    throw new UsageError(((e as Error).message ?? String(e)).split('\n')[0]!, e);
  }
  if (who.member === 1) return r;
  process.stdout.write(
    `partition member ${who.member} of ${who.members}: outcome ${r.outcome}${r.violation ? ` (${r.violation.property})` : ''}, ` +
      `${fmtInt(r.distinctStates)} states, ${fmtInt(r.edges)} edges, depth ${r.depth} in all parts (member 1 reports the whole search)\n`,
  );
  return r.outcome === 'ok' ? EXIT.ok : r.outcome === 'incomplete' ? EXIT.incomplete : EXIT.violation;
}

/** What a swarm member writes, `DIR/member-K.json`; `pvcheck merge` reads them. */
export interface MemberFile {
  readonly pvcheckSwarmMember: 1;
  readonly model: string;
  readonly params: Record<string, unknown>;
  readonly invariants: readonly string[] | null;
  /** The goals the member left out (absent: the model has none, or -i selected invariants only). */
  readonly goalsUnchecked?: readonly string[];
  readonly member: number;
  readonly members: number;
  readonly seed: number;
  readonly strategy: 'bfs' | 'dfs';
  readonly depthBound: number | null;
  readonly hashes: number;
  readonly outcome: 'violation' | 'deadlock' | 'incomplete';
  readonly reason?: string;
  readonly distinctStates: number;
  readonly edges: number;
  readonly deepest: number;
  readonly seconds: number;
  readonly coverage: Record<string, number>;
  readonly observables?: readonly { name: string; min: number | null; max: number | null }[];
  readonly store: StoreReport;
  readonly violation?: { property: string; kind: string; length: number; traceFile: string | null; secondsToFind: number };
}

/** One swarm member: searches, writes DIR/member-K.json and its counterexample DIR/member-K.trace.json; returns the exit code. */
export async function runSwarmMember(
  m: MemberRun,
  o: { seed: number; timeMs?: number; bitstateBytes: number; maxDepth?: number; maxStates?: number; maxMemory?: number; command: string },
): Promise<number> {
  const { model, params, invariants, checkDeadlock, who, dir } = m;
  const unchecked = m.goalsUnchecked ?? [];
  // a member keeps its states in a bit array, which has no state ids for an AG EF goal's backward pass (checker/bitstate.ts
  // makeStore): the goals are left out and named (cli/check.ts goalsLeftOut, which refuses a goal named with -i)
  const sys = bound(model, params, invariants, unchecked.length > 0);
  if (sys.init.length === 0) throw new UsageError(`model ${model.name} has no initial state`);
  if (sys.goals?.length) throw new Error(`swarm member: goals ${sys.goals.map((g) => g.name).join(', ')} reached a bit array (cli/check.ts goalsLeftOut leaves them out)`);
  if (o.maxMemory !== undefined && o.bitstateBytes >= o.maxMemory)
    throw new UsageError(`--swarm: the bit array (--store bitstate:${fmtBytes(o.bitstateBytes)}) does not fit in --max-memory ${fmtBytes(o.maxMemory)}`);
  let last = Date.now();
  const r = await swarmMember(
    sys,
    { ...who, seed: o.seed, bitstateBytes: o.bitstateBytes, checkDeadlock, interrupted, ...(o.timeMs !== undefined ? { timeMs: o.timeMs } : {}), ...(o.maxDepth !== undefined ? { maxDepth: o.maxDepth } : {}), ...(o.maxStates !== undefined ? { maxStates: o.maxStates } : {}), ...(o.maxMemory !== undefined ? { maxMemory: o.maxMemory } : {}) },
    async () => {
      if (!m.quiet && Date.now() - last >= 2000) {
        last = Date.now();
        process.stderr.write(`progress swarm member ${who.member}/${who.members}\n`);
      }
      await new Promise((res) => setImmediate(res));
    },
  );
  const base = join(dir, `member-${who.member}`);
  let traceFile: string | null = null;
  if (r.violation) {
    const t = traceFromViolation(model, params, r.violation, o.command);
    traceFile = writeTraceFile(`${base}.trace.json`, t, 'json');
  }
  const file: MemberFile = {
    pvcheckSwarmMember: 1,
    model: model.name,
    params: { ...params },
    invariants: invariants ? [...invariants] : null,
    ...(unchecked.length ? { goalsUnchecked: [...unchecked] } : {}),
    member: who.member,
    members: who.members,
    seed: o.seed,
    strategy: r.strategy,
    depthBound: r.depthBound,
    hashes: r.hashes,
    outcome: r.outcome,
    ...(r.reason ? { reason: r.reason } : {}),
    distinctStates: r.distinctStates,
    edges: r.edges,
    deepest: r.deepest,
    seconds: r.seconds,
    coverage: Object.fromEntries(r.coverage.map((c) => [c.rule, c.fired])),
    ...(r.observables ? { observables: r.observables } : {}),
    store: { ...r.store, ...(r.store.hashFactor === Infinity ? { hashFactor: null as unknown as number } : {}) },
    ...(r.violation
      ? { violation: { property: r.violation.property, kind: r.violation.kind, length: r.violation.trace.length - 1, traceFile: traceFile === null ? null : basename(traceFile), secondsToFind: r.seconds } }
      : {}),
  };
  writeOrWarn(`${base}.json`, () => writeFileAtomic(`${base}.json`, JSON.stringify(file, null, 2) + '\n'));
  process.stdout.write(
    `swarm member ${who.member} of ${who.members} (${r.strategy}${r.depthBound !== null ? `, depth bound ${r.depthBound}` : ''}, ${r.hashes} bits a state, seed ${o.seed}): ` +
      (r.violation
        ? `${r.outcome.toUpperCase()} of ${r.violation.property} after ${r.violation.trace.length - 1} steps, found in ${r.seconds.toFixed(2)} s -> ${traceFile ?? 'trace not written'}`
        : `nothing found (${r.reason}), ${r.seconds.toFixed(2)} s`) +
      `; ${fmtInt(r.distinctStates)} states, ${fmtInt(r.edges)} edges, deepest ${r.deepest}; ${base}.json\n` +
      (unchecked.length ? goalsLine(unchecked, '--swarm') + '\n' : ''),
  );
  return r.violation ? EXIT.violation : EXIT.incomplete;
}

/**
 * The extremes of each observable over every member (the least min, the
 * greatest max, and which member saw each; null where no member reached a
 * state). As the members' searches, a lower bound on the model's true range.
 */
export function mergeObservables(files: readonly MemberFile[]): { name: string; min: number | null; max: number | null; minMember: number | null; maxMember: number | null }[] {
  const out = new Map<string, { name: string; min: number | null; max: number | null; minMember: number | null; maxMember: number | null }>();
  for (const f of files)
    for (const o of f.observables ?? []) {
      const x = out.get(o.name) ?? { name: o.name, min: null, max: null, minMember: null, maxMember: null };
      if (o.min !== null && (x.min === null || o.min < x.min)) (x.min = o.min), (x.minMember = f.member);
      if (o.max !== null && (x.max === null || o.max > x.max)) (x.max = o.max), (x.maxMember = f.member);
      out.set(o.name, x);
    }
  return [...out.values()];
}

/** `pvcheck merge DIR [--json]`: the swarm's members combined. */
export async function mergeCommand(argv: string[]): Promise<number> {
  // its refusals need no member file (cli/refusals.ts): cli/main.ts makes them before importing this module
  const { dir, json } = mergeRefusals(argv);
  const names = readdirSync(dir).filter((f) => /^member-\d+\.json$/.test(f)).sort((a, b) => Number(a.slice(7, -5)) - Number(b.slice(7, -5)));
  if (!names.length) throw new UsageError(`merge: ${dir} holds no member-K.json (run the members with --swarm K/N --out ${dir} first)`);
  const files = names.map((n) => {
    let f: MemberFile;
    try {
      f = JSON.parse(readFileSync(join(dir, n), 'utf8')) as MemberFile;
    } catch (e) {
      throw new UsageError(`merge: ${join(dir, n)} is not JSON: ${(e as Error).message.split('\n')[0]}`);
    }
    if (f?.pvcheckSwarmMember !== 1 || typeof f.member !== 'number' || typeof f.coverage !== 'object') throw new UsageError(`merge: ${join(dir, n)} is not a pvcheck swarm member file`);
    return f;
  });
  const first = files[0]!;
  const same = (f: MemberFile) => f.model === first.model && JSON.stringify(f.params) === JSON.stringify(first.params) && f.members === first.members && JSON.stringify(f.invariants) === JSON.stringify(first.invariants) &&
    JSON.stringify(f.goalsUnchecked ?? []) === JSON.stringify(first.goalsUnchecked ?? []);
  const other = files.find((f) => !same(f));
  if (other) throw new UsageError(`merge: member ${other.member} checked another run (${other.model} ${showParams(other.params)}, ${other.members} members) than member ${first.member} (${first.model} ${showParams(first.params)}, ${first.members} members)`);
  const missing = Array.from({ length: first.members }, (_, i) => i + 1).filter((k) => !files.some((f) => f.member === k));
  const coverage: Record<string, number> = {};
  const by: Record<string, number> = {};
  for (const f of files)
    for (const [rule, n] of Object.entries(f.coverage)) {
      coverage[rule] = (coverage[rule] ?? 0) + n;
      by[rule] = (by[rule] ?? 0) + (n > 0 ? 1 : 0);
    }
  const neverFired = Object.keys(coverage).filter((r) => coverage[r] === 0);
  const observables = mergeObservables(files);
  const found = files.filter((f) => f.violation).sort((a, b) => a.violation!.length - b.violation!.length || a.violation!.secondsToFind - b.violation!.secondsToFind);
  const best = found[0];
  const firstFound = found.length ? Math.min(...found.map((f) => f.violation!.secondsToFind)) : null;
  const outcome = best ? best.outcome : 'incomplete';
  const merged = {
    model: first.model,
    params: first.params,
    members: first.members,
    reported: files.map((f) => f.member),
    missing,
    outcome,
    ...(first.goalsUnchecked?.length ? { goalsUnchecked: first.goalsUnchecked } : {}),
    statesVisited: files.reduce((a, f) => a + f.distinctStates, 0),
    edges: files.reduce((a, f) => a + f.edges, 0),
    deepest: Math.max(...files.map((f) => f.deepest)),
    coverage,
    neverFired,
    ...(observables.length ? { observables } : {}),
    ...(best ? { violation: { ...best.violation!, member: best.member, traceFile: best.violation!.traceFile === null ? null : join(dir, best.violation!.traceFile) }, membersThatFound: found.map((f) => f.member), firstFoundSeconds: firstFound } : {}),
  };
  if (json) process.stdout.write(JSON.stringify(merged, null, 2) + '\n');
  else {
    const lines = [`swarm ${first.model}  ${showParams(first.params)}`];
    lines.push(`  members      ${files.length} of ${first.members} reported` + (missing.length ? ` (missing: ${missing.join(', ')})` : ''));
    lines.push(
      `  outcome      ${best ? `${best.outcome.toUpperCase()} of ${best.violation!.property} after ${best.violation!.length} steps (the shortest any member found: member ${best.member}; ${found.length} member${found.length > 1 ? 's' : ''} found one, the first after ${firstFound!.toFixed(2)} s)` : 'INCOMPLETE: no member found a violation; a swarm proves nothing (bitstate, bounds, budgets)'}`,
    );
    if (first.goalsUnchecked?.length) lines.push(goalsLine(first.goalsUnchecked, '--swarm'));
    lines.push(`  visited      ${fmtInt(merged.statesVisited)} states in all (members overlap), ${fmtInt(merged.edges)} edges, deepest ${merged.deepest}`);
    const fired = Object.values(coverage).filter((n) => n > 0).length;
    lines.push(`  coverage     ${fired}/${Object.keys(coverage).length} rules fired by some member` + (neverFired.length ? `; never fired: ${neverFired.join(', ')}` : ''));
    for (const x of observables)
      lines.push(`  observable   ${x.name}: ${x.min === null ? 'never evaluated' : `min ${x.min} (member ${x.minMember}), max ${x.max} (member ${x.maxMember})`}`);
    if (best) {
      const tf = merged.violation!.traceFile;
      lines.push(`  trace        ${tf ?? 'not written'}`);
      if (tf) lines.push(`  read it      pvcheck show ${tf}`, `  replay it    pvcheck replay ${tf}`);
    }
    process.stdout.write(lines.join('\n') + '\n');
  }
  return best ? EXIT.violation : EXIT.incomplete;
}
