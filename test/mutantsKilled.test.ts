/**
 * Tests written for mutants of test/mutants/mutants.json that the tests of
 * their code let survive (session 18's audit of sessions 16-17's code,
 * docs/perf/2026-12-05f-pool.md): each says which mutant it kills, and
 * passes on the code as it is.
 *
 * - frontier-pool-block-kept (checker/frontier.ts): test/store's property of
 *   recycled levels spills every full block at once (a threshold of one
 *   byte) or keeps a level in one block (2^14 states), so a level never had
 *   two blocks in memory taken from the pool: a level that reused one block
 *   for all its blocks passed, and every search past 16,384 states a level
 *   would have counted wrong.
 * - traced-list-push-length-unwritten (checker/traced.ts): a rule that grows
 *   a list by writing its next index (no `push`, so no write of `length`
 *   reaches the recorder) must write the list's length in the effect it
 *   records; every built-in grows its lists with `push`.
 * - netif-valid-end-held-slot (model/netif.ts `netbackOwesNothing`): with an
 *   adversarial frontend a terminal state where netback still holds a
 *   pending slot is a deadlock. In the model as it is, a held slot always
 *   leaves a rule enabled (the pass's submit, the dealloc thread), so only a
 *   netback that never releases one shows the clause: test/netifValidEnd's
 *   two netback bugs leave requests unseen, not slots held.
 * - handover-one-mark-asked, handover-least-estimate-kept (cli/check.ts
 *   HandOverPlan): the CLI tests (test/handOverPays, workersHandOver) see a
 *   hand-over made or refused, not how the plan got there: that it asks the
 *   one thread for a level start again after each mark (else the later
 *   levels are never measured), and that a search that stayed on one thread
 *   names the largest estimate of the work left that did not pay.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { availableParallelism } from 'node:os';
import { WordFrontier } from '../checker/frontier.js';
import { HandOverPlan } from '../cli/check.js';
import { deriveModel, type Model } from '../model/core.js';
import { netifTx, type NetifState } from '../model/netif.js';
import { findModel } from '../model/registry.js';
import { writtenAt } from './support/bounds.js';
import { paramsOf, pathsSummary, replays, runModel } from './support/models.js';

type M = Model<unknown, unknown>;

test('frontier: levels of several blocks in memory, filled from the blocks of a recycled level, each read their own words while the next fills', () => {
  const W = 2;
  // blocks of 64 states (a threshold under two blocks of 2^14), 4 of them in memory, the rest spilled
  const spill = 4 * 64 * (W + 1) * 4;
  const pool: Uint32Array[] = [];
  const src = new Uint32Array(W);
  const word = (l: number, i: number, j: number) => (l * 100_003 + i * 7 + j) >>> 0;
  const fill = (l: number, n: number): WordFrontier => {
    const f = new WordFrontier(W, spill, pool);
    for (let i = 0; i < n; i++) {
      src[0] = word(l, i, 0);
      src[1] = word(l, i, 1);
      f.push(src, l * 1000 + i);
    }
    return f;
  };
  const reads = (f: WordFrontier, l: number, n: number) => {
    for (let i = 0; i < n; i++) {
      assert.is(f.id(i), l * 1000 + i, `level ${l} state ${i}: id`);
      const o = f.locate(i);
      for (let j = 0; j < W; j++) assert.is(f.arr[o + j], word(l, i, j), `level ${l} state ${i} word ${j}`);
    }
  };
  const sizes = [250, 250, 200, 300, 130];
  let prev = fill(0, sizes[0]!);
  for (let l = 1; l < sizes.length; l++) {
    const f = fill(l, sizes[l]!);
    reads(prev, l - 1, sizes[l - 1]!);
    reads(f, l, sizes[l]!);
    prev.recycle();
    if (l >= 2) assert.ok(pool.length >= 2, 'the recycled level gave several blocks');
    prev = f;
  }
});

test('traced rules: a rule that grows a list by writing its next index gives what it gives untraced (nc2-packets)', () => {
  const m = findModel('nc2-packets') as M;
  const recv = m.rules.find((r) => r.name === 'receiver.recv_packet')!;
  const byIndex = deriveModel(m, {
    name: 'nc2-packets-held-by-index',
    description: 'receiver.recv_packet appends to held by index',
    replace: {
      'receiver.recv_packet': {
        ...recv,
        then: (d: any, s: any) => {
          const x = s.toRecv[0]!;
          d.toRecv.shift();
          if (x.type === 'small') return;
          if (s.buf[x.id] !== x.seq) d.staleRead = true;
          d.held[d.held.length] = { id: x.id, seq: x.seq, phase: x.type === 'receiver_copy' ? 'copied' : 'mapped', age: 0 };
        },
      },
    },
  }) as M;
  const p = paramsOf(byIndex, writtenAt('nc2-packets'));
  const plain = pathsSummary(m, paramsOf(m, writtenAt('nc2-packets')), false, {}, { traced: false });
  // the variant is the model (the same states untraced), and traced it stays so
  assert.is(pathsSummary(byIndex, p, false, {}, { traced: false }), plain);
  assert.is(pathsSummary(byIndex, p, false, {}, { traced: true }), plain);
});

const noDealloc = deriveModel(netifTx, {
  name: 'netif-tx-no-dealloc', description: 'the dealloc thread never answers a mapped slot (xenvif_tx_dealloc_action never runs)',
  remove: ['xenvif_idx_release.make_tx_response'],
});
for (const frontend of ['any', 'hostile'])
  test(`netif-tx, frontend=${frontend}: a netback that never answers a mapped slot is a deadlock (the slot still held)`, () => {
    const p = paramsOf(noDealloc, { frontend, packets: 1, maxSlots: 1, gso: 'off' });
    const r = runModel(noDealloc, p);
    assert.is(r.violation?.property, 'deadlock');
    assert.ok(replays(noDealloc, p, r));
    const last = r.violation!.trace.at(-1)!.state as NetifState;
    assert.ok(last.back.held.length > 0 && last.back.disabled === 0 && last.front.broken === 0, 'netback holds the slot');
  });

/** A one-thread search as HandOverPlan sees it: at a level start or not, its counts, the pauses asked of it. */
function fakeSearch() {
  const f = {
    paused: false,
    depth: 0, size: 0, states: 0,
    asked: 0,
    stats: () => ({ depth: f.depth, queue: f.size, distinctStates: f.states }),
    pauseAtLevelEnd: () => void f.asked++,
    handOver: () => undefined,
  };
  return f;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The plan of a default run (no --workers) that may go to every core after 1 ms, with a hand-over threshold never met. */
function planNeverPays(): HandOverPlan {
  process.env.PVCHECK_TEST_SWITCH_MS = '1';
  process.env.PVCHECK_HANDOVER_MIN_S = '1000';
  try {
    return new HandOverPlan({ workers: 2, reason: 'test' }, true);
  } finally {
    delete process.env.PVCHECK_TEST_SWITCH_MS;
    delete process.env.PVCHECK_HANDOVER_MIN_S;
  }
}
const cores = availableParallelism();

test('HandOverPlan: after each level start it notes, the plan asks the one thread for the next (25 ms on)', async () => {
  if (cores < 2) return console.log('skip: one core, the plan never waits for the workers');
  const plan = planNeverPays();
  const one = fakeSearch();
  for (let level = 1; level <= 3; level++) {
    await sleep(30);
    one.paused = false;
    assert.is(plan.afterSlice(one as never), 'go on');
    assert.is(one.asked, level, `a pause asked for level start ${level}`);
    // the level start asked for: noted, the next asked for 25 ms later
    one.paused = true;
    one.depth = level; one.size = 10 * level; one.states = 100 * level;
    plan.afterSlice(one as never);
  }
});

test('HandOverPlan: a search that stayed on one thread names the largest estimate of the work left that did not pay', async () => {
  if (cores < 2) return console.log('skip: one core, the plan never waits for the workers');
  const plan = planNeverPays();
  const one = fakeSearch();
  one.paused = true;
  await sleep(5);
  // three level starts: a small first, a wide second (half its states still to come), a tail of 10 states after it
  for (const [depth, size, states] of [[1, 100, 200], [2, 900_000, 1_000_000], [3, 10, 1_000_010]] as const) {
    for (let x = 0, t = Date.now(); Date.now() - t < 5; ) x += Math.sqrt(x + 1); // some CPU time, for the marks' rates
    Object.assign(one, { depth, size, states });
    assert.is(plan.afterSlice(one as never), 'wait', `depth ${depth}: the work left does not pay`);
  }
  plan.ended();
  assert.is(plan.choice.workers, 1);
  assert.match(plan.choice.reason, /^the search ended on one thread: the work left never paid for starting \d+ workers \(at least 1000 s of CPU\), at most [\d.]+ s of CPU left on one thread by the levels so far \(depth 2: 900,000 states, /);
});

test.run();
