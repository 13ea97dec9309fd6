/**
 * `pvcheck show|replay TRACE --model M`: M naming another built-in than the trace's own model is
 * refused in one line (exit 2), before the trace is rendered with the wrong model's names (show
 * printed it and exited 0) or replayed into a list of unknown parameters; the trace's own model, and
 * a model file (a variant of it), are taken as before.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pvcheck, root } from './support/cli.js';
import { scratchDir } from './support/tmp.js';

const trace = join(root, 'docs/findings/limiter-L3.trace.json');
const pv = (args: string[]) => pvcheck(args, root);
const mismatch = /^pvcheck: error: the trace is of the built-in model 'limiter', and --model names another built-in, 'xenbus'/;

for (const verb of ['show', 'replay']) {
  test(`${verb} a limiter trace with --model xenbus: one line, exit 2, nothing on stdout`, () => {
    const r = pv([verb, trace, '--model', 'xenbus']);
    assert.is(r.signal, null);
    assert.is(r.code, 2, r.err);
    const lines = r.err.trim().split('\n');
    assert.is(lines.length, 1, r.err);
    assert.match(lines[0]!, mismatch);
    assert.is(r.out, '');
  });
}

test('replay of an ITF file that names no model (no #meta, another tool\'s): one line asking for --model, exit 2', () => {
  const f = join(scratchDir('pvcheck-itf-'), 'other-tool.itf.json');
  writeFileSync(f, JSON.stringify({ vars: ['req_prod'], states: [0, 1].map((i) => ({ '#meta': { index: i }, req_prod: { '#bigint': String(i) } })) }));
  const r = pv(['replay', f]);
  assert.is(r.code, 2, r.err);
  assert.equal(r.err.trim().split('\n'), ["pvcheck: error: the trace names no model (an ITF file without pvcheck's #meta): give it with --model MODEL|FILE"]);
  assert.is(r.out, '');
});

test('show and replay with the trace\'s own model: rendered and reproduced', () => {
  const s = pv(['show', trace, '--model', 'limiter']);
  assert.is(s.code, 0, s.err);
  assert.match(s.out, /^Model: +limiter$/m);
  const r = pv(['replay', trace, '--model', 'limiter']);
  assert.is(r.code, 1, r.err);
  assert.match(r.out, /REPRODUCED at step \d+: L3_work_per_window/);
});

test('replay with a model file deriving from the trace\'s model: not refused as another built-in', () => {
  const r = pv(['replay', trace, '--model', join(root, 'examples/limiter-no-spurious-accounting.ts')]);
  assert.is.not(r.code, 2, r.err);
  assert.not.match(r.err, /names another built-in/);
  assert.match(r.out, /^replay of .* on model /m);
});

test.run();
