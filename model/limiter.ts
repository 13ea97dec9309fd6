/**
 * `limiter`: an asymmetry limiter for a netback-style backend serving two
 * guests, one honest (`h`) and one that may be hostile (`x`). Design notes and
 * what each property guarantees are in docs/models/limiter.md.
 *
 * NetChannel2 shipped "an asymmetry limiter, intended to protect dom0 against
 * denial of service attacks by malicious domUs" (seed 004), but its mechanism
 * survives in no source (xen-protocols.md §5.2). This model is netback as it
 * is plus OUR design on top, each rule marked with its `origin` (`netback`,
 * `design`, `netback+design`, `environment`; `pvcheck list limiter`). The
 * mechanisms, all verified in sources (xen-protocols.md §5.3, §5.4):
 *
 * - netback's credit scheduler per guest (drivers/net/xen-netback/netback.c
 *   `tx_add_credit`, `tx_credit_exceeded`, `xenvif_tx_credit_callback`):
 *   `credit_bytes`, `credit_usec`, `remaining_credit`, the refill
 *   `min(remaining + credit_bytes, max(128 KiB, credit_bytes))` with the wrap
 *   clamp, a request larger than the remaining credit left on the ring
 *   (back-pressure) while the `credit_timeout` timer is pending, netback's
 *   own timer arithmetic (`creditTimer=netback`, the default; it breaks L3, a
 *   finding; `creditTimer=design` is ours, once per window), and the
 *   `max_burst` rule that lets a packet larger than `credit_bytes` go once the
 *   credit is full. Our one extension: a packet is charged for ALL the backend
 *   work it causes, not only its bytes: `size + 2 * slots + 1` (bytes copied,
 *   one request processed and one grant copy per slot, and the event that
 *   announced it), so tiny multi-slot packets pay for their grant copies;
 * - NetChannel2's SET_MAX_PACKETS: at most `maxPackets` packets of a guest in
 *   flight in the backend (consumed, not yet answered);
 * - the NAPI budget: a poll consumes at most `budget` packets of a guest, then
 *   the guest goes to the tail of the poll list (round robin between guests);
 * - lateeoi (XSA-332, Linux 54c9de89): an event that finds no request on the
 *   ring is spurious; its EOI is delayed by `1 << (cnt - 2)` ticks (capped at
 *   `lateeoiMaxDelay`). Our extension: a spurious event also costs one unit of
 *   credit, and with no credit left its EOI waits for the next refill;
 * - the receive queue as netback runs it after XSA-392 (`hostileRx`; the
 *   built-in `limiter-rx`): a byte limit `rx_queue_max` checked before a packet
 *   is added (tail drop), each packet dropped at its `drain_timeout`
 *   (`xenvif_rx_queue_drop_expired`), and with feature-rx-notify the stall
 *   detection (`xenvif_rx_queue_stalled`: fewer free slots than the head
 *   packet needs and nothing delivered for `stall_timeout`): carrier off, the
 *   queue kept; carrier on once the slots are there. Without feature-rx-notify,
 *   which the hostile frontend may choose, there is no stall detection and the
 *   drain timeout is 30 ms.
 *
 * Time is an abstract clock in ticks. Between two ticks the backend (one dom0
 * CPU) has `cpu` work units; it works whenever it can (a tick only happens when
 * no backend step is enabled: out of CPU or out of work), guests act any time.
 * Times are kept relative (countdowns), so the state space is finite.
 *
 * All fields are small non-negative integers: the state is flat (a layout).
 * `h_*` fields belong to the honest guest's queue, `x_*` to the hostile one.
 */
import type { Draft } from 'immer';
import { bitsFor, defineModel, type Goal, type Invariant, type Layout, type Observable, type Rule } from './core.js';
import { boolParam, defineParams, enumParam, intParam, perParams, type ParamsOf, type ParamsOfSpace } from './params.js';
import { limiterViews } from './views/drivers.js';

// --- parameters

const limiterSpecs = {
    creditBytes: intParam({ default: 2, min: 1, max: 65535, doc: 'credit_bytes: credit added per window (work units; must fit wordBits)' }),
    creditUsec: intParam({ default: 1, min: 1, max: 8, doc: 'credit_usec: the credit window, in ticks' }),
    burst: intParam({ default: 4, min: 1, max: 65535, doc: 'the 128 KiB of max_burst = max(131072, credit_bytes), scaled to work units' }),
    wordBits: intParam({ default: 4, min: 3, max: 16, doc: 'width of the credit words (unsigned long, scaled down so that overflow is reachable)' }),
    honestSize: intParam({ default: 1, min: 1, max: 16, doc: 'bytes (units) of each honest packet' }),
    honestSlots: intParam({ default: 1, min: 1, max: 4, doc: 'slots of each honest packet' }),
    hostileMaxSize: intParam({ default: 2, min: 1, max: 16, doc: 'largest packet size the hostile guest writes' }),
    hostileMaxSlots: intParam({ default: 2, min: 1, max: 4, doc: 'most slots per packet the hostile guest writes (size >= slots: no zero-size slot, XSA-448)' }),
    hostileRing: intParam({ default: 1, min: 1, max: 2, doc: 'requests the hostile guest can have on its ring' }),
    budget: intParam({ default: 1, min: 1, max: 4, doc: 'NAPI budget: packets per poll of one guest' }),
    maxPackets: intParam({ default: 1, min: 1, max: 3, doc: 'SET_MAX_PACKETS: packets of one guest in flight in the backend' }),
    cpu: intParam({ default: 9, min: 1, max: 63, doc: 'backend work units per tick (one dom0 CPU)' }),
    lateeoiMaxDelay: intParam({ default: 2, min: 1, max: 8, doc: 'cap of the lateeoi back-off 1 << (cnt - 2), in ticks (Linux: 1 s)' }),
    rxQueueMax: intParam({ default: 2, min: 1, max: 8, doc: 'rx_queue_max: bytes queued for the hostile guest before packets are dropped at the tail (XENVIF_RX_QUEUE_BYTES, scaled)' }),
    rxPacketBytes: intParam({ default: 1, min: 1, max: 8, doc: 'bytes of each packet the network sends to the hostile guest (skb->len, scaled)' }),
    rxSlotsNeeded: intParam({ default: 2, min: 1, max: 4, doc: 'RX slots the head packet needs (rx_slots_needed, xenvif_update_needed_slots)' }),
    rxStallTicks: intParam({ default: 2, min: 1, max: 8, doc: 'stall_timeout (rx_stall_timeout_msecs), in ticks' }),
    rxDrainTicks: intParam({ default: 2, min: 1, max: 8, doc: 'drain_timeout (rx_drain_timeout_msecs): a queued packet expires after it, in ticks' }),
    rxDrainTicksNoNotify: intParam({ default: 1, min: 1, max: 8, doc: 'drain_timeout when the frontend omits feature-rx-notify (msecs_to_jiffies(30)), in ticks' }),
    rxNotify: enumParam({ values: ['guest', 'yes', 'no'] as const, default: 'guest', doc: "feature-rx-notify of the hostile frontend: 'guest' (it chooses at connect; without it netback has no stall detection), 'yes', 'no'" }),
    hostile: boolParam({ default: true, doc: 'the second guest transmits (false: no TX requests or events from it, to check honest-only behaviour; its receive side is hostileRx)' }),
    hostileRx: boolParam({ default: false, doc: "model the hostile guest's receive queue (netback rx.c after XSA-392; built-in limiter-rx checks it, with the honest guest's TX only)" }),
    responseBound: intParam({ default: 0, min: 0, max: 255, doc: 'ticks within which an honest request must be consumed (0: the derived bound of docs/models/limiter.md)' }),
    creditTimer: enumParam({ values: ['netback', 'design'] as const, default: 'netback', doc: "tx_credit_exceeded's timer: netback (armed at next_credit computed before the refill, window start set to it: it may be in the past) or design (our fix: armed at the end of the new window, one refill per window)" }),
    maxLag: intParam({ default: 1, min: 0, max: 8, doc: 'ticks credit_window_start may lag behind the window that has passed (netback keeps any lag; the model cuts it here: an under-approximation of netback beyond it)' }),
    maxQueues: intParam({ default: 1, min: 1, max: 2, doc: "xenvif_max_queues (netback module parameter max_queues; default min(8, online CPUs)): the hostile frontend chooses multi-queue-num-queues 1..maxQueues at connect, and each queue gets the vif's whole rate (xenbus.c connect)" }),
  };

