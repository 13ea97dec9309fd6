/**
 * What the default bounds raised on 2026-12-06 (issue 11 point 5,
 * docs/perf/2026-12-06h-defaults.md) newly reach, each in the space
 * `npm start` explores: a behaviour the old defaults could not reach, seen
 * in some reachable state. A default lowered again (or a row of check-all
 * dropped) fails here, naming what is no longer covered.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { xenbus, XenbusStateConnected, type XenbusModelState } from '../model/xenbus.js';
import { paramsOf, runModel } from './support/models.js';

test('xenbus, check-all\'s unplug=0 row: a third netfront instance connects after two closes and two rebinds (close, rebind, close, rebind), every check passing', () => {
  let third = false;
  const p = paramsOf(xenbus, { unplug: 0 });
  const r = runModel(xenbus, p, {
    onState: (s: XenbusModelState) => {
      if (p.reconnect - s.left.reconnect >= 2 && p.guestClose - s.left.guestClose >= 2 && s.fe.inst && s.fe.dev === XenbusStateConnected) third = true;
    },
  });
  assert.is(r.outcome, 'ok', r.violation?.property);
  assert.ok(third, 'no state where the third netfront instance is Connected');
});

test.run();
