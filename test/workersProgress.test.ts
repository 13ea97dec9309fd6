/**
 * Progress of the multi-worker search inside a level (checker/parallel.ts
 * `ParallelSearch.stats`): the workers' running counts are added to the
 * figures of the last level end, so a poll in the middle of a level sees it
 * move, and the figures never go back (no count taken twice) and end at the
 * result's.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { ParallelSearch } from '../checker/parallel.js';
import type { Stats } from '../checker/report.js';
import { loadModel } from '../cli/loadModel.js';
import { workerSystemLoader } from '../cli/workerSystem.js';
import { progressLine } from '../cli/check.js';
import { bind } from '../properties/bind.js';

test('ring-notify 8x24 on 2 workers: polled figures move inside levels, never go back, end at the result', async () => {
  const model = await loadModel('ring-notify');
  const p = { ...(model.params.defaults as object), ringSize: 8, messages: 24 };
  const sys = bind(model, p);
  if (E.isLeft(sys)) throw new Error(sys.left);
  const search = new ParallelSearch(sys.right, {}, { loader: workerSystemLoader, args: { model: 'ring-notify', params: p } }, 2);
  let done = false;
  const result = search.result.finally(() => (done = true));
  const polls: Stats[] = [];
  while (!done) {
    polls.push(search.stats());
    await new Promise((res) => setTimeout(res, 2));
  }
  const r = await result;
  const inLevel = polls.filter((s) => s.level && s.level.expanded > 0 && s.level.expanded < s.level.size);
  assert.ok(inLevel.length > 0, `no poll of ${polls.length} fell inside a parallel level`);
  for (let i = 1; i < polls.length; i++) {
    const [a, b] = [polls[i - 1]!, polls[i]!];
    assert.ok(b.distinctStates >= a.distinctStates, `states went back at poll ${i}: ${a.distinctStates} then ${b.distinctStates}`);
    assert.ok(b.edges >= a.edges, `edges went back at poll ${i}: ${a.edges} then ${b.edges}`);
    assert.ok(b.depth >= a.depth, `depth went back at poll ${i}`);
  }
  const last = polls[polls.length - 1]!;
  assert.ok(last.distinctStates <= r.distinctStates && last.edges <= r.edges, 'no poll counts more than the result');
  const mid = inLevel[Math.floor(inLevel.length / 2)]!;
  assert.match(progressLine('ring-notify', mid, 1000, undefined, 500), /queue [\d,]+, level \d+% of [\d,]+ \(ETA \d+ s to its end\), 1,000 states\/s/);
  assert.not.match(progressLine('ring-notify', { ...mid, level: undefined }, 1000), /level/);
  console.log(`${polls.length} polls, ${inLevel.length} inside a parallel level; ${r.distinctStates} states`);
});

test.run();
