/**
 * A finding of the built-in grant model (docs/models/grant.md, "Finding: a
 * read-only grant takes a write pin after a failed v2 end"); this file is the
 * built-in as it is. Linux's v2 end (gnttab_end_foreign_access_ref_v2) writes
 * `flags = 0` alone, `mb()`, then reads the status: while the grantee holds a
 * read pin the end fails, and the entry keeps its domid and frame but no longer
 * says GTF_readonly. Xen's _set_status checks the type and domid only
 * `if (!act->pin)`, and GTF_readonly on the flags as they are now, so the
 * grantee's first write pin on the still-pinned entry passes: a destination
 * copy (acquire_grant_for_copy; the XSA-500 comparison finds the frame
 * unchanged) or, once a maptrack handle is free, a writable map. The granter
 * granted the page read-only and never made it writable. With v1 the failed
 * end (a cmpxchg) leaves the flags, GTF_readonly included, and the write pin
 * is refused.
 *
 * The fix belongs in Xen: _set_status checks the type and domid of an entry
 * already pinned too (`-p setStatusPinned=checked`), so a grant the granter
 * revoked takes no new write pin; the same run of grant_table.c has re-checked
 * only GTF_readonly for an active entry since 2005 ("CASE 2: Active
 * modifications to an already active entry"), which was safe while the end
 * (v1's cmpxchg) left the flags whole.
 *
 * @pvcheck check
 * @pvcheck expect violation G19_readonly_grant_stays_readonly in 8 steps
 * @pvcheck check -p copies=0 -p maps=0
 * @pvcheck expect violation G19_readonly_grant_stays_readonly in 7 steps
 * @pvcheck fixed-by grant -p refs=1 -p pages=1 -p handles=2 -p setStatusPinned=checked
 */
import { deriveModel, withDefaults, grantModel } from 'pvcheck';
const { grant } = grantModel;

export default deriveModel(grant, {
  name: 'grant-readonly-upgrade',
  description: 'the built-in grant as it is (no change): after a failed v2 end, a read-only grant the grantee holds a read pin on takes a write pin',
  see: 'linux gnttab_end_foreign_access_ref_v2; xen/common/grant_table.c _set_status_v2 (if (!act->pin) ...), map_grant_ref, acquire_grant_for_copy',
  params: withDefaults(grant.params, { refs: 1, pages: 1, handles: 2 }), // the bounds the header was written at
});
