/**
 * The peer benchmark's independent figures for ring-notify,
 * /work/shared/bench/ring-spec.md (computed by SPIN and by the Python
 * reference explorer ring_notify_ref.py), as the tests use them: the §4 dump
 * order of the 16 variables, the §10 state-set digest and the §11 grid.
 */
import { createHash } from 'node:crypto';
import { deriveModel, type Rule } from '../../model/core.js';
import {
  CAN_PROD, F_PROD, F_FC1, F_WAIT, B_FC1, B_WAIT, ringNotify, type RingNotifyParams, type RingNotifyState,
} from '../../model/ringNotify.js';

/** §4: the 16 variables in dump order. */
export const FIELDS = [
  'req_prod', 'req_event', 'rsp_prod', 'rsp_event', 'fe_pc', 'req_prod_pvt', 'rsp_cons', 'fe_old',
  'fe_pending', 'fe_blocked', 'be_pc', 'rsp_prod_pvt', 'req_cons', 'be_old', 'be_pending', 'be_blocked',
] as const;

/** §11, copied from the table (N, M, states, edges, BFS depth, state_set_sha256). */
export const GRID: readonly (readonly [number, number, number, number, number, string])[] = [
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

/** §11 row of ring-notify NxM. */
export function gridPoint(N: number, M: number): { states: number; edges: number; depth: number; sha: string } {
  const row = GRID.find(([n, m]) => n === N && m === M);
  if (!row) throw new Error(`ring-spec.md §11 has no ${N}x${M}`);
  return { states: row[2], edges: row[3], depth: row[4], sha: row[5] };
}

/** §11: the BFS-shortest lost-wake-up counterexample of the §8 variant, in steps (N, M, length). */
export const LOST: readonly (readonly [number, number, number])[] = [[2, 4, 34], [2, 8, 34], [4, 4, 36], [4, 8, 48], [8, 8, 56]];

/** §10: one dump line of a state (its 16 values joined by ','). */
export const dumpLine = (s: RingNotifyState): string => FIELDS.map((f) => s[f]).join(',');

/** §10: lines sorted bytewise, each ending "\n", SHA-256. Sorts `lines` in place. */
export function stateSetSha256(lines: string[]): string {
  lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)); // ASCII only: code-unit order is byte order
  const h = createHash('sha256');
  for (const l of lines) h.update(l + '\n');
  return h.digest('hex');
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
/** §8: ring-notify with both final checks missing their re-check. */
export const lostWakeup = deriveModel(ringNotify, {
  name: 'ring-notify-lost-wakeup',
  description: 'ring-notify with both final checks missing their re-check (ring-spec.md §8)',
  replace: { F9: [F9b, F9c], B8: B8b },
  remove: ['F10', 'F11', 'F12', 'B9', 'B10'],
});
