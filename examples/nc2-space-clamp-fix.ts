/**
 * The fix of finding nc2-F1 (docs/models/nc2.md "Findings"): a peer crashes
 * the Linux NetChannel2 driver through `cons`. nc2_can_send_payload_bytes
 * reads the consumer's `cons` from the shared ring and computes
 * `space = payload_bytes - (prod_pvt - cons)` in RING_IDX arithmetic; a
 * backend that writes `cons` further behind `prod_pvt` than the ring (or
 * ahead of it) makes that wrap to about 2^32, which is cached in
 * `bytes_available`, and the next message hits
 * `BUG_ON(ring->bytes_available > ring->payload_bytes)`
 * (`check nc2 -p backend=hostile`: H3_no_BUG_ON in 7 steps).
 *
 * The change: a `cons` more than a ring behind `prod_pvt` is a broken peer's,
 * and leaves no space (`if (prod_pvt - cons > payload_bytes) space = 0;`).
 * The producer then sleeps for space as it does on a full ring: a lying
 * consumer can stop its own ring, not crash the other end.
 *
 * It runs at the finding's row, the defaults with the hostile backend
 * (262,836 states, 1.5 s of one core; 173,636 until 2026-12-06). There the
 * backend writes `cons` one byte further behind than the ring (the first value
 * the clamp takes) and ahead of `prod_pvt` by the message and by one byte
 * more (docs/models/nc2.md "What a hostile backend writes" lists the classes),
 * so a clamp off by one fails H3_no_BUG_ON in 7 steps (test/nc2Fixes).
 * Both rings at `messages=2` verified too (2026-12-05, the choices before),
 * at 8,699,624 states and 185 s of one core; with today's choices that run
 * does not finish (a stale ring-sized message is read every lap: docs/models/nc2.md,
 * "Both rings with 3 writes do not finish").
 *
 * @pvcheck check -p backend=hostile
 * @pvcheck expect ok
 */
import { deriveModel, nc2, nc2Model as n, idxSub, type Model, type Rule } from 'pvcheck';

type S = n.Nc2State;
type P = n.Nc2Params;

/** nc2_can_send_payload_bytes's space, with the check the fix adds. */
const space = (prod_pvt: number, cons: number, p: P): number =>
  idxSub(prod_pvt, cons) > p.ringBytes ? 0 : n.spaceFor(prod_pvt, cons, p);

/** How a fix computes the space from prod_pvt and cons. */
export type SpaceOf = (prod_pvt: number, cons: number, p: P) => number;

const fixed = (r: number, space: SpaceOf): Record<string, Rule<S, P>> => {
  const who = n.ENDPOINTS[n.producerOf(r)]!;
  const rules = n.producerRules(r);
  const rule = (name: string) => rules.find((x) => x.name === `${name}.${who}`)!;
  const fast = (s: S) => s.prod[r]!.bytes_available > 2 * s.prod[r]!.want;
  const enough = (s: S, p: P) => space(s.prod[r]!.prod_pvt, s.sring[r]!.cons, p) >= n.needFor(s.prod[r]!.prod_pvt, s.prod[r]!.want, p);
  const chk = (s: S, p: P) => s.prod[r]!.pc === n.P_CHK && s.prod[r]!.bytes_available <= p.ringBytes && !fast(s);
  return {
    [`nc2_can_send_payload_bytes.space.${who}`]: {
      ...rule('nc2_can_send_payload_bytes.space'),
      doc: 'cons = sring->cons; space = payload_bytes - (prod_pvt - cons), 0 if prod_pvt - cons > payload_bytes (the fix); enough: bytes_available = space',
      when: (s, p) => chk(s, p) && enough(s, p),
      then: (d, s, p) => { d.prod[r]!.bytes_available = space(s.prod[r]!.prod_pvt, s.sring[r]!.cons, p); d.prod[r]!.pc = n.P_SEND; },
    },
    [`nc2_can_send_payload_bytes.no_space.${who}`]: {
      ...rule('nc2_can_send_payload_bytes.no_space'),
      when: (s, p) => chk(s, p) && !enough(s, p),
    },
  };
};

/** nc2 with `spaceOf` in nc2_can_send_payload_bytes on both rings (test/nc2Fixes builds fixes off by one with it). */
export const clampFix = (spaceOf: SpaceOf, name = 'nc2-space-clamp-fix'): Model<S, P> => deriveModel(nc2, {
  name,
  description: 'nc2 whose nc2_can_send_payload_bytes treats a cons more than a ring behind prod_pvt as no space (the fix of finding F1)',
  see: 'NetChannel2 uring.h nc2_can_send_payload_bytes; docs/models/nc2.md "Findings"',
  replace: { ...fixed(0, spaceOf), ...fixed(1, spaceOf) },
});

export default clampFix(space);
