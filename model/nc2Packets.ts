/**
 * `nc2-packets`: NetChannel2 packets on a ring pair (netchannel2.h, stored
 * public code): the receiver's SET_MAX_PACKETS before any PACKET, `small`
 * packets entirely in-line (no FINISH "required or allowed"),
 * `receiver_copy` packets whose fragments (grant ref, offset, length) the
 * receiver copies from, `receiver_map` packets it may map and must unmap "in a
 * reasonably timely fashion", FINISH_PACKET by id in any order, and the
 * sender's buffers reused only after their FINISH.
 *
 * The ring is abstracted to a FIFO message channel in each direction (the
 * `nc2` model checks the ring: in order, whole, nothing lost). Time for the
 * unmap deadline is an abstract clock (`tick`), as in the limiter: the
 * receiver's unmap timer fires when a mapping reaches the deadline, before the
 * clock moves on; the property is that no mapping outlives `unmapWithin`
 * ticks.
 *
 * @see docs/models/nc2.md
 */
import { defineModel, type Invariant, type Rule } from './core.js';
import { defineParams, intParam, type ParamsOfSpace } from './params.js';
import { bool, int, list, oneOf, record, array, type Shape } from './shape.js';
import { nc2PacketsViews } from './views/nc2.js';

export const nc2PacketsParams = defineParams({
  packets: intParam({ default: 6, min: 1, max: 6, doc: 'packets the sender sends (each small, receiver_copy or receiver_map, its choice)' }),
  buffers: intParam({ default: 4, min: 1, max: 4, doc: 'transmit buffers of the sender (ids echoed by FINISH_PACKET)' }),
  maxPackets: intParam({ default: 3, min: 1, max: 4, doc: 'max_outstanding_packets the receiver announces with SET_MAX_PACKETS' }),
  unmapWithin: intParam({ default: 1, min: 1, max: 3, doc: 'ticks a receiver_map mapping may live ("anything longer than about a second is likely to cause problems")' }),
  ticks: intParam({ default: 3, min: 0, max: 4, doc: 'ticks of the abstract clock in one run' }),
});
export type Nc2PacketsParams = ParamsOfSpace<typeof nc2PacketsParams>;
type P = Nc2PacketsParams;

/** NC2_PACKET_TYPE_*. */
export const NC2_PACKET_TYPE_receiver_copy = 1, NC2_PACKET_TYPE_receiver_map = 3, NC2_PACKET_TYPE_small = 4;
export type PacketType = 'small' | 'receiver_copy' | 'receiver_map';
const TYPES: readonly PacketType[] = ['small', 'receiver_copy', 'receiver_map'];

/** A message: PACKET(id, type, seq), SET_MAX_PACKETS(n), FINISH_PACKET(id) (seq: ghost, which packet it answers). */
export interface Msg { readonly kind: 'PACKET' | 'SET_MAX_PACKETS' | 'FINISH_PACKET'; readonly id: number; readonly type: PacketType; readonly seq: number }
/** A packet the receiver holds: copied (ready to finish), mapped (age in ticks), unmapped. */
export interface Held { readonly id: number; readonly seq: number; readonly phase: 'copied' | 'mapped' | 'unmapped'; readonly age: number }

export interface Nc2PacketsState {
  /** SET_MAX_PACKETS as the sender knows it (-1: not received yet). */
  readonly max: number;
  readonly sent: number;
  /** Per buffer: the packet (seq) it carries while in flight, -1 when free. */
  readonly buf: readonly number[];
  readonly toRecv: readonly Msg[];
  readonly toSend: readonly Msg[];
  readonly held: readonly Held[];
  readonly ticksLeft: number;
  /** ghost: a FINISH_PACKET that answered no packet in flight (a packet finished twice) */
  readonly badFinish: boolean;
  /** ghost: the receiver read a buffer that carried another packet by then */
  readonly staleRead: boolean;
  /** ghost: a PACKET sent before SET_MAX_PACKETS was received */
  readonly early: boolean;
}
type S = Nc2PacketsState;
type R = Rule<S, P, any>;

