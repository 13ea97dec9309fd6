/**
 * The TypeScript hooks' cache (bin/ts-hooks.mjs): keyed by a module's file
 * name and text, so that another copy of the tree (a worktree, a CI clone, a
 * mutant's directory) hits the entries of the files it shares and a changed
 * file never gets the old text; bounded, pruned by use (an entry used within a
 * day is kept; a run refreshes what it uses). Before, the key was the absolute
 * path: every copy of the tree transpiled every source again, and nothing was
 * ever deleted (1.6 GB in a worktree, note24). And the workers' plain-JS
 * copies (bin/worker-js.mjs pruneCopies): a tree keeps the 16 most recently
 * used sets and any used in the last day.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { scratchDir } from './support/tmp.js';

const root = resolve(import.meta.dirname, '..');
const { cacheFile, pruneCache, tsVersion } = (await import('../bin/ts-hooks.mjs' as string)) as {
  cacheFile: (filename: string, source: string, version?: string) => string;
  tsVersion: string;
  pruneCache: (dir: string, max: number, now?: number) => number;
};
const { pruneCopies } = (await import('../bin/worker-js.mjs' as string)) as { pruneCopies: (dir: string, keep: number, now?: number) => number };

const DAY = 24 * 3600e3;
const work = scratchDir('pvcheck-ts-cache-');
const cache = join(work, 'cache');
const log = join(work, 'log');

/** Runs `main.ts` of `tree` under the hooks with the test's cache; its stdout, and the files the compiler ran on. */
function run(tree: string, env: Record<string, string> = {}): { out: string; transpiled: string[] } {
  rmSync(log, { force: true });
  const p = spawnSync(process.execPath, ['--import', join(root, 'bin/register.mjs'), join(tree, 'main.ts')], {
    cwd: tree,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, PVCHECK_TS_CACHE: cache, PVCHECK_TS_LOG: log, ...env },
  });
  assert.is(p.status, 0, p.stderr);
  const transpiled = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l !== '').map((l) => l.slice(l.indexOf(' ') + 1)) : [];
  return { out: p.stdout.trim(), transpiled };
}

const MAIN = `process.setSourceMapsEnabled(process.env.MAPS === '1');
const { v, fail } = await import('./mod.ts');
try { fail(); } catch (e) { console.log(v + ' ' + /\\(([^()]*mod\\.ts:\\d+):\\d+\\)/.exec((e as Error).stack!)![1]); }
if (process.env.MORE) await import('./' + process.env.MORE + '.ts');
`;
// the interface's lines are not in the transpiled text: the throw is on line 7 of the source, 4 of the transpiled text
const mod = (v: number) => `interface Unused {\n  a: number;\n}\nexport const v: number = ${v};\nexport function fail(): never {\n  const u: Unused | undefined = undefined;\n  throw new Error('here' + String(u));\n}\n`;

function tree(name: string, v: number): string {
  const t = join(work, name);
  mkdirSync(t, { recursive: true });
  writeFileSync(join(t, 'main.ts'), MAIN);
  writeFileSync(join(t, 'mod.ts'), mod(v));
  for (const x of ['a', 'b', 'c']) writeFileSync(join(t, `${x}.ts`), `export const ${x}: string = '${x}';\n`);
  return t;
}

test('a changed source never returns the old text; the same text again is a hit', () => {
  const t = tree('one', 1);
  const r1 = run(t);
  assert.is(r1.out.split(' ')[0], '1');
  assert.equal(r1.transpiled.map((f) => basename(f)).sort(), ['main.ts', 'mod.ts']);
  writeFileSync(join(t, 'mod.ts'), mod(2)); // same length, same file name
  const r2 = run(t);
  assert.is(r2.out.split(' ')[0], '2', 'the new text runs');
  assert.equal(r2.transpiled, [join(t, 'mod.ts')], 'only the changed file transpiled');
  writeFileSync(join(t, 'mod.ts'), mod(1));
  const r3 = run(t);
  assert.is(r3.out.split(' ')[0], '1');
  assert.equal(r3.transpiled, [], 'the first text is still an entry');
});

test('two trees with the same file share its entry; a stack trace names the file of the tree that ran it, at its line', () => {
  const a = tree('tree-a', 7);
  const b = tree('tree-b', 7);
  run(a);
  for (const maps of ['0', '1']) {
    const r = run(b, { MAPS: maps });
    assert.equal(r.transpiled, [], `tree b transpiled nothing (source maps ${maps})`);
    const [v, where] = r.out.split(' ');
    assert.is(v, '7');
    assert.ok(where!.includes(join(b, 'mod.ts')), `the frame names tree b's file: ${where}`);
    if (maps === '1') assert.ok(where!.endsWith('mod.ts:7'), `the source's line (7): ${where}`);
  }
  const entries = readdirSync(cache).filter((f) => f.endsWith('.js'));
  assert.ok(entries.includes(basename(cacheFile(join(b, 'mod.ts'), mod(7)))), 'one entry for both trees');
  assert.is(cacheFile(join(a, 'mod.ts'), mod(7)), cacheFile(join(b, 'mod.ts'), mod(7)));
  assert.is.not(cacheFile(join(a, 'mod.ts'), mod(7)), cacheFile(join(a, 'other.ts'), mod(7)), 'the file name is in the key (the source map names it)');
  // two trees may have different compilers (the cache is shared): another version never hits
  const installed = JSON.parse(readFileSync(join(root, 'node_modules', 'typescript', 'package.json'), 'utf8')).version as string;
  assert.is(tsVersion, installed, 'the key names the installed TypeScript');
  assert.is(cacheFile(join(a, 'mod.ts'), mod(7)), cacheFile(join(a, 'mod.ts'), mod(7), installed));
  assert.is.not(cacheFile(join(a, 'mod.ts'), mod(7)), cacheFile(join(a, 'mod.ts'), mod(7), installed + '-other'), 'the compiler version is in the key');
});

