/**
 * Declared state shapes (model/shape.ts) and the packed path they enable
 * (checker/codec.ts, checker/packed.ts):
 *
 * - every reachable state of every built-in model that declares a shape fits
 *   it, and packs and unpacks to the same data; when a model changes its state
 *   without updating its shape, this test names the field;
 * - a state outside its shape is an error naming the field, for trace
 *   validation (io-ts) and for the packer alike;
 * - the packed path and the reference path (copy-on-write drafts, structural
 *   hashing, the model's own canonicalize) give the same distinct states,
 *   edges, depth, verdict, state set and trace bytes, for every built-in
 *   model (test/shapesExamples.test.ts: every example whose model declares
 *   a shape).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deriveModel, type Model } from '../model/core.js';
import { builtinModels, findModel } from '../model/registry.js';
import { array, int, list, nullable, oneOf, optional, record, shapeErrors, union } from '../model/shape.js';
import { shapeCodec } from '../checker/codec.js';
import { canonicalString } from '../checker/reference/structural.js';
import { paramsOf, runModel } from './support/models.js';
import { stable } from './support/naive.js';
import { pathsSummary as summary } from './support/models.js';
import { writtenAt } from './support/bounds.js';

type M = Model<unknown, unknown>;
const shaped = builtinModels.filter((m) => m.shape) as M[];

test('built-in models declare a shape', () => {
  for (const name of ['grant', 'blkif', 'nc2-bypass', 'nc2-packets', 'netif-ctrl', 'netif-rx', 'netif-tx', 'ring', 'ring-api', 'xenbus']) assert.ok(shaped.some((m) => m.name === name), `${name} declares a shape`);
});

for (const m of shaped) {
  test(`${m.name}: every reachable state at the bounds the tests were written at fits the declared shape and packs back to itself`, () => {
    const p = paramsOf(m, writtenAt(m.name));
    const sh = m.shape!(p).state;
    const codec = shapeCodec<unknown>(sh.piece);
    const w = new Uint32Array(codec.words);
    let n = 0;
    const firstBad: string[] = [];
    runModel(m, p, {
      forceGeneric: true,
      maxStates: 200_000,
      onState: (s) => {
        n++;
        if (firstBad.length) return;
        const errs = shapeErrors(sh, s);
        if (errs) {
          firstBad.push(`${m.name}: a reachable state does not fit model.shape (update the shape beside the state type): ${errs.slice(0, 3).join('; ')}`);
          return;
        }
        codec.pack(s, w);
        const back = codec.unpack(w, 0);
        if (canonicalString(back) !== canonicalString(s)) firstBad.push(`${m.name}: packs to different data:\n${stable(s)}\n${stable(back)}`);
      },
    });
    assert.ok(n > 0);
    assert.equal(firstBad, [], firstBad[0]);
  });
}

test('a state outside its shape is an error naming the field (validation and packing)', () => {
  const sh = record({
    conn: int(0, 3),
    ga: array(record({ flags: int(0, 511), domid: int(0, 2) }), 2),
    aa: array(nullable(record({ pins: int(0, 7) })), 2),
    cp: list(record({ hops: int(0, 3) }), 1),
    phase: oneOf(['none', 'plugged'] as const),
    note: optional(int(0, 1)),
    w: array(union(int(0, 0xffffffff), record({ kind: oneOf(['empty', 'request'] as const) })), 2),
  });
  const ok = { conn: 1, ga: [{ flags: 1, domid: 0 }, { flags: 0, domid: 2 }], aa: [null, { pins: 3 }], cp: [{ hops: 1 }], phase: 'none', w: [0xffffffff, { kind: 'request' }] };
  assert.is(shapeErrors(sh, ok), undefined);
  const codec = shapeCodec<typeof ok>(sh.piece);
  const w = new Uint32Array(codec.words);
  codec.pack(ok, w);
  assert.is(canonicalString(codec.unpack(w, 0)), canonicalString(ok));
  const bad = (patch: (o: any) => void): { errs: string[]; pack: string } => {
    const o = JSON.parse(JSON.stringify(ok));
    patch(o);
    let pack = '';
    try {
      codec.pack(o, w);
    } catch (e) {
      pack = (e as Error).message;
    }
    return { errs: shapeErrors(sh, o) ?? [], pack };
  };
  let r = bad((o) => (o.ga[1].flags = 4096));
  assert.ok(r.errs.some((e) => e.startsWith('state.ga[1].flags: 4096')), r.errs.join('; '));
  assert.match(r.pack, "'ga[1].flags' = 4096");
  r = bad((o) => (o.aa[1].pins = -1));
  assert.ok(r.errs.some((e) => e.startsWith('state.aa[1].pins')), r.errs.join('; '));
  assert.match(r.pack, "'aa[1].pins' = -1");
  r = bad((o) => o.cp.push({ hops: 0 }));
  assert.ok(r.errs.some((e) => e.startsWith('state.cp: has 2 elements')), r.errs.join('; '));
  assert.match(r.pack, "'cp' has 2 elements");
  r = bad((o) => (o.phase = 'gone'));
  assert.ok(r.errs.some((e) => e.startsWith('state.phase: "gone" is not one of')), r.errs.join('; '));
  assert.match(r.pack, "'phase' = \"gone\"");
  r = bad((o) => (o.w[1] = { kind: 'response' }));
  assert.ok(r.errs.some((e) => e.startsWith('state.w[1].kind: "response"')), r.errs.join('; '));
  assert.match(r.pack, "'w[1].kind' = \"response\"");
  r = bad((o) => (o.extra = 1));
  assert.ok(r.errs.some((e) => e.includes("field 'extra' is not in the shape")), r.errs.join('; '));
  // the state record has an optional field: a key it does not name is not dropped silently by the packing
  assert.match(r.pack, "'extra' is not in the model's declared shape");
  r = bad((o) => (o.note = 1));
  assert.equal(r.errs, []);
  assert.is(r.pack, '');
});

test('netif-tx: a variant that writes a value outside the shape stops with an error naming the field, on the packed path', () => {
  const m = findModel('netif-tx') as M;
  const xmit = m.rules.find((r) => r.name === 'xennet_start_xmit')!;
  const bad = deriveModel(m, {
    name: 'netif-tx-size-99',
    description: 'netfront writes a size of 99 into the first slot',
    replace: { xennet_start_xmit: { ...xmit, then: (d: any, s, p, a) => { xmit.then(d, s, p, a); d.ring[0] = { ...d.ring[0], size: 99 }; } } },
  });
  const p = paramsOf(bad, writtenAt('netif-tx', { packets: 1 }));
  assert.throws(() => runModel(bad, p), (e: Error) => e instanceof RangeError && /^state field 'ring\[0\]\.size' = 99 is outside the model's declared shape/.test(e.message));
  // the reference path has no shape to leave: it explores the variant (which breaks netback's invariants)
  assert.is(runModel(bad, p, { forceGeneric: true }).outcome, 'violation');
});

const CASES: [string, Record<string, string | number | boolean>][] = [
  ['grant', { refs: 1, pages: 1 }],
  ['grant', { refs: 2, pages: 2, cacheSize: 0, transitive: 0, copies: 0, subPage: false, handles: 2 }],
  ['grant', { refs: 1, pages: 1, copies: 2, transitive: 0, cacheSize: 0, subPage: false, handles: 2 }],
  ['blkif', {}],
  ['blkif', { requests: 4, pages: 3, maxPgrants: 2 }],
  ['netif-ctrl', {}],
  ['netif-ctrl', { hostileIndex: true }],
  ['ring', {}],
  ['ring', { memory: 'weak', frontend: 'hostile', ringSize: 1, messages: 2 }],
  ['ring', { memory: 'tso', backend: 'hostile', ringSize: 2, messages: 2 }],
  ['ring', { rings: 'pair', evtchn: 'split', ringSize: 1, messages: 1 }],
  ['ring', { counters: true, payloads: 2, ringSize: 2, messages: 2, startIndex: 0xfffffffe }],
  ['ring', { init: 'reattach', ringSize: 2, messages: 3 }],
  ['ring-api', {}],
  ['netif-rx', {}],
  ['netif-rx', { backend: 'honest' }],
  ['netif-rx', { maxSlots: 1, packets: 1, storms: 1 }],
  ['netif-tx', {}],
  // every packet of the format domain: a size field below the fragments', zero-size fragments, bad extras (an extra slot read as a request id)
  ['netif-tx', { frontend: 'any', packets: 1, maxSlots: 2, ringSize: 4 }],
  ['netif-tx', { frontend: 'hostile', packets: 1, maxSlots: 1, ringSize: 4, gso: 'off', evtchn: 'lateeoi', storms: 1 }],
  ['netif-tx', { backend: 'hostile', packets: 1, ringSize: 4 }],
  // a frontend that fills the ring, indices around it
  ['netif-tx', { stopAt: 'ring-full', ringSize: 4, packets: 3, maxSlots: 2, gso: 'off' }],
  ['nc2-packets', {}],
  ['nc2-bypass', {}],
  // three setups, two suspends: every channel through three bypass cycles and two fall-backs
  ['nc2-bypass', { packets: 1, setups: 3, suspends: 2 }],
];
for (const [name, ov] of CASES) {
  const m = findModel(name) as M | undefined;
  if (!m?.shape) continue;
  test(`${name} ${stable(ov)}: packed and reference paths agree (states, edges, depth, verdict, state set, trace)`, () => {
    const p = paramsOf(m, writtenAt(name, ov));
    assert.is(summary(m, p, false), summary(m, p, true));
  });
}

test.run();
