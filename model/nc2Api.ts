/**
 * `nc2-api`: NetChannel2's uring.h as a sequential library, one rule per
 * call a driver makes on one ring (the producer's `nc2_can_send_payload_bytes`,
 * `nc2_send_message`, `nc2_flush_ring`; the consumer's read of the next
 * message, `nc2_finish_messages`, `nc2_final_check_for_messages`), with real
 * 32-bit `RING_IDX` byte counters. This is the model NetChannel2's
 * conformance vectors come from (docs/vectors.md, "nc2-api";
 * conformance/nc2/): a C program calls whole functions one after the other,
 * where the `nc2` model splits them into the interleaved steps of two
 * concurrent ends. The arithmetic is nc2.ts's (`wouldWrap`, `padNeeded`,
 * `spaceFor`, `NOTIFY`), so the vectors check the same reading of uring.h
 * the `nc2` model explores.
 *
 * State: the shared `struct netchannel2_sring_{prod,cons}` (`prod`,
 * `prod_event`, `cons`, `cons_event`), the producer's `prod_pvt` and
 * `bytes_available` (`struct netchannel2_prod_ring`), the consumer's
 * `cons_pvt` (`struct netchannel2_cons_ring`) and the payload in 4-byte
 * cells. What a call returns is not state: {@link nc2ApiObserve} computes
 * it from the states around the call.
 *
 * Guards are the API's preconditions: `nc2_send_message` only for a size
 * `nc2_can_send_payload_bytes` just accepted (uring.h: "Can we send a message
 * with @nr_bytes payload bytes?"), the consumer reads only when `prod !=
 * cons_pvt`; `messages` bounds the messages sent. With `hostile=true` the
 * consumer end may write `cons` anywhere (`hostile_cons`): the vectors then
 * include finding F1 of docs/models/nc2.md, the Linux `BUG_ON` of
 * `nc2_can_send_payload_bytes` (observed as `bug`).
 *
 * Payloads: message k (0-based) is `{type 1, flags 0, size}` followed by
 * body bytes that all hold k, so a message read at the wrong place, torn, or
 * a pad taken for data shows in what the consumer observes.
 *
 * @see docs/models/nc2.md; NetChannel2 uring.h (stored public code)
 */
import { defineModel, type Invariant, type Rule } from './core.js';
import { NOTIFY, idxAdd, idxSub } from './idx32.js';
import { boolParam, defineParams, intParam, isPowerOfTwo, type ParamsOfSpace } from './params.js';
import { array, int, record, type Shape } from './shape.js';
import { CELL, CELL_BODY, CELL_HDR, CELL_PAD, CELL_ZERO, HDR, NETCHANNEL2_MSG_PAD, cellOf, contained, hostileCons, padNeeded, sizeChoices, sizes, spaceFor, wouldWrap, type Nc2Params } from './nc2.js';
import { nc2ApiViews } from './views/nc2.js';

export const nc2ApiParams = defineParams(
  {
    ringBytes: intParam({ default: 32, min: 16, max: 65536, doc: 'payload_bytes of the ring (power of two; a page is 4096, v2v allows up to 16 pages)', check: isPowerOfTwo }),
    // 5 since 2026-12-07 (issue 11 point 5; 3 before, test/support/bounds.ts): at least 40 bytes, so every run that sends them all
    // crosses the 32-byte ring's end, and up to 80, two laps and a half (docs/models/nc2.md)
    messages: intParam({ default: 5, min: 1, max: 15, doc: 'messages the producer sends in all (bounds the state space)' }),
    maxMessage: intParam({ default: 16, min: 8, max: 256, doc: 'largest message in bytes, header included (a multiple of 8); each call chooses 8, 16, ... up to it' }),
    startIndex: intParam({ default: 0, min: 0, max: 0xffffffff, doc: 'the value every RING_IDX starts at (a multiple of 8); 4294967264 crosses 2^32' }),
    hostile: boolParam({ default: false, doc: 'the consumer end may write cons anywhere (hostile_cons), reaching the Linux BUG_ON' }),
  },
  (p) =>
    p.maxMessage % 8 !== 0 ? `maxMessage ${p.maxMessage} is not a multiple of 8`
    : p.maxMessage > p.ringBytes ? `maxMessage ${p.maxMessage} is larger than the ring (ringBytes ${p.ringBytes})`
    : p.startIndex % 8 !== 0 ? `startIndex ${p.startIndex} is not a multiple of 8`
    : undefined,
);
export type Nc2ApiParams = ParamsOfSpace<typeof nc2ApiParams>;
type P = Nc2ApiParams;

