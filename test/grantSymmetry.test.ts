/**
 * Symmetry reduction of the grant model (model/grantSymmetry.ts): the
 * canonical form is idempotent, the same for every renaming of a state's
 * interchangeable identifiers, keeps every invariant's verdict, and reduced and
 * unreduced searches agree on every verdict (outcome, property, shortest trace
 * length) for the model and its variants.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import type { Model } from '../model/core.js';
import { resolveParams } from '../model/params.js';
import { bind } from '../properties/bind.js';
import { check } from '../checker/explore.js';
import { firstUseRelabeling, permutations } from '../model/grantSymmetry.js';
import { grant, grantCanonicalize, renameGrantState, type GrantParams, type GrantState } from '../model/grant.js';
import { shapeCodec } from '../checker/codec.js';
import { Symmetry, objectCanonicalizer } from '../checker/symmetry.js';
import xsa396 from '../examples/grant-xsa396.js';
import cve23041 from '../examples/grant-cve-2022-23041.js';
import xsa367 from '../examples/grant-xsa367.js';
import xsa403 from '../examples/grant-xsa403.js';
import stickyEarly from '../examples/grant-sticky-early-reuse.js';
import { writtenAt } from './support/bounds.js';

type M = Model<GrantState, GrantParams>;
const params = (m: M, ov: Record<string, string>): GrantParams => {
  const p = resolveParams(m.params, writtenAt(m.name, ov));
  if (E.isLeft(p)) throw new Error(p.left);
  return p.right;
};
const unreduced = (m: M): M => {
  const { canonicalize: _c, ...rest } = m;
  // No symmetry at all: neither the model's canonicalize nor its shape's scalarsets.
  const shape = m.shape;
  return shape ? { ...rest, shape: (p: GrantParams) => ({ state: shape(p).state }) } : rest;
};
const search = (m: M, p: GrantParams, onState?: (s: GrantState) => void, invariants?: string[]) => {
  const sys = bind(m, p, invariants ? { invariants } : {});
  if (E.isLeft(sys)) throw new Error(sys.left);
  return check(sys.right, onState ? { onState } : {});
};

test('permutations and first-use relabeling', () => {
  assert.equal(permutations(3).length, 6);
  assert.equal(permutations(3)[0], [0, 1, 2]);
  assert.equal(new Set(permutations(3).map((x) => x.join())).size, 6);
  // labels 0..3, 0 fixed; uses meet 3 then 1; 2 is unused
  assert.equal(firstUseRelabeling(4, [-1, 3, 1, 3], () => '', [0]), [0, 2, 3, 1]);
  // unused ones ordered by their key, then label
  assert.equal(firstUseRelabeling(3, [], (i) => ['b', 'a', 'a'][i]!), [2, 0, 1]);
});

test('canonical form: idempotent, equal across renamings, invariant verdicts kept (refs=2, pages=2, honest: every reachable state)', () => {
  const p = params(grant, { refs: '2', pages: '2', grantee: 'honest' });
  const states: GrantState[] = [];
  search(unreduced(grant), p, (s) => states.push(s));
  assert.ok(states.length > 1000, `${states.length} states`);
  let swapped = 0;
  for (const s of states) {
    const c = grantCanonicalize(s, p);
    assert.equal(grantCanonicalize(c, p), c);
    const t = renameGrantState(s, [1, 0], p);
    if (JSON.stringify(t) !== JSON.stringify(s)) swapped++;
    assert.equal(grantCanonicalize(t, p), c);
    for (const inv of grant.invariants) assert.is(inv.holds(t, p), inv.holds(s, p), inv.name);
  }
  assert.ok(swapped > 0);
});

const agree = (name: string, m: M, ov: Record<string, string>): void => {
  test(`reduced and unreduced searches agree: ${name} ${JSON.stringify(ov)}`, () => {
    const p = params(m, ov);
    const a = search(m, p), b = search(unreduced(m), p);
    assert.is(a.outcome, b.outcome);
    assert.is(a.violation?.property, b.violation?.property);
    assert.is(a.violation?.trace.length, b.violation?.trace.length);
    assert.ok(a.distinctStates <= b.distinctStates);
    if (a.outcome === 'ok') assert.equal(a.neverFired, b.neverFired);
  });
};
const two = { refs: '2', pages: '2', grantee: 'honest' };
const hostileSmall = { refs: '2', pages: '2', cacheSize: '0', transitive: '0', copies: '0', subPage: 'false', handles: '2' };
agree('grant', grant, two);
agree('grant', grant, { ...two, pages: '1' });
agree('grant', grant, hostileSmall);
agree('grant', grant, { ...hostileSmall, setStatusPinned: 'checked' }); // the whole space: today's Xen stops at the finding G19
agree('xsa396', xsa396, hostileSmall);
agree('cve-2022-23041', cve23041, hostileSmall);
agree('xsa367', xsa367, { ...two, cacheSize: '0', transitive: '0' });
agree('xsa403', xsa403, two);
agree('sticky-early-reuse', stickyEarly, { ...two, cacheSize: '2', transitive: '0' });

/**
 * The packed path's symmetry (checker/symmetry.ts: generated image code on
 * words) against an independent renaming written on objects
 * (renameGrantState): the word representative is the same for every renaming
 * of a state's refs, and states that the object canonicaliser identifies get
 * the same word representative. The symmetry on words also permutes pages
 * and transitive refs, so its classes may only be coarser.
 */
