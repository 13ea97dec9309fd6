/**
 * netif-tx: the built-in (netfront and netback as Linux 6.12 runs them)
 * verifies at its defaults and with a ring-filling frontend; every example
 * of examples/netif-*.ts gives exactly the result its @pvcheck header states
 * (a shortest counterexample that replays, none a step shorter, and the
 * built-in verifying at the same settings); the finding of
 * docs/models/netif.md is reached by the built-in and its fix verifies.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import type { Model } from '../model/core.js';
import { netifTx, packetSlots, shapes, K_EXTRA, NETTXF_more_data, NETTXF_extra_info, type NetifState } from '../model/netif.js';
import { deriveModel } from '../model/core.js';
import { paramsOf, replays, runModel } from './support/models.js';
import { findModel } from '../model/registry.js';

const exampleDir = new URL('../examples/', import.meta.url);

/** `-p a=b -p c=d` -> { a: 'b', c: 'd' } (numbers as numbers). */
function argsOf(line: string): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  const words = line.trim().split(/\s+/);
  for (let i = 0; i < words.length; i++) {
    if (words[i] !== '-p') throw new Error(`unexpected argument '${words[i]}' in '${line}'`);
    const [k, v] = words[++i]!.split('=');
    out[k!] = /^(\d+|0x[0-9a-f]+)$/i.test(v!) ? Number(v) : v!;
  }
  return out;
}

interface Check { args: Record<string, string | number>; expect: string }
function header(file: string): { checks: Check[]; fixedBy?: string } {
  const text = readFileSync(new URL(file, exampleDir), 'utf8');
  const checks: Check[] = [];
  let fixedBy: string | undefined;
  for (const m of text.matchAll(/@pvcheck (check|expect|fixed-by) (.*)/g)) {
    if (m[1] === 'check') checks.push({ args: argsOf(m[2]!), expect: '' });
    else if (m[1] === 'expect') checks.at(-1)!.expect = m[2]!.trim();
    else fixedBy = m[2]!.trim();
  }
  return { checks, ...(fixedBy ? { fixedBy } : {}) };
}

const files = readdirSync(exampleDir).filter((f) => (f.startsWith('netif-') && !f.startsWith('netif-ctrl')) || f === 'ring-b8-torn-req-prod.ts').sort();

test('the netif examples are there', () => {
  for (const f of ['netif-b2-push-before-release.ts', 'netif-b12-extra-count.ts', 'netif-b15-slot-limit.ts', 'netif-xsa39.ts', 'netif-xsa155.ts',
    'netif-xsa423-headers.ts', 'netif-xsa432-frags.ts', 'netif-xsa448-zero-frag.ts', 'netif-fraglist-zero-frag-fix.ts', 'ring-b8-torn-req-prod.ts',
    'netif-xsa332-storm.ts', 'netif-rx-xsa405.ts', 'netif-rx-xsa391-storm.ts', 'netif-rx-xsa424-drop-in-lock.ts', 'netif-rx-fill-frags-fix.ts'])
    assert.ok(files.includes(f), f);
});

for (const file of files) {
  test(`${file}: every @pvcheck result as stated; replays; the built-in verifies`, async () => {
    const m = (await import(new URL(file, exampleDir).href)).default as Model<NetifState, any>;
    const h = header(file);
    assert.ok(h.checks.length > 0);
    for (const c of h.checks) {
      const p = paramsOf(m, c.args);
      const r = runModel(m, p);
      const v = /^violation (\S+) in (\d+) steps$/.exec(c.expect);
      if (c.expect === 'ok') { assert.is(r.outcome, 'ok', `${JSON.stringify(c.args)}: ${r.violation?.property}`); continue; }
      assert.ok(v, `expect line '${c.expect}'`);
      assert.is(r.outcome, 'violation', JSON.stringify(c.args));
      assert.is(r.violation!.property, v![1]);
      const steps = Number(v![2]);
      assert.is(r.violation!.trace.length - 1, steps);
      assert.ok(replays(m, p, r), 'the trace replays on the variant');
      assert.is(runModel(m, p, steps - 1).violation, undefined, `none within ${steps - 1} steps`);
    }
    if (h.fixedBy) {
      const fix = findModel(h.fixedBy)!;
      assert.ok(fix, h.fixedBy);
      const r = runModel(fix, paramsOf(fix, h.checks[0]!.args));
      assert.is(r.outcome, 'ok', `built-in at ${JSON.stringify(h.checks[0]!.args)}: ${r.violation?.property}`);
    }
  });
}

