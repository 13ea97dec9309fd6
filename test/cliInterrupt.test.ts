/**
 * One interrupt policy for every command (issue 16 point 3): the first SIGINT
 * (Ctrl-C) or SIGTERM stops the whole command, which prints the report of
 * what it did and exits 3; nothing is left half-written. Each case spawns
 * `node bin/pvcheck.mjs` and signals it once a readiness line (a progress line
 * on stderr) shows it is at work: never after a fixed sleep, which a loaded
 * machine makes flaky.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scratchDir } from './support/tmp.js';
import { PROGRESS, pvcheck, pvcheckInterrupted } from './support/cli.js';
import { pinnedDefault } from './support/pinnedDefaults.js';

const root = resolve(import.meta.dirname, '..');
const tmp = scratchDir('pvcheck-int-');

/** Runs pvcheck in the scratch folder, sends `signal` once stderr matches `ready`, and returns how it ended. */
async function interrupted(args: string[], ready: RegExp, signal: NodeJS.Signals = 'SIGINT') {
  // progress every 20 ms: on a quiet machine check-all's models end within the default 2 s,
  // so without it no readiness line would come before the run ends
  const r = await pvcheckInterrupted(args, tmp, ready, signal, { PVCHECK_PROGRESS_MS: '20' });
  assert.not.ok(r.early, `pvcheck ${args.join(' ')} ended before it was interrupted:\n${r.out}${r.err}`);
  return r;
}

const BIG = ['-p', 'ringSize=16', '-p', 'messages=64'];

test('check: SIGTERM is handled as Ctrl-C: partial JSON report, exit 3', async () => {
  const r = await interrupted(['check', 'ring-notify', ...BIG, '--json'], PROGRESS, 'SIGTERM');
  assert.is(r.code, 3, r.err);
  const j = JSON.parse(r.out);
  assert.is(j.outcome, 'incomplete');
  assert.is(j.incompleteReason, 'interrupted');
  assert.match(r.err, /terminated \(SIGTERM\): stopping/);
});

test('check --matrix: Ctrl-C stops the whole matrix (not only the current cell), exit 3', async () => {
  const r = await interrupted(['check', 'ring-notify', '-p', 'ringSize=16', '--matrix', 'messages=64,65,66'], PROGRESS);
  assert.is(r.code, 3, r.err);
  assert.match(r.out, /incomplete \(interrupted\)/);
  assert.match(r.out, /INTERRUPTED: 2 of 3 combinations not run/);
  assert.is(r.out.match(/^ +6[456]  /gm)?.length ?? 0, 1, `one row only:\n${r.out}`);
});

test('check-all: Ctrl-C stops the run (no further model is checked), the table so far is printed, exit 3', async () => {
  const r = await interrupted(['check-all'], PROGRESS);
  assert.is(r.code, 3, r.err);
  assert.match(r.out, /INCOMPLETE \(interrupted\)/);
  assert.match(r.out, /INTERRUPTED: \d+ of \d+ models not checked/);
  assert.is(r.out.match(/INCOMPLETE \(interrupted\)/g)!.length, 1, 'only the model running when interrupted is incomplete, the rest not run');
});

test("check-all: Ctrl-C after a trace was written keeps it whole: the limiter's L3 trace, written before xenbus runs, parses and reproduces; the table lists it, exit 3", async () => {
  const dir = scratchDir('pvcheck-int-trace-');
  const r = await pvcheckInterrupted(['check-all'], dir, /progress xenbus depth/, 'SIGINT', { PVCHECK_PROGRESS_MS: '20' });
  assert.not.ok(r.early, `check-all ended before it was interrupted:\n${r.out}${r.err}`);
  assert.is(r.code, 3, r.err);
  const file = 'pvcheck-limiter-L3_work_per_window.trace.json';
  assert.ok(readdirSync(dir).includes(file), `written before the signal: ${readdirSync(dir).join(', ')}`);
  assert.match(r.out, new RegExp(`known finding \\(docs/models\\): VIOLATION of L3_work_per_window .* -> ${file.replace(/\./g, '\\.')}`));
  assert.match(r.out, /^ *xenbus .*INCOMPLETE \(interrupted\)/m);
  const replay = pvcheck(['replay', file], dir);
  assert.is(replay.code, 1, replay.err);
  // the limiter at its defaults: the finding's length is test/pinned.json's ('L3_work_per_window in N steps')
  const steps = /^L3_work_per_window in (\d+) steps$/.exec(pinnedDefault('limiter').entry.violation ?? '')?.[1];
  assert.ok(steps, "test/pinned.json's limiter entry pins L3_work_per_window's length");
  assert.match(replay.out, new RegExp(`^REPRODUCED at step ${steps}: L3_work_per_window$`, 'm'));
});

