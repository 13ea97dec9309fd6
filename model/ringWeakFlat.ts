/**
 * `ring-weak-flat`: the `ring` model (model/ring.ts with model/memory.ts) at
 * `memory=weak` on one ring, written word-level: the state is a flat record of
 * small integers (a `layout`) and every rule is integer code on it, so the
 * checker runs it on its flat path (packed words, a scratch copy per step, no
 * immer, no shaped codec). Same rules, same names, same invariants as ring.ts,
 * and the rules read like the nested ones: ring.h's predicates from idx32.ts,
 * a load through the CPU's store buffer and its early loads, a store into the
 * buffer, `xen_wmb()` / `xen_rmb()` / `xen_mb()` as memory.ts defines them.
 *
 * Cover (anything else is refused with one line): `memory=weak`,
 * `rings=one` (evtchn then has no effect), `backend=honest` (frontend honest
 * or hostile, hostileWrites 0..4), `counters=false`, `startIndex=0`,
 * `init=fresh`, `bufferSize=2`, `ringSize` 1 or 2, `payloads` 1..8,
 * `messages` 1..1000. Its defaults are bench/nested.ts's `ring-weak` case
 * (`ring -p memory=weak -p frontend=hostile -p ringSize=2 -p messages=3`).
 * test/ringWeakFlat.test.ts checks that its reachable states, mapped by
 * {@link toNested}, are exactly ring's, with the same invariant verdicts and
 * shortest counterexamples; ring.ts is the reference. `pvcheck check ring`
 * runs on it inside its cover (cli/fastPath.ts: ring's counts, states and
 * traces; `--nested` runs ring itself).
 *
 * Encoding (the state as words):
 * - A RING_IDX is kept as `index + OFF` modulo 2^32 (OFF = 32). Every ring.h
 *   test is a difference of indices (idx32.ts), which the shift leaves as it
 *   is, and OFF is a multiple of RING_SIZE, so `MASK_XEN_RING_IDX` picks the
 *   same slot; only constants are shifted ({@link I}: SHARED_RING_INIT's 0 and
 *   1, a hostile write of 0 or 0xffffffff). The window of values a field can
 *   hold is `[-OFF, 2^bits - OFF)`: a value outside it (an index far past the
 *   run's messages) is an error of the codec naming the field, never an
 *   aliased state.
 * - A shared slot (netif.h's request/response union, ring.ts `Slot`) is one
 *   integer, a {@link word}: kind (1 empty, 2 request, 3 response; 0 = no
 *   value), id (TX_LINK_NONE as RING_SIZE + 1), val + 2, idx.
 * - A location of the page is a small number ({@link L_REQ_PROD} ..
 *   {@link L_RING1}); a store-buffer entry is one integer, an {@link entry}
 *   (loc, epoch, value; 0 for none), entry 0 holding the buffer's epoch (its
 *   own is always 0); a CPU's early load of its peer's producer index is the
 *   kept index + 1 (0: none; memory.ts `EarlyLoads`); an early load of a slot
 *   cannot happen inside the cover and has no field (checked as the module
 *   loads).
 * - Nothing that is a function of the rest is stored (ring.ts `blocked`,
 *   the backend's `valid`); a side's one-bit flags and its two 2-bit id sets
 *   share a field (fe_flags, be_flags). 24 fields in 7 words at ring-weak
 *   (54 in 11 before 2026-12-07d: per field, the flat path packs, copies and
 *   unpacks, so fewer fields are a faster search; docs/perf/2026-12-07d-words.md).
 *
 * @see model/ring.ts (the reference), model/memory.ts
 * @see xen/include/public/io/ring.h
 * @see docs/perf/2026-12-07b-engine.md
 */
import { bitsFor, defineModel, type Invariant, type Layout, type Rule } from './core.js';
import { wordLevelRule } from './wordLevel.js';
import { NOTIFY, NR_UNCONSUMED_REQUESTS, RING_FULL, idxAdd, idxLe, idxSub } from './idx32.js';
import type { ParamSpace } from './params.js';
import {
  B_BROKEN, B_CHK, B_CHK_MB, B_CONS, B_COPY, B_FC1, B_FC2, B_FC_MB, B_NOTIFY, B_PUSH, B_PUSH_WMB, B_RESP, B_RMB, B_WAIT,
  F_BROKEN, F_CHK, F_CHK_MB, F_CONS, F_COPY, F_FC1, F_FC2, F_FC_MB, F_NOTIFY, F_PROD, F_PUSH, F_PUSH_WMB, F_RMB, F_WAIT,
  NETIF_RSP_ERROR, NETIF_RSP_NULL, NETIF_RSP_OKAY, RING_REQUEST_PROD_OVERFLOW, RING_RESPONSE_PROD_OVERFLOW, TX_LINK_NONE,
  earlyLoadPcs, freeId, ringInvariants, ringParams, ringRules, slotLoc, loc as ringLoc,
  type Back, type Front, type RingParams, type RingState, type Slot, type Word,
} from './ring.js';
import type { BufferedStore, EarlyLoads, StoreBuffer } from './memory.js';

type P = RingParams;

// --- parameters: ring's, with the ring-weak case as defaults and the cover checked

/** Why `p` is outside what this model covers (one line), or undefined. */
export function flatCover(p: P): string | undefined {
  const out: string[] = [];
  if (p.memory !== 'weak') out.push(`memory=${p.memory} (only weak)`);
  if (p.rings !== 'one') out.push(`rings=${p.rings} (only one)`);
  if (p.backend !== 'honest') out.push('backend=hostile (only honest)');
  if (p.counters) out.push('counters=true (only false)');
  if (p.startIndex !== 0) out.push(`startIndex=${p.startIndex} (only 0)`);
  if (p.init !== 'fresh') out.push(`init=${p.init} (only fresh)`);
  if (p.bufferSize !== 2) out.push(`bufferSize=${p.bufferSize} (only 2)`);
  if (p.ringSize > 2) out.push(`ringSize=${p.ringSize} (only 1 or 2)`);
  if (p.messages > 1000) out.push(`messages=${p.messages} (at most 1000)`);
  return out.length ? `ring-weak-flat covers ring at memory=weak on one ring only; not covered: ${out.join(', ')}` : undefined;
}

const DEFAULTS: Partial<Record<keyof P, unknown>> = { memory: 'weak', frontend: 'hostile', ringSize: 2, messages: 3 };
export const ringWeakFlatParams: ParamSpace<P> = {
  ...ringParams,
  specs: Object.fromEntries(Object.entries(ringParams.specs).map(([k, s]) => [k, k in DEFAULTS ? { ...s, default: DEFAULTS[k as keyof P] } : s])) as typeof ringParams.specs,
  defaults: { ...ringParams.defaults, ...DEFAULTS } as P,
  validate: (p) => ringParams.validate?.(p) ?? flatCover(p),
};

