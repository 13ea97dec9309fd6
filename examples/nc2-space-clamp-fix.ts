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
 * stops at finding F3 (H5_pads_within_a_ring, 5 steps), which this fix leaves
 * alone; with `hostileWrites=2` it verifies (504,376 states). A stale
 * ring-sized message read every lap is bounded by `hostileLaps`
 * (docs/models/nc2.md, "How far the frontend reads").
 *
 * @pvcheck check -p backend=hostile
 * @pvcheck expect ok
 */
import { deriveModel, withDefaults, nc2, nc2Model as n, idxSub, type Model, type Rule } from 'pvcheck';

type S = n.Nc2State;
type P = n.Nc2Params;

/** nc2_can_send_payload_bytes's space, with the check the fix adds. */
const space = (prod_pvt: number, cons: number, p: P): number =>
  idxSub(prod_pvt, cons) > p.ringBytes ? 0 : n.spaceFor(prod_pvt, cons, p);

/** How a fix computes the space from prod_pvt and cons. */
export type SpaceOf = n.SpaceOf;

/** nc2_can_send_payload_bytes's two slow-path outcomes on ring r, computed with `space` (model/nc2.ts producerRules). */
export const spaceRules = (r: number, space: SpaceOf): Record<string, Rule<S, P>> => {
  const who = n.ENDPOINTS[n.producerOf(r)]!;
  const names = ['nc2_can_send_payload_bytes.space', 'nc2_can_send_payload_bytes.no_space'].map((x) => `${x}.${who}`);
  return Object.fromEntries(n.producerRules(r, space).filter((x) => names.includes(x.name)).map((x) => [x.name, x]));
};

/** nc2 with `spaceOf` in nc2_can_send_payload_bytes on both rings (test/nc2Fixes builds fixes off by one with it). */
export const clampFix = (spaceOf: SpaceOf, name = 'nc2-space-clamp-fix'): Model<S, P> => deriveModel(nc2, {
  name,
  params: withDefaults(nc2.params, { messages: 3 }), // the bounds the header was written at (nc2's default is 4 since 2026-12-06)
  description: 'nc2 whose nc2_can_send_payload_bytes treats a cons more than a ring behind prod_pvt as no space (the fix of finding F1)',
  see: 'NetChannel2 uring.h nc2_can_send_payload_bytes; docs/models/nc2.md "Findings"',
  replace: { ...spaceRules(0, spaceOf), ...spaceRules(1, spaceOf) },
});

export default clampFix(space);
