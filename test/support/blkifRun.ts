/**
 * One blkif search for the blkif tests (test/blkifOps, test/blkifSecdiscard): model `m` at the parameter
 * overrides `o`, the invariants `props` (all of blkif's by default) and the deadlock check, every state
 * reached collected.
 */
import { blkifInvariants, type BlkifParams, type BlkifState } from '../../model/blkif.js';
import type { Model } from '../../model/core.js';
import { check } from '../../checker/explore.js';
import { paramsOf, systemOf } from './models.js';

export type Overrides = Record<string, string | number | boolean>;
export const ALL = blkifInvariants.map((x) => x.name);
/** A derived model (deriveModel's result) as blkif's type. */
export const M = (m: unknown): Model<BlkifState, BlkifParams> => m as Model<BlkifState, BlkifParams>;

export function run(m: Model<BlkifState, BlkifParams>, o: Overrides, props: string[] = ALL, deadlock = true) {
  const all: BlkifState[] = [];
  const r = check(systemOf(m, paramsOf(m, o), deadlock ? [...props, 'deadlock'] : props), { checkDeadlock: deadlock, onState: (s: BlkifState) => { all.push(s); } });
  return { r, all };
}
