/**
 * XSA-367 (CVE-2021-28038), reintroduced: netback does not look at the
 * per-element status of its batched grant map and proceeds as if every
 * element were mapped. A map that failed (here: a sub-page grant, which Xen
 * refuses to map with GNTST_general_error; or a full maptrack, GNTST_no_space)
 * is then used, and answered as a success.
 *
 * With the settings of the header below, pvcheck reports failed_map_never_used. The fix is the built-in `grant`: a failed map
 * is answered with XEN_NETIF_RSP_ERROR and never used or unmapped.
 *
 * The fix run leaves out the built-in's finding G19 (docs/models/grant.md), which
 * today's Xen reports first: every other property is checked on today's code.
 *
 * @pvcheck catalogue X-9 XSA-367 CVE-2021-28038
 * @pvcheck check
 * @pvcheck expect violation failed_map_never_used in 3 steps
 * @pvcheck fixed-by grant -p refs=1 -p pages=1 --leave-out G19_readonly_grant_stays_readonly
 */
import { deriveModel, withDefaults, grantModel } from 'pvcheck';
const { beUseMapping, grant } = grantModel;

export default deriveModel(grant, {
  name: 'grant-xsa367',
  description: "grant with the pre-XSA-367 netback: gnttab_map_refs()'s per-element status is ignored",
  see: 'XSA-367 (CVE-2021-28038)',
  params: withDefaults(grant.params, { refs: 1, pages: 1 }), // the bounds the header was written at
  replace: { be_use_unmap_respond: beUseMapping(true) },
  remove: ['be_respond_error'],
});
