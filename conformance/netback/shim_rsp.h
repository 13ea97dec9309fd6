/*
 * The shim netback's response path (_make_tx_response, push_tx_responses,
 * make_tx_response, xenvif_tx_err, extracted unmodified from Debian's
 * linux-source-6.12 at test time) is compiled against, inside
 * conformance/ring/netif.c: the real xen/io/ring.h and netif.h, Linux's
 * names for them, a queue with the back ring and the fields the functions
 * use, response_lock and notify_remote_via_irq as no-ops (the harness runs
 * one context at a time).
 */
#ifndef PVCHECK_NETBACK_SHIM_RSP_H
#define PVCHECK_NETBACK_SHIM_RSP_H
#include "shim_common.h"

typedef int8_t s8;
typedef int spinlock_t;
#define spin_lock_irqsave(lock, flags) ((void)(lock), (flags) = 0)
#define spin_unlock_irqrestore(lock, flags) ((void)(lock), (void)(flags))
static inline void notify_remote_via_irq(int irq) { (void)irq; }

#define xen_netif_tx_response netif_tx_response
#define XEN_NETIF_RSP_NULL NETIF_RSP_NULL
#define XEN_NETIF_RSP_ERROR NETIF_RSP_ERROR

struct xenvif_queue { struct netif_tx_back_ring tx; spinlock_t response_lock; int tx_irq; };
#endif
