/**
 * bin/train.mjs (session 28): several ready branches landed by one test run, in a clean
 * temporary checkout of main with a real node_modules (one install per package-lock.json,
 * cached), never in anybody's live worktree. On small git repositories in a scratch folder,
 * with the install, tsc and test steps stubbed (PVCHECK_TRAIN_INSTALL, _TSC, _TESTS): no real
 * suite runs. The stubbed test step fails `test/NAME.test.ts` when src/NAME.ts says BROKEN,
 * as run-tests prints it, so that the train's blame (which branch's changes select the failing
 * file, by bin/changed-tests.mjs) is checked on what it reads.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { scratchDir } from './support/tmp.js';

const root = resolve(import.meta.dirname, '..');
const BACKSTOP = 300_000;

/** A scratch repository on main (src/a.ts, src/b.ts, a test importing each), its cache and stubs. */
function setup() {
  const dir = scratchDir('pvcheck-train-');
  const repo = join(dir, 'repo');
  const cache = join(dir, 'cache');
  mkdirSync(repo);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t',
    GIT_CONFIG_NOSYSTEM: '1', HOME: dir,
    PVCHECK_TRAIN_CACHE: cache,
    // the install: counted, a node_modules with a mark in it
    PVCHECK_TRAIN_INSTALL: `mkdir node_modules && echo made > node_modules/mark && echo x >> ${JSON.stringify(join(dir, 'installs'))}`,
    PVCHECK_TRAIN_TSC: 'true',
    PVCHECK_TRAIN_TESTS: `sh ${JSON.stringify(join(dir, 'tests.sh'))}`,
  };
  for (const k of ['PVCHECK_SEED', 'GIT_DIR', 'GIT_WORK_TREE']) delete env[k];
  // the test step as run-tests reports: where it ran (and on which node_modules), a failed file per BROKEN source
  writeFileSync(join(dir, 'tests.sh'), [
    `pwd >> ${JSON.stringify(join(dir, 'ran-in'))}`,
    '[ -d node_modules ] && [ ! -L node_modules ] && [ -f node_modules/mark ] || { echo "✘ test/a.test.ts (0.1s): no real node_modules"; exit 1; }',
    // readable by all (test/cliOutputs runs pvcheck as nobody when root)
    '[ "$(stat -c %a .)" = 755 ] || { echo "✘ test/a.test.ts (0.1s): the checkout is mode $(stat -c %a .)"; exit 1; }',
    'echo "run-tests --changed: $(git diff --name-only "$TRAIN_BASE" | wc -l) files changed since $TRAIN_BASE; 2 of 2 test files to run:"',
    `[ -f ${JSON.stringify(join(dir, 'hook.sh'))} ] && sh ${JSON.stringify(join(dir, 'hook.sh'))}`,
    'bad=0',
    'for n in a b; do if grep -q BROKEN src/$n.ts; then echo "✘ test/$n.test.ts: 0/1 (0.1s)"; bad=$((bad+1)); else echo "✔ test/$n.test.ts: 1/1 (0.1s)"; fi; done',
    'echo "$((2-bad)) passed, $bad failed"',
    '[ $bad -eq 0 ]',
    '',
  ].join('\n'));
  const git = (cwd: string, ...args: string[]) => {
    const r = spawnSync('git', args, { cwd, encoding: 'utf8', env });
    assert.is(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  const write = (cwd: string, f: string, text: string) => {
    mkdirSync(dirname(join(cwd, f)), { recursive: true });
    writeFileSync(join(cwd, f), text);
  };
  git(repo, 'init', '-q', '-b', 'main');
  write(repo, 'package.json', '{"name":"t","version":"0.0.0"}\n');
  write(repo, 'package-lock.json', '{"lockfileVersion":3}\n');
  write(repo, 'src/a.ts', 'export const a = 1;\n');
  write(repo, 'src/b.ts', 'export const b = 1;\n');
  write(repo, 'test/a.test.ts', "import { a } from '../src/a.js';\nvoid a;\n");
  write(repo, 'test/b.test.ts', "import { b } from '../src/b.js';\nvoid b;\n");
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'start');
  /** A branch off main with one file's new text. */
  const branch = (name: string, file: string, text: string) => {
    git(repo, 'branch', name, 'main');
    const w = join(dir, `wt-${name}`);
    git(repo, 'worktree', 'add', '-q', w, name);
    write(w, file, text);
    git(w, 'commit', '-q', '-am', `${name}: ${file}`);
    return w;
  };
  const train = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/train.mjs'), ...args], { cwd: repo, encoding: 'utf8', env, timeout: BACKSTOP });
  const main = () => git(repo, 'rev-parse', 'main');
  const worktrees = () => git(repo, 'worktree', 'list').split('\n').length;
  const installs = () => (existsSync(join(dir, 'installs')) ? readFileSync(join(dir, 'installs'), 'utf8').split('\n').filter(Boolean).length : 0);
  return { dir, repo, cache, env, git, write, branch, train, main, worktrees, installs };
}

