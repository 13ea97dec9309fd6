/**
 * A defence of the DPDK xenvirt pairing, removed (docs/models/xenbus.md,
 * "Peers beyond Linux"). When the guest's DPDK application exits, gntalloc
 * releases its pages: `__del_gref` ends each grant with
 * `gnttab_end_foreign_access`, which, while the switching backend still maps
 * the page, keeps it on the deferred list and frees it only once the mapping
 * is gone (Linux after XSA-396). The vrings and the flag page stay the
 * guest's until the switch sees the flag byte cleared and unmaps them.
 *
 * The variant frees the pages at once, as a gntalloc that trusts the grant
 * to be unused (the XSA-396 class: the page returns to the guest's allocator
 * while dom0 still reads and writes it as a vring): X2 fails when the
 * application restarts while the switch polls. The built-in model
 * (`-p frontend=dpdk -p backend=dpdk`) verifies at the same parameters.
 *
 * @pvcheck check -p frontend=dpdk -p backend=dpdk -i X2_frontend_frees_after_backend
 * @pvcheck expect violation X2_frontend_frees_after_backend in 8 steps
 * @pvcheck fixed-by xenbus -p events=2
 */
import { deriveModel, withDefaults, type Rule, xenbusModel } from 'pvcheck';
const { dpdk_app_restart, xenbus } = xenbusModel;
type XenbusModelState = xenbusModel.XenbusModelState;
type XenbusParams = xenbusModel.XenbusParams;

const restartFreesMapped: Rule<XenbusModelState, XenbusParams> = {
  ...dpdk_app_restart,
  doc: 'the variant: gntalloc ends the grants and frees the pages at once, mapped or not',
  then: (d, s, p, a) => {
    dpdk_app_restart.then(d, s, p, a);
    for (const q of d.q) q.deferred = null;
  },
};

export default deriveModel(xenbus, {
  name: 'xenbus-dpdk-gntalloc-free-mapped',
  params: withDefaults(xenbus.params, { events: 2 }), // the bounds the header was written at
  description: 'gntalloc frees the vring pages of an exiting DPDK application while the switch maps them (a defence removed)',
  see: 'Linux gntalloc.c __del_gref, gnttab_end_foreign_access (deferred free; XSA-396); DPDK rte_eth_xenvirt.c gntalloc_vring_create',
  replace: { 'DPDK application restart(guest)': restartFreesMapped },
});
