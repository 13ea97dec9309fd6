/**
 * The pvcheck command as a user runs it: exit codes, one-line errors for every
 * kind of bad input, the JSON report, the state dump, traces written and
 * replayed. Each case spawns `node bin/pvcheck.mjs`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { PROGRESS, ctrlCLongSearch, pvcheck, badInput as badInputIn } from './support/cli.js';
import { scratchDir } from './support/tmp.js';
import { writtenAtArgs } from './support/bounds.js';

const root = resolve(import.meta.dirname, '..');
const tmp = scratchDir('pvcheck-cli-');

const pv = (args: string[], cwd = tmp) => pvcheck(args, cwd);

const badInput = (args: string[], what: RegExp): void => badInputIn(args, what, tmp);

const fx = (f: string) => join(root, 'test/fixtures', f);

test('check ring-notify 4x8 --json: the benchmark figures and the state-set digest', () => {
  const dump = join(tmp, 'states.txt');
  const r = pv(['check', 'ring-notify', '--param', 'ringSize=4', '--param', 'messages=8', '--json', '--dump-states', dump]);
  assert.is(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.is(j.outcome, 'ok');
  assert.is(j.distinctStates, 19184);
  assert.is(j.edges, 37589);
  assert.is(j.depth, 81);
  assert.is(j.stateSetSha256, 'a361cbb07160d946ec95d828307455cb87084daed1415283a13a936302ac227c');
  assert.is(readFileSync(dump, 'utf8').split('\n').length - 1, 19184);
  for (const k of ['model', 'params', 'seconds', 'coverage']) assert.ok(k in j, k);
});

test('list MODEL prints only that model', () => {
  const r = pv(['list', 'grant']);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^grant: /);
  assert.not.match(r.out, /^ring-notify: /m);
});

test('list names every built-in model with its parameters and invariants', () => {
  const r = pv(['list']);
  assert.is(r.code, 0);
  assert.match(r.out, /ring-notify:/);
  assert.match(r.out, /ringSize=4 \(1\.\.1024\)/);
  assert.match(r.out, /I4_no_lost_wakeup/);
});

test('bad input: unknown model, parameter, invariant, values out of range or of the wrong type', () => {
  badInput(['check', 'no-such-model'], /unknown model 'no-such-model'/);
  badInput(['check', 'ring-notify', '--param', 'ringSize=3'], /ringSize=3 must be a power of two/);
  badInput(['check', 'ring-notify', '--param', 'ringSize=0'], /ringSize=0 is out of range/);
  badInput(['check', 'ring-notify', '--param', 'messages=many'], /messages must be an integer/);
  badInput(['check', 'ring-notify', '--param', 'colour=blue'], /unknown parameter 'colour'/);
  badInput(['check', 'ring-notify', '--param', 'ringSize'], /--param expects name=value/);
  badInput(['check', 'ring-notify', '--invariant', 'I9'], /no invariant 'I9'/);
  badInput(['check', 'ring-notify', '--max-states', '-5'], /--max-states|max-states/);
  badInput(['check', 'ring-notify', '--format', 'xml'], /--format must be json or itf/);
  badInput(['check', 'ring-notify', '--bogus'], /bogus/);
  badInput(['frobnicate'], /unknown command 'frobnicate'/);
  badInput(['check'], /usage/);
  badInput(['check', 'ring-notify', '--max-states', '0'], /--max-states must be an integer of at least 1/);
  badInput(['check', 'ring-notify', '-p', 'ringSize=4', '-p', 'ringSize=8'], /--param ringSize is given twice/);
  badInput(['show', '-q'], /^pvcheck: error: unknown option '-q' \(see pvcheck help\)$/);
  badInput(['list', 'nope'], /unknown model 'nope'/);
});

test('bad input: user model files that do not load or export no model', () => {
  badInput(['check', fx('broken-syntax.ts')], /broken-syntax\.ts.*does not load/);
  badInput(['check', fx('no-model.ts')], /exports no model/);
  badInput(['check', fx('throws-on-load.ts')], /does not load: boom at load time/);
  badInput(['check', join(tmp, 'missing.ts')], /does not exist/);
  badInput(['check', fx('bad-rule.ts')], /x.*= 4 is outside its declared layout/);
});

test('bad input: traces that are missing, not JSON, or not traces', () => {
  writeFileSync(join(tmp, 'notjson.json'), '{ this is not json');
  writeFileSync(join(tmp, 'wrong.json'), JSON.stringify({ format: 'something-else', steps: [] }));
  badInput(['show', join(tmp, 'nope.json')], /nope\.json/);
  badInput(['show', join(tmp, 'notjson.json')], /notjson\.json/);
  badInput(['replay', join(tmp, 'wrong.json')], /wrong\.json/);
});

test('example (a): 34-step lost wake-up, written, shown, reproduced by the variant, diverging on ring-notify', () => {
  const trace = join(tmp, 'nr.trace.json');
  const r = pv(['check', join(root, 'examples/ring-no-recheck.ts'), '-p', 'ringSize=2', '-p', 'messages=4', '--json', '--trace-out', trace]);
  assert.is(r.code, 1, r.err);
  const j = JSON.parse(r.out);
  assert.is(j.outcome, 'violation');
  assert.is(j.violation.property, 'I4_no_lost_wakeup');
  assert.is(j.violation.length, 34);
  assert.is(j.violation.traceFile, trace);
  assert.ok(existsSync(trace));
  const show = pv(['show', trace]);
  assert.is(show.code, 0, show.err);
  assert.match(show.out, /B8b/);
  const again = pv(['replay', trace, '--model', join(root, 'examples/ring-no-recheck.ts')]);
  assert.is(again.code, 1, again.out + again.err);
  assert.match(again.out, /34/);
  // the report names the trace and the model; stderr has a line only while a goal search runs (test/cliInterrupt)
  assert.match(again.out, /^replay of \S+nr\.trace\.json on model \S+\n/);
  assert.is(again.err, '', 'a replay with nothing to wait for writes nothing on stderr');
  const orig = pv(['replay', trace, '--model', 'ring-notify']);
  assert.is(orig.code, 4, orig.out + orig.err);
  // ITF export replays the same way
  const itf = join(tmp, 'nr.itf.json');
  const r2 = pv(['check', join(root, 'examples/ring-no-recheck.ts'), '-p', 'ringSize=2', '-p', 'messages=4', '--format', 'itf', '--trace-out', itf, '-q']);
  assert.is(r2.code, 1);
  const parsed = JSON.parse(readFileSync(itf, 'utf8'));
  assert.ok(Array.isArray(parsed.states) && parsed.states.length === 35);
  assert.equal(parsed.states[1].req_prod, { '#bigint': '0' });
  const again2 = pv(['replay', itf, '--model', join(root, 'examples/ring-no-recheck.ts')]);
  assert.is(again2.code, 1, again2.out + again2.err);
});

test('output locations are checked before the search; --witnesses creates its folder', () => {
  badInput(['check', 'ring-notify', '--trace-out', join(tmp, 'no-such-dir', 't.json')], /--trace-out .*folder .*no-such-dir does not exist/);
  badInput(['check', 'ring-notify', '--dump-states', join(tmp, 'no-such-dir', 's.txt')], /--dump-states .*does not exist/);
  const dir = join(tmp, 'w', 'nested');
  const r = pv(['check', 'ring', '-p', 'counters=true', '-p', 'ringSize=1', '-p', 'messages=2', '--witnesses', dir, '-q']);
  assert.is(r.code, 0, r.err);
  const min = join(dir, 'ring-notifications-min.trace.json');
  assert.ok(existsSync(min), 'witness written into the created folder');
  assert.is(pv(['replay', min]).code, 0, 'a witness violates nothing and replays to its end');
});

test('--format itf: a counterexample ITF cannot carry is written as JSON with a warning, never lost', () => {
  const r = pv(['check', fx('fractional.ts'), '--format', 'itf', '-q']);
  assert.is(r.code, 1, r.err);
  assert.match(r.err, /^pvcheck: warning: .*0\.5 is not an integer.*writing pvcheck-fractional-quarter\.trace\.json \(JSON\) instead$/m);
  const file = join(tmp, 'pvcheck-fractional-quarter.trace.json');
  assert.ok(existsSync(file));
  assert.not.ok(existsSync(join(tmp, 'pvcheck-fractional-quarter.itf.json')));
  assert.match(r.out, /trace +pvcheck-fractional-quarter\.trace\.json/);
  assert.is(pv(['replay', file, '--model', fx('fractional.ts')]).code, 1, 'the JSON trace reproduces the violation');
});

test('bounds: a cut search is incomplete (exit 3), never ok', () => {
  const r = pv(['check', 'ring-notify', '--max-states', '100', '--json', '-q']);
  assert.is(r.code, 3);
  const j = JSON.parse(r.out);
  assert.is(j.outcome, 'incomplete');
  assert.is(j.incompleteReason, 'max-states');
  const d = pv(['check', 'ring-notify', '--max-depth', '10', '--json', '-q']);
  assert.is(d.code, 3);
  assert.is(JSON.parse(d.out).incompleteReason, 'max-depth');
});

test('--matrix checks every combination and prints one row each', () => {
  const r = pv(['check', join(root, 'examples/ring-batched-final-check.ts'), '--matrix', 'batch=1,2', '--json', '-q']);
  assert.is(r.code, 1, r.err);
  const rows = JSON.parse(r.out);
  assert.is(rows.length, 2);
  assert.is(rows[0].outcome, 'ok');
  assert.is(rows[1].outcome, 'violation');
  assert.is(rows[1].property, 'I4_no_lost_wakeup');
  badInput(['check', 'ring-notify', '--matrix', 'nope=1,2'], /no parameter 'nope'/);
  badInput(['check', 'ring-notify', '--matrix', 'ringSize=2,3'], /ringSize=3 must be a power of two/);
});

test('Ctrl-C stops a long search cleanly with a partial report (exit 3)', async () => {
  // signalled at its first progress line, not after a fixed sleep (a cold transpile cache on a
  // loaded machine takes longer); test/support/interruptRepeat.ts runs this case 200 times
  const r = await ctrlCLongSearch(tmp);
  assert.not.ok(r.early, `the search ended before it was interrupted: ${r.err}`);
  assert.is(r.code, 3, r.err);
  const j = JSON.parse(r.out);
  assert.is(j.outcome, 'incomplete');
  assert.is(j.incompleteReason, 'interrupted');
  assert.ok(j.distinctStates > 0);
  assert.match(r.err, PROGRESS, 'a progress line was printed on stderr');
});

test('list cites no file a user does not have (../shared), and names the --dump-states fields of a flat model', () => {
  const r = pv(['list']);
  assert.is(r.code, 0, r.err);
  assert.not.match(r.out, /\.\.\/shared/);
  assert.match(r.out, /--dump-states fields \(at the defaults\): req_prod,req_event,rsp_prod,rsp_event,fe_pc,/);
  assert.not.match(readFileSync(join(root, 'README.md'), 'utf8'), /\.\.\/shared\/bench\/ring-spec/);
});

test('show finds a trace\'s model file from the trace\'s folder when run from elsewhere (its pictures are kept)', () => {
  const proj = join(tmp, 'proj');
  const away = join(tmp, 'a', 'b', 'c');
  mkdirSync(proj, { recursive: true });
  mkdirSync(away, { recursive: true });
  // the check runs in proj with the model given relative to proj; the trace is written there
  const rel = relative(proj, join(root, 'examples/ring-no-recheck.ts'));
  const c = pv(['check', rel, '-p', 'ringSize=2', '-p', 'messages=4', '-q'], proj);
  assert.is(c.code, 1, c.err);
  const trace = join(proj, 'pvcheck-ring-no-recheck-I4_no_lost_wakeup.trace.json');
  const here = pv(['show', trace], proj);
  const there = pv(['show', trace], away);
  assert.is(there.code, 0, there.err);
  assert.match(here.out, /^  \| /m, 'pictures from the check folder');
  assert.match(there.out, /^  \| /m, 'pictures from another folder');
  assert.is(there.out, here.out);
});

test('check grant: a rule the default quotient folds is named as folded, not as never fired; the faithful model fires it', () => {
  const q = pv(['check', 'grant', '--workers', '1', ...writtenAtArgs('grant')]);
  const line = q.out.split('\n').find((l) => l.startsWith('  coverage'));
  assert.ok(line, q.out);
  assert.match(line!, /folded into others by the quotient: rogue_end_transitive$/);
  assert.not.match(line!.split('; folded')[0]!, /rogue_end_transitive/);
  const f = pv(['check', 'grant', '--workers', '1', ...writtenAtArgs('grant', { transWrites: 'steps' })]);
  const fl = f.out.split('\n').find((l) => l.startsWith('  coverage'))!;
  assert.not.match(fl, /rogue_end_transitive|folded/);
});

test.run();
