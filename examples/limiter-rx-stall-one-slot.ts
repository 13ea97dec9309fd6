/**
 * XSA-392 (CVE-2021-28714), reintroduced: the receive-side stall detection
 * only checks that the frontend has ONE free slot, while the head packet
 * needs `rxSlotsNeeded`. A frontend that keeps one slot posted is never
 * considered stalled: its carrier stays on and the network keeps queueing
 * packets for it (each dropped only at its drain timeout).
 *
 * With the settings of the header below, pvcheck reports L7_rx_stall_carrier_off. The fix is the built-in `limiter`
 * (`xenvif_rx_queue_slots(queue) < needed`), which verifies. Both are checked
 * with the receive side on and the hostile guest's transmit side off, the
 * switches of the built-in `limiter-rx` (whose defaults are `rxStallTicks=3
 * rxQueueMax=3` since 2026-12-07: there the same bug takes 7 steps).
 *
 * @pvcheck catalogue X-12 XSA-392 CVE-2021-28714
 * @pvcheck check -p hostile=false -p hostileRx=true
 * @pvcheck expect violation L7_rx_stall_carrier_off in 6 steps
 * @pvcheck fixed-by limiter -p hostileRing=1 -p creditUsec=1
 */
import { deriveModel, withDefaults, limiterModel } from 'pvcheck';
const { limiter, replaceBackend, rxCarrierOffRule, rxNeeded } = limiterModel;
type LimiterParams = limiterModel.LimiterParams;
type LimiterState = limiterModel.LimiterState;

/** The pre-fix predicate: stalled only when not even one slot is posted (`!xenvif_rx_ring_slots_available`, one slot). */
const stalledOneSlot = (s: LimiterState, p: LimiterParams): boolean => rxNeeded(s, p) > 0 && s.x_rxs < 1;

export default deriveModel(limiter, {
  name: 'limiter-rx-stall-one-slot',
  params: withDefaults(limiter.params, { hostileRing: 1, maxQueues: 1, maxLag: 1, creditUsec: 1, wordBits: 4, rxQueueMax: 2 }), // the bounds the header was written at
  description: 'limiter with the pre-XSA-392 rx stall check (one free slot instead of the slots the head packet needs)',
  see: 'XSA-392 (CVE-2021-28714); netback rx.c xenvif_rx_queue_stalled',
  replace: replaceBackend({ x_xenvif_queue_carrier_off: rxCarrierOffRule(stalledOneSlot) }),
});