test('two branches land in one run: merged in order in a temporary checkout (not the live worktrees: an uncommitted edit there is not tested), node_modules a real directory installed once per package-lock, the checkout readable by all (mode 755), --ff fast-forwards main; the checkout is removed', () => {
  const s = setup();
  const wa = s.branch('ba', 'src/a.ts', 'export const a = 2;\n');
  s.branch('bb', 'src/b.ts', 'export const b = 2;\n');
  // the live worktree of ba has an uncommitted edit that fails its test: the train tests what was committed
  s.write(wa, 'src/a.ts', 'export const a = 2; // BROKEN\n');
  const before = s.worktrees();
  const r = s.train('--ff', s.repo, 'ba', 'bb');
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /train: merged 2 branches: [0-9a-f]{9}/);
  assert.match(r.stdout, /train: node_modules for package-lock [0-9a-f]{16}: npm ci \(once/);
  assert.match(r.stdout, /train: run-tests --changed: 2 files changed since/);
  assert.match(r.stdout, /train: tests passed \(2 passed, 0 failed/);
  assert.match(r.stdout, new RegExp(`train: ${s.repo.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is now [0-9a-f]+ \\(ba bb\\)`));
  assert.is(readFileSync(join(s.repo, 'src/a.ts'), 'utf8'), 'export const a = 2;\n');
  assert.is(readFileSync(join(s.repo, 'src/b.ts'), 'utf8'), 'export const b = 2;\n');
  assert.is(s.git(s.repo, 'log', '--format=%s', '-1'), "Merge branch 'bb' into main (train: ba bb)");
  const ranIn = readFileSync(join(s.dir, 'ran-in'), 'utf8').trim();
  assert.ok(!ranIn.startsWith(s.dir), `tested in a checkout of its own, not a worktree of the caller's: ${ranIn}`);
  assert.not.ok(existsSync(ranIn), `the checkout ${ranIn} is removed`);
  assert.is(s.worktrees(), before, 'no worktree left registered');
  assert.is(s.installs(), 1);
  assert.ok(lstatSync(join(readdirSync(s.cache).map((h) => join(s.cache, h)).find((e) => existsSync(join(e, 'node_modules')))!, 'node_modules')).isDirectory());
  // a second train on the same package-lock takes the cached install; without --ff it prints the commit and leaves main
  s.branch('bc', 'src/b.ts', 'export const b = 3;\n');
  const at = s.main();
  const r2 = s.train('bc');
  assert.is(r2.status, 0, r2.stdout + r2.stderr);
  assert.match(r2.stdout, /node_modules for package-lock [0-9a-f]{16}: cached/);
  assert.is(s.installs(), 1, 'installed once for one package-lock');
  const sha = /train: merged ([0-9a-f]{40}) \(fast-forward main to it/.exec(r2.stdout)?.[1];
  assert.ok(sha, r2.stdout);
  assert.is(s.main(), at, 'main is left as it was without --ff');
  assert.is(s.git(s.repo, 'show', `${sha}:src/b.ts`), 'export const b = 3;');
});

test('the cache of installs keeps the two last used and any used within a day; older ones, and a half-made one, go', () => {
  const s = setup();
  s.branch('ba', 'src/a.ts', 'export const a = 2;\n');
  const aged = (name: string, hoursAgo: number) => {
    mkdirSync(join(s.cache, name, 'node_modules'), { recursive: true });
    const t = new Date(Date.now() - hoursAgo * 3600_000);
    utimesSync(join(s.cache, name), t, t);
  };
  aged('aaaaaaaaaaaaaaaa', 72); // third last used, over a day: removed
  aged('bbbbbbbbbbbbbbbb', 48); // second last used: kept
  aged('cccccccccccccccc', 96); // fourth, over a day: removed
  aged('.making-dddddddddddddddd-x1Y2z3', 30); // an install a killed train left half made: removed
  aged('.making-eeeeeeeeeeeeeeee-x1Y2z3', 1); // one being made now: kept
  const r = s.train('ba');
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /train: removed 3 cached node_modules not used for a day: /);
  const left = readdirSync(s.cache).sort();
  assert.is(left.length, 3, left.join(' '));
  assert.ok(left.includes('bbbbbbbbbbbbbbbb') && left.includes('.making-eeeeeeeeeeeeeeee-x1Y2z3'), left.join(' '));
  assert.ok(left.some((n) => /^[0-9a-f]{16}$/.test(n) && n !== 'bbbbbbbbbbbbbbbb'), 'the train\'s own install');
  // a third and a fourth last used: kept if used within the day, else removed
  aged('ffffffffffffffff', 2);
  aged('gggggggggggggggg'.replace(/g/g, '9'), 3);
  const r2 = s.train('ba');
  assert.is(r2.status, 0, r2.stdout + r2.stderr);
  const now = readdirSync(s.cache);
  assert.ok(now.includes('ffffffffffffffff') && now.includes('9999999999999999'), `used within the day: kept (${now.join(' ')})`);
  assert.not.ok(now.includes('bbbbbbbbbbbbbbbb'), 'the fourth last used, two days old: removed');
});

test('a branch that conflicts with the ones before it is named with the files, and nothing lands', () => {
  const s = setup();
  s.branch('ba', 'src/a.ts', 'export const a = 2;\n');
  s.branch('bx', 'src/a.ts', 'export const a = 3;\n');
  const at = s.main();
  const r = s.train('--ff', s.repo, 'ba', 'bx');
  assert.is(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /^train: merging bx conflicts with main \+ ba in src\/a\.ts: /m);
  assert.is(s.main(), at);
  assert.not.ok(existsSync(join(s.dir, 'ran-in')), 'no test ran');
});

test('a failing test file is blamed on the branches whose own changes select it; nothing lands', () => {
  const s = setup();
  s.branch('ba', 'src/a.ts', 'export const a = 2;\n');
  s.branch('bbad', 'src/b.ts', 'export const b = 2; // BROKEN\n');
  const at = s.main();
  const r = s.train('--ff', s.repo, 'ba', 'bbad');
  assert.is(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /train: tests failed \(1 passed, 1 failed, [^)]*\): test\/b\.test\.ts$/m);
  assert.match(r.stdout, /train: test\/b\.test\.ts is selected by bbad \(imports src\/b\.ts\): drop it and run the train again/);
  assert.not.match(r.stdout, /selected by ba/);
  assert.is(s.main(), at);
});

