/**
 * A shared-memory fragment as a litmus test (model/litmus.ts,
 * docs/models/memory.md): RING_PUSH_REQUESTS (`ring[0] = request; xen_wmb();
 * req_prod = 1`) against a consumer that reads `req_prod` and then the slot
 * without netback's `rmb()` ("Ensure that we see the request before we copy
 * it"). On a weakly ordered CPU (arm64: the producer's `dmb ishst` is there,
 * the consumer's `dmb ishld` is not) the slot load is satisfied before the
 * index load: the consumer sees the index and an empty slot. x86 keeps loads
 * in order, so under tso it verifies; put `RMB` between the two loads and it
 * verifies under weak too (test/litmus.test.ts: MP+wmb+rmb).
 *
 * @pvcheck check -p memory=weak
 * @pvcheck expect violation never_exists in 8 steps
 * @pvcheck check -p memory=tso
 * @pvcheck expect ok
 */
import { litmus } from 'pvcheck';
const { litmusModel, W, R, WMB } = litmus;

export default litmusModel({
  name: 'litmus-consume-no-rmb',
  threads: [
    [W('ring0', 1), WMB, W('req_prod', 1)],
    [R('rp', 'req_prod'), R('slot', 'ring0')],
  ],
  exists: { '1:rp': 1, '1:slot': 0 },
});
