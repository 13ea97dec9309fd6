/**
 * The mutant runner transpiles the .ts files a mutant edited into the TypeScript hooks' cache
 * before the mutant's test files start (bin/mutants.mjs prefill, bin/ts-hooks.mjs transpileFile;
 * session 33): the runner keeps TypeScript loaded from one mutant to the next, and each test
 * process finds the edited file in the cache instead of loading TypeScript (~0.3 s of CPU) and
 * transpiling it cold (0.65-1.0 s for model/blkif.ts). Twelve mutants of checker/ and model/blkif.ts
 * with their killers, each run's cache warm with the unmutated files only (as in CI): 17.7 -> 11.7 s
 * of CPU (docs/perf/2026-12-07g-pool.md).
 *
 * Here: a scratch tree with the runner and the real hooks (bin/register.mjs, bin/ts-hooks.mjs,
 * node_modules linked for TypeScript), a module `lib.ts` that the mutant edits and its test file
 * imports; a cache and a transpile log (PVCHECK_TS_CACHE, PVCHECK_TS_LOG) of the test's own. The
 * mutated lib.ts is transpiled once, by the runner, and the test process (which loads it) transpiles
 * only its own unedited test file.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scratchDir } from './support/tmp.js';
import { runnerTree } from './support/runnerTree.js';

const root = resolve(import.meta.dirname, '..');

test('a mutant\'s edited .ts file is transpiled by the runner, into the cache its test process reads: the test process runs no compiler on it', () => {
  const dir = scratchDir('pvcheck-mutant-prefill-');
  const tree = join(dir, 'tree');
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  runnerTree(tree, { nodeModules: true });
  // the real hooks, not runnerTree's plain-module loader
  for (const f of ['bin/register.mjs', 'bin/ts-hooks.mjs']) copyFileSync(join(root, f), join(tree, f));
  writeFileSync(join(tree, 'lib.ts'), "export const planted: string = 'unmutated';\n");
  writeFileSync(
    join(tree, 'test', 'lib.test.ts'),
    "import { test } from 'uvu';\nimport * as assert from 'uvu/assert';\nimport { planted } from '../lib.ts';\n" +
      "test('planted', () => { assert.is(planted, 'unmutated'); });\ntest.run();\n",
  );
  writeFileSync(join(tree, 'test', 'mutants', 'mutants.json'), JSON.stringify({
    mutants: [{ id: 'lib-mutated', why: 'test', edits: [{ file: 'lib.ts', find: "'unmutated'", replace: "'mutated'" }], tests: ['test/lib.test.ts'] }],
  }));
  const log = join(dir, 'ts.log');
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, [join(tree, 'bin', 'mutants.mjs'), '--no-baseline'], {
    cwd: tree, encoding: 'utf8', timeout: 120_000,
    env: { ...process.env, TMPDIR: tmp, PVCHECK_MUTANT_JOBS: '1', PVCHECK_TS_CACHE: join(dir, 'cache'), PVCHECK_TS_LOG: log },
  });
  assert.match(r.stdout, /killed +lib-mutated +by test\/lib\.test\.ts/, r.stdout + r.stderr);
  const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' ') as [string, string]);
  const lib = lines.filter(([, f]) => f.endsWith('/lib.ts'));
  assert.equal(lib.map(([who]) => who), ['mutants'], `the edited lib.ts transpiled once, by the runner; the log:\n${lines.join('\n')}`);
  assert.ok(lines.some(([who, f]) => who === 'main' && f.endsWith('/lib.test.ts')), `the test process ran under the hooks (its own file transpiled); the log:\n${lines.join('\n')}`);
});

test.run();
