/**
 * The memory models of model/memory.ts against the outcomes published for
 * x86-TSO and ARMv8. Each classic litmus test is a small model
 * (model/litmus.ts) that pvcheck's own checker explores exhaustively under
 * `sc`, `tso` and `weak`; the set of final outcomes it reaches must equal,
 * exactly, the sequentially consistent outcomes (enumerated here by a naive
 * interleaver that shares no code with memory.ts or the checker) plus the
 * test's relaxed outcome where the cited source allows it. Then each fence and
 * dependency of a forbidden test is removed in turn, and the forbidden
 * outcome must appear.
 *
 * Sources (`src` of each entry), read in herdtools7 (github herd/herdtools7)
 * and the Linux tree:
 * - AARCH64: herdtools7 catalogue/aarch64/tests/kinds.txt (herd7, aarch64.cat: the ARMv8 model)
 * - AARCH64_MTE: herdtools7 catalogue/aarch64-MTE/tests/kinds.txt (its plain, untagged tests)
 * - READERS: herdtools7 catalogue/aarch64-readers-guide/tests/kinds.txt
 * - X86: herdtools7 catalogue/x86_64/kinds.txt (x86-TSO)
 * - HC: herdtools7 catalogue/herding-cats/arm/tests/arm.allowed ("Herding cats",
 *   Alglave, Maranget, Tautschnig, TOPLAS 2014): the ARMv7 model and what ARM
 *   hardware showed; ARMv8 is multi-copy atomic, so where the two columns differ
 *   ARMv8 follows the hardware column (Pulte et al., "Simplifying ARM
 *   concurrency", POPL 2018)
 * - LKMM: linux tools/memory-model/litmus-tests/*.litmus "Result:" lines
 *   (arm64 implements the Linux-kernel memory model with the same dmb
 *   instructions as xen_* barriers: a "Never" binds arm64)
 * - SDM: Intel SDM vol. 3A, "Stores Are Seen in a Consistent Order by Other
 *   Processors" (IRIW), and x86-TSO (Owens, Sarkar, Sewell, TPHOLs 2009)
 * Barriers: xen_mb = dmb ish (arm64) / mfence-class (x86); xen_rmb = dmb ishld
 * / compiler barrier; xen_wmb = dmb ishst / compiler barrier
 * (docs/models/memory.md).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MB, R, RMB, W, WMB, isFence, litmusModel, outcomeOf, type Instr, type LitmusTest } from '../model/litmus.js';
import { paramsOf, runModel } from './support/models.js';
import { reachedOutcomes, scOutcomes } from './support/litmus.js';

const AARCH64 = 'herdtools7 catalogue/aarch64/tests/kinds.txt';
const AARCH64_MTE = 'herdtools7 catalogue/aarch64-MTE/tests/kinds.txt';
const READERS = 'herdtools7 catalogue/aarch64-readers-guide/tests/kinds.txt';
const X86 = 'herdtools7 catalogue/x86_64/kinds.txt';
const HC = 'herdtools7 catalogue/herding-cats/arm/tests/arm.allowed';
const LKMM = 'linux tools/memory-model/litmus-tests';
const SDM = 'Intel SDM vol. 3A, Stores Are Seen in a Consistent Order by Other Processors';
const TSO = 'x86-TSO: only store-to-load order is relaxed, so a cycle of po (without W->R) and communication edges is forbidden';

type Verdict = 'allowed' | 'forbidden';
interface Entry {
  readonly test: LitmusTest;
  /** The relaxed (non-SC) outcome the test is about, in full: every register and every final value. */
  readonly relaxed: string;
  readonly tso: Verdict;
  readonly arm: Verdict;
  /** Where each verdict is published (test name as there). */
  readonly src: { readonly tso: string; readonly arm: string };
  /** weak is stronger than ARMv8 here (docs/models/memory.md): the outcome ARMv8 allows is not reached. */
  readonly weakDiffers?: string;
}

