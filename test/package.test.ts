/**
 * pvcheck installed as a user installs it (issue 16 point 4), the slow check
 * (minutes: CI runs it, .ci/run sets PVCHECK_SLOW_TESTS=1): `npm pack` (the
 * prepack step writes the declaration files), then in a new folder
 * `npm init -y`, `npm pkg set type=module`, `npm install TARBALL`; every file
 * of examples/ copied in gives its declared result through the installed
 * `npx pvcheck catalogue .`; `npx tsc --init && npx tsc --noEmit` reports no
 * error; a user's own script runs on the library with
 * `node --import pvcheck/register`.
 *
 * The whole catalogue runs here: 600 s was not enough at load 13-20.
 * run-tests: limit 1800s
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scratchDir } from './support/tmp.js';

const root = resolve(import.meta.dirname, '..');
const slow = process.env.PVCHECK_SLOW_TESTS === '1';
if (!slow) console.log('skip: the packed tarball installed into a new project (minutes): set PVCHECK_SLOW_TESTS=1 (CI does)');

/** The environment without npm's own variables: from an enclosing `npm test` they would point the user's npm at this package. */
const userEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

function run(cmd: string, args: string[], cwd: string, opt: SpawnSyncOptions = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: userEnv(), ...opt });
  return { code: r.status, out: String(r.stdout ?? ''), err: String(r.stderr ?? '') + (r.error ? String(r.error) : '') };
}
/** As run, without blocking: the two halves of the catalogue run side by side (one per core). */
function runAsync(cmd: string, args: string[], cwd: string): Promise<ReturnType<typeof run>> {
  return new Promise((res) => {
    const c = spawn(cmd, args, { cwd, env: userEnv() });
    let out = '', err = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    c.on('error', (e) => (err += String(e)));
    c.on('close', (code) => res({ code, out, err }));
  });
}
const ok = (r: ReturnType<typeof run>, what: string) => assert.is(r.code, 0, `${what}:\n${r.out}\n${r.err}`);

(slow ? test : test.skip)('npm pack, install into a new project: the examples run as declared and type-check with default tsc settings', async () => {
  const dir = scratchDir('pvcheck-pkg-');
  const pack = run('npm', ['pack', '--json', '--pack-destination', dir], root);
  ok(pack, 'npm pack');
  const info = JSON.parse(pack.out.slice(pack.out.indexOf('[')))[0] as { filename: string; files: { path: string }[] };
  const files = info.files.map((f) => f.path);
  assert.ok(files.includes('types/index.d.ts'), 'declaration files are packed');
  assert.ok(files.includes('bin/register.mjs') && files.includes('bin/pvcheck.mjs'));
  assert.equal(files.filter((f) => /\.test\.ts$|^test\/|^\.ci\//.test(f)), [], 'no tests or CI files in the package');
  const tarball = join(dir, info.filename);

  const proj = join(dir, 'user-project');
  mkdirSync(proj);
  ok(run('npm', ['init', '-y'], proj), 'npm init -y');
  ok(run('npm', ['pkg', 'set', 'type=module'], proj), 'npm pkg set type=module');
  ok(run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], proj), 'npm install TARBALL');
  const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts'));
  for (const f of examples) copyFileSync(join(root, 'examples', f), join(proj, f));

  // the catalogue in two halves at once (a few minutes each on a quiet machine; one run of all of them
  // passed the runner's 600 s limit on a loaded one), each half's files named on its command line
  const halves = [examples.filter((_, i) => i % 2 === 0), examples.filter((_, i) => i % 2 === 1)];
  const cats = await Promise.all(halves.map((h) => runAsync('npx', ['--no-install', 'pvcheck', 'catalogue', ...h, '--json', '-q'], proj)));
  let listed = 0;
  cats.forEach((cat, i) => {
    const j = JSON.parse(cat.out || '{}');
    assert.equal((j.rows ?? []).filter((r: { match: boolean }) => !r.match), [], `examples not as declared in the user project:\n${cat.err}`);
    assert.is(j.examples, halves[i]!.length);
    listed += j.examples;
    ok(cat, `npx pvcheck catalogue (half ${i + 1})`);
  });
  assert.is(listed, examples.length);

  ok(run('npx', ['--no-install', 'tsc', '--init'], proj), 'npx tsc --init');
  const tsc = run('npx', ['--no-install', 'tsc', '--noEmit'], proj);
  ok(tsc, 'npx tsc --noEmit (errors in the examples or in pvcheck)');

  writeFileSync(
    join(proj, 'script.ts'),
    "import { check, bind, ringNotify } from 'pvcheck';\n" +
      "import * as model from 'pvcheck/model';\n" +
      "import * as E from 'fp-ts/lib/Either.js';\n" +
      "if (model.ringNotify !== ringNotify) throw new Error('pvcheck/model and pvcheck disagree');\n" +
      'const sys = bind(ringNotify, { ...ringNotify.params.defaults, ringSize: 1, messages: 1 });\n' +
      "if (E.isLeft(sys)) throw new Error(sys.left);\n" +
      'const r = check(sys.right);\n' +
      "console.log(r.outcome, r.distinctStates);\n",
  );
  const script = run('node', ['--import', 'pvcheck/register', 'script.ts'], proj);
  ok(script, 'node --import pvcheck/register script.ts');
  assert.match(script.out, /^ok \d+$/m);
});

test.run();