// --- encoding

/** RING_IDX values are kept shifted by OFF (a multiple of every RING_SIZE up to 32). */
export const OFF = 32;
/** The kept form of RING_IDX value `v`. */
export const I = (v: number): number => (v + OFF) >>> 0;
/** The RING_IDX value of a kept index. */
export const unI = (e: number): number => (e - OFF) >>> 0;
/** Bits of a kept index at `p`: the window `[-OFF, messages + RING_SIZE + hostileWrites + 8]`. */
export const idxBits = (p: P): number => bitsFor(OFF + p.messages + p.ringSize + p.hostileWrites + 8);

/** Slot kinds in a word (0: no value: an absent early load, a null request copy). */
export const K_EMPTY = 1, K_REQUEST = 2, K_RESPONSE = 3;
const ID_NONE = 3; // TX_LINK_NONE (ids are 0..RING_SIZE <= 2 otherwise)
/** A slot as one integer: kind | id << 2 | (val + 2) << 4 | idx << 8 (idx a kept index; bounded by the layout). */
export const word = (kind: number, id: number, val: number, idx: number): number =>
  kind + (id === TX_LINK_NONE ? ID_NONE : id) * 4 + (val + 2) * 16 + idx * 256;
export const wKind = (w: number): number => w & 3;
export const wId = (w: number): number => { const c = (w >>> 2) & 3; return c === ID_NONE ? TX_LINK_NONE : c; };
export const wVal = (w: number): number => ((w >>> 4) & 15) - 2;
export const wIdx = (w: number): number => w >>> 8;
const EMPTY_W = word(K_EMPTY, 0, 0, I(0));

/** Locations of the shared page (0: none). */
export const L_REQ_PROD = 1, L_REQ_EVENT = 2, L_RSP_PROD = 3, L_RSP_EVENT = 4, L_RING0 = 5, L_RING1 = 6;
/** The location of slot k. */
const ringAt = (k: number): number => L_RING0 + k;
/** The slot of an index: MASK_XEN_RING_IDX / RING_GET_REQUEST (kept indices: OFF is a multiple of RING_SIZE). */
const slotOf = (p: P, i: number): number => i & (p.ringSize - 1);

/**
 * The state, a few fields per word of the layout (see the file's doc). What ring.ts keeps that is a function
 * of the rest is not stored (ring.ts `blocked` is `pc === *_WAIT`, the backend's `valid` is its copy's
 * payload in range, entry 0 of a store buffer has epoch 0); a CPU's early load of a slot never happens
 * inside the cover (ring.ts earlyLoadPcs: every path from a load of the producer index to the slot's passes
 * an xen_rmb(), checked as the module loads), so it has no field. A side's one-bit flags share one field.
 */
export interface RingWeakFlatState {
  // the shared page
  req_prod: number; req_event: number; rsp_prod: number; rsp_event: number; ring0: number; ring1: number;
  // the frontend CPU's store buffer, an entry a field (entry 1 only when entry 0 is used; {@link entry}),
  // and its early load of rsp_prod (the kept index + 1; 0: none)
  fsb0: number; fsb1: number; fe_early_rsp_prod: number;
  // the backend CPU's
  bsb0: number; bsb1: number; be_early_req_prod: number;
  // struct front_ring + netfront (ring.ts Front; woke is 0 without counters); fe_flags: outstanding, pendq,
  // the ghosts, the event pending for the frontend ({@link FE_PENDQ} ...)
  fe_pc: number; req_prod_pvt: number; rsp_cons: number; fe_old: number; fe_flags: number;
  // struct back_ring + the backend (ring.ts Back); be_flags: the ghosts, the event pending for the backend
  be_pc: number; rsp_prod_pvt: number; req_cons: number; be_old: number; be_req: number; be_flags: number;
  hostile: number;
}
type S = RingWeakFlatState;
type R = Rule<S, P, any>;

/**
 * A store-buffer entry as one integer: its location (0: no entry), an epoch, and the value stored (a kept
 * index or a slot word) on top, so the layout's range check still bounds it. Entry 0's epoch is always 0
 * (memory.ts: an empty buffer's epoch is 0, a drain renumbers from entry 0's), so entry 0 holds the
 * buffer's current epoch instead (ring.ts `StoreBuffer.epoch`); entry 1 holds its own. An epoch is at most
 * 1 (between two xen_wmb()s of a side its program passes an xen_mb(), which waits for an empty buffer);
 * two bits, and a wmb past 3 throws.
 */
export const entry = (loc: number, epoch: number, val: number): number => loc | (epoch << 3) | (val * 32);
const eLoc = (e: number): number => e & 7;
const eEpoch = (e: number): number => (e >>> 3) & 3;
const eVal = (e: number): number => e >>> 5;
const EPOCH_ONE = 8, EPOCH_MASK = 3 << 3;

/** fe_flags: outstanding (bits 0-1, ids 0..RING_SIZE-1 <= 1), pendq (bits 2-3), then one bit each. */
export const FE_PENDQ = 2, FE_BAD = 16, FE_ID_OVERRUN = 32, FE_PUB = 64, FE_REORDERED = 128, FE_PENDING = 256;
/** be_flags: one bit each. */
export const BE_OVERRUN = 1, BE_UNVALIDATED = 2, BE_STALE = 4, BE_PUB = 8, BE_REORDERED = 16, BE_PENDING = 32;
const outstandingOf = (s: S): number => s.fe_flags & 3;
const pendqOf = (s: S): number => (s.fe_flags >>> FE_PENDQ) & 3;

export const ringWeakFlatLayout = (p: P): Layout => {
  const ib = idxBits(p);
  const wb = 8 + ib;
  const eb = 5 + wb;
  const f = (name: keyof S, bits: number) => ({ name, bits });
  // ordered so that the fields fill the words (7 words at ring-weak: 19-bit entries beside 6- and 7-bit fields)
  return [
    f('fsb0', eb), f('req_prod', ib), f('fe_early_rsp_prod', ib + 1),
    f('fsb1', eb), f('req_event', ib), f('be_early_req_prod', ib + 1),
    f('bsb0', eb), f('rsp_prod', ib), f('be_flags', 6), f('hostile', bitsFor(p.hostileWrites)),
    f('bsb1', eb), f('rsp_event', ib), f('fe_pc', 4),
    f('ring0', wb), f('ring1', wb), f('be_pc', 4),
    f('be_req', wb), f('req_prod_pvt', ib), f('rsp_cons', ib), f('fe_old', ib),
    f('rsp_prod_pvt', ib), f('req_cons', ib), f('be_old', ib), f('fe_flags', 9),
  ];
};