const lt = (name: string, threads: Instr[][], exists: Record<string, number>): LitmusTest => ({ name, threads, exists });
const e = (test: LitmusTest, relaxed: string, tso: Verdict, arm: Verdict, src: Entry['src'], weakDiffers?: string): Entry => ({ test, relaxed, tso, arm, src, ...(weakDiffers ? { weakDiffers } : {}) });
const A: Verdict = 'allowed', F: Verdict = 'forbidden';

// Message passing: P0 publishes x then y, P1 reads y then x.
const mp = (name: string, p0: Instr[], p1: Instr[]) => lt(name, [p0, p1], { '1:r0': 1, '1:r1': 0 });
const MP_OUT = '1:r0=1 1:r1=0 x=1 y=1';
// Store buffering.
const sb = (name: string, p0: Instr[], p1: Instr[]) => lt(name, [p0, p1], { '0:r0': 0, '1:r0': 0 });
const SB_OUT = '0:r0=0 1:r0=0 x=1 y=1';
// Load buffering.
const lb = (name: string, p0: Instr[], p1: Instr[]) => lt(name, [p0, p1], { '0:r0': 1, '1:r0': 1 });
const LB_OUT = '0:r0=1 1:r0=1 x=1 y=1';
const wrc = (name: string, p1: Instr[], p2: Instr[]) => lt(name, [[W('x', 1)], p1, p2], { '1:r0': 1, '2:r0': 1, '2:r1': 0 });
const WRC_OUT = '1:r0=1 2:r0=1 2:r1=0 x=1 y=1';
const iriw = (name: string, p1: Instr[], p3: Instr[]) => lt(name, [[W('x', 1)], p1, [W('y', 1)], p3], { '1:r0': 1, '1:r1': 0, '3:r0': 1, '3:r1': 0 });
const IRIW_OUT = '1:r0=1 1:r1=0 3:r0=1 3:r1=0 x=1 y=1';
const w22 = (name: string, p0: Instr[], p1: Instr[]) => lt(name, [p0, p1], { x: 2, y: 2 });
const R_ = (name: string, p0: Instr[], p1: Instr[]) => lt(name, [p0, p1], { y: 2, '1:r0': 0 });
const S_ = (name: string, p0: Instr[], p1: Instr[]) => lt(name, [p0, p1], { x: 2, '1:r0': 1 });
const isa2 = (name: string, p1: Instr[], p2: Instr[], p0: Instr[] = [W('x', 1), W('y', 1)]) => lt(name, [p0, p1, p2], { '1:r0': 1, '2:r0': 1, '2:r1': 0 });
const ISA2_OUT = '1:r0=1 2:r0=1 2:r1=0 x=1 y=1 z=1';

