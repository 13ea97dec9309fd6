/**
 * `xenbus-flat`: the `xenbus` model (model/xenbus.ts with model/xenstore.ts) at
 * the point bench/nested.ts's xenbus4 and xenbus5 check (Linux netfront `new`
 * against Linux netback `new`, Linux 6.12's xenbus core, no hostile peer, no
 * XDP attach, no driver domain restart), written word-level: the state is a
 * flat record of small integers (a `layout`) and every rule is integer code
 * on it, so the checker runs it on its flat path. Same rule names, the same
 * invariants and goals (names, readings, sources) and valid ends as xenbus.ts;
 * xenbus.ts and xenstore.ts are the reference, and the functions below follow
 * theirs one for one (netbackProbeEffect, setBackendState, talkToNetback,
 * xsWrite, xsWatch, ...), with Xen's and Linux's names.
 *
 * Cover (anything else is refused with one line): `frontend=new`,
 * `backend=new`, `frontendQueues=2`, `backendMaxQueues=2`, `bus=6.12`,
 * `backendWatchDrop=pending`, `txnConflicts=any`, `reconfigure=0`,
 * `backendRestart=0`, `hotplugFail=0`, `malformedPacket=0`, `xmit=false`; the
 * other budgets (events up to 6, guestClose, reconnect, unplug, migrate, the
 * fatal errors, spurious, initTimeout), `slowFrontend`, `forcedRemoval` and
 * the quotas as xenbus takes them: xenbus's defaults are inside, and
 * `check xenbus` there runs this model (cli/fastPath.ts). Its defaults are bench/nested.ts's xenbus4
 * (`events=4 guestClose=1 reconnect=1`). test/xenbusFlat.test.ts checks that
 * its reachable states, mapped by {@link toNested}, are exactly xenbus's.
 *
 * Encoding (what the cover lets collapse):
 * - xenstore nodes: the `state` nodes as XenbusState + 1 (0: no node);
 *   `online` 0/1 ('1')/2 ('0'); `hotplug-status` a bit ('connected'). The
 *   backend's seven probe keys (feature-*, feature-split-event-channels,
 *   multi-queue-max-queues) are written together by netback_probe and removed
 *   only with the directory: one bit. Netfront's committed keys
 *   (queue-N/{tx,rx}-ring-ref, event-channel-{tx,rx}, the feature requests)
 *   likewise: one bit, with `multi-queue-num-queues` its own bit and each
 *   queue's committed ring ref (tx-ring-ref = 2g, rx-ring-ref = 2g+1); the
 *   frontend's `xdp-headroom` ("0": no XDP at this point) a bit.
 * - the watch list as one word, token ids in list order (3 bits each: the
 *   order decides the order events queue in); each owner's event queue as one
 *   word (a digit per queued token, head in the low digit).
 * - netfront's key transaction: open (= fe.txn), conflict, and whether it
 *   wrote multi-queue-num-queues; its writes are the ring refs the queues
 *   grant (they do not change while it is open).
 * - what the same code paths always set and clear together is kept once:
 *   a queue's event channel and NAPI instance go with its grant (`gref`),
 *   its binding, guest-rx kthread and task reference with its mapping
 *   (`map`); each side's split event channels with its queue count (2), the
 *   backend's features in use with its connection (`be.nq` > 0). The budgets
 *   share one word ({@link L_guestClose} ...); the one-bit fields share one ({@link XenbusFlatState.flags}).
 *   26 fields in 180 bits, ordered to fill 6 words (43 fields in 7 words before 2026-12-07e).
 *
 * @see model/xenbus.ts (the reference), model/xenstore.ts
 * @see docs/perf/2026-12-07c-words.md
 */
import { defineModel, type Goal, type Invariant, type Layout, type Observable, type Rule } from './core.js';
import { wordLevelRule } from './wordLevel.js';
import type { ParamSpace } from './params.js';
import {
  xenbus, BE, DRIVER_DOMAIN, FE, GUEST, NETIF_FEATURES, TXN_FE, W_BE_BUS, W_BE_BUS_RM, W_BE_HOTPLUG, W_BE_OTHEREND, W_FE_BUS, W_FE_BUS_RM, W_FE_OTHEREND,
  X1, X2, X3, X4, X5, X6, X7, X8, X9, X11, X12, X13, X14, X15, X16, X17, X18, X19,
  XenbusStateClosed, XenbusStateClosing, XenbusStateConnected, XenbusStateInitWait, XenbusStateInitialising, XenbusStateReconfigured, XenbusStateUnknown,
  queueDir, rxPort, rxRef, txPort, txRef, xenbusObservables, xenbusParams, xenbusRules,
  type Budget, type BackendState, type FrontendState, type QueueRes, type XenbusModelState, type XenbusParams,
} from './xenbus.js';
import type { XsTxn, XsWatch } from './xenstore.js';

type P = XenbusParams;

// --- parameters: xenbus's, with xenbus4 as defaults and the cover checked

/** Why `p` is outside what this model covers (one line), or undefined. */
export function flatCover(p: P): string | undefined {
  const out: string[] = [];
  const want = <K extends keyof P>(k: K, v: P[K]) => { if (p[k] !== v) out.push(`${String(k)}=${String(p[k])} (only ${String(v)})`); };
  want('frontend', 'new'); want('backend', 'new'); want('frontendQueues', 2); want('backendMaxQueues', 2); want('bus', '6.12');
  want('backendWatchDrop', 'pending'); want('txnConflicts', 'any'); want('reconfigure', 0); want('backendRestart', 0);
  want('hotplugFail', 0); want('malformedPacket', 0); want('xmit', false);
  // the event queues' words hold 14 (guest) and 10 (driver domain) events: at events=6 with every budget at 3 the
  // longest are 10 and 8 (1,834,510 states, 2026-12-07)
  if (p.events > 6) out.push(`events=${p.events} (at most 6)`);
  return out.length ? `xenbus-flat covers xenbus between Linux netfront and netback (new), 6.12, no XDP attach or driver domain restart only; not covered: ${out.join(', ')}` : undefined;
}

const DEFAULTS: Partial<Record<keyof P, unknown>> = { events: 4, guestClose: 1, reconnect: 1 };
export const xenbusFlatParams: ParamSpace<P> = {
  ...xenbusParams,
  specs: Object.fromEntries(Object.entries(xenbusParams.specs).map(([k, s]) => [k, k in DEFAULTS ? { ...s, default: DEFAULTS[k as keyof P] } : s])) as typeof xenbusParams.specs,
  defaults: { ...xenbusParams.defaults, ...DEFAULTS } as P,
  validate: (p) => xenbusParams.validate?.(p) ?? flatCover(p),
};

// --- encoding

