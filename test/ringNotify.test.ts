import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { ringNotify } from '../model/ringNotify.js';
import { bind } from '../properties/bind.js';
import { check } from '../checker/explore.js';

test('ring-notify 2x4: per-rule edge counts of ring-spec.md §11', () => {
  const sys = bind(ringNotify, { ringSize: 2, messages: 4 });
  assert.ok(E.isRight(sys));
  const r = check((sys as E.Right<any>).right);
  const got = Object.fromEntries(r.coverage.map((c) => [c.rule, c.fired]));
  assert.equal(got, { F1: 194, F2: 162, F3: 162, F4: 125, F5: 236, F6: 145, F7: 428, F8: 515, F9: 747, F10: 214, F11: 114, F12: 201, F13: 202,
    B1: 288, B2: 491, B3: 288, B4: 288, B5: 264, B6: 322, B7: 440, B8: 630, B9: 84, B10: 214, B11: 147 });
});

test.run();
