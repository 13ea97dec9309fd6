/**
 * Trace format version 2: a trace says at which step its property fails
 * (`violation.step`), so that replay tells apart the four outcomes of a real
 * check's trace: REPRODUCED at that step (exit 1), the property now holds
 * (COMPLETED, exit 0), the model leaves the path (DIVERGED at step K, exit 4),
 * and the file ends before its violation (TRUNCATED, exit 5), where version 1
 * said COMPLETED for a cut file. Version-1 files are still read (replay says
 * what it cannot tell); a malformed v2 field is one line, exit 2; ITF carries
 * the field in `#meta.pvcheck`; show and the HTML page say a file was cut.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, type Violation } from '../checker/explore.js';
import { defineModel, deriveModel, type Model } from '../model/core.js';
import { defineParams, intParam } from '../model/params.js';
import { ringNotify } from '../model/ringNotify.js';
import { bind } from '../properties/bind.js';
import {
  parseTrace,
  readTraceFile,
  replay,
  replayExitCode,
  replayWith,
  serializeTrace,
  showReplay,
  showTrace,
  traceFromViolation,
  type ReplayResult,
  type Trace,
} from '../traces/index.js';
import { htmlReport } from '../traces/viewsHtml.js';
import { pvcheck, root } from './support/cli.js';
import { scratchDir } from './support/tmp.js';

const dir = scratchDir('pvcheck-violation-step-');

const is = <K extends ReplayResult['kind']>(r: ReplayResult, kind: K): Extract<ReplayResult, { kind: K }> => {
  assert.is(r.kind, kind, r.kind === 'bad-input' ? r.detail : showReplay(r));
  return r as Extract<ReplayResult, { kind: K }>;
};
const right = <A>(r: E.Either<string, A>): A => {
  if (E.isLeft(r)) assert.unreachable(r.left);
  return (r as E.Right<A>).right;
};
const violationOf = <S, P>(m: Model<S, P>, p: P, checkDeadlock = true): Violation<S> => {
  const sys = bind(m, p);
  if (E.isLeft(sys)) throw new Error(sys.left);
  const r = check(sys.right, { checkDeadlock });
  assert.ok(r.violation, `${m.name}: expected a violation, got ${r.outcome}`);
  return r.violation!;
};
/** The file's JSON with `f` applied (a hand edit). */
const edited = (t: Trace, f: (o: any) => void): string => {
  const o = JSON.parse(right(serializeTrace(t, 'json')));
  f(o);
  return JSON.stringify(o);
};
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

// --- the lost wake-up of examples/ring-no-recheck.ts, found by a real check (34 steps)

const example = join(root, 'examples/ring-no-recheck.ts');
const lostMod = (await import(example)) as { default: Model };
const lost = lostMod.default;
const lp = right((await import('../model/params.js')).resolveParams(lost.params, { ringSize: 2, messages: 4 }));
const lostTrace = traceFromViolation(lost, lp, violationOf(lost, lp), `pvcheck check ${example} --param ringSize=2 --param messages=4`);

