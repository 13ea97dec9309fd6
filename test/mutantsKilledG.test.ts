/**
 * Tests that kill the mutants of session 24's code its owners' tests let
 * survive (docs/perf/2026-12-06f-pool.md section 3; test/mutants/mutants.json):
 * - nc2-laps-bound-off-by-one, nc2-laps-honest-bounded (model/nc2.ts lapsLeft,
 *   nc2 a3085b8): the frontend reads no message of a hostile producer's ring
 *   starting hostileLaps * payload_bytes or more past startIndex (a message
 *   exactly there is not read), and an honest producer's ring has no such
 *   bound. test/nc2 walks a hostile ring up to the bound and checks the
 *   farthest read lies within a ring of it, which both mutants keep; no row
 *   carries an honest ring three laps.
 * - blkif-crash-restart-end-unanswered (model/blkif.ts crashEnd, blkif
 *   e1f8962): with `restart`, the new device connected is a valid end only
 *   with every request answered; in the runs the terminal states with the new
 *   device connected have every request answered anyway, so the deadlock
 *   check never asks. Here the predicate is asked at the first reached state
 *   with the new device connected and a request not yet answered.
 * Cheaper kills (docs/perf/2026-12-06f-pool.md section 4: a mutant's test
 * files run one after another until one fails):
 * - blkif-removal-hostile-backend-taken (model/blkif.ts params check): killed
 *   by test/cliHardeningB through the CLI (18 s of CI's mutant phase); here
 *   by resolving the parameters (the message is test/cliHardeningB's).
 * - nc2-laps-one-short: the bound above at one lap reads nothing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { produce, type Draft } from 'immer';
import { deriveModel, type Model } from '../model/core.js';
import { check } from '../checker/explore.js';
import { paramsOf, systemOf } from './support/models.js';
import { resolveParams } from '../model/params.js';
import * as E from 'fp-ts/lib/Either.js';
import { lapsLeft, nc2, type Nc2State } from '../model/nc2.js';
import { idxAdd } from '../model/idx32.js';
import { blkif, feDevOf, GDEV_SECOND, XenbusStateConnected, type BlkifParams, type BlkifState } from '../model/blkif.js';
import crashFix from '../examples/blkif-crash-remove-fix.js';

test('nc2-laps-*: hostileLaps bounds reads on a hostile producer\'s ring at exactly hostileLaps rings past startIndex; an honest producer\'s ring is never bounded', () => {
  for (const laps of [1, 2, 3]) {
    const p = paramsOf(nc2, { backend: 'hostile', directions: '2', hostileLaps: String(laps) });
    const R = p.ringBytes;
    const s0 = nc2.init(p)[0]!;
    const at = (r: number, far: number): Nc2State => produce(s0, (d: Draft<Nc2State>) => { d.cons[r]!.cons_pvt = idxAdd(p.startIndex, far); });
    // ring 1: the hostile backend produces, the frontend consumes
    assert.ok(lapsLeft(at(1, 0), 1, p));
    assert.ok(lapsLeft(at(1, laps * R - 8), 1, p), `${laps}: the last 8-byte cell before the bound is read`);
    assert.ok(lapsLeft(at(1, laps * R - 4), 1, p), `${laps}: a 4-byte pad's offset before the bound is read`);
    assert.not.ok(lapsLeft(at(1, laps * R), 1, p), `${laps}: a message starting exactly hostileLaps rings on is not read`);
    assert.not.ok(lapsLeft(at(1, laps * R + 4), 1, p));
    // ring 0: the honest frontend produces it: no bound however far its consumer is
    for (const far of [laps * R, 10 * R, 1000 * R]) assert.ok(lapsLeft(at(0, far), 0, p), `${laps}: ring 0 at ${far}`);
    // an honest backend: ring 1 unbounded too
    const h = paramsOf(nc2, { directions: '2', hostileLaps: String(laps) });
    assert.ok(lapsLeft(produce(nc2.init(h)[0]!, (d: Draft<Nc2State>) => { d.cons[1]!.cons_pvt = idxAdd(h.startIndex, 10 * R); }), 1, h));
  }
});

test('blkif-crash-restart-end-unanswered: with restart, the new device connected with a request not yet answered is no valid end (crashEnd)', () => {
  type M = Model<BlkifState, BlkifParams>;
  const waiting = (s: BlkifState, p: BlkifParams) =>
    s.life?.gdev === GDEV_SECOND && feDevOf(s.life) === XenbusStateConnected && s.life.be === XenbusStateConnected &&
    (s.front.issued < p.requests || s.front.rsp_cons !== s.front.req_prod_pvt || s.back.reqs.length > 0);
  const m = deriveModel(crashFix as M, {
    name: 'blkif-crash-new-device-waiting', description: 'stops at the new device connected with a request to answer',
    invariants: [{ name: 'not_waiting', description: 'the new device connected, a request to answer', see: 'model/blkif.ts crashEnd', holds: (s: BlkifState, p: BlkifParams) => !waiting(s, p) }],
  }) as M;
  for (const bus of ['6.12', '7.0']) {
    const p = paramsOf(m, { crash: 'true', restart: 'true', bus });
    const r = check(systemOf(m, p, ['not_waiting']), { checkDeadlock: false });
    assert.ok(r.violation, `${bus}: the new device connects with a request to answer`);
    const end = r.violation!.trace[r.violation!.trace.length - 1]!.state as BlkifState;
    assert.ok(waiting(end, p));
    assert.not.ok(blkif.isValidEnd!(end, p), `${bus}: not a valid end`);
    assert.not.ok((crashFix as M).isValidEnd!(end, p), `${bus}: nor in the fix example`);
  }
});

test('blkif-removal-hostile-backend-taken: removal=libxl beside a hostile end, either end, is refused; with both ends honest it is taken', () => {
  for (const end of [{ frontend: 'hostile' }, { backend: 'hostile' }] as Record<string, string>[]) {
    const r = resolveParams(blkif.params, { removal: 'libxl', ...end });
    assert.ok(E.isLeft(r), JSON.stringify(end));
  }
  assert.ok(E.isRight(resolveParams(blkif.params, { removal: 'libxl' })));
});

test.run();
