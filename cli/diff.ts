/**
 * `pvcheck diff BEFORE AFTER [--param name=value]... [--max-states N] [--max-memory SIZE] [--trace-dir DIR] [--report FILE] [--json]`
 *
 * What a protocol change does to the behaviour, not only to the verdicts: the
 * reachable states and the rules each model has that the other lacks, a
 * shortest run to the first state only one of them reaches (written as a trace
 * file, replayable), and the verdict of each. BEFORE and AFTER are built-in
 * model names or model files; usually a model and a variant of it. The same
 * `--param` values go to both (each model's own defaults fill the rest).
 * `--report FILE` writes the diff as one self-contained HTML page
 * (traces/viewsHtml.ts): each side's figures and verdict, and the run to the
 * first state only one side reaches with its sequence chart and step slider
 * (the after-only one when there is one, else the before-only one).
 *
 * Exit codes, as diff(1): 0 the same reachable states, 1 they differ,
 * 2 bad input, 3 a bound cut an exploration (the diff is partial) or the
 * explorations, which hold both state graphs, were stopped by `--max-memory
 * SIZE` (default 3/4 of the machine's memory; nothing compared then).
 */
import * as E from 'fp-ts/lib/Either.js';
import { join, resolve } from 'node:path';
import type { DiffSide } from '../checker/diff.js';
import type { CheckResult, TraceStep } from '../checker/explore.js';
import type { Model } from '../model/core.js';
import { resolveParams, showParams } from '../model/params.js';
import { bind } from '../properties/bind.js';
import { ModelFault } from '../properties/fault.js';
import { traceFromViolation, writeFileAtomic, writeTraceFile, type Trace } from '../traces/index.js';
import { htmlReport } from '../traces/viewsHtml.js';
import { intOption, paramPairs, parse, sizeOption } from './args.js';
import { runSearch } from './check.js';
import { EXIT, UsageError } from './errors.js';
import { ensureDir, safe, writeOrWarn } from './files.js';
import { checkOutputFile } from './outputs.js';
import { interrupted } from './interrupt.js';
import { PhaseMemoryStop, runPhase } from './phaseWorker.js';
import { loadModel, looksLikeFile } from './loadModel.js';
import { fmtInt, outcomeLine } from './report.js';

const USAGE = 'usage: pvcheck diff BEFORE AFTER [--param name=value]... [--max-states N] [--max-memory SIZE] [--trace-dir DIR] [--report FILE] [--json]';

