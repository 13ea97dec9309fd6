/**
 * Finding F1 (docs/models/xenbus.md), and its fix. A driver domain dies while
 * netfront's key transaction is open; the toolstack re-creates the backend
 * directory. netfront's transaction fails with EAGAIN and `talk_to_netback`
 * retries (`goto again`): it re-tests `xenbus_exists(otherend,
 * "multi-queue-max-queues")`, which the new netback has not written yet, so
 * it writes `queue-0/`, `queue-1/` keys for the two queues it kept but no
 * `multi-queue-num-queues`. The new netback's connect() reads one queue,
 * finds no toplevel `tx-ring-ref`, and fails (`xenbus_dev_fatal`: Closing);
 * set_backend_state then calls `backend_switch_state(Connected)` anyway and,
 * with no hotplug watch registered, publishes Connected over Closing with
 * nothing mapped.
 *
 * The fix checked here: set_backend_state leaves netback in Closing when
 * connect() failed (the frontend closes, both reach Closed). The built-in
 * xenbus model is Linux as it is and reports X4_connected_after_hotplug
 * (10 steps, at its defaults and at `events=1`). The checks run at both, the
 * defaults without driver rebinds (`reconnect=0`): a rebind during an unplug
 * is finding F7, another bug, fixed by `xenbus-create-dev-removed-fix.ts`.
 *
 * @pvcheck check -p backendRestart=1 -p events=1
 * @pvcheck expect ok
 * @pvcheck check -p backendRestart=1 -p reconnect=0
 * @pvcheck expect ok
 */
import { deriveModel, xenbusModel } from 'pvcheck';
const { makeFrontendChanged, xenbus } = xenbusModel;

export default deriveModel(xenbus, {
  name: 'xenbus-restart-connect-failed-fix',
  description: 'netback stays in Closing when connect() failed, instead of publishing Connected (fix of finding F1)',
  see: 'netback xenbus.c set_backend_state (InitWait -> Connected: backend_connect; backend_switch_state(Connected)); docs/models/xenbus.md F1',
  replace: { frontend_changed: makeFrontendChanged({ onConnectFail: 'closing' }) },
});