const validateLimiter = (p: ParamsOf<typeof limiterSpecs>): string | undefined => {
    if (p.creditBytes > 2 ** p.wordBits - 1) return `creditBytes=${p.creditBytes} does not fit a ${p.wordBits}-bit word`;
    if (p.burst > 2 ** p.wordBits - 1) return `burst=${p.burst} does not fit a ${p.wordBits}-bit word`;
    if (p.hostileMaxSlots > p.hostileMaxSize) return 'hostileMaxSlots must be <= hostileMaxSize (every slot carries a byte)';
    if (p.honestSlots > p.honestSize) return 'honestSlots must be <= honestSize';
    if (chargeOf(p.honestSize, p.honestSlots) > maxBurst(p)) return `the honest packet (charge ${chargeOf(p.honestSize, p.honestSlots)}) can never fit max_burst ${maxBurst(p)}`;
    if (workOf(p.honestSize, p.honestSlots) > p.cpu) return 'the honest packet needs more work than cpu per tick';
    if (p.maxQueues > 1 && !p.hostile) return 'maxQueues > 1 needs hostile=true (the queues are the hostile guest\'s)';
    if (rxMaxPackets(p) > RX_SLOTS) return `rxQueueMax=${p.rxQueueMax} holds more than ${RX_SLOTS} packets of rxPacketBytes=${p.rxPacketBytes}`;
    return undefined;
  };

// the built-in's hostile guest keeps up to two requests on its ring (1 until 2026-12-05; limiter-rx, whose hostile guest does not transmit, keeps 1);
// its credit window is two ticks (credit_usec; 1 until 2026-12-07, issue 11 point 5: a window now spans a tick, so a refill, a packet and the
// next tick fall in one window; limiter-rx, whose hostile guest sends nothing to rate-limit, keeps 1)
export const limiterParams = defineParams(
  {
    ...limiterSpecs,
    hostileRing: intParam({ ...limiterSpecs.hostileRing, default: 2 }),
    creditUsec: intParam({ ...limiterSpecs.creditUsec, default: 2 }),
  },
  validateLimiter,
);
export type LimiterParams = ParamsOfSpace<typeof limiterParams>;
type P = LimiterParams;

// --- packets, work and charges

/** Backend work of consuming one packet: one request processed and one grant copy per slot, plus the bytes copied. */
export const workOf = (size: number, slots: number): number => size + 2 * slots;
/** What the limiter charges a packet: its work plus the event that announced it. */
export const chargeOf = (size: number, slots: number): number => workOf(size, slots) + 1;
/** `max_burst = max(131072UL, queue->credit_bytes)`, 131072 scaled to `burst`. */
export const maxBurst = (p: { readonly burst: number; readonly creditBytes: number }): number => Math.max(p.burst, p.creditBytes);
/** ULONG_MAX of the modelled word. */
export const wordMax = (p: P): number => 2 ** p.wordBits - 1;

/** A packet kind: index 1 is the honest packet, 2.. the hostile guest's choices. 0 is an empty ring slot. */
export interface PacketKind { readonly size: number; readonly slots: number }
export function packetKinds(p: P): readonly PacketKind[] {
  const ks: PacketKind[] = [{ size: 0, slots: 0 }, { size: p.honestSize, slots: p.honestSlots }];
  for (let slots = 1; slots <= p.hostileMaxSlots; slots++)
    for (let size = slots; size <= p.hostileMaxSize; size++) ks.push({ size, slots });
  return ks;
}
const kindCache = new WeakMap<object, readonly PacketKind[]>();
export const kindsOf = (p: P): readonly PacketKind[] => {
  let k = kindCache.get(p as object);
  if (!k) kindCache.set(p as object, (k = packetKinds(p)));
  return k;
};

/**
 * The work a window may see from one guest: everything charged (at most the
 * credit at the window start, <= max_burst, plus one refill, <= credit_bytes)
 * plus the spurious events handled with no credit to charge (at most one
 * before and one after the refill). See docs/models/limiter.md.
 */
export const workBound = (p: P): number => maxBurst(p) + p.creditBytes + 2;
/** The hostile guest's queues at connect: `multi-queue-num-queues`, as many as it asked for (x_nq + 1). */
export const queuesOf = (s: { readonly x_nq: number }): number => s.x_nq + 1;

/**
 * The bound on an honest request's wait, in ticks (docs/models/limiter.md):
 * its own credit refills within 2 windows; until then and after, the hostile
 * guest's work is at most workBound per window, which the CPU clears in
 * ceil(workBound / cpu) ticks per window; plus one tick for the event.
 */
export const derivedResponseBound = (p: P): number => {
  const windows = 2 + 1;
  // the hostile guest's work per window is workBound per queue, and it may have maxQueues of them
  return windows * p.creditUsec + windows * Math.ceil((p.maxQueues * workBound(p)) / p.cpu) + 1;
};
export const responseBound = (p: P): number => (p.responseBound > 0 ? p.responseBound : derivedResponseBound(p));

/** The lateeoi back-off after `cnt` spurious events in a row: `1 << (cnt - 2)` ticks, none for the first. */
export const lateeoiDelay = (cnt: number, p: P): number => (cnt < 2 ? 0 : Math.min(1 << (cnt - 2), p.lateeoiMaxDelay));
/** The spurious count at which the delay reaches its cap (counting further changes nothing). */
export const spurCap = (p: P): number => (p.lateeoiMaxDelay <= 1 ? 2 : 2 + bitsFor(p.lateeoiMaxDelay - 1));

/** Slots of the receive queue in the state (x_rxa0..x_rxa3). */
export const RX_SLOTS = 4;
/** Packets the receive queue can hold: one is queued while rx_queue_len < rx_queue_max. */
export const rxMaxPackets = (p: { readonly rxQueueMax: number; readonly rxPacketBytes: number }): number => Math.ceil(p.rxQueueMax / p.rxPacketBytes);
/** drain_timeout in ticks for this frontend. */
export const rxDrain = (s: { readonly x_rxnotify: number }, p: P): number => (s.x_rxnotify === 1 ? p.rxDrainTicks : p.rxDrainTicksNoNotify);
/** The age of the i-th queued packet (0 = head). */
/** Reads receive slot i's age, x_rxa0..x_rxa3, by name (as {@link gv}: no name built a read). */
export const rxAge = (s: S | D, i: number): number => (i === 0 ? s.x_rxa0 : i === 1 ? s.x_rxa1 : i === 2 ? s.x_rxa2 : s.x_rxa3);
const setRxAge = (d: D, i: number, v: number): void => {
  if (i === 0) d.x_rxa0 = v;
  else if (i === 1) d.x_rxa1 = v;
  else if (i === 2) d.x_rxa2 = v;
  else d.x_rxa3 = v;
};
/** rx_slots_needed: what the head packet needs, 0 when the queue is empty. */
export const rxNeeded = (s: S | D, p: P): number => (s.x_rxq > 0 ? p.rxSlotsNeeded : 0);

// --- state

/** Event channel EOI states (`eoi` fields). */
export const EOI_ENABLED = 0, EOI_PENDING = 1, EOI_AWAIT_REFILL = 2;
/** `eoi = EOI_DELAY + d`: EOI issued in d >= 1 ticks (lateeoi back-off). */
export const EOI_DELAY = 2;

/**
 * Poll list: the NAPI instances scheduled, in order, one base-4 digit each
 * (head first, in the low digit): 1 the honest guest's queue, 2 the hostile
 * guest's queue 0, 3 its queue 1 (multi-queue-num-queues = 2).
 */
export const PL_EMPTY = 0, PL_H = 1, PL_X = 2, PL_HX = 1 + 4 * 2, PL_XH = 2 + 4 * 1;

/**
 * A NAPI instance, i.e. a netback queue: `h` the honest guest's (one queue),
 * `x` the hostile guest's queue 0, `x1` its queue 1 (present when it chose
 * multi-queue-num-queues = 2). Each queue has its own credit, timer, event
 * channel and ring (xenbus.c connect: every queue gets the vif's credit_bytes
 * and credit_usec).
 */
export type Guest = 'h' | 'x' | 'x1';
/** Every queue, in NAPI-id order. */
export const QUEUES: readonly Guest[] = ['h', 'x', 'x1'];
const napiId = (g: Guest): number => (g === 'h' ? 1 : g === 'x' ? 2 : 3);

