/**
 * A protocol change to check: nc2_can_send_payload_bytes without its re-check.
 * When the ring is full the producer sets `cons_event = cons + 1` and sleeps at
 * once, never reading `cons` again after the `mb()`. The consumer can release
 * the whole ring between the producer's read of `cons` and its write of
 * `cons_event`, read the old `cons_event` in nc2_finish_messages and send no
 * event: the producer sleeps for space that is there (the free-space
 * counterpart of io/ring.h's RING_FINAL_CHECK without its re-check).
 *
 * @pvcheck check
 * @pvcheck expect violation N5_no_lost_wakeup_space in 29 steps
 * @pvcheck fixed-by nc2 -p messages=2
 */
import { deriveModel, withDefaults, nc2, nc2Model as n, type Rule } from 'pvcheck';

type S = n.Nc2State;
type P = n.Nc2Params;

/** cons_event written: return 0 without looking at cons again; the driver sleeps. */
const fullNoRecheck: Rule<S, P> = {
  name: 'nc2_can_send_payload_bytes.no_recheck.frontend', actor: 'frontend',
  doc: 'cons_event = cons + 1 set: return 0 at once (re-check missing); sleep on the event channel',
  when: (s) => s.prod[0]!.pc === n.P_RECHK && s.prod[0]!.prod_pvt === s.prod[0]!.local_prod,
  then: (d) => { d.prod[0]!.pc = n.P_WAIT; d.prod[0]!.blocked = 1; },
};

export default deriveModel(nc2, {
  name: 'nc2-free-space-no-recheck',
  params: withDefaults(nc2.params, { messages: 2 }), // the bounds the header was written at
  description: 'nc2 whose nc2_can_send_payload_bytes sleeps right after setting cons_event, without re-reading cons',
  see: 'NetChannel2 uring.h nc2_can_send_payload_bytes',
  replace: { 'nc2_can_send_payload_bytes.full.frontend': fullNoRecheck },
  remove: ['nc2_can_send_payload_bytes.retry.frontend'],
});