export const CATALOGUE: readonly Entry[] = [
  e(mp('MP', [W('x', 1), W('y', 1)], [R('r0', 'y'), R('r1', 'x')]), MP_OUT, F, A, { tso: `${X86} MP`, arm: `${AARCH64} MP` }),
  e(mp('MP+wmb+rmb', [W('x', 1), WMB, W('y', 1)], [R('r0', 'y'), RMB, R('r1', 'x')]), MP_OUT, F, F, { tso: `${X86} MP`, arm: `${AARCH64_MTE} MP+dmb.st+dmb.ld; ${LKMM}/MP+fencewmbonceonce+fencermbonceonce.litmus Never` }),
  e(mp('MP+wmb+addr', [W('x', 1), WMB, W('y', 1)], [R('r0', 'y'), R('r1', 'x', { dep: ['r0'] })]), MP_OUT, F, F, { tso: `${X86} MP`, arm: `${AARCH64_MTE} MP+dmb.st+addr` }),
  e(mp('MP+mbs', [W('x', 1), MB, W('y', 1)], [R('r0', 'y'), MB, R('r1', 'x')]), MP_OUT, F, F, { tso: `${X86} MP`, arm: `${AARCH64} MP+dmb.sys` }),
  e(mp('MP+mb+po', [W('x', 1), MB, W('y', 1)], [R('r0', 'y'), R('r1', 'x')]), MP_OUT, F, A, { tso: `${X86} MP`, arm: `${AARCH64} MP+dmb.sy+po` }),
  e(mp('MP+po+mb', [W('x', 1), W('y', 1)], [R('r0', 'y'), MB, R('r1', 'x')]), MP_OUT, F, A, { tso: `${X86} MP`, arm: `${AARCH64} MP+po+dmb.sy` }),

  e(sb('SB', [W('x', 1), R('r0', 'y')], [W('y', 1), R('r0', 'x')]), SB_OUT, A, A, { tso: `${X86} SB`, arm: `${AARCH64} SB` }),
  e(sb('SB+mbs', [W('x', 1), MB, R('r0', 'y')], [W('y', 1), MB, R('r0', 'x')]), SB_OUT, F, F, { tso: `${X86} SB+mfences`, arm: `${AARCH64} SB+dmb.sys; ${LKMM}/SB+fencembonceonces.litmus Never` }),
  e(sb('SB+mb+po', [W('x', 1), MB, R('r0', 'y')], [W('y', 1), R('r0', 'x')]), SB_OUT, A, A, { tso: `${X86} SB+mfence+po`, arm: `${AARCH64} SB+dmb.sy+po` }),

  e(lb('LB', [R('r0', 'x'), W('y', 1)], [R('r0', 'y'), W('x', 1)]), LB_OUT, F, A, { tso: `${X86} LB`, arm: `${AARCH64} LB; ${LKMM}/LB+poonceonces.litmus Sometimes` }),
  e(lb('LB+mbs', [R('r0', 'x'), MB, W('y', 1)], [R('r0', 'y'), MB, W('x', 1)]), LB_OUT, F, F, { tso: `${X86} LB`, arm: `${AARCH64} LB+dmb.sys` }),
  e(lb('LB+mb+po', [R('r0', 'x'), MB, W('y', 1)], [R('r0', 'y'), W('x', 1)]), LB_OUT, F, A, { tso: `${X86} LB`, arm: `${AARCH64} LB+dmb.sy+po` }),
  e(lb('LB+rmbs', [R('r0', 'x'), RMB, W('y', 1)], [R('r0', 'y'), RMB, W('x', 1)]), LB_OUT, F, F, { tso: `${X86} LB`, arm: `${AARCH64_MTE} LB+dmb.lds` }),
  e(lb('LB+rmb+data', [R('r0', 'x'), RMB, W('y', 1)], [R('r0', 'y'), W('x', 1, { dep: ['r0'] })]), LB_OUT, F, F, { tso: `${X86} LB`, arm: `${AARCH64_MTE} LB+dmb.ld+data` }),
  e(lb('LB+mb+ctrl', [R('r0', 'x'), W('y', 1, { if: 'r0' })], [R('r0', 'y'), MB, W('x', 1)]), LB_OUT, F, F, { tso: `${X86} LB`, arm: `${LKMM}/LB+fencembonceonce+ctrlonceonce.litmus Never` }),
  e(lb('LB+wmbs', [R('r0', 'x'), WMB, W('y', 1)], [R('r0', 'y'), WMB, W('x', 1)]), LB_OUT, F, A, { tso: `${X86} LB`, arm: `${HC} LB+dmb.sts (model: Ok; dmb ishst orders stores with stores only, herd/libdir/aarch64.cat)` }),

  e(wrc('WRC', [R('r0', 'x'), W('y', 1)], [R('r0', 'y'), R('r1', 'x')]), WRC_OUT, F, A, { tso: `${X86} WRC`, arm: `${READERS} WRC` }),
  e(wrc('WRC+mb+addr', [R('r0', 'x'), MB, W('y', 1)], [R('r0', 'y'), R('r1', 'x', { dep: ['r0'] })]), WRC_OUT, F, F, { tso: `${X86} WRC`, arm: `${HC} WRC+dmb+addr (No, No); ${READERS} WRC+rel+addr` }),
  e(wrc('WRC+data+addr', [R('r0', 'x'), W('y', 1, { dep: ['r0'] })], [R('r0', 'y'), R('r1', 'x', { dep: ['r0'] })]), WRC_OUT, F, F, { tso: `${X86} WRC`, arm: `${HC} WRC+data+addr (hardware: No; multi-copy atomic ARMv8)` }),

  e(iriw('IRIW', [R('r0', 'x'), R('r1', 'y')], [R('r0', 'y'), R('r1', 'x')]), IRIW_OUT, F, A, { tso: SDM, arm: `${READERS} IRIW; ${LKMM}/IRIW+poonceonces+OnceOnce.litmus Sometimes` }),
  e(iriw('IRIW+rmbs', [R('r0', 'x'), RMB, R('r1', 'y')], [R('r0', 'y'), RMB, R('r1', 'x')]), IRIW_OUT, F, F, { tso: SDM, arm: `${READERS} IRIW+dmb.lds` }),
  e(iriw('IRIW+mbs', [R('r0', 'x'), MB, R('r1', 'y')], [R('r0', 'y'), MB, R('r1', 'x')]), IRIW_OUT, F, F, { tso: SDM, arm: `${LKMM}/IRIW+fencembonceonces+OnceOnce.litmus Never; ${HC} IRIW+dmbs` }),
  e(iriw('IRIW+addrs', [R('r0', 'x'), R('r1', 'y', { dep: ['r0'] })], [R('r0', 'y'), R('r1', 'x', { dep: ['r0'] })]), IRIW_OUT, F, F, { tso: SDM, arm: `${HC} IRIW+addrs (hardware: No; multi-copy atomic ARMv8)` }),

  e(w22('2+2W', [W('x', 2), W('y', 1)], [W('y', 2), W('x', 1)]), 'x=2 y=2', F, A, { tso: `${X86} 2+2W`, arm: `${AARCH64} 2+2W` }),
  e(w22('2+2W+wmbs', [W('x', 2), WMB, W('y', 1)], [W('y', 2), WMB, W('x', 1)]), 'x=2 y=2', F, F, { tso: `${X86} 2+2W`, arm: `${AARCH64_MTE} 2+2W+dmb.sts` }),
  e(w22('2+2W+mb+po', [W('x', 2), MB, W('y', 1)], [W('y', 2), W('x', 1)]), 'x=2 y=2', F, A, { tso: `${X86} 2+2W`, arm: `${AARCH64} 2+2W+dmb.sy+po` }),

  e(R_('R', [W('x', 1), W('y', 1)], [W('y', 2), R('r0', 'x')]), '1:r0=0 x=1 y=2', A, A, { tso: `${X86} R`, arm: `${AARCH64} R; ${LKMM}/R+poonceonces.litmus Sometimes` }),
  e(R_('R+mbs', [W('x', 1), MB, W('y', 1)], [W('y', 2), MB, R('r0', 'x')]), '1:r0=0 x=1 y=2', F, F, { tso: `${X86} R+po+mfence`, arm: `${AARCH64} R+dmb.sys; ${LKMM}/R+fencembonceonces.litmus Never` }),
  e(R_('R+po+mb', [W('x', 1), W('y', 1)], [W('y', 2), MB, R('r0', 'x')]), '1:r0=0 x=1 y=2', F, A, { tso: `${X86} R+po+mfence`, arm: `${AARCH64} R+po+dmb.sy` }),
  e(R_('R+wmb+mb', [W('x', 1), WMB, W('y', 1)], [W('y', 2), MB, R('r0', 'x')]), '1:r0=0 x=1 y=2', F, F, { tso: `${X86} R+po+mfence`, arm: `${AARCH64_MTE} R+dmb.st+dmb.sy` }),

  e(S_('S', [W('x', 2), W('y', 1)], [R('r0', 'y'), W('x', 1)]), '1:r0=1 x=2 y=1', F, A, { tso: `${X86} S`, arm: `${AARCH64} S; ${LKMM}/S+poonceonces.litmus Sometimes` }),
  e(S_('S+mbs', [W('x', 2), MB, W('y', 1)], [R('r0', 'y'), MB, W('x', 1)]), '1:r0=1 x=2 y=1', F, F, { tso: `${X86} S`, arm: `${AARCH64} S+dmb.sys` }),
  e(S_('S+mb+po', [W('x', 2), MB, W('y', 1)], [R('r0', 'y'), W('x', 1)]), '1:r0=1 x=2 y=1', F, A, { tso: `${X86} S`, arm: `${AARCH64} S+dmb.sy+po` }),
  e(S_('S+po+mb', [W('x', 2), W('y', 1)], [R('r0', 'y'), MB, W('x', 1)]), '1:r0=1 x=2 y=1', F, A, { tso: `${X86} S`, arm: `${AARCH64} S+po+dmb.sy` }),
  e(S_('S+wmb+data', [W('x', 2), WMB, W('y', 1)], [R('r0', 'y'), W('x', 1, { dep: ['r0'] })]), '1:r0=1 x=2 y=1', F, F, { tso: `${X86} S`, arm: `${AARCH64_MTE} S+dmb.st+data` }),
  e(S_('S+wmb+rmb', [W('x', 2), WMB, W('y', 1)], [R('r0', 'y'), RMB, W('x', 1)]), '1:r0=1 x=2 y=1', F, F, { tso: `${X86} S`, arm: `${AARCH64_MTE} S+dmb.st+dmb.ld` }),

  e(isa2('ISA2', [R('r0', 'y'), W('z', 1)], [R('r0', 'z'), R('r1', 'x')]), ISA2_OUT, F, A, { tso: TSO, arm: `${READERS} ISA2; ${LKMM}/ISA2+poonceonces.litmus Sometimes` }),
  e(isa2('ISA2+mb+addr+addr', [R('r0', 'y'), W('z', 1, { dep: ['r0'] })], [R('r0', 'z'), R('r1', 'x', { dep: ['r0'] })], [W('x', 1), MB, W('y', 1)]), ISA2_OUT, F, F, { tso: TSO, arm: `${HC} ISA2+dmb+addr+addr (No, No)` }),

  e(lt('CoRR', [[W('x', 1)], [R('r0', 'x'), R('r1', 'x')]], { '1:r0': 1, '1:r1': 0 }), '1:r0=1 1:r1=0 x=1', F, F, { tso: TSO, arm: `${AARCH64} CoRR; ${LKMM}/CoRR+poonceonce+Once.litmus Never` }),
  e(lt('CoRW1', [[R('r0', 'x'), W('x', 1)]], { '0:r0': 1 }), '0:r0=1 x=1', F, F, { tso: TSO, arm: `${AARCH64} CoRW1` }),
  e(lt('CoRW2', [[R('r0', 'x'), W('x', 1)], [W('x', 2)]], { x: 2, '0:r0': 2 }), '0:r0=2 x=2', F, F, { tso: TSO, arm: `${AARCH64} CoRW2; ${LKMM}/CoRW+poonceonce+Once.litmus Never` }),
  e(lt('CoWR', [[W('x', 1), R('r0', 'x')], [W('x', 2)]], { x: 1, '0:r0': 2 }), '0:r0=2 x=1', F, F, { tso: TSO, arm: `${AARCH64} CoWR; ${LKMM}/CoWR+poonceonce+Once.litmus Never` }),
  e(lt('CoWW', [[W('x', 1), W('x', 2)]], { x: 1 }), 'x=1', F, F, { tso: TSO, arm: `${AARCH64} CoWW; ${LKMM}/CoWW+poonceonce.litmus Never` }),

  // RSW: two loads of z read the same write, so Arm does not order them, and the
  // load of x (address-dependent on the second) may be satisfied before the load
  // of y. weak keeps at most one early load per location: stronger here.
  e(lt('RSW', [[W('x', 1), WMB, W('y', 1)], [R('r0', 'y'), R('r1', 'z', { dep: ['r0'] }), R('r2', 'z'), R('r3', 'x', { dep: ['r2'] })]], { '1:r0': 1, '1:r3': 0 }),
    '1:r0=1 1:r1=0 1:r2=0 1:r3=0 x=1 y=1 z=0', F, A, { tso: TSO, arm: `${READERS} RSW (P0's STLR as xen_wmb: it orders P0's two stores)` },
    'at most one early load per location: the second load of z cannot be satisfied before the first'),
];

