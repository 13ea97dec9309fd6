/**
 * replay: a counterexample of the ring-spec.md §8 variant (missing re-check)
 * reproduces on the variant and diverges on ring-notify where the variant's
 * rules are first used; foreign ITF without action names is matched by state;
 * tampered traces say where and which field; deadlock, first invariant
 * failure, recoverability and choices on small hand-worked models.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, type Violation } from '../checker/explore.js';
import { defineModel, deriveModel, type Model, type Rule } from '../model/core.js';
import { defineParams, intParam } from '../model/params.js';
import * as rn from '../model/ringNotify.js';
import { bind } from '../properties/bind.js';
import {
  fromItf,
  readTraceFile,
  replay,
  replayExitCode,
  replayParams,
  replayWith,
  showReplay,
  traceFromViolation,
  writeTraceFile,
  type ReplayResult,
  type Trace,
} from '../traces/index.js';
import { scratchDir } from './support/tmp.js';

const dir = scratchDir('pvcheck-replay-');

// --- the ring-spec.md §8 variant, built here with deriveModel
type S = rn.RingNotifyState;
type P = rn.RingNotifyParams;
const F9b: Rule<S, P> = {
  name: 'F9b', actor: 'frontend', doc: 'rsp_event = rsp_cons + 1; produce (no re-check)',
  when: (s, p) => s.fe_pc === rn.F_FC1 && rn.CAN_PROD(s, p),
  then: (d, s) => { d.rsp_event = s.rsp_cons + 1; d.fe_pc = rn.F_PROD; },
};
const F9c: Rule<S, P> = {
  name: 'F9c', actor: 'frontend', doc: 'rsp_event = rsp_cons + 1; block (no re-check)',
  when: (s, p) => s.fe_pc === rn.F_FC1 && !rn.CAN_PROD(s, p),
  then: (d, s) => { d.rsp_event = s.rsp_cons + 1; d.fe_pc = rn.F_WAIT; d.fe_blocked = 1; },
};
const B8b: Rule<S, P> = {
  name: 'B8b', actor: 'backend', doc: 'req_event = req_cons + 1; block (no re-check)',
  when: (s) => s.be_pc === rn.B_FC1,
  then: (d, s) => { d.req_event = s.req_cons + 1; d.be_pc = rn.B_WAIT; d.be_blocked = 1; },
};
const lostWakeup = deriveModel(rn.ringNotify, {
  name: 'ring-notify-lost-wakeup',
  description: 'ring-spec.md §8: RING_FINAL_CHECK_FOR_* without the re-check',
  replace: { F9: [F9b, F9c], B8: B8b },
  remove: ['F10', 'F11', 'F12', 'B9', 'B10'],
});
const params: P = { ringSize: 2, messages: 4 };

const sysOf = <S2, P2>(m: Model<S2, P2>, p: P2) => {
  const s = bind(m, p);
  if (E.isLeft(s)) throw new Error(s.left);
  return s.right;
};
const violationOf = <S2, P2>(m: Model<S2, P2>, p: P2, checkDeadlock = true): Violation<S2> => {
  const r = check(sysOf(m, p), { checkDeadlock });
  assert.ok(r.violation, `${m.name}: expected a violation, got ${r.outcome}`);
  return r.violation!;
};

const v = violationOf(lostWakeup, params);
const trace = traceFromViolation(lostWakeup, params, v, 'test');
const file = join(dir, 'lost-wakeup.trace.json');
writeTraceFile(file, trace, 'json');
const fromFile = (): Trace => {
  const r = readTraceFile(file);
  if (E.isLeft(r)) throw new Error(r.left);
  return r.right;
};
const is = <K extends ReplayResult['kind']>(r: ReplayResult, kind: K): Extract<ReplayResult, { kind: K }> => {
  assert.is(r.kind, kind, showReplay(r));
  return r as Extract<ReplayResult, { kind: K }>;
};

test('the checker finds the 34-step lost wake-up of ring-spec.md §11 and the trace file records it', () => {
  assert.is(v.property, 'I4_no_lost_wakeup');
  assert.is(trace.steps.length - 1, 34);
  const t = fromFile();
  assert.is(t.model, 'ring-notify-lost-wakeup');
  assert.equal(t.params, { ringSize: 2, messages: 4 });
  assert.equal(t.property.kind, 'invariant');
  assert.is(t.property.description, rn.I4.description);
});

test('replay on the variant reproduces the violation at the last step (exit 1)', () => {
  const t = fromFile();
  const p = replayParams(lostWakeup, t);
  assert.ok(E.isRight(p));
  const r = is(replay(lostWakeup, (p as E.Right<P>).right, t), 'reproduced');
  assert.is(r.step, 34);
  assert.is(r.property, 'I4_no_lost_wakeup');
  assert.equal(r.actions, t.steps.slice(1).map((s) => s.action));
  assert.is(replayExitCode(r), 1);
});

test('replay on the unchanged ring-notify diverges where the variant first uses its own rules (exit 4)', () => {
  const t = fromFile();
  const first = t.steps.findIndex((s) => s.rule !== null && ['F9b', 'F9c', 'B8b'].includes(s.rule));
  assert.ok(first > 0);
  const r = is(replay(rn.ringNotify, params, t), 'diverged');
  assert.is(r.step, first);
  assert.ok(r.reason === 'unknown-action' || r.reason === 'action-not-enabled', r.reason);
  assert.match(r.detail, new RegExp(`has no rule ${t.steps[first]!.rule}`));
  assert.is(replayExitCode(r), 4);
});

test('a foreign ITF file with no action names is matched by state', () => {
  const itfFile = join(dir, 'lost-wakeup.itf.json');
  writeTraceFile(itfFile, trace, 'itf');
  // make it look like another tool wrote it: no pvcheck metadata, no rule, no action names
  const itf = JSON.parse(readFileSync(itfFile, 'utf8'));
  itf['#meta'] = { format: 'ITF', source: 'ring.qnt' };
  itf.vars = itf.vars.filter((x: string) => !x.startsWith('mbt::'));
  for (const s of itf.states) {
    s['#meta'] = { index: s['#meta'].index };
    delete s['mbt::actionTaken'];
    delete s['mbt::nondetPicks'];
  }
  const foreignFile = join(dir, 'foreign.itf.json');
  writeFileSync(foreignFile, JSON.stringify(itf));
  const read = readTraceFile(foreignFile);
  assert.ok(E.isRight(read), E.isLeft(read) ? read.left : '');
  const t = (read as E.Right<Trace>).right;
  assert.ok(t.steps.slice(1).every((s) => s.action === null));
  assert.equal(t.property, { name: '', kind: 'none' });
  // no property claimed: every invariant is checked in every state, so the foreign file
  // reproduces the lost wake-up on its own (issue 16: it used to say COMPLETED, exit 0)
  const everyProperty = [...lostWakeup.invariants.map((i) => i.name), 'deadlock'];
  const found = is(replay(lostWakeup, params, t), 'reproduced');
  assert.equal([found.step, found.property, found.propertyKind], [34, 'I4_no_lost_wakeup', 'invariant']);
  assert.equal(found.checked, everyProperty);
  assert.equal(found.actions, trace.steps.slice(1).map((s) => s.action));
  assert.match(found.detail, /the trace names no property: checked I1_no_overflow, .*I4_no_lost_wakeup.*, deadlock\)$/);
  assert.is(replayExitCode(found), 1);
  // one step short of the violation, the path is followed to its end and every property is listed
  const prefix = { ...t, steps: t.steps.slice(0, 34) };
  const done = is(replay(lostWakeup, params, prefix), 'completed');
  assert.is(done.steps, 33);
  assert.equal(done.checked, everyProperty);
  assert.equal(done.actions, trace.steps.slice(1, 34).map((s) => s.action));
  assert.match(done.detail, /^no property named in the trace: invariants I1_no_overflow, .* hold in every state of the 33-step trace; no deadlock at step 33: enabled: /);
  assert.match(showReplay(done), /without violating any of the 6 properties checked/);
  assert.is(replayExitCode(done), 0);
  // with the property named on the command line it reproduces, and only that one is checked
  const rep = is(replay(lostWakeup, params, t, { property: 'I4_no_lost_wakeup' }), 'reproduced');
  assert.is(rep.step, 34);
  assert.equal(rep.checked, ['I4_no_lost_wakeup']);
  // another invariant named: it holds on the whole path
  assert.equal(is(replay(lostWakeup, params, t, { property: 'I1_no_overflow' }), 'completed').checked, ['I1_no_overflow']);
  // foreign action names that are not rules: diverge, unless matched by state
  const named = { ...prefix, steps: prefix.steps.map((s, i) => (i === 0 ? s : { ...s, action: 'step', rule: 'step' })) };
  assert.is(is(replay(lostWakeup, params, named), 'diverged').reason, 'unknown-action');
  assert.equal(is(replay(lostWakeup, params, named, { byState: true }), 'completed').actions, done.actions);
  // a state no transition leads to
  const steps = t.steps.map((s, i) => (i === 20 ? { ...s, state: { ...(s.state as S), rsp_prod_pvt: 3 } } : s));
  const nm = is(replay(lostWakeup, params, { ...t, steps }), 'diverged');
  assert.is(nm.step, 20);
  assert.is(nm.reason, 'no-matching-transition');
  assert.ok(nm.diff!.some((l) => l.startsWith('rsp_prod_pvt: trace 3, model ')), nm.diff!.join('; '));
});

test('a tampered trace reports state-differs at the tampered step, naming the field', () => {
  const t = fromFile();
  const k = 17;
  const orig = t.steps[k]!.state as S;
  const steps = t.steps.map((s, i) => (i === k ? { ...s, state: { ...orig, req_event: orig.req_event + 5 } } : s));
  const r = is(replay(lostWakeup, params, { ...t, steps }), 'diverged');
  assert.is(r.step, k);
  assert.is(r.reason, 'state-differs');
  assert.equal(r.diff, [`req_event: trace ${orig.req_event + 5}, model ${orig.req_event}`]);
  assert.match(r.detail, /req_event/);
});

test('init-not-initial, action-not-enabled, unknown-property', () => {
  const t = fromFile();
  const s0 = t.steps[0]!.state as S;
  const bad0 = is(replay(lostWakeup, params, { ...t, steps: [{ ...t.steps[0]!, state: { ...s0, rsp_event: 9 } }, ...t.steps.slice(1)] }), 'diverged');
  assert.is(bad0.step, 0);
  assert.is(bad0.reason, 'init-not-initial');
  assert.equal(bad0.diff, ['rsp_event: trace 9, model 1']);
  // F3 needs fe_pc = F_PUSH; in the initial state fe_pc = F_PROD
  const ne = is(replay(lostWakeup, params, { ...t, steps: [t.steps[0]!, { ...t.steps[1]!, action: 'F3', rule: 'F3' }, ...t.steps.slice(2)] }), 'diverged');
  assert.is(ne.step, 1);
  assert.is(ne.reason, 'action-not-enabled');
  assert.match(ne.detail, /enabled: F1, B2$/);
  const up = is(replay(lostWakeup, params, { ...t, property: { name: 'I9_nothing', kind: 'invariant' } }), 'bad-input');
  assert.is(up.reason, 'unknown-property');
  assert.is(replayExitCode(up), 2);
  const up2 = is(replay(lostWakeup, params, t, { property: 'nope' }), 'bad-input');
  assert.is(up2.reason, 'unknown-property');
});

test('replayParams: the trace parameters, overridden by --param strings, checked', () => {
  const t = fromFile();
  assert.equal(replayParams(lostWakeup, t), E.right({ ringSize: 2, messages: 4 }));
  assert.equal(replayParams(lostWakeup, t, { ringSize: '4' }), E.right({ ringSize: 4, messages: 4 }));
  assert.ok(E.isLeft(replayParams(lostWakeup, t, { ringSize: '3' })));
  assert.ok(E.isLeft(replayParams(lostWakeup, { ...t, params: { slots: 2 } })));
  assert.is(is(replayWith(lostWakeup, t, {}), 'reproduced').step, 34);
  const bp = is(replayWith(lostWakeup, t, { messages: 'many' }), 'bad-input');
  assert.is(bp.reason, 'bad-params');
  assert.match(bp.detail, /messages/);
  // ringSize 4: after two F1 the ring is not full (2 of 4 slots), so F2 (stop producing) is not enabled at step 3
  const d4 = is(replayWith(lostWakeup, t, { ringSize: '4' }), 'diverged');
  assert.equal([d4.step, d4.reason], [3, 'action-not-enabled']);
  assert.equal(t.steps.slice(1, 4).map((s) => s.action), ['F1', 'F1', 'F2']);
});

// --- small hand-worked models

const counterParams = defineParams({ top: intParam({ default: 3, min: 1, max: 10, doc: 'last value' }) });
/** x counts 0..top, then nothing is enabled: a deadlock at step `top` unless it is a valid end. */
const counter = defineModel<{ x: number }, { top: number }>({
  name: 'counter',
  description: 'counts to top',
  params: counterParams,
  init: () => [{ x: 0 }],
  rules: [{ name: 'inc', when: (s, p) => s.x < p.top, then: (d, s) => { d.x = s.x + 1; } }],
  invariants: [{ name: 'below_two', description: 'x < 2', see: 'test', holds: (s) => s.x < 2 }],
});