/** A 4-byte cell: zero, a header (`size` of message `seq`), body bytes of message `seq`, a pad header. */
export interface Nc2ApiCell { readonly k: number; readonly seq: number; readonly size: number }

export interface Nc2ApiState {
  readonly prod: number;
  readonly prod_event: number;
  readonly cons: number;
  readonly cons_event: number;
  readonly prod_pvt: number;
  readonly bytes_available: number;
  readonly cons_pvt: number;
  readonly payload: readonly Nc2ApiCell[];
  /** Messages sent (the next message's seq). */
  readonly sent: number;
  /** Data messages read. */
  readonly recv: number;
  /** The size nc2_can_send_payload_bytes last accepted (0: none; nc2_send_message consumes it). */
  readonly granted: number;
  /** A BUG_ON fired: the domain is dead. */
  readonly bug: number;
  /** ghost: the consumer read a message that is not the next one sent, whole */
  readonly torn: number;
  /** Writes left to a hostile consumer. */
  readonly hostileLeft: number;
}
type S = Nc2ApiState;
type R = Rule<S, P, any>;

const ringOf = (p: P): Nc2Params => ({ ringBytes: p.ringBytes } as Nc2Params);

export const nc2ApiInit = (p: P): S => {
  const i = p.startIndex >>> 0;
  return {
    prod: i, prod_event: idxAdd(i, 1), cons: i, cons_event: idxAdd(i, 1),
    prod_pvt: i, bytes_available: p.ringBytes, cons_pvt: i,
    payload: Array.from({ length: p.ringBytes / CELL }, () => ({ k: CELL_ZERO, seq: 0, size: 0 })),
    sent: 0, recv: 0, granted: 0, bug: 0, torn: 0, hostileLeft: p.hostile ? 2 : 0,
  };
};

export const nc2ApiShape = (p: P): Shape<S> => {
  const u32 = int(0, 0xffffffff);
  return {
    state: record({
      prod: u32, prod_event: u32, cons: u32, cons_event: u32, prod_pvt: u32, bytes_available: u32, cons_pvt: u32,
      payload: array(record({ k: int(0, 3), seq: int(0, 15), size: int(0, 0xffff) }), p.ringBytes / CELL),
      sent: int(0, 15), recv: int(0, 15), granted: int(0, 0xffff), bug: int(0, 1), torn: int(0, 1), hostileLeft: int(0, 2),
    }) as any,
  };
};

/** The header the consumer reads at cons_pvt: type (0 never written, 1 data, 255 pad) and size. */
export const headerAt = (s: S, x: number, p: P): { type: number; size: number; seq: number } => {
  const c = s.payload[cellOf(x, ringOf(p))]!;
  return c.k === CELL_HDR ? { type: 1, size: c.size, seq: c.seq } : c.k === CELL_PAD ? { type: NETCHANNEL2_MSG_PAD, size: c.size, seq: 0 } : { type: 0, size: 0, seq: c.seq };
};

/** What nc2_can_send_payload_bytes(n) does, sequentially (cons cannot move during the call, so `retry` is never taken). */
export function canSend(s: S, n: number, p: P): { bug: boolean; ret: boolean; bytes_available: number; cons_event: number } {
  const q = ringOf(p);
  if (s.bytes_available > p.ringBytes) return { bug: true, ret: false, bytes_available: s.bytes_available, cons_event: s.cons_event };
  if (s.bytes_available > 2 * n) return { bug: false, ret: true, bytes_available: s.bytes_available, cons_event: s.cons_event };
  const need = wouldWrap(s.prod_pvt, n, q) ? n + padNeeded(s.prod_pvt, q) : n;
  const space = spaceFor(s.prod_pvt, s.cons, q);
  if (space >= need) return { bug: false, ret: true, bytes_available: space, cons_event: s.cons_event };
  return { bug: false, ret: false, bytes_available: s.bytes_available, cons_event: idxAdd(s.cons, 1) };
}

