/**
 * NetChannel2 as it was (../shared/seeds/004: "Suspend/resume and migration
 * don't work with dom0 bypass"): guest A is saved and restored, or migrated,
 * while a dom0 bypass exists. The restored A has its memory (it still
 * believes in the bypass) but none of its mappings, event channels or grants:
 * the bypass ring it thinks it uses is no longer mapped, B stays bound to a
 * port that closed and keeps the ring mapped, and dom0 keeps the ring pages
 * granted to a domain that is gone. The built-in nc2-bypass tears the bypass
 * down (DISABLE/DISABLED, DETACH/DETACHED) and falls back to dom0 first.
 *
 * Three facets, each a shortest counterexample: A's ring mapping is gone while
 * A believes in the bypass (BY1); B binds to A's closed port and its
 * BYPASS_READY goes nowhere (BY2); and the tear-down never ends (deadlock: the
 * restored A sent its packets on a ring it no longer maps, B's FINISHes come
 * back on that ring, so A never answers dom0's DISABLE with DISABLED; 11 steps
 * until dom0 could disable only while a suspend was left, 2026-12-05).
 *
 * @pvcheck check
 * @pvcheck expect violation BY1_bypass_ring_mapped in 4 steps
 * @pvcheck check -i BY2_bypass_events_delivered
 * @pvcheck expect violation BY2_bypass_events_delivered in 5 steps
 * @pvcheck check -i deadlock
 * @pvcheck expect deadlock in 15 steps
 * @pvcheck fixed-by nc2-bypass -p packets=2 -p setups=2 -p suspends=1
 */
import { deriveModel, withDefaults, nc2Bypass, nc2BypassModel as n, type Rule } from 'pvcheck';

type S = n.Nc2BypassState;
type P = n.Nc2BypassParams;

/** A suspends whenever its traffic is quiet, bypass or not. */
const suspendWithBypass: Rule<S, P> = {
  name: 'A.suspend_resume.keep_bypass', actor: 'A',
  doc: 'A is saved and restored (or migrated) with the bypass still set up',
  when: (s, p) => s.a.suspended < p.suspends && n.quiet(s),
  then: (d, s) => n.suspendResume(d, s),
};

export default deriveModel(nc2Bypass, {
  name: 'nc2-bypass-kept-across-suspend',
  params: withDefaults(nc2Bypass.params, { packets: 2, setups: 2, suspends: 1 }), // the bounds the header was written at
  description: 'nc2-bypass where guest A suspends and resumes with the dom0 bypass still set up (NetChannel2 as it was)',
  see: '../shared/seeds/004; netchannel2.h BYPASS_* messages',
  replace: { 'A.suspend_resume': suspendWithBypass },
});
