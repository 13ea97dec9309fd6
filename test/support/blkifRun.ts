/**
 * One blkif search for the blkif tests (test/blkifOps, test/blkifSecdiscard, test/blkifFua): model `m` at the parameter
 * overrides `o`, the invariants `props` (all of blkif's by default) and the deadlock check, every state
 * reached collected.
 */
import { blkif, blkifInvariants, type BlkifParams, type BlkifState } from '../../model/blkif.js';
import type { Model } from '../../model/core.js';
import * as assert from 'uvu/assert';
import { check } from '../../checker/explore.js';
import { paramsOf, systemOf } from './models.js';

export type Overrides = Record<string, string | number | boolean>;
export const ALL = blkifInvariants.map((x) => x.name);
/** A derived model (deriveModel's result) as blkif's type. */
export const M = (m: unknown): Model<BlkifState, BlkifParams> => m as Model<BlkifState, BlkifParams>;

export function run(m: Model<BlkifState, BlkifParams>, o: Overrides, props: string[] = ALL, deadlock = true, more: RunMore = {}) {
  const all: BlkifState[] = [];
  const r = check(systemOf(m, paramsOf(m, o), deadlock ? [...props, 'deadlock'] : props), {
    checkDeadlock: deadlock,
    onState: (s: BlkifState) => { more.each?.(s); all.push(s); },
    ...(more.steps === undefined ? {} : { maxDepth: more.steps + 1 }),
  });
  return { r, all };
}

/**
 * `steps`: a search expected to stop at a violation found after that many steps (BFS: the shortest) goes one level
 * further and no more: the same first violation, while a mutant that removes it fails the test at once instead of
 * searching its whole space. `each`: assertions on each state as the search reaches it (a failed one stops the
 * search there), for a property of every state that a mutant breaks early in the search.
 */
export interface RunMore { readonly steps?: number; readonly each?: (s: BlkifState) => void }

/**
 * A finding of blkfront's features after a migration (blkif-secure-erase-after-migration, blkif-fua-after-migration):
 * at `o` the search stops at `prop` after `steps` steps, ending with the response (blkif_interrupt), and the request
 * `rule` sent went out after xl_migrate; returns the state `rule` led to, for the finding's own assertions.
 */
export function sentAfterMigration(o: Overrides, prop: string, steps: number, rule: string, what: string): BlkifState {
  const { r } = run(blkif, o, ALL, false);
  const label = `${what} (${JSON.stringify(o)})`;
  assert.is(r.violation?.property, prop, label);
  const tr = r.violation!.trace.slice(1);
  assert.is(tr.length, steps, label);
  assert.is(tr.at(-1)!.rule, 'blkif_interrupt', label);
  const sent = tr.findIndex((x) => x.rule === rule);
  assert.ok(sent >= 0 && tr.findIndex((x) => x.rule === 'xl_migrate') < sent, `${what} after the migration`);
  return tr[sent]!.state as BlkifState;
}