const union = (a: Set<string>, b: Iterable<string>): Set<string> => new Set([...a, ...b]);
const sorted = (s: Set<string>): string[] => [...s].sort();

for (const x of CATALOGUE) {
  test(`${x.test.name}: sc, tso and weak reach exactly the published outcomes`, () => {
    const sc = scOutcomes(x.test);
    assert.not.ok(sc.has(x.relaxed), `${x.test.name}: the relaxed outcome is not an SC one`);
    assert.equal(sorted(reachedOutcomes(x.test, 'sc')), sorted(sc), 'sc');
    assert.equal(sorted(reachedOutcomes(x.test, 'tso')), sorted(x.tso === A ? union(sc, [x.relaxed]) : sc), `tso (${x.src.tso})`);
    const weakAllows = x.arm === A && !x.weakDiffers;
    assert.equal(sorted(reachedOutcomes(x.test, 'weak')), sorted(weakAllows ? union(sc, [x.relaxed]) : sc), `weak (${x.src.arm})`);
  });
}

/** The test without instruction `k` of thread `i` (a fence), or with its dependencies dropped. */
function without(t: LitmusTest, i: number, k: number): LitmusTest {
  const threads = t.threads.map((p, j) => (j !== i ? p : p.flatMap((x, n): Instr[] => {
    if (n !== k) return [x];
    if (isFence(x)) return [];
    if (x.op === 'R') return [R(x.reg, x.loc)];
    return [W(x.loc, x.val)];
  })));
  return { ...t, name: `${t.name} without P${i}.${k}`, threads };
}
const ordering = (x: Instr): boolean => isFence(x) || (x.op === 'W' && (!!x.dep?.length || x.if !== undefined)) || (x.op === 'R' && !!x.dep?.length);

