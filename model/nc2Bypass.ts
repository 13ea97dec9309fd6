/**
 * `nc2-bypass`: NetChannel2's inter-domain traffic between two guests A and B
 * and dom0 (../shared/seeds/004): receiver-side copy through dom0's
 * transitive grants, the dom0 bypass (set up by the BYPASS_* messages of
 * netchannel2.h, a private ring between the guests, torn down by
 * DISABLE/DISABLED and DETACH/DETACHED), and a suspend/resume (or migration)
 * of guest A.
 *
 * The seed says "Suspend/resume and migration don't work with dom0 bypass".
 * The built-in model is the repaired protocol: dom0 tears the bypass down
 * (DISABLE, wait for DISABLED from both, DETACH, wait for DETACHED, end the
 * ring grants) and traffic falls back to dom0 before A suspends; after the
 * resume dom0 may set the bypass up again. examples/nc2-bypass-kept-across-suspend.ts
 * suspends A with the bypass up, as NetChannel2 did, and shows what dangles.
 *
 * Rings are abstracted to FIFO message channels: the nc2 model checks the
 * ring itself (in order, whole, no loss). Messages carry netchannel2.h's
 * names. What is transcribed and what is reconstructed: docs/models/nc2.md.
 *
 * Grants follow model/grant.ts's transitive semantics: every copy B makes is
 * decided by grant.ts's `acquireForCopy` (Xen's `acquire_grant_for_copy`) on
 * the grant tables of that moment (`copyTables`): a transitive grant is
 * copy-only, one level, and
 * a copy through it reads the original grant, which must still be live;
 * after A's resume its grant table is new, so a ref A issued before the
 * suspend no longer names the buffer it named.
 *
 * @see docs/models/nc2.md
 */
import { defineModel, type Invariant, type Rule } from './core.js';
import * as E from 'fp-ts/lib/Either.js';
import { defineParams, intParam, perParams, resolveParams, type ParamsOfSpace } from './params.js';
import { DOMID_A, DOMID_B, DOMID_C, GNTST_okay, GTF_permit_access, GTF_readonly, GTF_transitive, acquireForCopy, grantInit, grantParams, type GrantEntry, type GrantState } from './grant.js';
import { nc2BypassViews } from './views/nc2.js';
import { array, bool, int, list, oneOf, record, type Shape } from './shape.js';

export const nc2BypassParams = defineParams({
  packets: intParam({ default: 3, min: 1, max: 4, doc: 'packets A sends to B (each in its own granted buffer)' }),
  setups: intParam({ default: 3, min: 0, max: 3, doc: 'times dom0 may set a bypass up' }),
  suspends: intParam({ default: 2, min: 0, max: 2, doc: 'suspend/resume (or migration) cycles of guest A' }),
});
export type Nc2BypassParams = ParamsOfSpace<typeof nc2BypassParams>;
type P = Nc2BypassParams;

/** A guest's view of the bypass. */
export type View = 'none' | 'attached' | 'ready' | 'disabled';
/** dom0's view of the bypass. */
export type Dom0Bypass = 'none' | 'offered' | 'up' | 'disabling' | 'detaching';
/** Where packet i is: not sent, in flight through dom0 (receiver-side copy), in flight on the bypass, finished. */
export type Pkt = 'unsent' | 'parent' | 'bypass' | 'done';

