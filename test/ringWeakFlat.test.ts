/**
 * model/ringWeakFlat.ts against model/ring.ts (the reference): at each point the
 * reachable states of the word-level model, mapped by `toNested`, are exactly
 * ring's reachable states (the sets, not only their sizes), every invariant
 * fails first at the same depth or nowhere in both, the same states are
 * deadlocks (terminal, not a valid end), and the checker (the flat path on one
 * side, the packed path on the other) reports the same outcome and count.
 * Both spaces are explored here by a plain breadth-first search over each
 * model's own rules (a deep copy for ring.ts, a shallow copy for the flat model:
 * test/support/plainBfs.ts), so that the comparison does not go through the
 * engine it is meant to check.
 * Outside its cover the flat model refuses its parameters with one line.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import type { Model } from '../model/core.js';
import { resolveParams } from '../model/params.js';
import { ring, type RingParams } from '../model/ring.js';
import { flatCover, fromNested, ringWeakFlat, toNested, type RingWeakFlatState } from '../model/ringWeakFlat.js';
import { canonicalString } from '../checker/reference/structural.js';
import { paramsOf, runModel } from './support/models.js';
import { copyStep, flatStep, hashKey, plainBfs, renamed, sameData, wordsKey, type Space } from './support/plainBfs.js';

const nestedSpace = (p: RingParams): Space => plainBfs(ring, p, copyStep, hashKey);
/** The flat model's states keyed by their words in the search, then named by ring's key through `toNested` (once a state). */
const flatSpace = (p: RingParams): Space =>
  renamed(plainBfs(ringWeakFlat, p, flatStep, wordsKey), (s: RingWeakFlatState) => hashKey(toNested(s, p)));

/**
 * Small points explored here, independently of the engine: ring sizes 1 and 2, 1..3 messages, honest and
 * hostile frontends, 0 and 1 hostile writes.
 */
const BFS_POINTS: readonly Record<string, string>[] = [
  { memory: 'weak', frontend: 'honest', ringSize: '1', messages: '2' },
  { memory: 'weak', frontend: 'hostile', ringSize: '2', messages: '2', hostileWrites: '0' },
  { memory: 'weak', frontend: 'hostile', ringSize: '1', messages: '1', hostileWrites: '1' },
];

const label = (ov: Record<string, string>) => Object.entries(ov).map(([k, v]) => `${k}=${v}`).join(' ');

for (const ov of BFS_POINTS) {
  test(`${label(ov)}: the same reachable states as ring at the same depths, the same first failures and deadlocks`, () => {
    const p = paramsOf(ring, ov);
    assert.is(flatCover(p), undefined);
    const a = nestedSpace(p);
    const b = flatSpace(p);
    assert.is(b.depth.size, a.depth.size, 'as many states');
    const missing = [...a.depth.keys()].filter((k) => !b.depth.has(k));
    const extra = [...b.depth.keys()].filter((k) => !a.depth.has(k));
    // the first state each side lacks, written out
    const shown = { missing: missing.slice(0, 1).map((k) => canonicalString(a.states.get(k))), extra: extra.slice(0, 1).map((k) => canonicalString(toNested(b.states.get(k) as never, p))) };
    assert.equal(shown, { missing: [], extra: [] }, 'the same states');
    for (const [k, d] of a.depth) if (b.depth.get(k) !== d) assert.unreachable(`state at depth ${d} in ring, ${b.depth.get(k)} in ring-weak-flat: ${canonicalString(a.states.get(k))}`);
    assert.equal(b.firstFail, a.firstFail, 'each invariant fails first at the same depth (or nowhere)');
    assert.equal([b.deadlock, b.deadlocks], [a.deadlock, a.deadlocks], 'the same deadlocks');
  });
}

