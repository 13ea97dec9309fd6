/**
 * The scale-out modes of `pvcheck check` (docs/scale-out.md): `--partition
 * K/N --exchange DIR` (checker/partition.ts) and `--swarm K/N --out DIR`
 * (checker/swarm.ts), and `pvcheck merge DIR`. K and N come from the batch
 * scheduler when not given: a Kubernetes Indexed Job's JOB_COMPLETION_INDEX,
 * a Slurm array's SLURM_ARRAY_TASK_ID (and SLURM_ARRAY_TASK_COUNT for N).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { CheckResult } from '../checker/explore.js';
import { PartitionInterrupted, PartitionMember, partitionReason } from '../checker/partition.js';
import type { Model } from '../model/core.js';
import { bind } from '../properties/bind.js';
import { EXIT, UsageError } from './errors.js';
import { isDir, writableDir } from './files.js';
import { interrupted } from './interrupt.js';
import { fmtInt } from './report.js';

/** Member K of N (1-based). */
export interface Membership {
  readonly member: number;
  readonly members: number;
}

/**
 * `K/N`, `N` (K from the scheduler) or `auto` (both from it). The scheduler's
 * index: JOB_COMPLETION_INDEX (Kubernetes, from 0), SLURM_ARRAY_TASK_ID
 * (Slurm, from SLURM_ARRAY_TASK_MIN); N: SLURM_ARRAY_TASK_COUNT.
 */
export function membership(flag: string, text: string, env: NodeJS.ProcessEnv = process.env): Membership {
  const m = /^(?:(\d+)\/)?(\d+|auto)$/.exec(text);
  if (!m) throw new UsageError(`${flag} expects K/N (member K of N, from 1), N or auto, got '${text}'`);
  let members: number;
  if (m[2] === 'auto') {
    if (m[1] !== undefined) throw new UsageError(`${flag} expects K/N, N or auto, got '${text}'`);
    const c = env.SLURM_ARRAY_TASK_COUNT;
    if (c === undefined || !/^\d+$/.test(c)) throw new UsageError(`${flag} auto: the number of members comes from SLURM_ARRAY_TASK_COUNT, which is not set (give ${flag} N)`);
    members = Number(c);
  } else members = Number(m[2]);
  let member: number;
  if (m[1] !== undefined) member = Number(m[1]);
  else if (env.JOB_COMPLETION_INDEX !== undefined && /^\d+$/.test(env.JOB_COMPLETION_INDEX)) member = Number(env.JOB_COMPLETION_INDEX) + 1;
  else if (env.SLURM_ARRAY_TASK_ID !== undefined && /^\d+$/.test(env.SLURM_ARRAY_TASK_ID)) {
    const min = env.SLURM_ARRAY_TASK_MIN !== undefined && /^\d+$/.test(env.SLURM_ARRAY_TASK_MIN) ? Number(env.SLURM_ARRAY_TASK_MIN) : 0;
    member = Number(env.SLURM_ARRAY_TASK_ID) - min + 1;
  } else throw new UsageError(`${flag} ${text}: which member this is comes from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID, neither is set (give ${flag} K/N)`);
  if (members < 1 || members > 4096) throw new UsageError(`${flag}: the number of members must be between 1 and 4096, got ${members}`);
  if (member < 1 || member > members) throw new UsageError(`${flag}: member ${member} is out of range 1..${members}`);
  return { member, members };
}

/** A shared folder option: created if its parent exists, writable. */
export function sharedDir(flag: string, dir: string | undefined, mode: string): string {
  if (dir === undefined || dir === '') throw new UsageError(`${mode} needs ${flag} DIR (a folder every member sees)`);
  if (!isDir(dir)) {
    if (!isDir(dirname(dir))) throw new UsageError(`${flag} ${dir}: no such folder (nor its parent)`);
    try {
      mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !isDir(dir)) throw new UsageError(`${flag} ${dir}: cannot create the folder`);
    }
  }
  if (!writableDir(dir)) throw new UsageError(`${flag} ${dir}: the folder is not writable`);
  return dir;
}

/** Options of `check` that a scale-out mode cannot honour (each names the reason). */
export function refuseWith(mode: string, given: Record<string, unknown>, names: readonly string[]): void {
  const bad = names.find((n) => given[n] !== undefined && given[n] !== false);
  if (bad) throw new UsageError(`${mode} cannot be combined with --${bad}`);
}

/**
 * One member of a partitioned search. Member 1 returns the whole search's
 * result (check.ts writes its trace and report as for any search); another
 * member prints one line and returns the exit code of the whole search.
 */
export async function runPartitionMember(
  model: Model,
  params: object,
  invariants: readonly string[] | undefined,
  checkDeadlock: boolean,
  who: Membership,
  dir: string,
  quiet: boolean,
): Promise<CheckResult<unknown> | number> {
  const sys = bind(model, params, invariants ? { invariants } : {});
  if (E.isLeft(sys)) throw new UsageError(sys.left);
  const why = partitionReason(sys.right);
  if (why) throw new UsageError(`--partition: model ${model.name}: ${why}`);
  const crash = process.env.PVCHECK_PARTITION_CRASH;
  let last = Date.now();
  const member = new PartitionMember(sys.right, {
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
    throw new UsageError(((e as Error).message ?? String(e)).split('\n')[0]!);
  }
  if (who.member === 1) return r;
  process.stdout.write(
    `partition member ${who.member} of ${who.members}: outcome ${r.outcome}${r.violation ? ` (${r.violation.property})` : ''}, ` +
      `${fmtInt(r.distinctStates)} states, ${fmtInt(r.edges)} edges, depth ${r.depth} in all parts (member 1 reports the whole search)\n`,
  );
  return r.outcome === 'ok' ? EXIT.ok : r.outcome === 'incomplete' ? EXIT.incomplete : EXIT.violation;
}