const live = (s: S): boolean => s.bug === 0;
/** With `hostile`, the consumer end runs no protocol: it only writes cons (hostile_cons). */
const honestConsumer = (p: P): boolean => !p.hostile;

export const nc2ApiRules: readonly R[] = [
  {
    name: 'nc2_can_send_payload_bytes', actor: 'producer',
    choices: (_s, p) => sizeChoices(p as unknown as Nc2Params),
    showChoice: (n: number) => `${n} bytes`,
    doc: 'BUG_ON(bytes_available > payload_bytes); fast path bytes_available > 2*nr_bytes; else nr_bytes (+ pad if it would wrap) against payload_bytes - (prod_pvt - cons): bytes_available = space, or cons_event = cons + 1 and return 0',
    see: 'NetChannel2 uring.h nc2_can_send_payload_bytes',
    when: (s, p) => live(s) && s.sent < p.messages,
    then: (d, s, p, n: number) => {
      const c = canSend(s, n, p);
      if (c.bug) { d.bug = 1; return; }
      d.bytes_available = c.bytes_available; d.cons_event = c.cons_event; d.granted = c.ret ? n : 0;
    },
  },
  {
    name: 'nc2_send_message', actor: 'producer',
    doc: '__nc2_avoid_ring_wrap (a NETCHANNEL2_MSG_PAD header of __nc2_pad_needed bytes if the message would wrap), the header {type 1, flags 0, size} and body at prod_pvt, prod_pvt += size, BUG_ON(bytes_available < size), bytes_available -= size',
    see: 'NetChannel2 uring.h nc2_send_message, __nc2_avoid_ring_wrap, __nc2_send_pad',
    when: (s) => live(s) && s.granted > 0,
    then: (d, s, p) => {
      const q = ringOf(p);
      const n = s.granted;
      let x = s.prod_pvt, avail = s.bytes_available;
      if (wouldWrap(x, n, q)) {
        const pad = padNeeded(x, q);
        d.payload[cellOf(x, q)] = { k: CELL_PAD, seq: 0, size: pad };
        x = idxAdd(x, pad); avail = idxSub(avail, pad);
      }
      for (let b = 0; b < n; b += CELL) d.payload[cellOf(x + b, q)] = { k: b === 0 ? CELL_HDR : CELL_BODY, seq: s.sent, size: b === 0 ? n : 0 };
      d.prod_pvt = idxAdd(x, n); d.sent = s.sent + 1; d.granted = 0;
      if (avail < n) { d.bytes_available = avail; d.bug = 1; return; }
      d.bytes_available = avail - n;
    },
  },
  {
    name: 'nc2_flush_ring', actor: 'producer',
    doc: 'old_prod = sring->prod; wmb(); sring->prod = prod_pvt; mb(); return (RING_IDX)(new_prod - prod_event) < (RING_IDX)(new_prod - old_prod)',
    see: 'NetChannel2 uring.h nc2_flush_ring',
    when: (s) => live(s) && s.prod !== s.prod_pvt,
    then: (d, s) => { d.prod = s.prod_pvt; },
  },
  {
    name: 'nc2_get_message', actor: 'consumer', applies: honestConsumer,
    doc: 'prod != cons_pvt: nc2_copy_from_ring the header at cons_pvt (and the body); a NETCHANNEL2_MSG_PAD is skipped, a data message read; cons_pvt += size (honest sizes are multiples of 8)',
    see: 'NetChannel2 uring.h nc2_copy_from_ring; v2v.c v2v_nc2_get_message (size and containment checks, pad skip)',
    when: (s, p) => {
      if (s.prod === s.cons_pvt) return false;
      const h = headerAt(s, s.cons_pvt, p);
      return h.size >= HDR && contained(s.cons_pvt, h.size, ringOf(p));
    },
    then: (d, s, p) => {
      const q = ringOf(p);
      const h = headerAt(s, s.cons_pvt, p);
      if (h.type !== NETCHANNEL2_MSG_PAD) {
        let whole = h.type === 1 && h.seq === s.recv && idxSub(s.prod, s.cons_pvt) >= h.size;
        for (let b = CELL; whole && b < h.size; b += CELL) {
          const c = s.payload[cellOf(s.cons_pvt + b, q)]!;
          whole = c.k === CELL_BODY && c.seq === s.recv;
        }
        if (!whole) d.torn = 1;
        d.recv = Math.min(s.recv + 1, 15);
      }
      d.cons_pvt = idxAdd(s.cons_pvt, h.size);
    },
  },
  {
    name: 'nc2_finish_messages', actor: 'consumer', applies: honestConsumer,
    doc: 'old_cons = sring->cons; mb(); sring->cons = cons_pvt; mb(); return (RING_IDX)(new_cons - cons_event) < (RING_IDX)(new_cons - old_cons)',
    see: 'NetChannel2 uring.h nc2_finish_messages',
    when: (s) => s.cons !== s.cons_pvt,
    then: (d, s) => { d.cons = s.cons_pvt; },
  },
  {
    name: 'nc2_final_check_for_messages', actor: 'consumer', applies: honestConsumer,
    doc: 'called with prod = cons_pvt (every message up to it processed): prod != sring->prod: return 1; else prod_event = prod + 1; mb(); return prod != sring->prod',
    see: 'NetChannel2 uring.h nc2_final_check_for_messages',
    when: (s) => s.prod !== s.cons_pvt || s.prod_event !== idxAdd(s.cons_pvt, 1),
    then: (d, s) => { if (s.prod === s.cons_pvt) d.prod_event = idxAdd(s.cons_pvt, 1); },
  },
  {
    name: 'hostile_cons', actor: 'consumer', applies: (p) => p.hostile, origin: 'environment',
    choices: (s, p) => hostileCons(s.prod_pvt, s.cons, sizes(p as unknown as Nc2Params)[0]!, ringOf(p)),
    doc: 'a hostile consumer writes cons (nc2.ts hostileCons, the boundaries of nc2_can_send_payload_bytes\'s classes): one byte further behind prod_pvt than the ring, ahead of it by the smallest message (with its pad) or by one byte more, or 4 bytes on',
    see: 'uring.h: "the other end is allowed to modify it whenever it likes"',
    when: (s) => s.hostileLeft > 0,
    then: (d, s, _p, v: number) => { d.cons = v; d.hostileLeft = s.hostileLeft - 1; },
  },
];

