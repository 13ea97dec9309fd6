/**
 * showTrace: header, full initial state, then only the fields each step
 * changed (nested paths, array indices, added and removed keys), and the
 * property violated at the last step. Expected text worked out by hand.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defineModel } from '../model/core.js';
import { defineParams } from '../model/params.js';
import { showTrace, type Trace } from '../traces/index.js';

const trace: Trace = {
  format: 'pvcheck-trace',
  version: 1,
  model: 'xenbus-toy',
  params: { backends: 1 },
  property: { name: 'connected_means_ring', kind: 'invariant' },
  steps: [
    { action: 'init', rule: null, state: { ring: [0, 0], xenstore: { 'backend/vif/1/0/state': 1 }, fe: { state: 1, evtchn: 5 } } },
    { action: 'write_state(2)', rule: 'write_state', choice: 2, state: { ring: [0, 0], xenstore: { 'backend/vif/1/0/state': 2 }, fe: { state: 1, evtchn: 5 } } },
    {
      action: 'publish',
      rule: 'publish',
      state: { ring: [0, 7, 9], xenstore: { 'backend/vif/1/0/state': 2, 'device/vif/0/tx-ring-ref': 8 }, fe: { state: 4, evtchn: 5 } },
    },
    { action: 'tick', rule: 'tick', state: { ring: [0, 7, 9], xenstore: { 'device/vif/0/tx-ring-ref': 8 }, fe: { state: 4, evtchn: 5 } } },
    { action: 'noop', rule: 'noop', state: { ring: [0, 7, 9], xenstore: { 'device/vif/0/tx-ring-ref': 8 }, fe: { state: 4, evtchn: 5 } } },
  ],
};

const toy = defineModel<any, any>({
  name: 'xenbus-toy',
  description: 'a toy for the show test',
  params: defineParams({}),
  init: () => [],
  rules: [
    { name: 'write_state', actor: 'backend', doc: 'xenbus_switch_state', then: () => {} },
    { name: 'publish', actor: 'frontend', doc: 'write tx-ring-ref, switch to XenbusStateConnected', then: () => {} },
  ],
  invariants: [{ name: 'connected_means_ring', description: 'Connected implies a ring-ref is published', see: 'xenbus', holds: () => true }],
});

test('show: header, initial state in full, only changed fields, verdict', () => {
  const text = showTrace(trace, toy);
  const want = `Model:    xenbus-toy
Params:   backends=1
Property: connected_means_ring (invariant): Connected implies a ring-ref is published
Length:   4 steps

Step 0: init  (initial state)
  ring[0]: 0
  ring[1]: 0
  xenstore["backend/vif/1/0/state"]: 1
  fe.state: 1
  fe.evtchn: 5
Step 1: write_state(2)  (backend: xenbus_switch_state)
  xenstore["backend/vif/1/0/state"]: 1 -> 2
Step 2: publish  (frontend: write tx-ring-ref, switch to XenbusStateConnected)
  ring[1]: 0 -> 7
  ring[2]: (absent) -> 9
  xenstore["device/vif/0/tx-ring-ref"]: (absent) -> 8
  fe.state: 1 -> 4
Step 3: tick
  xenstore["backend/vif/1/0/state"]: 2 -> (absent)
Step 4: noop
  (no change)

Invariant connected_means_ring is violated in the state of step 4.
`;
  assert.fixture(text, want);
});

test('show without a model: no rule docs, description from the file, other verdicts', () => {
  const t: Trace = { ...trace, property: { name: 'deadlock', kind: 'deadlock', description: 'stuck' }, steps: trace.steps.slice(0, 2), command: 'pvcheck check x' };
  const text = showTrace(t);
  assert.match(text, /^Property: deadlock: stuck$/m);
  assert.match(text, /^Command:  pvcheck check x$/m);
  assert.match(text, /^Step 1: write_state\(2\)$/m);
  assert.ok(text.trimEnd().endsWith('Deadlock at step 1: no rule is enabled and the state is not a valid end state.'));
  const rec = showTrace({ ...t, property: { name: 'can_reconnect', kind: 'recoverability' } });
  assert.ok(rec.trimEnd().endsWith('Recoverability goal can_reconnect is lost at step 1: from this state no goal state can be reached.'));
  const foreign = showTrace({ ...t, property: { name: '', kind: 'none' }, steps: [t.steps[0]!, { ...t.steps[1]!, action: null, rule: null }] });
  assert.match(foreign, /^Step 1: \(action unknown\)$/m);
  assert.ok(foreign.trimEnd().endsWith('End of the trace at step 1; no property is claimed violated.'));
});

test('show: a state that is not a record', () => {
  const t: Trace = { ...trace, steps: [{ action: 'init', rule: null, state: 3 }, { action: 'inc', rule: 'inc', state: 4 }] };
  const text = showTrace(t);
  assert.match(text, /Step 0: init  \(initial state\)\n  state: 3\nStep 1: inc\n  state: 3 -> 4\n/);
});

test.run();
