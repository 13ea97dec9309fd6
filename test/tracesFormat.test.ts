/**
 * The trace file format: the codec rejects malformed files with one precise
 * line, JSON files round-trip, writes are whole-or-nothing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { runs } from './support/fc.js';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeTrace, parseTrace, readTraceFile, serializeTrace, writeTraceFile, type Trace } from '../traces/index.js';
import { arbJson, arbTrace } from './support/arbitraries.js';
import { scratchDir } from './support/tmp.js';

const dir = scratchDir('pvcheck-traces-');

const good: Trace = {
  format: 'pvcheck-trace',
  version: 1,
  model: 'ring-notify',
  params: { ringSize: 2, messages: 4 },
  property: { name: 'I4_no_lost_wakeup', kind: 'invariant', description: 'no lost wake-up' },
  steps: [
    { action: 'init', rule: null, state: { req_prod: 0, req_event: 1 } },
    { action: 'F1', rule: 'F1', state: { req_prod: 0, req_event: 1 } },
    { action: 'write(3)', rule: 'write', choice: 3, state: { req_prod: 3, req_event: 1 } },
  ],
  command: 'pvcheck check ring-notify',
  created: '2025-01-01T00:00:00.000Z',
};

/** `good` with one field replaced (a JSON-level edit). */
const edit = (f: (o: any) => void): unknown => {
  const o = JSON.parse(JSON.stringify(good));
  f(o);
  return o;
};
const err = (u: unknown): string => {
  const r = decodeTrace(u);
  assert.ok(E.isLeft(r), `expected a decode error for ${JSON.stringify(u).slice(0, 80)}`);
  return (r as E.Left<string>).left;
};

test('codec accepts a well-formed trace and keeps every field', () => {
  const r = decodeTrace(JSON.parse(JSON.stringify(good)));
  assert.ok(E.isRight(r));
  assert.equal((r as E.Right<Trace>).right, good);
});

test('codec: precise one-line messages for malformed traces', () => {
  const cases: [unknown, string][] = [
    [edit((o) => delete o.format), 'format: missing'],
    [edit((o) => (o.format = 'tlc')), 'format: expected "pvcheck-trace", got "tlc"'],
    [edit((o) => (o.version = 3)), 'version: 3 is not supported (this pvcheck reads versions 1 and 2)'],
    [edit((o) => (o.version = '1')), 'version: expected 1 or 2, got "1"'],
    [edit((o) => delete o.model), 'model: missing'],
    [edit((o) => (o.params = [])), 'params: expected an object of name: value, got []'],
    [edit((o) => (o.params.ringSize = { n: 2 })), 'params/ringSize: expected a number, string or boolean, got {"n":2}'],
    [edit((o) => (o.property.kind = 'liveness')), 'property/kind: expected one of "invariant", "deadlock", "recoverability", "none", got "liveness"'],
    [edit((o) => delete o.property.name), 'property/name: missing'],
    [edit((o) => (o.property.description = 7)), 'property/description: expected a string, got 7'],
    [edit((o) => (o.steps = [])), 'steps: expected at least one step (step 0 is the initial state)'],
    [edit((o) => (o.steps = {})), 'steps: expected an array of steps, got {}'],
    [edit((o) => (o.steps[2].action = 42)), 'steps/2/action: expected a string or null, got 42'],
    [edit((o) => delete o.steps[1].action), 'steps/1/action: missing'],
    [edit((o) => delete o.steps[2].state), 'steps/2/state: missing'],
    [edit((o) => (o.steps[1].rule = false)), 'steps/1/rule: expected a string or null, got false'],
    [edit((o) => (o.steps[1] = 'F1')), 'steps/1: expected an object, got "F1"'],
    [edit((o) => (o.steps[0].action = 'F1')), 'steps/0/action: expected "init" (step 0 is the initial state), got "F1"'],
    [edit((o) => (o.steps[0].rule = 'F1')), 'steps/0/rule: expected null (step 0 is the initial state), got "F1"'],
    [edit((o) => (o.command = ['x'])), 'command: expected a string, got ["x"]'],
    [[good], '(top level): expected an object, got [{"format":"pvcheck-trace","version":...'],
  ];
  for (const [u, msg] of cases) {
    const e = err(u);
    assert.is(e, msg);
    assert.not.match(e, /\n/);
  }
});