test('a check\'s trace is version 2 and records the step of its violation: the last one, 34; a witness (kind none) has none', () => {
  assert.is(lostTrace.version, 2);
  assert.equal(lostTrace.violation, { step: 34 });
  assert.is(lostTrace.steps.length - 1, 34);
  const text = right(serializeTrace(lostTrace, 'json'));
  assert.match(text, /\n  "violation": \{\n    "step": 34\n  \},\n  "steps": \[/);
  assert.equal(right(parseTrace(text)), lostTrace);
  const w = traceFromViolation(lost, lp, violationOf(lost, lp), undefined, 'none');
  assert.equal([w.version, w.violation], [2, undefined]);
  assert.not.match(right(serializeTrace(w, 'json')), /violation/);
});

test('replay, its own model: REPRODUCED at the recorded step 34 (exit 1)', () => {
  const r = is(replay(lost, lp, lostTrace), 'reproduced');
  assert.equal([r.step, r.recorded, r.property, replayExitCode(r)], [34, 34, 'I4_no_lost_wakeup', 1]);
  assert.not.match(r.detail, /records it at step/);
});

test('replay of the file cut after step 30: TRUNCATED, 4 steps missing (exit 5); the version-1 file cut the same way said COMPLETED', () => {
  const cut = parseTrace(edited(lostTrace, (o) => o.steps.splice(31)));
  const t = right(cut);
  assert.is(t.steps.length - 1, 30);
  const r = is(replay(lost, lp, t), 'truncated');
  assert.equal([r.steps, r.recorded, r.property, replayExitCode(r)], [30, 34, 'I4_no_lost_wakeup', 5]);
  assert.match(r.detail, /^the file ends at step 30, before the step its violation is recorded at \(34\): 4 steps cut off; invariant I4_no_lost_wakeup holds in every state up to step 30, the file's last; `pvcheck check .*ring-no-recheck\.ts --param ringSize=2 --param messages=4` writes it whole$/);
  assert.match(showReplay(r), /^TRUNCATED: the file ends at step 30, before its violation of I4_no_lost_wakeup recorded at step 34\n/);
  // cut to its initial state: said as such (not "every state of the 0 steps it has")
  assert.match(is(replay(lost, lp, { ...lostTrace, steps: lostTrace.steps.slice(0, 1) }), 'truncated').detail, /: 34 steps cut off; invariant I4_no_lost_wakeup holds in the initial state, the only state the file has;/);
  // one step cut: "1 step"
  assert.match(is(replay(lost, lp, { ...lostTrace, steps: lostTrace.steps.slice(0, 34) }), 'truncated').detail, /: 1 step cut off;/);
  // version 1: the same cut file completes, and replay says it cannot tell a cut file from a whole one
  const v1 = right(parseTrace(edited(lostTrace, (o) => { o.version = 1; delete o.violation; o.steps.splice(31); })));
  assert.equal([v1.version, v1.violation], [1, undefined]);
  const c = is(replay(lost, lp, v1), 'completed');
  assert.is(replayExitCode(c), 0);
  assert.is(c.recorded, undefined);
  assert.match(c.detail, /a version-1 trace records no violation step: replay cannot tell whether its last steps were cut off/);
  // and the whole version-1 file still reproduces
  assert.is(is(replay(lost, lp, { ...lostTrace, version: 1, violation: undefined }), 'reproduced').step, 34);
});

test('replay of an edited file: DIVERGED at the edited step (exit 4), also when the file is cut after it', () => {
  const ed = right(parseTrace(edited(lostTrace, (o) => (o.steps[17].state.req_event += 5))));
  const d = is(replay(lost, lp, ed), 'diverged');
  assert.equal([d.step, d.reason, replayExitCode(d)], [17, 'state-differs', 4]);
  const edCut = { ...ed, steps: ed.steps.slice(0, 20) };
  assert.is(is(replay(lost, lp, edCut), 'diverged').step, 17);
});

test('replay on another model: the unchanged protocol (ring-notify) DIVERGES where the variant\'s rule is first used', () => {
  const d = is(replayWith(ringNotify, lostTrace), 'diverged');
  assert.equal([d.step, d.reason], [9, 'unknown-action']);
  // and a cut file diverges there too: divergence is told before truncation
  assert.is(is(replayWith(ringNotify, { ...lostTrace, steps: lostTrace.steps.slice(0, 12) }), 'diverged').step, 9);
});

test('--invariant naming another property: the recorded step is not that property\'s, nothing is said of truncation', () => {
  const cut = { ...lostTrace, steps: lostTrace.steps.slice(0, 31) };
  const other = lost.invariants.find((i) => i.name !== 'I4_no_lost_wakeup')!.name;
  const r = is(replay(lost, lp, cut, { property: other }), 'completed');
  assert.is(r.recorded, undefined);
  assert.not.match(r.detail, /version-1|recorded/);
  // the trace's own property named explicitly: as without --invariant
  assert.is(is(replay(lost, lp, cut, { property: 'I4_no_lost_wakeup' }), 'truncated').recorded, 34);
});

// --- a deadlock and its fix, a recoverability trace: small hand-worked models

const counter = defineModel<{ x: number }, { top: number }>({
  name: 'counter',
  description: 'counts to top, then stops',
  params: defineParams({ top: intParam({ default: 3, min: 1, max: 10, doc: 'last value' }) }),
  init: () => [{ x: 0 }],
  rules: [{ name: 'inc', when: (s, p) => s.x < p.top, then: (d, s) => { d.x = s.x + 1; } }],
  invariants: [],
});
const dl = traceFromViolation(counter, { top: 3 }, violationOf(counter, { top: 3 }));

test('deadlock: reproduced at its step 3; the fixed model (3 a valid end) COMPLETES: the property now holds there (exit 0)', () => {
  assert.equal([dl.property.kind, dl.violation], ['deadlock', { step: 3 }]);
  assert.equal([is(replay(counter, { top: 3 }, dl), 'reproduced').step, is(replay(counter, { top: 3 }, dl), 'reproduced').recorded], [3, 3]);
  const fixed = deriveModel(counter, { name: 'counter-ends', description: 'x = top is a valid end', isValidEnd: (s, p) => s.x === p.top });
  const c = is(replay(fixed, { top: 3 }, dl), 'completed');
  assert.equal([c.recorded, replayExitCode(c)], [3, 0]);
  assert.match(c.detail, /valid end state \(the step the trace records its violation at\): no deadlock now holds there$/);
  assert.match(showReplay(c), /^COMPLETED: the trace runs to its end \(3 steps\) without violating deadlock: the property now holds\n/);
});

test('deadlock, cut file: TRUNCATED; where the changed model deadlocks earlier, REPRODUCED there with the recorded step named', () => {
  const cut = { ...dl, steps: dl.steps.slice(0, 3) };
  assert.is(is(replay(counter, { top: 3 }, cut), 'truncated').recorded, 3);
  // at top=2 the state of step 2 is itself a deadlock: a fact of the model, told as reproduced
  const r = is(replayWith(counter, cut, { top: '2' }), 'reproduced');
  assert.equal([r.step, r.recorded], [2, 3]);
  assert.match(r.detail, /deadlock at step 2: .*; the trace records it at step 3$/);
});

// recoverability (a cut file is TRUNCATED without the search from its last state): test/tracesReplay's breaker

// --- the codec: one line per malformed v2 field

test('malformed violation fields: one line naming the field', () => {
  const cases: [(o: any) => void, string][] = [
    [(o) => delete o.violation, 'violation: missing (a version-2 trace of invariant I4_no_lost_wakeup says at which step it fails: {"step": N})'],
    [(o) => (o.violation = 34), 'violation: expected an object, got 34'],
    [(o) => (o.violation = {}), 'violation/step: missing'],
    [(o) => (o.violation.step = -1), 'violation/step: expected a step index (an integer >= 0), got -1'],
    [(o) => (o.violation.step = 2.5), 'violation/step: expected a step index (an integer >= 0), got 2.5'],
    [(o) => (o.violation.step = '34'), 'violation/step: expected a step index (an integer >= 0), got "34"'],
    [(o) => (o.violation.step = 33), 'violation/step: 33 is before the last step (34): a counterexample ends at its violation'],
    [(o) => (o.version = 1), 'violation: not a field of version 1 (a file that says where its violation is is version 2)'],
    [(o) => (o.property.kind = 'none'), 'violation: a trace that claims no property (kind "none") has no violation step'],
  ];
  for (const [f, msg] of cases) {
    const r = parseTrace(edited(lostTrace, f));
    assert.ok(E.isLeft(r), msg);
    assert.is((r as E.Left<string>).left, msg);
  }
  // a deadlock trace without it says "a deadlock"
  const r = parseTrace(edited(dl, (o) => delete o.violation));
  assert.is((r as E.Left<string>).left, 'violation: missing (a version-2 trace of a deadlock says at which step it fails: {"step": N})');
  // a step after the last is a cut file, not an error
  assert.ok(E.isRight(parseTrace(edited(lostTrace, (o) => (o.violation.step = 1000)))));
});

// --- ITF, show, the HTML page

test('ITF keeps the field in #meta.pvcheck; an ITF file with states cut off replays TRUNCATED; a bad field is one line', () => {
  const itf = right(serializeTrace(lostTrace, 'itf'));
  const o = JSON.parse(itf);
  assert.equal(o['#meta'].pvcheck.violation, { step: 34 });
  assert.is(o['#meta'].pvcheck.version, 2);
  assert.is(o.loop, undefined);
  assert.equal(right(parseTrace(itf)), lostTrace);
  o.states.splice(31);
  const cut = right(parseTrace(JSON.stringify(o)));
  assert.equal([cut.steps.length - 1, cut.violation], [30, { step: 34 }]);
  assert.is(is(replay(lost, lp, cut), 'truncated').recorded, 34);
  o['#meta'].pvcheck.violation.step = 'last';
  const bad = parseTrace(JSON.stringify(o));
  assert.is((bad as E.Left<string>).left, '#meta/pvcheck/violation/step: expected a step index (an integer >= 0), got "last"');
});

test('show: the verdict line of a whole file names the step; of a cut file, that the file ends before it; so does the HTML page', () => {
  assert.match(showTrace(lostTrace), /\nInvariant I4_no_lost_wakeup is violated in the state of step 34\.\n$/);
  const cut = { ...lostTrace, steps: lostTrace.steps.slice(0, 31) };
  assert.match(showTrace(cut), /\nThe file ends at step 30, before the step its violation of I4_no_lost_wakeup is recorded at \(34\): its last 4 steps are cut off\.\n$/);
  assert.match(showTrace({ ...dl, steps: dl.steps.slice(0, 3) }), /before the step its deadlock is recorded at \(3\): its last 1 step is cut off\.\n$/);
  assert.match(htmlReport({ trace: cut }), /I4_no_lost_wakeup violated in 34 steps \(the file ends at step 30: its last 4 cut off\)/);
  assert.match(htmlReport({ trace: lostTrace }), /I4_no_lost_wakeup violated in 34 steps<\/p>/);
});

// --- the CLI, as a user runs it

test('pvcheck check writes version 2; replay of the whole, cut, edited file and of a v1 file: exit 1, 5, 4, 0; a bad field exit 2 in one line', () => {
  const out = join(dir, 'lost.trace.json');
  const c = pvcheck(['check', example, '-p', 'ringSize=2', '-p', 'messages=4', '--workers', '1', '--trace-out', out, '-q'], dir);
  assert.is(c.code, 1, c.err);
  const whole = readFileSync(out, 'utf8');
  assert.match(whole, /"version": 2,/);
  assert.match(whole, /"violation": \{\n    "step": 34\n  \}/);
  const t = right(readTraceFile(out));
  const run = (p: string) => pvcheck(['replay', p, '--model', example], dir);

  const r1 = run(out);
  assert.is(r1.code, 1, r1.err);
  assert.match(r1.out, /^REPRODUCED at step 34: I4_no_lost_wakeup$/m);

  const r5 = run(file('cut.trace.json', edited(t, (o) => o.steps.splice(31))));
  assert.is(r5.code, 5, r5.err);
  assert.match(r5.out, /^TRUNCATED: the file ends at step 30, before its violation of I4_no_lost_wakeup recorded at step 34$/m);
  const j = pvcheck(['replay', join(dir, 'cut.trace.json'), '--model', example, '--json'], dir);
  assert.is(j.code, 5);
  const jr = JSON.parse(j.out);
  assert.equal([jr.kind, jr.steps, jr.recorded], ['truncated', 30, 34]);

  const r4 = run(file('edited.trace.json', edited(t, (o) => (o.steps[17].state.req_event += 5))));
  assert.is(r4.code, 4, r4.err);
  assert.match(r4.out, /^DIVERGED at step 17 \(state-differs\)$/m);

  const r0 = run(file('v1cut.trace.json', edited(t, (o) => { o.version = 1; delete o.violation; o.steps.splice(31); })));
  assert.is(r0.code, 0, r0.err);
  assert.match(r0.out, /^COMPLETED: /m);
  assert.match(r0.out, /cannot tell whether its last steps were cut off/);

  const r2 = run(file('bad.trace.json', edited(t, (o) => (o.violation.step = -1))));
  assert.is(r2.code, 2);
  assert.is(r2.out, '');
  assert.is(r2.err.trim().split('\n').length, 1, r2.err);
  assert.match(r2.err, /bad\.trace\.json: violation\/step: expected a step index \(an integer >= 0\), got -1$/m);
});

test.run();