/** ring.ts `ringInit` at `init=fresh`, startIndex 0: SHARED_RING_INIT, FRONT_RING_INIT, BACK_RING_INIT. */
export const ringWeakFlatInit = (p: P): S => {
  const i = I(0), e = I(1);
  // in the layout's order (a state the flat path unpacks has its keys in that order)
  return {
    fsb0: 0, req_prod: i, fe_early_rsp_prod: 0,
    fsb1: 0, req_event: e, be_early_req_prod: 0,
    bsb0: 0, rsp_prod: i, be_flags: 0, hostile: p.frontend === 'hostile' ? p.hostileWrites : 0,
    bsb1: 0, rsp_event: e, fe_pc: F_PROD,
    ring0: EMPTY_W, ring1: p.ringSize > 1 ? EMPTY_W : 0, be_pc: B_CONS,
    be_req: 0, req_prod_pvt: i, rsp_cons: i, fe_old: i,
    rsp_prod_pvt: i, req_cons: i, be_old: i, fe_flags: 0,
  };
};

// --- the shared page (memory.ts's `Mem`): the visible value of a location

export function mem(s: S, l: number): number {
  switch (l) {
    case L_REQ_PROD: return s.req_prod;
    case L_REQ_EVENT: return s.req_event;
    case L_RSP_PROD: return s.rsp_prod;
    case L_RSP_EVENT: return s.rsp_event;
    case L_RING0: return s.ring0;
    default: return s.ring1;
  }
}
function setMem(d: S, l: number, v: number): void {
  switch (l) {
    case L_REQ_PROD: d.req_prod = v; break;
    case L_REQ_EVENT: d.req_event = v; break;
    case L_RSP_PROD: d.rsp_prod = v; break;
    case L_RSP_EVENT: d.rsp_event = v; break;
    case L_RING0: d.ring0 = v; break;
    default: d.ring1 = v;
  }
}

/** memory.ts `wmb` under weak on a buffer whose entry 0 is `e0`: the buffer's epoch + 1 when it holds a store. */
function wmbOf(e0: number, side: string): number {
  if (e0 === 0) return 0;
  if ((e0 & EPOCH_MASK) === EPOCH_MASK) throw new RangeError(`ring-weak-flat: the ${side}'s store-buffer epoch is past 3`);
  return e0 + EPOCH_ONE;
}
/**
 * memory.ts `drainable` under weak: entry i has the lowest epoch (entry 0's is 0) and no older entry to its
 * location; `e0`, `e1` a buffer's entries.
 */
const drainableOf = (e0: number, e1: number, i: number): boolean =>
  i === 0 ? e0 !== 0 : e1 !== 0 && (e1 & EPOCH_MASK) === 0 && eLoc(e1) !== eLoc(e0);
/**
 * memory.ts `drain`, entry 0 (entry 1's epoch taken from the buffer's and from its own: renumbered from 0):
 * the new entry 0 of a buffer whose entry 0 became visible.
 */
const afterDrain0 = (e0: number, e1: number): number => (e1 === 0 ? 0 : entry(eLoc(e1), eEpoch(e0) - eEpoch(e1), eVal(e1)));

// --- the frontend CPU (memory.ts on its store buffer and early loads)

const fCount = (s: S): number => (s.fsb1 !== 0 ? 2 : s.fsb0 !== 0 ? 1 : 0);
/** memory.ts `load`: the CPU's newest buffered store to l, else its early load of l, else the page. */
function fLoad(s: S, l: number): number {
  if (eLoc(s.fsb1) === l) return eVal(s.fsb1);
  if (eLoc(s.fsb0) === l) return eVal(s.fsb0);
  if (l === L_RSP_PROD && s.fe_early_rsp_prod !== 0) return s.fe_early_rsp_prod - 1;
  return mem(s, l);
}
/** memory.ts `loaded`: the early value of l is used up. */
function fUsed(d: S, l: number): void {
  if (l === L_RSP_PROD) d.fe_early_rsp_prod = 0;
}
/** memory.ts `store` under weak: appended to the buffer with the current epoch; an early load of l is dropped. */
function fStore(d: S, l: number, v: number): void {
  if (d.fsb0 === 0) d.fsb0 = entry(l, 0, v);
  else d.fsb1 = entry(l, eEpoch(d.fsb0), v);
  fUsed(d, l);
}
/** memory.ts `rmb` (xen_rmb, the load half of xen_mb): every early load dropped. */
function fRmb(d: S): void { d.fe_early_rsp_prod = 0; }
/** memory.ts `wmb` under weak. */
function fWmb(d: S): void { d.fsb0 = wmbOf(d.fsb0, 'frontend'); }
const fDrainable = (s: S, i: number): boolean => drainableOf(s.fsb0, s.fsb1, i);
/** memory.ts `drain`: entry i becomes visible; epochs renumbered from 0. */
function fDrain(d: S, i: number): void {
  if (i === 0) { setMem(d, eLoc(d.fsb0), eVal(d.fsb0)); d.fsb0 = afterDrain0(d.fsb0, d.fsb1); }
  else setMem(d, eLoc(d.fsb1), eVal(d.fsb1));
  d.fsb1 = 0;
}
/** The CPU's early load of rsp_prod is free (memory.ts `canLoadEarly`: none yet, no own buffered store to it). */
const fCanLoadEarly = (s: S): boolean => s.fe_early_rsp_prod === 0 && eLoc(s.fsb0) !== L_RSP_PROD && eLoc(s.fsb1) !== L_RSP_PROD;

// --- the backend CPU (the same, on its own buffer and early loads)

const bCount = (s: S): number => (s.bsb1 !== 0 ? 2 : s.bsb0 !== 0 ? 1 : 0);
function bLoad(s: S, l: number): number {
  if (eLoc(s.bsb1) === l) return eVal(s.bsb1);
  if (eLoc(s.bsb0) === l) return eVal(s.bsb0);
  if (l === L_REQ_PROD && s.be_early_req_prod !== 0) return s.be_early_req_prod - 1;
  return mem(s, l);
}
function bUsed(d: S, l: number): void {
  if (l === L_REQ_PROD) d.be_early_req_prod = 0;
}
function bStore(d: S, l: number, v: number): void {
  if (d.bsb0 === 0) d.bsb0 = entry(l, 0, v);
  else d.bsb1 = entry(l, eEpoch(d.bsb0), v);
  bUsed(d, l);
}
function bRmb(d: S): void { d.be_early_req_prod = 0; }
function bWmb(d: S): void { d.bsb0 = wmbOf(d.bsb0, 'backend'); }
const bDrainable = (s: S, i: number): boolean => drainableOf(s.bsb0, s.bsb1, i);
function bDrain(d: S, i: number): void {
  if (i === 0) { setMem(d, eLoc(d.bsb0), eVal(d.bsb0)); d.bsb0 = afterDrain0(d.bsb0, d.bsb1); }
  else setMem(d, eLoc(d.bsb1), eVal(d.bsb1));
  d.bsb1 = 0;
}
const bCanLoadEarly = (s: S): boolean => s.be_early_req_prod === 0 && eLoc(s.bsb0) !== L_REQ_PROD && eLoc(s.bsb1) !== L_REQ_PROD;