export async function diffCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    param: { type: 'string', short: 'p', multiple: true },
    'max-states': { type: 'string' },
    'max-memory': { type: 'string' },
    'trace-dir': { type: 'string' },
    report: { type: 'string' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (positionals.length !== 2) throw new UsageError(USAGE);
  const maxStates = intOption('max-states', values['max-states'], 1);
  const maxMemory = values['max-memory'] !== undefined ? sizeOption('max-memory', values['max-memory']) : undefined;
  const overrides = paramPairs(values.param);
  const dir = values['trace-dir'] ?? '.';
  ensureDir(dir, '--trace-dir');
  if (values.report !== undefined) checkOutputFile(values.report, '--report');
  const models: Model[] = [await loadModel(positionals[0]!), await loadModel(positionals[1]!)];
  const params = models.map((m) => {
    const p = resolveParams(m.params, overrides);
    if (E.isLeft(p)) throw new UsageError(`model ${m.name}: ${p.left}`);
    return p.right as object;
  });
  models.forEach((m, i) => {
    const s = bind(m, params[i]!, { noGoals: true });
    if (E.isLeft(s)) throw new UsageError(s.left);
  });
  const sources = positionals.map((a) => (looksLikeFile(a) ? resolve(a) : a)) as [string, string];
  if (!values.quiet) process.stderr.write(`diff: exploring ${models[0]!.name} and ${models[1]!.name}\n`);
  // in a worker thread, so that a Ctrl-C ends the explorations at once
  let d;
  try {
    d = await runPhase({ task: 'diff', models: sources, params: [params[0]!, params[1]!], ...(maxStates !== undefined ? { maxStates } : {}) }, models, maxMemory);
  } catch (e) {
    if (e instanceof ModelFault) throw e; // the model's code threw: cli/fault.ts reports it
    if (e instanceof PhaseMemoryStop) {
      const line = `diff ${models[0]!.name} -> ${models[1]!.name}: INCOMPLETE (max-memory): the explorations ${e.message}: nothing compared, no verdict; lower the bounds, give --max-states N, or a larger --max-memory`;
      if (values.json) process.stdout.write(JSON.stringify({ incomplete: 'max-memory', rss: e.rss, maxMemory: e.limit, before: { model: models[0]!.name }, after: { model: models[1]!.name } }, null, 2) + '\n');
      else process.stdout.write(line + '\n');
      return EXIT.incomplete;
    }
    throw new UsageError(`diff: ${((e as Error).message ?? String(e)).split('\n')[0]}`, e);
  }
  if (d === undefined) {
    const line = `diff ${models[0]!.name} -> ${models[1]!.name}: INTERRUPTED during the explorations: nothing compared, no verdict`;
    if (values.json) process.stdout.write(JSON.stringify({ interrupted: true, before: { model: models[0]!.name }, after: { model: models[1]!.name } }, null, 2) + '\n');
    else process.stdout.write(line + '\n');
    return EXIT.incomplete;
  }
  // the verdicts, each model checked as `pvcheck check` would
  const verdicts: CheckResult<unknown>[] = [];
  for (let i = 0; i < 2; i++)
    verdicts.push(
      await runSearch(models[i]!, params[i]!, {
        progress: false,
        source: sources[i]!,
        ...(maxStates !== undefined ? { maxStates } : {}),
      }),
    );

  const [nameA, nameB] = models.map((m) => m.name) as [string, string];
  const traces: (Trace | undefined)[] = [undefined, undefined];
  const written: (string | undefined)[] = [d.a, d.b].map((side, i) => {
    if (!side.witness) return undefined;
    const other = i === 0 ? nameB : nameA;
    const file = join(dir, `pvcheck-diff-only-${safe(models[i]!.name)}.trace.json`);
    const t = (traces[i] = traceFromViolation(
      models[i]!,
      params[i]!,
      { property: `a state ${other} never reaches`, kind: 'invariant', trace: side.witness as TraceStep<unknown>[] },
      `pvcheck diff ${positionals[0]} ${positionals[1]} ${Object.entries(overrides).map(([k, v]) => `--param ${k}=${v}`).join(' ')}`.trim(),
      'none',
    ));
    return writeOrWarn(`trace ${file}`, () => writeTraceFile(file, t)) ? file : undefined;
  });
  const incomplete = d.a.incomplete || d.b.incomplete || interrupted();
  const same = d.a.only === 0 && d.b.only === 0;

  const lines = [
    `diff ${nameA} -> ${nameB}  ${showParams(params[1]!)}`,
    `  reachable    before ${fmtInt(d.a.states)} states, after ${fmtInt(d.b.states)}; both ${fmtInt(d.common)}${incomplete ? ' (a bound cut the search: partial)' : ''}`,
  ];
  const onlyLine = (label: string, s: DiffSide<unknown>, file: string | undefined) =>
    `  ${label.padEnd(12)} ${fmtInt(s.only)} states` + (s.witness ? `; the first after ${s.witness.length - 1} steps: ${file}` : '');
  lines.push(onlyLine('only after', d.b, written[1]), onlyLine('only before', d.a, written[0]));
  if (d.a.onlyRules.length || d.b.onlyRules.length)
    lines.push(`  rules        fire only after: ${d.b.onlyRules.join(', ') || '-'}; only before: ${d.a.onlyRules.join(', ') || '-'}`);
  lines.push(`  before       ${outcomeLine(verdicts[0]!)}`, `  after        ${outcomeLine(verdicts[1]!)}`);
  if (d.common === 0 && d.a.states > 0 && d.b.states > 0)
    lines.push('  note         no state in common: diff compares states field by field, so give it a model and a variant of it');
  if (interrupted()) lines.push('  INTERRUPTED: the verdicts above were cut short');
  if (same && !incomplete) lines.push('  same reachable states: the change does not alter behaviour within these bounds');

  let reportFile: string | undefined;
  if (values.report !== undefined) {
    const file = values.report;
    const shown = traces[1] ? 1 : traces[0] ? 0 : undefined;
    const sideText = (s: DiffSide<unknown>, i: number) =>
      [
        `model        ${models[i]!.name}  ${showParams(params[i]!)}`,
        `reachable    ${fmtInt(s.states)} states, ${fmtInt(s.edges)} edges${s.incomplete ? ' (a bound cut the search: partial)' : ''}`,
        `only here    ${fmtInt(s.only)} states${s.witness ? `; the first after ${s.witness.length - 1} steps${written[i] ? `: ${written[i]}` : ''}` : ''}`,
        `rules        fire only here: ${s.onlyRules.join(', ') || '-'}`,
        `verdict      ${outcomeLine(verdicts[i]!)}`,
      ].join('\n');
    const html = htmlReport({
      title: `pvcheck diff ${nameA} -> ${nameB}`,
      sides: [
        { label: 'The diff', text: lines.join('\n') },
        { label: `Before: ${nameA}`, text: sideText(d.a, 0) },
        { label: `After: ${nameB}`, text: sideText(d.b, 1) },
      ],
      verdict: same
        ? { text: `same reachable states${incomplete ? ' so far (a bound cut the search)' : ''}`, good: true }
        : { text: `the reachable states differ: ${fmtInt(d.b.only)} only after, ${fmtInt(d.a.only)} only before`, good: false },
      ...(shown !== undefined
        ? {
            trace: traces[shown]!,
            model: models[shown]!,
            traceHeading: `The first state only ${shown === 1 ? `after (${nameB})` : `before (${nameA})`} reaches: ${traces[shown]!.steps.length - 1} steps`,
          }
        : {}),
    });
    if (writeOrWarn(`--report ${file}`, () => writeFileAtomic(file, html))) {
      reportFile = file;
      lines.push(`  report       ${file}${shown !== undefined ? ` (the run to the first state only ${shown === 1 ? 'after' : 'before'} reaches, charted)` : ''}`);
    }
  }

  if (values.json) {
    const side = (s: DiffSide<unknown>, i: number) => ({
      model: models[i]!.name,
      params: params[i],
      states: s.states,
      edges: s.edges,
      incomplete: s.incomplete,
      onlyHere: s.only,
      onlyRules: s.onlyRules,
      witnessSteps: s.witness ? s.witness.length - 1 : null,
      witnessFile: written[i] ?? null,
      outcome: verdicts[i]!.outcome,
      property: verdicts[i]!.violation?.property ?? null,
    });
    process.stdout.write(JSON.stringify({ before: side(d.a, 0), after: side(d.b, 1), common: d.common, same, ...(reportFile !== undefined ? { report: reportFile } : {}) }, null, 2) + '\n');
  } else process.stdout.write(lines.join('\n') + '\n');
  return incomplete ? EXIT.incomplete : same ? EXIT.ok : EXIT.violation;
}
