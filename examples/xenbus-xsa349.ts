/**
 * XSA-349 (CVE-2020-29568): "Frontends can trigger OOM in Backends by
 * update a watched path". Every write of the frontend's `state` node queues a
 * watch event in the driver domain's kernel; before the fix Linux queued every
 * one, so a guest writing its state in a loop grew dom0's event list without
 * bound. The fix (Linux "xen/xenbus: Allow watches discard events
 * before queueing", and the backend bus's `frontend_will_handle`) drops an
 * event of a backend's otherend watch while one is still pending.
 *
 * This variant registers netback's otherend watch without `will_handle`. With
 * a hostile frontend writing its state twice, two events are pending:
 * X12_backend_events_bounded fails. The built-in xenbus model (drop while
 * pending, `backendWatchDrop=pending`) verifies X12.
 *
 * @pvcheck catalogue XSA-349 CVE-2020-29568
 * @pvcheck check -p frontend=hostile -i X12_backend_events_bounded
 * @pvcheck expect violation X12_backend_events_bounded in 3 steps
 * @pvcheck fixed-by xenbus -p events=2
 */
import { deriveModel, withDefaults, xenbusModel } from 'pvcheck';
const { netback_probe, netbackProbeEffect, xenbus } = xenbusModel;

export default deriveModel(xenbus, {
  name: 'xenbus-xsa349',
  params: withDefaults(xenbus.params, { events: 2 }), // the bounds the header was written at
  description: "netback's otherend watch queues every event (no frontend_will_handle): XSA-349",
  see: 'XSA-349; Linux xenbus_probe_backend.c frontend_will_handle, xenbus_xs.c xs_watch_msg',
  replace: { netback_probe: { ...netback_probe, then: (d, s, p) => netbackProbeEffect(d, { ...p, backendWatchDrop: 'none' }) } },
});
