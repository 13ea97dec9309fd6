/**
 * What the sequence charts need from the grant model (grant.ts): grant-table
 * hypercalls (GNTTABOP_map_grant_ref, _unmap_grant_ref, _copy, _set_version)
 * as arrows to the `xen` column, the frontend's and a hostile granter's
 * writes to its grant table entries (gnttab_grant_foreign_access_ref,
 * gnttab_end_foreign_access_ref), and the requests and responses on the
 * shared ring between frontend and backend.
 */
import type { ModelViews } from '../core.js';
import { hypercall, patternStep, type Pattern } from './patterns.js';

const ENTRY = 'grant table entry';
const RING = 'ring page';

export const grantTable: readonly Pattern[] = [
  [/^fe_gnttab_grant_foreign_access_ref$/, { writes: [ENTRY], messages: [{ to: 'backend', label: 'request (gref)', via: 'ring' }] }],
  [/^fe_gnttab_end_foreign_access(_ref)?$/, { reads: [ENTRY], writes: [ENTRY] }],
  [/^fe_gnttab_handle_deferred$/, { reads: [ENTRY], writes: [ENTRY] }],
  [/^fe_response$/, { reads: [RING] }],
  [/^fe_(sticky_request|DEL_GREF_MAPPING)$/, (m) => ({ writes: [RING], messages: [{ to: 'backend', label: m[1] === 'sticky_request' ? 'request (sticky gref)' : 'DEL_GREF_MAPPING', via: 'ring' }] })],
  [/^fe_(ADD|DEL)_GREF_MAPPING_response$/, { reads: [RING] }],
  [/^fe_GNTTABOP_set_version$/, { messages: hypercall('GNTTABOP_set_version') }],
  [/^fe_(setup|end)_ring$/, { writes: [ENTRY] }],
  [/^be_GNTTABOP_map_grant_ref$/, { reads: [RING], messages: hypercall('GNTTABOP_map_grant_ref') }],
  [/^be_GNTTABOP_copy$/, { reads: [RING], messages: hypercall('GNTTABOP_copy') }],
  [/^be_use_unmap_respond$/, { writes: [RING], messages: [...hypercall('GNTTABOP_unmap_grant_ref')!, { to: 'frontend', label: 'response', via: 'ring' }] }],
  [/^be_respond_error$/, { writes: [RING], messages: [{ to: 'frontend', label: 'response (error)', via: 'ring' }] }],
  [/^be_cached_request$/, { reads: [RING], writes: [RING] }],
  [/^be_(ADD|DEL)_GREF_MAPPING$/, (m) => ({ writes: [RING], messages: [{ to: 'frontend', label: `${m[1]}_GREF_MAPPING`, via: 'ring' }] })],
  [/^be_forward_transitive$/, { messages: hypercall('GNTTABOP_copy (transitive)') }],
  [/^be_map_ring$/, { messages: hypercall('GNTTABOP_map_grant_ref (ring)') }],
  [/^be_disconnect$/, { messages: hypercall('GNTTABOP_unmap_grant_ref') }],
  [/^rogue_GNTTABOP_(\w+)$/, (m) => ({ messages: hypercall(`GNTTABOP_${m[1]}`) })],
  [/^rogue_(grant|end)_transitive$/, { writes: [ENTRY] }],
  [/^GNTTABOP_(unmap_complete|copy_end|map_set_status|map_recheck)$/, { writes: [ENTRY] }],
  [/^GNTTABOP_copy_begin$/, { messages: hypercall('GNTTABOP_copy') }],
  [/^rogue_granter_write_entry$/, { writes: [ENTRY] }],
  [/^rogue_granter_status_frames$/, { writes: ['grant status frames'] }],
];

export const grantViews: ModelViews = {
  actors: ['frontend', 'guest', 'backend', 'hostile', 'hostile-granter', 'xen'],
  step: patternStep(grantTable),
};
