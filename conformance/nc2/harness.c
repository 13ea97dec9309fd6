/*
 * pvcheck NetChannel2 ring harness: runs nc2-api vectors (model/nc2Api.ts,
 * docs/vectors.md "nc2-api") on a C transcription of NetChannel2's uring.h
 * ring functions (the Linux driver's version, as stored public code has it;
 * docs/models/nc2.md "Sources"): 32-bit RING_IDX byte counters, a byte
 * payload of payload_bytes, 4-byte message headers {uint8 type, uint8 flags,
 * uint16 size}, NETCHANNEL2_MSG_PAD, BUG_ON reported instead of crashing.
 * The stored header itself cannot be compiled here (it includes Linux kernel
 * headers and is not part of this repository); these functions say in C what
 * it says, one function for each of its, and the vectors check that the model
 * and this C agree call by call.
 *
 * Input (argv[1]), written by conformance/nc2/harness.ts:
 *
 *   V <id> <payload_bytes> <start_index>   a vector: every index at start_index, prod_event and
 *                                          cons_event one past it, bytes_available = payload_bytes
 *   S <n> <call>                           step n begins (for messages)
 *   cansend <nr_bytes>                     nc2_can_send_payload_bytes: ret (or bug)
 *   send <type> <flags> <size> <fill>      nc2_send_message of a message whose body bytes are all <fill>:
 *                                          pad (whether __nc2_ring_would_wrap was true before it), or bug
 *   flush                                  nc2_flush_ring: notify
 *   get                                    the consumer reads the header at cons_pvt (nc2_copy_from_ring):
 *                                          type, size, body (the first body byte); skips a PAD,
 *                                          cons_pvt += (size + 7) & ~7 for data (v2v_nc2_finish_message)
 *   finish                                 nc2_finish_messages: notify
 *   final <prod>                           nc2_final_check_for_messages(prod): work
 *   hcons <v>                              a hostile consumer writes cons
 *   expect <field> <v>                     ret bug pad notify work type size body (0/1 for flags),
 *                                          prod prod_event cons cons_event prod_pvt bytes_available cons_pvt
 *   E                                      end of the vector
 *
 * Exit: 0 all pass ("ok N vectors M steps"); 1 at the first mismatch
 * ("MISMATCH vector <id> step <n> (<call>): <field> expected <x> got <y>");
 * 2 bad input.
 *
 * Mutants for the tests (-D): MUTANT_WRAP_EXCLUSIVE (a message that ends exactly
 * at the ring end is not padded), MUTANT_CONS_EVENT_AT_CONS (cons_event = cons),
 * MUTANT_FINAL_NO_EVENT (the final check does not set prod_event).
 *
 * Build: gcc -std=gnu11 -O1 -Wall -Werror -o nc2-harness harness.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint32_t RING_IDX;
#define NETCHANNEL2_MSG_PAD 255
#define MAX_PAYLOAD 65536 /* 16 pages: v2v's MAX_RING_PAGE_ORDER 4 */

struct netchannel2_msg_hdr { uint8_t type; uint8_t flags; uint16_t size; };

/* The shared fields of one ring (struct netchannel2_sring_prod / _cons: the same bytes). */
struct sring { RING_IDX prod, cons, prod_event, cons_event; };
static struct sring sr;
static unsigned char payload[MAX_PAYLOAD];
/* struct netchannel2_prod_ring */
static struct { RING_IDX prod_pvt; unsigned bytes_available; unsigned payload_bytes; } pr;
/* struct netchannel2_cons_ring */
static struct { RING_IDX cons_pvt; unsigned payload_bytes; } cr;
static int bug; /* a BUG_ON fired: the calling domain is dead */
#define BUG_ON(c) do { if (c) { bug = 1; return 0; } } while (0)

static void to_ring(RING_IDX at, const void *src, unsigned n) {
    for (unsigned i = 0; i < n; i++) payload[(at + i) & (pr.payload_bytes - 1)] = ((const unsigned char *)src)[i];
}
static void from_ring(RING_IDX at, void *dst, unsigned n) {
    for (unsigned i = 0; i < n; i++) ((unsigned char *)dst)[i] = payload[(at + i) & (cr.payload_bytes - 1)];
}

