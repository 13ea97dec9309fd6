/**
 * The long synchronous phases of `pvcheck diff` (both explorations) and
 * `pvcheck vectors` (the suite's generation), run in a worker thread so that
 * the main thread stays free for signals: a Ctrl-C during the phase ends it at
 * once (the worker is terminated) and the command prints what it has, exit 3
 * (cli/interrupt.ts). The worker loads the models by the same argument as the
 * main thread (a built-in's name or a model file's absolute path).
 *
 * The main thread also keeps the phase under `--max-memory` (default: 3/4 of
 * the machine's memory, as `pvcheck check`): it reads the process's resident
 * set every 100 ms and terminates the worker when it passes the budget; the
 * command then says so in one line and writes nothing (PhaseMemoryStop).
 * These phases keep a whole state graph in memory (the edges, for coverage and
 * diffs), so a bound raised by one step can otherwise take the machine into swap.
 */
import { Worker, parentPort, workerData } from 'node:worker_threads';
import * as E from 'fp-ts/lib/Either.js';
import { diffSystems, type SystemDiff } from '../checker/diff.js';
import { generateSuite, type Cover } from '../conformance/generate.js';
import type { Model } from '../model/core.js';
import { bind } from '../properties/bind.js';
import { ModelFault, type FaultSite } from '../properties/fault.js';
import { stoppable } from './interrupt.js';
import { loadModel, looksLikeFile } from './loadModel.js';
import { builtinModuleUrls } from './workerSystem.js';
import { MemoryGuard, defaultMemoryLimit, fmtBytes } from '../checker/memory.js';
import { fillWorkerCache, loadedSources, plainCopies, withoutLoaders } from '../checker/parallel.js';

export type PhaseTask =
  | { readonly task: 'diff'; readonly models: readonly [string, string]; readonly params: readonly [object, object]; readonly maxStates?: number }
  | { readonly task: 'vectors'; readonly model: string; readonly params: object; readonly cover: Cover; readonly maxStates?: number; readonly walks?: boolean; readonly maxSteps?: number };

type Result<T extends PhaseTask> = T extends { task: 'diff' } ? SystemDiff<unknown> : ReturnType<typeof generateSuite>;

interface FaultRecord {
  readonly site: FaultSite;
  readonly owner: string;
  readonly state: unknown;
  readonly choice: unknown;
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly model?: string;
  readonly params?: object;
}

type Reply = { result: unknown } | { fault: FaultRecord } | { error: string };

async function perform(t: PhaseTask): Promise<unknown> {
  if (t.task === 'diff') {
    const systems = await Promise.all(
      t.models.map(async (arg, i) => {
        const s = bind(await loadModel(arg), t.params[i]!, { noGoals: true });
        if (E.isLeft(s)) throw new Error(s.left);
        return s.right;
      }),
    );
    return diffSystems<unknown>(systems[0]!, systems[1]!, t.maxStates !== undefined ? { maxStates: t.maxStates } : {});
  }
  return generateSuite(await loadModel(t.model), t.params, {
    cover: t.cover,
    ...(t.maxStates !== undefined ? { maxStates: t.maxStates } : {}),
    ...(t.walks ? { walks: true } : {}),
    ...(t.maxSteps !== undefined ? { maxSteps: t.maxSteps } : {}),
  });
}

if (parentPort && (workerData as { phase?: PhaseTask } | undefined)?.phase) {
  const port = parentPort;
  perform((workerData as { phase: PhaseTask }).phase).then(
    (result) => port.postMessage({ result } satisfies Reply),
    (e: unknown) => {
      if (e instanceof ModelFault) {
        const c = e.cause as Error | undefined;
        port.postMessage({
          fault: {
            site: e.site,
            owner: e.owner,
            state: e.state,
            choice: e.choice,
            name: c?.name ?? 'Error',
            message: c?.message ?? String(e.cause),
            ...(c?.stack ? { stack: c.stack } : {}),
            ...(e.model ? { model: e.model.name } : {}),
            ...(e.params ? { params: e.params } : {}),
          },
        } satisfies Reply);
      } else port.postMessage({ error: ((e as Error)?.message ?? String(e)).split('\n')[0]! } satisfies Reply);
    },
  );
}

