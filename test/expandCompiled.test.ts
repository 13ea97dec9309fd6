/**
 * The generated code of the packed path against the code it stands for:
 * - checker/codec.ts `packScratch` gives the words of `pack` on every
 *   successor a rule wrote on the scratch copy (objects of the skeleton left in
 *   place, replaced by the rule, moved) and on unpacked states; so does the
 *   lazy root's (grant's, and forced on a small shape whose rules move, alias
 *   and replace objects), which packs again only the root fields a rule
 *   touched;
 * - checker/flatExpand.ts's generated expansion, on the packed path of shaped
 *   states (the path's scratch copy, made again by `restore` between a state's
 *   rules) and of a flat one (ring-weak's word-level model), enumerates the
 *   same transitions in the same order as the loop over the wrapped rules
 *   (expand.ts), with the same results, cuts and coverage, however many rules
 *   each generated function holds, and an exception in a model's guard, effect
 *   or choices is the same ModelFault as through the wrappers; the generated
 *   invariant check finds the same first failing invariant.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { check, pathFor } from '../checker/search.js';
import { shapeCodec } from '../checker/codec.js';
import { CUT, expandState, type Expander } from '../checker/expand.js';
import { RULES_PER_FUNCTION, compileExpand, compileInvariants } from '../checker/flatExpand.js';
import type { PackedPath, WordCodec } from '../checker/packed.js';
import type { System } from '../checker/system.js';
import { bind } from '../properties/bind.js';
import { builtinSystem, paramsOf, systemOf } from './support/models.js';
import { ringWeakFlat } from '../model/ringWeakFlat.js';
import { ModelFault } from '../properties/fault.js';
import type { Model } from '../model/core.js';
import { array, int, list, nullable, record } from '../model/shape.js';

const system = builtinSystem;

/** The first n states of a search, unpacked as the packed path expands them. */
function statesOf(sys: System<any>, n: number): any[] {
  const out: any[] = [];
  check(sys, { maxStates: n, onState: (s) => out.push(s) });
  return out;
}

const CASES: [string, Record<string, string>, number][] = [
  ['grant', { refs: '2', pages: '2' }, 3000],
  ['xenbus', {}, 600],
  ['ring', { memory: 'weak', frontend: 'hostile', ringSize: '2', messages: '3' }, 3000],
  ['blkif', {}, 300],
];

for (const [model, params, n] of CASES)
  test(`packScratch = pack on every successor written on the scratch copy, and on unpacked states (${model})`, () => {
    const sys = system(model, params);
    const path = pathFor(sys, {}) as unknown as { codec: WordCodec<any>; apply: (r: number, s: any, a: unknown) => any };
    const c = path.codec;
    assert.ok(c.packScratch, 'a shaped codec has packScratch');
    if (model === 'grant') assert.ok(c.lazy, 'grant has a lazy root');
    const a = new Uint32Array(c.words), b = new Uint32Array(c.words);
    let compared = 0;
    for (const s0 of statesOf(sys, n)) {
      c.pack(s0, a);
      const s = c.unpack(a, 0);
      c.packScratch!(s, b);
      assert.equal([...b], [...a]);
      sys.rules.forEach((r, ri) => {
        if (r.inactive) return;
        for (const x of r.choices ? r.choices(s) : [undefined]) {
          if (r.when && !r.when(s, x)) continue;
          const d = path.apply(ri, s, x);
          // packScratch first: pack reads (and so touches) every field of a lazy root (codec.ts).
          (c.lazy?.packScratch ?? c.packScratch)!(d, b);
          c.pack(d, a);
          assert.equal([...b], [...a], `${r.name} on state ${compared}`);
          compared++;
        }
      });
    }
    assert.ok(compared > n, `compared ${compared}`);
  });

test('packScratch = pack when a rule moves, aliases and replaces the skeleton objects', () => {
  const shape = record({ a: array(nullable(record({ x: int(0, 7), y: int(0, 3) })), 3), l: list(record({ v: int(0, 5), c: array(int(0, 2), 2) }), 3), z: int(0, 9) });
  const m: Model<any, object> = {
    name: 'moves', params: {} as never,
    init: () => [{ a: [{ x: 1, y: 2 }, null, { x: 3, y: 0 }], l: [{ v: 1, c: [0, 1] }, { v: 2, c: [2, 2] }], z: 0 }],
    rules: [
      { name: 'swap', then: (d: any) => { const t = d.a[0]; d.a[0] = d.a[2]; d.a[2] = t; d.z = (d.z + 1) % 10; } },
      { name: 'alias-then-write', when: (s: any) => s.a[0] !== null, then: (d: any) => { d.a[1] = d.a[0]; d.a[1].x = (d.a[1].x + 1) % 8; } },
      { name: 'unshift', when: (s: any) => s.l.length < 3, then: (d: any) => { d.l.unshift({ v: 5, c: d.l[0] ? d.l[0].c : [1, 1] }); } },
      { name: 'shift', when: (s: any) => s.l.length > 0, then: (d: any) => { d.l.shift(); d.a[0] = null; } },
      { name: 'replace-array', then: (d: any) => { d.l = d.l.map((e: any) => ({ ...e, v: (e.v + 1) % 6 })); d.a = [d.a[2], d.a[0], d.a[1]]; } },
    ],
    invariants: [],
    shape: () => ({ state: shape }),
  } as unknown as Model<any, object>;
  const sys = bind(m, {});
  if (sys._tag === 'Left') throw new Error(sys.left);
  // The scratch copy, and the lazy root (forced: this root has 3 fields), on every successor.
  const c = shapeCodec<any>(shape.piece, { lazyRoot: true });
  const lazy = c.lazy!;
  const a = new Uint32Array(c.words), b = new Uint32Array(c.words);
  let compared = 0;
  for (const s0 of statesOf(sys.right, 5000)) {
    // as the search gives them: unpacked from their words (the lazy root keeps those), or not
    c.pack(s0, a);
    for (const s of [lazy.unpack(a, 0), s0])
      sys.right.rules.forEach((r, ri) => {
        if (r.when && !r.when(s, undefined)) return;
        for (const [scratch, packScratch] of [[c.scratch, c.packScratch], [lazy.scratch, lazy.packScratch]] as const) {
          const d = scratch(s);
          sys.right.rules[ri]!.then(d, s, undefined);
          packScratch(d, b);
          c.pack(d, a);
          assert.equal([...b], [...a], `${r.name} on state ${compared}`);
          compared++;
        }
      });
  }
  assert.ok(compared > 1000, `compared ${compared}`);
});