/** Watch tokens (ids 1..7), as xenbus.ts names them; each with its owner, path, drop policy and `fires`. */
export const T_FE_OTHEREND = 1, T_BE_OTHEREND = 2, T_BE_HOTPLUG = 3, T_FE_BUS = 4, T_FE_BUS_RM = 5, T_BE_BUS = 6, T_BE_BUS_RM = 7;
const TOKENS = ['', W_FE_OTHEREND, W_BE_OTHEREND, W_BE_HOTPLUG, W_FE_BUS, W_FE_BUS_RM, W_BE_BUS, W_BE_BUS_RM] as const;
const WATCH: readonly (XsWatch | undefined)[] = [
  undefined,
  { token: W_FE_OTHEREND, path: BE + '/state', owner: GUEST },
  { token: W_BE_OTHEREND, path: FE + '/state', owner: DRIVER_DOMAIN, drop: 'pending' },
  { token: W_BE_HOTPLUG, path: `${BE}/hotplug-status`, owner: DRIVER_DOMAIN },
  { token: W_FE_BUS, owner: GUEST, path: 'device', fires: 'write', drop: 'pending' },
  { token: W_FE_BUS_RM, owner: GUEST, path: FE, fires: 'rm', drop: 'pending' },
  { token: W_BE_BUS, owner: DRIVER_DOMAIN, path: 'backend', fires: 'write', drop: 'pending' },
  { token: W_BE_BUS_RM, owner: DRIVER_DOMAIN, path: BE, fires: 'rm', drop: 'pending' },
];
const isGuest = (t: number): boolean => t === T_FE_OTHEREND || t === T_FE_BUS || t === T_FE_BUS_RM;
/** A token's digit in its owner's queue (guest: 1..3, driver domain: 1..4). */
const QCODE = [0, 1, 1, 2, 2, 3, 3, 4];
const GUEST_Q = [0, T_FE_OTHEREND, T_FE_BUS, T_FE_BUS_RM];
const BACK_Q = [0, T_BE_OTHEREND, T_BE_HOTPLUG, T_BE_BUS, T_BE_BUS_RM];
/** Queue digits: 2 bits (guest), 3 bits (driver domain). */
const QBITS_G = 2, QBITS_B = 3;
const QMAX = 14;

/** xenstore.ts `under`. */
const under = (path: string, dir: string): boolean => path === dir || (path.length > dir.length && path[dir.length] === '/' && path.startsWith(dir));
/** Tokens (as a bit set) a write of `path` fires (xenstore.ts fireWrite; no perms at this point). */
const writeMask = (path: string): number => {
  let m = 0;
  for (let t = 1; t <= 7; t++) { const w = WATCH[t]!; if (w.fires !== 'rm' && under(path, w.path)) m |= 1 << t; }
  return m;
};
/** Tokens the removal of `path` fires (xenstore.ts fireRm). */
const rmMask = (path: string): number => {
  let m = 0;
  for (let t = 1; t <= 7; t++) {
    const w = WATCH[t]!;
    if (w.fires === 'write') continue;
    if (under(w.path, path) || (w.fires !== 'rm' && under(path, w.path))) m |= 1 << t;
  }
  return m;
};
const WR_FE_STATE = writeMask(`${FE}/state`), WR_FE_KEY = writeMask(`${FE}/queue-0/tx-ring-ref`), WR_FE_XDP = writeMask(`${FE}/xdp-headroom`);
const WR_BE_STATE = writeMask(`${BE}/state`), WR_BE_ONLINE = writeMask(`${BE}/online`), WR_BE_HOTPLUG = writeMask(`${BE}/hotplug-status`);
const WR_BE_KEY = writeMask(`${BE}/feature-rx-copy`);
const RM_BE = rmMask(BE), RM_FE = rmMask(FE), RM_BE_HOTPLUG = rmMask(`${BE}/hotplug-status`);

/** fe.probe, fe.remove, ts.phase as numbers (xenbus.ts's strings in this order). */
const PROBE = ['none', 'xenwatch', 'modprobe'] as const;
const REMOVE = ['none', 'closing', 'closed'] as const;
const PHASE = ['none', 'plugged', 'unplugging', 'removed'] as const;
const PR_NONE = 0, PR_XENWATCH = 1, PR_MODPROBE = 2;
const RM_NONE = 0, RM_CLOSING = 1, RM_CLOSED = 2;
const PH_NONE = 0, PH_PLUGGED = 1, PH_UNPLUGGING = 2, PH_REMOVED = 3;
/** Feature bits, NETIF_FEATURES's order (rx-copy, sg, gso-tcpv4, ipv6-csum-offload, xdp-headroom). */
const F_ALL = (1 << NETIF_FEATURES.length) - 1;
const F_XDP = 1 << NETIF_FEATURES.findIndex((f) => f.name === 'xdp-headroom');
const F_FLAGS = F_ALL & ~F_XDP;

/**
 * The budgets in one word ({@link XenbusFlatState.left}): `events` in bits 0-3 (at most 12), each kind in
 * two bits (at most 3) at its multiplier below.
 */
export const L_guestClose = 1 << 4, L_reconnect = 1 << 6, L_unplug = 1 << 8, L_migrate = 1 << 10, L_frontendFatal = 1 << 12,
  L_backendFatal = 1 << 14, L_spurious = 1 << 16, L_initTimeout = 1 << 18;
const L_BITS = 20;
type Kind = typeof L_guestClose;
/** A budget of the word (Budget's field). */
const budget = (left: number, k: number): number => (left / k) & 3;
const eventsLeft = (left: number): number => left & 15;

/**
 * The one-bit fields, bits of {@link XenbusFlatState.flags}, by their xenbus.ts names: the xenstore nodes
 * `multi-queue-num-queues`, `xdp-headroom`, `hotplug-status` and the backend's probe keys; netfront's key
 * transaction (conflict, wrote multi-queue-num-queues); FrontendState's bus, inst, txn, netdev, open, wake,
 * oops; BackendState's inst, hotplugSeen, keysRead, bug; the toolstack's uevent. Read as `(s.flags >>> K) & 1`.
 */
const K_N_FE_MQ = 0, K_N_FE_XDP = 1, K_N_BE_HOTPLUG = 2, K_N_BE_KEYS = 3, K_TXN_CONFLICT = 4, K_TXN_MQ = 5,
  K_FE_BUS = 6, K_FE_INST = 7, K_FE_TXN = 8, K_FE_NETDEV = 9, K_FE_OPEN = 10, K_FE_WAKE = 11, K_FE_OOPS = 12,
  K_BE_INST = 13, K_BE_HOTPLUG_SEEN = 14, K_BE_KEYS_READ = 15, K_BE_BUG = 16, K_TS_UEVENT = 17;
const FLAG_BITS = 18;
/** FrontendState's one-bit fields (bus, inst, txn, netdev, open, wake, oops); BackendState's (inst, hotplugSeen, keysRead, bug). */
const FE_FLAGS = (1 << K_FE_BUS) | (1 << K_FE_INST) | (1 << K_FE_TXN) | (1 << K_FE_NETDEV) | (1 << K_FE_OPEN) | (1 << K_FE_WAKE) | (1 << K_FE_OOPS);
const BE_FLAGS = (1 << K_BE_INST) | (1 << K_BE_HOTPLUG_SEEN) | (1 << K_BE_KEYS_READ) | (1 << K_BE_BUG);
/** One-bit field k of `s` (0 or 1). */
const fl = (s: XenbusFlatState, k: number): number => (s.flags >>> k) & 1;
/** netfront registered its net_device (FrontendState.netdev), for tests. */
export const feNetdev = (s: XenbusFlatState): boolean => fl(s, K_FE_NETDEV) === 1;

/**
 * The state, the layout's fields in its order (see the file's doc): 26 fields in 6 words, each word's
 * fields on one line.
 */
export interface XenbusFlatState {
  ev_back: number; fe_probe: number;
  ev_guest: number; n_fe_state: number;
  watches: number; n_fe_g0: number; n_fe_g1: number; n_be_state: number;
  left: number; fe_dev: number; be_state: number; be_dev: number;
  flags: number; q0_gref: number; q0_deferred: number; q0_map: number; n_be_online: number; fe_remove: number;
  q1_gref: number; q1_deferred: number; q1_map: number; fe_queues: number; fe_nq: number; fe_features: number; be_nq: number; ts_phase: number;
}
type S = XenbusFlatState;
type R = Rule<S, P, any>;

/**
 * xenstore: n_fe_state, n_be_state (XenbusState + 1, 0: no node), n_be_online (0 none, 1 '1', 2 '0'),
 * n_fe_g0/g1 (the committed ring refs + 1), watches, ev_guest, ev_back; netfront (FrontendState): fe_*;
 * netback (BackendState): be_*; the toolstack: ts_phase; the queues (QueueRes): a ref as ref + 1, 0 for null;
 * the budgets (Budget): left, events in bits 0-3, each kind in two bits at L_*; the one-bit fields: flags.
 * Ordered so that they fill 6 words (a field never straddles two).
 */
