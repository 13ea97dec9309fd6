/**
 * An exception in a model's own code (properties/fault.ts) as the CLI reports
 * it: one line on stderr naming the rule or invariant, the model file and line
 * of the throw (from the stack, TypeScript lines through the source map), and
 * the state it threw in, written as a one-step trace file that `pvcheck show`
 * prints. Exit code 2 (the model given is at fault, as with bad input); no
 * stack unless PVCHECK_DEBUG=1.
 */
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { faultLocation, type ModelFault } from '../properties/fault.js';
import { TRACE_FORMAT, TRACE_VERSION, writeTraceFile, type ParamValue, type Trace } from '../traces/index.js';
import { EXIT } from './errors.js';
import { safe, writeOrWarn } from './files.js';
import { modelFile } from './loadModel.js';

const pvcheckRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** The default file for the state of a fault: `pvcheck-MODEL-exception.trace.json`. */
export const faultTraceFile = (model: string): string => `pvcheck-${safe(model)}-exception.trace.json`;

/** Where in the model's code `f` was thrown, `file:line:column` relative to the current folder when below it. */
export function faultWhere(f: ModelFault): string | undefined {
  const file = f.model ? modelFile(f.model) : undefined;
  const files = file ? [file] : [];
  const at = faultLocation((f.cause as Error | undefined)?.stack, files, pvcheckRoot);
  if (!at) return undefined;
  return shortPath(at);
}

/** `path` relative to the current folder when it lies below it, else absolute. */
const shortPath = (path: string): string => {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
};

/** The one-step trace of a fault: its state as step 0, the fault as the trace's (non-)property. */
export function faultTrace(f: ModelFault, where: string | undefined, command: string | undefined): Trace {
  const params: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(f.params ?? {}))
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') params[k] = v;
  const choice = f.choice === undefined ? '' : ` with choice ${JSON.stringify(f.choice)}`;
  return {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    model: f.model?.name ?? '',
    params,
    property: {
      name: `exception: ${f.message}`,
      kind: 'none',
      description: `${f.site === 'effect' || f.site === 'guard' ? 'the state before the step' : 'the state'} in which the model's code threw${choice}${where ? `, at ${where}` : ''}`,
    },
    steps: [{ action: 'init', rule: null, state: f.state ?? null }],
    ...(command !== undefined ? { command } : {}),
    created: new Date().toISOString(),
  };
}

/**
 * Reports `f`: writes its state to `traceOut` (default faultTraceFile) and
 * prints one line. Returns the exit code.
 */
export function reportFault(f: ModelFault, traceOut?: string): number {
  const where = faultWhere(f);
  const name = f.model?.name ?? 'model';
  const file = traceOut ?? faultTraceFile(name);
  const source = f.model ? modelFile(f.model) : undefined;
  const cmd = source ? `pvcheck check ${shortPath(source)} ${Object.entries(f.params ?? {}).map(([k, v]) => `--param ${k}=${String(v)}`).join(' ')}`.trim() : undefined;
  const written = f.state !== undefined && writeOrWarn(`the state of the exception to ${file}`, () => writeTraceFile(file, faultTrace(f, where, cmd)));
  process.stderr.write(
    `pvcheck: error: model ${name}${where ? ` (${where})` : ''}: ${f.message}` +
      (written ? `; the state it threw in: ${file} (pvcheck show ${file})` : '') +
      (process.env.PVCHECK_DEBUG ? '' : ' (PVCHECK_DEBUG=1 for the stack)') +
      '\n',
  );
  if (process.env.PVCHECK_DEBUG) process.stderr.write(`${(f.cause as Error | undefined)?.stack ?? String(f.cause)}\n`);
  return EXIT.badInput;
}
