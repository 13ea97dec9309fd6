/**
 * `pvcheck vectors MODEL [--param k=v]... --out DIR [--cover rules|edges|states] [--from-trace FILE] [--max-states N]`
 *
 * Generates a conformance suite from a model's state graph (conformance/) and
 * writes it to DIR (conformance/suite.ts says what is in it). `ring` resolves
 * to `ring-api`. Exit codes: 0 written; 1 the generation failed (a trace that
 * does not replay, a model error); 2 bad input (a UsageError: one line).
 */
import * as E from 'fp-ts/lib/Either.js';
import { resolveParams } from '../model/params.js';
import { readTraceFile } from '../traces/io.js';
import { COVERS, generateSuite, vectorFromTrace, type Cover } from '../conformance/generate.js';
import { VECTOR_ALIASES, describeSuite, itfNote, writeSuite } from '../conformance/suite.js';
import { intOption, paramPairs, parse } from './args.js';
import { EXIT, UsageError } from './errors.js';
import { loadModel } from './loadModel.js';
import { ensureDir } from './files.js';

export const VECTORS_USAGE =
  'usage: pvcheck vectors MODEL [--param k=v]... --out DIR [--cover rules|edges|states] [--from-trace FILE] [--max-states N]';

/** Runs `write`, turning a file-system error on the output folder into bad input. */
function writing<T>(dir: string, write: () => T): T {
  try {
    return write();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err?.code && typeof err.path === 'string') throw new UsageError(`--out ${dir}: cannot write ${err.path}: ${err.code}`);
    throw e;
  }
}

/** The `vectors` subcommand; returns the exit code, throws UsageError on bad input. */
export async function vectorsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    param: { type: 'string', short: 'p', multiple: true },
    out: { type: 'string' },
    cover: { type: 'string' },
    'from-trace': { type: 'string' },
    'max-states': { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `unexpected argument '${positionals[1]}' (${VECTORS_USAGE})` : `missing MODEL (${VECTORS_USAGE})`);
  const out = values.out;
  if (out === undefined) throw new UsageError(`missing --out DIR (${VECTORS_USAGE})`);
  const cover = (values.cover ?? 'rules') as Cover;
  if (!(COVERS as readonly string[]).includes(cover)) throw new UsageError(`--cover ${cover}: expected one of ${COVERS.join(', ')}`);
  const maxStates = intOption('max-states', values['max-states'], 1);
  const overrides = paramPairs(values.param);
  const name = positionals[0]!;
  const model = await loadModel(VECTOR_ALIASES[name] ?? name);
  ensureDir(out, '--out');

  const fromTrace = values['from-trace'];
  if (fromTrace !== undefined) {
    const tr = readTraceFile(fromTrace);
    if (E.isLeft(tr)) throw new UsageError(tr.left);
    const p = resolveParams(model.params, { ...tr.right.params, ...overrides });
    if (E.isLeft(p)) throw new UsageError(`model ${model.name}: ${p.left}`);
    const v = vectorFromTrace(model, p.right, tr.right, fromTrace);
    if (E.isLeft(v)) {
      process.stderr.write(`pvcheck: ${fromTrace} does not replay on model ${model.name}: ${v.left}\n`);
      return EXIT.violation;
    }
    const noItf = writing(out, () =>
      writeSuite(out, [v.right], { model: model.name, params: v.right.params, regression: v.right.id, trace: fromTrace, traceModel: tr.right.model, steps: v.right.steps.length }),
    );
    process.stdout.write(`${v.right.id}: ${v.right.reason}\n${itfNote(noItf)}wrote 1 vector to ${out}/vectors.jsonl\n`);
    return EXIT.ok;
  }
  const p = resolveParams(model.params, overrides);
  if (E.isLeft(p)) throw new UsageError(`model ${model.name}: ${p.left}`);
  const t0 = Date.now();
  const r = generateSuite(model, p.right, { cover, ...(maxStates !== undefined ? { maxStates } : {}) });
  if (E.isLeft(r)) {
    process.stderr.write(`pvcheck: vectors for ${model.name} failed: ${r.left}\n`);
    return EXIT.violation;
  }
  const noItf = writing(out, () => writeSuite(out, r.right.vectors, r.right.report));
  process.stdout.write(
    [...describeSuite(r.right.report), ...(noItf.length ? [itfNote(noItf).trimEnd()] : []), `wrote ${out}/vectors.jsonl in ${((Date.now() - t0) / 1000).toFixed(2)} s`].join('\n') + '\n',
  );
  return EXIT.ok;
}
