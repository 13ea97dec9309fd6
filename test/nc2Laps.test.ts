/**
 * Why 3 laps (docs/models/nc2.md "How far the frontend reads"): between two
 * of the backend's writes to ring 1 the frontend's reads repeat within 3 laps
 * of where it stood at the last write, so reading further shows it nothing
 * new. Checked on ring 1 alone (`directions=2 messages=0`, the backend's 3
 * writes): every state of ring 1 reached with `hostileLaps=6`, seen up to the
 * laps (each index relative to `cons_pvt`, one more than 2 rings away kept
 * only modulo the ring; `cons_pvt` modulo the ring; `lapFrom` dropped), is
 * reached with `hostileLaps=3`, and with 2 laps it is not: the bound is where
 * the argument puts it, the smallest that sees everything (2026-12-06: 30,608
 * such states of the built-in at 3 and 6 laps, 128 of them missed at 2; F3's
 * fix 28,224, 64 missed). The search goes on past every
 * violation (no invariant), for the built-in (F3's pad loop) and F3's fix.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Model } from '../model/core.js';
import { check } from '../checker/explore.js';
import { idxSub } from '../model/idx32.js';
import { nc2, type Nc2Params, type Nc2State } from '../model/nc2.js';
import padOffsetFix from '../examples/nc2-pad-offset-fix.js';
import { paramsOf, systemOf } from './support/models.js';

type M = Model<Nc2State, Nc2Params>;

/** Ring 1's part of a state up to the laps: indices relative to cons_pvt, far ones (over 2 rings) modulo the ring. */
const upToLaps = (s: Nc2State, p: Nc2Params): string => {
  const x = s.cons[1]!.cons_pvt, R = p.ringBytes;
  const rel = (i: number) => {
    const d = idxSub(i, x), back = idxSub(x, i);
    return d <= 2 * R + 8 ? d : back <= 2 * R + 8 ? -back : `far${i & (R - 1)}`;
  };
  const sr = s.sring[1]!, c = s.cons[1]!;
  return JSON.stringify([
    sr.payload, rel(sr.prod), rel(sr.prod_event), rel(sr.cons), rel(sr.cons_event), sr.producer_active, sr.consumer_spinning,
    x & (R - 1), c.pc, rel(c.local_cons), rel(c.prod_snap), rel(c.old), c.blocked, c.torn, c.padAsData, c.outside, c.stuck,
    c.spun, c.respun, c.padRun, s.hostileLeft, s.pending[0],
  ]);
};

const reached = (m: M, laps: number): Set<string> => {
  const p = paramsOf(m, { backend: 'hostile', directions: '2', messages: '0', hostileLaps: String(laps) });
  const seen = new Set<string>();
  const r = check({ ...systemOf(m, p), invariants: [] }, { checkDeadlock: false, onState: (s: Nc2State) => void seen.add(upToLaps(s, p)) });
  assert.is(r.outcome, 'ok');
  return seen;
};

for (const [name, m] of [['nc2', nc2 as M], ['examples/nc2-pad-offset-fix.ts', padOffsetFix as unknown as M]] as const) {
  test(`${name}: ring 1 read 6 laps past the backend's last write shows nothing 3 laps do not; 2 laps miss some`, () => {
    const three = reached(m, 3), six = reached(m, 6), two = reached(m, 2);
    const missing = [...six].filter((k) => !three.has(k));
    assert.is(missing.length, 0, `${missing.length} states up to the laps reached at 6 laps, not at 3: ${missing[0]}`);
    assert.is(three.size, six.size);
    assert.ok([...six].some((k) => !two.has(k)), 'at 2 laps nothing is missed: 3 would not be the smallest bound');
  });
}

test.run();
