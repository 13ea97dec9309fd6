/**
 * test/support/tmp.ts: a process's scratch directories live in a folder named by its process id
 * and start time; a process killed outright leaves it, and the next process to make a scratch
 * directory removes it, never the folder of a process that still runs (nor one whose id was
 * given to a process started at another time: that folder's owner is gone). Each case runs on
 * a temporary folder of its own (TMPDIR for the processes it starts, the root argument of
 * sweepScratch), so the system's and the other test files' are not touched.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { folderName, scratchDir, sweepScratch } from './support/tmp.js';
import { alive, startTime } from './support/alive.js';

const root = resolve(import.meta.dirname, '..');

/** A process that runs until killed, and its pid once it has started. */
async function sleeper(): Promise<ChildProcess> {
  const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000); process.stdout.write("up\\n")'], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((r) => c.stdout!.once('data', () => r()));
  return c;
}
/** The id of a process that has ended. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const pid = Number(r.stdout);
  assert.ok(pid > 0 && !alive(pid), `pid ${pid} should be gone`);
  return pid;
}

test('sweepScratch removes the folders of processes that are gone or whose id a later process took, and keeps a live one\'s, its own and names not its own', async () => {
  const base = scratchDir('pvcheck-sweep-');
  const live = await sleeper();
  try {
    const dead = deadPid();
    const liveStart = startTime(live.pid!);
    assert.is.not(liveStart, '0', 'Linux gives a start time');
    const names = {
      dead: folderName(dead, '12345'),
      reused: folderName(live.pid!, String(Number(liveStart) + 1)),
      live: folderName(live.pid!, liveStart),
      own: folderName(process.pid, '999'),
      other: 'pvcheck-test-notapid',
      mutant: `pvcheck-mutant-0-${dead}.1-abcdef`,
    };
    for (const n of Object.values(names)) {
      mkdirSync(join(base, n, 'pvcheck-x-AbCdEf'), { recursive: true });
      writeFileSync(join(base, n, 'pvcheck-x-AbCdEf', 'f'), 'x');
    }
    assert.equal(sweepScratch(base).sort(), [names.dead, names.reused].sort());
    assert.equal(readdirSync(base).sort(), [names.live, names.own, names.other, names.mutant].sort());
    assert.equal(sweepScratch(base), [], 'nothing more to remove');
    assert.equal(sweepScratch(join(base, 'no-such-folder')), []);
  } finally {
    live.kill('SIGKILL');
  }
});

test('end to end: a process killed outright leaves its scratch folder; the next process to make a scratch directory removes it, not that of a process still running; a process that exits removes its own', async () => {
  const tmp = scratchDir('pvcheck-sweep-e2e-');
  const child = join(scratchDir('pvcheck-sweep-child-'), 'child.ts');
  writeFileSync(child, `
    import { writeFileSync } from 'node:fs';
    import { join } from 'node:path';
    import { scratchDir } from ${JSON.stringify(pathToFileURL(join(root, 'test/support/tmp.ts')).href)};
    const d = scratchDir('pvcheck-child-');
    writeFileSync(join(d, 'data'), 'x');
    process.stdout.write(d + '\\n');
    if (process.argv[2] === 'wait') setInterval(() => {}, 1000);
  `);
  const env = { ...process.env, TMPDIR: tmp };
  const start = (wait: boolean): Promise<{ c: ChildProcess; dir: string }> =>
    new Promise((r, j) => {
      const c = spawn(process.execPath, ['--import', join(root, 'bin/register.mjs'), child, ...(wait ? ['wait'] : [])], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      c.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('\n')) r({ c, dir: out.trim() });
      });
      c.on('exit', (code) => { if (!out.includes('\n')) j(new Error(`child exited ${code} before making its directory`)); });
    });
  const exited = (c: ChildProcess) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r)));
  const killed = await start(true);
  const kept = await start(true);
  try {
    const folderOf = (d: string) => resolve(d, '..');
    assert.is(folderOf(killed.dir), join(tmp, folderName(killed.c.pid!, startTime(killed.c.pid!))));
    killed.c.kill('SIGKILL');
    await exited(killed.c);
    assert.ok(existsSync(join(killed.dir, 'data')), 'a process killed outright cannot remove its folder');
    // a third process, which exits normally: it sweeps the killed one's folder and removes its own
    const third = await start(false);
    await exited(third.c);
    assert.not.ok(existsSync(folderOf(killed.dir)), 'the killed process\'s folder was swept');
    assert.ok(existsSync(join(kept.dir, 'data')), 'the running process\'s folder was kept');
    assert.not.ok(existsSync(folderOf(third.dir)), 'a process that exits removes its own folder');
    assert.equal(readdirSync(tmp), [folderName(kept.c.pid!, startTime(kept.c.pid!))]);
  } finally {
    killed.c.kill('SIGKILL');
    kept.c.kill('SIGKILL');
    await exited(kept.c);
  }
});

test.run();
