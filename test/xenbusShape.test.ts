/**
 * xenbus on the packed path (model/shape.ts, `xenbusShape`): at parameters
 * that reach every implementation and lifecycle event, the packed path gives
 * the same states, edges, depth, verdict, state set and trace as the reference
 * path (test/shapes.test.ts does the defaults); a node the shape does not name
 * is an error naming it, never dropped.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { xenbus, xenbusShape, FE, NETIF_FEATURES } from '../model/xenbus.js';
import { shapeCodec } from '../checker/codec.js';
import { paramsOf, pathsSummary as summary } from './support/models.js';
import type { Model } from '../model/core.js';
import noQuota from '../examples/xenbus-xenstored-no-quota.js';
import backendWritable from '../examples/xenbus-backend-writable-by-guest.js';
import noNodeSize from '../examples/xenbus-xenstored-no-node-size-quota.js';

type M = Model<unknown, unknown>;
const m = xenbus as unknown as M;

const CASES: Record<string, string | number | boolean>[] = [
  { frontend: 'hostile', events: 1 },
  { backend: 'hostile', events: 1 },
  { frontend: 'mirage', events: 2 },
  { frontend: 'dpdk', backend: 'dpdk', backendRestart: 1, events: 2 },
  { frontend: 'old', backend: 'old', backendRestart: 1, events: 1, backendWatchDrop: 'none', txnConflicts: 'node' },
  { reconfigure: 1, events: 1 },
  { malformedPacket: 1, xmit: true, events: 1, migrate: 0, reconnect: 0 },
];
for (const ov of CASES) {
  test(`xenbus ${JSON.stringify(ov)}: packed and reference paths agree`, () => {
    const p = paramsOf(m, ov);
    assert.is(summary(m, p, false), summary(m, p, true));
  });
}

// the variants that take a xenstored defence away reach what the built-in cannot: the node past the
// quota, watches and transactions past quota + 1, a node past the node-size quota, a guest's write in the backend directory
for (const v of [noQuota, noNodeSize, backendWritable] as unknown as M[]) {
  test(`${v.name} (frontend=hostile, events=1): packed and reference paths agree`, () => {
    const p = paramsOf(v, { frontend: 'hostile', events: 1 });
    assert.is(summary(v, p, false), summary(v, p, true));
  });
}

test('a xenstore node the shape does not name is an error naming it (not dropped by the packing)', () => {
  const p = paramsOf(m, {}) as Parameters<typeof xenbus.init>[0];
  const s0 = xenbus.init(p)[0]!;
  const codec = shapeCodec<unknown>(xenbusShape(NETIF_FEATURES)(p).state.piece);
  const w = new Uint32Array(codec.words);
  const s = { ...s0, xs: { ...s0.xs, nodes: { [`${FE}/state`]: '1', [`${FE}/feature-new`]: '1' } } };
  assert.throws(() => codec.pack(s, w), (e: Error) => e.message.includes(`'xs.nodes.${FE}/feature-new' is not in the model's declared shape`));
  const t = { ...s0, xs: { ...s0.xs, nodes: { [`${FE}/state`]: 'weird' } } };
  assert.throws(() => codec.pack(t, w), (e: Error) => e.message.includes(`'xs.nodes.${FE}/state' = "weird" is outside`));
});

test.run();
