/**
 * XSA-226 (CVE-2017-12135), reintroduced: Xen follows a transitive grant whose
 * target is itself transitive (and does not refuse a transitive grant that
 * refers to its own domain). A guest writes a transitive entry that points at
 * itself and copies through it: the acquisition recurses without bound.
 *
 * With the settings of the header below, pvcheck reports G5_transitive_one_level. The hostile domain's transitive grants may
 * point anywhere here (transTargets=any by default). The fix is the built-in
 * `grant` at the same parameters (`--param transTargets=any`): one level, no
 * self-reference.
 *
 * The fix run leaves out the built-in's finding G19 (docs/models/grant.md), which
 * today's Xen reports first: every other property is checked on today's code.
 *
 * @pvcheck catalogue X-4 XSA-226 CVE-2017-12135
 * @pvcheck check
 * @pvcheck expect violation G5_transitive_one_level in 2 steps
 * @pvcheck fixed-by grant -p refs=1 -p pages=1 -p transTargets=any --leave-out G19_readonly_grant_stays_readonly
 */
import { deriveModel, withDefaults, grantModel } from 'pvcheck';
const { copyBeginRule, grant } = grantModel;

export default deriveModel(grant, {
  name: 'grant-xsa226',
  description: 'grant with the pre-XSA-226 acquire_grant_for_copy: transitive targets may be transitive, self-reference allowed',
  see: 'XSA-226 (CVE-2017-12135); xen/common/grant_table.c acquire_grant_for_copy',
  // the bounds the header was written at, and transitive grants that may point anywhere
  params: withDefaults(grant.params, { refs: 1, pages: 1, transTargets: 'any' }),
  replace: { GNTTABOP_copy_begin: copyBeginRule(true) },
});
