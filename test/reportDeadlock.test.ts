/**
 * A report says "no deadlock" and names `deadlock` among what it checked only
 * when the search checked it: `-i NAME` without deadlock and `--no-deadlock`
 * turn the check off (checkDeadlock: false), and the result says so
 * (CheckResult.deadlockChecked) on one thread and on workers. Before, every
 * ok run with a terminal state said ", no deadlock", so `check xenbus -p
 * frontend=mirage -i X4_connected_after_hotplug` said it of a model that
 * deadlocks (finding M1).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { check } from '../checker/explore.js';
import { checkParallel, closeWorkerPool } from '../checker/parallel.js';
import { workerSystemLoader } from '../cli/workerSystem.js';
import { loadModel } from '../cli/loadModel.js';
import { outcomeLine } from '../cli/report.js';
import { bind } from '../properties/bind.js';

const root = resolve(import.meta.dirname, '..');
const pv = (args: string[]) => spawnSync(process.execPath, [resolve(root, 'bin/pvcheck.mjs'), ...args], { encoding: 'utf8' });

test('deadlockChecked follows checkDeadlock on one thread and on 2 workers, and the outcome line follows it', async () => {
  const m = await loadModel('ring-notify');
  const params = { ...(m.params.defaults as object), ringSize: 2, messages: 4 };
  const sys = bind(m, params);
  if (E.isLeft(sys)) throw new Error(sys.left);
  for (const checkDeadlock of [true, false]) {
    const one = check(sys.right, { checkDeadlock });
    const two = await checkParallel(sys.right, { checkDeadlock }, { loader: workerSystemLoader, args: { model: 'ring-notify', params } }, 2);
    for (const [who, r] of [['one thread', one], ['2 workers', two]] as const) {
      assert.is(r.outcome, 'ok', who);
      assert.ok(r.terminalStates > 0, `${who}: a terminal state, so the line could say "no deadlock"`);
      assert.is(r.deadlockChecked, checkDeadlock, who);
      assert.is(outcomeLine(r).endsWith(', no deadlock'), checkDeadlock, `${who}: ${outcomeLine(r)}`);
    }
  }
  await closeWorkerPool();
});

test('CLI: -i without deadlock and --no-deadlock neither say "no deadlock" nor list deadlock; the default does both', () => {
  const cases: [string[], boolean][] = [
    [[], true],
    [['-i', 'deadlock'], true],
    [['-i', 'I1_no_overflow'], false],
    [['--no-deadlock'], false],
  ];
  for (const [extra, checked] of cases) {
    const r = pv(['check', 'ring-notify', '--workers', '1', ...extra]);
    assert.is(r.status, 0, r.stderr);
    const outcome = r.stdout.split('\n').find((l) => l.trimStart().startsWith('outcome')) ?? '';
    const named = (r.stdout.split('\n').find((l) => l.trimStart().startsWith('invariants')) ?? '').split(/[ ,]+/);
    assert.is(outcome.includes('no deadlock'), checked, `${extra.join(' ')}: ${outcome}`);
    assert.is(named.includes('deadlock'), checked, `${extra.join(' ')}: invariants line`);
    if (!extra.includes('--no-deadlock')) continue; // --json builds its list as the human report does: one case
    const j = pv(['check', 'ring-notify', '--workers', '1', '--json', '-q', ...extra]);
    assert.is((JSON.parse(j.stdout) as { invariants: string[] }).invariants.includes('deadlock'), checked, `${extra.join(' ')} --json`);
  }
});

test.run();
