/**
 * A sticky-grant frontend that does not wait for the backend to acknowledge
 * DEL_GREF_MAPPING: it sends the removal and at once treats the grant as an
 * ordinary one to end and reuse, while the backend still holds it mapped in
 * its cache.
 *
 * With the settings of the header below, pvcheck reports S2_ungrant_acknowledged. The fix is the built-in `grant`: the grant
 * stays sticky until the DEL_GREF_MAPPING response (or the backend's close).
 *
 * The fix run leaves out the built-in's finding G19 (docs/models/grant.md), which
 * today's Xen reports first: every other property is checked on today's code.
 *
 * @pvcheck check
 * @pvcheck expect violation S2_ungrant_acknowledged in 4 steps
 * @pvcheck fixed-by grant -p refs=1 -p pages=1 --leave-out G19_readonly_grant_stays_readonly
 */
import { deriveModel, withDefaults, type Rule, grantModel } from 'pvcheck';
const { BE_DEL, CONN_UP, FE_DONE, FE_STICKY, dataRefs, grant } = grantModel;
type GrantParams = grantModel.GrantParams;
type GrantState = grantModel.GrantState;

const delAndReuse: Rule<GrantState, GrantParams, number> = {
  name: 'fe_DEL_GREF_MAPPING', actor: 'frontend',
  doc: 'send DEL_GREF_MAPPING and treat the grant as removed at once (no wait for the acknowledgement)',
  see: 'netif.h XEN_NETIF_CTRL_TYPE_DEL_GREF_MAPPING',
  choices: (_s, p) => dataRefs(p),
  when: (s, _p, r) => s.conn === CONN_UP && s.fe[r]!.st === FE_STICKY,
  then: (d, _s, _p, r) => {
    d.fe[r]!.st = FE_DONE;
    d.be[r]!.st = BE_DEL;
  },
};

export default deriveModel(grant, {
  name: 'grant-sticky-early-reuse',
  description: 'grant with a sticky frontend that ends and reuses a cached grant before the backend acknowledged its removal',
  see: 'NetChannel2 sticky grants (seeds/002); netif.h DEL_GREF_MAPPING',
  params: withDefaults(grant.params, { refs: 1, pages: 1 }), // the bounds the header was written at
  replace: { fe_DEL_GREF_MAPPING: delAndReuse },
});
