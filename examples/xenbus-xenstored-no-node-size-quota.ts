/**
 * A defence of dom0 against a hostile guest, removed: a xenstored without its
 * node-size quota (`quota-max-entry-size`, `-S` / `-Q node-size=`, 2048 bytes).
 * The other quotas stay: the guest still owns at most `quotaEntries` nodes,
 * but each may now hold as much as one XS_WRITE carries
 * (`XENSTORE_PAYLOAD_MAX`, 4096 bytes, less the path), twice the limit, and
 * dom0's xenstored keeps it.
 *
 * X17_guest_xenstore_bounded fails in 2 steps (libxl adds the vif, the guest
 * writes its oversized node). The built-in xenbus model (C xenstored's
 * write_node_raw: a node of more than `quotaEntrySize` bytes, counting
 * node_hdr and the perms, is refused with ENOSPC) verifies X17.
 *
 * @pvcheck check -p frontend=hostile -i X17_guest_xenstore_bounded
 * @pvcheck expect violation X17_guest_xenstore_bounded in 2 steps
 * @pvcheck fixed-by xenbus -p events=2
 */
import { deriveModel, withDefaults, xenbusModel } from 'pvcheck';
const { makeHostileFrontend, xenbus } = xenbusModel;

export default deriveModel(xenbus, {
  name: 'xenbus-xenstored-no-node-size-quota',
  params: withDefaults(xenbus.params, { events: 2 }), // the bounds the header was written at
  description: "xenstored without its node-size quota: the guest's nodes may be as large as a message",
  see: 'C xenstored core.c write_node_raw (domain_max_chk ACC_NODESZ); xenstored --help (-S, -Q node-size=)',
  replace: makeHostileFrontend({ checkNodeSize: false }),
});
