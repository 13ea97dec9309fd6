/**
 * XSA-374 (CVE-2021-28691), catalogue X-10: "Guest triggered use-after-free in
 * Linux xen-netback". A frontend sends a malformed packet; netback disables the
 * vif (`xenvif_fatal_tx_err`) and the guest-rx kthread of queue 0 exits on its
 * own. Its task_struct is then freed, since netback held no reference on it,
 * and a later disconnect calls `kthread_stop()` on the stale pointer. The fix
 * takes a reference at connect (`get_task_struct`) and drops it after
 * `kthread_stop` (`put_task_struct`).
 *
 * This variant connects without the reference. The built-in xenbus model (the
 * fix) verifies at the same parameters.
 *
 * @pvcheck catalogue X-10 XSA-374 CVE-2021-28691
 * @pvcheck check -p malformedPacket=1 -p events=2
 * @pvcheck expect violation X14_no_use_after_free in 10 steps
 * @pvcheck fixed-by xenbus
 */
import { deriveModel, withDefaults, type Rule, xenbusModel } from 'pvcheck';
const { frontend_changed, xenbus } = xenbusModel;
type XenbusModelState = xenbusModel.XenbusModelState;
type XenbusParams = xenbusModel.XenbusParams;

const connectWithoutTaskRef: Rule<XenbusModelState, XenbusParams> = {
  ...frontend_changed,
  doc: 'frontend_changed; connect() starts each queue\'s guest-rx kthread without get_task_struct (before XSA-374)',
  then: (d, s, p, a) => {
    frontend_changed.then(d, s, p, a);
    d.q.forEach((q, i) => { if (q.task === 'run' && s.q[i]!.task !== 'run') q.taskRef = false; });
  },
};

export default deriveModel(xenbus, {
  name: 'xenbus-xsa374',
  params: withDefaults(xenbus.params, { events: 2 }), // the bounds the header was written at
  description: 'netback keeps no reference on its guest-rx kthreads: kthread_stop on a task that exited on its own (XSA-374)',
  see: 'XSA-374; Linux xen-netback interface.c xenvif_connect_data, xenvif_disconnect_queue; xen-protocols.md X-10',
  replace: { frontend_changed: connectWithoutTaskRef },
});
