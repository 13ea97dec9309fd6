/**
 * `nc2`: the NetChannel2 ring (uring.h, Citrix 2009): a pair of byte-stream
 * rings of variable-size messages between two endpoints, each ring with its
 * shared `prod`, `prod_event`, `cons`, `cons_event`, padding messages
 * (`NETCHANNEL2_MSG_PAD`) filling the tail when a message does not fit before
 * the wrap, the event-index notification of `nc2_flush_ring` and
 * `nc2_finish_messages`, the final checks `nc2_final_check_for_messages` and
 * `nc2_can_send_payload_bytes` (the FINAL_CHECK pattern applied to free space,
 * with its `bytes_available` cache), the v2v active hints
 * (`consumer_active`, `producer_active`, `consumer_spinning`), one event
 * channel per ring pair, and a hostile backend.
 *
 * What is transcribed and what is reconstructed (docs/models/nc2.md):
 * - transcribed from stored NetChannel2 source (uring.h of the Linux driver
 *   and of the Windows v2v library, v2v.c's consumer): the shared fields, the
 *   header `{type, flags, size}`, `__nc2_ring_would_wrap`, `__nc2_pad_needed`,
 *   `__nc2_send_pad` (writes the pad header only), `nc2_send_message`,
 *   `nc2_flush_ring`, `nc2_finish_messages`, `nc2_final_check_for_messages`,
 *   `nc2_can_send_payload_bytes` (fast path `bytes_available > 2*nr_bytes`,
 *   slow path, `cons_event = cons + 1`, `mb()`, re-check), Linux's two
 *   `BUG_ON`s, v2v's consumer checks (`size < sizeof(*hdr)`,
 *   `__nc2_contained_in_cons_ring`), its pad skip and its round-up of a
 *   message's size to 8 in `v2v_nc2_finish_message`, and the v2v hints;
 * - reconstructed: the drivers around the ring (when a producer flushes, when
 *   a consumer finishes, how an endpoint sleeps and wakes): the model lets
 *   each happen at any point the code allows (batching is nondeterministic),
 *   and an endpoint blocks on its event channel after a failed final check, as
 *   the io/ring.h drivers do.
 *
 * Bytes: the ring holds `ringBytes` bytes (a power of two: one page is 4096,
 * a multi-page ring a larger power of two; the model's small rings behave
 * the same at the wrap). The payload is modelled in 4-byte cells (the header
 * is 4 bytes, `sizeof(struct netchannel2_msg_hdr)`); honest messages are
 * multiples of 8 bytes as the header comment requires. Indices are 32-bit
 * `RING_IDX` byte counters that really wrap (`startIndex`).
 *
 * Ring 0 is produced by the frontend and consumed by the backend ("the
 * endpoint which provided the memory backing the ring always produces on the
 * first sring"); ring 1 (with `directions=2`) the other way. Rule names carry
 * the acting endpoint: `nc2_flush_ring.frontend`.
 *
 * @see docs/models/nc2.md
 */
import { defineModel, type Invariant, type Rule } from './core.js';
import { NOTIFY, idxAdd, idxSub } from './idx32.js';
import { boolParam, defineParams, enumParam, intParam, isPowerOfTwo, perParams, type ParamsOfSpace } from './params.js';
import { array, int, record, type Shape } from './shape.js';
import { nc2Views } from './views/nc2.js';

// --- constants from uring.h / netchannel2.h

/** `#define NETCHANNEL2_MSG_PAD 255` (uring.h). */
export const NETCHANNEL2_MSG_PAD = 255;
/** `sizeof(struct netchannel2_msg_hdr)`: `uint8_t type; uint8_t flags; uint16_t size;`. */
export const HDR = 4;
/** Bytes per modelled cell of the payload. */
export const CELL = 4;

/** What a cell holds: never written (zero bytes), a message header, message body, a pad header. */
export const CELL_ZERO = 0, CELL_HDR = 1, CELL_BODY = 2, CELL_PAD = 3;

// --- parameters

export const nc2Params = defineParams(
  {
    ringBytes: intParam({ default: 32, min: 16, max: 4096, doc: 'payload_bytes of each ring (power of two; a page is 4096, a multi-page ring is a larger power of two)', check: isPowerOfTwo }),
    messages: intParam({ default: 4, min: 0, max: 15, doc: 'messages each honest producer sends' }),
    maxMessage: intParam({ default: 16, min: 8, max: 4096, doc: 'largest message in bytes (header included, a multiple of 8); the producer chooses every size 8, 16, ... up to it' }),
    directions: intParam({ default: 1, min: 1, max: 2, doc: '1: the frontend-to-backend ring only; 2: both rings of the pair' }),
    startIndex: intParam({ default: 0xfffffff0, min: 0, max: 0xffffffff, doc: 'the value every RING_IDX starts at (a multiple of 8): a quiescent ring that has carried that many bytes; the default 0xfffffff0 is 16 bytes before both the ring end and the 2^32 wrap, so a 16-byte message needs a pad and every index crosses 2^32' }),
    hints: boolParam({ default: false, doc: 'the v2v active hints: consumer_active (producer flushes eagerly), producer_active and consumer_spinning (consumer spins instead of sleeping; no event while it spins)' }),
    backend: enumParam({ values: ['honest', 'hostile'] as const, default: 'honest', doc: 'a hostile backend writes any value into the fields it owns (ring 0 cons and prod_event, ring 1 prod, cons_event, headers and sizes, and its v2v hints) instead of running the protocol' }),
    hostileWrites: intParam({ default: 3, min: 0, max: 6, doc: 'writes a hostile backend makes in one run' }),
    hostileLaps: intParam({ default: 3, min: 1, max: 64, doc: 'laps of a ring a hostile backend produces that the honest frontend reads after the backend\'s last write to that ring (its prod or a header): it reads no message starting hostileLaps * payload_bytes or more past where its cons_pvt was at that write (startIndex before any); between two writes its reads repeat within 3 laps: docs/models/nc2.md "How far the frontend reads"' }),
  },
  (p) =>
    p.maxMessage % 8 !== 0 ? `maxMessage ${p.maxMessage} is not a multiple of 8`
    : p.maxMessage > p.ringBytes ? `maxMessage ${p.maxMessage} is larger than the ring (ringBytes ${p.ringBytes})`
    : p.startIndex % 8 !== 0 ? `startIndex ${p.startIndex} is not a multiple of 8`
    : p.ringBytes / CELL > 64 ? `ringBytes ${p.ringBytes}: at most 256 bytes are modelled cell by cell`
    : undefined,
);
export type Nc2Params = ParamsOfSpace<typeof nc2Params>;
type P = Nc2Params;

// --- state

/** A 4-byte cell of a ring's payload, with the ghost `skip` (the producer skipped it as padding). */
export interface Nc2Cell {
  readonly k: number;
  /** Which message (0-based) wrote the cell. */
  readonly seq: number;
  /** A header's `size` field. */
  readonly size: number;
  /** ghost: the producer last passed over this cell as padding */
  readonly skip: number;
}

/** One sring (uring.h `struct netchannel2_sring_fields`) with its payload. */
export interface Nc2Sring {
  readonly prod: number;
  readonly prod_event: number;
  readonly cons: number;
  readonly cons_event: number;
  readonly consumer_active: number;
  readonly consumer_spinning: number;
  readonly producer_active: number;
  readonly payload: readonly Nc2Cell[];
}