export const xenbusFlatLayout = (p: P): Layout => {
  const f = (name: keyof S, bits: number) => ({ name, bits });
  return [
    f('ev_back', 30), f('fe_probe', 2),
    f('ev_guest', 2 * QMAX), f('n_fe_state', 4),
    f('watches', 21), f('n_fe_g0', 3), f('n_fe_g1', 3), f('n_be_state', 4),
    f('left', L_BITS), f('fe_dev', 4), f('be_state', 4), f('be_dev', 4),
    f('flags', FLAG_BITS), f('q0_gref', 3), f('q0_deferred', 3), f('q0_map', 3), f('n_be_online', 2), f('fe_remove', 2),
    f('q1_gref', 3), f('q1_deferred', 3), f('q1_map', 3), f('fe_queues', 2), f('fe_nq', 2), f('fe_features', NETIF_FEATURES.length), f('be_nq', 2), f('ts_phase', 2),
  ];
};

/** xenbus.ts xenbusInit: the bus watches of both kernels (FE_BUS, BE_BUS), nothing else (keys in the layout's order). */
export const xenbusFlatInit = (p: P): S => ({
  ev_back: 0, fe_probe: 0,
  ev_guest: 0, n_fe_state: 0,
  watches: T_FE_BUS + T_BE_BUS * 8, n_fe_g0: 0, n_fe_g1: 0, n_be_state: 0,
  left: p.events + p.guestClose * L_guestClose + p.reconnect * L_reconnect + p.unplug * L_unplug + p.migrate * L_migrate +
    p.frontendFatal * L_frontendFatal + p.backendFatal * L_backendFatal + p.spurious * L_spurious + p.initTimeout * L_initTimeout,
  fe_dev: 0, be_state: 0, be_dev: 0,
  flags: 0, q0_gref: 0, q0_deferred: 0, q0_map: 0, n_be_online: 0, fe_remove: 0,
  q1_gref: 0, q1_deferred: 0, q1_map: 0, fe_queues: 0, fe_nq: 0, fe_features: 0, be_nq: 0, ts_phase: 0,
});

// --- xenstore (xenstore.ts on these words)

const feNode = (s: S): number => (s.n_fe_state === 0 ? 0 : s.n_fe_state - 1);
const beNode = (s: S): number => (s.n_be_state === 0 ? 0 : s.n_be_state - 1);
const feExists = (s: S): boolean => s.n_fe_state !== 0 || s.n_fe_g0 !== 0 || fl(s, K_N_FE_MQ) !== 0 || fl(s, K_N_FE_XDP) !== 0;
const beExists = (s: S): boolean => s.n_be_online !== 0 || s.n_be_state !== 0 || fl(s, K_N_BE_HOTPLUG) !== 0 || fl(s, K_N_BE_KEYS) !== 0;

const watching = (s: S, t: number): boolean => {
  for (let w = s.watches; w !== 0; w >>>= 3) if ((w & 7) === t) return true;
  return false;
};
/** xsPending: the token is watched and heads its owner's queue. */
const pending = (s: S, t: number): boolean => {
  const head = isGuest(t) ? s.ev_guest & 3 : s.ev_back & 7;
  return head === QCODE[t] && watching(s, t);
};
const qHas = (q: number, bits: number, c: number): boolean => {
  const m = (1 << bits) - 1;
  for (; q !== 0; q >>>= bits) if ((q & m) === c) return true;
  return false;
};
const qPush = (q: number, bits: number, c: number): number => {
  let n = 0;
  for (let r = q; r !== 0; r >>>= bits) n++;
  if (n >= (bits === QBITS_G ? QMAX : 10)) throw new Error('xenbus-flat: an event queue longer than the layout holds');
  return q | (c << (n * bits));
};
const qFilter = (q: number, bits: number, c: number): number => {
  const m = (1 << bits) - 1;
  let out = 0, n = 0;
  for (; q !== 0; q >>>= bits) { const x = q & m; if (x !== c) { out |= x << (n * bits); n++; } }
  return out;
};
/** xenstore.ts queue(): the drop policy, then the event. */
function queue(d: S, t: number): void {
  const drop = WATCH[t]!.drop;
  if (isGuest(t)) {
    if (drop === 'pending' && qHas(d.ev_guest, QBITS_G, QCODE[t]!)) return;
    d.ev_guest = qPush(d.ev_guest, QBITS_G, QCODE[t]!);
  } else {
    if (drop === 'pending' && qHas(d.ev_back, QBITS_B, QCODE[t]!)) return;
    d.ev_back = qPush(d.ev_back, QBITS_B, QCODE[t]!);
  }
}
/** fireWrite / fireRm: every watched token of `mask`, in the watch list's order. */
function fire(d: S, mask: number): void {
  for (let w = d.watches; w !== 0; w >>>= 3) if (mask & (1 << (w & 7))) queue(d, w & 7);
}
/** conflictWith at txnConflicts=any: any committed change fails netfront's open transaction. */
const conflict = (d: S): void => { if (fl(d, K_FE_TXN)) d.flags |= 1 << K_TXN_CONFLICT; };
/** xsWrite of a node whose field is set by `set`, firing `mask`. */
function write(d: S, mask: number): void { fire(d, mask); conflict(d); }
function xsUnwatch(d: S, t: number): void {
  let out = 0, mul = 1, found = false;
  for (let w = d.watches; w !== 0; w >>>= 3) { if ((w & 7) === t) { found = true; continue; } out += (w & 7) * mul; mul *= 8; }
  if (!found) return;
  d.watches = out;
  if (isGuest(t)) d.ev_guest = qFilter(d.ev_guest, QBITS_G, QCODE[t]!);
  else d.ev_back = qFilter(d.ev_back, QBITS_B, QCODE[t]!);
}
/** xsWatch: re-registered at the end of the list; its first event unless `initial` is false. */
function xsWatch(d: S, t: number, initial = true): void {
  xsUnwatch(d, t);
  let mul = 1;
  for (let w = d.watches; w !== 0; w >>>= 3) mul *= 8;
  d.watches += t * mul;
  if (initial) queue(d, t);
}
function xsDeliver(d: S, guest: boolean): void {
  if (guest) d.ev_guest >>>= QBITS_G;
  else d.ev_back >>>= QBITS_B;
}
function rmBE(d: S): void {
  if (!beExists(d)) return;
  d.n_be_online = 0; d.n_be_state = 0; d.flags &= ~(1 << K_N_BE_HOTPLUG); d.flags &= ~(1 << K_N_BE_KEYS);
  fire(d, RM_BE); conflict(d);
}
function rmFE(d: S): void {
  if (!feExists(d)) return;
  d.n_fe_state = 0; d.flags &= ~(1 << K_N_FE_MQ); d.n_fe_g0 = 0; d.n_fe_g1 = 0; d.flags &= ~(1 << K_N_FE_XDP);
  fire(d, RM_FE); conflict(d);
}
const setFeState = (d: S, v: number): void => { d.n_fe_state = v + 1; write(d, WR_FE_STATE); };
const setBeState = (d: S, v: number): void => { d.n_be_state = v + 1; write(d, WR_BE_STATE); };
const setOnline = (d: S, one: boolean): void => { d.n_be_online = one ? 1 : 2; write(d, WR_BE_ONLINE); };

// --- the xenbus core and netback (xenbus.ts's functions)

