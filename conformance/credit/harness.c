/*
 * pvcheck credit harness: runs limiter vectors (their credit steps) through
 * netback's own tx_add_credit, tx_credit_exceeded and
 * xenvif_tx_credit_callback, extracted unmodified from Linux's
 * drivers/net/xen-netback/netback.c at test time (conformance/credit/
 * harness.ts) and compiled against our shim.h, one struct xenvif_queue per
 * guest (h honest, x hostile). Build:
 *
 *   gcc -m32 -std=gnu11 -O1 -Wall -Werror -I <dir of netback-credit.c> \
 *       -DNETBACK_CREDIT_C='"netback-credit.c"' -o harness harness.c
 *
 * Input (stdin), one vector after another:
 *
 *   V <id> <credit_bytes> <credit_usec ticks> <burst> <word_bits> <max_lag> <start_jiffies>
 *   S tick | S gops <g> <charge> | S exceeded <g> <charge> | S callback <g> | S spurious <g> | S nop
 *   E
 *
 * Output: one line per step, `O <h_remaining_credit> <x_remaining_credit>
 * <h_timer_pending> <x_timer_pending> <refills> [<g> <from> <to>]...`
 * (values unscaled), or `X <message>` when the step cannot be made (the
 * vector's later steps are then skipped). Exit status 0, or 2 on bad input.
 *
 * What each step does, besides netback's own functions:
 * - connect (the V line), as netback's xenbus.c connect() and interface.c
 *   xenvif_init_queue(): credit_window_start = get_jiffies_64(),
 *   remaining_credit = credit_bytes, credit_usec = 1000 * ticks, no timer;
 * - tick: jiffies_64 + 1. The model keeps credit_window_start at most
 *   max_lag ticks behind the end of a passed window (its `maxLag` bound,
 *   docs/models/limiter.md); the harness applies the same bound to the
 *   queue after each tick, the one place it writes netback's state;
 * - gops: xenvif_tx_build_gops's `queue->remaining_credit -= txreq.size`;
 * - exceeded: tx_credit_exceeded(queue, charge);
 * - callback: the timer core: it must be pending and due (time_after_eq on
 *   the 32-bit jiffies and `expires`), it is detached, then
 *   xenvif_tx_credit_callback(&queue->credit_timeout);
 * - spurious: the model's own spurious-event charge (a design, not netback):
 *   with no credit left, tx_credit_exceeded(queue, 1); unless that keeps the
 *   event waiting, one unit is taken.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shim.h"
#include NETBACK_CREDIT_C

_Static_assert(sizeof(unsigned long) == 4, "build with -m32: the credit words are scaled onto a 32-bit unsigned long");

u64 shim_jiffies_64;
unsigned long shim_burst_scaled;
int shim_refills;
int shim_mod_timers;
int shim_napi_schedules;

static struct xenvif_queue queues[2]; /* h, x */
static unsigned word_bits, max_lag, usec_ticks;

static int guest_index(const char *g)
{
	if (strcmp(g, "h") == 0)
		return 0;
	if (strcmp(g, "x") == 0)
		return 1;
	return -1;
}

static unsigned long scale(unsigned long v) { return v << (32 - word_bits); }
static int scalable(unsigned long v) { return v <= (1UL << word_bits) - 1; }

static char err[256];

/* The unscaled value of a scaled word, or -1 (and err) when it is not one. */
static long unscale(unsigned long x, const char *what)
{
	unsigned long low = (1UL << (32 - word_bits)) - 1;
	if (x & low) {
		snprintf(err, sizeof err, "%s 0x%lx is not a scaled %u-bit value", what, x, word_bits);
		return -1;
	}
	return (long)(x >> (32 - word_bits));
}

static void connect_queue(struct xenvif_queue *q, unsigned long credit_bytes)
{
	memset(q, 0, sizeof *q);
	q->credit_window_start = get_jiffies_64();
	q->credit_bytes = scale(credit_bytes);
	q->remaining_credit = scale(credit_bytes);
	q->credit_usec = 1000UL * usec_ticks;
}

/* The model's clock bound (see the header). */
static void bound_lag(struct xenvif_queue *q)
{
	u64 now = get_jiffies_64();
	u64 next_credit = q->credit_window_start + msecs_to_jiffies(q->credit_usec / 1000);
	if ((s64)(now - next_credit) > (s64)max_lag)
		q->credit_window_start = now - max_lag - msecs_to_jiffies(q->credit_usec / 1000);
}

#define time_after_eq(a, b) ((long)((a) - (b)) >= 0)

