/**
 * XSA-270 (CVE-2018-15471): netback's xenvif_set_hash_mapping before "xen-netback:
 * fix input validation in xenvif_set_hash_mapping()" (Jan Beulich, 2018). The
 * frontend's SET_HASH_MAPPING request carries the sub-table's gref, its length
 * `len` and its offset `off` (data[0..2]); the old code
 *
 *   u32 *mapping = &vif->hash.mapping[off];
 *   struct gnttab_copy copy_op = { ..., .len = len * sizeof(u32), ... };
 *   if ((off + len > vif->hash.size) || copy_op.len > XEN_PAGE_SIZE)
 *           return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
 *   while (len-- != 0)
 *           if (mapping[off++] >= vif->num_queues)
 *                   return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
 *   if (copy_op.len != 0) { gnttab_batch_copy(&copy_op, 1); ... }
 *
 * bounds `off + len` in u32 (it wraps: off = 0xffffffff, len = 1 passes any
 * size), checks `copy_op.len`, a uint16_t that truncates `len * 4`, applies
 * `off` twice in the validation loop (`mapping` already points at `off`), and
 * validates the entries before copying the new ones in. The shortest run: one
 * request with off = 0xffffffff reads the table at index 0xfffffffe
 * (B_hash_mapping_in_bounds, 3 steps). With only the other invariant checked,
 * a sub-table of queue numbers equal to num_queues gets in, unvalidated
 * (B_hash_mapping_selects_a_queue: xenvif_select_queue would steer packets
 * to a queue that does not exist).
 *
 * @pvcheck catalogue X-6 XSA-270 CVE-2018-15471
 * @pvcheck check
 * @pvcheck expect violation B_hash_mapping_in_bounds in 3 steps
 * @pvcheck check -i B_hash_mapping_selects_a_queue
 * @pvcheck expect violation B_hash_mapping_selects_a_queue in 5 steps
 * @pvcheck fixed-by netif-ctrl -p requests=2
 */
import { deriveModel, withDefaults, netifCtrl, netifCtrlModel } from 'pvcheck';
const { processOne, XEN_PAGE_SIZE, XEN_NETIF_CTRL_STATUS_SUCCESS, XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER } = netifCtrlModel;
type Vif = netifCtrlModel.Vif;

/** xenvif_set_hash_mapping as it was before XSA-270 (one table, no mapping_sel). */
function setHashMappingBefore270(v: Vif, _gref: number, len: number, off: number, table: number, numQueues: number): number {
  const m = v.hash.mapping[v.hash.sel]!;
  const copyLen = (len * 4) & 0xffff; // struct gnttab_copy's len is a uint16_t
  if (((off + len) >>> 0) > v.hash.size || copyLen > XEN_PAGE_SIZE) return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
  for (let k = 0; k < len; k++) {
    const i = (off + off + k) >>> 0; // mapping[off++] with mapping = &hash.mapping[off]
    if (i >= m.length) { v.oob = true; return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER; }
    if (m[i]! >= numQueues) return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
  }
  for (let k = 0; k < copyLen / 4; k++) {
    const i = (off + k) >>> 0; // the grant copy into &hash.mapping[off]
    if (i >= m.length) { v.oob = true; return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER; }
    m[i] = table;
  }
  return XEN_NETIF_CTRL_STATUS_SUCCESS;
}

export default deriveModel(netifCtrl, {
  name: 'netif-ctrl-xsa270',
  params: withDefaults(netifCtrl.params, { requests: 2 }), // the bounds the header was written at
  description: 'netback control ring with xenvif_set_hash_mapping before the XSA-270 fix',
  see: 'XSA-270; drivers/net/xen-netback/hash.c xenvif_set_hash_mapping before "xen-netback: fix input validation in xenvif_set_hash_mapping()"',
  replace: { process_ctrl_request: processOne({ setHashMapping: setHashMappingBefore270 }) },
});
