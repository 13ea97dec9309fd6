import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { spawnSync } from 'node:child_process';
import { produce } from 'immer';
import { readFileSync, readdirSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ringApi, type RingApiParams } from '../model/ringApi.js';
import { ringNotify } from '../model/ringNotify.js';
import noFullCheck from '../conformance/examples/ring-api-no-full-check.js';
import type { Model } from '../model/core.js';
import { bind } from '../properties/bind.js';
import { check } from '../checker/explore.js';
import { traceFromViolation } from '../traces/format.js';
import { writeTraceFile } from '../traces/io.js';
import { generateSuite, vectorFromTrace } from '../conformance/generate.js';
import { encodeSuite, parseSuite, vectorToItf, type Vector } from '../conformance/format.js';
import { vectorsCommand } from '../cli/vectors.js';
import { writeSuite } from '../conformance/suite.js';
import { scratchDir } from './support/tmp.js';

const P0: RingApiParams = { ringSize: 2, messages: 3, startIndex: 0 };
const right = <A>(e: E.Either<string, A>): A => {
  if (E.isLeft(e)) throw new Error(e.left);
  return e.right;
};

/** A naive reference: BFS over the model's rules (JSON keys, immer produce), the least number of steps before each rule first fires. */
function naiveFirstFire<S, P>(m: Model<S, P>, p: P): Map<string, number> {
  const seen = new Set<string>();
  let level: S[] = [...m.init(p)];
  for (const s of level) seen.add(JSON.stringify(s));
  const first = new Map<string, number>();
  for (let d = 0; level.length; d++) {
    const next: S[] = [];
    for (const s of level)
      for (const r of m.rules) {
        if (r.choices) throw new Error('no choices in these models');
        if (r.when && !r.when(s, p, undefined)) continue;
        if (!first.has(r.name)) first.set(r.name, d);
        const t = produce(s, (dr: any) => void r.then(dr, s, p, undefined));
        const k = JSON.stringify(t);
        if (!seen.has(k)) {
          seen.add(k);
          next.push(t);
        }
      }
    level = next;
  }
  return first;
}

test('ring-api rules suite: every rule covered, each vector the shortest path to its goal (naive BFS reference)', () => {
  const { vectors, report } = right(generateSuite(ringApi, P0));
  assert.equal(report.unreachableRules, []);
  assert.is(report.covered, ringApi.rules.length);
  assert.is(report.goals, ringApi.rules.length);
  const cov = vectors.filter((v) => v.suite === 'rules');
  const covered = new Set(cov.flatMap((v) => v.steps.map((s) => s.call)));
  assert.equal([...covered].sort(), ringApi.rules.map((r) => r.name).sort());
  const first = naiveFirstFire(ringApi, P0);
  for (const v of cov) {
    const goal = /^shortest path to (\S+);/.exec(v.reason)![1]!;
    assert.is(v.steps[v.steps.length - 1]!.call, goal, v.id);
    assert.is(v.steps.length, first.get(goal)! + 1, `${v.id}: shortest path to ${goal}`);
  }
});

test('ring-api: the hand-worked shortest path to consume_response and its observations', () => {
  const { vectors } = right(generateSuite(ringApi, P0, { boundaries: false }));
  const v = vectors.find((x) => x.steps[x.steps.length - 1]!.call === 'consume_response')!;
  assert.equal(v.steps.map((s) => s.call), [
    'FRONT_RING_INIT', 'BACK_RING_INIT', 'produce_request', 'RING_PUSH_REQUESTS_AND_CHECK_NOTIFY',
    'consume_request', 'produce_response', 'RING_PUSH_RESPONSES_AND_CHECK_NOTIFY', 'consume_response',
  ]);
  // SHARED_RING_INIT: prods 0, events 1
  assert.equal(v.steps[0]!.expect, { req_prod: 0, req_event: 1, rsp_prod: 0, rsp_event: 1, req_prod_pvt: 0, rsp_cons: 0 });
  // req_event 1 is in (__old 0, __new 1]: notify
  assert.is(v.steps[3]!.expect.notify, true);
  assert.is(v.steps[4]!.expect.payload, 0);
  assert.is(v.steps[4]!.expect.req_cons, 1);
  assert.is(v.steps[5]!.args!.payload, 0xffffffff); // ~0
  assert.is(v.steps[6]!.expect.notify, true); // rsp_event 1 in (0, 1]
  assert.equal(v.steps[7]!.expect, { payload: 0xffffffff, req_prod: 1, req_event: 1, rsp_prod: 1, rsp_event: 1, req_prod_pvt: 1, rsp_cons: 1 });
});