export interface LimiterState {
  /** Ticks since the start of the current measurement window (length credit_usec). */
  readonly phase: number;
  /** Backend work units left in this tick. */
  readonly cpu: number;
  /** NAPI poll list, PL_*. */
  readonly pl: number;
  /** Packets consumed in the current poll (NAPI work_done). */
  readonly pc: number;
  /** Ghost: a refill lost credit to a wrapped sum (L2). */
  readonly wrapped: number;
  // honest guest
  readonly h_q0: number; readonly h_q1: number;
  readonly h_evt: number; readonly h_eoi: number; readonly h_spur: number;
  readonly h_rem: number; readonly h_nc: number; readonly h_tmr: number;
  readonly h_infl: number; readonly h_ww: number; readonly h_gw: number;
  /** Ticks the honest request on the ring has waited. */
  readonly h_age: number;
  // hostile guest
  readonly x_q0: number; readonly x_q1: number;
  readonly x_evt: number; readonly x_eoi: number; readonly x_spur: number;
  readonly x_rem: number; readonly x_nc: number; readonly x_tmr: number;
  readonly x_infl: number; readonly x_ww: number; readonly x_gw: number;
  /** multi-queue-num-queues the hostile frontend asked for, minus one (0: one queue; 1: queues x and x1). */
  readonly x_nq: number;
  // the hostile guest's queue 1 (netback's per-queue credit: its own remaining_credit, timer, ring, event channel)
  readonly x1_q0: number; readonly x1_q1: number;
  readonly x1_evt: number; readonly x1_eoi: number; readonly x1_spur: number;
  readonly x1_rem: number; readonly x1_nc: number; readonly x1_tmr: number;
  readonly x1_infl: number; readonly x1_ww: number; readonly x1_gw: number;
  // the hostile guest's receive queue (netback rx.c, after XSA-392)
  /** Packets queued (rx_queue; rx_queue_len = x_rxq * rxPacketBytes). */
  readonly x_rxq: number;
  /** Ticks each queued packet has waited, head first (its expiry is jiffies + drain_timeout at queueing). */
  readonly x_rxa0: number; readonly x_rxa1: number; readonly x_rxa2: number; readonly x_rxa3: number;
  /** RX requests the frontend has posted and netback not consumed (xenvif_rx_queue_slots). */
  readonly x_rxs: number;
  /** Ticks since last_rx_time (saturating at rxStallTicks + 2). */
  readonly x_rxlast: number;
  /** queue->stalled: the carrier is off. */
  readonly x_rxoff: number;
  /** The frontend wrote feature-rx-notify (else stall_timeout = 0: no stall detection). */
  readonly x_rxnotify: number;
  /** Ghost: time passed while the frontend was stalled (with feature-rx-notify) and its carrier on (L7_rx_stall_carrier_off). */
  readonly x_rxmiss: number;
}
type S = LimiterState;
type D = Draft<S>;
type R = Rule<S, P>;

/**
 * `nc`: where the credit window ends, `next_credit = credit_window_start +
 * credit_usec`, relative to now and offset by `maxLag`: `nc = next_credit -
 * now + maxLag`. `nc <= maxLag`: the window has passed (`time_after_eq64(now,
 * next_credit)`); `nc < maxLag`: by more than a tick (netback keeps that lag:
 * see {@link txCreditExceeded}). A pending `credit_timeout` expires at
 * `next_credit - credit_usec` (mod_timer is always given the window end
 * before `credit_window_start` moved to it), so it is due when `nc <= maxLag +
 * credit_usec`.
 */
/** Per-guest field names. */
type GField = 'q0' | 'q1' | 'evt' | 'eoi' | 'spur' | 'rem' | 'nc' | 'tmr' | 'infl' | 'ww' | 'gw';
/**
 * Reads a per-guest field, `${g}_${f}`, by its name written out: the rules' guards read these on
 * every state, and a read by a name built on each call (a new string, looked up in V8's string
 * table, then a keyed load) was a quarter of the CPU of check-all's creditTimer=design row. With
 * `f` a literal at every call site the switch folds where gv is inlined, leaving `g`'s test and a
 * named load (docs/perf/2026-12-06h-engine.md: that row 2.13 -> 1.44 s CPU).
 */
export const gv = (s: S | D, g: Guest, f: GField): number => {
  const r = s as unknown as Record<string, number>;
  switch (f) {
    case 'q0': return g === 'h' ? r.h_q0! : g === 'x' ? r.x_q0! : r.x1_q0!;
    case 'q1': return g === 'h' ? r.h_q1! : g === 'x' ? r.x_q1! : r.x1_q1!;
    case 'evt': return g === 'h' ? r.h_evt! : g === 'x' ? r.x_evt! : r.x1_evt!;
    case 'eoi': return g === 'h' ? r.h_eoi! : g === 'x' ? r.x_eoi! : r.x1_eoi!;
    case 'spur': return g === 'h' ? r.h_spur! : g === 'x' ? r.x_spur! : r.x1_spur!;
    case 'rem': return g === 'h' ? r.h_rem! : g === 'x' ? r.x_rem! : r.x1_rem!;
    case 'nc': return g === 'h' ? r.h_nc! : g === 'x' ? r.x_nc! : r.x1_nc!;
    case 'tmr': return g === 'h' ? r.h_tmr! : g === 'x' ? r.x_tmr! : r.x1_tmr!;
    case 'infl': return g === 'h' ? r.h_infl! : g === 'x' ? r.x_infl! : r.x1_infl!;
    case 'ww': return g === 'h' ? r.h_ww! : g === 'x' ? r.x_ww! : r.x1_ww!;
    case 'gw': return g === 'h' ? r.h_gw! : g === 'x' ? r.x_gw! : r.x1_gw!;
  }
};
/** Writes a per-guest field of a draft (as {@link gv} reads it). */
export const gs = (d: unknown, g: Guest, f: GField, v: number): void => {
  const r = d as Record<string, number>;
  switch (f) {
    case 'q0': if (g === 'h') r.h_q0 = v; else if (g === 'x') r.x_q0 = v; else r.x1_q0 = v; return;
    case 'q1': if (g === 'h') r.h_q1 = v; else if (g === 'x') r.x_q1 = v; else r.x1_q1 = v; return;
    case 'evt': if (g === 'h') r.h_evt = v; else if (g === 'x') r.x_evt = v; else r.x1_evt = v; return;
    case 'eoi': if (g === 'h') r.h_eoi = v; else if (g === 'x') r.x_eoi = v; else r.x1_eoi = v; return;
    case 'spur': if (g === 'h') r.h_spur = v; else if (g === 'x') r.x_spur = v; else r.x1_spur = v; return;
    case 'rem': if (g === 'h') r.h_rem = v; else if (g === 'x') r.x_rem = v; else r.x1_rem = v; return;
    case 'nc': if (g === 'h') r.h_nc = v; else if (g === 'x') r.x_nc = v; else r.x1_nc = v; return;
    case 'tmr': if (g === 'h') r.h_tmr = v; else if (g === 'x') r.x_tmr = v; else r.x1_tmr = v; return;
    case 'infl': if (g === 'h') r.h_infl = v; else if (g === 'x') r.x_infl = v; else r.x1_infl = v; return;
    case 'ww': if (g === 'h') r.h_ww = v; else if (g === 'x') r.x_ww = v; else r.x1_ww = v; return;
    case 'gw': if (g === 'h') r.h_gw = v; else if (g === 'x') r.x_gw = v; else r.x1_gw = v; return;
  }
};

/** Saturation of the window counters: one above the bound keeps a violation visible. */
const wwCap = (p: P): number => workBound(p) + 1;

