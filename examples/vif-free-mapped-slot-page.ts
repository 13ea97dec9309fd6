/**
 * netfront's teardown ignores a failing grant end (before XSA-396,
 * CVE-2022-23037 "xen/netfront: react properly to failing
 * gnttab_end_foreign_access_ref()"): when the frontend gives up waiting for
 * the backend (XENNET_TIMEOUT) and tears the device down, a slot page the
 * backend still has mapped for an in-flight packet (netback's zero-copy
 * path: the mapping lives until the stack frees the skb) is freed anyway,
 * with its grant still valid. The kernel reuses the page for unrelated data
 * while netback can still read it.
 *
 * A bug across layers: the xenbus lifecycle (the frontend's timeout), the
 * grant table (the end fails while mapped) and netback's dealloc kthread.
 * The fix is gnttab_end_foreign_access's deferred release (the built-in
 * `vif`), which verifies at the same parameters.
 *
 * @pvcheck check
 * @pvcheck expect violation V_page_not_reused_while_mapped in 7 steps
 * @pvcheck fixed-by vif -p connects=2 -p packets=2
 */
import { deriveModel, withDefaults, vifModel } from 'pvcheck';
const { PAGE_FREE, endForeignAccess, feDisconnectBackend, vif } = vifModel;

export default deriveModel(vif, {
  name: 'vif-free-mapped-slot-page',
  params: withDefaults(vif.params, { connects: 2, packets: 2 }), // the bounds the header was written at
  description: "vif whose frontend frees an in-flight slot page at teardown although the grant end failed (the backend still maps it)",
  see: 'XSA-396 (CVE-2022-23037); xen-netfront.c xennet_release_tx_bufs',
  replace: {
    fe_xennet_disconnect_backend: feDisconnectBackend((d, s) => {
      endForeignAccess(d, 'g_ring', 'p_ring', s.m_ring);
      // the end fails while mapped, and the page is freed all the same
      if (s.g_slot === 1 && s.p_slot !== PAGE_FREE) { if (s.m_slot === 0) d.g_slot = 0; d.p_slot = PAGE_FREE; }
    }),
  },
});
