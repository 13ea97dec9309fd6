/**
 * XSA-500 (CVE-2026-62428, Xen 61b0a59c "gnttab: check values against active
 * entry when copying an already-pinned one"), reintroduced: when a copy needs
 * a status update on an entry that is already pinned (a first write pin on a
 * read-pinned entry), acquire_grant_for_copy reads the frame from the SHARED
 * entry and takes its page (and writable type) reference there, but hands back
 * act->mfn, the frame pinned first: "the two really need to be in sync for the
 * get_page() ... get_page_type() ... and the map_domain_page() to achieve the
 * intended effect". A hostile granter rewrites the frame of a pinned entry
 * between the pins; Xen then writes into a frame on which it holds no
 * writable type reference.
 *
 * The fix is the built-in `grant`: the already-pinned entry is compared with
 * its active entry (frame, source, sub-page window) and the copy refused.
 *
 * @pvcheck check -p granter=hostile -p cacheSize=0 -p transitive=0 -p subPage=false -p unmaps=0
 * @pvcheck expect violation G15_copy_frame_is_referenced_frame in 4 steps
 * @pvcheck fixed-by grant -p refs=1 -p pages=1
 */
import { deriveModel, withDefaults, grantModel } from 'pvcheck';
const { copyBeginRule, grant } = grantModel;

export default deriveModel(grant, {
  name: 'grant-xsa500',
  description: 'grant with the pre-XSA-500 acquire_grant_for_copy: an already-pinned entry taking a status update is not compared with its active entry',
  see: 'XSA-500 (CVE-2026-62428); Xen 61b0a59c; xen/common/grant_table.c acquire_grant_for_copy',
  params: withDefaults(grant.params, { refs: 1, pages: 1 }), // the bounds the header was written at
  replace: { GNTTABOP_copy_begin: copyBeginRule({ noPinnedCompare: true }) },
});