export const limiterLayout = (p: P): Layout => {
  const k = bitsFor(kindsOf(p).length - 1);
  const w = p.wordBits;
  const nc = bitsFor(p.maxLag + 2 * p.creditUsec);
  const eoi = bitsFor(EOI_DELAY + p.lateeoiMaxDelay);
  const spur = bitsFor(spurCap(p));
  const ww = bitsFor(wwCap(p));
  const guest = (g: Guest) => [
    { name: `${g}_q0`, bits: k }, { name: `${g}_q1`, bits: k },
    { name: `${g}_evt`, bits: 1 }, { name: `${g}_eoi`, bits: eoi }, { name: `${g}_spur`, bits: spur },
    { name: `${g}_rem`, bits: w }, { name: `${g}_nc`, bits: nc }, { name: `${g}_tmr`, bits: 1 },
    { name: `${g}_infl`, bits: bitsFor(p.maxPackets) }, { name: `${g}_ww`, bits: ww }, { name: `${g}_gw`, bits: ww },
  ];
  return [
    { name: 'phase', bits: bitsFor(p.creditUsec) },
    { name: 'cpu', bits: bitsFor(p.cpu) },
    { name: 'pl', bits: p.maxQueues > 1 ? 6 : 4 },
    { name: 'pc', bits: bitsFor(p.budget + 1) },
    { name: 'wrapped', bits: 1 },
    ...guest('h'),
    { name: 'h_age', bits: bitsFor(responseBound(p) + 1) },
    ...guest('x'),
    { name: 'x_nq', bits: 1 },
    ...guest('x1'),
    { name: 'x_rxq', bits: bitsFor(RX_SLOTS) },
    ...[0, 1, 2, 3].map((i) => ({ name: `x_rxa${i}`, bits: bitsFor(Math.max(p.rxDrainTicks, p.rxDrainTicksNoNotify)) })),
    { name: 'x_rxs', bits: bitsFor(p.rxSlotsNeeded) },
    { name: 'x_rxlast', bits: bitsFor(p.rxStallTicks + 2) },
    { name: 'x_rxoff', bits: 1 },
    { name: 'x_rxnotify', bits: 1 },
    { name: 'x_rxmiss', bits: 1 },
  ];
};

/**
 * At connect (netback xenbus.c connect, interface.c xenvif_init_queue):
 * `remaining_credit = credit_bytes`, `credit_window_start = get_jiffies_64()`
 * (a window starts now), no timer.
 */
export const limiterInit = (p: P): S => ({
  phase: 0, cpu: p.cpu, pl: PL_EMPTY, pc: 0, wrapped: 0,
  h_q0: 0, h_q1: 0, h_evt: 0, h_eoi: EOI_ENABLED, h_spur: 0, h_rem: p.creditBytes, h_nc: p.maxLag + p.creditUsec, h_tmr: 0, h_infl: 0, h_ww: 0, h_gw: 0, h_age: 0,
  x_q0: 0, x_q1: 0, x_evt: 0, x_eoi: EOI_ENABLED, x_spur: 0, x_rem: p.creditBytes, x_nc: p.maxLag + p.creditUsec, x_tmr: 0, x_infl: 0, x_ww: 0, x_gw: 0,
  x_nq: 0,
  x1_q0: 0, x1_q1: 0, x1_evt: 0, x1_eoi: EOI_ENABLED, x1_spur: 0, x1_rem: 0, x1_nc: 0, x1_tmr: 0, x1_infl: 0, x1_ww: 0, x1_gw: 0,
  x_rxq: 0, x_rxa0: 0, x_rxa1: 0, x_rxa2: 0, x_rxa3: 0, x_rxs: 0, x_rxlast: 0, x_rxoff: 0, x_rxnotify: 1, x_rxmiss: 0,
});

/**
 * The initial states: after connect, with the hostile frontend's choice of
 * feature-rx-notify (`rxNotify=guest`: both). The rx kthread's first pass has
 * put the carrier on (xenvif_kthread_guest_rx: at once without
 * feature-rx-notify, through xenvif_rx_queue_ready with it).
 */
export const limiterInits = (p: P): S[] => {
  const s = limiterInit(p);
  // multi-queue-num-queues: with 2, queue 1 is set up as queue 0 (connect: remaining_credit = credit_bytes, a window starts)
  const byQueues = p.maxQueues > 1 ? [s, { ...s, x_nq: 1, x1_rem: s.x_rem, x1_nc: s.x_nc }] : [s];
  const notify = !p.hostileRx || p.rxNotify === 'yes' ? [1] : p.rxNotify === 'no' ? [0] : [1, 0];
  return byQueues.flatMap((q) => notify.map((n) => (n === 1 ? q : { ...q, x_rxnotify: 0 })));
};

// --- poll list

export const plHead = (pl: number): Guest | undefined => QUEUES[(pl & 3) - 1];
export const plHas = (pl: number, g: Guest): boolean => {
  for (let q = pl; q !== 0; q >>= 2) if ((q & 3) === napiId(g)) return true;
  return false;
};
/** Digits in the list. */
const plLen = (pl: number): number => (pl === 0 ? 0 : pl < 4 ? 1 : pl < 16 ? 2 : 3);
/** napi_schedule: append g unless already scheduled. */
export const plSchedule = (pl: number, g: Guest): number => (plHas(pl, g) ? pl : pl | (napiId(g) << (2 * plLen(pl))));
/** Remove the head (napi_complete). */
export const plPop = (pl: number): number => pl >> 2;
/** Move the head to the tail (budget exhausted, still scheduled). */
export const plRotate = (pl: number): number => (pl < 4 ? pl : (pl >> 2) | ((pl & 3) << (2 * (plLen(pl) - 1))));

// --- credit (netback.c)

/** The head request of g's ring, if any. */
export const headKind = (s: S, g: Guest, p: P): PacketKind | undefined => {
  const k = gv(s, g, 'q0');
  return k === 0 ? undefined : kindsOf(p)[k];
};
export const headCharge = (s: S, g: Guest, p: P): number => {
  const k = headKind(s, g, p);
  return k ? chargeOf(k.size, k.slots) : 0;
};

/** The refill arithmetic: new `remaining_credit` from the old one. */
export type AddCredit = (rem: number, p: P) => number;
/** tx_credit_exceeded on a draft: true when the request of `charge` must stay on the ring. */
export type CreditExceeded = (d: D, s: S, g: Guest, p: P, charge: number) => boolean;

/**
 * netback's tx_add_credit in a `wordBits`-bit word: `max_credit = remaining +
 * credit_bytes`, clamped to ULONG_MAX when the sum wraps, then
 * `min(max_credit, max_burst)`.
 */
export const netbackAddCredit: AddCredit = (rem, p) => {
  let maxCredit = (rem + p.creditBytes) & wordMax(p);
  if (maxCredit < rem) maxCredit = wordMax(p); /* wrapped: clamp to ULONG_MAX */
  return Math.min(maxCredit, maxBurst(p));
};

/**
 * tx_add_credit on a draft with the given arithmetic. Sets the ghost `wrapped`
 * when the result is below the exact `min(remaining + credit_bytes, max_burst)`
 * (checked here, independently of the arithmetic under test).
 */
export function txAddCredit(d: D, s: S, g: Guest, p: P, add: AddCredit = netbackAddCredit): void {
  const rem = gv(d, g, 'rem');
  const got = add(rem, p);
  gs(d, g, 'rem', got);
  if (got < Math.min(rem + p.creditBytes, maxBurst(p))) d.wrapped = 1;
  // our lateeoi extension: an event left masked for lack of credit is released by the refill
  if (gv(d, g, 'eoi') === EOI_AWAIT_REFILL) gs(d, g, 'eoi', gv(s, g, 'q0') !== 0 ? EOI_PENDING : EOI_ENABLED);
}

/** Credit window passed: `time_after_eq64(now, credit_window_start + credit_usec)`. */
export const windowPassed = (s: S | D, g: Guest, p: P): boolean => gv(s, g, 'nc') <= p.maxLag;

/**
 * tx_credit_exceeded for a request of `charge`, on a draft. Returns true when
 * the request must stay on the ring. netback.c:
 *
 *     next_credit = credit_window_start + msecs_to_jiffies(credit_usec / 1000);
 *     if (timer_pending(&credit_timeout)) { rate_limited = true; return true; }
 *     if (time_after_eq64(now, next_credit)) { credit_window_start = now; tx_add_credit(queue); }
 *     if (size > remaining_credit) {
 *         mod_timer(&credit_timeout, next_credit);
 *         credit_window_start = next_credit;
 *         rate_limited = true; return true;
 *     }
 *     return false;
 *
 * `creditTimer=netback` is that code: after a refill that is not enough, the
 * timer is armed at the OLD next_credit, which has passed (it fires at once
 * and refills again), and the window start goes back to it (a lag after an
 * idle period is kept: each later rate-limited packet refills until the
 * window catches up with now). `creditTimer=design` is our fix: the timer at
 * the end of the new window, one refill per window.
 */
