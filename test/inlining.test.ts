/**
 * V8's inlining budget per model (cli/inlining.ts): `pvcheck check` of a
 * nested model (no flat layout) with large rules halves TurboFan's cumulative
 * inlining budget before its search, any other model's check leaves V8's
 * default; check-all sets it per run; PVCHECK_V8_INLINE=0/1 forces it; a budget given to node itself
 * is left alone. The CLI runs as a user runs it, with a preload that reports
 * every `v8.setFlagsFromString` call on stderr (what the flag IS cannot be read
 * back from JavaScript; that it takes effect is measured in
 * docs/perf/2026-12-06e-nested.md, not here: no timed test).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LARGE_RULES_SOURCE, NESTED_INLINING, V8_DEFAULT_INLINING, inliningBudget, inliningFor, rulesSource } from '../cli/inlining.js';
import { checkAllRuns } from '../cli/check.js';
import { builtinModels, findModel } from '../model/registry.js';
import type { Model } from '../model/core.js';
import { root } from './support/cli.js';
import { scratchDir } from './support/tmp.js';

const dir = scratchDir('pvcheck-inlining-');
const spy = join(dir, 'spy.mjs');
writeFileSync(
  spy,
  `import v8 from 'node:v8';
import { syncBuiltinESMExports } from 'node:module';
const set = v8.setFlagsFromString;
v8.setFlagsFromString = (s) => { process.stderr.write('v8-flag ' + s + '\\n'); set(s); };
syncBuiltinESMExports();
`,
);
const FLAG = '--max-inlined-bytecode-size-cumulative';

/** `pvcheck ARGS` with the spy, node's own flags first: its exit code and the flags pvcheck set, in order. */
function flagsSet(args: readonly string[], env: Record<string, string> = {}, nodeFlags: readonly string[] = []): { code: number | null; flags: string[]; err: string } {
  const r = spawnSync(process.execPath, [...nodeFlags, '--import', spy, join(root, 'bin/pvcheck.mjs'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, PVCHECK_V8_INLINE: '', ...env },
  });
  const flags = r.stderr.split('\n').filter((l) => l.startsWith('v8-flag ')).map((l) => l.slice('v8-flag '.length));
  return { code: r.status, flags, err: r.stderr };
}

const large = ['check', 'xenbus', '-p', 'events=1', '--workers', '1', '-q'];
const small = ['check', 'nc2-api', '--workers', '1', '-q'];
const flat = ['check', 'vif', '--workers', '1', '-q'];

test('a nested model with large rules: the half budget, set once before its search; a nested one with small rules, a flat one: none', () => {
  assert.ok(!findModel('xenbus')!.layout && !findModel('nc2-api')!.layout && findModel('vif')!.layout, 'xenbus and nc2-api are nested, vif flat');
  const l = flagsSet(large);
  assert.is(l.code, 0, l.err);
  assert.equal(l.flags, [`${FLAG}=${NESTED_INLINING}`]);
  for (const args of [small, flat]) {
    const r = flagsSet(args);
    assert.is(r.code, 0, r.err);
    assert.equal(r.flags, [], args.join(' '));
  }
  // a user's model file: decided once it is loaded (grant's example has grant's large rules, nc2's nc2-packets' small ones)
  const file = flagsSet(['check', join(root, 'examples/grant-xsa226.ts'), '--workers', '1', '-q']);
  assert.is(file.code, 1, file.err);
  assert.equal(file.flags, [`${FLAG}=${NESTED_INLINING}`]);
  const smallFile = flagsSet(['check', join(root, 'examples/nc2-finish-twice.ts'), '--workers', '1', '-q']);
  assert.is(smallFile.code, 1, smallFile.err);
  assert.equal(smallFile.flags, []);
});

