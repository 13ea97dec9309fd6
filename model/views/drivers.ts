/**
 * What the sequence charts need from the driver-level models whose rules are
 * named after netback, netfront, blkfront and blkback functions: limiter.ts
 * (the guests' tx rings and event channels against netback's credit and NAPI
 * rules; `h_` the honest guest, `x_`/`x1_` the hostile guest's queues),
 * blkif.ts, netifCtrl.ts (the control ring) and vif.ts (one vif across
 * xenbus, its tx ring, grants and credit).
 */
import type { ModelViews } from '../core.js';
import { evtchnNotify, hypercall, patternStep, type Pattern } from './patterns.js';

const guestOf = (q: string): string => (q === 'h' ? 'honest guest' : 'hostile guest');
const txRing = (q: string): string => `${q === 'h' ? 'honest' : q === 'x' ? 'hostile' : 'hostile queue 1'} tx ring page`;

export const limiterTable: readonly Pattern[] = [
  [/^h_RING_PUSH_REQUESTS_AND_CHECK_NOTIFY$/, { writes: [txRing('h')], messages: evtchnNotify('backend') }],
  [/^(x1?)_push_request$/, (m) => ({ writes: [txRing(m[1]!)] })],
  [/^(x1?)_notify_remote_via_evtchn$/, { messages: evtchnNotify('backend') }],
  [/^x_post_rx_slot$/, { writes: ['hostile rx ring page'] }],
  [/^(h|x1?)_xenvif_tx_interrupt$/, (m) => ({ reads: [`evtchn of the ${guestOf(m[1]!)}`] })],
  [/^(h|x1?)_xenvif_tx_build_gops$/, (m) => ({ reads: [txRing(m[1]!)], messages: hypercall('GNTTABOP_copy') })],
  [/^(h|x1?)_xenvif_tx_submit$/, (m) => ({ writes: [txRing(m[1]!)], messages: [{ to: guestOf(m[1]!), label: 'tx responses', via: 'ring' }] })],
  [/^(h|x1?)_(tx_credit_exceeded|xenvif_tx_credit_callback)$/, { writes: ['credit_timeout timer'] }],
  [/^x_xenvif_rx_action$/, { writes: ['hostile rx ring page'], messages: hypercall('GNTTABOP_copy') }],
  [/^tick$/, { writes: ['jiffies'] }],
];

export const blkifTable: readonly Pattern[] = [
  // the models leave the event channel out (blkif.md): no notification arrows
  [/^blkif_queue_rw_req$/, { writes: ['ring page request slot', 'ring page req_prod', 'grant table entry'] }],
  [/^blkif_queue_fua_write$/, { writes: ['ring page request slot', 'ring page req_prod', 'grant table entry'] }], // ops with fua: a REQ_FUA write with its segments (the indirect size stops at blkfront's BUG_ON before any write)
  [/^blkif_queue_(flush|discard_req|secure_erase)$/, { writes: ['ring page request slot', 'ring page req_prod'] }], // ops: no segment, no grant (secure_erase: REQ_OP_SECURE_ERASE as BLKIF_OP_DISCARD)
  [/^blkif_interrupt$/, { reads: ['ring page rsp_prod', 'ring page response slot'] }],
  // migrate with destQueues=other or destIndirect=no: a read or write the guest's block layer holds (its queue's usage count), not on the ring
  [/^blk_mq_submit_bio$/, { writes: ['blk-mq request queue (q_usage_counter)'] }],
  [/^__do_block_io_op$/, { reads: ['ring page req_prod', 'ring page request slot'] }],
  [/^xen_blkbk_(map|parse_indirect)$/, { messages: hypercall('GNTTABOP_map_grant_ref') }], // indirectOp: xen_blkbk_parse_indirect maps the indirect page
  [/^make_response$/, { writes: ['ring page response slot', 'ring page rsp_prod'] }],
  [/^purge_persistent_gnt$/, { messages: hypercall('GNTTABOP_unmap_grant_ref') }],
  // the adversaries (frontend=hostile, backend=hostile): writes of the shared page (and the guest's grant table)
  [/^hostile_frontend_write$/, { writes: ['ring page request slot', 'ring page req_prod', 'grant table entry'] }],
  [/^hostile_backend_write$/, { writes: ['ring page response slot', 'ring page rsp_prod'] }],
  // removal=libxl: the xenbus state nodes, libxl's safe remove, blkback's connect and disconnect
  [/^blkback_changed$/, { reads: ['xenstore backend state'], messages: [{ to: 'backend', label: 'frontend state', via: 'xenstore' }] }],
  [/^frontend_changed$/, { reads: ['xenstore frontend state'], messages: [{ to: 'frontend', label: 'backend state', via: 'xenstore' }, ...hypercall('GNTTABOP_map/unmap_grant_ref (ring, persistent grants)')!] }],
  [/^libxl_device_disk_safe_remove$/, { writes: ['xenstore backend online', 'xenstore backend state'] }],
  [/^libxl_devstate_wait$/, { reads: ['xenstore backend state'] }],
  // migrate, unbind (blkif.md "Linux 7.0's xenbus core"): the destination's nodes, the guest's resume, the probes, the unbind
  [/^xl_migrate$/, { writes: ['xenstore frontend state', 'xenstore backend state'] }],
  [/^xenbus_dev_resume$/, { reads: ['xenstore frontend state'], writes: ['grant table entry'], messages: [{ to: 'backend', label: 'frontend state', via: 'xenstore' }] }],
  [/^xen_blkbk_probe$/, { messages: [{ to: 'frontend', label: 'backend state', via: 'xenstore' }] }],
  [/^libxl_wait_device_connection$/, { reads: ['xenstore backend state'] }],
  [/^xenbus_dev_remove$/, { writes: ['grant table entry'], messages: [{ to: 'backend', label: 'frontend state', via: 'xenstore' }] }],
  [/^blkfront_probe$/, { reads: ['xenstore backend state'] }],
  [/^xenbus_cleanup_devices$/, { messages: hypercall('GNTTABOP_unmap_grant_ref (ring, persistent grants)') }],
  // crash (blkif.md "A driver domain crash"): the dead domain's mappings and nodes, libxl's detach and attach, the guest's bus
  [/^driver_domain_crash$/, { writes: ['xenstore backend state'], messages: hypercall('domain_kill: gnttab_release_mappings') }],
  [/^libxl_device_disk_remove$/, { writes: ['xenstore frontend directory'] }],
  [/^xl_block_attach$/, { writes: ['xenstore frontend directory', 'xenstore backend state'] }],
  [/^xenbus_dev_changed$/, { reads: ['xenstore frontend directory'] }],
  [/^blkfront_remove$/, { writes: ['grant table entry'], messages: [{ to: 'backend', label: 'frontend state', via: 'xenstore' }] }],
  // crash=preserve: the crashed domain kept paused, libxl's detach that times out, the forced detach, the admin's xl destroy
  [/^driver_domain_crash_preserved$/, { messages: hypercall('domain_shutdown (crash): paused, mappings kept') }],
  [/^libxl_destroy_timeout$/, { reads: ['xenstore backend state'] }],
  [/^libxl_device_disk_destroy$/, { writes: ['xenstore frontend directory', 'xenstore backend online', 'xenstore backend state'] }],
  [/^xl_destroy$/, { writes: ['xenstore backend state'], messages: hypercall('domain_kill: gnttab_release_mappings') }],
];