test('diff: Ctrl-C during the explorations ends them at once: the report says so, exit 3', async () => {
  // the explorations run in a worker thread (cli/phaseWorker.ts): the signal does not wait for them
  const t = Date.now();
  const r = await interrupted(['diff', 'ring-notify', join(root, 'examples/ring-no-recheck.ts'), '-p', 'ringSize=8', '-p', 'messages=64'], /^diff: exploring/m);
  assert.is(r.code, 3, r.err);
  assert.match(r.out, /^diff ring-notify -> ring-no-recheck: INTERRUPTED during the explorations: nothing compared, no verdict$/m);
  assert.ok(Date.now() - t < 120_000, 'ended well before the explorations would have');
});

test('vectors: Ctrl-C during the generation writes nothing, exit 3', async () => {
  const out = join(tmp, 'v');
  const r = await interrupted(['vectors', 'ring', '-p', 'ringSize=2', '-p', 'messages=3', '--cover', 'edges', '--out', out], /^vectors: generating/m);
  assert.is(r.code, 3, r.err);
  assert.match(r.err, /interrupted: the suite was not generated \(.* is as it was\)/);
  assert.not.ok(existsSync(out));
  assert.equal(readdirSync(tmp).filter((f) => /tmp/.test(f)), [], 'no temporary folder left');
});

test("replay: Ctrl-C stops the search for a goal state: the replay's report, inconclusive, exit 3", async () => {
  // a recoverability trace whose goal no state reaches: replay would search a million states
  const trace = join(tmp, 'goal.trace.json');
  writeFileSync(
    trace,
    JSON.stringify({ format: 'pvcheck-trace', version: 1, model: 'slow-goal', params: { n: 2000 }, property: { name: 'never', kind: 'recoverability' }, steps: [{ action: 'init', rule: null, state: { a: 0, b: 0 } }] }),
  );
  const r = await interrupted(['replay', trace, '--model', join(root, 'test/fixtures/slow-goal.ts')], /^replay: searching from the state of step 0 for one where goal never holds \(Ctrl-C stops\)$/m);
  assert.is(r.code, 3, r.err);
  assert.match(r.out, /^INCONCLUSIVE at step 0: never$/m);
  assert.match(r.out, /interrupted: searched \d+ states from the state of step 0/);
});

test('catalogue: Ctrl-C stops at the running check: the rows so far, exit 3', async () => {
  const r = await interrupted(['catalogue', join(root, 'test/fixtures/catalogue/slow.ts'), join(root, 'test/fixtures/catalogue/declared.ts')], /^catalogue .*slow\.ts check .*: ok/m);
  assert.is(r.code, 3, r.err);
  assert.match(r.out, /slow\.ts +check -p ringSize=16 -p messages=64 .* interrupted/);
  assert.not.match(r.out, /declared\.ts/, 'no example after the interrupted one is run');
  assert.match(r.out, /INTERRUPTED: the remaining checks were not run/);
});

test("through npx: Ctrl-C to the terminal's process group gives the report; npm's exit code is 3 with script-shell bash, 130 with its default sh (README)", async () => {
  // a terminal's Ctrl-C goes to the whole foreground group: npm, its `sh -c`, and pvcheck
  const { spawn } = await import('node:child_process');
  for (const [shell, want] of [['', 130], ['/bin/bash', 3]] as const) {
    const env = { ...process.env, PVCHECK_PROGRESS_MS: '20', ...(shell ? { npm_config_script_shell: shell } : {}) };
    const child = spawn('npx', ['--no-install', 'pvcheck', 'check', 'ring-notify', ...BIG, '--json'], { cwd: root, env, detached: true });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    await new Promise<void>((res) => {
      child.stderr.on('data', (d) => {
        err += d;
        if (PROGRESS.test(err)) res();
      });
      child.on('exit', () => res());
    });
    assert.is(child.exitCode, null, `npx pvcheck ended before it was interrupted: ${err}`);
    process.kill(-child.pid!, 'SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', (c, sig) => r(c ?? (sig === 'SIGINT' ? 130 : -1))));
    // pvcheck may still be writing its report after npm exits: wait for the JSON to end
    for (let i = 0; i < 100 && !/\}\s*$/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
    assert.is(code, want, `script-shell ${shell || 'sh'}: ${err}`);
    assert.is(JSON.parse(out).incompleteReason, 'interrupted', `script-shell ${shell || 'sh'}: the report`);
  }
});

test.run();