export function txCreditExceeded(d: D, s: S, g: Guest, p: P, charge: number, add: AddCredit = netbackAddCredit): boolean {
  if (gv(d, g, 'tmr') === 1) return true; // timer_pending: rate limited
  const nextCredit = gv(d, g, 'nc'); // next_credit, relative to now (+ maxLag)
  if (nextCredit <= p.maxLag) {
    gs(d, g, 'nc', p.maxLag + p.creditUsec); // credit_window_start = now
    txAddCredit(d, s, g, p, add);
  }
  if (charge > gv(d, g, 'rem')) {
    gs(d, g, 'tmr', 1); // mod_timer(&credit_timeout, next_credit): due when nc <= maxLag + credit_usec
    // credit_window_start = next_credit: netback uses the value computed before the refill; the design the new window's end
    gs(d, g, 'nc', (p.creditTimer === 'netback' ? nextCredit : gv(d, g, 'nc')) + p.creditUsec);
    return true;
  }
  return false;
}

/** The credit timer is due: `now >= expires`, the expiry being `next_credit - credit_usec` (see `nc`). */
export const timerDue = (s: S, g: Guest, p: P): boolean => gv(s, g, 'tmr') === 1 && gv(s, g, 'nc') <= p.maxLag + p.creditUsec;

// --- work accounting (data, per measurement window)

const addWork = (d: D, g: Guest, p: P, backend: number, guest: number): void => {
  if (g === 'h') return; // the honest guest runs the same code; counting it only multiplies states
  const cap = wwCap(p);
  gs(d, g, 'ww', Math.min(gv(d, g, 'ww') + backend, cap));
  gs(d, g, 'gw', Math.min(gv(d, g, 'gw') + guest, cap));
};

// --- guest rules

/** The honest guest: one request at a time, always notifies. */
export const honestPush: R = {
  name: 'h_RING_PUSH_REQUESTS_AND_CHECK_NOTIFY', actor: 'honest guest', origin: 'environment',
  doc: 'the honest frontend writes one packet (honestSize, honestSlots), pushes req_prod and notifies',
  see: 'io/ring.h RING_PUSH_REQUESTS_AND_CHECK_NOTIFY; netfront xennet_start_xmit',
  when: (s) => s.h_q0 === 0,
  then: (d) => { d.h_q0 = 1; d.h_evt = 1; d.h_age = 0; },
};

/** The hostile guest's transmit side exists (`hostile`); queue 1 only if it may ask for two queues. */
const hostileTx = (p: P): boolean => p.hostile;
const hostileQ1 = (p: P): boolean => p.hostile && p.maxQueues > 1;
/** Queue g of the hostile guest exists in s (queue 1: it asked for two). */
const queueUp = (s: S, g: Guest): boolean => g !== 'x1' || s.x_nq === 1;

/** The hostile guest's packet kinds (indexes 2.. of {@link kindsOf}): x_push_request's choices, built once per parameter record (test/choicesShared). */
const hostileKinds: (p: P) => readonly number[] = perParams((p: P) => kindsOf(p).map((_k, i) => i).filter((i) => i >= 2));

/** The hostile guest writes any packet into a free slot of queue g's ring (no notify: that is a separate choice). */
export const hostilePushOn = (g: 'x' | 'x1'): Rule<S, P, number> => ({
  name: `${g}_push_request`, actor: 'hostile guest', applies: g === 'x' ? hostileTx : hostileQ1, origin: 'environment',
  doc: `the hostile frontend writes a packet of its choice (tiny multi-slot, beyond its credit, ...) on its queue ${g === 'x' ? 0 : 1}'s TX ring and pushes req_prod`,
  see: 'netif.h netif_tx_request; xen-protocols.md §5.1 (work asymmetry)',
  choices: (_s, p) => hostileKinds(p),
  showChoice: (i) => `kind ${i}`,
  when: (s, p) => p.hostile && queueUp(s, g) && (gv(s, g, 'q0') === 0 || (p.hostileRing > 1 && gv(s, g, 'q1') === 0)),
  then: (d, s, _p, k) => { if (gv(s, g, 'q0') === 0) gs(d, g, 'q0', k); else gs(d, g, 'q1', k); },
});
export const hostilePush = hostilePushOn('x');

export const hostileNotifyOn = (g: 'x' | 'x1'): R => ({
  name: `${g}_notify_remote_via_evtchn`, actor: 'hostile guest', applies: g === 'x' ? hostileTx : hostileQ1, origin: 'environment',
  doc: `the hostile frontend sends an event on its queue ${g === 'x' ? 0 : 1}'s event channel, with or without work on the ring (event storm)`,
  see: 'drivers/xen/events notify_remote_via_evtchn; XSA-332',
  when: (s, p) => p.hostile && queueUp(s, g) && gv(s, g, 'evt') === 0,
  then: (d) => { gs(d, g, 'evt', 1); },
});
export const hostileNotify = hostileNotifyOn('x');

export const hostilePostRxSlot: R = {
  name: 'x_post_rx_slot', actor: 'hostile guest', applies: (p) => p.hostileRx, origin: 'environment',
  doc: 'the hostile frontend posts ONE rx request (slots one at a time, CVE-2021-28714)',
  see: 'netfront xennet_alloc_rx_buffers; XSA-392',
  when: (s, p) => p.hostileRx && s.x_rxs < p.rxSlotsNeeded,
  then: (d, s) => { d.x_rxs = s.x_rxs + 1; },
};

export const netRxPacket: R = {
  name: 'xenvif_start_xmit', actor: 'network', applies: (p) => p.hostileRx, origin: 'netback',
  doc: 'a packet for the hostile guest (carrier on: the stack sends it): queued with its expiry if rx_queue_len < rx_queue_max, else dropped at the tail (no state change: not a step)',
  see: 'netback interface.c xenvif_start_xmit (cb->expires = jiffies + drain_timeout), rx.c xenvif_rx_queue_tail; XSA-392 (CVE-2021-28715)',
  when: (s, p) => p.hostileRx && s.x_rxoff === 0 && s.x_rxq * p.rxPacketBytes < p.rxQueueMax,
  then: (d, s) => { d.x_rxq = s.x_rxq + 1; setRxAge(d, s.x_rxq, 0); },
};

// --- backend rules (per guest)

/** xenvif_tx_interrupt with lateeoi: schedule NAPI if there are requests, else a spurious event. */
export const txInterrupt = (
  g: Guest,
  add: AddCredit = netbackAddCredit,
  exceeded: CreditExceeded = (d, s, g2, p, c) => txCreditExceeded(d, s, g2, p, c, add),
): R => ({
  name: `${g}_xenvif_tx_interrupt`, actor: 'backend', origin: 'netback+design',
  doc: 'event handled (1 unit): requests on the ring: EOI pending, napi_schedule; none: spurious, EOI after the lateeoi back-off (netback, XSA-332); design: the spurious event is charged 1 credit, and with none left its EOI waits for the next refill',
  see: 'netback interface.c xenvif_tx_interrupt; drivers/xen/events xen_irq_lateeoi (XSA-332)',
  when: (s) => gv(s, g, 'evt') === 1 && gv(s, g, 'eoi') === EOI_ENABLED && s.cpu >= 1,
  then: (d, s, p) => {
    d.cpu = s.cpu - 1;
    gs(d, g, 'evt', 0);
    addWork(d, g, p, 1, 1);
    if (gv(s, g, 'q0') !== 0) {
      gs(d, g, 'eoi', EOI_PENDING);
      d.pl = plSchedule(s.pl, g);
      return;
    }
    spuriousEvent(d, s, g, p, exceeded);
  },
});

/** A spurious event's accounting: count it, charge it one credit unit, delay its EOI. */
export function spuriousEvent(d: D, s: S, g: Guest, p: P, exceeded: CreditExceeded = txCreditExceeded): void {
  const cnt = Math.min(gv(s, g, 'spur') + 1, spurCap(p));
  gs(d, g, 'spur', cnt);
  if (gv(d, g, 'rem') === 0 && exceeded(d, s, g, p, 1)) {
    gs(d, g, 'eoi', EOI_AWAIT_REFILL);
    return;
  }
  gs(d, g, 'rem', gv(d, g, 'rem') - 1);
  const delay = lateeoiDelay(cnt, p);
  gs(d, g, 'eoi', delay === 0 ? EOI_ENABLED : EOI_DELAY + delay);
}

/** Can g's head packet be considered in this poll (budget and SET_MAX_PACKETS)? */
const pollMayTake = (s: S, g: Guest, p: P): boolean =>
  plHead(s.pl) === g && s.pc < p.budget && gv(s, g, 'q0') !== 0 && gv(s, g, 'infl') < p.maxPackets;