export interface Nc2BypassState {
  readonly a: {
    readonly view: View;
    /** A maps the bypass ring pages (dom0's, granted to it). */
    readonly mapped: boolean;
    /** A's end of the bypass event channel is open (alloc_unbound for B). */
    readonly port: boolean;
    /** Incarnation: 0 before the first suspend, +1 per resume (a new domain, a new grant table). */
    readonly inc: number;
    readonly pkt: readonly Pkt[];
    /** The incarnation in which A granted packet i's buffer, -1 if not granted. */
    readonly grant: readonly number[];
    readonly suspended: number;
  };
  readonly b: {
    readonly view: View;
    readonly mapped: boolean;
    /** B's end bound to A's port (interdomain). */
    readonly bound: boolean;
    /** Copies of each packet B made. */
    readonly got: readonly number[];
  };
  readonly d: {
    readonly bypass: Dom0Bypass;
    /** dom0 grants its bypass ring pages to A and B. */
    readonly ringGranted: boolean;
    readonly disabled: readonly [boolean, boolean];
    readonly detached: readonly [boolean, boolean];
    /** Transitive grants dom0 issued to B for packet i (referencing A's grant). */
    readonly trans: readonly boolean[];
    readonly setupsLeft: number;
  };
  /** Message channels: parent rings (A<->dom0, B<->dom0) and the bypass ring (A<->B). */
  readonly q: {
    readonly aToD: readonly string[];
    readonly dToA: readonly string[];
    readonly bToD: readonly string[];
    readonly dToB: readonly string[];
    readonly aToB: readonly string[];
    readonly bToA: readonly string[];
  };
  /** ghost: a copy that did not read the buffer of the packet's current grant; a FINISH for a packet not in flight */
  readonly staleCopy: boolean;
  readonly badFinish: boolean;
  /** ghost: B sent on the bypass while its event channel was not bound to an open port of A */
  readonly lostEvent: boolean;
}
type S = Nc2BypassState;
type R = Rule<S, P, any>;
type Q = keyof S['q'];

export const nc2BypassInit = (p: P): S => ({
  a: { view: 'none', mapped: false, port: false, inc: 0, pkt: Array(p.packets).fill('unsent'), grant: Array(p.packets).fill(-1), suspended: 0 },
  b: { view: 'none', mapped: false, bound: false, got: Array(p.packets).fill(0) },
  d: { bypass: 'none', ringGranted: false, disabled: [false, false], detached: [false, false], trans: Array(p.packets).fill(false), setupsLeft: p.setups },
  q: { aToD: [], dToA: [], bToD: [], dToB: [], aToB: [], bToA: [] },
  staleCopy: false,
  badFinish: false,
  lostEvent: false,
});

const head = (s: S, q: Q): string | undefined => s.q[q][0];
const pop = (d: any, q: Q): void => { d.q[q].shift(); };
const push = (d: any, q: Q, m: string): void => { d.q[q].push(m); };
const ids = (p: P): number[] => Array.from({ length: p.packets }, (_, i) => i);
/** {@link ids} built once per parameter record: the send rules' choices (only read; test/choicesShared). */
const idChoices: (p: P) => readonly number[] = perParams(ids);
const idOf = (m: string | undefined, kind: string): number => (m?.startsWith(`${kind}:`) ? Number(m.slice(kind.length + 1)) : -1);
/** A's grant of packet i is live: issued in A's current incarnation (a resumed A has a new grant table). */
const liveGrant = (s: S, i: number): boolean => s.a.grant[i] === s.a.inc;

/** A message channel's head handled by one rule: `recv(kind)`. */
const recv = (name: string, actor: string, q: Q, kind: string, doc: string, see: string,
  then: (d: any, s: S, p: P, i: number) => void, extra: (s: S, p: P) => boolean = () => true): R => ({
  name, actor, doc, see,
  when: (s, p) => {
    const m = head(s, q);
    return m !== undefined && (m === kind || m.startsWith(`${kind}:`)) && extra(s, p);
  },
  then: (d, s, p) => { const i = idOf(head(s, q), kind); pop(d, q); then(d, s, p, i); },
});

const NC2H = 'netchannel2.h';

// --- dom0 (netback2, trusted; the bypass is configured by dom0)