static int ring_would_wrap(unsigned nr_bytes) {
    RING_IDX hi = ~(RING_IDX)(pr.payload_bytes - 1);
#ifdef MUTANT_WRAP_EXCLUSIVE
    return (pr.prod_pvt & ~hi) + nr_bytes > pr.payload_bytes;
#else
    return (pr.prod_pvt & hi) != ((RING_IDX)(pr.prod_pvt + nr_bytes) & hi);
#endif
}
static unsigned pad_needed(void) { return pr.payload_bytes - (pr.prod_pvt & (pr.payload_bytes - 1)); }

static void send_pad(unsigned nr_bytes) {
    struct netchannel2_msg_hdr h = { NETCHANNEL2_MSG_PAD, 0, (uint16_t)nr_bytes };
    to_ring(pr.prod_pvt, &h, sizeof h);
    pr.prod_pvt += nr_bytes;
    pr.bytes_available -= nr_bytes;
}

static int send_message(unsigned type, unsigned flags, const unsigned char *msg, unsigned size) {
    if (ring_would_wrap(size)) send_pad(pad_needed());
    struct netchannel2_msg_hdr h = { (uint8_t)type, (uint8_t)flags, (uint16_t)size };
    to_ring(pr.prod_pvt, &h, sizeof h);
    to_ring(pr.prod_pvt + sizeof h, msg + sizeof h, size - sizeof h);
    pr.prod_pvt += size;
    BUG_ON(pr.bytes_available < size);
    pr.bytes_available -= size;
    return 1;
}

static int flush_ring(void) {
    RING_IDX old_prod = sr.prod, new_prod = pr.prod_pvt;
    __sync_synchronize();
    sr.prod = new_prod;
    __sync_synchronize();
    return (RING_IDX)(new_prod - sr.prod_event) < (RING_IDX)(new_prod - old_prod);
}

static int finish_messages(void) {
    RING_IDX old_cons = sr.cons, new_cons = cr.cons_pvt;
    __sync_synchronize();
    sr.cons = new_cons;
    __sync_synchronize();
    return (RING_IDX)(new_cons - sr.cons_event) < (RING_IDX)(new_cons - old_cons);
}

static int final_check_for_messages(RING_IDX prod) {
    if (prod != sr.prod) return 1;
#ifndef MUTANT_FINAL_NO_EVENT
    sr.prod_event = prod + 1;
#endif
    __sync_synchronize();
    return prod != sr.prod;
}

static int can_send_payload_bytes(unsigned nr_bytes) {
    BUG_ON(pr.bytes_available > pr.payload_bytes);
    if (pr.bytes_available > nr_bytes * 2) return 1;
    if (ring_would_wrap(nr_bytes)) nr_bytes += pad_needed();
    for (;;) {
        RING_IDX cons = sr.cons;
        unsigned space = pr.payload_bytes - (pr.prod_pvt - cons);
        if (space >= nr_bytes) {
            __sync_synchronize();
            pr.bytes_available = space;
            return 1;
        }
#ifdef MUTANT_CONS_EVENT_AT_CONS
        sr.cons_event = cons;
#else
        sr.cons_event = cons + 1;
#endif
        __sync_synchronize();
        if (cons == sr.cons) return 0;
    }
}

/* --- the driver of the vectors */

static char vid[256], call_name[128];
static int step_no, vectors, steps;
/* what the step's call observed; -1: nothing */
static long long obs_ret, obs_pad, obs_notify, obs_work, obs_type, obs_size, obs_body;

static void fail_input(const char *what, const char *line) { fprintf(stderr, "bad input: %s: %s", what, line); exit(2); }