test('readTraceFile: one line naming the file and what is wrong, never throws', () => {
  const f = (name: string, content: string): string => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };
  const bad: [string, string][] = [
    [join(dir, 'missing.json'), 'no such file'],
    [dir, 'is a directory'],
    [f('empty.json', ''), 'file is empty'],
    [f('blank.json', '  \n\n '), 'file is empty'],
    [f('notjson.json', '{"format": "pvcheck-trace",\n  steps: oops'), 'not JSON: '],
    [f('other.json', '{"hello": 1}'), 'not a trace: expected a pvcheck trace ("format": "pvcheck-trace") or an ITF trace ("vars" and "states")'],
    [f('number.json', '3'), 'not a trace'],
    [f('v3.json', JSON.stringify(edit((o) => (o.version = 3)))), 'version: 3 is not supported'],
    [f('v2.json', JSON.stringify(edit((o) => (o.version = 2)))), 'violation: missing'],
    [f('step3.json', JSON.stringify(edit((o) => (o.steps[2].action = 42)))), 'steps/2/action: expected a string or null, got 42'],
  ];
  for (const [p, want] of bad) {
    let r: E.Either<string, Trace> | undefined;
    assert.not.throws(() => (r = readTraceFile(p)));
    assert.ok(r && E.isLeft(r), p);
    const msg = (r as E.Left<string>).left;
    assert.ok(msg.startsWith(`${p}: `), msg);
    assert.ok(msg.includes(want), `${msg} should include ${want}`);
    assert.not.match(msg, /\n/);
  }
});

const { value } = arbJson();

test('JSON round trip (fast-check, nested states)', () => {
  fc.assert(
    fc.property(arbTrace(value, value), (t) => {
      const s = serializeTrace(t, 'json');
      assert.ok(E.isRight(s));
      const back = parseTrace((s as E.Right<string>).right);
      assert.ok(E.isRight(back), E.isLeft(back) ? back.left : '');
      assert.equal((back as E.Right<Trace>).right, t);
    }),
    { numRuns: runs(200) },
  );
});

test('JSON files: written whole, one step per line, read back equal', () => {
  const p = join(dir, 'good.trace.json');
  writeTraceFile(p, good, 'json');
  const text = readFileSync(p, 'utf8');
  assert.ok(text.endsWith('}\n'));
  // one line per step: 3 step lines start with {"action"
  assert.is(text.split('\n').filter((l) => l.trimStart().startsWith('{"action"')).length, 3);
  assert.equal(readTraceFile(p), E.right(good));
});

test('atomic write: no temp file is left, a failed write leaves the old file intact', () => {
  const d = join(dir, 'atomic');
  mkdirSync(d);
  const p = join(d, 't.json');
  writeTraceFile(p, good, 'json');
  writeTraceFile(p, good, 'itf');
  assert.equal(readdirSync(d), ['t.json']);
  const before = readFileSync(p, 'utf8');
  // ITF cannot carry 1.5: nothing is written, the old file stays
  const bad: Trace = { ...good, steps: [...good.steps, { action: 'F1', rule: 'F1', state: { req_prod: 1.5, req_event: 1 } }] };
  assert.throws(() => writeTraceFile(p, bad, 'itf'), /states\/3\/req_prod: 1\.5 is not an integer/);
  assert.is(readFileSync(p, 'utf8'), before);
  // the rename fails (the target is a directory): the temp file is removed
  const sub = join(d, 'sub');
  mkdirSync(sub);
  assert.throws(() => writeTraceFile(sub, good, 'json'), /cannot write/);
  assert.equal(readdirSync(d).sort(), ['sub', 't.json']);
  // the directory does not exist: nothing is created
  assert.throws(() => writeTraceFile(join(d, 'nope', 't.json'), good, 'json'), (e: Error) => !/\n/.test(e.message) && /cannot write/.test(e.message));
  assert.equal(readdirSync(d).sort(), ['sub', 't.json']);
});

test.run();
