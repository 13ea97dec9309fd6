/*
 * What both netback shims share (shim.h, shim_getreq.h): the real Xen
 * headers of libxen-dev with barriers for user space, the kernel's integer
 * types, Linux's spelling of netif.h's names, likely/unlikely.
 */
#ifndef PVCHECK_NETBACK_SHIM_COMMON_H
#define PVCHECK_NETBACK_SHIM_COMMON_H
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <errno.h>

#define mb() __sync_synchronize()
#define rmb() __sync_synchronize()
#define wmb() __sync_synchronize()
#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/io/ring.h>
#include <xen/io/netif.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;

/* Linux's include/xen/interface/io/netif.h spells netif.h's names so. */
#define xen_netif_tx_request netif_tx_request
#define xen_netif_extra_info netif_extra_info
#define XEN_NETTXF_more_data NETTXF_more_data
#define XEN_NETTXF_extra_info NETTXF_extra_info
#define XEN_NETIF_RSP_OKAY NETIF_RSP_OKAY

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
