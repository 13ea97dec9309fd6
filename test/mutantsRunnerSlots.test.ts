/**
 * A runner slot's copy of the tree is used again by its next mutant (bin/mutants.mjs slotTree): the
 * mutant's edits are put back, the copy's test files' TMPDIR emptied; a copy a test wrote into (a
 * file added, or one changed that no mutant edited) is copied afresh. Two mutants on one slot:
 * the second sees none of the first's edits, nor a file the first's test left in the tree.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from './support/tmp.js';
import { runnerTree } from './support/runnerTree.js';


/** A scratch tree: the runner, run-tests (TypeScript as plain modules), node_modules linked, and `tests`. */
function tree(tests: Record<string, string>, mutants: unknown[]): { dir: string; marks: string } {
  const dir = scratchDir('pvcheck-mutant-slots-');
  const t = join(dir, 'tree');
  const marks = join(dir, 'marks');
  for (const d of [marks, join(dir, 'tmp')]) mkdirSync(d, { recursive: true });
  runnerTree(t, { nodeModules: true });
  writeFileSync(join(t, 'a.txt'), 'unmutated\n');
  writeFileSync(join(t, 'b.txt'), 'unmutated\n');
  writeFileSync(join(t, 'never.txt'), 'no mutant edits this\n');
  for (const [f, text] of Object.entries(tests)) writeFileSync(join(t, 'test', f), text);
  writeFileSync(join(t, 'test', 'mutants', 'mutants.json'), JSON.stringify({ mutants }));
  return { dir, marks };
}
/** A test file that records what it sees of its copy (MARKS/NAME.json), leaves a file in the tree when `stray`, then passes. */
const looks = (name: string, stray: boolean) => `
import { test } from 'uvu';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
test('${name}', () => {
  const seen = { a: readFileSync('a.txt', 'utf8').trim(), b: readFileSync('b.txt', 'utf8').trim(), stray: existsSync('stray.txt'), neverTime: statSync('never.txt').mtimeMs, cwd: process.cwd() };
  writeFileSync(join(process.env.MARKS, '${name}.json'), JSON.stringify(seen));
  ${stray ? "writeFileSync('stray.txt', 'left in the tree');" : ''}
});
test.run();
`;
const edit = (id: string, file: string, test: string) => ({ id, why: 'test', edits: [{ file, find: 'unmutated', replace: id }], tests: [`test/${test}.test.ts`] });

function run(dir: string, marks: string) {
  const r = spawnSync(process.execPath, [join(dir, 'tree', 'bin', 'mutants.mjs'), '--no-baseline'], {
    cwd: join(dir, 'tree'), encoding: 'utf8', timeout: 300_000,
    env: { ...process.env, TMPDIR: join(dir, 'tmp'), MARKS: marks, PVCHECK_MUTANT_JOBS: '1' },
  });
  const seen = (name: string) => JSON.parse(readFileSync(join(marks, `${name}.json`), 'utf8'));
  return { r, seen };
}

test('two mutants on one slot: the second sees the tree unmutated in the same copy (not copied again); after a test wrote into the tree, a fresh copy', () => {
  const { dir, marks } = tree(
    { 'one.test.ts': looks('one', false), 'two.test.ts': looks('two', true), 'three.test.ts': looks('three', false) },
    [edit('one', 'a.txt', 'one'), edit('two', 'b.txt', 'two'), edit('three', 'a.txt', 'three')],
  );
  const { r, seen } = run(dir, marks);
  // every test passes: every mutant survives (exit 1); what matters is what each saw
  assert.match(r.stdout, /survived +one[\s\S]*survived +two[\s\S]*survived +three/, r.stdout + r.stderr);
  const [one, two, three] = [seen('one'), seen('two'), seen('three')];
  assert.equal([one.a, one.b, one.stray], ['one', 'unmutated', false]);
  assert.equal([two.a, two.b, two.stray], ['unmutated', 'two', false], "one's edit put back");
  assert.is(two.cwd, one.cwd, 'the same slot directory');
  assert.is(two.neverTime, one.neverTime, 'the copy used again: a file no mutant edits is the one copied for the first');
  assert.equal([three.a, three.b, three.stray], ['three', 'unmutated', false], "two's stray file gone, its edit put back");
  assert.ok(three.neverTime > two.neverTime, 'a file left in the tree by a test: the copy made afresh');
  // the runner removed its copy at the end
  assert.equal(readdirSync(join(dir, 'tmp')).filter((n) => n.startsWith('pvcheck-mutant-')), []);
});

test.run();
