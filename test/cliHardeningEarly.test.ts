/**
 * The refusals made before any model is loaded (cli/refusals.ts, session
 * 32): a typo cost ~0.45 s CPU of node start-up and loading every model
 * through the TypeScript hooks; now ~0.12 s. Checked here:
 * - cli/refusals.ts's list of built-in names is model/registry.ts's, in order;
 * - with two faults, the first in check's order is named (cli/refusals.ts
 *   checkRefusals, with which cli/check.ts checkCommand starts), a model
 *   file with a bad option is refused without loading it; what needs the
 *   model is left to the command;
 * - in a fresh process, cli/main.ts refuses them with exit 2 and loads no
 *   file of model/ nor cli/check.ts nor cli/scaleOut.ts (--partition, --swarm, merge: session 35) (the TypeScript hooks report each source
 *   they load: bin/ts-hooks.mjs), where importing cli/check.ts after them does;
 * - `check NAME` loads NAME's module and no other built-in's, nor model/registry.ts (session 34:
 *   cli/workerSystem.ts builtinModel; ~0.1 s of CPU less a `check` of a small model), where
 *   `list` loads them all (`list NAME...` the named ones' since session 35); nor what only some runs use (session 35: cli/scaleOut.ts, cli/views.ts,
 *   cli/typecheck.ts, cli/fault.ts, cli/refine.ts, imported where they are used).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinModels } from '../model/registry.js';
import { checkCommand } from '../cli/check.js';
import { BUILTIN_NAMES, checkAllRefusals, checkRefusals } from '../cli/refusals.js';
import { builtinModel, builtinModules, isBuiltin } from '../cli/workerSystem.js';
import { root } from './support/cli.js';
import { scratchDir } from './support/tmp.js';

const tmp = scratchDir('pvcheck-early-');

test('cli/refusals.ts names the built-in models of model/registry.ts, in its order', () => {
  assert.equal([...BUILTIN_NAMES], builtinModels.map((m) => m.name), 'cli/refusals.ts BUILTIN_NAMES: add or rename the model there too');
});

/** The message `f(argv)` throws or rejects with; undefined when it does not refuse. */
async function refusal(f: (argv: string[]) => unknown, argv: string[]): Promise<string | undefined> {
  try {
    await f(argv);
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
  return undefined;
}

test('two faults: check names the first in its order (options, MODEL, -p, --max-memory, --max-states, --max-depth, --workers, --store), a model file unloaded', async () => {
  const broken = join(tmp, 'broken.ts');
  writeFileSync(broken, "throw new Error('loaded');\n");
  for (const [argv, what] of [
    [['limiter', 'ring'], /^usage: pvcheck check MODEL\|FILE/],
    [['limiter', '--bogus', '-p', 'x'], /^unknown option '--bogus'/],
    [['limiter', '--format', 'xml', '-p', 'x'], /^--format must be json or itf, got 'xml'$/],
    [['limiter', '--typecheck', '-p', 'x'], /^--typecheck checks a model file; 'limiter' is a built-in model/],
    [['nosuch', '-p', 'x'], /^unknown model 'nosuch' \(built-in: ring-notify, .*; or give a \.ts\/\.js file\)$/],
    [['sub/nosuch.ts', '-p', 'x'], /^model file sub\/nosuch\.ts does not exist$/],
    [['limiter', '-p', 'x', '--max-memory', 'lots'], /^--param expects name=value, got 'x'$/],
    [['limiter', '--max-memory', 'lots', '--max-states', '0'], /^--max-memory: /],
    [['limiter', '--max-states', '0', '--max-depth', 'x'], /^--max-states must be an integer of at least 1, got '0'$/],
    [['limiter', '--max-depth', 'x', '--workers', '0'], /^--max-depth expects a non-negative integer, got 'x'$/],
    [['limiter', '--workers', '0', '--store', 'bitstate:0'], /^--workers expects a whole number/],
    [['limiter', '--workers', '4', '--max-memory', '48M', '--store', 'bitstate:0'], /^--workers 4: 4 worker threads hold at least 128 MiB/],
    [['limiter', '--store', 'compact:64M', '--workers', '2'], /^--store compact runs on one thread: drop --workers 2$/],
    [[broken, '-p', 'x'], /^--param expects name=value, got 'x'$/],
    // the scale-out modes' refusals need no model either (session 35), after --store's
    [['limiter', '--store', 'compact:64M', '--workers', '2', '--partition', '1/0'], /^--store compact runs on one thread: drop --workers 2$/],
    [['limiter', '--partition', '1/0', '--exchange', 'ex'], /^--partition: the number of members must be between 1 and 4096, got 0$/],
    [['limiter', '--partition', '1/2', '--max-states', '9'], /^--partition cannot be combined with --max-states$/],
    [[broken, '--partition', '2/2', '--exchange', join(tmp, 'no', 'such')], /^--exchange .*: no such folder \(nor its parent\)$/],
    [['limiter', '--seed', '3'], /^--seed belongs to --swarm K\/N$/],
    [[broken, '--swarm', '1/2'], /^--swarm needs --out DIR/],
    [['limiter', '--swarm', '1/2', '--out', tmp, '--store', 'compact'], /^--swarm members keep their states in a bit array/],
    [['limiter', '--swarm', '1/2', '--out', tmp, '--time', 'soon'], /^--time expects a duration/],
  ] as const) {
    const early = await refusal(checkRefusals, [...argv]);
    assert.match(early ?? 'not refused', /^UsageError: /, `pvcheck check ${argv.join(' ')}`);
    assert.match(early!.slice('UsageError: '.length), what, `pvcheck check ${argv.join(' ')}`);
    // the command's own refusal is the same line (it starts with checkRefusals, then loads the model)
    assert.is(await refusal(checkCommand, [...argv]), early, `pvcheck check ${argv.join(' ')}`);
  }
  for (const [argv, what] of [
    [['blkif'], /^check-all takes no model \(got 'blkif'\)/],
    [['-p', 'x'], /^unknown option '-p'/],
    [['--workers', '9999', 'blkif'], /^check-all takes no model/],
    [['--workers', 'two'], /^--workers expects a whole number/],
  ] as const) {
    const early = await refusal(checkAllRefusals, [...argv]);
    assert.match(early ?? 'not refused', /^UsageError: /, `pvcheck check-all ${argv.join(' ')}`);
    assert.match(early!.slice('UsageError: '.length), what, `pvcheck check-all ${argv.join(' ')}`);
  }
});

test('what needs the model is left to the command: a parameter\'s name or value, a file that exists, --typecheck of a file, a goal a swarm cannot check', async () => {
  for (const argv of [
    ['limiter', '-p', 'nosuch=1'],
    ['blkif', '-p', 'segments=9', '--workers', '2', '--max-memory', '1G', '--store', 'bitstate'],
    [join(root, 'examples', 'grant-xsa403.ts'), '-p', 'nosuch=1'],
    ['nosuch.ts', '--typecheck'],
    ['xenbus', '--swarm', '1/2', '--out', tmp, '-i', 'nosuch'],
  ])
    assert.is(await refusal(checkRefusals, argv), undefined, `pvcheck check ${argv.join(' ')}`);
});

test('a fresh pvcheck refuses them with exit 2 before loading any model (the hooks\' list of the sources loaded)', () => {
  const cases = [
    ['nosuch-command'],
    ['list', 'limiter', 'nosuch'],
    ['check', 'nosuch'],
    ['check', 'missing.ts'],
    ['check', 'limiter', '-p', 'x'],
    ['check', 'limiter', '--workers', '0'],
    ['check-all', 'blkif'],
    ['show', 'a.json', '--msc', '--mermaid'],
    ['replay', '--bogus', 'a.json'],
    ['check', 'limiter', '--partition', '2/1', '--exchange', 'ex'],
    ['check', 'limiter', '--swarm', '1/2', '--out', 'nosuch/deeper'],
    ['merge'],
    ['merge', 'nosuch-dir', '--json'],
  ];
  const script = `
    import { receiveMessageOnPort } from 'node:worker_threads';
    const port = globalThis[Symbol.for('pvcheck.loadedSources')];
    const sources = () => { const out = []; for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) out.push(m.message[0]); return out; };
    const { main } = await import(${JSON.stringify(join(root, 'cli', 'main.ts'))});
    const codes = [];
    for (const argv of ${JSON.stringify(cases)}) codes.push(await main(argv));
    const refusing = sources();
    await import(${JSON.stringify(join(root, 'cli', 'check.ts'))});
    console.log(JSON.stringify({ codes, refusing, after: sources() }));`;
  const r = spawnSync(process.execPath, ['--import', join(root, 'bin', 'register.mjs'), '--input-type=module', '-e', script], { cwd: tmp, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const { codes, refusing, after } = JSON.parse(r.stdout) as { codes: number[]; refusing: string[]; after: string[] };
  assert.equal(codes, cases.map(() => 2));
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, cases.length, r.stderr);
  for (const l of lines) assert.match(l, /^pvcheck: error: /);
  const rel = (files: string[]) => files.map((f) => f.slice(root.length + 1).replaceAll('\\', '/'));
  // the list is read (the hooks reported cli/main.ts), and names no model and not the check command
  assert.ok(rel(refusing).includes('cli/main.ts'), `the hooks reported: ${rel(refusing).join(' ')}`);
  const heavy = rel(refusing).filter((f) => f.startsWith('model/') || f === 'cli/check.ts' || f === 'cli/scaleOut.ts');
  assert.equal(heavy, [], `loaded to refuse bad input: ${heavy.join(' ')}`);
  // the control: the command's module brings model/ files
  assert.ok(rel(after).includes('model/params.ts'), `after importing cli/check.ts: ${rel(after).join(' ')}`);
});

test('builtinModel(NAME) is the registry\'s object, from its own module; isBuiltin holds for it and not for a copy of the same name', async () => {
  for (const m of builtinModels) {
    assert.ok((await builtinModel(m.name)) === m, m.name);
    assert.ok(await isBuiltin(m), m.name);
    assert.not.ok(await isBuiltin({ ...m }), `a copy of ${m.name}`);
  }
  for (const name of ['nosuch', 'ring-weak-flat', 'xenbus-flat', 'toString']) assert.is(await builtinModel(name), undefined, name);
});

test('check NAME and list NAME load the named built-ins\' modules and no other (nor the registry); list loads them all', () => {
  const cases = [
    ['check', 'ring-notify', '--workers', '1'],
    ['check', 'ring', '--max-states', '50', '--workers', '1'],
    ['list', 'limiter-rx', 'ring-notify'],
    ['list'],
  ];
  const script = `
    import { receiveMessageOnPort } from 'node:worker_threads';
    const port = globalThis[Symbol.for('pvcheck.loadedSources')];
    const sources = () => { const out = []; for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) out.push(m.message[0]); return out; };
    const { main } = await import(${JSON.stringify(join(root, 'cli', 'main.ts'))});
    const loaded = [];
    for (const argv of ${JSON.stringify(cases)}) { await main(argv); loaded.push(sources()); }
    console.log(JSON.stringify(loaded));`;
  const r = spawnSync(process.execPath, ['--import', join(root, 'bin', 'register.mjs'), '--input-type=module', '-e', script], { cwd: tmp, encoding: 'utf8', timeout: 120_000 });
  assert.is(r.status, 0, r.stderr);
  const loaded = (JSON.parse(r.stdout.slice(r.stdout.lastIndexOf('\n[') + 1)) as string[][]).map((l) => l.map((f) => f.slice(root.length + 1).replaceAll('\\', '/')));
  const modules = [...new Set(Object.values(builtinModules).map((m) => m.replace(/^\.\.\//, '')))];
  const builtins = (files: string[]) => files.filter((f) => modules.includes(f) || f === 'model/registry.ts');
  assert.equal(builtins(loaded[0]!), ['model/ringNotify.ts'], `check ring-notify loaded ${loaded[0]!.join(' ')}`);
  assert.equal(builtins(loaded[1]!), ['model/ring.ts'], `check ring loaded ${loaded[1]!.join(' ')}`);
  // what only some runs use is imported where it is used (session 35): scale-out, --report, --typecheck, a fault, a quotient
  const optional = ['cli/scaleOut.ts', 'checker/partition.ts', 'checker/swarm.ts', 'cli/views.ts', 'cli/typecheck.ts', 'cli/fault.ts', 'cli/refine.ts', 'traces/replay.ts'];
  assert.equal(loaded[0]!.filter((f) => optional.includes(f)), [], 'check ring-notify loaded what only some runs use');
  // list NAME...: the named ones' modules (session 35), not the registry; list: the registry and every built-in's module but those already loaded
  assert.equal(builtins(loaded[2]!), ['model/limiter.ts'], `list limiter-rx ring-notify loaded ${loaded[2]!.join(' ')}`);
  const before = ['model/ringNotify.ts', 'model/ring.ts', 'model/limiter.ts'];
  assert.equal(builtins(loaded[3]!).sort(), [...modules.filter((m) => !before.includes(m)), 'model/registry.ts'].sort());
});

test.run();
