/**
 * NetChannel2 packets (model/nc2Packets.ts, issue 15 point 2): the model
 * verifies with every rule fired and FINISH_PACKETs really returned out of
 * order; the two variants of examples/ (a sender ignoring SET_MAX_PACKETS, a
 * receiver finishing twice) are found with shortest counterexamples that
 * replay and that the built-in model does not reproduce; a receiver without
 * its unmap timer breaks the bounded unmap (PK4), so that property can fail.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { deriveModel, type Model } from '../model/core.js';
import { paramsOf, runModel } from './support/models.js';
import { bind } from '../properties/bind.js';
import { check, type CheckResult } from '../checker/explore.js';
import { traceFromViolation } from '../traces/format.js';
import { replay } from '../traces/replay.js';
import { nc2Packets, type Nc2PacketsParams, type Nc2PacketsState } from '../model/nc2Packets.js';
import ignoreMax from '../examples/nc2-ignore-set-max-packets.js';
import finishTwice from '../examples/nc2-finish-twice.js';

type M = Model<Nc2PacketsState, Nc2PacketsParams>;
const params = (m: M, o: Record<string, string>) => paramsOf(m, o);
const run = (m: M, o: Record<string, string> = {}, maxDepth?: number): CheckResult<Nc2PacketsState> => runModel(m, params(m, o), maxDepth ?? {});

test('nc2-packets verifies at its defaults and beyond, every rule fires, and FINISH_PACKETs come back out of order', () => {
  const r = run(nc2Packets);
  assert.is(r.outcome, 'ok');
  assert.equal(r.coverage.filter((c) => c.fired === 0).map((c) => c.rule), []);
  assert.is(run(nc2Packets, { packets: '5', buffers: '3', maxPackets: '3', unmapWithin: '2' }).outcome, 'ok');
  let outOfOrder = false;
  const sys = bind(nc2Packets, params(nc2Packets, {}));
  if (E.isLeft(sys)) throw new Error(sys.left);
  check(sys.right, {
    onState: (s) => {
      const seqs = s.toSend.filter((m) => m.kind === 'FINISH_PACKET').map((m) => m.seq);
      if (seqs.some((x, i) => i > 0 && x < seqs[i - 1]!)) outOfOrder = true;
    },
  });
  assert.ok(outOfOrder);
});

for (const [m, property] of [[ignoreMax, 'PK2_within_max_packets'], [finishTwice, 'PK1_finished_exactly_once']] as const) {
  test(`${m.name}: ${property}, shortest, replays; the built-in model does not follow it to the violation`, () => {
    const r = run(m);
    assert.is(r.outcome, 'violation');
    assert.is(r.violation!.property, property);
    const steps = r.violation!.trace.length - 1;
    assert.is.not(run(m, {}, steps - 1).outcome, 'violation');
    const trace = traceFromViolation(m, params(m, {}), r.violation!);
    assert.is(replay(m, params(m, {}), trace).kind, 'reproduced');
    // at the variant's parameters: at other ones the trace's first state would differ and prove nothing
    assert.is.not(replay(nc2Packets, params(m, {}), trace).kind, 'reproduced');
  });
}

test('a receiver without its unmap timer keeps a receiver_map mapping too long (PK4)', () => {
  const noTimer = deriveModel(nc2Packets, {
    name: 'nc2-packets-no-unmap-timer', description: 'no unmap timer; the clock runs regardless',
    remove: ['receiver.unmap_timer'],
    replace: {
      tick: {
        ...nc2Packets.rules.find((r) => r.name === 'tick')!,
        when: (s) => s.ticksLeft > 0 && s.held.some((h) => h.phase === 'mapped'),
      },
    },
  });
  const r = run(noTimer);
  assert.is(r.outcome, 'violation');
  assert.is(r.violation!.property, 'PK4_unmapped_in_time');
});

test.run();
