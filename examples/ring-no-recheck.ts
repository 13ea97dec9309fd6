/**
 * A protocol change to check: RING_FINAL_CHECK_FOR_* without its re-check
 * (ring-spec.md §8). After the first check finds no work, each side publishes
 * its event index and decides at once, never re-reading the producer index
 * after the `xen_mb()`. The peer can push between the check and the write of
 * the event index, read the old event index and not notify: a lost wake-up.
 *
 * With the settings of the header below, pvcheck reports I4_no_lost_wakeup with a 34-step shortest counterexample.
 *
 * @pvcheck check -p ringSize=2 -p messages=4
 * @pvcheck expect violation I4_no_lost_wakeup in 34 steps
 * @pvcheck fixed-by ring-notify
 */
import { deriveModel, ringNotify, ringNotifyModel as rn, type Rule } from 'pvcheck';

type S = rn.RingNotifyState;
type P = rn.RingNotifyParams;

/** F9b: rsp_event = rsp_cons + 1, then produce more at once (no re-check). */
const F9b: Rule<S, P> = {
  name: 'F9b', actor: 'frontend', doc: 'rsp_event = rsp_cons + 1; ring has room: produce (re-check missing)',
  when: (s, p) => s.fe_pc === rn.F_FC1 && rn.CAN_PROD(s, p),
  then: (d, s) => { d.rsp_event = s.rsp_cons + 1; d.fe_pc = rn.F_PROD; },
};
/** F9c: rsp_event = rsp_cons + 1, then block at once (no re-check). */
const F9c: Rule<S, P> = {
  name: 'F9c', actor: 'frontend', doc: 'rsp_event = rsp_cons + 1; block (re-check missing)',
  when: (s, p) => s.fe_pc === rn.F_FC1 && !rn.CAN_PROD(s, p),
  then: (d, s) => { d.rsp_event = s.rsp_cons + 1; d.fe_pc = rn.F_WAIT; d.fe_blocked = 1; },
};
/** B8b: req_event = req_cons + 1, then block at once (no re-check). */
const B8b: Rule<S, P> = {
  name: 'B8b', actor: 'backend', doc: 'req_event = req_cons + 1; block (re-check missing)',
  when: (s) => s.be_pc === rn.B_FC1,
  then: (d, s) => { d.req_event = s.req_cons + 1; d.be_pc = rn.B_WAIT; d.be_blocked = 1; },
};

export default deriveModel(ringNotify, {
  name: 'ring-no-recheck',
  description: 'ring-notify with RING_FINAL_CHECK_FOR_* missing the re-check after the event index write (ring-spec.md §8)',
  see: '../shared/bench/ring-spec.md §8; ring.h RING_FINAL_CHECK_FOR_REQUESTS',
  replace: { F9: [F9b, F9c], B8: B8b },
  remove: ['F10', 'F11', 'F12', 'B9', 'B10'],
});
