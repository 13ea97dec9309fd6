/**
 * Per-example selection (session 31): `node bin/run-tests.mjs --changed` passes the tests that only a
 * change's files of examples/ select (bin/changed-tests.mjs examplesOnly) PVCHECK_EXAMPLES, the changed
 * examples and those importing or naming them; a test the rest of the change selects, or one named beside
 * --changed, gets none (it runs every example). On a scratch repository (test/support/changedRepo.ts).
 * test/suiteHygieneChanged tests the selection itself; test/shapesExamplesChosen, the halves' side.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { addedFiles, changedFiles, examplesOnly, resolveBase } from '../bin/changed-tests.mjs';
import { examplesChosen } from './support/examplesChosen.js';
import { BACKSTOP, LISTING, git, model, passing, repo, write } from './support/changedRepo.js';

/** LISTING with a second example importing the first, a third of its own, and the listing test asserting the PVCHECK_EXAMPLES it gets is $WANT's (unset: unset). */
const PER_EXAMPLE: Record<string, string> = {
  ...LISTING,
  'examples/two.ts': "import one from './one.js';\nexport default one;\n",
  'examples/three.ts': 'export default 3;\n',
  'test/examplesAll.test.ts': "import { test } from 'uvu'; import * as assert from 'uvu/assert'; import { examples } from './support/examples.js';\nvoid examples;\ntest('PVCHECK_EXAMPLES as wanted', () => assert.is(process.env.PVCHECK_EXAMPLES, process.env.WANT));\ntest.run();\n",
  // as the real test/pinned.test.ts, it lists examples/ itself (examples/ selects no every-model set: session 32)
  'test/pinned.test.ts': `import { readdirSync } from 'node:fs';\nvoid readdirSync('examples');\n${passing}\n`,
};

/** examplesOnly after the change `edit` makes (committed on `work`): test -> examples, as `file: a,b` lines. */
function perExampleAfter(dir: string, edit: () => void): string[] {
  edit();
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'change');
  const base = resolveBase(dir, undefined);
  const tests = git(dir, 'ls-files', '*.test.ts').split('\n').filter(Boolean).sort();
  return [...examplesOnly(dir, changedFiles(dir, base.sha), tests, undefined, undefined, addedFiles(dir, base.sha))].map(([t, e]) => `${t}: ${e.join(',')}`);
}

test('per example: the tests only changed examples select get those examples and the ones importing them; a test the rest of the change selects gets none; run-tests passes PVCHECK_EXAMPLES to those alone', () => {
  const a = repo(false, PER_EXAMPLE);
  // one.ts changed: two.ts imports it; pinned lists examples/, also only through examples
  assert.equal(perExampleAfter(a, () => write(a, 'examples/one.ts', PER_EXAMPLE['examples/one.ts'] + '// changed\n')), [
    'test/examplesAll.test.ts: one.ts,two.ts',
    'test/pinned.test.ts: one.ts,two.ts',
  ]);
  // with a checker change: lib.test is the rest's, not told; the listing test still only through three.ts
  const b = repo(false, PER_EXAMPLE);
  assert.equal(perExampleAfter(b, () => {
    write(b, 'examples/three.ts', 'export default 33;\n');
    write(b, 'checker/deep.ts', 'export const deep = 5;\n');
  }), ['test/examplesAll.test.ts: three.ts', 'test/pinned.test.ts: three.ts']);
  // the listing's support file changed too: every example for the listing test
  const c = repo(false, PER_EXAMPLE);
  assert.equal(perExampleAfter(c, () => {
    write(c, 'examples/three.ts', 'export default 33;\n');
    write(c, 'test/support/examples.ts', PER_EXAMPLE['test/support/examples.ts'] + '// changed\n');
  }), ['test/pinned.test.ts: three.ts']);
  // a deleted example: the one importing it runs; a model change: nothing per example
  const d = repo(false, PER_EXAMPLE);
  assert.equal(perExampleAfter(d, () => unlinkSync(join(d, 'examples/one.ts'))), ['test/examplesAll.test.ts: two.ts', 'test/pinned.test.ts: two.ts']);
  const m = repo(false, PER_EXAMPLE);
  assert.equal(perExampleAfter(m, () => write(m, 'model/alpha.ts', model('alpha') + '// changed\n')), []);

  // run-tests: the listing test gets PVCHECK_EXAMPLES=three.ts (its test asserts it); named on the command line, none
  const r = repo(true, PER_EXAMPLE);
  write(r, 'examples/three.ts', 'export default 33;\n');
  const run = (want: string | undefined, ...args: string[]) => {
    const env: Record<string, string | undefined> = { ...process.env, PVCHECK_TEST_JOBS: '1', WANT: want };
    delete env.PVCHECK_EXAMPLES;
    if (want === undefined) delete env.WANT;
    return spawnSync(process.execPath, ['bin/run-tests.mjs', ...args], { cwd: r, encoding: 'utf8', timeout: BACKSTOP, env });
  };
  const changed = run('three.ts', '--changed');
  assert.is(changed.status, 0, changed.stdout + changed.stderr);
  assert.match(changed.stdout, /\n {2}test\/examplesAll\.test\.ts: depends on examples\/three\.ts \(test\/support\/examples\.ts -> examples\/three\.ts\) \[examples\]\n {2}test\/pinned\.test\.ts: lists examples\/: examples\/three\.ts \[examples\]\nrun-tests --changed: the 2 \[examples\] files only examples\/ select run with PVCHECK_EXAMPLES=three\.ts /);
  assert.match(changed.stdout, /✔ test\/examplesAll\.test\.ts: 1\/1/);
  const named = run(undefined, '--changed', 'examplesAll');
  assert.is(named.status, 0, named.stdout + named.stderr);
  assert.match(named.stdout, /\n {2}test\/examplesAll\.test\.ts: depends on examples\/three\.ts \(test\/support\/examples\.ts -> examples\/three\.ts\)\n {2}test\/pinned\.test\.ts: lists examples\/: examples\/three\.ts \[examples\]\nrun-tests --changed: the 1 \[examples\] file only examples\/ selects runs with PVCHECK_EXAMPLES=three\.ts /);
  const full = run(undefined, 'examplesAll');
  assert.is(full.status, 0, full.stdout + full.stderr);
  // and the test's side: a name that is no example is an error naming it
  const was = process.env.PVCHECK_EXAMPLES;
  try {
    process.env.PVCHECK_EXAMPLES = 'three.ts,nope.ts';
    assert.throws(() => examplesChosen(join(r, 'examples')), /PVCHECK_EXAMPLES=three\.ts,nope\.ts: no file nope\.ts in /);
    process.env.PVCHECK_EXAMPLES = 'three.ts, one.ts';
    assert.equal([...examplesChosen(join(r, 'examples'))!], ['three.ts', 'one.ts']);
    delete process.env.PVCHECK_EXAMPLES;
    assert.is(examplesChosen(join(r, 'examples')), undefined);
  } finally {
    if (was === undefined) delete process.env.PVCHECK_EXAMPLES;
    else process.env.PVCHECK_EXAMPLES = was;
  }
});

test.run();
