/*
 * The shim xenvif_get_requests (and the helpers it calls from netback.c:
 * pending_index, frag_set_pending_idx, xenvif_tx_create_map_op, struct
 * xenvif_tx_cb) is compiled against (conformance/netback/getreq.c): the real
 * xen/io/ring.h, netif.h and grant_table.h; an sk_buff with only what the
 * function touches (data, len, cb, the shared info with its frags and
 * frag_list); the queue's pending ring and op arrays; gnttab_set_map_op and
 * make_tx_response recorded. skb_shinfo(NULL) is recorded (the real one
 * would dereference NULL) and answers a scratch shared info.
 */
#ifndef PVCHECK_NETBACK_SHIM_GETREQ_H
#define PVCHECK_NETBACK_SHIM_GETREQ_H
#include "shim_common.h"

typedef unsigned int pending_ring_idx_t;

#ifndef SHIM_LEGACY_SLOTS_MAX
#error "define SHIM_LEGACY_SLOTS_MAX, SHIM_MAX_SKB_FRAGS and SHIM_PAGE_SIZE"
#endif
#define XEN_NETBK_LEGACY_SLOTS_MAX SHIM_LEGACY_SLOTS_MAX
#define MAX_SKB_FRAGS SHIM_MAX_SKB_FRAGS
#undef XEN_PAGE_SIZE
#define XEN_PAGE_SIZE SHIM_PAGE_SIZE
/* the skb head is one page-aligned buffer: no copy crosses a local page */
#define XEN_PAGE_MASK (~(unsigned long)(4096 - 1))
#define offset_in_page(p) ((unsigned long)(p) & 4095UL)
#define virt_to_gfn(p) ((xen_pfn_t)0)
#define MAX_PENDING_REQS 256

typedef struct { unsigned int off; } skb_frag_t;
static inline void skb_frag_off_set(skb_frag_t *f, unsigned int off) { f->off = off; }
struct sk_buff;
struct skb_shared_info { unsigned char nr_frags; skb_frag_t frags[MAX_SKB_FRAGS]; struct sk_buff *frag_list; };
struct sk_buff { unsigned char *data; unsigned int len; char cb[48]; struct skb_shared_info shinfo; };
static struct skb_shared_info shim_scratch_shinfo;
static int shim_null_shinfo = -1; /* maps recorded when skb_shinfo(NULL) happened, or -1 */
static unsigned int shim_nmaps;
static inline struct skb_shared_info *skb_shinfo(struct sk_buff *skb)
{
	if (!skb) { if (shim_null_shinfo < 0) shim_null_shinfo = (int)shim_nmaps; return &shim_scratch_shinfo; }
	return &skb->shinfo;
}
static inline unsigned char *__skb_put(struct sk_buff *skb, unsigned int len) { unsigned char *p = skb->data + skb->len; skb->len += len; return p; }
static inline unsigned int skb_headlen(const struct sk_buff *skb) { return skb->len; }
static inline void kfree_skb(struct sk_buff *skb) { (void)skb; }

struct page { int unused; };
struct ubuf_info_msgzc { void *ctx; };
struct pending_tx_info { struct xen_netif_tx_request req; unsigned int extra_count; struct ubuf_info_msgzc callback_struct; };
struct xenvif { uint16_t domid; };
struct xenvif_queue {
	struct xenvif *vif;
	pending_ring_idx_t pending_prod, pending_cons;
	u16 pending_ring[MAX_PENDING_REQS];
	struct pending_tx_info pending_tx_info[MAX_PENDING_REQS];
	struct page *mmap_pages[MAX_PENDING_REQS];
	struct page *pages_to_map[MAX_PENDING_REQS];
	struct gnttab_copy tx_copy_ops[2 * MAX_PENDING_REQS];
	struct gnttab_map_grant_ref tx_map_ops[MAX_PENDING_REQS];
};

/* gnttab_set_map_op and make_tx_response, recorded: the gref of each map, the id of each response */
static grant_ref_t shim_maps[4 * MAX_PENDING_REQS];
static uint16_t shim_resp[4 * MAX_PENDING_REQS];
static unsigned int shim_nresp;
static inline unsigned long idx_to_kaddr(struct xenvif_queue *q, u16 idx) { (void)q; return idx; }
static inline void gnttab_set_map_op(struct gnttab_map_grant_ref *map, unsigned long addr, uint32_t flags, grant_ref_t ref, domid_t domid)
{
	map->host_addr = addr; map->flags = flags; map->ref = ref; map->dom = domid;
	if (shim_nmaps < 4 * MAX_PENDING_REQS) shim_maps[shim_nmaps] = ref;
	shim_nmaps++;
}
static void make_tx_response(struct xenvif_queue *queue, const struct xen_netif_tx_request *txp, unsigned int extra_count, int8_t status)
{
	(void)queue; (void)extra_count; (void)status;
	if (shim_nresp < 4 * MAX_PENDING_REQS) shim_resp[shim_nresp] = txp->id;
	shim_nresp++;
}
#endif
