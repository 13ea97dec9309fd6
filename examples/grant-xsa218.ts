/**
 * XSA-218 (Xen 9a0bd460 "gnttab: fix unmap pin accounting
 * race"), reintroduced: unmap_common drops the pins (act->pin) in the first
 * phase of GNTTABOP_unmap_grant_ref, and unmap_common_complete, after the TLB
 * flush, only clears the status bits. "The code that updates the accounting
 * happens in a different critical section than the one which updates the
 * usage flags": between the phases another operation on the entry (here a
 * copy completing, release_grant_for_copy) sees no pin left and clears
 * GTF_reading while the unmapping domain can still reach the page through its
 * TLB, "a window in time after the hypervisor reported the grant as being free
 * during which the grant referee still had access to the page".
 *
 * The fix is the built-in `grant`: the pins stay until unmap_common_complete.
 *
 * The fix run leaves out the built-in's finding G19 (docs/models/grant.md), which
 * today's Xen reports first: every other property is checked on today's code.
 *
 * @pvcheck check -p cacheSize=0 -p transitive=0 -p subPage=false -p version=v2
 * @pvcheck expect violation G6_status_tracks_pins in 5 steps
 * @pvcheck check -p cacheSize=0 -p transitive=0 -p subPage=false -p version=v1
 * @pvcheck expect violation G6_status_tracks_pins in 5 steps
 * @pvcheck fixed-by grant -p refs=1 -p pages=1 --leave-out G19_readonly_grant_stays_readonly
 */
import { deriveModel, withDefaults, type Rule, grantModel } from 'pvcheck';
const { grant, rogueUnmap, unmapCompleteRule, unmapCommon, dropMapPins, reduceStatusForPin, GNTMAP_readonly } = grantModel;
type GrantParams = grantModel.GrantParams;
type GrantState = grantModel.GrantState;
type UnmapChoice = { h: number; parts: number };

/** Pre-fix __gnttab_unmap_common: the maptrack entry loses the parts AND the pins go at once. */
const unmapDropsPins: Rule<GrantState, GrantParams, UnmapChoice> = {
  ...(rogueUnmap as Rule<GrantState, GrantParams, UnmapChoice>),
  doc: 'pre-XSA-218 unmap_common: the maptrack entry loses the unmapped parts and act->pin drops in the same (first) critical section',
  then: (d, s, p, a) => {
    const m = s.mt[a.h]!;
    const done = unmapCommon(d, s, a.h, a.parts);
    const left = dropMapPins(d, m.dom, m.ref, done);
    if (p.unmaps === 0) reduceStatusForPin(d, m.dom, m.ref, left, (done & GNTMAP_readonly) !== 0);
    else d.um.push({ dom: m.dom, ref: m.ref, frame: m.frame, done });
  },
};

/** Pre-fix __gnttab_unmap_common_complete: after the TLB flush, only the status bits follow the pins. */
const completeStatusOnly: Rule<GrantState, GrantParams, number> = {
  ...(unmapCompleteRule as Rule<GrantState, GrantParams, number>),
  doc: 'pre-XSA-218 unmap_common_complete: the status bits are reduced to the pins, which were already dropped',
  then: (d, s, _p, i) => {
    const u = s.um[i]!;
    const act = (u.dom === 1 ? s.aa : s.ab)[u.ref] ?? null;
    reduceStatusForPin(d, u.dom, u.ref, act, (u.done & GNTMAP_readonly) !== 0);
    d.um.splice(i, 1);
  },
};

export default deriveModel(grant, {
  name: 'grant-xsa218',
  description: 'grant with the pre-XSA-218 unmap: pins dropped in unmap_common, before the TLB flush',
  see: 'XSA-218; Xen 9a0bd460 (gnttab: fix unmap pin accounting race)',
  params: withDefaults(grant.params, { refs: 1, pages: 1 }), // the bounds the header was written at
  replace: { rogue_GNTTABOP_unmap_grant_ref: unmapDropsPins, GNTTABOP_unmap_complete: completeStatusOnly },
});