/** A buffer has room (memory.ts `canStore`, bufferSize 2). */
const fRoom = (s: S): boolean => s.fsb1 === 0;
const bRoom = (s: S): boolean => s.bsb1 === 0;

// --- ring.h predicates, on the values the side loads (ring.ts)

/** `!RING_FULL(front) && messages left` (ring.ts canProduce). */
const canProduce = (s: S, p: P): boolean => !RING_FULL(p.ringSize, s.req_prod_pvt, s.rsp_cons) && idxSub(s.req_prod_pvt, I(0)) < p.messages;
/** RING_HAS_UNCONSUMED_RESPONSES on the rsp_prod the frontend sees. */
const hasResponses = (s: S): boolean => idxSub(fLoad(s, L_RSP_PROD), s.rsp_cons) !== 0;
/** RING_HAS_UNCONSUMED_REQUESTS on the req_prod the backend sees. */
const hasRequests = (s: S, p: P): boolean => NR_UNCONSUMED_REQUESTS(p.ringSize, bLoad(s, L_REQ_PROD), s.req_cons, s.rsp_prod_pvt) !== 0;
/** ring.ts Back `valid`: the backend holds a copied request whose payload it validated in range (RING_COPY_REQUEST). */
export const beValid = (s: S, p: P): boolean => s.be_req !== 0 && wVal(s.be_req) < p.payloads;
/** The request (response) published at index i is what the slot holds (ghost: `idx` is never read by the protocol). */
const isPublished = (w: number, kind: number, i: number): boolean => wKind(w) === kind && wIdx(w) === i;

// --- rules: names, actors, docs, sources and where each applies are ring.ts's

const rule = wordLevelRule<RingState, S, P>(ringRules, 'ring.ts');
/** `[0, ..., n-1]`, one frozen array per n (choice lists are asked for on every state). */
const upTo = (n: number): readonly number[] => (ranges[n] ??= Object.freeze(Array.from({ length: n }, (_, v) => v)));
const ranges: (readonly number[])[] = [];
const NONE: readonly never[] = Object.freeze([]);

/** RING_COPY_RESPONSE(rsp_cons), validate the id as xennet_tx_buf_gc does, complete it; rsp_cons++ (ring.ts copyResponse). */
function copyResponse(d: S, s: S, p: P): void {
  const l = ringAt(slotOf(p, s.rsp_cons));
  const rsp = fLoad(s, l);
  fUsed(d, l);
  if ((s.fe_flags & FE_PUB) !== 0 && !isPublished(rsp, K_RESPONSE, s.rsp_cons)) d.fe_flags |= FE_REORDERED;
  d.fe_flags &= ~FE_PUB;
  // A slot that holds no response is read as one: an empty slot as id RING_SIZE, a request as its id and status OKAY.
  const status = wKind(rsp) === K_RESPONSE ? wVal(rsp) : NETIF_RSP_OKAY;
  const id = wKind(rsp) === K_EMPTY ? p.ringSize : wId(rsp);
  if (status === NETIF_RSP_NULL) { d.rsp_cons = idxAdd(s.rsp_cons, 1); return; }
  const idBad = id >= p.ringSize || !(outstandingOf(s) & (1 << id));
  if (idBad) { d.fe_pc = F_BROKEN; return; } // "Response has incorrect id" / "Response for inactive request"
  d.fe_flags &= ~(1 << id); // outstanding
  d.rsp_cons = idxAdd(s.rsp_cons, 1);
}

/** RING_COPY_REQUEST(req_cons) and validate the copy; req_cons++ (ring.ts copyRequest). */
function copyRequest(d: S, s: S, p: P): void {
  const l = ringAt(slotOf(p, s.req_cons));
  const req = bLoad(s, l);
  bUsed(d, l);
  if (!isPublished(req, K_REQUEST, s.req_cons)) {
    d.be_flags |= BE_STALE;
    if ((s.be_flags & BE_PUB) !== 0) d.be_flags |= BE_REORDERED;
  }
  d.be_flags &= ~BE_PUB;
  d.be_req = req; // valid: its payload is in range ({@link beValid})
  d.req_cons = idxAdd(s.req_cons, 1);
  d.be_pc = B_RESP;
}

/** Early loads: where each CPU may satisfy its next load of the producer index (bit 1) or of the next slot (bit 2), by pc (ring.ts earlyLoadPcs). */
const earlyAt = (side: 'frontend' | 'backend'): number[] => {
  const out: number[] = Array(16).fill(0);
  for (const [pc, ks] of earlyLoadPcs(side)) out[pc] = (ks.includes('prod') ? 1 : 0) | (ks.includes('slot') ? 2 : 0);
  return out;
};
const FE_EARLY = earlyAt('frontend'), BE_EARLY = earlyAt('backend');
// no field for an early load of a slot: none is possible inside the cover (each path from a load of the
// producer index to the slot's passes an xen_rmb()); a ring.ts where one is gets a clear error, not a wrong model
for (const [side, t] of [['frontend', FE_EARLY], ['backend', BE_EARLY]] as const)
  if (t.some((b) => b & 2)) throw new Error(`ring-weak-flat: ring.ts lets the ${side} load a slot early (earlyLoadPcs): the word-level model has no field for it`);

// --- hostile frontend writes (ring.ts hostileDomain, side frontend): choice kinds, each a location and a value

