/*
 * The small shim netback's packet-format checks are compiled against
 * (conformance/netback/harness.c): the real xen/io/ring.h and xen/io/netif.h
 * of libxen-dev, Linux's names for them, the two structs the functions touch
 * (only the fields they use), and netdev_err / xenvif_fatal_tx_err /
 * xenvif_tx_err recorded instead of acting. The constants netback defines
 * elsewhere (XEN_NETBK_LEGACY_SLOTS_MAX, fatal_skb_slots, XEN_PAGE_SIZE) come
 * from the command line, so the same unmodified functions run with Linux's
 * values (18, 20, 4096) or with the model's small ones.
 */
#ifndef PVCHECK_NETBACK_SHIM_H
#define PVCHECK_NETBACK_SHIM_H
#include "shim_common.h"

#ifndef SHIM_LEGACY_SLOTS_MAX
#error "define SHIM_LEGACY_SLOTS_MAX, SHIM_FATAL_SKB_SLOTS and SHIM_PAGE_SIZE"
#endif
#define XEN_NETBK_LEGACY_SLOTS_MAX SHIM_LEGACY_SLOTS_MAX
#undef XEN_PAGE_SIZE
#define XEN_PAGE_SIZE SHIM_PAGE_SIZE
static unsigned int fatal_skb_slots = SHIM_FATAL_SKB_SLOTS;

struct net_device { int unused; };
struct xenvif { struct net_device *dev; bool disabled; };
struct xenvif_queue { struct netif_tx_back_ring tx; struct xenvif *vif; };

/* What the functions did, for the harness to print. */
struct shim_record {
	const char *first_message; /* the format of the first netdev_err/netdev_dbg */
	const char *last_message;  /* and of the last */
	int fatal;                 /* xenvif_fatal_tx_err called */
	int tx_err;                /* xenvif_tx_err called */
	RING_IDX tx_err_end;
	unsigned int tx_err_extra_count;
};
static struct shim_record shim;

static inline void shim_log(const char *fmt) { if (!shim.first_message) shim.first_message = fmt; shim.last_message = fmt; }
#define netdev_err(dev, fmt, ...) ((void)(dev), shim_log(fmt))
#define netdev_dbg(dev, fmt, ...) ((void)(dev), shim_log(fmt))
static inline int net_ratelimit(void) { return 1; }

static void xenvif_fatal_tx_err(struct xenvif *vif) { vif->disabled = true; shim.fatal = 1; }
static void xenvif_tx_err(struct xenvif_queue *queue, struct xen_netif_tx_request *txp,
			  unsigned int extra_count, RING_IDX end)
{
	(void)queue; (void)txp;
	shim.tx_err = 1;
	shim.tx_err_end = end;
	shim.tx_err_extra_count = extra_count;
}
#endif
