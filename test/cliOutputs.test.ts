/**
 * Where pvcheck writes (issue 16, outputs): only regular files or new ones; a
 * device, FIFO or folder refused before the search, a symbolic link followed;
 * read-only folders found before the search; a finished report never lost
 * when its trace cannot be written; no temporary file left behind; `vectors
 * --out` written as a unit and never touching files it did not write.
 *
 * Read-only folders need a user the permissions apply to: as root the child
 * runs as `nobody` (uid 65534); as another user, the test's own chmod applies.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scratchDir } from './support/tmp.js';

const root = resolve(import.meta.dirname, '..');
const tmp = scratchDir('pvcheck-out-');
chmodSync(tmp, 0o755);
const NR = join(root, 'examples/ring-no-recheck.ts');
const NR_ARGS = ['-p', 'ringSize=2', '-p', 'messages=3', '-q'];
const asRoot = process.getuid?.() === 0;

function pv(args: string[], cwd = tmp, asNobody = false) {
  const r = spawnSync(process.execPath, [join(root, 'bin/pvcheck.mjs'), ...args], {
    cwd,
    encoding: 'utf8',
    ...(asNobody && asRoot ? { uid: 65534, gid: 65534 } : {}),
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function refused(r: ReturnType<typeof pv>, what: RegExp) {
  assert.is(r.code, 2, `exit code: ${r.err}`);
  const lines = r.err.trim().split('\n');
  assert.is(lines.length, 1, `one line on stderr, got:\n${r.err}`);
  assert.match(lines[0]!, /^pvcheck: error: /);
  assert.match(lines[0]!, what);
  assert.is(r.out, '', 'refused before the search: no report');
}

const noTemps = (dir: string) => assert.equal(readdirSync(dir).filter((f) => /tmp/.test(f)), [], `temporary files left in ${dir}`);

/** A fresh folder (world-accessible, so that `nobody` may enter it). */
function folder(name: string, mode = 0o777): string {
  const d = join(tmp, name);
  mkdirSync(d);
  chmodSync(d, mode);
  return d;
}

