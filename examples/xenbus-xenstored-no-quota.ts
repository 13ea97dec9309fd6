/**
 * A defence of dom0 against a hostile guest, removed: a xenstored without
 * its per-domain quotas (nodes, watches, transactions: `-E`, `-W`, `-t`).
 * The guest creates nodes in its own directory, registers watches and opens
 * transactions without limit, and dom0's xenstored holds all of them (the
 * memory exhaustion of XSA-326's class).
 *
 * X17_guest_xenstore_bounded fails on the first flood. The built-in xenbus
 * model (C xenstored's checks: ENOSPC at `quotaEntries` nodes, E2BIG past
 * `quotaWatches` + 1 watches, ENOSPC past `quotaTransactions` + 1 open
 * transactions) verifies X17.
 *
 * @pvcheck check -p frontend=hostile -i X17_guest_xenstore_bounded
 * @pvcheck expect violation X17_guest_xenstore_bounded in 2 steps
 * @pvcheck fixed-by xenbus -p events=2
 */
import { deriveModel, withDefaults, xenbusModel } from 'pvcheck';
const { makeHostileFrontend, xenbus } = xenbusModel;

export default deriveModel(xenbus, {
  name: 'xenbus-xenstored-no-quota',
  params: withDefaults(xenbus.params, { events: 2 }), // the bounds the header was written at
  description: "xenstored without per-domain quotas: the guest's nodes, watches and transactions are unbounded",
  see: 'C xenstored core.c create_node, watch.c do_watch, transaction.c do_transaction_start (quota checks); xenstored --help',
  replace: makeHostileFrontend({ checkQuota: false }),
});
