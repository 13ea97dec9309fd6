/**
 * What a user sees after unbinding blkfront through sysfs and binding it
 * again (docs/upstream/blkif-unbind.md; docs/models/blkif.md "Linux 7.0's
 * xenbus core"): not a finding. blkfront has no `allow_rebind`, so
 * `xenbus_dev_remove` closes the device on an unbind by design, and
 * `blkfront_probe` switches nothing, so a rebound blkfront keeps
 * `dev->state` Closed; the model is Linux's. Two situations are written here
 * as invariants, so that a check stops at the shortest run that reaches them
 * and writes its trace (the third, a rebound disk that never connects, is the
 * plain `pvcheck check blkif -p unbind=true`: a deadlock in 4 steps):
 *
 * - `U_rebound_ring_read`: a rebind before blkback handled the unbind's
 *   Closed reads Connected, `talk_to_blkback` grants a new ring and blkfront
 *   connects, while blkback, whose `frontend_changed` ignores Initialised and
 *   Connected with `dev->state` Connected, keeps the old ring: the disk's
 *   requests are never answered (`-p unbind=true`).
 * - `U_detach_reaches_frontend`: after an unbind and a migration, `xl
 *   block-detach` without -f writes Closing; the rebound blkfront's
 *   `blkfront_closing` switches to Closed, which its `dev->state` already is,
 *   so nothing is written, blkback never sees Closed and the detach times out
 *   (`-p unbind=true -p migrate=true -p removal=libxl`; 9 steps since session
 *   25, 8 before: the restore's read of InitWait is a step of its own, and
 *   the detach may come during the restore).
 *
 * @pvcheck check -p unbind=true -i U_rebound_ring_read
 * @pvcheck expect violation U_rebound_ring_read in 6 steps
 * @pvcheck check -p unbind=true -p migrate=true -p removal=libxl -i U_detach_reaches_frontend
 * @pvcheck expect violation U_detach_reaches_frontend in 9 steps
 */
import { deriveModel, blkif, blkifModel } from 'pvcheck';
const { feDevOf, XenbusStateConnected, XenbusStateClosed, XenbusStateClosing, XenbusStateInitialising, BIND_REBOUND, LIBXL_WAITING } = blkifModel;

export default deriveModel(blkif, {
  name: 'blkif-unbind-observed',
  description: 'blkif with two observations of blkfront unbound and bound again through sysfs (no allow_rebind): a rebound blkfront connected to a ring blkback does not read, and a detach after an unbind and a migration that no frontend answers',
  see: 'drivers/xen/xenbus/xenbus_probe.c xenbus_dev_remove, xenbus_dev_probe; drivers/block/xen-blkfront.c blkfront_probe, blkback_changed, blkfront_closing; drivers/block/xen-blkback/xenbus.c frontend_changed',
  invariants: [
    {
      name: 'U_rebound_ring_read',
      description: 'a rebound blkfront with a request on its ring is connected to a blkback that reads that ring (observation: not Linux\'s property)',
      see: 'drivers/block/xen-blkback/xenbus.c frontend_changed (Initialised, Connected ignored while dev->state is Connected); drivers/block/xen-blkfront.c talk_to_blkback',
      holds: (s) => s.life?.stale !== true || feDevOf(s.life) !== XenbusStateConnected || s.front.issued === 0,
    },
    {
      name: 'U_detach_reaches_frontend',
      description: 'a detach libxl waits for is not left with its Closing unanswered by a rebound blkfront whose dev->state is already Closed (observation: not Linux\'s property)',
      see: 'drivers/block/xen-blkfront.c blkfront_closing (xenbus_frontend_closed); drivers/xen/xenbus/xenbus_client.c __xenbus_switch_state (state == dev->state: nothing written); tools/libs/light/libxl_device.c libxl__initiate_device_generic_remove',
      holds: (s) => {
        const l = s.life;
        return l === undefined || !(l.libxl === LIBXL_WAITING && l.be === XenbusStateClosing && l.bind === BIND_REBOUND && feDevOf(l) === XenbusStateClosed &&
          l.fe !== XenbusStateClosed && l.beDev !== XenbusStateInitialising && !l.feWatch && !l.beWatch); // blkback probed (libxl's migration waits for InitWait)
      },
    },
  ],
});
