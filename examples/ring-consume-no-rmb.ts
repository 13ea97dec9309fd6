/**
 * A protocol change to check: the backend's request loop without its
 * `xen_rmb()` between reading `req_prod` and copying the slot (netback's
 * `rmb()` ("Ensure that we see the request before we copy it") before
 * RING_COPY_REQUEST, blkback's `rp = sring->req_prod; rmb();`). Under sc and on
 * x86 (tso: loads are not reordered with loads) nothing changes; on a weakly
 * ordered CPU the load of the slot can be satisfied before the load of
 * req_prod, so the backend copies slot contents older than the req_prod that
 * announced them, although the frontend published them in order (its
 * `xen_wmb()` is there).
 *
 * With the settings of the header below, pvcheck reports B_copy_not_older_than_req_prod (shortest counterexample: the trace's
 * `load_satisfied_early.back(ring[0]=empty)` is the slot load satisfied early,
 * the `store_visible.front(...)` steps show when each store became visible);
 * with --param memory=tso it verifies, and the built-in ring verifies under weak.
 *
 * @pvcheck check -p memory=weak -p ringSize=2 -p messages=3
 * @pvcheck expect violation B_copy_not_older_than_req_prod in 12 steps
 * @pvcheck check -p memory=tso -p ringSize=2 -p messages=3
 * @pvcheck expect ok
 * @pvcheck fixed-by ring
 */
import { deriveModel, ringModel } from 'pvcheck';
const { ring, withoutBarriers } = ringModel;

export default deriveModel(ring, {
  name: 'ring-consume-no-rmb',
  description: 'ring whose backend copies a request without xen_rmb() after reading req_prod (stale slot under weak memory)',
  see: 'drivers/net/xen-netback/netback.c xenvif_tx_build_gops (rmb before RING_COPY_REQUEST); xen/include/public/io/ring.h xen_rmb',
  replace: withoutBarriers('consume_request.xen_rmb'),
});