/** busDevice at bus=6.12 (no reprobe). */
function busDevice(d: S, guest: boolean, exists: boolean, initial = false): void {
  const on = guest ? T_FE_BUS_RM : T_BE_BUS_RM;
  const off = guest ? T_FE_BUS : T_BE_BUS;
  const reg = exists ? on : off;
  xsUnwatch(d, exists ? off : on);
  if (!watching(d, reg) || initial) xsWatch(d, reg, initial);
}

/** xenbus_switch_state (6.12): no-op when dev->state is already `state`; writes the node only while it exists. */
function switchState(d: S, fe: boolean, state: number): void {
  if (fe) {
    if (d.fe_dev === state) return;
    d.fe_dev = state;
    if (d.n_fe_state !== 0) setFeState(d, state);
  } else {
    if (d.be_dev === state) return;
    d.be_dev = state;
    if (d.n_be_state !== 0) setBeState(d, state);
  }
}
function backendSwitchState(d: S, state: number): void {
  d.be_state = state;
  if (!watching(d, T_BE_HOTPLUG)) switchState(d, false, state);
}
const devFatal = (d: S, fe: boolean): void => switchState(d, fe, XenbusStateClosing);

function netbackProbeEffect(d: S): void {
  xsDeliver(d, false);
  busDevice(d, false, true);
  d.flags = (d.flags & ~BE_FLAGS) | (1 << K_BE_INST); // hotplugSeen, keysRead, bug cleared
  d.be_state = XenbusStateInitialising; d.be_dev = XenbusStateInitialising; d.be_nq = 0;
  // the feature keys, feature-split-event-channels, multi-queue-max-queues: one write each
  d.flags |= 1 << K_N_BE_KEYS;
  for (let i = 0; i < 7; i++) write(d, WR_BE_KEY);
  backendSwitchState(d, XenbusStateInitWait);
  d.flags |= 1 << K_TS_UEVENT;
  xsWatch(d, T_BE_OTHEREND);
}

/** backend_disconnect: unmap, unbind, kthread_stop and put_task_struct (all four go with `map`), free the queues. */
function backendDisconnect(d: S): void {
  if (d.q0_map !== 0 && d.q0_deferred === d.q0_map) d.q0_deferred = 0;
  d.q0_map = 0;
  if (d.q1_map !== 0 && d.q1_deferred === d.q1_map) d.q1_deferred = 0;
  d.q1_map = 0;
  d.be_nq = 0;
}

/** connect(): the keys are there only as netfront's committed set (queue-N/, split event channels). */
function netbackConnect(d: S): boolean {
  const nq = fl(d, K_N_FE_MQ) ? 2 : 1;
  const fail = (): boolean => { backendDisconnect(d); devFatal(d, false); return false; };
  // one queue: the toplevel tx-ring-ref, which netfront never writes at this point
  if (nq === 1 || !d.n_fe_g0) return fail();
  // queue 0, then queue 1: granted = the committed ref is the one the queue grants now (and its event channel allocated)
  if (d.q0_gref === 0 || d.n_fe_g0 !== d.q0_gref) return fail();
  d.q0_map = d.q0_gref; // map, bind, kthread_run, get_task_struct
  if (d.q1_gref === 0 || d.n_fe_g1 !== d.q1_gref) return fail();
  d.q1_map = d.q1_gref;
  // be->nq; split (event-channel-tx/rx read) and the features in use (every flag netfront requested) go with it
  d.be_nq = nq; d.flags |= 1 << K_BE_KEYS_READ;
  xsUnwatch(d, T_BE_HOTPLUG);
  xsWatch(d, T_BE_HOTPLUG);
  return true;
}

function setBackendStateStep(d: S, target: number): boolean {
  const st = (n: number) => { backendSwitchState(d, n); return true; };
  switch (d.be_state) {
    case XenbusStateInitialising:
      if (target === XenbusStateInitWait || target === XenbusStateConnected || target === XenbusStateClosing) return st(XenbusStateInitWait);
      if (target === XenbusStateClosed) return st(XenbusStateClosed);
      return false;
    case XenbusStateClosed:
      if (target === XenbusStateInitWait || target === XenbusStateConnected) return st(XenbusStateInitWait);
      if (target === XenbusStateClosing) return st(XenbusStateClosing);
      return false;
    case XenbusStateInitWait:
      if (target === XenbusStateConnected) { netbackConnect(d); return st(XenbusStateConnected); }
      if (target === XenbusStateClosing || target === XenbusStateClosed) return st(XenbusStateClosing);
      return false;
    case XenbusStateConnected:
      if (target === XenbusStateInitWait || target === XenbusStateClosing || target === XenbusStateClosed) { backendDisconnect(d); return st(XenbusStateClosing); }
      return false;
    case XenbusStateClosing:
      if (target === XenbusStateInitWait || target === XenbusStateConnected || target === XenbusStateClosed) return st(XenbusStateClosed);
      return false;
    default:
      return false;
  }
}
function setBackendState(d: S, target: number): void {
  for (let guard = 0; d.be_state !== target; guard++) {
    if (guard > 8 || !setBackendStateStep(d, target)) { d.flags |= 1 << K_BE_BUG; return; }
  }
}
function freshBe(d: S): void {
  d.flags &= ~BE_FLAGS; // inst, hotplugSeen, keysRead, bug
  d.be_state = 0; d.be_dev = 0; d.be_nq = 0;
}
function netbackRemove(d: S): void {
  xsUnwatch(d, T_BE_HOTPLUG);
  if (fl(d, K_N_BE_HOTPLUG)) { d.flags &= ~(1 << K_N_BE_HOTPLUG); fire(d, RM_BE_HOTPLUG); conflict(d); }
  backendDisconnect(d);
  if (beNode(d) === XenbusStateClosing) switchState(d, false, XenbusStateClosed);
  xsUnwatch(d, T_BE_OTHEREND);
  freshBe(d);
  busDevice(d, false, false);
}
function frontendChanged(d: S, fs: number): void {
  switch (fs) {
    case XenbusStateInitialising: setBackendState(d, XenbusStateInitWait); return;
    case 3: return; // XenbusStateInitialised
    case XenbusStateConnected: setBackendState(d, XenbusStateConnected); return;
    case 7: // XenbusStateReconfiguring: netback new
      switchState(d, false, XenbusStateReconfigured); return; // read_xenbus_frontend_xdp: headroom 0 ("0" or none)
    case XenbusStateClosing: setBackendState(d, XenbusStateClosing); return;
    case XenbusStateClosed:
      setBackendState(d, XenbusStateClosed);
      if (fl(d, K_BE_BUG)) return;
      if (d.n_be_online === 1) return;
      netbackRemove(d);
      return;
    case XenbusStateUnknown:
      setBackendState(d, XenbusStateClosed);
      if (fl(d, K_BE_BUG)) return;
      netbackRemove(d);
      return;
    default:
      devFatal(d, false);
  }
}

const beAlive = (s: S): boolean => fl(s, K_BE_INST) === 1;
const beProbes = (s: S): boolean => pending(s, T_BE_BUS) && !fl(s, K_BE_INST) && beNode(s) === XenbusStateInitialising;
const beRemoves = (s: S): boolean => pending(s, T_BE_BUS_RM) && fl(s, K_BE_INST) === 1 && !beExists(s);
const can = (s: S, k: Kind): boolean => budget(s.left, k) > 0 && eventsLeft(s.left) > 0;
function spend(d: S, s: S, k: Kind): void { d.left = s.left - k - 1; }

// --- netfront

