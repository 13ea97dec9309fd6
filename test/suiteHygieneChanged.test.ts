/**
 * `node bin/run-tests.mjs --changed [BASE]` (bin/changed-tests.mjs) on a
 * temporary git repository shaped like this one: a registry of four
 * built-ins, a CLI reached through test/support/cli.ts's bin/pvcheck.mjs, a
 * checker module two imports deep, the every-model set. Each change selects
 * the tests it can break, with why, and no other: a changed test; a test
 * importing a changed module transitively; a CLI test naming a changed model
 * (`check beta`), not one naming another; the every-model set for model/,
 * properties/, examples/ or cli/; nothing for a change no test depends on;
 * a test (or its support file) listing a directory for a file added there.
 * On this repository: every word-level model's tests are selected by a change
 * to the built-in it stands for (cli/fastPath.ts ENTRIES).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { dependencyGraph, modelFiles, selectTests, stripComments } from '../bin/changed-tests.mjs';
import { BACKSTOP, FILES, LISTING, git, model, passing, repo, root, selectedAfter, write } from './support/changedRepo.js';

test('a changed model: its own test, the CLI test that names it (through test/support/cli.ts, bin/pvcheck.mjs, cli/, the registry), the every-model set; not the CLI test naming another model', () => {
  const dir = repo();
  assert.equal(selectedAfter(dir, () => write(dir, 'model/beta.ts', model('beta') + '// changed\n')), [
    'test/cliBeta.test.ts: names model beta (test/support/cli.ts -> bin/pvcheck.mjs -> cli/main.ts -> model/registry.ts -> model/beta.ts)',
    'test/pinned.test.ts: every-model set (model/ changed)',
  ]);
  // delta: imported by gamma's file, so the test naming gamma depends on it; alpha's test does not
  const d = repo();
  assert.equal(selectedAfter(d, () => write(d, 'model/delta.ts', model('delta') + 'export const more = 2;\n')), [
    'test/cliGamma.test.ts: names model gamma (test/support/cli.ts -> bin/pvcheck.mjs -> cli/main.ts -> model/registry.ts -> model/gamma.ts -> model/delta.ts)',
    'test/pinned.test.ts: every-model set (model/ changed)',
  ]);
  const a = repo();
  assert.equal(selectedAfter(a, () => write(a, 'model/alpha.ts', model('alpha') + '// changed\n')), [
    'test/alpha.test.ts: imports model/alpha.ts',
    'test/pinned.test.ts: every-model set (model/ changed)',
  ]);
});

test('a module two imports deep, a test file, an untracked test, uncommitted edits, a file no test depends on', () => {
  const dir = repo();
  assert.equal(selectedAfter(dir, () => write(dir, 'checker/deep.ts', 'export const deep = 2;\n')), ['test/lib.test.ts: depends on checker/deep.ts (checker/lib.ts -> checker/deep.ts)']);
  const t = repo();
  assert.equal(selectedAfter(t, () => {
    write(t, 'test/other.test.ts', passing + '\n// changed\n');
    write(t, 'test/fresh.test.ts', passing + '\n');
  }, false), ['test/fresh.test.ts: changed', 'test/other.test.ts: changed']);
  const n = repo();
  assert.equal(selectedAfter(n, () => write(n, 'docs/notes.md', 'more notes\n')), []);
  // a CLI file: every CLI test through test/support/cli.ts, and the every-model set
  const c = repo();
  assert.equal(selectedAfter(c, () => write(c, 'cli/main.ts', FILES['cli/main.ts'] + '// changed\n')), [
    'test/cliBeta.test.ts: depends on cli/main.ts (test/support/cli.ts -> bin/pvcheck.mjs -> cli/main.ts)',
    'test/cliGamma.test.ts: depends on cli/main.ts (test/support/cli.ts -> bin/pvcheck.mjs -> cli/main.ts)',
    'test/pinned.test.ts: every-model set (cli/ changed)',
  ]);
  // a deleted support file: its importers
  const s = repo();
  assert.equal(selectedAfter(s, () => unlinkSync(join(s, 'test/support/cli.ts'))), ['test/cliBeta.test.ts: imports test/support/cli.ts', 'test/cliGamma.test.ts: imports test/support/cli.ts']);
});

test('a file of test/ listing a directory depends on the files in it: a new, changed or deleted example, a new checker file, a new test; a new file alone selects no every-model set', () => {
  const x = repo(false, LISTING);
  // new files only: nothing imports or names them; a file added to examples/ or model/ alone selects no every-model set
  assert.equal(selectedAfter(x, () => write(x, 'examples/two.ts', 'export default 2;\n')), [
    'test/examplesAll.test.ts: depends on examples/two.ts (test/support/examples.ts -> examples/two.ts)',
  ]);
  const u = repo(false, LISTING);
  assert.equal(selectedAfter(u, () => write(u, 'model/epsilon.ts', model('epsilon')), false), []);
  // with a file that was there (the registry taking the new model): the every-model set
  const r = repo(false, LISTING);
  assert.equal(selectedAfter(r, () => {
    write(r, 'model/epsilon.ts', model('epsilon'));
    write(r, 'model/registry.ts', FILES['model/registry.ts']!.replace('export const', "import { epsilon } from './epsilon.js';\nexport const"));
  }).filter((l) => l.startsWith('test/pinned')), ['test/pinned.test.ts: every-model set (model/ changed)']);
  const c = repo(false, LISTING);
  assert.equal(selectedAfter(c, () => write(c, 'checker/fresh.ts', 'export const fresh = 1;\n'), false), ['test/lint.test.ts: lists checker/: checker/fresh.ts']);
  const t = repo(false, LISTING);
  assert.equal(selectedAfter(t, () => write(t, 'test/fresh.test.ts', passing + '\n'), false), ['test/fresh.test.ts: changed', 'test/hygiene.test.ts: lists test/: test/fresh.test.ts']);
  // a model an example imports: the tests running every example too
  const m = repo(false, LISTING);
  assert.equal(selectedAfter(m, () => write(m, 'model/alpha.ts', model('alpha') + '// changed\n')), [
    'test/alpha.test.ts: imports model/alpha.ts',
    'test/examplesAll.test.ts: depends on model/alpha.ts (test/support/examples.ts -> examples/one.ts -> model/alpha.ts)',
    'test/pinned.test.ts: every-model set (model/ changed)',
  ]);
  const d = repo(false, LISTING);
  // (examples/ selects no every-model set: no test of it reads an example; session 32)
  assert.equal(selectedAfter(d, () => unlinkSync(join(d, 'examples/one.ts'))), [
    'test/examplesAll.test.ts: depends on examples/one.ts (test/support/examples.ts -> examples/one.ts)',
  ]);
});

test('run-tests --changed prints each file and why, then runs them; BASE named; nothing to run exits 0; a filter beside it adds files; no main: one line, exit 2', () => {
  const dir = repo(true);
  write(dir, 'checker/deep.ts', 'export const deep = 3;\n');
  const run = (...args: string[]) => spawnSync(process.execPath, ['bin/run-tests.mjs', ...args], { cwd: dir, encoding: 'utf8', timeout: BACKSTOP, env: { ...process.env, PVCHECK_TEST_JOBS: '1' } });
  const r = run('--changed');
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^run-tests --changed: 1 file changed since merge-base HEAD main \([0-9a-f]{9}\); 1 of 6 test files to run:\n {2}test\/lib\.test\.ts: depends on checker\/deep\.ts \(checker\/lib\.ts -> checker\/deep\.ts\)\n/);
  assert.match(r.stdout, /✔ test\/lib\.test\.ts: 1\/1/);
  assert.match(r.stdout, /^1 passed, 0 failed$/m);
  const withFilter = run('--changed', 'main', 'other');
  assert.match(withFilter.stdout, /since main \([0-9a-f]{9}\); 2 of 6 test files to run:\n {2}test\/lib\.test\.ts: depends on[^\n]*\n {2}test\/other\.test\.ts: named on the command line\n/);
  assert.match(withFilter.stdout, /^2 passed, 0 failed$/m);
  git(dir, 'stash', '-q');
  const none = run('--changed');
  assert.is(none.status, 0, none.stdout + none.stderr);
  assert.match(none.stdout, /0 files changed since merge-base HEAD main[^\n]*; 0 of 6 test files to run:\nrun-tests --changed: no test file depends on the change\n$/);
  git(dir, 'branch', '-q', '-m', 'main', 'trunk');
  const noMain = run('--changed');
  assert.is(noMain.status, 2);
  assert.is(noMain.stderr, 'run-tests: --changed: no branch main to compare with here (name a BASE commit)\n');
});

test('run-tests --changed with a new example or a new model file alone (untracked): no every-model set, nothing to run', () => {
  // a new model/ file is under a directory whose changed files select the every-model set: only run-tests telling the
  // selection which files are new keeps it out (examples/ selects no every-model set at all since session 32)
  for (const [file, text] of [
    ['examples/fresh.ts', "import { alpha } from '../model/alpha.js';\nexport default alpha;\n"],
    ['model/fresh.ts', 'export const fresh = 1;\n'],
  ]) {
    const dir = repo(true);
    write(dir, file, text);
    const r = spawnSync(process.execPath, ['bin/run-tests.mjs', '--changed'], { cwd: dir, encoding: 'utf8', timeout: BACKSTOP });
    assert.is(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^run-tests --changed: 1 file changed since merge-base HEAD main \([0-9a-f]{9}\); 0 of 6 test files to run:\nrun-tests --changed: no test file depends on the change\n$/, `${file}: ${r.stdout}`);
  }
});

test('comments are no dependency: a path named in a comment is stripped, strings and regex literals kept', () => {
  assert.is(stripComments("a('x.ts'); // 'y.ts'\n/* 'z.ts' */ b(\"w//v.ts\");"), "a('x.ts'); \n b(\"w//v.ts\");");
  const dir = repo();
  // test/support/cli.ts names checker/deep.ts in a comment only
  assert.equal(selectedAfter(dir, () => write(dir, 'checker/deep.ts', 'export const deep = 4;\n')).map((l) => l.split(':')[0]), ['test/lib.test.ts']);
});

