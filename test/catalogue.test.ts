/**
 * `pvcheck catalogue` (issue 16 point 9): the @pvcheck headers of examples/
 * read as docs/examples.md says, every example run with its declared command
 * and compared with its declared result, a mismatch found (exit 1) and named;
 * and the README's variant tables agree with the same headers.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { catalogueRows, parseHeader, readHeader, type Header } from '../cli/catalogue.js';
import { check } from '../checker/explore.js';
import { grant } from '../model/grant.js';
import { resolveParams } from '../model/params.js';
import { bind, propertyNames } from '../properties/bind.js';
import { scratchDir } from './support/tmp.js';

const root = resolve(import.meta.dirname, '..');
const fx = (f: string) => join(root, 'test/fixtures/catalogue', f);

function pv(args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin/pvcheck.mjs'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const header = (body: string) => parseHeader('x.ts', `/**\n${body}\n */\nexport {};\n`);
const left = (body: string, what: RegExp) => {
  const h = header(body);
  assert.ok(E.isLeft(h), `refused: ${body}`);
  assert.match((h as E.Left<string>).left, what);
};

test('headers: the tags of docs/examples.md, and one-line errors with the line for malformed ones', () => {
  const h = header(
    [' * Prose.', ' * @pvcheck catalogue X-1 XSA-39 CVE-2013-0216', ' * @pvcheck check -p a=1  -p b=2', ' * @pvcheck expect violation P in 1 steps', ' * @pvcheck check', ' * @pvcheck expect ok', ' * @pvcheck fixed-by ring -p c=3'].join('\n'),
  );
  assert.ok(E.isRight(h));
  const r = (h as E.Right<Header>).right;
  assert.equal(r.catalogue, { id: 'X-1', refs: ['XSA-39', 'CVE-2013-0216'] });
  assert.equal(r.checks, [{ args: ['-p', 'a=1', '-p', 'b=2'], expect: 'violation P in 1 step' }, { args: [], expect: 'ok' }]);
  assert.equal(r.fixedBy, { model: 'ring', args: ['-p', 'c=3'] });
  left(' * @pvcheck check -p a=1', /has no expect line/);
  left(' * @pvcheck expect ok', /x.ts:2: @pvcheck expect without a check line above it/);
  left(' * @pvcheck check\n * @pvcheck expect violation P', /expect 'violation P': expected ok, violation PROPERTY in N steps/);
  left(' * @pvcheck check\n * @pvcheck expect ok\n * @pvcheck expect ok', /expect without a check line/);
  left(' * @pvcheck chek', /unknown tag @pvcheck chek/);
  left(' * @pvcheck catalogue X-1\n * @pvcheck catalogue X-2\n * @pvcheck check\n * @pvcheck expect ok', /second @pvcheck catalogue/);
  left(' * nothing', /no @pvcheck check line/);
  assert.ok(E.isLeft(parseHeader('y.ts', 'const x = 1;\n/** @pvcheck check */')), 'the header comment must lead the file');
});

test('every file of examples/ has a readable header', () => {
  const files = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length >= 30, `${files.length} examples`);
  for (const f of files) {
    const h = readHeader(join(root, 'examples', f));
    assert.ok(E.isRight(h), E.isLeft(h) ? h.left : '');
  }
});

test('catalogue FILES: declared results pass (exit 0), a changed result and a header error fail (exit 1) and are named', () => {
  const good = pv(['catalogue', fx('declared.ts'), '--json']);
  assert.is(good.code, 0, good.out + good.err);
  const g = JSON.parse(good.out);
  assert.is(g.mismatches, 0);
  assert.equal(
    g.rows.map((r: { what: string; got: string; catalogue: string }) => [r.catalogue, r.what, r.got]),
    [
      ['T-1', 'check -p ringSize=1 -p messages=2', 'violation I4_no_lost_wakeup in 23 steps'],
      ['T-1', 'check -p ringSize=1 -p messages=1', 'ok'],
      ['T-1', 'fixed-by ring-notify', 'ok'],
    ],
  );
  const bad = pv(['catalogue', fx('declared.ts'), fx('wrong.ts'), fx('no-header.ts')]);
  assert.is(bad.code, 1, bad.out + bad.err);
  const mism = bad.out.split('\n').filter((l) => /MISMATCH/.test(l));
  assert.is(mism.length, 3, bad.out);
  assert.match(bad.out, /wrong\.ts +check -p ringSize=1 -p messages=2 +violation I4_no_lost_wakeup in 22 steps +violation I4_no_lost_wakeup in 23 steps +<-- MISMATCH/);
  assert.match(bad.out, /wrong\.ts +fixed-by \.\/declared\.ts +ok +violation I4_no_lost_wakeup in 23 steps +<-- MISMATCH/);
  assert.match(bad.out, /no-header\.ts .*error: .*no leading \/\*\* \.\.\. \*\/ comment with an @pvcheck header/);
  assert.match(bad.out, /^6 checks of 3 examples in [\d.]+ s: 3 not as declared \(.*wrong\.ts, .*no-header\.ts\)$/m);
  const none = pv(['catalogue', join(root, 'test/fixtures/catalogue/none')]);
  assert.is(none.code, 2);
});

test('fixed-by --leave-out: the fix run leaves out a finding the fix model declares, and only it; another property or a check line is refused', async () => {
  const G19 = 'G19_readonly_grant_stays_readonly';
  const rows = await catalogueRows(fx('leave-out.ts'));
  assert.equal(rows.map((r) => [r.what, r.got, r.match]), [
    ['check -p copies=0 -p maps=0', `violation ${G19} in 7 steps`, true],
    [`fixed-by grant -p refs=1 -p pages=1 -p handles=2 --leave-out ${G19}`, 'ok', true],
  ]);
  // the whole space, as check-all's grant row leaves G19 out: every other property named
  const p = resolveParams(grant.params, { refs: '1', pages: '1', handles: '2', copies: '0', maps: '0' });
  const sys = bind(grant, (p as E.Right<any>).right, { invariants: [...propertyNames(grant), 'deadlock'].filter((n) => n !== G19) });
  const r = check((sys as E.Right<any>).right, { checkDeadlock: true });
  assert.is(r.outcome, 'ok');
  assert.is(rows[1]!.distinctStates, r.distinctStates);
  // the other properties stay checked (XSA-403's variant inherits grant's finding G19), only a declared
  // finding can be left out, and only by a fixed-by line (a check line is `pvcheck check`'s arguments)
  const dir = scratchDir('pvcheck-leave-out-');
  const ex = (f: string) => join(root, 'examples', f);
  const file = (name: string, check: string, fixedBy: string) => {
    const f = join(dir, name);
    writeFileSync(f, `/**\n * @pvcheck check ${check}\n * @pvcheck expect violation ${G19} in 7 steps\n * @pvcheck fixed-by ${fixedBy}\n */\nexport { default } from ${JSON.stringify(ex('grant-readonly-upgrade.ts'))};\n`);
    return f;
  };
  const other = await catalogueRows(file('other.ts', '-p copies=0 -p maps=0', `${ex('grant-xsa403.ts')} -p handles=2 --leave-out ${G19}`));
  assert.equal(other.map((r) => r.got), [`violation ${G19} in 7 steps`, 'violation G12_no_secret_through_grant in 1 step']);
  const notFinding = await catalogueRows(file('g6.ts', '-p copies=0 -p maps=0', 'grant --leave-out G6_status_tracks_pins'));
  assert.match(notFinding[1]!.got, /^error: --leave-out G6_status_tracks_pins: not a finding model grant declares \(its findings: G19_readonly_grant_stays_readonly\)/);
  const inCheck = await catalogueRows(file('check.ts', `-p copies=0 -p maps=0 --leave-out ${G19}`, 'grant'));
  assert.is(inCheck[0]!.got, "error: unknown option '--leave-out' (see pvcheck help)");
  assert.not.ok(inCheck[0]!.match);
});

// Every example's check lines are compared with their headers in-process, on one thread, once a run:
// by test/workers*.test.ts (test/support/workerCases.ts, before comparing with 3 workers) for the lines
// the workers take, by test/pinned.test.ts for the others and for every fixed-by row. test/package.test.ts
// runs one example of each model family through the installed `npx pvcheck catalogue` (CI).

/**
 * The README's variant tables: a row `| \`examples/F.ts\` | ... | \`check examples/F.ts ARGS\` | RESULT |`
 * must use a check line of F's header, and RESULT must state its declared
 * result (the property, or a prefix of it, and the number of steps; `ok`).
 */
