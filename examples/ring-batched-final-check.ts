/**
 * A protocol change to check: a batched final check. The backend, to take
 * fewer interrupts, arms `req_event = req_cons + batch` instead of
 * `req_cons + 1` in RING_FINAL_CHECK_FOR_REQUESTS ("wake me when `batch` more
 * requests are there"); the frontend is unchanged.
 *
 * The checker reports I4_no_lost_wakeup: the frontend pushes fewer than
 * `batch` requests (its last messages, or a ring that is full), the notify
 * test `req_event in (__old, __new]` is false, so it does not notify, and then
 * waits for responses; the backend sleeps until `batch` requests are there.
 * Both are blocked with a request on the ring. With `batch=1` this is exactly
 * ring-notify and verifies. See the README ("A batched final check").
 *
 * @pvcheck check -p ringSize=2 -p messages=4 -p batch=2
 * @pvcheck expect violation I4_no_lost_wakeup in 48 steps
 */
import { bitsFor, defineParams, deriveModel, intParam, isPowerOfTwo, ringNotify, ringNotifyModel as rn, type Model, type Rule } from 'pvcheck';

type S = rn.RingNotifyState;
interface P extends rn.RingNotifyParams {
  readonly batch: number;
}

const params = defineParams(
  {
    ringSize: intParam({ default: 2, min: 1, max: 1024, doc: 'RING_SIZE (power of two)', check: isPowerOfTwo }),
    messages: intParam({ default: 4, min: 1, max: 4096, doc: 'requests the frontend sends in all' }),
    batch: intParam({ default: 2, min: 1, max: 64, doc: 'the backend arms req_event = req_cons + batch' }),
  },
  (p) => (p.batch > p.ringSize ? `batch=${p.batch} is larger than ringSize=${p.ringSize}: the backend could never be woken` : undefined),
);

/** B8 with a batch: req_event = req_cons + batch. */
const B8batch: Rule<S, P> = {
  name: 'B8_batched',
  actor: 'backend',
  doc: 'RING_FINAL_CHECK_FOR_REQUESTS, batched: req_event = req_cons + batch',
  when: (s) => s.be_pc === rn.B_FC1,
  then: (d, s, p) => {
    d.req_event = s.req_cons + p.batch;
    d.be_pc = rn.B_FC2;
  },
};

// ringNotify's rules read only ringSize and messages, so they accept the wider parameter record.
const base = deriveModel<S, P>(ringNotify as unknown as Model<S, P>, {
  name: 'ring-batched-final-check',
  description: 'ring-notify whose backend arms req_event = req_cons + batch in its final check',
  replace: { B8: B8batch },
  params,
  // FINAL of ring-spec.md with req_event = M + batch: every message done, both asleep.
  isValidEnd: (s, p) => rn.isFinal({ ...s, req_event: p.messages + 1 }, p) && s.req_event === p.messages + p.batch,
  removeInvariants: ['I5_only_final_is_terminal'],
});

export default {
  ...base,
  // req_event can now reach M + batch: widen its field.
  layout: (p: P) => rn.ringNotifyLayout(p).map((f) => (f.name === 'req_event' ? { ...f, bits: bitsFor(p.messages + p.batch) } : f)),
};