/** xenvif_tx_build_gops: consume the head request; it fits the credit. */
export const txConsume = (g: Guest): R => ({
  name: `${g}_xenvif_tx_build_gops`, actor: 'backend', origin: 'netback+design',
  doc: 'consume the head packet: remaining_credit -= charge, grant copies, req_cons++ (netback); design: the charge is size + 2*slots + 1 (netback charges txreq.size), and at most maxPackets in flight (SET_MAX_PACKETS; netback: MAX_PENDING_REQS)',
  see: 'netback.c xenvif_tx_build_gops (`txreq.size > remaining_credit && tx_credit_exceeded` ... `remaining_credit -= txreq.size`)',
  when: (s, p) => {
    if (!pollMayTake(s, g, p)) return false;
    const k = headKind(s, g, p)!;
    return chargeOf(k.size, k.slots) <= gv(s, g, 'rem') && workOf(k.size, k.slots) <= s.cpu;
  },
  then: (d, s, p) => consumeHead(d, s, g, p),
});

export function consumeHead(d: D, s: S, g: Guest, p: P): void {
  const k = headKind(s, g, p)!;
  const w = workOf(k.size, k.slots);
  d.cpu = s.cpu - w;
  gs(d, g, 'rem', gv(s, g, 'rem') - chargeOf(k.size, k.slots));
  gs(d, g, 'q0', gv(s, g, 'q1'));
  gs(d, g, 'q1', 0);
  gs(d, g, 'infl', gv(s, g, 'infl') + 1);
  d.pc = Math.min(s.pc + 1, p.budget + 1); // saturates one above the budget: a violation stays visible
  addWork(d, g, p, w, k.size + k.slots);
  if (g === 'h') d.h_age = 0;
}

/** tx_credit_exceeded: the head does not fit; refill if the window passed, else leave it on the ring and arm the timer. */
export const txCreditExceededRule = (
  g: Guest,
  add: AddCredit = netbackAddCredit,
  exceeded: CreditExceeded = (d, s, g2, p, c) => txCreditExceeded(d, s, g2, p, c, add),
): R => ({
  name: `${g}_tx_credit_exceeded`, actor: 'backend', origin: 'netback',
  doc: 'head charge > remaining_credit: refill when the window passed; if still too big, mod_timer(credit_timeout, next_credit) and end the poll rate-limited (request stays on the ring, EOI stays pending); creditTimer=netback: next_credit as computed before the refill (netback); creditTimer=design: the new window end (design)',
  see: 'netback.c tx_credit_exceeded, tx_add_credit; xenvif_poll (rate_limited: no reschedule, no EOI)',
  when: (s, p) => pollMayTake(s, g, p) && headCharge(s, g, p) > gv(s, g, 'rem'),
  then: (d, s, p) => {
    if (exceeded(d, s, g, p, headCharge(s, g, p))) {
      d.pl = plPop(s.pl);
      d.pc = 0;
    }
  },
});

/** xenvif_poll, work_done < budget and not rate limited: napi_complete + RING_FINAL_CHECK + EOI. */
export const napiComplete = (g: Guest): R => ({
  name: `${g}_napi_complete_done`, actor: 'backend', origin: 'netback+design',
  doc: 'nothing more to take: napi_complete; ring empty: lateeoi EOI (not spurious, count reset) (netback); design: also when SET_MAX_PACKETS is reached',
  see: 'netback.c xenvif_poll, xenvif_napi_schedule_or_enable_events',
  when: (s, p) => plHead(s.pl) === g && s.pc < p.budget && (gv(s, g, 'q0') === 0 || gv(s, g, 'infl') >= p.maxPackets),
  then: (d, s) => {
    d.pl = plPop(s.pl);
    d.pc = 0;
    if (gv(s, g, 'q0') === 0 && gv(s, g, 'eoi') === EOI_PENDING) {
      gs(d, g, 'eoi', EOI_ENABLED);
      gs(d, g, 'spur', 0);
    }
  },
});

/** NAPI budget exhausted: the poll returns `budget`, the instance stays scheduled at the tail. */
export const napiBudget = (g: Guest): R => ({
  name: `${g}_napi_budget_exhausted`, actor: 'backend', origin: 'netback',
  doc: 'work_done == budget: stay scheduled, go to the tail of the poll list (round robin across guests)',
  see: 'net/core/dev.c napi_poll; netback "napi: fix abuse of budget" (10574059)',
  when: (s, p) => plHead(s.pl) === g && s.pc >= p.budget,
  then: (d, s) => { d.pl = plRotate(s.pl); d.pc = 0; },
});

/** xenvif_tx_credit_callback: refill, then reschedule NAPI or issue the EOI. */
export const creditCallback = (g: Guest, add: AddCredit = netbackAddCredit, due: (s: S, g: Guest, p: P) => boolean = timerDue): R => ({
  name: `${g}_xenvif_tx_credit_callback`, actor: 'backend', origin: 'netback+design',
  doc: 'credit_timeout fires: tx_add_credit; requests on the ring: napi_schedule, else EOI a pending event (netback); design: also an event that waited for credit',
  see: 'netback.c xenvif_tx_credit_callback, xenvif_napi_schedule_or_enable_events',
  when: (s, p) => due(s, g, p),
  then: (d, s, p) => {
    gs(d, g, 'tmr', 0);
    txAddCredit(d, s, g, p, add);
    afterRefill(d, s, g);
  },
});

export function afterRefill(d: D, s: S, g: Guest): void {
  if (gv(s, g, 'q0') !== 0) d.pl = plSchedule(s.pl, g);
  else if (gv(s, g, 'eoi') === EOI_PENDING || gv(s, g, 'eoi') === EOI_AWAIT_REFILL) gs(d, g, 'eoi', EOI_ENABLED);
}

/** Packet done: response pushed, the in-flight slot freed, NAPI rescheduled if requests wait. */
export const txComplete = (g: Guest): R => ({
  name: `${g}_xenvif_tx_submit`, actor: 'backend', origin: 'netback+design',
  doc: 'a consumed packet is transmitted and answered (make_tx_response) (netback); design: in flight - 1 (SET_MAX_PACKETS), requests wait: napi_schedule',
  see: 'netback.c xenvif_tx_submit, make_tx_response; NetChannel2 SET_MAX_PACKETS',
  when: (s) => gv(s, g, 'infl') > 0,
  then: (d, s) => {
    gs(d, g, 'infl', gv(s, g, 'infl') - 1);
    if (gv(s, g, 'q0') !== 0 && gv(s, g, 'tmr') === 0) d.pl = plSchedule(s.pl, g);
  },
});

/** Removes the head packet of the receive queue (xenvif_rx_dequeue). */
function rxDequeue(d: D, s: S): void {
  for (let i = 0; i < RX_SLOTS - 1; i++) setRxAge(d, i, i + 1 < s.x_rxq ? rxAge(s, i + 1) : 0);
  setRxAge(d, RX_SLOTS - 1, 0);
  d.x_rxq = s.x_rxq - 1;
}

/** Enough slots for the head packet: deliver it. */
export const rxAction: R = {
  name: 'x_xenvif_rx_action', actor: 'backend', applies: (p) => p.hostileRx, origin: 'netback',
  doc: 'the frontend posted the slots the head packet needs: copy it, consume the slots, last_rx_time = now',
  see: 'netback rx.c xenvif_rx_action, xenvif_rx_skb, xenvif_rx_ring_slots_available',
  when: (s, p) => p.hostileRx && s.x_rxq > 0 && s.x_rxs >= p.rxSlotsNeeded,
  then: (d, s, p) => { rxDequeue(d, s); d.x_rxs = s.x_rxs - p.rxSlotsNeeded; d.x_rxlast = 0; },
};

/** xenvif_rx_queue_drop_expired: the head packet's expiry has passed. */
export const rxDropExpired: R = {
  name: 'x_xenvif_rx_queue_drop_expired', actor: 'backend', applies: (p) => p.hostileRx, origin: 'netback',
  doc: 'the head packet waited drain_timeout (30 ms without feature-rx-notify): dropped (rx_dropped++)',
  see: 'netback rx.c xenvif_rx_queue_drop_expired (time_before(jiffies, expires)), xenvif_kthread_guest_rx',
  when: (s, p) => p.hostileRx && s.x_rxq > 0 && rxAge(s, 0) >= rxDrain(s, p),
  then: (d, s) => rxDequeue(d, s),
};

