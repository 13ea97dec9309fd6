/*
 * pvcheck ring conformance harness: runs ring-api vectors against the real
 * xen/io/ring.h macros (Debian libxen-dev, /usr/include/xen/io/ring.h) on a
 * real shared page, one front ring and one back ring attached to it, calling
 * one whole macro per step, and compares every observation with the vector.
 *
 * Input (stdin or argv[1]): the harness rendering of a vector suite, written
 * by conformance/ring/harness.ts (docs/vectors.md):
 *
 *   V <id> <ring_size> <start_index>
 *   S <call> [payload=<u32>] : <field>=<u32> <field>=<u32> ...
 *   E
 *
 * Exit status: 0 all vectors pass (prints "ok N vectors M steps"); 1 on the
 * first mismatch, naming the vector, the step, the call and the field; 2 on
 * bad input; 3 when the header's RING_SIZE is not the vector's ring size.
 *
 * Build: gcc -std=gnu11 -O1 -Wall -o harness harness.c   (-I DIR to test
 * another copy of xen/io/ring.h first).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
/* ring.h's barriers: xen_mb() is mb() for the default interface version; a full barrier serves for all three here. */
#define mb() __sync_synchronize()
#define rmb() __sync_synchronize()
#define wmb() __sync_synchronize()
#include <xen/io/ring.h>

struct pv_request { uint32_t id; };
struct pv_response { uint32_t id; };
DEFINE_RING_TYPES(pv, struct pv_request, struct pv_response);

#define PAGE 4096
#define MAXF 16

static unsigned char page[PAGE] __attribute__((aligned(PAGE)));
static pv_sring_t *sring = (pv_sring_t *)page;
static pv_front_ring_t front;
static pv_back_ring_t back;

static char vid[256];
static unsigned ring_size, start_index;
static int nstep;

struct obs { int n; const char *name[MAXF]; uint32_t val[MAXF]; };
static void put(struct obs *o, const char *name, uint32_t v) { o->name[o->n] = name; o->val[o->n] = v; o->n++; }
static void shared(struct obs *o) {
    put(o, "req_prod", sring->req_prod); put(o, "req_event", sring->req_event);
    put(o, "rsp_prod", sring->rsp_prod); put(o, "rsp_event", sring->rsp_event);
}
static void fside(struct obs *o) { shared(o); put(o, "req_prod_pvt", front.req_prod_pvt); put(o, "rsp_cons", front.rsp_cons); }
static void bside(struct obs *o) { shared(o); put(o, "rsp_prod_pvt", back.rsp_prod_pvt); put(o, "req_cons", back.req_cons); }

static size_t ring_bytes(void) { return offsetof(pv_sring_t, ring) + (size_t)ring_size * sizeof(union pv_sring_entry); }

/* Performs one call with the real macros; fills the observation. Returns 0, or -1 for an unknown call. */
static int call(const char *name, int has_payload, uint32_t payload, struct obs *o) {
    o->n = 0;
    if (!strcmp(name, "FRONT_RING_INIT")) {
        memset(page, 0, sizeof page);
        SHARED_RING_INIT(sring);
        /* a ring attached at start_index: the page holds the indices a resumed ring would (start_index 0: exactly SHARED_RING_INIT) */
        sring->req_prod = sring->rsp_prod = start_index;
        sring->req_event = sring->rsp_event = start_index + 1;
        FRONT_RING_ATTACH(&front, sring, start_index, ring_bytes());
        if (RING_SIZE(&front) != ring_size) {
            fprintf(stderr, "vector %s: RING_SIZE is %u, the vector's ring size is %u\n", vid, RING_SIZE(&front), ring_size);
            exit(3);
        }
        fside(o);
    } else if (!strcmp(name, "BACK_RING_INIT")) {
        BACK_RING_ATTACH(&back, sring, start_index, ring_bytes());
        if (RING_SIZE(&back) != ring_size) {
            fprintf(stderr, "vector %s: RING_SIZE is %u, the vector's ring size is %u\n", vid, RING_SIZE(&back), ring_size);
            exit(3);
        }
        bside(o);
    } else if (!strcmp(name, "produce_request")) {
        RING_GET_REQUEST(&front, front.req_prod_pvt)->id = has_payload ? payload : front.req_prod_pvt;
        front.req_prod_pvt++;
        fside(o);
    } else if (!strcmp(name, "RING_PUSH_REQUESTS_AND_CHECK_NOTIFY")) {
        int notify;
        RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&front, notify);
        put(o, "notify", notify ? 1 : 0); fside(o);
    } else if (!strcmp(name, "RING_HAS_UNCONSUMED_RESPONSES")) {
        put(o, "count", RING_HAS_UNCONSUMED_RESPONSES(&front)); fside(o);
    } else if (!strcmp(name, "consume_response")) {
        struct pv_response rsp;
        RING_COPY_RESPONSE(&front, front.rsp_cons, &rsp);
        front.rsp_cons++;
        put(o, "payload", rsp.id); fside(o);
    } else if (!strcmp(name, "RING_FINAL_CHECK_FOR_RESPONSES")) {
        int work;
        RING_FINAL_CHECK_FOR_RESPONSES(&front, work);
        put(o, "work_to_do", work); fside(o);
    } else if (!strcmp(name, "RING_FULL")) {
        put(o, "full", RING_FULL(&front) ? 1 : 0); fside(o);
    } else if (!strcmp(name, "RING_HAS_UNCONSUMED_REQUESTS")) {
        put(o, "count", RING_HAS_UNCONSUMED_REQUESTS(&back)); bside(o);
    } else if (!strcmp(name, "consume_request")) {
        struct pv_request req;
        RING_COPY_REQUEST(&back, back.req_cons, &req);
        back.req_cons++;
        put(o, "payload", req.id); bside(o);
    } else if (!strcmp(name, "produce_response")) {
        RING_GET_RESPONSE(&back, back.rsp_prod_pvt)->id = has_payload ? payload : ~back.rsp_prod_pvt;
        back.rsp_prod_pvt++;
        bside(o);
    } else if (!strcmp(name, "RING_PUSH_RESPONSES_AND_CHECK_NOTIFY")) {
        int notify;
        RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&back, notify);
        put(o, "notify", notify ? 1 : 0); bside(o);
    } else if (!strcmp(name, "RING_FINAL_CHECK_FOR_REQUESTS")) {
        int work;
        RING_FINAL_CHECK_FOR_REQUESTS(&back, work);
        put(o, "work_to_do", work); bside(o);
    } else {
        return -1;
    }
    return 0;
}

