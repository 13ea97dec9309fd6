/**
 * test/mutants/ (test/mutants/list.mjs, test/mutants/split.mjs): each mutant in its area's file, every id once, and
 * the split of the old mutants.json. Moved out of test/suiteHygiene in session 34, where it ran third after two
 * cases spawning test runners (9 s): mutants-list-duplicate-kept and mutants-split-adds-twice were killed after
 * 10-11 s there (npm run mutants -- --which, load 20); alone in this file they are killed by its only case.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scratchDir } from './support/tmp.js';
import { LEGACY, areaOf, loadMutants } from './mutants/list.mjs';

const root = resolve(import.meta.dirname, '..');
/** A backstop far above what split.mjs takes (under load, starting node took well over 10 s: test/suiteHygiene). */
const BACKSTOP = 300_000;

/**
 * test/mutants/ holds one file per area (test/mutants/list.mjs areaOf: the top folder of the first file a mutant
 * edits, model-NAME for model/), so that helpers adding mutants for their own code append to their own file and
 * trains stop conflicting at the end of one list (session 28: twice); test/mutants/mutants.json, the list before,
 * may hold any until test/mutants/split.mjs moves its entries out.
 */
test('test/mutants: each mutant is in its area\'s file (or the old mutants.json), every id once; test/mutants/split.mjs moves mutants.json\'s entries to their areas\' files, keeping their text, and adds none twice', () => {
  const ms = loadMutants(join(root, 'test/mutants'));
  const misplaced = ms.filter((m) => m.source !== LEGACY && m.source !== `${areaOf(m)}.json`).map((m) => `${m.id}: in ${m.source}, its area's file is ${areaOf(m)}.json`);
  assert.equal(misplaced, []);
  assert.equal([areaOf({ edits: [{ file: 'model/xenbusFlat.ts' }] }), areaOf({ edits: [{ file: 'model/blkif.ts' }] }), areaOf({ edits: [{ file: 'checker/search.ts' }] })], ['model-xenbus', 'model-blkif', 'checker']);
  // the split, on a scratch tree: mutants.json with three (one already moved, as after a merge brought it back)
  const dir = scratchDir('pvcheck-split-');
  mkdirSync(join(dir, 'test', 'mutants'), { recursive: true });
  for (const f of ['split.mjs', 'list.mjs']) copyFileSync(join(root, 'test/mutants', f), join(dir, 'test/mutants', f));
  const entry = (id: string, file: string) => `    {"id": "${id}", "part": "p", "why": "w",\n     "edits": [{"file": "${file}", "find": "a", "replace": "b"}],\n     "tests": ["test/x.test.ts"]}`;
  writeFileSync(join(dir, 'test/mutants/mutants.json'), `{\n  "mutants": [\n${[entry('a1', 'checker/search.ts'), entry('b1', 'model/blkifX.ts'), entry('c1', 'checker/store.ts')].join(',\n')}\n  ]\n}\n`);
  writeFileSync(join(dir, 'test/mutants/checker.json'), `{\n  "mutants": [\n${entry('a1', 'checker/search.ts')}\n  ]\n}\n`);
  // read as they are, the two files name a1 twice: refused, naming both
  assert.throws(() => loadMutants(join(dir, 'test/mutants')), /^test\/mutants\/mutants\.json: mutant a1 is in test\/mutants\/checker\.json too$/);
  const r = spawnSync(process.execPath, ['test/mutants/split.mjs'], { cwd: dir, encoding: 'utf8', timeout: BACKSTOP });
  assert.is(r.status, 0, r.stderr);
  assert.not.ok(existsSync(join(dir, 'test/mutants/mutants.json')), 'mutants.json removed');
  assert.equal(readdirSync(join(dir, 'test/mutants')).filter((f) => f.endsWith('.json')).sort(), ['checker.json', 'model-blkif.json']);
  assert.is(readFileSync(join(dir, 'test/mutants/checker.json'), 'utf8'), `{\n  "mutants": [\n${entry('a1', 'checker/search.ts')},\n${entry('c1', 'checker/store.ts')}\n  ]\n}\n`);
  assert.equal(loadMutants(join(dir, 'test/mutants')).map((m) => `${m.source}:${m.id}`), ['checker.json:a1', 'checker.json:c1', 'model-blkif.json:b1']);
});

test.run();