test('deadlock: reproduced at the last step when nothing is enabled and it is not a valid end', () => {
  const dl = violationOf(counter, { top: 3 });
  // invariants are checked before deadlocks are found: select none
  const sys = bind(counter, { top: 3 }, { invariants: ['deadlock'] });
  const r0 = check((sys as E.Right<any>).right);
  assert.is(r0.outcome, 'deadlock');
  const t = traceFromViolation(counter, { top: 3 }, r0.violation! as Violation<{ x: number }>);
  assert.is(t.steps.length - 1, 3);
  assert.is(t.property.kind, 'deadlock');
  assert.is(is(replay(counter, { top: 3 }, t), 'reproduced').step, 3);
  // the same path when 3 is a valid end: completed
  const fixed = deriveModel(counter, { name: 'counter-ok', description: 'valid end', isValidEnd: (s, p) => s.x === p.top });
  assert.match(is(replay(fixed, { top: 3 }, t), 'completed').detail, /valid end state/);
  // a prefix: inc is still enabled; the file records the deadlock at step 3, so it was cut (version 2)
  assert.is(t.violation?.step, 3);
  const cut = is(replay(counter, { top: 3 }, { ...t, steps: t.steps.slice(0, 3) }), 'truncated');
  assert.equal([cut.steps, cut.recorded, replayExitCode(cut)], [2, 3, 5]);
  assert.match(cut.detail, /step 2 is no deadlock \(enabled: inc\)/);
  // the same prefix as a version-1 file, which records no violation step: completed, and it says what it cannot tell
  const v1 = { ...t, version: 1 as const, violation: undefined };
  const old = is(replay(counter, { top: 3 }, { ...v1, steps: t.steps.slice(0, 3) }), 'completed');
  assert.match(old.detail, /enabled: inc \(a version-1 trace records no violation step: replay cannot tell whether its last steps were cut off\)$/);
  // and the invariant one: x < 2 fails first at step 2
  assert.is(dl.property, 'below_two');
});

