/**
 * The credit window on a small wrapping clock compared with `>=`: what Linux
 * netback did before "xen-netback: use jiffies_64 value to calculate credit
 * timeout" (xen-protocols.md B-13; the mechanism is inferred there, U). The
 * window start and the clock are kept modulo 2^CLOCK_BITS, `now >=
 * next_credit` is a plain comparison and the credit timer fires when the clock
 * reaches its expiry. After the honest guest was idle long enough for the clock
 * to wrap past its window start, `now >= next_credit` is false although the
 * window has long passed: no refill, and the timer, armed at next_credit and
 * due when `now >= expires` on the same clock, only fires after the clock
 * wraps again. The honest guest waits far longer
 * than one credit window.
 *
 * Only the honest guest's credit window is put on the wrapping clock (it is
 * the one whose service we check); the hostile guest keeps the model's.
 *
 * With the settings of the header below, pvcheck reports L4_honest_bounded_response. The fix (a clock that does not wrap,
 * jiffies_64) is the built-in `limiter`, whose window arithmetic is exact.
 *
 * @pvcheck catalogue B-13
 * @pvcheck check -p hostile=false -p hostileRx=false
 * @pvcheck expect violation L4_honest_bounded_response in 34 steps
 * @pvcheck fixed-by limiter -p hostileRing=1 -p creditUsec=1
 */
import { deriveModel, withDefaults, type Layout, type Model, type Rule, limiterModel } from 'pvcheck';
const { backendRules, creditCallback, limiter, limiterLayout, makeTick, txAddCredit, txCreditExceededRule, txInterrupt } = limiterModel;
type CreditExceeded = limiterModel.CreditExceeded;
type LimiterParams = limiterModel.LimiterParams;
type LimiterState = limiterModel.LimiterState;

/** The clock's width: jiffies, credit_window_start and the timer expiry wrap at 2^CLOCK_BITS ticks. */
export const CLOCK_BITS = 4;
const MASK = (1 << CLOCK_BITS) - 1;

/** The state with the honest guest's window on the wrapping clock. */
type WS = { -readonly [K in keyof LimiterState]: number } & { jiffies: number; h_ws: number; h_texp: number };
const w = (s: unknown): WS => s as WS;

/** tx_credit_exceeded with `now >= next_credit` on the wrapping clock (honest guest). */
const exceededWrapping: CreditExceeded = (d, s, g, p, charge) => {
  const x = w(d);
  if (x.h_tmr === 1) return true;
  const nextCredit = (x.h_ws + p.creditUsec) & MASK;
  if (x.jiffies >= nextCredit) { // the bug: a plain >= on wrapping values
    x.h_ws = x.jiffies;
    txAddCredit(d, s, g, p);
  }
  if (charge > x.h_rem) {
    x.h_tmr = 1;
    x.h_texp = nextCredit; // mod_timer(&credit_timeout, next_credit)
    x.h_ws = nextCredit;
    return true;
  }
  return false;
};

/** The timer is due when `now >= expires`, the same plain comparison on the wrapping clock. */
const dueWrapping = (s: LimiterState): boolean => s.h_tmr === 1 && w(s).jiffies >= w(s).h_texp;

const changed: Record<string, Rule<LimiterState, LimiterParams>> = {
  h_xenvif_tx_interrupt: txInterrupt('h', undefined, exceededWrapping),
  h_tx_credit_exceeded: txCreditExceededRule('h', undefined, exceededWrapping),
  h_xenvif_tx_credit_callback: creditCallback('h', undefined, dueWrapping),
};
const baseTick = makeTick(backendRules.map((r) => changed[r.name] ?? r));
const tick: Rule<LimiterState, LimiterParams> = {
  ...baseTick,
  doc: `${baseTick.doc}; jiffies advance modulo 2^${CLOCK_BITS}`,
  then: (d, s, p) => { baseTick.then(d, s, p, undefined); w(d).jiffies = (w(s).jiffies + 1) & MASK; },
};

const derived = deriveModel(limiter, {
  name: 'limiter-wrapping-clock',
  params: withDefaults(limiter.params, { hostileRing: 1, maxQueues: 1, maxLag: 1, creditUsec: 1, wordBits: 4, rxQueueMax: 2 }), // the bounds the header was written at
  description: `limiter whose honest credit window uses a ${CLOCK_BITS}-bit wrapping clock and >= (before "use jiffies_64 value to calculate credit timeout")`,
  see: 'Linux netback "xen-netback: use jiffies_64 value to calculate credit timeout"; xen-protocols.md §5.3, B-13',
  replace: { ...changed, tick },
  // at connect: credit_window_start = now = 0
  init: (p) => limiter.init(p).map((s) => ({ ...s, h_nc: 0, jiffies: 0, h_ws: 0, h_texp: 0 }) as LimiterState),
});

const model: Model<LimiterState, LimiterParams> = {
  ...derived,
  layout: (p): Layout => [
    ...limiterLayout(p),
    { name: 'jiffies', bits: CLOCK_BITS }, { name: 'h_ws', bits: CLOCK_BITS }, { name: 'h_texp', bits: CLOCK_BITS },
  ],
};
export default model;
