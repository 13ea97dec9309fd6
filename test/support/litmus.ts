/**
 * Litmus-test helpers shared by test/litmus.test.ts and test/litmusLkmm.test.ts:
 * the outcomes pvcheck's checker reaches for a model/litmus.ts test, and the
 * sequentially consistent outcomes by a naive interleaver that shares no code
 * with memory.ts, litmus.ts or the checker.
 */
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { bind } from '../../properties/bind.js';
import { check } from '../../checker/explore.js';
import { litmusModel, isFinal, outcomeOf, type LitmusTest } from '../../model/litmus.js';
import type { MemoryModel } from '../../model/memory.js';
import { paramsOf } from './models.js';

/** Every final outcome the checker reaches for `t` under `mm`. */
export function reachedOutcomes(t: LitmusTest, mm: MemoryModel): Set<string> {
  const m = litmusModel(t);
  const out = new Set<string>();
  // Without the exists invariant: the search must not stop at the outcome it asks about.
  const sys = bind(m, paramsOf(m, { memory: mm }), { invariants: [] });
  if (E.isLeft(sys)) throw new Error(sys.left);
  const r = check(sys.right, { onState: (s) => { if (isFinal(t, s)) out.add(outcomeOf(t, s)); } });
  assert.is(r.outcome, 'ok', `${t.name} ${mm}: ${r.outcome}`);
  return out;
}

/**
 * The sequentially consistent outcomes, by a naive interleaver: every order of
 * the threads' instructions, fences ignored, on a plain memory.
 */
export function scOutcomes(t: LitmusTest): Set<string> {
  const locs = [...new Set(t.threads.flat().flatMap((x) => ('loc' in x ? [x.loc] : [])))];
  const out = new Set<string>();
  const go = (pcs: number[], mem: Map<string, number>, regs: Map<string, number>): void => {
    let moved = false;
    t.threads.forEach((prog, i) => {
      const x = prog[pcs[i]!];
      if (!x) return;
      moved = true;
      const m2 = new Map(mem), r2 = new Map(regs), p2 = [...pcs];
      p2[i]!++;
      if (x.op === 'W' && (x.if === undefined || r2.get(`${i}:${x.if}`) !== 0)) m2.set(x.loc, x.val);
      if (x.op === 'R') r2.set(`${i}:${x.reg}`, m2.get(x.loc) ?? 0);
      go(p2, m2, r2);
    });
    if (!moved) out.add([...[...regs].map(([k, v]) => `${k}=${v}`), ...locs.map((l) => `${l}=${mem.get(l) ?? 0}`)].sort().join(' '));
  };
  go(t.threads.map(() => 0), new Map(), new Map());
  return out;
}