function xennetDisconnectBackend(d: S): void {
  // the event channels (evt) and the NAPI instances (napi) go with the grant: the same paths set and clear them
  if (d.q0_gref !== 0 && d.q0_map === d.q0_gref) d.q0_deferred = d.q0_gref;
  d.q0_gref = 0;
  if (d.q1_gref !== 0 && d.q1_map === d.q1_gref) d.q1_deferred = d.q1_gref;
  d.q1_gref = 0;
}
/** xsTxnStart + talk_to_netback's writes (kept as txn_mq and the queues' refs). */
function writeFrontendKeys(d: S): void {
  if (d.fe_nq !== 2) throw new Error('xenbus-flat: netfront writes a key set outside the cover');
  d.flags &= ~(1 << K_TXN_CONFLICT);
  d.flags = (d.flags & ~(1 << K_TXN_MQ)) | (fl(d, K_N_BE_KEYS) << K_TXN_MQ); // multi-queue-max-queues is one of the backend's probe keys
}
function txnAbort(d: S): void { d.flags &= ~(1 << K_TXN_CONFLICT); d.flags &= ~(1 << K_TXN_MQ); }
function freshFe(d: S, bus: number): void {
  // bus, inst, txn, netdev, open, wake, oops
  d.flags = (d.flags & ~FE_FLAGS) | (bus << K_FE_BUS);
  d.fe_probe = 0; d.fe_dev = 0; d.fe_remove = 0; d.fe_queues = 0; d.fe_nq = 0; d.fe_features = 0;
}
function talkToNetback(d: S, s: S): boolean {
  if (!feExists(s)) { talkToNetbackFailed(d); return false; }
  // feature-rx-copy (required) is one of the backend's probe keys, with multi-queue-max-queues and split
  if (!fl(s, K_N_BE_KEYS)) return false;
  d.fe_nq = 2; // and split: feature-split-event-channels is a probe key too
  d.fe_features = F_ALL;
  // netback_has_xdp_headroom: xdp-headroom = "0" (no XDP program), a plain write
  d.flags |= 1 << K_N_FE_XDP; write(d, WR_FE_XDP);
  d.fe_queues = 2;
  // netif_napi_add, the ring grant, EVTCHNOP_alloc_unbound per queue (refs kept +1: 1 -> 2, 2 -> 3)
  d.q0_gref = (d.q0_deferred === 2 ? 3 : 2);
  d.q1_gref = (d.q1_deferred === 4 ? 5 : 4);
  d.flags |= 1 << K_FE_TXN;
  writeFrontendKeys(d);
  return true;
}
function talkToNetbackFailed(d: S): void {
  if (fl(d, K_FE_TXN)) txnAbort(d);
  d.flags &= ~(1 << K_FE_TXN);
  xennetDisconnectBackend(d);
  d.fe_queues = 0;
  xsUnwatch(d, T_FE_OTHEREND);
  const bs = beNode(d);
  if (bs !== XenbusStateClosed && bs !== XenbusStateUnknown) {
    switchState(d, true, XenbusStateClosing);
    d.fe_remove = RM_CLOSING;
    return;
  }
  xennetTeardown(d);
  d.flags &= ~(1 << K_FE_BUS);
  busDevice(d, true, false);
}
function xennetTeardown(d: S): void {
  xennetDisconnectBackend(d);
  switchState(d, true, XenbusStateClosed);
  xsUnwatch(d, T_FE_OTHEREND);
  if (fl(d, K_FE_TXN)) txnAbort(d);
  freshFe(d, fl(d, K_FE_BUS));
}
function netfrontResume(d: S): void {
  if (!fl(d, K_FE_INST)) return;
  xennetDisconnectBackend(d);
  if (fl(d, K_FE_TXN)) txnAbort(d);
  d.flags &= ~(1 << K_FE_TXN);
  d.fe_dev = XenbusStateInitialising;
  d.fe_nq = 0;
  d.fe_features &= F_XDP;
  xsWatch(d, T_FE_OTHEREND);
}
function netbackChanged(d: S, s: S, bs: number): void {
  d.flags |= 1 << K_FE_WAKE;
  switch (bs) {
    case XenbusStateInitWait:
      if (s.fe_dev !== XenbusStateInitialising) return;
      talkToNetback(d, s);
      return;
    case XenbusStateConnected:
      return;
    case XenbusStateClosed:
      if (s.fe_dev === XenbusStateClosed) return;
      switchState(d, true, XenbusStateClosed);
      return;
    case XenbusStateClosing:
      switchState(d, true, XenbusStateClosed);
      return;
    default:
  }
}
const feIdle = (s: S): boolean => fl(s, K_FE_INST) === 1 && !fl(s, K_FE_TXN) && s.fe_remove === RM_NONE;
const guestXenwatchFree = (s: S): boolean => !fl(s, K_FE_TXN) && s.fe_probe !== PR_XENWATCH;
const feProbes = (s: S): boolean => guestXenwatchFree(s) && pending(s, T_FE_BUS) && !fl(s, K_FE_BUS) && feNode(s) === XenbusStateInitialising;
const feRemoves = (s: S): boolean => guestXenwatchFree(s) && pending(s, T_FE_BUS_RM) && fl(s, K_FE_BUS) === 1 && !feExists(s) && s.fe_probe === PR_NONE;
const createDevMayReturn = (s: S): boolean => beNode(s) !== XenbusStateClosed && beNode(s) !== XenbusStateUnknown;
function netfrontProbeStart(d: S, s: S, xenwatch: boolean): void {
  freshFe(d, 1);
  busDevice(d, true, true);
  if (xenwatch) d.fe_dev = XenbusStateInitialising;
  else switchState(d, true, XenbusStateInitialising);
  if (beNode(s) !== XenbusStateClosed && beNode(s) !== XenbusStateUnknown) netfrontProbeDone(d);
  else d.fe_probe = xenwatch ? PR_XENWATCH : PR_MODPROBE;
}
function netfrontProbeDone(d: S): void {
  d.fe_probe = PR_NONE;
  d.flags |= 1 << K_FE_INST;
  xsWatch(d, T_FE_OTHEREND);
}

// --- the toolstack

function initiateRemove(d: S, s: S): void {
  d.ts_phase = PH_UNPLUGGING;
  setOnline(d, false);
  if (beNode(s) !== XenbusStateClosed) setBeState(d, XenbusStateClosing);
}
const libxlWaitsForInitWait = (s: S): boolean =>
  s.ts_phase === PH_PLUGGED && !fl(s, K_TS_UEVENT) && !fl(s, K_N_BE_HOTPLUG) && beNode(s) !== XenbusStateInitWait && beNode(s) === XenbusStateInitialising;
function destroyDevice(d: S): void {
  d.ts_phase = PH_REMOVED;
  rmBE(d);
  rmFE(d);
}

// --- rules: names, actors, docs, sources and where each applies are xenbus.ts's

const rule = wordLevelRule<XenbusModelState, S, P>(xenbusRules, 'xenbus.ts');
const NONE: readonly never[] = Object.freeze([]);
/** The watch list's tokens in order (xs_spurious's choices), one frozen array per list word. */
const tokenLists = new Map<number, readonly number[]>();
const tokensOf = (w: number): readonly number[] => {
  let l = tokenLists.get(w);
  if (l === undefined) {
    const out: number[] = [];
    for (let x = w; x !== 0; x >>>= 3) out.push(x & 7);
    tokenLists.set(w, (l = Object.freeze(out)));
  }
  return l;
};

