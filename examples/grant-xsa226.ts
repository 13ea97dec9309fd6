/**
 * XSA-226 (CVE-2017-12135), reintroduced: Xen follows a transitive grant whose
 * target is itself transitive (and does not refuse a transitive grant that
 * refers to its own domain). A guest writes a transitive entry that points at
 * itself and copies through it: the acquisition recurses without bound.
 *
 *   node bin/pvcheck.mjs check examples/grant-xsa226.ts
 *
 * reports G5_transitive_one_level. The hostile domain's transitive grants may
 * point anywhere here (transTargets=any by default). The fix is the built-in
 * `grant` at the same parameters (`--param transTargets=any`): one level, no
 * self-reference.
 */
import { deriveModel } from '../model/core.js';
import { defineParams, enumParam } from '../model/params.js';
import { copyBeginRule, grant, grantParams } from '../model/grant.js';

/** The same parameters, with transitive grants that may point anywhere by default. */
export const xsa226Params = defineParams({
  ...grantParams.specs,
  transTargets: enumParam({ values: ['granter', 'any'] as const, default: 'any', doc: grantParams.specs['transTargets']!.doc }),
}) as unknown as typeof grant.params;

export default deriveModel(grant, {
  name: 'grant-xsa226',
  description: 'grant with the pre-XSA-226 acquire_grant_for_copy: transitive targets may be transitive, self-reference allowed',
  see: 'XSA-226 (CVE-2017-12135); xen/common/grant_table.c acquire_grant_for_copy',
  params: xsa226Params,
  replace: { GNTTABOP_copy_begin: copyBeginRule(true) },
});
