/**
 * Traced rules record on a second copy of the model's code (checker/recording.ts,
 * bin/ts-hooks.mjs; session 19): a model module loaded again under the query
 * `?pvcheck-record` has functions of its own, its exports are paired with the
 * original's, and the recordings of a traced search run the copy while the
 * search runs the original, with the same counts, verdict and trace as without
 * the copy. From the command line (PVCHECK_TRACED set when the process starts,
 * the hooks load the copy): a built-in, an example and a user's file outside the
 * project (whose own rules have no copy: they record on the original).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { Search } from '../checker/search.js';
import { twinOf } from '../checker/recording.js';
import type { Model } from '../model/core.js';
import { blkif } from '../model/blkif.js';
import { paramsOf, systemOf } from './support/models.js';
import { pvcheck, root } from './support/cli.js';
import { scratchDir } from './support/tmp.js';

type M = Model<unknown, unknown>;
const stats = (s: Search<unknown>) => (s as unknown as { path: { tracer: { stats: Record<string, number> } } }).path.tracer.stats;
/** The search run to its end: its result as a string (counts, verdict, trace, coverage). */
const summary = (s: Search<unknown>) => {
  const { seconds: _, bytesPerState: __, ...r } = s.run()! as unknown as Record<string, unknown>;
  return JSON.stringify(r);
};

test('a model module loaded with ?pvcheck-record is a copy: its own functions, paired with the original\'s; a traced search records on it and finds what the untraced one finds', async () => {
  const m = blkif as M;
  // this test process did not start with PVCHECK_TRACED: no copy was loaded, the recordings run the original
  assert.is(twinOf(m.rules[0]!), undefined);
  const plain = summary(new Search(systemOf(m, paramsOf(m, {})), { traced: false }));
  const before = new Search(systemOf(m, paramsOf(m, {})), { traced: true });
  assert.is(summary(before), plain);
  assert.is(stats(before).copies, 0);
  const self = await import(new URL('../model/blkif.ts', import.meta.url).href);
  const copy = await import(new URL('../model/blkif.ts?pvcheck-record', import.meta.url).href);
  assert.is(self.blkif, m, 'the original module is the one the test imported');
  assert.is.not(copy.blkif, m, 'the copy is another module instance');
  (globalThis as Record<symbol, unknown[]>)[Symbol.for('pvcheck.recordingTwins')] ??= [];
  (globalThis as Record<symbol, unknown[]>)[Symbol.for('pvcheck.recordingTwins')]!.push([self, copy]);
  const t = twinOf(m.rules[0]!)!;
  assert.ok(t, 'the first rule has a copy');
  assert.is(t.name, m.rules[0]!.name);
  assert.is.not(t.then, m.rules[0]!.then, 'with its own function');
  assert.is(t, copy.blkif.rules[0], 'the copy module\'s rule');
  // count the calls of the copies' effects during a traced search
  let calls = 0;
  const copies = copy.blkif.rules as { then: (...a: unknown[]) => void }[];
  const saved = copies.map((r) => r.then);
  copies.forEach((r, i) => {
    r.then = (...a: unknown[]) => {
      calls++;
      saved[i]!(...a);
    };
  });
  try {
    const traced = new Search(systemOf(m, paramsOf(m, {})), { traced: true });
    assert.is(summary(traced), plain, 'counts, verdict, trace and coverage as untraced');
    const st = stats(traced);
    const sys = systemOf(m, paramsOf(m, {}));
    // the rules a parameter leaves out (`applies`) are inactive: no model code to copy
    assert.is(st.copies, sys.rules.filter((r) => r.direct).length + sys.invariants.filter((i) => i.direct).length, 'every rule and invariant records on its copy');
    assert.ok(st.copies >= 10);
    assert.is(calls, st.effectMiss, 'each effect recorded ran the copy (and the search never did)');
  } finally {
    copies.forEach((r, i) => (r.then = saved[i]!));
  }
});

const tracedLine = /traced rules: (\d+) of (\d+) rules and invariants recorded on the model's recording copy/;
/** stdout without its timing line (and the trace file's folder). */
const steady = (out: string): string => out.split('\n').filter((l) => !/^\s*time\s/.test(l)).join('\n');

for (const [what, file] of [
  ['a built-in', 'blkif'],
  ['an example', join(root, 'examples/blkif-xsa216.ts')],
  ['a user\'s file outside the project', ''],
] as const)
  test(`from the command line, ${what}: PVCHECK_TRACED loads the recording copy; the same output as without it`, () => {
    const dir = scratchDir('pvcheck-twin-');
    let arg: string = file;
    if (arg === '') {
      copyFileSync(join(root, 'examples/blkif-xsa216.ts'), join(dir, 'mine.ts'));
      arg = 'mine.ts';
    }
    const env = { PVCHECK_TRACED: '1', PVCHECK_TRACE_STATS: '1' };
    const on = pvcheck(['check', arg], dir, env);
    const off = pvcheck(['check', arg], dir, { ...env, PVCHECK_TRACE_TWIN: '0' });
    const untraced = pvcheck(['check', arg], dir, { PVCHECK_TRACED: '0' });
    assert.is(on.code, untraced.code, on.err);
    assert.is(off.code, untraced.code, off.err);
    assert.is(steady(on.out), steady(untraced.out));
    assert.is(steady(off.out), steady(untraced.out));
    const [, n, of] = tracedLine.exec(on.err) ?? [];
    assert.ok(n !== undefined, on.err);
    // a user's file: the rule it writes has no copy (its base model's have: they come from pvcheck's model/)
    if (file === '') assert.ok(Number(n) > 0 && Number(n) < Number(of), on.err);
    else assert.is(n, of, on.err);
    assert.match(off.err, /traced rules: 0 of/);
  });

test.run();