/** Producer program counters. */
export const P_IDLE = 0, P_CHK = 1, P_SETEV = 2, P_RECHK = 3, P_SEND = 4, P_HINT = 5, P_FLUSH = 6, P_NOTIFY = 7, P_WAIT = 8, P_BUG = 9;
/** Consumer program counters. */
export const C_READ = 0, C_FIN = 1, C_FIN_NOTIFY = 2, C_FC1 = 3, C_FC2 = 4, C_WAIT = 5, C_SPIN = 6, C_DEAD = 7;

/** The producing endpoint's private state (`struct netchannel2_prod_ring` / `nc2_ring_pair`). */
export interface Nc2Producer {
  readonly pc: number;
  readonly prod_pvt: number;
  /** The previous value written to `prod` (v2v `local_prod`; Linux reads `sring->prod`, the same value for an honest producer). */
  readonly local_prod: number;
  readonly bytes_available: number;
  /** Size of the message being sent. */
  readonly want: number;
  readonly cons_snap: number;
  /** `old_prod` of nc2_flush_ring. */
  readonly old: number;
  /** Where nc2_flush_ring returns. */
  readonly ret: number;
  readonly sent: number;
  readonly blocked: number;
  readonly local_producer_active: number;
  /** ghost: wrote over bytes the consumer had not finished with */
  readonly overwrote: number;
}

/** The consuming endpoint's private state. */
export interface Nc2Consumer {
  readonly pc: number;
  readonly cons_pvt: number;
  readonly local_cons: number;
  readonly prod_snap: number;
  readonly old: number;
  /** Data messages delivered. */
  readonly recv: number;
  readonly blocked: number;
  /** ghost: delivered a message that is not the next one sent, whole and published */
  readonly torn: number;
  /** ghost: delivered a message from bytes the producer skipped as padding */
  readonly padAsData: number;
  /** ghost: read a message not contained in the ring */
  readonly outside: number;
  /** ghost: accepted a message that does not advance cons_pvt */
  readonly stuck: number;
  /** v2v_nc2_get_message's `counter` reached CONSUMER_SPIN_LIMIT in this call (one spin period in the model). */
  readonly spun: number;
  /** ghost: spun again within one call after the limit (a loop on producer_active) */
  readonly respun: number;
  /** ghost, on a ring a hostile peer produces (0 otherwise): bytes of pad skipped since the last data message delivered, at most payload_bytes + 1 (more than a ring: the consumer went round on pads alone) */
  readonly padRun: number;
  /** On a ring a hostile peer produces: `cons_pvt` when the peer last wrote the ring's `prod` or a header (startIndex before any write, and always on an honest producer's ring); the bound of `hostileLaps` counts from here (`lapsLeft`). */
  readonly lapFrom: number;
}

export interface Nc2State {
  readonly sring: readonly Nc2Sring[];
  readonly prod: readonly Nc2Producer[];
  readonly cons: readonly Nc2Consumer[];
  /** Event-channel pending bit of each endpoint: [frontend, backend]. */
  readonly pending: readonly number[];
  /** Writes left to a hostile backend. */
  readonly hostileLeft: number;
}
type S = Nc2State;
type R = Rule<S, P, any>;

export const ENDPOINTS = ['frontend', 'backend'] as const;
/** The endpoint producing on ring r (0: frontend) and the one consuming it. */
export const producerOf = (r: number): number => r;
export const consumerOf = (r: number): number => 1 - r;
const honestEnd = (e: number, p: P): boolean => e === 0 || p.backend === 'honest';
const bothHonest = (p: P): boolean => p.backend === 'honest';

export const nc2Init = (p: P): S => {
  const i = p.startIndex >>> 0;
  const cells = p.ringBytes / CELL;
  const sring = (r: number): Nc2Sring => ({
    prod: i, prod_event: idxAdd(i, 1), cons: i, cons_event: idxAdd(i, 1),
    // v2v_nc2_request_fast_receive: an honest consumer asks for eager flushes when the hints are on
    consumer_active: p.hints && honestEnd(consumerOf(r), p) ? 1 : 0, consumer_spinning: 0, producer_active: 0,
    payload: Array.from({ length: cells }, () => ({ k: CELL_ZERO, seq: 0, size: 0, skip: 0 })),
  });
  const prod: Nc2Producer = {
    pc: P_IDLE, prod_pvt: i, local_prod: i, bytes_available: p.ringBytes, want: 0, cons_snap: i, old: i, ret: P_IDLE,
    sent: 0, blocked: 0, local_producer_active: 0, overwrote: 0,
  };
  const cons: Nc2Consumer = { pc: C_READ, cons_pvt: i, local_cons: i, prod_snap: i, old: i, recv: 0, blocked: 0, torn: 0, padAsData: 0, outside: 0, stuck: 0, spun: 0, respun: 0, padRun: 0, lapFrom: i };
  const n = p.directions;
  return {
    sring: Array.from({ length: n }, (_, r) => sring(r)),
    prod: Array.from({ length: n }, () => prod),
    cons: Array.from({ length: n }, () => cons),
    pending: [0, 0],
    hostileLeft: p.backend === 'hostile' ? p.hostileWrites : 0,
  };
};

export const nc2Shape = (p: P): Shape<S> => {
  const u32 = int(0, 0xffffffff);
  const bit = int(0, 1);
  const cell = record({ k: int(0, 3), seq: int(0, 15), size: int(0, 0xffff), skip: bit });
  return {
    state: record({
      sring: array(record({
        prod: u32, prod_event: u32, cons: u32, cons_event: u32, consumer_active: bit, consumer_spinning: bit, producer_active: bit,
        payload: array(cell, p.ringBytes / CELL),
      }), p.directions),
      prod: array(record({
        pc: int(0, 15), prod_pvt: u32, local_prod: u32, bytes_available: u32, want: int(0, 0xffff), cons_snap: u32, old: u32, ret: int(0, 15),
        sent: int(0, 15), blocked: bit, local_producer_active: bit, overwrote: bit,
      }), p.directions),
      cons: array(record({
        pc: int(0, 15), cons_pvt: u32, local_cons: u32, prod_snap: u32, old: u32, recv: int(0, 15), blocked: bit,
        torn: bit, padAsData: bit, outside: bit, stuck: bit, spun: bit, respun: bit, padRun: int(0, 257), lapFrom: u32,
      }), p.directions),
      pending: array(bit, 2),
      hostileLeft: int(0, 6),
    }) as any,
  };
};

// --- uring.h arithmetic

const mask = (p: P): number => p.ringBytes - 1;
/** `__nc2_ring_would_wrap`: `(prod_pvt & ~mask) != ((prod_pvt + nr_bytes) & ~mask)`. */
export const wouldWrap = (prod_pvt: number, n: number, p: P): boolean =>
  ((prod_pvt & ~mask(p)) >>> 0) !== ((idxAdd(prod_pvt, n) & ~mask(p)) >>> 0);
