/**
 * `vif`: one netfront/netback vif's whole life, every layer present and
 * sharing one lifecycle (issue 14, point 8): the xenbus handshake (abstracted
 * to the states both ends publish), the TX ring with its grants (the ring
 * page's `tx-ring-ref` and one slot page granted per packet, mapped by
 * netback's zero-copy path), and the credit limiter of the queue (netback.c
 * `tx_credit_exceeded`, `credit_timeout`). Each layer has a model of its own
 * (`xenbus`, `ring`, `grant`, `limiter`) that checks it in depth; this model
 * checks what spans them:
 *
 * - a page granted for the ring or a slot is never back in the frontend's
 *   allocator (reused for unrelated data) while the backend still has it
 *   mapped, also after a disconnect in which the frontend gave up waiting
 *   (netfront's `XENNET_TIMEOUT`) and the backend is still waiting for an
 *   in-flight packet (netback's dealloc kthread);
 * - teardown ends every grant: once the frontend is Closed, every grant of the
 *   connection is ended or its page held by the deferred list
 *   (`gnttab_end_foreign_access`), and from every state a state in which both
 *   ends are Closed and no grant is left is reachable;
 * - the backend reads the ring only through a mapping, and the credit timer
 *   never fires for a queue that is not connected (xenvif_down's
 *   `del_timer_sync`).
 *
 * Bounds are small: one queue, a one-slot ring, one slot page, `connects`
 * connections (a reconnect reuses the pages of the last one).
 *
 * @see linux drivers/net/xen-netfront.c (talk_to_netback, xennet_start_xmit,
 *   xennet_tx_buf_gc, xennet_remove, xennet_disconnect_backend),
 *   drivers/net/xen-netback/{xenbus.c,interface.c,netback.c} (connect,
 *   xenvif_down, xenvif_disconnect_data, xenvif_dealloc_kthread,
 *   tx_credit_exceeded, xenvif_tx_credit_callback), drivers/xen/grant-table.c
 *   (gnttab_end_foreign_access, gnttab_handle_deferred); docs/models/vif.md.
 */
import type { Draft } from 'immer';
import { bitsFor, defineModel, type Goal, type Invariant, type Layout, type Rule } from './core.js';
import { intParam, defineParams, type ParamsOfSpace } from './params.js';
import { vifViews } from './views/drivers.js';
import { xenbusStateLabel } from './xenbus.js';

// --- xenbus states (xen/include/public/io/xenbus.h, verbatim values)

export const XenbusStateInitialising = 1;
export const XenbusStateInitWait = 2;
export const XenbusStateConnected = 4;
export const XenbusStateClosing = 5;
export const XenbusStateClosed = 6;

// --- parameters

export const vifParams = defineParams({
  connects: intParam({ default: 3, min: 1, max: 3, doc: 'connections in the vif\'s life (a reconnect after Closed reuses the pages)' }),
  packets: intParam({ default: 4, min: 1, max: 4, doc: 'packets the frontend sends per connection' }),
  creditBytes: intParam({ default: 1, min: 1, max: 3, doc: 'credit_bytes of the queue (xen_net_read_rate; a packet costs 1)' }),
  creditUsec: intParam({ default: 1, min: 1, max: 3, doc: 'credit_usec: the credit window, in ticks' }),
});
export type VifParams = ParamsOfSpace<typeof vifParams>;
type P = VifParams;

// --- state

/** A page of the frontend: in its allocator (free: the kernel reuses it for anything), held by the driver, or held by the grant table's deferred list. */
export const PAGE_FREE = 0, PAGE_HELD = 1, PAGE_DEFERRED = 2;