/** Ring-weak's word-level model (the flat path: model/ringWeakFlat.ts, 39 rules). */
const ringWeakFlatSystem = (): System<any> => systemOf(ringWeakFlat, paramsOf(ringWeakFlat, {}));

for (const [model, params, n] of [...CASES, ['ring-weak-flat', {}, 3000] as (typeof CASES)[number]])
  test(`the generated expansion enumerates the transitions of the wrapped rules, in order, for any number of rules a function (${model})`, () => {
    const sys = model === 'ring-weak-flat' ? ringWeakFlatSystem() : system(model, params);
    const active = Int32Array.from(sys.rules.flatMap((r, i) => (r.inactive ? [] : [i])));
    assert.ok(active.length > 4, `${active.length} rules: more than one function at 1 and 4 a function`);
    const path = pathFor(sys, {}) as PackedPath<any>;
    const w = new Uint32Array(2);
    // `cut`: edge reports the state bound reached at every third successor (a cut in the middle of an expansion)
    const mk = (log: string[], cut: boolean): Expander<any> => ({
      rules: sys.rules, active, fired: new Float64Array(sys.rules.length),
      apply: (r, s, a) => path.apply(r, s, a),
      edge: (next, from, k) => {
        path.fingerprint(next, w);
        log.push(`${from}:${k}:${w[0]}:${w[1]}`);
        return !cut || log.length % 3 !== 0;
      },
    });
    const firstFailing = compileInvariants(sys.invariants);
    const states = statesOf(sys, n);
    for (const cut of [false, true]) {
      const want: string[] = [];
      const loop = mk(want, cut);
      const results = states.map((s, id) => [expandState(loop, s, id, true), expandState(loop, s, id, false)]);
      for (const per of [1, 4, RULES_PER_FUNCTION, Infinity]) {
        const got: string[] = [];
        const gen = mk(got, cut);
        const f = compileExpand(gen, (s) => path.scratch(s), per);
        states.forEach((s, id) => {
          assert.equal([f(s, id, true), f(s, id, false)], results[id], `state ${id}, ${per} rules a function${cut ? ', cut' : ''}`);
        });
        assert.equal(got, want);
        assert.equal([...gen.fired], [...loop.fired]);
        assert.ok(want.length > n);
        if (cut) assert.ok(results.some(([x]) => (x! & CUT) !== 0 && x! >> 1 > 1), 'a cut in the middle of an expansion');
      }
    }
    states.forEach((s) => assert.is(firstFailing(s), sys.invariants.findIndex((inv) => !inv.holds(s))));
  });

test('an exception in a guard, an effect or choices is the same ModelFault on the generated expansion of a shaped model', () => {
  const mk = (where: 'when' | 'then' | 'choices'): Model<any, object> =>
    ({
      name: 'throws', params: {} as never,
      init: () => [{ n: 0 }],
      rules: [
        { name: 'step', when: (s: any) => s.n < 2, then: (d: any) => { d.n++; } },
        {
          name: 'boom',
          choices: (s: any) => { if (where === 'choices' && s.n === 2) throw new Error('no choices'); return [1]; },
          when: (s: any) => { if (where === 'when' && s.n === 2) throw new Error('bad guard'); return true; },
          then: (d: any, s: any) => { if (where === 'then' && s.n === 2) throw new Error('bad effect'); d.n = s.n; },
        },
      ],
      invariants: [{ name: 'inv', holds: (s: any) => { if (s.n === 3) throw new Error('bad invariant'); return true; } }],
      shape: () => ({ state: record({ n: int(0, 3) }) }),
    }) as unknown as Model<any, object>;
  for (const [where, site] of [['when', 'guard'], ['then', 'effect'], ['choices', 'choices']] as const) {
    const sys = bind(mk(where), {});
    if (sys._tag === 'Left') throw new Error(sys.left);
    try {
      check(sys.right);
      assert.unreachable('should throw');
    } catch (e) {
      assert.instance(e, ModelFault);
      assert.is((e as ModelFault).site, site);
      assert.match((e as Error).message, /boom/);
    }
  }
  const sys = bind(mk('when'), {});
  if (sys._tag === 'Left') throw new Error(sys.left);
  const inv = compileInvariants(sys.right.invariants);
  assert.throws(() => inv({ n: 3 }), (e: unknown) => e instanceof ModelFault && (e as ModelFault).site === 'invariant');
});

test.run();