/** `__nc2_pad_needed`: `payload_bytes - (prod_pvt & (payload_bytes - 1))`. */
export const padNeeded = (prod_pvt: number, p: P): number => p.ringBytes - (prod_pvt & mask(p));
/** `payload_bytes - (prod_pvt - cons)`, RING_IDX arithmetic: the space nc2_can_send_payload_bytes computes. */
export const spaceFor = (prod_pvt: number, cons: number, p: P): number => idxSub(p.ringBytes, idxSub(prod_pvt, cons));
/** `nr_bytes` plus the pad a wrap needs: what the slow path asks for. */
export const needFor = (prod_pvt: number, n: number, p: P): number => (wouldWrap(prod_pvt, n, p) ? n + padNeeded(prod_pvt, p) : n);
/** The cell holding byte index x. */
export const cellOf = (x: number, p: P): number => (x & mask(p)) / CELL | 0;
/** `__nc2_contained_in_cons_ring(hdr at x, size)`: the message lies inside the payload, not across its end. */
export const contained = (x: number, size: number, p: P): boolean => size <= p.ringBytes && (x & mask(p)) + size <= p.ringBytes;
/** The header the consumer reads at cons_pvt: the cell's bytes, a zero header if never written. Misaligned reads (a hostile 4-byte pad) read a cell as it is. */
export const headerAt = (s: S, r: number, x: number, p: P): { type: number; size: number; k: number; seq: number; skip: number } => {
  const c = s.sring[r]!.payload[cellOf(x, p)]!;
  const type = c.k === CELL_PAD ? NETCHANNEL2_MSG_PAD : c.k === CELL_HDR ? 1 : 0;
  const size = c.k === CELL_HDR || c.k === CELL_PAD ? c.size : 0;
  return { type, size, k: c.k, seq: c.seq, skip: c.skip };
};
/** v2v's validity test of an incoming header: `size >= sizeof(*hdr)` and contained in the ring. */
export const validHeader = (x: number, size: number, p: P): boolean => size >= HDR && contained(x, size, p);
/** `(size + 7) & ~7`: how far v2v_nc2_finish_message moves cons_pvt past a data message. */
const round8 = (n: number): number => ((n + 7) & ~7) >>> 0;

/** Byte counts of a producer's possible messages: 8, 16, ..., maxMessage. */
export const sizes = (p: P): number[] => Array.from({ length: p.maxMessage / 8 }, (_, i) => 8 * (i + 1));
/** {@link sizes} built once per parameter record, for the rules' choices (only read; test/choicesShared). */
export const sizeChoices: (p: P) => readonly number[] = perParams(sizes);

// --- rules, generated per ring

const applies = (r: number, role: 'prod' | 'cons') => (p: P): boolean =>
  r < p.directions && honestEnd(role === 'prod' ? producerOf(r) : consumerOf(r), p);

/** Mark an overwrite if writing [x, x+len) touches bytes the (honest) consumer has not released with `cons`. */
const overwrites = (s: S, r: number, x: number, len: number, p: P): boolean =>
  honestEnd(consumerOf(r), p) && idxSub(idxAdd(x, len), s.sring[r]!.cons) > p.ringBytes;

/** How nc2_can_send_payload_bytes computes the free space from prod_pvt and cons (a fix may clamp it: examples/nc2-*-fix.ts). */
export type SpaceOf = (prod_pvt: number, cons: number, p: P) => number;

