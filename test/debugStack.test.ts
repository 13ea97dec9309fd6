/**
 * An error the search throws reaches the user as one line, exit 2, on one
 * thread and on workers; under PVCHECK_DEBUG=1 the line is followed by the
 * stack of the error it was made from (cli/errors.ts UsageError's cause,
 * printed by cli/main.ts), so that a checker bug behind a one-line error can
 * be traced. Before, the cause was dropped: the debug run printed the one
 * line alone. The trigger is a user model with a state of 70,000
 * transitions, more than a parent link can name (checker/search.ts refuses it).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pvcheck } from './support/cli.js';
import { scratchDir } from './support/tmp.js';

const dir = scratchDir('pvcheck-debug-');
const file = join(dir, 'wide.ts');
writeFileSync(
  file,
  `import { defineParams, type Model } from 'pvcheck';
const wide = Array.from({ length: 70_000 }, (_, i) => i);
export default {
  name: 'wide', description: 'one state with 70,000 transitions', params: defineParams({}),
  init: () => [{ x: 0 }],
  rules: [{ name: 'wide', actor: 'env', doc: 'any of 70,000 values', choices: (s: { x: number }) => (s.x === 0 ? wide : []),
    then: (d: { x: number }, _s: unknown, _p: unknown, a: number) => { d.x = a + 1; } }],
  invariants: [],
  isValidEnd: () => true,
} as unknown as Model<{ x: number }, Record<string, never>>;
`,
);
const LINE = /^pvcheck: error: model wide: a state has more than 65536 transitions/;

for (const w of ['1', '2']) {
  test(`--workers ${w}: one line, and the cause's stack under PVCHECK_DEBUG=1`, () => {
    const plain = pvcheck(['check', file, '--workers', w], dir, { PVCHECK_DEBUG: '' });
    assert.is(plain.code, 2, plain.err);
    assert.match(plain.err, LINE);
    assert.is(plain.err.trim().split('\n').length, 1, plain.err);
    const debug = pvcheck(['check', file, '--workers', w], dir, { PVCHECK_DEBUG: '1' });
    assert.is(debug.code, 2, debug.err);
    const lines = debug.err.trim().split('\n');
    assert.match(lines[0]!, LINE);
    assert.ok(lines.some((l) => /^\s+at .*checker\/(search|parallelWorker)\.ts:\d+/.test(l)), debug.err);
  });
}

test.run();