test('weak: removing any one fence or dependency of a forbidden test lets the forbidden outcome appear', () => {
  let removals = 0;
  for (const x of CATALOGUE) {
    if (x.arm !== F) continue;
    x.test.threads.forEach((p, i) => p.forEach((ins, k) => {
      if (!ordering(ins)) return;
      removals++;
      const t = without(x.test, i, k);
      assert.ok(reachedOutcomes(t, 'weak').has(x.relaxed), `${t.name}: ${x.relaxed} not reached`);
    }));
  }
  assert.is(removals, 41, `${removals} removals`);
});

test('tso: removing the xen_mb() after the store lets store buffering appear (SB+mfence+po, R)', () => {
  const sbMbs = CATALOGUE.find((x) => x.test.name === 'SB+mbs')!;
  const rPoMb = CATALOGUE.find((x) => x.test.name === 'R+po+mb')!;
  assert.ok(reachedOutcomes(without(sbMbs.test, 0, 1), 'tso').has(SB_OUT));
  assert.ok(reachedOutcomes(without(sbMbs.test, 1, 1), 'tso').has(SB_OUT));
  assert.ok(reachedOutcomes(without(rPoMb.test, 1, 1), 'tso').has('1:r0=0 x=1 y=2'));
  // and xen_wmb()/xen_rmb() are compiler barriers on x86: MP without them is still forbidden under tso
  const mpF = CATALOGUE.find((x) => x.test.name === 'MP+wmb+rmb')!;
  assert.not.ok(reachedOutcomes(without(without(mpF.test, 0, 1), 1, 1), 'tso').has(MP_OUT));
});

test('the exists invariant: a litmus model file finds the forbidden outcome with a shortest trace under weak and verifies under tso', () => {
  const m = litmusModel(CATALOGUE.find((x) => x.test.name === 'MP')!.test);
  const weak = runModel(m, paramsOf(m, { memory: 'weak' }));
  assert.is(weak.outcome, 'violation');
  const last = weak.violation!.trace.at(-1)!.state;
  assert.is(outcomeOf(CATALOGUE[0]!.test, last), MP_OUT);
  assert.is(runModel(m, paramsOf(m, { memory: 'tso' })).outcome, 'ok');
});

test('litmusModel refuses a dependency on a later or missing load', () => {
  assert.throws(() => litmusModel(lt('bad', [[W('x', 1, { dep: ['r0'] }), R('r0', 'x')]], {})), /depends on r0/);
  assert.throws(() => litmusModel(lt('bad2', [[R('r0', 'x'), R('r0', 'y')]], {})), /loads a register twice/);
});

test.run();