/**
 * The stall predicate of the XSA-392 fix, xenvif_rx_queue_stalled without its
 * time part: the frontend has fewer free slots than the head packet needs.
 */
export const rxStalled = (s: S, p: P): boolean => s.x_rxs < rxNeeded(s, p);

/**
 * The frontend is stalled by the fix's definition (feature-rx-notify given,
 * fewer free slots than the head packet needs, nothing delivered for more than
 * stall_timeout) and its carrier is on.
 */
export const rxStallMissed = (s: S, p: P): boolean =>
  s.x_rxnotify === 1 && s.x_rxoff === 0 && rxStalled(s, p) && s.x_rxlast > p.rxStallTicks;

/** xenvif_queue_carrier_off, with a stall predicate (variants pass the pre-fix one). */
export const rxCarrierOffRule = (stalled: (s: S, p: P) => boolean = rxStalled): R => ({
  name: 'x_xenvif_queue_carrier_off', actor: 'backend', applies: (p) => p.hostileRx, origin: 'netback',
  doc: 'feature-rx-notify given: not stalled, fewer free slots than needed and no packet delivered for more than stall_timeout: stalled, carrier off (the stack stops sending; the queue drains by expiry)',
  see: 'netback rx.c xenvif_rx_queue_stalled, xenvif_queue_carrier_off (XSA-392, CVE-2021-28714)',
  when: (s, p) => p.hostileRx && s.x_rxnotify === 1 && s.x_rxoff === 0 && stalled(s, p) && s.x_rxlast > p.rxStallTicks,
  then: (d) => { d.x_rxoff = 1; },
});
export const rxCarrierOff: R = rxCarrierOffRule();

export const rxCarrierOn: R = {
  name: 'x_xenvif_carrier_on', actor: 'backend', applies: (p) => p.hostileRx, origin: 'netback',
  doc: 'stalled, and the frontend has the slots the head packet needs (or the queue is empty): carrier on, last_rx_time = now',
  see: 'netback rx.c xenvif_rx_queue_ready, xenvif_queue_carrier_on',
  when: (s, p) => p.hostileRx && s.x_rxnotify === 1 && s.x_rxoff === 1 && s.x_rxs >= rxNeeded(s, p),
  then: (d) => { d.x_rxoff = 0; d.x_rxlast = 0; },
};

// --- time

/** The clock advances: new CPU budget, countdowns, ages of queued receive packets. */
export const makeTick = (backendRules: readonly R[]): R => ({
  name: 'tick', actor: 'clock', origin: 'environment',
  doc: 'one tick: only when the backend can do nothing more now (the rx kthread too: it is modelled as prompt); new CPU budget, timers and lateeoi delays count down, measurement window rolls, queued receive packets and last_rx_time age',
  see: 'jiffies; netback rx.c xenvif_wait_for_rx_work',
  when: (s, p) => !backendRules.some((r) => (r.when ? r.when(s, p, undefined) : true)),
  then: (d, s, p) => tickEffect(d, s, p),
});

export function tickEffect(d: D, s: S, p: P): void {
  const phase = (s.phase + 1) % p.creditUsec;
  d.phase = phase;
  d.cpu = p.cpu;
  for (const g of QUEUES) {
    if (g === 'x1' && s.x_nq === 0) continue; // not asked for: its fields stay as they are
    if (phase === 0) { gs(d, g, 'ww', 0); gs(d, g, 'gw', 0); }
    gs(d, g, 'nc', Math.max(0, gv(s, g, 'nc') - 1));
    const eoi = gv(s, g, 'eoi');
    if (eoi > EOI_DELAY) gs(d, g, 'eoi', eoi - 1 === EOI_DELAY ? EOI_ENABLED : eoi - 1);
  }
  if (s.h_q0 !== 0) d.h_age = Math.min(s.h_age + 1, responseBound(p) + 1);
  if (p.hostileRx) {
    if (rxStallMissed(s, p)) d.x_rxmiss = 1;
    const cap = rxDrain(s, p); // a packet at its expiry is dropped before time passes
    for (let i = 0; i < s.x_rxq; i++) setRxAge(d, i, Math.min(rxAge(s, i) + 1, cap));
    d.x_rxlast = Math.min(s.x_rxlast + 1, p.rxStallTicks + 2);
  }
}

export const guestRules: readonly R[] = [
  honestPush, hostilePush as R, hostileNotify, hostilePushOn('x1') as R, hostileNotifyOn('x1'), hostilePostRxSlot, netRxPacket,
];
/**
 * The backend's rules, with a given refill arithmetic (variants pass a
 * different one): one set per queue (NAPI instance), the hostile guest's
 * queue 1 only when it may ask for two queues.
 */
export const makeBackendRules = (add: AddCredit = netbackAddCredit): readonly R[] =>
  QUEUES.flatMap((g) => [
    txInterrupt(g, add), txConsume(g), txCreditExceededRule(g, add), napiComplete(g), napiBudget(g), creditCallback(g, add), txComplete(g),
  ].map((r) => (g === 'x' ? { ...r, applies: hostileTx } : g === 'x1' ? { ...r, applies: hostileQ1 } : r))).concat([rxAction, rxDropExpired, rxCarrierOff, rxCarrierOn]);
export const backendRules: readonly R[] = makeBackendRules();
export const tick = makeTick(backendRules);
export const limiterRules: readonly R[] = [...guestRules, ...backendRules, tick];

// --- properties

export const L_work: Invariant<S, P> = {
  name: 'L3_work_per_window',
  description: "backend work caused by each guest in a window of credit_usec ticks (requests + bytes + grant copies + events handled) <= max_burst + credit_bytes + 2 (the design's bound: netback's own timer breaks it, a finding; holds with creditTimer=design)",
  see: 'xen-protocols.md §5.2 (backendWork(g, W) <= budget(g)), §5.5 L3; netback tx_add_credit',
  holds: (s, p) => s.h_ww <= workBound(p) && s.x_ww <= workBound(p) && s.x1_ww <= workBound(p),
};
/** The work a guest's queues caused in this window, all queues together. */
export const guestWork = (s: S): number => s.x_ww + s.x1_ww;
export const L_guestWork: Invariant<S, P> = {
  name: 'L3_guest_work_per_window',
  description: "backend work caused by the hostile guest in a window, all its queues together, <= max_burst + credit_bytes + 2: the vif's rate as the dom0 operator set it (xenstore rate, xen_net_read_rate) bounds the guest. netback gives each queue the whole rate (xenbus.c connect), so a guest that asks for n queues gets n times it: violated with maxQueues=2 (a finding)",
  see: 'netback xenbus.c connect (queue->credit_bytes = credit_bytes for every queue), xen_net_read_rate; netback.c xenvif_max_queues',
  holds: (s, p) => guestWork(s) <= workBound(p),
};
export const L_guestWorkQueues: Invariant<S, P> = {
  name: 'L3_guest_work_per_window_per_queue',
  description: 'backend work caused by the hostile guest in a window, all its queues together, <= (its number of queues) * (max_burst + credit_bytes + 2): what a guest gains with n queues is n times the rate, no more (holds with creditTimer=design)',
  see: 'netback xenbus.c connect, multi-queue-num-queues; netback.c tx_credit_exceeded (per queue)',
  holds: (s, p) => guestWork(s) <= queuesOf(s) * workBound(p),
};
export const L_response: Invariant<S, P> = {
  name: 'L4_honest_bounded_response',
  description: 'an honest request waits at most responseBound ticks on the ring before the backend consumes it, whatever the hostile guest does',
  see: 'xen-protocols.md §5.1 (not starving well-behaved guests), §5.5 L4',
  holds: (s, p) => s.h_age <= responseBound(p),
};
export const L_creditRange: Invariant<S, P> = {
  name: 'L1_credit_in_range',
  description: '0 <= remaining_credit <= max_burst for both guests (an unsigned underflow would show as a huge value)',
  see: 'netback.c tx_add_credit, xenvif_tx_build_gops; xen-protocols.md §5.5 L1, L2',
  holds: (s, p) => s.h_rem <= maxBurst(p) && s.x_rem <= maxBurst(p) && s.x1_rem <= maxBurst(p),
};
export const L_noWrap: Invariant<S, P> = {
  name: 'L2_credit_no_overflow',
  description: 'no refill ever left less credit than min(remaining + credit_bytes, max_burst) computed exactly (no wrapped sum)',
  see: 'netback.c tx_add_credit ("Take care that adding a new chunk of credit doesn\'t wrap to zero")',
  holds: (s) => s.wrapped === 0,
};
export const L_pollBudget: Invariant<S, P> = {
  name: 'L6_poll_within_budget',
  description: 'a NAPI poll consumes at most budget packets of a guest',
  see: 'netback "napi: fix abuse of budget" (10574059); xen-protocols.md §5.5 L6',
  holds: (s, p) => s.pc <= p.budget,
};
export const L_inflight: Invariant<S, P> = {
  name: 'L7_max_packets_in_flight',
  description: 'each guest has at most maxPackets packets in flight in the backend (design: SET_MAX_PACKETS; netback bounds it by MAX_PENDING_REQS)',
  see: 'NetChannel2 SET_MAX_PACKETS (xen-protocols.md §5.2); netback MAX_PENDING_REQS',
  holds: (s, p) => s.h_infl <= p.maxPackets && s.x_infl <= p.maxPackets && s.x1_infl <= p.maxPackets,
};
export const L_rxQueue: Invariant<S, P> = {
  name: 'L7_rx_queue_bounded',
  description: 'the receive queue holds less than rx_queue_max + one packet\'s bytes (the tail check is made before a packet is added)',
  see: 'XSA-392 (CVE-2021-28715) xenvif_rx_queue_tail: rx_queue_len >= rx_queue_max drops',
  holds: (s, p) => s.x_rxq * p.rxPacketBytes < p.rxQueueMax + p.rxPacketBytes,
};
export const L_rxDrained: Invariant<S, P> = {
  name: 'L7_rx_drained',
  description: 'no packet stays queued for the guest past its drain_timeout (30 ms without feature-rx-notify): the memory a frontend that takes nothing holds is released',
  see: 'netback rx.c xenvif_rx_queue_drop_expired; XSA-392',
  holds: (s, p) => !p.hostileRx || s.x_rxq === 0 || rxAge(s, 0) <= rxDrain(s, p),
};
export const L_rxStall: Invariant<S, P> = {
  name: 'L7_rx_stall_carrier_off',
  description: 'time never passes while a frontend that gave feature-rx-notify is stalled (fewer free slots than its head packet needs, nothing delivered for more than stall_timeout) with its carrier on: the stall is detected (without feature-rx-notify netback has no stall detection: the drain timeout alone releases memory)',
  see: 'XSA-392 (CVE-2021-28714) xenvif_rx_queue_stalled, xenvif_queue_carrier_off',
  holds: (s) => s.x_rxmiss === 0,
};

