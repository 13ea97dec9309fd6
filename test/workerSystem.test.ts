/**
 * The workers' loader (cli/workerSystem.ts) imports a built-in model from its
 * own module, not through model/registry.ts (which imports all of them): its
 * table of modules must name every built-in, each module must export the
 * model of that name (the registry's own object), the system it binds must
 * be the main thread's, and a worker loading ring-notify must not load the
 * other models' code (a fresh process: the sources it loaded, as the hooks
 * report them). A model file still loads through cli/loadModel.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { builtinModels } from '../model/registry.js';
import { loadModel } from '../cli/loadModel.js';
import { bind } from '../properties/bind.js';
import { builtinModules, exportedModel, loadSystem, ownModules, plainJs, workerSystemLoader } from '../cli/workerSystem.js';
import { plainCopies } from '../checker/parallel.js';

const root = resolve(import.meta.dirname, '..');

test('every built-in has its module, which exports that model', async () => {
  assert.equal(Object.keys(builtinModules).sort(), builtinModels.map((m) => m.name).sort());
  for (const m of builtinModels) {
    const url = new URL(builtinModules[m.name]!, workerSystemLoader).href;
    assert.ok(ownModules({ model: m.name, params: {} }).includes(url), m.name);
    assert.ok(plainJs({ model: m.name, params: {} }), m.name);
    assert.is(exportedModel((await import(url)) as Record<string, unknown>, m.name), m, `${m.name}: the registry's model`);
  }
  assert.equal(ownModules({ model: '/tmp/my-model.ts', params: {} }), []);
  assert.is(plainJs({ model: 'examples/x.ts', params: {} }), false);
  // no model by that name: plain copies too (cli/loadModel.ts says what is wrong, as on the main thread)
  assert.ok(plainJs({ model: 'no-such-model', params: {} }));
});

test('every built-in\'s workers run the same plain-JS copies (a kept worker serves the next search, whatever its model)', async () => {
  const entry = new URL('../checker/parallelWorker.ts', import.meta.url).href;
  const copies = async (model: string) => (await plainCopies([entry, workerSystemLoader, ...ownModules({ model, params: {} })]))?.[0];
  const first = await copies('ring-notify');
  if (first === undefined) return; // no copies on this run (the hooks' cache is cold): the workers use the hooks
  for (const model of ['grant', 'vif', 'limiter-rx', 'no-such-model']) assert.is(await copies(model), first, model);
});

test('the system a worker loads is the main thread\'s (rules, initial states, invariants)', async () => {
  for (const name of ['ring-notify', 'limiter-rx', 'netif-tx', 'xenbus']) {
    const m = builtinModels.find((x) => x.name === name)!;
    const params = m.params.defaults as object;
    const main = bind(m, params);
    if (E.isLeft(main)) throw new Error(main.left);
    const w = await loadSystem({ model: name, params });
    assert.equal(w.rules.map((r) => r.name), main.right.rules.map((r) => r.name), name);
    assert.equal(JSON.stringify(w.init), JSON.stringify(main.right.init), name);
    assert.equal(w.invariants.map((i) => i.name), main.right.invariants.map((i) => i.name), name);
  }
});

test('a model file loads through cli/loadModel.ts', async () => {
  const file = resolve(root, 'examples', 'blkif-xsa216.ts');
  const m = await loadModel(file);
  assert.ok(!Object.hasOwn(builtinModules, file));
  const sys = await loadSystem({ model: file, params: m.params.defaults as object });
  const main = bind(m, m.params.defaults as object);
  if (E.isLeft(main)) throw new Error(main.left);
  assert.equal(sys.rules.map((r) => r.name), main.right.rules.map((r) => r.name));
});

test('loading ring-notify loads no other model\'s code', () => {
  const script = `
    const { loadedSources } = await import(${JSON.stringify(resolve(root, 'checker/parallel.ts'))});
    const { loadSystem } = await import(${JSON.stringify(resolve(root, 'cli/workerSystem.ts'))});
    await loadSystem({ model: 'ring-notify', params: { ringSize: 2, messages: 2 } });
    process.stdout.write(Object.keys(loadedSources()).filter((f) => /\\/model\\/[^/]+\\.ts$/.test(f)).map((f) => f.split('/').pop()).sort().join(' '));`;
  const p = spawnSync(process.execPath, ['--import', './bin/register.mjs', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.is(p.status, 0, p.stderr);
  const models = p.stdout.split(' ');
  assert.ok(models.includes('ringNotify.ts'), p.stdout);
  for (const other of ['xenbus.ts', 'xenstore.ts', 'grant.ts', 'blkif.ts', 'netif.ts', 'nc2.ts', 'limiter.ts', 'registry.ts']) assert.not.ok(models.includes(other), `${other} loaded: ${p.stdout}`);
});

test.run();
