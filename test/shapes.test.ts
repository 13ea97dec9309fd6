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
 *   model and every example whose model declares a shape.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Model } from '../model/core.js';
import { builtinModels, findModel } from '../model/registry.js';
import { array, int, list, nullable, oneOf, optional, record, shapeErrors } from '../model/shape.js';
import { shapeCodec } from '../checker/codec.js';
import { canonicalString } from '../checker/reference/structural.js';
import { paramsOf, runModel } from './support/models.js';
import { stable } from './support/naive.js';

type M = Model<unknown, unknown>;
const shaped = builtinModels.filter((m) => m.shape) as M[];

test('some built-in models declare a shape', () => {
  assert.ok(shaped.some((m) => m.name === 'grant'), 'grant declares a shape');
});

for (const m of shaped) {
  test(`${m.name}: every reachable state at the defaults fits the declared shape and packs back to itself`, () => {
    const p = paramsOf(m, {});
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
  });
  const ok = { conn: 1, ga: [{ flags: 1, domid: 0 }, { flags: 0, domid: 2 }], aa: [null, { pins: 3 }], cp: [{ hops: 1 }], phase: 'none' };
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
  r = bad((o) => (o.extra = 1));
  assert.ok(r.errs.some((e) => e.includes("field 'extra' is not in the shape")), r.errs.join('; '));
  r = bad((o) => (o.note = 1));
  assert.equal(r.errs, []);
  assert.is(r.pack, '');
});

/** What two searches must agree on, the trace bytes included. */
function summary(m: M, p: unknown, forceGeneric: boolean): string {
  const lines: string[] = [];
  const r = runModel(m, p, { forceGeneric, onState: (s) => void lines.push(canonicalString(s)) });
  lines.sort();
  const sha = createHash('sha256').update(lines.join('\n')).digest('hex');
  return JSON.stringify({
    outcome: r.outcome, states: r.distinctStates, edges: r.edges, depth: r.depth, terminals: r.terminalStates,
    coverage: r.coverage, sha, violation: r.violation ? { p: r.violation.property, trace: r.violation.trace } : null,
    observables: r.observables,
  });
}

const CASES: [string, Record<string, string | number | boolean>][] = [
  ['grant', {}],
  ['grant', { refs: 2, pages: 2, cacheSize: 0, transitive: 0, copies: 0, subPage: false, handles: 2 }],
  ['grant', { copies: 2, transitive: 0, cacheSize: 0, subPage: false, handles: 2 }],
];
for (const [name, ov] of CASES) {
  const m = findModel(name) as M | undefined;
  if (!m?.shape) continue;
  test(`${name} ${stable(ov)}: packed and reference paths agree (states, edges, depth, verdict, state set, trace)`, () => {
    const p = paramsOf(m, ov);
    assert.is(summary(m, p, false), summary(m, p, true));
  });
}

const exDir = resolve(import.meta.dirname, '..', 'examples');
for (const f of readdirSync(exDir).filter((x) => x.endsWith('.ts')).sort()) {
  test(`example ${f}: packed and reference paths agree at its defaults`, async () => {
    const m = (await import(pathToFileURL(join(exDir, f)).href)).default as M;
    if (!m.shape) return;
    const p = paramsOf(m, {});
    assert.is(summary(m, p, false), summary(m, p, true));
  });
}

test.run();