export const limiterInvariants = [L_work, L_guestWork, L_guestWorkQueues, L_response, L_creditRange, L_noWrap, L_pollBudget, L_inflight, L_rxQueue, L_rxDrained, L_rxStall] as const;

export const honestServed: Goal<S, P> = {
  name: 'L4_honest_packet_eventually_sent',
  description: 'from every reachable state, a state where the honest guest has no request waiting on its ring is reachable (AG EF): even a packet larger than credit_bytes goes once the credit is full',
  see: 'netback.c tx_add_credit max_burst ("Allow a burst big enough to transmit a jumbo packet"); xen-protocols.md §5.5 L4',
  reached: (s) => s.h_q0 === 0,
};

export const limiterObservables: readonly Observable<S, P>[] = [
  {
    name: 'asymmetry_hostile',
    description: 'backend work / guest-supplied work for the hostile guest in a window (backend: requests + bytes + grant copies + events handled; guest: slots written + bytes + events sent); NaN in windows with no work',
    value: (s) => (s.x_gw + s.x1_gw === 0 ? NaN : guestWork(s) / (s.x_gw + s.x1_gw)),
  },
  { name: 'work_per_window_hostile', description: 'backend work units caused by the hostile guest in the current window, all its queues together', value: (s) => guestWork(s) },
  { name: 'honest_wait_ticks', description: 'ticks the honest request has waited on the ring', value: (s) => s.h_age },
  { name: 'rx_queue_len', description: 'bytes queued for the hostile guest (rx_queue_len)', value: (s, p) => s.x_rxq * p.rxPacketBytes },
];

// --- the model

export const limiter = defineModel<S, P>({
  views: limiterViews,
  name: 'limiter',
  description: "asymmetry limiter on netback: netback's credit scheduler (its own timer by default; creditTimer=design: ours), NAPI budget, lateeoi, XSA-392 rx bounds, plus our design (SET_MAX_PACKETS, work charge, credit-costing spurious events; each rule's origin below); one honest and one hostile guest",
  see: 'xen-protocols.md §5; drivers/net/xen-netback/netback.c; seed 004 (NetChannel2); docs/models/limiter.md',
  params: limiterParams,
  // docs/vectors.md: the suite at the bounds it was written at (the check defaults are hostileRing=2 since 2026-12-05, creditUsec=2 since 2026-12-07)
  vectorParams: { hostileRing: 1, creditUsec: 1 },
  init: limiterInits,
  rules: limiterRules,
  invariants: limiterInvariants,
  layout: limiterLayout,
  observables: limiterObservables,
  goals: [honestServed],
  // netback's own timer arithmetic (creditTimer=netback, the default) breaks the one-refill-per-window bound (docs/models/limiter.md)
  // with maxQueues=2, each queue's full rate: the guest gets twice the vif's rate (L3_guest_work_per_window, docs/models/limiter.md)
  findings: ['L3_work_per_window', 'L3_guest_work_per_window'],
  // npm start: the default run stops at netback's L3 finding (depth 21; 18 at creditUsec=1); this one explores the whole space with the design's timer
  checkAll: [
    { params: { creditTimer: 'design' },
      why: "our design's credit timer (one refill per window) against the same hostile guest: L3 and every other property verify over the whole space (the default run, netback's timer, stops at finding L3 in 22 steps)" },
  ],
});

/**
 * The limiter's receive side as a built-in of its own (`npm start` checks it):
 * the same model with `hostileRx=true` and the hostile guest's TX off
 * (`hostile=false`; the honest guest still transmits). The receive side shares
 * only the clock with the TX side (a tick waits for every backend step, the rx
 * kthread's too), and the TX side can always be idle, so its reachable
 * receive-side states are those of the whole product (docs/models/limiter.md).
 */
export const limiterRxParams = defineParams(
  {
    ...limiterSpecs,
    hostile: boolParam({ ...limiterSpecs.hostile, default: false }),
    hostileRx: boolParam({ ...limiterSpecs.hostileRx, default: true }),
    // since 2026-12-07 (issue 11 point 5; 2 and 2 before, where the vectors stay): the stall timeout longer than the drain
    // timeout, as netback's (rx_stall_timeout_msecs 60000 > rx_drain_timeout_msecs 10000, netback.c), and three packets queued
    rxStallTicks: intParam({ ...limiterSpecs.rxStallTicks, default: 3 }),
    rxQueueMax: intParam({ ...limiterSpecs.rxQueueMax, default: 3 }),
  },
  validateLimiter,
);
export const limiterRx = defineModel<S, P>({
  ...limiter,
  name: 'limiter-rx',
  description: "the limiter's receive side as netback runs it after XSA-392 (byte limit with tail drop, drain timeout, carrier off on stall, no stall detection without feature-rx-notify, which the hostile frontend chooses); the hostile guest's TX off, the honest guest's on",
  see: 'netback rx.c, interface.c xenvif_start_xmit, xenbus.c read_xenbus_vif_flags; XSA-392; docs/models/limiter.md',
  params: limiterRxParams,
  // docs/vectors.md: the suite at the bounds it was written at (rxStallTicks=3 rxQueueMax=3 are the check defaults since 2026-12-07)
  vectorParams: { hostileRing: 1, creditUsec: 1, rxStallTicks: 2, rxQueueMax: 2 },
  findings: [],
  checkAll: [], // the limiter's design-timer run is the TX side's
});

/**
 * For variants that change backend rules: the `replace` map of deriveModel
 * with, in addition, a `tick` rebuilt over the changed backend rules (a tick
 * happens only when no backend rule is enabled, so it must see the new guards).
 */
export function replaceBackend(replace: Readonly<Record<string, R>>): Record<string, R> {
  const rules = backendRules.map((r) => replace[r.name] ?? r);
  return { ...replace, tick: makeTick(rules) };
}
