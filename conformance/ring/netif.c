/*
 * pvcheck netif tx ring harness: runs netif-tx vectors (multi-slot packets,
 * extra-info slots, netback's batched consumption and out-of-order responses
 * at rsp_prod_pvt) on the real xen/io/ring.h macros and xen/io/netif.h's tx
 * ring (DEFINE_RING_TYPES(netif_tx, struct netif_tx_request, struct
 * netif_tx_response), struct netif_extra_info written into a request slot as
 * netfront does) on one shared page, with a front ring and a back ring
 * attached to it, and compares every observation with the vector.
 *
 * Input (argv[1]): written by conformance/ring/netif.ts (docs/vectors.md):
 *
 *   V <id> <ring_size> <start_index>     a vector: SHARED_RING_INIT, its indices moved on by start_index,
 *                                        FRONT_RING_ATTACH and BACK_RING_ATTACH at start_index
 *   S <n> <call>                         step n begins (for messages)
 *   wreq <id> <flags> <size> <offset>    netfront: a struct netif_tx_request at RING_GET_REQUEST(req_prod_pvt++)
 *   wext <type> <flags> <gso_size>       netfront: a struct netif_extra_info there (XEN_NETIF_EXTRA_TYPE_GSO's layout)
 *   pushreq [<notify>]                   RING_PUSH_REQUESTS_AND_CHECK_NOTIFY (its notify compared when given)
 *   hasunconsumed <0|1>                  netback's xenvif_tx_interrupt: RING_HAS_UNCONSUMED_REQUESTS(&back) must be this
 *   finalcheck <more>                    netback's xenvif_napi_schedule_or_enable_events: RING_FINAL_CHECK_FOR_REQUESTS
 *                                        (req_event = req_cons + 1 when none), more_to_do compared
 *   hevent                               a hostile frontend's event without work: nothing on the page
 *   unconsumed <n>                       XEN_RING_NR_UNCONSUMED_REQUESTS(&back) must be n
 *   rdreq <k> <id> <flags> <size> <offset>   RING_COPY_REQUEST(&back, req_cons + k) must read this request
 *   rdext <k> <type> <flags> <gso_size>      ... read as a struct netif_extra_info, this extra
 *   rdrsp <k> <status> [<id>]                ... read as a struct netif_tx_response, this response
 *   consume <n>                          req_cons += n
 *   mkrsp <id> <extra_count> <status>    netback's _make_tx_response at rsp_prod_pvt
 *   pushrsp                              netback's push_tx_responses (RING_PUSH_RESPONSES_AND_CHECK_NOTIFY)
 *   txerr <id> <extra_count> <end>       netback's xenvif_tx_err for a dropped packet whose first slot has this id
 *
 * Built with -DNETBACK_EXTRACT and netback_rsp_extract.c on the include path, the three response calls are
 * netback's own _make_tx_response, push_tx_responses and xenvif_tx_err (with make_tx_response), extracted
 * unmodified from linux-source-6.12 and compiled against conformance/netback/shim_rsp.h; otherwise the
 * harness's transcriptions of them.
 *   gc <overflow> [<status> [<id> <id_in_range>]]   netfront's xennet_tx_buf_gc for one response:
 *                                        RING_RESPONSE_PROD_OVERFLOW(rsp_prod), then RING_COPY_RESPONSE at rsp_cons,
 *                                        rsp_cons++ (id and id < RING_SIZE compared unless the status is NULL)
 *   gc 0 req <id> <flags> <size> <offset> / gc 0 ext <type> <flags> <gso_size>
 *                                        ... where the slot at rsp_cons holds what netfront wrote itself: read in that layout
 *   hreqprod <v>                         a hostile frontend writes req_prod
 *   hsize <slot> <v>                     a hostile frontend writes ring[slot].req.size
 *   expect <field> <v>                   req_prod, rsp_prod, req_prod_pvt, rsp_cons, req_cons, rsp_prod_pvt, req_event
 *   E                                    end of the vector
 *
 * Numbers are decimal; statuses are signed. Exit: 0 all pass ("ok N vectors
 * M steps"); 1 at the first mismatch ("MISMATCH vector <id> step <n>
 * (<call>): <what> expected <x> got <y>"); 2 bad input; 3 RING_SIZE differs
 * from the vector's ring size.
 *
 * Build: gcc -std=gnu11 -O1 -Wall -Werror -o netif-harness netif.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#ifdef NETBACK_EXTRACT
/* netback's own response path, extracted from linux-source-6.12 (conformance/netback/netback.ts) */
#include "shim_rsp.h"
static struct xenvif_queue queue;
#define back (queue.tx)
#include NETBACK_RSP_EXTRACT
#else
#define mb() __sync_synchronize()
#define rmb() __sync_synchronize()
#define wmb() __sync_synchronize()
#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/io/ring.h>
#include <xen/io/netif.h>
static netif_tx_back_ring_t back;
#endif

