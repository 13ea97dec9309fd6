/**
 * The limiter with netback's exact timer arithmetic in tx_credit_exceeded
 * (drivers/net/xen-netback/netback.c):
 *
 *     next_credit = credit_window_start + credit_usec;
 *     if (time_after_eq64(now, next_credit)) { credit_window_start = now; tx_add_credit(queue); }
 *     if (size > remaining_credit) {
 *         mod_timer(&credit_timeout, next_credit);   // next_credit as computed BEFORE the refill
 *         credit_window_start = next_credit;
 *         ...
 *
 * When the window had passed, `next_credit` is already in the past: the timer
 * fires at once and xenvif_tx_credit_callback refills again, a second refill
 * in the same window. The built-in model arms the timer at the end of the new
 * window (one refill per window, which L3_work_per_window's bound counts).
 * This variant takes the moment the window passed as "now" (the old
 * next_credit = now, the fewest refills Linux can give); the conformance
 * vectors found the difference (docs/models/limiter.md).
 *
 * @pvcheck check -p hostileRx=false
 * @pvcheck expect violation L3_work_per_window in 50 steps
 * @pvcheck fixed-by limiter
 */
import { deriveModel, limiterModel } from 'pvcheck';
const { gs, gv, limiter, replaceBackend, txAddCredit, txCreditExceededRule } = limiterModel;
type CreditExceeded = limiterModel.CreditExceeded;

const netbackExceeded: CreditExceeded = (d, s, g, p, charge) => {
  if (gv(d, g, 'tmr') === 1) return true; // timer_pending: rate limited
  let refilled = false;
  if (gv(d, g, 'nc') === 0) {
    gs(d, g, 'nc', p.creditUsec); // credit_window_start = now
    txAddCredit(d, s, g, p);
    refilled = true;
  }
  if (charge > gv(d, g, 'rem')) {
    gs(d, g, 'tmr', 1); // mod_timer(&credit_timeout, next_credit)
    // not refilled: next_credit is the end of this window, as in the model;
    // refilled: next_credit (<= now) is due at once, and the window starts there (now)
    if (!refilled) gs(d, g, 'nc', gv(d, g, 'nc') + p.creditUsec);
    return true;
  }
  return false;
};

export default deriveModel(limiter, {
  name: 'limiter-netback-timer',
  description: "limiter with netback's tx_credit_exceeded timer arithmetic: after a refill that is not enough, the timer is armed at the old next_credit and fires at once",
  see: 'netback.c tx_credit_exceeded (mod_timer(&queue->credit_timeout, next_credit) after credit_window_start = now)',
  replace: replaceBackend({
    h_tx_credit_exceeded: txCreditExceededRule('h', undefined, netbackExceeded),
    x_tx_credit_exceeded: txCreditExceededRule('x', undefined, netbackExceeded),
  }),
});
