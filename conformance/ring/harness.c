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
 *   X <id> <ring_size> <start_index> requests|responses [<schedule>]
 *
 * An X line is a race: a producer's RING_PUSH_*_AND_CHECK_NOTIFY against the
 * consumer's RING_FINAL_CHECK_FOR_* (then, if it finds work, the consumer
 * copies the slot), both the real macros, run as two coroutines that take
 * turns before every access the macros make to the shared ring
 * (`(_r)->sring->...`, see front_view) and at every barrier. Without a schedule, every
 * interleaving is run; a schedule ("FFBFB...", F front, B back, one letter per
 * turn) runs one. Each run must end with notify or work_to_do set (no lost
 * wake-up; ring-spec.md §8) and the copied payload the one produced, and no
 * slot may be read while the producer has not passed a barrier since it wrote
 * it (req_prod published before xen_wmb(); the slot write is pending until the
 * producer's next barrier).
 *
 * Start states come from the real SHARED_RING_INIT: for start_index != 0 its
 * four indices are moved on by start_index (a ring attached at that index).
 *
 * Exit status: 0 all vectors pass (prints "ok N vectors M steps", followed by
 * ", K races R runs" when there were races); 1 on the first mismatch, naming
 * the vector, the step, the call and the field (for a race: the schedule and
 * what went wrong); 2 on bad input; 3 when the header's RING_SIZE is not the
 * vector's ring size.
 *
 * Build: gcc -std=gnu11 -O1 -Wall -o harness harness.c   (-I DIR to test
 * another copy of xen/io/ring.h first).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <ucontext.h>
/*
 * ring.h's barriers: xen_mb() is mb() for the default interface version; a
 * full barrier serves for all three here. Each is also a turn of a race and
 * completes the writes the side running it made to ring slots (see fence()).
 */
static void barrier(void);
#define mb() barrier()
#define rmb() barrier()
#define wmb() barrier()
#include <xen/io/ring.h>

struct pv_request { uint32_t id; };
struct pv_response { uint32_t id; };
DEFINE_RING_TYPES(pv, struct pv_request, struct pv_response);

/*
 * The front and back rings the macros get: DEFINE_RING_TYPES's, member for
 * member, except that `sring` is a one-element array `sring_at`, and `sring`
 * is then defined as `sring_at[turn0()]`. So every access a macro makes to the
 * shared ring, `(_r)->sring->...`, is first a turn of a race (see turn());
 * the accesses to the ring's private fields, which the other side never
 * touches, are not. The macros themselves are ring.h's, unchanged.
 */
struct front_view { RING_IDX req_prod_pvt; RING_IDX rsp_cons; unsigned int nr_ents; pv_sring_t *sring_at[1]; };
struct back_view { RING_IDX rsp_prod_pvt; RING_IDX req_cons; unsigned int nr_ents; pv_sring_t *sring_at[1]; };
_Static_assert(sizeof(struct front_view) == sizeof(pv_front_ring_t) && offsetof(struct front_view, sring_at) == offsetof(pv_front_ring_t, sring)
               && offsetof(struct front_view, nr_ents) == offsetof(pv_front_ring_t, nr_ents), "front ring layout");
_Static_assert(sizeof(struct back_view) == sizeof(pv_back_ring_t) && offsetof(struct back_view, sring_at) == offsetof(pv_back_ring_t, sring)
               && offsetof(struct back_view, nr_ents) == offsetof(pv_back_ring_t, nr_ents), "back ring layout");
static int turn0(void);
#define sring sring_at[turn0()]

#define PAGE 4096
#define MAXF 16

static unsigned char page[PAGE] __attribute__((aligned(PAGE)));
static pv_sring_t *shared_ring = (pv_sring_t *)page;
static struct front_view front;
static struct back_view back;

static char vid[256];
static unsigned ring_size, start_index;
static int nstep;

/* --- sides, pending slot writes, turns */

enum { FRONT = 0, BACK = 1 };
/* The side whose code runs now (the call's side, or the running coroutine's). */
static int side;
/* pending[s][i]: side s wrote slot i and has not passed a barrier since. */
static unsigned char pending[2][PAGE];
static void fence(void) { memset(pending[side], 0, sizeof pending[side]); }

struct co { ucontext_t ctx; int live, done; char stack[1 << 16]; };
static ucontext_t main_ctx;
static struct co cos[2];
static struct co *running;
/* A turn: a coroutine hands control back to the race driver (no-op outside a race). */
static void turn(void) {
    struct co *c = running;
    if (!c) return;
    running = NULL;
    swapcontext(&c->ctx, &main_ctx);
}
static void barrier(void) { turn(); fence(); __sync_synchronize(); }
static int turn0(void) { turn(); return 0; }

struct obs { int n; const char *name[MAXF]; uint32_t val[MAXF]; };
static void put(struct obs *o, const char *name, uint32_t v) { o->name[o->n] = name; o->val[o->n] = v; o->n++; }
static void shared(struct obs *o) {
    put(o, "req_prod", shared_ring->req_prod); put(o, "req_event", shared_ring->req_event);
    put(o, "rsp_prod", shared_ring->rsp_prod); put(o, "rsp_event", shared_ring->rsp_event);
}
static void fside(struct obs *o) { shared(o); put(o, "req_prod_pvt", front.req_prod_pvt); put(o, "rsp_cons", front.rsp_cons); }
static void bside(struct obs *o) { shared(o); put(o, "rsp_prod_pvt", back.rsp_prod_pvt); put(o, "req_cons", back.req_cons); }

static size_t ring_bytes(void) { return offsetof(pv_sring_t, ring) + (size_t)ring_size * sizeof(union pv_sring_entry); }

/* Where the current vector or race is, for messages. */
static char where[512];

/* In a race: the turns taken so far (sched[0..turns)), for messages. */
static char sched[4096];
static int turns = -1;

/* A slot read while its writer has not passed a barrier since writing it: reports it (stdout) and returns 1. */
static int unfenced(int writer, RING_IDX idx, const char *call_name) {
    if (!pending[writer][idx & (ring_size - 1)]) return 0;
    printf("MISMATCH %s%s%.*s (%s): slot %u read before the %s passed a barrier after writing it\n",
           where, turns >= 0 ? " schedule " : "", turns >= 0 ? turns : 0, sched, call_name, idx & (ring_size - 1),
           writer == FRONT ? "frontend" : "backend");
    return 1;
}

/* Performs one call with the real macros; fills the observation. Returns 0, -1 for an unknown call, -2 after a reported mismatch. */
static int call(const char *name, int has_payload, uint32_t payload, struct obs *o) {
    o->n = 0;
    side = (!strcmp(name, "FRONT_RING_INIT") || !strcmp(name, "produce_request") || !strncmp(name, "RING_PUSH_REQ", 13)
            || !strcmp(name, "RING_HAS_UNCONSUMED_RESPONSES") || !strcmp(name, "consume_response")
            || !strcmp(name, "RING_FINAL_CHECK_FOR_RESPONSES") || !strcmp(name, "RING_FULL")) ? FRONT : BACK;
    if (!strcmp(name, "FRONT_RING_INIT")) {
        memset(page, 0, sizeof page);
        memset(pending, 0, sizeof pending);
        SHARED_RING_INIT(shared_ring);
        /* a ring attached at start_index: SHARED_RING_INIT's indices moved on by start_index (start 0: exactly its own) */
        shared_ring->req_prod += start_index; shared_ring->rsp_prod += start_index;
        shared_ring->req_event += start_index; shared_ring->rsp_event += start_index;
        FRONT_RING_ATTACH(&front, shared_ring, start_index, ring_bytes());
        if (RING_SIZE(&front) != ring_size) {
            fprintf(stderr, "vector %s: RING_SIZE is %u, the vector's ring size is %u\n", vid, RING_SIZE(&front), ring_size);
            exit(3);
        }
        fside(o);
    } else if (!strcmp(name, "BACK_RING_INIT")) {
        BACK_RING_ATTACH(&back, shared_ring, start_index, ring_bytes());
        if (RING_SIZE(&back) != ring_size) {
            fprintf(stderr, "vector %s: RING_SIZE is %u, the vector's ring size is %u\n", vid, RING_SIZE(&back), ring_size);
            exit(3);
        }
        bside(o);
    } else if (!strcmp(name, "produce_request")) {
        RING_GET_REQUEST(&front, front.req_prod_pvt)->id = has_payload ? payload : front.req_prod_pvt;
        pending[FRONT][front.req_prod_pvt & (ring_size - 1)] = 1;
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
        if (unfenced(BACK, front.rsp_cons, name)) return -2;
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
        if (unfenced(FRONT, back.req_cons, name)) return -2;
        back.req_cons++;
        put(o, "payload", req.id); bside(o);
    } else if (!strcmp(name, "produce_response")) {
        RING_GET_RESPONSE(&back, back.rsp_prod_pvt)->id = has_payload ? payload : ~back.rsp_prod_pvt;
        pending[BACK][back.rsp_prod_pvt & (ring_size - 1)] = 1;
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

/* --- races (X lines) */

/* One call of the setup, with default payloads; a mismatch there (a slot read too early) ends the harness. */
static void setup_call(const char *name) {
    struct obs o;
    if (call(name, 0, 0, &o) != 0) exit(1);
}

static int race_rsp; /* 0: requests (front pushes, back final-checks), 1: responses */
static int race_notify, race_work, race_copied;
static uint32_t race_payload, race_want;

static void producer(void) {
    int notify;
    side = race_rsp ? BACK : FRONT;
    if (race_rsp) RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&back, notify);
    else RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&front, notify);
    race_notify = notify;
}
static void consumer(void) {
    int work;
    side = race_rsp ? FRONT : BACK;
    if (race_rsp) {
        RING_FINAL_CHECK_FOR_RESPONSES(&front, work);
        race_work = work;
        if (work) {
            struct pv_response rsp;
            RING_COPY_RESPONSE(&front, front.rsp_cons, &rsp);
            if (unfenced(BACK, front.rsp_cons, "RING_COPY_RESPONSE")) exit(1);
            race_payload = rsp.id; race_copied = 1;
            front.rsp_cons++;
        }
    } else {
        RING_FINAL_CHECK_FOR_REQUESTS(&back, work);
        race_work = work;
        if (work) {
            struct pv_request req;
            RING_COPY_REQUEST(&back, back.req_cons, &req);
            if (unfenced(FRONT, back.req_cons, "RING_COPY_REQUEST")) exit(1);
            race_payload = req.id; race_copied = 1;
            back.req_cons++;
        }
    }
}
/* Coroutine i of the race: 0 the frontend, 1 the backend. */
static void co_main(int i) {
    if ((i == FRONT) == !race_rsp) producer(); else consumer();
    cos[i].done = 1;
    running = NULL;
}

/*
 * Fresh rings at the race's start: one message each way has gone round (the
 * consumer consumed the last one without a final check, so its event index is
 * stale: the state where a wake-up can be lost), and the producer has written
 * the next message, not yet pushed.
 */
static void race_start(void) {
    turns = -1;
    memset(&front, 0, sizeof front); memset(&back, 0, sizeof back);
    setup_call("FRONT_RING_INIT"); setup_call("BACK_RING_INIT");
    setup_call("produce_request"); setup_call("RING_PUSH_REQUESTS_AND_CHECK_NOTIFY");
    setup_call("consume_request"); setup_call("produce_response"); setup_call("RING_PUSH_RESPONSES_AND_CHECK_NOTIFY");
    setup_call("consume_response");
    if (!race_rsp) {
        race_want = front.req_prod_pvt;
        setup_call("produce_request");
    } else {
        setup_call("produce_request"); setup_call("RING_PUSH_REQUESTS_AND_CHECK_NOTIFY");
        setup_call("consume_request");
        race_want = ~back.rsp_prod_pvt;
        setup_call("produce_response");
    }
    race_notify = race_work = race_copied = 0;
    race_payload = 0;
    for (int i = 0; i < 2; i++) {
        getcontext(&cos[i].ctx);
        cos[i].ctx.uc_stack.ss_sp = cos[i].stack;
        cos[i].ctx.uc_stack.ss_size = sizeof cos[i].stack;
        cos[i].ctx.uc_link = &main_ctx;
        makecontext(&cos[i].ctx, (void (*)(void))co_main, 1, i);
        cos[i].live = 1; cos[i].done = 0;
    }
    turns = 0;
}
/* Gives side i one turn: it runs to its next turn() or to its end. */
static void race_step(int i) {
    int saved = side;
    sched[turns++] = i == FRONT ? 'F' : 'B';
    running = &cos[i];
    side = i;
    swapcontext(&main_ctx, &cos[i].ctx);
    side = saved;
}

static long runs;
static int race_failed;

/* Checks the end of one complete run. */
static void race_end(int len) {
    runs++;
    sched[len] = 0;
    if (!race_notify && !race_work) {
        printf("MISMATCH %s schedule %s: lost wake-up: the producer's notify is 0 and the consumer's final check found no work\n", where, sched);
        race_failed = 1;
    } else if (race_work && (!race_copied || race_payload != race_want)) {
        printf("MISMATCH %s schedule %s: the consumer copied payload %u, the producer wrote %u\n", where, sched, race_payload, race_want);
        race_failed = 1;
    }
}

/* Runs schedule sched[0..len) again from a fresh start. */
static void replay(int len) {
    char prefix[sizeof sched];
    memcpy(prefix, sched, (size_t)len);
    race_start();
    for (int k = 0; k < len; k++) race_step(prefix[k] == 'F' ? FRONT : BACK);
}

/* Every continuation of the current run (which has taken `len` turns); stops at the first failure. */
static void explore(int len) {
    int first = 1, avail[2] = { !cos[FRONT].done, !cos[BACK].done };
    if (len >= (int)sizeof sched - 2) { fprintf(stderr, "%s: a run longer than %d turns\n", where, (int)sizeof sched - 1); exit(2); }
    if (!avail[FRONT] && !avail[BACK]) { race_end(len); return; }
    /* the recursion below changes the coroutines: which sides can run here is decided first */
    for (int i = 0; i < 2 && !race_failed; i++) {
        if (!avail[i]) continue;
        if (!first) replay(len);
        first = 0;
        race_step(i);
        explore(len + 1);
    }
}

/* An X line: one schedule, or all of them. Returns 0, or 1 on a mismatch. */
static int race(const char *id, int rsp, const char *schedule) {
    race_rsp = rsp;
    race_failed = 0;
    snprintf(where, sizeof where, "race %s (%s)", id, rsp ? "responses" : "requests");
    if (schedule) {
        size_t n = strlen(schedule);
        if (n >= sizeof sched) { fprintf(stderr, "%s: schedule too long\n", where); exit(2); }
        race_start();
        for (size_t k = 0; k < n; k++) {
            int i = schedule[k] == 'F' ? FRONT : schedule[k] == 'B' ? BACK : -1;
            if (i < 0) { fprintf(stderr, "%s: schedule letters are F and B\n", where); exit(2); }
            if (cos[i].done) { fprintf(stderr, "%s: turn %zu of the schedule: %c has ended\n", where, k + 1, schedule[k]); exit(2); }
            race_step(i);
        }
        /* past the schedule: the frontend to its end, then the backend */
        int len = (int)n;
        while (!(cos[FRONT].done && cos[BACK].done)) {
            race_step(cos[FRONT].done ? BACK : FRONT);
            len++;
        }
        race_end(len);
    } else {
        race_start();
        explore(0);
    }
    return race_failed;
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
    int line = 0, vectors = 0, steps = 0, invec = 0, races = 0;
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
        } else if (!strcmp(tok, "X")) {
            char *id = strtok_r(NULL, " ", &save), *rs = strtok_r(NULL, " ", &save), *si = strtok_r(NULL, " ", &save);
            char *kind = strtok_r(NULL, " ", &save), *schedule = strtok_r(NULL, " ", &save);
            uint32_t r, s;
            if (invec) bad(line, "X inside a vector");
            if (!id || !rs || !si || !kind || parse_u32(rs, &r) || parse_u32(si, &s) || strlen(id) >= sizeof vid
                || (strcmp(kind, "requests") && strcmp(kind, "responses")))
                bad(line, "expected X <id> <ring_size> <start_index> requests|responses [<schedule>]");
            snprintf(vid, sizeof vid, "%s", id);
            ring_size = r; start_index = s;
            if (race(id, !strcmp(kind, "responses"), schedule)) return 1;
            races++;
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
            snprintf(where, sizeof where, "vector %s step %d", vid, nstep);
            switch (call(name, has_payload, payload, &o)) {
            case -1:
                fprintf(stderr, "vector %s step %d: unknown call %s\n", vid, nstep, name);
                return 2;
            case -2:
                return 1;
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
    if (races) printf("ok %d vectors %d steps, %d races %ld runs\n", vectors, steps, races, runs);
    else printf("ok %d vectors %d steps\n", vectors, steps);
    return 0;
}