export const xenbusFlatRules: readonly R[] = [
  rule('libxl__device_vif_add', (s) => s.ts_phase === PH_NONE, (d) => {
    d.ts_phase = PH_PLUGGED;
    setOnline(d, true);
    setBeState(d, XenbusStateInitialising);
    setFeState(d, XenbusStateInitialising);
  }),
  rule('vif-hotplug(online)', (s) => fl(s, K_TS_UEVENT) === 1, (d, s) => {
    d.flags &= ~(1 << K_TS_UEVENT);
    if (beExists(s)) { d.flags |= 1 << K_N_BE_HOTPLUG; write(d, WR_BE_HOTPLUG); }
  }),
  rule('LIBXL_INIT_TIMEOUT', (s) => budget(s.left, L_initTimeout) > 0 && libxlWaitsForInitWait(s), (d, s) => { d.left = s.left - L_initTimeout; initiateRemove(d, s); }),
  rule('libxl__initiate_device_generic_remove', (s) => s.ts_phase === PH_PLUGGED && can(s, L_unplug), (d, s) => { spend(d, s, L_unplug); initiateRemove(d, s); }),
  rule('libxl__device_destroy', (s) => s.ts_phase === PH_UNPLUGGING && beNode(s) === XenbusStateClosed, (d) => destroyDevice(d)),
  rule('LIBXL_DESTROY_TIMEOUT',
    (s, p) => p.forcedRemoval && s.ts_phase === PH_UNPLUGGING && beNode(s) !== XenbusStateClosed && (p.slowFrontend || !fl(s, K_FE_TXN)), (d) => destroyDevice(d)),
  rule('xl migrate',
    (s) => s.ts_phase === PH_PLUGGED && can(s, L_migrate) && s.fe_probe === PR_NONE && !fl(s, K_FE_TXN) && s.fe_remove === RM_NONE,
    (d, s) => {
      spend(d, s, L_migrate);
      d.q0_map = 0; d.q0_deferred = 0;
      d.q1_map = 0; d.q1_deferred = 0;
      xsUnwatch(d, T_BE_HOTPLUG);
      xsUnwatch(d, T_BE_OTHEREND);
      freshBe(d);
      d.flags &= ~(1 << K_TS_UEVENT);
      xsUnwatch(d, T_BE_BUS_RM); xsUnwatch(d, T_FE_BUS); xsUnwatch(d, T_FE_BUS_RM);
      busDevice(d, false, false);
      rmBE(d);
      rmFE(d);
      setOnline(d, true);
      setBeState(d, XenbusStateInitialising);
      setFeState(d, XenbusStateInitialising);
      busDevice(d, true, fl(s, K_FE_BUS) === 1, fl(s, K_FE_BUS) !== 1);
      netfrontResume(d);
    }),
  rule('netback_probe', beProbes, (d) => netbackProbeEffect(d)),
  rule('xenbus_dev_changed(backend: nothing to do)',
    (s) => (pending(s, T_BE_BUS) || pending(s, T_BE_BUS_RM)) && !beProbes(s) && !beRemoves(s), (d) => xsDeliver(d, false)),
  rule('frontend_changed', (s) => beAlive(s) && pending(s, T_BE_OTHEREND), (d, s) => { xsDeliver(d, false); frontendChanged(d, feNode(s)); }),
  rule('hotplug_status_changed', (s) => beAlive(s) && pending(s, T_BE_HOTPLUG), (d, s) => {
    xsDeliver(d, false);
    if (!fl(s, K_N_BE_HOTPLUG)) return;
    d.flags |= 1 << K_BE_HOTPLUG_SEEN;
    switchState(d, false, s.be_state);
    xsUnwatch(d, T_BE_HOTPLUG);
  }),
  rule('netback_remove', beRemoves, (d) => { xsDeliver(d, false); netbackRemove(d); }),
  rule('xenbus_dev_fatal(backend)',
    (s) => beAlive(s) && can(s, L_backendFatal) && s.be_dev !== XenbusStateClosing && s.be_dev !== XenbusStateClosed,
    (d, s) => { spend(d, s, L_backendFatal); devFatal(d, false); }),
  rule('netfront_probe', feProbes, (d, s) => { xsDeliver(d, true); netfrontProbeStart(d, s, true); }),
  rule('netfront_probe(driver bind)',
    (s) => fl(s, K_FE_BUS) === 1 && !fl(s, K_FE_INST) && s.fe_probe === PR_NONE && feExists(s) && can(s, L_reconnect),
    (d, s) => { spend(d, s, L_reconnect); netfrontProbeStart(d, s, false); }),
  rule('xennet_create_dev(XENNET_TIMEOUT)', (s) => s.fe_probe !== PR_NONE && createDevMayReturn(s), (d) => netfrontProbeDone(d)),
  rule('xenbus_dev_changed(frontend: nothing to do)',
    (s) => guestXenwatchFree(s) && (pending(s, T_FE_BUS) || pending(s, T_FE_BUS_RM)) && !feProbes(s) &&
      !(pending(s, T_FE_BUS_RM) && fl(s, K_FE_BUS) === 1 && !feExists(s)),
    (d) => xsDeliver(d, true)),
  rule('netback_changed', (s) => fl(s, K_FE_INST) === 1 && guestXenwatchFree(s) && pending(s, T_FE_OTHEREND),
    (d, s) => { xsDeliver(d, true); netbackChanged(d, s, beNode(s)); }),
  rule('xenbus_transaction_end', (s) => fl(s, K_FE_INST) === 1 && fl(s, K_FE_TXN) === 1, (d, s) => {
    if (fl(d, K_TXN_CONFLICT)) {
      txnAbort(d);
      // retryRefused: the guest may write its directory while it exists (libxl's perms); gone, `device` is dom0's
      if (!feExists(d)) talkToNetbackFailed(d); else writeFrontendKeys(d);
      return;
    }
    // the commit: the keys in talk_to_netback's order, each a write below `device`
    d.flags = (d.flags & ~(1 << K_N_FE_MQ)) | (fl(d, K_TXN_MQ) << K_N_FE_MQ);
    d.n_fe_g0 = d.q0_gref; d.n_fe_g1 = d.q1_gref;
    fire(d, WR_FE_KEY);
    txnAbort(d);
    d.flags &= ~(1 << K_FE_TXN);
    d.flags |= 1 << K_FE_NETDEV;
    switchState(d, true, XenbusStateConnected);
  }),
  rule('xennet_open', (s) => fl(s, K_FE_INST) === 1 && fl(s, K_FE_NETDEV) === 1 && !fl(s, K_FE_OPEN), (d, s) => { d.flags |= 1 << K_FE_OPEN; if (s.fe_queues === 0) d.flags |= 1 << K_FE_OOPS; }),
  rule('xennet_remove', (s) => feIdle(s) && can(s, L_guestClose), (d, s) => {
    spend(d, s, L_guestClose);
    xsUnwatch(d, T_FE_OTHEREND);
    if (beNode(s) === XenbusStateClosed) { xennetTeardown(d); return; }
    switchState(d, true, XenbusStateClosing);
    d.fe_remove = RM_CLOSING;
  }),
  rule('xennet_bus_close(Closing)',
    (s) => fl(s, K_FE_INST) === 1 && s.fe_remove === RM_CLOSING && (beNode(s) === XenbusStateClosing || beNode(s) === XenbusStateClosed || beNode(s) === XenbusStateUnknown),
    (d, s) => {
      if (beNode(s) === XenbusStateClosed) { xennetTeardown(d); return; }
      switchState(d, true, XenbusStateClosed);
      d.fe_remove = RM_CLOSED;
    }),
  rule('xennet_bus_close(Closed)',
    (s) => fl(s, K_FE_INST) === 1 && s.fe_remove === RM_CLOSED && (beNode(s) === XenbusStateClosed || beNode(s) === XenbusStateUnknown), (d) => xennetTeardown(d)),
  rule('xenbus_dev_changed(frontend removed)', feRemoves, (d, s) => {
    xsDeliver(d, true);
    if (fl(s, K_FE_INST)) xennetTeardown(d);
    d.flags &= ~(1 << K_FE_BUS);
    busDevice(d, true, false);
  }),
  rule('xenbus_dev_fatal(frontend)',
    (s) => feIdle(s) && can(s, L_frontendFatal) && s.fe_dev !== XenbusStateClosing && s.fe_dev !== XenbusStateClosed,
    (d, s) => { spend(d, s, L_frontendFatal); devFatal(d, true); }),
  rule('xs_watch_event(spurious)', undefined, (d, s, _p, t: number) => { spend(d, s, L_spurious); queue(d, t); },
    (s) => (can(s, L_spurious) ? tokensOf(s.watches) : NONE), (t: number) => TOKENS[t]!),
];