test('word-level models (cli/fastPath.ts ENTRIES): a change to the built-in a fast path stands for, its file or a model/ file it imports, selects every test importing the word-level model, one of which imports both', () => {
  // the tree's files by a walk, not git: the mutants' copies of the tree are no repositories
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(join(root, d), { withFileTypes: true })) {
      const f = d ? `${d}/${e.name}` : e.name;
      if (e.isDirectory() && !e.name.startsWith('.') && !['node_modules', 'out', 'tmp', 'types'].includes(f)) walk(f);
      else if (e.isFile()) files.push(f);
    }
  };
  walk('');
  const graph = dependencyGraph(root, files);
  const builtins = modelFiles(graph);
  const code = stripComments(readFileSync(join(root, 'cli/fastPath.ts'), 'utf8'));
  const entries = [...code.matchAll(/^ {2}'?([\w-]+)'?: \{\n\s+name: '([\w-]+)',[\s\S]*?\bload: async \(\) => \{\n\s+const \{[^}]*\} = await import\('\.\.\/(model\/\w+)\.js'\)/gm)]
    .map(([, builtin, flat, module]) => ({ builtin: builtin!, flat: flat!, module: `${module}.ts` }));
  assert.is(entries.length, code.match(/\bload: async\b/g)?.length, `every entry of cli/fastPath.ts read: ${entries.map((e) => e.flat).join(', ')}`);
  assert.ok(entries.length >= 2, 'ring and xenbus have fast paths');
  const tests = files.filter((f) => /^test\/[^/]+\.test\.ts$/.test(f));
  /** A built-in's file and the model/ files it imports, transitively. */
  const reachOf = (b: string) => {
    const reach = new Set([b]);
    for (const f of reach) for (const d of graph.get(f)?.imports ?? []) if (d.startsWith('model/')) reach.add(d);
    return reach;
  };
  // what every built-in imports (model/core.ts...) selects every test of the models anyway: not asked again
  const everyones = [...builtins.values()].map(reachOf).reduce((a, r) => new Set([...a].filter((f) => r.has(f))));
  for (const { builtin, flat, module } of entries) {
    const b = builtins.get(builtin);
    assert.ok(b, `${flat}: built-in ${builtin} is in the registry`);
    const own = tests.filter((t) => graph.get(t)!.imports.has(module));
    assert.ok(own.some((t) => graph.get(t)!.imports.has(b)), `${flat}: a test imports ${module} and ${b} (compares them): ${own.join(', ')}`);
    const reach = [...reachOf(b)].filter((f) => !everyones.has(f));
    assert.ok(reach.length >= 2, `${builtin}: ${reach.join(', ')}`);
    for (const f of reach) {
      const picked = new Set(selectTests(root, [f], tests, files, graph).map((t) => t.file));
      assert.equal(own.filter((t) => !picked.has(t)), [], `a change to ${f} (${builtin}) selects the tests of ${flat}`);
    }
  }
});

test.run();