export const dom0Rules: readonly R[] = [
  {
    name: 'dom0.bypass_offer', actor: 'dom0', origin: 'reconstruction',
    doc: 'dom0 allocates the bypass ring pages, grants them to A and B, and sends NETCHANNEL2_MSG_BYPASS_FRONTEND (ring_domid = dom0) to A over A\'s parent ring',
    see: `${NC2H} NETCHANNEL2_MSG_BYPASS_FRONTEND (9), struct netchannel2_msg_bypass_common`,
    when: (s) => s.d.bypass === 'none' && s.d.setupsLeft > 0 && s.a.view === 'none' && s.b.view === 'none',
    then: (d, s) => { d.d.bypass = 'offered'; d.d.ringGranted = true; d.d.setupsLeft = s.d.setupsLeft - 1; push(d, 'dToA', 'BYPASS_FRONTEND'); },
  },
  recv('dom0.recv_bypass_frontend_ready', 'dom0', 'aToD', 'BYPASS_FRONTEND_READY',
    'A has attached and sent its event channel port: send NETCHANNEL2_MSG_BYPASS_BACKEND (with the port) to B',
    `${NC2H} NETCHANNEL2_MSG_BYPASS_FRONTEND_READY (11), NETCHANNEL2_MSG_BYPASS_BACKEND (10)`,
    (d, s) => { if (s.d.bypass === 'offered') { d.d.bypass = 'up'; push(d, 'dToB', 'BYPASS_BACKEND'); } }),
  recv('dom0.recv_packet', 'dom0', 'aToD', 'PACKET',
    'a receiver_copy PACKET from A for B: dom0 issues B a transitive grant on A\'s buffer (GTF_transitive, copy-only, one level) and forwards the PACKET: no copy in dom0',
    `seeds/004 "dom0 creates a transitive grant referencing the original transmit buffer"; grant.ts transitive grants; ${NC2H} NC2_PACKET_TYPE_receiver_copy`,
    (d, _s, _p, i) => { d.d.trans[i] = true; push(d, 'dToB', `PACKET:${i}`); }),
  recv('dom0.recv_finish', 'dom0', 'bToD', 'FINISH',
    'B finished copying: dom0 ends its transitive grant and sends FINISH_PACKET to A',
    `${NC2H} NETCHANNEL2_MSG_FINISH_PACKET (3)`,
    (d, _s, _p, i) => { d.d.trans[i] = false; push(d, 'dToA', `FINISH:${i}`); }),
  {
    name: 'dom0.bypass_disable', actor: 'dom0', origin: 'reconstruction',
    doc: 'whenever dom0 wishes (before A suspends, in the repair, and at any other time): send NETCHANNEL2_MSG_BYPASS_DISABLE to both guests over their parent rings',
    see: `${NC2H} NETCHANNEL2_MSG_BYPASS_DISABLE (13) ("sent over the *parent* ring ... when the bypassed domain wishes to disable the ring")`,
    // No budget read here (until 2026-12-05 it was enabled only while a suspend was left): netchannel2.h
    // puts no condition on DISABLE, and the repair needs only that A suspends with no bypass (A.suspend_resume).
    when: (s) => s.d.bypass === 'up',
    then: (d) => { d.d.bypass = 'disabling'; d.d.disabled = [false, false]; push(d, 'dToA', 'BYPASS_DISABLE'); push(d, 'dToB', 'BYPASS_DISABLE'); },
  },
  recv('dom0.recv_disabled.A', 'dom0', 'aToD', 'BYPASS_DISABLED', 'A has stopped using the bypass and has no PACKET outstanding on it',
    `${NC2H} NETCHANNEL2_MSG_BYPASS_DISABLED (14)`, (d, s) => disabledFrom(d, s, 0)),
  recv('dom0.recv_disabled.B', 'dom0', 'bToD', 'BYPASS_DISABLED', 'B has stopped using the bypass',
    `${NC2H} NETCHANNEL2_MSG_BYPASS_DISABLED (14)`, (d, s) => disabledFrom(d, s, 1)),
  recv('dom0.recv_detached.A', 'dom0', 'aToD', 'BYPASS_DETACHED', 'A has unmapped the ring and closed its port',
    `${NC2H} NETCHANNEL2_MSG_BYPASS_DETACHED (16)`, (d, s) => detachedFrom(d, s, 0)),
  recv('dom0.recv_detached.B', 'dom0', 'bToD', 'BYPASS_DETACHED', 'B has unmapped the ring and unbound its port',
    `${NC2H} NETCHANNEL2_MSG_BYPASS_DETACHED (16)`, (d, s) => detachedFrom(d, s, 1)),
];