test("the README's variant tables agree with the examples' headers", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  let rows = 0;
  for (const line of readme.split('\n')) {
    const m = /^\| `examples\/([\w.-]+\.ts)` \|.*\| `check examples\/\1((?: [^`]*)?)` \| (.*) \|\s*$/.exec(line);
    if (!m) continue;
    const [, file, rawArgs, result] = m as unknown as [string, string, string, string];
    if (/--matrix/.test(rawArgs)) continue; // a matrix row stands for several check lines
    rows++;
    const h = readHeader(join(root, 'examples', file));
    assert.ok(E.isRight(h), `README names ${file}, which has no header`);
    const args = rawArgs.trim().split(/\s+/).filter(Boolean).join(' ');
    const c = (h as E.Right<Header>).right.checks.find((x) => x.args.join(' ') === args);
    assert.ok(c, `README: check examples/${file} ${args}: not a check line of its header (${(h as E.Right<Header>).right.checks.map((x) => x.args.join(' ')).join(' | ')})`);
    const v = /^(?:violation (\S+)|deadlock) in (\d+) steps?$/.exec(c!.expect);
    if (!v) {
      assert.match(result, /^ok\b|verifies/, `README row of ${file}: declared ${c!.expect}, the table says: ${result}`);
      continue;
    }
    const named = [...result.matchAll(/`([\w-]+)`/g)].map((x) => x[1]!);
    assert.ok(named.some((n) => v[1]!.startsWith(n)), `README row of ${file}: declared ${c!.expect}, the table names ${named.join(', ') || 'no property'}`);
    assert.match(result, new RegExp(`\\b${v[2]} steps?\\b`), `README row of ${file}: declared ${c!.expect}, the table says: ${result}`);
  }
  assert.ok(rows >= 20, `${rows} README rows checked`);
});

test.run();
