/**
 * Every NetChannel2 variant of examples/ (issue 15 point 5 and the bypass and
 * version-matrix examples) as a user meets it: `pvcheck check EXAMPLE` finds
 * the violation its header declares, in the declared number of steps, and
 * says the counterexample is the shortest; the trace it writes is replayed by
 * `pvcheck replay` on the example (REPRODUCED, exit 1) and on the model the
 * example says fixes it (not reproduced: exit 4, diverged, or 0).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { join } from 'node:path';
import { readHeader } from '../cli/catalogue.js';
import { pvcheck, root } from './support/cli.js';
import { scratchDir } from './support/tmp.js';

const dir = scratchDir('pvnc2replay-');
const EXAMPLES = [
  'nc2-no-padding', 'nc2-free-space-no-recheck', 'nc2-ignore-set-max-packets', 'nc2-finish-twice',
  'nc2-bypass-kept-across-suspend', 'nc2-xenbus-unrequested',
];

for (const name of EXAMPLES) {
  const file = join(root, 'examples', `${name}.ts`);
  const h = readHeader(file);
  if (E.isLeft(h)) throw new Error(h.left);
  const checks = h.right.checks.filter((c) => c.expect !== 'ok');
  const fixedBy = h.right.fixedBy!;
  checks.forEach((c, k) => {
    test(`${name} ${c.args.join(' ')}: ${c.expect}, shortest; pvcheck replay reproduces it on the example, not on ${fixedBy.model}`, () => {
      const m = /^(violation (\S+)|deadlock) in (\d+) steps?$/.exec(c.expect!);
      assert.ok(m, c.expect);
      const trace = join(dir, `${name}-${k}.json`);
      const r = pvcheck(['check', file, ...c.args, '--trace-out', trace], root);
      assert.is(r.code, 1, r.out + r.err);
      const what = m![2] ? `VIOLATION of ${m![2]}` : 'DEADLOCK';
      assert.match(r.out, new RegExp(`${what}.* after ${m![3]} steps \\(shortest\\)`));
      const again = pvcheck(['replay', trace, '--model', file], root);
      assert.is(again.code, 1, again.out + again.err);
      assert.match(again.out, new RegExp(`REPRODUCED at step ${m![3]}`));
      const base = fixedBy.model.endsWith('.ts') ? join(root, 'examples', fixedBy.model) : fixedBy.model;
      const fixed = pvcheck(['replay', trace, '--model', base, ...c.args.filter((a, i) => a === '-p' || c.args[i - 1] === '-p')], root);
      assert.is.not(fixed.code, 1, fixed.out + fixed.err);
      assert.not.match(fixed.out, /REPRODUCED/);
    });
  });
}

test.run();
