/**
 * `npm run bench -- --rows` (bench/rows.ts): every check-all row as its own `pvcheck check` process,
 * this tree against --base. The rows are check-all's (each built-in at its defaults, then its
 * Model.checkAll runs, the properties a run leaves out not selected); two small rows are run for real
 * against this tree as the base (the counts must be equal); --callgrind runs under a stand-in valgrind
 * (a script on PATH that runs the command it is given and prints a count as callgrind does), since a
 * real one takes minutes a row. Bad input: one line, exit 2.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { rowsOf, rowsTable } from '../bench/rows.js';
import { builtinModels } from '../model/registry.js';
import { scratchDir } from './support/tmp.js';
import { pinnedDefault } from './support/pinnedDefaults.js';

/** ring-api's states at its defaults (test/pinned.json), the row both tests run. */
const ringApiStates = pinnedDefault('ring-api').entry.states;

const root = resolve(import.meta.dirname, '..');
const bench = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  spawnSync(process.execPath, [join(root, 'bin/pvcheck.mjs'), 'bench', '--rows', ...args], { cwd: scratchDir('pvcheck-rows-cwd-'), encoding: 'utf8', env });

test('rowsOf: check-all\'s rows in its order, each a pvcheck check command; a row that leaves properties out selects all the others (deadlock among them unless left out)', () => {
  const rows = rowsOf(builtinModels);
  const want = builtinModels.flatMap((m) => [m.name, ...(m.checkAll ?? []).map((r) => `${m.name} (${Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ')})`)]);
  assert.equal(rows.map((r) => r.label), want);
  assert.is(new Set(want).size, want.length, 'labels unique');
  let leaving = 0;
  for (const m of builtinModels)
    for (const run of m.checkAll ?? []) {
      const row = rows.find((r) => r.label.startsWith(`${m.name} (`) && Object.entries(run.params).every(([k, v]) => r.args.includes(`${k}=${v}`)))!;
      assert.equal(row.args.slice(0, 2), ['check', m.name]);
      const selected = row.args.flatMap((a, i) => (row.args[i - 1] === '-i' ? [a] : []));
      if (!run.leaveOut?.length) {
        assert.equal(selected, [], row.label);
        continue;
      }
      leaving++;
      const all = [...m.invariants.map((i) => i.name), ...(m.goals ?? []).map((g) => g.name), 'deadlock'];
      assert.equal(selected, all.filter((n) => !run.leaveOut!.includes(n)), row.label);
      for (const n of run.leaveOut) assert.not.ok(selected.includes(n), `${row.label} selects ${n}`);
    }
  assert.ok(leaving > 0, 'some row leaves a property out (grant setStatusPinned=xen)');
});

test('rowsTable: medians, the ratio this/base, a row whose counts differ or that the base refused says so, the sums', () => {
  const o = { repeat: 3, filters: [], workers: '1', callgrind: false, base: '/b' } as const;
  const t = rowsTable(
    [
      { row: { label: 'a', args: [] }, base: [{ states: 5, cost: 2 }, { states: 5, cost: 4 }, { states: 5, cost: 3 }], this: [{ states: 5, cost: 1 }, { states: 5, cost: 1.5 }, { states: 5, cost: 9 }] },
      { row: { label: 'b', args: [] }, base: [{ states: 7, cost: 1 }], this: [{ states: 8, cost: 1 }] },
      { row: { label: 'c', args: [] }, base: [{ refused: "model c has no parameter 'x'" }], this: [{ states: 1, cost: 1 }] },
    ],
    o,
  ).split('\n');
  assert.is(t[2], '| a | 5 | 3.00 (2.00 4.00 3.00) | 1.50 (1.00 1.50 9.00) | 0.500 |');
  assert.is(t[3], '| b | 7 -> 8 DIFFERENT | 1.00 (1.00) | 1.00 (1.00) | 1.000 |');
  assert.is(t[4], "| c | 1 | refused: model c has no parameter 'x' | 1.00 (1.00) |  |");
  assert.is(t[5], '| all 2 rows compared | | 4.00 (sum) | 2.50 (sum) | 0.625 (geometric mean of the rows 0.707) |');
});