// --- from a flat state to xenbus.ts's (the test's mapping; traces in xenbus's terms)

const ref = (e: number): number | null => (e === 0 ? null : e - 1);
const queueOf = (q: number, bits: number, codes: readonly number[]): string[] => {
  const out: string[] = [];
  for (; q !== 0; q >>>= bits) out.push(TOKENS[codes[q & ((1 << bits) - 1)]!]!);
  return out;
};
const featureNames = (m: number): string[] => NETIF_FEATURES.filter((_, i) => m & (1 << i)).map((f) => f.name);

/** The xenbus.ts state this flat state stands for (plain data; xenbus's constant fields as xenbus sets them). */
export function toNested(s: S, p: P): XenbusModelState {
  const nodes: Record<string, string> = {};
  if (s.n_fe_state) nodes[`${FE}/state`] = String(s.n_fe_state - 1);
  if (fl(s, K_N_FE_MQ)) nodes[`${FE}/multi-queue-num-queues`] = '2';
  if (s.n_fe_g0) {
    for (const [i, g] of [[0, s.n_fe_g0 - 1], [1, s.n_fe_g1 - 1]] as const) {
      const dir = queueDir(2, i);
      nodes[`${dir}/tx-ring-ref`] = txRef(g); nodes[`${dir}/rx-ring-ref`] = rxRef(g);
      nodes[`${dir}/event-channel-tx`] = txPort(i); nodes[`${dir}/event-channel-rx`] = rxPort(i);
    }
    for (const f of NETIF_FEATURES) if (f.kind !== 'value') nodes[`${FE}/${f.frontendKey}`] = '1';
  }
  if (fl(s, K_N_FE_XDP)) nodes[`${FE}/xdp-headroom`] = '0';
  if (s.n_be_online) nodes[`${BE}/online`] = s.n_be_online === 1 ? '1' : '0';
  if (s.n_be_state) nodes[`${BE}/state`] = String(s.n_be_state - 1);
  if (fl(s, K_N_BE_HOTPLUG)) nodes[`${BE}/hotplug-status`] = 'connected';
  if (fl(s, K_N_BE_KEYS)) {
    for (const f of NETIF_FEATURES) nodes[`${BE}/${f.backendKey}`] = '1';
    nodes[`${BE}/feature-split-event-channels`] = '1';
    nodes[`${BE}/multi-queue-max-queues`] = String(p.backendMaxQueues);
  }
  const watches: XsWatch[] = [];
  for (const t of tokensOf(s.watches)) {
    const w = WATCH[t]!;
    watches.push({ token: w.token, path: w.path, owner: w.owner, ...(w.drop ? { drop: w.drop } : {}), ...(w.fires ? { fires: w.fires } : {}) });
  }
  const events: Record<string, string[]> = {};
  if (s.ev_guest) events[GUEST] = queueOf(s.ev_guest, QBITS_G, GUEST_Q);
  if (s.ev_back) events[DRIVER_DOMAIN] = queueOf(s.ev_back, QBITS_B, BACK_Q);
  const txns: Record<string, XsTxn> = {};
  if (fl(s, K_FE_TXN)) {
    const writes: Record<string, string> = {};
    if (fl(s, K_TXN_MQ)) writes[`${FE}/multi-queue-num-queues`] = String(s.fe_nq);
    for (const [i, g] of [[0, s.q0_gref - 1], [1, s.q1_gref - 1]] as const) {
      const dir = queueDir(s.fe_nq, i);
      writes[`${dir}/tx-ring-ref`] = txRef(g); writes[`${dir}/rx-ring-ref`] = rxRef(g);
      writes[`${dir}/event-channel-tx`] = txPort(i); writes[`${dir}/event-channel-rx`] = rxPort(i);
    }
    for (const f of NETIF_FEATURES) if (f.kind !== 'value') writes[`${FE}/${f.frontendKey}`] = '1';
    txns[TXN_FE] = { writes, conflict: fl(s, K_TXN_CONFLICT) === 1 };
  }
  const fe: FrontendState = {
    bus: fl(s, K_FE_BUS) === 1, probe: PROBE[s.fe_probe]!, inst: fl(s, K_FE_INST) === 1, dev: s.fe_dev, txn: fl(s, K_FE_TXN) === 1, remove: REMOVE[s.fe_remove]!,
    netdev: fl(s, K_FE_NETDEV) === 1, open: fl(s, K_FE_OPEN) === 1, queues: s.fe_queues, nq: s.fe_nq, split: s.fe_nq === 2, features: featureNames(s.fe_features),
    xdp: 'off', wake: fl(s, K_FE_WAKE) === 1, xw: 'run', oops: fl(s, K_FE_OOPS) === 1, dpdk: 'none', ringUsed: false,
  };
  const be: BackendState = {
    inst: fl(s, K_BE_INST) === 1, state: s.be_state, dev: s.be_dev, hotplugSeen: fl(s, K_BE_HOTPLUG_SEEN) === 1, keysRead: fl(s, K_BE_KEYS_READ) === 1,
    nq: s.be_nq, split: s.be_nq === 2, features: featureNames(s.be_nq > 0 ? F_FLAGS : 0), bug: fl(s, K_BE_BUG) === 1, headroom: 0, ringSync: false,
  };
  // evt and napi go with the grant, bound, task (run) and taskRef with the mapping
  const q = (gref: number, deferred: number, map: number): QueueRes => ({
    gref: ref(gref), deferred: ref(deferred), evt: gref !== 0, map: ref(map), bound: map !== 0, napi: gref !== 0,
    task: map !== 0 ? 'run' : 'none', taskRef: map !== 0, xmit: 'no', uaf: false,
  });
  const l = s.left;
  const left: Budget = {
    guestClose: budget(l, L_guestClose), reconnect: budget(l, L_reconnect), unplug: budget(l, L_unplug), migrate: budget(l, L_migrate),
    backendRestart: p.backendRestart, frontendFatal: budget(l, L_frontendFatal), backendFatal: budget(l, L_backendFatal), reconfigure: p.reconfigure,
    spurious: budget(l, L_spurious), malformedPacket: p.malformedPacket, hotplugFail: p.hotplugFail, initTimeout: budget(l, L_initTimeout), hostile: 0,
    events: eventsLeft(l),
  };
  return {
    xs: { nodes, watches, events, txns },
    fe, be,
    ts: { phase: PHASE[s.ts_phase]!, uevent: fl(s, K_TS_UEVENT) === 1, beDown: false, breach: false },
    q: [
      q(s.q0_gref, s.q0_deferred, s.q0_map),
      q(s.q1_gref, s.q1_deferred, s.q1_map),
    ],
    left,
  };
}

// --- properties: xenbus.ts's, with their names, readings and sources, written on the words

const bothConnected = (s: S): boolean =>
  fl(s, K_FE_INST) === 1 && fl(s, K_BE_INST) === 1 && s.fe_dev === XenbusStateConnected && feNode(s) === XenbusStateConnected &&
  s.be_state === XenbusStateConnected && (beNode(s) === XenbusStateConnected || beNode(s) === XenbusStateReconfigured);
const connectedAndIdle = (s: S): boolean =>
  bothConnected(s) && !fl(s, K_FE_TXN) && s.be_nq > 0 && s.q0_map !== 0 && (s.be_nq > 1 ? s.q1_map !== 0 : s.q1_map === 0);
