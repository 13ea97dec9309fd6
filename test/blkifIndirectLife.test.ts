/**
 * blkif's indirect requests through the device's lifecycle (`-p indirectOp=true` with `migrate`, `removal`, `unbind`,
 * `crash`; session 31; docs/models/blkif.md "Indirect requests at a migration"). At a migration blkfront_resume sets
 * an indirect request's bios aside and blkif_free_ring ends its grants and indirect grants; blkif_recover reads the
 * destination's feature-max-indirect-segments again, so the requests go out indirect again where it is written and
 * direct where it is not (destIndirect=no), which F_sends_only_advertised checks. Removal, unbind and crash take the
 * indirect page as a data page (blkback unmaps it before the I/O; its persistent grant is in the tree). Each test can
 * fail: the counts are computed, and the mutants of test/mutants/model-blkif.json (blkif-indirect-after-migration-kept,
 * blkif-sends-indirect-unadvertised-vacuous) break what the first test checks.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { blkif, blkifQueueRequest, BLKIF_OP_INDIRECT, BLKIF_OP_READ, MIGRATE_DONE, MIGRATE_NONE, SLOT_REQUEST, type BlkifState } from '../model/blkif.js';
import { deriveModel } from '../model/core.js';
import { ALL, M, run } from './support/blkifRun.js';
import noIndirectFix from '../examples/blkif-no-indirect-after-migration-fix.js';

/** The examples' bounds. */
const SMALL = { indirectOp: true, migrate: true, ringSize: 2, requests: 3, pages: 2 };
const slots = (s: BlkifState, op: number) => s.ring.some((x) => x.kind === SLOT_REQUEST && x.operation === op);

test('indirectOp with migrate to a destination without feature-max-indirect-segments (destIndirect=no): blkfront sends direct requests after blkif_recover (the finding\'s BUG_ON fixed), a blkfront that kept the source\'s max_indirect_segments breaks F_sends_only_advertised, and a request blk-mq held built for 32 segments still reaches the BUG_ON (blkif-no-indirect-after-migration)', () => {
  // a blkfront that kept the source's max_indirect_segments (blkif_recover without blkfront_gather_backend_features)
  const stale = deriveModel(blkif, {
    name: 'blkif-recover-keeps-indirect', description: 'blkfront sending indirect requests after a migration as at the source',
    replace: { blkif_queue_rw_req: { ...blkifQueueRequest, then: (d, s, p, a) => blkifQueueRequest.then(d, s.life === undefined ? s : { ...s, life: { ...s.life, migrated: MIGRATE_NONE } }, p, a) } },
  });
  const kept = run(stale, { ...SMALL, destIndirect: 'no' }, ALL.filter((x) => x !== 'F_fits_without_indirect'), false);
  assert.is(kept.r.violation?.property, 'F_sends_only_advertised');
  const no = run(M(noIndirectFix), { indirectOp: true, migrate: true, destIndirect: 'no' });
  assert.is(no.r.outcome, 'ok', no.r.violation?.property);
  assert.ok(no.all.some((s) => s.life!.migrated === MIGRATE_NONE && slots(s, BLKIF_OP_INDIRECT)), 'indirect at the source');
  assert.ok(no.all.some((s) => s.life!.migrated === MIGRATE_DONE && slots(s, BLKIF_OP_READ)), 'direct at the destination');
  assert.ok(no.all.every((s) => s.life!.migrated === MIGRATE_NONE || !slots(s, BLKIF_OP_INDIRECT)), 'never indirect past the migration');
  // the built-in: the finding, with indirect requests
  const bug = run(blkif, { ...SMALL, destIndirect: 'no' }, ALL, false);
  assert.is(bug.r.violation?.property, 'F_fits_without_indirect');
});

test('indirectOp with migrate to a destination that writes feature-max-indirect-segments: the requests outstanding set aside and issued again, indirect, every property and valid end verify', () => {
  for (const destIndirect of ['same', 'yes']) {
    const { r, all } = run(blkif, { indirectOp: true, migrate: true, requests: 3, destIndirect });
    assert.is(r.outcome, 'ok', `${destIndirect}: ${r.violation?.property}`);
    assert.ok(all.some((s) => s.life!.aside! > 0), `${destIndirect}: a request outstanding at the migration, its bios set aside`);
    assert.ok(all.some((s) => s.life!.migrated === MIGRATE_DONE && slots(s, BLKIF_OP_INDIRECT)), `${destIndirect}: indirect at the destination`);
  }
});

test('indirectOp with removal, unbind and crash: every property holds (the findings\' deadlocks left out), with indirect requests on each path', () => {
  const cases: [Record<string, string | boolean>, (s: BlkifState) => boolean, string][] = [
    [{ removal: 'libxl' }, (s) => s.life!.freed && s.front.shadow.some((x) => x.waiting), 'blkback freed with a request outstanding at blkfront'],
    [{ unbind: true }, (s) => s.life!.stale === true && s.back.pgnts.length > 0, 'rebound with the old persistent tree'],
    [{ crash: 'destroy', restart: true }, (s) => s.life!.dd === 'dead' && s.front.shadow.some((x) => x.waiting && x.pages!.length === 2), 'a crash with an indirect request outstanding'],
  ];
  for (const [o, seen, what] of cases) {
    const { r, all } = run(blkif, { indirectOp: true, requests: 3, ...o }, ALL, false);
    assert.is(r.outcome, 'ok', `${JSON.stringify(o)}: ${r.violation?.property}`);
    assert.ok(all.some((s) => slots(s, BLKIF_OP_INDIRECT)), `${JSON.stringify(o)}: indirect requests`);
    assert.ok(all.some(seen), `${JSON.stringify(o)}: ${what}`);
  }
});

test.run();
