/**
 * The fix of finding nc2-F3 (docs/models/nc2.md "Findings"): a peer keeps
 * v2v's consumer skipping pads for ever. v2v_nc2_get_message takes any valid
 * header of type NETCHANNEL2_MSG_PAD as a pad (`local_cons_pvt += size; goto
 * retry`), so a backend that writes a pad ending at the ring's end, then a
 * ring-sized pad at offset 0, and keeps `prod` off the grid `cons_pvt` moves
 * on, keeps one call skipping the same pad lap after lap (`check nc2 -p
 * backend=hostile -p directions=2`: H5_pads_within_a_ring in 5 steps).
 *
 * The change: the consumer takes a pad only where an honest producer writes
 * one. uring.h's producer (Linux and v2v alike) pads only in
 * `__nc2_avoid_ring_wrap`, with `__nc2_pad_needed` = payload_bytes - o bytes at
 * the offset o of prod_pvt, and only when a message would wrap; at o = 0 that
 * would be a whole-ring pad before a message, which needs twice the ring's space
 * in nc2_can_send_payload_bytes and is never sent. So a pad is taken only at a
 * non-zero offset o and of exactly payload_bytes - o bytes, and any other pad
 * is an invalid message ("can't happen, unless the other end is misbehaving":
 * the channel stops, as for a size below the header's). A pad then always
 * ends at the ring's end, the next header is at offset 0, where no pad is
 * taken: two pads never follow each other, and a call skips at most one pad.
 *
 * Both rings carry the fix, and F1's fix as well (a `cons` more than a ring
 * behind prod_pvt leaves no space, as examples/nc2-space-clamp-fix.ts): the row
 * of F3 has the hostile backend write ring 0's `cons` too, where the Linux
 * BUG_ON (F1) is reached in 7 steps otherwise. With honest peers this is the
 * built-in's graph (test/nc2Fixes).
 *
 * It runs at F3's row, both rings and the backend's default 3 writes, within
 * the model's bound on what the frontend reads from a hostile ring
 * (`hostileLaps`, docs/models/nc2.md "How far the frontend reads"), as its two
 * rings apart (docs/models/nc2.md "Both rings apart": no rule reads both, so
 * an invariant fails on both rings iff it fails on one alone, first at the
 * shorter depth; test/nc2Rings compares it with the unreduced search). The
 * first line below is ring 1, the backend producing and the frontend
 * consuming, with ring 0 sending nothing (`messages` counts an honest
 * producer's messages only): ok, 57,538 states. The second is ring 0 alone at
 * the row's messages=3, the frontend producing and the backend writing what it
 * owns there: ok, 262,836 states (1.4 s of one core). Together they are the
 * row at messages=3, which unreduced is 17,621,956 states (226 s of one core,
 * 988 MiB; ring 0's sends interleaved with ring 1's reads): with one message
 * 1,233,856 states, with two 6,871,898 (88 s), all ok (56,626, 1,221,088 and 6,820,826
 * until `hostileLaps` counted from the backend's last write, 2026-12-06).
 *
 * The condition F3 needs is o != 0: a pad then ends at or before the ring's
 * end, and pads stop at offset 0 at the latest, less than a ring. The size
 * condition (exactly payload_bytes - o) takes only what an honest producer
 * writes; a fix without it verifies as well (test/nc2Fixes), one without
 * o != 0 fails H5 in 5 steps as the built-in does.
 *
 * @pvcheck check -p backend=hostile -p directions=2 -p messages=0
 * @pvcheck expect ok
 * @pvcheck check -p backend=hostile
 * @pvcheck expect ok
 */
import { deriveModel, withDefaults, nc2, nc2Model as n, idxSub, type Model, type Rule } from 'pvcheck';

type S = n.Nc2State;
type P = n.Nc2Params;

/** Where an honest producer writes a pad: at a non-zero offset o, of __nc2_pad_needed = payload_bytes - o bytes. */
export const padAsSent = (x: number, size: number, p: P): boolean => {
  const o = x & (p.ringBytes - 1);
  return o !== 0 && size === p.ringBytes - o;
};

/** F1's fix (examples/nc2-space-clamp-fix.ts): a cons more than a ring behind prod_pvt leaves no space. */
const clamped: n.SpaceOf = (prod_pvt, cons, p) => (idxSub(prod_pvt, cons) > p.ringBytes ? 0 : n.spaceFor(prod_pvt, cons, p));

/** The rules of ring r that change: the consumer's pad and invalid-message branches, the producer's free space. */
const fixed = (r: number, takes: typeof padAsSent): Record<string, Rule<S, P>> => {
  const reader = n.ENDPOINTS[n.consumerOf(r)]!, writer = n.ENDPOINTS[n.producerOf(r)]!;
  const rules = [...n.consumerRules(r), ...n.producerRules(r, clamped)];
  const rule = (name: string) => rules.find((x) => x.name === name)!;
  const pad = rule(`nc2_get_message.pad.${reader}`), invalid = rule(`nc2_get_message.invalid.${reader}`);
  const asSent = (s: S, p: P) => {
    const x = s.cons[r]!.cons_pvt;
    return takes(x, n.headerAt(s, r, x, p).size, p);
  };
  return {
    [pad.name]: {
      ...pad,
      doc: 'the header at cons_pvt is a NETCHANNEL2_MSG_PAD at a non-zero offset o of payload_bytes - o bytes, as __nc2_avoid_ring_wrap writes one: cons_pvt += size (the fix)',
      when: (s, p, c) => pad.when!(s, p, c) && asSent(s, p),
    },
    [invalid.name]: {
      ...invalid,
      doc: 'size < sizeof(*hdr), not contained in the ring, or a pad where no honest producer writes one (the fix): the channel stops',
      when: (s, p, c) => invalid.when!(s, p, c) || (pad.when!(s, p, c) && !asSent(s, p)),
    },
    ...Object.fromEntries(['space', 'no_space'].map((x) => rule(`nc2_can_send_payload_bytes.${x}.${writer}`)).map((x) => [x.name, x])),
  };
};

/** nc2 whose consumers take a pad only as `takes` allows (test/nc2Fixes builds fixes without one condition with it). */
export const padOffsetFix = (takes: typeof padAsSent = padAsSent, name = 'nc2-pad-offset-fix'): Model<S, P> => deriveModel(nc2, {
  name,
  params: withDefaults(nc2.params, { messages: 3 }), // the bounds the header was written at (nc2's default is 4 since 2026-12-06)
  description: 'nc2 whose consumer takes a pad only at a non-zero offset o and of payload_bytes - o bytes, where an honest producer writes one (the fix of finding F3; with F1\'s)',
  see: 'NetChannel2 v2v.c v2v_nc2_get_message; uring.h __nc2_avoid_ring_wrap, __nc2_pad_needed; docs/models/nc2.md "Findings"',
  replace: { ...fixed(0, takes), ...fixed(1, takes) },
});

export default padOffsetFix();
