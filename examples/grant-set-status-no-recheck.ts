/**
 * _set_status_v2 without its re-read of the flags after smp_mb(): Xen reads
 * the v2 entry's flags and checks them, sets GTF_reading (and GTF_writing) in
 * the status word, and pins without looking at the flags again. The v2 end
 * (Linux gnttab_end_foreign_access_ref_v2: `flags = 0; mb();` then the status)
 * relies on the re-read: a granter whose end runs between Xen's first read and
 * its status write sees an idle status, releases the ref and frees the page,
 * and Xen then pins the entry anyway. grant_table.c's comment: "Make sure
 * guest sees status update before checking if flags are still valid".
 *
 * Here netfront's end races a map by the hostile dom0; with a hostile granter
 * (`-p granter=hostile`) the same variant breaks G17 for a granter that
 * cleared its entry and read the status.
 *
 * The fix is the built-in `grant`: the re-read fails the map ("Unstable
 * flags") and clears the bits it set.
 *
 * The fix run leaves out the built-in's finding G19 (docs/models/grant.md), which
 * today's Xen reports first: every other property is checked on today's code.
 *
 * @pvcheck check
 * @pvcheck expect violation G7_end_only_when_idle in 7 steps
 * @pvcheck fixed-by grant -p refs=1 -p pages=1 -p handles=2 --leave-out G19_readonly_grant_stays_readonly
 */
import { deriveModel, withDefaults, grantModel } from 'pvcheck';
const { grant, mapRecheckRule } = grantModel;

export default deriveModel(grant, {
  name: 'grant-set-status-no-recheck',
  description: 'grant with _set_status_v2 missing its re-read of the flags after smp_mb(): a map pins an entry the granter ended between the first read and the status write',
  see: 'xen/common/grant_table.c _set_status_v2; grant_table.h (flags = 0; mb(); check status); linux gnttab_end_foreign_access_ref_v2',
  params: withDefaults(grant.params, { refs: 1, pages: 1, handles: 2 }), // the bounds the header was written at
  replace: { GNTTABOP_map_recheck: mapRecheckRule({ noRecheck: true }) },
});
