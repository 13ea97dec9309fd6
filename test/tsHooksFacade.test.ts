/**
 * Two shortcuts of the TypeScript hooks (bin/ts-hooks.mjs) that cut what every process pays
 * before it does anything (session 34, docs/perf/2026-12-07h-pool.md), and that must not change
 * what a module sees:
 * - io-ts and fp-ts (CommonJS) imported from ESM are answered by a small ES module that requires
 *   the file (cjsFacade) instead of Node's lexing of it and of everything it requires: the
 *   namespace must be the one Node gives (the same names, `default` = the required module), for
 *   every file of the two packages, and a file that re-exports must go Node's way.
 * - `./foo.js` from a module is answered as `./foo.ts` by two stats before Node's resolver fails
 *   on it: a foo.js that exists still wins, as it did when the .ts was only the fallback.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { scratchDir } from './support/tmp.js';

const root = resolve(import.meta.dirname, '..');
const hooks = (await import('../bin/ts-hooks.mjs' as string)) as {
  cjsFacade: (url: string) => string | undefined;
  load: (url: string, context: object, nextLoad: (url: string, context: object) => unknown) => Promise<{ format: string; source?: string }>;
};

/** Every file of the two packages, as a specifier. */
const files = ['fp-ts', 'io-ts'].flatMap((p) =>
  readdirSync(join(root, 'node_modules', p, 'lib'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => `${p}/lib/${f}`),
);

/** A program that imports each file and prints, for each, its namespace's names and whether `default` is what require() gives. */
const LIST = `import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
const require = createRequire(${JSON.stringify(join(root, 'index.ts'))});
const out = {};
for (const s of ${JSON.stringify(files)}) {
  const m = await import(pathToFileURL(require.resolve(s)).href);
  out[s] = [Object.keys(m).sort().join(' '), m.default === require(s)];
}
console.log(JSON.stringify(out));
`;

function namespaces(withHooks: boolean): Record<string, [string, boolean]> {
  const dir = scratchDir('pvcheck-facade-');
  const file = join(dir, 'list.mjs');
  writeFileSync(file, LIST);
  const p = spawnSync(process.execPath, [...(withHooks ? ['--import', join(root, 'bin/register.mjs')] : []), file], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.is(p.status, 0, p.stderr);
  return JSON.parse(p.stdout) as Record<string, [string, boolean]>;
}

test('every file of io-ts and fp-ts: under the hooks its namespace has the names Node gives it, and default is the required module', () => {
  assert.ok(files.length > 100, `${files.length} files`);
  const node = namespaces(false);
  const ours = namespaces(true);
  for (const s of files) {
    assert.is(ours[s]![0], node[s]![0], s);
    assert.ok(node[s]![1] && ours[s]![1], `${s}: default is not require()'s module`);
  }
});

test('the hooks answer a file of theirs without Node (a facade that requires it); any other package goes Node\'s way, and so would a file that re-exports', async () => {
  const url = (s: string) => pathToFileURL(join(root, 'node_modules', s)).href;
  const next = (u: string) => ({ format: 'node', source: u });
  for (const s of ['fp-ts/lib/Either.js', 'io-ts/lib/index.js', 'fp-ts/lib/function.js']) {
    const r = await hooks.load(url(s), {}, next);
    assert.is(r.format, 'module', s);
    assert.match(r.source!, 'createRequire', s);
  }
  assert.is((await hooks.load(url('uvu/dist/index.js'), {}, next)).format, 'node');
  // no file of the two re-exports today (the first test would fail if one did and the facade missed its names)
  const dir = scratchDir('pvcheck-facade-');
  const star = join(dir, 'star.js');
  writeFileSync(star, `"use strict";\nvar __exportStar = () => {};\nexports.a = 1;\n__exportStar(require("./b"), exports);\n`);
  assert.is(hooks.cjsFacade(pathToFileURL(star).href), undefined);
  writeFileSync(star, `"use strict";\nmodule.exports = { a: 1 };\n`);
  assert.is(hooks.cjsFacade(pathToFileURL(star).href), undefined);
  writeFileSync(star, `"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.b = exports.a = void 0;\nexports.a = 1;\nexports.default = 2;\n`);
  const plain = hooks.cjsFacade(pathToFileURL(star).href)!;
  for (const n of ['a', 'b', '__esModule']) assert.ok(plain.includes(` as "${n}"`), `${n}: ${plain}`);
  // default is module.exports, as Node has it, never a name assigned on exports
  assert.not.ok(plain.includes(' as "default"'), plain);
  // io-ts names reserved words (null, undefined, void): exported under their names
  assert.match(hooks.cjsFacade(url('io-ts/lib/index.js'))!, / as "null"/);
});

test('./x.js from a .ts module: x.ts when there is no x.js, x.js when there is', () => {
  const dir = scratchDir('pvcheck-resolve-');
  writeFileSync(join(dir, 'main.ts'), `import { who } from './x.js';\nimport { other } from './y.js';\nconsole.log(who + ' ' + other);\n`);
  writeFileSync(join(dir, 'x.ts'), `export const who: string = 'ts';\n`);
  writeFileSync(join(dir, 'x.js'), `export const who = 'js';\n`);
  writeFileSync(join(dir, 'y.ts'), `export const other: string = 'y.ts';\n`);
  const p = spawnSync(process.execPath, ['--import', join(root, 'bin/register.mjs'), join(dir, 'main.ts')], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  assert.is(p.status, 0, p.stderr);
  assert.is(p.stdout.trim(), 'js y.ts');
});

test.run();
