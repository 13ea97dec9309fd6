/**
 * The multi-slot vectors against netback's own code: xenvif_count_requests
 * and xenvif_get_extras extracted unmodified from Debian's linux-source-6.12
 * at test time, compiled against conformance/netback/shim.h and the real
 * xen/io/ring.h and netif.h, give on every vector the verdict, slot counts,
 * sizes and message of model/netif.ts's countRequests/getExtras, with the
 * model's constants and with Linux's (18, 20, 4096); a copy with one
 * comparison changed fails. Skipped with one line where the package or gcc
 * is absent (CI installs both: .ci/run).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { scratchDir } from './support/tmp.js';
import {
  LINUX, LINUX_GETREQ, TARBALL, buildGetRequestsHarness, extractDefinition, extractResponsePath, buildNetbackHarness, compare, compareGetRequests, constantsOf, extractFunction,
  extractGetRequests, extractNetback, getRequestsVectors, linuxSlotParams, linuxSlotShapes, linuxVectors, netbackSource, netbackVectors,
} from '../conformance/netback/netback.js';
import { XEN_PAGE_SIZE, countedPacket, honestBackend, netifParams, netifTx, shapes } from '../model/netif.js';
import * as E from 'fp-ts/lib/Either.js';
import { writeFileSync } from 'node:fs';
import { generateSuite, type Cover } from '../conformance/generate.js';
import type { Vector } from '../conformance/format.js';
import { buildNetifHarness, renderNetifHarness, runNetifHarness } from '../conformance/ring/netif.js';
import { resolveParams } from '../model/params.js';

const src = netbackSource();
const gcc = spawnSync(process.env.CC ?? 'gcc', ['--version']).status === 0;

if (!src || !gcc) {
  test(`netback's own code: skipped (${!src ? `${TARBALL} absent: apt-get install linux-source-6.12` : 'gcc absent: apt-get install gcc'})`, () => {});
} else {
  const dir = scratchDir('pvcheck-netback-');
  const extract = extractNetback(src);
  const model = { ...netifParams.defaults, slotsMin: 2, fatalSlots: 0 };

  test('the extract is netback.c\'s text, unmodified', () => {
    for (const name of ['xenvif_count_requests', 'xenvif_get_extras']) {
      const fn = extractFunction(src, name);
      assert.ok(src.includes(fn) && extract.includes(fn), name);
      assert.match(fn, new RegExp(`^static int ${name}\\(`));
    }
    assert.match(extract, /slots >= XEN_NETBK_LEGACY_SLOTS_MAX/);
  });

  test('the model\'s constants: every vector gives netback\'s verdict, counts, sizes and message', () => {
    const k = constantsOf(model);
    const b = buildNetbackHarness(extract, k, join(dir, 'model'));
    assert.ok(b.ok, b.message);
    const vs = netbackVectors(model);
    const r = compare(b.exe, vs, k, join(dir, 'model'));
    assert.equal(r.mismatches, [], JSON.stringify(r.mismatches, null, 1));
    assert.is(r.ran, vs.length);
    assert.ok(vs.length > 10000, `${vs.length} vectors`);
    // the vectors reach every verdict and every message
    const all = vs.map((v) => v.id);
    assert.ok(all.some((id) => id.includes('/extras/')));
  });

  test('Linux\'s constants (XEN_NETBK_LEGACY_SLOTS_MAX 18, fatal_skb_slots 20): 1..24 data slots', () => {
    const b = buildNetbackHarness(extract, LINUX, join(dir, 'linux'));
    assert.ok(b.ok, b.message);
    const vs = linuxVectors();
    const r = compare(b.exe, vs, LINUX, join(dir, 'linux'));
    assert.equal(r.mismatches, [], JSON.stringify(r.mismatches, null, 1));
    assert.is(r.ran, vs.length);
  });

  for (const [what, from, to] of [
    ['the drop limit one later', 'slots >= XEN_NETBK_LEGACY_SLOTS_MAX', 'slots > XEN_NETBK_LEGACY_SLOTS_MAX'],
    ['the size check with >=', 'txp->size > first->size', 'txp->size >= first->size'],
    ['no work_to_do bound', 'if (slots >= work_to_do) {', 'if (0) {'],
    ['an invalid extra type accepted', 'extra.type >= XEN_NETIF_EXTRA_TYPE_MAX', 'extra.type > XEN_NETIF_EXTRA_TYPE_MAX'],
  ] as const) {
    test(`a patched copy (${what}) fails`, () => {
      assert.ok(extract.includes(from), `the extract contains '${from}'`);
      const patched = extract.replace(from, to);
      const sub = join(dir, 'patched-' + what.replace(/\W+/g, '-'));
      let failed = 0;
      for (const [k, vs] of [[constantsOf(model), netbackVectors(model)], [LINUX, linuxVectors()]] as const) {
        const b = buildNetbackHarness(patched, k, sub);
        assert.ok(b.ok, b.message);
        failed += compare(b.exe, vs, k, sub).mismatches.length;
      }
      assert.ok(failed > 0, 'some vector disagrees');
    });
  }

  // xenvif_get_requests, with pending_index, frag_set_pending_idx, xenvif_tx_create_map_op and struct xenvif_tx_cb
  const getreq = extractGetRequests(src);
  const modelK = { legacySlotsMax: model.slotsMin, maxSkbFrags: model.slotsMin - 1, pageSize: XEN_PAGE_SIZE };
  const modelGr = getRequestsVectors('m', shapes({ ...model, frontend: 'any', maxSlots: 3 }), model);
  const linuxP = linuxSlotParams();
  const linuxGr = getRequestsVectors('l', linuxSlotShapes(), linuxP);

  test('xenvif_get_requests: every counted packet gives netback\'s copies, maps, responses and reads past the packet, at the model\'s and at Linux\'s slot numbers', () => {
    for (const [k, vs, p, tag] of [[modelK, modelGr, model, 'model'], [LINUX_GETREQ, linuxGr, linuxP, 'linux']] as const) {
      const b = buildGetRequestsHarness(getreq, k, join(dir, 'getreq-' + tag));
      assert.ok(b.ok, b.message);
      const r = compareGetRequests(b.exe, vs, p, join(dir, 'getreq-' + tag));
      assert.equal(r.mismatches, [], `${tag}: ${JSON.stringify(r.mismatches, null, 1)}`);
      assert.ok(vs.length > 50, `${tag}: ${vs.length} vectors`);
    }
  });

  test('finding: netback\'s own xenvif_get_requests reads txfrags[] past the packet (19 data slots, the last empty), and the fix stops it', () => {
    const finding = linuxGr.filter((v) => v.counted.frags.length === 18 && v.counted.frags.at(-1)!.size === 0 && v.counted.data_len === v.counted.first.size);
    assert.ok(finding.length > 0);
    const b = buildGetRequestsHarness(getreq, LINUX_GETREQ, join(dir, 'finding'));
    assert.ok(b.ok, b.message);
    const r = compareGetRequests(b.exe, finding, linuxP, join(dir, 'finding'));
    assert.equal(r.mismatches, []);
    assert.ok(r.results.every((x) => x.past), 'the real function maps a request from past the packet');
    // the fix (count the skipped slot) applied to netback's own text
    const from = 'make_tx_response(queue, txp, 0,\n\t\t\t\t\t\t XEN_NETIF_RSP_OKAY);\n\t\t\t\tcontinue;';
    assert.ok(getreq.includes(from), 'the frag_list loop as 6.12 has it');
    const fixed = getreq.replace(from, 'make_tx_response(queue, txp, 0,\n\t\t\t\t\t\t XEN_NETIF_RSP_OKAY);\n\t\t\t\tnr_slots--;\n\t\t\t\tcontinue;');
    const bf = buildGetRequestsHarness(fixed, LINUX_GETREQ, join(dir, 'fixed'));
    assert.ok(bf.ok, bf.message);
    const rf = compareGetRequests(bf.exe, linuxGr, linuxP, join(dir, 'fixed'), { ...honestBackend, fragListCountsZeroFrags: true });
    assert.equal(rf.mismatches, []);
    assert.ok(rf.results.every((x) => !x.past && !x.nullShinfo));
  });

  test('a patched xenvif_get_requests (XSA-423 fix removed: the header copied from the first slot only) fails on the named vector xsa423-header-across-slots', () => {
    const from = '\twhile (data_len > 0) {';
    assert.ok(getreq.includes(from), 'the header copy loop of the XSA-423 fix');
    // a packet whose first fragment (1) is shorter than XEN_NETBACK_TX_COPY_LEN (2): the header straddles two slots
    const counted = countedPacket({ frags: [1, 1], extra: 'none', offsetSlot: -1, unterminated: false }, model);
    assert.ok(counted && counted.data_len > counted.first.size, 'the header straddles the first two slots');
    const named = [{ id: 'xsa423-header-across-slots', counted: counted! }];
    const good = buildGetRequestsHarness(getreq, modelK, join(dir, 'getreq-xsa423-good'));
    assert.ok(good.ok, good.message);
    assert.equal(compareGetRequests(good.exe, named, model, join(dir, 'getreq-xsa423-good')).mismatches, []);
    const b = buildGetRequestsHarness(getreq.replace(from, '\twhile (data_len > 0 && txp == first) {'), modelK, join(dir, 'getreq-xsa423'));
    assert.ok(b.ok, b.message);
    const r = compareGetRequests(b.exe, [...named, ...modelGr], model, join(dir, 'getreq-xsa423'));
    assert.is(r.mismatches[0]?.id, 'xsa423-header-across-slots');
    assert.is(r.mismatches[0]!.model.copies, '0:1,1:1');
    assert.is(r.mismatches[0]!.netback.copies, '0:1');
  });

  // netback's response path (_make_tx_response, push_tx_responses, make_tx_response, xenvif_tx_err) in the netif ring harness
  const rsp = extractResponsePath(src);
  const ringSuite = (o: Record<string, string | number>, cover: Cover): Vector[] => {
    const p = resolveParams(netifTx.params, o);
    if (E.isLeft(p)) throw new Error(p.left);
    const s = generateSuite(netifTx, p.right, { cover });
    if (E.isLeft(s)) throw new Error(s.left);
    // whole graphs (no maxStates): a suite cut by generateSuite's default bound would cover only its first states
    assert.ok(s.right.report.complete, `netif-tx ${JSON.stringify(o)}: the whole graph explored`);
    return s.right.vectors;
  };
  // at the bounds the suite was written at (netif-tx's vectorParams, packets=2: 2,413 vectors, as test/conformanceNetifRing
  // runs it), not the check defaults: since packets=3 (2026-12-05) those were 145,092 vectors of 137,828 states, 34 s to
  // generate and 2 x 17 s to render and run, for the same functions on the same ring; the boundary vectors (B-12's
  // tx-err-after-extras among them) come from the `any` suite
  const ringVs = [...ringSuite({ packets: 2 }, 'edges'), ...ringSuite({ frontend: 'any', packets: 1, maxSlots: 3, ringSize: 4 }, 'rules')];
  const runRing = (exe: string, vs: readonly Vector[], start: number) => {
    const input = join(dir, `ring-${start}.txt`);
    writeFileSync(input, renderNetifHarness(vs, start));
    return runNetifHarness(exe, input);
  };

  test("the netif-tx ring vectors pass netback's own response path (_make_tx_response, push_tx_responses, xenvif_tx_err) on the real ring.h", () => {
    for (const f of ['_make_tx_response', 'push_tx_responses', 'make_tx_response', 'xenvif_tx_err']) assert.ok(src.includes(extractDefinition(src, f)), f);
    const exe = join(dir, 'netif-netback');
    const b = buildNetifHarness(exe, { netbackExtract: rsp });
    assert.ok(b.ok, b.message);
    for (const start of [0, 0xfffffffd]) {
      const r = runRing(exe, ringVs, start);
      assert.is(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, `ok ${ringVs.length} vectors`);
    }
  });

  test('a patched xenvif_tx_err (B-12: extra_count kept after the first slot) fails on the named vector netif-tx-boundary-tx-err-after-extras', () => {
    const from = 'extra_count = 0; /* only the first frag can have extras */';
    assert.ok(rsp.includes(from));
    const exe = join(dir, 'netif-netback-b12');
    const b = buildNetifHarness(exe, { netbackExtract: rsp.replace(from, '') });
    assert.ok(b.ok, b.message);
    const v = ringVs.find((x) => x.id === 'netif-tx-boundary-tx-err-after-extras')!;
    assert.ok(v, 'the boundary vector');
    const r = runRing(exe, [v], 0);
    assert.is(r.status, 1, r.stdout);
    assert.match(r.stdout, new RegExp(`^MISMATCH vector netif-tx-boundary-tx-err-after-extras step ${v.steps.length} \\(xenvif_tx_build_gops\\): rsp_prod expected`));
  });

  test('a patched xenvif_get_requests (a zero-size fragment mapped) fails', () => {
    const from = 'if (unlikely(!txp->size)) {';
    assert.ok(getreq.includes(from));
    const b = buildGetRequestsHarness(getreq.replace(from, 'if (0) {'), modelK, join(dir, 'getreq-patched'));
    assert.ok(b.ok, b.message);
    assert.ok(compareGetRequests(b.exe, modelGr, model, join(dir, 'getreq-patched')).mismatches.length > 0);
  });
}

test.run();
