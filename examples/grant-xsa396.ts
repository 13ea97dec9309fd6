/**
 * XSA-396 (CVE-2022-23036..23042; netfront fix 31185df7), reintroduced: the
 * frontend asks gnttab_query_foreign_access() whether the backend still uses
 * the grant and, if not, ends it and frees the page in a SEPARATE step,
 * ignoring gnttab_end_foreign_access_ref()'s result. A hostile backend maps
 * the grant in between ("a mapping could be realized by the other side just
 * after having called that function"): the ref is released and the page freed
 * while mapped.
 *
 * With the settings of the header below, pvcheck reports G7_end_only_when_idle. The fix is the built-in `grant`: one atomic
 * gnttab_end_foreign_access_ref whose result is respected.
 *
 * The fix run leaves out the built-in's finding G19 (docs/models/grant.md), which
 * today's Xen reports first: every other property is checked on today's code.
 *
 * @pvcheck catalogue X-13 XSA-396 CVE-2022-23036..23040
 * @pvcheck check
 * @pvcheck expect violation G7_end_only_when_idle in 6 steps
 * @pvcheck fixed-by grant -p refs=1 -p pages=1 --leave-out G19_readonly_grant_stays_readonly
 */
import { deriveModel, withDefaults, type Rule, grantModel } from 'pvcheck';
const { FE_DONE, FE_QUERIED, grant, gnttabEndForeignAccessRef, gnttabQueryForeignAccess, dataRefs } = grantModel;
type GrantParams = grantModel.GrantParams;
type GrantState = grantModel.GrantState;

const query: Rule<GrantState, GrantParams, number> = {
  name: 'fe_gnttab_query_foreign_access', actor: 'frontend',
  doc: 'pre-fix netfront: gnttab_query_foreign_access(ref) says the backend no longer uses the grant',
  see: 'linux drivers/xen/grant-table.c gnttab_query_foreign_access (removed after XSA-396)',
  choices: (_s, p) => dataRefs(p),
  when: (s, _p, r) => s.fe[r]!.st === FE_DONE && gnttabQueryForeignAccess(s, r) === 0,
  then: (d, _s, _p, r) => { d.fe[r]!.st = FE_QUERIED; },
};

const endIgnoringResult: Rule<GrantState, GrantParams, number> = {
  name: 'fe_end_after_query', actor: 'frontend',
  doc: 'pre-fix netfront: gnttab_end_foreign_access_ref(ref) with its result ignored, then release the ref and free the page',
  see: 'XSA-396; netfront xennet_release_tx_bufs before 31185df7',
  choices: (_s, p) => dataRefs(p),
  when: (s, _p, r) => s.fe[r]!.st === FE_QUERIED,
  then: (d, s, _p, r) => {
    gnttabEndForeignAccessRef(d, s, r);
    const page = s.fe[r]!.page;
    d.pg[page] = { held: 0, c: [2, 2] };
    d.fe[r] = { st: 0, page: -1, kind: 0 };
  },
};

export default deriveModel(grant, {
  name: 'grant-xsa396',
  description: 'grant with the pre-XSA-396 frontend: query the grant, then end it and free the page as a separate step',
  see: 'XSA-396; Linux 31185df7',
  params: withDefaults(grant.params, { refs: 1, pages: 1 }), // the bounds the header was written at
  replace: { fe_gnttab_end_foreign_access_ref: [query, endIgnoringResult] },
});
