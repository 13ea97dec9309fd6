/**
 * A protocol change to check: RING_PUSH_REQUESTS without its `xen_wmb()`
 * ("back sees requests /before/ updated producer index"). Under sc and on x86
 * (tso: stores become visible in program order) nothing changes; on a weakly
 * ordered CPU the store to req_prod can become visible before the store that
 * filled the request slot, and the backend copies a slot whose contents are
 * not visible yet.
 *
 * With the settings of the header below, pvcheck reports B_reads_published_request (shortest counterexample; the trace's
 * `store_visible.front(...)` steps show when each store became visible); with
 * --param memory=tso it verifies.
 *
 * @pvcheck check -p memory=weak -p ringSize=2 -p messages=3
 * @pvcheck expect violation B_reads_published_request in 10 steps
 * @pvcheck check -p memory=tso -p ringSize=2 -p messages=3
 * @pvcheck expect ok
 * @pvcheck fixed-by ring
 */
import { deriveModel, ringModel } from 'pvcheck';
const { ring, withoutBarriers } = ringModel;

export default deriveModel(ring, {
  name: 'ring-push-no-wmb',
  description: 'ring with RING_PUSH_REQUESTS missing its xen_wmb() (backend reads an invisible slot under weak memory)',
  see: 'xen/include/public/io/ring.h RING_PUSH_REQUESTS',
  replace: withoutBarriers('RING_PUSH_REQUESTS.xen_wmb'),
});
