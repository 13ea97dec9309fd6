/**
 * `pvcheck vectors MODEL [--param k=v]... --out DIR [--cover rules|edges|states] [--from-trace FILE] [--max-states N]`
 *
 * Writes to DIR: `vectors.jsonl` (the suite, one vector per line), `summary.json`
 * (the coverage reached, unreachable rules, boundary suites), `itf/<id>.itf.json`
 * (each vector as ITF) and, for ring-api vectors, `ring-harness.txt` (the input
 * of conformance/ring/harness.c). `ring` resolves to `ring-api`: the `ring`
 * model splits macros into interleaved steps, a harness calls whole macros.
 *
 * Exit codes: 0 written; 1 the generation failed (a trace that does not replay,
 * a model error); 2 bad input (one line on stderr).
 */
import { mkdirSync, readdirSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import type { Model } from '../model/core.js';
import { builtinModels, findModel } from '../model/registry.js';
import { resolveParams } from '../model/params.js';
import { readTraceFile } from '../traces/io.js';
import { COVERS, generateSuite, vectorFromTrace, type Cover, type SuiteReport } from './generate.js';
import { encodeSuite, vectorToItf, type Vector } from './format.js';
import { isRingVector, renderHarnessInput } from './ring/harness.js';

/** Built-in names that resolve to another model for vectors. */
export const VECTOR_ALIASES: Readonly<Record<string, string>> = { ring: 'ring-api' };

export const VECTORS_USAGE =
  'usage: pvcheck vectors MODEL [--param k=v]... --out DIR [--cover rules|edges|states] [--from-trace FILE] [--max-states N]';

class Bad extends Error {}

const looksLikeFile = (s: string): boolean => /[\\/]/.test(s) || /\.(c|m)?(t|j)s$/.test(s);

async function loadModel(arg: string): Promise<Model> {
  if (!looksLikeFile(arg)) {
    const m = findModel(VECTOR_ALIASES[arg] ?? arg);
    if (m) return m;
    throw new Bad(`unknown model '${arg}' (built-in: ${builtinModels.map((b) => b.name).join(', ')}; or give a .ts/.js file)`);
  }
  const path = resolve(arg);
  if (!existsSync(path)) throw new Bad(`model file ${arg} does not exist`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    throw new Bad(`model file ${arg} does not load: ${String((e as Error)?.message ?? e).split('\n')[0]}`);
  }
  const m = (mod.default ?? mod.model) as Partial<Model> | undefined;
  if (!m || typeof m !== 'object' || typeof m.name !== 'string' || !Array.isArray(m.rules) || typeof m.init !== 'function' || !m.params)
    throw new Bad(`model file ${arg} has no model as its default export or export named 'model'`);
  return m as Model;
}

interface Args {
  model: string;
  params: Record<string, string>;
  out: string;
  cover: Cover;
  fromTrace?: string;
  maxStates?: number;
}

function parseArgs(argv: readonly string[]): Args {
  let model: string | undefined;
  let out: string | undefined;
  let cover: Cover = 'rules';
  let fromTrace: string | undefined;
  let maxStates: number | undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = (): string => {
      const eq = a.indexOf('=');
      if (a.startsWith('--') && eq > 0 && !a.startsWith('--param')) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new Bad(`${a} needs a value`);
      return v;
    };
    const flag = a.replace(/=.*$/s, '');
    if (flag === '--param' || a === '-p') {
      const kv = a.startsWith('--param=') ? a.slice('--param='.length) : argv[++i];
      if (kv === undefined) throw new Bad('--param needs k=v');
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new Bad(`--param ${kv}: expected k=v`);
      params[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else if (flag === '--out') out = val();
    else if (flag === '--cover') {
      const c = val();
      if (!(COVERS as readonly string[]).includes(c)) throw new Bad(`--cover ${c}: expected one of ${COVERS.join(', ')}`);
      cover = c as Cover;
    } else if (flag === '--from-trace') fromTrace = val();
    else if (flag === '--max-states') {
      const n = Number(val());
      if (!Number.isSafeInteger(n) || n < 1) throw new Bad('--max-states must be a positive integer');
      maxStates = n;
    } else if (a.startsWith('-')) throw new Bad(`unknown option ${a}`);
    else if (model === undefined) model = a;
    else throw new Bad(`unexpected argument ${a}`);
  }
  if (model === undefined) throw new Bad('missing MODEL');
  if (out === undefined) throw new Bad('missing --out DIR');
  return { model, params, out, cover, ...(fromTrace !== undefined ? { fromTrace } : {}), ...(maxStates !== undefined ? { maxStates } : {}) };
}

/**
 * Writes a suite to DIR: vectors.jsonl, summary.json, itf/, ring-harness.txt
 * (ring-api). Returns the vectors that have no ITF form (a state with a null,
 * a non-integer number), with the reason; their JSONL form is written anyway.
 */
export function writeSuite(dir: string, vectors: readonly Vector[], summary: unknown): string[] {
  mkdirSync(dir, { recursive: true });
  const itfDir = join(dir, 'itf');
  if (existsSync(itfDir)) for (const f of readdirSync(itfDir)) if (f.endsWith('.itf.json')) rmSync(join(itfDir, f));
  mkdirSync(itfDir, { recursive: true });
  const noItf: string[] = [];
  for (const v of vectors) {
    const itf = vectorToItf(v);
    if (E.isLeft(itf)) noItf.push(`${v.id}: ${itf.left}`);
    else writeFileSync(join(itfDir, `${v.id}.itf.json`), JSON.stringify(itf.right, null, 1) + '\n');
  }
  writeFileSync(join(dir, 'vectors.jsonl'), encodeSuite(vectors));
  writeFileSync(join(dir, 'summary.json'), JSON.stringify({ ...(summary as object), ...(noItf.length ? { noItf } : {}) }, null, 2) + '\n');
  const harness = join(dir, 'ring-harness.txt');
  if (vectors.length && vectors.every(isRingVector)) {
    writeFileSync(harness, renderHarnessInput(vectors));
  } else if (existsSync(harness)) rmSync(harness);
  return noItf;
}

const describe = (r: SuiteReport): string[] => {
  const lines = [
    `model ${r.model} ${Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ')}: ${r.states} states, ${r.edges} edges${r.complete ? '' : ' (exploration stopped at --max-states: coverage is of the explored part)'}`,
    `${r.cover} coverage: ${r.covered}/${r.goals} goals in ${r.coverageVectors} vectors${r.unreachableRules.length ? `; rules that never fire: ${r.unreachableRules.join(', ')}` : '; every rule fires'}`,
  ];
  if (r.boundaries.length) {
    const hit = r.boundaries.filter((b) => b.vector);
    const miss = r.boundaries.filter((b) => !b.vector);
    lines.push(`boundaries: ${hit.length}/${r.boundaries.length} reached${miss.length ? `; unreachable: ${miss.map((b) => b.name).join(', ')}` : ''}`);
  }
  lines.push(`${r.vectors} vectors, ${r.steps} steps`);
  return lines;
};

const itfNote = (noItf: readonly string[]): string =>
  noItf.length ? `no ITF rendering for ${noItf.length} vector${noItf.length === 1 ? '' : 's'} (see summary.json noItf): ${noItf[0]}\n` : '';

/** The `vectors` subcommand; returns the exit code. */
export async function vectorsCommand(argv: string[]): Promise<number> {
  let a: Args;
  let model: Model;
  try {
    a = parseArgs(argv);
    model = await loadModel(a.model);
  } catch (e) {
    if (e instanceof Bad) {
      process.stderr.write(`pvcheck vectors: ${e.message}\n${VECTORS_USAGE}\n`);
      return 2;
    }
    throw e;
  }
  const bad = (msg: string): number => {
    process.stderr.write(`pvcheck vectors: ${msg}\n`);
    return 2;
  };
  try {
    if (a.fromTrace !== undefined) {
      const tr = readTraceFile(a.fromTrace);
      if (E.isLeft(tr)) return bad(`${a.fromTrace}: ${tr.left}`);
      const overrides: Record<string, string | number | boolean> = { ...tr.right.params, ...a.params };
      const p = resolveParams(model.params, overrides);
      if (E.isLeft(p)) return bad(p.left);
      const v = vectorFromTrace(model, p.right, tr.right, a.fromTrace);
      if (E.isLeft(v)) {
        process.stderr.write(`pvcheck vectors: ${a.fromTrace} does not replay on model ${model.name}: ${v.left}\n`);
        return 1;
      }
      const noItf = writeSuite(a.out, [v.right], { model: model.name, params: v.right.params, regression: v.right.id, trace: a.fromTrace, traceModel: tr.right.model, steps: v.right.steps.length });
      process.stdout.write(`${v.right.id}: ${v.right.reason}\n${itfNote(noItf)}wrote 1 vector to ${a.out}/vectors.jsonl\n`);
      return 0;
    }
    const p = resolveParams(model.params, a.params);
    if (E.isLeft(p)) return bad(p.left);
    const t0 = Date.now();
    const r = generateSuite(model, p.right, { cover: a.cover, ...(a.maxStates !== undefined ? { maxStates: a.maxStates } : {}) });
    if (E.isLeft(r)) {
      process.stderr.write(`pvcheck vectors: ${r.left}\n`);
      return 1;
    }
    const noItf = writeSuite(a.out, r.right.vectors, r.right.report);
    process.stdout.write(
      [...describe(r.right.report), ...(noItf.length ? [itfNote(noItf).trimEnd()] : []), `wrote ${a.out}/vectors.jsonl in ${((Date.now() - t0) / 1000).toFixed(2)} s`].join('\n') + '\n',
    );
    return 0;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err?.code && typeof err.path === 'string') return bad(`${err.path}: ${err.code === 'ENOENT' ? 'no such file or directory' : err.code}`);
    throw e;
  }
}
