/**
 * A worker that runs plain-JS copies of the sources (bin/worker-js.mjs: the
 * multi-worker search and the phases of diff and vectors, for built-in
 * models) throws with a stack naming the copies under node_modules/.cache at
 * the transpiled text's lines. bin/worker-js.mjs's sourceStack names the
 * TypeScript sources and their lines instead (from each copy's inline source
 * map), which cli/phaseWorker.ts applies to a model's fault before it is
 * reported, so the report's file:line (properties/fault.ts faultLocation)
 * is the source's. A fixture module run as a copy in a worker throws; its
 * stack must name the fixture's .ts file at the line of the throw, found in
 * the fixture's text.
 *
 * An error the multi-worker search itself throws on a worker (not a model's
 * fault: those are searched again on one thread, cli/check.ts) reaches the
 * main thread with the worker's stack, mapped the same way
 * (checker/parallel.ts `workerError`): a state with more transitions than a
 * parent link can name (test/fixtures/wide-loader.ts) names the line of
 * parallelWorker.ts that refuses it. Before, the error had the main thread's
 * stack, where the worker's message arrived.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ParallelSearch, plainCopies } from '../checker/parallel.js';
import { faultLocation } from '../properties/fault.js';
// @ts-expect-error a JavaScript module without declarations
import { sourceStack } from '../bin/worker-js.mjs';

const fixture = new URL('./fixtures/throwsInWorker.ts', import.meta.url);
const file = fileURLToPath(fixture);
const root = fileURLToPath(new URL('..', import.meta.url));
const throwLine = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('// THE THROW')) + 1;
const callLine = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('boom({ n });')) + 1;

test('a throw in a plain-JS copy on a worker: the stack names the TypeScript source and the line of the throw', async () => {
  await import(fixture.href); // the hooks' cache, which the copies are made from
  const urls = await plainCopies([fixture.href]);
  assert.ok(urls, 'plain-JS copies made');
  const w = new Worker(new URL('../bin/worker.mjs', import.meta.url), { workerData: { entry: urls![0], plain: true }, execArgv: [] });
  const stack = await new Promise<string>((res, rej) => {
    w.once('message', res);
    w.once('error', rej);
    w.postMessage(3);
  });
  await w.terminate();
  assert.ok(stack.includes('/node_modules/.cache/pvcheck-js/'), `the worker ran the copy: ${stack}`);
  assert.is(faultLocation(stack, [], root), undefined, 'a copy under node_modules names no place of the model');
  const mapped = sourceStack(stack) as string;
  const frames = mapped.split('\n').filter((l) => l.includes(file));
  assert.ok(frames[0]?.includes(`${file}:${throwLine}:`), `the throw at ${file}:${throwLine}: ${mapped}`);
  assert.ok(frames[1]?.includes(`${file}:${callLine}:`), `its caller at ${file}:${callLine}: ${mapped}`);
  assert.not.ok(mapped.includes('/node_modules/.cache/'), mapped);
  assert.ok(faultLocation(mapped, [], root)?.startsWith(`${file}:${throwLine}:`), 'the report names the source and line');
});

test('frames outside the copies, and a stack without frames, are left as they are', () => {
  const s = 'Error: x\n    at f (file:///somewhere/else.js:3:4)\n    at node:internal/modules:1:2';
  assert.is(sourceStack(s), s);
  assert.is(sourceStack('Error: no frames'), 'Error: no frames');
});

test('an error the search throws on a worker reaches the main thread with the worker\'s frames, named by the sources', async () => {
  const loader = new URL('./fixtures/wide-loader.ts', import.meta.url).href;
  const { loadSystem } = (await import(loader)) as typeof import('./fixtures/wide-loader.js');
  const worker = fileURLToPath(new URL('../checker/parallelWorker.ts', import.meta.url));
  const throws = readFileSync(worker, 'utf8').split('\n').flatMap((l, i) => (l.includes("throw new Error(`a state has more than 65536 transitions") ? [i + 1] : []));
  assert.ok(throws.length > 0, 'the refusal is in parallelWorker.ts');
  // the first search may load the sources through the hooks (the hooks' cache the copies are made from, on a fresh clone)
  for (const round of [1, 2]) {
    const e = await new ParallelSearch(loadSystem(), {}, { loader, args: {} }, 2).result.then(
      () => undefined,
      (x: Error) => x,
    );
    assert.ok(e, `round ${round}: the search failed`);
    assert.match(e!.message, /more than 65536 transitions/);
    const frame = e!.stack!.split('\n').find((l) => l.includes(worker));
    assert.ok(frame, `round ${round}: the stack names parallelWorker.ts: ${e!.stack}`);
    if (round === 2) {
      assert.not.ok(e!.stack!.includes('/node_modules/.cache/'), `plain-JS copies' frames named by the sources: ${e!.stack}`);
      assert.ok(throws.some((n) => frame!.includes(`${worker}:${n}:`)), `at a line of the refusal (${throws.join(', ')}): ${frame}`);
    }
  }
});

test.run();
