/**
 * `pvcheck show TRACE [--model MODEL|FILE]` and
 * `pvcheck replay TRACE [--model MODEL|FILE] [--param k=v]... [--invariant NAME] [--by-state] [--json]`.
 * The traces/ modules each needs, not traces/index.ts: traces/replay.ts imports the checker (checker/explore.ts,
 * the search and its codecs), which `show` does not need, and traces/viewsHtml.ts only --html does (session 35).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { Model } from '../model/core.js';
import { builtinModel } from './workerSystem.js';
import { chartOf, mermaidChart, mscText } from '../traces/views.js';
import { checkOutputFile } from './outputs.js';
import { readTraceFile, writeFileAtomic } from '../traces/io.js';
import { showTrace } from '../traces/show.js';
import type { Trace } from '../traces/format.js';
import { interrupted } from './interrupt.js';
import { paramPairs } from './args.js';
import { UsageError } from './errors.js';
import { loadModel, looksLikeFile } from './loadModel.js';
import { replayArgs, showArgs, showWidth } from './refusals.js';

function readOrFail(path: string): Trace {
  const t = readTraceFile(path);
  if (E.isLeft(t)) throw new UsageError(t.left);
  return t.right;
}

/**
 * The model file a trace was checked with, from the `pvcheck check FILE ...`
 * command it records. A relative FILE was relative to the folder the check
 * ran in, which is not known: it is looked for from the current folder, then
 * from the trace file's folder (where the check wrote it by default), so that
 * `pvcheck show other/folder/x.trace.json` finds `other/folder/model.ts`.
 */
function modelFileOf(trace: Trace, tracePath: string): string | undefined {
  const m = /^pvcheck check (\S+)/.exec(trace.command ?? '');
  const arg = m?.[1];
  if (!arg || !/\.(c|m)?(t|j)s$/.test(arg)) return undefined;
  return [arg, resolve(dirname(tracePath), arg)].find((f) => existsSync(f));
}

/**
 * --model, else the built-in model named in the trace, else the model file its command names.
 * --model naming another built-in than the one the trace was checked on is refused: the fields and
 * actions would be read with the wrong model's names (show) or its parameters refused one by one
 * (replay). A model file is taken as given: a variant of the trace's model is what replay is for.
 */
async function modelFor(trace: Trace, tracePath: string, arg: string | undefined, required: boolean): Promise<Model | undefined> {
  if (arg !== undefined) {
    const named = looksLikeFile(arg) ? undefined : await builtinModel(arg);
    const own = trace.model ? await builtinModel(trace.model) : undefined;
    if (named && own && named !== own)
      throw new UsageError(
        `the trace is of the built-in model '${own.name}', and --model names another built-in, '${named.name}' (give --model ${own.name}, or a model file deriving from it)`,
      );
    return loadModel(arg);
  }
  const builtin = trace.model ? await builtinModel(trace.model) : undefined;
  if (builtin) return builtin;
  const file = modelFileOf(trace, tracePath);
  if (file) return loadModel(file);
  if (required)
    throw new UsageError(
      trace.model
        ? `the trace's model '${trace.model}' is not a built-in model: give it with --model MODEL|FILE`
        : 'the trace names no model (an ITF file without pvcheck\'s #meta): give it with --model MODEL|FILE',
    );
  return undefined;
}

export async function showCommand(argv: string[]): Promise<number> {
  const { values, positionals } = showArgs(argv);
  if (values.html !== undefined) checkOutputFile(values.html, '--html');
  const width = showWidth(values);
  const trace = readOrFail(positionals[0]!);
  const model = await modelFor(trace, positionals[0]!, values.model, false);
  if (values.html !== undefined) {
    const file = values.html;
    const { htmlReport } = await import('../traces/viewsHtml.js');
    writeFileAtomic(file, htmlReport({ trace, ...(model ? { model } : {}) }));
    process.stdout.write(`report ${file}\n`);
  } else if (values.msc) process.stdout.write(mscText(chartOf(trace, model), width !== undefined ? { width } : {}));
  else if (values.mermaid) process.stdout.write(mermaidChart(chartOf(trace, model)));
  else process.stdout.write(showTrace(trace, model));
  return 0;
}

export async function replayCommand(argv: string[]): Promise<number> {
  const { values, positionals } = replayArgs(argv);
  const trace = readOrFail(positionals[0]!);
  const model = (await modelFor(trace, positionals[0]!, values.model, true))!;
  // The report (stdout) names the trace and the model; stderr has a line only while there is something
  // to wait for: the search for a goal state from the last step (a recoverability trace), which yields to
  // the event loop every 1,024 states (`stop` is asked then and only then) and which Ctrl-C stops (exit 3).
  let searching = false;
  const stop = (): boolean => {
    if (!searching && !values.quiet) {
      const goal = values.invariant ?? trace.property.name;
      process.stderr.write(`replay: searching from the state of step ${trace.steps.length - 1} for one where goal ${goal} holds (Ctrl-C stops)\n`);
    }
    searching = true;
    return interrupted();
  };
  const { replayExitCode, replayWithAsync, showReplay } = await import('../traces/replay.js');
  const r = await replayWithAsync(model, trace, paramPairs(values.param), {
    ...(values.invariant !== undefined ? { property: values.invariant } : {}),
    ...(values['by-state'] ? { byState: true } : {}),
    stop,
  });
  if (r.kind === 'bad-input') throw new UsageError(r.detail);
  if (values.json) process.stdout.write(JSON.stringify({ model: model.name, ...r }, null, 2) + '\n');
  else process.stdout.write(`replay of ${positionals[0]} on model ${model.name}\n` + showReplay(r));
  return replayExitCode(r);
}
