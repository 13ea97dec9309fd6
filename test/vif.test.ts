/**
 * The composed vif (model/vif.ts): the built-in verifies with its goal at the
 * defaults and at larger bounds; the cross-layer situations its properties are
 * about are reached (a slot page held by the deferred list while netback still
 * maps it after the frontend closed; the credit timer pending when the
 * frontend closes); each variant in examples/vif-*.ts is found with its
 * property, shortest, replays, and the built-in verifies at the same
 * parameters.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Model } from '../model/core.js';
import { paramsOf, replays, runModel } from './support/models.js';
import { PAGE_DEFERRED, XenbusStateClosed, XenbusStateConnected, XenbusStateClosing, vif, type VifParams, type VifState } from '../model/vif.js';
import freeMapped from '../examples/vif-free-mapped-slot-page.js';
import timerNotDeleted from '../examples/vif-credit-timer-not-deleted.js';

type M = Model<VifState, VifParams>;

test('vif verifies at its defaults and at larger bounds, goal included, every rule fired', () => {
  const bounds: Record<string, string>[] = [{}, { connects: '3', packets: '3', creditBytes: '2', creditUsec: '2' }];
  for (const ov of bounds) {
    const r = runModel(vif, paramsOf(vif, ov));
    assert.is(r.outcome, 'ok', `${JSON.stringify(ov)}: ${r.violation?.property}`);
    assert.equal(r.neverFired, []);
  }
});

test('vif reaches the cross-layer situations its properties are about', () => {
  const seen = { deferredMapped: false, closedWhileBackendDisconnecting: false, rateLimitedAtClose: false, reconnectedDeferred: false };
  runModel(vif, paramsOf(vif, {}), {
    onState: (s: VifState) => {
      if (s.fe === XenbusStateClosed && s.p_slot === PAGE_DEFERRED && s.m_slot === 1) seen.deferredMapped = true;
      if (s.fe === XenbusStateClosed && s.be === XenbusStateConnected && s.bdis === 1) seen.closedWhileBackendDisconnecting = true;
      if (s.fe === XenbusStateClosing && s.tmr === 1 && s.be === XenbusStateConnected) seen.rateLimitedAtClose = true;
      if (s.gen === 1 && s.p_ring === PAGE_DEFERRED) seen.reconnectedDeferred = true;
    },
  });
  assert.equal(seen, { deferredMapped: true, closedWhileBackendDisconnecting: true, rateLimitedAtClose: true, reconnectedDeferred: true });
});

function variantCase(name: string, variant: M, property: string, steps: number): void {
  test(`${name}: found (${property}) in ${steps} steps, shortest, replays; the built-in verifies`, () => {
    const p = paramsOf(variant, {});
    const r = runModel(variant, p);
    assert.is(r.violation?.property, property);
    assert.is(r.violation!.trace.length - 1, steps);
    assert.ok(replays(variant, p, r));
    assert.is(runModel(variant, p, steps - 1).violation, undefined, 'shortest');
    // at the variant's own parameters (an example pins its bounds; the built-in's defaults may be larger)
    assert.is(runModel(vif, p).outcome, 'ok');
  });
}
variantCase('netfront frees a mapped slot page at teardown (XSA-396, CVE-2022-23037)', freeMapped, 'V_page_not_reused_while_mapped', 7);
variantCase('xenvif_down without del_timer_sync(credit_timeout)', timerNotDeleted, 'V_credit_timer_only_while_connected', 14);

test.run();
