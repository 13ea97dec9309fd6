/**
 * No test writes a built-in's default results by hand (test/support/pinnedLint.ts):
 * the states, edges, depth and finding's trace length of a built-in at its
 * defaults (and of its check-all rows) are read from test/pinned.json through
 * test/support/pinnedDefaults.ts, so that raising a default is one edit of
 * test/pinned.json. Session 26 raised xenbus's defaults and
 * test/cliHardeningB, which had F7's 10 steps written in, failed in CI.
 *
 * A figure a test may write is an ALLOWED entry, with the reason; an entry
 * that excuses nothing any more fails too (the figure it named was converted
 * or moved: drop the entry).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Allowed, type Hit, codeOnly, lintText, lintTree, pinnedFigures, unexcused } from './support/pinnedLint.js';

const root = resolve(import.meta.dirname, '..');

const ALLOWED: readonly Allowed[] = [
  // ring-spec.md §11's golden figures at ringSize=4 messages=8, named on the command line or in the call: not the
  // defaults (which equal them today); SPIN and the Python reference give the same
  { file: 'test/cli.test.ts', value: 19184, where: 'j.distinctStates, 19184', reason: 'check ring-notify -p ringSize=4 -p messages=8: ring-spec.md §11, named parameters' },
  { file: 'test/cli.test.ts', value: 37589, where: 'j.edges, 37589', reason: 'the same run: ring-spec.md §11' },
  { file: 'test/cli.test.ts', value: 19184, where: "split('\\n').length - 1, 19184", reason: 'the same run: its --dump-states has a line per state' },
  { file: 'test/ringModel.test.ts', value: 19184, where: "'4x8': { states: 19184", reason: 'ring-spec.md §11 at 4x8, named parameters' },
  { file: 'test/ringModel.test.ts', value: 37589, where: "'4x8': { states: 19184, edges: 37589", reason: 'ring-spec.md §11 at 4x8, named parameters' },
  { file: 'test/support/ringSpec.ts', value: 19184, where: '[4, 8, 19184, 37589', reason: 'ring-spec.md §11 at ringSize=4 messages=8, named parameters' },
  { file: 'test/support/ringSpec.ts', value: 37589, where: '[4, 8, 19184, 37589', reason: 'ring-spec.md §11 at ringSize=4 messages=8, named parameters' },
  // recorded inputs, not results
  { file: 'test/handOverPays.test.ts', value: 137828, where: '[30, 35, 137828, 1467]', reason: "a recorded level profile of netif-tx (2026-12-05), handOverPays's input: a past run, not today's defaults" },
  { file: 'test/handOverPays.test.ts', value: 1021173, where: '[18, 9964, 1021173, 5540]', reason: 'a recorded level profile of netif-ctrl (2026-12-05), the same' },
  // a fixture's declared result: test/fixtures/leave-out.ts's `@pvcheck expect violation G19 in 7 steps`, whose
  // check line names copies=0 maps=0 (the other bounds are grant's defaults: a raised default moves the fixture's
  // own expect line, which this test then reports as it reports any example's)
  { file: 'test/catalogue.test.ts', value: 7, where: "['check -p copies=0 -p maps=0', `violation ${G19} in 7 steps`, true]", reason: "the fixture's own @pvcheck expect line, what the catalogue row is compared with" },
  { file: 'test/catalogue.test.ts', value: 7, where: "[`violation ${G19} in 7 steps`, 'violation G12_no_secret_through_grant in 1 step']", reason: 'the same fixture result, written into a scratch example by this test' },
];

const testFiles = (): string[] =>
  [
    ...readdirSync(join(root, 'test')).filter((f) => f.endsWith('.ts')).map((f) => `test/${f}`),
    ...readdirSync(join(root, 'test/support')).filter((f) => f.endsWith('.ts')).map((f) => `test/support/${f}`),
  ].filter((f) => f !== 'test/suiteHygienePinned.test.ts' && f !== 'test/support/pinnedLint.ts');

const show = (h: Hit) => `${h.file}:${h.line}: ${h.value} is ${h.model}'s ${h.what} at its defaults (test/pinned.json): ${h.text}`;

test("no test file writes a built-in's default states, edges, depth or trace length by hand (read them with test/support/pinnedDefaults.ts pinnedDefault); every allowlist entry still excuses a figure", () => {
  const hits = lintTree(root, testFiles());
  const { hits: left, stale } = unexcused(hits, ALLOWED);
  assert.equal(left.map(show), [], 'read the figure from test/pinned.json (pinnedDefault(MODEL).entry), run at named parameters (test/support/bounds.ts writtenAt), or add an ALLOWED entry with its reason');
  assert.equal(stale.map((a) => `${a.file}: ${a.value} at '${a.where}'`), [], 'allowlist entries that excuse nothing: drop them');
  assert.ok(ALLOWED.every((a) => a.reason.length > 10), 'every exception gives its reason');
});

// The planted cases take their figures from test/pinned.json: the lint must see today's figures, whatever they are.
const figures = pinnedFigures(readFileSync(join(root, 'test/pinned.json'), 'utf8'));
const fig = (model: string, what: string) => figures.find((f) => f.model === model && f.what === what)!;
const xenbusStates = fig('xenbus', 'states').value;
const xenbusSteps = figures.find((f) => f.model === 'xenbus' && f.kind === 'length')!;
const limiterSteps = figures.find((f) => f.model === 'limiter' && f.kind === 'length')!;
const small = figures.find((f) => f.kind === 'count' && f.value < 10_000)!;
const grouped = (n: number) => n.toLocaleString('en-US');

test('the lint finds a planted figure in each form: a count as 1234, 1,234 or 1_234, in an assertion, a regex or --json; a trace length near its property or the model and deadlock; a depth', () => {
  assert.ok(xenbusSteps && limiterSteps && small, 'test/pinned.json has a xenbus deadlock, a limiter finding and a count under 10,000');
  const planted = [
    `const r = pv(['check', 'xenbus', '--json']);\nassert.is(JSON.parse(r.out).distinctStates, ${xenbusStates});`,
    `assert.match(out, /${grouped(xenbusStates)} distinct states/);`,
    `assert.is(j.states, ${grouped(xenbusStates).replace(/,/g, '_')});`,
    `const c = pv(['check', 'xenbus', '-q']);\nassert.match(c.out, /deadlock/);\nassert.is(o.steps.length - 1, 0);\nassert.is(t.length - 1, ${xenbusSteps.value});`,
    `assert.is(\`\${v.property} in \${v.length} steps\`, '${limiterSteps.property} in ${limiterSteps.value} steps');`,
    `const r = run('${small.model}');\nassert.is(r.distinctStates, ${small.value});`,
    `const r = run('xenbus');\nassert.equal(r, { depth: ${fig('xenbus', 'depth').value} });`,
  ];
  for (const text of planted) {
    const hits = lintText('test/planted.test.ts', text, figures);
    assert.ok(hits.length > 0, `not found in:\n${text}`);
    assert.is(unexcused(hits, ALLOWED).hits.length, hits.length, 'not excused by the real allowlist');
  }
});

test('the lint leaves alone: comments, a count under 10,000 far from its model, a small number with no steps or depth beside it, figures of other runs; an allowlist entry excuses only its line', () => {
  const far = `const r = run('${small.model}');\n${'\n'.repeat(12)}assert.is(x, ${small.value});`;
  const clean = [
    `// xenbus at its defaults: ${grouped(xenbusStates)} states\nassert.ok(true);`,
    `/**\n * ${xenbusStates} states, deadlock in ${xenbusSteps.value} steps ('xenbus')\n */\nassert.ok(true);`,
    far,
    `const r = run('xenbus');\nassert.is(r.code, ${xenbusSteps.value});`,
    `const url = 'http://x/${xenbusStates}x';`,
  ];
  for (const text of clean) assert.equal(lintText('test/clean.test.ts', text, figures), [], text);
  // an allowlist entry: its file, value and line fragment
  const text = `assert.is(a, ${xenbusStates}); // first\nassert.is(b, ${xenbusStates});`;
  const hits = lintText('test/x.test.ts', text, figures);
  assert.is(hits.length, 2);
  const entry: Allowed = { file: 'test/x.test.ts', value: xenbusStates, where: 'assert.is(a,', reason: 'planted' };
  const { hits: left, stale } = unexcused(hits, [entry, { ...entry, where: 'nowhere' }]);
  assert.equal(left.map((h) => h.line), [2]);
  assert.equal(stale.map((a) => a.where), ['nowhere']);
});

test('codeOnly blanks comments, keeps strings, regex literals and line numbers', () => {
  const src = "const a = 'x // y'; // gone\n/* gone\n gone */ const b = /a\\/\\/b/; const c = `q /* r */`;\n * not a comment outside one";
  const out = codeOnly(src);
  assert.is(out.split('\n').length, src.split('\n').length);
  assert.ok(out.includes("'x // y'") && !out.includes('gone'));
  assert.ok(out.includes('/a\\/\\/b/') && out.includes('`q /* r */`'));
});

test.run();
