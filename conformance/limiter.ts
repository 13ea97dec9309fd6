/**
 * Limiter vectors at the level of netback's credit scheduler and queues
 * (docs/vectors.md, "limiter").
 *
 * After every step, for each guest `g` (`h` honest, `x` hostile):
 * `g_remaining_credit` (queue->remaining_credit), `g_credit_timeout` (the
 * credit_timeout timer is pending), `g_tx_requests` (requests on the TX ring,
 * not consumed), `g_in_flight` (consumed, not answered: SET_MAX_PACKETS), and
 * for the hostile guest's receive side `x_rx_queue` (packets queued),
 * `x_rx_queue_len` (bytes queued) and `x_carrier` (carrier on) when the model
 * has it (`hostileRx`). What the step
 * itself did: `packets_sent` (packets consumed from a TX ring by this step, 0
 * or 1) with their `charge` (credit taken: size + 2 * slots + 1), and
 * `credit_refills`: the tx_add_credit calls of the step, each `{guest, from,
 * to}` (remaining_credit before and after the refill).
 *
 * Arguments: the guest a step concerns (`guest`), and for a packet its
 * `size`, `slots` and `charge` (the hostile guest's choice of packet, the head
 * packet a backend step considers). `params` carry the credit parameters
 * (credit_bytes, credit_usec, the scaled 128 KiB burst, the word width).
 */
import type { Json } from './format.js';
import { registerHooks, type Boundary, type Obs, type VectorHooks } from './hooks.js';
import {
  EOI_AWAIT_REFILL, chargeOf, headKind, kindsOf, maxBurst, windowPassed, wordMax, type Guest, type LimiterParams, type LimiterState,
} from '../model/limiter.js';

type S = LimiterState;
type P = LimiterParams;

const G: readonly Guest[] = ['h', 'x'];
const rec = (s: S): Record<string, number> => s as unknown as Record<string, number>;
const f = (s: S, g: Guest, k: string): number => rec(s)[`${g}_${k}`]!;

/** The guest a rule concerns, from its name (`h_...`, `x_...`), if any. */
export const guestOf = (rule: string): Guest | undefined => (rule.startsWith('h_') ? 'h' : rule.startsWith('x_') ? 'x' : undefined);

export function limiterFigures(s: S, p: P): Record<string, Json> {
  const o: Record<string, Json> = {};
  for (const g of G) {
    o[`${g}_remaining_credit`] = f(s, g, 'rem');
    o[`${g}_credit_timeout`] = f(s, g, 'tmr') === 1;
    o[`${g}_tx_requests`] = (f(s, g, 'q0') !== 0 ? 1 : 0) + (f(s, g, 'q1') !== 0 ? 1 : 0);
    o[`${g}_in_flight`] = f(s, g, 'infl');
  }
  if (p.hostileRx) {
    o.x_rx_queue = s.x_rxq;
    o.x_rx_queue_len = s.x_rxq * p.rxPacketBytes;
    o.x_carrier = s.x_rxoff === 0;
  }
  return o;
}

interface Refill { guest: Guest; from: number; to: number }

/** The tx_add_credit calls a step made, read off the rule and the states around it. */
export function refillsOf(rule: string, pre: S, post: S, p: P): Refill[] {
  const g = guestOf(rule);
  if (!g) return [];
  const passed = windowPassed(pre, g, p) && f(pre, g, 'tmr') === 0;
  const from = f(pre, g, 'rem');
  if (rule === `${g}_xenvif_tx_credit_callback`) return [{ guest: g, from, to: f(post, g, 'rem') }];
  if (rule === `${g}_tx_credit_exceeded` && passed) return [{ guest: g, from, to: f(post, g, 'rem') }];
  if (rule === `${g}_xenvif_tx_interrupt` && f(pre, g, 'q0') === 0 && from === 0 && passed) {
    // a spurious event with no credit: refill, then one unit charged unless it still does not fit
    const charged = f(post, g, 'eoi') === EOI_AWAIT_REFILL ? 0 : 1;
    return [{ guest: g, from, to: f(post, g, 'rem') + charged }];
  }
  return [];
}

const consumed = (rule: string): boolean => /^[hx]_xenvif_tx_build_gops$/.test(rule);

const observe = (rule: string, pre: S, post: S, p: P): Obs => {
  const g = guestOf(rule);
  const sent = g && consumed(rule) ? 1 : 0;
  const k = g && sent ? headKind(pre, g, p) : undefined;
  return {
    packets_sent: sent,
    ...(k ? { charge: chargeOf(k.size, k.slots) } : {}),
    credit_refills: refillsOf(rule, pre, post, p) as unknown as Json,
    ...limiterFigures(post, p),
  };
};

