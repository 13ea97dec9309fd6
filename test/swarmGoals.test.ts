/**
 * `--swarm` on a model with AG EF goals (vif, limiter, xenbus, grant): a
 * member's bit array cannot check them. Until 2026-12-05 that was an
 * "internal error" (exit 70), then a refusal unless -i selected invariants;
 * since 2026-12-06 (cli/check.ts goalsLeftOut) a member checks the
 * invariants and names the goals it left out: on its line, in its
 * member-K.json (`goalsUnchecked`), and in `pvcheck merge` (text and --json),
 * whose verdict stays INCOMPLETE (exit 3) unless a member found a violation.
 * A goal named with -i is refused in one line (exit 2).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pvcheck } from './support/cli.js';
import { scratchDir } from './support/tmp.js';

const dir = scratchDir('pvcheck-swarm-goals-');
const GOALS_LINE = /^ {2}goals {8}NOT CHECKED: V_teardown_ends_every_grant \(AG EF goals: the bit array of --swarm keeps no state ids; check them without --swarm, or with --store compact\)$/m;

test('--swarm on vif (goal V_teardown_ends_every_grant): each member checks the invariants and names the goal; merge says it too (exit 3)', () => {
  const out = join(dir, 'a');
  for (const k of [1, 2]) {
    const r = pvcheck(['check', 'vif', '--swarm', `${k}/2`, '--out', out, '--time', '5s', '-q'], dir);
    assert.is(r.code, 3, r.err);
    assert.match(r.out, new RegExp(`^swarm member ${k} of 2 .*nothing found`, 'm'));
    assert.match(r.out, GOALS_LINE);
    const f = JSON.parse(readFileSync(join(out, `member-${k}.json`), 'utf8'));
    assert.equal(f.goalsUnchecked, ['V_teardown_ends_every_grant']);
  }
  const m = pvcheck(['merge', out], dir);
  assert.is(m.code, 3, m.err);
  assert.match(m.out, /^ {2}outcome {6}INCOMPLETE/m);
  assert.match(m.out, GOALS_LINE);
  const j = JSON.parse(pvcheck(['merge', out, '--json'], dir).out);
  assert.equal(j.goalsUnchecked, ['V_teardown_ends_every_grant']);
});

test('--swarm on vif with -i naming the goal: one line, exit 2, no member file', () => {
  const out = join(dir, 'c');
  const r = pvcheck(['check', 'vif', '-i', 'V_teardown_ends_every_grant', '--swarm', '1/2', '--out', out, '--time', '5s', '-q'], dir);
  assert.is(r.code, 2, r.err);
  assert.is(r.err.trim().split('\n').length, 1, r.err);
  assert.match(r.err, /^pvcheck: error: model vif: --swarm cannot check AG EF goals \(-i V_teardown_ends_every_grant\): the bit array of --swarm keeps no state ids for their backward pass; check them without --swarm, or with --store compact$/m);
  assert.is(r.out, '');
});

test('--swarm on vif with -i (its invariants only): the member runs (exit 3: a swarm is incomplete), nothing left out', () => {
  const out = join(dir, 'b');
  const r = pvcheck(['check', 'vif', '-i', 'V_credit_in_range', '--swarm', '1/2', '--out', out, '--time', '5s', '-q'], dir);
  assert.is(r.code, 3, r.err);
  assert.match(r.out + r.err, /swarm member 1 of 2 .*nothing found/);
  assert.not.match(r.out, /NOT CHECKED/);
  assert.is(JSON.parse(readFileSync(join(out, 'member-1.json'), 'utf8')).goalsUnchecked, undefined);
});

test('merge refuses members that left out other goals (one checked them with -i, one did not)', () => {
  const out = join(dir, 'd');
  assert.is(pvcheck(['check', 'vif', '--swarm', '1/2', '--out', out, '--time', '5s', '-q'], dir).code, 3);
  assert.is(pvcheck(['check', 'vif', '--swarm', '2/2', '--out', out, '--time', '5s', '-q'], dir).code, 3);
  const f = JSON.parse(readFileSync(join(out, 'member-2.json'), 'utf8'));
  delete f.goalsUnchecked;
  writeFileSync(join(out, 'member-2.json'), JSON.stringify(f));
  const m = pvcheck(['merge', out], dir);
  assert.is(m.code, 2, m.out);
  assert.match(m.err, /^pvcheck: error: merge: member 2 checked another run/m);
});

test.run();