test('a trace naming no property: the first failing invariant of the model, or a deadlock at its last state', () => {
  const path = (xs: number[]): Trace => ({
    format: 'pvcheck-trace', version: 1, model: 'counter', params: { top: 3 },
    property: { name: '', kind: 'none' },
    steps: xs.map((x, i) => ({ action: i === 0 ? 'init' : null, rule: null, state: { x } })),
  });
  // below_two fails at x = 2, before the deadlock at x = 3
  const inv = is(replay(counter, { top: 3 }, path([0, 1, 2, 3])), 'reproduced');
  assert.equal([inv.step, inv.property, inv.propertyKind], [2, 'below_two', 'invariant']);
  assert.equal(inv.checked, ['below_two', 'deadlock']);
  // without the invariant, the last state is a deadlock
  const noInv = deriveModel(counter, { name: 'counter-noinv', description: 'no invariant', removeInvariants: ['below_two'] });
  const dl = is(replay(noInv, { top: 3 }, path([0, 1, 2, 3])), 'reproduced');
  assert.equal([dl.step, dl.property, dl.propertyKind], [3, 'deadlock', 'deadlock']);
  assert.equal(dl.checked, ['deadlock']);
  // a valid end is not a deadlock
  const ok = deriveModel(noInv, { name: 'counter-end', description: 'valid end', isValidEnd: (s, p) => s.x === p.top });
  assert.match(is(replay(ok, { top: 3 }, path([0, 1, 2, 3])), 'completed').detail, /valid end state$/);
  // goals are listed as not checked; naming one checks it
  const br = is(replay(breaker, {}, { ...path([0]), model: 'breaker', params: {}, steps: [{ action: 'init', rule: null, state: { x: 0, broken: false } }] }), 'completed');
  assert.match(br.detail, /goals not checked \(name one with --invariant\): can_reset$/);
  assert.equal(br.checked, ['deadlock']);
});