test('ring-api boundary suites: all reached, each ends in the boundary it names', () => {
  const { vectors, report } = right(generateSuite(ringApi, P0));
  assert.ok(report.boundaries.length >= 19);
  assert.equal(report.boundaries.filter((b) => !b.vector).map((b) => b.name), []);
  const by = (n: string): Vector => vectors.find((v) => v.id === `ring-api-boundary-${n}`)!;
  const last = (v: Vector) => v.steps[v.steps.length - 1]!;
  assert.is(last(by('ring-full')).expect.full, true);
  assert.is(by('ring-full').steps.filter((s) => s.call === 'produce_request').length, 2); // ringSize requests outstanding
  for (const [n, call, field, val] of [
    ['req-notify-true', 'RING_PUSH_REQUESTS_AND_CHECK_NOTIFY', 'notify', true],
    ['req-notify-false', 'RING_PUSH_REQUESTS_AND_CHECK_NOTIFY', 'notify', false],
    ['rsp-notify-true', 'RING_PUSH_RESPONSES_AND_CHECK_NOTIFY', 'notify', true],
    ['rsp-notify-false', 'RING_PUSH_RESPONSES_AND_CHECK_NOTIFY', 'notify', false],
    ['final-check-requests-no-work', 'RING_FINAL_CHECK_FOR_REQUESTS', 'work_to_do', 0],
    ['final-check-responses-no-work', 'RING_FINAL_CHECK_FOR_RESPONSES', 'work_to_do', 0],
  ] as const) {
    assert.is(last(by(n)).call, call, n);
    assert.is(last(by(n)).expect[field], val, n);
  }
  assert.ok((last(by('final-check-requests-work')).expect.work_to_do as number) > 0);
  // each 2^32 crossing: found at startIndex 2^32-2 (the default start 0 cannot reach it), the field decreases at the last step
  for (const f of ['req_prod', 'req_event', 'rsp_prod', 'rsp_event', 'req_prod_pvt', 'rsp_cons', 'rsp_prod_pvt', 'req_cons']) {
    const v = by(`wrap-${f}`);
    assert.is(v.params.startIndex, 0xfffffffe, f);
    const lastWith = [...v.steps].reverse().find((s) => f in s.expect)!;
    const before = [...v.steps.slice(0, -1)].reverse().find((s) => f in s.expect)!;
    assert.ok((before.expect[f] as number) >= 0xfffffffe && (lastWith.expect[f] as number) <= 1, `${f} wraps`);
  }
});

