/**
 * A finding of netif-rx (docs/models/netif.md, "A finding on the rx path"):
 * in Linux 6.12 xennet_get_responses() checks each response's status and
 * offset (`rx->status < 0 || rx->offset + rx->status > XEN_PAGE_SIZE`) on
 * its own copy, but xennet_fill_frags() copies the fragments' responses from
 * the shared ring a second time (RING_COPY_RESPONSE(&queue->rx, ++cons,
 * &rx)) and hands that copy's offset and status to skb_add_rx_frag()
 * unchecked; a backend rewriting a published response between the two copies
 * gives the guest's stack a fragment past its page, or of a negative size.
 * This fix checks the copy xennet_fill_frags() uses as
 * xennet_get_responses() does and drops the packet otherwise (keeping the
 * validated copies from the first pass would do as well).
 *
 * @pvcheck check -p backend=hostile -p packets=1 -p evtchn=off
 * @pvcheck expect ok
 */
import { deriveModel, withDefaults, netifRxModel } from 'pvcheck';
const { frontendRules, honestFrontend, netifRx } = netifRxModel;

const fixed = frontendRules({ ...honestFrontend, fillFragsChecks: true });

export default deriveModel(netifRx, {
  name: 'netif-rx-fill-frags-fix',
  params: withDefaults(netifRx.params, { packets: 2 }), // the bounds the header was written at
  description: 'netfront xennet_fill_frags checks the response it copies again (the fix of the rx finding)',
  replace: { xennet_fill_frags: fixed.find((r) => r.name === 'xennet_fill_frags')! },
});
