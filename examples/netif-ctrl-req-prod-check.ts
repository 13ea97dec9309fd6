/**
 * A protocol change to check: netback's control-ring loop with the check its
 * data rings got for XSA-39. xenvif_ctrl_action reads `req_prod` from the
 * shared ring and runs `while (req_cons != req_prod)` without a bound, so a
 * frontend that writes `req_prod = req_cons - 1` makes one pass process
 * 2^32 - 1 requests (each a RING_COPY_REQUEST, a hash.c handler, a response
 * and a push), in the ctrl IRQ thread; `netif-ctrl -p hostileIndex=true`
 * shows it (B_ctrl_pass_bounded). xenvif_connect_ctrl checks
 * `req_prod - rsp_prod > RING_SIZE` once, at connect time, not later.
 *
 * The change: before the loop, `if (req_prod - req_cons > RING_SIZE)`, stop
 * serving the ring (as xenvif_fatal_tx_err does for the tx ring). With it
 * the hostile frontend's index write is caught and the pass stays bounded.
 *
 * Bounds: the finding's row runs at the defaults (requests=4: 5 steps); this
 * example stays at requests=2 (185,629 states, 1.9 s of one core; ringSize=1:
 * 11,267 states, more requests than slots). At the defaults it verifies too,
 * but costs 8,781,957 states and 45 s of one core, too long for a pass over
 * the examples (measured 2026-12-05, `--workers 1`, user + sys).
 *
 * @pvcheck check -p hostileIndex=true
 * @pvcheck expect ok
 * @pvcheck check -p hostileIndex=true -p ringSize=1
 * @pvcheck expect ok
 */
import { deriveModel, withDefaults, netifCtrl, netifCtrlModel, idxSub } from 'pvcheck';
const { ctrlReadReqProd } = netifCtrlModel;

export default deriveModel(netifCtrl, {
  name: 'netif-ctrl-req-prod-check',
  params: withDefaults(netifCtrl.params, { requests: 2 }), // the header's bounds: at the defaults 45 s of one core
  description: 'netback control ring refusing a req_prod more than RING_SIZE ahead of req_cons',
  see: 'drivers/net/xen-netback/netback.c xenvif_ctrl_action; compare xenvif_tx_build_gops (XSA-39: "Impossible number of requests")',
  replace: {
    xenvif_ctrl_action: {
      ...ctrlReadReqProd,
      doc: 'netback: req_prod = sring->req_prod; rmb(); if (req_prod - req_cons > RING_SIZE) stop serving the ring; else a new pass',
      then: (d, s, p, a) => {
        if (idxSub(s.req_prod, s.back.req_cons) > p.ringSize) { d.disabled = true; return; }
        ctrlReadReqProd.then(d, s, p, a);
      },
    },
  },
});
