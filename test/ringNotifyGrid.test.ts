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
import { createHash } from 'node:crypto';
import { deriveModel, type Rule } from '../model/core.js';
import {
  CAN_PROD, F_PROD, F_FC1, F_WAIT, B_FC1, B_WAIT, isFinal, ringNotify, type RingNotifyParams, type RingNotifyState,
} from '../model/ringNotify.js';
import { checkModel, paramsOf } from '../checker/fixtures/run.js';
import { refValidTrace } from '../checker/fixtures/reference.js';

/** §4: the 16 variables in dump order. */
const FIELDS = [
  'req_prod', 'req_event', 'rsp_prod', 'rsp_event', 'fe_pc', 'req_prod_pvt', 'rsp_cons', 'fe_old',
  'fe_pending', 'fe_blocked', 'be_pc', 'rsp_prod_pvt', 'req_cons', 'be_old', 'be_pending', 'be_blocked',
] as const;

/** §11, copied from the table (N, M, states, edges, BFS depth, state_set_sha256). */
const GRID: [number, number, number, number, number, string][] = [
  [2, 4, 3580, 6901, 53, '7eed52721da8563841825859218f412f2cec36cfa2c7644198b6d669a7c51365'],
  [2, 8, 16888, 32969, 92, '7de74a6a7896cae0004a25749da09fe809e1583d5e9b250c748e89a1653925a0'],
  [2, 16, 74128, 145585, 168, 'd26785f6aee94a9efd0fb25413c5ff6cd3c33365305d28c1298986ed17fa9103'],
  [2, 32, 311104, 612737, 320, 'cf4ef882f8a77c8d2622b46b78ecb822c067ca4f4e29e98bfb7e2f86a7346866'],
  [4, 4, 1826, 3502, 45, '00dd560972aafe6a7b4aac51371211d7e364e637e0346b48621147a606740dd8'],
  [4, 8, 19184, 37589, 81, 'a361cbb07160d946ec95d828307455cb87084daed1415283a13a936302ac227c'],
  [4, 16, 138776, 274725, 143, '9d56a9103dac8cadd74fe19cd89cb41d433281417e44b34245724a9c9ae600c7'],
  [4, 32, 758408, 1506821, 267, 'b1a3976bc57985bd9ad5cc6731070bbc3179ff2c19e256b8fa1abd3af45362c9'],
  [8, 4, 1826, 3502, 45, '00dd560972aafe6a7b4aac51371211d7e364e637e0346b48621147a606740dd8'],
  [8, 8, 7202, 14066, 69, '8c076fc77f06167656503776cdb346ff054164c3797799cc269627469db42de1'],
  [8, 16, 150768, 298405, 130, '4a0abb0168aa550cf9f5ff99d4a51706cbc9a107f08564961a1f3e6c8f41b984'],
];

/** §10: each state as its 16 values joined by ',', lines sorted bytewise, each ending "\n", SHA-256. */
function stateSetSha256(lines: string[]): string {
  lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)); // ASCII only: code-unit order is byte order
  const h = createHash('sha256');
  for (const l of lines) h.update(l + '\n');
  return h.digest('hex');
}

for (const [N, M, states, edges, depth, sha] of GRID) {
  for (const forceGeneric of N * M <= 32 ? [false, true] : [false]) {
    test(`ring-notify ${N}x${M}${forceGeneric ? ' (immer path)' : ''}: ${states} states, ${edges} edges, depth ${depth}, state-set SHA-256 of §10`, () => {
      const lines: string[] = [];
      let finals = 0;
      const p = paramsOf(ringNotify, { ringSize: N, messages: M });
      const r = checkModel(ringNotify, { ringSize: N, messages: M }, {
        forceGeneric,
        onState: (s: RingNotifyState) => {
          lines.push(FIELDS.map((f) => s[f]).join(','));
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

type R = Rule<RingNotifyState, RingNotifyParams>;
const F9b: R = {
  name: 'F9b', actor: 'frontend', doc: 'RING_FINAL_CHECK_FOR_RESPONSES without the re-check: rsp_event = rsp_cons + 1, then produce',
  see: 'ring-spec.md §8 (missing re-check after the event-index write)',
  when: (s, p) => s.fe_pc === F_FC1 && CAN_PROD(s, p),
  then: (d, s) => { d.rsp_event = s.rsp_cons + 1; d.fe_pc = F_PROD; },
};
const F9c: R = {
  name: 'F9c', actor: 'frontend', doc: 'RING_FINAL_CHECK_FOR_RESPONSES without the re-check: rsp_event = rsp_cons + 1, then block',
  see: 'ring-spec.md §8 (missing re-check after the event-index write)',
  when: (s, p) => s.fe_pc === F_FC1 && !CAN_PROD(s, p),
  then: (d, s) => { d.rsp_event = s.rsp_cons + 1; d.fe_pc = F_WAIT; d.fe_blocked = 1; },
};
const B8b: R = {
  name: 'B8b', actor: 'backend', doc: 'RING_FINAL_CHECK_FOR_REQUESTS without the re-check: req_event = req_cons + 1, then block',
  see: 'ring-spec.md §8 (missing re-check after the event-index write)',
  when: (s) => s.be_pc === B_FC1,
  then: (d, s) => { d.req_event = s.req_cons + 1; d.be_pc = B_WAIT; d.be_blocked = 1; },
};
const lostWakeup = deriveModel(ringNotify, {
  name: 'ring-notify-lost-wakeup',
  description: 'ring-notify with both final checks missing their re-check (ring-spec.md §8)',
  replace: { F9: [F9b, F9c], B8: B8b },
  remove: ['F10', 'F11', 'F12', 'B9', 'B10'],
});

/** §11: the BFS-shortest lost-wake-up counterexample, in steps. */
const LOST: [number, number, number][] = [[2, 4, 34], [2, 8, 34], [4, 4, 36], [4, 8, 48], [8, 8, 56]];
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