test('a character device or a FIFO as --trace-out or --dump-states is refused before the search and left as it was', () => {
  const d = folder('special');
  const dev = join(d, 'null');
  const made = spawnSync('mknod', ['-m', '666', dev, 'c', '1', '3']).status === 0;
  const fifo = join(d, 'fifo');
  assert.is(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  const cases: [string, string, RegExp][] = [[fifo, '--trace-out', /--trace-out .*fifo: is a FIFO/], [fifo, '--dump-states', /--dump-states .*fifo: is a FIFO/]];
  if (made) cases.push([dev, '--trace-out', /--trace-out .*null: is a character device/], [dev, '--dump-states', /is a character device/]);
  else console.log('  (mknod not permitted here: character-device cases not run)');
  for (const [file, opt, msg] of cases) {
    refused(pv(['check', NR, ...NR_ARGS, opt, file]), msg);
    const st = lstatSync(file);
    assert.ok(file === fifo ? st.isFIFO() : st.isCharacterDevice(), `${file} is still what it was`);
  }
  noTemps(d);
});

test('a folder as --dump-states or --trace-out is refused, and leaves no temporary file', () => {
  const d = folder('dirs');
  const target = folder('dirs/target');
  refused(pv(['check', NR, ...NR_ARGS, '--dump-states', target]), /--dump-states .*target: is a folder/);
  refused(pv(['check', NR, ...NR_ARGS, '--trace-out', target]), /--trace-out .*target: is a folder/);
  noTemps(d);
  assert.equal(readdirSync(target), []);
});

test('a symbolic link as --trace-out: the file it points to is written, the link stays a link', () => {
  const d = folder('links');
  const other = folder('links-target');
  const real = join(other, 'real.trace.json');
  writeFileSync(real, 'old\n');
  const link = join(d, 'link.json');
  symlinkSync(real, link);
  const r = pv(['check', NR, ...NR_ARGS, '--trace-out', link]);
  assert.is(r.code, 1, r.err);
  assert.ok(lstatSync(link).isSymbolicLink(), 'the link is kept');
  assert.match(readFileSync(real, 'utf8'), /"format": "pvcheck-trace"/);
  assert.is(pv(['replay', link, '--model', NR]).code, 1, 'the trace replays through the link');
  // a dangling link: its target is created
  const dangling = join(d, 'dangling.json');
  symlinkSync(join(other, 'new.trace.json'), dangling);
  assert.is(pv(['check', NR, ...NR_ARGS, '--trace-out', dangling]).code, 1);
  assert.ok(existsSync(join(other, 'new.trace.json')));
  noTemps(d);
  noTemps(other);
});

test('read-only places are found before the search: --trace-out, --dump-states, diff --trace-dir, vectors --out', () => {
  const ro = folder('ro', 0o555);
  if (!asRoot) chmodSync(ro, 0o555);
  const cwd = folder('ro-cwd');
  refused(pv(['check', NR, ...NR_ARGS, '--trace-out', join(ro, 't.json')], cwd, true), /--trace-out .*folder .*ro is not writable/);
  refused(pv(['check', NR, ...NR_ARGS, '--dump-states', join(ro, 's.txt')], cwd, true), /--dump-states .*folder .*ro is not writable/);
  refused(pv(['diff', 'ring-notify', NR, '-p', 'ringSize=1', '-p', 'messages=1', '--trace-dir', ro], cwd, true), /--trace-dir .*ro: the folder is not writable/);
  refused(pv(['vectors', 'ring', '--out', join(ro, 'v')], cwd, true), /--out .*ro.* not writable/);
  assert.equal(readdirSync(ro), []);
});

test('a trace that cannot be written after the search: the report is printed and says so (exit of the verdict)', () => {
  const ro = folder('ro-cwd2', 0o555);
  const r = pv(['check', NR, ...NR_ARGS], ro, true);
  assert.is(r.code, 1, r.err);
  assert.match(r.out, /VIOLATION of I4_no_lost_wakeup after \d+ steps/);
  assert.match(r.out, /trace +not written/);
  assert.match(r.err, /the current folder is not writable/);
  assert.match(r.err, /^pvcheck: error: cannot write .*pvcheck-ring-no-recheck-I4_no_lost_wakeup\.trace\.json.*the report is printed without it$/m);
  const j = pv(['check', NR, ...NR_ARGS, '--json'], ro, true);
  assert.is(j.code, 1);
  assert.is(JSON.parse(j.out).violation.traceFile, null, 'the JSON report says no trace was written');
});

test('vectors --out: a folder with files it did not write is refused and untouched', () => {
  const out = folder('mine');
  writeFileSync(join(out, 'notes.txt'), 'mine\n');
  refused(pv(['vectors', 'ring', '--out', out]), /--out .*mine: the folder holds files pvcheck vectors did not write \(notes\.txt\)/);
  assert.equal(readdirSync(out), ['notes.txt']);
  const file = join(tmp, 'a-file');
  writeFileSync(file, 'x');
  refused(pv(['vectors', 'ring', '--out', file]), /--out .*a-file: is a regular file, not a folder/);
});

test('vectors --out over an earlier suite replaces it as a unit: no stale ITF file, no temporary folder', () => {
  const parent = folder('suites');
  const out = join(parent, 'v');
  const edges = pv(['vectors', 'ring', '-p', 'ringSize=2', '-p', 'messages=2', '--cover', 'edges', '--out', out]);
  assert.is(edges.code, 0, edges.err);
  const before = readdirSync(join(out, 'itf')).length;
  const rules = pv(['vectors', 'ring', '-p', 'ringSize=2', '-p', 'messages=2', '--cover', 'rules', '--out', out]);
  assert.is(rules.code, 0, rules.err);
  const lines = readFileSync(join(out, 'vectors.jsonl'), 'utf8').trim().split('\n').length;
  const itf = readdirSync(join(out, 'itf'));
  assert.ok(before > itf.length, `the edge suite had more ITF files (${before}) than the rules suite (${itf.length})`);
  assert.ok(itf.length <= lines, 'one ITF file per vector of the new suite at most, none left from the old one');
  assert.equal(readdirSync(parent), ['v'], 'nothing else in the parent folder');
});

test.run();