/** The producer rules of ring r, with `space` as nc2_can_send_payload_bytes's free space (uring.h's by default). */
export function producerRules(r: number, space: SpaceOf = spaceFor): R[] {
  const who = ENDPOINTS[producerOf(r)]!;
  const peer = consumerOf(r);
  const ap = applies(r, 'prod');
  const pr = (s: S) => s.prod[r]!;
  const fast = (s: S) => pr(s).bytes_available > 2 * pr(s).want;
  const see = 'NetChannel2 uring.h';
  return [
    {
      name: `nc2_prepare_message.${who}`, actor: who, applies: ap, choices: (_s, p) => sizeChoices(p), showChoice: (n: number) => `${n} bytes`,
      doc: 'the driver has a message of n bytes (header included) to send: call nc2_can_send_payload_bytes(n)',
      see: 'v2v.c v2v_nc2_prep_message; netchannel2 driver',
      when: (s, p) => pr(s).pc === P_IDLE && pr(s).sent < p.messages,
      then: (d, _s, _p, n: number) => { d.prod[r]!.want = n; d.prod[r]!.pc = P_CHK; },
    },
    {
      name: `BUG_ON.bytes_available.${who}`, actor: who, applies: ap,
      doc: 'BUG_ON(ring->bytes_available > ring->payload_bytes): the cached free space exceeds the ring: the domain crashes',
      see: `${see} nc2_can_send_payload_bytes (Linux)`,
      when: (s, p) => pr(s).pc === P_CHK && pr(s).bytes_available > p.ringBytes,
      then: (d) => { d.prod[r]!.pc = P_BUG; },
    },
    {
      name: `nc2_can_send_payload_bytes.fast.${who}`, actor: who, applies: ap,
      doc: 'bytes_available > nr_bytes * 2: room even with a pad message, no shared read',
      see: `${see} nc2_can_send_payload_bytes`,
      when: (s, p) => pr(s).pc === P_CHK && pr(s).bytes_available <= p.ringBytes && fast(s),
      then: (d) => { d.prod[r]!.pc = P_SEND; },
    },
    {
      name: `nc2_can_send_payload_bytes.space.${who}`, actor: who, applies: ap,
      doc: 'cons = sring->cons; space = payload_bytes - (prod_pvt - cons) >= nr_bytes (+ pad if it would wrap): bytes_available = space',
      see: `${see} nc2_can_send_payload_bytes`,
      when: (s, p) => {
        const x = pr(s);
        return x.pc === P_CHK && x.bytes_available <= p.ringBytes && !fast(s) &&
          space(x.prod_pvt, s.sring[r]!.cons, p) >= needFor(x.prod_pvt, x.want, p);
      },
      then: (d, s, p) => { d.prod[r]!.bytes_available = space(pr(s).prod_pvt, s.sring[r]!.cons, p); d.prod[r]!.pc = P_SEND; },
    },
    {
      name: `nc2_can_send_payload_bytes.no_space.${who}`, actor: who, applies: ap,
      doc: 'cons = sring->cons; not enough space: remember cons',
      see: `${see} nc2_can_send_payload_bytes`,
      when: (s, p) => {
        const x = pr(s);
        return x.pc === P_CHK && x.bytes_available <= p.ringBytes && !fast(s) &&
          space(x.prod_pvt, s.sring[r]!.cons, p) < needFor(x.prod_pvt, x.want, p);
      },
      then: (d, s) => { d.prod[r]!.cons_snap = s.sring[r]!.cons; d.prod[r]!.pc = P_SETEV; },
    },
    {
      name: `nc2_can_send_payload_bytes.cons_event.${who}`, actor: who, applies: ap,
      doc: 'sring->cons_event = cons + 1 (an event as soon as any space frees), then mb()',
      see: `${see} nc2_can_send_payload_bytes`,
      when: (s) => pr(s).pc === P_SETEV,
      then: (d, s) => { d.sring[r]!.cons_event = idxAdd(pr(s).cons_snap, 1); d.prod[r]!.pc = P_RECHK; },
    },
    {
      name: `nc2_can_send_payload_bytes.retry.${who}`, actor: who, applies: ap,
      doc: 'cons != sring->cons: the consumer moved while we set the event: goto retry',
      see: `${see} nc2_can_send_payload_bytes`,
      when: (s) => pr(s).pc === P_RECHK && s.sring[r]!.cons !== pr(s).cons_snap,
      then: (d, _s, p) => { d.prod[r]!.pc = P_CHK; d.prod[r]!.cons_snap = p.startIndex; },
    },
    {
      name: `nc2_can_send_payload_bytes.full.${who}`, actor: who, applies: ap,
      doc: 'cons unchanged: no space, event armed: return 0; the driver sleeps on its event channel',
      see: `${see} nc2_can_send_payload_bytes`,
      when: (s) => pr(s).pc === P_RECHK && s.sring[r]!.cons === pr(s).cons_snap && pr(s).prod_pvt === pr(s).local_prod,
      then: (d, _s, p) => { d.prod[r]!.pc = P_WAIT; d.prod[r]!.blocked = 1; d.prod[r]!.cons_snap = p.startIndex; },
    },
    {
      name: `__nc2_send_pad.${who}`, actor: who, applies: ap,
      doc: 'the message would wrap: write a NETCHANNEL2_MSG_PAD header of __nc2_pad_needed bytes; prod_pvt and bytes_available move past the tail',
      see: `${see} __nc2_avoid_ring_wrap, __nc2_send_pad`,
      when: (s, p) => pr(s).pc === P_SEND && wouldWrap(pr(s).prod_pvt, pr(s).want, p),
      then: (d, s, p) => sendPad(d, s, r, p, true),
    },
    {
      name: `nc2_send_message.${who}`, actor: who, applies: ap,
      doc: 'write header {type, flags, size} and body at prod_pvt; prod_pvt += size; BUG_ON(bytes_available < size); bytes_available -= size',
      see: `${see} nc2_send_message`,
      when: (s, p) => pr(s).pc === P_SEND && !wouldWrap(pr(s).prod_pvt, pr(s).want, p),
      then: (d, s, p) => {
        const x = pr(s);
        writeMessage(d, s, r, x.prod_pvt, x.want, x.sent, p);
        const dp = d.prod[r]!;
        dp.prod_pvt = idxAdd(x.prod_pvt, x.want);
        dp.sent = x.sent + 1;
        if (x.bytes_available < x.want) { dp.pc = P_BUG; return; }
        dp.bytes_available = x.bytes_available - x.want;
        dp.want = 0;
        dp.pc = p.hints ? P_HINT : P_IDLE;
      },
    },
    {
      name: `v2v_nc2_prep_message.producer_active.${who}`, actor: who, applies: (p) => ap(p) && p.hints,
      doc: 'remote consumer_active, not yet producer_active, and a flush would notify: producer_active = 1 and notify now, so the consumer spins for the rest',
      see: 'v2v.c v2v_nc2_prep_message, __nc2_flush_would_trigger_event',
      when: (s) => pr(s).pc === P_HINT && hintFires(s, r),
      then: (d) => { d.sring[r]!.producer_active = 1; d.prod[r]!.local_producer_active = 1; d.pending[peer] = 1; d.prod[r]!.pc = P_IDLE; },
    },
    {
      name: `v2v_nc2_prep_message.no_hint.${who}`, actor: who, applies: (p) => ap(p) && p.hints,
      doc: 'no early wake-up: the consumer is not active, or producer_active is set, or a flush would not notify',
      see: 'v2v.c v2v_nc2_prep_message',
      when: (s) => pr(s).pc === P_HINT && !hintFires(s, r),
      then: (d) => { d.prod[r]!.pc = P_IDLE; },
    },
    {
      name: `nc2_flush_ring.${who}`, actor: who, applies: ap,
      doc: 'old = local_prod; wmb(); sring->prod = prod_pvt; mb(): publish every message written so far (also when nc2_can_send_payload_bytes fails, before the driver sleeps)',
      see: `${see} nc2_flush_ring`,
      when: (s) => {
        const x = pr(s);
        return x.prod_pvt !== x.local_prod && (x.pc === P_IDLE || x.pc === P_RECHK);
      },
      then: (d, s) => {
        const x = pr(s), dp = d.prod[r]!;
        dp.old = x.local_prod; d.sring[r]!.prod = x.prod_pvt; dp.local_prod = x.prod_pvt; dp.ret = x.pc; dp.pc = P_FLUSH;
      },
    },
    {
      name: `nc2_flush_ring.notify.${who}`, actor: who, applies: ap,
      doc: '(RING_IDX)(new_prod - prod_event) < (RING_IDX)(new_prod - old_prod): the consumer asked for an event in (old, new]',
      see: `${see} nc2_flush_ring; v2v.c v2v_nc2_send_messages (no event while consumer_spinning)`,
      when: (s, p) => pr(s).pc === P_FLUSH && flushNotifies(s, r) && !(p.hints && s.sring[r]!.consumer_spinning === 1),
      then: (d) => { d.prod[r]!.pc = P_NOTIFY; },
    },
    {
      name: `nc2_flush_ring.no_notify.${who}`, actor: who, applies: ap,
      doc: 'the event index is outside (old, new] (or, with the hints, the consumer is spinning): no event',
      see: `${see} nc2_flush_ring`,
      when: (s, p) => pr(s).pc === P_FLUSH && !(flushNotifies(s, r) && !(p.hints && s.sring[r]!.consumer_spinning === 1)),
      then: (d, s, p) => {
        if (p.hints && flushNotifies(s, r)) clearProducerActive(d, s, r);
        flushReturn(d, s, r, p);
      },
    },
    {
      name: `notify_remote_via_evtchn.${who}`, actor: who, applies: ap,
      doc: 'send the event (and, v2v, clear producer_active)',
      see: 'drivers/xen/events notify_remote_via_evtchn; v2v.c v2v_nc2_send_messages',
      when: (s) => pr(s).pc === P_NOTIFY,
      then: (d, s, p) => { d.pending[peer] = 1; if (p.hints) clearProducerActive(d, s, r); flushReturn(d, s, r, p); },
    },
  ];
}

/** nc2_flush_ring returns to its caller; its locals are dead (reset, so that they do not split states). */
const flushReturn = (d: any, s: S, r: number, p: P): void => {
  const dp = d.prod[r]!;
  dp.pc = s.prod[r]!.ret; dp.ret = P_IDLE; dp.old = p.startIndex;
};
const flushNotifies = (s: S, r: number): boolean => NOTIFY(s.prod[r]!.local_prod, s.prod[r]!.old, s.sring[r]!.prod_event);
/** `__nc2_flush_would_trigger_event` with v2v's conditions around it. */
const hintFires = (s: S, r: number): boolean => {
  const x = s.prod[r]!, sr = s.sring[r]!;
  return sr.consumer_active === 1 && x.local_producer_active === 0 && NOTIFY(x.prod_pvt, x.local_prod, sr.prod_event);
};
const clearProducerActive = (d: any, s: S, r: number): void => {
  if (s.prod[r]!.local_producer_active) { d.prod[r]!.local_producer_active = 0; d.sring[r]!.producer_active = 0; }
};

/** __nc2_send_pad: the pad header (if `write`), the skipped tail marked (ghost), prod_pvt and bytes_available moved. */
export function sendPad(d: any, s: S, r: number, p: P, write: boolean): void {
  const x = s.prod[r]!;
  const n = padNeeded(x.prod_pvt, p);
  const dp = d.prod[r]!;
  if (overwrites(s, r, x.prod_pvt, write ? HDR : 0, p)) dp.overwrote = 1;
  const cells = d.sring[r]!.payload;
  for (let b = 0; b < n; b += CELL) cells[cellOf(x.prod_pvt + b, p)]!.skip = 1;
  if (write) {
    const c = cells[cellOf(x.prod_pvt, p)]!;
    c.k = CELL_PAD; c.size = n; c.seq = 0;
  }
  dp.prod_pvt = idxAdd(x.prod_pvt, n);
  dp.bytes_available = idxSub(x.bytes_available, n);
}