/** DISABLED from guest g; with both: DETACH to both ("after DISABLED messages have been received from both endpoints"). */
function disabledFrom(d: any, s: S, g: 0 | 1): void {
  if (s.d.bypass !== 'disabling') return;
  d.d.disabled[g] = true;
  if (s.d.disabled[1 - g]) { d.d.bypass = 'detaching'; d.d.detached = [false, false]; push(d, 'dToA', 'BYPASS_DETACH'); push(d, 'dToB', 'BYPASS_DETACH'); }
}
/** DETACHED from guest g; with both: dom0 ends the ring grants and frees the pages. */
function detachedFrom(d: any, s: S, g: 0 | 1): void {
  if (s.d.bypass !== 'detaching') return;
  d.d.detached[g] = true;
  if (s.d.detached[1 - g]) { d.d.bypass = 'none'; d.d.ringGranted = false; d.d.disabled = [false, false]; d.d.detached = [false, false]; }
}

// --- guest A (sends the packets)

export const guestARules: readonly R[] = [
  recv('A.recv_bypass_frontend', 'A', 'dToA', 'BYPASS_FRONTEND',
    'map the bypass ring (dom0\'s pages), allocate an unbound event channel port for B, send BYPASS_FRONTEND_READY(port) to dom0 and BYPASS_READY on the bypass ring',
    `${NC2H} NETCHANNEL2_MSG_BYPASS_FRONTEND, _FRONTEND_READY (11), _READY (12)`,
    (d, s) => {
      d.a.mapped = s.d.ringGranted; d.a.port = true; d.a.view = 'attached';
      push(d, 'aToD', 'BYPASS_FRONTEND_READY'); push(d, 'aToB', 'BYPASS_READY');
    }),
  {
    name: 'A.send_packet_bypass', actor: 'A', choices: (_s, p) => idChoices(p),
    doc: 'BYPASS_READY received: grant the buffer to B and send a receiver_copy PACKET on the bypass ring',
    see: `${NC2H} NETCHANNEL2_MSG_PACKET, NETCHANNEL2_MSG_BYPASS_READY ("Until it has been received, the bypass ring cannot be used")`,
    when: (s, _p, i: number) => s.a.view === 'ready' && s.a.pkt[i] === 'unsent' && firstUnsent(s) === i,
    then: (d, s, _p, i: number) => { d.a.pkt[i] = 'bypass'; d.a.grant[i] = s.a.inc; push(d, 'aToB', `PACKET:${i}`); },
  },
  {
    name: 'A.send_packet_parent', actor: 'A', choices: (_s, p) => idChoices(p),
    doc: 'no ready bypass: grant the buffer to dom0 and send a receiver_copy PACKET on the parent ring (dom0 forwards it by transitive grant)',
    see: `${NC2H} NETCHANNEL2_MSG_PACKET; seeds/004 receiver-side copy`,
    when: (s, _p, i: number) => s.a.view !== 'ready' && s.a.pkt[i] === 'unsent' && firstUnsent(s) === i,
    then: (d, s, _p, i: number) => { d.a.pkt[i] = 'parent'; d.a.grant[i] = s.a.inc; push(d, 'aToD', `PACKET:${i}`); },
  },
  recv('A.recv_finish_parent', 'A', 'dToA', 'FINISH', 'FINISH_PACKET from dom0: end the grant, the buffer is free again',
    `${NC2H} NETCHANNEL2_MSG_FINISH_PACKET`, (d, s, _p, i) => finish(d, s, i, 'parent')),
  recv('A.recv_ready', 'A', 'bToA', 'BYPASS_READY', 'B is ready: packets for B may now use the bypass',
    `${NC2H} NETCHANNEL2_MSG_BYPASS_READY`, (d, s) => { if (s.a.view === 'attached') d.a.view = 'ready'; }, (s) => s.a.mapped),
  recv('A.recv_finish_bypass', 'A', 'bToA', 'FINISH', 'FINISH_PACKET from B on the bypass: end the grant',
    `${NC2H} NETCHANNEL2_MSG_FINISH_PACKET`, (d, s, _p, i) => finish(d, s, i, 'bypass'), (s) => s.a.mapped),
  recv('A.recv_disable', 'A', 'dToA', 'BYPASS_DISABLE', 'stop sending on the bypass (fall back to dom0)',
    `${NC2H} NETCHANNEL2_MSG_BYPASS_DISABLE ("stop sending PACKET messages over the ring, wait for FINISH messages")`,
    (d, s) => { if (s.a.view !== 'none') d.a.view = 'disabled'; }),
  {
    name: 'A.send_disabled', actor: 'A',
    doc: 'no PACKET outstanding on the bypass any more: acknowledge with BYPASS_DISABLED',
    see: `${NC2H} NETCHANNEL2_MSG_BYPASS_DISABLED`,
    when: (s) => s.a.view === 'disabled' && !s.a.pkt.includes('bypass') && !s.q.aToD.includes('BYPASS_DISABLED') && s.d.bypass === 'disabling' && !s.d.disabled[0],
    then: (d) => { push(d, 'aToD', 'BYPASS_DISABLED'); },
  },
  recv('A.recv_detach', 'A', 'dToA', 'BYPASS_DETACH', 'unmap the ring, close the port, send BYPASS_DETACHED; unfinished bypass PACKETs are dropped',
    `${NC2H} NETCHANNEL2_MSG_BYPASS_DETACH (15), _DETACHED (16)`,
    (d) => { d.a.mapped = false; d.a.port = false; d.a.view = 'none'; d.q.bToA = []; push(d, 'aToD', 'BYPASS_DETACHED'); }),
  {
    name: 'A.suspend_resume', actor: 'A', origin: 'reconstruction',
    doc: 'A is saved and restored (or migrated): the new domain has A\'s memory but none of its mappings, event channels or grants; netfront reconnects its parent ring. The repaired protocol suspends only with no bypass and no packet in flight',
    see: 'seeds/004 "Suspend/resume and migration don\'t work with dom0 bypass"; Xen domain destruction (unmaps, evtchn_close), Linux netfront resume',
    when: (s, p) => s.a.suspended < p.suspends && quiet(s) && s.d.bypass === 'none' && s.a.view === 'none',
    then: (d, s) => suspendResume(d, s),
  },
];