static int field(const char *f, long long *v) {
    if (!strcmp(f, "ret")) *v = obs_ret;
    else if (!strcmp(f, "bug")) *v = bug;
    else if (!strcmp(f, "pad")) *v = obs_pad;
    else if (!strcmp(f, "notify")) *v = obs_notify;
    else if (!strcmp(f, "work")) *v = obs_work;
    else if (!strcmp(f, "type")) *v = obs_type;
    else if (!strcmp(f, "size")) *v = obs_size;
    else if (!strcmp(f, "body")) *v = obs_body;
    else if (!strcmp(f, "prod")) *v = sr.prod;
    else if (!strcmp(f, "prod_event")) *v = sr.prod_event;
    else if (!strcmp(f, "cons")) *v = sr.cons;
    else if (!strcmp(f, "cons_event")) *v = sr.cons_event;
    else if (!strcmp(f, "prod_pvt")) *v = pr.prod_pvt;
    else if (!strcmp(f, "bytes_available")) *v = pr.bytes_available;
    else if (!strcmp(f, "cons_pvt")) *v = cr.cons_pvt;
    else return 0;
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: %s INPUT\n", argv[0]); return 2; }
    FILE *in = fopen(argv[1], "r");
    if (!in) { perror(argv[1]); return 2; }
    char line[512];
    while (fgets(line, sizeof line, in)) {
        if (line[0] == '#' || line[0] == '\n') continue;
        char w[64];
        if (sscanf(line, "%63s", w) != 1) continue;
        if (!strcmp(w, "V")) {
            unsigned size, start;
            if (sscanf(line, "V %255s %u %u", vid, &size, &start) != 3 || size > MAX_PAYLOAD || (size & (size - 1))) fail_input("V", line);
            memset(payload, 0, sizeof payload);
            sr.prod = sr.cons = start; sr.prod_event = sr.cons_event = start + 1;
            pr.prod_pvt = start; pr.bytes_available = size; pr.payload_bytes = size;
            cr.cons_pvt = start; cr.payload_bytes = size;
            bug = 0; step_no = 0; vectors++;
        } else if (!strcmp(w, "S")) {
            if (sscanf(line, "S %d %127s", &step_no, call_name) != 2) fail_input("S", line);
            obs_ret = obs_pad = obs_notify = obs_work = obs_type = obs_size = obs_body = -1;
            steps++;
        } else if (!strcmp(w, "cansend")) {
            unsigned n;
            if (sscanf(line, "cansend %u", &n) != 1) fail_input("cansend", line);
            obs_ret = can_send_payload_bytes(n);
        } else if (!strcmp(w, "send")) {
            unsigned type, flags, size, fill;
            if (sscanf(line, "send %u %u %u %u", &type, &flags, &size, &fill) != 4 || size < 4 || size > MAX_PAYLOAD) fail_input("send", line);
            unsigned char msg[MAX_PAYLOAD];
            memset(msg, (int)fill, size);
            obs_pad = ring_would_wrap(size);
            send_message(type, flags, msg, size);
        } else if (!strcmp(w, "flush")) {
            obs_notify = flush_ring();
        } else if (!strcmp(w, "get")) {
            struct netchannel2_msg_hdr h;
            from_ring(cr.cons_pvt, &h, sizeof h);
            obs_type = h.type; obs_size = h.size;
            if (h.type != NETCHANNEL2_MSG_PAD && h.size > sizeof h) {
                unsigned char b;
                from_ring(cr.cons_pvt + sizeof h, &b, 1);
                obs_body = b;
            }
            cr.cons_pvt += h.type == NETCHANNEL2_MSG_PAD ? h.size : ((h.size + 7u) & ~7u);
        } else if (!strcmp(w, "finish")) {
            obs_notify = finish_messages();
        } else if (!strcmp(w, "final")) {
            unsigned prod;
            if (sscanf(line, "final %u", &prod) != 1) fail_input("final", line);
            obs_work = final_check_for_messages(prod);
        } else if (!strcmp(w, "hcons")) {
            unsigned v;
            if (sscanf(line, "hcons %u", &v) != 1) fail_input("hcons", line);
            sr.cons = v;
        } else if (!strcmp(w, "expect")) {
            char f[64];
            long long want, got;
            if (sscanf(line, "expect %63s %lld", f, &want) != 2) fail_input("expect", line);
            if (!field(f, &got)) fail_input("unknown field", line);
            if (got != want) {
                printf("MISMATCH vector %s step %d (%s): %s expected %lld got %lld\n", vid, step_no, call_name, f, want, got);
                return 1;
            }
        } else if (!strcmp(w, "E")) {
        } else fail_input("unknown line", line);
    }
    printf("ok %d vectors %d steps\n", vectors, steps);
    return 0;
}
