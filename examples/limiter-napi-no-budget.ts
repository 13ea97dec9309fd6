/**
 * "xen-netback: napi: fix abuse of budget" (Linux 10574059), undone: the TX
 * build loop no longer stops at the NAPI budget, so one poll takes every
 * request the guest's ring, credit and in-flight limit allow, and other
 * guests' NAPI instances wait behind it.
 *
 *   pvcheck check examples/limiter-napi-no-budget.ts --param hostileRing=2 --param maxPackets=2 --param hostileRx=false
 *
 * reports L6_poll_within_budget. The fix is the built-in `limiter`.
 */
import { deriveModel, type Rule } from '../model/core.js';
import {
  chargeOf, consumeHead, gv, headKind, limiter, plHead, replaceBackend, workOf,
  type Guest, type LimiterParams, type LimiterState,
} from '../model/limiter.js';

/** xenvif_tx_build_gops without the `< budget` guard. */
const consumeNoBudget = (g: Guest): Rule<LimiterState, LimiterParams> => ({
  name: `${g}_xenvif_tx_build_gops`, actor: 'backend',
  doc: 'consume the head packet (NAPI budget guard removed)',
  see: 'netback.c xenvif_tx_build_gops before 10574059',
  when: (s, p) => {
    if (plHead(s.pl) !== g || gv(s, g, 'q0') === 0 || gv(s, g, 'infl') >= p.maxPackets) return false;
    const k = headKind(s, g, p)!;
    return chargeOf(k.size, k.slots) <= gv(s, g, 'rem') && workOf(k.size, k.slots) <= s.cpu;
  },
  then: (d, s, p) => consumeHead(d, s, g, p),
});

export default deriveModel(limiter, {
  name: 'limiter-napi-no-budget',
  description: 'limiter with the NAPI budget guard removed from the TX build loop (before Linux 10574059)',
  see: 'Linux 10574059 "xen-netback: napi: fix abuse of budget"',
  replace: replaceBackend({ h_xenvif_tx_build_gops: consumeNoBudget('h'), x_xenvif_tx_build_gops: consumeNoBudget('x') }),
});
