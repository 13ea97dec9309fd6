/**
 * What the sequence charts need from the ring-notify model (ringNotify.ts):
 * the two ends, the shared ring page fields each step publishes, and the
 * event-channel notifications (notify_remote_via_evtchn) as arrows.
 */
import type { ModelViews } from '../core.js';

const ring = (field: string): string => `ring page ${field}`;
const notify = (to: string) => ({ messages: [{ to, label: 'notify_remote_via_evtchn', via: 'evtchn' }] });

export const ringNotifyViews: ModelViews = {
  actors: ['frontend', 'backend'],
  rules: {
    F1: { writes: [ring('request slot')] },
    F3: { writes: [ring('req_prod')] },
    F4: { reads: [ring('req_event')] },
    F5: { reads: [ring('req_event')] },
    F6: notify('backend'),
    F7: { reads: [ring('rsp_prod'), ring('response slot')] },
    F9: { writes: [ring('rsp_event')] },
    F10: { reads: [ring('rsp_prod')] },
    F11: { reads: [ring('rsp_prod')] },
    F12: { reads: [ring('rsp_prod')] },
    B1: { reads: [ring('req_prod'), ring('request slot')] },
    B3: { writes: [ring('response slot')] },
    B4: { writes: [ring('rsp_prod')] },
    B5: { reads: [ring('rsp_event')] },
    B6: { reads: [ring('rsp_event')] },
    B7: notify('frontend'),
    B8: { writes: [ring('req_event')] },
    B9: { reads: [ring('req_prod')] },
    B10: { reads: [ring('req_prod')] },
  },
};
