/**
 * The catalogue's bounds lint (note12 item 8): a fixed-by line runs its model
 * at that model's defaults, an example at its own (`withDefaults`,
 * docs/examples.md "Bounds"). When a built-in's defaults move past an
 * example's, its fixed-by line must name the example's bounds, or the fix is
 * verified at other bounds than the bug was shown at. Every example of
 * examples/ passes the lint; a fixture whose fixed-by line forgets the bounds
 * is refused by `pvcheck catalogue` before its fix run, naming them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { catalogueRows, fixedByBoundsDiffer, fixedByModel, readHeader, type Header } from '../cli/catalogue.js';
import { loadModel } from '../cli/loadModel.js';
import { grant } from '../model/grant.js';
import { withDefaults } from '../model/params.js';
import { deriveModel } from '../model/core.js';
import { chosenOf } from './support/examplesChosen.js';

const root = resolve(import.meta.dirname, '..');
const G19 = 'G19_readonly_grant_stays_readonly';

test('every example with a fixed-by line runs its fix at the bounds of its first check line', async () => {
  // every example, or those PVCHECK_EXAMPLES names (run-tests --changed: only a change's examples select this file)
  const { files, chosen } = chosenOf(readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts')).sort(), join(root, 'examples'));
  let linted = 0;
  const bad: string[] = [];
  for (const f of files) {
    const file = join(root, 'examples', f);
    const h = readHeader(file);
    assert.ok(E.isRight(h), E.isLeft(h) ? h.left : '');
    const { checks, fixedBy: fb } = (h as E.Right<Header>).right;
    if (!fb) continue;
    const fixed = fixedByModel(file, fb.model);
    const differ = fixedByBoundsDiffer(await loadModel(file), await loadModel(fixed), checks[0]!.args, fb.args);
    linted++;
    if (differ.length) bad.push(`examples/${f}: fixed-by ${fb.model} at ${differ.map((d) => `${d.name}=${d.fixed}`).join(' ')}, the example at ${differ.map((d) => `${d.name}=${d.example}`).join(' ')}`);
  }
  if (!chosen) assert.ok(linted >= 40, `${linted} fixed-by lines`);
  assert.equal(bad, []);
});

test('the lint: a parameter both models declare and the fixed-by line does not name, with different values; the fix\'s own switch is not one', () => {
  const pinned = deriveModel(grant, { name: 'g11', description: 'grant at 1x1', params: withDefaults(grant.params, { refs: 1, pages: 1 }) });
  const atDefaults = grant.params.defaults;
  assert.ok(atDefaults.refs !== 1 || atDefaults.pages !== 1, 'grant\'s defaults moved past 1x1 (else this test proves nothing)');
  const differ = fixedByBoundsDiffer(pinned, grant, ['-p', 'copies=0'], ['--leave-out', G19]);
  assert.equal(differ.map((d) => d.name).sort(), ['pages', 'refs'].filter((k) => (atDefaults as Record<string, unknown>)[k] !== 1));
  assert.equal(differ.find((d) => d.name === 'refs'), { name: 'refs', fixed: String(atDefaults.refs), example: '1' });
  // named on the fixed-by line, or by the check line (both runs take it): no lint
  assert.equal(fixedByBoundsDiffer(pinned, grant, ['-p', 'copies=0'], ['-p', 'refs=1', '-p', 'pages=1']), []);
  assert.equal(fixedByBoundsDiffer(pinned, grant, ['-p', 'refs=1', '-p', 'pages=1'], []), []);
  // a fix's own switch differs on purpose: named, so not flagged
  assert.equal(fixedByBoundsDiffer(pinned, grant, [], ['-p', 'refs=1', '-p', 'pages=1', '-p', 'setStatusPinned=checked']), []);
  // a value the fixed-by line names with another value than the example's is the line's choice
  assert.equal(fixedByBoundsDiffer(pinned, grant, [], ['-p', 'refs=2', '-p', 'pages=1']), []);
});

test('pvcheck catalogue refuses a fixed-by line at other bounds before its run, naming them; the check lines still run', async () => {
  const rows = await catalogueRows(join(root, 'test/fixtures/catalogue/bounds-differ.ts'));
  assert.equal(rows.map((r) => [r.what, r.match]), [
    ['check -p copies=0 -p maps=0', true],
    [`fixed-by grant --leave-out ${G19}`, false],
  ]);
  assert.is(
    rows[1]!.got,
    // the example is written at refs=1 pages=1 handles=2 (grant's defaults 2, 2 and 3 since 2026-12-06)
    `error: fixed-by grant runs at refs=${grant.params.defaults.refs} pages=${grant.params.defaults.pages} handles=${grant.params.defaults.handles}, the example at refs=1 pages=1 handles=2: name the example's bounds on the fixed-by line (-p refs=1 -p pages=1 -p handles=2)`,
  );
  assert.is(rows[1]!.distinctStates, null, 'refused before the search');
});

test.run();
