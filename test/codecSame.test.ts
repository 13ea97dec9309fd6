/**
 * checker/codec.ts `same`: whether a state still packs to given words,
 * without packing it (the packed path's check that no rule wrote to the state
 * it expanded). Its reference is pack itself: `pack(x)` equals the words, and
 * false where pack throws (a value outside the shape). For the states of a
 * search prefix made by the reference path (no codec involved), unpacked both
 * ways (`unpack`, fresh objects; `unpackReused`, its own sealed objects, with
 * its own `same`), and for each a handful of mutations of the unpacked state
 * as a rule writing its input would make them: a subtree replaced by that of
 * another state (often equal, often not), a value out of its piece (a number
 * out of range, a wrong type, null, undefined), a key the shape does not name.
 * Both answers must occur, so a `same` that always says yes (or no) fails.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { check } from '../checker/search.js';
import { shapeCodec } from '../checker/codec.js';
import { boundShaped as bound } from './support/models.js';

const CASES: [string, Record<string, string>, number][] = [
  ['xenbus', { frontend: 'hostile' }, 800],
  ['xenbus', { events: '3' }, 800],
  ['ring', { memory: 'weak', frontend: 'hostile', ringSize: '2', messages: '3' }, 800],
  ['grant', { refs: '2', pages: '2' }, 600],
  ['nc2', {}, 600],
  ['blkif', {}, 600],
  ['netif-rx', {}, 600],
  ['netif-ctrl', {}, 600],
];

/** A small deterministic generator (mulberry32). */
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};

const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object';

/** A random place in `root`: a path of keys (at least one) to an existing property. */
function place(root: Record<string, unknown>, r: () => number): string[] {
  const path: string[] = [];
  let o: Record<string, unknown> = root;
  for (;;) {
    const ks = Object.keys(o);
    if (ks.length === 0) return path;
    const k = ks[Math.floor(r() * ks.length)]!;
    path.push(k);
    const v = o[k];
    if (!isObj(v) || r() < 0.25) return path;
    o = v;
  }
}

const at = (root: unknown, path: readonly string[]): unknown => path.reduce<unknown>((o, k) => (isObj(o) ? o[k] : undefined), root);

const BAD: unknown[] = [-1, 1e9, 0.5, NaN, 'bogus', null, undefined, true, {}, []];

for (const [model, params, n] of CASES)
  test(`same = (pack equals the words) on states and mutated states (${model} ${JSON.stringify(params)})`, () => {
    const { sys, piece } = bound(model, params);
    const states: any[] = [];
    check(sys, { maxStates: n, forceGeneric: true, onState: (s) => void states.push(s) });
    const c = shapeCodec<any>(piece);
    const into = c.unpackReused();
    const w = new Uint32Array(c.words), t = new Uint32Array(c.words);
    /** The reference: pack's words equal w (false where pack throws). */
    const packsTo = (x: unknown): boolean => {
      try {
        c.pack(x, t);
      } catch (e) {
        if (e instanceof RangeError || e instanceof TypeError) return false;
        throw e;
      }
      for (let j = 0; j < c.words; j++) if (t[j] !== w[j]) return false;
      return true;
    };
    const r = rng(model.length * 7919 + n);
    const tally = { yes: 0, no: 0 };
    const compare = (x: unknown, what: string): void => {
      const want = packsTo(x);
      assert.is(c.same(x, w, 0), want, `codec same, ${what}`);
      tally[want ? 'yes' : 'no']++;
    };
    states.forEach((s, i) => {
      c.pack(s, w);
      assert.ok(c.same(c.unpack(w, 0), w, 0), `state ${i} unpacked`);
      assert.ok(into.same(into(w, 0), w, 0), `state ${i} unpacked into reused objects`);
      assert.ok(c.same(s, w, 0), `state ${i} as the reference path made it`);
      // words elsewhere in a buffer
      const big = new Uint32Array(c.words * 3);
      big.set(w, c.words);
      assert.ok(c.same(s, big, c.words), `state ${i} at an offset`);
      for (let m = 0; m < 6; m++) {
        const other = states[Math.floor(r() * states.length)];
        const reused = m % 2 === 1;
        const x = reused ? into(w, 0) : c.unpack(w, 0);
        const path = place(x, r);
        if (path.length === 0) continue;
        const parent = at(x, path.slice(0, -1)) as Record<string, unknown>;
        const k = path[path.length - 1]!;
        const kind = r();
        let what: string;
        try {
          if (kind < 0.6) {
            what = `${path.join('.')} from state ${states.indexOf(other)}`;
            const v = at(other, path);
            parent[k] = isObj(v) ? structuredClone(v) : v;
          } else if (kind < 0.9) {
            const v = BAD[Math.floor(r() * BAD.length)];
            what = `${path.join('.')} = ${String(v)}`;
            parent[k] = v;
          } else {
            what = `${path.slice(0, -1).join('.')}.bogus added`;
            parent.bogus = 1;
          }
        } catch (e) {
          // a sealed reused object refuses a key the shape does not name (codec.ts: a rule fails where it writes it)
          assert.ok(reused && e instanceof TypeError, String(e));
          continue;
        }
        if (reused) {
          const want = packsTo(x);
          assert.is(into.same(x, w, 0), want, `reused same, state ${i}: ${what}`);
          tally[want ? 'yes' : 'no']++;
        } else compare(x, `state ${i}: ${what}`);
      }
    });
    assert.ok(tally.yes > 50 && tally.no > 50, `both answers (${tally.yes} same, ${tally.no} different)`);
  });

test('the no-write check of the packed path uses same and still names the culprit rule', () => {
  const { sys } = bound('ring', { memory: 'weak', frontend: 'hostile', ringSize: '2', messages: '3' });
  /** Flips the first boolean (or bumps the first number) met depth-first: a write into the input state. */
  const write = (o: Record<string, unknown>): boolean => {
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (typeof v === 'boolean') return ((o[k] = !v), true);
      if (typeof v === 'number') return ((o[k] = v + 1), true);
      if (isObj(v) && write(v)) return true;
    }
    return false;
  };
  // (without `direct`: the generated expansion calls the model's own rule when it has one, flatExpand.ts)
  const rules = sys.rules.map((rule, i) => (i !== 0 ? rule : { ...rule, direct: undefined, then: (d: any, s: any, a: unknown) => {
    rule.then(d, s, a);
    write(s);
  } }));
  assert.throws(() => check({ ...sys, rules }, {}), (e: Error) => /a rule wrote to its input state instead of the draft \(rule /.test(e.message));
  // unchanged rules: no error
  assert.is(check(sys, { maxStates: 2000 }).distinctStates, 2000);
});

test.run();