const firstUnsent = (s: S): number => s.a.pkt.indexOf('unsent');
/** No packet of A in flight (netfront quiesces its queues before suspending) and no message on A's parent ring. */
export const quiet = (s: S): boolean =>
  !s.a.pkt.includes('parent') && !s.a.pkt.includes('bypass') && s.q.aToD.length === 0 && s.q.dToA.length === 0;

function finish(d: any, s: S, i: number, path: Pkt): void {
  if (s.a.pkt[i] !== path) { d.badFinish = true; return; }
  d.a.pkt[i] = 'done'; d.a.grant[i] = -1;
}

/** A saved and restored: memory (its view of the bypass, its packets) kept; mappings, ports and grants gone; parent ring reconnected. */
export function suspendResume(d: any, s: S): void {
  d.a.suspended = s.a.suspended + 1;
  d.a.inc = s.a.inc + 1;
  d.a.mapped = false;
  d.a.port = false;
  d.a.grant = s.a.grant.map(() => -1);
  d.q.aToD = []; d.q.dToA = [];
}

// --- guest B (receives)

export const guestBRules: readonly R[] = [
  recv('B.recv_bypass_backend', 'B', 'dToB', 'BYPASS_BACKEND',
    'map the bypass ring (dom0\'s pages), bind an interdomain event channel to A\'s port, send BYPASS_READY on the bypass ring',
    `${NC2H} NETCHANNEL2_MSG_BYPASS_BACKEND (10) ("a backend-like endpoint should receive an event channel from the peer domain")`,
    (d, s) => { d.b.mapped = s.d.ringGranted; d.b.bound = s.a.port; d.b.view = 'attached'; bypassSend(d, s, s.a.port, 'BYPASS_READY'); }),
  recv('B.recv_packet_parent', 'B', 'dToB', 'PACKET',
    'GNTTABOP_copy through dom0\'s transitive grant (Xen follows it to A\'s grant), then FINISH_PACKET to dom0',
    'seeds/004 receiver-side copy; xen/common/grant_table.c acquire_grant_for_copy (GTF_transitive)',
    (d, s, _p, i) => { copyFrom(d, s, i, 'parent'); push(d, 'bToD', `FINISH:${i}`); }),
  recv('B.recv_ready', 'B', 'aToB', 'BYPASS_READY', 'A is ready on the bypass',
    `${NC2H} NETCHANNEL2_MSG_BYPASS_READY`, (d, s) => { if (s.b.view === 'attached') d.b.view = 'ready'; }, (s) => s.b.mapped),
  recv('B.recv_packet_bypass', 'B', 'aToB', 'PACKET',
    'a PACKET on the bypass: GNTTABOP_copy through A\'s grant, FINISH_PACKET back on the bypass',
    `${NC2H} NC2_PACKET_TYPE_receiver_copy ("only ... on bypass rings")`,
    (d, s, _p, i) => { copyFrom(d, s, i, 'bypass'); bypassSend(d, s, s.b.bound && s.a.port, `FINISH:${i}`); }, (s) => s.b.mapped),
  recv('B.recv_disable', 'B', 'dToB', 'BYPASS_DISABLE', 'B sends nothing on the bypass but FINISHes: acknowledge at once with BYPASS_DISABLED',
    `${NC2H} NETCHANNEL2_MSG_BYPASS_DISABLE, _DISABLED`,
    (d, s) => { if (s.b.view !== 'none') d.b.view = 'disabled'; push(d, 'bToD', 'BYPASS_DISABLED'); }),
  recv('B.recv_detach', 'B', 'dToB', 'BYPASS_DETACH', 'unmap the ring, unbind the port, send BYPASS_DETACHED',
    `${NC2H} NETCHANNEL2_MSG_BYPASS_DETACH, _DETACHED`,
    (d) => { d.b.mapped = false; d.b.bound = false; d.b.view = 'none'; d.q.aToB = []; push(d, 'bToD', 'BYPASS_DETACHED'); }),
];

