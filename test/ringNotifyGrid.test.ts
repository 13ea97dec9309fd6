/**
 * The ring-notify model (model/ringNotify.ts) against the peer benchmark's
 * independent figures, /work/shared/bench/ring-spec.md §11 (computed by SPIN
 * and by the Python reference explorer ring_notify_ref.py): states, edges, BFS
 * depth, the unique terminal state, and the SHA-256 of the canonical state
 * dump of §10, on every grid point that runs in a few seconds here. Then the
 * lost-wake-up variant of §8, built with deriveModel, against the shortest
 * counterexample lengths of §11.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isFinal, ringNotify, type RingNotifyState } from '../model/ringNotify.js';
import { checkModel, paramsOf } from '../checker/fixtures/run.js';
import { refValidTrace } from '../checker/fixtures/reference.js';
import { GRID, LOST, dumpLine, lostWakeup, stateSetSha256 } from './support/ringSpec.js';

for (const [N, M, states, edges, depth, sha] of GRID) {
  for (const forceGeneric of N * M <= 32 ? [false, true] : [false]) {
    test(`ring-notify ${N}x${M}${forceGeneric ? ' (immer path)' : ''}: ${states} states, ${edges} edges, depth ${depth}, state-set SHA-256 of §10`, () => {
      const lines: string[] = [];
      let finals = 0;
      const p = paramsOf(ringNotify, { ringSize: N, messages: M });
      const r = checkModel(ringNotify, { ringSize: N, messages: M }, {
        forceGeneric,
        onState: (s: RingNotifyState) => {
          lines.push(dumpLine(s));
          if (isFinal(s, p)) finals++;
        },
      });
      assert.is(r.outcome, 'ok');
      assert.is(r.distinctStates, states);
      assert.is(r.edges, edges);
      assert.is(r.depth, depth);
      assert.is(r.terminalStates, 1);
      assert.is(finals, 1);
      assert.is(lines.length, states);
      assert.is(stateSetSha256(lines), sha);
    });
  }
}

// --- §8: the lost-wake-up variant

for (const [N, M, len] of LOST) {
  test(`ring-notify-lost-wakeup ${N}x${M}: I4_no_lost_wakeup fails after ${len} steps`, () => {
    const r = checkModel(lostWakeup, { ringSize: N, messages: M });
    assert.is(r.outcome, 'violation');
    assert.is(r.violation!.property, 'I4_no_lost_wakeup');
    const tr = r.violation!.trace;
    assert.is(tr.length - 1, len);
    assert.is(refValidTrace(lostWakeup, paramsOf(lostWakeup, { ringSize: N, messages: M }), tr), undefined);
    const last = tr.at(-1)!.state;
    assert.ok(last.fe_blocked === 1 && last.fe_pending === 0 && last.be_blocked === 1 && last.be_pending === 0);
  });
}

test('ring-notify-lost-wakeup keeps the other rules and drops exactly F9..F12, B8..B10', () => {
  assert.equal(lostWakeup.rules.map((r) => r.name), ['F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9b', 'F9c', 'F13',
    'B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8b', 'B11']);
});

test.run();