export const nc2PacketsInit = (p: P): S => ({
  max: -1, sent: 0, buf: Array(p.buffers).fill(-1),
  // "The SET_MAX_PACKETS message must be sent before any PACKET messages."
  toRecv: [], toSend: [{ kind: 'SET_MAX_PACKETS', id: p.maxPackets, type: 'small', seq: -1 }],
  held: [], ticksLeft: p.ticks, badFinish: false, staleRead: false, early: false,
});

/** Packets that need a FINISH and have not had it at the sender: on the wire, held, or finished on the way back. */
export const outstanding = (s: S): number => s.buf.filter((x) => x >= 0).length;
const freeBuffer = (s: S): number => s.buf.indexOf(-1);
const NC2H = 'netchannel2.h';

export const senderRules: readonly R[] = [
  {
    name: 'sender.recv_set_max_packets', actor: 'sender',
    doc: 'SET_MAX_PACKETS(max_outstanding_packets) received',
    see: `${NC2H} NETCHANNEL2_MSG_SET_MAX_PACKETS (1)`,
    when: (s) => s.toSend[0]?.kind === 'SET_MAX_PACKETS',
    then: (d, s) => { d.max = s.toSend[0]!.id; d.toSend.shift(); },
  },
  {
    name: 'sender.send_packet', actor: 'sender', choices: () => TYPES, showChoice: (t: PacketType) => t,
    doc: 'send a PACKET: small entirely in-line; receiver_copy / receiver_map with a fragment descriptor (gref, off, size) of a free buffer granted to the receiver, only while fewer than max_outstanding_packets are outstanding',
    see: `${NC2H} NETCHANNEL2_MSG_PACKET (2), struct netchannel2_fragment; "must not send PACKET messages which would take it over this limit"`,
    when: (s, p, t: PacketType) => s.max >= 0 && s.sent < p.packets && (t === 'small' || (outstanding(s) < s.max && freeBuffer(s) >= 0)),
    then: (d, s, _p, t: PacketType) => sendPacket(d, s, t),
  },
  {
    name: 'sender.recv_finish_packet', actor: 'sender',
    doc: 'FINISH_PACKET(id): end the grant, the buffer is free for the next packet',
    see: `${NC2H} NETCHANNEL2_MSG_FINISH_PACKET (3)`,
    when: (s) => s.toSend[0]?.kind === 'FINISH_PACKET',
    then: (d, s) => {
      const m = s.toSend[0]!;
      d.toSend.shift();
      if (s.buf[m.id] !== m.seq) { d.badFinish = true; return; }
      d.buf[m.id] = -1;
    },
  },
];

/** The sender puts packet `sent` of type t on the ring (a buffer for copy/map packets: the first free one). */
export function sendPacket(d: any, s: S, t: PacketType): void {
  if (s.max < 0) d.early = true;
  let id = -1;
  if (t !== 'small') {
    id = freeBuffer(s);
    if (id < 0) id = 0; // no free buffer: a broken sender reuses buffer 0
    d.buf[id] = s.sent;
  }
  d.toRecv.push({ kind: 'PACKET', id, type: t, seq: s.sent });
  d.sent = s.sent + 1;
}

