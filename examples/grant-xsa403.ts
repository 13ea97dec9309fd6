/**
 * XSA-403 (CVE-2022-33740 etc.; Linux 4491001c), reintroduced: the frontend
 * grants pages it did not zero. A page the kernel used for unrelated data
 * before is granted whole while the payload fills only part of it: the rest
 * (secret) is readable by the backend.
 *
 * With the settings of the header below, pvcheck reports G12_no_secret_through_grant. The fix is the built-in `grant`: pages
 * are zeroed before they are granted (a sub-page grant would also hide the
 * rest of the page).
 *
 * The fix run leaves out the built-in's finding G19 (docs/models/grant.md), which
 * today's Xen reports first: every other property is checked on today's code.
 *
 * @pvcheck catalogue X-14 XSA-403 CVE-2022-26365
 * @pvcheck check
 * @pvcheck expect violation G12_no_secret_through_grant in 1 step
 * @pvcheck fixed-by grant -p refs=1 -p pages=1 --leave-out G19_readonly_grant_stays_readonly
 */
import { deriveModel, withDefaults, grantModel } from 'pvcheck';
const { feGrant, grant } = grantModel;

export default deriveModel(grant, {
  name: 'grant-xsa403',
  description: 'grant with the pre-XSA-403 frontend: granted pages are not zeroed',
  see: 'XSA-403; Linux 4491001c',
  params: withDefaults(grant.params, { refs: 1, pages: 1 }), // the bounds the header was written at
  replace: { fe_gnttab_grant_foreign_access_ref: feGrant(false) },
});
