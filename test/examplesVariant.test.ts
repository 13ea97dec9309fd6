/**
 * Lint of examples/ (cheap: no search). An example derived from a built-in
 * model (deriveModel keeps the base's rule objects) must differ from that
 * built-in where its first `@pvcheck check` line runs it: a rule active at
 * that line's parameters added, removed or replaced (a rule whose `applies`
 * is false there is not code the line runs), another initial state, other
 * invariants or validity of an end state, or a parameter of its own.
 * Otherwise the line checks the built-in itself under the example's name and
 * the header's verdict says nothing of the variant: a first check line that
 * lost the parameter its variant needs, a replacement rule that is the base's
 * own. Other default values alone are no difference: an example pins the
 * bounds it was written at (docs/examples.md, "Bounds"), so both are compared
 * at the example's resolved parameters. An example that is the built-in on
 * purpose says so in its description ("the built-in grant as it is",
 * examples/grant-readonly-upgrade.ts), and then must be it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readHeader } from '../cli/catalogue.js';
import { loadModel } from '../cli/loadModel.js';
import type { Model, Rule } from '../model/core.js';
import { resolveParams } from '../model/params.js';
import { builtinModels } from '../model/registry.js';
import { propertyNames } from '../properties/bind.js';
import { checkLine } from './support/models.js';
import { chosenOf } from './support/examplesChosen.js';

type M = Model<unknown, unknown>;
const root = resolve(import.meta.dirname, '..');
// every example, or those PVCHECK_EXAMPLES names (run-tests --changed: only a change's examples select this file)
const { files: examples, chosen } = chosenOf(readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts')).sort(), join(root, 'examples'));

/** The built-in an example derives from: the one whose rule objects it shares most (none: a model of its own). */
function baseOf(m: M): M | undefined {
  let best: M | undefined, most = 0;
  for (const b of builtinModels as M[]) {
    const n = m.rules.filter((r) => b.rules.includes(r)).length;
    if (n > most) [best, most] = [b, n];
  }
  return best;
}

/**
 * How `m` at its resolved parameters `pm` differs from its base `b` at the
 * same values (those `b` declares), one phrase each; none: it is the built-in there.
 */
export function differences(m: M, pm: unknown, b: M): string[] {
  const same = Object.entries(pm as Record<string, string | number | boolean>).filter(([k]) => k in b.params.specs);
  const pb = resolveParams(b.params, Object.fromEntries(same));
  if (E.isLeft(pb)) return [`parameters the built-in ${b.name} refuses: ${pb.left}`];
  const active = (x: M, p: unknown): Rule<unknown, unknown>[] => x.rules.filter((r) => !r.applies || r.applies(p));
  const am = active(m, pm), ab = active(b, pb.right);
  const out: string[] = [];
  const added = am.filter((r) => !ab.includes(r)).map((r) => r.name);
  const removed = ab.filter((r) => !am.includes(r)).map((r) => r.name);
  if (added.length) out.push(`rules of its own: ${added.join(', ')}`);
  if (removed.length) out.push(`built-in rules left out: ${removed.join(', ')}`);
  if (m.init !== b.init) out.push('its own initial states');
  if (m.invariants.length !== b.invariants.length || m.invariants.some((i, k) => i !== b.invariants[k])) out.push('other invariants');
  if (m.isValidEnd !== b.isValidEnd) out.push('another valid end state');
  const own = Object.keys(m.params.specs).filter((k) => !(k in b.params.specs));
  const gone = Object.keys(b.params.specs).filter((k) => !(k in m.params.specs));
  if (own.length) out.push(`parameters of its own: ${own.join(', ')}`);
  if (gone.length) out.push(`built-in parameters left out: ${gone.join(', ')}`);
  return out;
}

test('every example derived from a built-in model differs from it at its first check line, or says it is the built-in as it is', async () => {
  const bad: string[] = [];
  let derived = 0, asItIs = 0;
  for (const f of examples) {
    const file = join(root, 'examples', f);
    const h = readHeader(file);
    assert.ok(E.isRight(h), E.isLeft(h) ? h.left : '');
    const first = (h as E.Right<{ checks: readonly { args: readonly string[] }[] }>).right.checks[0];
    assert.ok(first, `${f}: no @pvcheck check line`);
    const m = (await loadModel(file)) as M;
    const b = baseOf(m);
    if (!b) continue;
    derived++;
    const line = checkLine([first!.args], propertyNames(m));
    const pm = resolveParams(m.params, line.params);
    assert.ok(E.isRight(pm), `${f}: ${E.isLeft(pm) ? pm.left : ''}`);
    const d = differences(m, (pm as E.Right<unknown>).right, b);
    const says = new RegExp(`\\bthe built-in ${b.name} as it is\\b`).test(m.description);
    const where = `examples/${f} (first check line: ${first!.args.join(' ') || 'no arguments'})`;
    if (says) {
      asItIs++;
      if (d.length) bad.push(`${where}: its description says it is the built-in ${b.name} as it is, but it has ${d.join('; ')}`);
    } else if (!d.length)
      bad.push(`${where}: runs the built-in ${b.name} unchanged (no rule active there differs, same parameters, initial states and invariants): ` +
        `give the line the parameters its variant needs, or say "the built-in ${b.name} as it is" in its description`);
  }
  console.log(`  ${derived} examples derived from a built-in model, ${asItIs} the built-in as it is`);
  if (!chosen) assert.ok(derived >= 60, `${derived} derived examples`);
  assert.equal(bad, [], bad.join('\n'));
});

test('differences(): a replacement that is the base rule itself, or inactive at the line where the base rule is too, or other defaults, are none; a copy, a rule switched off, a parameter of its own are', async () => {
  const { grant } = await import('../model/grant.js');
  const { withDefaults, intParam } = await import('../model/params.js');
  const g = grant as unknown as M;
  const p = (x: M, o: Record<string, string> = {}) => (resolveParams(x.params, o) as E.Right<unknown>).right;
  const [r0, ...rest] = g.rules;
  const copy: M = { ...g, rules: [...g.rules] };
  assert.equal(differences(copy, p(copy), g), []);
  assert.equal(differences(copy, p(copy, { refs: '2' }), g), [], 'the same parameters on both sides');
  const pinned: M = { ...g, params: withDefaults(g.params as never, { refs: 3 } as never) };
  assert.equal(differences(pinned, p(pinned), g), [], 'other defaults');
  const base: M = { ...g, rules: [{ ...r0!, applies: () => false }, ...rest] };
  assert.equal(differences({ ...g, rules: [{ ...r0!, applies: () => false, then: () => {} }, ...rest] }, p(g), base), []);
  assert.equal(differences({ ...g, rules: [{ ...r0!, applies: () => false }, ...rest] }, p(g), g), [`built-in rules left out: ${r0!.name}`]);
  assert.equal(differences({ ...g, rules: [{ ...r0! }, ...rest] }, p(g), g), [`rules of its own: ${r0!.name}`, `built-in rules left out: ${r0!.name}`], 'a copy of a rule is code of its own');
  const extra: M = { ...g, params: { ...g.params, specs: { ...g.params.specs, batch: intParam({ min: 1, max: 2, default: 1, doc: 'x' }) }, defaults: { ...(g.params.defaults as object), batch: 1 } } };
  assert.equal(differences(extra, p(extra), g), ['parameters of its own: batch']);
});

test.run();
