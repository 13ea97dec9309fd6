// The C harness against the real xen/io/ring.h (Debian libxen-dev). It needs
// gcc and the Xen headers. On a machine without them (a fresh clone running
// `npm test`) every test here is skipped, with one line saying why and how to
// enable them; with PVCHECK_REQUIRE_HARNESS=1 (set by .ci/run, which installs
// both) a missing tool is a FAILURE with its reason, never a skip.
import { test as uvuTest } from 'uvu';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ringApi, type RingApiParams } from '../model/ringApi.js';
import noFullCheck from '../conformance/examples/ring-api-no-full-check.js';
import { bind } from '../properties/bind.js';
import { check } from '../checker/explore.js';
import { traceFromViolation } from '../traces/format.js';
import { generateSuite, vectorFromTrace } from '../conformance/generate.js';
import { SYSTEM_RING_H, buildHarness, renderHarnessInput, renderRaces, runHarness, type Race } from '../conformance/ring/harness.js';
import { produce } from 'immer';
import type { Trace } from '../traces/format.js';
import type { Vector } from '../conformance/format.js';
import { scratchDir } from './support/tmp.js';

/** Why the harness cannot be built here, or undefined. */
function missingPrerequisite(): string | undefined {
  const cc = process.env.CC ?? 'gcc';
  if (spawnSync(cc, ['--version']).error) return `no C compiler '${cc}'`;
  if (!existsSync(SYSTEM_RING_H)) return `no ${SYSTEM_RING_H}`;
  return undefined;
}
const missing = process.env.PVCHECK_REQUIRE_HARNESS === '1' ? undefined : missingPrerequisite();
if (missing) console.log(`skip: the C-harness tests (real xen/io/ring.h): ${missing}; install gcc and libxen-dev to run them (apt-get install -y gcc libxen-dev)`);
const test: typeof uvuTest = missing ? Object.assign((name: string, fn: Parameters<typeof uvuTest>[1]) => uvuTest.skip(name, fn), uvuTest) : uvuTest;

const right = <A>(e: E.Either<string, A>): A => {
  if (E.isLeft(e)) throw new Error(e.left);
  return e.right;
};
const dir = scratchDir('pvharness-');
const exe = join(dir, 'harness');
const P0: RingApiParams = { ringSize: 2, messages: 3, startIndex: 0 };
const suiteFile = (name: string, vs: readonly Vector[]): string => {
  const f = join(dir, name);
  writeFileSync(f, renderHarnessInput(vs));
  return f;
};

let built: { ok: boolean; message: string } | undefined;
const harness = (): string => {
  built ??= buildHarness(exe);
  if (!built.ok) assert.unreachable(`the C harness cannot be built: ${built.message}`);
  return exe;
};

test('the harness builds with gcc against the real xen/io/ring.h', () => {
  harness();
  assert.ok(readFileSync(SYSTEM_RING_H, 'utf8').includes('RING_PUSH_REQUESTS_AND_CHECK_NOTIFY'));
});

test('the rules suite with its boundary suites passes against the real macros (the defaults: what `pvcheck vectors ring` writes)', () => {
  const { vectors, report } = right(generateSuite(ringApi, ringApi.params.defaults));
  assert.is(report.covered, ringApi.rules.length);
  assert.equal(report.boundaries.filter((b) => !b.vector).map((b) => b.name), [], 'every boundary reached');
  const r = runHarness(harness(), suiteFile('rules.txt', vectors));
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.is(r.stdout.trim(), `ok ${vectors.length} vectors ${report.steps} steps`);
});

