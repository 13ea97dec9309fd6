/**
 * Fast killer for two nc2 mutants that only files of 20-40 s killed (session 31: nc2Rings' second test
 * after 31-33 s at load 12, nc2Fixes' F3 test after 14-18 s; `npm run mutants -- --which`): a check of
 * what the mutated lines stand for, at the small point test/nc2Fixes' F3 uses (a hostile backend, two
 * directions, no messages: it writes pads lap after lap), computed here, no figure written down.
 *
 * - nc2-padrun-capped-at-ring (model/nc2.ts consume: the ghost padRun is capped at ringBytes + 1, one
 *   byte past a ring, so that H5 can fail) and nc2-h5-ring-plus-one-allowed (H5_pads_within_a_ring's
 *   bound, padRun <= ringBytes): the search stops at H5, in a state where a ring's padRun is exactly
 *   ringBytes + 1, and every state before it on the trace has each ring's padRun within a ring.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nc2, type Nc2State } from '../model/nc2.js';
import { paramsOf, runModel } from './support/models.js';

test('nc2 H5 (nc2-padrun-capped-at-ring, nc2-h5-ring-plus-one-allowed): a hostile backend\'s pads break H5 exactly one byte past a ring', () => {
  const p = paramsOf(nc2, { backend: 'hostile', directions: '2', messages: '0' });
  const r = runModel(nc2, p);
  assert.is(r.violation?.property, 'H5_pads_within_a_ring', `outcome ${r.outcome}`);
  const states = r.violation!.trace.map((s) => s.state as Nc2State);
  const runs = (s: Nc2State) => s.cons.map((c) => c.padRun);
  assert.ok(runs(states.at(-1)!).includes(p.ringBytes + 1), `the last state's padRuns ${runs(states.at(-1)!).join(', ')}, ringBytes ${p.ringBytes}`);
  for (const s of states.slice(0, -1)) assert.ok(runs(s).every((n) => n <= p.ringBytes), `a state before the last with padRuns ${runs(s).join(', ')}`);
});

test.run();
