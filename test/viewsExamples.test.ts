/**
 * The views on every example's counterexample: for each example of
 * examples/ whose first expected result is a violation or a deadlock, the
 * chart names the rule actors and every step in order within 72 columns, the
 * Mermaid chart parses with the mermaid package, and the HTML report stays
 * under 1 MB. Also an ITF trace written by another tool (Quint's fixture).
 * Every example runs only with PVCHECK_SLOW_TESTS=1 (CI); otherwise the
 * longest trace (63 steps) and a xenbus one; with PVCHECK_EXAMPLES (run-tests
 * --changed: only a change's examples select this file), those it names,
 * slow tests or not (test/support/examplesChosen.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import mermaid from 'mermaid';
import { readHeader } from '../cli/catalogue.js';
import { loadModel } from '../cli/loadModel.js';
import { paramPairs, parse } from '../cli/args.js';
import { resolveParams } from '../model/params.js';
import { runSearch } from '../cli/check.js';
import { deadlockSelected } from '../properties/bind.js';
import { chartOf, mermaidChart, mscText, readTraceFile, traceFromViolation, type Trace } from '../traces/index.js';
import { htmlReport } from '../traces/viewsHtml.js';
import type { Model } from '../model/core.js';
import { chosenOf } from './support/examplesChosen.js';

const root = resolve(import.meta.dirname, '..');
const slow = process.env.PVCHECK_SLOW_TESTS === '1';
const FAST = ['ring-final-check-no-mb.ts', 'xenbus-late-feature.ts'];
const { files: chosenFiles, chosen } = chosenOf(readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts')).sort(), join(root, 'examples'));
const files = chosen ? chosenFiles : chosenFiles.filter((f) => slow || FAST.includes(f));
if (chosen) console.log(`  the views of the examples PVCHECK_EXAMPLES names: ${files.join(', ') || 'none'}`);
else if (!slow) console.log(`  skip: the views of every example (${FAST.length} of them run here): set PVCHECK_SLOW_TESTS=1`);

/** The counterexample of the example's first check that expects one. */
async function counterexample(file: string): Promise<{ model: Model; trace: Trace; steps: number } | undefined> {
  const h = readHeader(file);
  if (E.isLeft(h)) throw new Error(h.left);
  const c = h.right.checks.find((x) => /^(violation .* in|deadlock in) \d+ steps?$/.test(x.expect));
  if (!c) return undefined;
  const { values } = parse([...c.args], {
    param: { type: 'string', multiple: true, short: 'p' }, invariant: { type: 'string', multiple: true, short: 'i' },
    'max-states': { type: 'string' }, 'max-depth': { type: 'string' }, 'no-deadlock': { type: 'boolean' },
  });
  const model = await loadModel(file);
  const p = resolveParams(model.params, paramPairs(values.param));
  if (E.isLeft(p)) throw new Error(p.left);
  const r = await runSearch(model, p.right as object, {
    ...(values.invariant ? { invariants: values.invariant } : {}),
    checkDeadlock: !values['no-deadlock'] && deadlockSelected(values.invariant), progress: false, workers: 1, source: file,
  });
  assert.ok(r.violation, `${file}: a counterexample`);
  return { model, trace: traceFromViolation(model, p.right as object, r.violation!), steps: Number(/(\d+) steps?$/.exec(c.expect)![1]) };
}

async function checkViews(name: string, trace: Trace, model: Model | undefined, steps: number): Promise<void> {
  const chart = chartOf(trace, model);
  assert.is(chart.steps.length, steps + 1, `${name}: a chart row per step`);
  const actors = new Set(trace.steps.slice(1).map((s) => model?.rules.find((r) => r.name === s.rule)?.actor ?? 'system'));
  for (const a of actors) assert.ok(chart.actors.includes(a), `${name}: a column for ${a}`);
  const text = mscText(chart);
  for (const l of text.split('\n')) assert.ok(l.length <= 72, `${name}: line longer than 72: ${JSON.stringify(l)}`);
  const rows = text.split('\n').flatMap((l) => (/^ {0,3}\d+ /.test(l) ? [Number(l.slice(0, 4))] : []));
  assert.equal(rows, Array.from({ length: steps + 1 }, (_, i) => i), `${name}: every step in order`);
  const mm = mermaidChart(chart);
  try {
    await mermaid.parse(mm);
  } catch (e) {
    assert.unreachable(`${name}: the Mermaid chart does not parse: ${String(e).split('\n').slice(0, 4).join(' ')}`);
  }
  const html = htmlReport({ trace, ...(model ? { model } : {}) });
  assert.ok(Buffer.byteLength(html) < 1_000_000, `${name}: report ${Buffer.byteLength(html)} bytes`);
  for (let i = 0; i <= steps; i++) assert.ok(html.includes(`id="step-${i}"`), `${name}: step ${i} in the report`);
}

for (const f of files)
  test(`views of ${f}`, async () => {
    const ce = await counterexample(join(root, 'examples', f));
    if (!ce) return;
    await checkViews(f, ce.trace, ce.model, ce.steps);
  });

test('views of an ITF trace written by Quint (no pvcheck model, no action names)', async () => {
  const dir = join(root, 'test/fixtures/itf');
  const itf = 'quint-itfvalues.itf.json';
  assert.ok(itf, 'a fixture');
  const t = readTraceFile(join(dir, itf!));
  assert.ok(E.isRight(t), E.isLeft(t) ? t.left : '');
  const trace = (t as E.Right<Trace>).right;
  await checkViews(itf!, trace, undefined, trace.steps.length - 1);
});

test('a broken Mermaid chart is rejected (the parse check can fail)', async () => {
  let threw = false;
  try {
    await mermaid.parse('sequenceDiagram\n  participant A0 as x\n  A0->>: no target\n');
  } catch {
    threw = true;
  }
  assert.ok(threw);
});

test.run();
