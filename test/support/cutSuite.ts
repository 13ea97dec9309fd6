/**
 * A vector suite cut from the first states of its graph (generateSuite's
 * `maxStates`, breadth first) is the whole graph's only while every rule's
 * first edge and every boundary lie within the cut: a model change that moves
 * one past it would drop its vector silently. What the suite's report says
 * that differs from the whole graph's, as lines (none: the cut lost nothing
 * the report can see): a goal not covered, a boundary not reached, rules that
 * fire nowhere in the cut other than those the whole graph never fires
 * (`whole.rules`, and the boundaries it never reaches, `whole.boundaries`:
 * what generateSuite without maxStates reports, listed with the run it came
 * from).
 */
import type { SuiteReport } from '../../conformance/generate.js';

export interface WholeGraph {
  /** Rules the whole graph never fires. */
  readonly rules: readonly string[];
  /** Boundaries no path of the whole graph reaches (generateSuite reaches some at other parameters of their own). */
  readonly boundaries: readonly string[];
}

export function cutSuiteLosses(report: SuiteReport, wholeGraph: WholeGraph): string[] {
  const out: string[] = [];
  const unreachable = wholeGraph.rules;
  if (report.covered !== report.goals) out.push(`${report.goals - report.covered} of ${report.goals} goals not covered`);
  for (const b of report.boundaries)
    if ((b.vector === undefined) !== wholeGraph.boundaries.includes(b.name)) out.push(`boundary ${b.name} ${b.vector === undefined ? 'not reached' : 'reached'} within ${report.states} states (the whole graph's: ${b.vector === undefined ? 'reached' : 'not'})`);
  const whole = new Set(unreachable);
  for (const r of report.unreachableRules) if (!whole.has(r)) out.push(`rule ${r} fires nowhere within ${report.states} states (the whole graph fires it)`);
  for (const r of unreachable) if (!report.unreachableRules.includes(r)) out.push(`rule ${r} fires within ${report.states} states (the whole graph's list says never: update it)`);
  return out;
}

/**
 * The rules grant's whole graphs never fire, at test/conformanceGrant's and conformanceGrantGranter's
 * parameters (generateSuite without maxStates, session 29): the hostile grantee's (refs=1 pages=1 handles=2
 * cacheSize=0; 11,534 states) and the hostile granter's (refs=1 pages=1 granter=hostile cacheSize=0
 * transitive=0 subPage=false unmaps=0 version=v2; 137,304 states).
 */
const NEITHER = ['fe_ADD_GREF_MAPPING_response', 'fe_sticky_request', 'fe_DEL_GREF_MAPPING', 'fe_DEL_GREF_MAPPING_response', 'fe_backend_closed', 'be_cached_request', 'be_ADD_GREF_MAPPING', 'be_DEL_GREF_MAPPING'];
export const HOSTILE_WHOLE: WholeGraph = {
  rules: [...NEITHER, 'rogue_granter_write_entry', 'rogue_granter_status_frames'],
  // the hostile granter's probe (conformanceGrantGranter's), and the transitive re-point at refs=2 pages=2
  boundaries: ['copy-pinned-entry-changed', 'copy-transitive-changed'],
};
const GRANTER_NEVER: readonly string[] = [
  ...NEITHER, 'fe_gnttab_grant_foreign_access_ref', 'fe_response', 'fe_gnttab_end_foreign_access_ref', 'fe_gnttab_end_foreign_access', 'fe_gnttab_handle_deferred',
  'be_GNTTABOP_map_grant_ref', 'be_GNTTABOP_copy', 'be_use_unmap_respond', 'be_respond_error', 'be_forward_transitive', 'be_forward_done',
  'GNTTABOP_unmap_complete', 'rogue_grant_transitive', 'rogue_end_transitive',
];
export const GRANTER_WHOLE: WholeGraph = { rules: GRANTER_NEVER, boundaries: [] };
