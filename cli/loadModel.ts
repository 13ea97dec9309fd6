/**
 * Resolves the MODEL argument of a command: a built-in model's name, or the
 * path of a user's .ts/.js module that exports a model (default export, an
 * export named `model`, or a single exported value that is a model). A
 * TypeScript file loads without a build step (bin/ts-hooks.mjs).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Model } from '../model/core.js';
import { builtinModel } from './workerSystem.js';
import { UsageError } from './errors.js';
import { BUILTIN_NAMES, looksLikeFile, unknownModel } from './refusals.js';

export { looksLikeFile };

/** The largest model file loaded (64 MiB): a model is source code; a bigger file is not one (or never ends). */
export const MAX_MODEL_FILE_BYTES = 64 * 1024 * 1024;

/** Why `m` is not a usable model, or undefined. */
export function modelProblem(m: unknown): string | undefined {
  if (typeof m !== 'object' || m === null) return 'is not an object';
  const x = m as Partial<Model>;
  if (typeof x.name !== 'string' || !x.name) return 'has no name';
  if (typeof x.init !== 'function') return 'has no init function';
  if (!Array.isArray(x.rules)) return 'has no rules array';
  for (const [i, r] of x.rules.entries()) {
    if (typeof r?.name !== 'string') return `rule #${i} has no name`;
    if (typeof r.then !== 'function') return `rule ${r.name} has no 'then' effect`;
  }
  if (!Array.isArray(x.invariants)) return 'has no invariants array';
  if (typeof x.params !== 'object' || x.params === null || typeof (x.params as any).codec?.decode !== 'function')
    return 'has no parameter space (params: defineParams(...))';
  return undefined;
}

const isModel = (m: unknown) => modelProblem(m) === undefined;

/** The file each model loaded from a file came from (absolute path): error messages name it (cli/fault.ts). */
const sourceFiles = new WeakMap<object, string>();
export const modelFile = (m: object): string | undefined => sourceFiles.get(m);
const fromFile = (m: unknown, path: string): Model => {
  sourceFiles.set(m as object, path);
  return m as Model;
};

export async function loadModel(arg: string): Promise<Model> {
  if (!looksLikeFile(arg)) {
    // its own module, not the registry's sixteen (cli/workerSystem.ts builtinModel)
    const m = await builtinModel(arg);
    if (m) return m;
    throw new UsageError(unknownModel(arg, BUILTIN_NAMES));
  }
  const path = resolve(arg);
  if (!existsSync(path)) throw new UsageError(`model file ${arg} does not exist`);
  // a FIFO or a device would block the import or never end
  // (traces/io.ts imported here, for a file: a built-in's check loads no traces/ module unless it writes one)
  const { inputProblem } = await import('../traces/io.js');
  const problem = inputProblem(path, MAX_MODEL_FILE_BYTES, 'a model file is source code');
  if (problem) throw new UsageError(`model file ${arg} ${problem}`);
  let mod: Record<string, unknown>;
  // the lines of an exception in the model's code are those of its TypeScript source (ts-hooks.mjs writes an inline map)
  process.setSourceMapsEnabled(true);
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    const msg = (e as Error)?.message?.split('\n')[0] ?? String(e);
    throw new UsageError(`model file ${arg} does not load: ${msg}`);
  }
  const candidates: [string, unknown][] = [];
  if ('default' in mod) candidates.push(['default', mod.default]);
  if ('model' in mod) candidates.push(['model', mod.model]);
  for (const [name, m] of candidates) {
    const why = modelProblem(m);
    if (!why) return fromFile(m, path);
    throw new UsageError(`model file ${arg}: export '${name}' ${why}`);
  }
  const models = Object.entries(mod).filter(([, v]) => isModel(v));
  if (models.length === 1) return fromFile(models[0]![1], path);
  if (models.length > 1)
    throw new UsageError(`model file ${arg} exports several models (${models.map(([k]) => k).join(', ')}): export the one to check as default`);
  throw new UsageError(`model file ${arg} exports no model (export default deriveModel(...) or export const model = ...)`);
}
