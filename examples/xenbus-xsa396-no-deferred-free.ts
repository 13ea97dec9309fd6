/**
 * XSA-396 (CVE-2022-23036..23042, "Linux PV device frontends vulnerable to
 * attacks by backends"): a frontend that ends the grant of a ring page and
 * frees the page while the backend still maps it. Before the fix
 * `gnttab_end_foreign_access` freed the page even when ending the grant failed
 * (the backend still had it mapped), so a malicious backend kept access to a
 * page the guest then reused. The fix: never free a page whose grant is still
 * in use; defer the free until the backend unmaps it.
 *
 * This variant frees at once on every netfront path that ends the ring grants
 * (close, removal, resume). Against a hostile backend that maps the guest's
 * ring refs whenever it likes, X2_frontend_frees_after_backend fails. The
 * built-in xenbus model (the deferred free) verifies.
 *
 * @pvcheck catalogue XSA-396 CVE-2022-23036
 * @pvcheck check -p backend=hostile -i X2_frontend_frees_after_backend
 * @pvcheck expect violation X2_frontend_frees_after_backend in 11 steps
 * @pvcheck fixed-by xenbus -p events=2
 */
import { deriveModel, withDefaults, type Rule, xenbusModel } from 'pvcheck';
const { migrate, netfront_node_removed, xennet_bus_close_closed, xennet_bus_close_closing, xennet_remove, xenbus } = xenbusModel;
type XenbusModelState = xenbusModel.XenbusModelState;
type XenbusParams = xenbusModel.XenbusParams;
type R = Rule<XenbusModelState, XenbusParams>;

/** The rule, with every ring page it put on the deferred list freed at once instead. */
const freeAtOnce = (r: R): R => ({
  ...r,
  doc: `${r.doc}; gnttab_end_foreign_access frees the page even while the backend maps it (before XSA-396)`,
  then: (d, s, p, a) => {
    r.then(d, s, p, a);
    d.q.forEach((q, i) => { if (q.deferred !== null && q.deferred !== s.q[i]!.deferred) q.deferred = null; });
  },
});

export default deriveModel(xenbus, {
  name: 'xenbus-xsa396-no-deferred-free',
  params: withDefaults(xenbus.params, { events: 2 }), // the bounds the header was written at
  description: 'netfront frees ring pages whose grant the backend still maps (XSA-396)',
  see: 'XSA-396; Linux drivers/xen/grant-table.c gnttab_end_foreign_access; netfront xennet_disconnect_backend',
  replace: Object.fromEntries([xennet_remove, xennet_bus_close_closing, xennet_bus_close_closed, netfront_node_removed, migrate].map((r) => [r.name, freeAtOnce(r)])),
});