test('deterministic: the same inputs give byte-identical suites, in two processes', async () => {
  const a = encodeSuite(right(generateSuite(ringApi, P0, { cover: 'states' })).vectors);
  const b = encodeSuite(right(generateSuite(ringApi, P0, { cover: 'states' })).vectors);
  assert.is(a, b);
  const { spawnSync } = await import('node:child_process');
  const dirs = [0, 1].map(() => scratchDir('pvvec-'));
  for (const d of dirs) {
    const r = spawnSync(process.execPath, ['bin/pvcheck.mjs', 'vectors', 'ring', '--param', 'ringSize=2', '--out', d], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
  }
  for (const f of ['vectors.jsonl', 'summary.json', 'ring-harness.txt'])
    assert.is(readFileSync(join(dirs[0]!, f), 'utf8'), readFileSync(join(dirs[1]!, f), 'utf8'), f);
  for (const d of dirs) rmSync(d, { recursive: true });
});

test('format: JSONL round trip, one-line errors naming line and field, ITF rendering', () => {
  const { vectors } = right(generateSuite(ringApi, P0));
  const text = encodeSuite(vectors);
  assert.is(text.split('\n').length - 1, vectors.length);
  assert.equal(right(parseSuite(text)), vectors);
  const bad = text.split('\n');
  const v1 = JSON.parse(bad[1]!);
  delete v1.steps[2].expect;
  bad[1] = JSON.stringify(v1);
  const err = parseSuite(bad.join('\n'));
  assert.ok(E.isLeft(err));
  assert.match((err as E.Left<string>).left, /^line 2: steps\/2\/expect: /);
  assert.ok(E.isLeft(parseSuite('{"format":"pvcheck-vector"\n')));
  const itf = right(vectorToItf(vectors[0]!));
  assert.is(itf.states.length, vectors[0]!.steps.length + 1);
  assert.is(itf.states[3]!['mbt::actionTaken'], vectors[0]!.steps[2]!.call);
});

test('edges and states coverage: the generator reports the states and edges of the checker as its goals (that every one is on a vector: vectorsCoverage.test.ts replays them)', () => {
  const sys = right(bind(ringApi, { ringSize: 1, messages: 2, startIndex: 0 }));
  const ref = check(sys);
  for (const cover of ['edges', 'states'] as const) {
    const { report, vectors } = right(generateSuite(ringApi, { ringSize: 1, messages: 2, startIndex: 0 }, { cover, boundaries: false }));
    assert.is(report.states, ref.distinctStates);
    assert.is(report.edges, ref.edges);
    assert.is(report.goals, cover === 'edges' ? ref.edges : ref.distinctStates);
    assert.is(report.covered, report.goals);
    assert.ok(vectors.every((v) => v.covers!.length > 0), 'each vector covers a new goal');
  }
});

test('generic: ring-notify vectors, rule coverage agrees with the checker, observation is the state', () => {
  const p = { ringSize: 1, messages: 2 };
  const { vectors, report } = right(generateSuite(ringNotify, p));
  const ref = check(right(bind(ringNotify, p)));
  assert.equal(report.unreachableRules, [...ref.neverFired]);
  assert.is(report.states, ref.distinctStates);
  assert.is(report.boundaries.length, 0);
  const v = vectors[0]!;
  assert.equal(Object.keys(v.steps[0]!.expect).sort(), Object.keys(v.init as object).sort());
});

test('regression: a counterexample of a ring-api variant becomes a vector; a trace that does not replay is refused', () => {
  const r = check(right(bind(noFullCheck, P0)));
  assert.is(r.outcome, 'violation');
  const trace = traceFromViolation(noFullCheck, P0, r.violation!);
  const v = right(vectorFromTrace(noFullCheck, P0, trace, 'cex.json'));
  assert.is(v.suite, 'regression');
  assert.is(v.id, 'ring-api-no-full-check-regression-no_overflow');
  assert.is(v.steps.length, trace.steps.length - 1);
  const last = v.steps[v.steps.length - 1]!;
  assert.is(last.call, 'produce_request');
  assert.is(last.expect.req_prod_pvt, 3); // 3 outstanding on a 2-slot ring
  // on the base model the third produce_request is not enabled
  const refused = vectorFromTrace(ringApi, P0, trace);
  assert.ok(E.isLeft(refused));
  assert.match((refused as E.Left<string>).left, /produce_request is not enabled/);
});

test('vectors command: files written, ring resolves to ring-api, bad input exits 2', async () => {
  const dir = scratchDir('pvvec-');
  const quiet = <T>(f: () => Promise<T>) => async () => {
    const [o, e] = [process.stdout.write, process.stderr.write];
    let err = '';
    process.stdout.write = (() => true) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
    try {
      return { r: await f(), err };
    } finally {
      [process.stdout.write, process.stderr.write] = [o, e];
    }
  };
  const ok = await quiet(() => vectorsCommand(['ring', '--param', 'ringSize=2', '--param', 'messages=3', '--out', dir, '--cover', 'states']))();
  assert.is(ok.r, 0);
  assert.ok(existsSync(join(dir, 'ring-harness.txt')));
  const suite = right(parseSuite(readFileSync(join(dir, 'vectors.jsonl'), 'utf8')));
  assert.ok(suite.every((v) => v.model === 'ring-api'));
  assert.is(readdirSync(join(dir, 'itf')).length, suite.length);
  assert.is(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).cover, 'states');
  assert.is(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).walks, false);
  // --walks: the same goals in fewer, longer vectors, each within --max-steps
  const wdir = join(dir, 'walks');
  const w = await quiet(() => vectorsCommand(['ring', '--param', 'ringSize=2', '--param', 'messages=3', '--out', wdir, '--cover', 'edges', '--walks', '--max-steps', '40']))();
  assert.is(w.r, 0, w.err);
  const ws = JSON.parse(readFileSync(join(wdir, 'summary.json'), 'utf8'));
  const pathsReport = right(generateSuite(ringApi, { ...P0, ringSize: 2 }, { cover: 'edges' })).report;
  assert.is(ws.walks, true);
  assert.is(ws.covered, ws.goals);
  assert.is(ws.goals, pathsReport.goals);
  assert.ok(ws.coverageVectors < pathsReport.coverageVectors, `walks ${ws.coverageVectors} vectors, paths ${pathsReport.coverageVectors}`);
  const walked = right(parseSuite(readFileSync(join(wdir, 'vectors.jsonl'), 'utf8'))).filter((v) => v.suite === 'edges');
  assert.ok(walked.every((v) => v.steps.length <= 40), 'a walk past --max-steps');
  assert.ok(walked.some((v) => v.steps.length > 20), 'no walk longer than a shortest path');
  for (const args of [['ring', '--out', dir, '--max-steps', '10'], ['ring', '--out', dir, '--walks', '--max-steps', '0'], ['ring', '--out', dir, '--walks', '--from-trace', join(dir, 'missing.json')]])
    badVectors(args);
  for (const args of [['nosuch', '--out', dir], ['ring'], ['ring', '--out', dir, '--cover', 'paths'], ['ring', '--out', dir, '--param', 'ringSize=3'], ['ring', '--out', dir, '--from-trace', join(dir, 'missing.json')]])
    badVectors(args);
  // --from-trace through the command: init, FRONT_RING_INIT, BACK_RING_INIT as a plain trace
  const s0 = ringApi.init(P0)[0]!;
  const [fi, bi] = [ringApi.rules[0]!, ringApi.rules[1]!];
  const s1 = produce(s0, (d: any) => void fi.then(d, s0, P0, undefined));
  const s2 = produce(s1, (d: any) => void bi.then(d, s1, P0, undefined));
  const trace = traceFromViolation(ringApi, P0, { property: 'attach', kind: 'invariant', trace: [
    { action: 'init', rule: null, state: s0 }, { action: fi.name, rule: fi.name, state: s1 }, { action: bi.name, rule: bi.name, state: s2 }] }, undefined, 'none');
  const tf = join(dir, 'trace.json');
  writeTraceFile(tf, trace);
  const fr = await quiet(() => vectorsCommand(['ring', '--from-trace', tf, '--out', join(dir, 'reg')]))();
  assert.is(fr.r, 0, fr.err);
  const reg = right(parseSuite(readFileSync(join(dir, 'reg', 'vectors.jsonl'), 'utf8')));
  assert.is(reg.length, 1);
  assert.is(reg[0]!.suite, 'regression');
  writeFileSync(join(dir, 'junk.json'), '{');
  badVectors(['ring', '--from-trace', join(dir, 'junk.json'), '--out', dir]);
  rmSync(dir, { recursive: true });
});

/** `pvcheck vectors ARGS` as a user runs it: exit 2, one line `pvcheck: error: ...`, no stack trace. */
function badVectors(args: string[]): void {
  const r = spawnSync(process.execPath, ['bin/pvcheck.mjs', 'vectors', ...args], { encoding: 'utf8' });
  assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^pvcheck: error: /);
  assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
}


test('writeSuite streams vectors.jsonl in chunks: a suite of several MiB is written whole, byte for byte as encodeSuite renders it', () => {
  const { vectors } = right(generateSuite(ringApi, P0, { cover: 'states' }));
  const one = encodeSuite(vectors).length;
  const copies = Math.ceil((3 << 20) / one) + 1; // past several 1 MiB chunk boundaries
  const many: Vector[] = [];
  for (let k = 0; k < copies; k++) for (const v of vectors) many.push({ ...v, id: `${v.id}-copy${k}` });
  const dir = scratchDir('pvvec-big-');
  writeSuite(dir, many, { note: 'big' });
  const text = readFileSync(join(dir, 'vectors.jsonl'), 'utf8');
  assert.ok(text.length > 3 << 20, `suite of ${text.length} bytes`);
  assert.is(text, encodeSuite(many));
  rmSync(dir, { recursive: true });
});

test.run();
