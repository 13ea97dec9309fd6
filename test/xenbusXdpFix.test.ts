/**
 * The patch direction of docs/upstream/netfront-xdp-set.md
 * (examples/xenbus-xdp-set-timeout-fix.ts): netfront's `xennet_xdp_set`
 * attaches only while both ends read Connected, waits at most XENNET_TIMEOUT
 * and rolls its state back to Connected when the backend did not answer.
 * At F8's row (docs/findings.md) it verifies, each of its two parts is
 * needed (a copy without the guard, or without the roll-back, still fails
 * there with a trace that replays), and F8's own trace no longer runs on it
 * (the attach is refused where Linux's went ahead). The example's header
 * checks the rows of F2, F4 and F8 (test/shapesExamples*).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deriveModel, type Model } from '../model/core.js';
import { xenbus, beNode, switchState, XenbusStateConnected, XenbusStateReconfigured, XenbusStateReconfiguring, type XenbusModelState } from '../model/xenbus.js';
import { check } from '../checker/explore.js';
import fix from '../examples/xenbus-xdp-set-timeout-fix.js';
import { paramsOf, replays, systemOf } from './support/models.js';

const root = resolve(import.meta.dirname, '..');
// F8's row: an XDP attach while netback closes after an error
const F8 = { reconfigure: 1, events: 2, reconnect: 0, migrate: 0, guestClose: 0 };
const run = <S, P>(m: Model<S, P>) => {
  const p = paramsOf(m, F8);
  return { p, r: check(systemOf(m, p, ['deadlock', 'stuck']), {}) };
};
const rule = (m: Model<XenbusModelState, any>, name: string) => m.rules.find((x) => x.name === name)!;

test("the patch direction verifies at F8's row (deadlock and stuck)", () => {
  const { r } = run(fix);
  assert.is(r.outcome, 'ok');
});

test('without its guard (attach whatever the states, as Linux) the timed wait and roll-back leave F8 open: a violation that replays', () => {
  const m = deriveModel(fix, { name: 'fix-no-guard', description: 'the patch without its guard', replace: { xennet_xdp_set: rule(xenbus, 'xennet_xdp_set') } });
  const { p, r } = run(m);
  assert.ok(r.violation, 'found');
  assert.ok(replays(m, p, r));
});

test('without its roll-back (dev->state left Reconfiguring when it gives up) netback answers the stale Reconfiguring and both ends stay there: a violation that replays', () => {
  const timed = rule(fix, 'xennet_xdp_set(Reconfigured)');
  const m = deriveModel(fix, {
    name: 'fix-no-rollback', description: 'the patch without its roll-back',
    replace: {
      'xennet_xdp_set(Reconfigured)': {
        ...timed,
        then: (d, s, p) => {
          d.fe.wake = false;
          if (beNode(s) !== XenbusStateReconfigured) { d.fe.xdp = 'off'; return; }
          d.fe.xdp = 'on';
          switchState(d, 'fe', XenbusStateConnected, p);
        },
      },
    },
  });
  const { p, r } = run(m);
  assert.ok(r.violation, 'found');
  assert.ok(replays(m, p, r));
  const last = r.violation!.trace.at(-1)!.state as XenbusModelState;
  assert.is(last.fe.dev, XenbusStateReconfiguring, 'netfront left in Reconfiguring');
});

test("F8's trace does not run on the patch: its attach (netback's node already Closing) is refused", () => {
  const t = JSON.parse(readFileSync(join(root, 'docs/findings/xenbus-F8.trace.json'), 'utf8'));
  const steps: { rule: string; state: XenbusModelState }[] = t.steps;
  const at = steps.findIndex((x) => x.rule === 'xennet_xdp_set');
  assert.ok(at > 0, "F8's trace has the attach");
  const before = steps[at - 1]!.state;
  assert.is.not(beNode(before), XenbusStateConnected);
  const p = paramsOf(fix, F8);
  assert.not.ok(rule(fix, 'xennet_xdp_set').when!(before, p, undefined));
  assert.ok(rule(xenbus, 'xennet_xdp_set').when!(before, p, undefined));
});

test.run();