/** The write kinds at p: req_prod (5 values), rsp_event (2), then per slot each id 0..RING_SIZE and each payload 0..payloads. */
const hostileKinds = (p: P): readonly number[] => upTo(7 + p.ringSize * (p.ringSize + 1 + p.payloads + 1));
function hostileLoc(p: P, a: number): number {
  if (a < 5) return L_REQ_PROD;
  if (a < 7) return L_RSP_EVENT;
  return ringAt(Math.floor((a - 7) / (p.ringSize + 1 + p.payloads + 1)));
}
/** The value kind a writes (a kept index, or a slot word). */
function hostileVal(s: S, p: P, a: number): number {
  const N = p.ringSize;
  switch (a) {
    case 0: return idxAdd(s.req_prod, 1);
    case 1: return idxAdd(s.rsp_prod, N + 1);
    case 2: return idxSub(s.req_prod, 1);
    case 3: return I(0);
    case 4: return I(0xffffffff);
    case 5: return I(0);
    case 6: return I(0xffffffff);
  }
  const per = N + 1 + p.payloads + 1;
  const k = Math.floor((a - 7) / per), j = (a - 7) % per;
  const old = k === 0 ? s.ring0 : s.ring1;
  // a field written into a slot that holds the other kind of entry turns it into a request, keeping its id
  const isReq = wKind(old) === K_REQUEST;
  const id = wId(old), val = isReq ? wVal(old) : 0, idx = wIdx(old);
  return j <= N ? word(K_REQUEST, j, val, idx) : word(K_REQUEST, id, j - N - 1, idx);
}
/** Kind a is a write ring.ts makes: not the value already there, not one an earlier kind of the same location writes. */
function hostileWrites(s: S, p: P, a: number): boolean {
  const l = hostileLoc(p, a);
  const v = hostileVal(s, p, a);
  if (v === mem(s, l)) return false;
  for (let b = a - 1; b >= 0 && hostileLoc(p, b) === l; b--) if (hostileVal(s, p, b) === v) return false;
  return true;
}

const FRONT: readonly R[] = [
  rule('produce_request',
    (s, p) => s.fe_pc === F_PROD && canProduce(s, p) && fRoom(s),
    (d, s, p, v: number) => {
      const free = freeId(outstandingOf(s) | pendqOf(s), s.req_prod_pvt, p.ringSize);
      const id = free < 0 ? TX_LINK_NONE : free;
      fStore(d, ringAt(slotOf(p, s.req_prod_pvt)), word(K_REQUEST, id, v, s.req_prod_pvt));
      if (free < 0) d.fe_flags |= FE_ID_OVERRUN;
      else d.fe_flags |= (1 << id) << FE_PENDQ;
      d.req_prod_pvt = idxAdd(s.req_prod_pvt, 1);
    },
    (_s, p) => upTo(p.payloads), (v: number) => `payload=${v}`),
  rule('stop_producing',
    (s, p) => s.fe_pc === F_PROD && !canProduce(s, p),
    (d, s) => { d.fe_flags = (s.fe_flags & ~15) | outstandingOf(s) | pendqOf(s); d.fe_pc = F_PUSH_WMB; }), // outstanding |= pendq; pendq = 0
  rule('RING_PUSH_REQUESTS.xen_wmb', (s) => s.fe_pc === F_PUSH_WMB, (d) => { fWmb(d); d.fe_pc = F_PUSH; }),
  rule('RING_PUSH_REQUESTS',
    (s) => s.fe_pc === F_PUSH && fRoom(s),
    (d, s) => { d.fe_old = fLoad(s, L_REQ_PROD); fStore(d, L_REQ_PROD, s.req_prod_pvt); d.fe_pc = F_CHK_MB; }),
  rule('RING_PUSH_REQUESTS_AND_CHECK_NOTIFY.xen_mb',
    (s) => s.fe_pc === F_CHK_MB && fCount(s) === 0, (d) => { fRmb(d); d.fe_pc = F_CHK; }),
  rule('RING_PUSH_REQUESTS_AND_CHECK_NOTIFY.notify',
    (s) => s.fe_pc === F_CHK && NOTIFY(s.req_prod_pvt, s.fe_old, fLoad(s, L_REQ_EVENT)),
    (d) => { d.fe_old = I(0); d.fe_pc = F_NOTIFY; }),
  rule('RING_PUSH_REQUESTS_AND_CHECK_NOTIFY.no_notify',
    (s) => s.fe_pc === F_CHK && !NOTIFY(s.req_prod_pvt, s.fe_old, fLoad(s, L_REQ_EVENT)),
    (d) => { d.fe_old = I(0); d.fe_pc = F_CONS; }),
  rule('notify_remote_via_evtchn.front', (s) => s.fe_pc === F_NOTIFY, (d) => { d.be_flags |= BE_PENDING; d.fe_pc = F_CONS; }),
  rule('consume_response',
    (s) => s.fe_pc === F_CONS && hasResponses(s),
    (d, s, p) => {
      const rp = fLoad(s, L_RSP_PROD);
      fUsed(d, L_RSP_PROD);
      if (RING_RESPONSE_PROD_OVERFLOW(p.ringSize, rp, s.rsp_cons)) { d.fe_pc = F_BROKEN; return; } // "Illegal number of responses"
      // Ghost: was the response already visible as rsp_prod was read?
      d.fe_flags = isPublished(mem(s, ringAt(slotOf(p, s.rsp_cons))), K_RESPONSE, s.rsp_cons) ? d.fe_flags | FE_PUB : d.fe_flags & ~FE_PUB;
      d.fe_pc = F_RMB;
    }),
  rule('consume_response.xen_rmb', (s) => s.fe_pc === F_RMB, (d) => { fRmb(d); d.fe_pc = F_COPY; }),
  rule('RING_COPY_RESPONSE', (s) => s.fe_pc === F_COPY, (d, s, p) => { d.fe_pc = F_CONS; copyResponse(d, s, p); }),
  rule('RING_FINAL_CHECK_FOR_RESPONSES.empty',
    (s) => s.fe_pc === F_CONS && !hasResponses(s), (d) => { fUsed(d, L_RSP_PROD); d.fe_pc = F_FC1; }),
  rule('RING_FINAL_CHECK_FOR_RESPONSES.arm',
    (s) => s.fe_pc === F_FC1 && fRoom(s), (d, s) => { fStore(d, L_RSP_EVENT, idxAdd(s.rsp_cons, 1)); d.fe_pc = F_FC_MB; }),
  rule('RING_FINAL_CHECK_FOR_RESPONSES.xen_mb',
    (s) => s.fe_pc === F_FC_MB && fCount(s) === 0, (d) => { fRmb(d); d.fe_pc = F_FC2; }),
  rule('RING_FINAL_CHECK_FOR_RESPONSES.recheck_work',
    (s) => s.fe_pc === F_FC2 && hasResponses(s), (d) => { fUsed(d, L_RSP_PROD); d.fe_pc = F_CONS; }),
  rule('RING_FINAL_CHECK_FOR_RESPONSES.recheck_empty_produce',
    (s, p) => s.fe_pc === F_FC2 && !hasResponses(s) && canProduce(s, p), (d) => { fUsed(d, L_RSP_PROD); d.fe_pc = F_PROD; }),
  rule('RING_FINAL_CHECK_FOR_RESPONSES.recheck_empty_block',
    (s, p) => s.fe_pc === F_FC2 && !hasResponses(s) && !canProduce(s, p), (d) => { fRmb(d); d.fe_pc = F_WAIT; }), // blocked: pc F_WAIT
  rule('evtchn_upcall.front',
    (s) => (s.fe_flags & FE_PENDING) !== 0 && s.fe_pc === F_WAIT, (d) => { d.fe_flags &= ~FE_PENDING; d.fe_pc = F_CONS; }),
];

