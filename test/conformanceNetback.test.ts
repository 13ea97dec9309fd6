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
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LINUX, TARBALL, buildNetbackHarness, compare, constantsOf, extractFunction, extractNetback, linuxVectors, netbackSource, netbackVectors,
} from '../conformance/netback/netback.js';
import { netifParams } from '../model/netif.js';

const src = netbackSource();
const gcc = spawnSync(process.env.CC ?? 'gcc', ['--version']).status === 0;

if (!src || !gcc) {
  test(`netback's own code: skipped (${!src ? `${TARBALL} absent: apt-get install linux-source-6.12` : 'gcc absent: apt-get install gcc'})`, () => {});
} else {
  const dir = mkdtempSync(join(tmpdir(), 'pvcheck-netback-'));
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

  test('clean up', () => { rmSync(dir, { recursive: true, force: true }); });
}

test.run();
