/**
 * netback's xenvif_down without `del_timer_sync(&queue->credit_timeout)`
 * (a seeded bug, not a historical one): a queue that was rate-limited when
 * the frontend closed keeps its credit timer, which fires after the queue was
 * disconnected and schedules NAPI on it (on a freed queue, once
 * xenvif_free has run).
 *
 * A bug across layers: the limiter's timer and the xenbus lifecycle. The fix
 * is netback's xenvif_down (the built-in `vif`), which verifies at the same
 * parameters.
 *
 * @pvcheck check
 * @pvcheck expect violation V_credit_timer_only_while_connected in 14 steps
 * @pvcheck fixed-by vif -p connects=2 -p packets=2
 */
import { deriveModel, withDefaults, vifModel } from 'pvcheck';
const { beDisconnectStart, vif } = vifModel;

export default deriveModel(vif, {
  name: 'vif-credit-timer-not-deleted',
  params: withDefaults(vif.params, { connects: 2, packets: 2 }), // the bounds the header was written at
  description: 'vif whose backend disconnect leaves the credit timer pending',
  see: 'netback interface.c xenvif_down (del_timer_sync(&queue->credit_timeout))',
  replace: {
    be_backend_disconnect: beDisconnectStart((d) => { d.evt = 0; d.napi = 0; }),
  },
});
