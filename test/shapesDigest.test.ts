/**
 * The state-set digest the path comparisons use (test/support/models.ts
 * StateSetDigest, read by pathsRun: test/shapes, shapesExamplesA/B, traced,
 * xenbusShape): since 2026-12-06 it hashes each state's words packed by the
 * system's codec, not the state's objects. It must still tell two sets apart
 * that differ by one state (lost, added or changed) while the order the
 * states come in does not count, give the same digest on both paths, and
 * fall back to the structural hash for a system without a codec.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { check } from '../checker/explore.js';
import { findModel } from '../model/registry.js';
import { defineModel } from '../model/core.js';
import { defineParams } from '../model/params.js';
import { paramsOf, pathsRun, StateSetDigest, systemOf } from './support/models.js';
import type { System } from '../checker/system.js';

/** The states a path finds, as `onState` gets them (copies the caller may keep). */
function statesOf<S>(sys: System<S>, forceGeneric: boolean): S[] {
  const out: S[] = [];
  check(sys, { forceGeneric, onState: (s) => out.push(s) });
  return out;
}
const digestOf = <S>(sys: System<S>, states: readonly S[]): string => {
  const d = new StateSetDigest(sys);
  for (const s of states) d.add(s);
  assert.is(d.size, states.length);
  return d.sha256();
};

// a shape (ring-api), a shape with symmetry (grant, up to its G19 finding), a flat layout (ring-notify)
for (const [name, over] of [['ring-api', {}], ['grant', { refs: 1, pages: 1 }], ['ring-notify', { ringSize: 2, messages: 3 }]] as const) {
  test(`${name}: the digest of the packed words tells a state lost, added or changed; order does not count; both paths agree`, () => {
    const m = findModel(name)!;
    const sys = systemOf(m, paramsOf(m, over as Record<string, number>));
    assert.ok(StateSetDigest.packs(sys as System<unknown>), 'a built-in has a codec');
    const packed = statesOf(sys, false);
    const ref = statesOf(sys, true);
    assert.ok(packed.length > 50, `${packed.length} states`);
    const all = digestOf(sys, packed);
    assert.is(digestOf(sys, ref), all, 'the reference path\'s states, packed here, give the packed path\'s digest');
    assert.is(digestOf(sys, [...packed].reverse()), all, 'order does not count');
    for (const i of [0, packed.length >> 1, packed.length - 1]) {
      const lost = packed.filter((_s, j) => j !== i);
      assert.is.not(digestOf(sys, lost), all, `state ${i} lost`);
      // changed: state i replaced by another state of the set (the same count, one state twice, one missing)
      const changed = packed.map((s, j) => (j === i ? packed[(i + 1) % packed.length]! : s));
      assert.is.not(digestOf(sys, changed), all, `state ${i} changed`);
    }
    assert.is.not(digestOf(sys, [...packed, packed[0]!]), all, 'a state twice');
  });
}

test('ring-notify (flat layout, a word per few fields): for every field, a state outside the set differing from one of it in that field alone moves the digest, added or in its place', () => {
  const m = findModel('ring-notify')!;
  const sys = systemOf(m, paramsOf(m, { ringSize: 2, messages: 3 }));
  const states = statesOf(sys, false) as unknown as Record<string, number>[];
  const all = digestOf(sys, states);
  const seen = new Set(states.map((s) => JSON.stringify(s)));
  let fields = 0;
  for (const k of Object.keys(states[0]!)) {
    const values = [...new Set(states.map((s) => s[k]!))];
    if (values.length < 2) continue; // a field no state changes
    // the first state that, with another value of the set in field k, is a state the search did not find
    let outside: { i: number; t: Record<string, number> } | undefined;
    for (let i = 0; i < states.length && !outside; i++)
      for (const v of values) {
        const t = { ...states[i]!, [k]: v };
        if (!seen.has(JSON.stringify(t))) {
          outside = { i, t };
          break;
        }
      }
    if (!outside) continue;
    fields++;
    assert.is.not(digestOf(sys, [...states, outside.t]), all, `${k}: one state added`);
    assert.is.not(digestOf(sys, states.map((s, j) => (j === outside!.i ? outside!.t : s))), all, `${k}: one state changed`);
  }
  assert.ok(fields >= 8, `${fields} fields`);
});

test('a system without a codec (no shape, no layout): the structural hash, key order aside', () => {
  const params = defineParams({});
  const m = defineModel<{ a: number; b: { c: number } }, Record<string, never>>({
    name: 'digest-unshaped', description: 'two counters', params,
    init: () => [{ a: 0, b: { c: 0 } }],
    rules: [
      { name: 'a', actor: 't', doc: 'a', see: 'test', when: (s) => s.a < 3, then: (d) => { d.a++; } },
      { name: 'c', actor: 't', doc: 'c', see: 'test', when: (s) => s.b.c < 2, then: (d) => { d.b.c++; } },
    ],
    invariants: [],
  });
  const sys = systemOf(m, paramsOf(m, {}));
  assert.not.ok(StateSetDigest.packs(sys as System<unknown>));
  const states = statesOf(sys, true);
  assert.is(states.length, 12);
  const all = digestOf(sys, states);
  assert.is(digestOf(sys, states.map((s) => ({ b: { c: s.b.c }, a: s.a }))), all, 'key order does not count');
  assert.is.not(digestOf(sys, states.slice(1)), all);
  assert.is(JSON.parse(pathsRun(m, paramsOf(m, {}), true).summary).sha, JSON.parse(pathsRun(m, paramsOf(m, {}), false).summary).sha);
});

test.run();