export interface VifState {
  /** The frontend's xenbus state (XenbusState*). */
  readonly fe: number;
  /** The backend's xenbus state (XenbusState*). */
  readonly be: number;
  /** backend_disconnect in progress: xenvif_down done, waiting for the dealloc kthread (in-flight packets) before unmapping the ring. */
  readonly bdis: number;
  /** Connections begun (0-based). */
  readonly gen: number;
  /** Packets the frontend sent in this connection. */
  readonly sent: number;
  // grant layer: the frontend's grant entries and pages, the backend's mappings
  /** tx-ring-ref's grant entry is valid (GTF_permit_access). */
  readonly g_ring: number;
  /** The slot page's grant entry is valid. */
  readonly g_slot: number;
  /** The ring page (PAGE_*). */
  readonly p_ring: number;
  /** The slot page (PAGE_*). */
  readonly p_slot: number;
  /** netback has the ring page mapped (xenvif_map_frontend_data_rings). */
  readonly m_ring: number;
  /** netback has the slot page mapped (zero-copy: until the skb is freed and the dealloc kthread unmaps it). */
  readonly m_slot: number;
  // ring layer
  /** A TX request on the ring (req_prod ahead of req_cons). */
  readonly req: number;
  /** A TX response on the ring for the frontend. */
  readonly rsp: number;
  /** The event channel is pending. */
  readonly evt: number;
  /** NAPI is scheduled. */
  readonly napi: number;
  // limiter layer
  /** remaining_credit. */
  readonly rem: number;
  /** Ticks until the credit window ends (0: passed). */
  readonly nc: number;
  /** credit_timeout is pending. */
  readonly tmr: number;
  // ghosts
  /** The backend read the ring with no mapping of it. */
  readonly badRing: number;
  /** The credit timer fired for a queue that is not connected. */
  readonly lateTimer: number;
}
type S = VifState;
type D = Draft<S>;
type R = Rule<S, P>;

export const vifLayout = (p: P): Layout => [
  { name: 'fe', bits: 3 }, { name: 'be', bits: 3 }, { name: 'bdis', bits: 1 },
  { name: 'gen', bits: bitsFor(p.connects) }, { name: 'sent', bits: bitsFor(p.packets) },
  { name: 'g_ring', bits: 1 }, { name: 'g_slot', bits: 1 }, { name: 'p_ring', bits: 2 }, { name: 'p_slot', bits: 2 },
  { name: 'm_ring', bits: 1 }, { name: 'm_slot', bits: 1 },
  { name: 'req', bits: 1 }, { name: 'rsp', bits: 1 }, { name: 'evt', bits: 1 }, { name: 'napi', bits: 1 },
  { name: 'rem', bits: bitsFor(p.creditBytes) }, { name: 'nc', bits: bitsFor(p.creditUsec) }, { name: 'tmr', bits: 1 },
  { name: 'badRing', bits: 1 }, { name: 'lateTimer', bits: 1 },
];

/** The device is created: the frontend Initialising, netback probed (InitWait), no grant, pages free. */
export const vifInit = (_p: P): S => ({
  fe: XenbusStateInitialising, be: XenbusStateInitWait, bdis: 0, gen: 0, sent: 0,
  g_ring: 0, g_slot: 0, p_ring: PAGE_FREE, p_slot: PAGE_FREE, m_ring: 0, m_slot: 0,
  req: 0, rsp: 0, evt: 0, napi: 0, rem: 0, nc: 0, tmr: 0, badRing: 0, lateTimer: 0,
});

/** The backend's queue is connected and not being torn down. */
const queueLive = (s: S): boolean => s.be === XenbusStateConnected && s.bdis === 0;

// --- frontend (netfront)

export const feTalkToNetback: R = {
  name: 'fe_talk_to_netback', actor: 'frontend', origin: 'netfront',
  doc: 'setup_netfront: allocate the ring page, grant it (tx-ring-ref), write tx-ring-ref and event-channel; switch to Connected (the handshake abstracted to the states both ends publish)',
  see: 'xen-netfront.c talk_to_netback, setup_netfront (xenbus_setup_ring), xennet_connect',
  when: (s) => s.fe === XenbusStateInitialising && s.be === XenbusStateInitWait && s.p_ring === PAGE_FREE,
  then: (d) => { d.p_ring = PAGE_HELD; d.g_ring = 1; d.fe = XenbusStateConnected; },
};