// --- what a call returns

/** The calling end's fields and the shared ones, then the returned value. */
export function nc2ApiObserve(rule: string, pre: S, post: S, p: P): Record<string, number | boolean> {
  const shared = { prod: post.prod, prod_event: post.prod_event, cons: post.cons, cons_event: post.cons_event };
  const producer = { prod_pvt: post.prod_pvt, bytes_available: post.bytes_available };
  switch (rule) {
    case 'nc2_can_send_payload_bytes':
      return post.bug ? { bug: true } : { ret: post.granted > 0, ...shared, ...producer };
    case 'nc2_send_message':
      return post.bug ? { bug: true } : { pad: wouldWrap(pre.prod_pvt, pre.granted, ringOf(p)), ...shared, ...producer };
    case 'nc2_flush_ring':
      return { notify: NOTIFY(post.prod, pre.prod, post.prod_event), ...shared, ...producer };
    case 'nc2_get_message': {
      const h = headerAt(pre, pre.cons_pvt, p);
      return { type: h.type, size: h.size, ...(h.type === 1 && h.size > HDR ? { body: bodyOf(pre, p) } : {}), ...shared, cons_pvt: post.cons_pvt };
    }
    case 'nc2_finish_messages':
      return { notify: NOTIFY(post.cons, pre.cons, post.cons_event), ...shared, cons_pvt: post.cons_pvt };
    case 'nc2_final_check_for_messages':
      return { work: post.prod !== post.cons_pvt, ...shared, cons_pvt: post.cons_pvt };
    case 'hostile_cons':
      return { ...shared };
    default:
      throw new Error(`nc2-api: no observation for call ${rule}`);
  }
}

