/**
 * States read from a trace are checked against the model's declared shape
 * (issue 11 point 1): a state that does not fit names the step and the field
 * (`step 2: state.aa[0].frame: -12345 is not an integer in 0..1`), instead of a generic divergence. The
 * field tampered with is chosen here by walking the model's own initial
 * state, and the path expected is built from that walk.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { grant } from '../model/grant.js';
import { ringNotify } from '../model/ringNotify.js';
import { resolveParams } from '../model/params.js';
import { replay } from '../traces/replay.js';
import type { Trace } from '../traces/format.js';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scratchDir } from './support/tmp.js';
import { writtenAt } from './support/bounds.js';

const root = resolve(import.meta.dirname, '..');
const tmp = scratchDir('pvcheck-shape-');

const trace = (model: string, params: object, states: unknown[]): Trace => ({
  format: 'pvcheck-trace',
  version: 1,
  model,
  params: params as Trace['params'],
  property: { name: '', kind: 'none' },
  steps: states.map((state, i) => ({ action: i === 0 ? 'init' : null, rule: null, state })),
});

/** The path (`state.a[1].b`) and a setter of the first number found inside an array of records, depth first. */
function nestedNumber(s: unknown, path = 'state'): { path: string; set: (v: unknown) => void } | undefined {
  if (Array.isArray(s) || (typeof s === 'object' && s !== null)) {
    for (const [k, v] of Object.entries(s as Record<string, unknown>)) {
      const p = Array.isArray(s) ? `${path}[${k}]` : `${path}.${k}`;
      if (typeof v === 'number' && /\[\d+\]\./.test(p)) return { path: p, set: (x) => ((s as Record<string, unknown>)[k] = x) };
      const inner = nestedNumber(v, p);
      if (inner) return inner;
    }
  }
  return undefined;
}

test('replay: a state that does not fit the shape names the step and the field path', () => {
  const p = resolveParams(grant.params, writtenAt('grant'));
  if (E.isLeft(p)) throw new Error(p.left);
  const s0 = JSON.parse(JSON.stringify(grant.init(p.right)[0]));
  const bad = JSON.parse(JSON.stringify(s0));
  const leaf = nestedNumber(bad);
  assert.ok(leaf, 'the grant state has a number inside an array of records');
  leaf!.set(-12345);
  const r = replay(grant, p.right, trace('grant', p.right, [s0, s0, bad]), { byState: true });
  assert.is(r.kind, 'bad-input');
  if (r.kind !== 'bad-input') return;
  assert.is(r.reason, 'bad-state');
  assert.ok(r.detail.startsWith(`step 2: ${leaf!.path}: `), r.detail);
  assert.match(r.detail, /-12345/);
  assert.match(r.detail, /does not fit model grant's declared shape/);
});

test('replay: a missing field and a string for a number are named too', () => {
  const p = resolveParams(grant.params, writtenAt('grant'));
  if (E.isLeft(p)) throw new Error(p.left);
  const s0 = JSON.parse(JSON.stringify(grant.init(p.right)[0]));
  const key = Object.keys(s0)[0]!;
  const missing = { ...s0 };
  delete missing[key];
  const r = replay(grant, p.right, trace('grant', p.right, [missing]));
  assert.is(r.kind, 'bad-input');
  assert.ok(r.kind === 'bad-input' && r.detail.startsWith(`step 0: state.${key}: `), JSON.stringify(r));
});

test('replay: a model without a declared shape is not checked this way (a divergence, as before)', () => {
  const p = resolveParams(ringNotify.params, writtenAt('ring-notify'));
  if (E.isLeft(p)) throw new Error(p.left);
  const s0 = JSON.parse(JSON.stringify(ringNotify.init(p.right)[0]));
  const r = replay(ringNotify, p.right, trace('ring-notify', p.right, [{ ...s0, req_prod: -3 }]));
  assert.is(r.kind, ringNotify.shape ? 'bad-input' : 'diverged');
});

test('--dump-states of a model with a shape: each state as JSON with its fields in the shape\'s order, sorted lines', () => {
  const dump = join(tmp, 'grant.states');
  const r = spawnSync(process.execPath, [join(root, 'bin/pvcheck.mjs'), 'check', 'grant', '--max-states', '20', '-q', '--dump-states', dump], { encoding: 'utf8' });
  assert.is(r.status, 3, r.stderr);
  const p = resolveParams(grant.params, writtenAt('grant'));
  if (E.isLeft(p)) throw new Error(p.left);
  const piece = grant.shape!(p.right).state.piece;
  assert.is(piece.kind, 'record');
  const declared = piece.kind === 'record' ? piece.fields.map(([k]) => k) : [];
  const lines = readFileSync(dump, 'utf8').trimEnd().split('\n');
  assert.is(lines.length, 20);
  assert.equal([...lines].sort(), lines, 'sorted');
  for (const l of lines) {
    const keys = Object.keys(JSON.parse(l));
    assert.equal(keys, declared.filter((k) => keys.includes(k)), 'top-level fields in the shape\'s order');
    assert.not.equal(keys, [...keys].sort(), 'not merely sorted');
  }
});

test.run();