/** The header and body of message `seq` of `size` bytes written at x. */
export function writeMessage(d: any, s: S, r: number, x: number, size: number, seq: number, p: P): void {
  if (overwrites(s, r, x, size, p)) d.prod[r]!.overwrote = 1;
  const cells = d.sring[r]!.payload;
  for (let b = 0; b < size; b += CELL) {
    const c = cells[cellOf(x + b, p)]!;
    c.k = b === 0 ? CELL_HDR : CELL_BODY; c.seq = seq; c.size = b === 0 ? size : 0; c.skip = 0;
  }
}

/**
 * The bound of a run on a ring a hostile peer produces (`hostileLaps`): the honest consumer reads a message only
 * while its `cons_pvt` is less than hostileLaps * payload_bytes past `lapFrom`, where it was when the peer last wrote
 * the ring's `prod` or a header (startIndex before any write). Between two such writes the reads repeat within 3
 * laps (docs/models/nc2.md "How far the frontend reads"). cons_pvt only moves forward, by at most a ring and 4 bytes
 * a read, so the difference never wraps. On an honest producer's ring the messages bound the run and this is always
 * true.
 */
export const lapsLeft = (s: S, r: number, p: P): boolean =>
  honestEnd(producerOf(r), p) || idxSub(s.cons[r]!.cons_pvt, s.cons[r]!.lapFrom) < p.hostileLaps * p.ringBytes;

/** A hostile producer wrote what the consumer of ring r reads (its `prod`, a header): the laps bound counts from here. */
const wroteRing = (d: any, s: S, r: number): void => { d.cons[r]!.lapFrom = s.cons[r]!.cons_pvt; };

/** The consumer rules of ring r. */
export function consumerRules(r: number): R[] {
  const who = ENDPOINTS[consumerOf(r)]!;
  const peer = producerOf(r);
  const ap = applies(r, 'cons');
  const cn = (s: S) => s.cons[r]!;
  const hasData = (s: S) => s.sring[r]!.prod !== cn(s).cons_pvt;
  const hdr = (s: S, p: P) => headerAt(s, r, cn(s).cons_pvt, p);
  const see = 'NetChannel2 uring.h';
  const reads = (s: S, p: P) => lapsLeft(s, r, p);
  return [
    {
      name: `nc2_get_message.pad.${who}`, actor: who, applies: ap,
      doc: 'prod != cons_pvt; the header at cons_pvt is valid and of type NETCHANNEL2_MSG_PAD: cons_pvt += size (discard pad message)',
      see: 'v2v.c v2v_nc2_get_message',
      when: (s, p) => cn(s).pc === C_READ && hasData(s) && reads(s, p) && validHeader(cn(s).cons_pvt, hdr(s, p).size, p) && hdr(s, p).type === NETCHANNEL2_MSG_PAD,
      then: (d, s, p) => { consume(d, s, r, p, hdr(s, p).size, false); },
    },
    {
      name: `nc2_get_message.${who}`, actor: who, applies: ap,
      doc: 'prod != cons_pvt; the header at cons_pvt is valid: deliver the message, cons_pvt += (size + 7) & ~7',
      see: 'v2v.c v2v_nc2_get_message, v2v_nc2_finish_message',
      when: (s, p) => cn(s).pc === C_READ && hasData(s) && reads(s, p) && validHeader(cn(s).cons_pvt, hdr(s, p).size, p) && hdr(s, p).type !== NETCHANNEL2_MSG_PAD,
      then: (d, s, p) => { consume(d, s, r, p, hdr(s, p).size, true); },
    },
    {
      name: `nc2_get_message.invalid.${who}`, actor: who, applies: ap,
      doc: 'size < sizeof(*hdr) or the message is not contained in the ring: "can\'t happen, unless the other end is misbehaving": the channel stops',
      see: 'v2v.c v2v_nc2_get_message (invalid_message), __nc2_contained_in_cons_ring',
      when: (s, p) => cn(s).pc === C_READ && hasData(s) && reads(s, p) && !validHeader(cn(s).cons_pvt, hdr(s, p).size, p),
      then: (d) => { d.cons[r]!.pc = C_DEAD; },
    },
    {
      name: `nc2_finish_messages.${who}`, actor: who, applies: ap,
      doc: 'old = local_cons; mb(); sring->cons = cons_pvt; mb(): release the bytes consumed so far',
      see: `${see} nc2_finish_messages`,
      when: (s) => cn(s).pc === C_READ && cn(s).cons_pvt !== cn(s).local_cons,
      then: (d, s) => { const dc = d.cons[r]!; dc.old = cn(s).local_cons; d.sring[r]!.cons = cn(s).cons_pvt; dc.local_cons = cn(s).cons_pvt; dc.pc = C_FIN; },
    },
    {
      name: `nc2_finish_messages.notify.${who}`, actor: who, applies: ap,
      doc: '(RING_IDX)(new_cons - cons_event) < (RING_IDX)(new_cons - old_cons): the producer waits for space: event',
      see: `${see} nc2_finish_messages`,
      when: (s) => cn(s).pc === C_FIN && NOTIFY(cn(s).local_cons, cn(s).old, s.sring[r]!.cons_event),
      then: (d) => { d.cons[r]!.pc = C_FIN_NOTIFY; },
    },
    {
      name: `nc2_finish_messages.no_notify.${who}`, actor: who, applies: ap,
      doc: 'cons_event outside (old, new]: no event',
      see: `${see} nc2_finish_messages`,
      when: (s) => cn(s).pc === C_FIN && !NOTIFY(cn(s).local_cons, cn(s).old, s.sring[r]!.cons_event),
      then: (d, _s, p) => { d.cons[r]!.pc = C_READ; d.cons[r]!.old = p.startIndex; },
    },
    {
      name: `notify_remote_via_evtchn.space.${who}`, actor: who, applies: ap,
      doc: 'send the event (space freed)',
      see: 'drivers/xen/events notify_remote_via_evtchn',
      when: (s) => cn(s).pc === C_FIN_NOTIFY,
      then: (d, _s, p) => { d.pending[peer] = 1; d.cons[r]!.pc = C_READ; d.cons[r]!.old = p.startIndex; },
    },
    {
      name: `v2v_nc2_get_message.spin.${who}`, actor: who, applies: (p) => ap(p) && p.hints,
      doc: 'ring empty but remote producer_active and counter < CONSUMER_SPIN_LIMIT: consumer_spinning = 1 and spin while it stays set (counter is not reset by goto retry: one spin period per call)',
      see: 'v2v.c v2v_nc2_get_message (CONSUMER_SPIN_LIMIT)',
      when: (s) => cn(s).pc === C_READ && !hasData(s) && cn(s).cons_pvt === cn(s).local_cons && s.sring[r]!.producer_active === 1 && cn(s).spun === 0,
      then: (d, s) => { if (cn(s).spun === 1) d.cons[r]!.respun = 1; d.sring[r]!.consumer_spinning = 1; d.cons[r]!.spun = 1; d.cons[r]!.pc = C_SPIN; },
    },
    {
      name: `v2v_nc2_get_message.spin_end.${who}`, actor: who, applies: (p) => ap(p) && p.hints,
      doc: 'producer_active cleared or CONSUMER_SPIN_LIMIT reached: consumer_spinning = 0; goto retry',
      see: 'v2v.c v2v_nc2_get_message',
      when: (s) => cn(s).pc === C_SPIN,
      then: (d) => { d.sring[r]!.consumer_spinning = 0; d.cons[r]!.pc = C_READ; },
    },
    {
      name: `nc2_final_check_for_messages.${who}`, actor: who, applies: ap,
      doc: 'prod == cons_pvt and everything finished: prod = sring->prod, no work yet',
      see: `${see} nc2_final_check_for_messages`,
      when: (s) => cn(s).pc === C_READ && !hasData(s) && cn(s).cons_pvt === cn(s).local_cons,
      then: (d, s) => { d.cons[r]!.prod_snap = s.sring[r]!.prod; d.cons[r]!.pc = C_FC1; },
    },
    {
      name: `nc2_final_check_for_messages.prod_event.${who}`, actor: who, applies: ap,
      doc: 'sring->prod_event = prod + 1, then mb()',
      see: `${see} nc2_final_check_for_messages`,
      when: (s) => cn(s).pc === C_FC1,
      then: (d, s) => { d.sring[r]!.prod_event = idxAdd(cn(s).prod_snap, 1); d.cons[r]!.pc = C_FC2; },
    },
    {
      name: `nc2_final_check_for_messages.work.${who}`, actor: who, applies: ap,
      doc: 'prod != sring->prod: a message arrived meanwhile: return 1',
      see: `${see} nc2_final_check_for_messages`,
      when: (s) => cn(s).pc === C_FC2 && s.sring[r]!.prod !== cn(s).prod_snap,
      then: (d, _s, p) => { d.cons[r]!.pc = C_READ; d.cons[r]!.prod_snap = p.startIndex; },
    },
    {
      name: `nc2_final_check_for_messages.empty.${who}`, actor: who, applies: ap,
      doc: 'still empty with the event armed: return 0; sleep on the event channel',
      see: `${see} nc2_final_check_for_messages`,
      when: (s) => cn(s).pc === C_FC2 && s.sring[r]!.prod === cn(s).prod_snap,
      then: (d, _s, p) => { d.cons[r]!.pc = C_WAIT; d.cons[r]!.blocked = 1; d.cons[r]!.prod_snap = p.startIndex; d.cons[r]!.spun = 0; },
    },
  ];
}

