/**
 * A defence of the driver domain against a hostile guest, removed: the
 * toolstack gives the guest write access to its vif's backend directory
 * (`backend_perms[1]` of libxl__device_generic_add with XS_PERM_WRITE as well
 * as XS_PERM_READ). The guest can then write `hotplug-status=connected`
 * before the hotplug script set the vif up (netback publishes Connected for a
 * vif that is in no bridge and has no antispoofing rules), `online=0` or the
 * backend's `state`.
 *
 * X16_guest_confined fails as soon as one such write succeeds. The built-in
 * xenbus model (libxl's permissions: the backend directory is read-only to
 * the guest, xenstored answers EACCES) verifies X16.
 *
 * @pvcheck check -p frontend=hostile -i X16_guest_confined
 * @pvcheck expect violation X16_guest_confined in 2 steps
 * @pvcheck fixed-by xenbus -p events=2
 */
import { deriveModel, withDefaults, xenbusModel } from 'pvcheck';
const { BE, GUEST, XENBUS_PERMS, makeHostileFrontend, xenbus } = xenbusModel;

export default deriveModel(xenbus, {
  name: 'xenbus-backend-writable-by-guest',
  params: withDefaults(xenbus.params, { events: 2 }), // the bounds the header was written at
  description: "the guest may write its vif's backend directory (a toolstack ACL with XS_PERM_WRITE for the guest)",
  see: 'libxl_device.c libxl__device_generic_add (backend_perms); C xenstored core.c perm_for_conn',
  replace: makeHostileFrontend({
    perms: XENBUS_PERMS.map(([dir, perms]) => (dir === BE ? [dir, { ...perms, acl: { ...perms.acl, [GUEST]: 'b' } }] as const : [dir, perms] as const)),
  }),
});
