/**
 * tx_add_credit without its wrap clamp: `remaining_credit + credit_bytes` is
 * computed in an unsigned word and used as is. With `credit_bytes` near the
 * integer maximum the sum wraps to a small number, and every refill LOSES
 * credit. The model's words are `wordBits` wide (4 by default) so that the
 * wrap is reachable.
 *
 * With the settings of the header below, pvcheck reports L2_credit_no_overflow. The fix is netback's clamp
 * (`if (max_credit < queue->remaining_credit) max_credit = ULONG_MAX;`), the
 * built-in `limiter`, which verifies at the same parameters.
 *
 * @pvcheck check -p creditBytes=15 -p hostile=false -p hostileRx=false
 * @pvcheck expect violation L2_credit_no_overflow in 16 steps
 * @pvcheck fixed-by limiter -p hostileRing=1 -p creditUsec=1
 */
import { deriveModel, withDefaults, limiterModel } from 'pvcheck';
const { limiter, makeBackendRules, maxBurst, replaceBackend, wordMax } = limiterModel;
type AddCredit = limiterModel.AddCredit;

/** max_credit = remaining_credit + credit_bytes, wrapping, no clamp. */
const addCreditWrapping: AddCredit = (rem, p) => Math.min((rem + p.creditBytes) & wordMax(p), maxBurst(p));

const changed = Object.fromEntries(
  makeBackendRules(addCreditWrapping)
    .filter((r) => /_(xenvif_tx_interrupt|tx_credit_exceeded|xenvif_tx_credit_callback)$/.test(r.name))
    .map((r) => [r.name, r]),
);

export default deriveModel(limiter, {
  name: 'limiter-credit-overflow',
  params: withDefaults(limiter.params, { hostileRing: 1, maxQueues: 1, maxLag: 1, creditUsec: 1, wordBits: 4, rxQueueMax: 2 }), // the bounds the header was written at
  description: 'limiter whose tx_add_credit sum wraps for a huge credit_bytes (no clamp to ULONG_MAX)',
  see: 'netback.c tx_add_credit ("Take care that adding a new chunk of credit doesn\'t wrap to zero")',
  replace: replaceBackend(changed),
});
