/**
 * A user's model file outside any project that installs pvcheck (the README's
 * "Verifying a protocol change", the file saved in /tmp or $HOME) imports
 * 'pvcheck' and is checked by the pvcheck that runs it (bin/ts-hooks.mjs
 * `resolve`): before, it failed with "Cannot find package 'pvcheck'". The
 * counts are the built-in model's, computed by the same command on it, on one
 * worker and on two (the workers load the user's file through the same hook).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pvcheck } from './support/cli.js';
import { scratchDir } from './support/tmp.js';

const dir = scratchDir('pvcheck-outside-');
const params = ['-p', 'ringSize=4', '-p', 'messages=6'];
const explored = (out: string): string => /explored +([\d,]+ distinct states, [\d,]+ edges, depth \d+)/.exec(out)?.[1] ?? `no counts in: ${out}`;

test("a file outside any project imports 'pvcheck' and checks like the built-in", () => {
  const file = join(dir, 'same-as-ring-notify.ts');
  writeFileSync(file, `import { deriveModel, ringNotify } from 'pvcheck';
export default deriveModel(ringNotify, { name: 'outside', description: 'ring-notify unchanged, from a file outside any project' });
`);
  const builtin = pvcheck(['check', 'ring-notify', ...params, '--workers', '1'], dir);
  assert.is(builtin.code, 0, builtin.err);
  for (const w of ['1', '2']) {
    const r = pvcheck(['check', file, ...params, '--workers', w], dir);
    assert.is(r.code, 0, `--workers ${w}: ${r.err}`);
    assert.is(explored(r.out), explored(builtin.out), `--workers ${w}`);
  }
});

test('a package that is not pvcheck still fails, naming it', () => {
  const file = join(dir, 'other-package.ts');
  writeFileSync(file, `import x from 'no-such-package-pvcheck-test'; export default x;\n`);
  const r = pvcheck(['check', file], dir);
  assert.is(r.code, 2);
  assert.match(r.err, /^pvcheck: error: model file .*other-package\.ts does not load: Cannot find package 'no-such-package-pvcheck-test'/);
  assert.is(r.err.trim().split('\n').length, 1, r.err);
});

test.run();