/** A message of `size` bytes at cons_pvt consumed (data: delivered, with the ghost checks). */
function consume(d: any, s: S, r: number, p: P, size: number, data: boolean): void {
  const c = s.cons[r]!, dc = d.cons[r]!;
  const x = c.cons_pvt;
  const adv = data ? round8(size) : size;
  if (!contained(x, size, p)) dc.outside = 1;
  if (adv === 0) dc.stuck = 1;
  if (data && honestEnd(producerOf(r), p)) {
    const h = headerAt(s, r, x, p);
    if (h.skip === 1) dc.padAsData = 1;
    let whole = h.k === CELL_HDR && h.seq === c.recv && idxSub(s.sring[r]!.prod, x) >= size;
    for (let b = CELL; whole && b < size; b += CELL) {
      const cell = s.sring[r]!.payload[cellOf(x + b, p)]!;
      whole = cell.k === CELL_BODY && cell.seq === c.recv;
    }
    if (!whole) dc.torn = 1;
  }
  if (data) {
    // recv counts an honest producer's messages for N2's check; on a hostile peer's ring nothing reads it, and
    // counting there would split states by how many stale messages were delivered (it stays 0)
    if (honestEnd(producerOf(r), p)) dc.recv = Math.min(c.recv + 1, 15);
    dc.spun = 0; dc.padRun = 0; // v2v_nc2_get_message returns TRUE: its counter is gone
  }
  else if (honestEnd(producerOf(r), p)) { /* padRun stays 0 on an honest producer's ring: it would split states by history (which pad led to an index) */ }
  else dc.padRun = Math.min(c.padRun + size, p.ringBytes + 1);
  dc.cons_pvt = idxAdd(x, adv);
}

/** An endpoint's event delivered: every role of it asleep wakes and looks again. */
export function upcallRule(e: number): R {
  const who = ENDPOINTS[e]!;
  return {
    name: `evtchn_upcall.${who}`, actor: who, applies: (p) => honestEnd(e, p),
    doc: 'the event channel fires: clear pending; a producer asleep for space retries nc2_can_send_payload_bytes, a consumer asleep reads the ring again',
    see: 'drivers/xen/events (upcall); netchannel2 interrupt handler',
    when: (s, p) => s.pending[e] === 1 && asleepRoles(s, e, p) > 0,
    then: (d, s, p) => {
      d.pending[e] = 0;
      const r = e; // the ring this endpoint produces on
      if (r < p.directions && s.prod[r]!.pc === P_WAIT) { d.prod[r]!.pc = P_CHK; d.prod[r]!.blocked = 0; }
      const rc = 1 - e; // the ring it consumes
      if (rc < p.directions && s.cons[rc]!.pc === C_WAIT) { d.cons[rc]!.pc = C_READ; d.cons[rc]!.blocked = 0; }
    },
  };
}

const asleepRoles = (s: S, e: number, p: P): number =>
  (e < p.directions && s.prod[e]!.pc === P_WAIT ? 1 : 0) + (1 - e < p.directions && s.cons[1 - e]!.pc === C_WAIT ? 1 : 0);

// --- the hostile backend

const hostile = (p: P): boolean => p.backend === 'hostile';
/**
 * The `size`s a hostile backend writes into a header at `cell`, by the branches of v2v_nc2_get_message
 * (docs/models/nc2.md "What a hostile backend writes"): 0 (`size < sizeof(*hdr)`: invalid; a pad of 0 would
 * not move cons_pvt), HDR (the smallest valid size), and, with o the cell's offset in the ring, payload_bytes - o
 * (the largest size contained in the ring: ends exactly at its end) and payload_bytes - o + 1 (the smallest not
 * contained: one byte past the end).
 */
export const hostileSizes = (cell: number, p: P): number[] => {
  const o = cell * CELL;
  return [...new Set([0, HDR, p.ringBytes - o, p.ringBytes - o + 1])];
};

/**
 * The values a hostile consumer writes into a ring's `cons`, by the branches of nc2_can_send_payload_bytes
 * (docs/models/nc2.md "What a hostile backend writes"). With D = prod_pvt - cons (RING_IDX) and need the bytes
 * the next slow path asks for (the message being sent, the smallest while idle, plus its pad):
 * - prod_pvt - (payload_bytes + 1): D = payload_bytes + 1, the first value further behind than the ring: the space
 *   wraps to 2^32 - 1 (BUG_ON at the next call; F1) and the F1 fix's clamp (D > payload_bytes) starts here;
 * - prod_pvt + need: cons ahead by exactly need: space = payload_bytes + need, bytes_available is exactly
 *   payload_bytes after the send (the BUG_ON's boundary, not taken);
 * - prod_pvt + need + 1: one byte more: bytes_available payload_bytes + 1 after the send (BUG_ON);
 * - cons + HDR: the consumer releases 4 bytes (D inside the ring, misaligned).
 * D from 0 to payload_bytes (space or no space; exactly payload_bytes: a full ring) is what an honest fill reaches.
 */
export const hostileCons = (prod_pvt: number, cons: number, want: number, p: P): number[] => {
  const need = needFor(prod_pvt, want || sizes(p)[0]!, p);
  return [...new Set([idxSub(prod_pvt, p.ringBytes + 1), idxAdd(prod_pvt, need), idxAdd(prod_pvt, need + 1), idxAdd(cons, HDR)])];
};

