/**
 * The adapter that runs `limiter` vectors (conformance/limiter.ts vocabulary)
 * on netback's credit scheduler as conformance/impl/netbackCredit.ts has it,
 * one CreditQueue per guest: an implementation of part of the limiter, so it
 * observes only the credit fields (`observes`): `packets_sent`, `charge`,
 * `credit_refills`, `<g>_remaining_credit`, `<g>_credit_timeout`.
 *
 * Time: a `tick` step is one jiffy; after it, each queue's window start is
 * kept within the model's `maxLag` (CreditQueue.boundLag). The calls that reach the scheduler:
 * `<g>_xenvif_tx_build_gops` (`remaining_credit -= charge`),
 * `<g>_tx_credit_exceeded` (tx_credit_exceeded(charge, now)),
 * `<g>_xenvif_tx_credit_callback` (must be due: now >= the timer's expiry),
 * `<g>_xenvif_tx_interrupt` with no packet (the model's spurious-event charge:
 * with no credit left, tx_credit_exceeded(1); unless that keeps it waiting,
 * one unit is taken).
 */
import type { Adapter, Observation } from '../adapter.js';
import type { Json, Vector, VectorStep } from '../format.js';
import { CreditQueue, type CreditBug } from './netbackCredit.js';

const num = (v: Json | undefined, what: string): number => {
  if (typeof v !== 'number') throw new Error(`${what} must be a number`);
  return v;
};
const FIELDS = new Set(['packets_sent', 'charge', 'credit_refills', 'h_remaining_credit', 'x_remaining_credit', 'h_credit_timeout', 'x_credit_timeout']);

export function limiterCreditAdapter(bug: CreditBug = 'none'): Adapter {
  let q: Record<'h' | 'x', CreditQueue> | undefined;
  let now = 0;
  let maxLag = 0;
  return {
    observes: (f) => FIELDS.has(f),
    reset(v: Vector) {
      const p = v.params;
      const mk = () => new CreditQueue(num(p.creditBytes, 'creditBytes'), num(p.creditUsec, 'creditUsec'), num(p.burst, 'burst'), num(p.wordBits, 'wordBits'), bug);
      q = { h: mk(), x: mk() };
      now = 0;
      maxLag = num(p.maxLag, 'maxLag');
    },
    apply(s: VectorStep): Observation {
      if (!q) throw new Error('apply before reset');
      const m = /^([hx])_(.*)$/.exec(s.call);
      const g = m?.[1] as 'h' | 'x' | undefined;
      const what = m?.[2];
      const marks = { h: q.h.refills.length, x: q.x.refills.length };
      let sent = 0;
      let charge: number | undefined;
      if (s.call === 'tick') {
        now++;
        for (const k of ['h', 'x'] as const) q[k].boundLag(now, maxLag);
      }
      else if (g && what === 'xenvif_tx_build_gops') {
        charge = num(s.args?.charge, 'args.charge');
        q[g].remaining_credit -= charge;
        sent = 1;
      } else if (g && what === 'tx_credit_exceeded') q[g].tx_credit_exceeded(num(s.args?.charge, 'args.charge'), now);
      else if (g && what === 'xenvif_tx_credit_callback') {
        const t = q[g].timer;
        if (t === undefined || now < t) throw new Error(`credit_timeout of ${g} is not due (expires ${t ?? 'never'}, now ${now})`);
        q[g].xenvif_tx_credit_callback();
      } else if (g && what === 'xenvif_tx_interrupt' && s.args?.charge === undefined) {
        const c = q[g];
        if (!(c.remaining_credit === 0 && c.tx_credit_exceeded(1, now))) c.remaining_credit -= 1;
      }
      const refills: Json[] = [];
      for (const k of ['h', 'x'] as const) for (const r of q[k].refills.slice(marks[k])) refills.push({ guest: k, from: r.from, to: r.to });
      return {
        packets_sent: sent, ...(charge !== undefined ? { charge } : {}), credit_refills: refills,
        h_remaining_credit: q.h.remaining_credit, x_remaining_credit: q.x.remaining_credit,
        h_credit_timeout: q.h.timer_pending(), x_credit_timeout: q.x.timer_pending(),
      };
    },
  };
}