export const feStartXmit: R = {
  name: 'fe_xennet_start_xmit', actor: 'frontend', origin: 'netfront',
  doc: 'a packet: allocate the slot page, grant it (gnttab_grant_foreign_access_ref), write the tx request, push and notify',
  see: 'xen-netfront.c xennet_start_xmit, xennet_tx_setup_grant; io/ring.h RING_PUSH_REQUESTS_AND_CHECK_NOTIFY',
  when: (s, p) => s.fe === XenbusStateConnected && s.be === XenbusStateConnected && s.req === 0 && s.rsp === 0 && s.g_slot === 0 && s.p_slot === PAGE_FREE && s.sent < p.packets,
  then: (d, s) => { d.p_slot = PAGE_HELD; d.g_slot = 1; d.req = 1; d.evt = 1; d.sent = s.sent + 1; },
};

/**
 * gnttab_end_foreign_access_ref then free the page: the end fails while the
 * backend maps the page (netfront then marks the device broken and keeps the
 * page: `fe_xennet_tx_buf_gc` is not enabled then; netback responds only after
 * the unmap).
 */
export const feTxBufGc: R = {
  name: 'fe_xennet_tx_buf_gc', actor: 'frontend', origin: 'netfront',
  doc: 'a response: end the slot grant (gnttab_end_foreign_access_ref succeeds: the backend unmapped before responding) and free the page',
  see: 'xen-netfront.c xennet_tx_buf_gc ("Grant still in use by backend domain")',
  when: (s) => s.rsp === 1 && s.fe === XenbusStateConnected && s.m_slot === 0,
  then: (d) => { d.rsp = 0; d.g_slot = 0; d.p_slot = PAGE_FREE; },
};

export const feClosing: R = {
  name: 'fe_xennet_remove', actor: 'frontend', origin: 'netfront',
  doc: 'the device goes away (unplug, shutdown, migration): switch to Closing',
  see: 'xen-netfront.c xennet_remove: xenbus_switch_state(dev, XenbusStateClosing)',
  when: (s) => s.fe === XenbusStateConnected,
  then: (d) => { d.fe = XenbusStateClosing; },
};

/** gnttab_end_foreign_access(ref, page) on a draft: end now if not mapped, else the deferred list holds the page. */
export function endForeignAccess(d: D, g: 'g_ring' | 'g_slot', pg: 'p_ring' | 'p_slot', mapped: number): void {
  if (mapped === 0) { d[g] = 0; d[pg] = PAGE_FREE; } else d[pg] = PAGE_DEFERRED;
}

/**
 * netfront's teardown: after the backend reached Closing (or after
 * XENNET_TIMEOUT without it: a backend waiting for an in-flight packet),
 * switch to Closed and xennet_disconnect_backend: every grant ended with
 * gnttab_end_foreign_access, deferred while the backend still maps the page.
 */
export const feDisconnectBackend = (end: (d: D, s: S) => void = (d, s) => {
  endForeignAccess(d, 'g_ring', 'p_ring', s.m_ring);
  if (s.g_slot === 1 && s.p_slot === PAGE_HELD) endForeignAccess(d, 'g_slot', 'p_slot', s.m_slot);
}): R => ({
  name: 'fe_xennet_disconnect_backend', actor: 'frontend', origin: 'netfront',
  doc: 'Closing, the backend Closing/Closed or XENNET_TIMEOUT passed: switch to Closed; end the ring grant and an in-flight slot grant with gnttab_end_foreign_access (the page goes to the deferred list while the backend maps it)',
  see: 'xen-netfront.c xennet_remove (wait_event_timeout(..., XENNET_TIMEOUT)), xennet_disconnect_backend, xennet_release_tx_bufs; grant-table.c gnttab_end_foreign_access',
  when: (s) => s.fe === XenbusStateClosing,
  then: (d, s) => {
    end(d, s);
    d.fe = XenbusStateClosed;
    d.req = 0; d.rsp = 0;
  },
});

export const feHandleDeferred: R = {
  name: 'fe_gnttab_handle_deferred', actor: 'frontend', origin: 'linux',
  doc: 'the deferred-release timer: a deferred grant whose mapping is gone is ended and its page freed',
  see: 'drivers/xen/grant-table.c gnttab_handle_deferred, _gnttab_end_foreign_access_ref',
  when: (s) => (s.p_ring === PAGE_DEFERRED && s.m_ring === 0) || (s.p_slot === PAGE_DEFERRED && s.m_slot === 0),
  then: (d, s) => {
    if (s.p_ring === PAGE_DEFERRED && s.m_ring === 0) { d.g_ring = 0; d.p_ring = PAGE_FREE; }
    if (s.p_slot === PAGE_DEFERRED && s.m_slot === 0) { d.g_slot = 0; d.p_slot = PAGE_FREE; }
  },
};