export const receiverRules: readonly R[] = [
  {
    name: 'receiver.recv_packet', actor: 'receiver',
    doc: 'PACKET: small: copy it out of the ring, done; receiver_copy: GNTTABOP_copy from the fragment, hold until FINISH; receiver_map: map the fragment',
    see: `${NC2H} NC2_PACKET_TYPE_small (4), _receiver_copy (1), _receiver_map (3)`,
    when: (s) => s.toRecv.length > 0,
    then: (d, s) => {
      const m = s.toRecv[0]!;
      d.toRecv.shift();
      if (m.type === 'small') return;
      if (s.buf[m.id] !== m.seq) d.staleRead = true;
      d.held.push({ id: m.id, seq: m.seq, phase: m.type === 'receiver_copy' ? 'copied' : 'mapped', age: 0 });
    },
  },
  {
    name: 'receiver.unmap', actor: 'receiver', choices: (s) => s.held.map((h, k) => (h.phase === 'mapped' ? k : -1)).filter((k) => k >= 0),
    doc: 'unmap a receiver_map fragment (GNTTABOP_unmap_grant_ref): the data has been used',
    see: `${NC2H} receiver_map ("should ensure that the fragments will be unmapped in a reasonably timely fashion")`,
    when: (s, _p, k: number) => s.held[k]?.phase === 'mapped',
    then: (d, _s, _p, k: number) => { d.held[k]!.phase = 'unmapped'; d.held[k]!.age = 0; },
  },
  {
    name: 'receiver.finish_packet', actor: 'receiver', choices: (s) => s.held.map((h, k) => (h.phase !== 'mapped' ? k : -1)).filter((k) => k >= 0),
    doc: 'send FINISH_PACKET(id) for any held packet, in any order ("as soon as possible"; once all its grants are unmapped)',
    see: `${NC2H} NETCHANNEL2_MSG_FINISH_PACKET ("must be sent in response to receiver_copy and receiver_map packets")`,
    when: (s, _p, k: number) => s.held[k] !== undefined && s.held[k]!.phase !== 'mapped',
    then: (d, s, _p, k: number) => { const h = s.held[k]!; d.toSend.push({ kind: 'FINISH_PACKET', id: h.id, type: 'small', seq: h.seq }); d.held.splice(k, 1); },
  },
  {
    name: 'receiver.unmap_timer', actor: 'receiver', choices: (s, p) => s.held.map((h, k) => (h.phase === 'mapped' && h.age >= p.unmapWithin ? k : -1)).filter((k) => k >= 0),
    doc: 'a mapping reached the deadline: the receiver\'s timer unmaps it (copying the data out first)',
    see: `${NC2H} receiver_map (bounded response, as the limiter\'s L4)`,
    when: (s, p, k: number) => s.held[k]?.phase === 'mapped' && s.held[k]!.age >= p.unmapWithin,
    then: (d, _s, _p, k: number) => { d.held[k]!.phase = 'unmapped'; d.held[k]!.age = 0; },
  },
  {
    name: 'tick', actor: 'clock', origin: 'environment',
    doc: 'time passes: every mapping ages; the receiver\'s unmap timer fires first for a mapping at the deadline',
    see: 'abstract clock (limiter.ts)',
    when: (s, p) => s.ticksLeft > 0 && s.held.some((h) => h.phase === 'mapped') && !s.held.some((h) => h.phase === 'mapped' && h.age >= p.unmapWithin),
    then: (d, s) => {
      d.ticksLeft = s.ticksLeft - 1;
      for (const h of d.held) if (h.phase === 'mapped') h.age += 1;
    },
  },
];

export const nc2PacketsRules: readonly R[] = [...senderRules, ...receiverRules];

const inv = (name: string, description: string, see: string, holds: (s: S, p: P) => boolean): Invariant<S, P> => ({ name, description, see, holds });

export const PK1 = inv('PK1_finished_exactly_once',
  'every FINISH_PACKET answers a packet in flight: no packet is finished twice, none finished that was not sent',
  `${NC2H} NETCHANNEL2_MSG_FINISH_PACKET (id echoed)`, (s) => !s.badFinish);
export const PK2 = inv('PK2_within_max_packets',
  'never more receiver_copy/receiver_map packets outstanding than SET_MAX_PACKETS allowed, and no PACKET before SET_MAX_PACKETS',
  `${NC2H} NETCHANNEL2_MSG_SET_MAX_PACKETS`,
  (s, p) => !s.early && s.held.length + s.toRecv.filter((m) => m.type !== 'small').length <= p.maxPackets);