test('PVCHECK_V8_INLINE=1 forces the half budget, 0 V8 default; another value is bad input', () => {
  assert.equal(flagsSet(flat, { PVCHECK_V8_INLINE: '1' }).flags, [`${FLAG}=${NESTED_INLINING}`]);
  assert.equal(flagsSet(small, { PVCHECK_V8_INLINE: '1' }).flags, [`${FLAG}=${NESTED_INLINING}`]);
  assert.equal(flagsSet(large, { PVCHECK_V8_INLINE: '0' }).flags, []);
  const bad = flagsSet(small, { PVCHECK_V8_INLINE: 'yes' });
  assert.is(bad.code, 2);
  assert.equal(bad.flags, []);
  assert.is(bad.err.trim(), "pvcheck: error: PVCHECK_V8_INLINE must be 0 or 1, got 'yes'");
});

test('a budget given to node itself is left alone', () => {
  const r = flagsSet(large, {}, [`${FLAG}=300`]);
  assert.is(r.code, 0, r.err);
  assert.equal(r.flags, []);
});

test('inliningFor: the half budget from LARGE_RULES_SOURCE characters of rules on, for a nested model only', () => {
  /** A rule whose `then` is `n` characters of source. */
  const rule = (n: number) => {
    const then = new Function('d', '');
    const pad = n - then.toString().length;
    return { then: new Function('d', `/*${'x'.repeat(pad - 4)}*/`) };
  };
  const at = { rules: [rule(LARGE_RULES_SOURCE - 100), rule(100)] };
  assert.is(rulesSource(at), LARGE_RULES_SOURCE);
  assert.is(inliningFor(at), NESTED_INLINING);
  assert.is(inliningFor({ rules: [rule(LARGE_RULES_SOURCE - 100), rule(99)] }), V8_DEFAULT_INLINING);
  assert.is(inliningFor({ ...at, layout: () => [] }), V8_DEFAULT_INLINING);
  assert.is(inliningFor(findModel('xenbus')!), NESTED_INLINING);
  assert.is(inliningFor(findModel('netif-ctrl')!), V8_DEFAULT_INLINING);
});

test('the built-ins with the half budget are the ones measured with it: a model whose rules cross the line is measured before it moves here', () => {
  // Each built-in's side was measured, every check-all row with the budget forced both ways
  // (docs/perf/2026-12-06e-nested.md section 1; netif-tx, whose rules shrank to 6,496 characters,
  // again in 2026-12-06f-nested.md). A model crossing LARGE_RULES_SOURCE changes its budget
  // silently: this list stops it until its rows are measured (.scratch/rows23.ts in those pages).
  const half = ['xenbus', 'ring', 'grant', 'blkif', 'nc2'];
  const got = builtinModels.filter((m) => inliningFor(m) === NESTED_INLINING).map((m) => m.name);
  assert.equal([...got].sort(), [...half].sort(), `rules' source: ${builtinModels.filter((m) => !m.layout).map((m) => `${m.name} ${rulesSource(m)}`).join(', ')}`);
  // the flat models never: their search is the word path's, whose hot path the full budget inlines
  for (const m of builtinModels) if (m.layout) assert.is(inliningFor(m), V8_DEFAULT_INLINING, m.name);
});

test('check-all sets the budget of each run before it: back to V8 default for a flat model after a nested one', async () => {
  const vif = findModel('vif')!;
  // xenbus at events=1 (2,103 states), its check-all rows left out
  const x = findModel('xenbus')!;
  const xenbus: Model = { ...x, checkAll: [], params: { ...x.params, defaults: { ...(x.params.defaults as object), events: 1 } } } as Model;
  const api = findModel('nc2-api')!;
  const traceDir = scratchDir('pvcheck-inlining-all-');
  assert.is(inliningBudget(), V8_DEFAULT_INLINING);
  await checkAllRuns([vif, xenbus], { traceDir });
  assert.is(inliningBudget(), NESTED_INLINING);
  await checkAllRuns([xenbus, vif], { traceDir });
  assert.is(inliningBudget(), V8_DEFAULT_INLINING);
  await checkAllRuns([xenbus, api], { traceDir });
  assert.is(inliningBudget(), V8_DEFAULT_INLINING);
});

test.run();
