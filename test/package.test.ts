/**
 * pvcheck installed as a user installs it (issue 16 point 4), the slow check
 * (minutes: CI runs it, .ci/run sets PVCHECK_SLOW_TESTS=1): `npm pack` (the
 * prepack step writes the declaration files), then in a new folder
 * `npm init -y`, `npm pkg set type=module`, `npm install TARBALL`; every file
 * of examples/ copied in; one example of each model family (SAMPLE) gives its
 * declared results, fixed-by row included, through the installed
 * `npx pvcheck catalogue`; `npx tsc --init && npx tsc --noEmit` reports no
 * error in any example; a user's own script runs on the library with
 * `node --import pvcheck/register`.
 *
 * What only this file proves: the tarball installs and its CLI, its loader
 * hook, its exports and its declaration files work from a user's project. It
 * ran the whole catalogue here until 2026-12-04 (200 s of a quiet CI, 456 s at
 * load 12), the same checks as elsewhere: every example's check lines are
 * compared with their headers on one thread by test/workers*.test.ts (at 1 and
 * 3 workers) or test/pinned.test.ts, which also runs every fixed-by row.
 *
 * run-tests: limit 1200s
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
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
const ok = (r: ReturnType<typeof run>, what: string) => assert.is(r.code, 0, `${what}:\n${r.out}\n${r.err}`);

/** One example of each model family, cheap ones (seconds each); every example is checked in-process elsewhere (the header says where). */
const SAMPLE = [
  'blkif-xsa216.ts', 'grant-xsa403.ts', 'limiter-napi-no-budget.ts', 'litmus-consume-no-rmb.ts', 'nc2-no-padding.ts',
  'netif-xsa39.ts', 'ring-xsa39.ts', 'vif-free-mapped-slot-page.ts', 'xenbus-early-ring-read.ts',
];

(slow ? test : test.skip)('npm pack, install into a new project: an example of each model family runs as declared, every example type-checks with default tsc settings', async () => {
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

  // one example of each model family (the file name's first word), each with a fixed-by row but litmus's
  const families = [...new Set(examples.map((f) => f.split('-')[0]!))].sort();
  assert.equal(SAMPLE.map((f) => f.split('-')[0]!), families, 'SAMPLE names one example of each model family of examples/');
  const cat = run('npx', ['--no-install', 'pvcheck', 'catalogue', ...SAMPLE, '--json', '-q'], proj);
  const j = JSON.parse(cat.out || '{}') as { examples?: number; rows?: { file: string; what: string; match: boolean }[] };
  assert.equal((j.rows ?? []).filter((r) => !r.match), [], `examples not as declared in the user project:\n${cat.err}`);
  assert.is(j.examples, SAMPLE.length);
  assert.ok((j.rows ?? []).filter((r) => r.what.startsWith('fixed-by ')).length >= SAMPLE.length - 1, 'the fixed-by rows ran');
  ok(cat, 'npx pvcheck catalogue');

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