const args = (rule: string, pre: S, p: P, choice: unknown): Obs | undefined => {
  const g = guestOf(rule);
  if (rule === 'x_push_request' && typeof choice === 'number') {
    const k = kindsOf(p)[choice]!;
    return { guest: 'x', size: k.size, slots: k.slots, charge: chargeOf(k.size, k.slots) };
  }
  if (rule === 'h_RING_PUSH_REQUESTS_AND_CHECK_NOTIFY') return { guest: 'h', size: p.honestSize, slots: p.honestSlots, charge: chargeOf(p.honestSize, p.honestSlots) };
  if (!g) return undefined;
  const k = headKind(pre, g, p);
  return k ? { guest: g, size: k.size, slots: k.slots, charge: chargeOf(k.size, k.slots) } : { guest: g };
};

const refill = (x: Obs): Refill | undefined => ((x.credit_refills as unknown as Refill[] | undefined) ?? [])[0];

/** The receive side's boundaries are searched with it on (the limiter's default leaves it out; limiter-rx has it). */
const rxOn = (p: P): P => (p.hostileRx ? p : { ...p, hostileRx: true, hostile: false });

export const limiterBoundaries: readonly Boundary<S, P>[] = [
  { name: 'credit-exceeded', reason: 'a packet larger than remaining_credit: tx_credit_exceeded arms credit_timeout, the request stays on the ring',
    hits: (v) => /_tx_credit_exceeded$/.test(v.rule) && v.obs[`${guestOf(v.rule)}_credit_timeout`] === true && !(v.pre as unknown as Record<string, number>)[`${guestOf(v.rule)}_tmr`] },
  { name: 'credit-callback', reason: 'credit_timeout fires: xenvif_tx_credit_callback refills', hits: (v) => /_xenvif_tx_credit_callback$/.test(v.rule) },
  { name: 'refill-in-window', reason: 'tx_credit_exceeded after the window passed: tx_add_credit refills and the packet fits',
    hits: (v) => /_tx_credit_exceeded$/.test(v.rule) && refill(v.obs) !== undefined && v.obs[`${guestOf(v.rule)}_credit_timeout`] === false },
  { name: 'refill-max-burst', reason: 'a refill clamped at max_burst = max(131072, credit_bytes) (scaled)',
    hits: (v, p) => { const r = refill(v.obs); return !!r && r.to === maxBurst(p) && r.from + p.creditBytes > maxBurst(p); } },
  { name: 'refill-wraps', reason: 'remaining_credit + credit_bytes wraps the word: clamped to ULONG_MAX before max_burst',
    hits: (v, p) => { const r = refill(v.obs); return !!r && r.from + p.creditBytes > wordMax(p); },
    params: (p) => ({ ...p, wordBits: 3, burst: 7, creditBytes: 7 }) },
  { name: 'burst-packet', reason: 'a packet whose charge exceeds credit_bytes is sent once the credit is full (max_burst)',
    hits: (v, p) => consumed(v.rule) && typeof v.obs.charge === 'number' && v.obs.charge > p.creditBytes },
  { name: 'spurious-refill', reason: 'a spurious event with no credit left: refilled then charged one unit',
    hits: (v) => /_xenvif_tx_interrupt$/.test(v.rule) && refill(v.obs) !== undefined },
  { name: 'rx-stall-carrier-off', reason: 'the hostile guest posts too few RX slots for stall_timeout: carrier off, the queue is kept (XSA-392)',
    params: rxOn,
    hits: (v) => v.rule === 'x_xenvif_queue_carrier_off' },
  { name: 'rx-drop-expired', reason: 'a queued packet reaches its drain_timeout: xenvif_rx_queue_drop_expired drops it',
    params: rxOn,
    hits: (v) => v.rule === 'x_xenvif_rx_queue_drop_expired' && (v.pre as S).x_rxnotify === 1 },
  { name: 'rx-no-notify-drain', reason: 'a frontend without feature-rx-notify (no stall detection): its packets are dropped at the 30 ms drain timeout',
    params: rxOn,
    hits: (v) => v.rule === 'x_xenvif_rx_queue_drop_expired' && (v.pre as S).x_rxnotify === 0 },
  { name: 'rx-tail-full', reason: 'rx_queue_len reached rx_queue_max: the next packet would be dropped at the tail',
    params: rxOn,
    hits: (v, p) => v.rule === 'xenvif_start_xmit' && (v.obs.x_rx_queue as number) * p.rxPacketBytes >= p.rxQueueMax },
  { name: 'max-packets', reason: 'SET_MAX_PACKETS reached: the poll completes with requests still on the ring',
    hits: (v, p) => /_napi_complete_done$/.test(v.rule) && v.obs[`${guestOf(v.rule)}_tx_requests`] !== 0 && v.obs[`${guestOf(v.rule)}_in_flight`] === p.maxPackets },
];

/** The default graph is large (the product with the receive side 240 times more); its first 20000 states (BFS order) reach every rule and boundary. */
export const LIMITER_MAX_STATES = 20_000;

export const limiterHooks: VectorHooks<S, P> = { observe, args, boundaries: limiterBoundaries, maxStates: LIMITER_MAX_STATES };

registerHooks('limiter', limiterHooks);
