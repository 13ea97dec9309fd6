/**
 * A protocol change to check: a NetChannel2 producer that skips the ring's
 * tail without writing the NETCHANNEL2_MSG_PAD header (uring.h
 * `__nc2_send_pad` moving `prod_pvt` and `bytes_available` but leaving the
 * tail's bytes as they were). The consumer reaches the tail, reads whatever
 * header is there (zero bytes on a fresh ring, an old message's header on a
 * later lap) and either stops on an "invalid" message or delivers stale bytes.
 *
 * @pvcheck check
 * @pvcheck expect violation N7_honest_messages_valid in 6 steps
 * @pvcheck fixed-by nc2 -p messages=2
 */
import { deriveModel, withDefaults, nc2, nc2Model as n, type Rule } from 'pvcheck';

type S = n.Nc2State;
type P = n.Nc2Params;

/** __nc2_send_pad without the header write: only the indices move. */
const padNotWritten: Rule<S, P> = {
  name: '__nc2_send_pad.no_header.frontend', actor: 'frontend',
  doc: 'the message would wrap: prod_pvt += __nc2_pad_needed, bytes_available -= it, but no pad header is written',
  when: (s, p) => s.prod[0]!.pc === n.P_SEND && n.wouldWrap(s.prod[0]!.prod_pvt, s.prod[0]!.want, p),
  then: (d, s, p) => n.sendPad(d, s, 0, p, false),
};

export default deriveModel(nc2, {
  name: 'nc2-no-padding',
  params: withDefaults(nc2.params, { messages: 2 }), // the bounds the header was written at
  description: 'nc2 whose producer skips the ring tail without writing the NETCHANNEL2_MSG_PAD header',
  see: 'NetChannel2 uring.h __nc2_avoid_ring_wrap, __nc2_send_pad',
  replace: { '__nc2_send_pad.frontend': padNotWritten },
});
