/**
 * The workers of the multi-worker search run plain-JS copies of their modules
 * for a built-in model (bin/worker-js.mjs, checker/parallel.ts), made from
 * the TypeScript hooks' cache: the copies exist, mirror the sources' layout,
 * and contain no TypeScript-only syntax a plain import would refuse; a user's
 * model file keeps the hooks.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { plainJs, workerSystemLoader } from '../cli/workerSystem.js';

const entry = new URL('../checker/parallelWorker.ts', import.meta.url).href;

test('plain-JS copies of the worker and its loader, laid out as the sources; built-in models only', async () => {
  // what the hooks' cache lacks (parallelWorker.ts: the main thread never loads it) the main thread's hooks transpile first
  const { plainModules } = (await import('../bin/worker-js.mjs' as string)) as { plainModules: (u: string[]) => Promise<string[] | undefined> };
  const urls = await plainModules([entry, workerSystemLoader]);
  assert.ok(urls, 'copies made');
  assert.match(urls![0]!, /node_modules\/\.cache\/pvcheck-js\/[0-9a-f]+\/checker\/parallelWorker\.js$/);
  assert.match(urls![1]!, /\/cli\/workerSystem\.js$/);
  for (const u of urls!) assert.ok(existsSync(fileURLToPath(u)), u);
  const store = fileURLToPath(new URL('checker/store.js', urls![0]!.replace(/checker\/parallelWorker\.js$/, '')));
  assert.ok(existsSync(store), 'an imported module is copied too');
  assert.not.match(readFileSync(store, 'utf8'), /\bprivate readonly\b|: Uint32Array;/, 'types are stripped');
  assert.is(plainJs({ model: 'ring-notify', params: {} }), true);
  assert.is(plainJs({ model: '/tmp/my-model.ts', params: {} }), false);
  assert.is(plainJs({ model: 'examples/x.ts', params: {} }), false);
});

test.run();
