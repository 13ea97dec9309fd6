/**
 * The recording views of checker/traced.ts (plain accessor objects for the
 * records whose keys are fixed, Proxies for the rest; by default only for
 * xenbus's `keys: 'all'` records, PVCHECK_TRACE_RECORDER=records for every
 * such record) record what the Proxy recorder, the reference, records:
 * PVCHECK_TRACE_RECORDER=both (views on every record whose keys are fixed) makes every
 * recording of a search both ways (choices, guards, effects, invariants) and
 * throws where they differ: another result, another effect (words, masks,
 * bits), or other reads (the views may leave out only the presence bits of
 * `keys: 'all'` records, which a Proxy logs for `in` and key listings whose
 * answer is the same in every state). Every built-in with a shape, its first
 * 3,000 states (a few thousand misses); and a recording the views refuse (a
 * sealed view: a key the shape does not name) is made through Proxies, with
 * the Proxies' error. (Made both ways, each recording sees a new root; the
 * views alone, as the search runs them, are test/traced's: whole searches
 * traced against untraced, where grant's pinTable, which remembers a state
 * by its root's identity, failed while the root's view was reused.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deriveModel, type Model } from '../model/core.js';
import { builtinModels, findModel } from '../model/registry.js';
import { paramsOf, runModel, systemOf } from './support/models.js';
import { Search } from '../checker/search.js';
import { writtenAt } from './support/bounds.js';

type M = Model<unknown, unknown>;

function withRecorder<T>(rec: string, f: () => T): T {
  const old = process.env.PVCHECK_TRACE_RECORDER;
  process.env.PVCHECK_TRACE_RECORDER = rec;
  try {
    return f();
  } finally {
    if (old === undefined) delete process.env.PVCHECK_TRACE_RECORDER;
    else process.env.PVCHECK_TRACE_RECORDER = old;
  }
}

const stats = (s: Search<unknown>) => (s as unknown as { path: { tracer: { stats: Record<string, number> } } }).path.tracer.stats;

for (const m of builtinModels.filter((x) => x.shape) as M[]) {
  test(`${m.name}: the recording views record what the Proxies record (3,000 states)`, () => {
    const sys = systemOf(m, paramsOf(m, writtenAt(m.name)));
    const s = withRecorder('both', () => {
      const x = new Search(sys, { traced: true, maxStates: 3000 });
      x.run();
      return x;
    });
    const st = stats(s);
    assert.is(st.viewFallback, 0, 'no recording fell back to Proxies');
    assert.ok(st.guardMiss + st.effectMiss + st.choiceMiss + st.invariantMiss > 0, 'it recorded');
  });
}

test('a recording the views refuse (a key the shape does not name) is made by Proxies, with their error', () => {
  const m = findModel('ring-api') as M;
  const produce = m.rules.find((r) => r.name === 'produce_request')!;
  const bad = deriveModel(m, {
    name: 'ring-api-adds-a-key',
    description: 'produce_request writes a field the shape does not name',
    replace: { produce_request: { ...produce, then: (d: any, s, p, a) => { produce.then(d, s, p, a); d.extra = 1; } } },
  }) as M;
  const msg = (rec: string): string => {
    try {
      withRecorder(rec, () => runModel(bad, paramsOf(bad, {}), { traced: true }));
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };
  const viaProxy = msg('proxy');
  assert.match(viaProxy, /rule produce_request writes .*extra.*cannot be traced/);
  assert.is(msg('records'), viaProxy);
  assert.is(msg('keys'), viaProxy);
});

test('PVCHECK_TRACE_RECORDER must be keys, records, proxy or both', () => {
  const m = findModel('ring-api') as M;
  assert.throws(() => withRecorder('proxies', () => runModel(m, paramsOf(m, {}), { traced: true })), (e: Error) => /PVCHECK_TRACE_RECORDER=proxies: expected keys, records, proxy or both/.test(e.message));
});

test.run();