test('edge-coverage suites at start 0 and just below 2^32, ring of 4, pass against the real macros', () => {
  for (const startIndex of [0, 0xfffffffd]) {
    const { vectors } = right(generateSuite(ringApi, { ringSize: 4, messages: 3, startIndex }, { cover: 'edges', boundaries: false }));
    const r = runHarness(harness(), suiteFile(`edges-${startIndex}.txt`, vectors));
    assert.is(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^ok ${vectors.length} vectors`));
  }
});

test('a deliberately altered notify rule in a copy of ring.h fails the harness, naming vector, step and field', () => {
  const inc = join(dir, 'altered');
  mkdirSync(join(inc, 'xen', 'io'), { recursive: true });
  copyFileSync('/usr/include/xen/xen-compat.h', join(inc, 'xen', 'xen-compat.h'));
  const orig = readFileSync(SYSTEM_RING_H, 'utf8');
  // RING_PUSH_REQUESTS_AND_CHECK_NOTIFY: (RING_IDX)(__new - req_event) <= (RING_IDX)(__new - __old)
  const needle = '(_notify) = ((RING_IDX)(__new - (_r)->sring->req_event) <';
  assert.ok(orig.includes(needle), 'the header has the notify test this test alters');
  const altered = orig.replace(needle, needle + '=');
  assert.is.not(altered, orig);
  writeFileSync(join(inc, 'xen', 'io', 'ring.h'), altered);
  const alteredExe = join(dir, 'harness-altered');
  const b = buildHarness(alteredExe, { includeFirst: inc });
  assert.ok(b.ok, b.message);
  const { vectors } = right(generateSuite(ringApi, P0));
  const r = runHarness(alteredExe, suiteFile('rules-altered.txt', vectors));
  assert.is(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^MISMATCH vector ring-api-\S+ step \d+ \(RING_PUSH_REQUESTS_AND_CHECK_NOTIFY\): notify expected 0 got 1$/m);
  // and the unaltered harness still passes the same file
  assert.is(runHarness(harness(), suiteFile('rules-again.txt', vectors)).status, 0);
});

test('a counterexample turned into a regression vector replays in the harness', () => {
  const res = check(right(bind(noFullCheck, P0)));
  assert.is(res.violation?.property, 'no_overflow');
  const v = right(vectorFromTrace(noFullCheck, P0, traceFromViolation(noFullCheck, P0, res.violation!)));
  const r = runHarness(harness(), suiteFile('regression.txt', [v]));
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.is(r.stdout.trim(), `ok 1 vectors ${v.steps.length} steps`);
  // the real macros do overflow: RING_FULL would have said so, and the vector records req_prod_pvt - rsp_cons = 3 > RING_SIZE
  assert.is(v.steps[v.steps.length - 1]!.expect.req_prod_pvt, 3);
});

test('a wrong expectation is a mismatch; bad input exits 2', () => {
  const { vectors } = right(generateSuite(ringApi, P0, { boundaries: false }));
  const text = renderHarnessInput(vectors.slice(0, 1)).replace(/ notify=1 /, ' notify=0 ');
  const f = join(dir, 'wrong.txt');
  writeFileSync(f, text);
  const r = runHarness(harness(), f);
  assert.is(r.status, 1);
  assert.match(r.stdout, /MISMATCH vector ring-api-rules-001 step 4 \(RING_PUSH_REQUESTS_AND_CHECK_NOTIFY\): notify expected 0 got 1/);
  writeFileSync(f, 'V x 2 0\nS produce_request payload=zz : req_prod=0\nE\n');
  assert.is(runHarness(harness(), f).status, 2);
  writeFileSync(f, 'V x 2 0\nS FRONT_RING_INIT : req_prod=0\nS no_such_call : req_prod=0\nE\n');
  const u = runHarness(harness(), f);
  assert.is(u.status, 2);
  assert.match(u.stderr, /unknown call no_such_call/);
});

/**
 * A harness built against a copy of the real ring.h with one text replaced
 * (the text must occur exactly once: a header that moved on fails here, not
 * silently).
 */
function alteredHarness(name: string, from: string, to: string): string {
  const inc = join(dir, `altered-${name}`);
  mkdirSync(join(inc, 'xen', 'io'), { recursive: true });
  copyFileSync('/usr/include/xen/xen-compat.h', join(inc, 'xen', 'xen-compat.h'));
  const orig = readFileSync(SYSTEM_RING_H, 'utf8');
  assert.is(orig.split(from).length - 1, 1, `${name}: the header has the text this test alters, once`);
  writeFileSync(join(inc, 'xen', 'io', 'ring.h'), orig.replace(from, to));
  const out = join(dir, `harness-${name}`);
  const b = buildHarness(out, { includeFirst: inc });
  assert.ok(b.ok, b.message);
  return out;
}
const raceFile = (name: string, rs: readonly Race[]): string => {
  const f = join(dir, name);
  writeFileSync(f, renderRaces(rs));
  return f;
};
/** Both races at ring sizes 1, 2, 4 and 8, at start 0 and just below 2^32 (the indices wrap during the race). */
const allRaces: Race[] = [1, 2, 4, 8].flatMap((ringSize) =>
  [0, 0xfffffffe].flatMap((startIndex) =>
    (['requests', 'responses'] as const).map((kind) => ({ id: `${kind}-${ringSize}-${startIndex}`, ringSize, startIndex, kind })),
  ),
);

test('races on the real macros: a push against a final check, every interleaving of their accesses to the shared ring, no lost wake-up', () => {
  const r = runHarness(harness(), raceFile('races.txt', allRaces));
  assert.is(r.status, 0, r.stdout + r.stderr);
  const m = /^ok 0 vectors 0 steps, (\d+) races (\d+) runs$/.exec(r.stdout.trim());
  assert.ok(m, r.stdout);
  assert.is(Number(m![1]), allRaces.length);
  assert.ok(Number(m![2]) > 100 * allRaces.length, `every interleaving: ${m![2]} runs`);
  // one schedule alone: the one that loses the wake-up without the re-check (below) is fine with it
  const one = runHarness(harness(), raceFile('race-one.txt', [{ id: 'one', ringSize: 2, startIndex: 0, kind: 'requests', schedule: 'FFFBBFFFBB' }]));
  assert.is(one.stdout.trim(), 'ok 0 vectors 0 steps, 1 races 1 runs', one.stdout + one.stderr);
});

test('a ring.h whose final checks lack the re-check after xen_mb() loses a wake-up in a race (ring-spec.md §8)', () => {
  const cases = [
    ['requests', 'REQUESTS', 'req'],
    ['responses', 'RESPONSES', 'rsp'],
  ] as const;
  for (const [kind, KIND, x] of cases) {
    const pad = KIND === 'REQUESTS' ? '                   ' : '                  ';
    const text = `    (_r)->sring->${x}_event = (_r)->${x}_cons + 1;                        \\\n    xen_mb();                                                           \\\n    (_work_to_do) = RING_HAS_UNCONSUMED_${KIND}(_r);${pad}\\\n`;
    const exe2 = alteredHarness(`no-recheck-${x}`, text, text.split('\n').slice(0, 2).join('\n') + '\n');
    const r = runHarness(exe2, raceFile(`races-${x}.txt`, allRaces.filter((q) => q.kind === kind)));
    assert.is(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^MISMATCH race ${kind}-\\d+-\\d+ \\(${kind}\\) schedule [FB]+: lost wake-up`, 'm'));
    // the vectors of one macro at a time do not see it: the rules suite passes
    assert.is(runHarness(exe2, suiteFile(`rules-${x}.txt`, right(generateSuite(ringApi, P0)).vectors)).status, 0);
  }
});

