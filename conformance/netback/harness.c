/*
 * Runs netback's own xenvif_count_requests and xenvif_get_extras (extracted
 * unmodified from Debian's linux-source-6.12 at test time into
 * netback_extract.c, never committed) on the multi-slot vectors of
 * conformance/netback/netback.ts, and prints what they did, one line per
 * vector, for the TypeScript side to compare with model/netif.ts.
 *
 * Input lines:
 *   V id count|extras cons work_to_do extra_count   a vector: req_cons and the arguments
 *   F flags size offset id                            (count) the first request, txreq
 *   R flags size offset id                            a request slot, the k-th from req_cons
 *   X type flags gso_size                             an extra-info slot
 *   E                                                 run it
 * Output, one line per vector:
 *   id ret=N fatal=0|1 tx_err=0|1 end=N first_size=N extra_count=N cons=N msg=FIRST_MESSAGE
 * (end and cons relative to the vector's req_cons; msg: the fatal error's message,
 * else the first one logged, up to its first '%' or ':').
 */
#include "shim.h"
#include <stdio.h>
#include <stdlib.h>
#include "netback_extract.c"

static void print_msg(void)
{
	const char *m = shim.fatal ? shim.last_message : shim.first_message;
	putchar(' '); fputs("msg=", stdout);
	if (!m) { fputs("-", stdout); return; }
	for (; *m && *m != '%' && *m != ':' && *m != '\n'; m++) putchar(*m == ' ' ? '_' : *m);
}

int main(int argc, char **argv)
{
	FILE *in = argc > 1 ? fopen(argv[1], "r") : stdin;
	if (!in) { perror(argv[1]); return 2; }
	struct netif_tx_sring *sring = aligned_alloc(4096, 4096);
	struct xenvif vif = { 0 };
	struct xenvif_queue queue = { .vif = &vif };
	char line[256], id[128] = "", kind[16] = "";
	unsigned int cons = 0, k = 0, extra_count = 0;
	int work_to_do = 0;
	struct xen_netif_tx_request first = { 0 };
	while (fgets(line, sizeof line, in)) {
		unsigned a, b, c, d;
		if (line[0] == 'V') {
			if (sscanf(line, "V %127s %15s %u %d %u", id, kind, &cons, &work_to_do, &extra_count) != 5) { fprintf(stderr, "bad line: %s", line); return 2; }
			memset(sring, 0, 4096);
			SHARED_RING_INIT(sring);
			BACK_RING_INIT(&queue.tx, sring, 4096);
			queue.tx.req_cons = cons;
			memset(&first, 0, sizeof first);
			memset(&shim, 0, sizeof shim);
			vif.disabled = false;
			k = 0;
		} else if (line[0] == 'F' && sscanf(line, "F %u %u %u %u", &a, &b, &c, &d) == 4) {
			first.flags = a; first.size = b; first.offset = c; first.id = d;
		} else if (line[0] == 'R' && sscanf(line, "R %u %u %u %u", &a, &b, &c, &d) == 4) {
			struct xen_netif_tx_request *r = RING_GET_REQUEST(&queue.tx, cons + k++);
			memset(r, 0, sizeof *r);
			r->flags = a; r->size = b; r->offset = c; r->id = d;
		} else if (line[0] == 'X' && sscanf(line, "X %u %u %u", &a, &b, &c) == 3) {
			struct xen_netif_tx_request *r = RING_GET_REQUEST(&queue.tx, cons + k++);
			memset(r, 0, sizeof *r);
			struct xen_netif_extra_info *e = (struct xen_netif_extra_info *)r;
			e->type = a; e->flags = b; e->u.gso.size = c;
		} else if (line[0] == 'E') {
			int ret;
			unsigned int ec = extra_count;
			if (strcmp(kind, "count") == 0) {
				struct xen_netif_tx_request txfrags[XEN_NETBK_LEGACY_SLOTS_MAX];
				ret = xenvif_count_requests(&queue, &first, ec, txfrags, work_to_do);
			} else {
				struct xen_netif_extra_info extras[XEN_NETIF_EXTRA_TYPE_MAX - 1];
				memset(extras, 0, sizeof extras);
				ret = xenvif_get_extras(&queue, extras, &ec, work_to_do);
			}
			printf("%s ret=%d fatal=%d tx_err=%d end=%u first_size=%u extra_count=%u cons=%u",
			       id, ret, shim.fatal, shim.tx_err, (unsigned)(shim.tx_err_end - cons), first.size, ec,
			       (unsigned)(queue.tx.req_cons - cons));
			print_msg();
			putchar('\n');
		} else if (line[0] != '#' && line[0] != '\n') {
			fprintf(stderr, "bad line: %s", line);
			return 2;
		}
	}
	return 0;
}
