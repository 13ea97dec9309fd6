/**
 * B-8 (MirageOS shared-memory-ring 0.4.1, "ring corruption issue due to
 * multi-byte stores and loads"): the producer index written as two 16-bit
 * stores. Between them the peer sees a req_prod nobody wrote: where the
 * index crosses 2^16 (0xfffe -> 0x10000), the low half first gives 0: an
 * index 2^16 - 2 behind rsp_cons, "more requests than the ring holds"
 * (I1_no_overflow), which netback's XSA-39 test takes for an impossible
 * number of requests (the ring is marked broken) and an honest peer can
 * never produce. ring.h's RING_PUSH_REQUESTS writes `req_prod` with
 * one aligned 32-bit store; this variant splits it with memory.ts's
 * storePiece (the index stays one location; each half is a store of its own).
 *
 * @pvcheck catalogue B-8 mirage-shared-memory-ring-0.4.1
 * @pvcheck check -p ringSize=2 -p messages=3 -p startIndex=0xfffe
 * @pvcheck expect violation I1_no_overflow in 4 steps
 * @pvcheck check -p ringSize=2 -p messages=3
 * @pvcheck expect ok
 * @pvcheck fixed-by ring
 */
import { deriveModel, memory, ringModel, type Rule } from 'pvcheck';
const { F_PUSH, F_CHK, F_CHK_MB, loc, ring } = ringModel;
type S = ringModel.RingState;
type P = ringModel.RingParams;

/** A frontend pc the built-in does not use: between the two halves of the store. */
const F_PUSH_HIGH = 14;
const HALF = 16;

const push = (half: 0 | 1, at: number): Rule<S, P> => ({
  name: half === 0 ? 'RING_PUSH_REQUESTS' : 'RING_PUSH_REQUESTS.high_half',
  actor: 'frontend',
  doc: half === 0 ? '__old = req_prod; the low 16 bits of req_prod = req_prod_pvt' : 'the high 16 bits of req_prod = req_prod_pvt',
  when: (s) => s.front[0]!.pc === at && s.sb.every((b) => b.stores.length < 2),
  then: (d, s, p) => {
    const f = s.front[0]!;
    if (half === 0) d.front[0]!.old = memory.load(s.mem, s.sb[0], loc(0, 'req_prod')) as number;
    memory.storePiece(p.memory as memory.MemoryModel, d.mem as memory.Mem<number>, d.sb[0] as any, loc(0, 'req_prod'), half, f.req_prod_pvt, HALF, d.early[0] as any);
    d.front[0]!.pc = half === 0 ? F_PUSH_HIGH : p.memory === 'sc' ? F_CHK : F_CHK_MB;
  },
});

// F_PUSH_HIGH is a pc the built-in ring's shape does not declare: the variant drops the
// shape and runs on the reference path (model/core.ts, `shape`)
const { shape: _notThisVariantsShape, ...torn } = deriveModel(ring, {
  name: 'ring-b8-torn-req-prod',
  description: 'ring whose frontend writes req_prod as two 16-bit stores (B-8)',
  see: 'B-8: MirageOS shared-memory-ring CHANGES 0.4.1; ring.h RING_PUSH_REQUESTS',
  replace: { RING_PUSH_REQUESTS: [push(0, F_PUSH), push(1, F_PUSH_HIGH)] },
});
export default torn;
