/**
 * docs/models/grant.md "Writing a variant that relaxes a guard": six rules' `choices` leave out every choice
 * where their guard's first test refuses them all, and a variant that relaxes such a guard takes the full list
 * from the exported functions (grantChoices, rogueMapChoices, rogueUnmapChoices, copyChoices,
 * granterWriteChoices, UNMAP_MAP). This checks what that page says: each exported list is the rule's own list
 * where the first test passes, and the rule gives none where it refuses.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { produce } from 'immer';
import { resolveParams } from '../model/params.js';
import {
  grant, grantInit, grantChoices, rogueMapChoices, rogueUnmapChoices, copyChoices, granterWriteChoices, UNMAP_MAP,
  feGrant, rogueMap, rogueUnmap, copyBeginRule, rogueGranterWrite, rogueGranterStatusFrames, CONN_CLOSED,
  type GrantParams, type GrantState,
} from '../model/grant.js';

const params = (ov: Record<string, string> = {}): GrantParams => {
  const p = resolveParams(grant.params, ov);
  if (E.isLeft(p)) throw new Error(p.left);
  return p.right;
};

test('copy_begin: the exported list with no copy in progress, none with `copies` in progress', () => {
  const p = params();
  const s = grantInit(p);
  const rule = copyBeginRule();
  assert.equal(rule.choices!(s, p), copyChoices(p));
  assert.ok(copyChoices(p).length > 0);
  const busy = produce(s, (d) => { d.cp.push({ by: 0, w: 0, offset: 0, len: 1, hops: 0, pins: [], frame: -1, pf: -1 }); });
  assert.equal(rule.choices!(busy, p), []);
});

test('the frontend grant: the exported list when connected with a free page, none when not connected', () => {
  const p = params();
  const s = grantInit(p);
  const rule = feGrant(true);
  assert.equal(rule.choices!(s, p), grantChoices(p));
  assert.ok(grantChoices(p).length > 0);
  assert.equal(rule.choices!(produce(s, (d) => { d.conn = CONN_CLOSED; }), p), []);
});

test('the hostile map: the exported list with a free maptrack handle, none without', () => {
  const p = params();
  const s = grantInit(p);
  assert.equal(rogueMap.choices!(s, p), rogueMapChoices(p));
  const full = produce(s, (d) => { for (let h = 0; h < d.mt.length; h++) d.mt[h] ??= { dom: 1, ref: 1, flags: 2, frame: 1, drv: 0 }; });
  assert.equal(rogueMap.choices!(full, p), []);
});

test('the hostile unmap: none without a mapping of its own; the exported list once it holds one', () => {
  const p = params();
  const s: GrantState = grantInit(p);
  assert.equal(rogueUnmap.choices!(s, p), []);
  const mapped = produce(s, (d) => { d.mt[1] = { dom: 1, ref: 1, flags: 2, frame: 1, drv: 0 }; });
  assert.equal(rogueUnmap.choices!(mapped, p), rogueUnmapChoices(p));
});

test('the hostile granter: the exported lists with granter=hostile, none with an honest granter', () => {
  const honest = params();
  const hostile = params({ granter: 'hostile' });
  assert.equal(rogueGranterWrite.choices!(grantInit(honest), honest), []);
  assert.equal(rogueGranterStatusFrames.choices!(grantInit(honest), honest), []);
  assert.equal(rogueGranterWrite.choices!(grantInit(hostile), hostile), granterWriteChoices(hostile));
  assert.equal(rogueGranterStatusFrames.choices!(grantInit(hostile), hostile), UNMAP_MAP);
});

test.run();
