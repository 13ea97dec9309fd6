/**
 * XSA-255 (Xen 38bfcc16 "gnttab: don't blindly free status pages upon version
 * change"), reintroduced: GNTTABOP_set_version from v2 to v1 frees the v2
 * status frames (gnttab_unpopulate_status_frames) without looking at whether
 * the guest still maps them ("There may still be active mappings"): the guest
 * keeps a mapping of a page Xen has freed and will reuse. The fix returns
 * -EBUSY while a status page has pending references.
 *
 * The hostile granter maps its status frames and switches the version at any
 * step; the built-in `grant` (the fix) refuses the switch.
 *
 * @pvcheck check -p granter=hostile -p cacheSize=0 -p transitive=0 -p subPage=false -p unmaps=0 -p version=v2
 * @pvcheck expect violation G16_status_frames_freed_only_unmapped in 3 steps
 * @pvcheck fixed-by grant -p refs=1 -p pages=1
 */
import { deriveModel, withDefaults, grantModel } from 'pvcheck';
const { feSetVersionRule, grant } = grantModel;

export default deriveModel(grant, {
  name: 'grant-xsa255',
  description: 'grant with the pre-XSA-255 gnttab_set_version: status frames freed on the switch to v1 while the guest maps them',
  see: 'XSA-255; Xen 38bfcc16; xen/common/grant_table.c gnttab_set_version, gnttab_unpopulate_status_frames',
  params: withDefaults(grant.params, { refs: 1, pages: 1 }), // the bounds the header was written at
  replace: { fe_GNTTABOP_set_version: feSetVersionRule({ freeMappedStatusFrames: true }) },
});