test('bench --rows --filter ring-api --filter nc2-api --base THIS: both rows run in both trees, alternating; equal counts; the table', () => {
  const r = bench(['--filter', 'ring-api', '--filter', 'nc2-api', '--repeat', '1', '--base', root]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /^# 2 check-all rows, 1 run each, this tree and .* alternating, --workers 1, user\+sys CPU seconds$/m);
  assert.match(r.stderr, new RegExp(`ring-api base #1: ${ringApiStates} states, [\\d.]+ s CPU\nring-api this #1: ${ringApiStates} states`));
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('| '));
  assert.is(lines[0], '| row | states | base CPU s | this CPU s | this/base |');
  const cells = (label: string) => lines.find((l) => l.startsWith(`| ${label} |`))!.split(' | ');
  for (const label of ['ring-api', 'nc2-api']) {
    const c = cells(label).map((x) => x.replace(/^\| | \|$/g, ''));
    assert.not.match(c[1]!, /DIFFERENT/, c.join('|'));
    const [b, t] = [Number(c[2]!.split(' ')[0]), Number(c[3]!.split(' ')[0])];
    assert.ok(b > 0 && t > 0, c.join('|'));
    assert.ok(Math.abs(Number(c[4]) - t / b) < 0.0051, c.join('|'));
  }
  assert.is(cells('ring-api')[1], ringApiStates.toLocaleString('en-US'));
  assert.match(lines[lines.length - 1]!, /^\| all 2 rows compared \|/);
});

test('bench --rows --callgrind: each process under valgrind --tool=callgrind with node --single-threaded; the count it prints is the cell', () => {
  const bin = scratchDir('pvcheck-fake-valgrind-');
  const log = join(bin, 'calls.log');
  // a stand-in: `--version` answers; otherwise it logs its arguments, runs the command after the valgrind options and prints a count
  writeFileSync(
    join(bin, 'valgrind'),
    `#!/bin/sh\n[ "$1" = --version ] && { echo valgrind-3.0-fake; exit 0; }\necho "$*" >> ${log}\nshift 2\n"$@"\nrc=$?\necho "==1== Collected : 123456789" >&2\nexit $rc\n`,
  );
  chmodSync(join(bin, 'valgrind'), 0o755);
  const r = bench(['--filter', 'ring-api', '--callgrind'], { ...process.env, PATH: `${bin}:${process.env.PATH}` });
  assert.is(r.status, 0, r.stderr);
  assert.ok(r.stdout.includes(`| ring-api | ${ringApiStates.toLocaleString('en-US')} | 123.5 (123.5) |`), r.stdout);
  const calls = readFileSync(log, 'utf8').trim().split('\n');
  assert.is(calls.length, 1, 'one run by default under callgrind');
  assert.match(calls[0]!, /^--tool=callgrind --callgrind-out-file=\/dev\/null \S*node\S* --single-threaded \S*bin\/pvcheck\.mjs check ring-api -q --json --workers 1$/);
});

for (const [args, says] of [
  [['--repeat', '0'], /^pvcheck: error: --rows: --repeat expects a whole number of runs from 1 to 1000, got '0'$/],
  [['--workers', 'x'], /--rows: --workers expects a number of worker threads from 1 to 1024 or 'default', got 'x'$/],
  [['--filter', 'no-such-row'], /--rows: no check-all row matches --filter 'no-such-row' \(rows: ring-notify; .*nc2-api\)$/],
  [['--base', '/nonexistent/tree'], /--rows: --base \/nonexistent\/tree is not a pvcheck checkout with its node_modules/],
  [['--filter'], /--rows: --filter needs a value$/],
  [['--bogus'], /--rows: unknown option '--bogus' \(options: --base DIR/],
] as const) {
  test(`bench --rows ${args.join(' ')}: one line, exit 2`, () => {
    const r = bench([...args]);
    assert.is(r.status, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.is(lines.length, 1, r.stderr);
    assert.match(lines[0]!, says);
    assert.is(r.stdout, '');
  });
}

test.run();
