/**
 * What the sequence charts need from the NetChannel2 models: the uring.h
 * rings of nc2.ts (one ring per direction: the producer's messages, `prod`,
 * `prod_event`, the consumer's `cons`, `cons_event`, and the event channel
 * as arrows to the other end), the packet protocol of nc2Packets.ts
 * (packets, FINISH_PACKET and SET_MAX_PACKETS as messages between sender and
 * receiver, read off the model's message queues; the receiver's unmap as a
 * hypercall) and the dom0 bypass of nc2Bypass.ts (every message a step puts
 * on a parent or bypass ring, read off the six queues).
 */
import type { ModelViews } from '../core.js';
import { evtchnNotify, hypercall, patternStep, queueMessages, type Pattern } from './patterns.js';

const other = (end: string): string => (end === 'frontend' ? 'backend' : 'frontend');
/** The ring `end` produces on (its outgoing ring) and the one it consumes. */
const out = (end: string): string => `${end}->${other(end)} ring`;
const inc = (end: string): string => `${other(end)}->${end} ring`;

export const nc2Table: readonly Pattern[] = [
  [/^nc2_prepare_message\.(\w+)$/, (m) => ({ writes: [`${out(m[1]!)} message`] })],
  [/^__nc2_send_pad\.(\w+)$/, (m) => ({ writes: [`${out(m[1]!)} NETCHANNEL2_MSG_PAD`] })],
  [/^nc2_send_message\.(\w+)$/, (m) => ({ writes: [`${out(m[1]!)} message`] })],
  [/^nc2_can_send_payload_bytes\.\w+\.(\w+)$/, (m) => ({ reads: [`${out(m[1]!)} cons`] })],
  [/^BUG_ON\.bytes_available\.(\w+)$/, (m) => ({ reads: [`${out(m[1]!)} cons`] })],
  [/^v2v_nc2_prep_message\.\w+\.(\w+)$/, (m) => ({ reads: [`${out(m[1]!)} consumer_active`] })],
  [/^nc2_flush_ring(\.notify|\.no_notify)?\.(\w+)$/, (m) => ({ writes: [`${out(m[2]!)} prod`], reads: [`${out(m[2]!)} prod_event`] })],
  [/^notify_remote_via_evtchn(\.space)?\.(\w+)$/, (m) => ({ messages: evtchnNotify(other(m[2]!)) })],
  [/^nc2_get_message(\.pad|\.invalid)?\.(\w+)$/, (m) => ({ reads: [`${inc(m[2]!)} prod`, `${inc(m[2]!)} message`] })],
  [/^nc2_finish_messages(\.notify|\.no_notify)?\.(\w+)$/, (m) => ({ writes: [`${inc(m[2]!)} cons`], reads: [`${inc(m[2]!)} cons_event`] })],
  [/^v2v_nc2_get_message\.\w+\.(\w+)$/, (m) => ({ reads: [`${inc(m[1]!)} producer_active`] })],
  [/^nc2_final_check_for_messages(\.\w+)?\.(\w+)$/, (m) => ({ reads: [`${inc(m[2]!)} prod`], writes: [`${inc(m[2]!)} prod_event`] })],
  [/^evtchn_upcall\.(\w+)$/, { reads: ['evtchn'] }],
  [/^hostile\.notify$/, { messages: evtchnNotify('frontend') }],
  [/^hostile\.(\w+)$/, (m) => ({ writes: [`backend->frontend ring ${m[1]}`, `frontend->backend ring ${m[1]}`] })],
];

/** nc2Packets.ts's two message queues: `toRecv` (sender to receiver), `toSend` (receiver to sender). */
const PACKET_QUEUES = { toRecv: { from: 'sender', to: 'receiver', via: 'ring' }, toSend: { from: 'receiver', to: 'sender', via: 'ring' } };
const packetLabel = (m: { kind: string; id?: number; type?: string; seq?: number }): string =>
  m.kind === 'PACKET' ? `PACKET ${m.type ?? ''} id ${m.id}`.replace('  ', ' ') : m.kind === 'SET_MAX_PACKETS' ? `SET_MAX_PACKETS ${m.id}` : `${m.kind}${m.id !== undefined ? ` id ${m.id}` : ''}`;
const unmap = patternStep([[/^receiver\.unmap(_timer)?$/, { messages: hypercall('GNTTABOP_unmap_grant_ref') }]]);

/** nc2Bypass.ts's six message queues, between dom0 and each guest and, on the bypass, between A and B. */
const BYPASS_QUEUES = {
  aToD: { from: 'A', to: 'dom0', via: 'parent ring' }, dToA: { from: 'dom0', to: 'A', via: 'parent ring' },
  bToD: { from: 'B', to: 'dom0', via: 'parent ring' }, dToB: { from: 'dom0', to: 'B', via: 'parent ring' },
  aToB: { from: 'A', to: 'B', via: 'bypass ring' }, bToA: { from: 'B', to: 'A', via: 'bypass ring' },
};
const bypassLabel = (m: string): string => (/^[A-Z_]+(:\d+)?$/.test(m) && !m.startsWith('PACKET') && !m.startsWith('FINISH') ? `NETCHANNEL2_MSG_${m.replace(/:\d+$/, '')}` : m.replace(':', ' id '));

/** nc2Api.ts: one ring, the producer's and the consumer's calls. */
export const nc2ApiTable: readonly Pattern[] = [
  [/^nc2_can_send_payload_bytes$/, { reads: ['cons'], writes: ['cons_event'] }],
  [/^nc2_send_message$/, { writes: ['payload'] }],
  [/^nc2_flush_ring$/, { writes: ['prod'], reads: ['prod_event'] }],
  [/^nc2_get_message$/, { reads: ['prod', 'payload'] }],
  [/^nc2_finish_messages$/, { writes: ['cons'], reads: ['cons_event'] }],
  [/^nc2_final_check_for_messages$/, { reads: ['prod'], writes: ['prod_event'] }],
  [/^hostile_cons$/, { writes: ['cons'] }],
];
export const nc2ApiViews: ModelViews = { actors: ['producer', 'consumer'], step: patternStep(nc2ApiTable) };
export const nc2Views: ModelViews = { actors: ['frontend', 'backend'], step: patternStep(nc2Table) };
export const nc2PacketsViews: ModelViews = {
  actors: ['sender', 'receiver', 'clock', 'xen'],
  step: (rule, before, after, p) => {
    const t = unmap(rule, before, after, p);
    return { ...t, messages: [...(t.messages ?? []), ...queueMessages(before, after, PACKET_QUEUES, packetLabel)] };
  },
};
export const nc2BypassViews: ModelViews = {
  actors: ['A', 'dom0', 'B'],
  step: (_rule, before, after) => ({ messages: queueMessages((before as { q?: never })?.q, (after as { q?: never })?.q, BYPASS_QUEUES, bypassLabel) }),
};