test('main moved while the train ran: the fast-forward is refused with one line (exit 1)', () => {
  const s = setup();
  s.branch('ba', 'src/a.ts', 'export const a = 2;\n');
  // during the test step, somebody lands on main
  writeFileSync(join(s.dir, 'hook.sh'), `git -C ${JSON.stringify(s.repo)} commit -q --allow-empty -m 'landed meanwhile'\n`);
  const r = s.train('--ff', s.repo, 'ba');
  assert.is(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /the fast-forward to [0-9a-f]{9} was refused \(main moved since the train left\? run it again\)/);
  assert.is(s.git(s.repo, 'log', '--format=%s', '-1', 'main'), 'landed meanwhile');
});

test('bad usage: one line naming what is wrong, exit 2, no checkout made', () => {
  const s = setup();
  s.branch('ba', 'src/a.ts', 'export const a = 2;\n');
  const before = s.worktrees();
  for (const [args, re] of [
    [[], /^train: no branch to land/],
    [['nosuch'], /^train: nosuch: not a branch or commit git knows here$/],
    [['--into', 'nowhere', 'ba'], /^train: --into nowhere: not a commit git knows here$/],
    [['--fast', 'ba'], /^train: unknown option --fast/],
    [['ba', '--ff'], /^train: --ff needs a value/],
    [['ba', 'ba'], /^train: a branch is named twice/],
  ] as const) {
    const r = s.train(...args);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr.trim(), re);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  assert.is(s.worktrees(), before);
});

test.run();