const BACK: readonly R[] = [
  rule('consume_request',
    (s, p) => s.be_pc === B_CONS && hasRequests(s, p),
    (d, s, p) => {
      const rp = bLoad(s, L_REQ_PROD);
      bUsed(d, L_REQ_PROD);
      const impossible = RING_REQUEST_PROD_OVERFLOW(p.ringSize, rp, s.rsp_prod_pvt);
      if (idxSub(rp, s.req_cons) > p.ringSize) { d.be_pc = B_BROKEN; return; } // netback: "Impossible number of requests"
      if (impossible) d.be_flags |= BE_OVERRUN;
      // Ghost: was the request already visible as req_prod was read?
      d.be_flags = isPublished(mem(s, ringAt(slotOf(p, s.req_cons))), K_REQUEST, s.req_cons) ? d.be_flags | BE_PUB : d.be_flags & ~BE_PUB;
      d.be_pc = B_RMB;
    }),
  rule('consume_request.xen_rmb', (s) => s.be_pc === B_RMB, (d) => { bRmb(d); d.be_pc = B_COPY; }),
  rule('RING_COPY_REQUEST', (s) => s.be_pc === B_COPY, (d, s, p) => copyRequest(d, s, p)),
  rule('RING_FINAL_CHECK_FOR_REQUESTS.empty',
    (s, p) => s.be_pc === B_CONS && !hasRequests(s, p), (d) => { bUsed(d, L_REQ_PROD); d.be_pc = B_FC1; }),
  rule('produce_response',
    (s) => s.be_pc === B_RESP && bRoom(s),
    (d, s, p) => {
      const req = s.be_req;
      const valid = beValid(s, p);
      if (valid && wVal(req) >= p.payloads) d.be_flags |= BE_UNVALIDATED;
      const status = valid ? NETIF_RSP_OKAY : NETIF_RSP_ERROR;
      bStore(d, ringAt(slotOf(p, s.rsp_prod_pvt)), word(K_RESPONSE, wId(req), status, s.rsp_prod_pvt));
      d.rsp_prod_pvt = idxAdd(s.rsp_prod_pvt, 1);
      d.be_req = 0;
      d.be_pc = B_PUSH_WMB;
    }),
  rule('RING_PUSH_RESPONSES.xen_wmb', (s) => s.be_pc === B_PUSH_WMB, (d) => { bWmb(d); d.be_pc = B_PUSH; }),
  rule('RING_PUSH_RESPONSES',
    (s) => s.be_pc === B_PUSH && bRoom(s),
    (d, s) => { d.be_old = bLoad(s, L_RSP_PROD); bStore(d, L_RSP_PROD, s.rsp_prod_pvt); d.be_pc = B_CHK_MB; }),
  rule('RING_PUSH_RESPONSES_AND_CHECK_NOTIFY.xen_mb',
    (s) => s.be_pc === B_CHK_MB && bCount(s) === 0, (d) => { bRmb(d); d.be_pc = B_CHK; }),
  rule('RING_PUSH_RESPONSES_AND_CHECK_NOTIFY.notify',
    (s) => s.be_pc === B_CHK && NOTIFY(s.rsp_prod_pvt, s.be_old, bLoad(s, L_RSP_EVENT)),
    (d) => { d.be_old = I(0); d.be_pc = B_NOTIFY; }),
  rule('RING_PUSH_RESPONSES_AND_CHECK_NOTIFY.no_notify',
    (s) => s.be_pc === B_CHK && !NOTIFY(s.rsp_prod_pvt, s.be_old, bLoad(s, L_RSP_EVENT)),
    (d) => { d.be_old = I(0); d.be_pc = B_CONS; }),
  rule('notify_remote_via_evtchn.back', (s) => s.be_pc === B_NOTIFY, (d) => { d.fe_flags |= FE_PENDING; d.be_pc = B_CONS; }),
  rule('RING_FINAL_CHECK_FOR_REQUESTS.arm',
    (s) => s.be_pc === B_FC1 && bRoom(s), (d, s) => { bStore(d, L_REQ_EVENT, idxAdd(s.req_cons, 1)); d.be_pc = B_FC_MB; }),
  rule('RING_FINAL_CHECK_FOR_REQUESTS.xen_mb',
    (s) => s.be_pc === B_FC_MB && bCount(s) === 0, (d) => { bRmb(d); d.be_pc = B_FC2; }),
  rule('RING_FINAL_CHECK_FOR_REQUESTS.recheck_work',
    (s, p) => s.be_pc === B_FC2 && hasRequests(s, p), (d) => { bUsed(d, L_REQ_PROD); d.be_pc = B_CONS; }),
  rule('RING_FINAL_CHECK_FOR_REQUESTS.recheck_empty_block',
    (s, p) => s.be_pc === B_FC2 && !hasRequests(s, p), (d) => { bRmb(d); d.be_pc = B_WAIT; }), // blocked: pc B_WAIT
  rule('evtchn_upcall.back',
    (s) => (s.be_flags & BE_PENDING) !== 0 && s.be_pc === B_WAIT, (d) => { d.be_flags &= ~BE_PENDING; d.be_pc = B_CONS; }),
];

const LOC_NAMES = ['', 'req_prod', 'req_event', 'rsp_prod', 'rsp_event', 'ring[0]', 'ring[1]'];
const BUFFER = upTo(2);
const CPU: readonly R[] = [
  rule('store_visible.front', (s, _p, i: number) => fDrainable(s, i), (d, _s, _p, i: number) => fDrain(d, i),
    () => BUFFER, (i: number) => `entry ${i}`),
  rule('store_visible.back', (s, _p, i: number) => bDrainable(s, i), (d, _s, _p, i: number) => bDrain(d, i),
    () => BUFFER, (i: number) => `entry ${i}`),
  // memory.ts loadEarly of the producer index (the only early load inside the cover: FE_EARLY's check)
  rule('load_satisfied_early.front',
    (s) => (FE_EARLY[s.fe_pc]! & 1) !== 0 && fCanLoadEarly(s), (d) => { d.fe_early_rsp_prod = d.rsp_prod + 1; }),
  rule('load_satisfied_early.back',
    (s) => (BE_EARLY[s.be_pc]! & 1) !== 0 && bCanLoadEarly(s), (d) => { d.be_early_req_prod = d.req_prod + 1; }),
  rule('hostile_write.front',
    (s, p, a: number) => hostileWrites(s, p, a),
    (d, s, p, a: number) => { setMem(d, hostileLoc(p, a), hostileVal(s, p, a)); d.hostile = s.hostile - 1; },
    (s, p) => (p.frontend === 'hostile' && s.hostile > 0 ? hostileKinds(p) : NONE),
    (a: number) => `kind ${a}`),
];