const noMaps = (s: S): boolean => s.q0_map === 0 && s.q1_map === 0;
/** No mapping and no binding (bound goes with map). */
const noMapsOrBinds = noMaps;
const bothClosed = (s: S): boolean =>
  s.ts_phase === PH_PLUGGED && feNode(s) === XenbusStateClosed && beNode(s) === XenbusStateClosed &&
  (!fl(s, K_FE_INST) || (s.fe_dev === XenbusStateClosed && s.fe_remove === RM_NONE)) && (!fl(s, K_BE_INST) || s.be_state === XenbusStateClosed) && noMaps(s);
const removed = (s: S): boolean => s.ts_phase === PH_REMOVED && !fl(s, K_FE_INST) && !fl(s, K_BE_INST) && noMapsOrBinds(s);
const unbound = (s: S): boolean =>
  s.ts_phase === PH_PLUGGED && fl(s, K_FE_BUS) === 1 && !fl(s, K_FE_INST) && s.fe_probe === PR_NONE &&
  (!fl(s, K_BE_INST) || s.be_state === XenbusStateInitWait || s.be_state === XenbusStateClosed) && noMapsOrBinds(s);
const guestXenwatchHangs = (s: S): boolean => s.fe_probe !== PR_NONE || s.ev_guest !== 0;
const nobodyWaits = (s: S): boolean => s.ts_phase !== PH_UNPLUGGING;
/** xenbus.ts settled (the X8 goal and the valid ends, both Linux). */
export const xenbusFlatSettled = (s: S): boolean =>
  (connectedAndIdle(s) || bothClosed(s) || removed(s) || unbound(s)) && !guestXenwatchHangs(s) && nobodyWaits(s);

const mapsOutside = (s: S): boolean => s.q0_map !== 0 || s.q1_map !== 0;
const HOLDS: Record<string, (s: S, p: P) => boolean> = {
  [X1.name]: (s) => (fl(s, K_BE_INST) === 1 && s.be_state === XenbusStateConnected && fl(s, K_BE_KEYS_READ) === 1) || !mapsOutside(s),
  [X2.name]: (s) => (s.q0_map === 0 || s.q0_gref === s.q0_map || s.q0_deferred === s.q0_map) && (s.q1_map === 0 || s.q1_gref === s.q1_map || s.q1_deferred === s.q1_map),
  [X3.name]: (s) => !fl(s, K_BE_BUG),
  [X4.name]: (s) => !(fl(s, K_BE_INST) === 1 && s.be_dev === XenbusStateConnected) || fl(s, K_BE_HOTPLUG_SEEN) === 1,
  [X5.name]: (s) => {
    if (!bothConnected(s) || fl(s, K_FE_TXN)) return true;
    const advertisedQ = fl(s, K_N_BE_KEYS) ? 2 : 1;
    const splitOk = s.fe_nq !== 2 || fl(s, K_N_BE_KEYS) === 1;
    const featOk = s.fe_features === 0 || fl(s, K_N_BE_KEYS) === 1;
    // split: nq is 2 (each side's split goes with its queue count); be.features: every flag once connected
    return s.fe_nq === s.be_nq && (s.fe_features & F_FLAGS) === (s.be_nq > 0 ? F_FLAGS : 0) && s.fe_nq <= advertisedQ && splitOk && featOk;
  },
  [X6.name]: (s) => !fl(s, K_FE_OOPS),
  [X7.name]: (s) => (fl(s, K_BE_INST) === 1 && s.be_state === XenbusStateConnected) || !mapsOutside(s),
  [X9.name]: () => true, // no XDP attach at this point
  [X11.name]: (s) => !(fl(s, K_BE_INST) === 1 && s.be_dev === XenbusStateConnected && beNode(s) === XenbusStateConnected) ||
    (s.be_nq > 0 && s.q0_map !== 0 && (s.be_nq < 2 || s.q1_map !== 0)),
  [X12.name]: (s) => { let n = 0; for (let q = s.ev_back; q !== 0; q >>>= QBITS_B) if ((q & 7) === QCODE[T_BE_OTHEREND]) n++; return n <= 1; },
  [X13.name]: (s) => fl(s, K_FE_INST) === 1 || (s.q0_gref === 0 && s.q1_gref === 0), // napi goes with the grant
  [X14.name]: () => true, // no malformed packet, no transmit: nothing is freed in use
  [X15.name]: () => true, // not DPDK
  [X16.name]: () => true, // no hostile peer: nobody writes the other side's nodes
  [X17.name]: (s, p) => {
    // the guest's nodes (its directory), its watches (otherend, one bus half), its transactions (netfront's)
    const entries = (s.n_fe_state ? 1 : 0) + (fl(s, K_N_FE_MQ) ? 1 : 0) + (s.n_fe_g0 ? 12 : 0) + (fl(s, K_N_FE_XDP) ? 1 : 0);
    let watches = 0;
    for (let w = s.watches; w !== 0; w >>>= 3) if (isGuest(w & 7)) watches++;
    // the largest node: 16 + 2 perms * 8 + at most 2 bytes of data
    return entries <= p.quotaEntries && 34 <= p.quotaEntrySize && watches <= p.quotaWatches + 1 && fl(s, K_FE_TXN) <= p.quotaTransactions + 1;
  },
  [X18.name]: () => true, // no XS_SET_PERMS at this point
};
/** xenbus.ts's invariants, in its order, with its names, readings and sources; each predicate on the words. */
export const xenbusFlatInvariants: readonly Invariant<S, P>[] = [X1, X2, X3, X4, X5, X6, X7, X9, X11, X12, X13, X14, X15, X16, X17, X18].map((inv) => {
  const holds = HOLDS[inv.name];
  if (!holds) throw new Error(`xenbus-flat: no word-level version of ${inv.name}`);
  return { name: inv.name, description: inv.description, see: inv.see, holds };
});
export const xenbusFlatGoals: readonly Goal<S, P>[] = [
  { name: X8.name, description: X8.description, see: X8.see, reached: (s) => xenbusFlatSettled(s) },
  { name: X19.name, description: X19.description, see: X19.see, reached: (s) => !libxlWaitsForInitWait(s) },
];

const OBSERVED: Record<string, (s: S) => number> = {
  backend_node_vs_driver: (s) => (fl(s, K_BE_INST) === 1 && beNode(s) !== s.be_state ? 1 : 0),
  deferred_grants: (s) => (s.q0_deferred !== 0 ? 1 : 0) + (s.q1_deferred !== 0 ? 1 : 0),
  queues_mapped: (s) => (s.q0_map !== 0 ? 1 : 0) + (s.q1_map !== 0 ? 1 : 0),
};
/** xenbus.ts's observables (names, readings), on the words. */
export const xenbusFlatObservables: readonly Observable<S, P>[] = xenbusObservables.map((o) => {
  const value = OBSERVED[o.name];
  if (!value) throw new Error(`xenbus-flat: no word-level version of observable ${o.name}`);
  return { name: o.name, description: o.description, value };
});

export const xenbusFlat = defineModel<S, P>({
  name: 'xenbus-flat',
  description: 'the xenbus model between Linux netfront and netback (new, 6.12), word-level (a flat layout): the same rules, invariants and goals as xenbus',
  see: 'model/xenbus.ts; model/xenstore.ts; docs/perf/2026-12-07c-words.md',
  params: xenbusFlatParams,
  init: (p) => [xenbusFlatInit(p)],
  rules: xenbusFlatRules,
  invariants: xenbusFlatInvariants,
  goals: xenbusFlatGoals,
  observables: xenbusFlatObservables,
  isValidEnd: (s) => xenbusFlatSettled(s),
  // the same rule names: `-i stuck` (properties/stuck.ts) on this model is xenbus's
  ...(xenbus.budgetedEvents ? { budgetedEvents: xenbus.budgetedEvents } : {}),
  layout: xenbusFlatLayout,
});
