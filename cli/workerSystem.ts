/**
 * The loader a worker of the multi-worker search calls (checker/parallel.ts):
 * the same model (a built-in's name or a model file's absolute path) bound to
 * the same parameters and invariants as in the main thread.
 *
 * A built-in model is imported from its own module, not through
 * cli/loadModel.ts and model/registry.ts, which import every built-in: a
 * worker loaded all sixteen models' code to run one of them (ring-notify: about
 * 0.1 s of CPU a worker, a third of its start; docs/perf/2026-12-06-engine.md).
 */
import * as E from 'fp-ts/lib/Either.js';
import { bind } from '../properties/bind.js';
import type { System } from '../checker/system.js';
import type { Model } from '../model/core.js';

export interface WorkerSystemArgs {
  readonly model: string;
  readonly params: object;
  readonly invariants?: readonly string[];
}

/**
 * The module of each built-in model, by its name (relative to this file).
 * test/workerSystem checks it against model/registry.ts: every built-in has
 * its module here, and the module exports the model of that name. A model
 * missing here still loads, through cli/loadModel.ts, with the TypeScript
 * hooks (plainJs says no).
 */
export const builtinModules: Readonly<Record<string, string>> = {
  'ring-notify': '../model/ringNotify.ts',
  limiter: '../model/limiter.ts',
  'limiter-rx': '../model/limiter.ts',
  xenbus: '../model/xenbus.ts',
  ring: '../model/ring.ts',
  'ring-api': '../model/ringApi.ts',
  grant: '../model/grant.ts',
  blkif: '../model/blkif.ts',
  'netif-ctrl': '../model/netifCtrl.ts',
  'netif-tx': '../model/netif.ts',
  'netif-rx': '../model/netifRx.ts',
  vif: '../model/vif.ts',
  nc2: '../model/nc2.ts',
  'nc2-packets': '../model/nc2Packets.ts',
  'nc2-bypass': '../model/nc2Bypass.ts',
  'nc2-api': '../model/nc2Api.ts',
};

/**
 * The module of each word-level model a built-in's fast path runs on (cli/fastPath.ts: `check ring -p
 * memory=weak ...` searches ring-weak-flat), by its name; not built-ins of their own (the registry does
 * not list them). test/fastPath checks it against cli/fastPath.ts.
 */
export const fastPathModules: Readonly<Record<string, string>> = {
  'ring-weak-flat': '../model/ringWeakFlat.ts',
  'xenbus-flat': '../model/xenbusFlat.ts',
};

const moduleOf = (name: string): string | undefined =>
  Object.hasOwn(builtinModules, name)
    ? new URL(builtinModules[name]!, import.meta.url).href
    : Object.hasOwn(fastPathModules, name)
      ? new URL(fastPathModules[name]!, import.meta.url).href
      : undefined;
/** Every built-in's module, each once, in one order: {@link ownModules} names them all, so that every built-in's workers run the same set of plain-JS copies (bin/worker-js.mjs names the set by its files in order) and a kept worker serves any of them. */
const allModules = [...new Set([...Object.keys(builtinModules), ...Object.keys(fastPathModules)].map((n) => moduleOf(n)!))];
/**
 * Every built-in's own module (file: URLs), each once: a set of plain-JS copies that holds this module
 * must hold these too (bin/worker-js.mjs follows literal imports only, and {@link builtinModel} imports
 * a computed name): cli/phaseWorker.ts runPhase names them beside its entry, checker/parallel.ts through
 * {@link ownModules}.
 */
export const builtinModuleUrls: readonly string[] = [...new Set(Object.keys(builtinModules).map((n) => moduleOf(n)!))];
/** A model file's path rather than a built-in's name (as cli/loadModel.ts `looksLikeFile`; not imported: that module imports every model). */
const isFile = (s: string): boolean => /[\\/]/.test(s) || /\.(c|m)?(t|j)s$/.test(s);

/** The model `name` among a module's exports. */
export function exportedModel(mod: Record<string, unknown>, name: string): Model | undefined {
  return Object.values(mod).find((v): v is Model => typeof v === 'object' && v !== null && (v as Model).name === name && typeof (v as Model).init === 'function');
}

/**
 * The built-in model `name` imported from its own module, or undefined (no built-in of that name;
 * a word-level model of {@link fastPathModules} is none). The same object as model/registry.ts's
 * (one module instance), without loading the fifteen others: cli/loadModel.ts and the commands that
 * name one built-in load it so (`check ring-notify`: ~80 ms of CPU less, docs/perf/2026-12-07h-pool.md);
 * `list` and `check-all` import the registry. test/workerSystem checks the table against the registry.
 */
export async function builtinModel(name: string): Promise<Model | undefined> {
  if (!Object.hasOwn(builtinModules, name)) return undefined;
  // In a worker's plain-JS copies (bin/worker-js.mjs; this file is then workerSystem.js, beside the others, each
  // x.ts copied as x.js) the built-in's own module is the copy of it: every set of copies that holds this module
  // holds every built-in's ({@link builtinModuleUrls}; bin/worker-js.mjs follows literal imports only: session
  // 34's train 2 failed on a phase worker's import of a built-in not copied, and the lead's fix took the
  // registry's sixteen models there, until session 35)
  const url = moduleOf(name)!;
  return exportedModel((await import(import.meta.url.endsWith('.js') ? url.replace(/\.ts$/, '.js') : url)) as Record<string, unknown>, name);
}

/** Whether `m` is a built-in's own object (a model file's model of the same name, or a derived one, is not). */
export const isBuiltin = async (m: Model): Promise<boolean> => (await builtinModel(m.name)) === m;

/**
 * `modules`: the modules {@link ownModules} named, as the worker imports them
 * (their plain-JS copies, or the sources under the hooks).
 */
export async function loadSystem(a: WorkerSystemArgs, modules: readonly string[] = []): Promise<System<unknown>> {
  const own = moduleOf(a.model);
  const url = own !== undefined && modules.length === allModules.length ? modules[allModules.indexOf(own)] : own;
  let m: Model | undefined;
  if (url !== undefined) {
    m = exportedModel((await import(url)) as Record<string, unknown>, a.model);
    if (!m) throw new Error(`internal: ${url} does not export the model ${a.model} (cli/workerSystem.ts builtinModules)`);
  } else {
    // a model file (plainJs: false, so the workers run under the TypeScript hooks), or no model (loadModel says so)
    const { loadModel } = await import('./loadModel.js');
    m = await loadModel(a.model);
  }
  const sys = bind(m, a.params, a.invariants ? { invariants: a.invariants } : {});
  if (E.isLeft(sys)) throw new Error(sys.left);
  return sys.right;
}

/**
 * A built-in model needs no module but those this one imports and its own
 * (among {@link ownModules}): the workers may run plain-JS copies
 * (checker/parallel.ts). So may a name that is no model (cli/loadModel.ts,
 * which this module imports when the name is not in builtinModules, says
 * so); a model file needs the hooks.
 */
export const plainJs = (a: WorkerSystemArgs): boolean => !isFile(a.model);

/** The modules loadSystem may import itself (checker/parallel.ts copies them with the others): every built-in's, of which it imports its model's. */
export const ownModules = (a: WorkerSystemArgs): string[] => (isFile(a.model) ? [] : allModules);

export const workerSystemLoader = new URL('./workerSystem.ts', import.meta.url).href;