/** B puts a message on the bypass ring and notifies A: lost if its channel is not bound to an open port of A. */
function bypassSend(d: any, _s: S, delivered: boolean, m: string): void {
  if (!delivered) d.lostEvent = true;
  push(d, 'bToA', m);
}

/**
 * The grant tables a copy of packet i meets, in model/grant.ts's terms (its
 * three domains: DOMID_A = guest A, the granter; DOMID_B = dom0, whose own
 * table holds the transitive grants; DOMID_C = guest B, the copier): A's
 * data ref 1 grants the packet's buffer (page 1) read-only to dom0 (`parent`)
 * or to B (`bypass`) if A issued it in its current incarnation (a resumed A
 * has a new, empty table); dom0's ref 0 is a transitive grant to B on A's
 * ref 1 while dom0 has not ended it.
 */
const GRANT_BASE: GrantState = (() => {
  const p = resolveParams(grantParams, { refs: 1, transitive: 1, version: 'v2' });
  if (E.isLeft(p)) throw new Error(p.left);
  return grantInit(p.right, 2);
})();
export function copyTables(s: S, i: number, path: 'parent' | 'bypass'): GrantState {
  const none = GRANT_BASE.ga[1]!;
  const a: GrantEntry = liveGrant(s, i) ? { ...none, flags: GTF_permit_access | GTF_readonly, domid: path === 'parent' ? DOMID_B : DOMID_C, frame: 1 } : none;
  const t: GrantEntry = path === 'parent' && s.d.trans[i] ? { ...GRANT_BASE.gb[0]!, flags: GTF_transitive, domid: DOMID_C, trans_domid: DOMID_A, trans_gref: 1 } : GRANT_BASE.gb[0]!;
  return { ...GRANT_BASE, ga: [GRANT_BASE.ga[0]!, a], gb: [t] };
}
/** GNTTABOP_copy's acquire_grant_for_copy (model/grant.ts acquireForCopy) for B's copy of packet i: dom0's transitive ref 0, or A's ref 1 directly. */
export const copyStatus = (s: S, i: number, path: 'parent' | 'bypass'): number =>
  path === 'parent'
    ? acquireForCopy(copyTables(s, i, path), DOMID_B, 0, DOMID_C, true, true).status
    : acquireForCopy(copyTables(s, i, path), DOMID_A, 1, DOMID_C, true, true).status;

