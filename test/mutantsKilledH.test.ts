/**
 * Tests written for the mutants of session 25's code that survived the tests their authors
 * named (test/mutants/mutants.json; `PVCHECK_MUTANT_JOBS=2 node bin/mutants.mjs ID...`).
 *
 * - grant-g11-count-dropped (nested's 592c29e rewrote G11 as loops over a reused scratch array):
 *   without its count, G11 checks only that each handle the driver owns is a driver mapping, not
 *   that every driver mapping is owned, so a mapping the driver lost track of while connected
 *   (XSA-367's leak) passes. No reachable state of the model fails G11 (netback is honest), so
 *   no search sees it: G11 is asked of a reachable connected state with the ring mapped, and of
 *   that state with the ring's handle forgotten (its mapping left in the maptrack).
 * - finding-one-step-refused (session 29, test/support/findingsTable.ts): docs/findings.md's
 *   result cell of a 1-step finding reads "in 1 step"; the table's parser takes it (and "N
 *   steps"), and still refuses a cell with no step count.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { produce, type Draft } from 'immer';
import { CONN_UP, G11, grant } from '../model/grant.js';
import { paramsOf, runModel } from './support/models.js';
import { parseFindingRows } from './support/findingsTable.js';

type GrantState = ReturnType<typeof grant.init>[number];

test('grant G11 (grant-g11-count-dropped): a driver mapping nobody owns while connected (the ring\'s handle forgotten) fails G11; the reachable state it comes from holds it', () => {
  const p = paramsOf(grant, {});
  let seen: GrantState | undefined;
  runModel(grant, p, {
    checkDeadlock: false,
    onState: (s: GrantState) => {
      if (seen === undefined && s.conn === CONN_UP && s.ringh >= 0 && s.mt[s.ringh]?.drv === 1) seen = s;
    },
  });
  assert.ok(seen, 'a connected state with the ring mapped by the driver is reachable');
  assert.ok(G11.holds(seen!, p), 'G11 holds in the reachable state');
  const leaked = produce(seen!, (d: Draft<GrantState>) => { d.ringh = -1; });
  assert.is(leaked.mt[seen!.ringh]!.drv, 1, 'the mapping stays');
  assert.not.ok(G11.holds(leaked, p), 'a driver mapping nobody owns, while connected: G11 fails');
});

test('findings table (finding-one-step-refused): "in 1 step" and "in N steps" parse, with the row\'s model, parameters and property; a result with no step count is refused', () => {
  const rows = parseFindingRows([
    '| one | `pvcheck check blkif -p ops=rw+flush+fua -i F_x` | `F_x` in 1 step | one step |',
    '| two | `pvcheck check xenbus` | deadlock in 7 steps | seven |',
  ].join('\n'));
  assert.equal(
    rows.map((r) => [r.id, r.model, r.params, r.only, r.property, r.steps]),
    [['one', 'blkif', { ops: 'rw+flush+fua' }, ['F_x'], 'F_x', 1], ['two', 'xenbus', {}, [], 'deadlock', 7]],
  );
  // uvu's assert.throws rethrows an assertion failure as its own: catch it here
  let refused = '';
  try {
    parseFindingRows('| bad | `pvcheck check xenbus` | deadlock | no count |');
  } catch (e) {
    refused = (e as Error).message;
  }
  assert.match(refused, /^bad: result 'deadlock' is not/);
});

test.run();