test('invariant: the FIRST step where it fails is reported', () => {
  const t: Trace = {
    format: 'pvcheck-trace', version: 1, model: 'counter', params: { top: 5 },
    property: { name: 'below_two', kind: 'invariant' },
    steps: [0, 1, 2, 3, 4].map((x) => (x === 0 ? { action: 'init', rule: null, state: { x } } : { action: 'inc', rule: 'inc', state: { x } })),
  };
  const r = is(replay(counter, { top: 5 }, t), 'reproduced');
  assert.is(r.step, 2);
  assert.equal(r.actions, ['inc', 'inc']);
});

/** Recoverability: from x=1 the system may break; broken at x=2 it can never reset to x=0. */
type RS = { x: number; broken: boolean };
const breaker = defineModel<RS, {}>({
  name: 'breaker',
  description: 'goal x = 0 lost once broken',
  params: defineParams({}),
  init: () => [{ x: 0, broken: false }],
  rules: [
    { name: 'inc', when: (s) => s.x < 2, then: (d, s) => { d.x = s.x + 1; } },
    { name: 'break', when: (s) => s.x === 1 && !s.broken, then: (d) => { d.broken = true; } },
    { name: 'reset', when: (s) => s.x === 2 && !s.broken, then: (d) => { d.x = 0; } },
  ],
  invariants: [],
  goals: [{ name: 'can_reset', description: 'x = 0', see: 'test', reached: (s) => s.x === 0 }],
});