export const feReconnect: R = {
  name: 'fe_reconnect', actor: 'frontend', origin: 'netfront',
  doc: 'a new connection (resume, or the device probed again): Initialising, the packet count restarts',
  see: 'xen-netfront.c netfront_resume, netback_changed',
  when: (s, p) => s.fe === XenbusStateClosed && s.gen + 1 < p.connects,
  then: (d, s) => { d.fe = XenbusStateInitialising; d.gen = s.gen + 1; d.sent = 0; },
};

// --- backend (netback)

export const beConnect: R = {
  name: 'be_connect', actor: 'backend', origin: 'netback',
  doc: 'frontend Connected: map the ring (xenvif_map_frontend_data_rings; tx-ring-ref must be a valid grant), set up the queue: remaining_credit = credit_bytes, a credit window starts; switch to Connected',
  see: 'netback xenbus.c frontend_changed, connect, connect_data_rings; interface.c xenvif_connect_data',
  when: (s) => s.be === XenbusStateInitWait && s.fe === XenbusStateConnected && s.g_ring === 1,
  then: (d, _s, p) => { d.m_ring = 1; d.rem = p.creditBytes; d.nc = p.creditUsec; d.tmr = 0; d.be = XenbusStateConnected; },
};

export const beInterrupt: R = {
  name: 'be_xenvif_tx_interrupt', actor: 'backend', origin: 'netback',
  doc: 'the event: napi_schedule',
  see: 'netback interface.c xenvif_tx_interrupt',
  when: (s) => s.evt === 1 && queueLive(s),
  then: (d) => { d.evt = 0; d.napi = 1; },
};

/** Reads the ring: through its mapping, or the ghost records an access with none. */
const readRing = (d: D, s: S): void => { if (s.m_ring === 0) d.badRing = 1; };

export const bePoll: R = {
  name: 'be_xenvif_poll', actor: 'backend', origin: 'netback',
  doc: 'NAPI poll: read the ring; a request that fits remaining_credit is consumed and its slot page mapped (zero-copy, the skb goes to the stack); one that does not: tx_credit_exceeded (refill if the window passed, else arm credit_timeout and end the poll rate-limited)',
  see: 'netback.c xenvif_poll, xenvif_tx_build_gops, xenvif_tx_create_map_op, tx_credit_exceeded',
  when: (s) => s.napi === 1,
  then: (d, s, p) => {
    readRing(d, s);
    d.napi = 0;
    if (s.req === 0) return;
    let rem = s.rem;
    if (rem < 1 && s.tmr === 0 && s.nc === 0) { rem = Math.min(rem + p.creditBytes, p.creditBytes); d.nc = p.creditUsec; }
    if (rem < 1) { d.tmr = 1; return; } // mod_timer(&credit_timeout, next_credit): rate limited, the request stays
    d.rem = rem - 1;
    d.req = 0;
    if (s.g_slot === 1) d.m_slot = 1;
  },
};

export const beCreditCallback: R = {
  name: 'be_xenvif_tx_credit_callback', actor: 'backend', origin: 'netback',
  doc: 'credit_timeout fires (the window ended): tx_add_credit, napi_schedule',
  see: 'netback.c xenvif_tx_credit_callback',
  when: (s) => s.tmr === 1 && s.nc === 0,
  then: (d, s, p) => {
    if (!queueLive(s)) d.lateTimer = 1;
    d.tmr = 0;
    d.rem = Math.min(s.rem + p.creditBytes, p.creditBytes);
    d.nc = p.creditUsec;
    d.napi = 1;
  },
};

