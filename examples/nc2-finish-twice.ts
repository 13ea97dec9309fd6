/**
 * A NetChannel2 receiver that sends FINISH_PACKET twice for one id (a retry
 * path that answers again a packet it has already finished). The sender frees
 * the buffer at the first FINISH and may reuse it for its next packet; the
 * second FINISH then answers no packet in flight, or frees the buffer of a
 * packet the receiver has not even read yet.
 *
 * @pvcheck check
 * @pvcheck expect violation PK1_finished_exactly_once in 6 steps
 * @pvcheck fixed-by nc2-packets
 */
import { deriveModel, nc2Packets, nc2PacketsModel as n, ruleOf, type Rule } from 'pvcheck';

type S = n.Nc2PacketsState;
type P = n.Nc2PacketsParams;

/** FINISH_PACKET(id) sent twice for one held packet. */
const finishTwice: Rule<S, P, number> = {
  ...ruleOf(nc2Packets, 'receiver.finish_packet'),
  name: 'receiver.finish_packet.twice', doc: 'send FINISH_PACKET(id) twice for one packet',
  then: (d, s, _p, k) => {
    const h = s.held[k]!;
    const fin = { kind: 'FINISH_PACKET', id: h.id, type: 'small', seq: h.seq } as const;
    d.toSend.push(fin, fin);
    d.held.splice(k, 1);
  },
};

export default deriveModel(nc2Packets, {
  name: 'nc2-finish-twice',
  description: 'nc2-packets whose receiver sends FINISH_PACKET twice for one id',
  see: 'netchannel2.h NETCHANNEL2_MSG_FINISH_PACKET',
  replace: { 'receiver.finish_packet': finishTwice },
});
