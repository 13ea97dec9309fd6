/**
 * `npm run bench -- --nested REV`: the nested models timed against an older tree (issue 11, point 5),
 * in the same command as the ring-notify points. Bad input (a revision, a case, a point ring-notify
 * does not take, a worker count `check` refuses) is one line and exit 2 before anything runs; a commit is unpacked with `git archive` and compared, and the counts column says whether the
 * two trees explored the same space (HEAD against this checkout: it must).
 *
 * `--same-models` is tested on a folder, a copy of this tree's working files without
 * model/registry.ts: its checker can run this tree's models only (without the flag its own
 * models cannot load, and the bench fails). So the test needs no git: `npm run mutants` runs it
 * on a copy of the tree without .git (the pass-through of bench/bench.ts and bench/nested.ts's
 * choice of models have mutants). The test of `git archive` (HEAD unpacked) runs where this
 * tree is a git checkout and is skipped elsewhere.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { scratchDir } from './support/tmp.js';

const root = resolve(import.meta.dirname, '..');
const bench = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/pvcheck.mjs', 'bench', ...args], { cwd: root, encoding: 'utf8' });
/** Whether this tree is a git checkout (not so in the copy `npm run mutants` makes). */
const isGit = spawnSync('git', ['-C', root, 'rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { encoding: 'utf8' }).status === 0;

/**
 * A base tree for `--nested DIR`: this tree's working files (as bin/mutants.mjs copies them: no
 * node_modules, no dot files), node_modules linked, and no model/registry.ts, so that the only
 * models its checker can run are this tree's (`--same-models`).
 */
function checkerOnlyTree(): string {
  const dir = scratchDir('pvcheck-nested-dir-');
  cpSync(root, dir, {
    recursive: true,
    filter: (src) => {
      const rel = relative(root, src);
      return rel === '' || !rel.split(/[\\/]/).some((p) => p === 'node_modules' || p.startsWith('.'));
    },
  });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  rmSync(join(dir, 'model/registry.ts'));
  return dir;
}

for (const [args, says] of [
  [['--nested', 'no-such-revision'], /--nested: 'no-such-revision' is neither a folder nor a commit/],
  [['--nested', 'HEAD', '--nested-cases', 'xenbus,nope'], /--nested-cases: unknown case 'nope' \(cases: .*xenbus4/],
  [['--nested-cases', 'xenbus'], /--nested-cases needs --nested REV/],
  [['--same-models'], /--same-models needs --nested REV/],
  [['--nested', 'test'], /--nested: test is a folder but not a pvcheck checkout/],
  // the points are ring-notify's ringSize x messages, refused as `check ring-notify` refuses them
  [['--points', '3x16'], /--points 3x16: ringSize=3 must be a power of two/],
  [['--points', '4x16,4x0'], /--points 4x0: messages=0 is out of range 1\.\.65535/],
  [['--points', '99999x16'], /--points 99999x16: ringSize=99999 is out of range 1\.\.1024/],
  [['--points', '4x16', '--workers', '1,9999'], /--workers 9999 is more worker threads than pvcheck starts/],
] as const) {
  test(`bench ${args.join(' ')}: one line, exit 2`, () => {
    const r = bench(...args);
    assert.is(r.status, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.is(lines.length, 1, r.stderr);
    assert.match(lines[0]!, says);
    assert.is(r.stdout, '');
  });
}

(isGit ? test : test.skip)('bench --nested HEAD --nested-cases xenbus: HEAD unpacked, both trees run, counts equal, the folder removed', () => {
  const r = bench('--nested', 'HEAD', '--nested-cases', 'xenbus', '--repeat', '1');
  assert.is(r.status, 0, r.stderr);
  const row = r.stdout.split('\n').find((l) => l.startsWith('xenbus |'));
  assert.ok(row, r.stdout);
  const cells = row!.split('|').map((c) => c.trim());
  // the outcome is the model's (xenbus's defaults stop at finding F7); what is compared is that both trees ran it
  assert.match(cells[1]!, /^(ok|deadlock|violation)$/, row);
  assert.ok(Number(cells[2]) > 1000, `states ${cells[2]}`);
  assert.is(cells[5], 'equal', row);
  assert.match(r.stderr, /xenbus base #1: .* states/);
  assert.match(r.stderr, /xenbus this #1: .* states/);
  // the folder HEAD was unpacked into (named on the first line) is gone; another bench running at the same
  // minute (a second checkout) may have its own, so the shared tmpdir is not compared as a whole
  const folder = /^# nested models against HEAD \((.*pvcheck-nested-base-[^)]+)\)/m.exec(r.stderr)?.[1];
  assert.ok(folder && folder.startsWith(tmpdir()), r.stderr);
  assert.not.ok(existsSync(folder!), `${folder} left behind`);
});

test('bench --nested DIR --same-models: DIR\'s checker runs this tree\'s models (DIR has none: the line says so, counts equal); without the flag DIR\'s own models are run, and fail to load', () => {
  const dir = checkerOnlyTree();
  const r = bench('--nested', dir, '--nested-cases', 'xenbus', '--repeat', '1', '--same-models');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /: its checker on this tree's models: xenbus, 1 runs each/);
  assert.match(r.stdout, /; base: .*'s checker on this tree's models/);
  const row = r.stdout.split('\n').find((l) => l.startsWith('xenbus |'));
  assert.is(row?.split('|').map((c) => c.trim())[5], 'equal', r.stdout);
  assert.ok(existsSync(dir), 'a folder given is used as it is, not removed');
  const own = bench('--nested', dir, '--nested-cases', 'xenbus', '--repeat', '1');
  assert.is.not(own.status, 0, own.stdout);
  assert.match(own.stderr, /run xenbus in .*pvcheck-nested-dir-.* failed/);
});

test.run();
