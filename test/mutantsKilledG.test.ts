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
 * - nc2-padfix-unclamped, nc2-padfix-stray-pad-not-invalid
 *   (examples/nc2-pad-offset-fix.ts, nc2 daf5776): test/nc2Fixes checks the fix
 *   at F3's row (messages=0), where F1's clamp has nothing to clamp and a stray
 *   pad left alone only stops a consumer a hostile backend owes nothing. Here
 *   F1's row (the frontend sending) verifies H3 with the fix, and at F3's row
 *   the first state with a pad at cons_pvt that no honest producer writes has
 *   the fix's invalid branch enabled (the channel stops) and its pad branch not.
 * - xs-data-len-memo-stale (model/xenstore.ts xsDataLen, nested e6805a0): the
 *   memo read inverted returns undefined for every value, and X17's size
 *   checks hold vacuously (test/xenstoreQuota passes; test/xenbus's xenstore
 *   case kills it in 6 s): the lengths, each asked twice (once from the memo).
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
import padOffsetFix, { padAsSent } from '../examples/nc2-pad-offset-fix.js';
import { headerAt, type Nc2Params } from '../model/nc2.js';
import { xsBlob, xsDataLen } from '../model/xenstore.js';

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
    const p = paramsOf(m, { crash: 'destroy', restart: 'true', bus });
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

test('nc2-padfix-*: F3\'s fix keeps F1\'s clamp (H3 at F1\'s row) and stops the channel on a pad no honest producer writes', () => {
  type NM = Model<Nc2State, Nc2Params>;
  const fix = padOffsetFix as unknown as NM;
  const h = paramsOf(fix, { backend: 'hostile' });
  assert.is(check(systemOf(fix, h, ['H3_no_BUG_ON']), {}).outcome, 'ok', 'F1\'s row: no BUG_ON with the fix');
  const base = nc2.rules.find((r) => r.name === 'nc2_get_message.pad.frontend')!;
  const stray = (s: Nc2State, p: Nc2Params) => base.when!(s, p, undefined as never) && !padAsSent(s.cons[1]!.cons_pvt, headerAt(s, 1, s.cons[1]!.cons_pvt, p).size, p);
  const m = deriveModel(fix, {
    name: 'nc2-pad-fix-stray', description: 'stops at a pad no honest producer writes', add: [],
    invariants: [{ name: 'no_stray_pad', description: 'no stray pad at cons_pvt', see: 'examples/nc2-pad-offset-fix.ts', holds: (s: Nc2State, p: Nc2Params) => !stray(s, p) }],
  }) as NM;
  const p = paramsOf(m, { backend: 'hostile', directions: '2', messages: '0' });
  const r = check(systemOf(m, p, ['no_stray_pad']), { checkDeadlock: false });
  assert.ok(r.violation, 'a hostile backend writes a stray pad');
  const s = r.violation!.trace[r.violation!.trace.length - 1]!.state as Nc2State;
  const on = (name: string) => fix.rules.find((x) => x.name === name)!.when!(s, p, undefined as never);
  assert.ok(on('nc2_get_message.invalid.frontend'), 'the fix refuses it: the channel stops');
  assert.not.ok(on('nc2_get_message.pad.frontend'), 'and does not take it');
});

test('xs-data-len-memo-stale: xsDataLen measures a string or a blob, the first time and from its memo', () => {
  for (let round = 0; round < 2; round++) {
    assert.is(xsDataLen('pvcheck-memo-probe'), 18);
    assert.is(xsDataLen(xsBlob(2049)), 2049);
    assert.is(xsDataLen(''), 0);
  }
});

test.run();
