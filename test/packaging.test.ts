/**
 * pvcheck as a package a user installs (issue 16 points 4 and 6), the fast
 * checks: the Node versions `engines` claims are the ones the code needs, and
 * `npm test` passes on a machine without gcc or the Xen headers, with the
 * C-harness tests skipped and saying why (CI requires them). The slow check,
 * a user project installing the packed tarball, is test/package.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Node APIs newer than Node 20.0, with the first Node 20 (or later) release that has them. */
const NEWER_APIS: [RegExp, string, string][] = [
  [/process\.getBuiltinModule\b/, '20.16.0', 'process.getBuiltinModule'],
  [/import\.meta\.(dirname|filename)\b/, '20.11.0', 'import.meta.dirname/filename'],
  [/\bregister\(\s*['"][^'"]+['"]\s*,\s*import\.meta\.url/, '20.6.0', 'module.register'],
  [/Promise\.withResolvers\b/, '22.0.0', 'Promise.withResolvers'],
  [/\bArray\.fromAsync\b/, '22.0.0', 'Array.fromAsync'],
  [/\b(fs\.)?globSync\(|\bfs\.glob\(/, '22.0.0', 'fs.glob'],
  [/process\.features\.typescript/, '22.10.0', 'process.features.typescript'],
  [/\brequire\(esm\)|--experimental-strip-types/, '22.6.0', 'type stripping'],
];

const ver = (v: string) => v.split('.').map(Number) as [number, number, number];
const atLeast = (a: string, b: string) => {
  const [x, y] = [ver(a), ver(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! > y[i]!;
  return true;
};

/** The files that run when a user runs pvcheck: bin/*.mjs and every .ts outside test/. */
function runtimeFiles(): string[] {
  const out: string[] = [];
  (function walk(d: string) {
    for (const n of readdirSync(d)) {
      if (n === 'node_modules' || n.startsWith('.') || n === 'test' || n === 'types') continue;
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if ((/\.ts$/.test(n) && !n.endsWith('.test.ts') && !n.endsWith('.d.ts')) || (/\.mjs$/.test(n) && d.endsWith('bin') && n !== 'run-tests.mjs')) out.push(p);
    }
  })(root);
  return out;
}

test('engines: every Node API the runtime code uses exists in the oldest Node that engines allows', () => {
  const m = /^>=\s*(\d+\.\d+(?:\.\d+)?)$/.exec(pkg.engines?.node ?? '');
  assert.ok(m, `engines.node is a '>=X.Y' range: ${pkg.engines?.node}`);
  const min = m![1]!.split('.').length === 2 ? `${m![1]}.0` : m![1]!;
  const files = runtimeFiles();
  assert.ok(files.length > 50, `${files.length} runtime files`);
  const problems: string[] = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (const [re, since, name] of NEWER_APIS) if (re.test(text) && !atLeast(min, since)) problems.push(`${relative(root, f)} uses ${name} (Node ${since}), engines says >=${min}`);
  }
  assert.equal(problems, []);
});

test('npm test without gcc: the C-harness tests are skipped with one line saying why, and the run passes', () => {
  const env: NodeJS.ProcessEnv = { ...process.env, CC: '/nonexistent/gcc' };
  delete env.PVCHECK_REQUIRE_HARNESS;
  const r = spawnSync(process.execPath, [join(root, 'bin/run-tests.mjs'), 'test/conformanceHarness.test.ts'], { cwd: root, env, encoding: 'utf8' });
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^  skip: the C-harness tests .*no C compiler '\/nonexistent\/gcc'; install gcc and libxen-dev/m);
  assert.match(r.stdout, /^0 passed, 0 failed, \d+ skipped$/m);
});

test('PVCHECK_REQUIRE_HARNESS=1 (CI): without gcc the harness tests fail, naming the missing compiler', () => {
  const env = { ...process.env, CC: '/nonexistent/gcc', PVCHECK_REQUIRE_HARNESS: '1' };
  const r = spawnSync(process.execPath, [join(root, 'bin/run-tests.mjs'), 'test/conformanceHarness.test.ts'], { cwd: root, env, encoding: 'utf8' });
  assert.is(r.status, 1, r.stdout);
  assert.match(r.stdout, /cannot run the C compiler '\/nonexistent\/gcc'/);
  assert.match(r.stdout, /^0 passed, [1-9]\d* failed$/m);
});

test("one set of exports: 'pvcheck/model' gives the same objects under the same names as 'pvcheck'", async () => {
  const rootApi = (await import('pvcheck')) as Record<string, unknown>;
  const modelApi = (await import('pvcheck/model')) as Record<string, unknown>;
  const keys = Object.keys(modelApi);
  assert.ok(keys.length > 20, `${keys.length} model exports`);
  assert.equal(keys.filter((k) => rootApi[k] !== modelApi[k]), [], 'names pvcheck/model exports differently from pvcheck');
  for (const [sub, target] of Object.entries(pkg.exports as Record<string, string | Record<string, string>>)) {
    if (typeof target === 'string') continue;
    assert.ok(target.types?.startsWith('./types/') && target.types.endsWith('.d.ts'), `${sub}: declaration file`);
    assert.is(target['pvcheck-source'], target.default, `${sub}: the repository type-checks the source`);
  }
  assert.is(pkg.exports['./register'], './bin/register.mjs', 'pvcheck/register for users running their own scripts');
  assert.ok(pkg.scripts.prepack?.includes('tsconfig.types.json'), 'npm pack writes the declaration files');
});

test('--version prints the package version; COMMAND --help prints that command\'s usage and options (exit 0)', () => {
  const pv = (args: string[]) => spawnSync(process.execPath, [join(root, 'bin/pvcheck.mjs'), ...args], { cwd: root, encoding: 'utf8' });
  const v = pv(['--version']);
  assert.is(v.status, 0, v.stderr);
  assert.is(v.stdout, `pvcheck ${pkg.version} (node ${process.versions.node})\n`);
  const h = pv(['check', '--help']);
  assert.is(h.status, 0, h.stderr);
  assert.match(h.stdout, /^usage:\n  pvcheck check MODEL\|FILE/);
  assert.match(h.stdout, /\ncheck options:\n  -p, --param name=value/);
  assert.not.match(h.stdout, /pvcheck replay/);
  for (const cmd of ['list', 'check-all', 'show', 'replay', 'diff', 'catalogue', 'vectors', 'bench']) {
    const r = pv([cmd, '-h']);
    assert.is(r.status, 0, `${cmd} -h: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^usage:\\n  pvcheck ${cmd} `), cmd);
  }
});

test('the package holds no test, no test runner and no mutation runner (npm pack --dry-run)', () => {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
  assert.ok(files.includes('bin/pvcheck.mjs') && files.includes('cli/main.ts'), 'the CLI is there');
  for (const f of ['bin/mutants.mjs', 'bin/run-tests.mjs']) assert.not.ok(files.includes(f), f);
  assert.equal(files.filter((f) => f.startsWith('test/') || f.endsWith('.test.ts')), []);
});

test.run();
