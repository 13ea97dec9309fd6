/**
 * XSA-392 (CVE-2021-28714), reintroduced: the receive-side stall detection
 * only checks that the frontend has ONE free slot, while the head packet
 * needs `rxSlotsNeeded`. A frontend that posts slots one at a time is never
 * considered stalled, so its queued packets are never purged and hold backend
 * memory forever.
 *
 *   pvcheck check examples/limiter-rx-stall-one-slot.ts --param hostileRx=true
 *
 * reports L7_rx_stall_purged. The fix is the built-in `limiter`
 * (`xenvif_rx_queue_slots(queue) < needed`), which verifies.
 */
import { deriveModel } from '../model/core.js';
import { limiter, replaceBackend, type LimiterParams, type LimiterState } from '../model/limiter.js';

/** The pre-fix predicate: stalled only when not even one slot is posted. */
const stalledOneSlot = (s: LimiterState, _p: LimiterParams): boolean => s.x_rxs < 1;

export default deriveModel(limiter, {
  name: 'limiter-rx-stall-one-slot',
  description: 'limiter with the pre-XSA-392 rx stall check (one free slot instead of the slots the head packet needs)',
  see: 'XSA-392 (CVE-2021-28714); netback rx.c xenvif_rx_queue_stalled',
  replace: replaceBackend({}, stalledOneSlot),
});
