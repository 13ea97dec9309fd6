/**
 * The DPDK xenvirt pairing (docs/models/xenbus.md, finding D1) and a fix. DPDK's
 * guide (../shared/seeds/003) says: "When the back end is restarted, all front
 * ends must also be restarted." The model shows why and that the rule alone
 * is not enough: a restarted switching backend finds the guest's
 * `event_type_start_0 = 1` still in xenstore, maps the vrings the previous
 * backend was using and polls them from index 0 while the guest's indices are
 * far ahead (X15_dpdk_ring_in_sync fails in 11 steps at
 * `-p frontend=dpdk -p backend=dpdk -p backendRestart=1`), whether or not the
 * guest application restarts afterwards.
 *
 * The fix checked here: the restarted backend removes every
 * `event_type_start_N` it finds when it starts (dom0 may write the guest's
 * control directory), so it maps only vrings a guest announced after it
 * started: the restarted guest application's.
 *
 * @pvcheck check -p frontend=dpdk -p backend=dpdk -p backendRestart=1
 * @pvcheck expect ok
 * @pvcheck check -p frontend=dpdk -p backend=dpdk -p backendRestart=1 -p events=3
 * @pvcheck expect ok
 */
import { deriveModel, withDefaults, type Rule, xenbusModel, xenstore } from 'pvcheck';
const { DPDK, backend_restarted, xenbus } = xenbusModel;
type XenbusModelState = xenbusModel.XenbusModelState;
type XenbusParams = xenbusModel.XenbusParams;
const { xsRm } = xenstore;

const restartClearsStart: Rule<XenbusModelState, XenbusParams> = {
  ...backend_restarted,
  doc: 'the switching backend starts again and first removes the stale event_type_start_0',
  then: (d, s, p, a) => {
    backend_restarted.then(d, s, p, a);
    xsRm(d.xs, `${DPDK}/event_type_start_0`, p.txnConflicts);
  },
};

export default deriveModel(xenbus, {
  name: 'xenbus-dpdk-restart-clears-start',
  params: withDefaults(xenbus.params, { events: 2 }), // the bounds the header was written at
  description: 'DPDK switching backend: on restart, forget the start announcements it did not see (fix of finding D1)',
  see: 'seeds/003; DPDK rte_eth_xenvirt.c dev_start_notify; docs/models/xenbus.md D1',
  replace: { 'driver domain restarted': restartClearsStart },
});
