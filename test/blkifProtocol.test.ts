/**
 * blkif at `-p protocol=x86_32` (session 32; docs/models/blkif.md "The x86_32 copy"): blkback copies a request field
 * by field (blkif_get_x86_32_req), each of `operation` and `nr_segments` read once, and the model's direct slots carry
 * nr_segments, which a hostile guest writes and dispatch_rw_block_io checks (0 unless a flush or barrier, above
 * BLKIF_MAX_SEGMENTS_PER_REQUEST: BLKIF_RSP_ERROR). examples/blkif-nseg-double-fetch.ts puts back QEMU's pre-XSA-155
 * double fetch of nr_segments (B_copy_within_request), examples/blkif-xsa155-operation.ts Linux blkback's of `operation`
 * (B_copy_matches_operation). Each test can fail: the counts and trace lengths are computed,
 * and the mutants of test/mutants/model-blkif.json (blkif-direct-nseg-*) break what they check.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  blkif, xenBlkbkMap, BLKIF_OP_FLUSH_DISKCACHE, BLKIF_OP_READ, BLKIF_OP_RESERVED_1, BLKIF_RSP_ERROR, BLKIF_RSP_OKAY, NSEG_ABOVE_MAX, NSEG_OK, NSEG_ZERO, SLOT_REQUEST, SLOT_RESPONSE,
  type BlkifState,
} from '../model/blkif.js';
import { deriveModel } from '../model/core.js';
import { paramsOf } from './support/models.js';
import { ALL, M, run } from './support/blkifRun.js';
import nsegDoubleFetch from '../examples/blkif-nseg-double-fetch.js';
import operationTwice from '../examples/blkif-xsa155-operation.js';

/** The examples' bounds (withDefaults in each). */
const SMALL = { protocol: 'x86_32', ringSize: 2, requests: 3, pages: 2, maxPgrants: 1 };
const HOSTILE = { ...SMALL, frontend: 'hostile' };

test('the double fetch of nr_segments on a direct request (QEMU\'s shape, XSA-155) is found: the guest writes 12..255 between the compare and the count, the copy passes seg[BLKIF_MAX_SEGMENTS_PER_REQUEST]; an honest guest never meets it', () => {
  const { r } = run(M(nsegDoubleFetch), { frontend: 'hostile' }, ALL, false, { steps: 4 });
  assert.is(r.violation?.property, 'B_copy_within_request');
  const tr = r.violation!.trace.slice(1);
  assert.equal(tr.map((x) => x.rule), ['blkif_queue_rw_req', '__do_block_io_op', 'hostile_frontend_write', 'blkif_get_x86_32_req_count']);
  assert.is((tr[2]!.state as BlkifState).ring[0]!.nseg, NSEG_ABOVE_MAX, 'the guest\'s write: nr_segments above 11');
  assert.is((tr[1]!.state as BlkifState).back.reqs[0]!.nseg, NSEG_OK, 'the first read, which the checks see');
  const honest = run(M(nsegDoubleFetch), { requests: 2 }, ALL, true);
  assert.is(honest.r.outcome, 'ok', honest.r.violation?.property);
});

test('blkback\'s XSA-155 double fetch of operation is found: dispatched as the first read (a read), its fields copied for the second (an operation blkback does not serve: id alone); an honest guest never meets it', () => {
  const { r } = run(M(operationTwice), { frontend: 'hostile' }, ALL, false, { steps: 4 });
  assert.is(r.violation?.property, 'B_copy_matches_operation');
  const tr = r.violation!.trace.slice(1);
  assert.equal(tr.map((x) => x.rule), ['blkif_queue_rw_req', '__do_block_io_op', 'hostile_frontend_write', 'blkif_get_x86_32_req_switch']);
  const last = tr[3]!.state as BlkifState;
  assert.is(last.back.reqs[0]!.operation, BLKIF_OP_READ, 'dispatched as the first read');
  assert.is(last.ring[0]!.operation, BLKIF_OP_RESERVED_1, 'the switch read another arm\'s operation');
  const honest = run(M(operationTwice), { requests: 2 }, ALL, true);
  assert.is(honest.r.outcome, 'ok', honest.r.violation?.property);
});

test('protocol=x86_32 against a hostile guest: every blkback property verifies; nr_segments 0 on a read and above 11 are answered BLKIF_RSP_ERROR; a blkback without the check is found (B_nseg_checked)', () => {
  const { r, all } = run(blkif, HOSTILE);
  assert.is(r.outcome, 'ok', r.violation?.property);
  const failed = (nseg: number) => all.some((s) => s.back.reqs.some((x) => x.operation === BLKIF_OP_READ && x.stage === 1 && x.nseg === nseg && x.status === BLKIF_RSP_ERROR));
  assert.ok(failed(NSEG_ZERO), 'nr_segments 0 refused');
  assert.ok(failed(NSEG_ABOVE_MAX), 'nr_segments above BLKIF_MAX_SEGMENTS_PER_REQUEST refused');
  // the check skipped (dispatch_rw_block_io reading every copy as 1..11 segments): B_nseg_checked
  const unchecked = deriveModel(blkif, {
    name: 'blkif-direct-nseg-unchecked', description: 'blkback without dispatch_rw_block_io\'s nr_segments check on a direct request',
    replace: { xen_blkbk_map: { ...xenBlkbkMap, then: (d, s, p, a) => xenBlkbkMap.then(d, { ...s, back: { ...s.back, reqs: s.back.reqs.map((x) => ({ ...x, nseg: NSEG_OK })) } }, p, a) } },
  });
  const bad = run(unchecked, HOSTILE, ALL, false);
  assert.is(bad.r.violation?.property, 'B_nseg_checked');
});

test('protocol=x86_32 with an honest guest: the slot carries nr_segments only at x86_32; reads go with 1..11 segments, flushes with 0 and are answered BLKIF_RSP_OKAY; the same states as native', () => {
  assert.not.ok('nseg' in blkif.init(paramsOf(blkif, {}))[0]!.ring[0]!, 'native: no nr_segments in the slot');
  assert.ok('nseg' in blkif.init(paramsOf(blkif, { protocol: 'x86_32' }))[0]!.ring[0]!, 'x86_32: nr_segments in the slot');
  const o = { ops: 'rw+flush', requests: 3, ringSize: 2 };
  const x86 = run(blkif, { ...o, protocol: 'x86_32' });
  assert.is(x86.r.outcome, 'ok', x86.r.violation?.property);
  const req = (s: BlkifState) => s.ring.filter((x) => x.kind === SLOT_REQUEST);
  assert.ok(x86.all.some((s) => req(s).some((x) => x.operation === BLKIF_OP_FLUSH_DISKCACHE)), 'a flush sent');
  assert.ok(x86.all.every((s) => req(s).every((x) => x.nseg === (x.operation === BLKIF_OP_FLUSH_DISKCACHE ? NSEG_ZERO : NSEG_OK))), 'flushes with 0 segments, reads with theirs');
  assert.ok(x86.all.some((s) => s.ring.some((x) => x.kind === SLOT_RESPONSE && x.operation === BLKIF_OP_FLUSH_DISKCACHE && x.status === BLKIF_RSP_OKAY)), 'a flush of 0 segments answered OKAY');
  const native = run(blkif, o);
  assert.is(x86.r.distinctStates, native.r.distinctStates, 'an honest guest: nr_segments adds no state');
});

test.run();