export const netifCtrlTable: readonly Pattern[] = [
  [/^send_ctrl_request$/, { writes: ['ctrl ring page request', 'ctrl ring page req_prod'] }],
  [/^hostile_req_prod$/, { writes: ['ctrl ring page req_prod'] }],
  [/^consume_ctrl_response$/, { reads: ['ctrl ring page rsp_prod', 'ctrl ring page response'] }],
  [/^process_ctrl_request$/, { reads: ['ctrl ring page req_prod', 'ctrl ring page request'], writes: ['ctrl ring page response', 'ctrl ring page rsp_prod'] }],
  [/^xenvif_ctrl_action$/, { reads: ['ctrl ring page req_prod'] }],
];

export const vifTable: readonly Pattern[] = [
  [/^fe_talk_to_netback$/, { writes: ['grant table entry (tx ring)'], messages: [{ to: 'backend', label: 'tx-ring-ref, event-channel, XenbusStateConnected', via: 'xenstore' }] }],
  [/^fe_xennet_start_xmit$/, { writes: ['tx ring page requests', 'tx ring page req_prod', 'grant table entry'], messages: evtchnNotify('backend') }],
  [/^fe_xennet_tx_buf_gc$/, { reads: ['tx ring page responses'], writes: ['grant table entry'] }],
  [/^fe_(xennet_remove|xennet_disconnect_backend|gnttab_handle_deferred|reconnect)$/, { writes: ['grant table entry'] }],
  [/^be_connect$/, { messages: hypercall('GNTTABOP_map_grant_ref (tx ring)') }],
  [/^be_xenvif_tx_interrupt$/, { reads: ['evtchn'] }],
  [/^be_xenvif_poll$/, { reads: ['tx ring page requests'], messages: hypercall('GNTTABOP_map_grant_ref') }],
  [/^be_xenvif_tx_dealloc_action$/, { writes: ['tx ring page responses'], messages: hypercall('GNTTABOP_unmap_grant_ref') }],
  [/^be_(backend_disconnect|xenvif_disconnect_queue)$/, { messages: hypercall('GNTTABOP_unmap_grant_ref') }],
  [/^be_(closed|frontend_initialising)$/, { messages: [{ to: 'frontend', label: 'backend state', via: 'xenstore' }] }],
  [/^be_xenvif_tx_credit_callback$/, { writes: ['credit_timeout timer'] }],
  [/^tick$/, { writes: ['jiffies'] }],
];

export const limiterViews: ModelViews = { actors: ['honest guest', 'hostile guest', 'network', 'backend', 'xen', 'clock'], step: patternStep(limiterTable) };
export const blkifViews: ModelViews = { actors: ['frontend', 'backend', 'xen', 'toolstack'], step: patternStep(blkifTable) };
export const netifCtrlViews: ModelViews = { actors: ['frontend', 'backend'], step: patternStep(netifCtrlTable) };
export const vifViews: ModelViews = { actors: ['frontend', 'backend', 'xen', 'clock'], step: patternStep(vifTable) };