test('the default and a ring-filling frontend verify', () => {
  assert.is(runModel(netifTx, paramsOf(netifTx, {})).outcome, 'ok');
  assert.is(runModel(netifTx, paramsOf(netifTx, { ringSize: 4, packets: 5, maxSlots: 1, gso: 'off', stopAt: 'ring-full' })).outcome, 'ok');
});

test("evtchn=lateeoi: netback's tx event channel verifies; an EOI lost at NAPI completion leaves the next packet unseen (deadlock)", () => {
  const p = paramsOf(netifTx, { evtchn: 'lateeoi', packets: 2 }); // written at packets=2 (482,227 states at the defaults' 3)
  const r = runModel(netifTx, p);
  assert.is(r.outcome, 'ok');
  // without xen_irq_lateeoi(irq, 0) in xenvif_napi_schedule_or_enable_events, the port stays masked
  const complete = netifTx.rules.find((x) => x.name === 'xenvif_poll.napi_complete_done')!;
  const noEoi = deriveModel(netifTx, {
    name: 'netif-tx-no-eoi', description: 'NAPI completes without xen_irq_lateeoi',
    replace: { 'xenvif_poll.napi_complete_done': { ...complete, then: (d, s, pp, a) => { complete.then(d, s, pp, a); d.ev.masked = s.ev.masked; d.ev.eoi = s.ev.eoi; } } },
  });
  const v = runModel(noEoi, paramsOf(noEoi, { evtchn: 'lateeoi', packets: 2 }));
  assert.is(v.violation?.property, 'deadlock');
  assert.ok(replays(noEoi, paramsOf(noEoi, { evtchn: 'lateeoi', packets: 2 }), v));
  const last = v.violation!.trace.at(-1)!.state as NetifState;
  assert.is(last.ev.masked, 1);
  assert.ok(last.req_prod !== last.back.req_cons, 'requests on the ring that netback never sees');
  // without the final check's req_event, netfront's second push does not notify
  const noEvent = deriveModel(netifTx, {
    name: 'netif-tx-no-req-event', description: 'NAPI completes without RING_FINAL_CHECK_FOR_REQUESTS',
    replace: { 'xenvif_poll.napi_complete_done': { ...complete, then: (d, s, pp, a) => { complete.then(d, s, pp, a); d.ev.req_event = s.ev.req_event; } } },
  });
  assert.is(runModel(noEvent, paramsOf(noEvent, { evtchn: 'lateeoi', packets: 2 })).violation?.property, 'deadlock');
});

test('finding: the built-in reads past the packet when a zero-size fragment lands in the frag_list skb', () => {
  const p = paramsOf(netifTx, { frontend: 'any', packets: 1, maxSlots: 3, ringSize: 4 });
  const r = runModel(netifTx, p);
  assert.is(r.violation?.property, 'B_frags_fit_skb');
  assert.is(r.violation!.trace.length - 1, 3);
  assert.ok(replays(netifTx, p, r));
  const sent = r.violation!.trace[1]!.state as NetifState;
  // a packet of LEGACY_SLOTS_MAX + 1 data slots whose last fragment is empty
  assert.is(sent.ring[2]!.size, 0);
  assert.is(sent.ring[1]!.flags & NETTXF_more_data, NETTXF_more_data);
});

test('packets as netif.h lays them out: the first slot carries the total size, extras after it, more_data on all but the last', () => {
  const sl = packetSlots({ frags: [2, 1, 3], extra: 'chain', offsetSlot: -1, unterminated: false }, [5, 6, 7]);
  assert.equal(sl.map((s) => s.k === K_EXTRA ? 'x' : s.size), [6, 'x', 'x', 1, 3]);
  assert.is(sl[0]!.flags, NETTXF_more_data | NETTXF_extra_info);
  assert.is(sl[3]!.flags, NETTXF_more_data);
  assert.is(sl[4]!.flags, 0);
  assert.equal(sl.filter((s) => s.k !== K_EXTRA).map((s) => s.id), [5, 6, 7]);
  // netfront never writes more than XEN_NETIF_NR_SLOTS_MIN data slots
  const p = paramsOf(netifTx, { maxSlots: 4, slotsMin: 2, packets: 2 });
  assert.ok(shapes(p).every((s) => s.frags.length <= 2));
});

test.run();
