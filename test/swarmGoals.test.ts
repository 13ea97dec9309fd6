/**
 * `--swarm` on a model with AG EF goals (vif, limiter, xenbus, grant): a
 * member's bit array cannot check them, which the user is told in one line
 * with exit 2 (bad input), as `--store bitstate` does; until 2026-12-05 it was
 * an "internal error" (exit 70). With -i (invariants only) the member runs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { pvcheck } from './support/cli.js';
import { scratchDir } from './support/tmp.js';

const dir = scratchDir('pvcheck-swarm-goals-');

test('--swarm on vif (goal V_teardown_ends_every_grant): one line naming the goal and -i, exit 2', () => {
  const r = pvcheck(['check', 'vif', '--swarm', '1/2', '--out', join(dir, 'a'), '--time', '5s', '-q'], dir);
  assert.is(r.code, 2, r.err);
  assert.is(r.err.trim().split('\n').length, 1, r.err);
  assert.match(r.err, /^pvcheck: error: model vif: --swarm cannot check AG EF goals \(V_teardown_ends_every_grant\): a member keeps its states in a bit array; select invariants with -i$/m);
});

test('--swarm on vif with -i (its invariants only): the member runs (exit 3: a swarm is incomplete)', () => {
  const r = pvcheck(['check', 'vif', '-i', 'V_credit_in_range', '--swarm', '1/2', '--out', join(dir, 'b'), '--time', '5s', '-q'], dir);
  assert.is(r.code, 3, r.err);
  assert.match(r.out + r.err, /swarm member 1 of 2 .*nothing found/);
});

test.run();
