import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { produce } from 'immer';
import { deriveModel, type Model } from '../model/core.js';
import { resolveParams } from '../model/params.js';
import { bind } from '../properties/bind.js';
import { replays } from './support/models.js';
import { writtenAt } from './support/bounds.js';
import { pinDefaults } from './support/pinnedDefaults.js';
import { check, type CheckResult } from '../checker/explore.js';
import { connectedAndIdle, makeHostileBackendWrite, switchState, TXN_FE, writeFrontendKeys, xenbus, xenbus_transaction_end } from '../model/xenbus.js';
import {
  emptyXenstore, xsDeliver, xsMayRead, xsNextEvent, xsParsePerms, xsRm, xsRmAs, xsSetPermsAs, xsShowPerms, xsTxnEnd, xsTxnRead, xsTxnStart, xsTxnStartAs,
  xsTxnWrite, xsTxnWriteAs, xsBlob, xsDataLen, xsLargestNodeOf, xsNodeSize, xsWatch, xsWatchAs, xsWrite, xsWriteAs, type Xenstore, type XsPolicy,
} from '../model/xenstore.js';
import netdevBeforeQueues from '../examples/xenbus-netdev-before-queues.js';
import hotplugNoWait from '../examples/xenbus-hotplug-no-wait.js';
import earlyRingRead from '../examples/xenbus-early-ring-read.js';
import ignoreClosing from '../examples/xenbus-ignore-closing.js';
import lateFeature from '../examples/xenbus-late-feature.js';
import lateFeatureFixed from '../examples/xenbus-late-feature-fixed.js';
import restartFix from '../examples/xenbus-restart-connect-failed-fix.js';
import headroomFirst from '../examples/xenbus-xdp-headroom-first.js';
import xdpSetFixed from '../examples/xenbus-xdp-set-fixed.js';
import mapUnchecked from '../examples/xenbus-hostile-map-unchecked.js';
import xsa349 from '../examples/xenbus-xsa349.js';
import xsa396 from '../examples/xenbus-xsa396-no-deferred-free.js';
import xsa374 from '../examples/xenbus-xsa374.js';
import destroyQueuesLate from '../examples/xenbus-netfront-destroy-queues-late.js';
import disconnectNoSync from '../examples/xenbus-netback-disconnect-no-sync.js';
import mirageCloseOnClosing from '../examples/xenbus-mirage-close-on-closing.js';
import dpdkFix from '../examples/xenbus-dpdk-restart-clears-start.js';
import backendWritable from '../examples/xenbus-backend-writable-by-guest.js';
import noQuota from '../examples/xenbus-xenstored-no-quota.js';
import noNodeSize from '../examples/xenbus-xenstored-no-node-size-quota.js';
import mirageConnectBeforeKeys from '../examples/xenbus-mirage-connect-before-keys.js';
import dpdkFreeMapped from '../examples/xenbus-dpdk-gntalloc-free-mapped.js';
import xsa115 from '../examples/xenbus-xsa115.js';
import noInitTimeout from '../examples/xenbus-libxl-no-init-timeout.js';
import createDevRemovedFix from '../examples/xenbus-create-dev-removed-fix.js';

const QUIET = { events: '0' };

/**
 * The tests were written at xenbus's defaults of 2026-12-04 (events=2, as the examples are pinned):
 * a run without `events` takes that (test/support/bounds.ts), so raising the defaults moves neither a
 * result nor CI's time; the test of the defaults themselves says `atDefaults`.
 */
const at = (m: Model, params: Record<string, string>, atDefaults = false) => resolveParams(m.params, atDefaults ? params : writtenAt('xenbus', params));

function run(m: Model, params: Record<string, string>, opt: { maxDepth?: number; invariants?: string[]; checkDeadlock?: boolean; atDefaults?: boolean } = {}): CheckResult<any> {
  const p = at(m, params, opt.atDefaults);
  if (E.isLeft(p)) throw new Error(p.left);
  const sys = bind(m, p.right, opt.invariants ? { invariants: opt.invariants } : {});
  if (E.isLeft(sys)) throw new Error(sys.left);
  return check(sys.right, { maxDepth: opt.maxDepth, checkDeadlock: opt.checkDeadlock ?? true });
}

/** Found with `property`, shortest (with one step less there is no counterexample), and the trace replays (pvcheck replay's engine reproduces it at its last step). */
function foundShortest(m: Model, params: Record<string, string>, property: string, opt: { invariants?: string[]; checkDeadlock?: boolean } = {}): number {
  const r = run(m, params, opt);
  assert.is(r.outcome === 'violation' || r.outcome === 'deadlock', true, `${m.name}: outcome ${r.outcome}`);
  assert.is(r.violation?.property, property);
  const p = at(m, params);
  if (E.isLeft(p)) throw new Error(p.left);
  assert.ok(replays(m, p.right, r), `${m.name}: the ${property} trace replays`);
  const n = r.violation!.trace.length - 1;
  const cut = run(m, params, { ...opt, maxDepth: n - 1 });
  assert.is(cut.violation, undefined, `${m.name}: a counterexample shorter than ${n} steps`);
  return n;
}

// first: a change that moves xenbus's counts fails here in a second, before the long tests
test("xenbus at its defaults: test/pinned.json's states, edges, depth, verdict and observables (test/support/pinnedDefaults.ts)", () => {
  pinDefaults('xenbus');
});

// --- xenstore semantics (docs/misc/xenstore.txt), hand-worked

