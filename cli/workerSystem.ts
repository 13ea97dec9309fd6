/**
 * The loader a worker of the multi-worker search calls (checker/parallel.ts):
 * the same model (a built-in's name or a model file's absolute path) bound to
 * the same parameters and invariants as in the main thread.
 */
import * as E from 'fp-ts/lib/Either.js';
import { bind } from '../properties/bind.js';
import type { System } from '../checker/system.js';
import { loadModel, looksLikeFile } from './loadModel.js';

export interface WorkerSystemArgs {
  readonly model: string;
  readonly params: object;
  readonly invariants?: readonly string[];
}

export async function loadSystem(a: WorkerSystemArgs): Promise<System<unknown>> {
  const m = await loadModel(a.model);
  const sys = bind(m, a.params, a.invariants ? { invariants: a.invariants } : {});
  if (E.isLeft(sys)) throw new Error(sys.left);
  return sys.right;
}

/** A built-in model needs no module but those this one imports: the workers may run plain-JS copies (checker/parallel.ts). */
export const plainJs = (a: WorkerSystemArgs): boolean => !looksLikeFile(a.model);

export const workerSystemLoader = new URL('./workerSystem.ts', import.meta.url).href;
