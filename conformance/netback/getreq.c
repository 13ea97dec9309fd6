/*
 * Runs netback's own xenvif_get_requests (extracted unmodified from Debian's
 * linux-source-6.12 at test time into netback_getreq_extract.c, with the
 * helpers and struct it uses) on counted packets, and prints what it did.
 *
 * Input lines:
 *   V id extra_count data_len        a counted packet
 *   F size offset                    txreq after xenvif_count_requests (size: the first fragment's)
 *   R size offset                    txfrags[k]
 *   E                                run it
 * Each request's gref and id are its slot: 0 the first, k + 1 txfrags[k].
 * Every txfrags[] entry after the packet, and four past the array (the next
 * stack bytes in netback), are sentinels: gref and id 100 + their index, size 1.
 * Output: id copies=SLOT:LEN,... maps=SLOT,... resp=SLOT,... null=N|-
 * (null: how many maps were recorded when skb_shinfo(NULL) happened).
 */
#include "shim_getreq.h"
#include <stdio.h>
#include <stdlib.h>
#include "netback_getreq_extract.c"

#define SENTINELS 4
struct txfrags_on_stack {
	struct xen_netif_tx_request frags[XEN_NETBK_LEGACY_SLOTS_MAX];
	struct xen_netif_tx_request beyond[SENTINELS];
};

int main(int argc, char **argv)
{
	FILE *in = argc > 1 ? fopen(argv[1], "r") : stdin;
	if (!in) { perror(argv[1]); return 2; }
	static struct xenvif_queue queue;
	static struct xenvif vif;
	static unsigned char head[4096] __attribute__((aligned(4096)));
	static struct sk_buff skb, nskb_store;
	static struct txfrags_on_stack t;
	struct xen_netif_tx_request first;
	char line[256], id[128] = "";
	unsigned int extra_count = 0, data_len = 0, ret = 0;
	while (fgets(line, sizeof line, in)) {
		unsigned a, b;
		if (line[0] == 'V') {
			if (sscanf(line, "V %127s %u %u", id, &extra_count, &data_len) != 3) { fprintf(stderr, "bad line: %s", line); return 2; }
			memset(&t, 0, sizeof t);
			memset(&first, 0, sizeof first);
			for (unsigned i = 0; i < SENTINELS; i++) { t.beyond[i].gref = 100 + i; t.beyond[i].id = 100 + i; t.beyond[i].size = 1; }
			ret = 0;
		} else if (line[0] == 'F' && sscanf(line, "F %u %u", &a, &b) == 2) {
			first.size = a; first.offset = b; first.gref = 0; first.id = 0;
		} else if (line[0] == 'R' && sscanf(line, "R %u %u", &a, &b) == 2) {
			if (ret >= XEN_NETBK_LEGACY_SLOTS_MAX) { fprintf(stderr, "too many fragments\n"); return 2; }
			t.frags[ret].size = a; t.frags[ret].offset = b; t.frags[ret].gref = ret + 1; t.frags[ret].id = ret + 1;
			ret++;
		} else if (line[0] == 'E') {
			/* every entry after the packet: what a previous packet or the next stack bytes left there */
			for (unsigned i = ret; i < XEN_NETBK_LEGACY_SLOTS_MAX + SENTINELS; i++) {
				struct xen_netif_tx_request *x = &t.frags[0] + i;
				x->gref = 100 + i; x->id = 100 + i; x->size = 1; x->offset = 0;
			}
			memset(&queue, 0, sizeof queue);
			queue.vif = &vif;
			queue.pending_prod = MAX_PENDING_REQS;
			for (unsigned i = 0; i < MAX_PENDING_REQS; i++) queue.pending_ring[i] = i;
			memset(&skb, 0, sizeof skb); skb.data = head;
			memset(&nskb_store, 0, sizeof nskb_store); nskb_store.data = head;
			shim_nmaps = 0; shim_nresp = 0; shim_null_shinfo = -1;
			/* as xenvif_tx_build_gops does before calling it */
			struct sk_buff *nskb = NULL;
			unsigned int frag_overflow = 0;
			skb_shinfo(&skb)->nr_frags = ret;
			if (skb_shinfo(&skb)->nr_frags > MAX_SKB_FRAGS) {
				frag_overflow = skb_shinfo(&skb)->nr_frags - MAX_SKB_FRAGS;
				skb_shinfo(&skb)->nr_frags = MAX_SKB_FRAGS;
				nskb = &nskb_store;
			}
			unsigned copy_ops = 0, map_ops = 0;
			xenvif_get_requests(&queue, &skb, &first, t.frags, &copy_ops, &map_ops, frag_overflow, nskb, extra_count, data_len);
			printf("%s copies=", id);
			for (unsigned i = 0; i < copy_ops; i++) printf("%s%u:%u", i ? "," : "", queue.tx_copy_ops[i].source.u.ref, queue.tx_copy_ops[i].len);
			printf(" maps=");
			for (unsigned i = 0; i < shim_nmaps && i < 4 * MAX_PENDING_REQS; i++) printf("%s%u", i ? "," : "", shim_maps[i]);
			printf(" resp=");
			for (unsigned i = 0; i < shim_nresp && i < 4 * MAX_PENDING_REQS; i++) printf("%s%u", i ? "," : "", shim_resp[i]);
			if (shim_null_shinfo >= 0) printf(" null=%d\n", shim_null_shinfo); else printf(" null=-\n");
		} else if (line[0] != '#' && line[0] != '\n') {
			fprintf(stderr, "bad line: %s", line);
			return 2;
		}
	}
	return 0;
}