export const PK3 = inv('PK3_buffer_reused_after_finish',
  'a buffer carries a new packet only after the FINISH_PACKET of its last one: the receiver never reads or maps a buffer that carries another packet by then',
  `${NC2H} NETCHANNEL2_MSG_FINISH_PACKET ("it can release the transmit buffers")`,
  (s) => !s.staleRead && s.held.every((h) => s.buf[h.id] === h.seq) && s.toRecv.every((m) => m.type === 'small' || s.buf[m.id] === m.seq));
export const PK4 = inv('PK4_unmapped_in_time',
  'no receiver_map mapping lives longer than unmapWithin ticks',
  `${NC2H} receiver_map ("anything longer than about a second is likely to cause problems")`,
  (s, p) => s.held.every((h) => h.phase !== 'mapped' || h.age <= p.unmapWithin));

export const nc2PacketsInvariants: readonly Invariant<S, P>[] = [PK1, PK2, PK3, PK4];

export const nc2PacketsValidEnd = (s: S, p: P): boolean =>
  s.sent === p.packets && s.buf.every((x) => x === -1) && s.held.length === 0 && s.toRecv.length === 0 && s.toSend.length === 0;

const showMsg = (m: Msg): string => (m.kind === 'PACKET' ? `PACKET(${m.type}${m.id >= 0 ? ` id ${m.id}` : ''} #${m.seq})` : m.kind === 'FINISH_PACKET' ? `FINISH(id ${m.id} #${m.seq})` : `SET_MAX_PACKETS(${m.id})`);
export const nc2PacketsView = (s: S): string =>
  `sender max ${s.max} sent ${s.sent} buffers [${s.buf.map((x) => (x < 0 ? '.' : `#${x}`)).join(' ')}] | receiver holds [${s.held.map((h) => `id ${h.id} #${h.seq} ${h.phase}${h.phase === 'mapped' ? ` age ${h.age}` : ''}`).join(', ')}]\n` +
  `-> ${s.toRecv.map(showMsg).join(' ')} | <- ${s.toSend.map(showMsg).join(' ')}`;

/**
 * The state's shape (model/shape.ts), for the packed path: a message's id is
 * a buffer (-1: a small packet) or SET_MAX_PACKETS's count; sequence numbers
 * are packets (-1: none); the sender's queue holds SET_MAX_PACKETS and up to
 * two FINISH_PACKETs a packet (examples/nc2-finish-twice.ts).
 */
export const nc2PacketsShape = (p: P): Shape<S> => {
  const id = int(-1, 15);
  const seq = int(-1, p.packets - 1);
  const msg = record({ kind: oneOf(['PACKET', 'SET_MAX_PACKETS', 'FINISH_PACKET'] as const), id, type: oneOf(TYPES), seq });
  const state = record({
    max: id,
    sent: int(0, p.packets),
    buf: array(seq, p.buffers),
    toRecv: list(msg, p.packets),
    toSend: list(msg, 2 * p.packets + 1),
    held: list(record({ id, seq, phase: oneOf(['copied', 'mapped', 'unmapped'] as const), age: int(0, p.ticks) }), p.packets),
    ticksLeft: int(0, p.ticks),
    badFinish: bool,
    staleRead: bool,
    early: bool,
  });
  return { state: state as unknown as Shape<S>['state'] };
};

export const nc2Packets = defineModel<S, P>({
  views: nc2PacketsViews,
  name: 'nc2-packets',
  description: 'NetChannel2 packets: SET_MAX_PACKETS, small / receiver_copy / receiver_map packets, FINISH_PACKET by id in any order, timely unmap',
  see: 'netchannel2.h (stored public code); docs/models/nc2.md',
  params: nc2PacketsParams,
  init: (p) => [nc2PacketsInit(p)],
  rules: nc2PacketsRules,
  invariants: nc2PacketsInvariants,
  isValidEnd: nc2PacketsValidEnd,
  view: nc2PacketsView,
  shape: nc2PacketsShape,
});
