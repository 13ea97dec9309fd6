/**
 * The bus watches of the xenbus model (docs/models/xenbus.md "Bus watches"):
 * netback_probe, netback_remove, netfront_probe and the frontend's removal
 * are xenwatch events of their domain, run one at a time in FIFO order with
 * the otherend events; xennet_create_dev's wait blocks the guest's xenwatch
 * thread during a probe from the bus. Checked over every reachable state at
 * small bounds, with the rules' own guards.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Model } from '../model/core.js';
import { xenbus, W_FE_BUS_RM, W_BE_BUS_RM, GUEST, DRIVER_DOMAIN, FE, BE, type XenbusModelState } from '../model/xenbus.js';
import { xsExists } from '../model/xenstore.js';
import { paramsOf, runModel } from './support/models.js';

type S = XenbusModelState;
const m = xenbus as unknown as Model<S, any>;
const rule = (name: string) => {
  const r = m.rules.find((x) => x.name === name);
  if (!r) throw new Error(`no rule ${name}`);
  return r;
};
const enabled = (name: string, s: S, p: any): boolean => {
  const r = rule(name);
  if (r.applies && !r.applies(p)) return false;
  if (r.choices) return r.choices(s, p).length > 0;
  return r.when ? r.when(s, p, undefined) : true;
};
const states = (ov: Record<string, string | number | boolean>): { p: any; all: S[] } => {
  const p = paramsOf(m, ov);
  const all: S[] = [];
  const r = runModel(m, p, { onState: (s) => void all.push(s as S) });
  assert.is(r.outcome, 'ok');
  return { p, all };
};

const GUEST_XENWATCH = ['netfront_probe', 'netback_changed', 'xenbus_dev_changed(frontend removed)', 'xenbus_dev_changed(frontend: nothing to do)'];

test('a removal event waits for the events queued before it (FIFO): netback_remove and the frontend removal run only at the head of their queue', () => {
  const { p, all } = states({ events: 1, migrate: 0 });
  let guestWaited = 0, backendWaited = 0;
  for (const s of all) {
    const gq = s.xs.events[GUEST] ?? [];
    if (gq.includes(W_FE_BUS_RM) && gq[0] !== W_FE_BUS_RM && !xsExists(s.xs, FE) && s.fe.bus) {
      guestWaited++;
      assert.not.ok(enabled('xenbus_dev_changed(frontend removed)', s, p), 'the frontend removal overtook a queued event');
    }
    const bq = s.xs.events[DRIVER_DOMAIN] ?? [];
    if (bq.includes(W_BE_BUS_RM) && bq[0] !== W_BE_BUS_RM && !xsExists(s.xs, BE) && s.be.inst) {
      backendWaited++;
      assert.not.ok(enabled('netback_remove', s, p), 'netback_remove overtook a queued event');
    }
  }
  assert.ok(guestWaited > 0, 'some frontend removal waits behind another event');
  assert.ok(backendWaited > 0, 'some netback_remove waits behind another event');
});

test('xennet_create_dev waits while the backend is Closed or Unknown; a probe from the bus holds the guest\'s xenwatch thread meanwhile', () => {
  const { p, all } = states({ events: 2, migrate: 0, unplug: 0 });
  const waiting = all.filter((s) => s.fe.probe !== 'none');
  assert.ok(waiting.length > 0, 'a probe waits in xennet_create_dev');
  for (const s of waiting) {
    assert.not.ok(s.fe.inst, 'no driver instance before probe returns');
    if (s.fe.probe === 'xenwatch') for (const r of GUEST_XENWATCH) assert.not.ok(enabled(r, s, p), `${r} ran while xenwatch waits in probe`);
  }
  // the wait ends only once the backend reads neither Closed (6) nor Unknown (0)
  for (const s of waiting) {
    const be = Number(s.xs.nodes[`${BE}/state`] ?? 0);
    assert.is(enabled('xennet_create_dev(XENNET_TIMEOUT)', s, p), be !== 6 && be !== 0);
  }
});

test.run();