const wordsAgree = (name: string, ov: Record<string, string>): void => {
  test(`symmetry on words agrees with renaming on objects: ${name} ${JSON.stringify(ov)}`, () => {
    const p = params(grant, ov);
    const sh = grant.shape!(p);
    const codec = shapeCodec<GrantState>(sh.state.piece);
    const canon = objectCanonicalizer(codec, sh.scalarsets ?? {}, sh.firstUse);
    const key = (s: GrantState): string => {
      const w = new Uint32Array(codec.words);
      codec.pack(canon(s), w);
      return w.join(',');
    };
    const states: GrantState[] = [];
    search(unreduced(grant), p, (s) => states.push(s), []); // every reachable state: no invariant stops the search (G19, a finding, would)
    assert.ok(states.length > 1000, `${states.length} states`);
    const byObject = new Map<string, string>();
    let moved = 0;
    for (const s of states) {
      const k = key(s);
      assert.is(key(canon(s)), k, 'idempotent');
      const t = renameGrantState(s, [1, 0], p);
      if (JSON.stringify(t) !== JSON.stringify(s)) moved++;
      assert.is(key(t), k, 'the same representative for the renamed state');
      const o = JSON.stringify(grantCanonicalize(s, p));
      const seen = byObject.get(o);
      if (seen === undefined) byObject.set(o, k);
      else assert.is(k, seen, 'one word representative per object class');
    }
    assert.ok(moved > 100, `${moved} states moved by the renaming`);
  });
};
wordsAgree('grant', two);
wordsAgree('grant', hostileSmall);

/**
 * The generated code of checker/symmetry.ts (images, first-use ranking, with
 * dependent relabelling inlined as tables) against its table-driven loops,
 * word for word, on the states of searches at several bounds (the first
 * 20,000 each, unreduced: every renaming of a class is met), and on their
 * images under every renaming of refs.
 */
const compiledAgrees = (name: string, ov: Record<string, string>): void => {
  test(`symmetry: generated code equals the table-driven loops: ${name} ${JSON.stringify(ov)}`, () => {
    const p = params(grant, ov);
    const sh = grant.shape!(p);
    const codec = shapeCodec<GrantState>(sh.state.piece);
    const fast = new Symmetry(codec as never, sh.scalarsets ?? {}, sh.firstUse);
    const slow = new Symmetry(codec as never, sh.scalarsets ?? {}, sh.firstUse, false);
    const w = new Uint32Array(codec.words), a = new Uint32Array(codec.words), b = new Uint32Array(codec.words);
    const states: GrantState[] = [];
    // no invariant: a violation (the finding G19 at the defaults) would stop the search before 20,000 states
    const sys = bind(unreduced(grant), p, { invariants: [] });
    if (E.isLeft(sys)) throw new Error(sys.left);
    check(sys.right, { maxStates: 20_000, onState: (s) => void states.push(s) });
    let differ = 0;
    for (const s of states)
      for (const t of p.refs >= 2 ? [s, renameGrantState(s, [1, 0], p)] : [s]) {
        codec.pack(t, w);
        fast.canonical(w, a);
        slow.canonical(w, b);
        assert.equal([...a], [...b]);
        if (a.some((x, i) => x !== w[i])) differ++;
      }
    assert.ok(differ > 1000, `${differ} states are not their own representative`);
  });
};
compiledAgrees('grant', { refs: '1', pages: '1' });
compiledAgrees('grant', { refs: '2', pages: '2' });
compiledAgrees('grant', { refs: '2', pages: '2', handles: '3', copies: '2', unmaps: '2' });
compiledAgrees('grant', { ...two, transitive: '2' });

test.run();
