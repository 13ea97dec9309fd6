/**
 * What a mutant's test run leaves running is killed after that mutant (bin/mutants.mjs, session
 * 28): in session 27 a mutant of the test runner itself leaked `node -e setInterval` processes
 * that ran for 95 minutes, their working directory a removed /tmp/pvcheck-mutant-0-* copy. Two
 * ways out, both closed:
 *  - a process left in the test run's own process group (bin/run-tests.mjs runs in a group of
 *    its own, killed as a whole when it ends), wherever it works;
 *  - a process that left every group of the run (an orphan of a test file's group, a group of
 *    its own) but works in the slot's copy, its folder removed meanwhile (Linux names it
 *    `PATH (deleted)`): bin/proc.mjs killWorkingIn, named on a line under the mutant's verdict.
 * On a scratch tree whose bin/run-tests.mjs plants one of each and ends, for two mutants one
 * after the other in one slot: the first's are gone before the second's run starts (checked by
 * the second's run-tests), not only when the runner ends.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from './support/tmp.js';
import { copyRunner } from './support/runnerTree.js';
import { alive } from './support/alive.js';

const linux = existsSync('/proc/self/stat');

test('a mutant\'s test run: what it leaves in its process group, and an orphan working in the (removed) folder of its copy, are killed after the mutant, the orphan named', () => {
  if (!linux) {
    console.log('skip: no /proc to read working directories from');
    return;
  }
  const scratch = scratchDir('pvcheck-mutant-leaks-');
  const tree = join(scratch, 'tree');
  const tmp = join(scratch, 'tmp');
  const marks = join(scratch, 'marks');
  for (const d of [tmp, marks]) mkdirSync(d, { recursive: true });
  // the runner's files (its bin/run-tests.mjs replaced by the stand-in below)
  copyRunner(tree);
  writeFileSync(join(tree, 'planted.txt'), 'unmutated\n');
  writeFileSync(join(tree, 'test', 'x.test.ts'), '// run by the stand-in run-tests below, never loaded\n');
  // a stand-in for bin/run-tests.mjs: reports whether the earlier runs' processes still run, plants
  // two processes that outlive it, and passes its file
  writeFileSync(
    join(tree, 'bin', 'run-tests.mjs'),
    `import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const marks = process.env.MARKS;
const runs = (pid) => { try { return !/^\\d+ \\(.*\\) [ZX] /s.test(readFileSync('/proc/' + pid + '/stat', 'utf8')); } catch { return false; } };
const earlier = readdirSync(marks).map((f) => JSON.parse(readFileSync(join(marks, f), 'utf8')));
const stillRunning = earlier.flatMap((e) => [e.inGroup, e.orphan]).filter(runs);
const keep = 'setInterval(() => {}, 1000)';
// in this run's process group, working outside the copy
const inGroup = spawn(process.execPath, ['-e', keep], { cwd: marks, stdio: 'ignore' });
inGroup.unref();
// in a group of its own, working in a folder of the copy that is then removed (a test's scratch folder)
const gone = join(process.cwd(), '.tmp', 'scratch-' + process.pid);
mkdirSync(gone, { recursive: true });
const orphan = spawn(process.execPath, ['-e', keep], { cwd: gone, stdio: 'ignore', detached: true });
orphan.unref();
rmSync(gone, { recursive: true });
writeFileSync(join(marks, String(process.pid)), JSON.stringify({ inGroup: inGroup.pid, orphan: orphan.pid, stillRunning }));
console.log('✔ test/x.test.ts: 1/1 (0.1s)');
`,
  );
  const plant = (id: string) => ({ id, why: 'test', edits: [{ file: 'planted.txt', find: 'unmutated', replace: id }], tests: ['test/x.test.ts'], timeout: 60 });
  writeFileSync(join(tree, 'test', 'mutants', 'mutants.json'), JSON.stringify({ mutants: [plant('first'), plant('second')] }));

  const r = spawnSync(process.execPath, [join(tree, 'bin', 'mutants.mjs'), '--no-baseline'], {
    cwd: tree,
    encoding: 'utf8',
    env: { ...process.env, TMPDIR: tmp, MARKS: marks, PVCHECK_MUTANT_JOBS: '1' },
    timeout: 300_000,
  });
  const runsSeen = readdirSync(marks).map((f) => JSON.parse(readFileSync(join(marks, f), 'utf8')) as { inGroup: number; orphan: number; stillRunning: number[] });
  const planted = runsSeen.flatMap((m) => [m.inGroup, m.orphan]);
  try {
    assert.is(r.status, 1, r.stdout + r.stderr); // both survive: the stand-in passes its file
    assert.is(runsSeen.length, 2, r.stdout);
    // the second run saw none of the first's processes running: killed after the first mutant
    for (const m of runsSeen) assert.equal(m.stillRunning, [], `a run started while an earlier one's processes ran: ${m.stillRunning}`);
    // each orphan is named under its mutant's verdict; the one left in the group goes silently with it
    for (const m of runsSeen) {
      assert.match(r.stdout, new RegExp(`^ {10}(first|second): left 1 process running in its copy, killed: ${m.orphan} \\S*node -e setInterval`, 'm'));
      assert.not.match(r.stdout, new RegExp(`killed: [^\\n]*\\b${m.inGroup} `));
    }
    assert.match(r.stdout, /^survived +first +test\/x\.test\.ts passed/m);
    for (const pid of planted) assert.not.ok(alive(pid), `process ${pid} is gone`);
    assert.equal(readdirSync(tmp).filter((n) => n.startsWith('pvcheck-mutant-')), [], 'the copy removed');
  } finally {
    for (const pid of planted) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch { /* gone, as it should be */ }
    }
  }
});

test.run();