export const ringWeakFlatRules: readonly R[] = [...FRONT, ...BACK, ...CPU];

// --- from a flat state to ring.ts's (the test's mapping; traces in ring's terms)

const slotOfWord = (w: number): Slot => {
  const kind = wKind(w);
  if (kind === K_EMPTY) return { kind: 'empty', id: wId(w), val: wVal(w), idx: unI(wIdx(w)) };
  return { kind: kind === K_REQUEST ? 'request' : 'response', id: wId(w), val: wVal(w), idx: unI(wIdx(w)) };
};
/** A stored value of location l: an index or a slot. */
const wordOf = (l: number, v: number): Word => (l >= L_RING0 ? slotOfWord(v) : unI(v));

/** The ring.ts state this flat state stands for (ring's key order; the counters 0, woke 0). */
export function toNested(s: S, p: P): RingState {
  const N = p.ringSize;
  const memo: Record<string, Word> = {
    [ringLoc(0, 'req_prod')]: unI(s.req_prod), [ringLoc(0, 'req_event')]: unI(s.req_event),
    [ringLoc(0, 'rsp_prod')]: unI(s.rsp_prod), [ringLoc(0, 'rsp_event')]: unI(s.rsp_event),
  };
  for (let k = 0; k < N; k++) memo[slotLoc(0, k)] = slotOfWord(k === 0 ? s.ring0 : s.ring1);
  const buffer = (e0: number, e1: number): StoreBuffer<Word> => ({
    stores: [[e0, 0], [e1, eEpoch(e1)]].filter(([e]) => e !== 0)
      .map(([e, ep]): BufferedStore<Word> => ({ loc: LOC_NAMES[eLoc(e!)]!, val: wordOf(eLoc(e!), eVal(e!)), epoch: ep! })),
    epoch: eEpoch(e0),
  });
  const early = (prod: string, v: number): EarlyLoads<Word> => (v !== 0 ? { [prod]: unI(v - 1) } : {});
  const f = s.fe_flags, b = s.be_flags;
  const front: Front = {
    pc: s.fe_pc, req_prod_pvt: unI(s.req_prod_pvt), rsp_cons: unI(s.rsp_cons), old: unI(s.fe_old), blocked: s.fe_pc === F_WAIT ? 1 : 0,
    outstanding: outstandingOf(s), pendq: pendqOf(s), woke: 0, bad: f & FE_BAD ? 1 : 0, idOverrun: f & FE_ID_OVERRUN ? 1 : 0,
    pub: f & FE_PUB ? 1 : 0, reordered: f & FE_REORDERED ? 1 : 0,
  };
  const back: Back = {
    pc: s.be_pc, rsp_prod_pvt: unI(s.rsp_prod_pvt), req_cons: unI(s.req_cons), old: unI(s.be_old), blocked: s.be_pc === B_WAIT ? 1 : 0,
    req: s.be_req === 0 ? null : slotOfWord(s.be_req), valid: beValid(s, p) ? 1 : 0, woke: 0, overrun: b & BE_OVERRUN ? 1 : 0,
    unvalidated: b & BE_UNVALIDATED ? 1 : 0, stale: b & BE_STALE ? 1 : 0, pub: b & BE_PUB ? 1 : 0, reordered: b & BE_REORDERED ? 1 : 0,
  };
  return {
    mem: memo,
    sb: [buffer(s.fsb0, s.fsb1), buffer(s.bsb0, s.bsb1)],
    early: [early('rsp_prod', s.fe_early_rsp_prod), early('req_prod', s.be_early_req_prod)],
    front: [front],
    back: [back],
    fe_pending: [f & FE_PENDING ? 1 : 0],
    be_pending: [b & BE_PENDING ? 1 : 0],
    hostile: s.hostile,
    notifications: 0,
    spurious: 0,
  };
}

const LOC_OF: Record<string, number> = { req_prod: L_REQ_PROD, req_event: L_REQ_EVENT, rsp_prod: L_RSP_PROD, rsp_event: L_RSP_EVENT, 'ring[0]': L_RING0, 'ring[1]': L_RING1 };
const KIND_OF = { empty: K_EMPTY, request: K_REQUEST, response: K_RESPONSE } as const;
const wordOfSlot = (w: Slot): number => word(KIND_OF[w.kind], w.id, w.val, I(w.idx));
const keptOf = (v: Word): number => (typeof v === 'number' ? I(v) : wordOfSlot(v));
const bit = (on: number, b: number): number => (on ? b : 0);

/**
 * The flat state that stands for a ring.ts state inside the cover (the inverse of {@link toNested} on
 * reachable states; the test checks both ways). Throws on a state the encoding has no word for (an early
 * load of a slot, entry 0 of a buffer at an epoch other than 0, `blocked` or `valid` not what the rest says).
 */
