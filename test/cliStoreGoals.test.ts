/**
 * `--store bitstate` on a model with AG EF goals (vif, limiter, xenbus,
 * grant): a bit array keeps no state ids, so a goal's backward pass cannot
 * run (checker/bitstate.ts makeStore). Until 2026-12-06 the run was refused
 * unless -i selected invariants; now (cli/check.ts goalsLeftOut) the
 * invariants and deadlock are checked and the goals left out are named: a
 * `goals  NOT CHECKED: ...` line, `goalsUnchecked` in --json, and the
 * verdict is never a plain ok (a bitstate run that finds nothing is
 * INCOMPLETE, exit 3; a violation it finds is one, exit 1). A goal named
 * with -i is refused in one line (exit 2): the user asked for what the store
 * cannot check. --store compact keeps ids and checks the goals as before.
 * limiter's pinned run with --store bitstate, and the tests' bound on lossy
 * runs, are in test/cliStoreGoalsLimiter (a file of their own: a third of
 * this file's time, which this file's mutants need not wait for).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findModel } from '../model/registry.js';
import { pvcheck } from './support/cli.js';
import { scratchDir } from './support/tmp.js';

const dir = scratchDir('pvcheck-store-goals-');
const goalsOf = (name: string): string[] => (findModel(name)!.goals ?? []).map((g) => g.name);
const invariantsOf = (name: string): string[] => findModel(name)!.invariants.map((i) => i.name);
const GOALS_LINE = /^ {2}goals {8}NOT CHECKED: (.*) \(AG EF goals: the bit array of --store bitstate keeps no state ids; check them without --store bitstate, or with --store compact\)$/m;

test('-i naming only invariants: nothing left out, no goals line; -i naming a goal: refused in one line, exit 2', () => {
  const inv = pvcheck(['check', 'vif', '-i', 'V_credit_in_range', '--store', 'bitstate', '--json', '-q'], dir);
  // no goal left out and every state kept exactly (the run never left the full table): ok, exit 0
  assert.is(inv.code, 0, inv.err);
  assert.is(JSON.parse(inv.out).outcome, 'ok');
  assert.is(JSON.parse(inv.out).goalsUnchecked, undefined);
  assert.equal(JSON.parse(inv.out).invariants, ['V_credit_in_range']);
  const bad = pvcheck(['check', 'vif', '-i', 'V_credit_in_range', '-i', 'V_teardown_ends_every_grant', '--store', 'bitstate', '-q'], dir);
  assert.is(bad.code, 2, bad.out);
  assert.is(bad.err.trim().split('\n').length, 1, bad.err);
  assert.match(bad.err, /^pvcheck: error: model vif: --store bitstate cannot check AG EF goals \(-i V_teardown_ends_every_grant\): the bit array of --store bitstate keeps no state ids for their backward pass; check them without --store bitstate, or with --store compact$/m);
  assert.is(bad.out, '', 'nothing was searched');
});

test('--matrix with --store bitstate: every row says the goals were not checked', () => {
  const r = pvcheck(['check', 'vif', '--store', 'bitstate', '--matrix', 'connects=1,2', '--json', '-q'], dir);
  assert.is(r.code, 3, r.err);
  const rows = JSON.parse(r.out) as { outcome: string; goalsUnchecked?: string[] }[];
  assert.is(rows.length, 2);
  for (const row of rows) {
    assert.is(row.outcome, 'incomplete');
    assert.equal(row.goalsUnchecked, goalsOf('vif'));
  }
  const text = pvcheck(['check', 'vif', '--store', 'bitstate', '--matrix', 'connects=1,2', '-q'], dir);
  assert.match(text.out, /^goals {8}NOT CHECKED: V_teardown_ends_every_grant /m);
});

test('vif --store bitstate: every invariant and deadlock checked on the whole space, the goal named as not checked, INCOMPLETE (exit 3)', () => {
  assert.equal(goalsOf('vif'), ['V_teardown_ends_every_grant']);
  const full = pvcheck(['check', 'vif', '--json', '-q'], dir);
  assert.is(full.code, 0, full.err);
  const r = pvcheck(['check', 'vif', '--store', 'bitstate', '--json', '-q'], dir);
  assert.is(r.code, 3, r.err);
  const j = JSON.parse(r.out);
  assert.is(j.outcome, 'incomplete');
  assert.equal(j.goalsUnchecked, goalsOf('vif'));
  assert.equal(j.invariants, [...invariantsOf('vif'), 'deadlock'], 'the goal is not listed among what was checked');
  // 64 MiB for 1,309 states: the bit array misses none, so the invariants saw every state the full search sees
  assert.is(j.distinctStates, JSON.parse(full.out).distinctStates);
  assert.ok(JSON.parse(full.out).goalsUnchecked === undefined, 'the full store checks the goal');
  const text = pvcheck(['check', 'vif', '--store', 'bitstate', '-q'], dir);
  assert.is(text.code, 3);
  assert.match(text.out, /^ {2}outcome {6}INCOMPLETE \(bitstate\)/m);
  // every state kept exactly (never folded): the invariants are proved, only the goal is left open
  assert.match(text.out, /INCOMPLETE \(bitstate\): every invariant holds in every reachable state \(each state kept exactly\), but .* the goals \(AG EF\) are not checked$/m);
  assert.is(GOALS_LINE.exec(text.out)?.[1], 'V_teardown_ends_every_grant');
  assert.match(text.out, /^ {2}invariants {3}V_page_not_reused_while_mapped, .*deadlock$/m);
  assert.not.match(text.out, /^ {2}invariants .*V_teardown_ends_every_grant/m, 'not among the invariants checked');
});

test('grant --store bitstate finds G19 (a declared finding): VIOLATION, exit 1, and G20, G21 named as not checked', () => {
  const r = pvcheck(['check', 'grant', '-p', 'refs=1', '-p', 'pages=1', '--store', 'bitstate', '--json', '-q', '--trace-out', 'g19.trace.json'], dir);
  assert.is(r.code, 1, r.err);
  const j = JSON.parse(r.out);
  assert.is(j.violation.property, 'G19_readonly_grant_stays_readonly');
  assert.equal(j.goalsUnchecked, ['G20_granter_can_reclaim', 'G21_grantee_can_idle']);
  assert.ok(!j.invariants.includes('G20_granter_can_reclaim'));
});

test('--store compact keeps state ids: the goals are checked, nothing is left out', () => {
  const r = pvcheck(['check', 'vif', '--store', 'compact', '--json', '-q'], dir);
  assert.is(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.is(j.goalsUnchecked, undefined);
  assert.ok(j.invariants.includes('V_teardown_ends_every_grant'));
});

test.run();
