/**
 * A protocol change to check: RING_FINAL_CHECK_FOR_REQUESTS without its
 * `xen_mb()` between writing `req_event = req_cons + 1` and re-reading
 * `req_prod`. Under sequential consistency nothing changes (the barrier is a
 * no-op there); on x86 (tso) the backend's store to req_event can still sit
 * in its store buffer when it re-reads req_prod, while the frontend publishes
 * req_prod and reads the old req_event: neither side sees the other, the
 * frontend does not notify, the backend sleeps: a lost wake-up.
 *
 * With the settings of the header below, pvcheck reports I4_no_lost_wakeup (shortest counterexample); with --param memory=sc it verifies.
 *
 * @pvcheck check -p memory=tso -p ringSize=2 -p messages=3
 * @pvcheck expect violation I4_no_lost_wakeup in 63 steps
 * @pvcheck check -p memory=sc -p ringSize=2 -p messages=3
 * @pvcheck expect ok
 * @pvcheck fixed-by ring
 */
import { deriveModel, ringModel } from 'pvcheck';
const { ring, withoutBarriers } = ringModel;

export default deriveModel(ring, {
  name: 'ring-final-check-no-mb',
  description: 'ring with RING_FINAL_CHECK_FOR_REQUESTS missing its xen_mb() (lost wake-up under tso)',
  see: 'xen/include/public/io/ring.h RING_FINAL_CHECK_FOR_REQUESTS',
  replace: withoutBarriers('RING_FINAL_CHECK_FOR_REQUESTS.xen_mb'),
});
