/**
 * Tests written for mutants of test/mutants/mutants.json that the tests of
 * their code let survive (session 21's audit of session 20's code,
 * docs/perf/2026-12-06c-pool.md; mutantsKilled, B and C hold the earlier
 * sessions'): each says which mutant it kills, and passes on the code as it is.
 *
 * - xenbus-libxl-waits-initialising-any-backend (model/xenbus.ts
 *   `libxlWaitsForInitWait`, c8d1258): libxl's devstate wait
 *   (libxl_device.c libxl__wait_device_connection) ends only on InitWait;
 *   only with Linux netback does it end earlier in the model (once probed,
 *   netback's uevent runs the script). test/xenbusValidEnd checks the Linux
 *   side (X19 at initTimeout=0): here a hostile driver domain that writes
 *   any other state keeps libxl waiting, and LIBXL_INIT_TIMEOUT can fire.
 * - xdpfix-guard-node-only (examples/xenbus-xdp-set-timeout-fix.ts): the
 *   patch direction attaches only while netfront's own dev->state reads
 *   Connected too. At F8's row Linux's xennet_xdp_set attaches in states
 *   where the backend's node reads Connected and netfront is already Closing
 *   or Closed (a close under way): the patch refuses every one of them, and
 *   still attaches where both read Connected. test/xenbusXdpFix's F8 trace
 *   sees only the node's half of the guard.
 * - trace-model-variant-refused (cli/traceCommands.ts modelFor, d9ebb94):
 *   --model naming a built-in is refused only when the trace is of another
 *   built-in. A trace of a model file (an example: its trace names the
 *   file's model) replayed on the built-in it derives from is what replay
 *   is for (does the fix refuse the run?): taken, and it diverges.
 * - netif-count-* (model/netif.ts countRequests, xenvif_count_requests):
 *   found by the audit of CI's slowest files. test/conformanceNetback (61-72 s, CI's
 *   second slowest) was the only file to see netback's bounds (the netif
 *   tests let all four live); here each bound as netback.c (Debian
 *   linux-source-6.12, drivers/net/xen-netback/netback.c 248-307) writes it,
 *   at the boundary and one past, in milliseconds.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { check } from '../checker/explore.js';
import {
  xenbus, beNode, libxlWaitsForInitWait, libxl_init_timeout, xennet_xdp_set,
  XenbusStateConnected, XenbusStateInitialising, XenbusStateInitWait,
  type XenbusModelState, type XenbusParams,
} from '../model/xenbus.js';
import fix from '../examples/xenbus-xdp-set-timeout-fix.js';
import { NETTXF_more_data, countRequests, type TxReq } from '../model/netif.js';
import { paramsOf, systemOf } from './support/models.js';
import { pvcheck, root } from './support/cli.js';
import { scratchDir } from './support/tmp.js';

test('netif-count-*: xenvif_count_requests\' bounds at the boundary and one past (netback.c 259, 296, 304, 307)', () => {
  // Linux's constants (the model's are scaled down): XEN_NETBK_LEGACY_SLOTS_MAX 18, fatal_skb_slots 20, XEN_PAGE_SIZE 4096
  const p = { slotsMin: 18, fatalSlots: 20 };
  const XEN_PAGE_SIZE = 4096;
  const more = NETTXF_more_data;
  const count = (first: TxReq, frags: readonly TxReq[]) =>
    countRequests((k) => frags[k] ?? { id: 0, flags: 0, size: 0, offset: 0 }, first, 1000, p, undefined, XEN_PAGE_SIZE);
  const req = (size: number, offset = 0, flags = 0): TxReq => ({ id: 1, flags, size, offset });
  // 307: (txp->offset + txp->size) > XEN_PAGE_SIZE is fatal; a slot ending at the page's end is not
  assert.is(count(req(300, 0, more), [req(100, XEN_PAGE_SIZE - 100)]).verdict, 'ok');
  const cross = count(req(300, 0, more), [req(100, XEN_PAGE_SIZE - 99)]);
  assert.equal([cross.verdict, cross.reason], ['fatal', 'Cross page boundary']);
  // 296: a slot larger than what is left of the first's size drops the packet; an equal one does not
  const equal = count(req(300, 0, more), [req(300)]);
  assert.equal([equal.verdict, equal.first.size], ['ok', 0]);
  const larger = count(req(300, 0, more), [req(301)]);
  assert.equal([larger.verdict, larger.reason], ['drop', 'Invalid tx request']);
  // 304: first->size -= txp->size on netif.h's uint16_t size: wraps
  assert.is(larger.first.size, 65535);
  // 259: slots >= fatal_skb_slots is fatal: 20 frags are dropped (Too many slots, past 18), 21 are fatal
  const chain = (n: number) => Array.from({ length: n }, (_, i) => req(1, 0, i < n - 1 ? more : 0));
  const twenty = count(req(65535, 0, more), chain(20));
  assert.equal([twenty.verdict, twenty.reason, twenty.slots], ['drop', 'Too many slots', 20]);
  const many = count(req(65535, 0, more), chain(21));
  assert.equal([many.verdict, many.reason], ['fatal', 'Malicious frontend']);
});

test('xenbus-libxl-waits-initialising-any-backend: with a hostile driver domain, libxl waits for InitWait whatever else its node reads (LIBXL_INIT_TIMEOUT can fire)', () => {
  const p = paramsOf(xenbus, { backend: 'hostile', hostileWrites: 1, events: 1 }) as XenbusParams;
  let other = 0, waits = 0, timeout = 0;
  const r = check(systemOf(xenbus, p, []), {
    checkDeadlock: false,
    onState: (x) => {
      const s = x as XenbusModelState;
      const be = beNode(s);
      if (s.ts.phase !== 'plugged' || s.ts.beDown || s.ts.uevent || be === XenbusStateInitialising || be === XenbusStateInitWait) return;
      other++; // the device added, the node reads neither Initialising nor InitWait: the driver domain wrote it
      if (libxlWaitsForInitWait(s, p)) waits++;
      if (libxl_init_timeout.when!(s, p, undefined)) timeout++;
    },
  });
  assert.is(r.outcome, 'ok');
  assert.ok(other > 100, `${other} states where the driver domain wrote another state`);
  assert.is(waits, other, 'libxl still waits for InitWait in every one');
  assert.ok(timeout > 0, 'and its LIBXL_INIT_TIMEOUT can fire there');
});

test("xdpfix-guard-node-only: at F8's row the patch refuses every attach Linux makes with netfront closing (the backend's node Connected), and attaches with both Connected", () => {
  const p = paramsOf(xenbus, { reconfigure: 1, events: 2, reconnect: 0, migrate: 0, guestClose: 0 }) as XenbusParams;
  const attach = fix.rules.find((x) => x.name === xennet_xdp_set.name)!;
  let closing = 0, both = 0;
  check(systemOf(xenbus, p, []), {
    checkDeadlock: false,
    onState: (x) => {
      const s = x as XenbusModelState;
      if (!xennet_xdp_set.when!(s, p, undefined) || beNode(s) !== XenbusStateConnected) return;
      if (s.fe.dev !== XenbusStateConnected) {
        closing++;
        assert.not.ok(attach.when!(s, p, undefined), `the patch attaches with netfront in state ${s.fe.dev}`);
      } else if (attach.when!(s, p, undefined)) both++;
    },
  });
  assert.ok(closing > 10, `${closing} states where Linux attaches with netfront closing and the node Connected`);
  assert.ok(both > 10, `${both} states where the patch attaches`);
});

test('trace-model-variant-refused: a trace of a model file replayed and shown with --model naming the built-in it derives from: taken (the built-in refuses its run: diverged)', () => {
  const dir = scratchDir('pvcheck-variant-trace-');
  const example = join(root, 'examples/limiter-napi-no-budget.ts');
  const c = pvcheck(['check', example, '-p', 'maxPackets=2', '-p', 'hostile=false', '-p', 'creditBytes=8', '-p', 'hostileRx=false'], dir);
  assert.is(c.code, 1, c.err);
  const traces = readdirSync(dir).filter((f) => f.endsWith('.trace.json'));
  assert.equal(traces, ['pvcheck-limiter-napi-no-budget-L6_poll_within_budget.trace.json']);
  const trace = join(dir, traces[0]!);
  const r = pvcheck(['replay', trace, '--model', 'limiter'], dir);
  assert.not.match(r.err, /names another built-in/);
  assert.match(r.out, /^replay of .* on model limiter$/m);
  assert.match(r.out, /^DIVERGED at step \d+ \(action-not-enabled\)/m);
  const s = pvcheck(['show', trace, '--model', 'limiter'], dir);
  assert.is(s.code, 0, s.err);
  assert.match(s.out, /^Property: L6_poll_within_budget/m);
});

test.run();
