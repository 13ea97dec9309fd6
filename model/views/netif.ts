/**
 * What the sequence charts need from the netif data-path models: netif-tx
 * (netif.ts: netfront's xennet_start_xmit and netback's NAPI and dealloc
 * contexts) and netif-rx (netifRx.ts: netback's xenvif_rx_* and netfront's
 * xennet_poll): the tx and rx ring pages' requests, responses and producer
 * indices, netback's grant copies as arrows to `xen`, and netfront's rx
 * event channel (raised when a step sets `evt`) as an arrow to netfront, and
 * netback's tx event channel (netif-tx with evtchn=lateeoi: `ev.evt`) as an
 * arrow to netback's interrupt handler.
 */
import type { ModelViews, RuleTouches } from '../core.js';
import { evtchnNotify, hypercall, patternStep, type Pattern } from './patterns.js';

const TX = 'tx ring page';
const RX = 'rx ring page';

export const netifTxTable: readonly Pattern[] = [
  [/^xennet_start_xmit$/, { writes: [`${TX} requests`, `${TX} req_prod`] }],
  [/^xennet_tx_buf_gc$/, { reads: [`${TX} rsp_prod`, `${TX} responses`], writes: [`${TX} rsp_event`] }],
  [/^xenvif_tx_build_gops$/, { reads: [`${TX} req_prod`, `${TX} requests`] }],
  [/^xenvif_get_requests$/, { reads: [`${TX} requests`] }],
  [/^xenvif_tx_submit$/, { messages: hypercall('GNTTABOP_copy / map') }],
  [/^xenvif_idx_release\.make_tx_response$/, { writes: [`${TX} responses`] }],
  [/^xenvif_idx_release\.pending_release$/, {}],
  [/^xenvif_idx_release\.push_tx_responses$/, { writes: [`${TX} rsp_prod`], reads: [`${TX} rsp_event`] }],
  [/^xenvif_tx_interrupt$/, { reads: ['evtchn', `${TX} req_prod`] }],
  [/^xenvif_poll\.napi_complete_done$/, { reads: [`${TX} req_prod`], writes: [`${TX} req_event`] }],
  [/^hostile_write$/, { writes: [`${TX} (any field)`] }],
];

export const netifRxTable: readonly Pattern[] = [
  [/^xenvif_start_xmit$/, {}],
  [/^xenvif_rx_skb$/, { reads: [`${RX} requests`], messages: hypercall('GNTTABOP_copy') }],
  [/^xenvif_rx_copy_flush$/, { writes: [`${RX} responses`, `${RX} rsp_prod`], reads: [`${RX} rsp_event`] }],
  [/^xennet_poll(\.napi_complete_done)?$/, { reads: [`${RX} rsp_prod`, `${RX} responses`] }],
  [/^xennet_fill_frags$/, { reads: [`${RX} responses`] }],
  [/^xennet_alloc_rx_buffers$/, { writes: [`${RX} requests`, `${RX} req_prod`] }],
  [/^xennet_rx_interrupt$/, { reads: ['evtchn'] }],
  [/^hostile_write$/, { writes: [`${RX} (any field)`] }],
];

const rxPatterns = patternStep(netifRxTable);
const txPatterns = patternStep(netifTxTable);

export const netifTxViews: ModelViews = {
  actors: ['netfront', 'netback-napi', 'netback-dealloc', 'netback-irq', 'adversary', 'xen'],
  step: (rule, before, after, p) => {
    const t = txPatterns(rule, before, after, p);
    // netback's tx event channel raised by this step (evtchn=lateeoi: netfront's push, or a hostile event)
    const evt = (x: unknown) => (x as { ev?: { evt?: number } } | undefined)?.ev?.evt;
    return evt(before) === 0 && evt(after) === 1 ? ({ ...t, messages: [...(t.messages ?? []), ...evtchnNotify('netback-irq', 'notify_remote_via_irq')!] } satisfies RuleTouches) : t;
  },
};

export const netifRxViews: ModelViews = {
  actors: ['stack', 'netback-rx', 'netfront', 'adversary', 'xen'],
  step: (rule, before, after, p) => {
    const t = rxPatterns(rule, before, after, p);
    // netfront's event channel raised by this step (notify_remote_via_irq after RING_PUSH_RESPONSES_AND_CHECK_NOTIFY)
    const raised = (before as { evt?: number } | undefined)?.evt === 0 && (after as { evt?: number } | undefined)?.evt === 1;
    return raised ? ({ ...t, messages: [...(t.messages ?? []), ...evtchnNotify('netfront', 'notify_remote_via_irq')!] } satisfies RuleTouches) : t;
  },
};