static int parse_u32(const char *s, uint32_t *out) {
    char *end;
    unsigned long v;
    if (!*s) return -1;
    v = strtoul(s, &end, 10);
    if (*end || v > 0xffffffffUL) return -1;
    *out = (uint32_t)v;
    return 0;
}

static void bad(int line, const char *why) {
    fprintf(stderr, "input line %d: %s\n", line, why);
    exit(2);
}

int main(int argc, char **argv) {
    FILE *in = stdin;
    static char buf[1 << 16];
    int line = 0, vectors = 0, steps = 0, invec = 0;
    if (argc > 1 && !(in = fopen(argv[1], "r"))) { perror(argv[1]); return 2; }
    while (fgets(buf, sizeof buf, in)) {
        char *tok, *save;
        line++;
        buf[strcspn(buf, "\r\n")] = 0;
        tok = strtok_r(buf, " ", &save);
        if (!tok || tok[0] == '#') continue;
        if (!strcmp(tok, "V")) {
            char *id = strtok_r(NULL, " ", &save), *rs = strtok_r(NULL, " ", &save), *si = strtok_r(NULL, " ", &save);
            uint32_t r, s;
            if (!id || !rs || !si || parse_u32(rs, &r) || parse_u32(si, &s) || strlen(id) >= sizeof vid) bad(line, "expected V <id> <ring_size> <start_index>");
            snprintf(vid, sizeof vid, "%s", id);
            ring_size = r; start_index = s; nstep = 0; invec = 1;
            memset(page, 0, sizeof page); memset(&front, 0, sizeof front); memset(&back, 0, sizeof back);
        } else if (!strcmp(tok, "E")) {
            if (!invec) bad(line, "E outside a vector");
            invec = 0; vectors++;
        } else if (!strcmp(tok, "S")) {
            char *name = strtok_r(NULL, " ", &save), *kv;
            uint32_t payload = 0;
            int has_payload = 0, expecting = 0;
            struct obs o;
            if (!invec) bad(line, "S outside a vector");
            if (!name) bad(line, "S without a call");
            nstep++; steps++;
            /* arguments up to ':' */
            while ((kv = strtok_r(NULL, " ", &save))) {
                char *eq;
                uint32_t v;
                if (!strcmp(kv, ":")) { expecting = 1; break; }
                eq = strchr(kv, '=');
                if (!eq || parse_u32(eq + 1, &v)) bad(line, "bad argument");
                *eq = 0;
                if (!strcmp(kv, "payload")) { payload = v; has_payload = 1; }
            }
            if (!expecting) bad(line, "step without ':' and expectations");
            if (call(name, has_payload, payload, &o) < 0) {
                fprintf(stderr, "vector %s step %d: unknown call %s\n", vid, nstep, name);
                return 2;
            }
            while ((kv = strtok_r(NULL, " ", &save))) {
                char *eq = strchr(kv, '=');
                uint32_t want;
                int i, found = 0;
                if (!eq || parse_u32(eq + 1, &want)) bad(line, "bad expectation");
                *eq = 0;
                for (i = 0; i < o.n; i++) {
                    if (strcmp(o.name[i], kv)) continue;
                    found = 1;
                    if (o.val[i] != want) {
                        printf("MISMATCH vector %s step %d (%s): %s expected %u got %u\n", vid, nstep, name, kv, want, o.val[i]);
                        return 1;
                    }
                }
                if (!found) {
                    printf("MISMATCH vector %s step %d (%s): %s expected %u but the call does not observe it\n", vid, nstep, name, kv, want);
                    return 1;
                }
            }
        } else {
            bad(line, "expected V, S or E");
        }
    }
    if (invec) bad(line, "last vector has no E");
    printf("ok %d vectors %d steps\n", vectors, steps);
    return 0;
}