export function fromNested(n: RingState, p: P): S {
  const d = ringWeakFlatInit(p);
  const m = n.mem;
  d.req_prod = I(m['req_prod'] as number); d.req_event = I(m['req_event'] as number);
  d.rsp_prod = I(m['rsp_prod'] as number); d.rsp_event = I(m['rsp_event'] as number);
  d.ring0 = wordOfSlot(m['ring[0]'] as Slot);
  if (p.ringSize > 1) d.ring1 = wordOfSlot(m['ring[1]'] as Slot);
  const sb = (b: StoreBuffer<Word>): [number, number] => {
    if (b.stores.length > 2) throw new Error('fromNested: more than 2 buffered stores');
    const [x0, x1] = b.stores;
    if (x0 === undefined) {
      if (b.epoch !== 0) throw new Error('fromNested: an empty store buffer at an epoch other than 0');
      return [0, 0];
    }
    if (x0.epoch !== 0) throw new Error('fromNested: a store buffer whose first entry has an epoch other than 0');
    return [entry(LOC_OF[x0.loc]!, b.epoch, keptOf(x0.val)), x1 === undefined ? 0 : entry(LOC_OF[x1.loc]!, x1.epoch, keptOf(x1.val))];
  };
  [d.fsb0, d.fsb1] = sb(n.sb[0]!);
  [d.bsb0, d.bsb1] = sb(n.sb[1]!);
  const earlyOf = (e: EarlyLoads<Word>, prod: string): number => {
    let v = 0;
    for (const [k, x] of Object.entries(e)) {
      if (x === undefined) continue;
      if (k === prod) v = I(x as number) + 1;
      else throw new Error(`fromNested: an early load of ${k}`);
    }
    return v;
  };
  d.fe_early_rsp_prod = earlyOf(n.early[0]!, 'rsp_prod');
  d.be_early_req_prod = earlyOf(n.early[1]!, 'req_prod');
  const f = n.front[0]!, b = n.back[0]!;
  d.fe_pc = f.pc; d.req_prod_pvt = I(f.req_prod_pvt); d.rsp_cons = I(f.rsp_cons); d.fe_old = I(f.old);
  d.fe_flags = f.outstanding | (f.pendq << FE_PENDQ) | bit(f.bad, FE_BAD) | bit(f.idOverrun, FE_ID_OVERRUN) | bit(f.pub, FE_PUB) |
    bit(f.reordered, FE_REORDERED) | bit(n.fe_pending[0]!, FE_PENDING);
  d.be_pc = b.pc; d.rsp_prod_pvt = I(b.rsp_prod_pvt); d.req_cons = I(b.req_cons); d.be_old = I(b.old);
  d.be_req = b.req === null ? 0 : wordOfSlot(b.req);
  d.be_flags = bit(b.overrun, BE_OVERRUN) | bit(b.unvalidated, BE_UNVALIDATED) | bit(b.stale, BE_STALE) | bit(b.pub, BE_PUB) |
    bit(b.reordered, BE_REORDERED) | bit(n.be_pending[0]!, BE_PENDING);
  d.hostile = n.hostile;
  if (f.blocked !== (f.pc === F_WAIT ? 1 : 0) || b.blocked !== (b.pc === B_WAIT ? 1 : 0)) throw new Error('fromNested: blocked is not pc === WAIT');
  if (b.valid !== (beValid(d, p) ? 1 : 0)) throw new Error("fromNested: the backend's valid is not its copy's payload in range");
  return d;
}
// --- properties: ring.ts's, with their names, readings and sources, written on the words

const honest = (p: P) => p.frontend === 'honest';
/** Both CPUs' buffers empty, both sides blocked (pc *_WAIT) with no event pending. */
const allStuck = (s: S) => fCount(s) === 0 && bCount(s) === 0 && s.fe_pc === F_WAIT && (s.fe_flags & FE_PENDING) === 0 && s.be_pc === B_WAIT && (s.be_flags & BE_PENDING) === 0;

/** FINAL of ring-spec.md §7 (ring.ts ringFinal). */
export const ringWeakFlatFinal = (s: S, p: P): boolean => {
  const end = idxAdd(I(0), p.messages);
  const ev = idxAdd(end, 1);
  return allStuck(s) && s.fe_pc === F_WAIT && s.be_pc === B_WAIT &&
    s.req_prod === end && s.req_prod_pvt === end && s.req_cons === end && s.rsp_prod_pvt === end && s.rsp_prod === end && s.rsp_cons === end &&
    s.req_event === ev && s.rsp_event === ev && s.fe_old === I(0) && s.be_old === I(0);
};

const HOLDS: Record<string, (s: S, p: P) => boolean> = {
  I1_no_overflow: (s, p) => !honest(p) || (idxSub(s.req_prod, s.rsp_cons) <= p.ringSize && idxSub(s.req_prod_pvt, s.rsp_cons) <= p.ringSize),
  I2_consumer_behind_producer: (s, p) => !honest(p) || (idxLe(s.req_cons, s.req_prod) && idxLe(s.rsp_cons, s.rsp_prod)),
  I3_responses_follow_requests: (s, p) => !honest(p) || (idxLe(s.rsp_prod, s.rsp_prod_pvt) && idxLe(s.rsp_prod_pvt, s.req_cons) &&
    idxLe(s.rsp_prod, s.req_prod) && idxLe(s.req_prod, s.req_prod_pvt) && idxSub(s.req_prod_pvt, I(0)) <= p.messages),
  I4_no_lost_wakeup: (s, p) => !honest(p) || !allStuck(s) || (s.rsp_prod === s.rsp_cons && s.req_prod === s.req_cons),
  I5_only_final_is_terminal: (s, p) => !honest(p) || !allStuck(s) || ringWeakFlatFinal(s, p),
  B_copy_not_older_than_req_prod: (s, p) => !honest(p) || (s.be_flags & BE_REORDERED) === 0,
  F_copy_not_older_than_rsp_prod: (s, p) => !honest(p) || (s.fe_flags & FE_REORDERED) === 0,
  B_reads_published_request: (s, p) => !honest(p) || (s.be_flags & BE_STALE) === 0,
  B_no_impossible_req_prod: (s) => (s.be_flags & BE_OVERRUN) === 0,
  B_uses_validated_request: (s) => (s.be_flags & BE_UNVALIDATED) === 0,
  F_validates_responses: (s, p) => p.frontend === 'hostile' || (s.fe_flags & FE_BAD) === 0,
  F_tx_id_from_free_list: (s, p) => p.frontend === 'hostile' || (s.fe_flags & FE_ID_OVERRUN) === 0,
};
/** ring.ts's invariants, in its order, with its names, readings and sources; each predicate on the words. */
export const ringWeakFlatInvariants: readonly Invariant<S, P>[] = ringInvariants.map((inv) => {
  const holds = HOLDS[inv.name];
  if (!holds) throw new Error(`ring-weak-flat: no word-level version of ${inv.name}`);
  return { name: inv.name, description: inv.description, see: inv.see, holds };
});

/** ring.ts ringValidEnd (backend honest): FINAL with honest peers; with a hostile frontend, the backend blocked or broken. */
export const ringWeakFlatValidEnd = (s: S, p: P): boolean =>
  honest(p) ? ringWeakFlatFinal(s, p) : s.be_pc === B_WAIT || s.be_pc === B_BROKEN;

export const ringWeakFlat = defineModel<S, P>({
  name: 'ring-weak-flat',
  description: 'the ring model at memory=weak on one ring, word-level (a flat layout): the same rules and invariants as ring',
  see: 'model/ring.ts; model/memory.ts; xen/include/public/io/ring.h; docs/perf/2026-12-07b-engine.md',
  params: ringWeakFlatParams,
  init: (p) => [ringWeakFlatInit(p)],
  rules: ringWeakFlatRules,
  invariants: ringWeakFlatInvariants,
  isValidEnd: ringWeakFlatValidEnd,
  layout: ringWeakFlatLayout,
});