/** The body byte of the message at cons_pvt (every body byte holds its message's seq): what the cell after the header holds, 255 where no message body is. */
function bodyOf(s: S, p: P): number {
  const c = s.payload[cellOf(s.cons_pvt + HDR, ringOf(p))]!;
  return c.k === CELL_BODY ? c.seq : 255;
}

export function nc2ApiArgs(rule: string, pre: S, _p: P, choice: unknown): Record<string, number> | undefined {
  if (rule === 'nc2_can_send_payload_bytes') return { nr_bytes: choice as number };
  if (rule === 'nc2_send_message') return { type: 1, flags: 0, size: pre.granted, fill: pre.sent };
  if (rule === 'nc2_final_check_for_messages') return { prod: pre.cons_pvt };
  if (rule === 'hostile_cons') return { cons: choice as number };
  return undefined;
}

// --- invariants: what the API promises a well-behaved pair of callers

const inv = (name: string, description: string, see: string, holds: (s: S, p: P) => boolean): Invariant<S, P> => ({ name, description, see, holds });
export const nc2ApiInvariants: readonly Invariant<S, P>[] = [
  inv('A1_no_overwrite', 'prod_pvt - cons <= payload_bytes (RING_IDX): the producer never writes over bytes the consumer has not released', 'uring.h nc2_can_send_payload_bytes',
    (s, p) => p.hostile || idxSub(s.prod_pvt, s.cons) <= p.ringBytes),
  inv('A2_whole_messages', 'every data message the consumer reads is the next one sent, whole and published', 'uring.h nc2_send_message, nc2_flush_ring',
    (s) => s.torn === 0),
  inv('A3_no_BUG_ON', 'no uring.h BUG_ON fires', 'uring.h nc2_can_send_payload_bytes, nc2_send_message',
    (s) => s.bug === 0),
];

/** Everything sent, read and finished (with a hostile consumer, or after a BUG_ON, any end). */
export const nc2ApiDone = (s: S, p: P): boolean =>
  p.hostile || s.bug === 1 || (s.sent === p.messages && s.prod === s.prod_pvt && s.cons_pvt === s.prod && s.cons === s.cons_pvt);

// --- boundaries

interface Nc2ApiBoundary {
  readonly name: string;
  readonly reason: string;
  readonly hits: (x: { rule: string; pre: S; post: S; obs: Readonly<Record<string, unknown>> }, p: P) => boolean;
  readonly params?: (p: P) => P;
}
const wrapParams = (p: P): P => ({ ...p, startIndex: 0xffffffe0 });
const INDICES = ['prod', 'prod_event', 'cons', 'cons_event', 'prod_pvt', 'cons_pvt'] as const;

