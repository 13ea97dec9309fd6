/**
 * Traced rules, session 17 (checker/traced.ts, packed.ts):
 *
 * - auto mode switches between the traced expansion and the expansion on
 *   objects from one state to the next; PVCHECK_TRACE_SWITCH=N switches every
 *   N states all search long, and the search gives what the untraced packed
 *   path gives (counts, coverage, state set, verdict and trace), with
 *   symmetry and batched probes (grant) and without; so does auto's own
 *   schedule, made short (PVCHECK_TRACE_AUTO=first,warm);
 * - invariants answered by tries: an invariant with hidden state is caught by
 *   PVCHECK_TRACE_CHECK, and by its trie without it;
 * - the expanded state is unpacked only when something reads it: a deadlock
 *   (isValidEnd on a terminal state) is found traced as untraced.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deriveModel, type Model } from '../model/core.js';
import { findModel } from '../model/registry.js';
import { paramsOf, pathsSummary as summary, runModel } from './support/models.js';
import { writtenAt } from './support/bounds.js';

type M = Model<unknown, unknown>;

function withEnv<T>(env: Record<string, string>, f: () => T): T {
  const old = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return f();
  } finally {
    for (const [k, v] of Object.entries(old)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

const CASES: [string, Record<string, string | number | boolean>][] = [
  ['ring', { memory: 'weak', ringSize: 1, messages: 2 }],
  ['grant', {}],
  ['netif-rx', {}],
  ['nc2-bypass', {}],
];
for (const [name, ov] of CASES) {
  test(`${name} ${JSON.stringify(ov)}: switching between traced and untraced expansions every 1 and 7 states agrees with the untraced path`, () => {
    const m = findModel(name) as M;
    const p = paramsOf(m, writtenAt(name, ov));
    const want = summary(m, p, false, {}, { traced: false });
    for (const every of ['1', '7']) assert.is(withEnv({ PVCHECK_TRACE_SWITCH: every }, () => summary(m, p, false, {}, { traced: 'auto' })), want, `every ${every}`);
  });
}

test("auto's own schedule (made short) agrees with the untraced path", () => {
  const m = findModel('ring') as M;
  const p = paramsOf(m, writtenAt('ring', { memory: 'weak', ringSize: 1, messages: 2 }));
  assert.is(withEnv({ PVCHECK_TRACE_AUTO: '200,2000' }, () => summary(m, p, false, {}, { traced: 'auto' })), summary(m, p, false, {}, { traced: false }));
});

test('PVCHECK_TRACED: 1 always, auto, else never', async () => {
  const { tracedModeOf } = await import('../checker/traced.js');
  assert.is(withEnv({ PVCHECK_TRACED: '1' }, () => tracedModeOf(undefined)), true);
  assert.is(withEnv({ PVCHECK_TRACED: 'auto' }, () => tracedModeOf(undefined)), 'auto');
  assert.is(withEnv({ PVCHECK_TRACED: '0' }, () => tracedModeOf(undefined)), false);
  assert.is(withEnv({ PVCHECK_TRACED: '1' }, () => tracedModeOf(false)), false);
});

/** ring-api whose first invariant reads the state on every other call only: hidden state, a counter in a closure. */
function hiddenInvariant(): M {
  const m = findModel('ring-api') as M;
  const inv = m.invariants[0]!;
  let calls = 0;
  return deriveModel(m, {
    name: 'ring-api-hidden-invariant',
    description: 'an invariant remembers how often it ran',
    invariants: [{ ...inv, holds: (s: unknown, p: unknown) => calls++ % 2 === 0 || inv.holds(s, p) }],
  }) as M;
}

test('an invariant with hidden state is caught by PVCHECK_TRACE_CHECK and by its trie', () => {
  const p = paramsOf(hiddenInvariant(), {});
  const caught = (e: Error): boolean => /traced: (the invariants differ from their answer on objects|the invariant \S+ read other values than before)/.test(e.message) && /not a function of the state/.test(e.message);
  assert.throws(() => withEnv({ PVCHECK_TRACE_CHECK: '1' }, () => runModel(hiddenInvariant(), p, { traced: true })), caught);
  assert.throws(() => runModel(hiddenInvariant(), p, { traced: true }), caught);
});

test('a deadlock is found traced as untraced (isValidEnd reads the expanded state, unpacked on demand)', () => {
  const m = findModel('ring') as M;
  // no state is a valid end; the function reads every field of the state
  const dl = deriveModel(m, { name: 'ring-no-valid-end', description: 'no state is a valid end', isValidEnd: (s) => JSON.stringify(s).length < 0 }) as M;
  const p = paramsOf(dl, writtenAt('ring', { memory: 'weak', ringSize: 1, messages: 2 }));
  const a = summary(dl, p, false, {}, { traced: true });
  assert.is(a, summary(dl, p, false, {}, { traced: false }));
  assert.is(JSON.parse(a).outcome, 'deadlock');
});

test.run();