test('recoverability: reproduced when no goal state is reachable from the last state', () => {
  const vr = violationOf(breaker, {}, false);
  assert.is(vr.kind, 'recoverability');
  const t = traceFromViolation(breaker, {}, vr);
  // shortest: init (0,false) -inc-> (1,false) -break-> (1,true)
  assert.equal(t.steps.map((s) => s.action), ['init', 'inc', 'break']);
  const r = is(replay(breaker, {}, t), 'reproduced');
  assert.is(r.step, 2);
  assert.match(r.detail, /none of the 2 states reachable/);
  // one step earlier the goal is still reachable (inc, reset: 2 steps): a version-1 file cut there completes;
  // a version-2 file says it was cut and does not search (the check claimed nothing of that state)
  assert.match(is(replay(breaker, {}, { ...t, version: 1, violation: undefined, steps: t.steps.slice(0, 2) }), 'completed').detail, /in 2 steps/);
  // (maxStates 1 would make the search inconclusive: it is not run)
  const cut = is(replay(breaker, {}, { ...t, steps: t.steps.slice(0, 2) }, { maxStates: 1 }), 'truncated');
  assert.equal([cut.steps, cut.recorded, cut.property, t.violation], [1, 2, 'can_reset', { step: 2 }]);
  assert.match(cut.detail, /search for goal can_reset from step 1 is not run/);
  assert.is(is(replay(breaker, {}, t), 'reproduced').recorded, 2);
  // a search bound too small to decide
  const inc = is(replay(breaker, {}, t, { maxStates: 1 }), 'inconclusive');
  assert.is(replayExitCode(inc), 3);
});

