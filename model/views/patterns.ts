/**
 * Sequence-chart views declared by rule-name patterns: models whose rules are
 * named after the Xen and Linux functions they stand for
 * (`RING_PUSH_REQUESTS_AND_CHECK_NOTIFY.notify`, `rx.consume_request`,
 * `be_GNTTABOP_map_grant_ref`, `nc2_flush_ring.notify.backend`) say once,
 * per function, what a step of it touches, instead of once per rule. The
 * first matching pattern gives a rule's touches; a rule no pattern matches
 * touches nothing (it still has its column and row).
 */
import type { ModelViews, RuleTouches } from '../core.js';

/** One pattern: a rule name matching `re` touches what `touches` says (given the match, for names built from parts). */
export type Pattern = readonly [re: RegExp, touches: RuleTouches | ((m: RegExpMatchArray) => RuleTouches)];

/** The `step` of a ModelViews from a table of patterns (memoised per rule name: a rule's touches do not depend on the state). */
export function patternStep(table: readonly Pattern[]): NonNullable<ModelViews['step']> {
  const memo = new Map<string, RuleTouches>();
  return (rule) => {
    let t = memo.get(rule);
    if (t === undefined) {
      t = {};
      for (const [re, touches] of table) {
        const m = re.exec(rule);
        if (m) {
          t = typeof touches === 'function' ? touches(m) : touches;
          break;
        }
      }
      memo.set(rule, t);
    }
    return t;
  };
}

/** An event-channel notification to `to` (notify_remote_via_evtchn), drawn as an arrow. */
export const evtchnNotify = (to: string, label = 'notify_remote_via_evtchn'): RuleTouches['messages'] => [{ to, label, via: 'evtchn' }];

/** A hypercall to Xen (`GNTTABOP_map_grant_ref`), drawn as an arrow to the `xen` column. */
export const hypercall = (label: string, to = 'xen'): RuleTouches['messages'] => [{ to, label, via: 'grant' }];

/**
 * The messages a step appended to message queues (arrays in the state), as
 * arrows: for each queue, what is at the end of `after` and was not in
 * `before` once the head items the step took off are set aside. `queues`
 * names each queue's ends; `label` names a message.
 */
export function queueMessages<M>(
  before: Readonly<Record<string, readonly M[]>> | undefined,
  after: Readonly<Record<string, readonly M[]>> | undefined,
  queues: Readonly<Record<string, { readonly from: string; readonly to: string; readonly via?: string }>>,
  label: (m: M) => string,
): NonNullable<RuleTouches['messages']> {
  const out: { from: string; to: string; label: string; via?: string }[] = [];
  if (!before || !after) return out;
  const same = (x: M, y: M) => x === y || JSON.stringify(x) === JSON.stringify(y);
  for (const [name, ends] of Object.entries(queues)) {
    const b = before[name] ?? [], a = after[name] ?? [];
    // the fewest head items taken off such that the rest of `before` starts `after`
    let drop = 0;
    while (drop < b.length && !b.slice(drop).every((m, i) => i < a.length && same(m, a[i]!))) drop++;
    for (const m of a.slice(b.length - drop)) out.push({ from: ends.from, to: ends.to, label: label(m), ...(ends.via !== undefined ? { via: ends.via } : {}) });
  }
  return out;
}
