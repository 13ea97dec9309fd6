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
import { copyFileSync, mkdirSync, readFileSync, readdirSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { scratchDir } from './support/tmp.js';
import { addedFiles, changedFiles, dependencyGraph, examplesOnly, modelFiles, resolveBase, selectTests, stripComments } from '../bin/changed-tests.mjs';
import { examplesChosen } from './support/examplesChosen.js';

const root = resolve(import.meta.dirname, '..');
const BACKSTOP = 300_000;

const passing = `import { test } from 'uvu'; import * as assert from 'uvu/assert'; test('ok', () => assert.ok(true)); test.run();`;
const model = (name: string) => `export const ${name} = {\n  name: '${name}',\n  params: {},\n};\n`;

/** The fixture's files: path -> text. */
const FILES: Record<string, string> = {
  'model/alpha.ts': model('alpha'),
  'model/beta.ts': model('beta'),
  'model/gamma.ts': `import { delta } from './delta.js';\n${model('gamma')}export const d = delta;\n`,
  'model/delta.ts': model('delta'),
  'model/registry.ts': ["import { alpha } from './alpha.js';", "import { beta } from './beta.js';", "import { gamma } from './gamma.js';", "import { delta } from './delta.js';", 'export const builtinModels = [alpha, beta, gamma, delta];', ''].join('\n'),
  'cli/main.ts': "import { builtinModels } from '../model/registry.js';\nexport const main = (a: string[]) => builtinModels.find((m) => m.name === a[1]);\n",
  'bin/pvcheck.mjs': "const { main } = await import('../cli/main.ts');\nmain(process.argv.slice(2));\n",
  'checker/deep.ts': 'export const deep = 1;\n',
  'checker/lib.ts': "import { deep } from './deep.js';\nexport const lib = deep + 1;\n",
  'docs/notes.md': 'notes\n',
  'test/support/cli.ts': "import { join } from 'node:path';\n// not a dependency: checker/deep.ts named in a comment\nexport const pv = (args: string[]) => [join('bin', 'pvcheck.mjs'), ...args];\n",
  'test/alpha.test.ts': `import { alpha } from '../model/alpha.js';\nvoid alpha;\n${passing}\n`,
  'test/cliBeta.test.ts': `import { pv } from './support/cli.js';\nvoid pv(['check', 'beta']);\n${passing}\n`,
  'test/cliGamma.test.ts': `import { pv } from './support/cli.js';\nvoid pv(['check', 'gamma', '-q']);\n${passing}\n`,
  'test/lib.test.ts': `import { lib } from '../checker/lib.js';\nvoid lib;\n${passing}\n`,
  'test/pinned.test.ts': passing + '\n',
  'test/other.test.ts': passing + '\n',
};

const git = (dir: string, ...args: string[]) => {
  const r = spawnSync('git', args, {
    cwd: dir, encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', GIT_CONFIG_NOSYSTEM: '1', HOME: dir },
  });
  assert.is(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};
const write = (dir: string, f: string, text: string) => {
  mkdirSync(dirname(join(dir, f)), { recursive: true });
  writeFileSync(join(dir, f), text);
};

/**
 * Files that list a directory: a support file listing examples/ (through a declaration) that a test imports;
 * a lint listing checker/ through its function's parameter; a test listing test/; a test naming checker/
 * outside any listing; and an example.
 */
const LISTING: Record<string, string> = {
  'examples/one.ts': "import { alpha } from '../model/alpha.js';\nexport default alpha;\n",
  'test/support/examples.ts': "import { readdirSync } from 'node:fs';\nimport { join } from 'node:path';\nconst dir = join(process.cwd(), 'examples');\nexport const examples = readdirSync(dir);\n",
  'test/examplesAll.test.ts': `import { examples } from './support/examples.js';\nvoid examples;\n${passing}\n`,
  'test/lint.test.ts': `import { readdirSync } from 'node:fs';\nfunction sources(d: string) { return readdirSync(d); }\nvoid sources('checker');\n${passing}\n`,
  'test/hygiene.test.ts': `import { readdirSync } from 'node:fs';\nvoid readdirSync(new URL('../test/', import.meta.url));\n${passing}\n`,
  'test/notListing.test.ts': `import { readdirSync } from 'node:fs';\nconst where = 'checker';\nvoid readdirSync('/tmp'), where;\n${passing}\n`,
};

/** A repository with FILES (and `extra`) committed on main and a branch `work` checked out at it; with run-tests (and its hooks) when `runner`. */
function repo(runner = false, extra: Record<string, string> = {}): string {
  const dir = scratchDir('pvcheck-changed-');
  for (const [f, text] of Object.entries({ ...FILES, ...extra })) write(dir, f, text);
  if (runner) {
    for (const f of ['run-tests.mjs', 'changed-tests.mjs', 'proc.mjs', 'register.mjs', 'ts-hooks.mjs']) copyFileSync(join(root, 'bin', f), join(dir, 'bin', f));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    write(dir, '.gitignore', 'node_modules\n');
  }
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  git(dir, 'checkout', '-q', '-b', 'work');
  return dir;
}

/** The tests selected for the change made by `edit` (committed on `work` when `commit`), as `file: why` lines. */
function selectedAfter(dir: string, edit: () => void, commit = true): string[] {
  edit();
  if (commit) {
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'change');
  }
  const base = resolveBase(dir, undefined);
  const tests = git(dir, 'ls-files', '--cached', '--others', '--exclude-standard', '*.test.ts').split('\n').filter(Boolean).sort();
  return selectTests(dir, changedFiles(dir, base.sha), tests, undefined, undefined, addedFiles(dir, base.sha)).map((t: { file: string; why: string }) => `${t.file}: ${t.why}`);
}

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
  assert.equal(selectedAfter(d, () => unlinkSync(join(d, 'examples/one.ts'))), [
    'test/examplesAll.test.ts: depends on examples/one.ts (test/support/examples.ts -> examples/one.ts)',
    'test/pinned.test.ts: every-model set (examples/ changed)',
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

test('run-tests --changed with a new example alone (untracked): no every-model set, nothing to run', () => {
  const dir = repo(true);
  write(dir, 'examples/fresh.ts', "import { alpha } from '../model/alpha.js';\nexport default alpha;\n");
  const r = spawnSync(process.execPath, ['bin/run-tests.mjs', '--changed'], { cwd: dir, encoding: 'utf8', timeout: BACKSTOP });
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^run-tests --changed: 1 file changed since merge-base HEAD main \([0-9a-f]{9}\); 0 of 6 test files to run:\nrun-tests --changed: no test file depends on the change\n$/);
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


/** LISTING with a second example importing the first, a third of its own, and the listing test asserting the PVCHECK_EXAMPLES it gets is $WANT's (unset: unset). */
const PER_EXAMPLE: Record<string, string> = {
  ...LISTING,
  'examples/two.ts': "import one from './one.js';\nexport default one;\n",
  'examples/three.ts': 'export default 3;\n',
  'test/examplesAll.test.ts': "import { test } from 'uvu'; import * as assert from 'uvu/assert'; import { examples } from './support/examples.js';\nvoid examples;\ntest('PVCHECK_EXAMPLES as wanted', () => assert.is(process.env.PVCHECK_EXAMPLES, process.env.WANT));\ntest.run();\n",
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
  // one.ts changed: two.ts imports it; pinned is the every-model set (examples/ changed), also only through examples
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
  assert.match(changed.stdout, /\n {2}test\/examplesAll\.test\.ts: depends on examples\/three\.ts \(test\/support\/examples\.ts -> examples\/three\.ts\) \[examples\]\n {2}test\/pinned\.test\.ts: every-model set \(examples\/ changed\) \[examples\]\nrun-tests --changed: the 2 \[examples\] files only examples\/ select run with PVCHECK_EXAMPLES=three\.ts /);
  assert.match(changed.stdout, /✔ test\/examplesAll\.test\.ts: 1\/1/);
  const named = run(undefined, '--changed', 'examplesAll');
  assert.is(named.status, 0, named.stdout + named.stderr);
  assert.match(named.stdout, /\n {2}test\/examplesAll\.test\.ts: depends on examples\/three\.ts \(test\/support\/examples\.ts -> examples\/three\.ts\)\n {2}test\/pinned\.test\.ts: every-model set \(examples\/ changed\) \[examples\]\nrun-tests --changed: the 1 \[examples\] file only examples\/ selects runs with PVCHECK_EXAMPLES=three\.ts /);
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