/** A hostile backend's write of the event index it owns on ring r: already passed, the next byte, 2^31 away, or behind the frontend's index `at`. */
const hostileEvent = (r: number, field: 'prod_event' | 'cons_event', at: (s: S) => number, owns: string, see: string): R => ({
  name: `hostile.${field}`, actor: 'backend', applies: (p) => hostile(p) && r < p.directions, origin: 'environment',
  choices: (s) => {
    const x = at(s);
    return [...new Set([x, idxAdd(x, 1), idxAdd(x, 0x80000000), idxSub(x, 8)])];
  },
  doc: `a hostile backend writes ring ${r} ${field} (${owns}): already passed, next byte, half the index space away, behind`,
  see: `uring.h ${see}`,
  when: (s) => s.hostileLeft > 0,
  then: (d, s, _p, v: number) => { d.sring[r]![field] = v; d.hostileLeft = s.hostileLeft - 1; },
});

export const hostileRules: readonly R[] = [
  {
    name: 'hostile.cons', actor: 'backend', applies: hostile, origin: 'environment',
    choices: (s, p) => hostileCons(s.prod[0]!.prod_pvt, s.sring[0]!.cons, s.prod[0]!.want, p),
    doc: 'a hostile backend writes ring 0 cons: one byte further behind prod_pvt than the ring, ahead of it by the bytes the next message asks for or by one more, or 4 bytes on (misaligned)',
    see: 'uring.h: the consumer owns cons; "the other end is allowed to modify it whenever it likes"',
    when: (s) => s.hostileLeft > 0,
    then: (d, s, _p, v: number) => { d.sring[0]!.cons = v; d.hostileLeft = s.hostileLeft - 1; },
  },
  {
    name: 'hostile.prod', actor: 'backend', applies: (p) => hostile(p) && p.directions === 2,
    origin: 'environment',
    choices: (s, p) => {
      const x = s.cons[1]!.cons_pvt;
      return [...new Set([idxAdd(x, HDR), idxAdd(x, 8), idxAdd(x, p.ringBytes + 8), idxSub(x, HDR)])];
    },
    doc: 'a hostile backend writes ring 1 prod: a little or more than a ring ahead of the frontend, or behind it',
    see: 'uring.h: the producer owns prod',
    when: (s) => s.hostileLeft > 0,
    then: (d, s, _p, v: number) => { d.sring[1]!.prod = v; d.hostileLeft = s.hostileLeft - 1; wroteRing(d, s, 1); },
  },
  {
    name: 'hostile.header', actor: 'backend', applies: (p) => hostile(p) && p.directions === 2,
    origin: 'environment',
    choices: (s, p) => {
      const x = s.cons[1]!.cons_pvt;
      const cells = [...new Set([cellOf(x, p), cellOf(x + HDR, p), p.ringBytes / CELL - 1])];
      return cells.flatMap((cell) => [CELL_HDR, CELL_PAD].flatMap((k) => hostileSizes(cell, p).map((size) => [cell, k, size] as const)));
    },
    showChoice: ([cell, k, size]: readonly number[]) => `cell ${cell}: ${k === CELL_PAD ? 'PAD' : 'data'} size ${size}`,
    doc: 'a hostile backend writes a message header (type data or NETCHANNEL2_MSG_PAD; size 0, 4, or ending at or one byte past the ring end) into ring 1',
    see: 'uring.h struct netchannel2_msg_hdr',
    when: (s) => s.hostileLeft > 0,
    then: (d, s, _p, [cell, k, size]: readonly number[]) => {
      const c = d.sring[1]!.payload[cell!]!;
      c.k = k; c.size = size; c.seq = 0; c.skip = 0;
      d.hostileLeft = s.hostileLeft - 1;
      wroteRing(d, s, 1);
    },
  },
  hostileEvent(0, 'prod_event', (s) => s.prod[0]!.local_prod, 'it consumes ring 0', 'struct netchannel2_sring_cons (prod_event owned by the consumer)'),
  hostileEvent(1, 'cons_event', (s) => s.cons[1]!.local_cons, 'it produces on ring 1', 'struct netchannel2_sring_prod (cons_event owned by the producer)'),
  {
    name: 'hostile.hint', actor: 'backend', applies: (p) => hostile(p) && p.hints, origin: 'environment',
    choices: (s, p) =>
      [
        ['consumer_active', 1 - s.sring[0]!.consumer_active] as const,
        ['consumer_spinning', 1 - s.sring[0]!.consumer_spinning] as const,
        ...(p.directions === 2 ? [['producer_active', 1 - s.sring[1]!.producer_active] as const] : []),
      ],
    showChoice: ([f, v]: readonly [string, number]) => `${f} = ${v}`,
    doc: 'a hostile backend flips a v2v hint it owns: ring 0 consumer_active or consumer_spinning (it consumes ring 0), ring 1 producer_active (it produces on ring 1)',
    see: 'v2v uring.h struct netchannel2_sring_fields (consumer_active, consumer_spinning, producer_active)',
    when: (s) => s.hostileLeft > 0,
    then: (d, s, _p, [f, v]: readonly [string, number]) => {
      if (f === 'producer_active') d.sring[1]!.producer_active = v;
      else d.sring[0]![f as 'consumer_active' | 'consumer_spinning'] = v;
      d.hostileLeft = s.hostileLeft - 1;
    },
  },
  {
    name: 'hostile.notify', actor: 'backend', applies: hostile, origin: 'environment',
    doc: 'a hostile backend sends an event whenever it likes',
    see: 'event channels carry no data',
    when: (s) => s.pending[0] === 0,
    then: (d) => { d.pending[0] = 1; },
  },
];

export const nc2Rules: readonly R[] = [
  ...producerRules(0), ...consumerRules(0), ...producerRules(1), ...consumerRules(1),
  upcallRule(0), upcallRule(1), ...hostileRules,
];

// --- invariants

const rings = (p: P): number[] => Array.from({ length: p.directions }, (_, r) => r);
const finished = (s: S, r: number, p: P): boolean =>
  s.prod[r]!.pc === P_IDLE && s.prod[r]!.sent === p.messages && s.prod[r]!.prod_pvt === s.prod[r]!.local_prod;
const asleep = (s: S, e: number, blocked: number): boolean => blocked === 1 && s.pending[e] === 0;
/** Every role of both (honest) endpoints asleep with no event pending, or finished: nothing will ever happen again. */
export const quiescent = (s: S, p: P): boolean =>
  rings(p).every((r) =>
    (finished(s, r, p) || asleep(s, producerOf(r), s.prod[r]!.blocked)) && asleep(s, consumerOf(r), s.cons[r]!.blocked));

const inv = (name: string, description: string, see: string, holds: (s: S, p: P) => boolean): Invariant<S, P> => ({ name, description, see, holds });

export const N1 = inv('N1_no_overwrite',
  'a producer never writes over bytes the consumer has not released (its write stays below cons + payload_bytes)',
  'uring.h nc2_can_send_payload_bytes, nc2_finish_messages',
  (s, p) => rings(p).every((r) => s.prod[r]!.overwrote === 0));
export const N2 = inv('N2_no_torn_message',
  'every message a consumer delivers is the next one its producer sent, whole, and published by prod',
  'uring.h nc2_flush_ring (wmb before prod), nc2_send_message',
  (s, p) => rings(p).every((r) => s.cons[r]!.torn === 0));
export const N3 = inv('N3_padding_never_data',
  'a consumer never delivers a message from bytes its producer skipped as padding',
  'uring.h __nc2_avoid_ring_wrap, __nc2_send_pad, NETCHANNEL2_MSG_PAD',
  (s, p) => rings(p).every((r) => s.cons[r]!.padAsData === 0));
