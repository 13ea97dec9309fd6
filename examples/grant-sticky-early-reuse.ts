/**
 * A sticky-grant frontend that does not wait for the backend to acknowledge
 * DEL_GREF_MAPPING: it sends the removal and at once treats the grant as an
 * ordinary one to end and reuse, while the backend still holds it mapped in
 * its cache.
 *
 *   node bin/pvcheck.mjs check examples/grant-sticky-early-reuse.ts
 *
 * reports S2_ungrant_acknowledged. The fix is the built-in `grant`: the grant
 * stays sticky until the DEL_GREF_MAPPING response (or the backend's close).
 */
import { deriveModel, type Rule } from '../model/core.js';
import { BE_DEL, CONN_UP, FE_DONE, FE_STICKY, dataRefs, grant, type GrantParams, type GrantState } from '../model/grant.js';

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
  replace: { fe_DEL_GREF_MAPPING: delAndReuse },
});