/** B copies packet i; Xen lets the copy read A's buffer only if acquire_grant_for_copy succeeds (grant.ts's transitive semantics). */
function copyFrom(d: any, s: S, i: number, path: 'parent' | 'bypass'): void {
  if (copyStatus(s, i, path) !== GNTST_okay) d.staleCopy = true;
  d.b.got[i] = s.b.got[i]! + 1;
}

export const nc2BypassRules: readonly R[] = [...dom0Rules, ...guestARules, ...guestBRules];

// --- invariants

const inv = (name: string, description: string, see: string, holds: (s: S, p: P) => boolean): Invariant<S, P> => ({ name, description, see, holds });

export const BY1 = inv('BY1_bypass_ring_mapped',
  'a guest that believes in a bypass (attached, ready or disabling) maps the bypass ring: it never reads or writes a ring it lost',
  `${NC2H} BYPASS_FRONTEND/BACKEND ("map the bypass ring")`,
  (s) => (s.a.view === 'none' || s.a.mapped) && (s.b.view === 'none' || s.b.mapped));
export const BY2 = inv('BY2_bypass_events_delivered',
  'B never sends on the bypass (BYPASS_READY, FINISH_PACKET and their event) unless its event channel is bound to an open port of A: no message or event into a closed port (a lost wake-up)',
  'xen/common/event_channel.c evtchn_bind_interdomain, evtchn_close (a dying domain\'s ports close; the remote end becomes unbound)',
  (s) => !s.lostEvent);
export const BY3 = inv('BY3_copy_through_live_grant',
  'every copy B makes reads the buffer A granted for that packet: never through a transitive grant dom0 ended, nor through a ref A issued before a suspend',
  'grant.ts G5/G8 (transitive grants, no access after end); xen/common/grant_table.c acquire_grant_for_copy',
  (s) => !s.staleCopy);
export const BY4 = inv('BY4_finished_exactly_once',
  'B copies each packet at most once, and A gets one FINISH_PACKET per packet it has in flight, on the path it sent it',
  `${NC2H} NETCHANNEL2_MSG_FINISH_PACKET ("must be sent in response to receiver_copy ... packets")`,
  (s) => !s.badFinish && s.b.got.every((n) => n <= 1));
export const BY5 = inv('BY5_ring_pages_held_while_mapped',
  'dom0 ends the grants of the bypass ring pages only when neither guest maps them',
  'xen-protocols.md G14 (ring pages are grants: unmap before end)',
  (s) => s.d.ringGranted || (!s.a.mapped && !s.b.mapped));

export const nc2BypassInvariants: readonly Invariant<S, P>[] = [BY1, BY2, BY3, BY4, BY5];

/** Done: every packet sent, copied once and finished, nothing in any channel. */
export const nc2BypassValidEnd = (s: S): boolean =>
  s.a.pkt.every((x) => x === 'done') && s.b.got.every((n) => n === 1) && Object.values(s.q).every((q) => q.length === 0);

export const nc2BypassView = (s: S): string =>
  `A ${s.a.view}${s.a.mapped ? ' mapped' : ''}${s.a.port ? ' port' : ''} inc ${s.a.inc} [${s.a.pkt.join(' ')}] | ` +
  `B ${s.b.view}${s.b.mapped ? ' mapped' : ''}${s.b.bound ? ' bound' : ''} got [${s.b.got.join(' ')}] | ` +
  `dom0 ${s.d.bypass}${s.d.ringGranted ? ' ring-granted' : ''} trans [${s.d.trans.map((t) => (t ? 'T' : '.')).join('')}]\n` +
  (Object.entries(s.q) as [string, string[]][]).filter(([, v]) => v.length).map(([k, v]) => `${k}: ${v.join(' ')}`).join('; ');

