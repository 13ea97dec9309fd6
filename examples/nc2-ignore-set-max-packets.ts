/**
 * A NetChannel2 sender that ignores SET_MAX_PACKETS: it sends receiver_copy
 * and receiver_map packets whenever it has a free buffer, however many the
 * receiver allowed it to have outstanding (netchannel2.h: "An endpoint must
 * not send PACKET messages which would take it over this limit"). The
 * receiver then holds more packets, and their grants, than it sized for.
 *
 * @pvcheck check
 * @pvcheck expect violation PK2_within_max_packets in 4 steps
 * @pvcheck fixed-by nc2-packets -p packets=4 -p buffers=3 -p maxPackets=2 -p ticks=2
 */
import { deriveModel, withDefaults, nc2Packets, nc2PacketsModel as n, ruleOf, type Rule } from 'pvcheck';

type S = n.Nc2PacketsState;
type P = n.Nc2PacketsParams;
type T = n.PacketType;

const base = ruleOf(nc2Packets, 'sender.send_packet');
/** send_packet with a free buffer as its only limit. */
const sendIgnoringMax: Rule<S, P, T> = {
  ...base,
  name: 'sender.send_packet.ignore_max', doc: 'send a PACKET whenever a buffer is free, ignoring max_outstanding_packets',
  when: (s, p, t) => s.max >= 0 && s.sent < p.packets && (t === 'small' || s.buf.includes(-1)),
};

export default deriveModel(nc2Packets, {
  name: 'nc2-ignore-set-max-packets',
  params: withDefaults(nc2Packets.params, { packets: 4, buffers: 3, maxPackets: 2, ticks: 2 }), // the bounds the header was written at
  description: 'nc2-packets whose sender ignores SET_MAX_PACKETS',
  see: 'netchannel2.h NETCHANNEL2_MSG_SET_MAX_PACKETS',
  replace: { 'sender.send_packet': sendIgnoringMax },
});
