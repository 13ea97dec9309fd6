/**
 * The fix of finding nc2-F2 (docs/models/nc2.md "Findings"): a message
 * larger than half the ring can stall for ever. `__nc2_ring_would_wrap` is
 * true when a message would cross the ring's end or end exactly at it, and
 * nc2_can_send_payload_bytes then asks for the message and its pad at once,
 * `payload_bytes - (prod_pvt & mask) + nr_bytes`: more than the ring when the
 * message is larger than its offset, so the producer sleeps for space that
 * can never exist, on an empty ring (`check nc2 -p maxMessage=24`: deadlock
 * in 7 steps).
 *
 * The change, in two parts:
 * - a message needs a pad only when it would cross the ring's end:
 *   `__nc2_ring_would_wrap` compares the lap of its last byte,
 *   `(prod_pvt + nr_bytes - 1) & ~mask`, not of the byte after it;
 * - the pad is sent on its own: nc2_can_send_payload_bytes asks for the pad
 *   alone when one is needed, `__nc2_send_pad` writes it, and the producer
 *   then asks again for the message itself at the ring's start (a pad it
 *   could not flush before sleeping is flushed then, as any message).
 * A message then never asks for more than the ring, so any message up to the
 * ring's size is sent once the consumer has made room for it.
 *
 * N5_no_lost_wakeup_space is restated with what this producer asks for (the
 * pad, or the message), so a sleep while that fits is still caught.
 *
 * @pvcheck check -p maxMessage=24
 * @pvcheck expect ok
 * @pvcheck check -p maxMessage=32 -p messages=2
 * @pvcheck expect ok
 * @pvcheck check -p maxMessage=24 -p messages=2 -p startIndex=0
 * @pvcheck expect ok
 */
import { deriveModel, withDefaults, nc2, nc2Model as n, idxAdd, type Model, type Rule, type Invariant } from 'pvcheck';

type S = n.Nc2State;
type P = n.Nc2Params;

/** `__nc2_ring_would_wrap`, fixed: the message's last byte is on the next lap. */
export const crossesEnd = (prod_pvt: number, bytes: number, p: P): boolean =>
  ((prod_pvt & ~(p.ringBytes - 1)) >>> 0) !== ((idxAdd(prod_pvt, bytes - 1) & ~(p.ringBytes - 1)) >>> 0);

/** The two parts of the fix, each on its own (test/nc2Fixes shows that both are needed). */
export interface PadFix { readonly lastByteLap: boolean; readonly padAlone: boolean }

export function padFix(fix: PadFix): Model<S, P> {
  const wraps = (prod_pvt: number, bytes: number, p: P): boolean => (fix.lastByteLap ? crossesEnd(prod_pvt, bytes, p) : n.wouldWrap(prod_pvt, bytes, p));
  /** What the producer asks nc2_can_send_payload_bytes for: the pad alone, or the message (with its pad, unfixed). */
  const need = (prod_pvt: number, bytes: number, p: P): number =>
    !wraps(prod_pvt, bytes, p) ? bytes : fix.padAlone ? n.padNeeded(prod_pvt, p) : bytes + n.padNeeded(prod_pvt, p);
  const fixed = (r: number): Record<string, Rule<S, P>> => {
    const who = n.ENDPOINTS[n.producerOf(r)]!;
    const rules = n.producerRules(r);
    const rule = (name: string) => rules.find((x) => x.name === `${name}.${who}`)!;
    const pr = (s: S) => s.prod[r]!;
    const fast = (s: S) => pr(s).bytes_available > 2 * pr(s).want;
    const enough = (s: S, p: P) => n.spaceFor(pr(s).prod_pvt, s.sring[r]!.cons, p) >= need(pr(s).prod_pvt, pr(s).want, p);
    const chk = (s: S, p: P) => pr(s).pc === n.P_CHK && pr(s).bytes_available <= p.ringBytes && !fast(s);
    return {
      [`nc2_can_send_payload_bytes.space.${who}`]: { ...rule('nc2_can_send_payload_bytes.space'), when: (s, p) => chk(s, p) && enough(s, p) },
      [`nc2_can_send_payload_bytes.no_space.${who}`]: { ...rule('nc2_can_send_payload_bytes.no_space'), when: (s, p) => chk(s, p) && !enough(s, p) },
      [`__nc2_send_pad.${who}`]: {
        ...rule('__nc2_send_pad'),
        doc: 'the message would cross the ring end: write a NETCHANNEL2_MSG_PAD header of __nc2_pad_needed bytes, prod_pvt and bytes_available past the tail; then ask again for the message (the fix)',
        when: (s, p) => pr(s).pc === n.P_SEND && wraps(pr(s).prod_pvt, pr(s).want, p),
        then: (d, s, p) => { n.sendPad(d, s, r, p, true); if (fix.padAlone) d.prod[r]!.pc = n.P_CHK; },
      },
      [`nc2_send_message.${who}`]: { ...rule('nc2_send_message'), when: (s, p) => pr(s).pc === n.P_SEND && !wraps(pr(s).prod_pvt, pr(s).want, p) },
    };
  };
  const N5: Invariant<S, P> = {
    ...n.N5,
    holds: (s, p) => p.backend !== 'honest' || !n.quiescent(s, p) ||
      Array.from({ length: p.directions }, (_, r) => r).every((r) => s.prod[r]!.pc !== n.P_WAIT ||
        n.spaceFor(s.prod[r]!.prod_pvt, s.sring[r]!.cons, p) < need(s.prod[r]!.prod_pvt, s.prod[r]!.want, p)),
  };
  return deriveModel(nc2, {
    params: withDefaults(nc2.params, { messages: 3 }), // the bounds the header was written at (nc2's default is 4 since 2026-12-06)
    name: fix.lastByteLap && fix.padAlone ? 'nc2-pad-first-fix' : `nc2-pad-first-fix-${fix.lastByteLap ? 'last-byte-lap' : 'pad-alone'}-only`,
    description: 'nc2 whose producer pads only a message that crosses the ring end, and sends the pad before asking for the message (the fix of finding F2)',
    see: 'NetChannel2 uring.h __nc2_ring_would_wrap, __nc2_avoid_ring_wrap, nc2_can_send_payload_bytes; docs/models/nc2.md "Findings"',
    replace: { ...fixed(0), ...fixed(1) },
    invariants: [N5],
  });
}

export default padFix({ lastByteLap: true, padAlone: true });