test('a ring.h that publishes the producer index before xen_wmb() lets the consumer read an unwritten slot in a race', () => {
  const cases = [
    ['requests', 'back sees requests', '', 'req_prod', 'frontend'],
    ['responses', 'front sees resps', '  ', 'rsp_prod', 'backend'],
  ] as const;
  for (const [kind, comment, pad, field, writer] of cases) {
    const barrier = `    xen_wmb(); /* ${comment} /before/ updated producer index */ ${pad}\\\n`;
    const publish = `    (_r)->sring->${field} = __new;                                      \\\n`;
    const exe2 = alteredHarness(`early-${field}`, barrier + publish, publish + barrier);
    const r = runHarness(exe2, raceFile(`races-early-${field}.txt`, allRaces.filter((q) => q.kind === kind)));
    assert.is(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^MISMATCH race ${kind}-\\S+ \\(${kind}\\) schedule [FB]+ \\(RING_COPY_\\w+\\): slot \\d+ read before the ${writer} passed a barrier`, 'm'));
  }
});

test('start states come from the real SHARED_RING_INIT: a ring.h that initialises req_event to 0 fails at FRONT_RING_INIT', () => {
  const exe2 = alteredHarness('init-event', '    (_s)->req_event = (_s)->rsp_event = 1;', '    (_s)->req_event = (_s)->rsp_event = 0;');
  for (const startIndex of [0, 0xfffffffd]) {
    const { vectors } = right(generateSuite(ringApi, { ...P0, startIndex }));
    const r = runHarness(exe2, suiteFile(`init-${startIndex}.txt`, vectors));
    assert.is(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^MISMATCH vector ring-api-\S+ step 1 \(FRONT_RING_INIT\): req_event expected \d+ got \d+$/m);
  }
});

/**
 * RING_FULL after each request until the ring is full, at ring sizes 1..8 and
 * a start where the indices wrap: the expectations are the ring-api model's
 * (produce_request, RING_FULL), the vectors made by vectorFromTrace.
 */
function fillVectors(): Vector[] {
  const out: Vector[] = [];
  for (const ringSize of [1, 2, 4, 8])
    for (const startIndex of [0, 0xfffffffe]) {
      const p: RingApiParams = { ringSize, messages: ringSize, startIndex };
      const rule = (n: string) => ringApi.rules.find((r) => r.name === n)!;
      let s = ringApi.init(p)[0]!;
      const steps: Trace['steps'][number][] = [{ action: 'init', rule: null, state: s }];
      const calls = ['FRONT_RING_INIT', 'BACK_RING_INIT', 'RING_FULL', ...Array.from({ length: ringSize }, () => ['produce_request', 'RING_FULL']).flat()];
      for (const c of calls) {
        const r = rule(c);
        assert.ok(!r.when || r.when(s, p, undefined), `${c} enabled`);
        s = produce(s, (d) => void r.then(d as never, s, p, undefined));
        steps.push({ action: c, rule: c, state: s });
      }
      const t: Trace = { format: 'pvcheck-trace', version: 1, model: ringApi.name, params: p as never, property: { name: '', kind: 'none' }, steps };
      const v = right(vectorFromTrace(ringApi, p, t));
      out.push({ ...v, id: `fill-${ringSize}-${startIndex}` });
    }
  return out;
}

test('RING_FULL off by one either way fails the fill vectors (the rules suite alone misses the early one)', () => {
  const vs = fillVectors();
  const fulls = vs.flatMap((v) => v.steps.filter((s) => s.call === 'RING_FULL').map((s) => s.expect.full));
  assert.ok(fulls.includes(true) && fulls.includes(false));
  const f = suiteFile('fill.txt', vs);
  assert.is(runHarness(harness(), f).status, 0, 'the real ring.h passes');
  const early = alteredHarness('full-early', '    (RING_FREE_REQUESTS(_r) == 0)', '    (RING_FREE_REQUESTS(_r) <= 1)');
  const late = alteredHarness('full-late', '    (RING_SIZE(_r) - ((_r)->req_prod_pvt - (_r)->rsp_cons))', '    (RING_SIZE(_r) + 1 - ((_r)->req_prod_pvt - (_r)->rsp_cons))');
  for (const [name, e, want] of [['early', early, 'full expected 0 got 1'], ['late', late, 'full expected 1 got 0']] as const) {
    const r = runHarness(e, f);
    assert.is(r.status, 1, `${name}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^MISMATCH vector fill-\\d+-\\d+ step \\d+ \\(RING_FULL\\): ${want}$`, 'm'));
  }
});

test.run();
