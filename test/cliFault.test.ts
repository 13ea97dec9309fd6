/**
 * An exception in a user's model code (issue 16 point 5): one line on stderr
 * naming the rule or invariant, the model file and the line of the throw (its
 * TypeScript line, read here from the fixture's text), exit 2, no stack
 * trace; the state it threw in is written as a one-step trace file that
 * `pvcheck show` prints.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pvcheck, root } from './support/cli.js';
import { scratchDir } from './support/tmp.js';

const tmp = scratchDir('pvcheck-fault-');
const model = join(root, 'test/fixtures/throws-in-rule.ts');
const source = readFileSync(model, 'utf8').split('\n');

const pv = (args: string[]) => pvcheck(args, tmp);

/** The 1-based line of the fixture holding `text`. */
const lineOf = (text: string): number => {
  const i = source.findIndex((l) => l.includes(text));
  assert.ok(i >= 0, text);
  return i + 1;
};

const cases = [
  { where: 0, what: /rule grow's effect \(then\) threw: boom in the effect/, line: lineOf("throw new Error('boom in the effect')"), x: 2 },
  { where: 1, what: /invariant x_small threw: TypeError: invariant cannot read x = 3/, line: lineOf("throw new TypeError('invariant cannot"), x: 3 },
  { where: 2, what: /rule grow's guard \(when\) threw: RangeError: guard cannot decide at x = 1/, line: lineOf("throw new RangeError("), x: 1 },
];

/** The one-line report: exit 2, the culprit, `file:line`, where the state went; no stack. */
function oneLine(r: { code: number | null; err: string }, c: (typeof cases)[number], trace: string) {
  assert.is(r.code, 2, r.err);
  const lines = r.err.trim().split('\n');
  assert.is(lines.length, 1, `one line on stderr:\n${r.err}`);
  assert.match(lines[0]!, /^pvcheck: error: model throws-in-rule /);
  assert.match(lines[0]!, c.what);
  assert.ok(lines[0]!.includes(`${model}:${c.line}:`), `names ${model}:${c.line}: ${lines[0]}`);
  assert.ok(lines[0]!.includes(`the state it threw in: ${trace}`), lines[0]);
  assert.not.match(r.err, /\n\s+at /, 'no stack trace');
}

for (const c of cases)
  test(`check: an exception in the model's code (where=${c.where}) names it, its file and line, and writes its state`, () => {
    const trace = `t${c.where}.trace.json`;
    const r = pv(['check', model, '-p', `where=${c.where}`, '-q', '--trace-out', trace]);
    oneLine(r, c, trace);
    const s = pv(['show', join(tmp, trace)]);
    assert.is(s.code, 0, s.err);
    assert.match(s.out, /^Model: +throws-in-rule/m);
    assert.match(s.out, c.what);
    assert.match(s.out, new RegExp(`^  x: ${c.x}$`, 'm'), s.out);
    assert.ok(s.out.includes(`throws-in-rule.ts:${c.line}:`), 'the trace says where it threw');
  });

test('check --workers 2: a fault in a worker thread is found again on one thread, with its state', () => {
  const c = cases[0]!;
  const r = pv(['check', model, '-w', '2', '-q']);
  oneLine(r, c, 'pvcheck-throws-in-rule-exception.trace.json');
  assert.ok(existsSync(join(tmp, 'pvcheck-throws-in-rule-exception.trace.json')));
});

test('diff: a fault during the exploration is reported the same way', () => {
  const c = cases[1]!;
  const r = pv(['diff', model, model, '-p', 'where=1', '-q']);
  oneLine(r, c, 'pvcheck-throws-in-rule-exception.trace.json');
});

test('PVCHECK_DEBUG=1 adds the stack of the exception', () => {
  const r = pvcheck(['check', model, '-q', '--trace-out', 'dbg.json'], tmp, { PVCHECK_DEBUG: '1' });
  assert.is(r.code, 2);
  assert.match(r.err, /Error: boom in the effect\n\s+at /);
});

test.run();