export const nc2ApiBoundaries: readonly Nc2ApiBoundary[] = [
  { name: 'can-send-fast', reason: 'nc2_can_send_payload_bytes takes the fast path (bytes_available > 2 * nr_bytes): no read of cons',
    hits: (x) => x.rule === 'nc2_can_send_payload_bytes' && x.obs.ret === true && x.pre.bytes_available > 2 * (x.post.granted) },
  { name: 'can-send-slow', reason: 'nc2_can_send_payload_bytes reads cons and accepts: bytes_available = payload_bytes - (prod_pvt - cons)',
    hits: (x) => x.rule === 'nc2_can_send_payload_bytes' && x.obs.ret === true && x.pre.bytes_available <= 2 * x.post.granted },
  { name: 'can-send-full', reason: 'nc2_can_send_payload_bytes refuses: cons_event = cons + 1',
    hits: (x) => x.rule === 'nc2_can_send_payload_bytes' && x.obs.ret === false },
  { name: 'pad-written', reason: 'nc2_send_message writes a NETCHANNEL2_MSG_PAD first: the message would wrap',
    hits: (x) => x.rule === 'nc2_send_message' && x.obs.pad === true },
  { name: 'message-ends-at-ring-end', reason: '__nc2_ring_would_wrap is true for a message that would end exactly at the ring end: it is padded (finding F2)',
    hits: (x, p) => x.rule === 'nc2_send_message' && x.obs.pad === true && (x.pre.prod_pvt & (p.ringBytes - 1)) + x.pre.granted === p.ringBytes },
  { name: 'pad-skipped', reason: 'the consumer reads a NETCHANNEL2_MSG_PAD header and skips to the ring start',
    hits: (x) => x.rule === 'nc2_get_message' && x.obs.type === NETCHANNEL2_MSG_PAD },
  { name: 'flush-notify-true', reason: 'nc2_flush_ring moves prod across prod_event: notify',
    hits: (x) => x.rule === 'nc2_flush_ring' && x.obs.notify === true },
  { name: 'flush-notify-false', reason: 'nc2_flush_ring publishes with prod_event outside (old, new]: no notify',
    hits: (x) => x.rule === 'nc2_flush_ring' && x.obs.notify === false },
  { name: 'finish-notify-true', reason: 'nc2_finish_messages moves cons across cons_event (the producer waits for space): notify',
    hits: (x) => x.rule === 'nc2_finish_messages' && x.obs.notify === true },
  { name: 'finish-notify-false', reason: 'nc2_finish_messages with cons_event outside (old, new]: no notify',
    hits: (x) => x.rule === 'nc2_finish_messages' && x.obs.notify === false },
  { name: 'final-check-work', reason: 'nc2_final_check_for_messages finds a message published since prod was read',
    hits: (x) => x.rule === 'nc2_final_check_for_messages' && x.obs.work === true },
  { name: 'final-check-no-work', reason: 'nc2_final_check_for_messages finds none: prod_event = prod + 1',
    hits: (x) => x.rule === 'nc2_final_check_for_messages' && x.obs.work === false },
  { name: 'hostile-cons-bug-on', reason: 'a consumer writing cons further behind than the ring: bytes_available wraps above payload_bytes and the next nc2_can_send_payload_bytes hits BUG_ON (finding F1; hostile=true)',
    hits: (x) => x.rule === 'nc2_can_send_payload_bytes' && x.obs.bug === true,
    params: (p) => ({ ...p, hostile: true }) },
  ...INDICES.map((f): Nc2ApiBoundary => ({
    name: `wrap-${f}`, reason: `${f} crosses 2^32 (RING_IDX wraps to 0)`,
    hits: (x) => x.post[f] < x.pre[f] && idxSub(x.post[f], x.pre[f]) < 0x80000000,
    params: wrapParams,
  })),
];

export const nc2ApiVectors = {
  observe: (rule: string, pre: S, post: S, p: P) => nc2ApiObserve(rule, pre, post, p),
  args: (rule: string, pre: S, p: P, choice: unknown) => nc2ApiArgs(rule, pre, p, choice),
  boundaries: nc2ApiBoundaries,
};

export const nc2Api = Object.assign(
  defineModel<S, P>({
    views: nc2ApiViews,
    name: 'nc2-api',
    description: 'NetChannel2 uring.h as a sequential API, one rule per call on one ring, 32-bit RING_IDX byte counters: the model its conformance vectors come from',
    see: 'NetChannel2 uring.h (stored public code); docs/models/nc2.md; docs/vectors.md',
    params: nc2ApiParams,
    init: (p) => [nc2ApiInit(p)],
    shape: nc2ApiShape,
    rules: nc2ApiRules,
    invariants: nc2ApiInvariants,
    isValidEnd: nc2ApiDone,
  }),
  { vectors: nc2ApiVectors },
);
