/**
 * XSA-332, reintroduced: the backend handles every event at once and
 * re-enables the channel at once (EOI before work), with no lateeoi
 * accounting of events that bring no work. A guest sending events with an
 * empty ring makes dom0 handle them as fast as it can send them.
 *
 * With the settings of the header below, pvcheck reports L3_work_per_window (the events alone exceed the guest's credit plus
 * the stated constant). The fix is the built-in `limiter`. Both are checked
 * with the limiter's design timer (`creditTimer=design`): with netback's own
 * timer L3 fails without this bug too (docs/models/limiter.md).
 *
 * @pvcheck catalogue X-7 XSA-332 CVE-2020-27673
 * @pvcheck check -p hostileRx=false -p creditTimer=design
 * @pvcheck expect violation L3_work_per_window in 16 steps
 * @pvcheck fixed-by limiter -p hostileRing=1 -p creditUsec=1
 */
import { deriveModel, withDefaults, type Rule, limiterModel } from 'pvcheck';
const { EOI_PENDING, gs, gv, limiter, plSchedule, replaceBackend } = limiterModel;
type Guest = limiterModel.Guest;
type LimiterParams = limiterModel.LimiterParams;
type LimiterState = limiterModel.LimiterState;

/** xenvif_tx_interrupt before lateeoi: no spurious branch. */
const interruptNoAccounting = (g: Guest): Rule<LimiterState, LimiterParams> => ({
  name: `${g}_xenvif_tx_interrupt`, actor: 'backend',
  doc: 'event handled (1 unit); requests: napi_schedule; none: EOI at once (no spurious accounting)',
  see: 'netback interface.c xenvif_tx_interrupt before XSA-332',
  when: (s) => gv(s, g, 'evt') === 1 && gv(s, g, 'eoi') === 0 && s.cpu >= 1,
  then: (d, s) => {
    d.cpu = s.cpu - 1;
    gs(d, g, 'evt', 0);
    if (g === 'x') { d.x_ww = s.x_ww + 1; d.x_gw = s.x_gw + 1; }
    if (gv(s, g, 'q0') !== 0) { gs(d, g, 'eoi', EOI_PENDING); d.pl = plSchedule(s.pl, g); }
  },
});

export default deriveModel(limiter, {
  name: 'limiter-no-spurious-accounting',
  params: withDefaults(limiter.params, { hostileRing: 1, maxQueues: 1, maxLag: 1, creditUsec: 1, wordBits: 4, rxQueueMax: 2 }), // the bounds the header was written at
  description: 'limiter whose event handler has no lateeoi spurious accounting (before XSA-332)',
  see: 'XSA-332 (Linux lateeoi, 54c9de89)',
  replace: replaceBackend({ h_xenvif_tx_interrupt: interruptNoAccounting('h'), x_xenvif_tx_interrupt: interruptNoAccounting('x') }),
});