#define PAGE 4096
static unsigned char page[PAGE] __attribute__((aligned(PAGE)));
static netif_tx_sring_t *sring_p = (netif_tx_sring_t *)page;
static netif_tx_front_ring_t front;

static char vid[256], call_name[128];
static unsigned ring_size, start_index;
static int step_no, vectors, steps;

static void mismatch(const char *what, long long expected, long long got) {
    printf("MISMATCH vector %s step %d (%s): %s expected %lld got %lld\n", vid, step_no, call_name, what, expected, got);
    exit(1);
}
#define CHECK(what, e, g) do { long long e_ = (e), g_ = (g); if (e_ != g_) mismatch(what, e_, g_); } while (0)

static void bad(const char *why, const char *line) {
    fprintf(stderr, "bad input: %s: %s", why, line);
    exit(2);
}

#ifdef NETBACK_EXTRACT
static void mkrsp(uint16_t id, unsigned extra_count, int16_t status) {
    struct netif_tx_request txp = { .id = id };
    _make_tx_response(&queue, &txp, extra_count, status);
}
static void pushrsp(void) { push_tx_responses(&queue); }
static void txerr(uint16_t id, unsigned extra_count, RING_IDX end) {
    struct netif_tx_request txp = { .id = id };
    xenvif_tx_err(&queue, &txp, extra_count, end);
}
#else
/* netback's _make_tx_response (drivers/net/xen-netback/netback.c, Linux 6.12), transcribed: the response
 * at rsp_prod_pvt, XEN_NETIF_RSP_NULL on the next extra_count slots (their ids left alone). */
static void mkrsp(uint16_t id, unsigned extra_count, int16_t status) {
    RING_IDX i = back.rsp_prod_pvt;
    struct netif_tx_response *resp = RING_GET_RESPONSE(&back, i);
    resp->id = id;
    resp->status = status;
    while (extra_count-- != 0)
        RING_GET_RESPONSE(&back, ++i)->status = NETIF_RSP_NULL;
    back.rsp_prod_pvt = ++i;
}
/* push_tx_responses */
static void pushrsp(void) {
    int notify;
    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&back, notify);
    (void)notify;
}
/* xenvif_tx_err: make_tx_response (with its push) for the first slot, then for each slot up to end, the
 * extra_count only on the first; req_cons = end */
static void txerr(uint16_t id, unsigned extra_count, RING_IDX end) {
    RING_IDX cons = back.req_cons;
    struct netif_tx_request txp = { .id = id };
    for (;;) {
        mkrsp(txp.id, extra_count, NETIF_RSP_ERROR);
        pushrsp();
        if (cons == end) break;
        RING_COPY_REQUEST(&back, cons++, &txp);
        extra_count = 0;
    }
    back.req_cons = cons;
}
#endif

/* A request / an extra-info slot as copied, field by field against the expected values; `what` names it in a mismatch. */
static void check_req(const char *what, const struct netif_tx_request *x, const long long *e) {
    static const char *names[] = { "id", "flags", "size", "offset" };
    long long got[] = { x->id, x->flags, x->size, x->offset };
    char w[96];
    for (int i = 0; i < 4; i++) { snprintf(w, sizeof w, "%s.%s", what, names[i]); CHECK(w, e[i], got[i]); }
}
static void check_ext(const char *what, const struct netif_extra_info *x, const long long *e) {
    static const char *names[] = { "type", "flags", "u.gso.size" };
    long long got[] = { x->type, x->flags, x->u.gso.size };
    char w[96];
    for (int i = 0; i < 3; i++) { snprintf(w, sizeof w, "%s.%s", what, names[i]); CHECK(w, e[i], got[i]); }
}

static uint32_t field(const char *name) {
    if (!strcmp(name, "req_prod")) return sring_p->req_prod;
    if (!strcmp(name, "rsp_prod")) return sring_p->rsp_prod;
    if (!strcmp(name, "req_prod_pvt")) return front.req_prod_pvt;
    if (!strcmp(name, "rsp_cons")) return front.rsp_cons;
    if (!strcmp(name, "req_cons")) return back.req_cons;
    if (!strcmp(name, "rsp_prod_pvt")) return back.rsp_prod_pvt;
    if (!strcmp(name, "req_event")) return sring_p->req_event;
    fprintf(stderr, "bad input: unknown field %s\n", name);
    exit(2);
}

