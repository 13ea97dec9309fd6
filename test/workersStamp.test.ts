/**
 * The code-version stamp of the multi-worker search (checker/parallel.ts
 * `loadedSources`): a worker runs only the sources this process loaded. A
 * file changed on disk after the main thread loaded it (a worktree changed
 * under a long run) is a one-line error naming it, where the workers used to
 * run the new code beside the main thread's old one (a crash, "Invalid atomic
 * access index", or another state space). Three ways a worker loads a
 * source: a user's model file through its TypeScript hooks, a checker module
 * through them, and the plain-JS copies of a built-in's modules.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import { check } from '../checker/explore.js';
import { checkParallel, closeWorkerPool, idleWorkers, loadedSources, workersStarted } from '../checker/parallel.js';
import { loadModel } from '../cli/loadModel.js';
import { workerSystemLoader } from '../cli/workerSystem.js';
import { bind } from '../properties/bind.js';
import { root } from './support/cli.js';
import { scratchDir } from './support/tmp.js';

const tmp = scratchDir('pvcheck-stamp-');
const index = pathToFileURL(join(root, 'index.ts')).href;
const modelText = (messages: number) =>
  `import { deriveModel, withDefaults, ringNotify } from ${JSON.stringify(index)};\n` +
  `export default deriveModel(ringNotify, { name: 'stamped', description: 'ring-notify at ${messages} messages', params: withDefaults(ringNotify.params, { ringSize: 2, messages: ${messages} }) });\n`;

async function search(model: string) {
  const m = await loadModel(model);
  const params = { ...(m.params.defaults as object), ...(model === 'ring-notify' ? { ringSize: 2, messages: 3 } : {}) };
  const sys = bind(m, params);
  if (E.isLeft(sys)) throw new Error(sys.left);
  const one = check(sys.right).distinctStates;
  const run = () => checkParallel(sys.right, {}, { loader: workerSystemLoader, args: { model, params } }, 2).then((r) => r.distinctStates, (e: Error) => e.message);
  return { one, run };
}

/** Stands for `file` changed on disk since this process loaded it: the stamp's hash of it changed, for the time of `f`. */
async function changed<T>(file: string, f: () => Promise<T>): Promise<T> {
  const stamp = loadedSources();
  const was = stamp[file];
  assert.ok(was, `this process loaded ${file} through the hooks`);
  stamp[file] = '0'.repeat(40);
  try {
    return await f();
  } finally {
    stamp[file] = was!;
  }
}

const oneLine = (e: unknown, file: string) => {
  assert.type(e, 'string', `an error, not a result: ${String(e)}`);
  assert.ok(
    (e as string).endsWith(`${file} changed on disk after this process loaded it: a worker would run other code than the main thread (run the check again)`),
    e as string,
  );
  assert.not.match(e as string, /\n/, 'one line');
};

test('a user\'s model file rewritten after the main thread loaded it: the workers refuse it', async () => {
  const file = join(tmp, 'stamped.ts');
  writeFileSync(file, modelText(3));
  const s = await search(file);
  await closeWorkerPool();
  assert.is(await s.run(), s.one, 'unchanged: the workers run it');
  writeFileSync(file, modelText(4));
  await closeWorkerPool(); // new workers, which load the file again (kept ones have the old one)
  oneLine(await s.run(), file);
});

test('a checker module changed, for workers with the hooks (a user\'s model file) and for the plain-JS copies (a built-in)', async () => {
  const file = join(tmp, 'stamped2.ts');
  writeFileSync(file, modelText(3));
  const user = await search(file);
  const builtin = await search('ring-notify');
  const layout = fileURLToPath(new URL('../checker/parallelLayout.ts', import.meta.url));
  await closeWorkerPool();
  oneLine(await changed(layout, user.run), layout);
  oneLine(await changed(layout, builtin.run), layout);
  // the workers' own module, which the main thread never loads: its text as this process started
  const worker = fileURLToPath(new URL('../checker/parallelWorker.ts', import.meta.url));
  oneLine(await changed(worker, user.run), worker);
  oneLine(await changed(worker, builtin.run), worker);
  assert.is(await user.run(), user.one, 'as it was: the workers run');
  assert.is(await builtin.run(), builtin.one);
});

test('a kept worker imports a model file for the first time in a later search: checked against the main thread\'s stamp of then, not of when the worker started', async () => {
  const first = join(tmp, 'first.ts');
  const later = join(tmp, 'later.ts');
  writeFileSync(first, modelText(3));
  writeFileSync(later, modelText(3));
  const a = await search(first);
  await closeWorkerPool();
  assert.is(await a.run(), a.one, 'the first search starts the workers, and they are kept');
  assert.is(idleWorkers(), 2);
  const started = workersStarted();
  const b = await search(later); // the main thread loads it now, after the workers started
  writeFileSync(later, modelText(4)); // and it changes on disk before the workers load it
  const r = await b.run();
  assert.is(workersStarted(), started, 'the search took the kept workers');
  // before the stamp came with each search: the kept workers ran the new file (messages=4) beside the main thread's
  oneLine(r, later);
});

test.run();
