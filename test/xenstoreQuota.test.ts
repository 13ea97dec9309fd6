/**
 * model/xenstore.ts xsOwnedWithin: the two quota counts of invariant X17 in
 * one walk of the nodes. Its answer must be that of the two walks it replaces,
 * `xsEntriesOf(...) <= maxEntries && xsLargestNodeOf(...) <= maxSize`, at
 * and around the bounds where the answer changes: on random stores (nodes of
 * several owners, values of several sizes, perms set with XS_SET_PERMS on some
 * nodes, giving or taking ownership) and on the states xenbus reaches with a
 * hostile frontend (which sets perms and floods its directory).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { runs } from './support/fc.js';
import { check } from '../checker/search.js';
import { xsBlob, xsEntriesOf, xsLargestNodeOf, xsOwnedWithin, type Xenstore, type XsPermTable } from '../model/xenstore.js';
import { xenbusPolicy } from '../model/xenbus.js';
import { boundShaped, paramsOf } from './support/models.js';
import { findModel } from '../model/registry.js';

/** Both answers at the bounds around the store's counts (equal, one less, one more, zero). */
function agree(xs: Xenstore, table: XsPermTable, dom: string): number {
  const n = xsEntriesOf(xs, table, dom), big = xsLargestNodeOf(xs, table, dom);
  let no = 0;
  for (const e of [0, n - 1, n, n + 1])
    for (const z of [0, big - 1, big, big + 1]) {
      const want = n <= e && big <= z;
      assert.is(xsOwnedWithin(xs, table, dom, e, z), want, `entries ${n} <= ${e}, largest ${big} <= ${z}`);
      if (!want) no++;
    }
  return no;
}

const TABLE: XsPermTable = [
  ['g', { owner: 'g', others: 'n', acl: { b: 'r' } }],
  ['g/ro', { owner: 'dom0', others: 'n', acl: { g: 'r' } }],
  ['b', { owner: 'b', others: 'n', acl: { g: 'r' } }],
];
const PATHS = ['g/state', 'g/a', 'g/b/c', 'g/ro/x', 'g/ro/y', 'b/state', 'b/z', 'other/n'];
const VALUES = ['1', '4', 'connected', xsBlob(100), xsBlob(4000)];
const PERMS = ['ng', 'ng,rb', 'nb', 'rdom0,wg'];

test('xsOwnedWithin = xsEntriesOf <= maxEntries && xsLargestNodeOf <= maxSize, on random stores', () => {
  let no = 0;
  fc.assert(
    fc.property(
      fc.dictionary(fc.constantFrom(...PATHS), fc.constantFrom(...VALUES)),
      fc.option(fc.dictionary(fc.constantFrom(...PATHS), fc.constantFrom(...PERMS)), { nil: undefined }),
      fc.constantFrom('g', 'b', 'dom0'),
      (nodes, perms, dom) => {
        const xs: Xenstore = { nodes, watches: [], events: {}, txns: {}, ...(perms ? { perms } : {}) };
        no += agree(xs, TABLE, dom);
      },
    ),
    { numRuns: runs(500) },
  );
  assert.ok(no > 1000, `answers false: ${no}`);
});

test('xsOwnedWithin = the two counts on the states of xenbus with a hostile frontend (X17\'s question)', () => {
  const params = { frontend: 'hostile' };
  const { sys } = boundShaped('xenbus', params);
  const pol = xenbusPolicy(paramsOf(findModel('xenbus')!, params) as never);
  let states = 0, withPerms = 0;
  check(sys, {
    maxStates: 5000, // (the search stops at a finding of the hostile frontend, F6, after about 1,450 states)
    onState: (s: { xs: Xenstore }) => {
      states++;
      if (s.xs.perms !== undefined) withPerms++;
      agree(s.xs, pol.perms, 'guest');
    },
  });
  assert.ok(states > 1000 && withPerms > 100, `${states} states, ${withPerms} with perms set`);
});

test.run();
