/**
 * pvcheck diff: the reachable-state difference of a model and a variant,
 * against two naive explorations (test/support/naive.ts): the counts of
 * states only before, only after and in both; each witness a shortest run to a
 * state the other model never reaches (its length is the least BFS depth of
 * such a state); the rules only one side fires; the command's exit codes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { diffSystems } from '../checker/diff.js';
import { canonicalString } from '../checker/fingerprint.js';
import type { Model } from '../model/core.js';
import { ringNotify } from '../model/ringNotify.js';
import { bind } from '../properties/bind.js';
import noRecheck from '../examples/ring-no-recheck.js';
import { paramsOf } from './support/models.js';
import { naive, stable } from './support/naive.js';
import { scratchDir } from './support/tmp.js';

const P = { ringSize: 2, messages: 4 };
const sys = (m: Model<any, any>) => {
  const s = bind(m, paramsOf(m, P));
  if (E.isLeft(s)) throw new Error(s.left);
  return s.right;
};

test('ring-notify -> ring-no-recheck: counts and shortest witnesses equal the naive explorations', () => {
  const d = diffSystems(sys(ringNotify), sys(noRecheck as Model<any, any>));
  const A = naive(ringNotify, paramsOf(ringNotify, P)).seen;
  const B = naive(noRecheck as Model<any, any>, paramsOf(noRecheck as Model<any, any>, P)).seen;
  const onlyA = [...A.keys()].filter((k) => !B.has(k));
  const onlyB = [...B.keys()].filter((k) => !A.has(k));
  assert.is(d.a.states, A.size);
  assert.is(d.b.states, B.size);
  assert.is(d.a.only, onlyA.length);
  assert.is(d.b.only, onlyB.length);
  assert.is(d.common, A.size - onlyA.length);
  assert.ok(d.a.only > 0 && d.b.only > 0, 'the variant both loses and gains states');
  // each witness ends in a state only its side reaches, at the least depth of such a state
  for (const [w, mine, other, only] of [[d.a.witness, A, B, onlyA], [d.b.witness, B, A, onlyB]] as const) {
    assert.ok(w);
    const last = stable(w![w!.length - 1]!.state);
    assert.ok(mine.has(last) && !other.has(last), 'the witness ends in a state the other side never reaches');
    assert.is(w!.length - 1, Math.min(...only.map((k) => mine.get(k)!)), 'shortest');
  }
  // the variant replaces F9..F12 with F9b, F9c and B8..B10 with B8b (ring-spec.md §8)
  assert.equal([...d.b.onlyRules].sort(), ['B8b', 'F9b', 'F9c']);
  assert.equal([...d.a.onlyRules].sort(), ['B10', 'B8', 'B9', 'F10', 'F11', 'F12', 'F9']);
  assert.is(canonicalString({ b: 1, a: 2 }), canonicalString({ a: 2, b: 1 }), 'state keys do not depend on key order');
});

test('a model against itself: no difference', () => {
  const d = diffSystems(sys(ringNotify), sys(ringNotify));
  assert.is(d.a.only + d.b.only, 0);
  assert.is(d.common, d.a.states);
  assert.is(d.a.witness, undefined);
});

const root = resolve(import.meta.dirname, '..');
const pv = (args: string[], cwd: string) => spawnSync(process.execPath, [join(root, 'bin/pvcheck.mjs'), ...args], { cwd, encoding: 'utf8' });

test('the diff command: exit 1 and replayable witness files when the states differ, 0 when not, 2 on bad input', () => {
  const dir = scratchDir('pvdiff-');
  const r = pv(['diff', 'ring-notify', join(root, 'examples/ring-no-recheck.ts'), '-p', 'ringSize=2', '-p', 'messages=4', '--json'], dir);
  assert.is(r.status, 1, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.is(j.same, false);
  assert.is(j.after.outcome, 'violation');
  assert.is(j.after.property, 'I4_no_lost_wakeup');
  assert.is(j.before.outcome, 'ok');
  assert.ok(existsSync(join(dir, j.after.witnessFile)));
  const rep = pv(['replay', j.after.witnessFile, '--model', join(root, 'examples/ring-no-recheck.ts')], dir);
  assert.is(rep.status, 0, 'the witness is a run of the variant: replay completes');
  const onBase = pv(['replay', j.after.witnessFile, '--model', 'ring-notify'], dir);
  assert.is(onBase.status, 4, 'and not a run of the base model: replay diverges');
  assert.is(pv(['diff', 'ring-notify', 'ring-notify', '-p', 'ringSize=2'], dir).status, 0);
  const bad = pv(['diff', 'ring-notify', 'nope'], dir);
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /^pvcheck: error: unknown model 'nope'/);
  const badP = pv(['diff', 'ring-notify', 'xenbus', '-p', 'ringSize=2'], dir);
  assert.is(badP.status, 2);
  assert.match(badP.stderr, /model xenbus: unknown parameter 'ringSize'/);
});

test.run();