test('recoverability: a trace ending in a goal state completes in 0 steps (the last state itself is tested)', () => {
  const st = (x: number, broken: boolean) => ({ x, broken });
  const mk = (states: RS[], actions: string[]): Trace => ({
    format: 'pvcheck-trace', version: 1, model: 'breaker', params: {},
    property: { name: 'can_reset', kind: 'recoverability' },
    steps: states.map((state, i) => ({ action: i === 0 ? 'init' : actions[i - 1]!, rule: i === 0 ? null : actions[i - 1]!, state })),
  });
  // inc, inc, reset: back at x = 0, which no other path reaches again (it is the initial state)
  const back = is(replay(breaker, {}, mk([st(0, false), st(1, false), st(2, false), st(0, false)], ['inc', 'inc', 'reset'])), 'completed');
  assert.is(back.steps, 3);
  assert.match(back.detail, /goal can_reset is still reachable from the state of step 3 \(in 0 steps\) \(a version-1 trace records no violation step/);
  assert.equal(back.checked, ['can_reset']);
  // the initial state alone
  assert.match(is(replay(breaker, {}, mk([st(0, false)], [])), 'completed').detail, /in 0 steps/);
  // even with a search bound of one state: the last state is the goal, nothing needs exploring
  assert.match(is(replay(breaker, {}, mk([st(0, false)], []), { maxStates: 1 }), 'completed').detail, /in 0 steps/);
});

test('by-state matching compares the recorded state even when exactly one transition is enabled', () => {
  const sys = sysOf(counter, { top: 5 });
  const t: Trace = {
    format: 'pvcheck-trace', version: 1, model: 'counter', params: { top: 5 },
    property: { name: 'below_two', kind: 'invariant' },
    steps: [0, 1, 7].map((x, i) => ({ action: i === 0 ? 'init' : null, rule: null, state: { x } })),
  };
  // exactly one transition (inc) is enabled in x = 1
  assert.is(sys.rules.length, 1);
  assert.ok(sys.rules[0]!.when!({ x: 1 }, undefined));
  const r = is(replay(counter, { top: 5 }, t), 'diverged');
  assert.equal([r.step, r.reason], [2, 'no-matching-transition']);
  assert.equal(r.diff, ['x: trace 7, model 2']);
  assert.match(r.detail, /no enabled transition \(inc\) leads to the recorded state; closest: inc/);
  // the same with named actions and byState, and with named actions matched by label (state-differs)
  const named: Trace = { ...t, steps: t.steps.map((s, i) => (i === 0 ? s : { ...s, action: 'inc', rule: 'inc' })) };
  assert.equal(is(replay(counter, { top: 5 }, named, { byState: true }), 'diverged').reason, 'no-matching-transition');
  const sd = is(replay(counter, { top: 5 }, named), 'diverged');
  assert.equal([sd.step, sd.reason, sd.diff], [2, 'state-differs', ['x: trace 7, model 2']]);
});

/** A rule with choices: labels `put(v)`. */
const picker = defineModel<{ x: number }, {}>({
  name: 'picker',
  description: 'a hostile peer writes any of 1..3',
  params: defineParams({}),
  init: () => [{ x: 0 }],
  rules: [{ name: 'put', choices: () => [1, 2, 3], when: (s, _p, a: number) => s.x !== a, then: (d, _s, _p, a: number) => { d.x = a; } }],
  invariants: [{ name: 'not_three', description: 'x != 3', see: 'test', holds: (s) => s.x !== 3 }],
});

test('choices: matched by label, or by rule and choice when the label printing changed', () => {
  const vp = violationOf(picker, {});
  const t = traceFromViolation(picker, {}, vp);
  assert.equal(t.steps.map((s) => [s.action, s.choice]), [['init', undefined], ['put(3)', 3]]);
  assert.is(is(replay(picker, {}, t), 'reproduced').step, 1);
  const relabelled = deriveModel(picker, {
    name: 'picker2', description: 'same, other labels',
    replace: { put: { ...picker.rules[0]!, showChoice: (a: number) => `value=${a}` } },
  });
  assert.is(is(replay(relabelled, {}, t), 'reproduced').step, 1);
  // and through ITF (choice as Quint's Some)
  const itfFile = join(dir, 'picker.itf.json');
  writeTraceFile(itfFile, t, 'itf');
  const back = fromItf(JSON.parse(readFileSync(itfFile, 'utf8')));
  assert.equal(back, E.right(t));
});

test.run();