/** The control messages of the BYPASS_* family the channels carry (PACKET:i and FINISH:i besides). */
export const BYPASS_MESSAGES = [
  'BYPASS_FRONTEND', 'BYPASS_FRONTEND_READY', 'BYPASS_BACKEND', 'BYPASS_READY',
  'BYPASS_DISABLE', 'BYPASS_DISABLED', 'BYPASS_DETACH', 'BYPASS_DETACHED',
] as const;

/**
 * The state's shape (model/shape.ts), for the packed path: workers and
 * `--dump-states`. A channel holds the messages the rules push: the eight
 * BYPASS_* names and `PACKET:i`, `FINISH:i` for each packet i (one literal
 * table). A channel's bound is what the rules can push into it over a whole
 * run, with P packets and U setups: each packet leaves `unsent` once and is
 * sent on one path, so one PACKET and one FINISH per packet in each channel
 * of its path; each setup (dom0.bypass_offer, at most U: setupsLeft only
 * falls) sends at most one of each control message per channel (a DISABLE,
 * DISABLED, DETACH, DETACHED per teardown, which follows a setup). So aToD
 * and dToA, dToB hold at most P + 3U (aToD: FRONTEND_READY, DISABLED,
 * DETACHED; dToA: FRONTEND, DISABLE, DETACH; dToB: BACKEND, DISABLE,
 * DETACH), bToD P + 2U (DISABLED, DETACHED), aToB and bToA P + U (READY).
 * `inc` and `suspended` count suspends (at most `suspends`), a grant is the
 * incarnation that issued it or -1, `got` one copy more than BY4 allows (a
 * violation is a state too). A model derived from this one whose rules push
 * more stops with one line naming the field (checker/codec.ts).
 */
export const nc2BypassShape = (p: P): Shape<S> => {
  const P = p.packets, U = p.setups, K = p.suspends;
  const msgs = [...BYPASS_MESSAGES, ...ids(p).map((i) => `PACKET:${i}`), ...ids(p).map((i) => `FINISH:${i}`)];
  const chan = (n: number) => list(oneOf(msgs), n);
  const view = oneOf(['none', 'attached', 'ready', 'disabled'] as const);
  const state = record({
    a: record({
      view,
      mapped: bool,
      port: bool,
      inc: int(0, K),
      pkt: array(oneOf(['unsent', 'parent', 'bypass', 'done'] as const), P),
      grant: array(int(-1, K), P),
      suspended: int(0, K),
    }),
    b: record({ view, mapped: bool, bound: bool, got: array(int(0, 2), P) }),
    d: record({
      bypass: oneOf(['none', 'offered', 'up', 'disabling', 'detaching'] as const),
      ringGranted: bool,
      disabled: array(bool, 2),
      detached: array(bool, 2),
      trans: array(bool, P),
      setupsLeft: int(0, U),
    }),
    q: record({
      aToD: chan(P + 3 * U),
      dToA: chan(P + 3 * U),
      bToD: chan(P + 2 * U),
      dToB: chan(P + 3 * U),
      aToB: chan(P + U),
      bToA: chan(P + U),
    }),
    staleCopy: bool,
    badFinish: bool,
    lostEvent: bool,
  });
  return { state: state as unknown as Shape<S>['state'] };
};

export const nc2Bypass = defineModel<S, P>({
  views: nc2BypassViews,
  name: 'nc2-bypass',
  description: 'NetChannel2 inter-domain traffic: receiver-side copy via dom0 transitive grants, the dom0 bypass (BYPASS_* messages) and a suspend/resume of one guest with the bypass torn down first (the repair)',
  see: 'netchannel2.h (stored public code); ../shared/seeds/004; docs/models/nc2.md',
  params: nc2BypassParams,
  init: (p) => [nc2BypassInit(p)],
  rules: nc2BypassRules,
  invariants: nc2BypassInvariants,
  isValidEnd: nc2BypassValidEnd,
  view: nc2BypassView,
  shape: nc2BypassShape,
});
