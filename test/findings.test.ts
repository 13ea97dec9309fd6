/**
 * docs/findings.md: every finding about today's Xen and Linux code has a row
 * (its command, its result) and a committed trace, docs/findings/ID.trace.json.
 * Here each trace is replayed on today's built-in model: it must still
 * reproduce its property at the row's step, with the row's parameters (and
 * the model's defaults for every other, so a row that says nothing of a bound
 * runs at the default one); every
 * finding a model declares (`findings`, which `npm start` marks as known) must
 * have a row; and no trace may be left without one. A model change that moves
 * or removes a finding fails here (docs/findings/regenerate.sh rewrites the
 * traces from the rows' commands; say why in the commit).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { builtinModels, findModel } from '../model/registry.js';
import { readTraceFile, replayWith } from '../traces/index.js';
import { resolveParams } from '../model/params.js';
import { findingRows } from './support/findingsTable.js';

const root = resolve(import.meta.dirname, '..');
const dir = join(root, 'docs/findings');

const table = findingRows();

test('the table has a row per finding, each id once', () => {
  assert.ok(table.length >= 17, `${table.length} rows`);
  assert.is(new Set(table.map((r) => r.id)).size, table.length, 'ids are unique');
});

test('every trace replays on today\'s model and reproduces its property at its step, with its row\'s parameters', () => {
  for (const r of table) {
    const model = findModel(r.model);
    assert.ok(model, `${r.id}: no built-in model '${r.model}'`);
    const t = readTraceFile(join(dir, `${r.id}.trace.json`));
    if (E.isLeft(t)) assert.unreachable(`${r.id}: ${t.left}`);
    const trace = (t as E.Right<import('../traces/index.js').Trace>).right;
    assert.is(trace.model, r.model, `${r.id}: the trace's model`);
    for (const [k, v] of Object.entries(r.params)) assert.is(String((trace.params as Record<string, unknown>)[k]), v, `${r.id}: the trace's ${k}`);
    // a parameter the row does not name is at the model's default: the row's command is the whole story
    // (or, where the defaults check a quotient, its faithful model's: the parameters a written trace records, model/core.ts Refinement)
    const resolved = resolveParams(model!.params, r.params);
    if (E.isLeft(resolved)) assert.unreachable(`${r.id}: ${resolved.left}`);
    const p = (resolved as E.Right<Record<string, unknown>>).right;
    const faithful = (model!.refinement?.(p as never)?.params ?? p) as Record<string, unknown>;
    for (const [k, v] of Object.entries(faithful))
      if (!(k in r.params)) assert.is((trace.params as Record<string, unknown>)[k], v, `${r.id}: the trace's ${k}, which the row does not name, is the default`);
    assert.is(trace.property?.name, r.property, `${r.id}: the trace's property`);
    if (r.only.length) assert.ok(r.only.includes(r.property), `${r.id}: the row's -i selects ${r.property}`);
    const rep = replayWith(model!, trace);
    assert.is(rep.kind, 'reproduced', `${r.id}: replay ${rep.kind}: ${'detail' in rep ? rep.detail : ''}`);
    if (rep.kind === 'reproduced') {
      assert.is(rep.property, r.property, `${r.id}: the property reproduced`);
      assert.is(rep.step, r.steps, `${r.id}: the step it is reproduced at`);
    }
  }
});

test('every finding a built-in model declares has a row; every trace file has a row', () => {
  for (const m of builtinModels)
    for (const f of m.findings ?? [])
      assert.ok(
        table.some((r) => r.model === m.name && r.property === f),
        `model ${m.name} declares the finding ${f}, which docs/findings.md has no row for`,
      );
  const ids = new Set(table.map((r) => r.id));
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.trace.json')))
    assert.ok(ids.has(f.replace(/\.trace\.json$/, '')), `docs/findings/${f} has no row in docs/findings.md`);
});

test.run();