export const beDealloc: R = {
  name: 'be_xenvif_tx_dealloc_action', actor: 'backend', origin: 'netback',
  doc: 'the stack frees the skb (xenvif_zerocopy_callback): the dealloc kthread unmaps the slot page and writes the response (the ring is mapped until the kthread has stopped)',
  see: 'netback.c xenvif_zerocopy_callback, xenvif_tx_dealloc_action, make_tx_response',
  when: (s) => s.m_slot === 1,
  then: (d, s) => {
    d.m_slot = 0;
    readRing(d, s);
    if (s.fe === XenbusStateConnected) d.rsp = 1;
  },
};

/** xenvif_down as netback has it: disable the irq, napi_disable, del_timer_sync(credit_timeout). */
export const xenvifDown = (d: D): void => { d.evt = 0; d.napi = 0; d.tmr = 0; };

export const beDisconnectStart = (down: (d: D) => void = xenvifDown): R => ({
  name: 'be_backend_disconnect', actor: 'backend', origin: 'netback',
  doc: 'frontend Closing (or already Closed or Initialising again: the watch may see only the latest state, and set_backend_state walks Connected -> Closing -> Closed -> InitWait): xenvif_carrier_off -> xenvif_down (irq off, napi_disable, del_timer_sync(credit_timeout)); then xenvif_disconnect_queue waits for the dealloc kthread',
  see: 'netback xenbus.c frontend_changed (Closing), backend_disconnect; interface.c xenvif_carrier_off, xenvif_down, xenvif_disconnect_data',
  when: (s) => s.be === XenbusStateConnected && s.bdis === 0 && s.fe !== XenbusStateConnected,
  then: (d) => { down(d); d.bdis = 1; },
});

export const beDisconnectDone: R = {
  name: 'be_xenvif_disconnect_queue', actor: 'backend', origin: 'netback',
  doc: 'the dealloc kthread stops once no packet is in flight (every slot page unmapped); unmap the ring; switch to Closing',
  see: 'netback interface.c xenvif_disconnect_queue, xenvif_unmap_frontend_data_rings; netback.c xenvif_dealloc_kthread_should_stop',
  when: (s) => s.bdis === 1 && s.m_slot === 0,
  then: (d) => { d.m_ring = 0; d.bdis = 0; d.be = XenbusStateClosing; },
};

export const beClosed: R = {
  name: 'be_closed', actor: 'backend', origin: 'netback',
  doc: 'frontend Closed (or Initialising again, after a disconnect): switch to Closed (from InitWait too: a frontend that closed before connecting)',
  see: 'netback xenbus.c frontend_changed (Closed), set_backend_state',
  when: (s) => (s.be === XenbusStateClosing && (s.fe === XenbusStateClosed || s.fe === XenbusStateInitialising)) || (s.be === XenbusStateInitWait && s.fe === XenbusStateClosed),
  then: (d) => { d.be = XenbusStateClosed; },
};

export const beInitWait: R = {
  name: 'be_frontend_initialising', actor: 'backend', origin: 'netback',
  doc: 'the frontend is Initialising again: back to InitWait for the new connection',
  see: 'netback xenbus.c frontend_changed (Initialising: set_backend_state(be, XenbusStateInitWait))',
  when: (s) => s.be === XenbusStateClosed && s.fe === XenbusStateInitialising,
  then: (d) => { d.be = XenbusStateInitWait; },
};

export const tick: R = {
  name: 'tick', actor: 'clock', origin: 'environment',
  doc: 'time passes: the credit window counts down',
  see: 'jiffies',
  when: (s) => s.nc > 0,
  then: (d, s) => { d.nc = s.nc - 1; },
};

export const makeVifRules = (o: { disconnect?: R; feDisconnect?: R } = {}): readonly R[] => [
  feTalkToNetback, feStartXmit, feTxBufGc, feClosing, o.feDisconnect ?? feDisconnectBackend(), feHandleDeferred, feReconnect,
  beConnect, beInterrupt, bePoll, beCreditCallback, beDealloc, o.disconnect ?? beDisconnectStart(), beDisconnectDone, beClosed, beInitWait,
  tick,
];
export const vifRules = makeVifRules();

// --- properties

