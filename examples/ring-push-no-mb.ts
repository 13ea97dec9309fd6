/**
 * A protocol change to check: RING_PUSH_REQUESTS_AND_CHECK_NOTIFY without its
 * `xen_mb()` between publishing `req_prod` and reading `req_event`. Under sc
 * nothing changes; on x86 (tso) the frontend reads the old req_event while its
 * req_prod store is still buffered, and the backend, arming req_event and
 * re-checking, still sees the old req_prod: the classic store-buffer race, a
 * lost wake-up.
 *
 * With the settings of the header below, pvcheck reports I4_no_lost_wakeup (shortest counterexample); with --param memory=sc it verifies.
 *
 * @pvcheck check -p memory=tso -p ringSize=2 -p messages=3
 * @pvcheck expect violation I4_no_lost_wakeup in 27 steps
 * @pvcheck check -p memory=sc -p ringSize=2 -p messages=3
 * @pvcheck expect ok
 * @pvcheck fixed-by ring
 */
import { deriveModel, ringModel } from 'pvcheck';
const { ring, withoutBarriers } = ringModel;

export default deriveModel(ring, {
  name: 'ring-push-no-mb',
  description: 'ring with RING_PUSH_REQUESTS_AND_CHECK_NOTIFY missing its xen_mb() (lost wake-up under tso)',
  see: 'xen/include/public/io/ring.h RING_PUSH_REQUESTS_AND_CHECK_NOTIFY',
  replace: withoutBarriers('RING_PUSH_REQUESTS_AND_CHECK_NOTIFY.xen_mb'),
});
