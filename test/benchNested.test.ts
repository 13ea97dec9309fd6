/**
 * `npm run bench -- --nested REV`: the nested models timed against an older tree (issue 11, point 5),
 * in the same command as the ring-notify points. Bad input (a revision, a case, a point ring-notify
 * does not take, a worker count `check` refuses) is one line and exit 2 before anything runs; a commit is unpacked with `git archive` and compared, and the counts column says whether the
 * two trees explored the same space (HEAD against this checkout: it must).
 *
 * `--same-models` is tested on a folder, a copy of this tree's working files without
 * model/registry.ts: its checker can run this tree's models only (without the flag its own
 * models cannot load, and the bench fails). So the test needs no git: `npm run mutants` runs it
 * on a copy of the tree without .git (the pass-through of bench/bench.ts and bench/nested.ts's
 * choice of models have mutants). The test of `git archive` (HEAD unpacked) runs where this
 * tree is a git checkout and is skipped elsewhere.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { scratchDir } from './support/tmp.js';
import { CASES, RETIRED, WALL_EDGES_NOTE, WALL_HEADER, caseRefusal, controlArg, controlNote, wallRow, type RunResult } from '../bench/nested.js';

const root = resolve(import.meta.dirname, '..');
const bench = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/pvcheck.mjs', 'bench', ...args], { cwd: root, encoding: 'utf8' });
/** Whether this tree is a git checkout (not so in the copy `npm run mutants` makes). */
const isGit = spawnSync('git', ['-C', root, 'rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { encoding: 'utf8' }).status === 0;

/** The files a test of an older tree takes out of its copy (or puts back): each test says which it lacks. */
const SHAPED = ['model/registry.ts', 'model/ringWeakFlat.ts', 'checker/parallel.ts'] as const;
let copied: string | undefined;

/**
 * A base tree for `--nested DIR`: this tree's working files (as bin/mutants.mjs copies them: no
 * node_modules, no dot files; nor the folders no run loads: docs, test, examples, types, deploy), node_modules
 * linked, without the files named in `without` (of SHAPED; the others there): without model/registry.ts the only
 * models its checker can run are this tree's (`--same-models`); without checker/parallel.ts or
 * model/ringWeakFlat.ts it is a tree from before the workers or the word-level model as the bench sees it. One
 * copy a file, shaped again by each test (in any order).
 */
function checkerTree(without: readonly (typeof SHAPED)[number][]): string {
  if (!copied) {
    copied = scratchDir('pvcheck-nested-dir-');
    // entry by entry: in `npm run mutants`'s copy the scratch folder is inside the tree (its .tmp), which
    // cpSync of the whole tree refuses (a copy into itself) before any filter runs
    for (const top of readdirSync(root)) {
      if (top === 'node_modules' || top.startsWith('.') || ['docs', 'test', 'examples', 'types', 'deploy'].includes(top)) continue;
      cpSync(join(root, top), join(copied, top), {
        recursive: true,
        filter: (src) => !relative(root, src).split(/[\\/]/).some((p) => p === 'node_modules' || p.startsWith('.')),
      });
    }
    symlinkSync(join(root, 'node_modules'), join(copied, 'node_modules'), 'dir');
  }
  for (const f of SHAPED) {
    if (without.includes(f)) rmSync(join(copied, f), { force: true });
    else cpSync(join(root, f), join(copied, f));
  }
  return copied;
}

/** bench/nested.ts itself (its --workers and --wall are not passed through `pvcheck bench`). */
const nested = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', './bin/register.mjs', 'bench/nested.ts', ...args], { cwd: root, encoding: 'utf8' });

/** A run as bench/nested.ts run prints it, with the figures a --wall cell is computed from. */
const run = (states: number, edges: number, seconds: number, cpuSeconds: number): RunResult => ({
  case: 'grant22-150k', model: 'grant', outcome: 'cut', states, edges, depth: 9, seconds, cpuSeconds,
  bytesPerState: 20, rssPerState: 100, workers: 1, params: {},
});

// the tests that kill the bench's mutants first (test/mutants/bench.json: a mutant's run stops at the first failure)
test('bench/nested.ts --wall row: each tree\'s edges per state and the edges/s ratio beside the states/s one, from runs whose model grew (more edges a state in this tree)', () => {
  // the same 1,000 states; the base 3 edges a state, this tree 6 (a model that grew): this tree's states/s are
  // twice the base's (medians 1,000 and 2,000 over three runs each), its edges/s four times
  const base = [run(1000, 3000, 1, 1), run(1000, 3000, 2, 2), run(1000, 3000, 0.8, 0.8)];
  const mine = [run(1000, 6000, 0.5, 0.5), run(1000, 6000, 0.25, 0.4), run(1000, 6000, 1, 1)];
  const head = WALL_HEADER.split(' | ');
  const row = wallRow('grant22-150k', base, mine, []).split(' | ');
  assert.is(row.length, head.length, row.join(' | '));
  const cell = (k: string) => row[head.indexOf(k)];
  assert.equal(
    ['base states/s', 'this states/s', 'wall ratio', 'base edges/state', 'this edges/state', 'edges/s wall ratio', 'base states/CPU s', 'this states/CPU s', 'CPU ratio'].map(cell),
    ['1000', '2000', '2.00', '3.00', '6.00', '4.00', '1000', '2000', '2.00'],
  );
  // the edge columns stand beside the wall ratio, the figure, which keeps its place
  assert.equal(head.slice(3, 9), ['base states/s', 'this states/s', 'wall ratio', 'base edges/state', 'this edges/state', 'edges/s wall ratio']);
  // without a base: this tree's cells only, no ratio
  const alone = wallRow('grant22-150k', [], mine, []).split(' | ');
  assert.equal([alone[head.indexOf('base edges/state')], alone[head.indexOf('this edges/state')], alone[head.indexOf('edges/s wall ratio')]], ['', '6.00', '']);
});

// (session 34: the control and -p are tried here on xenbus-small too, a few seconds in, not only in the longer tests below)
test('bench/nested.ts caseRefusal: a retired case (grant22) refused with its hint, an unknown one with the cases known, a case not at all', () => {
  assert.is(caseRefusal('grant22', '--cases'), `--cases: case 'grant22' is ${RETIRED.grant22}`);
  assert.match(caseRefusal('grant22', '--cases')!, /after 24,506 states .*: grant22-noG19 is the whole 2x2 space/);
  assert.match(caseRefusal('nope', 'run')!, /^run: unknown case 'nope' \(cases: .*grant22-noG19/);
  for (const c of Object.keys(CASES)) assert.is(caseRefusal(c, '--cases'), undefined, c);
  // a name inherited from Object.prototype is no case
  assert.match(caseRefusal('toString', '--cases')!, /^--cases: unknown case 'toString'/);
});

// in-process, at once (nested-control-grant-dropped: it was test 20, 36 s in)
test('bench/nested.ts --control by default: issue 11\'s cases and every grant case among those run (grant22-noG19 included: ~4 s a run today), no other; `none`, `all`, names', () => {
  const cases = Object.keys(CASES);
  const byDefault = [...controlArg([], cases)];
  assert.equal(byDefault, cases.filter((c) => /^(ring-weak|xenbus\d|grant)/.test(c)));
  for (const c of ['grant22-noG19', 'grant22-150k', 'grant11', 'ring-weak', 'ring-weak-flat', 'xenbus4', 'xenbus6-nested']) assert.ok(byDefault.includes(c), c);
  for (const c of ['xenbus-small', 'xenbus', 'ring-tso', 'ring-pair', 'netif-tx']) assert.not.ok(byDefault.includes(c), c);
  assert.equal([...controlArg([], ['netif-tx', 'grant22-noG19', 'xenbus'])], ['grant22-noG19']);
  assert.equal([...controlArg(['--control', 'none'], ['grant22-noG19'])], []);
  assert.equal([...controlArg(['--control', 'all'], ['netif-tx', 'xenbus'])], ['netif-tx', 'xenbus']);
  assert.equal([...controlArg(['--control', 'netif-tx'], ['netif-tx', 'grant11'])], ['netif-tx']);
  assert.is(controlNote(new Set(['grant22-noG19', 'xenbus4']), false), 'control: grant22-noG19, xenbus4 (by default: ring-weak*, xenbusN*, grant*; --control CASES|all|none)');
  assert.is(controlNote(new Set(), true), 'no control (--control)');
});

test('bench/nested.ts compare --quiet --control xenbus-small: the runs in a session of their own at autogroup niceness -19 (or one line saying it could not be set), the same table, the control run and named in the first line', () => {
  const r = nested('compare', '--quiet', '--repeat', '1', '--cases', 'xenbus-small', '--control', 'xenbus-small');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^xenbus-small \| ok \| 2103 \|.* \| \d+\.\d\d \(\d+\.\d\d-\d+\.\d\d\) \| \d+\.\d\d \(\d+\.\d\d-\d+\.\d\d\)$/m);
  assert.match(r.stderr, /^xenbus-small control #1: .*, 2103 states$/m);
  assert.match(r.stdout.split('\n')[0]!, /; control: xenbus-small \(--control\); --quiet: |; control: xenbus-small \(--control\)$/);
  const set = /; --quiet: a session of its own, (\/autogroup-\d+) nice (-?\d+)$/m.exec(r.stdout);
  if (set) {
    // another autogroup than this process's (a new session), at -19
    const own = readFileSync('/proc/self/autogroup', 'utf8').split(' ')[0];
    assert.is.not(set[1], own, r.stdout);
    assert.is(set[2], '-19', r.stdout);
  } else assert.match(r.stderr, /^bench\/nested\.ts: --quiet: this session's autogroup niceness could not be set \(.+\): the runs share the machine as without it$/m);
  // a bad argument is refused by the command itself, before any session is made
  const bad = nested('compare', '--quiet', '--repeat', '0');
  assert.is(bad.status, 2);
  assert.is(bad.stderr, "bench/nested.ts: --repeat expects a whole number of runs from 1, got '0'\n");
});

test('bench/nested.ts run xenbus-small -p events=2: the case at the parameter given (the JSON line says it), not its own events=1', () => {
  const r = nested('run', 'xenbus-small', '-p', 'events=2');
  assert.is(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout.trim()) as { states: number; params: Record<string, unknown> };
  assert.equal([j.params.events, j.params.guestClose, j.params.reconnect], [2, 1, 1], r.stdout);
  assert.ok(j.states > 2103, `states ${j.states}: events=1's are 2,103`);
});

test('bench --quiet (npm run bench): the command again in a session of its own at autogroup niceness -19 (bench/quiet.ts, shared with nested.ts), its first line says so (or one line says it could not be set); the same table', () => {
  const r = bench('--quiet', '--points', '1x1', '--repeat', '1');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^1x1 +pvcheck --workers 1 +254 +459 /m);
  const first = r.stderr.split('\n')[0]!;
  const set = /^# node .*; --quiet: a session of its own, (\/autogroup-\d+) nice (-?\d+)$/.exec(first);
  if (set) {
    const own = readFileSync('/proc/self/autogroup', 'utf8').split(' ')[0];
    assert.is.not(set[1], own, first);
    assert.is(set[2], '-19', first);
  } else {
    assert.match(first, /^pvcheck bench: --quiet: this session's autogroup niceness could not be set \(.+\): the runs share the machine as without it$/);
    assert.match(r.stderr.split('\n')[1]!, /^# node .*no peer \(use --spin, --rumur\)$/);
  }
});

test('bench --nested DIR --same-models: DIR\'s checker runs this tree\'s models (DIR has none: the line says so, counts equal); without the flag DIR\'s own models are run, and fail to load', () => {
  const dir = checkerTree(['model/registry.ts']);
  const r = bench('--nested', dir, '--nested-cases', 'xenbus-small', '--repeat', '1', '--same-models');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /: its checker on this tree's models: xenbus-small, 1 runs each/);
  assert.match(r.stdout, /; base: .*'s checker on this tree's models/);
  const row = r.stdout.split('\n').find((l) => l.startsWith('xenbus-small |'));
  assert.is(row?.split('|').map((c) => c.trim())[5], 'equal', r.stdout);
  assert.ok(existsSync(dir), 'a folder given is used as it is, not removed');
  const own = bench('--nested', dir, '--nested-cases', 'xenbus-small', '--repeat', '1');
  assert.is.not(own.status, 0, own.stdout);
  // without --same-models the trees run as `pvcheck check` runs them (issue 11's figures)
  assert.match(own.stderr, /: as pvcheck check runs them \(compare --workers default --wall\): xenbus-small/, own.stderr);
  assert.match(own.stderr, /run xenbus-small in .*pvcheck-nested-dir-.* failed/);
});

test('bench/nested.ts compare --workers 2 --wall --control xenbus-small against a tree without workers: it runs one thread, this tree two; both ratios side by side, the control\'s beside them', () => {
  // this tree's files without checker/parallel.ts: a tree from before the workers (f6f19a3) as the bench sees it
  const dir = checkerTree(['checker/parallel.ts']);
  const r = nested('compare', '--repeat', '1', '--base', dir, '--cases', 'xenbus-small', '--workers', '2', '--wall', '--control', 'xenbus-small');
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  const head = lines.find((l) => l.startsWith('case | outcome'))!.split(' | ');
  const row = lines.find((l) => l.startsWith('xenbus-small |'))!.split(' | ');
  const cell = (k: string) => row[head.indexOf(k)];
  assert.is(cell('counts'), 'equal', r.stdout);
  assert.is(cell('base workers'), '1', r.stdout);
  assert.is(cell('this workers'), '2', r.stdout);
  assert.match(r.stderr, /xenbus-small base #1: .* states, 1 worker\n/);
  assert.match(r.stderr, /xenbus-small this #1: .* states, 2 workers \(--workers 2 given\)/);
  // the wall view: its own header, the row of the case with both ratios, computed from the medians it shows
  const at = lines.findIndex((l) => l.startsWith('case | base workers | this workers | base states/s | this states/s | wall ratio'));
  assert.ok(at > 0, r.stdout);
  assert.match(lines[at - 1]!, /per CPU second .*medians of 1; --workers 2/);
  const wHead = lines[at]!.split(' | ');
  const w = lines[at + 1]!.split(' | ');
  const wcell = (k: string) => w[wHead.indexOf(k)];
  assert.is(w[0], 'xenbus-small');
  assert.equal([wcell('base workers'), wcell('this workers')], ['1', '2']);
  const [bw, tw, wr, bc, tc, cr, be, te, er] = [
    'base states/s', 'this states/s', 'wall ratio', 'base states/CPU s', 'this states/CPU s', 'CPU ratio', 'base edges/state', 'this edges/state', 'edges/s wall ratio',
  ].map((k) => Number(wcell(k)));
  assert.ok(Math.abs(wr! - tw! / bw!) < 0.01, lines[at + 1]);
  assert.ok(Math.abs(cr! - tc! / bc!) < 0.01, lines[at + 1]);
  // edges per state: the main table's edges over its states, the same in both trees (the same model); so the
  // edges/s ratio is the states/s one
  assert.is(be, te, lines[at + 1]);
  assert.ok(Math.abs(te! - Number(cell('edges')) / Number(cell('states'))) < 0.006, `${lines[at + 1]} against ${cell('edges')} / ${cell('states')}`);
  assert.ok(Math.abs(er! - wr!) < 0.006, lines[at + 1]);
  assert.ok(lines.includes(WALL_EDGES_NOTE), r.stdout);
  // the main table's ratio per CPU second is the same figure
  assert.ok(Math.abs(Number(cell('states/CPU s ratio')) - cr!) < 0.051, r.stdout);
  // the control: this tree run once more (the same worker count), its ratios to this tree's run in both tables
  const ctl = /^xenbus-small control #1: ([\d.]+) s \(([\d.]+) s CPU\), \d+ states, 2 workers/m.exec(r.stderr);
  const own = /^xenbus-small this #1: ([\d.]+) s \(([\d.]+) s CPU\)/m.exec(r.stderr);
  assert.ok(ctl && own, r.stderr);
  const cellRe = /^(\d+\.\d\d) \((\d+\.\d\d)-(\d+\.\d\d)\)$/;
  for (const [got, thisS, ctlS] of [
    [cell('control states/s ratio'), own![1], ctl![1]],
    [cell('control states/CPU s ratio'), own![2], ctl![2]],
    [wcell('control wall ratio'), own![1], ctl![1]],
    [wcell('control CPU ratio'), own![2], ctl![2]],
  ]) {
    const m = cellRe.exec(got ?? '');
    assert.ok(m, `control cell '${got}'`);
    // one round: the median is the pair's ratio, the only one; seconds on stderr are rounded to 0.01
    assert.equal([m![2], m![3]], [m![1], m![1]], got);
    assert.ok(Math.abs(Number(m![1]) - Number(thisS) / Number(ctlS)) < 0.03 * Number(m![1]) + 0.011, `${got} against ${thisS} / ${ctlS}`);
  }
  assert.match(r.stdout, /^control \(xenbus-small\): this tree run again/m);
  assert.match(lines[0]!, /; control: xenbus-small \(--control\)$/);
  // without --wall, no second table; xenbus-small is not controlled by default (issue 11's and grant's cases are), so no control run
  const plain = nested('compare', '--repeat', '1', '--cases', 'xenbus-small');
  assert.not.match(plain.stdout, /wall ratio/);
  assert.not.match(plain.stdout + plain.stderr, /control #|^control /m);
  assert.match(plain.stdout.split('\n')[0]!, /; no control \(by default: ring-weak\*, xenbusN\*, grant\*; --control CASES\|all\|none\)$/);
  assert.match(plain.stdout, /^xenbus-small \|.* \| 1 \|  \| $/m);
});

test('bench/nested.ts run ring-weak-flat -p ringSize=1 -p messages=1: the word-level model where the tree has it (ring\'s counts), ring itself in a tree without it; ring-weak with --workers on the fast path, ring-weak-nested on ring; -p overrides the case\'s parameters', () => {
  // the cases at ringSize=1 messages=1 (24,729 states, not ring-weak's 440,125): what is tested is which model each tree runs
  const run = (...a: string[]) => {
    const r = nested('run', ...a, '-p', 'ringSize=1', '-p', 'messages=1');
    assert.is(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim()) as { model: string; states: number; edges: number; depth: number; outcome: string; params: Record<string, unknown> };
  };
  const flat = run('ring-weak-flat');
  // the run was at the parameters given, the case's own otherwise (checked at once: without -p each run is 440,125 states)
  const given = (r: typeof flat) =>
    assert.equal([r.params.ringSize, r.params.messages, r.params.memory, r.params.frontend], [1, 1, 'weak', 'hostile'], JSON.stringify(r.params));
  given(flat);
  const weak = run('ring-weak-nested');
  // with --workers, as `pvcheck check ring` runs it: on the word-level model (cli/fastPath.ts)
  const cli = run('ring-weak', '--workers', '1');
  assert.equal([flat.model, weak.model, cli.model], ['ring-weak-flat', 'ring', 'ring-weak-flat']);
  for (const r of [flat, cli]) assert.equal([r.states, r.edges, r.depth, r.outcome], [weak.states, weak.edges, weak.depth, weak.outcome]);
  // a tree from before the word-level model (f6f19a3) as the bench sees it: the case runs its nested model
  const old = run('ring-weak-flat', checkerTree(['model/ringWeakFlat.ts']));
  assert.equal([old.model, old.states], ['ring', weak.states]);
  for (const r of [weak, cli, old]) given(r);
});

for (const [args, says] of [
  [['--nested', 'no-such-revision'], /--nested: 'no-such-revision' is neither a folder nor a commit/],
  [['--nested', 'HEAD', '--nested-cases', 'xenbus,nope'], /--nested-cases: unknown case 'nope' \(cases: .*xenbus4/],
  // a retired case (bench/nested.ts RETIRED): its hint, not the bare list, before anything is unpacked
  [['--nested', 'HEAD', '--nested-cases', 'xenbus4,grant22'], /--nested-cases: case 'grant22' is retired \(it stopped at the G19 finding .*\): grant22-noG19 is the whole 2x2 space/],
  [['--nested-cases', 'xenbus'], /--nested-cases needs --nested REV/],
  [['--same-models'], /--same-models needs --nested REV/],
  [['--nested', 'test'], /--nested: test is a folder but not a pvcheck checkout/],
  // the points are ring-notify's ringSize x messages, refused as `check ring-notify` refuses them
  [['--points', '3x16'], /--points 3x16: ringSize=3 must be a power of two/],
  [['--points', '4x16,4x0'], /--points 4x0: messages=0 is out of range 1\.\.65535/],
  [['--points', '99999x16'], /--points 99999x16: ringSize=99999 is out of range 1\.\.1024/],
  [['--points', '4x16', '--workers', '1,9999'], /--workers 9999 is more worker threads than pvcheck starts/],
  // checked in the quiet session before its niceness is set: the refusal and its status come through it
  [['--quiet', '--points', '3x16'], /^pvcheck: error: --points 3x16: ringSize=3 must be a power of two/],
] as const) {
  test(`bench ${args.join(' ')}: one line, exit 2`, () => {
    const r = bench(...args);
    assert.is(r.status, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.is(lines.length, 1, r.stderr);
    assert.match(lines[0]!, says);
    assert.is(r.stdout, '');
  });
}

(isGit ? test : test.skip)('bench --nested HEAD --nested-cases xenbus-small: HEAD unpacked, both trees run, counts equal, the folder removed', () => {
  const r = bench('--nested', 'HEAD', '--nested-cases', 'xenbus-small', '--repeat', '1');
  assert.is(r.status, 0, r.stderr);
  const row = r.stdout.split('\n').find((l) => l.startsWith('xenbus-small |'));
  assert.ok(row, r.stdout);
  const cells = row!.split('|').map((c) => c.trim());
  // the outcome is the model's; what is compared is that both trees ran it
  assert.match(cells[1]!, /^(ok|deadlock|violation)$/, row);
  assert.ok(Number(cells[2]) > 1000, `states ${cells[2]}`);
  assert.is(cells[5], 'equal', row);
  assert.match(r.stderr, /xenbus-small base #1: .* states/);
  assert.match(r.stderr, /xenbus-small this #1: .* states/);
  // as `pvcheck check` runs them (issue 11's figures): the default workers, the wall table beside the CPU one
  assert.match(r.stderr, /: as pvcheck check runs them \(compare --workers default --wall\)/);
  assert.match(r.stdout, /^case \| base workers \| this workers \| base states\/s \| this states\/s \| wall ratio/m, r.stdout);
  // the folder HEAD was unpacked into (named on the first line) is gone; another bench running at the same
  // minute (a second checkout) may have its own, so the shared tmpdir is not compared as a whole
  const folder = /^# nested models against HEAD \((.*pvcheck-nested-base-[^)]+)\)/m.exec(r.stderr)?.[1];
  assert.ok(folder && folder.startsWith(tmpdir()), r.stderr);
  assert.not.ok(existsSync(folder!), `${folder} left behind`);
});

for (const [args, says] of [
  [['compare', '--workers', '0'], /^bench\/nested\.ts: --workers expects a number of worker threads from 1 to 1024 or 'default', got '0'$/],
  [['compare', '--workers', 'two'], /got 'two'$/],
  [['compare', '--workers', '1025'], /got '1025'$/],
  [['compare', '--workers'], /got nothing$/],
  [['run', 'xenbus', '--workers', '2.5'], /got '2\.5'$/],
  [['compare', '--cases', 'xenbus,nope'], /^bench\/nested\.ts: --cases: unknown case 'nope' \(cases: .*xenbus4/],
  [['compare', '--cases', 'xenbus,grant22'], /^bench\/nested\.ts: --cases: case 'grant22' is retired \(it stopped at the G19 finding after 24,506 states .*\): grant22-noG19 is the whole 2x2 space with G19 left out, grant22-150k and grant22-600k its first states$/],
  [['run', 'grant22'], /^bench\/nested\.ts: run: case 'grant22' is retired \(.*\): grant22-noG19 /],
  [['run', 'nope'], /^bench\/nested\.ts: run: unknown case 'nope' \(cases: .*xenbus4/],
  [['run'], /^bench\/nested\.ts: run expects a case \(cases: .*xenbus4/],
  [['compare', '--repeat', '0'], /^bench\/nested\.ts: --repeat expects a whole number of runs from 1, got '0'$/],
  [['compare', '--cases', 'xenbus,grant11', '--control', 'xenbus4'], /^bench\/nested\.ts: --control: 'xenbus4' is not a case run here \(cases run: xenbus, grant11\)$/],
  [['compare', '--cases', 'grant'], /^bench\/nested\.ts: --cases: case 'grant' is retired \(it ran each tree's own defaults: .*\): grant11 pins refs=1 pages=1, grant22-noG19 is refs=2 pages=2$/],
  [['compare', '--control'], /^bench\/nested\.ts: --control expects case names, 'all' or 'none', got nothing$/],
  [['compare', '-p', 'events=1'], /^bench\/nested\.ts: -p is run's only: compare's figures are each case at its own parameters$/],
  [['run', 'xenbus-small', '-p', 'events'], /^bench\/nested\.ts: -p expects name=value, got 'events'$/],
  [['run', 'xenbus-small', '-p', 'events=1', '-p', 'events=2'], /^bench\/nested\.ts: -p events is given twice \('1' and '2'\)$/],
  [['run', 'xenbus-small', '-p', 'nope=1'], /^bench\/nested\.ts: xenbus-small: unknown parameter 'nope' \(known: .*events/],
] as const) {
  test(`bench/nested.ts ${args.join(' ')}: one line, exit 2`, () => {
    const r = nested(...args);
    assert.is(r.status, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.is(lines.length, 1, r.stderr);
    assert.match(lines[0]!, says);
    assert.is(r.stdout, '');
  });
}

test('bench/nested.ts RETIRED: no retired name is a case again, and each hint names only cases that exist', () => {
  assert.ok(Object.keys(RETIRED).length > 0);
  for (const [name, hint] of Object.entries(RETIRED)) {
    assert.not.ok(name in CASES, name);
    const named = hint.match(/\bgrant(?:11|22-[\w-]+)|\bxenbus\d[\w-]*|\bring-[\w-]+/g) ?? [];
    assert.ok(named.length > 0, hint);
    for (const c of named) assert.ok(c in CASES, `${name}'s hint names '${c}', not a case`);
  }
});

test('bench/nested.ts run --workers 2: the CLI\'s search on two worker threads, the same counts as one thread; --workers 1 and none: one', () => {
  const run = (...w: string[]) => {
    const r = nested('run', 'xenbus-small', ...w);
    assert.is(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim()) as { states: number; edges: number; depth: number; outcome: string; workers: number; workersWhy?: string; cpuSeconds: number };
  };
  const two = run('--workers', '2');
  const one = run('--workers', '1');
  const plain = run();
  assert.is(two.workers, 2);
  assert.is(two.workersWhy, '--workers 2 given');
  assert.is(one.workers, 1);
  assert.is(one.workersWhy, '--workers 1 given');
  assert.is(plain.workers, 1);
  assert.is(plain.workersWhy, undefined);
  for (const r of [two, one]) assert.equal([r.states, r.edges, r.depth, r.outcome], [plain.states, plain.edges, plain.depth, plain.outcome]);
  assert.ok(plain.states > 1000, `states ${plain.states}`);
});

test.run();