export const V_pageNotReused: Invariant<S, P> = {
  name: 'V_page_not_reused_while_mapped',
  description: 'a page granted for the ring or a slot is never in the frontend\'s allocator (reused for unrelated data) while the backend still has it mapped, also after a disconnect',
  see: 'grant-table.c gnttab_end_foreign_access (deferred release); XSA-396 (CVE-2022-23037 netfront); netback xenvif_dealloc_kthread',
  holds: (s) => !(s.m_ring === 1 && s.p_ring === PAGE_FREE) && !(s.m_slot === 1 && s.p_slot === PAGE_FREE),
};
export const V_teardownGrants: Invariant<S, P> = {
  name: 'V_closed_grants_ended_or_deferred',
  description: 'once the frontend is Closed, every grant of the connection is ended or its page is held by the deferred list (never a valid grant on a page the driver forgot)',
  see: 'xen-netfront.c xennet_disconnect_backend; grant-table.c gnttab_end_foreign_access',
  holds: (s) => s.fe !== XenbusStateClosed || ((s.g_ring === 0 || s.p_ring === PAGE_DEFERRED) && (s.g_slot === 0 || s.p_slot === PAGE_DEFERRED)),
};
export const V_ringMapped: Invariant<S, P> = {
  name: 'V_ring_read_through_mapping',
  description: 'the backend reads the shared ring only while it has it mapped',
  see: 'netback interface.c xenvif_disconnect_queue (unmap last), xenvif_unmap_frontend_data_rings',
  holds: (s) => s.badRing === 0,
};
export const V_timer: Invariant<S, P> = {
  name: 'V_credit_timer_only_while_connected',
  description: 'the credit timer never fires for a queue that is not connected (xenvif_down deletes it before the queue is torn down)',
  see: 'netback interface.c xenvif_down (del_timer_sync(&queue->credit_timeout)); netback.c xenvif_tx_credit_callback',
  holds: (s) => s.lateTimer === 0,
};
export const V_credit: Invariant<S, P> = {
  name: 'V_credit_in_range',
  description: '0 <= remaining_credit <= credit_bytes across connections (connect() resets it)',
  see: 'netback xenbus.c connect (queue->remaining_credit = credit_bytes); netback.c tx_add_credit',
  holds: (s, p) => s.rem >= 0 && s.rem <= p.creditBytes,
};
export const vifInvariants = [V_pageNotReused, V_teardownGrants, V_ringMapped, V_timer, V_credit] as const;

export const V_teardownEnds: Goal<S, P> = {
  name: 'V_teardown_ends_every_grant',
  description: 'from every reachable state, a state is reachable where both ends are Closed and no grant of the vif is left (AG EF): teardown ends every grant, deferred ones included',
  see: 'xen-netfront.c xennet_disconnect_backend; grant-table.c gnttab_handle_deferred; netback xenvif_disconnect_data',
  reached: (s) => s.fe === XenbusStateClosed && s.be === XenbusStateClosed && s.g_ring === 0 && s.g_slot === 0 && s.m_ring === 0 && s.m_slot === 0,
};

export const vif = defineModel<S, P>({
  views: vifViews,
  // `show` prints xenbus.h's names beside both ends' XenbusState numbers
  valueName: (path, v) => (path.length === 1 && (path[0] === 'fe' || path[0] === 'be') ? xenbusStateLabel(v) : undefined),
  name: 'vif',
  description: "one vif's life across the layers: xenbus handshake (abstracted), TX ring with grants for its page and slots (zero-copy maps), the queue's credit limiter, one lifecycle with reconnects; cross-layer properties (no page reused while mapped, teardown ends every grant)",
  see: 'xen-netfront.c, xen-netback/{xenbus,interface,netback}.c, drivers/xen/grant-table.c; docs/models/vif.md',
  params: vifParams,
  // docs/vectors.md: vectors at the bounds of before 2026-12-05 (the check defaults are connects=3 packets=4 since)
  vectorParams: { connects: 2, packets: 2 },
  init: (p) => [vifInit(p)],
  rules: vifRules,
  invariants: vifInvariants,
  goals: [V_teardownEnds],
  // the vif's life is over: its last connection torn down on both ends, every grant ended
  isValidEnd: (s, p) => s.gen + 1 === p.connects && V_teardownEnds.reached(s, p),
  layout: vifLayout,
});
