/**
 * `pvcheck vectors MODEL [--param k=v]... --out DIR [--cover rules|edges|states] [--walks [--max-steps N]] [--from-trace FILE] [--max-states N] [--max-memory SIZE]`
 *
 * Generates a conformance suite from a model's state graph (conformance/) and
 * writes it to DIR (conformance/suite.ts says what is in it). `ring` resolves
 * to `ring-api`. `--walks` covers the goals with long walks instead of one
 * shortest path per goal (conformance/generate.ts), each at most `--max-steps`
 * steps (default 1000). `--max-memory SIZE` (default 3/4 of the machine's
 * memory) stops the generation, which holds the whole state graph, before the
 * process passes SIZE; nothing is written then. Exit codes: 0 written; 1 the
 * generation failed (a trace that does not replay, a model error); 2 bad input
 * (a UsageError: one line); 3 interrupted or stopped by --max-memory.
 */
import * as E from 'fp-ts/lib/Either.js';
import { resolveParams } from '../model/params.js';
import { readTraceFile } from '../traces/io.js';
import { COVERS, vectorFromTrace, type Cover } from '../conformance/generate.js';
import { ModelFault } from '../properties/fault.js';
import { PhaseMemoryStop, runPhase } from './phaseWorker.js';
import { VECTOR_ALIASES, describeSuite, itfNote, writeSuite } from '../conformance/suite.js';
import { intOption, paramPairs, parse, sizeOption } from './args.js';
import { EXIT, UsageError } from './errors.js';
import { interrupted, signalsDelivered } from './interrupt.js';
import { loadModel, looksLikeFile } from './loadModel.js';
import { ensureDir, isDir, writableDir } from './files.js';
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { doneWith, fileKind, removeAtExit } from '../traces/io.js';

export const VECTORS_USAGE =
  'usage: pvcheck vectors MODEL [--param k=v]... --out DIR [--cover rules|edges|states] [--walks [--max-steps N]] [--from-trace FILE] [--max-states N] [--max-memory SIZE] [-q]';

/** What `pvcheck vectors` writes into its --out folder (conformance/suite.ts writeSuite). */
const SUITE_ENTRIES = new Set(['vectors.jsonl', 'summary.json', 'ring-harness.txt', 'itf']);

/**
 * Checks the --out folder before any work: it is new, empty, or a suite an
 * earlier `pvcheck vectors` wrote (summary.json, and nothing else than what a
 * suite holds), which is then replaced as a whole. Anything else is refused:
 * the command never deletes or overwrites a file it did not write. Creates
 * the parent folders.
 */
function checkOutDir(out: string): void {
  let st;
  try {
    st = lstatSync(out);
  } catch {
    ensureDir(dirname(resolve(out)), '--out');
    return;
  }
  if (!st.isDirectory()) throw new UsageError(`--out ${out}: is ${fileKind(st)}, not a folder${st.isSymbolicLink() ? ' (give the folder it points to)' : ''}`);
  const entries = readdirSync(out);
  if (entries.length > 0) {
    const foreign = entries.filter((e) => !SUITE_ENTRIES.has(e));
    const itf = join(out, 'itf');
    if (!foreign.length && isDir(itf)) foreign.push(...readdirSync(itf).filter((f) => !f.endsWith('.itf.json')).map((f) => join('itf', f)));
    if (foreign.length || !entries.includes('summary.json'))
      throw new UsageError(
        `--out ${out}: the folder holds ${foreign.length ? `files pvcheck vectors did not write (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''})` : 'no summary.json: it is not an earlier suite'}; give a new or empty folder, or an earlier suite's`,
      );
  }
  if (!writableDir(dirname(resolve(out)))) throw new UsageError(`--out ${out}: folder ${dirname(resolve(out))} is not writable`);
}

/**
 * Writes a suite as a unit: into a fresh hidden folder beside --out, then
 * renamed into place (an earlier suite there is swapped out and removed), so
 * that a reader or a killed run never sees old and new files mixed.
 */