export const N4 = inv('N4_no_lost_wakeup_data',
  'when both endpoints sleep with no event pending (or have finished), every published message has been consumed',
  'uring.h nc2_flush_ring, nc2_final_check_for_messages',
  (s, p) => !bothHonest(p) || !quiescent(s, p) || rings(p).every((r) => s.sring[r]!.prod === s.cons[r]!.cons_pvt));
export const N5 = inv('N5_no_lost_wakeup_space',
  'when both endpoints sleep with no event pending, no producer sleeps for space while its message fits',
  'uring.h nc2_can_send_payload_bytes (cons_event = cons + 1, mb(), re-check), nc2_finish_messages',
  (s, p) => !bothHonest(p) || !quiescent(s, p) ||
    rings(p).every((r) => s.prod[r]!.pc !== P_WAIT ||
      spaceFor(s.prod[r]!.prod_pvt, s.sring[r]!.cons, p) < needFor(s.prod[r]!.prod_pvt, s.prod[r]!.want, p)));
export const N6 = inv('N6_indices_wrap_safe',
  'in RING_IDX arithmetic cons <= cons_pvt <= prod <= prod_pvt <= cons + payload_bytes, and bytes_available never exceeds the real free space',
  'uring.h (RING_IDX free-running counters, "treat the new value as if it were (actual new value) + (1 << 32)")',
  (s, p) => !bothHonest(p) || rings(p).every((r) => {
    const sr = s.sring[r]!, x = s.prod[r]!, c = s.cons[r]!;
    const a = idxSub(c.cons_pvt, sr.cons), b = idxSub(sr.prod, sr.cons), pv = idxSub(x.prod_pvt, sr.cons);
    return a <= b && b <= pv && pv <= p.ringBytes && (x.pc === P_BUG || x.bytes_available <= spaceFor(x.prod_pvt, sr.cons, p));
  }));
export const N7 = inv('N7_honest_messages_valid',
  'a consumer never finds an invalid header (size < sizeof(hdr), or across the ring end) on a ring an honest producer writes',
  'v2v.c v2v_nc2_get_message (invalid_message)',
  (s, p) => rings(p).every((r) => !honestEnd(producerOf(r), p) || !honestEnd(consumerOf(r), p) || s.cons[r]!.pc !== C_DEAD));
export const H1 = inv('H1_reads_inside_ring',
  'whatever a hostile peer writes, the honest consumer never reads a message that is not contained in the ring',
  'v2v.c __nc2_contained_in_cons_ring',
  (s, p) => rings(p).every((r) => s.cons[r]!.outside === 0));
export const H2 = inv('H2_no_loop',
  'whatever a hostile peer writes, every message the honest consumer accepts moves cons_pvt forward (no message of size 0 is processed for ever)',
  'v2v.c v2v_nc2_get_message (size < sizeof(*hdr))',
  (s, p) => rings(p).every((r) => s.cons[r]!.stuck === 0));
export const H3 = inv('H3_no_BUG_ON',
  'the honest side never reaches a BUG_ON of uring.h (bytes_available > payload_bytes, bytes_available < size): a peer cannot crash it',
  'uring.h (Linux) nc2_can_send_payload_bytes, nc2_send_message',
  (s, p) => rings(p).every((r) => s.prod[r]!.pc !== P_BUG));

export const H4 = inv('H4_bounded_spin',
  'whatever a hostile peer writes into producer_active, the honest consumer spins at most one CONSUMER_SPIN_LIMIT period per v2v_nc2_get_message call (no loop on the hint)',
  'v2v.c v2v_nc2_get_message (counter < CONSUMER_SPIN_LIMIT, not reset by goto retry)',
  (s, p) => rings(p).every((r) => s.cons[r]!.respun === 0));

export const H5 = inv('H5_pads_within_a_ring',
  'whatever a hostile peer writes, the honest consumer skips at most a ring of padding before the next message it delivers: past that it goes round the ring on pads alone, and v2v_nc2_get_message (pad: cons_pvt += size; goto retry) never returns while the peer keeps prod away',
  'v2v.c v2v_nc2_get_message (discard pad message, goto retry); uring.h __nc2_avoid_ring_wrap (an honest producer pads only before a message)',
  (s, p) => rings(p).every((r) => s.cons[r]!.padRun <= p.ringBytes));

export const nc2Invariants: readonly Invariant<S, P>[] = [N1, N2, N3, N4, N5, N6, N7, H1, H2, H3, H4, H5];

/** A valid end: with honest peers, every message sent and consumed and both endpoints asleep; with a hostile one, anything. */
export const nc2ValidEnd = (s: S, p: P): boolean =>
  !bothHonest(p) || (quiescent(s, p) && rings(p).every((r) => finished(s, r, p) && s.cons[r]!.recv === p.messages));

// --- the picture (pvcheck show)

/** One ring: cells (h<n> header of message n, <n> its body, P pad header, - skipped, . zero), then the indices. */
export function nc2RingPicture(s: S, r: number, p: P): string {
  const sr = s.sring[r]!;
  const cells = sr.payload.map((c) =>
    c.k === CELL_HDR ? `h${c.seq}:${c.size}` : c.k === CELL_BODY ? `${c.seq}` : c.k === CELL_PAD ? `P:${c.size}` : c.skip ? '-' : '.');
  const marks = (x: number) => cellOf(x, p);
  const pos: string[] = cells.map(() => '');
  const tag = (x: number, t: string) => { const i = marks(x); pos[i] = pos[i] ? `${pos[i]},${t}` : t; };
  tag(sr.cons, 'c');
  tag(s.prod[r]!.prod_pvt, 'p');
  const body = cells.map((c, i) => (pos[i] ? `${pos[i]}>${c}` : c)).join(' ');
  return `ring ${r} (${ENDPOINTS[producerOf(r)]}->${ENDPOINTS[consumerOf(r)]}) [${body}] prod ${sr.prod} pvt ${s.prod[r]!.prod_pvt} cons ${sr.cons} cons_pvt ${s.cons[r]!.cons_pvt} prod_event ${sr.prod_event} cons_event ${sr.cons_event} bytes_available ${s.prod[r]!.bytes_available}`;
}

const PC_P = ['idle', 'can_send', 'cons_event', 'recheck', 'send', 'hint', 'flush', 'notify', 'asleep', 'BUG'];
const PC_C = ['read', 'finish', 'notify', 'final_check', 'final_check(mb)', 'asleep', 'spinning', 'stopped'];

export const nc2View = (s: S, p: P): string =>
  [...rings(p).map((r) => nc2RingPicture(s, r, p)),
    rings(p).map((r) => `${ENDPOINTS[producerOf(r)]} sends ${PC_P[s.prod[r]!.pc]} (${s.prod[r]!.sent} sent), ${ENDPOINTS[consumerOf(r)]} receives ${PC_C[s.cons[r]!.pc]} (${s.cons[r]!.recv} got)`).join('; ') +
      `; pending frontend ${s.pending[0]} backend ${s.pending[1]}`].join('\n');

// --- the model

export const nc2 = defineModel<S, P>({
  views: nc2Views,
  name: 'nc2',
  description: 'NetChannel2 ring (uring.h): byte-stream rings of variable-size messages with padding, event indices, free-space final check, both directions',
  see: 'NetChannel2 uring.h (Linux driver and v2v library, Citrix 2009, via stored public code); docs/models/nc2.md',
  params: nc2Params,
  init: (p) => [nc2Init(p)],
  rules: nc2Rules,
  invariants: nc2Invariants,
  isValidEnd: nc2ValidEnd,
  shape: nc2Shape,
  view: nc2View,
});
