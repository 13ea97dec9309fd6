/**
 * check-all's row of a model whose declared finding is a deadlock and whose
 * environment runs on an events budget (Model.budgetedEvents: xenbus, F7):
 * BFS finds that deadlock once the budget is spent, so the row's trace may
 * first spend events the deadlock does not need (at the defaults of
 * 2026-12-06 evening, four events: an unrelated `xl migrate` first). The row
 * keeps its own figures and trace (reproduced by the command it records), and
 * adds the same deadlock found with `-i stuck` (properties/stuck.ts: the
 * deadlocks of every smaller bound, each by its own shortest trace): a
 * second trace file, its length and its command (session 27, brief item 3).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { checkAllRuns } from '../cli/check.js';
import { findModel } from '../model/registry.js';
import { check } from '../checker/explore.js';
import { paramsOf, systemOf } from './support/models.js';
import { pinnedDefault } from './support/pinnedDefaults.js';
import { scratchDir } from './support/tmp.js';

const xenbus = findModel('xenbus')!;

test("xenbus's row: the declared deadlock with the pinned figures and its trace, and beside it the same deadlock without the events it does not need (-i stuck): the deadlock at one event fewer, by its own shortest trace", async () => {
  const dir = scratchDir('pvcheck-check-all-stuck-');
  const all = await checkAllRuns([{ ...xenbus, checkAll: [] }], { traceDir: dir });
  assert.is(all.code, 0, 'a declared finding');
  const r = all.reports[0]!;
  const pinned = pinnedDefault('xenbus').entry;
  assert.is(`${r.violation!.property} in ${r.violation!.length} steps`, pinned.violation, "the row's own verdict is the pinned one");
  assert.is(r.distinctStates, pinned.states);
  assert.ok(r.stuck, 'the row reports the -i stuck trace');
  assert.ok(r.stuck!.length < r.violation!.length, `${r.stuck!.length} steps, shorter than the row's ${r.violation!.length}`);
  // -i stuck at E events reports the deadlocks at every bound up to E: the shortest here is the deadlock at
  // E - 1 events (F7 spends one event fewer than the budget), found by a plain deadlock check at that bound
  const events = (xenbus.params.defaults as { events: number }).events;
  const below = check(systemOf(xenbus, paramsOf(xenbus, { events: events - 1 })), { checkDeadlock: true });
  assert.is(below.outcome, 'deadlock');
  assert.is(r.stuck!.length, below.violation!.trace.length - 1, 'the length of the deadlock one event below the defaults');
  // both traces written, each with the command that reproduces it
  const main = JSON.parse(readFileSync(r.violation!.traceFile!, 'utf8')) as { command: string; steps: unknown[] };
  const short = JSON.parse(readFileSync(r.stuck!.traceFile!, 'utf8')) as { command: string; steps: unknown[]; property: unknown };
  assert.ok(existsSync(r.stuck!.traceFile!) && r.stuck!.traceFile!.startsWith(dir));
  assert.is(main.command, 'pvcheck check xenbus');
  assert.is(short.command, 'pvcheck check xenbus -i stuck');
  assert.is(r.stuck!.command, short.command);
  assert.is(short.steps.length, r.stuck!.length + 1);
  assert.is(main.steps.length, r.violation!.length + 1);
  // the row names both files
  const row = all.rows[0]![6]!;
  assert.match(row, /^known finding \(docs\/models\): DEADLOCK after \d+ steps/);
  assert.ok(row.includes(`-> ${r.violation!.traceFile!};`), row);
  assert.ok(row.endsWith(`-i stuck: a deadlock at a smaller events bound): ${r.stuck!.length} steps -> ${r.stuck!.traceFile!}`), row);
});

test('no stuck re-run where it does not apply: a declared invariant finding (limiter L3), a model without an events budget, an ok row', async () => {
  const dir = scratchDir('pvcheck-check-all-stuck-');
  const limiter = findModel('limiter')!;
  const ring = findModel('ring-notify')!;
  assert.ok(!limiter.budgetedEvents && !ring.budgetedEvents);
  const all = await checkAllRuns([{ ...limiter, checkAll: [] }, { ...ring, checkAll: [] }], { traceDir: dir });
  for (const r of all.reports) assert.is(r.stuck, undefined, r.model);
  for (const row of all.rows) assert.not.match(row[6]!, /-i stuck/);
});

test.run();