int main(void)
{
	char line[512];
	int in_vector = 0, failed = 0, lineno = 0;
	while (fgets(line, sizeof line, stdin)) {
		lineno++;
		char cmd[32] = "", a[64] = "", b[64] = "";
		long n = 0;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (line[0] == 'V') {
			char id[256];
			unsigned long cb, burst;
			unsigned long long start;
			if (sscanf(line, "V %255s %lu %u %lu %u %u %llu", id, &cb, &usec_ticks, &burst, &word_bits, &max_lag, &start) != 7 ||
			    word_bits < 3 || word_bits > 16 || !usec_ticks) {
				fprintf(stderr, "line %d: bad V line\n", lineno);
				return 2;
			}
			if (!scalable(cb) || !scalable(burst)) {
				fprintf(stderr, "line %d: credit_bytes or burst does not fit %u bits\n", lineno, word_bits);
				return 2;
			}
			shim_jiffies_64 = start;
			shim_burst_scaled = scale(burst);
			connect_queue(&queues[0], cb);
			connect_queue(&queues[1], cb);
			in_vector = 1;
			failed = 0;
			continue;
		}
		if (line[0] == 'E') {
			in_vector = 0;
			continue;
		}
		if (line[0] != 'S' || !in_vector) {
			fprintf(stderr, "line %d: expected V, S or E\n", lineno);
			return 2;
		}
		int k = sscanf(line, "S %31s %63s %63s", cmd, a, b);
		if (failed)
			continue;
		int g = k >= 2 ? guest_index(a) : -1;
		struct xenvif_queue *q = g >= 0 ? &queues[g] : NULL;
		if (k == 3)
			n = strtol(b, NULL, 10);
		int refill_guest = -1;
		unsigned long from = q ? q->remaining_credit : 0, to = 0;
		int refills0 = shim_refills;
		err[0] = 0;

		if (strcmp(cmd, "tick") == 0) {
			shim_jiffies_64++;
			bound_lag(&queues[0]);
			bound_lag(&queues[1]);
		} else if (strcmp(cmd, "nop") == 0) {
		} else if (!q) {
			fprintf(stderr, "line %d: %s needs a guest h or x\n", lineno, cmd);
			return 2;
		} else if (strcmp(cmd, "gops") == 0 || strcmp(cmd, "exceeded") == 0) {
			if (k != 3 || n < 0 || !scalable((unsigned long)n))
				snprintf(err, sizeof err, "charge %s does not fit %u bits", b, word_bits);
			else if (cmd[0] == 'g')
				q->remaining_credit -= scale((unsigned long)n);
			else {
				tx_credit_exceeded(q, (unsigned)scale((unsigned long)n));
				to = q->remaining_credit;
			}
		} else if (strcmp(cmd, "callback") == 0) {
			unsigned long jiffies = (unsigned long)shim_jiffies_64;
			if (!timer_pending(&q->credit_timeout))
				snprintf(err, sizeof err, "credit_timeout of %s is not pending", a);
			else if (!time_after_eq(jiffies, q->credit_timeout.expires))
				snprintf(err, sizeof err, "credit_timeout of %s is not due (expires %lu, jiffies %lu)", a, q->credit_timeout.expires, jiffies);
			else {
				q->credit_timeout.pending = 0;
				xenvif_tx_credit_callback(&q->credit_timeout);
				to = q->remaining_credit;
			}
		} else if (strcmp(cmd, "spurious") == 0) {
			int waits = q->remaining_credit == 0 && tx_credit_exceeded(q, (unsigned)scale(1));
			to = q->remaining_credit;
			if (!waits)
				q->remaining_credit -= scale(1);
		} else {
			fprintf(stderr, "line %d: unknown step '%s'\n", lineno, cmd);
			return 2;
		}
		if (shim_refills - refills0 > 1 && !err[0])
			snprintf(err, sizeof err, "%d refills in one step", shim_refills - refills0);
		if (shim_refills != refills0)
			refill_guest = g;
		long h = err[0] ? -1 : unscale(queues[0].remaining_credit, "h remaining_credit");
		long x = err[0] ? -1 : unscale(queues[1].remaining_credit, "x remaining_credit");
		long f = err[0] || refill_guest < 0 ? 0 : unscale(from, "refill from");
		long t = err[0] || refill_guest < 0 ? 0 : unscale(to, "refill to");
		if (err[0]) {
			printf("X %s\n", err);
			failed = 1;
			continue;
		}
		printf("O %ld %ld %d %d %d", h, x, queues[0].credit_timeout.pending, queues[1].credit_timeout.pending, refill_guest >= 0);
		if (refill_guest >= 0)
			printf(" %s %ld %ld", refill_guest ? "x" : "h", f, t);
		printf("\n");
	}
	return 0;
}
