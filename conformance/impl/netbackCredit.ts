/**
 * Netback's credit scheduler for one queue, written for the conformance
 * vectors from the verbatim Linux code quoted in ../shared/docs/xen-protocols.md
 * §5.3 (drivers/net/xen-netback/netback.c `tx_add_credit`,
 * `tx_credit_exceeded`, `xenvif_tx_credit_callback`), without the model's
 * code. `unsigned long` is a `wordBits`-bit word; 131072 of `max_burst` is a
 * parameter (`burst`), as the vectors scale it; time is in ticks (jiffies) and
 * `credit_usec` is in ticks too.
 *
 * `bug` seeds one defect: `no-wrap-clamp` drops the "wrapped: clamp to
 * ULONG_MAX" test (the sum wraps to a small credit), `no-burst-cap` drops the
 * `min(max_credit, max_burst)`.
 */
export type CreditBug = 'none' | 'no-wrap-clamp' | 'no-burst-cap';

export class CreditQueue {
  remaining_credit: number;
  credit_window_start: number;
  /** credit_timeout: the expiry when pending. */
  timer: number | undefined;
  rate_limited = false;
  /** Every tx_add_credit call, remaining_credit before and after (instrumentation for the adapter). */
  readonly refills: { from: number; to: number }[] = [];

  constructor(
    readonly credit_bytes: number,
    readonly credit_usec: number,
    readonly burst: number,
    readonly wordBits: number,
    readonly bug: CreditBug = 'none',
    now = 0,
  ) {
    // at connect (xenbus.c connect, interface.c xenvif_init_queue): remaining_credit = credit_bytes, credit_window_start = now
    this.remaining_credit = credit_bytes;
    this.credit_window_start = now;
  }

  /**
   * The model's clock bound (its `maxLag`, docs/models/limiter.md), not
   * netback: after a tick, credit_window_start is kept at most `maxLag` ticks
   * behind the end of a window that has passed.
   */
  boundLag(now: number, maxLag: number): void {
    if (now - (this.credit_window_start + this.credit_usec) > maxLag) this.credit_window_start = now - maxLag - this.credit_usec;
  }

  get ULONG_MAX(): number {
    return 2 ** this.wordBits - 1;
  }

  tx_add_credit(): void {
    const before = this.remaining_credit;
    const max_burst = Math.max(this.burst, this.credit_bytes);
    let max_credit = (this.remaining_credit + this.credit_bytes) % (this.ULONG_MAX + 1);
    if (max_credit < this.remaining_credit && this.bug !== 'no-wrap-clamp') max_credit = this.ULONG_MAX; /* wrapped: clamp to ULONG_MAX */
    this.remaining_credit = this.bug === 'no-burst-cap' ? max_credit : Math.min(max_credit, max_burst);
    this.rate_limited = false;
    this.refills.push({ from: before, to: this.remaining_credit });
  }

  /** The timer fired (the caller checks it is due). */
  xenvif_tx_credit_callback(): void {
    this.timer = undefined;
    this.tx_add_credit();
  }

  timer_pending(): boolean {
    return this.timer !== undefined;
  }

  tx_credit_exceeded(size: number, now: number): boolean {
    const next_credit = this.credit_window_start + this.credit_usec;
    if (this.timer_pending()) {
      this.rate_limited = true;
      return true;
    }
    if (now >= next_credit) {
      this.credit_window_start = now;
      this.tx_add_credit();
    }
    if (size > this.remaining_credit) {
      this.timer = next_credit; // mod_timer(&queue->credit_timeout, next_credit)
      this.credit_window_start = next_credit;
      this.rate_limited = true;
      return true;
    }
    return false;
  }
}