function writeSuiteFolder(out: string, write: (dir: string) => string[]): string[] {
  const abs = resolve(out);
  const parent = dirname(abs);
  const tag = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmp = join(parent, `.${basename(abs)}.pvcheck-${tag}.tmp`);
  removeAtExit(tmp);
  try {
    mkdirSync(tmp);
    const r = write(tmp);
    const empty = !existsSync(abs) || readdirSync(abs).length === 0;
    if (empty) renameSync(tmp, abs); // over a missing or empty folder
    else {
      const old = join(parent, `.${basename(abs)}.pvcheck-${tag}.old`);
      renameSync(abs, old);
      try {
        renameSync(tmp, abs);
      } catch (e) {
        renameSync(old, abs);
        throw e;
      }
      rmSync(old, { recursive: true, force: true });
    }
    return r;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(`--out ${out}: cannot write the suite: ${err?.code ?? (err?.message ?? String(e)).split('\n')[0]}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    doneWith(tmp);
  }
}

/**
 * The parameters a suite is generated at: the model's own vector bounds
 * (Model.vectorParams: the faithful graph is held whole, unreduced), then the
 * command line's `-p`.
 */
export const vectorOverrides = (model: { readonly vectorParams?: Readonly<Record<string, string | number | boolean>> }, overrides: Record<string, string>): Record<string, string | number | boolean> => ({
  ...(model.vectorParams ?? {}),
  ...overrides,
});

/** The `vectors` subcommand; returns the exit code, throws UsageError on bad input. */
export async function vectorsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    param: { type: 'string', short: 'p', multiple: true },
    out: { type: 'string' },
    cover: { type: 'string' },
    'from-trace': { type: 'string' },
    'max-states': { type: 'string' },
    'max-memory': { type: 'string' },
    walks: { type: 'boolean' },
    'max-steps': { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `unexpected argument '${positionals[1]}' (${VECTORS_USAGE})` : `missing MODEL (${VECTORS_USAGE})`);
  const out = values.out;
  if (out === undefined) throw new UsageError(`missing --out DIR (${VECTORS_USAGE})`);
  const cover = (values.cover ?? 'rules') as Cover;
  if (!(COVERS as readonly string[]).includes(cover)) throw new UsageError(`--cover ${cover}: expected one of ${COVERS.join(', ')}`);
  const maxStates = intOption('max-states', values['max-states'], 1);
  const maxMemory = values['max-memory'] !== undefined ? sizeOption('max-memory', values['max-memory']) : undefined;
  const walks = values.walks === true;
  const maxSteps = intOption('max-steps', values['max-steps'], 1);
  if (maxSteps !== undefined && !walks) throw new UsageError(`--max-steps limits the walks of --walks: add --walks (${VECTORS_USAGE})`);
  const overrides = paramPairs(values.param);
  const name = positionals[0]!;
  const modelArg = VECTOR_ALIASES[name] ?? name;
  const model = await loadModel(modelArg);
  checkOutDir(out);

  const fromTrace = values['from-trace'];
  if (fromTrace !== undefined) {
    if (walks) throw new UsageError('--walks makes a coverage suite: it does not go with --from-trace (one regression vector)');
    const tr = readTraceFile(fromTrace);
    if (E.isLeft(tr)) throw new UsageError(tr.left);
    const p = resolveParams(model.params, { ...tr.right.params, ...overrides });
    if (E.isLeft(p)) throw new UsageError(`model ${model.name}: ${p.left}`);
    const v = vectorFromTrace(model, p.right, tr.right, fromTrace);
    if (E.isLeft(v)) {
      process.stderr.write(`pvcheck: ${fromTrace} does not replay on model ${model.name}: ${v.left}\n`);
      return EXIT.violation;
    }
    const noItf = writeSuiteFolder(out, (dir) =>
      writeSuite(dir, [v.right], { model: model.name, params: v.right.params, regression: v.right.id, trace: fromTrace, traceModel: tr.right.model, steps: v.right.steps.length }),
    );
    process.stdout.write(`${v.right.id}: ${v.right.reason}\n${itfNote(noItf)}wrote 1 vector to ${out}/vectors.jsonl\n`);
    return EXIT.ok;
  }
  const p = resolveParams(model.params, vectorOverrides(model, overrides));
  if (E.isLeft(p)) throw new UsageError(`model ${model.name}: ${p.left}`);
  const t0 = Date.now();
  if (!values.quiet) process.stderr.write(`vectors: generating the ${cover} suite of ${model.name}${walks ? ' (walks)' : ''}\n`);
  // in a worker thread, so that a Ctrl-C ends the generation at once
  let r;
  try {
    r = await runPhase({ task: 'vectors', model: looksLikeFile(modelArg) ? resolve(modelArg) : modelArg, params: p.right as object, cover, ...(maxStates !== undefined ? { maxStates } : {}), ...(walks ? { walks } : {}), ...(maxSteps !== undefined ? { maxSteps } : {}) }, [model], maxMemory);
  } catch (e) {
    if (e instanceof ModelFault) throw e;
    if (e instanceof PhaseMemoryStop) {
      process.stderr.write(
        `pvcheck: vectors for ${model.name} ${e.message} before the state graph was complete: the suite was not generated (${out} is as it was); lower the bounds, give --max-states N, or a larger --max-memory\n`,
      );
      return EXIT.incomplete;
    }
    throw new UsageError(`vectors: ${((e as Error).message ?? String(e)).split('\n')[0]}`, e);
  }
  if (r === undefined) {
    process.stderr.write(`pvcheck: interrupted: the suite was not generated (${out} is as it was)\n`);
    return EXIT.incomplete;
  }
  if (E.isLeft(r)) {
    process.stderr.write(`pvcheck: vectors for ${model.name} failed: ${r.left}\n`);
    return EXIT.violation;
  }
  await signalsDelivered();
  if (interrupted()) {
    process.stderr.write(`pvcheck: interrupted: the suite was generated but not written (${out} is as it was)\n`);
    return EXIT.incomplete;
  }
  const noItf = writeSuiteFolder(out, (dir) => writeSuite(dir, r.right.vectors, r.right.report));
  process.stdout.write(
    [...describeSuite(r.right.report), ...(noItf.length ? [itfNote(noItf).trimEnd()] : []), `wrote ${out}/vectors.jsonl in ${((Date.now() - t0) / 1000).toFixed(2)} s`].join('\n') + '\n',
  );
  return EXIT.ok;
}
