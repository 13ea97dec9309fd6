/**
 * A defence of dom0's toolstack, removed: libxl waiting for the backend's
 * InitWait without `LIBXL_INIT_TIMEOUT`. After the device add
 * (`libxl__device_vif_add`), libxl__wait_device_connection waits for the
 * backend's `state` node to read XenbusStateInitWait before it runs the
 * hotplug script; with the 10 s timeout it gives up, fails the add and the
 * domain's creation destroys the device. Without it, a driver domain that
 * never writes InitWait (here a hostile one: it writes other states and then
 * nothing) hangs the add, and with it `xl create`, for ever.
 *
 * The goal X19_device_add_ends (from every state the add can still end) fails
 * in 3 steps with no unplug (`-p unplug=0`; an unplug would end the wait:
 * with one, the shortest trace first spends the run's events, 5 steps):
 * libxl adds the vif, the driver domain writes two states that are not
 * InitWait and stops. The built-in xenbus model (libxl's timeout,
 * `LIBXL_INIT_TIMEOUT`) verifies X19.
 *
 * @pvcheck check -p backend=hostile -p unplug=0 -i X19_device_add_ends
 * @pvcheck expect violation X19_device_add_ends in 3 steps
 * @pvcheck fixed-by xenbus -p events=2
 */
import { deriveModel, withDefaults, xenbusModel } from 'pvcheck';
const { libxl_init_timeout, xenbus } = xenbusModel;

export default deriveModel(xenbus, {
  name: 'xenbus-libxl-no-init-timeout',
  params: withDefaults(xenbus.params, { events: 2 }), // the bounds the header was written at
  description: "libxl waits for the backend's InitWait without LIBXL_INIT_TIMEOUT: a driver domain that never answers hangs the device add",
  see: 'libxl_device.c libxl__wait_device_connection (libxl__ev_devstate_wait, LIBXL_INIT_TIMEOUT); libxl_internal.h',
  replace: { LIBXL_INIT_TIMEOUT: { ...libxl_init_timeout, applies: () => false } },
});
