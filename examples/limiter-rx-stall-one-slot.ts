/**
 * XSA-392 (CVE-2021-28714), reintroduced: the receive-side stall detection
 * only checks that the frontend has ONE free slot, while the head packet
 * needs `rxSlotsNeeded`. A frontend that posts slots one at a time is never
 * considered stalled, so its queued packets are never purged and hold backend
 * memory forever.
 *
 * With the settings of the header below, pvcheck reports L7_rx_stall_purged. The fix is the built-in `limiter`
 * (`xenvif_rx_queue_slots(queue) < needed`), which verifies. Both are checked
 * with the limiter's design timer (`creditTimer=design`): with netback's own
 * timer the transmit side breaks L3 first (docs/models/limiter.md).
 *
 * @pvcheck catalogue X-12 XSA-392 CVE-2021-28714
 * @pvcheck check -p hostileMaxSize=1 -p hostileMaxSlots=1 -p lateeoiMaxDelay=1 -p creditTimer=design
 * @pvcheck expect violation L7_rx_stall_purged in 4 steps
 * @pvcheck fixed-by limiter
 */
import { deriveModel, limiterModel } from 'pvcheck';
const { limiter, replaceBackend } = limiterModel;
type LimiterParams = limiterModel.LimiterParams;
type LimiterState = limiterModel.LimiterState;

/** The pre-fix predicate: stalled only when not even one slot is posted. */
const stalledOneSlot = (s: LimiterState, _p: LimiterParams): boolean => s.x_rxs < 1;

export default deriveModel(limiter, {
  name: 'limiter-rx-stall-one-slot',
  description: 'limiter with the pre-XSA-392 rx stall check (one free slot instead of the slots the head packet needs)',
  see: 'XSA-392 (CVE-2021-28714); netback rx.c xenvif_rx_queue_stalled',
  replace: replaceBackend({}, stalledOneSlot),
});