const xs = (f: (d: any) => void, base: Xenstore = emptyXenstore()): Xenstore => produce(base, f);
/** The nodes that exist (a removed node's key holds undefined: xenstore.ts never deletes). */
const live = (o: Readonly<Record<string, string | undefined>>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

test('xenstore: a watch fires once when registered, and on writes at or below its path', () => {
  let s = xs((d) => xsWatch(d, 'dom0', 'w', 'a/state'));
  assert.is(xsNextEvent(s, 'dom0'), 'w');
  s = xs((d) => xsDeliver(d, 'dom0'), s);
  assert.is(xsNextEvent(s, 'dom0'), undefined);
  s = xs((d) => xsWrite(d, 'a/other', '1'), s);
  assert.is(xsNextEvent(s, 'dom0'), undefined, 'a sibling write does not fire');
  s = xs((d) => xsWrite(d, 'a/state', '1'), s);
  assert.equal(s.events['dom0'], ['w']);
});

test("xenstore: drop rules: 'none' queues every event, 'pending' drops while one is queued (frontend_will_handle), 'last' only right behind one; two watches keep their order", () => {
  const writes = (d: any) => { xsWrite(d, 'a', '1'); xsWrite(d, 'a', '2'); xsWrite(d, 'b', '1'); xsWrite(d, 'a', '3'); };
  const after = (drop: 'none' | 'pending' | 'last') => {
    const s = xs((d) => { xsWatch(d, 'dom0', 'w', 'a', drop); xsWatch(d, 'dom0', 'v', 'b'); xsDeliver(d, 'dom0'); xsDeliver(d, 'dom0'); });
    return xs(writes, s).events['dom0'];
  };
  assert.equal(after('none'), ['w', 'w', 'v', 'w']);
  assert.equal(after('pending'), ['w', 'v']);
  assert.equal(after('last'), ['w', 'v', 'w']);
});

test('xenstore: rm of a directory fires the watches below it', () => {
  let s = xs((d) => { xsWrite(d, 'dir/state', '4'); xsWatch(d, 'g', 'w', 'dir/state'); xsDeliver(d, 'g'); });
  s = xs((d) => xsRm(d, 'dir'), s);
  assert.equal(live(s.nodes), {});
  assert.equal(s.events['g'], ['w']);
});

test("xenstore: a transaction fails with EAGAIN after a conflicting commit ('any': any write; 'node': one it touched)", () => {
  const open = xs((d) => { xsTxnStart(d, 't'); xsTxnWrite(d, 't', 'fe/ring', '8'); });
  const other = (mode: 'any' | 'node', path: string) =>
    produce(open, (d: any) => { xsWrite(d, path, 'x', mode); assert.is(xsTxnEnd(d, 't', true, mode), mode === 'any' || path === 'fe/ring' ? 'EAGAIN' : 'ok'); });
  assert.is(other('any', 'be/state').nodes['fe/ring'], undefined);
  assert.is(other('node', 'be/state').nodes['fe/ring'], '8');
  assert.is(other('node', 'fe/ring').nodes['fe/ring'], 'x');
  const ok = produce(open, (d: any) => { assert.is(xsTxnEnd(d, 't', true, 'any'), 'ok'); });
  assert.is(ok.nodes['fe/ring'], '8');
});

test("xenstore: in 'node' mode a transaction also conflicts on a node it read (C xenstored), not on one it never touched", () => {
  const base = xs((d) => { xsWrite(d, 'be/max', '2'); xsTxnStart(d, 't'); assert.is(xsTxnRead(d, 't', 'be/max'), '2'); xsTxnWrite(d, 't', 'fe/n', '2'); });
  const after = (path: string) => produce(base, (d: any) => { xsWrite(d, path, '1', 'node'); assert.is(xsTxnEnd(d, 't', true, 'node'), path === 'be/max' ? 'EAGAIN' : 'ok'); });
  assert.is(after('be/max').nodes['fe/n'], undefined);
  assert.is(after('be/other').nodes['fe/n'], '2');
  // a transaction reads its own buffered write
  produce(base, (d: any) => { assert.is(xsTxnRead(d, 't', 'fe/n'), '2'); });
});

test('xenstore permissions (perm_for_conn): the owner writes, a read-only ACL entry gets EACCES, a new node needs write access to its parent, dom0 may do anything', () => {
  const pol: XsPolicy = {
    perms: [['dev', { owner: 'dom0', others: 'n', acl: { g: 'r' }, fixed: true }], ['dev/fe', { owner: 'g', others: 'n', acl: { b: 'r' } }], ['be', { owner: 'b', others: 'n', acl: { g: 'r' } }]],
    quota: { entries: 10, watches: 10, transactions: 10 }, domainOf: (o) => o,
  };
  const g = { dom: 'g' }, dom0 = { dom: 'dom0', privileged: true };
  xs((d) => {
    assert.is(xsWriteAs(d, pol, g, 'dev/fe/state', '1'), 'EACCES'); // dev/fe does not exist yet: dom0's `dev` decides
    assert.is(xsWriteAs(d, pol, dom0, 'dev/fe/state', '1'), 'ok'); // the toolstack creates it
    assert.is(xsWriteAs(d, pol, g, 'dev/fe/state', '2'), 'ok');
    assert.is(xsWriteAs(d, pol, g, 'dev/fe/q/ref', '8'), 'ok');
    assert.is(xsWriteAs(d, pol, dom0, 'be/state', '1'), 'ok');
    assert.is(xsWriteAs(d, pol, g, 'be/state', '4'), 'EACCES');
    assert.is(xsWriteAs(d, pol, g, 'be/new', '4'), 'EACCES');
    assert.is(xsRmAs(d, pol, g, 'be'), 'EACCES');
    assert.is(xsWriteAs(d, pol, g, 'dev/other', '1'), 'EACCES'); // parent `dev` is read-only to the guest
    assert.is(xsWriteAs(d, pol, { dom: 'b' }, 'dev/fe/state', '5'), 'EACCES');
    assert.equal(live(d.nodes), { 'dev/fe/state': '2', 'dev/fe/q/ref': '8', 'be/state': '1' });
    assert.is(xsRmAs(d, pol, g, 'dev/fe'), 'ok');
    assert.equal(live(d.nodes), { 'be/state': '1' });
    // a removed directory: the guest cannot create it again (its nearest existing ancestor is dom0's read-only `dev`)
    assert.is(xsWriteAs(d, pol, g, 'dev/fe/x', '1'), 'EACCES');
    assert.is(xsWriteAs(d, { ...pol, checkPerms: false }, g, 'dev/fe/x', '1'), 'ok');
  });
});

test("xenstore quotas: ENOSPC at quota.entries nodes (dom0 exempt, its nodes charged to the owner), E2BIG past quota.watches + 1, ENOSPC past quota.transactions + 1 (xenstored's '>' checks)", () => {
  const pol: XsPolicy = { perms: [['fe', { owner: 'g', others: 'n', fixed: true }]], quota: { entries: 2, watches: 1, transactions: 0 }, domainOf: (o) => o.split(':')[0]! };
  const g = { dom: 'g' };
  xs((d) => {
    assert.is(xsWriteAs(d, pol, g, 'fe/a', '1'), 'ok');
    assert.is(xsWriteAs(d, pol, g, 'fe/b', '1'), 'ok');
    assert.is(xsWriteAs(d, pol, g, 'fe/c', '1'), 'ENOSPC');
    assert.is(xsWriteAs(d, pol, g, 'fe/a', '2'), 'ok'); // not a new node
    assert.is(xsWriteAs(d, pol, { dom: 'dom0', privileged: true }, 'fe/c', '1'), 'ok');
    assert.is(xsWriteAs(d, { ...pol, checkQuota: false }, g, 'fe/d', '1'), 'ok');
    assert.is(xsWatchAs(d, pol, g, 'g:1', 't1', 'fe'), 'ok');
    assert.is(xsWatchAs(d, pol, g, 'g:2', 't2', 'fe'), 'ok');
    assert.is(xsWatchAs(d, pol, g, 'g:3', 't3', 'fe'), 'E2BIG');
    assert.is(xsTxnStartAs(d, pol, g, 'g:t0'), 'ok');
    assert.is(xsTxnStartAs(d, pol, g, 'g:t1'), 'ENOSPC');
  });
  // inside a transaction the nodes it creates count too
  xs((d) => {
    assert.is(xsWriteAs(d, pol, g, 'fe/a', '1'), 'ok');
    assert.is(xsTxnStartAs(d, pol, g, 'g:t0'), 'ok');
    assert.is(xsTxnWriteAs(d, pol, g, 'g:t0', 'fe/b', '1'), 'ok');
    assert.is(xsTxnWriteAs(d, pol, g, 'g:t0', 'fe/c', '1'), 'ENOSPC');
    assert.is(xsTxnWriteAs(d, pol, g, 'g:t0', 'fe/a', null), 'ok');
    assert.is(xsTxnEnd(d, 'g:t0', true), 'ok');
    assert.equal(live(d.nodes), { 'fe/b': '1' });
  });
});

test("xenstore node-size quota (write_node_raw): an unprivileged domain's node of more than quota.entrySize bytes (node_hdr, one xs_permissions per perms entry, the data) is refused with ENOSPC, in a transaction too; dom0 is exempt", () => {
  const pol: XsPolicy = { perms: [['fe', { owner: 'g', others: 'n', acl: { b: 'r' }, fixed: true }]], quota: { entries: 10, watches: 10, transactions: 10, entrySize: 100 }, domainOf: (o) => o.split(':')[0]! };
  const g = { dom: 'g' };
  assert.is(xsDataLen('abc'), 3);
  assert.is(xsDataLen(xsBlob(4000)), 4000);
  // 16 (node_hdr) + 2 perms entries * 8 + the data
  assert.is(xsNodeSize(emptyXenstore(), pol.perms, 'fe/a', 'x'.repeat(68)), 100);
  xs((d) => {
    assert.is(xsWriteAs(d, pol, g, 'fe/a', 'x'.repeat(68)), 'ok'); // exactly the quota: admitted (today's '>' test)
    assert.is(xsWriteAs(d, pol, g, 'fe/b', 'x'.repeat(69)), 'ENOSPC');
    assert.is(xsWriteAs(d, pol, g, 'fe/a', xsBlob(4000)), 'ENOSPC'); // an existing node is checked too
    assert.is(xsWriteAs(d, pol, { dom: 'dom0', privileged: true }, 'fe/c', xsBlob(4000)), 'ok');
    assert.is(xsLargestNodeOf(d as unknown as Xenstore, pol.perms, 'g'), 16 + 16 + 4000, 'dom0\'s node in the guest\'s directory is the guest\'s');
    assert.is(xsWriteAs(d, { ...pol, checkNodeSize: false }, g, 'fe/b', xsBlob(4000)), 'ok');
    assert.is(xsTxnStartAs(d, pol, g, 'g:t0'), 'ok');
    assert.is(xsTxnWriteAs(d, pol, g, 'g:t0', 'fe/d', xsBlob(200)), 'ENOSPC');
    assert.is(xsTxnWriteAs(d, pol, g, 'g:t0', 'fe/d', '1'), 'ok');
    assert.equal(live(d.nodes), { 'fe/a': 'x'.repeat(68), 'fe/c': xsBlob(4000), 'fe/b': xsBlob(4000) });
  });
});

test('XS_SET_PERMS (do_set_perms): the owner sets its node\'s perms (ENOENT, EACCES, EPERM otherwise); a domain left without read access reads EACCES and, since XSA-115, is sent no event about the node (before the fix it is, and the ghost records the leak)', () => {
  const pol: XsPolicy = { perms: [['fe', { owner: 'g', others: 'n', acl: { b: 'r' }, fixed: true }]], quota: { entries: 10, watches: 10, transactions: 10 }, domainOf: (o) => o };
  const g = { dom: 'g' }, b = { dom: 'b' };
  assert.equal(xsParsePerms('ng,rb'), { owner: 'g', others: 'n', acl: { b: 'r' } });
  assert.is(xsShowPerms(xsParsePerms('ng,rb')), 'ng,rb');
  const after = (check: boolean) => xs((d) => {
    xsWrite(d, 'fe/state', '1');
    xsWatch(d, 'b', 'w', 'fe/state');
    xsDeliver(d, 'b');
    assert.is(xsSetPermsAs(d, pol, g, 'fe/missing', 'ng'), 'ENOENT');
    assert.is(xsSetPermsAs(d, pol, b, 'fe/state', 'nb'), 'EACCES'); // b may only read it
    assert.is(xsSetPermsAs(d, pol, g, 'fe/state', 'nb,rg'), 'EPERM'); // an unprivileged owner may not give the node away
    assert.is(xsMayRead(d as unknown as Xenstore, pol, b, 'fe/state'), true);
    assert.is(xsSetPermsAs(d, { ...pol, checkWatchPerms: check }, g, 'fe/state', 'ng'), 'ok');
    assert.equal(d.events['b'], ['w'], 'the perms change fires for a domain that could read the node before it');
    xsDeliver(d, 'b');
    assert.is(xsMayRead(d as unknown as Xenstore, pol, b, 'fe/state'), false);
    assert.is(xsWriteAs(d, { ...pol, checkWatchPerms: check }, g, 'fe/state', '4'), 'ok');
  });
  const fixed = after(true);
  assert.is(fixed.events['b'], undefined, 'XSA-115: no event about a node the watcher may not read');
  assert.is(fixed.leaked, undefined);
  const before = after(false);
  assert.equal(before.events['b'], ['w']);
  assert.is(before.leaked, true);
  // the perms go with the node
  assert.is(xs((d) => xsRm(d, 'fe'), fixed).perms, undefined);
  // the privileged toolstack may change the owner
  xs((d) => { xsWrite(d, 'fe/x', '1'); assert.is(xsSetPermsAs(d, pol, { dom: 'dom0', privileged: true }, 'fe/x', 'nb'), 'ok'); });
});

// --- the model

test('xenbus: normal connect reaches both-Connected in 8 steps (xen-protocols.md §2.6 / §3.6.1, counted by hand)', () => {
  // add, netback_probe, netfront_probe, netback_changed (reads InitWait: talk_to_netback), xenbus_transaction_end (FE 4),
  // frontend_changed (reads 4: connect), vif-hotplug, hotplug_status_changed (publishes 4).
  const probe = deriveModel(xenbus, {
    name: 'xenbus-probe', description: 'connect as a violation',
    invariants: [{ name: 'not_connected', description: '', see: '', holds: (s) => !connectedAndIdle(s) }],
  });
  const r = run(probe, QUIET, { invariants: ['not_connected'] });
  assert.is(r.violation?.property, 'not_connected');
  assert.is(r.violation!.trace.length - 1, 8);
});

test('xenbus: the built-in model verifies with events=0, and at its defaults but the driver rebind finding F7 needs (reconnect=0: every other rule fires but the wait of a probe)', () => {
  assert.is(run(xenbus, QUIET).outcome, 'ok');
  const r = run(xenbus, { reconnect: '0' }, { atDefaults: true });
  assert.is(r.outcome, 'ok');
  // without a rebind no probe ever waits: the wait's end by XENNET_TIMEOUT polling does not fire either
  assert.equal(r.neverFired, ['netfront_probe(driver bind)', 'xennet_create_dev(XENNET_TIMEOUT)']);
});

test('finding F7: a driver rebind while libxl unplugs waits in xennet_create_dev for a backend that is gone; the removal event waits behind it: the guest\'s xenwatch hangs (deadlock at the defaults but three events, 10 steps); the fix (the wait ends once the device directory is gone) verifies', () => {
  // docs/findings.md's row names events=3: at the defaults' four (since 2026-12-06) a migration first spends the fourth, 11 steps
  const E3 = { events: '3' };
  const r = run(xenbus, E3, { atDefaults: true });
  assert.is(r.violation?.property, 'deadlock');
  assert.is(r.violation!.trace.length - 1, 10);
  assert.ok(replays(xenbus, (at(xenbus, E3, true) as E.Right<never>).right, r), 'the F7 trace replays');
  assert.equal(r.violation!.trace.map((x) => x.rule).filter((x) => x !== null).slice(-2), ['netfront_probe(driver bind)', 'libxl__device_destroy']);
  const last = r.violation!.trace.at(-1)!.state as any;
  assert.ok(last.ts.phase === 'removed' && last.fe.probe === 'modprobe' && last.xs.events.guest.length === 1, 'removed, the probe waiting, the removal event queued');
  assert.is(run(xenbus, E3, { atDefaults: true, maxDepth: 9 }).violation, undefined, 'no shorter counterexample');
  assert.is(run(createDevRemovedFix, {}, { atDefaults: true }).outcome, 'ok', 'the fix');
  // a driver domain that writes Closed before the guest probes: the probe runs on the xenwatch thread itself
  assert.is(run(xenbus, { backend: 'hostile' }).violation?.property, 'deadlock');
  assert.is(run(createDevRemovedFix, { backend: 'hostile' }).outcome, 'ok', 'the fix, hostile backend');
});

// --- findings of the faithful model (docs/models/xenbus.md "Findings"): each a shortest counterexample


test('finding F1: a driver domain restart mid-handshake: the retried transaction drops multi-queue-num-queues, connect() fails, netback publishes Connected anyway (X4, 10 steps)', () => {
  const params = { backendRestart: '1', events: '1' };
  assert.is(foundShortest(xenbus, params, 'X4_connected_after_hotplug'), 10);
  // the fix (netback stays Closing after a failed connect) verifies, recoverability included, at events 1 and 2
  for (const events of ['1', '2']) {
    assert.is(run(restartFix, { backendRestart: '1', events }).outcome, 'ok', `fix, events=${events}`);
    assert.is(run(restartFix, { backendRestart: '1', events }, { invariants: ['X8_recoverable'], checkDeadlock: false }).outcome, 'ok', `fix X8, events=${events}`);
  }
});

test('finding F3: netback reads xdp-headroom before talk_to_netback_xdp wrote it: XDP runs without headroom (X9, 11 steps, one XDP attach)', () => {
  assert.is(foundShortest(xenbus, { reconfigure: '1', events: '1' }, 'X9_xdp_headroom_agrees'), 11);
});

test('finding F4: an XDP attach while netback_changed(Connected) is still queued: xenwatch blocks on rtnl, xennet_xdp_set waits for a wake only xenwatch gives (deadlock, 14 steps)', () => {
  const params = { reconfigure: '1', events: '1' };
  assert.is(foundShortest(xenbus, params, 'deadlock', { invariants: [] }), 14);
  const r = run(xenbus, params, { invariants: [] });
  const last = r.violation!.trace[r.violation!.trace.length - 1]!.state as any;
  assert.is(last.fe.xw, 'notify_peers');
  assert.is(last.fe.xdp, 'wait');
});

test('finding F2: an XDP attach during a guest close (otherend watch already freed): the wait is never woken, the close goes on and its teardown waits for rtnl (deadlock, 14 steps)', () => {
  // backendFatal=0: F8 (an attach while the backend closes after an error) is another 14-step deadlock at events=2
  const params = { reconfigure: '1', events: '2', migrate: '0', backendFatal: '0' };
  assert.is(foundShortest(xenbus, params, 'deadlock', { invariants: [] }), 14);
  const r = run(xenbus, params, { invariants: [] });
  const last = r.violation!.trace[r.violation!.trace.length - 1]!.state as any;
  assert.is(last.fe.remove, 'closed');
  assert.is(last.fe.xdp, 'wait');
  assert.ok(r.violation!.trace.some((x) => x.rule === 'xennet_remove'));
});

test("netfront's xennet_bus_close switches Closing again after XENNET_TIMEOUT: an XDP attach that switched Connected over the close no longer leaves xennet_remove waiting with both ends Connected", () => {
  const params = { reconfigure: '1', events: '2', migrate: '0', backendFatal: '0', frontendFatal: '0', spurious: '0', unplug: '0' };
  const p = (at(xenbus, params) as E.Right<any>).right;
  // no rule enabled (every choice of every rule that applies at p refused)
  const terminal = (m: Model, s: any) => m.rules.every((x) => (x.applies && !x.applies(p)) ||
    (x.choices ? x.choices(s, p) : [undefined]).every((a: any) => x.when !== undefined && !x.when(s, p, a)));
  // a terminal state where xennet_remove waits while both ends are Connected and idle
  const stalledClose = (m: Model) => deriveModel(m, {
    name: `${m.name}-stalled-close`, description: 'a close left waiting with both ends Connected and idle, as a violation',
    invariants: [{ name: 'no_stalled_close', description: '', see: '', holds: (s: any) => !(s.fe.remove !== 'none' && connectedAndIdle(s) && terminal(m, s)) }],
  });
  // with the re-switch no such state is reached; it fires
  const withRetry = run(stalledClose(xenbus), params, { invariants: ['no_stalled_close'], checkDeadlock: false });
  assert.is(withRetry.outcome, 'ok');
  assert.not.ok(withRetry.neverFired.includes('xennet_bus_close(XENNET_TIMEOUT)'));
  // without it the close stalls there, a state the valid end `connectedAndIdle` accepted
  const without = deriveModel(xenbus, { name: 'xenbus-no-bus-close-retry', description: 'xennet_bus_close waits without switching again', remove: ['xennet_bus_close(XENNET_TIMEOUT)'] });
  const r = run(stalledClose(without), params, { invariants: ['no_stalled_close'], checkDeadlock: false });
  assert.is(r.violation?.property, 'no_stalled_close');
});

test('finding F5: an XDP attach after resume, before the reconnect: netback connects on no keys and publishes Connected (X4, 12 steps)', () => {
  assert.is(foundShortest(xenbus, { reconfigure: '1', events: '2' }, 'X4_connected_after_hotplug', { invariants: ['X4_connected_after_hotplug'] }), 12);
});

test('variant f599c64fdf7d: netdev opened before its queues exist (X6), shortest', () => {
  assert.is(foundShortest(netdevBeforeQueues, QUIET, 'X6_open_only_with_queues'), 3);
});

test('variant 2afeec08ab5c: Connected published before the hotplug script ran (X4), shortest', () => {
  foundShortest(hotplugNoWait, QUIET, 'X4_connected_after_hotplug');
});

test('variant: backend reads tx-ring-ref before the frontend wrote it (X1), shortest', () => {
  assert.is(foundShortest(earlyRingRead, QUIET, 'X1_map_after_keys_published'), 3);
});

test('recoverability: the ignore-Closing frontend gets stuck (X8), the model does not', () => {
  const params = { events: '1', unplug: '0' };
  foundShortest(ignoreClosing, params, 'X8_recoverable', { invariants: ['X8_recoverable'], checkDeadlock: false });
  assert.is(run(xenbus, params, { invariants: ['X8_recoverable'], checkDeadlock: false }).outcome, 'ok');
});

test('late feature key: the proposal breaks X5 exactly where a backend uses it; the fix verifies on the whole matrix', () => {
  for (const frontend of ['old', 'new']) for (const backend of ['old', 'new']) {
    const params = { ...QUIET, frontend, backend };
    if (backend === 'new') foundShortest(lateFeature, params, 'X5_connected_agree');
    else assert.is(run(lateFeature, params).outcome, 'ok', `proposal fe=${frontend} be=${backend}`);
    assert.is(run(lateFeatureFixed, params).outcome, 'ok', `fix fe=${frontend} be=${backend}`);
  }
});

test('fixes of F2-F5: headroom written first verifies X9; the guarded, polling xennet_xdp_set (with netback answering Reconfiguring only from Connected) verifies everything, X8 included', () => {
  for (const events of ['1', '2']) {
    assert.is(run(headroomFirst, { reconfigure: '1', events }, { invariants: ['X9_xdp_headroom_agrees'], checkDeadlock: false }).outcome, 'ok', `headroom first, events=${events}`);
    assert.is(run(xdpSetFixed, { reconfigure: '1', events }).outcome, 'ok', `xdp_set fixed, events=${events}`);
  }
  assert.is(run(xdpSetFixed, { reconfigure: '1' }, { invariants: ['X8_recoverable'], checkDeadlock: false }).outcome, 'ok');
  // headroom first alone leaves the rtnl deadlock (F4)
  assert.is(run(headroomFirst, { reconfigure: '1', events: '1' }, { invariants: [] }).outcome, 'deadlock');
});

// --- a hostile frontend: properties of the honest backend

test('XS_SET_PERMS on a directory: nodes created below it afterwards inherit its perms (construct_node), with every directory created with them; nodes there before, and nodes below a directory that had the table\'s perms, keep theirs; the perms go with the nodes', () => {
  const pol: XsPolicy = { perms: [['fe', { owner: 'g', others: 'n', acl: { b: 'r' }, fixed: true }]], quota: { entries: 10, watches: 10, transactions: 10 }, domainOf: (o) => o };
  const g = { dom: 'g' }, b = { dom: 'b' };
  const after = xs((d) => {
    xsWrite(d, 'fe/dir/old', '1');
    xsWrite(d, 'fe/old', '1');
    assert.is(xsSetPermsAs(d, pol, g, 'fe/missing-dir', 'ng'), 'ENOENT');
    assert.is(xsSetPermsAs(d, pol, g, 'fe', 'ng'), 'ok'); // a directory is a node: it exists while a node lies below it
    assert.is(xsWriteAs(d, pol, g, 'fe/new', '1'), 'ok');
    assert.is(xsWriteAs(d, pol, g, 'fe/q/ref', '1'), 'ok');
    xsWrite(d, 'fe/q/other', '1'); // the toolstack's write below the new directory: inherits too
    xsWrite(d, 'fe/dir/new', '1'); // fe/dir existed with the table's perms
    assert.is(xsTxnStartAs(d, pol, g, 't'), 'ok');
    assert.is(xsTxnWriteAs(d, pol, g, 't', 'fe/txn', '1'), 'ok');
    assert.is(xsTxnEnd(d, 't', true), 'ok');
  });
  const reads = (path: string) => xsMayRead(after, pol, b, path);
  assert.equal(['fe/old', 'fe/dir/old', 'fe/dir/new'].map(reads), [true, true, true]);
  assert.equal(['fe/new', 'fe/q/ref', 'fe/q/other', 'fe/txn'].map(reads), [false, false, false, false]);
  assert.equal(after.perms, { fe: 'ng', 'fe/new': 'ng', 'fe/q/ref': 'ng', 'fe/q': 'ng', 'fe/q/other': 'ng', 'fe/txn': 'ng' });
  assert.equal(xs((d) => xsRm(d, 'fe/q'), after).perms, { fe: 'ng', 'fe/new': 'ng', 'fe/txn': 'ng' });
});

const HOSTILE = { frontend: 'hostile' };

test('hostile frontend, finding F6: a guest that writes Connected with no keys makes netback publish Connected with nothing mapped (X4 and X11, 4 steps); the F1 fix defends it', () => {
  assert.is(foundShortest(xenbus, HOSTILE, 'X4_connected_after_hotplug'), 4);
  assert.is(foundShortest(xenbus, HOSTILE, 'X11_connected_with_rings', { invariants: ['X11_connected_with_rings'] }), 4);
  const r = run(restartFix, HOSTILE);
  assert.is(r.outcome, 'ok');
  assert.equal(r.neverFired, [], 'every rule of the honest backend and every hostile write fired');
});

test('hostile frontend: the built-in netback never maps what was not granted (X2), never BUG()s (X3), holds one otherend event at most (X12)', () => {
  for (const inv of ['X2_frontend_frees_after_backend', 'X3_no_set_backend_state_BUG', 'X12_backend_events_bounded'])
    assert.is(run(xenbus, HOSTILE, { invariants: [inv], checkDeadlock: false }).outcome, 'ok', inv);
});

test('hostile frontend: each defence removed is caught (map status unchecked: X2; XSA-349, no frontend_will_handle: X12)', () => {
  assert.is(foundShortest(mapUnchecked, HOSTILE, 'X2_frontend_frees_after_backend', { invariants: ['X2_frontend_frees_after_backend'], checkDeadlock: false }), 4);
  assert.is(foundShortest(xsa349, HOSTILE, 'X12_backend_events_bounded', { invariants: ['X12_backend_events_bounded'], checkDeadlock: false }), 3);
  assert.is(run(xenbus, { ...HOSTILE, backendWatchDrop: 'none' }, { invariants: ['X12_backend_events_bounded'], checkDeadlock: false }).outcome, 'violation');
});

test('hostile frontend, xenstore: libxl\'s permissions keep the guest out of the backend directory (X16) and xenstored\'s quotas bound what it holds in dom0 (X17); each defence removed is caught', () => {
  const r = run(xenbus, HOSTILE, { invariants: ['X16_guest_confined', 'X17_guest_xenstore_bounded'], checkDeadlock: false });
  assert.is(r.outcome, 'ok');
  assert.equal(r.neverFired, [], 'every rule fired, the guest\'s transaction commit included');
  assert.is(foundShortest(backendWritable, HOSTILE, 'X16_guest_confined', { invariants: ['X16_guest_confined'], checkDeadlock: false }), 2);
  assert.is(foundShortest(noQuota, HOSTILE, 'X17_guest_xenstore_bounded', { invariants: ['X17_guest_xenstore_bounded'], checkDeadlock: false }), 2);
  // the node-size quota alone removed: the guest's node of XENSTORE_PAYLOAD_MAX bytes less its path is kept
  assert.is(foundShortest(noNodeSize, HOSTILE, 'X17_guest_xenstore_bounded', { invariants: ['X17_guest_xenstore_bounded'], checkDeadlock: false }), 2);
  const v = run(noNodeSize, HOSTILE, { invariants: ['X17_guest_xenstore_bounded'], checkDeadlock: false }).violation!;
  assert.is(v.trace[v.trace.length - 1]!.action, 'guest_write(hostile frontend)(oversized)');
  // xenstored's limit is a parameter: the oversized node is 16 (node_hdr) + 2 * 8 (perms) + 4073 bytes, within a quota of 4105, past 4104
  const at = (q: string) => run(noNodeSize, { ...HOSTILE, events: '0', quotaEntrySize: q }, { invariants: ['X17_guest_xenstore_bounded'], checkDeadlock: false }).outcome;
  assert.is(at('4105'), 'ok');
  assert.is(at('4104'), 'violation');
});

test('hostile frontend, XS_SET_PERMS: the guest takes netback\'s read access to its state away; netback reads Unknown and C xenstored sends it no event about the node (X18); xenstored before XSA-115 is caught (4 steps)', () => {
  const inv = { invariants: ['X18_watch_events_readable', 'X3_no_set_backend_state_BUG', 'X12_backend_events_bounded'], checkDeadlock: false };
  assert.is(run(xenbus, HOSTILE, inv).outcome, 'ok');
  assert.is(foundShortest(xsa115, HOSTILE, 'X18_watch_events_readable', { invariants: ['X18_watch_events_readable'], checkDeadlock: false }), 4);
  // the revoked read is reachable and netback acts on it (frontend_changed reads XenbusStateUnknown: Closed, device_unregister)
  const probe = deriveModel(xenbus, {
    name: 'xenbus-probe-revoked', description: 'netback unregistered after the guest took its read access away', see: 'test',
    invariants: [{ name: 'not_revoked_then_removed', description: '', see: '', holds: (s) => !(s.xs.perms !== undefined && !s.be.inst && s.xs.nodes['backend/vif/1/0/state'] === '6' && !s.ts.beDown && s.ts.phase === 'plugged') }],
  });
  const r = run(probe, HOSTILE, { invariants: ['not_revoked_then_removed'], checkDeadlock: false });
  assert.is(r.outcome, 'violation');
  const actions = r.violation!.trace.map((t) => t.action);
  const i = actions.indexOf('guest_write(hostile frontend)(set-perms state:no-backend-read)');
  assert.ok(i > 0 && actions.slice(i + 1).includes('frontend_changed'), actions.join(' | '));
  assert.is(r.violation!.trace[r.violation!.trace.length - 1]!.state.xs.nodes['backend/vif/1/0/state'], '6', 'netback switched Closed');
});

test('hostile frontend, XS_SET_PERMS on its directory: the keys it writes afterwards inherit no read access for the driver domain; netback reads them as missing and its connect() fails (never maps such a ring); the keys written before stay readable', () => {
  const FE = 'device/vif/0', hidden = 'nguest';
  const inherited = (s: any, q: number, nq: 1 | 2) => s.xs.perms?.[nq === 1 ? `${FE}/tx-ring-ref` : `${FE}/queue-${q}/tx-ring-ref`] === hidden;
  const probe = deriveModel(xenbus, {
    name: 'xenbus-probe-inherited', description: 'netback and the keys the guest hid with its directory\'s perms', see: 'test',
    invariants: [
      { name: 'never_maps_hidden', description: '', see: '', holds: (s: any) => s.q.every((q: any, i: number) => q.map === null || !(inherited(s, i, 1) || inherited(s, i, 2))) },
      { name: 'not_failed_on_hidden', description: '', see: '', holds: (s: any) => !(inherited(s, 0, 2) && s.xs.nodes[`${FE}/multi-queue-num-queues`] === '2' && s.be.inst && s.be.dev === 5 && s.q.every((q: any) => q.map === null)) },
    ],
  });
  const params = { ...HOSTILE, hostileWrites: '3', events: '0' };
  assert.is(run(probe, params, { invariants: ['never_maps_hidden'], checkDeadlock: false }).outcome, 'ok');
  const r = run(probe, params, { invariants: ['not_failed_on_hidden'], checkDeadlock: false });
  assert.is(r.outcome, 'violation', 'netback fails on the hidden keys');
  const actions = r.violation!.trace.map((t) => t.action);
  assert.ok(actions.indexOf('guest_write(hostile frontend)(set-perms dir:no-backend-read)') < actions.indexOf('guest_write(hostile frontend)(keys=two-queues)'), actions.join(' | '));
  // netback maps the rings when the keys came first (set before the directory's perms: not inherited)
  const mapped = deriveModel(xenbus, {
    name: 'xenbus-probe-mapped-before', description: 'netback maps keys written before the directory\'s perms', see: 'test',
    invariants: [{ name: 'not_mapped_under_hidden_dir', description: '', see: '', holds: (s: any) => !(s.xs.perms?.[FE] === hidden && s.q[0].map !== null) }],
  });
  assert.is(run(mapped, params, { invariants: ['not_mapped_under_hidden_dir'], checkDeadlock: false }).outcome, 'violation');
});

test('vif hotplug script failure (hotplug-status=error) or timeout (LIBXL_HOTPLUG_TIMEOUT): libxl removes the device and every property holds, X8 included', () => {
  const r = run(xenbus, { hotplugFail: '1', events: '1' });
  assert.is(r.outcome, 'ok');
  assert.ok(!r.neverFired.includes('vif-hotplug(failed)'));
  const cut = run(xenbus, { hotplugFail: '1', events: '1', unplug: '0', migrate: '0', guestClose: '0', reconnect: '0', frontendFatal: '0', backendFatal: '0', spurious: '0' });
  assert.is(cut.outcome, 'ok', 'a hotplug failure alone is recovered from (removed)');
});

test('LIBXL_INIT_TIMEOUT: libxl gives up before the backend reached InitWait and removes the device; netback\'s queued probe then reads Closing and does not probe, LIBXL_DESTROY_TIMEOUT removes the directories; every property holds, X8 and X19 included', () => {
  const r = run(xenbus, { events: '0' });
  assert.is(r.outcome, 'ok');
  for (const rule of ['LIBXL_INIT_TIMEOUT', 'LIBXL_DESTROY_TIMEOUT']) assert.ok(!r.neverFired.includes(rule), rule);
  assert.ok(r.neverFired.includes('libxl__device_destroy'), 'nobody answers Closed: no netback instance after the timeout');
  // off (initTimeout=0), the toolstack waits for netback, which always probes: no forced removal at events=0
  const off = run(xenbus, { events: '0', initTimeout: '0' });
  assert.is(off.outcome, 'ok');
  assert.ok(off.neverFired.includes('LIBXL_DESTROY_TIMEOUT'));
});

test('LIBXL_INIT_TIMEOUT defends dom0 against a driver domain that never writes InitWait (X19, backend=hostile); without it the device add hangs (3 steps)', () => {
  const params = { backend: 'hostile', unplug: '0' };
  assert.is(run(xenbus, params, { invariants: ['X19_device_add_ends'], checkDeadlock: false }).outcome, 'ok');
  assert.is(foundShortest(noInitTimeout, params, 'X19_device_add_ends', { invariants: ['X19_device_add_ends'], checkDeadlock: false }), 3);
});

test('slowFrontend: LIBXL_DESTROY_TIMEOUT while netfront\'s key transaction is open: xenstored refuses the retried writes (EACCES, device/vif is dom0\'s), talk_to_netback unregisters the device: verifies; without the permission check the retry re-creates the directory and the guest is stuck (deadlock)', () => {
  assert.is(run(xenbus, { slowFrontend: 'true' }).outcome, 'ok');
  const recreate = deriveModel(xenbus, {
    name: 'xenbus-guest-recreates-directory', description: 'the retried transaction re-creates the removed frontend directory (no permission check)', see: 'test',
    replace: { xenbus_transaction_end: { ...xenbus_transaction_end, then: (d: any, s: any, p: any) => {
      if (xsTxnEnd(d.xs, TXN_FE, true, p.txnConflicts) === 'EAGAIN') { writeFrontendKeys(d, p); return; }
      d.fe.txn = false; d.fe.netdev = true; switchState(d, 'fe', 4, p);
    } } },
  });
  assert.is(run(recreate, { slowFrontend: 'true' }).outcome, 'deadlock');
});

test('hostile backend, xenstore: the driver domain cannot write the guest\'s frontend directory (X16); without the permission check it can', () => {
  const inv = { invariants: ['X16_guest_confined'], checkDeadlock: false };
  assert.is(run(xenbus, { backend: 'hostile', events: '1' }, inv).outcome, 'ok');
  const open = deriveModel(xenbus, { name: 'xenbus-frontend-writable-by-backend', description: 'no permission check on the driver domain', see: 'test',
    replace: { 'driver_domain_write(hostile backend)': makeHostileBackendWrite({ checkPerms: false }) } });
  assert.is(foundShortest(open, { backend: 'hostile', events: '1' }, 'X16_guest_confined', inv), 2);
});

// --- the historical bugs X-10, B-10, B-11 (xen-protocols.md §6): found, shortest; the built-in verifies at the same parameters

test('X-10 (XSA-374): kthread_stop on a guest-rx task that exited on its own without a reference (X14, 10 steps)', () => {
  const params = { malformedPacket: '1', events: '2' };
  assert.is(foundShortest(xsa374, params, 'X14_no_use_after_free'), 10);
  const r = run(xenbus, params);
  assert.is(r.outcome, 'ok');
  assert.ok(!r.neverFired.includes('xenvif_fatal_tx_err'));
});

test('B-10 (CVE-2022-48914): netfront destroys its queues after real_num_tx_queues is zeroed (X13, 10 steps: the removal event waits behind two queued netback_changed events)', () => {
  assert.is(foundShortest(destroyQueuesLate, { events: '1' }, 'X13_napi_released'), 10);
  assert.is(run(xenbus, { events: '1' }).outcome, 'ok');
});

test('B-11: backend_disconnect frees the queues without synchronize_net while xenvif_start_xmit runs (X14, 11 steps)', () => {
  const params = { xmit: 'true', events: '1' };
  assert.is(foundShortest(disconnectNoSync, params, 'X14_no_use_after_free'), 11);
  const r = run(xenbus, params);
  assert.is(r.outcome, 'ok');
  // a driver rebind (and its wait in xennet_create_dev) needs a guest close first: two events
  assert.equal(r.neverFired, ['netfront_probe(driver bind)', 'xennet_create_dev(XENNET_TIMEOUT)']);
});

// --- a hostile backend: properties of the honest frontend

test('hostile backend: netfront (old and new) never frees or reuses a ring page the backend maps (X2) nor opens without queues (X6), every rule fired; XSA-396 (free while mapped) is caught', () => {
  for (const frontend of ['old', 'new']) {
    // deadlock is finding F7 with a hostile backend (test 'finding F7')
    const r = run(xenbus, { backend: 'hostile', frontend }, { invariants: ['X2_frontend_frees_after_backend', 'X6_open_only_with_queues'], checkDeadlock: false });
    assert.is(r.outcome, 'ok', frontend);
    assert.equal(r.neverFired, [], `${frontend}: every rule fired`);
  }
  assert.is(foundShortest(xsa396, { backend: 'hostile' }, 'X2_frontend_frees_after_backend', { invariants: ['X2_frontend_frees_after_backend'], checkDeadlock: false }), 11);
});

// --- MirageOS netfront (mirage-net-xen) against Linux netback

test('MirageOS netfront: Linux netback connects it (keys, then Connected straight from Initialising): every property holds, X8 included, with no backend error', () => {
  for (const events of ['2', '3']) {
    const r = run(xenbus, { frontend: 'mirage', backendFatal: '0', events });
    assert.is(r.outcome, 'ok', `events=${events}`);
  }
  assert.is(run(xenbus, { frontend: 'mirage', backendFatal: '0' }, { invariants: ['X8_recoverable'], checkDeadlock: false }).outcome, 'ok');
});

test('finding M1: MirageOS netfront never answers the backend\'s Closing: after a netback error both ends wait for each other (deadlock, 8 steps); answering Closing fixes it', () => {
  assert.is(foundShortest(xenbus, { frontend: 'mirage', events: '1' }, 'deadlock', { invariants: [] }), 8);
  for (const events of ['1', '2', '3']) assert.is(run(mirageCloseOnClosing, { frontend: 'mirage', events }).outcome, 'ok', `fix, events=${events}`);
});

test('MirageOS netfront, a defence removed: Connected written before its configuration makes Linux netback publish Connected with nothing mapped (X4, X11: 4 steps); the built-in verifies both at the same parameters', () => {
  const params = { frontend: 'mirage' };
  for (const inv of ['X4_connected_after_hotplug', 'X11_connected_with_rings']) {
    assert.is(foundShortest(mirageConnectBeforeKeys, params, inv, { invariants: [inv], checkDeadlock: false }), 4, inv);
    assert.is(run(xenbus, params, { invariants: [inv], checkDeadlock: false }).outcome, 'ok', `built-in, ${inv}`);
  }
});

// --- the DPDK xenvirt pairing (PMD and switching backend)

test('DPDK xenvirt, a defence removed: gntalloc freeing the vrings of an exiting application while the switch maps them is caught (X2, 8 steps); the built-in verifies at the same parameters', () => {
  const params = { frontend: 'dpdk', backend: 'dpdk' };
  const inv = { invariants: ['X2_frontend_frees_after_backend'], checkDeadlock: false };
  assert.is(foundShortest(dpdkFreeMapped, params, 'X2_frontend_frees_after_backend', inv), 8);
  assert.is(run(xenbus, params, inv).outcome, 'ok');
});

test('DPDK xenvirt: the PMD publishes its vring grefs in control/dpdk, the switch maps them and both poll; gntalloc defers the free of mapped pages (X2) across application restarts', () => {
  const r = run(xenbus, { frontend: 'dpdk', backend: 'dpdk', events: '3' });
  assert.is(r.outcome, 'ok');
  for (const rule of ['switch: new virtio device', 'eth_xenvirt_rx/tx(polling)', 'DPDK application restart(guest)', 'switch: vring_flag cleared'])
    assert.ok(!r.neverFired.includes(rule), rule);
});

test('finding D1: a restarted DPDK switching backend maps the vrings its predecessor used (stale event_type_start_0): X15 in 11 steps; clearing the announcements on restart fixes it', () => {
  const params = { frontend: 'dpdk', backend: 'dpdk', backendRestart: '1' };
  assert.is(foundShortest(xenbus, params, 'X15_dpdk_ring_in_sync'), 11);
  for (const events of ['2', '3']) assert.is(run(dpdkFix, { ...params, events }).outcome, 'ok', `fix, events=${events}`);
});

test.run();
