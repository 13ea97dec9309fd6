/*
 * The few kernel definitions that netback's credit scheduler uses
 * (drivers/net/xen-netback/netback.c: tx_add_credit, tx_credit_exceeded,
 * xenvif_tx_credit_callback), so that those three functions, extracted from
 * Debian's linux-source-6.12 at test time, compile unmodified in user space
 * (conformance/credit/harness.c, docs/vectors.md "netback's compiled code").
 * Nothing of the kernel is copied here: these are our definitions.
 *
 * The harness is built with -m32: `unsigned long` is 32 bits, as on a 32-bit
 * dom0 kernel (arm32). The vectors' credit words are `wordBits` wide; each
 * value v is kept as v << (32 - wordBits) (SCALE), which maps a wordBits-bit
 * word onto the 32-bit one exactly: sums wrap at the same point, comparisons,
 * min and max are kept. The `unsigned size` of tx_credit_exceeded is scaled
 * alike. The one constant of the code, max_burst's 131072UL (128 KiB), is
 * scaled by the vectors to `burst`: our max() replaces that literal (and only
 * it, recognised by its spelling) with SCALE(burst).
 *
 * Time: one jiffy is one vector tick, HZ = 1000 (msecs_to_jiffies(m) = m),
 * and the harness sets credit_usec = 1000 * creditUsec.
 */
#ifndef PVCHECK_NETBACK_SHIM_H
#define PVCHECK_NETBACK_SHIM_H
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint64_t u64;
typedef int64_t s64;

/* include/linux/timer.h, as much as the three functions use: a pending flag and an expiry. */
struct timer_list {
	unsigned long expires;
	int pending;
};

/* drivers/net/xen-netback/common.h struct xenvif_queue: the fields the three functions use, with netback's types. */
struct xenvif_queue {
	/* Transmit shaping: allow 'credit_bytes' every 'credit_usec'. */
	unsigned long credit_bytes;
	unsigned long credit_usec;
	unsigned long remaining_credit;
	struct timer_list credit_timeout;
	u64 credit_window_start;
	bool rate_limited;
};

/* The harness's clock and records (harness.c). */
extern u64 shim_jiffies_64;
extern unsigned long shim_burst_scaled;
extern int shim_refills;
extern int shim_mod_timers;
extern int shim_napi_schedules;

static inline u64 get_jiffies_64(void) { return shim_jiffies_64; }
static inline unsigned long msecs_to_jiffies(const unsigned int m) { return m; } /* HZ = 1000 */

/* include/linux/jiffies.h */
#define time_after_eq64(a, b) ((s64)((a) - (b)) >= 0)

static inline int timer_pending(const struct timer_list *timer) { return timer->pending; }
/* Records the call; returns whether the timer was pending (as mod_timer does). */
static inline int mod_timer(struct timer_list *timer, unsigned long expires)
{
	int was = timer->pending;
	timer->expires = expires;
	timer->pending = 1;
	shim_mod_timers++;
	return was;
}

#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#define from_timer(var, callback_timer, timer_fieldname) container_of(callback_timer, typeof(*var), timer_fieldname)

/* interface.c: reschedules NAPI or re-enables events; the harness only counts it. */
static inline void xenvif_napi_schedule_or_enable_events(struct xenvif_queue *queue)
{
	(void)queue;
	shim_napi_schedules++;
}

#define min(a, b) ((a) < (b) ? (a) : (b))
/*
 * max() is called by tx_add_credit alone (max_burst = max(131072UL,
 * credit_bytes)): each call is a refill, counted; the literal 131072UL is
 * the 128 KiB the vectors scale to `burst`.
 */
static inline unsigned long shim_max(const char *a_spelling, unsigned long a, unsigned long b)
{
	shim_refills++;
	if (strcmp(a_spelling, "131072UL") == 0)
		a = shim_burst_scaled;
	return a > b ? a : b;
}
#define max(a, b) shim_max(#a, (a), (b))

#endif