test('the prune keeps what the run uses and what was used within a day; it drops old entries past the bound, once an hour', () => {
  rmSync(cache, { recursive: true, force: true });
  const t = tree('pruned', 3);
  run(t, { MORE: 'b' }); // main, mod, b
  const old = (Date.now() - 2 * DAY) / 1000;
  const entry = (f: string) => join(cache, basename(cacheFile(join(t, f), readFileSync(join(t, f), 'utf8'))));
  for (let i = 0; i < 10; i++) writeFileSync(join(cache, `${String(i).padStart(40, '0')}.js`), 'x'.repeat(1000));
  writeFileSync(join(cache, 'dead.js.1-0.tmp'), 'x'); // a writer that died
  writeFileSync(join(cache, 'live.js.2-0.tmp'), 'x'); // a writer at work
  for (const f of readdirSync(cache)) if (f !== 'live.js.2-0.tmp') utimesSync(join(cache, f), old, old);
  rmSync(join(cache, '.pruned'), { force: true });
  const junk = readdirSync(cache).filter((f) => f.startsWith('0000'));
  // main and mod hit (their times set to now), c misses: its write prunes, to a bound of one byte
  const r = run(t, { MORE: 'c', PVCHECK_TS_CACHE_MAX: '1' });
  assert.equal(r.transpiled, [join(t, 'c.ts')]);
  const left = new Set(readdirSync(cache));
  for (const f of ['main.ts', 'mod.ts', 'c.ts']) assert.ok(existsSync(entry(f)), `${f}: used by the run, kept`);
  assert.not.ok(existsSync(entry('b.ts')), 'b: not used for two days, pruned');
  for (const f of junk) assert.not.ok(left.has(f), `${f} pruned`);
  assert.not.ok(left.has('dead.js.1-0.tmp'), 'a dead writer\'s file pruned');
  assert.ok(left.has('live.js.2-0.tmp'), 'a live writer\'s file kept');
  assert.ok(left.has('.pruned'));
  // the same run again: every module a hit
  assert.equal(run(t, { MORE: 'c', PVCHECK_TS_CACHE_MAX: '1' }).transpiled, []);
  // within the hour no process prunes again, past the bound or not
  writeFileSync(join(cache, `${'9'.repeat(40)}.js`), 'x');
  utimesSync(join(cache, `${'9'.repeat(40)}.js`), old, old);
  assert.equal(run(t, { MORE: 'b', PVCHECK_TS_CACHE_MAX: '1' }).transpiled, [join(t, 'b.ts')]);
  assert.ok(existsSync(join(cache, `${'9'.repeat(40)}.js`)), 'not pruned within the hour');
});

test('pruneCache: under the bound nothing goes; past it the least recently used, down to 3/4, never one used within a day', () => {
  const dir = join(work, 'direct');
  mkdirSync(dir);
  const now = Date.now();
  for (let i = 0; i < 8; i++) {
    writeFileSync(join(dir, `e${i}.js`), 'x'.repeat(100));
    const t = (now - (i < 6 ? (10 - i) * DAY : 3600e3)) / 1000; // e0 oldest ... e5; e6, e7 used an hour ago
    utimesSync(join(dir, `e${i}.js`), t, t);
  }
  assert.is(pruneCache(dir, 800, now), 0, 'at the bound');
  assert.is(pruneCache(dir, 500, now), 5, 'down to 375 bytes: e0..e4');
  assert.equal(readdirSync(dir).sort(), ['e5.js', 'e6.js', 'e7.js']);
  assert.is(pruneCache(dir, 100, now), 1, 'e5; e6 and e7 were used within the day');
  assert.equal(readdirSync(dir).sort(), ['e6.js', 'e7.js']);
});

test('pruneCopies: a tree keeps the most recently used sets of copies and any used within a day', () => {
  const dir = join(work, 'js');
  const now = Date.now();
  const set = (name: string, ageDays: number) => {
    mkdirSync(join(dir, name, 'checker'), { recursive: true });
    writeFileSync(join(dir, name, 'checker', 'x.js'), '');
    writeFileSync(join(dir, name, '.complete'), '');
    const t = (now - ageDays * DAY) / 1000;
    utimesSync(join(dir, name, '.complete'), t, t);
  };
  for (let i = 0; i < 6; i++) set(`${i}`.padStart(20, 'a'), 10 + i); // old
  set('b'.repeat(20), 0.5); // used within the day
  mkdirSync(join(dir, `${'c'.repeat(20)}.123.tmp`)); // being made
  mkdirSync(join(dir, `${'d'.repeat(20)}.456.tmp`)); // left by a process that died
  const t = (now - 3 * DAY) / 1000;
  utimesSync(join(dir, `${'d'.repeat(20)}.456.tmp`), t, t);
  assert.is(pruneCopies(dir, 3, now), 5, 'the 3 most recent sets stay (two of them old), the 4 other old sets and the dead temporary go');
  assert.equal(readdirSync(dir).sort(), ['aaaaaaaaaaaaaaaaaaa0', 'aaaaaaaaaaaaaaaaaaa1', 'b'.repeat(20), `${'c'.repeat(20)}.123.tmp`]);
  assert.is(pruneCopies(dir, 0, now), 2, 'with none to keep by number, the set used within a day still stays');
  assert.equal(readdirSync(dir).sort(), ['b'.repeat(20), `${'c'.repeat(20)}.123.tmp`]);
});

test.run();