/** Two flat states field by field (the same fields, the same values). */
function sameWords(a: RingWeakFlatState, b: RingWeakFlatState): boolean {
  let n = 0;
  for (const k in a) {
    if (a[k as keyof RingWeakFlatState] !== b[k as keyof RingWeakFlatState]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

/**
 * Larger points, ring-weak (bench/nested.ts) first, through the engine (ring on its packed path, the flat
 * model on the flat path): every state ring reaches maps to a flat state the flat model reaches and back to
 * itself (fromNested, then toNested), every flat state maps to a ring state and back, the two sets are the
 * same size, and the searches agree on outcome, edges and depth.
 */
const ENGINE_POINTS: readonly Record<string, string>[] = [
  { memory: 'weak', frontend: 'hostile', ringSize: '2', messages: '3' },
  { memory: 'weak', frontend: 'honest', ringSize: '2', messages: '3' },
  { memory: 'weak', frontend: 'hostile', ringSize: '1', messages: '2', hostileWrites: '1' },
  { memory: 'weak', frontend: 'hostile', ringSize: '2', messages: '1', payloads: '2' },
];

for (const ov of ENGINE_POINTS) {
  test(`${label(ov)}: ring's reachable states are the flat model's (both mappings), the same outcome, edges, depth`, () => {
    const p = paramsOf(ring, ov);
    const flat = new Set<string>();
    let notBack = 0;
    const b = runModel(ringWeakFlat, p, {
      onState: (s) => {
        flat.add(wordsKey(s));
        if (!sameWords(fromNested(toNested(s, p), p), s)) notBack++;
      },
    });
    const fromRing = new Set<string>();
    let unmapped = 0, first = '';
    const a = runModel(ring, p, {
      onState: (n) => {
        const f = fromNested(n, p);
        const k = wordsKey(f);
        fromRing.add(k);
        if (!flat.has(k) || !sameData(toNested(f, p), n)) { unmapped++; first ||= canonicalString(n); }
      },
    });
    assert.is(notBack, 0, 'toNested then fromNested gives back every flat state');
    assert.is(unmapped, 0, `every ring state is a flat state's image (first not: ${first})`);
    assert.is(fromRing.size, a.distinctStates, 'fromNested tells ring states apart');
    assert.is(flat.size, b.distinctStates);
    assert.is(b.distinctStates, a.distinctStates, 'as many states');
    assert.equal([b.outcome, b.edges, b.depth, b.violation?.property], [a.outcome, a.edges, a.depth, a.violation?.property]);
  });
}

for (const [ov, says] of [
  [{ memory: 'sc' }, /ring-weak-flat covers ring at memory=weak on one ring only; not covered: memory=sc \(only weak\)/],
  [{ rings: 'pair' }, /not covered: rings=pair \(only one\)/],
  [{ frontend: 'honest', backend: 'hostile' }, /not covered: backend=hostile \(only honest\)/],
  [{ counters: 'true' }, /counters=true/],
  [{ startIndex: '7' }, /startIndex=7/],
  [{ init: 'reattach' }, /init=reattach/],
  [{ bufferSize: '3' }, /bufferSize=3/],
  [{ ringSize: '4' }, /ringSize=4 \(only 1 or 2\)/],
] as const) {
  test(`refused: ${JSON.stringify(ov)}`, () => {
    const r = resolveParams(ringWeakFlat.params, ov);
    assert.ok(E.isLeft(r));
    if (E.isLeft(r)) {
      assert.match(r.left, says);
      assert.not.match(r.left, /\n/);
    }
  });
}

test('the same rules as ring where each applies (names), honest and hostile frontend', () => {
  for (const frontend of ['honest', 'hostile']) {
    const p = paramsOf(ring, { memory: 'weak', frontend, ringSize: '2', messages: '3' });
    const names = (m: Model<any, RingParams>) => m.rules.filter((r) => !r.applies || r.applies(p)).map((r) => r.name).sort();
    assert.equal(names(ringWeakFlat), names(ring), frontend);
  }
});

test('the defaults are bench/nested.ts ring-weak', () => {
  const p = paramsOf(ringWeakFlat, {});
  assert.equal([p.memory, p.frontend, p.ringSize, p.messages, p.hostileWrites], ['weak', 'hostile', 2, 3, 1]);
});

test.run();
