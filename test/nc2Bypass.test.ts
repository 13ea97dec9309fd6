/**
 * NetChannel2's receiver-side copy and dom0 bypass (model/nc2Bypass.ts, issue
 * 15 point 3): the repaired protocol (tear the bypass down and fall back to
 * dom0 before A suspends, set it up again after) verifies with every rule
 * fired; NetChannel2 as it was (examples/nc2-bypass-kept-across-suspend.ts)
 * fails with a shortest trace that replays, and its last state shows what
 * dangles; a dom0 that ends its transitive grant before B copied is caught.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { deriveModel, ruleOf, type Model, type Rule } from '../model/core.js';
import { paramsOf, runModel } from './support/models.js';
import { bind } from '../properties/bind.js';
import { check, type CheckResult } from '../checker/explore.js';
import { traceFromViolation } from '../traces/format.js';
import { replay } from '../traces/replay.js';
import { copyStatus, nc2Bypass, nc2BypassInit, type Nc2BypassParams, type Nc2BypassState } from '../model/nc2Bypass.js';
import { GNTST_okay } from '../model/grant.js';
import { produce } from 'immer';
import keep from '../examples/nc2-bypass-kept-across-suspend.js';

type M = Model<Nc2BypassState, Nc2BypassParams>;
const params = (m: M, o: Record<string, string>) => paramsOf(m, o);
const run = (m: M, o: Record<string, string> = {}, opts: { maxDepth?: number; invariants?: string[] } = {}): CheckResult<Nc2BypassState> => {
  const mm = opts.invariants ? { ...m, invariants: m.invariants.filter((i) => opts.invariants!.includes(i.name)) } : m;
  return runModel(mm, params(mm, o), opts.maxDepth ?? {});
};

test('the repaired protocol verifies at its defaults (two suspends) and at one suspend; every rule fires (bypass and dom0 paths, teardown, re-establishment)', () => {
  const r = run(nc2Bypass);
  assert.is(r.outcome, 'ok');
  assert.equal(r.coverage.filter((c) => c.fired === 0).map((c) => c.rule), []);
  assert.is(run(nc2Bypass, { packets: '2', setups: '2', suspends: '1' }).outcome, 'ok');
});

test('at the defaults (suspends=2 setups=3, since 2026-12-06) a bypass is set up again after each resume: some run sends a packet on the bypass after A\'s second resume', () => {
  let seen = false;
  const sys = bind(nc2Bypass, params(nc2Bypass, {}));
  if (E.isLeft(sys)) throw new Error(sys.left);
  check(sys.right, { onState: (s) => { if (s.a.inc === 2 && s.a.pkt.includes('bypass')) seen = true; } });
  assert.ok(seen);
});

test('the bypass is set up again after the resume: some run sends a packet on the bypass after A resumed', () => {
  let seen = false;
  const sys = bind(nc2Bypass, params(nc2Bypass, { packets: '2' }));
  if (E.isLeft(sys)) throw new Error(sys.left);
  check(sys.right, { onState: (s) => { if (s.a.inc === 1 && s.a.pkt.includes('bypass')) seen = true; } });
  assert.ok(seen);
});

test('NetChannel2 as it was: suspend with the bypass up: BY1 shortest, replays, the repaired model does not follow; the last state shows what dangles', () => {
  const r = run(keep);
  assert.is(r.outcome, 'violation');
  assert.is(r.violation!.property, 'BY1_bypass_ring_mapped');
  const steps = r.violation!.trace.length - 1;
  assert.is(steps, 4);
  assert.is.not(run(keep, {}, { maxDepth: steps - 1 }).outcome, 'violation');
  const trace = traceFromViolation(keep, params(keep, {}), r.violation!);
  assert.is(replay(keep, params(keep, {}), trace).kind, 'reproduced');
  // at the variant's parameters: at other ones the trace's first state would differ and prove nothing
  assert.is.not(replay(nc2Bypass, params(keep, {}), trace).kind, 'reproduced');
  const last = r.violation!.trace[steps]!.state;
  // A's restored memory believes in the bypass; its mapping of dom0's ring pages and its event channel port are gone;
  assert.is(last.a.view, 'attached');
  assert.not.ok(last.a.mapped);
  assert.not.ok(last.a.port);
  // dom0 still grants the ring pages and has sent B the port of a domain that no longer exists.
  assert.ok(last.d.ringGranted);
  assert.is(last.d.bypass, 'up');
  assert.ok(last.q.dToB.includes('BYPASS_BACKEND'));
});

test('NetChannel2 as it was: B binds to A\'s closed port and its BYPASS_READY is lost (BY2, 5 steps); the tear-down never ends (deadlock, 15 steps)', () => {
  const r = run(keep, {}, { invariants: ['BY2_bypass_events_delivered'] });
  assert.is(r.violation!.property, 'BY2_bypass_events_delivered');
  assert.is(r.violation!.trace.length - 1, 5);
  const d = run(keep, {}, { invariants: [] });
  assert.is(d.outcome, 'deadlock');
  assert.is(d.violation!.trace.length - 1, 15);
  // dom0 waits for A's DISABLED; A waits for the FINISHes of its bypass packets, which B sent on a ring A no longer maps
  const last = d.violation!.trace.at(-1)!.state;
  assert.is(last.d.bypass, 'disabling');
  assert.ok(last.a.pkt.includes('bypass'));
  assert.not.ok(last.a.mapped);
  assert.ok(last.q.bToA.some((m) => m.startsWith('FINISH:')));
});

test('dom0 disables a bypass whenever it wishes (netchannel2.h): with no suspend at all, and after A\'s last one', () => {
  const disabledWhen = (o: Record<string, string>, at: (s: Nc2BypassState, p: Nc2BypassParams) => boolean): boolean => {
    let seen = false;
    const p = params(nc2Bypass, o);
    const sys = bind(nc2Bypass, p);
    if (E.isLeft(sys)) throw new Error(sys.left);
    check(sys.right, { onState: (s) => { if (s.d.bypass === 'disabling' && at(s, p)) seen = true; } });
    return seen;
  };
  assert.ok(disabledWhen({ suspends: '0', setups: '1', packets: '1' }, () => true), 'suspends=0');
  assert.ok(disabledWhen({ suspends: '1', setups: '2', packets: '1' }, (s, p) => s.a.suspended === p.suspends), 'after the last suspend');
});

test('receiver-side copy: a dom0 that ends its transitive grant and sends FINISH before B copied is caught (BY3)', () => {
  // dom0 forwards the PACKET and at once ends the transitive grant and finishes A's packet.
  const orig = ruleOf(nc2Bypass, 'dom0.recv_packet');
  const early: Rule<Nc2BypassState, Nc2BypassParams> = {
    ...orig,
    name: 'dom0.recv_packet.finish_early',
    then: (d, s, p, a) => {
      orig.then(d, s, p, a);
      const i = d.q.dToB[d.q.dToB.length - 1]!.split(':')[1]!;
      d.d.trans[Number(i)] = false;
    },
  };
  const bad = deriveModel(nc2Bypass, { name: 'nc2-bypass-early-end', description: 'dom0 ends its transitive grant before B copied', replace: { 'dom0.recv_packet': early } });
  const r = run(bad);
  assert.is(r.outcome, 'violation');
  assert.is(r.violation!.property, 'BY3_copy_through_live_grant');
});

test("B's copies go through model/grant.ts's acquire_grant_for_copy: through dom0's live transitive grant on A's live grant it succeeds; an ended transitive grant, or A's grant from before a resume, fails", () => {
  const s0 = nc2BypassInit(params(nc2Bypass, {}));
  const at = (trans: boolean, inc: number, grantInc: number): Nc2BypassState =>
    produce(s0, (d) => { d.d.trans[0] = trans; d.a.inc = inc; d.a.grant[0] = grantInc; });
  assert.is(copyStatus(at(true, 0, 0), 0, 'parent'), GNTST_okay);
  assert.is.not(copyStatus(at(false, 0, 0), 0, 'parent'), GNTST_okay, 'dom0 ended its transitive grant');
  assert.is.not(copyStatus(at(true, 1, 0), 0, 'parent'), GNTST_okay, "A resumed: a new grant table");
  assert.is(copyStatus(at(false, 0, 0), 0, 'bypass'), GNTST_okay, 'on the bypass B copies through A\'s grant itself');
  assert.is.not(copyStatus(at(false, 1, 0), 0, 'bypass'), GNTST_okay);
});

test.run();
