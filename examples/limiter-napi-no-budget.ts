/**
 * "xen-netback: napi: fix abuse of budget" (Linux 10574059), undone: the TX
 * build loop no longer stops at the NAPI budget, so one poll takes every
 * request the guest's ring, credit and in-flight limit allow, and other
 * guests' NAPI instances wait behind it.
 *
 * With the settings of the header below, pvcheck reports L6_poll_within_budget. The fix is the built-in `limiter`.
 *
 * @pvcheck catalogue B-14
 * @pvcheck check -p maxPackets=2 -p hostile=false -p creditBytes=8 -p hostileRx=false
 * @pvcheck expect violation L6_poll_within_budget in 5 steps
 * @pvcheck fixed-by limiter -p hostileRing=1 -p creditUsec=1
 */
import { deriveModel, withDefaults, type Rule, limiterModel } from 'pvcheck';
const { chargeOf, consumeHead, gv, headKind, limiter, plHead, replaceBackend, workOf } = limiterModel;
type Guest = limiterModel.Guest;
type LimiterParams = limiterModel.LimiterParams;
type LimiterState = limiterModel.LimiterState;

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
  params: withDefaults(limiter.params, { hostileRing: 1, maxQueues: 1, maxLag: 1, creditUsec: 1, wordBits: 4, rxQueueMax: 2 }), // the bounds the header was written at
  description: 'limiter with the NAPI budget guard removed from the TX build loop (before Linux 10574059)',
  see: 'Linux 10574059 "xen-netback: napi: fix abuse of budget"',
  replace: replaceBackend({ h_xenvif_tx_build_gops: consumeNoBudget('h'), x_xenvif_tx_build_gops: consumeNoBudget('x') }),
});
