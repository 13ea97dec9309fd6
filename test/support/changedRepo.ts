/**
 * The scratch repositories of test/suiteHygieneChanged and test/suiteHygieneChangedExamples
 * (bin/changed-tests.mjs, `node bin/run-tests.mjs --changed`): a registry of four built-ins, a CLI
 * reached through test/support/cli.ts's bin/pvcheck.mjs, a checker module two imports deep, the
 * every-model set; LISTING adds files that list a directory (examples/ among them).
 */
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { scratchDir } from './tmp.js';
import { addedFiles, changedFiles, resolveBase, selectTests } from '../../bin/changed-tests.mjs';
import { copyRunner } from './runnerTree.js';

export const root = resolve(import.meta.dirname, '..', '..');
export const BACKSTOP = 300_000;

export const passing = `import { test } from 'uvu'; import * as assert from 'uvu/assert'; test('ok', () => assert.ok(true)); test.run();`;
export const model = (name: string) => `export const ${name} = {\n  name: '${name}',\n  params: {},\n};\n`;

/** The fixture's files: path -> text. */
export const FILES: Record<string, string> = {
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

export const git = (dir: string, ...args: string[]) => {
  const r = spawnSync('git', args, {
    cwd: dir, encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', GIT_CONFIG_NOSYSTEM: '1', HOME: dir },
  });
  assert.is(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};
export const write = (dir: string, f: string, text: string) => {
  mkdirSync(dirname(join(dir, f)), { recursive: true });
  writeFileSync(join(dir, f), text);
};

/**
 * Files that list a directory: a support file listing examples/ (through a declaration) that a test imports;
 * a lint listing checker/ through its function's parameter; a test listing test/; a test naming checker/
 * outside any listing; and an example.
 */
export const LISTING: Record<string, string> = {
  'examples/one.ts': "import { alpha } from '../model/alpha.js';\nexport default alpha;\n",
  'test/support/examples.ts': "import { readdirSync } from 'node:fs';\nimport { join } from 'node:path';\nconst dir = join(process.cwd(), 'examples');\nexport const examples = readdirSync(dir);\n",
  'test/examplesAll.test.ts': `import { examples } from './support/examples.js';\nvoid examples;\n${passing}\n`,
  'test/lint.test.ts': `import { readdirSync } from 'node:fs';\nfunction sources(d: string) { return readdirSync(d); }\nvoid sources('checker');\n${passing}\n`,
  'test/hygiene.test.ts': `import { readdirSync } from 'node:fs';\nvoid readdirSync(new URL('../test/', import.meta.url));\n${passing}\n`,
  'test/notListing.test.ts': `import { readdirSync } from 'node:fs';\nconst where = 'checker';\nvoid readdirSync('/tmp'), where;\n${passing}\n`,
};

/** A repository with FILES (and `extra`) committed on main and a branch `work` checked out at it; with run-tests (and its hooks) when `runner`. */
export function repo(runner = false, extra: Record<string, string> = {}): string {
  const dir = scratchDir('pvcheck-changed-');
  for (const [f, text] of Object.entries({ ...FILES, ...extra })) write(dir, f, text);
  if (runner) {
    copyRunner(dir);
    for (const f of ['register.mjs', 'ts-hooks.mjs']) copyFileSync(join(root, 'bin', f), join(dir, 'bin', f));
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
export function selectedAfter(dir: string, edit: () => void, commit = true): string[] {
  edit();
  if (commit) {
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'change');
  }
  const base = resolveBase(dir, undefined);
  const tests = git(dir, 'ls-files', '--cached', '--others', '--exclude-standard', '*.test.ts').split('\n').filter(Boolean).sort();
  return selectTests(dir, changedFiles(dir, base.sha), tests, undefined, undefined, addedFiles(dir, base.sha)).map((t: { file: string; why: string }) => `${t.file}: ${t.why}`);
}