int main(int argc, char **argv) {
    FILE *in = argc > 1 ? fopen(argv[1], "r") : stdin;
    if (!in) { fprintf(stderr, "cannot open %s\n", argv[1]); return 2; }
    char line[1024];
    while (fgets(line, sizeof line, in)) {
        char op[32];
        if (line[0] == '#' || sscanf(line, "%31s", op) != 1) continue;
        const char *rest = line + strlen(op) + (line[strlen(op)] ? 1 : 0);
        long long a[5];
        int n = sscanf(rest, "%lld %lld %lld %lld %lld", &a[0], &a[1], &a[2], &a[3], &a[4]);
        if (!strcmp(op, "V")) {
            if (sscanf(rest, "%255s %u %u", vid, &ring_size, &start_index) != 3) bad("V <id> <ring_size> <start_index>", line);
            memset(page, 0, sizeof page);
            SHARED_RING_INIT(sring_p);
            sring_p->req_prod += start_index; sring_p->rsp_prod += start_index;
            sring_p->req_event += start_index; sring_p->rsp_event += start_index;
            size_t bytes = offsetof(netif_tx_sring_t, ring) + (size_t)ring_size * sizeof(union netif_tx_sring_entry);
            FRONT_RING_ATTACH(&front, sring_p, start_index, bytes);
            BACK_RING_ATTACH(&back, sring_p, start_index, bytes);
            if (RING_SIZE(&front) != ring_size || RING_SIZE(&back) != ring_size) {
                fprintf(stderr, "vector %s: RING_SIZE is %u, the vector's ring size is %u\n", vid, RING_SIZE(&front), ring_size);
                return 3;
            }
            step_no = 0; strcpy(call_name, "-");
        } else if (!strcmp(op, "S")) {
            if (sscanf(rest, "%d %127s", &step_no, call_name) != 2) bad("S <n> <call>", line);
            steps++;
        } else if (!strcmp(op, "E")) {
            vectors++;
        } else if (!strcmp(op, "wreq")) {
            if (n != 4) bad("wreq <id> <flags> <size> <offset>", line);
            struct netif_tx_request *tx = RING_GET_REQUEST(&front, front.req_prod_pvt++);
            memset(tx, 0, sizeof *tx);
            tx->gref = 0; /* grant refs are not in the vectors; 0 reads as extra type NONE (model/netif.ts) */
            tx->id = a[0]; tx->flags = a[1]; tx->size = a[2]; tx->offset = a[3];
        } else if (!strcmp(op, "wext")) {
            if (n != 3) bad("wext <type> <flags> <gso_size>", line);
            struct netif_extra_info *gso = (struct netif_extra_info *)RING_GET_REQUEST(&front, front.req_prod_pvt++);
            memset(gso, 0, sizeof(union netif_tx_sring_entry));
            gso->type = a[0]; gso->flags = a[1]; gso->u.gso.size = a[2];
        } else if (!strcmp(op, "pushreq")) {
            int notify;
            RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&front, notify);
            if (n == 1) CHECK("notify", a[0], notify ? 1 : 0);
        } else if (!strcmp(op, "hasunconsumed")) {
            if (n != 1) bad("hasunconsumed <0|1>", line);
            CHECK("RING_HAS_UNCONSUMED_REQUESTS", a[0], RING_HAS_UNCONSUMED_REQUESTS(&back) ? 1 : 0);
        } else if (!strcmp(op, "finalcheck")) {
            if (n != 1) bad("finalcheck <more>", line);
            int more;
            RING_FINAL_CHECK_FOR_REQUESTS(&back, more);
            CHECK("more_to_do", a[0], more ? 1 : 0);
        } else if (!strcmp(op, "hevent")) {
            /* an event channel notification: nothing on the shared page */
        } else if (!strcmp(op, "unconsumed")) {
            if (n != 1) bad("unconsumed <n>", line);
            CHECK("XEN_RING_NR_UNCONSUMED_REQUESTS", (uint32_t)a[0], (uint32_t)XEN_RING_NR_UNCONSUMED_REQUESTS(&back));
        } else if (!strcmp(op, "rdreq")) {
            if (n != 5) bad("rdreq <k> <id> <flags> <size> <offset>", line);
            struct netif_tx_request txreq;
            RING_COPY_REQUEST(&back, back.req_cons + (RING_IDX)a[0], &txreq);
            char w[32];
            snprintf(w, sizeof w, "read[%lld]", a[0]);
            check_req(w, &txreq, &a[1]);
        } else if (!strcmp(op, "rdext")) {
            if (n != 4) bad("rdext <k> <type> <flags> <gso_size>", line);
            struct netif_extra_info extra;
            RING_COPY_REQUEST(&back, back.req_cons + (RING_IDX)a[0], &extra);
            char w[32];
            snprintf(w, sizeof w, "read[%lld]", a[0]);
            check_ext(w, &extra, &a[1]);
        } else if (!strcmp(op, "rdrsp")) {
            if (n != 2 && n != 3) bad("rdrsp <k> <status> [<id>]", line);
            struct netif_tx_response rsp;
            RING_COPY_RESPONSE(&back, back.req_cons + (RING_IDX)a[0], &rsp);
            char w[64];
            snprintf(w, sizeof w, "read[%lld].status", a[0]); CHECK(w, a[1], rsp.status);
            if (n == 3) { snprintf(w, sizeof w, "read[%lld].id", a[0]); CHECK(w, a[2], rsp.id); }
        } else if (!strcmp(op, "consume")) {
            if (n != 1) bad("consume <n>", line);
            back.req_cons += (RING_IDX)a[0];
        } else if (!strcmp(op, "mkrsp")) {
            if (n != 3) bad("mkrsp <id> <extra_count> <status>", line);
            mkrsp(a[0], a[1], a[2]);
        } else if (!strcmp(op, "pushrsp")) {
            pushrsp();
        } else if (!strcmp(op, "txerr")) {
            if (n != 3) bad("txerr <id> <extra_count> <end>", line);
            txerr(a[0], a[1], (RING_IDX)a[2]);
        } else if (!strcmp(op, "gc")) {
            if (n < 1) bad("gc <overflow> [<status> [<id> <id_in_range>]]", line);
            RING_IDX prod = front.sring->rsp_prod;
            CHECK("RING_RESPONSE_PROD_OVERFLOW", a[0], RING_RESPONSE_PROD_OVERFLOW(&front, prod) ? 1 : 0);
            char kind[8];
            long long b[4];
            if (!a[0] && sscanf(rest, "%*d %7s %lld %lld %lld %lld", kind, &b[0], &b[1], &b[2], &b[3]) >= 4 && (!strcmp(kind, "req") || !strcmp(kind, "ext"))) {
                /* a slot netfront wrote itself (a request or an extra it overwrote an unread response with): read in its layout */
                if (!strcmp(kind, "req")) {
                    struct netif_tx_request txreq;
                    RING_COPY_REQUEST(&front, front.rsp_cons, &txreq);
                    check_req("response(as request)", &txreq, b);
                } else {
                    struct netif_extra_info extra;
                    RING_COPY_REQUEST(&front, front.rsp_cons, &extra);
                    check_ext("response(as extra)", &extra, b);
                }
                front.rsp_cons++;
            } else if (!a[0]) {
                struct netif_tx_response txrsp;
                RING_COPY_RESPONSE(&front, front.rsp_cons, &txrsp);
                front.rsp_cons++;
                if (n < 2) bad("gc 0 <status> ...", line);
                CHECK("response.status", a[1], txrsp.status);
                if (n >= 4) {
                    CHECK("response.id", a[2], txrsp.id);
                    CHECK("id_in_range", a[3], txrsp.id < RING_SIZE(&front) ? 1 : 0);
                }
            }
        } else if (!strcmp(op, "hreqprod")) {
            if (n != 1) bad("hreqprod <v>", line);
            sring_p->req_prod = (RING_IDX)a[0];
        } else if (!strcmp(op, "hsize")) {
            if (n != 2 || a[0] < 0 || a[0] >= ring_size) bad("hsize <slot> <v>", line);
            sring_p->ring[a[0]].req.size = a[1];
        } else if (!strcmp(op, "expect")) {
            char f[32]; unsigned long long v;
            if (sscanf(rest, "%31s %llu", f, &v) != 2) bad("expect <field> <v>", line);
            CHECK(f, (uint32_t)v, field(f));
        } else bad("unknown line", line);
    }
    printf("ok %d vectors %d steps\n", vectors, steps);
    return 0;
}