/** bin/worker-js.mjs's sourceStack (a JavaScript module beside the hooks). */
const sourceStackOf = async (): Promise<(stack: string) => string> =>
  ((await import(new URL('../bin/worker-js.mjs', import.meta.url).href)) as { sourceStack: (stack: string) => string }).sourceStack;

/** The phase was stopped before the process's resident set passed `limit` bytes (it had reached `rss`). */
export class PhaseMemoryStop extends Error {
  constructor(
    readonly rss: number,
    readonly limit: number,
  ) {
    super(`stopped at --max-memory ${fmtBytes(limit)} (the process held ${(rss / 1024 ** 2).toFixed(1)} MiB)`);
  }
}

/** How often the main thread reads the resident set while a phase runs. */
const MEMORY_POLL_MS = 100;

/**
 * Runs phase `t` in a worker thread; undefined when the command was
 * interrupted meanwhile (the worker is then terminated at once). A ModelFault
 * in the worker is thrown again here, attached to the main thread's model of
 * the same name (`models`); a phase stopped by the memory budget
 * (`maxMemory` bytes, default 3/4 of the machine's) throws PhaseMemoryStop;
 * another error is thrown as an Error.
 */
export async function runPhase<T extends PhaseTask>(t: T, models: readonly Model[], maxMemory = defaultMemoryLimit()): Promise<Result<T> | undefined> {
  const entry = new URL('./phaseWorker.ts', import.meta.url).href;
  // built-in models only: plain-JS copies of this module and what it imports, without the TypeScript hooks (checker/parallel.ts),
  // with every built-in's own module, which loadModel imports by a computed name (cli/workerSystem.ts builtinModel)
  const plain = (t.task === 'diff' ? t.models : [t.model]).some(looksLikeFile) ? undefined : (await plainCopies([entry, ...builtinModuleUrls]))?.[0];
  // else the worker's hooks find this module and what it imports transpiled: it runs no compiler
  if (!plain) await fillWorkerCache([entry]);
  const w = new Worker(new URL('../bin/worker.mjs', import.meta.url), {
    // `expected`: the sources this process loaded; the worker's hooks refuse others (checker/parallel.ts loadedSources)
    workerData: plain ? { entry: plain, plain: true, phase: t } : { entry, phase: t, expected: loadedSources() },
    ...(plain ? { execArgv: withoutLoaders(process.execArgv) } : {}),
  });
  let stopped = false;
  let overMemory: number | undefined;
  // past the budget, idle workers of the multi-worker search's pool are ended first (MemoryGuard)
  const guard = new MemoryGuard(maxMemory);
  const watch = setInterval(() => {
    if (overMemory === undefined && guard.over(0)) {
      overMemory = process.memoryUsage.rss();
      void w.terminate();
    }
  }, MEMORY_POLL_MS);
  const reply = new Promise<Reply | undefined>((res, rej) => {
    w.once('message', (m: Reply) => res(m));
    w.once('error', rej);
    w.once('exit', () => res(undefined));
  });
  const m = await stoppable(
    () => {
      stopped = true;
      void w.terminate();
    },
    () => reply,
  ).finally(() => clearInterval(watch));
  void w.terminate();
  if (overMemory !== undefined) throw new PhaseMemoryStop(overMemory, maxMemory);
  if (stopped || m === undefined) {
    if (stopped) return undefined;
    throw new Error('the worker thread ended without a result');
  }
  if ('error' in m) throw new Error(m.error);
  if ('fault' in m) {
    const f = m.fault;
    // a plain-JS copy's frames named by the TypeScript sources and their lines, for the report's file:line
    const stack = plain && f.stack ? (await sourceStackOf())(f.stack) : f.stack;
    const cause = Object.assign(new Error(f.message), { name: f.name, ...(stack ? { stack } : {}) });
    const fault = new ModelFault(f.site, f.owner, f.state, f.choice, cause);
    const model = models.find((x) => x.name === f.model);
    if (model) fault.model = model;
    if (f.params) fault.params = f.params;
    throw fault;
  }
  return m.result as Result<T>;
}
