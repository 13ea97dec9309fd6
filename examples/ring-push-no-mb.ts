/**
 * A protocol change to check: RING_PUSH_REQUESTS_AND_CHECK_NOTIFY without its
 * `xen_mb()` between publishing `req_prod` and reading `req_event`. Under sc
 * nothing changes; on x86 (tso) the frontend reads the old req_event while its
 * req_prod store is still buffered, and the backend, arming req_event and
 * re-checking, still sees the old req_prod: the classic store-buffer race, a
 * lost wake-up.
 *
 *   node bin/pvcheck.mjs check examples/ring-push-no-mb.ts --param memory=tso --param ringSize=2 --param messages=2
 *
 * reports I4_no_lost_wakeup (shortest counterexample); with --param memory=sc it verifies.
 */
import { deriveModel } from '../model/core.js';
import { ring, withoutBarriers } from '../model/ring.js';

export default deriveModel(ring, {
  name: 'ring-push-no-mb',
  description: 'ring with RING_PUSH_REQUESTS_AND_CHECK_NOTIFY missing its xen_mb() (lost wake-up under tso)',
  see: 'xen/include/public/io/ring.h RING_PUSH_REQUESTS_AND_CHECK_NOTIFY',
  replace: withoutBarriers('RING_PUSH_REQUESTS_AND_CHECK_NOTIFY.xen_mb'),
});
